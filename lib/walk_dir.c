/*
 * walk_dir.c: logical evidence: a directory tree on the host, or one
 * plain file.  Everything is opened relative to an open directory with
 * O_NOFOLLOW, so a symlink inside the evidence is reported as a link and
 * never followed, and never leads out of the tree.  Files are opened
 * O_RDONLY with O_NOATIME where the kernel allows it.  Entries come in
 * byte order of their names, so two copies of a tree give the same order.
 */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "banned.h"

#define MAX_DEPTH 512		/* deeper trees are reported, not walked */
#define MAX_DIR_ENTRIES 10000000

struct fd_read_ctx {
	int fd;
};

struct ancestor {
	dev_t dev;
	ino_t ino;
};

struct dir_walk {
	struct walk *w;
	struct sbuf path;
	struct ancestor stack[MAX_DEPTH];
	int depth;
};

static ssize_t fd_read(void *rctx, uint64_t off, void *buf, size_t len,
		       struct spoor_err *err)
{
	struct fd_read_ctx *rc = rctx;
	ssize_t n;

	do
		n = pread(rc->fd, buf, len, (off_t)off);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return spoor_err_set(err, SPOOR_EIO, errno,
				     "read error at offset %llu",
				     (unsigned long long)off);
	return n;
}

/* Open for reading without following links and without touching atime. */
static int open_evidence_file(int dirfd, const char *name)
{
	int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	int fd = openat(dirfd, name, flags | O_NOATIME);

	if (fd < 0 && errno == EPERM)	/* O_NOATIME needs ownership */
		fd = openat(dirfd, name, flags);
	return fd;
}

static enum spoor_file_type mode_type(mode_t m)
{
	if (S_ISREG(m)) return SPOOR_FT_FILE;
	if (S_ISDIR(m)) return SPOOR_FT_DIR;
	if (S_ISLNK(m)) return SPOOR_FT_LINK;
	if (S_ISFIFO(m)) return SPOOR_FT_FIFO;
	if (S_ISSOCK(m)) return SPOOR_FT_SOCKET;
	if (S_ISCHR(m)) return SPOOR_FT_CHARDEV;
	if (S_ISBLK(m)) return SPOOR_FT_BLOCKDEV;
	return SPOOR_FT_UNKNOWN;
}

static void ls_mode(const struct statx *st, char out[16])
{
	static const char types[] = "?pc?d?b?r?l?s???";
	static const char rwx[] = "rwxrwxrwx";
	unsigned m = st->stx_mode;
	char t = types[(m >> 12) & 15];

	/* bodyfile style: name type, '/', meta type, permissions */
	out[0] = t;
	out[1] = '/';
	out[2] = t;
	for (int i = 0; i < 9; i++)
		out[3 + i] = (m & (1u << (8 - i))) ? rwx[i] : '-';
	out[12] = '\0';
}

static void stx_time(struct spoor_time *t, const struct statx_timestamp *s,
		     bool have)
{
	t->set = have;
	t->sec = s->tv_sec;
	t->nsec = s->tv_nsec;
}

static void fill_from_statx(struct spoor_file *f, const struct statx *st)
{
	f->type = mode_type(st->stx_mode);
	f->has_inode = true;
	f->inode = st->stx_ino;
	f->allocated = true;
	f->size = st->stx_size;
	stx_time(&f->mtime, &st->stx_mtime, st->stx_mask & STATX_MTIME);
	stx_time(&f->atime, &st->stx_atime, st->stx_mask & STATX_ATIME);
	stx_time(&f->ctime, &st->stx_ctime, st->stx_mask & STATX_CTIME);
	stx_time(&f->crtime, &st->stx_btime, st->stx_mask & STATX_BTIME);
	f->uid = st->stx_uid;
	f->gid = st->stx_gid;
	ls_mode(st, f->mode);
	f->has_mode = true;
	f->partition = -1;
	f->partition_offset = -1;
}

/* Hand one object to the walker's callback, reading it if regular. */
static int emit(struct walk *w, int dirfd, const char *name,
		const char *path, size_t path_len, size_t name_at,
		const char *fstype, const struct statx *st)
{
	struct walk_entry e;
	struct fd_read_ctx rctx = { -1 };
	char target[4096];
	int rc;

	memset(&e, 0, sizeof(e));
	fill_from_statx(&e.f, st);
	e.f.exhibit = w->exhibit;
	e.f.fstype = fstype;
	e.f.path = path;
	e.f.path_len = path_len;
	e.f.name = path + name_at;
	e.f.name_len = path_len - name_at;
	if (e.f.type == SPOOR_FT_LINK) {
		ssize_t n = readlinkat(dirfd, name, target,
				       sizeof(target) - 1);
		if (n >= 0) {
			target[n] = '\0';
			e.f.link_target = target;
		}
	}
	e.has_content = e.f.type == SPOOR_FT_FILE;
	if (e.has_content && !w->count_only) {
		rctx.fd = open_evidence_file(dirfd, name);
		if (rctx.fd < 0) {
			e.f.error = strerror(errno);
			e.has_content = false;
		} else {
			e.read = fd_read;
			e.rctx = &rctx;
		}
	}
	rc = w->cb(w->ud, &e);
	if (rctx.fd >= 0)
		close(rctx.fd);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names of an open directory (without . and ..). */
static int read_names(int fd, char ***names, size_t *n)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	size_t cap = 0;

	*names = NULL;
	*n = 0;
	if (!d)
		return -errno;
	errno = 0;
	while ((de = readdir(d))) {
		char **p;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (*n >= MAX_DIR_ENTRIES)
			break;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			p = realloc(*names, cap * sizeof(*p));
			if (!p)
				break;
			*names = p;
		}
		(*names)[*n] = strdup(de->d_name);
		if (!(*names)[*n])
			break;
		(*n)++;
	}
	closedir(d);	/* closes fd */
	if (*n)
		qsort(*names, *n, sizeof(**names), cmp_names);
	return 0;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int walk_tree(struct dir_walk *dw, int dirfd);

static int visit(struct dir_walk *dw, int dirfd, const char *name)
{
	struct walk *w = dw->w;
	size_t base = dw->path.len, name_at;
	struct statx st;
	int rc = SPOOR_OK;

	if (base)
		sbuf_addc(&dw->path, '/');
	name_at = dw->path.len;
	sbuf_adds(&dw->path, name);
	if (dw->path.failed) {
		w->stats->walk_errors++;
		goto out;
	}
	if (statx(dirfd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT,
		  STATX_BASIC_STATS | STATX_BTIME, &st)) {
		w->stats->walk_errors++;
		spoor_log(w->ctx, SPOOR_LOG_WARN, "'%s': cannot stat '%s': %s",
			  w->exhibit, sbuf_str(&dw->path), strerror(errno));
		goto out;
	}
	rc = emit(w, dirfd, name, sbuf_str(&dw->path), dw->path.len,
		  name_at, "dir", &st);
	if (rc || !S_ISDIR(st.stx_mode))
		goto out;
	{
		int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY |
					       O_NOFOLLOW | O_CLOEXEC);

		if (fd < 0) {
			w->stats->walk_errors++;
			spoor_log(w->ctx, SPOOR_LOG_WARN,
				  "'%s': cannot open directory '%s': %s",
				  w->exhibit, sbuf_str(&dw->path),
				  strerror(errno));
			goto out;
		}
		rc = walk_tree(dw, fd);
	}
out:
	dw->path.len = base;
	if (dw->path.buf)
		dw->path.buf[base] = '\0';
	dw->path.failed = false;
	return rc;
}

/* Walk the directory open at fd (takes fd). */
static int walk_tree(struct dir_walk *dw, int fd)
{
	struct walk *w = dw->w;
	struct stat st;
	char **names;
	size_t n;
	int rc = SPOOR_OK, dup_fd;

	if (fstat(fd, &st)) {
		close(fd);
		return SPOOR_OK;
	}
	for (int i = 0; i < dw->depth; i++)
		if (dw->stack[i].dev == st.st_dev &&
		    dw->stack[i].ino == st.st_ino) {
			w->stats->walk_errors++;
			spoor_log(w->ctx, SPOOR_LOG_WARN,
				  "'%s': directory loop at '%s'; not entered",
				  w->exhibit, sbuf_str(&dw->path));
			close(fd);
			return SPOOR_OK;
		}
	if (dw->depth >= MAX_DEPTH) {
		w->stats->walk_errors++;
		spoor_log(w->ctx, SPOOR_LOG_WARN,
			  "'%s': deeper than %d levels at '%s'; not entered",
			  w->exhibit, MAX_DEPTH, sbuf_str(&dw->path));
		close(fd);
		return SPOOR_OK;
	}
	dup_fd = dup(fd);	/* fdopendir takes one; we keep the other */
	if (dup_fd < 0 || read_names(fd, &names, &n)) {
		w->stats->walk_errors++;
		spoor_log(w->ctx, SPOOR_LOG_WARN,
			  "'%s': cannot read directory '%s'", w->exhibit,
			  sbuf_str(&dw->path));
		if (dup_fd >= 0)
			close(dup_fd);
		return SPOOR_OK;
	}
	dw->stack[dw->depth].dev = st.st_dev;
	dw->stack[dw->depth].ino = st.st_ino;
	dw->depth++;
	for (size_t i = 0; i < n && !rc; i++) {
		if (atomic_load(w->interrupted)) {
			rc = SPOOR_ESTOPPED;
			break;
		}
		rc = visit(dw, dup_fd, names[i]);
	}
	dw->depth--;
	free_names(names, n);
	close(dup_fd);
	return rc;
}

int walk_dir(struct walk *w, const char *path, struct spoor_err *err)
{
	struct dir_walk dw;
	int fd, rc;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return spoor_err_set(err, SPOOR_EIO, errno,
				     "cannot open directory '%s'", path);
	memset(&dw, 0, sizeof(dw));
	dw.w = w;
	rc = walk_tree(&dw, fd);
	sbuf_release(&dw.path);
	w->stats->volumes++;
	if (rc == SPOOR_ESTOPPED)
		spoor_err_set(err, rc, 0, "interrupted");
	return rc;
}

int walk_single(struct walk *w, const char *path, struct spoor_err *err)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash && slash[1] ? slash + 1 : path;
	char *dir = NULL;
	struct statx st;
	int dirfd, rc;

	if (slash && slash[1]) {
		dir = strndup(path, (size_t)(slash - path) + 1);
		if (!dir)
			return spoor_err_set(err, SPOOR_ENOMEM, 0,
					     "out of memory");
	}
	dirfd = open(dir ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (dirfd < 0)
		return spoor_err_set(err, SPOOR_EIO, errno,
				     "cannot open '%s'", path);
	if (statx(dirfd, name, AT_SYMLINK_NOFOLLOW,
		  STATX_BASIC_STATS | STATX_BTIME, &st)) {
		rc = spoor_err_set(err, SPOOR_EIO, errno, "cannot stat '%s'",
				   path);
		close(dirfd);
		return rc;
	}
	rc = emit(w, dirfd, name, name, strlen(name), 0, "file", &st);
	close(dirfd);
	w->stats->volumes++;
	return rc;
}
