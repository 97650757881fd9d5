/*
 * casedb.c: a case directory: case.db (SQLite, the schema of
 * lib/casedb.sql compiled in byte for byte) and the hash-chained
 * custody.log of custody.c.  Every change appends its custody event
 * first and stores the event's seq with the row it made, so the log
 * and the database vouch for each other (spoor_case_custody_verify).
 */
#include "internal.h"
#include "casedb.h"
#include "writer.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include <openssl/evp.h>

#include "banned.h"

/* Migrations: entry i takes a case.db from user_version i to i + 1. */
static const char *const migrations[] = {
#include "casedb-sql.h"
	,
};

#define BATCH 20000		/* records per transaction, at most */
#define BATCH_SECONDS 1.0	/* how long one may hold the write lock */
#define BUSY_MS 10000		/* wait this long for another writer */

static const char *const info_keys[] = {
	"case_id", "examiner", "created", "spoor_version", "description",
};

struct spoor_case {
	sqlite3 *db;
	char *dir, *db_path, *custody_path;
	char *info[ARRAY_SIZE(info_keys)];
	char *found_exhibit, *found_sha256;
};

/* ---- small helpers ---- */

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void case_now(char out[SPOOR_TIME_STR_MAX])
{
	struct timespec ts;
	struct spoor_time t = { 0, 0, true };

	clock_gettime(CLOCK_REALTIME, &ts);
	t.sec = ts.tv_sec;
	if (!spoor_time_iso(&t, out))
		spoor_strlcpy(out, "1970-01-01T00:00:00Z", SPOOR_TIME_STR_MAX);
}

static char *join_path(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

int case_sql_err(sqlite3 *db, struct spoor_err *err, const char *what)
{
	int code = sqlite3_errcode(db);

	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		return spoor_err_set(err, SPOOR_EIO, 0,
				     "case is locked by another process "
				     "(%s)", what);
	if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
		return spoor_err_set(err, SPOOR_EFORMAT, 0,
				     "'case.db' is not a case database: %s",
				     sqlite3_errmsg(db));
	return spoor_err_set(err, SPOOR_EOUTPUT, 0, "case.db: %s: %s", what,
			     sqlite3_errmsg(db));
}

static int exec(sqlite3 *db, const char *sql, struct spoor_err *err)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return case_sql_err(db, err, sql);
	return SPOOR_OK;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* ---- custody events: one JSON object on one line ---- */

void ev_key(struct ev *e, const char *key)
{
	sbuf_addc(&e->b, e->n++ ? ',' : '{');
	wr_json_string(&e->b, key, strlen(key));
	sbuf_addc(&e->b, ':');
}

void ev_str(struct ev *e, const char *key, const char *val)
{
	ev_key(e, key);
	if (val)
		wr_json_string(&e->b, val, strlen(val));
	else
		sbuf_adds(&e->b, "null");
}

void ev_int(struct ev *e, const char *key, int64_t v)
{
	ev_key(e, key);
	sbuf_addf(&e->b, "%" PRId64, v);
}

void ev_raw(struct ev *e, const char *key, const char *json)
{
	ev_key(e, key);
	sbuf_adds(&e->b, json ? json : "null");
}

/* The fields every event has: time, event, exhibit, item_sha256,
 * actor. */
void ev_start(struct ev *e, const char *event, const char *exhibit,
	      const char *sha256, const char *examiner)
{
	char now[SPOOR_TIME_STR_MAX];

	memset(e, 0, sizeof(*e));
	case_now(now);
	ev_str(e, "time", now);
	ev_str(e, "time_source", "system clock");
	ev_str(e, "event", event);
	ev_str(e, "exhibit", exhibit);
	ev_str(e, "item_sha256", sha256);
	ev_key(e, "actor");
	sbuf_adds(&e->b, "{\"examiner\":");
	wr_json_string(&e->b, examiner ? examiner : "",
		       examiner ? strlen(examiner) : 0);
	sbuf_adds(&e->b, ",\"role\":\"examiner\"}");
}

/*
 * The tool of an event.  The custody log is copied into every bundle
 * and cannot be redacted, while a command line may name people (--me,
 * file names): the event binds the parameters by their SHA-256 only;
 * the JSON array itself stays in case.db (runs.parameters) and in the
 * acquisition log.
 */
static void ev_tool_json(struct ev *e, const char *name, const char *version,
			 const char *params_json)
{
	unsigned char md[32];
	unsigned int n = 0;
	char hex[65] = "";

	if (EVP_Digest(params_json, strlen(params_json), md, &n,
		       EVP_sha256(), NULL) && n == sizeof(md))
		spoor_hex(md, sizeof(md), hex);
	ev_key(e, "tool");
	sbuf_adds(&e->b, "{\"name\":");
	wr_json_string(&e->b, name, strlen(name));
	sbuf_adds(&e->b, ",\"version\":");
	wr_json_string(&e->b, version ? version : "",
		       version ? strlen(version) : 0);
	sbuf_adds(&e->b, ",\"parameters_sha256\":");
	wr_json_string(&e->b, hex, strlen(hex));
	sbuf_addc(&e->b, '}');
}

void ev_tool(struct ev *e, const char *name, const char *version,
	     int argc, const char *const *argv)
{
	struct sbuf params = SBUF_INIT;

	case_json_argv(&params, argc, argv);
	ev_tool_json(e, name, version, sbuf_str(&params));
	sbuf_release(&params);
}

void case_json_argv(struct sbuf *b, int argc, const char *const *argv)
{
	sbuf_addc(b, '[');
	for (int i = 0; argv && (argc < 0 ? argv[i] != NULL : i < argc);
	     i++) {
		if (i)
			sbuf_addc(b, ',');
		wr_json_string(b, argv[i], strlen(argv[i]));
	}
	sbuf_addc(b, ']');
}

/* Close the object and append it to the log. */
int ev_append(struct spoor_case *c, struct ev *e, uint64_t *seq,
	      struct spoor_err *err)
{
	int rc;

	sbuf_addc(&e->b, '}');
	if (e->b.failed)
		rc = spoor_err_set(err, SPOOR_ELIMIT, 0,
				   "custody event too long");
	else
		rc = spoor_custody_append(c->custody_path,
					  c->info[0] ? c->info[0] : "",
					  e->b.buf, seq, NULL, err);
	sbuf_release(&e->b);
	return rc;
}

/* ---- create and open ---- */

static bool dir_empty(const char *dir)
{
	struct stat st;
	char *p;
	bool any = false;

	/* only our own two names count as "something" to protect */
	p = join_path(dir, "case.db");
	any |= p && lstat(p, &st) == 0;
	free(p);
	p = join_path(dir, "custody.log");
	any |= p && lstat(p, &st) == 0;
	free(p);
	return !any;
}

static struct spoor_case *case_alloc(const char *dir)
{
	struct spoor_case *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->dir = strdup(dir);
	c->db_path = join_path(dir, "case.db");
	c->custody_path = join_path(dir, "custody.log");
	if (!c->dir || !c->db_path || !c->custody_path) {
		spoor_case_close(c);
		return NULL;
	}
	return c;
}

static int load_info(struct spoor_case *c, struct spoor_err *err)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(c->db, "SELECT key, value FROM case_info",
			       -1, &st, NULL) != SQLITE_OK)
		return case_sql_err(c->db, err, "case_info");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *v = (const char *)sqlite3_column_text(st, 1);

		for (size_t i = 0; k && v && i < ARRAY_SIZE(info_keys); i++)
			if (!strcmp(k, info_keys[i]) && !c->info[i])
				c->info[i] = strdup(v);
	}
	sqlite3_finalize(st);
	if (!c->info[0] || !c->info[1])
		return spoor_err_set(err, SPOOR_EFORMAT, 0,
				     "'%s' has no case id or examiner",
				     c->db_path);
	return SPOOR_OK;
}

static int migrate(struct spoor_case *c, int from, struct spoor_err *err)
{
	char sql[64];
	int rc;

	rc = exec(c->db, "BEGIN IMMEDIATE", err);
	if (rc)
		return rc;
	for (int v = from; !rc && v < SPOOR_CASEDB_VERSION; v++) {
		rc = exec(c->db, migrations[v], err);
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (!rc)
			rc = exec(c->db, sql, err);
	}
	if (!rc)
		rc = exec(c->db, "COMMIT", err);
	if (rc)
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static int insert_info(struct spoor_case *c,
		       const struct spoor_case_new_opts *o,
		       struct spoor_err *err)
{
	char now[SPOOR_TIME_STR_MAX];
	const char *vals[ARRAY_SIZE(info_keys)];
	sqlite3_stmt *st;
	int rc = SPOOR_OK;

	case_now(now);
	vals[0] = o->case_id;
	vals[1] = o->examiner;
	vals[2] = now;
	vals[3] = spoor_version();
	vals[4] = o->description ? o->description : "";
	if (sqlite3_prepare_v2(c->db, "INSERT INTO case_info (key, value) "
			       "VALUES (?1, ?2)", -1, &st, NULL) != SQLITE_OK)
		return case_sql_err(c->db, err, "case_info");
	for (size_t i = 0; i < ARRAY_SIZE(info_keys) && !rc; i++) {
		bind_text(st, 1, info_keys[i]);
		bind_text(st, 2, vals[i]);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = case_sql_err(c->db, err, "case_info");
		sqlite3_reset(st);
		c->info[i] = strdup(vals[i]);
	}
	sqlite3_finalize(st);
	return rc;
}

static bool text_ok(const char *s)
{
	if (!s || !*s || !spoor_utf8_valid(s, strlen(s)))
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

int spoor_case_create(const char *dir, const struct spoor_case_new_opts *o,
		      struct spoor_err *err)
{
	struct spoor_case *c;
	struct ev e;
	int rc;

	if (!dir || !o || !text_ok(o->case_id) || !text_ok(o->examiner))
		return spoor_err_set(err, SPOOR_EINVAL, 0, "a case needs a "
				     "case id and an examiner (printable "
				     "UTF-8)");
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return spoor_err_set(err, SPOOR_EOUTPUT, errno,
				     "cannot create '%s'", dir);
	if (!dir_empty(dir))
		return spoor_err_set(err, SPOOR_EINVAL, 0,
				     "'%s' already holds a case", dir);
	c = case_alloc(dir);
	if (!c)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	if (sqlite3_open_v2(c->db_path, &c->db, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_CREATE | SQLITE_OPEN_EXCLUSIVE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = spoor_err_set(err, SPOOR_EOUTPUT, 0, "cannot create "
				   "'%s': %s", c->db_path,
				   c->db ? sqlite3_errmsg(c->db) : "no memory");
		goto out;
	}
	sqlite3_busy_timeout(c->db, BUSY_MS);
	rc = exec(c->db, "PRAGMA journal_mode = WAL", err);
	if (!rc)
		rc = migrate(c, 0, err);
	if (!rc)
		rc = exec(c->db, "BEGIN", err);
	if (!rc)
		rc = insert_info(c, o, err);
	if (!rc)
		rc = exec(c->db, "COMMIT", err);
	if (rc)
		goto out;
	ev_start(&e, "created", NULL, NULL, o->examiner);
	ev_str(&e, "case_id", o->case_id);
	ev_str(&e, "description", o->description);
	ev_str(&e, "purpose", "case created");
	rc = ev_append(c, &e, NULL, err);
out:
	spoor_case_close(c);
	return rc;
}

struct spoor_case *spoor_case_open(const char *dir, bool writable,
				   struct spoor_err *err)
{
	struct spoor_case *c;
	struct stat st;
	sqlite3_stmt *stmt;
	int version = -1, rc;

	c = dir ? case_alloc(dir) : NULL;
	if (!c) {
		spoor_err_set(err, dir ? SPOOR_ENOMEM : SPOOR_EINVAL, 0,
			      dir ? "out of memory" : "no case given");
		return NULL;
	}
	if (stat(c->db_path, &st) != 0 || !S_ISREG(st.st_mode)) {
		spoor_err_set(err, SPOOR_ENOTFOUND, errno, "no case in '%s' "
			      "(no case.db; create one with spoor-case init)",
			      dir);
		goto fail;
	}
	if (sqlite3_open_v2(c->db_path, &c->db, (writable
			    ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY) |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		spoor_err_set(err, SPOOR_EIO, 0, "cannot open '%s': %s",
			      c->db_path, c->db ? sqlite3_errmsg(c->db) : "");
		goto fail;
	}
	sqlite3_busy_timeout(c->db, BUSY_MS);
	sqlite3_extended_result_codes(c->db, 0);
	/* batches of BATCH records: a page cache that holds a batch's
	 * index pages keeps 1 M records to seconds */
	sqlite3_exec(c->db, "PRAGMA cache_size = -65536", NULL, NULL, NULL);
	if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &stmt,
			       NULL) == SQLITE_OK) {
		if (sqlite3_step(stmt) == SQLITE_ROW)
			version = sqlite3_column_int(stmt, 0);
		sqlite3_finalize(stmt);
	}
	if (version < 0) {
		case_sql_err(c->db, err, "schema version");
		goto fail;
	}
	if (version > SPOOR_CASEDB_VERSION) {
		spoor_err_set(err, SPOOR_EUNSUPPORTED, 0, "'%s' has schema "
			      "version %d, newer than this spoor knows (%d): "
			      "use a newer spoor", c->db_path, version,
			      SPOOR_CASEDB_VERSION);
		goto fail;
	}
	if (version == 0) {
		spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s' is not a spoor "
			      "case (schema version 0)", c->db_path);
		goto fail;
	}
	if (version < SPOOR_CASEDB_VERSION && !writable) {
		spoor_err_set(err, SPOOR_EUNSUPPORTED, 0, "'%s' has the old "
			      "schema version %d: open it writable once to "
			      "migrate it", c->db_path, version);
		goto fail;
	}
	if (version < SPOOR_CASEDB_VERSION && migrate(c, version, err))
		goto fail;
	if (exec(c->db, "PRAGMA foreign_keys = ON", err))
		goto fail;
	rc = load_info(c, err);
	if (rc)
		goto fail;
	return c;
fail:
	spoor_case_close(c);
	return NULL;
}

void spoor_case_close(struct spoor_case *c)
{
	if (!c)
		return;
	sqlite3_close(c->db);
	for (size_t i = 0; i < ARRAY_SIZE(info_keys); i++)
		free(c->info[i]);
	free(c->dir);
	free(c->db_path);
	free(c->custody_path);
	free(c->found_exhibit);
	free(c->found_sha256);
	free(c);
}

const char *spoor_case_get(const struct spoor_case *c, const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(info_keys); i++)
		if (!strcmp(key, info_keys[i]))
			return c->info[i];
	return NULL;
}

const char *spoor_case_custody_path(const struct spoor_case *c)
{
	return c->custody_path;
}

sqlite3 *case_db(struct spoor_case *c)
{
	return c->db;
}

/* ---- exhibits ---- */

int spoor_case_exhibit_add(struct spoor_case *c,
			   const struct spoor_case_exhibit *e, uint64_t *seq,
			   struct spoor_err *err)
{
	char sha[65], md5[33], sha1[41], now[SPOOR_TIME_STR_MAX];
	const char *event = e->event ? e->event : "received";
	uint64_t s = 0;
	sqlite3_stmt *st;
	struct ev ev;
	int rc;

	if (!text_ok(e->exhibit) || !e->path || !e->kind ||
	    !(e->digests.mask & SPOOR_SHA256))
		return spoor_err_set(err, SPOOR_EINVAL, 0, "an exhibit needs "
				     "a printable id, a path and a sha256");
	if (!spoor_case_exhibit_find(c, NULL, e->exhibit, NULL, NULL, NULL))
		return spoor_err_set(err, SPOOR_EINVAL, 0, "exhibit '%s' is "
				     "already registered", e->exhibit);
	spoor_hex(e->digests.sha256, 32, sha);
	spoor_hex(e->digests.md5, 16, md5);
	spoor_hex(e->digests.sha1, 20, sha1);
	ev_start(&ev, event, e->exhibit, sha, c->info[1]);
	ev_str(&ev, "kind", e->kind);
	ev_str(&ev, "path", e->path);
	ev_int(&ev, "size", (int64_t)e->size);
	ev_str(&ev, "md5", e->digests.mask & SPOOR_MD5 ? md5 : NULL);
	ev_str(&ev, "sha1", e->digests.mask & SPOOR_SHA1 ? sha1 : NULL);
	if (!strcmp(e->kind, "directory")) {
		ev_int(&ev, "files", (int64_t)e->files);
		ev_int(&ev, "skipped", (int64_t)e->skipped);
	}
	ev_str(&ev, "from", e->received_from);
	ev_str(&ev, "description", e->description);
	ev_str(&ev, "acquisition_log", e->log_path);
	if (e->tool)
		ev_tool(&ev, e->tool, spoor_version(), -1, e->parameters);
	ev_str(&ev, "purpose", !strcmp(event, "acquired")
	       ? "image acquired into the case" : "exhibit registered");
	rc = ev_append(c, &ev, &s, err);
	if (rc)
		return rc;
	case_now(now);
	if (sqlite3_prepare_v2(c->db, "INSERT INTO exhibits (exhibit, path, "
			       "kind, size, md5, sha1, sha256, description, "
			       "received_from, acquisition_log, acquired_json, "
			       "added, custody_seq) VALUES (?1, ?2, ?3, ?4, "
			       "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)", -1,
			       &st, NULL) != SQLITE_OK)
		return case_sql_err(c->db, err, "exhibits");
	bind_text(st, 1, e->exhibit);
	bind_text(st, 2, e->path);
	bind_text(st, 3, e->kind);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)e->size);
	bind_text(st, 5, e->digests.mask & SPOOR_MD5 ? md5 : NULL);
	bind_text(st, 6, e->digests.mask & SPOOR_SHA1 ? sha1 : NULL);
	bind_text(st, 7, sha);
	bind_text(st, 8, e->description);
	bind_text(st, 9, e->received_from);
	bind_text(st, 10, e->acquisition_log);
	bind_text(st, 11, e->acquired_json);
	bind_text(st, 12, now);
	sqlite3_bind_int64(st, 13, (sqlite3_int64)s);
	rc = sqlite3_step(st) == SQLITE_DONE ? SPOOR_OK
		: case_sql_err(c->db, err, "exhibits");
	sqlite3_finalize(st);
	if (!rc && seq)
		*seq = s;
	return rc;
}

int spoor_case_exhibit_find(struct spoor_case *c, const char *path,
			    const char *id, const char **exhibit,
			    const char **sha256, struct spoor_err *err)
{
	sqlite3_stmt *st;
	char *real = NULL;
	int rc;

	if (!id) {
		real = path ? realpath(path, NULL) : NULL;
		if (!real)
			return spoor_err_set(err, SPOOR_ENOTFOUND, errno,
					     "cannot resolve '%s'",
					     path ? path : "");
	}
	if (sqlite3_prepare_v2(c->db, id ? "SELECT exhibit, sha256 FROM "
			       "exhibits WHERE exhibit = ?1"
			       : "SELECT exhibit, sha256 FROM exhibits WHERE "
			       "path = ?1 ORDER BY id", -1, &st, NULL) !=
	    SQLITE_OK) {
		free(real);
		return case_sql_err(c->db, err, "exhibits");
	}
	bind_text(st, 1, id ? id : real);
	if (sqlite3_step(st) == SQLITE_ROW) {
		free(c->found_exhibit);
		free(c->found_sha256);
		c->found_exhibit = strdup((const char *)
					  sqlite3_column_text(st, 0));
		c->found_sha256 = strdup((const char *)
					 sqlite3_column_text(st, 1));
		if (exhibit)
			*exhibit = c->found_exhibit;
		if (sha256)
			*sha256 = c->found_sha256;
		rc = c->found_exhibit && c->found_sha256 ? SPOOR_OK
			: spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	} else if (id) {
		rc = spoor_err_set(err, SPOOR_ENOTFOUND, 0, "no exhibit '%s' "
				   "in the case", id);
	} else {
		rc = spoor_err_set(err, SPOOR_ENOTFOUND, 0, "'%s' is not a "
				   "registered exhibit of the case (register "
				   "it with spoor-case add, or name it with "
				   "--exhibit)", real);
	}
	sqlite3_finalize(st);
	free(real);
	return rc;
}

/* ---- runs ---- */

struct spoor_case_run {
	struct spoor_case *c;
	int64_t id;
	sqlite3_stmt *ins;
	struct sbuf line;
	uint64_t count, in_batch;
	bool in_tx;
	double tx_start;
	char *tool, *version, *exhibit, *sha256, *event, *purpose;
	struct sbuf params;
};

static void run_free(struct spoor_case_run *r)
{
	sqlite3_finalize(r->ins);
	sbuf_release(&r->line);
	sbuf_release(&r->params);
	free(r->tool);
	free(r->version);
	free(r->exhibit);
	free(r->sha256);
	free(r->event);
	free(r->purpose);
	free(r);
}

static char *xstrdup_or_null(const char *s, bool *fail)
{
	char *p = s ? strdup(s) : NULL;

	if (s && !p)
		*fail = true;
	return p;
}

struct spoor_case_run *spoor_case_run_begin(struct spoor_case *c,
					    const struct spoor_case_run_opts *o,
					    struct spoor_err *err)
{
	struct spoor_case_run *r = calloc(1, sizeof(*r));
	char now[SPOOR_TIME_STR_MAX];
	sqlite3_stmt *st = NULL;
	bool fail = !r;

	if (!r) {
		spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
		return NULL;
	}
	r->c = c;
	r->tool = xstrdup_or_null(o->tool, &fail);
	r->version = xstrdup_or_null(o->version, &fail);
	r->exhibit = xstrdup_or_null(o->exhibit, &fail);
	r->sha256 = xstrdup_or_null(o->input_sha256, &fail);
	r->event = xstrdup_or_null(o->event ? o->event : "analysed", &fail);
	r->purpose = xstrdup_or_null(o->purpose, &fail);
	case_json_argv(&r->params, o->argc, o->argv);
	r->line.max = SBUF_DEFAULT_MAX;
	if (fail || r->params.failed || !o->tool) {
		spoor_err_set(err, fail ? SPOOR_ENOMEM : SPOOR_EINVAL, 0,
			      fail ? "out of memory" : "a run needs a tool");
		goto fail;
	}
	case_now(now);
	if (sqlite3_prepare_v2(c->db, "INSERT INTO runs (tool, version, "
			       "parameters, exhibit, input_sha256, examiner, "
			       "started) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			       -1, &st, NULL) != SQLITE_OK)
		goto sqlfail;
	bind_text(st, 1, o->tool);
	bind_text(st, 2, o->version ? o->version : spoor_version());
	bind_text(st, 3, sbuf_str(&r->params));
	bind_text(st, 4, o->exhibit);
	bind_text(st, 5, o->input_sha256);
	bind_text(st, 6, c->info[1]);
	bind_text(st, 7, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto sqlfail;
	sqlite3_finalize(st);
	st = NULL;
	r->id = sqlite3_last_insert_rowid(c->db);
	if (sqlite3_prepare_v2(c->db, "INSERT INTO records (run_id, exhibit, "
			       "rtype, json) VALUES (?1, ?2, ?3, ?4)", -1,
			       &r->ins, NULL) != SQLITE_OK)
		goto sqlfail;
	return r;
sqlfail:
	case_sql_err(c->db, err, "runs");
	sqlite3_finalize(st);
fail:
	run_free(r);
	return NULL;
}

static int run_commit(struct spoor_case_run *r, struct spoor_err *err)
{
	if (!r->in_tx)
		return SPOOR_OK;
	r->in_tx = false;
	r->in_batch = 0;
	return exec(r->c->db, "COMMIT", err);
}

int spoor_case_run_add(struct spoor_case_run *r, const char *rtype,
		       const struct spoor_record *rec, int64_t *id,
		       struct spoor_err *err)
{
	const struct spoor_field *ex = spoor_record_get(rec, "exhibit");
	int rc;

	if (rec->overflow)
		return spoor_err_set(err, SPOOR_EINTERNAL, 0,
				     "record with too many fields");
	if (!r->in_tx) {
		rc = exec(r->c->db, "BEGIN IMMEDIATE", err);
		if (rc)
			return rc;
		r->in_tx = true;
		r->tx_start = mono_now();
	}
	sbuf_reset(&r->line);
	wr_json_record(&r->line, rec);
	if (r->line.failed)
		return spoor_err_set(err, SPOOR_ELIMIT, 0,
				     "record too large to store");
	sqlite3_bind_int64(r->ins, 1, r->id);
	if (ex && ex->kind == SPOOR_F_STR)
		sqlite3_bind_text(r->ins, 2, ex->v.str.ptr, (int)ex->v.str.len,
				  SQLITE_TRANSIENT);
	else
		bind_text(r->ins, 2, r->exhibit ? r->exhibit : "");
	bind_text(r->ins, 3, rtype ? rtype : rec->type);
	sqlite3_bind_text(r->ins, 4, r->line.buf, (int)r->line.len,
			  SQLITE_STATIC);
	rc = sqlite3_step(r->ins) == SQLITE_DONE ? SPOOR_OK
		: case_sql_err(r->c->db, err, "records");
	sqlite3_reset(r->ins);
	if (rc)
		return rc;
	if (id)
		*id = sqlite3_last_insert_rowid(r->c->db);
	r->count++;
	/* other tools may record into the case at the same time: the
	 * write lock is held for a batch, never for long */
	if (++r->in_batch >= BATCH || mono_now() - r->tx_start >= BATCH_SECONDS)
		return run_commit(r, err);
	return SPOOR_OK;
}

int spoor_case_run_tick(struct spoor_case_run *r, struct spoor_err *err)
{
	if (r->in_tx && mono_now() - r->tx_start >= BATCH_SECONDS)
		return run_commit(r, err);
	return SPOOR_OK;
}

uint64_t spoor_case_run_count(const struct spoor_case_run *r)
{
	return r->count;
}

void spoor_case_run_abort(struct spoor_case_run *r)
{
	if (!r)
		return;
	run_commit(r, NULL);
	run_free(r);
}

int spoor_case_run_end(struct spoor_case_run *r, int exit_code,
		       const char *counts_json, struct spoor_err *err)
{
	char now[SPOOR_TIME_STR_MAX], counts[64];
	struct spoor_case *c = r->c;
	sqlite3_stmt *st;
	uint64_t seq = 0;
	struct ev e;
	int rc;

	rc = run_commit(r, err);
	if (rc)
		goto out;
	if (!counts_json) {
		snprintf(counts, sizeof(counts), "{\"records\":%" PRIu64 "}",
			 r->count);
		counts_json = counts;
	}
	ev_start(&e, r->event, r->exhibit, r->sha256, c->info[1]);
	ev_tool_json(&e, r->tool, r->version, sbuf_str(&r->params));
	ev_int(&e, "run_id", r->id);
	ev_int(&e, "records", (int64_t)r->count);
	ev_raw(&e, "counts", counts_json);
	ev_int(&e, "exit_code", exit_code);
	ev_str(&e, "purpose", r->purpose);
	rc = ev_append(c, &e, &seq, err);
	if (rc)
		goto out;
	case_now(now);
	if (sqlite3_prepare_v2(c->db, "UPDATE runs SET finished = ?1, "
			       "exit_code = ?2, counts = ?3, custody_seq = ?4 "
			       "WHERE id = ?5", -1, &st, NULL) != SQLITE_OK) {
		rc = case_sql_err(c->db, err, "runs");
		goto out;
	}
	bind_text(st, 1, now);
	sqlite3_bind_int(st, 2, exit_code);
	bind_text(st, 3, counts_json);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)seq);
	sqlite3_bind_int64(st, 5, r->id);
	rc = sqlite3_step(st) == SQLITE_DONE ? SPOOR_OK
		: case_sql_err(c->db, err, "runs");
	sqlite3_finalize(st);
out:
	run_free(r);
	return rc;
}

/* ---- tags ---- */

int spoor_case_tag(struct spoor_case *c, const int64_t *ids, size_t n,
		   const char *label, const char *note, const char *examiner,
		   struct spoor_err *err)
{
	char now[SPOOR_TIME_STR_MAX], *exhibit = NULL;
	bool one_exhibit = true;
	sqlite3_stmt *st;
	uint64_t seq = 0;
	struct ev e;
	int rc = SPOOR_OK;

	if (!n || !text_ok(label))
		return spoor_err_set(err, SPOOR_EINVAL, 0, "a tag needs "
				     "record ids and a printable label");
	if (sqlite3_prepare_v2(c->db, "SELECT exhibit FROM records WHERE "
			       "id = ?1", -1, &st, NULL) != SQLITE_OK)
		return case_sql_err(c->db, err, "records");
	for (size_t i = 0; i < n && !rc; i++) {
		const char *ex;

		sqlite3_bind_int64(st, 1, ids[i]);
		if (sqlite3_step(st) != SQLITE_ROW) {
			rc = spoor_err_set(err, SPOOR_ENOTFOUND, 0, "no record "
					   "%" PRId64 " in the case", ids[i]);
			break;
		}
		ex = (const char *)sqlite3_column_text(st, 0);
		if (!exhibit)
			exhibit = strdup(ex ? ex : "");
		else if (ex && strcmp(ex, exhibit))
			one_exhibit = false;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (rc)
		goto out;
	if (!examiner)
		examiner = c->info[1];
	ev_start(&e, "analysed", one_exhibit ? exhibit : NULL, NULL,
		 examiner);
	ev_key(&e, "records");
	sbuf_addc(&e.b, '[');
	for (size_t i = 0; i < n; i++)
		sbuf_addf(&e.b, "%s%" PRId64, i ? "," : "", ids[i]);
	sbuf_addc(&e.b, ']');
	ev_str(&e, "label", label);
	ev_str(&e, "purpose", "findings tagged for the report");
	ev_str(&e, "note", note);
	rc = ev_append(c, &e, &seq, err);
	if (rc)
		goto out;
	case_now(now);
	rc = exec(c->db, "BEGIN IMMEDIATE", err);
	if (rc)
		goto out;
	if (sqlite3_prepare_v2(c->db, "INSERT INTO tags (record_id, label, "
			       "note, examiner, time, custody_seq) VALUES "
			       "(?1, ?2, ?3, ?4, ?5, ?6)", -1, &st, NULL) !=
	    SQLITE_OK) {
		rc = case_sql_err(c->db, err, "tags");
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		goto out;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		sqlite3_bind_int64(st, 1, ids[i]);
		bind_text(st, 2, label);
		bind_text(st, 3, note);
		bind_text(st, 4, examiner);
		bind_text(st, 5, now);
		sqlite3_bind_int64(st, 6, (sqlite3_int64)seq);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = case_sql_err(c->db, err, "tags");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (!rc)
		rc = exec(c->db, "COMMIT", err);
	else
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
out:
	free(exhibit);
	return rc;
}
