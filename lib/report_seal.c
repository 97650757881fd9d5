/*
 * report_seal.c: copies of files the police formally requested, sealed
 * to their intake certificate only (../shared/docs/bundle.md section 8).
 *
 * Each copy is checked against the SHA-256 and size of its record in
 * case.db while it is encrypted (one pass: the digest is taken from the
 * bytes the cipher reads, so a file swapped in between cannot slip
 * through), and written as CMS AuthEnvelopedData (AES-256-GCM, RSA-OAEP
 * or ECDH key transport) to sealed/record-<id>.p7m.  The encoding is
 * streamed (BER, indefinite lengths), so a large video needs no more
 * memory than a small picture; `openssl cms -decrypt -inform DER` reads
 * it.  The NGO cannot open its own output: the certificate may be
 * neither the examiner's nor the one the pseudonym map is sealed to.
 */
#include "report.h"
#include "bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "banned.h"

#define SEAL_TEXT_MAX 512	/* request reference, legal basis */

/* The fingerprint of the certificate in path, "" when none is there. */
static void path_fpr(const char *path, char hex[65])
{
	X509 *x = path ? report_load_cert(path, NULL) : NULL;

	hex[0] = '\0';
	if (x)
		bundle_cert_sha256(x, hex);
	X509_free(x);
}

/* An encryption certificate, valid now, not one of the NGO's own. */
static int check_cert(struct report *rep, struct spoor_err *err)
{
	const struct spoor_report_opts *o = rep->o;
	X509 *x = report_load_cert(o->seal_to, err);
	uint32_t ku;
	char own[65];
	int rc = 0;

	if (!x)
		return SPOOR_EFORMAT;
	bundle_cert_sha256(x, rep->seal_fpr);
	ku = X509_get_key_usage(x);
	if (ku != UINT32_MAX &&
	    !(ku & (KU_KEY_ENCIPHERMENT | KU_KEY_AGREEMENT)))
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s' is not an "
				   "encryption certificate (no "
				   "keyEncipherment or keyAgreement)",
				   o->seal_to);
	else if (X509_cmp_current_time(X509_get0_notBefore(x)) >= 0 ||
		 X509_cmp_current_time(X509_get0_notAfter(x)) <= 0)
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s' is not valid "
				   "now", o->seal_to);
	if (!rc) {
		path_fpr(o->signer ? o->signer->cert : NULL, own);
		if (!strcmp(own, rep->seal_fpr))
			rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "--seal-to "
					   "is the examiner's own "
					   "certificate");
	}
	if (!rc) {
		path_fpr(o->map_to, own);
		if (!strcmp(own, rep->seal_fpr))
			rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "--seal-to "
					   "is the organisation's map "
					   "certificate: the police's "
					   "intake certificate only");
	}
	X509_free(x);
	ERR_clear_error();
	return rc;
}

/* Printable UTF-8 of sane length, without the reporter's identifiers. */
static int check_text(struct report *rep, const char *what, const char *s,
		      struct spoor_err *err)
{
	size_t n = s ? strlen(s) : 0;

	if (!n || n > SEAL_TEXT_MAX)
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "%s: 1 to %d "
				     "bytes", what, SEAL_TEXT_MAX);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return spoor_err_set(err, SPOOR_EFORMAT, 0,
					     "%s: control character", what);
	if (!spoor_utf8_valid(s, n))
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "%s: not UTF-8",
				     what);
	if (rep->pseudo && report_leaks(rep, s, n))
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "%s names the "
				     "reporter (it goes into the custody "
				     "log)", what);
	return 0;
}

static const char record_sql[] =
	"SELECT json_extract(r.json, '$.sha256'), "
	"json_extract(r.json, '$.size'), json_extract(r.json, '$.mime') "
	"FROM records r JOIN sel s ON s.record_id = r.id "
	"WHERE r.id = ?1 AND r.rtype = 'file'";

/* The record's SHA-256, size and MIME type into it. */
static int load_record(struct report *rep, struct report_sealed *it,
		       struct spoor_err *err)
{
	sqlite3_stmt *st;
	const char *h, *m;
	int rc = report_prepare(rep, record_sql, &st, err);

	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, it->record_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "record %lld is not "
				   "a file record of this export (tag it, or "
				   "leave out --tagged-only)",
				   (long long)it->record_id);
	} else {
		h = report_col(st, 0);
		m = report_col(st, 2);
		if (!h || strlen(h) != 64 ||
		    sqlite3_column_type(st, 1) != SQLITE_INTEGER)
			rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "record %lld "
					   "has no sha256 and size",
					   (long long)it->record_id);
		else {
			spoor_strlcpy(it->sha256, h, sizeof(it->sha256));
			it->size = (uint64_t)sqlite3_column_int64(st, 1);
			spoor_strlcpy(it->mime, m ? m : "",
				      sizeof(it->mime));
		}
	}
	sqlite3_finalize(st);
	return rc;
}

int report_seal_prepare(struct report *rep, struct spoor_err *err)
{
	const struct spoor_report_opts *o = rep->o;
	int rc;

	if (!o->seal_to && !o->nseal)
		return 0;
	if (!o->seal_to || !o->nseal)
		return spoor_err_set(err, SPOOR_EINVAL, 0, "sealing needs "
				     "both a certificate (--seal-to) and "
				     "the files (--seal)");
	rc = check_text(rep, "the police request (--seal-request)",
			o->seal_request, err);
	if (!rc)
		rc = check_text(rep, "the legal basis (--seal-basis)",
				o->seal_basis, err);
	if (!rc)
		rc = check_cert(rep, err);
	if (rc)
		return rc;
	rep->sealed = calloc(o->nseal, sizeof(*rep->sealed));
	if (!rep->sealed)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	for (size_t i = 0; i < o->nseal && !rc; i++) {
		struct report_sealed *it = &rep->sealed[i];

		it->record_id = o->seal[i].record_id;
		it->path = o->seal[i].path;
		for (size_t j = 0; j < i; j++)
			if (rep->sealed[j].record_id == it->record_id)
				return spoor_err_set(err, SPOOR_EINVAL, 0,
						     "record %lld is sealed "
						     "twice",
						     (long long)it->record_id);
		snprintf(it->name, sizeof(it->name), "sealed/record-%lld.p7m",
			 (long long)it->record_id);
		rc = load_record(rep, it, err);
		rep->nsealed = i + 1;
	}
	return rc;
}

static CMS_ContentInfo *envelope(X509 *x, struct spoor_err *err)
{
	CMS_ContentInfo *cms = CMS_encrypt(NULL, NULL, EVP_aes_256_gcm(),
					   CMS_BINARY | CMS_PARTIAL |
					   CMS_STREAM);
	CMS_RecipientInfo *ri = cms ? CMS_add1_recipient_cert(
					      cms, x, CMS_KEY_PARAM) : NULL;

	if (ri && EVP_PKEY_is_a(X509_get0_pubkey(x), "RSA")) {
		EVP_PKEY_CTX *pc = CMS_RecipientInfo_get0_pkey_ctx(ri);

		if (!pc || EVP_PKEY_CTX_set_rsa_padding(
				   pc, RSA_PKCS1_OAEP_PADDING) <= 0)
			ri = NULL;
	}
	if (!ri) {
		CMS_ContentInfo_free(cms);
		spoor_err_set(err, SPOOR_EFORMAT, 0, "cannot encrypt to that "
			      "certificate");
		return NULL;
	}
	return cms;
}

/* Seal the open file fd into out; *md gets the SHA-256 of what was read
 * and *n its length. */
static int seal_fd(X509 *x, int fd, BIO *out, unsigned char md[32],
		   uint64_t *n, struct spoor_err *err)
{
	BIO *in = BIO_new_fd(fd, BIO_NOCLOSE), *mdb = BIO_new(BIO_f_md());
	CMS_ContentInfo *cms = envelope(x, err);
	int rc = 0;

	if (!cms)
		rc = SPOOR_EFORMAT;
	else if (!in || !mdb || !BIO_set_md(mdb, EVP_sha256()))
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	else {
		BIO_push(mdb, in);
		if (!i2d_CMS_bio_stream(out, cms, mdb, CMS_BINARY | CMS_STREAM)
		    || BIO_flush(out) <= 0 || BIO_gets(mdb, (char *)md, 32) != 32)
			rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
					   "cannot encrypt");
		*n = BIO_number_read(in);
		BIO_pop(mdb);
	}
	CMS_ContentInfo_free(cms);
	BIO_free(mdb);
	BIO_free(in);
	ERR_clear_error();
	return rc;
}

static int seal_one(X509 *x, const char *tmp, struct report_sealed *it,
		    struct spoor_err *err)
{
	struct sbuf p = SBUF_INIT;
	unsigned char md[32] = { 0 };
	char hex[65];
	uint64_t n = 0;
	struct stat sb;
	int fd, ofd = -1, rc;
	BIO *out = NULL;

	fd = open(it->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
		  O_NONBLOCK);	/* a FIFO must not block */
	if (fd < 0)
		return spoor_err_set(err, SPOOR_EIO, errno, "cannot open '%s'",
				     it->path);
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s' is not a "
				     "regular file", it->path);
	}
	sbuf_addf(&p, "%s/%s", tmp, it->name);
	ofd = p.failed ? -1 : open(sbuf_str(&p), O_WRONLY | O_CREAT | O_EXCL |
				   O_CLOEXEC | O_NOFOLLOW, 0644);
	out = ofd >= 0 ? BIO_new_fd(ofd, BIO_NOCLOSE) : NULL;
	if (!out)
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot create '%s'", sbuf_str(&p));
	else
		rc = seal_fd(x, fd, out, md, &n, err);
	BIO_free(out);
	if (!rc && fsync(ofd))
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot write '%s'", sbuf_str(&p));
	if (ofd >= 0 && close(ofd) && !rc)
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot write '%s'", sbuf_str(&p));
	close(fd);
	bundle_hex(md, 32, hex);
	if (!rc && (n != it->size || strcmp(hex, it->sha256)))
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s' is not the "
				   "file of record %lld (its SHA-256 or size "
				   "differs from the record's)", it->path,
				   (long long)it->record_id);
	if (rc && !p.failed)
		unlink(sbuf_str(&p));
	sbuf_release(&p);
	return rc;
}

int report_seal_write(struct report *rep, const char *tmp,
		      struct spoor_err *err)
{
	struct sbuf p = SBUF_INIT;
	X509 *x;
	int rc = 0;

	if (!rep->nsealed)
		return 0;
	x = report_load_cert(rep->o->seal_to, err);
	if (!x)
		return SPOOR_EFORMAT;
	sbuf_addf(&p, "%s/sealed", tmp);
	if (p.failed || mkdir(sbuf_str(&p), 0755))
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot create '%s'", sbuf_str(&p));
	for (size_t i = 0; !rc && i < rep->nsealed; i++)
		rc = seal_one(x, tmp, &rep->sealed[i], err);
	X509_free(x);
	sbuf_release(&p);
	return rc;
}

const char *report_content_policy(const struct report *rep)
{
	return rep->nsealed ? "sealed-to-recipient" : "hash-only";
}

const struct report_sealed *report_sealed_find(const struct report *rep,
					       int64_t record_id)
{
	for (size_t i = 0; i < rep->nsealed; i++)
		if (rep->sealed[i].record_id == record_id)
			return &rep->sealed[i];
	return NULL;
}

/* One sealed copy as a JSON object (for findings.json and custody). */
static json_object *item_json(const struct report_sealed *it)
{
	json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "record_id",
			       json_object_new_int64(it->record_id));
	json_object_object_add(o, "file", json_object_new_string(it->name));
	json_object_object_add(o, "sha256",
			       json_object_new_string(it->sha256));
	json_object_object_add(o, "size",
			       json_object_new_int64((int64_t)it->size));
	json_object_object_add(o, "mime", json_object_new_string(it->mime));
	return o;
}

/* Add the request, its basis, the certificate and the items to o. */
static json_object *seal_fill(json_object *o, const struct report *rep)
{
	json_object *a = json_object_new_array();

	if (!o || !a) {
		json_object_put(o);
		json_object_put(a);
		return NULL;
	}
	json_object_object_add(o, "request",
			       json_object_new_string(rep->o->seal_request));
	json_object_object_add(o, "legal_basis",
			       json_object_new_string(rep->o->seal_basis));
	json_object_object_add(o, "recipient_cert_sha256",
			       json_object_new_string(rep->seal_fpr));
	json_object_object_add(o, "encryption", json_object_new_string(
				       "CMS AuthEnvelopedData, AES-256-GCM"));
	for (size_t i = 0; i < rep->nsealed; i++)
		json_object_array_add(a, item_json(&rep->sealed[i]));
	json_object_object_add(o, "items", a);
	return o;
}

void report_seal_findings(FILE *f, const struct report *rep)
{
	json_object *o;

	fprintf(f, ",\n\"content_policy\": \"%s\"",
		report_content_policy(rep));
	if (!rep->nsealed)
		return;
	o = seal_fill(json_object_new_object(), rep);
	fprintf(f, ",\n\"sealed\": %s", o ? json_object_to_json_string_ext(
				o, JSON_C_TO_STRING_PLAIN |
				JSON_C_TO_STRING_NOSLASHESCAPE) : "null");
	json_object_put(o);
}

char *report_seal_event(const struct report *rep)
{
	json_object *o = json_object_new_object();
	char *s = NULL;

	if (!rep->nsealed || !o) {
		json_object_put(o);
		return NULL;
	}
	json_object_object_add(o, "event", json_object_new_string("sealed"));
	json_object_object_add(o, "time",
			       json_object_new_string(rep->created));
	json_object_object_add(o, "time_source",
			       json_object_new_string("system clock"));
	json_object_object_add(o, "tool",
			       json_object_new_string("spoor-report"));
	json_object_object_add(o, "version",
			       json_object_new_string(spoor_version()));
	json_object_object_add(o, "bundle_id",
			       json_object_new_string(rep->bundle_id));
	o = seal_fill(o, rep);
	if (o)
		s = strdup(json_object_to_json_string_ext(
				   o, JSON_C_TO_STRING_PLAIN |
				   JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}

void report_seal_release(struct report *rep)
{
	free(rep->sealed);
	rep->sealed = NULL;
	rep->nsealed = 0;
}
