/*
 * artifact_sql.c: SQLite databases from evidence, opened without touching
 * the evidence (artifact_sql.h).  Opening a WAL database in place, even
 * read-only, creates -shm/-wal files next to it, and a read-write open
 * checkpoints and deletes the WAL.  So the database and its -wal and -journal are copied
 * into a private mkdtemp directory and only the copy is opened: with
 * the WAL applied (what the app saw), and, when there is a WAL, a second
 * time with immutable=1 (the main file alone), so that rows only the WAL
 * holds can be marked.  Both connections are read-only, defensive, with
 * untrusted schema and no extension loading: the schema is hostile
 * input too (triggers, views and virtual tables written by an attacker).
 */
#include "artifact_sql.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "banned.h"

/* Longest string or blob a query may produce (hostile "huge text"):
 * ASQL_MAX_LENGTH, artifact_sql.h. */
#define DAMAGED_PREFIX "damaged SQLite database"

/*
 * Work allowed per database, in SQLite VM steps: a base plus a share per
 * byte of the file and its WAL, far above what the plugins' queries need
 * on a real database, but a bound on a hostile schema (a view that is a
 * recursive CTE yields rows for ever).  Past it queries are interrupted.
 */
#define ASQL_OPS_BASE ((uint64_t)50 << 20)
#define ASQL_OPS_PER_BYTE 5000
#define ASQL_OPS_EVERY 1000

static int over_budget(void *ud)
{
	struct asql *q = ud;

	if (q->ops_left < ASQL_OPS_EVERY)
		return 1;
	q->ops_left -= ASQL_OPS_EVERY;
	return 0;
}

/* Copy the bytes of fd (from offset 0) to a new file dst. */
static int copy_to(const char *name, int in, const char *dst,
		   struct spoor_err *err)
{
	char buf[64 * 1024];
	int out, rc = 0;
	off_t off = 0;
	ssize_t n;

	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		   0600);
	if (out < 0)
		return spoor_err_set(err, SPOOR_EOUTPUT, errno,
				     "cannot create '%s'", dst);
	while (!rc && (n = pread(in, buf, sizeof(buf), off)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = spoor_err_set(err, SPOOR_EIO, errno,
					   "cannot read '%s'", name);
			break;
		}
		off += n;
		if (spoor_write_all(out, buf, (size_t)n) < 0)
			rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
					   "cannot write '%s'", dst);
	}
	if (close(out) && !rc)
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot write '%s'", dst);
	return rc;
}

int asql_harden(sqlite3 *db)
{
	int v;

	sqlite3_extended_result_codes(db, 1);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, &v);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, &v);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, &v);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, &v);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 1, &v);
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, ASQL_MAX_LENGTH);
	sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
	return sqlite3_exec(db, "PRAGMA query_only=1", NULL, NULL, NULL);
}

static int open_one(const char *uri, sqlite3 **out)
{
	int rc = sqlite3_open_v2(uri, out, SQLITE_OPEN_READONLY |
				 SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);

	if (rc == SQLITE_OK)
		rc = asql_harden(*out);
	/* reading the schema proves it is a database we can use */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(*out, "SELECT count(*) FROM sqlite_schema",
				  NULL, NULL, NULL);
	return rc;
}

/* Bytes of a file (0 when fstat fails: the budget only grows). */
static uint64_t fd_size(int fd)
{
	struct stat st;

	return fd >= 0 && !fstat(fd, &st) && st.st_size > 0 ?
		(uint64_t)st.st_size : 0;
}

int asql_open(const char *name, const int fds[ASQL_NFILES],
	      const char *tmp_dir, struct asql **out, struct spoor_err *err)
{
	static const char *const sfx[ASQL_NFILES] = { "", "-wal",
						      "-journal" };
	struct asql *q;
	struct sbuf b = SBUF_INIT, uri = SBUF_INIT;
	char head[16];
	int rc = 0;
	ssize_t n;

	*out = NULL;
	do
		n = pread(fds[ASQL_DB], head, sizeof(head), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return spoor_err_set(err, SPOOR_EIO, errno,
				     "cannot read '%s'", name);
	if (n != (ssize_t)sizeof(head) ||
	    memcmp(head, "SQLite format 3", 16))
		return spoor_err_set(err, SPOOR_EFORMAT, 0,
				     "'%s' is not an SQLite database", name);
	q = calloc(1, sizeof(*q));
	if (!q)
		return spoor_err_set(err, SPOOR_ENOMEM, ENOMEM,
				     "out of memory");
	sbuf_addf(&b, "%s/spoor-sql.XXXXXX", tmp_dir);
	if (b.failed || !mkdtemp(b.buf)) {
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot create a directory in '%s'",
				   tmp_dir);
		goto fail;
	}
	if (!(q->dir = strdup(b.buf))) {
		rmdir(b.buf);
		rc = spoor_err_set(err, SPOOR_ENOMEM, ENOMEM,
				   "out of memory");
		goto fail;
	}
	q->ops_left = ASQL_OPS_BASE;
	for (size_t i = 0; !rc && i < ASQL_NFILES; i++) {
		uint64_t size = fd_size(fds[i]);

		if (fds[i] < 0)
			continue;
		sbuf_reset(&b);
		sbuf_addf(&b, "%s/db%s", q->dir, sfx[i]);
		rc = copy_to(name, fds[i], sbuf_str(&b), err);
		if (i == ASQL_WAL && size > 0)
			q->has_wal = true;
		if (size < UINT64_MAX / ASQL_OPS_PER_BYTE / 4)
			q->ops_left += size * ASQL_OPS_PER_BYTE;
	}
	if (rc)
		goto fail;
	sbuf_addf(&uri, "file:%s/db?mode=ro", q->dir);
	rc = open_one(sbuf_str(&uri), &q->db);
	if (rc != SQLITE_OK) {
		bool dmg = (rc & 0xff) == SQLITE_CORRUPT ||
			(rc & 0xff) == SQLITE_NOTADB;

		rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s': %s: %s",
				   name, dmg ? DAMAGED_PREFIX
				   : "not a usable SQLite database",
				   q->db ? sqlite3_errmsg(q->db)
				   : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_progress_handler(q->db, ASQL_OPS_EVERY, over_budget, q);
	if (q->has_wal) {
		sbuf_reset(&uri);
		sbuf_addf(&uri, "file:%s/db?immutable=1", q->dir);
		if (open_one(sbuf_str(&uri), &q->imm) != SQLITE_OK) {
			/* a WAL-only schema: the main file is a bare
			 * header, so every row is WAL-only */
			sqlite3_close(q->imm);
			q->imm = NULL;
		}
		if (q->imm)
			sqlite3_progress_handler(q->imm, ASQL_OPS_EVERY,
						 over_budget, q);
	}
	sbuf_release(&b);
	sbuf_release(&uri);
	*out = q;
	return 0;
fail:
	sbuf_release(&b);
	sbuf_release(&uri);
	asql_close(q);
	return rc ? rc : SPOOR_EINTERNAL;
}

int asql_open_path(const char *path, const char *tmp_dir, struct asql **out,
		   struct spoor_err *err)
{
	static const char *const sfx[ASQL_NFILES] = { "", "-wal",
						      "-journal" };
	int fds[ASQL_NFILES] = { -1, -1, -1 }, rc;

	*out = NULL;
	for (size_t i = 0; i < ASQL_NFILES; i++) {
		struct sbuf p = SBUF_INIT;

		sbuf_addf(&p, "%s%s", path, sfx[i]);
		if (!p.failed)
			fds[i] = open(sbuf_str(&p), O_RDONLY | O_CLOEXEC |
				      O_NOFOLLOW);
		sbuf_release(&p);
	}
	if (fds[ASQL_DB] < 0)
		rc = spoor_err_set(err, SPOOR_EIO, errno, "cannot open '%s'",
				   path);
	else
		rc = asql_open(path, fds, tmp_dir, out, err);
	for (size_t i = 0; i < ASQL_NFILES; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return rc;
}

bool asql_damaged(const struct spoor_err *err)
{
	const char *p = err ? strstr(err->msg, "': ") : NULL;

	return p && !strncmp(p + 3, DAMAGED_PREFIX, strlen(DAMAGED_PREFIX));
}

void asql_check(struct asql *q, struct sbuf *b)
{
	sqlite3_stmt *st;
	int n = 0;

	if (sqlite3_prepare_v2(q->db, "PRAGMA quick_check(4)", -1, &st,
			       NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(st) == SQLITE_ROW && n++ < 4) {
		const char *t = (const char *)sqlite3_column_text(st, 0);

		if (!t || !strcmp(t, "ok"))
			continue;
		if (!strncmp(t, "*** in database main ***", 24))
			t += 24;
		t += strspn(t, " \n");
		if (b->len)
			sbuf_adds(b, "; ");
		sbuf_addf(b, "%.200s", t);
	}
	sqlite3_finalize(st);
	for (size_t i = 0; i < b->len; i++)
		if (b->buf[i] == '\n')
			b->buf[i] = ' ';
}

/* Remove the private copy: a flat directory of our own files (db,
 * db-wal, db-journal, db-shm SQLite may make). */
static void rmtree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d) {
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				unlinkat(dirfd(d), de->d_name, 0);
		closedir(d);
	}
	rmdir(dir);
}

void asql_close(struct asql *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(q->cache); i++)
		sqlite3_finalize(q->cache[i].st);
	if (!q->borrowed) {
		sqlite3_close(q->imm);
		sqlite3_close(q->db);
	}
	if (q->dir) {
		rmtree(q->dir);
		free(q->dir);
	}
	free(q);
}

bool asql_has_table(struct asql *q, const char *table)
{
	sqlite3_stmt *st;
	bool yes = false;

	if (sqlite3_prepare_v2(q->db, "SELECT 1 FROM sqlite_schema WHERE "
			       "type IN ('table', 'view') AND name = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return yes;
}

bool asql_has_column(struct asql *q, const char *table,
			const char *column)
{
	sqlite3_stmt *st;
	bool yes = false;

	if (sqlite3_prepare_v2(q->db, "SELECT 1 FROM pragma_table_info(?1) "
			       "WHERE name = ?2", -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
	yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return yes;
}

bool asql_wal_only(struct asql *q, const char *table, int64_t rowid)
{
	sqlite3_stmt *st = NULL;
	size_t i, slot = 0;
	bool found;

	if (!q->has_wal)
		return false;
	if (!q->imm)
		return true;
	for (i = 0; i < ARRAY_SIZE(q->cache); i++) {
		if (!q->cache[i].table[0]) {
			slot = i;
			break;
		}
		if (!strcmp(q->cache[i].table, table)) {
			st = q->cache[i].st;
			break;
		}
	}
	if (!st) {
		struct sbuf sql = SBUF_INIT;
		char *quoted = sqlite3_mprintf("\"%w\"", table);

		if (i == ARRAY_SIZE(q->cache) || !quoted ||
		    strlen(table) >= sizeof(q->cache[0].table)) {
			sqlite3_free(quoted);
			return false;
		}
		sbuf_addf(&sql, "SELECT 1 FROM %s WHERE rowid = ?1", quoted);
		sqlite3_free(quoted);
		/* no such table in the main file: the WAL created it */
		if (sqlite3_prepare_v2(q->imm, sbuf_str(&sql), -1, &st,
				       NULL) != SQLITE_OK)
			st = NULL;
		sbuf_release(&sql);
		spoor_strlcpy(q->cache[slot].table, table,
			      sizeof(q->cache[slot].table));
		q->cache[slot].st = st;
	}
	if (!st)
		return true;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, rowid);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return !found;
}

void asql_tables(struct asql *q, struct sbuf *b)
{
	sqlite3_stmt *st;
	int n = 0;

	if (sqlite3_prepare_v2(q->db, "SELECT name FROM sqlite_schema WHERE "
			       "type = 'table' ORDER BY name", -1, &st,
			       NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(st) == SQLITE_ROW && n++ < 40) {
		const unsigned char *t = sqlite3_column_text(st, 0);

		if (b->len)
			sbuf_adds(b, ", ");
		sbuf_adds(b, t ? (const char *)t : "?");
	}
	sqlite3_finalize(st);
}
