/*
 * faultfuse.c: a test-only FUSE file system serving one read-only file,
 * backed by an image, whose reads fail with EIO where they overlap
 * chosen 512-byte sectors, like a disk with uncorrectable sectors.
 * Attached to a loop device it gives spoor-acquire a real block device
 * with bad sectors.  (Test code: global state is allowed here, unlike in
 * lib/.)
 *
 *   faultfuse --backing=IMAGE [--eio=S+N,S+N,...] [--name=disk]
 *             [--log=FILE] [--cache] MOUNTPOINT [FUSE options, -f]
 *
 *   --backing  the image served as MOUNTPOINT/NAME (never written)
 *   --eio      sectors S..S+N-1 are unreadable: a read overlapping them
 *              returns EIO (as a whole: the kernel passes the error up)
 *   --name     the file's name (default "disk")
 *   --log      append one line "OFFSET LENGTH eio|ok" per read request
 *              the kernel sent, to see the granularity of the requests
 *   --cache    let the kernel cache the file (default: FOPEN_DIRECT_IO,
 *              every read reaches this program with the caller's offset
 *              and length; cached reads come in whole pages, so one bad
 *              sector would fail eight)
 *
 * Build: cc -o faultfuse faultfuse.c $(pkg-config --cflags --libs fuse3)
 */
#define _GNU_SOURCE
#define FUSE_USE_VERSION 31
#include <fuse.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SECTOR 512
#define MAXR 256

struct range {
	uint64_t s, n;
};

static struct options {
	const char *backing, *eio, *name, *log;
	int cache;
} opt;

#define OPTION(t, p) { t, offsetof(struct options, p), 1 }
static const struct fuse_opt spec[] = {
	OPTION("--backing=%s", backing),
	OPTION("--eio=%s", eio),
	OPTION("--name=%s", name),
	OPTION("--log=%s", log),
	OPTION("--cache", cache),
	FUSE_OPT_END
};

static int bfd = -1;
static uint64_t bsize;
static struct range bad[MAXR];
static int nbad;
static FILE *reqlog;
static pthread_mutex_t logmu = PTHREAD_MUTEX_INITIALIZER;

static int parse_ranges(const char *v)
{
	while (v && *v) {
		char *end;
		unsigned long long s = strtoull(v, &end, 10), c = 1;

		if (end == v || nbad == MAXR)
			return -1;
		if (*end == '+')
			c = strtoull(end + 1, &end, 10);
		bad[nbad].s = s;
		bad[nbad].n = c;
		nbad++;
		if (*end == '\0')
			break;
		if (*end != ',')
			return -1;
		v = end + 1;
	}
	return 0;
}

static int overlaps_bad(uint64_t b, uint64_t e)
{
	for (int i = 0; i < nbad; i++)
		if (b < (bad[i].s + bad[i].n) * SECTOR && e > bad[i].s * SECTOR)
			return 1;
	return 0;
}

static void *ff_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	(void)conn;
	cfg->kernel_cache = 0;
	cfg->direct_io = !opt.cache;
	return NULL;
}

static int ff_getattr(const char *path, struct stat *st,
		      struct fuse_file_info *fi)
{
	(void)fi;
	memset(st, 0, sizeof(*st));
	if (!strcmp(path, "/")) {
		st->st_mode = S_IFDIR | 0555;
		st->st_nlink = 2;
		return 0;
	}
	if (path[0] == '/' && !strcmp(path + 1, opt.name)) {
		st->st_mode = S_IFREG | 0444;
		st->st_nlink = 1;
		st->st_size = (off_t)bsize;
		st->st_blocks = (blkcnt_t)((bsize + 511) / 512);
		return 0;
	}
	return -ENOENT;
}

static int ff_readdir(const char *path, void *buf, fuse_fill_dir_t fill,
		      off_t off, struct fuse_file_info *fi,
		      enum fuse_readdir_flags flags)
{
	(void)off;
	(void)fi;
	(void)flags;
	if (strcmp(path, "/"))
		return -ENOENT;
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	fill(buf, opt.name, NULL, 0, 0);
	return 0;
}

static int ff_open(const char *path, struct fuse_file_info *fi)
{
	if (path[0] != '/' || strcmp(path + 1, opt.name))
		return -ENOENT;
	if ((fi->flags & O_ACCMODE) != O_RDONLY)
		return -EROFS;
	fi->direct_io = !opt.cache;
	fi->keep_cache = 0;
	return 0;
}

static int ff_read(const char *path, char *buf, size_t size, off_t off,
		   struct fuse_file_info *fi)
{
	uint64_t b = (uint64_t)off, e;
	size_t done = 0;
	int fail;

	(void)path;
	(void)fi;
	if (off < 0)
		return -EINVAL;
	if (b >= bsize)
		return 0;
	if (size > bsize - b)
		size = (size_t)(bsize - b);
	e = b + size;
	fail = overlaps_bad(b, e);
	if (reqlog) {
		pthread_mutex_lock(&logmu);
		fprintf(reqlog, "%" PRIu64 " %zu %s\n", b, size,
			fail ? "eio" : "ok");
		fflush(reqlog);
		pthread_mutex_unlock(&logmu);
	}
	if (fail)
		return -EIO;
	while (done < size) {
		ssize_t n = pread(bfd, buf + done, size - done,
				  (off_t)(b + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (int)done;
}

static const struct fuse_operations ops = {
	.init = ff_init,
	.getattr = ff_getattr,
	.readdir = ff_readdir,
	.open = ff_open,
	.read = ff_read,
};

int main(int argc, char **argv)
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct stat st;
	int rc;

	if (fuse_opt_parse(&args, &opt, spec, NULL) == -1)
		return 2;
	if (!opt.name)
		opt.name = "disk";
	if (!opt.backing || strchr(opt.name, '/') || parse_ranges(opt.eio)) {
		fprintf(stderr, "usage: faultfuse --backing=IMAGE "
			"[--eio=S+N,...] [--name=NAME] [--log=FILE] "
			"[--cache] MOUNTPOINT [-f]\n");
		return 2;
	}
	bfd = open(opt.backing, O_RDONLY | O_CLOEXEC);
	if (bfd < 0 || fstat(bfd, &st)) {
		perror(opt.backing);
		return 1;
	}
	bsize = (uint64_t)st.st_size;
	if (opt.log) {
		reqlog = fopen(opt.log, "a");
		if (!reqlog) {
			perror(opt.log);
			return 1;
		}
	}
	rc = fuse_main(args.argc, args.argv, &ops, NULL);
	fuse_opt_free_args(&args);
	if (reqlog)
		fclose(reqlog);
	close(bfd);
	return rc;
}
