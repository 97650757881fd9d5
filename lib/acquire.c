/*
 * acquire.c: forensic imaging.  One reader (the caller's thread) fills a
 * fixed ring of aligned buffers; one thread per digest and one writer
 * thread consume every buffer in order, so several digests cost about as
 * much as the slowest alone and memory is bounded by the ring.
 *
 * Read errors: the block is retried, then re-read one logical sector at
 * a time with O_DIRECT (page cache bypassed), so that exactly the
 * sectors the device cannot return are filled and recorded, in the
 * result, the logs and a ddrescue-compatible map that --resume reads.
 */
#include "imgout.h"
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libewf.h>
#include <libxml/xmlwriter.h>

#include "banned.h"

#define NSLOTS 8
#define DEFAULT_BUF ((size_t)4 << 20)
#define MAX_BUF ((size_t)8 << 20)	/* NSLOTS * MAX_BUF < 64 MiB */
#define MAX_PIECES 65536
#define MAX_BAD 1000000		/* bad ranges kept (each 24 bytes) */

struct slot {
	unsigned char *data;
	size_t len;
	uint64_t off;
	int pending;		/* consumers still to see it */
};

struct spoor_acquire;

struct lane {
	struct spoor_acquire *a;
	unsigned alg;		/* 0: the writer */
	struct spoor_hash *h, *ph;
	unsigned char *pieces;	/* npieces * digest length */
	uint64_t piece_fill;	/* bytes in the current piece */
	uint64_t piece_no;
	pthread_t tid;
	bool started;
	int rc;
	struct spoor_err err;
};

struct pump {
	struct slot slots[NSLOTS];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t produced;	/* slots filled so far */
	bool eof, abort;
	int nconsumers;
	struct lane lanes[SPOOR_HASH_NALGS + 1];
	int nlanes;
	bool piecing;
	/* writer state */
	struct imgout *out;
	uint64_t skip_below;	/* already in the image (resume) */
	uint64_t written;	/* end of the written prefix */
	uint64_t synced;	/* end of the durable prefix */
	bool want_sync;
};

struct spoor_acquire {
	struct spoor_ctx *ctx;
	struct spoor_acquire_opts o;
	char *source, *output, *map_path, *log_path, *xml_path;
	char *img_label;	/* the image's first file, for the logs */
	struct spoor_acquire_result r;
	struct spoor_bad_range *bad;
	size_t nbad, capbad;
	unsigned char *pieces[SPOOR_HASH_NALGS];
	atomic_int stop;
	int fd, dfd;		/* source; O_DIRECT source for re-reads */
	bool fd_direct, dfd_direct;
	uint32_t sector;
	struct imgout *out;
	const char **segments;
	double t0;
	struct timespec src_mtime;	/* a regular file's, at the start */
	int resume_same, resume_tried;	/* --resume: samples re-read */
};

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void now_utc(struct spoor_time *t)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	t->sec = ts.tv_sec;
	t->nsec = 0;
	t->set = true;
}

static char *xstrcat2(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 1;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s%s", a, b);
	return s;
}

/* ---- bad ranges ---- */

static int bad_add(struct spoor_acquire *a, uint64_t sector, uint64_t count,
		   int e)
{
	struct spoor_bad_range *last = a->nbad ? &a->bad[a->nbad - 1] : NULL;

	a->r.bad_sectors += count;
	if (last && last->sector + last->count == sector &&
	    last->sys_errno == e) {
		last->count += count;
		return 0;
	}
	if (a->nbad == a->capbad) {
		size_t cap = a->capbad ? a->capbad * 2 : 64;
		struct spoor_bad_range *b;

		if (cap > MAX_BAD)
			return -1;
		b = realloc(a->bad, cap * sizeof(*b));
		if (!b)
			return -1;
		a->bad = b;
		a->capbad = cap;
	}
	a->bad[a->nbad].sector = sector;
	a->bad[a->nbad].count = count;
	a->bad[a->nbad].sys_errno = e;
	a->nbad++;
	return 0;
}

/* ---- the ddrescue map ---- */

static void clean(const char *s, char *out, size_t size);

/*
 * What identifies the source, one "source-KEY: value" line each, kept
 * in the map as "# spoor-acquire source-..." comments (ddrescue skips
 * them), so that --resume can tell whether it reads the same source:
 * kind, size and sectors; for a file its device, inode and modification
 * time (a changed file has another), for a device its model, serial
 * and firmware.
 */
static void source_facts(const struct spoor_acquire *a, struct sbuf *b)
{
	const struct spoor_devinfo *d = &a->r.source;
	char buf[256];

	sbuf_addf(b, "source-kind: %s\n", d->is_blockdev ? "device" : "file");
	sbuf_addf(b, "source-size: %llu\n", (unsigned long long)d->size);
	sbuf_addf(b, "source-sectors: %u %u\n", d->logical_sector,
		  d->physical_sector);
	if (!d->is_blockdev) {
		sbuf_addf(b, "source-file: device %llu inode %llu mtime "
			  "%lld.%09ld\n", (unsigned long long)d->st_dev,
			  (unsigned long long)d->st_ino,
			  (long long)a->src_mtime.tv_sec,
			  (long)a->src_mtime.tv_nsec);
		return;
	}
	clean(d->model, buf, sizeof(buf));
	sbuf_addf(b, "source-model: %s\n", buf);
	clean(d->serial, buf, sizeof(buf));
	sbuf_addf(b, "source-serial: %s\n", buf);
	clean(d->firmware, buf, sizeof(buf));
	sbuf_addf(b, "source-firmware: %s\n", buf);
}

/* The first line that differs between the map's facts and ours. */
static int facts_compare(struct spoor_acquire *a, const char *mapped,
			 struct spoor_err *err)
{
	struct sbuf now = SBUF_INIT;
	const char *p = mapped, *q;
	int rc = 0;

	source_facts(a, &now);
	if (now.failed) {
		sbuf_release(&now);
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	}
	q = sbuf_str(&now);
	if (!*p)
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "the map '%s' does "
				   "not describe its source (made by another "
				   "program?): cannot show that '%s' is the "
				   "source of the interrupted run", a->map_path,
				   a->source);
	while (!rc && (*p || *q)) {
		size_t lp = strcspn(p, "\n"), lq = strcspn(q, "\n");

		if (lp != lq || memcmp(p, q, lp))
			rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s' is not "
					   "the source of the interrupted run: "
					   "the map has '%.*s', the source now "
					   "'%.*s'", a->source, (int)MIN(lp,
					   (size_t)100), p, (int)MIN(lq,
					   (size_t)100), q);
		p += lp + (p[lp] == '\n');
		q += lq + (q[lq] == '\n');
	}
	sbuf_release(&now);
	return rc;
}

/*
 * Write the map atomically.  Up to `done` bytes of the image the image
 * holds what the source gave ('+') or the fill of a bad range ('-'); the
 * rest is not tried yet ('?').  Positions are the source's, as ddrescue
 * writes them: with --offset/--length the bytes outside the imaged
 * range are '?' (outside the domain), and a comment names the range so
 * that --resume cannot continue with another one.
 */
static int map_write(struct spoor_acquire *a, uint64_t done, bool finished,
		     struct spoor_err *err)
{
	char *tmp = xstrcat2(a->map_path, ".tmp");
	FILE *f;
	uint64_t base = a->r.offset, pos = base, size = a->r.source.size;
	int rc = 0;

	if (!tmp)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	f = fopen(tmp, "we");
	if (!f) {
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot create '%s'", tmp);
		free(tmp);
		return rc;
	}
	fprintf(f, "# Mapfile. Created by %s version %s\n",
		a->o.program ? a->o.program : "spoor-acquire",
		a->o.version ? a->o.version : "");
	if (a->o.command_line)
		fprintf(f, "# Command line: %s\n", a->o.command_line);
	fprintf(f, "# Domain: 0x%08llX  0x%08llX\n", (unsigned long long)base,
		(unsigned long long)a->r.length);
	{
		struct sbuf facts = SBUF_INIT;
		const char *p, *nl;

		source_facts(a, &facts);
		for (p = sbuf_str(&facts); (nl = strchr(p, '\n')); p = nl + 1)
			fprintf(f, "# spoor-acquire %.*s\n", (int)(nl - p), p);
		if (facts.failed)
			rc = spoor_err_set(err, SPOOR_ENOMEM, 0,
					   "out of memory");
		sbuf_release(&facts);
	}
	fprintf(f, "# current_pos  current_status  current_pass\n");
	done += base;
	fprintf(f, "0x%08llX     %c               1\n",
		(unsigned long long)done, finished ? '+' : '?');
	fprintf(f, "#      pos        size  status\n");
	if (base)
		fprintf(f, "0x%08llX  0x%08llX  ?\n", 0ULL,
			(unsigned long long)base);
	for (size_t i = 0; i < a->nbad; i++) {
		uint64_t b = a->bad[i].sector * a->sector;
		uint64_t n = a->bad[i].count * a->sector;

		if (b >= done)
			break;
		if (b + n > base + a->r.length)
			n = base + a->r.length - b;
		if (b + n > done)
			n = done - b;
		if (b > pos)
			fprintf(f, "0x%08llX  0x%08llX  +\n",
				(unsigned long long)pos,
				(unsigned long long)(b - pos));
		fprintf(f, "0x%08llX  0x%08llX  -\n", (unsigned long long)b,
			(unsigned long long)n);
		pos = b + n;
	}
	if (done > pos)
		fprintf(f, "0x%08llX  0x%08llX  +\n", (unsigned long long)pos,
			(unsigned long long)(done - pos));
	if (size > done)
		fprintf(f, "0x%08llX  0x%08llX  ?\n", (unsigned long long)done,
			(unsigned long long)(size - done));
	if (fflush(f) || ferror(f) || fsync(fileno(f)))
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot write '%s'", tmp);
	if (fclose(f) && !rc)
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot write '%s'", tmp);
	if (!rc && spoor_rename(tmp, a->map_path))
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot rename '%s'", tmp);
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* Read the map: the finished prefix of the imaged range (in image
 * bytes) and its bad ranges.  A map whose ranges do not tile the source,
 * or made for another --offset/--length, is SPOOR_EFORMAT. */
static int map_read(struct spoor_acquire *a, uint64_t *resume,
		    struct spoor_err *err)
{
	FILE *f = fopen(a->map_path, "re");
	char line[1024];
	bool status_seen = false;
	uint64_t expect = 0, base = a->r.offset;
	uint64_t end = base + a->r.length;
	bool prefix = true;
	struct sbuf facts = SBUF_INIT;
	int rc;

	*resume = 0;
	if (!f)
		return spoor_err_set(err, SPOOR_ENOTFOUND, errno,
				     "cannot open the map '%s'",
				     a->map_path);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long pos, size;
		char st;

		if (!strncmp(line, "# spoor-acquire source-", 23)) {
			sbuf_adds(&facts, line + 16);
			continue;
		}

		if (!strncmp(line, "# Domain:", 9)) {
			unsigned long long db, dl;

			if (sscanf(line + 9, "%llx %llx", &db, &dl) != 2 ||
			    db != base || dl != a->r.length)
				goto bad;
			continue;
		}
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (!status_seen) {
			status_seen = true;
			continue;
		}
		if (sscanf(line, "%llx %llx %c", &pos, &size, &st) != 3 ||
		    pos != expect || !strchr("?*/-+", st))
			goto bad;
		if (size > UINT64_MAX - pos)
			goto bad;
		expect = pos + size;
		/* only the imaged range counts: outside it is '?' */
		if (!prefix || expect <= base || pos >= end)
			continue;
		if ((st != '+' && st != '-') || pos < base || expect > end) {
			prefix = false;
		} else if (st == '+') {
			*resume = expect - base;
		} else {
			uint64_t s = pos / a->sector;
			uint64_t e = (expect + a->sector - 1) / a->sector;

			if (bad_add(a, s, e - s, 0)) {
				fclose(f);
				sbuf_release(&facts);
				return spoor_err_set(err, SPOOR_ENOMEM, 0,
						     "out of memory");
			}
			*resume = expect - base;
		}
	}
	fclose(f);
	if (!status_seen || expect != a->r.source.size)
		goto bad2;
	rc = facts.failed ? spoor_err_set(err, SPOOR_ENOMEM, 0, "out of "
					  "memory") :
	     facts_compare(a, sbuf_str(&facts), err);
	sbuf_release(&facts);
	return rc;
bad:
	fclose(f);
bad2:
	sbuf_release(&facts);
	return spoor_err_set(err, SPOOR_EFORMAT, 0,
			     "'%s' is not a map of this source", a->map_path);
}

/* ---- consumers ---- */

static void lane_piece(struct lane *l, const unsigned char *p, size_t len)
{
	struct spoor_acquire *a = l->a;
	uint64_t psz = a->o.piece_size;
	size_t dlen = spoor_hash_len(l->alg);

	while (len) {
		size_t n = len;

		if (n > psz - l->piece_fill)
			n = (size_t)(psz - l->piece_fill);
		spoor_hash_update(l->ph, p, n, NULL);
		l->piece_fill += n;
		p += n;
		len -= n;
		if (l->piece_fill == psz) {
			struct spoor_digests d;

			spoor_hash_final(l->ph, &d, NULL);
			memcpy(l->pieces + l->piece_no * dlen,
			       spoor_digest_get(&d, l->alg), dlen);
			l->piece_no++;
			l->piece_fill = 0;
			spoor_hash_reset(l->ph, NULL);
		}
	}
}

static int lane_consume(struct lane *l, struct pump *p, struct slot *s)
{
	if (l->alg) {
		if (spoor_hash_update(l->h, s->data, s->len, &l->err))
			return l->err.code;
		if (l->ph)
			lane_piece(l, s->data, s->len);
		return 0;
	}
	if (!p->out)
		return 0;
	{
		uint64_t off = s->off, end = s->off + s->len;
		bool sync;

		if (end > p->skip_below) {
			if (off < p->skip_below)
				off = p->skip_below;
			if (imgout_write(p->out, off, s->data + (off - s->off),
					 (size_t)(end - off), &l->err))
				return l->err.code ? l->err.code
						   : SPOOR_EOUTPUT;
		}
		pthread_mutex_lock(&p->mu);
		p->written = end;
		sync = p->want_sync;
		p->want_sync = false;
		pthread_mutex_unlock(&p->mu);
		if (sync) {
			if (imgout_sync(p->out, &l->err))
				return l->err.code;
			pthread_mutex_lock(&p->mu);
			p->synced = end;
			pthread_mutex_unlock(&p->mu);
		}
	}
	return 0;
}

/* The lane's pump: lanes sit in pump->lanes, found by index. */
struct lane_arg {
	struct pump *p;
	int idx;
};

static void *consumer(void *arg)
{
	struct pump *p = ((struct lane_arg *)arg)->p;
	struct lane *l = &p->lanes[((struct lane_arg *)arg)->idx];
	uint64_t seq = 0;

	for (;;) {
		struct slot *s = &p->slots[seq % NSLOTS];
		int rc;

		pthread_mutex_lock(&p->mu);
		while (p->produced <= seq && !p->eof && !p->abort)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->abort || p->produced <= seq) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		pthread_mutex_unlock(&p->mu);
		rc = lane_consume(l, p, s);
		pthread_mutex_lock(&p->mu);
		if (rc) {
			l->rc = rc;
			p->abort = true;
		}
		s->pending--;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		if (rc)
			break;
		seq++;
	}
	return NULL;
}

/* ---- the pump ---- */

static int pump_init(struct pump *p, struct spoor_acquire *a, size_t bufsz,
		     unsigned mask, bool writer, bool piecing,
		     struct lane_arg *args, struct spoor_err *err)
{

	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	for (int i = 0; i < NSLOTS; i++) {
		void *m;

		if (posix_memalign(&m, 4096, bufsz))
			return spoor_err_set(err, SPOOR_ENOMEM, 0,
					     "out of memory");
		p->slots[i].data = m;
	}
	for (unsigned bit = 1; bit <= SPOOR_SHA512; bit <<= 1) {
		struct lane *l;

		if (!(mask & bit))
			continue;
		l = &p->lanes[p->nlanes++];
		l->a = a;
		l->alg = bit;
		l->h = spoor_hash_new(bit, err);
		if (!l->h)
			return err ? err->code : SPOOR_ENOMEM;
		if (piecing) {
			l->ph = spoor_hash_new(bit, err);
			if (!l->ph)
				return err ? err->code : SPOOR_ENOMEM;
			for (int k = 0; k < SPOOR_HASH_NALGS; k++)
				if ((1u << k) == bit)
					l->pieces = a->pieces[k];
		}
	}
	if (writer) {
		p->lanes[p->nlanes].a = a;
		p->lanes[p->nlanes].alg = 0;
		p->nlanes++;
	}
	p->piecing = piecing;
	p->nconsumers = p->nlanes;
	for (int i = 0; i < p->nlanes; i++) {
		args[i].p = p;
		args[i].idx = i;
		if (pthread_create(&p->lanes[i].tid, NULL, consumer,
				   &args[i])) {
			p->abort = true;
			return spoor_err_set(err, SPOOR_ENOMEM, errno,
					     "cannot start a thread");
		}
		p->lanes[i].started = true;
	}
	return 0;
}

/* Wait for a free slot; NULL when the consumers gave up. */
static struct slot *pump_slot(struct pump *p)
{
	struct slot *s = &p->slots[p->produced % NSLOTS];

	pthread_mutex_lock(&p->mu);
	while (s->pending && !p->abort)
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
	return p->abort ? NULL : s;
}

static void pump_push(struct pump *p, struct slot *s)
{
	pthread_mutex_lock(&p->mu);
	s->pending = p->nconsumers;
	p->produced++;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* Stop feeding and join; the first consumer error, or 0. */
static int pump_end(struct pump *p, bool abort, struct spoor_err *err)
{
	int rc = 0;

	pthread_mutex_lock(&p->mu);
	p->eof = true;
	if (abort)
		p->abort = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < p->nlanes; i++) {
		if (p->lanes[i].started)
			pthread_join(p->lanes[i].tid, NULL);
		p->lanes[i].started = false;
		if (p->lanes[i].rc && !rc) {
			rc = p->lanes[i].rc;
			if (err)
				*err = p->lanes[i].err;
		}
	}
	return rc;
}

static void pump_digests(struct pump *p, struct spoor_digests *d)
{
	memset(d, 0, sizeof(*d));
	for (int i = 0; i < p->nlanes; i++) {
		struct lane *l = &p->lanes[i];

		if (!l->alg)
			continue;
		spoor_hash_final(l->h, d, NULL);
		d->mask |= l->alg;
		/* a last, shorter piece */
		if (l->ph && l->piece_fill) {
			struct spoor_digests pd;
			size_t dlen = spoor_hash_len(l->alg);

			spoor_hash_final(l->ph, &pd, NULL);
			memcpy(l->pieces + l->piece_no * dlen,
			       spoor_digest_get(&pd, l->alg), dlen);
		}
	}
}

static void pump_free(struct pump *p)
{
	for (int i = 0; i < NSLOTS; i++)
		free(p->slots[i].data);
	for (int i = 0; i < p->nlanes; i++) {
		spoor_hash_free(p->lanes[i].h);
		spoor_hash_free(p->lanes[i].ph);
	}
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
}

/* ---- reading the source ---- */

/* pread until len bytes, EOF or an error; returns bytes read, and the
 * errno of the failure in *e (0 at EOF). */
static size_t read_full(int fd, unsigned char *buf, size_t len, uint64_t off,
			int *e)
{
	size_t done = 0;

	*e = 0;
	while (done < len) {
		ssize_t n = pread(fd, buf + done, len - done,
				  (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*e = errno;
			break;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return done;
}

static void fill_sector(struct spoor_acquire *a, unsigned char *p, size_t n)
{
	if (!a->o.fill || !a->o.fill_len) {
		memset(p, 0, n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		p[i] = a->o.fill[i % a->o.fill_len];
}

/* A descriptor that reads past the page cache, for re-reads. */
static int direct_fd(struct spoor_acquire *a)
{
	if (a->dfd >= 0)
		return a->dfd;
	a->dfd = open(a->source, O_RDONLY | O_CLOEXEC | O_DIRECT);
	a->dfd_direct = a->dfd >= 0;
	if (a->dfd < 0) {
		/* O_DIRECT refused (tmpfs, some FUSE): plain reads after
		 * dropping the cached pages of the range */
		a->dfd = open(a->source, O_RDONLY | O_CLOEXEC);
		spoor_log(a->ctx, SPOOR_LOG_DEBUG, "O_DIRECT not available "
			  "for re-reads of '%s'", a->source);
	}
	return a->dfd >= 0 ? a->dfd : a->fd;
}

/* One uncached read of [off, off+len); bytes read, errno in *e. */
static size_t reread(struct spoor_acquire *a, unsigned char *buf,
		     uint64_t off, size_t len, int *e)
{
	int fd = direct_fd(a);
	size_t g;

	/* a no-op under O_DIRECT; else it makes the read reach the
	 * device instead of the page cache */
	posix_fadvise(fd, (off_t)off, (off_t)len, POSIX_FADV_DONTNEED);
	g = read_full(fd, buf, len, off, e);
	if (*e == EINVAL && a->dfd_direct && fd == a->dfd) {
		/* alignment refused: plain reads from now on */
		close(a->dfd);
		a->dfd = open(a->source, O_RDONLY | O_CLOEXEC);
		a->dfd_direct = false;
		fd = a->dfd >= 0 ? a->dfd : a->fd;
		posix_fadvise(fd, (off_t)off, (off_t)len,
			      POSIX_FADV_DONTNEED);
		g = read_full(fd, buf, len, off, e);
	}
	return g;
}

/*
 * Recover [off, off+len) after a failed large read: read it past the
 * page cache; on failure keep what came before the error and split the
 * rest in halves, down to single logical sectors, which get `retries`
 * more tries before they are filled and recorded.  Only the sectors the
 * device cannot return are lost, at a cost of O(bad * log(len)) reads.
 */
static int rescue(struct spoor_acquire *a, unsigned char *buf, uint64_t off,
		  size_t len, unsigned char *sbuf)
{
	size_t ss = a->sector, g, half;
	int e = 0;

	if (len <= ss) {
		for (int t = 0; t <= a->o.retries; t++) {
			g = reread(a, sbuf, off, ss, &e);
			if (g >= len) {
				memcpy(buf, sbuf, len);
				a->r.bytes_read += len;
				return 0;
			}
		}
		fill_sector(a, buf, len);
		spoor_log(a->ctx, SPOOR_LOG_DEBUG, "sector %llu unreadable: "
			  "%s", (unsigned long long)(off / ss),
			  strerror(e ? e : EIO));
		if (bad_add(a, off / ss, 1, e ? e : EIO))
			return SPOOR_ELIMIT;
		return 0;
	}
	g = reread(a, buf, off, len, &e);
	if (g == len) {
		a->r.bytes_read += len;
		return 0;
	}
	g = g / ss * ss;
	a->r.bytes_read += g;
	off += g;
	buf += g;
	len -= g;
	if (len <= ss)
		return rescue(a, buf, off, len, sbuf);
	half = len / ss / 2 * ss;
	if (rescue(a, buf, off, half, sbuf))
		return SPOOR_ELIMIT;
	return rescue(a, buf + half, off + half, len - half, sbuf);
}

/*
 * Read [off, off+len) of the source into buf; unreadable sectors are
 * filled and recorded.  The fast path is one large read; an error gets
 * `retries` more tries of the rest, then rescue().
 */
static int read_block(struct spoor_acquire *a, unsigned char *buf,
		      uint64_t off, size_t len, unsigned char *sbuf)
{
	int e;
	size_t got = read_full(a->fd, buf, len, off, &e);
	uint64_t ss = a->sector, pos;

	a->r.bytes_read += got;
	if (got == len)
		return 0;
	for (int i = 0; i < a->o.retries && got < len; i++) {
		size_t g;

		spoor_log(a->ctx, SPOOR_LOG_DEBUG, "read error at byte %llu "
			  "(%s): retry %d", (unsigned long long)(off + got),
			  e ? strerror(e) : "end of data", i + 1);
		g = read_full(a->fd, buf + got, len - got, off + got, &e);
		a->r.bytes_read += g;
		got += g;
	}
	if (got == len)
		return 0;
	/* from the sector holding the failure */
	pos = (off + got) / ss * ss;
	a->r.bytes_read -= (off + got) - pos;
	return rescue(a, buf + (pos - off), pos, (size_t)(off + len - pos),
		      sbuf);
}

static void progress(struct spoor_acquire *a, enum spoor_acq_phase ph,
		     uint64_t done, uint64_t total, double *last, bool force)
{
	struct spoor_acq_progress pr;
	double t = now_mono();

	if (!a->o.on_progress || (!force && t - *last < 0.1))
		return;
	*last = t;
	pr.phase = ph;
	pr.bytes = done;
	pr.total = total;
	pr.bad_sectors = a->r.bad_sectors;
	a->o.on_progress(a->o.userdata, &pr);
}

/* ---- setting up ---- */

/* The source range to image: --offset and --length, whole sectors. */
static int set_range(struct spoor_acquire *a, struct spoor_err *err)
{
	uint64_t size = a->r.source.size, off = a->o.offset;
	uint64_t len = a->o.length;

	if (off % a->sector || len % a->sector)
		return spoor_err_set(err, SPOOR_EINVAL, 0, "--offset and "
				     "--length must be multiples of the "
				     "%u-byte sector size", a->sector);
	if (off > size || (off == size && size))
		return spoor_err_set(err, SPOOR_EINVAL, 0, "--offset %llu "
				     "is not inside '%s' (%llu bytes)",
				     (unsigned long long)off, a->source,
				     (unsigned long long)size);
	if (len > size - off)
		return spoor_err_set(err, SPOOR_EINVAL, 0, "--offset %llu "
				     "--length %llu ends past the end of "
				     "'%s' (%llu bytes)",
				     (unsigned long long)off,
				     (unsigned long long)len, a->source,
				     (unsigned long long)size);
	a->r.offset = off;
	a->r.length = len ? len : size - off;
	return 0;
}

/* The directory the image goes into must exist: say so before
 * reading, not as a libewf chunk error half-way. */
static int output_dir_check(const char *output, struct spoor_err *err)
{
	const char *slash = strrchr(output, '/');
	struct sbuf dir = SBUF_INIT;
	struct stat st;
	int rc = 0;

	if (!slash)
		sbuf_adds(&dir, ".");
	else
		sbuf_add(&dir, output, slash == output ? 1 :
			 (size_t)(slash - output));
	if (dir.failed)
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	else if (stat(sbuf_str(&dir), &st) != 0)
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot write into '%s'", sbuf_str(&dir));
	else if (!S_ISDIR(st.st_mode))
		rc = spoor_err_set(err, SPOOR_EOUTPUT, ENOTDIR,
				   "cannot write into '%s'", sbuf_str(&dir));
	sbuf_release(&dir);
	return rc;
}

struct spoor_acquire *spoor_acquire_new(struct spoor_ctx *ctx,
					const char *source,
					const char *output,
					const struct spoor_acquire_opts *o,
					struct spoor_err *err)
{
	struct spoor_acquire *a = calloc(1, sizeof(*a));
	char *base = NULL;
	size_t bs;

	if (!a) {
		spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
		return NULL;
	}
	a->ctx = ctx;
	a->o = *o;
	a->fd = a->dfd = -1;
	if (!a->o.hash_mask)
		a->o.hash_mask = SPOOR_MD5 | SPOOR_SHA256;
	if (a->o.format == SPOOR_IMG_E01)	/* the digests an E01 holds */
		a->o.hash_mask |= SPOOR_MD5 | SPOOR_SHA1;
	a->o.hash_mask &= SPOOR_HASH_ALL;
	if (a->o.retries < 0)
		a->o.retries = 0;
	if (a->o.format == SPOOR_IMG_SPLIT && a->o.segment_size < 4096) {
		spoor_err_set(err, SPOOR_EINVAL, 0,
			      "split segments must be at least 4 KiB");
		goto fail;
	}
	if (a->o.format != SPOOR_IMG_E01 && a->o.segment_size % 512) {
		spoor_err_set(err, SPOOR_EINVAL, 0,
			      "the segment size must be a multiple of 512");
		goto fail;
	}
	if (a->o.format == SPOOR_IMG_E01 && a->o.resume) {
		spoor_err_set(err, SPOOR_EUNSUPPORTED, 0, "--resume works "
			      "with raw and split images only (libewf "
			      "cannot continue an E01)");
		goto fail;
	}
	if (output_dir_check(output, err))
		goto fail;
	bs = a->o.buffer_size ? a->o.buffer_size : DEFAULT_BUF;
	bs = (bs + 4095) / 4096 * 4096;
	a->o.buffer_size = MIN(bs, MAX_BUF);
	a->source = strdup(source);
	a->output = strdup(output);
	base = strdup(output);
	if (!a->source || !a->output || !base)
		goto nomem;
	if (a->o.format == SPOOR_IMG_E01 && strlen(base) > 4 &&
	    spoor_ends_with_ci(base, ".e01"))
		base[strlen(base) - 4] = '\0';
	if (spoor_devinfo_get(source, &a->r.source, err))
		goto fail;
	if (!a->r.source.is_blockdev) {
		struct stat st;

		if (stat(source, &st) == 0)
			a->src_mtime = st.st_mtim;
	}
	a->sector = a->r.source.logical_sector ? a->r.source.logical_sector
					       : 512;
	if (a->o.buffer_size % a->sector)
		a->o.buffer_size = a->sector * 8;
	if (spoor_output_on_source(&a->r.source, output, err))
		goto fail;
	if (set_range(a, err))
		goto fail;
	/* libewf 20140813 stores whole sectors only and silently drops a
	 * partial last one (ewfacquire does the same): refuse instead */
	if (a->o.format == SPOOR_IMG_E01 && a->r.length % a->sector) {
		spoor_err_set(err, SPOOR_EUNSUPPORTED, 0, "'%s' is %llu "
			      "bytes, not whole %u-byte sectors: E01 would "
			      "lose the tail; use raw or split", source,
			      (unsigned long long)a->r.length, a->sector);
		goto fail;
	}
	if (a->o.format == SPOOR_IMG_E01 && a->o.segment_size == 0)
		a->o.segment_size = (uint64_t)1400 << 20;
	if (a->o.format == SPOOR_IMG_E01 &&
	    a->r.length >= (uint64_t)1000 << 30)
		spoor_log(ctx, SPOOR_LOG_WARN, "libewf %s is known to fail "
			  "on E01 images near 1 TiB and above; verify the "
			  "result, or image '%s' as split raw",
			  LIBEWF_VERSION_STRING, source);
	if (a->o.format == SPOOR_IMG_E01 &&
	    a->o.segment_size > ((uint64_t)2 << 30)) {
		spoor_log(ctx, SPOOR_LOG_WARN, "E01 segments above 2 GiB "
			  "are not safe with this libewf; using 2 GiB");
		a->o.segment_size = (uint64_t)2 << 30;
	}
	if (a->o.piece_size) {
		uint64_t n = a->r.length / a->o.piece_size +
			     (a->r.length % a->o.piece_size != 0);

		if (n > MAX_PIECES) {
			spoor_err_set(err, SPOOR_ELIMIT, 0, "--piece: more "
				      "than %d pieces; use larger pieces",
				      MAX_PIECES);
			goto fail;
		}
		a->r.npieces = n;
		for (int k = 0; k < SPOOR_HASH_NALGS; k++) {
			unsigned bit = 1u << k;

			if (!(a->o.hash_mask & bit))
				continue;
			a->pieces[k] = calloc(n ? n : 1,
					      spoor_hash_len(bit));
			if (!a->pieces[k])
				goto nomem;
		}
	}
	a->map_path = a->o.map_path ? strdup(a->o.map_path)
				    : xstrcat2(base, ".map");
	{
		const char *lb = a->o.log_base ? a->o.log_base : base;

		a->log_path = xstrcat2(lb, ".log");
		a->xml_path = xstrcat2(lb, ".xml");
	}
	if (!a->map_path || !a->log_path || !a->xml_path)
		goto nomem;
	a->r.map_path = a->map_path;
	a->r.log_path = a->log_path;
	a->r.xml_path = a->xml_path;
	a->o.map_path = a->o.log_base = NULL;	/* not ours to keep */
	free(base);
	return a;
nomem:
	spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
fail:
	free(base);
	spoor_acquire_free(a);
	return NULL;
}

void spoor_acquire_free(struct spoor_acquire *a)
{
	if (!a)
		return;
	if (a->fd >= 0)
		close(a->fd);
	if (a->dfd >= 0)
		close(a->dfd);
	imgout_free(a->out);
	for (int k = 0; k < SPOOR_HASH_NALGS; k++)
		free(a->pieces[k]);
	free(a->bad);
	free(a->source);
	free(a->output);
	free(a->map_path);
	free(a->log_path);
	free(a->xml_path);
	free(a);
}

const struct spoor_devinfo *spoor_acquire_source(const struct spoor_acquire *a)
{
	return &a->r.source;
}

const struct spoor_acquire_result *
spoor_acquire_result(const struct spoor_acquire *a)
{
	return &a->r;
}

void spoor_acquire_interrupt(struct spoor_acquire *a)
{
	atomic_store(&a->stop, 1);
}

int spoor_acquire_piece(const struct spoor_acquire *a, uint64_t i,
			struct spoor_digests *out)
{
	memset(out, 0, sizeof(*out));
	if (i >= a->r.npieces)
		return SPOOR_EINVAL;
	for (int k = 0; k < SPOOR_HASH_NALGS; k++) {
		unsigned bit = 1u << k;
		size_t n = spoor_hash_len(bit);
		unsigned char *dst;

		if (!a->pieces[k])
			continue;
		out->mask |= bit;
		dst = (unsigned char *)spoor_digest_get(out, bit);
		memcpy(dst, a->pieces[k] + i * n, n);
	}
	return 0;
}

/* ---- running ---- */

#define SAMPLES 62
#define SAMPLE_LEN ((size_t)64 << 10)
#define SAMPLE_EDGE ((size_t)1 << 20)

/* Does [off, off+len) of the image touch a bad range of the map? */
static bool sample_bad(const struct spoor_acquire *a, uint64_t off,
		       uint64_t len)
{
	uint64_t s = (a->r.offset + off) / a->sector;
	uint64_t e = (a->r.offset + off + len + a->sector - 1) / a->sector;

	for (size_t i = 0; i < a->nbad; i++)
		if (a->bad[i].sector < e &&
		    a->bad[i].sector + a->bad[i].count > s)
			return true;
	return false;
}

enum { SAMPLE_SKIPPED = 1, SAMPLE_SAME, SAMPLE_DIFFERS };

/* One sample: SAMPLE_SAME, SAMPLE_SKIPPED (unreadable now, or in a bad
 * range), SAMPLE_DIFFERS (*at: the first differing byte), or an error
 * code (negative). */
static int sample_one(struct spoor_acquire *a, uint64_t off, size_t len,
		      unsigned char *sb, unsigned char *ib, uint64_t *at,
		      struct spoor_err *err)
{
	size_t i;
	int e = 0;

	if (!len || sample_bad(a, off, len))
		return SAMPLE_SKIPPED;
	if (imgout_pread(a->out, off, ib, len, err))
		return err && err->code ? err->code : SPOOR_EIO;
	if (reread(a, sb, a->r.offset + off, len, &e) != len)
		return SAMPLE_SKIPPED;
	for (i = 0; i < len && sb[i] == ib[i]; i++)
		;
	*at = off + i;
	return i == len ? SAMPLE_SAME : SAMPLE_DIFFERS;
}

/*
 * --resume: the finished part of the image must read back from the
 * source as it is in the partial image: its first and last MiB and 62
 * random 64 KiB blocks between (bad ranges left out), read past the
 * page cache.  With the facts the map keeps (size, device or file
 * identity), a different source or one changed in between fails.
 */
static int resume_check(struct spoor_acquire *a, uint64_t done,
			struct spoor_err *err)
{
	unsigned char *sb = NULL, *ib = NULL;
	uint64_t at = 0, ss = a->sector;
	int same = 0, tried = 0, rc = 0;

	if (!done)
		return 0;
	if (posix_memalign((void **)&sb, 4096, SAMPLE_EDGE) ||
	    posix_memalign((void **)&ib, 4096, SAMPLE_EDGE)) {
		free(sb);
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	}
	for (int i = 0; i < SAMPLES + 2 && rc >= 0 &&
	     rc != SAMPLE_DIFFERS; i++) {
		uint64_t off, r = 0;
		size_t len;

		if (i < 2) {
			len = (size_t)MIN((uint64_t)SAMPLE_EDGE, done);
			off = i == 0 ? 0 : (done - len) / ss * ss;
			len = (size_t)MIN((uint64_t)len, done - off);
		} else {
			if (getrandom(&r, sizeof(r), 0) != sizeof(r))
				r = (uint64_t)rand();
			off = r % ((done + ss - 1) / ss) * ss;
			len = (size_t)MIN((uint64_t)SAMPLE_LEN, done - off);
		}
		rc = sample_one(a, off, len, sb, ib, &at, err);
		tried++;
		same += rc == SAMPLE_SAME;
	}
	free(sb);
	free(ib);
	if (rc == SAMPLE_DIFFERS)
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s' is not the "
				     "source of the interrupted run: byte %llu "
				     "differs from the partial image; image it "
				     "again without --resume", a->source,
				     (unsigned long long)at);
	if (rc < 0)
		return rc;
	if (!same)
		return spoor_err_set(err, SPOOR_EIO, 0, "cannot read back any "
				     "of %d samples of '%s' to show it is the "
				     "source of the interrupted run", tried,
				     a->source);
	a->resume_same = same;
	a->resume_tried = tried;
	spoor_log(a->ctx, SPOOR_LOG_INFO, "resume: the source matches the "
		  "partial image in %d of %d samples (the others unreadable "
		  "or in bad ranges)", same, tried);
	return 0;
}

static int open_source(struct spoor_acquire *a, struct spoor_err *err)
{
	int flags = O_RDONLY | O_CLOEXEC | O_NOATIME;
	bool direct = a->o.direct > 0 ||
		      (a->o.direct < 0 && a->r.source.is_blockdev);

	if (direct) {
		a->fd = open(a->source, flags | O_DIRECT);
		if (a->fd < 0 && errno == EPERM)
			a->fd = open(a->source, (flags & ~O_NOATIME) |
					     O_DIRECT);
		if (a->fd >= 0)
			a->fd_direct = true;
		else
			spoor_log(a->ctx, SPOOR_LOG_INFO, "O_DIRECT refused "
				  "for '%s': reading through the page cache",
				  a->source);
	}
	if (a->fd < 0)
		a->fd = open(a->source, flags);
	if (a->fd < 0 && errno == EPERM)
		a->fd = open(a->source, flags & ~O_NOATIME);
	if (a->fd < 0)
		return spoor_err_set(err, SPOOR_EIO, errno,
				     "cannot open '%s'", a->source);
	posix_fadvise(a->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return 0;
}

static void set_error(struct spoor_acquire *a, const struct spoor_err *e,
		      int code)
{
	if (a->r.code)
		return;
	a->r.code = code;
	spoor_strlcpy(a->r.error, e && e->msg[0] ? e->msg
			  : spoor_strerror(code), sizeof(a->r.error));
}

static int acquire_pass(struct spoor_acquire *a, struct spoor_err *err)
{
	struct pump p;
	struct lane_arg args[SPOOR_HASH_NALGS + 1];
	struct imgout_opts io = { 0 };
	uint64_t size = a->r.length, off = 0, resume = 0;
	size_t bs = a->o.buffer_size;
	unsigned char *sbuf = NULL;
	double last_map = now_mono(), last_prog = 0;
	int rc = 0, prc;
	bool stopped = false;
	struct spoor_err perr;

	if (a->o.resume && (rc = map_read(a, &resume, err)))
		return rc;
	a->r.resumed_from = resume;
	if ((rc = open_source(a, err)))
		return rc;
	if (posix_memalign((void **)&sbuf, 4096,
			   MAX(a->sector, 4096u)))
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	io.format = a->o.format;
	io.segment_size = a->o.segment_size;
	io.compression = a->o.compression;
	io.sector_size = a->sector;
	io.media_size = size;
	io.physical = a->r.source.is_blockdev;
	io.removable = a->r.source.removable == 1;
	io.resume = a->o.resume;
	io.meta = &a->o.meta;
	io.version = a->o.version;
	a->out = imgout_open(a->output, &io, err);
	if (!a->out) {
		free(sbuf);
		return err ? err->code : SPOOR_EOUTPUT;
	}
	/* a source that is not the one of the map: refused, the partial
	 * image and the map kept as they are; else the map is written
	 * now, so that a run killed at once can be resumed */
	rc = a->o.resume ? resume_check(a, resume, err) : 0;
	if (!rc)
		rc = map_write(a, resume, false, err);
	if (rc) {
		free(sbuf);
		imgout_finish(a->out, false, a->o.format != SPOOR_IMG_E01,
			      NULL);
		return rc;
	}
	rc = pump_init(&p, a, bs, a->o.hash_mask, true,
		       a->o.piece_size != 0, args, err);
	p.out = a->out;
	p.skip_below = resume;
	if (!rc && resume)
		spoor_log(a->ctx, SPOOR_LOG_INFO, "resuming at byte %llu",
			  (unsigned long long)resume);
	while (!rc && off < size) {
		struct slot *s;
		size_t len = (size_t)MIN((uint64_t)bs, size - off);
		size_t from_img = 0;

		if (atomic_load(&a->stop)) {
			stopped = true;
			break;
		}
		s = pump_slot(&p);
		if (!s)
			break;
		if (off < resume) {
			from_img = (size_t)MIN((uint64_t)len, resume - off);
			rc = imgout_pread(a->out, off, s->data, from_img,
					  err);
			if (rc)
				break;
		}
		if (from_img < len)
			rc = read_block(a, s->data + from_img,
					a->r.offset + off + from_img,
					len - from_img, sbuf);
		if (rc) {
			spoor_err_set(err, rc, 0, "more than %d bad ranges",
				      MAX_BAD);
			break;
		}
		s->off = off;
		s->len = len;
		pump_push(&p, s);
		off += len;
		progress(a, SPOOR_ACQ_READING, off, size, &last_prog, false);
		if (now_mono() - last_map >= 1.0) {
			uint64_t synced;

			pthread_mutex_lock(&p.mu);
			p.want_sync = true;
			synced = p.synced;
			pthread_mutex_unlock(&p.mu);
			if (synced > resume)
				map_write(a, synced, false, NULL);
			last_map = now_mono();
		}
	}
	prc = pump_end(&p, rc != 0, &perr);
	progress(a, SPOOR_ACQ_READING, off, size, &last_prog, true);
	free(sbuf);
	if (prc) {
		if (err)
			*err = perr;
		rc = prc;
	}
	pump_digests(&p, &a->r.digests);
	a->r.bytes_written = p.written > resume ? p.written - resume : 0;
	pump_free(&p);
	if (rc) {
		/* the written prefix stays resumable */
		if (!imgout_sync(a->out, NULL) && p.written > resume)
			map_write(a, p.written, false, NULL);
		imgout_finish(a->out, false, a->o.format != SPOOR_IMG_E01,
			      NULL);
		return rc;
	}
	if (stopped) {
		a->r.interrupted = true;
		rc = imgout_sync(a->out, err);
		if (!rc)
			rc = map_write(a, p.written, false, err);
		imgout_finish(a->out, false, true, NULL);
		return rc ? rc : spoor_err_set(err, SPOOR_ESTOPPED, 0,
					       "interrupted");
	}
	/* E01 acquiry errors are image sectors */
	for (size_t i = 0; i < a->nbad && !rc; i++)
		rc = imgout_add_error(a->out, a->bad[i].sector -
				      a->r.offset / a->sector,
				      a->bad[i].count, err);
	if (!rc)
		rc = imgout_set_digests(a->out, &a->r.digests, err);
	if (!rc)
		rc = imgout_finish(a->out, true, true, err);
	else
		imgout_finish(a->out, false, false, NULL);
	if (rc)
		return rc;
	a->r.completed = true;
	a->segments = (const char **)imgout_segments(a->out);
	a->r.segments = a->segments;
	return map_write(a, size, true, err);
}

/* The digests the verify pass recomputes (see spoor.h). */
static unsigned verify_mask(const struct spoor_acquire_opts *o)
{
	static const unsigned pref[] = { SPOOR_SHA256, SPOOR_SHA1,
					 SPOOR_SHA512, SPOOR_MD5 };

	if (o->verify_mask)
		return o->verify_mask & o->hash_mask;
	for (size_t i = 0; i < ARRAY_SIZE(pref); i++)
		if (o->hash_mask & pref[i])
			return pref[i];
	return 0;
}

static int verify_pass(struct spoor_acquire *a, struct spoor_err *err)
{
	struct pump p;
	struct lane_arg args[SPOOR_HASH_NALGS + 1];
	struct imgin *in;
	uint64_t size = a->r.length, off = 0;
	size_t bs = a->o.buffer_size;
	double t0 = now_mono(), last = 0;
	int rc;
	bool short_img = false;

	in = imgin_open(a->o.format, a->r.segments,
			a->o.format == SPOOR_IMG_SPLIT ? a->o.segment_size : 0,
			err);
	if (!in)
		return err ? err->code : SPOOR_EIO;
	if (imgin_size(in) != size && a->o.format != SPOOR_IMG_E01)
		short_img = true;
	rc = pump_init(&p, a, bs, verify_mask(&a->o), false, false, args,
		       err);
	while (!rc && off < size && !short_img) {
		struct slot *s = pump_slot(&p);
		size_t len = (size_t)MIN((uint64_t)bs, size - off);
		ssize_t n;

		if (!s)
			break;
		if (atomic_load(&a->stop)) {
			rc = spoor_err_set(err, SPOOR_ESTOPPED, 0,
					   "interrupted");
			break;
		}
		n = imgin_pread(in, off, s->data, len, err);
		if (n < 0) {
			rc = err ? err->code : SPOOR_EIO;
			break;
		}
		if ((size_t)n < len) {
			short_img = true;
			break;
		}
		s->off = off;
		s->len = len;
		pump_push(&p, s);
		off += len;
		progress(a, SPOOR_ACQ_VERIFYING, off, size, &last, false);
	}
	if (pump_end(&p, rc != 0, NULL) && !rc)
		rc = SPOOR_EINTERNAL;
	progress(a, SPOOR_ACQ_VERIFYING, off, size, &last, true);
	pump_digests(&p, &a->r.verify_digests);
	pump_free(&p);
	imgin_free(in);
	a->r.verify_seconds = now_mono() - t0;
	if (rc) {
		a->r.verify = SPOOR_VERIFY_FAILED;
		return rc;
	}
	a->r.verify = SPOOR_VERIFY_MATCH;
	if (short_img)
		a->r.verify = SPOOR_VERIFY_MISMATCH;
	for (unsigned bit = 1; bit <= SPOOR_SHA512; bit <<= 1) {
		if (!(a->r.verify_digests.mask & bit))
			continue;
		if (memcmp(spoor_digest_get(&a->r.digests, bit),
			   spoor_digest_get(&a->r.verify_digests, bit),
			   spoor_hash_len(bit)))
			a->r.verify = SPOOR_VERIFY_MISMATCH;
	}
	return 0;
}

int spoor_acquire_run(struct spoor_acquire *a, struct spoor_err *err)
{
	struct spoor_err e;
	int rc;

	spoor_err_clear(&e);
	now_utc(&a->r.start);
	a->t0 = now_mono();
	rc = acquire_pass(a, &e);
	a->r.seconds = now_mono() - a->t0;
	if (rc) {
		set_error(a, &e, rc);
		if (rc == SPOOR_ESTOPPED)
			a->r.interrupted = true;
	} else if (a->o.verify) {
		if (a->o.format == SPOOR_IMG_RAW && a->r.segments &&
		    a->r.segments[0]) {
			struct stat st;

			if (!stat(a->r.segments[0], &st) &&
			    !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
				a->r.verify = SPOOR_VERIFY_FAILED;
				spoor_err_set(&e, SPOOR_EUNSUPPORTED, 0,
					      "cannot re-read '%s' to verify",
					      a->r.segments[0]);
				set_error(a, &e, SPOOR_EUNSUPPORTED);
				goto out;
			}
		}
		rc = verify_pass(a, &e);
		if (rc) {
			set_error(a, &e, rc);
			if (rc == SPOOR_ESTOPPED)
				a->r.interrupted = true;
		}
	}
out:
	now_utc(&a->r.end);
	if (!a->r.code && a->r.bad_sectors) {
		a->r.code = SPOOR_EIO;
		snprintf(a->r.error, sizeof(a->r.error), "%llu sectors "
			 "unreadable", (unsigned long long)a->r.bad_sectors);
	}
	a->r.bad = a->bad;
	a->r.nbad = a->nbad;
	if (a->r.code && err) {
		err->code = a->r.code;
		err->sys_errno = e.sys_errno;
		spoor_strlcpy(err->msg, a->r.error, sizeof(err->msg));
	}
	return a->r.code;
}

/* ---- logs ---- */

static const char *verdict(const struct spoor_acquire_result *r)
{
	if (r->interrupted)
		return "interrupted";
	if (!r->completed || (r->code && r->code != SPOOR_EIO))
		return "FAILED";
	if (r->verify == SPOOR_VERIFY_MISMATCH)
		return "FAILED: verification mismatch";
	if (r->verify == SPOOR_VERIFY_FAILED)
		return "FAILED: verification could not be done";
	if (r->bad_sectors)
		return "completed with unreadable sectors";
	return "completed";
}

static const char *verify_name(enum spoor_verify_result v)
{
	switch (v) {
	case SPOOR_VERIFY_MATCH: return "match";
	case SPOOR_VERIFY_MISMATCH: return "MISMATCH";
	case SPOOR_VERIFY_FAILED: return "failed";
	default: return "not run";
	}
}

static const char *format_name(enum spoor_img_format f)
{
	return f == SPOOR_IMG_E01 ? "e01" : f == SPOOR_IMG_SPLIT ? "split"
		: "raw";
}

/* Device strings and paths for a log: printable ASCII as is, anything
 * else as \xNN, so the logs stay valid text and XML. */
static void clean(const char *s, char *out, size_t size)
{
	size_t o = 0;

	for (; s && *s && o + 5 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			out[o++] = (char)c;
		} else {
			snprintf(out + o, size - o, "\\x%02x", c);
			o += 4;
		}
	}
	out[o] = '\0';
}

static void hexd(const struct spoor_digests *d, unsigned bit, char *out)
{
	spoor_hex(spoor_digest_get(d, bit), spoor_hash_len(bit), out);
}

/* fsync a written temporary file; false when that fails. */
static bool sync_tmp(const char *tmp)
{
	return !spoor_fsync_path(tmp);
}

static void text_log(struct spoor_acquire *a, FILE *f)
{
	const struct spoor_acquire_result *r = &a->r;
	const struct spoor_devinfo *d = &r->source;
	char t1[SPOOR_TIME_STR_MAX], t2[SPOOR_TIME_STR_MAX], buf[1024];
	const struct spoor_case_meta *m = &a->o.meta;
	double secs = r->seconds > 0 ? r->seconds : 1e-9;

	fprintf(f, "%s %s acquisition log\n", a->o.program ? a->o.program
		: "spoor-acquire", a->o.version ? a->o.version : "");
	clean(a->o.command_line, buf, sizeof(buf));
	fprintf(f, "command line:     %s\n", buf);
	fprintf(f, "result:           %s\n", verdict(r));
	if (r->error[0] && r->code != SPOOR_EIO)
		fprintf(f, "error:            %s\n", r->error);
	fprintf(f, "start (UTC):      %s\n", spoor_time_iso(&r->start, t1)
		? t1 : "-");
	fprintf(f, "end (UTC):        %s\n", spoor_time_iso(&r->end, t2)
		? t2 : "-");
	fprintf(f, "\n[case]\n");
	fprintf(f, "case number:      %s\n", m->case_number ?
		m->case_number : "");
	fprintf(f, "evidence number:  %s\n", m->evidence_number ?
		m->evidence_number : "");
	fprintf(f, "examiner:         %s\n", m->examiner ? m->examiner : "");
	fprintf(f, "description:      %s\n", m->description ?
		m->description : "");
	fprintf(f, "notes:            %s\n", m->notes ? m->notes : "");
	fprintf(f, "\n[source]\n");
	clean(a->source, buf, sizeof(buf));
	fprintf(f, "path:             %s\n", buf);
	fprintf(f, "type:             %s\n", d->is_blockdev ? "block device"
		: "file");
	fprintf(f, "size:             %llu bytes, %llu sectors\n",
		(unsigned long long)d->size,
		(unsigned long long)((d->size + a->sector - 1) / a->sector));
	fprintf(f, "sector size:      %u logical, %u physical\n",
		d->logical_sector, d->physical_sector);
	if (d->is_blockdev) {
		clean(d->model, buf, sizeof(buf));
		fprintf(f, "model:            %s\n", buf);
		clean(d->serial, buf, sizeof(buf));
		fprintf(f, "serial:           %s\n", buf);
		clean(d->firmware, buf, sizeof(buf));
		fprintf(f, "firmware:         %s\n", buf);
		fprintf(f, "removable:        %s\n", d->removable < 0 ?
			"unknown" : d->removable ? "yes" : "no");
		fprintf(f, "read-only:        %s\n", d->readonly < 0 ?
			"unknown" : d->readonly ? "yes" : "no");
		clean(d->mountpoint, buf, sizeof(buf));
		fprintf(f, "mounted:          %s%s%s\n", d->mounted ? "yes"
			: "no", d->mounted ? " on " : "",
			d->mounted ? buf : "");
	}
	fprintf(f, "\n[acquisition]\n");
	fprintf(f, "format:           %s\n", format_name(a->o.format));
	if (r->offset || r->length != d->size)
		fprintf(f, "source range:     offset %llu, length %llu "
			"bytes (sectors %llu to %llu; the sectors below are "
			"the source's)\n", (unsigned long long)r->offset,
			(unsigned long long)r->length,
			(unsigned long long)(r->offset / a->sector),
			(unsigned long long)((r->offset + r->length +
					      a->sector - 1) / a->sector - 1));
	for (size_t i = 0; r->segments && r->segments[i]; i++) {
		clean(r->segments[i], buf, sizeof(buf));
		fprintf(f, "image file:       %s\n", buf);
	}
	clean(a->map_path, buf, sizeof(buf));
	fprintf(f, "map:              %s\n", buf);
	if (r->resumed_from)
		fprintf(f, "resumed at byte:  %llu\n"
			"resume check:     the source's facts as in the map; "
			"%d of %d samples of\n                  the finished "
			"part re-read from the source equal the image\n",
			(unsigned long long)r->resumed_from, a->resume_same,
			a->resume_tried);
	fprintf(f, "bytes read:       %llu\n",
		(unsigned long long)r->bytes_read);
	fprintf(f, "bytes written:    %llu\n",
		(unsigned long long)r->bytes_written);
	fprintf(f, "seconds:          %.3f\n", r->seconds);
	fprintf(f, "throughput:       %.1f MB/s\n",
		(double)(r->bytes_read) / secs / 1e6);
	if (r->completed || r->interrupted)
		for (unsigned bit = 1; bit <= SPOOR_SHA512; bit <<= 1) {
			char hx[2 * SPOOR_HASH_MAXLEN + 1];

			if (!(r->digests.mask & bit))
				continue;
			hexd(&r->digests, bit, hx);
			fprintf(f, "%-6s %s%s\n", spoor_hash_name(bit), hx,
				r->completed ? "" : " (partial: interrupted)");
		}
	fprintf(f, "\n[unreadable sectors]\n");
	fprintf(f, "total:            %llu sectors in %zu ranges%s\n",
		(unsigned long long)r->bad_sectors, a->nbad,
		a->o.fill_len ? " (filled with the --fill pattern)"
		: " (filled with zeros)");
	for (size_t i = 0; i < a->nbad; i++)
		fprintf(f, "  sector %llu, count %llu: %s\n",
			(unsigned long long)a->bad[i].sector,
			(unsigned long long)a->bad[i].count,
			a->bad[i].sys_errno ? strerror(a->bad[i].sys_errno)
			: "unreadable (from the map of an earlier run)");
	fprintf(f, "\n[verification]\n");
	fprintf(f, "result:           %s\n", verify_name(r->verify));
	if (r->verify == SPOOR_VERIFY_MATCH ||
	    r->verify == SPOOR_VERIFY_MISMATCH) {
		for (unsigned bit = 1; bit <= SPOOR_SHA512; bit <<= 1) {
			char h1[2 * SPOOR_HASH_MAXLEN + 1];
			char h2[2 * SPOOR_HASH_MAXLEN + 1];

			if (!(r->verify_digests.mask & bit))
				continue;
			hexd(&r->digests, bit, h1);
			hexd(&r->verify_digests, bit, h2);
			fprintf(f, "%-6s acquired %s\n%-6s image    %s %s\n",
				spoor_hash_name(bit), h1, spoor_hash_name(bit),
				h2, strcmp(h1, h2) ? "MISMATCH" : "match");
		}
		fprintf(f, "seconds:          %.3f\n", r->verify_seconds);
	}
	if (r->npieces && r->completed) {
		fprintf(f, "\n[pieces of %llu bytes]\n",
			(unsigned long long)a->o.piece_size);
		for (uint64_t i = 0; i < r->npieces; i++) {
			struct spoor_digests pd;

			spoor_acquire_piece(a, i, &pd);
			fprintf(f, "%llu", (unsigned long long)i);
			for (unsigned bit = 1; bit <= SPOOR_SHA512;
			     bit <<= 1) {
				char hx[2 * SPOOR_HASH_MAXLEN + 1];

				if (!(pd.mask & bit))
					continue;
				hexd(&pd, bit, hx);
				fprintf(f, " %s:%s", spoor_hash_name(bit), hx);
			}
			fputc('\n', f);
		}
	}
	fprintf(f, "\nresult:           %s\n", verdict(r));
}

#define X(s) ((const xmlChar *)(s))

/* libxml2's output into our own fd: its file writer drops a failed
 * write at close (a 0-byte log on a full disk), this one records it. */
struct xml_out {
	int fd;
	int err;			/* errno of the first failure */
};

static int xml_write(void *ctx, const char *buf, int len)
{
	struct xml_out *o = ctx;
	int done = 0;

	while (!o->err && done < len) {
		ssize_t n = write(o->fd, buf + done, (size_t)(len - done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			o->err = n < 0 ? errno : EIO;
		else
			done += (int)n;
	}
	return len;	/* a failure is in o->err (libxml2 would print it) */
}

static int xml_body(struct spoor_acquire *a, xmlTextWriterPtr w);

/* The XML log into path: 0, or -1 with errno set. */
static int xml_log(struct spoor_acquire *a, const char *path)
{
	struct xml_out o = { -1, 0 };
	xmlOutputBufferPtr ob;
	xmlTextWriterPtr w;
	int bad;

	o.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
		    O_CLOEXEC, 0644);
	if (o.fd < 0)
		return -1;
	ob = xmlOutputBufferCreateIO(xml_write, NULL, &o, NULL);
	w = ob ? xmlNewTextWriter(ob) : NULL;
	if (!w) {
		if (ob)
			xmlOutputBufferClose(ob);
		close(o.fd);
		errno = ENOMEM;
		return -1;
	}
	bad = xml_body(a, w);
	xmlFreeTextWriter(w);		/* flushes through xml_write */
	if (!bad && !o.err && fsync(o.fd) < 0)
		o.err = errno;
	if (close(o.fd) < 0 && !o.err)
		o.err = errno;
	if (bad || o.err) {
		errno = o.err ? o.err : EIO;
		return -1;
	}
	return 0;
}

static int xml_body(struct spoor_acquire *a, xmlTextWriterPtr w)
{
	const struct spoor_acquire_result *r = &a->r;
	const struct spoor_devinfo *d = &r->source;
	const struct spoor_case_meta *m = &a->o.meta;
	char buf[1024], t[SPOOR_TIME_STR_MAX];
	int bad = 0;

	xmlTextWriterSetIndent(w, 1);
#define C(call) do { if ((call) < 0) bad = 1; } while (0)
#define EL(n, v) do { clean((v), buf, sizeof(buf)); \
		C(xmlTextWriterWriteElement(w, X(n), X(buf))); } while (0)
#define ELF(n, ...) C(xmlTextWriterWriteFormatElement(w, X(n), __VA_ARGS__))
	C(xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL));
	C(xmlTextWriterStartElement(w, X("dfxml")));
	C(xmlTextWriterWriteAttribute(w, X("version"), X("1.0")));
	C(xmlTextWriterStartElement(w, X("creator")));
	EL("program", a->o.program ? a->o.program : "spoor-acquire");
	EL("version", a->o.version ? a->o.version : "");
	C(xmlTextWriterStartElement(w, X("execution_environment")));
	EL("command_line", a->o.command_line ? a->o.command_line : "");
	EL("start_time", spoor_time_iso(&r->start, t) ? t : "");
	EL("end_time", spoor_time_iso(&r->end, t) ? t : "");
	C(xmlTextWriterEndElement(w));
	C(xmlTextWriterEndElement(w));
	C(xmlTextWriterStartElement(w, X("case")));
	EL("case_number", m->case_number ? m->case_number : "");
	EL("evidence_number", m->evidence_number ? m->evidence_number : "");
	EL("examiner", m->examiner ? m->examiner : "");
	EL("description", m->description ? m->description : "");
	EL("notes", m->notes ? m->notes : "");
	C(xmlTextWriterEndElement(w));
	C(xmlTextWriterStartElement(w, X("source")));
	EL("image_filename", a->source);
	EL("type", d->is_blockdev ? "block device" : "file");
	ELF("size", "%llu", (unsigned long long)d->size);
	ELF("sectorsize", "%u", d->logical_sector);
	ELF("physical_sectorsize", "%u", d->physical_sector);
	if (d->is_blockdev) {
		EL("device_model", d->model);
		EL("device_sn", d->serial);
		EL("device_firmware", d->firmware);
		EL("removable", d->removable < 0 ? "unknown" :
		   d->removable ? "yes" : "no");
		EL("read_only", d->readonly < 0 ? "unknown" :
		   d->readonly ? "yes" : "no");
		EL("mounted", d->mounted ? "yes" : "no");
	}
	C(xmlTextWriterEndElement(w));
	C(xmlTextWriterStartElement(w, X("acquisition")));
	EL("result", verdict(r));
	if (r->error[0] && r->code != SPOOR_EIO)
		EL("error", r->error);
	EL("format", format_name(a->o.format));
	ELF("source_offset", "%llu", (unsigned long long)r->offset);
	ELF("source_length", "%llu", (unsigned long long)r->length);
	for (size_t i = 0; r->segments && r->segments[i]; i++)
		EL("image_file", r->segments[i]);
	EL("map", a->map_path);
	ELF("resumed_from", "%llu", (unsigned long long)r->resumed_from);
	if (r->resumed_from) {
		C(xmlTextWriterStartElement(w, X("resume_check")));
		C(xmlTextWriterWriteAttribute(w, X("source_facts"),
					      X("equal")));
		C(xmlTextWriterWriteFormatAttribute(w, X("samples"), "%d",
						    a->resume_tried));
		C(xmlTextWriterWriteFormatAttribute(w, X("equal"), "%d",
						    a->resume_same));
		C(xmlTextWriterEndElement(w));
	}
	ELF("bytes_read", "%llu", (unsigned long long)r->bytes_read);
	ELF("bytes_written", "%llu", (unsigned long long)r->bytes_written);
	ELF("seconds", "%.3f", r->seconds);
	ELF("throughput_mbps", "%.1f", r->seconds > 0 ?
	    (double)r->bytes_read / r->seconds / 1e6 : 0.0);
	ELF("interrupted", "%s", r->interrupted ? "true" : "false");
	if (r->completed)
		for (unsigned bit = 1; bit <= SPOOR_SHA512; bit <<= 1) {
			char hx[2 * SPOOR_HASH_MAXLEN + 1];

			if (!(r->digests.mask & bit))
				continue;
			hexd(&r->digests, bit, hx);
			C(xmlTextWriterStartElement(w, X("hashdigest")));
			C(xmlTextWriterWriteAttribute(w, X("type"),
						      X(spoor_hash_name(bit))));
			C(xmlTextWriterWriteString(w, X(hx)));
			C(xmlTextWriterEndElement(w));
		}
	C(xmlTextWriterStartElement(w, X("bad_sectors")));
	C(xmlTextWriterWriteFormatAttribute(w, X("count"), "%llu",
		(unsigned long long)r->bad_sectors));
	C(xmlTextWriterWriteFormatAttribute(w, X("sector_size"), "%u",
					    a->sector));
	for (size_t i = 0; i < a->nbad; i++) {
		C(xmlTextWriterStartElement(w, X("run")));
		C(xmlTextWriterWriteFormatAttribute(w, X("sector"), "%llu",
			(unsigned long long)a->bad[i].sector));
		C(xmlTextWriterWriteFormatAttribute(w, X("count"), "%llu",
			(unsigned long long)a->bad[i].count));
		C(xmlTextWriterWriteFormatAttribute(w, X("errno"), "%d",
			a->bad[i].sys_errno));
		C(xmlTextWriterWriteAttribute(w, X("error"),
			X(a->bad[i].sys_errno ? strerror(a->bad[i].sys_errno)
			  : "from map")));
		C(xmlTextWriterEndElement(w));
	}
	C(xmlTextWriterEndElement(w));
	C(xmlTextWriterStartElement(w, X("verify")));
	C(xmlTextWriterWriteAttribute(w, X("result"),
				      X(verify_name(r->verify))));
	if (r->verify == SPOOR_VERIFY_MATCH ||
	    r->verify == SPOOR_VERIFY_MISMATCH)
		for (unsigned bit = 1; bit <= SPOOR_SHA512; bit <<= 1) {
			char hx[2 * SPOOR_HASH_MAXLEN + 1];

			if (!(r->verify_digests.mask & bit))
				continue;
			hexd(&r->verify_digests, bit, hx);
			C(xmlTextWriterStartElement(w, X("hashdigest")));
			C(xmlTextWriterWriteAttribute(w, X("type"),
						      X(spoor_hash_name(bit))));
			C(xmlTextWriterWriteString(w, X(hx)));
			C(xmlTextWriterEndElement(w));
		}
	C(xmlTextWriterEndElement(w));
	if (r->npieces && r->completed) {
		C(xmlTextWriterStartElement(w, X("pieces")));
		C(xmlTextWriterWriteFormatAttribute(w, X("size"), "%llu",
			(unsigned long long)a->o.piece_size));
		for (uint64_t i = 0; i < r->npieces; i++) {
			struct spoor_digests pd;

			spoor_acquire_piece(a, i, &pd);
			C(xmlTextWriterStartElement(w, X("piece")));
			C(xmlTextWriterWriteFormatAttribute(w, X("offset"),
				"%llu", (unsigned long long)
				(i * a->o.piece_size)));
			for (unsigned bit = 1; bit <= SPOOR_SHA512;
			     bit <<= 1) {
				char hx[2 * SPOOR_HASH_MAXLEN + 1];

				if (!(pd.mask & bit))
					continue;
				hexd(&pd, bit, hx);
				C(xmlTextWriterWriteAttribute(w,
					X(spoor_hash_name(bit)), X(hx)));
			}
			C(xmlTextWriterEndElement(w));
		}
		C(xmlTextWriterEndElement(w));
	}
	C(xmlTextWriterEndElement(w));
	C(xmlTextWriterEndElement(w));
	C(xmlTextWriterEndDocument(w));
#undef C
#undef EL
#undef ELF
	return bad ? -1 : 0;
}

int spoor_acquire_write_logs(struct spoor_acquire *a, struct spoor_err *err)
{
	char *tmp = xstrcat2(a->log_path, ".tmp");
	char *xtmp = xstrcat2(a->xml_path, ".tmp");
	FILE *f;
	int rc = 0;
	bool ok;

	if (!tmp || !xtmp) {
		free(tmp);
		free(xtmp);
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	}
	f = fopen(tmp, "we");
	if (!f) {
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot create '%s'", tmp);
		goto out;
	}
	text_log(a, f);
	ok = !fflush(f) && !ferror(f);
	ok = !fclose(f) && ok && sync_tmp(tmp);
	if (!ok) {
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno ? errno : EIO,
				   "cannot write the log '%s'", tmp);
		goto out;
	}
	/* both logs or neither: one must never stand without the other */
	errno = 0;
	if (xml_log(a, xtmp)) {
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno ? errno : EIO,
				   "cannot write the log '%s'", xtmp);
		goto out;
	}
	if (spoor_rename(tmp, a->log_path) ||
	    spoor_rename(xtmp, a->xml_path)) {
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot rename the logs into place");
		unlink(a->log_path);
	}
out:
	unlink(tmp);
	unlink(xtmp);
	free(tmp);
	free(xtmp);
	return rc;
}
