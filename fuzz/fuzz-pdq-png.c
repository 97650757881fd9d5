/*
 * fuzz-pdq-png: PDQ of a hostile png picture through libpng
 * (spoor_pdq_picture, lib/picture.c): an error, never a crash.
 */
#include "pdqfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return pdq_fuzz(data, size, "png",
			"\x89PNG\r\n\x1a\n", 8);
}
