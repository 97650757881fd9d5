/*
 * fuzz-snapchat: the Snapchat "My Data" readers (plugins/snapchat-export.c,
 * compiled into the target: the streaming JSON scanner of xjson.h, both
 * chat_history layouts, snap history, friends, account, the HTML
 * tables) through the fake host.  The first byte of the input picks the
 * file the rest is.
 */
#include "../plugins/snapchat-export.c"

#include "fakehost.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const path[] = {
		"json/chat_history.json", "json/snap_history.json",
		"json/friends.json", "json/account.json",
		"html/chat_history.html",
	};

	if (!size)
		return 0;
	fz_plugin_run(&spoor_plugin_snapchat_export, path[data[0] % 5],
		      data + 1, size - 1);
	return 0;
}
