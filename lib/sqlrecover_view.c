/*
 * sqlrecover_view.c: deleted rows for every SQL plugin, through the
 * host.  The page scan (sqlrecover.c) finds records in the private copy
 * of a database; here they are checked against the live rows, made
 * unique, and put in TEMP tables of a connection of their own that
 * shadow the wanted tables, so that the plugin's unchanged queries read
 * them in a second run.  Tables the plugin does not recover keep their
 * live rows (names, chats, contacts to join with); SQLite resolves an
 * unqualified table name to TEMP first.
 *
 * A recovered row identical to a live row (or to a row the first run
 * already emitted as recovered_from "main") is left out; one with a
 * live row's rowid and other values is kept and marked an earlier
 * version, and gets a rowid of its own in the view (a negative one, as
 * do rows whose rowid was overwritten) so that no live row's data is
 * joined to it by rowid.  Values that were lost stay NULL in the view
 * and are named in the record's provenance.
 */
#include "sqlrecover.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "banned.h"

#define VIEW_MAX_BYTES ((size_t)256 << 20)	/* recovered values kept */
#define VIEW_MAX_ROWS ((size_t)4 << 20)		/* recovered rows kept */
#define VIEW_MAX_TABLES 4096
#define VIEW_MAX_CHECKS 4096	/* partial rows without a rowid checked
				 * against the live rows by a query */
#define VIEW_OPS ((uint64_t)200 << 20)	/* SQLite VM steps, + per byte */
#define VIEW_OPS_PER_BYTE 200
#define SEEN_MAX ((size_t)16 << 20)
#define SEEN_TABLES 64

/* ---- what the first run emitted ---- */

/*
 * One entry per record the first run emitted from a table: appended in
 * emit order (no hashing), sorted once by (table, rowid) when a second
 * run needs to look things up.
 */
struct seen_ent {
	int64_t rowid;
	uint64_t hash;
	uint32_t table;			/* index + 1 */
	bool main;
};

struct sqlrec_seen {
	char *tables[SEEN_TABLES + 1];
	size_t nt;
	struct seen_ent *e;
	size_t n, cap;
	bool sorted;
};

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

struct sqlrec_seen *sqlrec_seen_new(void)
{
	struct sqlrec_seen *s = calloc(1, sizeof(struct sqlrec_seen));

	if (s)
		s->sorted = true;
	return s;
}

void sqlrec_seen_free(struct sqlrec_seen *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nt; i++)
		free(s->tables[i]);
	free(s->e);
	free(s);
}

static uint32_t seen_table(const struct sqlrec_seen *s, const char *table)
{
	for (size_t i = 0; i < s->nt; i++)
		if (!strcmp(s->tables[i], table))
			return (uint32_t)i + 1;
	return 0;
}

void sqlrec_seen_add(struct sqlrec_seen *s, const char *table, int64_t rowid,
		     uint64_t hash, bool main)
{
	struct seen_ent *e;
	uint32_t t;

	if (!s || !table)
		return;
	t = seen_table(s, table);
	if (!t) {
		if (s->nt == SEEN_TABLES || !(s->tables[s->nt] = strdup(table)))
			return;
		t = (uint32_t)++s->nt;
	}
	if (s->n >= SEEN_MAX || spoor_grow(&s->e, &s->cap, s->n,
					   sizeof(*s->e)))
		return;		/* full: later records are not noted */
	e = &s->e[s->n++];
	e->rowid = rowid;
	e->hash = hash;
	e->table = t;
	e->main = main;
	if (s->n > 1 && (e[-1].table > t || (e[-1].table == t &&
					     e[-1].rowid > rowid)))
		s->sorted = false;
}

static int cmp_seen(const void *x, const void *y)
{
	const struct seen_ent *a = x, *b = y;

	if (a->table != b->table)
		return a->table < b->table ? -1 : 1;
	return a->rowid < b->rowid ? -1 : a->rowid > b->rowid;
}

/* Sort for lookups (plugins mostly emit in rowid order: then free). */
static void seen_sort(struct sqlrec_seen *s)
{
	if (!s->sorted && s->n)
		qsort(s->e, s->n, sizeof(*s->e), cmp_seen);
	s->sorted = true;
}

/* The first entry for (table, rowid), or NULL; the others follow it. */
static const struct seen_ent *seen_get(const struct sqlrec_seen *s,
				       const char *table, int64_t rowid)
{
	struct seen_ent key = { rowid, 0, 0, false };
	const struct seen_ent *e;

	if (!s || !s->n || !(key.table = seen_table(s, table)))
		return NULL;
	seen_sort((struct sqlrec_seen *)s);
	e = bsearch(&key, s->e, s->n, sizeof(*s->e), cmp_seen);
	while (e && e > s->e && !cmp_seen(e - 1, &key))
		e--;
	return e;
}

/* Whether the first run emitted (table, rowid) as recovered_from main. */
static bool seen_main(const struct sqlrec_seen *s, const char *table,
		      int64_t rowid)
{
	const struct seen_ent *e = seen_get(s, table, rowid);
	uint32_t t = e ? e->table : 0;

	for (; e && e < s->e + s->n && e->rowid == rowid && e->table == t;
	     e++)
		if (e->main)
			return true;
	return false;
}

uint64_t sqlrec_seen_hash(const struct sqlrec_seen *s, const char *table,
			  int64_t rowid)
{
	const struct seen_ent *e = seen_get(s, table, rowid);

	return e ? e->hash : 0;
}

const char *const *sqlrec_seen_tables(const struct sqlrec_seen *s)
{
	return (const char *const *)s->tables;
}

/* ---- values ---- */

/* A value to compare: from a recovered record or from SQLite. */
struct vref {
	int type;			/* SPOOR_SQLREC_T_* */
	int64_t i;
	double d;
	const unsigned char *p;
	size_t len;
};

/* A recovered value, small: a database gives millions of them.  Text
 * and blob bytes are in the view's arena (at off), a default's in its
 * table's dflt_bytes. */
struct cval {
	uint8_t type;
	bool lost, absent;
	uint32_t len;			/* < VIEW_MAX_BYTES */
	union {
		int64_t i;
		double d;
		uint64_t off;
	} u;
};

/* A recovered row. */
struct crow {
	uint32_t table;
	struct sqlrec_origin o;
	size_t vals;			/* first of its values in v->cv */
	uint64_t hash;			/* of its values, lost ones marked */
	size_t next;			/* next kept row, same hash, + 1 */
	bool kept;			/* in the view */
};

struct imap {				/* int64 -> size_t, open addressing */
	int64_t *k;
	size_t *v;
	unsigned char *used;
	size_t n, cap;
};

struct lkey {				/* a live row's values, hashed */
	uint64_t hash;
	int64_t rowid;
	bool main;			/* from the main file (q->imm) */
};

struct vtab {
	char *name;
	uint32_t root;
	size_t ncols;
	struct spoor_sqlrec_column *cols;
	char (*aff);			/* per column: I R T B N */
	struct cval *dflt;		/* per column default */
	unsigned char **dflt_bytes;
	bool *dflt_unknown;
	int alias;
	int64_t max_rowid;		/* see spoor_sqlrec_table */
	bool wanted, created;
	sqlite3_stmt *live, *imm, *ins;
	struct lkey *keys;
	size_t nkeys;
	int keys_state;			/* 0 not built, 1 built, -1 failed */
	int64_t next_neg;
	struct imap rowids;		/* view rowid -> accepted row + 1 */
};

struct sqlrec_view {
	sqlite3 *db, *imm;
	struct vtab *t;
	size_t nt;
	struct spoor_sqlrec_table *st;	/* for the page scan */
	struct cval *cv;
	size_t ncv, capcv;
	unsigned char *bytes;
	size_t nbytes, capbytes;
	struct crow *rows;
	size_t nrows, caprows;
	struct imap byhash;		/* content hash -> accepted row + 1 */
	char **lost;			/* the strings origins point at */
	size_t nlost, caplost;
	const struct sqlrec_seen *seen;
	struct sqlrec_view_stats *stats;
	uint64_t ops_left;
	size_t checks;
	uint64_t cover_left;		/* row comparisons for partial rows */
};

static size_t imap_slot(const struct imap *m, int64_t k)
{
	size_t i = (size_t)mix((uint64_t)k) & (m->cap - 1);

	while (m->used[i] && m->k[i] != k)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static bool imap_put(struct imap *m, int64_t k, size_t v)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct imap nm = { 0 };

		nm.cap = m->cap ? m->cap * 2 : 64;
		nm.k = calloc(nm.cap, sizeof(*nm.k));
		nm.v = calloc(nm.cap, sizeof(*nm.v));
		nm.used = calloc(nm.cap, 1);
		if (!nm.k || !nm.v || !nm.used) {
			free(nm.k);
			free(nm.v);
			free(nm.used);
			return false;
		}
		for (size_t j = 0; j < m->cap; j++) {
			if (!m->used[j])
				continue;
			i = imap_slot(&nm, m->k[j]);
			nm.used[i] = 1;
			nm.k[i] = m->k[j];
			nm.v[i] = m->v[j];
		}
		nm.n = m->n;
		free(m->k);
		free(m->v);
		free(m->used);
		*m = nm;
	}
	i = imap_slot(m, k);
	if (!m->used[i])
		m->n++;
	m->used[i] = 1;
	m->k[i] = k;
	m->v[i] = v;
	return true;
}

static size_t imap_get(const struct imap *m, int64_t k)
{
	size_t i;

	if (!m->cap)
		return 0;
	i = imap_slot(m, k);
	return m->used[i] ? m->v[i] : 0;
}

static void imap_free(struct imap *m)
{
	free(m->k);
	free(m->v);
	free(m->used);
	memset(m, 0, sizeof(*m));
}

/* SQLite's affinity of a declared type (datatype3.html 3.1). */
static char affinity(const char *type)
{
	if (strcasestr(type, "INT"))
		return 'I';
	if (strcasestr(type, "CHAR") || strcasestr(type, "CLOB") ||
	    strcasestr(type, "TEXT"))
		return 'T';
	if (!*type || strcasestr(type, "BLOB"))
		return 'B';
	if (strcasestr(type, "REAL") || strcasestr(type, "FLOA") ||
	    strcasestr(type, "DOUB"))
		return 'R';
	return 'N';
}

static const char *aff_name(char a)
{
	switch (a) {
	case 'I': return "INTEGER";
	case 'T': return "TEXT";
	case 'R': return "REAL";
	case 'N': return "NUMERIC";
	default: return "BLOB";
	}
}

/* A REAL column gives integers stored as such back as REAL. */
static void canon(struct vref *x, char aff)
{
	if (aff == 'R' && x->type == SPOOR_SQLREC_T_INT) {
		x->type = SPOOR_SQLREC_T_FLOAT;
		x->d = (double)x->i;
	}
}

static bool same(const struct vref *a, const struct vref *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case SPOOR_SQLREC_T_INT:
		return a->i == b->i;
	case SPOOR_SQLREC_T_FLOAT:
		return a->d == b->d;
	case SPOOR_SQLREC_T_TEXT:
	case SPOOR_SQLREC_T_BLOB:
		return a->len == b->len && (!a->len ||
					    !memcmp(a->p, b->p, a->len));
	default:
		return true;
	}
}

/* A 64-bit hash, 8 bytes at a time (millions of rows go through it). */
static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t w;

	for (; n >= 8; n -= 8, b += 8) {
		memcpy(&w, b, 8);
		h = mix(h ^ w) + 0x9e3779b97f4a7c15ull;
	}
	w = 0;
	memcpy(&w, b, n);
	return mix(h ^ w ^ ((uint64_t)n << 56));
}

/* A value into hash h: one mix for a number, the bytes for text. */
static uint64_t hash_ref(uint64_t h, const struct vref *x)
{
	uint64_t w;

	switch (x->type) {
	case SPOOR_SQLREC_T_INT:
		return mix((h ^ (uint64_t)x->i) + 0x9e3779b97f4a7c15ull);
	case SPOOR_SQLREC_T_FLOAT:
		memcpy(&w, &x->d, sizeof(w));
		return mix((h ^ w) + 0xc2b2ae3d27d4eb4full);
	case SPOOR_SQLREC_T_TEXT:
	case SPOOR_SQLREC_T_BLOB:
		return hash_bytes(h + x->len * 2 + (uint64_t)x->type, x->p,
				  x->len);
	default:
		return mix(h + 0x165667b19e3779f9ull);
	}
}

static struct vref col_ref(sqlite3_stmt *st, int i)
{
	struct vref x = { 0 };

	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER:
		x.type = SPOOR_SQLREC_T_INT;
		x.i = sqlite3_column_int64(st, i);
		break;
	case SQLITE_FLOAT:
		x.type = SPOOR_SQLREC_T_FLOAT;
		x.d = sqlite3_column_double(st, i);
		break;
	case SQLITE_TEXT:
		x.type = SPOOR_SQLREC_T_TEXT;
		x.p = sqlite3_column_text(st, i);
		x.len = (size_t)sqlite3_column_bytes(st, i);
		break;
	case SQLITE_BLOB:
		x.type = SPOOR_SQLREC_T_BLOB;
		x.p = sqlite3_column_blob(st, i);
		x.len = (size_t)sqlite3_column_bytes(st, i);
		break;
	default:
		x.type = SPOOR_SQLREC_T_NULL;
		break;
	}
	return x;
}

/*
 * Value j of row r as SQLite would show it: an absent value is the
 * column's default.  False when it is not known (lost, or a default
 * that could not be evaluated).
 */
static bool row_ref(const struct sqlrec_view *v, const struct crow *r,
		    size_t j, struct vref *x)
{
	const struct vtab *t = &v->t[r->table];
	const struct cval *c = &v->cv[r->vals + j];

	const unsigned char *bytes = v->bytes + c->u.off;

	memset(x, 0, sizeof(*x));
	if (c->lost)
		return false;
	if (c->absent) {
		if (t->dflt_unknown[j])
			return false;
		c = &t->dflt[j];
		bytes = t->dflt_bytes[j];
	}
	x->type = c->type;
	x->len = c->len;
	if (c->type == SPOOR_SQLREC_T_INT)
		x->i = c->u.i;
	else if (c->type == SPOOR_SQLREC_T_FLOAT)
		x->d = c->u.d;
	else if (c->type == SPOOR_SQLREC_T_TEXT ||
		 c->type == SPOOR_SQLREC_T_BLOB)
		x->p = bytes;
	canon(x, t->aff[j]);
	return true;
}

/* The hash of a row's values but the rowid alias: lost ones marked. */
static uint64_t row_hash(const struct sqlrec_view *v, const struct crow *r)
{
	const struct vtab *t = &v->t[r->table];
	uint64_t h = 1469598103934665603ull;

	for (size_t j = 0; j < t->ncols; j++) {
		struct vref x;

		if ((int)j == t->alias)
			continue;
		if (row_ref(v, r, j, &x)) {
			h = hash_ref(h, &x);
		} else {
			unsigned char m = 0xff;

			h = hash_bytes(h, &m, 1);
		}
	}
	return h;
}

/* The same hash of a live row (every value known). */
static uint64_t live_hash(const struct vtab *t, sqlite3_stmt *st)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t j = 0; j < t->ncols; j++) {
		struct vref x;

		if ((int)j == t->alias)
			continue;
		x = col_ref(st, (int)j);
		canon(&x, t->aff[j]);
		h = hash_ref(h, &x);
	}
	return h;
}

/* Whether every value of r that is known equals the live row at st. */
static bool same_as_live(const struct sqlrec_view *v, const struct crow *r,
			 sqlite3_stmt *st)
{
	const struct vtab *t = &v->t[r->table];

	for (size_t j = 0; j < t->ncols; j++) {
		struct vref a, b;

		if ((int)j == t->alias || !row_ref(v, r, j, &a))
			continue;
		b = col_ref(st, (int)j);
		canon(&b, t->aff[j]);
		if (!same(&a, &b))
			return false;
	}
	return true;
}

/* Whether rows a and b hold the same values, lost ones alike. */
static bool same_rows(const struct sqlrec_view *v, const struct crow *a,
		      const struct crow *b)
{
	const struct vtab *t = &v->t[a->table];

	if (a->table != b->table)
		return false;
	for (size_t j = 0; j < t->ncols; j++) {
		struct vref x, y;
		bool kx, ky;

		if ((int)j == t->alias)
			continue;
		kx = row_ref(v, a, j, &x);
		ky = row_ref(v, b, j, &y);
		if (kx != ky || (kx && !same(&x, &y)))
			return false;
	}
	return true;
}

/* Whether every known value of a equals b's (b may know more). */
static bool covered_by(const struct sqlrec_view *v, const struct crow *a,
		       const struct crow *b)
{
	const struct vtab *t = &v->t[a->table];

	if (a->table != b->table)
		return false;
	for (size_t j = 0; j < t->ncols; j++) {
		struct vref x, y;

		if ((int)j == t->alias || !row_ref(v, a, j, &x))
			continue;
		if (!row_ref(v, b, j, &y) || !same(&x, &y))
			return false;
	}
	return true;
}

/* ---- the schema ---- */

static int over_budget(void *ud)
{
	struct sqlrec_view *v = ud;

	if (v->ops_left < 1000)
		return 1;
	v->ops_left -= 1000;
	return 0;
}

static char *dup_text(sqlite3_stmt *st, int i)
{
	const unsigned char *p = sqlite3_column_text(st, i);

	return strdup(p ? (const char *)p : "");
}

/*
 * A column's default as SQLite shows it for a record that is shorter
 * than the table: the expression as the schema wrote it, evaluated
 * once (a constant, or the schema would not have been accepted; one
 * statement only, under the view's budget).
 */
static void eval_default(struct sqlrec_view *v, struct vtab *t, size_t j,
			 const char *expr)
{
	struct sbuf sql = SBUF_INIT;
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	struct vref x;

	t->dflt_unknown[j] = false;
	if (!expr)
		return;		/* NULL */
	t->dflt_unknown[j] = true;
	sbuf_addf(&sql, "SELECT (%s)", expr);
	if (sql.failed || sqlite3_prepare_v2(v->db, sbuf_str(&sql), -1, &st,
					     &tail) != SQLITE_OK ||
	    (tail && *tail) || sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		sbuf_release(&sql);
		return;
	}
	x = col_ref(st, 0);
	t->dflt[j].type = (uint8_t)x.type;
	if (x.type == SPOOR_SQLREC_T_FLOAT)
		t->dflt[j].u.d = x.d;
	else
		t->dflt[j].u.i = x.i;
	t->dflt[j].len = (uint32_t)MIN(x.len, UINT32_MAX);
	if (x.len) {
		t->dflt_bytes[j] = malloc(x.len);
		if (t->dflt_bytes[j])
			memcpy(t->dflt_bytes[j], x.p, x.len);
	}
	t->dflt_unknown[j] = x.len && !t->dflt_bytes[j];
	sqlite3_finalize(st);
	sbuf_release(&sql);
}

static bool without_rowid(struct sqlrec_view *v, const char *name,
			  const char *sql)
{
	sqlite3_stmt *st;
	bool wr = false;

	if (sqlite3_prepare_v2(v->db, "SELECT wr FROM pragma_table_list "
			       "WHERE schema = 'main' AND name = ?1", -1, &st,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		wr = sqlite3_step(st) == SQLITE_ROW &&
			sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		return wr;
	}
	/* an SQLite before 3.37: the declaration says it */
	return sql && strcasestr(sql, "without") && strcasestr(sql, "rowid");
}

/* The stored columns of table t; false when it cannot be recovered
 * (generated or hidden columns, too many, a query failed). */
static bool load_columns(struct sqlrec_view *v, struct vtab *t)
{
	sqlite3_stmt *st;
	size_t cap = 0, npk = 0;
	int pk = -1, rc;
	bool ok = true;

	if (sqlite3_prepare_v2(v->db, "SELECT name, type, \"notnull\", pk, "
			       "dflt_value, hidden FROM pragma_table_xinfo(?1, "
			       "'main')", -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct spoor_sqlrec_column *c;

		if (sqlite3_column_int(st, 5) || t->ncols >= 2000 ||
		    spoor_grow(&t->cols, &cap, t->ncols, sizeof(*t->cols))) {
			ok = false;
			break;
		}
		c = &t->cols[t->ncols];
		memset(c, 0, sizeof(*c));
		c->name = dup_text(st, 0);
		c->type = dup_text(st, 1);
		c->notnull = sqlite3_column_int(st, 2) != 0;
		if (sqlite3_column_int(st, 3)) {
			npk++;
			pk = (int)t->ncols;
			/* SQLite lets a rowid table's PRIMARY KEY be NULL;
			 * apps do not: for matching it is never NULL */
			c->notnull = true;
		}
		t->ncols++;
		if (!c->name || !c->type)
			ok = false;
	}
	if (ok && !t->ncols)
		ok = false;
	if (ok) {
		t->aff = calloc(t->ncols, 1);
		t->dflt = calloc(t->ncols, sizeof(*t->dflt));
		t->dflt_bytes = calloc(t->ncols, sizeof(*t->dflt_bytes));
		t->dflt_unknown = calloc(t->ncols, sizeof(*t->dflt_unknown));
		ok = t->aff && t->dflt && t->dflt_bytes && t->dflt_unknown;
	}
	if (ok) {
		size_t j = 0;

		sqlite3_reset(st);
		while (j < t->ncols && sqlite3_step(st) == SQLITE_ROW) {
			const unsigned char *d = sqlite3_column_text(st, 4);

			t->aff[j] = affinity(t->cols[j].type);
			eval_default(v, t, j, (const char *)d);
			j++;
		}
	}
	sqlite3_finalize(st);
	t->alias = -1;
	if (ok && npk == 1 && !strcasecmp(t->cols[pk].type, "INTEGER")) {
		t->alias = pk;
		t->cols[pk].rowid_alias = true;
	}
	return ok;
}

/*
 * The largest rowid an AUTOINCREMENT table ever had: its sqlite_sequence
 * value (no row there: it never had one); -1 for other tables.  This is
 * what tells apart tables declared alike (WhatsApp's messages and
 * messages_quotes) on a page that no table owns any more.
 */
static int64_t max_rowid(struct sqlrec_view *v, const char *name,
			 const char *sql)
{
	sqlite3_stmt *st;
	int64_t max = 0;

	if (!sql || !strcasestr(sql, "autoincrement"))
		return -1;
	if (sqlite3_prepare_v2(v->db, "SELECT seq FROM main.sqlite_sequence "
			       "WHERE name = ?1", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		max = sqlite3_column_type(st, 0) == SQLITE_INTEGER ?
			sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return max;
}

static bool named(const char *const *list, const char *name)
{
	for (; list && *list; list++)
		if (!strcmp(*list, name))
			return true;
	return false;
}

/* Every rowid table of the database (the page scan tells them apart);
 * the ones named in `want` are recovered. */
static int load_tables(struct sqlrec_view *v, const char *const *want)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	if (sqlite3_prepare_v2(v->db, "SELECT name, rootpage, sql FROM "
			       "main.sqlite_schema WHERE type = 'table' AND "
			       "rootpage > 0 ORDER BY rowid", -1, &st,
			       NULL) != SQLITE_OK)
		return SPOOR_EFORMAT;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	       v->nt < VIEW_MAX_TABLES) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *sql = (const char *)sqlite3_column_text(st, 2);
		int64_t root = sqlite3_column_int64(st, 1);
		struct vtab *t;

		if (!name || root < 1 || root > UINT32_MAX ||
		    without_rowid(v, name, sql))
			continue;
		if (spoor_grow(&v->t, &cap, v->nt, sizeof(*v->t))) {
			sqlite3_finalize(st);
			return SPOOR_ENOMEM;
		}
		t = &v->t[v->nt];
		memset(t, 0, sizeof(*t));
		t->name = strdup(name);
		t->root = (uint32_t)root;
		t->next_neg = -1;
		v->nt++;
		if (!t->name || !load_columns(v, t)) {
			/* not recoverable: not given to the page scan */
			t->ncols = 0;
			continue;
		}
		t->wanted = named(want, name);
		t->max_rowid = max_rowid(v, name, sql);
	}
	sqlite3_finalize(st);
	return 0;
}

/* ---- collecting what the page scan finds ---- */

static int collect(void *ud, const struct spoor_sqlrec_cand *c)
{
	struct sqlrec_view *v = ud;
	const struct spoor_sqlrec_table *T = &v->st[c->table];
	size_t bytes = 0, vcap = v->capcv, rcap = v->caprows;
	struct crow *r;

	for (size_t j = 0; j < T->ncols; j++)
		bytes += c->v[j].len;
	if (v->nrows >= VIEW_MAX_ROWS || bytes > VIEW_MAX_BYTES - v->nbytes) {
		v->stats->truncated = true;
		return 1;
	}
	if (v->nbytes + bytes > v->capbytes) {
		size_t cap = MAX(v->capbytes * 2, v->nbytes + bytes + 4096);
		unsigned char *nb = realloc(v->bytes, cap);

		if (!nb)
			return 1;
		v->bytes = nb;
		v->capbytes = cap;
	}
	while (v->ncv + T->ncols > vcap)
		if (spoor_grow(&v->cv, &vcap, vcap, sizeof(*v->cv)))
			return 1;
	v->capcv = vcap;
	if (spoor_grow(&v->rows, &rcap, v->nrows, sizeof(*v->rows)))
		return 1;
	v->caprows = rcap;
	r = &v->rows[v->nrows++];
	memset(r, 0, sizeof(*r));
	r->table = (uint32_t)c->table;
	r->o.source = c->source;
	r->o.have_rowid = c->have_rowid;
	r->o.rowid = c->rowid;
	r->o.page = c->page;
	r->o.in_wal = c->in_wal;
	r->o.offset = c->offset;
	r->o.length = c->length;
	r->o.partial = c->partial;
	r->vals = v->ncv;
	for (size_t j = 0; j < T->ncols; j++) {
		struct cval *x = &v->cv[v->ncv++];
		const struct spoor_sqlrec_value *s = &c->v[j];

		x->type = (uint8_t)s->type;
		x->lost = s->lost;
		x->absent = s->absent;
		x->len = (uint32_t)s->len;
		if (s->type == SPOOR_SQLREC_T_INT)
			x->u.i = s->i;
		else if (s->type == SPOOR_SQLREC_T_FLOAT)
			x->u.d = s->d;
		else
			x->u.off = v->nbytes;
		if (s->len)
			memcpy(v->bytes + v->nbytes, s->p, s->len);
		v->nbytes += s->len;
	}
	return 0;
}

static const unsigned char *map_file(const char *path, size_t *len)
{
	struct stat sb;
	void *m;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	*len = 0;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || sb.st_size <= 0 ||
	    (uint64_t)sb.st_size > SIZE_MAX) {
		close(fd);
		return NULL;
	}
	m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return NULL;
	*len = (size_t)sb.st_size;
	return m;
}

static int scan(struct sqlrec_view *v, const char *dir, struct spoor_err *err)
{
	struct spoor_sqlrec_stats st;
	struct sbuf p = SBUF_INIT;
	const unsigned char *db, *wal;
	size_t dblen, wallen;
	int rc;

	sbuf_addf(&p, "%s/db", dir);
	db = map_file(sbuf_str(&p), &dblen);
	sbuf_adds(&p, "-wal");
	wal = map_file(sbuf_str(&p), &wallen);
	sbuf_release(&p);
	if (!db)
		return spoor_err_set(err, SPOOR_EIO, errno,
				     "cannot read the private copy");
	v->st = calloc(v->nt ? v->nt : 1, sizeof(*v->st));
	if (!v->st) {
		rc = spoor_err_set(err, SPOOR_ENOMEM, ENOMEM, "out of memory");
	} else {
		for (size_t i = 0; i < v->nt; i++) {
			v->st[i].name = v->t[i].name ? v->t[i].name : "";
			v->st[i].root = v->t[i].root;
			v->st[i].cols = v->t[i].cols;
			v->st[i].ncols = v->t[i].ncols;
			v->st[i].wanted = v->t[i].wanted;
			v->st[i].max_rowid = v->t[i].max_rowid;
		}
		v->ops_left += (uint64_t)(dblen + wallen) * VIEW_OPS_PER_BYTE;
		rc = spoor_sqlrec_scan(db, dblen, wal, wallen, v->st, v->nt,
				       collect, v, &st, err);
		/* a full memory ceiling is a partial result, not a failure */
		if (rc == SPOOR_ESTOPPED && v->stats->truncated)
			rc = 0;
		v->stats->dropped += st.dropped;
		v->stats->damaged += st.damaged;
	}
	munmap((void *)db, dblen);
	if (wal)
		munmap((void *)wal, wallen);
	return rc;
}

/* ---- checking against the live rows ---- */

static sqlite3_stmt *by_rowid(sqlite3 *db, const char *table)
{
	sqlite3_stmt *st = NULL;
	char *sql = sqlite3_mprintf("SELECT * FROM main.\"%w\" WHERE rowid = "
				    "?1", table);

	if (sql && sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		st = NULL;
	sqlite3_free(sql);
	return st;
}

/* The live row of t with that rowid on st (stepped), or false. */
static bool fetch(sqlite3_stmt *st, int64_t rowid)
{
	if (!st)
		return false;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, rowid);
	return sqlite3_step(st) == SQLITE_ROW;
}

static int cmp_key(const void *x, const void *y)
{
	const struct lkey *a = x, *b = y;

	return a->hash < b->hash ? -1 : a->hash > b->hash;
}

static bool add_key(struct vtab *t, size_t *cap, uint64_t hash,
		    int64_t rowid, bool main)
{
	if (spoor_grow(&t->keys, cap, t->nkeys, sizeof(*t->keys)))
		return false;
	t->keys[t->nkeys].hash = hash;
	t->keys[t->nkeys].rowid = rowid;
	t->keys[t->nkeys].main = main;
	t->nkeys++;
	return true;
}

/*
 * The live rows of t by the hash of their values (for recovered rows
 * whose rowid is gone), and the rows the first run emitted as deleted
 * in the WAL, from the main file.  Built once, when first needed.
 */
static void build_keys(struct sqlrec_view *v, struct vtab *t)
{
	sqlite3_stmt *st = NULL;
	char *sql;
	size_t cap = 0;
	int rc;

	t->keys_state = -1;
	sql = sqlite3_mprintf("SELECT rowid, * FROM main.\"%w\"", t->name);
	if (!sql || sqlite3_prepare_v2(v->db, sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		sqlite3_free(sql);
		return;
	}
	sqlite3_free(sql);
	/* live_hash reads columns from 0: skip the rowid in front */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		uint64_t h = 1469598103934665603ull;

		for (size_t j = 0; j < t->ncols; j++) {
			struct vref x;

			if ((int)j == t->alias)
				continue;
			x = col_ref(st, (int)j + 1);
			canon(&x, t->aff[j]);
			h = hash_ref(h, &x);
		}
		if (!add_key(t, &cap, h, sqlite3_column_int64(st, 0), false))
			break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return;
	for (size_t i = 0; v->seen && t->imm && i < v->seen->n; i++) {
		const struct seen_ent *e = &v->seen->e[i];

		if (!e->main ||
		    strcmp(v->seen->tables[e->table - 1], t->name) ||
		    !fetch(t->imm, e->rowid))
			continue;
		if (!add_key(t, &cap, live_hash(t, t->imm), e->rowid, true))
			return;
	}
	if (t->nkeys)
		qsort(t->keys, t->nkeys, sizeof(*t->keys), cmp_key);
	t->keys_state = 1;
}

/*
 * A partial row without its rowid: is there a live row with the same
 * known values?  One query each, up to VIEW_MAX_CHECKS per database;
 * past that the row is not kept (counted), since it cannot be told
 * apart from a copy of a live row.
 */
static int check_by_query(struct sqlrec_view *v, const struct crow *r)
{
	const struct vtab *t = &v->t[r->table];
	struct sbuf sql = SBUF_INIT;
	sqlite3_stmt *st = NULL;
	char *q = sqlite3_mprintf("\"%w\"", t->name);
	int n = 0, rc;

	if (++v->checks > VIEW_MAX_CHECKS || !q) {
		sqlite3_free(q);
		return -1;
	}
	sbuf_addf(&sql, "SELECT 1 FROM main.%s WHERE 1", q);
	sqlite3_free(q);
	for (size_t j = 0; j < t->ncols; j++) {
		struct vref x;
		char *c;

		if ((int)j == t->alias || !row_ref(v, r, j, &x))
			continue;
		c = sqlite3_mprintf(" AND \"%w\" IS ?%d", t->cols[j].name,
				    ++n);
		sbuf_adds(&sql, c ? c : " AND 0");
		sqlite3_free(c);
	}
	sbuf_adds(&sql, " LIMIT 1");
	if (sql.failed || sqlite3_prepare_v2(v->db, sbuf_str(&sql), -1, &st,
					     NULL) != SQLITE_OK) {
		sbuf_release(&sql);
		return -1;
	}
	sbuf_release(&sql);
	n = 0;
	for (size_t j = 0; j < t->ncols; j++) {
		struct vref x;

		if ((int)j == t->alias || !row_ref(v, r, j, &x))
			continue;
		n++;
		switch (x.type) {
		case SPOOR_SQLREC_T_INT:
			sqlite3_bind_int64(st, n, x.i);
			break;
		case SPOOR_SQLREC_T_FLOAT:
			sqlite3_bind_double(st, n, x.d);
			break;
		case SPOOR_SQLREC_T_TEXT:
			sqlite3_bind_text(st, n, (const char *)x.p,
					  (int)x.len, SQLITE_STATIC);
			break;
		case SPOOR_SQLREC_T_BLOB:
			sqlite3_bind_blob(st, n, x.p, (int)x.len,
					  SQLITE_STATIC);
			break;
		default:
			sqlite3_bind_null(st, n);
		}
	}
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	return rc == SQLITE_ROW;
}

/* Whether a row without its rowid (all values known) is a live row's
 * or a "main" row's copy: the hash, then the values themselves. */
static int check_by_hash(struct sqlrec_view *v, struct vtab *t,
			 const struct crow *r)
{
	struct lkey key = { r->hash, 0, false };
	const struct lkey *k;
	size_t i;

	if (!t->keys_state)
		build_keys(v, t);
	if (t->keys_state < 0)
		return -1;
	if (!t->nkeys)
		return 0;
	k = bsearch(&key, t->keys, t->nkeys, sizeof(*t->keys), cmp_key);
	if (!k)
		return 0;
	i = (size_t)(k - t->keys);
	while (i > 0 && t->keys[i - 1].hash == r->hash)
		i--;
	for (; i < t->nkeys && t->keys[i].hash == r->hash; i++) {
		sqlite3_stmt *st = t->keys[i].main ? t->imm : t->live;

		if (fetch(st, t->keys[i].rowid) && same_as_live(v, r, st))
			return 1;
	}
	return 0;
}

static bool has_lost(const struct sqlrec_view *v, const struct crow *r)
{
	const struct vtab *t = &v->t[r->table];

	for (size_t j = 0; j < t->ncols; j++) {
		struct vref x;

		if ((int)j != t->alias && !row_ref(v, r, j, &x))
			return true;
	}
	return false;
}

/*
 * What to do with row r: 1 keep, 0 a copy of a live row (or of a row
 * the first run emitted from the main file), -1 cannot be checked.
 * Sets r->o.earlier.
 */
static int live_check(struct sqlrec_view *v, struct crow *r)
{
	struct vtab *t = &v->t[r->table];

	if (r->o.have_rowid) {
		if (seen_main(v->seen, t->name, r->o.rowid) &&
		    fetch(t->imm, r->o.rowid) && same_as_live(v, r, t->imm))
			return 0;
		if (fetch(t->live, r->o.rowid)) {
			if (same_as_live(v, r, t->live))
				return 0;
			r->o.earlier = true;
			return 1;
		}
		/* its rowid is gone, but a live row may hold the same values
		 * under another (an app that deletes and inserts again) */
		if (!has_lost(v, r)) {
			int rc = check_by_hash(v, t, r);

			return rc < 0 ? -1 : !rc;
		}
		return 1;
	}
	if (!has_lost(v, r)) {
		int rc = check_by_hash(v, t, r);

		return rc < 0 ? -1 : !rc;
	}
	switch (check_by_query(v, r)) {
	case 0:
		return 1;
	case 1:
		return 0;
	default:
		return -1;
	}
}

/* Whether r repeats a row already in the view. */
static bool repeated(struct sqlrec_view *v, const struct crow *r,
		     bool partial)
{
	size_t i = imap_get(&v->byhash, (int64_t)r->hash);

	for (; i; i = v->rows[i - 1].next) {
		const struct crow *a = &v->rows[i - 1];

		if (!same_rows(v, a, r))
			continue;
		if (a->o.have_rowid && r->o.have_rowid &&
		    a->o.rowid != r->o.rowid)
			continue;	/* two rows that were alike */
		return true;
	}
	/* a partial row without a rowid: any kept row that knows more */
	for (size_t k = 0; partial && !r->o.have_rowid && k < v->nrows &&
	     v->cover_left; k++) {
		const struct crow *a = &v->rows[k];

		v->cover_left--;
		if (a->kept && covered_by(v, r, a))
			return true;
	}
	return false;
}

/* ---- the view ---- */

static int create_table(struct sqlrec_view *v, struct vtab *t)
{
	struct sbuf sql = SBUF_INIT, ins = SBUF_INIT;
	char *q = sqlite3_mprintf("\"%w\"", t->name);
	int rc = SQLITE_NOMEM;

	if (!q)
		return SPOOR_ENOMEM;
	sbuf_addf(&sql, "CREATE TEMP TABLE %s (", q);
	sbuf_addf(&ins, "INSERT INTO temp.%s (%s", q, t->alias < 0 ? "rowid"
		  : "");
	sqlite3_free(q);
	for (size_t j = 0; j < t->ncols; j++) {
		char *c = sqlite3_mprintf("\"%w\"", t->cols[j].name);

		if (!c)
			break;
		sbuf_addf(&sql, "%s%s %s", j ? ", " : "", c,
			  (int)j == t->alias ? "INTEGER PRIMARY KEY"
			  : aff_name(t->aff[j]));
		sbuf_addf(&ins, "%s%s", j || t->alias < 0 ? ", " : "", c);
		sqlite3_free(c);
	}
	sbuf_adds(&sql, ")");
	sbuf_adds(&ins, ") VALUES (?1");
	for (size_t j = 1; j < t->ncols + (t->alias < 0); j++)
		sbuf_addf(&ins, ", ?%zu", j + 1);
	sbuf_adds(&ins, ")");
	if (!sql.failed && !ins.failed)
		rc = sqlite3_exec(v->db, sbuf_str(&sql), NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(v->db, sbuf_str(&ins), -1, &t->ins,
					NULL);
	sbuf_release(&sql);
	sbuf_release(&ins);
	t->created = rc == SQLITE_OK;
	return t->created ? 0 : SPOOR_EINTERNAL;
}

/* The lost columns of r, ","-separated (the rowid alias when the rowid
 * is gone), kept by the view; NULL for none. */
static const char *lost_names(struct sqlrec_view *v, const struct crow *r)
{
	const struct vtab *t = &v->t[r->table];
	struct sbuf b = SBUF_INIT;
	char *s;

	for (size_t j = 0; j < t->ncols; j++) {
		struct vref x;
		bool lost = (int)j == t->alias ? !r->o.have_rowid
			: !row_ref(v, r, j, &x);

		if (lost)
			sbuf_addf(&b, "%s%s", b.len ? "," : "",
				  t->cols[j].name);
	}
	if (!r->o.have_rowid && t->alias < 0)
		sbuf_addf(&b, "%srowid", b.len ? "," : "");
	if (!b.len || b.failed ||
	    spoor_grow(&v->lost, &v->caplost, v->nlost, sizeof(*v->lost))) {
		sbuf_release(&b);
		return NULL;
	}
	s = strdup(sbuf_str(&b));
	sbuf_release(&b);
	if (s)
		v->lost[v->nlost++] = s;
	return s;
}

static void bind_ref(sqlite3_stmt *st, int n, const struct vref *x)
{
	switch (x->type) {
	case SPOOR_SQLREC_T_INT:
		sqlite3_bind_int64(st, n, x->i);
		break;
	case SPOOR_SQLREC_T_FLOAT:
		sqlite3_bind_double(st, n, x->d);
		break;
	case SPOOR_SQLREC_T_TEXT:
		sqlite3_bind_text(st, n, (const char *)x->p, (int)x->len,
				  SQLITE_STATIC);
		break;
	case SPOOR_SQLREC_T_BLOB:
		sqlite3_bind_blob(st, n, x->p, (int)x->len, SQLITE_STATIC);
		break;
	default:
		sqlite3_bind_null(st, n);
	}
}

/* Put row i into the view under a rowid of its own. */
static int keep(struct sqlrec_view *v, size_t i)
{
	struct crow *r = &v->rows[i];
	struct vtab *t = &v->t[r->table];
	int64_t vid;
	int n = 1;

	if (!t->created && create_table(v, t))
		return SPOOR_EINTERNAL;
	if (r->o.have_rowid && !r->o.earlier &&
	    !imap_get(&t->rowids, r->o.rowid))
		vid = r->o.rowid;
	else
		vid = t->next_neg--;
	sqlite3_reset(t->ins);
	sqlite3_clear_bindings(t->ins);
	if (t->alias < 0)
		sqlite3_bind_int64(t->ins, n++, vid);
	for (size_t j = 0; j < t->ncols; j++, n++) {
		struct vref x;

		if ((int)j == t->alias)
			sqlite3_bind_int64(t->ins, n, vid);
		else if (row_ref(v, r, j, &x))
			bind_ref(t->ins, n, &x);
	}
	if (sqlite3_step(t->ins) != SQLITE_DONE ||
	    !imap_put(&t->rowids, vid, i + 1))
		return SPOOR_EINTERNAL;
	r->o.lost = lost_names(v, r);
	r->o.partial = r->o.lost != NULL;
	r->kept = true;
	r->next = imap_get(&v->byhash, (int64_t)r->hash);
	if (!imap_put(&v->byhash, (int64_t)r->hash, i + 1))
		return SPOOR_ENOMEM;
	v->stats->rows++;
	return 0;
}

/* Check and keep every row found: those with a rowid first, so that a
 * copy of the same row whose rowid was overwritten repeats them. */
static int process(struct sqlrec_view *v)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < v->nrows; i++) {
			struct crow *r = &v->rows[i];
			int rc;

			if (r->o.have_rowid != !pass)
				continue;
			r->hash = row_hash(v, r);
			rc = live_check(v, r);
			if (rc < 0) {
				v->stats->dropped++;
				continue;
			}
			if (!rc) {
				v->stats->dup_live++;
				continue;
			}
			if (repeated(v, r, has_lost(v, r))) {
				v->stats->dup_rows++;
				continue;
			}
			rc = keep(v, i);
			if (rc)
				return rc;
		}
	}
	return 0;
}

void sqlrec_view_free(struct sqlrec_view *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->nt; i++) {
		struct vtab *t = &v->t[i];

		for (size_t j = 0; j < t->ncols; j++) {
			free((char *)t->cols[j].name);
			free((char *)t->cols[j].type);
			if (t->dflt_bytes)
				free(t->dflt_bytes[j]);
		}
		free(t->cols);
		free(t->aff);
		free(t->dflt);
		free(t->dflt_bytes);
		free(t->dflt_unknown);
		free(t->keys);
		sqlite3_finalize(t->live);
		sqlite3_finalize(t->imm);
		sqlite3_finalize(t->ins);
		imap_free(&t->rowids);
		free(t->name);
	}
	for (size_t i = 0; i < v->nlost; i++)
		free(v->lost[i]);
	free(v->lost);
	free(v->t);
	free(v->st);
	free(v->cv);
	free(v->bytes);
	free(v->rows);
	imap_free(&v->byhash);
	sqlite3_close(v->db);
	free(v);
}

int sqlrec_view_build(struct asql *q, const char *const *tables,
		      const struct sqlrec_seen *seen, struct sqlrec_view **out,
		      struct sqlrec_view_stats *st, struct spoor_err *err)
{
	struct sqlrec_view *v;
	struct sbuf uri = SBUF_INIT;
	bool any = false;
	int rc;

	*out = NULL;
	memset(st, 0, sizeof(*st));
	v = calloc(1, sizeof(*v));
	if (!v)
		return spoor_err_set(err, SPOOR_ENOMEM, ENOMEM,
				     "out of memory");
	v->seen = seen;
	v->stats = st;
	v->ops_left = VIEW_OPS;
	v->cover_left = (uint64_t)20 << 20;
	v->imm = q->imm;
	sbuf_addf(&uri, "file:%s/db?mode=ro", q->dir);
	rc = sqlite3_open_v2(sbuf_str(&uri), &v->db, SQLITE_OPEN_READONLY |
			     SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
	sbuf_release(&uri);
	if (rc == SQLITE_OK)
		rc = asql_harden(v->db);
	/* the TEMP tables are filled first, then it is query_only again */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(v->db, "PRAGMA query_only=0", NULL, NULL,
				  NULL);
	if (rc != SQLITE_OK) {
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "recovery view: %s",
				   v->db ? sqlite3_errmsg(v->db)
				   : sqlite3_errstr(rc));
		sqlrec_view_free(v);
		return rc;
	}
	sqlite3_progress_handler(v->db, 1000, over_budget, v);
	rc = load_tables(v, tables);
	for (size_t i = 0; !rc && i < v->nt; i++) {
		struct vtab *t = &v->t[i];

		if (!t->wanted)
			continue;
		any = true;
		t->live = by_rowid(v->db, t->name);
		t->imm = q->imm ? by_rowid(q->imm, t->name) : NULL;
	}
	if (rc || !any) {
		sqlrec_view_free(v);
		return rc ? spoor_err_set(err, rc, 0, "recovery view: cannot "
					  "read the schema") : 0;
	}
	rc = scan(v, q->dir, err);
	/* one transaction for all the TEMP rows, not one per row */
	if (!rc && (sqlite3_exec(v->db, "BEGIN", NULL, NULL, NULL) !=
		    SQLITE_OK || process(v) ||
		    sqlite3_exec(v->db, "COMMIT", NULL, NULL, NULL) !=
		    SQLITE_OK))
		rc = spoor_err_set(err, SPOOR_EINTERNAL, 0, "recovery view: %s",
				   sqlite3_errmsg(v->db));
	if (!rc && sqlite3_exec(v->db, "PRAGMA query_only=1", NULL, NULL,
				NULL) != SQLITE_OK)
		rc = spoor_err_set(err, SPOOR_EINTERNAL, 0,
				   "recovery view: cannot make it read-only");
	if (rc || !st->rows) {
		sqlrec_view_free(v);
		return rc;
	}
	*out = v;
	return 0;
}

sqlite3 *sqlrec_view_db(struct sqlrec_view *v)
{
	return v->db;
}

const struct sqlrec_origin *sqlrec_view_origin(const struct sqlrec_view *v,
					       const char *table,
					       int64_t rowid)
{
	for (size_t i = 0; table && i < v->nt; i++) {
		const struct vtab *t = &v->t[i];
		size_t k;

		if (!t->created || strcmp(t->name, table))
			continue;
		k = imap_get(&t->rowids, rowid);
		return k ? &v->rows[k - 1].o : NULL;
	}
	return NULL;
}

/* ---- records ---- */

static uint64_t hash_fields(uint64_t h, const struct spoor_record *r,
			    int depth)
{
	h = hash_bytes(h, r->type, strlen(r->type));
	for (size_t i = 0; i < r->n; i++) {
		const struct spoor_field *f = &r->f[i];
		unsigned char k = (unsigned char)f->kind;

		h = hash_bytes(h, f->key, strlen(f->key) + 1);
		h = hash_bytes(h, &k, 1);
		switch (f->kind) {
		case SPOOR_F_STR:
			h = hash_bytes(h, &f->v.str.len, sizeof(size_t));
			h = hash_bytes(h, f->v.str.ptr, f->v.str.len);
			break;
		case SPOOR_F_INT:
		case SPOOR_F_UINT:
			h = hash_bytes(h, &f->v.i, sizeof(f->v.i));
			break;
		case SPOOR_F_BOOL:
			k = f->v.b;
			h = hash_bytes(h, &k, 1);
			break;
		case SPOOR_F_TIME:
			k = f->v.t.set;
			h = hash_bytes(h, &k, 1);
			h = hash_bytes(h, &f->v.t.sec, sizeof(f->v.t.sec));
			h = hash_bytes(h, &f->v.t.nsec, sizeof(f->v.t.nsec));
			break;
		case SPOOR_F_LIST:
			h = hash_bytes(h, &f->v.list.n, sizeof(size_t));
			for (size_t j = 0; depth < 2 && j < f->v.list.n; j++)
				h = hash_fields(h, &f->v.list.items[j],
						depth + 1);
			break;
		default:
			break;
		}
	}
	return h;
}

uint64_t sqlrec_record_hash(const struct spoor_record *r)
{
	uint64_t h = hash_fields(1469598103934665603ull, r, 0);

	return h ? h : 1;
}
