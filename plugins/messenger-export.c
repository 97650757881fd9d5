/*
 * messenger-export: Facebook's "Download your information" for
 * Messenger (JSON or HTML; the zip as delivered, or unpacked): threads
 * under messages/ (inbox, message_requests, archived_threads,
 * filtered_threads, e2ee_cutover) at the top level, under
 * your_facebook_activity/ or your_activity_across_facebook/, every
 * message_N of a thread, participants, media by uri, reactions,
 * shares, unsent messages, calls with their duration, Meta's mojibake
 * repaired, the owner from profile_information.json or
 * messages/autofill_information.json (also account records).  The
 * reading is meta-export.h's, shared with instagram-export.
 */
#include "meta-export.h"

static int run(const struct spoor_host *h, const char *path)
{
	return meta_run(h, path, META_FACEBOOK);
}

const struct spoor_plugin spoor_plugin_messenger_export = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "messenger-export",
	.version = "1.0",
	.description = "Facebook Messenger \"Download your information\" "
		"(threads, JSON and HTML, every message_N; owner account)",
	.types = meta_types,
	.patterns = meta_patterns,
	.run = run,
};
