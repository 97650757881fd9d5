/*
 * report_html.c: report/report.html, one static self-contained page: no
 * script, no remote URL, a CSP that allows inline style only.  Every
 * string from the case passes report_html_str (redaction + escaping);
 * every fixed string comes from report_strings.def.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casedb.h"
#include "report.h"

#include "banned.h"

static const char css[] =
	"body{font-family:sans-serif;margin:2em;color:#111;max-width:80em}"
	"h1{font-size:1.6em}h2{font-size:1.3em;border-bottom:1px solid #888;"
	"margin-top:2em}h3{font-size:1.1em}"
	"table{border-collapse:collapse;width:100%;margin:.5em 0}"
	"th,td{border:1px solid #bbb;padding:.2em .4em;text-align:left;"
	"vertical-align:top;font-size:.9em;overflow-wrap:anywhere}"
	"th{background:#eee;overflow-wrap:normal}table.wide{font-size:.85em}"
	"td.h,code{font-family:monospace;overflow-wrap:anywhere;"
	"word-break:break-all}"
	"table.kv th{width:30%}"
	".chat{border:1px solid #bbb;padding:.5em;margin:.5em 0}"
	".msg{margin:.3em 0;padding:.3em .6em;border-radius:.4em;"
	"max-width:70%;white-space:pre-wrap;overflow-wrap:anywhere}"
	".in{background:#f0f0f0}.out{background:#dcefdc;margin-left:auto}"
	".tagged{outline:2px solid #c00}.meta{font-size:.8em;color:#444}"
	"pre{white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-all;"
	"font-size:.8em}"
	"#toc ol{margin:.3em 0}p.none{font-style:italic}"
	"table.tl th:nth-child(1){width:22%}table.tl th:nth-child(2){width:11%}"
	"tr.gap td{font-style:italic}"
	"@media print{body{margin:0;max-width:none;font-size:10pt}"
	"h2{break-after:avoid;page-break-after:avoid}"
	"div.page{break-before:page;page-break-before:always}"
	"tr,.msg{break-inside:avoid;page-break-inside:avoid}"
	".msg{max-width:85%}a{color:inherit;text-decoration:none}}";

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
 * set in mono are shown in the fixed-width class.  No rows: "none" in
 * one line instead of the table.
 */
static int sql_table(FILE *f, struct report *rep, int level, const char *id,
		     const char *title, const enum report_str *k, size_t nk,
		     unsigned mono, const char *sql, struct spoor_err *err)
{
	sqlite3_stmt *st;
	int n = 0, rc = report_prepare(rep, sql, &st, err);

	if (rc)
		return rc;
	fprintf(f, "<h%d id=\"%s\">%s</h%d>\n", level, id, title, level);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (!n++) {
			fputs("<table>\n", f);
			th(f, rep, k, nk);
		}
		fputs("<tr>", f);
		for (size_t i = 0; i < nk; i++)
			td(f, rep, st, (int)i, (mono >> i) & 1u);
		fputs("</tr>\n", f);
	}
	if (n)
		fputs("</table>\n", f);
	else
		fprintf(f, "<p class=\"none\">%s</p>\n",
			report_s(rep, RS_NONE));
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

/* ---- enum values in the report's language ---- */

struct enum_name {
	const char *v;
	enum report_str k;
};

static const struct enum_name exhibit_kinds[] = {
	{ "image", RS_K_IMAGE }, { "directory", RS_K_DIRECTORY },
	{ "file", RS_K_FILE }, { "device", RS_K_DEVICE }, { NULL, 0 },
};
static const struct enum_name rtypes[] = {
	{ "file", RS_T_FILE }, { "message", RS_T_MESSAGE },
	{ "contact", RS_T_CONTACT }, { "call", RS_T_CALL },
	{ "account", RS_T_ACCOUNT }, { NULL, 0 },
};
static const struct enum_name categories[] = {
	{ "other", RS_CAT_OTHER }, { "image", RS_CAT_IMAGE },
	{ "video", RS_CAT_VIDEO }, { "audio", RS_CAT_AUDIO },
	{ "document", RS_CAT_DOCUMENT }, { "archive", RS_CAT_ARCHIVE },
	{ "database", RS_CAT_DATABASE },
	{ "chat-database", RS_CAT_CHAT_DATABASE },
	{ "executable", RS_CAT_EXECUTABLE },
	{ "encrypted", RS_CAT_ENCRYPTED }, { "text", RS_CAT_TEXT },
	{ "empty", RS_CAT_EMPTY }, { NULL, 0 },
};
static const struct enum_name msg_kinds[] = {
	{ "text", RS_M_TEXT }, { "image", RS_M_IMAGE },
	{ "video", RS_M_VIDEO }, { "audio", RS_M_AUDIO },
	{ "voice", RS_M_AUDIO }, { "sticker", RS_M_STICKER },
	{ "document", RS_M_DOCUMENT }, { "location", RS_M_LOCATION },
	{ "contact", RS_M_CONTACT }, { "system", RS_M_SYSTEM },
	{ "revoked", RS_M_REVOKED }, { "gif", RS_M_GIF },
	{ "call", RS_M_CALL }, { "sms", RS_M_SMS }, { "mms", RS_M_MMS },
	{ "deleted", RS_M_DELETED }, { NULL, 0 },
};
static const struct enum_name events[] = {
	{ "created", RS_E_CREATED }, { "received", RS_E_RECEIVED },
	{ "acquired", RS_E_ACQUIRED }, { "analysed", RS_E_ANALYSED },
	{ "discarded", RS_E_DISCARDED }, { "replaced", RS_E_REPLACED },
	{ "tagged", RS_E_TAGGED }, { "untagged", RS_E_UNTAGGED },
	{ "exported", RS_E_EXPORTED }, { "sealed", RS_E_SEALED },
	{ NULL, 0 },
};
static const struct enum_name count_keys[] = {
	{ "files", RS_C_FILES }, { "deleted", RS_C_DELETED },
	{ "unreadable", RS_C_UNREADABLE }, { "known_bad", RS_C_KNOWN_BAD },
	{ "near_match", RS_C_NEAR_MATCH }, { "pdq", RS_C_PDQ },
	{ "pdq_failed", RS_C_PDQ_FAILED }, { "records", RS_C_RECORDS },
	{ "messages", RS_C_MESSAGES }, { "hits", RS_C_HITS },
	{ NULL, 0 },
};
static const struct enum_name directions[] = {
	{ "incoming", RS_INCOMING }, { "outgoing", RS_OUTGOING },
	{ "draft", RS_DIR_DRAFT }, { "outbox", RS_DIR_OUTBOX },
	{ "failed", RS_DIR_FAILED }, { "queued", RS_DIR_QUEUED },
	{ "missed", RS_DIR_MISSED }, { "voicemail", RS_DIR_VOICEMAIL },
	{ "rejected", RS_DIR_REJECTED }, { "blocked", RS_DIR_BLOCKED },
	{ "unknown", RS_DIR_UNKNOWN }, { NULL, 0 },
};
static const struct enum_name time_qualities[] = {
	{ "exact", RS_TQ_EXACT }, { "ambiguous", RS_TQ_AMBIGUOUS },
	{ "nonexistent", RS_TQ_NONEXISTENT },
	{ "zone-unknown", RS_TQ_ZONE_UNKNOWN }, { NULL, 0 },
};
/* custody event members shown in words (the rest by their key) */
static const struct enum_name detail_keys[] = {
	{ "item_sha256", RS_D_ITEM_SHA256 },
	{ "time_source", RS_D_TIME_SOURCE }, { "run_id", RS_D_RUN_ID },
	{ "parameters_sha256", RS_D_PARAMS_SHA256 }, { "note", RS_D_NOTE },
	{ "reason", RS_D_REASON }, { "records", RS_D_RECORDS },
	{ "bundle_id", RS_D_BUNDLE_ID }, { "record_ids", RS_D_RECORD_IDS },
	{ "role", RS_D_ROLE }, { "label", RS_LABEL },
	{ "version", RS_D_VERSION }, { "exit_code", RS_EXIT_CODE },
	{ "tool", RS_D_TOOL }, { "name", RS_D_NAME },
	{ "bundle_version", RS_D_BUNDLE_VERSION }, { "status", RS_D_STATUS },
	{ "tagged_only", RS_D_TAGGED_ONLY },
	{ "pseudonymised", RS_D_PSEUDONYMISED }, { "lang", RS_D_LANG },
	{ "content_policy", RS_D_CONTENT_POLICY },
	{ "purpose", RS_D_PURPOSE }, { "run_tool", RS_D_RUN_TOOL },
	{ "records_dropped", RS_D_RECORDS_DROPPED },
	{ "exhibits", RS_D_EXHIBITS }, { "files", RS_D_FILES },
	{ "skipped", RS_D_SKIPPED }, { "size", RS_D_SIZE },
	{ "path", RS_D_PATH }, { "kind", RS_D_KIND },
	{ "description", RS_D_DESCRIPTION }, { "from", RS_D_FROM },
	{ "media", RS_D_MEDIA }, { "request", RS_D_REQUEST },
	{ "legal_basis", RS_D_LEGAL_BASIS },
	{ "encryption", RS_D_ENCRYPTION },
	{ "recipient_cert_sha256", RS_D_CERT_SHA256 },
	{ "file", RS_D_FILE }, { "record_id", RS_D_RECORD_ID },
	{ "examiner", RS_D_EXAMINER }, { "actor", RS_D_ACTOR },
	{ "counts", RS_D_COUNTS }, { "case_id", RS_D_CASE_ID },
	{ "acquisition_log", RS_D_ACQ_LOG }, { "sha256", RS_D_ITEM_SHA256 },
	{ NULL, 0 },
};
static const struct enum_name detail_values[] = {
	{ "system clock", RS_D_SYSTEM_CLOCK },
	{ "examiner", RS_ROLE_EXAMINER }, { "signed", RS_D_SIGNED },
	{ "hash-only", RS_D_HASH_ONLY },
	{ "sealed-to-recipient", RS_D_SEALED_TO },
	{ "case created", RS_D_CASE_CREATED },
	{ "image acquired into the case", RS_D_IMAGE_ACQUIRED },
	{ "exhibit registered", RS_D_EXHIBIT_REGISTERED },
	{ "records of the run are not part of the case", RS_D_NOT_PART },
	{ "findings tagged for the report", RS_D_TAGGED_FOR },
	{ NULL, 0 },
};

/* The word for v in the report's language; v itself when the table does
 * not know it (a value of a newer tool), NULL for NULL. */
static const char *enum_s(const struct report *rep,
			  const struct enum_name *t, const char *v)
{
	if (!v)
		return NULL;
	for (; t->v; t++)
		if (!strcmp(t->v, v))
			return report_s(rep, t->k);
	return v;
}

/* A direction in which the device owner wrote the item: sent, or a
 * draft, outbox, failed or queued message of the owner. */
static bool from_owner(const char *dir)
{
	static const char *const own[] = {
		"outgoing", "draft", "outbox", "failed", "queued",
	};

	for (size_t i = 0; dir && i < ARRAY_SIZE(own); i++)
		if (!strcmp(dir, own[i]))
			return true;
	return false;
}

/* An exit code with its meaning (the EXIT STATUS of the man pages). */
static void exit_code(FILE *f, const struct report *rep, sqlite3_stmt *st,
		      int i)
{
	static const struct {
		int code;
		enum report_str k;
	} m[] = {
		{ 0, RS_EXIT_0 }, { 1, RS_EXIT_1 }, { 2, RS_EXIT_2 },
		{ 3, RS_EXIT_3 }, { 4, RS_EXIT_4 }, { 5, RS_EXIT_5 },
		{ 130, RS_EXIT_130 },
	};
	int c = sqlite3_column_int(st, i);

	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return;
	fprintf(f, "%d", c);
	for (size_t j = 0; j < ARRAY_SIZE(m); j++)
		if (m[j].code == c)
			fprintf(f, ": %s", report_s(rep, m[j].k));
}

/* s as the body of a CSS string: every ASCII byte not [A-Za-z0-9 .-] as
 * a hex escape, so nothing from the case can end the string or the
 * style; UTF-8 sequences as they are. */
static void css_str(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == ' ' || c == '.' ||
		    c == '-' || c >= 0x80)
			fputc(c, f);
		else
			fprintf(f, "\\%x ", c);
	}
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* A UTC time "...Z" with its local time beside it; another (a local time
 * of a source without a zone) as it is, said so. */
static void show_time(FILE *f, struct report *rep, const char *t)
{
	char local[48];

	if (!t || !*t) {
		fputs("-", f);
		return;
	}
	report_html_str(f, rep, t);
	report_local_time(rep, t, local, sizeof(local));
	if (*local) {
		fputs(" UTC &middot; ", f);
		report_html_str(f, rep, local);
	} else {
		fprintf(f, " (%s)", S(TIME_LOCAL_ONLY));
	}
}

/* A person: the name, then the identifiers that are not the name. */
static void person(FILE *f, struct report *rep, const char *name,
		   const char *phone, const char *ident)
{
	const char *ids[2] = { phone, ident };
	bool open = false;

	if (name)
		report_html_str(f, rep, name);
	for (int i = 0; i < 2; i++) {
		if (!ids[i] || !*ids[i] || same(ids[i], name) ||
		    (i == 1 && same(ids[1], phone)))
			continue;
		fputs(open ? "; " : name ? " (" : "", f);
		report_html_str(f, rep, ids[i]);
		open = name != NULL;
		if (!name)
			name = ids[i];
	}
	if (open)
		fputs(")", f);
	if (!name && !phone && !ident)
		fputs("?", f);
}

/* An identifier fit to name a participant: an address, a number or an
 * account, never the name of an exported file. */
static bool is_ident(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (!n)
		return false;
	if (n > 4 && !strcmp(s + n - 4, ".txt"))
		return false;
	return strchr(s, '@') || *s == '+' || (*s >= '0' && *s <= '9');
}

/*
 * The conversations of the selection, numbered in the order the report
 * shows them (those with a tagged message first), and their
 * participants other than the device owner: senders of incoming
 * messages, addressees of outgoing ones.
 */
static const char *const conv_sql[] = {
	"DROP TABLE IF EXISTS temp.conv",
	"DROP TABLE IF EXISTS temp.party",
	"CREATE TEMP TABLE conv AS SELECT row_number() OVER (ORDER BY "
	"sum(x.tagged) > 0 DESC, x.exhibit, x.src, x.chat) AS id, "
	"x.exhibit AS exhibit, x.src AS src, x.chat AS chat, "
	"max(x.app) AS app, max(x.name) AS name, count(*) AS n, "
	"min(x.t) AS first, max(x.t) AS last, sum(x.tagged) AS ntag "
	"FROM (SELECT r.exhibit AS exhibit, "
	"coalesce(json_extract(r.json, '$.source_path'), '') AS src, "
	"coalesce(json_extract(r.json, '$.chat_id'), '') AS chat, "
	"json_extract(r.json, '$.app') AS app, "
	"json_extract(r.json, '$.chat_name') AS name, "
	"coalesce(json_extract(r.json, '$.time'), "
	"json_extract(r.json, '$.time_local')) AS t, "
	"EXISTS (SELECT 1 FROM tags g WHERE g.record_id = r.id) AS tagged "
	"FROM records r JOIN sel s ON s.record_id = r.id "
	"WHERE r.rtype = 'message') x GROUP BY 2, 3, 4",
	"CREATE TEMP TABLE party AS SELECT c.id AS conv, max(p.name) AS name, "
	"max(p.phone) AS phone, p.k AS ident, count(*) AS n FROM "
	"(SELECT r.exhibit AS exhibit, "
	"coalesce(json_extract(r.json, '$.source_path'), '') AS src, "
	"coalesce(json_extract(r.json, '$.chat_id'), '') AS chat, "
	"CASE WHEN json_extract(r.json, '$.direction') = 'outgoing' THEN NULL "
	"ELSE json_extract(r.json, '$.sender_name') END AS name, "
	"CASE WHEN json_extract(r.json, '$.direction') = 'outgoing' THEN NULL "
	"ELSE json_extract(r.json, '$.sender_phone') END AS phone, "
	"CASE WHEN json_extract(r.json, '$.direction') = 'outgoing' THEN "
	"json_extract(r.json, '$.recipient') ELSE coalesce("
	"json_extract(r.json, '$.sender'), "
	"json_extract(r.json, '$.sender_phone'), "
	"json_extract(r.json, '$.sender_name')) END AS k "
	"FROM records r JOIN sel s ON s.record_id = r.id "
	"WHERE r.rtype = 'message') p JOIN conv c ON c.exhibit = p.exhibit "
	"AND c.src = p.src AND c.chat = p.chat WHERE p.k IS NOT NULL "
	"GROUP BY c.id, p.k",
};

static int conv_tables(struct report *rep, struct spoor_err *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(conv_sql); i++)
		if (sqlite3_exec(rep->db, conv_sql[i], NULL, NULL, NULL) !=
		    SQLITE_OK)
			return spoor_err_set(err, SPOOR_EFORMAT, 0,
					     "case database: %s",
					     sqlite3_errmsg(rep->db));
	return 0;
}

/* The participants of conversation id other than the device owner; with
 * none known, the conversation's own name and identifier. */
static void parties(FILE *f, struct report *rep, int64_t id,
		    const char *cname, const char *chat)
{
	sqlite3_stmt *st;
	struct spoor_err e;
	int n = 0;

	if (report_prepare(rep, "SELECT name, phone, ident FROM party "
			   "WHERE conv = ?1 ORDER BY n DESC, ident", &st, &e))
		return;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n++)
			fputs(", ", f);
		person(f, rep, report_col(st, 0), report_col(st, 1),
		       report_col(st, 2));
	}
	sqlite3_finalize(st);
	if (!n)
		person(f, rep, cname, NULL, is_ident(chat) ? chat : NULL);
}

/* ---- summary and contents ---- */

static void case_table(FILE *f, struct report *rep)
{
	char ver[24];

	snprintf(ver, sizeof(ver), "%llu", (unsigned long long)rep->version);
	fputs("<table class=\"kv\">\n", f);
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
	fputs("</table>\n", f);
}

static void summary_exhibits(FILE *f, struct report *rep)
{
	sqlite3_stmt *st;
	struct spoor_err e;
	int n = 0;

	if (report_prepare(rep, "SELECT exhibit, kind, description FROM "
			   "exhibits ORDER BY exhibit", &st, &e))
		return;
	fprintf(f, "<li>%s: ", S(EXAMINED));
	while (sqlite3_step(st) == SQLITE_ROW) {
		fputs(n++ ? "; " : "", f);
		report_html_str(f, rep, report_col(st, 0));
		fputs(" (", f);
		report_html_str(f, rep, enum_s(rep, exhibit_kinds,
					       report_col(st, 1)));
		if (report_col(st, 2) && *report_col(st, 2)) {
			fputs(", ", f);
			report_html_str(f, rep, report_col(st, 2));
		}
		fputs(")", f);
	}
	fprintf(f, "%s.</li>\n", n ? "" : S(NONE));
	sqlite3_finalize(st);
}

static void summary_convs(FILE *f, struct report *rep)
{
	sqlite3_stmt *st;
	struct spoor_err e;
	int64_t on = 0, omsg = 0;

	if (report_prepare(rep, "SELECT id, app, name, chat, n, first, last, "
			   "ntag FROM conv ORDER BY id", &st, &e))
		return;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (!sqlite3_column_int64(st, 7)) {
			on++;
			omsg += sqlite3_column_int64(st, 4);
			continue;
		}
		fprintf(f, "<li>%s ", S(CONTACT_BETWEEN));
		parties(f, rep, sqlite3_column_int64(st, 0),
			report_col(st, 2), report_col(st, 3));
		fprintf(f, " %s ", S(VIA));
		report_html_str(f, rep, report_col(st, 1));
		fprintf(f, ", %s ", S(FROM));
		show_time(f, rep, report_col(st, 5));
		fprintf(f, " %s ", S(TO));
		show_time(f, rep, report_col(st, 6));
		fprintf(f, ": %lld %s, %s %lld (<a href=\"#conv-%lld\">%s "
			"%lld</a>).</li>\n",
			(long long)sqlite3_column_int64(st, 4), S(MESSAGES_N),
			S(OF_WHICH_TAGGED),
			(long long)sqlite3_column_int64(st, 7),
			(long long)sqlite3_column_int64(st, 0),
			S(CONVERSATION),
			(long long)sqlite3_column_int64(st, 0));
	}
	sqlite3_finalize(st);
	fprintf(f, "<li>%s: %lld (%lld %s).</li>\n", S(OTHER_CONVS),
		(long long)on, (long long)omsg, S(MESSAGES_N));
}

/* One line of the summary: "label: n", and the first and last time when
 * sql gives them (columns: count, first, last). */
static void summary_count(FILE *f, struct report *rep, enum report_str k,
			  const char *sql)
{
	sqlite3_stmt *st;
	struct spoor_err e;

	if (report_prepare(rep, sql, &st, &e))
		return;
	if (sqlite3_step(st) == SQLITE_ROW) {
		fprintf(f, "<li>%s: %lld", report_s(rep, k),
			(long long)sqlite3_column_int64(st, 0));
		if (sqlite3_column_count(st) > 2 && report_col(st, 1)) {
			fprintf(f, ", %s ", S(FROM));
			show_time(f, rep, report_col(st, 1));
			fprintf(f, " %s ", S(TO));
			show_time(f, rep, report_col(st, 2));
		}
		fputs(".</li>\n", f);
	}
	sqlite3_finalize(st);
}

/* The tagged items by type, and known-bad hits by hash set. */
static void summary_groups(FILE *f, struct report *rep, enum report_str k,
			   const struct enum_name *names, const char *sql)
{
	sqlite3_stmt *st;
	struct spoor_err e;
	int64_t total = 0;
	struct sbuf b = SBUF_INIT;

	if (report_prepare(rep, sql, &st, &e))
		return;
	fprintf(f, "<li>%s: ", report_s(rep, k));
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *v = report_col(st, 0);

		total += sqlite3_column_int64(st, 1);
		if (b.len)
			sbuf_adds(&b, ", ");
		sbuf_adds(&b, names ? enum_s(rep, names, v) : v ? v : "-");
		sbuf_addf(&b, ": %lld", (long long)sqlite3_column_int64(st, 1));
	}
	sqlite3_finalize(st);
	fprintf(f, "%lld", (long long)total);
	if (total) {
		fputs(" (", f);
		report_html_str(f, rep, sbuf_str(&b));
		fputs(")", f);
	}
	fputs(".</li>\n", f);
	sbuf_release(&b);
}

static void summary(FILE *f, struct report *rep)
{
	fprintf(f, "<div id=\"summary\">\n<h2>%s</h2>\n", S(SUMMARY));
	case_table(f, rep);
	fprintf(f, "<h3 id=\"main\">%s</h3>\n<ul>\n", S(MAIN_FINDINGS));
	summary_exhibits(f, rep);
	summary_convs(f, rep);
	summary_count(f, rep, RS_CALLS_N, "SELECT count(*), "
		      "min(json_extract(r.json, '$.time')), "
		      "max(json_extract(r.json, '$.time')) FROM records r "
		      "JOIN sel s ON s.record_id = r.id WHERE "
		      "r.rtype = 'call'");
	summary_count(f, rep, RS_CONTACTS_N, "SELECT count(*) FROM records r "
		      "JOIN sel s ON s.record_id = r.id WHERE r.rtype IN "
		      "('contact', 'account')");
	summary_groups(f, rep, RS_TAGGED_N, rtypes, "SELECT r.rtype, "
		       "count(DISTINCT r.id) FROM tags t JOIN records r ON "
		       "r.id = t.record_id GROUP BY 1 ORDER BY 1");
	summary_groups(f, rep, RS_FLAGGED_N, NULL, "SELECT json_extract("
		       "h.value, '$.set'), count(DISTINCT r.id) FROM records r "
		       "JOIN sel s ON s.record_id = r.id, json_each(r.json, "
		       "'$.hashsets') h WHERE r.rtype = 'file' AND "
		       "json_extract(h.value, '$.kind') = 'known-bad' "
		       "GROUP BY 1 ORDER BY 1");
	fputs("</ul>\n", f);
	fprintf(f, "<p>%s</p>\n", rep->o->tagged_only ?
		S(SELECTION_TAGGED) : S(SELECTION_ALL));
	if (rep->left_out) {
		fprintf(f, "<p class=\"left-out\">%s ", S(LEFT_OUT));
		report_html_str(f, rep, rep->left_out);
		fputs("</p>\n", f);
	}
	fputs("</div>\n", f);
}

static void toc_item(FILE *f, const char *id, const char *title)
{
	fprintf(f, "<li><a href=\"#%s\">%s</a></li>\n", id, title);
}

/* The contents: in-page anchors only. */
static void toc(FILE *f, struct report *rep)
{
	sqlite3_stmt *st;
	struct spoor_err e;

	fprintf(f, "<div id=\"toc\">\n<h2>%s</h2>\n<ol>\n", S(TOC));
	toc_item(f, "summary", S(SUMMARY));
	toc_item(f, "tagged", S(TAGGED));
	fprintf(f, "<li><a href=\"#conv-tagged\">%s</a>\n<ol>\n",
		S(TAGGED_CONVS));
	if (!report_prepare(rep, "SELECT id, name, chat, app FROM conv "
			    "WHERE ntag > 0 ORDER BY id", &st, &e)) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			fprintf(f, "<li><a href=\"#conv-%lld\">",
				(long long)sqlite3_column_int64(st, 0));
			parties(f, rep, sqlite3_column_int64(st, 0),
				report_col(st, 1), report_col(st, 2));
			fputs(" &middot; ", f);
			report_html_str(f, rep, report_col(st, 3));
			fputs("</a></li>\n", f);
		}
		sqlite3_finalize(st);
	}
	fputs("</ol></li>\n", f);
	toc_item(f, "timeline", S(TIMELINE));
	fprintf(f, "<li><a href=\"#other\">%s</a>\n<ol>\n", S(OTHER_FINDINGS));
	toc_item(f, "conversations", S(OTHER_CONVS_H));
	toc_item(f, "calls", S(CALLS));
	toc_item(f, "contacts", S(CONTACTS));
	toc_item(f, "flagged", S(FLAGGED));
	if (rep->nsealed)
		toc_item(f, "sealed", S(SEALED));
	toc_item(f, "files", S(FILE_SUMMARY));
	fputs("</ol></li>\n", f);
	toc_item(f, "limitations", S(LIMITATIONS));
	toc_item(f, "method", S(METHOD));
	toc_item(f, "custody", S(CUSTODY));
	toc_item(f, "exhibits", S(EXHIBITS_ANNEX));
	fputs("</ol>\n</div>\n", f);
}

/* ---- tagged findings ---- */

/* Columns 0-17 of an item: id, rtype, exhibit, time, time_local,
 * time_quality, direction, sender_name, sender_phone, sender,
 * recipient, chat_name, chat_id, name, phone, jid, source, app. */
#define ITEM_COLS \
	"r.id, r.rtype, r.exhibit, json_extract(r.json, '$.time'), " \
	"json_extract(r.json, '$.time_local'), " \
	"json_extract(r.json, '$.time_quality'), " \
	"json_extract(r.json, '$.direction'), " \
	"json_extract(r.json, '$.sender_name'), " \
	"json_extract(r.json, '$.sender_phone'), " \
	"json_extract(r.json, '$.sender'), " \
	"json_extract(r.json, '$.recipient'), " \
	"json_extract(r.json, '$.chat_name'), " \
	"json_extract(r.json, '$.chat_id'), " \
	"coalesce(json_extract(r.json, '$.name'), " \
	"json_extract(r.json, '$.push_name')), " \
	"json_extract(r.json, '$.phone'), json_extract(r.json, '$.jid'), " \
	"coalesce(json_extract(r.json, '$.source_path'), " \
	"json_extract(r.json, '$.path')), " \
	"json_extract(r.json, '$.app') "
/* What an item says or is (column 22 of both queries). */
#define ITEM_CONTENT \
	"coalesce(json_extract(r.json, '$.text'), " \
	"json_extract(r.json, '$.caption'), " \
	"json_extract(r.json, '$.name'), json_extract(r.json, '$.path'), " \
	"json_extract(r.json, '$.phone')) "

static const char tagged_sql[] =
	"SELECT " ITEM_COLS ", t.label, t.note, t.examiner, t.time, "
	ITEM_CONTENT ", json_extract(r.json, '$.time_unit') "
	"FROM tags t JOIN records r ON r.id = t.record_id "
	"ORDER BY coalesce(json_extract(r.json, '$.time'), "
	"json_extract(r.json, '$.time_local')) IS NULL, "
	"coalesce(json_extract(r.json, '$.time'), "
	"json_extract(r.json, '$.time_local')), r.id, t.id";

/* The item's own time: UTC and local, and how sure it is. */
static void item_time(FILE *f, struct report *rep, sqlite3_stmt *st)
{
	const char *t = report_col(st, 3), *q = report_col(st, 5);

	if (!t && !report_col(st, 4)) {
		fputs("-", f);
		return;
	}
	show_time(f, rep, t ? t : report_col(st, 4));
	fputs("<br><span class=\"meta\">", f);
	if (q)
		report_html_str(f, rep, enum_s(rep, time_qualities, q));
	else
		fputs(S(TQ_UTC), f);
	fputs("</span>", f);
}

/* Sender and recipient cells of a message or call (one cell "A &rarr;
 * B" when one); empty otherwise. */
static void parties_cells(FILE *f, struct report *rep, sqlite3_stmt *st,
			  bool one)
{
	const char *type = report_col(st, 1), *dir = report_col(st, 6);
	bool out = from_owner(dir);
	bool msg = type && !strcmp(type, "message");
	bool call = type && !strcmp(type, "call");

	if (!msg && !call) {
		fputs(one ? "<td></td>" : "<td></td><td></td>", f);
		return;
	}
	for (int side = 0; side < 2; side++) {
		bool owner = out ? side == 0 : side == 1;

		fputs(!one ? "<td>" : side ? " &rarr; " : "<td>", f);
		if (owner)
			fputs(S(DEVICE_OWNER), f);
		else if (call)
			person(f, rep, report_col(st, 13), report_col(st, 14),
			       report_col(st, 15));
		else if (!out)
			person(f, rep, report_col(st, 7), report_col(st, 8),
			       report_col(st, 9));
		else if (report_col(st, 10))
			person(f, rep, NULL, NULL, report_col(st, 10));
		else
			person(f, rep, report_col(st, 11), NULL,
			       is_ident(report_col(st, 12)) ?
			       report_col(st, 12) : NULL);
		if (!one || side)
			fputs("</td>", f);
	}
}

static void sender_recipient(FILE *f, struct report *rep, sqlite3_stmt *st)
{
	parties_cells(f, rep, st, false);
}

/* The exhibit and source cell of an item (ITEM_COLS): "E02<br>app:
 * path". */
static void exhibit_source(FILE *f, struct report *rep, sqlite3_stmt *st)
{
	fputs("<td>", f);
	report_html_str(f, rep, report_col(st, 2));
	fputs("<br>", f);
	if (report_col(st, 17)) {
		report_html_str(f, rep, report_col(st, 17));
		fputs(": ", f);
	}
	report_html_str(f, rep, report_col(st, 16));
	fputs("</td>", f);
}

static int tagged(FILE *f, struct report *rep, struct spoor_err *err)
{
	static const enum report_str k[] = {
		RS_RECORD, RS_TYPE, RS_ITEM_TIME, RS_SENDER, RS_RECIPIENT,
		RS_EXHIBIT_SOURCE, RS_LABEL_NOTE, RS_CONTENT, RS_TAGGED_AT,
	};
	sqlite3_stmt *st;
	int n = 0, rc = report_prepare(rep, tagged_sql, &st, err);

	if (rc)
		return rc;
	fprintf(f, "<div id=\"tagged\" class=\"page\">\n<h2>%s</h2>\n",
		S(TAGGED));
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (!n++) {
			fputs("<table class=\"wide\">\n", f);
			th(f, rep, k, ARRAY_SIZE(k));
		}
		fputs("<tr>", f);
		td(f, rep, st, 0, false);
		fputs("<td>", f);
		report_html_str(f, rep, enum_s(rep, rtypes,
					       report_col(st, 1)));
		fputs("</td><td>", f);
		item_time(f, rep, st);
		fputs("</td>", f);
		sender_recipient(f, rep, st);
		exhibit_source(f, rep, st);
		fputs("<td><b>", f);
		report_html_str(f, rep, report_col(st, 18));
		fputs("</b>", f);
		if (report_col(st, 19)) {
			fputs("<br>", f);
			report_html_str(f, rep, report_col(st, 19));
		}
		fputs("</td>", f);
		td(f, rep, st, 22, false);
		fputs("<td>", f);
		report_html_str(f, rep, report_col(st, 21));
		fprintf(f, " UTC, %s ", S(BY));
		report_html_str(f, rep, report_col(st, 20));
		fputs("</td></tr>\n", f);
	}
	if (n)
		fputs("</table>\n", f);
	else
		fprintf(f, "<p class=\"none\">%s</p>\n", S(NONE));
	fputs("</div>\n", f);
	sqlite3_finalize(st);
	return 0;
}

static void none(FILE *f, struct report *rep)
{
	fprintf(f, "<p class=\"none\">%s</p>\n", S(NONE));
}

/* ---- the timeline around the tagged items ---- */

#define TL_WINDOW_DEFAULT 30	/* minutes */
#define TL_CONTEXT_MAX 100	/* other entries shown before and after a
				 * tagged one, nearest first */
#define TL_TIME_MAX 64		/* an entry's time as shown (a longer
				 * fraction is cut) */

/* A window, in UTC seconds since 1970. */
struct tl_span {
	int64_t lo, hi;
};

/* What pass 2 keeps of an entry. */
struct tl_ent {
	int64_t rid;
	char t[TL_TIME_MAX];
	char macb[8];			/* "" but for a file */
	char q[24];			/* time_quality, "" when none */
};

struct tl {
	struct report *rep;
	FILE *f;
	int64_t w;			/* seconds each side of a tagged item */
	struct tl_span *span;		/* merged, in order */
	size_t n, cap;
	int64_t *rid;			/* tagged records placed (pass 1) */
	size_t nrid, ridcap;
	sqlite3_stmt *item;		/* a record's columns (pass 2) */
	size_t cur;			/* the window being written, + 1 */
	/* untagged entries since the last tagged one: shown after it up
	 * to TL_CONTEXT_MAX, then kept in a ring of the last
	 * TL_CONTEXT_MAX (shown before the next tagged one) */
	struct tl_ent *ring;
	size_t ring_head, ring_n, after;
	bool cur_tagged;		/* a tagged entry of the window shown */
	struct tl_ent pend;		/* the entry before, times to merge */
	int64_t pend_s;
	bool has_pend;
	uint64_t skipped;		/* not shown, since the last shown */
	int rc;
};


/* Columns: ITEM_COLS, labels (18), allocated (19), a message's kind
 * (20), a call's duration (21), content (22). */
static const char tl_item_sql[] =
	"SELECT " ITEM_COLS ", (SELECT group_concat(label, ', ') FROM "
	"(SELECT DISTINCT label FROM tags WHERE record_id = r.id "
	"ORDER BY 1)), json_extract(r.json, '$.allocated'), "
	"json_extract(r.json, '$.kind'), json_extract(r.json, "
	"'$.duration'), " ITEM_CONTENT "FROM records r WHERE r.id = ?";

/* A timeline entry's field as a string (not terminated), or NULL. */
static const char *tl_str(const struct spoor_record *r, const char *key,
			  int *len)
{
	const struct spoor_field *fl = spoor_record_get(r, key);

	if (!fl || fl->kind != SPOOR_F_STR || fl->v.str.len > 4096)
		return NULL;
	*len = (int)fl->v.str.len;
	return fl->v.str.ptr;
}

/* The entry's UTC time: its text into t, its second into *s. */
static bool tl_time(const struct spoor_record *r, char t[TL_TIME_MAX],
		    int64_t *s)
{
	struct spoor_wallclock w;
	int len = 0;
	const char *p = tl_str(r, "time", &len);

	if (!p)
		return false;
	snprintf(t, TL_TIME_MAX, "%.*s", len, p);
	if (sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d", &w.year, &w.mon, &w.day,
		   &w.hour, &w.min, &w.sec) != 6)
		return false;
	*s = spoor_wallclock_seconds(&w);
	return true;
}

static int64_t tl_rid(const struct spoor_record *r)
{
	const struct spoor_field *fl = spoor_record_get(r, "record_id");

	return fl && fl->kind == SPOOR_F_INT ? fl->v.i : 0;
}

/* Pass 1: a tagged entry opens a window or widens the last one (the
 * entries come in order of time). */
static int tl_center(void *ud, const struct spoor_record *r)
{
	char t[TL_TIME_MAX];
	struct tl *tl = ud;
	int64_t s;

	if (!tl_time(r, t, &s))
		return 0;
	if (tl->n && s - tl->w <= tl->span[tl->n - 1].hi) {
		tl->span[tl->n - 1].hi = s + tl->w;
	} else {
		if (spoor_grow(&tl->span, &tl->cap, tl->n,
			       sizeof(*tl->span)))
			return tl->rc = SPOOR_ENOMEM;
		tl->span[tl->n].lo = s - tl->w;
		tl->span[tl->n++].hi = s + tl->w;
	}
	if (spoor_grow(&tl->rid, &tl->ridcap, tl->nrid, sizeof(*tl->rid)))
		return tl->rc = SPOOR_ENOMEM;
	tl->rid[tl->nrid++] = tl_rid(r);
	return 0;
}

/* A second as "YYYY-MM-DDTHH:MM:SSZ" ("" past year 9999). */
static void tl_iso(int64_t s, char out[SPOOR_TIME_STR_MAX])
{
	struct spoor_wallclock w;
	size_t n;

	spoor_wallclock_from_seconds(s, &w);
	if (!spoor_wallclock_iso(&w, out))
		return;
	n = strlen(out);
	if (n + 1 < SPOOR_TIME_STR_MAX) {
		out[n] = 'Z';
		out[n + 1] = '\0';
	}
}

/* The windows as temp.tl_win (lo, hi: UTC to the second), for pass 2. */
static int tl_windows_table(struct tl *tl, struct spoor_err *err)
{
	sqlite3 *db = tl->rep->db;
	sqlite3_stmt *ins = NULL;
	int rc = SQLITE_OK;

	if (sqlite3_exec(db, "DROP TABLE IF EXISTS temp.tl_win; CREATE TEMP "
			 "TABLE tl_win (lo TEXT PRIMARY KEY, hi TEXT NOT NULL)"
			 " WITHOUT ROWID", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO temp.tl_win VALUES (?, ?)",
			       -1, &ins, NULL) != SQLITE_OK)
		rc = SQLITE_ERROR;
	for (size_t i = 0; rc == SQLITE_OK && i < tl->n; i++) {
		char lo[SPOOR_TIME_STR_MAX], hi[SPOOR_TIME_STR_MAX];

		/* without the Z: the k1 of the timeline */
		tl_iso(tl->span[i].lo, lo);
		tl_iso(tl->span[i].hi, hi);
		lo[strcspn(lo, "Z")] = '\0';
		hi[strcspn(hi, "Z")] = '\0';
		sqlite3_bind_text(ins, 1, lo, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 2, hi, -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(ins) == SQLITE_DONE ? SQLITE_OK :
			SQLITE_ERROR;
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	if (rc != SQLITE_OK)
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "case database: %s",
				     sqlite3_errmsg(db));
	return 0;
}

/* "... N other entries not shown; spoor-case timeline ..." */
static void tl_gap(struct tl *tl)
{
	struct report *rep = tl->rep;
	char lo[SPOOR_TIME_STR_MAX], hi[SPOOR_TIME_STR_MAX];
	const struct tl_span *sp = &tl->span[tl->cur - 1];

	if (!tl->skipped)
		return;
	tl_iso(sp->lo, lo);
	tl_iso(sp->hi, hi);
	fprintf(tl->f, "<tr class=\"gap\"><td colspan=\"5\">&hellip; %" PRIu64
		" %s <code>spoor-case timeline CASE --from %s --to %s"
		"</code></td></tr>\n", tl->skipped, S(TL_NOT_SHOWN), lo, hi);
	tl->skipped = 0;
}

/* The heading and table of window i. */
static void tl_open(struct tl *tl, size_t i)
{
	static const enum report_str k[] = {
		RS_TL_TIME, RS_TL_ITEM, RS_TL_PARTIES, RS_EXHIBIT_SOURCE,
		RS_CONTENT,
	};
	struct report *rep = tl->rep;
	char lo[SPOOR_TIME_STR_MAX], hi[SPOOR_TIME_STR_MAX];

	tl_iso(tl->span[i].lo, lo);
	tl_iso(tl->span[i].hi, hi);
	fprintf(tl->f, "<h3 id=\"tl-%zu\">%s %zu: ", i + 1, S(TL_WINDOW),
		i + 1);
	show_time(tl->f, rep, lo);
	fprintf(tl->f, " %s ", S(TL_UNTIL));
	show_time(tl->f, rep, hi);
	fputs("</h3>\n<table class=\"wide tl\">\n", tl->f);
	th(tl->f, rep, k, ARRAY_SIZE(k));
	tl->cur = i + 1;
	tl->skipped = 0;
	tl->ring_n = tl->after = 0;
	tl->cur_tagged = false;
}

/* The time cell: UTC, then local time and, when it is not plain, how
 * sure it is. */
static void tl_time_cell(struct tl *tl, const struct tl_ent *e)
{
	struct report *rep = tl->rep;
	char local[48];

	fputs("<td>", tl->f);
	report_html_str(tl->f, rep, e->t);
	report_local_time(rep, e->t, local, sizeof(local));
	fputs("<br><span class=\"meta\">", tl->f);
	report_html_str(tl->f, rep, local);
	if (*e->q) {
		fputs("; ", tl->f);
		report_html_str(tl->f, rep, enum_s(rep, time_qualities, e->q));
	}
	fputs("</span></td>", tl->f);
}

/* What the entry says: a message's text (or its kind), a call's
 * duration, a contact's name. */
static void tl_content(FILE *f, struct report *rep, sqlite3_stmt *st)
{
	const char *type = report_col(st, 1);

	if (type && !strcmp(type, "file")) {
		return;		/* its path is the source */
	} else if (type && !strcmp(type, "call")) {
		if (report_col(st, 21)) {
			fprintf(f, "%s: ", S(DURATION));
			report_html_str(f, rep, report_col(st, 21));
		}
	} else if (report_col(st, 22)) {
		report_html_str(f, rep, report_col(st, 22));
	} else if (report_col(st, 20)) {
		fputs("[", f);
		report_html_str(f, rep, enum_s(rep, msg_kinds,
					       report_col(st, 20)));
		fputs("]", f);
	}
}

/* One entry: st is tl_item_sql's row of its record. */
static void tl_entry_row(struct tl *tl, const struct tl_ent *e,
			 sqlite3_stmt *st)
{
	struct report *rep = tl->rep;
	FILE *f = tl->f;
	const char *labels = report_col(st, 18);

	fprintf(f, "<tr%s data-record=\"%lld\" data-macb=\"%s\" "
		"data-time=\"", labels ? " class=\"tagged\"" : "",
		(long long)e->rid, e->macb);
	report_html_str(f, rep, e->t);
	fputs("\">", f);
	tl_time_cell(tl, e);
	fprintf(f, "<td>%lld<br>", (long long)e->rid);
	report_html_str(f, rep, enum_s(rep, rtypes, report_col(st, 1)));
	if (*e->macb)
		fprintf(f, " <code>%s</code>", e->macb);
	if (report_col(st, 19) && !sqlite3_column_int(st, 19))
		fprintf(f, " (%s)", S(C_DELETED));
	fputs("</td>", f);
	parties_cells(f, rep, st, true);
	exhibit_source(f, rep, st);
	fputs("<td>", f);
	if (labels) {
		fputs("<b>", f);
		report_html_str(f, rep, labels);
		fputs("</b><br>", f);
	}
	tl_content(f, rep, st);
	fputs("</td></tr>\n", f);
}

/* The record's row of tl_item_sql in tl->item; false if it is gone. */
static bool tl_item(struct tl *tl, int64_t rid)
{
	sqlite3_reset(tl->item);
	sqlite3_bind_int64(tl->item, 1, rid);
	return sqlite3_step(tl->item) == SQLITE_ROW;
}

static void tl_show(struct tl *tl, const struct tl_ent *e)
{
	if (tl_item(tl, e->rid)) {
		tl_gap(tl);
		tl_entry_row(tl, e, tl->item);
	}
}

/* The ring's entries (the nearest before a tagged one), in order. */
static void tl_flush_ring(struct tl *tl)
{
	size_t start = (tl->ring_head + TL_CONTEXT_MAX - tl->ring_n) %
		       TL_CONTEXT_MAX;

	for (size_t k = 0; k < tl->ring_n; k++)
		tl_show(tl, &tl->ring[(start + k) % TL_CONTEXT_MAX]);
	tl->ring_n = 0;
}

/* An untagged entry beyond the context after a tagged one. */
static void tl_keep(struct tl *tl, const struct tl_ent *e)
{
	if (tl->ring_n == TL_CONTEXT_MAX)
		tl->skipped++;		/* the oldest falls out */
	else
		tl->ring_n++;
	tl->ring[tl->ring_head] = *e;
	tl->ring_head = (tl->ring_head + 1) % TL_CONTEXT_MAX;
}

static void tl_close(struct tl *tl)
{
	if (!tl->cur)
		return;
	tl->skipped += tl->ring_n;	/* past the context of the last */
	tl->ring_n = 0;
	tl_gap(tl);
	fputs("</table>\n", tl->f);
}

/* A timeline entry as pass 2 keeps it; false if it has no UTC time. */
static bool tl_ent_of(const struct spoor_record *r, struct tl_ent *e,
		      int64_t *s)
{
	int n = 0;
	const char *p;

	memset(e, 0, sizeof(*e));
	if (!tl_time(r, e->t, s))
		return false;
	e->rid = tl_rid(r);
	if ((p = tl_str(r, "macb", &n)) && n < (int)sizeof(e->macb))
		memcpy(e->macb, p, (size_t)n);
	if ((p = tl_str(r, "time_quality", &n)) && n < (int)sizeof(e->q))
		memcpy(e->q, p, (size_t)n);
	return true;
}

/* An entry (s: its second) into its window. */
static void tl_place(struct tl *tl, const struct tl_ent *e, int64_t s)
{
	size_t i = tl->cur ? tl->cur - 1 : 0;

	while (i < tl->n && s > tl->span[i].hi)
		i++;
	if (i >= tl->n || s < tl->span[i].lo)
		return;		/* the query gives none such */
	if (i + 1 != tl->cur) {
		tl_close(tl);
		tl_open(tl, i);
	}
	if (!tl_item(tl, e->rid))
		return;
	if (report_col(tl->item, 18)) {		/* tagged */
		tl_flush_ring(tl);
		tl_show(tl, e);
		tl->after = 0;
		tl->cur_tagged = true;
	} else if (tl->after < TL_CONTEXT_MAX && tl->cur_tagged) {
		tl->after++;
		tl_show(tl, e);
	} else {
		tl_keep(tl, e);
	}
}

/* Pass 2: every entry of the selection inside a window, in order; the
 * times of a file that are the same instant are one row ("m.c."), as
 * they come one after another. */
static int tl_row(void *ud, const struct spoor_record *r)
{
	struct tl *tl = ud;
	struct tl_ent e;
	int64_t s;

	if (!tl_ent_of(r, &e, &s))
		return 0;
	if (tl->has_pend && *e.macb && tl->pend.rid == e.rid &&
	    !strcmp(tl->pend.t, e.t)) {
		for (size_t k = 0; k < 4 && e.macb[k]; k++)
			if (e.macb[k] != '.')
				tl->pend.macb[k] = e.macb[k];
		return 0;
	}
	if (tl->has_pend)
		tl_place(tl, &tl->pend, tl->pend_s);
	tl->pend = e;
	tl->pend_s = s;
	tl->has_pend = true;
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The tagged records of the selection that have no UTC time. */
static int tl_unplaced(struct tl *tl, struct spoor_err *err)
{
	struct report *rep = tl->rep;
	sqlite3_stmt *st;
	int n = 0, rc = report_prepare(rep, "SELECT record_id FROM temp.sel "
				       "WHERE tagged ORDER BY 1", &st, err);

	if (rc)
		return rc;
	if (tl->nrid)
		qsort(tl->rid, tl->nrid, sizeof(*tl->rid), cmp_i64);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);

		if (tl->nrid && bsearch(&id, tl->rid, tl->nrid,
					sizeof(*tl->rid), cmp_i64))
			continue;
		if (!n++)
			fprintf(tl->f, "<p>%s ", S(TL_NO_UTC));
		else
			fputs(", ", tl->f);
		fprintf(tl->f, "%lld", (long long)id);
	}
	if (n)
		fputs("</p>\n", tl->f);
	sqlite3_finalize(st);
	return 0;
}

static const char tl_tagged[] =
	"r.id IN (SELECT record_id FROM temp.sel WHERE tagged)";
/* selected, with a time in a window (the entries are checked after:
 * this only keeps the other records out of the sort) */
static const char tl_selected[] =
	"r.id IN (SELECT record_id FROM temp.sel) AND EXISTS (SELECT 1 "
	"FROM json_each(r.json) j WHERE j.key IN ('mtime', 'atime', "
	"'ctime', 'crtime', 'time', 'time_added', 'created') AND "
	"j.type = 'text' AND (SELECT w.hi FROM temp.tl_win w WHERE "
	"w.lo <= substr(j.value, 1, 19) ORDER BY w.lo DESC LIMIT 1) >= "
	"substr(j.value, 1, 19))";
/* in the window that starts last before it */
static const char tl_in_window[] =
	"t IS NOT NULL AND (SELECT w.hi FROM temp.tl_win w WHERE "
	"w.lo <= k1 ORDER BY w.lo DESC LIMIT 1) >= k1";

/* The windows (pass 1) and their entries (pass 2). */
static int tl_passes(struct tl *tl, struct spoor_err *err)
{
	static const char *const kinds[] = {
		"file", "message", "call", "contact", NULL,
	};
	struct spoor_timeline_opts o = { .kinds = kinds, .tz = NULL };
	struct report *rep = tl->rep;
	int rc = case_timeline_where(rep->db, &o, tl_tagged, "t IS NOT NULL",
				     tl_center, tl, NULL, err);

	if (tl->rc)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	if (rc)
		return rc;
	if (!tl->n) {
		none(tl->f, rep);
		return 0;
	}
	fprintf(tl->f, "<p>%s %lld %s</p>\n", S(TL_INTRO_A),
		(long long)(tl->w / 60), S(TL_INTRO_B));
	tl->ring = calloc(TL_CONTEXT_MAX, sizeof(*tl->ring));
	if (!tl->ring)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	rc = tl_windows_table(tl, err);
	if (!rc)
		rc = report_prepare(rep, tl_item_sql, &tl->item, err);
	if (!rc)
		rc = case_timeline_where(rep->db, &o, tl_selected,
					 tl_in_window, tl_row, tl, NULL, err);
	if (!rc && tl->has_pend)
		tl_place(tl, &tl->pend, tl->pend_s);
	tl_close(tl);
	sqlite3_exec(rep->db, "DROP TABLE IF EXISTS temp.tl_win", NULL, NULL,
		     NULL);
	return rc;
}

/*
 * The timeline of the tagged items with rep->o->timeline_window minutes
 * of context around each, into a malloc'd buffer (*out, *len): the
 * conversations put it between the tagged ones and the rest.
 */
static int timeline_section(struct report *rep, char **out, size_t *len,
			    struct spoor_err *err)
{
	struct tl tl = { .rep = rep };
	int minutes = rep->o->timeline_window, rc;

	*out = NULL;
	*len = 0;
	if (minutes == 0)
		minutes = TL_WINDOW_DEFAULT;
	tl.w = minutes < 0 ? 0 : (int64_t)minutes * 60;
	tl.f = open_memstream(out, len);
	if (!tl.f)
		return spoor_err_set(err, SPOOR_ENOMEM, errno,
				     "out of memory");
	fprintf(tl.f, "<div id=\"timeline\" class=\"page\">\n<h2>%s</h2>\n",
		S(TIMELINE));
	rc = tl_passes(&tl, err);
	if (!rc)
		rc = tl_unplaced(&tl, err);
	fputs("</div>\n", tl.f);
	if (fclose(tl.f) && !rc)
		rc = spoor_err_set(err, SPOOR_ENOMEM, errno, "out of memory");
	sqlite3_finalize(tl.item);
	free(tl.span);
	free(tl.rid);
	free(tl.ring);
	if (rc) {
		free(*out);
		*out = NULL;
	}
	return rc;
}


/* ---- conversations ---- */

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
	"json_extract(r.json, '$.time_later'), "
	"c.id, c.n, c.first, c.last, c.ntag "
	"FROM records r JOIN sel s ON s.record_id = r.id "
	"JOIN conv c ON c.exhibit = r.exhibit AND c.src = "
	"coalesce(json_extract(r.json, '$.source_path'), '') AND c.chat = "
	"coalesce(json_extract(r.json, '$.chat_id'), '') "
	/* a conversation in the source's own order: the line of a text
	 * export (a converted local time never reorders it), else time */
	"WHERE r.rtype = 'message' ORDER BY c.id, "
	"json_extract(r.json, '$.line'), json_extract(r.json, '$.time'), "
	"r.id";

static void chat_head(FILE *f, struct report *rep, sqlite3_stmt *st)
{
	int64_t id = sqlite3_column_int64(st, 21);

	fprintf(f, "<div class=\"chat\" id=\"conv-%lld\">\n<p><b>%s %lld:"
		"</b> ", (long long)id, S(CONVERSATION), (long long)id);
	report_html_str(f, rep, report_col(st, 4) ? report_col(st, 4) :
			report_col(st, 3));
	fprintf(f, " &middot; %s: ", S(APP));
	report_html_str(f, rep, report_col(st, 2));
	fprintf(f, " &middot; %s: ", S(EXHIBIT));
	report_html_str(f, rep, report_col(st, 1));
	fprintf(f, "<br><span class=\"meta\">%s: %s, ", S(PARTICIPANTS),
		S(DEVICE_OWNER));
	parties(f, rep, id, report_col(st, 4), report_col(st, 3));
	fprintf(f, " &middot; %s: ", S(SOURCE));
	report_html_str(f, rep, report_col(st, 13));
	fprintf(f, "<br>%s: ", S(FIRST_MSG));
	show_time(f, rep, report_col(st, 23));
	fprintf(f, " &middot; %s: ", S(LAST_MSG));
	show_time(f, rep, report_col(st, 24));
	fprintf(f, " &middot; %lld %s, %s %lld</span></p>\n",
		(long long)sqlite3_column_int64(st, 22), S(MESSAGES_N),
		S(OF_WHICH_TAGGED), (long long)sqlite3_column_int64(st, 25));
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
	bool out = from_owner(dir);

	fprintf(f, "<div class=\"msg %s%s\"><span class=\"meta\">#%lld "
		"&middot; ", out ? "out" : "in",
		sqlite3_column_int(st, 16) ? " tagged" : "",
		(long long)sqlite3_column_int64(st, 0));
	report_html_str(f, rep, dir ? enum_s(rep, directions, dir) :
			S(DIR_UNKNOWN));
	fputs(" &middot; ", f);
	if (out)
		fputs(S(DEVICE_OWNER), f);
	else
		person(f, rep, report_col(st, 6), report_col(st, 7),
		       NULL);
	fputs(" &middot; ", f);
	chat_time(f, rep, st, prev);
	if (sqlite3_column_int(st, 16))
		fprintf(f, " &middot; <b>%s</b>", S(TAGGED_MARK));
	if (report_col(st, 14)) {
		fprintf(f, " &middot; %s <code>", S(TABLE));
		report_html_str(f, rep, report_col(st, 14));
		fputs("</code>", f);
	}
	if (report_col(st, 15)) {
		fprintf(f, " %s ", S(ROW));
		report_html_str(f, rep, report_col(st, 15));
	}
	if (report_col(st, 17)) {
		fprintf(f, " %s ", S(LINE));
		report_html_str(f, rep, report_col(st, 17));
	}
	fputs("</span><br>", f);
	if (report_col(st, 10))
		report_html_str(f, rep, report_col(st, 10));
	else if (report_col(st, 11))
		report_html_str(f, rep, report_col(st, 11));
	if (!report_col(st, 10) && report_col(st, 12)) {
		fputs(" [", f);
		report_html_str(f, rep, enum_s(rep, msg_kinds,
					       report_col(st, 12)));
		fputs("]", f);
	}
	fputs("</div>\n", f);
}

/* The start of "everything else", after the tagged conversations. */
static void other_start(FILE *f, struct report *rep, const char *tl,
			size_t tl_len)
{
	fwrite(tl, 1, tl_len, f);
	fprintf(f, "<div id=\"other\" class=\"page\">\n<h2>%s</h2>\n"
		"<h3 id=\"conversations\">%s</h3>\n", S(OTHER_FINDINGS),
		S(OTHER_CONVS_H));
}

/* The tagged conversations, the timeline tl, then the other section
 * opened by the other conversations (left open for the calls, contacts
 * ...). */
static int conversations(FILE *f, struct report *rep, const char *tl,
			 size_t tl_len, struct spoor_err *err)
{
	sqlite3_stmt *st;
	char prev[SPOOR_TIME_STR_MAX] = "";
	int64_t cur = 0;
	bool in_tagged = true;
	int n = 0, rc = report_prepare(rep, chat_sql, &st, err);

	if (rc)
		return rc;
	fprintf(f, "<div id=\"conv-tagged\" class=\"page\">\n<h2>%s</h2>\n",
		S(TAGGED_CONVS));
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_int64(st, 21) != cur) {
			if (cur)
				fputs("</div>\n", f);
			if (in_tagged && !sqlite3_column_int64(st, 25)) {
				if (!n)
					none(f, rep);
				fputs("</div>\n", f);
				other_start(f, rep, tl, tl_len);
				in_tagged = false;
			}
			cur = sqlite3_column_int64(st, 21);
			n++;
			chat_head(f, rep, st);
			prev[0] = '\0';
		}
		chat_msg(f, rep, st, prev);
		if (report_col(st, 9))
			spoor_strlcpy(prev, report_col(st, 9), sizeof(prev));
	}
	if (cur)
		fputs("</div>\n", f);
	if (in_tagged) {
		if (!n)
			none(f, rep);
		fputs("</div>\n", f);
		other_start(f, rep, tl, tl_len);
		none(f, rep);
	}
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
	int n = 0, rc = report_prepare(rep, "SELECT r.id, r.exhibit, "
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
	fprintf(f, "<h3 id=\"calls\">%s</h3>\n", S(CALLS));
	while (sqlite3_step(st) == SQLITE_ROW) {
		char local[48];
		const char *d = report_col(st, 3);

		if (!n++) {
			fputs("<table>\n", f);
			th(f, rep, k, ARRAY_SIZE(k));
		}
		report_local_time(rep, report_col(st, 6), local,
				  sizeof(local));
		fputs("<tr>", f);
		for (int i = 0; i < 3; i++)
			td(f, rep, st, i, false);
		fputs("<td>", f);
		report_html_str(f, rep, enum_s(rep, directions, d));
		fputs("</td>", f);
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
	if (n)
		fputs("</table>\n", f);
	else
		none(f, rep);
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
	int n = 0, rc = report_prepare(rep, "SELECT r.id, r.exhibit, "
				"json_extract(r.json, '$.path'), "
				"json_extract(r.json, '$.inode'), "
				"json_extract(r.json, '$.size'), "
				"json_extract(r.json, '$.mime'), "
				"(SELECT group_concat(json_extract(h.value, "
				"'$.set') || ' (' || coalesce(json_extract("
				"h.value, '$.category'), '-') || coalesce("
				"', PDQ ' || json_extract(h.value, "
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
	fprintf(f, "<h3 id=\"flagged\">%s</h3>\n<p>%s%s%s</p>\n",
		S(FLAGGED), S(FLAGGED_NOTE), rep->nsealed ? " " : "",
		rep->nsealed ? S(FLAGGED_SEALED) : "");
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (!n++) {
			fputs("<table>\n", f);
			th(f, rep, k, ARRAY_SIZE(k));
		}
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
	if (n)
		fputs("</table>\n", f);
	else
		none(f, rep);
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
	sqlite3_stmt *st;
	int n = 0, rc = report_prepare(rep, "SELECT r.exhibit, "
				"json_extract(r.json, '$.category'), "
				"count(*) FROM records r JOIN sel s ON "
				"s.record_id = r.id WHERE r.rtype = 'file' "
				"GROUP BY 1, 2 ORDER BY 1, 2", &st, err);

	if (rc)
		return rc;
	fprintf(f, "<h3 id=\"files\">%s</h3>\n", S(FILE_SUMMARY));
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (!n++) {
			fputs("<table>\n", f);
			th(f, rep, k, ARRAY_SIZE(k));
		}
		fputs("<tr>", f);
		td(f, rep, st, 0, false);
		fputs("<td>", f);
		report_html_str(f, rep, report_col(st, 1) ?
				enum_s(rep, categories, report_col(st, 1)) :
				"-");
		fputs("</td>", f);
		td(f, rep, st, 2, false);
		fputs("</tr>\n", f);
	}
	if (n)
		fputs("</table>\n", f);
	else
		none(f, rep);
	sqlite3_finalize(st);
	return 0;
}

/*
 * The members of a JSON object (or the elements of an array) as
 * "name: value; ..." in words, one level of nesting unfolded; skip: the
 * members shown elsewhere (NULL-terminated).
 */
static void details(FILE *f, struct report *rep, const char *json,
		    const char *const *skip, int depth)
{
	sqlite3_stmt *st;
	struct spoor_err e;
	int n = 0;

	if (!json || report_prepare(rep, "SELECT key, value, type FROM "
				    "json_each(?1) WHERE json_valid(?1)",
				    &st, &e))
		return;
	sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *k = report_col(st, 0), *v = report_col(st, 1);
		const char *type = report_col(st, 2);
		bool nested = type && (!strcmp(type, "object") ||
				       !strcmp(type, "array"));
		bool skipped = false;

		for (const char *const *s = skip; s && *s && k; s++)
			skipped |= !strcmp(*s, k);
		if (skipped || (type && !strcmp(type, "null")))
			continue;
		fputs(n++ ? "; " : "", f);
		if (sqlite3_column_type(st, 0) == SQLITE_TEXT) {
			report_html_str(f, rep, enum_s(rep, detail_keys, k));
			fputs(": ", f);
		}
		if (nested && depth < 2)
			details(f, rep, v, NULL, depth + 1);
		else if (type && (!strcmp(type, "true") ||
				  !strcmp(type, "false")))
			fputs(*type == 't' ? S(YES) : S(NO), f);
		else
			report_html_str(f, rep, enum_s(rep, detail_values, v));
	}
	sqlite3_finalize(st);
}

/* The custody log of the case, one row per event in words (parsed by
 * SQLite's JSON functions; the log itself is copied verbatim into
 * custody/). */
static int custody(FILE *f, struct report *rep, struct spoor_err *err)
{
	static const enum report_str k[] = {
		RS_SEQ, RS_TIME_UTC, RS_EVENT, RS_EXHIBIT, RS_EXAMINER,
		RS_DETAILS,
	};
	static const char *const shown[] = {
		"time", "event", "exhibit", "examiner", "actor", NULL,
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
			    "json_extract(?1, '$.actor.examiner'), "
			    "json_extract(?1, '$.actor')) WHERE "
			    "json_valid(?1)", &st, err);
	if (rc) {
		free(buf);
		return rc;
	}
	fprintf(f, "<div id=\"custody\" class=\"page\">\n<h2>%s</h2>\n"
		"<table>\n", S(CUSTODY));
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
		if (sqlite3_step(st) == SQLITE_ROW) {
			td(f, rep, st, 0, false);
			fputs("<td>", f);
			report_html_str(f, rep, enum_s(rep, events,
						       report_col(st, 1)));
			fputs("</td>", f);
			td(f, rep, st, 2, false);
			td(f, rep, st, 3, false);
			fputs("<td>", f);
			details(f, rep, t2 + 1, shown, 0);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n</div>\n", f);
	sqlite3_finalize(st);
	free(buf);
	return 0;
}

/* A row "label: stored X, computed Y" of a container's hashes. */
static void media_row(FILE *f, struct report *rep, const char *alg,
		      sqlite3_stmt *st, int stored, int computed)
{
	fputs(alg, f);
	if (stored >= 0) {
		fprintf(f, " %s ", S(STORED));
		report_html_str(f, rep, report_col(st, stored) ?
				report_col(st, stored) : "-");
		fputs(",", f);
	}
	fprintf(f, " %s ", S(COMPUTED));
	report_html_str(f, rep, report_col(st, computed) ?
			report_col(st, computed) : "-");
	fputs("<br>", f);
}

static void exhibit_media(FILE *f, struct report *rep, sqlite3_stmt *st)
{
	fprintf(f, "<tr><th>%s</th><td colspan=\"5\" class=\"h\">",
		S(MEDIA));
	report_html_str(f, rep, report_col(st, 11));
	fputs(": ", f);
	report_html_str(f, rep, report_col(st, 12));
	fputs("<br>", f);
	media_row(f, rep, "MD5", st, 13, 14);
	media_row(f, rep, "SHA-1", st, 15, 16);
	media_row(f, rep, "SHA-256", st, -1, 17);
	report_html_str(f, rep, report_col(st, 18));
	fputs("</td></tr>\n", f);
}

static int exhibits(FILE *f, struct report *rep, struct spoor_err *err)
{
	static const enum report_str k[] = {
		RS_EXHIBIT, RS_KIND, RS_SIZE, RS_DESCRIPTION,
		RS_RECEIVED_FROM, RS_ADDED,
	};
	sqlite3_stmt *st;
	int n = 0, rc = report_prepare(rep, "SELECT exhibit, kind, size, "
				"description, received_from, added, sha256, "
				"sha1, md5, acquisition_log, acquired_json, "
				"json_extract(media_json, '$.format'), "
				"json_extract(media_json, '$.verified'), "
				"json_extract(media_json, '$.stored.md5'), "
				"json_extract(media_json, '$.computed.md5'), "
				"json_extract(media_json, '$.stored.sha1'), "
				"json_extract(media_json, '$.computed.sha1'), "
				"json_extract(media_json, "
				"'$.computed.sha256'), "
				"json_extract(media_json, '$.error'), "
				"media_json IS NOT NULL "
				"FROM exhibits ORDER BY exhibit", &st, err);

	if (rc)
		return rc;
	fprintf(f, "<div id=\"exhibits\" class=\"page\">\n<h2>%s</h2>\n",
		S(EXHIBITS_ANNEX));
	while (sqlite3_step(st) == SQLITE_ROW) {
		n++;
		fputs("<table>\n", f);
		th(f, rep, k, ARRAY_SIZE(k));
		fputs("<tr>", f);
		td(f, rep, st, 0, false);
		fputs("<td>", f);
		report_html_str(f, rep, enum_s(rep, exhibit_kinds,
					       report_col(st, 1)));
		fputs("</td>", f);
		for (int i = 2; i < 6; i++)
			td(f, rep, st, i, false);
		fputs("</tr>\n<tr><th>SHA-256</th><td colspan=\"5\" "
		      "class=\"h\">", f);
		report_html_str(f, rep, report_col(st, 6));
		fputs("</td></tr>\n<tr><th>SHA-1</th><td colspan=\"5\" "
		      "class=\"h\">", f);
		report_html_str(f, rep, report_col(st, 7) ?
				report_col(st, 7) : "-");
		fputs("</td></tr>\n<tr><th>MD5</th><td colspan=\"5\" "
		      "class=\"h\">", f);
		report_html_str(f, rep, report_col(st, 8) ?
				report_col(st, 8) : "-");
		fputs("</td></tr>\n", f);
		if (report_col(st, 10)) {
			fprintf(f, "<tr><th>%s</th><td colspan=\"5\">",
				S(ACQUISITION));
			details(f, rep, report_col(st, 10), NULL, 0);
			fputs("</td></tr>\n", f);
		}
		if (sqlite3_column_int(st, 19))
			exhibit_media(f, rep, st);
		if (report_col(st, 9)) {
			fprintf(f, "<tr><th>%s</th><td colspan=\"5\"><pre>",
				S(LOG_ANNEX));
			report_html_str(f, rep, report_col(st, 9));
			fputs("</pre></td></tr>\n", f);
		}
		fputs("</table>\n", f);
	}
	if (!n)
		none(f, rep);
	fputs("</div>\n", f);
	sqlite3_finalize(st);
	return 0;
}

/*
 * The rows of sql (key, value FROM json_each(?1), ?1 json) joined by
 * sep: "key: value" with the key in words from keys, or the value alone
 * when keys is NULL.
 */
static void json_list(FILE *f, struct report *rep, const char *sql,
		      const char *json, const struct enum_name *keys,
		      const char *sep)
{
	sqlite3_stmt *c;
	struct spoor_err e;
	int n = 0;

	if (report_prepare(rep, sql, &c, &e))
		return;
	sqlite3_bind_text(c, 1, json, -1, SQLITE_STATIC);
	while (sqlite3_step(c) == SQLITE_ROW) {
		fputs(n++ ? sep : "", f);
		if (keys) {
			report_html_str(f, rep, enum_s(rep, keys,
						       report_col(c, 0)));
			fputs(": ", f);
		}
		report_html_str(f, rep, report_col(c, 1));
	}
	sqlite3_finalize(c);
}

/* One run of the method annex: a labelled table. */
static void method_run(FILE *f, struct report *rep, sqlite3_stmt *st)
{
	fprintf(f, "<h3>%s %lld: ", S(RUN),
		(long long)sqlite3_column_int64(st, 0));
	report_html_str(f, rep, report_col(st, 1));
	fputs(" ", f);
	report_html_str(f, rep, report_col(st, 2));
	fputs("</h3>\n<table class=\"kv\">\n", f);
	kv(f, rep, RS_EXHIBIT, report_col(st, 3), false);
	kv(f, rep, RS_EXAMINER, report_col(st, 4), false);
	kv(f, rep, RS_STARTED, report_col(st, 5), false);
	kv(f, rep, RS_FINISHED, report_col(st, 6), false);
	fprintf(f, "<tr><th>%s</th><td>", S(EXIT_CODE));
	exit_code(f, rep, st, 7);
	fprintf(f, "</td></tr>\n<tr><th>%s</th><td>", S(COUNTS));
	json_list(f, rep, "SELECT key, value FROM json_each(?1) WHERE "
		  "json_valid(?1)", report_col(st, 8), count_keys, "; ");
	/* the command line without the tool's name (element 0) */
	fprintf(f, "</td></tr>\n<tr><th>%s</th><td><code>", S(OPTIONS));
	json_list(f, rep, "SELECT key, value FROM json_each(?1) WHERE "
		  "json_valid(?1) AND key > 0", report_col(st, 9), NULL, " ");
	fputs("</code></td></tr>\n</table>\n", f);
}

static int method(FILE *f, struct report *rep, struct spoor_err *err)
{
	sqlite3_stmt *st;
	int n = 0, rc = report_prepare(rep, "SELECT id, tool, version, "
				"exhibit, examiner, started, finished, "
				"exit_code, counts, parameters FROM runs "
				"WHERE state = 'committed' ORDER BY id", &st,
				err);

	if (rc)
		return rc;
	fprintf(f, "<div id=\"method\" class=\"page\">\n<h2>%s</h2>\n",
		S(METHOD));
	while (sqlite3_step(st) == SQLITE_ROW) {
		n++;
		method_run(f, rep, st);
	}
	if (!n)
		none(f, rep);
	fputs("</div>\n", f);
	sqlite3_finalize(st);
	return 0;
}

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
	fprintf(f, "<div id=\"limitations\">\n<h2>%s</h2>\n<ul>\n",
		S(LIMITATIONS));
	fprintf(f, "<li>%s</li>\n", S(LIMIT_1));
	time_basis(f, rep);
	fprintf(f, "<li>%s</li>\n", S(LIMIT_3));
	if (rep->pseudo)
		fprintf(f, "<li>%s</li>\n", S(LIMIT_4));
	fprintf(f, "<li>%s</li>\n</ul>\n</div>\n", S(LIMIT_5));
}

/* The page box: A4, the case and bundle in the header, page numbers. */
static void page_style(FILE *f, struct report *rep)
{
	char *c = report_redact(rep, rep->case_id);

	fputs("<style>@media print{@page{size:A4;margin:16mm 12mm 16mm 12mm;"
	      "@top-left{content:\"", f);
	css_str(f, S(CASE_ID));
	fputs(" ", f);
	css_str(f, c ? c : "");
	fputs(" \\b7  ", f);
	css_str(f, S(BUNDLE_ID));
	fputs(" ", f);
	css_str(f, rep->bundle_id);
	fputs("\";font-size:8pt}@bottom-right{content:counter(page) \" / \" "
	      "counter(pages);font-size:8pt}}}</style>\n", f);
	free(c);
}

int report_write_html(struct report *rep, const char *path,
		      struct spoor_err *err)
{
	FILE *f;
	char *tl = NULL;
	size_t tl_len = 0;
	int rc = conv_tables(rep, err);

	if (!rc)
		rc = timeline_section(rep, &tl, &tl_len, err);
	if (rc)
		return rc;
	f = fopen(path, "wxe");
	if (!f) {
		free(tl);
		return spoor_err_set(err, SPOOR_EOUTPUT, errno,
				     "cannot create '%s'", path);
	}
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
		"<meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" content=\""
		"default-src 'none'; style-src 'unsafe-inline'\">\n"
		"<meta name=\"referrer\" content=\"no-referrer\">\n"
		"<title>%s ", S(LANG), S(TITLE));
	report_html_str(f, rep, rep->case_id);
	fprintf(f, "</title>\n<style>%s</style>\n", css);
	page_style(f, rep);
	fprintf(f, "</head>\n<body>\n<h1>%s ", S(TITLE));
	report_html_str(f, rep, rep->case_id);
	fputs("</h1>\n", f);
	toc(f, rep);
	summary(f, rep);
	rc = tagged(f, rep, err);
	if (!rc)
		rc = conversations(f, rep, tl, tl_len, err);
	free(tl);
	if (!rc)
		rc = calls(f, rep, err);
	if (!rc)
		rc = contacts(f, rep, err);
	if (!rc)
		rc = flagged(f, rep, err);
	if (!rc)
		sealed(f, rep);
	if (!rc)
		rc = file_summary(f, rep, err);
	fputs("</div>\n", f);
	if (!rc)
		limitations(f, rep);
	if (!rc)
		rc = method(f, rep, err);
	if (!rc)
		rc = custody(f, rep, err);
	if (!rc)
		rc = exhibits(f, rep, err);
	fputs("</body>\n</html>\n", f);
	if (fclose(f) && !rc)
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot write '%s'", path);
	return rc;
}
