/*
 * hashdb_pdq.c: PDQ entries of a hash set (.sdb) and their near-match
 * index: multi-index hashing.
 *
 * Section layout (little-endian; offsets in the header, see hashdb.c):
 *
 *   entries[count] of 40 bytes, sorted by hash, unique:
 *     hash[32] | u16 category | u8 quality (255: unknown) | u8 0 |
 *     u32 extra (1 + offset into the extras, 0: none)
 *   extras: per entry that has one, label NUL photodna NUL
 *   index: per band b = 0..15 (bits 16b..16b+15 of the hash, i.e. bytes
 *     2b and 2b+1 read big-endian):
 *       start[65537] u32   entries whose band value is v are
 *                          refs[start[v] .. start[v+1])
 *       refs[count]        by band value, 16 bytes each: u32 entry
 *                          number, then the 96 bits of the next six
 *                          bands (b+1 .. b+6, mod 16) of its hash
 *
 * Two hashes within distance d differ in at most floor(d / 16) bits in
 * at least one of the 16 bands (pigeonhole), so a search probes, in
 * every band, the query's band value and every value within that many
 * bits of it.  A bucket's refs are read in sequence; the band and the
 * 96 bits beside it bound the distance from below, which rejects a
 * random candidate without touching its entry (a 1M-hash set has ~15
 * entries per bucket and 272 buckets per query), and the survivors
 * are verified by popcount.  A candidate is reported from the first
 * band that finds it only, so no memory is needed to drop duplicates.
 * Everything is checked on open: a hostile index cannot send a lookup
 * outside the file.
 */
#include "hashdb.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"

#define ENTRY 40
#define BANDS 16
#define BAND_VALUES 65536
#define MAX_LABEL 255
#define MAX_PHOTODNA 1024
#define MAX_ENTRIES ((size_t)1 << 26)
#define REF 16		/* u32 entry number + 12 bytes of sketch */
#define SKETCH 12

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t rd64(const unsigned char *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void wr32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void wr64(unsigned char *p, uint64_t v)
{
	wr32(p, (uint32_t)v);
	wr32(p + 4, (uint32_t)(v >> 32));
}


static unsigned band_of(const unsigned char *hash, int b)
{
	return (unsigned)hash[2 * b] << 8 | hash[2 * b + 1];
}

/* The 96 bits of bands b+1 .. b+6 (mod 16) of a hash. */
static void sketch_of(const unsigned char *hash, int b,
		      unsigned char out[SKETCH])
{
	for (int i = 0; i < SKETCH; i++)
		out[i] = hash[(2 * (b + 1) + i) % SPOOR_PDQ_BYTES];
}

/* ---- building ---- */

struct pdq_rec {
	unsigned char e[ENTRY];
	uint32_t seq;		/* insertion order: the first one wins */
};

struct hdb_pdq_build {
	struct pdq_rec *recs;
	size_t n, cap;
	struct sbuf extras;
	int max_distance, min_quality;
};

struct hdb_pdq_build *hdb_pdq_build_new(int max_distance, int min_quality)
{
	struct hdb_pdq_build *pb = calloc(1, sizeof(*pb));

	if (!pb)
		return NULL;
	pb->extras.max = (size_t)1 << 30;
	pb->max_distance = max_distance;
	pb->min_quality = min_quality;
	return pb;
}

void hdb_pdq_build_free(struct hdb_pdq_build *pb)
{
	if (!pb)
		return;
	free(pb->recs);
	sbuf_release(&pb->extras);
	free(pb);
}

uint64_t hdb_pdq_build_count(const struct hdb_pdq_build *pb)
{
	return pb ? pb->n : 0;
}

int hdb_pdq_build_add(struct hdb_pdq_build *pb,
		      const unsigned char hash[SPOOR_PDQ_BYTES], int quality,
		      uint16_t cat, const char *label, const char *photodna,
		      struct spoor_err *err)
{
	struct pdq_rec *r;
	size_t ll = label ? strlen(label) : 0;
	size_t pl = photodna ? strlen(photodna) : 0;

	if (pb->n >= MAX_ENTRIES)
		return spoor_err_set(err, SPOOR_ELIMIT, 0, "more than %zu PDQ "
				     "hashes", MAX_ENTRIES);
	if (ll > MAX_LABEL || pl > MAX_PHOTODNA)
		return spoor_err_set(err, SPOOR_ELIMIT, 0, "PDQ label or "
				     "PhotoDNA value too long");
	if (spoor_grow(&pb->recs, &pb->cap, pb->n, sizeof(*pb->recs)))
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	r = &pb->recs[pb->n];
	memset(r, 0, sizeof(*r));
	memcpy(r->e, hash, SPOOR_PDQ_BYTES);
	r->e[32] = (unsigned char)cat;
	r->e[33] = (unsigned char)(cat >> 8);
	r->e[34] = quality < 0 || quality > 100 ? 255 : (unsigned char)quality;
	if (ll || pl) {
		if (pb->extras.len >= UINT32_MAX - 2048)
			return spoor_err_set(err, SPOOR_ELIMIT, 0, "PDQ labels "
					     "too large");
		wr32(r->e + 36, (uint32_t)pb->extras.len + 1);
		sbuf_add(&pb->extras, label ? label : "", ll + 1 - !label);
		if (!label)
			sbuf_addc(&pb->extras, '\0');
		sbuf_add(&pb->extras, photodna ? photodna : "", pl);
		sbuf_addc(&pb->extras, '\0');
		if (pb->extras.failed)
			return spoor_err_set(err, SPOOR_ENOMEM, 0,
					     "out of memory");
	}
	r->seq = (uint32_t)pb->n++;
	return SPOOR_OK;
}

static int cmp_pdq_rec(const void *x, const void *y)
{
	const struct pdq_rec *a = x, *b = y;
	int c = memcmp(a->e, b->e, SPOOR_PDQ_BYTES);

	if (c)
		return c;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

/* Sort and drop repeated hashes (the first added wins). */
static size_t sort_unique(struct hdb_pdq_build *pb, uint64_t *conflicts)
{
	size_t k = 0;

	qsort(pb->recs, pb->n, sizeof(*pb->recs), cmp_pdq_rec);
	for (size_t i = 0; i < pb->n; i++) {
		if (k && !memcmp(pb->recs[k - 1].e, pb->recs[i].e,
				 SPOOR_PDQ_BYTES)) {
			if (memcmp(pb->recs[k - 1].e + 32, pb->recs[i].e + 32,
				   2))
				(*conflicts)++;
			continue;
		}
		pb->recs[k++] = pb->recs[i];
	}
	return k;
}

int hdb_pdq_write(struct hdb_pdq_build *pb, struct hdb_out_fn *o,
		  unsigned char *hdr, struct spoor_hashdb_build_stats *st,
		  struct spoor_err *err)
{
	uint32_t *start = NULL, *ids = NULL, *fill = NULL;
	unsigned char ref[REF];
	unsigned char *h = hdr + HDB_H_PDQ;
	size_t n;

	if (!pb || !pb->n)
		return SPOOR_OK;
	n = sort_unique(pb, &st->category_conflicts);
	st->pdq_added = pb->n;
	st->pdq_unique = n;
	start = malloc((BAND_VALUES + 1) * sizeof(*start));
	fill = malloc(BAND_VALUES * sizeof(*fill));
	ids = malloc(n * sizeof(*ids));
	if (!start || !fill || !ids) {
		free(start);
		free(fill);
		free(ids);
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	}
	o->align(o->o);
	wr64(h, n);
	wr64(h + 8, *o->off);
	for (size_t i = 0; i < n; i++)
		o->add(o->o, pb->recs[i].e, ENTRY);
	wr64(h + 24, *o->off);
	wr64(h + 32, pb->extras.len);
	o->add(o->o, pb->extras.buf, pb->extras.len);
	o->align(o->o);
	wr64(h + 16, *o->off);
	for (int b = 0; b < BANDS; b++) {
		unsigned char le[4];

		/* a counting sort of the entries by band value */
		memset(start, 0, (BAND_VALUES + 1) * sizeof(*start));
		for (size_t i = 0; i < n; i++)
			start[band_of(pb->recs[i].e, b) + 1]++;
		for (size_t v = 0; v < BAND_VALUES; v++)
			start[v + 1] += start[v];
		memcpy(fill, start, BAND_VALUES * sizeof(*fill));
		for (size_t i = 0; i < n; i++)
			ids[fill[band_of(pb->recs[i].e, b)]++] = (uint32_t)i;
		for (size_t v = 0; v <= BAND_VALUES; v++) {
			wr32(le, start[v]);
			o->add(o->o, le, 4);
		}
		for (size_t i = 0; i < n; i++) {
			wr32(ref, ids[i]);
			sketch_of(pb->recs[ids[i]].e, b, ref + 4);
			o->add(o->o, ref, REF);
		}
	}
	wr32(h + 40, (uint32_t)pb->max_distance);
	wr32(h + 44, (uint32_t)pb->min_quality);
	free(start);
	free(fill);
	free(ids);
	return SPOOR_OK;
}

/* ---- reading ---- */

static size_t band_bytes(uint64_t count)
{
	return (size_t)(BAND_VALUES + 1) * 4 + (size_t)count * REF;
}

int hdb_pdq_load(struct hdb_pdq *p, const unsigned char *map, size_t size,
		 const char *path, struct spoor_err *err)
{
	const unsigned char *h = map + HDB_H_PDQ;
	uint64_t count = rd64(h), off = rd64(h + 8), idx = rd64(h + 16);
	uint64_t xoff = rd64(h + 24), xlen = rd64(h + 32);

	memset(p, 0, sizeof(*p));
	if (!count) {
		if (off || idx || xoff || xlen)
			return spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s' is "
					     "not a valid hash set: empty PDQ "
					     "section with offsets", path);
		return SPOOR_OK;
	}
	if (count > MAX_ENTRIES || off < 512 || off > size ||
	    count * ENTRY > size - off || xoff > size || xlen > size - xoff ||
	    idx < 512 || idx > size ||
	    BANDS * (uint64_t)band_bytes(count) > size - idx ||
	    rd32(h + 40) > 64 || rd32(h + 44) > 100)
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s' is not a "
				     "valid hash set: PDQ section outside "
				     "the file", path);
	p->count = count;
	p->entries = map + off;
	p->extras = map + xoff;
	p->extras_len = xlen;
	p->index = map + idx;
	p->max_distance = (int)rd32(h + 40);
	p->min_quality = (int)rd32(h + 44);
	/* The index is not read here (a large set's is hundreds of MiB):
	 * a search checks every bucket bound and entry number it uses, and
	 * hdb_pdq_verify checks all of it. */
	return SPOOR_OK;
}

int hdb_pdq_verify(const struct hdb_pdq *p, struct spoor_err *err)
{
	for (int b = 0; b < BANDS; b++) {
		const unsigned char *s = p->index + b * band_bytes(p->count);
		const unsigned char *refs = s + (BAND_VALUES + 1) * 4;
		uint32_t prev = 0;

		for (size_t v = 0; v <= BAND_VALUES; v++) {
			uint32_t x = rd32(s + 4 * v);

			if (x < prev || x > p->count || (v == 0 && x != 0))
				goto bad;
			prev = x;
		}
		if (prev != p->count)
			goto bad;
		for (uint64_t i = 0; i < p->count; i++) {
			const unsigned char *r = refs + REF * i;
			unsigned char sk[SKETCH];
			uint32_t id = rd32(r);

			if (id >= p->count)
				goto bad;
			sketch_of(p->entries + (size_t)id * ENTRY, b, sk);
			if (memcmp(sk, r + 4, SKETCH) ||
			    i < rd32(s + 4 * band_of(p->entries +
						     (size_t)id * ENTRY, b)) ||
			    i >= rd32(s + 4 * (band_of(p->entries +
						(size_t)id * ENTRY, b) + 1)))
				goto bad;
		}
	}
	return SPOOR_OK;
bad:
	return spoor_err_set(err, SPOOR_EFORMAT, 0, "PDQ index does not match "
			     "the entries");
}

/* The label and PhotoDNA strings of entry e, "" when none or damaged. */
static void extras_of(const struct hdb_pdq *p, const unsigned char *e,
		      const char **label, const char **photodna)
{
	uint32_t x = rd32(e + 36);
	const unsigned char *s, *z;
	size_t left;

	*label = *photodna = "";
	if (!x || x - 1 >= p->extras_len)
		return;
	s = p->extras + x - 1;
	left = p->extras_len - (x - 1);
	z = memchr(s, '\0', left);
	if (!z)
		return;
	if (!memchr(z + 1, '\0', left - (size_t)(z + 1 - s)))
		return;
	*label = (const char *)s;
	*photodna = (const char *)z + 1;
}

void hdb_pdq_fill(const struct spoor_hashdb *db, const struct hdb_pdq *p,
		  uint64_t i, struct spoor_pdq_match *m)
{
	const unsigned char *e = p->entries + i * ENTRY;

	m->index = i;
	m->hash = e;
	m->quality = e[34] == 255 ? -1 : e[34];
	m->category = hdb_category(db, (unsigned)e[32] |
				   (unsigned)e[33] << 8);
	extras_of(p, e, &m->label, &m->photodna);
}

/*
 * The search.  Its body is inlined twice: into a function built for the
 * POPCNT instruction, called where the CPU has it, and into one without
 * it (libgcc's popcount) for older x86-64 CPUs.  (Not target_clones:
 * clang 14 leaves the resolver out of other translation units.)
 */
#define HOT static inline __attribute__((always_inline))
#if defined(__x86_64__) && defined(__GNUC__)
#define POPCNT_TARGET __attribute__((target("popcnt")))
#define HAVE_POPCNT() __builtin_cpu_supports("popcnt")
#else
#define POPCNT_TARGET
#define HAVE_POPCNT() 0
#endif
#define MAX_RADIUS 3
#define MAX_PROBES (1 + 16 + 120 + 560)

HOT int popc(uint64_t x)
{
	return __builtin_popcountll(x);
}

HOT int full_distance(const unsigned char *a, const unsigned char *b)
{
	int d = 0;

	for (int i = 0; i < SPOOR_PDQ_BYTES; i += 8) {
		uint64_t x, y;

		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		d += popc(x ^ y);
	}
	return d;
}

/* v and every 16-bit value within r bit flips of it; returns how many */
static int probe_values(unsigned v, int r, unsigned *out)
{
	int n = 0;

	out[n++] = v;
	for (int i = 0; r >= 1 && i < 16; i++) {
		out[n++] = v ^ 1u << i;
		for (int j = i + 1; r >= 2 && j < 16; j++) {
			out[n++] = v ^ 1u << i ^ 1u << j;
			for (int k = j + 1; r >= 3 && k < 16; k++)
				out[n++] = v ^ 1u << i ^ 1u << j ^ 1u << k;
		}
	}
	return n;
}

/* A query as the search sees it: its hash and, per band, its band
 * value and the 96 sketch bits beside it. */
struct query {
	const unsigned char *q;
	unsigned band[BANDS];
	uint64_t sk[BANDS][2];
};

static void query_init(struct query *qq, const unsigned char *q)
{
	qq->q = q;
	for (int b = 0; b < BANDS; b++) {
		unsigned char sk[SKETCH];
		uint32_t y;

		qq->band[b] = band_of(q, b);
		sketch_of(q, b, sk);
		memcpy(&qq->sk[b][0], sk, 8);
		memcpy(&y, sk + 8, 4);
		qq->sk[b][1] = y;
	}
}

/* The lower bound of the distance from a ref's band value and sketch */
HOT int ref_bound(const struct query *qq, int b, unsigned v,
		  const unsigned char *r)
{
	uint64_t x;
	uint32_t y;

	memcpy(&x, r + 4, 8);
	memcpy(&y, r + 12, 4);
	return popc(v ^ qq->band[b]) + popc(x ^ qq->sk[b][0]) +
	       popc((uint64_t)y ^ qq->sk[b][1]);
}

/* Verify entry id for the query found through band b: the distance, and
 * whether an earlier band (which would have found it) did. */
HOT int check(const struct hdb_pdq *p, const struct query *qq, int b,
	      uint32_t id, int maxd, int radius)
{
	const unsigned char *e = p->entries + (size_t)id * ENTRY;
	int d = full_distance(e, qq->q);

	if (d > maxd)
		return -1;
	for (int c = 0; c < b; c++)
		if (popc(band_of(e, c) ^ qq->band[c]) <= radius)
			return -1;
	return d;
}

HOT const unsigned char *band_base(const struct hdb_pdq *p, int b)
{
	return p->index + b * band_bytes(p->count);
}

HOT size_t search_one(const struct hdb_pdq *p, const unsigned char *q,
		      int maxd, spoor_pdq_match_cb *cb, void *ud)
{
	unsigned vals[MAX_PROBES];
	struct query qq;
	size_t hits = 0;
	int radius = maxd / BANDS;

	if (!p->count || maxd < 0 || radius > MAX_RADIUS)
		return 0;
	query_init(&qq, q);
	for (int b = 0; b < BANDS; b++) {
		const unsigned char *base = band_base(p, b);
		const unsigned char *refs = base + (BAND_VALUES + 1) * 4;
		int nv = probe_values(qq.band[b], radius, vals);

		for (int k = 0; k < nv; k++) {
			uint32_t lo = rd32(base + 4 * vals[k]);
			uint32_t hi = rd32(base + 4 * (vals[k] + 1));

			if (hi > p->count)	/* a damaged index */
				hi = (uint32_t)p->count;
			for (uint32_t i = lo; i < hi; i++) {
				const unsigned char *r = refs + (size_t)i * REF;
				uint32_t id;
				int d;

				if (ref_bound(&qq, b, vals[k], r) > maxd)
					continue;
				id = rd32(r);
				if (id >= p->count)
					continue;
				d = check(p, &qq, b, id, maxd, radius);
				if (d < 0)
					continue;
				hits++;
				if (cb && cb(ud, id, d))
					return hits;
			}
		}
	}
	return hits;
}

/*
 * Many queries at once: per band, every (probe value, query) pair is
 * sorted by value (a counting sort), so the buckets are visited in
 * order, each once for all the queries that probe it: the index is
 * streamed instead of read at random.  cb gets (query number, entry,
 * distance); the order is by band and value, not by query.
 */
HOT int search_many(const struct hdb_pdq *p, const unsigned char *qs,
		    size_t nq, int maxd, hdb_pdq_many_cb *cb, void *ud)
{
	unsigned vals[MAX_PROBES];
	int radius = maxd / BANDS, nv = 0;
	struct query *qq = NULL;
	uint32_t *start = NULL, *pairs = NULL;
	size_t npairs;
	int rc = SPOOR_ENOMEM;

	if (!p->count || maxd < 0 || radius > MAX_RADIUS || !nq)
		return SPOOR_OK;
	nv = probe_values(0, radius, vals);
	if (nq > UINT32_MAX / (size_t)nv)
		return SPOOR_ELIMIT;
	npairs = nq * (size_t)nv;
	qq = malloc(nq * sizeof(*qq));
	start = malloc((BAND_VALUES + 1) * sizeof(*start));
	pairs = malloc(npairs * sizeof(*pairs));
	if (!qq || !start || !pairs)
		goto out;
	for (size_t i = 0; i < nq; i++)
		query_init(&qq[i], qs + i * SPOOR_PDQ_BYTES);
	for (int b = 0; b < BANDS; b++) {
		const unsigned char *base = band_base(p, b);
		const unsigned char *refs = base + (BAND_VALUES + 1) * 4;

		/* counting sort of the pairs by probe value */
		memset(start, 0, (BAND_VALUES + 1) * sizeof(*start));
		for (size_t i = 0; i < nq; i++)
			for (int k = 0; k < nv; k++)
				start[(qq[i].band[b] ^ vals[k]) + 1]++;
		for (size_t v = 0; v < BAND_VALUES; v++)
			start[v + 1] += start[v];
		for (size_t i = 0; i < nq; i++)
			for (int k = 0; k < nv; k++)
				pairs[start[qq[i].band[b] ^ vals[k]]++] =
					(uint32_t)i;
		/* start[v] is now the end of value v's pairs */
		for (unsigned v = 0, at = 0; v < BAND_VALUES; v++) {
			uint32_t lo = rd32(base + 4 * v);
			uint32_t hi = rd32(base + 4 * (v + 1));

			if (hi > p->count)	/* a damaged index */
				hi = (uint32_t)p->count;
			for (; at < start[v]; at++) {
				const struct query *x = &qq[pairs[at]];

				for (uint32_t i = lo; i < hi; i++) {
					const unsigned char *r = refs +
						(size_t)i * REF;
					int d;

					if (ref_bound(x, b, v, r) > maxd ||
					    rd32(r) >= p->count)
						continue;
					d = check(p, x, b, rd32(r), maxd,
						  radius);
					if (d >= 0 && cb(ud, pairs[at],
							 rd32(r), d)) {
						rc = SPOOR_ESTOPPED;
						goto out;
					}
				}
			}
		}
	}
	rc = SPOOR_OK;
out:
	free(qq);
	free(start);
	free(pairs);
	return rc;
}

POPCNT_TARGET
static size_t search_one_popcnt(const struct hdb_pdq *p,
				const unsigned char *q, int maxd,
				spoor_pdq_match_cb *cb, void *ud)
{
	return search_one(p, q, maxd, cb, ud);
}

static size_t search_one_plain(const struct hdb_pdq *p,
			       const unsigned char *q, int maxd,
			       spoor_pdq_match_cb *cb, void *ud)
{
	return search_one(p, q, maxd, cb, ud);
}

size_t hdb_pdq_search(const struct hdb_pdq *p, const unsigned char *q,
		      int maxd, spoor_pdq_match_cb *cb, void *ud)
{
	return HAVE_POPCNT() ? search_one_popcnt(p, q, maxd, cb, ud)
			     : search_one_plain(p, q, maxd, cb, ud);
}

POPCNT_TARGET
static int search_many_popcnt(const struct hdb_pdq *p,
			      const unsigned char *qs, size_t nq, int maxd,
			      hdb_pdq_many_cb *cb, void *ud)
{
	return search_many(p, qs, nq, maxd, cb, ud);
}

static int search_many_plain(const struct hdb_pdq *p,
			     const unsigned char *qs, size_t nq, int maxd,
			     hdb_pdq_many_cb *cb, void *ud)
{
	return search_many(p, qs, nq, maxd, cb, ud);
}

int hdb_pdq_search_many(const struct hdb_pdq *p, const unsigned char *qs,
			size_t nq, int maxd, hdb_pdq_many_cb *cb, void *ud)
{
	return HAVE_POPCNT() ? search_many_popcnt(p, qs, nq, maxd, cb, ud)
			     : search_many_plain(p, qs, nq, maxd, cb, ud);
}
