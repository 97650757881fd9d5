/*
 * snapchat-arroyo.h: Snapchat's arroyo.db (the conversations of the app
 * on Android and iOS), shared by snapchat-android and snapchat-ios.
 *
 * Facts from ALEAPP's snapchat.py (get_snapchat_arroyo_messages and
 * _conversations, get_snapchat_chat_media; read, no code copied):
 * conversation_message holds one row per message (client_conversation_id,
 * client_message_id, server_message_id, sender_id (a user UUID),
 * creation_timestamp and read_timestamp in Unix ms, content_type,
 * message_content (protobuf), is_saved, is_viewed_by_user,
 * quoted_server_message_id, message_state_type, created_on_device).
 * Only content_type 1 was seen to carry text, at protobuf path 4.4.2.1
 * of message_content; the other content types have no verified meaning:
 * their text is not read and they are counted as not understood.  A
 * message's cached media are found by the media key it carries (a
 * string somewhere in message_content) matched to the token after the
 * last '-' of an EXTERNAL_KEY of cache_controller.db's CACHE_FILE_CLAIM
 * (prefixes chat_snap, snap., chat_media_thumbnail), whose CACHE_KEY is
 * the file's name.  conversation.conversation_metadata (protobuf) lists
 * the participants' UUIDs at repeated field 3, 1.1 (16 raw bytes);
 * feed_entry holds the title, times and the same UUIDs concatenated.
 *
 * The caller fills struct sc (owner, friends, the cache's claims) and
 * calls sc_read(); rows deleted in the WAL that the main file still
 * holds are read from the main file and marked recovered_from "main".
 */
#ifndef SPOOR_SNAPCHAT_ARROYO_H
#define SPOOR_SNAPCHAT_ARROYO_H

#include "plugutil.h"
#include "pbwire.h"

#define SC_TEXT_TYPE 1		/* the content_type that carries text */
#define SC_MEDIA_MAX 8		/* media listed per message */

struct sc_user {
	char *id, *username, *name;
};

struct sc_claim {
	char *cache_key;	/* the file's name */
	char *media_type;	/* the EXTERNAL_KEY's prefix */
	char *external_key;
};

struct sc_conv {
	char *title;
	struct pu_parts parts;
	char **ids;		/* strings the participant items point at */
	size_t nids;
};

struct sc {
	const struct spoor_host *h;
	const char *path;	/* arroyo.db */
	const char *friends_path;	/* main.db while reading it */
	struct spoor_db *db;	/* reading now: the live view or main */
	char owner_id[64];	/* "" when unknown */
	const char *owner_basis;	/* where owner_id came from */
	char media_dir[4096];	/* where cached media files are looked for */
	struct pu_smap friends;	/* userId -> struct sc_user */
	struct pu_smap claims;	/* media key -> struct sc_claim */
	struct pu_smap convs;	/* client_conversation_id -> sc_conv */
	struct pu_imap live;	/* keys of the live rows */
	const char *recovered;	/* "main" while reading the main file */
	bool stop;
	uint64_t no_text_type;	/* rows of content types not understood */
	uint64_t bad_content;	/* text rows whose protobuf failed */
	uint64_t types[8];	/* first content types not understood */
	size_t ntypes;
};

static inline void sc_user_free(void *p)
{
	struct sc_user *u = p;

	if (!u)
		return;
	free(u->id);
	free(u->username);
	free(u->name);
	free(u);
}

static inline void sc_claim_free(void *p)
{
	struct sc_claim *c = p;

	if (!c)
		return;
	free(c->cache_key);
	free(c->media_type);
	free(c->external_key);
	free(c);
}

static inline void sc_conv_free(void *p)
{
	struct sc_conv *c = p;

	if (!c)
		return;
	free(c->title);
	for (size_t i = 0; i < c->nids; i++)
		free(c->ids[i]);
	free(c->ids);
	free(c);
}

static inline void sc_free(struct sc *s)
{
	pu_smap_free(&s->friends, sc_user_free);
	pu_smap_free(&s->claims, sc_claim_free);
	pu_smap_free(&s->convs, sc_conv_free);
	pu_imap_free(&s->live, NULL);
}

static inline const struct sc_user *sc_user_of(const struct sc *s,
					       const char *id, size_t len)
{
	return id ? pu_smap_get(&s->friends, id, len) : NULL;
}

/* 16 bytes as a lower-case UUID string (37 bytes). */
static inline void sc_uuid(const uint8_t *b, char *out)
{
	static const char hx[] = "0123456789abcdef";
	size_t o = 0;

	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hx[b[i] >> 4];
		out[o++] = hx[b[i] & 15];
	}
	out[o] = '\0';
}

/* ---- friends: main.db Friend (Android) ---- */

static inline int sc_friend_row(const struct spoor_host *h,
				struct spoor_stmt *st,
				struct spoor_prov *prov, void *ctx)
{
	struct sc *s = ctx;
	struct spoor_record r;
	struct spoor_phone ph = { "", "", NULL, false, 0 };
	struct sc_user *u;
	size_t il, ul, nl, pl;
	const char *id = pu_text(h, st, 1, &il);
	const char *un = pu_text(h, st, 2, &ul);
	const char *nm = pu_text(h, st, 3, &nl);
	const char *phone = pu_text(h, st, 4, &pl);
	char num[64];

	prov->source_path = s->friends_path;
	spoor_p_init(&r, "contact");
	spoor_p_str(&r, "app", "snapchat");
	spoor_p_bytes(&r, "user_id", id, il);
	spoor_p_bytes(&r, "username", un, ul);
	spoor_p_bytes(&r, "name", nm, nl);
	spoor_p_bytes(&r, "phone_raw", phone, pl);
	if (phone && pl && pl < sizeof(num) && !memchr(phone, '\0', pl)) {
		memcpy(num, phone, pl);
		num[pl] = '\0';
		h->phone(h, num, h->option(h, "cc"), &ph);
	}
	pu_phone(&r, "phone", &ph);
	phone = pu_text(h, st, 5, &pl);
	spoor_p_bytes(&r, "birthday_raw", phone, pl);
	pu_time_div(&r, "added_time", "added_time_raw", "added_time_unit",
		    h->col_int(st, 6), !pu_is_null(h, st, 6), 1000, "unix_ms");
	pu_time_div(&r, "added_me_time", "added_me_time_raw",
		    "added_me_time_unit", h->col_int(st, 7),
		    !pu_is_null(h, st, 7), 1000, "unix_ms");
	if (pu_is_null(h, st, 8))
		spoor_p_null(&r, "friend_link_type_raw");
	else
		spoor_p_int(&r, "friend_link_type_raw", h->col_int(st, 8));
	spoor_p_bool(&r, "owner", id && s->owner_id[0] &&
		     il == strlen(s->owner_id) &&
		     !memcmp(id, s->owner_id, il));
	if (h->emit(h, &r, prov))
		s->stop = true;
	if (id && il && (u = calloc(1, sizeof(*u)))) {
		u->id = pu_strndup(id, il, 128);
		u->username = pu_strndup(un, ul, 256);
		u->name = pu_strndup(nm, nl, 512);
		if (!u->id || !pu_smap_put(&s->friends, id, il, u))
			sc_user_free(u);
	}
	return s->stop;
}

/* Read main.db's Friend table at path: contacts, and the name map. */
static inline void sc_read_friends(struct sc *s, const char *path)
{
	static const char *const cols[] = {
		"userId", "username", "displayName", "phone", "birthday",
		"addedTimestamp", "reverseAddedTimestamp", "friendLinkType",
		NULL,
	};
	struct pu_select q = { "Friend", "f", "rowid", cols, NULL, NULL,
			       NULL, true };
	const struct spoor_host *h = s->h;
	struct spoor_db *db = h->db_open(h, path);

	if (!db) {
		h->not_understood(h, path, "unreadable as SQLite");
		return;
	}
	s->friends_path = path;
	if (!h->db_has_table(db, "Friend")) {
		h->not_understood(h, path, "schema not recognised: no Friend "
				  "table");
	} else if (pu_select_each(h, db, &q, sc_friend_row, s)) {
		h->not_understood(h, path, "a query failed: the Friend "
				  "table differs from what this plugin "
				  "knows");
	}
	h->db_close(db);
}

/* ---- cached media: cache_controller.db CACHE_FILE_CLAIM ---- */

static inline bool sc_chat_media(const char *k, size_t n)
{
	return (n >= 9 && !memcmp(k, "chat_snap", 9)) ||
	       (n >= 5 && !memcmp(k, "snap.", 5)) ||
	       (n >= 20 && !memcmp(k, "chat_media_thumbnail", 20));
}

static inline int sc_claim_row(const struct spoor_host *h,
			       struct spoor_stmt *st,
			       struct spoor_prov *prov, void *ctx)
{
	struct sc *s = ctx;
	size_t kl, el;
	const char *ck = pu_text(h, st, 1, &kl);
	const char *ek = pu_text(h, st, 2, &el);
	const char *dash, *dot;
	struct sc_claim *c;

	(void)prov;
	if (!ck || !ek || !sc_chat_media(ek, el))
		return 0;
	dash = ek + el;
	while (dash > ek && dash[-1] != '-')
		dash--;
	if (dash == ek || dash == ek + el)
		return 0;
	dot = memchr(ek, '.', el);
	c = calloc(1, sizeof(*c));
	if (!c)
		return 1;
	c->cache_key = pu_strndup(ck, kl, 1024);
	c->external_key = pu_strndup(ek, el, 1024);
	c->media_type = pu_strndup(ek, dot ? (size_t)(dot - ek) : el, 64);
	if (!c->cache_key || !c->external_key ||
	    !pu_smap_put(&s->claims, dash, (size_t)(ek + el - dash), c))
		sc_claim_free(c);
	return 0;
}

static inline void sc_read_claims(struct sc *s, const char *path)
{
	static const char *const cols[] = { "CACHE_KEY", "EXTERNAL_KEY",
					    NULL };
	struct pu_select q = { "CACHE_FILE_CLAIM", "c", "rowid", cols, NULL,
			       NULL, NULL, false };
	const struct spoor_host *h = s->h;
	struct spoor_db *db = h->db_open(h, path);

	if (!db) {
		h->not_understood(h, path, "unreadable as SQLite");
		return;
	}
	if (!h->db_has_table(db, "CACHE_FILE_CLAIM") ||
	    pu_select_each(h, db, &q, sc_claim_row, s))
		h->not_understood(h, path, "schema not recognised: no "
				  "CACHE_FILE_CLAIM with CACHE_KEY, "
				  "EXTERNAL_KEY");
	h->db_close(db);
}

/* ---- conversations ---- */

static inline void sc_conv_add(struct sc *s, struct sc_conv *c,
			       const uint8_t *b)
{
	char id[40], **ni;
	const struct sc_user *u;

	sc_uuid(b, id);
	for (size_t i = 0; i < c->nids; i++)
		if (!strcmp(c->ids[i], id))
			return;
	if (c->nids >= PU_PART_MAX)
		return;
	ni = realloc(c->ids, (c->nids + 1) * sizeof(*ni));
	if (!ni)
		return;
	c->ids = ni;
	if (!(c->ids[c->nids] = strdup(id)))
		return;
	u = sc_user_of(s, id, strlen(id));
	pu_parts_add(&c->parts, c->ids[c->nids], u ? u->username : NULL,
		     u ? u->name : NULL, s->owner_id[0] ?
		     !strcmp(id, s->owner_id) : -1);
	c->nids++;
}

/* The participants of conversation_metadata: field 3, each 1.1 16
 * bytes.  False when the protobuf is malformed. */
static inline bool sc_meta_parts(struct sc *s, struct sc_conv *c,
				 const uint8_t *p, size_t len)
{
	static const uint32_t path[] = { 1, 1 };
	struct pb_field f, id;
	size_t pos = 0;
	int r;

	while ((r = pb_next(p, len, &pos, &f)) == 1) {
		if (f.num != 3 || f.wire != PB_LEN)
			continue;
		if (pb_path(f.p, f.len, path, 2, &id) == 1 &&
		    id.wire == PB_LEN && id.len == 16)
			sc_conv_add(s, c, id.p);
	}
	return r == 0;
}

static inline int sc_conv_row(const struct spoor_host *h,
			      struct spoor_stmt *st,
			      struct spoor_prov *prov, void *ctx)
{
	struct sc *s = ctx;
	struct spoor_record r;
	size_t il, ml, tl, pl;
	const char *id = pu_text(h, st, 1, &il);
	const uint8_t *meta = (const uint8_t *)pu_text(h, st, 2, &ml);
	const char *title = pu_text(h, st, 6, &tl);
	const uint8_t *fp = (const uint8_t *)pu_text(h, st, 7, &pl);
	struct sc_conv *c;
	bool meta_ok = true;

	if (!id || !(c = calloc(1, sizeof(*c))))
		return 0;
	c->title = pu_strndup(title, tl, 1024);
	if (meta && ml)
		meta_ok = sc_meta_parts(s, c, meta, ml);
	/* feed_entry.participants: the same UUIDs, 16 bytes each */
	for (size_t i = 0; fp && pl % 16 == 0 && i + 16 <= pl; i += 16)
		sc_conv_add(s, c, fp + i);
	spoor_p_init(&r, "conversation");
	spoor_p_str(&r, "app", "snapchat");
	spoor_p_bytes(&r, "chat_id", id, il);
	spoor_p_bytes(&r, "chat_name", title, tl);
	pu_parts_fields(&r, &c->parts);
	spoor_p_bool(&r, "participants_readable", meta_ok);
	pu_time_div(&r, "created_time", "created_time_raw",
		    "created_time_unit", h->col_int(st, 3),
		    !pu_is_null(h, st, 3), 1000, "unix_ms");
	pu_time_div(&r, "left_time", "left_time_raw", "left_time_unit",
		    h->col_int(st, 4), !pu_is_null(h, st, 4), 1000,
		    "unix_ms");
	pu_time_div(&r, "last_updated_time", "last_updated_time_raw",
		    "last_updated_time_unit", h->col_int(st, 5),
		    !pu_is_null(h, st, 5), 1000, "unix_ms");
	if (pu_is_null(h, st, 8))
		spoor_p_null(&r, "conversation_type_raw");
	else
		spoor_p_int(&r, "conversation_type_raw", h->col_int(st, 8));
	spoor_p_str(&r, "owner_id", s->owner_id[0] ? s->owner_id : NULL);
	if (prov->recovered_from == NULL && s->recovered)
		prov->recovered_from = s->recovered;
	if (h->emit(h, &r, prov))
		s->stop = true;
	if (!meta_ok)
		s->bad_content++;
	if (!pu_smap_put(&s->convs, id, il, c))
		sc_conv_free(c);
	return s->stop;
}

static inline int sc_read_convs(struct sc *s)
{
	static const char *const cols[] = {
		"client_conversation_id", "conversation_metadata",
		"creation_timestamp", "tombstoned_at_timestamp", NULL,
	};
	const struct spoor_host *h = s->h;
	bool feed = h->db_has_table(s->db, "feed_entry") &&
		h->db_has_column(s->db, "feed_entry",
				 "client_conversation_id");
	char extra[600], b[4][80];
	struct pu_select q = { "conversation", "c", "rowid", cols, extra,
			       feed ? "LEFT JOIN feed_entry e ON "
			       "e.client_conversation_id = "
			       "c.client_conversation_id" : NULL, NULL,
			       true };

	if (!h->db_has_table(s->db, "conversation"))
		return 0;
	snprintf(extra, sizeof(extra), "%s, %s, %s, %s",
		 feed ? pu_col(h, s->db, "feed_entry", "e",
			       "last_updated_timestamp", b[0], 80) : "NULL",
		 feed ? pu_col(h, s->db, "feed_entry", "e",
			       "conversation_title", b[1], 80) : "NULL",
		 feed ? pu_col(h, s->db, "feed_entry", "e", "participants",
			       b[2], 80) : "NULL",
		 feed ? pu_col(h, s->db, "feed_entry", "e",
			       "conversation_type", b[3], 80) : "NULL");
	return pu_select_each(h, s->db, &q, sc_conv_row, s) ? -1 : 0;
}

/* ---- messages ---- */

struct sc_media_hit {
	struct sc *s;
	const struct sc_claim *c[SC_MEDIA_MAX];
	size_t n, total;
};

static inline int sc_media_leaf(void *ctx, const struct pb_field *f,
				int depth)
{
	struct sc_media_hit *m = ctx;
	const struct sc_claim *c;

	(void)depth;
	if (!f->len || f->len > 256 ||
	    !(c = pu_smap_get(&m->s->claims, (const char *)f->p, f->len)))
		return 0;
	for (size_t i = 0; i < m->n; i++)
		if (m->c[i] == c)
			return 0;
	m->total++;
	if (m->n < SC_MEDIA_MAX)
		m->c[m->n++] = c;
	return 0;
}

static inline int64_t sc_key(const char *conv, size_t cl, const char *msg,
			     size_t ml)
{
	uint64_t x = 1469598103934665603ull;

	for (size_t i = 0; conv && i < cl; i++)
		x = (x ^ (unsigned char)conv[i]) * 1099511628211ull;
	x = (x ^ 0x1f) * 1099511628211ull;
	for (size_t i = 0; msg && i < ml; i++)
		x = (x ^ (unsigned char)msg[i]) * 1099511628211ull;
	return (int64_t)(x & 0x7fffffffffffffffull) | 1;
}

static inline void sc_note_type(struct sc *s, int64_t t)
{
	s->no_text_type++;
	for (size_t i = 0; i < s->ntypes; i++)
		if (s->types[i] == (uint64_t)t)
			return;
	if (s->ntypes < 8)
		s->types[s->ntypes++] = (uint64_t)t;
}

static inline int sc_msg_row(const struct spoor_host *h,
			     struct spoor_stmt *st,
			     struct spoor_prov *prov, void *ctx)
{
	static const uint32_t text_path[] = { 4, 4, 2, 1 };
	struct sc *s = ctx;
	struct spoor_record r, items[SC_MEDIA_MAX];
	struct spoor_resolved res[SC_MEDIA_MAX];
	struct sc_media_hit mh = { s, { NULL }, 0, 0 };
	size_t cl, ml, sl, bl, budget = PB_WALK_BUDGET;
	const char *conv = pu_text(h, st, 1, &cl);
	const char *msg = pu_text(h, st, 2, &ml);
	const char *sender = pu_text(h, st, 4, &sl);
	const uint8_t *blob = (const uint8_t *)pu_text(h, st, 8, &bl);
	int64_t ctype = h->col_int(st, 7);
	bool have_type = !pu_is_null(h, st, 7);
	const struct sc_user *u = sc_user_of(s, sender, sl);
	const struct sc_conv *c = conv ? pu_smap_get(&s->convs, conv, cl)
		: NULL;
	struct pb_field tf = { 0 };
	int64_t key = sc_key(conv, cl, msg, ml);
	int tr = 0, mine = -1;

	if (s->recovered) {
		if (pu_imap_get(&s->live, key))
			return 0;	/* still there: read already */
		prov->recovered_from = s->recovered;
	} else {
		pu_imap_put(&s->live, key, (void *)1);
	}
	if (s->owner_id[0] && sender)
		mine = sl == strlen(s->owner_id) &&
			!memcmp(sender, s->owner_id, sl);
	spoor_p_init(&r, "message");
	spoor_p_str(&r, "app", "snapchat");
	spoor_p_bytes(&r, "chat_id", conv, cl);
	spoor_p_str(&r, "chat_name", c ? c->title : NULL);
	pu_direction(&r, mine);
	spoor_p_str(&r, "sender_id", u ? u->username : NULL);
	spoor_p_bytes(&r, "sender_user_id", sender, sl);
	spoor_p_str(&r, "sender_name", u ? u->name : NULL);
	spoor_p_str(&r, "owner_id", s->owner_id[0] ? s->owner_id : NULL);
	pu_time_div(&r, "time", "time_raw", "time_unit", h->col_int(st, 5),
		    !pu_is_null(h, st, 5), 1000, "unix_ms");
	pu_time_div(&r, "time_read", "time_read_raw", "time_read_unit",
		    h->col_int(st, 6), !pu_is_null(h, st, 6), 1000,
		    "unix_ms");
	if (have_type && ctype == SC_TEXT_TYPE && blob && bl)
		tr = pb_path(blob, bl, text_path, 4, &tf);
	spoor_p_str(&r, "kind", have_type && ctype == SC_TEXT_TYPE ? "text"
		    : NULL);
	if (have_type)
		spoor_p_int(&r, "kind_raw", ctype);
	else
		spoor_p_null(&r, "kind_raw");
	if (tr == 1 && tf.wire == PB_LEN)
		spoor_p_bytes(&r, "text", (const char *)tf.p, tf.len);
	else
		spoor_p_null(&r, "text");
	if (have_type && ctype == SC_TEXT_TYPE && tr != 1)
		s->bad_content++;
	else if (!have_type || ctype != SC_TEXT_TYPE)
		sc_note_type(s, have_type ? ctype : -1);
	if (h->col_type(st, 2) == SPOOR_SQL_INTEGER)
		spoor_p_int(&r, "message_id", h->col_int(st, 2));
	else
		spoor_p_bytes(&r, "message_id", msg, ml);
	if (pu_is_null(h, st, 3))
		spoor_p_null(&r, "server_message_id");
	else
		spoor_p_int(&r, "server_message_id", h->col_int(st, 3));
	if (pu_is_null(h, st, 11))
		spoor_p_null(&r, "quoted_server_message_id");
	else
		spoor_p_int(&r, "quoted_server_message_id",
			    h->col_int(st, 11));
	spoor_p_bool(&r, "saved", h->col_int(st, 9) != 0);
	spoor_p_bool(&r, "viewed", h->col_int(st, 10) != 0);
	/* cached media: the media keys the protobuf carries */
	if (blob && bl && s->claims.m.n)
		pb_walk(blob, bl, 0, sc_media_leaf, &mh, &budget);
	for (size_t i = 0; i < mh.n; i++) {
		bool found = !h->resolve(h, s->media_dir, mh.c[i]->cache_key,
					 &res[i]);

		spoor_p_init(&items[i], "media");
		spoor_p_str(&items[i], "cache_key", mh.c[i]->cache_key);
		spoor_p_str(&items[i], "media_type", mh.c[i]->media_type);
		spoor_p_str(&items[i], "external_key", mh.c[i]->external_key);
		spoor_p_bool(&items[i], "found", found);
		spoor_p_str(&items[i], "evidence_path", found ? res[i].path
			    : NULL);
		if (found)
			spoor_p_int(&items[i], "size", (int64_t)res[i].size);
		else
			spoor_p_null(&items[i], "size");
		spoor_p_str(&items[i], "sha256", found ? res[i].sha256 : NULL);
	}
	spoor_p_list(&r, "media", items, mh.n);
	spoor_p_int(&r, "media_count", (int64_t)mh.total);
	if (h->emit(h, &r, prov))
		s->stop = true;
	return s->stop;
}

static inline int sc_read_messages(struct sc *s)
{
	static const char *const cols[] = {
		"client_conversation_id", "client_message_id",
		"server_message_id", "sender_id", "creation_timestamp",
		"read_timestamp", "content_type", "message_content",
		"is_saved", "is_viewed_by_user", "quoted_server_message_id",
		NULL,
	};
	struct pu_select q = { "conversation_message", "m", "rowid", cols,
			       NULL, NULL, NULL, true };

	return pu_select_each(s->h, s->db, &q, sc_msg_row, s) ? -1 : 0;
}

/* Say what was not understood, once per file. */
static inline void sc_report(struct sc *s)
{
	char why[512];
	size_t o;

	if (s->no_text_type) {
		o = (size_t)snprintf(why, sizeof(why), "%llu messages of "
				     "content types without a verified "
				     "meaning (", (unsigned long long)
				     s->no_text_type);
		for (size_t i = 0; i < s->ntypes && o < sizeof(why) - 40; i++)
			o += (size_t)snprintf(why + o, sizeof(why) - o,
					      "%s%lld", i ? ", " : "",
					      (long long)s->types[i]);
		snprintf(why + o, sizeof(why) - o, "): their content was not "
			 "read, only what the row says");
		s->h->not_understood(s->h, s->path, why);
	}
	if (s->bad_content) {
		snprintf(why, sizeof(why), "%llu text messages or "
			 "conversations whose protobuf did not read as "
			 "expected", (unsigned long long)s->bad_content);
		s->h->not_understood(s->h, s->path, why);
	}
}

/*
 * Read arroyo.db at s->path: conversations, then messages, then the
 * main file's rows the WAL deleted.  0, or -1 when arroyo.db is no
 * database of this kind (reported).
 */
static inline int sc_read(struct sc *s)
{
	const struct spoor_host *h = s->h;
	struct spoor_db *db = h->db_open(h, s->path), *main_db;
	int rc = 0;

	if (!db) {
		h->not_understood(h, s->path, "unreadable as SQLite");
		return -1;
	}
	if (!h->db_has_table(db, "conversation_message") ||
	    !h->db_has_column(db, "conversation_message",
			      "client_conversation_id")) {
		h->not_understood(h, s->path, "schema not recognised: no "
				  "conversation_message table with "
				  "client_conversation_id (a newer app "
				  "version keeps its messages elsewhere)");
		h->db_close(db);
		return -1;
	}
	s->db = db;
	if (sc_read_convs(s))
		rc = -1;
	if (!s->stop && sc_read_messages(s))
		rc = -1;
	main_db = !s->stop && !rc ? h->db_main(db) : NULL;
	if (main_db && h->db_has_table(main_db, "conversation_message")) {
		s->db = main_db;
		s->recovered = "main";
		if (sc_read_messages(s))
			h->log(h, SPOOR_LOG_WARN, "main file unreadable "
			       "without its WAL");
		s->recovered = NULL;
		s->db = db;
	}
	if (rc && !s->stop)
		h->not_understood(h, s->path, "a query failed: the schema "
				  "differs from what this plugin knows");
	if (!s->stop)
		sc_report(s);
	h->db_close(db);
	return 0;
}

#endif
