/*
 * casedb_list.c: what a case holds, as records (exhibits, runs, tags,
 * stored records, identities, custody events), and the check that
 * custody.log and case.db agree.
 */
#include "internal.h"
#include "casedb.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "banned.h"

#define READ_CHUNK (64u << 10)

/* One row of st as a record of `type`: a field per column. */
static int emit_row(sqlite3_stmt *st, const char *type,
		    spoor_artifact_cb *cb, void *ud)
{
	struct spoor_record r;
	int n = sqlite3_column_count(st);

	spoor_record_init(&r, type);
	for (int i = 0; i < n && i < SPOOR_RECORD_MAX_FIELDS; i++) {
		const char *key = sqlite3_column_name(st, i);

		switch (sqlite3_column_type(st, i)) {
		case SQLITE_INTEGER:
		case SQLITE_FLOAT:
			spoor_record_int(&r, key, sqlite3_column_int64(st, i));
			break;
		case SQLITE_NULL:
			spoor_record_null(&r, key);
			break;
		default:
			spoor_record_bytes(&r, key, (const char *)
					   sqlite3_column_text(st, i),
					   (size_t)sqlite3_column_bytes(st, i));
		}
	}
	return cb(ud, &r);
}

static const char records_sql[] =
	"SELECT id, run_id, exhibit, rtype, "
	"json_extract(json, '$.time') AS time, "
	"CASE WHEN rtype = 'file' THEN json_extract(json, '$.path') "
	"ELSE trim(coalesce(json_extract(json, '$.chat_name') || ' | ', '') "
	"|| coalesce(json_extract(json, '$.sender_name'), "
	"json_extract(json, '$.sender'), json_extract(json, '$.name'), "
	"json_extract(json, '$.phone'), '') || ': ' || "
	"coalesce(json_extract(json, '$.text'), json_extract(json, '$.kind'), "
	"json_extract(json, '$.phone'), json_extract(json, '$.direction'), "
	"'')) END AS summary, json "
	"FROM records WHERE (?1 IS NULL OR rtype = ?1) "
	"AND (?2 IS NULL OR exhibit = ?2) "
	"AND (?3 IS NULL OR instr(lower(json), lower(?3)) > 0) ORDER BY id";

static const char *view_sql(enum spoor_case_view v, const char **type)
{
	switch (v) {
	case SPOOR_CASE_EXHIBITS:
		*type = "exhibit";
		return "SELECT *, json_extract(media_json, '$.format') AS "
		       "media_format, json_extract(media_json, '$.verified') "
		       "AS media_verified, json_extract(media_json, "
		       "'$.stored.md5') AS media_stored_md5, json_extract("
		       "media_json, '$.computed.md5') AS media_md5, "
		       "json_extract(media_json, '$.stored.sha1') AS "
		       "media_stored_sha1, json_extract(media_json, "
		       "'$.computed.sha1') AS media_sha1, json_extract("
		       "media_json, '$.computed.sha256') AS media_sha256, "
		       "json_extract(media_json, '$.error') AS media_error "
		       "FROM exhibits ORDER BY id";
	case SPOOR_CASE_RUNS:
		*type = "run";
		return "SELECT r.*, (SELECT count(*) FROM records WHERE "
		       "run_id = r.id) AS records, (SELECT count(*) FROM "
		       "record_rows WHERE run_id = r.id AND r.state = "
		       "'running') AS staged FROM runs r ORDER BY r.id";
	case SPOOR_CASE_TAGS:
		*type = "tag";
		return "SELECT t.*, r.rtype AS rtype, r.exhibit AS exhibit "
		       "FROM tags t JOIN records r ON r.id = t.record_id "
		       "ORDER BY t.id";
	case SPOOR_CASE_RECORDS:
		*type = "record";
		return records_sql;
	case SPOOR_CASE_IDENTITIES:
		*type = "identity";
		return case_identities_sql;
	default:
		return NULL;
	}
}

static int list_custody(struct spoor_case *c, spoor_artifact_cb *cb,
			void *ud, struct spoor_err *err);

int spoor_case_list(struct spoor_case *c, enum spoor_case_view v,
		    const struct spoor_case_filter *f, spoor_artifact_cb *cb,
		    void *ud, struct spoor_err *err)
{
	static const struct spoor_case_filter none = { 0 };
	sqlite3 *db = case_db(c);
	const char *type = "", *sql;
	sqlite3_stmt *st;
	int rc = SPOOR_OK, s;

	if (!f)
		f = &none;
	if (v == SPOOR_CASE_CUSTODY)
		return list_custody(c, cb, ud, err);
	sql = view_sql(v, &type);
	if (!sql)
		return spoor_err_set(err, SPOOR_EINVAL, 0, "unknown view");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return case_sql_err(db, err, type);
	if (v == SPOOR_CASE_RECORDS) {
		if (f->rtype)
			sqlite3_bind_text(st, 1, f->rtype, -1, SQLITE_STATIC);
		if (f->exhibit)
			sqlite3_bind_text(st, 2, f->exhibit, -1,
					  SQLITE_STATIC);
		if (f->grep)
			sqlite3_bind_text(st, 3, f->grep, -1, SQLITE_STATIC);
	} else if (v == SPOOR_CASE_IDENTITIES) {
		sqlite3_bind_int64(st, 1, f->min_exhibits);
	}
	while ((s = sqlite3_step(st)) == SQLITE_ROW)
		if (emit_row(st, type, cb, ud)) {
			rc = spoor_err_set(err, SPOOR_ESTOPPED, 0, "stopped");
			break;
		}
	if (!rc && s != SQLITE_DONE)
		rc = case_sql_err(db, err, type);
	sqlite3_finalize(st);
	return rc;
}

/* ---- custody.log, line by line ---- */

typedef int line_fn(void *ud, const char *p, size_t n, uint64_t lineno,
		    struct spoor_err *err);

static int each_line(const char *path, line_fn *fn, void *ud,
		     struct spoor_err *err)
{
	struct sbuf line = SBUF_INIT;
	uint64_t lineno = 1;
	char *buf = malloc(READ_CHUNK);
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = SPOOR_OK;

	line.max = SPOOR_CUSTODY_MAX_LINE + 1;
	if (fd < 0 || !buf) {
		rc = spoor_err_set(err, SPOOR_EIO, errno, "cannot open '%s'",
				   path);
		goto out;
	}
	for (;;) {
		ssize_t got = read(fd, buf, READ_CHUNK);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = spoor_err_set(err, SPOOR_EIO, errno,
					   "cannot read '%s'", path);
			break;
		}
		if (got == 0)
			break;
		for (const char *p = buf, *end = buf + got; p < end && !rc;) {
			const char *lf = memchr(p, '\n', (size_t)(end - p));

			sbuf_add(&line, p, (size_t)((lf ? lf : end) - p));
			if (line.failed) {
				rc = spoor_err_set(err, SPOOR_ELIMIT, 0,
						   "custody log line %" PRIu64
						   " too long", lineno);
				break;
			}
			if (!lf)
				break;
			rc = fn(ud, line.buf ? line.buf : "", line.len,
				lineno++, err);
			sbuf_reset(&line);
			p = lf + 1;
		}
		if (rc)
			break;
	}
	if (!rc && line.len)
		rc = fn(ud, line.buf, line.len, lineno, err);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	sbuf_release(&line);
	return rc;
}

static const char event_sql[] =
	"SELECT ?1 AS seq, ?2 AS prev, ?3 AS hash, "
	"json_extract(?4, '$.time') AS time, "
	"json_extract(?4, '$.event') AS event, "
	"json_extract(?4, '$.exhibit') AS exhibit, "
	"json_extract(?4, '$.actor.examiner') AS examiner, "
	"json_extract(?4, '$.tool.name') AS tool, "
	"json_extract(?4, '$.purpose') AS purpose, "
	"json_extract(?4, '$.note') AS note, "
	"json_extract(?4, '$.label') AS label, "
	"json_extract(?4, '$.item_sha256') AS item_sha256, ?4 AS json";

struct cust {
	sqlite3_stmt *st;
	spoor_artifact_cb *cb;
	void *ud;
};

/* Split "SEQ\tPREV\tJSON" (no checks: that is the verifier's job). */
static void split_line(const char *p, size_t n, const char **f, size_t *fl)
{
	size_t k = 0, start = 0;

	for (size_t i = 0; i <= n && k < 3; i++)
		if (i == n || (p[i] == '\t' && k < 2)) {
			f[k] = p + start;
			fl[k++] = i - start;
			start = i + 1;
		}
	for (; k < 3; k++) {
		f[k] = "";
		fl[k] = 0;
	}
}

static int cust_line(void *ud, const char *p, size_t n, uint64_t lineno,
		     struct spoor_err *err)
{
	struct cust *cu = ud;
	const char *f[3];
	size_t fl[3];
	unsigned char md[32];
	char hex[65];
	struct spoor_hash *h = spoor_hash_new(SPOOR_SHA256, NULL);
	struct spoor_digests d;
	int rc = SPOOR_OK;

	(void)lineno;
	split_line(p, n, f, fl);
	hex[0] = '\0';
	if (h && !spoor_hash_update(h, p, n, NULL) &&
	    !spoor_hash_final(h, &d, NULL)) {
		memcpy(md, d.sha256, 32);
		spoor_hex(md, 32, hex);
	}
	spoor_hash_free(h);
	sqlite3_reset(cu->st);
	sqlite3_bind_text(cu->st, 1, f[0], (int)fl[0], SQLITE_STATIC);
	sqlite3_bind_text(cu->st, 2, f[1], (int)fl[1], SQLITE_STATIC);
	sqlite3_bind_text(cu->st, 3, hex, -1, SQLITE_STATIC);
	sqlite3_bind_text(cu->st, 4, f[2], (int)fl[2], SQLITE_STATIC);
	if (sqlite3_step(cu->st) == SQLITE_ROW) {
		if (emit_row(cu->st, "event", cu->cb, cu->ud))
			rc = spoor_err_set(err, SPOOR_ESTOPPED, 0, "stopped");
	} else {
		/* malformed JSON: show the line, unparsed */
		struct spoor_record r;

		spoor_record_init(&r, "event");
		spoor_record_bytes(&r, "seq", f[0], fl[0]);
		spoor_record_bytes(&r, "json", f[2], fl[2]);
		if (cu->cb(cu->ud, &r))
			rc = spoor_err_set(err, SPOOR_ESTOPPED, 0, "stopped");
	}
	return rc;
}

static int list_custody(struct spoor_case *c, spoor_artifact_cb *cb,
			void *ud, struct spoor_err *err)
{
	struct cust cu = { NULL, cb, ud };
	int rc;

	if (sqlite3_prepare_v2(case_db(c), event_sql, -1, &cu.st, NULL) !=
	    SQLITE_OK)
		return case_sql_err(case_db(c), err, "custody");
	rc = each_line(spoor_case_custody_path(c), cust_line, &cu, err);
	sqlite3_finalize(cu.st);
	return rc;
}

/* ---- custody.log against case.db ---- */

struct ref {
	uint64_t seq;
	const char *what;	/* "exhibit", "run", "tag" */
	int64_t id;
	char *event;		/* the event name(s) expected, '|' separated */
	char *exhibit;		/* NULL: not checked */
	char *path, *value;	/* the event's JSON path and its value */
};

struct refs {
	struct ref *r;
	size_t n, next;
	sqlite3_stmt *ex;	/* json_extract of event and exhibit */
	uint64_t bad_line;
};

static int cmp_ref(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? strdup((const char *)s) : NULL;
}

static int load_refs(sqlite3 *db, struct refs *rs, struct spoor_err *err)
{
	static const char sql[] =
		"SELECT custody_seq, 'exhibit', id, 'received|acquired', "
		"exhibit, '$.item_sha256', sha256 FROM exhibits UNION ALL "
		"SELECT custody_seq, 'run', id, CASE state WHEN 'discarded' "
		"THEN 'discarded' ELSE 'analysed|acquired' END, CASE state "
		"WHEN 'discarded' THEN NULL ELSE exhibit END, "
		"'$.run_id', CAST(id AS TEXT) FROM runs "
		"WHERE custody_seq IS NOT NULL UNION ALL "
		"SELECT custody_seq, 'tag', id, 'analysed', NULL, '$.label', "
		"label FROM tags";
	sqlite3_stmt *st;
	size_t cap = 0;
	int s;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return case_sql_err(db, err, "custody_seq");
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		struct ref *r;

		if (rs->n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			struct ref *p = realloc(rs->r, nc * sizeof(*p));

			if (!p)
				break;
			rs->r = p;
			cap = nc;
		}
		r = &rs->r[rs->n++];
		r->seq = (uint64_t)sqlite3_column_int64(st, 0);
		switch (sqlite3_column_text(st, 1)[0]) {
		case 'e': r->what = "exhibit"; break;
		case 'r': r->what = "run"; break;
		default: r->what = "tag";
		}
		r->id = sqlite3_column_int64(st, 2);
		r->event = col_dup(st, 3);
		r->exhibit = col_dup(st, 4);
		r->path = col_dup(st, 5);
		r->value = col_dup(st, 6);
	}
	sqlite3_finalize(st);
	if (s != SQLITE_DONE)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	qsort(rs->r, rs->n, sizeof(*rs->r), cmp_ref);
	return SPOOR_OK;
}

static bool event_in(const char *ev, const char *list)
{
	size_t n = strlen(ev);

	for (const char *p = list; p && *p;) {
		const char *bar = strchr(p, '|');
		size_t k = bar ? (size_t)(bar - p) : strlen(p);

		if (k == n && !memcmp(p, ev, n))
			return true;
		p = bar ? bar + 1 : NULL;
	}
	return false;
}

static int ref_line(void *ud, const char *p, size_t n, uint64_t lineno,
		    struct spoor_err *err)
{
	struct refs *rs = ud;
	uint64_t seq = lineno - 1;
	const char *f[3], *ev, *ex, *val;
	size_t fl[3];
	int rc = SPOOR_OK;

	split_line(p, n, f, fl);
	while (!rc && rs->next < rs->n && rs->r[rs->next].seq == seq) {
		struct ref *r = &rs->r[rs->next++];

		sqlite3_reset(rs->ex);
		sqlite3_bind_text(rs->ex, 1, f[2], (int)fl[2], SQLITE_STATIC);
		sqlite3_bind_text(rs->ex, 2, r->path ? r->path : "$.none", -1,
				  SQLITE_STATIC);
		if (sqlite3_step(rs->ex) != SQLITE_ROW) {
			rs->bad_line = lineno;
			return spoor_err_set(err, SPOOR_EFORMAT, 0, "custody "
					     "log line %" PRIu64 ": not a JSON "
					     "event", lineno);
		}
		ev = (const char *)sqlite3_column_text(rs->ex, 0);
		ex = (const char *)sqlite3_column_text(rs->ex, 1);
		val = (const char *)sqlite3_column_text(rs->ex, 2);
		if (!ev || !event_in(ev, r->event) ||
		    (r->exhibit && (!ex || strcmp(ex, r->exhibit))) ||
		    (r->value && (!val || strcmp(val, r->value)))) {
			rs->bad_line = lineno;
			rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "custody log "
					   "line %" PRIu64 " (seq %" PRIu64
					   ") is not the '%s' event of %s %"
					   PRId64 "%s%s%s in case.db", lineno,
					   seq, r->event, r->what, r->id,
					   r->exhibit ? " (exhibit '" : "",
					   r->exhibit ? r->exhibit : "",
					   r->exhibit ? "')" : "");
		}
	}
	return rc;
}

int spoor_case_custody_verify(struct spoor_case *c,
			      struct spoor_custody_check *chk,
			      struct spoor_err *err)
{
	struct refs rs = { 0 };
	int fd, rc;

	chk->at_seq = UINT64_MAX;
	fd = open(spoor_case_custody_path(c), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return spoor_err_set(err, SPOOR_EIO, errno, "cannot open '%s'",
				     spoor_case_custody_path(c));
	rc = spoor_custody_verify_fd(fd, spoor_case_get(c, "case_id"), chk,
				     err);
	close(fd);
	if (rc)
		return rc;
	rc = load_refs(case_db(c), &rs, err);
	if (!rc && rs.n && rs.r[rs.n - 1].seq >= chk->count) {
		struct ref *r = &rs.r[rs.n - 1];

		/* rows refer to lines the log no longer has: its end was
		 * cut off, which the chain alone cannot show */
		chk->bad_line = chk->count + 1;
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "custody log line %"
				   PRIu64 " (seq %" PRIu64 ") is missing: "
				   "%s %" PRId64 " of case.db refers to it "
				   "(log truncated or lines deleted)",
				   chk->count + 1, r->seq, r->what, r->id);
	}
	if (!rc && sqlite3_prepare_v2(case_db(c), "SELECT json_extract(?1, "
				      "'$.event'), json_extract(?1, "
				      "'$.exhibit'), CAST(json_extract(?1, "
				      "?2) AS TEXT)", -1, &rs.ex, NULL) !=
	    SQLITE_OK)
		rc = case_sql_err(case_db(c), err, "custody");
	if (!rc) {
		rc = each_line(spoor_case_custody_path(c), ref_line, &rs,
			       err);
		if (rc)
			chk->bad_line = rs.bad_line;
	}
	sqlite3_finalize(rs.ex);
	for (size_t i = 0; i < rs.n; i++) {
		free(rs.r[i].event);
		free(rs.r[i].exhibit);
		free(rs.r[i].path);
		free(rs.r[i].value);
	}
	free(rs.r);
	return rc;
}
