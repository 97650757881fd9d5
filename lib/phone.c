/*
 * phone.c: phone numbers to E.164 by the numbering plan of their region
 * (libphonenumber, through lib/phone_pn.cc).  The stored string is always
 * kept beside the result by the callers: normalising is for linking
 * numbers across sources, never a replacement of the evidence.
 *
 * This file only reduces the many spellings of one number to the ASCII
 * that libphonenumber reads: separators of every kind (no-break and
 * narrow spaces, non-breaking hyphens, full-width brackets), full-width
 * and Arabic-Indic digits, direction marks, "tel:" and the server part
 * of a WhatsApp JID.  Everything about prefixes, trunk zeros and valid
 * lengths is the library's.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"
#include "phone_pn.h"

#define PHONE_IN_MAX 128	/* ASCII bytes handed to the library */

/* The code point at *p (advancing it), or -1 for a bad byte. */
static long next_cp(const char **p, const char *end)
{
	const unsigned char *s = (const unsigned char *)*p;
	size_t n = spoor_utf8_seq(*p, (size_t)(end - *p));
	long cp;

	if (!n)
		return -1;
	*p += n;
	if (n == 1)
		return s[0];
	cp = s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++)
		cp = cp << 6 | (s[i] & 0x3f);
	return cp;
}

/* What one code point is in a phone number: a digit or '+' (returned),
 * a separator (' '), invisible (0), or not part of a number (-1). */
static int phone_char(long cp)
{
	if (cp >= '0' && cp <= '9')
		return (int)cp;
	if (cp >= 0xff10 && cp <= 0xff19)	/* full-width digits */
		return (int)('0' + cp - 0xff10);
	if (cp >= 0x660 && cp <= 0x669)		/* Arabic-Indic */
		return (int)('0' + cp - 0x660);
	if (cp >= 0x6f0 && cp <= 0x6f9)		/* Eastern Arabic-Indic */
		return (int)('0' + cp - 0x6f0);
	if (cp == '+' || cp == 0xff0b)
		return '+';
	if (cp == '(' || cp == 0xff08)
		return '(';
	if (cp == ')' || cp == 0xff09)
		return ')';
	if (cp == ' ' || cp == '\t' || cp == '-' || cp == '.' || cp == '/' ||
	    cp == '[' || cp == ']' || cp == 0xa0 ||
	    (cp >= 0x2000 && cp <= 0x200a) ||	/* spaces */
	    (cp >= 0x2010 && cp <= 0x2015) ||	/* hyphens, dashes */
	    cp == 0x202f || cp == 0x205f || cp == 0x3000 || cp == 0x2212 ||
	    cp == 0xff0d || cp == 0xff0e || cp == 0xff0f || cp == 0x30fc)
		return ' ';
	if ((cp >= 0x200b && cp <= 0x200f) ||	/* zero width, LRM, RLM */
	    (cp >= 0x202a && cp <= 0x202e) ||	/* embeddings */
	    (cp >= 0x2060 && cp <= 0x2069) ||	/* isolates, joiners */
	    cp == 0xfeff || cp == 0xad)
		return 0;
	return -1;
}

/* The end of the number part of raw: before "@s.whatsapp.net" (a
 * phone JID), or NULL when raw is a JID of another kind (@lid, @g.us,
 * @broadcast: not a phone number). */
static const char *number_end(const char *raw, const char *end)
{
	const char *at = memchr(raw, '@', (size_t)(end - raw));
	size_t n;

	if (!at)
		return end;
	n = (size_t)(end - at - 1);
	if ((n == 14 && !memcmp(at + 1, "s.whatsapp.net", 14)) ||
	    (n == 12 && !memcmp(at + 1, "whatsapp.net", 12)) ||
	    (n == 4 && !memcmp(at + 1, "c.us", 4)))
		return at;
	return NULL;
}

/* raw reduced to ASCII digits, '+', '(', ')' and spaces; false when it
 * is not a phone number. */
static bool ascii_number(const char *raw, char *out, size_t size)
{
	const char *p = raw, *end = raw + strlen(raw);
	size_t n = 0, digits = 0;

	if (end - p >= 4 && !strncasecmp(p, "tel:", 4))
		p += 4;
	if (!(end = number_end(p, end)))
		return false;
	while (p < end) {
		long cp = next_cp(&p, end);
		int c = cp < 0 ? -1 : phone_char(cp);

		if (c < 0 || n + 2 > size)
			return false;
		if (!c || (c == ' ' && (!n || out[n - 1] == ' ')))
			continue;
		if (c == '+' && digits)
			return false;	/* "+" inside: not one number */
		digits += c >= '0' && c <= '9';
		out[n++] = (char)c;
	}
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	return digits > 0;
}

static const char *why_text(enum phone_pn_why w)
{
	switch (w) {
	case PHONE_PN_VALID:
		return NULL;
	case PHONE_PN_BAD_COUNTRY:
		return "no such country calling code";
	case PHONE_PN_TOO_SHORT:
		return "too short for its numbering plan";
	case PHONE_PN_TOO_LONG:
		return "too long for its numbering plan";
	case PHONE_PN_INVALID:
		return "not a valid number of its numbering plan";
	case PHONE_PN_NO_REGION:
		return "national number and no country calling code";
	case PHONE_PN_ERROR:
		return "the numbering-plan library failed";
	default:
		return "not a phone number";
	}
}

/* "31" -> 31; 0 for anything that is not 1-3 digits. */
static int calling_code(const char *cc)
{
	int v = 0;

	if (!cc || !*cc || strlen(cc) > 3)
		return 0;
	for (const char *p = cc; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (*p - '0');
	}
	return v;
}

int spoor_phone_parse(const char *raw, const char *default_cc,
		      struct spoor_phone *out)
{
	char num[PHONE_IN_MAX + 1];
	enum phone_pn_why w;
	int cc = calling_code(default_cc);

	memset(out, 0, sizeof(*out));
	if (default_cc && !cc) {
		out->why = "invalid default country calling code";
		return SPOOR_EINVAL;
	}
	if (!raw || !ascii_number(raw, num + 1, sizeof(num) - 1)) {
		out->why = why_text(PHONE_PN_NOT_A_NUMBER);
		return SPOOR_EFORMAT;
	}
	out->numeric = true;
	/* without a default, digits are an international number whose
	 * prefix was left off (a WhatsApp JID, a stored E.164) */
	num[0] = '+';
	w = phone_pn_parse(!cc && num[1] != '+' ? num : num + 1, cc,
			   out->e164, sizeof(out->e164), out->region,
			   sizeof(out->region), &out->calling_code);
	out->why = why_text(w);
	return w == PHONE_PN_VALID ? 0 : SPOOR_EFORMAT;
}

int spoor_phone_e164(const char *raw, const char *default_cc, char *out,
		     size_t size)
{
	struct spoor_phone ph;
	int rc = spoor_phone_parse(raw, default_cc, &ph);

	if (size)
		out[0] = '\0';
	if (rc)
		return rc;
	if (strlen(ph.e164) >= size)
		return SPOOR_EFORMAT;
	memcpy(out, ph.e164, strlen(ph.e164) + 1);
	return 0;
}

/* ---- a small cache: chats repeat the same few numbers ---- */

#define PHONE_CACHE_SLOTS 16384	/* direct-mapped, a power of two */
#define PHONE_KEY_MAX 64

struct phone_slot {
	char key[PHONE_KEY_MAX + 4];	/* cc '\0' raw, "" when empty */
	size_t keylen;
	int rc;
	struct spoor_phone ph;
};

struct phone_cache {
	struct phone_slot slot[PHONE_CACHE_SLOTS];
};

struct phone_cache *phone_cache_new(void)
{
	return calloc(1, sizeof(struct phone_cache));
}

void phone_cache_free(struct phone_cache *c)
{
	free(c);
}

int phone_cache_parse(struct phone_cache *c, const char *raw,
		      const char *default_cc, struct spoor_phone *out)
{
	char key[PHONE_KEY_MAX + 4];
	size_t cl = default_cc ? strlen(default_cc) : 0, rl, kl;
	uint32_t h = 2166136261u;
	struct phone_slot *s;

	if (!c || !raw || cl > 3 || (rl = strlen(raw)) > PHONE_KEY_MAX)
		return spoor_phone_parse(raw, default_cc, out);
	memcpy(key, default_cc ? default_cc : "-", cl ? cl : 1);
	kl = cl ? cl : 1;
	key[kl++] = '\0';
	memcpy(key + kl, raw, rl);
	kl += rl;
	for (size_t i = 0; i < kl; i++)
		h = (h ^ (unsigned char)key[i]) * 16777619u;
	s = &c->slot[h & (PHONE_CACHE_SLOTS - 1)];
	if (s->keylen != kl || memcmp(s->key, key, kl)) {
		s->rc = spoor_phone_parse(raw, default_cc, &s->ph);
		memcpy(s->key, key, kl);
		s->keylen = kl;
	}
	*out = s->ph;
	return s->rc;
}
