/*
 * hashdb.h: what the hash-set builder (hashdb.c) and the input readers
 * (hashdb_import.c) share.  Not installed.
 */
#ifndef SPOOR_HASHDB_H
#define SPOOR_HASHDB_H

#include "internal.h"

/* Where the readers send what they parse. */
struct hdb_sink {
	/* alg: enum spoor_hash_alg bit; cat may be NULL */
	int (*add)(void *ud, unsigned alg, const unsigned char *digest,
		   const char *cat, struct spoor_err *err);
	spoor_hashdb_bad_cb *on_bad;
	void *ud_bad;
	void *ud;
	const char *input;	/* name for messages */
	struct spoor_hashdb_input_stats *st;
};

/* Report a bad record: counted, and passed on when there is a callback. */
void hdb_bad(struct hdb_sink *s, uint64_t line, const char *fmt, ...)
	SPOOR_PRINTF(3, 4);

/* Parse 2*len hex digits (either case) into out; 0 or -1. */
int hdb_unhex(const char *hex, size_t len, unsigned char *out);

/* The algorithm bit whose hex digest has n digits, else 0. */
unsigned hdb_alg_for_hexlen(size_t n);

/* Read one input of a known format (not SDB, not AUTO) into the sink; the
 * input's SHA-256 is left in s->st->sha256. */
int hdb_import(const char *path, enum spoor_hashdb_format fmt,
	       struct hdb_sink *s, struct spoor_err *err);

#endif
