/*
 * tap.c: plain TAP output for the unit tests.
 */
#include "tap.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int n_run, n_failed, planned = -1;

void plan(int n)
{
	planned = n;
	printf("1..%d\n", n);
}

int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	n_run++;
	printf("%sok %d - ", cond ? "" : "not ", n_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		n_failed++;
	fflush(stdout);
	return cond;
}

void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

int is_int(long long got, long long want, const char *name)
{
	if (ok(got == want, "%s", name))
		return 1;
	diag("  got:  %lld", got);
	diag("  want: %lld", want);
	return 0;
}

int is_str(const char *got, const char *want, const char *name)
{
	int same = (!got && !want) ||
		   (got && want && strcmp(got, want) == 0);

	if (ok(same, "%s", name))
		return 1;
	diag("  got:  '%s'", got ? got : "(null)");
	diag("  want: '%s'", want ? want : "(null)");
	return 0;
}

int is_mem(const void *got, size_t got_len, const void *want,
	   size_t want_len, const char *name)
{
	int same = got_len == want_len && memcmp(got, want, got_len) == 0;

	if (ok(same, "%s", name))
		return 1;
	diag("  got %zu bytes, want %zu bytes", got_len, want_len);
	return 0;
}

int done_testing(void)
{
	if (planned < 0)
		printf("1..%d\n", n_run);
	else if (planned != n_run)
		diag("planned %d tests but ran %d", planned, n_run);
	return n_failed || (planned >= 0 && planned != n_run);
}
