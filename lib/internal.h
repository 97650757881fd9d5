/*
 * internal.h: helpers shared by the library's modules.  Not installed.
 */
#ifndef SPOOR_INTERNAL_H
#define SPOOR_INTERNAL_H

#include "spoor.h"

#include <stdarg.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/*
 * Fill err (if not NULL) and return code, so call sites read
 *   return spoor_err_set(err, SPOOR_EIO, errno, "cannot open '%s'", p);
 */
int spoor_err_set(struct spoor_err *err, int code, int sys_errno,
		  const char *fmt, ...) SPOOR_PRINTF(4, 5);

/* Log with the message of an error, as "prefix: msg". */
void spoor_log_err(struct spoor_ctx *ctx, enum spoor_log_level level,
		   const struct spoor_err *err);

/* Bounded string copy that always NUL-terminates; returns strlen(src). */
size_t spoor_strlcpy(char *dst, const char *src, size_t size);

/* True if s ends with suffix, ASCII case-insensitive. */
int spoor_ends_with_ci(const char *s, const char *suffix);

/* The extension of a file name without the dot, lower-cased into out
 * (empty when there is none or it is longer than size - 1). */
void spoor_extension(const char *name, char *out, size_t size);

/* Length of the well-formed UTF-8 sequence at p (1..4), or 0 for a bad
 * byte. */
size_t spoor_utf8_seq(const char *p, size_t left);

/*
 * A growable byte buffer with a ceiling (hostile input must not make it
 * grow without bound).  Zero-initialise, or use SBUF_INIT.
 */
struct sbuf {
	char *buf;
	size_t len, cap, max;	/* max 0: SBUF_DEFAULT_MAX */
	bool failed;		/* an append hit the ceiling or ENOMEM */
};
#define SBUF_DEFAULT_MAX ((size_t)64 << 20)
#define SBUF_INIT { NULL, 0, 0, 0, false }

void sbuf_add(struct sbuf *b, const void *p, size_t n);
void sbuf_addc(struct sbuf *b, char c);
void sbuf_adds(struct sbuf *b, const char *s);
void sbuf_addf(struct sbuf *b, const char *fmt, ...) SPOOR_PRINTF(2, 3);
void sbuf_reset(struct sbuf *b);
/* NUL-terminated contents ("" when empty). */
const char *sbuf_str(struct sbuf *b);
void sbuf_release(struct sbuf *b);

/*
 * Room for element n of the array *(void **)arr of *cap elements of
 * elem bytes: when n == *cap the capacity doubles (16 first).  0, or
 * SPOOR_ENOMEM with the array left as it was.
 */
int spoor_grow(void *arr, size_t *cap, size_t n, size_t elem);

/*
 * Phone numbers through a small direct-mapped cache of recent answers
 * (libphonenumber takes ~35 us a number; a chat repeats a few numbers):
 * spoor_phone_parse with the same results.  One cache per thread.
 */
struct phone_cache;
struct phone_cache *phone_cache_new(void);
void phone_cache_free(struct phone_cache *c);
int phone_cache_parse(struct phone_cache *c, const char *raw,
		      const char *default_cc, struct spoor_phone *out);

#endif
