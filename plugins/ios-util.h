/*
 * ios-util.h: helpers the iOS plugins share, header-only (plugins link
 * nothing): Cocoa timestamps and a small bounded decoder for the text
 * of a typedstream ("streamtyped", NSArchiver) blob such as sms.db
 * message.attributedBody.  ios_typedstream_text() is a pure function
 * on bytes, so a libFuzzer target can include this header and call it.
 */
#ifndef SPOOR_IOS_UTIL_H
#define SPOOR_IOS_UTIL_H

#include <stdio.h>
#include <string.h>

#include "spoor-plugin.h"

/* Seconds from 1970-01-01 to 2001-01-01 (the Cocoa reference date). */
#define IOS_COCOA_EPOCH 978307200
/* sms.db stores seconds before iOS 11 and nanoseconds after, and both
 * occur in one row: a value past this is nanoseconds. */
#define IOS_NS_THRESHOLD 1000000000000000LL

/*
 * An instant from an integer Cocoa value, its unit decided per value
 * (seconds or nanoseconds since 2001-01-01 UTC).  Adds key, key_raw and
 * key_unit ("cocoa_s" / "cocoa_ns").  0 and absent values are no time.
 */
static inline void ios_time_int(struct spoor_record *r, const char *key,
				const char *key_raw, const char *key_unit,
				int64_t raw, bool have)
{
	struct spoor_field *f = spoor_p_add(r, key, SPOOR_F_TIME);
	bool ns = raw > IOS_NS_THRESHOLD || raw < -IOS_NS_THRESHOLD;

	if (f) {
		f->v.t.set = have && raw != 0;
		f->v.t.sec = (ns ? raw / 1000000000 : raw) + IOS_COCOA_EPOCH;
		f->v.t.nsec = ns && raw > 0 ? (uint32_t)(raw % 1000000000) : 0;
	}
	if (have)
		spoor_p_int(r, key_raw, raw);
	else
		spoor_p_null(r, key_raw);
	spoor_p_str(r, key_unit, ns ? "cocoa_ns" : "cocoa_s");
}

/*
 * An instant from a REAL Cocoa value (seconds since 2001, Core Data).
 * buf (>= 40 bytes, alive until emit) holds the raw value as text.
 */
static inline void ios_time_real(struct spoor_record *r, const char *key,
				 const char *key_raw, const char *key_unit,
				 double raw, bool have, char *buf,
				 size_t size)
{
	struct spoor_field *f = spoor_p_add(r, key, SPOOR_F_TIME);
	/* about 1e11 s either way covers every real date and keeps the
	 * conversion to int64 defined */
	bool ok = have && raw == raw && raw > -1e11 && raw < 1e11 &&
		  raw != 0;

	if (f) {
		f->v.t.set = ok;
		f->v.t.sec = ok ? (int64_t)raw + IOS_COCOA_EPOCH : 0;
		f->v.t.nsec = ok && raw > 0 ? (uint32_t)((raw - (double)
						(int64_t)raw) * 1e9) : 0;
	}
	if (have) {
		snprintf(buf, size, "%.6f", raw);
		spoor_p_str(r, key_raw, buf);
	} else {
		spoor_p_null(r, key_raw);
	}
	spoor_p_str(r, key_unit, "cocoa_s");
}

/*
 * The first NSString of a typedstream blob: 0 and (*text, *len) pointing
 * into p, or -1 when p is no typedstream or holds no string.
 *
 * The format (NSArchiver, "typedstream" version 4): 0x04 0x0b
 * "streamtyped", a system version integer, then objects; a class is
 * written as its name (a length-prefixed string) and version, an
 * NSString's contents as the type '+' (0x2b, bytes) followed by a
 * length and the UTF-8 bytes.  Integers: a byte below 0x80 is itself
 * (we reject the negative values 0x80..0xff other than the markers),
 * 0x81 introduces a little-endian int16, 0x82 an int32.  Every read is
 * bounded by n; nothing is allocated.
 */
static inline int ios_typedstream_text(const unsigned char *p, size_t n,
				       const char **text, size_t *len)
{
	static const char magic[] = "\x04\x0bstreamtyped";
	static const char *const cls[] = { "NSString", "NSMutableString" };
	size_t best = n;

	*text = NULL;
	*len = 0;
	if (!p || n < sizeof(magic) - 1 || memcmp(p, magic, sizeof(magic) - 1))
		return -1;
	/* the first string class named in the stream */
	for (size_t c = 0; c < 2; c++) {
		size_t cl = strlen(cls[c]);

		for (size_t i = sizeof(magic) - 1; i + cl + 1 < n; i++)
			if ((size_t)p[i] == cl && !memcmp(p + i + 1, cls[c],
							  cl)) {
				if (i + 1 + cl < best)
					best = i + 1 + cl;
				break;
			}
	}
	if (best >= n)
		return -1;
	/* the '+' type tag within a few bytes of the class (its version
	 * and the object header come between) */
	for (size_t i = best; i < n && i < best + 16; i++) {
		size_t at, l;

		if (p[i] != 0x2b)
			continue;
		at = i + 1;
		if (at >= n)
			return -1;
		if (p[at] < 0x80) {
			l = p[at];
			at += 1;
		} else if (p[at] == 0x81 && at + 3 <= n) {
			l = (size_t)p[at + 1] | (size_t)p[at + 2] << 8;
			at += 3;
		} else if (p[at] == 0x82 && at + 5 <= n) {
			l = (size_t)p[at + 1] | (size_t)p[at + 2] << 8 |
			    (size_t)p[at + 3] << 16 | (size_t)p[at + 4] << 24;
			at += 5;
		} else {
			return -1;
		}
		if (l > n - at)
			return -1;
		*text = (const char *)p + at;
		*len = l;
		return 0;
	}
	return -1;
}

#endif
