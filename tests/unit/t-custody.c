/*
 * t-custody: the hash-chained custody log.  The expected hashes were
 * computed with sha256sum (printf 'custody-v1\0TDH-2025-0042' | sha256sum,
 * and the first line likewise), not by the code under test.  Every kind
 * of tampering (edit, delete, insert, swap, truncate, wrong case, CR,
 * overlong line) must be found and named by its line.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spoor.h"
#include "tap.h"

#define CASE "TDH-2025-0042"
#define GENESIS "9e4e5e4f3f32c4752d5cb7628078af687045cf6fffc9f37d24a5d907de73af2c"
#define LINE0_HASH \
	"f11cc9d0b5822293ddd0a01bbc2b5168595a9dc7dc56d3865f28ae499fbd1684"

static char dir[] = "/tmp/t-custody.XXXXXX";
static char logp[256];

static char *slurp(const char *p, size_t *n)
{
	FILE *f = fopen(p, "rb");
	char *b = malloc(1 << 20);
	*n = f ? fread(b, 1, 1 << 20, f) : 0;
	if (f)
		fclose(f);
	b[*n] = '\0';
	return b;
}

static void spill(const char *p, const char *b, size_t n)
{
	FILE *f = fopen(p, "wb");
	fwrite(b, 1, n, f);
	fclose(f);
}

/* Check the log at p; returns the rc, fills c. */
static int check(const char *p, const char *case_id,
		 struct spoor_custody_check *c, struct spoor_err *err)
{
	int fd = open(p, O_RDONLY);
	int rc;

	c->at_seq = 1;
	rc = spoor_custody_verify_fd(fd, case_id, c, err);
	close(fd);
	return rc;
}

/* Write `text` as the log, check it, expect failure at line `line`. */
static void expect_bad(const char *text, size_t n, uint64_t line,
		       const char *what)
{
	char p[300];
	struct spoor_custody_check c;
	struct spoor_err err;
	int rc;

	snprintf(p, sizeof(p), "%s/bad.log", dir);
	spill(p, text, n);
	rc = check(p, CASE, &c, &err);
	ok(rc == SPOOR_EFORMAT || rc == SPOOR_ELIMIT, "%s: refused", what);
	is_int((long long)c.bad_line, (long long)line, "  at the right line");
	diag("  %s", err.msg);
}

int main(void)
{
	struct spoor_custody_check c;
	struct spoor_err err;
	char head[65], g[65], p[300];
	uint64_t seq = 99;
	size_t n;
	char *log, *copy;

	plan(38);
	if (!mkdtemp(dir))
		return 1;
	snprintf(logp, sizeof(logp), "%s/custody.log", dir);

	spoor_custody_genesis(CASE, g);
	is_str(g, GENESIS, "genesis = sha256(\"custody-v1\\0\" case-id)");

	ok(spoor_custody_append(logp, CASE, "{\"event\":\"created\"}", &seq,
				head, &err) == 0, "append to a new log");
	is_int((long long)seq, 0, "first seq is 0");
	is_str(head, LINE0_HASH, "head = sha256 of the first line");
	ok(spoor_custody_append(logp, CASE, "{\"event\":\"received\"}", &seq,
				head, &err) == 0, "append a second event");
	is_int((long long)seq, 1, "second seq is 1");
	ok(spoor_custody_append(logp, CASE, "{\"event\":\"analysed\","
				"\"note\":\"caf\xc3\xa9\"}", &seq, head,
				&err) == 0, "append a third (UTF-8)");

	log = slurp(logp, &n);
	{
		char want[400];
		snprintf(want, sizeof(want),
			 "0\t%s\t{\"event\":\"created\"}\n1\t%s\t"
			 "{\"event\":\"received\"}\n", GENESIS, LINE0_HASH);
		ok(n > strlen(want) && memcmp(log, want, strlen(want)) == 0,
		   "lines are seq TAB prev TAB json");
	}

	ok(check(logp, CASE, &c, &err) == 0, "the log verifies");
	is_int((long long)c.count, 3, "count 3");
	is_str(c.head, head, "head = last appended line's hash");
	ok(strlen(c.at_hash) == 64 && strcmp(c.at_hash, LINE0_HASH) != 0,
	   "hash at seq 1 reported");
	ok(check(logp, "TDH-2025-0043", &c, &err) == SPOOR_EFORMAT &&
	   c.bad_line == 1, "another case id: refused at line 1");

	ok(spoor_custody_append(logp, CASE, "{\"a\":1}\n{\"b\":2}", NULL,
				NULL, &err) == SPOOR_EINVAL,
	   "an event with a newline is refused");
	ok(spoor_custody_append(logp, CASE, "not json", NULL, NULL, &err) ==
	   SPOOR_EINVAL, "a non-object event is refused");

	/* tampering */
	copy = malloc(n + 2);
	memcpy(copy, log, n + 1);
	copy[strlen(copy) - 3] ^= 1;	/* a byte of the last event */
	{
		/* the last line's content changes its own hash only: the
		 * chain still links, but the head moves */
		char q[300];
		snprintf(q, sizeof(q), "%s/edit.log", dir);
		spill(q, copy, n);
		ok(check(q, CASE, &c, &err) == 0 && strcmp(c.head, head) != 0,
		   "edit of the last line: chain links, head differs");
	}
	memcpy(copy, log, n + 1);
	copy[10] ^= 1;		/* line 1's prev (the genesis) */
	expect_bad(copy, n, 1, "edit of line 1's link");
	memcpy(copy, log, n + 1);
	copy[80] ^= 1;		/* line 1's event: line 2 no longer links */
	expect_bad(copy, n, 2, "edit of line 1's event");
	memcpy(copy, log, n + 1);
	{
		char *l2 = strchr(copy, '\n') + 1;
		char *l3 = strchr(l2, '\n') + 1;
		l2[strlen(GENESIS) + 5] ^= 1;	/* an event byte of line 2 */
		expect_bad(copy, n, 3, "edit in line 2 breaks line 3");
		memcpy(copy, log, n + 1);
		/* delete line 2 */
		memmove(l2, l3, strlen(l3) + 1);
		expect_bad(copy, strlen(copy), 2, "deleted line");
	}
	memcpy(copy, log, n + 1);
	{
		/* swap lines 2 and 3 */
		char *l2 = strchr(copy, '\n') + 1;
		char *l3 = strchr(l2, '\n') + 1;
		size_t a = (size_t)(l3 - l2), b = strlen(l3);
		char *tmp = malloc(a + b);
		memcpy(tmp, l3, b);
		memcpy(tmp + b, l2, a);
		memcpy(l2, tmp, a + b);
		free(tmp);
		expect_bad(copy, n, 2, "swapped lines");
	}
	memcpy(copy, log, n + 1);
	expect_bad(copy, n - 5, 3, "truncated mid-line");
	memcpy(copy, log, n + 1);
	{
		char *l2 = strchr(copy, '\n');
		memmove(l2 + 1, l2, strlen(l2) + 1);
		*l2 = '\r';
		expect_bad(copy, n + 1, 1, "CR before LF");
	}
	memcpy(copy, log, n + 1);
	copy[0] = 'x';
	expect_bad(copy, n, 1, "bad seq field");
	{
		size_t big = SPOOR_CUSTODY_MAX_LINE + 10;
		char *huge = malloc(big + 1);
		memset(huge, 'a', big);
		huge[big] = '\n';
		snprintf(p, sizeof(p), "%s/bad.log", dir);
		spill(p, huge, big + 1);
		ok(check(p, CASE, &c, &err) == SPOOR_ELIMIT,
		   "overlong line: limit");
		free(huge);
	}

	/* refuse to extend a broken log, and leave it as it was */
	memcpy(copy, log, n + 1);
	copy[75] ^= 1;
	snprintf(p, sizeof(p), "%s/broken.log", dir);
	spill(p, copy, n);
	ok(spoor_custody_append(p, CASE, "{\"event\":\"x\"}", NULL, NULL,
				&err) == SPOOR_EFORMAT,
	   "append to a broken log refused");
	{
		size_t m;
		char *after = slurp(p, &m);
		ok(m == n && memcmp(after, copy, n) == 0,
		   "broken log left unchanged");
		free(after);
	}
	/* an empty file is a valid empty log */
	snprintf(p, sizeof(p), "%s/empty.log", dir);
	spill(p, "", 0);
	ok(check(p, CASE, &c, &err) == 0 && c.count == 0 && !c.head[0],
	   "empty log: 0 lines, no head");
	/* a symlink is not followed */
	{
		char s[300];
		snprintf(s, sizeof(s), "%s/link.log", dir);
		ok(symlink(logp, s) == 0, "made a symlink");
		ok(spoor_custody_append(s, CASE, "{\"e\":1}", NULL, NULL,
					&err) == SPOOR_EOUTPUT,
		   "append through a symlink refused");
		unlink(s);
	}

	free(copy);
	free(log);
	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	if (system(p) != 0)
		diag("cleanup failed");
	return done_testing();
}
