/*
 * t-acquire: the acquisition library on generated files: sizes around
 * buffer, sector and segment edges (empty, one byte, 4 KiB + 1, ...),
 * digests against one plain spoor_hash pass, split images joined back,
 * option checks, source facts and the output-on-source refusal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spoor.h"
#include "tap.h"

static const struct {
	const char *name;
	uint64_t size;
	enum spoor_img_format fmt;
	uint64_t segment;
	size_t bufsz;
	uint64_t piece;
} cases[] = {
	{ "empty file", 0, SPOOR_IMG_RAW, 0, 0, 0 },
	{ "one byte", 1, SPOOR_IMG_RAW, 0, 0, 0 },
	{ "partial last sector", 4097, SPOOR_IMG_RAW, 0, 4096, 1024 },
	{ "many buffers", 300000, SPOOR_IMG_RAW, 0, 8192, 65536 },
	{ "split, uneven tail", 300000, SPOOR_IMG_SPLIT, 65536, 16384, 0 },
	{ "split, exact segments", 262144, SPOOR_IMG_SPLIT, 65536, 0, 0 },
	{ "segment smaller than buffer", 100000, SPOOR_IMG_SPLIT, 4096,
	  65536, 0 },
	{ "e01", 300032, SPOOR_IMG_E01, 0, 0, 0 },
};

static char dir[] = "/tmp/t-acquire.XXXXXX";

static void make_file(const char *path, uint64_t size, unsigned seed)
{
	FILE *f = fopen(path, "wb");

	for (uint64_t i = 0; i < size; i++)
		fputc((int)((i * 2654435761u + seed) >> 13 & 0xff), f);
	fclose(f);
}

/* Digest a list of files concatenated. */
static void digest_files(const char *const *files, unsigned mask,
			 struct spoor_digests *d)
{
	struct spoor_hash *h = spoor_hash_new(mask, NULL);
	char buf[65536];

	memset(d, 0, sizeof(*d));
	for (size_t i = 0; files[i]; i++) {
		FILE *f = fopen(files[i], "rb");
		size_t n;

		if (!f)
			continue;
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			spoor_hash_update(h, buf, n, NULL);
		fclose(f);
	}
	spoor_hash_final(h, d, NULL);
	spoor_hash_free(h);
}

int main(void)
{
	struct spoor_ctx *ctx = spoor_ctx_new();
	char src[128], out[128], cmd[300];
	unsigned mask = SPOOR_MD5 | SPOOR_SHA1 | SPOOR_SHA256 | SPOOR_SHA512;

	if (!mkdtemp(dir))
		return 1;
	snprintf(src, sizeof(src), "%s/src", dir);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct spoor_acquire_opts o = { 0 };
		struct spoor_err err;
		struct spoor_acquire *a;
		const struct spoor_acquire_result *r;
		struct spoor_digests want;
		const char *srcs[] = { src, NULL };
		int rc;

		make_file(src, cases[i].size, (unsigned)i);
		snprintf(out, sizeof(out), "%s/img%zu%s", dir, i,
			 cases[i].fmt == SPOOR_IMG_E01 ? ".E01" : "");
		o.format = cases[i].fmt;
		o.segment_size = cases[i].segment;
		o.buffer_size = cases[i].bufsz;
		o.piece_size = cases[i].piece;
		o.hash_mask = cases[i].fmt == SPOOR_IMG_E01
			      ? SPOOR_MD5 | SPOOR_SHA1 : mask;
		o.verify = true;
		o.retries = 1;
		o.direct = -1;
		a = spoor_acquire_new(ctx, src, out, &o, &err);
		if (!ok(a != NULL, "%s: new", cases[i].name)) {
			diag("%s", err.msg);
			continue;
		}
		rc = spoor_acquire_run(a, &err);
		r = spoor_acquire_result(a);
		is_int(rc, 0, cases[i].name);
		digest_files(srcs, o.hash_mask, &want);
		ok(r->completed && !memcmp(&want, &r->digests, sizeof(want)),
		   "%s: digests equal one plain pass", cases[i].name);
		is_int(r->verify, SPOOR_VERIFY_MATCH, "verify matches");
		if (cases[i].fmt != SPOOR_IMG_E01) {
			struct spoor_digests got;

			digest_files(r->segments, o.hash_mask, &got);
			ok(!memcmp(&want, &got, sizeof(want)),
			   "%s: image files joined = source", cases[i].name);
		} else {
			snprintf(cmd, sizeof(cmd), "ewfverify -q '%s' "
				 ">/dev/null 2>&1", out);
			ok(system(cmd) == 0, "%s: ewfverify", cases[i].name);
		}
		if (cases[i].piece) {
			struct spoor_digests pd, first;
			struct spoor_hash *h = spoor_hash_new(mask, NULL);
			FILE *f = fopen(src, "rb");
			char *buf = malloc(cases[i].piece);
			size_t n = fread(buf, 1, cases[i].piece, f);

			spoor_hash_update(h, buf, n, NULL);
			spoor_hash_final(h, &first, NULL);
			spoor_acquire_piece(a, 0, &pd);
			ok(!memcmp(first.sha256, pd.sha256, 32),
			   "%s: first piece digest", cases[i].name);
			is_int((long long)r->npieces,
			       (long long)((cases[i].size + cases[i].piece - 1)
					   / cases[i].piece), "piece count");
			free(buf);
			fclose(f);
			spoor_hash_free(h);
		}
		is_int(spoor_acquire_write_logs(a, &err), 0, "logs written");
		spoor_acquire_free(a);
	}

	/* option checks and refusals */
	{
		struct spoor_acquire_opts o = { 0 };
		struct spoor_err err;
		struct spoor_devinfo d;

		make_file(src, 8192, 1);
		o.format = SPOOR_IMG_SPLIT;
		o.segment_size = 1000;
		ok(!spoor_acquire_new(ctx, src, out, &o, &err) &&
		   err.code == SPOOR_EINVAL, "split below 4 KiB: EINVAL");
		o.format = SPOOR_IMG_E01;
		o.segment_size = 0;
		o.resume = true;
		ok(!spoor_acquire_new(ctx, src, out, &o, &err) &&
		   err.code == SPOOR_EUNSUPPORTED, "resume E01: unsupported");
		o.resume = false;
		make_file(src, 8193, 1);
		ok(!spoor_acquire_new(ctx, src, out, &o, &err) &&
		   err.code == SPOOR_EUNSUPPORTED,
		   "E01 of a partial last sector: refused");
		make_file(src, 8192, 1);
		o.format = SPOOR_IMG_RAW;
		o.piece_size = 0;
		ok(!spoor_acquire_new(ctx, src, src, &o, &err) &&
		   err.code == SPOOR_EINVAL, "output = source: EINVAL");
		ok(!spoor_acquire_new(ctx, "/nonexistent/x", out, &o, &err) &&
		   err.code == SPOOR_EIO, "missing source: EIO");
		is_int(spoor_devinfo_get(src, &d, &err), 0,
		       "devinfo of a file");
		is_int((long long)d.size, 8192, "devinfo size");
		is_int(d.logical_sector, 512, "devinfo sector size");
		ok(!d.is_blockdev, "a file is not a block device");
		is_int(spoor_output_on_source(&d, out, &err), 0,
		       "another file is not on the source");
		is_int(spoor_devinfo_get("/dev/null", &d, &err),
		       SPOOR_EUNSUPPORTED, "a character device is refused");
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		diag("cannot remove %s", dir);
	spoor_ctx_free(ctx);
	return done_testing();
}
