/*
 * fuzz-pdq-tiff: PDQ of a hostile tiff picture through libtiff
 * (spoor_pdq_picture, lib/picture.c): an error, never a crash.
 */
#include "pdqfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return pdq_fuzz(data, size, "tiff", "II*\0", 4);
}
