/*
 * report_html.c: report/report.html, one static self-contained page: no
 * script, no remote URL, a CSP that allows inline style only.  Every
 * string from the case passes report_html_str (redaction + escaping);
 * every fixed string comes from report_strings.def.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#include "banned.h"

static const char css[] =
	"body{font-family:sans-serif;margin:2em;color:#111;max-width:80em}"
	"h1{font-size:1.6em}h2{font-size:1.3em;border-bottom:1px solid #888;"
	"margin-top:2em}h3{font-size:1.1em}"
	"table{border-collapse:collapse;width:100%;margin:.5em 0}"
	"th,td{border:1px solid #bbb;padding:.2em .4em;text-align:left;"
	"vertical-align:top;font-size:.9em}th{background:#eee}"
	"td.h,code{font-family:monospace;word-break:break-all}"
	".chat{border:1px solid #bbb;padding:.5em;margin:.5em 0}"
	".msg{margin:.3em 0;padding:.3em .6em;border-radius:.4em;"
	"max-width:70%;white-space:pre-wrap}"
	".in{background:#f0f0f0}.out{background:#dcefdc;margin-left:auto}"
	".tagged{outline:2px solid #c00}.meta{font-size:.8em;color:#444}"
	"pre{white-space:pre-wrap;word-break:break-all;font-size:.8em}"
	"@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}"
	"table,.msg{page-break-inside:avoid}a{color:inherit}}";

#define S(k) report_s(rep, RS_##k)

static void th(FILE *f, const struct report *rep, const enum report_str *k,
	       size_t n)
{
	fputs("<tr>", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "<th>%s</th>", report_s(rep, k[i]));
	fputs("</tr>\n", f);
}

/* One <td> with a column of a row, escaped; hex-ish columns in mono. */
static void td(FILE *f, const struct report *rep, sqlite3_stmt *st, int i,
	       bool mono)
{
	fputs(mono ? "<td class=\"h\">" : "<td>", f);
	report_html_str(f, rep, report_col(st, i));
	fputs("</td>", f);
}

/*
 * A heading (<hN id=...>) and a table: a header cell per k, a row per
 * result row of sql with one cell per column; the columns whose bit is
 * set in mono are shown in the fixed-width class.
 */
static int sql_table(FILE *f, struct report *rep, int level, const char *id,
		     const char *title, const enum report_str *k, size_t nk,
		     unsigned mono, const char *sql, struct spoor_err *err)
{
	sqlite3_stmt *st;
	int rc = report_prepare(rep, sql, &st, err);

	if (rc)
		return rc;
	fprintf(f, "<h%d id=\"%s\">%s</h%d>\n<table>\n", level, id, title,
		level);
	th(f, rep, k, nk);
	while (sqlite3_step(st) == SQLITE_ROW) {
		fputs("<tr>", f);
		for (size_t i = 0; i < nk; i++)
			td(f, rep, st, (int)i, (mono >> i) & 1u);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
	sqlite3_finalize(st);
	return 0;
}

static void kv(FILE *f, const struct report *rep, enum report_str k,
	       const char *v, bool mono)
{
	fprintf(f, "<tr><th>%s</th><td%s>", report_s(rep, k),
		mono ? " class=\"h\"" : "");
	report_html_str(f, rep, v);
	fputs("</td></tr>\n", f);
}

static void summary(FILE *f, struct report *rep)
{
	char ver[24];

	snprintf(ver, sizeof(ver), "%llu", (unsigned long long)rep->version);
	fprintf(f, "<h2 id=\"summary\">%s</h2>\n<table>\n", S(SUMMARY));
	kv(f, rep, RS_CASE_ID, rep->case_id, false);
	kv(f, rep, RS_EXAMINER, rep->examiner, false);
	kv(f, rep, RS_CASE_CREATED, rep->case_created, false);
	kv(f, rep, RS_DESCRIPTION, rep->case_desc, false);
	kv(f, rep, RS_RECIPIENT, rep->o->recipient, false);
	kv(f, rep, RS_POLICE_REF, rep->o->police_ref ? rep->o->police_ref :
	   "-", false);
	kv(f, rep, RS_BUNDLE_ID, rep->bundle_id, true);
	kv(f, rep, RS_BUNDLE_VERSION, ver, false);
	kv(f, rep, RS_SUPERSEDES, rep->supersedes, true);
	kv(f, rep, RS_CREATED, rep->created, false);
	kv(f, rep, RS_PRODUCER, rep->o->producer, false);
	if (rep->pseudo) {
		kv(f, rep, RS_REPORTER, rep->ps.pseudonym, true);
		kv(f, rep, RS_COMMITMENT, rep->ps.commitment, true);
	}
	fprintf(f, "</table>\n<p>%s</p>\n", rep->o->tagged_only ?
		S(SELECTION_TAGGED) : S(SELECTION_ALL));
	if (rep->left_out) {
		fprintf(f, "<p class=\"left-out\">%s ", S(LEFT_OUT));
		report_html_str(f, rep, rep->left_out);
		fputs("</p>\n", f);
	}
}

static int exhibits(FILE *f, struct report *rep, struct spoor_err *err)
{
	static const enum report_str k[] = {
		RS_EXHIBIT, RS_KIND, RS_SIZE, RS_DESCRIPTION,
		RS_RECEIVED_FROM, RS_ADDED,
	};
	sqlite3_stmt *st;
	int rc = report_prepare(rep, "SELECT exhibit, kind, size, "
				"description, received_from, added, sha256, "
				"sha1, md5, acquisition_log, acquired_json, "
				"CASE WHEN media_json IS NOT NULL THEN "
				"json_extract(media_json, '$.format') || "
				"': ' || json_extract(media_json, "
				"'$.verified') || char(10) || 'MD5 stored ' "
				"|| coalesce(json_extract(media_json, "
				"'$.stored.md5'), '-') || ', computed ' || "
				"coalesce(json_extract(media_json, "
				"'$.computed.md5'), '-') || char(10) || "
				"'SHA-1 stored ' || coalesce(json_extract("
				"media_json, '$.stored.sha1'), '-') || ', "
				"computed ' || coalesce(json_extract("
				"media_json, '$.computed.sha1'), '-') || "
				"char(10) || 'SHA-256 computed ' || "
				"coalesce(json_extract(media_json, "
				"'$.computed.sha256'), '-') || coalesce("
				"char(10) || json_extract(media_json, "
				"'$.error'), '') END FROM exhibits ORDER BY "
				"exhibit", &st, err);

	if (rc)
		return rc;
	fprintf(f, "<h2 id=\"exhibits\">%s</h2>\n", S(EXHIBITS));
	while (sqlite3_step(st) == SQLITE_ROW) {
		fputs("<table>\n", f);
		th(f, rep, k, ARRAY_SIZE(k));
		fputs("<tr>", f);
		for (int i = 0; i < 6; i++)
			td(f, rep, st, i, false);
		fputs("</tr>\n<tr><th>SHA-256</th><td colspan=\"5\" "
		      "class=\"h\">", f);
		report_html_str(f, rep, report_col(st, 6));
		fputs("</td></tr>\n<tr><th>SHA-1</th><td colspan=\"5\" "
		      "class=\"h\">", f);
		report_html_str(f, rep, report_col(st, 7));
		fputs("</td></tr>\n<tr><th>MD5</th><td colspan=\"5\" "
		      "class=\"h\">", f);
		report_html_str(f, rep, report_col(st, 8));
		fputs("</td></tr>\n", f);
		if (report_col(st, 9) || report_col(st, 10)) {
			fprintf(f, "<tr><th>%s</th><td colspan=\"5\"><pre>",
				S(ACQUISITION));
			report_html_str(f, rep, report_col(st, 10));
			if (report_col(st, 9) && report_col(st, 10))
				fputs("\n\n", f);
			report_html_str(f, rep, report_col(st, 9));
			fputs("</pre></td></tr>\n", f);
		}
		if (report_col(st, 11)) {
			fprintf(f, "<tr><th>%s</th><td colspan=\"5\"><pre>",
				S(MEDIA));
			report_html_str(f, rep, report_col(st, 11));
			fputs("</pre></td></tr>\n", f);
		}
		fputs("</table>\n", f);
	}
	sqlite3_finalize(st);
	return 0;
}

static int method(FILE *f, struct report *rep, struct spoor_err *err)
{
	static const enum report_str k[] = {
		RS_TOOL, RS_VERSION, RS_EXHIBIT, RS_PARAMETERS, RS_EXAMINER,
		RS_STARTED, RS_FINISHED, RS_EXIT_CODE, RS_COUNTS,
	};

	return sql_table(f, rep, 2, "method", S(METHOD), k, ARRAY_SIZE(k),
			 (1u << 3) | (1u << 8),
			 "SELECT tool, version, exhibit, "
			 "parameters, examiner, started, finished, "
			 "exit_code, counts FROM runs WHERE state = "
			 "'committed' ORDER BY id",
			 err);
}

static int tagged(FILE *f, struct report *rep, struct spoor_err *err)
{
	static const enum report_str k[] = {
		RS_RECORD, RS_TYPE, RS_EXHIBIT, RS_LABEL, RS_NOTE,
		RS_EXAMINER, RS_TIME_UTC, RS_DETAILS,
	};

	return sql_table(f, rep, 3, "tagged", S(TAGGED), k, ARRAY_SIZE(k),
			 0,
			 "SELECT r.id, r.rtype, r.exhibit, "
			 "t.label, t.note, t.examiner, t.time, "
			 "coalesce(json_extract(r.json, '$.text'), "
			 "json_extract(r.json, '$.name'), "
			 "json_extract(r.json, '$.path'), "
			 "json_extract(r.json, '$.phone')) FROM tags t "
			 "JOIN records r ON r.id = t.record_id "
			 "ORDER BY t.record_id, t.id",
			 err);
}

static const char chat_sql[] =
	"SELECT r.id, r.exhibit, json_extract(r.json, '$.app'), "
	"json_extract(r.json, '$.chat_id'), json_extract(r.json, "
	"'$.chat_name'), json_extract(r.json, '$.direction'), "
	"json_extract(r.json, '$.sender_name'), json_extract(r.json, "
	"'$.sender_phone'), json_extract(r.json, '$.sender'), "
	"json_extract(r.json, '$.time'), json_extract(r.json, '$.text'), "
	"json_extract(r.json, '$.caption'), json_extract(r.json, '$.kind'), "
	"json_extract(r.json, '$.source_path'), json_extract(r.json, "
	"'$.table'), json_extract(r.json, '$.rowid'), "
	"EXISTS (SELECT 1 FROM tags t WHERE t.record_id = r.id), "
	"json_extract(r.json, '$.line'), "
	"json_extract(r.json, '$.time_quality'), "
	"json_extract(r.json, '$.time_local'), "
	"json_extract(r.json, '$.time_later') "
	"FROM records r JOIN sel s ON s.record_id = r.id "
	/* a conversation in the source's own order: the line of a text
	 * export (a converted local time never reorders it), else time */
	"WHERE r.rtype = 'message' ORDER BY r.exhibit, "
	"json_extract(r.json, '$.source_path'), "
	"json_extract(r.json, '$.chat_id'), "
	"json_extract(r.json, '$.line'), json_extract(r.json, '$.time'), "
	"r.id";

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void chat_head(FILE *f, struct report *rep, sqlite3_stmt *st)
{
	fprintf(f, "<div class=\"chat\">\n<p><b>%s:</b> ", S(CONVERSATION));
	report_html_str(f, rep, report_col(st, 4) ? report_col(st, 4) :
			report_col(st, 3));
	fprintf(f, " &middot; %s: ", S(APP));
	report_html_str(f, rep, report_col(st, 2));
	fprintf(f, " &middot; %s: ", S(EXHIBIT));
	report_html_str(f, rep, report_col(st, 1));
	fprintf(f, "<br><span class=\"meta\">%s: ", S(PARTICIPANTS));
	report_html_str(f, rep, S(DEVICE_OWNER));
	fputs(", ", f);
	report_html_str(f, rep, report_col(st, 3));
	fprintf(f, " &middot; %s: ", S(SOURCE));
	report_html_str(f, rep, report_col(st, 13));
	fputs("</span></p>\n", f);
}

/* The message's time: UTC and local, or what the source could not say
 * (a DST fold or gap, no zone), and a mark where the source's order and
 * the times disagree (prev: the time of the message above, or ""). */
static void chat_time(FILE *f, struct report *rep, sqlite3_stmt *st,
		      const char *prev)
{
	const char *t = report_col(st, 9), *q = report_col(st, 18);
	char local[48];

	if (!t) {
		report_html_str(f, rep, report_col(st, 19));
		fprintf(f, " <b>(%s)</b>", S(TIME_LOCAL_ONLY));
		return;
	}
	report_local_time(rep, t, local, sizeof(local));
	report_html_str(f, rep, t);
	fputs(" UTC &middot; ", f);
	report_html_str(f, rep, local);
	if (q && !strcmp(q, "ambiguous")) {
		fprintf(f, " <b>(%s ", S(TIME_AMBIGUOUS));
		report_html_str(f, rep, report_col(st, 20));
		fputs(" UTC)</b>", f);
	} else if (q && !strcmp(q, "nonexistent")) {
		fprintf(f, " <b>(%s)</b>", S(TIME_NONEXISTENT));
	}
	if (prev && *prev && strcmp(t, prev) < 0)
		fprintf(f, " <b>(%s)</b>", S(TIME_ORDER));
}

static void chat_msg(FILE *f, struct report *rep, sqlite3_stmt *st,
		     const char *prev)
{
	const char *dir = report_col(st, 5);
	bool out = dir && !strcmp(dir, "outgoing");
	const char *who = report_col(st, 6) ? report_col(st, 6) :
		report_col(st, 7) ? report_col(st, 7) : report_col(st, 8);

	fprintf(f, "<div class=\"msg %s%s\"><span class=\"meta\">#%lld "
		"&middot; %s &middot; ", out ? "out" : "in",
		sqlite3_column_int(st, 16) ? " tagged" : "",
		(long long)sqlite3_column_int64(st, 0),
		out ? S(OUTGOING) : S(INCOMING));
	report_html_str(f, rep, out ? S(DEVICE_OWNER) : who);
	fputs(" &middot; ", f);
	chat_time(f, rep, st, prev);
	if (sqlite3_column_int(st, 16))
		fprintf(f, " &middot; <b>%s</b>", S(TAGGED_MARK));
	fputs(" &middot; ", f);
	report_html_str(f, rep, report_col(st, 14));
	if (report_col(st, 15)) {
		fputs(" rowid ", f);
		report_html_str(f, rep, report_col(st, 15));
	}
	if (report_col(st, 17)) {
		fputs(" line ", f);
		report_html_str(f, rep, report_col(st, 17));
	}
	fputs("</span><br>", f);
	if (report_col(st, 10))
		report_html_str(f, rep, report_col(st, 10));
	else if (report_col(st, 11))
		report_html_str(f, rep, report_col(st, 11));
	if (!report_col(st, 10) && report_col(st, 12)) {
		fputs(" [", f);
		report_html_str(f, rep, report_col(st, 12));
		fputs("]", f);
	}
	fputs("</div>\n", f);
}

static int conversations(FILE *f, struct report *rep,
			 struct spoor_err *err)
{
	sqlite3_stmt *st;
	char *exh = NULL, *chat = NULL, *src = NULL;
	char prev[SPOOR_TIME_STR_MAX] = "";
	bool open = false;
	int rc = report_prepare(rep, chat_sql, &st, err);

	if (rc)
		return rc;
	fprintf(f, "<h3 id=\"conversations\">%s</h3>\n", S(CONVERSATIONS));
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (!open || !same(exh, report_col(st, 1)) ||
		    !same(chat, report_col(st, 3)) ||
		    !same(src, report_col(st, 13))) {
			if (open)
				fputs("</div>\n", f);
			free(exh);
			free(chat);
			free(src);
			exh = report_col(st, 1) ? strdup(report_col(st, 1)) :
				NULL;
			chat = report_col(st, 3) ? strdup(report_col(st, 3)) :
				NULL;
			src = report_col(st, 13) ? strdup(report_col(st, 13))
				: NULL;
			chat_head(f, rep, st);
			open = true;
			prev[0] = '\0';
		}
		chat_msg(f, rep, st, prev);
		if (report_col(st, 9))
			spoor_strlcpy(prev, report_col(st, 9), sizeof(prev));
	}
	if (open)
		fputs("</div>\n", f);
	else
		fprintf(f, "<p>%s</p>\n", S(NONE));
	free(exh);
	free(chat);
	free(src);
	sqlite3_finalize(st);
	return 0;
}

static int contacts(FILE *f, struct report *rep, struct spoor_err *err)
{
	static const enum report_str k[] = {
		RS_RECORD, RS_EXHIBIT, RS_APP, RS_NAME, RS_PHONE, RS_ACCOUNT,
		RS_SOURCE,
	};

	return sql_table(f, rep, 3, "contacts", S(CONTACTS), k, ARRAY_SIZE(k),
			 0,
			 "SELECT r.id, r.exhibit, "
			 "json_extract(r.json, '$.app'), "
			 "coalesce(json_extract(r.json, '$.name'), "
			 "json_extract(r.json, '$.push_name')), "
			 "coalesce(json_extract(r.json, '$.phone'), "
			 "json_extract(r.json, '$.phone_raw')), "
			 "json_extract(r.json, '$.jid'), "
			 "json_extract(r.json, '$.source_path') "
			 "FROM records r JOIN sel s ON s.record_id = "
			 "r.id WHERE r.rtype IN ('contact', 'account') "
			 "ORDER BY s.tagged DESC, r.id",
			 err);
}

static int calls(FILE *f, struct report *rep, struct spoor_err *err)
{
	static const enum report_str k[] = {
		RS_RECORD, RS_EXHIBIT, RS_APP, RS_DIRECTION, RS_NAME,
		RS_PHONE, RS_TIME_UTC, RS_TIME_LOCAL, RS_DURATION, RS_VIDEO,
	};
	sqlite3_stmt *st;
	int rc = report_prepare(rep, "SELECT r.id, r.exhibit, "
				"json_extract(r.json, '$.app'), "
				"json_extract(r.json, '$.direction'), "
				"coalesce(json_extract(r.json, '$.name'), "
				"json_extract(r.json, '$.push_name')), "
				"coalesce(json_extract(r.json, '$.phone'), "
				"json_extract(r.json, '$.jid')), "
				"json_extract(r.json, '$.time'), "
				"json_extract(r.json, '$.duration'), "
				"json_extract(r.json, '$.video') "
				"FROM records r JOIN sel s ON s.record_id = "
				"r.id WHERE r.rtype = 'call' "
				"ORDER BY s.tagged DESC, "
				"json_extract(r.json, '$.time'), r.id", &st,
				err);

	if (rc)
		return rc;
	fprintf(f, "<h3 id=\"calls\">%s</h3>\n<table>\n", S(CALLS));
	th(f, rep, k, ARRAY_SIZE(k));
	while (sqlite3_step(st) == SQLITE_ROW) {
		char local[48];
		const char *d = report_col(st, 3);

		report_local_time(rep, report_col(st, 6), local,
				  sizeof(local));
		fputs("<tr>", f);
		for (int i = 0; i < 3; i++)
			td(f, rep, st, i, false);
		fprintf(f, "<td>%s</td>", !d ? "" : !strcmp(d, "outgoing") ?
			S(OUTGOING) : !strcmp(d, "incoming") ? S(INCOMING) :
			"?");
		td(f, rep, st, 4, false);
		td(f, rep, st, 5, false);
		td(f, rep, st, 6, false);
		fputs("<td>", f);
		report_html_str(f, rep, local);
		fputs("</td>", f);
		td(f, rep, st, 7, false);
		fprintf(f, "<td>%s</td></tr>\n", sqlite3_column_int(st, 8) ?
			S(YES) : S(NO));
	}
	fputs("</table>\n", f);
	sqlite3_finalize(st);
	return 0;
}

static int flagged(FILE *f, struct report *rep, struct spoor_err *err)
{
	static const enum report_str k[] = {
		RS_RECORD, RS_EXHIBIT, RS_PATH, RS_INODE, RS_SIZE, RS_MIME,
		RS_HASHSET,
	};
	sqlite3_stmt *st;
	int rc = report_prepare(rep, "SELECT r.id, r.exhibit, "
				"json_extract(r.json, '$.path'), "
				"json_extract(r.json, '$.inode'), "
				"json_extract(r.json, '$.size'), "
				"json_extract(r.json, '$.mime'), "
				"(SELECT group_concat(json_extract(h.value, "
				"'$.set') || ' (' || coalesce(json_extract("
				"h.value, '$.category'), '-') || coalesce("
				"', PDQ distance ' || json_extract(h.value, "
				"'$.distance'), '') || ')', ', ') "
				"FROM json_each(r.json, '$.hashsets') h WHERE "
				"json_extract(h.value, '$.kind') = "
				"'known-bad'), "
				"json_extract(r.json, '$.sha256'), "
				"json_extract(r.json, '$.sha1'), "
				"json_extract(r.json, '$.md5'), e.sha256, "
				"json_extract(r.json, '$.pdq') "
				"FROM records r JOIN sel s ON s.record_id = "
				"r.id LEFT JOIN exhibits e ON e.exhibit = "
				"r.exhibit WHERE r.rtype = 'file' AND EXISTS "
				"(SELECT 1 FROM json_each(r.json, "
				"'$.hashsets') h WHERE json_extract(h.value, "
				"'$.kind') = 'known-bad') ORDER BY r.id", &st,
				err);

	if (rc)
		return rc;
	fprintf(f, "<h3 id=\"flagged\">%s</h3>\n<p>%s%s%s</p>\n<table>\n",
		S(FLAGGED), S(FLAGGED_NOTE), rep->nsealed ? " " : "",
		rep->nsealed ? S(FLAGGED_SEALED) : "");
	th(f, rep, k, ARRAY_SIZE(k));
	while (sqlite3_step(st) == SQLITE_ROW) {
		fputs("<tr>", f);
		for (int i = 0; i < 7; i++)
			td(f, rep, st, i, false);
		fputs("</tr>\n", f);
		fputs("<tr><td></td><td colspan=\"6\" class=\"h\">SHA-256 ", f);
		report_html_str(f, rep, report_col(st, 7));
		fputs("<br>SHA-1 ", f);
		report_html_str(f, rep, report_col(st, 8));
		fputs("<br>MD5 ", f);
		report_html_str(f, rep, report_col(st, 9));
		fprintf(f, "<br>%s ", S(IMAGE_SHA256));
		report_html_str(f, rep, report_col(st, 10));
		if (report_col(st, 11)) {
			fputs("<br>PDQ ", f);
			report_html_str(f, rep, report_col(st, 11));
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	sqlite3_finalize(st);
	return 0;
}

static void sealed(FILE *f, struct report *rep)
{
	static const enum report_str k[] = {
		RS_RECORD, RS_SEAL_FILE, RS_SIZE, RS_MIME,
	};

	if (!rep->nsealed)
		return;
	fprintf(f, "<h3 id=\"sealed\">%s</h3>\n<p>%s</p>\n<table>\n",
		S(SEALED), S(SEALED_NOTE));
	fprintf(f, "<tr><th>%s</th><td colspan=\"3\">", S(SEAL_REQUEST));
	report_html_str(f, rep, rep->o->seal_request);
	fprintf(f, "</td></tr>\n<tr><th>%s</th><td colspan=\"3\">",
		S(SEAL_BASIS));
	report_html_str(f, rep, rep->o->seal_basis);
	fprintf(f, "</td></tr>\n<tr><th>%s</th><td colspan=\"3\" "
		"class=\"h\">%s</td></tr>\n", S(SEAL_CERT), rep->seal_fpr);
	th(f, rep, k, ARRAY_SIZE(k));
	for (size_t i = 0; i < rep->nsealed; i++) {
		const struct report_sealed *it = &rep->sealed[i];

		fprintf(f, "<tr><td>%lld</td><td>%s</td><td>%llu</td><td>",
			(long long)it->record_id, it->name,
			(unsigned long long)it->size);
		report_html_str(f, rep, it->mime);
		fprintf(f, "</td></tr>\n<tr><td></td><td colspan=\"3\" "
			"class=\"h\">SHA-256 %s</td></tr>\n", it->sha256);
	}
	fputs("</table>\n", f);
}

static int file_summary(FILE *f, struct report *rep, struct spoor_err *err)
{
	static const enum report_str k[] = {
		RS_EXHIBIT, RS_CATEGORY, RS_NCOUNT,
	};

	return sql_table(f, rep, 3, "files", S(FILE_SUMMARY), k, ARRAY_SIZE(k),
			 0,
			 "SELECT r.exhibit, coalesce("
			 "json_extract(r.json, '$.category'), '-'), "
			 "count(*) FROM records r JOIN sel s ON "
			 "s.record_id = r.id WHERE r.rtype = 'file' "
			 "GROUP BY 1, 2 ORDER BY 1, 2",
			 err);
}

/* The custody log of the case, one row per event (parsed by SQLite's
 * JSON functions; the log itself is copied verbatim into custody/). */
static int custody(FILE *f, struct report *rep, struct spoor_err *err)
{
	static const enum report_str k[] = {
		RS_SEQ, RS_TIME_UTC, RS_EVENT, RS_EXHIBIT, RS_EXAMINER,
		RS_TOOL, RS_DETAILS,
	};
	struct sbuf p = SBUF_INIT;
	sqlite3_stmt *st;
	char *buf, *line, *next;
	size_t len;
	int rc;

	sbuf_addf(&p, "%s/custody.log", rep->o->case_dir);
	rc = report_read_file(sbuf_str(&p), (size_t)256 << 20, &buf, &len,
			      err);
	sbuf_release(&p);
	if (rc)
		return rc;
	rc = report_prepare(rep, "SELECT json_extract(?1, '$.time'), "
			    "json_extract(?1, '$.event'), "
			    "json_extract(?1, '$.exhibit'), "
			    "coalesce(json_extract(?1, '$.examiner'), "
			    "json_extract(?1, '$.actor')), "
			    "json_extract(?1, '$.tool'), ?1", &st, err);
	if (rc) {
		free(buf);
		return rc;
	}
	fprintf(f, "<h2 id=\"custody\">%s</h2>\n<table>\n", S(CUSTODY));
	th(f, rep, k, ARRAY_SIZE(k));
	for (line = buf; line && *line; line = next) {
		char *t1, *t2;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		t1 = strchr(line, '\t');
		t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (!t2)
			continue;
		*t1 = '\0';
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, t2 + 1, -1, SQLITE_STATIC);
		fputs("<tr><td>", f);
		report_html_str(f, rep, line);
		fputs("</td>", f);
		if (sqlite3_step(st) == SQLITE_ROW)
			for (int i = 0; i < 6; i++)
				td(f, rep, st, i, i == 5);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
	sqlite3_finalize(st);
	free(buf);
	return 0;
}

/* Per source of the selected messages and calls: which times are UTC as
 * stored, which local times were converted (from which zone, how many at
 * a DST change), which stayed local for want of a zone. */
static const char time_basis_sql[] =
	"SELECT r.exhibit, json_extract(r.json, '$.source_path'), "
	"json_extract(r.json, '$.time_zone'), "
	"sum(json_extract(r.json, '$.time_quality') IS NULL AND "
	"coalesce(json_extract(r.json, '$.time_unit'), '') <> 'local_text'), "
	"sum(json_extract(r.json, '$.time_quality') IN ('exact', "
	"'ambiguous', 'nonexistent')), "
	"sum(json_extract(r.json, '$.time_quality') IN ('ambiguous', "
	"'nonexistent')), "
	"sum(json_extract(r.json, '$.time_quality') = 'zone-unknown') "
	"FROM records r JOIN sel s ON s.record_id = r.id "
	"WHERE r.rtype IN ('message', 'call') GROUP BY 1, 2, 3 ORDER BY 1, 2, 3";

static void time_basis(FILE *f, struct report *rep)
{
	sqlite3_stmt *st;
	struct spoor_err err;

	fprintf(f, "<li>%s %s: ", S(LIMIT_2), S(TZ_REPORT));
	report_html_str(f, rep, spoor_tz_spec(rep->zone));
	if (report_prepare(rep, time_basis_sql, &st, &err)) {
		fputs("</li>\n", f);
		return;
	}
	fputs("<ul>\n", f);
	while (sqlite3_step(st) == SQLITE_ROW) {
		fputs("<li>", f);
		report_html_str(f, rep, report_col(st, 0));
		fputs(" &middot; ", f);
		report_html_str(f, rep, report_col(st, 1));
		fputs(": ", f);
		if (sqlite3_column_int64(st, 3))
			fprintf(f, "%s (%lld)", S(TIMES_UTC),
				(long long)sqlite3_column_int64(st, 3));
		if (sqlite3_column_int64(st, 4)) {
			fprintf(f, "%s ", S(TIMES_CONVERTED));
			report_html_str(f, rep, report_col(st, 2));
			fprintf(f, " (%lld)", (long long)
				sqlite3_column_int64(st, 4));
		}
		if (sqlite3_column_int64(st, 5))
			fprintf(f, "; %s: %lld", S(TIMES_FLAGGED),
				(long long)sqlite3_column_int64(st, 5));
		if (sqlite3_column_int64(st, 6))
			fprintf(f, "%s (%lld)", S(TIMES_LOCAL),
				(long long)sqlite3_column_int64(st, 6));
		fputs("</li>\n", f);
	}
	fputs("</ul></li>\n", f);
	sqlite3_finalize(st);
}

static void limitations(FILE *f, struct report *rep)
{
	fprintf(f, "<h2 id=\"limitations\">%s</h2>\n<ul>\n", S(LIMITATIONS));
	fprintf(f, "<li>%s</li>\n", S(LIMIT_1));
	time_basis(f, rep);
	fprintf(f, "<li>%s</li>\n", S(LIMIT_3));
	if (rep->pseudo)
		fprintf(f, "<li>%s</li>\n", S(LIMIT_4));
	fprintf(f, "<li>%s</li>\n</ul>\n", S(LIMIT_5));
}

int report_write_html(struct report *rep, const char *path,
		      struct spoor_err *err)
{
	FILE *f = fopen(path, "wxe");
	int rc;

	if (!f)
		return spoor_err_set(err, SPOOR_EOUTPUT, errno,
				     "cannot create '%s'", path);
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
		"<meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" content=\""
		"default-src 'none'; style-src 'unsafe-inline'\">\n"
		"<meta name=\"referrer\" content=\"no-referrer\">\n"
		"<title>%s ", S(LANG), S(TITLE));
	report_html_str(f, rep, rep->case_id);
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>%s ",
		css, S(TITLE));
	report_html_str(f, rep, rep->case_id);
	fputs("</h1>\n", f);
	summary(f, rep);
	rc = exhibits(f, rep, err);
	if (!rc)
		rc = method(f, rep, err);
	if (!rc) {
		fprintf(f, "<h2 id=\"findings\">%s</h2>\n", S(FINDINGS));
		rc = tagged(f, rep, err);
	}
	if (!rc)
		rc = conversations(f, rep, err);
	if (!rc)
		rc = contacts(f, rep, err);
	if (!rc)
		rc = calls(f, rep, err);
	if (!rc)
		rc = flagged(f, rep, err);
	if (!rc)
		sealed(f, rep);
	if (!rc)
		rc = file_summary(f, rep, err);
	if (!rc)
		rc = custody(f, rep, err);
	limitations(f, rep);
	fputs("</body>\n</html>\n", f);
	if (fclose(f) && !rc)
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot write '%s'", path);
	return rc;
}
