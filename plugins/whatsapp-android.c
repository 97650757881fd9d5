/*
 * whatsapp-android: messages and calls from WhatsApp's msgstore.db and
 * contacts from wa.db (Android, also WhatsApp Business).
 *
 * msgstore.db comes in three generations (docs/artifacts.md 3.1, 3.2):
 * legacy `messages` (chat JID as text), modern `message` + `chat` + `jid`
 * (ids), and transitional databases that hold both with different rows.
 * Both are read, modern first, and a legacy row with the same (chat JID,
 * from_me, key_id) as a modern one is left out.  `@lid` JIDs (2024 on)
 * are mapped to phone-number JIDs through jid_map; the LID is kept.
 * Names come from wa.db next to msgstore.db: the address-book name and
 * the push name the other person chose, both reported.
 */
#include "plugutil.h"

#include "banned.h"

struct jid {
	char *raw;		/* "31612345678@s.whatsapp.net" */
	char *server;
	char *user;
	int64_t type;
	int64_t mapped;		/* jid_map: LID -> phone JID row, or 0 */
};

struct name {
	char *jid;
	char *display;		/* address book */
	char *push;		/* wa_name: chosen by the person */
};

struct chat {
	int64_t jid_row;
	char *subject;
};

struct wa {
	const struct spoor_host *h;
	struct spoor_db *db;
	const char *path;
	struct pu_imap jids, chats, names, seen;
	struct pu_imap live;	/* message rowids of the WAL-applied view */
	bool track_live;
	const char *recovered;	/* "main" while reading the main file */
	const char *cc;
	bool stop;		/* emit said stop (Ctrl-C, output failed) */
};

static void free_jid(void *p)
{
	struct jid *j = p;

	free(j->raw);
	free(j->server);
	free(j->user);
	free(j);
}

static void free_name(void *p)
{
	struct name *n = p;

	free(n->jid);
	free(n->display);
	free(n->push);
	free(n);
}

static void free_chat(void *p)
{
	struct chat *c = p;

	free(c->subject);
	free(c);
}

static char *dup_col(const struct spoor_host *h, struct spoor_stmt *st, int i)
{
	size_t len;
	const char *p = pu_text(h, st, i, &len);

	return pu_strndup(p, len, 4096);
}

/* ---- wa.db: names ---- */

static const struct name *name_of(const struct wa *w, const char *jid)
{
	struct name *n;

	if (!jid)
		return NULL;
	n = pu_imap_get(&w->names, pu_strhash(jid));
	return n && !strcmp(n->jid, jid) ? n : NULL;
}

/* wa_contacts: jid, then these (pu_select) */
static const char *const contact_cols[] = {
	"number", "display_name", "given_name", "family_name", "wa_name",
	"status", "is_whatsapp_user", NULL,
};

static void contact_record(struct wa *w, struct spoor_stmt *st,
			   struct spoor_prov *prov)
{
	const struct spoor_host *h = w->h;
	struct spoor_record r;
	char e164[32] = "";
	size_t len;
	const char *jid = pu_text(h, st, 8, &len);

	spoor_p_init(&r, "contact");
	spoor_p_str(&r, "app", "whatsapp");
	spoor_p_bytes(&r, "jid", jid, len);
	if (jid)
		h->phone_e164(h, jid, NULL, e164, sizeof(e164));
	spoor_p_str(&r, "phone", e164[0] ? e164 : NULL);
	jid = pu_text(h, st, 1, &len);
	spoor_p_bytes(&r, "phone_raw", jid, len);
	jid = pu_text(h, st, 2, &len);
	spoor_p_bytes(&r, "name", jid, len);
	jid = pu_text(h, st, 3, &len);
	spoor_p_bytes(&r, "given_name", jid, len);
	jid = pu_text(h, st, 4, &len);
	spoor_p_bytes(&r, "family_name", jid, len);
	jid = pu_text(h, st, 5, &len);
	spoor_p_bytes(&r, "push_name", jid, len);
	jid = pu_text(h, st, 6, &len);
	spoor_p_bytes(&r, "about", jid, len);
	if (pu_is_null(h, st, 7))
		spoor_p_null(&r, "is_whatsapp_user");
	else
		spoor_p_bool(&r, "is_whatsapp_user", h->col_int(st, 7) != 0);
	if (h->emit(h, &r, prov))
		w->stop = true;
}

struct wadb_run {
	struct wa *w;
	bool emit;
	bool nomem;
};

static int one_contact(const struct spoor_host *h, struct spoor_stmt *st,
		       struct spoor_prov *prov, void *ctx)
{
	struct wadb_run *x = ctx;
	struct wa *w = x->w;
	struct name *n, *old;
	size_t len;
	const char *jid = pu_text(h, st, 8, &len);

	if (x->emit)
		contact_record(w, st, prov);
	if (w->stop)
		return 1;
	if (!jid || w->names.full)
		return 0;
	n = calloc(1, sizeof(*n));
	if (!n) {
		x->nomem = true;
		return 1;
	}
	n->jid = pu_strndup(jid, len, 256);
	n->display = dup_col(h, st, 2);
	n->push = dup_col(h, st, 5);
	/* a JID twice (it happens, and recovered contacts repeat live
	 * ones): the last row's names, without leaking the first's */
	old = n->jid ? pu_imap_get(&w->names, pu_strhash(n->jid)) : NULL;
	if (!n->jid || !pu_imap_put(&w->names, pu_strhash(n->jid), n))
		free_name(n);
	else if (old)
		free_name(old);
	return 0;
}

/* Read wa.db at path: emit contacts (when emit) and fill the name map. */
static int read_wadb(struct wa *w, const char *path, bool emit)
{
	const struct spoor_host *h = w->h;
	struct spoor_db *db = h->db_open(h, path);
	static const struct pu_select q = {
		"wa_contacts", "c", "_id", contact_cols, "c.jid", NULL, NULL,
		true,
	};
	struct wadb_run x = { w, emit, false };
	int rc;

	if (!db) {
		if (emit)
			h->not_understood(h, path, "unreadable as SQLite");
		return 0;
	}
	if (!h->db_has_table(db, "wa_contacts") ||
	    !h->db_has_column(db, "wa_contacts", "jid")) {
		if (emit)
			h->not_understood(h, path, "schema not recognised: "
					  "no wa_contacts table");
		h->db_close(db);
		return 0;
	}
	w->db = db;
	rc = pu_select_each(h, db, &q, one_contact, &x);
	h->db_close(db);
	w->db = NULL;
	return rc ? -1 : 0;
}

/* ---- msgstore.db, modern ---- */

static int load_jids(struct wa *w)
{
	const struct spoor_host *h = w->h;
	struct spoor_stmt *st;
	char sql[512], b[3][64];
	int rc = 0;

	snprintf(sql, sizeof(sql), "SELECT j._id, %s, %s, %s, %s FROM jid j",
		 pu_col(h, w->db, "jid", "j", "raw_string", b[0], 64),
		 pu_col(h, w->db, "jid", "j", "server", b[1], 64),
		 pu_col(h, w->db, "jid", "j", "user", b[2], 64),
		 h->db_has_column(w->db, "jid", "type") ? "j.type" : "NULL");
	st = h->prepare(w->db, sql);
	if (!st)
		return -1;
	while ((rc = h->step(st)) == 1) {
		struct jid *j = calloc(1, sizeof(*j));

		if (!j)
			break;
		j->raw = dup_col(h, st, 1);
		j->server = dup_col(h, st, 2);
		j->user = dup_col(h, st, 3);
		j->type = pu_is_null(h, st, 4) ? -1 : h->col_int(st, 4);
		/* old jid tables lack raw_string: rebuild it */
		if (!j->raw && j->user && j->server) {
			size_t n = strlen(j->user) + strlen(j->server) + 2;

			j->raw = malloc(n);
			if (j->raw)
				snprintf(j->raw, n, "%s@%s", j->user,
					 j->server);
		}
		if (!pu_imap_put(&w->jids, h->col_int(st, 0), j))
			free_jid(j);
	}
	h->finalize(st);
	if (h->db_has_table(w->db, "jid_map") &&
	    (st = h->prepare(w->db, "SELECT lid_row_id, jid_row_id FROM "
			     "jid_map"))) {
		while (h->step(st) == 1) {
			struct jid *j = pu_imap_get(&w->jids,
						    h->col_int(st, 0));

			if (j)
				j->mapped = h->col_int(st, 1);
		}
		h->finalize(st);
	}
	if ((st = h->prepare(w->db, "SELECT _id, jid_row_id, subject FROM "
			     "chat"))) {
		while (h->step(st) == 1) {
			struct chat *c = calloc(1, sizeof(*c));

			if (!c)
				break;
			c->jid_row = h->col_int(st, 1);
			c->subject = dup_col(h, st, 2);
			if (!pu_imap_put(&w->chats, h->col_int(st, 0), c))
				free_chat(c);
		}
		h->finalize(st);
	}
	return rc < 0 ? -1 : 0;
}

/* The phone-number JID for a jid row (LIDs mapped), and the LID. */
static const struct jid *jid_of(const struct wa *w, int64_t row,
				const struct jid **lid)
{
	const struct jid *j = row > 0 ? pu_imap_get(&w->jids, row) : NULL;

	*lid = NULL;
	if (j && j->mapped > 0) {
		const struct jid *m = pu_imap_get(&w->jids, j->mapped);

		if (m) {
			*lid = j;
			return m;
		}
	}
	if (j && j->server && !strcmp(j->server, "lid"))
		*lid = j;
	return j;
}

static const char *chat_type_of(const char *jid)
{
	const char *at = jid ? strrchr(jid, '@') : NULL;

	if (!at)
		return NULL;
	if (!strcmp(at, "@g.us"))
		return "group";
	if (!strcmp(jid, "status@broadcast"))
		return "status";
	if (!strcmp(at, "@broadcast"))
		return "broadcast";
	if (!strcmp(at, "@newsletter"))
		return "channel";
	return "individual";
}

static const char *kind_of(int64_t t)
{
	switch (t) {
	case 0: return "text";
	case 1: return "image";
	case 2: return "audio";
	case 3: return "video";
	case 4: return "contact";
	case 5: return "location";
	case 7: return "system";
	case 9: return "document";
	case 13: return "gif";
	case 15: return "revoked";
	case 16: return "live_location";
	case 20: return "sticker";
	default: return "other";
	}
}

struct msg {
	int64_t rowid;
	const char *table;
	const char *chat_jid, *chat_lid, *chat_name;
	bool from_me;
	const char *sender_jid, *sender_lid;
	const char *key_id, *text, *caption;
	size_t text_len, key_len, caption_len;
	int64_t ts, kind_raw, status, action;
	bool have_ts, have_kind, have_status, have_action, revoked;
	bool starred;
	const char *media_path, *media_mime, *media_name;
	size_t media_path_len, media_mime_len, media_name_len;
	int64_t media_size;
	bool have_media_size;
	const char *quoted_key;
	size_t quoted_len;
	const char *kind;
};

static void emit_message(struct wa *w, const struct msg *m)
{
	const struct spoor_host *h = w->h;
	struct spoor_prov prov = { NULL, m->table, m->rowid, -1, NULL };
	struct spoor_record r;
	struct spoor_resolved res;
	const char *ctype = chat_type_of(m->chat_jid);
	const char *sender = m->from_me ? NULL
		: m->sender_jid ? m->sender_jid
		: ctype && !strcmp(ctype, "individual") ? m->chat_jid : NULL;
	const struct name *sn = name_of(w, sender);
	const struct name *cn = name_of(w, m->chat_jid);
	char e164[32] = "";
	bool found = false;

	if (w->recovered)
		prov.recovered_from = w->recovered;
	else if (h->db_wal_only(w->db, m->table, m->rowid))
		prov.recovered_from = "wal";
	spoor_p_init(&r, "message");
	spoor_p_str(&r, "app", "whatsapp");
	spoor_p_str(&r, "chat_id", m->chat_jid);
	spoor_p_str(&r, "chat_lid", m->chat_lid);
	spoor_p_str(&r, "chat_name", m->chat_name ? m->chat_name
		    : cn && cn->display ? cn->display : cn ? cn->push : NULL);
	spoor_p_str(&r, "chat_type", ctype);
	spoor_p_str(&r, "direction", m->from_me ? "outgoing" : "incoming");
	spoor_p_bool(&r, "from_me", m->from_me);
	spoor_p_str(&r, "sender", sender);
	spoor_p_str(&r, "sender_lid", m->from_me ? NULL
		    : m->sender_jid ? m->sender_lid
		    : sender ? m->chat_lid : NULL);
	if (sender)
		h->phone_e164(h, sender, NULL, e164, sizeof(e164));
	spoor_p_str(&r, "sender_phone", e164[0] ? e164 : NULL);
	spoor_p_str(&r, "sender_name", sn ? sn->display : NULL);
	spoor_p_str(&r, "sender_push_name", sn ? sn->push : NULL);
	spoor_p_time(&r, "time", "time_raw", "time_unit", m->ts, m->have_ts,
		     "unix_ms");
	spoor_p_str(&r, "kind", m->kind);
	if (m->have_kind)
		spoor_p_int(&r, "kind_raw", m->kind_raw);
	else
		spoor_p_null(&r, "kind_raw");
	spoor_p_bytes(&r, "text", m->text, m->text_len);
	spoor_p_bytes(&r, "caption", m->caption, m->caption_len);
	if (m->have_status)
		spoor_p_int(&r, "status", m->status);
	else
		spoor_p_null(&r, "status");
	spoor_p_bool(&r, "revoked", m->revoked);
	spoor_p_bool(&r, "starred", m->starred);
	if (m->have_action)
		spoor_p_int(&r, "system_action", m->action);
	spoor_p_bytes(&r, "key_id", m->key_id, m->key_len);
	spoor_p_bytes(&r, "quoted_key_id", m->quoted_key, m->quoted_len);
	if (m->media_path || m->media_name || m->media_mime) {
		char rel[2048];
		const char *p = m->media_path ? m->media_path : m->media_name;
		size_t n = m->media_path ? m->media_path_len
			: m->media_name_len;

		spoor_p_bytes(&r, "media_path", m->media_path,
			      m->media_path_len);
		spoor_p_bytes(&r, "media_name", m->media_name,
			      m->media_name_len);
		spoor_p_bytes(&r, "media_mime", m->media_mime,
			      m->media_mime_len);
		if (m->have_media_size)
			spoor_p_int(&r, "media_size", m->media_size);
		else
			spoor_p_null(&r, "media_size");
		if (p && n && n < sizeof(rel) && !memchr(p, '\0', n)) {
			memcpy(rel, p, n);
			rel[n] = '\0';
			found = !h->resolve(h, NULL, rel, &res);
		}
		spoor_p_bool(&r, "media_found", found);
		spoor_p_str(&r, "media_evidence_path", found ? res.path : NULL);
		spoor_p_str(&r, "media_sha256", found ? res.sha256 : NULL);
	}
	if (h->emit(h, &r, &prov))
		w->stop = true;
}

/* A key for de-duplicating legacy rows against modern ones. */
static int64_t dedup_key(const char *chat, bool from_me, const char *key,
			 size_t klen)
{
	uint64_t x = (uint64_t)pu_strhash(chat ? chat : "");

	x = (x ^ (from_me ? 0x5bd1e995u : 0)) * 1099511628211ull;
	for (size_t i = 0; key && i < klen; i++)
		x = (x ^ (unsigned char)key[i]) * 1099511628211ull;
	return (int64_t)(x & 0x7fffffffffffffffull);
}

static int read_modern(struct wa *w, bool remember)
{
	const struct spoor_host *h = w->h;
	struct spoor_db *db = w->db;
	struct spoor_stmt *st;
	char sql[2048], b[12][80];
	bool media = h->db_has_table(db, "message_media");
	bool quoted = h->db_has_table(db, "message_quoted");
	bool sys = h->db_has_table(db, "message_system");
	int rc = 0;

	snprintf(sql, sizeof(sql),
		 "SELECT m._id, m.chat_row_id, m.from_me, m.key_id, %s, %s, "
		 "%s, %s, %s, %s, %s, %s, %s, %s, %s, %s FROM message m %s %s "
		 "%s "
		 "WHERE m._id >= ?1 ORDER BY m._id",
		 pu_col(h, db, "message", "m", "sender_jid_row_id", b[0], 80),
		 pu_col(h, db, "message", "m", "status", b[1], 80),
		 pu_col(h, db, "message", "m", "timestamp", b[2], 80),
		 pu_col(h, db, "message", "m", "message_type", b[3], 80),
		 pu_col(h, db, "message", "m", "text_data", b[4], 80),
		 pu_col(h, db, "message", "m", "starred", b[5], 80),
		 media ? pu_col(h, db, "message_media", "mm", "file_path",
				b[6], 80) : "NULL",
		 media ? pu_col(h, db, "message_media", "mm", "mime_type",
				b[7], 80) : "NULL",
		 media ? pu_col(h, db, "message_media", "mm", "file_size",
				b[8], 80) : "NULL",
		 media ? pu_col(h, db, "message_media", "mm", "media_name",
				b[9], 80) : "NULL",
		 quoted ? "mq.key_id" : "NULL",
		 sys ? "ms.action_type" : "NULL",
		 media ? "LEFT JOIN message_media mm ON mm.message_row_id = "
		 "m._id" : "",
		 quoted ? "LEFT JOIN message_quoted mq ON mq.message_row_id "
		 "= m._id" : "",
		 sys ? "LEFT JOIN message_system ms ON ms.message_row_id = "
		 "m._id" : "");
	st = pu_prepare_rows(h, db, "message", sql);
	if (!st)
		return -1;
	while (!w->stop && (rc = h->step(st)) == 1) {
		struct msg m = { 0 };
		const struct chat *c = pu_imap_get(&w->chats,
						   h->col_int(st, 1));
		const struct jid *cj = NULL, *clid = NULL, *sj, *slid;

		m.rowid = h->col_int(st, 0);
		m.table = "message";
		if (w->recovered && pu_imap_get(&w->live, m.rowid))
			continue;	/* not deleted: already reported */
		if (w->track_live)
			pu_imap_put(&w->live, m.rowid, (void *)1);
		if (c)
			cj = jid_of(w, c->jid_row, &clid);
		/* rows without a chat (-1: system rows) are still shown */
		m.chat_jid = cj ? cj->raw : NULL;
		m.chat_lid = clid ? clid->raw : NULL;
		m.chat_name = c ? c->subject : NULL;
		m.from_me = h->col_int(st, 2) != 0;
		m.key_id = pu_text(h, st, 3, &m.key_len);
		sj = jid_of(w, h->col_int(st, 4), &slid);
		m.sender_jid = sj ? sj->raw : NULL;
		m.sender_lid = slid ? slid->raw : NULL;
		m.have_status = !pu_is_null(h, st, 5);
		m.status = h->col_int(st, 5);
		m.have_ts = !pu_is_null(h, st, 6);
		m.ts = h->col_int(st, 6);
		m.have_kind = !pu_is_null(h, st, 7);
		m.kind_raw = h->col_int(st, 7);
		m.kind = m.have_kind ? kind_of(m.kind_raw) : "text";
		/* the host cuts values past 16 MiB and flags the record */
		m.text = pu_text(h, st, 8, &m.text_len);
		m.starred = h->col_int(st, 9) != 0;
		m.media_path = pu_text(h, st, 10, &m.media_path_len);
		m.media_mime = pu_text(h, st, 11, &m.media_mime_len);
		m.have_media_size = !pu_is_null(h, st, 12);
		m.media_size = h->col_int(st, 12);
		m.media_name = pu_text(h, st, 13, &m.media_name_len);
		m.quoted_key = pu_text(h, st, 14, &m.quoted_len);
		m.have_action = !pu_is_null(h, st, 15);
		m.action = h->col_int(st, 15);
		if (m.have_action)
			m.kind = "system";
		m.revoked = m.have_kind && m.kind_raw == 15;
		if (strcmp(m.kind, "text") && m.text && !m.have_action &&
		    m.kind_raw != 15) {
			/* on media rows text_data is the caption */
			m.caption = m.text;
			m.caption_len = m.text_len;
			m.text = NULL;
			m.text_len = 0;
		}
		if (remember && m.key_id)
			pu_imap_put(&w->seen, dedup_key(m.chat_jid, m.from_me,
							m.key_id, m.key_len),
				    (void *)1);
		emit_message(w, &m);
	}
	h->finalize(st);
	return rc < 0 ? -1 : 0;
}

static const char *legacy_kind(const char *t, int64_t status, int64_t *raw,
			       bool *have)
{
	char *end;
	long v;

	*have = false;
	if (status == 6)
		return "system";
	if (!t || !*t)
		return "text";
	v = strtol(t, &end, 10);
	if (*end)
		return "other";
	*raw = v;
	*have = true;
	return kind_of(v);
}

static int read_legacy(struct wa *w, bool dedup)
{
	const struct spoor_host *h = w->h;
	struct spoor_db *db = w->db;
	struct spoor_stmt *st;
	char sql[2048], b[12][80];
	bool quotes = h->db_has_table(db, "messages_quotes") &&
		h->db_has_column(db, "messages", "quoted_row_id");
	int rc = 0;

	snprintf(sql, sizeof(sql),
		 "SELECT m._id, m.key_remote_jid, m.key_from_me, m.key_id, "
		 "%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s FROM messages m "
		 "%s WHERE m._id >= ?1 AND m.key_remote_jid IS NOT '-1' "
		 "ORDER BY m._id",
		 pu_col(h, db, "messages", "m", "remote_resource", b[0], 80),
		 pu_col(h, db, "messages", "m", "status", b[1], 80),
		 pu_col(h, db, "messages", "m", "timestamp", b[2], 80),
		 pu_col(h, db, "messages", "m", "media_wa_type", b[3], 80),
		 pu_col(h, db, "messages", "m", "data", b[4], 80),
		 pu_col(h, db, "messages", "m", "starred", b[5], 80),
		 pu_col(h, db, "messages", "m", "media_mime_type", b[6], 80),
		 pu_col(h, db, "messages", "m", "media_size", b[7], 80),
		 pu_col(h, db, "messages", "m", "media_name", b[8], 80),
		 pu_col(h, db, "messages", "m", "media_caption", b[9], 80),
		 quotes ? "q.key_id" : "NULL",
		 quotes ? "LEFT JOIN messages_quotes q ON q._id = "
		 "m.quoted_row_id" : "");
	st = pu_prepare_rows(h, db, "messages", sql);
	if (!st)
		return -1;
	while (!w->stop && (rc = h->step(st)) == 1) {
		struct msg m = { 0 };
		char *chat = dup_col(h, st, 1), *sender = dup_col(h, st, 4);
		const char *wt;
		size_t len;

		m.rowid = h->col_int(st, 0);
		m.table = "messages";
		m.chat_jid = chat;
		m.from_me = h->col_int(st, 2) != 0;
		m.key_id = pu_text(h, st, 3, &m.key_len);
		if (dedup && m.key_id &&
		    pu_imap_get(&w->seen, dedup_key(chat, m.from_me,
						    m.key_id, m.key_len))) {
			free(chat);
			free(sender);
			continue;
		}
		m.sender_jid = sender && *sender ? sender : NULL;
		m.have_status = !pu_is_null(h, st, 5);
		m.status = h->col_int(st, 5);
		m.have_ts = !pu_is_null(h, st, 6);
		m.ts = h->col_int(st, 6);
		wt = pu_text(h, st, 7, &len);
		{
			char t[16] = "";

			if (wt && len < sizeof(t)) {
				memcpy(t, wt, len);
				t[len] = '\0';
			}
			m.kind = legacy_kind(wt ? t : NULL, m.status,
					     &m.kind_raw, &m.have_kind);
		}
		/* the host cuts values past 16 MiB and flags the record */
		m.text = pu_text(h, st, 8, &m.text_len);
		m.starred = h->col_int(st, 9) != 0;
		m.media_mime = pu_text(h, st, 10, &m.media_mime_len);
		m.have_media_size = !pu_is_null(h, st, 11) &&
			h->col_int(st, 11) > 0;
		m.media_size = h->col_int(st, 11);
		m.media_name = pu_text(h, st, 12, &m.media_name_len);
		m.caption = pu_text(h, st, 13, &m.caption_len);
		m.quoted_key = pu_text(h, st, 14, &m.quoted_len);
		m.revoked = m.have_kind && m.kind_raw == 15;
		emit_message(w, &m);
		free(chat);
		free(sender);
	}
	h->finalize(st);
	return rc < 0 ? -1 : 0;
}

static const char *const call_cols[] = {
	"jid_row_id", "from_me", "timestamp", "video_call", "duration",
	"call_result", "group_jid_row_id", NULL,
};

static int one_call(const struct spoor_host *h, struct spoor_stmt *st,
		    struct spoor_prov *prov, void *ctx)
{
	struct wa *w = ctx;
	struct spoor_record r;
	const struct jid *lid, *j = jid_of(w, h->col_int(st, 1), &lid);
	const struct jid *glid, *g = jid_of(w, h->col_int(st, 7), &glid);
	const struct name *n = name_of(w, j ? j->raw : NULL);
	char e164[32] = "";
	bool from_me = h->col_int(st, 2) != 0;

	spoor_p_init(&r, "call");
	spoor_p_str(&r, "app", "whatsapp");
	spoor_p_str(&r, "jid", j ? j->raw : NULL);
	spoor_p_str(&r, "jid_lid", lid ? lid->raw : NULL);
	if (j && j->raw)
		h->phone_e164(h, j->raw, NULL, e164, sizeof(e164));
	spoor_p_str(&r, "phone", e164[0] ? e164 : NULL);
	spoor_p_str(&r, "name", n ? n->display : NULL);
	spoor_p_str(&r, "push_name", n ? n->push : NULL);
	spoor_p_str(&r, "group_id", g ? g->raw : NULL);
	spoor_p_str(&r, "direction", from_me ? "outgoing" : "incoming");
	spoor_p_bool(&r, "from_me", from_me);
	spoor_p_bool(&r, "video", h->col_int(st, 4) != 0);
	spoor_p_time(&r, "time", "time_raw", "time_unit", h->col_int(st, 3),
		     !pu_is_null(h, st, 3), "unix_ms");
	if (pu_is_null(h, st, 5))
		spoor_p_null(&r, "duration");
	else
		spoor_p_int(&r, "duration", h->col_int(st, 5));
	if (pu_is_null(h, st, 6))
		spoor_p_null(&r, "result_raw");
	else
		spoor_p_int(&r, "result_raw", h->col_int(st, 6));
	if (h->emit(h, &r, prov))
		w->stop = true;
	return w->stop;
}

static int read_calls(struct wa *w)
{
	static const struct pu_select q = {
		"call_log", "c", "_id", call_cols, NULL, NULL, NULL, true,
	};

	if (!w->h->db_has_table(w->db, "call_log"))
		return 0;
	return pu_select_each(w->h, w->db, &q, one_call, w) ? -1 : 0;
}

static int run(const struct spoor_host *h, const char *path)
{
	struct wa w = { 0 };
	const char *base = strrchr(path, '/');
	char dir[4096], wapath[4200];
	bool modern, legacy;
	int rc = 0;

	base = base ? base + 1 : path;
	w.h = h;
	w.path = path;
	if (!strcmp(base, "wa.db")) {
		rc = read_wadb(&w, path, true);
		pu_imap_free(&w.names, free_name);
		return rc;
	}
	pu_dirname(path, dir, sizeof(dir));
	snprintf(wapath, sizeof(wapath), "%s%swa.db", dir, *dir ? "/" : "");
	if (h->exists(h, wapath))
		read_wadb(&w, wapath, false);
	w.db = h->db_open(h, path);
	if (!w.db) {
		h->not_understood(h, path, "unreadable as SQLite");
		pu_imap_free(&w.names, free_name);
		return 0;
	}
	modern = h->db_has_table(w.db, "message") &&
		h->db_has_table(w.db, "chat") && h->db_has_table(w.db, "jid") &&
		h->db_has_column(w.db, "message", "chat_row_id") &&
		h->db_has_column(w.db, "message", "key_id");
	legacy = h->db_has_table(w.db, "messages") &&
		h->db_has_column(w.db, "messages", "key_remote_jid") &&
		h->db_has_column(w.db, "messages", "key_id");
	if (!modern && !legacy) {
		h->not_understood(h, path, "schema not recognised: no "
				  "message/chat/jid or messages tables");
	} else {
		/* db_main came with ABI 1.0 late: check the host has it,
		 * as every plugin must for members past the first set */
		bool has_main = h->size >= offsetof(struct spoor_host,
						     db_main) +
			sizeof(h->db_main) && h->db_main;
		struct spoor_db *main = modern && has_main ?
			h->db_main(w.db) : NULL;

		if (modern && load_jids(&w))
			rc = -1;
		w.track_live = main != NULL;
		if (modern && !rc && read_modern(&w, legacy))
			rc = -1;
		w.track_live = false;
		/* rows deleted in the WAL that the main file still holds */
		if (main && !rc && !w.stop &&
		    h->db_has_table(main, "message")) {
			struct spoor_db *live = w.db;

			w.db = main;
			w.recovered = "main";
			if (read_modern(&w, false))
				h->log(h, 1, "main file unreadable without "
				       "its WAL");
			w.db = live;
			w.recovered = NULL;
		}
		if (legacy && !w.stop && read_legacy(&w, modern))
			rc = -1;
		if (modern && !w.stop && read_calls(&w))
			rc = -1;
		if (rc && !w.stop)
			h->not_understood(h, path, "a query failed: the "
					  "schema differs from what this "
					  "plugin knows");
	}
	h->db_close(w.db);
	pu_imap_free(&w.jids, free_jid);
	pu_imap_free(&w.chats, free_chat);
	pu_imap_free(&w.names, free_name);
	pu_imap_free(&w.seen, NULL);
	pu_imap_free(&w.live, NULL);
	return 0;
}

static const char *const types[] = { "message", "call", "contact", NULL };
static const char *const patterns[] = { "msgstore.db", "wa.db", NULL };

/* deleted rows the host recovers (spoor-plugin(7)) */
static const char *const recover_tables[] = {
	"messages", "message", "call_log", "wa_contacts", NULL,
};

const struct spoor_plugin spoor_plugin_whatsapp_android = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "whatsapp-android",
	.version = "1.0",
	.description = "WhatsApp Android msgstore.db (legacy, modern, "
		"transitional, LID) and wa.db",
	.types = types,
	.patterns = patterns,
	.run = run,
	.recover_tables = recover_tables,
};
