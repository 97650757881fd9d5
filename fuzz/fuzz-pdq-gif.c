/*
 * fuzz-pdq-gif: PDQ of a hostile gif picture through giflib
 * (spoor_pdq_picture, lib/picture.c): an error, never a crash.
 */
#include "pdqfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return pdq_fuzz(data, size, "gif", "GIF89a", 6);
}
