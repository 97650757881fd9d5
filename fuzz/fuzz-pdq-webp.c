/*
 * fuzz-pdq-webp: PDQ of a hostile webp picture through libwebp/libwebpdemux
 * (spoor_pdq_picture, lib/picture.c): an error, never a crash.
 */
#include "pdqfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return pdq_fuzz(data, size, "webp",
			"RIFF\0\0\0\0WEBP", 12);
}
