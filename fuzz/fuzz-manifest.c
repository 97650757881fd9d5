/*
 * fuzz-manifest: the strict MANIFEST parser of spoor-verify
 * (manifest_parse in lib/bundle.c), which reads the signed MANIFEST of a
 * bundle a police officer was handed.  A parsed MANIFEST must hold only
 * paths the grammar allows (spoor_bundle_path_ok), never a ".." or "."
 * segment nor a leading "/".
 */
#include "fuzz.h"
#include "bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest m;
	struct spoor_err err;

	memset(&m, 0, sizeof(m));
	if (manifest_parse((const char *)data, size, &m, &err)) {
		if (!memchr(err.msg, 0, sizeof(err.msg)))
			abort();
		manifest_release(&m);
		return 0;
	}
	for (size_t i = 0; i < m.n; i++) {
		const char *p = m.e[i].path;

		/* "a..b" is a fine segment; "..", "." and "/x" are not */
		if (!spoor_bundle_path_ok(p) || p[0] == '/' ||
		    !strcmp(p, "..") || !strncmp(p, "../", 3) ||
		    strstr(p, "/../") || strstr(p, "/./") ||
		    (strlen(p) >= 3 && !strcmp(p + strlen(p) - 3, "/..")))
			abort();
		(void)fz_touch(m.e[i].sha256, sizeof(m.e[i].sha256));
	}
	(void)fz_touch(m.h.case_id, strlen(m.h.case_id));
	manifest_release(&m);
	return 0;
}
