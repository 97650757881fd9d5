/*
 * artifact_src.c: evidence presented to the artifact plugins as one file
 * tree.  A directory is walked without following links; a zip or tar is
 * read with libarchive and its regular members copied into a private
 * mkdtemp directory under numbered names (a member called "../../x" is
 * only ever a string, never a path we write to); a disk or partition
 * image with a file system is read with libtsk (artifact_tsk.c);
 * anything else is one file.  The evidence is opened read-only and
 * never written.
 */
#include "artifact.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "banned.h"

static int open_ro(int dirfd, const char *name)
{
	int fl = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;
	int fd = openat(dirfd, name, fl | O_NOATIME);

	if (fd < 0 && errno == EPERM)	/* O_NOATIME needs ownership */
		fd = openat(dirfd, name, fl);
	return fd;
}

static int add_entry(struct asrc *s, const char *path, const char *local,
		     uint64_t size, struct spoor_err *err)
{
	struct asrc_entry *e;

	if (s->n >= ASRC_MAX_ENTRIES)
		return spoor_err_set(err, SPOOR_ELIMIT, 0,
				     "more than %zu files in '%s'",
				     (size_t)ASRC_MAX_ENTRIES, s->evidence);
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct asrc_entry *ne = realloc(s->e, cap * sizeof(*ne));

		if (!ne)
			return spoor_err_set(err, SPOOR_ENOMEM, ENOMEM,
					     "out of memory");
		s->e = ne;
		s->cap = cap;
	}
	e = &s->e[s->n];
	memset(e, 0, sizeof(*e));
	e->path = strdup(path);
	e->local = local ? strdup(local) : NULL;
	e->size = size;
	if (!e->path || (local && !e->local)) {
		free(e->path);
		free(e->local);
		return spoor_err_set(err, SPOOR_ENOMEM, ENOMEM,
				     "out of memory");
	}
	s->n++;
	return 0;
}

int asrc_add(struct asrc *s, const char *path, const char *local,
	     uint64_t size, struct spoor_err *err)
{
	return add_entry(s, path, local, size, err);
}

/* ---- directories ---- */

static int walk(struct asrc *s, struct sbuf *rel, struct sbuf *abs,
		int depth, struct spoor_err *err)
{
	DIR *d;
	struct dirent *de;
	int fd, rc = 0;

	if (depth > ASRC_MAX_DEPTH) {
		s->skipped++;
		return 0;
	}
	fd = open_ro(AT_FDCWD, sbuf_str(abs));
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		s->skipped++;
		return 0;
	}
	while (!rc && (de = readdir(d))) {
		struct stat st;
		size_t rl = rel->len, al = abs->len;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW)) {
			s->skipped++;
			continue;
		}
		if (rel->len)
			sbuf_addc(rel, '/');
		sbuf_adds(rel, de->d_name);
		sbuf_addc(abs, '/');
		sbuf_adds(abs, de->d_name);
		if (rel->failed || abs->failed)
			rc = spoor_err_set(err, SPOOR_ELIMIT, 0,
					   "path too long in '%s'",
					   s->evidence);
		else if (S_ISDIR(st.st_mode))
			rc = walk(s, rel, abs, depth + 1, err);
		else if (S_ISREG(st.st_mode))
			rc = add_entry(s, sbuf_str(rel), sbuf_str(abs),
				       (uint64_t)st.st_size, err);
		/* links, fifos, devices: never opened */
		rel->len = rl;
		abs->len = al;
	}
	closedir(d);
	return rc;
}

static const struct asrc_ops dir_ops = { "dir", NULL, NULL };
static const struct asrc_ops file_ops = { "file", NULL, NULL };
static const struct asrc_ops archive_ops = { "archive", NULL, NULL };

/* ---- archives ---- */

static int copy_member(struct archive *a, int out, uint64_t *total,
		       uint64_t *size)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;

	*size = 0;
	while ((r = archive_read_data_block(a, &buf, &len, &off)) ==
	       ARCHIVE_OK) {
		if ((*total += len) > ASRC_MAX_TOTAL)
			return SPOOR_ELIMIT;
		/* a zip bomb: far more out than the archive has bytes */
		if (*total > ASRC_BOMB_SLACK &&
		    *total / ASRC_MAX_RATIO >
		    (uint64_t)archive_filter_bytes(a, -1))
			return SPOOR_ELIMIT;
		/* sparse members: write at the offset libarchive gives */
		if (lseek(out, off, SEEK_SET) < 0)
			return SPOOR_EOUTPUT;
		if (spoor_write_all(out, buf, len) < 0)
			return SPOOR_EOUTPUT;
		if ((uint64_t)off + len > *size)
			*size = (uint64_t)off + len;
	}
	return r == ARCHIVE_EOF ? 0 : SPOOR_EFORMAT;
}

/* Make a member name a tidy evidence path: no leading "/" or "./". */
static void member_path(const char *name, struct sbuf *b)
{
	sbuf_reset(b);
	while (*name == '/' || (name[0] == '.' && name[1] == '/'))
		name += name[0] == '/' ? 1 : 2;
	sbuf_adds(b, name);
}

static int read_archive(struct spoor_ctx *ctx, struct asrc *s, int fd,
			const char *tmp_base, struct spoor_err *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	struct sbuf name = SBUF_INIT, local = SBUF_INIT;
	uint64_t total = 0;
	int r, rc = 0;
	char tmpl[4096];

	if (!a)
		return spoor_err_set(err, SPOOR_ENOMEM, ENOMEM,
				     "out of memory");
	archive_read_support_filter_all(a);
	archive_read_support_format_zip(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open_fd(a, fd, 64 * 1024) != ARCHIVE_OK) {
		archive_read_free(a);
		return 1;	/* not an archive: a single file */
	}
	r = archive_read_next_header(a, &ae);
	if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
		archive_read_free(a);
		return 1;
	}
	snprintf(tmpl, sizeof(tmpl), "%s/spoor-ev.XXXXXX", tmp_base);
	if (!mkdtemp(tmpl)) {
		archive_read_free(a);
		return spoor_err_set(err, SPOOR_EOUTPUT, errno,
				     "cannot create a directory in '%s'",
				     tmp_base);
	}
	s->tmp = strdup(tmpl);
	s->ops = &archive_ops;
	for (; !rc && (r == ARCHIVE_OK || r == ARCHIVE_WARN);
	     r = archive_read_next_header(a, &ae)) {
		const char *nm = archive_entry_pathname(ae);
		uint64_t size;
		int out, crc;

		if (archive_entry_filetype(ae) != AE_IFREG || !nm) {
			if (archive_entry_filetype(ae) != AE_IFDIR)
				s->skipped++;
			continue;
		}
		member_path(nm, &name);
		sbuf_reset(&local);
		sbuf_addf(&local, "%s/m%zu", s->tmp, s->n);
		out = open(sbuf_str(&local), O_WRONLY | O_CREAT | O_EXCL |
			   O_CLOEXEC | O_NOFOLLOW, 0600);
		if (out < 0) {
			rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
					   "cannot write '%s'",
					   sbuf_str(&local));
			break;
		}
		crc = copy_member(a, out, &total, &size);
		close(out);
		if (crc == SPOOR_ELIMIT) {
			rc = spoor_err_set(err, SPOOR_ELIMIT, 0,
					   "'%s' unpacks to more than %llu "
					   "bytes, or more than %d times its "
					   "size (a zip bomb)", s->evidence,
					   (unsigned long long)ASRC_MAX_TOTAL,
					   ASRC_MAX_RATIO);
			break;
		}
		if (crc) {
			spoor_log(ctx, SPOOR_LOG_WARN, "'%s': member '%s' "
				  "unreadable: %s", s->evidence,
				  sbuf_str(&name), archive_error_string(a));
			s->skipped++;
			unlink(sbuf_str(&local));
			if (crc == SPOOR_EOUTPUT) {
				rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
						   "cannot write '%s'",
						   sbuf_str(&local));
				break;
			}
			continue;
		}
		rc = add_entry(s, sbuf_str(&name), sbuf_str(&local), size, err);
	}
	if (!rc && r != ARCHIVE_EOF) {
		spoor_log(ctx, SPOOR_LOG_WARN, "'%s': archive damaged: %s",
			  s->evidence, archive_error_string(a));
		s->skipped++;
	}
	archive_read_free(a);
	sbuf_release(&name);
	sbuf_release(&local);
	return rc;
}

static int cmp_entry(const void *x, const void *y)
{
	return strcmp(((const struct asrc_entry *)x)->path,
		      ((const struct asrc_entry *)y)->path);
}

int asrc_open(struct spoor_ctx *ctx, const char *path, const char *tmp_base,
	      struct asrc **out, struct spoor_err *err)
{
	struct asrc *s;
	struct stat st;
	int fd, rc = 0;

	*out = NULL;
	fd = open_ro(AT_FDCWD, path);
	if (fd < 0 || fstat(fd, &st)) {
		rc = spoor_err_set(err, SPOOR_EIO, errno, "cannot open '%s'",
				   path);
		if (fd >= 0)
			close(fd);
		return rc;
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->evidence = strdup(path))) {
		free(s);
		close(fd);
		return spoor_err_set(err, SPOOR_ENOMEM, ENOMEM,
				     "out of memory");
	}
	if (S_ISDIR(st.st_mode)) {
		struct sbuf rel = SBUF_INIT, abs = SBUF_INIT;

		close(fd);
		s->ops = &dir_ops;
		/* an iTunes/Finder backup: its files as the phone's tree
		 * (artifact_ios.c) */
		rc = asrc_ios_open(ctx, s, path, tmp_base, err);
		if (rc != 1)
			goto dir_done;
		rc = 0;
		sbuf_adds(&abs, path);
		while (abs.len > 1 && abs.buf[abs.len - 1] == '/')
			abs.len--;
		rc = walk(s, &rel, &abs, 0, err);
		/* readdir order differs between file systems: sort, so
		 * that two runs over copies give the same output */
		if (!rc && s->n > 1)
			qsort(s->e, s->n, sizeof(*s->e), cmp_entry);
		if (!rc)
			rc = asrc_ios_remap(ctx, s, err);
dir_done:
		sbuf_release(&rel);
		sbuf_release(&abs);
	} else if (S_ISREG(st.st_mode)) {
		int fl = fcntl(fd, F_GETFL);

		if (fl >= 0)
			fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
		/* an image first: a zip inside a FAT image is the FAT's */
		rc = asrc_tsk_open(ctx, s, path, tmp_base, err);
		if (rc == 1)
			rc = read_archive(ctx, s, fd, tmp_base, err);
		close(fd);
		if (rc == 1) {
			const char *base = strrchr(path, '/');

			s->ops = &file_ops;
			rc = add_entry(s, base ? base + 1 : path, path,
				       (uint64_t)st.st_size, err);
		}
	} else {
		close(fd);
		rc = spoor_err_set(err, SPOOR_EUNSUPPORTED, 0,
				   "'%s' is not a file or directory", path);
	}
	if (rc) {
		asrc_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void asrc_rmtree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d) {
		while ((de = readdir(d))) {
			if (!strcmp(de->d_name, ".") ||
			    !strcmp(de->d_name, ".."))
				continue;
			/* our temp dirs are flat except for one level */
			if (unlinkat(dirfd(d), de->d_name, 0) &&
			    errno == EISDIR) {
				char sub[4096];

				snprintf(sub, sizeof(sub), "%s/%s", dir,
					 de->d_name);
				asrc_rmtree(sub);
			}
		}
		closedir(d);
	}
	rmdir(dir);
}

void asrc_free(struct asrc *s)
{
	if (!s)
		return;
	if (s->ops && s->ops->release)
		s->ops->release(s);
	for (size_t i = 0; i < s->n; i++) {
		free(s->e[i].path);
		free(s->e[i].local);
		free(s->e[i].origin);
	}
	free(s->e);
	free(s->by_base);
	if (s->tmp) {
		asrc_rmtree(s->tmp);
		free(s->tmp);
	}
	free(s->evidence);
	free(s);
}

struct asrc_entry *asrc_find(struct asrc *s, const char *path)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->e[i].path, path))
			return &s->e[i];
	return NULL;
}

static const char *base_of(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

/* qsort has no context argument (and the library has no globals): each
 * index carries its base name */
struct base_ix {
	const char *base;
	size_t i;
};

static int cmp_base(const void *x, const void *y)
{
	const struct base_ix *a = x, *b = y;
	int c = strcmp(a->base, b->base);

	return c ? c : (a->i > b->i) - (a->i < b->i);
}

size_t asrc_by_base(struct asrc *s, const char *base, size_t *first)
{
	size_t lo = 0, hi = s->n, n = 0;

	*first = 0;
	if (!s->n)
		return 0;
	if (!s->by_base) {
		struct base_ix *ix = malloc(s->n * sizeof(*ix));

		s->by_base = malloc(s->n * sizeof(*s->by_base));
		if (!ix || !s->by_base) {
			free(ix);
			free(s->by_base);
			s->by_base = NULL;
			return 0;
		}
		for (size_t i = 0; i < s->n; i++) {
			ix[i].base = base_of(s->e[i].path);
			ix[i].i = i;
		}
		qsort(ix, s->n, sizeof(*ix), cmp_base);
		for (size_t i = 0; i < s->n; i++)
			s->by_base[i] = ix[i].i;
		free(ix);
	}
	while (lo < hi) {	/* lower bound */
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(base_of(s->e[s->by_base[mid]].path), base) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	while (lo + n < s->n &&
	       !strcmp(base_of(s->e[s->by_base[lo + n]].path), base))
		n++;
	return n;
}

int asrc_open_fd(struct asrc *s, struct asrc_entry *e, struct spoor_err *err)
{
	int fd, rc;

	if (!e->local) {
		if (!s->ops->materialise)
			return spoor_err_set(err, SPOOR_EINTERNAL, 0,
					     "no content for '%s'", e->path);
		rc = s->ops->materialise(s, e, err);
		if (rc)
			return -1;
	}
	fd = open_ro(AT_FDCWD, e->local);
	if (fd < 0) {
		spoor_err_set(err, SPOOR_EIO, errno, "cannot open '%s'",
			      e->path);
		return -1;
	}
	rc = fcntl(fd, F_GETFL);
	if (rc >= 0)
		fcntl(fd, F_SETFL, rc & ~O_NONBLOCK);
	return fd;
}

int asrc_sha256(struct asrc *s, struct asrc_entry *e, struct spoor_err *err)
{
	struct spoor_hash *h;
	struct spoor_digests d = { 0 };
	char buf[64 * 1024];
	ssize_t n;
	int fd, rc = 0;

	if (e->hashed)
		return 0;
	fd = asrc_open_fd(s, e, err);
	if (fd < 0)
		return err ? err->code : SPOOR_EIO;
	h = spoor_hash_new(SPOOR_SHA256, err);
	if (!h) {
		close(fd);
		return SPOOR_ENOMEM;
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = spoor_err_set(err, SPOOR_EIO, errno,
					   "cannot read '%s'", e->path);
			break;
		}
		rc = spoor_hash_update(h, buf, (size_t)n, err);
		if (rc)
			break;
	}
	if (!rc)
		rc = spoor_hash_final(h, &d, err);
	if (!rc) {
		spoor_hex(d.sha256, 32, e->sha256);
		e->hashed = true;
	}
	spoor_hash_free(h);
	close(fd);
	return rc;
}

int asrc_sql_open(struct asrc *s, struct asrc_entry *e, const char *tmp_dir,
		  struct asql **out, struct spoor_err *err)
{
	static const char *const sfx[ASQL_NFILES] = { NULL, "-wal",
						      "-journal" };
	int fds[ASQL_NFILES] = { -1, -1, -1 }, rc = 0;

	*out = NULL;
	fds[ASQL_DB] = asrc_open_fd(s, e, err);
	if (fds[ASQL_DB] < 0)
		return SPOOR_EIO;
	for (size_t i = 1; !rc && i < ASQL_NFILES; i++) {
		struct sbuf p = SBUF_INIT;
		struct asrc_entry *se;

		sbuf_addf(&p, "%s%s", e->path, sfx[i]);
		se = p.failed ? NULL : asrc_find(s, sbuf_str(&p));
		sbuf_release(&p);
		if (se && (fds[i] = asrc_open_fd(s, se, err)) < 0)
			rc = SPOOR_EIO;
	}
	if (!rc)
		rc = asql_open(e->path, fds, tmp_dir, out, err);
	for (size_t i = 0; i < ASQL_NFILES; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return rc;
}
