/*
 * fuzz-custody: the custody-log checker of spoor-verify and spoor-case
 * (spoor_custody_verify_fd), fed through a memfd.  The first input line
 * up to a NUL names the case (so the genesis can be matched); without a
 * NUL the case is "fuzz-case".
 */
#include "fuzz.h"
#include "spoor.h"

#include <sys/mman.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spoor_custody_check c;
	struct spoor_err err;
	char case_id[128] = "fuzz-case";
	const uint8_t *nul = memchr(data, 0, size < 100 ? size : 100);
	int fd, rc;

	if (nul) {
		memcpy(case_id, data, (size_t)(nul - data) + 1);
		size -= (size_t)(nul - data) + 1;
		data = nul + 1;
	}
	fd = memfd_create("custody.log", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	lseek(fd, 0, SEEK_SET);
	memset(&c, 0, sizeof(c));
	c.at_seq = size ? data[0] % 8 : UINT64_MAX;
	rc = spoor_custody_verify_fd(fd, case_id, &c, &err);
	close(fd);
	if (!memchr(c.head, 0, sizeof(c.head)) ||
	    !memchr(c.at_hash, 0, sizeof(c.at_hash)))
		abort();
	if (rc == 0 && c.bad_line)
		abort();	/* "good" with a bad line */
	if (rc && (!memchr(err.msg, 0, sizeof(err.msg)) || err.code != rc))
		abort();
	return 0;
}
