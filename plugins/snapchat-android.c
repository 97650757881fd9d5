/*
 * snapchat-android: Snapchat on Android, com.snapchat.android.
 *
 *   databases/arroyo.db            conversations and messages
 *                                  (snapchat-arroyo.h)
 *   databases/main.db              Friend: user ids, usernames, display
 *                                  names, phone, birthday, added times
 *   databases/native_content_manager/cache_controller.db
 *                                  CACHE_FILE_CLAIM: the cached media of
 *                                  messages, files under
 *                                  files/native_content_manager/
 *   shared_prefs/user_session_shared_pref.xml
 *                                  key_user_id: the signed-in account
 *   shared_prefs/identity_persistent_store.xml
 *                                  LAST_LOGGED_IN_USERNAME (when the
 *                                  first has no id)
 *
 * Paths are relative to the app's data directory, found as the parent of
 * the databases/ directory that holds arroyo.db, so a full file system,
 * an app folder handed in, or arroyo.db alone are read alike (with less
 * around it, less is known: the owner unknown makes every direction
 * "unknown", never a guess).  Facts from ALEAPP's snapchat.py.
 */
#include "snapchat-arroyo.h"

#include "banned.h"

#define SC_PREFS_MAX ((size_t)4 << 20)

/* root/rel into buf ("rel" when root is empty; "" when too long). */
static void join(char *buf, size_t size, const char *root, const char *rel)
{
	if (snprintf(buf, size, "%s%s%s", root, *root ? "/" : "", rel) >=
	    (int)size)
		buf[0] = '\0';
}

static bool prefs_value(const struct spoor_host *h, const char *path,
			const char *key, char *out, size_t size)
{
	size_t len = 0;
	char *buf;
	bool ok, cut;

	if (!h->exists(h, path))
		return false;
	buf = h->read_file(h, path, SC_PREFS_MAX, &len);
	if (!buf)
		return false;
	ok = pu_prefs_get(buf, len, key, out, size, &cut) && out[0] && !cut;
	h->free_buf(h, buf);
	return ok;
}

/* The owner's id from user_session_shared_pref.xml (before the friends
 * are read, so that the owner's own Friend row says so). */
static void owner_id(struct sc *s, const char *root)
{
	char p[4200];

	join(p, sizeof(p), root, "shared_prefs/user_session_shared_pref.xml");
	if (prefs_value(s->h, p, "key_user_id", s->owner_id,
			sizeof(s->owner_id)))
		s->owner_basis = "user_session_shared_pref.xml key_user_id";
	else
		s->owner_id[0] = '\0';
}

/* Else the last username that signed in, through the Friend rows. */
static void owner_by_name(struct sc *s, const char *root)
{
	const struct spoor_host *h = s->h;
	char p[4200], name[256];

	if (s->owner_id[0])
		return;
	join(p, sizeof(p), root, "shared_prefs/identity_persistent_store.xml");
	if (!prefs_value(h, p, "LAST_LOGGED_IN_USERNAME", name, sizeof(name)))
		return;
	/* the username to its id, through main.db's Friend rows */
	for (size_t i = 0; i < s->friends.m.cap; i++) {
		struct pu_sent *e;
		struct sc_user *u;

		if (!s->friends.m.used[i])
			continue;
		e = s->friends.m.vals[i];
		u = e->val;
		if (u->username && !strcmp(u->username, name) &&
		    strlen(u->id) < sizeof(s->owner_id)) {
			snprintf(s->owner_id, sizeof(s->owner_id), "%s",
				 u->id);
			s->owner_basis = "identity_persistent_store.xml "
				"LAST_LOGGED_IN_USERNAME, through Friend";
			return;
		}
	}
}

static void account(struct sc *s, const char *root)
{
	struct spoor_prov prov = { NULL, NULL, -1, -1, NULL };
	const struct sc_user *u;
	struct spoor_record r;
	char p[4200];

	if (!s->owner_id[0])
		return;
	u = sc_user_of(s, s->owner_id, strlen(s->owner_id));
	join(p, sizeof(p), root, !strncmp(s->owner_basis, "user_session", 12)
	     ? "shared_prefs/user_session_shared_pref.xml"
	     : "shared_prefs/identity_persistent_store.xml");
	prov.source_path = p;
	spoor_p_init(&r, "account");
	spoor_p_str(&r, "app", "snapchat");
	spoor_p_str(&r, "account_type", "owner");
	spoor_p_str(&r, "user_id", s->owner_id);
	spoor_p_str(&r, "username", u ? u->username : NULL);
	spoor_p_str(&r, "name", u ? u->name : NULL);
	spoor_p_str(&r, "owner_basis", s->owner_basis);
	if (s->h->emit(s->h, &r, &prov))
		s->stop = true;
}

static int run(const struct spoor_host *h, const char *path)
{
	struct sc s;
	char dbdir[4096], root[4096], p[4200];

	/* the iOS layout is snapchat-ios's */
	if (strstr(path, "user_scoped/") || strstr(path, "arroyo/arroyo.db"))
		return SPOOR_PLUGIN_DECLINED;
	memset(&s, 0, sizeof(s));
	s.h = h;
	s.path = path;
	pu_dirname(path, dbdir, sizeof(dbdir));
	pu_dirname(dbdir, root, sizeof(root));
	owner_id(&s, root);
	join(p, sizeof(p), dbdir, "main.db");
	if (h->exists(h, p))
		sc_read_friends(&s, p);
	owner_by_name(&s, root);
	join(p, sizeof(p), dbdir, "native_content_manager/cache_controller.db");
	if (!s.stop && h->exists(h, p))
		sc_read_claims(&s, p);
	join(s.media_dir, sizeof(s.media_dir), root,
	     "files/native_content_manager");
	if (!s.stop)
		account(&s, root);
	if (!s.stop)
		sc_read(&s);
	sc_free(&s);
	return 0;
}

static const char *const types[] = { "message", "conversation", "contact",
				     "account", NULL };
static const char *const patterns[] = { "arroyo.db", NULL };

static int run_checked(const struct spoor_host *h, const char *path)
{
	return pu_host_1_2(h) ? run(h, path) : SPOOR_EUNSUPPORTED;
}

const struct spoor_plugin spoor_plugin_snapchat_android = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "snapchat-android",
	.version = "1.0",
	.description = "Snapchat on Android: arroyo.db conversations and "
		"messages (protobuf text), main.db friends, cached chat "
		"media, the signed-in account",
	.types = types,
	.patterns = patterns,
	.run = run_checked,
};
