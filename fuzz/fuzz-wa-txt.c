/*
 * fuzz-wa-txt: the WhatsApp "Export chat" text parser
 * (plugins/whatsapp-txt.c, compiled into the target) through a fake
 * plugin host (fakehost.h).
 */
#include "../plugins/whatsapp-txt.c"

#include "fakehost.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_plugin_run(&spoor_plugin_whatsapp_txt,
		      "Export/WhatsApp Chat with Sanne Jansen.txt", data, size);
	return 0;
}
