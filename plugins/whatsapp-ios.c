/*
 * whatsapp-ios: WhatsApp for iOS (also Business) from the shared app
 * group container: ChatStorage.sqlite (chats, messages, group members,
 * push names, media items, locations, system events), ContactsV2.sqlite
 * (address book as WhatsApp sees it) and CallHistory.sqlite (calls).
 *
 * Core Data: every table is Z<ENTITY>, keys Z_PK, times REAL seconds
 * since 2001-01-01 UTC (docs/artifacts.md 3.4).  ZMESSAGETYPE codes are
 * reported raw beside a kind; the ones nobody has documented are
 * "other".  On image/video items ZLATITUDE/ZLONGITUDE hold the pixel
 * size (observed), so they are a location only on location messages.
 * ZMEDIALOCALPATH is relative to <AppGroup>/Message/ and is looked up
 * there first through the host's resolve callback.
 */
#include "plugutil.h"

#include "banned.h"

#define MAX_TEXT ((size_t)16 << 20)

struct name {
	char *jid;
	char *val;
};

struct wi {
	const struct spoor_host *h;
	struct spoor_db *db;
	const char *path;
	char msgdir[4200];		/* <AppGroup>/Message */
	struct pu_imap push, book;	/* jid -> name */
};

static void free_name(void *p)
{
	struct name *n = p;

	free(n->jid);
	free(n->val);
	free(n);
}

static const char *name_of(const struct pu_imap *m, const char *jid)
{
	struct name *n;

	if (!jid)
		return NULL;
	n = pu_imap_get(m, pu_strhash(jid));
	return n && !strcmp(n->jid, jid) ? n->val : NULL;
}

static void put_name(struct pu_imap *m, const char *jid, size_t jl,
		     const char *val, size_t vl)
{
	struct name *n;

	if (!jid || !val || !vl || m->full || memchr(jid, '\0', jl))
		return;
	n = calloc(1, sizeof(*n));
	if (!n)
		return;
	n->jid = pu_strndup(jid, jl, 256);
	n->val = pu_strndup(val, vl, 1024);
	if (!n->jid || !n->val || name_of(m, n->jid) ||
	    !pu_imap_put(m, pu_strhash(n->jid), n))
		free_name(n);
}

static void opt_int(struct spoor_record *r, const char *key,
		    const struct spoor_host *h, struct spoor_stmt *st, int i)
{
	if (pu_is_null(h, st, i))
		spoor_p_null(r, key);
	else
		spoor_p_int(r, key, h->col_int(st, i));
}

static void opt_text(struct spoor_record *r, const char *key,
		     const struct spoor_host *h, struct spoor_stmt *st, int i)
{
	size_t len;
	const char *p = pu_text(h, st, i, &len);

	spoor_p_bytes(r, key, p, len > MAX_TEXT ? MAX_TEXT : len);
}

static const char *recovered(const struct spoor_host *h,
			     struct spoor_db *db, const char *table,
			     int64_t rowid)
{
	return h->db_wal_only(db, table, rowid) ? "wal" : NULL;
}

/* ---- ContactsV2.sqlite ---- */

static int read_contacts(struct wi *w, const char *path, bool emit)
{
	const struct spoor_host *h = w->h;
	struct spoor_db *db = h->db_open(h, path);
	struct spoor_stmt *st;
	const char *T = "ZWAADDRESSBOOKCONTACT";
	char sql[1024], b[9][64];
	int rc;

	if (!db) {
		if (emit)
			h->not_understood(h, path, "unreadable as SQLite");
		return 0;
	}
	if (!h->db_has_table(db, T)) {
		if (emit)
			h->not_understood(h, path, "schema not recognised: no "
					  "ZWAADDRESSBOOKCONTACT table");
		h->db_close(db);
		return 0;
	}
	snprintf(sql, sizeof(sql), "SELECT c.Z_PK, %s, %s, %s, %s, %s, %s, "
		 "%s, %s, %s FROM ZWAADDRESSBOOKCONTACT c ORDER BY c.Z_PK",
		 pu_col(h, db, T, "c", "ZWHATSAPPID", b[0], 64),
		 pu_col(h, db, T, "c", "ZFULLNAME", b[1], 64),
		 pu_col(h, db, T, "c", "ZGIVENNAME", b[2], 64),
		 pu_col(h, db, T, "c", "ZPHONENUMBER", b[3], 64),
		 pu_col(h, db, T, "c", "ZPHONENUMBERLABEL", b[4], 64),
		 pu_col(h, db, T, "c", "ZABOUTTEXT", b[5], 64),
		 pu_col(h, db, T, "c", "ZIDENTIFIER", b[6], 64),
		 pu_col(h, db, T, "c", "ZLID", b[7], 64),
		 pu_col(h, db, T, "c", "ZUSERNAME", b[8], 64));
	st = h->prepare(db, sql);
	if (!st) {
		h->db_close(db);
		return -1;
	}
	while ((rc = h->step(st)) == 1) {
		struct spoor_prov prov = { NULL, T, h->col_int(st, 0), -1,
					   NULL };
		struct spoor_record r;
		size_t jl, nl;
		const char *jid = pu_text(h, st, 1, &jl);
		const char *nm = pu_text(h, st, 2, &nl);
		char e164[32] = "", jbuf[256] = "";

		put_name(&w->book, jid, jl, nm, nl);
		if (!emit)
			continue;
		prov.recovered_from = recovered(h, db, T, prov.rowid);
		spoor_p_init(&r, "contact");
		spoor_p_str(&r, "app", "whatsapp");
		spoor_p_bytes(&r, "jid", jid, jl);
		if (jid && jl < sizeof(jbuf)) {
			memcpy(jbuf, jid, jl);
			h->phone_e164(h, jbuf, NULL, e164, sizeof(e164));
		}
		if (!e164[0] && !pu_is_null(h, st, 4)) {
			size_t pl;
			const char *p = pu_text(h, st, 4, &pl);

			if (pl < sizeof(jbuf)) {
				memcpy(jbuf, p, pl);
				jbuf[pl] = '\0';
				h->phone_e164(h, jbuf, h->option(h, "cc"),
					      e164, sizeof(e164));
			}
		}
		spoor_p_str(&r, "phone", e164[0] ? e164 : NULL);
		opt_text(&r, "phone_raw", h, st, 4);
		opt_text(&r, "phone_label", h, st, 5);
		spoor_p_bytes(&r, "name", nm, nl);
		opt_text(&r, "given_name", h, st, 3);
		opt_text(&r, "about", h, st, 6);
		opt_text(&r, "contact_identifier", h, st, 7);
		opt_text(&r, "lid", h, st, 8);
		opt_text(&r, "username", h, st, 9);
		spoor_p_bool(&r, "is_whatsapp_user", jid != NULL);
		if (h->emit(h, &r, &prov))
			break;
	}
	h->finalize(st);
	h->db_close(db);
	return rc < 0 ? -1 : 0;
}

/* ---- LID.sqlite: the number behind each @lid identity ---- */

/*
 * ZWAPHONENUMBERLIDPAIR(ZLID, ZPHONENUMBER, ZTIMESTAMP): since 2024
 * WhatsApp hides numbers behind LIDs; this table pairs them, so a
 * sender known only as 1000...@lid gets its number.  One `contact`
 * record per pair (kind "lid_pair").
 */
static int read_lids(struct wi *w, const char *path)
{
	const struct spoor_host *h = w->h;
	struct spoor_db *db = h->db_open(h, path);
	const char *T = "ZWAPHONENUMBERLIDPAIR";
	struct spoor_stmt *st;
	char sql[512], b[3][64];
	int rc;

	if (!db) {
		h->not_understood(h, path, "unreadable as SQLite");
		return 0;
	}
	if (!h->db_has_table(db, T)) {
		h->not_understood(h, path, "schema not recognised: no "
				  "ZWAPHONENUMBERLIDPAIR table");
		h->db_close(db);
		return 0;
	}
	snprintf(sql, sizeof(sql), "SELECT p.Z_PK, %s, %s, %s FROM "
		 "ZWAPHONENUMBERLIDPAIR p ORDER BY p.Z_PK",
		 pu_col(h, db, T, "p", "ZLID", b[0], 64),
		 pu_col(h, db, T, "p", "ZPHONENUMBER", b[1], 64),
		 pu_col(h, db, T, "p", "ZTIMESTAMP", b[2], 64));
	st = h->prepare(db, sql);
	if (!st) {
		h->db_close(db);
		return -1;
	}
	while ((rc = h->step(st)) == 1) {
		struct spoor_prov prov = { NULL, T, h->col_int(st, 0), -1,
					   NULL };
		struct spoor_record r;
		char lid[96] = "", jid[96] = "", e164[32] = "", raw[32];
		size_t ll, pl;
		const char *l = pu_text(h, st, 1, &ll);
		const char *p = pu_text(h, st, 2, &pl);

		if (l && ll < 64)
			snprintf(lid, sizeof(lid), "%.*s@lid", (int)ll, l);
		if (p && pl < 32) {
			snprintf(jid, sizeof(jid), "%.*s@s.whatsapp.net",
				 (int)pl, p);
			h->phone_e164(h, jid, NULL, e164, sizeof(e164));
		}
		prov.recovered_from = recovered(h, db, T, prov.rowid);
		spoor_p_init(&r, "contact");
		spoor_p_str(&r, "app", "whatsapp");
		spoor_p_str(&r, "kind", "lid_pair");
		spoor_p_str(&r, "lid", lid[0] ? lid : NULL);
		spoor_p_str(&r, "jid", jid[0] ? jid : NULL);
		spoor_p_str(&r, "phone", e164[0] ? e164 : NULL);
		spoor_p_bytes(&r, "phone_raw", p, pl);
		pu_time_cocoa(&r, "time", "time_raw", "time_unit",
			      h->col_double(st, 3), !pu_is_null(h, st, 3), raw);
		if (h->emit(h, &r, &prov))
			break;
	}
	h->finalize(st);
	h->db_close(db);
	return rc < 0 ? -1 : 0;
}

/* ---- CallHistory.sqlite ---- */

static const char *outcome_of(int64_t v)
{
	switch (v) {
	case 0: return "ended";
	case 1: return "missed";
	case 4: return "rejected";
	default: return "other";
	}
}

static int read_calls(struct wi *w, const char *path)
{
	const struct spoor_host *h = w->h;
	struct spoor_db *db = h->db_open(h, path);
	struct spoor_stmt *st;
	const char *T = "ZWACDCALLEVENT";
	char sql[2048], b[8][80];
	bool agg, part;
	int rc;

	if (!db) {
		h->not_understood(h, path, "unreadable as SQLite");
		return 0;
	}
	if (!h->db_has_table(db, T)) {
		h->not_understood(h, path, "schema not recognised: no "
				  "ZWACDCALLEVENT table");
		h->db_close(db);
		return 0;
	}
	agg = h->db_has_table(db, "ZWAAGGREGATECALLEVENT") &&
		h->db_has_column(db, T, "Z1CALLEVENTS");
	part = h->db_has_table(db, "ZWACDCALLEVENTPARTICIPANT") &&
		h->db_has_column(db, "ZWACDCALLEVENTPARTICIPANT",
				 "Z1PARTICIPANTS") &&
		h->db_has_column(db, "ZWACDCALLEVENTPARTICIPANT",
				 "ZJIDSTRING");
	snprintf(sql, sizeof(sql), "SELECT c.Z_PK, %s, %s, %s, %s, %s, %s, %s, "
		 "%s FROM ZWACDCALLEVENT c %s ORDER BY c.Z_PK",
		 pu_col(h, db, T, "c", "ZDATE", b[0], 80),
		 pu_col(h, db, T, "c", "ZDURATION", b[1], 80),
		 pu_col(h, db, T, "c", "ZOUTCOME", b[2], 80),
		 pu_col(h, db, T, "c", "ZGROUPCALLCREATORUSERJIDSTRING", b[3],
			80),
		 pu_col(h, db, T, "c", "ZGROUPJIDSTRING", b[4], 80),
		 part ? "(SELECT group_concat(p.ZJIDSTRING, ' ') FROM "
		 "ZWACDCALLEVENTPARTICIPANT p WHERE p.Z1PARTICIPANTS = "
		 "c.Z_PK ORDER BY p.Z_PK)" : "NULL",
		 agg ? pu_col(h, db, "ZWAAGGREGATECALLEVENT", "a", "ZINCOMING",
			      b[5], 80) : "NULL",
		 agg ? pu_col(h, db, "ZWAAGGREGATECALLEVENT", "a", "ZVIDEO",
			      b[6], 80) : "NULL",
		 agg ? "LEFT JOIN ZWAAGGREGATECALLEVENT a ON a.Z_PK = "
		 "c.Z1CALLEVENTS" : "");
	st = h->prepare(db, sql);
	if (!st) {
		h->db_close(db);
		h->not_understood(h, path, "a query failed: the schema "
				  "differs from what this plugin knows");
		return 0;
	}
	while ((rc = h->step(st)) == 1) {
		struct spoor_prov prov = { NULL, T, h->col_int(st, 0), -1,
					   NULL };
		struct spoor_record r;
		size_t cl, pl;
		const char *creator = pu_text(h, st, 4, &cl);
		const char *parts = pu_text(h, st, 6, &pl);
		char first[256] = "", e164[32] = "", raw[32], dur[32];
		const char *dir = NULL;
		int64_t d;

		if (parts) {
			size_t n = strcspn(parts, " ");

			if (n < sizeof(first)) {
				memcpy(first, parts, n);
				first[n] = '\0';
			}
		}
		/* the aggregate says it; else creator == participant */
		if (!pu_is_null(h, st, 7))
			dir = h->col_int(st, 7) ? "incoming" : "outgoing";
		else if (creator && first[0])
			dir = strlen(first) == cl && !memcmp(first, creator, cl)
				? "incoming" : "outgoing";
		prov.recovered_from = recovered(h, db, T, prov.rowid);
		spoor_p_init(&r, "call");
		spoor_p_str(&r, "app", "whatsapp");
		spoor_p_str(&r, "jid", first[0] ? first : NULL);
		if (first[0])
			h->phone_e164(h, first, NULL, e164, sizeof(e164));
		spoor_p_str(&r, "phone", e164[0] ? e164 : NULL);
		spoor_p_str(&r, "name", name_of(&w->book, first));
		spoor_p_str(&r, "push_name", name_of(&w->push, first));
		spoor_p_bytes(&r, "participants", parts, pl);
		spoor_p_bytes(&r, "creator_jid", creator, cl);
		opt_text(&r, "group_id", h, st, 5);
		spoor_p_str(&r, "direction", dir);
		if (dir)
			spoor_p_bool(&r, "from_me", !strcmp(dir, "outgoing"));
		else
			spoor_p_null(&r, "from_me");
		if (pu_is_null(h, st, 8))
			spoor_p_null(&r, "video");
		else
			spoor_p_bool(&r, "video", h->col_int(st, 8) != 0);
		pu_time_cocoa(&r, "time", "time_raw", "time_unit",
			      h->col_double(st, 1), !pu_is_null(h, st, 1), raw);
		if (pu_is_null(h, st, 2)) {
			spoor_p_null(&r, "duration");
			spoor_p_null(&r, "duration_raw");
		} else {
			double v = h->col_double(st, 2);

			d = v > 0 && v < 1e12 ? (int64_t)(v + 0.5) : 0;
			spoor_p_int(&r, "duration", d);
			snprintf(dur, sizeof(dur), "%.6f", v);
			spoor_p_str(&r, "duration_raw", dur);
		}
		if (pu_is_null(h, st, 3)) {
			spoor_p_null(&r, "result");
			spoor_p_null(&r, "result_raw");
		} else {
			spoor_p_str(&r, "result",
				    outcome_of(h->col_int(st, 3)));
			spoor_p_int(&r, "result_raw", h->col_int(st, 3));
		}
		if (h->emit(h, &r, &prov))
			break;
	}
	h->finalize(st);
	h->db_close(db);
	return rc < 0 ? -1 : 0;
}

/* ---- ChatStorage.sqlite ---- */

static const char *kind_of(int64_t t)
{
	switch (t) {
	case 0: return "text";
	case 1: return "image";
	case 2: return "video";
	case 3: return "audio";
	case 4: return "contact";
	case 5: return "location";
	case 6: return "system";
	case 7: return "link";
	case 8: return "document";
	case 11: return "gif";
	case 14: return "deleted";
	case 15: return "sticker";
	default: return "other";
	}
}

static const char *chat_type_of(const char *jid, bool have, int64_t st)
{
	const char *at = jid ? strrchr(jid, '@') : NULL;

	if (at && !strcmp(at, "@g.us"))
		return "group";
	if (jid && !strcmp(jid, "status@broadcast"))
		return "status";
	if (at && !strcmp(at, "@broadcast"))
		return "broadcast";
	if (at && !strcmp(at, "@newsletter"))
		return "channel";
	if (have)
		return st == 1 ? "group" : "individual";
	return at ? "individual" : NULL;
}

static void load_push(struct wi *w)
{
	const struct spoor_host *h = w->h;
	struct spoor_stmt *st;

	if (!h->db_has_table(w->db, "ZWAPROFILEPUSHNAME") ||
	    !h->db_has_column(w->db, "ZWAPROFILEPUSHNAME", "ZJID") ||
	    !h->db_has_column(w->db, "ZWAPROFILEPUSHNAME", "ZPUSHNAME"))
		return;
	st = h->prepare(w->db, "SELECT ZJID, ZPUSHNAME FROM "
			"ZWAPROFILEPUSHNAME ORDER BY Z_PK");
	if (!st)
		return;
	while (h->step(st) == 1) {
		size_t jl, nl;
		const char *j = pu_text(h, st, 0, &jl);
		const char *n = pu_text(h, st, 1, &nl);

		put_name(&w->push, j, jl, n, nl);
	}
	h->finalize(st);
}

/* Columns of the message query, in order. */
enum {
	M_PK, M_CHAT, M_FROMME, M_FROM, M_TO, M_TEXT, M_DATE, M_SENT,
	M_TYPE, M_STATUS, M_GEVENT, M_STANZA, M_STARRED, M_PARENT,
	C_JID, C_NAME, C_TYPE, G_JID, G_NAME, I_PATH, I_TITLE, I_VCS,
	I_SIZE, I_LAT, I_LON, I_VCN, I_PK, M_NCOL
};

static const struct mcol {
	const char *table, *alias, *col;
} mcols[M_NCOL] = {
	{ "ZWAMESSAGE", "m", "Z_PK" },
	{ "ZWAMESSAGE", "m", "ZCHATSESSION" },
	{ "ZWAMESSAGE", "m", "ZISFROMME" },
	{ "ZWAMESSAGE", "m", "ZFROMJID" },
	{ "ZWAMESSAGE", "m", "ZTOJID" },
	{ "ZWAMESSAGE", "m", "ZTEXT" },
	{ "ZWAMESSAGE", "m", "ZMESSAGEDATE" },
	{ "ZWAMESSAGE", "m", "ZSENTDATE" },
	{ "ZWAMESSAGE", "m", "ZMESSAGETYPE" },
	{ "ZWAMESSAGE", "m", "ZMESSAGESTATUS" },
	{ "ZWAMESSAGE", "m", "ZGROUPEVENTTYPE" },
	{ "ZWAMESSAGE", "m", "ZSTANZAID" },
	{ "ZWAMESSAGE", "m", "ZSTARRED" },
	{ "ZWAMESSAGE", "m", "ZPARENTMESSAGE" },
	{ "ZWACHATSESSION", "c", "ZCONTACTJID" },
	{ "ZWACHATSESSION", "c", "ZPARTNERNAME" },
	{ "ZWACHATSESSION", "c", "ZSESSIONTYPE" },
	{ "ZWAGROUPMEMBER", "g", "ZMEMBERJID" },
	{ "ZWAGROUPMEMBER", "g", "ZCONTACTNAME" },
	{ "ZWAMEDIAITEM", "i", "ZMEDIALOCALPATH" },
	{ "ZWAMEDIAITEM", "i", "ZTITLE" },
	{ "ZWAMEDIAITEM", "i", "ZVCARDSTRING" },
	{ "ZWAMEDIAITEM", "i", "ZFILESIZE" },
	{ "ZWAMEDIAITEM", "i", "ZLATITUDE" },
	{ "ZWAMEDIAITEM", "i", "ZLONGITUDE" },
	{ "ZWAMEDIAITEM", "i", "ZVCARDNAME" },
	{ "ZWAMEDIAITEM", "i", "Z_PK" },
};

static bool joinable(const struct spoor_host *h, struct spoor_db *db,
		     const char *table, const char *mcol)
{
	return h->db_has_table(db, table) &&
		h->db_has_column(db, table, "Z_PK") &&
		h->db_has_column(db, "ZWAMESSAGE", mcol);
}

static char *message_sql(const struct spoor_host *h, struct spoor_db *db)
{
	struct pu_buf q = { .max = 8192 };
	bool jc = joinable(h, db, "ZWACHATSESSION", "ZCHATSESSION");
	bool jg = joinable(h, db, "ZWAGROUPMEMBER", "ZGROUPMEMBER");
	bool ji = joinable(h, db, "ZWAMEDIAITEM", "ZMEDIAITEM");

	pu_buf_add(&q, "SELECT ", 7);
	for (int i = 0; i < M_NCOL; i++) {
		const struct mcol *c = &mcols[i];
		bool on = c->alias[0] == 'm' || (c->alias[0] == 'c' && jc) ||
			(c->alias[0] == 'g' && jg) || (c->alias[0] == 'i' &&
							ji);
		char b[80];
		const char *e = on ? pu_col(h, db, c->table, c->alias, c->col,
					    b, sizeof(b)) : "NULL";

		if (i)
			pu_buf_add(&q, ", ", 2);
		pu_buf_add(&q, e, strlen(e));
	}
#define ADD(s) pu_buf_add(&q, s, strlen(s))
	ADD(" FROM ZWAMESSAGE m");
	if (jc)
		ADD(" LEFT JOIN ZWACHATSESSION c ON c.Z_PK = m.ZCHATSESSION");
	if (jg)
		ADD(" LEFT JOIN ZWAGROUPMEMBER g ON g.Z_PK = m.ZGROUPMEMBER");
	if (ji)
		ADD(" LEFT JOIN ZWAMEDIAITEM i ON i.Z_PK = m.ZMEDIAITEM");
	ADD(" ORDER BY m.Z_PK");
#undef ADD
	if (q.full) {
		pu_buf_free(&q);
		return NULL;
	}
	return q.p;
}

static void media_fields(struct wi *w, struct spoor_record *r,
			 struct spoor_stmt *st, const char *kind,
			 struct spoor_resolved *res)
{
	const struct spoor_host *h = w->h;
	size_t pl;
	const char *p = pu_text(h, st, I_PATH, &pl);
	bool found = false, media = strcmp(kind, "contact") &&
		strcmp(kind, "location");
	char rel[2048];

	if (pu_is_null(h, st, I_PK))
		return;
	spoor_p_bytes(r, "media_path", p, pl);
	opt_text(r, "media_caption", h, st, I_TITLE);
	if (media)
		opt_text(r, "media_mime", h, st, I_VCS);
	else if (!strcmp(kind, "contact"))
		opt_text(r, "contact_vcard", h, st, I_VCS);
	if (!strcmp(kind, "contact"))
		opt_text(r, "contact_name", h, st, I_VCN);
	opt_int(r, "media_size", h, st, I_SIZE);
	if (p && pl && pl < sizeof(rel) && !memchr(p, '\0', pl)) {
		memcpy(rel, p, pl);
		rel[pl] = '\0';
		found = !h->resolve(h, w->msgdir, rel, res);
	}
	spoor_p_bool(r, "media_found", found);
	spoor_p_str(r, "media_evidence_path", found ? res->path : NULL);
	spoor_p_str(r, "media_sha256", found ? res->sha256 : NULL);
}

static int emit_message(struct wi *w, struct spoor_stmt *st)
{
	const struct spoor_host *h = w->h;
	struct spoor_prov prov = { NULL, "ZWAMESSAGE", h->col_int(st, M_PK),
				   -1, NULL };
	struct spoor_record r;
	struct spoor_resolved res;
	char cjid[256] = "", sjid[256] = "", e164[32] = "";
	char traw[32], sraw[32], lat[40], lon[40];
	bool from_me = h->col_int(st, M_FROMME) != 0;
	bool have_type = !pu_is_null(h, st, M_TYPE);
	int64_t type = h->col_int(st, M_TYPE);
	const char *kind = have_type ? kind_of(type) : "text";
	const char *ctype;
	size_t l;
	const char *p;

	p = pu_text(h, st, C_JID, &l);
	if (!p)	/* no session row: the other side of a 1:1 message */
		p = pu_text(h, st, from_me ? M_TO : M_FROM, &l);
	if (p && l < sizeof(cjid) && !memchr(p, '\0', l))
		memcpy(cjid, p, l);
	ctype = chat_type_of(cjid[0] ? cjid : NULL,
			     !pu_is_null(h, st, C_TYPE),
			     h->col_int(st, C_TYPE));
	if (!from_me) {
		/* groups: the member row, else ZFROMJID unless it is the
		 * group itself (system rows); 1:1: ZFROMJID */
		p = pu_text(h, st, G_JID, &l);
		if (!p) {
			p = pu_text(h, st, M_FROM, &l);
			if (p && l > 5 && !memcmp(p + l - 5, "@g.us", 5))
				p = NULL;
		}
		if (p && l < sizeof(sjid) && !memchr(p, '\0', l))
			memcpy(sjid, p, l);
	}
	prov.recovered_from = recovered(h, w->db, "ZWAMESSAGE", prov.rowid);
	spoor_p_init(&r, "message");
	spoor_p_str(&r, "app", "whatsapp");
	spoor_p_str(&r, "chat_id", cjid[0] ? cjid : NULL);
	opt_text(&r, "chat_name", h, st, C_NAME);
	spoor_p_str(&r, "chat_type", ctype);
	spoor_p_str(&r, "direction", from_me ? "outgoing" : "incoming");
	spoor_p_bool(&r, "from_me", from_me);
	spoor_p_str(&r, "sender", sjid[0] ? sjid : NULL);
	if (sjid[0])
		h->phone_e164(h, sjid, NULL, e164, sizeof(e164));
	spoor_p_str(&r, "sender_phone", e164[0] ? e164 : NULL);
	if (!pu_is_null(h, st, G_NAME))
		opt_text(&r, "sender_name", h, st, G_NAME);
	else
		spoor_p_str(&r, "sender_name", name_of(&w->book, sjid));
	spoor_p_str(&r, "sender_push_name", name_of(&w->push, sjid));
	opt_text(&r, "to", h, st, M_TO);
	pu_time_cocoa(&r, "time", "time_raw", "time_unit",
		      h->col_double(st, M_DATE), !pu_is_null(h, st, M_DATE),
		      traw);
	pu_time_cocoa(&r, "time_sent", "time_sent_raw", "time_sent_unit",
		      h->col_double(st, M_SENT), !pu_is_null(h, st, M_SENT),
		      sraw);
	spoor_p_str(&r, "kind", kind);
	opt_int(&r, "kind_raw", h, st, M_TYPE);
	opt_text(&r, "text", h, st, M_TEXT);
	opt_int(&r, "status", h, st, M_STATUS);
	opt_int(&r, "group_event_raw", h, st, M_GEVENT);
	spoor_p_bool(&r, "starred", h->col_int(st, M_STARRED) != 0);
	opt_text(&r, "key_id", h, st, M_STANZA);
	opt_int(&r, "parent_message_rowid", h, st, M_PARENT);
	if (have_type && type == 5 && !pu_is_null(h, st, I_LAT) &&
	    !pu_is_null(h, st, I_LON)) {
		snprintf(lat, sizeof(lat), "%.7f", h->col_double(st, I_LAT));
		snprintf(lon, sizeof(lon), "%.7f", h->col_double(st, I_LON));
		spoor_p_str(&r, "latitude", lat);
		spoor_p_str(&r, "longitude", lon);
	}
	media_fields(w, &r, st, kind, &res);
	return h->emit(h, &r, &prov);
}

static int read_messages(struct wi *w)
{
	const struct spoor_host *h = w->h;
	char *sql = message_sql(h, w->db);
	struct spoor_stmt *st = sql ? h->prepare(w->db, sql) : NULL;
	int rc;

	free(sql);
	if (!st)
		return -1;
	while ((rc = h->step(st)) == 1)
		if (emit_message(w, st))
			break;
	h->finalize(st);
	return rc < 0 ? -1 : 0;
}

/* Group members: who was in which group, admin or not. */
static int read_members(struct wi *w)
{
	const struct spoor_host *h = w->h;
	struct spoor_db *db = w->db;
	const char *T = "ZWAGROUPMEMBER";
	struct spoor_stmt *st;
	char sql[1024], b[7][80];
	bool jc = h->db_has_table(db, "ZWACHATSESSION") &&
		h->db_has_column(db, T, "ZCHATSESSION");
	int rc;

	if (!h->db_has_table(db, T))
		return 0;
	snprintf(sql, sizeof(sql), "SELECT g.Z_PK, %s, %s, %s, %s, %s, %s, %s "
		 "FROM ZWAGROUPMEMBER g %s ORDER BY g.Z_PK",
		 pu_col(h, db, T, "g", "ZMEMBERJID", b[0], 80),
		 pu_col(h, db, T, "g", "ZCONTACTNAME", b[1], 80),
		 pu_col(h, db, T, "g", "ZFIRSTNAME", b[2], 80),
		 pu_col(h, db, T, "g", "ZISADMIN", b[3], 80),
		 pu_col(h, db, T, "g", "ZISACTIVE", b[4], 80),
		 jc ? pu_col(h, db, "ZWACHATSESSION", "c", "ZCONTACTJID",
			     b[5], 80) : "NULL",
		 jc ? pu_col(h, db, "ZWACHATSESSION", "c", "ZPARTNERNAME",
			     b[6], 80) : "NULL",
		 jc ? "LEFT JOIN ZWACHATSESSION c ON c.Z_PK = g.ZCHATSESSION"
		 : "");
	st = h->prepare(db, sql);
	if (!st)
		return -1;
	while ((rc = h->step(st)) == 1) {
		struct spoor_prov prov = { NULL, T, h->col_int(st, 0), -1,
					   NULL };
		struct spoor_record r;
		char jid[256] = "", e164[32] = "";
		size_t l;
		const char *p = pu_text(h, st, 1, &l);

		if (p && l < sizeof(jid) && !memchr(p, '\0', l))
			memcpy(jid, p, l);
		prov.recovered_from = recovered(h, db, T, prov.rowid);
		spoor_p_init(&r, "participant");
		spoor_p_str(&r, "app", "whatsapp");
		opt_text(&r, "chat_id", h, st, 6);
		opt_text(&r, "chat_name", h, st, 7);
		spoor_p_str(&r, "jid", jid[0] ? jid : NULL);
		if (jid[0])
			h->phone_e164(h, jid, NULL, e164, sizeof(e164));
		spoor_p_str(&r, "phone", e164[0] ? e164 : NULL);
		opt_text(&r, "name", h, st, 2);
		opt_text(&r, "given_name", h, st, 3);
		spoor_p_str(&r, "push_name", name_of(&w->push, jid));
		spoor_p_str(&r, "book_name", name_of(&w->book, jid));
		if (pu_is_null(h, st, 4))
			spoor_p_null(&r, "is_admin");
		else
			spoor_p_bool(&r, "is_admin", h->col_int(st, 4) != 0);
		if (pu_is_null(h, st, 5))
			spoor_p_null(&r, "is_active");
		else
			spoor_p_bool(&r, "is_active", h->col_int(st, 5) != 0);
		if (h->emit(h, &r, &prov))
			break;
	}
	h->finalize(st);
	return rc < 0 ? -1 : 0;
}

static int read_chatstorage(struct wi *w, const char *path, const char *dir)
{
	const struct spoor_host *h = w->h;
	char side[4300];

	snprintf(side, sizeof(side), "%s%sContactsV2.sqlite", dir,
		 *dir ? "/" : "");
	if (h->exists(h, side))
		read_contacts(w, side, false);
	w->db = h->db_open(h, path);
	if (!w->db) {
		h->not_understood(h, path, "unreadable as SQLite");
		return 0;
	}
	if (!h->db_has_table(w->db, "ZWAMESSAGE") ||
	    !h->db_has_column(w->db, "ZWAMESSAGE", "Z_PK") ||
	    !h->db_has_column(w->db, "ZWAMESSAGE", "ZISFROMME")) {
		h->not_understood(h, path, "schema not recognised: no "
				  "ZWAMESSAGE table with ZISFROMME");
	} else {
		load_push(w);
		if (read_messages(w) || read_members(w))
			h->not_understood(h, path, "a query failed: the "
					  "schema differs from what this "
					  "plugin knows");
	}
	h->db_close(w->db);
	w->db = NULL;
	return 0;
}

static int run(const struct spoor_host *h, const char *path)
{
	struct wi w = { 0 };
	const char *base = strrchr(path, '/');
	char dir[4096], side[4300];
	int rc = 0;

	base = base ? base + 1 : path;
	w.h = h;
	w.path = path;
	pu_dirname(path, dir, sizeof(dir));
	snprintf(w.msgdir, sizeof(w.msgdir), "%s%sMessage", dir,
		 *dir ? "/" : "");
	if (!strcmp(base, "ContactsV2.sqlite")) {
		rc = read_contacts(&w, path, true);
	} else if (!strcmp(base, "LID.sqlite")) {
		rc = read_lids(&w, path);
	} else if (!strcmp(base, "CallHistory.sqlite")) {
		snprintf(side, sizeof(side), "%s%sContactsV2.sqlite", dir,
			 *dir ? "/" : "");
		if (h->exists(h, side))
			read_contacts(&w, side, false);
		rc = read_calls(&w, path);
	} else {
		rc = read_chatstorage(&w, path, dir);
	}
	pu_imap_free(&w.push, free_name);
	pu_imap_free(&w.book, free_name);
	return rc;
}

static const char *const types[] = { "message", "participant", "call",
				     "contact", NULL };
/* CallHistory.sqlite is WhatsApp's (iOS keeps its own in
 * CallHistory.storedata); one without ZWACDCALLEVENT is "not understood" */
static const char *const patterns[] = { "ChatStorage.sqlite",
					"ContactsV2.sqlite", "LID.sqlite",
					"CallHistory.sqlite", NULL };

/* deleted rows the host recovers (spoor-plugin(7)) */
static const char *const recover_tables[] = {
	"ZWAMESSAGE", "ZWAADDRESSBOOKCONTACT", "ZWACDCALLEVENT", NULL,
};

const struct spoor_plugin spoor_plugin_whatsapp_ios = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "whatsapp-ios",
	.version = "1.0",
	.description = "WhatsApp iOS ChatStorage.sqlite, ContactsV2.sqlite, "
		"LID.sqlite and CallHistory.sqlite (app group container)",
	.types = types,
	.patterns = patterns,
	.run = run,
	.recover_tables = recover_tables,
};
