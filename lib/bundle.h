/*
 * bundle.h: helpers shared by bundle.c, verify.c and pki.c.  Not
 * installed.
 */
#ifndef SPOOR_BUNDLE_H
#define SPOOR_BUNDLE_H

#include "internal.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

/* Reads of at least this size keep hashing near sha256sum speed. */
#define BUNDLE_READ_BUF (256u * 1024)

/* One MANIFEST entry. */
struct manifest_entry {
	char sha256[65];
	uint64_t size;
	char *path;
};

/* A parsed MANIFEST; strings point into the owned copy of the text. */
struct manifest {
	char *text;			/* owned, NUL-terminated copy */
	struct spoor_manifest_header h;
	struct manifest_entry *e;
	size_t n;
};

/*
 * Parse and strictly check the MANIFEST bytes buf[0..len): every rule of
 * spoor.h's grammar.  SPOOR_EFORMAT with a message naming the line.
 */
int manifest_parse(const char *buf, size_t len, struct manifest *m,
		   struct spoor_err *err);
void manifest_release(struct manifest *m);

/* Header value checks (also used by the writer). */
bool bundle_hex64_ok(const char *s);
bool bundle_uuid4_ok(const char *s);
bool bundle_time_ok(const char *s);
bool bundle_value_ok(const char *s);

/*
 * Stream the regular file fd through SHA-256 into hex[65]; *size gets
 * the bytes read.  buf is caller scratch of BUNDLE_READ_BUF bytes.
 * Stops with SPOOR_ELIMIT after max bytes (hostile growth).
 */
int bundle_sha256_fd(int fd, unsigned char *buf, uint64_t max,
		     char hex[65], uint64_t *size, struct spoor_err *err);

/*
 * True if p[0..n) starts a CMS ContentInfo (DER or BER) whose content
 * type is AuthEnvelopedData (1.2.840.113549.1.9.16.1.23) or
 * EnvelopedData (1.2.840.113549.1.7.3): what a file under sealed/ must
 * be, whatever libmagic makes of it.
 */
bool bundle_sealed_head_ok(const unsigned char *p, size_t n);

/* MANIFEST, MANIFEST.p7s or MANIFEST.p7s.tsr: the top-level names a
 * MANIFEST never lists. */
bool bundle_manifest_name(const char *name);

/* Lower-case hex SHA-256 of the certificate's DER into hex[65] ("" if
 * it cannot be encoded). */
void bundle_cert_sha256(X509 *x, char hex[65]);

/* Lower-case hex of n bytes into out[2n + 1]. */
void bundle_hex(const unsigned char *p, size_t n, char *out);

/*
 * Read a whole file (at most max bytes) relative to dirfd, refusing a
 * symlink or non-regular file.  *buf is malloc'd (NUL added).
 */
int bundle_read_at(int dirfd, const char *name, size_t max, char **buf,
		   size_t *len, struct spoor_err *err);
/* The same from an open fd (name for messages). */
int bundle_read_fd(int fd, const char *name, size_t max, char **buf,
		   size_t *len, struct spoor_err *err);

/*
 * The bundle tar (bundle.md section 4; spoor-report pack writes it,
 * spoor-verify accepts nothing else): one ustar header per member,
 * regular files and directories only, sorted by path, the data, zero
 * padding to 512 bytes, two zero blocks at the end.
 */
#define BUNDLE_TAR_BLOCK 512
/* ustar's size and mtime fields: 11 octal digits. */
#define BUNDLE_TAR_SIZE_MAX 077777777777ULL

/*
 * The one header of a member: path (without a trailing '/'), dir or a
 * regular file of size bytes, mtime.  Mode 0644 or 0755, owner 0/0
 * without names, numbers in octal with the terminators libarchive
 * writes, a path longer than 100 bytes split at the first '/' that
 * leaves at most 100 bytes for the name.  false when it does not fit
 * (path, size or mtime).
 */
bool bundle_tar_header(const char *path, bool dir, uint64_t size,
		       int64_t mtime, unsigned char h[BUNDLE_TAR_BLOCK]);

/* A MANIFEST `created:` value (YYYY-MM-DDTHH:MM:SSZ) as seconds since
 * the epoch; -1 when malformed. */
int64_t bundle_time_epoch(const char *s);

/*
 * Load a private key from a PEM file or an OpenSSL store URI
 * ("pkcs11:..."), decrypting with pass (NULL: never prompt).
 */
EVP_PKEY *bundle_load_key(const char *key, const char *pass,
			  struct spoor_err *err);

#endif
