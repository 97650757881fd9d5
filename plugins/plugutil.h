/*
 * plugutil.h: small helpers the artifact plugins share, header-only
 * (plugins link nothing, not even each other): bounded string copies,
 * lookup tables, optional-column SQL.  Everything is bounded: a table
 * that would grow past its ceiling stops growing and says so.
 */
#ifndef SPOOR_PLUGUTIL_H
#define SPOOR_PLUGUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spoor-plugin.h"

#define PU_MAP_MAX ((size_t)8 << 20)	/* entries in one map */

/* A copy of at most max bytes of (p, n), NUL-terminated, or NULL. */
static inline char *pu_strndup(const char *p, size_t n, size_t max)
{
	char *s;

	if (!p)
		return NULL;
	if (n > max)
		n = max;
	s = malloc(n + 1);
	if (s) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

/* An open-addressing map from int64 ids (rowids) to a value slot. */
struct pu_imap {
	int64_t *keys;
	void **vals;
	unsigned char *used;
	size_t n, cap;
	bool full;
};

static inline size_t pu_ihash(int64_t k, size_t cap)
{
	uint64_t x = (uint64_t)k * 0x9e3779b97f4a7c15ull;

	return (size_t)(x >> 17) & (cap - 1);
}

static inline bool pu_imap_grow(struct pu_imap *m)
{
	struct pu_imap nm = { 0 };
	size_t cap = m->cap ? m->cap * 2 : 1024;

	nm.keys = calloc(cap, sizeof(*nm.keys));
	nm.vals = calloc(cap, sizeof(*nm.vals));
	nm.used = calloc(cap, 1);
	if (!nm.keys || !nm.vals || !nm.used) {
		free(nm.keys);
		free(nm.vals);
		free(nm.used);
		return false;
	}
	nm.cap = cap;
	for (size_t i = 0; i < m->cap; i++) {
		size_t j;

		if (!m->used[i])
			continue;
		for (j = pu_ihash(m->keys[i], cap); nm.used[j];
		     j = (j + 1) & (cap - 1))
			;
		nm.used[j] = 1;
		nm.keys[j] = m->keys[i];
		nm.vals[j] = m->vals[i];
	}
	nm.n = m->n;
	free(m->keys);
	free(m->vals);
	free(m->used);
	*m = nm;
	return true;
}

/* Put v under k (replacing).  False when full or out of memory. */
static inline bool pu_imap_put(struct pu_imap *m, int64_t k, void *v)
{
	size_t j;

	if ((m->n + 1) * 2 > m->cap) {
		if (m->n >= PU_MAP_MAX || !pu_imap_grow(m)) {
			m->full = true;
			return false;
		}
	}
	for (j = pu_ihash(k, m->cap); m->used[j]; j = (j + 1) & (m->cap - 1))
		if (m->keys[j] == k) {
			m->vals[j] = v;
			return true;
		}
	m->used[j] = 1;
	m->keys[j] = k;
	m->vals[j] = v;
	m->n++;
	return true;
}

static inline void *pu_imap_get(const struct pu_imap *m, int64_t k)
{
	if (!m->cap)
		return NULL;
	for (size_t j = pu_ihash(k, m->cap); m->used[j];
	     j = (j + 1) & (m->cap - 1))
		if (m->keys[j] == k)
			return m->vals[j];
	return NULL;
}

/* Release the map; free_val (may be NULL) is called on every value. */
static inline void pu_imap_free(struct pu_imap *m, void (*free_val)(void *))
{
	for (size_t i = 0; free_val && i < m->cap; i++)
		if (m->used[i])
			free_val(m->vals[i]);
	free(m->keys);
	free(m->vals);
	free(m->used);
	memset(m, 0, sizeof(*m));
}

/* FNV-1a: string keys go through the int map by hash, with the string
 * kept in the value to rule out collisions. */
static inline int64_t pu_strhash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (int64_t)(h & 0x7fffffffffffffffull);
}

/* "t.col" when the column exists, else "NULL": schema drift is normal
 * and a missing column is a null value, not a failed query. */
static inline const char *pu_col(const struct spoor_host *h,
				 struct spoor_db *db, const char *table,
				 const char *alias, const char *col,
				 char *buf, size_t size)
{
	if (!h->db_has_column(db, table, col))
		return "NULL";
	snprintf(buf, size, "%s.%s", alias, col);
	return buf;
}

/* Text of column i, or NULL; len set. */
static inline const char *pu_text(const struct spoor_host *h,
				  struct spoor_stmt *st, int i, size_t *len)
{
	size_t l = 0;
	const char *p = h->col_text(st, i, &l);

	if (len)
		*len = l;
	return p;
}

/*
 * A statement reading `table` in rowid order that goes on past rows
 * SQLite cannot read (ABI 1.2 prepare_rows: damaged pages, values over
 * the host's limit); sql selects the rowid first and holds ">= ?1".  On
 * an older host: a plain statement from the lowest rowid.
 */
static inline struct spoor_stmt *pu_prepare_rows(const struct spoor_host *h,
						 struct spoor_db *db,
						 const char *table,
						 const char *sql)
{
	struct spoor_stmt *st;

	if (SPOOR_HOST_HAS(h, prepare_rows))
		return h->prepare_rows(db, table, sql);
	st = h->prepare(db, sql);
	if (st)
		h->bind_int(st, 1, INT64_MIN);
	return st;
}

static inline bool pu_is_null(const struct spoor_host *h,
			      struct spoor_stmt *st, int i)
{
	return h->col_type(st, i) == SPOOR_SQL_NULL;
}

/* The directory part of an evidence path ("" for none) into buf. */
static inline void pu_dirname(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (n >= size)
		n = size - 1;
	memcpy(buf, path, n);
	buf[n] = '\0';
}

/* ---- added for whatsapp-ios, telegram-export, sms-backup-restore,
 * vcard ---- */

#define PU_COCOA_EPOCH 978307200	/* 2001-01-01T00:00:00Z in Unix s */

/*
 * An instant stored as Core Data seconds since 2001 (REAL): key as a
 * time, key_raw as the stored value in text (raw: caller's buffer of
 * at least 32 bytes, valid until the record is emitted), key_unit
 * "cocoa_s".  Values out of range (NaN, beyond +-1e11 s) stay null.
 */
static inline void pu_time_cocoa(struct spoor_record *r, const char *key,
				 const char *key_raw, const char *key_unit,
				 double v, bool have, char *raw)
{
	struct spoor_field *f = spoor_p_add(r, key, SPOOR_F_TIME);
	bool ok = have && v == v && v > -1e11 && v < 1e11;

	if (f) {
		double whole = ok ? (double)(int64_t)v : 0;

		if (ok && whole > v)
			whole -= 1;	/* floor for negative values */
		f->v.t.set = ok;
		f->v.t.sec = ok ? (int64_t)whole + PU_COCOA_EPOCH : 0;
		/* REAL seconds carry about 1 us at today's values */
		f->v.t.nsec = ok ? (uint32_t)((v - whole) * 1e6 + 0.5) * 1000u
			: 0;
		if (f->v.t.nsec > 999999000u)
			f->v.t.nsec = 999999000u;
	}
	if (have) {
		snprintf(raw, 32, "%.6f", v);
		spoor_p_str(r, key_raw, raw);
	} else {
		spoor_p_null(r, key_raw);
	}
	spoor_p_str(r, key_unit, "cocoa_s");
}

/* A phone field by the one naming rule: key ("sender_phone") holds the
 * E.164 number, key_valid / key_why say why a number-like value is not
 * one.  The key must be one of the literals below. */
static inline void pu_phone(struct spoor_record *r, const char *key,
			    const struct spoor_phone *ph)
{
	static const char *const k[][3] = {
		{ "phone", "phone_valid", "phone_why" },
		{ "sender_phone", "sender_phone_valid", "sender_phone_why" },
		{ "recipient_phone", "recipient_phone_valid",
		  "recipient_phone_why" },
	};

	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (!strcmp(key, k[i][0])) {
			spoor_p_phone(r, k[i][0], k[i][1], k[i][2], ph);
			return;
		}
	spoor_p_str(r, key, ph->e164[0] ? ph->e164 : NULL);
}

/* True when the host has the ABI 1.2 helpers (local_time, phone); else
 * says so: a plugin built against 1.2 cannot run on an older host. */
static inline bool pu_host_1_2(const struct spoor_host *h)
{
	if (SPOOR_HOST_HAS(h, local_time) && SPOOR_HOST_HAS(h, phone))
		return true;
	h->log(h, SPOOR_LOG_ERROR, "this plugin needs a host of plugin ABI "
	       "1.2 or later");
	return false;
}

/* A growing byte buffer, bounded: appends past max set `full`. */
struct pu_buf {
	char *p;
	size_t len, cap, max;
	bool full;
};

static inline bool pu_buf_add(struct pu_buf *b, const char *s, size_t n)
{
	if (b->full || n > b->max - b->len) {
		b->full = true;
		return false;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *np;

		while (cap < b->len + n + 1)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np) {
			b->full = true;
			return false;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return true;
}

static inline void pu_buf_free(struct pu_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->full = false;
}

/* ---- one table, row by row: the shape of every SQL plugin ---- */

/*
 * What pu_select_each reads: the query
 *
 *	SELECT a.ROWID, a.COL..., EXTRA FROM "TABLE" a JOIN
 *	[WHERE a.ROWID >= ?1 AND] [WHERE] ORDER BY a.ROWID
 *
 * (a the alias, ROWID the table's rowid column).  A column of cols that
 * the table lacks is selected as NULL: schema drift is normal, and a
 * missing column is a null value, not a failed query.
 */
struct pu_select {
	const char *table;	/* the table read: each row's provenance */
	const char *alias;	/* its alias in the query ("m") */
	const char *rowid;	/* its rowid column ("_id", "Z_PK", "ROWID") */
	const char *const *cols;	/* columns of table, NULL-ended, or
					 * NULL for none */
	const char *extra;	/* select expressions after cols (joined
				 * tables, subqueries), or NULL */
	const char *join;	/* joins after the table, or NULL */
	const char *where;	/* a condition on the rows, or NULL */
	bool rows;		/* read on past rows SQLite cannot read
				 * (pu_prepare_rows, ABI 1.2) */
};

/*
 * Called for each row.  Column 0 is the rowid, cols[i] is column i + 1,
 * the expressions of extra follow.  prov holds the table and rowid, and
 * recovered_from "wal" when only the WAL has the row (the plugin may
 * change it).  Non-zero: stop reading (emit said stop).
 */
typedef int (*pu_row_fn)(const struct spoor_host *h, struct spoor_stmt *st,
			 struct spoor_prov *prov, void *ctx);

#define PU_SQL_MAX 16384	/* bytes of a query pu_select_each builds */

/* The query of q into b; false when it does not fit. */
static inline bool pu_select_sql(const struct spoor_host *h,
				 struct spoor_db *db,
				 const struct pu_select *q, struct pu_buf *b)
{
	char part[512];

	b->max = PU_SQL_MAX;
	snprintf(part, sizeof(part), "SELECT %s.%s", q->alias, q->rowid);
	pu_buf_add(b, part, strlen(part));
	for (const char *const *c = q->cols; c && *c; c++) {
		if (h->db_has_column(db, q->table, *c))
			snprintf(part, sizeof(part), ", %s.%s", q->alias, *c);
		else
			snprintf(part, sizeof(part), ", NULL");
		pu_buf_add(b, part, strlen(part));
	}
	if (q->extra) {
		pu_buf_add(b, ", ", 2);
		pu_buf_add(b, q->extra, strlen(q->extra));
	}
	snprintf(part, sizeof(part), " FROM \"%s\" %s ", q->table, q->alias);
	pu_buf_add(b, part, strlen(part));
	if (q->join)
		pu_buf_add(b, q->join, strlen(q->join));
	if (q->rows) {
		snprintf(part, sizeof(part), " WHERE %s.%s >= ?1", q->alias,
			 q->rowid);
		pu_buf_add(b, part, strlen(part));
	}
	if (q->where) {
		pu_buf_add(b, q->rows ? " AND (" : " WHERE (", q->rows ? 6 : 8);
		pu_buf_add(b, q->where, strlen(q->where));
		pu_buf_add(b, ")", 1);
	}
	snprintf(part, sizeof(part), " ORDER BY %s.%s", q->alias, q->rowid);
	pu_buf_add(b, part, strlen(part));
	return !b->full && b->p;
}

/*
 * Read q's rows in rowid order and call fn on each: 0 when the rows were
 * read (or fn said stop), -1 when the query could not be prepared (the
 * host logged why), -2 when reading failed after some rows.  The caller
 * says "not understood".
 */
static inline int pu_select_each(const struct spoor_host *h,
				 struct spoor_db *db,
				 const struct pu_select *q, pu_row_fn fn,
				 void *ctx)
{
	struct pu_buf b = { 0 };
	struct spoor_stmt *st;
	int rc;

	if (!pu_select_sql(h, db, q, &b)) {
		h->log(h, SPOOR_LOG_ERROR, "query on '%s' too long", q->table);
		pu_buf_free(&b);
		return -1;
	}
	st = q->rows ? pu_prepare_rows(h, db, q->table, b.p)
		: h->prepare(db, b.p);
	pu_buf_free(&b);
	if (!st)
		return -1;
	while ((rc = h->step(st)) == 1) {
		struct spoor_prov prov = { NULL, q->table, h->col_int(st, 0),
					   -1, NULL };

		if (h->db_wal_only(db, q->table, prov.rowid))
			prov.recovered_from = "wal";
		if (fn(h, st, &prov, ctx))
			break;
	}
	h->finalize(st);
	return rc < 0 ? -2 : 0;
}

/* ---- added for the phone app plugins (snapchat, instagram, tiktok,
 * discord, telegram) ---- */

/*
 * An instant from an integer in units of 1/div second since 1970 (div 1,
 * 1000, 1000000: unix_s, unix_ms, unix_us): key, key_raw (the stored
 * integer) and key_unit.  Zero, negative and absent values are no time;
 * the raw value is still kept.
 */
static inline void pu_time_div(struct spoor_record *r, const char *key,
			       const char *key_raw, const char *key_unit,
			       int64_t raw, bool have, int64_t div,
			       const char *unit)
{
	struct spoor_field *f;

	/* seconds and milliseconds are spoor_p_time's own units */
	if ((div == 1 && !strcmp(unit, "unix_s")) ||
	    (div == 1000 && !strcmp(unit, "unix_ms"))) {
		spoor_p_time(r, key, key_raw, key_unit, raw, have, unit);
		return;
	}
	f = spoor_p_add(r, key, SPOOR_F_TIME);
	if (f) {
		f->v.t.set = have && raw > 0;
		f->v.t.sec = f->v.t.set ? raw / div : 0;
		f->v.t.nsec = f->v.t.set ? (uint32_t)((raw % div) *
						      (1000000000 / div)) : 0;
	}
	if (have)
		spoor_p_int(r, key_raw, raw);
	else
		spoor_p_null(r, key_raw);
	spoor_p_str(r, key_unit, unit);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil). */
static inline int64_t pu_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Digits at s[*i..]: exactly n of them, into *v. */
static inline bool pu_digits(const char *s, size_t len, size_t *i, int n,
			     int *v)
{
	*v = 0;
	for (int k = 0; k < n; k++, (*i)++) {
		if (*i >= len || s[*i] < '0' || s[*i] > '9')
			return false;
		*v = *v * 10 + (s[*i] - '0');
	}
	return true;
}

/*
 * An ISO 8601 instant with its offset, "2024-03-14T20:07:41.123+00:00"
 * or "...Z" (the form of the Discord API): UTC seconds and nanoseconds.
 * False for anything else, a time without an offset included (a local
 * reading is no instant).
 */
static inline bool pu_iso8601(const char *s, size_t len, int64_t *sec,
			      uint32_t *nsec)
{
	int y, mo, d, h, mi, se, oh = 0, om = 0, sign = 0;
	size_t i = 0;
	uint32_t frac = 0, scale = 100000000;

	if (!s || !pu_digits(s, len, &i, 4, &y) || i >= len || s[i++] != '-' ||
	    !pu_digits(s, len, &i, 2, &mo) || i >= len || s[i++] != '-' ||
	    !pu_digits(s, len, &i, 2, &d) || i >= len ||
	    (s[i] != 'T' && s[i] != ' ') || !(++i) ||
	    !pu_digits(s, len, &i, 2, &h) || i >= len || s[i++] != ':' ||
	    !pu_digits(s, len, &i, 2, &mi) || i >= len || s[i++] != ':' ||
	    !pu_digits(s, len, &i, 2, &se))
		return false;
	if (i < len && s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
			frac += (uint32_t)(s[i] - '0') * scale;
			scale /= 10;
		}
	}
	if (i < len && s[i] == 'Z') {
		i++;
	} else if (i < len && (s[i] == '+' || s[i] == '-')) {
		sign = s[i++] == '-' ? -1 : 1;
		if (!pu_digits(s, len, &i, 2, &oh) ||
		    (i < len && s[i] == ':' && !(++i)) ||
		    !pu_digits(s, len, &i, 2, &om))
			return false;
	} else {
		return false;
	}
	if (i != len || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || se > 60 || oh > 14 || om > 59)
		return false;
	*sec = pu_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
		se - sign * (oh * 3600 + om * 60);
	*nsec = frac;
	return true;
}

/* An ISO 8601 instant as key (null when it does not read as one), the
 * text as key_raw, key_unit "iso8601". */
static inline void pu_time_iso(struct spoor_record *r, const char *key,
			       const char *key_raw, const char *key_unit,
			       const char *s, size_t len)
{
	struct spoor_field *f = spoor_p_add(r, key, SPOOR_F_TIME);
	int64_t sec = 0;
	uint32_t nsec = 0;
	bool ok = pu_iso8601(s, len, &sec, &nsec);

	if (f) {
		f->v.t.set = ok;
		f->v.t.sec = sec;
		f->v.t.nsec = nsec;
	}
	spoor_p_bytes(r, key_raw, s, len);
	spoor_p_str(r, key_unit, s ? "iso8601" : NULL);
}

/*
 * An instant from REAL (or integer) seconds since 1970: key, key_raw
 * as text (raw: the caller's 32 bytes, alive until the emit), key_unit
 * "unix_s".  Values out of range stay null.
 */
static inline void pu_time_unix_real(struct spoor_record *r,
				     const char *key, const char *key_raw,
				     const char *key_unit, double v,
				     bool have, char *raw)
{
	struct spoor_field *f = spoor_p_add(r, key, SPOOR_F_TIME);
	bool ok = have && v == v && v > 0 && v < 1e11;

	if (f) {
		double whole = ok ? (double)(int64_t)v : 0;

		f->v.t.set = ok;
		f->v.t.sec = ok ? (int64_t)whole : 0;
		f->v.t.nsec = ok ? (uint32_t)((v - whole) * 1e6 + 0.5) * 1000u
			: 0;
		if (f->v.t.nsec > 999999000u)
			f->v.t.nsec = 999999000u;
	}
	if (have) {
		snprintf(raw, 32, "%.6f", v);
		spoor_p_str(r, key_raw, raw);
	} else {
		spoor_p_null(r, key_raw);
	}
	spoor_p_str(r, key_unit, "unix_s");
}

/* direction and from_me from "is it the owner's": 1, 0, -1 unknown
 * (then from_me is null: never guessed). */
static inline void pu_direction(struct spoor_record *r, int mine)
{
	spoor_p_str(r, "direction", mine < 0 ? "unknown" : mine ? "outgoing"
		    : "incoming");
	if (mine < 0)
		spoor_p_null(r, "from_me");
	else
		spoor_p_bool(r, "from_me", mine);
}

/*
 * A value of an Android SharedPreferences file (shared_prefs/NAME.xml):
 * <string name="KEY">text</string>, or <long|int|boolean name="KEY"
 * value="v" />, the XML entities of the text decoded (&amp; &lt; &gt;
 * &quot; &apos; &#N; &#xN; as UTF-8).  True with out NUL-ended (cut at
 * size - 1 bytes, then *cut); false when the key is not there.  The
 * file is hostile: a scan bounded by len, no allocation.
 */
static inline size_t pu_utf8_put(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp >= 0xd800 && cp < 0xe000)
		cp = 0xfffd;
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	if (cp > 0x10ffff)
		return pu_utf8_put(o, 0xfffd);
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static inline void pu_xml_text(const char *p, size_t n, char *out,
			       size_t size, bool *cut)
{
	size_t o = 0;

	for (size_t i = 0; i < n;) {
		char tmp[4];
		size_t k = 1;

		tmp[0] = p[i];
		if (p[i] == '&') {
			const char *semi = memchr(p + i, ';',
						  n - i < 12 ? n - i : 12);
			size_t el = semi ? (size_t)(semi - (p + i)) + 1 : 0;

			if (el == 5 && !memcmp(p + i, "&amp;", 5))
				tmp[0] = '&';
			else if (el == 4 && !memcmp(p + i, "&lt;", 4))
				tmp[0] = '<';
			else if (el == 4 && !memcmp(p + i, "&gt;", 4))
				tmp[0] = '>';
			else if (el == 6 && !memcmp(p + i, "&quot;", 6))
				tmp[0] = '"';
			else if (el == 6 && !memcmp(p + i, "&apos;", 6))
				tmp[0] = '\'';
			else if (el > 3 && p[i + 1] == '#') {
				uint32_t cp = 0;
				bool hex = p[i + 2] == 'x' || p[i + 2] == 'X';

				for (size_t j = i + 2 + hex; j < i + el - 1;
				     j++) {
					int dv = p[j] >= '0' && p[j] <= '9' ?
						p[j] - '0' : hex && (p[j] | 32)
						>= 'a' && (p[j] | 32) <= 'f' ?
						(p[j] | 32) - 'a' + 10 : -1;

					if (dv < 0 || cp > 0x10ffff) {
						cp = 0xfffd;
						break;
					}
					cp = cp * (hex ? 16 : 10) +
						(uint32_t)dv;
				}
				k = pu_utf8_put(tmp, cp ? cp : 0xfffd);
			} else {
				el = 0;
			}
			if (el) {
				i += el;
				goto put;
			}
		}
		i++;
put:
		if (o + k >= size) {
			*cut = true;
			break;
		}
		memcpy(out + o, tmp, k);
		o += k;
	}
	out[o] = '\0';
}

static inline bool pu_prefs_get(const char *buf, size_t len,
				const char *key, char *out, size_t size,
				bool *cut)
{
	char pat[300];
	size_t pl;
	const char *p = buf, *end = buf + len;

	*cut = false;
	if (!size)
		return false;
	out[0] = '\0';
	pl = (size_t)snprintf(pat, sizeof(pat), "name=\"%s\"", key);
	if (pl >= sizeof(pat))
		return false;
	while (p < end && (p = memmem(p, (size_t)(end - p), pat, pl))) {
		const char *lt = p, *gt, *v;

		/* the tag this attribute belongs to */
		while (lt > buf && *lt != '<' && *lt != '>')
			lt--;
		p += pl;
		if (*lt != '<')
			continue;
		gt = memchr(p, '>', (size_t)(end - p));
		if (!gt)
			return false;
		v = memmem(p, (size_t)(gt - p), "value=\"", 7);
		if (v) {		/* <long name="k" value="v" /> */
			const char *q;

			v += 7;
			q = memchr(v, '"', (size_t)(gt - v));
			if (!q)
				return false;
			pu_xml_text(v, (size_t)(q - v), out, size, cut);
			return true;
		}
		if (gt[-1] == '/')	/* <string name="k" /> */
			return true;
		v = gt + 1;
		gt = memmem(v, (size_t)(end - v), "</", 2);
		if (!gt)
			return false;
		pu_xml_text(v, (size_t)(gt - v), out, size, cut);
		return true;
	}
	return false;
}

/* Base64 (standard or URL alphabet, padding and whitespace optional)
 * into out: the byte count, or -1 on a bad character or overflow. */
static inline long pu_base64(const char *in, size_t n, unsigned char *out,
			     size_t max)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		int v;

		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '+' || c == '-')
			v = 62;
		else if (c == '/' || c == '_')
			v = 63;
		else if (c == '=' || c == ' ' || c == '\n' || c == '\r' ||
			 c == '\t')
			continue;
		else
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == max)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	return (long)o;
}

/* Participants of a conversation record: a bounded list of
 * {id, username, name, owner} sub-records; strings must outlive the
 * emit (the caller's). */
#define PU_PART_MAX 64

struct pu_parts {
	struct spoor_record item[PU_PART_MAX];
	size_t n, total;
};

static inline void pu_parts_add(struct pu_parts *c, const char *id,
				const char *username, const char *name,
				int owner)
{
	struct spoor_record *it;

	c->total++;
	if (c->n == PU_PART_MAX)
		return;
	it = &c->item[c->n++];
	spoor_p_init(it, "participant");
	spoor_p_str(it, "id", id);
	spoor_p_str(it, "username", username);
	spoor_p_str(it, "name", name);
	if (owner < 0)
		spoor_p_null(it, "owner");
	else
		spoor_p_bool(it, "owner", owner);
}

static inline void pu_parts_fields(struct spoor_record *r,
				   const struct pu_parts *c)
{
	spoor_p_list(r, "participants", c->item, c->n);
	spoor_p_int(r, "participant_count", (int64_t)c->total);
}

/* A string map keyed by text (ids to names): values are the caller's
 * (freed with pu_smap_free's callback). */
struct pu_smap {
	struct pu_imap m;
};

struct pu_sent {
	char *key;
	void *val;
};

static inline bool pu_smap_put(struct pu_smap *s, const char *key,
			       size_t klen, void *val)
{
	struct pu_sent *e;
	char *k = pu_strndup(key, klen, 1024);
	int64_t h;

	if (!k)
		return false;
	h = pu_strhash(k);
	/* a colliding or repeated key: the first one stays */
	if (pu_imap_get(&s->m, h)) {
		free(k);
		return false;
	}
	e = malloc(sizeof(*e));
	if (!e) {
		free(k);
		return false;
	}
	e->key = k;
	e->val = val;
	if (!pu_imap_put(&s->m, h, e)) {
		free(k);
		free(e);
		return false;
	}
	return true;
}

static inline void *pu_smap_get(const struct pu_smap *s, const char *key,
				size_t klen)
{
	char buf[1025];
	struct pu_sent *e;

	if (!key || klen > 1024)
		return NULL;
	memcpy(buf, key, klen);
	buf[klen] = '\0';
	e = pu_imap_get(&s->m, pu_strhash(buf));
	return e && !strcmp(e->key, buf) ? e->val : NULL;
}

static inline void pu_smap_free(struct pu_smap *s, void (*free_val)(void *))
{
	for (size_t i = 0; i < s->m.cap; i++) {
		struct pu_sent *e;

		if (!s->m.used[i])
			continue;
		e = s->m.vals[i];
		if (free_val)
			free_val(e->val);
		free(e->key);
		free(e);
	}
	pu_imap_free(&s->m, NULL);
}

#endif
