/*
 * report_pseudo.c: the reporter pseudonym, redaction of the reporter's
 * identifiers, the sealed re-identification map, disclosure statements
 * (../shared/docs/bundle.md section 8), sealing to a certificate, and
 * RFC 3161 timestamps for a bundle.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include "report.h"

#include "banned.h"

#define MAX_MASTER 4096

/* ---- the pseudonym ---- */

static void base32(const unsigned char *in, size_t n, char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	unsigned buf = 0;
	int bits = 0;

	for (size_t i = 0; i < n; i++) {
		buf = (buf << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			*out++ = a[(buf >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits)
		*out++ = a[(buf << (5 - bits)) & 31];
	*out = '\0';
}

static int hkdf(const unsigned char *ikm, size_t ikm_len, const char *salt,
		const char *info, unsigned char out[32])
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *kc = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	OSSL_PARAM p[5];
	int ok;

	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						(char *)"SHA256", 0);
	p[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
						 (void *)ikm, ikm_len);
	p[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
						 (void *)salt, strlen(salt));
	p[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
						 (void *)info, strlen(info));
	p[4] = OSSL_PARAM_construct_end();
	ok = kc && EVP_KDF_derive(kc, out, 32, p) == 1;
	EVP_KDF_CTX_free(kc);
	EVP_KDF_free(kdf);
	return ok ? 0 : -1;
}

int spoor_report_pseudonym(const unsigned char *master, size_t master_len,
			   const char *case_id, const char *id_norm,
			   const char *r_hex, char p[32], char c[65],
			   struct spoor_err *err)
{
	unsigned char k[32], mac[EVP_MAX_MD_SIZE], md[32];
	unsigned int mlen = 0;
	struct sbuf m = SBUF_INIT;
	int rc = 0;

	if (!master || master_len < 32 || !case_id || !id_norm)
		return spoor_err_set(err, SPOOR_EINVAL, 0,
				     "a master key of at least 32 bytes, a "
				     "case id and an identifier are needed");
	if (hkdf(master, master_len, "tdh-pseudonym-v1", case_id, k))
		return spoor_err_set(err, SPOOR_EINTERNAL, 0, "hkdf failed");
	sbuf_adds(&m, "reporter");
	sbuf_addc(&m, '\0');
	sbuf_adds(&m, id_norm);
	if (m.failed || !HMAC(EVP_sha256(), k, sizeof(k),
			      (unsigned char *)m.buf, m.len, mac, &mlen)) {
		rc = spoor_err_set(err, SPOOR_EINTERNAL, 0, "hmac failed");
		goto out;
	}
	memcpy(p, "RPT-", 4);
	base32(mac, 15, p + 4);
	if (r_hex && c) {
		sbuf_reset(&m);
		sbuf_adds(&m, "commit-v1");
		sbuf_addc(&m, '\0');
		sbuf_adds(&m, p);
		sbuf_addc(&m, '\0');
		sbuf_adds(&m, id_norm);
		sbuf_addc(&m, '\0');
		sbuf_adds(&m, r_hex);
		if (m.failed || !EVP_Digest(m.buf, m.len, md, NULL,
					    EVP_sha256(), NULL))
			rc = spoor_err_set(err, SPOOR_EINTERNAL, 0,
					   "sha-256 failed");
		else
			spoor_hex(md, 32, c);
	}
out:
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(mac, sizeof(mac));
	if (m.buf)
		OPENSSL_cleanse(m.buf, m.cap);
	sbuf_release(&m);
	return rc;
}

/* The master key file: 64+ hex digits (one line) or raw bytes. */
static int read_master(const char *path, unsigned char **key, size_t *len,
		       struct spoor_err *err)
{
	char *buf;
	size_t n, t, i;
	int rc = report_read_file(path, MAX_MASTER, &buf, &n, err);

	if (rc)
		return rc;
	/* a line end is dropped from a hex line only: the last bytes of a
	 * raw key may be 0x0a or 0x0d */
	t = n;
	while (t && (buf[t - 1] == '\n' || buf[t - 1] == '\r'))
		t--;
	for (i = 0; i < t && isxdigit((unsigned char)buf[i]); i++)
		;
	*key = malloc(n ? n : 1);
	if (!*key) {
		free(buf);
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	}
	if (i == t && t >= 64 && t % 2 == 0) {
		for (i = 0; i < t / 2; i++)
			sscanf(buf + 2 * i, "%2hhx", &(*key)[i]);
		*len = t / 2;
	} else {
		memcpy(*key, buf, n);
		*len = n;
	}
	OPENSSL_cleanse(buf, n);
	free(buf);
	if (*len < 32) {
		free(*key);
		*key = NULL;
		return spoor_err_set(err, SPOOR_EINVAL, 0,
				     "master key '%s' is shorter than 32 "
				     "bytes", path);
	}
	return 0;
}

/* A name given whole ("Anneke de Vries-Celik"): its first word and the
 * rest, each matched on its own only to warn (they may be common words
 * or other people's names: the analyst decides). */
static int add_parts(struct report_pseudo *ps, const char *id)
{
	const char *sp = strchr(id, ' ');
	char first[256];
	size_t n;

	if (!sp || sp == id)
		return 0;
	n = (size_t)(sp - id);
	if (n >= sizeof(first))
		return 0;
	memcpy(first, id, n);
	first[n] = '\0';
	while (*sp == ' ')
		sp++;
	if (report_matcher_add_text(ps->parts, first, REPORT_ID_PART,
				    ps->ngiven - 1) == SPOOR_ENOMEM ||
	    (*sp && report_matcher_add_text(ps->parts, sp, REPORT_ID_PART,
					    ps->ngiven - 1) == SPOOR_ENOMEM))
		return SPOOR_ENOMEM;
	ps->nparts += 1 + (*sp != '\0');
	return 0;
}

/* The identifier the pseudonym is derived from: the first given. */
static char *id_norm_of(const char *id, const struct spoor_phone *ph)
{
	struct sbuf s = SBUF_INIT;
	bool mail = !ph && strchr(id, '@') != NULL;

	if (ph) {
		sbuf_addf(&s, "tel:%s", ph->e164);
		return s.buf;
	}
	sbuf_adds(&s, mail ? "mailto:" : "name:");
	for (const char *c = id; *c; c++)
		sbuf_addc(&s, mail ? (char)tolower((unsigned char)*c) : *c);
	return s.buf;
}

/* Fewer code points than this after folding would redact ordinary
 * words ("Kind", "Jan"): refused with a hint. */
#define MIN_NAME_LEN 4

static int add_identifier(struct report *rep, const char *id,
			  struct spoor_err *err)
{
	struct report_pseudo *ps = &rep->ps;
	const char *cc = rep->o->default_cc ? rep->o->default_cc : "31";
	struct spoor_phone ph;
	bool phone = !spoor_phone_parse(id, cc, &ph);
	bool mail = !phone && strchr(id, '@') != NULL;
	char **g = realloc(ps->given, (ps->ngiven + 1) * sizeof(*g));
	int rc;

	if (!g)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	ps->given = g;
	if (!(g[ps->ngiven] = strdup(id)))
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	ps->ngiven++;
	if (phone)
		rc = report_matcher_add_phone(ps->match, &ph);
	else if (ph.numeric)
		return spoor_err_set(err, SPOOR_EINVAL, 0,
				     "--pseudonymise '%s' is written like a "
				     "phone number but is not a valid one "
				     "(%s; --cc %s)", id, ph.why, cc);
	else
		rc = report_matcher_add_text(ps->match, id, mail ?
					     REPORT_ID_EMAIL : REPORT_ID_NAME,
					     ps->ngiven - 1);
	if (rc == SPOOR_ENOMEM)
		return spoor_err_set(err, rc, 0, "out of memory");
	if (rc || (!phone && !mail &&
		   report_matcher_folded_len(ps->match, ps->ntext) <
		   MIN_NAME_LEN))
		return spoor_err_set(err, SPOOR_EINVAL, 0,
				     "--pseudonymise '%s' is too short to be "
				     "redacted safely: it would also hide "
				     "ordinary words; give the full name (or "
				     "a longer form)", id);
	if (!phone && !mail && add_parts(ps, id))
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	if (!phone)
		ps->ntext++;
	if (!ps->id_norm && !(ps->id_norm = id_norm_of(id, phone ? &ph :
						       NULL)))
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	return 0;
}

int report_pseudo_init(struct report *rep, struct spoor_err *err)
{
	unsigned char *master = NULL, r[32];
	size_t mlen = 0;
	int rc = 0;

	rep->ps.match = report_matcher_new();
	rep->ps.parts = report_matcher_new();
	if (!rep->ps.match || !rep->ps.parts)
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	for (size_t i = 0; !rc && i < rep->o->npseudonymise; i++)
		rc = add_identifier(rep, rep->o->pseudonymise[i], err);
	if (!rc && !rep->ps.id_norm)
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	if (!rc)
		rc = read_master(rep->o->master_key, &master, &mlen, err);
	if (!rc && RAND_bytes(r, sizeof(r)) != 1)
		rc = spoor_err_set(err, SPOOR_EINTERNAL, 0,
				   "no random bytes");
	if (!rc) {
		spoor_hex(r, sizeof(r), rep->ps.r_hex);
		rc = spoor_report_pseudonym(master, mlen, rep->case_id,
					    rep->ps.id_norm, rep->ps.r_hex,
					    rep->ps.pseudonym,
					    rep->ps.commitment, err);
	}
	OPENSSL_cleanse(r, sizeof(r));
	if (master)
		OPENSSL_cleanse(master, mlen);
	free(master);
	return rc;
}

void report_pseudo_release(struct report_pseudo *ps)
{
	if (ps->id_norm) {
		OPENSSL_cleanse(ps->id_norm, strlen(ps->id_norm));
		free(ps->id_norm);
	}
	for (size_t i = 0; i < ps->ngiven; i++) {
		OPENSSL_cleanse(ps->given[i], strlen(ps->given[i]));
		free(ps->given[i]);
	}
	free(ps->given);
	report_matcher_free(ps->match);
	report_matcher_free(ps->parts);
	OPENSSL_cleanse(ps->r_hex, sizeof(ps->r_hex));
	memset(ps, 0, sizeof(*ps));
}

/* ---- finding identifiers in text ---- */

struct redact {
	const struct report *rep;
	const char *s;
	size_t pos;
	struct sbuf *out;
};

static int redact_hit(void *ud, const struct report_hit *h)
{
	struct redact *r = ud;

	sbuf_add(r->out, r->s + r->pos, h->start - r->pos);
	sbuf_adds(r->out, r->rep->ps.pseudonym);
	r->pos = h->end;
	return 0;
}

char *report_redact(const struct report *rep, const char *s)
{
	struct sbuf out = SBUF_INIT;

	if (!s)
		return NULL;
	if (!rep->pseudo)
		return strdup(s);
	out.max = (size_t)1 << 30;
	{
		struct redact r = { rep, s, 0, &out };
		size_t len = strlen(s);

		if (report_matcher_scan(rep->ps.match, s, len,
					REPORT_VIEW_UTF8, redact_hit, &r) < 0)
			out.failed = true;
		sbuf_add(&out, s + r.pos, len - r.pos);
	}
	if (out.failed) {
		sbuf_release(&out);
		return NULL;
	}
	sbuf_str(&out);
	return out.buf ? out.buf : strdup("");
}

static int stop_at_first(void *ud, const struct report_hit *h)
{
	*(struct report_hit *)ud = *h;
	return 1;
}

bool report_leaks(const struct report *rep, const char *text, size_t len)
{
	struct report_hit h;

	return rep->pseudo && report_matcher_scan(rep->ps.match, text, len,
						  REPORT_VIEW_UTF8,
						  stop_at_first, &h) != 0;
}

int report_leak_at(const struct report *rep, const char *text, size_t len,
		   struct report_hit *h)
{
	if (!rep->pseudo)
		return 0;
	for (int v = REPORT_VIEW_UTF8; v <= REPORT_VIEW_UTF16BE; v++) {
		int rc = report_matcher_scan(rep->ps.match, text, len, v,
					     stop_at_first, h);

		if (rc)
			return rc < 0 ? rc : v + 1;
	}
	return 0;
}

/* ---- certificates and sealing ---- */

X509 *report_load_cert(const char *path, struct spoor_err *err)
{
	BIO *b = BIO_new_file(path, "r");
	X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	if (!x)
		spoor_err_set(err, SPOOR_EINVAL, 0,
			      "cannot read a certificate from '%s'", path);
	return x;
}

void report_root_fingerprint(const char *chain, char *out, size_t size)
{
	BIO *b = BIO_new_file(chain, "r");
	X509 *x;

	out[0] = '\0';
	while (b && (x = PEM_read_bio_X509(b, NULL, NULL, NULL))) {
		unsigned char md[32];
		unsigned int n = 0;

		if (X509_check_issued(x, x) == X509_V_OK &&
		    X509_digest(x, EVP_sha256(), md, &n) && n == 32 &&
		    size >= 96) {
			for (unsigned i = 0; i < n; i++)
				snprintf(out + 3 * i, 4, "%02X%s", md[i],
					 i + 1 < n ? ":" : "");
		}
		X509_free(x);
	}
	ERR_clear_error();
	BIO_free(b);
}

int report_seal(const void *in, size_t len, const char *cert_path,
		const char *out_path, struct spoor_err *err)
{
	X509 *x = report_load_cert(cert_path, err);
	BIO *bin = NULL, *bout = NULL;
	CMS_ContentInfo *cms = NULL;
	CMS_RecipientInfo *ri;
	BUF_MEM *mem;
	int rc = SPOOR_EINTERNAL;

	if (!x)
		return SPOOR_EINVAL;
	bin = BIO_new_mem_buf(in, (int)len);
	bout = BIO_new(BIO_s_mem());
	cms = bin && bout ? CMS_encrypt(NULL, NULL, EVP_aes_256_gcm(),
					CMS_BINARY | CMS_PARTIAL) : NULL;
	ri = cms ? CMS_add1_recipient_cert(cms, x, CMS_KEY_PARAM) : NULL;
	if (ri && EVP_PKEY_is_a(X509_get0_pubkey(x), "RSA")) {
		EVP_PKEY_CTX *pc = CMS_RecipientInfo_get0_pkey_ctx(ri);
		if (!pc || EVP_PKEY_CTX_set_rsa_padding(pc,
						RSA_PKCS1_OAEP_PADDING) <= 0)
			ri = NULL;
	}
	if (!ri || !CMS_final(cms, bin, NULL, CMS_BINARY) ||
	    !i2d_CMS_bio(bout, cms)) {
		rc = spoor_err_set(err, SPOOR_EINVAL, 0,
				   "cannot encrypt to '%s'", cert_path);
		goto out;
	}
	BIO_get_mem_ptr(bout, &mem);
	rc = report_write_file(out_path, mem->data, mem->length, 0600, err);
out:
	ERR_clear_error();
	CMS_ContentInfo_free(cms);
	BIO_free(bin);
	BIO_free(bout);
	X509_free(x);
	return rc;
}

int report_pseudo_write_map(const struct report *rep, struct spoor_err *err)
{
	const struct report_pseudo *ps = &rep->ps;
	json_object *o = json_object_new_object(), *al;
	const char *txt;
	int rc;

	if (!o)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	al = json_object_new_array();
	json_object_object_add(o, "format",
			       json_object_new_string("spoor-pseudonym-map-1"));
	json_object_object_add(o, "case_id",
			       json_object_new_string(rep->case_id));
	json_object_object_add(o, "bundle_id",
			       json_object_new_string(rep->bundle_id));
	json_object_object_add(o, "pseudonym",
			       json_object_new_string(ps->pseudonym));
	json_object_object_add(o, "id_norm",
			       json_object_new_string(ps->id_norm));
	for (size_t i = 0; i < rep->o->npseudonymise; i++)
		json_object_array_add(al, json_object_new_string(
					      rep->o->pseudonymise[i]));
	json_object_object_add(o, "aliases", al);
	json_object_object_add(o, "r", json_object_new_string(ps->r_hex));
	json_object_object_add(o, "commitment",
			       json_object_new_string(ps->commitment));
	json_object_object_add(o, "consent", json_object_new_string("none"));
	json_object_object_add(o, "created",
			       json_object_new_string(rep->created));
	txt = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	rc = txt ? report_seal(txt, strlen(txt), rep->o->map_to,
			       rep->o->map_out, err)
		: spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	if (txt)
		OPENSSL_cleanse((void *)txt, strlen(txt));
	json_object_put(o);
	return rc;
}

/* ---- disclosure ---- */

static EVP_PKEY *load_key(const char *path, const char *pass,
			  struct spoor_err *err)
{
	BIO *b = BIO_new_file(path, "r");
	EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL,
						  (void *)(pass ? pass : ""))
		: NULL;

	BIO_free(b);
	ERR_clear_error();
	if (!k)
		spoor_err_set(err, SPOOR_EINVAL, 0,
			      "cannot read the key '%s' (passphrase?)", path);
	return k;
}

/* Decrypt the map into a json object. */
static json_object *open_map(const struct spoor_disclosure_opts *d,
			     struct spoor_err *err)
{
	EVP_PKEY *k = load_key(d->map_key, d->map_passphrase, err);
	X509 *x = k ? report_load_cert(d->map_cert, err) : NULL;
	BIO *in = x ? BIO_new_file(d->map, "rb") : NULL;
	BIO *out = BIO_new(BIO_s_mem());
	CMS_ContentInfo *cms = in ? d2i_CMS_bio(in, NULL) : NULL;
	json_object *o = NULL;
	BUF_MEM *mem;

	if (x && !cms)
		spoor_err_set(err, SPOOR_EFORMAT, 0,
			      "'%s' is not a CMS structure", d->map);
	else if (cms && !CMS_decrypt(cms, k, x, NULL, out, CMS_BINARY))
		spoor_err_set(err, SPOOR_EFORMAT, 0,
			      "cannot open '%s' with this key", d->map);
	else if (cms) {
		BIO_write(out, "", 1);
		BIO_get_mem_ptr(out, &mem);
		o = json_tokener_parse(mem->data);
		OPENSSL_cleanse(mem->data, mem->length);
		if (!o)
			spoor_err_set(err, SPOOR_EFORMAT, 0,
				      "'%s' does not hold a map", d->map);
	}
	ERR_clear_error();
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	BIO_free(out);
	X509_free(x);
	EVP_PKEY_free(k);
	return o;
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* A header value must keep the statement's one-line-per-key grammar. */
static bool line_ok(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static int disclosure_text(const struct spoor_disclosure_opts *d,
			   json_object *m, struct sbuf *t,
			   struct spoor_err *err)
{
	const char *bid = jstr(m, "bundle_id"), *cid = jstr(m, "case_id");
	const char *p = jstr(m, "pseudonym"), *id = jstr(m, "id_norm");
	const char *r = jstr(m, "r"), *c = jstr(m, "commitment");
	unsigned char md[32];
	char hex[65], now[21];
	struct sbuf cm = SBUF_INIT;
	time_t tt = time(NULL);
	struct tm tm;

	if (!bid || !cid || !p || !id || !r || !c)
		return spoor_err_set(err, SPOOR_EFORMAT, 0,
				     "'%s' lacks a field", d->map);
	if (strcmp(p, d->pseudonym))
		return spoor_err_set(err, SPOOR_ENOTFOUND, 0,
				     "'%s' is not the map's pseudonym",
				     d->pseudonym);
	sbuf_adds(&cm, "commit-v1");
	sbuf_addc(&cm, '\0');
	sbuf_adds(&cm, p);
	sbuf_addc(&cm, '\0');
	sbuf_adds(&cm, id);
	sbuf_addc(&cm, '\0');
	sbuf_adds(&cm, r);
	EVP_Digest(cm.buf, cm.len, md, NULL, EVP_sha256(), NULL);
	OPENSSL_cleanse(cm.buf, cm.cap);
	sbuf_release(&cm);
	spoor_hex(md, 32, hex);
	if (strcmp(hex, c))
		return spoor_err_set(err, SPOOR_EFORMAT, 0,
				     "the map's commitment does not "
				     "recompute");
	if (!line_ok(d->consent_ref) || !line_ok(d->consent_date) ||
	    !line_ok(bid) || !line_ok(cid) || !line_ok(id))
		return spoor_err_set(err, SPOOR_EINVAL, 0,
				     "consent reference and date are "
				     "required (one line each)");
	gmtime_r(&tt, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	sbuf_addf(t, "FORENSIC-DISCLOSURE 1\nbundle-id: %s\ncase-id: %s\n"
		  "pseudonym: %s\nid-norm: %s\nr: %s\ncommitment: %s\n"
		  "consent-ref: %s\nconsent-date: %s\ncreated: %s\n", bid,
		  cid, p, id, r, c, d->consent_ref, d->consent_date, now);
	return t->failed ? spoor_err_set(err, SPOOR_ENOMEM, 0,
					 "out of memory") : 0;
}

/* Sign text with the MANIFEST signer (bundle.c) in a scratch dir. */
static int sign_detached(const struct spoor_disclosure_opts *d,
			 const struct sbuf *t, struct spoor_err *err)
{
	struct sbuf dir = SBUF_INIT, f = SBUF_INIT, sig = SBUF_INIT;
	char *buf = NULL;
	size_t len;
	int rc;

	sbuf_addf(&dir, "%s.tmp-sign", d->out);
	sbuf_addf(&f, "%s/MANIFEST", sbuf_str(&dir));
	sbuf_addf(&sig, "%s.p7s", d->out);
	if (mkdir(sbuf_str(&dir), 0700))
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot create '%s'", sbuf_str(&dir));
	else
		rc = report_write_file(sbuf_str(&f), t->buf, t->len, 0600,
				       err);
	if (!rc)
		rc = spoor_manifest_sign(sbuf_str(&dir), d->signer, err);
	sbuf_addf(&f, ".p7s");
	if (!rc)
		rc = report_read_file(sbuf_str(&f), SPOOR_MANIFEST_MAX, &buf,
				      &len, err);
	if (!rc)
		rc = report_write_file(sbuf_str(&sig), buf, len, 0644, err);
	if (!rc)
		rc = report_write_file(d->out, t->buf, t->len, 0600, err);
	free(buf);
	unlink(sbuf_str(&f));
	f.len -= 4;
	unlink(sbuf_str(&f));
	rmdir(sbuf_str(&dir));
	sbuf_release(&dir);
	sbuf_release(&f);
	sbuf_release(&sig);
	return rc;
}

int spoor_report_disclose(const struct spoor_disclosure_opts *d,
			  struct spoor_err *err)
{
	struct sbuf t = SBUF_INIT;
	json_object *m;
	struct stat sb;
	int rc;

	if (!d->map || !d->map_key || !d->map_cert || !d->pseudonym ||
	    !d->signer || !d->out)
		return spoor_err_set(err, SPOOR_EINVAL, 0,
				     "map, its key and certificate, a "
				     "pseudonym, a signer and an output are "
				     "required");
	if (!lstat(d->out, &sb))
		return spoor_err_set(err, SPOOR_EOUTPUT, EEXIST,
				     "'%s' already exists", d->out);
	m = open_map(d, err);
	if (!m)
		return err ? err->code : SPOOR_EFORMAT;
	rc = disclosure_text(d, m, &t, err);
	json_object_put(m);
	if (!rc)
		rc = sign_detached(d, &t, err);
	if (t.buf)
		OPENSSL_cleanse(t.buf, t.cap);
	sbuf_release(&t);
	return rc;
}

/* ---- RFC 3161 ---- */

static int p7s_digest(const char *bundle, unsigned char md[32],
		      struct spoor_err *err)
{
	struct sbuf p = SBUF_INIT;
	char *buf;
	size_t len;
	int rc;

	sbuf_addf(&p, "%s/MANIFEST.p7s", bundle);
	rc = report_read_file(sbuf_str(&p), SPOOR_MANIFEST_MAX, &buf, &len,
			      err);
	sbuf_release(&p);
	if (rc)
		return rc;
	EVP_Digest(buf, len, md, NULL, EVP_sha256(), NULL);
	free(buf);
	return 0;
}

int spoor_report_timestamp_request(const char *bundle, const char *out,
				   struct spoor_err *err)
{
	unsigned char md[32], nb[8], *der = NULL;
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	BIGNUM *bn = NULL;
	ASN1_INTEGER *nonce = NULL;
	int rc, n;

	rc = p7s_digest(bundle, md, err);
	if (rc)
		goto out;
	rc = SPOOR_EINTERNAL;
	if (!req || !mi || !alg || RAND_bytes(nb, sizeof(nb)) != 1)
		goto fail;
	nb[0] |= 0x80;	/* always 64 bits */
	bn = BN_bin2bn(nb, sizeof(nb), NULL);
	nonce = bn ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
	if (!nonce || !X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256),
				       V_ASN1_NULL, NULL) ||
	    !TS_MSG_IMPRINT_set_algo(mi, alg) ||
	    !TS_MSG_IMPRINT_set_msg(mi, md, sizeof(md)) ||
	    !TS_REQ_set_version(req, 1) ||
	    !TS_REQ_set_msg_imprint(req, mi) ||
	    !TS_REQ_set_nonce(req, nonce) || !TS_REQ_set_cert_req(req, 1))
		goto fail;
	n = i2d_TS_REQ(req, &der);
	if (n <= 0)
		goto fail;
	rc = report_write_file(out, der, (size_t)n, 0644, err);
	goto out;
fail:
	rc = spoor_err_set(err, SPOOR_EINTERNAL, 0,
			   "cannot build a timestamp request");
out:
	ERR_clear_error();
	OPENSSL_free(der);
	ASN1_INTEGER_free(nonce);
	BN_free(bn);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	TS_REQ_free(req);
	return rc;
}

static int check_reply(TS_RESP *resp, const unsigned char md[32],
		       const char *request, struct spoor_err *err)
{
	TS_STATUS_INFO *si = TS_RESP_get_status_info(resp);
	TS_TST_INFO *tst = TS_RESP_get_tst_info(resp);
	TS_MSG_IMPRINT *mi;
	const ASN1_OBJECT *obj;
	ASN1_OCTET_STRING *dg;
	long status = si ? ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(si))
		: -1;

	if ((status != 0 && status != 1) || !tst)
		return spoor_err_set(err, SPOOR_EFORMAT, 0,
				     "the timestamp was not granted "
				     "(status %ld)", status);
	mi = TS_TST_INFO_get_msg_imprint(tst);
	X509_ALGOR_get0(&obj, NULL, NULL, TS_MSG_IMPRINT_get_algo(mi));
	dg = TS_MSG_IMPRINT_get_msg(mi);
	if (OBJ_obj2nid(obj) != NID_sha256 || ASN1_STRING_length(dg) != 32 ||
	    memcmp(ASN1_STRING_get0_data(dg), md, 32))
		return spoor_err_set(err, SPOOR_EFORMAT, 0,
				     "the timestamp is not over this "
				     "MANIFEST.p7s (imprint mismatch)");
	if (request) {
		BIO *b = BIO_new_file(request, "rb");
		TS_REQ *req = b ? d2i_TS_REQ_bio(b, NULL) : NULL;
		const ASN1_INTEGER *n1 = req ? TS_REQ_get_nonce(req) : NULL;
		const ASN1_INTEGER *n2 = TS_TST_INFO_get_nonce(tst);
		bool ok = n1 && n2 && !ASN1_INTEGER_cmp(n1, n2);

		TS_REQ_free(req);
		BIO_free(b);
		if (!ok)
			return spoor_err_set(err, SPOOR_EFORMAT, 0,
					     "the timestamp nonce does not "
					     "match '%s'", request);
	}
	return 0;
}

int spoor_report_attach_timestamp(const char *bundle, const char *reply,
				  const char *request, struct spoor_err *err)
{
	struct sbuf p = SBUF_INIT;
	unsigned char md[32];
	const unsigned char *q;
	TS_RESP *resp = NULL;
	char *buf = NULL;
	size_t len;
	int rc;

	rc = p7s_digest(bundle, md, err);
	if (!rc)
		rc = report_read_file(reply, (size_t)1 << 20, &buf, &len,
				      err);
	if (rc)
		goto out;
	q = (const unsigned char *)buf;
	resp = d2i_TS_RESP(NULL, &q, (long)len);
	if (!resp || q != (const unsigned char *)buf + len) {
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0,
				   "'%s' is not a timestamp reply", reply);
		goto out;
	}
	rc = check_reply(resp, md, request, err);
	sbuf_addf(&p, "%s/MANIFEST.p7s.tsr", bundle);
	if (!rc && !access(sbuf_str(&p), F_OK))
		rc = spoor_err_set(err, SPOOR_EOUTPUT, EEXIST,
				   "'%s' already exists", sbuf_str(&p));
	if (!rc)
		rc = report_write_file(sbuf_str(&p), buf, len, 0644, err);
out:
	ERR_clear_error();
	TS_RESP_free(resp);
	free(buf);
	sbuf_release(&p);
	return rc;
}
