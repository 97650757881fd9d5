/*
 * fuzz.h: what the libFuzzer targets in fuzz/ share.
 *
 * Every target is one file fuzz/fuzz-NAME.c that defines
 * LLVMFuzzerTestOneInput (and may define LLVMFuzzerInitialize).  It is
 * built twice: with clang and -fsanitize=fuzzer (make fuzz), and with the
 * normal compiler and fuzz/replay.c as main(), which runs the regression
 * inputs of fuzz/regressions/NAME/ in `make check`.  Inputs reach the
 * code under test as a file (fz_file) because most of spoor opens
 * evidence by path.
 */
#ifndef SPOOR_FUZZ_H
#define SPOOR_FUZZ_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#include <dirent.h>

static char fz_dir_path[4096];

/* Remove fz_dir() and what the targets left in it (one level deep, or
 * two: a target may leave a directory of files). */
static inline void fz_rm(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[4096 + 512];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (snprintf(p, sizeof(p), "%s/%s", dir, e->d_name) >=
		    (int)sizeof(p))
			continue;
		if (unlink(p) && depth < 2)
			fz_rm(p, depth + 1);
	}
	closedir(d);
	rmdir(dir);
}

static inline void fz_cleanup(void)
{
	if (fz_dir_path[0])
		fz_rm(fz_dir_path, 0);
}

/* A private directory for this process, made once ($TMPDIR or /tmp) and
 * removed at exit. */
static inline const char *fz_dir(void)
{
	if (!fz_dir_path[0]) {
		const char *t = getenv("TMPDIR");

		snprintf(fz_dir_path, sizeof(fz_dir_path),
			 "%s/spoor-fuzz.XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(fz_dir_path))
			abort();
		atexit(fz_cleanup);
	}
	return fz_dir_path;
}

/* Write data to the file NAME in fz_dir() (replaced each call) and return
 * its path; aborts when the file system fails, which is not a finding. */
static inline const char *fz_file(const char *name, const uint8_t *data,
				  size_t size)
{
	static char path[4096 + 64];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fz_dir(), name);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		abort();
	while (size) {
		ssize_t w = write(fd, data, size);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			abort();
		data += w;
		size -= (size_t)w;
	}
	close(fd);
	return path;
}

/* Touch every byte of [p, p+n) so that ASan sees a bad pointer or
 * length in a result, and fold them into a value the compiler keeps. */
static inline unsigned fz_touch(const void *p, size_t n)
{
	const volatile unsigned char *c = p;
	unsigned v = 0;

	for (size_t i = 0; i < n; i++)
		v += c[i];
	return v;
}

#endif
