/*
 * export-util.h: what the data-download plugins (snapchat-export,
 * instagram-export, messenger-export, tiktok-export, discord-export)
 * share, header-only: strings kept for one record, Meta's mojibake
 * repair, times (epoch values whose unit is decided by magnitude, UTC
 * text, ISO 8601 with an offset, local wall-clock text through the
 * host), attachments resolved in the evidence (hashed by the host,
 * typed by libmagic from their first 64 KiB, never copied), export
 * roots and paths, the conversation record.
 */
#ifndef SPOOR_EXPORT_UTIL_H
#define SPOOR_EXPORT_UTIL_H

#include <fcntl.h>
#include <magic.h>
#include <strings.h>
#include <unistd.h>

#include "xjson.h"

#define XU_MEM_MAX 1024		/* strings kept for one record */
#define XU_ATT_MAX 16		/* attachments listed per message */
#define XU_PART_MAX 64		/* participants listed per conversation */
#define XU_TEXT_MAX ((size_t)16 << 20)
#define XU_PATH_MAX 4096

/* ---- strings that live until the record is emitted ---- */

struct xu_mem {
	void *p[XU_MEM_MAX];
	size_t n;
};

/* A NUL-terminated copy of (s, n) kept in m, or NULL (m full, out of
 * memory, or s NULL). */
static inline char *xu_keep(struct xu_mem *m, const char *s, size_t n)
{
	char *c;

	if (!s || m->n == XU_MEM_MAX || !(c = malloc(n + 1)))
		return NULL;
	memcpy(c, s, n);
	c[n] = '\0';
	m->p[m->n++] = c;
	return c;
}

static inline char *xu_keepf(struct xu_mem *m, const char *fmt, ...)
	SPOOR_PRINTF(2, 3);

static inline char *xu_keepf(struct xu_mem *m, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	return xu_keep(m, buf, (size_t)n < sizeof(buf) ? (size_t)n
		       : sizeof(buf) - 1);
}

static inline void xu_mem_free(struct xu_mem *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->p[i]);
	m->n = 0;
}

/* ---- UTF-8 and Meta's mojibake ---- */

/* The code point at s (n bytes left) and its length, or 0 for a byte
 * that does not start well-formed UTF-8. */
static inline size_t xu_utf8_cp(const unsigned char *s, size_t n,
				uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (!n)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (c < 0x800 || (c >= 0xd800 && c < 0xe000))) ||
	    (len == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	*cp = c;
	return len;
}

static inline bool xu_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;

	while (n) {
		size_t k = xu_utf8_cp(p, n, &cp);

		if (!k)
			return false;
		p += k;
		n -= k;
	}
	return true;
}

/*
 * Meta writes the UTF-8 bytes of a text as code points U+0000..U+00FF
 * ("\u00c3\u00a9" for "é"), which json-c decodes to UTF-8 of those
 * code points.  When every code point of s is below 256, one of them at
 * least 128, and the bytes they stand for are well-formed UTF-8, that
 * is the text: it is returned (kept in m) and *repaired set.  Anything
 * else is returned as it is (ASCII, a text already right, bytes that
 * would not be UTF-8), so a correct text is never damaged.
 */
static inline const char *xu_mojibake(struct xu_mem *m, const char *s,
				      size_t n, size_t *out_len,
				      bool *repaired)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, o = 0;
	bool high = false;
	uint32_t cp;
	char *b;

	*out_len = n;
	if (!s)
		return NULL;
	while (i < n) {
		if (!(k = xu_utf8_cp(p + i, n - i, &cp)) || cp > 0xff)
			return s;
		high |= cp >= 0x80;
		i += k;
	}
	if (!high || !(b = malloc(n + 1)))
		return s;
	for (i = 0; i < n; i += k) {
		k = xu_utf8_cp(p + i, n - i, &cp);
		b[o++] = (char)cp;
	}
	b[o] = '\0';
	if (!xu_utf8_valid(b, o) || m->n == XU_MEM_MAX) {
		free(b);
		return s;
	}
	m->p[m->n++] = b;
	*out_len = o;
	*repaired = true;
	return b;
}

/* ---- times ---- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static inline int64_t xu_days(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static inline bool xu_wall_ok(const struct spoor_wallclock *w)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
				     30, 31 };
	bool leap = (w->year % 4 == 0 && w->year % 100) ||
		w->year % 400 == 0;

	return w->year >= 1 && w->year <= 9999 && w->mon >= 1 &&
		w->mon <= 12 && w->day >= 1 &&
		w->day <= mdays[w->mon - 1] - (w->mon == 2 && !leap) &&
		w->hour >= 0 && w->hour <= 23 && w->min >= 0 &&
		w->min <= 59 && w->sec >= 0 && w->sec <= 60;
}

static inline int64_t xu_wall_utc(const struct spoor_wallclock *w)
{
	return ((xu_days(w->year, w->mon, w->day) * 24 + w->hour) * 60 +
		w->min) * 60 + w->sec;
}

static inline int xu_digits(const char **pp, const char *end, int n)
{
	const char *p = *pp;
	int v = 0;

	for (int i = 0; i < n; i++, p++) {
		if (p >= end || *p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	*pp = p;
	return v;
}

/*
 * "YYYY-MM-DD[ T]HH:MM[:SS][.fraction]" at the start of (s, n): the
 * reading, the fraction in ns, and where the text goes on.  False when
 * it is no such time (or an impossible one).
 */
static inline bool xu_parse_wall(const char *s, size_t n,
				 struct spoor_wallclock *w, uint32_t *nsec,
				 const char **rest)
{
	const char *p = s, *end = s + n;

	*nsec = 0;
	memset(w, 0, sizeof(*w));
	if ((w->year = xu_digits(&p, end, 4)) < 0 || p >= end || *p++ != '-'
	    || (w->mon = xu_digits(&p, end, 2)) < 0 || p >= end ||
	    *p++ != '-' || (w->day = xu_digits(&p, end, 2)) < 0 ||
	    p >= end || (*p != ' ' && *p != 'T'))
		return false;
	p++;
	if ((w->hour = xu_digits(&p, end, 2)) < 0 || p >= end ||
	    *p++ != ':' || (w->min = xu_digits(&p, end, 2)) < 0)
		return false;
	if (p < end && *p == ':') {
		p++;
		if ((w->sec = xu_digits(&p, end, 2)) < 0)
			return false;
		if (p < end && *p == '.') {
			uint32_t scale = 100000000;

			if (++p >= end || *p < '0' || *p > '9')
				return false;
			for (; p < end && *p >= '0' && *p <= '9'; p++) {
				*nsec += (uint32_t)(*p - '0') * scale;
				scale /= 10;
			}
		}
	}
	*rest = p;
	return xu_wall_ok(w);
}

/*
 * What the rest of a time text says of its zone: 1 for " UTC" or " GMT",
 * 2 and the offset in seconds for "Z", "+HH:MM", "+HHMM", "+HH"; 0 for
 * nothing (a local time); -1 for anything else.
 */
static inline int xu_parse_zone(const char *p, const char *end, int *off)
{
	int sign, hh, mm = 0;

	*off = 0;
	while (p < end && *p == ' ')
		p++;
	if (p == end)
		return 0;
	if (end - p == 3 && (!memcmp(p, "UTC", 3) || !memcmp(p, "GMT", 3)))
		return 1;
	if (end - p == 1 && *p == 'Z')
		return 2;
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if ((hh = xu_digits(&p, end, 2)) < 0 || hh > 14)
		return -1;
	if (p < end && *p == ':')
		p++;
	if (p < end && (mm = xu_digits(&p, end, 2)) < 0)
		return -1;
	if (p != end || mm > 59)
		return -1;
	*off = sign * (hh * 3600 + mm * 60);
	return 2;
}

/* The instant a time text with a zone stands for; false for a local
 * reading or anything else.  No side effects (for comparisons). */
static inline bool xu_text_utc(const char *s, size_t n, int64_t *t,
			       uint32_t *ns)
{
	struct spoor_wallclock w;
	const char *rest;
	int off;

	if (!s || !xu_parse_wall(s, n, &w, ns, &rest) ||
	    xu_parse_zone(rest, s + n, &off) <= 0)
		return false;
	*t = xu_wall_utc(&w) - off;
	return true;
}

/* The civil date of a day number (days since 1970-01-01). */
static inline void xu_civil(int64_t days, int *year, int *mon, int *day)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*mon = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = (int)(yoe + era * 400 + (*mon <= 2));
}

/* Seconds, and ns, of an epoch value whose unit is decided by its
 * magnitude (Snapchat's "Created(microseconds)" holds milliseconds): up
 * to 1e11 seconds, then ms, us, ns.  The unit's name in *unit. */
static inline bool xu_epoch(int64_t v, int64_t *sec, uint32_t *nsec,
			    const char **unit)
{
	int64_t div;

	if (v <= 0)
		return false;
	if (v < 100000000000LL) {
		div = 1;
		*unit = "unix_s";
	} else if (v < 100000000000000LL) {
		div = 1000;
		*unit = "unix_ms";
	} else if (v < 100000000000000000LL) {
		div = 1000000;
		*unit = "unix_us";
	} else {
		div = 1000000000;
		*unit = "unix_ns";
	}
	*sec = v / div;
	*nsec = (uint32_t)((v % div) * (1000000000 / div));
	return true;
}

/* key as the instant of epoch value v (unit by magnitude), key_raw the
 * value, key_unit its unit. */
static inline void xu_time_epoch(struct spoor_record *r, const char *key,
				 const char *key_raw, const char *key_unit,
				 int64_t v, bool have)
{
	struct spoor_field *f = spoor_p_add(r, key, SPOOR_F_TIME);
	const char *unit = NULL;
	int64_t sec = 0;
	uint32_t ns = 0;
	bool ok = have && xu_epoch(v, &sec, &ns, &unit);

	if (f)
		f->v.t = (struct spoor_time){ sec, ns, ok };
	if (have)
		spoor_p_int(r, key_raw, v);
	else
		spoor_p_null(r, key_raw);
	spoor_p_str(r, key_unit, ok ? unit : NULL);
}

/*
 * A time text of the source: with a zone ("2024-04-20 01:29:22 UTC",
 * "2023-01-15T10:30:00+01:00") it is an instant, written as key (UTC),
 * key_raw (the text) and key_unit ("utc_text" or "iso8601"); without
 * one it is a local reading: with key "time" it goes through the
 * host's local_time (the run's --tz, else kept local, zone-unknown) and
 * spoor_p_local_time, with another key it is written as key_local and
 * key stays null.  lt must live until the record is emitted.  Returns
 * the instant's seconds in *utc when there is one.
 */
static inline bool xu_time_text(const struct spoor_host *h,
				struct spoor_record *r, const char *key,
				const char *key_raw, const char *key_unit,
				const char *s, size_t n,
				struct spoor_local_time *lt, int64_t *utc)
{
	struct spoor_wallclock w;
	struct spoor_field *f;
	const char *rest;
	uint32_t ns;
	int off, z = -1;
	bool is_time = !strcmp(key, "time");

	if (s && xu_parse_wall(s, n, &w, &ns, &rest))
		z = xu_parse_zone(rest, s + n, &off);
	if (z > 0) {
		int64_t t = xu_wall_utc(&w) - off;

		if ((f = spoor_p_add(r, key, SPOOR_F_TIME)))
			f->v.t = (struct spoor_time){ t, ns, true };
		spoor_p_bytes(r, key_raw, s, n);
		spoor_p_str(r, key_unit, z == 1 ? "utc_text" : "iso8601");
		if (utc)
			*utc = t;
		return true;
	}
	if (z == 0 && is_time && !h->local_time(h, NULL, &w, lt)) {
		spoor_p_local_time(r, lt);
		spoor_p_bytes(r, key_raw, s, n);
		spoor_p_str(r, key_unit, "local_text");
		return false;
	}
	if ((f = spoor_p_add(r, key, SPOOR_F_TIME)))
		f->v.t = (struct spoor_time){ 0, 0, false };
	spoor_p_bytes(r, key_raw, s, s ? n : 0);
	spoor_p_str(r, key_unit, !s ? NULL : z == 0 ? "local_text"
		    : "unparsed");
	return false;
}

/* ---- paths ---- */

/* dir + "/" + rel (or rel alone when dir is ""), into buf. */
static inline bool xu_join(char *buf, size_t size, const char *dir,
			   const char *rel)
{
	int n = snprintf(buf, size, "%s%s%s", dir, *dir ? "/" : "", rel);

	return n >= 0 && (size_t)n < size;
}

/* The directory of path with `up` more levels removed ("" at the top);
 * false when path has fewer levels. */
static inline bool xu_dir_up(const char *path, int up, char *buf,
			     size_t size)
{
	pu_dirname(path, buf, size);
	for (; up > 0; up--) {
		char *s;

		if (!buf[0])
			return false;
		s = strrchr(buf, '/');
		if (s)
			*s = '\0';
		else
			buf[0] = '\0';
	}
	return true;
}

/* The base name of path. */
static inline const char *xu_base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Whether path has a component equal to name (case-insensitive when
 * icase), and where it starts. */
static inline const char *xu_component(const char *path, const char *name,
				       bool icase)
{
	size_t n = strlen(name);

	for (const char *p = path; *p; ) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len == n && (icase ? !strncasecmp(p, name, n)
				 : !strncmp(p, name, n)))
			return p;
		if (!e)
			break;
		p = e + 1;
	}
	return NULL;
}

/* ---- reading evidence ---- */

/* Open an evidence file for streaming: the host's open_file (ABI 1.1),
 * else -1. */
static inline int xu_open(const struct spoor_host *h, const char *path)
{
	if (!SPOOR_HOST_HAS(h, open_file))
		return -1;
	return h->open_file(h, path);
}

/* Stream the evidence file at path through j: 0, -1 with j->error set,
 * or -2 when it cannot be opened. */
static inline int xu_scan(const struct spoor_host *h, const char *path,
			  struct xj *j)
{
	int fd = xu_open(h, path), rc;

	if (fd < 0)
		return -2;
	rc = xj_run_fd(j, fd);
	close(fd);
	return rc;
}

/* ---- attachments ---- */

struct xu_atts {
	struct spoor_record item[XU_ATT_MAX];
	struct spoor_resolved res[XU_ATT_MAX];
	char mime[XU_ATT_MAX][96];
	size_t n;		/* listed */
	size_t total;		/* named by the message */
	size_t found;
	magic_t magic;		/* opened on first use, per run */
	bool magic_tried;
};

static inline void xu_atts_release(struct xu_atts *a)
{
	if (a->magic)
		magic_close(a->magic);
	a->magic = NULL;
	a->magic_tried = false;
}

/* The MIME type of an evidence file from its first 64 KiB (libmagic), or
 * "" when it cannot be read.  The file is read, never copied. */
static inline void xu_classify(const struct spoor_host *h, struct xu_atts *a,
			       const char *path, char *out, size_t size)
{
	char *head;
	size_t got = 0;
	const char *m;
	int fd;

	out[0] = '\0';
	if (!a->magic_tried) {
		a->magic_tried = true;
		a->magic = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR |
				      MAGIC_NO_CHECK_COMPRESS);
		if (a->magic && magic_load(a->magic, NULL)) {
			h->log(h, SPOOR_LOG_WARN, "cannot load the libmagic "
			       "database: media are not typed");
			magic_close(a->magic);
			a->magic = NULL;
		}
	}
	if (!a->magic || (fd = xu_open(h, path)) < 0)
		return;
	head = malloc(SPOOR_MAGIC_HEAD);
	while (head && got < SPOOR_MAGIC_HEAD) {
		ssize_t n = read(fd, head + got, SPOOR_MAGIC_HEAD - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (head && (m = got ? magic_buffer(a->magic, head, got)
		     : "application/x-empty"))
		snprintf(out, size, "%s", m);
	free(head);
}

static inline void xu_atts_reset(struct xu_atts *a)
{
	a->n = a->total = a->found = 0;
}

/*
 * One attachment named by the source: ref is what the source says (a
 * path relative to the export, a media id, a URL), rel the path to look
 * for in the evidence (NULL: not looked for, e.g. a remote URL), near
 * the directory to prefer.  kind: "photo", "video", ...  Strings are
 * kept in mem.
 */
static inline void xu_att_add(const struct spoor_host *h, struct xu_atts *a,
			      struct xu_mem *mem, const char *kind,
			      const char *ref, size_t ref_len, const char *rel,
			      const char *near)
{
	struct spoor_record *it;
	struct spoor_resolved *res;
	bool found = false;

	for (size_t i = 0; i < a->n; i++)	/* named twice: once */
		for (size_t k = 0; k < a->item[i].n; k++) {
			const struct spoor_field *f = &a->item[i].f[k];

			if (!strcmp(f->key, "ref") && f->kind == SPOOR_F_STR &&
			    f->v.str.len == ref_len &&
			    !memcmp(f->v.str.ptr, ref, ref_len))
				return;
		}
	a->total++;
	if (a->n == XU_ATT_MAX)
		return;
	it = &a->item[a->n];
	res = &a->res[a->n];
	memset(res, 0, sizeof(*res));
	a->mime[a->n][0] = '\0';
	if (rel && *rel && !h->resolve(h, near, rel, res)) {
		found = true;
		a->found++;
		xu_classify(h, a, res->path, a->mime[a->n],
			    sizeof(a->mime[a->n]));
	}
	spoor_p_init(it, "attachment");
	spoor_p_str(it, "kind", kind);
	spoor_p_str(it, "ref", xu_keep(mem, ref, ref_len));
	spoor_p_bool(it, "found", found);
	spoor_p_str(it, "path", found ? res->path : NULL);
	spoor_p_str(it, "sha256", found ? res->sha256 : NULL);
	if (found)
		spoor_p_int(it, "size", (int64_t)res->size);
	else
		spoor_p_null(it, "size");
	spoor_p_str(it, "mime", found && a->mime[a->n][0] ? a->mime[a->n]
		    : NULL);
	a->n++;
}

/*
 * The attachment fields of a message: media_* of the first one (the
 * columns every chat plugin writes), attachments (the list, at most
 * XU_ATT_MAX) and attachment_count (all the source names).
 */
static inline void xu_atts_fields(struct spoor_record *r,
				  const struct xu_atts *a)
{
	if (!a->total) {
		spoor_p_int(r, "attachment_count", 0);
		return;
	}
	spoor_p_int(r, "attachment_count", (int64_t)a->total);
	spoor_p_list(r, "attachments", a->item, a->n);
	spoor_p_bool(r, "media_found", a->n && a->res[0].path[0]);
	spoor_p_str(r, "media_evidence_path", a->n && a->res[0].path[0] ?
		    a->res[0].path : NULL);
	spoor_p_str(r, "media_sha256", a->n && a->res[0].sha256[0] ?
		    a->res[0].sha256 : NULL);
	spoor_p_str(r, "media_mime", a->n && a->mime[0][0] ? a->mime[0]
		    : NULL);
}

/* ---- conversations ---- */

struct xu_party {
	const char *name;	/* display name, or NULL */
	const char *id;		/* username or platform id, or NULL */
	bool owner;
};

struct xu_conv {
	struct spoor_record item[XU_PART_MAX];
	size_t n, total;
};

/* A participant; items point at the strings given (keep them). */
static inline void xu_conv_add(struct xu_conv *c, const char *name,
			       const char *id, int owner)
{
	struct spoor_record *it;

	c->total++;
	if (c->n == XU_PART_MAX)
		return;
	it = &c->item[c->n++];
	spoor_p_init(it, "participant");
	spoor_p_str(it, "name", name);
	spoor_p_str(it, "id", id);
	if (owner < 0)
		spoor_p_null(it, "owner");
	else
		spoor_p_bool(it, "owner", owner);
}

/*
 * The conversation fields: participants (at most XU_PART_MAX listed),
 * participant_count.
 */
static inline void xu_conv_fields(struct spoor_record *r,
				  const struct xu_conv *c)
{
	spoor_p_list(r, "participants", c->item, c->n);
	spoor_p_int(r, "participant_count", (int64_t)c->total);
}

/* The direction fields from "is it the owner's": 1, 0, or -1 unknown. */
static inline void xu_direction(struct spoor_record *r, int mine)
{
	spoor_p_str(r, "direction", mine < 0 ? "unknown" : mine ? "outgoing"
		    : "incoming");
	if (mine < 0)
		spoor_p_null(r, "from_me");
	else
		spoor_p_bool(r, "from_me", mine);
}

/* A string member of o (a number as its text) into r under key, at most
 * XU_TEXT_MAX bytes. */
static inline void xu_fstr(struct spoor_record *r, const char *key,
			   json_object *o, const char *jkey)
{
	size_t n;
	const char *s = xj_str(o, jkey, &n);

	spoor_p_bytes(r, key, s, n > XU_TEXT_MAX ? XU_TEXT_MAX : n);
}

#endif
