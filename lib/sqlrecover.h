/*
 * sqlrecover.h: deleted rows for the plugin host (sqlrecover_view.c).
 * Not installed.
 *
 * The host runs a plugin once on the database as it is, then, when the
 * page scan (spoor_sqlrec_scan) finds deleted rows of the tables the
 * plugin reads, a second time on a recovery view: a private connection
 * to the same private copy in which each of those tables is shadowed by
 * a TEMP table holding only the recovered rows.  The plugin's own SQL
 * runs unchanged; what it emits from a shadowed table is stamped with
 * the row's origin, everything else of that second run is dropped.
 */
#ifndef SPOOR_SQLRECOVER_H
#define SPOOR_SQLRECOVER_H

#include "artifact_sql.h"

/* Where a recovered row came from, for the record's provenance. */
struct sqlrec_origin {
	enum spoor_sqlrec_source source;
	bool have_rowid;
	int64_t rowid;			/* the row's own, when have_rowid */
	uint32_t page;
	bool in_wal;
	uint64_t offset;
	uint32_t length;
	bool partial;
	bool earlier;			/* a live row has this rowid with other
					 * values: an earlier version of it (or
					 * a deleted row whose rowid SQLite
					 * reused) */
	const char *lost;		/* lost columns, ","-separated, or NULL */
};

/* What the first run saw of one database, to leave out of the second:
 * the rows the plugin emitted as recovered_from "main" itself. */
struct sqlrec_seen;

struct sqlrec_seen *sqlrec_seen_new(void);
void sqlrec_seen_free(struct sqlrec_seen *s);
/* Note a record the first run emitted from table (rowid), its plugin
 * fields hashed (hash), and whether it was recovered_from "main". */
void sqlrec_seen_add(struct sqlrec_seen *s, const char *table, int64_t rowid,
		     uint64_t hash, bool main);
/* The hash the first run noted for (table, rowid), or 0. */
uint64_t sqlrec_seen_hash(const struct sqlrec_seen *s, const char *table,
			  int64_t rowid);
/* The tables the first run emitted records from, NULL-ended (owned). */
const char *const *sqlrec_seen_tables(const struct sqlrec_seen *s);
/* A hash of a plugin's record (type and fields, as rendered): an
 * earlier version that renders like the live row is not news. */
uint64_t sqlrec_record_hash(const struct spoor_record *r);

struct sqlrec_view;

/* What building a view found, for the run's statistics. */
struct sqlrec_view_stats {
	uint64_t rows;			/* recovered rows in the view */
	uint64_t dup_live;		/* copies of live rows left out */
	uint64_t dup_rows;		/* the same recovered row twice */
	uint64_t dropped;		/* page-scan drops, unchecked rows */
	uint64_t damaged;		/* page structures cut short */
	bool truncated;			/* stopped at the memory ceiling */
};

/*
 * Scan the private copy of q (q->dir/db and db-wal) for deleted rows of
 * the tables named (NULL-ended; names that are not rowid tables of the
 * database are skipped) and build the view.  seen: what the first run
 * emitted (may be NULL).  0 and *out (NULL when nothing was recovered),
 * or an error (SPOOR_EUNSUPPORTED for a UTF-16 database).
 */
int sqlrec_view_build(struct asql *q, const char *const *tables,
		      const struct sqlrec_seen *seen, struct sqlrec_view **out,
		      struct sqlrec_view_stats *st, struct spoor_err *err);
void sqlrec_view_free(struct sqlrec_view *v);
/* The connection the second run queries (read-only, hardened). */
sqlite3 *sqlrec_view_db(struct sqlrec_view *v);
/* The origin of the row of table with the view's rowid, or NULL when it
 * is not a recovered row. */
const struct sqlrec_origin *sqlrec_view_origin(const struct sqlrec_view *v,
					       const char *table,
					       int64_t rowid);

#endif
