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
/* Files: whole writes, capped reads, atomic replacement               */
/* ------------------------------------------------------------------ */

/*
 * Write all n bytes of buf to fd, again after EINTR and short writes.
 * 0, or -1 with errno set (ENOSPC when write() wrote nothing).
 */
SPOOR_API int spoor_write_all(int fd, const void *buf, size_t n);

/*
 * Read fd from its offset to EOF into *buf (malloc'ed, a NUL after the
 * *len bytes; free() it).  More than max bytes: SPOOR_ELIMIT and nothing
 * returned; a read error: SPOOR_EIO.  name is for messages only.
 */
SPOOR_API int spoor_read_all(int fd, const char *name, size_t max,
			     char **buf, size_t *len, struct spoor_err *err);

/*
 * Open path relative to dirfd (AT_FDCWD: the working directory) with
 * O_RDONLY | O_NONBLOCK | O_CLOEXEC | flags (e.g. O_NOFOLLOW) and read
 * it as spoor_read_all.  Anything but a regular file (a FIFO, which
 * would block, a device) is SPOOR_EFORMAT, unread; a missing file is
 * SPOOR_ENOTFOUND; a file larger than max SPOOR_ELIMIT.
 */
SPOOR_API int spoor_read_file(int dirfd, const char *path, int flags,
			      size_t max, char **buf, size_t *len,
			      struct spoor_err *err);

/*
 * Open an input file read-only (O_CLOEXEC | O_NOCTTY | flags): a regular
 * file or a block device.  Anything else is refused without waiting (a
 * FIFO would block until a writer comes): SPOOR_EUNSUPPORTED naming
 * what it is.  Returns the fd, or a negative enum spoor_code.
 */
SPOOR_API int spoor_open_input(const char *path, int flags,
			       struct spoor_err *err);

/* fsync the file or folder at path (EINVAL, a file system that cannot
 * sync, counts as done).  0, or -1 with errno set. */
SPOOR_API int spoor_fsync_path(const char *path);
/* fsync the folder holding path, so that a name made or renamed there
 * is durable.  0, or -1 with errno set. */
SPOOR_API int spoor_fsync_dir_of(const char *path);
/* rename(from, to), then fsync the folder(s) of both names.  0, or -1
 * with errno set. */
SPOOR_API int spoor_rename(const char *from, const char *to);

/*
 * A file written under a temporary name and renamed into place only
 * when complete: open creates NAME.tmp (mode, O_EXCL; a leftover of a
 * killed run is replaced) relative to dirfd (or AT_FDCWD); write to
 * `fd`; commit fsyncs and closes it, renames it to NAME and fsyncs the
 * folder; abort closes and removes the temporary file.  After commit or
 * abort the struct holds nothing (abort again is a no-op).
 */
struct spoor_atomic {
	int fd;			/* write here; commit closes it */
	int dirfd;
	char *name, *tmp;
};

SPOOR_API int spoor_atomic_open(struct spoor_atomic *a, int dirfd,
				const char *name, int mode,
				struct spoor_err *err);
SPOOR_API int spoor_atomic_commit(struct spoor_atomic *a,
				  struct spoor_err *err);
SPOOR_API void spoor_atomic_abort(struct spoor_atomic *a);
/* The whole of buf as NAME, atomically (open, write, commit). */
SPOOR_API int spoor_atomic_write(int dirfd, const char *name,
				 const void *buf, size_t len, int mode,
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
/* Time zones: local wall-clock times to UTC instants                  */
/* ------------------------------------------------------------------ */

/*
 * How a local wall-clock time from the source became an instant.  Every
 * record with a time converted from a local clock writes the name in
 * `time_quality` beside `time_local` (what the source said) and
 * `time_zone` (the zone used).
 */
enum spoor_time_quality {
	SPOOR_TIME_EXACT = 0,		/* one instant */
	SPOOR_TIME_AMBIGUOUS = 1,	/* a DST fold: two instants; the
					 * earlier is `time`, the later
					 * `time_later` */
	SPOOR_TIME_NONEXISTENT = 2,	/* a DST gap: read with the offset
					 * in force before the gap */
	SPOOR_TIME_ZONE_UNKNOWN = 3,	/* no zone given: kept as local,
					 * `time` is null */
};

/* "exact", "ambiguous", "nonexistent", "zone-unknown"; NULL otherwise. */
SPOOR_API const char *spoor_time_quality_name(int quality);

/* A wall-clock reading: year, month 1-12, day 1-31, hour 0-23, minute
 * 0-59, second 0-60. */
struct spoor_wallclock {
	int year, mon, day, hour, min, sec;
};

/* The reading as seconds since 1970-01-01T00:00:00 of the same clock
 * (no zone applied). */
SPOOR_API int64_t spoor_wallclock_seconds(const struct spoor_wallclock *w);
/* The inverse of spoor_wallclock_seconds. */
SPOOR_API void spoor_wallclock_from_seconds(int64_t local,
					    struct spoor_wallclock *w);
/* "2024-03-31T02:30:00" (no zone designator: a local time).  Returns
 * out, or NULL (out "") for an invalid reading or a year past 9999. */
SPOOR_API char *spoor_wallclock_iso(const struct spoor_wallclock *w,
				    char out[SPOOR_TIME_STR_MAX]);

/*
 * A time zone, read once and converted with no process state (no TZ
 * variable, no tzset): thread-safe, cheap per conversion.  The one
 * grammar of every tool's zone option (--tz, --fs-tz):
 *   +HH:MM or -HH:MM   a fixed offset, exactly that form, up to 14:00;
 *   an IANA name       present in the system's tzdata (/usr/share/zoneinfo
 *                      or $TZDIR), e.g. "Europe/Amsterdam", "UTC".
 * Anything else is SPOOR_EINVAL with a message fit for a usage error.
 */
struct spoor_tz;

SPOOR_API int spoor_tz_new(const char *spec, struct spoor_tz **out,
			   struct spoor_err *err);
SPOOR_API void spoor_tz_free(struct spoor_tz *tz);
/* The zone as given to spoor_tz_new. */
SPOOR_API const char *spoor_tz_spec(const struct spoor_tz *tz);
/* The UTC offset in seconds (east positive) in force at instant t. */
SPOOR_API int32_t spoor_tz_offset(const struct spoor_tz *tz, int64_t t);

/* The instant(s) a wall-clock reading means in a zone. */
struct spoor_tz_conv {
	int quality;		/* SPOOR_TIME_EXACT, _AMBIGUOUS or
				 * _NONEXISTENT */
	int64_t utc;		/* the instant (the earlier of a fold) */
	int64_t utc_later;	/* the later instant of a fold, else utc */
	int32_t offset;		/* the offset used for utc */
};

/* Convert a reading to UTC.  0, or SPOOR_EINVAL for an impossible
 * reading (month 13, 31 April, hour 24). */
SPOOR_API int spoor_tz_to_utc(const struct spoor_tz *tz,
			      const struct spoor_wallclock *w,
			      struct spoor_tz_conv *out);

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

/*
 * Write s[0..len) to f as one quoted JSON string with the JSONL
 * writer's escaper (the one escaper of spoor's JSON): bytes that are
 * not UTF-8 become U+FFFD, so the output stays valid JSON.  Returns
 * true when nothing was replaced (false: write a "<key>_hex" companion
 * if the bytes matter).
 */
SPOOR_API bool spoor_json_fputs(FILE *f, const char *s, size_t len);

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

/*
 * Both halves with one libmagic call where possible: the description,
 * and the MIME type from it when the description is one libmagic always
 * types the same way (JPEG, PNG, ASCII text, SQLite, Zip, ...; a table
 * checked against libmagic), else from a second call.  Fills mime and
 * magic of *out; *one_call (may be NULL) says whether one call did.
 */
SPOOR_API int spoor_magic_classify(struct spoor_magic *m, const void *head,
				   size_t len, struct spoor_type *out,
				   bool *one_call, struct spoor_err *err);

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
/* Perceptual hashes (PDQ): pictures found after re-encoding           */
/* ------------------------------------------------------------------ */

/*
 * PDQ (Meta's perceptual hash, from its published hashing document): 256
 * bits from a picture's luminance, compared by Hamming distance (0: the
 * same picture; unrelated pictures are ~128 apart; <= 31 is a match by
 * the document's recommendation), and a quality 0..100 (below 50: too
 * featureless to trust).  The eight rotations and mirrors of a picture
 * have hashes derived from the same transform (dihedral variants), so a
 * rotated or mirrored copy is found by comparing all eight.
 */
#define SPOOR_PDQ_BYTES 32
#define SPOOR_PDQ_HEX 65		/* 64 hex digits + NUL */
#define SPOOR_PDQ_MAX_SIDE 65535u	/* pixels per side, at most */
#define SPOOR_PDQ_MAX_PIXELS ((uint64_t)1 << 27)	/* 134 megapixels */
#define SPOOR_PDQ_MATCH_DISTANCE 31	/* default match threshold */
#define SPOOR_PDQ_MIN_QUALITY 50	/* default quality floor */

struct spoor_pdq {
	unsigned char hash[SPOOR_PDQ_BYTES];	/* big-endian bit string */
	int quality;				/* 0..100 */
};

/* The dihedral variants, in the order spoor_pdq_luma fills them, named
 * as the reference implementation's test pictures are. */
enum spoor_pdq_dihedral {
	SPOOR_PDQ_ORIGINAL,
	SPOOR_PDQ_ROTATE90,	/* turned a quarter counter-clockwise */
	SPOOR_PDQ_ROTATE180,
	SPOOR_PDQ_ROTATE270,
	SPOOR_PDQ_FLIPX,	/* mirrored about the x axis (upside down) */
	SPOOR_PDQ_FLIPY,	/* mirrored about the y axis (left-right) */
	SPOOR_PDQ_FLIP_PLUS1,	/* mirrored about the main diagonal */
	SPOOR_PDQ_FLIP_MINUS1,	/* mirrored about the other diagonal */
	SPOOR_PDQ_NDIHEDRAL
};

/* "original", "rotate-90", ... "flip-minus-1"; NULL when out of range. */
SPOOR_API const char *spoor_pdq_dihedral_name(int which);

/*
 * The PDQ of a w x h luminance picture (row-major floats 0..255).
 * dihedral (may be NULL) gets the eight variants' hashes.  SPOOR_ELIMIT
 * beyond SPOOR_PDQ_MAX_SIDE / SPOOR_PDQ_MAX_PIXELS.
 */
SPOOR_API int spoor_pdq_luma(const float *luma, size_t w, size_t h,
			     struct spoor_pdq *out,
			     unsigned char dihedral[][SPOOR_PDQ_BYTES],
			     struct spoor_err *err);

/* What spoor_pdq_picture found besides the hash. */
struct spoor_pdq_info {
	const char *format;	/* "jpeg", "png", "gif", "webp", "heif",
				 * "bmp", "tiff"; NULL when not a picture
				 * format spoor decodes */
	uint32_t width, height;	/* as declared by the picture */
	uint32_t scale;		/* decoded at 1/scale of the size (JPEG's
				 * scaled DCT, WebP's scaled decode), or
				 * reduced to it by averaging */
	uint32_t frames;	/* 2: an animation (the first frame is
				 * hashed), else 1 */
};

/* Decoding options; NULL means the defaults. */
struct spoor_pdq_opts {
	uint32_t min_side;	/* decode or average down while the shorter
				 * side stays >= this; 0: 256; UINT32_MAX:
				 * full size (benchmarks) */
	uint64_t max_pixels;	/* declared width * height, at most; 0:
				 * SPOOR_PDQ_MAX_PIXELS */
};

/*
 * Sniff a picture format from a file's first bytes: "jpeg", "png",
 * "gif", "webp", "heif" (ISO-BMFF heic/heix/heim/heis/mif1/msf1 brands),
 * "bmp", "tiff", or NULL.
 */
SPOOR_API const char *spoor_pdq_sniff(const void *head, size_t len);

/*
 * Decode the picture in buf (a whole file) with the maintained decoder
 * of its format (libjpeg-turbo, libpng, giflib, libwebp, libheif,
 * libtiff; BMP by a strict reader here) and compute its PDQ from the
 * luminance; dihedral and info may be NULL.  The picture's pixels are
 * hashed as stored (EXIF orientation is not applied: the dihedral
 * variants cover it).  Hostile input is an error, never a crash:
 * SPOOR_EUNSUPPORTED for another format or a variant that is not
 * decoded (e.g. CMYK), SPOOR_ELIMIT for a declared size over the caps
 * (decompression bombs), SPOOR_EFORMAT for a picture that does not
 * decode (truncated, corrupt); err->msg says which.
 */
SPOOR_API int spoor_pdq_picture(const void *buf, size_t len,
				const struct spoor_pdq_opts *opts,
				struct spoor_pdq *out,
				unsigned char dihedral[][SPOOR_PDQ_BYTES],
				struct spoor_pdq_info *info,
				struct spoor_err *err);

/* 64 lower-case hex digits and a NUL. */
SPOOR_API void spoor_pdq_hex(const unsigned char hash[SPOOR_PDQ_BYTES],
			     char out[SPOOR_PDQ_HEX]);

/* Parse exactly 64 hex digits (either case); SPOOR_EFORMAT otherwise. */
SPOOR_API int spoor_pdq_parse(const char *hex, size_t len,
			      unsigned char out[SPOOR_PDQ_BYTES]);

/* The Hamming distance of two hashes, 0..256. */
SPOOR_API int spoor_pdq_distance(const unsigned char a[SPOOR_PDQ_BYTES],
				 const unsigned char b[SPOOR_PDQ_BYTES]);

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
	/* File systems that store local wall-clock times (FAT, exFAT, ISO
	 * 9660 as libtsk reads them): the zone they were read in (the
	 * source's fs_tz, "UTC" by default), NULL for UTC file systems,
	 * and the times whose reading fell in a DST change, e.g.
	 * "mtime:ambiguous crtime:nonexistent" ("" when none). */
	const char *fs_time_zone;
	char fs_time_flags[96];
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
	/* PDQ (spoor_scan_opts.pdq), for files typed as pictures only */
	bool has_pdq;			/* pdq and pdq_dihedral are valid */
	struct spoor_pdq pdq;
	unsigned char pdq_dihedral[SPOOR_PDQ_NDIHEDRAL][SPOOR_PDQ_BYTES];
	const char *pdq_error;		/* a picture without a PDQ: why */
	int pdq_code;			/* its enum spoor_code:
					 * SPOOR_EUNSUPPORTED for a picture
					 * type that is not decoded */
	/* NTFS, on the first entry of a file: the times of the
	 * $FILE_NAME attribute libtsk took them from (fls -m prints them
	 * as "NAME ($FILE_NAME)"), its id and size */
	bool has_fn;
	struct spoor_time fn_mtime, fn_atime, fn_ctime, fn_crtime;
	uint16_t fn_attr_id;
	uint64_t fn_size;
};

/*
 * Fill `r` (type "file") with the JSONL fields of f in their documented
 * order, then `byte_runs` (used by DFXML only).  `r` points into `f` and
 * `buf`, which must outlive it.
 */
struct spoor_file_recbuf {
	char hex[SPOOR_HASH_NALGS][2 * SPOOR_HASH_MAXLEN + 1];
	char attr[24];
	char pdq[SPOOR_PDQ_HEX];
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
	/* The zone of the clock that wrote local-time file systems (FAT,
	 * exFAT, ISO 9660); NULL: UTC.  libtsk reads those times in the
	 * process's zone: tools run with TZ=UTC (cli_ctx_new), and the
	 * walk then converts the wall clock with this zone itself. */
	const struct spoor_tz *fs_tz;
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
	uint64_t pdq;			/* pictures with a PDQ */
	uint64_t pdq_failed;		/* pictures of a decoded format whose
					 * PDQ could not be computed (corrupt,
					 * truncated, over a cap) */
	uint64_t pdq_unsupported;	/* pictures of other types (icons,
					 * SVG, CMYK JPEG ...): no PDQ */
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
	bool pdq;		/* PDQ of every file libmagic types as a
				 * picture (needs magic; pictures up to
				 * SPOOR_PDQ_MAX_FILE bytes are decoded) */
};

/* The largest picture file whose PDQ a scan computes (held in memory). */
#define SPOOR_PDQ_MAX_FILE ((uint64_t)256 << 20)

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

/* ------------------------------------------------------------------ */
/* Acquisition (spoor-acquire)                                         */
/* ------------------------------------------------------------------ */

/* Facts about an acquisition source (a block device or a file).  Strings
 * are empty when unknown. */
struct spoor_devinfo {
	bool is_blockdev;
	uint64_t size;			/* bytes */
	uint32_t logical_sector;	/* BLKSSZGET; 512 for files */
	uint32_t physical_sector;	/* BLKPBSZGET; 512 for files */
	char model[128], serial[128], firmware[64], vendor[64];
	int removable;			/* 1 yes, 0 no, -1 unknown */
	int readonly;			/* BLKROGET: 1, 0, -1 unknown */
	bool mounted;			/* it or a partition of it */
	char mountpoint[256];		/* first mount point found */
	uint64_t st_dev, st_ino, st_rdev;
	char sysname[64];		/* "sda", "loop0"; "" for files */
};

/* Fill *out for the source at path (opened read-only, never written).
 * SPOOR_EIO when it cannot be opened, SPOOR_EUNSUPPORTED for anything
 * but a regular file or a block device. */
SPOOR_API int spoor_devinfo_get(const char *path, struct spoor_devinfo *out,
				struct spoor_err *err);

/* Set a block device read-only in the kernel (BLKROSET). */
SPOOR_API int spoor_dev_set_readonly(const char *path, struct spoor_err *err);

/*
 * SPOOR_EINVAL when writing `output` (a file that may not exist yet)
 * would write onto the source: the same file, the source device itself,
 * a partition of it or a device it holds, or a file system mounted from
 * it.  0 when it is elsewhere.
 */
SPOOR_API int spoor_output_on_source(const struct spoor_devinfo *src,
				     const char *output,
				     struct spoor_err *err);

enum spoor_img_format {
	SPOOR_IMG_RAW,		/* one file, OUTPUT */
	SPOOR_IMG_SPLIT,	/* OUTPUT.001, OUTPUT.002, ... */
	SPOOR_IMG_E01,		/* OUTPUT.E01, .E02, ... (libewf) */
};

enum spoor_compression {
	SPOOR_COMPRESS_NONE,
	SPOOR_COMPRESS_FAST,
	SPOOR_COMPRESS_BEST,
};

/* Case metadata written into E01 headers and the logs (may be NULL). */
struct spoor_case_meta {
	const char *case_number, *evidence_number, *examiner;
	const char *description, *notes;
};

/* One unreadable run of sectors (logical sector units). */
struct spoor_bad_range {
	uint64_t sector;
	uint64_t count;
	int sys_errno;
};

enum spoor_acq_phase { SPOOR_ACQ_READING, SPOOR_ACQ_VERIFYING };

struct spoor_acq_progress {
	enum spoor_acq_phase phase;
	uint64_t bytes;			/* done in this phase */
	uint64_t total;			/* bytes of the phase */
	uint64_t bad_sectors;
};

typedef void spoor_acq_progress_cb(void *userdata,
				   const struct spoor_acq_progress *p);

struct spoor_acquire_opts {
	enum spoor_img_format format;
	uint64_t segment_size;		/* split / E01 segment bytes; 0: one
					 * file (split) or 1.4 GiB (E01) */
	enum spoor_compression compression;	/* E01 only */
	unsigned hash_mask;		/* 0: md5 | sha256 */
	uint64_t piece_size;		/* per-piece digests; 0: none */
	int retries;			/* whole-block retries before the
					 * sector-by-sector pass */
	const unsigned char *fill;	/* pattern for unreadable sectors; */
	size_t fill_len;		/* NULL/0: zeros */
	const char *map_path;		/* ddrescue map; NULL: OUTPUT.map */
	const char *log_base;		/* logs BASE.log, BASE.xml; NULL: OUTPUT
					 * (without .E01) */
	bool resume;			/* continue from the map */
	bool verify;			/* re-read the image afterwards */
	unsigned verify_mask;		/* digests the re-read recomputes (a
					 * subset of hash_mask); 0: one, the
					 * first of sha256, sha1, sha512, md5
					 * in hash_mask (one collision-
					 * resistant digest proves the bytes
					 * equal; sha256 is the fastest with
					 * SHA-NI) */
	int direct;			/* O_DIRECT: -1 auto (devices), 0, 1 */
	size_t buffer_size;		/* bytes per read; 0: 4 MiB */
	uint64_t offset;		/* image the source from this byte
					 * (a multiple of the logical sector
					 * size; the map and the logs keep
					 * source positions) */
	uint64_t length;		/* bytes from offset (whole sectors);
					 * 0: to the end of the source */
	struct spoor_case_meta meta;
	const char *program, *version;	/* for logs and map headers */
	const char *command_line;
	spoor_acq_progress_cb *on_progress;	/* from the caller's thread */
	void *userdata;
};

enum spoor_verify_result {
	SPOOR_VERIFY_NOT_RUN,
	SPOOR_VERIFY_MATCH,
	SPOOR_VERIFY_MISMATCH,
	SPOOR_VERIFY_FAILED,		/* the image could not be re-read */
};

/* What an acquisition did; valid until spoor_acquire_free. */
struct spoor_acquire_result {
	struct spoor_devinfo source;
	struct spoor_digests digests;	/* of the image bytes (fill
					 * included), over the whole image */
	struct spoor_digests verify_digests;
	enum spoor_verify_result verify;
	uint64_t bytes_read;		/* from the source in this run */
	uint64_t bytes_written;		/* image bytes written in this run */
	uint64_t resumed_from;		/* byte offset; 0 for a fresh run */
	uint64_t offset, length;	/* the source bytes imaged */
	uint64_t bad_sectors;
	const struct spoor_bad_range *bad;
	size_t nbad;
	uint64_t npieces;		/* per-piece digests, see below */
	struct spoor_time start, end;	/* UTC wall clock */
	double seconds;			/* reading (monotonic) */
	double verify_seconds;
	bool interrupted;
	bool completed;			/* every byte read or accounted for */
	int code;			/* enum spoor_code of the run */
	char error[SPOOR_ERR_MSG_MAX];	/* "" when none */
	const char *const *segments;	/* image files, NULL-terminated */
	const char *log_path, *xml_path, *map_path;
};

/*
 * An acquisition: one reader thread feeds one thread per digest and one
 * writer thread through a fixed ring of aligned buffers (memory stays
 * under 64 MiB whatever the source size).  Read errors are retried, then
 * re-read one logical sector at a time with O_DIRECT, so exactly the
 * unreadable sectors are filled and recorded.
 */
struct spoor_acquire;

/* Check the options, inspect the source (spoor_devinfo_get) and refuse
 * an output on the source (SPOOR_EINVAL).  Nothing is written yet.  The
 * strings and the fill pattern that `o` points to must stay valid until
 * spoor_acquire_free (map_path and log_base are copied). */
SPOOR_API struct spoor_acquire *
spoor_acquire_new(struct spoor_ctx *ctx, const char *source,
		  const char *output, const struct spoor_acquire_opts *o,
		  struct spoor_err *err);
SPOOR_API void spoor_acquire_free(struct spoor_acquire *a);

/* The source facts found by spoor_acquire_new. */
SPOOR_API const struct spoor_devinfo *
spoor_acquire_source(const struct spoor_acquire *a);

/*
 * Image the source, then verify when asked.  0 when every sector was
 * read and (with verify) the image matches; SPOOR_EIO when sectors were
 * unreadable (the image is complete, filled there); SPOOR_EOUTPUT when
 * the image could not be written; SPOOR_ESTOPPED when interrupted (the
 * map allows --resume).  The result says more in every case.
 */
SPOOR_API int spoor_acquire_run(struct spoor_acquire *a,
				struct spoor_err *err);

/* Ask a running acquisition to stop soon (safe from a signal handler). */
SPOOR_API void spoor_acquire_interrupt(struct spoor_acquire *a);

SPOOR_API const struct spoor_acquire_result *
spoor_acquire_result(const struct spoor_acquire *a);

/* The digests of piece i (0 <= i < npieces) of --piece. */
SPOOR_API int spoor_acquire_piece(const struct spoor_acquire *a, uint64_t i,
				  struct spoor_digests *out);

/*
 * Write the text log (OUTPUT.log) and the DFXML-style XML log
 * (OUTPUT.xml) atomically (tmp, fsync, rename), after spoor_acquire_run
 * whatever it returned: the logs say what happened, success or not.
 */
SPOOR_API int spoor_acquire_write_logs(struct spoor_acquire *a,
				       struct spoor_err *err);


/* ------------------------------------------------------------------ */
/* Hash sets (spoor-hashdb)                                            */
/* ------------------------------------------------------------------ */

/*
 * A hash set is a `.sdb` file: a small header (magic "SPOORHDB", format
 * version, set name, kind, default category, counts per algorithm, build
 * time, the SHA-256 and name of every input) and, per algorithm, one
 * sorted array of fixed-width digests with a fan-out table over their
 * leading bits and an optional per-entry category index.  It is opened
 * with mmap and searched in place (nothing is loaded), read-only, so any
 * number of processes can share it.  Every offset and size is checked on
 * open; a hostile or damaged file is SPOOR_EFORMAT, never a crash.
 */

enum spoor_hashdb_kind {
	SPOOR_HDB_KNOWN,	/* known-good: may be left out (NSRL) */
	SPOOR_HDB_NOTABLE,	/* worth a look: tools, earlier cases */
	SPOOR_HDB_KNOWN_BAD,	/* known abuse material: alert at once */
};

/* "known", "notable", "known-bad"; NULL for other values. */
SPOOR_API const char *spoor_hashdb_kind_name(enum spoor_hashdb_kind k);

/* Parse a kind name (as above); anything else is SPOOR_EINVAL. */
SPOOR_API int spoor_hashdb_kind_parse(const char *s,
				      enum spoor_hashdb_kind *k,
				      struct spoor_err *err);

/* Input formats a set is built from. */
enum spoor_hashdb_format {
	SPOOR_HDB_FMT_AUTO,	/* detect from the content */
	SPOOR_HDB_FMT_RDS,	/* NSRL RDS v3 (SQLite, FILE table) */
	SPOOR_HDB_FMT_NSRL_TXT,	/* legacy NSRLFile.txt (CSV, header) */
	SPOOR_HDB_FMT_VICS,	/* Project VIC / CAID VICS JSON (OData) */
	SPOOR_HDB_FMT_HASHDEEP,	/* hashdeep/md5deep CSV ("%%%% HASHDEEP") */
	SPOOR_HDB_FMT_HASHLIST,	/* md5sum/sha1sum/sha256sum/sha512sum
				 * output, BSD "ALG (name) = hex", or one
				 * hex digest per line */
	SPOOR_HDB_FMT_SDB,	/* another .sdb set (merge, import) */
	SPOOR_HDB_FMT_PDQ,	/* PDQ CSV: hash,quality[,label] (a header
				 * line naming the columns may come first;
				 * hash,label without a quality with
				 * --format=pdq only) */
};

/* "auto", "rds", "nsrl-txt", "vics", "hashdeep", "hashlist", "sdb",
 * "pdq". */
SPOOR_API const char *spoor_hashdb_format_name(enum spoor_hashdb_format f);

/* Parse a format name (as above); anything else is SPOOR_EINVAL. */
SPOOR_API int spoor_hashdb_format_parse(const char *s,
					enum spoor_hashdb_format *f,
					struct spoor_err *err);

/*
 * Detect the format of the input at `path` from its first bytes (SQLite
 * header, '{' or '[', "%%%% HASHDEEP", the NSRLFile.txt header, the .sdb
 * magic, else a hash list).  SPOOR_EIO when it cannot be read.
 */
SPOOR_API int spoor_hashdb_detect(const char *path,
				  enum spoor_hashdb_format *f,
				  struct spoor_err *err);

/* A line (or row, or JSON object) of an input that could not be used. */
typedef void spoor_hashdb_bad_cb(void *userdata, const char *input,
				 uint64_t line, const char *why);

/* What one input gave. */
struct spoor_hashdb_input_stats {
	enum spoor_hashdb_format format;	/* as detected */
	uint64_t records;	/* lines, rows or objects read */
	uint64_t digests[SPOOR_HASH_NALGS];	/* added, by algorithm index
						 * (md5, sha1, sha256, sha512) */
	uint64_t bad;		/* records that did not parse (reported) */
	uint64_t skipped;	/* blank lines, comments, headers */
	unsigned char sha256[32];	/* of the input file's bytes */
	uint64_t pdq;		/* PDQ hashes added */
	uint64_t photodna;	/* PhotoDNA values kept (with a PDQ) */
	uint64_t photodna_dropped;	/* PhotoDNA values of media without
					 * a PDQ: not kept (counted) */
};

/* What a finished build wrote. */
struct spoor_hashdb_build_stats {
	uint64_t added[SPOOR_HASH_NALGS];	/* digests added */
	uint64_t unique[SPOOR_HASH_NALGS];	/* digests in the set */
	uint64_t category_conflicts;	/* one digest, two categories */
	uint64_t runs;			/* sorted runs spilled to disk */
	uint64_t pdq_added;		/* PDQ hashes added */
	uint64_t pdq_unique;		/* PDQ hashes in the set */
};

struct spoor_hashdb_build_opts {
	const char *name;	/* set name (<= 127 bytes); NULL: basename
				 * of the output without ".sdb" */
	enum spoor_hashdb_kind kind;
	const char *category;	/* default category (<= 63 bytes) or NULL */
	uint64_t mem_limit;	/* bytes for in-memory runs; 0: 512 MiB */
	const char *tmp_dir;	/* NULL: the output's directory */
	spoor_hashdb_bad_cb *on_bad;	/* optional; else only counted */
	void *userdata;
	int pdq_max_distance;	/* PDQ match threshold 1..64; 0: 31 */
	int pdq_min_quality;	/* PDQ quality floor 1..100; 0: 50 */
};

/*
 * A set being built by external merge sort: digests are buffered up to
 * mem_limit, spilled as sorted runs to unlinked temporary files, then
 * k-way merged, deduplicated and written to OUT.tmp, fsync'd and renamed
 * to OUT by spoor_hashdb_builder_finish.  When one digest comes with
 * several categories, the category that first appeared in the inputs
 * wins and the conflict is counted.  At most 65535 categories (of at
 * most 255 bytes), 65535 inputs and 2^32 - 1 digests per algorithm.
 */
struct spoor_hashdb_builder;

SPOOR_API struct spoor_hashdb_builder *
spoor_hashdb_builder_new(const char *out_path,
			 const struct spoor_hashdb_build_opts *o,
			 struct spoor_err *err);

/* Free; when not finished, nothing is left on disk.  NULL is a no-op. */
SPOOR_API void spoor_hashdb_builder_free(struct spoor_hashdb_builder *b);

/*
 * Add one digest: `alg` is one enum spoor_hash_alg bit and `digest` has
 * spoor_hash_len(alg) bytes; `category` may be NULL (the set default).
 */
SPOOR_API int spoor_hashdb_builder_add(struct spoor_hashdb_builder *b,
				       unsigned alg,
				       const unsigned char *digest,
				       const char *category,
				       struct spoor_err *err);

/*
 * Read one input file (fmt SPOOR_HDB_FMT_AUTO: detect) and add its
 * digests; its SHA-256 and name go into the header.  Bad records go to
 * on_bad and are counted in *st (may be NULL); they are not errors.
 * SQLite inputs are opened read-only with immutable=1, defensive mode
 * and no extensions; an RDS without a FILE table is SPOOR_EFORMAT, as
 * are JSON syntax errors and nesting deeper than 64.  An .sdb input adds
 * all of its digests with their categories (its default category when
 * an entry has none).
 */
SPOOR_API int spoor_hashdb_builder_add_file(struct spoor_hashdb_builder *b,
					    const char *path,
					    enum spoor_hashdb_format fmt,
					    struct spoor_hashdb_input_stats *st,
					    struct spoor_err *err);

/* Sort, merge and write the set atomically.  st may be NULL.  Call once;
 * after it only spoor_hashdb_builder_free is allowed. */
SPOOR_API int spoor_hashdb_builder_finish(struct spoor_hashdb_builder *b,
					  struct spoor_hashdb_build_stats *st,
					  struct spoor_err *err);

/* An open, read-only, memory-mapped set.  Lookups on one set may run
 * from several threads at once. */
struct spoor_hashdb;

SPOOR_API struct spoor_hashdb *spoor_hashdb_open(const char *path,
						 struct spoor_err *err);
SPOOR_API void spoor_hashdb_close(struct spoor_hashdb *db);

/* The header of an open set; strings belong to the set. */
struct spoor_hashdb_info {
	unsigned version;
	const char *name;
	enum spoor_hashdb_kind kind;
	const char *category;		/* default category, "" when none */
	int64_t build_time;		/* seconds since the epoch, UTC */
	uint64_t count[SPOOR_HASH_NALGS];	/* by algorithm index */
	size_t ninputs;
	size_t ncategories;
	uint64_t file_size;
	uint64_t pdq_count;		/* PDQ hashes */
	int pdq_max_distance;		/* a near match is <= this */
	int pdq_min_quality;		/* hashes below it are not matched */
};
SPOOR_API void spoor_hashdb_get_info(const struct spoor_hashdb *db,
				     struct spoor_hashdb_info *info);

/* Input i (< ninputs) of the set: its name as given at build time and
 * the SHA-256 of its bytes.  SPOOR_EINVAL when out of range. */
SPOOR_API int spoor_hashdb_input(const struct spoor_hashdb *db, size_t i,
				 const char **name,
				 const unsigned char **sha256);

/*
 * Look one digest up.  Returns true on a hit and sets *category (when not
 * NULL) to the entry's category, or the set's default ("" when none).
 * An algorithm the set has no digests of is a miss.
 */
SPOOR_API bool spoor_hashdb_lookup(const struct spoor_hashdb *db,
				   unsigned alg, const unsigned char *digest,
				   const char **category);

/*
 * Look up the digests of a file, strongest first (SHA-256, SHA-1, MD5,
 * SHA-512).  Returns the enum spoor_hash_alg bit that hit, 0 on a miss.
 */
SPOOR_API unsigned spoor_hashdb_lookup_digests(const struct spoor_hashdb *db,
					       const struct spoor_digests *d,
					       const char **category);

/*
 * Look up n digests of one algorithm (n * spoor_hash_len(alg) bytes in
 * `digests`), prefetching ahead so that memory latency overlaps; hit[i]
 * is set to 1 or 0.  Returns the number of hits.
 */
SPOOR_API size_t spoor_hashdb_lookup_many(const struct spoor_hashdb *db,
					  unsigned alg,
					  const unsigned char *digests,
					  size_t n, unsigned char *hit);

/* Entry i (< count) of one algorithm, in sorted order, for merging and
 * listing; *category as for spoor_hashdb_lookup. */
SPOOR_API int spoor_hashdb_entry(const struct spoor_hashdb *db, unsigned alg,
				 uint64_t i, const unsigned char **digest,
				 const char **category);

/*
 * PDQ entries (perceptual hashes of known pictures) live in the same
 * file, sorted by hash, with a multi-index-hashing index (the hash in 16
 * bands of 16 bits, exact lookups per band value and its neighbours,
 * candidates verified by popcount), mmap'd like the digests.  A set
 * records its threshold: a near match is a distance <= pdq_max_distance
 * between a query of quality >= pdq_min_quality and an entry of quality
 * >= pdq_min_quality (or of unknown quality).  PhotoDNA values from VICS
 * are kept with the PDQ entry of the same media object, to be exported
 * with a match; spoor never computes them.
 */
struct spoor_pdq_match {
	uint64_t index;			/* entry number, in hash order */
	const unsigned char *hash;	/* the entry's, SPOOR_PDQ_BYTES */
	int distance;			/* to the query (0 when listed) */
	int dihedral;			/* the query variant that matched */
	int quality;			/* the entry's; -1: not given */
	const char *category;		/* as for spoor_hashdb_lookup */
	const char *label;		/* "" when none */
	const char *photodna;		/* "" when none */
};

/* Called per entry found; non-zero stops the search. */
typedef int spoor_pdq_match_cb(void *userdata, uint64_t index,
			       int distance);

/* Add one PDQ hash (quality 0..100, -1: not given).  category, label
 * (<= 255 bytes) and photodna (<= 1024 bytes) may be NULL. */
SPOOR_API int spoor_hashdb_builder_add_pdq(struct spoor_hashdb_builder *b,
				const unsigned char hash[SPOOR_PDQ_BYTES],
				int quality, const char *category,
				const char *label, const char *photodna,
				struct spoor_err *err);

/* Entry i (< pdq_count) with distance 0.  SPOOR_EINVAL when out of
 * range. */
SPOOR_API int spoor_hashdb_pdq_entry(const struct spoor_hashdb *db,
				     uint64_t i, struct spoor_pdq_match *m);

/*
 * Every entry within max_distance of hash (-1: the set's threshold;
 * at most 63), entries below the set's quality floor left out: cb (may
 * be NULL) once per entry.  Returns how many were found.
 */
SPOOR_API size_t spoor_hashdb_pdq_search(const struct spoor_hashdb *db,
				const unsigned char hash[SPOOR_PDQ_BYTES],
				int max_distance, spoor_pdq_match_cb *cb,
				void *userdata);

/* Called per (query, entry) pair found; non-zero stops the search. */
typedef int spoor_pdq_many_cb(void *userdata, size_t query, uint64_t index,
			      int distance);

/*
 * spoor_hashdb_pdq_search for n queries at once (n * SPOOR_PDQ_BYTES
 * bytes in hashes): the index is read in order, once per band, instead
 * of at random per query, which is several times faster for many
 * queries.  cb gets every pair once, in no particular order.  0,
 * SPOOR_ENOMEM, SPOOR_ESTOPPED when cb stopped it.
 */
SPOOR_API int spoor_hashdb_pdq_search_many(const struct spoor_hashdb *db,
					   const unsigned char *hashes,
					   size_t n, int max_distance,
					   spoor_pdq_many_cb *cb,
					   void *userdata);

/*
 * The nearest entry to any of n hashes of one picture (its dihedral
 * variants, n <= SPOOR_PDQ_NDIHEDRAL, in enum spoor_pdq_dihedral
 * order) within the set's threshold.  false when none, or when
 * `quality` (the picture's) is below the set's floor.
 */
SPOOR_API bool spoor_hashdb_pdq_nearest(const struct spoor_hashdb *db,
				const unsigned char (*hashes)[SPOOR_PDQ_BYTES],
				size_t n, int quality,
				struct spoor_pdq_match *m);

/* Check every entry (sortedness, uniqueness, category indexes): the full
 * check behind `spoor-hashdb info --verify`.  SPOOR_EFORMAT on damage. */
SPOOR_API int spoor_hashdb_verify(const struct spoor_hashdb *db,
				  struct spoor_err *err);

/* ------------------------------------------------------------------ */
/* Artifacts and plugins (spoor-artifacts)                             */
/* ------------------------------------------------------------------ */

/*
 * Chats, contacts, calls and accounts parsed from evidence (a directory,
 * a zip or tar, a single file) by plugins: shared objects loaded with
 * dlopen(RTLD_NOW | RTLD_LOCAL) that follow lib/spoor-plugin.h (see
 * spoor-plugin(7)).  Every record carries its provenance: plugin,
 * exhibit, source_path, source_sha256, table and rowid (or line), and
 * recovered_from: "wal" for rows only the write-ahead log holds, "main"
 * for rows deleted in the WAL that the main file still holds, and for
 * deleted rows the host recovered from the database's pages (unless
 * no_recovery) "freelist", "freeblock", "unallocated" or
 * "wal-superseded", with recovered_page, recovered_file,
 * recovered_offset, recovered_length, recovered_partial,
 * recovered_lost and recovered_state (spoor-artifacts(1)).
 */
struct spoor_artifacts;

/* A record from a plugin, provenance included; valid during the call.
 * Non-zero stops the run (SPOOR_ESTOPPED). */
typedef int spoor_artifact_cb(void *userdata, const struct spoor_record *r);

/* The strings and arrays of the options must stay valid until
 * spoor_artifacts_free (they are not copied). */
struct spoor_artifacts_opts {
	const char *plugin_path;	/* ':'-separated dirs, searched first */
	const char *plugin_dir;		/* then this one (compiled in) */
	const char *const *only;	/* plugin names to load; NULL: all */
	const char *const *options;	/* "tz=Europe/Amsterdam", "me=Daan",
					 * ...; NULL-terminated, may be NULL;
					 * tz in the grammar of spoor_tz_new
					 * (else spoor_artifacts_new fails) */
	const char *tmp_dir;		/* private copies; NULL: $TMPDIR or
					 * /tmp (given by the tool) */
	spoor_artifact_cb *on_record;
	void *userdata;
	bool no_recovery;		/* no deleted rows from the pages of
					 * databases (spoor_sqlrec_scan) */
};

/* A loaded plugin; strings belong to the run. */
struct spoor_plugin_info {
	const char *name, *version, *description, *path;
	int abi;
	const char *const *types;
};

/* What one plugin did over all evidence of a run. */
struct spoor_artifact_stats {
	uint64_t files;			/* files it was run on */
	uint64_t records, messages, contacts, calls, accounts;
	uint64_t wal_only;		/* records marked recovered_from wal */
	uint64_t deleted;		/* recovered_from main: deleted in the
					 * WAL, still in the main file */
	uint64_t not_understood;	/* files of its kind it could not read
					 * (unknown schema, not SQLite) */
	uint64_t errors;		/* runs that failed */
	/* local wall-clock times (chat exports): converted with a zone,
	 * of which ambiguous (a DST fold) and nonexistent (a DST gap),
	 * and kept local because no zone was given */
	uint64_t times_converted, times_ambiguous, times_nonexistent;
	uint64_t times_zone_unknown;

	uint64_t damaged;		/* databases SQLite calls damaged
					 * (SQLITE_CORRUPT): files, not rows */
	uint64_t rows_skipped;		/* rows or rowid ranges SQLite could
					 * not read (a damaged page, a value
					 * over 256 MiB): each logged */
	uint64_t truncated;		/* records with a value cut at a
					 * documented limit ("truncated") */
	/* records of rows the host recovered from a database's pages, by
	 * enum spoor_sqlrec_source ("main" ones are in deleted too) */
	uint64_t recovered[6];
	uint64_t recovery_dropped;	/* record-like bytes that fit no table
					 * or too little of a row, rows that
					 * could not be checked */
	uint64_t recovery_failed;	/* databases not scanned for deleted
					 * rows (damaged, UTF-16, memory) */
};

/* What no plugin read, over every spoor_artifacts_run of a. */
struct spoor_artifact_totals {
	uint64_t inputs;		/* EVIDENCE runs */
	uint64_t files;			/* files in them */
	uint64_t unread;		/* files no plugin read (they matched
					 * no pattern, or the plugin said
					 * they were not of its kind) */
	uint64_t unread_inputs;		/* EVIDENCE of which no plugin read a
					 * single file: each one warned */
	uint64_t skipped;		/* files or members not even listed
					 * (links in archives, limits, read
					 * errors) */
};

/*
 * Load the plugins: every NAME.so of plugin_path, then of plugin_dir
 * (a name found earlier wins).  A plugin with another ABI major, a name
 * that is not its file's, or no descriptor is skipped with a warning;
 * when `only` names it, that is SPOOR_EUNSUPPORTED (or SPOOR_ENOTFOUND
 * when no such plugin exists).
 */
SPOOR_API struct spoor_artifacts *
spoor_artifacts_new(struct spoor_ctx *ctx,
		    const struct spoor_artifacts_opts *o,
		    struct spoor_err *err);
SPOOR_API void spoor_artifacts_free(struct spoor_artifacts *a);

SPOOR_API size_t spoor_artifacts_nplugins(const struct spoor_artifacts *a);
SPOOR_API const struct spoor_plugin_info *
spoor_artifacts_plugin(const struct spoor_artifacts *a, size_t i);
SPOOR_API const struct spoor_artifact_stats *
spoor_artifacts_stats(const struct spoor_artifacts *a, size_t i);
/* The totals of a (never NULL). */
SPOOR_API const struct spoor_artifact_totals *
spoor_artifacts_totals(const struct spoor_artifacts *a);

/*
 * Run every plugin on every matching file of one piece of evidence.
 * exhibit NULL: the evidence's base name.  0 also when some files were
 * not understood (see the stats) or no plugin read the evidence (a
 * warning naming it, counted in the totals); SPOOR_EIO when the
 * evidence cannot be opened; SPOOR_ESTOPPED when on_record asked to
 * stop.
 */
SPOOR_API int spoor_artifacts_run(struct spoor_artifacts *a,
				  const char *evidence, const char *exhibit,
				  struct spoor_err *err);

/* SPOOR_EUNSUPPORTED (with a message naming the plugin and both
 * versions) unless abi has the host's plugin ABI major. */
SPOOR_API int spoor_plugin_abi_check(int abi, const char *name,
				     struct spoor_err *err);

/* ------------------------------------------------------------------ */
/* Deleted SQLite rows (lib/sqlrecover.c)                              */
/* ------------------------------------------------------------------ */

/*
 * A page-level reader of an SQLite database file and its WAL that never
 * goes through SQLite: it yields the records that are still in the
 * bytes but no longer in the database (see spoor-artifacts(1),
 * RECOVERED ROWS).  Where they are found:
 */
enum spoor_sqlrec_source {
	SPOOR_SQLREC_FREELIST = 1,	/* a page on the free-page list */
	SPOOR_SQLREC_FREEBLOCK,		/* a freeblock of a table leaf page */
	SPOOR_SQLREC_UNALLOCATED,	/* between a table leaf page's cell
					 * pointers and its cells */
	SPOOR_SQLREC_WAL_SUPERSEDED,	/* a WAL frame a newer frame of the
					 * same page replaced */
	SPOOR_SQLREC_MAIN,		/* a cell of the main file's page
					 * that the WAL replaced: a row
					 * deleted in the WAL */
};

/* "freelist", "freeblock", "unallocated", "wal-superseded", "main". */
SPOOR_API const char *spoor_sqlrec_source_name(enum spoor_sqlrec_source s);

/* A column as SQLite declares it (pragma table_xinfo, stored columns
 * only, in order). */
struct spoor_sqlrec_column {
	const char *name;
	const char *type;		/* declared type, "" for none */
	bool notnull;			/* never NULL in a record (NOT NULL,
					 * or the caller knows better) */
	bool rowid_alias;		/* INTEGER PRIMARY KEY: stored as NULL,
					 * its value is the rowid */
};

/* A rowid table of the database (WITHOUT ROWID and virtual tables are
 * not given). */
struct spoor_sqlrec_table {
	const char *name;
	uint32_t root;			/* root page with the WAL applied */
	const struct spoor_sqlrec_column *cols;
	size_t ncols;
	bool wanted;			/* yield its records; the others are
					 * only told apart from it */
	int64_t max_rowid;		/* the largest rowid it ever had (an
					 * AUTOINCREMENT table's sqlite_sequence
					 * value, 0: it never had a row), or
					 * -1 when not known */
};

/* SPOOR_SQLREC_T_* */
enum spoor_sqlrec_type {
	SPOOR_SQLREC_T_NULL,
	SPOOR_SQLREC_T_INT,
	SPOOR_SQLREC_T_FLOAT,
	SPOOR_SQLREC_T_TEXT,
	SPOOR_SQLREC_T_BLOB,
};

/* One value of a recovered record. */
struct spoor_sqlrec_value {
	enum spoor_sqlrec_type type;
	int64_t i;
	double d;
	const unsigned char *p;		/* text (UTF-8) or blob bytes */
	size_t len;
	bool lost;	/* its bytes were overwritten or are on overflow
			 * pages that are gone: value unknown (type NULL) */
	bool absent;	/* the record is shorter than the table (a column
			 * added later): SQLite shows the column's default */
};

/* A recovered record, valid during the callback. */
struct spoor_sqlrec_cand {
	size_t table;			/* index into the tables given */
	enum spoor_sqlrec_source source;
	bool have_rowid;		/* false: the cell's rowid bytes were
					 * overwritten */
	int64_t rowid;
	uint32_t page;			/* page number in the database */
	bool in_wal;			/* offset is in the -wal file */
	uint64_t offset;		/* first recovered byte in its file */
	uint32_t length;		/* bytes of the record from there on
					 * that page (overflow not counted) */
	const struct spoor_sqlrec_value *v;	/* ncols of the table */
	bool partial;			/* a value or the rowid is lost */
};

struct spoor_sqlrec_stats {
	uint64_t pages;			/* page images looked at */
	uint64_t wal_frames;		/* frames in the WAL file */
	uint64_t wal_ignored;		/* uncommitted or torn frames */
	uint64_t found[6];		/* yielded, by source */
	uint64_t other_tables;		/* records of tables not wanted */
	uint64_t dropped;		/* whole cells that fit no table,
					 * ambiguous or overwritten ones */
	uint64_t damaged;		/* structures cut short: loops,
					 * pointers out of range, bad pages */
};

/* Non-zero stops the scan (spoor_sqlrec_scan returns SPOOR_ESTOPPED). */
typedef int spoor_sqlrec_cb(void *userdata,
			    const struct spoor_sqlrec_cand *c);

/*
 * Scan the database db (dblen bytes) and its WAL (wal may be NULL) for
 * deleted records of the wanted tables.  Records are matched to a table
 * by column count, serial types against the declared affinities (and
 * the types the live rows use), NOT NULL, the rowid alias stored as
 * NULL, valid UTF-8 text; a record that fits no table or more than one
 * is dropped and counted, never guessed.  The live rows themselves are
 * not yielded, but copies of them in free space are: the caller tells
 * them apart.  Loops, pointers out of range and huge varints are
 * bounded.  0; SPOOR_EFORMAT when db is not an SQLite database;
 * SPOOR_EUNSUPPORTED for a UTF-16 database; SPOOR_ENOMEM;
 * SPOOR_ESTOPPED.  st (may be NULL) is filled in every case.
 */
SPOOR_API int spoor_sqlrec_scan(const unsigned char *db, size_t dblen,
				const unsigned char *wal, size_t wallen,
				const struct spoor_sqlrec_table *tables,
				size_t ntables, spoor_sqlrec_cb *cb,
				void *userdata,
				struct spoor_sqlrec_stats *st,
				struct spoor_err *err);

/*
 * Phone numbers by the numbering plan of their region (Google's
 * libphonenumber, the plans Android uses).  raw may be spelt any way a
 * phone, an app or a person writes it: spaces, dots, dashes, slashes,
 * brackets, no-break and narrow no-break spaces (U+00A0, U+202F),
 * non-breaking hyphens (U+2011), full-width or Arabic-Indic digits,
 * direction marks, "tel:", "+31 (0)6 ...", or a WhatsApp phone JID
 * ("31612345678@s.whatsapp.net"; other JIDs, @lid, @g.us, are not
 * numbers).  International forms are "+", and the international prefix
 * of the default region ("00" in NL, "011" in the US); the trunk prefix
 * ("0", "(0)") is removed by the plan's own rules.
 *
 * default_cc is the calling code ("31", "1", "39") whose plan reads
 * national numbers; NULL when raw is international without its prefix
 * (JIDs, stored E.164 digits).
 */
struct spoor_phone {
	char e164[20];		/* "+12095981933"; "" when not valid */
	char region[4];		/* "US"; "" when not valid or non-
				 * geographic */
	const char *why;	/* NULL when valid; else a static reason
				 * ("too short for its numbering plan",
				 * "not a phone number", ...) */
	bool numeric;		/* raw is written like a number: digits
				 * and separators only (not a name) */
	int calling_code;	/* 31, 1, 44 ... when valid, else 0; the
				 * national significant number is e164
				 * after "+" and these digits */
};

/* 0 when raw is a valid number (out->e164 set); SPOOR_EFORMAT with
 * out->why otherwise; SPOOR_EINVAL for a default_cc that is not 1-3
 * digits. */
SPOOR_API int spoor_phone_parse(const char *raw, const char *default_cc,
				struct spoor_phone *out);

/* spoor_phone_parse, only the E.164: 0 and out filled, or an error with
 * out "". */
SPOOR_API int spoor_phone_e164(const char *raw, const char *default_cc,
			       char *out, size_t size);

/* ------------------------------------------------------------------ */
/* Chain of custody: the hash-chained custody.log of a case            */
/* ------------------------------------------------------------------ */

/*
 * One event per line: "SEQ\tPREV\tJSON\n".  SEQ counts from 0 in
 * decimal without leading zeros; PREV is the lower-case hex SHA-256 of
 * the previous line (its bytes without the LF), or for SEQ 0 the
 * genesis SHA-256("custody-v1\0" || case_id); JSON is one JSON object
 * on one line (valid UTF-8, no CR/LF, starts with '{', ends with '}').
 * The head of a log is the SHA-256 of its last line.  See
 * ../shared/docs/bundle.md section 3.
 */
#define SPOOR_CUSTODY_MAX_LINE (1u << 20)	/* bytes, LF excluded */

/* The genesis hash of case_id's log, as hex into hex[65]. */
SPOOR_API void spoor_custody_genesis(const char *case_id, char hex[65]);

/*
 * Append one event to the log at path (created 0644 if missing) under
 * an exclusive lock: the existing log is checked first and a broken
 * chain is refused (SPOOR_EFORMAT); the new line is written with one
 * write() and fsync()ed.  event_json: see above (SPOOR_EINVAL if not).
 * seq and head (hex[65]) receive the new line's number and hash; both
 * may be NULL.
 */
SPOOR_API int spoor_custody_append(const char *path, const char *case_id,
				   const char *event_json, uint64_t *seq,
				   char head[65], struct spoor_err *err);

/* The outcome of a check. */
struct spoor_custody_check {
	uint64_t count;		/* lines read that chain correctly */
	char head[65];		/* hash of the last good line, "" if none */
	uint64_t at_seq;	/* in: a line whose hash is wanted, or
				 * UINT64_MAX */
	char at_hash[65];	/* out: that line's hash, "" if not reached */
	uint64_t bad_line;	/* 1-based number of the first bad line, or
				 * 0 when the whole log is good */
};

/*
 * Read a log from fd (from its current offset to EOF; fd is not
 * closed) and check every line: grammar, seq, prev links, genesis bound
 * to case_id, a final LF.  0 when the whole log is good; SPOOR_EFORMAT
 * with c->bad_line set and a message naming the line and the fault
 * (edited, reordered, truncated mid-line, wrong case); SPOOR_EIO;
 * SPOOR_ELIMIT for a line over SPOOR_CUSTODY_MAX_LINE.  Memory is flat
 * in the length of the log.  Set c->at_seq before the call.
 */
SPOOR_API int spoor_custody_verify_fd(int fd, const char *case_id,
				      struct spoor_custody_check *c,
				      struct spoor_err *err);

/* ------------------------------------------------------------------ */
/* Cases: a case directory with case.db (SQLite) and custody.log       */
/* ------------------------------------------------------------------ */

/*
 * A case is a directory holding case.db, whose schema (version
 * SPOOR_CASEDB_VERSION in PRAGMA user_version; lib/casedb.sql) is a
 * contract with spoor-report, and custody.log (see "Chain of custody").
 * Every change to a case (exhibit, run, tag) first appends its custody
 * event, then stores the event's seq with the row it made.  Times are
 * ISO 8601 UTC "YYYY-MM-DDTHH:MM:SSZ".
 */
#define SPOOR_CASEDB_VERSION 2

/* The JSONL writer's line for r, without the LF, as a malloc'ed NUL-
 * terminated string (free() it); *len (may be NULL) gets its length.
 * The same code as spoor_writer_write with SPOOR_FMT_JSONL. */
SPOOR_API char *spoor_record_json(const struct spoor_record *r, size_t *len,
				  struct spoor_err *err);

struct spoor_case;

struct spoor_case_new_opts {
	const char *case_id;		/* required, printable UTF-8 */
	const char *examiner;		/* required */
	const char *description;	/* may be NULL */
};

/*
 * Create a case in dir (created 0700; an existing directory must be
 * empty): case.db with the schema and case_info, and custody.log with
 * its 'created' event (seq 0).  SPOOR_EINVAL when dir holds anything.
 */
SPOOR_API int spoor_case_create(const char *dir,
				const struct spoor_case_new_opts *o,
				struct spoor_err *err);

/*
 * Open the case in dir.  Writable: older schemas are migrated (in one
 * transaction).  SPOOR_ENOTFOUND when dir has no case.db,
 * SPOOR_EUNSUPPORTED for a schema newer than this library knows,
 * SPOOR_EFORMAT for a case.db that is not a case, SPOOR_EIO when it is
 * locked by another writer for longer than a few seconds.
 */
SPOOR_API struct spoor_case *spoor_case_open(const char *dir, bool writable,
					     struct spoor_err *err);
SPOOR_API void spoor_case_close(struct spoor_case *c);

/* A case_info value ("case_id", "examiner", ...) or NULL. */
SPOOR_API const char *spoor_case_get(const struct spoor_case *c,
				     const char *key);
/* The path of the case's custody.log. */
SPOOR_API const char *spoor_case_custody_path(const struct spoor_case *c);

/* What the media inside a container exhibit showed (spoor-case add). */
enum spoor_media_verdict {
	SPOOR_MEDIA_NONE,	/* not a container: the file is the media */
	SPOOR_MEDIA_MATCH,	/* every stored hash equals the data's */
	SPOOR_MEDIA_MISMATCH,	/* a stored hash differs from the data's */
	SPOOR_MEDIA_NOT_STORED,	/* read whole; no stored hash */
	SPOOR_MEDIA_DAMAGED,	/* read, but chunks failed their checksum
				 * (hashed as stored, as ewfverify does;
				 * media_error says which) */
	SPOOR_MEDIA_UNREADABLE,	/* cannot be opened or read to the end
				 * (media_error: libewf's or libtsk's
				 * message) */
};

/* "match", "mismatch", "no stored hash", "damaged", "unreadable", "not
 * a container". */
SPOOR_API const char *spoor_media_verdict_name(enum spoor_media_verdict v);

/* An exhibit: filled by spoor_case_exhibit_hash, or by the caller
 * (spoor-acquire) from an acquisition. */
struct spoor_case_exhibit {
	const char *exhibit;		/* the examiner's id, e.g. "E01" */
	const char *path;		/* absolute */
	const char *kind;		/* image, directory, file, device */
	uint64_t size;			/* bytes (sum of files: directory) */
	struct spoor_digests digests;	/* sha256 required */
	uint64_t files;			/* directory: regular files hashed */
	uint64_t skipped;		/* directory: other entries left out */
	const char *description, *received_from;	/* may be NULL */
	const char *acquisition_log;	/* text of a spoor-acquire log */
	const char *log_path;		/* where it was found */
	const char *acquired_json;	/* JSON object or NULL */
	const char *event;		/* "received" (NULL) or "acquired" */
	const char *tool;		/* for the event; NULL: none */
	const char *const *parameters;	/* argv for the event, or NULL */
	/* A container (EWF; split raw, VMDK, VHD): its media, as JSON:
	 * format, media_size, segments, stored and computed {md5, sha1,
	 * sha256}, verified (a verdict name), checksum_error_ranges,
	 * checksum_errors [{sector, count}], bad_sectors, error.  NULL for
	 * anything else. */
	const char *media_json;
	enum spoor_media_verdict media_verdict;
	struct spoor_digests media_stored;	/* as in media_json */
	struct spoor_digests media_computed;
	char media_error[SPOOR_ERR_MSG_MAX];	/* "" when all was read */
	char *owned[4];		/* set by spoor_case_exhibit_hash */
};

/*
 * Hash the evidence at path for registration, read-only: an image or
 * any regular file (MD5, SHA-1 and SHA-256 of its bytes), a block
 * device (the same, of the device), or a directory (SHA-256 of the
 * list "sha256  relpath\n" of its regular files, sorted bytewise by
 * relpath, as `sha256sum` prints it; symlinks are not followed and,
 * like other non-regular entries, counted in `skipped`).  A spoor-
 * acquire log next to an image (PATH.log, or the image's name without
 * its extension + ".log") is read into acquisition_log.  A container
 * is read a second time, through libewf (EWF: the hashes stored in it
 * are compared with its data's, as ewfverify does) or libtsk (split
 * raw, VMDK, VHD): media_json, media_verdict and media_error; a damaged
 * or unreadable media is not an error here (0 is returned, the verdict
 * says it), so that what was received can still be registered.  Fills
 * every member but the caller's (exhibit, description, received_from,
 * event, tool, parameters), which it leaves alone: zero *e first.
 * Release with spoor_case_exhibit_release.
 * progress (may be NULL) is called every ~100 ms.
 */
SPOOR_API int spoor_case_exhibit_hash(const char *path,
				      struct spoor_case_exhibit *e,
				      spoor_progress_cb *progress,
				      void *userdata, struct spoor_err *err);
SPOOR_API void spoor_case_exhibit_release(struct spoor_case_exhibit *e);

/*
 * Register an exhibit: append its custody event (item_sha256 = its
 * SHA-256), then insert it.  *seq (may be NULL) gets the event's seq.
 * SPOOR_EINVAL when the id is taken.
 */
SPOOR_API int spoor_case_exhibit_add(struct spoor_case *c,
				     const struct spoor_case_exhibit *e,
				     uint64_t *seq, struct spoor_err *err);

/*
 * The registered exhibit for evidence at path (matched by realpath) or,
 * when id is not NULL, the exhibit with that id.  *exhibit and *sha256
 * belong to c until the next call.  SPOOR_ENOTFOUND when none.
 */
SPOOR_API int spoor_case_exhibit_find(struct spoor_case *c, const char *path,
				      const char *id, const char **exhibit,
				      const char **sha256,
				      struct spoor_err *err);

/*
 * A run of a tool recorded into the case.  Its records become part of
 * the case only when it ends well, all at once:
 * - begin inserts the run row (state 'running') and holds a lock on it
 *   (CASE/runs.lock) for as long as the run object lives.  It refuses
 *   (SPOOR_EINVAL, nothing written) a run of a tool on an exhibit that
 *   a committed run of the same tool covers, unless `replace`; a
 *   replaced run must lie within this run's exhibits and have no tagged
 *   records; and a run while another of the same tool on the same
 *   exhibit is still running.
 * - add writes records to the table record_rows in short transactions;
 *   they are not findings: the view `records` (every reader's) shows
 *   only committed runs' rows.
 * - end commits in one transaction: the replaced runs become
 *   'replaced' (replaced_by), the 'analysed' custody event is appended
 *   (run_id, exhibits, counts, exit code, replaces_runs) and the row is
 *   finished ('committed'): its records become findings at once, the
 *   replaced runs' stop being findings (a state change, however many
 *   rows: the write lock is held briefly).  If that fails before the
 *   event, the run is discarded instead (reason "not committed: ...").
 *   The rows of replaced and discarded runs are deleted afterwards in
 *   small transactions.
 * - cancel ends a run that was interrupted or failed: a 'discarded'
 *   custody event (reason, records dropped, exit code), state
 *   'discarded', no records kept.
 * - abort only frees: the run stays 'running' without its lock, as if
 *   its tool had been killed.  Such runs are "abandoned": listed by
 *   spoor_case_unfinished, removed by spoor_case_discard.
 * end, cancel and abort free the run.
 */
struct spoor_case_run;

struct spoor_case_run_opts {
	const char *tool, *version;
	int argc;
	const char *const *argv;	/* the tool's command line */
	const char *exhibit;		/* NULL when several or none */
	const char *input_sha256;	/* the exhibit's, or NULL */
	const char *event;		/* NULL: "analysed" */
	const char *purpose;		/* may be NULL */
	const char *const *exhibits;	/* every exhibit the run covers */
	size_t nexhibits;		/* 0: just `exhibit` (if any) */
	bool replace;			/* replace the same tool's runs on
					 * these exhibits */
};

SPOOR_API struct spoor_case_run *
spoor_case_run_begin(struct spoor_case *c, const struct spoor_case_run_opts *o,
		     struct spoor_err *err);
/* Store one record as its JSONL line; rtype NULL: r->type; exhibit:
 * the record's "exhibit" field, else the run's.  *id may be NULL. */
SPOOR_API int spoor_case_run_add(struct spoor_case_run *run,
				 const char *rtype,
				 const struct spoor_record *r, int64_t *id,
				 struct spoor_err *err);
/* Commit the run.  counts_json: a JSON object (NULL: {"records":N}).
 * Frees run. */
SPOOR_API int spoor_case_run_end(struct spoor_case_run *run, int exit_code,
				 const char *counts_json,
				 struct spoor_err *err);
/* Discard the run: reason (e.g. "interrupted by SIGTERM") goes into the
 * custody event.  Frees run. */
SPOOR_API int spoor_case_run_cancel(struct spoor_case_run *run,
				    const char *reason, int exit_code,
				    struct spoor_err *err);
/* Free the run, leaving it unfinished (abandoned). */
SPOOR_API void spoor_case_run_abort(struct spoor_case_run *run);
/* Records added so far. */
SPOOR_API uint64_t spoor_case_run_count(const struct spoor_case_run *run);
/* The run's id (runs.id). */
SPOOR_API int64_t spoor_case_run_id(const struct spoor_case_run *run);

/*
 * The unfinished runs (state 'running'), as records of type "run": id,
 * tool, exhibits ("E01, E02"), started, staged (its rows, no findings), live
 * (true while its tool still runs and holds the run's lock; false: the
 * tool was killed or crashed, the run is abandoned).  Non-zero from cb
 * stops (SPOOR_ESTOPPED).
 */
SPOOR_API int spoor_case_unfinished(struct spoor_case *c,
				    spoor_artifact_cb *cb, void *userdata,
				    struct spoor_err *err);

/*
 * Discard runs, each in its own transaction with its 'discarded'
 * custody event (run_id, reason, records dropped, note): n == 0, every
 * abandoned run; else the runs ids[0..n), which may be abandoned or
 * committed (whose records are then removed: needs a note saying why,
 * and is refused while a record of it is tagged).  A live run is
 * refused (SPOOR_EINVAL).  *discarded (may be NULL) counts the runs
 * discarded before any error.
 */
SPOOR_API int spoor_case_discard(struct spoor_case *c, const int64_t *ids,
				 size_t n, const char *note,
				 uint64_t *discarded, struct spoor_err *err);
/* Commit a batch that has held the case's write lock for a second or
 * more, so that other tools can record meanwhile: call it while the
 * tool works between records (e.g. from a progress callback). */
SPOOR_API int spoor_case_run_tick(struct spoor_case_run *run,
				  struct spoor_err *err);

/*
 * Tag records for the report: one custody event and one row per record
 * id.  SPOOR_ENOTFOUND (nothing written) when an id is not a record.
 * examiner NULL: the case's.
 */
SPOOR_API int spoor_case_tag(struct spoor_case *c, const int64_t *ids,
			     size_t n, const char *label, const char *note,
			     const char *examiner, struct spoor_err *err);

/* What spoor_case_list lists; rows come as records of this type. */
enum spoor_case_view {
	SPOOR_CASE_EXHIBITS,	/* "exhibit": the exhibits columns */
	SPOOR_CASE_RUNS,	/* "run": the runs columns + "records" */
	SPOOR_CASE_TAGS,	/* "tag": tags columns + rtype, exhibit */
	SPOOR_CASE_RECORDS,	/* "record": id, run_id, exhibit, rtype,
				 * time, summary, json */
	SPOOR_CASE_IDENTITIES,	/* "identity", see spoor_idmap */
	SPOOR_CASE_CUSTODY,	/* "event": seq, prev, hash, time, event,
				 * exhibit, examiner, tool, purpose, note,
				 * json */
};

struct spoor_case_filter {
	const char *rtype;	/* records: this type only */
	const char *exhibit;	/* records: this exhibit only */
	const char *grep;	/* records: JSON containing this text */
	int64_t min_exhibits;	/* identities: 0: in 2+ exhibits or 2+
				 * sources; N: in N+ exhibits */
};

/* Call cb for every row (non-zero from cb stops: SPOOR_ESTOPPED).
 * filter may be NULL. */
SPOOR_API int spoor_case_list(struct spoor_case *c, enum spoor_case_view v,
			      const struct spoor_case_filter *filter,
			      spoor_artifact_cb *cb, void *userdata,
			      struct spoor_err *err);

/*
 * Check the case's custody.log (spoor_custody_verify_fd) and that every
 * custody_seq of case.db names an event of the log with the right
 * event name, exhibit and item_sha256 (exhibits), run_id (runs:
 * 'analysed' for committed and replaced runs, 'discarded' for discarded
 * ones) or label (tags): so a deleted or edited last line, which the
 * chain alone cannot show, is found when a row refers to it.
 * SPOOR_EFORMAT with c->bad_line (1-based) and a message naming the
 * line.  Unfinished runs are not judged here: see
 * spoor_case_unfinished.
 */
SPOOR_API int spoor_case_custody_verify(struct spoor_case *c,
					struct spoor_custody_check *chk,
					struct spoor_err *err);

/*
 * Pictures across exhibits: the file records of the case that carry a
 * PDQ (spoor-files) of quality >= min_quality, grouped when their
 * hashes are within max_distance (single linkage), each group reported
 * when its pictures come from at least min_exhibits exhibits.  Rows of
 * type "similar": group (1, 2, ...), exhibits, exhibit, path
 * (path_hex), distance (to the nearest other picture of the group),
 * pdq, pdq_quality, sha256, record_id; by group, then record order.  A
 * picture recorded by several runs counts once.  Stored hashes only:
 * rotated or mirrored copies are not grouped.
 */
struct spoor_similar_opts {
	int max_distance;	/* 1..47; 0: SPOOR_PDQ_MATCH_DISTANCE */
	int min_quality;	/* 0: SPOOR_PDQ_MIN_QUALITY; < 0: none */
	int64_t min_exhibits;	/* 0: 2; 1: groups inside one exhibit too */
};

/* cb per row (non-zero stops: SPOOR_ESTOPPED).  o may be NULL. */
SPOOR_API int spoor_case_similar(struct spoor_case *c,
				 const struct spoor_similar_opts *o,
				 spoor_artifact_cb *cb, void *userdata,
				 struct spoor_err *err);

/*
 * One timeline of a case: the MACB times of file records (an entry per
 * time: macb "m", "a", "c", "b"), messages, calls, contacts with a time
 * (time_added or created), exhibits as registered and the events of
 * custody.log, read from the committed records and streamed in order
 * of the UTC instant (SQLite sorts; nothing is held in memory), ties by
 * source order (source_order, sort_key, line or rowid; custody seq),
 * then record id.  An entry whose record has only a local time
 * (time_quality "zone-unknown") has time null and is placed by its
 * local reading as though it were UTC; no instant is invented.
 * Rows of type "timeline": time (UTC), time_local, time_zone (the zone
 * of time_local; null for zone-unknown), time_quality (the record's,
 * or the file system's flag for that MACB time; null if none), kind
 * ("file", "message", "call", "contact", "exhibit", "custody"), macb,
 * exhibit, source (plugin:path, or the file's path), summary,
 * record_id (null for exhibits and custody), custody_seq, rtype.
 * Entries whose time is not "YYYY-MM-DDTHH:MM:SS..." are not listed
 * but counted in *unplaced.
 */
struct spoor_timeline_opts {
	const char *exhibit;		/* this exhibit only, or NULL */
	const char *const *kinds;	/* NULL-terminated; NULL: all */
	const char *identity;		/* a participant's phone, JID, id,
					 * e-mail (as 'identities' shows) */
	const char *tag;		/* records tagged with this label */
	const char *from, *to;		/* UTC "YYYY-MM-DD[THH:MM[:SS]][Z]";
					 * a bare --to date: the whole day */
	const struct spoor_tz *tz;	/* zone of time_local; NULL: UTC */
};

/* cb per entry (non-zero stops: SPOOR_ESTOPPED).  SPOOR_EINVAL for a
 * bad kind, from or to. */
SPOOR_API int spoor_case_timeline(struct spoor_case *c,
				  const struct spoor_timeline_opts *o,
				  spoor_artifact_cb *cb, void *userdata,
				  uint64_t *unplaced, struct spoor_err *err);

/*
 * Term search over a case's message texts ("text"), contact names
 * ("name") and file paths ("path") of committed records.  A terms file
 * has a term a line, optionally "<TAB>category<TAB>label"; empty lines
 * and lines starting with '#' are skipped:
 *   TERM       folded as names are for the report (NFD, Unicode case
 *              folding, marks stripped, whitespace collapsed), matched
 *              on word boundaries: "geheim" finds "Geheim", "gehéim"
 *   re:REGEX   a POSIX extended regular expression, case-insensitive,
 *              on the stored text
 *   @iban      IBANs whose mod-97 check holds (spaces allowed)
 *   @bitcoin   base58check (double SHA-256) and bech32/bech32m addresses
 *   @ethereum  0x + 40 hex with the EIP-55 checksum: "valid" in its
 *              EIP-55 form; mixed case otherwise fails; single case
 *              otherwise: checksum "none (single case)"
 *   @email, @url   by shape
 *   @phone     numbers valid for spoor_phone_parse with the country code
 * SPOOR_EINVAL names the bad line.
 */
struct spoor_search;

SPOOR_API int spoor_search_load(const char *path, const char *default_cc,
				struct spoor_search **out,
				struct spoor_err *err);
SPOOR_API void spoor_search_free(struct spoor_search *s);

/* cb per hit (type "hit": record_id, rtype, exhibit, field, term,
 * category, label, match, normalized, checksum, excerpt), by record id.
 * tag non-NULL: every record with a hit is tagged with that label in
 * one step (spoor_case_tag: one custody event; the case must be open
 * writable).  *hits counts the hits. */
SPOOR_API int spoor_case_search(struct spoor_case *c,
				const struct spoor_search *s, const char *tag,
				spoor_artifact_cb *cb, void *userdata,
				uint64_t *hits, struct spoor_err *err);

/*
 * Identities across exhibits (the contacts graph): E.164 phone numbers,
 * WhatsApp ids (...@s.whatsapp.net, ...@lid), Telegram user ids
 * ("telegram:ID") and e-mail addresses (lower-cased) taken from the
 * fields of artifact records (sender, recipient, contact, caller,
 * account, participant roles), with where each appears.  A row (type
 * "identity") per identity and place: identity, kind, exhibits (how
 * many), sources, exhibit, plugin, rtype, role, count, first, last.
 * spoor_case_list(SPOOR_CASE_IDENTITIES) does this in SQL over case.db;
 * a spoor_idmap over the records of one run, in memory: at most
 * max_places (identity, exhibit, plugin, rtype, role) entries are kept,
 * later new ones are counted in spoor_idmap_dropped.
 */
struct spoor_idmap;

SPOOR_API struct spoor_idmap *spoor_idmap_new(size_t max_places);
SPOOR_API void spoor_idmap_free(struct spoor_idmap *m);
SPOOR_API int spoor_idmap_add(struct spoor_idmap *m,
			      const struct spoor_record *r,
			      struct spoor_err *err);
SPOOR_API uint64_t spoor_idmap_dropped(const struct spoor_idmap *m);
/* Rows as for spoor_case_list, sorted by identity, exhibit, plugin. */
SPOOR_API int spoor_idmap_list(struct spoor_idmap *m, int64_t min_exhibits,
			       spoor_artifact_cb *cb, void *userdata,
			       struct spoor_err *err);

/* ------------------------------------------------------------------ */
/* Evidence bundles: MANIFEST and its CMS signature                    */
/* ------------------------------------------------------------------ */

/*
 * The signed MANIFEST of a bundle (../shared/docs/bundle.md section 4):
 *
 *   FORENSIC-BUNDLE-MANIFEST 1
 *   bundle-id: <UUIDv4, lower case>
 *   bundle-version: <1, 2, ...>
 *   supersedes: <sha256 hex of the previous MANIFEST> | -
 *   case-id: <case id>
 *   police-ref: <ref> | -
 *   recipient: <police unit id>
 *   created: <YYYY-MM-DDTHH:MM:SSZ>
 *   producer: <tool> <version>
 *   custody-head: <hex64>
 *   custody-count: <decimal>
 *   content-policy: hash-only | sealed-to-recipient
 *   hash: sha256
 *   <empty line>
 *   <sha256 hex> SP <size> SP <path>     sorted bytewise by path, unique
 *
 * UTF-8, LF only, no BOM, at most SPOOR_MANIFEST_MAX bytes.  Header
 * values are printable UTF-8 without control characters; every key is
 * present once, in this order.  MANIFEST, MANIFEST.p7s and
 * MANIFEST.p7s.tsr are not listed.
 */
#define SPOOR_MANIFEST_MAX (16u << 20)

struct spoor_manifest_header {
	const char *bundle_id;
	uint64_t bundle_version;
	const char *supersedes;		/* hex64 or "-" */
	const char *case_id;
	const char *police_ref;		/* or "-" */
	const char *recipient;
	const char *created;
	const char *producer;
	const char *custody_head;
	uint64_t custody_count;
	const char *content_policy;
};

/*
 * Whether a bundle-relative path fits the grammar: segments joined by
 * '/', each [a-z0-9][a-z0-9._-]{0,63}, not "." or "..", at most 8
 * segments and 255 bytes, no Windows device base name (con, prn, aux,
 * nul, com1-9, lpt1-9, with any extension).
 */
SPOOR_API bool spoor_bundle_path_ok(const char *path);

/*
 * Write dir/MANIFEST for every regular file under dir (streamed
 * SHA-256; MANIFEST* skipped).  Refuses (SPOOR_EFORMAT) a name outside
 * the grammar, a symlink or any other non-regular file, an empty
 * directory, or a header value that would break the grammar.
 */
SPOOR_API int spoor_manifest_write(const char *dir,
				   const struct spoor_manifest_header *h,
				   struct spoor_err *err);

/* The examiner's signing key and certificates. */
struct spoor_signer {
	const char *key;	/* PEM file (encrypted or not) or an OpenSSL
				 * provider URI such as "pkcs11:..." */
	const char *passphrase;	/* for an encrypted key; may be NULL */
	const char *cert;	/* examiner certificate, PEM */
	const char *chain;	/* issuing CA certificate(s) and the
				 * organisation's self-signed root, PEM;
				 * required */
};

/*
 * Sign dir/MANIFEST into dir/MANIFEST.p7s: detached CMS SignedData,
 * DER, SHA-256, CAdES-BES (signingTime, signingCertificateV2), no
 * S/MIME capabilities; the examiner and chain certificates included.
 * The certificate must match the key, and chain through the chain to
 * a self-signed root in it (SPOOR_EINVAL otherwise): the root travels
 * in the signature for spoor-verify --trust-fingerprint.  Written to a
 * temp file and renamed.
 */
SPOOR_API int spoor_manifest_sign(const char *dir,
				  const struct spoor_signer *s,
				  struct spoor_err *err);

/*
 * Pack the signed bundle directory dir into the tar file out, the
 * transport form of bundle.md section 4: an uncompressed POSIX ustar
 * tar of exactly MANIFEST, MANIFEST.p7s, MANIFEST.p7s.tsr (if present)
 * and the files the MANIFEST lists, with the directories they need,
 * sorted bytewise at the archive root; files 0644, directories 0755,
 * owner 0/0 without user or group names, mtime the manifest's created
 * time, no extension header; the only tar form spoor_verify_bundle
 * accepts.  A file of 8 GiB or more, or a path over 100 bytes that
 * cannot be split into ustar prefix and name, is SPOOR_EFORMAT.  The
 * same bundle always gives the same bytes.
 * Every file is re-hashed against the MANIFEST while copied.  Refuses
 * (SPOOR_EFORMAT) a directory without MANIFEST or MANIFEST.p7s, a
 * malformed MANIFEST, an unlisted file, a symlink or other special
 * file, a size or SHA-256 mismatch; SPOOR_EINVAL for an out inside
 * dir.  Never follows a symlink.  Written to out.tmp, fsync'd and
 * renamed.
 */
SPOOR_API int spoor_bundle_pack(const char *dir, const char *out,
				struct spoor_err *err);

/* ------------------------------------------------------------------ */
/* Verification: the police side (bundle.md section 7)                 */
/* ------------------------------------------------------------------ */

/* The id-kp-documentSigning EKU (RFC 9336) an examiner must carry. */
#define SPOOR_OID_DOCUMENT_SIGNING "1.3.6.1.5.5.7.3.36"

enum spoor_verdict {
	SPOOR_VALID = 0,
	SPOOR_VALID_WITH_WARNINGS = 1,
	SPOOR_INVALID = 2,
};

struct spoor_magic;

struct spoor_verify_opts {
	const char *trust;	/* pinned root(s), PEM; or NULL */
	const char *trust_fpr;	/* or: SHA-256 of the DER of a
				 * self-signed root among the bundle's
				 * certificates: 64 hex digits, any case,
				 * in groups or with colons */
	const char *recipient;	/* our unit; NULL: not checked (warning) */
	const char *org;	/* the NGO's O=; NULL: not checked
				 * (warning) */
	const char *tsa_trust;	/* TSA root(s), PEM; NULL: a .tsr is not
				 * checked (warning) */
	const char *const *crls;	/* extra CRL files (PEM or DER) */
	size_t ncrls;
	const char *registry;	/* registry file (created if missing),
				 * keyed by case-id and recipient, or
				 * NULL */
	bool registry_update;	/* record a VALID bundle in the registry */
	struct spoor_magic *magic;	/* for the content policy; NULL:
					 * opened per call */
	int64_t now;		/* verification time, 0: time(NULL) */
};

/* The outcome of one verification. */
struct spoor_verification;

/*
 * Verify the bundle at dir, a directory or tar file, against every rule
 * of bundle.md section 7.  A tar is read in one streaming pass without
 * extracting it, and only in the form spoor_bundle_pack writes (every
 * header byte, order, padding and end; any other header, pax or GNU
 * extensions included, is "tar", links, devices, FIFOs and sparse
 * members "special", absolute or ".." names "path", duplicate names
 * "duplicate", a truncated tar or a non-zero byte outside the members
 * "input"): every member is hashed, the small control members
 * (MANIFEST*, certs/crl/ CRLs, custody/custody.log, data/findings.json)
 * are kept under size caps ("limit").  Then, for both: the CMS
 * signature over the raw MANIFEST first, the chain to the pinned root
 * only, algorithm allowlist, signer key usage, EKU documentSigning and
 * organisation, RFC 3161 time, CRLs, the strict manifest grammar, every
 * file (size, then streamed SHA-256), no extra or special file,
 * recipient, registry per case-id and recipient (rollback,
 * equivocation, supersedes chain, custody prefix), the custody chain
 * and head, content policy.  *out gets the result (verdict, reasons,
 * signed facts) even when the bundle is INVALID; the return value is 0
 * then.  Otherwise *out is NULL: SPOOR_EINVAL for a caller error (a
 * malformed trust_fpr: the message shows it whole), SPOOR_EIO or
 * SPOOR_EFORMAT when dir, a trust file (or one without a certificate),
 * a CRL file or the registry cannot be read or used (nothing verified),
 * SPOOR_ENOMEM.
 */
SPOOR_API int spoor_verify_bundle(const char *dir,
				  const struct spoor_verify_opts *o,
				  struct spoor_verification **out,
				  struct spoor_err *err);
SPOOR_API void spoor_verification_free(struct spoor_verification *r);
SPOOR_API enum spoor_verdict
spoor_verify_verdict(const struct spoor_verification *r);
/* "VALID", "VALID-WITH-WARNINGS", "INVALID". */
SPOOR_API const char *spoor_verdict_name(enum spoor_verdict v);

/*
 * Reason i (0-based, < spoor_verify_nreasons): *fatal says whether it
 * makes the bundle INVALID (else a warning); *code is a short stable
 * key ("signature", "chain", "eku", "hash", "extra", ...); the return
 * value is a one-line message.
 */
SPOOR_API size_t spoor_verify_nreasons(const struct spoor_verification *r);
SPOOR_API const char *spoor_verify_reason(const struct spoor_verification *r,
					  size_t i, bool *fatal,
					  const char **code);

/*
 * A signed fact, only once the signature and the signer checked out
 * (else NULL): "signer", "signer-sha256", "signing-time", "tsa-time",
 * "bundle-id", "bundle-version", "case-id", "police-ref", "recipient",
 * "created", "producer", "custody-count", "files", "bytes".
 */
SPOOR_API const char *spoor_verify_fact(const struct spoor_verification *r,
					const char *key);

/*
 * After a VALID (or VALID-WITH-WARNINGS) result for dir (directory or
 * tar file): copy exactly the listed files into outdir (created; or an
 * existing empty directory), then re-read and re-hash each copy; from a
 * tar, a second pass writes only the listed regular members.  Never
 * follows a symlink; SPOOR_EINVAL for an INVALID result.
 */
SPOOR_API int spoor_verify_extract(const char *dir,
				   const struct spoor_verification *r,
				   const char *outdir, struct spoor_err *err);

/*
 * After a VALID (or VALID-WITH-WARNINGS) result r for dir (directory or
 * tar file; a tar's data/findings.json and CRLs are kept in r): check a
 * disclosure statement of spoor-report (text, "FORENSIC-DISCLOSURE 1",
 * and its detached CMS signature sig) with the same trust rules as the
 * bundle's signature; its bundle-id and case-id must be the bundle's, its
 * commitment must recompute from pseudonym, id-norm and r, and the
 * bundle's data/findings.json must list that commitment for that
 * pseudonym.  Failures are added to r as "disclosure" reasons (making it
 * INVALID); on success the facts "disclosed-pseudonym", "disclosed-id",
 * "disclosure-signer" and "consent-ref" are added.  A statement or
 * signature that cannot be read is not a reason: SPOOR_EIO (or the
 * read's code), r unchanged.
 */
SPOOR_API int spoor_verify_disclosure(const char *dir,
				      struct spoor_verification *r,
				      const char *text, const char *sig,
				      const struct spoor_verify_opts *o,
				      struct spoor_err *err);


/* ------------------------------------------------------------------ */
/* Reports: spoor-report's signed evidence bundle                      */
/* ------------------------------------------------------------------ */

/* One copy to seal: the record it is the file of, and where it is. */
struct spoor_seal_item {
	int64_t record_id;
	const char *path;
};

/*
 * What spoor_report_build makes from a case directory (case.db +
 * custody.log): a bundle directory as ../shared/docs/bundle.md section
 * 4 describes (MANIFEST, MANIFEST.p7s, readme.txt, report/report.html,
 * data/findings.json, data/case-uco.jsonld, data/hashes-flagged.json,
 * custody/custody.log).  case.db is only read, except for the table
 * `exports` (created if absent) that keeps each export's version and
 * MANIFEST hash for the next export's bundle-version and supersedes.
 */
struct spoor_report_opts {
	const char *case_dir;		/* holds case.db and custody.log */
	const char *bundle;		/* output directory; must not exist */
	const char *recipient;		/* police unit id */
	const char *police_ref;		/* or NULL */
	const char *lang;		/* "nl" (default, NULL) or "en" */
	bool tagged_only;		/* only tagged records (and the whole
					 * conversations of tagged messages) */
	/* report.html's timeline: every entry of the selection up to this
	 * many minutes before or after a tagged item (1 .. 10080); 0: the
	 * default, 30; negative: none, the tagged items alone. */
	int timeline_window;
	/* A case with an unfinished run (staged, or abandoned by a killed
	 * tool) is refused (SPOOR_EINVAL) unless this is set: then its
	 * runs are named as left out in findings.json, readme.txt and
	 * report.html (their records never are in a bundle). */
	bool exclude_unfinished;
	const struct spoor_signer *signer;
	/* Pseudonymisation: identifiers of the reporter (phone numbers in
	 * any format, names); the first one is the identifier the
	 * pseudonym is derived from, the others are aliases. */
	const char *const *pseudonymise;
	size_t npseudonymise;
	const char *master_key;		/* file: 64 hex digits or >= 32 bytes */
	const char *map_to;		/* certificate the map is sealed to */
	const char *map_out;		/* where the sealed map goes (outside
					 * the bundle) */
	const char *default_cc;		/* country code for national numbers;
					 * NULL: "31" */
	const char *local_tz;		/* zone of the local times shown
					 * beside UTC (spoor_tz_new grammar);
					 * NULL: "Europe/Amsterdam" */
	const char *producer;		/* "spoor-report 0.1.0" */
	/* CRLs (files, DER or PEM) copied as given into certs/crl/1.crl,
	 * 2.crl, ... for long-term validation; each must parse. */
	const char *const *crls;
	size_t ncrls;
	/* Copies the police formally requested (bundle.md section 8): the
	 * file at seal[i].path must have the SHA-256 and size of the file
	 * record seal[i].record_id (one of this export); it is encrypted
	 * as CMS AuthEnvelopedData (AES-256-GCM) to seal_to only (not the
	 * examiner's nor the map's certificate) into
	 * sealed/record-<id>.p7m.  The header's content-policy becomes
	 * sealed-to-recipient; the request and its legal basis go into the
	 * custody log (event "sealed") and data/findings.json. */
	const char *seal_to;		/* police intake certificate, PEM */
	const struct spoor_seal_item *seal;
	size_t nseal;
	const char *seal_request;	/* the request's reference */
	const char *seal_basis;		/* its legal basis */
};

/* What a build made. */
struct spoor_report_result {
	char bundle_id[37];
	uint64_t bundle_version;
	char manifest_sha256[65];
	char pseudonym[32];		/* "" without pseudonymisation */
	char commitment[65];
	uint64_t records;		/* records in the report */
};

/*
 * Build, check and sign a bundle.  Everything is written to a temp dir
 * next to o->bundle and renamed into place at the end, so a failure
 * leaves no bundle; an existing o->bundle is refused (SPOOR_EOUTPUT).
 * The signer is tried first; then the files are written, every file is
 * checked with libmagic (spoor_report_content_check) and for left-over
 * reporter identifiers, the 'exported' event is appended to the case's
 * custody.log, the log copied, MANIFEST written and signed.  A custody
 * log that already names the reporter is refused (it cannot be
 * redacted).  SPOOR_EFORMAT for a broken case.
 */
SPOOR_API int spoor_report_build(struct spoor_ctx *ctx,
				 const struct spoor_report_opts *o,
				 struct spoor_report_result *res,
				 struct spoor_err *err);

/*
 * The content policy (bundle.md section 8): every regular file under
 * dir must be of an allowed MIME type by libmagic (text/plain,
 * text/html, application/json, ...; CMS DER only under sealed/).  The
 * first offending file is named in a SPOOR_EFORMAT error; a symlink
 * or other non-regular file is SPOOR_EFORMAT too.
 */
SPOOR_API int spoor_report_content_check(const char *dir,
					 struct spoor_err *err);

/*
 * The reporter pseudonym of bundle.md section 8: K_case =
 * HKDF-SHA256(master, salt "tdh-pseudonym-v1", info case_id); P =
 * "RPT-" base32(first 15 bytes of HMAC-SHA256(K_case, "reporter" 0x00
 * id_norm)) into p[32]; and, when r_hex (64 hex digits) is given, the
 * commitment SHA-256("commit-v1" 0x00 P 0x00 id_norm 0x00 r_hex) as
 * hex into c[65] (c may be NULL).
 */
SPOOR_API int spoor_report_pseudonym(const unsigned char *master,
				     size_t master_len, const char *case_id,
				     const char *id_norm, const char *r_hex,
				     char p[32], char c[65],
				     struct spoor_err *err);

/*
 * Write an RFC 3161 request over bundle/MANIFEST.p7s (SHA-256, a
 * 64-bit random nonce, certReq) to out (DER).
 */
SPOOR_API int spoor_report_timestamp_request(const char *bundle,
					     const char *out,
					     struct spoor_err *err);

/*
 * Add the RFC 3161 reply as bundle/MANIFEST.p7s.tsr after checking that
 * it was granted, that its imprint is SHA-256 over MANIFEST.p7s and,
 * when request is given, that its nonce is the request's.  The
 * signature and MANIFEST are not touched; an existing .tsr is refused.
 */
SPOOR_API int spoor_report_attach_timestamp(const char *bundle,
					    const char *reply,
					    const char *request,
					    struct spoor_err *err);

/* A disclosure statement (FORENSIC-DISCLOSURE 1) for one pseudonym. */
struct spoor_disclosure_opts {
	const char *map;		/* the sealed map (AuthEnvelopedData) */
	const char *map_key;		/* key + certificate that open it */
	const char *map_cert;
	const char *map_passphrase;	/* may be NULL */
	const char *pseudonym;
	const char *consent_ref;
	const char *consent_date;	/* YYYY-MM-DD */
	const struct spoor_signer *signer;
	const char *out;		/* statement; signature at out.p7s */
};

/*
 * Open the map, check that it holds the pseudonym and that its
 * commitment recomputes, and write
 *
 *   FORENSIC-DISCLOSURE 1
 *   bundle-id: <uuid>
 *   case-id: <case id>
 *   pseudonym: RPT-...
 *   id-norm: tel:+31...
 *   r: <64 hex>
 *   commitment: <64 hex>
 *   consent-ref: <ref>
 *   consent-date: <YYYY-MM-DD>
 *   created: <YYYY-MM-DDTHH:MM:SSZ>
 *
 * (LF endings) to out and its detached CMS signature (DER, CAdES-BES,
 * as a MANIFEST) to out.p7s.
 */
SPOOR_API int spoor_report_disclose(const struct spoor_disclosure_opts *d,
				    struct spoor_err *err);

#ifdef __cplusplus
}
#endif
#endif /* SPOOR_H */
