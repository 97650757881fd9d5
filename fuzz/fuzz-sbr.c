/*
 * fuzz-sbr: the SMS Backup & Restore XML parser
 * (plugins/sms-backup-restore.c, compiled into the target) through a
 * fake plugin host (fakehost.h).
 */
#include "../plugins/sms-backup-restore.c"

#include "fakehost.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_plugin_run(&spoor_plugin_sms_backup_restore,
		      "SMSBackup/sms-20240314.xml", data, size);
	return 0;
}
