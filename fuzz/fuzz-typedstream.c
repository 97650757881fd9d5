/*
 * fuzz-typedstream: the NSArchiver "streamtyped" decoder that ios-sms
 * uses for attributedBody when text is NULL (plugins/ios-util.h, a pure
 * function on bytes).  The text it returns must lie inside the input.
 */
#include "fuzz.h"
#include "ios-util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = NULL;
	size_t len = 0;
	int rc = ios_typedstream_text(data, size, &text, &len);

	if (rc == 0 && text) {
		if ((const uint8_t *)text < data ||
		    (const uint8_t *)text + len > data + size)
			abort();	/* text outside the input */
		fz_touch(text, len);
	} else if (rc == 0 && len) {
		abort();	/* a length without text */
	}
	return 0;
}
