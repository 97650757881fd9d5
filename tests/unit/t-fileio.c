/*
 * t-fileio: whole writes, capped reads and atomic files (lib/fileio.c).
 * Oracles: the bytes read back with stdio, stat(2) for what exists, a
 * FIFO that has no writer (a blocking open would hang the test: the
 * alarm ends it as a failure).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spoor.h"
#include "tap.h"

static char dir[] = "/tmp/t-fileio.XXXXXX";

static char *path(const char *name)
{
	static char p[4][300];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s", dir, name);
	return p[k];
}

static bool exists(const char *name)
{
	struct stat st;

	return lstat(path(name), &st) == 0;
}

static size_t slurp(const char *name, char *buf, size_t max)
{
	FILE *f = fopen(path(name), "rb");
	size_t n = f ? fread(buf, 1, max, f) : 0;

	if (f)
		fclose(f);
	return n;
}

static void spill(const char *name, const char *text)
{
	FILE *f = fopen(path(name), "wb");

	fputs(text, f);
	fclose(f);
}

/* read_file cases: a file of `content` read with cap `max`. */
static const struct {
	const char *content;
	size_t max;
	int rc;
} reads[] = {
	{ "", 0, SPOOR_OK },
	{ "abc", 3, SPOOR_OK },
	{ "abcd", 3, SPOOR_ELIMIT },
	{ "line\nwith\0nul", 100, SPOOR_OK },
};

static void test_reads(void)
{
	struct spoor_err err;
	char *buf;
	size_t len;
	int rc;

	for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
		size_t n = strlen(reads[i].content);

		spill("r", reads[i].content);
		rc = spoor_read_file(AT_FDCWD, path("r"), 0, reads[i].max,
				     &buf, &len, &err);
		is_int(rc, reads[i].rc, "read_file case");
		if (rc == SPOOR_OK) {
			is_mem(buf, len, reads[i].content, n,
			       "read_file: the bytes");
			ok(buf[len] == '\0', "read_file: NUL after them");
		} else {
			ok(buf == NULL && len == 0, "nothing on failure");
		}
		free(buf);
	}
	/* spoor_read_all on a pipe: no size known in advance */
	{
		int fds[2];
		char big[5000];

		memset(big, 'x', sizeof(big));
		if (pipe(fds) == 0) {
			spoor_write_all(fds[1], big, sizeof(big));
			close(fds[1]);
			rc = spoor_read_all(fds[0], "pipe", 4999, &buf, &len,
					    &err);
			is_int(rc, SPOOR_ELIMIT, "read_all: over the cap");
			ok(strstr(err.msg, "'pipe' is too large") != NULL,
			   "read_all: the message names it (%s)", err.msg);
			close(fds[0]);
		}
	}
	rc = spoor_read_file(AT_FDCWD, path("none"), 0, 10, &buf, &len, &err);
	is_int(rc, SPOOR_ENOTFOUND, "read_file: a missing file");
	/* a FIFO without a writer: refused at once, not waited on */
	if (mkfifo(path("fifo"), 0600) == 0) {
		alarm(10);
		rc = spoor_read_file(AT_FDCWD, path("fifo"), 0, 10, &buf,
				     &len, &err);
		alarm(0);
		is_int(rc, SPOOR_EFORMAT, "read_file: a FIFO is refused");
		ok(strstr(err.msg, "not a regular file") != NULL,
		   "read_file: FIFO message (%s)", err.msg);
	} else {
		ok(0, "mkfifo: %s", strerror(errno));
		ok(0, "mkfifo");
	}
	/* O_NOFOLLOW: a symlink is not followed */
	spill("target", "secret");
	if (symlink(path("target"), path("link")) == 0) {
		rc = spoor_read_file(AT_FDCWD, path("link"), O_NOFOLLOW, 100,
				     &buf, &len, &err);
		is_int(rc, SPOOR_EIO, "read_file O_NOFOLLOW: a link refused");
	} else {
		ok(0, "symlink");
	}
}

static void test_atomic(void)
{
	struct spoor_atomic a;
	struct spoor_err err;
	char buf[64];
	size_t n;
	int dfd;

	/* commit: the name appears with the bytes, no temp file stays */
	is_int(spoor_atomic_open(&a, AT_FDCWD, path("out"), 0644, &err), 0,
	       "atomic open");
	ok(exists("out.tmp") && !exists("out"), "written under NAME.tmp");
	ok(spoor_write_all(a.fd, "hello\n", 6) == 0, "write_all");
	ok(!exists("out"), "the name is not there before commit");
	is_int(spoor_atomic_commit(&a, &err), 0, "commit");
	n = slurp("out", buf, sizeof(buf));
	is_mem(buf, n, "hello\n", 6, "committed bytes");
	ok(!exists("out.tmp"), "no temp file after commit");
	ok(a.fd == -1 && !a.tmp && !a.name, "struct emptied by commit");

	/* abort: the old file stays as it was, the temp file goes */
	is_int(spoor_atomic_open(&a, AT_FDCWD, path("out"), 0644, &err), 0,
	       "atomic open over an existing file");
	spoor_write_all(a.fd, "half", 4);
	spoor_atomic_abort(&a);
	spoor_atomic_abort(&a);
	n = slurp("out", buf, sizeof(buf));
	is_mem(buf, n, "hello\n", 6, "abort leaves the old file");
	ok(!exists("out.tmp"), "abort removes the temp file");

	/* a leftover temp file of a killed run is replaced */
	spill("left.tmp", "leftover");
	is_int(spoor_atomic_write(AT_FDCWD, path("left"), "new", 3, 0600,
				  &err), 0, "atomic_write over a leftover");
	n = slurp("left", buf, sizeof(buf));
	is_mem(buf, n, "new", 3, "atomic_write bytes");

	/* relative to a folder's fd */
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	is_int(spoor_atomic_write(dfd, "at", "x", 1, 0644, &err), 0,
	       "atomic_write relative to a dirfd");
	ok(exists("at") && !exists("at.tmp"), "dirfd: name made");
	close(dfd);

	/* a folder that does not exist: an output error, named */
	is_int(spoor_atomic_write(AT_FDCWD, path("no/such"), "x", 1, 0644,
				  &err), SPOOR_EOUTPUT, "missing folder");
	ok(strstr(err.msg, "no/such.tmp") != NULL, "message names the file");

	/* a temp name that is a symlink is not followed */
	if (symlink(path("target"), path("sym.tmp")) == 0) {
		is_int(spoor_atomic_write(AT_FDCWD, path("sym"), "y", 1,
					  0644, &err), 0,
		       "leftover symlink replaced");
		n = slurp("target", buf, sizeof(buf));
		is_mem(buf, n, "secret", 6, "the link's target untouched");
	} else {
		ok(0, "symlink");
		ok(0, "symlink");
	}

	/* spoor_rename: moves and leaves no source */
	spill("a", "A");
	ok(spoor_rename(path("a"), path("b")) == 0, "spoor_rename");
	ok(!exists("a") && exists("b"), "renamed");
	ok(spoor_rename(path("a"), path("c")) == -1 && errno == ENOENT,
	   "spoor_rename of a missing file: ENOENT");
	ok(spoor_fsync_dir_of(path("b")) == 0, "fsync_dir_of");
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	test_reads();
	test_atomic();
	{
		char cmd[400];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			diag("cannot remove %s", dir);
	}
	return done_testing();
}
