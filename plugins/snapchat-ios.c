/*
 * snapchat-ios: Snapchat on iOS (bundle com.toyopagroup.picaboo), in the
 * app's data container:
 *
 *   Documents/user_scoped/<id>/arroyo/arroyo.db
 *                       conversations and messages, the same tables as
 *                       on Android (snapchat-arroyo.h)
 *   Documents/user.plist
 *                       user_id and username of the signed-in account
 *                       (iLEAPP snapchat.py), the owner
 *
 * The container is found from arroyo.db's path (four levels up), so a
 * file-system extraction, an iTunes backup (AppDomain-
 * com.toyopagroup.picaboo, mapped to the same paths) and a container
 * folder handed in read alike.  Friends' usernames and display names
 * (DocObjects/primary.docobjects) are not read: no public description of
 * that store was found, so senders other than the owner keep their
 * UUID only.  Media are not linked on iOS (no verified cache layout).
 */
#include "snapchat-arroyo.h"
#include "nskeyed.h"

#include "banned.h"

#define SC_PLIST_MAX ((size_t)1 << 20)

static void plist_str(plist_t dict, const char *key, char *out, size_t size)
{
	plist_t n = plist_dict_get_item(dict, key);
	uint64_t len = 0;
	const char *s;

	out[0] = '\0';
	if (!n || plist_get_node_type(n) != PLIST_STRING)
		return;
	s = plist_get_string_ptr(n, &len);
	if (s && len < size) {
		memcpy(out, s, (size_t)len);
		out[len] = '\0';
	}
}

/* Documents/user.plist: the owner's id and username. */
static void owner(struct sc *s, const char *docs, char *user, size_t size)
{
	const struct spoor_host *h = s->h;
	char p[4200];
	size_t len = 0;
	char *buf;
	plist_t pl = NULL;

	user[0] = '\0';
	if (snprintf(p, sizeof(p), "%s/user.plist", docs) >= (int)sizeof(p) ||
	    !h->exists(h, p))
		return;
	buf = h->read_file(h, p, SC_PLIST_MAX, &len);
	if (!buf)
		return;
	if (len >= 8 && nsk_plist_shallow(buf, len))
		plist_from_memory(buf, (uint32_t)len, &pl);
	h->free_buf(h, buf);
	if (!pl || plist_get_node_type(pl) != PLIST_DICT) {
		h->not_understood(h, p, "not a readable property list");
		if (pl)
			plist_free(pl);
		return;
	}
	plist_str(pl, "user_id", s->owner_id, sizeof(s->owner_id));
	plist_str(pl, "username", user, size);
	plist_free(pl);
	if (s->owner_id[0])
		s->owner_basis = "Documents/user.plist user_id";
}

static void account(struct sc *s, const char *docs, const char *user)
{
	struct spoor_prov prov = { NULL, NULL, -1, -1, NULL };
	struct spoor_record r;
	struct sc_user *u;
	char p[4200];

	if (!s->owner_id[0])
		return;
	if (snprintf(p, sizeof(p), "%s/user.plist", docs) >= (int)sizeof(p))
		return;
	prov.source_path = p;
	spoor_p_init(&r, "account");
	spoor_p_str(&r, "app", "snapchat");
	spoor_p_str(&r, "account_type", "owner");
	spoor_p_str(&r, "user_id", s->owner_id);
	spoor_p_str(&r, "username", user[0] ? user : NULL);
	spoor_p_str(&r, "owner_basis", s->owner_basis);
	if (s->h->emit(s->h, &r, &prov))
		s->stop = true;
	/* the owner's username for the messages the owner sent */
	if (user[0] && (u = calloc(1, sizeof(*u)))) {
		u->id = strdup(s->owner_id);
		u->username = strdup(user);
		if (!u->id || !u->username ||
		    !pu_smap_put(&s->friends, u->id, strlen(u->id), u))
			sc_user_free(u);
	}
}

static int run(const struct spoor_host *h, const char *path)
{
	struct sc s;
	char a[4096], b[4096], user[256];

	memset(&s, 0, sizeof(s));
	s.h = h;
	s.path = path;
	/* .../Documents/user_scoped/<id>/arroyo/arroyo.db */
	pu_dirname(path, a, sizeof(a));		/* .../arroyo */
	pu_dirname(a, b, sizeof(b));		/* .../<id> */
	pu_dirname(b, a, sizeof(a));		/* .../user_scoped */
	pu_dirname(a, b, sizeof(b));		/* .../Documents */
	owner(&s, b, user, sizeof(user));
	account(&s, b, user);
	if (!s.stop)
		sc_read(&s);
	sc_free(&s);
	return 0;
}

static const char *const types[] = { "message", "conversation", "account",
				     NULL };
static const char *const patterns[] = { "*user_scoped/*/arroyo/arroyo.db",
					"*arroyo/arroyo.db", NULL };

static int run_checked(const struct spoor_host *h, const char *path)
{
	return pu_host_1_2(h) ? run(h, path) : SPOOR_EUNSUPPORTED;
}

const struct spoor_plugin spoor_plugin_snapchat_ios = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "snapchat-ios",
	.version = "1.0",
	.description = "Snapchat on iOS: Documents/user_scoped/*/arroyo/"
		"arroyo.db conversations and messages (protobuf text), the "
		"account from Documents/user.plist",
	.types = types,
	.patterns = patterns,
	.run = run_checked,
};
