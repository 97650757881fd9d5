/*
 * pdq-time: decode + PDQ of pictures in-process, timed (bench/pdq.sh).
 *
 * usage: pdq-time RUNS FILE...
 *
 * Per file: the best of RUNS CPU times of spoor_pdq_picture at the
 * default reduced scale and at full size, the scale used, and the
 * Hamming distance between the two hashes (how much the reduced decode
 * changes the hash).  MIN_SIDE in the environment overrides the default
 * shorter side of the reduced decode.  One line per file, tab-separated:
 *   file  width  height  scale  ms_reduced  ms_full  distance  quality
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "spoor.h"

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0) {
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

/* best CPU ms of runs; the hash in *p */
static double best(const char *buf, size_t len,
		   const struct spoor_pdq_opts *o, int runs,
		   struct spoor_pdq *p, struct spoor_pdq_info *info)
{
	double b = -1;

	for (int r = 0; r < runs; r++) {
		double t0 = cpu_ms(), t;
		struct spoor_err err;

		if (spoor_pdq_picture(buf, len, o, p, NULL, info, &err)) {
			fprintf(stderr, "pdq-time: %s\n", err.msg);
			return -1;
		}
		t = cpu_ms() - t0;
		if (b < 0 || t < b)
			b = t;
	}
	return b;
}

int main(int argc, char **argv)
{
	struct spoor_pdq_opts full = { UINT32_MAX, 0 }, red = { 0, 0 };
	int runs = argc > 1 ? atoi(argv[1]) : 0;

	if (argc < 3 || runs < 1) {
		fprintf(stderr, "usage: pdq-time RUNS FILE...\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		struct spoor_pdq a, b;
		struct spoor_pdq_info ia, ib;
		size_t len = 0;
		char *buf = slurp(argv[i], &len);
		double ta, tb;

		if (!buf)
			return 3;
		red.min_side = getenv("MIN_SIDE") ? (uint32_t)atoi(getenv("MIN_SIDE")) : 0;
		ta = best(buf, len, &red, runs, &a, &ia);
		tb = best(buf, len, &full, runs, &b, &ib);
		free(buf);
		if (ta < 0 || tb < 0)
			return 1;
		printf("%s\t%u\t%u\t%u\t%.2f\t%.2f\t%d\t%d\n", argv[i],
		       ia.width, ia.height, ia.scale, ta, tb,
		       spoor_pdq_distance(a.hash, b.hash), a.quality);
	}
	return 0;
}
