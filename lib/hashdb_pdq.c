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
 *                          ids[start[v] .. start[v+1])
 *       ids[count] u32     entry numbers, by band value
 *
 * Two hashes within distance d differ in at most floor(d / 16) bits in
 * at least one of the 16 bands (pigeonhole), so a search probes, in
 * every band, the query's band value and every value within that many
 * bits of it, and verifies each candidate by popcount.  A candidate is
 * reported from the first band that finds it only, so no memory is
 * needed to drop duplicates.  Everything is checked on open: a hostile
 * index cannot send a lookup outside the file.
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
			wr32(le, ids[i]);
			o->add(o->o, le, 4);
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
	return (size_t)(BAND_VALUES + 1 + count) * 4;
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
	/* every band's starts must rise to count and every id be an entry:
	 * a search trusts them */
	for (int b = 0; b < BANDS; b++) {
		const unsigned char *s = p->index + b * band_bytes(count);
		const unsigned char *ids = s + (BAND_VALUES + 1) * 4;
		uint32_t prev = 0;

		for (size_t v = 0; v <= BAND_VALUES; v++) {
			uint32_t x = rd32(s + 4 * v);

			if (x < prev || x > count || (v == 0 && x != 0))
				goto bad;
			prev = x;
		}
		if (prev != count)
			goto bad;
		for (uint64_t i = 0; i < count; i++)
			if (rd32(ids + 4 * i) >= count)
				goto bad;
	}
	return SPOOR_OK;
bad:
	memset(p, 0, sizeof(*p));
	return spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s' is not a valid "
			     "hash set: PDQ index out of order", path);
}

static int distance(const unsigned char *a, const unsigned char *b)
{
	return spoor_pdq_distance(a, b);
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

struct search {
	const struct hdb_pdq *p;
	const unsigned char *q;
	int maxd, radius;
	spoor_pdq_match_cb *cb;
	void *ud;
	size_t hits;
	bool stop;
};

/* Whether band b of entry e is within the radius of the query's. */
static bool band_near(const struct search *s, const unsigned char *e, int b)
{
	return __builtin_popcount(band_of(e, b) ^ band_of(s->q, b)) <=
	       s->radius;
}

static void probe(struct search *s, int b, unsigned v)
{
	const unsigned char *base = s->p->index + b * band_bytes(s->p->count);
	const unsigned char *ids = base + (BAND_VALUES + 1) * 4;
	uint32_t lo = rd32(base + 4 * v), hi = rd32(base + 4 * (v + 1));

	for (uint32_t k = lo; k < hi && !s->stop; k++) {
		uint32_t id = rd32(ids + 4 * k);
		const unsigned char *e = s->p->entries + (size_t)id * ENTRY;
		int d = distance(e, s->q), skip = 0;

		if (d > s->maxd)
			continue;
		/* found already through an earlier band? */
		for (int c = 0; c < b && !skip; c++)
			skip = band_near(s, e, c);
		if (skip)
			continue;
		s->hits++;
		if (s->cb && s->cb(s->ud, id, d))
			s->stop = true;
	}
}

/* Every value within `left` more bit flips of v, flipping bits >= from */
static void probe_all(struct search *s, int b, unsigned v, int from, int left)
{
	probe(s, b, v);
	for (int bit = from; left > 0 && bit < 16 && !s->stop; bit++)
		probe_all(s, b, v ^ (1u << bit), bit + 1, left - 1);
}

size_t hdb_pdq_search(const struct hdb_pdq *p, const unsigned char *q,
		      int maxd, spoor_pdq_match_cb *cb, void *ud)
{
	struct search s = { p, q, maxd, maxd / BANDS, cb, ud, 0, false };

	if (!p->count || maxd < 0)
		return 0;
	for (int b = 0; b < BANDS && !s.stop; b++)
		probe_all(&s, b, band_of(q, b), 0, s.radius);
	return s.hits;
}
