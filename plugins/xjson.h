/*
 * xjson.h: JSON of any size for the data-download plugins, header-only
 * (plugins link nothing of each other).
 *
 * A streaming scanner walks the document one byte at a time and keeps
 * only its structure: the open containers (at most XJ_NEST_MAX deep),
 * and for the outer XJ_PATH_MAX levels the key or index being read.  At
 * the start of every value of those levels it asks the plugin (want)
 * whether to skip it, walk into it (a container) or capture it; a
 * captured value (a message object, a name) is collected, at most
 * cap_max bytes, and handed to json-c whole (got), so that no document
 * is ever held in memory, only the one value in hand.  The scanner
 * checks the grammar itself (the skipped parts too): a syntax error, a
 * document cut short or text after it ends the scan with `error` set,
 * after the values already handed over.  Line numbers come with every
 * value (provenance).
 *
 * xj_feed() takes the bytes in pieces of any size (a fuzz target gives
 * them all at once); xj_run_fd() reads a file descriptor; xj_end() says
 * whether the document was complete.
 */
#ifndef SPOOR_XJSON_H
#define SPOOR_XJSON_H

#include <errno.h>
#include <json-c/json.h>
#include <unistd.h>

#include "plugutil.h"

#define XJ_PATH_MAX 12		/* levels whose keys are kept */
#define XJ_NEST_MAX 512		/* containers open at once */
#define XJ_KEY_MAX 512		/* bytes of a key kept (more: cut) */
#define XJ_LIT_MAX 64		/* bytes of a number or literal */
#define XJ_DEPTH 64		/* json-c nesting of a captured value */
#define XJ_CHUNK ((size_t)256 << 10)

enum xj_want { XJ_SKIP, XJ_DESCEND, XJ_CAPTURE };

struct xj_level {
	char type;		/* '{' or '[' */
	int64_t index;		/* member or element being read, from 0 */
	char key[XJ_KEY_MAX];	/* of an object's member, decoded */
	size_t key_len;
	bool key_trunc;
};

struct xj;

struct xj_ops {
	/* A value starts: its container is lv[depth - 1] (none at the
	 * root), and its key or index is there.  enum xj_want. */
	int (*want)(void *ctx, struct xj *j);
	/* A captured value (the plugin owns v and puts it; NULL for a
	 * JSON null), or why set (and v NULL): it could not be read
	 * (larger than cap_max, nested too deep).  Non-zero: stop the
	 * scan. */
	int (*got)(void *ctx, struct xj *j, json_object *v, const char *why);
	/* A container walked into ends (lv[depth - 1] is it); may be
	 * NULL. */
	void (*closed)(void *ctx, struct xj *j);
};

enum xj_state {
	XJ_S_VALUE, XJ_S_VALUE_OR_CLOSE, XJ_S_KEY_OR_CLOSE, XJ_S_KEY,
	XJ_S_COLON, XJ_S_COMMA_OR_CLOSE, XJ_S_STRING, XJ_S_ESC, XJ_S_UHEX,
	XJ_S_LITERAL, XJ_S_END,
};

enum xj_mode { XJ_M_WALK, XJ_M_CAPTURE, XJ_M_SKIP };

struct xj {
	const struct xj_ops *ops;
	void *ctx;
	size_t cap_max;		/* bytes of one captured value */
	struct xj_level lv[XJ_PATH_MAX];
	int depth;		/* walked-into containers in lv */
	char nest[XJ_NEST_MAX];	/* every open container */
	int nd;
	int mode, mode_nd;	/* enum xj_mode; nd where it began */
	char vtype;		/* first byte of the value want() is
				 * asked about: '{', '[', '"', or a
				 * literal's */
	int state;
	bool str_key, cap_over, stop, started;
	int uhex;
	uint32_t ucode, uhigh;
	char lit[XJ_LIT_MAX];
	size_t lit_len;
	int64_t line;		/* of the byte being read, from 1 */
	int64_t value_line;	/* where the captured value began */
	uint64_t off;		/* bytes read */
	struct pu_buf cap;
	const char *cap_from;	/* capture start in the piece being read */
	struct json_tokener *tok;
	const char *error;	/* the scan failed (message) */
	char errbuf[96];
	uint64_t captured, unreadable;
};

/* Set up j; 0, or -1 when out of memory. */
static inline int xj_init(struct xj *j, const struct xj_ops *ops, void *ctx,
			  size_t cap_max)
{
	memset(j, 0, sizeof(*j));
	j->ops = ops;
	j->ctx = ctx;
	j->cap_max = cap_max > (size_t)INT32_MAX - 1 ? (size_t)INT32_MAX - 1
		: cap_max;
	j->cap.max = j->cap_max;
	j->line = 1;
	j->tok = json_tokener_new_ex(XJ_DEPTH);
	return j->tok ? 0 : -1;
}

static inline void xj_release(struct xj *j)
{
	if (j->tok)
		json_tokener_free(j->tok);
	j->tok = NULL;
	pu_buf_free(&j->cap);
}

static inline void xj_fail(struct xj *j, const char *what)
{
	if (j->error)
		return;
	snprintf(j->errbuf, sizeof(j->errbuf), "%s (line %lld)", what,
		 (long long)j->line);
	j->error = j->errbuf;
}

/* The key of level i as a C string ("" for an array's element). */
static inline const char *xj_key(const struct xj *j, int i)
{
	return i >= 0 && i < j->depth && j->lv[i].type == '{' ?
		j->lv[i].key : "";
}

/* Whether the key of level i is one of the NULL-ended names. */
static inline bool xj_key_in(const struct xj *j, int i,
			     const char *const *names)
{
	const char *k = xj_key(j, i);

	if (i < 0 || i >= j->depth || j->lv[i].type != '{' ||
	    j->lv[i].key_trunc)
		return false;
	for (; *names; names++)
		if (!strcmp(k, *names))
			return true;
	return false;
}

/* RFC 6901 pointer of the value being read ("/messages/12"). */
static inline void xj_pointer(const struct xj *j, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < j->depth && n + 1 < size; i++) {
		const struct xj_level *l = &j->lv[i];

		buf[n++] = '/';
		if (l->type == '[') {
			int w = snprintf(buf + n, size - n, "%lld",
					 (long long)l->index);

			n = w < 0 ? n : n + (size_t)w < size ? n + (size_t)w
				: size - 1;
			continue;
		}
		for (size_t k = 0; k < l->key_len && n + 3 < size; k++) {
			char c = l->key[k];

			if (c == '~' || c == '/') {
				buf[n++] = '~';
				buf[n++] = c == '~' ? '0' : '1';
			} else {
				buf[n++] = c;
			}
		}
		buf[n < size ? n : size - 1] = '\0';
	}
	buf[n < size ? n : size - 1] = '\0';
}

/* ---- the scanner ---- */

static inline void xj_key_add(struct xj *j, const char *p, size_t n)
{
	struct xj_level *l = &j->lv[j->depth - 1];

	if (l->key_len + n >= XJ_KEY_MAX) {
		l->key_trunc = true;
		return;
	}
	memcpy(l->key + l->key_len, p, n);
	l->key_len += n;
	l->key[l->key_len] = '\0';
}

static inline void xj_key_cp(struct xj *j, uint32_t c)
{
	char b[4];
	size_t n;

	if (c < 0x80) {
		b[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		b[0] = (char)(0xc0 | c >> 6);
		b[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		b[0] = (char)(0xe0 | c >> 12);
		b[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | c >> 18);
		b[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	xj_key_add(j, b, n);
}

static inline bool xj_keeps_key(const struct xj *j)
{
	return j->str_key && j->mode == XJ_M_WALK && j->depth > 0;
}

/* The captured bytes [cap_from, end) are part of the value. */
static inline void xj_cap_take(struct xj *j, const char *end)
{
	if (j->mode == XJ_M_CAPTURE && j->cap_from && end > j->cap_from &&
	    !j->cap_over) {
		if (!pu_buf_add(&j->cap, j->cap_from,
				(size_t)(end - j->cap_from)))
			j->cap_over = true;
	}
	j->cap_from = NULL;
}

static inline void xj_deliver(struct xj *j)
{
	json_object *v = NULL;
	const char *why = NULL;

	/* a space ends a number json-c would otherwise wait on */
	if (j->cap_over || !pu_buf_add(&j->cap, " ", 1)) {
		why = "a value larger than the limit";
	} else {
		enum json_tokener_error e;

		json_tokener_reset(j->tok);
		v = json_tokener_parse_ex(j->tok, j->cap.p, (int)j->cap.len);
		e = json_tokener_get_error(j->tok);
		if (e != json_tokener_success ||
		    json_tokener_get_parse_end(j->tok) + 1 < j->cap.len) {
			json_object_put(v);
			v = NULL;
			why = e == json_tokener_error_depth ?
				"a value nested deeper than the limit" :
				"a value json-c could not read";
		}
	}
	if (why)
		j->unreadable++;
	else
		j->captured++;
	j->cap.len = 0;
	j->cap.full = false;
	j->cap_over = false;
	if (j->ops->got(j->ctx, j, v, why))
		j->stop = true;
}

/* A value ended just before `end` (a container closed, a scalar). */
static inline void xj_value_end(struct xj *j, const char *end)
{
	if (j->mode != XJ_M_WALK && j->nd == j->mode_nd) {
		int m = j->mode;

		xj_cap_take(j, end);
		j->mode = XJ_M_WALK;
		if (m == XJ_M_CAPTURE)
			xj_deliver(j);
	}
	j->state = j->nd ? XJ_S_COMMA_OR_CLOSE : XJ_S_END;
}

static inline bool xj_lit_ok(const char *s, size_t n)
{
	size_t i = 0;

	if ((n == 4 && (!memcmp(s, "true", 4) || !memcmp(s, "null", 4))) ||
	    (n == 5 && !memcmp(s, "false", 5)))
		return true;
	if (i < n && s[i] == '-')
		i++;
	if (i >= n || s[i] < '0' || s[i] > '9')
		return false;
	if (s[i] == '0')
		i++;
	else
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	if (i < n && s[i] == '.') {
		if (++i >= n || s[i] < '0' || s[i] > '9')
			return false;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return false;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i == n;
}

static inline bool xj_lit_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		(c >= 'A' && c <= 'Z') || c == '-' || c == '+' || c == '.';
}

/* The first byte of a value, at p. */
static inline void xj_value_start(struct xj *j, const char *p)
{
	char c = *p;
	bool container = c == '{' || c == '[';

	if (j->mode == XJ_M_WALK) {
		int w = XJ_SKIP;

		if (j->depth && j->lv[j->depth - 1].type == '[')
			j->lv[j->depth - 1].index++;
		j->vtype = c;
		if (!j->stop)
			w = j->ops->want(j->ctx, j);
		if (w == XJ_DESCEND && (!container || j->depth == XJ_PATH_MAX))
			w = XJ_SKIP;
		if (w == XJ_CAPTURE) {
			j->mode = XJ_M_CAPTURE;
			j->mode_nd = j->nd;
			j->value_line = j->line;
			j->cap.len = 0;
			j->cap_from = p;
		} else if (w == XJ_SKIP) {
			j->mode = XJ_M_SKIP;
			j->mode_nd = j->nd;
		} else {
			struct xj_level *l = &j->lv[j->depth++];

			l->type = c;
			l->index = -1;
			l->key_len = 0;
			l->key[0] = '\0';
			l->key_trunc = false;
		}
	}
	if (container) {
		if (j->nd == XJ_NEST_MAX) {
			xj_fail(j, "JSON nested deeper than 512");
			return;
		}
		j->nest[j->nd++] = c;
		j->state = c == '{' ? XJ_S_KEY_OR_CLOSE : XJ_S_VALUE_OR_CLOSE;
	} else if (c == '"') {
		j->str_key = false;
		j->state = XJ_S_STRING;
	} else if (xj_lit_char(c)) {
		j->lit_len = 0;
		j->lit[j->lit_len++] = c;
		j->state = XJ_S_LITERAL;
	} else {
		xj_fail(j, "not JSON");
	}
}

static inline void xj_close(struct xj *j, const char *p)
{
	char want = *p == '}' ? '{' : '[';

	if (!j->nd || j->nest[j->nd - 1] != want) {
		xj_fail(j, "not JSON: brackets do not match");
		return;
	}
	j->nd--;
	if (j->mode == XJ_M_WALK) {
		if (j->ops->closed && !j->stop)
			j->ops->closed(j->ctx, j);
		j->depth--;
	}
	xj_value_end(j, p + 1);
}

static inline void xj_key_start(struct xj *j)
{
	j->str_key = true;
	j->state = XJ_S_STRING;
	if (j->mode == XJ_M_WALK && j->depth) {
		struct xj_level *l = &j->lv[j->depth - 1];

		l->index++;
		l->key_len = 0;
		l->key[0] = '\0';
		l->key_trunc = false;
	}
}

static inline bool xj_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static inline int xj_hex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
		c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The \uXXXX just read, into a key. */
static inline void xj_key_u(struct xj *j)
{
	uint32_t c = j->ucode;

	if (c >= 0xd800 && c < 0xdc00) {	/* a high surrogate: wait */
		if (j->uhigh)
			xj_key_cp(j, 0xfffd);
		j->uhigh = c;
		return;
	}
	if (c >= 0xdc00 && c < 0xe000) {
		c = j->uhigh ? 0x10000 + ((j->uhigh - 0xd800) << 10) +
			(c - 0xdc00) : 0xfffd;
		j->uhigh = 0;
		xj_key_cp(j, c);
		return;
	}
	if (j->uhigh)
		xj_key_cp(j, 0xfffd);
	j->uhigh = 0;
	xj_key_cp(j, c);
}

/* Read the next piece of the document.  Returns 0, or -1 when the scan
 * has ended (error set, or the plugin asked to stop). */
static inline int xj_feed(struct xj *j, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	if (j->error || j->stop)
		return -1;
	if (!j->started && len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		p += 3;		/* a UTF-8 byte-order mark */
	j->started = true;
	if (j->mode == XJ_M_CAPTURE)
		j->cap_from = p;
	for (; p < end && !j->error && !j->stop; p++) {
		char c = *p;
again:
		switch (j->state) {
		case XJ_S_STRING:
			if (c == '"') {
				if (j->str_key) {
					j->state = XJ_S_COLON;
					if (xj_keeps_key(j) && j->uhigh) {
						xj_key_cp(j, 0xfffd);
						j->uhigh = 0;
					}
				} else {
					xj_value_end(j, p + 1);
				}
			} else if (c == '\\') {
				j->state = XJ_S_ESC;
			} else if ((unsigned char)c < 0x20) {
				xj_fail(j, "not JSON: a control byte in a "
					"string");
			} else if (xj_keeps_key(j)) {
				if (j->uhigh) {
					xj_key_cp(j, 0xfffd);
					j->uhigh = 0;
				}
				xj_key_add(j, p, 1);
			}
			break;
		case XJ_S_ESC: {
			static const char from[] = "\"\\/bfnrt";
			static const char to[] = "\"\\/\b\f\n\r\t";
			const char *e = c ? strchr(from, c) : NULL;

			if (c == 'u') {
				j->uhex = 0;
				j->ucode = 0;
				j->state = XJ_S_UHEX;
				break;
			}
			if (!e) {
				xj_fail(j, "not JSON: a bad escape");
				break;
			}
			if (xj_keeps_key(j)) {
				if (j->uhigh) {
					xj_key_cp(j, 0xfffd);
					j->uhigh = 0;
				}
				xj_key_add(j, &to[e - from], 1);
			}
			j->state = XJ_S_STRING;
			break;
		}
		case XJ_S_UHEX: {
			int v = xj_hex(c);

			if (v < 0) {
				xj_fail(j, "not JSON: a bad \\u escape");
				break;
			}
			j->ucode = j->ucode << 4 | (uint32_t)v;
			if (++j->uhex == 4) {
				if (xj_keeps_key(j))
					xj_key_u(j);
				j->state = XJ_S_STRING;
			}
			break;
		}
		case XJ_S_LITERAL:
			if (xj_lit_char(c)) {
				if (j->lit_len == XJ_LIT_MAX) {
					xj_fail(j, "not JSON: a number too "
						"long");
					break;
				}
				j->lit[j->lit_len++] = c;
				break;
			}
			if (!xj_lit_ok(j->lit, j->lit_len)) {
				xj_fail(j, "not JSON: a bad literal");
				break;
			}
			xj_value_end(j, p);
			goto again;
		default:
			if (c == '\n')
				j->line++;
			if (xj_space(c))
				break;
			switch (j->state) {
			case XJ_S_VALUE:
				xj_value_start(j, p);
				break;
			case XJ_S_VALUE_OR_CLOSE:
				if (c == ']')
					xj_close(j, p);
				else
					xj_value_start(j, p);
				break;
			case XJ_S_KEY_OR_CLOSE:
				if (c == '}')
					xj_close(j, p);
				else if (c == '"')
					xj_key_start(j);
				else
					xj_fail(j, "not JSON: a key expected");
				break;
			case XJ_S_KEY:
				if (c == '"')
					xj_key_start(j);
				else
					xj_fail(j, "not JSON: a key expected");
				break;
			case XJ_S_COLON:
				if (c == ':')
					j->state = XJ_S_VALUE;
				else
					xj_fail(j, "not JSON: ':' expected");
				break;
			case XJ_S_COMMA_OR_CLOSE:
				if (c == ',')
					j->state = j->nest[j->nd - 1] == '{' ?
						XJ_S_KEY : XJ_S_VALUE;
				else if (c == '}' || c == ']')
					xj_close(j, p);
				else
					xj_fail(j, "not JSON: ',' expected");
				break;
			case XJ_S_END:
				xj_fail(j, "text after the JSON value");
				break;
			}
		}
	}
	if (j->mode == XJ_M_CAPTURE && !j->error)
		xj_cap_take(j, p);
	j->cap_from = NULL;
	j->off += (uint64_t)(p - buf);
	return j->error || j->stop ? -1 : 0;
}

/*
 * The document has ended: 0 when it was one complete JSON value (or the
 * plugin stopped the scan), else -1 with error set.
 */
static inline int xj_end(struct xj *j)
{
	if (j->stop && !j->error)
		return 0;
	if (j->error)
		return -1;
	if (j->state == XJ_S_LITERAL && !j->nd) {
		if (!xj_lit_ok(j->lit, j->lit_len)) {
			xj_fail(j, "not JSON: a bad literal");
			return -1;
		}
		xj_value_end(j, NULL);
	}
	if (j->stop)
		return 0;
	if (j->state != XJ_S_END) {
		xj_fail(j, j->off ? "JSON truncated" : "empty file");
		return -1;
	}
	return 0;
}

/* Scan the file open on fd (not closed) to its end; 0, or -1 with error
 * set (a read error too). */
static inline int xj_run_fd(struct xj *j, int fd)
{
	char *buf = malloc(XJ_CHUNK);
	int rc = 0;

	if (!buf) {
		j->error = "out of memory";
		return -1;
	}
	for (;;) {
		ssize_t n = read(fd, buf, XJ_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			xj_fail(j, "read error");
			rc = -1;
			break;
		}
		if (n == 0 || xj_feed(j, buf, (size_t)n))
			break;
	}
	free(buf);
	return rc ? rc : xj_end(j);
}

/* ---- json-c accessors (any member may be missing or of any type) ---- */

static inline json_object *xj_get(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

/* A string member, or a number or boolean as its text; NULL otherwise
 * (null, object, array, absent).  len: bytes. */
static inline const char *xj_str(json_object *o, const char *key,
				 size_t *len)
{
	json_object *v = xj_get(o, key);

	if (len)
		*len = 0;
	if (!v || json_object_is_type(v, json_type_null) ||
	    json_object_is_type(v, json_type_object) ||
	    json_object_is_type(v, json_type_array))
		return NULL;
	if (len)
		*len = json_object_is_type(v, json_type_string) ?
			(size_t)json_object_get_string_len(v) :
			strlen(json_object_get_string(v));
	return json_object_get_string(v);
}

/* The same for a value itself. */
static inline const char *xj_sval(json_object *v, size_t *len)
{
	if (len)
		*len = 0;
	if (!v || json_object_is_type(v, json_type_null) ||
	    json_object_is_type(v, json_type_object) ||
	    json_object_is_type(v, json_type_array))
		return NULL;
	if (len)
		*len = json_object_is_type(v, json_type_string) ?
			(size_t)json_object_get_string_len(v) :
			strlen(json_object_get_string(v));
	return json_object_get_string(v);
}

/* An integer member (a JSON integer, or a string of digits); false
 * otherwise. */
static inline bool xj_int(json_object *o, const char *key, int64_t *out)
{
	json_object *v = xj_get(o, key);
	const char *s;
	char *end;

	if (!v)
		return false;
	if (json_object_is_type(v, json_type_int)) {
		errno = 0;
		*out = json_object_get_int64(v);
		return true;
	}
	if (!json_object_is_type(v, json_type_string))
		return false;
	s = json_object_get_string(v);
	errno = 0;
	*out = strtoll(s, &end, 10);
	return *s && !*end && errno == 0;
}

/* A boolean member: 1 true, 0 false, -1 absent or not a boolean. */
static inline int xj_bool(json_object *o, const char *key)
{
	json_object *v = xj_get(o, key);

	if (!v || !json_object_is_type(v, json_type_boolean))
		return -1;
	return json_object_get_boolean(v) ? 1 : 0;
}

/* Element i of an array; NULL for anything that is no array, or past
 * its end (json-c asserts on those). */
static inline json_object *xj_idx(json_object *a, size_t i)
{
	if (!a || !json_object_is_type(a, json_type_array) ||
	    i >= json_object_array_length(a))
		return NULL;
	return json_object_array_get_idx(a, i);
}

/* Array length (0 for anything that is no array). */
static inline size_t xj_len(json_object *a)
{
	return a && json_object_is_type(a, json_type_array) ?
		json_object_array_length(a) : 0;
}

#endif
