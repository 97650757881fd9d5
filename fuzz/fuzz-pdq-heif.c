/*
 * fuzz-pdq-heif: PDQ of a hostile heif picture through libheif
 * (spoor_pdq_picture, lib/picture.c): an error, never a crash.
 */
#include "pdqfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return pdq_fuzz(data, size, "heif",
			"\0\0\0\x18" "ftypheic\0\0\0\0mif1heic", 24);
}
