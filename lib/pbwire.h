/*
 * pbwire.h: a bounded reader of the protocol buffers wire format
 * (https://protobuf.dev/programming-guides/encoding/), header-only so
 * that plugins, which link nothing, and fuzz targets can include it.
 *
 * Wire format only: a message is a sequence of (tag, value) pairs, the
 * tag a varint of field number << 3 | wire type; values are varints
 * (0), 8 bytes (1), length-delimited bytes (2) or 4 bytes (5).  Without
 * the app's .proto a length-delimited value may be a string, bytes or a
 * nested message: callers say which path they expect, nothing is
 * guessed.  Groups (3, 4) are obsolete and read as malformed.
 *
 * Every read is bounded by the buffer; nesting by PB_MAX_DEPTH; a walk
 * by a budget of fields.  Nothing allocates.
 */
#ifndef SPOOR_PBWIRE_H
#define SPOOR_PBWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PB_MAX_DEPTH 16		/* nested messages followed */
#define PB_WALK_BUDGET 100000	/* fields one walk visits */

enum pb_wire {
	PB_VARINT = 0,
	PB_I64 = 1,
	PB_LEN = 2,
	PB_I32 = 5,
};

struct pb_field {
	uint32_t num;		/* field number, >= 1 */
	int wire;		/* enum pb_wire */
	uint64_t v;		/* PB_VARINT, PB_I64, PB_I32 */
	const uint8_t *p;	/* PB_LEN: the bytes (inside the buffer) */
	size_t len;
	size_t off;		/* offset of the tag in the buffer */
};

/* A varint at *pos (at most 10 bytes); false when cut or too long. */
static inline bool pb_varint(const uint8_t *p, size_t len, size_t *pos,
			     uint64_t *out)
{
	uint64_t v = 0;

	for (int i = 0; i < 10; i++) {
		uint8_t b;

		if (*pos >= len)
			return false;
		b = p[(*pos)++];
		if (i == 9 && b > 1)
			return false;	/* past 64 bits */
		v |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			*out = v;
			return true;
		}
	}
	return false;
}

/*
 * The field at *pos of the message (p, len): 1 and *pos past it, 0 at
 * the end, -1 when the bytes are no valid field (*pos unchanged).
 */
static inline int pb_next(const uint8_t *p, size_t len, size_t *pos,
			  struct pb_field *f)
{
	size_t at = *pos;
	uint64_t tag, n;

	if (at >= len)
		return 0;
	f->off = at;
	if (!pb_varint(p, len, &at, &tag) || (tag >> 3) == 0 ||
	    (tag >> 3) > 0x1fffffff)
		return -1;
	f->num = (uint32_t)(tag >> 3);
	f->wire = (int)(tag & 7);
	f->v = 0;
	f->p = NULL;
	f->len = 0;
	switch (f->wire) {
	case PB_VARINT:
		if (!pb_varint(p, len, &at, &f->v))
			return -1;
		break;
	case PB_I64:
	case PB_I32:
		n = f->wire == PB_I64 ? 8 : 4;
		if (len - at < n)
			return -1;
		for (uint64_t i = 0; i < n; i++)
			f->v |= (uint64_t)p[at + i] << (8 * i);
		at += n;
		break;
	case PB_LEN:
		if (!pb_varint(p, len, &at, &n) || n > len - at)
			return -1;
		f->p = p + at;
		f->len = (size_t)n;
		at += (size_t)n;
		break;
	default:
		return -1;	/* groups, or no wire type at all */
	}
	*pos = at;
	return 1;
}

/* True when (p, len) reads as a whole message of valid fields (an empty
 * buffer is one). */
static inline bool pb_is_message(const uint8_t *p, size_t len)
{
	struct pb_field f;
	size_t pos = 0;
	int r;

	while ((r = pb_next(p, len, &pos, &f)) == 1)
		;
	return r == 0;
}

/*
 * The first field at a path of field numbers: path[0] in (p, len), each
 * next one inside the previous (a length-delimited sub-message).  1 and
 * *out, 0 when absent, -1 when the bytes on the way are malformed or
 * the path is deeper than PB_MAX_DEPTH.
 */
static inline int pb_path(const uint8_t *p, size_t len,
			  const uint32_t *path, size_t n,
			  struct pb_field *out)
{
	if (!n || n > PB_MAX_DEPTH)
		return -1;
	for (size_t d = 0; d < n; d++) {
		struct pb_field f;
		size_t pos = 0;
		int r;

		while ((r = pb_next(p, len, &pos, &f)) == 1 &&
		       f.num != path[d])
			;
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
		if (d + 1 == n) {
			*out = f;
			return 1;
		}
		if (f.wire != PB_LEN)
			return 0;	/* not a sub-message: absent */
		p = f.p;
		len = f.len;
	}
	return 0;
}

/*
 * Call fn on every length-delimited value of (p, len) and, where such a
 * value itself reads as a whole message, on the values inside it, down
 * to PB_MAX_DEPTH, in order.  *budget (fields left) bounds the work: 0
 * when it ran out.  fn returns non-zero to stop.  0, or fn's value, or
 * -1 when the top level is malformed or the budget ran out.
 */
static inline int pb_walk(const uint8_t *p, size_t len, int depth,
			  int (*fn)(void *ctx, const struct pb_field *f,
				    int depth),
			  void *ctx, size_t *budget)
{
	struct pb_field f;
	size_t pos = 0;
	int r;

	if (depth >= PB_MAX_DEPTH)
		return 0;
	while ((r = pb_next(p, len, &pos, &f)) == 1) {
		int rc;

		if (!*budget)
			return -1;
		(*budget)--;
		if (f.wire != PB_LEN)
			continue;
		if ((rc = fn(ctx, &f, depth)))
			return rc;
		if (f.len && pb_is_message(f.p, f.len) &&
		    (rc = pb_walk(f.p, f.len, depth + 1, fn, ctx, budget)) &&
		    rc != -1)
			return rc;
		if (!*budget)
			return -1;
	}
	return r < 0 && depth == 0 ? -1 : 0;
}

#endif
