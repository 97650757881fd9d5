/*
 * fuzz-pdq-jpeg: PDQ of a hostile jpeg picture through libjpeg-turbo
 * (spoor_pdq_picture, lib/picture.c): an error, never a crash.
 */
#include "pdqfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return pdq_fuzz(data, size, "jpeg", "\xff\xd8\xff", 3);
}
