/*
 * tiktok-android: TikTok direct messages on Android
 * (com.zhiliaoapp.musically), facts from ALEAPP's tikTok.py:
 *
 *   databases/<uid>_im.db     msg(created_time Unix ms, sender,
 *                             content JSON: text, display_name,
 *                             url.url_list, type, deleted, read_status,
 *                             conversation_id); one file per account,
 *                             its uid in the name: the owner
 *   databases/db_im_xx        SIMPLE_USER(UID, NICK_NAME, UNIQUE_ID, ...)
 *   databases/db_im_contact*  IM_USER_BASE_INFO(UID, NICK_NAME,
 *                             UNIQUE_ID, ..., UPDATE_TIME, BLOCK, DELETED)
 *
 * Users (contacts) come from the two user stores, read as their own
 * files and, for names, beside each <uid>_im.db.  A message's text is
 * the content JSON's "text"; the message types have no verified meaning
 * (kept raw), and a content without text that this plugin reads, or
 * that is no JSON, is counted as not understood.
 */
#include "tiktok-im.h"
#include "jsonutil.h"

#include "banned.h"

/* ---- users ---- */

struct tt_users {
	struct tk *t;
	bool emit;
	bool base;		/* IM_USER_BASE_INFO (has times, flags) */
};

static int user_row(const struct spoor_host *h, struct spoor_stmt *st,
		    struct spoor_prov *prov, void *ctx)
{
	struct tt_users *x = ctx;
	struct tk *t = x->t;
	struct spoor_record r;
	size_t ul, nl, il;
	const char *uid = pu_text(h, st, 1, &ul);
	const char *nick = pu_text(h, st, 2, &nl);
	const char *uniq = pu_text(h, st, 3, &il);

	if (!uid)
		return 0;
	tk_user_put(t, uid, ul, uniq, il, nick, nl);
	if (!x->emit)
		return 0;
	spoor_p_init(&r, "contact");
	spoor_p_str(&r, "app", "tiktok");
	spoor_p_bytes(&r, "user_id", uid, ul);
	spoor_p_bytes(&r, "username", uniq, il);
	spoor_p_bytes(&r, "name", nick, nl);
	if (pu_is_null(h, st, 4))
		spoor_p_null(&r, "follow_status_raw");
	else
		spoor_p_int(&r, "follow_status_raw", h->col_int(st, 4));
	if (x->base) {
		pu_time_div(&r, "updated_time", "updated_time_raw",
			    "updated_time_unit", h->col_int(st, 5),
			    !pu_is_null(h, st, 5), 1000, "unix_ms");
		if (pu_is_null(h, st, 6))
			spoor_p_null(&r, "blocked_raw");
		else
			spoor_p_int(&r, "blocked_raw", h->col_int(st, 6));
		if (pu_is_null(h, st, 7))
			spoor_p_null(&r, "deleted_raw");
		else
			spoor_p_int(&r, "deleted_raw", h->col_int(st, 7));
	}
	if (h->emit(h, &r, prov))
		t->stop = true;
	return t->stop;
}

/* Read a user store at path; emit its users when emit. */
static void read_users(struct tk *t, const char *path, bool emit)
{
	static const char *const scols[] = { "UID", "NICK_NAME", "UNIQUE_ID",
					     "FOLLOW_STATUS", NULL };
	static const char *const bcols[] = { "UID", "NICK_NAME", "UNIQUE_ID",
					     "FOLLOW_STATUS", "UPDATE_TIME",
					     "BLOCK", "DELETED", NULL };
	const struct spoor_host *h = t->h;
	struct spoor_db *db = h->db_open(h, path);
	struct tt_users x = { t, emit, false };
	struct pu_select q;

	if (!db) {
		if (emit)
			h->not_understood(h, path, "unreadable as SQLite");
		return;
	}
	if (h->db_has_table(db, "IM_USER_BASE_INFO")) {
		x.base = true;
		q = (struct pu_select){ "IM_USER_BASE_INFO", "u", "rowid",
					bcols, NULL, NULL, NULL, true };
	} else if (h->db_has_table(db, "SIMPLE_USER")) {
		q = (struct pu_select){ "SIMPLE_USER", "u", "rowid", scols,
					NULL, NULL, NULL, true };
	} else {
		if (emit)
			h->not_understood(h, path, "schema not recognised: no "
					  "SIMPLE_USER or IM_USER_BASE_INFO "
					  "table");
		h->db_close(db);
		return;
	}
	if (pu_select_each(h, db, &q, user_row, &x) && emit)
		h->not_understood(h, path, "a query failed: the user table "
				  "differs from what this plugin knows");
	h->db_close(db);
}

/* ---- messages ---- */

static int msg_row(const struct spoor_host *h, struct spoor_stmt *st,
		   struct spoor_prov *prov, void *ctx)
{
	struct tk *t = ctx;
	struct spoor_record r;
	size_t sl, cl, vl, tl = 0, dl = 0, ul = 0;
	const char *sender = pu_text(h, st, 2, &sl);
	const char *content = pu_text(h, st, 3, &cl);
	const char *conv = pu_text(h, st, 7, &vl);
	json_object *o = content ? pj_parse(content, cl) : NULL;
	const char *text = pj_str(o, "text", &tl);
	const char *disp = pj_str(o, "display_name", &dl);
	const char *url = pj_str(o, "url.url_list.0", &ul);

	if (content && !o)
		t->bad_json++;
	else if (!text)
		t->no_text++;
	tk_message_init(t, &r, conv, vl, sender, sl);
	pu_time_div(&r, "time", "time_raw", "time_unit", h->col_int(st, 1),
		    !pu_is_null(h, st, 1), 1000, "unix_ms");
	spoor_p_str(&r, "kind", text ? "text" : NULL);
	if (pu_is_null(h, st, 4))
		spoor_p_null(&r, "kind_raw");
	else
		spoor_p_int(&r, "kind_raw", h->col_int(st, 4));
	spoor_p_bytes(&r, "text", text, tl);
	spoor_p_bytes(&r, "link_name", disp, dl);
	spoor_p_bytes(&r, "link_url", url, ul);
	if (pu_is_null(h, st, 5))
		spoor_p_null(&r, "deleted_raw");
	else
		spoor_p_int(&r, "deleted_raw", h->col_int(st, 5));
	if (pu_is_null(h, st, 6))
		spoor_p_null(&r, "read");
	else
		spoor_p_bool(&r, "read", h->col_int(st, 6) == 1);
	spoor_p_bool(&r, "content_readable", !content || o);
	if (h->emit(h, &r, prov))
		t->stop = true;
	if (o)
		json_object_put(o);
	return t->stop;
}

static void account(struct tk *t, const char *dbdir)
{
	struct spoor_prov prov = { NULL, NULL, -1, -1, NULL };
	struct spoor_record r;
	char p[4200], root[4096], fg[64] = "";
	size_t len = 0;
	char *buf;
	bool cut;

	/* aweme_user.xml names the account in the foreground: kept beside
	 * the file name's uid, which is what the messages are told by */
	pu_dirname(dbdir, root, sizeof(root));
	if (snprintf(p, sizeof(p), "%s%sshared_prefs/aweme_user.xml", root,
		     *root ? "/" : "") < (int)sizeof(p) &&
	    t->h->exists(t->h, p) &&
	    (buf = t->h->read_file(t->h, p, (size_t)8 << 20, &len))) {
		if (!pu_prefs_get(buf, len, "current_foreground_uid", fg,
				  sizeof(fg), &cut) || cut)
			fg[0] = '\0';
		t->h->free_buf(t->h, buf);
	}
	tk_account_init(t, &r, "<uid>_im.db file name");
	spoor_p_str(&r, "foreground_uid", fg[0] ? fg : NULL);
	if (t->h->emit(t->h, &r, &prov))
		t->stop = true;
}

static void read_im(struct tk *t, const char *dbdir)
{
	static const char *const cols[] = {
		"created_time", "sender", "content", "type", "deleted",
		"read_status", "conversation_id", NULL,
	};
	const struct spoor_host *h = t->h;
	struct spoor_db *db;
	struct pu_select q = { "msg", "m", "rowid", cols, NULL, NULL, NULL,
			       true };
	char p[4200];

	if (snprintf(p, sizeof(p), "%s%sdb_im_xx", dbdir, *dbdir ? "/" : "")
	    < (int)sizeof(p) && h->exists(h, p))
		read_users(t, p, false);
	if (snprintf(p, sizeof(p), "%s%sdb_im_contact", dbdir,
		     *dbdir ? "/" : "") < (int)sizeof(p) && h->exists(h, p))
		read_users(t, p, false);
	account(t, dbdir);
	db = h->db_open(h, t->path);
	if (!db) {
		h->not_understood(h, t->path, "unreadable as SQLite");
		return;
	}
	if (!h->db_has_table(db, "msg") ||
	    !h->db_has_column(db, "msg", "content")) {
		h->not_understood(h, t->path, "schema not recognised: no msg "
				  "table with content");
	} else {
		tk_read_messages(t, db, &q, msg_row);
	}
	h->db_close(db);
}

static int run(const struct spoor_host *h, const char *path)
{
	struct tk t;
	char dbdir[4096];
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	memset(&t, 0, sizeof(t));
	t.h = h;
	t.path = path;
	pu_dirname(path, dbdir, sizeof(dbdir));
	n = strspn(base, "0123456789");
	if (n && !strcmp(base + n, "_im.db") && n < sizeof(t.owner)) {
		memcpy(t.owner, base, n);
		t.owner[n] = '\0';
		read_im(&t, dbdir);
	} else if (!strcmp(base, "db_im_xx") ||
		   !strncmp(base, "db_im_contact", 13)) {
		n = strlen(base);
		if (n > 4 && (!strcmp(base + n - 4, "-wal") ||
			      !strcmp(base + n - 4, "-shm") ||
			      (n > 8 && !strcmp(base + n - 8, "-journal"))))
			return SPOOR_PLUGIN_DECLINED;
		read_users(&t, path, true);
	} else {
		pu_smap_free(&t.users, tk_user_free);
		return SPOOR_PLUGIN_DECLINED;
	}
	pu_smap_free(&t.users, tk_user_free);
	return 0;
}

static const char *const types[] = { "message", "contact", "account",
				     NULL };
static const char *const patterns[] = { "[0-9]*_im.db", "db_im_xx",
					"db_im_contact*", NULL };

static int run_checked(const struct spoor_host *h, const char *path)
{
	return pu_host_1_2(h) ? run(h, path) : SPOOR_EUNSUPPORTED;
}

const struct spoor_plugin spoor_plugin_tiktok_android = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "tiktok-android",
	.version = "1.0",
	.description = "TikTok on Android: <uid>_im.db direct messages "
		"(content JSON), the account from the file name, users of "
		"db_im_xx and db_im_contact",
	.types = types,
	.patterns = patterns,
	.run = run_checked,
};
