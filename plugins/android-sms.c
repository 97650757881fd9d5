/*
 * android-sms: SMS and MMS from Android's mmssms.db (AOSP telephony
 * provider; Samsung adds spam_sms, the messages it filed as spam, which
 * matter in extortion cases).  docs/artifacts.md 3.5.  Also Google
 * Messages' bugle_db (3.6): RCS chats exist only there, and SMS sent
 * with that app are there too, sometimes after mmssms.db lost them.
 */
#include "plugutil.h"

#include "banned.h"

static const char *sms_box(int64_t t)
{
	switch (t) {
	case 1: return "incoming";
	case 2: return "outgoing";
	case 3: return "draft";
	case 4: return "outbox";
	case 5: return "failed";
	case 6: return "queued";
	default: return "unknown";
	}
}

/* ph: the caller's, alive until the emit */
static void peer(const struct spoor_host *h, struct spoor_record *r,
		 const char *addr, size_t len, bool incoming,
		 struct spoor_phone *ph)
{
	memset(ph, 0, sizeof(*ph));
	if (addr)
		h->phone(h, addr, h->option(h, "cc"), ph);
	spoor_p_bytes(r, incoming ? "sender" : "recipient", addr, len);
	pu_phone(r, incoming ? "sender_phone" : "recipient_phone", ph);
}

static const char *const sms_cols[] = {
	"thread_id", "address", "date", "date_sent", "type", "body", "read",
	NULL,
};

static int one_sms(const struct spoor_host *h, struct spoor_stmt *st,
		   struct spoor_prov *prov, void *ctx)
{
	struct spoor_record r;
	struct spoor_phone ph;
	char chat[40];
	const char *p;
	size_t len;
	int64_t type = h->col_int(st, 5);

	(void)ctx;
	spoor_p_init(&r, "message");
	spoor_p_str(&r, "app", "sms");
	snprintf(chat, sizeof(chat), "thread:%lld",
		 (long long)h->col_int(st, 1));
	spoor_p_str(&r, "chat_id", pu_is_null(h, st, 1) ? NULL : chat);
	spoor_p_str(&r, "direction", sms_box(type));
	spoor_p_bool(&r, "from_me", type != 1);
	p = pu_text(h, st, 2, &len);
	peer(h, &r, p, len, type == 1, &ph);
	spoor_p_time(&r, "time", "time_raw", "time_unit", h->col_int(st, 3),
		     !pu_is_null(h, st, 3), "unix_ms");
	spoor_p_time(&r, "time_sent", "time_sent_raw", "time_sent_unit",
		     h->col_int(st, 4), !pu_is_null(h, st, 4), "unix_ms");
	spoor_p_str(&r, "kind", "sms");
	spoor_p_int(&r, "kind_raw", type);
	p = pu_text(h, st, 6, &len);
	spoor_p_bytes(&r, "text", p, len);
	spoor_p_bool(&r, "read", h->col_int(st, 7) != 0);
	spoor_p_bool(&r, "spam", !strcmp(prov->table, "spam_sms"));
	return h->emit(h, &r, prov);
}

static int read_sms(const struct spoor_host *h, struct spoor_db *db,
		    const char *table)
{
	struct pu_select q = { table, "s", "_id", sms_cols, NULL, NULL, NULL,
			       false };

	return pu_select_each(h, db, &q, one_sms, NULL) ? -1 : 0;
}

/*
 * MMS attachments: the non-text parts of one pdu, each with the file
 * its `_data` column names (app_parts/PART_...) looked up in the
 * evidence below the telephony provider's directory, with its SHA-256.
 * At most MMS_MAX_PARTS are listed; `attachments` counts them all.
 */
#define MMS_MAX_PARTS 16

struct mms_part {
	char *mime, *name, *stored;
	struct spoor_resolved res;
};

struct mms_parts {
	struct spoor_stmt *st;	/* NULL: no part table with _data */
	char near[4096];	/* the provider's directory in the evidence */
	struct mms_part p[MMS_MAX_PARTS];
	struct spoor_record rec[MMS_MAX_PARTS];	/* one per part */
	size_t n;
	bool failed;		/* reading the parts failed */
};

static void mms_parts_clear(struct mms_parts *mp)
{
	for (size_t i = 0; i < mp->n; i++) {
		free(mp->p[i].mime);
		free(mp->p[i].name);
		free(mp->p[i].stored);
	}
	mp->n = 0;
}

static int mms_parts_open(const struct spoor_host *h, struct spoor_db *db,
			  const char *path, struct mms_parts *mp)
{
	char b[3][64], sql[512], dbdir[4096];

	/* databases/mmssms.db -> the provider's directory */
	pu_dirname(path, dbdir, sizeof(dbdir));
	pu_dirname(dbdir, mp->near, sizeof(mp->near));
	if (!h->db_has_table(db, "part") ||
	    !h->db_has_column(db, "part", "_data"))
		return 0;
	snprintf(sql, sizeof(sql), "SELECT q.seq, %s, %s, %s FROM part q "
		 "WHERE q.mid = ?1 AND (q.ct IS NULL OR q.ct NOT IN "
		 "('text/plain', 'application/smil')) ORDER BY q.seq, q._id",
		 pu_col(h, db, "part", "q", "ct", b[0], 64),
		 pu_col(h, db, "part", "q", "name", b[1], 64),
		 pu_col(h, db, "part", "q", "_data", b[2], 64));
	mp->st = h->prepare(db, sql);
	return mp->st ? 0 : -1;
}

/* rel: the last two segments of a stored path ("app_parts/PART_1"). */
static const char *tail2(const char *p)
{
	const char *last = strrchr(p, '/'), *prev = NULL;

	if (!last)
		return p;
	for (const char *q = p; q < last; q++)
		if (*q == '/')
			prev = q;
	return prev ? prev + 1 : p;
}

static void mms_part_record(const struct spoor_host *h,
			    struct mms_parts *mp, size_t i, int64_t seq)
{
	struct mms_part *p = &mp->p[i];
	struct spoor_record *r = &mp->rec[i];
	bool found = false;

	if (p->stored && p->stored[0])
		found = !h->resolve(h, mp->near, tail2(p->stored), &p->res);
	spoor_p_init(r, "attachment");
	spoor_p_int(r, "seq", seq);
	spoor_p_str(r, "mime", p->mime);
	spoor_p_str(r, "name", p->name);
	spoor_p_str(r, "stored_path", p->stored);
	spoor_p_bool(r, "found", found);
	spoor_p_str(r, "evidence_path", found ? p->res.path : NULL);
	if (found)
		spoor_p_int(r, "size", (int64_t)p->res.size);
	else
		spoor_p_null(r, "size");
	spoor_p_str(r, "sha256", found ? p->res.sha256 : NULL);
}

/* Fill mp with the parts of MMS mid; 0, or -1 on a query error. */
static int mms_parts_load(const struct spoor_host *h, struct mms_parts *mp,
			  int64_t mid)
{
	int rc;

	mms_parts_clear(mp);
	if (!mp->st)
		return 0;
	h->reset(mp->st);
	h->bind_int(mp->st, 1, mid);
	while ((rc = h->step(mp->st)) == 1 && mp->n < MMS_MAX_PARTS) {
		size_t i = mp->n++;
		struct mms_part *p = &mp->p[i];
		const char *s;
		size_t len;

		memset(p, 0, sizeof(*p));
		s = pu_text(h, mp->st, 1, &len);
		p->mime = s ? pu_strndup(s, len, 256) : NULL;
		s = pu_text(h, mp->st, 2, &len);
		p->name = s ? pu_strndup(s, len, 1024) : NULL;
		s = pu_text(h, mp->st, 3, &len);
		p->stored = s ? pu_strndup(s, len, 4096) : NULL;
		mms_part_record(h, mp, i, h->col_int(mp->st, 0));
	}
	return rc < 0 ? -1 : 0;
}

static void mms_parts_close(const struct spoor_host *h, struct mms_parts *mp)
{
	mms_parts_clear(mp);
	if (mp->st)
		h->finalize(mp->st);
}

static const char *const mms_cols[] = {
	"thread_id", "date", "msg_box", "sub", NULL,
};

static int one_mms(const struct spoor_host *h, struct spoor_stmt *st,
		   struct spoor_prov *prov, void *ctx)
{
	struct mms_parts *mp = ctx;
	struct spoor_record r;
	struct spoor_phone ph;
	char chat[40];
	const char *p;
	size_t len;
	int64_t box = h->col_int(st, 3);

	spoor_p_init(&r, "message");
	spoor_p_str(&r, "app", "mms");
	snprintf(chat, sizeof(chat), "thread:%lld",
		 (long long)h->col_int(st, 1));
	spoor_p_str(&r, "chat_id", pu_is_null(h, st, 1) ? NULL : chat);
	spoor_p_str(&r, "direction", sms_box(box));
	spoor_p_bool(&r, "from_me", box != 1);
	p = pu_text(h, st, 7, &len);
	peer(h, &r, p, len, box == 1, &ph);
	/* MMS dates are seconds, SMS dates milliseconds */
	spoor_p_time(&r, "time", "time_raw", "time_unit", h->col_int(st, 2),
		     !pu_is_null(h, st, 2), "unix_s");
	spoor_p_str(&r, "kind", "mms");
	spoor_p_int(&r, "kind_raw", box);
	p = pu_text(h, st, 4, &len);
	spoor_p_bytes(&r, "subject", p, len);
	p = pu_text(h, st, 5, &len);
	spoor_p_bytes(&r, "text", p, len);
	spoor_p_int(&r, "attachments", h->col_int(st, 6));
	if (mms_parts_load(h, mp, prov->rowid) < 0) {
		mp->failed = true;
		return 1;
	}
	if (mp->st)
		spoor_p_list(&r, "attachment_files", mp->rec, mp->n);
	return h->emit(h, &r, prov);
}

static int read_mms(const struct spoor_host *h, struct spoor_db *db,
		    const char *path)
{
	struct mms_parts *mp;
	char extra[1024];
	bool addr = h->db_has_table(db, "addr");
	bool part = h->db_has_table(db, "part");
	struct pu_select q = { "pdu", "p", "_id", mms_cols, extra, NULL,
			       NULL, false };
	int rc;

	/* text parts joined in order; the SMIL layout part is not text */
	snprintf(extra, sizeof(extra), "%s, %s, %s",
		 part ? "(SELECT group_concat(t.text, char(10)) FROM (SELECT "
		 "text FROM part WHERE mid = p._id AND ct = 'text/plain' "
		 "ORDER BY seq) t)" : "NULL",
		 part ? "(SELECT count(*) FROM part WHERE mid = p._id AND ct "
		 "NOT IN ('text/plain', 'application/smil'))" : "NULL",
		 addr ? "(SELECT group_concat(a.address, ', ') FROM addr a "
		 "WHERE a.msg_id = p._id AND a.address IS NOT "
		 "'insert-address-token' AND a.type = CASE WHEN p.msg_box = "
		 "1 THEN 137 ELSE 151 END)" : "NULL");
	mp = calloc(1, sizeof(*mp));
	if (!mp || mms_parts_open(h, db, path, mp)) {
		free(mp);
		return -1;
	}
	rc = pu_select_each(h, db, &q, one_mms, mp);
	if (mp->failed)
		rc = -1;
	mms_parts_close(h, mp);
	free(mp);
	return rc ? -1 : 0;
}

/*
 * bugle_db message_status (AOSP messaging MessageData, which Google
 * Messages grew from): 1-99 outgoing, 100-199 incoming.  Values beyond
 * the AOSP list fall into the range of their side; the raw value is
 * always kept.
 */
static const char *bugle_dir(int64_t s)
{
	if (s == 1 || s == 2)
		return "outgoing";
	if (s == 3)
		return "draft";
	if (s >= 4 && s <= 7)
		return "outbox";
	if (s == 8 || s == 9)
		return "failed";
	if (s > 0 && s < 100)
		return "outgoing";
	if (s >= 100 && s < 200)
		return "incoming";
	return "unknown";
}

/* message_protocol: 0 SMS, 1 MMS, 2 MMS download notification (AOSP);
 * the RCS values are not documented, so they stay raw */
static const char *bugle_kind(int64_t p, bool null)
{
	if (null)
		return NULL;
	if (p == 0)
		return "sms";
	if (p == 1 || p == 2)
		return "mms";
	return NULL;
}

static bool is_bugle(const struct spoor_host *h, struct spoor_db *db)
{
	return h->db_has_table(db, "messages") &&
	       h->db_has_table(db, "parts") &&
	       h->db_has_table(db, "participants") &&
	       h->db_has_table(db, "conversations");
}

static int read_bugle(const struct spoor_host *h, struct spoor_db *db)
{
	struct spoor_stmt *st;
	char sql[2400], b[10][64];
	bool cp = h->db_has_table(db, "conversation_participants");
	int rc;

	/* the sender's address as stored: normalized first, as AOSP
	 * does; recipients are the conversation's other participants
	 * (the device owner's own participant is not among them) */
	snprintf(sql, sizeof(sql), "SELECT m._id, m.conversation_id, %s, "
		 "%s, %s, %s, %s, coalesce(%s, %s), %s, "
		 "(SELECT group_concat(t.text, char(10)) FROM (SELECT text "
		 "FROM parts WHERE message_id = m._id AND content_type LIKE "
		 "'text/%%' ORDER BY _id) t), "
		 "(SELECT count(*) FROM parts WHERE message_id = m._id AND "
		 "content_type NOT LIKE 'text/%%'), %s "
		 "FROM messages m "
		 "LEFT JOIN conversations c ON c._id = m.conversation_id "
		 "LEFT JOIN participants p ON p._id = %s ORDER BY m._id",
		 pu_col(h, db, "conversations", "c", "name", b[0], 64),
		 pu_col(h, db, "messages", "m", "message_status", b[1], 64),
		 pu_col(h, db, "messages", "m", "message_protocol", b[2], 64),
		 pu_col(h, db, "messages", "m", "received_timestamp", b[3],
			64),
		 pu_col(h, db, "messages", "m", "sent_timestamp", b[4], 64),
		 pu_col(h, db, "participants", "p", "normalized_destination",
			b[5], 64),
		 pu_col(h, db, "participants", "p", "display_destination",
			b[6], 64),
		 pu_col(h, db, "participants", "p", "full_name", b[7], 64),
		 cp ? "(SELECT group_concat(d, ', ') FROM (SELECT coalesce("
		 "q.normalized_destination, q.display_destination) d FROM "
		 "conversation_participants x JOIN participants q ON q._id "
		 "= x.participant_id WHERE x.conversation_id = "
		 "m.conversation_id AND q._id IS NOT m.sender_id ORDER BY "
		 "q._id))" : "NULL",
		 pu_col(h, db, "messages", "m", "sender_id", b[8], 64));
	st = h->prepare(db, sql);
	if (!st)
		return -1;
	while ((rc = h->step(st)) == 1) {
		struct spoor_prov prov = { NULL, "messages",
					   h->col_int(st, 0), -1, NULL };
		struct spoor_record r;
		/* fields point into these until emit: one per field */
		struct spoor_phone ph, phr;
		char chat[40];
		const char *p, *dir;
		size_t len;
		int64_t status = h->col_int(st, 3);
		bool in, unknown;

		if (h->db_wal_only(db, "messages", prov.rowid))
			prov.recovered_from = "wal";
		dir = pu_is_null(h, st, 3) ? "unknown" : bugle_dir(status);
		in = !strcmp(dir, "incoming");
		spoor_p_init(&r, "message");
		spoor_p_str(&r, "app", "google-messages");
		snprintf(chat, sizeof(chat), "conversation:%lld",
			 (long long)h->col_int(st, 1));
		spoor_p_str(&r, "chat_id", pu_is_null(h, st, 1) ? NULL : chat);
		p = pu_text(h, st, 2, &len);
		spoor_p_bytes(&r, "chat_name", p, len);
		spoor_p_str(&r, "direction", dir);
		if (strcmp(dir, "unknown"))	/* else from_me is absent */
			spoor_p_bool(&r, "from_me", !in);
		/* with the direction unknown, both sides as stored */
		unknown = !strcmp(dir, "unknown");
		if (in || unknown) {
			p = pu_text(h, st, 7, &len);
			peer(h, &r, p, len, true, &ph);
			p = pu_text(h, st, 8, &len);
			spoor_p_bytes(&r, "sender_name", p, len);
		}
		if (!in) {
			p = pu_text(h, st, 11, &len);
			spoor_p_bytes(&r, "recipient", p, len);
			/* one peer: it is a number to normalise */
			memset(&phr, 0, sizeof(phr));
			if (p && !memchr(p, ',', len))
				h->phone(h, p, h->option(h, "cc"), &phr);
			pu_phone(&r, "recipient_phone", &phr);
		}
		spoor_p_time(&r, "time", "time_raw", "time_unit",
			     h->col_int(st, 5), !pu_is_null(h, st, 5),
			     "unix_ms");
		spoor_p_time(&r, "time_sent", "time_sent_raw",
			     "time_sent_unit", h->col_int(st, 6),
			     !pu_is_null(h, st, 6), "unix_ms");
		spoor_p_str(&r, "kind", bugle_kind(h->col_int(st, 4),
						   pu_is_null(h, st, 4)));
		spoor_p_int(&r, "kind_raw", h->col_int(st, 4));
		spoor_p_int(&r, "status", status);
		p = pu_text(h, st, 9, &len);
		spoor_p_bytes(&r, "text", p, len);
		spoor_p_int(&r, "attachments", h->col_int(st, 10));
		if (h->emit(h, &r, &prov))
			break;
	}
	h->finalize(st);
	return rc < 0 ? -1 : 0;
}

static int run(const struct spoor_host *h, const char *path)
{
	struct spoor_db *db = h->db_open(h, path);
	int rc = 0;

	if (!db) {
		h->not_understood(h, path, "unreadable as SQLite");
		return 0;
	}
	if (is_bugle(h, db)) {
		if (read_bugle(h, db))
			h->not_understood(h, path, "a query failed: unknown "
					  "schema");
		h->db_close(db);
		return 0;
	}
	if (!h->db_has_table(db, "sms") && !h->db_has_table(db, "pdu")) {
		h->not_understood(h, path, "schema not recognised: no sms, "
				  "pdu or bugle_db messages/parts/"
				  "participants/conversations table");
		h->db_close(db);
		return 0;
	}
	if (h->db_has_table(db, "sms") && read_sms(h, db, "sms"))
		rc = -1;
	if (h->db_has_table(db, "spam_sms") && read_sms(h, db, "spam_sms"))
		rc = -1;
	if (h->db_has_table(db, "pdu") && read_mms(h, db, path))
		rc = -1;
	if (rc)
		h->not_understood(h, path, "a query failed: unknown schema");
	h->db_close(db);
	return 0;
}

static const char *const types[] = { "message", NULL };
static const char *const patterns[] = { "mmssms.db", "bugle_db", NULL };

/* local_time and phone are ABI 1.2 members */
static int run_checked(const struct spoor_host *h, const char *path)
{
	return pu_host_1_2(h) ? run(h, path) : SPOOR_EUNSUPPORTED;
}
/* deleted rows the host recovers (spoor-plugin(7)): SMS, MMS and their
 * text parts; bugle_db messages and their parts */
static const char *const recover_tables[] = {
	"sms", "spam_sms", "pdu", "part", "messages", "parts", NULL,
};

const struct spoor_plugin spoor_plugin_android_sms = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "android-sms",
	.version = "1.0",
	.description = "Android SMS/MMS (mmssms.db, Samsung spam_sms) and "
		       "Google Messages SMS/MMS/RCS (bugle_db)",
	.types = types,
	.patterns = patterns,
	.run = run_checked,
	.recover_tables = recover_tables,
};
