/*
 * artifact.h: private interfaces of spoor-artifacts: evidence presented
 * as one file tree (artifact_src.c) and safe SQLite (safesql.c).  Not
 * installed.
 */
#ifndef SPOOR_ARTIFACT_H
#define SPOOR_ARTIFACT_H

#include "internal.h"

#include <sqlite3.h>

/*
 * One file of the evidence.  `path` is the evidence path (bytes as
 * stored, '/'-separated, never used as a local path); `local` is where
 * the bytes can be read: the file itself for a directory or a single
 * file, a private copy for an archive member.  A later source (a TSK
 * image) fills `local` on demand through asrc_ops.materialise.
 */
struct asrc_entry {
	char *path;
	char *local;		/* NULL until materialised */
	uint64_t size;
	bool hashed;
	char sha256[65];
	char *origin;		/* iOS backup: the backup file the entry
				 * was read from ("3d/3d0d..."), or NULL */
	bool used;		/* a plugin read it (plugin.c): files no
				 * plugin read are counted, never silent */
};

struct asrc;

struct asrc_ops {
	const char *kind;	/* "dir", "file", "archive", "image" */
	/* Make e->local readable (extract it); 0 or a spoor code. */
	int (*materialise)(struct asrc *s, struct asrc_entry *e,
			   struct spoor_err *err);
	void (*release)(struct asrc *s);
};

struct asrc {
	const struct asrc_ops *ops;
	char *evidence;		/* as given */
	char *tmp;		/* private mkdtemp directory, or NULL */
	struct asrc_entry *e;
	size_t n, cap;
	uint64_t skipped;	/* members not read (links, limits, errors) */
	size_t *by_base;	/* entry indexes sorted by base name, built
				 * on the first asrc_by_base() */
	void *priv;
};

/* Limits against hostile archives and trees. */
#define ASRC_MAX_ENTRIES ((size_t)2 << 20)
#define ASRC_MAX_TOTAL ((uint64_t)64 << 30)	/* bytes extracted */
/* Past ASRC_BOMB_SLACK bytes extracted, at most ASRC_MAX_RATIO times the
 * archive bytes read so far (deflate's best is about 1032:1). */
#define ASRC_BOMB_SLACK ((uint64_t)64 << 20)
#define ASRC_MAX_RATIO 500
#define ASRC_MAX_DEPTH 64

/*
 * Open evidence at path: a directory (walked without following links),
 * a zip or tar file (members copied into a private temporary directory
 * below tmp_base, names kept only as strings), or any other single file.
 */
int asrc_open(struct spoor_ctx *ctx, const char *path, const char *tmp_base,
	      struct asrc **out, struct spoor_err *err);
void asrc_free(struct asrc *s);
/* Append an entry (for the sources in other files); 0 or a spoor code. */
int asrc_add(struct asrc *s, const char *path, const char *local,
	     uint64_t size, struct spoor_err *err);
/*
 * artifact_tsk.c: open path as a disk or partition image with at least
 * one file system libtsk recognises and fill s with its regular files
 * (content materialised on demand below tmp_base).  1 when it is not
 * such an image (s untouched), 0, or a spoor code.
 */
int asrc_tsk_open(struct spoor_ctx *ctx, struct asrc *s, const char *path,
		  const char *tmp_base, struct spoor_err *err);
/* The entry with exactly this path, or NULL. */
struct asrc_entry *asrc_find(struct asrc *s, const char *path);
/*
 * The entries whose base name is `base`: *first is set to the first
 * position in the base-name index and the count is returned; entry k is
 * &s->e[s->by_base[*first + k]].  Attachments are found this way without
 * a scan of the whole tree per message.
 */
size_t asrc_by_base(struct asrc *s, const char *base, size_t *first);
/* Open an entry for reading (O_RDONLY, O_NOATIME where allowed); fd or
 * -1 with err set. */
int asrc_open_fd(struct asrc *s, struct asrc_entry *e, struct spoor_err *err);
/* The SHA-256 of an entry (computed once). */
int asrc_sha256(struct asrc *s, struct asrc_entry *e, struct spoor_err *err);
/* Remove a directory tree we created (no links followed). */
void asrc_rmtree(const char *dir);

/* ---- iOS backups (artifact_ios.c) ---- */

struct spoor_host;
struct spoor_plugin;
/*
 * dir as an iTunes/Finder backup (Manifest.db, Manifest.plist or
 * Manifest.mbdb in it): fill s with the backup's files under their
 * device paths (HomeDomain -> private/var/mobile/..., see
 * spoor-artifacts(1)), each entry's origin its backup file.  1 when dir
 * is no such backup (s untouched), 0, or a spoor code.
 */
int asrc_ios_open(struct spoor_ctx *ctx, struct asrc *s, const char *dir,
		  const char *tmp_base, struct spoor_err *err);
/* After a directory walk: entries below domain folders ("HomeDomain/
 * Library/SMS/sms.db") get their device paths.  0 or a spoor code. */
int asrc_ios_remap(struct spoor_ctx *ctx, struct asrc *s,
		   struct spoor_err *err);
/* The root entry the built-in "ios-backup" reports on, or NULL when s
 * is not an iOS backup. */
const char *asrc_ios_anchor(struct asrc *s);
/* The built-in pseudo-plugin: device facts and backup problems. */
extern const struct spoor_plugin asrc_ios_plugin;
/* plugin.c: the evidence of the run a host belongs to. */
struct asrc *asrc_of_host(const struct spoor_host *h);

/* ---- safesql ---- */

struct safesql {
	sqlite3 *db;		/* the copy with its WAL applied */
	sqlite3 *imm;		/* the main file alone (immutable=1); NULL
				 * when there was no WAL */
	char *dir;		/* private copy, removed on close */
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
 * values up to SAFESQL_MAX_LENGTH (a bound on memory per value); a row
 * holding a longer one cannot be read at all (SQLITE_TOOBIG).
 */
#define SAFESQL_VALUE_MAX ((size_t)16 << 20)
#define SAFESQL_MAX_LENGTH (256 * 1024 * 1024)

/* Copy entry e (+ "-wal", "-journal") out of s and open it safely.
 * SPOOR_EFORMAT when it is not an SQLite database, or when it is one
 * SQLite calls damaged (then safesql_damaged(err) is true). */
int safesql_open(struct asrc *s, struct asrc_entry *e, const char *tmp_base,
		 struct safesql **out, struct spoor_err *err);
/* Whether safesql_open failed on a damaged database (SQLITE_CORRUPT or
 * SQLITE_NOTADB behind a valid header), not on a non-database. */
bool safesql_damaged(const struct spoor_err *err);
/* What SQLite's quick_check says of q (at most a few problems, with the
 * pages it names), "; "-separated, into b; nothing when it finds none
 * or cannot run. */
void safesql_check(struct safesql *q, struct sbuf *b);
void safesql_close(struct safesql *q);
bool safesql_has_table(struct safesql *q, const char *table);
bool safesql_has_column(struct safesql *q, const char *table,
			const char *column);
bool safesql_wal_only(struct safesql *q, const char *table, int64_t rowid);
/* The names of the tables, ", "-separated, into b. */
void safesql_tables(struct safesql *q, struct sbuf *b);
/* The hardening every connection gets (defensive, no triggers or
 * extensions, untrusted schema, length limit, query_only): for the
 * recovery view's own connection (sqlrecover_view.c). */
int safesql_harden(sqlite3 *db);

#endif
