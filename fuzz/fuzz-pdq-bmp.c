/*
 * fuzz-pdq-bmp: PDQ of a hostile bmp picture through the strict BMP
 * reader (spoor_pdq_picture, lib/picture.c): an error, never a crash.
 */
#include "pdqfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return pdq_fuzz(data, size, "bmp",
			"BM\0\0\0\0\0\0\0\0\x36\0\0\0"
			"\x28\0\0\0", 18);
}
