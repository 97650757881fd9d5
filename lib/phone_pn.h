/*
 * phone_pn.h: the C side of the libphonenumber shim (lib/phone_pn.cc).
 * Private to lib/phone.c; nothing C++ reaches spoor.h.
 */
#ifndef SPOOR_PHONE_PN_H
#define SPOOR_PHONE_PN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Why a number is not valid, as phone_pn_parse reports it. */
enum phone_pn_why {
	PHONE_PN_VALID = 0,
	PHONE_PN_NOT_A_NUMBER,
	PHONE_PN_BAD_COUNTRY,
	PHONE_PN_TOO_SHORT,
	PHONE_PN_TOO_LONG,
	PHONE_PN_INVALID,	/* a possible length, but no such number */
	PHONE_PN_NO_REGION,	/* a national number and no default cc */
	PHONE_PN_ERROR,		/* the library threw (out of memory) */
};

/*
 * Parse number (ASCII: digits, '+', spaces and ASCII punctuation only)
 * with the numbering plan of calling code default_cc (0: the number must
 * be international, starting with '+').  Fills e164 (at least 20 bytes),
 * region (at least 4 bytes, "" for a non-geographic code) and the
 * number's calling code when it is valid.
 */
enum phone_pn_why phone_pn_parse(const char *number, int default_cc,
				 char *e164, size_t e164_size, char *region,
				 size_t region_size, int *calling_code);

#ifdef __cplusplus
}
#endif
#endif
