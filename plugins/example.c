/*
 * example: the smallest useful plugin, and the one the tests build.  For
 * every file named "example.txt" it emits one "note" record per line.
 * Build it with -DEXAMPLE_ABI_MAJOR=N to get a plugin the host must
 * refuse (tests/cli/t-artifacts-plugin.sh).
 */
#include "spoor-plugin.h"

#include "banned.h"

#ifndef EXAMPLE_ABI_MAJOR
#define EXAMPLE_ABI_MAJOR SPOOR_PLUGIN_ABI_MAJOR
#endif

static int run(const struct spoor_host *h, const char *path)
{
	struct spoor_record r;
	struct spoor_prov prov = { NULL, NULL, -1, 0, NULL };
	size_t len;
	char *buf = h->read_file(h, path, 1 << 20, &len);
	const char *p, *end;

	if (!buf) {
		h->not_understood(h, path, "unreadable or larger than 1 MiB");
		return 0;
	}
	for (p = buf, end = buf + len; p < end; p = p ? p + 1 : end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		prov.line++;
		if (!nl && !n)
			break;
		spoor_p_init(&r, "note");
		spoor_p_bytes(&r, "text", p, n);
		if (h->emit(h, &r, &prov))
			break;
		p = nl;
	}
	h->free_buf(h, buf);
	return 0;
}

static const char *const types[] = { "note", NULL };
static const char *const patterns[] = { "example.txt", NULL };

const struct spoor_plugin spoor_plugin_example = {
	.abi = SPOOR_PLUGIN_ABI_MAKE(EXAMPLE_ABI_MAJOR, SPOOR_PLUGIN_ABI_MINOR),
	.name = "example",
	.version = "1.0",
	.description = "one note record per line of example.txt",
	.types = types,
	.patterns = patterns,
	.run = run,
};
