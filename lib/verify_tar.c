/*
 * verify_tar.c: a bundle tar read in one streaming pass, never
 * extracted (bundle.md section 7 rule 1); see verify_tar.h.  The rules
 * themselves stay in verify.c: this module only says what the archive
 * holds, hashed, and refuses what a directory could not hold safely.
 */
#include "verify_tar.h"
#include "bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "banned.h"

/* libarchive's read size: large blocks keep hashing at full speed. */
#define TAR_BLOCK (1u << 20)
#define TAR_PATH_MAX 4096

struct kept {
	char *path;			/* full member path (before the
					 * prefix is known) */
	const char *rel;		/* after it, or NULL: not ours */
	char *buf;
	size_t len;
	bool over;			/* larger than its cap: not kept */
};

struct tar_bundle {
	char *name;
	tar_report_fn *report;
	void *u;
	struct tar_member *m;
	size_t n, cap;
	struct kept *k;
	size_t nk, kcap, ncrl;
	char *top;			/* first segment of the first member */
	bool all_under;			/* every member below top/ */
	bool any_under;
	char *prefix;			/* "" or "top/" once decided */
	EVP_MD_CTX *md;
	unsigned char *head;		/* first bytes of a member, for MIME */
};

static void say(struct tar_bundle *t, bool fatal, const char *code,
		const char *fmt, ...) SPOOR_PRINTF(4, 5);
static void say(struct tar_bundle *t, bool fatal, const char *code,
		const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	t->report(t->u, fatal, code, msg);
}

/* ---- names ---- */

/*
 * The member name without one leading "./" (and, for a directory, one
 * trailing '/') into out; NULL when safe, else what is wrong with it.
 * An empty result is the archive's root directory.
 */
static const char *norm_path(const char *raw, bool dir, struct sbuf *out)
{
	const char *p, *seg;
	size_t n;

	sbuf_reset(out);
	if (!raw || !*raw)
		return "no name";
	if (strlen(raw) > TAR_PATH_MAX)
		return "name too long";
	if (raw[0] == '/')
		return "absolute path";
	if (strchr(raw, '\\'))
		return "backslash";
	p = raw;
	if (p[0] == '.' && p[1] == '/')
		p += 2;
	else if (!strcmp(p, ".") && dir)
		p++;
	n = strlen(p);
	if (dir && n && p[n - 1] == '/')
		n--;
	sbuf_add(out, p, n);
	if (out->failed)
		return "name too long";
	for (p = sbuf_str(out); n && p; p = seg ? seg + 1 : NULL) {
		size_t len;

		seg = strchr(p, '/');
		len = seg ? (size_t)(seg - p) : strlen(p);
		if (len == 0)
			return "empty path segment";
		if ((len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return "'.' or '..' segment";
	}
	return NULL;
}

/* The cap of a control member kept in memory, or 0 for any other. */
static size_t control_cap(const char *rel)
{
	const char *b;

	if (!strcmp(rel, "MANIFEST"))
		return SPOOR_MANIFEST_MAX;
	if (!strcmp(rel, "MANIFEST.p7s"))
		return P7S_MAX;
	if (!strcmp(rel, "MANIFEST.p7s.tsr"))
		return TSR_MAX;
	if (!strcmp(rel, "custody/custody.log"))
		return CUSTODY_MAX;
	if (!strcmp(rel, "data/findings.json"))
		return FINDINGS_MAX;
	if (strncmp(rel, "certs/crl/", 10))
		return 0;
	b = rel + 10;
	return !strchr(b, '/') && b[0] != '.' &&
	       spoor_ends_with_ci(b, ".crl") ? CRL_MAX : 0;
}

static bool is_crl(const char *rel)
{
	return !strncmp(rel, "certs/crl/", 10);
}

/* Below the candidate top-level directory: the rest, else NULL. */
static const char *under_top(const struct tar_bundle *t, const char *path)
{
	size_t n = t->top ? strlen(t->top) : 0;

	if (n && !strncmp(path, t->top, n) && path[n] == '/')
		return path + n + 1;
	return NULL;
}

/* Track whether every member sits below one top-level directory. */
static int note_top(struct tar_bundle *t, const char *path, bool dir)
{
	if (!t->top) {
		const char *sl = strchr(path, '/');

		t->top = sl ? strndup(path, (size_t)(sl - path)) :
			 strdup(path);
		if (!t->top)
			return SPOOR_ENOMEM;
		t->all_under = sl || dir;
	}
	if (under_top(t, path))
		t->any_under = true;
	else if (!(dir && !strcmp(path, t->top)))
		t->all_under = false;
	return 0;
}

/* ---- the pass ---- */

static struct tar_member *member_add(struct tar_bundle *t, const char *path)
{
	struct tar_member *m;

	if (spoor_grow(&t->m, &t->cap, t->n, sizeof(*t->m)))
		return NULL;
	m = &t->m[t->n];
	memset(m, 0, sizeof(*m));
	m->path = strdup(path);
	if (!m->path)
		return NULL;
	t->n++;
	return m;
}

/* A kept control member, or NULL (not ours, or out of memory). */
static struct kept *kept_add(struct tar_bundle *t, const char *path,
			     uint64_t size, bool *oom)
{
	const char *rel = under_top(t, path);
	size_t cap = control_cap(path);
	struct kept *k;

	if (!cap && rel)
		cap = control_cap(rel);
	if (!cap)
		return NULL;
	if (is_crl(rel && control_cap(rel) ? rel : path) &&
	    ++t->ncrl > 2 * CRL_COUNT_MAX)
		return NULL;	/* reported after the pass */
	if (spoor_grow(&t->k, &t->kcap, t->nk, sizeof(*t->k)))
		goto oom;
	k = &t->k[t->nk];
	memset(k, 0, sizeof(*k));
	k->path = strdup(path);
	if (!k->path)
		goto oom;
	t->nk++;
	if (size > cap) {
		k->over = true;
		return k;
	}
	k->buf = malloc((size_t)size + 1);
	if (!k->buf)
		goto oom;
	k->buf[0] = '\0';
	return k;
oom:
	*oom = true;
	return NULL;
}

static void head_mime(struct tar_bundle *t, struct spoor_magic *mg,
		      size_t hn, struct tar_member *m)
{
	char mime[SPOOR_MIME_MAX] = "";

	if (!mg || spoor_magic_mime(mg, t->head, hn, mime, NULL))
		return;
	if (!strncmp(mime, "image/", 6) || !strncmp(mime, "video/", 6))
		m->media = strdup(mime);
}

/* Hash (and maybe keep) the data of a regular member. */
static int member_data(struct tar_bundle *t, struct archive *a,
		       struct spoor_magic *mg, struct tar_member *m,
		       struct kept *k, uint64_t want)
{
	unsigned char md[32];
	size_t hn = 0;
	uint64_t total = 0;

	if (!EVP_DigestInit_ex(t->md, EVP_sha256(), NULL))
		return SPOOR_ENOMEM;
	for (;;) {
		const void *p;
		size_t n;
		la_int64_t off;
		int r = archive_read_data_block(a, &p, &n, &off);

		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK) {
			say(t, true, "input", "'%s': %s", t->name,
			    archive_error_string(a));
			return SPOOR_EFORMAT;
		}
		if (off < 0 || (uint64_t)off != total || total + n > want) {
			say(t, true, "special", "'%.200s' is a sparse member",
			    m->path);
			return archive_read_data_skip(a) == ARCHIVE_OK ? 0 :
			       SPOOR_EFORMAT;
		}
		if (hn < SPOOR_MAGIC_HEAD) {
			size_t c = MIN(n, SPOOR_MAGIC_HEAD - hn);

			memcpy(t->head + hn, p, c);
			hn += c;
		}
		if (k && k->buf)
			memcpy(k->buf + total, p, n);
		EVP_DigestUpdate(t->md, p, n);
		total += n;
	}
	if (total != want) {
		say(t, true, "input", "'%s': member '%.200s' is short",
		    t->name, m->path);
		return SPOOR_EFORMAT;
	}
	EVP_DigestFinal_ex(t->md, md, NULL);
	bundle_hex(md, 32, m->sha256);
	m->size = total;
	if (k && k->buf) {
		k->buf[total] = '\0';
		k->len = (size_t)total;
	}
	head_mime(t, mg, hn, m);
	m->cms = bundle_sealed_head_ok(t->head, hn);
	return 0;
}

/* What is wrong with a member's type, or NULL for a file or directory. */
static const char *member_special(struct archive_entry *ae)
{
	mode_t ft = archive_entry_filetype(ae);

	if (archive_entry_hardlink(ae))
		return "is a hard link";
	if (ft == AE_IFLNK || archive_entry_symlink(ae))
		return "is a symbolic link";
	if (archive_entry_sparse_count(ae) > 0)
		return "is a sparse member";
	if (ft != AE_IFREG && ft != AE_IFDIR)
		return "is not a regular file or directory";
	return NULL;
}

static int member(struct tar_bundle *t, struct archive *a,
		  struct archive_entry *ae, struct spoor_magic *mg,
		  struct sbuf *path)
{
	const char *raw = archive_entry_pathname(ae);
	bool dir = archive_entry_filetype(ae) == AE_IFDIR;
	const char *bad = norm_path(raw, dir, path), *sp;
	struct tar_member *m;
	struct kept *k;
	bool oom = false;
	int64_t size = archive_entry_size(ae);

	if (!bad && !path->len && !dir)
		bad = "no name";
	if (bad) {
		say(t, true, "path", "member '%.200s': unsafe path (%s)",
		    raw ? raw : "", bad);
		return 0;
	}
	if (!path->len)
		return 0;	/* the root "./" */
	if (note_top(t, sbuf_str(path), dir))
		return SPOOR_ENOMEM;
	sp = member_special(ae);
	if (sp) {
		say(t, true, "special", "'%.200s' %s", sbuf_str(path), sp);
		return 0;
	}
	if (t->n >= MAX_ENTRIES) {
		say(t, true, "limit", "more than %d files", MAX_ENTRIES);
		return SPOOR_ELIMIT;
	}
	m = member_add(t, sbuf_str(path));
	if (!m)
		return SPOOR_ENOMEM;
	m->dir = dir;
	if (dir)
		return 0;
	if (size < 0)
		size = 0;
	k = kept_add(t, m->path, (uint64_t)size, &oom);
	if (oom)
		return SPOOR_ENOMEM;
	return member_data(t, a, mg, m, k, (uint64_t)size);
}

/* Compressed or another archive: say which, for a clear refusal. */
static const char *sniff(int fd)
{
	static const struct { const char *magic; size_t n; const char *what; }
	kinds[] = {
		{ "\x1f\x8b", 2, "a gzip-compressed file" },
		{ "BZh", 3, "a bzip2-compressed file" },
		{ "\xfd" "7zXZ\0", 6, "an xz-compressed file" },
		{ "\x28\xb5\x2f\xfd", 4, "a zstd-compressed file" },
		{ "PK\x03\x04", 4, "a zip archive" },
		{ "PK\x05\x06", 4, "a zip archive" },
		{ "7z\xbc\xaf\x27\x1c", 6, "a 7-zip archive" },
	};
	unsigned char b[8];
	ssize_t n = pread(fd, b, sizeof(b), 0);
	size_t i;

	for (i = 0; n > 0 && i < ARRAY_SIZE(kinds); i++)
		if ((size_t)n >= kinds[i].n &&
		    !memcmp(b, kinds[i].magic, kinds[i].n))
			return kinds[i].what;
	return n == 0 ? "an empty file" : NULL;
}

/*
 * Bytes from..to of the archive must all be zero: the padding after a
 * member's data, which libarchive skips (a change there would go
 * unseen), or what follows the end blocks (trailing).  The offset of a
 * non-zero byte is reported.
 */
static int zero_range(struct tar_bundle *t, int fd, la_int64_t from,
		      la_int64_t to, bool trailing)
{
	unsigned char buf[65536];

	while (from >= 0 && from < to) {
		ssize_t n = pread(fd, buf, (size_t)MIN((la_int64_t)sizeof(buf),
						       to - from), from);
		ssize_t i;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			say(t, true, "input", "cannot read '%s'", t->name);
			return SPOOR_EFORMAT;
		}
		for (i = 0; i < n && !buf[i]; i++)
			;
		if (i < n) {
			say(t, true, "input", "'%s': %s at offset %lld",
			    t->name, trailing ? "data after the end of the "
			    "tar archive" : "bytes outside any member",
			    (long long)(from + i));
			return SPOOR_EFORMAT;
		}
		from += n;
	}
	return 0;
}

/*
 * After the last member: the two zero blocks of the end of the archive
 * must be there (libarchive also accepts a tar cut off before them)
 * and nothing but zero padding may follow (a second archive behind
 * them would be seen by `tar -i`).
 */
static int trailer(struct tar_bundle *t, int fd, la_int64_t pos)
{
	struct stat st;

	if (pos < 0 || fstat(fd, &st) < 0 || st.st_size - pos < 1024) {
		say(t, true, "input", "'%s' is truncated: no end-of-archive "
		    "blocks", t->name);
		return SPOOR_EFORMAT;
	}
	return zero_range(t, fd, pos, (la_int64_t)st.st_size, true);
}

/*
 * The header block at pos must carry its checksum in one of the forms
 * tar writers use: six octal digits, NUL, space (GNU tar, libarchive,
 * Python) or six digits, space, NUL, or seven digits, NUL.  libarchive
 * reads the field up to the first non-digit, so a change of its
 * terminator would otherwise go unseen; tar metadata is not signed, but
 * no byte of a bundle tar should be changeable unnoticed where that
 * costs nothing.
 */
static int header_sum(struct tar_bundle *t, int fd, la_int64_t pos,
		      bool need_magic)
{
	unsigned char h[512];
	char want[3][9];
	unsigned long sum = 0;
	ssize_t n;

	do
		n = pread(fd, h, sizeof(h), (off_t)pos);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(h)) {
		say(t, true, "input", "cannot read '%s'", t->name);
		return SPOOR_EFORMAT;
	}
	if (need_magic && memcmp(h + 257, "ustar", 5))
		return 0;	/* not a header: a GNU sparse map, say */
	for (size_t i = 0; i < sizeof(h); i++)
		sum += i >= 148 && i < 156 ? ' ' : h[i];
	snprintf(want[0], sizeof(want[0]), "%06lo%c ", sum & 0777777, '\0');
	snprintf(want[1], sizeof(want[1]), "%06lo ", sum & 0777777);
	snprintf(want[2], sizeof(want[2]), "%07lo", sum & 07777777);
	for (int k = 0; k < 3; k++)
		if (!memcmp(h + 148, want[k], 8))
			return 0;
	say(t, true, "input", "'%s': the tar header at offset %lld has a "
	    "malformed checksum field", t->name, (long long)pos);
	return SPOOR_EFORMAT;
}

static int cmp_member(const void *a, const void *b)
{
	return strcmp(((const struct tar_member *)a)->path,
		      ((const struct tar_member *)b)->path);
}

/* Decide the prefix, strip it, sort, find duplicates, bless kept. */
static int finish(struct tar_bundle *t)
{
	size_t i, j, ncrl = 0, plen;

	t->prefix = t->top && t->all_under && t->any_under ?
		    malloc(strlen(t->top) + 2) : strdup("");
	if (!t->prefix)
		return SPOOR_ENOMEM;
	if (t->top && t->all_under && t->any_under)
		snprintf(t->prefix, strlen(t->top) + 2, "%s/", t->top);
	plen = strlen(t->prefix);
	for (i = j = 0; i < t->n; i++) {
		struct tar_member *m = &t->m[i];

		if (plen && strncmp(m->path, t->prefix, plen)) {
			free(m->path);		/* the top directory */
			free(m->media);
			continue;
		}
		memmove(m->path, m->path + plen, strlen(m->path) - plen + 1);
		t->m[j++] = *m;
	}
	t->n = j;
	if (t->n)
		qsort(t->m, t->n, sizeof(*t->m), cmp_member);
	for (i = 1; i < t->n; i++)
		if (!strcmp(t->m[i].path, t->m[i - 1].path) &&
		    (i < 2 || strcmp(t->m[i].path, t->m[i - 2].path)))
			say(t, true, "duplicate", "'%.200s' is in the archive "
			    "more than once", t->m[i].path);
	for (i = 0; i < t->nk; i++) {
		struct kept *k = &t->k[i];

		if (strncmp(k->path, t->prefix, plen) ||
		    !control_cap(k->path + plen)) {
			free(k->buf);	/* kept for the other layout */
			k->buf = NULL;
			continue;
		}
		k->rel = k->path + plen;
		if (k->over)
			say(t, true, "limit", "'%.200s' is larger than %zu "
			    "bytes", k->rel, control_cap(k->rel));
		if (is_crl(k->rel))
			ncrl++;
	}
	if (ncrl > CRL_COUNT_MAX || t->ncrl > 2 * CRL_COUNT_MAX)
		say(t, true, "limit", "more than %d CRLs in certs/crl/",
		    CRL_COUNT_MAX);
	return 0;
}

static struct archive *tar_open(int fd)
{
	struct archive *a = archive_read_new();

	if (!a)
		return NULL;
	lseek(fd, 0, SEEK_SET);
	if (archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_open_fd(a, fd, TAR_BLOCK) != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

int tar_bundle_scan(int fd, const char *name, struct spoor_magic *mg,
		    tar_report_fn *report, void *u, struct tar_bundle **out)
{
	struct tar_bundle *t = calloc(1, sizeof(*t));
	struct sbuf path = SBUF_INIT;
	struct archive *a = NULL;
	const char *kind;
	la_int64_t pad = -1;
	int rc = 0;

	*out = t;
	if (!t)
		return SPOOR_ENOMEM;
	t->name = strdup(name);
	t->report = report;
	t->u = u;
	t->md = EVP_MD_CTX_new();
	t->head = malloc(SPOOR_MAGIC_HEAD);
	if (!t->name || !t->md || !t->head)
		return SPOOR_ENOMEM;
	kind = sniff(fd);
	if (kind) {
		say(t, true, "input", "'%s' is %s, not an uncompressed tar "
		    "archive", name, kind);
		return SPOOR_EFORMAT;
	}
	a = tar_open(fd);
	if (!a) {
		say(t, true, "input", "'%s' is not a tar archive", name);
		return SPOOR_EFORMAT;
	}
	path.max = TAR_PATH_MAX + 1;
	for (;;) {
		struct archive_entry *ae;
		int r = archive_read_next_header(a, &ae);

		if (r == ARCHIVE_OK || r == ARCHIVE_EOF)
			rc = zero_range(t, fd, pad,
					archive_read_header_position(a),
					false);
		if (rc || r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK) {
			say(t, true, "input", "'%s': %s", name,
			    archive_error_string(a));
			rc = SPOOR_EFORMAT;
			break;
		}
		pad = archive_filter_bytes(a, 0);
		/* the first and the last header block of this entry (a pax
		 * or GNU long-name header comes before the ustar one) */
		rc = header_sum(t, fd, archive_read_header_position(a), false);
		if (!rc && pad - 512 > archive_read_header_position(a))
			rc = header_sum(t, fd, pad - 512, true);
		if (rc)
			break;
		if (archive_entry_size_is_set(ae) &&
		    archive_entry_size(ae) > 0 &&
		    archive_entry_filetype(ae) == AE_IFREG)
			pad += archive_entry_size(ae);
		rc = member(t, a, ae, mg, &path);
		if (rc)
			break;
	}
	if (!rc)
		rc = trailer(t, fd, archive_read_header_position(a));
	if (!rc)
		rc = finish(t);
	archive_read_free(a);
	sbuf_release(&path);
	return rc;
}

void tar_bundle_drop_members(struct tar_bundle *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->m[i].path);
		free(t->m[i].media);
	}
	free(t->m);
	t->m = NULL;
	t->n = t->cap = 0;
}

void tar_bundle_free(struct tar_bundle *t)
{
	size_t i;

	if (!t)
		return;
	tar_bundle_drop_members(t);
	for (i = 0; i < t->nk; i++) {
		free(t->k[i].path);
		free(t->k[i].buf);
	}
	free(t->k);
	free(t->top);
	free(t->prefix);
	free(t->name);
	EVP_MD_CTX_free(t->md);
	free(t->head);
	free(t);
}

size_t tar_bundle_nmembers(const struct tar_bundle *t)
{
	return t ? t->n : 0;
}

const struct tar_member *tar_bundle_member(const struct tar_bundle *t,
					   size_t i)
{
	return t && i < t->n ? &t->m[i] : NULL;
}

const char *tar_bundle_get(const struct tar_bundle *t, const char *name,
			   size_t *len)
{
	size_t i;

	for (i = 0; t && i < t->nk; i++)
		if (t->k[i].rel && t->k[i].buf && !strcmp(t->k[i].rel, name)) {
			*len = t->k[i].len;
			return t->k[i].buf;
		}
	return NULL;
}

const char *tar_bundle_crl(const struct tar_bundle *t, size_t i,
			   size_t *len)
{
	size_t j;

	for (j = 0; t && j < t->nk; j++) {
		const struct kept *k = &t->k[j];

		if (!k->rel || !k->buf || !is_crl(k->rel))
			continue;
		if (i-- == 0) {
			*len = k->len;
			return k->buf;
		}
	}
	return NULL;
}

/* ---- extract: the second pass ---- */

static int cmp_entry(const void *key, const void *e)
{
	return strcmp(key, ((const struct manifest_entry *)e)->path);
}

static int write_member(struct archive *a, int out,
			const struct manifest_entry *e,
			struct spoor_err *err)
{
	uint64_t total = 0;

	for (;;) {
		const void *p;
		size_t n;
		la_int64_t off;
		int r = archive_read_data_block(a, &p, &n, &off);

		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK)
			return spoor_err_set(err, SPOOR_EIO, 0, "'%s': %s",
					     e->path,
					     archive_error_string(a));
		if (off < 0 || (uint64_t)off != total || total + n > e->size)
			return spoor_err_set(err, SPOOR_EIO, 0, "'%s' changed "
					     "since it was verified",
					     e->path);
		if (spoor_write_all(out, p, n) < 0)
			return spoor_err_set(err, SPOOR_EOUTPUT, errno,
					     "cannot write '%s'", e->path);
		total += n;
	}
	if (fsync(out) < 0)
		return spoor_err_set(err, SPOOR_EOUTPUT, errno, "cannot sync "
				     "'%s'", e->path);
	return 0;
}

static int extract_one(struct archive *a, int dst,
		       const struct manifest_entry *e, unsigned char *buf,
		       struct spoor_err *err)
{
	int out, rc = verify_mkdirs_at(dst, e->path, err);

	if (rc)
		return rc;
	out = openat(dst, e->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		     O_CLOEXEC, 0644);
	if (out < 0)
		return spoor_err_set(err, SPOOR_EOUTPUT, errno,
				     "cannot create '%s'", e->path);
	rc = write_member(a, out, e, err);
	close(out);
	return rc ? rc : verify_copy_check(dst, e, buf, err);
}

static int extract_member(const struct tar_bundle *t, struct archive *a,
			  struct archive_entry *ae, const struct manifest *m,
			  int dst, bool *done, struct sbuf *path,
			  unsigned char *buf, struct spoor_err *err)
{
	bool dir = archive_entry_filetype(ae) == AE_IFDIR;
	size_t plen = strlen(t->prefix);
	const struct manifest_entry *e;
	const char *p;

	if (norm_path(archive_entry_pathname(ae), dir, path) ||
	    member_special(ae))
		return spoor_err_set(err, SPOOR_EIO, 0, "a member changed "
				     "since it was verified");
	p = sbuf_str(path);
	if (dir && (!*p || (plen && !strncmp(p, t->prefix, plen - 1) &&
			    p[plen - 1] == '\0')))
		return 0;
	if (strncmp(p, t->prefix, plen))
		return spoor_err_set(err, SPOOR_EIO, 0, "'%.200s' changed "
				     "since it was verified", p);
	p += plen;
	if (!dir && bundle_manifest_name(p))
		return 0;	/* not listed, not extracted */
	e = bsearch(p, m->e, m->n, sizeof(*m->e), cmp_entry);
	if (dir && !e)
		return 0;
	if (!e || dir)
		return spoor_err_set(err, SPOOR_EIO, 0, "'%.200s' is not "
				     "listed", p);
	if (done[e - m->e])
		return spoor_err_set(err, SPOOR_EIO, 0, "'%s' is in the "
				     "archive more than once", e->path);
	done[e - m->e] = true;
	return extract_one(a, dst, e, buf, err);
}

int tar_bundle_extract(const struct tar_bundle *t, int fd,
		       const struct manifest *m, int dst,
		       struct spoor_err *err)
{
	struct sbuf path = SBUF_INIT;
	struct archive *a = NULL;
	unsigned char *buf = malloc(BUNDLE_READ_BUF);
	bool *done = calloc(m->n + 1, sizeof(*done));
	size_t i;
	int rc = 0;

	if (!buf || !done || !t->prefix)
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	a = rc ? NULL : tar_open(fd);
	if (!rc && !a)
		rc = spoor_err_set(err, SPOOR_EIO, 0, "'%s' is not a tar "
				   "archive", t->name);
	path.max = TAR_PATH_MAX + 1;
	while (!rc) {
		struct archive_entry *ae;
		int r = archive_read_next_header(a, &ae);

		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK)
			rc = spoor_err_set(err, SPOOR_EIO, 0, "'%s': %s",
					   t->name, archive_error_string(a));
		else
			rc = extract_member(t, a, ae, m, dst, done, &path,
					    buf, err);
	}
	for (i = 0; !rc && i < m->n; i++)
		if (!done[i])
			rc = spoor_err_set(err, SPOOR_EIO, 0, "'%s' is "
					   "missing from the archive",
					   m->e[i].path);
	archive_read_free(a);
	sbuf_release(&path);
	free(done);
	free(buf);
	return rc;
}
