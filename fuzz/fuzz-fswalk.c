/*
 * fuzz-fswalk: the file-system walk (libtsk through lib/walk_tsk.c and
 * lib/scan.c) over a mutated small image, as spoor-files runs it: every
 * file hashed (MD5 only, to keep executions fast), no libmagic, one
 * thread.  Seeds: small ext4 and FAT images (fuzz/seeds.sh).
 *
 * libtsk (4.11) builds an ext2/3 inode's data runs in time linear in the
 * size the inode claims: a 129 KB mutated image with a directory that
 * claims a huge size takes 16 s in a plain build (spoor-files flags it,
 * exit 5) and longer under ASan.  That is libtsk's, bounded, and not a
 * hang, so this target allows a slow input three minutes.  A mutated
 * superblock also makes libtsk calloc 4 GiB (ext2fs_inode_walk): lazily
 * backed, so allowed here.  Not in `make check`'s smoke run (see
 * fuzz.mk): its findings so far are libtsk's and random per run.
 * fuzz-options: -max_len=131072 -timeout=180 -malloc_limit_mb=8192 -rss_limit_mb=8192
 */
#include "fuzz.h"
#include "spoor.h"

static int on_file(void *ud, const struct spoor_file *f)
{
	unsigned *acc = ud;

	*acc += fz_touch(f->path, f->path_len) +
		fz_touch(f->name, f->name_len);
	if (f->link_target)
		*acc += fz_touch(f->link_target, strlen(f->link_target));
	if (f->error)
		*acc += fz_touch(f->error, strlen(f->error));
	if (f->runs)
		*acc += fz_touch(f->runs, f->nruns * sizeof(*f->runs));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct spoor_ctx *ctx;
	struct spoor_scan *s;
	struct spoor_err err;
	unsigned acc = 0;
	struct spoor_scan_opts o = {
		.hash_mask = SPOOR_MD5, .threads = 1, .on_file = on_file,
		.userdata = &acc,
	};
	struct spoor_source_opts src = {
		.exhibit = "fuzz", .offset_sectors = -1, .partition = -1,
	};
	const char *path;

	if (!ctx && !(ctx = spoor_ctx_new()))
		abort();
	path = fz_file("image.dd", data, size);
	s = spoor_scan_new(ctx, &o, &err);
	if (!s)
		abort();
	(void)spoor_scan_evidence(s, path, &src, &err);
	spoor_scan_free(s);
	return 0;
}
