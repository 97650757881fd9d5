/*
 * discord-android: Discord on Android (com.discord): the messages the
 * app keeps in files/kv-storage/@account.<id>/a (table messages0, a JSON
 * value per message; ALEAPP discordChats.py), read as discord-msg.h
 * describes.  The account is the id in the folder name; a message whose
 * author is that id is outgoing.  Attachments are URLs on Discord's
 * servers: listed with name, type and size, not fetched.
 */
#include "discord-msg.h"

#include "banned.h"

static int run(const struct spoor_host *h, const char *path)
{
	struct dc d;

	/* the iOS store lives under Library/Caches: discord-ios's */
	if (strstr(path, "Library/Caches/kv-storage/"))
		return SPOOR_PLUGIN_DECLINED;
	memset(&d, 0, sizeof(d));
	d.h = h;
	d.path = path;
	dc_read_kv(&d);
	return 0;
}

static const char *const types[] = { "message", "account", NULL };
static const char *const patterns[] = { "*kv-storage/@account.*/a", NULL };

static int run_checked(const struct spoor_host *h, const char *path)
{
	return pu_host_1_2(h) ? run(h, path) : SPOOR_EUNSUPPORTED;
}

const struct spoor_plugin spoor_plugin_discord_android = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "discord-android",
	.version = "1.0",
	.description = "Discord on Android: kv-storage/@account.<id>/a "
		"messages0 (JSON message objects), the account",
	.types = types,
	.patterns = patterns,
	.run = run_checked,
};
