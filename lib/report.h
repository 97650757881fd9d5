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
struct report_pseudo {
	char pseudonym[32];		/* "RPT-" + 24 base32 characters */
	char commitment[65];		/* hex SHA-256 */
	char r_hex[65];			/* commitment randomness (secret) */
	char *id_norm;			/* "tel:+316...", "name:..." (secret) */
	char (*phones)[20];		/* E.164 forms to replace */
	size_t nphones;
	char **names;			/* literal names to replace */
	size_t nnames;
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
void report_local_time(const char *utc, char *out, size_t size);

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
