/*
 * fuzz-plist: the iTunes/Finder backup source's plist reading
 * (lib/artifact_ios.c): the nesting and size guard (lib/nskeyed.h) run
 * before libplist sees Info.plist or Manifest.plist (binary or XML), then
 * the device facts taken from them.  The input is written as both files
 * of an otherwise empty backup folder, which the host's source opens.
 */
#include "fuzz.h"
#include "artifact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct spoor_ctx *ctx;
	struct spoor_err err;
	struct asrc *s = NULL;
	const char *dir;

	if (!ctx && !(ctx = spoor_ctx_new()))
		abort();
	fz_file("Manifest.plist", data, size);
	fz_file("Info.plist", data, size);
	dir = fz_dir();
	if (asrc_open(ctx, dir, dir, &s, &err)) {
		if (!memchr(err.msg, 0, sizeof(err.msg)))
			abort();
		return 0;
	}
	for (size_t i = 0; i < s->n; i++)
		fz_touch(s->e[i].path, strlen(s->e[i].path));
	asrc_free(s);
	return 0;
}
