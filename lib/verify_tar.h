/*
 * verify_tar.h: reading a bundle tar without extracting it, for
 * verify.c (bundle.md section 7 rule 1).  Not installed.
 *
 * One streaming pass over the tar spoor-report pack writes (and no
 * other form: see verify_tar.c): every regular member is hashed
 * (SHA-256) and typed (libmagic, on its first bytes), the small control
 * members (MANIFEST, MANIFEST.p7s, MANIFEST.p7s.tsr, certs/crl/ *.crl,
 * custody/custody.log, data/findings.json) are kept in memory under a
 * cap, and everything else is refused: pax and GNU extension headers,
 * links, devices, FIFOs, sparse members, a header byte other than
 * bundle_tar_header's, members out of order or twice, a missing or
 * empty directory member, unsafe paths, a truncated archive, a
 * non-zero byte outside the members.
 */
#ifndef SPOOR_VERIFY_TAR_H
#define SPOOR_VERIFY_TAR_H

#include "bundle.h"

/* Caps on the members read whole (hostile input). */
#define P7S_MAX (1u << 20)
#define TSR_MAX (1u << 20)
#define CRL_MAX (8u << 20)
#define CRL_COUNT_MAX 16
#define CUSTODY_MAX (64u << 20)
#define FINDINGS_MAX (64u << 20)
#define MAX_ENTRIES 1000000

/* One member after the pass: directories too, sorted by path. */
struct tar_member {
	char *path;		/* bundle-relative, no trailing '/' */
	bool dir;
	uint64_t size;
	char sha256[65];
	char *media;		/* an image/ or video/ MIME, else NULL */
	bool cms;		/* starts a CMS (Auth)EnvelopedData */
};

struct tar_bundle;

/* A reason for verify.c: fatal or a warning, a code, a message. */
typedef void tar_report_fn(void *u, bool fatal, const char *code,
			   const char *msg);

/*
 * Read the tar on fd (name for messages) once.  Problems go to report
 * ("input" for an archive that cannot be read to its end or bytes
 * outside the members; "tar" for anything pack does not write;
 * "special" for links, devices, FIFOs, sparse members; "path",
 * "duplicate", "limit").  The first problem of the form ends the pass.
 * mg may be NULL (no MIME types).  *out is set (and must be freed) even
 * when the archive is refused; the return value is 0 when the archive
 * was read to its end in the right form, SPOOR_EFORMAT when not,
 * SPOOR_ENOMEM, SPOOR_ELIMIT.
 */
int tar_bundle_scan(int fd, const char *name, struct spoor_magic *mg,
		    bool open_magic, tar_report_fn *report, void *u,
		    struct tar_bundle **out);
void tar_bundle_free(struct tar_bundle *t);

/* The members, sorted by path (duplicates reported already). */
size_t tar_bundle_nmembers(const struct tar_bundle *t);
const struct tar_member *tar_bundle_member(const struct tar_bundle *t,
					   size_t i);
/* Whether the members' MIME types were read. */
bool tar_bundle_typed(const struct tar_bundle *t);
/* The modification time every member carries (pack: the MANIFEST's
 * created time), or -1 when there is none. */
int64_t tar_bundle_mtime(const struct tar_bundle *t);
/* Release the member list once it is checked (control members stay). */
void tar_bundle_drop_members(struct tar_bundle *t);

/*
 * A kept control member by bundle-relative name: its bytes (NUL added)
 * and *len, or NULL when there is no such regular member.
 */
const char *tar_bundle_get(const struct tar_bundle *t, const char *name,
			   size_t *len);
/* The i-th kept certs/crl/ *.crl member's bytes, or NULL past the end. */
const char *tar_bundle_crl(const struct tar_bundle *t, size_t i,
			   size_t *len);

/*
 * Second pass for spoor_verify_extract: write the regular members
 * that m lists (and nothing else) below dst, each once, then re-read
 * and re-hash every copy against m.  Any header the first pass would
 * have refused, or an unlisted or missing member, is an error.
 */
int tar_bundle_extract(const struct tar_bundle *t, int fd,
		       const struct manifest *m, int dst,
		       struct spoor_err *err);

/* In verify.c, shared with the directory extract. */
int verify_mkdirs_at(int root, const char *path, struct spoor_err *err);
int verify_copy_check(int dst, const struct manifest_entry *e,
		      unsigned char *buf, struct spoor_err *err);

#endif
