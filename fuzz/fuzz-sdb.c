/*
 * fuzz-sdb: the .sdb hash-set reader (spoor_hashdb_open and everything
 * a tool does with an open set: info, inputs, the full verify, lookups
 * and entries).  A damaged set must be SPOOR_EFORMAT, never a crash.
 */
#include "fuzz.h"
#include "spoor.h"

static const unsigned algs[] = { SPOOR_MD5, SPOOR_SHA1, SPOOR_SHA256,
				 SPOOR_SHA512 };

static unsigned probe(const struct spoor_hashdb *db, const uint8_t *data,
		      size_t size)
{
	struct spoor_hashdb_info info;
	unsigned acc = 0;

	spoor_hashdb_get_info(db, &info);
	acc += fz_touch(info.name, strlen(info.name));
	acc += fz_touch(info.category, strlen(info.category));
	for (size_t i = 0; i < info.ninputs && i < 16; i++) {
		const char *name;
		const unsigned char *sha;

		if (spoor_hashdb_input(db, i, &name, &sha) == 0)
			acc += fz_touch(name, strlen(name)) +
				fz_touch(sha, 32);
	}
	for (size_t a = 0; a < sizeof(algs) / sizeof(algs[0]); a++) {
		size_t len = spoor_hash_len(algs[a]);
		unsigned char key[64] = { 0 };
		const unsigned char *dg;
		const char *cat;
		uint64_t n = info.count[a];

		/* first, last and a middle entry, then look each up */
		for (uint64_t k = 0; k < 3 && n; k++) {
			uint64_t i = k == 0 ? 0 : k == 1 ? n - 1 : n / 2;

			if (spoor_hashdb_entry(db, algs[a], i, &dg, &cat))
				continue;
			acc += fz_touch(dg, len) +
				fz_touch(cat, strlen(cat));
			memcpy(key, dg, len);
			acc += spoor_hashdb_lookup(db, algs[a], key, &cat);
		}
		/* a digest taken from the input itself */
		memcpy(key, data, size < len ? size : len);
		acc += spoor_hashdb_lookup(db, algs[a], key, &cat);
		{
			unsigned char hit[4];
			unsigned char many[4 * 64] = { 0 };

			memcpy(many, data, size < sizeof(many) ? size :
			       sizeof(many));
			acc += (unsigned)spoor_hashdb_lookup_many(db, algs[a],
								  many, 4,
								  hit);
		}
	}
	return acc;
}

static int pdq_count(void *ud, uint64_t i, int d)
{
	(void)d;
	*(unsigned *)ud += (unsigned)i;
	return 0;
}

static int pdq_many(void *ud, size_t q, uint64_t i, int d)
{
	(void)q;
	return pdq_count(ud, i, d);
}

/* PDQ entries (first, last, middle with their strings) and searches
 * near them and near a hash taken from the input. */
static unsigned pdq_probe(const struct spoor_hashdb *db, const uint8_t *data,
			  size_t size)
{
	struct spoor_hashdb_info info;
	unsigned char q[2][SPOOR_PDQ_BYTES] = { { 0 } };
	struct spoor_pdq_match m;
	unsigned acc = 0;

	spoor_hashdb_get_info(db, &info);
	for (uint64_t k = 0; k < 3 && info.pdq_count; k++) {
		uint64_t i = k == 0 ? 0 : k == 1 ? info.pdq_count - 1
			     : info.pdq_count / 2;

		if (spoor_hashdb_pdq_entry(db, i, &m))
			continue;
		acc += fz_touch(m.hash, SPOOR_PDQ_BYTES) +
			fz_touch(m.category, strlen(m.category)) +
			fz_touch(m.label, strlen(m.label)) +
			fz_touch(m.photodna, strlen(m.photodna));
		memcpy(q[0], m.hash, SPOOR_PDQ_BYTES);
	}
	memcpy(q[1], data, size < SPOOR_PDQ_BYTES ? size : SPOOR_PDQ_BYTES);
	acc += (unsigned)spoor_hashdb_pdq_search(db, q[0], -1, pdq_count,
						 &acc);
	acc += spoor_hashdb_pdq_nearest(db, (const unsigned char (*)[32])q, 2,
					100, &m);
	spoor_hashdb_pdq_search_many(db, q[0], 2, 40, pdq_many, &acc);
	return acc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spoor_err err;
	struct spoor_hashdb *db;
	const char *path = fz_file("set.sdb", data, size);

	db = spoor_hashdb_open(path, &err);
	if (!db) {
		if (!err.code || !memchr(err.msg, 0, sizeof(err.msg)))
			abort();
		return 0;
	}
	(void)probe(db, data, size);
	(void)pdq_probe(db, data, size);
	(void)spoor_hashdb_verify(db, &err);
	spoor_hashdb_close(db);
	return 0;
}
