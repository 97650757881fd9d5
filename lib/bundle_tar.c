/*
 * bundle_tar.c: spoor_bundle_pack, a bundle directory as the
 * uncompressed ustar tar of bundle.md section 4, and the one header
 * form it writes (bundle_tar_header), which spoor-verify also uses as
 * the only form it accepts.  Deterministic: the same bundle gives the
 * same bytes (names sorted, fixed modes, owner 0/0 without names, mtime
 * from the signed `created:`), so a tar can be re-made and compared.
 *
 * Written here, not through libarchive: the verifier compares every
 * header byte with bundle_tar_header's, so packer and verifier must
 * share one definition of the form, whatever libarchive version either
 * side runs.  Its bytes are those libarchive's ustar writer makes, so
 * tars packed before stay valid.
 */
#include "bundle.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "banned.h"

#define PACK_DEPTH_MAX 8

struct names {
	char **p;
	size_t n, cap;
};

static int names_add(struct names *nm, const char *s, size_t len,
		     struct spoor_err *err)
{
	if (spoor_grow(&nm->p, &nm->cap, nm->n, sizeof(*nm->p)))
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	nm->p[nm->n] = strndup(s, len);
	if (!nm->p[nm->n])
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	nm->n++;
	return 0;
}

static void names_release(struct names *nm)
{
	size_t i;

	for (i = 0; i < nm->n; i++)
		free(nm->p[i]);
	free(nm->p);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_entry(const void *key, const void *e)
{
	return strcmp(key, ((const struct manifest_entry *)e)->path);
}

/* Every file under dfd must be listed (or MANIFEST*); no special file. */
static int check_tree(int dfd, const char *rel, int depth,
		      const struct manifest *m, struct spoor_err *err)
{
	struct dirent *de;
	DIR *d = fdopendir(dfd);
	int rc = 0;

	if (!d) {
		close(dfd);
		return spoor_err_set(err, SPOOR_EIO, errno, "cannot read "
				     "'%s'", *rel ? rel : ".");
	}
	while (!rc && (de = readdir(d))) {
		struct sbuf path = SBUF_INIT;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (*rel)
			sbuf_addf(&path, "%s/%s", rel, de->d_name);
		else
			sbuf_adds(&path, de->d_name);
		if (path.failed)
			rc = spoor_err_set(err, SPOOR_ENOMEM, 0,
					   "out of memory");
		else if (fstatat(dirfd(d), de->d_name, &st,
				 AT_SYMLINK_NOFOLLOW) < 0)
			rc = spoor_err_set(err, SPOOR_EIO, errno, "cannot "
					   "stat '%.200s'", sbuf_str(&path));
		else if (S_ISDIR(st.st_mode) && depth < PACK_DEPTH_MAX) {
			int sub = openat(dirfd(d), de->d_name, O_RDONLY |
					 O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			rc = sub < 0 ? spoor_err_set(err, SPOOR_EIO, errno,
				"cannot open '%.200s'", sbuf_str(&path)) :
			     check_tree(sub, sbuf_str(&path), depth + 1, m,
					err);
		} else if (!S_ISREG(st.st_mode) || st.st_nlink > 1) {
			rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "'%.200s' is "
					   "not a regular file",
					   sbuf_str(&path));
		} else if (!(depth == 0 && bundle_manifest_name(de->d_name)) &&
			   !bsearch(sbuf_str(&path), m->e, m->n,
				    sizeof(*m->e), cmp_entry)) {
			rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "'%.200s' is "
					   "not listed in the MANIFEST",
					   sbuf_str(&path));
		}
		sbuf_release(&path);
	}
	closedir(d);
	return rc;
}

/* Open path below dfd one component at a time, never through a link. */
static int open_nofollow(int dfd, const char *path)
{
	const char *p = path, *sl;
	int cur = dfd, fd;

	while ((sl = strchr(p, '/'))) {
		char seg[256];
		size_t n = (size_t)(sl - p);

		if (n == 0 || n >= sizeof(seg)) {
			fd = -1;
			errno = EINVAL;
			goto out;
		}
		memcpy(seg, p, n);
		seg[n] = '\0';
		fd = openat(cur, seg, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			    O_CLOEXEC);
		if (cur != dfd)
			close(cur);
		if (fd < 0)
			return -1;
		cur = fd;
		p = sl + 1;
	}
	fd = openat(cur, p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
out:
	if (cur != dfd)
		close(cur);
	return fd;
}

/* Every member name: MANIFEST*, the listed files, their directories. */
static int member_names(const struct manifest *m, bool tsr,
			struct names *nm, struct spoor_err *err)
{
	size_t i;
	int rc;

	rc = names_add(nm, "MANIFEST", 8, err);
	if (!rc)
		rc = names_add(nm, "MANIFEST.p7s", 12, err);
	if (!rc && tsr)
		rc = names_add(nm, "MANIFEST.p7s.tsr", 16, err);
	for (i = 0; !rc && i < m->n; i++) {
		const char *p = m->e[i].path, *sl;

		for (sl = strchr(p, '/'); !rc && sl; sl = strchr(sl + 1, '/'))
			rc = names_add(nm, p, (size_t)(sl - p), err);
		if (!rc)
			rc = names_add(nm, p, strlen(p), err);
	}
	if (rc)
		return rc;
	qsort(nm->p, nm->n, sizeof(*nm->p), cmp_name);
	for (i = 1; i < nm->n; i++)	/* directories shared by files */
		if (!strcmp(nm->p[i], nm->p[i - 1])) {
			free(nm->p[i - 1]);
			nm->p[i - 1] = NULL;
		}
	return 0;
}

int64_t bundle_time_epoch(const char *s)
{
	struct tm tm;

	if (!s || !bundle_time_ok(s))
		return -1;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm);
}

/* digits octal digits of v, then the terminator bytes term[0..tn). */
static void tar_octal(unsigned char *p, int digits, uint64_t v,
		      const char *term, size_t tn)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%0*llo", digits, (unsigned long long)v);
	memcpy(p, buf, (size_t)digits);
	memcpy(p + digits, term, tn);
}

bool bundle_tar_header(const char *path, bool dir, uint64_t size,
		       int64_t mtime, unsigned char h[BUNDLE_TAR_BLOCK])
{
	size_t n = path ? strlen(path) : 0, i;
	char name[258];
	unsigned long sum = 0;

	memset(h, 0, BUNDLE_TAR_BLOCK);
	if (!n || n > 255 || (dir && size) || size > BUNDLE_TAR_SIZE_MAX ||
	    mtime < 0 || (uint64_t)mtime > BUNDLE_TAR_SIZE_MAX)
		return false;
	memcpy(name, path, n);
	if (dir)
		name[n++] = '/';
	name[n] = '\0';
	if (n > 100) {			/* ustar: prefix '/' name */
		const char *sl = strchr(name + n - 101, '/');

		if (sl == name)
			sl = strchr(sl + 1, '/');
		if (!sl || !sl[1] || sl - name > 155)
			return false;
		memcpy(h + 345, name, (size_t)(sl - name));
		memcpy(h, sl + 1, n - (size_t)(sl - name) - 1);
	} else {
		memcpy(h, name, n);
	}
	tar_octal(h + 100, 6, dir ? 0755 : 0644, " ", 2);
	tar_octal(h + 108, 6, 0, " ", 2);
	tar_octal(h + 116, 6, 0, " ", 2);
	tar_octal(h + 124, 11, size, " ", 1);
	tar_octal(h + 136, 11, (uint64_t)mtime, " ", 1);
	h[156] = dir ? '5' : '0';
	memcpy(h + 257, "ustar\0" "00", 8);
	tar_octal(h + 329, 6, 0, " ", 2);
	tar_octal(h + 337, 6, 0, " ", 2);
	memset(h + 148, ' ', 8);
	for (i = 0; i < BUNDLE_TAR_BLOCK; i++)
		sum += h[i];
	tar_octal(h + 148, 6, sum, "\0 ", 2);
	return true;
}

static int write_all(int fd, const void *buf, size_t n,
		     struct spoor_err *err)
{
	const char *p = buf;

	while (n) {
		ssize_t k = write(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return spoor_err_set(err, SPOOR_EOUTPUT, k < 0 ? errno
					     : EIO, "cannot write the tar");
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int write_header(int out, const char *name, bool dir, uint64_t size,
			int64_t mtime, struct spoor_err *err)
{
	unsigned char h[BUNDLE_TAR_BLOCK];

	if (!bundle_tar_header(name, dir, size, mtime, h))
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s' does not fit "
				     "a ustar header (name over 100 bytes "
				     "without a '/' to split at, or 8 GiB "
				     "or more)", name);
	return write_all(out, h, sizeof(h), err);
}

/* One file member: header, data hashed against its entry (if listed),
 * zero padding. */
static int pack_file(int out, int dfd, const char *name,
		     const struct manifest_entry *e, int64_t mtime,
		     unsigned char *buf, struct spoor_err *err)
{
	EVP_MD_CTX *md = NULL;
	unsigned char dg[32];
	char hex[65];
	struct stat st;
	uint64_t total = 0;
	int fd = open_nofollow(dfd, name), rc = 0;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = spoor_err_set(err, SPOOR_EFORMAT, errno, "'%s' is not a "
				   "regular file", name);
		goto out;
	}
	if (e && (uint64_t)st.st_size != e->size) {
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s' is not the "
				   "size the MANIFEST says", name);
		goto out;
	}
	md = EVP_MD_CTX_new();
	if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "cannot hash");
		goto out;
	}
	rc = write_header(out, name, false, (uint64_t)st.st_size, mtime, err);
	while (!rc) {
		ssize_t n = read(fd, buf, BUNDLE_READ_BUF);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = spoor_err_set(err, SPOOR_EIO, errno, "cannot "
					   "read '%s'", name);
		if (n <= 0)
			break;
		total += (uint64_t)n;
		if (total > (uint64_t)st.st_size)
			rc = spoor_err_set(err, SPOOR_EIO, 0, "'%s' grew "
					   "while read", name);
		else
			rc = write_all(out, buf, (size_t)n, err);
		EVP_DigestUpdate(md, buf, (size_t)n);
	}
	if (!rc && total != (uint64_t)st.st_size)
		rc = spoor_err_set(err, SPOOR_EIO, 0, "'%s' shrank while "
				   "read", name);
	if (!rc && total % BUNDLE_TAR_BLOCK) {
		memset(buf, 0, BUNDLE_TAR_BLOCK);
		rc = write_all(out, buf, BUNDLE_TAR_BLOCK -
			       total % BUNDLE_TAR_BLOCK, err);
	}
	if (!rc && e) {
		EVP_DigestFinal_ex(md, dg, NULL);
		bundle_hex(dg, 32, hex);
		if (strcmp(hex, e->sha256))
			rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s' does "
					   "not match its SHA-256 in the "
					   "MANIFEST", name);
	}
out:
	EVP_MD_CTX_free(md);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* The tar itself into the open file out: the members, the end blocks. */
static int pack_write(int out, int dfd, const struct manifest *m,
		      const struct names *nm, struct spoor_err *err)
{
	unsigned char *buf = malloc(BUNDLE_READ_BUF);
	int64_t mtime = bundle_time_epoch(m->h.created);
	size_t i;
	int rc = 0;

	if (!buf)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	if (mtime < 0)
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "bad created time "
				   "'%s'", m->h.created);
	for (i = 0; !rc && i < nm->n; i++) {
		const char *name = nm->p[i];
		const struct manifest_entry *e;

		if (!name)
			continue;
		e = bsearch(name, m->e, m->n, sizeof(*m->e), cmp_entry);
		if (e || bundle_manifest_name(name))
			rc = pack_file(out, dfd, name, e, mtime, buf, err);
		else
			rc = write_header(out, name, true, 0, mtime, err);
	}
	if (!rc) {
		memset(buf, 0, 2 * BUNDLE_TAR_BLOCK);
		rc = write_all(out, buf, 2 * BUNDLE_TAR_BLOCK, err);
	}
	free(buf);
	return rc;
}

/* MANIFEST, parsed, and whether MANIFEST.p7s(.tsr) are there. */
static int pack_manifest(int dfd, const char *dir, struct manifest *m,
			 bool *tsr, struct spoor_err *err)
{
	struct stat st;
	char *buf = NULL;
	size_t len;
	int rc = bundle_read_at(dfd, "MANIFEST", SPOOR_MANIFEST_MAX, &buf,
				&len, err);

	if (rc == SPOOR_ENOTFOUND)
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s' is not a "
				     "bundle (no MANIFEST)", dir);
	if (rc)
		return rc;
	rc = manifest_parse(buf, len, m, err);
	free(buf);
	if (rc)
		return rc;
	if (fstatat(dfd, "MANIFEST.p7s", &st, AT_SYMLINK_NOFOLLOW) < 0)
		return spoor_err_set(err, SPOOR_EFORMAT, errno, "'%s' is not "
				     "signed (no MANIFEST.p7s)", dir);
	*tsr = fstatat(dfd, "MANIFEST.p7s.tsr", &st,
		       AT_SYMLINK_NOFOLLOW) == 0;
	return 0;
}

/* Would out go into the bundle directory dfd or below it?  Walks up
 * from out's directory by device and inode, so symlinks do not hide it
 * (a tar left inside would make the bundle INVALID). */
static bool out_inside(int dfd, const char *out)
{
	struct stat bd, st, up;
	char *d = strdup(out), *s;
	bool inside = false;
	int fd;

	if (!d || fstat(dfd, &bd)) {
		free(d);
		return false;
	}
	s = strrchr(d, '/');
	if (s)
		s[s == d] = '\0';
	fd = open(s ? d : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(d);
	for (int depth = 0; fd >= 0 && depth < 4096 && !fstat(fd, &st);
	     depth++) {
		int ufd;

		if (st.st_dev == bd.st_dev && st.st_ino == bd.st_ino) {
			inside = true;
			break;
		}
		ufd = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (ufd < 0 || fstat(ufd, &up) ||
		    (up.st_dev == st.st_dev && up.st_ino == st.st_ino)) {
			if (ufd >= 0)
				close(ufd);
			break;		/* the root */
		}
		close(fd);
		fd = ufd;
	}
	if (fd >= 0)
		close(fd);
	return inside;
}

int spoor_bundle_pack(const char *dir, const char *out,
		      struct spoor_err *err)
{
	struct manifest m;
	struct names nm = { NULL, 0, 0 };
	struct spoor_atomic at = { .fd = -1 };
	bool tsr = false;
	int dfd, rc;

	memset(&m, 0, sizeof(m));
	if (!dir || !out)
		return spoor_err_set(err, SPOOR_EINVAL, 0, "no bundle or "
				     "output given");
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return spoor_err_set(err, SPOOR_EIO, errno, "cannot open "
				     "'%s'", dir);
	rc = out_inside(dfd, out) ? spoor_err_set(err, SPOOR_EINVAL, 0,
		"'%s' is inside the bundle: put the tar elsewhere", out) : 0;
	if (!rc)
		rc = pack_manifest(dfd, dir, &m, &tsr, err);
	if (!rc) {
		int wfd = dup(dfd);

		rc = wfd < 0 ? spoor_err_set(err, SPOOR_EIO, errno, "cannot "
					     "read '%s'", dir) :
		     check_tree(wfd, "", 0, &m, err);
	}
	if (!rc)
		rc = member_names(&m, tsr, &nm, err);
	if (!rc)
		rc = spoor_atomic_open(&at, AT_FDCWD, out, 0644, err);
	if (!rc)
		rc = pack_write(at.fd, dfd, &m, &nm, err);
	if (!rc)
		rc = spoor_atomic_commit(&at, err);
	else
		spoor_atomic_abort(&at);
	names_release(&nm);
	manifest_release(&m);
	close(dfd);
	return rc;
}
