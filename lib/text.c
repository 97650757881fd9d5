/*
 * text.c: UTF-8 validation and ISO 8601 time formatting.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "banned.h"

/* Length of the well-formed UTF-8 sequence at p (1..4), or 0. */
static size_t utf8_seq(const unsigned char *p, size_t left)
{
	unsigned c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return left >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned lo = 0x80, hi = 0xbf;

		if (c == 0xe0)
			lo = 0xa0;	/* overlong */
		if (c == 0xed)
			hi = 0x9f;	/* surrogates */
		return left >= 3 && p[1] >= lo && p[1] <= hi &&
		       (p[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned lo = 0x80, hi = 0xbf;

		if (c == 0xf0)
			lo = 0x90;	/* overlong */
		if (c == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
		return left >= 4 && p[1] >= lo && p[1] <= hi &&
		       (p[2] & 0xc0) == 0x80 && (p[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

bool spoor_utf8_valid(const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf;
	size_t i = 0;

	while (i < len) {
		size_t n;

		if (p[i] < 0x80) {	/* fast path for ASCII */
			i++;
			continue;
		}
		n = utf8_seq(p + i, len - i);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

/* Exposed to the writers: the sequence length or 0 for a bad byte. */
size_t spoor_utf8_seq(const char *p, size_t left)
{
	return utf8_seq((const unsigned char *)p, left);
}

char *spoor_time_iso(const struct spoor_time *t, char out[SPOOR_TIME_STR_MAX])
{
	struct tm tm;
	time_t tt;
	size_t n;

	out[0] = '\0';
	if (!t || !t->set)
		return NULL;
	tt = (time_t)t->sec;
	if ((int64_t)tt != t->sec || !gmtime_r(&tt, &tm) ||
	    tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999)
		return NULL;
	n = strftime(out, SPOOR_TIME_STR_MAX, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!n)
		return NULL;
	if (t->nsec && t->nsec < 1000000000u) {
		char frac[16];
		size_t k;

		snprintf(frac, sizeof(frac), ".%09u", t->nsec);
		for (k = strlen(frac); frac[k - 1] == '0'; k--)
			;
		frac[k] = '\0';
		memcpy(out + n, frac, k + 1);
		n += k;
	}
	out[n++] = 'Z';
	out[n] = '\0';
	return out;
}
