/*
 * fileio.c: the one place where spoor writes whole buffers, reads whole
 * files under a cap and replaces files atomically (temp file, fsync,
 * rename, fsync of the folder), so that every output follows the same
 * rules: a half-written file never carries its final name, and a name
 * that was renamed into place survives a power cut.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "banned.h"

#define READ_CHUNK (64u << 10)

int spoor_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		if (w == 0) {
			errno = ENOSPC;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int spoor_read_all(int fd, const char *name, size_t max, char **buf,
		   size_t *len, struct spoor_err *err)
{
	struct sbuf b = SBUF_INIT;
	char *chunk = malloc(READ_CHUNK);

	*buf = NULL;
	*len = 0;
	if (!chunk)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	/* sbuf's ceiling counts the NUL: room for max bytes exactly */
	b.max = max < SIZE_MAX ? max + 1 : max;
	for (;;) {
		ssize_t n = read(fd, chunk, READ_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			free(chunk);
			sbuf_release(&b);
			return spoor_err_set(err, SPOOR_EIO, e,
					     "cannot read '%s'", name);
		}
		if (n == 0)
			break;
		sbuf_add(&b, chunk, (size_t)n);
		if (b.failed)
			break;
	}
	free(chunk);
	if (b.failed) {
		bool big = b.len + READ_CHUNK >= max;

		sbuf_release(&b);
		return big ? spoor_err_set(err, SPOOR_ELIMIT, 0, "'%s' is "
					   "too large", name)
			: spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	}
	*len = b.len;
	*buf = b.buf ? b.buf : strdup("");
	if (!*buf)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	return SPOOR_OK;
}

int spoor_read_file(int dirfd, const char *path, int flags, size_t max,
		    char **buf, size_t *len, struct spoor_err *err)
{
	struct stat st;
	int fd, rc;

	*buf = NULL;
	*len = 0;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer */
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | flags);
	if (fd < 0)
		return spoor_err_set(err, errno == ENOENT ? SPOOR_ENOTFOUND
				     : SPOOR_EIO, errno, "cannot open '%s'",
				     path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return spoor_err_set(err, SPOOR_EFORMAT, 0,
				     "'%s' is not a regular file", path);
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return spoor_err_set(err, SPOOR_ELIMIT, 0, "'%s' is too "
				     "large", path);
	}
	rc = spoor_read_all(fd, path, max, buf, len, err);
	close(fd);
	return rc;
}

int spoor_open_input(const char *path, int flags, struct spoor_err *err)
{
	struct stat st;
	int fd, fl;

	/* O_NONBLOCK: a FIFO must be refused, not waited on */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | flags);
	if (fd < 0)
		return spoor_err_set(err, errno == ENOENT ? SPOOR_ENOTFOUND
				     : SPOOR_EIO, errno, "cannot open '%s'",
				     path);
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		return spoor_err_set(err, SPOOR_EIO, e, "cannot open '%s'",
				     path);
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		close(fd);
		return spoor_err_set(err, SPOOR_EUNSUPPORTED, 0, "'%s' is not "
				     "a file or block device (%s)", path,
				     S_ISDIR(st.st_mode) ? "a directory"
				     : S_ISFIFO(st.st_mode) ? "a FIFO"
				     : S_ISSOCK(st.st_mode) ? "a socket"
				     : S_ISCHR(st.st_mode) ? "a character "
				     "device" : "of another type");
	}
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0 && !(flags & O_NONBLOCK))
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

int spoor_fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), rc, e;

	if (fd < 0)
		return -1;
	/* EINVAL: a file system that cannot sync (e.g. some FUSE ones) */
	rc = fsync(fd) && errno != EINVAL ? -1 : 0;
	e = errno;
	close(fd);
	errno = e;
	return rc;
}

int spoor_fsync_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	struct sbuf dir = SBUF_INIT;
	int rc;

	if (!slash)
		sbuf_adds(&dir, ".");
	else
		sbuf_add(&dir, path, slash == path ? 1
			 : (size_t)(slash - path));
	if (dir.failed) {
		sbuf_release(&dir);
		errno = ENOMEM;
		return -1;
	}
	rc = spoor_fsync_path(sbuf_str(&dir));
	sbuf_release(&dir);
	return rc;
}

static bool same_dir(const char *a, const char *b)
{
	const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
	size_t na = sa ? (size_t)(sa - a) : 0, nb = sb ? (size_t)(sb - b) : 0;

	return na == nb && !memcmp(a, b, na) && !sa == !sb;
}

int spoor_rename(const char *from, const char *to)
{
	if (rename(from, to) < 0)
		return -1;
	if (spoor_fsync_dir_of(to) < 0)
		return -1;
	return same_dir(from, to) ? 0 : spoor_fsync_dir_of(from);
}

/* ---- atomic files ---- */

int spoor_atomic_open(struct spoor_atomic *a, int dirfd, const char *name,
		      int mode, struct spoor_err *err)
{
	size_t n = strlen(name) + 5;

	memset(a, 0, sizeof(*a));
	a->fd = -1;
	a->dirfd = dirfd;
	a->name = strdup(name);
	a->tmp = malloc(n);
	if (!a->name || !a->tmp) {
		spoor_atomic_abort(a);
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	}
	snprintf(a->tmp, n, "%s.tmp", name);
	a->fd = openat(dirfd, a->tmp, O_WRONLY | O_CREAT | O_EXCL |
		       O_NOFOLLOW | O_CLOEXEC, mode);
	if (a->fd < 0 && errno == EEXIST) {
		/* a leftover of a killed run: ours to replace */
		unlinkat(dirfd, a->tmp, 0);
		a->fd = openat(dirfd, a->tmp, O_WRONLY | O_CREAT | O_EXCL |
			       O_NOFOLLOW | O_CLOEXEC, mode);
	}
	if (a->fd < 0) {
		int e = errno;

		spoor_err_set(err, SPOOR_EOUTPUT, e, "cannot create '%s'",
			      a->tmp);
		free(a->name);
		free(a->tmp);
		a->name = a->tmp = NULL;
		return SPOOR_EOUTPUT;
	}
	return SPOOR_OK;
}

/* fsync the folder that holds a->name (relative to a->dirfd). */
static int atomic_sync_dir(const struct spoor_atomic *a)
{
	const char *slash = strrchr(a->name, '/');
	struct sbuf dir = SBUF_INIT;
	int fd, rc, e;

	if (!slash)
		sbuf_adds(&dir, ".");
	else
		sbuf_add(&dir, a->name, slash == a->name ? 1
			 : (size_t)(slash - a->name));
	fd = dir.failed ? -1 : openat(a->dirfd, sbuf_str(&dir), O_RDONLY |
				      O_DIRECTORY | O_CLOEXEC);
	sbuf_release(&dir);
	if (fd < 0)
		return -1;
	rc = fsync(fd) && errno != EINVAL ? -1 : 0;
	e = errno;
	close(fd);
	errno = e;
	return rc;
}

int spoor_atomic_commit(struct spoor_atomic *a, struct spoor_err *err)
{
	int rc = SPOOR_OK;

	if (!a->tmp)
		return spoor_err_set(err, SPOOR_EINVAL, 0, "no file to commit");
	if (a->fd >= 0 && fsync(a->fd) < 0 && errno != EINVAL)
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot write '%s'", a->tmp);
	if (a->fd >= 0 && close(a->fd) < 0 && !rc)
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot write '%s'", a->tmp);
	a->fd = -1;
	if (!rc && renameat(a->dirfd, a->tmp, a->dirfd, a->name) < 0)
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot rename '%s' to '%s'", a->tmp,
				   a->name);
	if (rc) {
		spoor_atomic_abort(a);
		return rc;
	}
	if (atomic_sync_dir(a) < 0)
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot sync the folder of '%s'", a->name);
	free(a->name);
	free(a->tmp);
	a->name = a->tmp = NULL;
	return rc;
}

void spoor_atomic_abort(struct spoor_atomic *a)
{
	if (a->fd >= 0)
		close(a->fd);
	a->fd = -1;
	if (a->tmp)
		unlinkat(a->dirfd, a->tmp, 0);
	free(a->name);
	free(a->tmp);
	a->name = a->tmp = NULL;
}

int spoor_atomic_write(int dirfd, const char *name, const void *buf,
		       size_t len, int mode, struct spoor_err *err)
{
	struct spoor_atomic a;
	int rc = spoor_atomic_open(&a, dirfd, name, mode, err);

	if (rc)
		return rc;
	if (spoor_write_all(a.fd, buf, len) < 0) {
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot write '%s'", a.tmp);
		spoor_atomic_abort(&a);
		return rc;
	}
	return spoor_atomic_commit(&a, err);
}
