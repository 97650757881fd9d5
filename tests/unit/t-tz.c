/*
 * t-tz: time zones against glibc's own reading of the same tzdata (an
 * independent implementation: localtime_r under TZ), the --tz grammar,
 * and the DST cases of issue 13 checked by hand against the published
 * rules (EU: last Sunday of March 01:00Z and of October 01:00Z).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spoor.h"
#include "tap.h"

/* Southern hemisphere, half and quarter hours, abolished DST, a
 * skipped day (Apia 2011), negative DST (Dublin, Casablanca), +14. */
static const char *const zones[] = {
	"Europe/Amsterdam", "America/New_York", "Australia/Sydney",
	"Asia/Kolkata", "America/Sao_Paulo", "Pacific/Apia",
	"Africa/Casablanca", "Europe/Dublin", "Asia/Tehran",
	"America/St_Johns", "Pacific/Chatham", "Antarctica/Troll",
	"Pacific/Kiritimati", "Etc/GMT+12", "Europe/Istanbul",
	"America/Santiago", "UTC",
};

static long glibc_off(time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	return tm.tm_gmtoff;
}

static int64_t glibc_wall(time_t t)
{
	return (int64_t)t + glibc_off(t);
}

static void set_tz(const char *name)
{
	char v[128];

	snprintf(v, sizeof(v), ":%s", name);
	setenv("TZ", v, 1);
	tzset();
}

/* Offsets at sampled instants, and at every change between samples
 * (bisected to the second), equal glibc's. */
#define MAXCH 1024
static int64_t change_at[MAXCH];
static size_t nchange;

static void check_offsets(const struct spoor_tz *z, const char *name)
{
	const int64_t lo = -315619200, hi = 3124137600; /* 1960 - 2069 */
	const int64_t step = 17 * 3600 + 7 * 60 + 7;
	long bad = 0, changes = 0;

	for (int64_t t = lo; t < hi; t += step) {
		long a = glibc_off((time_t)t), b = glibc_off((time_t)(t + step));

		if (spoor_tz_offset(z, t) != a && bad++ < 3)
			diag("%s: offset at %lld: %d, glibc %ld", name,
			     (long long)t, spoor_tz_offset(z, t), a);
		if (a != b) {	/* find the change to the second */
			int64_t l = t, h = t + step;

			while (h - l > 1) {
				int64_t m = l + (h - l) / 2;

				if (glibc_off((time_t)m) == a)
					l = m;
				else
					h = m;
			}
			changes++;
			if (nchange < MAXCH)
				change_at[nchange++] = h;
			if ((spoor_tz_offset(z, l) != a ||
			     spoor_tz_offset(z, h) != glibc_off((time_t)h)) &&
			    bad++ < 3)
				diag("%s: change at %lld missed", name,
				     (long long)h);
		}
	}
	ok(bad == 0, "%s: offsets equal glibc's, 1960-2069 (%ld changes)",
	   name, changes);
}

/* The wall-clock readings to try: a sample, and around every change
 * the readings on both sides of the old and the new clock. */
static size_t readings(int64_t *l, size_t max)
{
	size_t n = 0;

	for (int64_t t = 0; t < 2524608000 && n < max;
	     t += 41 * 3600 + 7 * 60 + 30)
		l[n++] = t;
	for (size_t i = 0; i < nchange && n + 8 <= max; i++) {
		long before = glibc_off((time_t)(change_at[i] - 1));
		long after = glibc_off((time_t)change_at[i]);
		int64_t a = change_at[i] + before, b = change_at[i] + after;

		l[n++] = a - 1;
		l[n++] = a;
		l[n++] = a + 1;
		l[n++] = (a + b) / 2;
		l[n++] = b - 1;
		l[n++] = b;
		l[n++] = b + 1;
		l[n++] = a + 12 * 3600;
	}
	return n;
}

/* Every reading of readings(): the instants glibc maps to it are
 * exactly the ones returned. */
static void check_readings(const struct spoor_tz *z, const char *name)
{
	static int64_t list[60000 + 8 * MAXCH];
	size_t nl = readings(list, sizeof(list) / sizeof(list[0]));
	long bad = 0, amb = 0, gap = 0;

	for (size_t k = 0; k < nl; k++) {
		int64_t l = list[k];
		struct spoor_wallclock w;
		struct spoor_tz_conv c;
		int64_t sol[4];
		int ns = 0;
		long seen[64];
		int nseen = 0;

		/* every offset glibc uses within a day of l */
		for (int64_t u = l - 30 * 3600; u <= l + 30 * 3600;
		     u += 1800) {
			long o = glibc_off((time_t)u);
			bool dup = false;

			for (int i = 0; i < nseen; i++)
				dup |= seen[i] == o;
			if (!dup && nseen < 64)
				seen[nseen++] = o;
		}
		for (int i = 0; i < nseen && ns < 4; i++)
			if (glibc_wall((time_t)(l - seen[i])) == l)
				sol[ns++] = l - seen[i];
		spoor_wallclock_from_seconds(l, &w);
		if (spoor_tz_to_utc(z, &w, &c)) {
			bad++;
			continue;
		}
		if (ns == 1) {
			if (c.quality != SPOOR_TIME_EXACT || c.utc != sol[0])
				bad++;
		} else if (ns == 2) {
			int64_t a = sol[0] < sol[1] ? sol[0] : sol[1];
			int64_t b = sol[0] < sol[1] ? sol[1] : sol[0];

			amb++;
			if (c.quality != SPOOR_TIME_AMBIGUOUS ||
			    c.utc != a || c.utc_later != b)
				bad++;
		} else if (ns == 0) {
			/* the documented rule: the offset before the gap,
			 * i.e. the clock moved forward by the gap */
			long after = glibc_off((time_t)c.utc);
			long gapl = after - c.offset;

			gap++;
			if (c.quality != SPOOR_TIME_NONEXISTENT ||
			    gapl <= 0 ||
			    glibc_wall((time_t)c.utc) != l + gapl ||
			    glibc_off((time_t)(c.utc - gapl)) != c.offset)
				bad++;
		} else {
			bad++;
		}
		if (bad == 1 && ns != 1) {
			diag("%s: reading %lld: %d solutions, quality %d",
			     name, (long long)l, ns, c.quality);
			bad++;
		}
	}
	ok(bad == 0, "%s: %zu readings as glibc sees them (%ld folds, "
	   "%ld gaps)", name, nl, amb, gap);
}

struct dst_case {
	const char *zone, *wall;
	int quality;
	const char *utc, *later;
};

/* Checked by hand against the rules, not against the code. */
static const struct dst_case dst[] = {
	/* EU: summer time from 2024-03-31 01:00Z, winter from
	 * 2024-10-27 01:00Z */
	{ "Europe/Amsterdam", "2024-03-31T01:59:59", SPOOR_TIME_EXACT,
	  "2024-03-31T00:59:59Z", NULL },
	{ "Europe/Amsterdam", "2024-03-31T02:30:00", SPOOR_TIME_NONEXISTENT,
	  "2024-03-31T01:30:00Z", NULL },
	{ "Europe/Amsterdam", "2024-03-31T03:01:00", SPOOR_TIME_EXACT,
	  "2024-03-31T01:01:00Z", NULL },
	{ "Europe/Amsterdam", "2024-10-27T02:30:00", SPOOR_TIME_AMBIGUOUS,
	  "2024-10-27T00:30:00Z", "2024-10-27T01:30:00Z" },
	{ "Europe/Amsterdam", "2024-10-27T03:00:00", SPOOR_TIME_EXACT,
	  "2024-10-27T02:00:00Z", NULL },
	{ "Europe/Amsterdam", "2024-07-01T12:00:00", SPOOR_TIME_EXACT,
	  "2024-07-01T10:00:00Z", NULL },
	/* beyond the last transition of the file: the footer's rule */
	{ "Europe/Amsterdam", "2099-03-29T02:30:00", SPOOR_TIME_NONEXISTENT,
	  "2099-03-29T01:30:00Z", NULL },
	{ "Europe/Amsterdam", "2099-10-25T02:15:00", SPOOR_TIME_AMBIGUOUS,
	  "2099-10-25T00:15:00Z", "2099-10-25T01:15:00Z" },
	/* US: 2024-03-10 02:00 EST -> 03:00 EDT; 2024-11-03 02:00 EDT ->
	 * 01:00 EST */
	{ "America/New_York", "2024-03-10T02:30:00", SPOOR_TIME_NONEXISTENT,
	  "2024-03-10T07:30:00Z", NULL },
	{ "America/New_York", "2024-11-03T01:30:00", SPOOR_TIME_AMBIGUOUS,
	  "2024-11-03T05:30:00Z", "2024-11-03T06:30:00Z" },
	/* Samoa skipped 2011-12-30 */
	{ "Pacific/Apia", "2011-12-30T12:00:00", SPOOR_TIME_NONEXISTENT,
	  NULL, NULL },
	{ "+05:30", "2024-03-31T02:30:00", SPOOR_TIME_EXACT,
	  "2024-03-30T21:00:00Z", NULL },
	{ "-14:00", "2024-01-01T00:00:00", SPOOR_TIME_EXACT,
	  "2024-01-01T14:00:00Z", NULL },
	{ "UTC", "2024-03-31T02:30:00", SPOOR_TIME_EXACT,
	  "2024-03-31T02:30:00Z", NULL },
};

static void check_dst_cases(void)
{
	for (size_t i = 0; i < sizeof(dst) / sizeof(dst[0]); i++) {
		const struct dst_case *d = &dst[i];
		struct spoor_tz *z = NULL;
		struct spoor_wallclock w;
		struct spoor_tz_conv c;
		struct spoor_time t = { 0, 0, true };
		char a[SPOOR_TIME_STR_MAX], b[SPOOR_TIME_STR_MAX];

		sscanf(d->wall, "%d-%d-%dT%d:%d:%d", &w.year, &w.mon, &w.day,
		       &w.hour, &w.min, &w.sec);
		if (spoor_tz_new(d->zone, &z, NULL) ||
		    spoor_tz_to_utc(z, &w, &c)) {
			ok(0, "%s %s converts", d->zone, d->wall);
			spoor_tz_free(z);
			continue;
		}
		is_str(spoor_time_quality_name(c.quality),
		       spoor_time_quality_name(d->quality), d->wall);
		t.sec = c.utc;
		if (d->utc)
			is_str(spoor_time_iso(&t, a), d->utc, "  instant");
		t.sec = c.utc_later;
		if (d->later)
			is_str(spoor_time_iso(&t, b), d->later,
			       "  later instant");
		spoor_tz_free(z);
	}
}

static const struct {
	const char *spec;
	int good;
} grammar[] = {
	{ "+01:00", 1 }, { "-05:30", 1 }, { "+14:00", 1 }, { "-14:00", 1 },
	{ "+00:00", 1 }, { "Europe/Amsterdam", 1 }, { "UTC", 1 },
	{ "America/Argentina/Buenos_Aires", 1 }, { "Etc/GMT-14", 1 },
	{ "+15:00", 0 }, { "+14:01", 0 }, { "+1:5", 0 }, { "+01:5", 0 },
	{ "+0100", 0 }, { "+01", 0 }, { "01:00", 0 }, { "+01:60", 0 },
	{ "", 0 }, { "Europe/Atlantis", 0 }, { "../../etc/passwd", 0 },
	{ "/etc/localtime", 0 }, { "Europe/../UTC", 0 }, { "Europe", 0 },
	{ "zone.tab", 0 }, { "Europe/Amsterdam ", 0 }, { "CET-1CEST", 0 },
	{ "+01:00:00", 0 }, { "Z", 0 },
};

static void check_grammar(void)
{
	for (size_t i = 0; i < sizeof(grammar) / sizeof(grammar[0]); i++) {
		struct spoor_tz *z = NULL;
		struct spoor_err err;
		int rc = spoor_tz_new(grammar[i].spec, &z, &err);

		ok(grammar[i].good ? rc == 0 : rc == SPOOR_EINVAL,
		   "--tz '%s' %s", grammar[i].spec,
		   grammar[i].good ? "accepted" : "refused");
		if (!grammar[i].good && rc)
			ok(strlen(err.msg) > 0, "  with a message: %s",
			   err.msg);
		spoor_tz_free(z);
	}
}

static void check_invalid_readings(void)
{
	static const struct spoor_wallclock badw[] = {
		{ 2024, 13, 1, 0, 0, 0 }, { 2024, 4, 31, 0, 0, 0 },
		{ 2023, 2, 29, 0, 0, 0 }, { 2024, 1, 1, 24, 0, 0 },
		{ 2024, 1, 1, 0, 60, 0 }, { 2024, 0, 1, 0, 0, 0 },
	};
	struct spoor_tz *z = NULL;
	struct spoor_tz_conv c;
	struct spoor_wallclock leap = { 2024, 2, 29, 12, 0, 0 };

	spoor_tz_new("Europe/Amsterdam", &z, NULL);
	for (size_t i = 0; i < sizeof(badw) / sizeof(badw[0]); i++)
		ok(spoor_tz_to_utc(z, &badw[i], &c) == SPOOR_EINVAL,
		   "impossible reading %d-%d-%d %d:%d refused", badw[i].year,
		   badw[i].mon, badw[i].day, badw[i].hour, badw[i].min);
	ok(spoor_tz_to_utc(z, &leap, &c) == 0, "29 February 2024 accepted");
	spoor_tz_free(z);
}

int main(void)
{
	check_grammar();
	check_invalid_readings();
	check_dst_cases();
	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		struct spoor_tz *z = NULL;
		struct spoor_err err;

		if (spoor_tz_new(zones[i], &z, &err)) {
			ok(0, "%s loads: %s", zones[i], err.msg);
			continue;
		}
		set_tz(zones[i]);
		nchange = 0;
		check_offsets(z, zones[i]);
		check_readings(z, zones[i]);
		spoor_tz_free(z);
	}
	return done_testing();
}
