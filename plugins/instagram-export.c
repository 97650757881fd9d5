/*
 * instagram-export: Instagram's "Download your information" (JSON or
 * HTML; the zip as delivered, or unpacked): direct-message threads
 * (messages/inbox, message_requests, archived_threads, ... under
 * your_instagram_activity/ or the older top level), every
 * message_N.json or message_N.html of a thread, participants, media by
 * uri, reactions, shares, unsent messages, calls, Meta's mojibake
 * repaired, the owner from personal_information.json (also an account
 * record).  The reading is meta-export.h's, shared with
 * messenger-export.
 */
#include "meta-export.h"

static int run(const struct spoor_host *h, const char *path)
{
	return meta_run(h, path, META_INSTAGRAM);
}

const struct spoor_plugin spoor_plugin_instagram_export = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "instagram-export",
	.version = "1.0",
	.description = "Instagram \"Download your information\" (direct "
		"messages, JSON and HTML, every message_N; owner account)",
	.types = meta_types,
	.patterns = meta_patterns,
	.run = run,
};
