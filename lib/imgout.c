/*
 * imgout.c: image writers (raw, split raw, E01 via libewf) and readers
 * of finished images that bypass the page cache (for --verify).
 *
 * Every image file is written under a temporary name and renamed only
 * when the acquisition finished, so a half-written image never carries
 * its final name; an interrupted one keeps its temporary files for
 * --resume.  An OUTPUT that exists and is not a regular file (a device,
 * /dev/null) is written in place.
 *
 * E01 with compression: the chunks are compressed with zlib here, by the
 * writer thread and one helper thread per further CPU, and handed to
 * libewf in order with libewf_handle_write_chunk from the writer thread
 * alone.  libewf is never called from two threads, so nothing depends on
 * the thread safety of libewf 20140813; the stored chunks are what
 * libewf's own compression makes (a zlib stream, or the data and its
 * Adler-32 when compression does not shrink it).
 */
#include "imgout.h"
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libewf.h>
#define ZLIB_CONST
#include <zlib.h>

#include "banned.h"

#define ZBATCH 64		/* chunks compressed per round */
#define DIRECT_ALIGN 4096	/* O_DIRECT: buffer, offset and length */
#define ZHELPERS_MAX 7

/* One chunk to compress: src..src+len into dst (compressBound + 4). */
struct zjob {
	const unsigned char *src;
	size_t len;
	unsigned char *dst;
	size_t zlen;		/* bytes of dst to store */
	uint32_t checksum;
	bool compressed;
	int zrc;
};

/* Chunk compression by the writer thread and `nhelpers` helpers. */
struct zpool {
	pthread_mutex_t mu;
	pthread_cond_t cv;	/* a round begins, or quit */
	pthread_cond_t done_cv;	/* a job is finished */
	pthread_t tid[ZHELPERS_MAX];
	int nhelpers;
	bool quit;
	int level;
	size_t chunk;		/* libewf's chunk size */
	struct zjob jobs[ZBATCH];
	size_t njobs, next, finished;
	z_stream zs;		/* the writer thread's */
	unsigned char *carry;	/* a partial chunk between writes */
	size_t carry_len;
};

struct imgout {
	struct imgout_opts o;
	bool in_place;
	char **tmp, **final;	/* per segment; final is NULL-terminated */
	size_t nseg;
	uint64_t seg_size;	/* 0: one segment */
	int fd;			/* current segment, raw/split */
	int dfd;		/* the same file opened O_DIRECT, or -1 */
	bool no_direct;		/* O_DIRECT writes refused once: stop */
	size_t fd_seg;
	int rfd;		/* a read-only fd for imgout_pread */
	size_t rfd_seg;
	libewf_handle_t *ewf;
	struct zpool *zp;	/* E01 compression; NULL: libewf's own */
	char *ewf_base, *ewf_tmp_base;
	bool finished;
};

static int ewf_fail(struct spoor_err *err, int code, libewf_error_t **e,
		    const char *what)
{
	char msg[200] = "";

	if (e && *e) {
		libewf_error_sprint(*e, msg, sizeof(msg));
		libewf_error_free(e);
	}
	/* libewf's messages span lines; keep the last one */
	for (char *p = msg; *p; p++)
		if (*p == '\n')
			*p = *(p + 1) ? ' ' : '\0';
	return spoor_err_set(err, code, 0, "%s: %s", what, msg);
}

/* EWF segment extension n (1-based): E01..E99, EAA..EZZ, FAA.. */
static void ewf_ext(size_t n, char out[8])
{
	if (n <= 99) {
		snprintf(out, 8, "E%02zu", n);
		return;
	}
	n -= 100;
	snprintf(out, 8, "%c%c%c", (char)('E' + n / 676),
		 (char)('A' + (n / 26) % 26), (char)('A' + n % 26));
}

static char *xstrfmt(const char *fmt, const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + strlen(fmt) + 1;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, fmt, a, b);
	return s;
}

static int names_add(struct imgout *w, char *tmp, char *fin)
{
	char **t = realloc(w->tmp, (w->nseg + 2) * sizeof(*t));
	char **f;

	if (t)
		w->tmp = t;
	f = t ? realloc(w->final, (w->nseg + 2) * sizeof(*f)) : NULL;
	if (f)
		w->final = f;
	if (!t || !f || !tmp || !fin) {
		free(tmp);
		free(fin);
		return -1;
	}
	w->tmp[w->nseg] = tmp;
	w->final[w->nseg] = fin;
	w->nseg++;
	w->tmp[w->nseg] = w->final[w->nseg] = NULL;
	return 0;
}

/* ---- E01 chunk compression ---- */

/*
 * Compress one chunk as libewf stores it: a zlib stream when that is
 * smaller than the data, else the data itself (its Adler-32 follows,
 * written by libewf from `checksum`).
 */
static void zjob_run(struct zjob *j, z_stream *zs)
{
	int rc = deflateReset(zs);

	j->compressed = false;
	j->zrc = rc;
	if (rc != Z_OK)
		return;
	zs->next_in = j->src;
	zs->avail_in = (uInt)j->len;
	zs->next_out = j->dst;
	zs->avail_out = (uInt)(j->len - 1);
	rc = deflate(zs, Z_FINISH);
	if (rc == Z_STREAM_END) {
		j->zlen = (size_t)zs->total_out;
		j->checksum = (uint32_t)zs->adler;
		j->compressed = true;
		return;
	}
	if (rc != Z_OK && rc != Z_BUF_ERROR) {
		j->zrc = rc;
		return;
	}
	memcpy(j->dst, j->src, j->len);
	j->zlen = j->len;
	j->checksum = (uint32_t)adler32(adler32(0, NULL, 0), j->src,
					(uInt)j->len);
}

/* Take and run jobs of the current round until none is left; called
 * and returns with zp->mu held. */
static void zpool_work(struct zpool *zp, z_stream *zs)
{
	while (zp->next < zp->njobs) {
		struct zjob *j = &zp->jobs[zp->next++];

		pthread_mutex_unlock(&zp->mu);
		zjob_run(j, zs);
		pthread_mutex_lock(&zp->mu);
		zp->finished++;
		pthread_cond_signal(&zp->done_cv);
	}
}

static void *zhelper(void *arg)
{
	struct zpool *zp = arg;
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit(&zs, zp->level) != Z_OK)
		return NULL;	/* the writer does all the work */
	pthread_mutex_lock(&zp->mu);
	for (;;) {
		while (!zp->quit && zp->next >= zp->njobs)
			pthread_cond_wait(&zp->cv, &zp->mu);
		if (zp->quit)
			break;
		zpool_work(zp, &zs);
	}
	pthread_mutex_unlock(&zp->mu);
	deflateEnd(&zs);
	return NULL;
}

static void zpool_free(struct zpool *zp)
{
	if (!zp)
		return;
	pthread_mutex_lock(&zp->mu);
	zp->quit = true;
	pthread_cond_broadcast(&zp->cv);
	pthread_mutex_unlock(&zp->mu);
	for (int i = 0; i < zp->nhelpers; i++)
		pthread_join(zp->tid[i], NULL);
	deflateEnd(&zp->zs);
	for (size_t i = 0; i < ZBATCH; i++)
		free(zp->jobs[i].dst);
	free(zp->carry);
	pthread_mutex_destroy(&zp->mu);
	pthread_cond_destroy(&zp->cv);
	pthread_cond_destroy(&zp->done_cv);
	free(zp);
}

/* A pool for chunks of `chunk` bytes at zlib level `level`, with one
 * helper thread per CPU beyond the first. */
static struct zpool *zpool_new(size_t chunk, int level)
{
	struct zpool *zp = calloc(1, sizeof(*zp));
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	bool ok;

	if (!zp)
		return NULL;
	zp->chunk = chunk;
	zp->level = level;
	pthread_mutex_init(&zp->mu, NULL);
	pthread_cond_init(&zp->cv, NULL);
	pthread_cond_init(&zp->done_cv, NULL);
	ok = deflateInit(&zp->zs, level) == Z_OK;
	zp->carry = malloc(chunk);
	ok = ok && zp->carry;
	for (size_t i = 0; i < ZBATCH; i++) {
		zp->jobs[i].dst = malloc(chunk + 4);
		ok = ok && zp->jobs[i].dst;
	}
	if (!ok) {
		zpool_free(zp);
		return NULL;
	}
	for (long i = 1; i < ncpu && zp->nhelpers < ZHELPERS_MAX; i++) {
		if (pthread_create(&zp->tid[zp->nhelpers], NULL, zhelper, zp))
			break;
		zp->nhelpers++;
	}
	return zp;
}

/* Compress the round's jobs (with the helpers) and write them in order;
 * libewf is called from this thread only. */
static int zpool_round(struct imgout *w, struct spoor_err *err)
{
	struct zpool *zp = w->zp;
	libewf_error_t *e = NULL;
	size_t n;

	pthread_mutex_lock(&zp->mu);
	zp->next = zp->finished = 0;
	pthread_cond_broadcast(&zp->cv);
	zpool_work(zp, &zp->zs);
	while (zp->finished < zp->njobs)
		pthread_cond_wait(&zp->done_cv, &zp->mu);
	n = zp->njobs;
	pthread_mutex_unlock(&zp->mu);
	for (size_t i = 0; i < n; i++) {
		struct zjob *j = &zp->jobs[i];
		ssize_t r;

		if (j->zrc != Z_OK)
			return spoor_err_set(err, SPOOR_EOUTPUT, 0, "cannot "
					     "compress an E01 chunk: zlib "
					     "error %d", j->zrc);
		r = libewf_handle_write_chunk(w->ewf, j->dst, j->zlen, j->len,
					      j->compressed ? 1 : 0,
					      j->compressed ? NULL
					      : j->dst + j->len, j->checksum,
					      j->compressed ? 0 : 1, &e);
		if (r <= 0)
			return ewf_fail(err, SPOOR_EOUTPUT, &e,
					"cannot write E01");
	}
	pthread_mutex_lock(&zp->mu);
	zp->njobs = zp->next = zp->finished = 0;
	pthread_mutex_unlock(&zp->mu);
	return 0;
}

static void zpool_add(struct zpool *zp, const unsigned char *p, size_t len)
{
	pthread_mutex_lock(&zp->mu);
	zp->jobs[zp->njobs].src = p;
	zp->jobs[zp->njobs].len = len;
	zp->njobs++;
	/* next stays at njobs until the round starts */
	zp->next = zp->njobs;
	pthread_mutex_unlock(&zp->mu);
}

/* Cut the data into chunks (a partial one waits in carry for the next
 * write, or for the end) and write them compressed. */
static int zpool_write(struct imgout *w, const unsigned char *p, size_t len,
		       struct spoor_err *err)
{
	struct zpool *zp = w->zp;
	size_t cs = zp->chunk;

	while (len) {
		if (zp->carry_len || len < cs) {
			size_t n = MIN(cs - zp->carry_len, len);

			memcpy(zp->carry + zp->carry_len, p, n);
			zp->carry_len += n;
			p += n;
			len -= n;
			if (zp->carry_len < cs)
				break;
			zpool_add(zp, zp->carry, cs);
			zp->carry_len = 0;
			if (zpool_round(w, err))
				return err ? err->code : SPOOR_EOUTPUT;
			continue;
		}
		while (len >= cs && zp->njobs < ZBATCH) {
			zpool_add(zp, p, cs);
			p += cs;
			len -= cs;
		}
		if (zpool_round(w, err))
			return err ? err->code : SPOOR_EOUTPUT;
	}
	return 0;
}

/* The last, partial chunk. */
static int zpool_flush(struct imgout *w, struct spoor_err *err)
{
	struct zpool *zp = w->zp;

	if (!zp->carry_len)
		return 0;
	zpool_add(zp, zp->carry, zp->carry_len);
	zp->carry_len = 0;
	return zpool_round(w, err);
}

static int open_ewf(struct imgout *w, const char *output,
		    struct spoor_err *err)
{
	const struct spoor_case_meta *m = w->o.meta;
	libewf_error_t *e = NULL;
	size_t n = strlen(output);
	char *names[1];
	int8_t level = LIBEWF_COMPRESSION_NONE;
	uint8_t empty_block = LIBEWF_COMPRESS_FLAG_USE_EMPTY_BLOCK_COMPRESSION;
	uint64_t seg = w->o.segment_size ? w->o.segment_size
					 : (uint64_t)1400 << 20;

	w->ewf_base = strdup(output);
	if (!w->ewf_base)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	if (n > 4 && spoor_ends_with_ci(w->ewf_base, ".e01"))
		w->ewf_base[n - 4] = '\0';
	w->ewf_tmp_base = xstrfmt("%s%s", w->ewf_base, ".part");
	if (!w->ewf_tmp_base)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	if (libewf_handle_initialize(&w->ewf, &e) != 1)
		return ewf_fail(err, SPOOR_ENOMEM, &e, "libewf");
	names[0] = w->ewf_tmp_base;
	if (libewf_handle_open(w->ewf, names, 1, LIBEWF_OPEN_WRITE, &e) != 1)
		return ewf_fail(err, SPOOR_EOUTPUT, &e, "cannot create E01");
	if (w->o.compression == SPOOR_COMPRESS_FAST)
		level = LIBEWF_COMPRESSION_FAST;
	else if (w->o.compression == SPOOR_COMPRESS_BEST)
		level = LIBEWF_COMPRESSION_BEST;
	if (libewf_handle_set_format(w->ewf, LIBEWF_FORMAT_ENCASE6, &e) != 1 ||
	    libewf_handle_set_media_size(w->ewf, w->o.media_size, &e) != 1 ||
	    libewf_handle_set_bytes_per_sector(w->ewf, w->o.sector_size,
					       &e) != 1 ||
	    libewf_handle_set_maximum_segment_size(w->ewf, seg, &e) != 1 ||
	    libewf_handle_set_compression_values(w->ewf, level,
						 empty_block, &e) != 1 ||
	    libewf_handle_set_media_type(w->ewf, w->o.removable
					 ? LIBEWF_MEDIA_TYPE_REMOVABLE
					 : LIBEWF_MEDIA_TYPE_FIXED, &e) != 1 ||
	    libewf_handle_set_media_flags(w->ewf, w->o.physical
					  ? LIBEWF_MEDIA_FLAG_PHYSICAL : 0,
					  &e) != 1)
		return ewf_fail(err, SPOOR_EINVAL, &e, "E01 settings");
	if (level != LIBEWF_COMPRESSION_NONE) {
		size32_t cs = 0;

		if (libewf_handle_get_chunk_size(w->ewf, &cs, &e) != 1 || !cs)
			return ewf_fail(err, SPOOR_EINVAL, &e,
					"E01 chunk size");
		w->zp = zpool_new(cs, level == LIBEWF_COMPRESSION_FAST
				  ? Z_BEST_SPEED : Z_BEST_COMPRESSION);
		if (!w->zp)
			return spoor_err_set(err, SPOOR_ENOMEM, 0,
					     "out of memory");
	}
	if (m) {
		static const char *const keys[] = {
			"case_number", "evidence_number", "examiner_name",
			"description", "notes",
		};
		const char *vals[] = { m->case_number, m->evidence_number,
				       m->examiner, m->description, m->notes };

		for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
			if (!vals[i])
				continue;
			if (libewf_handle_set_utf8_header_value(
				    w->ewf, (const uint8_t *)keys[i],
				    strlen(keys[i]),
				    (const uint8_t *)vals[i],
				    strlen(vals[i]), &e) != 1)
				return ewf_fail(err, SPOOR_EINVAL, &e,
						"E01 header");
		}
	}
	if (w->o.version) {
		char v[64];

		snprintf(v, sizeof(v), "spoor-acquire %s", w->o.version);
		libewf_handle_set_utf8_header_value(
			w->ewf, (const uint8_t *)"acquiry_software_version",
			24, (const uint8_t *)v, strlen(v), &e);
		if (e)
			libewf_error_free(&e);
	}
	return 0;
}

struct imgout *imgout_open(const char *output, const struct imgout_opts *o,
			   struct spoor_err *err)
{
	struct imgout *w = calloc(1, sizeof(*w));
	struct stat st;

	if (!w) {
		spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
		return NULL;
	}
	w->o = *o;
	w->fd = w->rfd = w->dfd = -1;
	w->fd_seg = w->rfd_seg = (size_t)-1;
	if (o->format == SPOOR_IMG_E01) {
		if (open_ewf(w, output, err))
			goto fail;
		return w;
	}
	if (o->format == SPOOR_IMG_RAW && !stat(output, &st) &&
	    !S_ISREG(st.st_mode)) {
		w->in_place = true;
		if (names_add(w, strdup(output), strdup(output)))
			goto nomem;
		return w;
	}
	if (o->format == SPOOR_IMG_RAW) {
		if (names_add(w, xstrfmt("%s%s", output, ".tmp"),
			      strdup(output)))
			goto nomem;
		return w;
	}
	w->seg_size = o->segment_size;
	{
		uint64_t n = o->media_size && w->seg_size
			     ? (o->media_size + w->seg_size - 1) / w->seg_size
			     : 1;

		if (n > 99999) {
			spoor_err_set(err, SPOOR_EINVAL, 0, "--split: more "
				      "than 99999 segments; use larger ones");
			goto fail;
		}
		for (uint64_t i = 1; i <= n; i++) {
			char ext[16];

			snprintf(ext, sizeof(ext), "%03u", (unsigned)i);
			if (names_add(w, xstrfmt("%s.%s.tmp", output, ext),
				      xstrfmt("%s.%s", output, ext)))
				goto nomem;
		}
	}
	return w;
nomem:
	spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
fail:
	imgout_free(w);
	return NULL;
}

static void close_direct(struct imgout *w)
{
	if (w->dfd >= 0)
		close(w->dfd);
	w->dfd = -1;
}

/*
 * A second descriptor with O_DIRECT for the aligned bulk of the writes
 * to a regular file or a block device: the data goes from the ring
 * buffer to the disk without a copy into the page cache and without the
 * write-back that a later fdatasync waits for (on two cores that copy
 * and write-back cost about a core-second per GiB, time the digest
 * threads need).  Unaligned pieces (the tail of a source whose size is
 * not a multiple of 4 KiB, re-read sectors) go through w->fd; the kernel
 * keeps the two coherent.  fdatasync on w->fd makes both durable.
 */
static void open_direct(struct imgout *w, size_t seg)
{
	struct stat st;

	if (w->no_direct || fstat(w->fd, &st) ||
	    !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)))
		return;
	w->dfd = open(w->tmp[seg], O_WRONLY | O_CLOEXEC | O_DIRECT);
	if (w->dfd < 0)
		w->no_direct = true;	/* tmpfs, some FUSE: page cache */
}

/* The part of a write of n bytes from p at soff that O_DIRECT takes. */
static size_t direct_part(const struct imgout *w, const char *p,
			  uint64_t soff, size_t n)
{
	if (w->dfd < 0 || (uintptr_t)p % DIRECT_ALIGN ||
	    soff % DIRECT_ALIGN)
		return 0;
	return n - n % DIRECT_ALIGN;
}

static int open_seg(struct imgout *w, size_t seg, struct spoor_err *err)
{
	int flags = O_WRONLY | O_CLOEXEC;

	if (w->fd_seg == seg)
		return 0;
	/* a finished segment is made durable before the map can claim it */
	if (w->fd >= 0 && fdatasync(w->fd) && errno != EINVAL) {
		int e = errno;

		close(w->fd);
		w->fd = -1;
		w->fd_seg = (size_t)-1;
		return spoor_err_set(err, SPOOR_EOUTPUT, e,
				     "cannot write '%s'", w->tmp[seg - 1]);
	}
	close_direct(w);
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	w->fd_seg = (size_t)-1;
	if (seg >= w->nseg)
		return spoor_err_set(err, SPOOR_EINTERNAL, 0,
				     "write past the last segment");
	if (!w->in_place)
		flags |= O_CREAT | (w->o.resume ? 0 : O_TRUNC);
	w->fd = open(w->tmp[seg], flags, 0644);
	if (w->fd < 0)
		return spoor_err_set(err, SPOOR_EOUTPUT, errno,
				     "cannot create '%s'", w->tmp[seg]);
	w->fd_seg = seg;
	open_direct(w, seg);
	return 0;
}

int imgout_write(struct imgout *w, uint64_t off, const void *buf, size_t len,
		 struct spoor_err *err)
{
	const char *p = buf;

	if (w->zp)
		return zpool_write(w, buf, len, err);
	if (w->ewf) {
		libewf_error_t *e = NULL;

		while (len) {
			ssize_t n = libewf_handle_write_buffer(w->ewf,
							       (void *)p,
							       len, &e);
			if (n <= 0)
				return ewf_fail(err, SPOOR_EOUTPUT, &e,
						"cannot write E01");
			p += n;
			len -= (size_t)n;
		}
		return 0;
	}
	while (len) {
		size_t seg = w->seg_size ? (size_t)(off / w->seg_size) : 0;
		uint64_t soff = w->seg_size ? off % w->seg_size : off;
		size_t n = len;
		ssize_t r;

		if (w->seg_size && n > w->seg_size - soff)
			n = (size_t)(w->seg_size - soff);
		if (open_seg(w, seg, err))
			return err ? err->code : SPOOR_EOUTPUT;
		if (direct_part(w, p, soff, n)) {
			r = pwrite(w->dfd, p, direct_part(w, p, soff, n),
				   (off_t)soff);
			if (r < 0 && errno == EINVAL) {
				/* alignment the file system wants more of */
				close_direct(w);
				w->no_direct = true;
				continue;
			}
		} else {
			r = pwrite(w->fd, p, n, (off_t)soff);
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return spoor_err_set(err, SPOOR_EOUTPUT,
					     r ? errno : ENOSPC,
					     "cannot write '%s'",
					     w->tmp[seg]);
		p += r;
		off += (uint64_t)r;
		len -= (size_t)r;
	}
	return 0;
}

int imgout_pread(struct imgout *w, uint64_t off, void *buf, size_t len,
		 struct spoor_err *err)
{
	char *p = buf;

	if (w->ewf)
		return spoor_err_set(err, SPOOR_EUNSUPPORTED, 0,
				     "cannot read back an E01 being written");
	while (len) {
		size_t seg = w->seg_size ? (size_t)(off / w->seg_size) : 0;
		uint64_t soff = w->seg_size ? off % w->seg_size : off;
		size_t n = len;
		ssize_t r;

		if (w->seg_size && n > w->seg_size - soff)
			n = (size_t)(w->seg_size - soff);
		if (w->rfd_seg != seg) {
			if (w->rfd >= 0)
				close(w->rfd);
			w->rfd_seg = (size_t)-1;
			if (seg >= w->nseg)
				return spoor_err_set(err, SPOOR_EINVAL, 0,
						     "read past the image");
			w->rfd = open(w->tmp[seg], O_RDONLY | O_CLOEXEC);
			if (w->rfd < 0)
				return spoor_err_set(err, SPOOR_EIO, errno,
						     "cannot open '%s'",
						     w->tmp[seg]);
			w->rfd_seg = seg;
		}
		r = pread(w->rfd, p, n, (off_t)soff);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return spoor_err_set(err, SPOOR_EIO, r ? errno : 0,
					     "cannot read back '%s'%s",
					     w->tmp[seg], r ? ""
					     : ": image shorter than the map");
		p += r;
		off += (uint64_t)r;
		len -= (size_t)r;
	}
	return 0;
}

int imgout_sync(struct imgout *w, struct spoor_err *err)
{
	if (w->fd >= 0 && fdatasync(w->fd) && errno != EINVAL)
		return spoor_err_set(err, SPOOR_EOUTPUT, errno,
				     "cannot sync '%s'", w->tmp[w->fd_seg]);
	return 0;
}

int imgout_add_error(struct imgout *w, uint64_t sector, uint64_t count,
		     struct spoor_err *err)
{
	libewf_error_t *e = NULL;

	if (!w->ewf)
		return 0;
	if (libewf_handle_append_acquiry_error(w->ewf, sector, count,
					       &e) != 1)
		return ewf_fail(err, SPOOR_EOUTPUT, &e, "E01 error list");
	return 0;
}

int imgout_set_digests(struct imgout *w, const struct spoor_digests *d,
		       struct spoor_err *err)
{
	libewf_error_t *e = NULL;
	unsigned char md5[16], sha1[20];

	if (!w->ewf)
		return 0;
	memcpy(md5, d->md5, sizeof(md5));
	memcpy(sha1, d->sha1, sizeof(sha1));
	if ((d->mask & SPOOR_MD5) &&
	    libewf_handle_set_md5_hash(w->ewf, md5, 16, &e) != 1)
		return ewf_fail(err, SPOOR_EOUTPUT, &e, "E01 MD5");
	if ((d->mask & SPOOR_SHA1) &&
	    libewf_handle_set_sha1_hash(w->ewf, sha1, 20, &e) != 1)
		return ewf_fail(err, SPOOR_EOUTPUT, &e, "E01 SHA-1");
	/* the same as hash values (the table ewfinfo and ewfverify also
	 * read), as ewfacquire stores them */
	for (unsigned bit = SPOOR_MD5; bit <= SPOOR_SHA1; bit <<= 1) {
		const char *name = bit == SPOOR_MD5 ? "MD5" : "SHA1";
		char hex[2 * SPOOR_HASH_MAXLEN + 1];

		if (!(d->mask & bit))
			continue;
		spoor_hex(spoor_digest_get(d, bit), spoor_hash_len(bit), hex);
		if (libewf_handle_set_utf8_hash_value(w->ewf,
			    (const uint8_t *)name, strlen(name),
			    (const uint8_t *)hex, strlen(hex), &e) != 1)
			return ewf_fail(err, SPOOR_EOUTPUT, &e, "E01 hash "
					"value");
	}
	return 0;
}

/* fsync a file by name (after close: fsync covers data written through
 * any descriptor of the file). */
static int sync_path(const char *path, struct spoor_err *err)
{
	if (spoor_fsync_path(path))
		return spoor_err_set(err, SPOOR_EOUTPUT, errno,
				     "cannot write '%s'", path);
	return 0;
}

static int finish_ewf(struct imgout *w, bool ok, struct spoor_err *err)
{
	libewf_error_t *e = NULL;
	int rc = 0;

	if (ok && w->zp && zpool_flush(w, err))
		rc = err ? err->code : SPOOR_EOUTPUT;
	zpool_free(w->zp);
	w->zp = NULL;
	if (ok && !rc && libewf_handle_write_finalize(w->ewf, &e) < 0)
		rc = ewf_fail(err, SPOOR_EOUTPUT, &e, "cannot finish E01");
	if (libewf_handle_close(w->ewf, &e) != 0 && !rc && ok)
		rc = ewf_fail(err, SPOOR_EOUTPUT, &e, "cannot close E01");
	if (e)
		libewf_error_free(&e);
	libewf_handle_free(&w->ewf, NULL);
	w->ewf = NULL;
	for (size_t i = 1;; i++) {
		char ext[8], *tmp, *fin;
		struct stat st;

		ewf_ext(i, ext);
		tmp = xstrfmt("%s.%s", w->ewf_tmp_base, ext);
		fin = xstrfmt("%s.%s", w->ewf_base, ext);
		if (!tmp || !fin || stat(tmp, &st)) {
			free(tmp);
			free(fin);
			break;
		}
		if (names_add(w, tmp, fin))
			return spoor_err_set(err, SPOOR_ENOMEM, 0,
					     "out of memory");
	}
	if (ok && !rc && !w->nseg)
		rc = spoor_err_set(err, SPOOR_EOUTPUT, 0,
				   "libewf wrote no segment file");
	return rc;
}

int imgout_finish(struct imgout *w, bool ok, bool keep,
		  struct spoor_err *err)
{
	int rc = 0;

	close_direct(w);
	if (w->fd >= 0 && close(w->fd) && ok)
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot write '%s'", w->tmp[w->fd_seg]);
	w->fd = -1;
	w->fd_seg = (size_t)-1;
	if (w->rfd >= 0)
		close(w->rfd);
	w->rfd = -1;
	w->rfd_seg = (size_t)-1;
	if (w->ewf) {
		keep = false;	/* libewf cannot append: no resume */
		if (finish_ewf(w, ok, ok ? err : NULL) && !rc) {
			rc = err ? err->code : SPOOR_EOUTPUT;
			ok = false;
		}
	}
	for (size_t i = 0; ok && !rc && i < w->nseg; i++) {
		struct stat st = { 0 };

		/* a split segment never reached (empty tail) still exists
		 * so that the set is complete */
		if (!w->in_place && stat(w->tmp[i], &st)) {
			int fd = open(w->tmp[i], O_WRONLY | O_CREAT | O_CLOEXEC,
				      0644);
			if (fd >= 0)
				close(fd);
		}
		rc = sync_path(w->tmp[i], err);
	}
	if (ok && !rc && !w->in_place) {
		for (size_t i = 0; i < w->nseg && !rc; i++)
			if (rename(w->tmp[i], w->final[i]))
				rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
						   "cannot rename '%s'",
						   w->tmp[i]);
		/* make the renames durable (the segments share a folder) */
		if (!rc && spoor_fsync_dir_of(w->final[0]))
			rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
					   "cannot sync the folder of '%s'",
					   w->final[0]);
	}
	if ((!ok || rc) && !keep && !w->in_place)
		for (size_t i = 0; i < w->nseg; i++)
			unlink(w->tmp[i]);
	w->finished = ok && !rc;
	return rc;
}

const char *const *imgout_segments(const struct imgout *w)
{
	return (const char *const *)w->final;
}

void imgout_free(struct imgout *w)
{
	if (!w)
		return;
	close_direct(w);
	if (w->fd >= 0)
		close(w->fd);
	if (w->rfd >= 0)
		close(w->rfd);
	zpool_free(w->zp);
	if (w->ewf) {
		libewf_handle_close(w->ewf, NULL);
		libewf_handle_free(&w->ewf, NULL);
	}
	for (size_t i = 0; i < w->nseg; i++) {
		free(w->tmp[i]);
		free(w->final[i]);
	}
	free(w->tmp);
	free(w->final);
	free(w->ewf_base);
	free(w->ewf_tmp_base);
	free(w);
}

/* ---- reading back ---- */

struct imgin {
	enum spoor_img_format format;
	int *fds;
	bool *direct;
	uint64_t *sizes;
	size_t n;
	uint64_t seg_size, size;
	char **names;
	libewf_handle_t *ewf;
};

/* Open for reading without the page cache: O_DIRECT where the file
 * system allows it, else drop the cached pages first (the image was
 * fsync'd, so they are clean and DONTNEED really drops them). */
static int open_uncached(const char *path, bool *direct)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_DIRECT);

	*direct = fd >= 0;
	if (fd >= 0)
		return fd;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	return fd;
}

struct imgin *imgin_open(enum spoor_img_format format,
			 const char *const *segments, uint64_t seg_size,
			 struct spoor_err *err)
{
	struct imgin *r = calloc(1, sizeof(*r));
	size_t n = 0;

	if (!r)
		goto nomem;
	r->format = format;
	while (segments[n])
		n++;
	if (format == SPOOR_IMG_E01) {
		libewf_error_t *e = NULL;
		size64_t ms = 0;

		for (size_t i = 0; i < n; i++) {
			int fd = open(segments[i], O_RDONLY | O_CLOEXEC);

			if (fd >= 0) {
				posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
				close(fd);
			}
		}
		if (libewf_handle_initialize(&r->ewf, &e) != 1 ||
		    libewf_handle_open(r->ewf, (char *const *)segments,
				       (int)n, LIBEWF_OPEN_READ, &e) != 1 ||
		    libewf_handle_get_media_size(r->ewf, &ms, &e) != 1) {
			ewf_fail(err, SPOOR_EIO, &e, "cannot open the E01");
			imgin_free(r);
			return NULL;
		}
		r->size = ms;
		return r;
	}
	r->fds = calloc(n, sizeof(*r->fds));
	r->direct = calloc(n, sizeof(*r->direct));
	r->sizes = calloc(n, sizeof(*r->sizes));
	r->names = calloc(n, sizeof(*r->names));
	if (!r->fds || !r->direct || !r->sizes || !r->names)
		goto nomem;
	r->seg_size = seg_size;
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		r->names[i] = strdup(segments[i]);
		r->fds[i] = open_uncached(segments[i], &r->direct[i]);
		r->n = i + 1;
		if (r->fds[i] < 0 || fstat(r->fds[i], &st)) {
			spoor_err_set(err, SPOOR_EIO, errno,
				      "cannot open '%s'", segments[i]);
			imgin_free(r);
			return NULL;
		}
		r->sizes[i] = (uint64_t)st.st_size;
		r->size += r->sizes[i];
	}
	return r;
nomem:
	spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	imgin_free(r);
	return NULL;
}

uint64_t imgin_size(const struct imgin *r)
{
	return r->size;
}

ssize_t imgin_pread(struct imgin *r, uint64_t off, void *buf, size_t len,
		    struct spoor_err *err)
{
	char *p = buf;
	size_t done = 0;

	if (r->ewf) {
		libewf_error_t *e = NULL;

		while (done < len) {
			ssize_t n = libewf_handle_read_random(
				r->ewf, p + done, len - done,
				(off64_t)(off + done), &e);
			if (n < 0)
				return ewf_fail(err, SPOOR_EIO, &e,
						"cannot read the E01");
			if (n == 0)
				break;
			done += (size_t)n;
		}
		return (ssize_t)done;
	}
	while (done < len) {
		size_t seg = r->seg_size ? (size_t)(off / r->seg_size) : 0;
		uint64_t soff = r->seg_size ? off % r->seg_size : off;
		size_t n = len - done;
		ssize_t got;

		if (seg >= r->n || soff >= r->sizes[seg])
			break;
		if (r->seg_size && n > r->seg_size - soff)
			n = (size_t)(r->seg_size - soff);
		got = pread(r->fds[seg], p + done, n, (off_t)soff);
		if (got < 0 && errno == EINVAL && r->direct[seg]) {
			/* O_DIRECT alignment refused: fall back */
			int fd = open(r->names[seg], O_RDONLY | O_CLOEXEC);

			if (fd < 0)
				return spoor_err_set(err, SPOOR_EIO, errno,
						     "cannot open '%s'",
						     r->names[seg]);
			posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
			close(r->fds[seg]);
			r->fds[seg] = fd;
			r->direct[seg] = false;
			continue;
		}
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return spoor_err_set(err, SPOOR_EIO, errno,
					     "cannot read '%s'",
					     r->names[seg]);
		if (got == 0)
			break;
		done += (size_t)got;
		off += (uint64_t)got;
	}
	return (ssize_t)done;
}

void imgin_free(struct imgin *r)
{
	if (!r)
		return;
	if (r->ewf) {
		libewf_handle_close(r->ewf, NULL);
		libewf_handle_free(&r->ewf, NULL);
	}
	for (size_t i = 0; i < r->n; i++) {
		if (r->fds[i] >= 0)
			close(r->fds[i]);
		free(r->names[i]);
	}
	free(r->fds);
	free(r->direct);
	free(r->sizes);
	free(r->names);
	free(r);
}
