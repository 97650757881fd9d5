/*
 * vcard: contacts from vCard 2.1, 3.0 and 4.0 files (.vcf, also inside
 * zips), one contact record per BEGIN:VCARD with its line number.
 *
 * docs/artifacts.md 4.4.  Physical lines are unfolded (CRLF or LF, then
 * one space or tab); a quoted-printable value that ends in '=' goes on
 * in the next line whatever it starts with (2.1 soft breaks, Android).
 * QP is decoded to bytes first, then CHARSET (iconv) to UTF-8, so a
 * character split over a soft break survives.  `itemN.` groups tie an
 * Apple X-ABLabel to its TEL/EMAIL; `waid=` on TEL is the WhatsApp id.
 * A PHOTO is never kept: only its decoded size and SHA-256.
 *
 * Fuzzing: vcf_parse(buf, len, &sink) is the whole lexer and parser;
 * it calls sink.card once per card and needs nothing from the host.
 */
#include "plugutil.h"

#include <ctype.h>
#include <iconv.h>
#include <openssl/evp.h>

#include "banned.h"

#define MAX_FILE ((size_t)256 << 20)	/* .vcf read whole, at most this */
#define MAX_LINE ((size_t)32 << 20)	/* a logical line past it: cut */
#define MAX_VALUE ((size_t)64 << 10)	/* a text value kept */
#define MAX_ITEMS 256			/* TEL/EMAIL/... per card */

enum vkind { V_TEL, V_EMAIL, V_SOCIAL, V_IMPP, V_URL };

struct vitem {
	enum vkind kind;
	char *value, *types, *group, *waid;
};

struct vlabel {
	char *group, *label;
};

struct vcard {
	int64_t line;		/* of BEGIN:VCARD */
	bool ended;		/* END:VCARD seen */
	bool truncated;		/* a line or value was cut */
	bool bad_charset;	/* a CHARSET iconv does not know */
	char *version, *fn, *org, *title, *nickname, *note, *bday, *uid;
	char *n[5];		/* family, given, additional, prefix, suffix */
	struct vitem items[MAX_ITEMS];
	size_t nitems;
	struct vlabel labels[MAX_ITEMS];
	size_t nlabels;
	int photos;
	uint64_t photo_size;
	char photo_sha256[65];
	uint64_t props, unknown;
};

struct vcf_sink {
	void *ctx;
	/* Non-zero: stop. */
	int (*card)(void *ctx, const struct vcard *c);
	void (*warn)(void *ctx, int64_t line, const char *msg);
};

/* ---- small text helpers ---- */

static bool ieq(const char *a, size_t al, const char *b)
{
	size_t bl = strlen(b);

	if (al != bl)
		return false;
	for (size_t i = 0; i < al; i++)
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
			return false;
	return true;
}

static char *dupn(const char *p, size_t n)
{
	return pu_strndup(p, n, MAX_VALUE);
}

/* "\n" "\," "\;" "\\" in place; returns the new length. */
static size_t unescape(char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			char c = s[++i];

			s[o++] = c == 'n' || c == 'N' ? '\n' : c;
		} else {
			s[o++] = s[i];
		}
	}
	return o;
}

static int hexv(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Quoted-printable in place (soft breaks were removed while joining). */
static size_t qp_decode(char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int a, b;

		if (s[i] == '=' && i + 2 < n &&
		    (a = hexv((unsigned char)s[i + 1])) >= 0 &&
		    (b = hexv((unsigned char)s[i + 2])) >= 0) {
			s[o++] = (char)(a * 16 + b);
			i += 2;
		} else if (s[i] == '=' && i + 1 == n) {
			;	/* a trailing soft break */
		} else {
			s[o++] = s[i];
		}
	}
	return o;
}

/* To UTF-8 from charset; a new string (or NULL: unknown charset). */
static char *to_utf8(const char *cs, const char *s, size_t n)
{
	iconv_t cd = iconv_open("UTF-8", cs);
	size_t cap = n * 4 + 1, left = cap - 1, inl = n;
	char *out, *op;
	char *ip = (char *)s;

	if (cd == (iconv_t)-1)
		return NULL;
	out = malloc(cap);
	if (!out) {
		iconv_close(cd);
		return NULL;
	}
	op = out;
	while (inl) {
		if (iconv(cd, &ip, &inl, &op, &left) != (size_t)-1)
			break;
		if (left < 4)
			break;
		/* an invalid byte: U+FFFD and go on */
		memcpy(op, "\xef\xbf\xbd", 3);
		op += 3;
		left -= 3;
		ip++;
		inl--;
	}
	*op = '\0';
	iconv_close(cd);
	return out;
}

/* ---- base64, counted and hashed, never kept ---- */

struct b64 {
	EVP_MD_CTX *md;
	uint64_t size;
	unsigned acc, bits;
};

static void b64_feed(struct b64 *b, const char *p, size_t n)
{
	unsigned char out[192];
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)p[i], v;

		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '+' || c == '-')
			v = 62;
		else if (c == '/' || c == '_')
			v = 63;
		else
			continue;	/* '=', spaces, line breaks */
		b->acc = (b->acc << 6) | (unsigned)v;
		b->bits += 6;
		if (b->bits >= 8) {
			b->bits -= 8;
			out[o++] = (unsigned char)(b->acc >> b->bits);
			b->acc &= (1u << b->bits) - 1;
		}
		if (o == sizeof(out)) {
			EVP_DigestUpdate(b->md, out, o);
			b->size += o;
			o = 0;
		}
	}
	if (o) {
		EVP_DigestUpdate(b->md, out, o);
		b->size += o;
	}
}

static void photo(struct vcard *c, const char *v, size_t n)
{
	struct b64 b = { 0 };
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned dl = 0;
	const char *comma;

	/* 4.0: data:image/jpeg;base64,... */
	if (n > 5 && ieq(v, 5, "data:") &&
	    (comma = memchr(v, ',', n)) != NULL) {
		n -= (size_t)(comma + 1 - v);
		v = comma + 1;
	} else if (n > 4 && (ieq(v, 4, "http") || ieq(v, 4, "file"))) {
		return;	/* a reference, not data */
	}
	c->photos++;
	b.md = EVP_MD_CTX_new();
	if (!b.md || !EVP_DigestInit_ex(b.md, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(b.md);
		return;
	}
	b64_feed(&b, v, n);
	EVP_DigestFinal_ex(b.md, d, &dl);
	EVP_MD_CTX_free(b.md);
	c->photo_size = b.size;
	for (unsigned i = 0; i < dl && i < 32; i++)
		snprintf(c->photo_sha256 + 2 * i, 3, "%02x", d[i]);
}

/* ---- one property ---- */

struct vprop {
	const char *group, *name;
	size_t group_len, name_len;
	struct pu_buf types;	/* lower case, comma-separated */
	char charset[64];
	char waid[64];
	bool qp, b64;
};

static void add_type(struct vprop *p, const char *v, size_t n)
{
	/* TYPE="cell,voice" or bare 2.1 words; strip quotes */
	while (n && (*v == '"' || *v == ' ')) {
		v++;
		n--;
	}
	while (n && (v[n - 1] == '"' || v[n - 1] == ' '))
		n--;
	if (!n)
		return;
	if (p->types.len)
		pu_buf_add(&p->types, ",", 1);
	for (size_t i = 0; i < n; i++) {
		char ch = (char)tolower((unsigned char)v[i]);

		pu_buf_add(&p->types, &ch, 1);
	}
}

static void set_str(char *dst, size_t size, const char *v, size_t n)
{
	while (n && *v == '"') {
		v++;
		n--;
	}
	while (n && v[n - 1] == '"')
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

static void param(struct vprop *p, const char *s, size_t n)
{
	const char *eq = memchr(s, '=', n);
	size_t kl = eq ? (size_t)(eq - s) : n;
	const char *v = eq ? eq + 1 : s;
	size_t vl = eq ? n - kl - 1 : n;

	if (!eq) {	/* 2.1 bare parameter */
		if (ieq(s, n, "QUOTED-PRINTABLE"))
			p->qp = true;
		else if (ieq(s, n, "BASE64") || ieq(s, n, "B"))
			p->b64 = true;
		else
			add_type(p, s, n);
	} else if (ieq(s, kl, "TYPE")) {
		add_type(p, v, vl);
	} else if (ieq(s, kl, "ENCODING")) {
		p->qp = ieq(v, vl, "QUOTED-PRINTABLE");
		p->b64 = ieq(v, vl, "B") || ieq(v, vl, "BASE64");
	} else if (ieq(s, kl, "CHARSET")) {
		set_str(p->charset, sizeof(p->charset), v, vl);
	} else if (ieq(s, kl, "WAID")) {
		set_str(p->waid, sizeof(p->waid), v, vl);
	} else if (ieq(s, kl, "PREF")) {
		add_type(p, "pref", 4);
	}
}

/* Split "[group.]NAME;params:value"; false when there is no ':'. */
static bool split_prop(const char *s, size_t n, struct vprop *p,
		       const char **val, size_t *vlen)
{
	size_t i = 0, start;
	bool quoted = false;

	while (i < n && s[i] != ':' && s[i] != ';')
		i++;
	if (i == n)
		return false;
	p->name = s;
	p->name_len = i;
	{
		const char *dot = memchr(s, '.', i);

		if (dot) {
			p->group = s;
			p->group_len = (size_t)(dot - s);
			p->name = dot + 1;
			p->name_len = i - p->group_len - 1;
		}
	}
	while (i < n && s[i] == ';') {
		start = ++i;
		while (i < n && (quoted || (s[i] != ';' && s[i] != ':'))) {
			if (s[i] == '"')
				quoted = !quoted;
			i++;
		}
		param(p, s + start, i - start);
	}
	if (i >= n || s[i] != ':')
		return false;
	*val = s + i + 1;
	*vlen = n - i - 1;
	return true;
}

/* The decoded text value of a property: QP, charset, unescaped. */
static char *text_value(struct vcard *c, const struct vprop *p,
			const char *v, size_t n, size_t *outlen, bool esc)
{
	char *s = malloc(n + 1), *u;
	size_t l = n;

	if (!s)
		return NULL;
	memcpy(s, v, n);
	s[n] = '\0';
	if (p->qp)
		l = qp_decode(s, n);
	s[l] = '\0';
	if (p->charset[0] && !ieq(p->charset, strlen(p->charset), "UTF-8")) {
		u = to_utf8(p->charset, s, l);
		if (u) {
			free(s);
			s = u;
			l = strlen(s);
		} else {
			c->bad_charset = true;
		}
	}
	if (esc)
		l = unescape(s, l);
	if (l > MAX_VALUE) {
		l = MAX_VALUE;
		c->truncated = true;
	}
	s[l] = '\0';
	*outlen = l;
	return s;
}

static void set_field(char **dst, char *s, size_t l)
{
	if (*dst)	/* the first one counts (FN twice: keep the first) */
		return;
	*dst = dupn(s, l);
}

static void add_item(struct vcard *c, enum vkind k, const struct vprop *p,
		     char *s, size_t l)
{
	struct vitem *it;

	if (c->nitems >= MAX_ITEMS) {
		c->truncated = true;
		return;
	}
	it = &c->items[c->nitems++];
	it->kind = k;
	it->value = dupn(s, l);
	it->types = p->types.len ? dupn(p->types.p, p->types.len) : NULL;
	it->group = p->group ? dupn(p->group, p->group_len) : NULL;
	it->waid = p->waid[0] ? dupn(p->waid, strlen(p->waid)) : NULL;
}

/* Apple "_$!<Mobile>!$_" -> "Mobile". */
static void add_label(struct vcard *c, const struct vprop *p, char *s,
		      size_t l)
{
	struct vlabel *lb;

	if (!p->group || c->nlabels >= MAX_ITEMS)
		return;
	if (l > 8 && !memcmp(s, "_$!<", 4) && !memcmp(s + l - 4, ">!$_", 4)) {
		s += 4;
		l -= 8;
	}
	lb = &c->labels[c->nlabels++];
	lb->group = dupn(p->group, p->group_len);
	lb->label = dupn(s, l);
}

static void prop(struct vcard *c, const char *line, size_t n)
{
	struct vprop p = { .types = { .max = 1024 } };
	const char *v;
	size_t vl, l;
	char *s;

	c->props++;
	if (!split_prop(line, n, &p, &v, &vl)) {
		c->unknown++;
		pu_buf_free(&p.types);
		return;
	}
#define IS(x) ieq(p.name, p.name_len, x)
	if (IS("PHOTO") || IS("LOGO") || IS("SOUND") || IS("KEY")) {
		if (IS("PHOTO"))
			photo(c, v, vl);
		pu_buf_free(&p.types);
		return;
	}
	s = text_value(c, &p, v, vl, &l, !IS("N") && !IS("ORG"));
	if (!s) {
		pu_buf_free(&p.types);
		return;
	}
	if (IS("VERSION")) {
		set_field(&c->version, s, l);
	} else if (IS("FN")) {
		set_field(&c->fn, s, l);
	} else if (IS("N")) {
		/* Family;Given;Additional;Prefix;Suffix, '\;' escaped */
		size_t i = 0, start = 0;
		int k = 0;

		for (; i <= l && k < 5; i++) {
			if (i < l && s[i] == '\\') {
				i++;
				continue;
			}
			if (i == l || s[i] == ';') {
				size_t fl = unescape(s + start, i - start);

				if (fl && !c->n[k])
					c->n[k] = dupn(s + start, fl);
				k++;
				start = i + 1;
			}
		}
	} else if (IS("ORG")) {
		for (size_t i = 0; i < l; i++)	/* Company;Unit */
			if (s[i] == ';' && (!i || s[i - 1] != '\\'))
				s[i] = ',';
		l = unescape(s, l);
		while (l && s[l - 1] == ',')
			l--;
		set_field(&c->org, s, l);
	} else if (IS("TITLE")) {
		set_field(&c->title, s, l);
	} else if (IS("NICKNAME")) {
		set_field(&c->nickname, s, l);
	} else if (IS("NOTE")) {
		set_field(&c->note, s, l);
	} else if (IS("BDAY")) {
		set_field(&c->bday, s, l);
	} else if (IS("UID")) {
		set_field(&c->uid, s, l);
	} else if (IS("TEL")) {
		/* 4.0: tel:+31-6-... */
		if (l > 4 && ieq(s, 4, "tel:"))
			add_item(c, V_TEL, &p, s + 4, l - 4);
		else
			add_item(c, V_TEL, &p, s, l);
	} else if (IS("EMAIL")) {
		add_item(c, V_EMAIL, &p, s, l);
	} else if (IS("X-SOCIALPROFILE")) {
		add_item(c, V_SOCIAL, &p, s, l);
	} else if (IS("IMPP")) {
		add_item(c, V_IMPP, &p, s, l);
	} else if (IS("URL")) {
		add_item(c, V_URL, &p, s, l);
	} else if (IS("X-ABLABEL")) {
		add_label(c, &p, s, l);
	} else {
		c->unknown++;
	}
#undef IS
	free(s);
	pu_buf_free(&p.types);
}

static void card_free(struct vcard *c)
{
	free(c->version);
	free(c->fn);
	free(c->org);
	free(c->title);
	free(c->nickname);
	free(c->note);
	free(c->bday);
	free(c->uid);
	for (int i = 0; i < 5; i++)
		free(c->n[i]);
	for (size_t i = 0; i < c->nitems; i++) {
		free(c->items[i].value);
		free(c->items[i].types);
		free(c->items[i].group);
		free(c->items[i].waid);
	}
	for (size_t i = 0; i < c->nlabels; i++) {
		free(c->labels[i].group);
		free(c->labels[i].label);
	}
	memset(c, 0, sizeof(*c));
}

/* ---- the lexer: physical lines to logical lines to cards ---- */

struct lexer {
	const char *p, *end;
	int64_t lineno;		/* of the last physical line read */
};

/* The next physical line without its CR/LF. */
static bool phys(struct lexer *x, const char **s, size_t *n)
{
	const char *nl;

	if (x->p >= x->end)
		return false;
	nl = memchr(x->p, '\n', (size_t)(x->end - x->p));
	*s = x->p;
	*n = nl ? (size_t)(nl - x->p) : (size_t)(x->end - x->p);
	x->p = nl ? nl + 1 : x->end;
	while (*n && (*s)[*n - 1] == '\r')	/* also CR CR LF (seen) */
		(*n)--;
	x->lineno++;
	return true;
}

static bool is_qp(const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	size_t k = colon ? (size_t)(colon - s) : n;

	for (size_t i = 0; i + 16 <= k; i++)
		if (ieq(s + i, 16, "QUOTED-PRINTABLE"))
			return true;
	return false;
}

/* The next logical line into b; *first: its first physical line. */
static bool logical(struct lexer *x, struct pu_buf *b, int64_t *first,
		    bool *cut)
{
	const char *s;
	size_t n;
	bool qp;

	b->len = 0;
	b->full = false;
	*cut = false;
	do {
		if (!phys(x, &s, &n))
			return false;
	} while (!n);	/* blank lines between cards */
	*first = x->lineno;
	if (!pu_buf_add(b, s, n))
		*cut = true;
	qp = is_qp(s, n);
	while (x->p < x->end) {
		const char *save = x->p;
		int64_t saveno = x->lineno;
		bool soft = qp && b->len && b->p[b->len - 1] == '=';

		if (!phys(x, &s, &n))
			break;
		if (n && (s[0] == ' ' || s[0] == '\t')) {
			if (!pu_buf_add(b, s + 1, n - 1))
				*cut = true;
		} else if (soft) {
			b->len--;	/* the '=' of the soft break */
			if (!pu_buf_add(b, s, n))
				*cut = true;
		} else {
			x->p = save;
			x->lineno = saveno;
			break;
		}
	}
	if (!b->p && !pu_buf_add(b, "", 0))
		*cut = true;
	return true;
}

/*
 * Parse a whole .vcf buffer: sink->card once per card (BEGIN..END, or an
 * unterminated one at a new BEGIN or the end).  Returns the number of
 * cards, or -1 when the buffer holds no BEGIN:VCARD at all.
 */
static int64_t vcf_parse(const char *buf, size_t len,
			 const struct vcf_sink *sink)
{
	struct lexer x = { buf, buf + len, 0 };
	struct pu_buf b = { .max = MAX_LINE };
	struct vcard *c = calloc(1, sizeof(*c));
	bool in = false, cut, stop = false;
	int64_t cards = 0, first;

	if (!c)
		return -1;
	/* a UTF-8 BOM */
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		x.p += 3;
	while (!stop && logical(&x, &b, &first, &cut)) {
		bool begin = ieq(b.p, b.len, "BEGIN:VCARD");
		bool end = ieq(b.p, b.len, "END:VCARD");

		if (cut && sink->warn)
			sink->warn(sink->ctx, first, "line longer than the "
				   "limit: cut");
		if (begin || (end && in)) {
			if (in) {
				c->ended = end;
				cards++;
				stop = sink->card(sink->ctx, c) != 0;
				card_free(c);
				in = false;
			}
			if (begin) {
				in = true;
				c->line = first;
			}
			continue;
		}
		if (!in)
			continue;	/* text outside a card */
		if (cut)
			c->truncated = true;
		prop(c, b.p, b.len);
	}
	if (in && !stop) {
		cards++;
		sink->card(sink->ctx, c);
	}
	card_free(c);
	free(c);
	pu_buf_free(&b);
	return cards || in ? cards : -1;
}

/* ---- records ---- */

struct vrun {
	const struct spoor_host *h;
	const char *path;
};

static const char *label_of(const struct vcard *c, const struct vitem *it)
{
	if (it->group)
		for (size_t i = 0; i < c->nlabels; i++)
			if (c->labels[i].group &&
			    !strcmp(c->labels[i].group, it->group))
				return c->labels[i].label;
	return it->types;
}

static void join(struct pu_buf *b, const struct vcard *c, enum vkind k,
		 int what, const struct spoor_host *h)
{
	for (size_t i = 0; i < c->nitems; i++) {
		const struct vitem *it = &c->items[i];
		const char *v = NULL;
		char e164[32] = "";

		if (it->kind != k)
			continue;
		if (what == 0)
			v = it->value;
		else if (what == 1)
			v = label_of(c, it);
		else if (what == 2 && it->value) {
			/* the numbering plan of --cc decides: a bare
			 * "5673334444" is a US number only under --cc=1 */
			h->phone_e164(h, it->value, h->option(h, "cc"), e164,
				      sizeof(e164));
			v = e164;
		} else if (what == 3)
			v = it->waid;
		if ((what == 3 && !v) || (what == 2 && !e164[0]))
			continue;	/* only ids and numbers that exist */
		if (b->len)
			pu_buf_add(b, "; ", 2);
		if (v)
			pu_buf_add(b, v, strlen(v));
	}
}

static int on_card(void *ctx, const struct vcard *c)
{
	struct vrun *v = ctx;
	const struct spoor_host *h = v->h;
	struct spoor_prov prov = { NULL, NULL, -1, c->line, NULL };
	struct spoor_record r;
	struct pu_buf b[9];
	char jid[96] = "";
	const char *waid = NULL;
	int rc;

	for (int i = 0; i < 9; i++)
		b[i] = (struct pu_buf){ .max = (size_t)1 << 20 };
	join(&b[0], c, V_TEL, 0, h);
	join(&b[1], c, V_TEL, 1, h);
	join(&b[2], c, V_TEL, 2, h);
	join(&b[3], c, V_TEL, 3, h);
	join(&b[4], c, V_EMAIL, 0, h);
	join(&b[5], c, V_SOCIAL, 0, h);
	join(&b[6], c, V_IMPP, 0, h);
	join(&b[7], c, V_URL, 0, h);
	join(&b[8], c, V_EMAIL, 1, h);
	for (size_t i = 0; i < c->nitems && !waid; i++)
		if (c->items[i].kind == V_TEL && c->items[i].waid)
			waid = c->items[i].waid;
	if (waid)
		snprintf(jid, sizeof(jid), "%s@s.whatsapp.net", waid);
	spoor_p_init(&r, "contact");
	spoor_p_str(&r, "app", "vcard");
	spoor_p_str(&r, "vcard_version", c->version);
	spoor_p_str(&r, "name", c->fn);
	spoor_p_str(&r, "family_name", c->n[0]);
	spoor_p_str(&r, "given_name", c->n[1]);
	spoor_p_str(&r, "additional_names", c->n[2]);
	spoor_p_str(&r, "name_prefix", c->n[3]);
	spoor_p_str(&r, "name_suffix", c->n[4]);
	spoor_p_str(&r, "nickname", c->nickname);
	spoor_p_str(&r, "org", c->org);
	spoor_p_str(&r, "title", c->title);
	{
		/* the first number in E.164 */
		const char *e = b[2].p, *semi = e ? strstr(e, "; ") : NULL;

		spoor_p_bytes(&r, "phone", e && *e ? e : NULL,
			      e ? semi ? (size_t)(semi - e) : strlen(e) : 0);
	}
	spoor_p_str(&r, "phones_e164", b[2].len ? b[2].p : NULL);
	spoor_p_str(&r, "phone_raw", b[0].len ? b[0].p : NULL);
	spoor_p_str(&r, "phone_types", b[1].len ? b[1].p : NULL);
	spoor_p_str(&r, "whatsapp_id", b[3].len ? b[3].p : NULL);
	spoor_p_str(&r, "whatsapp_jid", jid[0] ? jid : NULL);
	spoor_p_str(&r, "email", b[4].len ? b[4].p : NULL);
	spoor_p_str(&r, "email_types", b[8].len ? b[8].p : NULL);
	spoor_p_str(&r, "social_profiles", b[5].len ? b[5].p : NULL);
	spoor_p_str(&r, "impp", b[6].len ? b[6].p : NULL);
	spoor_p_str(&r, "url", b[7].len ? b[7].p : NULL);
	spoor_p_str(&r, "birthday", c->bday);
	spoor_p_str(&r, "note", c->note);
	spoor_p_str(&r, "uid", c->uid);
	spoor_p_bool(&r, "photo", c->photos > 0);
	if (c->photos) {
		spoor_p_int(&r, "photo_size", (int64_t)c->photo_size);
		spoor_p_str(&r, "photo_sha256", c->photo_sha256);
	}
	spoor_p_int(&r, "properties", (int64_t)c->props);
	spoor_p_int(&r, "properties_not_read", (int64_t)c->unknown);
	spoor_p_bool(&r, "complete", c->ended);
	spoor_p_bool(&r, "truncated", c->truncated);
	spoor_p_bool(&r, "charset_unknown", c->bad_charset);
	rc = h->emit(h, &r, &prov);
	for (int i = 0; i < 9; i++)
		pu_buf_free(&b[i]);
	return rc;
}

static void on_warn(void *ctx, int64_t line, const char *msg)
{
	struct vrun *v = ctx;

	v->h->log(v->h, SPOOR_LOG_WARN, "line %lld: %s", (long long)line,
		  msg);
}

static int run(const struct spoor_host *h, const char *path)
{
	struct vrun v = { h, path };
	struct vcf_sink sink = { &v, on_card, on_warn };
	size_t len;
	char *buf = h->read_file(h, path, MAX_FILE, &len);

	if (!buf) {
		h->not_understood(h, path, "unreadable or larger than 256 MiB");
		return 0;
	}
	if (vcf_parse(buf, len, &sink) < 0)
		h->not_understood(h, path, "not a vCard: no BEGIN:VCARD");
	h->free_buf(h, buf);
	return 0;
}

static const char *const types[] = { "contact", NULL };
static const char *const patterns[] = { "*.vcf", "*.VCF", "*.vcard",
					"*.Vcf", NULL };

const struct spoor_plugin spoor_plugin_vcard = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "vcard",
	.version = "1.0",
	.description = "vCard 2.1, 3.0 and 4.0 contacts (.vcf)",
	.types = types,
	.patterns = patterns,
	.run = run,
};
