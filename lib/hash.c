/*
 * hash.c: several digests over one pass of the data, through OpenSSL's EVP
 * interface (so the CPU's SHA extensions are used where present).
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "banned.h"

static const struct {
	unsigned alg;
	const char *name;	/* ours, lower case */
	const char *evp;	/* OpenSSL's */
	size_t len;
	size_t off;		/* where it lives in struct spoor_digests */
} algs[SPOOR_HASH_NALGS] = {
	{ SPOOR_MD5, "md5", "MD5", 16, offsetof(struct spoor_digests, md5) },
	{ SPOOR_SHA1, "sha1", "SHA1", 20,
	  offsetof(struct spoor_digests, sha1) },
	{ SPOOR_SHA256, "sha256", "SHA256", 32,
	  offsetof(struct spoor_digests, sha256) },
	{ SPOOR_SHA512, "sha512", "SHA512", 64,
	  offsetof(struct spoor_digests, sha512) },
};

struct spoor_hash {
	unsigned mask;
	EVP_MD *md[SPOOR_HASH_NALGS];
	EVP_MD_CTX *ctx[SPOOR_HASH_NALGS];
};

int spoor_hash_parse(const char *list, unsigned *mask, struct spoor_err *err)
{
	const char *p = list;
	unsigned m = 0;

	while (*p) {
		size_t n = strcspn(p, ",");
		size_t i;

		if (n == 0) {	/* "md5,,sha1": an empty item is no error */
			p++;
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(algs); i++)
			if (strlen(algs[i].name) == n &&
			    !strncasecmp(p, algs[i].name, n))
				break;
		if (i == ARRAY_SIZE(algs))
			return spoor_err_set(err, SPOOR_EINVAL, 0,
				"unknown hash '%.*s' (use md5, sha1, sha256, "
				"sha512)", (int)MIN(n, 32), p);
		m |= algs[i].alg;
		p += n;
		if (*p == ',')
			p++;
	}
	if (!m)
		return spoor_err_set(err, SPOOR_EINVAL, 0, "empty hash list");
	*mask = m;
	return SPOOR_OK;
}

const char *spoor_hash_name(unsigned alg)
{
	for (size_t i = 0; i < ARRAY_SIZE(algs); i++)
		if (algs[i].alg == alg)
			return algs[i].name;
	return NULL;
}

size_t spoor_hash_len(unsigned alg)
{
	for (size_t i = 0; i < ARRAY_SIZE(algs); i++)
		if (algs[i].alg == alg)
			return algs[i].len;
	return 0;
}

const unsigned char *spoor_digest_get(const struct spoor_digests *d,
				      unsigned alg)
{
	for (size_t i = 0; i < ARRAY_SIZE(algs); i++)
		if (algs[i].alg == alg && (d->mask & alg))
			return (const unsigned char *)d + algs[i].off;
	return NULL;
}

void spoor_hex(const unsigned char *bytes, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * n] = '\0';
}

struct spoor_hash *spoor_hash_new(unsigned mask, struct spoor_err *err)
{
	struct spoor_hash *h;

	if (!mask || (mask & ~SPOOR_HASH_ALL)) {
		spoor_err_set(err, SPOOR_EINVAL, 0, "invalid hash mask");
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
		return NULL;
	}
	h->mask = mask;
	for (size_t i = 0; i < ARRAY_SIZE(algs); i++) {
		if (!(mask & algs[i].alg))
			continue;
		/* fetch once: EVP_get_digestbyname per message is slow */
		h->md[i] = EVP_MD_fetch(NULL, algs[i].evp, NULL);
		h->ctx[i] = EVP_MD_CTX_new();
		if (!h->md[i] || !h->ctx[i]) {
			spoor_err_set(err, SPOOR_EUNSUPPORTED, 0,
				      "openssl has no '%s'", algs[i].evp);
			spoor_hash_free(h);
			return NULL;
		}
	}
	if (spoor_hash_reset(h, err)) {
		spoor_hash_free(h);
		return NULL;
	}
	return h;
}

void spoor_hash_free(struct spoor_hash *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(algs); i++) {
		EVP_MD_CTX_free(h->ctx[i]);
		EVP_MD_free(h->md[i]);
	}
	free(h);
}

int spoor_hash_reset(struct spoor_hash *h, struct spoor_err *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(algs); i++)
		if (h->ctx[i] && !EVP_DigestInit_ex2(h->ctx[i], h->md[i], NULL))
			return spoor_err_set(err, SPOOR_EINTERNAL, 0,
					     "cannot start %s", algs[i].name);
	return SPOOR_OK;
}

int spoor_hash_update(struct spoor_hash *h, const void *buf, size_t len,
		      struct spoor_err *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(algs); i++)
		if (h->ctx[i] && !EVP_DigestUpdate(h->ctx[i], buf, len))
			return spoor_err_set(err, SPOOR_EINTERNAL, 0,
					     "%s update failed", algs[i].name);
	return SPOOR_OK;
}

int spoor_hash_final(struct spoor_hash *h, struct spoor_digests *out,
		     struct spoor_err *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(algs); i++) {
		unsigned char *dst;

		if (!h->ctx[i])
			continue;
		dst = (unsigned char *)out + algs[i].off;
		if (!EVP_DigestFinal_ex(h->ctx[i], dst, NULL))
			return spoor_err_set(err, SPOOR_EINTERNAL, 0,
					     "%s final failed", algs[i].name);
		out->mask |= algs[i].alg;
	}
	return SPOOR_OK;
}
