/*
 * t-hashdb: hash sets built by external merge sort with a small memory
 * bound (many runs) against an in-memory qsort oracle; a hit/miss table
 * at the boundaries (first, last, the neighbours value +- 1 of present
 * entries); categories; and damaged .sdb files, which must be refused
 * (or at least never crash) on open and lookup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spoor.h"
#include "tap.h"

#define N 120000	/* > 1 MiB of records: several sorted runs */

static uint64_t rng = 88172645463325252ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int cmp32(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

/* big-endian +1 / -1 of a digest: its neighbours in sort order */
static void step(unsigned char *d, size_t len, int dir)
{
	for (size_t i = len; i-- > 0;) {
		if (dir > 0 && d[i]++ != 0xff)
			return;
		if (dir < 0 && d[i]-- != 0x00)
			return;
	}
}

static char dir[] = "/tmp/t-hashdb.XXXXXX";

static char *path(const char *name)
{
	static char buf[8][256];
	static int k;

	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

static unsigned char *slurp(const char *p, size_t *n)
{
	FILE *f = fopen(p, "rb");
	unsigned char *buf;
	long sz;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	rewind(f);
	buf = malloc((size_t)sz);
	if (buf && fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*n = (size_t)sz;
	return buf;
}

static void spit(const char *p, const unsigned char *buf, size_t n)
{
	FILE *f = fopen(p, "wb");

	if (f) {
		fwrite(buf, 1, n, f);
		fclose(f);
	}
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Damaged copies of a good set: each must be refused on open. */
static const struct {
	const char *what;
	size_t off;		/* where to write */
	int kind;		/* 0 truncate to off; 1 write byte; 2 u64 */
	uint64_t v;
	int code;
} damage[] = {
	{ "empty file", 0, 0, 0, SPOOR_EFORMAT },
	{ "truncated header", 100, 0, 0, SPOOR_EFORMAT },
	{ "header only", 512, 0, 0, SPOOR_EFORMAT },
	{ "truncated by one byte", (size_t)-1, 0, 0, SPOOR_EFORMAT },
	{ "wrong magic", 0, 1, 'X', SPOOR_EFORMAT },
	{ "unknown version", 8, 1, 9, SPOOR_EUNSUPPORTED },
	{ "unknown kind", 12, 1, 7, SPOOR_EFORMAT },
	{ "file size field", 24, 2, 1ULL << 40, SPOOR_EFORMAT },
	{ "inputs outside", 40, 2, 1ULL << 40, SPOOR_EFORMAT },
	{ "categories outside", 56, 2, ~0ULL - 3, SPOOR_EFORMAT },
	{ "too many categories", 36, 2, 70000, SPOOR_EFORMAT },
	{ "sha256 count too big", 72 + 64, 2, 1ULL << 33, SPOOR_EFORMAT },
	{ "sha256 count + 1", 72 + 64, 2, 0, SPOOR_EFORMAT },
	{ "sha256 offset outside", 72 + 64 + 8, 2, ~0ULL, SPOOR_EFORMAT },
	{ "sha256 fan-out bits", 72 + 64 + 31, 1, 60, SPOOR_EFORMAT },
	{ "sha256 fan-out outside", 72 + 64 + 24, 2, 1ULL << 50,
	  SPOOR_EFORMAT },
	{ "name unterminated", 200, 3, 0, SPOOR_EFORMAT },
};

int main(void)
{
	static unsigned char want[N + 1000][32];
	struct spoor_hashdb_build_opts o = { 0 };
	struct spoor_hashdb_build_stats bs;
	struct spoor_hashdb_builder *b;
	struct spoor_hashdb *db;
	struct spoor_hashdb_info inf;
	struct spoor_err err;
	size_t nwant = 0, nuniq, size = 0;
	unsigned char *good;
	const char *cat;
	int rc;

	if (!mkdtemp(dir))
		return 1;
	/* ---- build with 1 MiB: N + 1000 duplicates ---- */
	o.name = "unit";
	o.kind = SPOOR_HDB_KNOWN_BAD;
	o.category = "default";
	o.mem_limit = 1 << 20;
	b = spoor_hashdb_builder_new(path("a.sdb"), &o, &err);
	ok(b != NULL, "builder");
	for (size_t i = 0; i < N; i++) {
		for (int j = 0; j < 4; j++) {
			uint64_t r = next();

			memcpy(want[nwant] + 8 * j, &r, 8);
		}
		if (i == 0)	/* the extremes are digests too */
			memset(want[nwant], 0, 32);
		if (i == 1)
			memset(want[nwant], 0xff, 32);
		rc = spoor_hashdb_builder_add(b, SPOOR_SHA256, want[nwant],
					      i % 1000 == 7 ? "1" : NULL,
					      &err);
		if (rc)
			break;
		nwant++;
	}
	is_int(rc, 0, "add N digests");
	for (size_t i = 0; i < 1000; i++) {
		/* duplicates, some with another category (seen later) */
		memcpy(want[nwant], want[i * 97], 32);
		spoor_hashdb_builder_add(b, SPOOR_SHA256, want[nwant],
					 i % 2 ? "2" : NULL, &err);
		nwant++;
	}
	rc = spoor_hashdb_builder_finish(b, &bs, &err);
	is_int(rc, 0, "finish");
	spoor_hashdb_builder_free(b);
	ok(bs.runs > 1, "several sorted runs (%llu)",
	   (unsigned long long)bs.runs);
	ok(access(path("a.sdb.tmp"), F_OK) != 0, "no .tmp left");

	/* the oracle: qsort + dedupe in memory */
	qsort(want, nwant, 32, cmp32);
	nuniq = 0;
	for (size_t i = 0; i < nwant; i++)
		if (!nuniq || memcmp(want[nuniq - 1], want[i], 32))
			memcpy(want[nuniq++], want[i], 32);
	is_int((long long)bs.unique[2], (long long)nuniq,
	       "unique count as qsort + dedupe");
	is_int((long long)bs.added[2], (long long)nwant, "added count");

	db = spoor_hashdb_open(path("a.sdb"), &err);
	ok(db != NULL, "open: %s", db ? "ok" : err.msg);
	if (!db)
		return done_testing();
	spoor_hashdb_get_info(db, &inf);
	is_str(inf.name, "unit", "name");
	is_int(inf.kind, SPOOR_HDB_KNOWN_BAD, "kind");
	is_int((long long)inf.count[2], (long long)nuniq, "count");
	is_int(spoor_hashdb_verify(db, &err), 0, "verify");
	{
		/* every entry in order equals the oracle */
		size_t same = 0;

		for (size_t i = 0; i < nuniq; i++) {
			const unsigned char *d;

			if (!spoor_hashdb_entry(db, SPOOR_SHA256, i, &d, NULL)
			    && !memcmp(d, want[i], 32))
				same++;
		}
		is_int((long long)same, (long long)nuniq,
		       "entries equal the sorted oracle");
	}
	{
		/* every present digest hits; its neighbours +-1 miss unless
		 * they are present too (checked against the oracle) */
		size_t hits = 0, wrong = 0, idx[] = { 0, 1, 2, nuniq / 2,
			nuniq - 2, nuniq - 1 };

		for (size_t i = 0; i < nuniq; i++)
			hits += spoor_hashdb_lookup(db, SPOOR_SHA256, want[i],
						    NULL);
		is_int((long long)hits, (long long)nuniq, "every entry hits");
		for (size_t k = 0; k < sizeof(idx) / sizeof(idx[0]); k++) {
			for (int dirn = -1; dirn <= 1; dirn += 2) {
				unsigned char d[32];
				bool present;

				memcpy(d, want[idx[k]], 32);
				step(d, 32, dirn);
				present = bsearch(d, want, nuniq, 32, cmp32);
				if (spoor_hashdb_lookup(db, SPOOR_SHA256, d,
							NULL) != present)
					wrong++;
			}
		}
		is_int((long long)wrong, 0, "neighbours of first, last and "
		       "middle entries");
		for (size_t i = 0; i < 20000; i++) {
			unsigned char d[32];

			for (int j = 0; j < 4; j++) {
				uint64_t r = next();

				memcpy(d + 8 * j, &r, 8);
			}
			if (spoor_hashdb_lookup(db, SPOOR_SHA256, d, NULL) !=
			    (bsearch(d, want, nuniq, 32, cmp32) != NULL))
				wrong++;
		}
		is_int((long long)wrong, 0, "random digests miss");
		ok(!spoor_hashdb_lookup(db, SPOOR_MD5, want[5], NULL),
		   "an algorithm without entries misses");
	}
	{
		unsigned char *hit = malloc(nuniq);
		size_t h = spoor_hashdb_lookup_many(db, SPOOR_SHA256,
						    &want[0][0], nuniq, hit);

		is_int((long long)h, (long long)nuniq, "lookup_many: all hit");
		free(hit);
	}
	{
		/* categories: "1" for every 1000th of the first N (i % 1000
		 * == 7), the default elsewhere; "1" beats a later "2" */
		int n1 = 0, n2 = 0, nd = 0;

		for (size_t i = 0; i < nuniq; i++) {
			spoor_hashdb_lookup(db, SPOOR_SHA256, want[i], &cat);
			n1 += !strcmp(cat, "1");
			n2 += !strcmp(cat, "2");
			nd += !strcmp(cat, "default");
		}
		ok(n1 >= 119 && n1 <= 120, "category 1 kept (%d)", n1);
		ok(n2 > 0 && n2 <= 500, "category 2 for duplicates that had "
		   "none (%d)", n2);
		is_int(n1 + n2 + nd, (long long)nuniq, "every entry has a "
		       "category");
	}
	spoor_hashdb_close(db);

	/* ---- damaged files ---- */
	good = slurp(path("a.sdb"), &size);
	for (size_t i = 0; good && i < sizeof(damage) / sizeof(damage[0]);
	     i++) {
		unsigned char *c = malloc(size);
		size_t n = size;

		memcpy(c, good, size);
		if (damage[i].kind == 0)
			n = damage[i].off == (size_t)-1 ? size - 1
			    : damage[i].off;
		else if (damage[i].kind == 1)
			c[damage[i].off] = (unsigned char)damage[i].v;
		else if (damage[i].kind == 3)
			memset(c + damage[i].off, 'x', 128);
		else if (damage[i].v == 0)	/* count + 1 */
			c[damage[i].off]++;
		else
			put64(c + damage[i].off, damage[i].v);
		spit(path("bad.sdb"), c, n);
		spoor_err_clear(&err);
		db = spoor_hashdb_open(path("bad.sdb"), &err);
		ok(db == NULL && err.code == damage[i].code, "%s: refused "
		   "(%s)", damage[i].what, err.msg);
		spoor_hashdb_close(db);
		free(c);
	}
	{
		/* swap two entries: verify finds it */
		unsigned char *c = malloc(size), t[32];
		size_t off = 512;

		memcpy(c, good, size);
		/* find the sha256 offset in the header */
		off = 0;
		for (int k = 0; k < 8; k++)
			off |= (size_t)c[72 + 64 + 8 + k] << (8 * k);
		memcpy(t, c + off + 32 * 500, 32);
		memcpy(c + off + 32 * 500, c + off + 32 * 501, 32);
		memcpy(c + off + 32 * 501, t, 32);
		spit(path("swap.sdb"), c, size);
		db = spoor_hashdb_open(path("swap.sdb"), &err);
		ok(db && spoor_hashdb_verify(db, &err) == SPOOR_EFORMAT,
		   "two swapped entries: verify fails");
		spoor_hashdb_close(db);
		free(c);
	}
	{
		/* random damage: never a crash (ASan/UBSan watch this) */
		int opened = 0;

		for (int i = 0; i < 300; i++) {
			unsigned char *c = malloc(size);

			memcpy(c, good, size);
			for (int k = 0; k < 4; k++)
				c[next() % (i % 2 ? 512 : size)] ^=
					(unsigned char)(1u << (next() % 8));
			spit(path("fuzz.sdb"), c, size);
			db = spoor_hashdb_open(path("fuzz.sdb"), &err);
			if (db) {
				opened++;
				for (size_t k = 0; k < 2000; k++)
					spoor_hashdb_lookup(db, SPOOR_SHA256,
							    want[k * 37 %
								 nuniq], &cat);
				spoor_hashdb_verify(db, &err);
			}
			spoor_hashdb_close(db);
			free(c);
		}
		ok(1, "300 randomly damaged sets: no crash (%d opened)",
		   opened);
	}
	free(good);

	/* ---- names and kinds ---- */
	{
		enum spoor_hashdb_kind k;
		enum spoor_hashdb_format f;

		is_int(spoor_hashdb_kind_parse("known-bad", &k, &err), 0,
		       "kind known-bad");
		is_int(spoor_hashdb_kind_parse("bad", &k, &err), SPOOR_EINVAL,
		       "kind bad");
		is_int(spoor_hashdb_format_parse("vics", &f, &err), 0,
		       "format vics");
		is_str(spoor_hashdb_format_name(SPOOR_HDB_FMT_RDS), "rds",
		       "format name");
	}
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			diag("cannot remove %s", dir);
	}
	return done_testing();
}
