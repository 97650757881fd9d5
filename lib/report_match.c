/*
 * report_match.c: the reporter's identifiers in every written form.
 *
 * Evidence and the bundle spell one identifier many ways: a phone number
 * with or without country code, "00", "+", trunk "0" or "(0)", grouped
 * by spaces, dots, dashes, brackets, no-break spaces or non-breaking
 * hyphens, in full-width digits, inside a JID; a name in any case, with
 * or without diacritics, composed or decomposed, with doubled spaces; an
 * e-mail address in any case; and any of these percent-, entity- or
 * \u-encoded, in hex or base64 fields, or in UTF-16.  The matcher reads
 * text as a sequence of code points ("units"), each with the byte span
 * it came from, so a hit can be replaced or reported at its offset:
 *
 *   decode  %XX, &#NN; &#xHH; &name;, \uXXXX, UTF-8 (or UTF-16LE/BE)
 *   phones  digits by value, separators transparent inside a number,
 *           a number never matched inside a longer run of digits
 *   names   NFD + Unicode case folding + marks stripped (utf8proc),
 *           whitespace collapsed, matched on word boundaries
 *
 * Hex and base64 runs are decoded and scanned in turn; a hit makes the
 * whole run a hit.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <utf8proc.h>

#include "banned.h"

#define RM_CHUNK ((size_t)1 << 20)	/* bytes scanned at a time */
#define RM_OVERLAP ((size_t)16 << 10)	/* longer than any written hit */
#define RM_MAX_FORMS 8
#define RM_RUN_MIN 16			/* hex/base64 runs worth decoding */

struct rm_phone {
	char forms[RM_MAX_FORMS][24];	/* digit strings, longest first */
	size_t nforms;
};

struct rm_pat {
	int32_t *cp;			/* folded code points */
	size_t n;
	int kind;			/* RM_NAME, RM_EMAIL, RM_PART */
	size_t id;			/* index among the identifiers */
};

struct report_matcher {
	struct rm_phone *phones;
	size_t nphones;
	struct rm_pat *pats;
	size_t npats;
};

struct unit {
	int32_t cp;
	uint32_t start, end;		/* bytes of the chunk */
};

struct units {
	struct unit *u;
	size_t n, cap;
};

/* ---- building ---- */

struct report_matcher *report_matcher_new(void)
{
	return calloc(1, sizeof(struct report_matcher));
}

void report_matcher_free(struct report_matcher *m)
{
	if (!m)
		return;
	if (m->phones)
		OPENSSL_cleanse(m->phones, m->nphones * sizeof(*m->phones));
	free(m->phones);
	for (size_t i = 0; i < m->npats; i++) {
		OPENSSL_cleanse(m->pats[i].cp, m->pats[i].n * sizeof(int32_t));
		free(m->pats[i].cp);
	}
	free(m->pats);
	free(m);
}

int report_matcher_add_phone(struct report_matcher *m,
			     const struct spoor_phone *ph)
{
	char cc[12], nsn[20];
	struct rm_phone *p;
	size_t ccl;

	if (!ph->e164[0] || ph->calling_code <= 0)
		return SPOOR_EINVAL;
	snprintf(cc, sizeof(cc), "%d", ph->calling_code);
	ccl = strlen(cc);
	if (strncmp(ph->e164 + 1, cc, ccl) ||
	    strlen(ph->e164 + 1 + ccl) >= sizeof(nsn))
		return SPOOR_EINVAL;
	spoor_strlcpy(nsn, ph->e164 + 1 + ccl, sizeof(nsn));
	p = realloc(m->phones, (m->nphones + 1) * sizeof(*p));
	if (!p)
		return SPOOR_ENOMEM;
	m->phones = p;
	p = &p[m->nphones++];
	memset(p, 0, sizeof(*p));
	/* every way the number is dialled or stored: international with
	 * the prefixes of most plans (00, 011), with the trunk "(0)"
	 * people leave in, national with and without the trunk 0 */
	snprintf(p->forms[0], 24, "00%s0%s", cc, nsn);
	snprintf(p->forms[1], 24, "011%s%s", cc, nsn);
	snprintf(p->forms[2], 24, "00%s%s", cc, nsn);
	snprintf(p->forms[3], 24, "%s0%s", cc, nsn);
	snprintf(p->forms[4], 24, "%s%s", cc, nsn);
	snprintf(p->forms[5], 24, "0%s", nsn);
	snprintf(p->forms[6], 24, "%s", nsn);
	p->nforms = 7;
	return 0;
}

static bool is_space_cp(int32_t c)
{
	if (c == ' ' || (c >= 9 && c <= 13) || c == 0x85 || c == 0x2028 ||
	    c == 0x2029)
		return true;
	return c >= 0 && utf8proc_category(c) == UTF8PROC_CATEGORY_ZS;
}

static bool is_invisible_cp(int32_t c)
{
	return (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2060 && c <= 0x2069) || c == 0xfeff || c == 0xad;
}

static bool is_alnum_cp(int32_t c)
{
	utf8proc_category_t k;

	if (c < 0)
		return false;
	k = utf8proc_category(c);
	return (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO) ||
	       (k >= UTF8PROC_CATEGORY_ND && k <= UTF8PROC_CATEGORY_NO) ||
	       (k >= UTF8PROC_CATEGORY_MN && k <= UTF8PROC_CATEGORY_ME);
}

/* ---- the decoding layer ---- */

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
	       c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static bool units_push(struct units *u, int32_t cp, size_t start,
		       size_t end)
{
	if (spoor_grow(&u->u, &u->cap, u->n, sizeof(*u->u)))
		return false;
	u->u[u->n++] = (struct unit){ cp, (uint32_t)start, (uint32_t)end };
	return true;
}

/* "%C3%A7": percent-encoded UTF-8 at s[i]; 0 when it is not. */
static size_t percent_at(const char *s, size_t len, size_t i, int32_t *cp)
{
	unsigned char b[4];
	size_t n = 0, need = 1, j = i;

	while (n < need && j + 2 < len + 0 && s[j] == '%' &&
	       hexval(s[j + 1]) >= 0 && hexval(s[j + 2]) >= 0) {
		b[n] = (unsigned char)(hexval(s[j + 1]) * 16 +
				       hexval(s[j + 2]));
		if (!n)
			need = b[0] < 0x80 ? 1 : (b[0] & 0xe0) == 0xc0 ? 2 :
			       (b[0] & 0xf0) == 0xe0 ? 3 :
			       (b[0] & 0xf8) == 0xf0 ? 4 : 0;
		if (!need)
			return 0;
		n++;
		j += 3;
	}
	if (n != need || utf8proc_iterate(b, (utf8proc_ssize_t)n, cp) !=
	    (utf8proc_ssize_t)n)
		return 0;
	return j - i;
}

static const struct {
	const char *name;
	int32_t cp;
} entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "nbsp", 0xa0 }, { "commat", '@' },
	{ "period", '.' }, { "plus", '+' }, { "lpar", '(' }, { "rpar", ')' },
	{ "hyphen", 0x2010 }, { "dash", 0x2010 }, { "colon", ':' },
	{ "num", '#' }, { "percnt", '%' }, { "sol", '/' },
};

/* "&#64;", "&#x40;", "&commat;": an HTML/XML reference at s[i]. */
static size_t entity_at(const char *s, size_t len, size_t i, int32_t *cp)
{
	size_t j = i + 1;
	int64_t v = 0;

	if (j < len && s[j] == '#') {
		bool hex = j + 1 < len && (s[j + 1] == 'x' || s[j + 1] == 'X');
		size_t d = 0;

		j += hex ? 2 : 1;
		for (; j < len && d < 8 && (hex ? hexval(s[j]) >= 0 :
					   s[j] >= '0' && s[j] <= '9'); j++, d++)
			v = v * (hex ? 16 : 10) + hexval(s[j]);
		if (!d || j >= len || s[j] != ';' ||
		    !utf8proc_codepoint_valid((utf8proc_int32_t)v))
			return 0;
		*cp = (int32_t)v;
		return j + 1 - i;
	}
	for (size_t k = 0; k < ARRAY_SIZE(entities); k++) {
		size_t n = strlen(entities[k].name);

		if (j + n < len && !memcmp(s + j, entities[k].name, n) &&
		    s[j + n] == ';') {
			*cp = entities[k].cp;
			return n + 2;
		}
	}
	return 0;
}

static int32_t hex4(const char *s)
{
	int32_t v = 0;

	for (int k = 0; k < 4; k++) {
		if (hexval(s[k]) < 0)
			return -1;
		v = v * 16 + hexval(s[k]);
	}
	return v;
}

/* "\u00e7", "\ud83d\ude0a": a JSON/JavaScript escape at s[i]. */
static size_t uescape_at(const char *s, size_t len, size_t i, int32_t *cp)
{
	int32_t a, b;

	if (i + 6 > len || s[i + 1] != 'u' || (a = hex4(s + i + 2)) < 0)
		return 0;
	if (a >= 0xd800 && a < 0xdc00) {
		if (i + 12 > len || s[i + 6] != '\\' || s[i + 7] != 'u' ||
		    (b = hex4(s + i + 8)) < 0xdc00 || b > 0xdfff)
			return 0;
		*cp = 0x10000 + ((a - 0xd800) << 10) + (b - 0xdc00);
		return 12;
	}
	if (a >= 0xdc00 && a <= 0xdfff)
		return 0;
	*cp = a;
	return 6;
}

/* Text (UTF-8 with its encodings) as units. */
static bool decode_utf8(const char *s, size_t len, struct units *u)
{
	for (size_t i = 0; i < len;) {
		int32_t cp = -1;
		size_t n = 0;

		if (s[i] == '%')
			n = percent_at(s, len, i, &cp);
		else if (s[i] == '&')
			n = entity_at(s, len, i, &cp);
		else if (s[i] == '\\')
			n = uescape_at(s, len, i, &cp);
		if (!n) {
			n = spoor_utf8_seq(s + i, len - i);
			if (n)
				utf8proc_iterate((const utf8proc_uint8_t *)s +
						 i, (utf8proc_ssize_t)n, &cp);
			else {
				cp = 0xfffd;	/* not text: a break */
				n = 1;
			}
		}
		if (!units_push(u, cp, i, i + n))
			return false;
		i += n;
	}
	return true;
}

static bool decode_utf16(const char *s, size_t len, bool be,
			 struct units *u)
{
	const unsigned char *b = (const unsigned char *)s;

	for (size_t i = 0; i + 1 < len;) {
		int32_t a = be ? b[i] << 8 | b[i + 1] : b[i + 1] << 8 | b[i];
		size_t n = 2;

		if (a >= 0xd800 && a < 0xdc00 && i + 3 < len) {
			int32_t c = be ? b[i + 2] << 8 | b[i + 3] :
					 b[i + 3] << 8 | b[i + 2];

			if (c >= 0xdc00 && c <= 0xdfff) {
				a = 0x10000 + ((a - 0xd800) << 10) +
				    (c - 0xdc00);
				n = 4;
			}
		}
		if (a >= 0xd800 && a <= 0xdfff)
			a = 0xfffd;
		if (!units_push(u, a, i, i + n))
			return false;
		i += n;
	}
	return true;
}

/* Names and e-mails compare folded: NFD, case folded, marks stripped,
 * invisible marks dropped, whitespace one space. */
static bool fold(const struct units *in, struct units *out)
{
	for (size_t i = 0; i < in->n; i++) {
		const struct unit *x = &in->u[i];
		utf8proc_int32_t buf[16];
		int boundclass = 0;
		utf8proc_ssize_t k;

		if (is_invisible_cp(x->cp))
			continue;
		if (is_space_cp(x->cp)) {
			if (out->n && out->u[out->n - 1].cp == ' ') {
				out->u[out->n - 1].end = x->end;
				continue;
			}
			if (!units_push(out, ' ', x->start, x->end))
				return false;
			continue;
		}
		k = utf8proc_decompose_char(x->cp, buf, 16, UTF8PROC_DECOMPOSE |
					    UTF8PROC_CASEFOLD |
					    UTF8PROC_STRIPMARK, &boundclass);
		if (k < 0 || k > 16) {
			buf[0] = x->cp;
			k = 1;
		}
		for (utf8proc_ssize_t j = 0; j < k; j++)
			if (!units_push(out, buf[j], x->start, x->end))
				return false;
	}
	return true;
}

int report_matcher_add_text(struct report_matcher *m, const char *s,
			    int kind, size_t id)
{
	struct units raw = { 0 }, f = { 0 };
	struct rm_pat *p;
	size_t a = 0, b;
	int rc = SPOOR_ENOMEM;

	if (!decode_utf8(s, strlen(s), &raw) || !fold(&raw, &f))
		goto out;
	b = f.n;
	while (a < b && f.u[a].cp == ' ')
		a++;
	while (b > a && f.u[b - 1].cp == ' ')
		b--;
	rc = SPOOR_EINVAL;
	if (a == b)
		goto out;
	rc = SPOOR_ENOMEM;
	if (!(p = realloc(m->pats, (m->npats + 1) * sizeof(*p))))
		goto out;
	m->pats = p;
	p = &p[m->npats];
	if (!(p->cp = malloc((b - a) * sizeof(int32_t))))
		goto out;
	for (size_t i = a; i < b; i++)
		p->cp[i - a] = f.u[i].cp;
	p->n = b - a;
	p->kind = kind;
	p->id = id;
	m->npats++;
	rc = 0;
out:
	free(raw.u);
	free(f.u);
	return rc;
}

size_t report_matcher_folded_len(const struct report_matcher *m, size_t i)
{
	return i < m->npats ? m->pats[i].n : 0;
}

/* ---- matching ---- */

static int digit_of(int32_t c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c >= 0xff10 && c <= 0xff19)
		return (int)(c - 0xff10);
	if (c >= 0x660 && c <= 0x669)
		return (int)(c - 0x660);
	if (c >= 0x6f0 && c <= 0x6f9)
		return (int)(c - 0x6f0);
	return -1;
}

/* Inside a written number: spaces, dots, dashes, slashes, brackets of
 * every width, and marks nobody sees. */
static bool transparent(int32_t c)
{
	return c == ' ' || c == '\t' || c == '-' || c == '.' || c == '/' ||
	       c == '(' || c == ')' || c == '[' || c == ']' || c == 0xa0 ||
	       (c >= 0x2000 && c <= 0x200a) || (c >= 0x2010 && c <= 0x2015) ||
	       c == 0x202f || c == 0x205f || c == 0x3000 || c == 0x2212 ||
	       c == 0xff08 || c == 0xff09 || c == 0xff0d || c == 0xff0e ||
	       c == 0xff0f || is_invisible_cp(c);
}

/* The units a form of a number takes from u[i]: 0 when it is not there,
 * or when it runs on into more digits. */
static size_t phone_form_at(const struct units *u, size_t i, const char *f)
{
	size_t j = i;

	if (j < u->n && (u->u[j].cp == '+' || u->u[j].cp == 0xff0b))
		j++;
	for (size_t k = 0; f[k]; k++) {
		while (k && j < u->n && transparent(u->u[j].cp))
			j++;
		if (j >= u->n || digit_of(u->u[j].cp) != f[k] - '0')
			return 0;
		j++;
	}
	if (j < u->n && (digit_of(u->u[j].cp) >= 0 || is_alnum_cp(u->u[j].cp)))
		return 0;	/* runs on into more digits or a word */
	return j - i;
}

static size_t phone_at(const struct report_matcher *m, const struct units *u,
		       size_t i, size_t *id)
{
	size_t best = 0;

	if (i && (digit_of(u->u[i - 1].cp) >= 0 ||
		  is_alnum_cp(u->u[i - 1].cp)))
		return 0;	/* inside a longer run of digits, an IBAN */
	if (digit_of(u->u[i].cp) < 0 && u->u[i].cp != '+' &&
	    u->u[i].cp != 0xff0b)
		return 0;
	for (size_t p = 0; p < m->nphones; p++)
		for (size_t f = 0; f < m->phones[p].nforms; f++) {
			size_t n = phone_form_at(u, i, m->phones[p].forms[f]);

			if (n > best) {
				best = n;
				*id = p;
			}
		}
	return best;
}

static bool memcmp_units(const struct units *f, size_t i,
			 const struct rm_pat *pt)
{
	for (size_t k = 0; k < pt->n; k++)
		if (f->u[i + k].cp != pt->cp[k])
			return true;
	return false;
}

static size_t text_at(const struct report_matcher *m, const struct units *f,
		      size_t i, int *kind, size_t *id)
{
	size_t best = 0;

	if (i && is_alnum_cp(f->u[i - 1].cp))
		return 0;
	for (size_t p = 0; p < m->npats; p++) {
		const struct rm_pat *pt = &m->pats[p];

		if (pt->n <= best || i + pt->n > f->n ||
		    f->u[i].cp != pt->cp[0])
			continue;
		if (memcmp_units(f, i, pt))
			continue;
		if (i + pt->n < f->n && is_alnum_cp(f->u[i + pt->n].cp) &&
		    is_alnum_cp(pt->cp[pt->n - 1]))
			continue;
		best = pt->n;
		*kind = pt->kind;
		*id = pt->id;
	}
	return best;
}

/* ---- hex and base64 runs ---- */

static int b64val(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ?
	       c - 'a' + 26 : c >= '0' && c <= '9' ? c - '0' + 52 :
	       c == '+' || c == '-' ? 62 : c == '/' || c == '_' ? 63 : -1;
}

/* n bytes of hex at s into out (n / 2 bytes). */
static size_t unhex(const char *s, size_t n, unsigned char *out)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		out[i / 2] = (unsigned char)(hexval(s[i]) * 16 +
					     hexval(s[i + 1]));
	return n / 2;
}

static size_t unbase64(const char *s, size_t n, unsigned char *out)
{
	uint32_t acc = 0;
	size_t o = 0;
	int bits = 0;

	for (size_t i = 0; i < n && s[i] != '='; i++) {
		acc = acc << 6 | (uint32_t)b64val(s[i]);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	return o;
}

static int scan_impl(const struct report_matcher *m, const char *s,
		     size_t len, int view, int depth, report_hit_fn *cb,
		     void *ud);

static int found_one(void *ud, const struct report_hit *h)
{
	*(struct report_hit *)ud = *h;
	return 1;
}

/* Does the decoded run hold an identifier (as text or UTF-16)? */
static bool run_holds(const struct report_matcher *m, const unsigned char *d,
		      size_t n, struct report_hit *h)
{
	for (int v = REPORT_VIEW_UTF8; v <= REPORT_VIEW_UTF16BE; v++)
		if (scan_impl(m, (const char *)d, n, v, 1, found_one, h) > 0)
			return true;
	return false;
}

/* Runs of hex (16+ digits, even) and base64 (16+ characters) in
 * s[0..len) whose decoded bytes hold an identifier: added as hits. */
static bool encoded_runs(const struct report_matcher *m, const char *s,
			 size_t len, struct report_hit **hits, size_t *nh,
			 size_t *cap)
{
	unsigned char *dec = NULL;
	size_t deccap = 0;
	bool ok = true;

	for (size_t i = 0; i < len && ok;) {
		size_t h = 0, b = 0, n;
		struct report_hit in;

		if (i && (b64val(s[i - 1]) >= 0 || s[i - 1] == '=')) {
			i++;
			continue;
		}
		while (i + h < len && hexval(s[i + h]) >= 0)
			h++;
		while (i + b < len && b64val(s[i + b]) >= 0)
			b++;
		n = b;
		while (i + n < len && s[i + n] == '=' && n - b < 2)
			n++;
		if (n < RM_RUN_MIN) {
			i += n ? n : 1;
			continue;
		}
		if (deccap < n) {
			free(dec);
			deccap = n;
			if (!(dec = malloc(deccap))) {
				ok = false;
				break;
			}
		}
		if ((h == b && h % 2 == 0 &&
		     run_holds(m, dec, unhex(s + i, h, dec), &in)) ||
		    run_holds(m, dec, unbase64(s + i, n, dec), &in)) {
			if (spoor_grow(hits, cap, *nh, sizeof(**hits)))
				ok = false;
			else
				(*hits)[(*nh)++] = (struct report_hit){
					i, i + n, REPORT_ID_ENCODED, in.id };
		}
		i += n;
	}
	free(dec);
	return ok;
}

/* ---- scanning ---- */

static int by_start(const void *a, const void *b)
{
	const struct report_hit *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end > y->end ? -1 : x->end < y->end;
}

/* The hits of one chunk, offsets relative to it, sorted. */
static bool chunk_hits(const struct report_matcher *m, const char *s,
		       size_t len, int view, int depth,
		       struct report_hit **hits, size_t *nh, size_t *cap)
{
	struct units raw = { 0 }, f = { 0 };
	bool ok = view == REPORT_VIEW_UTF8 ? decode_utf8(s, len, &raw) :
		  decode_utf16(s, len, view == REPORT_VIEW_UTF16BE, &raw);

	*nh = 0;
	for (size_t i = 0; ok && m->nphones && i < raw.n; i++) {
		size_t id = 0, n = phone_at(m, &raw, i, &id);

		if (!n)
			continue;
		if (spoor_grow(hits, cap, *nh, sizeof(**hits)))
			ok = false;
		else
			(*hits)[(*nh)++] = (struct report_hit){
				raw.u[i].start, raw.u[i + n - 1].end,
				REPORT_ID_PHONE, id };
	}
	if (ok && m->npats)
		ok = fold(&raw, &f);
	for (size_t i = 0; ok && i < f.n; i++) {
		int kind = 0;
		size_t id = 0, n = text_at(m, &f, i, &kind, &id);

		if (!n)
			continue;
		if (spoor_grow(hits, cap, *nh, sizeof(**hits)))
			ok = false;
		else
			(*hits)[(*nh)++] = (struct report_hit){
				f.u[i].start, f.u[i + n - 1].end, kind, id };
	}
	if (ok && view == REPORT_VIEW_UTF8 && !depth)
		ok = encoded_runs(m, s, len, hits, nh, cap);
	free(raw.u);
	free(f.u);
	if (ok && *nh > 1)
		qsort(*hits, *nh, sizeof(**hits), by_start);
	return ok;
}

static int scan_impl(const struct report_matcher *m, const char *s,
		     size_t len, int view, int depth, report_hit_fn *cb,
		     void *ud)
{
	struct report_hit *hits = NULL;
	size_t cap = 0, nh = 0, a = 0, count = 0;
	bool stop = false;

	while (a < len && !stop) {
		size_t b = len - a > RM_CHUNK ? a + RM_CHUNK : len;
		size_t e = len - b > RM_OVERLAP ? b + RM_OVERLAP : len;
		size_t pos = a;	/* no hit starts before it */

		if (view != REPORT_VIEW_UTF8 && (e - a) % 2)
			e--;
		if (!chunk_hits(m, s + a, e - a, view, depth, &hits, &nh,
				&cap)) {
			free(hits);
			return SPOOR_ENOMEM;
		}
		for (size_t k = 0; k < nh && !stop; k++) {
			struct report_hit h = hits[k];

			h.start += a;
			h.end += a;
			if (h.start < pos)
				continue;	/* inside the hit before */
			if (h.start >= b && e < len)
				break;		/* the next chunk's */
			stop = cb(ud, &h) != 0;
			count++;
			pos = h.end;
		}
		if (e >= len)
			break;
		a = pos > b ? pos : b;
	}
	free(hits);
	return count > INT32_MAX ? INT32_MAX : (int)count;
}

int report_matcher_scan(const struct report_matcher *m, const char *s,
			size_t len, int view, report_hit_fn *cb, void *ud)
{
	return scan_impl(m, s, len, view, 0, cb, ud);
}
