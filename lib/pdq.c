/*
 * pdq.c: the PDQ perceptual hash of a luminance picture, written from
 * Meta's hashing document ("The TMK+PDQF video-hashing algorithm and the
 * PDQ image similarity algorithm"), not from any implementation:
 *
 * 1. luminance Y = 0.299 R + 0.587 G + 0.114 B, 0..255 (the caller's);
 * 2. a Jarosz filter: two passes of a box filter along each axis, the
 *    box ceil(side / 128) wide, then 64 x 64 samples taken at the
 *    centres of a 64 x 64 grid;
 * 3. the quality: the sum of absolute differences of neighbours in the
 *    64 x 64 buffer (scaled to 0..100 per step), over 90, at most 100;
 * 4. a 2-D DCT of the 64 x 64 buffer keeping frequencies 1..16 of each
 *    axis (the DC row and column are left out): 16 x 16 coefficients;
 * 5. one bit per coefficient: 1 when it is above their median.
 *
 * Bit k (k = 16 * row + column of the 16 x 16 matrix) is bit k of the
 * hash read as a 256-bit number written in 64 hex digits, most
 * significant first (the form the reference tools print).
 *
 * Mirroring the picture changes the signs of alternate rows or columns
 * of the DCT, and transposing it transposes the DCT: the hashes of the
 * eight rotations and mirrors come from one transform.
 */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

#define N 64		/* the side of the filtered buffer */
#define D 16		/* the side of the kept DCT block */

/*
 * A box filter of width w along n samples `stride` apart: out[i] is the
 * mean of in[i - w/2 .. i + w - 1 - w/2], the window cut at the ends
 * (and the mean taken over the samples inside).
 */
static void box1d(const float *in, float *out, size_t n, size_t stride,
		  size_t w)
{
	size_t a = w / 2, b = w - 1 - a, lo = 0, hi = 0;
	double sum = 0;

	/* the window of i is [lo, hi): lo = i - a, hi = i + b + 1, cut */
	for (size_t i = 0; i < n; i++) {
		size_t want_hi = MIN(n, i + b + 1);
		size_t want_lo = i > a ? i - a : 0;

		while (hi < want_hi)
			sum += in[stride * hi++];
		while (lo < want_lo)
			sum -= in[stride * lo++];
		out[stride * i] = (float)(sum / (double)(hi - lo));
	}
}

/* Two box passes along each row, then along each column; `tmp` has
 * w * h floats. */
static void jarosz(float *img, float *tmp, size_t w, size_t h)
{
	size_t wx = (w + 2 * N - 1) / (2 * N), wy = (h + 2 * N - 1) / (2 * N);

	for (size_t y = 0; y < h; y++) {
		box1d(img + y * w, tmp + y * w, w, 1, wx);
		box1d(tmp + y * w, img + y * w, w, 1, wx);
	}
	for (size_t x = 0; x < w; x++) {
		box1d(img + x, tmp + x, h, w, wy);
		box1d(tmp + x, img + x, h, w, wy);
	}
}

static int quality(const float a[N][N])
{
	long sum = 0;

	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			if (i + 1 < N)
				sum += (long)(fabsf(a[i + 1][j] - a[i][j]) *
					      100.0f / 255.0f);
			if (j + 1 < N)
				sum += (long)(fabsf(a[i][j + 1] - a[i][j]) *
					      100.0f / 255.0f);
		}
	sum /= 90;
	return sum > 100 ? 100 : (int)sum;
}

/* out = C a C^T with C[k][n] = sqrt(2/64) cos(pi (k+1) (2n+1) / 128) */
static void dct(const float a[N][N], float out[D][D])
{
	float c[D][N], t[D][N];

	for (int k = 0; k < D; k++)
		for (int n = 0; n < N; n++)
			c[k][n] = (float)(sqrt(2.0 / N) *
					  cos(M_PI * (k + 1) * (2 * n + 1) /
					      (2.0 * N)));
	for (int k = 0; k < D; k++)
		for (int x = 0; x < N; x++) {
			double s = 0;

			for (int y = 0; y < N; y++)
				s += (double)c[k][y] * a[y][x];
			t[k][x] = (float)s;
		}
	for (int k = 0; k < D; k++)
		for (int l = 0; l < D; l++) {
			double s = 0;

			for (int x = 0; x < N; x++)
				s += (double)t[k][x] * c[l][x];
			out[k][l] = (float)s;
		}
}

static int cmp_float(const void *x, const void *y)
{
	float a = *(const float *)x, b = *(const float *)y;

	return (a > b) - (a < b);
}

/* Bit k of the hash is set when coefficient k is above the median. */
static void threshold(const float b[D][D], unsigned char hash[32])
{
	float v[D * D], med;

	memcpy(v, b, sizeof(v));
	qsort(v, D * D, sizeof(v[0]), cmp_float);
	/* the median of an even count: the mean of the middle two */
	med = (v[D * D / 2 - 1] + v[D * D / 2]) / 2;
	memset(hash, 0, 32);
	for (int k = 0; k < D * D; k++)
		if (b[k / D][k % D] > med)
			hash[31 - k / 8] |= (unsigned char)(1u << (k % 8));
}

/*
 * The eight dihedral variants (enum spoor_pdq_dihedral order): flipping
 * the columns of the picture negates the DCT columns of even index (the
 * basis functions of odd frequency), flipping the rows the even rows,
 * and a transposed picture has the transposed DCT.
 */
static void variant(const float b[D][D], int which, float out[D][D])
{
	/* { transpose, negate even columns, negate even rows } */
	static const unsigned char op[SPOOR_PDQ_NDIHEDRAL][3] = {
		[SPOOR_PDQ_ORIGINAL] = { 0, 0, 0 },
		[SPOOR_PDQ_ROTATE90] = { 1, 0, 1 },
		[SPOOR_PDQ_ROTATE180] = { 0, 1, 1 },
		[SPOOR_PDQ_ROTATE270] = { 1, 1, 0 },
		[SPOOR_PDQ_FLIPX] = { 0, 0, 1 },
		[SPOOR_PDQ_FLIPY] = { 0, 1, 0 },
		[SPOOR_PDQ_FLIP_PLUS1] = { 1, 0, 0 },
		[SPOOR_PDQ_FLIP_MINUS1] = { 1, 1, 1 },
	};

	for (int i = 0; i < D; i++)
		for (int j = 0; j < D; j++) {
			float v = op[which][0] ? b[j][i] : b[i][j];

			if (op[which][1] && j % 2 == 0)
				v = -v;
			if (op[which][2] && i % 2 == 0)
				v = -v;
			out[i][j] = v;
		}
}

int spoor_pdq_luma(const float *luma, size_t w, size_t h,
		   struct spoor_pdq *out,
		   unsigned char dihedral[][SPOOR_PDQ_BYTES],
		   struct spoor_err *err)
{
	float (*a)[N], (*b)[D];
	float *img, *tmp;

	if (!luma || !out || w == 0 || h == 0)
		return spoor_err_set(err, SPOOR_EINVAL, 0, "empty picture");
	if (w > SPOOR_PDQ_MAX_SIDE || h > SPOOR_PDQ_MAX_SIDE ||
	    (uint64_t)w * h > SPOOR_PDQ_MAX_PIXELS)
		return spoor_err_set(err, SPOOR_ELIMIT, 0, "picture of %zux%zu "
				     "pixels is over the limit", w, h);
	img = malloc(w * h * sizeof(float));
	tmp = malloc(w * h * sizeof(float));
	a = malloc(sizeof(float[N][N]));
	b = malloc(sizeof(float[D][D]));
	if (!img || !tmp || !a || !b) {
		free(img);
		free(tmp);
		free(a);
		free(b);
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	}
	memcpy(img, luma, w * h * sizeof(float));
	jarosz(img, tmp, w, h);
	for (int i = 0; i < N; i++) {
		size_t y = (size_t)(((double)i + 0.5) * (double)h / N);

		for (int j = 0; j < N; j++) {
			size_t x = (size_t)(((double)j + 0.5) * (double)w / N);

			a[i][j] = img[MIN(y, h - 1) * w + MIN(x, w - 1)];
		}
	}
	out->quality = quality((const float (*)[N])a);
	dct((const float (*)[N])a, b);
	threshold((const float (*)[D])b, out->hash);
	for (int v = 0; dihedral && v < SPOOR_PDQ_NDIHEDRAL; v++) {
		float t[D][D];

		variant((const float (*)[D])b, v, t);
		threshold((const float (*)[D])t, dihedral[v]);
	}
	free(img);
	free(tmp);
	free(a);
	free(b);
	return SPOOR_OK;
}

void spoor_pdq_hex(const unsigned char hash[SPOOR_PDQ_BYTES],
		   char out[SPOOR_PDQ_HEX])
{
	spoor_hex(hash, SPOOR_PDQ_BYTES, out);
}

int spoor_pdq_parse(const char *hex, size_t len,
		    unsigned char out[SPOOR_PDQ_BYTES])
{
	if (len != 2 * SPOOR_PDQ_BYTES)
		return SPOOR_EFORMAT;
	for (size_t i = 0; i < len; i += 2) {
		int v = 0;

		for (size_t k = i; k < i + 2; k++) {
			char c = hex[k];

			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= c - '0';
			else if (c >= 'a' && c <= 'f')
				v |= c - 'a' + 10;
			else if (c >= 'A' && c <= 'F')
				v |= c - 'A' + 10;
			else
				return SPOOR_EFORMAT;
		}
		out[i / 2] = (unsigned char)v;
	}
	return SPOOR_OK;
}

static inline __attribute__((always_inline)) int
distance(const unsigned char *a, const unsigned char *b)
{
	int d = 0;

	for (int i = 0; i < SPOOR_PDQ_BYTES; i += 8) {
		uint64_t x, y;

		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		d += __builtin_popcountll(x ^ y);
	}
	return d;
}

/* The POPCNT instruction where the CPU has it, not libgcc's table:
 * brute-force comparisons run this billions of times. */
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("popcnt")))
static int distance_popcnt(const unsigned char *a, const unsigned char *b)
{
	return distance(a, b);
}
#endif

int spoor_pdq_distance(const unsigned char a[SPOOR_PDQ_BYTES],
		       const unsigned char b[SPOOR_PDQ_BYTES])
{
#if defined(__x86_64__) && defined(__GNUC__)
	if (__builtin_cpu_supports("popcnt"))
		return distance_popcnt(a, b);
#endif
	return distance(a, b);
}

static const char *const dih_names[SPOOR_PDQ_NDIHEDRAL] = {
	"original", "rotate-90", "rotate-180", "rotate-270", "flip-x",
	"flip-y", "flip-plus-1", "flip-minus-1",
};

const char *spoor_pdq_dihedral_name(int which)
{
	return which >= 0 && which < SPOOR_PDQ_NDIHEDRAL ? dih_names[which]
							 : NULL;
}
