/*
 * fuzz-telegram: the Telegram Desktop JSON export (result.json) parser
 * (plugins/telegram-export.c, compiled into the target) through a fake plugin
 * host (fakehost.h).
 */
#include "../plugins/telegram-export.c"

#include "fakehost.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_plugin_run(&spoor_plugin_telegram_export, "result.json", data, size);
	return 0;
}
