/*
 * verify_tar.c: a bundle tar read in one streaming pass, never
 * extracted (bundle.md section 7 rule 1); see verify_tar.h.  The rules
 * themselves stay in verify.c: this module only says what the archive
 * holds, hashed, and refuses every byte that spoor-report pack would
 * not have written.
 *
 * Why a walker of its own and not libarchive: a tar can carry bytes no
 * signature covers (pax 'x'/'g' records, GNU 'K'/'L'/'V' records,
 * xattrs, padding, header fields), and libarchive merges or skips
 * exactly those, so what it shows cannot prove they are absent.  The
 * form accepted is one: every header byte equal to bundle_tar_header's
 * for the member's path, type, size and mtime, zero padding, the two
 * zero end blocks, zeros only after them.  Walking 512-byte blocks to
 * check that is shorter and easier to audit than checking libarchive's
 * view against the raw bytes.
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

#include "banned.h"

/* Data read size: large blocks keep hashing at full speed. */
#define TAR_READ (1u << 20)
#define TAR_PATH_MAX 255
#define BLK BUNDLE_TAR_BLOCK

struct kept {
	char *path;
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
	int64_t mtime;
	struct spoor_magic *mg;		/* the caller's, or own_mg */
	struct spoor_magic *own_mg;	/* opened at the first file */
	bool typed;			/* MIME types read (or none needed) */
	EVP_MD_CTX *md;
	unsigned char *head;		/* first bytes of a member, for MIME */
};

/*
 * The strict reader: one member after another.  Every problem is a
 * code ("input", "tar", "special", "path", "duplicate") and a message
 * in code/why; the reader stops at the first.
 */
struct tar_rd {
	int fd;
	const char *name;		/* the archive, for messages */
	uint64_t size;			/* of the archive file */
	uint64_t next;			/* offset of the next header */
	uint64_t data, left;		/* the member's data, bytes to read */
	bool first;
	char path[TAR_PATH_MAX + 1];
	char prev[TAR_PATH_MAX + 1];
	bool dir;
	uint64_t msize;
	uint64_t cur_mtime;		/* this member's */
	int64_t mtime;			/* every member's, once one is read */
	const char *code;
	char why[512];
};

static void rd_fail(struct tar_rd *r, const char *code, const char *fmt,
		    ...) SPOOR_PRINTF(3, 4);
static void rd_fail(struct tar_rd *r, const char *code, const char *fmt,
		    ...)
{
	va_list ap;

	r->code = code;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

static bool pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done,
				  (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	return true;
}

static int rd_open(struct tar_rd *r, int fd, const char *name)
{
	struct stat st;

	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->name = name;
	r->first = true;
	r->mtime = -1;
	if (fstat(fd, &st) < 0 || st.st_size < 0) {
		rd_fail(r, "input", "cannot read '%s'", name);
		return SPOOR_EFORMAT;
	}
	r->size = (uint64_t)st.st_size;
	return 0;
}

/* Bytes [from, to) of the archive must all be zero. */
static int rd_zero(struct tar_rd *r, uint64_t from, uint64_t to,
		   bool trailing)
{
	unsigned char buf[65536];

	while (from < to) {
		size_t n = (size_t)MIN((uint64_t)sizeof(buf), to - from), i;

		if (!pread_all(r->fd, buf, n, from)) {
			rd_fail(r, "input", "cannot read '%s'", r->name);
			return SPOOR_EFORMAT;
		}
		for (i = 0; i < n && !buf[i]; i++)
			;
		if (i < n) {
			rd_fail(r, "input", "'%s': %s at offset %llu", r->name,
				trailing ? "data after the end of the tar "
				"archive" : "bytes outside any member",
				(unsigned long long)(from + i));
			return SPOOR_EFORMAT;
		}
		from += n;
	}
	return 0;
}

/* What a type flag other than '0' and '5' is, and its reason code. */
static const char *type_name(unsigned char t, const char **code)
{
	static const struct { char t; const char *code, *what; } types[] = {
		{ 'x', "tar", "a pax extended header ('x')" },
		{ 'g', "tar", "a pax global header ('g')" },
		{ 'X', "tar", "an old pax extended header ('X')" },
		{ 'K', "tar", "a GNU long link name record ('K')" },
		{ 'L', "tar", "a GNU long name record ('L')" },
		{ 'V', "tar", "a GNU volume header ('V')" },
		{ 'M', "tar", "a GNU multi-volume continuation ('M')" },
		{ 'N', "tar", "a GNU long names record ('N')" },
		{ 'D', "tar", "a GNU directory dump ('D')" },
		{ 'A', "tar", "a Solaris ACL record ('A')" },
		{ 'E', "tar", "a Solaris extended attribute ('E')" },
		{ 'I', "tar", "an inode metadata record ('I')" },
		{ '\0', "tar", "an old (pre-POSIX) file header" },
		{ 'S', "special", "a GNU sparse member ('S')" },
		{ '1', "special", "a hard link" },
		{ '2', "special", "a symbolic link" },
		{ '3', "special", "a character device" },
		{ '4', "special", "a block device" },
		{ '6', "special", "a FIFO" },
		{ '7', "special", "a contiguous file ('7')" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(types); i++)
		if ((unsigned char)types[i].t == t) {
			*code = types[i].code;
			return types[i].what;
		}
	*code = "tar";
	return NULL;
}

/* The name of the header field holding byte i. */
static const char *field_at(size_t i)
{
	static const struct { size_t end; const char *name; } f[] = {
		{ 100, "name" }, { 108, "mode" }, { 116, "uid" },
		{ 124, "gid" }, { 136, "size" }, { 148, "mtime" },
		{ 156, "checksum" }, { 157, "type" }, { 257, "linkname" },
		{ 263, "magic" }, { 265, "version" }, { 297, "uname" },
		{ 329, "gname" }, { 337, "devmajor" }, { 345, "devminor" },
		{ 500, "prefix" }, { BLK, "padding" },
	};
	size_t k;

	for (k = 0; k < ARRAY_SIZE(f); k++)
		if (i < f[k].end)
			return f[k].name;
	return "padding";
}

/* The header's checksum field, read as tar readers do (octal digits
 * after optional spaces), equals the sum of the block? */
static bool sum_ok(const unsigned char *h)
{
	unsigned long sum = 0, v = 0;
	size_t i = 148;

	for (size_t k = 0; k < BLK; k++)
		sum += k >= 148 && k < 156 ? ' ' : h[k];
	while (i < 156 && h[i] == ' ')
		i++;
	if (i == 156 || h[i] < '0' || h[i] > '7')
		return false;
	for (; i < 156 && h[i] >= '0' && h[i] <= '7'; i++)
		v = v * 8 + (unsigned long)(h[i] - '0');
	return v == sum;
}

/* The octal number in a field of n bytes as tar readers take it
 * (spaces, digits, then NULs or spaces): the value only; the form is
 * checked by comparing the whole header with pack's. */
static bool octal_field(const unsigned char *p, size_t n, uint64_t *v)
{
	size_t i = 0;
	bool digit = false;

	*v = 0;
	while (i < n && p[i] == ' ')
		i++;
	for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
		if (*v > UINT64_MAX / 8)
			return false;
		*v = *v * 8 + (uint64_t)(p[i] - '0');
		digit = true;
	}
	for (; i < n; i++)
		if (p[i] && p[i] != ' ')
			return false;
	return digit;
}

/* A NUL-terminated field of at most n bytes (no terminator if full). */
static size_t field_str(const unsigned char *p, size_t n, char *out)
{
	size_t len = strnlen((const char *)p, n);

	memcpy(out, p, len);
	out[len] = '\0';
	return len;
}

/* What is wrong with a member path, or NULL. */
static const char *path_bad(const char *p)
{
	const char *seg, *sl;

	if (!*p)
		return "no name";
	if (p[0] == '/')
		return "absolute path";
	if (strchr(p, '\\'))
		return "backslash";
	for (seg = p; seg; seg = sl ? sl + 1 : NULL) {
		size_t len;

		sl = strchr(seg, '/');
		len = sl ? (size_t)(sl - seg) : strlen(seg);
		if (len == 0)
			return "empty path segment";
		if ((len == 1 && seg[0] == '.') ||
		    (len == 2 && seg[0] == '.' && seg[1] == '.'))
			return "'.' or '..' segment";
	}
	return NULL;
}

/* The path, type, size and mtime of the header h at r->next. */
static int rd_parse(struct tar_rd *r, const unsigned char *h)
{
	char name[101], prefix[156], shown[300];
	const char *what, *code, *bad;
	uint64_t pos = r->next;
	size_t len;

	field_str(h, 100, name);
	field_str(h + 345, 155, prefix);
	snprintf(shown, sizeof(shown), "%s%s%.100s", prefix,
		 *prefix ? "/" : "", name);
	if (h[156] != '0' && h[156] != '5') {
		what = type_name(h[156], &code);
		if (what)
			rd_fail(r, code, "'%.200s' at offset %llu is %s: "
				"spoor-report pack writes only regular files "
				"and directories", shown,
				(unsigned long long)pos, what);
		else
			rd_fail(r, code, "'%.200s' at offset %llu has the "
				"unknown member type 0x%02x", shown,
				(unsigned long long)pos, h[156]);
		return SPOOR_EFORMAT;
	}
	if (memcmp(h + 257, "ustar\0" "00", 8)) {
		rd_fail(r, "tar", "'%.200s' at offset %llu: not a POSIX ustar "
			"header (%s)", shown, (unsigned long long)pos,
			!memcmp(h + 257, "ustar  \0", 8) ? "GNU tar format" :
			"old tar format");
		return SPOOR_EFORMAT;
	}
	r->dir = h[156] == '5';
	len = strlen(shown);
	if (r->dir && len && shown[len - 1] == '/')
		shown[--len] = '\0';
	else if (r->dir || (len && shown[len - 1] == '/'))
		len = 0;	/* reported below: a header pack never writes */
	bad = path_bad(shown);
	if (bad && len) {
		rd_fail(r, "path", "member '%.200s': unsafe path (%s)", shown,
			bad);
		return SPOOR_EFORMAT;
	}
	if (!len || len > TAR_PATH_MAX ||
	    !octal_field(h + 124, 12, &r->msize) ||
	    !octal_field(h + 136, 12, &r->cur_mtime)) {
		rd_fail(r, "tar", "'%.200s' at offset %llu: the %s field is "
			"not as spoor-report pack writes it", shown,
			(unsigned long long)pos, !len || len > TAR_PATH_MAX ?
			"name" : octal_field(h + 124, 12, &r->msize) ?
			"mtime" : "size");
		return SPOOR_EFORMAT;
	}
	memcpy(r->path, shown, len + 1);
	return 0;
}

/* The header, byte for byte as bundle_tar_header makes it? */
static int rd_canonical(struct tar_rd *r, const unsigned char *h)
{
	unsigned char want[BLK];
	size_t i;

	if (!bundle_tar_header(r->path, r->dir, r->msize,
			       (int64_t)r->cur_mtime, want)) {
		rd_fail(r, "tar", "'%.200s' at offset %llu cannot be in a "
			"tar of spoor-report pack (name, size or time too "
			"large)", r->path, (unsigned long long)r->next);
		return SPOOR_EFORMAT;
	}
	for (i = 0; i < BLK && h[i] == want[i]; i++)
		;
	if (i < BLK) {
		rd_fail(r, "tar", "'%.200s': the header at offset %llu "
			"differs from the one spoor-report pack writes in "
			"its %s field (byte %zu)", r->path,
			(unsigned long long)r->next, field_at(i), i);
		return SPOOR_EFORMAT;
	}
	return 0;
}

/* Sorted, unique, one time for all: as pack writes the members. */
static int rd_order(struct tar_rd *r)
{
	int64_t mtime = (int64_t)r->cur_mtime;
	int c = r->first ? 1 : strcmp(r->path, r->prev);

	if (c == 0) {
		rd_fail(r, "duplicate", "'%.200s' is in the archive more "
			"than once", r->path);
		return SPOOR_EFORMAT;
	}
	if (c < 0) {
		rd_fail(r, "tar", "'%.200s' comes after '%.200s': "
			"spoor-report pack sorts the members by name",
			r->path, r->prev);
		return SPOOR_EFORMAT;
	}
	if (!r->first && mtime != r->mtime) {
		rd_fail(r, "tar", "'%.200s' has another modification time "
			"than the members before it", r->path);
		return SPOOR_EFORMAT;
	}
	r->first = false;
	r->mtime = mtime;
	memcpy(r->prev, r->path, strlen(r->path) + 1);
	return 0;
}

/* The end: two zero blocks, then nothing but zeros. */
static int rd_end(struct tar_rd *r)
{
	if (r->size - r->next < 2 * BLK) {
		rd_fail(r, "input", "'%s' is truncated: no end-of-archive "
			"blocks", r->name);
		return SPOOR_EFORMAT;
	}
	return rd_zero(r, r->next, r->size, true);
}

/*
 * The next member: 1 (r->path, r->dir, r->msize set; its data to be
 * read with rd_data), 0 at the end of the archive (checked to its last
 * byte), SPOOR_EFORMAT (r->code, r->why).  Unread data of the member
 * before is skipped; its padding must be zero.
 */
static int rd_next(struct tar_rd *r)
{
	unsigned char h[BLK];
	size_t i;

	if (r->data && rd_zero(r, r->data + r->msize, r->next, false))
		return SPOOR_EFORMAT;
	r->data = r->left = 0;
	if (r->size - r->next < BLK) {
		if (r->next == 0)
			rd_fail(r, "input", "'%s' is %s", r->name, r->size ?
				"not a tar archive" : "an empty file");
		else
			rd_fail(r, "input", "'%s' is truncated: %s", r->name,
				r->size == r->next ? "no end-of-archive "
				"blocks" : "cut in a header");
		return SPOOR_EFORMAT;
	}
	if (!pread_all(r->fd, h, BLK, r->next)) {
		rd_fail(r, "input", "cannot read '%s'", r->name);
		return SPOOR_EFORMAT;
	}
	for (i = 0; i < BLK && !h[i]; i++)
		;
	if (i == BLK)
		return rd_end(r) ? SPOOR_EFORMAT : 0;
	if (!sum_ok(h)) {
		if (r->next == 0)
			rd_fail(r, "input", "'%s' is not a tar archive",
				r->name);
		else
			rd_fail(r, "input", "'%s': the block at offset %llu "
				"is not a tar header (checksum)", r->name,
				(unsigned long long)r->next);
		return SPOOR_EFORMAT;
	}
	if (rd_parse(r, h) || rd_canonical(r, h) || rd_order(r))
		return SPOOR_EFORMAT;
	r->data = r->next + BLK;
	r->left = r->dir ? 0 : r->msize;
	if (r->size - r->data < (r->left + BLK - 1) / BLK * BLK) {
		rd_fail(r, "input", "'%s' is truncated: member '%.200s' is "
			"short", r->name, r->path);
		return SPOOR_EFORMAT;
	}
	r->next = r->data + (r->left + BLK - 1) / BLK * BLK;
	return 1;
}

/* Up to len bytes of the member's data into buf; 0 at its end. */
static ssize_t rd_data(struct tar_rd *r, void *buf, size_t len)
{
	uint64_t off = r->data + (r->msize - r->left);
	size_t n = (size_t)MIN((uint64_t)len, r->left);

	if (n && !pread_all(r->fd, buf, n, off)) {
		rd_fail(r, "input", "cannot read '%s'", r->name);
		return -1;
	}
	r->left -= n;
	return (ssize_t)n;
}

/* ---- the scan ---- */

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
	size_t cap = control_cap(path);
	struct kept *k;

	if (!cap)
		return NULL;
	if (is_crl(path) && ++t->ncrl > CRL_COUNT_MAX)
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

/* libmagic is opened only when a member needs it: a tar refused at its
 * first header costs no database load. */
static void head_mime(struct tar_bundle *t, size_t hn, struct tar_member *m)
{
	char mime[SPOOR_MIME_MAX] = "";

	if (!t->mg && t->typed && hn && !t->own_mg) {
		t->mg = t->own_mg = spoor_magic_new(NULL);
		t->typed = t->mg != NULL;
	}
	if (!t->mg || spoor_magic_mime(t->mg, t->head, hn, mime, NULL))
		return;
	if (!strncmp(mime, "image/", 6) || !strncmp(mime, "video/", 6))
		m->media = strdup(mime);
}

/* Hash (and maybe keep) the data of a regular member. */
static int member_data(struct tar_bundle *t, struct tar_rd *r,
		       struct tar_member *m,
		       struct kept *k, unsigned char *buf)
{
	unsigned char md[32];
	size_t hn = 0;
	uint64_t total = 0;
	ssize_t n;

	if (!EVP_DigestInit_ex(t->md, EVP_sha256(), NULL))
		return SPOOR_ENOMEM;
	while ((n = rd_data(r, buf, TAR_READ)) > 0) {
		if (hn < SPOOR_MAGIC_HEAD) {
			size_t c = MIN((size_t)n, SPOOR_MAGIC_HEAD - hn);

			memcpy(t->head + hn, buf, c);
			hn += c;
		}
		if (k && k->buf)
			memcpy(k->buf + total, buf, (size_t)n);
		EVP_DigestUpdate(t->md, buf, (size_t)n);
		total += (uint64_t)n;
	}
	if (n < 0)
		return SPOOR_EFORMAT;
	EVP_DigestFinal_ex(t->md, md, NULL);
	bundle_hex(md, 32, m->sha256);
	m->size = total;
	if (k && k->buf) {
		k->buf[total] = '\0';
		k->len = (size_t)total;
	}
	head_mime(t, hn, m);
	m->cms = bundle_sealed_head_ok(t->head, hn);
	return 0;
}

static int member(struct tar_bundle *t, struct tar_rd *r,
		  unsigned char *buf)
{
	struct tar_member *m;
	struct kept *k;
	bool oom = false;

	if (t->n >= MAX_ENTRIES) {
		say(t, true, "limit", "more than %d files", MAX_ENTRIES);
		return SPOOR_ELIMIT;
	}
	m = member_add(t, r->path);
	if (!m)
		return SPOOR_ENOMEM;
	m->dir = r->dir;
	if (m->dir)
		return 0;
	k = kept_add(t, m->path, r->msize, &oom);
	if (oom)
		return SPOOR_ENOMEM;
	return member_data(t, r, m, k, buf);
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
	return NULL;
}

/* A directory member with nothing below it? (members sorted) */
static bool empty_dir(const struct tar_bundle *t, size_t i)
{
	const char *d = t->m[i].path;
	size_t lo = i + 1, hi = t->n, n = strlen(d);

	while (lo < hi) {	/* the first path after d + "/" */
		size_t mid = lo + (hi - lo) / 2;
		const char *p = t->m[mid].path;
		int c = strncmp(p, d, n);

		if (c < 0 || (c == 0 && (unsigned char)p[n] < '/'))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == t->n || strncmp(t->m[lo].path, d, n) ||
	       t->m[lo].path[n] != '/';
}

static int cmp_member(const void *a, const void *b)
{
	return strcmp(((const struct tar_member *)a)->path,
		      ((const struct tar_member *)b)->path);
}

/* A directory member for every parent of every member, none empty: the
 * directories pack writes, no other. */
static int dirs_check(struct tar_bundle *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		const char *p = t->m[i].path, *sl;

		if (t->m[i].dir && empty_dir(t, i)) {
			say(t, true, "tar", "'%.200s/' is an empty directory: "
			    "spoor-report pack writes none", p);
			return SPOOR_EFORMAT;
		}
		for (sl = strchr(p, '/'); sl; sl = strchr(sl + 1, '/')) {
			struct tar_member key, *d;
			char dir[TAR_PATH_MAX + 1];

			memcpy(dir, p, (size_t)(sl - p));
			dir[sl - p] = '\0';
			key.path = dir;
			d = bsearch(&key, t->m, t->n, sizeof(*t->m),
				    cmp_member);
			if (!d || !d->dir) {
				say(t, true, "tar", "'%.200s' has no "
				    "directory member '%s/' before it, as "
				    "spoor-report pack writes", p, dir);
				return SPOOR_EFORMAT;
			}
		}
	}
	return 0;
}

/* The caps of the kept members, after the pass. */
static void kept_check(struct tar_bundle *t)
{
	size_t i;

	for (i = 0; i < t->nk; i++)
		if (t->k[i].over)
			say(t, true, "limit", "'%.200s' is larger than %zu "
			    "bytes", t->k[i].path, control_cap(t->k[i].path));
	if (t->ncrl > CRL_COUNT_MAX)
		say(t, true, "limit", "more than %d CRLs in certs/crl/",
		    CRL_COUNT_MAX);
}

int tar_bundle_scan(int fd, const char *name, struct spoor_magic *mg,
		    bool open_magic, tar_report_fn *report, void *u,
		    struct tar_bundle **out)
{
	struct tar_bundle *t = calloc(1, sizeof(*t));
	unsigned char *buf = NULL;
	const char *kind;
	struct tar_rd r;
	int rc;

	*out = t;
	if (!t)
		return SPOOR_ENOMEM;
	t->name = strdup(name);
	t->report = report;
	t->u = u;
	t->mtime = -1;
	t->mg = mg;
	t->typed = mg || open_magic;
	t->md = EVP_MD_CTX_new();
	t->head = malloc(SPOOR_MAGIC_HEAD);
	buf = malloc(TAR_READ);
	if (!t->name || !t->md || !t->head || !buf) {
		free(buf);
		return SPOOR_ENOMEM;
	}
	kind = sniff(fd);
	if (kind) {
		say(t, true, "input", "'%s' is %s, not an uncompressed tar "
		    "archive", name, kind);
		free(buf);
		return SPOOR_EFORMAT;
	}
	rc = rd_open(&r, fd, name);
	while (!rc) {
		rc = rd_next(&r);
		if (rc <= 0)
			break;
		rc = member(t, &r, buf);
	}
	if (rc == SPOOR_EFORMAT && r.code)
		say(t, true, r.code, "%s", r.why);
	if (!rc) {
		t->mtime = r.mtime;
		rc = dirs_check(t);
		kept_check(t);
	}
	spoor_magic_free(t->own_mg);
	t->own_mg = t->mg = NULL;
	free(buf);
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
	spoor_magic_free(t->own_mg);
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

bool tar_bundle_typed(const struct tar_bundle *t)
{
	return t && t->typed;
}

int64_t tar_bundle_mtime(const struct tar_bundle *t)
{
	return t ? t->mtime : -1;
}

const char *tar_bundle_get(const struct tar_bundle *t, const char *name,
			   size_t *len)
{
	size_t i;

	for (i = 0; t && i < t->nk; i++)
		if (t->k[i].buf && !strcmp(t->k[i].path, name)) {
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

		if (!k->buf || !is_crl(k->path))
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

static int write_member(struct tar_rd *r, int out,
			const struct manifest_entry *e, unsigned char *buf,
			struct spoor_err *err)
{
	ssize_t n;

	if (r->msize != e->size)
		return spoor_err_set(err, SPOOR_EIO, 0, "'%s' changed since "
				     "it was verified", e->path);
	while ((n = rd_data(r, buf, BUNDLE_READ_BUF)) > 0)
		if (spoor_write_all(out, buf, (size_t)n) < 0)
			return spoor_err_set(err, SPOOR_EOUTPUT, errno,
					     "cannot write '%s'", e->path);
	if (n < 0)
		return spoor_err_set(err, SPOOR_EIO, 0, "%s", r->why);
	if (fsync(out) < 0)
		return spoor_err_set(err, SPOOR_EOUTPUT, errno, "cannot sync "
				     "'%s'", e->path);
	return 0;
}

static int extract_one(struct tar_rd *r, int dst,
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
	rc = write_member(r, out, e, buf, err);
	close(out);
	return rc ? rc : verify_copy_check(dst, e, buf, err);
}

static int extract_member(struct tar_rd *r, const struct manifest *m,
			  int dst, bool *done, unsigned char *buf,
			  struct spoor_err *err)
{
	const struct manifest_entry *e;

	if (r->dir || bundle_manifest_name(r->path))
		return 0;	/* not listed, not extracted */
	e = bsearch(r->path, m->e, m->n, sizeof(*m->e), cmp_entry);
	if (!e)
		return spoor_err_set(err, SPOOR_EIO, 0, "'%.200s' is not "
				     "listed", r->path);
	if (done[e - m->e])
		return spoor_err_set(err, SPOOR_EIO, 0, "'%s' is in the "
				     "archive more than once", e->path);
	done[e - m->e] = true;
	return extract_one(r, dst, e, buf, err);
}

int tar_bundle_extract(const struct tar_bundle *t, int fd,
		       const struct manifest *m, int dst,
		       struct spoor_err *err)
{
	unsigned char *buf = malloc(MAX(BUNDLE_READ_BUF, TAR_READ));
	bool *done = calloc(m->n + 1, sizeof(*done));
	struct tar_rd r;
	size_t i;
	int rc = 0;

	if (!buf || !done)
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	if (!rc && rd_open(&r, fd, t->name))
		rc = spoor_err_set(err, SPOOR_EIO, 0, "%s", r.why);
	while (!rc) {
		int k = rd_next(&r);

		if (k == 0)
			break;
		if (k < 0)
			rc = spoor_err_set(err, SPOOR_EIO, 0, "changed since "
					   "it was verified: %s", r.why);
		else
			rc = extract_member(&r, m, dst, done, buf, err);
	}
	if (!rc && r.mtime != t->mtime)
		rc = spoor_err_set(err, SPOOR_EIO, 0, "'%s' changed since it "
				   "was verified", t->name);
	for (i = 0; !rc && i < m->n; i++)
		if (!done[i])
			rc = spoor_err_set(err, SPOOR_EIO, 0, "'%s' is "
					   "missing from the archive",
					   m->e[i].path);
	free(done);
	free(buf);
	return rc;
}
