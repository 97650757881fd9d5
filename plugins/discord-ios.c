/*
 * discord-ios: Discord on iOS (com.hammerandchisel.discord), iLEAPP
 * discordChats.py:
 *
 *   Library/Caches/kv-storage/@account.<id>/a
 *       messages0.data: one byte, then the JSON of a stored message
 *       (discord-msg.h); the account is the folder's id
 *   Library/Caches/com.hammerandchisel.discord/fsCachedData/<name>
 *       cached responses of the app's HTTP requests: those that are a
 *       JSON array of message objects (the API's GET channel messages)
 *       give every message of the array; other cached files (images,
 *       other responses) are not of this plugin's kind
 *
 * fsCachedData holds no account id: its messages say direction unknown
 * unless the run names the account (--me=<Discord user id>).  A record
 * from fsCachedData names the element it came from in json_pointer.
 */
#include "discord-msg.h"

#include "banned.h"

#define DC_CACHE_MAX ((size_t)32 << 20)

static int cached(const struct spoor_host *h, const char *path)
{
	struct spoor_prov prov = { NULL, NULL, -1, -1, NULL };
	struct dc d;
	size_t len = 0, n;
	char *buf = h->read_file(h, path, DC_CACHE_MAX, &len), ptr[32];
	const char *me = h->option(h, "me");
	json_object *o;
	bool any = false;

	if (!buf)
		return SPOOR_PLUGIN_DECLINED;
	if (!len || buf[strspn(buf, " \t\r\n")] != '[' ||
	    !(o = pj_parse(buf, len))) {
		h->free_buf(h, buf);
		return SPOOR_PLUGIN_DECLINED;
	}
	h->free_buf(h, buf);
	n = json_object_is_type(o, json_type_array) ?
		json_object_array_length(o) : 0;
	/* a message array: objects with an author and a channel */
	for (size_t i = 0; i < n && !any; i++) {
		json_object *m = json_object_array_get_idx(o, i);

		any = pj_at(m, "author.id") && pj_at(m, "channel_id");
	}
	if (!any) {
		json_object_put(o);
		return SPOOR_PLUGIN_DECLINED;
	}
	memset(&d, 0, sizeof(d));
	d.h = h;
	d.path = path;
	if (me && strspn(me, "0123456789") == strlen(me) &&
	    strlen(me) < sizeof(d.owner))
		snprintf(d.owner, sizeof(d.owner), "%s", me);
	for (size_t i = 0; i < n && !d.stop; i++) {
		json_object *m = json_object_array_get_idx(o, i);

		if (!pj_at(m, "author.id")) {
			d.no_message++;
			continue;
		}
		snprintf(ptr, sizeof(ptr), "/%zu", i);
		dc_emit(&d, m, NULL, &prov, ptr);
	}
	json_object_put(o);
	if (!d.stop)
		dc_report(&d);
	return 0;
}

static int run(const struct spoor_host *h, const char *path)
{
	struct dc d;

	if (strstr(path, "fsCachedData/"))
		return cached(h, path);
	memset(&d, 0, sizeof(d));
	d.h = h;
	d.path = path;
	dc_read_kv(&d);
	return 0;
}

static const char *const types[] = { "message", "account", NULL };
static const char *const patterns[] = {
	"*Library/Caches/kv-storage/@account.*/a",
	"*com.hammerandchisel.discord/fsCachedData/*", NULL,
};

static int run_checked(const struct spoor_host *h, const char *path)
{
	return pu_host_1_2(h) ? run(h, path) : SPOOR_EUNSUPPORTED;
}

const struct spoor_plugin spoor_plugin_discord_ios = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "discord-ios",
	.version = "1.0",
	.description = "Discord on iOS: kv-storage/@account.<id>/a messages0 "
		"and cached API message lists in fsCachedData, the account",
	.types = types,
	.patterns = patterns,
	.run = run_checked,
};
