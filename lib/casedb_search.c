/*
 * casedb_search.c: terms and patterns over a case's message texts,
 * contact names and file paths.  Plain terms are folded as the report's
 * matcher folds names (report_match.c: NFD, case folding, marks
 * stripped, on word boundaries); "re:" terms are POSIX extended regular
 * expressions; "@set" terms are built-in patterns validated by their
 * checksums (IBAN mod 97, Bitcoin base58check and bech32/bech32m,
 * Ethereum EIP-55) or by the phone-number helpers, so a shape alone is
 * not a hit.
 */
#include "internal.h"
#include "casedb.h"
#include "keccak.h"
#include "report.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "banned.h"

#define MAX_TERMS 10000
#define MAX_LINE 4096
#define EXCERPT 40		/* bytes each side of a hit */

enum term_kind { T_TEXT, T_RE, T_IBAN, T_BITCOIN, T_ETHEREUM, T_EMAIL,
		 T_URL, T_PHONE };

struct term {
	enum term_kind kind;
	char *text, *category, *label;
	struct report_matcher *m;	/* T_TEXT */
	regex_t re;			/* T_RE */
	bool re_set;
};

struct spoor_search {
	struct term *t;
	size_t n;
	char cc[8];
};

static const struct {
	const char *name;
	enum term_kind kind;
} builtins[] = {
	{ "@iban", T_IBAN }, { "@bitcoin", T_BITCOIN },
	{ "@ethereum", T_ETHEREUM }, { "@email", T_EMAIL },
	{ "@url", T_URL }, { "@phone", T_PHONE },
};

void spoor_search_free(struct spoor_search *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->t[i].text);
		free(s->t[i].category);
		free(s->t[i].label);
		report_matcher_free(s->t[i].m);
		if (s->t[i].re_set)
			regfree(&s->t[i].re);
	}
	free(s->t);
	free(s);
}

/* One line of the terms file: TERM[<TAB>CATEGORY[<TAB>LABEL]]. */
static int add_term(struct spoor_search *s, char *line, unsigned lineno,
		    struct spoor_err *err)
{
	char *f[3] = { line, NULL, NULL };
	struct term *t, *grown;
	int rc;

	for (int i = 1; i < 3; i++) {
		char *tab = f[i - 1] ? strchr(f[i - 1], '\t') : NULL;

		if (tab) {
			*tab = '\0';
			f[i] = tab + 1;
		}
	}
	if (s->n == MAX_TERMS)
		return spoor_err_set(err, SPOOR_ELIMIT, 0, "more than %d terms",
				     MAX_TERMS);
	grown = realloc(s->t, (s->n + 1) * sizeof(*s->t));
	if (!grown)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	s->t = grown;
	t = &s->t[s->n];
	memset(t, 0, sizeof(*t));
	t->text = strdup(f[0]);
	t->category = f[1] && *f[1] ? strdup(f[1]) : NULL;
	t->label = f[2] && *f[2] ? strdup(f[2]) : NULL;
	s->n++;
	if (!t->text || (f[1] && *f[1] && !t->category) ||
	    (f[2] && *f[2] && !t->label))
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	if (!strncmp(f[0], "re:", 3)) {
		t->kind = T_RE;
		rc = regcomp(&t->re, f[0] + 3, REG_EXTENDED | REG_ICASE);
		if (rc)
			return spoor_err_set(err, SPOOR_EINVAL, 0, "terms line "
					     "%u: bad regular expression '%s'",
					     lineno, f[0] + 3);
		t->re_set = true;
		return 0;
	}
	if (f[0][0] == '@') {
		for (size_t i = 0; i < sizeof(builtins) / sizeof(*builtins);
		     i++)
			if (!strcmp(f[0], builtins[i].name)) {
				t->kind = builtins[i].kind;
				return 0;
			}
		return spoor_err_set(err, SPOOR_EINVAL, 0, "terms line %u: "
				     "unknown set '%s' (@iban, @bitcoin, "
				     "@ethereum, @email, @url, @phone)",
				     lineno, f[0]);
	}
	t->kind = T_TEXT;
	t->m = report_matcher_new();
	if (!t->m)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	rc = report_matcher_add_text(t->m, f[0], REPORT_ID_NAME, 0);
	if (rc == SPOOR_EINVAL)
		return spoor_err_set(err, SPOOR_EINVAL, 0, "terms line %u: "
				     "nothing to search for in '%s'", lineno,
				     f[0]);
	if (rc)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	return 0;
}

int spoor_search_load(const char *path, const char *cc,
		      struct spoor_search **out, struct spoor_err *err)
{
	struct spoor_search *s = calloc(1, sizeof(*s));
	char line[MAX_LINE + 2];
	unsigned lineno = 0;
	FILE *f;
	int rc = 0;

	*out = NULL;
	if (!s)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	snprintf(s->cc, sizeof(s->cc), "%s", cc ? cc : "31");
	f = fopen(path, "re");
	if (!f) {
		free(s);
		return spoor_err_set(err, SPOOR_EIO, errno, "cannot open '%s'",
				     path);
	}
	while (!rc && fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);

		lineno++;
		if (n && line[n - 1] == '\n')
			line[--n] = '\0';
		else if (!feof(f))
			rc = spoor_err_set(err, SPOOR_EINVAL, 0, "terms line %u "
					   "longer than %d bytes", lineno,
					   MAX_LINE);
		if (n && line[n - 1] == '\r')
			line[--n] = '\0';
		if (!rc && n && line[0] != '#')
			rc = add_term(s, line, lineno, err);
	}
	if (!rc && ferror(f))
		rc = spoor_err_set(err, SPOOR_EIO, errno, "cannot read '%s'",
				   path);
	fclose(f);
	if (!rc && !s->n)
		rc = spoor_err_set(err, SPOOR_EINVAL, 0, "no terms in '%s'",
				   path);
	if (rc) {
		spoor_search_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

/* ---- validators ---- */

/* ISO 13616: letters A=10.., the first four characters moved to the
 * end, the number mod 97 == 1.  s: n upper-case alphanumerics. */
static bool iban_ok(const char *s, size_t n)
{
	unsigned r = 0;

	if (n < 15 || n > 34 || !isupper((unsigned char)s[0]) ||
	    !isupper((unsigned char)s[1]) || !isdigit((unsigned char)s[2]) ||
	    !isdigit((unsigned char)s[3]))
		return false;
	for (size_t k = 0; k < n; k++) {
		char c = s[(k + 4) % n];

		if (isdigit((unsigned char)c))
			r = (r * 10 + (unsigned)(c - '0')) % 97;
		else if (isupper((unsigned char)c))
			r = (r * 100 + (unsigned)(c - 'A' + 10)) % 97;
		else
			return false;
	}
	return r == 1;
}

static const char b58[] =
	"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* A legacy (P2PKH "1...", P2SH "3...") address: base58 of 25 bytes,
 * version 0 or 5, the last 4 the double SHA-256 of the first 21. */
static bool base58check_ok(const char *s, size_t n)
{
	unsigned char b[25] = { 0 }, h1[32], h2[32];
	unsigned int hl;

	if (n < 26 || n > 35)
		return false;
	for (size_t i = 0; i < n; i++) {
		const char *p = memchr(b58, s[i], sizeof(b58) - 1);
		unsigned carry;

		if (!p || !s[i])
			return false;
		carry = (unsigned)(p - b58);
		for (int k = 24; k >= 0; k--) {
			carry += 58u * b[k];
			b[k] = (unsigned char)(carry & 0xff);
			carry >>= 8;
		}
		if (carry)
			return false;	/* more than 25 bytes */
	}
	if ((s[0] == '1' && b[0] != 0) || (s[0] == '3' && b[0] != 5) ||
	    (s[0] != '1' && s[0] != '3'))
		return false;
	if (!EVP_Digest(b, 21, h1, &hl, EVP_sha256(), NULL) ||
	    !EVP_Digest(h1, 32, h2, &hl, EVP_sha256(), NULL))
		return false;
	return !memcmp(h2, b + 21, 4);
}

static const char b32[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static uint32_t polymod(const unsigned char *v, size_t n)
{
	static const uint32_t gen[5] = { 0x3b6a57b2, 0x26508e6d, 0x1ea119fa,
					 0x3d4233dd, 0x2a1462b3 };
	uint32_t chk = 1;

	for (size_t i = 0; i < n; i++) {
		uint32_t top = chk >> 25;

		chk = ((chk & 0x1ffffff) << 5) ^ v[i];
		for (int k = 0; k < 5; k++)
			if ((top >> k) & 1)
				chk ^= gen[k];
	}
	return chk;
}

/* BIP 173/350: "bc1" + data, all lower or all upper case, a bech32
 * (witness version 0) or bech32m (1..16) checksum. */
static bool bech32_ok(const char *s, size_t n)
{
	unsigned char v[128];
	size_t k = 0;
	bool lo = false, up = false;
	uint32_t c;

	if (n < 14 || n > 74)
		return false;
	v[k++] = 3;		/* "bc" expanded: high bits, 0, low bits */
	v[k++] = 3;
	v[k++] = 0;
	v[k++] = 2;
	v[k++] = 3;
	for (size_t i = 3; i < n; i++) {
		char ch = s[i];
		const char *p;

		lo |= islower((unsigned char)ch) != 0;
		up |= isupper((unsigned char)ch) != 0;
		ch = (char)tolower((unsigned char)ch);
		p = ch ? strchr(b32, ch) : NULL;
		if (!p)
			return false;
		v[k++] = (unsigned char)(p - b32);
	}
	if (lo && up)
		return false;
	c = polymod(v, k);
	return (v[5] == 0 && c == 1) || (v[5] > 0 && v[5] <= 16 &&
					 c == 0x2bc830a3);
}

/* ---- scanning one text ---- */

struct scan {
	struct spoor_case *c;
	const struct spoor_search *s;
	sqlite3_stmt *st;		/* the row: id, exhibit, rtype, field,
					 * text */
	spoor_artifact_cb *cb;
	void *ud;
	int64_t *ids;			/* hit record ids, for tagging */
	size_t nids, capids;
	bool keep_ids;
	uint64_t hits;
	int rc;
};

/* a clean excerpt: control bytes as spaces, cut on UTF-8 boundaries */
static void excerpt(const char *p, size_t len, size_t a, size_t b,
		    struct sbuf *out)
{
	size_t from = a > EXCERPT ? a - EXCERPT : 0;
	size_t to = b + EXCERPT < len ? b + EXCERPT : len;

	while (from > 0 && ((unsigned char)p[from] & 0xc0) == 0x80)
		from--;
	while (to < len && ((unsigned char)p[to] & 0xc0) == 0x80)
		to++;
	if (from)
		sbuf_adds(out, "...");
	for (size_t i = from; i < to; i++)
		sbuf_addc(out, (unsigned char)p[i] < 0x20 ? ' ' : p[i]);
	if (to < len)
		sbuf_adds(out, "...");
}

static int hit(struct scan *sc, const struct term *t, const char *p,
	       size_t len, size_t a, size_t b, const char *norm,
	       const char *checksum)
{
	struct spoor_record r;
	struct sbuf ex = SBUF_INIT;
	int64_t id = sqlite3_column_int64(sc->st, 0);
	int stop;

	excerpt(p, len, a, b, &ex);
	spoor_record_init(&r, "hit");
	spoor_record_int(&r, "record_id", id);
	spoor_record_str(&r, "rtype", (const char *)
			 sqlite3_column_text(sc->st, 2));
	spoor_record_str(&r, "exhibit", (const char *)
			 sqlite3_column_text(sc->st, 1));
	spoor_record_str(&r, "field", (const char *)
			 sqlite3_column_text(sc->st, 3));
	spoor_record_str(&r, "term", t->text);
	spoor_record_str(&r, "category", t->category);
	spoor_record_str(&r, "label", t->label);
	spoor_record_bytes(&r, "match", p + a, b - a);
	spoor_record_str(&r, "normalized", norm);
	spoor_record_str(&r, "checksum", checksum);
	spoor_record_bytes(&r, "excerpt", sbuf_str(&ex), ex.len);
	stop = sc->cb(sc->ud, &r);
	sbuf_release(&ex);
	sc->hits++;
	if (sc->keep_ids && (!sc->nids || sc->ids[sc->nids - 1] != id)) {
		if (sc->nids == sc->capids) {
			size_t cap = sc->capids ? 2 * sc->capids : 64;
			int64_t *g = realloc(sc->ids, cap * sizeof(*g));

			if (!g)
				return sc->rc = SPOOR_ENOMEM;
			sc->ids = g;
			sc->capids = cap;
		}
		sc->ids[sc->nids++] = id;
	}
	if (stop)
		return sc->rc = SPOOR_ESTOPPED;
	return 0;
}

struct text_hit {
	struct scan *sc;
	const struct term *t;
	const char *p;
	size_t len;
};

static int on_text_hit(void *ud, const struct report_hit *h)
{
	struct text_hit *th = ud;

	return hit(th->sc, th->t, th->p, th->len, h->start, h->end, NULL,
		   NULL);
}

static bool word_edge(const char *p, size_t len, size_t i)
{
	return i >= len || !(isalnum((unsigned char)p[i]) ||
			     ((unsigned char)p[i] & 0x80));
}

static bool alnum_at(const char *p, size_t i)
{
	return isalnum((unsigned char)p[i]) != 0;
}

/* IBANs: "NL91ABNA0417164300", "NL91 ABNA 0417 1643 00"; the longest
 * valid prefix of each run of upper-case alphanumerics and single
 * spaces that starts a word. */
static int scan_iban(struct scan *sc, const struct term *t, const char *p,
		     size_t len)
{
	char buf[40];

	for (size_t i = 0; i + 15 <= len; i++) {
		size_t n = 0, j = i, end[40];

		if ((i && !word_edge(p, len, i - 1)) ||
		    !isupper((unsigned char)p[i]))
			continue;
		while (j < len && n < 34) {
			if (isupper((unsigned char)p[j]) ||
			    isdigit((unsigned char)p[j])) {
				buf[n] = p[j++];
				end[n++] = j;
			} else if (p[j] == ' ' && n && j + 1 < len &&
				   alnum_at(p, j + 1)) {
				j++;
			} else {
				break;
			}
		}
		for (size_t k = n; k >= 15; k--)
			if (word_edge(p, len, end[k - 1]) && iban_ok(buf, k)) {
				buf[k] = '\0';
				if (hit(sc, t, p, len, i, end[k - 1], buf,
					"valid"))
					return sc->rc;
				i = end[k - 1];
				break;
			}
	}
	return 0;
}

/* a token of the characters in set, on word edges: its end, or i */
static size_t token(const char *p, size_t len, size_t i, const char *set)
{
	size_t j = i;

	if (i && !word_edge(p, len, i - 1))
		return i;
	while (j < len && p[j] && strchr(set, p[j]))
		j++;
	return word_edge(p, len, j) ? j : i;
}

static int scan_bitcoin(struct scan *sc, const struct term *t, const char *p,
			size_t len)
{
	for (size_t i = 0; i < len; i++) {
		size_t j;
		char norm[80];

		if (p[i] == '1' || p[i] == '3') {
			j = token(p, len, i, b58);
			if (j > i && base58check_ok(p + i, j - i)) {
				snprintf(norm, sizeof(norm), "%.*s",
					 (int)(j - i), p + i);
				if (hit(sc, t, p, len, i, j, norm, "valid"))
					return sc->rc;
				i = j;
			}
		} else if ((p[i] == 'b' || p[i] == 'B') && i + 3 < len &&
			   (p[i + 1] == 'c' || p[i + 1] == 'C') &&
			   p[i + 2] == '1') {
			j = token(p, len, i, "bcBC1qpzry9x8gf2tvdw0s3jn54khce6"
				  "mua7lQPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L");
			if (j > i && bech32_ok(p + i, j - i)) {
				snprintf(norm, sizeof(norm), "%.*s",
					 (int)(j - i), p + i);
				for (char *q = norm; *q; q++)
					*q = (char)tolower((unsigned char)*q);
				if (hit(sc, t, p, len, i, j, norm, "valid"))
					return sc->rc;
				i = j;
			}
		}
	}
	return 0;
}

/* 0x + 40 hex digits, with their EIP-55 checksum (lib/keccak.c): the
 * address's own EIP-55 form is "valid"; mixed case that is not fails
 * and is not a hit; one case (or no letters) that is not, how an
 * address without a checksum is written, is a hit with checksum "none
 * (single case)".  normalized: the address in lower case. */
static int scan_ethereum(struct scan *sc, const struct term *t,
			 const char *p, size_t len)
{
	for (size_t i = 0; i + 42 <= len; i++) {
		char norm[43];
		enum spoor_eip55 v;
		size_t k;

		if (p[i] != '0' || (p[i + 1] != 'x' && p[i + 1] != 'X') ||
		    (i && !word_edge(p, len, i - 1)))
			continue;
		for (k = 0; k < 40 && isxdigit((unsigned char)p[i + 2 + k]);
		     k++)
			;
		if (k < 40 || !word_edge(p, len, i + 42))
			continue;
		v = spoor_eip55(p + i + 2);
		if (v == SPOOR_EIP55_BAD)
			continue;
		norm[0] = '0';
		norm[1] = 'x';
		for (k = 2; k < 42; k++)
			norm[k] = (char)tolower((unsigned char)p[i + k]);
		norm[42] = '\0';
		if (hit(sc, t, p, len, i, i + 42, norm,
			v == SPOOR_EIP55_VALID ? "valid" :
			"none (single case)"))
			return sc->rc;
		i += 41;
	}
	return 0;
}

static const char email_chars[] =
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	"._%+-";

static int scan_email(struct scan *sc, const struct term *t, const char *p,
		      size_t len)
{
	for (size_t i = 0; i < len; i++) {
		size_t a = i, b = i + 1, dot = 0;

		if (p[i] != '@')
			continue;
		while (a > 0 && p[a - 1] && strchr(email_chars, p[a - 1]))
			a--;
		while (b < len && p[b] && (isalnum((unsigned char)p[b]) ||
					   p[b] == '-' || p[b] == '.')) {
			if (p[b] == '.')
				dot = b;
			b++;
		}
		while (b > i + 1 && p[b - 1] == '.')
			b--;
		if (a == i || !dot || dot >= b - 2 || dot == i + 1)
			continue;
		if (hit(sc, t, p, len, a, b, NULL, NULL))
			return sc->rc;
		i = b;
	}
	return 0;
}

static int scan_url(struct scan *sc, const struct term *t, const char *p,
		    size_t len)
{
	for (size_t i = 0; i < len; i++) {
		size_t j;

		if (!(len - i > 8 && !strncasecmp(p + i, "https://", 8)) &&
		    !(len - i > 7 && !strncasecmp(p + i, "http://", 7)) &&
		    !(len - i > 4 && !strncasecmp(p + i, "www.", 4)))
			continue;
		if (i && !word_edge(p, len, i - 1))
			continue;
		for (j = i; j < len && (unsigned char)p[j] > 0x20 &&
		     !strchr("<>\"'", p[j]); j++)
			;
		while (j > i && strchr(".,;:!?)", p[j - 1]))
			j--;
		if (hit(sc, t, p, len, i, j, NULL, NULL))
			return sc->rc;
		i = j;
	}
	return 0;
}

/* runs of digits, spaces, "+-()./" holding 8..15 digits, valid for
 * spoor_phone_parse with the case's country code */
static int scan_phone(struct scan *sc, const struct term *t, const char *p,
		      size_t len)
{
	for (size_t i = 0; i < len; i++) {
		size_t j = i, digits = 0, last = i;
		char raw[64];
		struct spoor_phone ph;

		if (!(isdigit((unsigned char)p[i]) || p[i] == '+') ||
		    (i && (isalnum((unsigned char)p[i - 1]) ||
			   p[i - 1] == '+')))
			continue;
		while (j < len && j - i < 40 && (isdigit((unsigned char)p[j])
		       || (p[j] && strchr(" +-().", p[j])))) {
			if (isdigit((unsigned char)p[j])) {
				digits++;
				last = j + 1;
			}
			j++;
		}
		if (digits < 8 || digits > 15 || (last < len &&
						  isalnum((unsigned char)p[last])))
			continue;
		snprintf(raw, sizeof(raw), "%.*s", (int)(last - i), p + i);
		if (spoor_phone_parse(raw, sc->s->cc, &ph))
			continue;
		if (hit(sc, t, p, len, i, last, ph.e164, "valid"))
			return sc->rc;
		i = last;
	}
	return 0;
}

static int scan_re(struct scan *sc, const struct term *t, const char *p,
		   size_t len)
{
	regmatch_t m;
	size_t off = 0;

	if (memchr(p, '\0', len))
		len = strlen(p);
	while (off <= len && !regexec(&t->re, p + off, 1, &m,
				      off ? REG_NOTBOL : 0)) {
		size_t a = off + (size_t)m.rm_so, b = off + (size_t)m.rm_eo;

		if (hit(sc, t, p, len, a, b, NULL, NULL))
			return sc->rc;
		off = b > a ? b : b + 1;
	}
	return 0;
}

static int scan_text(struct scan *sc, const char *p, size_t len)
{
	for (size_t i = 0; i < sc->s->n && !sc->rc; i++) {
		const struct term *t = &sc->s->t[i];
		struct text_hit th = { sc, t, p, len };
		int n;

		switch (t->kind) {
		case T_TEXT:
			n = report_matcher_scan(t->m, p, len,
						REPORT_VIEW_UTF8, on_text_hit,
						&th);
			if (n < 0 && !sc->rc)
				sc->rc = n;
			break;
		case T_RE: scan_re(sc, t, p, len); break;
		case T_IBAN: scan_iban(sc, t, p, len); break;
		case T_BITCOIN: scan_bitcoin(sc, t, p, len); break;
		case T_ETHEREUM: scan_ethereum(sc, t, p, len); break;
		case T_EMAIL: scan_email(sc, t, p, len); break;
		case T_URL: scan_url(sc, t, p, len); break;
		case T_PHONE: scan_phone(sc, t, p, len); break;
		}
	}
	return sc->rc;
}

static const char fields_sql[] =
	"SELECT id, exhibit, rtype, 'text', json_extract(json, '$.text') "
	"FROM records WHERE rtype = 'message' "
	"AND json_extract(json, '$.text') IS NOT NULL "
	"UNION ALL SELECT id, exhibit, rtype, 'name', "
	"json_extract(json, '$.name') FROM records WHERE rtype = 'contact' "
	"AND json_extract(json, '$.name') IS NOT NULL "
	"UNION ALL SELECT id, exhibit, rtype, 'path', "
	"json_extract(json, '$.path') FROM records WHERE rtype = 'file' "
	"AND json_extract(json, '$.path') IS NOT NULL "
	"ORDER BY 1, 4";

int spoor_case_search(struct spoor_case *c, const struct spoor_search *s,
		      const char *tag, spoor_artifact_cb *cb, void *ud,
		      uint64_t *hits, struct spoor_err *err)
{
	struct scan sc = { c, s, NULL, cb, ud, NULL, 0, 0, tag != NULL, 0,
			   0 };
	sqlite3 *db = case_db(c);
	int rc = 0, st;

	if (sqlite3_prepare_v2(db, fields_sql, -1, &sc.st, NULL) != SQLITE_OK)
		return case_sql_err(db, err, "search");
	while ((st = sqlite3_step(sc.st)) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(sc.st, 4);

		if (p && scan_text(&sc, p, (size_t)sqlite3_column_bytes(
					   sc.st, 4)))
			break;
	}
	if (sc.rc == SPOOR_ESTOPPED)
		rc = spoor_err_set(err, SPOOR_ESTOPPED, 0, "stopped");
	else if (sc.rc)
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	else if (st != SQLITE_DONE)
		rc = case_sql_err(db, err, "search");
	sqlite3_finalize(sc.st);
	if (!rc && tag && sc.nids)
		rc = spoor_case_tag(c, sc.ids, sc.nids, tag,
				    "spoor-case search", NULL, err);
	free(sc.ids);
	if (hits)
		*hits = sc.hits;
	return rc;
}
