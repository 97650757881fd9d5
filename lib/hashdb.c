/*
 * hashdb.c: hash sets: the .sdb file format, opening and searching a set
 * in place through mmap, and building one by external merge sort.
 *
 * Layout of an .sdb file (all integers little-endian):
 *
 *   0    header (HDR_SIZE bytes, see the H_* offsets below)
 *        inputs: per input, sha256[32] + u16 name length + name + NUL
 *        categories: per category, u8 length + bytes (index 1..n)
 *        per algorithm with entries, 8-byte aligned:
 *          digests[count][len]       sorted, unique
 *          cats[count] u16           only when some entry has one
 *          fanout[1 << bits] u32     fanout[p]: entries whose top `bits`
 *                                    bits are <= p
 *
 * The fan-out table narrows a lookup to a bucket of ~10-20 entries, which
 * interpolation then searches: two cache misses for most lookups.
 */
#include "hashdb.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "banned.h"

#define HDB_MAGIC "SPOORHDB"
#define HDB_VERSION 1
#define HDR_SIZE 512
#define NAME_MAX_LEN 128
#define CAT_DEF_LEN 64
#define MAX_CATS 65535
#define MAX_INPUTS 65535
#define MAX_INPUT_NAME 1024
#define MAX_FANOUT_BITS 20
#define MAX_RUNS 4096

/* header field offsets */
enum {
	H_MAGIC = 0, H_VERSION = 8, H_KIND = 12, H_TIME = 16, H_SIZE = 24,
	H_NINPUTS = 32, H_NCATS = 36, H_IN_OFF = 40, H_IN_LEN = 48,
	H_CAT_OFF = 56, H_CAT_LEN = 64,
	H_ALG = 72,		/* 4 x 32 bytes: count, off, cat_off,
				 * fan_off (low 56 bits) | bits << 56 */
	H_NAME = 200, H_DEFCAT = H_NAME + NAME_MAX_LEN,
	H_END = H_DEFCAT + CAT_DEF_LEN,
};

static const size_t alg_len[SPOOR_HASH_NALGS] = { 16, 20, 32, 64 };

static uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint64_t be64(const unsigned char *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* enum spoor_hash_alg bit -> index 0..3, or -1 */
static int alg_index(unsigned alg)
{
	switch (alg) {
	case SPOOR_MD5: return 0;
	case SPOOR_SHA1: return 1;
	case SPOOR_SHA256: return 2;
	case SPOOR_SHA512: return 3;
	}
	return -1;
}

/* ---- names ---- */

static const char *const kind_names[] = { "known", "notable", "known-bad" };
static const char *const fmt_names[] = {
	"auto", "rds", "nsrl-txt", "vics", "hashdeep", "hashlist", "sdb",
	"pdq",
};

const char *spoor_hashdb_kind_name(enum spoor_hashdb_kind k)
{
	return (unsigned)k < ARRAY_SIZE(kind_names) ? kind_names[k] : NULL;
}

int spoor_hashdb_kind_parse(const char *s, enum spoor_hashdb_kind *k,
			    struct spoor_err *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(kind_names); i++)
		if (!strcmp(s, kind_names[i])) {
			*k = (enum spoor_hashdb_kind)i;
			return SPOOR_OK;
		}
	return spoor_err_set(err, SPOOR_EINVAL, 0, "unknown set kind '%s' "
			     "(known, notable, known-bad)", s);
}

const char *spoor_hashdb_format_name(enum spoor_hashdb_format f)
{
	return (unsigned)f < ARRAY_SIZE(fmt_names) ? fmt_names[f] : NULL;
}

int spoor_hashdb_format_parse(const char *s, enum spoor_hashdb_format *f,
			      struct spoor_err *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(fmt_names); i++)
		if (!strcmp(s, fmt_names[i])) {
			*f = (enum spoor_hashdb_format)i;
			return SPOOR_OK;
		}
	return spoor_err_set(err, SPOOR_EINVAL, 0, "unknown input format "
			     "'%s'", s);
}

/* ---- reading a set ---- */

struct hdb_alg {
	uint64_t count;
	const unsigned char *digests;
	const unsigned char *cats;	/* u16 LE per entry, or NULL */
	const unsigned char *fanout;	/* u32 LE per bucket */
	unsigned bits;
};

struct spoor_hashdb {
	unsigned char *map;
	size_t size;
	char name[NAME_MAX_LEN];
	char defcat[CAT_DEF_LEN];
	enum spoor_hashdb_kind kind;
	int64_t build_time;
	size_t ninputs, ncats;
	const unsigned char **inputs;	/* -> sha256, name follows */
	char **cats;			/* [0] = defcat; 1..ncats */
	struct hdb_alg alg[SPOOR_HASH_NALGS];
	struct hdb_pdq pdq;
};

/* off + len within size, without overflow */
static bool in_file(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static int bad(struct spoor_err *err, const char *path, const char *why)
{
	return spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s' is not a valid hash "
			     "set: %s", path, why);
}

static int load_tables(struct spoor_hashdb *db, const char *path,
		       struct spoor_err *err)
{
	const unsigned char *h = db->map;
	uint64_t in_off = get64(h + H_IN_OFF), in_len = get64(h + H_IN_LEN);
	uint64_t cat_off = get64(h + H_CAT_OFF), cat_len = get64(h + H_CAT_LEN);
	const unsigned char *p, *end;

	db->ninputs = get32(h + H_NINPUTS);
	db->ncats = get32(h + H_NCATS);
	if (db->ninputs > MAX_INPUTS || db->ncats > MAX_CATS)
		return bad(err, path, "too many inputs or categories");
	if (!in_file(in_off, in_len, db->size) || in_off < HDR_SIZE ||
	    !in_file(cat_off, cat_len, db->size) || cat_off < HDR_SIZE)
		return bad(err, path, "table outside the file");
	db->inputs = calloc(db->ninputs + 1, sizeof(*db->inputs));
	db->cats = calloc(db->ncats + 1, sizeof(*db->cats));
	if (!db->inputs || !db->cats)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	p = db->map + in_off;
	end = p + in_len;
	for (size_t i = 0; i < db->ninputs; i++) {
		size_t n;

		if (end - p < 34)
			return bad(err, path, "inputs table truncated");
		n = (size_t)p[32] | (size_t)p[33] << 8;
		if (n > MAX_INPUT_NAME || (size_t)(end - p) - 34 < n + 1 ||
		    p[34 + n] != '\0')
			return bad(err, path, "inputs table truncated");
		db->inputs[i] = p;
		p += 35 + n;
	}
	db->cats[0] = db->defcat;
	p = db->map + cat_off;
	end = p + cat_len;
	for (size_t i = 1; i <= db->ncats; i++) {
		size_t n;

		if (p >= end || (size_t)(end - p) - 1 < p[0] || !p[0])
			return bad(err, path, "category table truncated");
		n = p[0];
		if (memchr(p + 1, '\0', n))
			return bad(err, path, "category with a NUL byte");
		db->cats[i] = strndup((const char *)p + 1, n);
		if (!db->cats[i])
			return spoor_err_set(err, SPOOR_ENOMEM, 0,
					     "out of memory");
		p += 1 + n;
	}
	return SPOOR_OK;
}

static int load_alg(struct spoor_hashdb *db, int a, const char *path,
		    struct spoor_err *err)
{
	const unsigned char *h = db->map + H_ALG + 32 * a;
	struct hdb_alg *s = &db->alg[a];
	uint64_t count = get64(h), off = get64(h + 8), cat_off = get64(h + 16);
	uint64_t fan = get64(h + 24), fan_off = fan & ((1ULL << 56) - 1);
	size_t len = alg_len[a], nb;
	uint32_t prev = 0;

	s->bits = (unsigned)(fan >> 56);
	if (!count) {
		if (off || cat_off || fan)
			return bad(err, path, "empty section with offsets");
		return SPOOR_OK;
	}
	if (count > UINT32_MAX || s->bits > MAX_FANOUT_BITS)
		return bad(err, path, "impossible entry count");
	nb = (size_t)1 << s->bits;
	if (off < HDR_SIZE || !in_file(off, count * len, db->size) ||
	    (cat_off && (cat_off < HDR_SIZE ||
			 !in_file(cat_off, count * 2, db->size))) ||
	    fan_off < HDR_SIZE || !in_file(fan_off, nb * 4, db->size))
		return bad(err, path, "section outside the file");
	s->count = count;
	s->digests = db->map + off;
	s->cats = cat_off ? db->map + cat_off : NULL;
	s->fanout = db->map + fan_off;
	/* The fan-out bounds every search: it must be monotonic and end at
	 * count, or a hostile file could send a lookup out of the array. */
	for (size_t i = 0; i < nb; i++) {
		uint32_t v = get32(s->fanout + 4 * i);

		if (v < prev || v > count)
			return bad(err, path, "fan-out table out of order");
		prev = v;
	}
	if (prev != count)
		return bad(err, path, "fan-out table does not cover the set");
	/* Spot-check order (verify checks all): a set that is not sorted
	 * would silently miss. */
	for (uint64_t k = 0; k < 1024 && count > 1; k++) {
		uint64_t i = k * (count - 1) / 1024;

		if (memcmp(s->digests + i * len, s->digests + (i + 1) * len,
			   len) >= 0)
			return bad(err, path, "digests out of order");
	}
	return SPOOR_OK;
}

struct spoor_hashdb *spoor_hashdb_open(const char *path,
				       struct spoor_err *err)
{
	struct spoor_hashdb *db;
	struct stat st;
	const unsigned char *h;
	int fd, rc;

	fd = spoor_open_input(path, 0, err);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st)) {
		spoor_err_set(err, SPOOR_EIO, errno, "cannot stat '%s'", path);
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < HDR_SIZE) {
		bad(err, path, S_ISREG(st.st_mode) ? "truncated header"
		    : "not a regular file");
		close(fd);
		return NULL;
	}
	db = calloc(1, sizeof(*db));
	if (!db) {
		spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
		close(fd);
		return NULL;
	}
	db->size = (size_t)st.st_size;
	db->map = mmap(NULL, db->size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (db->map == MAP_FAILED) {
		spoor_err_set(err, SPOOR_EIO, errno, "cannot map '%s'", path);
		db->map = NULL;
		goto fail;
	}
	h = db->map;
	if (memcmp(h + H_MAGIC, HDB_MAGIC, 8)) {
		bad(err, path, "wrong magic");
		goto fail;
	}
	if (get32(h + H_VERSION) != HDB_VERSION) {
		spoor_err_set(err, SPOOR_EUNSUPPORTED, 0, "'%s': hash set "
			      "format version %u is not supported", path,
			      get32(h + H_VERSION));
		goto fail;
	}
	if (get64(h + H_SIZE) != db->size) {
		bad(err, path, get64(h + H_SIZE) > db->size ? "truncated"
		    : "trailing bytes");
		goto fail;
	}
	if (get32(h + H_KIND) > SPOOR_HDB_KNOWN_BAD) {
		bad(err, path, "unknown kind");
		goto fail;
	}
	if (!memchr(h + H_NAME, '\0', NAME_MAX_LEN) ||
	    !memchr(h + H_DEFCAT, '\0', CAT_DEF_LEN)) {
		bad(err, path, "unterminated name");
		goto fail;
	}
	db->kind = (enum spoor_hashdb_kind)get32(h + H_KIND);
	db->build_time = (int64_t)get64(h + H_TIME);
	memcpy(db->name, h + H_NAME, NAME_MAX_LEN);
	memcpy(db->defcat, h + H_DEFCAT, CAT_DEF_LEN);
	rc = load_tables(db, path, err);
	for (int a = 0; !rc && a < SPOOR_HASH_NALGS; a++)
		rc = load_alg(db, a, path, err);
	if (!rc)
		rc = hdb_pdq_load(&db->pdq, db->map, db->size, path, err);
	if (rc)
		goto fail;
	return db;
fail:
	spoor_hashdb_close(db);
	return NULL;
}

void spoor_hashdb_close(struct spoor_hashdb *db)
{
	if (!db)
		return;
	if (db->map)
		munmap(db->map, db->size);
	if (db->cats)
		for (size_t i = 1; i <= db->ncats; i++)
			free(db->cats[i]);
	free(db->cats);
	free(db->inputs);
	free(db);
}

void spoor_hashdb_get_info(const struct spoor_hashdb *db,
			   struct spoor_hashdb_info *info)
{
	memset(info, 0, sizeof(*info));
	info->version = HDB_VERSION;
	info->name = db->name;
	info->kind = db->kind;
	info->category = db->defcat;
	info->build_time = db->build_time;
	for (int a = 0; a < SPOOR_HASH_NALGS; a++)
		info->count[a] = db->alg[a].count;
	info->ninputs = db->ninputs;
	info->ncategories = db->ncats;
	info->file_size = db->size;
	info->pdq_count = db->pdq.count;
	info->pdq_max_distance = db->pdq.max_distance;
	info->pdq_min_quality = db->pdq.min_quality;
}

int spoor_hashdb_input(const struct spoor_hashdb *db, size_t i,
		       const char **name, const unsigned char **sha256)
{
	if (i >= db->ninputs)
		return SPOOR_EINVAL;
	if (sha256)
		*sha256 = db->inputs[i];
	if (name)
		*name = (const char *)db->inputs[i] + 34;
	return SPOOR_OK;
}

static const char *entry_cat(const struct spoor_hashdb *db,
			     const struct hdb_alg *s, uint64_t i)
{
	unsigned c;

	if (!s->cats)
		return db->defcat;
	c = (unsigned)s->cats[2 * i] | (unsigned)s->cats[2 * i + 1] << 8;
	return c <= db->ncats ? db->cats[c] : db->defcat;
}

/*
 * Where in bucket [lo, hi) a key should be: the key's bits below the
 * fan-out bits are a uniform fraction of the bucket.  Computed from the
 * key alone, so it costs no memory access and can be prefetched.
 */
static uint64_t guess(const unsigned char *key, unsigned bits, uint64_t lo,
		      uint64_t hi)
{
	uint64_t frac = (be64(key) << bits) >> 32;	/* 32-bit fraction */

	return lo + ((frac * (hi - lo)) >> 32);
}

/* Index of digest in s, or -1.  Searches only inside the fan-out bucket
 * (validated on open), so a hostile file cannot send it outside. */
static int64_t find(const struct hdb_alg *s, size_t len,
		    const unsigned char *key)
{
	uint32_t p = s->bits ? be32(key) >> (32 - s->bits) : 0;
	uint64_t lo = p ? get32(s->fanout + 4 * (p - 1)) : 0;
	uint64_t hi = get32(s->fanout + 4 * p);	/* [lo, hi) */
	const unsigned char *d = s->digests;

	/* one interpolation probe: digests are uniformly distributed, so it
	 * usually lands on or next to the entry */
	if (hi - lo > 4) {
		uint64_t pos = guess(key, s->bits, lo, hi);
		int c = memcmp(d + pos * len, key, len);

		if (!c)
			return (int64_t)pos;
		if (c < 0) {
			lo = pos + 1;
			/* gallop: the entry is most likely close by */
			for (uint64_t step = 1; lo + step < hi; step *= 2) {
				c = memcmp(d + (lo + step) * len, key, len);
				if (c >= 0) {
					hi = lo + step + 1;
					break;
				}
				lo += step + 1;
				if (lo >= hi)
					return -1;
			}
		} else {
			hi = pos;
			for (uint64_t step = 1; step < hi - lo; step *= 2) {
				c = memcmp(d + (hi - 1 - step) * len, key,
					   len);
				if (c <= 0) {
					lo = hi - 1 - step;
					break;
				}
				hi -= step + 1;
				if (hi <= lo)
					return -1;
			}
		}
	}
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		int c = memcmp(d + mid * len, key, len);

		if (!c)
			return (int64_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

bool spoor_hashdb_lookup(const struct spoor_hashdb *db, unsigned alg,
			 const unsigned char *digest, const char **category)
{
	int a = alg_index(alg);
	int64_t i;

	if (a < 0 || !db->alg[a].count)
		return false;
	i = find(&db->alg[a], alg_len[a], digest);
	if (i < 0)
		return false;
	if (category)
		*category = entry_cat(db, &db->alg[a], (uint64_t)i);
	return true;
}

unsigned spoor_hashdb_lookup_digests(const struct spoor_hashdb *db,
				     const struct spoor_digests *d,
				     const char **category)
{
	static const unsigned order[] = { SPOOR_SHA256, SPOOR_SHA1, SPOOR_MD5,
					  SPOOR_SHA512 };

	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		const unsigned char *p = spoor_digest_get(d, order[i]);

		if (p && spoor_hashdb_lookup(db, order[i], p, category))
			return order[i];
	}
	return 0;
}

size_t spoor_hashdb_lookup_many(const struct spoor_hashdb *db, unsigned alg,
				const unsigned char *digests, size_t n,
				unsigned char *hit)
{
	enum { AHEAD = 16 };
	int a = alg_index(alg);
	const struct hdb_alg *s;
	size_t len, hits = 0;

	if (a < 0 || !db->alg[a].count) {
		memset(hit, 0, n);
		return 0;
	}
	s = &db->alg[a];
	len = alg_len[a];
	/* Two stages of prefetch: the fan-out slot far ahead, the bucket's
	 * likely position nearer, so that the misses of several lookups
	 * are in flight at once. */
	for (size_t i = 0; i < n; i++) {
		if (i + 2 * AHEAD < n && s->bits) {
			const unsigned char *k = digests +
						 (i + 2 * AHEAD) * len;

			__builtin_prefetch(s->fanout +
					   4 * (be32(k) >> (32 - s->bits)));
		}
		if (i + AHEAD < n) {
			const unsigned char *k = digests + (i + AHEAD) * len;
			uint32_t p = s->bits ? be32(k) >> (32 - s->bits) : 0;
			uint64_t lo = p ? get32(s->fanout + 4 * (p - 1)) : 0;
			uint64_t hi = get32(s->fanout + 4 * p);

			if (hi > lo)
				__builtin_prefetch(s->digests +
						   guess(k, s->bits, lo, hi) *
						   len);
		}
		hit[i] = find(s, len, digests + i * len) >= 0;
		hits += hit[i];
	}
	return hits;
}

int spoor_hashdb_entry(const struct spoor_hashdb *db, unsigned alg,
		       uint64_t i, const unsigned char **digest,
		       const char **category)
{
	int a = alg_index(alg);

	if (a < 0 || i >= db->alg[a].count)
		return SPOOR_EINVAL;
	if (digest)
		*digest = db->alg[a].digests + i * alg_len[a];
	if (category)
		*category = entry_cat(db, &db->alg[a], i);
	return SPOOR_OK;
}

const char *hdb_category(const struct spoor_hashdb *db, unsigned idx)
{
	return idx <= db->ncats ? db->cats[idx] : "";
}

int spoor_hashdb_pdq_entry(const struct spoor_hashdb *db, uint64_t i,
			   struct spoor_pdq_match *m)
{
	if (i >= db->pdq.count)
		return SPOOR_EINVAL;
	memset(m, 0, sizeof(*m));
	hdb_pdq_fill(db, &db->pdq, i, m);
	return SPOOR_OK;
}

/* Entries below the set's quality floor are not matched (unknown
 * quality is). */
static bool pdq_entry_ok(const struct spoor_hashdb *db, uint64_t i)
{
	unsigned q = db->pdq.entries[40 * i + 34];

	return q == 255 || (int)q >= db->pdq.min_quality;
}

struct pdq_filter {
	const struct spoor_hashdb *db;
	spoor_pdq_match_cb *cb;
	void *ud;
	size_t n;
};

static int pdq_filter_cb(void *ud, uint64_t i, int d)
{
	struct pdq_filter *f = ud;

	if (!pdq_entry_ok(f->db, i))
		return 0;
	f->n++;
	return f->cb ? f->cb(f->ud, i, d) : 0;
}

size_t spoor_hashdb_pdq_search(const struct spoor_hashdb *db,
			       const unsigned char hash[SPOOR_PDQ_BYTES],
			       int max_distance, spoor_pdq_match_cb *cb,
			       void *userdata)
{
	struct pdq_filter f = { db, cb, userdata, 0 };

	if (max_distance < 0)
		max_distance = db->pdq.max_distance;
	if (max_distance > 63)
		max_distance = 63;
	hdb_pdq_search(&db->pdq, hash, max_distance, pdq_filter_cb, &f);
	return f.n;
}

struct pdq_filter_many {
	const struct spoor_hashdb *db;
	spoor_pdq_many_cb *cb;
	void *ud;
};

static int pdq_filter_many_cb(void *ud, size_t q, uint64_t i, int d)
{
	struct pdq_filter_many *f = ud;

	return pdq_entry_ok(f->db, i) ? f->cb(f->ud, q, i, d) : 0;
}

int spoor_hashdb_pdq_search_many(const struct spoor_hashdb *db,
				 const unsigned char *hashes, size_t n,
				 int max_distance, spoor_pdq_many_cb *cb,
				 void *userdata)
{
	struct pdq_filter_many f = { db, cb, userdata };

	if (!cb)
		return SPOOR_EINVAL;
	if (max_distance < 0)
		max_distance = db->pdq.max_distance;
	if (max_distance > 63)
		max_distance = 63;
	return hdb_pdq_search_many(&db->pdq, hashes, n, max_distance,
				   pdq_filter_many_cb, &f);
}

struct pdq_best {
	uint64_t index;
	int distance;
	bool found;
};

static int pdq_best_cb(void *ud, uint64_t i, int d)
{
	struct pdq_best *b = ud;

	if (!b->found || d < b->distance ||
	    (d == b->distance && i < b->index)) {
		b->found = true;
		b->distance = d;
		b->index = i;
	}
	return 0;
}

bool spoor_hashdb_pdq_nearest(const struct spoor_hashdb *db,
			      const unsigned char (*hashes)[SPOOR_PDQ_BYTES],
			      size_t n, int quality,
			      struct spoor_pdq_match *m)
{
	struct pdq_best best = { 0, 0, false };
	int which = 0;

	if (!db->pdq.count || quality < db->pdq.min_quality)
		return false;
	for (size_t v = 0; v < n && v < SPOOR_PDQ_NDIHEDRAL; v++) {
		struct pdq_best b = { 0, 0, false };

		spoor_hashdb_pdq_search(db, hashes[v], -1, pdq_best_cb, &b);
		if (b.found && (!best.found || b.distance < best.distance)) {
			best = b;
			which = (int)v;
		}
	}
	if (!best.found)
		return false;
	if (m) {
		memset(m, 0, sizeof(*m));
		hdb_pdq_fill(db, &db->pdq, best.index, m);
		m->distance = best.distance;
		m->dihedral = which;
	}
	return true;
}

int spoor_hashdb_verify(const struct spoor_hashdb *db, struct spoor_err *err)
{
	if (db->pdq.count && hdb_pdq_verify(&db->pdq, err))
		return SPOOR_EFORMAT;
	for (uint64_t i = 0; i + 1 < db->pdq.count; i++)
		if (memcmp(db->pdq.entries + 40 * i,
			   db->pdq.entries + 40 * (i + 1), SPOOR_PDQ_BYTES) >= 0)
			return spoor_err_set(err, SPOOR_EFORMAT, 0, "PDQ entry "
					     "%llu is out of order",
					     (unsigned long long)i + 1);
	for (int a = 0; a < SPOOR_HASH_NALGS; a++) {
		const struct hdb_alg *s = &db->alg[a];
		size_t len = alg_len[a];

		for (uint64_t i = 0; i + 1 < s->count; i++)
			if (memcmp(s->digests + i * len,
				   s->digests + (i + 1) * len, len) >= 0)
				return spoor_err_set(err, SPOOR_EFORMAT, 0,
						     "%s entry %llu is out of "
						     "order",
						     spoor_hash_name(1u << a),
						     (unsigned long long)i + 1);
		for (uint64_t i = 0; s->cats && i < s->count; i++) {
			unsigned c = (unsigned)s->cats[2 * i] |
				     (unsigned)s->cats[2 * i + 1] << 8;

			if (c > db->ncats)
				return spoor_err_set(err, SPOOR_EFORMAT, 0,
						     "%s entry %llu has no "
						     "category %u",
						     spoor_hash_name(1u << a),
						     (unsigned long long)i, c);
		}
		for (uint64_t i = 0; s->bits && i < s->count; i++) {
			uint32_t p = be32(s->digests + i * len) >>
				     (32 - s->bits);
			uint64_t lo = p ? get32(s->fanout + 4 * (p - 1)) : 0;

			if (i < lo || i >= get32(s->fanout + 4 * p))
				return spoor_err_set(err, SPOOR_EFORMAT, 0,
						     "%s entry %llu is not in "
						     "its fan-out bucket",
						     spoor_hash_name(1u << a),
						     (unsigned long long)i);
		}
	}
	return SPOOR_OK;
}

/* ---- building a set ---- */

/* A sorted run on disk (an unlinked temporary file). */
struct run {
	int fd;
	int alg;
	uint64_t n;
};

struct run_reader {
	struct run *run;
	unsigned char *buf;
	size_t cap, len, pos;	/* in bytes */
	uint64_t left;		/* records not yet read into buf */
};

struct cat_table {
	char **names;		/* 1..n */
	size_t n;
	uint16_t *slots;	/* open addressing, index into names */
	size_t nslots;
};

struct spoor_hashdb_builder {
	char *out, *tmp, *dir;
	char name[NAME_MAX_LEN];
	char defcat[CAT_DEF_LEN];
	enum spoor_hashdb_kind kind;
	uint64_t mem;
	spoor_hashdb_bad_cb *on_bad;
	void *userdata;
	/* in-memory records: digest + u16 category, per algorithm */
	unsigned char *buf[SPOOR_HASH_NALGS];
	size_t len[SPOOR_HASH_NALGS], cap[SPOOR_HASH_NALGS];
	size_t used;		/* bytes allocated for all buffers */
	uint64_t added[SPOOR_HASH_NALGS];
	struct run *runs;
	size_t nruns;
	struct cat_table cats;
	struct sbuf inputs;	/* the inputs table as written */
	uint32_t ninputs;
	bool finished;
	struct hdb_pdq_build *pdq;
};

static size_t rec_len(int a)
{
	return alg_len[a] + 2;
}

struct spoor_hashdb_builder *
spoor_hashdb_builder_new(const char *out_path,
			 const struct spoor_hashdb_build_opts *o,
			 struct spoor_err *err)
{
	struct spoor_hashdb_builder *b;
	char *copy;
	const char *name = o ? o->name : NULL;

	if (!out_path || !*out_path) {
		spoor_err_set(err, SPOOR_EINVAL, 0, "no output file");
		return NULL;
	}
	if (name && strlen(name) >= NAME_MAX_LEN) {
		spoor_err_set(err, SPOOR_EINVAL, 0, "set name longer than "
			      "%d bytes", NAME_MAX_LEN - 1);
		return NULL;
	}
	if (o && o->category && (strlen(o->category) >= CAT_DEF_LEN ||
				 !*o->category)) {
		spoor_err_set(err, SPOOR_EINVAL, 0, "category must have 1 to "
			      "%d bytes", CAT_DEF_LEN - 1);
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		goto nomem;
	b->out = strdup(out_path);
	b->tmp = malloc(strlen(out_path) + 5);
	copy = strdup(out_path);
	if (!b->out || !b->tmp || !copy) {
		free(copy);
		goto nomem;
	}
	snprintf(b->tmp, strlen(out_path) + 5, "%s.tmp", out_path);
	b->dir = strdup(o && o->tmp_dir ? o->tmp_dir : dirname(copy));
	free(copy);
	if (!b->dir)
		goto nomem;
	if (name) {
		spoor_strlcpy(b->name, name, sizeof(b->name));
	} else {
		const char *base = strrchr(out_path, '/');
		size_t n;

		base = base ? base + 1 : out_path;
		n = strlen(base);
		if (n > 4 && !strcmp(base + n - 4, ".sdb"))
			n -= 4;
		if (n >= sizeof(b->name))
			n = sizeof(b->name) - 1;
		memcpy(b->name, base, n);
	}
	if (o && o->category)
		spoor_strlcpy(b->defcat, o->category, sizeof(b->defcat));
	b->kind = o ? o->kind : SPOOR_HDB_KNOWN;
	b->mem = o && o->mem_limit ? o->mem_limit : (uint64_t)512 << 20;
	if (b->mem < (1 << 20))
		b->mem = 1 << 20;
	b->on_bad = o ? o->on_bad : NULL;
	b->userdata = o ? o->userdata : NULL;
	b->inputs.max = (size_t)MAX_INPUTS * (35 + MAX_INPUT_NAME);
	if (o && (o->pdq_max_distance < 0 || o->pdq_max_distance > 64 ||
		  o->pdq_min_quality < 0 || o->pdq_min_quality > 100)) {
		spoor_hashdb_builder_free(b);
		spoor_err_set(err, SPOOR_EINVAL, 0, "PDQ threshold must be "
			      "1..64 and quality 1..100");
		return NULL;
	}
	b->pdq = hdb_pdq_build_new(o && o->pdq_max_distance ?
				   o->pdq_max_distance :
				   SPOOR_PDQ_MATCH_DISTANCE,
				   o && o->pdq_min_quality ?
				   o->pdq_min_quality : SPOOR_PDQ_MIN_QUALITY);
	if (!b->pdq)
		goto nomem;
	return b;
nomem:
	spoor_hashdb_builder_free(b);
	spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	return NULL;
}

void spoor_hashdb_builder_free(struct spoor_hashdb_builder *b)
{
	if (!b)
		return;
	for (int a = 0; a < SPOOR_HASH_NALGS; a++)
		free(b->buf[a]);
	for (size_t i = 0; i < b->nruns; i++)
		close(b->runs[i].fd);
	free(b->runs);
	for (size_t i = 1; i <= b->cats.n; i++)
		free(b->cats.names[i]);
	free(b->cats.names);
	free(b->cats.slots);
	sbuf_release(&b->inputs);
	hdb_pdq_build_free(b->pdq);
	if (b->tmp && !b->finished)
		unlink(b->tmp);
	free(b->out);
	free(b->tmp);
	free(b->dir);
	free(b);
}

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The index of category s (interned on first sight), 0 for none. */
static int cat_index(struct cat_table *t, const char *s, uint16_t *out,
		     struct spoor_err *err)
{
	size_t len, i;

	if (!s || !*s) {
		*out = 0;
		return SPOOR_OK;
	}
	len = strlen(s);
	if (len > 255)
		return spoor_err_set(err, SPOOR_ELIMIT, 0, "category longer "
				     "than 255 bytes");
	if (!t->slots) {
		t->nslots = 2 * (MAX_CATS + 1);
		t->slots = calloc(t->nslots, sizeof(*t->slots));
		t->names = calloc(MAX_CATS + 1, sizeof(*t->names));
		if (!t->slots || !t->names)
			return spoor_err_set(err, SPOOR_ENOMEM, 0,
					     "out of memory");
	}
	for (i = str_hash(s) % t->nslots; t->slots[i];
	     i = (i + 1) % t->nslots)
		if (!strcmp(t->names[t->slots[i]], s)) {
			*out = t->slots[i];
			return SPOOR_OK;
		}
	if (t->n >= MAX_CATS)
		return spoor_err_set(err, SPOOR_ELIMIT, 0, "more than %d "
				     "categories", MAX_CATS);
	t->names[t->n + 1] = strdup(s);
	if (!t->names[t->n + 1])
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	t->n++;
	t->slots[i] = (uint16_t)t->n;
	*out = (uint16_t)t->n;
	return SPOOR_OK;
}

static int cmp_rec(const void *x, const void *y, void *len)
{
	return memcmp(x, y, *(size_t *)len);
}

/*
 * Sort n records of rl bytes from src into dst by their first klen bytes.
 * Digests are close to uniform, so one counting pass on the leading 16
 * bits leaves buckets of a few hundred records, each sorted on its own:
 * several times faster than one qsort over the whole buffer.  Skewed
 * (hostile) input only makes some buckets larger, never wrong.
 */
static int sort_records(const unsigned char *src, unsigned char *dst,
			size_t n, size_t rl, size_t klen)
{
	size_t *end = calloc(65536, sizeof(*end)), start = 0;

	if (!end)
		return -1;
	for (size_t i = 0; i < n; i++)
		end[src[i * rl] << 8 | src[i * rl + 1]]++;
	for (size_t k = 0, sum = 0; k < 65536; k++) {
		size_t c = end[k];

		end[k] = sum;	/* for now: the bucket's next slot */
		sum += c;
	}
	for (size_t i = 0; i < n; i++) {
		size_t k = (size_t)(src[i * rl] << 8 | src[i * rl + 1]);

		memcpy(dst + end[k]++ * rl, src + i * rl, rl);
	}
	for (size_t k = 0; k < 65536; k++) {
		unsigned char *b = dst + start * rl;
		size_t m = end[k] - start;

		if (m > 1)
			qsort_r(b, m, rl, cmp_rec, &klen);
		start = end[k];
	}
	free(end);
	return 0;
}

static int temp_file(struct spoor_hashdb_builder *b, struct spoor_err *err)
{
	size_t n = strlen(b->dir) + 32;
	char *path = malloc(n);
	int fd;

	if (!path)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	snprintf(path, n, "%s/.spoor-hashdb.XXXXXX", b->dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0) {
		spoor_err_set(err, SPOOR_EOUTPUT, errno, "cannot create a "
			      "temporary file in '%s'", b->dir);
		free(path);
		return -1;
	}
	/* unlinked at once: a killed build leaves nothing behind */
	unlink(path);
	free(path);
	return fd;
}

/* Sort the in-memory records of every algorithm and write them out as
 * runs. */
static int spill(struct spoor_hashdb_builder *b, struct spoor_err *err)
{
	for (int a = 0; a < SPOOR_HASH_NALGS; a++) {
		size_t rl = rec_len(a), n = b->len[a] / rl, klen = alg_len[a];
		unsigned char *sorted;
		struct run *r;
		int fd, rc;

		if (!n)
			continue;
		if (b->nruns >= MAX_RUNS)
			return spoor_err_set(err, SPOOR_ELIMIT, 0, "more than "
					     "%d sorted runs: give more memory "
					     "(-m)", MAX_RUNS);
		/* the other half of the memory bound */
		sorted = malloc(n * rl);
		if (!sorted || sort_records(b->buf[a], sorted, n, rl, klen)) {
			free(sorted);
			return spoor_err_set(err, SPOOR_ENOMEM, 0,
					     "out of memory");
		}
		fd = temp_file(b, err);
		if (fd < 0) {
			free(sorted);
			return err ? err->code : SPOOR_EOUTPUT;
		}
		rc = spoor_write_all(fd, sorted, n * rl);
		free(sorted);
		if (rc) {
			close(fd);
			return spoor_err_set(err, SPOOR_EOUTPUT, errno,
					     "cannot write a sorted run to "
					     "'%s'", b->dir);
		}
		r = realloc(b->runs, (b->nruns + 1) * sizeof(*r));
		if (!r) {
			close(fd);
			return spoor_err_set(err, SPOOR_ENOMEM, 0,
					     "out of memory");
		}
		b->runs = r;
		r[b->nruns++] = (struct run){ fd, a, n };
	}
	/* free it all: the next records may be of another algorithm */
	for (int a = 0; a < SPOOR_HASH_NALGS; a++) {
		free(b->buf[a]);
		b->buf[a] = NULL;
		b->len[a] = b->cap[a] = 0;
	}
	b->used = 0;
	return SPOOR_OK;
}

int spoor_hashdb_builder_add(struct spoor_hashdb_builder *b, unsigned alg,
			     const unsigned char *digest, const char *category,
			     struct spoor_err *err)
{
	int a = alg_index(alg), rc;
	size_t rl;
	uint16_t c = 0;

	if (a < 0 || b->finished)
		return spoor_err_set(err, SPOOR_EINVAL, 0, "bad algorithm");
	rc = cat_index(&b->cats, category, &c, err);
	if (rc)
		return rc;
	rl = rec_len(a);
	if (b->len[a] + rl > b->cap[a]) {
		/* the ceiling: all buffers together stay within mem; when
		 * they would not, everything is spilled as sorted runs */
		size_t others = b->used - b->cap[a];
		size_t want = b->cap[a] ? b->cap[a] * 2 : rl * 4096;
		unsigned char *p;

		/* half of mem: sorting a run takes as much again */
		uint64_t max = b->mem / 2;

		if (others + want > max)
			want = (size_t)((max - others) / rl * rl);
		if (want < b->len[a] + rl) {
			rc = spill(b, err);
			if (rc)
				return rc;
			want = MIN(rl * 4096, (size_t)(max / rl * rl));
		}
		p = realloc(b->buf[a], want);
		if (!p)
			return spoor_err_set(err, SPOOR_ENOMEM, 0,
					     "out of memory");
		b->used += want - b->cap[a];
		b->buf[a] = p;
		b->cap[a] = want;
	}
	memcpy(b->buf[a] + b->len[a], digest, alg_len[a]);
	b->buf[a][b->len[a] + alg_len[a]] = (unsigned char)c;
	b->buf[a][b->len[a] + alg_len[a] + 1] = (unsigned char)(c >> 8);
	b->len[a] += rl;
	b->added[a]++;
	return SPOOR_OK;
}

static int sink_add(void *ud, unsigned alg, const unsigned char *digest,
		    const char *cat, struct spoor_err *err)
{
	return spoor_hashdb_builder_add(ud, alg, digest, cat, err);
}

int spoor_hashdb_builder_add_pdq(struct spoor_hashdb_builder *b,
				 const unsigned char hash[SPOOR_PDQ_BYTES],
				 int quality, const char *category,
				 const char *label, const char *photodna,
				 struct spoor_err *err)
{
	uint16_t c = 0;
	int rc;

	if (b->finished)
		return spoor_err_set(err, SPOOR_EINVAL, 0, "already finished");
	rc = cat_index(&b->cats, category, &c, err);
	if (rc)
		return rc;
	return hdb_pdq_build_add(b->pdq, hash, quality, c, label, photodna,
				 err);
}

static int sink_add_pdq(void *ud, const unsigned char *hash, int quality,
			const char *cat, const char *label,
			const char *photodna, struct spoor_err *err)
{
	return spoor_hashdb_builder_add_pdq(ud, hash, quality, cat, label,
					    photodna, err);
}

static int add_input(struct spoor_hashdb_builder *b, const char *path,
		     const unsigned char sha256[32], struct spoor_err *err)
{
	size_t n = strlen(path);
	unsigned char len[2];

	if (b->ninputs >= MAX_INPUTS)
		return spoor_err_set(err, SPOOR_ELIMIT, 0, "more than %d "
				     "inputs", MAX_INPUTS);
	if (n > MAX_INPUT_NAME)
		n = MAX_INPUT_NAME;
	len[0] = (unsigned char)n;
	len[1] = (unsigned char)(n >> 8);
	sbuf_add(&b->inputs, sha256, 32);
	sbuf_add(&b->inputs, len, 2);
	sbuf_add(&b->inputs, path, n);
	sbuf_addc(&b->inputs, '\0');
	if (b->inputs.failed)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	b->ninputs++;
	return SPOOR_OK;
}

/* SHA-256 of a whole file (for inputs not read as a stream) */
static int file_sha256(const char *path, unsigned char out[32],
		       struct spoor_err *err)
{
	struct spoor_hash *h = spoor_hash_new(SPOOR_SHA256, err);
	struct spoor_digests d = { 0 };
	unsigned char *buf = malloc(1 << 20);
	int fd = spoor_open_input(path, 0, NULL), rc = SPOOR_OK;
	ssize_t n;

	if (!h || !buf || fd < 0) {
		rc = fd < 0 ? spoor_err_set(err, SPOOR_EIO, errno, "cannot "
					    "open '%s'", path)
		     : spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
		goto out;
	}
	while ((n = read(fd, buf, 1 << 20)) > 0)
		spoor_hash_update(h, buf, (size_t)n, err);
	if (n < 0)
		rc = spoor_err_set(err, SPOOR_EIO, errno, "cannot read '%s'",
				   path);
	else
		rc = spoor_hash_final(h, &d, err);
	if (!rc)
		memcpy(out, d.sha256, 32);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	spoor_hash_free(h);
	return rc;
}

static int add_sdb(struct spoor_hashdb_builder *b, const char *path,
		   struct spoor_hashdb_input_stats *st, struct spoor_err *err)
{
	struct spoor_hashdb *db = spoor_hashdb_open(path, err);
	int rc = SPOOR_OK;

	if (!db)
		return err ? err->code : SPOOR_EFORMAT;
	for (int a = 0; a < SPOOR_HASH_NALGS && !rc; a++) {
		for (uint64_t i = 0; i < db->alg[a].count && !rc; i++) {
			const char *cat = entry_cat(db, &db->alg[a], i);

			rc = spoor_hashdb_builder_add(b, 1u << a,
				db->alg[a].digests + i * alg_len[a],
				cat, err);
			st->digests[a]++;
			st->records++;
		}
	}
	for (uint64_t i = 0; i < db->pdq.count && !rc; i++) {
		struct spoor_pdq_match m;

		hdb_pdq_fill(db, &db->pdq, i, &m);
		rc = spoor_hashdb_builder_add_pdq(b, m.hash, m.quality,
						  m.category, m.label,
						  m.photodna, err);
		st->pdq++;
		st->records++;
	}
	spoor_hashdb_close(db);
	if (!rc)
		rc = file_sha256(path, st->sha256, err);
	return rc;
}

/*
 * A PDQ CSV: a header naming pdq/hash and quality columns, or a first
 * line of 64 hex digits, a comma and a quality 0..100.  ("hex,name"
 * alone could be a SHA-256 list: that form needs --format=pdq.)
 */
static bool looks_pdq_csv(const char *p)
{
	size_t n = 0;

	if (!strncasecmp(p, "pdq", 3) || !strncasecmp(p, "hash,quality", 12))
		return true;
	while (n < 64 && isxdigit((unsigned char)p[n]))
		n++;
	if (n != 64 || p[64] != ',')
		return false;
	p += 65;
	for (n = 0; n < 4 && p[n] >= '0' && p[n] <= '9'; n++)
		;
	return n >= 1 && n <= 3 && (p[n] == ',' || p[n] == '\n' ||
				    p[n] == '\r' || p[n] == '\0');
}

int spoor_hashdb_detect(const char *path, enum spoor_hashdb_format *f,
			struct spoor_err *err)
{
	char head[512];
	ssize_t n;
	size_t i = 0;
	int fd = spoor_open_input(path, 0, err);

	if (fd < 0)
		return fd;
	n = read(fd, head, sizeof(head) - 1);
	close(fd);
	if (n < 0)
		return spoor_err_set(err, SPOOR_EIO, errno, "cannot read "
				     "'%s'", path);
	head[n] = '\0';
	if (n >= 16 && !memcmp(head, "SQLite format 3", 16)) {
		*f = SPOOR_HDB_FMT_RDS;
		return SPOOR_OK;
	}
	if (n >= 8 && !memcmp(head, HDB_MAGIC, 8)) {
		*f = SPOOR_HDB_FMT_SDB;
		return SPOOR_OK;
	}
	if (n >= 3 && !memcmp(head, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < (size_t)n && strchr(" \t\r\n", head[i]))
		i++;
	if (i < (size_t)n && (head[i] == '{' || head[i] == '['))
		*f = SPOOR_HDB_FMT_VICS;
	else if (!strncmp(head + i, "%%%% HASHDEEP", 13))
		*f = SPOOR_HDB_FMT_HASHDEEP;
	else if (!strncasecmp(head + i, "\"SHA-1\",\"MD5\"", 13) ||
		 !strncasecmp(head + i, "\"SHA-256\",", 10))
		*f = SPOOR_HDB_FMT_NSRL_TXT;
	else if (looks_pdq_csv(head + i))
		*f = SPOOR_HDB_FMT_PDQ;
	else
		*f = SPOOR_HDB_FMT_HASHLIST;
	return SPOOR_OK;
}

int spoor_hashdb_builder_add_file(struct spoor_hashdb_builder *b,
				  const char *path,
				  enum spoor_hashdb_format fmt,
				  struct spoor_hashdb_input_stats *st,
				  struct spoor_err *err)
{
	struct spoor_hashdb_input_stats local;
	struct hdb_sink s;
	int rc;

	if (!st)
		st = &local;
	memset(st, 0, sizeof(*st));
	if (b->finished)
		return spoor_err_set(err, SPOOR_EINVAL, 0, "already finished");
	if (fmt == SPOOR_HDB_FMT_AUTO) {
		rc = spoor_hashdb_detect(path, &fmt, err);
		if (rc)
			return rc;
	}
	st->format = fmt;
	if (fmt == SPOOR_HDB_FMT_SDB) {
		rc = add_sdb(b, path, st, err);
	} else {
		s.add = sink_add;
		s.add_pdq = sink_add_pdq;
		s.ud = b;
		s.on_bad = b->on_bad;
		s.ud_bad = b->userdata;
		s.input = path;
		s.st = st;
		rc = hdb_import(path, fmt, &s, err);
	}
	if (rc)
		return rc;
	return add_input(b, path, st->sha256, err);
}

/* ---- the merge ---- */

static int reader_fill(struct run_reader *r, size_t rl)
{
	size_t want, got = 0;

	if (r->pos < r->len)
		return 0;
	want = r->cap / rl;
	if (want > r->left)
		want = (size_t)r->left;
	want *= rl;
	while (got < want) {
		ssize_t n = read(r->run->fd, r->buf + got, want - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	r->left -= want / rl;
	r->pos = 0;
	r->len = got;
	return 0;
}

/* Buffered writer to the output, tracking the offset. */
struct out {
	int fd;
	unsigned char *buf;
	size_t len, cap;
	uint64_t off;
	bool failed;
	int sys_errno;
};

static void out_flush(struct out *o)
{
	if (o->len && !o->failed && spoor_write_all(o->fd, o->buf, o->len)) {
		o->failed = true;
		o->sys_errno = errno;
	}
	o->len = 0;
}

static void out_add(struct out *o, const void *p, size_t n)
{
	const unsigned char *c = p;

	o->off += n;
	while (n) {
		size_t k = MIN(n, o->cap - o->len);

		memcpy(o->buf + o->len, c, k);
		o->len += k;
		c += k;
		n -= k;
		if (o->len == o->cap)
			out_flush(o);
	}
}

static void out_align(struct out *o)
{
	static const unsigned char zero[8];

	if (o->off % 8)
		out_add(o, zero, 8 - o->off % 8);
}

static void out_add_v(void *o, const void *p, size_t n)
{
	out_add(o, p, n);
}

static void out_align_v(void *o)
{
	out_align(o);
}

struct heap {
	struct run_reader **r;
	size_t n, klen;
};

static bool heap_less(struct heap *h, size_t i, size_t j)
{
	int c = memcmp(h->r[i]->buf + h->r[i]->pos, h->r[j]->buf + h->r[j]->pos,
		       h->klen);

	/* ties by run order: deterministic */
	return c < 0 || (c == 0 && h->r[i]->run < h->r[j]->run);
}

static void heap_down(struct heap *h, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		struct run_reader *t;

		if (l < h->n && heap_less(h, l, m))
			m = l;
		if (l + 1 < h->n && heap_less(h, l + 1, m))
			m = l + 1;
		if (m == i)
			return;
		t = h->r[i];
		h->r[i] = h->r[m];
		h->r[m] = t;
		i = m;
	}
}

static unsigned fanout_bits(uint64_t n)
{
	unsigned bits = 0;

	/* ~8-16 entries per bucket, at most 4 MiB of table */
	while (bits < MAX_FANOUT_BITS && (n >> (bits + 4)) > 0)
		bits++;
	return bits;
}

/* Merge the runs of one algorithm into the output; fills its header. */
static int merge_alg(struct spoor_hashdb_builder *b, int a, struct out *o,
		     unsigned char *hdr, struct spoor_hashdb_build_stats *st,
		     struct spoor_err *err)
{
	size_t rl = rec_len(a), klen = alg_len[a], nr = 0, nb;
	struct run_reader *rd = NULL;
	struct heap h = { NULL, 0, klen };
	uint64_t total = 0, uniq = 0, digests_off, cats_off = 0, fan_off;
	uint32_t *fan = NULL;
	unsigned bits;
	unsigned char prev[64], *last_cat = NULL;
	bool have_prev = false, any_cat = false;
	int cfd = -1, rc = SPOOR_OK;
	struct out co = { -1, NULL, 0, 0, 0, false, 0 };
	size_t per;

	for (size_t i = 0; i < b->nruns; i++)
		if (b->runs[i].alg == a) {
			nr++;
			total += b->runs[i].n;
		}
	if (!total)
		return SPOOR_OK;
	if (total > UINT32_MAX)
		return spoor_err_set(err, SPOOR_ELIMIT, 0, "more than 2^32 "
				     "%s digests", spoor_hash_name(1u << a));
	bits = fanout_bits(total);
	nb = (size_t)1 << bits;
	rd = calloc(nr, sizeof(*rd));
	h.r = calloc(nr, sizeof(*h.r));
	fan = calloc(nb, sizeof(*fan));
	per = (size_t)(b->mem / 2 / nr / rl) * rl;
	if (per < rl * 256)
		per = rl * 256;
	co.cap = 1 << 20;
	co.buf = malloc(co.cap);
	if (!rd || !h.r || !fan || !co.buf) {
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0, k = 0; i < b->nruns; i++) {
		if (b->runs[i].alg != a)
			continue;
		rd[k].run = &b->runs[i];
		rd[k].left = b->runs[i].n;
		rd[k].cap = per;
		rd[k].buf = malloc(per);
		if (!rd[k].buf) {
			rc = spoor_err_set(err, SPOOR_ENOMEM, 0,
					   "out of memory");
			goto out;
		}
		if (lseek(b->runs[i].fd, 0, SEEK_SET) ||
		    reader_fill(&rd[k], rl)) {
			rc = spoor_err_set(err, SPOOR_EIO, errno, "cannot "
					   "read a sorted run back");
			goto out;
		}
		h.r[h.n++] = &rd[k++];
	}
	for (size_t i = h.n; i-- > 0;)
		heap_down(&h, i);
	cfd = temp_file(b, err);
	if (cfd < 0) {
		rc = err ? err->code : SPOOR_EOUTPUT;
		goto out;
	}
	co.fd = cfd;
	out_align(o);
	digests_off = o->off;
	while (h.n) {
		struct run_reader *r = h.r[0];
		const unsigned char *rec = r->buf + r->pos;
		uint16_t c = (uint16_t)(rec[klen] | rec[klen + 1] << 8);

		if (have_prev && !memcmp(prev, rec, klen)) {
			uint16_t pc = (uint16_t)(last_cat[0] |
						 last_cat[1] << 8);

			/* the category seen first in the inputs wins */
			if (c && c != pc) {
				if (pc)
					st->category_conflicts++;
				if (!pc || c < pc) {
					last_cat[0] = (unsigned char)c;
					last_cat[1] = (unsigned char)(c >> 8);
				}
			}
		} else {
			unsigned char cb[2] = { (unsigned char)c,
						(unsigned char)(c >> 8) };

			memcpy(prev, rec, klen);
			have_prev = true;
			out_add(o, rec, klen);
			/* the category may still change with the next
			 * duplicates: keep it in the buffer until then */
			if (co.len + 2 > co.cap)
				out_flush(&co);
			last_cat = co.buf + co.len;
			memcpy(last_cat, cb, 2);
			co.len += 2;
			co.off += 2;
			fan[bits ? be32(rec) >> (32 - bits) : 0]++;
			uniq++;
		}
		if (c)
			any_cat = true;
		r->pos += rl;
		if (r->pos >= r->len && r->left) {
			if (reader_fill(r, rl)) {
				rc = spoor_err_set(err, SPOOR_EIO, errno,
						   "cannot read a sorted run "
						   "back");
				goto out;
			}
		}
		if (r->pos >= r->len)
			h.r[0] = h.r[--h.n];
		heap_down(&h, 0);
	}
	out_flush(&co);
	if (co.failed) {
		rc = spoor_err_set(err, SPOOR_EOUTPUT, co.sys_errno, "cannot "
				   "write a temporary file in '%s'", b->dir);
		goto out;
	}
	if (any_cat) {
		ssize_t n;

		out_align(o);
		cats_off = o->off;
		if (lseek(cfd, 0, SEEK_SET)) {
			rc = spoor_err_set(err, SPOOR_EIO, errno, "seek");
			goto out;
		}
		while ((n = read(cfd, co.buf, co.cap)) > 0)
			out_add(o, co.buf, (size_t)n);
		if (n < 0) {
			rc = spoor_err_set(err, SPOOR_EIO, errno, "cannot "
					   "read a temporary file back");
			goto out;
		}
	}
	out_align(o);
	fan_off = o->off;
	for (size_t p = 0, sum = 0; p < nb; p++) {
		unsigned char v[4];

		sum += fan[p];
		put32(v, (uint32_t)sum);
		out_add(o, v, 4);
	}
	put64(hdr + H_ALG + 32 * a, uniq);
	put64(hdr + H_ALG + 32 * a + 8, digests_off);
	put64(hdr + H_ALG + 32 * a + 16, cats_off);
	put64(hdr + H_ALG + 32 * a + 24, fan_off | (uint64_t)bits << 56);
	st->unique[a] = uniq;
out:
	if (cfd >= 0)
		close(cfd);
	free(co.buf);
	for (size_t i = 0; rd && i < nr; i++)
		free(rd[i].buf);
	free(rd);
	free(h.r);
	free(fan);
	return rc;
}

int spoor_hashdb_builder_finish(struct spoor_hashdb_builder *b,
				struct spoor_hashdb_build_stats *st,
				struct spoor_err *err)
{
	struct spoor_hashdb_build_stats local;
	unsigned char hdr[HDR_SIZE] = { 0 };
	struct out o = { -1, NULL, 0, 0, 0, false, 0 };
	int rc;

	if (!st)
		st = &local;
	memset(st, 0, sizeof(*st));
	if (b->finished)
		return spoor_err_set(err, SPOOR_EINVAL, 0, "already finished");
	rc = spill(b, err);
	if (rc)
		return rc;
	for (int a = 0; a < SPOOR_HASH_NALGS; a++) {
		free(b->buf[a]);
		b->buf[a] = NULL;
		b->cap[a] = 0;
		st->added[a] = b->added[a];
	}
	st->runs = b->nruns;
	o.fd = open(b->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (o.fd < 0 && errno == EEXIST) {
		/* a leftover of a killed run: ours to replace */
		unlink(b->tmp);
		o.fd = open(b->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			    0644);
	}
	if (o.fd < 0)
		return spoor_err_set(err, SPOOR_EOUTPUT, errno, "cannot "
				     "create '%s'", b->tmp);
	o.cap = 1 << 20;
	o.buf = malloc(o.cap);
	if (!o.buf) {
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
		goto fail;
	}
	out_add(&o, hdr, HDR_SIZE);
	put64(hdr + H_IN_OFF, o.off);
	put64(hdr + H_IN_LEN, b->inputs.len);
	put32(hdr + H_NINPUTS, b->ninputs);
	out_add(&o, b->inputs.buf, b->inputs.len);
	put64(hdr + H_CAT_OFF, o.off);
	for (size_t i = 1; i <= b->cats.n; i++) {
		unsigned char n = (unsigned char)strlen(b->cats.names[i]);

		out_add(&o, &n, 1);
		out_add(&o, b->cats.names[i], n);
	}
	put64(hdr + H_CAT_LEN, o.off - get64(hdr + H_CAT_OFF));
	put32(hdr + H_NCATS, (uint32_t)b->cats.n);
	for (int a = 0; a < SPOOR_HASH_NALGS && !rc; a++)
		rc = merge_alg(b, a, &o, hdr, st, err);
	if (!rc) {
		struct hdb_out_fn fn = { &o, out_add_v, out_align_v, &o.off };

		rc = hdb_pdq_write(b->pdq, &fn, hdr, st, err);
	}
	if (rc)
		goto fail;
	out_flush(&o);
	memcpy(hdr + H_MAGIC, HDB_MAGIC, 8);
	put32(hdr + H_VERSION, HDB_VERSION);
	put32(hdr + H_KIND, (uint32_t)b->kind);
	put64(hdr + H_TIME, (uint64_t)time(NULL));
	put64(hdr + H_SIZE, o.off);
	memcpy(hdr + H_NAME, b->name, sizeof(b->name));
	memcpy(hdr + H_DEFCAT, b->defcat, sizeof(b->defcat));
	if (o.failed || pwrite(o.fd, hdr, HDR_SIZE, 0) != HDR_SIZE ||
	    fsync(o.fd)) {
		rc = spoor_err_set(err, SPOOR_EOUTPUT,
				   o.failed ? o.sys_errno : errno,
				   "cannot write '%s'", b->tmp);
		goto fail;
	}
	if (close(o.fd)) {
		o.fd = -1;
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno, "cannot write "
				   "'%s'", b->tmp);
		goto fail;
	}
	o.fd = -1;
	if (spoor_rename(b->tmp, b->out)) {
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno, "cannot rename "
				   "'%s' to '%s'", b->tmp, b->out);
		goto fail;
	}
	b->finished = true;
	free(o.buf);
	return SPOOR_OK;
fail:
	if (o.fd >= 0)
		close(o.fd);
	free(o.buf);
	unlink(b->tmp);
	return rc;
}
