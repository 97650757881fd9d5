/*
 * tiktok-ios: TikTok direct messages on iOS (com.zhiliaoapp.musically),
 * facts from iLEAPP's tikTok.py:
 *
 *   Library/Application Support/ChatFiles/<uid>/db.sqlite
 *       TIMMessageORM(localcreatedat and servercreatedat in Unix s,
 *       sender, content JSON (text, tips, display_name, url.url_list),
 *       belongingConversationIdentifier); <uid>: the owner
 *   AwemeIM.db (in the same container)
 *       AwemeContacts* tables (uid, customid, nickname, url1,
 *       latestchattimestamp): names of senders, contacts
 *
 * AwemeIM.db is found by name in the same app container (the host's
 * attachment lookup) and read for names; its users are emitted as
 * contacts when the plugin runs on it.  A content without a text this
 * plugin reads, or that is no JSON, is counted as not understood.
 */
#include "tiktok-im.h"
#include "jsonutil.h"

#include "banned.h"

static int contact_row(const struct spoor_host *h, struct spoor_stmt *st,
		       struct spoor_prov *prov, void *ctx)
{
	struct tk *t = ctx;
	struct spoor_record r;
	size_t ul, cl, nl;
	const char *uid = pu_text(h, st, 1, &ul);
	const char *cid = pu_text(h, st, 2, &cl);
	const char *nick = pu_text(h, st, 3, &nl);
	char raw[32];

	if (!uid)
		return 0;
	tk_user_put(t, uid, ul, cid, cl, nick, nl);
	if (!t->emit_users)
		return 0;
	spoor_p_init(&r, "contact");
	spoor_p_str(&r, "app", "tiktok");
	spoor_p_bytes(&r, "user_id", uid, ul);
	spoor_p_bytes(&r, "username", cid, cl);
	spoor_p_bytes(&r, "name", nick, nl);
	pu_time_unix_real(&r, "last_chat_time", "last_chat_time_raw",
			  "last_chat_time_unit", h->col_double(st, 4),
			  !pu_is_null(h, st, 4), raw);
	if (h->emit(h, &r, prov))
		t->stop = true;
	return t->stop;
}

/* Every AwemeContacts* table of AwemeIM.db at path. */
static void read_contacts(struct tk *t, const char *path)
{
	static const char *const cols[] = { "uid", "customid", "nickname",
					    "latestchattimestamp", NULL };
	static const char *const names[] = {
		"AwemeContactsV5", "AwemeContactsV4", "AwemeContactsV3",
		"AwemeContactsV2", "AwemeContacts", NULL,
	};
	const struct spoor_host *h = t->h;
	struct spoor_db *db = h->db_open(h, path);
	bool any = false;

	if (!db) {
		if (t->emit_users)
			h->not_understood(h, path, "unreadable as SQLite");
		return;
	}
	for (size_t i = 0; names[i] && !t->stop; i++) {
		struct pu_select q = { names[i], "c", "rowid", cols, NULL,
				       NULL, NULL, true };

		if (!h->db_has_table(db, names[i]) ||
		    !h->db_has_column(db, names[i], "uid"))
			continue;
		any = true;
		if (pu_select_each(h, db, &q, contact_row, t) &&
		    t->emit_users)
			h->not_understood(h, path, "a query failed on an "
					  "AwemeContacts table");
	}
	if (!any && t->emit_users)
		h->not_understood(h, path, "schema not recognised: no "
				  "AwemeContacts table with uid");
	h->db_close(db);
}

static int msg_row(const struct spoor_host *h, struct spoor_stmt *st,
		   struct spoor_prov *prov, void *ctx)
{
	struct tk *t = ctx;
	struct spoor_record r;
	size_t sl, cl, vl, tl = 0, pl = 0, dl = 0, ul = 0;
	const char *sender = pu_text(h, st, 2, &sl);
	const char *content = pu_text(h, st, 3, &cl);
	const char *conv = pu_text(h, st, 5, &vl);
	json_object *o = content ? pj_parse(content, cl) : NULL;
	const char *text = pj_str(o, "text", &tl);
	const char *tips = pj_str(o, "tips", &pl);
	const char *disp = pj_str(o, "display_name", &dl);
	const char *url = pj_str(o, "url.url_list.0", &ul);
	char raw1[32], raw2[32];

	if (content && !o)
		t->bad_json++;
	else if (!text && !tips)
		t->no_text++;
	tk_message_init(t, &r, conv, vl, sender, sl);
	pu_time_unix_real(&r, "time", "time_raw", "time_unit",
			  h->col_double(st, 1), !pu_is_null(h, st, 1), raw1);
	pu_time_unix_real(&r, "time_server", "time_server_raw",
			  "time_server_unit", h->col_double(st, 4),
			  !pu_is_null(h, st, 4), raw2);
	spoor_p_str(&r, "kind", text ? "text" : tips ? "notice" : NULL);
	spoor_p_bytes(&r, "text", text ? text : tips, text ? tl : pl);
	spoor_p_bytes(&r, "link_name", disp, dl);
	spoor_p_bytes(&r, "link_url", url, ul);
	spoor_p_bool(&r, "content_readable", !content || o);
	if (h->emit(h, &r, prov))
		t->stop = true;
	if (o)
		json_object_put(o);
	return t->stop;
}

static void account(struct tk *t)
{
	struct spoor_prov prov = { NULL, NULL, -1, -1, NULL };
	struct spoor_record r;

	tk_account_init(t, &r, "ChatFiles/<uid> folder name");
	if (t->h->emit(t->h, &r, &prov))
		t->stop = true;
}

static void read_chat(struct tk *t)
{
	static const char *const cols[] = {
		"localcreatedat", "sender", "content", "servercreatedat",
		"belongingConversationIdentifier", NULL,
	};
	const struct spoor_host *h = t->h;
	struct pu_select q = { "TIMMessageORM", "m", "rowid", cols, NULL,
			       NULL, NULL, true };
	struct spoor_resolved res;
	struct spoor_db *db;
	char a[4096], b[4096];
	const char *slash;

	/* .../Library/Application Support/ChatFiles/<uid>/db.sqlite */
	pu_dirname(t->path, a, sizeof(a));
	slash = strrchr(a, '/');
	snprintf(t->owner, sizeof(t->owner), "%.31s", slash ? slash + 1 : a);
	if (strspn(t->owner, "0123456789") != strlen(t->owner))
		t->owner[0] = '\0';	/* not a uid: owner unknown */
	/* AwemeIM.db: somewhere in the same container */
	pu_dirname(a, b, sizeof(b));		/* ChatFiles */
	pu_dirname(b, a, sizeof(a));		/* Application Support */
	pu_dirname(a, b, sizeof(b));		/* Library */
	pu_dirname(b, a, sizeof(a));		/* the container */
	if (!h->resolve(h, a, "AwemeIM.db", &res) &&
	    !strncmp(res.path, a, strlen(a)))
		read_contacts(t, res.path);
	if (t->owner[0])
		account(t);
	db = h->db_open(h, t->path);
	if (!db) {
		h->not_understood(h, t->path, "unreadable as SQLite");
		return;
	}
	if (!h->db_has_table(db, "TIMMessageORM")) {
		h->not_understood(h, t->path, "schema not recognised: no "
				  "TIMMessageORM table");
	} else {
		tk_read_messages(t, db, &q, msg_row);
	}
	h->db_close(db);
}

static int run(const struct spoor_host *h, const char *path)
{
	struct tk t;
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	memset(&t, 0, sizeof(t));
	t.h = h;
	t.path = path;
	if (!strcmp(base, "AwemeIM.db")) {
		t.emit_users = true;
		read_contacts(&t, path);
	} else {
		read_chat(&t);
	}
	pu_smap_free(&t.users, tk_user_free);
	return 0;
}

static const char *const types[] = { "message", "contact", "account",
				     NULL };
static const char *const patterns[] = { "*ChatFiles/*/db.sqlite",
					"AwemeIM.db", NULL };

static int run_checked(const struct spoor_host *h, const char *path)
{
	return pu_host_1_2(h) ? run(h, path) : SPOOR_EUNSUPPORTED;
}

const struct spoor_plugin spoor_plugin_tiktok_ios = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "tiktok-ios",
	.version = "1.0",
	.description = "TikTok on iOS: ChatFiles/<uid>/db.sqlite direct "
		"messages (TIMMessageORM), AwemeIM.db contacts, the account "
		"from the folder name",
	.types = types,
	.patterns = patterns,
	.run = run_checked,
};
