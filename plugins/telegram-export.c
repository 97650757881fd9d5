/*
 * telegram-export: Telegram Desktop "Export chat history" / "Export
 * Telegram data" in JSON (result.json): the single-chat form {name,
 * type, id, messages[]} and the full export with personal_information
 * (-> account), contacts.list (-> contact) and chats.list[] (also
 * left_chats.list[]) of messages.  docs/artifacts.md 4.2.
 *
 * `text` is a string or an array of strings and entity objects; the
 * pieces are joined as Telegram shows them.  Service messages are
 * messages with kind "service" and their action, except phone_call,
 * which is a call record (duration, discard_reason).  photo/file paths
 * are relative to the export folder and are looked up there with their
 * SHA-256.  Times: date_unixtime (UTC seconds, a string) is the
 * instant; `date` is the exporting PC's local time and is kept raw.
 * Direction is known when the export names its owner
 * (personal_information.user_id) or when --me gives a name or from_id.
 *
 * Limits: result.json is streamed (any size): a small scanner walks the
 * levels above the messages and json-c parses one message at a time
 * (at most MAX_OBJ, 8 MiB; a larger one is left out, warned and counted
 * as not understood), nesting at most MAX_DEPTH; deeper is "not
 * understood", never a crash.  Hosts before ABI 1.1 hand the file over
 * whole (at most MAX_FILE).  Provenance of each record is a JSON
 * pointer ("/chats/list/0/messages/12") in the field json_pointer.
 *
 * Fuzzing: tg_parse(buf, len, &sink) is the whole parse and walk; it
 * needs only the sink's callbacks (emit, resolve may be NULL).
 */
#include "plugutil.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <json-c/json.h>
#include <unistd.h>

#include "banned.h"

#define MAX_FILE ((size_t)512 << 20)
#define MAX_DEPTH 64
#define MAX_TEXT ((size_t)16 << 20)

struct tg_sink {
	void *ctx;
	/* Non-zero: stop. */
	int (*emit)(void *ctx, const struct spoor_record *r);
	/* Find rel in the export folder: 0 and res filled, or not 0. */
	int (*resolve)(void *ctx, const char *rel,
		       struct spoor_resolved *res);
	const char *me;		/* --me: a name or "user123", or NULL */
	/* A local reading ("date" of an export without date_unixtime) to
	 * its instant(s), or not 0 (time left null). */
	int (*local_time)(void *ctx, const struct spoor_wallclock *w,
			  struct spoor_local_time *out);
};

struct tg {
	const struct tg_sink *s;
	char me_id[64];		/* "user<id>" of the export's owner */
	bool stop;
};

/* ---- json helpers ---- */

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

/* A string member (numbers are given as their text), or NULL. */
static const char *gstr(json_object *o, const char *key, size_t *len)
{
	json_object *v = get(o, key);

	if (len)
		*len = 0;
	if (!v || json_object_is_type(v, json_type_null) ||
	    json_object_is_type(v, json_type_object) ||
	    json_object_is_type(v, json_type_array))
		return NULL;
	/* get_string_len is 0 for numbers: their text is measured */
	if (len)
		*len = json_object_is_type(v, json_type_string) ?
			(size_t)json_object_get_string_len(v) :
			strlen(json_object_get_string(v));
	return json_object_get_string(v);
}

static void fstr(struct spoor_record *r, const char *key, json_object *o,
		 const char *jkey)
{
	size_t l;
	const char *s = gstr(o, jkey, &l);

	spoor_p_bytes(r, key, s, l > MAX_TEXT ? MAX_TEXT : l);
}

static bool gint(json_object *o, const char *key, int64_t *out)
{
	json_object *v = get(o, key);
	const char *s;
	char *end;

	if (!v)
		return false;
	if (json_object_is_type(v, json_type_int)) {
		*out = json_object_get_int64(v);
		return true;
	}
	if (!json_object_is_type(v, json_type_string))
		return false;
	s = json_object_get_string(v);
	*out = strtoll(s, &end, 10);
	return *s && !*end;
}

static void fint(struct spoor_record *r, const char *key, json_object *o,
		 const char *jkey)
{
	int64_t v;

	if (gint(o, jkey, &v))
		spoor_p_int(r, key, v);
	else
		spoor_p_null(r, key);
}

/* `text`: a string, or an array of strings and {type, text} objects. */
static void flatten(json_object *t, struct pu_buf *b)
{
	size_t n;

	if (!t)
		return;
	if (json_object_is_type(t, json_type_string)) {
		pu_buf_add(b, json_object_get_string(t),
			   (size_t)json_object_get_string_len(t));
		return;
	}
	if (!json_object_is_type(t, json_type_array))
		return;
	n = json_object_array_length(t);
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(t, i);
		size_t l;
		const char *s;

		if (json_object_is_type(e, json_type_string)) {
			s = json_object_get_string(e);
			l = (size_t)json_object_get_string_len(e);
		} else {
			s = gstr(e, "text", &l);
		}
		if (s)
			pu_buf_add(b, s, l);
	}
}

static void ftime(struct spoor_record *r, const char *key,
		  const char *key_raw, const char *key_unit, json_object *o,
		  const char *jkey)
{
	int64_t v;
	bool have = gint(o, jkey, &v);

	spoor_p_time(r, key, key_raw, key_unit, have ? v : 0, have, "unix_s");
}

/*
 * The time of a message or call: date_unixtime (UTC; exports since
 * 2021) when present, with "date" (the exporting computer's clock) kept
 * as time_local; an older export has only "date", a local reading with
 * no zone, converted through the host (--tz) and never taken as UTC.
 * lt must outlive the record.
 */
static void msg_time(struct tg *g, struct spoor_record *r, json_object *m,
		     struct spoor_local_time *lt)
{
	const char *d = gstr(m, "date", NULL);
	struct spoor_wallclock w;
	int n = 0;

	if (get(m, "date_unixtime") || !d) {
		ftime(r, "time", "time_raw", "time_unit", m, "date_unixtime");
		fstr(r, "time_local", m, "date");
		return;
	}
	memset(lt, 0, sizeof(*lt));
	if (sscanf(d, "%4d-%2d-%2dT%2d:%2d:%2d%n", &w.year, &w.mon, &w.day,
		   &w.hour, &w.min, &w.sec, &n) != 6 || d[n] ||
	    !g->s->local_time || g->s->local_time(g->s->ctx, &w, lt))
		memset(lt, 0, sizeof(*lt));
	spoor_p_local_time(r, lt);
	spoor_p_str(r, "time_raw", d);
	spoor_p_str(r, "time_unit", "local_text");
}

static void pointer(char *buf, size_t size, const char *base, size_t i)
{
	snprintf(buf, size, "%s/%zu", base, i);
}

/* ---- records ---- */

static void account(struct tg *g, json_object *pi)
{
	struct spoor_record r;
	int64_t id;

	if (!pi || !json_object_is_type(pi, json_type_object))
		return;
	if (gint(pi, "user_id", &id))
		snprintf(g->me_id, sizeof(g->me_id), "user%lld",
			 (long long)id);
	spoor_p_init(&r, "account");
	spoor_p_str(&r, "app", "telegram");
	spoor_p_str(&r, "json_pointer", "/personal_information");
	fint(&r, "user_id", pi, "user_id");
	fstr(&r, "given_name", pi, "first_name");
	fstr(&r, "family_name", pi, "last_name");
	fstr(&r, "phone_raw", pi, "phone_number");
	fstr(&r, "username", pi, "username");
	fstr(&r, "bio", pi, "bio");
	g->stop = g->s->emit(g->s->ctx, &r) != 0;
}

static void contacts(struct tg *g, json_object *list)
{
	size_t n = list && json_object_is_type(list, json_type_array) ?
		json_object_array_length(list) : 0;

	for (size_t i = 0; i < n && !g->stop; i++) {
		json_object *c = json_object_array_get_idx(list, i);
		struct spoor_record r;
		struct pu_buf name = { .max = 4096 };
		const char *f = gstr(c, "first_name", NULL);
		const char *l = gstr(c, "last_name", NULL);
		char ptr[64];

		if (f)
			pu_buf_add(&name, f, strlen(f));
		if (f && *f && l && *l)
			pu_buf_add(&name, " ", 1);
		if (l)
			pu_buf_add(&name, l, strlen(l));
		pointer(ptr, sizeof(ptr), "/contacts/list", i);
		spoor_p_init(&r, "contact");
		spoor_p_str(&r, "app", "telegram");
		spoor_p_str(&r, "json_pointer", ptr);
		fint(&r, "telegram_id", c, "user_id");
		spoor_p_str(&r, "name", name.len ? name.p : NULL);
		fstr(&r, "given_name", c, "first_name");
		fstr(&r, "family_name", c, "last_name");
		fstr(&r, "phone_raw", c, "phone_number");
		ftime(&r, "time_added", "time_added_raw", "time_added_unit",
		      c, "date_unixtime");
		g->stop = g->s->emit(g->s->ctx, &r) != 0;
		pu_buf_free(&name);
	}
}

static const char *direction(const struct tg *g, const char *from_id,
			     const char *from)
{
	const char *me = g->s->me;

	if (g->me_id[0] && from_id)
		return strcmp(from_id, g->me_id) ? "incoming" : "outgoing";
	if (me && (from_id || from))
		return (from_id && !strcmp(from_id, me)) ||
			(from && !strcmp(from, me)) ? "outgoing" : "incoming";
	return NULL;
}

static bool skipped_file(const char *p)
{
	return p && p[0] == '(';	/* "(File not included. ...)" */
}

static void media(struct tg *g, struct spoor_record *r, json_object *m,
		  struct spoor_resolved *res)
{
	const char *p = gstr(m, "photo", NULL);
	const char *kind = "photo";
	bool found = false;

	if (!p) {
		p = gstr(m, "file", NULL);
		kind = "file";
	}
	if (!p)
		return;
	spoor_p_str(r, "media_kind", kind);
	spoor_p_str(r, "media_path", skipped_file(p) ? NULL : p);
	spoor_p_bool(r, "media_not_exported", skipped_file(p));
	fstr(r, "media_name", m, "file_name");
	fstr(r, "media_mime", m, "mime_type");
	if (!skipped_file(p) && g->s->resolve)
		found = !g->s->resolve(g->s->ctx, p, res);
	spoor_p_bool(r, "media_found", found);
	spoor_p_str(r, "media_evidence_path", found ? res->path : NULL);
	spoor_p_str(r, "media_sha256", found ? res->sha256 : NULL);
}

/* The other party of a call: the caller when the owner was called; the
 * person of a one-to-one chat when the owner called ("user" + the chat's
 * id, as actor_id writes users); unknown otherwise (a group's call). */
static void call_party(struct spoor_record *r, const char *dir,
		       json_object *m, json_object *chat, char id[32])
{
	const char *type = gstr(chat, "type", NULL);
	int64_t cid;

	if (dir && !strcmp(dir, "incoming")) {
		spoor_p_str(r, "name", gstr(m, "actor", NULL));
		spoor_p_str(r, "telegram_id", gstr(m, "actor_id", NULL));
	} else if (dir && type && !strcmp(type, "personal_chat") &&
		   gint(chat, "id", &cid)) {
		snprintf(id, 32, "user%" PRId64, cid);
		spoor_p_str(r, "name", gstr(chat, "name", NULL));
		spoor_p_str(r, "telegram_id", id);
	} else {
		spoor_p_null(r, "name");
		spoor_p_null(r, "telegram_id");
	}
}

static void call(struct tg *g, json_object *m, json_object *chat,
		 const char *ptr)
{
	struct spoor_record r;
	const char *actor_id = gstr(m, "actor_id", NULL);
	const char *actor = gstr(m, "actor", NULL);
	const char *dir = direction(g, actor_id, actor);
	const char *reason = gstr(m, "discard_reason", NULL);
	struct spoor_local_time lt;
	char id[32];

	spoor_p_init(&r, "call");
	spoor_p_str(&r, "app", "telegram");
	spoor_p_str(&r, "json_pointer", ptr);
	fint(&r, "message_id", m, "id");
	fint(&r, "chat_id", chat, "id");
	fstr(&r, "chat_name", chat, "name");
	call_party(&r, dir, m, chat, id);
	spoor_p_str(&r, "caller", actor);
	spoor_p_str(&r, "caller_id", actor_id);
	spoor_p_str(&r, "direction", dir ? dir : "unknown");
	if (dir)
		spoor_p_bool(&r, "from_me", !strcmp(dir, "outgoing"));
	else
		spoor_p_null(&r, "from_me");
	msg_time(g, &r, m, &lt);
	fint(&r, "duration", m, "duration_seconds");
	spoor_p_str(&r, "result", reason);
	spoor_p_bool(&r, "missed", reason && !strcmp(reason, "missed"));
	g->stop = g->s->emit(g->s->ctx, &r) != 0;
}

static void message(struct tg *g, json_object *m, json_object *chat,
		    const char *ptr)
{
	struct spoor_record r;
	struct spoor_resolved res;
	struct pu_buf text = { .max = MAX_TEXT };
	const char *type = gstr(m, "type", NULL);
	const char *action = gstr(m, "action", NULL);
	bool service = type && !strcmp(type, "service");
	const char *from_id = gstr(m, service ? "actor_id" : "from_id", NULL);
	const char *from = gstr(m, service ? "actor" : "from", NULL);
	const char *dir = direction(g, from_id, from);
	const char *kind = "text";
	json_object *loc = get(m, "location_information");
	struct spoor_local_time lt;

	if (service && action && !strcmp(action, "phone_call")) {
		call(g, m, chat, ptr);
		return;
	}
	flatten(get(m, "text"), &text);
	if (service)
		kind = "service";
	else if (gstr(m, "media_type", NULL))
		kind = gstr(m, "media_type", NULL);
	else if (gstr(m, "photo", NULL))
		kind = "photo";
	else if (gstr(m, "file", NULL))
		kind = "file";
	else if (loc)
		kind = "location";
	else if (get(m, "contact_information"))
		kind = "contact";
	else if (get(m, "poll"))
		kind = "poll";
	else if (type && strcmp(type, "message"))
		kind = type;
	spoor_p_init(&r, "message");
	spoor_p_str(&r, "app", "telegram");
	spoor_p_str(&r, "json_pointer", ptr);
	fint(&r, "message_id", m, "id");
	fint(&r, "chat_id", chat, "id");
	fstr(&r, "chat_name", chat, "name");
	fstr(&r, "chat_type", chat, "type");
	spoor_p_str(&r, "direction", dir ? dir : "unknown");
	if (dir)
		spoor_p_bool(&r, "from_me", !strcmp(dir, "outgoing"));
	else
		spoor_p_null(&r, "from_me");
	spoor_p_str(&r, "sender_name", from);
	spoor_p_str(&r, "sender_id", from_id);
	msg_time(g, &r, m, &lt);
	ftime(&r, "edited", "edited_raw", "edited_unit", m,
	      "edited_unixtime");
	spoor_p_str(&r, "kind", kind);
	spoor_p_bytes(&r, "text", text.len ? text.p : NULL, text.len);
	spoor_p_bool(&r, "text_truncated", text.full);
	spoor_p_str(&r, "action", action);
	fint(&r, "reply_to_message_id", m, "reply_to_message_id");
	fstr(&r, "forwarded_from", m, "forwarded_from");
	fstr(&r, "via_bot", m, "via_bot");
	fint(&r, "duration", m, "duration_seconds");
	if (loc) {
		fstr(&r, "latitude", loc, "latitude");
		fstr(&r, "longitude", loc, "longitude");
	}
	media(g, &r, m, &res);
	g->stop = g->s->emit(g->s->ctx, &r) != 0;
	pu_buf_free(&text);
}

/* ---- streaming: a bounded scanner for the levels above messages ---- */

/*
 * result.json is read as a stream: this scanner walks the root object,
 * chats.list[] and each messages[] array itself, and hands one message
 * (or personal_information, contacts) at a time to json-c, so memory
 * stays at one message whatever the export's size.  Every value it only
 * passes over is still checked: brackets, strings, depth.
 */
#define MAX_OBJ ((size_t)8 << 20)	/* one message or section kept */

enum { SC_OK, SC_EOF = -1, SC_SYNTAX = -2, SC_DEPTH = -3, SC_IO = -4 };

struct sc {
	int fd;			/* -1: mem */
	const char *mem;
	size_t memlen, mpos;
	unsigned char buf[64 * 1024];
	size_t bpos, blen;
	int err;		/* first SC_* error */
	uint64_t too_big;	/* values over MAX_OBJ left out */
};

static int sc_getc(struct sc *s)
{
	if (s->bpos == s->blen) {
		ssize_t n;

		s->bpos = s->blen = 0;
		if (s->fd < 0) {
			size_t k = s->memlen - s->mpos;

			if (k > sizeof(s->buf))
				k = sizeof(s->buf);
			memcpy(s->buf, s->mem + s->mpos, k);
			s->mpos += k;
			n = (ssize_t)k;
		} else {
			do
				n = read(s->fd, s->buf, sizeof(s->buf));
			while (n < 0 && errno == EINTR);
			if (n < 0 && !s->err)
				s->err = SC_IO;
		}
		if (n <= 0)
			return -1;
		s->blen = (size_t)n;
	}
	return s->buf[s->bpos++];
}

static void sc_unget(struct sc *s)
{
	s->bpos--;	/* only right after a successful sc_getc */
}

static int sc_fail(struct sc *s, int e)
{
	if (!s->err)
		s->err = e;
	return s->err;
}

/* The next byte that is not white space (consumed), or -1. */
static int sc_next(struct sc *s)
{
	int c;

	while ((c = sc_getc(s)) == ' ' || c == '\n' || c == '\r' ||
	       c == '\t')
		;
	return c;
}

static void cap_add(struct pu_buf *cap, int c)
{
	char ch = (char)c;

	if (cap)
		pu_buf_add(cap, &ch, 1);
}

/* The rest of a string after its '"' (kept in cap when given). */
static int sc_string(struct sc *s, struct pu_buf *cap)
{
	int c;

	for (;;) {
		if ((c = sc_getc(s)) < 0)
			return sc_fail(s, SC_EOF);
		cap_add(cap, c);
		if (c == '"')
			return SC_OK;
		if (c < 0x20)
			return sc_fail(s, SC_SYNTAX);
		if (c == '\\') {
			if ((c = sc_getc(s)) < 0)
				return sc_fail(s, SC_EOF);
			cap_add(cap, c);
		}
	}
}

/*
 * One whole value whose first byte c was read, into cap (which goes
 * `full` past its max and is then only scanned).  depth: the depth of
 * the container holding it.
 */
static int sc_value(struct sc *s, int c, int depth, struct pu_buf *cap)
{
	int d = 0;

	for (;;) {
		if (c < 0)
			return sc_fail(s, SC_EOF);
		cap_add(cap, c);
		if (c == '"') {
			if (sc_string(s, cap))
				return s->err;
		} else if (c == '{' || c == '[') {
			if (depth + ++d > MAX_DEPTH)
				return sc_fail(s, SC_DEPTH);
		} else if (c == '}' || c == ']') {
			if (--d < 0)
				return sc_fail(s, SC_SYNTAX);
		} else if (!strchr(" \t\r\n,:", c) && !isalnum(c) &&
			   !strchr("+-.", c)) {
			return sc_fail(s, SC_SYNTAX);
		}
		if (!d && c != ',' && c != ':') {
			/* a scalar ends at the next delimiter */
			if (c != '"' && c != '}' && c != ']') {
				while ((c = sc_getc(s)) >= 0 &&
				       (isalnum(c) || strchr("+-.", c)))
					cap_add(cap, c);
				if (c >= 0)
					sc_unget(s);
			}
			return SC_OK;
		}
		c = sc_getc(s);
	}
}

/* A key of at most size - 1 bytes (longer ones are cut), after '"'. */
static int sc_key(struct sc *s, char *key, size_t size)
{
	struct pu_buf b = { .max = size - 1 };

	if (sc_string(s, &b)) {
		pu_buf_free(&b);
		return s->err;
	}
	/* what was kept ends with the closing quote */
	if (b.len && !b.full)
		b.len--;
	memcpy(key, b.p ? b.p : "", b.len);
	key[b.len] = '\0';
	pu_buf_free(&b);
	return SC_OK;
}

/* Iterate a container opened by `open`: 1 with the next member's first
 * byte in *c (and its key, for an object), 0 at the end, or an error. */
static int sc_member(struct sc *s, int open, bool *first, char *key,
		     size_t ksize, int *c)
{
	int x = sc_next(s);

	if (x == (open == '{' ? '}' : ']') && *first)
		return 0;
	if (!*first) {
		if (x == (open == '{' ? '}' : ']'))
			return 0;
		if (x != ',')
			return x < 0 ? sc_fail(s, SC_EOF)
				: sc_fail(s, SC_SYNTAX);
		x = sc_next(s);
	}
	*first = false;
	if (open == '{') {
		if (x != '"')
			return x < 0 ? sc_fail(s, SC_EOF)
				: sc_fail(s, SC_SYNTAX);
		if (sc_key(s, key, ksize))
			return s->err;
		if ((x = sc_next(s)) != ':')
			return x < 0 ? sc_fail(s, SC_EOF)
				: sc_fail(s, SC_SYNTAX);
		x = sc_next(s);
	}
	if (x < 0)
		return sc_fail(s, SC_EOF);
	*c = x;
	return 1;
}

/* A value kept whole (at most MAX_OBJ) and parsed by json-c, or NULL
 * (too big: counted; not JSON: an error). */
static json_object *sc_parse(struct sc *s, int c, int depth)
{
	struct pu_buf b = { .max = MAX_OBJ };
	json_object *o = NULL;

	/* a space ends a number for json-c (else it waits for more) */
	if (!sc_value(s, c, depth, &b) && !b.full && b.p &&
	    pu_buf_add(&b, " ", 1)) {
		struct json_tokener *tok = json_tokener_new_ex(MAX_DEPTH -
							       depth);

		if (tok)
			o = json_tokener_parse_ex(tok, b.p, (int)b.len);
		if (!o || json_tokener_get_error(tok) != json_tokener_success)
			sc_fail(s, json_tokener_get_error(tok) ==
				json_tokener_error_depth ? SC_DEPTH
				: SC_SYNTAX);
		json_tokener_free(tok);
	} else if (b.full && !s->err) {
		s->too_big++;
	}
	pu_buf_free(&b);
	return o;
}

/* A messages array: each message parsed alone. */
static void sc_messages(struct tg *g, struct sc *s, json_object *chat,
			const char *base, int depth)
{
	bool first = true;
	char ptr[128];
	size_t i = 0;
	int c, r;

	while (!g->stop && (r = sc_member(s, '[', &first, NULL, 0, &c)) == 1) {
		json_object *m = sc_parse(s, c, depth + 1);

		if (m && json_object_is_type(m, json_type_object)) {
			snprintf(ptr, sizeof(ptr), "%s/messages/%zu", base, i);
			message(g, m, chat, ptr);
		}
		json_object_put(m);
		i++;
		if (s->err)
			return;
	}
}

/*
 * An object that is a chat (the root of a single-chat export, or an
 * element of chats.list): its scalar members make the chat json-c sees,
 * its messages are streamed.  At the root (root true) the sections of a
 * full export are handled too.  *kind: what was seen (TG_*).
 */
enum { TG_MESSAGES = 1, TG_EXPORT = 2 };

static void sc_chat(struct tg *g, struct sc *s, const char *base, int depth,
		    bool root, int *kind);

static void sc_chats(struct tg *g, struct sc *s, const char *base, int depth)
{
	bool first = true, lfirst;
	char key[64], ptr[64];
	int c, r, kind;
	size_t i = 0;

	while (!g->stop && (r = sc_member(s, '{', &first, key, sizeof(key),
					  &c)) == 1) {
		if (strcmp(key, "list") || c != '[') {
			if (sc_value(s, c, depth + 1, NULL))
				return;
			continue;
		}
		lfirst = true;
		while (!g->stop && sc_member(s, '[', &lfirst, NULL, 0, &c) ==
		       1) {
			pointer(ptr, sizeof(ptr), base, i++);
			if (c == '{')
				sc_chat(g, s, ptr, depth + 2, false, &kind);
			else if (sc_value(s, c, depth + 2, NULL))
				return;
			if (s->err)
				return;
		}
		if (s->err)
			return;
	}
}

static void sc_chat(struct tg *g, struct sc *s, const char *base, int depth,
		    bool root, int *kind)
{
	json_object *chat = json_object_new_object();
	bool first = true;
	char key[64];
	int c, r;

	while (chat && !g->stop && !s->err &&
	       (r = sc_member(s, '{', &first, key, sizeof(key), &c)) == 1) {
		if (!strcmp(key, "messages") && c == '[') {
			*kind |= TG_MESSAGES;
			sc_messages(g, s, chat, base, depth + 1);
		} else if (root && (!strcmp(key, "chats") ||
				    !strcmp(key, "left_chats")) && c == '{') {
			*kind |= TG_EXPORT;
			sc_chats(g, s, key[0] == 'c' ? "/chats/list"
				 : "/left_chats/list", depth + 1);
		} else if (root && (!strcmp(key, "personal_information") ||
				    !strcmp(key, "contacts"))) {
			json_object *o = sc_parse(s, c, depth + 1);

			*kind |= TG_EXPORT;
			if (key[0] == 'p')
				account(g, o);
			else
				contacts(g, get(o, "list"));
			json_object_put(o);
		} else if (c == '{' || c == '[') {
			sc_value(s, c, depth + 1, NULL);	/* not needed */
		} else {
			json_object *v = sc_parse(s, c, depth + 1);

			if (v)
				json_object_object_add(chat, key, v);
		}
	}
	json_object_put(chat);
}

/*
 * Parse result.json from s and emit its records.  0, or a negative
 * value with *why set when it is not a Telegram export (or too deep,
 * or not JSON); *too_big: messages over MAX_OBJ left out.
 */
static int tg_stream(struct sc *s, const struct tg_sink *sink,
		     const char **why)
{
	struct tg g = { sink, "", false };
	int c = sc_next(s), kind = 0;

	*why = NULL;
	if (c == '{')
		sc_chat(&g, s, "", 0, true, &kind);
	else
		sc_fail(s, c < 0 ? SC_EOF : SC_SYNTAX);
	if (!s->err && !g.stop && sc_next(s) >= 0)
		*why = "text after the JSON value";
	if (g.stop)
		return 0;
	if (s->err)
		*why = s->err == SC_DEPTH ? "JSON nested deeper than the "
			"limit (64)" : s->err == SC_EOF ? "JSON truncated"
			: s->err == SC_IO ? "read error" : "not valid JSON";
	else if (!*why && !kind)
		*why = "JSON, but not a Telegram export: no messages, chats "
			"or personal_information";
	return *why ? -1 : 0;
}

/* The whole parse of a buffer (the fuzzer's entry, and older hosts). */
static int tg_parse(const char *buf, size_t len, const struct tg_sink *sink,
		    const char **why)
{
	struct sc *s = calloc(1, sizeof(*s));
	int rc;

	if (!s) {
		*why = "out of memory";
		return -1;
	}
	s->fd = -1;
	s->mem = buf;
	s->memlen = len;
	rc = tg_stream(s, sink, why);
	free(s);
	return rc;
}

/* ---- the host side ---- */

struct trun {
	const struct spoor_host *h;
	char dir[4096];
};

static int t_emit(void *ctx, const struct spoor_record *r)
{
	struct trun *t = ctx;

	return t->h->emit(t->h, r, NULL);
}

static int t_resolve(void *ctx, const char *rel, struct spoor_resolved *res)
{
	struct trun *t = ctx;

	return t->h->resolve(t->h, t->dir, rel, res);
}

static int t_local(void *ctx, const struct spoor_wallclock *w,
		   struct spoor_local_time *out)
{
	struct trun *t = ctx;

	return t->h->local_time(t->h, NULL, w, out);
}

static int run(const struct spoor_host *h, const char *path)
{
	struct trun t = { h, "" };
	struct tg_sink s = { &t, t_emit, t_resolve, h->option(h, "me"),
			     t_local };
	struct sc *sc;
	const char *why = NULL;
	size_t len;
	char *buf = NULL;

	pu_dirname(path, t.dir, sizeof(t.dir));
	if (!SPOOR_HOST_HAS(h, open_file)) {
		/* an older host: the file whole */
		buf = h->read_file(h, path, MAX_FILE, &len);
		if (!buf) {
			h->not_understood(h, path, "unreadable or larger than "
					  "512 MiB");
			return 0;
		}
		if (tg_parse(buf, len, &s, &why) < 0)
			h->not_understood(h, path, why);
		h->free_buf(h, buf);
		return 0;
	}
	if (!(sc = calloc(1, sizeof(*sc))))
		return -1;
	if ((sc->fd = h->open_file(h, path)) < 0) {
		free(sc);
		return -1;	/* logged by the host */
	}
	if (tg_stream(sc, &s, &why) < 0)
		h->not_understood(h, path, why);
	if (sc->too_big) {
		h->log(h, SPOOR_LOG_WARN, "%llu values larger than %zu MiB "
		       "left out", (unsigned long long)sc->too_big,
		       MAX_OBJ >> 20);
		h->not_understood(h, path, "a message larger than the limit");
	}
	close(sc->fd);
	free(sc);
	return 0;
}

/* local_time is an ABI 1.2 member */
static int run_checked(const struct spoor_host *h, const char *path)
{
	return pu_host_1_2(h) ? run(h, path) : SPOOR_EUNSUPPORTED;
}

static const char *const types[] = { "message", "call", "contact",
				     "account", NULL };
static const char *const patterns[] = { "result.json", "*_result.json",
					NULL };

const struct spoor_plugin spoor_plugin_telegram_export = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "telegram-export",
	.version = "1.0",
	.description = "Telegram Desktop JSON export (result.json: single "
		"chat or full export)",
	.types = types,
	.patterns = patterns,
	.run = run_checked,
};
