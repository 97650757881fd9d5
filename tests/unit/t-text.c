/*
 * t-text: UTF-8 validation (RFC 3629 edge cases) and ISO 8601 times.
 */
#include <string.h>

#include "spoor.h"
#include "tap.h"

static const struct {
	const char *bytes;
	size_t len;
	int valid;
	const char *what;
} utf8[] = {
	{ "", 0, 1, "empty" },
	{ "plain ascii", 11, 1, "ascii" },
	{ "caf\xc3\xa9", 5, 1, "two-byte" },
	{ "\xe2\x82\xac", 3, 1, "euro sign" },
	{ "\xf0\x9f\x98\x80", 4, 1, "emoji (4 bytes)" },
	{ "a\0b", 3, 1, "NUL is valid" },
	{ "\xff", 1, 0, "0xff" },
	{ "\xc3", 1, 0, "truncated two-byte" },
	{ "\xc0\xaf", 2, 0, "overlong slash" },
	{ "\xe0\x80\xaf", 3, 0, "overlong three-byte" },
	{ "\xed\xa0\x80", 3, 0, "surrogate D800" },
	{ "\xf4\x90\x80\x80", 4, 0, "above U+10FFFF" },
	{ "\xf0\x9f\x98", 3, 0, "truncated four-byte" },
	{ "\x80", 1, 0, "lone continuation" },
	{ "ok\xfe", 3, 0, "bad byte at the end" },
};

static const struct {
	int64_t sec;
	uint32_t nsec;
	const char *want;
} times[] = {
	{ 0, 0, "1970-01-01T00:00:00Z" },
	{ 1717243200, 0, "2024-06-01T12:00:00Z" },
	{ 1717243200, 500000000, "2024-06-01T12:00:00.5Z" },
	{ 1717243200, 123456789, "2024-06-01T12:00:00.123456789Z" },
	{ -1, 0, "1969-12-31T23:59:59Z" },
	{ 253402300799, 0, "9999-12-31T23:59:59Z" },
	{ 253402300800, 0, "" },	/* year 10000: out of range */
};

int main(void)
{
	char buf[SPOOR_TIME_STR_MAX];
	struct spoor_time unset = { 5, 0, false };

	for (size_t i = 0; i < sizeof(utf8) / sizeof(utf8[0]); i++)
		is_int(spoor_utf8_valid(utf8[i].bytes, utf8[i].len),
		       utf8[i].valid, utf8[i].what);
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		struct spoor_time t = { times[i].sec, times[i].nsec, true };

		spoor_time_iso(&t, buf);
		is_str(buf, times[i].want, times[i].want[0] ? times[i].want
							    : "out of range");
	}
	ok(spoor_time_iso(&unset, buf) == NULL && !buf[0],
	   "an unset time gives NULL");
	return done_testing();
}
