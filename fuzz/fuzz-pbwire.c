/*
 * fuzz-pbwire: the protobuf wire-format reader (lib/pbwire.h) that
 * snapchat-android and snapchat-ios run on arroyo.db message_content:
 * every field, the text path 4.4.2.1, the participants path 3.1.1 and
 * the bounded walk over nested values.  Every span must lie inside the
 * input.
 */
#include "fuzz.h"
#include "pbwire.h"

static const uint8_t *base;
static size_t base_len;

static void inside(const uint8_t *p, size_t len)
{
	if (len && (p < base || p + len > base + base_len))
		abort();
	fz_touch(p, len);
}

static int leaf(void *ctx, const struct pb_field *f, int depth)
{
	(void)ctx;
	if (depth >= PB_MAX_DEPTH || f->wire != PB_LEN)
		abort();
	inside(f->p, f->len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t text[] = { 4, 4, 2, 1 }, part[] = { 3, 1, 1 };
	struct pb_field f;
	size_t pos = 0, budget = PB_WALK_BUDGET;
	int r;

	base = data;
	base_len = size;
	while ((r = pb_next(data, size, &pos, &f)) == 1) {
		if (pos > size || !f.num)
			abort();
		if (f.wire == PB_LEN)
			inside(f.p, f.len);
	}
	if (pb_path(data, size, text, 4, &f) == 1 && f.wire == PB_LEN)
		inside(f.p, f.len);
	if (pb_path(data, size, part, 3, &f) == 1 && f.wire == PB_LEN)
		inside(f.p, f.len);
	pb_walk(data, size, 0, leaf, NULL, &budget);
	if (budget > PB_WALK_BUDGET)
		abort();
	return 0;
}
