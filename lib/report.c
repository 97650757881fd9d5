/*
 * report.c: spoor-report's bundle writer.  Reads a case (case.db read
 * only, custody.log), writes the files of ../shared/docs/bundle.md
 * section 4 into a temp dir, checks them (libmagic content policy, no
 * reporter identifier left), appends the 'exported' custody event, then
 * MANIFEST + signature (bundle.c) and renames the dir into place.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "report.h"
#include "bundle.h"

#include "banned.h"

static const char *const strings[RS__N][2] = {
#define S(key, nl, en) [RS_##key] = { nl, en },
#include "report_strings.def"
#undef S
};

const char *report_s(const struct report *rep, enum report_str key)
{
	return strings[key][rep->lang];
}

const char *report_col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

int report_prepare(struct report *rep, const char *sql, sqlite3_stmt **st,
		   struct spoor_err *err)
{
	if (sqlite3_prepare_v2(rep->db, sql, -1, st, NULL) != SQLITE_OK)
		return spoor_err_set(err, SPOOR_EFORMAT, 0,
				     "case database: %s",
				     sqlite3_errmsg(rep->db));
	return 0;
}

/* ---- small file helpers ---- */

int report_write_file(const char *path, const void *buf, size_t len,
		      int mode, struct spoor_err *err)
{
	return spoor_atomic_write(AT_FDCWD, path, buf, len, mode, err);
}

int report_read_file(const char *path, size_t max, char **buf, size_t *len,
		     struct spoor_err *err)
{
	return spoor_read_file(AT_FDCWD, path, O_NOFOLLOW, max, buf, len,
			       err);
}

/* ---- escaping ---- */

void report_json_str(FILE *f, const struct report *rep, const char *s)
{
	char *r;

	if (!s) {
		fputs("null", f);
		return;
	}
	r = report_redact(rep, s);
	s = r ? r : "";
	spoor_json_fputs(f, s, strlen(s));
	free(r);
}

void report_html_str(FILE *f, const struct report *rep, const char *s)
{
	const char *start;
	char *r;
	size_t left;

	if (!s)
		return;
	r = report_redact(rep, s);
	s = r ? r : "";
	start = s;
	left = strlen(s);
	while (*s) {
		unsigned char c = (unsigned char)*s;
		size_t n = c < 0x80 ? 1 : spoor_utf8_seq(s, left);
		if (n == 0) {
			fputs("\xef\xbf\xbd", f);	/* U+FFFD */
			n = 1;
		} else if (c == '&') {
			fputs("&amp;", f);
		} else if (c == '<') {
			fputs("&lt;", f);
		} else if (c == '>') {
			fputs("&gt;", f);
		} else if (c == '"') {
			fputs("&quot;", f);
		} else if (c == '\'') {
			fputs("&#39;", f);
		} else if (c == ':' && s != start &&
			   isalpha((unsigned char)s[-1])) {
			/* "http:" in evidence text stays text, and the page
			 * holds no URL scheme a check could mistake */
			fputs("&#58;", f);
		} else if (c < 0x20 && c != '\n' && c != '\t') {
			fputs("\xef\xbf\xbd", f);
		} else {
			fwrite(s, 1, n, f);
		}
		s += n;
		left -= n;
	}
	free(r);
}

/* ---- local time beside UTC: the report's zone (--tz) ---- */

void report_local_time(const struct report *rep, const char *utc, char *out,
		       size_t size)
{
	struct spoor_wallclock w;
	int32_t off;
	int n = 0;

	out[0] = '\0';
	if (!utc || sscanf(utc, "%4d-%2d-%2dT%2d:%2d:%2d%n", &w.year, &w.mon,
			   &w.day, &w.hour, &w.min, &w.sec, &n) != 6 ||
	    n != 19 || !rep->zone)
		return;
	if (!spoor_wallclock_iso(&w, out))
		return;
	off = spoor_tz_offset(rep->zone, spoor_wallclock_seconds(&w));
	spoor_wallclock_from_seconds(spoor_wallclock_seconds(&w) + off, &w);
	snprintf(out, size, "%04d-%02d-%02d %02d:%02d:%02d (UTC%c%02d:%02d)",
		 w.year, w.mon, w.day, w.hour, w.min, w.sec,
		 off < 0 ? '-' : '+', abs(off) / 3600, abs(off) / 60 % 60);
}

/* ---- the case ---- */

/* case.db's schema version: this spoor's (older cases are migrated by
 * any spoor-case command that writes; spoor-report only reads). */
static int schema_check(struct report *rep, struct spoor_err *err)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(rep->db, "PRAGMA user_version", -1, &st,
			       NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	if (v == SPOOR_CASEDB_VERSION)
		return 0;
	if (v > SPOOR_CASEDB_VERSION)
		return spoor_err_set(err, SPOOR_EUNSUPPORTED, 0, "'%s/case.db' "
				     "has schema version %d, newer than this "
				     "spoor knows (%d): use a newer spoor",
				     rep->o->case_dir, v,
				     SPOOR_CASEDB_VERSION);
	if (v > 0)
		return spoor_err_set(err, SPOOR_EUNSUPPORTED, 0, "'%s/case.db' "
				     "has the old schema version %d: migrate "
				     "it first with 'spoor-case discard %s' "
				     "(which also removes runs a killed tool "
				     "left unfinished)", rep->o->case_dir, v,
				     rep->o->case_dir);
	return spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s/case.db' is not a "
			     "spoor case", rep->o->case_dir);
}

/*
 * Two committed runs of one tool on one exhibit would count its files,
 * messages, contacts and calls twice.  A case of this spoor cannot get
 * them (a re-run is refused or replaces), a case migrated from version 1
 * can: refused, naming them.
 */
static int overlapping_runs(struct report *rep, struct spoor_err *err)
{
	sqlite3_stmt *st;
	int rc;

	rc = report_prepare(rep, "SELECT a.id, b.id, a.tool, x.value FROM "
			    "runs a JOIN runs b ON b.tool = a.tool AND b.id > "
			    "a.id, json_each(CASE WHEN json_valid(a.exhibits) "
			    "THEN a.exhibits ELSE '[]' END) x WHERE a.state = "
			    "'committed' AND b.state = 'committed' AND "
			    "EXISTS (SELECT 1 FROM json_each(CASE WHEN "
			    "json_valid(b.exhibits) THEN b.exhibits ELSE '[]' "
			    "END) y WHERE y.value = x.value) LIMIT 1", &st,
			    err);
	if (rc)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		rc = spoor_err_set(err, SPOOR_EINVAL, 0, "runs %lld and %lld "
				   "of %s both cover exhibit '%s': its records "
				   "would be counted twice; discard one with "
				   "'spoor-case discard %s RUN-ID --note=...'",
				   (long long)sqlite3_column_int64(st, 0),
				   (long long)sqlite3_column_int64(st, 1),
				   report_col(st, 2), report_col(st, 3),
				   rep->o->case_dir);
	sqlite3_finalize(st);
	return rc;
}

/*
 * Runs that never ended: their records are staged, not findings, and
 * the case is not finished.  Refused unless o->exclude_unfinished, which
 * keeps their description for the bundle.
 */
static int unfinished_runs(struct report *rep, struct spoor_err *err)
{
	struct sbuf text = SBUF_INIT, json = SBUF_INIT;
	sqlite3_stmt *st;
	int n = 0, rc;

	rc = report_prepare(rep, "SELECT id, tool, coalesce((SELECT "
			    "group_concat(value, ', ') FROM json_each("
			    "r.exhibits)), ''), started, (SELECT count(*) "
			    "FROM record_rows s WHERE s.run_id = r.id), "
			    "json_object('id', id, 'tool', tool, 'exhibits', "
			    "json(CASE WHEN json_valid(exhibits) THEN exhibits "
			    "ELSE '[]' END), 'started', started, "
			    "'staged_records', (SELECT count(*) FROM "
			    "record_rows s WHERE s.run_id = r.id)) FROM runs r "
			    "WHERE state = 'running' ORDER BY id", &st, err);
	if (rc)
		return rc;
	sbuf_addc(&json, '[');
	while (sqlite3_step(st) == SQLITE_ROW) {
		sbuf_addf(&text, "%srun %lld (%s on %s, started %s, %lld "
			  "records)", n ? "; " : "",
			  (long long)sqlite3_column_int64(st, 0),
			  report_col(st, 1), report_col(st, 2),
			  report_col(st, 3) ? report_col(st, 3) : "?",
			  (long long)sqlite3_column_int64(st, 4));
		sbuf_addf(&json, "%s%s", n ? "," : "", report_col(st, 5));
		n++;
	}
	sqlite3_finalize(st);
	sbuf_addc(&json, ']');
	if (text.failed || json.failed) {
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	} else if (n && !rep->o->exclude_unfinished) {
		rc = spoor_err_set(err, SPOOR_EINVAL, 0, "the case has %d "
				   "unfinished run%s: %s; remove %s with "
				   "'spoor-case discard' (or let %s end), or "
				   "give --exclude-unfinished to leave %s out "
				   "(the bundle then says so)", n,
				   n == 1 ? "" : "s", sbuf_str(&text),
				   n == 1 ? "it" : "them",
				   n == 1 ? "it" : "them",
				   n == 1 ? "it" : "them");
	} else if (n) {
		rep->left_out = strdup(sbuf_str(&text));
		rep->left_out_json = strdup(sbuf_str(&json));
		if (!rep->left_out || !rep->left_out_json)
			rc = spoor_err_set(err, SPOOR_ENOMEM, 0,
					   "out of memory");
	}
	sbuf_release(&text);
	sbuf_release(&json);
	return rc;
}

static int open_case(struct report *rep, struct spoor_err *err)
{
	struct sbuf uri = SBUF_INIT;
	sqlite3_stmt *st;
	int rc;

	sbuf_addf(&uri, "file:%s/case.db?mode=ro", rep->o->case_dir);
	if (uri.failed)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	rc = sqlite3_open_v2(sbuf_str(&uri), &rep->db,
			     SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	sbuf_release(&uri);
	if (rc != SQLITE_OK)
		return spoor_err_set(err, SPOOR_EIO, 0,
				     "cannot open '%s/case.db': %s",
				     rep->o->case_dir,
				     sqlite3_errmsg(rep->db));
	sqlite3_busy_timeout(rep->db, 5000);
	rc = schema_check(rep, err);
	if (rc)
		return rc;
	rc = report_prepare(rep, "SELECT key, value FROM case_info", &st,
			    err);
	if (rc)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *k = report_col(st, 0), *v = report_col(st, 1);
		char **dst = !k ? NULL :
			!strcmp(k, "case_id") ? &rep->case_id :
			!strcmp(k, "examiner") ? &rep->examiner :
			!strcmp(k, "created") ? &rep->case_created :
			!strcmp(k, "description") ? &rep->case_desc : NULL;
		if (dst && v && !*dst)
			*dst = strdup(v);
	}
	sqlite3_finalize(st);
	if (!rep->case_id || !*rep->case_id || !rep->examiner)
		return spoor_err_set(err, SPOOR_EFORMAT, 0,
				     "'%s/case.db' has no case_id or examiner",
				     rep->o->case_dir);
	return 0;
}

/* bundle-version and supersedes from the table exports, if any. */
static int previous_export(struct report *rep, struct spoor_err *err)
{
	sqlite3_stmt *st;
	int rc;

	rep->version = 1;
	snprintf(rep->supersedes, sizeof(rep->supersedes), "-");
	if (sqlite3_prepare_v2(rep->db,
			       "SELECT bundle_version, manifest_sha256 FROM "
			       "exports ORDER BY bundle_version DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return 0;	/* no exports yet */
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && report_col(st, 1)) {
		rep->version = (uint64_t)sqlite3_column_int64(st, 0) + 1;
		spoor_strlcpy(rep->supersedes, report_col(st, 1),
			      sizeof(rep->supersedes));
	}
	sqlite3_finalize(st);
	(void)err;
	return 0;
}

int report_select(struct report *rep, struct spoor_err *err)
{
	static const char *const sql[] = {
		"CREATE TEMP TABLE sel (record_id INTEGER PRIMARY KEY, "
		"tagged INTEGER NOT NULL)",
		"INSERT INTO sel SELECT DISTINCT record_id, 1 FROM tags "
		"WHERE record_id IN (SELECT id FROM records)",
		/* the whole conversation of a tagged message */
		"INSERT OR IGNORE INTO sel SELECT r.id, 0 FROM records r "
		"WHERE r.rtype = 'message' AND EXISTS (SELECT 1 FROM records t "
		"JOIN sel s ON s.record_id = t.id WHERE t.rtype = 'message' "
		"AND t.exhibit = r.exhibit AND json_extract(t.json, "
		"'$.chat_id') IS json_extract(r.json, '$.chat_id') AND "
		"json_extract(t.json, '$.source_path') IS "
		"json_extract(r.json, '$.source_path'))",
	};
	char *msg = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(sql); i++) {
		if (sqlite3_exec(rep->db, sql[i], NULL, NULL, &msg) !=
		    SQLITE_OK)
			goto fail;
	}
	if (!rep->o->tagged_only &&
	    sqlite3_exec(rep->db, "INSERT OR IGNORE INTO sel SELECT id, 0 "
			 "FROM records", NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	return 0;
fail:
	spoor_err_set(err, SPOOR_EFORMAT, 0, "case database: %s",
		      msg ? msg : "error");
	sqlite3_free(msg);
	return SPOOR_EFORMAT;
}

/* ---- data/findings.json ---- */

/* A record's JSON with the reporter's identifiers replaced.  The JSON
 * was written by spoor's own writer (strings escaped), so a replacement
 * inside a string keeps it valid. */
static void raw_record(FILE *f, const struct report *rep, const char *json)
{
	char *r = report_redact(rep, json);

	fputs(r ? r : "null", f);
	free(r);
}

static void findings_exhibits(FILE *f, struct report *rep,
			      sqlite3_stmt *st)
{
	bool first = true;

	fputs(",\n\"exhibits\": [", f);
	while (sqlite3_step(st) == SQLITE_ROW) {
		static const char *const keys[] = {
			"exhibit", "path", "kind", "size", "md5", "sha1",
			"sha256", "description", "received_from",
			"acquisition_log", "acquired_json", "added",
			"custody_seq", "media_json",
		};
		fputs(first ? "\n {" : ",\n {", f);
		first = false;
		for (int i = 0; i < (int)ARRAY_SIZE(keys); i++) {
			fprintf(f, "%s\"%s\": ", i ? ", " : "", keys[i]);
			if (sqlite3_column_type(st, i) == SQLITE_INTEGER)
				fprintf(f, "%lld", (long long)
					sqlite3_column_int64(st, i));
			else
				report_json_str(f, rep, report_col(st, i));
		}
		fputc('}', f);
	}
	fputs("]", f);
}

static void findings_runs(FILE *f, struct report *rep, sqlite3_stmt *st)
{
	bool first = true;

	fputs(",\n\"runs\": [", f);
	while (sqlite3_step(st) == SQLITE_ROW) {
		static const char *const keys[] = {
			"id", "tool", "version", "parameters", "exhibit",
			"input_sha256", "examiner", "started", "finished",
			"exit_code", "counts", "custody_seq", "state",
			"replaced_by",
		};
		fputs(first ? "\n {" : ",\n {", f);
		first = false;
		for (int i = 0; i < (int)ARRAY_SIZE(keys); i++) {
			fprintf(f, "%s\"%s\": ", i ? ", " : "", keys[i]);
			if (sqlite3_column_type(st, i) == SQLITE_INTEGER)
				fprintf(f, "%lld", (long long)
					sqlite3_column_int64(st, i));
			else
				report_json_str(f, rep, report_col(st, i));
		}
		fputc('}', f);
	}
	fputs("]", f);
}

static int findings_records(FILE *f, struct report *rep,
			    struct spoor_report_result *res,
			    struct spoor_err *err)
{
	sqlite3_stmt *st, *tg;
	bool first = true;
	int rc;

	rc = report_prepare(rep, "SELECT r.id, r.rtype, r.exhibit, r.run_id,"
			    " s.tagged, r.json FROM records r JOIN sel s ON "
			    "s.record_id = r.id ORDER BY s.tagged DESC, r.id",
			    &st, err);
	if (rc)
		return rc;
	rc = report_prepare(rep, "SELECT label, note, examiner, time, "
			    "custody_seq FROM tags WHERE record_id = ? "
			    "ORDER BY id", &tg, err);
	if (rc) {
		sqlite3_finalize(st);
		return rc;
	}
	fputs(",\n\"records\": [", f);
	while (sqlite3_step(st) == SQLITE_ROW) {
		bool tfirst = true;

		fprintf(f, "%s\n {\"id\": %lld, \"rtype\": ", first ? "" : ",",
			(long long)sqlite3_column_int64(st, 0));
		first = false;
		report_json_str(f, rep, report_col(st, 1));
		fputs(", \"exhibit\": ", f);
		report_json_str(f, rep, report_col(st, 2));
		fprintf(f, ", \"run_id\": %lld, \"tags\": [",
			(long long)sqlite3_column_int64(st, 3));
		sqlite3_reset(tg);
		sqlite3_bind_int64(tg, 1, sqlite3_column_int64(st, 0));
		while (sqlite3_step(tg) == SQLITE_ROW) {
			fputs(tfirst ? "{\"label\": " : ", {\"label\": ", f);
			tfirst = false;
			report_json_str(f, rep, report_col(tg, 0));
			fputs(", \"note\": ", f);
			report_json_str(f, rep, report_col(tg, 1));
			fputs(", \"examiner\": ", f);
			report_json_str(f, rep, report_col(tg, 2));
			fputs(", \"time\": ", f);
			report_json_str(f, rep, report_col(tg, 3));
			fprintf(f, ", \"custody_seq\": %lld}", (long long)
				sqlite3_column_int64(tg, 4));
		}
		fputs("], \"record\": ", f);
		raw_record(f, rep, report_col(st, 5));
		fputc('}', f);
		res->records++;
	}
	fputs("]", f);
	sqlite3_finalize(tg);
	sqlite3_finalize(st);
	return 0;
}

static const char exhibit_sql[] =
	"SELECT exhibit, path, kind, size, md5, sha1, sha256, description, "
	"received_from, acquisition_log, acquired_json, added, custody_seq, "
	"media_json FROM exhibits ORDER BY exhibit";
static const char run_sql[] =
	"SELECT id, tool, version, parameters, exhibit, input_sha256, "
	"examiner, started, finished, exit_code, counts, custody_seq, "
	"state, replaced_by FROM runs WHERE state != 'running' ORDER BY id";

static int write_findings(struct report *rep, const char *path,
			  struct spoor_report_result *res,
			  struct spoor_err *err)
{
	FILE *f = fopen(path, "wxe");
	sqlite3_stmt *st;
	int rc;

	if (!f)
		return spoor_err_set(err, SPOOR_EOUTPUT, errno,
				     "cannot create '%s'", path);
	fputs("{\"format\": \"spoor-findings-1\", \"case_id\": ", f);
	report_json_str(f, rep, rep->case_id);
	fprintf(f, ", \"bundle_id\": \"%s\", \"bundle_version\": %llu, "
		"\"created\": \"%s\", \"examiner\": ", rep->bundle_id,
		(unsigned long long)rep->version, rep->created);
	report_json_str(f, rep, rep->examiner);
	fputs(", \"recipient\": ", f);
	report_json_str(f, rep, rep->o->recipient);
	fprintf(f, ", \"selection\": \"%s\"",
		rep->o->tagged_only ? "tagged-only" : "tagged-first");
	/* runs that never ended: not findings, named as left out */
	fprintf(f, ", \"unfinished_runs_left_out\": %s",
		rep->left_out_json ? rep->left_out_json : "[]");
	report_seal_findings(f, rep);
	fputs(",\n\"pseudonyms\": [", f);
	if (rep->pseudo)
		fprintf(f, "{\"role\": \"reporter\", \"pseudonym\": \"%s\", "
			"\"commitment\": \"%s\", \"scheme\": "
			"\"tdh-pseudonym-v1/commit-v1\"}",
			rep->ps.pseudonym, rep->ps.commitment);
	fputs("]", f);
	rc = report_prepare(rep, exhibit_sql, &st, err);
	if (!rc) {
		findings_exhibits(f, rep, st);
		sqlite3_finalize(st);
		rc = report_prepare(rep, run_sql, &st, err);
	}
	if (!rc) {
		findings_runs(f, rep, st);
		sqlite3_finalize(st);
		rc = findings_records(f, rep, res, err);
	}
	fputs("\n}\n", f);
	if (fclose(f) && !rc)
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot write '%s'", path);
	return rc;
}

/* ---- data/hashes-flagged.json ---- */

static const char flagged_sql[] =
	"SELECT r.id, r.exhibit, json_extract(r.json, '$.sha256'), "
	"json_extract(r.json, '$.sha1'), json_extract(r.json, '$.md5'), "
	"json_extract(r.json, '$.size'), json_extract(r.json, '$.mime'), "
	"json_extract(r.json, '$.path'), json_extract(r.json, '$.inode'), "
	"json_extract(r.json, '$.partition_offset'), e.sha256, "
	"(SELECT json_group_array(json_object('set', json_extract(h.value, "
	"'$.set'), 'kind', json_extract(h.value, '$.kind'), 'category', "
	"json_extract(h.value, '$.category'), 'match', coalesce("
	"json_extract(h.value, '$.match'), 'exact'), 'distance', "
	"json_extract(h.value, '$.distance'), 'pdq', json_extract(h.value, "
	"'$.pdq'), 'photodna', json_extract(h.value, '$.photodna'))) "
	"FROM json_each(r.json, "
	"'$.hashsets') h), s.tagged, json_extract(r.json, '$.path_hex'), "
	"json_extract(r.json, '$.pdq') "
	"FROM records r JOIN sel s ON s.record_id = r.id "
	"LEFT JOIN exhibits e ON e.exhibit = r.exhibit "
	"WHERE r.rtype = 'file' AND EXISTS (SELECT 1 FROM json_each(r.json, "
	"'$.hashsets') h WHERE json_extract(h.value, '$.kind') = "
	"'known-bad') ORDER BY r.id";

static void json_num_or_null(FILE *f, sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_INTEGER)
		fprintf(f, "%lld", (long long)sqlite3_column_int64(st, i));
	else
		fputs("null", f);
}

static int write_flagged(struct report *rep, const char *path,
			 struct spoor_err *err)
{
	FILE *f = fopen(path, "wxe");
	const struct report_sealed *sc;
	sqlite3_stmt *st;
	bool first = true;
	int rc;

	if (!f)
		return spoor_err_set(err, SPOOR_EOUTPUT, errno,
				     "cannot create '%s'", path);
	rc = report_prepare(rep, flagged_sql, &st, err);
	fputs("{\"format\": \"spoor-hashes-flagged-1\", \"case_id\": ", f);
	report_json_str(f, rep, rep->case_id);
	fprintf(f, ", \"bundle_id\": \"%s\", \"content\": \"%s\", "
		"\"items\": [", rep->bundle_id, report_content_policy(rep));
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		static const char *const keys[] = {
			"record_id", "exhibit", "sha256", "sha1", "md5",
			"size", "mime", "path", "inode", "partition_offset",
			"image_sha256",
		};
		fputs(first ? "\n {" : ",\n {", f);
		first = false;
		for (int i = 0; i < (int)ARRAY_SIZE(keys); i++) {
			fprintf(f, "%s\"%s\": ", i ? ", " : "", keys[i]);
			if (sqlite3_column_type(st, i) == SQLITE_INTEGER)
				json_num_or_null(f, st, i);
			else
				report_json_str(f, rep, report_col(st, i));
		}
		fputs(", \"path_hex\": ", f);
		report_json_str(f, rep, report_col(st, 13));
		fputs(", \"pdq\": ", f);
		report_json_str(f, rep, report_col(st, 14));
		fputs(", \"hashsets\": ", f);
		raw_record(f, rep, report_col(st, 11) ? report_col(st, 11)
			   : "[]");
		fprintf(f, ", \"tagged\": %s",
			sqlite3_column_int(st, 12) ? "true" : "false");
		sc = report_sealed_find(rep, sqlite3_column_int64(st, 0));
		fprintf(f, ", \"sealed_copy\": %s%s%s}", sc ? "\"" : "",
			sc ? sc->name : "null", sc ? "\"" : "");
	}
	if (!rc)
		sqlite3_finalize(st);
	fputs("]}\n", f);
	if (fclose(f) && !rc)
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot write '%s'", path);
	return rc;
}

/* ---- readme.txt ---- */

static void readme_sealed(FILE *f, const struct report *rep)
{
	fprintf(f, "\nsealed/ holds %zu cop%s the police requested (see "
		"\"sealed\" in\ndata/findings.json for the request and its "
		"legal basis), each encrypted\nto the certificate with "
		"SHA-256 fingerprint\n     %s\nonly; the organisation "
		"cannot open them.  With that certificate's key:\n"
		"     openssl cms -decrypt -binary -inform DER -in "
		"sealed/record-N.p7m \\\n         -recip CERT.pem -inkey "
		"KEY.pem -out COPY\nthen check sha256sum COPY against the "
		"record's sha256 in data/findings.json.\n",
		rep->nsealed, rep->nsealed == 1 ? "y" : "ies", rep->seal_fpr);
}

/* The Dutch text of readme.txt, before the English one (the commands
 * and the details of sealed copies are in the English text below). */
static void readme_nl(FILE *f, const struct report *rep, const char *fp)
{
	char *c = report_redact(rep, rep->case_id);

	fprintf(f, "NEDERLANDS (English below)\n\n"
"Bewijsbundel %s (zaak %s), versie %llu, voor %s.\n"
"Gemaakt %s door spoor-report.  De bestanden in report/ en data/ zijn de\n"
"bevindingen (report/report.html is het leesbare rapport);\n"
"custody/custody.log is de bewijsketen, met hashes aan elkaar geschakeld.\n"
"\n"
"HOE CONTROLEREN (voordat u iets anders opent)\n"
"\n"
"1. Met spoor:\n"
"     spoor-verify BUNDEL --trust ROOT.pem --recipient EENHEID\n"
"   of --trust-fingerprint SHA256 in plaats van --trust: de vingerafdruk\n"
"   van het rootcertificaat zoals u die buiten deze bundel om kreeg.\n"
"\n"
"2. Met standaard OpenSSL (3.x): zie stap 2 van de Engelse tekst\n"
"   hieronder (openssl cms -verify, daarna elke regel van MANIFEST met\n"
"   sha256sum en stat, en geen bestand dat MANIFEST niet noemt).\n"
"\n"
"3. Een tijdstempel, als die er is (MANIFEST.p7s.tsr): openssl ts\n"
"   -verify, zie stap 3 hieronder.\n"
"\n"
"ROOT.pem moet het rootcertificaat van de organisatie zijn waarvan de\n"
"onderzoeker u de SHA-256-vingerafdruk buiten deze bundel om gaf (brief,\n"
"gesprek, telefoon).  Vertrouw nooit een rootcertificaat dat met deze\n"
"bundel meekwam.  Vergelijk met:\n"
"     openssl x509 -in ROOT.pem -noout -fingerprint -sha256\n",
		rep->bundle_id, c ? c : "", (unsigned long long)rep->version,
		rep->o->recipient, rep->created);
	free(c);
	if (*fp)
		fprintf(f, "De root die de keten van de onderzoeker noemt, "
			"heeft als SHA-256-vingerafdruk\n     %s\n"
			"(controleer die met de vingerafdruk die u apart "
			"kreeg; neem hem\nniet van hier over).\n", fp);
	fputs("\nMisbruikmateriaal staat nooit onversleuteld in deze bundel: "
	      "bekend strafbare\nbestanden zijn alleen met hashes beschreven "
	      "(data/hashes-flagged.json);\nsealed/ bevat alleen kopieen als "
	      "de politie daarom vroeg, versleuteld voor\nhet certificaat van "
	      "de ontvanger.\n", f);
	if (rep->left_out)
		fputs("\nWEGGELATEN: runs van de zaak die nooit zijn voltooid; "
		      "zie LEFT OUT hieronder.\n", f);
	if (rep->pseudo)
		fprintf(f, "\nDe melder staat alleen als %s in deze bundel "
			"(zie de Engelse tekst).\n", rep->ps.pseudonym);
	fputs("\n------------------------------------------------------------"
	      "----------\nENGLISH\n\n", f);
}

static int write_readme(struct report *rep, const char *path,
			struct spoor_err *err)
{
	char fp[128] = "";
	FILE *f;

	if (rep->o->signer && rep->o->signer->chain)
		report_root_fingerprint(rep->o->signer->chain, fp,
					sizeof(fp));
	f = fopen(path, "wxe");
	if (!f)
		return spoor_err_set(err, SPOOR_EOUTPUT, errno,
				     "cannot create '%s'", path);
	readme_nl(f, rep, fp);
	fprintf(f, "Evidence bundle %s (case ", rep->bundle_id);
	{
		char *c = report_redact(rep, rep->case_id);
		fputs(c ? c : "", f);
		free(c);
	}
	fprintf(f, "), version %llu, for %s.\n"
"Made %s by spoor-report.  Files in report/ and data/ are the findings;\n"
"custody/custody.log is the hash-chained chain of custody.\n"
"\n"
"HOW TO VERIFY (before opening anything else)\n"
"\n"
"1. With spoor:\n"
"     spoor-verify BUNDLE --trust ROOT.pem --recipient UNIT\n"
"   or --trust-fingerprint SHA256 instead of --trust: the root's\n"
"   fingerprint as given to you out of band (64 hex digits, in groups\n"
"   of four or with colons); the root itself is in MANIFEST.p7s.\n"
"\n"
"2. With stock OpenSSL (3.x), in the bundle directory:\n"
"     openssl cms -verify -binary -inform DER -in MANIFEST.p7s \\\n"
"         -content MANIFEST -CAfile ROOT.pem -purpose any -cades \\\n"
"         -out /dev/null\n"
"   then check every line of MANIFEST (sha256, size, path):\n"
"     sed '1,/^$/d' MANIFEST | while read -r h s p; do\n"
"       [ \"$(sha256sum < \"$p\" | cut -d' ' -f1)\" = \"$h\" ] &&\n"
"       [ \"$(stat -c %%s \"$p\")\" = \"$s\" ] || echo \"BAD $p\"; done\n"
"   and that no file is present that MANIFEST does not list (other\n"
"   than MANIFEST, MANIFEST.p7s and MANIFEST.p7s.tsr).\n"
"   -purpose any is needed: the examiner certificate carries only the\n"
"   documentSigning EKU, which OpenSSL's default S/MIME purpose refuses;\n"
"   check the EKU (1.3.6.1.5.5.7.3.36) with: openssl cms -cmsout -print\n"
"   -inform DER -in MANIFEST.p7s.\n"
"\n"
"3. A timestamp, if present (MANIFEST.p7s.tsr):\n"
"     openssl ts -verify -data MANIFEST.p7s -in MANIFEST.p7s.tsr \\\n"
"         -CAfile TSA-ROOT.pem\n"
"\n"
"ROOT.pem must be the organisation's root certificate whose SHA-256\n"
"fingerprint the examiner gave you out of band (letter, meeting, phone).\n"
"Never trust a root certificate that came with this bundle.  Compare:\n"
"     openssl x509 -in ROOT.pem -noout -fingerprint -sha256\n",
		(unsigned long long)rep->version, rep->o->recipient,
		rep->created);
	if (*fp)
		fprintf(f, "The root the examiner's chain names has SHA-256 "
			"fingerprint\n     %s\n(check it against the one "
			"given to you out of band; do not take it from here).\n",
			fp);
	else
		fputs("The root fingerprint is not in this bundle: ask the "
		      "organisation's\nexaminer or security officer for it "
		      "out of band.\n", f);
	fputs("\nAbuse material is never in this bundle in the clear: "
	      "known-bad files are\ndescribed by hashes only "
	      "(data/hashes-flagged.json); sealed/ holds copies only\n"
	      "when requested, encrypted to the recipient's certificate.\n",
	      f);
	if (rep->nsealed)
		readme_sealed(f, rep);
	if (rep->left_out) {
		char *t = report_redact(rep, rep->left_out);

		fprintf(f, "\nLEFT OUT: runs of the case that never ended (a "
			"tool stopped or was killed\nbefore it finished, or "
			"was still running): %s.\nTheir records were never "
			"part of the case's findings and are not in this\n"
			"bundle (data/findings.json: unfinished_runs_left_out)."
			"\n", t ? t : "");
		free(t);
	}
	if (rep->pseudo)
		fprintf(f, "\nThe reporter appears only as %s; the commitment "
			"in data/findings.json\nlets a later signed "
			"disclosure (FORENSIC-DISCLOSURE 1) be checked:\n"
			"  sha256(\"commit-v1\" 0x00 P 0x00 id-norm 0x00 r) "
			"== commitment\n", rep->ps.pseudonym);
	if (fclose(f))
		return spoor_err_set(err, SPOOR_EOUTPUT, errno,
				     "cannot write '%s'", path);
	return 0;
}

/* ---- the content policy ---- */

static bool mime_allowed(const char *rel, const char *mime)
{
	static const char *const text[] = {
		"text/plain", "text/html", "application/json",
		"application/ld+json", "application/x-ndjson",
		"inode/x-empty", "text/csv", "application/csv",
	};
	static const char *const sealed[] = {
		"application/octet-stream", "application/pkcs7-mime",
		"application/x-pkcs7-mime", "application/pkcs7-signature",
	};

	for (size_t i = 0; i < ARRAY_SIZE(text); i++)
		if (!strcmp(mime, text[i]))
			return true;
	/* a DER CRL (a PEM one is text/plain) */
	if (!strncmp(rel, "certs/crl/", 10) &&
	    (!strcmp(mime, "application/octet-stream") ||
	     !strcmp(mime, "application/pkix-crl")))
		return true;
	if (!strncmp(rel, "sealed/", 7))
		for (size_t i = 0; i < ARRAY_SIZE(sealed); i++)
			if (!strcmp(mime, sealed[i]))
				return true;
	return false;
}

static int check_one(struct spoor_magic *m, const char *path,
		     const char *rel, struct spoor_err *err)
{
	unsigned char *head = malloc(SPOOR_MAGIC_HEAD);
	char mime[SPOOR_MIME_MAX];
	ssize_t n;
	int fd, rc;

	if (!head)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		free(head);
		return spoor_err_set(err, SPOOR_EIO, errno,
				     "cannot open '%s'", path);
	}
	n = read(fd, head, SPOOR_MAGIC_HEAD);
	close(fd);
	if (n < 0) {
		free(head);
		return spoor_err_set(err, SPOOR_EIO, errno,
				     "cannot read '%s'", path);
	}
	rc = spoor_magic_mime(m, head, (size_t)n, mime, err);
	if (!rc && !strncmp(rel, "sealed/", 7) &&
	    !bundle_sealed_head_ok(head, (size_t)n))
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "content policy: "
				   "'%s' is not CMS (Auth)EnvelopedData", rel);
	free(head);
	if (rc)
		return rc;
	if (!mime_allowed(rel, mime))
		return spoor_err_set(err, SPOOR_EFORMAT, 0,
				     "content policy: '%s' is %s, not allowed "
				     "in a bundle", rel, mime);
	return 0;
}

static int check_dir(struct spoor_magic *m, const char *root,
		     const char *rel, int depth, struct spoor_err *err)
{
	struct sbuf dpath = SBUF_INIT;
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (depth > 8)
		return spoor_err_set(err, SPOOR_ELIMIT, 0,
				     "'%s' is nested too deep", rel);
	sbuf_addf(&dpath, "%s%s%s", root, *rel ? "/" : "", rel);
	d = opendir(sbuf_str(&dpath));
	if (!d) {
		rc = spoor_err_set(err, SPOOR_EIO, errno, "cannot open '%s'",
				   sbuf_str(&dpath));
		sbuf_release(&dpath);
		return rc;
	}
	while (!rc && (de = readdir(d))) {
		struct sbuf p = SBUF_INIT, r = SBUF_INIT;
		struct stat sb;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sbuf_addf(&r, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		sbuf_addf(&p, "%s/%s", sbuf_str(&dpath), de->d_name);
		if (lstat(sbuf_str(&p), &sb))
			rc = spoor_err_set(err, SPOOR_EIO, errno,
					   "cannot stat '%s'", sbuf_str(&p));
		else if (S_ISDIR(sb.st_mode))
			rc = check_dir(m, root, sbuf_str(&r), depth + 1, err);
		else if (!S_ISREG(sb.st_mode))
			rc = spoor_err_set(err, SPOOR_EFORMAT, 0,
					   "content policy: '%s' is not a "
					   "regular file", sbuf_str(&r));
		else if (strncmp(sbuf_str(&r), "MANIFEST", 8))
			rc = check_one(m, sbuf_str(&p), sbuf_str(&r), err);
		sbuf_release(&p);
		sbuf_release(&r);
	}
	closedir(d);
	sbuf_release(&dpath);
	return rc;
}

int spoor_report_content_check(const char *dir, struct spoor_err *err)
{
	struct spoor_magic *m = spoor_magic_new(err);
	int rc;

	if (!m)
		return err ? err->code : SPOOR_EINTERNAL;
	rc = check_dir(m, dir, "", 0, err);
	spoor_magic_free(m);
	return rc;
}

static const char *hit_kind(int kind)
{
	switch (kind) {
	case REPORT_ID_PHONE:
		return "a phone number";
	case REPORT_ID_NAME:
		return "a name";
	case REPORT_ID_EMAIL:
		return "an e-mail address";
	case REPORT_ID_ENCODED:
		return "an identifier inside a hex or base64 field";
	}
	return "an identifier";
}

/*
 * The last check before signing: every byte of every file of the bundle,
 * read as UTF-8 (with percent, entity and \u escapes, hex and base64
 * runs decoded) and as UTF-16LE/BE, holds none of the reporter's
 * identifiers in any written form.  A hit names the file and offset.
 */
static int leak_file(struct report *rep, const char *dir, const char *rel,
		     struct spoor_err *err)
{
	static const char *const view[] = { "", " (read as UTF-16LE)",
					    " (read as UTF-16BE)" };
	struct sbuf p = SBUF_INIT;
	struct report_hit h;
	char *buf;
	size_t len;
	int rc;

	sbuf_addf(&p, "%s/%s", dir, rel);
	rc = report_read_file(sbuf_str(&p), (size_t)1 << 30, &buf, &len, err);
	sbuf_release(&p);
	if (rc)
		return rc;
	rc = report_leak_at(rep, buf, len, &h);
	free(buf);
	if (rc < 0)
		return spoor_err_set(err, rc, 0, "out of memory");
	if (rc)
		return spoor_err_set(err, SPOOR_EFORMAT, 0,
				     "'%s' still names the reporter at byte "
				     "%zu%s: %s%s; not signed", rel, h.start,
				     view[rc - 1], hit_kind(h.kind),
				     h.kind == REPORT_ID_NAME ?
				     " (if it is an ordinary word there, "
				     "give a longer alias)" : "");
	return 0;
}

/* Every regular file below dir/rel, depth first. */
static int leak_tree(struct report *rep, const char *dir, const char *rel,
		     int depth, struct spoor_err *err)
{
	struct sbuf p = SBUF_INIT;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	sbuf_addf(&p, "%s/%s", dir, rel);
	d = opendir(sbuf_str(&p));
	sbuf_release(&p);
	if (!d)
		return spoor_err_set(err, SPOOR_EIO, errno, "cannot read the "
				     "bundle folder '%s'", rel);
	while (!rc && (de = readdir(d))) {
		struct sbuf r = SBUF_INIT;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sbuf_addf(&r, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		sbuf_reset(&p);
		sbuf_addf(&p, "%s/%s", dir, sbuf_str(&r));
		if (lstat(sbuf_str(&p), &st))
			rc = spoor_err_set(err, SPOOR_EIO, errno,
					   "cannot stat '%s'", sbuf_str(&r));
		else if (S_ISDIR(st.st_mode) && depth < 8)
			rc = leak_tree(rep, dir, sbuf_str(&r), depth + 1, err);
		else if (S_ISREG(st.st_mode))
			rc = leak_file(rep, dir, sbuf_str(&r), err);
		sbuf_release(&r);
		sbuf_release(&p);
	}
	closedir(d);
	return rc;
}

static int check_leaks(struct report *rep, const char *dir,
		       struct spoor_err *err)
{
	return rep->pseudo ? leak_tree(rep, dir, "", 0, err) : 0;
}

struct part_count {
	size_t *n;
};

static int count_part(void *ud, const struct report_hit *h)
{
	((struct part_count *)ud)->n[h->id]++;
	return 0;
}

/* Parts of a name given whole ("Anneke", "de Vries-Celik") that appear
 * on their own are not redacted (they may be ordinary words or someone
 * else's), but the analyst is told, with the parts to give as aliases. */
static void warn_parts(struct report *rep, const char *dir,
		       const char *const *files, size_t n)
{
	struct part_count pc;

	if (!rep->pseudo || !rep->ps.nparts ||
	    !(pc.n = calloc(rep->ps.ngiven, sizeof(size_t))))
		return;
	for (size_t i = 0; i < n; i++) {
		struct sbuf p = SBUF_INIT;
		char *buf;
		size_t len;

		sbuf_addf(&p, "%s/%s", dir, files[i]);
		if (!report_read_file(sbuf_str(&p), (size_t)1 << 30, &buf,
				      &len, NULL)) {
			report_matcher_scan(rep->ps.parts, buf, len,
					    REPORT_VIEW_UTF8, count_part, &pc);
			free(buf);
		}
		sbuf_release(&p);
	}
	for (size_t i = 0; i < rep->ps.ngiven; i++)
		if (pc.n[i])
			spoor_log(rep->ctx, SPOOR_LOG_WARN, "parts of "
				  "--pseudonymise '%s' occur on their own %zu "
				  "times in the bundle and are not redacted: "
				  "if they name the reporter, give them too "
				  "(e.g. --pseudonymise '%.*s')",
				  rep->ps.given[i], pc.n[i],
				  (int)strcspn(rep->ps.given[i], " "),
				  rep->ps.given[i]);
	free(pc.n);
}

/* ---- custody ---- */

static int custody_path(const struct report *rep, struct sbuf *p)
{
	sbuf_addf(p, "%s/custody.log", rep->o->case_dir);
	return p->failed ? SPOOR_ENOMEM : 0;
}

/* The case's log must chain, and must not name the reporter. */
static int custody_check(struct report *rep, struct spoor_err *err)
{
	struct sbuf p = SBUF_INIT;
	struct spoor_custody_check c = { .at_seq = UINT64_MAX };
	char *buf;
	size_t len;
	int fd, rc;

	custody_path(rep, &p);
	fd = open(sbuf_str(&p), O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = spoor_err_set(err, SPOOR_EIO, errno, "cannot open '%s'",
				   sbuf_str(&p));
		sbuf_release(&p);
		return rc;
	}
	rc = spoor_custody_verify_fd(fd, rep->case_id, &c, err);
	close(fd);
	if (!rc && rep->pseudo) {
		rc = report_read_file(sbuf_str(&p), SPOOR_MANIFEST_MAX * 16u,
				      &buf, &len, err);
		if (!rc && report_leaks(rep, buf, len))
			rc = spoor_err_set(err, SPOOR_EFORMAT, 0,
					   "'%s' names the reporter: a "
					   "hash-chained log cannot be "
					   "pseudonymised", sbuf_str(&p));
		free(buf);
	}
	sbuf_release(&p);
	return rc;
}

/* Append the event (JSON; NULL: out of memory) to the case's log. */
static int custody_append(struct report *rep, const char *event,
			  struct spoor_err *err)
{
	struct sbuf p = SBUF_INIT;
	uint64_t seq;
	int rc;

	custody_path(rep, &p);
	if (!event || p.failed)
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	else
		rc = spoor_custody_append(sbuf_str(&p), rep->case_id, event,
					  &seq, rep->custody_head, err);
	if (!rc)
		rep->custody_count = seq + 1;
	sbuf_release(&p);
	return rc;
}

static int custody_event(struct report *rep, const char *status,
			 struct spoor_err *err)
{
	struct sbuf ev = SBUF_INIT;
	int rc;

	/* Never the reporter's identifiers, never argv: only facts. */
	sbuf_addf(&ev, "{\"event\":\"exported\",\"time\":\"%s\","
		  "\"time_source\":\"system clock\",\"tool\":\"spoor-report\","
		  "\"version\":\"%s\",\"bundle_id\":\"%s\","
		  "\"bundle_version\":%llu,\"status\":\"%s\","
		  "\"tagged_only\":%s,\"pseudonymised\":%s,\"lang\":\"%s\","
		  "\"content_policy\":\"%s\"}",
		  rep->created, spoor_version(), rep->bundle_id,
		  (unsigned long long)rep->version, status,
		  rep->o->tagged_only ? "true" : "false",
		  rep->pseudo ? "true" : "false", rep->lang ? "en" : "nl",
		  report_content_policy(rep));
	rc = custody_append(rep, ev.failed ? NULL : sbuf_str(&ev), err);
	sbuf_release(&ev);
	return rc;
}

static int copy_custody(struct report *rep, const char *dst,
			struct spoor_err *err)
{
	struct sbuf p = SBUF_INIT;
	struct spoor_custody_check c = { .at_seq = UINT64_MAX };
	char *buf;
	size_t len;
	int fd, rc;

	custody_path(rep, &p);
	rc = report_read_file(sbuf_str(&p), (size_t)1 << 30, &buf, &len,
			      err);
	sbuf_release(&p);
	if (rc)
		return rc;
	rc = report_write_file(dst, buf, len, 0644, err);
	free(buf);
	if (rc)
		return rc;
	/* The copy must be the log the header names (no append raced). */
	fd = open(dst, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return spoor_err_set(err, SPOOR_EIO, errno,
				     "cannot open '%s'", dst);
	rc = spoor_custody_verify_fd(fd, rep->case_id, &c, err);
	close(fd);
	if (!rc && (c.count != rep->custody_count ||
		    strcmp(c.head, rep->custody_head)))
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0,
				   "custody log changed while exporting");
	return rc;
}

/* ---- exports table ---- */

static int sha256_file_hex(const char *path, char hex[65],
			   struct spoor_err *err)
{
	unsigned char md[32];
	char *buf;
	size_t len;
	int rc = report_read_file(path, SPOOR_MANIFEST_MAX, &buf, &len, err);

	if (rc)
		return rc;
	EVP_Digest(buf, len, md, NULL, EVP_sha256(), NULL);
	free(buf);
	spoor_hex(md, 32, hex);
	return 0;
}

static int record_export(struct report *rep, const char *manifest_sha,
			 struct spoor_err *err)
{
	struct sbuf path = SBUF_INIT;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = 0;

	sbuf_addf(&path, "%s/case.db", rep->o->case_dir);
	if (sqlite3_open_v2(sbuf_str(&path), &db, SQLITE_OPEN_READWRITE,
			    NULL) != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(db, 10000);
	/* Additive: a table of spoor-report's own (see spoor-report(1)). */
	if (sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS exports ("
			 "id INTEGER PRIMARY KEY, "
			 "bundle_id TEXT NOT NULL UNIQUE, "
			 "bundle_version INTEGER NOT NULL, "
			 "manifest_sha256 TEXT NOT NULL, "
			 "supersedes TEXT NOT NULL, "
			 "recipient TEXT NOT NULL, "
			 "created TEXT NOT NULL, "
			 "custody_seq INTEGER NOT NULL)",
			 NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_prepare_v2(db, "INSERT INTO exports (bundle_id, "
			       "bundle_version, manifest_sha256, supersedes, "
			       "recipient, created, custody_seq) VALUES "
			       "(?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL) !=
	    SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, rep->bundle_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)rep->version);
	sqlite3_bind_text(st, 3, manifest_sha, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, rep->supersedes, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, rep->o->recipient, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, rep->created, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)rep->custody_count - 1);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	goto out;
fail:
	rc = spoor_err_set(err, SPOOR_EOUTPUT, 0,
			   "cannot record the export in '%s': %s",
			   sbuf_str(&path), db ? sqlite3_errmsg(db) : "");
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	sbuf_release(&path);
	return rc;
}

/* ---- the build ---- */

/* A random (version 4) UUID; SPOOR_EINTERNAL when OpenSSL has no
 * random bytes to give: a fixed id would make every bundle the same. */
static int make_uuid4(char out[37], struct spoor_err *err)
{
	unsigned char b[16];
	unsigned long e;
	const char *why;

	out[0] = '\0';
	if (RAND_bytes(b, sizeof(b)) != 1) {
		e = ERR_get_error();
		why = e ? ERR_reason_error_string(e) : NULL;
		return spoor_err_set(err, SPOOR_EINTERNAL, 0, "cannot make a "
				     "bundle id: OpenSSL's RAND_bytes failed "
				     "(%s)", why ? why : "no reason given");
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4],
		 b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
		 b[14], b[15]);
	return SPOOR_OK;
}

static void now_utc(char out[21])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Remove a temp bundle dir (only the names this file writes). */
static void remove_tree(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d || depth > 8) {
		if (d)
			closedir(d);
		return;
	}
	while ((de = readdir(d))) {
		struct sbuf p = SBUF_INIT;
		struct stat sb;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sbuf_addf(&p, "%s/%s", dir, de->d_name);
		if (!lstat(sbuf_str(&p), &sb) && S_ISDIR(sb.st_mode))
			remove_tree(sbuf_str(&p), depth + 1);
		else
			unlink(sbuf_str(&p));
		sbuf_release(&p);
	}
	closedir(d);
	rmdir(dir);
}

/* Try the signer on a scratch MANIFEST, so a wrong passphrase fails
 * before the custody log is touched. */
static int preflight_signer(const struct report *rep, const char *tmp,
			    struct spoor_err *err)
{
	struct sbuf d = SBUF_INIT, f = SBUF_INIT;
	int rc;

	sbuf_addf(&d, "%s/preflight", tmp);
	sbuf_addf(&f, "%s/preflight/MANIFEST", tmp);
	if (mkdir(sbuf_str(&d), 0700))
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot create '%s'", sbuf_str(&d));
	else
		rc = report_write_file(sbuf_str(&f), "preflight\n", 10, 0600,
				       err);
	if (!rc)
		rc = spoor_manifest_sign(sbuf_str(&d), rep->o->signer, err);
	remove_tree(sbuf_str(&d), 0);
	sbuf_release(&d);
	sbuf_release(&f);
	return rc;
}

static int make_dirs(const char *tmp, struct spoor_err *err)
{
	static const char *const sub[] = { "report", "data", "custody" };

	for (size_t i = 0; i < ARRAY_SIZE(sub); i++) {
		struct sbuf p = SBUF_INIT;
		int bad;

		sbuf_addf(&p, "%s/%s", tmp, sub[i]);
		bad = mkdir(sbuf_str(&p), 0755);
		sbuf_release(&p);
		if (bad)
			return spoor_err_set(err, SPOOR_EOUTPUT, errno,
					     "cannot create '%s/%s'", tmp,
					     sub[i]);
	}
	return 0;
}

static const char *const bundle_files[] = {
	"readme.txt", "report/report.html", "data/findings.json",
	"data/case-uco.jsonld", "data/hashes-flagged.json",
};

static int write_files(struct report *rep, const char *tmp,
		       struct spoor_report_result *res,
		       struct spoor_err *err)
{
	struct sbuf p = SBUF_INIT;
	int rc = 0;

	for (size_t i = 0; !rc && i < ARRAY_SIZE(bundle_files); i++) {
		sbuf_reset(&p);
		sbuf_addf(&p, "%s/%s", tmp, bundle_files[i]);
		switch (i) {
		case 0: rc = write_readme(rep, sbuf_str(&p), err); break;
		case 1: rc = report_write_html(rep, sbuf_str(&p), err); break;
		case 2: rc = write_findings(rep, sbuf_str(&p), res, err);
			break;
		case 3: rc = report_write_uco(rep, sbuf_str(&p), err); break;
		default: rc = write_flagged(rep, sbuf_str(&p), err); break;
		}
	}
	sbuf_release(&p);
	return rc;
}

/* ---- CRLs for long-term validation ---- */

#define CRL_FILE_MAX (8u << 20)

/* A CRL in DER or PEM; anything else (or trailing bytes) is refused. */
static bool crl_parses(const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf;
	X509_CRL *c = NULL;
	bool ok;

	if (len > 10 && !memcmp(buf, "-----BEGIN", 10)) {
		BIO *b = BIO_new_mem_buf(buf, (int)len);

		c = b ? PEM_read_bio_X509_CRL(b, NULL, NULL, NULL) : NULL;
		BIO_free(b);
		ok = c != NULL;
	} else {
		c = d2i_X509_CRL(NULL, &p, (long)len);
		ok = c && p == (const unsigned char *)buf + len;
	}
	X509_CRL_free(c);
	ERR_clear_error();
	return ok;
}

/* Each o->crls[i] as tmp/certs/crl/<i+1>.crl, bytes as given. */
static int copy_crls(struct report *rep, const char *tmp,
		     struct spoor_err *err)
{
	const struct spoor_report_opts *o = rep->o;
	struct sbuf p = SBUF_INIT;
	int rc = 0;

	if (!o->ncrls)
		return 0;
	sbuf_addf(&p, "%s/certs", tmp);
	if (mkdir(sbuf_str(&p), 0755))
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot create '%s'", sbuf_str(&p));
	sbuf_addf(&p, "/crl");
	if (!rc && mkdir(sbuf_str(&p), 0755))
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot create '%s'", sbuf_str(&p));
	for (size_t i = 0; !rc && i < o->ncrls; i++) {
		char *buf;
		size_t len;

		rc = report_read_file(o->crls[i], CRL_FILE_MAX, &buf, &len,
				      err);
		if (rc)
			break;
		if (!crl_parses(buf, len))
			rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s' is not "
					   "a CRL (DER or PEM)", o->crls[i]);
		sbuf_reset(&p);
		sbuf_addf(&p, "%s/certs/crl/%zu.crl", tmp, i + 1);
		if (!rc)
			rc = report_write_file(sbuf_str(&p), buf, len, 0644,
					       err);
		free(buf);
	}
	sbuf_release(&p);
	return rc;
}

static int check_opts(const struct spoor_report_opts *o,
		      struct spoor_err *err)
{
	struct stat sb;

	if (!o->case_dir || !o->bundle || !o->recipient || !o->signer)
		return spoor_err_set(err, SPOOR_EINVAL, 0,
				     "case, bundle, recipient and signer "
				     "are required");
	if (o->lang && strcmp(o->lang, "nl") && strcmp(o->lang, "en"))
		return spoor_err_set(err, SPOOR_EINVAL, 0,
				     "unknown language '%s'", o->lang);
	if (o->npseudonymise && (!o->master_key || !o->map_to ||
				 !o->map_out))
		return spoor_err_set(err, SPOOR_EINVAL, 0,
				     "pseudonymisation needs a master key, "
				     "a map certificate and a map file");
	if (!lstat(o->bundle, &sb) || errno != ENOENT)
		return spoor_err_set(err, SPOOR_EOUTPUT, EEXIST,
				     "'%s' already exists", o->bundle);
	if (o->map_out && !strncmp(o->map_out, o->bundle,
				   strlen(o->bundle)) &&
	    (o->map_out[strlen(o->bundle)] == '/' ||
	     !o->map_out[strlen(o->bundle)]))
		return spoor_err_set(err, SPOOR_EINVAL, 0,
				     "the map must not go into the bundle");
	if (o->map_out && !lstat(o->map_out, &sb))
		return spoor_err_set(err, SPOOR_EOUTPUT, EEXIST,
				     "'%s' already exists", o->map_out);
	return 0;
}

static int build(struct report *rep, const char *tmp,
		 struct spoor_report_result *res, struct spoor_err *err)
{
	struct sbuf p = SBUF_INIT;
	struct spoor_manifest_header h;
	char msha[65];
	int rc;

	rc = preflight_signer(rep, tmp, err);
	if (!rc)
		rc = make_dirs(tmp, err);
	if (!rc)
		rc = custody_check(rep, err);
	if (!rc)
		rc = write_files(rep, tmp, res, err);
	if (!rc)
		rc = copy_crls(rep, tmp, err);
	if (!rc)
		rc = report_seal_write(rep, tmp, err);
	if (!rc)
		rc = check_leaks(rep, tmp, err);
	if (!rc)
		warn_parts(rep, tmp, bundle_files, ARRAY_SIZE(bundle_files));
	if (!rc)
		rc = spoor_report_content_check(tmp, err);
	if (rc)
		return rc;
	/* From here on the custody log records the attempt. */
	if (rep->nsealed) {
		char *ev = report_seal_event(rep);

		rc = custody_append(rep, ev, err);
		free(ev);
		if (rc)
			return rc;
	}
	rc = custody_event(rep, "signed", err);
	if (rc)
		return rc;
	sbuf_addf(&p, "%s/custody/custody.log", tmp);
	rc = copy_custody(rep, sbuf_str(&p), err);
	if (!rc)
		rc = spoor_report_content_check(tmp, err);
	h = (struct spoor_manifest_header){
		.bundle_id = rep->bundle_id,
		.bundle_version = rep->version,
		.supersedes = rep->supersedes,
		.case_id = rep->case_id,
		.police_ref = rep->o->police_ref ? rep->o->police_ref : "-",
		.recipient = rep->o->recipient,
		.created = rep->created,
		.producer = rep->o->producer ? rep->o->producer :
			"spoor-report",
		.custody_head = rep->custody_head,
		.custody_count = rep->custody_count,
		.content_policy = report_content_policy(rep),
	};
	if (!rc)
		rc = spoor_manifest_write(tmp, &h, err);
	if (!rc)
		rc = spoor_manifest_sign(tmp, rep->o->signer, err);
	sbuf_reset(&p);
	sbuf_addf(&p, "%s/MANIFEST", tmp);
	if (!rc)
		rc = sha256_file_hex(sbuf_str(&p), msha, err);
	if (!rc && rep->pseudo)
		rc = report_pseudo_write_map(rep, err);
	if (!rc && spoor_rename(tmp, rep->o->bundle))
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot rename to '%s'", rep->o->bundle);
	if (rc) {
		struct spoor_err e2;
		if (rep->pseudo && rep->o->map_out)
			unlink(rep->o->map_out);
		custody_event(rep, "failed", &e2);
	} else {
		spoor_strlcpy(res->manifest_sha256, msha, 65);
		rc = record_export(rep, msha, err);
	}
	sbuf_release(&p);
	return rc;
}

static void report_release(struct report *rep)
{
	sqlite3_close(rep->db);
	free(rep->case_id);
	free(rep->examiner);
	free(rep->case_created);
	free(rep->case_desc);
	report_pseudo_release(&rep->ps);
	report_seal_release(rep);
	spoor_tz_free(rep->zone);
	free(rep->left_out);
	free(rep->left_out_json);
}

int spoor_report_build(struct spoor_ctx *ctx,
		       const struct spoor_report_opts *o,
		       struct spoor_report_result *res,
		       struct spoor_err *err)
{
	struct report rep = { .ctx = ctx, .o = o };
	struct sbuf tmp = SBUF_INIT;
	int rc;

	memset(res, 0, sizeof(*res));
	rc = check_opts(o, err);
	if (rc)
		return rc;
	rep.lang = o->lang && !strcmp(o->lang, "en");
	rc = make_uuid4(rep.bundle_id, err);
	if (rc)
		return rc;
	rc = spoor_tz_new(o->local_tz ? o->local_tz : "Europe/Amsterdam",
			  &rep.zone, err);
	if (rc)
		return rc;
	now_utc(rep.created);
	rc = open_case(&rep, err);
	if (!rc)
		rc = unfinished_runs(&rep, err);
	if (!rc)
		rc = overlapping_runs(&rep, err);
	if (!rc)
		rc = previous_export(&rep, err);
	if (!rc && o->npseudonymise) {
		rc = report_pseudo_init(&rep, err);
		rep.pseudo = !rc;
	}
	if (!rc)
		rc = report_select(&rep, err);
	if (!rc)
		rc = report_seal_prepare(&rep, err);
	sbuf_addf(&tmp, "%s.tmp-%s", o->bundle, rep.bundle_id);
	if (!rc && tmp.failed)
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	if (!rc && mkdir(sbuf_str(&tmp), 0755))
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot create '%s'", sbuf_str(&tmp));
	else if (!rc) {
		rc = build(&rep, sbuf_str(&tmp), res, err);
		if (rc)
			remove_tree(sbuf_str(&tmp), 0);
	}
	if (!rc) {
		spoor_strlcpy(res->bundle_id, rep.bundle_id, 37);
		res->bundle_version = rep.version;
		if (rep.pseudo) {
			spoor_strlcpy(res->pseudonym, rep.ps.pseudonym, 32);
			spoor_strlcpy(res->commitment, rep.ps.commitment, 65);
		}
	}
	sbuf_release(&tmp);
	report_release(&rep);
	return rc;
}
