/*
 * casedb_hash.c: hash an exhibit for registration (spoor-case add):
 * an image, file or device read once for MD5, SHA-1 and SHA-256; a
 * directory as the SHA-256 of its sorted "sha256  relpath\n" list, the
 * very text `sha256sum` prints for those files.  Evidence is only read.
 */
#include "internal.h"
#include "casedb.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "banned.h"

#define CHUNK (1u << 20)
#define MAX_DEPTH 256
#define MAX_FILES (16u << 20)		/* entries of a directory exhibit */
#define MAX_LOG (4u << 20)		/* bytes of an acquisition log */

struct hasher {
	struct spoor_hash *h;
	unsigned char *buf;
	spoor_progress_cb *cb;
	void *ud;
	struct spoor_progress p;
	double last;
};

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void tick(struct hasher *hs, bool force)
{
	double t;

	if (!hs->cb)
		return;
	t = mono();
	if (force || t - hs->last >= 0.1) {
		hs->last = t;
		hs->cb(hs->ud, &hs->p);
	}
}

static int open_ro(int dirfd, const char *path)
{
	int fd = openat(dirfd, path, O_RDONLY | O_NOATIME | O_NOFOLLOW |
			O_CLOEXEC);

	if (fd < 0 && errno == EPERM)
		fd = openat(dirfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	return fd;
}

/* Hash fd to its end into d with hs->h (reset first). */
static int hash_fd(struct hasher *hs, int fd, const char *name,
		   struct spoor_digests *d, uint64_t *size,
		   struct spoor_err *err)
{
	uint64_t n = 0;
	int rc = spoor_hash_reset(hs->h, err);

	while (!rc) {
		ssize_t got = read(fd, hs->buf, CHUNK);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return spoor_err_set(err, SPOOR_EIO, errno,
					     "cannot read '%s'", name);
		if (got == 0)
			break;
		rc = spoor_hash_update(hs->h, hs->buf, (size_t)got, err);
		n += (uint64_t)got;
		hs->p.bytes += (uint64_t)got;
		tick(hs, false);
	}
	if (!rc)
		rc = spoor_hash_final(hs->h, d, err);
	if (size)
		*size = n;
	return rc;
}

/* ---- directories ---- */

struct list {
	char **path;
	size_t n, cap;
	uint64_t bytes, skipped;
};

static int list_add(struct list *l, const char *rel, struct spoor_err *err)
{
	if (l->n == MAX_FILES)
		return spoor_err_set(err, SPOOR_ELIMIT, 0, "more than %u "
				     "files in the directory", MAX_FILES);
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		char **p = realloc(l->path, cap * sizeof(*p));

		if (!p)
			return spoor_err_set(err, SPOOR_ENOMEM, 0,
					     "out of memory");
		l->path = p;
		l->cap = cap;
	}
	l->path[l->n] = strdup(rel);
	if (!l->path[l->n])
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	l->n++;
	return SPOOR_OK;
}

static int walk(int dfd, const char *rel, int depth, struct list *l,
		struct spoor_err *err)
{
	DIR *d;
	struct dirent *de;
	int rc = SPOOR_OK;

	if (depth > MAX_DEPTH) {
		close(dfd);
		return spoor_err_set(err, SPOOR_ELIMIT, 0, "directories nested "
				     "deeper than %d at '%s'", MAX_DEPTH, rel);
	}
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return spoor_err_set(err, SPOOR_EIO, errno, "cannot read '%s'",
				     rel);
	}
	while (!rc && (errno = 0, de = readdir(d))) {
		struct stat st;
		size_t n = strlen(rel) + strlen(de->d_name) + 2;
		char *sub;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW)) {
			rc = spoor_err_set(err, SPOOR_EIO, errno, "cannot stat "
					   "'%s/%s'", rel, de->d_name);
			break;
		}
		sub = malloc(n);
		if (!sub) {
			rc = spoor_err_set(err, SPOOR_ENOMEM, 0,
					   "out of memory");
			break;
		}
		snprintf(sub, n, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		if (S_ISREG(st.st_mode)) {
			rc = list_add(l, sub, err);
			l->bytes += (uint64_t)st.st_size;
		} else if (S_ISDIR(st.st_mode)) {
			int fd = openat(dirfd(d), de->d_name, O_RDONLY |
					O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (fd < 0)
				rc = spoor_err_set(err, SPOOR_EIO, errno,
						   "cannot open '%s'", sub);
			else
				rc = walk(fd, sub, depth + 1, l, err);
		} else {
			l->skipped++;	/* symlinks, devices, fifos */
		}
		free(sub);
	}
	if (!rc && errno)
		rc = spoor_err_set(err, SPOOR_EIO, errno, "cannot read '%s'",
				   rel);
	closedir(d);
	return rc;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int hash_dir(struct hasher *hs, const char *path,
		    struct spoor_case_exhibit *e, struct spoor_err *err)
{
	struct list l = { 0 };
	struct spoor_hash *outer = NULL;
	struct spoor_digests fd_d;
	int dfd, rc;

	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return spoor_err_set(err, SPOOR_EIO, errno, "cannot open '%s'",
				     path);
	rc = walk(dup(dfd), "", 0, &l, err);
	if (!rc) {
		qsort(l.path, l.n, sizeof(*l.path), cmp_path);
		outer = spoor_hash_new(SPOOR_SHA256, err);
		rc = outer ? SPOOR_OK : SPOOR_ENOMEM;
	}
	hs->p.total_files = l.n;
	hs->p.total_bytes = l.bytes;
	for (size_t i = 0; !rc && i < l.n; i++) {
		int fd = open_ro(dfd, l.path[i]);
		char hex[65];

		if (fd < 0) {
			rc = spoor_err_set(err, SPOOR_EIO, errno, "cannot open "
					   "'%s/%s'", path, l.path[i]);
			break;
		}
		rc = hash_fd(hs, fd, l.path[i], &fd_d, NULL, err);
		close(fd);
		if (rc)
			break;
		hs->p.files++;
		spoor_hex(fd_d.sha256, 32, hex);
		rc = spoor_hash_update(outer, hex, 64, err);
		if (!rc)
			rc = spoor_hash_update(outer, "  ", 2, err);
		if (!rc)
			rc = spoor_hash_update(outer, l.path[i],
					       strlen(l.path[i]), err);
		if (!rc)
			rc = spoor_hash_update(outer, "\n", 1, err);
	}
	if (!rc) {
		memset(&e->digests, 0, sizeof(e->digests));
		rc = spoor_hash_final(outer, &e->digests, err);
		e->digests.mask = SPOOR_SHA256;
		e->kind = "directory";
		e->size = l.bytes;
		e->files = l.n;
		e->skipped = l.skipped;
	}
	spoor_hash_free(outer);
	for (size_t i = 0; i < l.n; i++)
		free(l.path[i]);
	free(l.path);
	close(dfd);
	return rc;
}

/* ---- the acquisition log of an image ---- */

static char *read_log(const char *path)
{
	char *buf;
	ssize_t got;
	int fd = open_ro(AT_FDCWD, path);

	if (fd < 0)
		return NULL;
	buf = malloc(MAX_LOG + 1);
	got = buf ? read(fd, buf, MAX_LOG) : -1;
	close(fd);
	if (got <= 0) {
		free(buf);
		return NULL;
	}
	buf[got] = '\0';
	/* only a spoor-acquire log: "spoor-acquire VERSION acquisition
	 * log" on its first line */
	if (strncmp(buf, "spoor-acquire ", 14) || !strstr(buf, "acquisition "
							  "log\n") ||
	    !spoor_utf8_valid(buf, (size_t)got)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void find_log(const char *path, struct spoor_case_exhibit *e)
{
	size_t n = strlen(path);
	char *cand = malloc(n + 5), *dot, *slash;

	if (!cand)
		return;
	for (int i = 0; i < 2 && !e->acquisition_log; i++) {
		snprintf(cand, n + 5, "%s", path);
		if (i == 1) {
			dot = strrchr(cand, '.');
			slash = strrchr(cand, '/');
			if (!dot || (slash && dot < slash))
				break;
			*dot = '\0';
		}
		memcpy(cand + strlen(cand), ".log", 5);
		e->owned[0] = read_log(cand);
		if (e->owned[0]) {
			e->acquisition_log = e->owned[0];
			e->owned[1] = strdup(cand);
			e->log_path = e->owned[1];
		}
	}
	free(cand);
}

static bool image_name(const char *path)
{
	static const char *const ext[] = {
		".dd", ".raw", ".img", ".bin", ".iso", ".e01", ".ex01",
		".001", ".vmdk", ".vhd", ".vhdx", ".aff", ".dmg",
	};

	for (size_t i = 0; i < ARRAY_SIZE(ext); i++)
		if (spoor_ends_with_ci(path, ext[i]))
			return true;
	return false;
}

int spoor_case_exhibit_hash(const char *path, struct spoor_case_exhibit *e,
			    spoor_progress_cb *progress, void *userdata,
			    struct spoor_err *err)
{
	struct hasher hs = { 0 };
	struct stat st;
	int rc, fd;

	e->owned[2] = path ? realpath(path, NULL) : NULL;
	if (!e->owned[2] || stat(e->owned[2], &st) != 0)
		return spoor_err_set(err, SPOOR_EIO, errno, "cannot open '%s'",
				     path ? path : "");
	e->path = e->owned[2];
	hs.cb = progress;
	hs.ud = userdata;
	hs.p.evidence = path;
	hs.last = mono();
	hs.h = spoor_hash_new(SPOOR_MD5 | SPOOR_SHA1 | SPOOR_SHA256, err);
	hs.buf = malloc(CHUNK);
	if (!hs.h || !hs.buf) {
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = hash_dir(&hs, e->path, e, err);
		goto out;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		rc = spoor_err_set(err, SPOOR_EUNSUPPORTED, 0, "'%s' is not a "
				   "file, directory or block device", path);
		goto out;
	}
	if (S_ISBLK(st.st_mode)) {
		struct spoor_devinfo di;

		if (!spoor_devinfo_get(e->path, &di, NULL))
			hs.p.total_bytes = di.size;
		e->kind = "device";
	} else {
		hs.p.total_bytes = (uint64_t)st.st_size;
		find_log(e->path, e);
		e->kind = e->acquisition_log || image_name(e->path) ? "image"
			: "file";
	}
	hs.p.total_files = 1;
	fd = open_ro(AT_FDCWD, e->path);
	if (fd < 0) {
		rc = spoor_err_set(err, SPOOR_EIO, errno, "cannot open '%s'",
				   path);
		goto out;
	}
	rc = hash_fd(&hs, fd, path, &e->digests, &e->size, err);
	close(fd);
	hs.p.files = 1;
	/* a container: its media too, beside the file's own hashes */
	if (!rc && S_ISREG(st.st_mode))
		rc = case_media(e->path, e, hs.cb, hs.ud, &hs.p, err);
out:
	tick(&hs, true);
	spoor_hash_free(hs.h);
	free(hs.buf);
	return rc;
}

void spoor_case_exhibit_release(struct spoor_case_exhibit *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(e->owned); i++) {
		free(e->owned[i]);
		e->owned[i] = NULL;
	}
}
