/*
 * fuzz-verifytar: spoor-verify's reader of a bundle tar
 * (lib/verify_tar.c): one pass over hostile tar bytes, every member
 * hashed, the control members kept under their caps, unsafe members
 * reported; then every accessor, as verify.c uses them.
 * fuzz-options: -max_len=16384
 */
#include "fuzz.h"
#include "verify_tar.h"

static void report(void *u, bool fatal, const char *code, const char *msg)
{
	unsigned *acc = u;

	*acc += (unsigned)fatal + fz_touch(code, strlen(code)) +
		fz_touch(msg, strlen(msg));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {
		"MANIFEST", "MANIFEST.p7s", "MANIFEST.p7s.tsr",
		"custody/custody.log", "data/findings.json",
	};
	struct tar_bundle *t = NULL;
	const char *path, *p;
	unsigned acc = 0;
	size_t i, len;
	int fd;

	path = fz_file("bundle.tar", data, size);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		abort();
	if (tar_bundle_scan(fd, path, NULL, false, report, &acc,
			    &t) == 0) {
		for (i = 0; i < tar_bundle_nmembers(t); i++) {
			const struct tar_member *m = tar_bundle_member(t, i);

			acc += fz_touch(m->path, strlen(m->path)) +
			       fz_touch(m->sha256, strlen(m->sha256));
		}
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if ((p = tar_bundle_get(t, names[i], &len)))
				acc += fz_touch(p, len);
		for (i = 0; (p = tar_bundle_crl(t, i, &len)); i++)
			acc += fz_touch(p, len);
		tar_bundle_drop_members(t);
	}
	tar_bundle_free(t);
	close(fd);
	(void)acc;
	return 0;
}
