/*
 * fuzz-discord: the Discord readers (plugins/discord-export.c: the
 * package's messages.json and messages.csv, Account/user.json,
 * DiscordChatExporter JSON) through the fake host.  The first byte of
 * the input picks the file the rest is.
 */
#include "../plugins/discord-export.c"

#include "fakehost.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const path[] = {
		"Messages/c1180000000000000001/messages.json",
		"messages/1150000000000000005/messages.csv",
		"Account/user.json", "Direct Messages - x [1].json",
	};

	if (!size)
		return 0;
	fz_plugin_run(&spoor_plugin_discord_export, path[data[0] % 4],
		      data + 1, size - 1);
	return 0;
}
