/*
 * artifact.h: private interfaces of spoor-artifacts: evidence presented
 * as one file tree (artifact_src.c, artifact_tsk.c, artifact_ios.c), on
 * top of SQLite on a private copy (artifact_sql.h), and the built-in
 * plugins of those sources (builtin_ios.c), which the plugin host
 * (plugin.c) runs.  See artifact_sql.h for the layers.  Not installed.
 */
#ifndef SPOOR_ARTIFACT_H
#define SPOOR_ARTIFACT_H

#include "internal.h"
#include "artifact_sql.h"

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

/*
 * Open entry e of s as an SQLite database (asql_open on the entry and
 * its "-wal" and "-journal" entries, when s has them): the way every
 * database of the evidence is opened (the plugin host, Manifest.db).
 */
int asrc_sql_open(struct asrc *s, struct asrc_entry *e, const char *tmp_dir,
		  struct asql **out, struct spoor_err *err);

/* ---- iOS backups (artifact_ios.c) ---- */

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

/* Device facts of a backup: asrc_ios_fact_field(i) names fact i. */
#define ASRC_IOS_NFACTS 11
const char *asrc_ios_fact_field(size_t i);

/* What the backup source learnt of a backup, for its built-in plugin. */
struct asrc_ios_info {
	char *fact[ASRC_IOS_NFACTS];
	const char *fact_src[ASRC_IOS_NFACTS];	/* "Info.plist", ... */
	int64_t backup_date;		/* unix s */
	bool have_date;
	bool encrypted;
	bool mbdb;			/* Manifest.mbdb, no Manifest.db */
	bool domains;			/* domain/relativePath folders */
	char *manifest_err;		/* why Manifest.db was not read */
	char *plist_err;		/* an unreadable plist */
	char *anchor;			/* the entry the report is bound to */
	uint64_t files;			/* Files rows of regular files */
	uint64_t missing;		/* listed, not in the folder */
	uint64_t unsafe;		/* fileID or path refused */
	uint64_t size_mismatch;		/* blob Size != file size */
	char *first_missing;		/* "domain-relativePath" */
	char *first_unsafe;
};

/* s's backup facts, or NULL when s is not an iOS backup. */
const struct asrc_ios_info *asrc_ios_info(struct asrc *s);

/* ---- built-in plugins (builtin_ios.c): above the plugin host ---- */

struct spoor_host;
struct spoor_plugin;

/*
 * A plugin compiled into the host that speaks for an evidence source
 * (device facts and problems of an iOS backup) rather than parsing
 * files: always loaded, run once per evidence on the entry anchor()
 * names, given the source itself.  It reaches the host only through
 * struct spoor_host.
 */
struct builtin {
	const struct spoor_plugin *p;	/* name, description, types */
	/* The entry of src to run on, or NULL: nothing to say of src. */
	const char *(*anchor)(struct asrc *src);
	int (*run)(const struct spoor_host *h, struct asrc *src,
		   const char *path);
};

/* The built-ins, NULL-ended. */
extern const struct builtin *const builtin_plugins[];

#endif
