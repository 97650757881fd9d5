/*
 * whatsapp-txt: WhatsApp "Export chat" text files (Android and iOS
 * layouts, any locale whose markers are in whatsapp-txt.def).
 *
 * A line that starts with a date-time header begins a message; any other
 * line continues the previous one.  The header layout differs by OS,
 * locale and 12/24 h clock (docs/artifacts.md 4.1), so it is parsed by
 * shape, not by locale: [D]D sep [M]M sep YY[YY] (or YYYY sep MM sep DD),
 * optional comma, H:MM[:SS], optional AM/PM in its many spellings, then
 * "] " (iOS) or " - " (Android).  Day/month order is decided once per
 * file: a 4-digit first field, else a field above 12, else the field
 * that changes more often is the day.  Times are local without a zone:
 * the analyst gives --tz (without it they stay local: time_quality
 * zone-unknown, time null), and --me names the device owner (the file
 * does not say who that is).  The file's own order (line numbers) is
 * the order of the conversation, whatever the converted times say.
 */
#include "plugutil.h"

#include <errno.h>
#include <unistd.h>

#include "banned.h"

/* An export is streamed (two passes: the date order, then the
 * messages), so its size has no limit; one message keeps at most
 * MAX_MSG bytes, the rest is cut and the message flagged truncated
 * (its sender and time are in its first bytes and stay).  Hosts before
 * ABI 1.1 (no open_file) hand over the file whole, up to MAX_FILE. */
#define MAX_FILE ((size_t)256 << 20)
#define MAX_MSG ((size_t)16 << 20)

enum how { ATTACH_SUFFIX, ATTACH_ANGLE, WHOLE };

static const struct marker {
	const char *locale;
	enum how how;
	const char *kind, *text;
} markers[] = {
#define WA_MARKER(l, h, k, t) { l, h, k, t },
#include "whatsapp-txt.def"
#undef WA_MARKER
};

struct hdr {
	int a, b, c, alen;	/* date fields as written, digits of a */
	int hh, mm, ss;
	int ampm;		/* 0 none, 1 am, 2 pm */
	bool ios;
	size_t body;		/* offset of the text after the header */
	size_t hdr_len;		/* bytes of the date-time part */
};

/* Spaces WhatsApp puts in headers: ASCII, NBSP, NNBSP, thin space. */
static size_t space_at(const char *p, const char *end)
{
	if (p < end && *p == ' ')
		return 1;
	if (end - p >= 2 && (unsigned char)p[0] == 0xc2 &&
	    (unsigned char)p[1] == 0xa0)
		return 2;
	if (end - p >= 3 && (unsigned char)p[0] == 0xe2 &&
	    (unsigned char)p[1] == 0x80 &&
	    ((unsigned char)p[2] == 0xaf || (unsigned char)p[2] == 0x89))
		return 3;
	return 0;
}

/* U+200E/U+200F/U+FEFF: direction marks and BOM. */
static size_t mark_at(const char *p, const char *end)
{
	if (end - p >= 3 && (unsigned char)p[0] == 0xe2 &&
	    (unsigned char)p[1] == 0x80 &&
	    ((unsigned char)p[2] == 0x8e || (unsigned char)p[2] == 0x8f))
		return 3;
	if (end - p >= 3 && (unsigned char)p[0] == 0xef &&
	    (unsigned char)p[1] == 0xbb && (unsigned char)p[2] == 0xbf)
		return 3;
	return 0;
}

static int num(const char **pp, const char *end, int maxd, int *ndig)
{
	const char *p = *pp;
	int v = 0, n = 0;

	while (p < end && *p >= '0' && *p <= '9' && n < maxd) {
		v = v * 10 + (*p - '0');
		p++;
		n++;
	}
	if (p < end && *p >= '0' && *p <= '9')
		return -1;
	*ndig = n;
	*pp = p;
	return n ? v : -1;
}

static bool parse_header(const char *line, size_t len, struct hdr *h)
{
	const char *p = line, *end = line + len, *start;
	char sep;
	int n, s;

	memset(h, 0, sizeof(*h));
	while ((s = (int)mark_at(p, end)))
		p += s;
	if (p < end && *p == '[') {
		h->ios = true;
		p++;
	}
	start = p;
	if ((h->a = num(&p, end, 4, &h->alen)) < 0 || p >= end)
		return false;
	sep = *p;
	if (sep != '/' && sep != '-' && sep != '.')
		return false;
	p++;
	if ((h->b = num(&p, end, 2, &n)) < 0 || p >= end || *p != sep)
		return false;
	p++;
	if ((h->c = num(&p, end, 4, &n)) < 0 || (n != 2 && n != 4 &&
						 h->alen != 4))
		return false;
	if (p < end && *p == ',')
		p++;
	if (!(s = (int)space_at(p, end)))
		return false;
	p += s;
	if ((h->hh = num(&p, end, 2, &n)) < 0 || p >= end || *p != ':')
		return false;
	p++;
	if ((h->mm = num(&p, end, 2, &n)) < 0 || n != 2)
		return false;
	h->ss = 0;
	if (p < end && *p == ':') {
		p++;
		if ((h->ss = num(&p, end, 2, &n)) < 0 || n != 2)
			return false;
	}
	{
		const char *q = p;

		while ((s = (int)space_at(q, end)))
			q += s;
		if (q < end && (*q == 'a' || *q == 'A' || *q == 'p' ||
				*q == 'P')) {
			int ap = (*q == 'a' || *q == 'A') ? 1 : 2;

			q++;
			if (q < end && *q == '.')
				q++;
			while ((s = (int)space_at(q, end)))
				q += s;
			if (q < end && (*q == 'm' || *q == 'M')) {
				q++;
				if (q < end && *q == '.')
					q++;
				h->ampm = ap;
				p = q;
			}
		}
	}
	h->hdr_len = (size_t)(p - start);
	if (h->ios) {
		if (p >= end || *p != ']')
			return false;
		p++;
		if (!(s = (int)space_at(p, end)))
			return false;
		p += s;
	} else {
		if (!(s = (int)space_at(p, end)))
			return false;
		p += s;
		if (p < end && *p == '-')
			p++;
		else if (end - p >= 3 && !memcmp(p, "\xe2\x80\x93", 3))
			p += 3;	/* en dash */
		else
			return false;
		if (!(s = (int)space_at(p, end)))
			return false;
		p += s;
	}
	if (h->hh > 23 || h->mm > 59 || h->ss > 60 ||
	    (h->ampm && h->hh > 12))	/* "00:08 a. m." occurs */
		return false;
	h->body = (size_t)(p - line);
	return true;
}

enum order { YMD, DMY, MDY };

static const char *order_name(enum order o)
{
	return o == YMD ? "YMD" : o == DMY ? "DMY" : "MDY";
}

/* The date order, decided from every header of the file. */
struct orderdet {
	struct hdr prev;
	int maxa, maxb, cha, chb;
	bool have, four;
	size_t nhdr;
};

static void order_line(struct orderdet *o, const char *p, size_t len)
{
	struct hdr h;

	if (!parse_header(p, len, &h))
		return;
	o->nhdr++;
	o->four |= h.alen == 4;
	if (h.a > o->maxa)
		o->maxa = h.a;
	if (h.b > o->maxb)
		o->maxb = h.b;
	if (o->have) {
		o->cha += h.a != o->prev.a;
		o->chb += h.b != o->prev.b;
	}
	o->prev = h;
	o->have = true;
}

static enum order order_of(const struct orderdet *o)
{
	if (o->four)
		return YMD;
	if (o->maxa > 12)
		return DMY;
	if (o->maxb > 12)
		return MDY;
	return o->chb > o->cha ? MDY : DMY;
}

/*
 * Lines of the export, from the host's stream (or a whole buffer from
 * an older host).  A line longer than MAX_MSG keeps its first MAX_MSG
 * bytes (`cut`); the rest is read past, never held.
 */
struct rd {
	int fd;			/* -1: mem */
	const char *mem;
	size_t memlen, mpos;
	char buf[64 * 1024];
	size_t bpos, blen;
	bool eof, err;
	char *line;		/* the current line, NUL-terminated */
	size_t len, cap;
	bool cut;
	int64_t lineno;
};

static bool rd_fill(struct rd *r)
{
	ssize_t n;

	r->bpos = r->blen = 0;
	if (r->fd < 0) {
		size_t k = r->memlen - r->mpos;

		if (k > sizeof(r->buf))
			k = sizeof(r->buf);
		memcpy(r->buf, r->mem + r->mpos, k);
		r->mpos += k;
		r->blen = k;
		return k > 0;
	}
	do
		n = read(r->fd, r->buf, sizeof(r->buf));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		r->err = true;
	if (n <= 0)
		return false;
	r->blen = (size_t)n;
	return true;
}

static bool rd_keep(struct rd *r, const char *p, size_t n)
{
	if (r->len + n > MAX_MSG) {
		n = MAX_MSG - r->len;
		r->cut = true;
	}
	if (r->len + n + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 4096;
		char *np;

		while (cap < r->len + n + 1)
			cap *= 2;
		np = realloc(r->line, cap);
		if (!np) {
			r->err = true;
			return false;
		}
		r->line = np;
		r->cap = cap;
	}
	memcpy(r->line + r->len, p, n);
	r->len += n;
	r->line[r->len] = '\0';
	return true;
}

/* The next line (without its end) in r->line/r->len; false at the end
 * or on a read error (r->err). */
static bool rd_line(struct rd *r)
{
	bool any = false;

	r->len = 0;
	r->cut = false;
	if (!rd_keep(r, "", 0))
		return false;
	for (;;) {
		const char *p, *nl;
		size_t n;

		if (r->bpos == r->blen && (r->eof || !rd_fill(r))) {
			r->eof = true;
			break;
		}
		any = true;
		p = r->buf + r->bpos;
		n = r->blen - r->bpos;
		nl = memchr(p, '\n', n);
		if (nl)
			n = (size_t)(nl - p);
		if (!r->cut && !rd_keep(r, p, n))
			return false;
		r->bpos += n + (nl != NULL);
		if (nl)
			break;
	}
	if (!any || r->err)
		return false;
	if (r->len && r->line[r->len - 1] == '\r' && !r->cut)
		r->line[--r->len] = '\0';
	r->lineno++;
	return true;
}

/* Back to the first line; false when the stream cannot seek. */
static bool rd_rewind(struct rd *r)
{
	if (r->fd >= 0 && lseek(r->fd, 0, SEEK_SET) != 0)
		return false;
	r->mpos = r->bpos = r->blen = 0;
	r->eof = r->err = false;
	r->lineno = 0;
	return true;
}

struct msgbuf {
	struct hdr h;
	int64_t line;
	char *text;
	size_t len, cap;
	bool truncated;
	char raw_time[64];
	bool lrm;		/* the body began with U+200E (iOS system) */
};

/* Append to the message; past MAX_MSG what fits is kept and the
 * message flagged (never emptied: its sender and time stay). */
static void mb_add(struct msgbuf *m, const char *p, size_t n)
{
	if (m->len + n + 1 > MAX_MSG) {
		m->truncated = true;
		n = MAX_MSG - 1 - m->len;
	}
	if (m->len + n + 1 > m->cap) {
		size_t cap = (m->len + n + 1) * 2;
		char *t;

		if (cap > MAX_MSG)
			cap = MAX_MSG;
		t = realloc(m->text, cap);
		if (!t) {
			m->truncated = true;
			return;
		}
		m->text = t;
		m->cap = cap;
	}
	memcpy(m->text + m->len, p, n);
	m->len += n;
	m->text[m->len] = '\0';
}

struct ctx {
	const struct spoor_host *h;
	const char *path;
	char dir[4096];
	char chat_name[512];
	const char *me, *cc;
	enum order order;
	uint64_t n;
	bool stop;		/* emit said stop (Ctrl-C, output failed) */
};

/* Strip direction marks anywhere at the start of s. */
static const char *skip_marks(const char *s, const char *end)
{
	size_t k;

	while ((k = mark_at(s, end)))
		s += k;
	return s;
}

static void emit(struct ctx *c, struct msgbuf *m)
{
	const struct spoor_host *h = c->h;
	struct spoor_prov prov = { NULL, NULL, -1, m->line, NULL };
	struct spoor_record r;
	struct spoor_resolved res;
	const char *body = m->text ? m->text : "";
	const char *end = body + m->len, *colon, *text, *tend;
	const char *kind = "text";
	char author[512] = "", media[1024] = "";
	struct spoor_phone ph = { 0 };
	struct spoor_local_time lt;
	struct spoor_wallclock w;
	const char *caption = NULL;
	size_t caption_len = 0;
	bool system = false, found = false;
	int y, mo, d, hh = m->h.hh;

	/* the author ends at the first ": " (names may hold spaces,
	 * digits, emoji; texts may hold ": " too) */
	tend = memchr(body, '\n', m->len);
	if (!tend)
		tend = end;
	colon = NULL;
	for (const char *q = body; q < tend; q++)
		if (*q == ':' && (q + 1 == tend || q[1] == ' ' ||
				  q[1] == '.')) {
			colon = q;
			break;
		}
	if (colon && (size_t)(colon - body) < sizeof(author)) {
		memcpy(author, body, (size_t)(colon - body));
		author[colon - body] = '\0';
		text = colon + 1;
		if (text < end && *text == ' ')
			text++;
	} else {
		system = true;
		text = body;
	}
	text = skip_marks(text, end);
	/* markers on the first line of the text */
	tend = memchr(text, '\n', (size_t)(end - text));
	if (!tend)
		tend = end;
	for (size_t i = 0; !system && i < sizeof(markers) /
	     sizeof(markers[0]); i++) {
		const struct marker *mk = &markers[i];
		size_t ml = strlen(mk->text), fl = (size_t)(tend - text);
		const char *f;

		if (mk->how == WHOLE) {
			if (fl == ml && !memcmp(text, mk->text, ml)) {
				kind = mk->kind;
				break;
			}
		} else if (mk->how == ATTACH_SUFFIX) {
			if (fl > ml && !memcmp(tend - ml, mk->text, ml)) {
				size_t n = fl - ml;

				kind = mk->kind;
				if (n < sizeof(media)) {
					memcpy(media, text, n);
					media[n] = '\0';
				}
				break;
			}
		} else if ((f = memmem(text, fl, mk->text, ml)) &&
			   tend[-1] == '>') {
			size_t n = (size_t)(tend - 1 - (f + ml));

			kind = mk->kind;
			if (n < sizeof(media)) {
				memcpy(media, f + ml, n);
				media[n] = '\0';
			}
			break;
		}
	}
	/* iOS writes system lines as "<group>: U+200E<text>": a marked
	 * text that is no attachment or omission is a system line */
	if (!system && !strcmp(kind, "text") && m->lrm) {
		system = true;
		author[0] = '\0';
	}
	if (system)
		kind = "system";
	if (media[0] && tend < end) {
		caption = tend + 1;
		caption_len = (size_t)(end - caption);
	}

	if (c->order == YMD) {
		y = m->h.a;
		mo = m->h.b;
		d = m->h.c;
	} else if (c->order == DMY) {
		d = m->h.a;
		mo = m->h.b;
		y = m->h.c;
	} else {
		mo = m->h.a;
		d = m->h.b;
		y = m->h.c;
	}
	if (y < 100)
		y += 2000;
	if (m->h.ampm == 1 && hh == 12)
		hh = 0;
	else if (m->h.ampm == 2 && hh < 12)
		hh += 12;
	w = (struct spoor_wallclock){ y, mo, d, hh, m->h.mm, m->h.ss };
	if (h->local_time(h, NULL, &w, &lt)) {
		memset(&lt, 0, sizeof(lt));	/* no such date: time null */
	}

	spoor_p_init(&r, "message");
	spoor_p_str(&r, "app", "whatsapp");
	spoor_p_str(&r, "chat_id", c->path);
	spoor_p_str(&r, "chat_name", c->chat_name[0] ? c->chat_name : NULL);
	if (system) {
		spoor_p_str(&r, "direction", NULL);
		spoor_p_null(&r, "from_me");
	} else if (c->me) {
		bool mine = !strcmp(author, c->me);

		spoor_p_str(&r, "direction", mine ? "outgoing" : "incoming");
		spoor_p_bool(&r, "from_me", mine);
	} else {
		spoor_p_str(&r, "direction", "unknown");
		spoor_p_null(&r, "from_me");
	}
	spoor_p_str(&r, "sender_name", system ? NULL : author);
	if (!system)
		h->phone(h, author, c->cc, &ph);
	pu_phone(&r, "sender_phone", &ph);
	spoor_p_local_time(&r, &lt);
	spoor_p_str(&r, "time_raw", m->raw_time);
	spoor_p_str(&r, "time_unit", "local_text");
	spoor_p_str(&r, "date_order", order_name(c->order));
	spoor_p_str(&r, "kind", kind);
	spoor_p_bytes(&r, "text", text, (size_t)(end - text));
	spoor_p_bool(&r, "truncated", m->truncated);
	if (media[0]) {
		spoor_p_str(&r, "media_name", media);
		found = !h->resolve(h, c->dir, media, &res);
		spoor_p_bool(&r, "media_found", found);
		spoor_p_str(&r, "media_evidence_path", found ? res.path : NULL);
		spoor_p_str(&r, "media_sha256", found ? res.sha256 : NULL);
		spoor_p_bytes(&r, "caption", caption, caption_len);
	}
	if (h->emit(h, &r, &prov))
		c->stop = true;
	c->n++;
}

static void chat_name_of(const char *path, char *out, size_t size)
{
	static const char *const pre[] = {
		"WhatsApp Chat with ", "WhatsApp Chat - ", "WhatsApp-chat met ",
		"WhatsApp Chat met ", "WhatsApp-Chat mit ",
	};
	const char *b = strrchr(path, '/');
	size_t n;

	b = b ? b + 1 : path;
	out[0] = '\0';
	for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
		size_t pl = strlen(pre[i]);

		if (strncmp(b, pre[i], pl))
			continue;
		n = strlen(b + pl);
		if (n > 4 && !strcmp(b + pl + n - 4, ".txt"))
			n -= 4;
		if (n >= size)
			n = size - 1;
		memcpy(out, b + pl, n);
		out[n] = '\0';
	}
}

/* Pass 1: the date order, and whether the file starts like an export. */
static bool first_pass(struct rd *r, struct orderdet *o)
{
	bool first = true, starts = false;

	while (rd_line(r)) {
		struct hdr hd;

		if (first && r->len) {
			first = false;
			starts = parse_header(r->line, r->len, &hd);
		}
		order_line(o, r->line, r->len);
	}
	return starts && o->nhdr;
}

/* Pass 2: the messages. */
static void read_messages(struct ctx *c, struct rd *r, struct msgbuf *m)
{
	bool open = false;

	while (!c->stop && rd_line(r)) {
		const char *l = r->line, *lend = r->line + r->len;
		struct hdr hd;

		if (parse_header(l, r->len, &hd)) {
			const char *b = l + hd.body;
			const char *ts = skip_marks(l, lend);
			const char *colon = memchr(b, ':', (size_t)(lend - b));
			size_t tl = hd.hdr_len;

			if (open)
				emit(c, m);
			m->h = hd;
			m->line = r->lineno;
			m->len = 0;
			m->truncated = false;
			if (tl >= sizeof(m->raw_time))
				tl = sizeof(m->raw_time) - 1;
			memcpy(m->raw_time, ts + (ts[0] == '['), tl);
			m->raw_time[tl] = '\0';
			m->lrm = colon && colon + 2 < lend &&
				mark_at(colon + 2, lend);
			mb_add(m, b, (size_t)(lend - b));
			open = true;
		} else if (open) {
			mb_add(m, "\n", 1);
			mb_add(m, l, r->len);
		}
		if (open && r->cut)
			m->truncated = true;
	}
	if (open && !c->stop)
		emit(c, m);
}

static int run(const struct spoor_host *h, const char *path)
{
	struct ctx c = { 0 };
	struct msgbuf m = { 0 };
	struct orderdet od = { 0 };
	struct rd *r = calloc(1, sizeof(*r));
	char *buf = NULL;
	int rc = 0;

	if (!r)
		return -1;
	r->fd = -1;
	if (SPOOR_HOST_HAS(h, open_file)) {
		if ((r->fd = h->open_file(h, path)) < 0) {
			free(r);
			return -1;	/* logged by the host */
		}
	} else if (!(buf = h->read_file(h, path, MAX_FILE, &r->memlen))) {
		free(r);
		return -1;
	} else {
		r->mem = buf;
	}
	c.h = h;
	c.path = path;
	c.me = h->option(h, "me");
	c.cc = h->option(h, "cc");
	pu_dirname(path, c.dir, sizeof(c.dir));
	chat_name_of(path, c.chat_name, sizeof(c.chat_name));
	/* a text file is a chat export only if it starts like one */
	if (!first_pass(r, &od))
		rc = r->err ? -1 : SPOOR_PLUGIN_DECLINED;
	else if (!rd_rewind(r))
		rc = -1;
	if (!rc) {
		c.order = order_of(&od);
		read_messages(&c, r, &m);
		if (r->err)
			rc = -1;
	}
	if (r->err)
		h->log(h, SPOOR_LOG_ERROR, "read error after line %lld: the "
		       "messages before it were reported",
		       (long long)r->lineno);
	if (r->fd >= 0)
		close(r->fd);
	if (buf)
		h->free_buf(h, buf);
	free(r->line);
	free(r);
	free(m.text);
	return rc;
}

static const char *const types[] = { "message", NULL };
static const char *const patterns[] = { "*.txt", NULL };

/* local_time and phone are ABI 1.2 members */
static int run_checked(const struct spoor_host *h, const char *path)
{
	return pu_host_1_2(h) ? run(h, path) : SPOOR_EUNSUPPORTED;
}

const struct spoor_plugin spoor_plugin_whatsapp_txt = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "whatsapp-txt",
	.version = "1.0",
	.description = "WhatsApp chat exports (_chat.txt; Android, iOS; "
		"markers from whatsapp-txt.def)",
	.types = types,
	.patterns = patterns,
	.run = run_checked,
};
