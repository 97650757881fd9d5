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

#endif
