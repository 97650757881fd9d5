/*
 * t-pdq: the PDQ hash and PDQ sets.
 *
 * - The reference pictures (../shared/samples/pdq, skipped when absent):
 *   each computed hash within 10 bits of the hash the reference
 *   implementation published for it; the eight dihedral variants of
 *   bridge-1-original.jpg within 10 bits of the published hashes of the
 *   seven rotated and mirrored files; unrelated pictures further than 31
 *   from every bridge hash.
 * - A synthetic picture and its mirror image built here: the mirror's
 *   hash is the picture's flip-y variant.
 * - Hostile pictures built here (truncated, huge declared size, wrong
 *   magic, garbage): an error, never a crash.
 * - A PDQ set of random hashes with planted neighbours: the index finds
 *   exactly what brute force over every entry finds, one query at a time
 *   and batched; the quality floor; the CSV importer.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "spoor.h"
#include "tap.h"

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0) {
		rewind(f);
		buf = malloc((size_t)n);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

/* ---- the reference pictures ---- */

static const char *const bridges[SPOOR_PDQ_NDIHEDRAL] = {
	"bridge-1-original.jpg", "bridge-2-rotate-90.jpg",
	"bridge-3-rotate-180.jpg", "bridge-4-rotate-270.jpg",
	"bridge-5-flipx.jpg", "bridge-6-flipy.jpg",
	"bridge-7-flip-plus-1.jpg", "bridge-8-flip-minus-1.jpg",
};
static const char *const unrelated[] = {
	"q0003.jpg", "q0004.jpg", "q0122.jpg", "q0291.jpg", "q0746.jpg",
	"q1050.jpg", "q2821.jpg",
};
#define NSAMPLE_TESTS (8 + 8 + 7 + 1)

/* The published hash of a file from reference-pdq.csv (hash,file). */
static int reference(const char *dir, const char *file,
		     unsigned char out[SPOOR_PDQ_BYTES])
{
	char path[4096], line[512];
	FILE *f;
	int rc = -1;

	snprintf(path, sizeof(path), "%s/reference-pdq.csv", dir);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *comma = strchr(line, ',');

		if (!comma)
			continue;
		comma[strcspn(comma, "\r\n")] = '\0';
		if (!strcmp(comma + 1, file) &&
		    !spoor_pdq_parse(line, (size_t)(comma - line), out))
			rc = 0;
	}
	if (f)
		fclose(f);
	return rc;
}

static int hash_file(const char *dir, const char *file,
		     struct spoor_pdq *p,
		     unsigned char dih[][SPOOR_PDQ_BYTES])
{
	char path[4096];
	size_t len = 0;
	char *buf;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	buf = slurp(path, &len);
	if (!buf)
		return -1;
	rc = spoor_pdq_picture(buf, len, NULL, p, dih, NULL, NULL);
	free(buf);
	return rc;
}

static void samples(void)
{
	const char *src = getenv("SPOOR_SRC");
	char dir[4096];
	unsigned char ref[SPOOR_PDQ_NDIHEDRAL][SPOOR_PDQ_BYTES];
	unsigned char dih[SPOOR_PDQ_NDIHEDRAL][SPOOR_PDQ_BYTES];
	struct spoor_pdq p;
	int worst = 0;

	snprintf(dir, sizeof(dir), "%s/../shared/samples/pdq",
		 src ? src : ".");
	if (access(dir, R_OK) || reference(dir, bridges[0], ref[0])) {
		snprintf(dir, sizeof(dir), "/work/shared/samples/pdq");
		if (access(dir, R_OK) || reference(dir, bridges[0], ref[0])) {
			for (int i = 0; i < NSAMPLE_TESTS; i++)
				ok(1, "# SKIP no ../shared/samples/pdq");
			return;
		}
	}
	for (int i = 0; i < SPOOR_PDQ_NDIHEDRAL; i++) {
		int d;

		if (reference(dir, bridges[i], ref[i]) ||
		    hash_file(dir, bridges[i], &p, NULL)) {
			ok(0, "%s hashed", bridges[i]);
			continue;
		}
		d = spoor_pdq_distance(p.hash, ref[i]);
		ok(d <= 10, "%s: within 10 bits of the reference (%d), "
		   "quality %d", bridges[i], d, p.quality);
	}
	if (hash_file(dir, bridges[0], &p, dih))
		memset(dih, 0, sizeof(dih));
	for (int v = 0; v < SPOOR_PDQ_NDIHEDRAL; v++) {
		int d = spoor_pdq_distance(dih[v], ref[v]);

		ok(d <= 10, "variant %s of %s: within 10 bits of %s (%d)",
		   spoor_pdq_dihedral_name(v), bridges[0], bridges[v], d);
	}
	for (size_t u = 0; u < sizeof(unrelated) / sizeof(*unrelated); u++) {
		int nearest = 256;

		if (hash_file(dir, unrelated[u], &p, NULL)) {
			ok(0, "%s hashed", unrelated[u]);
			continue;
		}
		for (int i = 0; i < SPOOR_PDQ_NDIHEDRAL; i++) {
			int d = spoor_pdq_distance(p.hash, ref[i]);

			nearest = d < nearest ? d : nearest;
		}
		ok(nearest > 31, "%s: further than 31 from every bridge "
		   "hash (%d)", unrelated[u], nearest);
		worst = nearest > worst ? nearest : worst;
	}
	ok(worst > 0, "the unrelated pictures were compared");
}

/* ---- a synthetic picture and its mirror image ---- */

/* box windows of 3 (odd: symmetric), so a mirror image filters to the
 * mirror of the filtered picture */
#define W 384
#define H 288

static void mirror(void)
{
	static float a[H][W], m[H][W];
	unsigned char dih[SPOOR_PDQ_NDIHEDRAL][SPOOR_PDQ_BYTES];
	struct spoor_pdq pa, pm, flat;
	int d;

	/* smooth blobs: structure at the scales the DCT keeps */
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			a[y][x] = (float)(128 + 40 * sin(x / 23.0 + 1) *
					  cos(y / 31.0) + 30 * sin((x + 2 * y)
					  / 41.0) + 20 * cos(x * y / 5000.0 +
					  x / 17.0));
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			m[y][x] = a[y][W - 1 - x];
	ok(!spoor_pdq_luma(&a[0][0], W, H, &pa, dih, NULL) &&
	   !spoor_pdq_luma(&m[0][0], W, H, &pm, NULL, NULL), "hashed");
	d = spoor_pdq_distance(pm.hash, dih[SPOOR_PDQ_FLIPY]);
	ok(d <= 4, "the mirror image's hash is the flip-y variant (%d)", d);
	ok(spoor_pdq_distance(pa.hash, dih[SPOOR_PDQ_ORIGINAL]) == 0,
	   "variant 0 is the hash itself");
	ok(spoor_pdq_distance(pa.hash, pm.hash) > 31,
	   "a picture and its mirror image differ without the variants");
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			a[y][x] = 77;
	ok(!spoor_pdq_luma(&a[0][0], W, H, &flat, NULL, NULL) &&
	   flat.quality == 0, "a flat picture has quality 0 (%d)",
	   flat.quality);
}

/* ---- hostile pictures ---- */

static unsigned char png_huge[] = {
	0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
	0, 0, 0, 13, 'I', 'H', 'D', 'R',
	0, 0, 0xff, 0xff, 0, 0, 0xff, 0xff,	/* 65535 x 65535 */
	8, 2, 0, 0, 0, 0x00, 0x00, 0x00, 0x00,
	0, 0, 0, 0, 'I', 'D', 'A', 'T', 0x35, 0xaf, 0x06, 0x1e,
	0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82,
};

/* a JPEG whose frame header declares 60000 x 60000 pixels */
static const unsigned char jpeg_huge[] = {
	0xff, 0xd8, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0xea, 0x60, 0xea, 0x60,
	0x01, 0x01, 0x11, 0x00, 0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00,
	0x00, 0x3f, 0x00, 0xff, 0xd9,
};

static const unsigned char gif_huge[] = {
	'G', 'I', 'F', '8', '9', 'a', 0xff, 0xff, 0xff, 0xff, 0x00, 0, 0,
	0x2c, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x00, 0x02, 0x00, 0x3b,
};

static const unsigned char bmp_trunc[] = {
	'B', 'M', 0x46, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 40, 0, 0, 0,
	0x10, 0, 0, 0, 0x10, 0, 0, 0, 1, 0, 24, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static void hostile(void)
{
	/* the IHDR chunk's CRC, so that libpng reads the size */
	uLong crc = crc32(0, png_huge + 12, 17);

	png_huge[29] = (unsigned char)(crc >> 24);
	png_huge[30] = (unsigned char)(crc >> 16);
	png_huge[31] = (unsigned char)(crc >> 8);
	png_huge[32] = (unsigned char)crc;

	static const struct {
		const char *what;
		const void *buf;
		size_t len;
		int code;
	} t[] = {
		{ "PNG declaring 65535x65535", png_huge, sizeof(png_huge),
		  SPOOR_ELIMIT },
		{ "JPEG declaring 60000x60000", jpeg_huge, sizeof(jpeg_huge),
		  SPOOR_ELIMIT },
		{ "GIF declaring 65535x65535", gif_huge, sizeof(gif_huge),
		  SPOOR_ELIMIT },
		{ "BMP without its pixels", bmp_trunc, sizeof(bmp_trunc),
		  SPOOR_EFORMAT },
		{ "JPEG magic, then nothing", "\xff\xd8\xff", 3,
		  SPOOR_EFORMAT },
		{ "PNG magic, then garbage", "\x89PNG\r\n\x1a\nxxxxxxxxxxxx",
		  20, SPOOR_EFORMAT },
		{ "not a picture", "hello, world", 12, SPOOR_EUNSUPPORTED },
		{ "empty", "", 0, SPOOR_EUNSUPPORTED },
		{ "RIFF WEBP without a chunk", "RIFF\x04\0\0\0WEBP", 12,
		  SPOOR_EFORMAT },
		{ "TIFF header only", "II*\0\x08\0\0\0", 8, SPOOR_EFORMAT },
		{ "HEIF ftyp only", "\0\0\0\x10" "ftypheic\0\0\0\0", 16,
		  SPOOR_EFORMAT },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
		struct spoor_pdq p;
		struct spoor_err err;
		int rc;

		spoor_err_clear(&err);
		rc = spoor_pdq_picture(t[i].buf, t[i].len, NULL, &p, NULL,
				       NULL, &err);
		ok(rc == t[i].code && err.msg[0], "%s: %s (%s)", t[i].what,
		   spoor_strerror(t[i].code), err.msg);
	}
}

/* ---- a PDQ set against brute force ---- */

#define NSET 20000
#define NQ 600

struct hits {
	uint64_t *idx;
	int *dist;
	size_t n, cap;
};

static int collect(void *ud, uint64_t i, int d)
{
	struct hits *h = ud;

	if (h->n < h->cap) {
		h->idx[h->n] = i;
		h->dist[h->n] = d;
	}
	h->n++;
	return 0;
}

struct many {
	size_t *count;
};

static int collect_many(void *ud, size_t q, uint64_t i, int d)
{
	struct many *m = ud;

	(void)i;
	(void)d;
	m->count[q]++;
	return 0;
}

/* A bucket bound and an entry number of the index made hostile: opens,
 * searches without leaving the file, and verify finds it. */
static void damaged(const char *path)
{
	size_t len = 0;
	char *buf = slurp(path, &len);
	unsigned char q[SPOOR_PDQ_BYTES] = { 0 };
	struct spoor_err err;
	struct spoor_hashdb *db;
	uint64_t idx = 0;
	FILE *f;
	int found = 0;

	for (int i = 7; buf && i >= 0; i--)
		idx = idx << 8 | (unsigned char)buf[392 + 16 + i];
	ok(buf && idx > 512 && idx + 65537 * 4 + 32 < len,
	   "the index offset from the header");
	if (!buf || idx + 65537 * 4 + 32 >= len)
		return;
	memset(buf + idx + 4 * 7, 0xff, 4);	/* start[7] of band 0 */
	memset(buf + idx + 65537 * 4 + 16, 0xff, 4);	/* an entry number */
	f = fopen(path, "wb");
	fwrite(buf, 1, len, f);
	fclose(f);
	free(buf);
	db = spoor_hashdb_open(path, &err);
	ok(db != NULL, "a damaged index still opens (checked when used)");
	if (!db)
		return;
	for (int v = 0; v < 64; v++) {
		q[0] = (unsigned char)v;
		q[1] = (unsigned char)(v * 7);
		found += (int)spoor_hashdb_pdq_search(db, q, 47, NULL, NULL);
	}
	ok(found >= 0, "searches stay inside the set");
	ok(spoor_hashdb_verify(db, &err) == SPOOR_EFORMAT, "verify finds the "
	   "damage (%s)", err.msg);
	spoor_hashdb_close(db);
}

static void set_vs_brute_force(const char *dir)
{
	static unsigned char hashes[NSET][SPOOR_PDQ_BYTES];
	static int quality[NSET];
	static unsigned char q[NQ][SPOOR_PDQ_BYTES];
	static size_t many_count[NQ];
	struct spoor_hashdb_build_opts bo = { 0 };
	struct spoor_hashdb_builder *b;
	struct spoor_hashdb *db;
	struct spoor_hashdb_info inf;
	struct spoor_err err;
	char path[4200];
	uint64_t idx[64];
	int dist[64];
	size_t bad_one = 0, bad_many = 0, total = 0, sorted_bad = 0;
	struct many m = { many_count };

	snprintf(path, sizeof(path), "%s/pdq.sdb", dir);
	bo.kind = SPOOR_HDB_KNOWN_BAD;
	bo.pdq_max_distance = 31;
	bo.pdq_min_quality = 50;
	b = spoor_hashdb_builder_new(path, &bo, &err);
	for (int i = 0; i < NSET; i++) {
		/* every 10th a near copy of an earlier one: neighbours
		 * at distances around the threshold */
		if (i % 10 == 9) {
			memcpy(hashes[i], hashes[i - 1 - next() % 8], 32);
			for (int f = (int)(next() % 40); f > 0; f--) {
				unsigned bit = (unsigned)(next() % 256);

				hashes[i][bit / 8] ^= (unsigned char)
						      (1u << (bit % 8));
			}
		} else {
			for (int k = 0; k < 32; k += 8) {
				uint64_t r = next();

				memcpy(hashes[i] + k, &r, 8);
			}
		}
		quality[i] = (int)(next() % 101);
		if (b && spoor_hashdb_builder_add_pdq(b, hashes[i], quality[i],
						      i % 2 ? "A" : NULL,
						      NULL, NULL, &err))
			break;
	}
	ok(b && !spoor_hashdb_builder_finish(b, NULL, &err), "built a set "
	   "of %d PDQ hashes", NSET);
	spoor_hashdb_builder_free(b);
	db = spoor_hashdb_open(path, &err);
	ok(db != NULL, "opened: %s", db ? "ok" : err.msg);
	if (!db)
		return;
	spoor_hashdb_get_info(db, &inf);
	ok(inf.pdq_max_distance == 31 && inf.pdq_min_quality == 50,
	   "the set records its threshold and quality floor");
	ok(!spoor_hashdb_verify(db, &err), "verify");
	for (uint64_t i = 1; i < inf.pdq_count; i++) {
		struct spoor_pdq_match x, y;

		spoor_hashdb_pdq_entry(db, i - 1, &x);
		spoor_hashdb_pdq_entry(db, i, &y);
		sorted_bad += memcmp(x.hash, y.hash, 32) >= 0;
	}
	ok(!sorted_bad, "entries sorted and unique (%llu)",
	   (unsigned long long)inf.pdq_count);
	for (int i = 0; i < NQ; i++) {
		memcpy(q[i], hashes[next() % NSET], 32);
		for (int f = (int)(next() % 48); f > 0; f--) {
			unsigned bit = (unsigned)(next() % 256);

			q[i][bit / 8] ^= (unsigned char)(1u << (bit % 8));
		}
		if (i % 3 == 0)
			for (int k = 0; k < 32; k += 8) {
				uint64_t r = next();

				memcpy(q[i] + k, &r, 8);
			}
	}
	ok(!spoor_hashdb_pdq_search_many(db, &q[0][0], NQ, -1, collect_many,
					 &m), "batched search");
	for (int i = 0; i < NQ; i++) {
		struct hits h = { idx, dist, 0, 64 };
		size_t want = 0;
		int mism = 0;

		spoor_hashdb_pdq_search(db, q[i], -1, collect, &h);
		/* the oracle: every entry, by the spoor_pdq_distance of its
		 * stored hash, quality floor applied */
		for (uint64_t e = 0; e < inf.pdq_count; e++) {
			struct spoor_pdq_match x;
			int d;

			spoor_hashdb_pdq_entry(db, e, &x);
			d = spoor_pdq_distance(x.hash, q[i]);
			if (d > 31 || (x.quality >= 0 && x.quality < 50))
				continue;
			want++;
			mism++;
			for (size_t k = 0; k < h.n && k < 64; k++)
				if (idx[k] == e && dist[k] == d)
					mism--;
		}
		total += want;
		bad_one += h.n != want || mism != 0;
		bad_many += many_count[i] != want;
	}
	ok(!bad_one, "one by one: the same entries and distances as brute "
	   "force for %d queries (%zu hits; %zu differ)", NQ, total,
	   bad_one);
	ok(!bad_many, "batched: the same counts as brute force (%zu differ)",
	   bad_many);
	ok(total > NQ / 10, "the queries had near neighbours (%zu)", total);
	spoor_hashdb_close(db);
	damaged(path);
	unlink(path);
}

static void csv_import(const char *dir)
{
	char in[4200], out[4200];
	struct spoor_hashdb_builder *b;
	struct spoor_hashdb_input_stats st;
	struct spoor_hashdb *db = NULL;
	struct spoor_pdq_match m;
	struct spoor_err err;
	enum spoor_hashdb_format f = SPOOR_HDB_FMT_AUTO;
	FILE *fp;

	snprintf(in, sizeof(in), "%s/set.csv", dir);
	snprintf(out, sizeof(out), "%s/csv.sdb", dir);
	fp = fopen(in, "w");
	fprintf(fp, "hash,quality,label\n"
		"%064x,90,first, with a comma\n"
		"f8f8f0cce0f4e84d0e370a22028f67f0b36e2ed596623e1d33e6339c4e9c9b22"
		",100\n"
		"zz,100,not hex\n"
		"f8f8f0cce0f4e84d0e370a22028f67f0b36e2ed596623e1d33e6339c4e9c9b2"
		",1\n"
		"# a comment\n"
		"00000000000000000000000000000000000000000000000000000000000000ff"
		",101,quality out of range\n", 0u);
	fclose(fp);
	ok(!spoor_hashdb_detect(in, &f, NULL) && f == SPOOR_HDB_FMT_PDQ,
	   "a PDQ CSV is detected (%s)", spoor_hashdb_format_name(f));
	b = spoor_hashdb_builder_new(out, NULL, &err);
	ok(b && !spoor_hashdb_builder_add_file(b, in, SPOOR_HDB_FMT_AUTO, &st,
					       &err) &&
	   !spoor_hashdb_builder_finish(b, NULL, &err), "imported");
	spoor_hashdb_builder_free(b);
	is_int((long long)st.pdq, 2, "two PDQ hashes");
	is_int((long long)st.bad, 3, "three bad lines");
	is_int((long long)st.skipped, 2, "a header and a comment skipped");
	db = spoor_hashdb_open(out, &err);
	ok(db && !spoor_hashdb_pdq_entry(db, 0, &m) &&
	   !strcmp(m.label, "first, with a comma") && m.quality == 90,
	   "label (the rest of the line) and quality kept");
	spoor_hashdb_close(db);
	unlink(in);
	unlink(out);
}

int main(void)
{
	char dir[] = "/tmp/t-pdq.XXXXXX";

	plan(NSAMPLE_TESTS + 5 + 11 + 9 + 4 + 6);
	samples();
	mirror();
	hostile();
	if (!mkdtemp(dir))
		return 1;
	set_vs_brute_force(dir);
	csv_import(dir);
	rmdir(dir);
	return done_testing();
}
