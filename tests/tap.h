/*
 * tap.h: plain TAP output for the unit tests (run by prove).
 */
#ifndef SPOOR_TAP_H
#define SPOOR_TAP_H

#include <stddef.h>

void plan(int n);
/* ok(cond, fmt, ...): one test; returns cond. */
int ok(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int is_int(long long got, long long want, const char *name);
int is_str(const char *got, const char *want, const char *name);
int is_mem(const void *got, size_t got_len, const void *want,
	   size_t want_len, const char *name);
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the plan if plan() was not called; exit status for main. */
int done_testing(void);

#endif
