/*
 * casedb_media.c: the media inside a container exhibit (spoor-case add).
 * An EWF image (E01, Ex01) through libewf: the hashes stored in it, the
 * hashes of the media data read back, compared as ewfverify compares
 * them, and the chunks that fail their checksum; a split raw image, VMDK
 * or VHD through libtsk: the hashes of the media it holds.  The file's
 * own hashes (casedb_hash.c) stay the exhibit's; these are beside them,
 * as the acquisition paperwork (EnCase, FTK, ewfacquire) shows them.
 */
#include "internal.h"
#include "casedb.h"
#include "writer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libewf.h>
#include <tsk/libtsk.h>

#include "banned.h"

#define CHUNK (1u << 20)
#define MAX_RANGES 64		/* checksum-error ranges in the JSON */
#define MEDIA_ALGS (SPOOR_MD5 | SPOOR_SHA1 | SPOOR_SHA256)

struct media {
	const char *format;	/* "ewf", "split raw", "vmdk", "vhd" */
	uint64_t size;
	int nseg;
	char **seg;			/* segment file names (EWF) */
	struct spoor_digests stored, computed;
	uint64_t errs;			/* checksum-error ranges */
	struct sbuf ranges;		/* JSON objects, comma separated */
	uint64_t bad_sectors, first_bad;
	char error[SPOOR_ERR_MSG_MAX];	/* why not all was read */
	spoor_progress_cb *cb;
	void *ud;
	struct spoor_progress *p;
};

/* libewf's message: the last line of its backtrace. */
static void ewf_msg(libewf_error_t **e, char *out, size_t size)
{
	char msg[1024] = "";
	char *last = msg;

	if (e && *e) {
		libewf_error_sprint(*e, msg, sizeof(msg));
		libewf_error_free(e);
	}
	for (char *p = msg; *p; p++)
		if (*p == '\n' && p[1])
			last = p + 1;
	last[strcspn(last, "\n")] = '\0';
	snprintf(out, size, "libewf: %s", *last ? last : "unknown error");
}

static int hex_digest(const char *hex, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v = 0;

		for (int k = 0; k < 2; k++) {
			char c = hex[2 * i + k];

			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				v |= (unsigned)(c - 'A' + 10);
			else
				return -1;
		}
		out[i] = (unsigned char)v;
	}
	return hex[2 * n] ? -1 : 0;
}

/* A hash EWF stores as text ("MD5", "SHA1", "SHA256"), if any. */
static void ewf_stored(libewf_handle_t *h, const char *id, unsigned alg,
		       struct spoor_digests *d)
{
	uint8_t v[160];

	if (libewf_handle_get_utf8_hash_value(h, (const uint8_t *)id,
					      strlen(id), v, sizeof(v),
					      NULL) != 1)
		return;
	switch (alg) {
	case SPOOR_MD5:
		if (!hex_digest((const char *)v, d->md5, 16))
			d->mask |= alg;
		break;
	case SPOOR_SHA1:
		if (!hex_digest((const char *)v, d->sha1, 20))
			d->mask |= alg;
		break;
	case SPOOR_SHA256:
		if (!hex_digest((const char *)v, d->sha256, 32))
			d->mask |= alg;
		break;
	}
}

static void tick(struct media *m, uint64_t n)
{
	m->p->bytes += n;
	if (m->cb)
		m->cb(m->ud, m->p);
}

static int read_ewf(struct media *m, const char *path, struct spoor_err *err)
{
	libewf_handle_t *h = NULL;
	libewf_error_t *e = NULL;
	struct spoor_hash *hs = NULL;
	unsigned char *buf = NULL;
	size64_t size = 0;
	uint32_t nerr = 0;
	uint64_t off = 0;
	int rc = SPOOR_OK;

	m->format = "ewf";
	if (libewf_glob(path, strlen(path), LIBEWF_FORMAT_UNKNOWN, &m->seg,
			&m->nseg, &e) != 1) {
		ewf_msg(&e, m->error, sizeof(m->error));
		m->seg = NULL;
		m->nseg = 0;
		return SPOOR_OK;	/* the media is unreadable: said */
	}
	if (libewf_handle_initialize(&h, &e) != 1 ||
	    libewf_handle_open(h, m->seg, m->nseg, LIBEWF_OPEN_READ, &e) != 1 ||
	    libewf_handle_get_media_size(h, &size, &e) != 1) {
		ewf_msg(&e, m->error, sizeof(m->error));
		goto out;
	}
	m->size = size;
	m->p->total_bytes += size;
	ewf_stored(h, "MD5", SPOOR_MD5, &m->stored);
	ewf_stored(h, "SHA1", SPOOR_SHA1, &m->stored);
	ewf_stored(h, "SHA256", SPOOR_SHA256, &m->stored);
	hs = spoor_hash_new(MEDIA_ALGS, err);
	buf = malloc(CHUNK);
	if (!hs || !buf) {
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
		goto out;
	}
	/* as ewfverify (without -w): a chunk that fails its checksum is
	 * hashed as it is stored, and listed (libewf's default zero-fills
	 * it, which can hide the damage from the hashes) */
	libewf_handle_set_read_zero_chunk_on_error(h, 0, NULL);
	while (off < size) {
		size_t want = size - off < CHUNK ? (size_t)(size - off) : CHUNK;
		ssize_t got = libewf_handle_read_buffer(h, buf, want, &e);

		if (got <= 0) {
			if (got < 0)
				ewf_msg(&e, m->error, sizeof(m->error));
			else
				snprintf(m->error, sizeof(m->error), "libewf: "
					 "the media ends at byte %llu of %llu",
					 (unsigned long long)off,
					 (unsigned long long)size);
			goto out;
		}
		rc = spoor_hash_update(hs, buf, (size_t)got, err);
		if (rc)
			goto out;
		off += (uint64_t)got;
		tick(m, (uint64_t)got);
	}
	rc = spoor_hash_final(hs, &m->computed, err);
	if (libewf_handle_get_number_of_checksum_errors(h, &nerr, NULL) != 1)
		nerr = 0;
	for (uint32_t i = 0; i < nerr; i++) {
		uint64_t start = 0, count = 0;

		if (libewf_handle_get_checksum_error(h, i, &start, &count,
						     NULL) != 1)
			continue;
		if (!m->bad_sectors || start < m->first_bad)
			m->first_bad = start;
		m->bad_sectors += count;
		if (i < MAX_RANGES)
			sbuf_addf(&m->ranges, "%s{\"sector\":%llu,\"count\":"
				  "%llu}", i ? "," : "",
				  (unsigned long long)start,
				  (unsigned long long)count);
	}
	m->errs = nerr;
	if (nerr)
		snprintf(m->error, sizeof(m->error), "libewf: %llu sector%s "
			 "in %u range%s failed validation (checksum errors, "
			 "e.g. a truncated or damaged segment), from sector "
			 "%llu", (unsigned long long)
			 m->bad_sectors, m->bad_sectors == 1 ? "" : "s",
			 nerr, nerr == 1 ? "" : "s",
			 (unsigned long long)m->first_bad);
out:
	free(buf);
	spoor_hash_free(hs);
	if (h) {
		libewf_handle_close(h, NULL);
		libewf_handle_free(&h, NULL);
	}
	if (e)
		libewf_error_free(&e);
	return rc;
}

/* Split raw, VMDK, VHD: the media libtsk reads (no stored hashes). */
static int read_tsk(struct media *m, TSK_IMG_INFO *img, struct spoor_err *err)
{
	struct spoor_hash *hs = spoor_hash_new(MEDIA_ALGS, err);
	char *buf = malloc(CHUNK);
	uint64_t off = 0, size = (uint64_t)img->size;
	int rc = SPOOR_OK;

	if (!hs || !buf) {
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
		goto out;
	}
	m->size = size;
	m->p->total_bytes += size;
	while (off < size) {
		size_t want = size - off < CHUNK ? (size_t)(size - off) : CHUNK;
		ssize_t got = tsk_img_read(img, (TSK_OFF_T)off, buf, want);

		if (got <= 0) {
			const char *te = tsk_error_get();

			snprintf(m->error, sizeof(m->error), "libtsk: cannot "
				 "read the media at byte %llu: %s",
				 (unsigned long long)off,
				 te ? te : "no data");
			tsk_error_reset();
			goto out;
		}
		rc = spoor_hash_update(hs, buf, (size_t)got, err);
		if (rc)
			goto out;
		off += (uint64_t)got;
		tick(m, (uint64_t)got);
	}
	rc = spoor_hash_final(hs, &m->computed, err);
out:
	free(buf);
	spoor_hash_free(hs);
	return rc;
}

static void json_digests(struct sbuf *b, const char *key,
			 const struct spoor_digests *d)
{
	static const unsigned algs[] = { SPOOR_MD5, SPOOR_SHA1, SPOOR_SHA256 };
	char hex[2 * SPOOR_HASH_MAXLEN + 1];

	sbuf_addf(b, ",\"%s\":{", key);
	for (size_t i = 0; i < ARRAY_SIZE(algs); i++) {
		sbuf_addf(b, "%s\"%s\":", i ? "," : "",
			  spoor_hash_name(algs[i]));
		if (d->mask & algs[i]) {
			spoor_hex(spoor_digest_get(d, algs[i]),
				  spoor_hash_len(algs[i]), hex);
			sbuf_addf(b, "\"%s\"", hex);
		} else {
			sbuf_adds(b, "null");
		}
	}
	sbuf_addc(b, '}');
}

/* The verdict: stored hashes (where there are) against the data's. */
static enum spoor_media_verdict verdict(const struct media *m)
{
	static const unsigned algs[] = { SPOOR_MD5, SPOOR_SHA1, SPOOR_SHA256 };
	bool any = false;

	if (!(m->computed.mask & SPOOR_SHA256))
		return SPOOR_MEDIA_UNREADABLE;
	for (size_t i = 0; i < ARRAY_SIZE(algs); i++) {
		unsigned a = algs[i];

		if (!(m->stored.mask & a))
			continue;
		any = true;
		if (memcmp(spoor_digest_get(&m->stored, a),
			   spoor_digest_get(&m->computed, a),
			   spoor_hash_len(a)))
			return SPOOR_MEDIA_MISMATCH;
	}
	if (m->errs)
		return SPOOR_MEDIA_DAMAGED;
	return any ? SPOOR_MEDIA_MATCH : SPOOR_MEDIA_NOT_STORED;
}

const char *spoor_media_verdict_name(enum spoor_media_verdict v)
{
	switch (v) {
	case SPOOR_MEDIA_NONE: return "not a container";
	case SPOOR_MEDIA_MATCH: return "match";
	case SPOOR_MEDIA_MISMATCH: return "mismatch";
	case SPOOR_MEDIA_NOT_STORED: return "no stored hash";
	case SPOOR_MEDIA_DAMAGED: return "damaged";
	case SPOOR_MEDIA_UNREADABLE: return "unreadable";
	}
	return "?";
}

static char *media_json(const struct media *m, enum spoor_media_verdict v)
{
	struct sbuf b = SBUF_INIT;

	sbuf_adds(&b, "{\"format\":");
	wr_json_string(&b, m->format, strlen(m->format));
	sbuf_addf(&b, ",\"media_size\":%llu,\"segments\":[",
		  (unsigned long long)m->size);
	for (int i = 0; i < m->nseg; i++) {
		const char *base = strrchr(m->seg[i], '/');

		base = base ? base + 1 : m->seg[i];
		if (i)
			sbuf_addc(&b, ',');
		wr_json_string(&b, base, strlen(base));
	}
	sbuf_addc(&b, ']');
	json_digests(&b, "stored", &m->stored);
	json_digests(&b, "computed", &m->computed);
	sbuf_adds(&b, ",\"verified\":");
	wr_json_string(&b, spoor_media_verdict_name(v),
		       strlen(spoor_media_verdict_name(v)));
	sbuf_addf(&b, ",\"checksum_error_ranges\":%llu,\"checksum_errors\":[",
		  (unsigned long long)m->errs);
	if (m->ranges.len)
		sbuf_add(&b, m->ranges.buf, m->ranges.len);
	sbuf_addf(&b, "],\"bad_sectors\":%llu,\"error\":",
		  (unsigned long long)m->bad_sectors);
	if (m->error[0])
		wr_json_string(&b, m->error, strlen(m->error));
	else
		sbuf_adds(&b, "null");
	sbuf_addc(&b, '}');
	if (b.failed) {
		sbuf_release(&b);
		return NULL;
	}
	return b.buf;
}

int case_media(const char *path, struct spoor_case_exhibit *e,
	       spoor_progress_cb *cb, void *ud, struct spoor_progress *p,
	       struct spoor_err *err)
{
	struct media m;
	TSK_IMG_INFO *img = NULL;
	enum spoor_media_verdict v;
	int rc = SPOOR_OK;

	memset(&m, 0, sizeof(m));
	m.cb = cb;
	m.ud = ud;
	m.p = p;
	if (libewf_check_file_signature(path, NULL) == 1) {
		rc = read_ewf(&m, path, err);
	} else {
		const char *const images[1] = { path };

		img = tsk_img_open_utf8(1, images, TSK_IMG_TYPE_DETECT, 0);
		tsk_error_reset();
		if (!img)
			return SPOOR_OK;	/* not an image libtsk reads */
		if (img->itype == TSK_IMG_TYPE_VMDK_VMDK)
			m.format = "vmdk";
		else if (img->itype == TSK_IMG_TYPE_VHD_VHD)
			m.format = "vhd";
		else if (TSK_IMG_TYPE_ISRAW(img->itype) && img->num_img > 1)
			m.format = "split raw";
		if (!m.format) {
			tsk_img_close(img);
			return SPOOR_OK;	/* the file is the media */
		}
		rc = read_tsk(&m, img, err);
		tsk_img_close(img);
	}
	if (!rc) {
		e->kind = "image";
		v = verdict(&m);
		e->media_verdict = v;
		e->media_stored = m.stored;
		e->media_computed = m.computed;
		spoor_strlcpy(e->media_error, m.error, sizeof(e->media_error));
		e->owned[3] = media_json(&m, v);
		e->media_json = e->owned[3];
		if (!e->media_json)
			rc = spoor_err_set(err, SPOOR_ENOMEM, 0,
					   "out of memory");
	}
	if (m.seg)
		libewf_glob_free(m.seg, m.nseg, NULL);
	sbuf_release(&m.ranges);
	return rc;
}
