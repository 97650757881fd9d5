/*
 * fuzz-zipsrc: the plugin host's archive source (lib/artifact_src.c):
 * a zip or tar handed in as evidence is unpacked into a private
 * directory, member names kept as strings only; then every member is
 * hashed and looked up by base name, as spoor-artifacts does.
 * fuzz-options: -max_len=16384
 */
#include "fuzz.h"
#include "artifact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct spoor_ctx *ctx;
	struct spoor_err err;
	struct asrc *s = NULL;
	const char *path;
	unsigned acc = 0;

	if (!ctx && !(ctx = spoor_ctx_new()))
		abort();
	path = fz_file("export.zip", data, size);
	if (asrc_open(ctx, path, fz_dir(), &s, &err)) {
		if (!memchr(err.msg, 0, sizeof(err.msg)))
			abort();
		return 0;
	}
	for (size_t i = 0; i < s->n; i++) {
		struct asrc_entry *e = &s->e[i];
		const char *base = strrchr(e->path, '/');
		size_t first;

		acc += fz_touch(e->path, strlen(e->path));
		if (!asrc_sha256(s, e, &err))
			acc += fz_touch(e->sha256, sizeof(e->sha256));
		(void)asrc_by_base(s, base ? base + 1 : e->path, &first);
	}
	asrc_free(s);
	return 0;
}
