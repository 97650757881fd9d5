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
	/* a PDQ hash; quality -1: not given; cat, label, photodna may be
	 * NULL */
	int (*add_pdq)(void *ud, const unsigned char *hash, int quality,
		       const char *cat, const char *label,
		       const char *photodna, struct spoor_err *err);
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

/* ---- PDQ entries and their index (hashdb_pdq.c) ---- */

/* Where the PDQ fields sit in the .sdb header (after the set's name and
 * default category; zero in sets without PDQ entries):
 * u64 count, u64 entries offset, u64 index offset, u64 extras offset,
 * u64 extras length, u32 max distance, u32 min quality. */
#define HDB_H_PDQ 392

/* The PDQ section of an open set (pointers into the map). */
struct hdb_pdq {
	uint64_t count;
	const unsigned char *entries, *extras, *index;
	uint64_t extras_len;
	int max_distance, min_quality;
};

/* The builder's output, for hdb_pdq_write. */
struct hdb_out_fn {
	void *o;
	void (*add)(void *o, const void *p, size_t n);
	void (*align)(void *o);
	const uint64_t *off;
};

struct hdb_pdq_build;

struct hdb_pdq_build *hdb_pdq_build_new(int max_distance, int min_quality);
void hdb_pdq_build_free(struct hdb_pdq_build *pb);
uint64_t hdb_pdq_build_count(const struct hdb_pdq_build *pb);
int hdb_pdq_build_add(struct hdb_pdq_build *pb,
		      const unsigned char hash[SPOOR_PDQ_BYTES], int quality,
		      uint16_t cat, const char *label, const char *photodna,
		      struct spoor_err *err);
/* Write entries, extras and index at the output's offset and fill the
 * header's PDQ fields. */
int hdb_pdq_write(struct hdb_pdq_build *pb, struct hdb_out_fn *o,
		  unsigned char *hdr, struct spoor_hashdb_build_stats *st,
		  struct spoor_err *err);
/* Check the PDQ section's place in the file and map it. */
int hdb_pdq_load(struct hdb_pdq *p, const unsigned char *map, size_t size,
		 const char *path, struct spoor_err *err);
/* Every bucket bound and entry number of the index, against the
 * entries: the full check behind info --verify. */
int hdb_pdq_verify(const struct hdb_pdq *p, struct spoor_err *err);
/* Entries within maxd of q (see hashdb_pdq.c); cb (may be NULL) gets
 * each once.  Returns how many. */
size_t hdb_pdq_search(const struct hdb_pdq *p, const unsigned char *q,
		      int maxd, spoor_pdq_match_cb *cb, void *ud);
/* Many queries (nq * SPOOR_PDQ_BYTES bytes) at once; cb gets every
 * (query number, entry, distance).  0, SPOOR_ENOMEM, SPOOR_ESTOPPED. */
typedef int hdb_pdq_many_cb(void *ud, size_t query, uint64_t index,
			    int distance);
int hdb_pdq_search_many(const struct hdb_pdq *p, const unsigned char *qs,
			size_t nq, int maxd, hdb_pdq_many_cb *cb, void *ud);
void hdb_pdq_fill(const struct spoor_hashdb *db, const struct hdb_pdq *p,
		  uint64_t i, struct spoor_pdq_match *m);

/* Category idx of a set (0: its default); "" for a bad index. */
const char *hdb_category(const struct spoor_hashdb *db, unsigned idx);

#endif
