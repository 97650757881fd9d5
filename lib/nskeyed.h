/*
 * nskeyed.h: property lists from evidence, bounded: the guard every
 * plist passes before libplist parses it (libplist recurses on nesting,
 * so a hostile plist nested deep enough overflows the stack), and a
 * small reader of NSKeyedArchiver archives (the "$archiver"/"$objects"
 * /"$top" form Foundation's NSKeyedArchiver writes) on top of libplist.
 * Header-only: the iOS backup source (artifact_ios.c) and plugins that
 * link libplist themselves (instagram-ios) share one guard, and a fuzz
 * target includes it as it is.
 *
 * A keyed archive keeps every object once in $objects; references are
 * UIDs (indexes into it).  The reader follows references (at most
 * NSK_MAX_HOPS in a row, so a UID cycle ends), reads dictionaries by
 * key, NSString as a string or {NS.string}, NSDate as {NS.time} (Cocoa
 * seconds), and NSArray as {NS.objects}.  It never recurses into the
 * object graph by itself: callers name the keys they want, so hostile
 * graphs (cycles, depth) cost only what the caller asks.
 */
#ifndef SPOOR_NSKEYED_H
#define SPOOR_NSKEYED_H

#include <plist/plist.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * libplist parses nesting by recursion: a hostile plist nested a few
 * hundred thousand levels deep overflows the stack.  Both formats are
 * checked for depth (and a binary one for cycles and bounds) before
 * libplist sees them.
 */
#define NSK_PLIST_DEPTH 64

static inline uint64_t nsk_be_uint(const unsigned char *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

struct nsk_bp {
	const unsigned char *b;
	size_t len, rs, os;
	uint64_t nobj, table;
};

/* The child references of object o: 0 with (*refs, *n), -1 on damage. */
static inline int nsk_bp_children(const struct nsk_bp *bp, uint64_t o,
		       const unsigned char **refs, uint64_t *n)
{
	uint64_t off, cnt;
	unsigned char m;
	size_t at;

	*n = 0;
	off = nsk_be_uint(bp->b + bp->table + o * bp->os, bp->os);
	if (off < 8 || off >= bp->len)
		return -1;
	m = bp->b[off];
	if ((m >> 4) != 0xa && (m >> 4) != 0xc && (m >> 4) != 0xd)
		return 0;
	at = (size_t)off + 1;
	cnt = m & 0xf;
	if (cnt == 0xf) {
		size_t w;

		if (at >= bp->len || (bp->b[at] >> 4) != 1)
			return -1;
		w = (size_t)1 << (bp->b[at] & 0xf);
		if (w > 8 || at + 1 + w > bp->len)
			return -1;
		cnt = nsk_be_uint(bp->b + at + 1, w);
		at += 1 + w;
	}
	if ((m >> 4) == 0xd) {
		if (cnt > bp->len)
			return -1;
		cnt *= 2;
	}
	if (cnt > (bp->len - at) / bp->rs)
		return -1;
	*refs = bp->b + at;
	*n = cnt;
	return 0;
}

static inline bool nsk_bplist_shallow(const unsigned char *b, size_t len)
{
	struct {
		uint64_t obj, next, n;
		const unsigned char *refs;
	} st[NSK_PLIST_DEPTH + 1];
	struct nsk_bp bp = { b, len, 0, 0, 0, 0 };
	const unsigned char *t = b + len - 32;
	unsigned char *state, *below;
	uint64_t top;
	size_t sp = 0;
	bool ok = true;

	if (len < 8 + 32)
		return false;
	bp.os = t[6];
	bp.rs = t[7];
	bp.nobj = nsk_be_uint(t + 8, 8);
	top = nsk_be_uint(t + 16, 8);
	bp.table = nsk_be_uint(t + 24, 8);
	if (!bp.os || bp.os > 8 || !bp.rs || bp.rs > 8 || !bp.nobj ||
	    bp.nobj > len || top >= bp.nobj || bp.table < 8 ||
	    bp.table > len - 32 ||	/* the offset table ends before the
					 * trailer (else the next line wraps) */
	    bp.nobj > (len - 32 - bp.table) / bp.os)
		return false;
	state = calloc((size_t)bp.nobj, 1);
	below = calloc((size_t)bp.nobj, 1);
	if (!state || !below) {
		free(state);
		free(below);
		return false;
	}
	st[0].obj = top;
	st[0].next = 0;
	ok = !nsk_bp_children(&bp, top, &st[0].refs, &st[0].n);
	state[top] = 1;
	sp = 1;
	while (ok && sp) {
		uint64_t c;

		if (st[sp - 1].next == st[sp - 1].n) {
			uint64_t o = st[sp - 1].obj;

			state[o] = 2;
			if (--sp && below[st[sp - 1].obj] < below[o] + 1)
				below[st[sp - 1].obj] = below[o] + 1;
			continue;
		}
		c = nsk_be_uint(st[sp - 1].refs + st[sp - 1].next++ * bp.rs,
			    bp.rs);
		if (c >= bp.nobj || state[c] == 1) {	/* a cycle */
			ok = false;
		} else if (state[c] == 2) {
			if (sp + below[c] > NSK_PLIST_DEPTH)
				ok = false;
			else if (below[st[sp - 1].obj] < below[c] + 1)
				below[st[sp - 1].obj] = below[c] + 1;
		} else if (sp == NSK_PLIST_DEPTH) {
			ok = false;
		} else {
			state[c] = 1;
			st[sp].obj = c;
			st[sp].next = 0;
			ok = !nsk_bp_children(&bp, c, &st[sp].refs, &st[sp].n);
			sp++;
		}
	}
	free(state);
	free(below);
	return ok;
}

/* XML: <array> and <dict> never nested deeper than the limit (a
 * comment that looks like a tag only makes us stricter). */
static inline bool nsk_xml_shallow(const char *p, size_t len)
{
	int depth = 0;

	for (size_t i = 0; i + 1 < len; i++) {
		const char *q = p + i + 1;
		size_t left = len - i - 1;

		if (p[i] != '<')
			continue;
		/* a closing tag in a comment or CDATA is no closing tag
		 * to the parser: skip them (unterminated: nothing after
		 * it counts, the parser fails there too) */
		if (left >= 3 && !memcmp(q, "!--", 3)) {
			const char *e = memmem(q + 3, left - 3, "-->", 3);

			if (!e)
				break;
			i = (size_t)(e - p) + 2;
			continue;
		}
		if (left >= 8 && !memcmp(q, "![CDATA[", 8)) {
			const char *e = memmem(q + 8, left - 8, "]]>", 3);

			if (!e)
				break;
			i = (size_t)(e - p) + 2;
			continue;
		}
		if ((left >= 5 && !memcmp(q, "array", 5)) ||
		    (left >= 4 && !memcmp(q, "dict", 4))) {
			size_t j = i + 1;

			/* to the tag's end, never past the next tag:
			 * linear however hostile the text */
			while (j < len && p[j] != '>' && p[j] != '<')
				j++;
			if (j < len && p[j] == '>' && p[j - 1] == '/')
				continue;	/* <array/> */
			if (++depth > NSK_PLIST_DEPTH)
				return false;
		} else if (left >= 6 && (!memcmp(q, "/array", 6) ||
					 !memcmp(q, "/dict", 5))) {
			depth--;
		}
	}
	return true;
}

static inline bool nsk_plist_shallow(const char *buf, size_t len)
{
	if (len >= 8 && !memcmp(buf, "bplist00", 8))
		return nsk_bplist_shallow((const unsigned char *)buf, len);
	return nsk_xml_shallow(buf, len);
}

/* ---- NSKeyedArchiver ---- */

#define NSK_MAX_BYTES ((size_t)16 << 20)	/* one archive */
#define NSK_MAX_HOPS 16				/* UIDs followed in a row */

struct nsk {
	plist_t pl;		/* the archive's plist, owned */
	plist_t objects;	/* its $objects array */
};

/*
 * Parse a binary plist keyed archive of len bytes: 0 (release with
 * nsk_close), or -1 when it is no bounded bplist, not a dictionary, or
 * has no $objects array.
 */
static inline int nsk_open(struct nsk *a, const void *buf, size_t len)
{
	memset(a, 0, sizeof(*a));
	if (!buf || len < 8 + 32 || len > NSK_MAX_BYTES ||
	    memcmp(buf, "bplist00", 8) ||
	    !nsk_bplist_shallow((const unsigned char *)buf, len))
		return -1;
	plist_from_bin((const char *)buf, (uint32_t)len, &a->pl);
	if (!a->pl || plist_get_node_type(a->pl) != PLIST_DICT)
		goto fail;
	a->objects = plist_dict_get_item(a->pl, "$objects");
	if (!a->objects || plist_get_node_type(a->objects) != PLIST_ARRAY)
		goto fail;
	return 0;
fail:
	if (a->pl)
		plist_free(a->pl);
	memset(a, 0, sizeof(*a));
	return -1;
}

static inline void nsk_close(struct nsk *a)
{
	if (a->pl)
		plist_free(a->pl);
	memset(a, 0, sizeof(*a));
}

/* n with its UID references followed; NULL for "$null", a reference
 * out of range or a chain longer than NSK_MAX_HOPS. */
static inline plist_t nsk_deref(const struct nsk *a, plist_t n)
{
	for (int hops = 0; n && plist_get_node_type(n) == PLIST_UID; hops++) {
		uint64_t uid = 0;

		if (hops == NSK_MAX_HOPS)
			return NULL;
		plist_get_uid_val(n, &uid);
		n = uid < plist_array_get_size(a->objects) ?
			plist_array_get_item(a->objects, (uint32_t)uid) : NULL;
	}
	if (n && plist_get_node_type(n) == PLIST_STRING) {
		uint64_t len = 0;
		const char *s = plist_get_string_ptr(n, &len);

		if (s && len == 5 && !memcmp(s, "$null", 5))
			return NULL;
	}
	return n;
}

/* The archived root object ($top's "root", else its only value). */
static inline plist_t nsk_root(const struct nsk *a)
{
	plist_t top = plist_dict_get_item(a->pl, "$top"), n;

	if (!top || plist_get_node_type(top) != PLIST_DICT)
		return NULL;
	n = plist_dict_get_item(top, "root");
	if (!n && plist_dict_get_size(top) == 1) {
		plist_dict_iter it = NULL;
		char *key = NULL;

		plist_dict_new_iter(top, &it);
		if (it)
			plist_dict_next_item(top, it, &key, &n);
		free(key);
		free(it);
	}
	return nsk_deref(a, n);
}

/* The value under key of the archived object obj (a dictionary). */
static inline plist_t nsk_get(const struct nsk *a, plist_t obj,
			      const char *key)
{
	obj = nsk_deref(a, obj);
	if (!obj || plist_get_node_type(obj) != PLIST_DICT)
		return NULL;
	return nsk_deref(a, plist_dict_get_item(obj, key));
}

/* A string (NSString: a plist string or {NS.string}); NULL if none.
 * The pointer belongs to the archive. */
static inline const char *nsk_string(const struct nsk *a, plist_t n,
				     size_t *len)
{
	uint64_t l = 0;
	const char *s;

	n = nsk_deref(a, n);
	if (n && plist_get_node_type(n) == PLIST_DICT)
		n = nsk_deref(a, plist_dict_get_item(n, "NS.string"));
	if (!n || plist_get_node_type(n) != PLIST_STRING)
		return NULL;
	s = plist_get_string_ptr(n, &l);
	if (len)
		*len = (size_t)l;
	return s;
}

/* An integer (signed or unsigned node). */
static inline bool nsk_int(const struct nsk *a, plist_t n, int64_t *out)
{
	uint64_t u = 0;

	n = nsk_deref(a, n);
	if (!n || plist_get_node_type(n) != PLIST_UINT)
		return false;
	plist_get_uint_val(n, &u);
	*out = (int64_t)u;	/* libplist keeps negatives as two's
				 * complement in a uint */
	return true;
}

/* An NSDate: Cocoa seconds since 2001-01-01 UTC ({NS.time}, a plain
 * real, or a plist date). */
static inline bool nsk_date(const struct nsk *a, plist_t n, double *out)
{
	n = nsk_deref(a, n);
	if (n && plist_get_node_type(n) == PLIST_DICT)
		n = nsk_deref(a, plist_dict_get_item(n, "NS.time"));
	if (!n)
		return false;
	if (plist_get_node_type(n) == PLIST_REAL) {
		plist_get_real_val(n, out);
		return *out == *out;
	}
	if (plist_get_node_type(n) == PLIST_DATE) {
		int32_t sec = 0, usec = 0;

		plist_get_date_val(n, &sec, &usec);	/* from 2001 */
		*out = (double)sec + usec / 1e6;
		return true;
	}
	return false;
}

/* An array (a plist array or NSArray {NS.objects}), or NULL. */
static inline plist_t nsk_array(const struct nsk *a, plist_t n)
{
	n = nsk_deref(a, n);
	if (n && plist_get_node_type(n) == PLIST_DICT)
		n = nsk_deref(a, plist_dict_get_item(n, "NS.objects"));
	return n && plist_get_node_type(n) == PLIST_ARRAY ? n : NULL;
}

static inline uint32_t nsk_count(plist_t arr)
{
	return arr ? plist_array_get_size(arr) : 0;
}

/* Element i of an array from nsk_array, dereferenced. */
static inline plist_t nsk_at(const struct nsk *a, plist_t arr, uint32_t i)
{
	return arr && i < plist_array_get_size(arr) ?
		nsk_deref(a, plist_array_get_item(arr, i)) : NULL;
}

#endif
