/*
 * tz.c: time zones without the process environment.
 *
 * A local wall-clock time from evidence (a chat export's "31-03-2024
 * 02:30", a FAT directory entry) means an instant only together with a
 * zone, and near a daylight-saving change it may mean two instants or
 * none.  glibc converts only in the process-wide zone (setenv("TZ") +
 * tzset, not thread-safe and slow when switched per value), and ICU
 * carries its own copy of the zone rules that lags the system's tzdata,
 * so this module reads the system's compiled zone files itself
 * (TZif, RFC 8536: /usr/share/zoneinfo, or $TZDIR), with the POSIX TZ
 * rule of the file's footer for instants after its last transition.
 *
 * Every conversion says how good it is: exact, ambiguous (a fold: both
 * instants are returned), or nonexistent (a gap: read with the offset
 * in force before the gap, i.e. the wall clock moved forward by the
 * length of the gap, as java.time and RFC 5545 do).
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "banned.h"

#define TZ_FILE_MAX (256 * 1024)	/* real files are < 4 KiB */
#define TZ_MAX_TIMES 4096
#define TZ_MAX_TYPES 256
#define TZ_NAME_MAX 255
#define TZ_OFFSET_MAX (14 * 3600)	/* --tz grammar: up to +-14:00 */
#define DAY 86400
/* every instant that can show a given wall time lies within this much
 * of it (offsets in zone files stay well inside +-26 h) */
#define WINDOW (30 * 3600)

/* A POSIX TZ rule date: Jn, n or Mm.w.d, plus the time of day. */
struct rule_date {
	char kind;		/* 'J', 'n' or 'M' */
	int a, b, c;		/* J: day; n: day; M: month, week, weekday */
	int32_t time;		/* seconds after local midnight */
};

struct posix_rule {
	bool set, has_dst;
	int32_t std_off, dst_off;	/* UTC offsets, east positive */
	struct rule_date start, end;
};

struct spoor_tz {
	char *spec;		/* as given */
	bool fixed;
	int32_t fixed_off;
	size_t ntimes, ntypes;
	int64_t *times;		/* transition instants, ascending */
	uint8_t *idx;		/* type after each transition */
	int32_t *type_off;	/* UTC offset of each type */
	struct posix_rule footer;
};

const char *spoor_time_quality_name(int q)
{
	switch (q) {
	case SPOOR_TIME_EXACT:
		return "exact";
	case SPOOR_TIME_AMBIGUOUS:
		return "ambiguous";
	case SPOOR_TIME_NONEXISTENT:
		return "nonexistent";
	case SPOOR_TIME_ZONE_UNKNOWN:
		return "zone-unknown";
	}
	return NULL;
}

/* ---- calendar arithmetic (proleptic Gregorian, any year) ---- */

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
				 30, 31 };

	return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 of a civil date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* ---- the zone file (RFC 8536) ---- */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_counts {
	uint32_t isut, isstd, leap, time, type, chr;
};

static bool tzif_header(const unsigned char *p, size_t len,
			struct tzif_counts *c, int *version)
{
	if (len < 44 || memcmp(p, "TZif", 4))
		return false;
	*version = p[4] ? p[4] - '0' : 1;
	c->isut = be32(p + 20);
	c->isstd = be32(p + 24);
	c->leap = be32(p + 28);
	c->time = be32(p + 32);
	c->type = be32(p + 36);
	c->chr = be32(p + 40);
	return c->time <= TZ_MAX_TIMES && c->type >= 1 &&
	       c->type <= TZ_MAX_TYPES && c->chr <= 4096 &&
	       c->leap <= 1000 && (c->isut == 0 || c->isut == c->type) &&
	       (c->isstd == 0 || c->isstd == c->type);
}

static size_t tzif_block_len(const struct tzif_counts *c, size_t tsize)
{
	return c->time * tsize + c->time + c->type * 6 + c->chr +
	       c->leap * (tsize + 4) + c->isstd + c->isut;
}

/* "CET", "<+0330>": the name of a POSIX TZ zone (3+ characters). */
static const char *posix_name(const char *s)
{
	const char *p = s;

	if (*p == '<') {
		while (*++p && *p != '>')
			if (!(*p == '+' || *p == '-' ||
			      (*p >= '0' && *p <= '9') ||
			      (*p >= 'A' && *p <= 'Z') ||
			      (*p >= 'a' && *p <= 'z')))
				return NULL;
		return *p == '>' && p - s >= 4 ? p + 1 : NULL;
	}
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
		p++;
	return p - s >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]], hours up to max_h; seconds into *out. */
static const char *posix_hms(const char *s, int max_h, int32_t *out)
{
	int sign = 1, h = 0, m = 0, sec = 0, n = 0;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	while (*s >= '0' && *s <= '9' && n < 3) {
		h = h * 10 + (*s++ - '0');
		n++;
	}
	if (!n || h > max_h)
		return NULL;
	for (int part = 0; part < 2 && *s == ':'; part++) {
		int v;

		if (!(s[1] >= '0' && s[1] <= '9' && s[2] >= '0' &&
		      s[2] <= '9'))
			return NULL;
		v = (s[1] - '0') * 10 + (s[2] - '0');
		if (v > 59)
			return NULL;
		if (part == 0)
			m = v;
		else
			sec = v;
		s += 3;
	}
	*out = sign * (h * 3600 + m * 60 + sec);
	return s;
}

static const char *posix_int(const char *s, int lo, int hi, int *out)
{
	int v = 0, n = 0;

	while (*s >= '0' && *s <= '9' && n < 4) {
		v = v * 10 + (*s++ - '0');
		n++;
	}
	if (!n || v < lo || v > hi)
		return NULL;
	*out = v;
	return s;
}

static const char *posix_date(const char *s, struct rule_date *d)
{
	d->time = 7200;		/* 02:00 when not given */
	if (*s == 'M') {
		d->kind = 'M';
		if (!(s = posix_int(s + 1, 1, 12, &d->a)) || *s != '.' ||
		    !(s = posix_int(s + 1, 1, 5, &d->b)) || *s != '.' ||
		    !(s = posix_int(s + 1, 0, 6, &d->c)))
			return NULL;
	} else if (*s == 'J') {
		d->kind = 'J';
		if (!(s = posix_int(s + 1, 1, 365, &d->a)))
			return NULL;
	} else {
		d->kind = 'n';
		if (!(s = posix_int(s, 0, 365, &d->a)))
			return NULL;
	}
	if (*s == '/' && !(s = posix_hms(s + 1, 167, &d->time)))
		return NULL;
	return s;
}

/* The TZ string of a zone file's footer: "CET-1CEST,M3.5.0,M10.5.0/3". */
static bool posix_parse(const char *s, struct posix_rule *r)
{
	int32_t off;

	memset(r, 0, sizeof(*r));
	if (!(s = posix_name(s)) || !(s = posix_hms(s, 24, &off)))
		return false;
	r->std_off = -off;	/* POSIX counts west of Greenwich */
	r->dst_off = r->std_off;
	if (*s) {
		if (!(s = posix_name(s)))
			return false;
		r->has_dst = true;
		r->dst_off = r->std_off + 3600;
		if (*s && *s != ',') {
			if (!(s = posix_hms(s, 24, &off)))
				return false;
			r->dst_off = -off;
		}
		/* without rules POSIX leaves the dates to the
		 * implementation: no zone file has that */
		if (*s != ',' || !(s = posix_date(s + 1, &r->start)) ||
		    *s != ',' || !(s = posix_date(s + 1, &r->end)))
			return false;
	}
	r->set = *s == '\0';
	return r->set;
}

static int64_t rule_day(int64_t year, const struct rule_date *d)
{
	int64_t first;
	int wday, day;

	if (d->kind == 'J')	/* 1..365, February 29 never counted */
		return days_from_civil(year, 1, 1) + d->a - 1 +
		       (is_leap(year) && d->a >= 60);
	if (d->kind == 'n')
		return days_from_civil(year, 1, 1) + d->a;
	first = days_from_civil(year, d->a, 1);
	wday = (int)((first % 7 + 7 + 4) % 7);	/* 1970-01-01: Thursday */
	day = 1 + (d->c - wday + 7) % 7 + 7 * (d->b - 1);
	while (day > month_days(year, d->a))
		day -= 7;
	return first + day - 1;
}

/* The instants in year `year` at which daylight time starts and ends. */
static void rule_changes(const struct posix_rule *r, int64_t year,
			 int64_t *start, int64_t *end)
{
	*start = rule_day(year, &r->start) * DAY + r->start.time -
		 r->std_off;
	*end = rule_day(year, &r->end) * DAY + r->end.time - r->dst_off;
}

static int64_t year_of(int64_t t)
{
	int64_t y;
	int m, d;

	civil_from_days(floor_div(t, DAY), &y, &m, &d);
	return y;
}

static int32_t rule_offset(const struct posix_rule *r, int64_t t)
{
	int64_t start, end;

	if (!r->has_dst)
		return r->std_off;
	rule_changes(r, year_of(t + r->std_off), &start, &end);
	if (start < end)
		return t >= start && t < end ? r->dst_off : r->std_off;
	return t >= end && t < start ? r->std_off : r->dst_off;
}

static int tzif_load(struct spoor_tz *z, const unsigned char *p, size_t len,
		     struct spoor_err *err)
{
	struct tzif_counts c;
	int version;
	size_t tsize = 4, off, nl;
	const unsigned char *d, *ti;

	if (!tzif_header(p, len, &c, &version))
		goto bad;
	if (version >= 2) {	/* skip the 32-bit block: use the 64-bit */
		off = 44 + tzif_block_len(&c, 4);
		if (off > len || !tzif_header(p + off, len - off, &c,
					      &version))
			goto bad;
		p += off;
		len -= off;
		tsize = 8;
	}
	if (c.leap)
		return spoor_err_set(err, SPOOR_EUNSUPPORTED, 0,
				     "time zone '%s' counts leap seconds "
				     "(a right/ zone): not supported", z->spec);
	if (44 + tzif_block_len(&c, tsize) > len)
		goto bad;
	d = p + 44;
	z->ntimes = c.time;
	z->ntypes = c.type;
	z->times = calloc(c.time + 1, sizeof(*z->times));
	z->idx = calloc(c.time + 1, 1);
	z->type_off = calloc(c.type, sizeof(*z->type_off));
	if (!z->times || !z->idx || !z->type_off)
		return spoor_err_set(err, SPOOR_ENOMEM, ENOMEM,
				     "out of memory");
	for (size_t i = 0; i < c.time; i++) {
		z->times[i] = tsize == 8 ? be64(d + 8 * i) :
			      (int32_t)be32(d + 4 * i);
		if (i && z->times[i] <= z->times[i - 1])
			goto bad;
	}
	d += c.time * tsize;
	for (size_t i = 0; i < c.time; i++)
		if ((z->idx[i] = d[i]) >= c.type)
			goto bad;
	ti = d + c.time;
	for (size_t i = 0; i < c.type; i++) {
		int32_t o = (int32_t)be32(ti + 6 * i);

		if (o < -26 * 3600 || o > 26 * 3600)
			goto bad;
		z->type_off[i] = o;
	}
	if (version >= 2) {	/* the footer: "\nTZ\n" */
		const unsigned char *f = p + 44 + tzif_block_len(&c, tsize);
		char rule[128];

		if (f >= p + len || *f != '\n')
			goto bad;
		nl = 1;
		while (f + nl < p + len && f[nl] != '\n')
			nl++;
		if (f + nl >= p + len || nl - 1 >= sizeof(rule))
			goto bad;
		memcpy(rule, f + 1, nl - 1);
		rule[nl - 1] = '\0';
		if (rule[0] && !posix_parse(rule, &z->footer))
			goto bad;
	}
	return 0;
bad:
	return spoor_err_set(err, SPOOR_EFORMAT, 0,
			     "'%s' is not a valid compiled time zone",
			     z->spec);
}

/* An IANA name such as "Europe/Amsterdam": letters, digits, '_', '-',
 * '+' and '/' between parts, no "." part, no leading '/'. */
static bool iana_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > TZ_NAME_MAX || s[0] == '/' || s[n - 1] == '/' ||
	    !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
		return false;
	for (const char *p = s; *p; p++) {
		if (*p == '/' && (p[1] == '/' || p[1] == '.'))
			return false;
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || strchr("_-+/", *p)))
			return false;
	}
	return true;
}

static int tz_read_file(struct spoor_tz *z, struct spoor_err *err)
{
	const char *dir = getenv("TZDIR");
	char path[PATH_MAX];
	unsigned char *buf;
	ssize_t n;
	size_t len = 0;
	int fd, rc;

	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, z->spec) >=
	    sizeof(path))
		return spoor_err_set(err, SPOOR_EINVAL, 0,
				     "time zone name too long");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return spoor_err_set(err, SPOOR_EINVAL, errno,
				     "unknown time zone '%s' (not in %s)",
				     z->spec, dir);
	buf = malloc(TZ_FILE_MAX);
	if (!buf) {
		close(fd);
		return spoor_err_set(err, SPOOR_ENOMEM, ENOMEM,
				     "out of memory");
	}
	while (len < TZ_FILE_MAX &&
	       (n = read(fd, buf + len, TZ_FILE_MAX - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	rc = tzif_load(z, buf, len, err);
	free(buf);
	if (rc == SPOOR_EFORMAT)	/* a folder, zone.tab, ...: no zone */
		return spoor_err_set(err, SPOOR_EINVAL, 0,
				     "unknown time zone '%s' (not a zone "
				     "file of %s)", z->spec, dir);
	return rc;
}

/* The --tz grammar's fixed offsets: exactly [+-]HH:MM, up to 14:00. */
static bool fixed_offset(const char *s, int32_t *off)
{
	int h, m;

	if ((s[0] != '+' && s[0] != '-') || strlen(s) != 6 || s[3] != ':')
		return false;
	for (int i = 1; i < 6; i++)
		if (i != 3 && !(s[i] >= '0' && s[i] <= '9'))
			return false;
	h = (s[1] - '0') * 10 + (s[2] - '0');
	m = (s[4] - '0') * 10 + (s[5] - '0');
	if (m > 59 || h * 3600 + m * 60 > TZ_OFFSET_MAX)
		return false;
	*off = (s[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
	return true;
}

void spoor_tz_free(struct spoor_tz *z)
{
	if (!z)
		return;
	free(z->spec);
	free(z->times);
	free(z->idx);
	free(z->type_off);
	free(z);
}

int spoor_tz_new(const char *spec, struct spoor_tz **out,
		 struct spoor_err *err)
{
	struct spoor_tz *z;
	int rc = 0;

	*out = NULL;
	if (!spec)
		return spoor_err_set(err, SPOOR_EINVAL, 0, "no time zone");
	if (!fixed_offset(spec, &(int32_t){ 0 }) && !iana_name_ok(spec))
		return spoor_err_set(err, SPOOR_EINVAL, 0,
				     "invalid time zone '%.64s' (give "
				     "+HH:MM up to +-14:00, or an IANA "
				     "name such as Europe/Amsterdam)", spec);
	z = calloc(1, sizeof(*z));
	if (!z || !(z->spec = strdup(spec))) {
		free(z);
		return spoor_err_set(err, SPOOR_ENOMEM, ENOMEM,
				     "out of memory");
	}
	if (fixed_offset(spec, &z->fixed_off))
		z->fixed = true;
	else
		rc = tz_read_file(z, err);
	if (rc) {
		spoor_tz_free(z);
		return rc;
	}
	*out = z;
	return 0;
}

const char *spoor_tz_spec(const struct spoor_tz *z)
{
	return z->spec;
}

int32_t spoor_tz_offset(const struct spoor_tz *z, int64_t t)
{
	size_t lo = 0, hi;

	if (z->fixed)
		return z->fixed_off;
	if (!z->ntimes || t < z->times[0])
		return z->ntimes || !z->footer.set ? z->type_off[0] :
		       rule_offset(&z->footer, t);
	if (t >= z->times[z->ntimes - 1] && z->footer.set)
		return rule_offset(&z->footer, t);
	hi = z->ntimes;		/* times[lo] <= t < times[hi] */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (z->times[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return z->type_off[z->idx[lo]];
}

/* The index of the first transition at or after t (ntimes if none). */
static size_t first_at_or_after(const struct spoor_tz *z, int64_t t)
{
	size_t lo = 0, hi = z->ntimes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (z->times[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A change of offset: at instant `at`, from `before` to `after`. */
struct change {
	int64_t at;
	int32_t before, after;
};

/* The changes of offset in [lo, hi], at most max of them. */
static size_t changes_in(const struct spoor_tz *z, int64_t lo, int64_t hi,
			 struct change *c, size_t max)
{
	size_t n = 0;
	int64_t cand[8];
	size_t nc = 0;

	if (z->fixed)
		return 0;
	for (size_t i = first_at_or_after(z, lo);
	     i < z->ntimes && z->times[i] <= hi && nc < 4; i++)
		cand[nc++] = z->times[i];
	if (z->footer.set && z->footer.has_dst) {
		for (int64_t y = year_of(lo) - 1; y <= year_of(hi) + 1 &&
		     nc + 2 <= 8; y++) {
			int64_t s, e;

			rule_changes(&z->footer, y, &s, &e);
			if (s >= lo && s <= hi && (!z->ntimes ||
						  s > z->times[z->ntimes - 1]))
				cand[nc++] = s;
			if (e >= lo && e <= hi && (!z->ntimes ||
						  e > z->times[z->ntimes - 1]))
				cand[nc++] = e;
		}
	}
	for (size_t i = 0; i < nc && n < max; i++) {
		int32_t b = spoor_tz_offset(z, cand[i] - 1);
		int32_t a = spoor_tz_offset(z, cand[i]);

		if (a != b)
			c[n++] = (struct change){ cand[i], b, a };
	}
	return n;
}

static bool wall_valid(const struct spoor_wallclock *w)
{
	return w->mon >= 1 && w->mon <= 12 && w->day >= 1 &&
	       w->day <= month_days(w->year, w->mon) && w->hour >= 0 &&
	       w->hour <= 23 && w->min >= 0 && w->min <= 59 &&
	       w->sec >= 0 && w->sec <= 60 && w->year >= -9999 &&
	       w->year <= 99999;
}

int64_t spoor_wallclock_seconds(const struct spoor_wallclock *w)
{
	return days_from_civil(w->year, w->mon, w->day) * DAY +
	       w->hour * 3600 + w->min * 60 + w->sec;
}

int spoor_tz_to_utc(const struct spoor_tz *z, const struct spoor_wallclock *w,
		    struct spoor_tz_conv *out)
{
	struct change ch[8];
	int32_t offs[9];
	size_t n, no = 0;
	int64_t l, first = INT64_MAX, last = INT64_MIN;
	int found = 0;

	memset(out, 0, sizeof(*out));
	if (!wall_valid(w))
		return SPOOR_EINVAL;
	l = spoor_wallclock_seconds(w);
	/* the offsets that can apply near l, then every instant u with
	 * u + offset(u) == l */
	n = changes_in(z, l - WINDOW, l + WINDOW, ch, ARRAY_SIZE(ch));
	offs[no++] = spoor_tz_offset(z, l - WINDOW);
	for (size_t i = 0; i < n; i++)
		offs[no++] = ch[i].after;
	for (size_t i = 0; i < no; i++) {
		int64_t u = l - offs[i];

		if (spoor_tz_offset(z, u) != offs[i])
			continue;
		if (u < first)
			first = u;
		if (u > last)
			last = u;
		found++;
	}
	if (found) {
		out->utc = first;
		out->utc_later = last;
		out->offset = (int32_t)(l - first);
		out->quality = last != first ? SPOOR_TIME_AMBIGUOUS :
			       SPOOR_TIME_EXACT;
		return 0;
	}
	/* a gap: the offset in force before the change it falls in */
	out->quality = SPOOR_TIME_NONEXISTENT;
	out->offset = offs[0];
	for (size_t i = 0; i < n; i++)
		if (ch[i].after > ch[i].before &&
		    l >= ch[i].at + ch[i].before &&
		    l < ch[i].at + ch[i].after)
			out->offset = ch[i].before;
	out->utc = out->utc_later = l - out->offset;
	return 0;
}

char *spoor_wallclock_iso(const struct spoor_wallclock *w,
			  char out[SPOOR_TIME_STR_MAX])
{
	if (!wall_valid(w) || w->year < 0 || w->year > 9999) {
		out[0] = '\0';
		return NULL;
	}
	snprintf(out, SPOOR_TIME_STR_MAX, "%04d-%02d-%02dT%02d:%02d:%02d",
		 w->year, w->mon, w->day, w->hour, w->min, w->sec);
	return out;
}

void spoor_wallclock_from_seconds(int64_t l, struct spoor_wallclock *w)
{
	int64_t y, s = l - floor_div(l, DAY) * DAY;
	int m, d;

	civil_from_days(floor_div(l, DAY), &y, &m, &d);
	w->year = (int)y;
	w->mon = m;
	w->day = d;
	w->hour = (int)(s / 3600);
	w->min = (int)(s / 60 % 60);
	w->sec = (int)(s % 60);
}
