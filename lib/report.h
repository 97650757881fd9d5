/*
 * report.h: helpers shared by report.c, report_html.c, report_uco.c and
 * report_pseudo.c (spoor-report's bundle writer).  Not installed.
 */
#ifndef SPOOR_REPORT_H
#define SPOOR_REPORT_H

#include <openssl/x509.h>
#include <sqlite3.h>

#include "internal.h"

/* Strings of the report, one column per language (report_strings.def). */
enum report_str {
#define S(key, nl, en) RS_##key,
#include "report_strings.def"
#undef S
	RS__N
};

/* The reporter's identifiers and their pseudonym (bundle.md section 8). */
/* report_match.c: the reporter's identifiers in every written form
 * (phone numbers by their digits, names folded, e-mails; decoded from
 * percent, entity and \u escapes, hex and base64 runs, UTF-16). */
enum { REPORT_VIEW_UTF8, REPORT_VIEW_UTF16LE, REPORT_VIEW_UTF16BE };
enum {
	REPORT_ID_PHONE = 1, REPORT_ID_NAME, REPORT_ID_EMAIL, REPORT_ID_PART,
	REPORT_ID_ENCODED,	/* inside a hex or base64 run */
};
struct report_hit {
	size_t start, end;		/* bytes of the text scanned */
	int kind;			/* REPORT_ID_* */
	size_t id;			/* which identifier of its kind */
};
/* Non-zero: stop the scan. */
typedef int report_hit_fn(void *ud, const struct report_hit *h);
struct report_matcher;
struct report_matcher *report_matcher_new(void);
void report_matcher_free(struct report_matcher *m);
/* A valid number (spoor_phone_parse): matched by its digits in every
 * dialling form.  SPOOR_EINVAL for an invalid one. */
int report_matcher_add_phone(struct report_matcher *m,
			     const struct spoor_phone *ph);
/* A name or e-mail, matched folded on word boundaries; kind and id are
 * given back in hits.  SPOOR_EINVAL when nothing is left to match. */
int report_matcher_add_text(struct report_matcher *m, const char *s,
			    int kind, size_t id);
/* Code points of text pattern i after folding (its matching length). */
size_t report_matcher_folded_len(const struct report_matcher *m, size_t i);
/* Every hit in s[0..len) read as view, in order, none overlapping; the
 * number of hits, or a negative code. */
int report_matcher_scan(const struct report_matcher *m, const char *s,
			size_t len, int view, report_hit_fn *cb, void *ud);

struct report_pseudo {
	char pseudonym[32];		/* "RPT-" + 24 base32 characters */
	char commitment[65];		/* hex SHA-256 */
	char r_hex[65];			/* commitment randomness (secret) */
	char *id_norm;			/* "tel:+316...", "name:..." (secret) */
	struct report_matcher *match;	/* every identifier given */
	struct report_matcher *parts;	/* the parts of names given whole:
					 * warned about, not redacted */
	char **given;			/* the identifiers as given (for
					 * messages) */
	size_t ngiven;
	size_t ntext;			/* names and e-mails among them */
	size_t nparts;
};

/* A copy sealed to the police (report_seal.c). */
struct report_sealed {
	int64_t record_id;
	const char *path;		/* the copy given (not in the bundle) */
	char name[64];			/* "sealed/record-<id>.p7m" */
	char sha256[65];		/* the record's */
	uint64_t size;
	char mime[128];
};

struct report {
	struct spoor_ctx *ctx;
	const struct spoor_report_opts *o;
	sqlite3 *db;
	int lang;			/* 0 nl, 1 en */
	char *case_id, *examiner, *case_created, *case_desc;
	char bundle_id[37];
	char created[21];
	uint64_t version;
	char supersedes[65];
	char custody_head[65];
	uint64_t custody_count;
	struct report_pseudo ps;
	bool pseudo;
	struct report_sealed *sealed;	/* --seal: nsealed copies */
	size_t nsealed;
	char seal_fpr[65];		/* SHA-256 of the --seal-to cert */
	struct spoor_tz *zone;		/* local times beside UTC */
	/* unfinished runs left out, as text ("run 3 (spoor-files on E01,
	 * ...)") and as a JSON array; NULL when none */
	char *left_out;
	char *left_out_json;
};

/* The string for key in the report's language. */
const char *report_s(const struct report *rep, enum report_str key);

/*
 * A copy of s with every identifier of the reporter replaced by the
 * pseudonym (NULL s gives NULL; out of memory gives NULL too, so callers
 * check with report_redact_ok).  Without pseudonymisation a plain copy.
 */
char *report_redact(const struct report *rep, const char *s);

/* The first identifier of the reporter in text[0..len) read as UTF-8
 * (with its encodings), UTF-16LE or UTF-16BE: 1 + REPORT_VIEW_* of the
 * view with *h filled, 0 when there is none, negative on error. */
int report_leak_at(const struct report *rep, const char *text, size_t len,
		   struct report_hit *h);

/* True if text[0..len) still holds one of the reporter's identifiers. */
bool report_leaks(const struct report *rep, const char *text, size_t len);

/* Write s JSON-escaped in quotes (after redaction); NULL writes null. */
void report_json_str(FILE *f, const struct report *rep, const char *s);
/* Write s HTML-escaped (after redaction); NULL writes nothing. */
void report_html_str(FILE *f, const struct report *rep, const char *s);

/* Column i of a row as text, NULL for SQL NULL. */
const char *report_col(sqlite3_stmt *st, int i);

/* Prepare sql on rep->db; SPOOR_EFORMAT naming the database on error. */
int report_prepare(struct report *rep, const char *sql, sqlite3_stmt **st,
		   struct spoor_err *err);

/* "2024-03-14T20:07:41Z" as Europe/Amsterdam local time into out
 * ("2024-03-14 21:07:41 CET"), "" when it is not such a time. */
/* "2024-03-14 22:05:00 (UTC+01:00)": a UTC "YYYY-MM-DDTHH:MM:SS..."
 * in the report's zone; "" when utc is not such a time. */
void report_local_time(const struct report *rep, const char *utc, char *out,
		       size_t size);

/* Derive the pseudonym, commitment and replacement lists. */
int report_pseudo_init(struct report *rep, struct spoor_err *err);
void report_pseudo_release(struct report_pseudo *ps);
/* Write the sealed map to o->map_out, encrypted to o->map_to. */
int report_pseudo_write_map(const struct report *rep, struct spoor_err *err);

/* The files of the bundle, written into dir. */
int report_write_html(struct report *rep, const char *path,
		      struct spoor_err *err);
int report_write_uco(struct report *rep, const char *path,
		     struct spoor_err *err);

/* Fill selection table temp.sel(record_id, tagged) for the options. */
int report_select(struct report *rep, struct spoor_err *err);

/* The first certificate of a PEM file; NULL (err set) if there is none. */
X509 *report_load_cert(const char *path, struct spoor_err *err);

/* Encrypt in[0..len) as AuthEnvelopedData (AES-256-GCM, DER) to the
 * certificate in cert_path, into out_path (mode 0600, tmp + rename). */
int report_seal(const void *in, size_t len, const char *cert_path,
		const char *out_path, struct spoor_err *err);

/* Sealed copies (report_seal.c).  Check the options, the certificate
 * and each record (in temp.sel, a file with sha256 and size). */
int report_seal_prepare(struct report *rep, struct spoor_err *err);
/* Encrypt each copy into dir/sealed/, checking it against its record. */
int report_seal_write(struct report *rep, const char *dir,
		      struct spoor_err *err);
/* "sealed-to-recipient" when copies are sealed, else "hash-only". */
const char *report_content_policy(const struct report *rep);
/* The sealed copy of a record, or NULL. */
const struct report_sealed *report_sealed_find(const struct report *rep,
					       int64_t record_id);
/* findings.json members: content_policy and, if any, sealed. */
void report_seal_findings(FILE *f, const struct report *rep);
/* The custody event of the sealing (malloc'd JSON), NULL if none. */
char *report_seal_event(const struct report *rep);
void report_seal_release(struct report *rep);

/* Write buf to path through path.tmp, fsync, rename (mode). */
int report_write_file(const char *path, const void *buf, size_t len,
		      int mode, struct spoor_err *err);

/* Read a whole small file (at most max bytes) into a NUL-terminated
 * malloc'd buffer. */
int report_read_file(const char *path, size_t max, char **buf, size_t *len,
		     struct spoor_err *err);

/* SHA-256 fingerprint (AA:BB:...) of the self-signed certificate in a
 * PEM chain file into out, "" when there is none. */
void report_root_fingerprint(const char *chain, char *out, size_t size);

#endif
