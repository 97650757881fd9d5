/*
 * walk.h: the walkers that present evidence as a sequence of files to the
 * scan (scan.c).  Internal.
 *
 * A walker calls cb once per object, in a deterministic order, on the
 * calling thread.  The entry and every string in it are valid during the
 * call only.  Content, when has_content, is read through read() during
 * the call.
 */
#ifndef SPOOR_WALK_H
#define SPOOR_WALK_H

#include "internal.h"

#include <stdatomic.h>

struct walk_entry {
	struct spoor_file f;	/* metadata; digests/type unset */
	bool has_content;
	/* Read up to len bytes at off; returns bytes read (0 at the end)
	 * or a negative code with err filled. */
	ssize_t (*read)(void *rctx, uint64_t off, void *buf, size_t len,
			struct spoor_err *err);
	void *rctx;
};

/* Return 0 to go on, a negative code to stop the walk with it. */
typedef int walk_cb(void *ud, struct walk_entry *e);

struct walk {
	struct spoor_ctx *ctx;
	const struct spoor_source_opts *opts;
	const char *exhibit;
	walk_cb *cb;
	void *ud;
	struct spoor_scan_stats *stats;	/* volume/walk counters */
	atomic_bool *interrupted;
	bool count_only;	/* no content reads, no runs (pre-pass) */
	const char *fs_tz_name;	/* opts->fs_tz's name, or "UTC" */
	bool zone_warned;	/* the process zone is not UTC: said */
};

/* A disk or partition image through libtsk. */
int walk_image(struct walk *w, const char *path, struct spoor_err *err);
/* A directory tree (logical evidence). */
int walk_dir(struct walk *w, const char *path, struct spoor_err *err);
/* One plain file. */
int walk_single(struct walk *w, const char *path, struct spoor_err *err);

#endif
