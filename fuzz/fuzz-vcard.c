/*
 * fuzz-vcard: the vCard 2.1/3.0/4.0 contact parser
 * (plugins/vcard.c, compiled into the target) through a fake plugin
 * host (fakehost.h).
 */
#include "../plugins/vcard.c"

#include "fakehost.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_plugin_run(&spoor_plugin_vcard, "Contacts/contacts.vcf", data, size);
	return 0;
}
