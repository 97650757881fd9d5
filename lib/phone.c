/*
 * phone.c: phone numbers to E.164.  The stored string is always kept
 * beside the result by the callers: normalising is for linking numbers
 * across sources, never a replacement of the evidence.
 */
#include "internal.h"

#include <ctype.h>
#include <string.h>

#include "banned.h"

int spoor_phone_e164(const char *raw, const char *default_cc, char *out,
		     size_t size)
{
	char digits[32];
	size_t n = 0, cc = 0;
	const char *p = raw;
	bool plus = false;

	if (size)
		out[0] = '\0';
	if (!raw || size < 2)
		return SPOOR_EFORMAT;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '+') {
		plus = true;
		p++;
	}
	for (; *p; p++) {
		if (isdigit((unsigned char)*p)) {
			if (n + 1 >= sizeof(digits))
				return SPOOR_EFORMAT;
			digits[n++] = *p;
		} else if (!strchr(" -.()/\t", *p)) {
			/* letters: an alphanumeric sender or a JID tail */
			if (*p == '@')
				break;
			return SPOOR_EFORMAT;
		}
	}
	digits[n] = '\0';
	p = digits;
	if (!plus && n > 2 && digits[0] == '0' && digits[1] == '0') {
		p += 2;		/* international prefix 00 */
		n -= 2;
	} else if (!plus && n > 1 && digits[0] == '0') {
		if (!default_cc || !*default_cc)
			return SPOOR_EFORMAT;
		cc = strlen(default_cc);
		p++;		/* trunk prefix 0 */
		n--;
	} else if (!plus && default_cc && *default_cc && n < 10) {
		return SPOOR_EFORMAT;	/* a short code, not a number */
	}
	if (cc + n < 7 || cc + n > 15 || *p == '0')
		return SPOOR_EFORMAT;
	if (1 + cc + n + 1 > size)
		return SPOOR_EFORMAT;
	out[0] = '+';
	memcpy(out + 1, default_cc ? default_cc : "", cc);
	memcpy(out + 1 + cc, p, n);
	out[1 + cc + n] = '\0';
	return 0;
}
