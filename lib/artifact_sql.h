/*
 * artifact_sql.h: SQLite databases from evidence, read from a private
 * copy (artifact_sql.c).  The lowest layer of spoor-artifacts: it knows
 * files (a path or an open descriptor) and a temporary folder, nothing
 * of evidence sources or plugins.  Layers, each using only those below:
 *
 *	artifact_sql.c		SQLite on a private copy (this)
 *	artifact_src.c, artifact_tsk.c, artifact_ios.c
 *				evidence as one file tree (artifact.h)
 *	plugin.c		the plugin host (struct spoor_host)
 *	builtin_ios.c		built-in plugins of the sources
 *
 * Not installed.
 */
#ifndef SPOOR_ARTIFACT_SQL_H
#define SPOOR_ARTIFACT_SQL_H

#include "internal.h"

#include <sqlite3.h>

/* A database opened by asql_open: the copy and its connections. */
struct asql {
	sqlite3 *db;		/* the copy with its WAL applied */
	sqlite3 *imm;		/* the main file alone (immutable=1); NULL
				 * when there was no WAL */
	char *dir;		/* private copy (dir/db, dir/db-wal,
				 * dir/db-journal), removed on close */
	bool has_wal;
	bool borrowed;		/* a view on another's handle: do not close */
	uint64_t ops_left;	/* VM steps before queries are stopped */
	struct {
		char table[64];
		sqlite3_stmt *st;
	} cache[8];		/* immutable-view lookups by table */
};

/*
 * The most of one value a plugin is given (col_text): a longer one is
 * cut there and its record flagged `truncated` (the writer's line of
 * 128 MiB holds it escaped at its worst).  SQLite itself reads
 * values up to ASQL_MAX_LENGTH (a bound on memory per value); a row
 * holding a longer one cannot be read at all (SQLITE_TOOBIG).
 */
#define ASQL_VALUE_MAX ((size_t)16 << 20)
#define ASQL_MAX_LENGTH (256 * 1024 * 1024)

/* The files of one database, as asql_open takes them. */
enum asql_file {
	ASQL_DB,		/* the database */
	ASQL_WAL,		/* its write-ahead log ("-wal") */
	ASQL_JOURNAL,		/* its rollback journal ("-journal") */
	ASQL_NFILES
};

/*
 * Copy a database into a private mkdtemp directory below tmp_dir and open
 * the copy safely (read-only, defensive, no triggers or extensions,
 * untrusted schema, a bound on work per database).  fds[ASQL_DB] is the
 * database, fds[ASQL_WAL] and fds[ASQL_JOURNAL] its companions or -1;
 * they are read from offset 0 with pread and not closed.  name is the
 * evidence path for messages.  With a non-empty WAL the copy is also
 * opened without it (asql.imm).  SPOOR_EFORMAT when it is not an SQLite
 * database, or when it is one SQLite calls damaged (then
 * asql_damaged(err) is true); SPOOR_EIO, SPOOR_EOUTPUT (the temporary
 * folder), SPOOR_ENOMEM.
 *
 * The one place a database of the evidence is opened: a layer that
 * looks at every database (deleted-record recovery) attaches here or
 * reads asql.dir after it.
 */
int asql_open(const char *name, const int fds[ASQL_NFILES],
	      const char *tmp_dir, struct asql **out, struct spoor_err *err);
/* The same for a database given by a local path, with path-wal and
 * path-journal beside it when they are there (tests, tools). */
int asql_open_path(const char *path, const char *tmp_dir, struct asql **out,
		   struct spoor_err *err);
/* Whether asql_open failed on a damaged database (SQLITE_CORRUPT or
 * SQLITE_NOTADB behind a valid header), not on a non-database. */
bool asql_damaged(const struct spoor_err *err);
/* The hardening asql_open gives each connection (defensive, no triggers
 * or extensions, untrusted schema, length limit, query_only), for a
 * connection of one's own to the copy in asql.dir.  SQLite's code. */
int asql_harden(sqlite3 *db);
/* What SQLite's quick_check says of q (at most a few problems, with the
 * pages it names), "; "-separated, into b; nothing when it finds none
 * or cannot run. */
void asql_check(struct asql *q, struct sbuf *b);
/* Close q and remove its copy; NULL is a no-op. */
void asql_close(struct asql *q);
bool asql_has_table(struct asql *q, const char *table);
bool asql_has_column(struct asql *q, const char *table, const char *column);
/* True when the row of table with that rowid is visible only with the
 * WAL applied (the main file alone lacks it, or lacks the table). */
bool asql_wal_only(struct asql *q, const char *table, int64_t rowid);
/* The names of the tables, ", "-separated, into b. */
void asql_tables(struct asql *q, struct sbuf *b);

#endif
