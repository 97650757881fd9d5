/*
 * sbuf.c: a growable byte buffer with a ceiling.
 */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

static bool grow(struct sbuf *b, size_t extra)
{
	size_t max = b->max ? b->max : SBUF_DEFAULT_MAX;
	size_t want, cap;
	char *p;

	if (b->failed)
		return false;
	if (extra > max || b->len + 1 > max - extra) {
		b->failed = true;
		return false;
	}
	want = b->len + extra + 1;
	if (want <= b->cap)
		return true;
	cap = b->cap ? b->cap : 256;
	while (cap < want)
		cap = cap > max / 2 ? max + 1 : cap * 2;
	p = realloc(b->buf, cap);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->buf = p;
	b->cap = cap;
	return true;
}

void sbuf_add(struct sbuf *b, const void *p, size_t n)
{
	if (!grow(b, n))
		return;
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void sbuf_addc(struct sbuf *b, char c)
{
	if (b->len + 1 < b->cap) {	/* the common case, inline */
		b->buf[b->len++] = c;
		b->buf[b->len] = '\0';
		return;
	}
	sbuf_add(b, &c, 1);
}

void sbuf_adds(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void sbuf_addf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	size_t avail;
	int n;

	/* one vsnprintf in the common case: into the room already there */
	if (!grow(b, 64))
		return;
	avail = b->cap - b->len;
	va_start(ap, fmt);
	n = vsnprintf(b->buf + b->len, avail, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->buf[b->len] = '\0';
		return;
	}
	if ((size_t)n < avail) {
		b->len += (size_t)n;
		return;
	}
	b->buf[b->len] = '\0';
	if (!grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	b->failed = false;
	if (b->buf)
		b->buf[0] = '\0';
}

const char *sbuf_str(struct sbuf *b)
{
	return b->buf ? b->buf : "";
}

void sbuf_release(struct sbuf *b)
{
	free(b->buf);
	b->buf = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}

int spoor_grow(void *arr, size_t *cap, size_t n, size_t elem)
{
	void **p = arr;
	size_t nc;
	void *np;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 16;
	if (nc < *cap || nc > SIZE_MAX / elem)
		return SPOOR_ENOMEM;
	np = realloc(*p, nc * elem);
	if (!np)
		return SPOOR_ENOMEM;
	*p = np;
	*cap = nc;
	return 0;
}
