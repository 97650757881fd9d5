/*
 * sms-backup-restore: SMS Backup & Restore (SyncTech) XML backups:
 * <smses> with <sms> and <mms> (parts and addresses), and <calls> with
 * <call>.  docs/artifacts.md 4.3; the app's "Fields in XML backup files".
 *
 * Streamed with libxml2's xmlTextReader: one element at a time, never a
 * tree.  Safety: XML_PARSE_NONET, never NOENT/DTDLOAD/HUGE, and a file
 * with a DOCTYPE is refused (SMS Backup & Restore writes none; a DTD is
 * where entity bombs and external entities live).  libxml2's own limit
 * of 10,000,000 bytes per attribute applies (an MMS part's base64 data
 * of about 7 MB decoded; carriers cap MMS far below): a larger one stops
 * the file with an error that is reported.  MMS part data is base64-
 * decoded in small blocks into SHA-256 and a byte count; the media is
 * never kept or written.
 *
 * The app (and Signal/Silence plaintext exports in the same format)
 * writes characters outside the BMP as two numeric references to UTF-16
 * surrogates ("&#55357;&#56832;"), which XML forbids and libxml2 stops
 * at.  The input filter below turns such a pair into its UTF-8 bytes
 * before the parser sees it (a lone surrogate becomes U+FFFD); the file
 * must be UTF-8, as the app writes it.
 *
 * Fuzzing: sbr_parse(read, read_ctx, &sink) is the whole reader; read
 * is an xmlInputReadCallback-like source, e.g. over a memory buffer.
 */
#include "plugutil.h"

#include <errno.h>
#include <unistd.h>

#include <libxml/xmlreader.h>
#include <openssl/evp.h>

#include "banned.h"

#define MAX_FILE ((size_t)2 << 30)	/* read whole by a host before ABI 1.1 */
#define MAX_TEXT ((size_t)1 << 20)	/* MMS text parts joined */
#define MAX_PARTS 64			/* attachments kept per MMS */
#define INBUF 65536

/* ---- the source and the surrogate filter ---- */

struct sbr_src {
	/* Bytes into buf, at most n: count, 0 at the end, < 0 error. */
	long (*read)(void *ctx, char *buf, size_t n);
	void *ctx;
};

struct filt {
	struct sbr_src src;
	char in[INBUF];
	size_t pos, len;
	bool eof, err, dtd, started;
	uint64_t fixed;		/* surrogate pairs rewritten */
};

static void fill(struct filt *f)
{
	long n;

	if (f->eof || f->len - f->pos >= 32)
		return;
	memmove(f->in, f->in + f->pos, f->len - f->pos);
	f->len -= f->pos;
	f->pos = 0;
	while (!f->eof && f->len < sizeof(f->in)) {
		n = f->src.read(f->src.ctx, f->in + f->len,
				sizeof(f->in) - f->len);
		if (n < 0)
			f->err = true;
		if (n <= 0)
			f->eof = true;
		else
			f->len += (size_t)n;
	}
}

/* "&#NNN;" or "&#xHH;" at p: its value and length; 0: not one, -1: the
 * data ends before it does. */
static int charref(const char *p, size_t n, uint32_t *v)
{
	size_t i = 2;
	bool hex;
	uint32_t x = 0;

	if (n < 2)
		return -1;
	if (p[0] != '&' || p[1] != '#')
		return 0;
	hex = i < n && (p[i] == 'x' || p[i] == 'X');
	if (hex)
		i++;
	for (; i < n && i < 16; i++) {
		int c = (unsigned char)p[i], d;

		if (c == ';')
			break;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (hex && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (hex && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return 0;
		x = x * (hex ? 16 : 10) + (uint32_t)d;
	}
	if (i >= n)
		return -1;
	if (p[i] != ';' || i == 2 + (size_t)hex)
		return 0;
	*v = x;
	return (int)i + 1;
}

static size_t utf8(uint32_t cp, char *o)
{
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A DOCTYPE in the prolog (the first 4 KiB): refused before libxml2
 * reads a single declaration of it. */
static bool has_doctype(const char *p, size_t n)
{
	const char *end = p + (n < 4096 ? n : 4096);

	for (; p + 9 <= end; p++)
		if (*p == '<' && !memcmp(p, "<!DOCTYPE", 9))
			return true;
	return false;
}

static int filt_read(void *ctx, char *out, int outlen)
{
	struct filt *f = ctx;
	size_t o = 0, cap = outlen > 0 ? (size_t)outlen : 0;

	if (!f->started) {
		f->started = true;
		fill(f);
		f->dtd = has_doctype(f->in + f->pos, f->len - f->pos);
	}
	if (f->dtd)
		return -1;

	while (o + 4 <= cap) {
		uint32_t a, b;
		int la, lb;
		const char *p;
		size_t left;

		fill(f);
		if (f->pos >= f->len)
			break;
		p = f->in + f->pos;
		left = f->len - f->pos;
		if (*p != '&') {
			const char *amp = memchr(p, '&', left);
			size_t n = amp ? (size_t)(amp - p) : left;

			if (n > cap - o)
				n = cap - o;
			memcpy(out + o, p, n);
			o += n;
			f->pos += n;
			continue;
		}
		la = charref(p, left, &a);
		if (la < 0 && f->eof)
			la = 0;
		if (la < 0)
			break;	/* refill first (fill keeps 32 bytes) */
		if (la == 0 || a < 0xd800 || a > 0xdfff) {
			out[o++] = *p;
			f->pos++;
			continue;
		}
		lb = a <= 0xdbff ? charref(p + la, left - (size_t)la, &b) : 0;
		if (lb > 0 && b >= 0xdc00 && b <= 0xdfff) {
			o += utf8(0x10000 + ((a - 0xd800) << 10) +
				  (b - 0xdc00), out + o);
			f->pos += (size_t)(la + lb);
			f->fixed++;
		} else {
			o += utf8(0xfffd, out + o);
			f->pos += (size_t)la;
		}
	}
	return f->err && !o ? -1 : (int)o;
}

/* ---- base64 into SHA-256 ---- */

struct b64 {
	EVP_MD_CTX *md;
	uint64_t size;
	unsigned acc, bits;
	bool bad;
};

static void b64_feed(struct b64 *b, const unsigned char *p, size_t n)
{
	unsigned char out[256];
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int c = p[i], v;

		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '+')
			v = 62;
		else if (c == '/')
			v = 63;
		else {
			if (c != '=' && c != '\n' && c != '\r' && c != ' ')
				b->bad = true;
			continue;
		}
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

/* ---- the reader ---- */

struct sbr_sink {
	void *ctx;
	/* Non-zero: stop. */
	int (*emit)(void *ctx, const struct spoor_record *r, int64_t line);
	const char *cc;		/* default country code for E.164 */
	/* E.164 of raw into out, or out "" (may be NULL: none). */
	int (*e164)(void *ctx, const char *raw, const char *cc, char *out,
		    size_t size);
};

struct part {
	char *ct, *name, *cl;
	bool data;
	uint64_t size;
	char sha256[65];
	bool bad;
};

struct sbr {
	const struct sbr_sink *s;
	xmlTextReaderPtr r;
	char err[512];
	bool stop;
	/* the <mms> being read */
	bool in_mms;
	int64_t mms_line;
	xmlChar *mms_attr[16];
	struct pu_buf text, from, to, cc;
	struct part parts[MAX_PARTS];
	size_t nparts, parts_seen;
	uint64_t records;
};

static void on_error(void *ctx, xmlErrorPtr e)
{
	struct sbr *x = ctx;

	if (e && e->level >= XML_ERR_ERROR && !x->err[0])
		snprintf(x->err, sizeof(x->err), "XML error at line %d: %s",
			 e->line, e->message ? e->message : "?");
	if (x->err[0]) {	/* no newline in our messages */
		char *nl = strchr(x->err, '\n');

		if (nl)
			*nl = '\0';
	}
}

/* The line of the element's start tag (of its '>', for one that spans
 * lines); the parser's own position runs ahead of the reader. */
static int64_t line_of(struct sbr *x)
{
	xmlNodePtr n = xmlTextReaderCurrentNode(x->r);

	return n ? (int64_t)xmlGetLineNo(n) : -1;
}

static const char *A(xmlChar *v)
{
	return (const char *)v;
}

static xmlChar *attr(struct sbr *x, const char *name)
{
	return xmlTextReaderGetAttribute(x->r, (const xmlChar *)name);
}

/* The SBR "null" string is a missing value. */
static void fstr(struct spoor_record *r, const char *key, xmlChar *v)
{
	const char *s = A(v);

	spoor_p_str(r, key, s && strcmp(s, "null") ? s : NULL);
}

static bool num(xmlChar *v, int64_t *out)
{
	const char *s = A(v);
	char *end;

	if (!s || !*s || !strcmp(s, "null"))
		return false;
	*out = strtoll(s, &end, 10);
	return !*end;
}

static void fint(struct spoor_record *r, const char *key, xmlChar *v)
{
	int64_t n;

	if (num(v, &n))
		spoor_p_int(r, key, n);
	else
		spoor_p_null(r, key);
}

/* ms, except values that can only be seconds (MMS date_sent). */
static void ftime(struct spoor_record *r, const char *key,
		  const char *key_raw, const char *key_unit, xmlChar *v)
{
	int64_t n = 0;
	bool have = num(v, &n) && n > 0;

	spoor_p_time(r, key, key_raw, key_unit, n, have,
		     have && n < 100000000000LL ? "unix_s" : "unix_ms");
}

/* e164: the caller's, at least 32 bytes, alive until the emit */
static void phone(struct sbr *x, struct spoor_record *r, const char *key,
		  const char *raw, char *e164)
{
	e164[0] = '\0';
	if (raw && x->s->e164)
		x->s->e164(x->s->ctx, raw, x->s->cc, e164, 32);
	spoor_p_str(r, key, e164[0] ? e164 : NULL);
}

static const char *sms_dir(int64_t t)
{
	switch (t) {
	case 1: return "incoming";
	case 2: case 4: case 5: case 6: return "outgoing";
	case 3: return "draft";
	default: return "unknown";
	}
}

static const char *sms_box(int64_t t)
{
	switch (t) {
	case 1: return "inbox";
	case 2: return "sent";
	case 3: return "draft";
	case 4: return "outbox";
	case 5: return "failed";
	case 6: return "queued";
	default: return "other";
	}
}

static const char *const sms_keys[] = {
	"address", "date", "date_sent", "type", "body", "subject",
	"contact_name", "read", "status", "locked", "service_center",
	"protocol", "sub_id", "readable_date", NULL
};

static void sms(struct sbr *x)
{
	struct spoor_record r;
	xmlChar *v[16] = { 0 };
	int64_t type = 0;
	int64_t line = line_of(x);
	char e164[32];
	const char *cn;

	for (int i = 0; sms_keys[i]; i++)
		v[i] = attr(x, sms_keys[i]);
	num(v[3], &type);
	cn = A(v[6]);
	spoor_p_init(&r, "message");
	spoor_p_str(&r, "app", "sms");
	spoor_p_str(&r, "kind", "sms");
	fstr(&r, "address", v[0]);
	phone(x, &r, "phone", A(v[0]), e164);
	spoor_p_str(&r, "contact_name", cn && strcmp(cn, "(Unknown)") &&
		    strcmp(cn, "null") ? cn : NULL);
	spoor_p_str(&r, "direction", sms_dir(type));
	spoor_p_str(&r, "box", sms_box(type));
	fint(&r, "box_raw", v[3]);
	ftime(&r, "time", "time_raw", "time_unit", v[1]);
	ftime(&r, "time_sent", "time_sent_raw", "time_sent_unit", v[2]);
	fstr(&r, "time_readable", v[13]);
	fstr(&r, "text", v[4]);
	fstr(&r, "subject", v[5]);
	fint(&r, "read", v[7]);
	fint(&r, "status", v[8]);
	fint(&r, "locked", v[9]);
	fstr(&r, "service_center", v[10]);
	fint(&r, "protocol", v[11]);
	fint(&r, "sub_id", v[12]);
	x->stop = x->s->emit(x->s->ctx, &r, line) != 0;
	x->records++;
	for (int i = 0; i < 16; i++)
		xmlFree(v[i]);
}

static const char *call_dir(int64_t t)
{
	switch (t) {
	case 1: case 3: case 4: case 5: case 6: return "incoming";
	case 2: return "outgoing";
	default: return "unknown";
	}
}

static const char *call_result(int64_t t)
{
	switch (t) {
	case 1: return "answered";
	case 2: return "outgoing";
	case 3: return "missed";
	case 4: return "voicemail";
	case 5: return "rejected";
	case 6: return "blocked";
	default: return "other";
	}
}

static const char *const call_keys[] = {
	"number", "duration", "date", "type", "presentation",
	"subscription_id", "readable_date", "contact_name", NULL
};

static void call(struct sbr *x)
{
	struct spoor_record r;
	xmlChar *v[10] = { 0 };
	int64_t type = 0;
	int64_t line = line_of(x);
	char e164[32];
	const char *cn;

	for (int i = 0; call_keys[i]; i++)
		v[i] = attr(x, call_keys[i]);
	num(v[3], &type);
	cn = A(v[7]);
	spoor_p_init(&r, "call");
	spoor_p_str(&r, "app", "phone");
	fstr(&r, "number", v[0]);
	phone(x, &r, "phone", A(v[0]), e164);
	spoor_p_str(&r, "name", cn && strcmp(cn, "(Unknown)") &&
		    strcmp(cn, "null") ? cn : NULL);
	spoor_p_str(&r, "direction", call_dir(type));
	spoor_p_str(&r, "result", call_result(type));
	fint(&r, "result_raw", v[3]);
	ftime(&r, "time", "time_raw", "time_unit", v[2]);
	fstr(&r, "time_readable", v[6]);
	fint(&r, "duration", v[1]);
	fint(&r, "presentation", v[4]);
	fstr(&r, "subscription_id", v[5]);
	x->stop = x->s->emit(x->s->ctx, &r, line) != 0;
	x->records++;
	for (int i = 0; i < 10; i++)
		xmlFree(v[i]);
}

static const char *const mms_keys[] = {
	"address", "date", "date_sent", "msg_box", "sub", "contact_name",
	"m_type", "ct_t", "read", "locked", "m_id", "readable_date",
	"text_only", NULL
};

static void mms_reset(struct sbr *x)
{
	for (int i = 0; i < 16; i++) {
		xmlFree(x->mms_attr[i]);
		x->mms_attr[i] = NULL;
	}
	for (size_t i = 0; i < x->nparts; i++) {
		free(x->parts[i].ct);
		free(x->parts[i].name);
		free(x->parts[i].cl);
	}
	memset(x->parts, 0, sizeof(x->parts));
	x->nparts = x->parts_seen = 0;
	pu_buf_free(&x->text);
	pu_buf_free(&x->from);
	pu_buf_free(&x->to);
	pu_buf_free(&x->cc);
	x->text.max = MAX_TEXT;
	x->from.max = x->to.max = x->cc.max = 64 << 10;
	x->in_mms = false;
}

static void mms_start(struct sbr *x)
{
	mms_reset(x);
	x->in_mms = true;
	x->mms_line = line_of(x);
	for (int i = 0; mms_keys[i]; i++)
		x->mms_attr[i] = attr(x, mms_keys[i]);
}

static void join(struct pu_buf *b, const char *s)
{
	if (!s)
		return;
	if (b->len)
		pu_buf_add(b, "; ", 2);
	pu_buf_add(b, s, strlen(s));
}

static void addr(struct sbr *x)
{
	xmlChar *a = attr(x, "address"), *t = attr(x, "type");
	int64_t type = 0;

	num(t, &type);
	if (a && strcmp(A(a), "insert-address-token"))
		join(type == 137 ? &x->from : type == 151 ? &x->to : &x->cc,
		     A(a));
	xmlFree(a);
	xmlFree(t);
}

static char *dup_attr(struct sbr *x, const char *name)
{
	xmlChar *v = attr(x, name);
	char *s = v && strcmp(A(v), "null") ? pu_strndup(A(v), strlen(A(v)),
							  4096) : NULL;

	xmlFree(v);
	return s;
}

static void part(struct sbr *x)
{
	xmlChar *ct = attr(x, "ct");
	const char *c = A(ct);

	x->parts_seen++;
	if (c && !strcmp(c, "application/smil")) {
		xmlFree(ct);
		return;
	}
	if (c && !strncmp(c, "text/plain", 10)) {
		xmlChar *t = attr(x, "text");

		if (t && strcmp(A(t), "null")) {
			if (x->text.len)
				pu_buf_add(&x->text, "\n", 1);
			pu_buf_add(&x->text, A(t), strlen(A(t)));
		}
		xmlFree(t);
		xmlFree(ct);
		return;
	}
	xmlFree(ct);
	if (x->nparts >= MAX_PARTS)
		return;
	{
		struct part *p = &x->parts[x->nparts++];

		p->ct = dup_attr(x, "ct");
		p->name = dup_attr(x, "name");
		p->cl = dup_attr(x, "cl");
		/* the data without a copy: the attribute's own value */
		if (xmlTextReaderMoveToAttribute(x->r,
						 (const xmlChar *)"data") == 1) {
			const xmlChar *d = xmlTextReaderConstValue(x->r);
			struct b64 b = { EVP_MD_CTX_new(), 0, 0, 0, false };
			unsigned char md[EVP_MAX_MD_SIZE];
			unsigned ml = 0;

			if (d && b.md &&
			    EVP_DigestInit_ex(b.md, EVP_sha256(), NULL)) {
				b64_feed(&b, d, strlen((const char *)d));
				EVP_DigestFinal_ex(b.md, md, &ml);
				p->data = true;
				p->size = b.size;
				p->bad = b.bad;
				for (unsigned i = 0; i < ml && i < 32; i++)
					snprintf(p->sha256 + 2 * i, 3, "%02x",
						 md[i]);
			}
			EVP_MD_CTX_free(b.md);
			xmlTextReaderMoveToElement(x->r);
		}
	}
}

static void mms_end(struct sbr *x)
{
	struct spoor_record r;
	xmlChar **v = x->mms_attr;
	int64_t box = 0;
	const char *cn = A(v[5]);
	const struct part *p0 = x->nparts ? &x->parts[0] : NULL;
	char e164[32];

	num(v[3], &box);
	spoor_p_init(&r, "message");
	spoor_p_str(&r, "app", "sms");
	spoor_p_str(&r, "kind", "mms");
	fstr(&r, "address", v[0]);
	spoor_p_str(&r, "sender", x->from.len ? x->from.p : NULL);
	phone(x, &r, "sender_phone", x->from.len ? x->from.p : NULL, e164);
	spoor_p_str(&r, "recipients", x->to.len ? x->to.p : NULL);
	spoor_p_str(&r, "recipients_cc", x->cc.len ? x->cc.p : NULL);
	spoor_p_str(&r, "contact_name", cn && strcmp(cn, "(Unknown)") &&
		    strcmp(cn, "null") ? cn : NULL);
	spoor_p_str(&r, "direction", sms_dir(box));
	spoor_p_str(&r, "box", sms_box(box));
	fint(&r, "box_raw", v[3]);
	ftime(&r, "time", "time_raw", "time_unit", v[1]);
	ftime(&r, "time_sent", "time_sent_raw", "time_sent_unit", v[2]);
	fstr(&r, "time_readable", v[11]);
	spoor_p_str(&r, "text", x->text.len ? x->text.p : NULL);
	spoor_p_bool(&r, "text_truncated", x->text.full);
	fstr(&r, "subject", v[4]);
	fint(&r, "mms_type", v[6]);
	fstr(&r, "message_id", v[10]);
	fint(&r, "read", v[8]);
	fint(&r, "locked", v[9]);
	spoor_p_int(&r, "parts", (int64_t)x->parts_seen);
	spoor_p_int(&r, "attachments", (int64_t)x->nparts);
	if (p0) {
		spoor_p_str(&r, "media_mime", p0->ct);
		spoor_p_str(&r, "media_name", p0->name ? p0->name : p0->cl);
		if (p0->data) {
			spoor_p_int(&r, "media_size", (int64_t)p0->size);
			spoor_p_str(&r, "media_sha256", p0->sha256);
		}
	}
	x->stop = x->s->emit(x->s->ctx, &r, x->mms_line) != 0;
	x->records++;
	/* every attachment on its own, tied to the message by its line */
	for (size_t i = 0; i < x->nparts && !x->stop; i++) {
		const struct part *p = &x->parts[i];

		spoor_p_init(&r, "attachment");
		spoor_p_str(&r, "app", "sms");
		spoor_p_int(&r, "message_line", x->mms_line);
		spoor_p_int(&r, "index", (int64_t)i);
		spoor_p_str(&r, "mime", p->ct);
		spoor_p_str(&r, "name", p->name);
		spoor_p_str(&r, "content_location", p->cl);
		spoor_p_bool(&r, "data_present", p->data);
		if (p->data) {
			spoor_p_int(&r, "size", (int64_t)p->size);
			spoor_p_str(&r, "sha256", p->sha256);
			spoor_p_bool(&r, "data_damaged", p->bad);
		}
		x->stop = x->s->emit(x->s->ctx, &r, x->mms_line) != 0;
	}
	mms_reset(x);
}

/*
 * Read one backup from src.  0 when the whole file was read; -1 with
 * *why set when it is not a backup (then nothing was emitted) or broke
 * off (then the records before the break were emitted).  *records: how
 * many messages and calls.
 */
static int sbr_parse(const struct sbr_src *src, const struct sbr_sink *s,
		     char *why, size_t why_size, uint64_t *records)
{
	struct filt *f = calloc(1, sizeof(*f));
	struct sbr x = { .s = s };
	int rc = 0, depth, type, root = 0;
	const char *name;

	*why = '\0';
	*records = 0;
	if (!f) {
		snprintf(why, why_size, "out of memory");
		return -1;
	}
	f->src = *src;
	mms_reset(&x);
	x.r = xmlReaderForIO(filt_read, NULL, f, NULL, NULL,
			     XML_PARSE_NONET | XML_PARSE_NOCDATA |
			     XML_PARSE_BIG_LINES);
	if (!x.r) {
		free(f);
		snprintf(why, why_size, "cannot start the XML reader");
		return -1;
	}
	xmlTextReaderSetStructuredErrorHandler(x.r, on_error, &x);
	while (!x.stop && (rc = xmlTextReaderRead(x.r)) == 1) {
		type = xmlTextReaderNodeType(x.r);
		depth = xmlTextReaderDepth(x.r);
		name = (const char *)xmlTextReaderConstLocalName(x.r);
		if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
			snprintf(x.err, sizeof(x.err), "a DOCTYPE: refused "
				 "(the app writes none)");
			rc = -1;
			break;
		}
		if (type == XML_READER_TYPE_END_ELEMENT && depth == 1 &&
		    x.in_mms && name && !strcmp(name, "mms")) {
			mms_end(&x);
			continue;
		}
		if (type != XML_READER_TYPE_ELEMENT || !name)
			continue;
		if (depth == 0) {
			root = !strcmp(name, "smses") ? 1
				: !strcmp(name, "calls") ? 2 : 0;
			if (!root) {
				snprintf(x.err, sizeof(x.err), "root element "
					 "'%.64s' is not smses or calls", name);
				rc = -1;
				break;
			}
		} else if (depth == 1 && root == 1 && !strcmp(name, "sms")) {
			sms(&x);
		} else if (depth == 1 && root == 1 && !strcmp(name, "mms")) {
			mms_start(&x);
			if (xmlTextReaderIsEmptyElement(x.r))
				mms_end(&x);
		} else if (depth == 1 && root == 2 && !strcmp(name, "call")) {
			call(&x);
		} else if (depth == 3 && x.in_mms && !strcmp(name, "part")) {
			part(&x);
		} else if (depth == 3 && x.in_mms && !strcmp(name, "addr")) {
			addr(&x);
		}
	}
	if (!x.stop && rc == 0 && x.in_mms && !x.err[0])
		snprintf(x.err, sizeof(x.err), "file ends inside an mms");
	if (!x.stop && rc == 0 && !root && !x.err[0])
		snprintf(x.err, sizeof(x.err), "no root element");
	if (f->dtd)	/* whatever libxml2 made of the failed read */
		snprintf(x.err, sizeof(x.err), "a DOCTYPE: refused (the app "
			 "writes none; entities are not expanded)");
	if (!x.stop && (rc < 0 || x.err[0]))
		snprintf(why, why_size, "%s%s", x.err[0] ? x.err :
			 "XML error", x.records ? " (records before it "
			 "were reported)" : "");
	if (!x.stop && !why[0] && f->err)
		snprintf(why, why_size, "read error");
	mms_reset(&x);
	xmlFreeTextReader(x.r);
	*records = x.records;
	free(f);
	return why[0] ? -1 : 0;
}

/* ---- the host side ---- */

struct mem {
	const char *p;
	size_t len, pos;
};

static long mem_read(void *ctx, char *buf, size_t n)
{
	struct mem *m = ctx;

	if (n > m->len - m->pos)
		n = m->len - m->pos;
	memcpy(buf, m->p + m->pos, n);
	m->pos += n;
	return (long)n;
}

struct hctx {
	const struct spoor_host *h;
};

static int h_emit(void *ctx, const struct spoor_record *r, int64_t line)
{
	struct hctx *c = ctx;
	struct spoor_prov prov = { NULL, NULL, -1, line, NULL };

	return c->h->emit(c->h, r, &prov);
}

static int h_e164(void *ctx, const char *raw, const char *cc, char *out,
		  size_t size)
{
	struct hctx *c = ctx;

	return c->h->phone_e164(c->h, raw, cc, out, size);
}

struct fdsrc {
	int fd;
};

static long fd_read(void *ctx, char *buf, size_t n)
{
	struct fdsrc *f = ctx;
	ssize_t got;

	do
		got = read(f->fd, buf, n);
	while (got < 0 && errno == EINTR);
	return (long)got;
}

/* The whole file in memory: only for a host older than ABI 1.1. */
static int run_whole(const struct spoor_host *h, const char *path,
		     const struct sbr_sink *s)
{
	struct mem m = { 0 };
	struct sbr_src src = { mem_read, &m };
	char why[600];
	uint64_t n;
	char *buf = h->read_file(h, path, MAX_FILE, &m.len);

	if (!buf) {
		h->not_understood(h, path, "unreadable or larger than 2 GiB");
		return 0;
	}
	m.p = buf;
	if (sbr_parse(&src, s, why, sizeof(why), &n) < 0)
		h->not_understood(h, path, why);
	h->free_buf(h, buf);
	return 0;
}

static int run(const struct spoor_host *h, const char *path)
{
	struct hctx c = { h };
	struct sbr_sink s = { &c, h_emit, h->option(h, "cc"), h_e164 };
	struct fdsrc f;
	struct sbr_src src = { fd_read, &f };
	char why[600];
	uint64_t n;

	/* streamed from the evidence: a backup of hundreds of MB with
	 * base64 media is never held whole */
	if (!SPOOR_HOST_HAS(h, open_file))
		return run_whole(h, path, &s);
	f.fd = h->open_file(h, path);
	if (f.fd < 0) {
		h->not_understood(h, path, "unreadable");
		return 0;
	}
	if (sbr_parse(&src, &s, why, sizeof(why), &n) < 0)
		h->not_understood(h, path, why);
	close(f.fd);
	return 0;
}

static const char *const types[] = { "message", "attachment", "call",
				     NULL };
/* the app names its files sms-<date>.xml and calls-<date>.xml */
static const char *const patterns[] = { "sms-*.xml", "calls-*.xml",
					"*sms_backup*.xml", NULL };

const struct spoor_plugin spoor_plugin_sms_backup_restore = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "sms-backup-restore",
	.version = "1.0",
	.description = "SMS Backup & Restore XML (sms, mms with parts and "
		"addresses, calls), streamed",
	.types = types,
	.patterns = patterns,
	.run = run,
};
