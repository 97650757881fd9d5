/*
 * fuzz-tiktok: the TikTok download readers (plugins/tiktok-export.c:
 * user_data JSON in two streamed passes, the TXT variant) through the
 * fake host.  The first byte of the input picks the file the rest is.
 */
#include "../plugins/tiktok-export.c"

#include "fakehost.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const path[] = {
		"user_data_tiktok.json", "Direct Messages/Direct Messages.txt",
	};

	if (!size)
		return 0;
	fz_plugin_run(&spoor_plugin_tiktok_export, path[data[0] % 2],
		      data + 1, size - 1);
	return 0;
}
