/*
 * sqlrecover.c: deleted rows back from an SQLite database file and its
 * WAL, read as pages without SQLite's own code path (the file format:
 * https://www.sqlite.org/fileformat2.html).
 *
 * What a deleted row leaves behind, and where this looks:
 *  - a freeblock in its table leaf page: SQLite writes the block's 4-byte
 *    header (next block, size) over the first bytes of the cell, which
 *    are the payload length and the rowid and, for a short row with a
 *    small rowid, the header length and the first serial type;
 *  - unallocated space between a page's cell pointers and its cells
 *    (a cell freed at the start of the content area, or moved by a
 *    defragmentation, stays whole there);
 *  - free pages: a freelist leaf keeps the old page as it was, a trunk
 *    keeps it past its list of leaves;
 *  - WAL frames that a newer frame of the same page replaced, and the
 *    main file's version of a page that the WAL replaced.
 *
 * Every byte comes from the file: a record is yielded only when its
 * header parses exactly, its serial types fit one table (column count,
 * affinity and the types the live rows use, NOT NULL, the rowid alias
 * stored as NULL) and its values are sound (UTF-8 text, no NaN).  What
 * the freeblock header overwrote is marked lost, never guessed; two
 * records overlapping in free space mean the earlier one was partly
 * overwritten by the later: its values from there on are marked lost.
 * Pointers, loops and sizes are all bounded by the file's own size.
 */
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

#define SQLREC_MAX_COLS 2000		/* SQLite's default column limit */
#define SQLREC_MAX_PAYLOAD ((uint64_t)64 << 20)	/* assembled from
						 * overflow pages */
#define SQLREC_MAX_HITS 1024		/* records per free region */

/* Value classes, as bits: what a column accepts. */
enum { C_NULL = 1, C_INT = 2, C_REAL = 4, C_TEXT = 8, C_BLOB = 16 };

/* How a record was found (see parse_at). */
enum {
	R_CELL,		/* a whole cell: payload length, rowid, record */
	R_HDR,		/* a record header, the cell's first bytes gone */
	R_PART3,	/* freeblock start: length and rowid took 3 of the 4
			 * overwritten bytes, the header length the 4th */
	R_PART2,	/* freeblock start: length and rowid took 2 bytes, the
			 * header length and the rowid alias's NULL type the
			 * other 2 */
};

/* Page kinds in one consistent view of the database. */
/* K_INNER: an interior page of a table, whose free space can still
 * hold the cells of the leaf it was before its tree grew a level. */
enum { K_NONE, K_LEAF, K_INNER, K_FREE_LEAF, K_FREE_TRUNK, K_OTHER };

/* One consistent view: the WAL-applied database, or the main file. */
struct view {
	uint32_t n;			/* pages */
	uint32_t *owner;		/* table index + 1 of a leaf page */
	uint8_t *kind;
	bool main;			/* the main file alone */
};

struct tinfo {
	uint8_t *allow;			/* classes accepted, per column */
	uint32_t nmin;			/* fewest columns a record has */
	int alias;			/* rowid alias column, -1 none */
	uint32_t root_main;		/* root page in the main file */
};

/* A record being parsed: where its parts are in the page image. */
struct rec {
	int kind;
	uint32_t start;			/* first present byte */
	uint32_t ps;			/* where the payload began */
	uint32_t body;			/* first byte of the values */
	uint32_t end;			/* end of the cell on the page */
	uint32_t local;			/* payload bytes on the page */
	uint32_t ovfl;			/* first overflow page, 0 none */
	uint64_t payload, hlen;
	uint32_t n;			/* columns in the record */
	bool have_rowid;
	int64_t rowid;
};

/* A record found in a free region, before overlaps are settled. */
struct hit {
	uint32_t at;			/* where parse_at starts */
	uint32_t start, end, trunc;
	uint32_t n;			/* columns (partial kinds) */
	int kind;
	int table;
	bool strong;			/* a whole cell */
};

/* The page image being scanned and where it is. */
struct pimg {
	const uint8_t *pg;
	uint32_t pgno;
	bool in_wal;
	uint64_t base;			/* file offset of pg */
	uint32_t owner;			/* table index + 1 to prefer, 0 */
};

struct rctx {
	const uint8_t *db, *wal;
	size_t dblen, wallen;
	uint32_t psz, usable;
	uint32_t nmain, ncur;
	uint32_t *cur;			/* per page: WAL frame + 1, 0 main */
	uint8_t *fkind;			/* per frame: F_* */
	uint32_t nframes;
	bool wal_commits;
	const struct spoor_sqlrec_table *tab;
	struct tinfo *ti;
	size_t nt, maxcols;
	uint64_t maxhdr;
	struct view vc, vm;		/* current, main file */
	uint32_t *stamp;		/* overflow-chain loop guard */
	uint32_t chain;
	uint64_t *types;
	uint8_t *ncount;		/* column counts some table takes */
	uint8_t *anyclass;		/* per column: classes some table takes
					 * there (NULL before the live rows are
					 * learnt: no filter) */
	struct spoor_sqlrec_value *vals;
	uint8_t *buf;			/* assembled payload */
	size_t bufcap;
	struct hit *hits;
	size_t nstrong;			/* whole cells first in hits */
	spoor_sqlrec_cb *cb;
	void *ud;
	struct spoor_sqlrec_stats *st;
	int stop;			/* 0, or what stops the scan */
};

enum { F_IGN, F_CUR, F_OLD };

static const char *const source_names[] = {
	NULL, "freelist", "freeblock", "unallocated", "wal-superseded", "main",
};

const char *spoor_sqlrec_source_name(enum spoor_sqlrec_source s)
{
	return s >= SPOOR_SQLREC_FREELIST && s <= SPOOR_SQLREC_MAIN ?
		source_names[s] : "?";
}

/* ---- bytes ---- */

static uint32_t get2(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get4(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

/* An SQLite varint at p (not reading at or past end): its length 1..9,
 * or 0 when it runs into end. */
static int varint(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
	uint64_t x = 0;

	for (int i = 0; i < 9; i++) {
		if (p + i >= end)
			return 0;
		if (i == 8) {
			*v = x << 8 | p[i];
			return 9;
		}
		x = x << 7 | (p[i] & 0x7f);
		if (!(p[i] & 0x80)) {
			*v = x;
			return i + 1;
		}
	}
	return 0;
}

/* Bytes of a value of serial type t; UINT64_MAX for 10 and 11. */
static uint64_t type_size(uint64_t t)
{
	static const uint8_t fixed[12] = { 0, 1, 2, 3, 4, 6, 8, 8, 0, 0,
					   0, 0 };

	if (t == 10 || t == 11)
		return UINT64_MAX;
	return t < 12 ? fixed[t] : (t - 12) / 2;
}

static uint8_t type_class(uint64_t t)
{
	if (t == 0)
		return C_NULL;
	if (t == 7)
		return C_REAL;
	if (t < 12)
		return C_INT;
	return t & 1 ? C_TEXT : C_BLOB;
}

/* ---- pages ---- */

static const uint8_t *page_main(const struct rctx *c, uint32_t p)
{
	return p >= 1 && p <= c->nmain ? c->db + (size_t)(p - 1) * c->psz
		: NULL;
}

static uint64_t frame_off(const struct rctx *c, uint32_t i)
{
	return 32 + (uint64_t)i * (24 + c->psz);
}

/* Page p as the WAL-applied database has it, with its file offset. */
static const uint8_t *page_cur(const struct rctx *c, uint32_t p,
			       bool *in_wal, uint64_t *base)
{
	if (p < 1 || p > c->ncur)
		return NULL;
	if (c->cur && c->cur[p]) {
		*in_wal = true;
		*base = frame_off(c, c->cur[p] - 1) + 24;
		return c->wal + *base;
	}
	*in_wal = false;
	*base = (uint64_t)(p - 1) * c->psz;
	return page_main(c, p);
}

static const uint8_t *page_of(const struct rctx *c, const struct view *v,
			      uint32_t p)
{
	bool w;
	uint64_t b;

	return v->main ? page_main(c, p) : page_cur(c, p, &w, &b);
}

/* Bytes of a payload of size P stored on a table leaf page. */
static uint64_t local_size(const struct rctx *c, uint64_t P)
{
	uint64_t u = c->usable, x = u - 35, m, k;

	if (P <= x)
		return P;
	m = (u - 12) * 32 / 255 - 23;
	k = m + (P - m) % (u - 4);
	return k <= x ? k : m;
}

/* ---- the database header and the WAL ---- */

static int read_header(struct rctx *c, struct spoor_err *err)
{
	const uint8_t *h = c->db;
	uint32_t psz;

	if (c->dblen < 100 || memcmp(h, "SQLite format 3", 16))
		return spoor_err_set(err, SPOOR_EFORMAT, 0,
				     "not an SQLite database");
	psz = get2(h + 16);
	if (psz == 1)
		psz = 65536;
	if (psz < 512 || psz > 65536 || (psz & (psz - 1)) ||
	    (uint32_t)h[20] > psz - 480)
		return spoor_err_set(err, SPOOR_EFORMAT, 0,
				     "bad page size in the database header");
	if (get4(h + 56) > 1)
		return spoor_err_set(err, SPOOR_EUNSUPPORTED, 0,
				     "a UTF-16 database: deleted rows are not "
				     "recovered from it");
	c->psz = psz;
	c->usable = psz - h[20];
	c->nmain = (uint32_t)MIN(c->dblen / psz, (size_t)UINT32_MAX - 1);
	c->ncur = c->nmain;
	return 0;
}

static void wal_sum(bool be, const uint8_t *p, size_t n, uint32_t *s0,
		    uint32_t *s1)
{
	for (size_t i = 0; i + 8 <= n; i += 8) {
		uint32_t x0 = be ? get4(p + i) : (uint32_t)p[i + 3] << 24 |
			(uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 1] << 8 |
			p[i];
		uint32_t x1 = be ? get4(p + i + 4) : (uint32_t)p[i + 7] << 24 |
			(uint32_t)p[i + 6] << 16 | (uint32_t)p[i + 5] << 8 |
			p[i + 4];

		*s0 += x0 + *s1;
		*s1 += x1 + *s0;
	}
}

/*
 * Sort the frames: the committed ones in the valid checksum chain give
 * each page its current version (the last) and older ones (superseded);
 * frames of an earlier WAL generation (other salts) are older versions
 * too; uncommitted and torn frames of this generation are ignored.
 */
static int read_wal(struct rctx *c)
{
	const uint8_t *w = c->wal;
	uint32_t magic, s0 = 0, s1 = 0, salt1, salt2, maxpg = 0;
	int64_t last_commit = -1;
	uint32_t chain_end = 0, i;
	bool be, hdr_ok, valid;

	if (!w || c->wallen < 32)
		return 0;
	magic = get4(w);
	if ((magic != 0x377f0682 && magic != 0x377f0683) ||
	    get4(w + 8) != c->psz) {
		c->st->damaged++;
		return 0;
	}
	be = magic & 1;
	wal_sum(be, w, 24, &s0, &s1);
	hdr_ok = s0 == get4(w + 24) && s1 == get4(w + 28);
	salt1 = get4(w + 16);
	salt2 = get4(w + 20);
	c->nframes = (uint32_t)MIN((c->wallen - 32) / (24 + c->psz),
				   (size_t)UINT32_MAX - 1);
	c->st->wal_frames = c->nframes;
	if (!c->nframes)
		return 0;
	c->fkind = calloc(c->nframes, 1);
	if (!c->fkind)
		return SPOOR_ENOMEM;
	valid = hdr_ok;
	for (i = 0; i < c->nframes && valid; i++) {
		const uint8_t *f = w + frame_off(c, i);

		if (get4(f + 8) != salt1 || get4(f + 12) != salt2 ||
		    !get4(f)) {
			valid = false;
			break;
		}
		wal_sum(be, f, 8, &s0, &s1);
		wal_sum(be, f + 24, c->psz, &s0, &s1);
		if (s0 != get4(f + 16) || s1 != get4(f + 20)) {
			valid = false;
			break;
		}
		chain_end = i + 1;
		if (get4(f + 4))
			last_commit = i;
	}
	for (i = 0; i < c->nframes; i++) {
		const uint8_t *f = w + frame_off(c, i);
		bool same = hdr_ok && get4(f + 8) == salt1 &&
			get4(f + 12) == salt2;

		if ((int64_t)i <= last_commit) {
			c->fkind[i] = F_CUR;
			maxpg = MAX(maxpg, get4(f));
		} else if (i < chain_end || same || !get4(f)) {
			c->fkind[i] = F_IGN;
			c->st->wal_ignored++;
		} else {
			c->fkind[i] = F_OLD;
		}
	}
	if (last_commit < 0)
		return 0;
	c->wal_commits = true;
	c->ncur = get4(w + frame_off(c, (uint32_t)last_commit) + 4);
	c->ncur = MIN(c->ncur, MAX(c->nmain, maxpg));
	c->cur = calloc((size_t)c->ncur + 1, sizeof(*c->cur));
	if (!c->cur)
		return SPOOR_ENOMEM;
	for (i = 0; (int64_t)i <= last_commit; i++) {
		uint32_t p = get4(w + frame_off(c, i));

		if (p > c->ncur) {
			c->fkind[i] = F_OLD;	/* cut off by a truncation */
			continue;
		}
		if (c->cur[p])
			c->fkind[c->cur[p] - 1] = F_OLD;
		c->cur[p] = i + 1;
	}
	return 0;
}

/* ---- tables ---- */

/* SQLite's affinity rules (datatype3.html 3.1) as the classes a column
 * of that declared type holds on disk: what the affinity converts to,
 * and NULL.  A TEXT column keeps a BLOB as a BLOB, but apps put none
 * there: that class comes only from the live rows (learn()). */
static uint8_t natural_classes(const char *type)
{
	char up[64];
	size_t i;

	for (i = 0; type && type[i] && i < sizeof(up) - 1; i++)
		up[i] = (char)(type[i] >= 'a' && type[i] <= 'z' ?
			       type[i] - 32 : type[i]);
	up[i] = '\0';
	if (strstr(up, "INT"))
		return C_NULL | C_INT;
	if (strstr(up, "CHAR") || strstr(up, "CLOB") || strstr(up, "TEXT"))
		return C_NULL | C_TEXT;
	if (!up[0] || strstr(up, "BLOB"))
		return C_NULL | C_INT | C_REAL | C_TEXT | C_BLOB;
	if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB"))
		return C_NULL | C_INT | C_REAL;
	return C_NULL | C_INT | C_REAL | C_TEXT | C_BLOB;
}

static int tables_init(struct rctx *c)
{
	c->ti = calloc(c->nt ? c->nt : 1, sizeof(*c->ti));
	if (!c->ti)
		return SPOOR_ENOMEM;
	for (size_t t = 0; t < c->nt; t++) {
		const struct spoor_sqlrec_table *T = &c->tab[t];
		struct tinfo *ti = &c->ti[t];

		ti->alias = -1;
		ti->nmin = (uint32_t)T->ncols;
		if (!T->ncols || T->ncols > SQLREC_MAX_COLS)
			continue;	/* never matches (nmin > ncols) */
		ti->allow = malloc(T->ncols);
		if (!ti->allow)
			return SPOOR_ENOMEM;
		for (size_t j = 0; j < T->ncols; j++) {
			ti->allow[j] = natural_classes(T->cols[j].type);
			if (T->cols[j].rowid_alias && ti->alias < 0)
				ti->alias = (int)j;
		}
		c->maxcols = MAX(c->maxcols, T->ncols);
	}
	if (!c->maxcols)
		c->maxcols = 1;
	c->maxhdr = 9 * (uint64_t)c->maxcols + 9;
	c->types = calloc(c->maxcols + 1, sizeof(*c->types));
	c->vals = calloc(c->maxcols + 1, sizeof(*c->vals));
	return c->types && c->vals ? 0 : SPOOR_ENOMEM;
}

static bool usable_table(const struct rctx *c, size_t t)
{
	return c->tab[t].ncols && c->tab[t].ncols <= SQLREC_MAX_COLS;
}

/* Whether serial types types[0..n) can be a record of table t. */
static bool shape_ok(const struct rctx *c, size_t t, const uint64_t *types,
		     uint32_t n)
{
	const struct spoor_sqlrec_table *T = &c->tab[t];
	const struct tinfo *ti = &c->ti[t];

	if (!usable_table(c, t) || n < ti->nmin || n > T->ncols)
		return false;
	for (uint32_t j = 0; j < n; j++) {
		uint8_t cl = type_class(types[j]);

		if ((int)j == ti->alias) {
			if (types[j])
				return false;
			continue;
		}
		if (!(cl & ti->allow[j]))
			return false;
		if (T->cols[j].notnull && cl == C_NULL)
			return false;
	}
	return true;
}

/* Whether table t can have had the record's rowid: an AUTOINCREMENT
 * table never had a rowid above its sqlite_sequence value. */
static bool rowid_ok(const struct rctx *c, size_t t, const struct rec *r)
{
	int64_t max = c->tab[t].max_rowid;

	return max < 0 || (max > 0 && (!r->have_rowid || r->rowid <= max));
}

/* The table the record fits: the page's owner when it fits, else the
 * only one; -1 none, -2 more than one. */
static int choose(const struct rctx *c, const struct rec *r, uint32_t owner)
{
	const uint64_t *types = c->types;
	uint32_t n = r->n;
	int found = -1;

	if (owner && shape_ok(c, owner - 1, types, n) &&
	    rowid_ok(c, owner - 1, r))
		return (int)owner - 1;
	for (size_t t = 0; t < c->nt; t++) {
		if (!shape_ok(c, t, types, n) || !rowid_ok(c, t, r))
			continue;
		if (found >= 0)
			return -2;
		found = (int)t;
	}
	return found;
}

/* ---- records ---- */

/*
 * The record header at pg + at (header length varint first), within
 * [at, lim): types into c->types (from index `skip` on), r->n, r->hlen,
 * r->payload (header + values).  False when it is not a header.
 */
static bool parse_header(struct rctx *c, const uint8_t *pg, uint32_t at,
			 uint32_t lim, uint32_t skip, struct rec *r)
{
	const uint8_t *end = pg + lim, *p;
	uint64_t h, body = 0;
	uint32_t n = skip;
	int l = varint(pg + at, end, &h);

	if (!l || h < (uint64_t)l + 1 || h > c->maxhdr || at + h > lim)
		return false;
	end = pg + at + h;
	for (p = pg + at + l; p < end;) {
		uint64_t t, sz;
		int k = varint(p, end, &t);

		if (!k || n >= c->maxcols)
			return false;
		sz = type_size(t);
		/* no table takes that type there: give up at once (this
		 * runs at every byte of free space) */
		if (sz == UINT64_MAX ||
		    (c->anyclass && !(c->anyclass[n] & type_class(t))))
			return false;
		body += sz;
		c->types[n++] = t;
		p += k;
	}
	if (body > ((uint64_t)1 << 31))
		return false;
	r->n = n;
	r->hlen = h;
	r->payload = h + body;
	r->body = at + (uint32_t)h;
	return true;
}

/*
 * Where the cell ends on the page, from its payload start and size;
 * false when its header does not fit locally or it runs past the page.
 * It may run past lim, the end of its free region: a newer cell was
 * written over its tail (the caller marks those values lost).
 */
static bool place(const struct rctx *c, const uint8_t *pg, uint32_t lim,
		  struct rec *r)
{
	uint64_t local = local_size(c, r->payload), end;

	if (r->hlen > local)
		return false;
	end = (uint64_t)r->ps + local;
	r->ovfl = 0;
	if (local < r->payload) {
		if (end + 4 <= lim)
			r->ovfl = get4(pg + end);
		end += 4;
	}
	if (end > c->usable)
		return false;
	r->local = (uint32_t)local;
	r->end = (uint32_t)end;
	return true;
}

/* A whole cell at s: payload length, rowid, record. */
static bool parse_cell(struct rctx *c, const uint8_t *pg, uint32_t s,
		       uint32_t lim, struct rec *r)
{
	uint64_t P, rowid;
	int a, b;

	a = varint(pg + s, pg + lim, &P);
	if (!a)
		return false;
	b = varint(pg + s + a, pg + lim, &rowid);
	if (!b)
		return false;
	memset(r, 0, sizeof(*r));
	r->kind = R_CELL;
	r->start = s;
	r->ps = s + a + b;
	r->have_rowid = true;
	r->rowid = (int64_t)rowid;
	if (r->ps >= lim || !parse_header(c, pg, r->ps, lim, 0, r) ||
	    r->payload != P)
		return false;
	return place(c, pg, lim, r);
}

/* A record header at s whose cell start is gone. */
static bool parse_hdr(struct rctx *c, const uint8_t *pg, uint32_t s,
		      uint32_t lim, struct rec *r)
{
	memset(r, 0, sizeof(*r));
	r->kind = R_HDR;
	r->start = s;
	r->ps = s;
	if (!parse_header(c, pg, s, lim, 0, r))
		return false;
	return place(c, pg, lim, r);
}

/*
 * The partial hypotheses at a freeblock that starts at f: the serial
 * types begin at f + 4 without their header length (R_PART3), or
 * without it and the first type, the rowid alias's 0 (R_PART2).  n is
 * the number of columns to assume.
 */
static bool parse_part(struct rctx *c, const uint8_t *pg, uint32_t f,
		       uint32_t lim, int kind, uint32_t n, struct rec *r)
{
	const uint8_t *p = pg + f + 4, *end = pg + lim;
	uint32_t j = kind == R_PART2 ? 1 : 0;
	uint64_t body = 0, h;

	if (n <= j || n > c->maxcols)
		return false;
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->start = f + 4;
	r->ps = f + (kind == R_PART2 ? 2 : 3);
	c->types[0] = 0;
	for (; j < n; j++) {
		uint64_t t, sz;
		int k = varint(p, end, &t);

		if (!k)
			return false;
		sz = type_size(t);
		if (sz == UINT64_MAX ||
		    (c->anyclass && !(c->anyclass[j] & type_class(t))))
			return false;
		c->types[j] = t;
		body += sz;
		p += k;
	}
	h = (uint64_t)(p - (pg + f + 4)) + (kind == R_PART2 ? 2 : 1);
	/* one byte of header length: the lost byte held it */
	if (h > 127 || body > ((uint64_t)1 << 31))
		return false;
	r->n = n;
	r->hlen = h;
	r->payload = h + body;
	r->body = (uint32_t)(p - pg);
	/* R_PART2: payload length and rowid were one byte each */
	if ((kind == R_PART2 && r->payload > 127) ||
	    (kind == R_PART3 && r->payload > 16383))
		return false;
	return place(c, pg, lim, r);
}

static bool parse_at(struct rctx *c, const uint8_t *pg, int kind,
		     uint32_t at, uint32_t n, uint32_t lim, struct rec *r)
{
	switch (kind) {
	case R_CELL:
		return parse_cell(c, pg, at, lim, r);
	case R_HDR:
		return parse_hdr(c, pg, at, lim, r);
	default:
		return parse_part(c, pg, at, lim, kind, n, r);
	}
}

/*
 * The payload's values: from the page when they are all there, else
 * through the overflow chain when it is intact (every page a freelist
 * leaf of the current database, seen once, the length exact, the last
 * pointer 0).  *known: value bytes available, fewer when the chain is
 * gone or the cell was overwritten from trunc on.
 */
static const uint8_t *gather(struct rctx *c, const uint8_t *pg,
			     const struct rec *r, uint32_t trunc,
			     uint64_t *known)
{
	uint64_t need, npages, k;
	uint32_t pgno, id;
	size_t got;

	if (trunc < r->end) {
		*known = trunc > r->body ? MIN((uint64_t)(trunc - r->body),
					       r->payload - r->hlen) : 0;
		return pg + r->body;
	}
	*known = r->local - r->hlen;
	if (r->local == r->payload)
		return pg + r->body;
	need = r->payload - r->local;
	npages = (need + c->usable - 5) / (c->usable - 4);
	if (r->payload > SQLREC_MAX_PAYLOAD || npages > c->ncur ||
	    !c->stamp)
		return pg + r->body;
	id = ++c->chain;
	for (k = 0, pgno = r->ovfl; k < npages; k++) {
		const uint8_t *op;

		if (pgno < 1 || pgno > c->ncur ||
		    c->vc.kind[pgno] != K_FREE_LEAF || c->stamp[pgno] == id)
			return pg + r->body;
		c->stamp[pgno] = id;
		op = page_of(c, &c->vc, pgno);
		if (!op)
			return pg + r->body;
		pgno = get4(op);
		if ((k + 1 < npages) != (pgno != 0))
			return pg + r->body;
	}
	if (c->bufcap < r->payload) {
		uint8_t *nb = realloc(c->buf, (size_t)r->payload);

		if (!nb)
			return pg + r->body;
		c->buf = nb;
		c->bufcap = (size_t)r->payload;
	}
	memcpy(c->buf, pg + r->ps, r->local);
	got = r->local;
	for (pgno = r->ovfl; got < r->payload;) {
		const uint8_t *op = page_of(c, &c->vc, pgno);
		size_t n = MIN((size_t)(r->payload - got), c->usable - 4);

		memcpy(c->buf + got, op + 4, n);
		got += n;
		pgno = get4(op);
	}
	*known = r->payload - r->hlen;
	return c->buf + r->hlen;
}

static int64_t get_int(const uint8_t *p, unsigned len)
{
	uint64_t x = p[0] & 0x80 ? ~(uint64_t)0 : 0;

	for (unsigned i = 0; i < len; i++)
		x = x << 8 | p[i];
	return (int64_t)x;
}

/* Decode the n values into c->vals; false when a present value cannot
 * be (NaN, text that is not UTF-8 or holds NUL). */
static bool decode(struct rctx *c, uint32_t n, const uint8_t *body,
		   uint64_t known)
{
	uint64_t off = 0;

	for (uint32_t j = 0; j < n; j++) {
		struct spoor_sqlrec_value *v = &c->vals[j];
		uint64_t t = c->types[j], sz = type_size(t);
		const uint8_t *p = body + off;

		memset(v, 0, sizeof(*v));
		if (off + sz > known) {
			v->lost = true;
			off += sz;
			continue;
		}
		off += sz;
		switch (type_class(t)) {
		case C_NULL:
			v->type = SPOOR_SQLREC_T_NULL;
			break;
		case C_INT:
			v->type = SPOOR_SQLREC_T_INT;
			v->i = t == 8 ? 0 : t == 9 ? 1 : get_int(p,
							(unsigned)sz);
			break;
		case C_REAL: {
			uint64_t x = (uint64_t)get_int(p, 8);

			v->type = SPOOR_SQLREC_T_FLOAT;
			memcpy(&v->d, &x, sizeof(v->d));
			if (isnan(v->d))
				return false;
			break;
		}
		case C_TEXT:
			v->type = SPOOR_SQLREC_T_TEXT;
			v->p = p;
			v->len = (size_t)sz;
			if (memchr(p, 0, v->len) ||
			    !spoor_utf8_valid((const char *)p, v->len))
				return false;
			break;
		default:
			v->type = SPOOR_SQLREC_T_BLOB;
			v->p = p;
			v->len = (size_t)sz;
			break;
		}
	}
	return true;
}

/* Whether a value carries something of the row: not NULL, not a
 * constant 0/1 without bytes, not a run of zero bytes. */
static bool telling(const struct spoor_sqlrec_value *v, uint64_t type)
{
	if (v->lost || v->absent)
		return false;
	switch (v->type) {
	case SPOOR_SQLREC_T_INT:
		return type >= 1 && type <= 6;
	case SPOOR_SQLREC_T_FLOAT:
		return true;
	case SPOOR_SQLREC_T_TEXT:
	case SPOOR_SQLREC_T_BLOB:
		for (size_t i = 0; i < v->len; i++)
			if (v->p[i])
				return true;
		return false;
	default:
		return false;
	}
}

/* How many present values of the first n, but table t's rowid alias,
 * carry something of a row (c->vals as decode left them). */
static int evidence(const struct rctx *c, int t, uint32_t n)
{
	int tell = 0;

	for (uint32_t j = 0; j < n && j < c->tab[t].ncols; j++)
		if ((int)j != c->ti[t].alias &&
		    telling(&c->vals[j], c->types[j]))
			tell++;
	return tell;
}

/*
 * Where a record from start to end stops being its own: the end of its
 * free region (lim), or the first whole cell found in the region that
 * starts inside it (c->hits[0..c->nstrong), by start).  UINT32_MAX:
 * nowhere.
 */
static uint32_t cut_at(const struct rctx *c, uint32_t start, uint32_t end,
		       uint32_t lim)
{
	uint32_t cut = end > lim ? lim : UINT32_MAX;

	for (size_t i = 0; i < c->nstrong; i++) {
		uint32_t s = c->hits[i].start;

		if (s > start && s < end) {
			cut = MIN(cut, s);
			break;
		}
	}
	return cut;
}

/* Whether a parsed record's present values (up to lim and the whole
 * cells written into it) are sound. */
static bool values_ok(struct rctx *c, const uint8_t *pg, const struct rec *r,
		      uint32_t lim)
{
	uint64_t known;
	const uint8_t *body = gather(c, pg, r, cut_at(c, r->start, r->end,
						     lim), &known);

	return decode(c, r->n, body, known);
}

/*
 * Yield one record (the values of c->vals for its first n columns).  A
 * whole cell needs one telling value; a record whose start is gone
 * needs two, so that a run of zeros or a few stray bytes that happen
 * to parse as an all-NULL record is not taken for a row.
 */
static int yield(struct rctx *c, const struct pimg *im, const struct rec *r,
		 int table, enum spoor_sqlrec_source src)
{
	const struct spoor_sqlrec_table *T = &c->tab[table];
	const struct tinfo *ti = &c->ti[table];
	struct spoor_sqlrec_cand cand = { 0 };
	bool lost = false;
	int tell = evidence(c, table, r->n);

	for (size_t j = r->n; j < T->ncols; j++) {
		memset(&c->vals[j], 0, sizeof(c->vals[j]));
		c->vals[j].absent = true;
	}
	if (ti->alias >= 0 && (size_t)ti->alias < T->ncols) {
		struct spoor_sqlrec_value *v = &c->vals[ti->alias];

		memset(v, 0, sizeof(*v));
		if (r->have_rowid) {
			v->type = SPOOR_SQLREC_T_INT;
			v->i = r->rowid;
		} else {
			v->lost = true;
		}
	}
	for (size_t j = 0; j < T->ncols; j++)
		if (c->vals[j].lost)
			lost = true;
	if (tell < (r->kind == R_CELL ? 1 : 2)) {
		c->st->dropped++;	/* too little of the row is left */
		return 0;
	}
	cand.table = (size_t)table;
	cand.source = src;
	cand.have_rowid = r->have_rowid;
	cand.rowid = r->rowid;
	cand.page = im->pgno;
	cand.in_wal = im->in_wal;
	cand.offset = im->base + r->start;
	cand.length = r->end - r->start;
	cand.v = c->vals;
	cand.partial = lost || !r->have_rowid;
	c->st->found[src]++;
	if (c->cb && c->cb(c->ud, &cand)) {
		c->stop = SPOOR_ESTOPPED;
		return SPOOR_ESTOPPED;
	}
	return 0;
}

/* ---- free regions ---- */

static void add_hit(struct rctx *c, size_t *nh, const struct rec *r,
		    uint32_t lim, int kind, uint32_t at, int table, bool strong)
{
	struct hit *h;

	if (*nh >= SQLREC_MAX_HITS) {
		c->st->damaged++;
		return;
	}
	h = &c->hits[(*nh)++];
	h->at = at;
	h->start = r->start;
	h->end = r->end;
	/* its tail is under a newer cell */
	h->trunc = cut_at(c, r->start, r->end, lim);
	h->n = r->n;
	h->kind = kind;
	h->table = table;
	h->strong = strong;
}

/* A reading of a freeblock's head, weighed by head(). */
struct reading {
	struct rec r;
	int table, kind;
	uint32_t at;
	int64_t slack;			/* block end - reading end */
	int ev;				/* telling values */
};

#define MAX_READINGS 64

/* The one reading of set[0..n) that explains far more of the bytes
 * than any other (twice the telling values, and at least 4), or -1. */
static int dominant(const struct reading *set, const int *idx, int n)
{
	int best = -1, second = 0;

	for (int i = 0; i < n; i++) {
		int ev = set[idx[i]].ev;

		if (best < 0 || ev > set[best].ev) {
			if (best >= 0)
				second = set[best].ev;
			best = idx[i];
		} else if (ev > second) {
			second = ev;
		}
	}
	if (n == 1)
		return best;
	return best >= 0 && set[best].ev >= 4 && set[best].ev >= 2 * second ?
		best : -1;
}

/*
 * The first record of a freeblock at f of size z: its cell start was
 * overwritten.  Every reading (R_PART3 and R_PART2 for each column
 * count, a header 4..12 bytes in) that fits a table with two telling
 * values is weighed by its slack, the bytes between its end and the
 * block's: SQLite gives a freed cell a block of exactly its size, up to
 * 3 fragment bytes more, so the readings with the least slack up to 3
 * win.  A block merged with the next is longer and one that a newer
 * cell was cut from shorter: then all readings compete.  Among the
 * competitors one is kept when it is the only one or explains far more
 * of the bytes (dominant); otherwise the head is ambiguous and dropped.
 */
static void head(struct rctx *c, const struct pimg *im, uint32_t f,
		 uint32_t z, size_t *nh)
{
	struct reading set[MAX_READINGS];
	int idx[MAX_READINGS], n = 0, m = 0, pick;
	int64_t least = INT64_MAX;
	uint32_t lim = f + z;

	for (int kind = R_HDR; kind <= R_PART2 && n < MAX_READINGS; kind++) {
		uint32_t lo = kind == R_HDR ? 4 : kind == R_PART2 ? 2 : 1;
		uint32_t hi = kind == R_HDR ? 12 : (uint32_t)c->maxcols;

		for (uint32_t k = lo; k <= hi && n < MAX_READINGS; k++) {
			struct reading *x = &set[n];

			if (kind != R_HDR && !c->ncount[k])
				continue;
			x->at = kind == R_HDR ? f + k : f;
			if (!parse_at(c, im->pg, kind, x->at, k, lim, &x->r))
				continue;
			x->table = choose(c, &x->r, im->owner);
			if (x->table < 0 ||
			    !values_ok(c, im->pg, &x->r, lim))
				continue;
			x->ev = evidence(c, x->table, x->r.n);
			if (x->ev < 2)
				continue;
			x->kind = kind;
			x->slack = (int64_t)lim - x->r.end;
			if (x->slack >= 0 && x->slack <= 3)
				least = MIN(least, x->slack);
			n++;
		}
	}
	for (int i = 0; i < n; i++)
		if (least > 3 || set[i].slack == least)
			idx[m++] = i;
	if (!m)
		return;
	pick = dominant(set, idx, m);
	if (pick < 0) {
		c->st->dropped++;
		return;
	}
	add_hit(c, nh, &set[pick].r, lim, set[pick].kind, set[pick].at,
		set[pick].table, false);
}

/* A whole cell at s that fits a table: kept for now, judged by
 * strong_pass once all are known. */
static void cell_at(struct rctx *c, const struct pimg *im, uint32_t s,
		    uint32_t lim, size_t *nh)
{
	struct rec r;
	int t;

	if (!parse_cell(c, im->pg, s, lim, &r))
		return;
	t = choose(c, &r, im->owner);
	if (t < 0) {
		/* zeros parse as cells of NULLs: those are nothing */
		for (uint32_t j = 0; j < r.n; j++)
			if (c->types[j]) {
				c->st->dropped++;
				break;
			}
		return;
	}
	add_hit(c, nh, &r, lim, R_CELL, s, t, true);
}

/* Keep the whole cells whose values, up to the next whole cell inside
 * them, are sound. */
static size_t strong_pass(struct rctx *c, const struct pimg *im, size_t nh,
			  uint32_t lim)
{
	size_t kept = 0;

	c->nstrong = nh;
	for (size_t i = 0; i < nh; i++) {
		struct hit *h = &c->hits[i];
		struct rec r;

		if (!parse_cell(c, im->pg, h->at, lim, &r) ||
		    !values_ok(c, im->pg, &r, lim) ||
		    evidence(c, h->table, r.n) < 1) {
			h->table = -1;
			c->st->dropped++;
		}
	}
	for (size_t i = 0; i < nh; i++)
		if (c->hits[i].table >= 0)
			c->hits[kept++] = c->hits[i];
	c->nstrong = kept;
	for (size_t i = 0; i < kept; i++)
		c->hits[i].trunc = cut_at(c, c->hits[i].start,
					  c->hits[i].end, lim);
	return kept;
}

/* A bare record header at s that fits a table with sound values. */
static void hdr_at(struct rctx *c, const struct pimg *im, uint32_t s,
		   uint32_t lim, size_t *nh)
{
	struct rec r;
	int t;

	if (!parse_hdr(c, im->pg, s, lim, &r))
		return;
	t = choose(c, &r, im->owner);
	if (t >= 0 && values_ok(c, im->pg, &r, lim) &&
	    evidence(c, t, r.n) >= 2)
		add_hit(c, nh, &r, lim, R_HDR, s, t, false);
}

static int cmp_hit(const void *x, const void *y)
{
	const struct hit *a = x, *b = y;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->strong != b->strong)
		return (int)b->strong - (int)a->strong;
	/* the same record read twice: the reading that knows more */
	if (a->trunc != b->trunc)
		return a->trunc > b->trunc ? -1 : 1;
	return 0;
}

/*
 * Settle overlaps: a weak record starting inside another is a pattern
 * in its bytes and goes; a whole cell starting inside another record
 * was written over it, so that one's values from there on are lost.
 */
static size_t settle(struct hit *h, size_t n)
{
	size_t kept = 0;

	qsort(h, n, sizeof(*h), cmp_hit);
	for (size_t i = 0; i < n; i++) {
		bool inside = false;

		for (size_t k = 0; k < kept; k++) {
			if (h[k].start > h[i].start || h[k].end <= h[i].start)
				continue;
			inside = true;
			if (h[i].strong && h[i].start > h[k].start)
				h[k].trunc = MIN(h[k].trunc, h[i].start);
		}
		if (inside && !h[i].strong)
			continue;
		h[kept++] = h[i];
	}
	return kept;
}

static int emit_hits(struct rctx *c, const struct pimg *im, size_t nh,
		     uint32_t lim, enum spoor_sqlrec_source src)
{
	for (size_t i = 0; i < nh && !c->stop; i++) {
		const struct hit *h = &c->hits[i];
		uint64_t known;
		const uint8_t *body;
		struct rec r;

		if (!c->tab[h->table].wanted) {
			c->st->other_tables++;
			continue;
		}
		if (!parse_at(c, im->pg, h->kind, h->at, h->n, lim, &r))
			continue;	/* cannot happen: parsed before */
		body = gather(c, im->pg, &r, h->trunc, &known);
		if (!decode(c, r.n, body, known))
			continue;
		if (yield(c, im, &r, h->table, src))
			return c->stop;
	}
	return 0;
}

/*
 * Whether the 4 bytes at g can be the header of a freeblock that was
 * merged into the one before it: SQLite leaves it in place, and its
 * size is the size of the cell freed there.
 */
static bool stale_header(const struct rctx *c, const uint8_t *pg,
			 uint32_t g, uint32_t re)
{
	uint32_t next, z;

	if (g + 4 > re)
		return false;
	next = get2(pg + g);
	z = get2(pg + g + 2);
	return (!next || (next > g && next < c->usable)) && z >= 4 &&
		g + z <= re;
}

/* Free bytes [rs, re) of a page; fb: the freeblock starting at fb - 4
 * when the region is one (its head is read apart), else 0. */
static int scan_region(struct rctx *c, const struct pimg *im, uint32_t rs,
		       uint32_t re, uint32_t fb, enum spoor_sqlrec_source src)
{
	size_t nh = 0;

	if (re > c->usable)
		re = c->usable;
	if (rs >= re)
		return 0;
	c->nstrong = 0;
	for (uint32_t s = rs; s < re; s++)
		cell_at(c, im, s, re, &nh);
	nh = strong_pass(c, im, nh, re);
	if (fb)
		head(c, im, fb - 4, re - (fb - 4), &nh);
	for (uint32_t s = rs; s < re; s++) {
		/* a bare header near a freeblock's start is head()'s */
		if (!fb || s >= fb + 9)
			hdr_at(c, im, s, re, &nh);
		if (stale_header(c, im->pg, s, re))
			head(c, im, s, get2(im->pg + s + 2), &nh);
	}
	c->nstrong = 0;		/* cut_at is for this region only */
	nh = settle(c->hits, nh);
	return emit_hits(c, im, nh, re, src);
}

/* The b-tree page header of a page image (page 1 after the file's). */
static uint32_t hdr_of(uint32_t pgno)
{
	return pgno == 1 ? 100 : 0;
}

/*
 * A table leaf page as a whole: its cells when cells_src is not 0 (a
 * page no longer in the database), then its freeblocks and unallocated
 * space (fb_src, un_src); of a table's interior page only the free
 * space.  False when it is neither.
 */
static bool scan_leaf(struct rctx *c, const struct pimg *im,
		      enum spoor_sqlrec_source cells_src,
		      enum spoor_sqlrec_source fb_src,
		      enum spoor_sqlrec_source un_src)
{
	const uint8_t *pg = im->pg;
	uint32_t h = hdr_of(im->pgno), ncells, content, ptr_end, fb, nfb = 0;

	if (pg[h] != 0x0d && (pg[h] != 0x05 || cells_src))
		return false;
	ncells = get2(pg + h + 3);
	content = get2(pg + h + 5);
	if (!content)
		content = 65536;
	ptr_end = h + (pg[h] == 0x05 ? 12 : 8) + 2 * ncells;
	if (ptr_end > c->usable || content > c->usable) {
		c->st->damaged++;
		return false;
	}
	c->st->pages++;
	for (uint32_t i = 0; cells_src && i < ncells && !c->stop; i++) {
		uint32_t q = get2(pg + h + 8 + 2 * i);
		struct rec r;
		int t;

		if (q < ptr_end || q >= c->usable) {
			c->st->damaged++;
			continue;
		}
		if (!parse_cell(c, pg, q, c->usable, &r)) {
			c->st->dropped++;
			continue;
		}
		t = choose(c, &r, im->owner);
		if (t < 0 || !values_ok(c, pg, &r, c->usable)) {
			c->st->dropped++;
			continue;
		}
		if (!c->tab[t].wanted) {
			c->st->other_tables++;
			continue;
		}
		if (yield(c, im, &r, t, cells_src))
			return true;
	}
	for (fb = get2(pg + h + 1); fb && !c->stop; nfb++) {
		uint32_t size, next;

		if (fb < ptr_end || fb + 4 > c->usable ||
		    nfb > c->usable / 4) {
			c->st->damaged++;
			break;
		}
		size = get2(pg + fb + 2);
		next = get2(pg + fb);
		if (size < 4 || fb + size > c->usable) {
			c->st->damaged++;
			break;
		}
		scan_region(c, im, fb + 4, fb + size, fb + 4, fb_src);
		if (next && next < fb + size) {
			c->st->damaged++;
			break;
		}
		fb = next;
	}
	if (!c->stop && content > ptr_end)
		scan_region(c, im, ptr_end, content, 0, un_src);
	return true;
}

/* ---- the structure of a view: b-trees and the freelist ---- */

/* Note the record shapes live rows of table t use (fewest columns,
 * value classes per column). */
static void learn(struct rctx *c, const uint8_t *pg, uint32_t h, size_t t)
{
	uint32_t ncells = get2(pg + h + 3);
	struct tinfo *ti = &c->ti[t];

	if (!usable_table(c, t))
		return;
	for (uint32_t i = 0; i < ncells && h + 8 + 2 * i + 2 <= c->usable;
	     i++) {
		uint32_t q = get2(pg + h + 8 + 2 * i);
		struct rec r;

		if (q >= c->usable || !parse_cell(c, pg, q, c->usable, &r) ||
		    r.n > c->tab[t].ncols)
			continue;
		ti->nmin = MIN(ti->nmin, r.n);
		for (uint32_t j = 0; j < r.n; j++)
			ti->allow[j] |= type_class(c->types[j]);
	}
}

/* What the schema table's row at q says: rootpage of a table named in
 * c->tab, into root_main. */
static void schema_row(struct rctx *c, const uint8_t *pg, uint32_t q)
{
	struct rec r;
	uint64_t known;
	const uint8_t *body;
	const struct spoor_sqlrec_value *v = c->vals;
	uint8_t *filter = c->anyclass;

	c->anyclass = NULL;	/* the user tables' classes: not the schema's */
	if (!parse_cell(c, pg, q, c->usable, &r) || r.n < 4) {
		c->anyclass = filter;
		return;
	}
	c->anyclass = filter;
	body = gather(c, pg, &r, UINT32_MAX, &known);
	if (!decode(c, 4, body, known) || v[0].type != SPOOR_SQLREC_T_TEXT ||
	    v[0].len != 5 || memcmp(v[0].p, "table", 5) ||
	    v[1].type != SPOOR_SQLREC_T_TEXT ||
	    v[3].type != SPOOR_SQLREC_T_INT || v[3].i < 1 ||
	    v[3].i > UINT32_MAX)
		return;
	for (size_t t = 0; t < c->nt; t++)
		if (strlen(c->tab[t].name) == v[1].len &&
		    !memcmp(c->tab[t].name, v[1].p, v[1].len))
			c->ti[t].root_main = (uint32_t)v[3].i;
}

/* W_TABLE: mark a table's leaves; W_LEARN: and learn its rows' shapes;
 * W_SCHEMA: the schema table, whose rows give the main file's roots;
 * W_OTHER: only claim the pages. */
enum { W_TABLE, W_LEARN, W_SCHEMA, W_OTHER };

/*
 * Walk the table b-tree from root in view v: leaves become K_LEAF of
 * table t, interior pages K_OTHER.  A page seen twice (a loop, or two
 * trees claiming it), out of range or not a table page is damage, and
 * the walk does not go past it.
 */
static int walk(struct rctx *c, struct view *v, uint32_t root, size_t t,
		int mode)
{
	uint32_t *stack, sp = 0, cap = 64;

	stack = malloc(cap * sizeof(*stack));
	if (!stack)
		return SPOOR_ENOMEM;
	stack[sp++] = root;
	while (sp) {
		uint32_t p = stack[--sp], h = hdr_of(p), ncells;
		const uint8_t *pg;

		if (p < 1 || p > v->n || v->kind[p] ||
		    !(pg = page_of(c, v, p))) {
			c->st->damaged++;
			continue;
		}
		ncells = get2(pg + h + 3);
		if (pg[h] == 0x0d) {
			bool tree = mode == W_TABLE || mode == W_LEARN;

			v->kind[p] = tree ? K_LEAF : K_OTHER;
			if (tree)
				v->owner[p] = (uint32_t)t + 1;
			if (mode == W_LEARN)
				learn(c, pg, h, t);
			for (uint32_t i = 0; mode == W_SCHEMA && i < ncells &&
			     h + 8 + 2 * i + 2 <= c->usable; i++) {
				uint32_t q = get2(pg + h + 8 + 2 * i);

				if (q < c->usable)
					schema_row(c, pg, q);
			}
			continue;
		}
		if (pg[h] != 0x05 || h + 12 + 2 * ncells > c->usable) {
			c->st->damaged++;
			continue;
		}
		v->kind[p] = K_OTHER;
		if (mode == W_TABLE || mode == W_LEARN) {
			v->kind[p] = K_INNER;
			v->owner[p] = (uint32_t)t + 1;
		}
		if (sp + ncells + 1 > cap) {
			uint32_t ncap = MAX(cap * 2, sp + ncells + 1);
			uint32_t *ns;

			if (ncap > 4 * v->n + 64) {	/* cannot be a tree */
				c->st->damaged++;
				continue;
			}
			ns = realloc(stack, ncap * sizeof(*ns));
			if (!ns) {
				free(stack);
				return SPOOR_ENOMEM;
			}
			stack = ns;
			cap = ncap;
		}
		stack[sp++] = get4(pg + h + 8);
		for (uint32_t i = ncells; i-- > 0;) {
			uint32_t q = get2(pg + h + 12 + 2 * i);

			if (q + 4 <= c->usable)
				stack[sp++] = get4(pg + q);
		}
	}
	free(stack);
	return 0;
}

/* Mark the freelist of view v: trunks K_FREE_TRUNK, leaves K_FREE_LEAF;
 * a page already claimed, out of range or seen twice stops it. */
static void freelist(struct rctx *c, struct view *v)
{
	const uint8_t *p1 = page_of(c, v, 1);
	uint32_t trunk = p1 ? get4(p1 + 32) : 0, ntrunk = 0;
	uint32_t maxleaf = c->usable / 4 - 2;

	while (trunk && !c->stop) {
		const uint8_t *pg;
		uint32_t nleaf;

		if (trunk > v->n || v->kind[trunk] || ++ntrunk > v->n ||
		    !(pg = page_of(c, v, trunk))) {
			c->st->damaged++;
			return;
		}
		v->kind[trunk] = K_FREE_TRUNK;
		nleaf = get4(pg + 4);
		if (nleaf > maxleaf) {
			c->st->damaged++;
			nleaf = maxleaf;
		}
		for (uint32_t i = 0; i < nleaf; i++) {
			uint32_t l = get4(pg + 8 + 4 * i);

			if (l < 1 || l > v->n || v->kind[l]) {
				c->st->damaged++;
				continue;
			}
			v->kind[l] = K_FREE_LEAF;
		}
		trunk = get4(pg);
	}
}

static int view_init(struct view *v, uint32_t n, bool main)
{
	v->n = n;
	v->main = main;
	v->owner = calloc((size_t)n + 1, sizeof(*v->owner));
	v->kind = calloc((size_t)n + 1, 1);
	return v->owner && v->kind ? 0 : SPOOR_ENOMEM;
}

static void view_free(struct view *v)
{
	free(v->owner);
	free(v->kind);
}

/* The current view: every table's tree (learning the live rows'
 * shapes), the schema's, then the freelist. */
static int build_current(struct rctx *c)
{
	int rc = view_init(&c->vc, c->ncur, false);

	for (size_t t = 0; !rc && t < c->nt; t++)
		if (c->tab[t].root > 1)
			rc = walk(c, &c->vc, c->tab[t].root, t, W_LEARN);
	if (!rc)
		rc = walk(c, &c->vc, 1, 0, W_OTHER);
	if (!rc && !(c->ncount = calloc(c->maxcols + 1, 1)))
		rc = SPOOR_ENOMEM;
	for (size_t t = 0; !rc && t < c->nt; t++)
		for (size_t n = c->ti[t].nmin; usable_table(c, t) &&
		     n <= c->tab[t].ncols; n++)
			c->ncount[n] = 1;
	if (!rc && !(c->anyclass = calloc(c->maxcols + 1, 1)))
		rc = SPOOR_ENOMEM;
	for (size_t t = 0; !rc && t < c->nt; t++)
		for (size_t j = 0; usable_table(c, t) &&
		     j < c->tab[t].ncols; j++)
			c->anyclass[j] |= (int)j == c->ti[t].alias ? C_NULL
				: c->ti[t].allow[j];
	if (!rc) {
		freelist(c, &c->vc);
		c->stamp = calloc((size_t)c->ncur + 1, sizeof(*c->stamp));
		if (!c->stamp)
			rc = SPOOR_ENOMEM;
	}
	return rc;
}

/* The main file's own view, with the root pages its schema gives. */
static int build_main(struct rctx *c)
{
	int rc = view_init(&c->vm, c->nmain, true);

	if (!rc)
		rc = walk(c, &c->vm, 1, 0, W_SCHEMA);
	for (size_t t = 0; !rc && t < c->nt; t++)
		if (c->ti[t].root_main > 1)
			rc = walk(c, &c->vm, c->ti[t].root_main, t, W_TABLE);
	if (!rc)
		freelist(c, &c->vm);
	return rc;
}

/* ---- the scan ---- */

/* A free page: a leaf that is still a table leaf is read as one, other
 * leaves and the rest of a trunk byte by byte. */
static void scan_free(struct rctx *c, const struct pimg *im, uint8_t kind)
{
	uint32_t from = 0;

	if (kind == K_FREE_LEAF &&
	    scan_leaf(c, im, SPOOR_SQLREC_FREELIST, SPOOR_SQLREC_FREELIST,
		      SPOOR_SQLREC_FREELIST))
		return;
	if (kind == K_FREE_TRUNK)
		from = 8 + 4 * MIN(get4(im->pg + 4), c->usable / 4 - 2);
	c->st->pages++;
	scan_region(c, im, from, c->usable, 0, SPOOR_SQLREC_FREELIST);
}

static void scan_current(struct rctx *c)
{
	for (uint32_t p = 1; p <= c->ncur && !c->stop; p++) {
		struct pimg im = { NULL, p, false, 0, c->vc.owner[p] };
		uint8_t kind = c->vc.kind[p];

		if (kind != K_LEAF && kind != K_INNER &&
		    kind != K_FREE_LEAF && kind != K_FREE_TRUNK)
			continue;
		im.pg = page_cur(c, p, &im.in_wal, &im.base);
		if (!im.pg)
			continue;
		if (kind == K_LEAF || kind == K_INNER)
			scan_leaf(c, &im, 0, SPOOR_SQLREC_FREEBLOCK,
				  SPOOR_SQLREC_UNALLOCATED);
		else
			scan_free(c, &im, kind);
	}
}

/* The main file's pages that the WAL replaced, as the main file saw
 * them: its leaves' cells are rows the WAL deleted (or changed). */
static void scan_main(struct rctx *c)
{
	for (uint32_t p = 1; p <= c->nmain && !c->stop; p++) {
		struct pimg im = { NULL, p, false, 0, 0 };
		uint8_t kind = c->vm.kind[p];

		if (p > c->ncur || !c->cur[p])
			continue;	/* not replaced: scanned as current */
		im.pg = page_main(c, p);
		im.base = (uint64_t)(p - 1) * c->psz;
		im.owner = c->vm.owner[p];
		if (kind == K_LEAF || kind == K_INNER)
			scan_leaf(c, &im, kind == K_LEAF ? SPOOR_SQLREC_MAIN
				  : 0, SPOOR_SQLREC_FREEBLOCK,
				  SPOOR_SQLREC_UNALLOCATED);
		else if (kind == K_FREE_LEAF || kind == K_FREE_TRUNK)
			scan_free(c, &im, kind);
	}
}

/* Older frames: whole table leaves of a past moment. */
static void scan_old_frames(struct rctx *c)
{
	for (uint32_t i = 0; i < c->nframes && !c->stop; i++) {
		uint64_t off = frame_off(c, i);
		struct pimg im = { NULL, get4(c->wal + off), true, off + 24,
				   0 };

		if (c->fkind[i] != F_OLD || im.pgno < 2)
			continue;
		im.pg = c->wal + im.base;
		if (im.pgno <= c->ncur)
			im.owner = c->vc.owner[im.pgno];
		if (!im.owner && c->vm.kind && im.pgno <= c->nmain)
			im.owner = c->vm.owner[im.pgno];
		scan_leaf(c, &im, SPOOR_SQLREC_WAL_SUPERSEDED,
			  SPOOR_SQLREC_WAL_SUPERSEDED,
			  SPOOR_SQLREC_WAL_SUPERSEDED);
	}
}

static void rctx_free(struct rctx *c)
{
	for (size_t t = 0; c->ti && t < c->nt; t++)
		free(c->ti[t].allow);
	free(c->ti);
	free(c->cur);
	free(c->fkind);
	free(c->stamp);
	free(c->types);
	free(c->ncount);
	free(c->anyclass);
	free(c->vals);
	free(c->buf);
	free(c->hits);
	view_free(&c->vc);
	view_free(&c->vm);
}

int spoor_sqlrec_scan(const unsigned char *db, size_t dblen,
		      const unsigned char *wal, size_t wallen,
		      const struct spoor_sqlrec_table *tables, size_t ntables,
		      spoor_sqlrec_cb *cb, void *userdata,
		      struct spoor_sqlrec_stats *st, struct spoor_err *err)
{
	struct spoor_sqlrec_stats dummy;
	struct rctx c = { 0 };
	int rc;

	if (!st)
		st = &dummy;
	memset(st, 0, sizeof(*st));
	c.db = db;
	c.dblen = db ? dblen : 0;
	c.wal = wal;
	c.wallen = wal ? wallen : 0;
	c.tab = tables;
	c.nt = tables ? ntables : 0;
	c.cb = cb;
	c.ud = userdata;
	c.st = st;
	rc = read_header(&c, err);
	if (rc)
		return rc;
	rc = tables_init(&c);
	if (!rc)
		rc = read_wal(&c);
	if (!rc && !(c.hits = calloc(SQLREC_MAX_HITS, sizeof(*c.hits))))
		rc = SPOOR_ENOMEM;
	if (!rc)
		rc = build_current(&c);
	if (!rc && c.wal_commits)
		rc = build_main(&c);
	if (!rc)
		scan_current(&c);
	if (!rc && !c.stop && c.wal_commits)
		scan_main(&c);
	if (!rc && !c.stop && c.fkind)
		scan_old_frames(&c);
	if (!rc)
		rc = c.stop;
	rctx_free(&c);
	if (rc == SPOOR_ENOMEM)
		return spoor_err_set(err, rc, ENOMEM, "out of memory");
	if (rc == SPOOR_ESTOPPED)
		return spoor_err_set(err, rc, 0, "stopped");
	return rc;
}
