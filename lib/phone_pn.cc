/*
 * phone_pn.cc: the one C++ file of libspoor, a thin shim over Google's
 * libphonenumber (Debian libphonenumber-dev), the numbering plans that
 * Android itself uses.  Exceptions never cross into C.
 */
#include "phone_pn.h"

#include <cstring>
#include <string>

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

static void copy_out(const std::string &s, char *out, size_t size)
{
	size_t n = s.size() < size - 1 ? s.size() : size - 1;

	std::memcpy(out, s.data(), n);
	out[n] = '\0';
}

static enum phone_pn_why why_of(PhoneNumberUtil::ErrorType e)
{
	switch (e) {
	case PhoneNumberUtil::NO_PARSING_ERROR:
		return PHONE_PN_VALID;
	case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
		return PHONE_PN_BAD_COUNTRY;
	case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
	case PhoneNumberUtil::TOO_SHORT_NSN:
		return PHONE_PN_TOO_SHORT;
	case PhoneNumberUtil::TOO_LONG_NSN:
		return PHONE_PN_TOO_LONG;
	default:
		return PHONE_PN_NOT_A_NUMBER;
	}
}

static enum phone_pn_why why_invalid(const PhoneNumberUtil *u,
				     const PhoneNumber &pn)
{
	switch (u->IsPossibleNumberWithReason(pn)) {
	case PhoneNumberUtil::INVALID_COUNTRY_CODE:
		return PHONE_PN_BAD_COUNTRY;
	case PhoneNumberUtil::TOO_SHORT:
	case PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY:
		return PHONE_PN_TOO_SHORT;
	case PhoneNumberUtil::TOO_LONG:
		return PHONE_PN_TOO_LONG;
	default:
		return PHONE_PN_INVALID;
	}
}

extern "C" enum phone_pn_why
phone_pn_parse(const char *number, int default_cc, char *e164,
	       size_t e164_size, char *region, size_t region_size,
	       int *calling_code)
{
	e164[0] = '\0';
	region[0] = '\0';
	*calling_code = 0;
	try {
		const PhoneNumberUtil *u = PhoneNumberUtil::GetInstance();
		std::string reg = "ZZ", out;
		PhoneNumber pn;
		PhoneNumberUtil::ErrorType e;

		if (default_cc > 0)
			u->GetRegionCodeForCountryCode(default_cc, &reg);
		e = u->Parse(number, reg, &pn);
		if (e == PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR &&
		    reg == "ZZ" && number[0] != '+')
			return PHONE_PN_NO_REGION;
		if (e != PhoneNumberUtil::NO_PARSING_ERROR)
			return why_of(e);
		if (!u->IsValidNumber(pn))
			return why_invalid(u, pn);
		u->Format(pn, PhoneNumberUtil::E164, &out);
		copy_out(out, e164, e164_size);
		u->GetRegionCodeForNumber(pn, &reg);
		copy_out(reg == "ZZ" || reg == "001" ? "" : reg, region,
			 region_size);
		*calling_code = pn.country_code();
		return PHONE_PN_VALID;
	} catch (...) {
		return PHONE_PN_ERROR;
	}
}
