/*
 * instagram-ios: Instagram direct messages on iOS (com.burbn.instagram),
 * Library/Application Support/DirectSQLiteDatabase/<viewer id>.db, facts
 * from plaso's ios_instagram.py and iLEAPP (docs/artifacts.md 3.15):
 *
 *   threads(thread_id, thread_id_v2, viewer_id, metadata)
 *       viewer_id: the signed-in account; metadata: an NSKeyedArchiver
 *       archive with IGUser*inviter and NSArray<IGUser *>*users, each
 *       user with pk, fullName (and username where present)
 *   messages(row_id, message_id, thread_id, archive, class_name)
 *       archive: an NSKeyedArchiver archive whose root holds
 *       IGDirectPublishedMessageContent*content (NSString*string: the
 *       text; IGDirectPublishedMessageMedia*media; IGDirectThreadActivity
 *       Announcement*threadActivity: calls) and
 *       IGDirectPublishedMessageMetadata*metadata (NSString*senderPk,
 *       NSDate*serverTimestamp)
 *
 * Archives are read by lib/nskeyed.h (libplist behind the depth and
 * cycle guard; lookups by key only).  A message whose archive holds none
 * of text, media or activity is reported with its row and counted not
 * understood; an archive that does not parse likewise.  Media are URLs
 * on Instagram's servers: listed, not fetched.
 */
#include "plugutil.h"
#include "nskeyed.h"

#include "banned.h"

struct igi_user {
	char *id, *username, *name;
};

struct igi {
	const struct spoor_host *h;
	const char *path;
	struct spoor_db *db;
	char owner[32];
	struct pu_smap users;
	uint64_t messages, empty, bad;
	bool stop;
};

static void igi_user_free(void *p)
{
	struct igi_user *u = p;

	if (!u)
		return;
	free(u->id);
	free(u->username);
	free(u->name);
	free(u);
}

static char *dup_node(const struct nsk *a, plist_t n)
{
	size_t len = 0;
	const char *s = nsk_string(a, n, &len);
	int64_t v;
	char num[32];

	if (s)
		return pu_strndup(s, len, 1024);
	if (nsk_int(a, n, &v)) {
		snprintf(num, sizeof(num), "%lld", (long long)v);
		return strdup(num);
	}
	return NULL;
}

/* An IGUser of a thread's metadata into the map and the participants. */
static void thread_user(struct igi *g, const struct nsk *a, plist_t u,
			struct pu_parts *parts)
{
	struct igi_user *x, *known;
	char *id = dup_node(a, nsk_get(a, u, "pk"));

	if (!id)
		return;
	known = pu_smap_get(&g->users, id, strlen(id));
	if (!known && (x = calloc(1, sizeof(*x)))) {
		x->id = id;
		id = NULL;
		x->name = dup_node(a, nsk_get(a, u, "fullName"));
		x->username = dup_node(a, nsk_get(a, u, "username"));
		if (!pu_smap_put(&g->users, x->id, strlen(x->id), x))
			igi_user_free(x);
		else
			known = x;
	}
	free(id);
	if (!known)
		return;
	for (size_t i = 0; i < parts->n; i++)
		if (parts->item[i].f[0].v.str.ptr == known->id)
			return;
	pu_parts_add(parts, known->id, known->username, known->name,
		     g->owner[0] ? !strcmp(known->id, g->owner) : -1);
}

static int thread_row(const struct spoor_host *h, struct spoor_stmt *st,
		      struct spoor_prov *prov, void *ctx)
{
	struct igi *g = ctx;
	struct spoor_record r;
	struct pu_parts parts;
	struct nsk a;
	size_t il, vl, ml, v2l;
	const char *id = pu_text(h, st, 1, &il);
	const char *v2 = pu_text(h, st, 2, &v2l);
	const char *viewer = pu_text(h, st, 3, &vl);
	const char *meta = pu_text(h, st, 4, &ml);
	bool ok = false;

	memset(&parts, 0, sizeof(parts));
	if (viewer && vl && vl < sizeof(g->owner) && !g->owner[0]) {
		memcpy(g->owner, viewer, vl);
		g->owner[vl] = '\0';
	}
	if (meta && !nsk_open(&a, meta, ml)) {
		plist_t root = nsk_root(&a), users;

		ok = root != NULL;
		if (nsk_get(&a, root, "IGUser*inviter"))
			thread_user(g, &a, nsk_get(&a, root, "IGUser*inviter"),
				    &parts);
		users = nsk_array(&a, nsk_get(&a, root,
					      "NSArray<IGUser *>*users"));
		for (uint32_t i = 0; i < nsk_count(users); i++)
			thread_user(g, &a, nsk_at(&a, users, i), &parts);
		nsk_close(&a);
	}
	if (meta && !ok)
		g->bad++;
	spoor_p_init(&r, "conversation");
	spoor_p_str(&r, "app", "instagram");
	spoor_p_bytes(&r, "chat_id", id, il);
	spoor_p_bytes(&r, "chat_id_v2", v2, v2l);
	pu_parts_fields(&r, &parts);
	spoor_p_bool(&r, "participants_readable", !meta || ok);
	spoor_p_str(&r, "owner_id", g->owner[0] ? g->owner : NULL);
	if (h->emit(h, &r, prov))
		g->stop = true;
	return g->stop;
}

static int msg_row(const struct spoor_host *h, struct spoor_stmt *st,
		   struct spoor_prov *prov, void *ctx)
{
	struct igi *g = ctx;
	struct spoor_record r;
	struct nsk a = { 0 };
	size_t tl, al, ml, cl, sl = 0, xl = 0;
	const char *thread = pu_text(h, st, 2, &tl);
	const char *arch = pu_text(h, st, 3, &al);
	const char *mid = pu_text(h, st, 1, &ml);
	const char *cls = pu_text(h, st, 4, &cl);
	const char *text = NULL, *sender = NULL, *url = NULL, *call = NULL;
	const struct igi_user *u;
	char raw[32];
	double t = 0;
	bool ok = arch && !nsk_open(&a, arch, al), have_t = false;
	const char *kind = NULL;
	int mine = -1;
	size_t ul = 0, kl = 0;

	g->messages++;
	if (ok) {
		plist_t root = nsk_root(&a);
		plist_t c = nsk_get(&a, root,
				    "IGDirectPublishedMessageContent*content");
		plist_t m = nsk_get(&a, root, "IGDirectPublishedMessage"
				    "Metadata*metadata");
		plist_t media = nsk_get(&a, c,
					"IGDirectPublishedMessageMedia*media");
		plist_t act = nsk_get(&a, c, "IGDirectThreadActivity"
				      "Announcement*threadActivity");

		text = nsk_string(&a, nsk_get(&a, c, "NSString*string"), &xl);
		sender = nsk_string(&a, nsk_get(&a, m, "NSString*senderPk"),
				    &sl);
		have_t = nsk_date(&a, nsk_get(&a, m, "NSDate*serverTimestamp"),
				  &t);
		if (media) {
			plist_t photo = nsk_get(&a, nsk_get(&a, media,
				"IGDirectPublishedMessagePermanentMedia*"
				"permanentMedia"), "IGPhoto*photo");
			plist_t v = nsk_array(&a, nsk_get(&a, photo,
							  "imageVersions"));

			url = nsk_string(&a, nsk_get(&a, nsk_at(&a, v, 0),
						     "url"), &ul);
		}
		if (act)
			call = nsk_string(&a, nsk_get(&a, act,
						      "NSString*voipTitle"),
					  &kl);
		kind = text ? "text" : media ? "media" : act ? "activity"
			: NULL;
		ok = root != NULL;
	}
	if (!ok)
		g->bad++;
	else if (!kind)
		g->empty++;
	u = sender ? pu_smap_get(&g->users, sender, sl) : NULL;
	if (g->owner[0] && sender)
		mine = sl == strlen(g->owner) && !memcmp(sender, g->owner, sl);
	spoor_p_init(&r, "message");
	spoor_p_str(&r, "app", "instagram");
	spoor_p_bytes(&r, "chat_id", thread, tl);
	pu_direction(&r, mine);
	spoor_p_str(&r, "sender_id", u ? u->username : NULL);
	spoor_p_bytes(&r, "sender_user_id", sender, sl);
	spoor_p_str(&r, "sender_name", u ? u->name : NULL);
	spoor_p_str(&r, "owner_id", g->owner[0] ? g->owner : NULL);
	pu_time_cocoa(&r, "time", "time_raw", "time_unit", t, have_t, raw);
	spoor_p_str(&r, "kind", kind);
	spoor_p_bytes(&r, "kind_raw", cls, cl);
	spoor_p_bytes(&r, "text", text, xl);
	spoor_p_bytes(&r, "media_url", url, ul);
	spoor_p_bytes(&r, "call_title", call, kl);
	spoor_p_bytes(&r, "message_id", mid, ml);
	spoor_p_bool(&r, "archive_readable", ok);
	if (h->emit(h, &r, prov))
		g->stop = true;
	nsk_close(&a);		/* the strings above were the archive's */
	return g->stop;
}

static void account(struct igi *g)
{
	struct spoor_prov prov = { NULL, NULL, -1, -1, NULL };
	struct spoor_record r;
	const struct igi_user *u;

	if (!g->owner[0])
		return;
	u = pu_smap_get(&g->users, g->owner, strlen(g->owner));
	spoor_p_init(&r, "account");
	spoor_p_str(&r, "app", "instagram");
	spoor_p_str(&r, "account_type", "owner");
	spoor_p_str(&r, "user_id", g->owner);
	spoor_p_str(&r, "username", u ? u->username : NULL);
	spoor_p_str(&r, "name", u ? u->name : NULL);
	spoor_p_str(&r, "owner_basis", "threads.viewer_id");
	if (g->h->emit(g->h, &r, &prov))
		g->stop = true;
}

static int run(const struct spoor_host *h, const char *path)
{
	static const char *const tcols[] = { "thread_id", "thread_id_v2",
					     "viewer_id", "metadata", NULL };
	static const char *const mcols[] = { "message_id", "thread_id",
					     "archive", "class_name", NULL };
	struct igi g;
	struct pu_select q;
	char why[256];
	int rc = 0;

	memset(&g, 0, sizeof(g));
	g.h = h;
	g.path = path;
	g.db = h->db_open(h, path);
	if (!g.db) {
		h->not_understood(h, path, "unreadable as SQLite");
		return 0;
	}
	if (!h->db_has_table(g.db, "messages") ||
	    !h->db_has_column(g.db, "messages", "archive") ||
	    !h->db_has_table(g.db, "threads")) {
		h->not_understood(h, path, "schema not recognised: no messages "
				  "table with archive, or no threads table");
		h->db_close(g.db);
		return 0;
	}
	q = (struct pu_select){ "threads", "t", "rowid", tcols, NULL, NULL,
				NULL, true };
	rc |= pu_select_each(h, g.db, &q, thread_row, &g);
	if (!g.stop)
		account(&g);
	q = (struct pu_select){ "messages", "m", "rowid", mcols, NULL, NULL,
				NULL, true };
	if (!g.stop)
		rc |= pu_select_each(h, g.db, &q, msg_row, &g);
	if (rc && !g.stop)
		h->not_understood(h, path, "a query failed: the schema "
				  "differs from what this plugin knows");
	if (!g.stop && (g.bad || g.empty)) {
		snprintf(why, sizeof(why), "%llu archives that do not parse, "
			 "%llu messages with no text, media or activity this "
			 "plugin knows", (unsigned long long)g.bad,
			 (unsigned long long)g.empty);
		h->not_understood(h, path, why);
	}
	if (!g.stop && !g.messages)
		h->not_understood(h, path, "no messages: 0 here proves "
				  "nothing (newer app versions may keep them "
				  "elsewhere)");
	h->db_close(g.db);
	pu_smap_free(&g.users, igi_user_free);
	return 0;
}

static const char *const types[] = { "message", "conversation", "account",
				     NULL };
static const char *const patterns[] = { "*DirectSQLiteDatabase/*.db", NULL };

static int run_checked(const struct spoor_host *h, const char *path)
{
	return pu_host_1_2(h) ? run(h, path) : SPOOR_EUNSUPPORTED;
}

const struct spoor_plugin spoor_plugin_instagram_ios = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "instagram-ios",
	.version = "1.0",
	.description = "Instagram on iOS: DirectSQLiteDatabase threads and "
		"messages (NSKeyedArchiver archives), the account",
	.types = types,
	.patterns = patterns,
	.run = run_checked,
};
