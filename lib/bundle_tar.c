/*
 * bundle_tar.c: spoor_bundle_pack, a bundle directory as the
 * uncompressed pax tar of bundle.md section 4.  Deterministic: the
 * same bundle gives the same bytes (names sorted, fixed modes, owner
 * 0/0 without names, mtime from the signed `created:`), so a tar can be
 * re-made and compared.
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

#include <archive.h>
#include <archive_entry.h>

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

static int64_t created_time(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm);
}

/* One file member: copied and hashed against its entry (if listed). */
static int pack_file(struct archive *a, struct archive_entry *ae, int dfd,
		     const char *name, const struct manifest_entry *e,
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
	archive_entry_set_size(ae, st.st_size);
	if (archive_write_header(a, ae) != ARCHIVE_OK) {
		rc = spoor_err_set(err, SPOOR_EOUTPUT, 0, "'%s': %s", name,
				   archive_error_string(a));
		goto out;
	}
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
		else if (archive_write_data(a, buf, (size_t)n) != n)
			rc = spoor_err_set(err, SPOOR_EOUTPUT, 0, "'%s': %s",
					   name, archive_error_string(a));
		EVP_DigestUpdate(md, buf, (size_t)n);
	}
	if (!rc && total != (uint64_t)st.st_size)
		rc = spoor_err_set(err, SPOOR_EIO, 0, "'%s' shrank while "
				   "read", name);
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

static int pack_members(struct archive *a, int dfd, const struct manifest *m,
			const struct names *nm, struct spoor_err *err)
{
	struct archive_entry *ae = archive_entry_new();
	unsigned char *buf = malloc(BUNDLE_READ_BUF);
	int64_t mtime = created_time(m->h.created);
	size_t i;
	int rc = 0;

	if (!ae || !buf)
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	for (i = 0; !rc && i < nm->n; i++) {
		const char *name = nm->p[i];
		const struct manifest_entry *e;

		if (!name)
			continue;
		e = bsearch(name, m->e, m->n, sizeof(*m->e), cmp_entry);
		archive_entry_clear(ae);
		archive_entry_set_pathname(ae, name);
		archive_entry_set_uid(ae, 0);
		archive_entry_set_gid(ae, 0);
		archive_entry_set_mtime(ae, (time_t)mtime, 0);
		if (e || bundle_manifest_name(name)) {
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_perm(ae, 0644);
			rc = pack_file(a, ae, dfd, name, e, buf, err);
		} else {
			archive_entry_set_filetype(ae, AE_IFDIR);
			archive_entry_set_perm(ae, 0755);
			archive_entry_set_size(ae, 0);
			if (archive_write_header(a, ae) != ARCHIVE_OK)
				rc = spoor_err_set(err, SPOOR_EOUTPUT, 0,
						   "'%s': %s", name,
						   archive_error_string(a));
		}
	}
	archive_entry_free(ae);
	free(buf);
	return rc;
}

/* The tar itself into the open file fd. */
static int pack_write(int fd, int dfd, const struct manifest *m,
		      const struct names *nm, struct spoor_err *err)
{
	struct archive *a = archive_write_new();
	int rc = 0;

	if (!a)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_add_filter_none(a) != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK)
		rc = spoor_err_set(err, SPOOR_EOUTPUT, 0, "cannot write the "
				   "tar: %s", archive_error_string(a));
	if (!rc)
		rc = pack_members(a, dfd, m, nm, err);
	if (!rc && archive_write_close(a) != ARCHIVE_OK)
		rc = spoor_err_set(err, SPOOR_EOUTPUT, 0, "cannot write the "
				   "tar: %s", archive_error_string(a));
	archive_write_free(a);
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
