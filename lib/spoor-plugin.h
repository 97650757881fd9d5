/*
 * spoor-plugin.h: the ABI between spoor-artifacts (the host) and its
 * artifact parser plugins.  Installed; see spoor-plugin(7).
 *
 * A plugin is a shared object NAME.so that exports one descriptor
 *
 *	const struct spoor_plugin spoor_plugin_NAME = { ... };
 *
 * with `abi` = SPOOR_PLUGIN_ABI as compiled.  The host refuses a plugin
 * whose major differs from its own, or whose `name` is not the basename
 * of the file.  Members of the structs below are only ever appended
 * (minor bump); a removal or a change of meaning is a new major.
 *
 * Plugins never link libspoor or SQLite: everything they need from the
 * host comes through struct spoor_host, whose callbacks are valid only
 * during the call to run().  Plugins parse hostile data: every length
 * is bounded, every SQL value may have any type, any table may be gone.
 */
#ifndef SPOOR_PLUGIN_H
#define SPOOR_PLUGIN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "spoor.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SPOOR_PLUGIN_ABI_MAJOR 1
#define SPOOR_PLUGIN_ABI_MINOR 2
/* Major in the high 16 bits, minor in the low 16 bits. */
#define SPOOR_PLUGIN_ABI_MAKE(maj, min) (((maj) << 16) | ((min) & 0xffff))
#define SPOOR_PLUGIN_ABI \
	SPOOR_PLUGIN_ABI_MAKE(SPOOR_PLUGIN_ABI_MAJOR, SPOOR_PLUGIN_ABI_MINOR)
#define SPOOR_PLUGIN_ABI_MAJOR_OF(abi) (((abi) >> 16) & 0xffff)
#define SPOOR_PLUGIN_ABI_MINOR_OF(abi) ((abi) & 0xffff)

/* The symbol prefix of the descriptor: spoor_plugin_<name>, with every
 * '-' of the name written as '_'. */
#define SPOOR_PLUGIN_SYMBOL_PREFIX "spoor_plugin_"

/* Opaque to plugins. */
struct spoor_db;
struct spoor_stmt;

/* Where a record came from, beyond what the host knows itself (plugin,
 * exhibit, source path and its SHA-256). */
struct spoor_prov {
	const char *source_path;	/* evidence path; NULL: the run's */
	const char *table;		/* NULL for text sources */
	int64_t rowid;			/* -1: none */
	int64_t line;			/* 1-based line, -1: none */
	const char *recovered_from;	/* NULL; "wal": only the WAL has
					 * it; "main": deleted in the WAL,
					 * still in the main file (the host
					 * sets it for the rows it recovers
					 * itself, see recover_tables) */
};

/* SQLite column types as spoor_host.col_type reports them. */
enum spoor_sql_type {
	SPOOR_SQL_INTEGER = 1,
	SPOOR_SQL_FLOAT = 2,
	SPOOR_SQL_TEXT = 3,
	SPOOR_SQL_BLOB = 4,
	SPOOR_SQL_NULL = 5,
};

/*
 * A local wall-clock time as spoor_host.local_time read it (ABI 1.2).
 * Written into a record with spoor_p_local_time().
 */
struct spoor_local_time {
	int quality;			/* enum spoor_time_quality */
	struct spoor_time utc;		/* unset when the zone is unknown */
	struct spoor_time utc_later;	/* the fold's later instant, set
					 * only when ambiguous */
	const char *zone;		/* the zone used, NULL when unknown
					 * (valid for the run) */
	const char *quality_name;	/* "exact", "ambiguous", ... */
	char local[SPOOR_TIME_STR_MAX];	/* "2024-03-31T02:30:00" */
};

/* What spoor_host.resolve found for an attachment. */
struct spoor_resolved {
	char path[4096];	/* evidence path of the file, "" if none */
	char sha256[65];	/* hex, "" if not found */
	uint64_t size;
};

struct spoor_host {
	int abi;		/* the host's SPOOR_PLUGIN_ABI */
	size_t size;		/* sizeof(struct spoor_host) in the host:
				 * members past it are absent */
	void *priv;		/* the host's; do not touch */
	const char *exhibit;

	/* Messages (one line, no newline); level: enum spoor_log_level. */
	void (*log)(const struct spoor_host *h, int level, const char *fmt,
		    ...) SPOOR_PRINTF(3, 4);

	/*
	 * Emit one record.  The host appends provenance (plugin, exhibit,
	 * source_path, source_sha256, table, rowid/line, recovered_from)
	 * and writes it at once: the record and what it points at may be
	 * reused after the call.  Keep records under 48 fields (45 for
	 * the tables of recover_tables: the host adds 7 recovered_*
	 * fields to their recovered rows).  A record with a value the host
	 * cut (see col_text) gets "truncated": true when it has no such
	 * field of its own.  Non-zero: stop (output failed or
	 * interrupted); the plugin returns soon after.
	 */
	int (*emit)(const struct spoor_host *h, const struct spoor_record *r,
		    const struct spoor_prov *prov);

	/*
	 * Say that the file at path is of the plugin's kind but could not
	 * be understood (unknown schema, no expected table): counted apart
	 * from "0 records", reflected in the exit code (5).  The host
	 * adds the tables it found when the file is a database.
	 */
	void (*not_understood)(const struct spoor_host *h, const char *path,
			       const char *why);

	/* A named option of the run (--tz, --me, ...), or NULL. */
	const char *(*option)(const struct spoor_host *h, const char *name);

	/*
	 * Read a whole file of the evidence (at most max bytes; more is
	 * an error) into a buffer freed with free_buf.  NULL when absent.
	 */
	void *(*read_file)(const struct spoor_host *h, const char *path,
			   size_t max, size_t *len);
	void (*free_buf)(const struct spoor_host *h, void *buf);
	/* True when the evidence holds a regular file at path. */
	bool (*exists)(const struct spoor_host *h, const char *path);

	/*
	 * Attachments: find the evidence file whose path ends with rel
	 * ("Media/WhatsApp Images/IMG-1.jpg"), preferring one below
	 * near_dir.  0 and *out filled, or SPOOR_ENOTFOUND.
	 */
	int (*resolve)(const struct spoor_host *h, const char *near_dir,
		       const char *rel, struct spoor_resolved *out);

	/* "+31612345678" from a stored number and a default country
	 * calling code ("31"); 0 on success, else out is "".  Kept for
	 * plugins of ABI 1.1; new code uses phone (it says why a number
	 * is not valid). */
	int (*phone_e164)(const struct spoor_host *h, const char *raw,
			  const char *default_cc, char *out, size_t size);

	/* A local wall-clock time in zone tz (NULL: the run's --tz, else
	 * UTC) to UTC seconds: the earlier instant of a DST fold, the
	 * offset before a DST gap.  0, or SPOOR_EINVAL.  Kept for plugins
	 * of ABI 1.1; new code uses local_time (it says which of those
	 * happened, and does not pretend a zone). */
	int (*local_to_utc)(const struct spoor_host *h, const char *tz,
			    int year, int mon, int day, int hour, int min,
			    int sec, int64_t *out);

	/*
	 * SQLite, safely: the host copies the database with its -wal and
	 * -journal into a private directory, opens the copy read-only in
	 * defensive mode without extensions or trusted schema, and runs
	 * the queries.  NULL when it is not an SQLite database (the host
	 * has logged why).
	 */
	struct spoor_db *(*db_open)(const struct spoor_host *h,
				    const char *path);
	void (*db_close)(struct spoor_db *db);
	bool (*db_has_table)(struct spoor_db *db, const char *table);
	bool (*db_has_column)(struct spoor_db *db, const char *table,
			      const char *column);
	/* True when the row of `table` with that rowid is only visible
	 * with the WAL applied (the main file alone does not have it). */
	bool (*db_wal_only)(struct spoor_db *db, const char *table,
			    int64_t rowid);

	/* Statements: NULL on an SQL error (logged). */
	struct spoor_stmt *(*prepare)(struct spoor_db *db, const char *sql);
	int (*bind_int)(struct spoor_stmt *st, int idx, int64_t v);
	int (*bind_text)(struct spoor_stmt *st, int idx, const char *s);
	/* 1: a row; 0: done; negative: an error (logged). */
	int (*step)(struct spoor_stmt *st);
	int (*reset)(struct spoor_stmt *st);
	void (*finalize)(struct spoor_stmt *st);
	int (*col_type)(struct spoor_stmt *st, int i);
	int64_t (*col_int)(struct spoor_stmt *st, int i);
	double (*col_double)(struct spoor_stmt *st, int i);
	/* Text or blob bytes (NUL-terminated; NULL for a NULL value),
	 * valid until the next step.  At most 16 MiB (text cut on a
	 * character boundary; the NUL stays at the value's end): a
	 * longer value is cut and the next record emitted is flagged
	 * "truncated". */
	const char *(*col_text)(struct spoor_stmt *st, int i, size_t *len);

	/*
	 * The main file alone, without its WAL (a read-only view owned by
	 * db, closed with it), or NULL when there is no WAL.  Rows it has
	 * and db has not were deleted in the WAL and not yet checkpointed:
	 * emit them with recovered_from "main".
	 */
	struct spoor_db *(*db_main)(struct spoor_db *db);

	/*
	 * ABI 1.1: open a file of the evidence as a stream, for formats too
	 * large to read whole (an XML backup with base64 media): a
	 * read-only file descriptor that the plugin closes, or -1 when the
	 * file is absent or unreadable (logged).  Check SPOOR_HOST_HAS(h,
	 * open_file) first: an older host lacks it.
	 */
	int (*open_file)(const struct spoor_host *h, const char *path);

	/*
	 * ABI 1.2: a local wall-clock reading of the source (a chat
	 * export's "31-03-2024 02:30") to an instant, with its quality.
	 * tz NULL: the run's --tz; when there is none the time stays
	 * local (quality zone-unknown, utc unset) and the host warns once
	 * per source file.  Near a DST change the quality says ambiguous
	 * (both instants) or nonexistent (read with the offset before the
	 * gap).  0, or SPOOR_EINVAL for an impossible reading or zone.
	 * Replaces local_to_utc, which cannot say any of this.
	 */
	int (*local_time)(const struct spoor_host *h, const char *tz,
			  const struct spoor_wallclock *w,
			  struct spoor_local_time *out);

	/*
	 * ABI 1.2: a stored phone number to E.164 by the numbering plan
	 * of its region (see spoor_phone_parse in spoor.h); default_cc
	 * as there (plugins pass h->option(h, "cc") for numbers as the
	 * phone stored them, NULL for JIDs).  Write it with
	 * spoor_p_phone().  Replaces phone_e164.
	 */
	int (*phone)(const struct spoor_host *h, const char *raw,
		     const char *default_cc, struct spoor_phone *out);

	/*
	 * ABI 1.2: a statement that reads on past rows SQLite cannot read
	 * (a damaged page, a value over the host's limit).  sql selects
	 * the rowid of `table` (or its alias, such as _id INTEGER PRIMARY
	 * KEY) as its first column, from the lower bound ?1, in rowid
	 * order: "SELECT m._id, ... FROM message m ... WHERE m._id >= ?1
	 * ORDER BY m._id".  The host binds ?1 (bind other parameters from
	 * ?2 on).  When SQLite fails on a row, the host logs the table,
	 * the rowids it could not read and SQLite's error, counts them,
	 * finds the next row it can read and steps on from there; only
	 * other errors reach the plugin.  NULL on an SQL error (logged).
	 * Check SPOOR_HOST_HAS(h, prepare_rows) first.
	 */
	struct spoor_stmt *(*prepare_rows)(struct spoor_db *db,
					   const char *table, const char *sql);
	/* (append new members here; never insert or reorder) */
};

struct spoor_plugin {
	int abi;			/* SPOOR_PLUGIN_ABI */
	const char *name;		/* == basename of the .so */
	const char *version;
	const char *description;	/* one line */
	/* Record types it emits ("message", "contact", ...), NULL-ended. */
	const char *const *types;
	/* fnmatch(3) patterns (no FNM_PATHNAME) matched against each
	 * evidence path; run() is called once per matching file. */
	const char *const *patterns;
	/* Parse one file.  0 ok (also with 0 records); negative: the
	 * host counts an error and goes on with the next file;
	 * SPOOR_PLUGIN_DECLINED: not of this plugin's kind. */
	int (*run)(const struct spoor_host *h, const char *path);

	/*
	 * ABI 1.2: the tables of the file's database whose deleted rows
	 * the host recovers (NULL-ended; NULL, or a plugin built for an
	 * older minor: the tables it emitted records from).  List the
	 * tables rows come from and their parts that are deleted with
	 * them, not the ones only looked up (accounts, chats, handles):
	 * those keep their live rows.  After
	 * run() the host scans the database's pages for deleted rows of
	 * these tables and, when it finds some, calls run() once more on
	 * the same path: db_open then gives a view in which these tables
	 * hold only the recovered rows (the other tables their live
	 * rows), and what the plugin emits from them is stamped with
	 * where each row was found (recovered_from "freelist",
	 * "freeblock", "unallocated", "wal-superseded", "main"; see
	 * spoor-plugin(7)).  Emit with prov.table and prov.rowid set, as
	 * for any SQL row: records without them are dropped in that run.
	 * A plugin must not keep state from the first run into the second.
	 */
	const char *const *recover_tables;
};

/*
 * What run() returns for a file that matched a pattern but is not of
 * the plugin's kind (a .txt that is no chat export): the host counts
 * the file as not read by this plugin, and a file no plugin reads is
 * reported (never a silent 0).  A file of the plugin's kind that it
 * cannot understand is not_understood() instead.  Hosts before ABI 1.2
 * take it as 0.
 */
#define SPOOR_PLUGIN_DECLINED 1

/* Whether the host passed to a plugin has member m (added in a later
 * minor than the host's). */
#define SPOOR_HOST_HAS(h, m) \
	((h)->size >= offsetof(struct spoor_host, m) + sizeof((h)->m) && \
	 (h)->m != NULL)

/* ---- helpers for plugins: building records without libspoor ---- */

static inline struct spoor_field *spoor_p_add(struct spoor_record *r,
					      const char *key,
					      enum spoor_field_kind k)
{
	struct spoor_field *f;

	if (r->n >= SPOOR_RECORD_MAX_FIELDS) {
		r->overflow = true;
		return NULL;
	}
	f = &r->f[r->n++];
	f->key = key;
	f->kind = k;
	return f;
}

static inline void spoor_p_init(struct spoor_record *r, const char *type)
{
	r->type = type;
	r->n = 0;
	r->overflow = false;
}

static inline void spoor_p_bytes(struct spoor_record *r, const char *key,
				 const char *p, size_t len)
{
	struct spoor_field *f = spoor_p_add(r, key,
					    p ? SPOOR_F_STR : SPOOR_F_NULL);

	if (f && p) {
		f->v.str.ptr = p;
		f->v.str.len = len;
	}
}

static inline void spoor_p_str(struct spoor_record *r, const char *key,
			       const char *s)
{
	spoor_p_bytes(r, key, s, s ? strlen(s) : 0);
}

static inline void spoor_p_int(struct spoor_record *r, const char *key,
			       int64_t v)
{
	struct spoor_field *f = spoor_p_add(r, key, SPOOR_F_INT);

	if (f)
		f->v.i = v;
}

static inline void spoor_p_bool(struct spoor_record *r, const char *key,
				bool v)
{
	struct spoor_field *f = spoor_p_add(r, key, SPOOR_F_BOOL);

	if (f)
		f->v.b = v;
}

static inline void spoor_p_null(struct spoor_record *r, const char *key)
{
	spoor_p_add(r, key, SPOOR_F_NULL);
}

/* An array of n sub-records (written as a JSON array of objects); items
 * must stay valid until the record is emitted. */
static inline void spoor_p_list(struct spoor_record *r, const char *key,
				const struct spoor_record *items, size_t n)
{
	struct spoor_field *f = spoor_p_add(r, key, SPOOR_F_LIST);

	if (f) {
		f->v.list.items = items;
		f->v.list.n = n;
	}
}

/* An instant from a raw value in a unit ("unix_ms", "unix_s"); also
 * adds key_raw and key_unit so the stored value is never lost. */
static inline void spoor_p_time(struct spoor_record *r, const char *key,
				const char *key_raw, const char *key_unit,
				int64_t raw, bool have, const char *unit)
{
	struct spoor_field *f = spoor_p_add(r, key, SPOOR_F_TIME);
	int64_t div = unit && !strcmp(unit, "unix_ms") ? 1000 : 1;

	if (f) {
		f->v.t.set = have && raw > 0;
		f->v.t.sec = raw / div;
		f->v.t.nsec = (uint32_t)((raw % div) * (1000000000 / div));
		if (raw < 0) {
			f->v.t.set = false;
			f->v.t.nsec = 0;
		}
	}
	if (have)
		spoor_p_int(r, key_raw, raw);
	else
		spoor_p_null(r, key_raw);
	spoor_p_str(r, key_unit, unit);
}

/*
 * The time fields of a local wall-clock reading: time (UTC, or null when
 * the zone is unknown), time_local, time_zone, time_quality, and
 * time_later for the later instant of an ambiguous reading.  lt must
 * stay valid until the record is emitted.
 */
static inline void spoor_p_local_time(struct spoor_record *r,
				      const struct spoor_local_time *lt)
{
	struct spoor_field *f = spoor_p_add(r, "time", SPOOR_F_TIME);

	if (f)
		f->v.t = lt->utc;
	spoor_p_str(r, "time_local", lt->local[0] ? lt->local : NULL);
	spoor_p_str(r, "time_zone", lt->zone);
	spoor_p_str(r, "time_quality", lt->quality_name);
	if (lt->quality == SPOOR_TIME_AMBIGUOUS &&
	    (f = spoor_p_add(r, "time_later", SPOOR_F_TIME)))
		f->v.t = lt->utc_later;
}

/*
 * A phone number field: key holds the E.164 number or null.  When the
 * stored value is written like a number (digits and separators) but is
 * not a valid one, key_valid is false and key_why says why; a name
 * ("Mark") gets neither.  The stored value itself stays in the plugin's
 * own raw field.  ph must stay valid until the record is emitted.
 */
static inline void spoor_p_phone(struct spoor_record *r, const char *key,
				 const char *key_valid, const char *key_why,
				 const struct spoor_phone *ph)
{
	bool valid = ph->e164[0] != '\0';

	spoor_p_str(r, key, valid ? ph->e164 : NULL);
	if (!valid && ph->numeric) {
		spoor_p_bool(r, key_valid, false);
		spoor_p_str(r, key_why, ph->why);
	}
}

#ifdef __cplusplus
}
#endif
#endif /* SPOOR_PLUGIN_H */
