/*
 * spoor.h: the public API of libspoor, the digital-forensics library under
 * the spoor tools.
 *
 * Conventions (see STYLE.md):
 * - Functions return an int: 0 (SPOOR_OK) on success, a negative
 *   enum spoor_code on failure.  Where a function takes a
 *   `struct spoor_err *err`, it may be NULL; otherwise it is filled with the
 *   code, the errno that caused it (or 0) and a one-line message in lower
 *   case without a full stop, the subject in quotes.
 * - The library never prints, never exits and never aborts on bad input:
 *   malformed evidence is SPOOR_EFORMAT.  Messages reach the caller through
 *   the log callback of a struct spoor_ctx.
 * - Functions never take ownership of their arguments.  A returned
 *   `const char *` belongs to the object it came from.
 * - `_new`/`_free` allocate and release; `_free(NULL)` is a no-op.
 * - The library has no global state; separate objects may be used from
 *   separate threads.  One object is not thread-safe unless said so.
 */
#ifndef SPOOR_H
#define SPOOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(SPOOR_BUILDING) && defined(__GNUC__)
#define SPOOR_API __attribute__((visibility("default")))
#else
#define SPOOR_API
#endif

#if defined(__GNUC__)
#define SPOOR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SPOOR_PRINTF(f, a)
#endif

/* ------------------------------------------------------------------ */
/* Version and errors                                                  */
/* ------------------------------------------------------------------ */

/* The library version, "MAJOR.MINOR.PATCH". */
SPOOR_API const char *spoor_version(void);

enum spoor_code {
	SPOOR_OK = 0,
	SPOOR_ENOMEM = -1,	/* out of memory */
	SPOOR_EINVAL = -2,	/* invalid argument (a caller error) */
	SPOOR_EIO = -3,		/* the input could not be read */
	SPOOR_EFORMAT = -4,	/* the input is malformed or not recognised */
	SPOOR_EAMBIGUOUS = -5,	/* the input fits more than one format */
	SPOOR_EOUTPUT = -6,	/* the output could not be written */
	SPOOR_ELIMIT = -7,	/* a bound on hostile input was reached */
	SPOOR_ENOTFOUND = -8,	/* a named thing does not exist */
	SPOOR_EUNSUPPORTED = -9, /* recognised but not supported here */
	SPOOR_ESTOPPED = -10,	/* stopped on request (a callback said so) */
	SPOOR_EINTERNAL = -11,	/* a bug: please report */
};

#define SPOOR_ERR_MSG_MAX 256

/* Caller-owned error detail; see the conventions above. */
struct spoor_err {
	int code;		/* enum spoor_code */
	int sys_errno;		/* errno behind it, or 0 */
	char msg[SPOOR_ERR_MSG_MAX];
};

/* A short English description of an enum spoor_code. */
SPOOR_API const char *spoor_strerror(int code);

/* Reset *err to "no error".  err may be NULL. */
SPOOR_API void spoor_err_clear(struct spoor_err *err);

/* ------------------------------------------------------------------ */
/* Context and logging                                                 */
/* ------------------------------------------------------------------ */

enum spoor_log_level {
	SPOOR_LOG_ERROR = 0,
	SPOOR_LOG_WARN = 1,
	SPOOR_LOG_INFO = 2,
	SPOOR_LOG_DEBUG = 3,
};

/*
 * A log sink.  Called with a complete one-line message (no newline).  It
 * may be called from several threads at once unless the library says
 * otherwise; the library serialises calls made through one context.
 */
typedef void spoor_log_fn(void *userdata, enum spoor_log_level level,
			  const char *msg);

/* The library context: where messages go.  Cheap; one per tool run. */
struct spoor_ctx;

/* A context that drops every message until spoor_ctx_set_log(). */
SPOOR_API struct spoor_ctx *spoor_ctx_new(void);
SPOOR_API void spoor_ctx_free(struct spoor_ctx *ctx);

/* Send messages up to and including `max_level` to fn(userdata, ...). */
SPOOR_API void spoor_ctx_set_log(struct spoor_ctx *ctx, spoor_log_fn *fn,
				 void *userdata, enum spoor_log_level max_level);

/* Log through the context (used by the library and by plugins). */
SPOOR_API void spoor_log(struct spoor_ctx *ctx, enum spoor_log_level level,
			 const char *fmt, ...) SPOOR_PRINTF(3, 4);

/* ------------------------------------------------------------------ */
/* Hashing: several digests from one pass over the data (OpenSSL)      */
/* ------------------------------------------------------------------ */

enum spoor_hash_alg {
	SPOOR_MD5 = 1u << 0,
	SPOOR_SHA1 = 1u << 1,
	SPOOR_SHA256 = 1u << 2,
	SPOOR_SHA512 = 1u << 3,
};
#define SPOOR_HASH_ALL (SPOOR_MD5 | SPOOR_SHA1 | SPOOR_SHA256 | SPOOR_SHA512)
#define SPOOR_HASH_NALGS 4
#define SPOOR_HASH_MAXLEN 64	/* bytes of the longest digest (SHA-512) */

/* The digests of one piece of data; `mask` says which are set. */
struct spoor_digests {
	unsigned mask;
	unsigned char md5[16];
	unsigned char sha1[20];
	unsigned char sha256[32];
	unsigned char sha512[64];
};

/*
 * Parse "md5,sha1,sha256" (names case-insensitive, comma separated) into
 * a mask of enum spoor_hash_alg.  An empty list or an unknown name is
 * SPOOR_EINVAL.
 */
SPOOR_API int spoor_hash_parse(const char *list, unsigned *mask,
			       struct spoor_err *err);

/* "md5", "sha1", "sha256", "sha512" for one algorithm bit, else NULL. */
SPOOR_API const char *spoor_hash_name(unsigned alg);

/* Digest length in bytes for one algorithm bit, else 0. */
SPOOR_API size_t spoor_hash_len(unsigned alg);

/* Pointer to the digest bytes of `alg` inside `d` (NULL if not in mask). */
SPOOR_API const unsigned char *spoor_digest_get(const struct spoor_digests *d,
						unsigned alg);

/* Write the lower-case hex of n bytes plus a NUL into out[2n+1]. */
SPOOR_API void spoor_hex(const unsigned char *bytes, size_t n, char *out);

/* A running multi-digest.  One per thread. */
struct spoor_hash;

SPOOR_API struct spoor_hash *spoor_hash_new(unsigned mask,
					    struct spoor_err *err);
SPOOR_API void spoor_hash_free(struct spoor_hash *h);
/* Start a new message (also done by spoor_hash_new). */
SPOOR_API int spoor_hash_reset(struct spoor_hash *h, struct spoor_err *err);
SPOOR_API int spoor_hash_update(struct spoor_hash *h, const void *buf,
				size_t len, struct spoor_err *err);
/* Finish the message: fills the algorithms of h into out (other
 * algorithms in out are left alone, so lanes can fill one struct). */
SPOOR_API int spoor_hash_final(struct spoor_hash *h, struct spoor_digests *out,
			       struct spoor_err *err);

/* ------------------------------------------------------------------ */
/* Text: UTF-8 validation and time formatting                          */
/* ------------------------------------------------------------------ */

/* True when buf[0..len) is well-formed UTF-8 (no overlongs, surrogates or
 * code points above U+10FFFF).  NUL bytes are valid UTF-8. */
SPOOR_API bool spoor_utf8_valid(const char *buf, size_t len);

/*
 * An instant: seconds since 1970-01-01T00:00:00Z plus nanoseconds.  `set`
 * is false where the source has no such time (printed as null).
 */
struct spoor_time {
	int64_t sec;
	uint32_t nsec;
	bool set;
};

#define SPOOR_TIME_STR_MAX 40

/* Format as ISO 8601 UTC, "2024-05-01T12:00:00Z", with ".nnnnnnnnn"
 * (trailing zeros dropped) when nsec != 0.  Returns out, or NULL (out set
 * to "") for unset or out-of-range times. */
SPOOR_API char *spoor_time_iso(const struct spoor_time *t,
			       char out[SPOOR_TIME_STR_MAX]);

/* ------------------------------------------------------------------ */
/* Records: one flat, typed, ordered set of fields, written by writers */
/* ------------------------------------------------------------------ */

enum spoor_field_kind {
	SPOOR_F_NULL,
	SPOOR_F_STR,	/* bytes (need not be UTF-8; see the writers) */
	SPOOR_F_INT,
	SPOOR_F_UINT,
	SPOOR_F_BOOL,
	SPOOR_F_TIME,	/* struct spoor_time; null when !set */
	SPOOR_F_LIST,	/* an array of sub-records */
	SPOOR_F_RUNS,	/* an array of struct spoor_run (byte runs) */
};

struct spoor_run;

struct spoor_record;

struct spoor_field {
	const char *key;
	enum spoor_field_kind kind;
	union {
		struct {
			const char *ptr;
			size_t len;
		} str;
		int64_t i;
		uint64_t u;
		bool b;
		struct spoor_time t;
		struct {
			const struct spoor_record *items;
			size_t n;
		} list;
		struct {
			const struct spoor_run *items;
			size_t n;
		} runs;
	} v;
};

#define SPOOR_RECORD_MAX_FIELDS 64

/*
 * A record is a view: it points at keys and values owned by the caller,
 * which must stay valid until the record is written.  `type` names the
 * kind of record ("file", "message", ...).  Build with the add functions;
 * a record holds at most SPOOR_RECORD_MAX_FIELDS fields (more are dropped
 * and `overflow` is set, which the writers report as SPOOR_EINTERNAL).
 */
struct spoor_record {
	const char *type;
	size_t n;
	bool overflow;
	struct spoor_field f[SPOOR_RECORD_MAX_FIELDS];
};

SPOOR_API void spoor_record_init(struct spoor_record *r, const char *type);
SPOOR_API void spoor_record_null(struct spoor_record *r, const char *key);
/* A NUL-terminated string; NULL adds a null field. */
SPOOR_API void spoor_record_str(struct spoor_record *r, const char *key,
				const char *s);
SPOOR_API void spoor_record_bytes(struct spoor_record *r, const char *key,
				  const char *p, size_t len);
SPOOR_API void spoor_record_int(struct spoor_record *r, const char *key,
				int64_t v);
SPOOR_API void spoor_record_uint(struct spoor_record *r, const char *key,
				 uint64_t v);
SPOOR_API void spoor_record_bool(struct spoor_record *r, const char *key,
				 bool v);
SPOOR_API void spoor_record_time(struct spoor_record *r, const char *key,
				 const struct spoor_time *t);
SPOOR_API void spoor_record_list(struct spoor_record *r, const char *key,
				 const struct spoor_record *items, size_t n);
SPOOR_API void spoor_record_runs(struct spoor_record *r, const char *key,
				 const struct spoor_run *runs, size_t n);
/* The field named key, or NULL. */
SPOOR_API const struct spoor_field *
spoor_record_get(const struct spoor_record *r, const char *key);

/* ------------------------------------------------------------------ */
/* Writers: JSON Lines, CSV, DFXML, TSK bodyfile                       */
/* ------------------------------------------------------------------ */

enum spoor_format {
	SPOOR_FMT_JSONL,
	SPOOR_FMT_CSV,
	SPOOR_FMT_DFXML,
	SPOOR_FMT_BODYFILE,
};

/* Parse "jsonl", "csv", "dfxml", "bodyfile" (also "json" for jsonl). */
SPOOR_API int spoor_format_parse(const char *name, enum spoor_format *fmt,
				 struct spoor_err *err);

/*
 * Text fields: valid UTF-8 is written as is (escaped for the format).
 * Anything else is written with each bad byte replaced by U+FFFD, and a
 * companion field `<key>_hex` holding the raw bytes in hex follows, so the
 * output stays valid and no byte of evidence is lost.
 *
 * JSONL: one object per record and line, in field order; lists become
 *   arrays of objects.
 * CSV: RFC 4180 with a header line of `columns` (required); fields are
 *   looked up by name; a missing field is an empty cell; a list is written
 *   as its JSON text.
 * DFXML: DFXML 1.x as fiwalk writes it, for "file" records: one
 *   <volume> per partition, one <fileobject> per record.
 * bodyfile: TSK 3.x bodyfile (mactime input) for "file" records.
 */
struct spoor_writer;

/* Creator facts written into DFXML <creator> and similar headers. */
struct spoor_writer_info {
	const char *program;		/* "spoor-files" */
	const char *version;
	const char *command_line;	/* may be NULL */
	const char *const *sources;	/* evidence paths, NULL-terminated */
};

SPOOR_API struct spoor_writer *
spoor_writer_new(FILE *out, enum spoor_format fmt, const char *const *columns,
		 const struct spoor_writer_info *info, struct spoor_err *err);
SPOOR_API int spoor_writer_write(struct spoor_writer *w,
				 const struct spoor_record *r,
				 struct spoor_err *err);
/* Write trailers and flush; reports any earlier output error.  Does not
 * close `out`. */
SPOOR_API int spoor_writer_finish(struct spoor_writer *w,
				  struct spoor_err *err);
SPOOR_API void spoor_writer_free(struct spoor_writer *w);

/* ------------------------------------------------------------------ */
/* File types: libmagic, categories, extension mismatch                */
/* ------------------------------------------------------------------ */

enum spoor_category {
	SPOOR_CAT_OTHER,
	SPOOR_CAT_IMAGE,
	SPOOR_CAT_VIDEO,
	SPOOR_CAT_AUDIO,
	SPOOR_CAT_DOCUMENT,
	SPOOR_CAT_ARCHIVE,
	SPOOR_CAT_DATABASE,
	SPOOR_CAT_CHAT_DATABASE,
	SPOOR_CAT_EXECUTABLE,
	SPOOR_CAT_ENCRYPTED,
	SPOOR_CAT_TEXT,
	SPOOR_CAT_EMPTY,
	SPOOR_CAT_COUNT
};

/* "image", "video", ... "other", "empty". */
SPOOR_API const char *spoor_category_name(enum spoor_category c);

#define SPOOR_MIME_MAX 128
#define SPOOR_MAGIC_MAX 256

struct spoor_type {
	char mime[SPOOR_MIME_MAX];	/* "image/jpeg" */
	char magic[SPOOR_MAGIC_MAX];	/* libmagic's description */
	enum spoor_category category;
	/* 1: the name's extension does not fit the type; 0: it fits, or
	 * there is no extension or nothing to judge by. */
	bool ext_mismatch;
};

/*
 * How many bytes of a file's head spoor_magic_identify wants: callers
 * pass min(size, SPOOR_MAGIC_HEAD) bytes from offset 0.
 */
#define SPOOR_MAGIC_HEAD (64 * 1024)

/* A libmagic handle (one per thread: libmagic is not thread-safe). */
struct spoor_magic;

SPOOR_API struct spoor_magic *spoor_magic_new(struct spoor_err *err);
SPOOR_API void spoor_magic_free(struct spoor_magic *m);

/*
 * Classify the head of a file.  `name` (may be NULL) is used for the
 * extension check and to tell chat databases from other SQLite files;
 * `size` is the file's full size.  Never decompresses (no libmagic -z).
 * Text-looking content is classified from its first few KiB only.
 */
SPOOR_API int spoor_magic_identify(struct spoor_magic *m, const void *head,
				   size_t len, uint64_t size, const char *name,
				   struct spoor_type *out, struct spoor_err *err);

/*
 * The two halves of spoor_magic_identify, so that two threads can share
 * the work of one file: libmagic's MIME type, and its description, of
 * the head (len 0: an empty file).  Then spoor_type_derive fills the
 * category and ext_mismatch of a type whose mime and magic are set.
 */
SPOOR_API int spoor_magic_mime(struct spoor_magic *m, const void *head,
			       size_t len, char out[SPOOR_MIME_MAX],
			       struct spoor_err *err);
SPOOR_API int spoor_magic_describe(struct spoor_magic *m, const void *head,
				   size_t len, char out[SPOOR_MAGIC_MAX],
				   struct spoor_err *err);
SPOOR_API void spoor_type_derive(struct spoor_type *t, const char *name);

/* The category a file name's extension suggests, before any content is
 * read (for ordering work, never as a finding): SPOOR_CAT_OTHER when the
 * extension says nothing. */
SPOOR_API enum spoor_category spoor_category_guess(const char *name);

/* The category for a MIME type and a file name (pure table lookup). */
SPOOR_API enum spoor_category spoor_category_of(const char *mime,
						const char *magic,
						const char *name);

/* Whether the extension of `name` fits `mime` (see struct spoor_type). */
SPOOR_API bool spoor_ext_mismatch(const char *name, const char *mime);

/* ------------------------------------------------------------------ */
/* Evidence and the file walk                                          */
/* ------------------------------------------------------------------ */

enum spoor_file_type {
	SPOOR_FT_UNKNOWN,
	SPOOR_FT_FILE,
	SPOOR_FT_DIR,
	SPOOR_FT_LINK,
	SPOOR_FT_FIFO,
	SPOOR_FT_SOCKET,
	SPOOR_FT_CHARDEV,
	SPOOR_FT_BLOCKDEV,
	SPOOR_FT_VIRTUAL,	/* TSK's virtual files ($MBR, $FAT1, ...) */
	SPOOR_FT_VIRTUAL_DIR,	/* TSK's $OrphanFiles */
	SPOOR_FT_WHITEOUT,
	SPOOR_FT_SHADOW,
};

/* "file", "dir", "link", ... */
SPOOR_API const char *spoor_file_type_name(enum spoor_file_type t);

/* How a file's content was obtained, beyond "read as the fs says". */
enum spoor_recovery {
	SPOOR_REC_NONE = 0,	/* allocated, or content read as described */
	SPOOR_REC_HEURISTIC,	/* deleted FAT/exFAT file > 1 cluster: content
				 * from the contiguous-cluster assumption */
	SPOOR_REC_REALLOC,	/* deleted name whose metadata now belongs to
				 * another file: content not attributed */
	SPOOR_REC_NO_META,	/* deleted name without readable metadata */
};

/* NULL for SPOOR_REC_NONE, else "heuristic", "realloc", "no-metadata". */
SPOOR_API const char *spoor_recovery_name(enum spoor_recovery r);

/* One contiguous run of a file's content in the image (DFXML byte_run). */
struct spoor_run {
	uint64_t file_offset;
	uint64_t img_offset;	/* bytes from the start of the image */
	uint64_t len;
	bool sparse;		/* a hole: zeros, no image bytes */
};

/*
 * One file system object as the walk found it, with its content digests
 * and type.  Strings are NUL-terminated bytes (names need not be UTF-8)
 * owned by the scan and valid during the callback only.
 */
struct spoor_file {
	uint64_t seq;			/* 0, 1, 2 ... in walk order */
	const char *exhibit;
	int64_t partition;		/* volume slot, -1 when none */
	int64_t partition_offset;	/* bytes, -1 for a directory source */
	const char *fstype;		/* "ext4", "ntfs", "dir", "file" */
	const char *path;		/* relative, as fls -r -p prints it */
	size_t path_len;
	const char *name;		/* last path element (with :stream) */
	size_t name_len;
	const char *stream;		/* NTFS named stream or NULL */
	enum spoor_file_type type;
	bool has_inode;
	uint64_t inode;
	bool has_attr;			/* NTFS attribute type-id */
	uint32_t attr_type;
	uint16_t attr_id;
	bool allocated;
	bool orphan;
	uint64_t size;
	struct spoor_time mtime, atime, ctime, crtime;
	bool has_mode;
	char mode[16];			/* "r/rrw-r--r--" as in bodyfiles */
	uint32_t uid, gid;
	const char *link_target;	/* symlink target or NULL */
	enum spoor_recovery recovery;
	const struct spoor_run *runs;	/* NULL when unknown */
	size_t nruns;
	bool hashed;			/* digests/type below are valid */
	struct spoor_digests digests;
	bool typed;
	struct spoor_type ftype;
	const char *error;		/* content read failure, else NULL */
	bool uninitialised;		/* NTFS stream never written: all
					 * zeros, not read, not hashed */
};

/*
 * Fill `r` (type "file") with the JSONL fields of f in their documented
 * order, then `byte_runs` (used by DFXML only).  `r` points into `f` and
 * `buf`, which must outlive it.
 */
struct spoor_file_recbuf {
	char times[4][SPOOR_TIME_STR_MAX];
	char hex[SPOOR_HASH_NALGS][2 * SPOOR_HASH_MAXLEN + 1];
	char attr[24];
};
SPOOR_API void spoor_file_record(const struct spoor_file *f,
				 struct spoor_record *r,
				 struct spoor_file_recbuf *buf);

/* Which evidence to open and how. */
struct spoor_source_opts {
	const char *exhibit;	/* id in records; NULL: basename of path */
	const char *img_type;	/* TSK image type ("raw", "ewf", ...), "file"
				 * for one plain file, or NULL to detect */
	const char *fs_type;	/* TSK file system type or NULL to detect */
	int64_t offset_sectors;	/* walk only the fs at this offset, or -1 */
	int64_t partition;	/* walk only this volume slot, or -1 */
};

/* Counters of one scan (added up over all evidence). */
struct spoor_scan_stats {
	uint64_t files;			/* records produced */
	uint64_t bytes;			/* content bytes read */
	uint64_t deleted;		/* records with allocated == false */
	uint64_t unreadable;		/* records with an error */
	uint64_t heuristic;		/* records with recovery heuristic */
	uint64_t no_content;		/* realloc or no-metadata records */
	uint64_t volumes;		/* file systems walked */
	uint64_t volumes_skipped;	/* partitions not walked */
	uint64_t walk_errors;		/* directories that could not be read */
	uint64_t by_category[SPOOR_CAT_COUNT];
};

/* Progress, reported from the caller's thread every ~100 ms at most. */
struct spoor_progress {
	uint64_t files;
	uint64_t bytes;
	uint64_t total_files;	/* 0 when unknown */
	uint64_t total_bytes;	/* 0 when unknown */
	const char *evidence;
};

/* Return 0 to go on, nonzero to stop the scan (SPOOR_ESTOPPED). */
typedef int spoor_file_cb(void *userdata, const struct spoor_file *f);
/* Whether to read (hash, classify) this file's content; `f` has its
 * metadata only.  Files not selected are still passed to on_file, with
 * hashed and typed false. */
typedef bool spoor_select_cb(void *userdata, const struct spoor_file *f);
typedef void spoor_progress_cb(void *userdata,
			       const struct spoor_progress *p);

struct spoor_scan_opts {
	unsigned hash_mask;	/* enum spoor_hash_alg bits; 0: no hashing */
	bool magic;		/* classify with libmagic */
	int threads;		/* 1: inline; n > 1: reader + n-1.. lanes */
	bool estimate;		/* count files/bytes first for the ETA */
	spoor_file_cb *on_file;		/* required: called in walk order */
	spoor_progress_cb *on_progress;	/* optional */
	spoor_select_cb *select;	/* optional: NULL reads every file */
	void *userdata;
};

/*
 * A scan: walks evidence, reads every file's content once, feeds all
 * digests and libmagic, and calls on_file in walk order on the caller's
 * thread (the same input gives the same sequence whatever `threads` is).
 */
struct spoor_scan;

SPOOR_API struct spoor_scan *spoor_scan_new(struct spoor_ctx *ctx,
					    const struct spoor_scan_opts *o,
					    struct spoor_err *err);
SPOOR_API void spoor_scan_free(struct spoor_scan *s);

/*
 * Walk one piece of evidence: a directory (logical evidence, symlinks
 * never followed), a disk or partition image of any type libtsk opens
 * (every file system in every partition), or a single file.  Problems
 * inside the evidence (a partition without a known file system, an
 * unreadable directory or file) are logged, counted in the stats and do
 * not stop the walk.  Returns SPOOR_EIO / SPOOR_EFORMAT /
 * SPOOR_EAMBIGUOUS when the evidence as a whole cannot be opened or
 * understood, SPOOR_ESTOPPED when on_file asked to stop.
 */
SPOOR_API int spoor_scan_evidence(struct spoor_scan *s, const char *path,
				  const struct spoor_source_opts *src,
				  struct spoor_err *err);

/* Ask a running scan to stop soon (safe from a signal handler). */
SPOOR_API void spoor_scan_interrupt(struct spoor_scan *s);

SPOOR_API const struct spoor_scan_stats *
spoor_scan_stats(const struct spoor_scan *s);

#ifdef __cplusplus
}
#endif
#endif /* SPOOR_H */
