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

/* The schema of a new case: lib/casedb.sql, user_version
 * SPOOR_CASEDB_VERSION. */
static const char schema_sql[] =
#include "casedb-sql.h"
	;

/*
 * Migrations: entry i takes a case.db from user_version i to i + 1
 * (entry 0 is never used: version 0 is not a case).  1 -> 2: the run
 * states, the view `records` over the renamed table (SQLite rewrites
 * the tags' foreign key), a container's media.  The records a
 * version-1 tool left behind when it was killed (its run unfinished)
 * were findings; now their run is 'running', so `records` no longer
 * shows them, and the run waits for 'spoor-case discard'.
 */
static const char *const migrations[] = {
	NULL,
	"ALTER TABLE runs ADD COLUMN state TEXT;"
	"ALTER TABLE runs ADD COLUMN replaced_by INTEGER;"
	"ALTER TABLE runs ADD COLUMN exhibits TEXT;"
	"ALTER TABLE exhibits ADD COLUMN media_json TEXT;"
	"UPDATE runs SET state = CASE WHEN finished IS NULL THEN 'running' "
	"ELSE 'committed' END;"
	"UPDATE runs SET exhibits = CASE WHEN exhibit IS NOT NULL THEN "
	"json_array(exhibit) ELSE (SELECT json_group_array(e) FROM (SELECT "
	"DISTINCT r.exhibit AS e FROM records r WHERE r.run_id = runs.id "
	"ORDER BY 1)) END;"
	"ALTER TABLE records RENAME TO record_rows;"
	"CREATE VIEW records AS "
	"SELECT r.id, r.run_id, r.exhibit, r.rtype, r.json FROM record_rows r "
	"WHERE r.run_id IN (SELECT id FROM runs WHERE state = 'committed');",
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

/* from 0: a new case gets the whole schema; else the migrations. */
static int migrate(struct spoor_case *c, int from, struct spoor_err *err)
{
	char sql[64];
	int rc;

	rc = exec(c->db, "BEGIN IMMEDIATE", err);
	if (rc)
		return rc;
	/* a renamed table's references are rewritten in the others */
	sqlite3_exec(c->db, "PRAGMA legacy_alter_table = OFF", NULL, NULL,
		     NULL);
	if (from == 0) {
		rc = exec(c->db, schema_sql, err);
		from = SPOOR_CASEDB_VERSION;
	}
	for (int v = from; !rc && v < SPOOR_CASEDB_VERSION; v++)
		rc = exec(c->db, migrations[v], err);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		 SPOOR_CASEDB_VERSION);
	if (!rc)
		rc = exec(c->db, sql, err);
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
	/* a container's media: stored and computed hashes, verdict */
	if (e->media_json)
		ev_raw(&ev, "media", e->media_json);
	if (e->tool)
		ev_tool(&ev, e->tool, spoor_version(), -1, e->parameters);
	ev_str(&ev, "purpose", !strcmp(event, "acquired")
	       ? "image acquired into the case" : "exhibit registered");
	/* the write lock first: the event and the row are one step */
	rc = exec(c->db, "BEGIN IMMEDIATE", err);
	if (rc) {
		sbuf_release(&ev.b);
		return rc;
	}
	if (!spoor_case_exhibit_find(c, NULL, e->exhibit, NULL, NULL, NULL)) {
		sbuf_release(&ev.b);
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		return spoor_err_set(err, SPOOR_EINVAL, 0, "exhibit '%s' is "
				     "already registered", e->exhibit);
	}
	rc = ev_append(c, &ev, &s, err);
	if (rc) {
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	case_now(now);
	if (sqlite3_prepare_v2(c->db, "INSERT INTO exhibits (exhibit, "
			       "path, kind, size, md5, sha1, sha256, "
			       "description, received_from, acquisition_log, "
			       "acquired_json, added, custody_seq, media_json) "
			       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
			       "?10, ?11, ?12, ?13, ?14)", -1, &st, NULL) !=
	    SQLITE_OK) {
		rc = case_sql_err(c->db, err, "exhibits");
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
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
	bind_text(st, 14, e->media_json);
	rc = sqlite3_step(st) == SQLITE_DONE ? SPOOR_OK
		: case_sql_err(c->db, err, "exhibits");
	sqlite3_finalize(st);
	if (!rc)
		rc = exec(c->db, "COMMIT", err);
	if (rc)
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
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

/*
 * A run's life: begin inserts its row ('running') and takes a lock on
 * byte <run id> of CASE/runs.lock (an open-file-description lock, which
 * the kernel drops when the tool dies, however it dies); add writes its
 * records to record_rows in short transactions, where the view
 * `records` does not show them; end commits: in one transaction the
 * runs it replaces become 'replaced', the 'analysed' custody event is
 * appended and the row becomes 'committed', which makes its records
 * findings all at once, however many (no copy: the write lock is held
 * for milliseconds).  cancel ('discarded': interrupted, failed) keeps
 * none.  The rows of replaced and discarded runs are deleted afterwards
 * in small transactions (purge_rows).  A run whose tool was killed stays
 * 'running' without a lock: spoor_case_unfinished lists it,
 * spoor_case_discard removes it.
 */
struct spoor_case_run {
	struct spoor_case *c;
	int64_t id;
	sqlite3_stmt *ins;
	struct sbuf line;
	uint64_t count, in_batch;
	bool in_tx;
	double tx_start;
	char *tool, *version, *exhibit, *sha256, *event, *purpose;
	struct sbuf params, exhibits;
	int64_t *replaces;		/* runs this one replaces */
	size_t nreplaces, cap_replaces;
	bool replace;
	int lock_fd;
};

static void run_free(struct spoor_case_run *r)
{
	sqlite3_finalize(r->ins);
	if (r->in_tx)
		sqlite3_exec(r->c->db, "ROLLBACK", NULL, NULL, NULL);
	if (r->lock_fd >= 0)
		close(r->lock_fd);	/* drops the run's lock */
	sbuf_release(&r->line);
	sbuf_release(&r->params);
	sbuf_release(&r->exhibits);
	free(r->replaces);
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

/* The lock of run id on fd: F_SETLK (take, write lock) or F_GETLK. */
static int run_lock_op(int fd, int cmd, int64_t id, struct flock *fl)
{
	memset(fl, 0, sizeof(*fl));
	fl->l_type = F_WRLCK;
	fl->l_whence = SEEK_SET;
	fl->l_start = (off_t)id;
	fl->l_len = 1;
	return fcntl(fd, cmd, fl);
}

/* True while the tool of run id holds its lock. */
static bool run_live(struct spoor_case *c, int64_t id)
{
	char *p = join_path(c->dir, "runs.lock");
	int fd = p ? open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) : -1;
	struct flock fl;
	bool live = false;

	free(p);
	if (fd < 0)
		return false;
	if (run_lock_op(fd, F_OFD_GETLK, id, &fl) == 0)
		live = fl.l_type != F_UNLCK;
	close(fd);
	return live;
}

static int run_take_lock(struct spoor_case_run *r, struct spoor_err *err)
{
	char *p = join_path(r->c->dir, "runs.lock");
	struct flock fl;

	if (!p)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	r->lock_fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	free(p);
	if (r->lock_fd < 0 ||
	    run_lock_op(r->lock_fd, F_OFD_SETLK, r->id, &fl) != 0)
		return spoor_err_set(err, SPOOR_EOUTPUT, errno, "cannot lock "
				     "run %" PRId64 " in '%s/runs.lock'",
				     r->id, r->c->dir);
	return SPOOR_OK;
}

/* The exhibits a run covers as a JSON array. */
static void run_exhibits_json(struct sbuf *b,
			      const struct spoor_case_run_opts *o)
{
	size_t n = 0;

	sbuf_addc(b, '[');
	for (size_t i = 0; i < o->nexhibits; i++, n++) {
		if (n)
			sbuf_addc(b, ',');
		wr_json_string(b, o->exhibits[i], strlen(o->exhibits[i]));
	}
	if (!o->nexhibits && o->exhibit)
		wr_json_string(b, o->exhibit, strlen(o->exhibit));
	sbuf_addc(b, ']');
}

/*
 * The runs of the same tool that cover an exhibit of this one: a
 * committed one is replaced (with r->replace) or refuses the run; a
 * running one whose tool is alive refuses it.  Fills r->replaces.
 * Inside the caller's write transaction.
 */
static int run_conflicts(struct spoor_case_run *r, struct spoor_err *err)
{
	static const char sql[] =
		"SELECT r.id, r.state, r.started, (SELECT group_concat(value, "
		"', ') FROM json_each(r.exhibits)), (SELECT count(*) FROM "
		"json_each(r.exhibits) a WHERE a.value NOT IN (SELECT value "
		"FROM json_each(?2))), (SELECT count(*) FROM tags t JOIN "
		"records x ON x.id = t.record_id WHERE x.run_id = r.id) FROM "
		"runs r WHERE r.tool = ?1 AND r.id != ?3 AND r.state IN "
		"('committed', 'running') AND EXISTS (SELECT 1 FROM "
		"json_each(r.exhibits) a, json_each(?2) b WHERE a.value = "
		"b.value) ORDER BY r.id";
	sqlite3 *db = r->c->db;
	sqlite3_stmt *st;
	int rc = SPOOR_OK, s;

	r->nreplaces = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return case_sql_err(db, err, "runs");
	bind_text(st, 1, r->tool);
	bind_text(st, 2, sbuf_str(&r->exhibits));
	sqlite3_bind_int64(st, 3, r->id);
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *state = (const char *)sqlite3_column_text(st, 1);
		const char *started = (const char *)sqlite3_column_text(st, 2);
		const char *exs = (const char *)sqlite3_column_text(st, 3);
		int64_t outside = sqlite3_column_int64(st, 4);
		int64_t tagged = sqlite3_column_int64(st, 5);

		if (!exs)
			exs = "";
		if (!strcmp(state, "running")) {
			if (run_live(r->c, id))
				rc = spoor_err_set(err, SPOOR_EINVAL, 0, "run %"
					PRId64 " of %s on '%s' is still "
					"running: let it end first", id,
					r->tool, exs);
			continue;	/* abandoned: never visible */
		}
		if (!r->replace)
			rc = spoor_err_set(err, SPOOR_EINVAL, 0, "'%s' already "
				"has the records of run %" PRId64 " of %s "
				"(started %s): give --replace to replace them "
				"with this run's (one custody event names "
				"both runs)", exs, id, r->tool,
				started ? started : "?");
		else if (outside)
			rc = spoor_err_set(err, SPOOR_EINVAL, 0, "run %" PRId64
				" covered '%s': a run that replaces it must "
				"cover all of them", id, exs);
		else if (tagged)
			rc = spoor_err_set(err, SPOOR_EINVAL, 0, "run %" PRId64
				" has %" PRId64 " tagged record%s: it cannot "
				"be replaced while findings of it are tagged",
				id, tagged, tagged == 1 ? "" : "s");
		else if (spoor_grow(&r->replaces, &r->cap_replaces,
				    r->nreplaces, sizeof(*r->replaces)))
			rc = spoor_err_set(err, SPOOR_ENOMEM, 0,
					   "out of memory");
		else
			r->replaces[r->nreplaces++] = id;
	}
	if (!rc && s != SQLITE_DONE)
		rc = case_sql_err(db, err, "runs");
	sqlite3_finalize(st);
	return rc;
}

struct spoor_case_run *spoor_case_run_begin(struct spoor_case *c,
					    const struct spoor_case_run_opts *o,
					    struct spoor_err *err)
{
	struct spoor_case_run *r = calloc(1, sizeof(*r));
	char now[SPOOR_TIME_STR_MAX];
	sqlite3_stmt *st = NULL;
	bool fail = !r;
	int rc;

	if (!r) {
		spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
		return NULL;
	}
	r->c = c;
	r->lock_fd = -1;
	r->replace = o->replace;
	r->tool = xstrdup_or_null(o->tool, &fail);
	r->version = xstrdup_or_null(o->version, &fail);
	r->exhibit = xstrdup_or_null(o->exhibit, &fail);
	r->sha256 = xstrdup_or_null(o->input_sha256, &fail);
	r->event = xstrdup_or_null(o->event ? o->event : "analysed", &fail);
	r->purpose = xstrdup_or_null(o->purpose, &fail);
	case_json_argv(&r->params, o->argc, o->argv);
	run_exhibits_json(&r->exhibits, o);
	r->line.max = SBUF_DEFAULT_MAX;
	if (fail || r->params.failed || r->exhibits.failed || !o->tool) {
		spoor_err_set(err, fail ? SPOOR_ENOMEM : SPOOR_EINVAL, 0,
			      fail ? "out of memory" : "a run needs a tool");
		goto fail;
	}
	if (exec(c->db, "BEGIN IMMEDIATE", err))
		goto fail;
	r->in_tx = true;
	case_now(now);
	if (sqlite3_prepare_v2(c->db, "INSERT INTO runs (tool, version, "
			       "parameters, exhibit, input_sha256, examiner, "
			       "started, state, exhibits) VALUES (?1, ?2, ?3, "
			       "?4, ?5, ?6, ?7, 'running', ?8)", -1, &st,
			       NULL) != SQLITE_OK)
		goto sqlfail;
	bind_text(st, 1, o->tool);
	bind_text(st, 2, o->version ? o->version : spoor_version());
	bind_text(st, 3, sbuf_str(&r->params));
	bind_text(st, 4, o->exhibit);
	bind_text(st, 5, o->input_sha256);
	bind_text(st, 6, c->info[1]);
	bind_text(st, 7, now);
	bind_text(st, 8, sbuf_str(&r->exhibits));
	if (sqlite3_step(st) != SQLITE_DONE)
		goto sqlfail;
	sqlite3_finalize(st);
	st = NULL;
	r->id = sqlite3_last_insert_rowid(c->db);
	/* refused before anything is visible; locked before the row is */
	rc = run_conflicts(r, err);
	if (!rc)
		rc = run_take_lock(r, err);
	if (!rc)
		rc = exec(c->db, "COMMIT", err);
	if (rc)
		goto fail;
	r->in_tx = false;
	if (sqlite3_prepare_v2(c->db, "INSERT INTO record_rows (run_id, "
			       "exhibit, rtype, json) VALUES (?1, ?2, ?3, ?4)",
			       -1, &r->ins, NULL) != SQLITE_OK)
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

int64_t spoor_case_run_id(const struct spoor_case_run *r)
{
	return r->id;
}

void spoor_case_run_abort(struct spoor_case_run *r)
{
	if (r)
		run_free(r);
}

/* UPDATE runs: the end of run id. */
static int run_finish_row(sqlite3 *db, int64_t id, const char *state,
			  int exit_code, const char *counts, uint64_t seq,
			  struct spoor_err *err)
{
	char now[SPOOR_TIME_STR_MAX];
	sqlite3_stmt *st;
	int rc;

	case_now(now);
	if (sqlite3_prepare_v2(db, "UPDATE runs SET finished = ?1, exit_code "
			       "= ?2, counts = coalesce(?3, counts), "
			       "custody_seq = ?4, state = ?5 WHERE id = ?6",
			       -1, &st, NULL) != SQLITE_OK)
		return case_sql_err(db, err, "runs");
	bind_text(st, 1, now);
	sqlite3_bind_int(st, 2, exit_code);
	bind_text(st, 3, counts);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)seq);
	bind_text(st, 5, state);
	sqlite3_bind_int64(st, 6, id);
	rc = sqlite3_step(st) == SQLITE_DONE ? SPOOR_OK
		: case_sql_err(db, err, "runs");
	sqlite3_finalize(st);
	return rc;
}

/* Run one statement with up to two integer parameters. */
static int exec_ids(sqlite3 *db, const char *sql, int64_t a, int64_t b,
		    struct spoor_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return case_sql_err(db, err, sql);
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_int64(st, 1, a);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, b);
	rc = sqlite3_step(st) == SQLITE_DONE ? SPOOR_OK
		: case_sql_err(db, err, sql);
	sqlite3_finalize(st);
	return rc;
}

#define PURGE_BATCH 5000		/* rows deleted per transaction */

/*
 * Delete the rows of replaced and discarded runs, PURGE_BATCH per
 * transaction (the write lock is never held long), at least one batch,
 * then until `seconds` have passed (< 0: until none is left).  The rows
 * are not findings already (`records` does not show them): what is left
 * is deleted by the next purge.
 */
static void purge_rows(sqlite3 *db, double seconds)
{
	double t0 = mono_now();

	for (;;) {
		if (sqlite3_exec(db, "DELETE FROM record_rows WHERE rowid IN "
				 "(SELECT rowid FROM record_rows WHERE run_id "
				 "IN (SELECT id FROM runs WHERE state IN "
				 "('replaced', 'discarded')) LIMIT 5000)",
				 NULL, NULL, NULL) != SQLITE_OK)
			return;
		if (sqlite3_changes(db) < PURGE_BATCH)
			return;
		if (seconds >= 0 && mono_now() - t0 >= seconds)
			return;
	}
}

/* Inside the commit's transaction: the replaced runs point at r; their
 * records stop being findings with it (purge_rows deletes them). */
static int run_replace_old(struct spoor_case_run *r, struct spoor_err *err)
{
	int rc = SPOOR_OK;

	for (size_t i = 0; i < r->nreplaces && !rc; i++)
		rc = exec_ids(r->c->db, "UPDATE runs SET state = 'replaced', "
			      "replaced_by = ?2 WHERE id = ?1",
			      r->replaces[i], r->id, err);
	return rc;
}

static int run_cancel_keep(struct spoor_case_run *r, const char *reason,
			   int exit_code, struct spoor_err *err);

int spoor_case_run_end(struct spoor_case_run *r, int exit_code,
		       const char *counts_json, struct spoor_err *err)
{
	struct spoor_case *c = r->c;
	char counts[64];
	uint64_t seq = 0;
	struct ev e;
	int rc;

	rc = run_commit(r, err);
	if (!rc)
		rc = exec(c->db, "BEGIN IMMEDIATE", err);
	if (rc)
		goto out;
	r->in_tx = true;
	if (!counts_json) {
		snprintf(counts, sizeof(counts), "{\"records\":%" PRIu64 "}",
			 r->count);
		counts_json = counts;
	}
	/* again, under the write lock: a run may have been committed or
	 * tagged since this one began */
	rc = run_conflicts(r, err);
	if (!rc)
		rc = run_replace_old(r, err);
	if (rc) {
		/* nothing written yet: record that the run was not kept */
		char why[SPOOR_ERR_MSG_MAX + 32];

		snprintf(why, sizeof(why), "not committed: %s",
			 err ? err->msg : spoor_strerror(rc));
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		r->in_tx = false;
		run_cancel_keep(r, why, exit_code, NULL);
		goto out;
	}
	ev_start(&e, r->event, r->exhibit, r->sha256, c->info[1]);
	ev_tool_json(&e, r->tool, r->version, sbuf_str(&r->params));
	ev_int(&e, "run_id", r->id);
	ev_raw(&e, "exhibits", sbuf_str(&r->exhibits));
	ev_int(&e, "records", (int64_t)r->count);
	ev_raw(&e, "counts", counts_json);
	ev_int(&e, "exit_code", exit_code);
	if (r->nreplaces) {
		ev_key(&e, "replaces_runs");
		sbuf_addc(&e.b, '[');
		for (size_t i = 0; i < r->nreplaces; i++)
			sbuf_addf(&e.b, "%s%" PRId64, i ? "," : "",
				  r->replaces[i]);
		sbuf_addc(&e.b, ']');
	}
	ev_str(&e, "purpose", r->purpose);
	/* the event, then the commit: a crash between the two leaves the
	 * run unfinished (reported, discardable), never records without
	 * their event */
	rc = ev_append(c, &e, &seq, err);
	if (!rc)
		rc = run_finish_row(c->db, r->id, "committed", exit_code,
				    counts_json, seq, err);
	if (!rc)
		rc = exec(c->db, "COMMIT", err);
	if (!rc) {
		r->in_tx = false;
		if (r->nreplaces)
			purge_rows(c->db, 2.0);
	} else if (seq && err) {
		char msg[SPOOR_ERR_MSG_MAX];

		spoor_strlcpy(msg, err->msg, sizeof(msg));
		spoor_err_set(err, rc, 0, "run %" PRId64 " not committed "
			      "although its custody event (seq %" PRIu64 ") "
			      "was written: %s", r->id, seq, msg);
	}
out:
	run_free(r);
	return rc;
}

/* Append the 'discarded' event of run id and finish its row, in the
 * caller's transaction. */
static int discard_event(struct spoor_case *c, int64_t id, const char *tool,
			 const char *exhibit, const char *exhibits,
			 const char *reason, const char *note,
			 uint64_t staged, int exit_code, bool set_exit,
			 struct spoor_err *err)
{
	uint64_t seq = 0;
	struct ev e;
	int rc;

	ev_start(&e, "discarded", exhibit, NULL, c->info[1]);
	ev_int(&e, "run_id", id);
	ev_str(&e, "run_tool", tool);
	ev_raw(&e, "exhibits", exhibits ? exhibits : "[]");
	ev_str(&e, "reason", reason);
	ev_int(&e, "records_dropped", (int64_t)staged);
	if (set_exit)
		ev_int(&e, "exit_code", exit_code);
	ev_str(&e, "purpose", "records of the run are not part of the case");
	ev_str(&e, "note", note);
	rc = ev_append(c, &e, &seq, err);
	if (rc)
		return rc;
	if (set_exit)
		return run_finish_row(c->db, id, "discarded", exit_code, NULL,
				      seq, err);
	return exec_ids(c->db, "UPDATE runs SET state = 'discarded', "
			"finished = coalesce(finished, strftime("
			"'%Y-%m-%dT%H:%M:%SZ', 'now')), custody_seq = ?2 "
			"WHERE id = ?1", id, (int64_t)seq, err);
}

/* Record run r as discarded (reason) without freeing it. */
static int run_cancel_keep(struct spoor_case_run *r, const char *reason,
			   int exit_code, struct spoor_err *err)
{
	struct spoor_case *c = r->c;
	int rc;

	/* what was staged is dropped with the transaction in progress */
	if (r->in_tx) {
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		r->in_tx = false;
	}
	rc = exec(c->db, "BEGIN IMMEDIATE", err);
	if (rc)
		return rc;
	r->in_tx = true;
	rc = discard_event(c, r->id, r->tool, r->exhibit,
			   sbuf_str(&r->exhibits), reason ? reason : "failed",
			   NULL, r->count, exit_code, true, err);
	if (!rc)
		rc = exec(c->db, "COMMIT", err);
	if (rc)
		return rc;
	r->in_tx = false;
	/* after the commit, briefly: the tool must end within a second of
	 * a signal; what is left goes with the next purge */
	purge_rows(c->db, 0.1);
	return SPOOR_OK;
}

int spoor_case_run_cancel(struct spoor_case_run *r, const char *reason,
			  int exit_code, struct spoor_err *err)
{
	int rc = run_cancel_keep(r, reason, exit_code, err);

	run_free(r);
	return rc;
}

/* ---- unfinished runs and discarding ---- */

static const char unfinished_sql[] =
	"SELECT r.id, r.tool, coalesce((SELECT group_concat(value, ', ') "
	"FROM json_each(CASE WHEN json_valid(r.exhibits) THEN r.exhibits "
	"ELSE '[]' END)), ''), r.started, (SELECT count(*) FROM "
	"record_rows s WHERE s.run_id = r.id) AS staged FROM runs r "
	"WHERE r.state = 'running' ORDER BY r.id";

int spoor_case_unfinished(struct spoor_case *c, spoor_artifact_cb *cb,
			  void *ud, struct spoor_err *err)
{
	struct spoor_record rec;
	sqlite3_stmt *st;
	int rc = SPOOR_OK, s;

	if (sqlite3_prepare_v2(c->db, unfinished_sql, -1, &st, NULL) !=
	    SQLITE_OK)
		return case_sql_err(c->db, err, "runs");
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);

		spoor_record_init(&rec, "run");
		spoor_record_int(&rec, "id", id);
		spoor_record_str(&rec, "tool",
				 (const char *)sqlite3_column_text(st, 1));
		spoor_record_str(&rec, "exhibits",
				 (const char *)sqlite3_column_text(st, 2));
		spoor_record_str(&rec, "started",
				 (const char *)sqlite3_column_text(st, 3));
		spoor_record_int(&rec, "staged", sqlite3_column_int64(st, 4));
		spoor_record_bool(&rec, "live", run_live(c, id));
		if (cb(ud, &rec))
			rc = spoor_err_set(err, SPOOR_ESTOPPED, 0, "stopped");
	}
	if (!rc && s != SQLITE_DONE)
		rc = case_sql_err(c->db, err, "runs");
	sqlite3_finalize(st);
	return rc;
}

/* Discard run id (inside the caller's transaction). */
static int discard_one(struct spoor_case *c, int64_t id, const char *note,
		       struct spoor_err *err)
{
	static const char sql[] =
		"SELECT state, tool, exhibit, CASE WHEN json_valid(exhibits) "
		"THEN exhibits ELSE '[]' END, (SELECT count(*) FROM "
		"record_rows s WHERE s.run_id = r.id), 0, (SELECT "
		"count(*) FROM tags t JOIN record_rows x ON x.id = "
		"t.record_id WHERE x.run_id = r.id) FROM runs r WHERE id = ?1";
	sqlite3_stmt *st;
	char *state = NULL, *tool = NULL, *exhibit = NULL, *exhibits = NULL;
	int64_t staged = 0, kept = 0, tagged = 0;
	bool fail = false;
	int rc = SPOOR_OK;

	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
		return case_sql_err(c->db, err, "runs");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return spoor_err_set(err, SPOOR_ENOTFOUND, 0, "no run %" PRId64
				     " in the case", id);
	}
	state = xstrdup_or_null((const char *)sqlite3_column_text(st, 0),
				&fail);
	tool = xstrdup_or_null((const char *)sqlite3_column_text(st, 1),
			       &fail);
	exhibit = xstrdup_or_null((const char *)sqlite3_column_text(st, 2),
				  &fail);
	exhibits = xstrdup_or_null((const char *)sqlite3_column_text(st, 3),
				   &fail);
	staged = sqlite3_column_int64(st, 4);
	kept = sqlite3_column_int64(st, 5);
	tagged = sqlite3_column_int64(st, 6);
	sqlite3_finalize(st);
	if (fail || !state)
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	else if (strcmp(state, "running") && strcmp(state, "committed"))
		rc = spoor_err_set(err, SPOOR_EINVAL, 0, "run %" PRId64 " is "
				   "%s already", id, state);
	else if (!strcmp(state, "running") && run_live(c, id))
		rc = spoor_err_set(err, SPOOR_EINVAL, 0, "run %" PRId64 " is "
				   "still running (its tool holds the run's "
				   "lock)", id);
	else if (!strcmp(state, "committed") && tagged)
		rc = spoor_err_set(err, SPOOR_EINVAL, 0, "run %" PRId64 " has "
				   "%" PRId64 " tagged record%s: it cannot be "
				   "discarded while findings of it are tagged",
				   id, tagged, tagged == 1 ? "" : "s");
	else if (!strcmp(state, "committed") && (!note || !*note))
		rc = spoor_err_set(err, SPOOR_EINVAL, 0, "run %" PRId64 " is "
				   "committed: discarding its records needs a "
				   "note saying why", id);
	(void)kept;
	if (!rc)
		rc = discard_event(c, id, tool, exhibit, exhibits,
				   !strcmp(state, "running")
				   ? "abandoned: the tool ended without "
				   "finishing the run (killed or crashed)"
				   : "removed by the examiner", note,
				   (uint64_t)(staged + kept), 0, false, err);
	free(state);
	free(tool);
	free(exhibit);
	free(exhibits);
	return rc;
}

int spoor_case_discard(struct spoor_case *c, const int64_t *ids, size_t n,
		       const char *note, uint64_t *discarded,
		       struct spoor_err *err)
{
	int64_t *all = NULL;
	size_t nall = 0, cap = 0;
	uint64_t done = 0;
	int rc = SPOOR_OK;

	if (discarded)
		*discarded = 0;
	if (note && !text_ok(note))
		return spoor_err_set(err, SPOOR_EINVAL, 0, "a note must be "
				     "printable UTF-8");
	if (!n) {
		/* every abandoned run: unfinished, no tool holding it */
		sqlite3_stmt *st;
		int s;

		if (sqlite3_prepare_v2(c->db, "SELECT id FROM runs WHERE "
				       "state = 'running' ORDER BY id", -1,
				       &st, NULL) != SQLITE_OK)
			return case_sql_err(c->db, err, "runs");
		while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
			int64_t id = sqlite3_column_int64(st, 0);

			if (run_live(c, id))
				continue;
			if (spoor_grow(&all, &cap, nall, sizeof(*all)))
				rc = spoor_err_set(err, SPOOR_ENOMEM, 0,
						   "out of memory");
			else
				all[nall++] = id;
		}
		if (!rc && s != SQLITE_DONE)
			rc = case_sql_err(c->db, err, "runs");
		sqlite3_finalize(st);
		ids = all;
		n = nall;
	}
	/* one transaction (and one custody event) per run */
	for (size_t i = 0; i < n && !rc; i++) {
		rc = exec(c->db, "BEGIN IMMEDIATE", err);
		if (rc)
			break;
		rc = discard_one(c, ids[i], note, err);
		if (!rc)
			rc = exec(c->db, "COMMIT", err);
		if (rc)
			sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		else
			done++;
	}
	if (done)
		purge_rows(c->db, -1);
	if (discarded)
		*discarded = done;
	free(all);
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
	/* the write lock first: the records checked, the custody event
	 * and the rows are one step (a run cannot replace them between) */
	rc = exec(c->db, "BEGIN IMMEDIATE", err);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(c->db, "SELECT exhibit FROM records WHERE "
			       "id = ?1", -1, &st, NULL) != SQLITE_OK) {
		rc = case_sql_err(c->db, err, "records");
		goto out;
	}
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
	if (sqlite3_prepare_v2(c->db, "INSERT INTO tags (record_id, label, "
			       "note, examiner, time, custody_seq) VALUES "
			       "(?1, ?2, ?3, ?4, ?5, ?6)", -1, &st, NULL) !=
	    SQLITE_OK) {
		rc = case_sql_err(c->db, err, "tags");
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
out:
	if (rc)
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	free(exhibit);
	return rc;
}
