/*
 * casedb_timeline.c: one ordered list of everything in a case that has
 * a time: file MACB times, messages, calls, contacts, exhibits and
 * custody events.  SQLite does the sort (a temporary B-tree that spills
 * to disk), so a case of millions of entries streams in flat memory.
 */
#include "internal.h"
#include "casedb.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

#define J(k) "json_extract(r.json, '$." k "')"
#define D19 "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T" \
	"[0-9][0-9]:[0-9][0-9]:[0-9][0-9]"

/* The file system's flag for one time in fs_time_flags ("mtime:ambiguous
 * atime:nonexistent"), or NULL; the JSON is read only when it has one. */
#define FLAG(f) "CASE WHEN instr(r.json, '\"fs_time_flags\":\"') > 0 " \
	"THEN (SELECT CASE WHEN instr(x, ' " f ":') > 0 THEN " \
	"substr(x, instr(x, ' " f ":') + length(' " f ":'), " \
	"instr(substr(x, instr(x, ' " f ":') + length(' " f ":')), ' ') " \
	"- 1) END FROM (SELECT ' ' || " J("fs_time_flags") " || ' ' AS x)) " \
	"END"
#define FILE_BRANCH(f, l, n) \
	"SELECT r.id AS rid, r.exhibit AS exhibit, 'file' AS kind, " \
	"'" l "' AS macb, " n " AS sub, " J(f) " AS t, NULL AS tloc, " \
	FLAG(f) " AS q, " J("source_order") " AS so, " J("path") \
	" AS source, CASE WHEN " J("allocated") " = 0 THEN '(deleted)' END " \
	"AS summary, NULL AS cseq, r.rtype AS rtype " \
	"FROM records r WHERE r.rtype = 'file' AND (%s) "

/* Columns of every branch: rid, exhibit, kind, macb, sub, t (UTC),
 * tloc (a local reading), q, so (source order), source, summary, cseq,
 * rtype.  Records first (each %s: a caller's condition on r, so that a
 * few records are picked before the union is materialised): */
static const char union_sql[] =
	"WITH u AS MATERIALIZED ("
	/* file records: one entry per MACB time, each its own branch so
	 * that a row's JSON is parsed for what that entry needs */
	FILE_BRANCH("mtime", "m...", "1") "UNION ALL "
	FILE_BRANCH("atime", ".a..", "2") "UNION ALL "
	FILE_BRANCH("ctime", "..c.", "3") "UNION ALL "
	FILE_BRANCH("crtime", "...b", "4") "UNION ALL "
	/* messages, calls, contacts */
	"SELECT r.id, r.exhibit, r.rtype, NULL, 0, "
	"CASE WHEN r.rtype = 'contact' THEN coalesce(" J("time") ", "
	J("time_added") ", " J("created") ") ELSE " J("time") " END, "
	"CASE WHEN r.rtype = 'contact' THEN coalesce(" J("time_local") ", "
	J("time_added_local") ") ELSE " J("time_local") " END, "
	J("time_quality") ", "
	"coalesce(" J("source_order") ", " J("sort_key") ", " J("line")
	", " J("rowid") "), "
	"coalesce(" J("plugin") ", '') || ':' || coalesce(" J("source_path")
	", ''), "
	"CASE r.rtype WHEN 'message' THEN "
	"coalesce(" J("sender_name") ", " J("sender_phone") ", " J("sender")
	", CASE WHEN " J("from_me") " = 1 THEN 'owner' END, '?') || ' -> ' "
	"|| coalesce(" J("recipient_name") ", " J("recipient_phone") ", "
	J("recipient") ", CASE WHEN " J("chat_type") " = 'group' THEN "
	J("chat_name") " END, CASE WHEN " J("from_me") " = 1 THEN "
	J("chat_name") " WHEN " J("from_me") " = 0 THEN 'owner' END, '?') "
	"|| ': ' || coalesce(" J("text") ", '<' || " J("kind") " || '>', '') "
	"WHEN 'call' THEN 'call ' || coalesce(" J("direction") " || ' ', '') "
	"|| coalesce(" J("name") ", " J("phone") ", " J("jid") ", '?') || "
	"coalesce(', ' || " J("duration") " || ' s', '') "
	"ELSE 'contact ' || coalesce(" J("name") ", '') || "
	"coalesce(' ' || " J("phone") ", '') END, "
	"NULL, r.rtype "
	"FROM records r WHERE r.rtype IN ('message', 'call', 'contact') "
	"AND (%s) ";

/* Exhibits and custody events (temp.spoor_tl_custody). */
static const char custody_sql[] =
	"UNION ALL "
	"SELECT NULL, exhibit, 'exhibit', NULL, 0, added, NULL, NULL, "
	"custody_seq, path, 'exhibit ' || exhibit || ' registered (' || "
	"kind || ', ' || size || ' bytes, sha256 ' || sha256 || ')', "
	"custody_seq, NULL FROM exhibits "
	"UNION ALL "
	"SELECT NULL, exhibit, 'custody', NULL, 0, time, NULL, NULL, seq, "
	"'custody.log', summary, seq, NULL FROM temp.spoor_tl_custody ";

/* The order and the filters (%s: the identity keys, then a caller's
 * condition). */
static const char filter_sql[] =
	"), k AS (SELECT u.*, CASE WHEN t IS NOT NULL THEN t ELSE tloc END "
	"AS key FROM u), "
	/* good: a time spoor writes ("...Z" UTC, or a bare local reading) */
	"g AS (SELECT k.*, CASE WHEN substr(key, 1, 19) GLOB '" D19 "' AND "
	"CASE WHEN t IS NOT NULL THEN substr(key, 20) = 'Z' OR "
	"(substr(key, 20, 1) = '.' AND substr(key, -1) = 'Z' AND "
	"length(key) > 21 AND NOT substr(key, 21, length(key) - 21) "
	"GLOB '*[^0-9]*') ELSE substr(key, 20) = '' OR "
	"(substr(key, 20, 1) = '.' AND length(key) > 20 AND "
	"NOT substr(key, 21) GLOB '*[^0-9]*') END "
	"THEN substr(key, 1, 19) ELSE '~' END AS k1, "
	"CASE WHEN substr(key, 20, 1) = '.' THEN "
	"rtrim(rtrim(substr(key, 21), 'Z'), '0') ELSE '' END AS k2 "
	"FROM k WHERE key IS NOT NULL) "
	"SELECT k1, k2, t, tloc, q, kind, macb, exhibit, source, summary, "
	"rid, cseq, rtype FROM g "
	"WHERE (?1 IS NULL OR exhibit = ?1) "
	"AND (?2 IS NULL OR kind IN (SELECT value FROM json_each(?2))) "
	"AND (?4 IS NULL OR rid IN (SELECT record_id FROM tags "
	"WHERE label = ?4)) "
	"AND (?5 IS NULL OR k1 >= ?5) AND (?6 IS NULL OR k1 <= ?6) "
	"AND (?3 IS NULL OR rid IN (SELECT r2.id FROM records r2, "
	"json_each(r2.json) j WHERE j.key IN (%s) AND "
	"j.type IN ('text', 'integer') AND "
	"(lower(CAST(j.value AS TEXT)) = lower(?3) OR "
	"lower(CAST(j.value AS TEXT)) = lower(substr(?3, instr(?3, ':') + 1)) "
	"OR 'user' || lower(CAST(j.value AS TEXT)) = "
	"lower(substr(?3, instr(?3, ':') + 1))))) AND (%s) "
	"ORDER BY k1, k2, so, rid, sub";

static const char *const kinds_all[] = {
	"file", "message", "call", "contact", "exhibit", "custody", NULL
};

/* "YYYY-MM-DD[THH:MM[:SS]][Z]" to "YYYY-MM-DDTHH:MM:SS" in out; a date
 * alone is its first second, or its last when end. */
static int bound(const char *s, bool end, char out[20], struct spoor_err *err)
{
	int y, mo, d, h = 0, mi = 0, se = 0, n = 0;
	size_t len = strlen(s);
	struct spoor_wallclock w;
	char iso[SPOOR_TIME_STR_MAX];

	if (len && s[len - 1] == 'Z')
		len--;
	if (len == 10 && sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 &&
	    n == 10) {
		if (end) {
			h = 23;
			mi = 59;
			se = 59;
		}
	} else if (!((len == 16 && sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &y,
					  &mo, &d, &h, &mi, &n) == 5 &&
		      n == 16) ||
		     (len == 19 && sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y,
					  &mo, &d, &h, &mi, &se, &n) == 6 &&
		      n == 19))) {
		return spoor_err_set(err, SPOOR_EINVAL, 0, "'%s' is not a "
				     "UTC time YYYY-MM-DD[THH:MM[:SS]][Z]", s);
	}
	w = (struct spoor_wallclock){ y, mo, d, h, mi, se };
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || se > 59 || strchr(s, ' ') || strchr(s, '+') ||
	    !spoor_wallclock_iso(&w, iso) || strlen(iso) != 19)
		return spoor_err_set(err, SPOOR_EINVAL, 0, "'%s' is not a "
				     "UTC time YYYY-MM-DD[THH:MM[:SS]][Z]", s);
	memcpy(out, iso, 20);
	return 0;
}

/* The kinds as a JSON array for json_each, checked. */
static int kinds_json(const char *const *kinds, struct sbuf *b,
		      struct spoor_err *err)
{
	sbuf_addc(b, '[');
	for (size_t i = 0; kinds[i]; i++) {
		size_t k = 0;

		while (kinds_all[k] && strcmp(kinds_all[k], kinds[i]))
			k++;
		if (!kinds_all[k])
			return spoor_err_set(err, SPOOR_EINVAL, 0, "unknown kind "
					     "'%s' (file, message, call, "
					     "contact, exhibit, custody)",
					     kinds[i]);
		sbuf_addf(b, "%s\"%s\"", i ? "," : "", kinds_all[k]);
	}
	sbuf_addc(b, ']');
	return 0;
}

/* ---- custody.log into a temporary table (the log is not in SQL) ---- */

struct cust {
	sqlite3 *db;
	sqlite3_stmt *ins;
	struct sbuf sum;
	int rc;
};

static const char *fstr(const struct spoor_record *r, const char *key,
			size_t *len)
{
	const struct spoor_field *f = spoor_record_get(r, key);

	if (!f || f->kind != SPOOR_F_STR)
		return NULL;
	*len = f->v.str.len;
	return f->v.str.ptr;
}

static void sum_part(struct sbuf *b, const struct spoor_record *r,
		     const char *key, const char *before, const char *after)
{
	size_t n;
	const char *s = fstr(r, key, &n);

	if (!s)
		return;
	sbuf_adds(b, before);
	sbuf_add(b, s, n);
	sbuf_adds(b, after);
}

static void bind_field(sqlite3_stmt *st, int i, const struct spoor_record *r,
		       const char *key)
{
	size_t n = 0;
	const char *s = fstr(r, key, &n);

	if (s)
		sqlite3_bind_text(st, i, s, (int)n, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static int cust_row(void *ud, const struct spoor_record *r)
{
	const struct spoor_field *seq = spoor_record_get(r, "seq");
	struct cust *cu = ud;

	sbuf_reset(&cu->sum);
	sum_part(&cu->sum, r, "event", "", "");
	sum_part(&cu->sum, r, "examiner", " by ", "");
	sum_part(&cu->sum, r, "tool", " with ", "");
	sum_part(&cu->sum, r, "purpose", ": ", "");
	sum_part(&cu->sum, r, "label", " '", "'");
	sum_part(&cu->sum, r, "note", " - ", "");
	if (cu->sum.failed)
		return cu->rc = SPOOR_ENOMEM;
	sqlite3_reset(cu->ins);
	/* the log's seq comes as its text */
	if (seq && seq->kind == SPOOR_F_STR && seq->v.str.len &&
	    seq->v.str.len < 20 &&
	    strspn(seq->v.str.ptr, "0123456789") == seq->v.str.len)
		sqlite3_bind_int64(cu->ins, 1, (int64_t)strtoull(
				   seq->v.str.ptr, NULL, 10));
	else
		sqlite3_bind_null(cu->ins, 1);
	bind_field(cu->ins, 2, r, "time");
	bind_field(cu->ins, 3, r, "exhibit");
	sqlite3_bind_text(cu->ins, 4, sbuf_str(&cu->sum), -1,
			  SQLITE_TRANSIENT);
	if (sqlite3_step(cu->ins) != SQLITE_DONE)
		return cu->rc = SPOOR_EIO;
	return 0;
}

static int load_custody(struct spoor_case *c, struct spoor_err *err)
{
	struct cust cu = { case_db(c), NULL, SBUF_INIT, 0 };
	int rc;

	if (sqlite3_exec(cu.db, "DROP TABLE IF EXISTS temp.spoor_tl_custody;"
			 "CREATE TEMP TABLE spoor_tl_custody (seq INTEGER, "
			 "time TEXT, exhibit TEXT, summary TEXT)", NULL, NULL,
			 NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(cu.db, "INSERT INTO temp.spoor_tl_custody "
			       "VALUES (?, ?, ?, ?)", -1, &cu.ins, NULL)
	    != SQLITE_OK)
		return case_sql_err(cu.db, err, "timeline");
	rc = spoor_case_list(c, SPOOR_CASE_CUSTODY, NULL, cust_row, &cu, err);
	if (rc && cu.rc == SPOOR_ENOMEM)
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	else if (rc && cu.rc)
		rc = case_sql_err(cu.db, err, "timeline");
	sqlite3_finalize(cu.ins);
	sbuf_release(&cu.sum);
	return rc;
}

/* ---- the entries ---- */

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* "2024-03-14T21:07:00[.f]+01:00": k1 (UTC, seconds) and the fraction
 * of the UTC time t, in tz. */
static void local_of(const char *k1, const char *t, const struct spoor_tz *tz,
		     char *out, size_t size)
{
	struct spoor_wallclock w;
	char iso[SPOOR_TIME_STR_MAX];
	const char *frac = strchr(t, '.');
	int32_t off;
	int64_t s;
	int fl = 0;

	memset(&w, 0, sizeof(w));
	if (sscanf(k1, "%4d-%2d-%2dT%2d:%2d:%2d", &w.year, &w.mon, &w.day,
		   &w.hour, &w.min, &w.sec) != 6) {
		out[0] = '\0';
		return;
	}
	s = spoor_wallclock_seconds(&w);
	off = tz ? spoor_tz_offset(tz, s) : 0;
	spoor_wallclock_from_seconds(s + off, &w);
	if (!spoor_wallclock_iso(&w, iso)) {
		out[0] = '\0';
		return;
	}
	if (frac)
		fl = (int)strspn(frac + 1, "0123456789") + 1;
	snprintf(out, size, "%s%.*s%c%02d:%02d", iso, fl, frac ? frac : "",
		 off < 0 ? '-' : '+', abs(off) / 3600, abs(off) % 3600 / 60);
}

static void add_text(struct spoor_record *r, const char *key,
		     sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		spoor_record_null(r, key);
	else
		spoor_record_bytes(r, key, col(st, i),
				   (size_t)sqlite3_column_bytes(st, i));
}

static void add_int(struct spoor_record *r, const char *key,
		    sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		spoor_record_null(r, key);
	else
		spoor_record_int(r, key, sqlite3_column_int64(st, i));
}

static int emit(sqlite3_stmt *st, const struct spoor_timeline_opts *o,
		struct sbuf *sum, spoor_artifact_cb *cb, void *ud)
{
	char loc[SPOOR_TIME_STR_MAX + 16];
	struct spoor_record r;
	const char *t = col(st, 2);

	spoor_record_init(&r, "timeline");
	add_text(&r, "time", st, 2);
	if (t) {
		local_of(col(st, 0), t, o->tz, loc, sizeof(loc));
		spoor_record_str(&r, "time_local", loc);
		spoor_record_str(&r, "time_zone", o->tz ? spoor_tz_spec(o->tz)
				 : "UTC");
	} else {
		add_text(&r, "time_local", st, 3);
		spoor_record_null(&r, "time_zone");
	}
	add_text(&r, "time_quality", st, 4);
	add_text(&r, "kind", st, 5);
	add_text(&r, "macb", st, 6);
	add_text(&r, "exhibit", st, 7);
	add_text(&r, "source", st, 8);
	if (!strcmp(col(st, 5), "file")) {
		/* "m... PATH", " (deleted)" when unallocated */
		sbuf_reset(sum);
		sbuf_adds(sum, col(st, 6));
		sbuf_addc(sum, ' ');
		sbuf_add(sum, col(st, 8) ? col(st, 8) : "",
			 (size_t)sqlite3_column_bytes(st, 8));
		if (col(st, 9))
			sbuf_adds(sum, " (deleted)");
		spoor_record_bytes(&r, "summary", sbuf_str(sum), sum->len);
	} else {
		add_text(&r, "summary", st, 9);
	}
	add_int(&r, "record_id", st, 10);
	add_int(&r, "custody_seq", st, 11);
	add_text(&r, "rtype", st, 12);
	return cb(ud, &r);
}

static int bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT)
		 : sqlite3_bind_null(st, i);
}

static int run_query(sqlite3 *db, const struct spoor_timeline_opts *o,
		     const char *kinds, const char *from, const char *to,
		     const char *pre, const char *where, spoor_artifact_cb *cb,
		     void *ud, uint64_t *unplaced, struct spoor_err *err)
{
	struct sbuf sql = SBUF_INIT, sum = SBUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc = 0, s;

	const char *p = pre ? pre : "1";

	sbuf_addf(&sql, union_sql, p, p, p, p, p);
	if (!where)
		sbuf_adds(&sql, custody_sql);
	sbuf_addf(&sql, filter_sql, case_identity_keys, where ? where : "1");
	if (sql.failed) {
		sbuf_release(&sql);
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	}
	s = sqlite3_prepare_v2(db, sbuf_str(&sql), -1, &st, NULL);
	sbuf_release(&sql);
	if (s != SQLITE_OK)
		return case_sql_err(db, err, "timeline");
	bind_opt(st, 1, o->exhibit);
	bind_opt(st, 2, kinds);
	bind_opt(st, 3, o->identity && *o->identity ? o->identity : NULL);
	bind_opt(st, 4, o->tag);
	bind_opt(st, 5, from);
	bind_opt(st, 6, to);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (!strcmp(col(st, 0), "~")) {
			(*unplaced)++;
			continue;
		}
		if (emit(st, o, &sum, cb, ud)) {
			rc = spoor_err_set(err, SPOOR_ESTOPPED, 0, "stopped");
			break;
		}
	}
	if (!rc && s != SQLITE_DONE)
		rc = case_sql_err(db, err, "timeline");
	sqlite3_finalize(st);
	sbuf_release(&sum);
	return rc;
}

/* The connection's PRAGMA cache_size. */
static long long cache_size(sqlite3 *db)
{
	sqlite3_stmt *st;
	long long v = -2000;	/* SQLite's default */

	if (sqlite3_prepare_v2(db, "PRAGMA cache_size", -1, &st, NULL) !=
	    SQLITE_OK)
		return v;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The timeline of db; with a case, its custody log and exhibits too
 * (pre and where are NULL then). */
static int timeline(sqlite3 *db, struct spoor_case *c,
		    const struct spoor_timeline_opts *o, const char *pre,
		    const char *where, spoor_artifact_cb *cb, void *ud,
		    uint64_t *unplaced, struct spoor_err *err)
{
	static const struct spoor_timeline_opts none = { 0 };
	char from[20], to[20], restore[48];
	struct sbuf kinds = SBUF_INIT;
	uint64_t n = 0;
	int rc;

	if (!o)
		o = &none;
	if ((o->from && (rc = bound(o->from, false, from, err))) ||
	    (o->to && (rc = bound(o->to, true, to, err))))
		return rc;
	if (o->kinds && (rc = kinds_json(o->kinds, &kinds, err))) {
		sbuf_release(&kinds);
		return rc;
	}
	/* the sorter may hold as much as the page cache: keep both small
	 * while streaming (flat memory), restore the connection's after */
	snprintf(restore, sizeof(restore), "PRAGMA cache_size = %lld",
		 cache_size(db));
	sqlite3_exec(db, "PRAGMA cache_size = -8192", NULL, NULL, NULL);
	rc = c ? load_custody(c, err) : 0;
	if (!rc)
		rc = run_query(db, o, o->kinds ? sbuf_str(&kinds) : NULL,
			       o->from ? from : NULL, o->to ? to : NULL,
			       pre, where, cb, ud, &n, err);
	if (c)
		sqlite3_exec(db, "DROP TABLE IF EXISTS "
			     "temp.spoor_tl_custody", NULL, NULL, NULL);
	sqlite3_exec(db, restore, NULL, NULL, NULL);
	sbuf_release(&kinds);
	if (unplaced)
		*unplaced = n;
	return rc;
}

int spoor_case_timeline(struct spoor_case *c,
			const struct spoor_timeline_opts *o,
			spoor_artifact_cb *cb, void *ud, uint64_t *unplaced,
			struct spoor_err *err)
{
	return timeline(case_db(c), c, o, NULL, NULL, cb, ud, unplaced, err);
}

int case_timeline_where(sqlite3 *db, const struct spoor_timeline_opts *o,
			const char *pre, const char *where,
			spoor_artifact_cb *cb, void *ud, uint64_t *unplaced,
			struct spoor_err *err)
{
	return timeline(db, NULL, o, pre, where ? where : "1", cb, ud,
			unplaced, err);
}
