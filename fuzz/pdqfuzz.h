/*
 * pdqfuzz.h: what the PDQ picture targets (fuzz-pdq-FORMAT.c) share:
 * one decoder path each.  An input that does not start with the
 * format's signature gets it put in front, so that mutations reach the
 * decoder of the target and no other.  The pixel cap is lowered to keep
 * one execution short; the decoders and their caps are the same.
 */
#ifndef SPOOR_PDQFUZZ_H
#define SPOOR_PDQFUZZ_H

#include "fuzz.h"
#include "spoor.h"

static inline int pdq_fuzz(const uint8_t *data, size_t size,
			   const char *format, const void *magic,
			   size_t magic_len)
{
	struct spoor_pdq_opts o = { 0, (uint64_t)1 << 22 };
	unsigned char dih[SPOOR_PDQ_NDIHEDRAL][SPOOR_PDQ_BYTES];
	struct spoor_pdq_info info;
	struct spoor_pdq p;
	struct spoor_err err;
	uint8_t *buf = malloc(size + magic_len);
	size_t len = size;
	int rc;

	if (!buf)
		return 0;
	if (size >= magic_len && !memcmp(data, magic, magic_len)) {
		memcpy(buf, data, size);
	} else {
		memcpy(buf, magic, magic_len);
		memcpy(buf + magic_len, data, size);
		len += magic_len;
	}
	spoor_err_clear(&err);
	rc = spoor_pdq_picture(buf, len, &o, &p, dih, &info, &err);
	/* the contract: an error has a message; a hash has a quality */
	if (rc && !err.msg[0])
		abort();
	if (!rc && (p.quality < 0 || p.quality > 100 ||
		    fz_touch(dih, sizeof(dih)) == 0xdeadbeef))
		abort();
	if (info.format && strcmp(info.format, format))
		abort();	/* the signature put in front decides */
	free(buf);
	return 0;
}

#endif
