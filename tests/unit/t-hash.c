/*
 * t-hash: multi-digest against published test vectors (FIPS 180 / RFC
 * 1321 examples), split feeding, and the algorithm list parser.
 */
#include <string.h>

#include "spoor.h"
#include "tap.h"

static const struct {
	const char *input;
	unsigned alg;
	const char *hex;
} vectors[] = {
	{ "", SPOOR_MD5, "d41d8cd98f00b204e9800998ecf8427e" },
	{ "abc", SPOOR_MD5, "900150983cd24fb0d6963f7d28e17f72" },
	{ "", SPOOR_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
	{ "abc", SPOOR_SHA1, "a9993e364706816aba3e25717850c26c9cd0d89d" },
	{ "", SPOOR_SHA256,
	  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", SPOOR_SHA256,
	  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abc", SPOOR_SHA512,
	  "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	  "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
};

static const struct {
	const char *list;
	int rc;
	unsigned mask;
} lists[] = {
	{ "md5,sha1,sha256", 0, SPOOR_MD5 | SPOOR_SHA1 | SPOOR_SHA256 },
	{ "SHA256", 0, SPOOR_SHA256 },
	{ "sha512,md5", 0, SPOOR_SHA512 | SPOOR_MD5 },
	{ "md4", SPOOR_EINVAL, 0 },
	{ "", SPOOR_EINVAL, 0 },
	{ "md5,,sha1", 0, SPOOR_MD5 | SPOOR_SHA1 },
	{ "sha2", SPOOR_EINVAL, 0 },
};

int main(void)
{
	struct spoor_err err;

	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		struct spoor_hash *h = spoor_hash_new(SPOOR_HASH_ALL, &err);
		struct spoor_digests d = { 0 };
		char hex[2 * SPOOR_HASH_MAXLEN + 1];
		const char *in = vectors[i].input;
		size_t half = strlen(in) / 2;

		/* fed in two pieces: digests must not depend on chunking */
		spoor_hash_update(h, in, half, &err);
		spoor_hash_update(h, in + half, strlen(in) - half, &err);
		spoor_hash_final(h, &d, &err);
		spoor_hex(spoor_digest_get(&d, vectors[i].alg),
			  spoor_hash_len(vectors[i].alg), hex);
		is_str(hex, vectors[i].hex, spoor_hash_name(vectors[i].alg));
		spoor_hash_free(h);
	}
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		unsigned mask = 0;
		int rc = spoor_hash_parse(lists[i].list, &mask, &err);

		is_int(rc, lists[i].rc, lists[i].list);
		if (!rc)
			is_int(mask, lists[i].mask, "mask");
	}
	{
		/* a reset object gives the digest of the new message only */
		struct spoor_hash *h = spoor_hash_new(SPOOR_SHA256, &err);
		struct spoor_digests d = { 0 };
		char hex[65];

		spoor_hash_update(h, "junk", 4, &err);
		spoor_hash_reset(h, &err);
		spoor_hash_update(h, "abc", 3, &err);
		spoor_hash_final(h, &d, &err);
		spoor_hex(d.sha256, 32, hex);
		is_str(hex, vectors[5].hex, "reset starts a new message");
		ok(spoor_digest_get(&d, SPOOR_MD5) == NULL,
		   "only the algorithms of the object are set");
		spoor_hash_free(h);
	}
	ok(spoor_hash_new(0, &err) == NULL && err.code == SPOOR_EINVAL,
	   "an empty mask is refused");
	return done_testing();
}
