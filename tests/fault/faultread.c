/*
 * faultread.c: a test-only LD_PRELOAD library that makes reads of one
 * file misbehave like a failing disk, so that spoor-acquire's bad-sector
 * handling can be tested without root.  (Test code: global state is
 * allowed here, unlike in lib/.)
 *
 * SPOOR_FAULT="file=PATH;eio=S+N,S+N;flaky=S+N;short=S;slow=MS;kill=BYTES"
 *   file   the file whose reads are affected (matched by device + inode,
 *          so every descriptor of it is, O_DIRECT ones included)
 *   eio    sectors S..S+N-1 (512 bytes) always fail: a read touching
 *          them returns -1/EIO, as a disk's uncorrectable sector does
 *   flaky  a read touching S..S+N-1 fails once with EIO, then works
 *   short  a read that starts before sector S and reaches past it
 *          returns only the bytes before S (a legal short read)
 *   slow   sleep MS milliseconds before each read (to interrupt runs)
 *   nospc  writes to a file whose path ends with this suffix fail with
 *          ENOSPC, as on a full disk: write() and fwrite() (libxml2's
 *          own file writer uses fwrite); every other file is written
 *
 * Build: cc -shared -fPIC -o faultread.so faultread.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define SECTOR 512
#define MAXR 64

struct range {
	uint64_t s, n;
	int left;		/* flaky: failures left */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int inited;
static dev_t f_dev;
static ino_t f_ino;
static int have_file;
static struct range eio[MAXR], flaky[MAXR];
static int neio, nflaky;
static uint64_t shorts[MAXR];
static int nshort;
static long slow_ms;
static char nospc[256];

static ssize_t (*real_read)(int, void *, size_t);
static ssize_t (*real_pread)(int, void *, size_t, off_t);
static ssize_t (*real_pread64)(int, void *, size_t, off_t);
static ssize_t (*real_preadv)(int, const struct iovec *, int, off_t);
static ssize_t (*real_preadv64)(int, const struct iovec *, int, off_t);
static ssize_t (*real_write)(int, const void *, size_t);
static size_t (*real_fwrite)(const void *, size_t, size_t, FILE *);

static int parse_ranges(const char *v, struct range *r, int *n)
{
	while (*v && *n < MAXR) {
		char *end;
		unsigned long long s = strtoull(v, &end, 10), c = 1;

		if (*end == '+')
			c = strtoull(end + 1, &end, 10);
		r[*n].s = s;
		r[*n].n = c;
		r[*n].left = 1;
		(*n)++;
		if (*end != ',')
			break;
		v = end + 1;
	}
	return 0;
}

static void init(void)
{
	char *spec, *save = NULL, *tok;
	const char *env;

	if (inited)
		return;
	inited = 1;
	real_read = dlsym(RTLD_NEXT, "read");
	real_pread = dlsym(RTLD_NEXT, "pread");
	real_pread64 = dlsym(RTLD_NEXT, "pread64");
	real_preadv = dlsym(RTLD_NEXT, "preadv");
	real_preadv64 = dlsym(RTLD_NEXT, "preadv64");
	real_write = dlsym(RTLD_NEXT, "write");
	real_fwrite = dlsym(RTLD_NEXT, "fwrite");
	env = getenv("SPOOR_FAULT");
	if (!env)
		return;
	spec = strdup(env);
	for (tok = strtok_r(spec, ";", &save); tok;
	     tok = strtok_r(NULL, ";", &save)) {
		if (!strncmp(tok, "file=", 5)) {
			struct stat st;

			if (!stat(tok + 5, &st)) {
				f_dev = st.st_dev;
				f_ino = st.st_ino;
				have_file = 1;
			}
		} else if (!strncmp(tok, "eio=", 4)) {
			parse_ranges(tok + 4, eio, &neio);
		} else if (!strncmp(tok, "flaky=", 6)) {
			parse_ranges(tok + 6, flaky, &nflaky);
		} else if (!strncmp(tok, "short=", 6)) {
			char *p = tok + 6, *end;

			while (*p && nshort < MAXR) {
				shorts[nshort++] = strtoull(p, &end, 10);
				if (*end != ',')
					break;
				p = end + 1;
			}
		} else if (!strncmp(tok, "slow=", 5)) {
			slow_ms = strtol(tok + 5, NULL, 10);
		} else if (!strncmp(tok, "nospc=", 6)) {
			snprintf(nospc, sizeof(nospc), "%s", tok + 6);
		}
	}
	free(spec);
}

static int is_target(int fd)
{
	struct stat st;

	return have_file && !fstat(fd, &st) && st.st_dev == f_dev &&
	       st.st_ino == f_ino;
}

static int touches(const struct range *r, uint64_t b, uint64_t e)
{
	uint64_t rb = r->s * SECTOR, re = (r->s + r->n) * SECTOR;

	return b < re && e > rb;
}

/* How many bytes of [off, off+len) to pass through: -1 for EIO. */
static ssize_t judge(uint64_t off, size_t len)
{
	uint64_t end = off + len;
	ssize_t allow = (ssize_t)len;

	pthread_mutex_lock(&mu);
	for (int i = 0; i < neio; i++)
		if (touches(&eio[i], off, end)) {
			pthread_mutex_unlock(&mu);
			return -1;
		}
	for (int i = 0; i < nflaky; i++)
		if (flaky[i].left && touches(&flaky[i], off, end)) {
			flaky[i].left--;
			pthread_mutex_unlock(&mu);
			return -1;
		}
	for (int i = 0; i < nshort; i++) {
		uint64_t b = shorts[i] * SECTOR;

		if (off < b && end > b && (ssize_t)(b - off) < allow)
			allow = (ssize_t)(b - off);
	}
	pthread_mutex_unlock(&mu);
	if (slow_ms)
		usleep((useconds_t)slow_ms * 1000);
	return allow;
}

static ssize_t do_pread(ssize_t (*fn)(int, void *, size_t, off_t), int fd,
			void *buf, size_t len, off_t off)
{
	ssize_t allow;

	init();
	if (!is_target(fd))
		return fn(fd, buf, len, off);
	allow = judge((uint64_t)off, len);
	if (allow < 0) {
		errno = EIO;
		return -1;
	}
	return fn(fd, buf, (size_t)allow, off);
}

ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
	init();
	return do_pread(real_pread, fd, buf, len, off);
}

ssize_t pread64(int fd, void *buf, size_t len, off_t off)
{
	init();
	return do_pread(real_pread64, fd, buf, len, off);
}

ssize_t read(int fd, void *buf, size_t len)
{
	off_t off;
	ssize_t allow, n;

	init();
	if (!is_target(fd))
		return real_read(fd, buf, len);
	off = lseek(fd, 0, SEEK_CUR);
	if (off < 0)
		return real_read(fd, buf, len);
	allow = judge((uint64_t)off, len);
	if (allow < 0) {
		errno = EIO;
		return -1;
	}
	n = real_read(fd, buf, (size_t)allow);
	return n;
}

static ssize_t do_preadv(ssize_t (*fn)(int, const struct iovec *, int,
				       off_t),
			 int fd, const struct iovec *iov, int cnt, off_t off)
{
	size_t len = 0;

	init();
	if (!is_target(fd))
		return fn(fd, iov, cnt, off);
	for (int i = 0; i < cnt; i++)
		len += iov[i].iov_len;
	if (judge((uint64_t)off, len) < (ssize_t)len) {
		/* keep it simple: any fault fails a vectored read */
		errno = EIO;
		return -1;
	}
	return fn(fd, iov, cnt, off);
}

ssize_t preadv(int fd, const struct iovec *iov, int cnt, off_t off)
{
	init();
	return do_preadv(real_preadv, fd, iov, cnt, off);
}

ssize_t preadv64(int fd, const struct iovec *iov, int cnt, off_t off)
{
	init();
	return do_preadv(real_preadv64, fd, iov, cnt, off);
}

/* Is fd a file whose path ends with the nospc suffix? */
static int full(int fd)
{
	char link[64], path[4096];
	ssize_t n;
	size_t k = strlen(nospc);

	if (!k || fd < 0)
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < (ssize_t)k)
		return 0;
	path[n] = '\0';
	return !strcmp(path + n - k, nospc);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	init();
	if (full(fd)) {
		errno = ENOSPC;
		return -1;
	}
	return real_write(fd, buf, len);
}

size_t fwrite(const void *buf, size_t size, size_t n, FILE *f)
{
	init();
	if (full(fileno(f))) {
		errno = ENOSPC;
		return 0;
	}
	return real_fwrite(buf, size, n, f);
}
