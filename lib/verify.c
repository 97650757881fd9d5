/*
 * verify.c: the police-side check of an evidence bundle, the 15 rules of
 * ../shared/docs/bundle.md section 7.  Order matters: the CMS signature
 * over the raw MANIFEST bytes and the signer are checked before a single
 * byte of the manifest body is parsed or shown.
 */
#include "verify_tar.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#ifdef SYS_openat2
#include <linux/openat2.h>
#endif

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/sha.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <json-c/json.h>

#include "banned.h"

#define MAX_REASONS 200
#define SKEW_SECS 300
#define TSA_DELAY_MAX (30 * 86400)

struct reason {
	bool fatal;
	char code[24];
	char *msg;
};

struct fact {
	const char *key;
	char *val;
};

struct spoor_verification {
	struct reason *r;
	size_t n, cap, dropped;
	struct fact f[20];
	size_t nf;
	struct manifest m;
	bool have_manifest;
	bool fatal, warn;
	struct tar_bundle *tar;		/* a tar bundle's control members */
};

/*
 * Where the bundle's bytes come from: a directory (read in place) or a
 * tar read once by tar_bundle_scan.  The rules below see only this.
 */
struct bsrc {
	int dirfd;			/* or -1 */
	const struct tar_bundle *tar;	/* or NULL */
	bool magic;			/* tar: MIME types were read */
};

/* ---- result ---- */

static void reason(struct spoor_verification *res, bool fatal,
		   const char *code, const char *fmt, ...) SPOOR_PRINTF(4, 5);
static void reason(struct spoor_verification *res, bool fatal,
		   const char *code, const char *fmt, ...)
{
	struct sbuf b = SBUF_INIT;
	va_list ap;
	char *msg;

	if (fatal)
		res->fatal = true;
	else
		res->warn = true;
	if (res->n >= MAX_REASONS) {
		res->dropped++;
		return;
	}
	if (res->n == res->cap) {
		size_t cap = res->cap ? res->cap * 2 : 16;
		struct reason *nr = realloc(res->r, cap * sizeof(*nr));

		if (!nr) {
			res->dropped++;
			return;
		}
		res->r = nr;
		res->cap = cap;
	}
	va_start(ap, fmt);
	{
		char tmp[512], *c;

		vsnprintf(tmp, sizeof(tmp), fmt, ap);
		for (c = tmp; *c; c++)	/* hostile names reach a terminal */
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '?';
		sbuf_adds(&b, tmp);
	}
	va_end(ap);
	msg = strdup(sbuf_str(&b));
	sbuf_release(&b);
	if (!msg) {
		res->dropped++;
		return;
	}
	res->r[res->n].fatal = fatal;
	spoor_strlcpy(res->r[res->n].code, code, sizeof(res->r[res->n].code));
	res->r[res->n].msg = msg;
	res->n++;
}

static void fact(struct spoor_verification *res, const char *key,
		 const char *fmt, ...) SPOOR_PRINTF(3, 4);
static void fact(struct spoor_verification *res, const char *key,
		 const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;

	if (res->nf >= ARRAY_SIZE(res->f))
		return;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	res->f[res->nf].key = key;
	res->f[res->nf].val = strdup(tmp);
	if (res->f[res->nf].val)
		res->nf++;
}

void spoor_verification_free(struct spoor_verification *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++)
		free(r->r[i].msg);
	for (i = 0; i < r->nf; i++)
		free(r->f[i].val);
	free(r->r);
	manifest_release(&r->m);
	tar_bundle_free(r->tar);
	free(r);
}

enum spoor_verdict spoor_verify_verdict(const struct spoor_verification *r)
{
	if (!r || r->fatal)
		return SPOOR_INVALID;
	return r->warn ? SPOOR_VALID_WITH_WARNINGS : SPOOR_VALID;
}

const char *spoor_verdict_name(enum spoor_verdict v)
{
	switch (v) {
	case SPOOR_VALID: return "VALID";
	case SPOOR_VALID_WITH_WARNINGS: return "VALID-WITH-WARNINGS";
	case SPOOR_INVALID: break;
	}
	return "INVALID";
}

size_t spoor_verify_nreasons(const struct spoor_verification *r)
{
	return r ? r->n : 0;
}

const char *spoor_verify_reason(const struct spoor_verification *r,
				size_t i, bool *fatal, const char **code)
{
	if (!r || i >= r->n)
		return NULL;
	if (fatal)
		*fatal = r->r[i].fatal;
	if (code)
		*code = r->r[i].code;
	return r->r[i].msg;
}

const char *spoor_verify_fact(const struct spoor_verification *r,
			      const char *key)
{
	size_t i;

	for (i = 0; r && i < r->nf; i++)
		if (!strcmp(r->f[i].key, key))
			return r->f[i].val;
	return NULL;
}

/* ---- small OpenSSL helpers ---- */

static const char *ossl_msg(char *buf, size_t size)
{
	unsigned long l = ERR_peek_last_error();

	if (!l)
		spoor_strlcpy(buf, "unknown error", size);
	else
		ERR_error_string_n(l, buf, size);
	ERR_clear_error();
	return buf;
}

static bool asn1_time(const ASN1_TIME *t, int64_t *out)
{
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return false;
	*out = (int64_t)timegm(&tm);
	return true;
}

static void fmt_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) ||
	    !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		spoor_strlcpy(out, "?", 32);
}

static void cert_subject(X509 *x, char *out, size_t size)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;

	out[0] = '\0';
	if (!b)
		return;
	X509_NAME_print_ex(b, X509_get_subject_name(x), 0,
			   XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	n = BIO_get_mem_data(b, &p);
	if (n > 0)
		snprintf(out, size, "%.*s", (int)MIN(n, (long)size - 1), p);
	BIO_free(b);
}

/* Every certificate in a PEM file into the store; how many. */
static int store_add_pem(X509_STORE *st, const char *path)
{
	BIO *b = BIO_new_file(path, "rb");
	X509 *x;
	int n = 0;

	if (!b) {
		ERR_clear_error();
		return -1;
	}
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL))) {
		if (X509_STORE_add_cert(st, x))
			n++;
		X509_free(x);
	}
	ERR_clear_error();
	BIO_free(b);
	return n;
}

/* A CRL from PEM or DER bytes. */
static X509_CRL *crl_parse(const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf;
	X509_CRL *c = NULL;
	BIO *b;

	if (len > 10 && !memcmp(buf, "-----BEGIN", 10)) {
		b = BIO_new_mem_buf(buf, (int)len);
		if (b)
			c = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL);
		BIO_free(b);
	} else {
		c = d2i_X509_CRL(NULL, &p, (long)len);
	}
	ERR_clear_error();
	return c;
}

/* Whether the re-encoding (len, der) equals buf; der is freed. */
static bool same_der(int len, unsigned char *der, const char *buf,
		     size_t size)
{
	bool same = len > 0 && der && (size_t)len == size &&
		    !memcmp(der, buf, size);

	OPENSSL_free(der);
	return same;
}

/*
 * Every certificate shipped must verify to the pinned store: an unused
 * or damaged extra certificate is a change to the signed bundle too.
 */
static bool all_certs_verify(X509_STORE *st, STACK_OF(X509) *certs,
			     char *bad, size_t size)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	bool ok = ctx != NULL;
	int i;

	for (i = 0; ok && i < sk_X509_num(certs); i++) {
		X509 *x = sk_X509_value(certs, i);

		ok = X509_STORE_CTX_init(ctx, st, x, certs) &&
		     X509_verify_cert(ctx) == 1;
		if (!ok)
			cert_subject(x, bad, size);
		X509_STORE_CTX_cleanup(ctx);
	}
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

/* A signature algorithm identifier we know (the key decides the
 * rest; an unknown or garbled OID is refused). */
static bool sig_alg_ok(const X509_ALGOR *a)
{
	static const int ok[] = {
		NID_X9_62_id_ecPublicKey, NID_ecdsa_with_SHA256,
		NID_ecdsa_with_SHA384, NID_ecdsa_with_SHA512,
		NID_rsaEncryption, NID_sha256WithRSAEncryption,
		NID_sha384WithRSAEncryption, NID_sha512WithRSAEncryption,
		NID_rsassaPss,
	};
	int nid = a ? OBJ_obj2nid(a->algorithm) : NID_undef;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ok); i++)
		if (nid == ok[i])
			return true;
	return false;
}

/*
 * AlgorithmIdentifier parameters that no signature covers: absent or
 * NULL only (RFC 5754, RFC 5758).  The field is an ANY, so another tag
 * (OCTET STRING, [5], ...) re-encodes to the same bytes and verifies.
 */
static bool alg_params_ok(const X509_ALGOR *a)
{
	return a && (!a->parameter || a->parameter->type == V_ASN1_NULL);
}

/*
 * The signature algorithm, outside the signature, must not name another
 * digest than the signer's digestAlgorithm: ecdsa-with-SHA384 over a
 * SHA-256 digest verifies all the same.  RSASSA-PSS carries its own
 * parameters (checked when verifying).
 */
static bool sig_alg_matches(const X509_ALGOR *sig, const X509_ALGOR *dig)
{
	int md = NID_undef, pk = NID_undef;
	int nid = sig ? OBJ_obj2nid(sig->algorithm) : NID_undef;

	if (!sig || !dig)
		return false;
	if (OBJ_find_sigid_algs(nid, &md, &pk) && md != NID_undef &&
	    md != OBJ_obj2nid(dig->algorithm))
		return false;
	return nid == NID_rsassaPss || alg_params_ok(sig);
}

/* Byte-exact name equality (X509_NAME_cmp folds case and spaces). */
static bool name_exact(const X509_NAME *a, const X509_NAME *b)
{
	const unsigned char *da, *db;
	size_t la, lb;

	return a && b && X509_NAME_get0_der(a, &da, &la) &&
	       X509_NAME_get0_der(b, &db, &lb) && la == lb &&
	       !memcmp(da, db, la);
}

/* One DER header at *p of the given tag and class; *p moves to its
 * content, *len gets the content length. */
static bool der_hdr(const unsigned char **p, const unsigned char *end,
		    int tag, int cls, long *len)
{
	const unsigned char *q = *p;
	int t, c;

	if (q >= end || (ASN1_get_object(&q, len, &t, &c, end - q) & 0x80) ||
	    t != tag || c != cls || *len > end - q)
		return false;
	*p = q;
	return true;
}

/* A one-byte INTEGER. */
static bool der_small_int(const unsigned char **p, const unsigned char *end,
			  int *v)
{
	long len;

	if (!der_hdr(p, end, V_ASN1_INTEGER, V_ASN1_UNIVERSAL, &len) ||
	    len != 1)
		return false;
	*v = **p;
	(*p)++;
	return true;
}

/*
 * A SET OF AlgorithmIdentifier (SignedData.digestAlgorithms, which no
 * signature covers) whose parameters are all absent or NULL.
 */
static bool der_algs_plain(const unsigned char *p, const unsigned char *end)
{
	long len;

	while (p < end) {
		const unsigned char *q;

		if (!der_hdr(&p, end, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL,
			     &len))
			return false;
		q = p + len;
		if (!der_hdr(&p, q, V_ASN1_OBJECT, V_ASN1_UNIVERSAL, &len))
			return false;
		p += len;
		if (p < q && (!der_hdr(&p, q, V_ASN1_NULL, V_ASN1_UNIVERSAL,
				       &len) || len != 0))
			return false;
		if (p != q)
			return false;
	}
	return true;
}

/*
 * The fields OpenSSL neither exposes nor checks: SignedData and
 * SignerInfo versions must be 1 (issuerAndSerialNumber) or 3
 * (subjectKeyIdentifier) as RFC 5652 5.1/5.3 require, and the
 * digestAlgorithms parameters absent or NULL.
 */
static bool cms_versions_ok(const unsigned char *der, size_t size, bool ski)
{
	const unsigned char *p = der, *end = der + size;
	int sdv, siv, want = ski ? 3 : 1;
	long len;

	if (!der_hdr(&p, end, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, &len) ||
	    !der_hdr(&p, end, V_ASN1_OBJECT, V_ASN1_UNIVERSAL, &len))
		return false;
	p += len;
	if (!der_hdr(&p, end, 0, V_ASN1_CONTEXT_SPECIFIC, &len) ||
	    !der_hdr(&p, end, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, &len) ||
	    !der_small_int(&p, end, &sdv) ||
	    !der_hdr(&p, end, V_ASN1_SET, V_ASN1_UNIVERSAL, &len) ||
	    !der_algs_plain(p, p + len))
		return false;
	p += len;
	if (!der_hdr(&p, end, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, &len))
		return false;
	p += len;
	while (p < end && (*p & 0xc0) == 0x80) {	/* [0] certs, [1] crls */
		int t, c;
		const unsigned char *q = p;

		if (ASN1_get_object(&q, &len, &t, &c, end - p) & 0x80 ||
		    len > end - q)
			return false;
		p = q + len;
	}
	if (!der_hdr(&p, end, V_ASN1_SET, V_ASN1_UNIVERSAL, &len) ||
	    !der_hdr(&p, end, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, &len) ||
	    !der_small_int(&p, end, &siv))
		return false;
	return siv == want && sdv == want;
}

/* ---- the signature phase ---- */

struct sigctx {
	const struct spoor_verify_opts *o;
	struct spoor_verification *res;
	const struct bsrc *src;
	const char *man, *p7s, *tsr;
	size_t man_len, p7s_len, tsr_len;
	CMS_ContentInfo *cms;
	STACK_OF(X509) *certs;		/* from the CMS: untrusted */
	X509 *signer;			/* borrowed from certs */
	int64_t vtime;			/* verification time */
	bool trusted_time;
};

static bool cms_structure(struct sigctx *s)
{
	static const struct { int nid; const char *name; } attrs[] = {
		{ NID_pkcs9_contentType, "contentType" },
		{ NID_pkcs9_messageDigest, "messageDigest" },
		{ NID_pkcs9_signingTime, "signingTime" },
		{ NID_id_smime_aa_signingCertificateV2,
		  "signingCertificateV2" },
	};
	const unsigned char *p = (const unsigned char *)s->p7s;
	STACK_OF(CMS_SignerInfo) *sis;
	CMS_SignerInfo *si;
	ASN1_OCTET_STRING **content;
	X509_ALGOR *dig = NULL, *sig = NULL;
	unsigned char *der = NULL;
	int nid;
	size_t i;

	s->cms = d2i_CMS_ContentInfo(NULL, &p, (long)s->p7s_len);
	ERR_clear_error();
	if (!s->cms) {
		reason(s->res, true, "cms", "MANIFEST.p7s is not CMS (DER)");
		return false;
	}
	nid = i2d_CMS_ContentInfo(s->cms, &der);
	if (!same_der(nid, der, s->p7s, s->p7s_len) ||
	    (size_t)(p - (const unsigned char *)s->p7s) != s->p7s_len) {
		reason(s->res, true, "cms", "MANIFEST.p7s is not one "
		       "canonical DER structure");
		return false;
	}
	if (OBJ_obj2nid(CMS_get0_type(s->cms)) != NID_pkcs7_signed ||
	    OBJ_obj2nid(CMS_get0_eContentType(s->cms)) != NID_pkcs7_data) {
		reason(s->res, true, "cms", "MANIFEST.p7s is not SignedData "
		       "over id-data");
		return false;
	}
	content = CMS_get0_content(s->cms);
	if (content && *content) {
		reason(s->res, true, "cms", "signature is not detached");
		return false;
	}
	sis = CMS_get0_SignerInfos(s->cms);
	if (!sis || sk_CMS_SignerInfo_num(sis) != 1) {
		reason(s->res, true, "cms", "expected exactly one signer, "
		       "found %d", sis ? sk_CMS_SignerInfo_num(sis) : 0);
		return false;
	}
	si = sk_CMS_SignerInfo_value(sis, 0);
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sig);
	if (!sig_alg_ok(sig)) {
		reason(s->res, true, "algorithm", "signature algorithm not "
		       "allowed");
		return false;
	}
	nid = dig ? OBJ_obj2nid(dig->algorithm) : NID_undef;
	if (nid != NID_sha256 && nid != NID_sha384 && nid != NID_sha512) {
		reason(s->res, true, "algorithm", "digest '%s' not allowed "
		       "(sha256, sha384, sha512)", OBJ_nid2sn(nid));
		return false;
	}
	if (!alg_params_ok(dig) || !sig_alg_matches(sig, dig)) {
		reason(s->res, true, "algorithm", "signature algorithm or "
		       "parameters do not match digest '%s'",
		       OBJ_nid2sn(nid));
		return false;
	}
	for (i = 0; i < ARRAY_SIZE(attrs); i++)
		if (CMS_signed_get_attr_by_NID(si, attrs[i].nid, -1) < 0) {
			reason(s->res, true, "cms", "signed attribute '%s' "
			       "missing", attrs[i].name);
			return false;
		}
	s->certs = CMS_get1_certs(s->cms);
	if (!s->certs)
		s->certs = sk_X509_new_null();
	return s->certs != NULL;
}

/*
 * The content BIO for CMS_verify: the MANIFEST bytes behind a null filter.
 * OpenSSL 3.0 copies a bare memory BIO into a second one that it leaks
 * when the SignedData cannot be opened (a damaged digest algorithm, say);
 * a filter on top is read as it is, with no copy.
 */
static BIO *manifest_bio(const struct sigctx *s)
{
	BIO *mem = BIO_new_mem_buf(s->man, (int)s->man_len);
	BIO *filter = mem ? BIO_new(BIO_f_null()) : NULL;

	if (!filter) {
		BIO_free(mem);
		return NULL;
	}
	return BIO_push(filter, mem);
}

/* The signature itself over the raw MANIFEST bytes (no trust yet). */
static bool cms_signature(struct sigctx *s)
{
	BIO *in = manifest_bio(s);
	STACK_OF(X509) *signers;
	char e[160];
	int ok;

	ok = in && CMS_verify(s->cms, NULL, NULL, in, NULL, CMS_BINARY |
			      CMS_NO_SIGNER_CERT_VERIFY) == 1;
	BIO_free_all(in);
	if (!ok) {
		reason(s->res, true, "signature", "signature over MANIFEST "
		       "does not verify (%s)", ossl_msg(e, sizeof(e)));
		return false;
	}
	signers = CMS_get0_signers(s->cms);
	s->signer = signers && sk_X509_num(signers) == 1 ?
		    sk_X509_value(signers, 0) : NULL;
	sk_X509_free(signers);
	if (!s->signer) {
		reason(s->res, true, "signature", "signer certificate not "
		       "in MANIFEST.p7s");
		return false;
	}
	{
		CMS_SignerInfo *si = sk_CMS_SignerInfo_value(
			CMS_get0_SignerInfos(s->cms), 0);
		ASN1_OCTET_STRING *kid = NULL;
		X509_NAME *iss = NULL;
		ASN1_INTEGER *sno = NULL;

		if (!CMS_SignerInfo_get0_signer_id(si, &kid, &iss, &sno) ||
		    (iss && !name_exact(iss,
					X509_get_issuer_name(s->signer))) ||
		    !cms_versions_ok((const unsigned char *)s->p7s,
				     s->p7s_len, kid != NULL)) {
			reason(s->res, true, "cms", "signer identifier, "
			       "version or digestAlgorithms fields not as "
			       "RFC 5652 requires");
			return false;
		}
	}
	return true;
}

static bool key_allowed(struct sigctx *s)
{
	EVP_PKEY *pk = X509_get0_pubkey(s->signer);
	char grp[64] = "";

	if (!pk)
		goto bad;
	if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_EC) {
		if (EVP_PKEY_get_group_name(pk, grp, sizeof(grp), NULL) &&
		    (!strcmp(grp, "prime256v1") || !strcmp(grp, "secp384r1")))
			return true;
	} else if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA ||
		   EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA_PSS) {
		if (EVP_PKEY_get_bits(pk) >= 3072)
			return true;
	}
bad:
	ERR_clear_error();
	reason(s->res, true, "algorithm", "signer key not allowed (ECDSA "
	       "P-256/P-384 or RSA >= 3072)");
	return false;
}

/* The token's signer id names the TSA certificate byte for byte. */
static bool tsa_signer_exact(PKCS7 *tok)
{
	PKCS7_SIGNER_INFO *si = sk_PKCS7_SIGNER_INFO_value(
		tok->d.sign->signer_info, 0);
	STACK_OF(X509) *sg = PKCS7_get0_signers(tok, NULL, 0);
	X509 *x = sk_X509_num(sg) == 1 ? sk_X509_value(sg, 0) : NULL;
	bool ok = x && si && si->issuer_and_serial &&
		  ASN1_INTEGER_get(si->version) == 1 &&
		  ASN1_INTEGER_get(tok->d.sign->version) == 3 &&
		  name_exact(si->issuer_and_serial->issuer,
			     X509_get_issuer_name(x));

	sk_X509_free(sg);
	ERR_clear_error();
	return ok;
}

/*
 * The parts of the reply no signature covers, strictly: no statusString
 * or failInfo next to 'granted', digest algorithm parameters absent or
 * NULL, a signature algorithm that agrees with the digest and no
 * unsigned attributes.  The name of the first bad field, or NULL.
 */
static const char *tsr_unsigned_bad(TS_RESP *resp, PKCS7 *tok)
{
	const TS_STATUS_INFO *st = TS_RESP_get_status_info(resp);
	PKCS7_SIGNER_INFO *si = sk_PKCS7_SIGNER_INFO_value(
		tok->d.sign->signer_info, 0);
	int i;

	if (TS_STATUS_INFO_get0_text(st))
		return "statusString";
	if (TS_STATUS_INFO_get0_failure_info(st))
		return "failInfo";
	for (i = 0; i < sk_X509_ALGOR_num(tok->d.sign->md_algs); i++)
		if (!alg_params_ok(sk_X509_ALGOR_value(tok->d.sign->md_algs,
						       i)))
			return "digestAlgorithms";
	if (!alg_params_ok(si->digest_alg))
		return "digestAlgorithm";
	if (!sig_alg_matches(si->digest_enc_alg, si->digest_alg))
		return "signatureAlgorithm";
	if (sk_X509_ATTRIBUTE_num(si->unauth_attr) > 0)
		return "unsignedAttrs";
	return NULL;
}

/* The RFC 3161 reply over MANIFEST.p7s: its genTime becomes the time. */
static bool timestamp(struct sigctx *s)
{
	const unsigned char *p = (const unsigned char *)s->tsr;
	TS_VERIFY_CTX *vc = NULL;
	TS_RESP *resp;
	TS_TST_INFO *tst;
	X509_STORE *st = NULL;
	unsigned char *imp = NULL, *der = NULL;	/* der: see same_der */
	X509_STORE *mine = NULL;
	PKCS7 *tok;
	X509_ALGOR *alg;
	char e[160], bad[256];
	const char *field;
	bool ok = false;
	int64_t gen;
	int dlen;

	resp = d2i_TS_RESP(NULL, &p, (long)s->tsr_len);
	dlen = resp ? i2d_TS_RESP(resp, &der) : 0;
	if (!same_der(dlen, der, s->tsr, s->tsr_len) ||
	    (size_t)(p - (const unsigned char *)s->tsr) != s->tsr_len) {
		reason(s->res, true, "timestamp", "MANIFEST.p7s.tsr is not an "
		       "RFC 3161 reply");
		goto out;
	}
	vc = TS_VERIFY_CTX_new();
	st = X509_STORE_new();
	imp = OPENSSL_malloc(32);
	if (!vc || !st || !imp)
		goto oom;
	if (store_add_pem(st, s->o->tsa_trust) <= 0) {
		reason(s->res, true, "timestamp", "no certificate in '%s'",
		       s->o->tsa_trust);
		goto out;
	}
	SHA256((const unsigned char *)s->p7s, s->p7s_len, imp);
	TS_VERIFY_CTX_set_flags(vc, TS_VFY_VERSION | TS_VFY_SIGNATURE |
				TS_VFY_SIGNER | TS_VFY_IMPRINT);
	TS_VERIFY_CTX_set_imprint(vc, imp, 32);	/* vc owns imp and st */
	imp = NULL;
	X509_STORE_up_ref(st);
	mine = st;
	TS_VERIFY_CTX_set_store(vc, st);
	st = NULL;
	if (TS_RESP_verify_response(vc, resp) != 1) {
		reason(s->res, true, "timestamp", "timestamp does not verify "
		       "(%s)", ossl_msg(e, sizeof(e)));
		goto out;
	}
	tok = TS_RESP_get_token(resp);
	if (ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(
		    TS_RESP_get_status_info(resp))) != 0) {
		reason(s->res, true, "timestamp", "timestamp status is not "
		       "'granted'");
		goto out;
	}
	if (!tok || !PKCS7_type_is_signed(tok) || !tok->d.sign ||
	    sk_PKCS7_SIGNER_INFO_num(tok->d.sign->signer_info) != 1 ||
	    !tsa_signer_exact(tok) ||
	    !sig_alg_ok(sk_PKCS7_SIGNER_INFO_value(
		    tok->d.sign->signer_info, 0)->digest_enc_alg) ||
	    !all_certs_verify(mine, tok->d.sign->cert, bad, sizeof(bad))) {
		reason(s->res, true, "timestamp", "timestamp token: "
		       "unexpected version or signer id, or a certificate "
		       "that does not verify to the TSA root");
		goto out;
	}
	field = tsr_unsigned_bad(resp, tok);
	if (field) {
		reason(s->res, true, "timestamp", "timestamp reply: unsigned "
		       "field '%s' not as expected", field);
		goto out;
	}
	tst = TS_RESP_get_tst_info(resp);
	alg = tst ? TS_MSG_IMPRINT_get_algo(TS_TST_INFO_get_msg_imprint(tst))
		  : NULL;
	if (!alg || OBJ_obj2nid(alg->algorithm) != NID_sha256) {
		reason(s->res, true, "timestamp", "timestamp imprint is not "
		       "SHA-256");
		goto out;
	}
	if (!asn1_time(TS_TST_INFO_get_time(tst), &gen)) {
		reason(s->res, true, "timestamp", "bad timestamp genTime");
		goto out;
	}
	s->vtime = gen;
	s->trusted_time = true;
	ok = true;
	goto out;
oom:
	reason(s->res, true, "internal", "out of memory");
out:
	ERR_clear_error();
	OPENSSL_free(imp);
	X509_STORE_free(st);
	X509_STORE_free(mine);
	TS_VERIFY_CTX_free(vc);
	TS_RESP_free(resp);
	return ok;
}

static bool signing_time(struct sigctx *s, int64_t *t)
{
	CMS_SignerInfo *si = sk_CMS_SignerInfo_value(
		CMS_get0_SignerInfos(s->cms), 0);
	int i = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
	X509_ATTRIBUTE *a = i >= 0 ? CMS_signed_get_attr(si, i) : NULL;
	ASN1_TYPE *v = a ? X509_ATTRIBUTE_get0_type(a, 0) : NULL;

	if (!v || (v->type != V_ASN1_UTCTIME &&
		   v->type != V_ASN1_GENERALIZEDTIME) ||
	    !asn1_time(v->value.utctime, t)) {
		reason(s->res, true, "cms", "bad signingTime");
		return false;
	}
	return true;
}

static X509_STORE *trust_store(struct sigctx *s)
{
	X509_STORE *st = X509_STORE_new();
	X509_VERIFY_PARAM *vp;
	int n = 0, i;

	if (!st)
		return NULL;
	if (s->o->trust) {
		n = store_add_pem(st, s->o->trust);
		if (n <= 0)
			reason(s->res, true, "trust", "no certificate in '%s'",
			       s->o->trust);
	} else {
		for (i = 0; i < sk_X509_num(s->certs); i++) {
			X509 *x = sk_X509_value(s->certs, i);
			char hex[65];

			bundle_cert_sha256(x, hex);
			if (!strcasecmp(hex, s->o->trust_fpr) &&
			    X509_self_signed(x, 1) == 1 &&
			    X509_STORE_add_cert(st, x))
				n++;
		}
		if (n == 0)
			reason(s->res, true, "trust", "no self-signed root "
			       "with SHA-256 fingerprint '%.64s' in the "
			       "bundle", s->o->trust_fpr);
	}
	ERR_clear_error();
	if (n <= 0) {
		X509_STORE_free(st);
		return NULL;
	}
	vp = X509_STORE_get0_param(st);
	X509_VERIFY_PARAM_set_purpose(vp, X509_PURPOSE_ANY);
	X509_VERIFY_PARAM_set_time(vp, (time_t)s->vtime);
	return st;
}

/* Path to the pinned root; *issuer gets the signer's issuer (ref'd). */
static bool chain(struct sigctx *s, X509_STORE *st, X509 **issuer)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *ch;
	char bad[256];
	bool ok = false;

	*issuer = NULL;
	if (ctx && X509_STORE_CTX_init(ctx, st, s->signer, s->certs)) {
		if (X509_verify_cert(ctx) == 1) {
			ok = true;
			ch = X509_STORE_CTX_get0_chain(ctx);
			if (sk_X509_num(ch) > 1) {
				*issuer = sk_X509_value(ch, 1);
				X509_up_ref(*issuer);
			}
			X509_STORE_CTX_cleanup(ctx);
			if (!all_certs_verify(st, s->certs, bad,
					      sizeof(bad))) {
				reason(s->res, true, "cms", "certificate "
				       "'%s' in MANIFEST.p7s does not verify "
				       "to the pinned root", bad);
				ok = false;
			}
		} else {
			reason(s->res, true, "chain", "signer certificate "
			       "does not chain to the pinned root at %s: %s",
			       s->trusted_time ? "the timestamp time" :
			       "the current time",
			       X509_verify_cert_error_string(
				       X509_STORE_CTX_get_error(ctx)));
		}
	}
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	return ok;
}

static bool cades(struct sigctx *s, X509_STORE *st)
{
	BIO *in = BIO_new_mem_buf(s->man, (int)s->man_len);
	char e[160];
	bool ok;

	ok = in && CMS_verify(s->cms, NULL, st, in, NULL,
			      CMS_BINARY | CMS_CADES) == 1;
	BIO_free(in);
	if (!ok)
		reason(s->res, true, "cades", "CAdES check failed (%s)",
		       ossl_msg(e, sizeof(e)));
	return ok;
}

static bool has_eku(X509 *x, const char *oid)
{
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage,
						   NULL, NULL);
	bool found = false;
	int i;

	for (i = 0; eku && i < sk_ASN1_OBJECT_num(eku); i++) {
		char buf[80];

		if (OBJ_obj2txt(buf, sizeof(buf),
				sk_ASN1_OBJECT_value(eku, i), 1) > 0 &&
		    !strcmp(buf, oid))
			found = true;
	}
	EXTENDED_KEY_USAGE_free(eku);
	ERR_clear_error();
	return found;
}

static bool signer_policy(struct sigctx *s)
{
	X509 *x = s->signer;
	X509_NAME *nm = X509_get_subject_name(x);
	bool ok = true;
	int i;

	if (!(X509_get_extension_flags(x) & EXFLAG_KUSAGE) ||
	    !(X509_get_key_usage(x) & (KU_DIGITAL_SIGNATURE |
				       KU_NON_REPUDIATION))) {
		reason(s->res, true, "key-usage", "signer key usage lacks "
		       "digitalSignature/nonRepudiation");
		ok = false;
	}
	if (X509_check_ca(x) != 0) {
		reason(s->res, true, "key-usage", "signer is a CA "
		       "certificate");
		ok = false;
	}
	if (!has_eku(x, SPOOR_OID_DOCUMENT_SIGNING)) {
		reason(s->res, true, "eku", "signer certificate lacks EKU "
		       "documentSigning (%s)", SPOOR_OID_DOCUMENT_SIGNING);
		ok = false;
	}
	if (!s->o->org) {
		reason(s->res, false, "org", "signer organisation not checked "
		       "(no --org)");
		return ok;
	}
	i = X509_NAME_get_index_by_NID(nm, NID_organizationName, -1);
	if (i < 0 || X509_NAME_get_index_by_NID(nm, NID_organizationName,
						i) >= 0) {
		reason(s->res, true, "org", "signer subject has no single "
		       "organisation (O=)");
		return false;
	} else {
		unsigned char *u = NULL;
		int n = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(
			X509_NAME_get_entry(nm, i)));

		if (n < 0 || strlen(s->o->org) != (size_t)n ||
		    memcmp(u, s->o->org, (size_t)n)) {
			reason(s->res, true, "org", "signer organisation "
			       "'%.*s' is not '%s'", n < 0 ? 0 : MIN(n, 100),
			       u ? (char *)u : "", s->o->org);
			ok = false;
		}
		OPENSSL_free(u);
	}
	return ok;
}

/* Revocation of the signer from the bundle's and the caller's CRLs. */
static void revocation(struct sigctx *s, X509 *issuer)
{
	size_t i, ncrl = 0;
	bool covered = false, revoked = false;
	DIR *d = NULL;
	int cfd;

	cfd = s->src->dirfd < 0 ? -1 : openat(s->src->dirfd, "certs/crl",
		O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (cfd >= 0 && !(d = fdopendir(cfd)))
		close(cfd);
	for (i = 0;; i++) {
		struct spoor_err e;
		struct dirent *de = NULL;
		X509_CRL *crl;
		X509_REVOKED *rv = NULL;
		char *buf = NULL;
		const char *cb = NULL;
		size_t len;
		int64_t t;
		int rc;

		if (i < s->o->ncrls) {
			int fd = open(s->o->crls[i], O_RDONLY | O_CLOEXEC);

			rc = fd < 0 ? SPOOR_EIO : bundle_read_fd(fd,
				s->o->crls[i], CRL_MAX, &buf, &len, &e);
			if (fd >= 0)
				close(fd);
			if (rc)
				reason(s->res, false, "crl", "cannot read "
				       "CRL '%s'", s->o->crls[i]);
		} else if (s->src->tar) {
			cb = tar_bundle_crl(s->src->tar, i - s->o->ncrls,
					    &len);
			if (!cb)
				break;
			rc = 0;
		} else {
			while (d && (de = readdir(d)))
				if (spoor_ends_with_ci(de->d_name, ".crl") &&
				    de->d_name[0] != '.')
					break;
			if (!de)
				break;
			rc = bundle_read_at(dirfd(d), de->d_name, CRL_MAX,
					    &buf, &len, &e);
		}
		if (rc)
			continue;
		crl = crl_parse(buf ? buf : cb, len);
		free(buf);
		ncrl++;
		if (!crl || !issuer ||
		    X509_NAME_cmp(X509_CRL_get_issuer(crl),
				  X509_get_subject_name(issuer)) ||
		    X509_CRL_verify(crl, X509_get0_pubkey(issuer)) != 1) {
			ERR_clear_error();
			X509_CRL_free(crl);
			continue;
		}
		covered = true;
		if (asn1_time(X509_CRL_get0_nextUpdate(crl), &t) &&
		    t < s->vtime)
			reason(s->res, false, "crl", "CRL of the issuing CA "
			       "is stale at the verification time");
		if (X509_CRL_get0_by_cert(crl, &rv, s->signer) == 1 && rv &&
		    asn1_time(X509_REVOKED_get0_revocationDate(rv), &t) &&
		    !revoked) {
			char ts[32];

			revoked = true;
			fmt_time(t, ts);
			if (t <= s->vtime)
				reason(s->res, true, "revoked", "signer "
				       "certificate revoked on %s, before "
				       "the %s", ts, s->trusted_time ?
				       "timestamp" : "current time");
			else
				reason(s->res, false, "revoked", "signer "
				       "certificate revoked on %s, after the "
				       "timestamp", ts);
		}
		X509_CRL_free(crl);
	}
	if (d)
		closedir(d);
	if (!covered)
		reason(s->res, false, "crl", "no revocation data for the "
		       "signer (%zu CRL%s, none of the issuing CA)", ncrl,
		       ncrl == 1 ? "" : "s");
}

static bool check_signature(struct sigctx *s)
{
	X509_STORE *st = NULL;
	X509 *issuer = NULL;
	int64_t stime = 0;
	char buf[512], hex[65], ts[32];
	bool ok = false;

	if (!cms_structure(s) || !cms_signature(s) || !key_allowed(s) ||
	    !signing_time(s, &stime))
		return false;
	if (s->tsr && s->o->tsa_trust) {
		if (!timestamp(s))
			return false;
		if (stime > s->vtime + SKEW_SECS ||
		    s->vtime - stime > TSA_DELAY_MAX) {
			reason(s->res, true, "time", "signingTime is not "
			       "within [genTime - 30 days, genTime + 5 min]");
			return false;
		}
	} else if (s->tsr) {
		reason(s->res, false, "time", "timestamp present but not "
		       "checked (no --tsa-trust): no trusted time");
	} else {
		reason(s->res, false, "time", "no trusted time (no "
		       "MANIFEST.p7s.tsr)");
	}
	if (!s->trusted_time && stime > s->vtime + SKEW_SECS)
		reason(s->res, false, "time", "signingTime is in the future");
	st = trust_store(s);
	if (!st)
		return false;
	if (chain(s, st, &issuer) && cades(s, st) && signer_policy(s)) {
		revocation(s, issuer);
		ok = !s->res->fatal;
	}
	X509_free(issuer);
	X509_STORE_free(st);
	if (!ok)
		return false;
	cert_subject(s->signer, buf, sizeof(buf));
	fact(s->res, "signer", "%s", buf);
	bundle_cert_sha256(s->signer, hex);
	fact(s->res, "signer-sha256", "%s", hex);
	fmt_time(stime, ts);
	fact(s->res, "signing-time", "%s", ts);
	if (s->trusted_time) {
		fmt_time(s->vtime, ts);
		fact(s->res, "tsa-time", "%s", ts);
	}
	return true;
}

/* ---- the files ---- */

struct found {
	char **p;
	size_t n, cap;
};

static int open_beneath(int dirfd, const char *path)
{
#ifdef SYS_openat2
	struct open_how how;
	long fd;

	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
		      RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
	fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
		return (int)fd;
#endif
	return openat(dirfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
		      O_NONBLOCK);
}

static void found_add(struct spoor_verification *res, struct found *f,
		      const char *p)
{
	if (f->n >= MAX_ENTRIES) {
		if (f->n == MAX_ENTRIES)
			reason(res, true, "limit", "more than %d files",
			       MAX_ENTRIES);
		f->n++;
		return;
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64;
		char **np = realloc(f->p, cap * sizeof(*np));

		if (!np) {
			reason(res, true, "internal", "out of memory");
			return;
		}
		f->p = np;
		f->cap = cap;
	}
	f->p[f->n] = strdup(p);
	if (f->p[f->n])
		f->n++;
}

static void walk(struct spoor_verification *res, int dfd, const char *rel,
		 int depth, struct found *f)
{
	struct dirent *de;
	size_t seen = 0;
	DIR *d = fdopendir(dfd);

	if (!d) {
		close(dfd);
		reason(res, true, "input", "cannot read directory '%s'",
		       *rel ? rel : ".");
		return;
	}
	while ((de = readdir(d))) {
		struct sbuf path = SBUF_INIT;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		seen++;
		if (depth == 0 && bundle_manifest_name(de->d_name))
			continue;
		if (*rel)
			sbuf_addf(&path, "%s/%s", rel, de->d_name);
		else
			sbuf_adds(&path, de->d_name);
		if (fstatat(dirfd(d), de->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) < 0) {
			reason(res, true, "input", "cannot stat '%.200s'",
			       sbuf_str(&path));
		} else if (S_ISLNK(st.st_mode)) {
			reason(res, true, "special", "'%.200s' is a symbolic "
			       "link", sbuf_str(&path));
		} else if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
			reason(res, true, "special", "'%.200s' is not a "
			       "regular file or directory", sbuf_str(&path));
		} else if (!spoor_bundle_path_ok(sbuf_str(&path))) {
			reason(res, true, "extra", "'%.200s': name outside "
			       "the bundle grammar", sbuf_str(&path));
		} else if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
			reason(res, true, "special", "'%.200s' is a hard "
			       "link", sbuf_str(&path));
		} else if (S_ISREG(st.st_mode)) {
			found_add(res, f, sbuf_str(&path));
		} else {
			int sub = openat(dirfd(d), de->d_name, O_RDONLY |
					 O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub < 0)
				reason(res, true, "input", "cannot open "
				       "'%.200s'", sbuf_str(&path));
			else
				walk(res, sub, sbuf_str(&path), depth + 1, f);
		}
		sbuf_release(&path);
	}
	closedir(d);
	if (seen == 0 && depth > 0)
		reason(res, false, "empty-dir", "empty directory '%.200s'",
		       rel);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool media_mime(const char *mime)
{
	return !strncmp(mime, "image/", 6) || !strncmp(mime, "video/", 6);
}

/* Size, then streamed SHA-256, and the content policy's MIME check. */
/* Under sealed/ (content-policy sealed-to-recipient) only CMS
 * enveloped data: a copy in the clear is abuse material in the clear. */
static void sealed_cms(struct spoor_verification *res,
		       const struct manifest_entry *e, bool hash_only,
		       bool cms)
{
	if (!hash_only && !strncmp(e->path, "sealed/", 7) && !cms)
		reason(res, true, "content-policy", "'%s' under sealed/ is "
		       "not CMS (Auth)EnvelopedData", e->path);
}

static void check_file(struct spoor_verification *res, int dirfd,
		       const struct manifest_entry *e, unsigned char *buf,
		       struct spoor_magic *mg, bool hash_only)
{
	EVP_MD_CTX *ctx = NULL;
	unsigned char md[32];
	char hex[65], mime[SPOOR_MIME_MAX] = "";
	struct stat st;
	uint64_t total = 0;
	bool first = true, cms = false;
	int fd;

	fd = open_beneath(dirfd, e->path);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		reason(res, true, "missing", "'%s' cannot be opened as a "
		       "regular file", e->path);
		goto out;
	}
	if ((uint64_t)st.st_size != e->size) {
		reason(res, true, "size", "'%s' is %lld bytes, the manifest "
		       "says %llu", e->path, (long long)st.st_size,
		       (unsigned long long)e->size);
		goto out;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		reason(res, true, "internal", "cannot hash");
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, buf, BUNDLE_READ_BUF);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			reason(res, true, "input", "cannot read '%s'",
			       e->path);
			goto out;
		}
		if (first) {
			first = false;
			cms = bundle_sealed_head_ok(buf, (size_t)n);
			if (mg && spoor_magic_mime(mg, buf, (size_t)MIN(n,
					     SPOOR_MAGIC_HEAD), mime, NULL))
				mime[0] = '\0';
		}
		if (n == 0)
			break;
		total += (uint64_t)n;
		if (total > e->size) {
			reason(res, true, "size", "'%s' grew while read",
			       e->path);
			goto out;
		}
		EVP_DigestUpdate(ctx, buf, (size_t)n);
	}
	EVP_DigestFinal_ex(ctx, md, NULL);
	bundle_hex(md, 32, hex);
	if (total != e->size)
		reason(res, true, "size", "'%s' shrank while read", e->path);
	else if (strcmp(hex, e->sha256))
		reason(res, true, "hash", "'%s' SHA-256 mismatch", e->path);
	if (media_mime(mime) && (hash_only || strncmp(e->path, "sealed/", 7)))
		reason(res, true, "content-policy", "'%s' is %s in the clear",
		       e->path, mime);
	sealed_cms(res, e, hash_only, cms);
out:
	EVP_MD_CTX_free(ctx);
	if (fd >= 0)
		close(fd);
}

/* walk() for a tar: its sorted members, with the same reasons. */
static void tar_walk(struct spoor_verification *res,
		     const struct tar_bundle *t, struct found *f,
		     const struct tar_member **tm)
{
	size_t i;

	for (i = 0; i < tar_bundle_nmembers(t); i++) {
		const struct tar_member *m = tar_bundle_member(t, i);

		if (!strchr(m->path, '/') && bundle_manifest_name(m->path))
			continue;
		if (!spoor_bundle_path_ok(m->path)) {
			reason(res, true, "extra", "'%.200s': name outside "
			       "the bundle grammar", m->path);
		} else if (!m->dir) {
			tm[MIN(f->n, (size_t)MAX_ENTRIES)] = m;
			found_add(res, f, m->path);
		}
	}
}

/* check_file() for a tar member hashed by the scan. */
static void tar_check(struct spoor_verification *res,
		      const struct tar_member *tm,
		      const struct manifest_entry *e, bool hash_only)
{
	if (tm->size != e->size)
		reason(res, true, "size", "'%s' is %lld bytes, the manifest "
		       "says %llu", e->path, (long long)tm->size,
		       (unsigned long long)e->size);
	else if (strcmp(tm->sha256, e->sha256))
		reason(res, true, "hash", "'%s' SHA-256 mismatch", e->path);
	if (tm->media && (hash_only || strncmp(e->path, "sealed/", 7)))
		reason(res, true, "content-policy", "'%s' is %s in the clear",
		       e->path, tm->media);
	sealed_cms(res, e, hash_only, tm->cms);
}

static void check_files(struct spoor_verification *res,
			const struct bsrc *src,
			const struct spoor_verify_opts *o, uint64_t *bytes)
{
	const struct manifest *m = &res->m;
	bool hash_only = !strcmp(m->h.content_policy, "hash-only");
	struct spoor_magic *mg = o->magic;
	struct found f = { NULL, 0, 0 };
	unsigned char *buf = malloc(BUNDLE_READ_BUF);
	const struct tar_member **tm = NULL;
	size_t i = 0, j = 0;
	int wfd = src->tar ? -1 : dup(src->dirfd);

	*bytes = 0;
	if (src->tar)
		tm = calloc(MIN(tar_bundle_nmembers(src->tar),
				(size_t)MAX_ENTRIES) + 1, sizeof(*tm));
	if (!buf || (src->tar ? !tm : wfd < 0)) {
		reason(res, true, "internal", "out of memory");
		if (wfd >= 0)
			close(wfd);
		free(buf);
		free(tm);
		return;
	}
	if (src->tar) {
		tar_walk(res, src->tar, &f, tm);	/* sorted already */
		mg = NULL;
	} else {
		walk(res, wfd, "", 0, &f);
		qsort(f.p, MIN(f.n, (size_t)MAX_ENTRIES), sizeof(*f.p),
		      cmp_str);
		if (!mg)
			mg = spoor_magic_new(NULL);
	}
	if (src->tar ? !src->magic : !mg)
		reason(res, false, "content-policy", "libmagic unavailable: "
		       "MIME types not checked");
	while (i < m->n || j < MIN(f.n, (size_t)MAX_ENTRIES)) {
		int c = i == m->n ? 1 : j == f.n ? -1 :
			strcmp(m->e[i].path, f.p[j]);

		if (c < 0) {
			reason(res, true, "missing", "'%s' is listed but "
			       "missing", m->e[i].path);
			i++;
			continue;
		}
		if (c > 0) {
			reason(res, true, "extra", "'%s' is not listed",
			       f.p[j]);
			j++;
			continue;
		}
		if (hash_only && !strncmp(m->e[i].path, "sealed/", 7))
			reason(res, true, "content-policy", "'%s' under "
			       "sealed/ with content-policy hash-only",
			       m->e[i].path);
		if (tm)
			tar_check(res, tm[j], &m->e[i], hash_only);
		else
			check_file(res, src->dirfd, &m->e[i], buf, mg,
				   hash_only);
		*bytes += m->e[i].size;
		i++;
		j++;
	}
	if (mg != o->magic)
		spoor_magic_free(mg);
	for (j = 0; j < MIN(f.n, (size_t)MAX_ENTRIES); j++)
		free(f.p[j]);
	free(f.p);
	free(tm);
	free(buf);
}

/* ---- registry ---- */

/*
 * The bundles seen before, one line each, keyed by case and recipient:
 * every export of spoor-report gets a new bundle-id, so only the case
 * ties version 1 to version 2 (and a rollback to the version it rolls
 * back).  Read whole and checked when opened; the lock is held until
 * the verification ends.
 */
#define REG_MAGIC "spoor-verify-registry 2"
#define REG_MAX (256u << 20)

struct reg_entry {
	const char *case_id, *recipient, *bundle_id, *msha, *head;
	uint64_t version, count;
};

struct registry {
	const char *path;
	int fd;				/* locked; -1 when not used */
	char *text;
	struct reg_entry *e;
	size_t n, cap;
};

/* What this bundle's header finds in the registry. */
struct reg_prev {
	bool any;			/* its case and recipient seen */
	bool known;			/* this very manifest recorded */
	const struct reg_entry *max;	/* the highest version seen */
	const struct reg_entry *prev;	/* the version the custody log must
					 * extend: the superseded one, else
					 * the highest below ours */
	const struct reg_entry *superseded;
};

/* Split line into nf TAB-separated fields; false if not exactly nf. */
static bool reg_split(char *line, char **f, int nf)
{
	int i;

	for (i = 0; i < nf; i++) {
		f[i] = line;
		line = strchr(line, '\t');
		if (!line)
			return i == nf - 1;
		*line++ = '\0';
	}
	return false;
}

static bool reg_u64(const char *s, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !*end && !errno;
}

static int reg_parse(struct registry *g, struct spoor_err *err)
{
	char *p, *nl;
	size_t lineno = 0;

	for (p = g->text; *p; p = nl + 1) {
		char *f[7];
		struct reg_entry *e;

		nl = strchr(p, '\n');
		if (!nl)
			return spoor_err_set(err, SPOOR_EFORMAT, 0, "registry "
					     "'%s': the last line is cut off",
					     g->path);
		*nl = '\0';
		if (++lineno == 1) {
			if (!strcmp(p, "spoor-verify-registry 1"))
				return spoor_err_set(err, SPOOR_EFORMAT, 0,
					"registry '%s' is of format 1 (keyed "
					"by bundle-id, which every export "
					"renews, so it cannot see a "
					"rollback): keep it, and give a new "
					"file", g->path);
			if (strcmp(p, REG_MAGIC))
				return spoor_err_set(err, SPOOR_EFORMAT, 0,
					"'%s' is not a spoor-verify registry",
					g->path);
			continue;
		}
		if (spoor_grow(&g->e, &g->cap, g->n, sizeof(*g->e)))
			return spoor_err_set(err, SPOOR_ENOMEM, 0,
					     "out of memory");
		e = &g->e[g->n];
		if (!reg_split(p, f, 7) || !bundle_value_ok(f[0]) ||
		    !bundle_value_ok(f[1]) || !bundle_uuid4_ok(f[2]) ||
		    !reg_u64(f[3], &e->version) || !bundle_hex64_ok(f[4]) ||
		    !bundle_hex64_ok(f[5]) || !reg_u64(f[6], &e->count))
			return spoor_err_set(err, SPOOR_EFORMAT, 0, "registry "
					     "'%s' line %zu is malformed",
					     g->path, lineno);
		e->case_id = f[0];
		e->recipient = f[1];
		e->bundle_id = f[2];
		e->msha = f[4];
		e->head = f[5];
		g->n++;
	}
	return 0;
}

static void registry_close(struct registry *g)
{
	if (g->fd >= 0)
		close(g->fd);	/* and the lock with it */
	free(g->text);
	free(g->e);
	memset(g, 0, sizeof(*g));
	g->fd = -1;
}

/*
 * Open, lock and read the registry: SPOOR_EIO or SPOOR_EFORMAT when it
 * cannot be used (the bundle is not at fault: the caller exits 3).
 * Without update a missing registry is an empty one.
 */
static int registry_open(struct registry *g, const char *path, bool update,
			 struct spoor_err *err)
{
	struct sbuf b = SBUF_INIT;
	char tmp[65536];
	ssize_t n;

	memset(g, 0, sizeof(*g));
	g->fd = -1;
	g->path = path;
	if (!path)
		return 0;
	g->fd = open(path, (update ? O_RDWR | O_CREAT : O_RDONLY) |
		     O_CLOEXEC | O_NOFOLLOW, 0644);
	if (g->fd < 0 && !update && errno == ENOENT)
		return 0;
	if (g->fd < 0 || flock(g->fd, update ? LOCK_EX : LOCK_SH) < 0)
		return spoor_err_set(err, SPOOR_EIO, errno, "cannot open the "
				     "registry '%s'", path);
	b.max = REG_MAX;
	while ((n = read(g->fd, tmp, sizeof(tmp))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			sbuf_release(&b);
			return spoor_err_set(err, SPOOR_EIO, errno, "cannot "
					     "read the registry '%s'", path);
		}
		sbuf_add(&b, tmp, (size_t)n);
	}
	if (b.failed) {
		sbuf_release(&b);
		return spoor_err_set(err, SPOOR_ELIMIT, 0, "registry '%s' is "
				     "larger than %u MiB", path,
				     REG_MAX >> 20);
	}
	g->text = b.buf ? b.buf : strdup("");
	if (!g->text)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	if (b.len && strlen(g->text) != b.len)
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s' is not a "
				     "spoor-verify registry", path);
	return reg_parse(g, err);
}

static void registry_check(struct spoor_verification *res,
			   const struct registry *g, const char *msha,
			   struct reg_prev *rp)
{
	const struct spoor_manifest_header *h = &res->m.h;
	const struct reg_entry *below = NULL;
	size_t i;

	memset(rp, 0, sizeof(*rp));
	for (i = 0; i < g->n; i++) {
		const struct reg_entry *e = &g->e[i];
		bool same = !strcmp(e->msha, msha);

		if (strcmp(e->case_id, h->case_id) ||
		    strcmp(e->recipient, h->recipient)) {
			if (!strcmp(e->bundle_id, h->bundle_id) && !same)
				reason(res, true, "equivocation", "bundle "
				       "'%s' was seen for case '%s' with "
				       "another manifest (%.16s...)",
				       h->bundle_id, e->case_id, e->msha);
			continue;
		}
		rp->any = true;
		if (same)
			rp->known = true;
		else if (e->version == h->bundle_version)
			reason(res, true, "equivocation", "version %llu of "
			       "case '%s' for '%s' was seen with another "
			       "manifest (%.16s..., bundle %s)",
			       (unsigned long long)e->version, h->case_id,
			       h->recipient, e->msha, e->bundle_id);
		if (!rp->max || e->version > rp->max->version)
			rp->max = e;
		if (e->version < h->bundle_version &&
		    (!below || e->version > below->version))
			below = e;
		if (!strcmp(e->msha, h->supersedes))
			rp->superseded = e;
	}
	if (rp->max && rp->max->version > h->bundle_version)
		reason(res, true, "superseded", "bundle version %llu of case "
		       "'%s' is older than version %llu verified here "
		       "before (bundle %s): a rollback",
		       (unsigned long long)h->bundle_version, h->case_id,
		       (unsigned long long)rp->max->version,
		       rp->max->bundle_id);
	rp->prev = rp->superseded ? rp->superseded : below;
	if (rp->superseded &&
	    rp->superseded->version >= h->bundle_version)
		reason(res, true, "supersedes", "supersedes version %llu, "
		       "which is not older than this version %llu",
		       (unsigned long long)rp->superseded->version,
		       (unsigned long long)h->bundle_version);
	else if (rp->superseded && below &&
		 below->version > rp->superseded->version)
		reason(res, true, "supersedes", "supersedes version %llu, "
		       "but version %llu (bundle %s) was verified here in "
		       "between: two versions superseding one",
		       (unsigned long long)rp->superseded->version,
		       (unsigned long long)below->version, below->bundle_id);
	else if (!rp->superseded && strcmp(h->supersedes, "-") && below &&
		 below->version + 1 == h->bundle_version)
		reason(res, true, "supersedes", "supersedes %.16s..., but "
		       "version %llu verified here is %.16s... (bundle %s)",
		       h->supersedes, (unsigned long long)below->version,
		       below->msha, below->bundle_id);
	else if (!rp->superseded && strcmp(h->supersedes, "-"))
		reason(res, false, "supersedes", "supersedes %.16s..., a "
		       "version of case '%s' not verified here",
		       h->supersedes, h->case_id);
	else if (!strcmp(h->supersedes, "-") && rp->any &&
		 h->bundle_version > 1)
		reason(res, false, "supersedes", "no supersedes link to the "
		       "versions of case '%s' verified here", h->case_id);
}

static void registry_add(struct spoor_verification *res,
			 const struct registry *g, const char *msha)
{
	const struct spoor_manifest_header *h = &res->m.h;
	struct sbuf line = SBUF_INIT;
	bool ok;

	if (lseek(g->fd, 0, SEEK_END) == 0)
		sbuf_adds(&line, REG_MAGIC "\n");
	sbuf_addf(&line, "%s\t%s\t%s\t%llu\t%s\t%s\t%llu\n", h->case_id,
		  h->recipient, h->bundle_id,
		  (unsigned long long)h->bundle_version, msha,
		  h->custody_head, (unsigned long long)h->custody_count);
	ok = !line.failed && spoor_write_all(g->fd, line.buf, line.len) >= 0 &&
	     fsync(g->fd) == 0;
	sbuf_release(&line);
	if (!ok)
		reason(res, false, "registry", "cannot update the registry "
		       "'%s'", g->path);
}

/* ---- reading from the source ---- */

/* A whole file of the bundle (at most max bytes); SPOOR_ENOTFOUND. */
static int src_load(const struct bsrc *src, const char *name, size_t max,
		    char **buf, size_t *len, struct spoor_err *err)
{
	const char *kb;

	if (!src->tar)
		return bundle_read_at(src->dirfd, name, max, buf, len, err);
	*buf = NULL;
	*len = 0;
	kb = tar_bundle_get(src->tar, name, len);
	if (!kb)
		return spoor_err_set(err, SPOOR_ENOTFOUND, 0, "cannot open "
				     "'%s'", name);
	if (*len > max)
		return spoor_err_set(err, SPOOR_ELIMIT, 0, "'%s' is too "
				     "large", name);
	*buf = malloc(*len + 1);
	if (!*buf)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	memcpy(*buf, kb, *len + 1);
	return 0;
}

/* A file of the bundle as an fd (a tar member: in a memfd), or -1. */
static int src_open(const struct bsrc *src, const char *name)
{
	const char *kb;
	size_t len;
	int fd;

	if (!src->tar)
		return open_beneath(src->dirfd, name);
	kb = tar_bundle_get(src->tar, name, &len);
	fd = kb ? memfd_create("spoor-verify", MFD_CLOEXEC) : -1;
	if (fd >= 0 && spoor_write_all(fd, kb, len) < 0) {
		close(fd);
		return -1;
	}
	if (fd >= 0 && lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- custody ---- */

static void check_custody(struct spoor_verification *res,
			  const struct bsrc *src, const struct reg_prev *rp)
{
	const struct spoor_manifest_header *h = &res->m.h;
	struct spoor_custody_check c;
	struct spoor_err e;
	size_t i;
	bool listed = false;
	int fd;

	for (i = 0; i < res->m.n; i++)
		if (!strcmp(res->m.e[i].path, "custody/custody.log"))
			listed = true;
	if (!listed) {
		reason(res, true, "custody", "custody/custody.log is not in "
		       "the bundle");
		return;
	}
	fd = src_open(src, "custody/custody.log");
	if (fd < 0)
		return;		/* reported as missing already */
	memset(&c, 0, sizeof(c));
	c.at_seq = rp && rp->prev && rp->prev->count ? rp->prev->count - 1
						     : UINT64_MAX;
	spoor_err_clear(&e);
	if (spoor_custody_verify_fd(fd, h->case_id, &c, &e))
		reason(res, true, "custody", "custody log: %s", e.msg);
	else if (strcmp(c.head, h->custody_head))
		reason(res, true, "custody", "custody head differs from the "
		       "manifest's custody-head");
	else if (c.count != h->custody_count)
		reason(res, true, "custody", "custody log has %llu events, "
		       "the manifest says %llu",
		       (unsigned long long)c.count,
		       (unsigned long long)h->custody_count);
	close(fd);
	if (rp && rp->prev && rp->prev->count &&
	    strcmp(c.at_hash, rp->prev->head))
		reason(res, true, "custody", "custody log does not extend "
		       "the log of version %llu",
		       (unsigned long long)rp->prev->version);
}

/* ---- the whole check ---- */

static bool load(struct spoor_verification *res, const struct bsrc *src,
		 const char *name, size_t max, bool optional, char **buf,
		 size_t *len)
{
	struct spoor_err e;
	int rc = src_load(src, name, max, buf, len, &e);

	if (rc == SPOOR_ENOTFOUND && optional)
		return true;
	if (rc) {
		reason(res, true, "input", "%s", e.msg);
		return false;
	}
	return true;
}

static void verify_body(struct spoor_verification *res,
			const struct bsrc *src,
			const struct spoor_verify_opts *o,
			const struct registry *reg, int64_t now)
{
	struct sigctx s;
	char *man = NULL, *p7s = NULL, *tsr = NULL;
	size_t ml = 0, pl = 0, tl = 0;
	struct spoor_err e;
	struct reg_prev rp;
	unsigned char md[32];
	char msha[65];
	uint64_t bytes = 0;

	memset(&rp, 0, sizeof(rp));
	if (!load(res, src, "MANIFEST", SPOOR_MANIFEST_MAX, false, &man,
		  &ml) ||
	    !load(res, src, "MANIFEST.p7s", P7S_MAX, false, &p7s, &pl) ||
	    !load(res, src, "MANIFEST.p7s.tsr", TSR_MAX, true, &tsr, &tl))
		goto out;
	memset(&s, 0, sizeof(s));
	s.o = o;
	s.res = res;
	s.src = src;
	s.man = man;
	s.man_len = ml;
	s.p7s = p7s;
	s.p7s_len = pl;
	s.tsr = tsr;
	s.tsr_len = tl;
	s.vtime = now;
	/* Rule 2: nothing of the manifest is parsed before this. */
	if (!check_signature(&s) || res->fatal) {
		CMS_ContentInfo_free(s.cms);
		sk_X509_pop_free(s.certs, X509_free);
		goto out;
	}
	CMS_ContentInfo_free(s.cms);
	sk_X509_pop_free(s.certs, X509_free);
	spoor_err_clear(&e);
	if (manifest_parse(man, ml, &res->m, &e)) {
		reason(res, true, "manifest", "%s", e.msg);
		goto out;
	}
	res->have_manifest = true;
	SHA256((unsigned char *)man, ml, md);
	bundle_hex(md, 32, msha);
	fact(res, "bundle-id", "%s", res->m.h.bundle_id);
	fact(res, "bundle-version", "%llu",
	     (unsigned long long)res->m.h.bundle_version);
	fact(res, "case-id", "%s", res->m.h.case_id);
	fact(res, "police-ref", "%s", res->m.h.police_ref);
	fact(res, "recipient", "%s", res->m.h.recipient);
	fact(res, "created", "%s", res->m.h.created);
	fact(res, "producer", "%s", res->m.h.producer);
	fact(res, "content-policy", "%s", res->m.h.content_policy);
	fact(res, "custody-count", "%llu",
	     (unsigned long long)res->m.h.custody_count);
	fact(res, "manifest-sha256", "%s", msha);
	if (!o->recipient)
		reason(res, false, "recipient", "recipient not checked (no "
		       "--recipient)");
	else if (strcmp(o->recipient, res->m.h.recipient))
		reason(res, true, "recipient", "bundle is for '%s', not for "
		       "'%s' (misdelivery)", res->m.h.recipient,
		       o->recipient);
	if (reg->path)
		registry_check(res, reg, msha, &rp);
	check_files(res, src, o, &bytes);
	check_custody(res, src, reg->path ? &rp : NULL);
	fact(res, "files", "%zu", res->m.n);
	fact(res, "bytes", "%llu", (unsigned long long)bytes);
	/* known: the exact manifest is recorded already */
	if (reg->fd >= 0 && o->registry_update && !res->fatal && !rp.known)
		registry_add(res, reg, msha);
out:
	free(man);
	free(p7s);
	free(tsr);
}

static void tar_reason(void *u, bool fatal, const char *code,
		       const char *msg)
{
	reason(u, fatal, code, "%s", msg);
}

/*
 * A tar: one pass (tar_bundle_scan) that hashes every member, then the
 * rules as for a directory.  The control members stay in res for
 * spoor_verify_disclosure and spoor_verify_extract.
 */
static int verify_tar(struct spoor_verification *res, int fd,
		      const char *name, const struct spoor_verify_opts *o,
		      const struct registry *reg)
{
	struct bsrc src = { -1, NULL, false };
	int rc;

	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	rc = tar_bundle_scan(fd, name, o->magic, true, tar_reason, res,
			     &res->tar);
	if (rc)
		return rc;
	src.magic = tar_bundle_typed(res->tar);
	src.tar = res->tar;
	verify_body(res, &src, o, reg, o->now ? o->now :
		    (int64_t)time(NULL));
	tar_bundle_drop_members(res->tar);
	if (res->have_manifest &&
	    tar_bundle_mtime(res->tar) != bundle_time_epoch(res->m.h.created))
		reason(res, true, "tar", "the members' modification time is "
		       "not the signed created time %s, as spoor-report pack "
		       "writes it", res->m.h.created);
	return 0;
}

/*
 * The fingerprint as given: 64 hex digits, alone, in groups (as
 * spoor-key prints it to read aloud: "CC48 54D8 ...") or in OpenSSL's
 * colon form, optionally after "sha256 Fingerprint=" (openssl x509
 * -fingerprint); lower case into out[65].  NULL, or what is wrong.
 */
static const char *fpr_parse(const char *in, char out[65])
{
	static const char pre[] = "sha256 fingerprint=";
	size_t n = 0;

	if (!strncasecmp(in, pre, sizeof(pre) - 1))
		in += sizeof(pre) - 1;
	for (; *in; in++) {
		char c = *in;

		if (c == ' ' || c == ':' || c == '\t')
			continue;
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		      (c >= 'A' && c <= 'F')))
			return "a character other than hex digits, spaces "
			       "and colons";
		if (n == 64)
			return "more than 64 hex digits";
		out[n++] = (char)(c | 0x20);
	}
	out[n] = '\0';
	return n == 64 ? NULL : "fewer than 64 hex digits";
}

/* A PEM file the caller named must give at least one certificate. */
static int pem_certs_ok(const char *path, const char *opt,
			struct spoor_err *err)
{
	X509_STORE *st;
	int n;
	FILE *f = fopen(path, "re");

	if (!f)
		return spoor_err_set(err, SPOOR_EIO, errno, "cannot read %s "
				     "'%s'", opt, path);
	fclose(f);
	st = X509_STORE_new();
	if (!st)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	n = store_add_pem(st, path);
	X509_STORE_free(st);
	if (n <= 0)
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "%s '%s' holds no "
				     "PEM certificate", opt, path);
	return 0;
}

/*
 * The caller's inputs, before the bundle: the options (fingerprint
 * parsed into fpr, used through oc), the trust files and CRLs readable.
 * A failure is the caller's (SPOOR_EINVAL) or an unreadable input
 * (SPOOR_EIO, SPOOR_EFORMAT), never a verdict about the bundle.
 */
static int opts_check(const struct spoor_verify_opts *o,
		      struct spoor_verify_opts *oc, char fpr[65],
		      struct spoor_err *err)
{
	const char *bad;
	size_t i;
	int rc;

	if (!o || (!o->trust == !o->trust_fpr))
		return spoor_err_set(err, SPOOR_EINVAL, 0, "give exactly one "
				     "of trust and trust_fpr");
	*oc = *o;
	if (o->trust_fpr) {
		bad = fpr_parse(o->trust_fpr, fpr);
		if (bad)
			return spoor_err_set(err, SPOOR_EINVAL, 0, "bad root "
					     "fingerprint '%.200s': %s (want "
					     "the SHA-256: 64 hex digits, in "
					     "groups or with colons)",
					     o->trust_fpr, bad);
		oc->trust_fpr = fpr;
	}
	rc = o->trust ? pem_certs_ok(o->trust, "--trust", err) : 0;
	if (!rc && o->tsa_trust)
		rc = pem_certs_ok(o->tsa_trust, "--tsa-trust", err);
	for (i = 0; !rc && i < o->ncrls; i++) {
		FILE *f = fopen(o->crls[i], "re");

		if (!f)
			rc = spoor_err_set(err, SPOOR_EIO, errno, "cannot "
					   "read --crl '%s'", o->crls[i]);
		else
			fclose(f);
	}
	return rc;
}

int spoor_verify_bundle(const char *dir, const struct spoor_verify_opts *o,
			struct spoor_verification **out,
			struct spoor_err *err)
{
	struct spoor_verify_opts oc;
	struct spoor_verification *res;
	struct registry reg;
	char fpr[65];
	struct stat st;
	int dfd, rc;

	*out = NULL;
	if (!dir)
		return spoor_err_set(err, SPOOR_EINVAL, 0, "no bundle given");
	rc = opts_check(o, &oc, fpr, err);
	if (rc)
		return rc;
	dfd = open(dir, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (dfd < 0)
		return spoor_err_set(err, SPOOR_EIO, errno, "cannot open "
				     "'%s'", dir);
	if (fstat(dfd, &st) < 0 || (!S_ISDIR(st.st_mode) &&
				    !S_ISREG(st.st_mode))) {
		close(dfd);
		return spoor_err_set(err, SPOOR_EIO, 0, "'%s' is neither a "
				     "directory nor a regular file", dir);
	}
	rc = registry_open(&reg, o->registry, o->registry_update, err);
	res = rc ? NULL : calloc(1, sizeof(*res));
	if (!rc && !res)
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	if (rc) {
		registry_close(&reg);
		close(dfd);
		return rc;
	}
	if (S_ISDIR(st.st_mode)) {
		struct bsrc src = { dfd, NULL, false };

		verify_body(res, &src, &oc, &reg, o->now ? o->now :
			    (int64_t)time(NULL));
	} else if (verify_tar(res, dfd, dir, &oc, &reg) == SPOOR_ENOMEM) {
		reason(res, true, "internal", "out of memory");
	}
	registry_close(&reg);
	close(dfd);
	if (res->dropped)
		reason(res, true, "limit", "%zu more reasons not shown",
		       res->dropped);
	ERR_clear_error();
	*out = res;
	return 0;
}

/* ---- extract ---- */

int verify_mkdirs_at(int root, const char *path, struct spoor_err *err)
{
	struct sbuf b = SBUF_INIT;
	const char *p = path, *sl;
	int rc = 0;

	while ((sl = strchr(p, '/'))) {
		sbuf_reset(&b);
		sbuf_add(&b, path, (size_t)(sl - path));
		if (mkdirat(root, sbuf_str(&b), 0755) < 0 &&
		    errno != EEXIST) {
			rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
					   "cannot create '%s'",
					   sbuf_str(&b));
			break;
		}
		p = sl + 1;
	}
	sbuf_release(&b);
	return rc;
}

static int copy_one(int src, int dst, const struct manifest_entry *e,
		    unsigned char *buf, struct spoor_err *err)
{
	int in, out, rc = 0;

	in = open_beneath(src, e->path);
	if (in < 0)
		return spoor_err_set(err, SPOOR_EIO, errno, "cannot open "
				     "'%s'", e->path);
	rc = verify_mkdirs_at(dst, e->path, err);
	out = rc ? -1 : openat(dst, e->path, O_WRONLY | O_CREAT | O_EXCL |
			       O_NOFOLLOW | O_CLOEXEC, 0644);
	if (!rc && out < 0)
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot create '%s'", e->path);
	while (!rc) {
		ssize_t n = read(in, buf, BUNDLE_READ_BUF);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = spoor_err_set(err, SPOOR_EIO, errno,
					   "cannot read '%s'", e->path);
		if (n <= 0)
			break;
		if (spoor_write_all(out, buf, (size_t)n) < 0)
			rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
					   "cannot write '%s'", e->path);
	}
	close(in);
	if (out >= 0) {
		if (!rc && fsync(out) < 0)
			rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
					   "cannot sync '%s'", e->path);
		close(out);
	}
	return rc ? rc : verify_copy_check(dst, e, buf, err);
}

/* Re-read a written copy and compare it with its manifest entry. */
int verify_copy_check(int dst, const struct manifest_entry *e,
		      unsigned char *buf, struct spoor_err *err)
{
	char hex[65];
	uint64_t size;
	int out, rc;

	out = open_beneath(dst, e->path);
	if (out < 0)
		return spoor_err_set(err, SPOOR_EOUTPUT, errno,
				     "cannot reopen '%s'", e->path);
	rc = bundle_sha256_fd(out, buf, e->size, hex, &size, err);
	close(out);
	if (!rc && (size != e->size || strcmp(hex, e->sha256)))
		rc = spoor_err_set(err, SPOOR_EOUTPUT, 0, "copy of '%s' does "
				   "not match the manifest", e->path);
	return rc;
}

int spoor_verify_extract(const char *dir, const struct spoor_verification *r,
			 const char *outdir, struct spoor_err *err)
{
	unsigned char *buf;
	DIR *d;
	int src, dst, rc = 0;
	size_t i;

	if (!r || r->fatal || !r->have_manifest)
		return spoor_err_set(err, SPOOR_EINVAL, 0,
				     "bundle not verified: nothing extracted");
	if (mkdir(outdir, 0755) < 0 && errno != EEXIST)
		return spoor_err_set(err, SPOOR_EOUTPUT, errno,
				     "cannot create '%s'", outdir);
	dst = open(outdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dst < 0)
		return spoor_err_set(err, SPOOR_EOUTPUT, errno,
				     "cannot open '%s'", outdir);
	d = fdopendir(dup(dst));
	if (d) {
		struct dirent *de;

		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") &&
			    strcmp(de->d_name, ".."))
				rc = spoor_err_set(err, SPOOR_EOUTPUT, 0,
						   "'%s' is not empty",
						   outdir);
		closedir(d);
	}
	src = rc ? -1 : open(dir, O_RDONLY | O_CLOEXEC |
			     (r->tar ? 0 : O_DIRECTORY));
	if (!rc && src < 0)
		rc = spoor_err_set(err, SPOOR_EIO, errno, "cannot open '%s'",
				   dir);
	if (!rc && r->tar) {
		rc = tar_bundle_extract(r->tar, src, &r->m, dst, err);
		close(src);
		close(dst);
		return rc;
	}
	buf = rc ? NULL : malloc(BUNDLE_READ_BUF);
	if (!rc && !buf)
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	for (i = 0; !rc && i < r->m.n; i++)
		rc = copy_one(src, dst, &r->m.e[i], buf, err);
	free(buf);
	if (src >= 0)
		close(src);
	close(dst);
	return rc;
}

/* ---- disclosure statements (spoor-report disclose) ---- */

static const char *const disc_keys[] = {
	"bundle-id", "case-id", "pseudonym", "id-norm", "r", "commitment",
	"consent-ref", "consent-date", "created",
};

/* Split the strict FORENSIC-DISCLOSURE 1 text into v[]; false if bad. */
static bool disc_parse(char *t, size_t len, char **v)
{
	char *p = t, *nl;
	size_t i;

	if (len == 0 || t[len - 1] != '\n' || strlen(t) != len ||
	    strncmp(t, "FORENSIC-DISCLOSURE 1\n", 22))
		return false;
	p = t + 22;
	for (i = 0; i < ARRAY_SIZE(disc_keys); i++) {
		size_t kl = strlen(disc_keys[i]);

		nl = strchr(p, '\n');
		if (!nl || strncmp(p, disc_keys[i], kl) || p[kl] != ':' ||
		    p[kl + 1] != ' ')
			return false;
		*nl = '\0';
		v[i] = p + kl + 2;
		if (!bundle_value_ok(v[i]))
			return false;
		p = nl + 1;
	}
	return *p == '\0' && bundle_hex64_ok(v[4]) && bundle_hex64_ok(v[5]);
}

/* Whether the verified bundle's data/findings.json lists (p, c). */
static bool findings_has(const struct bsrc *src, const char *p,
			 const char *c)
{
	struct spoor_err e;
	json_object *root = NULL, *arr;
	char *buf = NULL;
	size_t len, i;
	bool found = false;
	int fd = src_open(src, "data/findings.json");

	if (fd < 0)
		return false;
	if (!bundle_read_fd(fd, "data/findings.json", 64u << 20, &buf, &len,
			    &e))
		root = json_tokener_parse(buf);
	close(fd);
	free(buf);
	if (root && json_object_object_get_ex(root, "pseudonyms", &arr) &&
	    json_object_is_type(arr, json_type_array))
		for (i = 0; i < json_object_array_length(arr); i++) {
			json_object *o = json_object_array_get_idx(arr, i);
			json_object *jp, *jc;

			if (json_object_object_get_ex(o, "pseudonym", &jp) &&
			    json_object_object_get_ex(o, "commitment", &jc) &&
			    !strcmp(json_object_get_string(jp), p) &&
			    !strcmp(json_object_get_string(jc), c))
				found = true;
		}
	json_object_put(root);
	return found;
}

int spoor_verify_disclosure(const char *dir, struct spoor_verification *r,
			    const char *text, const char *sig,
			    const struct spoor_verify_opts *o,
			    struct spoor_err *err)
{
	struct spoor_verification tmp;
	struct spoor_verify_opts oc;
	struct sigctx s;
	char *t = NULL, *p7s = NULL, *copy = NULL, *v[9], fpr[65];
	size_t tl = 0, pl = 0, i;
	unsigned char md[32];
	char hex[65];
	int dfd = -1, rc;
	struct bsrc src = { -1, NULL, false };

	if (!r || r->fatal || !r->have_manifest)
		return spoor_err_set(err, SPOOR_EINVAL, 0, "bundle not "
				     "verified: disclosure not checked");
	rc = opts_check(o, &oc, fpr, err);
	if (rc)
		return rc;
	o = &oc;
	if (!r->tar)
		dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!r->tar && dfd < 0)
		return spoor_err_set(err, SPOOR_EIO, errno, "cannot open '%s'",
				     dir);
	src.dirfd = dfd;
	src.tar = r->tar;
	memset(&tmp, 0, sizeof(tmp));
	{
		int a = open(text, O_RDONLY | O_CLOEXEC);
		int b = a < 0 ? -1 : open(sig, O_RDONLY | O_CLOEXEC);

		if (a < 0 || b < 0)
			rc = spoor_err_set(err, SPOOR_EIO, errno, "cannot "
					   "read the disclosure '%s'",
					   a < 0 ? text : sig);
		else if (bundle_read_fd(a, text, 1u << 20, &t, &tl, err) ||
			 bundle_read_fd(b, sig, P7S_MAX, &p7s, &pl, err))
			rc = err ? err->code : SPOOR_EIO;
		if (a >= 0)
			close(a);
		if (b >= 0)
			close(b);
		if (rc) {
			free(t);
			free(p7s);
			if (dfd >= 0)
				close(dfd);
			return rc;
		}
	}
	if (!r->fatal) {
		memset(&s, 0, sizeof(s));
		s.o = o;
		s.res = &tmp;
		s.src = &src;
		s.man = t;
		s.man_len = tl;
		s.p7s = p7s;
		s.p7s_len = pl;
		s.vtime = o->now ? o->now : (int64_t)time(NULL);
		check_signature(&s);
		CMS_ContentInfo_free(s.cms);
		sk_X509_pop_free(s.certs, X509_free);
		for (i = 0; i < tmp.n; i++)
			if (tmp.r[i].fatal)
				reason(r, true, "disclosure", "signature: %s: "
				       "%s", tmp.r[i].code, tmp.r[i].msg);
	}
	if (!r->fatal) {
		copy = strdup(t);
		if (!copy || !disc_parse(copy, tl, v)) {
			reason(r, true, "disclosure", "not a strict "
			       "FORENSIC-DISCLOSURE 1 statement");
		} else {
			struct sbuf cm = SBUF_INIT;

			sbuf_adds(&cm, "commit-v1");
			sbuf_addc(&cm, '\0');
			sbuf_adds(&cm, v[2]);
			sbuf_addc(&cm, '\0');
			sbuf_adds(&cm, v[3]);
			sbuf_addc(&cm, '\0');
			sbuf_adds(&cm, v[4]);
			SHA256((unsigned char *)cm.buf, cm.len, md);
			sbuf_release(&cm);
			bundle_hex(md, 32, hex);
			if (strcmp(v[0], r->m.h.bundle_id) ||
			    strcmp(v[1], r->m.h.case_id))
				reason(r, true, "disclosure", "disclosure is "
				       "for another bundle or case");
			else if (strcmp(hex, v[5]))
				reason(r, true, "disclosure", "commitment "
				       "does not recompute from pseudonym, "
				       "id-norm and r");
			else if (!findings_has(&src, v[2], v[5]))
				reason(r, true, "disclosure", "the bundle's "
				       "data/findings.json has no commitment "
				       "%s for %s", v[5], v[2]);
			else {
				fact(r, "disclosed-pseudonym", "%s", v[2]);
				fact(r, "disclosed-id", "%s", v[3]);
				fact(r, "disclosure-signer", "%s",
				     spoor_verify_fact(&tmp, "signer"));
				fact(r, "consent-ref", "%s", v[6]);
			}
		}
	}
	for (i = 0; i < tmp.n; i++)
		free(tmp.r[i].msg);
	for (i = 0; i < tmp.nf; i++)
		free(tmp.f[i].val);
	free(tmp.r);
	free(copy);
	free(t);
	free(p7s);
	if (dfd >= 0)
		close(dfd);
	return 0;
}
