/*
 * bundle.c: the MANIFEST of an evidence bundle (write, parse) and its
 * detached CMS signature.  See ../shared/docs/bundle.md sections 4 and 5.
 */
#include "bundle.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/store.h>
#include <openssl/ui.h>
#include <openssl/x509.h>

#include "banned.h"

#define PATH_MAX_BYTES 255
#define PATH_MAX_SEGS 8
#define SEG_MAX 64
#define VALUE_MAX 256

/* ---- grammar ---- */

static bool seg_char_ok(char c, bool first)
{
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return true;
	return !first && (c == '.' || c == '_' || c == '-');
}

static bool device_name(const char *seg, size_t n)
{
	static const char *const dev[] = { "con", "prn", "aux", "nul" };
	size_t base = 0;
	size_t i;

	while (base < n && seg[base] != '.')
		base++;
	for (i = 0; i < ARRAY_SIZE(dev); i++)
		if (base == 3 && !memcmp(seg, dev[i], 3))
			return true;
	if (base == 4 && (!memcmp(seg, "com", 3) || !memcmp(seg, "lpt", 3)) &&
	    seg[3] >= '1' && seg[3] <= '9')
		return true;
	return false;
}

bool spoor_bundle_path_ok(const char *path)
{
	const char *p = path;
	size_t segs = 0;

	if (!path || !*path || strlen(path) > PATH_MAX_BYTES)
		return false;
	for (;;) {
		size_t n = 0;

		while (p[n] && p[n] != '/') {
			if (n >= SEG_MAX || !seg_char_ok(p[n], n == 0))
				return false;
			n++;
		}
		/* the first character is never '.', so "." and ".." fail
		 * above; an empty segment fails here */
		if (n == 0 || ++segs > PATH_MAX_SEGS || device_name(p, n))
			return false;
		if (!p[n])
			return true;
		p += n + 1;
	}
}

bool bundle_hex64_ok(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[64] == '\0';
}

bool bundle_uuid4_ok(const char *s)
{
	size_t i;

	for (i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' :
		    !((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return s[36] == '\0' && s[14] == '4' && strchr("89ab", s[19]);
}

bool bundle_time_ok(const char *s)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t i;
	int mo, d, h, mi, se;

	for (i = 0; pat[i]; i++)
		if (pat[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') :
		    s[i] != pat[i])
			return false;
	if (s[i])
		return false;
	mo = (s[5] - '0') * 10 + s[6] - '0';
	d = (s[8] - '0') * 10 + s[9] - '0';
	h = (s[11] - '0') * 10 + s[12] - '0';
	mi = (s[14] - '0') * 10 + s[15] - '0';
	se = (s[17] - '0') * 10 + s[18] - '0';
	return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 &&
	       mi <= 59 && se <= 60;
}

/* Printable UTF-8, no control characters, no edge spaces, bounded. */
bool bundle_value_ok(const char *s)
{
	size_t len = s ? strlen(s) : 0;
	size_t i = 0;

	if (len == 0 || len > VALUE_MAX || s[0] == ' ' || s[len - 1] == ' ')
		return false;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t n;

		if (c < 0x20 || c == 0x7f)
			return false;
		n = spoor_utf8_seq(s + i, len - i);
		if (n == 0)
			return false;
		if (n == 2 && c == 0xc2 &&
		    (unsigned char)s[i + 1] < 0xa0)	/* C1 controls */
			return false;
		i += n;
	}
	return true;
}

static int header_check(const struct spoor_manifest_header *h,
			struct spoor_err *err)
{
#define BAD(key) spoor_err_set(err, SPOOR_EFORMAT, 0, \
			       "bad manifest header '%s'", key)
	if (!h->bundle_id || !bundle_uuid4_ok(h->bundle_id))
		return BAD("bundle-id");
	if (h->bundle_version < 1)
		return BAD("bundle-version");
	if (!h->supersedes || (strcmp(h->supersedes, "-") &&
			       !bundle_hex64_ok(h->supersedes)))
		return BAD("supersedes");
	if (!bundle_value_ok(h->case_id))
		return BAD("case-id");
	if (!bundle_value_ok(h->police_ref))
		return BAD("police-ref");
	if (!bundle_value_ok(h->recipient))
		return BAD("recipient");
	if (!h->created || !bundle_time_ok(h->created))
		return BAD("created");
	if (!bundle_value_ok(h->producer))
		return BAD("producer");
	if (!h->custody_head || !bundle_hex64_ok(h->custody_head))
		return BAD("custody-head");
	if (!h->content_policy || (strcmp(h->content_policy, "hash-only") &&
				   strcmp(h->content_policy,
					  "sealed-to-recipient")))
		return BAD("content-policy");
#undef BAD
	return 0;
}

/* ---- hashing and reading ---- */

bool bundle_manifest_name(const char *name)
{
	return !strcmp(name, "MANIFEST") || !strcmp(name, "MANIFEST.p7s") ||
	       !strcmp(name, "MANIFEST.p7s.tsr");
}

void bundle_cert_sha256(X509 *x, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;

	if (X509_digest(x, EVP_sha256(), md, &len) && len == 32)
		bundle_hex(md, 32, hex);
	else
		hex[0] = '\0';
}

bool bundle_sealed_head_ok(const unsigned char *p, size_t n)
{
	static const unsigned char auth_env[] = {
		0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09,
		0x10, 0x01, 0x17,
	};
	static const unsigned char env[] = {
		0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07,
		0x03,
	};
	size_t i = 2;

	if (n < 2 || p[0] != 0x30)
		return false;
	if (p[1] & 0x80) {		/* long form, or 0x80: indefinite */
		size_t k = p[1] & 0x7f;

		if (k > 4)
			return false;
		i += k;
	}
	if (n >= i + sizeof(auth_env) &&
	    !memcmp(p + i, auth_env, sizeof(auth_env)))
		return true;
	return n >= i + sizeof(env) && !memcmp(p + i, env, sizeof(env));
}

void bundle_hex(const unsigned char *p, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hx[p[i] >> 4];
		out[2 * i + 1] = hx[p[i] & 15];
	}
	out[2 * n] = '\0';
}

int bundle_sha256_fd(int fd, unsigned char *buf, uint64_t max,
		     char hex[65], uint64_t *size, struct spoor_err *err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char md[32];
	uint64_t total = 0;
	int rc = 0;

	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(ctx);
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "cannot hash");
	}
	for (;;) {
		ssize_t n = read(fd, buf, BUNDLE_READ_BUF);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = spoor_err_set(err, SPOOR_EIO, errno, "read failed");
			break;
		}
		if (n == 0)
			break;
		total += (uint64_t)n;
		if (total > max) {
			rc = spoor_err_set(err, SPOOR_ELIMIT, 0,
					   "file grew past its size");
			break;
		}
		if (!EVP_DigestUpdate(ctx, buf, (size_t)n)) {
			rc = spoor_err_set(err, SPOOR_EINTERNAL, 0,
					   "sha-256 failed");
			break;
		}
	}
	if (!rc && !EVP_DigestFinal_ex(ctx, md, NULL))
		rc = spoor_err_set(err, SPOOR_EINTERNAL, 0, "sha-256 failed");
	EVP_MD_CTX_free(ctx);
	if (rc)
		return rc;
	bundle_hex(md, 32, hex);
	*size = total;
	return 0;
}

int bundle_read_fd(int fd, const char *name, size_t max, char **buf,
		   size_t *len, struct spoor_err *err)
{
	struct stat st;

	*buf = NULL;
	*len = 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return spoor_err_set(err, SPOOR_EFORMAT, 0,
				     "'%s' is not a regular file", name);
	if ((uint64_t)st.st_size > max)
		return spoor_err_set(err, SPOOR_ELIMIT, 0,
				     "'%s' is too large", name);
	return spoor_read_all(fd, name, max, buf, len, err);
}

int bundle_read_at(int dirfd, const char *name, size_t max, char **buf,
		   size_t *len, struct spoor_err *err)
{
	return spoor_read_file(dirfd, name, O_NOFOLLOW, max, buf, len, err);
}

/* ---- parsing ---- */

static const char *const header_keys[] = {
	"bundle-id", "bundle-version", "supersedes", "case-id", "police-ref",
	"recipient", "created", "producer", "custody-head", "custody-count",
	"content-policy", "hash",
};

/* A decimal without sign or leading zeros, into *v. */
static bool parse_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (!*s || (s[0] == '0' && s[1]) || strlen(s) > 20)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || x > (UINT64_MAX - 9) / 10)
			return false;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return true;
}

static int header_line(struct manifest *m, size_t k, char *line,
		       size_t lineno, struct spoor_err *err)
{
	size_t kl = strlen(header_keys[k]);
	struct spoor_manifest_header *h = &m->h;
	char *v = line + kl + 2;

	if (strncmp(line, header_keys[k], kl) || line[kl] != ':' ||
	    line[kl + 1] != ' ')
		return spoor_err_set(err, SPOOR_EFORMAT, 0,
				     "manifest line %zu: expected key '%s'",
				     lineno, header_keys[k]);
	switch (k) {
	case 0: h->bundle_id = v; break;
	case 1:
		if (!parse_u64(v, &h->bundle_version))
			h->bundle_version = 0;
		break;
	case 2: h->supersedes = v; break;
	case 3: h->case_id = v; break;
	case 4: h->police_ref = v; break;
	case 5: h->recipient = v; break;
	case 6: h->created = v; break;
	case 7: h->producer = v; break;
	case 8: h->custody_head = v; break;
	case 9:
		if (!parse_u64(v, &h->custody_count))
			return spoor_err_set(err, SPOOR_EFORMAT, 0,
				"manifest line %zu: bad 'custody-count'",
				lineno);
		break;
	case 10: h->content_policy = v; break;
	case 11:
		if (strcmp(v, "sha256"))
			return spoor_err_set(err, SPOOR_EFORMAT, 0,
				"manifest line %zu: bad 'hash'", lineno);
		break;
	}
	return 0;
}

static int entry_line(struct manifest *m, char *line, size_t lineno,
		      struct spoor_err *err)
{
	struct manifest_entry *e = &m->e[m->n];
	char *sp1, *sp2;

	sp1 = strchr(line, ' ');
	if (!sp1 || sp1 - line != 64)
		goto bad;
	*sp1 = '\0';
	if (!bundle_hex64_ok(line))
		goto bad;
	sp2 = strchr(sp1 + 1, ' ');
	if (!sp2)
		goto bad;
	*sp2 = '\0';
	if (!parse_u64(sp1 + 1, &e->size) || !spoor_bundle_path_ok(sp2 + 1))
		goto bad;
	memcpy(e->sha256, line, 65);
	e->path = sp2 + 1;
	if (m->n && strcmp(m->e[m->n - 1].path, e->path) >= 0)
		return spoor_err_set(err, SPOOR_EFORMAT, 0,
			"manifest line %zu: entries not sorted or not unique",
			lineno);
	m->n++;
	return 0;
bad:
	return spoor_err_set(err, SPOOR_EFORMAT, 0,
			     "manifest line %zu: bad entry", lineno);
}

void manifest_release(struct manifest *m)
{
	free(m->text);
	free(m->e);
	memset(m, 0, sizeof(*m));
}

int manifest_parse(const char *buf, size_t len, struct manifest *m,
		   struct spoor_err *err)
{
	static const char magic[] = "FORENSIC-BUNDLE-MANIFEST 1";
	size_t i, lines = 0, lineno = 0;
	char *p;
	int rc = 0;

	memset(m, 0, sizeof(*m));
	if (len > SPOOR_MANIFEST_MAX)
		return spoor_err_set(err, SPOOR_ELIMIT, 0,
				     "manifest over %u bytes",
				     SPOOR_MANIFEST_MAX);
	if (len == 0 || buf[len - 1] != '\n')
		return spoor_err_set(err, SPOOR_EFORMAT, 0,
				     "manifest does not end with LF");
	for (i = 0; i < len;) {
		unsigned char c = (unsigned char)buf[i];
		size_t n;

		if (c == '\n') {
			lines++;
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			return spoor_err_set(err, SPOOR_EFORMAT, 0,
				"manifest has a control character (CR, NUL, "
				"TAB ...) at byte %zu", i);
		n = spoor_utf8_seq(buf + i, len - i);
		if (n == 0)
			return spoor_err_set(err, SPOOR_EFORMAT, 0,
				"manifest is not UTF-8 at byte %zu", i);
		i += n;
	}
	if (lines < 15)
		return spoor_err_set(err, SPOOR_EFORMAT, 0,
				     "manifest too short");
	m->text = malloc(len + 1);
	m->e = calloc(lines - 14, sizeof(*m->e));
	if (!m->text || !m->e) {
		manifest_release(m);
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	}
	memcpy(m->text, buf, len);
	m->text[len] = '\0';
	p = m->text;
	while (*p && !rc) {
		char *line = p, *nl = strchr(p, '\n');

		*nl = '\0';
		p = nl + 1;
		lineno++;
		if (lineno == 1) {
			if (strcmp(line, magic))
				rc = spoor_err_set(err, SPOOR_EFORMAT, 0,
					"manifest magic is not '%s'", magic);
		} else if (lineno <= 13) {
			rc = header_line(m, lineno - 2, line, lineno, err);
		} else if (lineno == 14) {
			if (*line)
				rc = spoor_err_set(err, SPOOR_EFORMAT, 0,
					"manifest line 14: expected an empty "
					"line");
			else
				rc = header_check(&m->h, err);
		} else {
			rc = entry_line(m, line, lineno, err);
		}
	}
	if (!rc && m->n == 0)
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0,
				   "manifest lists no file");
	if (rc)
		manifest_release(m);
	return rc;
}

/* ---- writing ---- */

struct walk {
	char **paths;
	size_t n, cap;
	size_t bytes;		/* of the manifest lines so far (bound) */
};

static int walk_add(struct walk *w, const char *path, struct spoor_err *err)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		char **np = realloc(w->paths, cap * sizeof(*np));

		if (!np)
			return spoor_err_set(err, SPOOR_ENOMEM, 0,
					     "out of memory");
		w->paths = np;
		w->cap = cap;
	}
	w->paths[w->n] = strdup(path);
	if (!w->paths[w->n])
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	w->n++;
	w->bytes += 64 + 22 + strlen(path) + 2;
	if (w->bytes > SPOOR_MANIFEST_MAX)
		return spoor_err_set(err, SPOOR_ELIMIT, 0,
				     "too many files for one manifest");
	return 0;
}

static int walk_dir(int dfd, const char *rel, int depth, struct walk *w,
		    struct spoor_err *err)
{
	DIR *d;
	struct dirent *de;
	size_t found = 0;
	int rc = 0;

	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return spoor_err_set(err, SPOOR_EIO, errno,
				     "cannot read directory '%s'",
				     *rel ? rel : ".");
	}
	while (!rc && (errno = 0, de = readdir(d))) {
		struct sbuf path = SBUF_INIT;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		found++;
		if (depth == 0 && !strncmp(de->d_name, "MANIFEST", 8))
			continue;
		if (*rel)
			sbuf_addf(&path, "%s/%s", rel, de->d_name);
		else
			sbuf_adds(&path, de->d_name);
		if (path.failed || !spoor_bundle_path_ok(sbuf_str(&path))) {
			rc = spoor_err_set(err, SPOOR_EFORMAT, 0,
				"bundle path '%.200s' outside the grammar",
				sbuf_str(&path));
		} else if (fstatat(dirfd(d), de->d_name, &st,
				   AT_SYMLINK_NOFOLLOW) < 0) {
			rc = spoor_err_set(err, SPOOR_EIO, errno,
					   "cannot stat '%s'", sbuf_str(&path));
		} else if (S_ISREG(st.st_mode)) {
			rc = walk_add(w, sbuf_str(&path), err);
		} else if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd(d), de->d_name, O_RDONLY |
					 O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub < 0)
				rc = spoor_err_set(err, SPOOR_EIO, errno,
					"cannot open '%s'", sbuf_str(&path));
			else
				rc = walk_dir(sub, sbuf_str(&path), depth + 1,
					      w, err);
		} else {
			rc = spoor_err_set(err, SPOOR_EFORMAT, 0,
				"'%s' is not a regular file or directory",
				sbuf_str(&path));
		}
		sbuf_release(&path);
	}
	if (!rc && errno)
		rc = spoor_err_set(err, SPOOR_EIO, errno,
				   "cannot read directory '%s'",
				   *rel ? rel : ".");
	closedir(d);
	if (!rc && found == 0 && depth > 0)
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0,
				   "empty directory '%s'", rel);
	return rc;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int hash_entry(int dirfd, const char *path, unsigned char *buf,
		      struct sbuf *out, struct spoor_err *err)
{
	struct stat st;
	char hex[65];
	uint64_t size;
	int fd, rc;

	fd = openat(dirfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return spoor_err_set(err, SPOOR_EIO, errno,
				     "cannot open '%s'", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return spoor_err_set(err, SPOOR_EFORMAT, 0,
				     "'%s' is not a regular file", path);
	}
	rc = bundle_sha256_fd(fd, buf, UINT64_MAX, hex, &size, err);
	close(fd);
	if (rc)
		return rc;
	sbuf_addf(out, "%s %llu %s\n", hex, (unsigned long long)size, path);
	return 0;
}

int spoor_manifest_write(const char *dir,
			 const struct spoor_manifest_header *h,
			 struct spoor_err *err)
{
	struct walk w = { NULL, 0, 0, 0 };
	struct sbuf out = SBUF_INIT;
	unsigned char *buf = NULL;
	int dfd, wfd, rc;
	size_t i;

	if (!dir || !h)
		return spoor_err_set(err, SPOOR_EINVAL, 0, "no bundle");
	rc = header_check(h, err);
	if (rc)
		return rc;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return spoor_err_set(err, SPOOR_EIO, errno,
				     "cannot open '%s'", dir);
	wfd = dup(dfd);
	rc = wfd < 0 ? spoor_err_set(err, SPOOR_EIO, errno, "dup failed")
		     : walk_dir(wfd, "", 0, &w, err);
	if (!rc && w.n == 0)
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0,
				   "no file in '%s'", dir);
	if (!rc) {
		qsort(w.paths, w.n, sizeof(*w.paths), cmp_path);
		buf = malloc(BUNDLE_READ_BUF);
		if (!buf)
			rc = spoor_err_set(err, SPOOR_ENOMEM, 0,
					   "out of memory");
	}
	out.max = SPOOR_MANIFEST_MAX;
	if (!rc)
		sbuf_addf(&out, "FORENSIC-BUNDLE-MANIFEST 1\n"
			  "bundle-id: %s\nbundle-version: %llu\n"
			  "supersedes: %s\ncase-id: %s\npolice-ref: %s\n"
			  "recipient: %s\ncreated: %s\nproducer: %s\n"
			  "custody-head: %s\ncustody-count: %llu\n"
			  "content-policy: %s\nhash: sha256\n\n",
			  h->bundle_id,
			  (unsigned long long)h->bundle_version,
			  h->supersedes, h->case_id, h->police_ref,
			  h->recipient, h->created, h->producer,
			  h->custody_head,
			  (unsigned long long)h->custody_count,
			  h->content_policy);
	for (i = 0; !rc && i < w.n; i++)
		rc = hash_entry(dfd, w.paths[i], buf, &out, err);
	if (!rc && out.failed)
		rc = spoor_err_set(err, SPOOR_ELIMIT, 0,
				   "manifest over %u bytes",
				   SPOOR_MANIFEST_MAX);
	if (!rc)
		rc = spoor_atomic_write(dfd, "MANIFEST", out.buf, out.len, 0644,
					 err);
	for (i = 0; i < w.n; i++)
		free(w.paths[i]);
	free(w.paths);
	free(buf);
	sbuf_release(&out);
	close(dfd);
	return rc;
}

/* ---- signing ---- */

/* Passphrase callback: never prompts (the library has no terminal). */
static int pass_cb(char *buf, int size, int rwflag, void *u)
{
	size_t n;

	(void)rwflag;
	if (!u || size <= 0)
		return -1;
	n = strlen(u);
	if (n > (size_t)size)
		return -1;
	memcpy(buf, u, n);
	return (int)n;
}

static int ossl_err(struct spoor_err *err, int code, const char *what)
{
	char e[120];
	unsigned long l = ERR_peek_last_error();

	ERR_error_string_n(l, e, sizeof(e));
	ERR_clear_error();
	return spoor_err_set(err, code, 0, "%s%s%s", what, l ? ": " : "",
			     l ? e : "");
}

/* A URI scheme such as "pkcs11:" or "file:" (not a plain path). */
static bool is_uri(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789+-.");

	return n > 1 && s[n] == ':';
}

static EVP_PKEY *load_key_uri(const char *uri, const char *pass,
			      struct spoor_err *err)
{
	UI_METHOD *ui = UI_UTIL_wrap_read_pem_callback(pass_cb, 0);
	OSSL_STORE_CTX *st;
	EVP_PKEY *pk = NULL;

	st = ui ? OSSL_STORE_open(uri, ui, (void *)pass, NULL, NULL) : NULL;
	if (!st) {
		UI_destroy_method(ui);
		ossl_err(err, SPOOR_EIO, "cannot open key store");
		return NULL;
	}
	OSSL_STORE_expect(st, OSSL_STORE_INFO_PKEY);
	while (!pk && !OSSL_STORE_eof(st)) {
		OSSL_STORE_INFO *info = OSSL_STORE_load(st);

		if (info && OSSL_STORE_INFO_get_type(info) ==
		    OSSL_STORE_INFO_PKEY)
			pk = OSSL_STORE_INFO_get1_PKEY(info);
		OSSL_STORE_INFO_free(info);
		if (!info)
			break;
	}
	OSSL_STORE_close(st);
	UI_destroy_method(ui);
	if (!pk)
		ossl_err(err, SPOOR_EFORMAT, "no private key in store");
	return pk;
}

EVP_PKEY *bundle_load_key(const char *key, const char *pass,
			  struct spoor_err *err)
{
	EVP_PKEY *pk;
	BIO *b;

	if (is_uri(key))
		return load_key_uri(key, pass, err);
	b = BIO_new_file(key, "rb");
	if (!b) {
		spoor_err_set(err, SPOOR_EIO, errno, "cannot open '%s'", key);
		ERR_clear_error();
		return NULL;
	}
	pk = PEM_read_bio_PrivateKey(b, NULL, pass_cb, (void *)pass);
	BIO_free(b);
	if (!pk)
		ossl_err(err, SPOOR_EFORMAT, pass ?
			 "cannot read key (wrong passphrase?)" :
			 "cannot read key (a passphrase is needed?)");
	return pk;
}

static int load_certs(const char *path, STACK_OF(X509) *sk,
		      struct spoor_err *err)
{
	BIO *b = BIO_new_file(path, "rb");
	X509 *x;
	int n = 0;

	if (!b) {
		ERR_clear_error();
		return spoor_err_set(err, SPOOR_EIO, errno,
				     "cannot open '%s'", path);
	}
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL))) {
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			BIO_free(b);
			return spoor_err_set(err, SPOOR_ENOMEM, 0,
					     "out of memory");
		}
		n++;
	}
	ERR_clear_error();
	BIO_free(b);
	if (n == 0)
		return spoor_err_set(err, SPOOR_EFORMAT, 0,
				     "no certificate in '%s'", path);
	return 0;
}

/*
 * The chain must hold the organisation's self-signed root, and the
 * examiner's certificate must chain to it: the root then travels in
 * the signature, where spoor-verify --trust-fingerprint finds it (the
 * police pin it by the fingerprint given out of band; a root in the
 * bundle is never trusted by itself).  Times are not checked here.
 */
static int chain_to_root(X509 *ee, STACK_OF(X509) *chain, const char *cert,
			 const char *path, struct spoor_err *err)
{
	X509_STORE *st = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int i, roots = 0, rc = 0;

	for (i = 0; st && i < sk_X509_num(chain); i++) {
		X509 *x = sk_X509_value(chain, i);

		if (X509_self_signed(x, 1) == 1 && X509_STORE_add_cert(st, x))
			roots++;
	}
	if (!st || !ctx) {
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	} else if (!roots) {
		rc = spoor_err_set(err, SPOOR_EINVAL, 0, "the chain '%s' holds "
				   "no self-signed root: give the issuing CA "
				   "and the organisation's root (spoor-key "
				   "init-ca writes them as chain.pem), so that "
				   "the police can pin the root by its "
				   "fingerprint", path);
	} else {
		X509_VERIFY_PARAM *vp = X509_STORE_get0_param(st);

		X509_VERIFY_PARAM_set_purpose(vp, X509_PURPOSE_ANY);
		X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_NO_CHECK_TIME);
		if (!X509_STORE_CTX_init(ctx, st, ee, chain) ||
		    X509_verify_cert(ctx) != 1)
			rc = spoor_err_set(err, SPOOR_EINVAL, 0, "'%s' does "
					   "not chain to the root in '%s': %s",
					   cert, path,
					   X509_verify_cert_error_string(
					   X509_STORE_CTX_get_error(ctx)));
	}
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	ERR_clear_error();
	return rc;
}

int spoor_manifest_sign(const char *dir, const struct spoor_signer *s,
			struct spoor_err *err)
{
	const unsigned flags = CMS_BINARY | CMS_DETACHED | CMS_CADES |
			       CMS_NOSMIMECAP | CMS_PARTIAL;
	STACK_OF(X509) *certs = sk_X509_new_null();
	STACK_OF(X509) *chain = sk_X509_new_null();
	CMS_ContentInfo *cms = NULL;
	unsigned char *der = NULL;
	EVP_PKEY *pk = NULL;
	char *man = NULL;
	size_t mlen;
	BIO *in = NULL;
	int dfd = -1, rc, dlen;

	if (!dir || !s || !s->key || !s->cert)
		return spoor_err_set(err, SPOOR_EINVAL, 0, "no signer");
	if (!certs || !chain) {
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
		goto out;
	}
	rc = load_certs(s->cert, certs, err);
	if (rc)
		goto out;
	pk = bundle_load_key(s->key, s->passphrase, err);
	if (!pk) {
		rc = err ? err->code : SPOOR_EFORMAT;
		goto out;
	}
	if (X509_check_private_key(sk_X509_value(certs, 0), pk) != 1) {
		ERR_clear_error();
		rc = spoor_err_set(err, SPOOR_EINVAL, 0,
			"certificate '%s' does not match the key", s->cert);
		goto out;
	}
	rc = s->chain ? load_certs(s->chain, chain, err) :
	     spoor_err_set(err, SPOOR_EINVAL, 0, "no chain: give the issuing "
			   "CA and the organisation's root");
	if (!rc)
		rc = chain_to_root(sk_X509_value(certs, 0), chain, s->cert,
				   s->chain, err);
	if (rc)
		goto out;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		rc = spoor_err_set(err, SPOOR_EIO, errno, "cannot open '%s'",
				   dir);
		goto out;
	}
	rc = bundle_read_at(dfd, "MANIFEST", SPOOR_MANIFEST_MAX, &man, &mlen,
			    err);
	if (rc)
		goto out;
	in = BIO_new_mem_buf(man, (int)mlen);
	cms = in ? CMS_sign(NULL, NULL, chain, NULL, flags) : NULL;
	if (!cms || !CMS_add1_signer(cms, sk_X509_value(certs, 0), pk,
				     EVP_sha256(), flags) ||
	    !CMS_final(cms, in, NULL, flags)) {
		rc = ossl_err(err, SPOOR_EINTERNAL, "cms signing failed");
		goto out;
	}
	dlen = i2d_CMS_ContentInfo(cms, &der);
	if (dlen <= 0) {
		rc = ossl_err(err, SPOOR_EINTERNAL, "cms encoding failed");
		goto out;
	}
	rc = spoor_atomic_write(dfd, "MANIFEST.p7s", der, (size_t)dlen,
				0644, err);
out:
	OPENSSL_free(der);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	free(man);
	EVP_PKEY_free(pk);
	sk_X509_pop_free(certs, X509_free);
	sk_X509_pop_free(chain, X509_free);
	if (dfd >= 0)
		close(dfd);
	return rc;
}
