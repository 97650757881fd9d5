/*
 * fuzz-meta: Meta's "Download your information" readers
 * (plugins/meta-export.h through plugins/instagram-export.c: message_N
 * JSON streamed in two passes, mojibake repair, message_N.html, the
 * account files) through the fake host.  The first byte of the input
 * picks the file the rest is.
 */
#include "../plugins/instagram-export.c"

#include "fakehost.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const path[] = {
		"your_instagram_activity/messages/inbox/daan_1/message_1.json",
		"messages/inbox/daan_1/message_1.html",
		"personal_information/personal_information/"
		"personal_information.json",
	};

	if (!size)
		return 0;
	fz_plugin_run(&spoor_plugin_instagram_export, path[data[0] % 3],
		      data + 1, size - 1);
	return 0;
}
