/*
 * ios-sms: SMS, iMessage and RCS from iOS sms.db (docs/artifacts.md
 * 3.9), on a file-system extraction or an iTunes backup (the backup
 * source presents HomeDomain as private/var/mobile).  Chats with their
 * participants, the text from attributedBody when text is NULL
 * (typedstream, ios-util.h), tapbacks as reactions to their target,
 * attachments linked to the evidence files, "Recently Deleted" rows
 * flagged, times decided per value (seconds or nanoseconds since 2001).
 * The pre-iOS 6 schema (message.address/flags, madrid_*) is read too.
 */
#include "plugutil.h"
#include "ios-util.h"

#include "banned.h"

#define MAX_ATT 16		/* attachments listed per message */

static const char *tapback(int64_t t)
{
	static const char *const names[] = {
		"love", "like", "dislike", "laugh", "emphasize", "question",
		"emoji", "sticker",
	};

	if (t >= 2000 && t <= 2007)
		return names[t - 2000];
	if (t >= 3000 && t <= 3007)
		return names[t - 3000];
	return NULL;
}

struct att {
	char *path, *mime, *name;
	int64_t size;
	bool have_size, found;
	struct spoor_resolved res;
};

static void att_clear(struct att *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].path);
		free(a[i].mime);
		free(a[i].name);
		a[i].path = a[i].mime = a[i].name = NULL;
	}
}

/* "~/Library/SMS/Attachments/ab/12/G/x.jpg" or "/var/mobile/Library/..."
 * -> "Library/SMS/Attachments/ab/12/G/x.jpg", a suffix to resolve */
static const char *att_rel(const char *f)
{
	static const char *const pfx[] = {
		"~/", "/private/var/mobile/", "/var/mobile/",
		"private/var/mobile/",
	};

	for (size_t i = 0; i < 4; i++)
		if (!strncmp(f, pfx[i], strlen(pfx[i])))
			return f + strlen(pfx[i]);
	return f;
}

static size_t read_atts(const struct spoor_host *h, struct spoor_stmt *st,
			int64_t mid, struct att *a, struct spoor_record *rec,
			size_t *total)
{
	size_t n = 0;

	*total = 0;
	h->reset(st);
	h->bind_int(st, 1, mid);
	while (h->step(st) == 1) {
		size_t len;
		const char *p;

		if (++*total > MAX_ATT)
			continue;
		p = pu_text(h, st, 0, &len);
		a[n].path = pu_strndup(p, len, 4000);
		p = pu_text(h, st, 1, &len);
		a[n].mime = pu_strndup(p, len, 200);
		p = pu_text(h, st, 2, &len);
		a[n].name = pu_strndup(p, len, 1000);
		a[n].have_size = !pu_is_null(h, st, 3);
		a[n].size = h->col_int(st, 3);
		a[n].found = a[n].path && !memchr(a[n].path, '\0', len) &&
			!h->resolve(h, NULL, att_rel(a[n].path), &a[n].res);
		spoor_p_init(&rec[n], "attachment");
		spoor_p_str(&rec[n], "path", a[n].path);
		spoor_p_str(&rec[n], "name", a[n].name);
		spoor_p_str(&rec[n], "mime", a[n].mime);
		if (a[n].have_size)
			spoor_p_int(&rec[n], "size", a[n].size);
		else
			spoor_p_null(&rec[n], "size");
		spoor_p_bool(&rec[n], "found", a[n].found);
		spoor_p_str(&rec[n], "evidence_path",
			    a[n].found ? a[n].res.path : NULL);
		spoor_p_str(&rec[n], "sha256",
			    a[n].found ? a[n].res.sha256 : NULL);
		n++;
	}
	return n;
}

static void media(struct spoor_record *r, struct att *a,
		  struct spoor_record *rec, size_t n, size_t total)
{
	struct spoor_field *f;

	spoor_p_int(r, "attachments", (int64_t)total);
	if (!n)
		return;
	spoor_p_str(r, "media_path", a[0].path);
	spoor_p_str(r, "media_mime", a[0].mime);
	if (a[0].have_size)
		spoor_p_int(r, "media_size", a[0].size);
	else
		spoor_p_null(r, "media_size");
	spoor_p_bool(r, "media_found", a[0].found);
	spoor_p_str(r, "media_evidence_path",
		    a[0].found ? a[0].res.path : NULL);
	spoor_p_str(r, "media_sha256", a[0].found ? a[0].res.sha256 : NULL);
	f = spoor_p_add(r, "attachment_list", SPOOR_F_LIST);
	if (f) {
		f->v.list.items = rec;
		f->v.list.n = n;
	}
}

enum {
	C_ROWID, C_GUID, C_TEXT, C_BODY, C_HANDLE, C_SERVICE, C_DATE,
	C_DATE_READ, C_FROM_ME, C_READ, C_ASSOC_GUID, C_ASSOC_TYPE,
	C_CHAT_GUID, C_CHAT_ID, C_CHAT_STYLE, C_CHAT_NAME, C_PARTS,
	C_DELETED, C_TARGET, C_PART, C_ITEM, C_GROUP_ACT, C_ERROR,
	C_ATTS, C_EMOJI, C_NCOLS
};

static void text_of(const struct spoor_host *h, struct spoor_stmt *st,
		    struct spoor_record *r)
{
	const char *p, *t;
	size_t len, tl;

	p = pu_text(h, st, C_TEXT, &len);
	if (p && len) {
		spoor_p_bytes(r, "text", p, len);
		spoor_p_str(r, "text_source", "text");
		return;
	}
	p = pu_text(h, st, C_BODY, &len);
	if (p && !ios_typedstream_text((const unsigned char *)p, len, &t,
				       &tl)) {
		spoor_p_bytes(r, "text", t, tl);
		spoor_p_str(r, "text_source", "attributedBody");
		return;
	}
	p = pu_text(h, st, C_PART, &len);
	if (p && !ios_typedstream_text((const unsigned char *)p, len, &t,
				       &tl)) {
		spoor_p_bytes(r, "text", t, tl);
		spoor_p_str(r, "text_source", "recoverable_message_part");
		return;
	}
	p = pu_text(h, st, C_TEXT, &len);
	spoor_p_bytes(r, "text", p, len);
	spoor_p_str(r, "text_source", p ? "text" : NULL);
}

/* ph: the caller's, alive until the emit */
static void people(const struct spoor_host *h, struct spoor_stmt *st,
		   struct spoor_record *r, bool from_me,
		   struct spoor_phone *ph)
{
	size_t len = 0;
	const char *p = pu_text(h, st, C_HANDLE, &len);

	memset(ph, 0, sizeof(*ph));
	/* a sent group message names no handle: its recipients are the
	 * chat's participants */
	if (!p && from_me)
		p = pu_text(h, st, C_PARTS, &len);
	if (p && len && len < 200 && !memchr(p, '@', len) &&
	    !memchr(p, ',', len))
		h->phone(h, p, h->option(h, "cc"), ph);
	spoor_p_bytes(r, from_me ? "recipient" : "sender", p, len);
	pu_phone(r, from_me ? "recipient_phone" : "sender_phone", ph);
}

static int one_message(const struct spoor_host *h, struct spoor_stmt *st,
		       struct spoor_stmt *ast, struct spoor_db *db)
{
	struct spoor_prov prov = { NULL, "message", h->col_int(st, C_ROWID),
				   -1, NULL };
	struct spoor_record r;
	struct att a[MAX_ATT];
	/* the writer reads a list as an array of records */
	struct spoor_record *arec = malloc(MAX_ATT * sizeof(*arec));
	struct spoor_phone ph;
	const char *p, *tb;
	size_t len, n = 0, total = 0;
	bool from_me = h->col_int(st, C_FROM_ME) != 0;
	int64_t style = h->col_int(st, C_CHAT_STYLE);
	int64_t at = h->col_int(st, C_ASSOC_TYPE);
	int rc;

	memset(a, 0, sizeof(a));
	if (h->db_wal_only(db, "message", prov.rowid))
		prov.recovered_from = "wal";
	spoor_p_init(&r, "message");
	spoor_p_str(&r, "app", "messages");
	p = pu_text(h, st, C_SERVICE, &len);
	spoor_p_bytes(&r, "service", p, len);
	p = pu_text(h, st, C_CHAT_GUID, &len);
	spoor_p_bytes(&r, "chat_id", p, len);
	p = pu_text(h, st, C_CHAT_NAME, &len);
	spoor_p_bytes(&r, "chat_name", p, len);
	spoor_p_str(&r, "chat_type", pu_is_null(h, st, C_CHAT_STYLE) ? NULL
		    : style == 43 ? "group" : style == 45 ? "individual"
		    : "unknown");
	p = pu_text(h, st, C_PARTS, &len);
	spoor_p_bytes(&r, "participants", p, len);
	spoor_p_str(&r, "direction", from_me ? "outgoing" : "incoming");
	spoor_p_bool(&r, "from_me", from_me);
	people(h, st, &r, from_me, &ph);
	ios_time_int(&r, "time", "time_raw", "time_unit",
		     h->col_int(st, C_DATE), !pu_is_null(h, st, C_DATE));
	ios_time_int(&r, "time_read", "time_read_raw", "time_read_unit",
		     h->col_int(st, C_DATE_READ),
		     !pu_is_null(h, st, C_DATE_READ));
	tb = tapback(at);
	spoor_p_str(&r, "kind", tb ? "reaction"
		    : h->col_int(st, C_ITEM) ? "event" : "message");
	spoor_p_int(&r, "kind_raw", h->col_int(st, C_ITEM));
	spoor_p_int(&r, "group_event_raw", h->col_int(st, C_GROUP_ACT));
	text_of(h, st, &r);
	p = pu_text(h, st, C_GUID, &len);
	spoor_p_bytes(&r, "key_id", p, len);
	spoor_p_bool(&r, "read", h->col_int(st, C_READ) != 0);
	spoor_p_int(&r, "error", h->col_int(st, C_ERROR));
	spoor_p_bool(&r, "deleted", !pu_is_null(h, st, C_DELETED));
	if (!pu_is_null(h, st, C_DELETED))
		ios_time_int(&r, "deleted_time", "deleted_time_raw",
			     "deleted_time_unit", h->col_int(st, C_DELETED),
			     true);
	if (tb) {
		spoor_p_str(&r, "reaction", tb);
		spoor_p_bool(&r, "reaction_removed", at >= 3000);
		p = pu_text(h, st, C_EMOJI, &len);
		spoor_p_bytes(&r, "reaction_emoji", p, len);
		p = pu_text(h, st, C_ASSOC_GUID, &len);
		spoor_p_bytes(&r, "reacted_to_guid", p, len);
		if (pu_is_null(h, st, C_TARGET))
			spoor_p_null(&r, "reacted_to_rowid");
		else
			spoor_p_int(&r, "reacted_to_rowid",
				    h->col_int(st, C_TARGET));
	} else if (at) {
		spoor_p_int(&r, "associated_type_raw", at);
	}
	if (ast && h->col_int(st, C_ATTS) > 0)
		n = arec ? read_atts(h, ast, prov.rowid, a, arec, &total) : 0;
	media(&r, a, arec, n, total);
	rc = h->emit(h, &r, &prov);
	att_clear(a, n);
	free(arec);
	return rc;
}

/* The target of a tapback: associated_message_guid is "p:0/GUID" (a
 * part of the message) or "bp:GUID". */
#define TARGET_GUID \
	"CASE WHEN m.associated_message_guid LIKE 'bp:%' THEN " \
	"substr(m.associated_message_guid, 4) WHEN instr(" \
	"m.associated_message_guid, '/') > 0 THEN substr(" \
	"m.associated_message_guid, instr(m.associated_message_guid, '/') " \
	"+ 1) ELSE m.associated_message_guid END"

static int read_modern(const struct spoor_host *h, struct spoor_db *db)
{
	struct spoor_stmt *st, *ast = NULL;
	char *sql = malloc(8192), b[16][80], chat[400];
	bool handle = h->db_has_table(db, "handle");
	bool cmj = h->db_has_table(db, "chat_message_join") &&
		h->db_has_table(db, "chat");
	bool crm = h->db_has_table(db, "chat_recoverable_message_join");
	bool chj = h->db_has_table(db, "chat_handle_join") && handle && cmj;
	bool rmp = h->db_has_table(db, "recoverable_message_part");
	int rc;

	if (!sql)
		return -1;
	/* the chat: chat_message_join, or for a recently deleted message
	 * chat_recoverable_message_join */
	snprintf(chat, sizeof(chat), "coalesce(%s, %s)",
		 cmj ? "(SELECT chat_id FROM chat_message_join WHERE "
		 "message_id = m.ROWID ORDER BY chat_id LIMIT 1)" : "NULL",
		 crm && cmj ? "(SELECT chat_id FROM "
		 "chat_recoverable_message_join WHERE message_id = m.ROWID "
		 "ORDER BY chat_id LIMIT 1)" : "NULL");
	snprintf(sql, 8192,
		 "SELECT m.ROWID, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
		 "c.guid, c.ROWID, c.style, coalesce(nullif(c.display_name, "
		 "''), c.chat_identifier), %s, %s, %s, %s, %s, %s, %s, %s, %s "
		 "FROM message m LEFT JOIN %s c ON c.ROWID = %s "
		 "ORDER BY m.ROWID",
		 pu_col(h, db, "message", "m", "guid", b[0], 80),
		 pu_col(h, db, "message", "m", "text", b[1], 80),
		 pu_col(h, db, "message", "m", "attributedBody", b[2], 80),
		 handle ? "(SELECT id FROM handle WHERE ROWID = m.handle_id)"
		 : "NULL",
		 pu_col(h, db, "message", "m", "service", b[3], 80),
		 pu_col(h, db, "message", "m", "date", b[4], 80),
		 pu_col(h, db, "message", "m", "date_read", b[5], 80),
		 pu_col(h, db, "message", "m", "is_from_me", b[6], 80),
		 pu_col(h, db, "message", "m", "is_read", b[7], 80),
		 pu_col(h, db, "message", "m", "associated_message_guid", b[8],
			80),
		 pu_col(h, db, "message", "m", "associated_message_type", b[9],
			80),
		 chj ? "(SELECT group_concat(x.id, ', ') FROM (SELECT h2.id "
		 "FROM chat_handle_join j JOIN handle h2 ON h2.ROWID = "
		 "j.handle_id WHERE j.chat_id = c.ROWID ORDER BY h2.ROWID) x)"
		 : "NULL",
		 crm ? "(SELECT delete_date FROM chat_recoverable_message_join "
		 "WHERE message_id = m.ROWID LIMIT 1)" : "NULL",
		 h->db_has_column(db, "message", "associated_message_guid") ?
		 "(SELECT t.ROWID FROM message t WHERE t.guid = " TARGET_GUID
		 ")" : "NULL",
		 rmp ? "(SELECT part_text FROM recoverable_message_part WHERE "
		 "message_id = m.ROWID ORDER BY part_index LIMIT 1)" : "NULL",
		 pu_col(h, db, "message", "m", "item_type", b[10], 80),
		 pu_col(h, db, "message", "m", "group_action_type", b[11], 80),
		 pu_col(h, db, "message", "m", "error", b[12], 80),
		 h->db_has_table(db, "message_attachment_join") ?
		 "(SELECT count(*) FROM message_attachment_join WHERE "
		 "message_id = m.ROWID)" : "0",
		 pu_col(h, db, "message", "m", "associated_message_emoji",
			b[13], 80),
		 cmj ? "chat" : "(SELECT NULL AS ROWID, NULL AS guid, NULL AS "
		 "style, NULL AS display_name, NULL AS chat_identifier)",
		 chat);
	st = h->prepare(db, sql);
	free(sql);
	if (!st)
		return -1;
	if (h->db_has_table(db, "message_attachment_join") &&
	    h->db_has_table(db, "attachment"))
		ast = h->prepare(db, "SELECT a.filename, a.mime_type, "
				 "a.transfer_name, a.total_bytes FROM "
				 "message_attachment_join j JOIN attachment a "
				 "ON a.ROWID = j.attachment_id WHERE "
				 "j.message_id = ? ORDER BY a.ROWID");
	while ((rc = h->step(st)) == 1)
		if (one_message(h, st, ast, db))
			break;
	if (ast)
		h->finalize(ast);
	h->finalize(st);
	return rc < 0 ? -1 : 0;
}

/*
 * Pre-iOS 6: message(ROWID, address, date, text, flags, group_id,
 * is_madrid, madrid_handle, madrid_date_read, madrid_flags, ...).  SMS
 * rows: date in Unix seconds, flags 2 received, 3 sent.  iMessage
 * ("madrid") rows: date in Cocoa seconds, madrid_flags with 0x4 set for
 * sent ones (as read by iPhone Backup Analyzer and iLEAPP's notes; not
 * verified on a device: the raw values are kept).
 */
static int read_legacy(const struct spoor_host *h, struct spoor_db *db)
{
	struct spoor_stmt *st;
	char sql[1200], b[8][80];
	int rc;

	snprintf(sql, sizeof(sql), "SELECT m.ROWID, %s, %s, %s, %s, %s, %s, "
		 "%s, %s FROM message m ORDER BY m.ROWID",
		 pu_col(h, db, "message", "m", "address", b[0], 80),
		 pu_col(h, db, "message", "m", "date", b[1], 80),
		 pu_col(h, db, "message", "m", "text", b[2], 80),
		 pu_col(h, db, "message", "m", "flags", b[3], 80),
		 pu_col(h, db, "message", "m", "group_id", b[4], 80),
		 pu_col(h, db, "message", "m", "is_madrid", b[5], 80),
		 pu_col(h, db, "message", "m", "madrid_handle", b[6], 80),
		 pu_col(h, db, "message", "m", "madrid_flags", b[7], 80));
	st = h->prepare(db, sql);
	if (!st)
		return -1;
	while ((rc = h->step(st)) == 1) {
		struct spoor_prov prov = { NULL, "message", h->col_int(st, 0),
					   -1, NULL };
		struct spoor_record r;
		struct spoor_phone ph = { 0 };
		char chat[40];
		bool madrid = h->col_int(st, 6) != 0;
		int64_t fl = h->col_int(st, madrid ? 8 : 4);
		const char *dir = madrid ? (fl & 4 ? "outgoing" : "incoming")
			: fl == 2 ? "incoming" : fl == 3 ? "outgoing"
			: "unknown";
		bool out = !strcmp(dir, "outgoing");
		const char *p;
		size_t len;

		if (h->db_wal_only(db, "message", prov.rowid))
			prov.recovered_from = "wal";
		spoor_p_init(&r, "message");
		spoor_p_str(&r, "app", "messages");
		spoor_p_str(&r, "service", madrid ? "iMessage" : "SMS");
		snprintf(chat, sizeof(chat), "msg_group:%lld",
			 (long long)h->col_int(st, 5));
		spoor_p_str(&r, "chat_id", pu_is_null(h, st, 5) ? NULL : chat);
		spoor_p_str(&r, "direction", dir);
		if (strcmp(dir, "unknown"))
			spoor_p_bool(&r, "from_me", out);
		p = pu_text(h, st, madrid ? 7 : 1, &len);
		if (p && len && len < 200 && !memchr(p, '@', len))
			h->phone(h, p, h->option(h, "cc"), &ph);
		spoor_p_bytes(&r, out ? "recipient" : "sender", p, len);
		pu_phone(&r, out ? "recipient_phone" : "sender_phone", &ph);
		if (madrid)
			ios_time_int(&r, "time", "time_raw", "time_unit",
				     h->col_int(st, 2), !pu_is_null(h, st, 2));
		else
			spoor_p_time(&r, "time", "time_raw", "time_unit",
				     h->col_int(st, 2), !pu_is_null(h, st, 2),
				     "unix_s");
		spoor_p_str(&r, "kind", "message");
		spoor_p_int(&r, "kind_raw", fl);
		p = pu_text(h, st, 3, &len);
		spoor_p_bytes(&r, "text", p, len);
		spoor_p_str(&r, "schema", "pre-iOS 6");
		if (h->emit(h, &r, &prov))
			break;
	}
	h->finalize(st);
	return rc < 0 ? -1 : 0;
}

static int run(const struct spoor_host *h, const char *path)
{
	struct spoor_db *db = h->db_open(h, path);
	int rc;

	if (!db) {
		h->not_understood(h, path, "unreadable as SQLite");
		return 0;
	}
	if (!h->db_has_table(db, "message")) {
		h->not_understood(h, path, "schema not recognised: no message "
				  "table");
		h->db_close(db);
		return 0;
	}
	if (h->db_has_column(db, "message", "handle_id") ||
	    h->db_has_column(db, "message", "attributedBody"))
		rc = read_modern(h, db);
	else if (h->db_has_column(db, "message", "address") &&
		 h->db_has_column(db, "message", "flags"))
		rc = read_legacy(h, db);
	else {
		h->not_understood(h, path, "schema not recognised: message "
				  "has neither handle_id nor address/flags");
		h->db_close(db);
		return 0;
	}
	if (rc)
		h->not_understood(h, path, "a query failed: unknown schema");
	h->db_close(db);
	return 0;
}

static const char *const types[] = { "message", NULL };
static const char *const patterns[] = { "*/Library/SMS/sms.db", "sms.db",
					NULL };

/* local_time and phone are ABI 1.2 members */
static int run_checked(const struct spoor_host *h, const char *path)
{
	return pu_host_1_2(h) ? run(h, path) : SPOOR_EUNSUPPORTED;
}
/* deleted rows the host recovers (spoor-plugin(7)) */
static const char *const recover_tables[] = {
	"message", NULL,
};

const struct spoor_plugin spoor_plugin_ios_sms = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "ios-sms",
	.version = "1.0",
	.description = "iOS Messages: SMS, iMessage, RCS (sms.db; file "
		       "system or iTunes backup, pre-iOS 6 schema too)",
	.types = types,
	.patterns = patterns,
	.run = run_checked,
	.recover_tables = recover_tables,
};
