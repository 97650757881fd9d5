/*
 * hdbimport.h: the body of the hash-set importer targets
 * (fuzz-nsrl.c, fuzz-vics.c, fuzz-hashdeep.c, fuzz-hashlist.c): define
 * FZ_FORMAT, then include this.  The input is read by hdb_import (the
 * reader behind spoor_hashdb_builder_add_file) into a sink that checks
 * every digest it is given.
 */
#include "fuzz.h"
#include "hashdb.h"

static int fz_add(void *ud, unsigned alg, const unsigned char *digest,
		  const char *cat, struct spoor_err *err)
{
	size_t n = spoor_hash_len(alg);

	(void)err;
	if (!n)
		abort();	/* an algorithm bit that is not one */
	*(unsigned *)ud += fz_touch(digest, n);
	if (cat)
		*(unsigned *)ud += fz_touch(cat, strlen(cat) + 1);
	return 0;
}

static void fz_bad(void *ud, const char *input, uint64_t line,
		   const char *why)
{
	(void)line;
	*(unsigned *)ud += fz_touch(input, strlen(input)) +
		fz_touch(why, strlen(why));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spoor_hashdb_input_stats st = { 0 };
	struct spoor_err err;
	unsigned acc = 0;
	struct hdb_sink s = {
		.add = fz_add, .on_bad = fz_bad, .ud_bad = &acc, .ud = &acc,
		.input = "fuzz", .st = &st,
	};
	const char *path = fz_file("input", data, size);
	int rc = hdb_import(path, FZ_FORMAT, &s, &err);

	/* an error must say why, in a NUL-terminated message */
	if (rc && (rc != err.code || !memchr(err.msg, 0, sizeof(err.msg))))
		abort();
	return 0;
}
