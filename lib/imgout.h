/*
 * imgout.h: image writers (raw, split raw, E01 through libewf) and the
 * matching readers used to resume and to verify.  Not installed.
 */
#ifndef SPOOR_IMGOUT_H
#define SPOOR_IMGOUT_H

#include "spoor.h"

struct imgout_opts {
	enum spoor_img_format format;
	uint64_t segment_size;
	enum spoor_compression compression;
	uint32_t sector_size;
	uint64_t media_size;
	bool physical;			/* a device, not a file */
	bool removable;
	bool resume;			/* reopen the .tmp segments */
	const struct spoor_case_meta *meta;
	const char *version;
};

struct imgout;

/* The final name of the image's first file for OUTPUT. */
struct imgout *imgout_open(const char *output, const struct imgout_opts *o,
			   struct spoor_err *err);
/* Write len bytes at off (sequential: off is where the last write ended,
 * or any offset for raw/split when resuming). */
int imgout_write(struct imgout *w, uint64_t off, const void *buf, size_t len,
		 struct spoor_err *err);
/* Read back bytes already written (raw/split only; for --resume). */
int imgout_pread(struct imgout *w, uint64_t off, void *buf, size_t len,
		 struct spoor_err *err);
/* Make written data durable (for the map to refer to it). */
int imgout_sync(struct imgout *w, struct spoor_err *err);
/* E01 acquiry errors and stored hashes (no-ops for raw). */
int imgout_add_error(struct imgout *w, uint64_t sector, uint64_t count,
		     struct spoor_err *err);
int imgout_set_digests(struct imgout *w, const struct spoor_digests *d,
		       struct spoor_err *err);
/*
 * Finish: ok: flush, fsync, rename the tmp files to their final names.
 * !ok: close; keep the tmp files when `keep` (resumable), else remove.
 */
int imgout_finish(struct imgout *w, bool ok, bool keep,
		  struct spoor_err *err);
/* Final file names (valid after a successful finish), NULL-terminated. */
const char *const *imgout_segments(const struct imgout *w);
void imgout_free(struct imgout *w);

/* Reading a finished image back, bypassing the page cache. */
struct imgin;
struct imgin *imgin_open(enum spoor_img_format format,
			 const char *const *segments, uint64_t seg_size,
			 struct spoor_err *err);
/* Read exactly len bytes at off (short only at the image's end). */
ssize_t imgin_pread(struct imgin *r, uint64_t off, void *buf, size_t len,
		    struct spoor_err *err);
uint64_t imgin_size(const struct imgin *r);
void imgin_free(struct imgin *r);

#endif
