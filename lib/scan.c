/*
 * scan.c: one read of every file feeds every digest and libmagic.
 *
 * The caller's thread walks the evidence and reads each file's content in
 * chunks from a bounded pool, and gives the chunks to "lanes" (threads):
 * - a small file goes whole to one lane, the one with the least work
 *   queued, which computes every digest and its type: many small files
 *   keep every core busy;
 * - a large file goes to every lane, each computing its share of the
 *   digests (shared out so that the lanes cost about the same per byte),
 *   so that one large file also keeps every core busy.
 * The caller's thread hands finished files to on_file in exactly the
 * order of the walk (a FIFO of jobs), whatever the number of threads.
 *
 * With threads == 1 there are no threads: the single lane runs inline.
 * Memory is bounded by POOL_CHUNKS * CHUNK_SIZE plus MAX_INFLIGHT jobs.
 */
#include "walk.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "banned.h"

#define CHUNK_SIZE (256 * 1024)
#define POOL_CHUNKS 64
#define MAX_LANES 4
#define QUEUE_LEN 512
#define MAX_INFLIGHT 4096
/* From this size on a file's digests are shared out over the lanes. */
#define SPLIT_SIZE ((uint64_t)16 << 20)
/* A lane's picture buffer larger than this is freed after its file. */
#define PIC_KEEP_CAP ((size_t)32 << 20)

struct chunk {
	atomic_int refs;
	size_t len;
	struct chunk *next;
	unsigned char data[CHUNK_SIZE];
};

struct job {
	struct spoor_file f;
	char *strings;		/* path, link target, error: one block */
	struct spoor_run *runs;
	char *error;		/* set by the reader */
	atomic_int pending;	/* lanes that have not finished it */
	struct spoor_digests lane_d[MAX_LANES];
	struct spoor_type type;	/* mime and magic set by (maybe) two lanes */
	bool mime_ok, desc_ok;
	uint64_t idx;		/* job number: shares libmagic out */
	/* PDQ, computed by the lane that computes the MIME type */
	bool has_pdq;
	struct spoor_pdq pdq;
	unsigned char pdq_dih[SPOOR_PDQ_NDIHEDRAL][SPOOR_PDQ_BYTES];
	char *pdq_error;
	int pdq_code;
	int lane;		/* the lane of a whole job, -1: split */
	bool content;		/* its content went through the lanes */
	struct job *next;
};

struct msg {
	struct job *job;
	struct chunk *chunk;	/* NULL: the job's end marker */
};

struct lane {
	struct spoor_scan *s;
	int idx;
	unsigned mask;		/* its share of a split job */
	bool do_mime, do_desc;	/* libmagic's halves for the current job */
	struct spoor_hash *hash;	/* the share */
	struct spoor_hash *full;	/* every algorithm, for whole jobs */
	struct spoor_hash *cur_hash;
	atomic_uint_fast64_t queued;	/* bytes pushed, not yet hashed */
	struct spoor_magic *mg;
	unsigned char *head;
	size_t head_len;
	/* the whole content of a picture of a decoded format (for PDQ) */
	bool pic_keep;
	unsigned char *pic;
	size_t pic_len, pic_cap;
	struct job *cur;
	struct spoor_err err;	/* first internal error, reported once */
	pthread_t thread;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t nonempty, nonfull;
	struct msg q[QUEUE_LEN];
	size_t qhead, qn;
	bool quit;
};

struct spoor_scan {
	struct spoor_ctx *ctx;
	struct spoor_scan_opts o;
	int nlanes;
	bool threaded;
	struct lane lanes[MAX_LANES];

	pthread_mutex_t pool_mu;
	pthread_cond_t pool_cv;
	struct chunk *free_chunks;
	int nchunks;

	pthread_mutex_t done_mu;
	pthread_cond_t done_cv;
	struct job *out_head, *out_tail;
	size_t out_n;

	struct spoor_scan_stats stats;
	atomic_bool interrupted;
	int stop_rc;		/* set when on_file asked to stop */
	uint64_t seq;
	uint64_t njobs;

	struct spoor_progress prog;
	struct timespec last_prog;
};

/* Relative cost per byte of each algorithm (OpenSSL, x86-64 with SHA
 * extensions); used only to balance the lanes. */
static const struct {
	unsigned alg;
	int weight;
} alg_cost[] = {
	{ SPOOR_SHA512, 14 }, { SPOOR_MD5, 12 }, { SPOOR_SHA256, 5 },
	{ SPOOR_SHA1, 5 },
};

/* ---- chunk pool ---- */

static struct chunk *chunk_get(struct spoor_scan *s)
{
	struct chunk *c = NULL;

	pthread_mutex_lock(&s->pool_mu);
	while (!s->free_chunks && s->nchunks >= POOL_CHUNKS)
		pthread_cond_wait(&s->pool_cv, &s->pool_mu);
	if (s->free_chunks) {
		c = s->free_chunks;
		s->free_chunks = c->next;
	} else {
		c = malloc(sizeof(*c));
		if (c)
			s->nchunks++;
	}
	pthread_mutex_unlock(&s->pool_mu);
	return c;
}

static void chunk_put(struct spoor_scan *s, struct chunk *c)
{
	pthread_mutex_lock(&s->pool_mu);
	c->next = s->free_chunks;
	s->free_chunks = c;
	pthread_cond_signal(&s->pool_cv);
	pthread_mutex_unlock(&s->pool_mu);
}

static void chunk_release(struct spoor_scan *s, struct chunk *c)
{
	if (atomic_fetch_sub(&c->refs, 1) == 1)
		chunk_put(s, c);
}

/* ---- lanes ---- */

static void lane_begin(struct lane *l, struct job *job)
{
	int n = l->s->nlanes;

	l->cur = job;
	l->head_len = 0;
	l->pic_len = 0;
	l->pic_keep = false;
	if (job->lane >= 0) {
		l->do_mime = l->do_desc = l->mg != NULL;
		l->cur_hash = l->full;
	} else {
		/* libmagic costs per file, not per byte: the MIME type and
		 * the description go to two lanes, in turn */
		l->do_mime = l->mg && (int)(job->idx % n) == l->idx;
		l->do_desc = l->mg && (int)((job->idx + 1) % n) == l->idx;
		l->cur_hash = l->hash;
	}
	if (l->cur_hash)
		spoor_hash_reset(l->cur_hash, &l->err);
}

/* Keep the content of a picture of a format spoor decodes, decided at
 * its first chunk; a larger file than SPOOR_PDQ_MAX_FILE is not kept. */
static void pic_add(struct lane *l, const struct chunk *c)
{
	struct job *job = l->cur;

	if (l->pic_len == 0 && !l->pic_keep) {
		if (job->f.size > SPOOR_PDQ_MAX_FILE ||
		    !spoor_pdq_sniff(c->data, c->len))
			return;
		if (l->pic_cap < job->f.size) {
			unsigned char *p = realloc(l->pic, job->f.size);

			if (!p)
				return;
			l->pic = p;
			l->pic_cap = job->f.size;
		}
		l->pic_keep = true;
	}
	if (!l->pic_keep || c->len > l->pic_cap - l->pic_len)
		return;
	memcpy(l->pic + l->pic_len, c->data, c->len);
	l->pic_len += c->len;
}

static void pdq_fail(struct job *job, int code, const char *msg)
{
	free(job->pdq_error);
	job->pdq_error = strdup(msg);
	job->pdq_code = code;
	if (!job->pdq_error) {
		job->pdq_error = NULL;
		job->pdq_code = SPOOR_ENOMEM;
	}
}

/* The PDQ of a file libmagic calls a picture. */
static void lane_pdq(struct lane *l, struct job *job)
{
	struct spoor_err err;
	const char *fmt;

	if (spoor_category_of(job->type.mime, NULL, job->f.name) !=
	    SPOOR_CAT_IMAGE)
		return;
	fmt = spoor_pdq_sniff(l->head, l->head_len);
	if (!fmt) {
		pdq_fail(job, SPOOR_EUNSUPPORTED, "picture type not decoded "
			 "for PDQ");
		return;
	}
	if (!l->pic_keep || l->pic_len != job->f.size) {
		pdq_fail(job, SPOOR_ELIMIT, job->f.size > SPOOR_PDQ_MAX_FILE ?
			 "picture file too large to decode for PDQ" :
			 "picture content not kept (out of memory)");
		return;
	}
	spoor_err_clear(&err);
	if (spoor_pdq_picture(l->pic, l->pic_len, NULL, &job->pdq,
			      job->pdq_dih, NULL, &err)) {
		pdq_fail(job, err.code ? err.code : SPOOR_EFORMAT,
			 err.msg[0] ? err.msg : "picture does not decode");
		return;
	}
	job->has_pdq = true;
}

static void lane_finish(struct lane *l, struct job *job)
{
	struct spoor_scan *s = l->s;

	if (l->cur_hash && !job->f.error &&
	    spoor_hash_final(l->cur_hash, &job->lane_d[l->idx], &l->err))
		job->lane_d[l->idx].mask = 0;
	if (job->f.size == 0 || l->head_len) {
		size_t len = job->f.size ? l->head_len : 0;

		if (l->do_mime && l->do_desc) {
			/* one lane has the whole file: one call if it can */
			job->mime_ok = job->desc_ok =
				!spoor_magic_classify(l->mg, l->head, len,
						      &job->type, NULL,
						      &l->err);
		} else if (l->do_mime) {
			job->mime_ok = !spoor_magic_mime(l->mg, l->head, len,
							 job->type.mime,
							 &l->err);
		} else if (l->do_desc) {
			job->desc_ok = !spoor_magic_describe(l->mg, l->head,
							     len,
							     job->type.magic,
							     &l->err);
		}
	}
	if (l->s->o.pdq && l->do_mime && job->mime_ok && !job->f.error)
		lane_pdq(l, job);
	if (l->pic_cap > PIC_KEEP_CAP) {
		free(l->pic);
		l->pic = NULL;
		l->pic_cap = 0;
	}
	l->cur = NULL;
	if (atomic_fetch_sub(&job->pending, 1) == 1 && s->threaded) {
		pthread_mutex_lock(&s->done_mu);
		pthread_cond_broadcast(&s->done_cv);
		pthread_mutex_unlock(&s->done_mu);
	}
}

static void lane_handle(struct lane *l, const struct msg *m)
{
	struct chunk *c = m->chunk;

	if (l->cur != m->job)
		lane_begin(l, m->job);
	if (!c) {
		lane_finish(l, m->job);
		return;
	}
	if (l->cur_hash)
		spoor_hash_update(l->cur_hash, c->data, c->len, &l->err);
	atomic_fetch_sub(&l->queued, c->len);
	if (l->s->o.pdq && l->do_mime)
		pic_add(l, c);
	if ((l->do_mime || l->do_desc) && l->head_len < SPOOR_MAGIC_HEAD) {
		size_t n = MIN(c->len, SPOOR_MAGIC_HEAD - l->head_len);
		memcpy(l->head + l->head_len, c->data, n);
		l->head_len += n;
	}
	chunk_release(l->s, c);
}

static void *lane_main(void *arg)
{
	struct lane *l = arg;

	for (;;) {
		struct msg batch[32];
		size_t n = 0;

		pthread_mutex_lock(&l->mu);
		while (!l->qn && !l->quit)
			pthread_cond_wait(&l->nonempty, &l->mu);
		if (!l->qn && l->quit) {
			pthread_mutex_unlock(&l->mu);
			break;
		}
		while (l->qn && n < ARRAY_SIZE(batch)) {
			batch[n++] = l->q[l->qhead];
			l->qhead = (l->qhead + 1) % QUEUE_LEN;
			l->qn--;
		}
		pthread_cond_signal(&l->nonfull);
		pthread_mutex_unlock(&l->mu);
		for (size_t i = 0; i < n; i++)
			lane_handle(l, &batch[i]);
	}
	return NULL;
}

static void lane_push(struct spoor_scan *s, struct lane *l, struct job *job,
		      struct chunk *c)
{
	struct msg m = { job, c };

	if (!s->threaded) {
		lane_handle(l, &m);
		return;
	}
	pthread_mutex_lock(&l->mu);
	while (l->qn == QUEUE_LEN)
		pthread_cond_wait(&l->nonfull, &l->mu);
	l->q[(l->qhead + l->qn) % QUEUE_LEN] = m;
	l->qn++;
	pthread_cond_signal(&l->nonempty);
	pthread_mutex_unlock(&l->mu);
}

/* Share the algorithms out over n lanes (for split jobs), costliest
 * first, each to the lane with the least cost so far.  Every lane also
 * does whole jobs and libmagic (see lane_begin). */
static int plan_lanes(struct spoor_scan *s, int want)
{
	int cost[MAX_LANES] = { 0 };
	int n = MAX(1, MIN(want, MAX_LANES)), best;

	for (size_t i = 0; i < ARRAY_SIZE(alg_cost); i++) {
		if (!(s->o.hash_mask & alg_cost[i].alg))
			continue;
		best = 0;
		for (int k = 1; k < n; k++)
			if (cost[k] < cost[best])
				best = k;
		s->lanes[best].mask |= alg_cost[i].alg;
		cost[best] += alg_cost[i].weight;
	}
	return n;
}

static int lanes_start(struct spoor_scan *s, struct spoor_err *err)
{
	for (int i = 0; i < s->nlanes; i++) {
		struct lane *l = &s->lanes[i];
		int rc;

		l->s = s;
		l->idx = i;
		pthread_mutex_init(&l->mu, NULL);
		pthread_cond_init(&l->nonempty, NULL);
		pthread_cond_init(&l->nonfull, NULL);
		spoor_err_clear(&l->err);
		if (l->mask && !(l->hash = spoor_hash_new(l->mask, &l->err)))
			goto fail;
		if (s->o.hash_mask &&
		    !(l->full = spoor_hash_new(s->o.hash_mask, &l->err)))
			goto fail;
		if (s->o.magic && !(l->mg = spoor_magic_new(&l->err)))
			goto fail;
		if (s->o.magic && !(l->head = malloc(SPOOR_MAGIC_HEAD))) {
			spoor_err_set(&l->err, SPOOR_ENOMEM, 0,
				      "out of memory");
			goto fail;
		}
		if (!s->threaded)
			continue;
		rc = pthread_create(&l->thread, NULL, lane_main, l);
		if (rc) {
			spoor_err_set(&l->err, SPOOR_ENOMEM, rc,
				      "cannot start a thread");
			goto fail;
		}
		l->started = true;
		continue;
fail:
		if (err)
			*err = l->err;
		return l->err.code;
	}
	return SPOOR_OK;
}

/* ---- jobs ---- */

static void job_free(struct job *job)
{
	if (!job)
		return;
	free(job->strings);
	free(job->runs);
	free(job->error);
	free(job->pdq_error);
	free(job);
}

/* Copy what the walker lent us: its strings die with the callback. */
static struct job *job_new(const struct walk_entry *e)
{
	const struct spoor_file *f = &e->f;
	size_t lt = f->link_target ? strlen(f->link_target) + 1 : 0;
	size_t le = f->error ? strlen(f->error) + 1 : 0;
	size_t lx = strlen(f->exhibit) + 1;
	size_t lf = f->fstype ? strlen(f->fstype) + 1 : 0;
	struct job *job = calloc(1, sizeof(*job));
	char *p;

	if (!job)
		return NULL;
	job->f = *f;
	job->strings = malloc(f->path_len + 1 + lt + le + lx + lf);
	if (!job->strings) {
		free(job);
		return NULL;
	}
	p = job->strings;
	memcpy(p, f->path, f->path_len);
	p[f->path_len] = '\0';
	job->f.path = p;
	job->f.name = p + (f->name - f->path);
	job->f.stream = f->stream ? p + (f->stream - f->path) : NULL;
	p += f->path_len + 1;
	job->f.exhibit = memcpy(p, f->exhibit, lx);
	p += lx;
	job->f.fstype = lf ? memcpy(p, f->fstype, lf) : NULL;
	p += lf;
	job->f.link_target = lt ? memcpy(p, f->link_target, lt) : NULL;
	p += lt;
	job->f.error = le ? memcpy(p, f->error, le) : NULL;
	job->f.runs = NULL;
	job->f.nruns = 0;
	if (f->nruns) {
		job->runs = malloc(f->nruns * sizeof(*job->runs));
		if (job->runs) {
			memcpy(job->runs, f->runs,
			       f->nruns * sizeof(*job->runs));
			job->f.runs = job->runs;
			job->f.nruns = f->nruns;
		}
	}
	return job;
}

/* Record a content error (the reader's; before the end marker). */
static void job_set_error(struct job *job, const char *msg)
{
	free(job->error);
	job->error = strdup(msg && *msg ? msg : "read error");
	job->f.error = job->error ? job->error : "read error";
}

/* ---- output in walk order ---- */

static void digests_merge(struct spoor_digests *dst,
			  const struct spoor_digests *src)
{
	for (unsigned alg = 1; alg & SPOOR_HASH_ALL; alg <<= 1) {
		const unsigned char *p = spoor_digest_get(src, alg);

		if (!p)
			continue;
		dst->mask |= alg;
		memcpy((unsigned char *)spoor_digest_get(dst, alg), p,
		       spoor_hash_len(alg));
	}
}

static void count(struct spoor_scan *s, const struct spoor_file *f)
{
	struct spoor_scan_stats *st = &s->stats;

	st->files++;
	if (!f->allocated)
		st->deleted++;
	if (f->error)
		st->unreadable++;
	if (f->recovery == SPOOR_REC_HEURISTIC)
		st->heuristic++;
	if (f->recovery == SPOOR_REC_REALLOC ||
	    f->recovery == SPOOR_REC_NO_META)
		st->no_content++;
	if (f->typed)
		st->by_category[f->ftype.category]++;
	if (f->has_pdq)
		st->pdq++;
	else if (f->pdq_error && f->pdq_code == SPOOR_EUNSUPPORTED)
		st->pdq_unsupported++;
	else if (f->pdq_error)
		st->pdq_failed++;
}

static void emit_job(struct spoor_scan *s, struct job *job)
{
	struct spoor_file *f = &job->f;

	f->seq = s->seq++;
	f->hashed = job->content && !f->error && s->o.hash_mask;
	if (f->hashed) {
		memset(&f->digests, 0, sizeof(f->digests));
		for (int i = 0; i < s->nlanes; i++)
			digests_merge(&f->digests, &job->lane_d[i]);
		f->hashed = f->digests.mask == s->o.hash_mask;
	}
	f->typed = job->mime_ok && job->desc_ok;
	if (f->typed) {
		f->ftype = job->type;
		spoor_type_derive(&f->ftype, f->name);
	}
	f->has_pdq = job->has_pdq;
	if (f->has_pdq) {
		f->pdq = job->pdq;
		memcpy(f->pdq_dihedral, job->pdq_dih, sizeof(job->pdq_dih));
	}
	f->pdq_error = job->pdq_code ? (job->pdq_error ? job->pdq_error
					: "out of memory") : NULL;
	f->pdq_code = job->pdq_code;
	count(s, f);
	if (!s->stop_rc && s->o.on_file(s->o.userdata, f))
		s->stop_rc = SPOOR_ESTOPPED;
}

static bool job_done(struct job *job)
{
	return atomic_load(&job->pending) == 0;
}

/* Hand finished jobs to on_file in order; wait for unfinished ones until
 * no more than `keep` are left in flight (keep == 0: all). */
static void drain(struct spoor_scan *s, size_t keep)
{
	while (s->out_head) {
		struct job *job = s->out_head;

		if (!job_done(job)) {
			if (s->out_n <= keep)
				return;
			pthread_mutex_lock(&s->done_mu);
			while (!job_done(job))
				pthread_cond_wait(&s->done_cv, &s->done_mu);
			pthread_mutex_unlock(&s->done_mu);
		}
		s->out_head = job->next;
		if (!s->out_head)
			s->out_tail = NULL;
		s->out_n--;
		emit_job(s, job);
		job_free(job);
	}
}

static void enqueue(struct spoor_scan *s, struct job *job)
{
	if (s->out_tail)
		s->out_tail->next = job;
	else
		s->out_head = job;
	s->out_tail = job;
	s->out_n++;
	drain(s, MAX_INFLIGHT);
}

/* ---- progress ---- */

static void progress(struct spoor_scan *s, bool force)
{
	struct timespec now;
	long ms;

	if (!s->o.on_progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - s->last_prog.tv_sec) * 1000 +
	     (now.tv_nsec - s->last_prog.tv_nsec) / 1000000;
	if (!force && ms < 100)
		return;
	s->last_prog = now;
	s->prog.files = s->stats.files + s->out_n;
	s->prog.bytes = s->stats.bytes;
	s->o.on_progress(s->o.userdata, &s->prog);
}

/* ---- reading: the walker's callback ---- */

static bool wants_content(const struct spoor_scan *s)
{
	return s->o.hash_mask || s->o.magic;
}

/* Give a chunk (NULL: the end marker) to the lanes of the job. */
static void job_push(struct spoor_scan *s, struct job *job, struct chunk *c)
{
	if (job->lane >= 0) {
		struct lane *l = &s->lanes[job->lane];

		if (c) {
			atomic_store(&c->refs, 1);
			atomic_fetch_add(&l->queued, c->len);
		}
		lane_push(s, l, job, c);
		return;
	}
	if (c)
		atomic_store(&c->refs, s->nlanes);
	for (int i = 0; i < s->nlanes; i++) {
		if (c)
			atomic_fetch_add(&s->lanes[i].queued, c->len);
		lane_push(s, &s->lanes[i], job, c);
	}
}

/* Small files go whole to the lane with the least work queued; large
 * ones are shared out.  Only the order of completion depends on this,
 * never the output. */
static void job_place(struct spoor_scan *s, struct job *job)
{
	uint64_t least = UINT64_MAX;

	job->lane = -1;
	if (s->nlanes == 1 || job->f.size >= SPLIT_SIZE)
		return;
	for (int i = 0; i < s->nlanes; i++) {
		uint64_t q = atomic_load(&s->lanes[i].queued);

		if (q < least) {
			least = q;
			job->lane = i;
		}
	}
}

static void read_content(struct spoor_scan *s, struct walk_entry *e,
			 struct job *job)
{
	/* with libmagic alone, the head is all that is needed */
	uint64_t want = s->o.hash_mask || s->o.pdq ? e->f.size
				       : MIN(e->f.size, SPOOR_MAGIC_HEAD);
	uint64_t off = 0;

	while (off < want) {
		struct spoor_err err;
		struct chunk *c;
		ssize_t n;

		if (atomic_load(&s->interrupted)) {
			job_set_error(job, "interrupted");
			break;
		}
		c = chunk_get(s);
		if (!c) {
			job_set_error(job, "out of memory");
			break;
		}
		spoor_err_clear(&err);
		n = e->read(e->rctx, off, c->data,
			    (size_t)MIN(want - off, CHUNK_SIZE), &err);
		if (n <= 0) {
			chunk_put(s, c);
			if (n < 0)
				job_set_error(job, err.msg);
			else if (s->o.hash_mask)
				job_set_error(job, "content shorter than "
						   "its size");
			break;
		}
		c->len = (size_t)n;
		job_push(s, job, c);
		off += (uint64_t)n;
		s->stats.bytes += (uint64_t)n;
		progress(s, false);
	}
}

static int on_entry(void *ud, struct walk_entry *e)
{
	struct spoor_scan *s = ud;
	struct job *job;

	if (s->stop_rc)
		return s->stop_rc;
	job = job_new(e);
	if (!job)
		return SPOOR_ENOMEM;
	job->idx = s->njobs++;
	if (e->has_content && wants_content(s) &&
	    (!s->o.select || s->o.select(s->o.userdata, &e->f))) {
		job->content = true;
		job_place(s, job);
		atomic_store(&job->pending, job->lane >= 0 ? 1 : s->nlanes);
		read_content(s, e, job);
		job_push(s, job, NULL);
	}
	enqueue(s, job);
	progress(s, false);
	return s->stop_rc;
}

/* Pre-pass for the ETA: count what the real pass will read. */
static int on_count(void *ud, struct walk_entry *e)
{
	struct spoor_scan *s = ud;

	if (atomic_load(&s->interrupted))
		return SPOOR_ESTOPPED;
	s->prog.total_files++;
	if (e->has_content)
		s->prog.total_bytes += e->f.size;
	return SPOOR_OK;
}

/* ---- evidence ---- */

static const char *base_name(const char *path)
{
	size_t n = strlen(path);
	const char *p;

	while (n > 1 && path[n - 1] == '/')
		n--;
	for (p = path + n; p > path && p[-1] != '/'; p--)
		;
	return p;
}

/*
 * An image in which libtsk found nothing: a JPEG or a PDF given as
 * evidence is one file.  Anything else is an error, not a file: unknown
 * data is what random bytes, encrypted containers and wiped or damaged
 * disk images look like, and libmagic's weaker guesses at such data
 * ("zlib compressed data", "Targa image") must not turn a failed walk
 * into a quiet single record.  So only a type of the MIME table counts.
 */
static bool is_plain_file(const char *path, struct spoor_type *t)
{
	struct spoor_magic *m = spoor_magic_new(NULL);
	unsigned char head[SPOOR_MAGIC_HEAD];
	bool plain = false;
	ssize_t n;
	int fd;

	if (!m)
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, head, sizeof(head));
		if (n > 0 && !spoor_magic_identify(m, head, (size_t)n,
						   (uint64_t)n, path, t, NULL))
			plain = t->category != SPOOR_CAT_OTHER &&
				t->category != SPOOR_CAT_EMPTY;
		close(fd);
	}
	spoor_magic_free(m);
	return plain;
}

typedef int walker_fn(struct walk *w, const char *path,
		      struct spoor_err *err);

int spoor_scan_evidence(struct spoor_scan *s, const char *path,
			const struct spoor_source_opts *src,
			struct spoor_err *err)
{
	struct spoor_scan_stats pre = { 0 };
	struct spoor_type ptype;
	struct walk w;
	walker_fn *walker;
	struct stat st;
	int rc;

	if (stat(path, &st))
		return spoor_err_set(err, SPOOR_EIO, errno, "cannot open '%s'",
				     path);
	/* a FIFO or socket is refused, not opened: an open would wait
	 * for a writer, and its bytes could not be read twice */
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode) &&
	    !S_ISBLK(st.st_mode))
		return spoor_err_set(err, SPOOR_EUNSUPPORTED, 0, "'%s' is not "
				     "a file, directory or block device (%s)",
				     path, S_ISFIFO(st.st_mode) ? "a FIFO"
				     : S_ISSOCK(st.st_mode) ? "a socket"
				     : S_ISCHR(st.st_mode) ? "a character "
				     "device" : "of another type");
	memset(&w, 0, sizeof(w));
	w.ctx = s->ctx;
	w.opts = src;
	w.fs_tz_name = src->fs_tz ? spoor_tz_spec(src->fs_tz) : "UTC";
	w.exhibit = src->exhibit ? src->exhibit : base_name(path);
	w.interrupted = &s->interrupted;
	if (S_ISDIR(st.st_mode))
		walker = walk_dir;
	else if (src->img_type && !strcmp(src->img_type, "file"))
		walker = walk_single;
	else
		walker = walk_image;
	s->prog.evidence = path;
	/* totals are cumulative over the evidence of this scan */
	s->prog.total_files = s->stats.files;
	s->prog.total_bytes = s->stats.bytes;
	if (s->o.estimate) {
		w.cb = on_count;
		w.ud = s;
		w.stats = &pre;
		w.count_only = true;
		walker(&w, path, NULL);
		w.count_only = false;
	}
	w.cb = on_entry;
	w.ud = s;
	w.stats = &s->stats;
	rc = walker(&w, path, err);
	drain(s, 0);
	if (rc == SPOOR_EFORMAT && walker == walk_image && S_ISREG(st.st_mode)
	    && !src->img_type && !src->fs_type && src->offset_sectors < 0 &&
	    src->partition < 0 && !s->stats.volumes &&
	    is_plain_file(path, &ptype)) {
		spoor_log(s->ctx, SPOOR_LOG_WARN, "'%s': no volume or file "
			  "system, but a file (%s): reported as one file",
			  path, ptype.mime);
		spoor_err_clear(err);
		rc = walk_single(&w, path, err);
		drain(s, 0);
	}
	progress(s, true);
	if (!rc && s->stop_rc)
		rc = spoor_err_set(err, s->stop_rc, 0, "stopped");
	return rc;
}

void spoor_scan_interrupt(struct spoor_scan *s)
{
	atomic_store(&s->interrupted, true);
}

const struct spoor_scan_stats *spoor_scan_stats(const struct spoor_scan *s)
{
	return &s->stats;
}

struct spoor_scan *spoor_scan_new(struct spoor_ctx *ctx,
				  const struct spoor_scan_opts *o,
				  struct spoor_err *err)
{
	struct spoor_scan *s;

	if (!o || !o->on_file) {
		spoor_err_set(err, SPOOR_EINVAL, 0, "scan needs on_file");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
		return NULL;
	}
	s->ctx = ctx;
	s->o = *o;
	pthread_mutex_init(&s->pool_mu, NULL);
	pthread_cond_init(&s->pool_cv, NULL);
	pthread_mutex_init(&s->done_mu, NULL);
	pthread_cond_init(&s->done_cv, NULL);
	atomic_init(&s->interrupted, false);
	clock_gettime(CLOCK_MONOTONIC, &s->last_prog);
	s->nlanes = plan_lanes(s, o->threads > 1 ? o->threads : 1);
	s->threaded = o->threads > 1;
	if (lanes_start(s, err)) {
		spoor_scan_free(s);
		return NULL;
	}
	return s;
}

void spoor_scan_free(struct spoor_scan *s)
{
	struct chunk *c;

	if (!s)
		return;
	for (int i = 0; i < s->nlanes; i++) {
		struct lane *l = &s->lanes[i];

		if (l->started) {
			pthread_mutex_lock(&l->mu);
			l->quit = true;
			pthread_cond_signal(&l->nonempty);
			pthread_mutex_unlock(&l->mu);
			pthread_join(l->thread, NULL);
		}
		spoor_hash_free(l->hash);
		spoor_hash_free(l->full);
		spoor_magic_free(l->mg);
		free(l->head);
		free(l->pic);
		pthread_mutex_destroy(&l->mu);
		pthread_cond_destroy(&l->nonempty);
		pthread_cond_destroy(&l->nonfull);
	}
	while (s->out_head) {
		struct job *job = s->out_head;
		s->out_head = job->next;
		job_free(job);
	}
	while ((c = s->free_chunks)) {
		s->free_chunks = c->next;
		free(c);
	}
	pthread_mutex_destroy(&s->pool_mu);
	pthread_cond_destroy(&s->pool_cv);
	pthread_mutex_destroy(&s->done_mu);
	pthread_cond_destroy(&s->done_cv);
	free(s);
}
