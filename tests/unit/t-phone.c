/*
 * t-phone: phone numbers to E.164 by numbering plan.  The expected
 * values are hand-checked against the public numbering plans (ITU-T
 * E.164 country codes; national plans: NL ACM, BE BIPT, DE BNetzA,
 * UK Ofcom, NANP, BR Anatel, IT AGCOM, TR BTK, MA ANRT, PL UKE), not
 * taken from the code: a mobile or fixed number of each country, written
 * every way it turns up in evidence.
 */
#include <stdio.h>
#include <string.h>

#include "spoor.h"
#include "tap.h"

struct plan {
	const char *cc;		/* the analyst's --cc */
	const char *idd;	/* the international prefix dialled there */
	const char *trunk;	/* "0", or "" where the plan has none */
	const char *nsn;	/* national significant number, in groups */
	const char *e164;	/* hand-checked */
};

static const struct plan plans[] = {
	{ "31", "00", "0", "6 12 34 56 78", "+31612345678" },	/* NL mob */
	{ "31", "00", "0", "20 123 4567", "+31201234567" },	/* Amsterdam */
	{ "32", "00", "0", "470 12 34 56", "+32470123456" },	/* BE mob */
	{ "49", "00", "0", "151 2345 6789", "+4915123456789" },	/* DE mob */
	{ "44", "00", "0", "7400 123456", "+447400123456" },	/* UK mob */
	{ "1", "011", "", "209 598 1933", "+12095981933" },	/* US */
	/* BR mobile; the IDD carries a carrier code */
	{ "55", "0021", "0", "11 99168 9446", "+5511991689446" },
	{ "39", "00", "", "06 1234567", "+39061234567" },	/* Rome */
	{ "39", "00", "", "312 345 6789", "+393123456789" },	/* IT mob */
	{ "90", "00", "0", "532 123 45 67", "+905321234567" },	/* TR mob */
	{ "212", "00", "0", "612 345678", "+212612345678" },	/* MA mob */
	{ "48", "00", "", "512 345 678", "+48512345678" },	/* PL mob */
};

/* s with every space replaced by sep. */
static void with_sep(const char *s, const char *sep, char *out, size_t n)
{
	size_t k = 0;

	for (; *s && k + strlen(sep) + 1 < n; s++) {
		if (*s == ' ') {
			memcpy(out + k, sep, strlen(sep));
			k += strlen(sep);
		} else {
			out[k++] = *s;
		}
	}
	out[k] = '\0';
}

/* Digits as full-width digits (U+FF10..), other bytes as they are. */
static void full_width(const char *s, char *out, size_t n)
{
	size_t k = 0;

	for (; *s && k + 4 < n; s++) {
		if (*s >= '0' && *s <= '9') {
			out[k++] = (char)0xef;
			out[k++] = (char)0xbc;
			out[k++] = (char)(0x90 + (*s - '0'));
		} else {
			out[k++] = *s;
		}
	}
	out[k] = '\0';
}

static void expect(const char *raw, const char *cc, const char *want,
		   const char *what)
{
	struct spoor_phone ph;
	int rc = spoor_phone_parse(raw, cc, &ph);

	if (!is_str(rc ? "" : ph.e164, want, what))
		diag("raw '%s' cc %s: %s", raw, cc ? cc : "NULL",
		     ph.why ? ph.why : "valid");
}

static void check_plan(const struct plan *p)
{
	char nat[128], buf[256], name[512], intl[128];
	const char *digits_start = p->e164 + 1 + strlen(p->cc);

	snprintf(nat, sizeof(nat), "%s%s", p->trunk, p->nsn);
	snprintf(name, sizeof(name), "+%s national '%s'", p->cc, nat);
	expect(nat, p->cc, p->e164, name);

	with_sep(nat, "", buf, sizeof(buf));
	snprintf(name, sizeof(name), "+%s national, no spaces", p->cc);
	expect(buf, p->cc, p->e164, name);

	with_sep(nat, "-", buf, sizeof(buf));
	snprintf(name, sizeof(name), "+%s national with dashes", p->cc);
	expect(buf, p->cc, p->e164, name);

	with_sep(nat, ".", buf, sizeof(buf));
	snprintf(name, sizeof(name), "+%s national with dots", p->cc);
	expect(buf, p->cc, p->e164, name);

	with_sep(nat, "\xc2\xa0", buf, sizeof(buf));
	snprintf(name, sizeof(name), "+%s national, U+00A0 spaces", p->cc);
	expect(buf, p->cc, p->e164, name);

	with_sep(nat, "\xe2\x80\xaf", buf, sizeof(buf));
	snprintf(name, sizeof(name), "+%s national, U+202F spaces", p->cc);
	expect(buf, p->cc, p->e164, name);

	with_sep(nat, "\xe2\x80\x91", buf, sizeof(buf));
	snprintf(name, sizeof(name), "+%s national, U+2011 hyphens", p->cc);
	expect(buf, p->cc, p->e164, name);

	full_width(nat, buf, sizeof(buf));
	snprintf(name, sizeof(name), "+%s national, full-width digits",
		 p->cc);
	expect(buf, p->cc, p->e164, name);

	/* the area code in brackets: "(0)20 ...", "(209) 598-1933" */
	{
		const char *sp = strchr(nat, ' ');

		snprintf(buf, sizeof(buf), "(%.*s) %s", (int)(sp - nat), nat,
			 sp + 1);
		snprintf(name, sizeof(name), "+%s '%s'", p->cc, buf);
		expect(buf, p->cc, p->e164, name);
	}

	snprintf(intl, sizeof(intl), "+%s %s", p->cc, p->nsn);
	snprintf(name, sizeof(name), "+%s international '%s'", p->cc, intl);
	expect(intl, p->cc, p->e164, name);
	snprintf(name, sizeof(name), "+%s international, other --cc",
		 p->cc);
	expect(intl, strcmp(p->cc, "31") ? "31" : "49", p->e164, name);
	snprintf(name, sizeof(name), "+%s international, no --cc", p->cc);
	expect(intl, NULL, p->e164, name);

	snprintf(buf, sizeof(buf), "%s%s %s", p->idd, p->cc, p->nsn);
	snprintf(name, sizeof(name), "+%s with IDD '%s'", p->cc, buf);
	expect(buf, p->cc, p->e164, name);

	if (*p->trunk) {
		snprintf(buf, sizeof(buf), "+%s (0)%s", p->cc, p->nsn);
		snprintf(name, sizeof(name), "+%s '%s' (vCard trunk form)",
			 p->cc, buf);
		expect(buf, p->cc, p->e164, name);
	}

	snprintf(buf, sizeof(buf), "%s%s@s.whatsapp.net", p->cc,
		 digits_start);
	snprintf(name, sizeof(name), "+%s WhatsApp JID", p->cc);
	expect(buf, NULL, p->e164, name);

	snprintf(buf, sizeof(buf), "\xe2\x80\xaa+%s %s\xe2\x80\xac", p->cc,
		 p->nsn);
	snprintf(name, sizeof(name), "+%s between direction marks", p->cc);
	expect(buf, p->cc, p->e164, name);
}

static const struct {
	const char *raw, *cc;
} not_numbers[] = {
	{ "Vodafone", "31" },
	{ "Mark", "31" },
	{ "1234", "31" },		/* a short code */
	{ "+2095981933", "1" },		/* +20: Egypt, no such number */
	{ "210987654321012@lid", NULL },	/* a WhatsApp LID */
	{ "31612345678-1577977022@g.us", NULL },	/* a group */
	{ "", "31" },
	{ "+", "31" },
	{ "0612345678", NULL },		/* national, no calling code */
	{ "06 1234 5678 9012 3456 7890", "31" },
	{ "+31 6 12345678 +31 6 87654321", "31" },
	{ "\xff\xfe", "31" },
	{ "06\x01" "12345678", "31" },
};

int main(void)
{
	struct spoor_phone ph;
	char out[32];

	for (size_t i = 0; i < sizeof(plans) / sizeof(plans[0]); i++)
		check_plan(&plans[i]);
	/* the cases */
	expect("(209) 598-1933", "1", "+12095981933", "US (209) 598-1933");
	expect("06 1234567", "39", "+39061234567", "IT 06 1234567");
	expect("+31 (0)6 12345678", "31", "+31612345678",
	       "vCard +31 (0)6 12345678");
	expect("612345678", "31", "+31612345678", "NL without trunk 0");
	expect("11991689446", "55", "+5511991689446", "BR without trunk");
	expect("tel:+31-6-12345678", "31", "+31612345678", "tel: URI");
	for (size_t i = 0; i < sizeof(not_numbers) / sizeof(not_numbers[0]);
	     i++) {
		int rc = spoor_phone_parse(not_numbers[i].raw,
					   not_numbers[i].cc, &ph);

		ok(rc == SPOOR_EFORMAT && !ph.e164[0] && ph.why,
		   "not a valid number: '%s' (%s)", not_numbers[i].raw,
		   ph.why ? ph.why : "?");
	}
	ok(spoor_phone_parse("0612345678", "x1", &ph) == SPOOR_EINVAL,
	   "a --cc that is not digits is refused");
	ok(spoor_phone_parse(NULL, "31", &ph) == SPOOR_EFORMAT,
	   "NULL is not a number");
	is_str(spoor_phone_parse("06 12345678", "31", &ph) ? "" : ph.region,
	       "NL", "the region of a valid number");
	ok(spoor_phone_e164("06 12345678", "31", out, sizeof(out)) == 0 &&
	   !strcmp(out, "+31612345678"), "spoor_phone_e164 wraps it");
	ok(spoor_phone_e164("06 12345678", "31", out, 8) == SPOOR_EFORMAT &&
	   !out[0], "spoor_phone_e164: too small a buffer");
	return done_testing();
}
