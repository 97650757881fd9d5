/*
 * spoor-artifacts: chats, contacts, calls and accounts from phone data
 * and chat exports, through plugins (see spoor-plugin(7)), streamed as
 * JSON Lines, CSV or a readable conversation text.
 */
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#include "banned.h"

#ifndef SPOOR_PLUGINDIR
#define SPOOR_PLUGINDIR "/usr/local/lib/spoor/plugins"
#endif

static const char synopsis[] =
	"usage: spoor-artifacts [-hqVv] [-o FILE] [--format=jsonl|csv|text]\n"
	"                       [--plugin=NAME]... [--type=TYPE]...\n"
	"                       [--exhibit=ID] [--tz=ZONE] [--me=NAME]\n"
	"                       [--cc=CODE] [-C CASE [--replace]]\n"
	"                       [--contacts-graph] [--no-recovery]\n"
	"                       EVIDENCE...\n"
	"       spoor-artifacts --list-plugins\n";

static const char help_text[] =
	"\n"
	"Parse chats, contacts, calls and accounts out of EVIDENCE (a\n"
	"directory, a zip or tar, or a single file) with the artifact plugins\n"
	"and write one record each, with its provenance (exhibit, source path\n"
	"and SHA-256, table and rowid or line).  SQLite databases are read\n"
	"from private copies; evidence is never written.\n"
	"\n"
	"      --list-plugins     list the plugins found and exit\n"
	"      --plugin=NAME      run only this plugin (repeatable)\n"
	"      --type=TYPE        write only records of TYPE: message,\n"
	"                         contact, call, account, participant,\n"
	"                         attachment, conversation (repeatable)\n"
	"      --format=FORMAT    jsonl (default), csv, text (conversations)\n"
	"      --exhibit=ID       exhibit id in records (default: file name)\n"
	"      --tz=ZONE          zone of local times in chat exports: +HH:MM\n"
	"                         (up to 14:00) or an IANA name such as\n"
	"                         Europe/Amsterdam; without it they stay\n"
	"                         local (time_quality zone-unknown)\n"
	"      --me=NAME          the device owner's name in chat exports\n"
	"      --cc=CODE          country calling code for national numbers\n"
	"                         (default 31)\n"
	"  -C, --case-dir=CASE    also record into CASE (spoor-case): each\n"
	"                         EVIDENCE must be a registered exhibit; the\n"
	"                         records join the case when the run ends\n"
	"      --replace          with -C: replace the records of an earlier\n"
	"                         spoor-artifacts run on the same exhibits\n"
	"      --contacts-graph   write, instead of the records, the phone\n"
	"                         numbers, WhatsApp/Telegram ids and e-mail\n"
	"                         addresses seen in 2+ exhibits or sources\n"
	"      --no-recovery      do not recover deleted rows from the free\n"
	"                         pages, freeblocks and old WAL frames of\n"
	"                         databases (recovered_from freelist,\n"
	"                         freeblock, unallocated, wal-superseded)\n"
	"  -o, --output=FILE      write records to FILE (default: stdout)\n"
	"  -q, --quiet            errors only; no summary\n"
	"  -v, --verbose          more messages (twice: debug)\n"
	"  -V, --version          print the version\n"
	"  -h, --help             print this help\n"
	"\n"
	"Plugins are searched in $SPOOR_PLUGIN_PATH, then in " SPOOR_PLUGINDIR
	".\n"
	"\n"
	"Exit: 0 ok; 2 usage; 3 evidence unreadable; 4 output failed; 5\n"
	"finished, but a file was found and not understood (unknown schema,\n"
	"not a database) or a plugin failed; 130 interrupted (SIGINT,\n"
	"SIGTERM).  See spoor-artifacts(1).\n";

enum {
	OPT_FORMAT = 256, OPT_PLUGIN, OPT_TYPE, OPT_EXHIBIT, OPT_TZ, OPT_ME,
	OPT_CC, OPT_LIST, OPT_GRAPH, OPT_NO_RECOVERY, OPT_REPLACE,
};

static const struct option long_opts[] = {
	{ "case-dir", required_argument, NULL, 'C' },
	{ "cc", required_argument, NULL, OPT_CC },
	{ "contacts-graph", no_argument, NULL, OPT_GRAPH },
	{ "exhibit", required_argument, NULL, OPT_EXHIBIT },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "list-plugins", no_argument, NULL, OPT_LIST },
	{ "me", required_argument, NULL, OPT_ME },
	{ "no-recovery", no_argument, NULL, OPT_NO_RECOVERY },
	{ "output", required_argument, NULL, 'o' },
	{ "plugin", required_argument, NULL, OPT_PLUGIN },
	{ "replace", no_argument, NULL, OPT_REPLACE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "type", required_argument, NULL, OPT_TYPE },
	{ "tz", required_argument, NULL, OPT_TZ },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char *const csv_columns[] = {
	"type", "plugin", "exhibit", "source_path", "source_sha256", "table",
	"rowid", "line", "recovered_from", "chat_id", "chat_name",
	"chat_type", "direction", "from_me", "sender", "sender_phone",
	"sender_name", "name", "phone", "phone_raw", "jid", "text",
	"text_hex", "kind", "kind_raw", "time", "time_raw", "time_unit",
	"duration", "status", "media_path", "media_mime", "media_size",
	"media_found", "media_sha256", "quoted_key_id", "key_id",
	"recovered_page", "recovered_file", "recovered_offset",
	"recovered_partial", "recovered_lost", "recovered_state", NULL,
};

#define MAX_LIST 32

struct tv;

struct out {
	struct spoor_writer *writer;	/* NULL for text */
	FILE *f;
	bool text;
	const char *types[MAX_LIST];
	size_t ntypes;
	int rc;
	struct spoor_err err;
	struct tv *tv;			/* the text view */
	const char *me;			/* --me */
	struct cli_case *cc;		/* -C CASE, or NULL */
	struct spoor_idmap *graph;	/* --contacts-graph, or NULL */
	struct cli_identity_text id_text;
	unsigned long long stored;	/* records kept (after --type) */
};

/* --contacts-graph keeps at most this many (identity, exhibit, plugin,
 * type, role) places in memory; more are counted and make exit 5. */
#define GRAPH_MAX_PLACES 1000000

static const char *const graph_columns[] = {
	"identity", "kind", "exhibits", "sources", "exhibit", "plugin",
	"rtype", "role", "count", "first", "last", NULL,
};

/* SIGINT, SIGTERM (cli_on_interrupt): on_record stops the plugin */
static void on_interrupt(void)
{
}

static const struct spoor_field *get(const struct spoor_record *r,
				     const char *key)
{
	const struct spoor_field *f = spoor_record_get(r, key);

	return f && f->kind != SPOOR_F_NULL ? f : NULL;
}

static void put_str(FILE *f, const struct spoor_field *fl)
{
	const char *p = fl->v.str.ptr;

	size_t run = 0;

	/* the conversation view is for reading: control bytes would let
	 * evidence move the analyst's cursor; plain runs go out whole */
	for (size_t i = 0; i < fl->v.str.len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c >= 0x20 && c != 0x7f)
			continue;
		fwrite(p + run, 1, i - run, f);
		run = i + 1;
		if (c == '\n')
			fputs("\n    ", f);
		else
			fprintf(f, "\\x%02x", c);
	}
	fwrite(p + run, 1, fl->v.str.len - run, f);
}

static bool str_is(const struct spoor_field *f, const char *s)
{
	return f && f->kind == SPOOR_F_STR && f->v.str.len == strlen(s) &&
	       !memcmp(f->v.str.ptr, s, f->v.str.len);
}

/* ---- the text view ------------------------------------------------ */

/*
 * The conversation view groups records by conversation (plugin, exhibit,
 * source, chat) in the order the conversations first appear, each in its
 * source order, even when chats interleave.  Records are rendered as they
 * come into an unlinked temporary file; memory holds 16 bytes a record
 * and a bounded list of parties a conversation.
 */
#define TV_MAX_GROUPS (1u << 20)
#define TV_MAX_ENTRIES (1u << 24)
#define TV_MAX_PARTIES 24
#define TV_MAX_LABEL 240		/* bytes of a participant label */
#define TV_MAX_HEAP (256u << 20)	/* bytes of keys and labels */
#define TV_NIL UINT32_MAX

struct tv_entry {
	uint64_t off;
	uint32_t len;
	uint32_t next;
};

struct tv_group {
	char *key;
	uint32_t title;
	uint32_t head, head_last;	/* conversation, participant records */
	uint32_t body, body_last;
	char *src;			/* the source of the last record */
	char *parties[TV_MAX_PARTIES];
	size_t nparties;
	unsigned long more;		/* parties over TV_MAX_PARTIES */
};

struct tv {
	FILE *tmp;
	uint64_t size;
	struct tv_entry *e;
	size_t ne, cape;
	struct tv_group *g;
	size_t ng, capg;
	uint32_t *slot;			/* hash slots: group index + 1 */
	size_t nslot;
	size_t heap;			/* bytes of keys and labels */
	uint32_t last_msg_group;	/* for attachment records */
	int64_t last_msg_line;
};

/* one record being rendered: which fields it has shown */
struct tv_rec {
	const struct spoor_record *r;
	bool used[SPOOR_RECORD_MAX_FIELDS];
};

static const struct spoor_field *take(struct tv_rec *x, const char *key)
{
	for (size_t i = 0; i < x->r->n; i++) {
		if (strcmp(x->r->f[i].key, key))
			continue;
		x->used[i] = true;
		return x->r->f[i].kind == SPOOR_F_NULL ? NULL : &x->r->f[i];
	}
	return NULL;
}

/* a non-empty string field, marked shown */
static const struct spoor_field *take_str(struct tv_rec *x, const char *key)
{
	const struct spoor_field *f = get(x->r, key);

	if (!f || f->kind != SPOOR_F_STR || !f->v.str.len)
		return NULL;
	return take(x, key);
}

static void put_val(FILE *out, const struct spoor_field *f);

static void put_sub(FILE *out, const struct spoor_record *s)
{
	bool first = true;

	fputc('{', out);
	for (size_t i = 0; i < s->n; i++) {
		if (s->f[i].kind == SPOOR_F_NULL)
			continue;
		fprintf(out, "%s%s: ", first ? "" : ", ", s->f[i].key);
		put_val(out, &s->f[i]);
		first = false;
	}
	fputc('}', out);
}

/* any value, readable: what the view does not know is still shown */
static void put_val(FILE *out, const struct spoor_field *f)
{
	char t[SPOOR_TIME_STR_MAX];

	switch (f->kind) {
	case SPOOR_F_STR:
		put_str(out, f);
		break;
	case SPOOR_F_INT:
		fprintf(out, "%lld", (long long)f->v.i);
		break;
	case SPOOR_F_UINT:
		fprintf(out, "%llu", (unsigned long long)f->v.u);
		break;
	case SPOOR_F_BOOL:
		fputs(f->v.b ? "yes" : "no", out);
		break;
	case SPOOR_F_TIME:
		fputs(spoor_time_iso(&f->v.t, t) ? t : "?", out);
		break;
	case SPOOR_F_LIST:
		fputc('[', out);
		for (size_t i = 0; i < f->v.list.n; i++) {
			if (i)
				fputs(", ", out);
			put_sub(out, &f->v.list.items[i]);
		}
		fputc(']', out);
		break;
	case SPOOR_F_RUNS:
		fprintf(out, "%zu byte runs", f->v.runs.n);
		break;
	default:
		fputs("null", out);
	}
}

static bool has_text(const struct spoor_field *f)
{
	return f && (f->kind != SPOOR_F_STR || f->v.str.len);
}

static bool same_val(const struct spoor_field *a, const struct spoor_field *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == SPOOR_F_STR)
		return a->v.str.len == b->v.str.len &&
		       !memcmp(a->v.str.ptr, b->v.str.ptr, a->v.str.len);
	if (a->kind == SPOOR_F_INT || a->kind == SPOOR_F_UINT)
		return a->v.u == b->v.u;
	return false;
}

/* "Name (id, id)": a name and the identifiers that differ from it; the
 * first identifier stands as the name when there is none.  0 when there
 * was nothing to print. */
static size_t put_party(FILE *out, const struct spoor_field *name,
			const struct spoor_field *const *ids, size_t nids)
{
	const struct spoor_field *it[12];
	size_t n = 0;

	if (has_text(name))
		it[n++] = name;
	for (size_t i = 0; i < nids && n < 12; i++) {
		bool dup = !has_text(ids[i]);

		for (size_t j = 0; j < n && !dup; j++)
			dup = same_val(it[j], ids[i]);
		if (!dup)
			it[n++] = ids[i];
	}
	for (size_t i = 0; i < n; i++) {
		fputs(i == 0 ? "" : i == 1 ? " (" : ", ", out);
		put_val(out, it[i]);
	}
	if (n > 1)
		fputc(')', out);
	return n;
}

/* ---- attachments: list items or the record's flat media_* fields ---- */

struct tv_att {
	const struct spoor_record *sub;	/* NULL: the record's media_* */
};

#define TV_MAX_ATT 64

static const struct spoor_field *sub_first(struct tv_rec *x,
					   const char *const *keys)
{
	const struct spoor_field *f;

	for (; *keys; keys++)
		if ((f = take_str(x, *keys)) ||
		    ((f = get(x->r, *keys)) && f->kind != SPOOR_F_STR &&
		     take(x, *keys)))
			return f;
	return NULL;
}

/* "[attachment: image, image/jpeg, name, sha256 0123456789ab, 27 bytes]",
 * with what else the item says after a ';' */
static void put_att(FILE *out, struct tv_rec *x)
{
	static const char *const kinds[] = { "kind", "media_kind", NULL };
	static const char *const mimes[] = { "mime", "media_mime", NULL };
	static const char *const names[] = {
		"name", "media_name", "path", "media_path", "ref",
		"stored_path", "evidence_path", "media_evidence_path", "url",
		"media_url", "content_location", NULL,
	};
	static const char *const shas[] = { "sha256", "media_sha256", NULL };
	static const char *const sizes[] = { "size", "media_size", NULL };
	static const char *const founds[] = { "found", "media_found", NULL };
	const struct spoor_field *f;
	const char *sep = "";

	fputs("[attachment: ", out);
	if ((f = sub_first(x, kinds))) {
		put_val(out, f);
		sep = ", ";
	}
	if ((f = sub_first(x, mimes))) {
		fputs(sep, out);
		put_val(out, f);
		sep = ", ";
	}
	if ((f = sub_first(x, names))) {
		fputs(sep, out);
		put_val(out, f);
		sep = ", ";
	}
	if ((f = sub_first(x, shas)) && f->kind == SPOOR_F_STR) {
		fprintf(out, "%ssha256 %.*s", sep,
			(int)(f->v.str.len < 12 ? f->v.str.len : 12),
			f->v.str.ptr);
		sep = ", ";
	}
	if ((f = sub_first(x, sizes))) {
		fputs(sep, out);
		put_val(out, f);
		fputs(" bytes", out);
		sep = ", ";
	}
	if ((f = sub_first(x, founds)) && f->kind == SPOOR_F_BOOL &&
	    !f->v.b) {
		fputs(sep, out);
		fputs("file not found", out);
		sep = ", ";
	}
	if (!*sep)
		fputs("nothing known", out);
}

static void put_rest(FILE *out, struct tv_rec *x, const char *lead);

static void put_att_item(FILE *out, const struct tv_att *a,
			 struct tv_rec *rec)
{
	struct tv_rec sub = { 0 };
	bool flat = !a->sub;

	if (flat) {
		put_att(out, rec);
		fputc(']', out);
		return;
	}
	sub.r = a->sub;
	put_att(out, &sub);
	put_rest(out, &sub, "; ");
	fputc(']', out);
}

static bool has_flat_media(const struct spoor_record *r)
{
	static const char *const keys[] = {
		"media_path", "media_name", "media_sha256", "media_size",
		"media_url", "media_mime", "media_evidence_path", NULL,
	};

	for (size_t i = 0; keys[i]; i++)
		if (get(r, keys[i]))
			return true;
	return false;
}

static size_t collect_att(struct tv_rec *x, struct tv_att *att)
{
	static const char *const lists[] = {
		"attachments", "attachment_list", "attachment_files", "media",
		NULL,
	};
	const struct spoor_field *f;
	size_t n = 0;

	for (size_t k = 0; lists[k]; k++) {
		f = get(x->r, lists[k]);
		if (!f || f->kind != SPOOR_F_LIST)
			continue;
		take(x, lists[k]);
		for (size_t i = 0; i < f->v.list.n && n < TV_MAX_ATT; i++)
			att[n++].sub = &f->v.list.items[i];
	}
	/* the flat fields repeat the first item where there is a list */
	if (!n && has_flat_media(x->r))
		att[n++].sub = NULL;
	return n;
}

/* The text, each U+FFFC (where iOS puts an attachment) replaced by the
 * next attachment; returns how many attachments it used. */
static size_t put_text(FILE *out, const struct spoor_field *f,
		       const struct tv_att *att, size_t natt,
		       struct tv_rec *x)
{
	static const char obj[] = "\xef\xbf\xbc";
	const char *p = f->v.str.ptr, *end = p + f->v.str.len, *q;
	size_t used = 0;

	while (p < end) {
		struct spoor_field part = *f;

		q = memmem(p, (size_t)(end - p), obj, 3);
		part.v.str.ptr = p;
		part.v.str.len = (size_t)((q ? q : end) - p);
		put_str(out, &part);
		if (!q)
			break;
		if (used < natt)
			put_att_item(out, &att[used++], x);
		else
			fputs("[attachment: not in the record]", out);
		p = q + 3;
	}
	return used;
}

/* not null, not an unset time */
static bool is_value(const struct spoor_field *f)
{
	return f->kind != SPOOR_F_NULL &&
	       (f->kind != SPOOR_F_TIME || f->v.t.set);
}

/* what the view has not shown, "key: value" after lead */
static void put_rest(FILE *out, struct tv_rec *x, const char *lead)
{
	const struct spoor_record *r = x->r;

	for (size_t i = 0; i < r->n; i++) {
		const char *k = r->f[i].key;
		size_t kl = strlen(k);
		bool hide = x->used[i] || !is_value(&r->f[i]);

		/* raw values and units of what is shown */
		for (size_t j = 0; j < r->n && !hide; j++) {
			size_t bl = strlen(r->f[j].key);

			hide = x->used[j] && is_value(&r->f[j]) &&
			       kl > bl && !strncmp(k, r->f[j].key, bl) &&
			       ((!strcmp(k + bl, "_raw") &&
				 r->f[j].kind == SPOOR_F_TIME) ||
				!strcmp(k + bl, "_unit") ||
				!strcmp(k + bl, "_readable"));
		}
		if (hide)
			continue;
		fprintf(out, "%s%s: ", lead, k);
		put_val(out, &r->f[i]);
		lead = "; ";
	}
}

/* ---- one record ---------------------------------------------------- */

/* "[2024-03-14T20:07:41Z, local 2024-03-14T21:07:41] "; a time the
 * local reading could not fix says so: "[2024-10-27T00:30:00Z or
 * 2024-10-27T01:30:00Z, ambiguous, local 2024-10-27T02:30:00] ",
 * "[2024-03-01T00:30:00 local, zone unknown] ". */
static void tv_time(FILE *out, struct tv_rec *x)
{
	const struct spoor_field *t = take(x, "time"), *q, *loc, *later;
	char a[SPOOR_TIME_STR_MAX], b[SPOOR_TIME_STR_MAX];

	q = take_str(x, "time_quality");
	loc = take_str(x, "time_local");
	later = take(x, "time_later");
	fputc('[', out);
	if (t && t->kind == SPOOR_F_TIME && spoor_time_iso(&t->v.t, a)) {
		fputs(a, out);
		if (str_is(q, "ambiguous") && later &&
		    later->kind == SPOOR_F_TIME &&
		    spoor_time_iso(&later->v.t, b))
			fprintf(out, " or %s", b);
		if (q && !str_is(q, "exact")) {
			fputs(", ", out);
			put_str(out, q);
		}
		if (loc) {
			fputs(", local ", out);
			put_str(out, loc);
		}
	} else if (loc) {
		put_str(out, loc);
		fputs(" local, ", out);
		if (q)
			put_str(out, q);
		else
			fputs("zone unknown", out);
	} else if (t) {
		put_val(out, t);
	} else {
		fputs("time unknown", out);
	}
	fputs("] ", out);
}

static bool is_outgoing(struct tv_rec *x)
{
	const struct spoor_field *d = get(x->r, "direction"),
		*m = get(x->r, "from_me");

	if (d && d->kind == SPOOR_F_STR)
		return str_is(d, "outgoing");
	return m && m->kind == SPOOR_F_BOOL && m->v.b;
}

/* "incoming ", "outgoing ", or the direction as the record says it */
static void tv_direction(FILE *out, struct tv_rec *x)
{
	const struct spoor_field *d = take_str(x, "direction"),
		*m = take(x, "from_me");

	if (d) {
		put_str(out, d);
		fputc(' ', out);
	} else if (m && m->kind == SPOOR_F_BOOL) {
		fputs(m->v.b ? "outgoing " : "incoming ", out);
	}
}

/* the sender of a message; the owner as "me (name, id)" */
static void tv_sender(FILE *out, struct tv_rec *x, const char *me)
{
	const struct spoor_field *ids[8], *name;
	size_t n = 0;

	name = take_str(x, "sender_name");
	if (!name)
		name = take_str(x, "sender_push_name");
	ids[n++] = take(x, "sender_phone");
	ids[n++] = take(x, "sender");
	ids[n++] = take(x, "sender_id");
	ids[n++] = take(x, "sender_user_id");
	ids[n++] = take(x, "sender_username");
	ids[n++] = take(x, "sender_lid");
	if (is_outgoing(x)) {
		fputs("me", out);
		if (has_text(name) || n) {
			struct spoor_field mef = { 0 };

			if (!has_text(name) && me) {
				mef.kind = SPOOR_F_STR;
				mef.v.str.ptr = me;
				mef.v.str.len = strlen(me);
				name = &mef;
			}
			fputs(" [", out);
			if (!put_party(out, name, ids, n))
				fputs("owner", out);
			fputc(']', out);
		}
		return;
	}
	if (!has_text(name) && !has_text(ids[0]) && !has_text(ids[1]) &&
	    !has_text(ids[2]) && !has_text(ids[3]) && !has_text(ids[4])) {
		/* SMS: the other party is the address */
		name = take_str(x, "contact_name");
		ids[0] = take(x, "phone");
		ids[1] = take(x, "address");
		n = 2;
	}
	if (!put_party(out, name, ids, n))
		fputs("sender unknown", out);
}

/* " to NAME (id)" for what the record names as the recipient */
static void tv_recipient(FILE *out, struct tv_rec *x)
{
	const struct spoor_field *ids[6], *name = NULL;
	size_t n = 0;

	ids[n++] = take(x, "recipient_phone");
	ids[n++] = take(x, "recipient");
	ids[n++] = take(x, "to");
	ids[n++] = take(x, "recipients");
	if (is_outgoing(x) && !has_text(ids[0]) && !has_text(ids[1]) &&
	    !has_text(ids[2]) && !has_text(ids[3])) {
		name = take_str(x, "contact_name");
		ids[n++] = take(x, "phone");
		ids[n++] = take(x, "address");
	}
	for (size_t i = 0; i < n; i++)
		if (has_text(ids[i]) || has_text(name)) {
			fputs(" to ", out);
			put_party(out, name, ids, n);
			return;
		}
}

static void tv_recovered(FILE *out, struct tv_rec *x)
{
	const struct spoor_field *f;

	if (!(f = take_str(x, "recovered_from")))
		return;
	take(x, "recovered_page");
	if (f->v.str.len == 3) {
		fputs("  [only in the WAL]", out);
	} else if (f->v.str.len == 4 && !get(x->r, "recovered_page")) {
		fputs("  [deleted, still in the main file]", out);
	} else {
		fputs("  [deleted, recovered: ", out);
		put_str(out, f);
		if ((f = take(x, "recovered_partial")) &&
		    f->kind == SPOOR_F_BOOL && f->v.b)
			fputs(", partial", out);
		if ((f = take(x, "recovered_state")) &&
		    f->kind == SPOOR_F_STR && f->v.str.len == 15)
			fputs(", an earlier version", out);
		else if (f && f->kind == SPOOR_F_STR &&
			 f->v.str.len == 7 && *f->v.str.ptr == 'u')
			fputs(", or an earlier version", out);
		fputc(']', out);
	}
}

static void tv_location(FILE *out, struct tv_rec *x)
{
	const struct spoor_field *la = take(x, "latitude"),
		*lo = take(x, "longitude");

	if (!la && !lo)
		return;
	fputs("\n    [location: ", out);
	if (la)
		put_val(out, la);
	else
		fputc('?', out);
	fputs(", ", out);
	if (lo)
		put_val(out, lo);
	else
		fputc('?', out);
	fputc(']', out);
}

static void tv_message(FILE *out, struct tv_rec *x, const char *me)
{
	struct tv_att att[TV_MAX_ATT];
	const struct spoor_field *f;
	size_t natt, used = 0;

	tv_time(out, x);
	fprintf(out, "%s ", x->r->type);
	tv_direction(out, x);
	tv_sender(out, x, me);
	tv_recipient(out, x);
	fputs(": ", out);
	if ((f = take_str(x, "kind")) && !str_is(f, "text") &&
	    !str_is(f, "sms") && !str_is(f, "message")) {
		fputc('<', out);
		put_str(out, f);
		fputs("> ", out);
	}
	natt = collect_att(x, att);
	if ((f = take_str(x, "text")))
		used = put_text(out, f, att, natt, x);
	if ((f = take_str(x, "caption")) ||
	    (f = take_str(x, "media_caption"))) {
		fputs(get(x->r, "text") ? " [caption: " : "[caption: ", out);
		used += put_text(out, f, att + used, natt - used, x);
		fputc(']', out);
	}
	tv_recovered(out, x);
	for (; used < natt; used++) {
		fputs("\n    ", out);
		put_att_item(out, &att[used], x);
	}
	tv_location(out, x);
}

/* 65 -> "1:05 (65 s)" */
static void put_duration(FILE *out, const struct spoor_field *f)
{
	long long s;

	if (f->kind == SPOOR_F_INT)
		s = f->v.i;
	else if (f->kind == SPOOR_F_UINT && f->v.u < INT64_MAX)
		s = (long long)f->v.u;
	else {
		put_val(out, f);
		return;
	}
	if (s >= 3600)
		fprintf(out, "%lld:%02lld:%02lld (%lld s)", s / 3600,
			s / 60 % 60, s % 60, s);
	else if (s >= 0)
		fprintf(out, "%lld:%02lld (%lld s)", s / 60, s % 60, s);
	else
		fprintf(out, "%lld s", s);
}

static void tv_call(FILE *out, struct tv_rec *x)
{
	const struct spoor_field *ids[6], *name, *f;
	size_t n = 0;

	tv_time(out, x);
	fputs("call ", out);
	tv_direction(out, x);
	name = take_str(x, "name");
	if (!name)
		name = take_str(x, "push_name");
	ids[n++] = take(x, "phone");
	ids[n++] = take(x, "number");
	ids[n++] = take(x, "jid");
	ids[n++] = take(x, "telegram_id");
	ids[n++] = take(x, "participants");
	if (!put_party(out, name, ids, n))
		fputs("number unknown", out);
	fputs(": ", out);
	if ((f = take_str(x, "kind"))) {
		put_str(out, f);
		fputs(", ", out);
	}
	if ((f = take(x, "video")) && f->kind == SPOOR_F_BOOL)
		fputs(f->v.b ? "video, " : "voice, ", out);
	fputs("duration ", out);
	if ((f = take(x, "duration")))
		put_duration(out, f);
	else
		fputs("unknown", out);
	if ((f = take(x, "answered")) && f->kind == SPOOR_F_BOOL)
		fputs(f->v.b ? ", answered" : ", not answered", out);
	if ((f = take(x, "missed")) && f->kind == SPOOR_F_BOOL && f->v.b)
		fputs(", missed", out);
	if ((f = take_str(x, "result"))) {
		fputs(", result ", out);
		put_str(out, f);
	}
	tv_recovered(out, x);
}

/* contacts and accounts: the name, then numbers and other identifiers */
static void tv_person(FILE *out, struct tv_rec *x)
{
	static const char *const names[] = {
		"name", "display_name", "search_name", "nickname",
		"push_name", "username", NULL,
	};
	static const char *const ids[] = {
		"phone", "phone_raw", "phones", "phones_e164", "email",
		"emails", "jid", "whatsapp_jid", "whatsapp_id", "username",
		"user_id", "telegram_id", "account_name", NULL,
	};
	const struct spoor_field *f, *g;
	const char *sep = ": ";

	if (get(x->r, "time"))
		tv_time(out, x);
	fprintf(out, "%s ", x->r->type);
	f = NULL;
	for (size_t i = 0; names[i] && !f; i++)
		f = take_str(x, names[i]);
	if (f) {
		put_str(out, f);
	} else if ((f = take_str(x, "given_name")) ||
		   (f = take_str(x, "first_name"))) {
		put_str(out, f);
		if ((g = take_str(x, "family_name")) ||
		    (g = take_str(x, "last_name"))) {
			fputc(' ', out);
			put_str(out, g);
		}
	} else {
		fputs("(no name)", out);
	}
	for (size_t i = 0; ids[i]; i++) {
		if (!(f = get(x->r, ids[i])) || !has_text(f) ||
		    (f->kind == SPOOR_F_LIST && !f->v.list.n))
			continue;
		if (x->used[f - x->r->f])
			continue;
		take(x, ids[i]);
		fprintf(out, "%s%s ", sep, ids[i]);
		put_val(out, f);
		sep = "; ";
	}
	tv_recovered(out, x);
}

/* anything else: the time when it has one, then every field */
static void tv_other(FILE *out, struct tv_rec *x)
{
	if (get(x->r, "time"))
		tv_time(out, x);
	fprintf(out, "%s", x->r->type);
	tv_recovered(out, x);
}

/* a participant of a group chat, for the conversation's header */
static void tv_participant(FILE *out, struct tv_rec *x)
{
	const struct spoor_field *ids[4], *name;
	const struct spoor_field *f;

	name = take_str(x, "name");
	if (!name)
		name = take_str(x, "book_name");
	if (!name)
		name = take_str(x, "push_name");
	ids[0] = take(x, "phone");
	ids[1] = take(x, "jid");
	ids[2] = take(x, "user_id");
	ids[3] = take(x, "username");
	fputs("   participant: ", out);
	if (!put_party(out, name, ids, 4))
		fputs("unknown", out);
	if ((f = take(x, "is_admin")) && f->kind == SPOOR_F_BOOL && f->v.b)
		fputs(", admin", out);
}

/* ---- conversations ------------------------------------------------- */

static int tv_fail(struct out *o, const char *msg)
{
	o->rc = o->err.code = SPOOR_EOUTPUT;
	snprintf(o->err.msg, sizeof(o->err.msg), "%s", msg);
	return 1;
}

static uint64_t tv_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static int tv_rehash(struct tv *t)
{
	size_t n = t->nslot ? t->nslot * 2 : 1024;
	uint32_t *s = calloc(n, sizeof(*s));

	if (!s)
		return -1;
	for (size_t i = 0; i < t->ng; i++) {
		size_t j = tv_hash(t->g[i].key, strlen(t->g[i].key)) & (n - 1);

		while (s[j])
			j = (j + 1) & (n - 1);
		s[j] = (uint32_t)i + 1;
	}
	free(t->slot);
	t->slot = s;
	t->nslot = n;
	return 0;
}

/* the group of key, made when new (*fresh set) */
static struct tv_group *tv_group(struct tv *t, const char *key, bool *fresh)
{
	size_t j;
	struct tv_group *g;

	*fresh = false;
	if (t->ng * 2 >= t->nslot && tv_rehash(t))
		return NULL;
	j = tv_hash(key, strlen(key)) & (t->nslot - 1);
	for (; t->slot[j]; j = (j + 1) & (t->nslot - 1))
		if (!strcmp(t->g[t->slot[j] - 1].key, key))
			return &t->g[t->slot[j] - 1];
	if (t->ng >= TV_MAX_GROUPS || t->heap > TV_MAX_HEAP)
		return NULL;
	if (t->ng == t->capg) {
		size_t n = t->capg ? t->capg * 2 : 64;
		struct tv_group *ng = realloc(t->g, n * sizeof(*ng));

		if (!ng)
			return NULL;
		t->g = ng;
		t->capg = n;
	}
	g = &t->g[t->ng];
	memset(g, 0, sizeof(*g));
	if (!(g->key = strdup(key)))
		return NULL;
	t->heap += strlen(key) + 1;
	g->title = g->head = g->head_last = g->body = g->body_last = TV_NIL;
	t->slot[j] = (uint32_t)++t->ng;
	*fresh = true;
	return g;
}

/* store len bytes as a new entry; its index, or TV_NIL */
static uint32_t tv_store(struct tv *t, const char *p, size_t len)
{
	if (t->ne >= TV_MAX_ENTRIES || len > UINT32_MAX)
		return TV_NIL;
	if (t->ne == t->cape) {
		size_t n = t->cape ? t->cape * 2 : 1024;
		struct tv_entry *e = realloc(t->e, n * sizeof(*e));

		if (!e)
			return TV_NIL;
		t->e = e;
		t->cape = n;
	}
	if (len && fwrite(p, 1, len, t->tmp) != len)
		return TV_NIL;
	t->e[t->ne] = (struct tv_entry){ t->size, (uint32_t)len, TV_NIL };
	t->size += len;
	return (uint32_t)t->ne++;
}

static void tv_link(struct tv *t, uint32_t *first, uint32_t *last,
		    uint32_t i)
{
	if (*last == TV_NIL)
		*first = i;
	else
		t->e[*last].next = i;
	*last = i;
}

/* The n-th identifier of a party label: the ones in "Name (id, id)",
 * "me" for "me [...]", a bare label itself.  NULL after the last. */
static const char *party_id(const char *s, size_t n, size_t *len)
{
	const char *p = strchr(s, '(');

	if (!strncmp(s, "me [", 4) || !p) {
		if (n)
			return NULL;
		*len = strncmp(s, "me [", 4) ? strlen(s) : 2;
		return s;
	}
	for (p++; n; n--) {
		p += strcspn(p, ",)");
		if (*p != ',')
			return NULL;
		p += 2;
	}
	*len = strcspn(p, ",)");
	return p;
}

/* s (taken) unless a known party shares an identifier with it */
static void tv_add_party(struct tv *t, struct tv_group *g, char *s)
{
	const char *id, *a;
	size_t il, al;

	if (!s || !*s || !strcmp(s, "sender unknown") ||
	    t->heap > TV_MAX_HEAP) {
		if (s && *s && t->heap > TV_MAX_HEAP)
			g->more++;
		free(s);
		return;
	}
	if (strlen(s) > TV_MAX_LABEL) {
		/* evidence may name a party at any length: cut on a
		 * character boundary */
		size_t n = TV_MAX_LABEL - 3;

		while (n && (s[n] & 0xc0) == 0x80)
			n--;
		memcpy(s + n, "...", 4);
	}
	for (size_t n = 0; (id = party_id(s, n, &il)); n++)
		for (size_t i = 0; i < g->nparties; i++)
			for (size_t k = 0; (a = party_id(g->parties[i], k,
							 &al)); k++)
				if (al == il && !memcmp(a, id, il)) {
					free(s);
					return;
				}
	if (g->nparties == TV_MAX_PARTIES) {
		g->more++;
		free(s);
		return;
	}
	g->parties[g->nparties++] = s;
	t->heap += strlen(s) + 1;
}

/* the parties a record names, for its conversation's header */
static void tv_parties(struct tv *t, struct tv_group *g,
		       const struct spoor_record *r, const char *me)
{
	struct tv_rec x = { .r = r };
	const struct spoor_field *f;
	char *p = NULL;
	size_t n = 0;
	FILE *m;

	if (!strcmp(r->type, "message")) {
		if ((m = open_memstream(&p, &n))) {
			tv_sender(m, &x, me);
			fclose(m);
			tv_add_party(t, g, p);
		}
		p = NULL;
		if ((m = open_memstream(&p, &n))) {
			tv_recipient(m, &x);
			fclose(m);
			tv_add_party(t, g, p && !strncmp(p, " to ", 4)
				     ? memmove(p, p + 4, strlen(p) - 3) : p);
		}
	} else if (!strcmp(r->type, "participant")) {
		if ((m = open_memstream(&p, &n))) {
			tv_participant(m, &x);
			fclose(m);
			if (p && !strncmp(p, "   participant: ", 16))
				memmove(p, p + 16, strlen(p) - 15);
			tv_add_party(t, g, p);
		}
	} else if ((f = get(r, "participants")) && f->kind == SPOOR_F_LIST) {
		for (size_t i = 0; i < f->v.list.n; i++) {
			const struct spoor_record *s = &f->v.list.items[i];
			const struct spoor_field *ids[2], *o;

			p = NULL;
			if (!(m = open_memstream(&p, &n)))
				continue;
			o = get(s, "owner");
			if (o && o->kind == SPOOR_F_BOOL && o->v.b)
				fputs("me [", m);
			ids[0] = get(s, "username");
			ids[1] = get(s, "id");
			if (!put_party(m, get(s, "name"), ids, 2))
				fputs("unknown", m);
			if (o && o->kind == SPOOR_F_BOOL && o->v.b)
				fputc(']', m);
			fclose(m);
			tv_add_party(t, g, p);
		}
	}
}

/* a value as part of a group key */
static void key_val(FILE *m, const struct spoor_field *f)
{
	if (f)
		put_val(m, f);
	fputc('\x1f', m);
}

/* the title of a new conversation, from its first record */
static void tv_title(FILE *m, const struct spoor_record *r, char kind)
{
	struct tv_rec x = { .r = r };
	const struct spoor_field *f, *ids[3];

	if (kind == 'c') {
		fputs("\n== conversation ", m);
		if ((f = get(r, "chat_name"))) {
			put_val(m, f);
			fputc(' ', m);
		}
		fputs("(chat ", m);
		put_val(m, get(r, "chat_id"));
		fputc(')', m);
		if ((f = get(r, "chat_type"))) {
			fputs(", ", m);
			put_val(m, f);
		}
	} else if (kind == 'p') {
		fputs("\n== conversation with ", m);
		ids[0] = get(r, "phone");
		ids[1] = get(r, "address");
		ids[2] = get(r, "sender");
		put_party(m, get(r, "contact_name"), ids, 3);
	} else if (!strcmp(r->type, "call")) {
		fputs("\n== call log", m);
	} else {
		fprintf(m, "\n== %s records", r->type);
	}
	fputs(" ==\n   source: ", m);
	if ((f = get(r, "plugin")))
		put_val(m, f);
	if ((f = get(r, "app"))) {
		fputs(" (", m);
		put_val(m, f);
		fputc(')', m);
	}
	if ((f = get(r, "exhibit"))) {
		fputs(", exhibit ", m);
		put_val(m, f);
	}
	if ((f = get(r, "source_path"))) {
		fputs(", ", m);
		put_val(m, f);
	}
	if ((f = take_str(&x, "source_sha256")))
		fprintf(m, ", sha256 %.*s", (int)f->v.str.len, f->v.str.ptr);
	fputc('\n', m);
}

/* a "source:" line when a conversation goes on in another file */
static int tv_source(struct tv *t, struct tv_group *g,
		     const struct spoor_record *r, bool fresh)
{
	const struct spoor_field *f = get(r, "source_path"), *h;
	char *buf = NULL;
	size_t len = 0;
	uint32_t i;
	FILE *m;

	if (!f || f->kind != SPOOR_F_STR || memchr(f->v.str.ptr, 0,
						    f->v.str.len))
		return 0;
	if (g->src && strlen(g->src) == f->v.str.len &&
	    !memcmp(g->src, f->v.str.ptr, f->v.str.len))
		return 0;
	free(g->src);
	if (!(g->src = strndup(f->v.str.ptr, f->v.str.len)))
		return -1;
	if (fresh)
		return 0;	/* in the title */
	if (!(m = open_memstream(&buf, &len)))
		return -1;
	fputs("   source: ", m);
	put_str(m, f);
	if ((h = get(r, "source_sha256")) && h->kind == SPOOR_F_STR)
		fprintf(m, ", sha256 %.*s", (int)h->v.str.len, h->v.str.ptr);
	fputc('\n', m);
	if (fclose(m) || (i = tv_store(t, buf, len)) == TV_NIL) {
		free(buf);
		return -1;
	}
	free(buf);
	tv_link(t, &g->body, &g->body_last, i);
	return 0;
}

/* one record into its conversation */
static int tv_add(struct out *o, const struct spoor_record *r)
{
	struct tv *t = o->tv;
	struct tv_rec x = { .r = r };
	struct tv_group *g = NULL;
	const struct spoor_field *chat = get(r, "chat_id"), *f;
	char *key = NULL, *buf = NULL;
	size_t klen = 0, blen = 0;
	bool fresh = false, msg = !strcmp(r->type, "message"), head;
	char kind = 't';
	uint32_t i;
	FILE *m;

	/* an attachment record follows the message it belongs to */
	f = get(r, "message_line");
	if (!strcmp(r->type, "attachment") && f && f->kind == SPOOR_F_INT &&
	    f->v.i == t->last_msg_line && t->last_msg_group != TV_NIL)
		g = &t->g[t->last_msg_group];
	if (!g) {
		if (chat)
			kind = 'c';
		else if (msg && (get(r, "phone") || get(r, "address") ||
				 get(r, "sender")))
			kind = 'p';
		if (!(m = open_memstream(&key, &klen)))
			return tv_fail(o, "out of memory");
		key_val(m, get(r, "plugin"));
		key_val(m, get(r, "exhibit"));
		/* a conversation may span files of one folder
		 * (message_1.json, message_2.json) */
		if ((f = get(r, "source_path")) && f->kind == SPOOR_F_STR) {
			struct spoor_field dir = *f;

			while (dir.v.str.len &&
			       dir.v.str.ptr[dir.v.str.len - 1] != '/')
				dir.v.str.len--;
			key_val(m, &dir);
		} else {
			key_val(m, f);
		}
		fputc(kind, m);
		if (kind == 'c')
			key_val(m, chat);
		else if (kind == 'p')
			key_val(m, get(r, "phone") ? get(r, "phone")
				: get(r, "address") ? get(r, "address")
				: get(r, "sender"));
		else
			fputs(r->type, m);
		if (fclose(m))
			return tv_fail(o, "out of memory");
		g = tv_group(t, key, &fresh);
		free(key);
		if (!g)
			return tv_fail(o, "too many conversations for the "
				       "text view; use --format=jsonl");
	}
	if (fresh) {
		if (!(m = open_memstream(&buf, &blen)))
			return tv_fail(o, "out of memory");
		tv_title(m, r, kind);
		if (fclose(m) || (g->title = tv_store(t, buf, blen)) ==
		    TV_NIL) {
			free(buf);
			return tv_fail(o, "cannot write the text view");
		}
		free(buf);
		buf = NULL;
	}
	tv_parties(t, g, r, o->me);
	if (tv_source(t, g, r, fresh))
		return tv_fail(o, "cannot write the text view");

	/* shown in the title */
	take(&x, "type");
	take(&x, "plugin");
	take(&x, "exhibit");
	take(&x, "source_path");
	take(&x, "source_sha256");
	take(&x, "app");
	if (kind == 'c' || chat) {
		take(&x, "chat_id");
		take(&x, "chat_name");
		take(&x, "chat_type");
	}
	if (!(m = open_memstream(&buf, &blen)))
		return tv_fail(o, "out of memory");
	head = !strcmp(r->type, "conversation") ||
	       !strcmp(r->type, "participant");
	if (!strcmp(r->type, "conversation"))
		fputs("   conversation:", m);
	else if (!strcmp(r->type, "participant"))
		tv_participant(m, &x);
	else if (msg)
		tv_message(m, &x, o->me);
	else if (!strcmp(r->type, "call"))
		tv_call(m, &x);
	else if (!strcmp(r->type, "contact") || !strcmp(r->type, "account"))
		tv_person(m, &x);
	else if (!strcmp(r->type, "attachment")) {
		fputs("attachment ", m);
		put_att(m, &x);
		fputc(']', m);
	} else
		tv_other(m, &x);
	put_rest(m, &x, head ? " | " : "\n    | ");
	fputc('\n', m);
	if (fclose(m) || (i = tv_store(t, buf, blen)) == TV_NIL) {
		free(buf);
		return tv_fail(o, "cannot write the text view (too many "
			       "records? use --format=jsonl)");
	}
	free(buf);
	if (head)
		tv_link(t, &g->head, &g->head_last, i);
	else
		tv_link(t, &g->body, &g->body_last, i);
	if (msg) {
		f = get(r, "line");
		t->last_msg_group = (uint32_t)(g - t->g);
		t->last_msg_line = f && f->kind == SPOOR_F_INT ? f->v.i : -1;
	} else if (strcmp(r->type, "attachment")) {
		t->last_msg_group = TV_NIL;
	}
	return 0;
}

static int tv_copy(struct tv *t, FILE *out, uint32_t i)
{
	char buf[65536];
	int fd = fileno(t->tmp);

	/* pread: a seek on the FILE would refill its buffer each time */
	for (; i != TV_NIL; i = t->e[i].next) {
		uint64_t off = t->e[i].off;
		uint32_t left = t->e[i].len;

		while (left) {
			size_t n = left < sizeof(buf) ? left : sizeof(buf);
			ssize_t got = pread(fd, buf, n, (off_t)off);

			if (got <= 0 || fwrite(buf, 1, (size_t)got, out) !=
			    (size_t)got)
				return -1;
			left -= (uint32_t)got;
			off += (uint64_t)got;
		}
	}
	return 0;
}

/* every conversation in the order it first appeared */
static int tv_finish(struct out *o)
{
	struct tv *t = o->tv;

	if (fflush(t->tmp) || ferror(t->tmp))
		return tv_fail(o, "cannot write the text view's temporary "
			       "file");
	for (size_t k = 0; k < t->ng; k++) {
		struct tv_group *g = &t->g[k];
		uint32_t title = g->title;

		t->e[title].next = TV_NIL;
		if (tv_copy(t, o->f, title))
			return tv_fail(o, "cannot write the output");
		if (g->nparties) {
			fputs("   participants: ", o->f);
			for (size_t i = 0; i < g->nparties; i++)
				fprintf(o->f, "%s%s", i ? "; " : "",
					g->parties[i]);
			if (g->more)
				fprintf(o->f, "; and %lu more", g->more);
			fputc('\n', o->f);
		}
		if (tv_copy(t, o->f, g->head) || tv_copy(t, o->f, g->body))
			return tv_fail(o, "cannot write the output");
	}
	return 0;
}

static struct tv *tv_new(const char *tmp_dir)
{
	struct tv *t = calloc(1, sizeof(*t));
	char path[4096];
	int fd;

	if (!t)
		return NULL;
	snprintf(path, sizeof(path), "%s/spoor-text.XXXXXX", tmp_dir);
	fd = mkstemp(path);
	if (fd < 0 || !(t->tmp = fdopen(fd, "w+b"))) {
		if (fd >= 0) {
			unlink(path);
			close(fd);
		}
		free(t);
		return NULL;
	}
	unlink(path);
	t->last_msg_group = TV_NIL;
	t->last_msg_line = -1;
	return t;
}

static void tv_free(struct tv *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ng; i++) {
		for (size_t j = 0; j < t->g[i].nparties; j++)
			free(t->g[i].parties[j]);
		free(t->g[i].key);
		free(t->g[i].src);
	}
	free(t->g);
	free(t->e);
	free(t->slot);
	if (t->tmp)
		fclose(t->tmp);
	free(t);
}

static int on_record(void *ud, const struct spoor_record *r)
{
	struct out *o = ud;
	bool keep = !o->ntypes;

	if (cli_interrupted())
		return 1;
	for (size_t i = 0; i < o->ntypes && !keep; i++)
		keep = !strcmp(o->types[i], r->type);
	if (!keep)
		return 0;
	o->stored++;
	if (o->cc && cli_case_record(o->cc, NULL, r)) {
		o->rc = o->err.code = SPOOR_EOUTPUT;
		snprintf(o->err.msg, sizeof(o->err.msg),
			 "cannot record into the case");
		return 1;
	}
	if (o->graph) {
		o->rc = spoor_idmap_add(o->graph, r, &o->err);
		return o->rc;
	}
	if (o->text)
		return tv_add(o, r);
	o->rc = spoor_writer_write(o->writer, r, &o->err);
	return o->rc;
}

/* --contacts-graph: the identities, as text or through the writer */
static int graph_row(void *ud, const struct spoor_record *r)
{
	struct out *o = ud;

	if (o->writer)
		return spoor_writer_write(o->writer, r, &o->err) ? 1 : 0;
	return cli_identity_text(&o->id_text, r);
}

static int write_graph(struct out *o)
{
	struct spoor_err err;

	o->id_text.f = o->f;
	if (spoor_idmap_list(o->graph, 0, graph_row, o, &err)) {
		cli_error("%s", o->err.msg[0] ? o->err.msg : err.msg);
		return -1;
	}
	return 0;
}

static void summary(const struct spoor_artifacts *a)
{
	const struct spoor_artifact_totals *t = spoor_artifacts_totals(a);

	for (size_t i = 0; i < spoor_artifacts_nplugins(a); i++) {
		const struct spoor_plugin_info *p = spoor_artifacts_plugin(a,
									 i);
		const struct spoor_artifact_stats *s =
			spoor_artifacts_stats(a, i);

		if (!s->files)
			continue;
		fprintf(stderr, "%s: %s: %llu files, %llu messages, %llu "
			"contacts, %llu calls, %llu accounts, %llu from the "
			"WAL only, %llu deleted in the WAL, %llu not "
			"understood, %llu failed",
			cli_progname(), p->name,
			(unsigned long long)s->files,
			(unsigned long long)s->messages,
			(unsigned long long)s->contacts,
			(unsigned long long)s->calls,
			(unsigned long long)s->accounts,
			(unsigned long long)s->wal_only,
			(unsigned long long)s->deleted,
			(unsigned long long)s->not_understood,
			(unsigned long long)s->errors);
		/* what only goes wrong on damaged or outsized evidence */
		if (s->damaged)
			fprintf(stderr, ", %llu damaged",
				(unsigned long long)s->damaged);
		if (s->rows_skipped)
			fprintf(stderr, ", %llu unreadable rows or ranges",
				(unsigned long long)s->rows_skipped);
		if (s->truncated)
			fprintf(stderr, ", %llu truncated",
				(unsigned long long)s->truncated);
		/* deleted rows from database pages, by where they were */
		fprintf(stderr, "; recovered: %llu freelist, %llu freeblock, "
			"%llu unallocated, %llu wal-superseded, %llu main, "
			"%llu dropped, %llu databases not scanned\n",
			(unsigned long long)s->recovered[SPOOR_SQLREC_FREELIST],
			(unsigned long long)
			s->recovered[SPOOR_SQLREC_FREEBLOCK],
			(unsigned long long)
			s->recovered[SPOOR_SQLREC_UNALLOCATED],
			(unsigned long long)
			s->recovered[SPOOR_SQLREC_WAL_SUPERSEDED],
			(unsigned long long)s->recovered[SPOOR_SQLREC_MAIN],
			(unsigned long long)s->recovery_dropped,
			(unsigned long long)s->recovery_failed);
		if (s->times_zone_unknown)
			fprintf(stderr, "%s: %s: %llu local times kept local "
				"(no --tz)\n", cli_progname(), p->name,
				(unsigned long long)s->times_zone_unknown);
		if (s->times_ambiguous || s->times_nonexistent)
			fprintf(stderr, "%s: %s: %llu local times at a DST "
				"change: %llu ambiguous, %llu nonexistent "
				"(flagged in time_quality)\n",
				cli_progname(), p->name,
				(unsigned long long)(s->times_ambiguous +
						     s->times_nonexistent),
				(unsigned long long)s->times_ambiguous,
				(unsigned long long)s->times_nonexistent);
	}
	if (t->unread || t->skipped)
		fprintf(stderr, "%s: %llu files, %llu read by no plugin, %llu "
			"not listed\n", cli_progname(),
			(unsigned long long)t->files,
			(unsigned long long)t->unread,
			(unsigned long long)t->skipped);
}

int main(int argc, char **argv)
{
	struct spoor_artifacts_opts ao = { 0 };
	struct spoor_writer_info info = { 0 };
	struct spoor_artifacts *a;
	struct spoor_err err;
	struct spoor_ctx *ctx;
	struct out o;
	const char *plugins[MAX_LIST + 1] = { NULL };
	const char *options[8] = { NULL };
	char optbuf[3][512];
	const char *format = "jsonl", *output = NULL, *exhibit = NULL;
	const char *tz = NULL, *me = NULL, *cc = "31", *case_dir = NULL;
	size_t nplugins = 0, nopt = 0;
	int verbose = 0, exit_code = EXIT_OK, c;
	bool list = false, graph = false, replace = false;
	enum spoor_format fmt = SPOOR_FMT_JSONL;
	char *cmdline;

	cli_init(argv[0]);
	cli_set_synopsis(synopsis);
	memset(&o, 0, sizeof(o));
	while ((c = getopt_long(argc, argv, "C:ho:qVv", long_opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'C':
			case_dir = optarg;
			break;
		case 'h':
			fputs(synopsis, stdout);
			fputs(help_text, stdout);
			cli_close_stdout();
			return EXIT_OK;
		case 'o':
			output = optarg;
			break;
		case 'q':
			verbose = -1;
			break;
		case 'V':
			cli_version();
		case 'v':
			verbose = verbose < 0 ? 1 : verbose + 1;
			break;
		case OPT_CC:
			cc = optarg;
			break;
		case OPT_EXHIBIT:
			exhibit = optarg;
			break;
		case OPT_FORMAT:
			format = optarg;
			break;
		case OPT_LIST:
			list = true;
			break;
		case OPT_GRAPH:
			graph = true;
			break;
		case OPT_ME:
			me = optarg;
			break;
		case OPT_NO_RECOVERY:
			ao.no_recovery = true;
			break;
		case OPT_PLUGIN:
			if (nplugins == MAX_LIST)
				cli_usage_error("too many --plugin%s", "");
			plugins[nplugins++] = optarg;
			break;
		case OPT_TYPE:
			if (o.ntypes == MAX_LIST)
				cli_usage_error("too many --type%s", "");
			if (strcmp(optarg, "message") &&
			    strcmp(optarg, "contact") &&
			    strcmp(optarg, "call") &&
			    strcmp(optarg, "account") &&
			    strcmp(optarg, "participant") &&
			    strcmp(optarg, "attachment") &&
			    strcmp(optarg, "note") &&
			    strcmp(optarg, "conversation"))
				cli_usage_error("unknown --type '%s'", optarg);
			o.types[o.ntypes++] = optarg;
			break;
		case OPT_TZ:
			tz = optarg;
			break;
		case OPT_REPLACE:
			replace = true;
			break;
		default:
			cli_usage_error(NULL, NULL);
		}
	}
	if (!list && optind >= argc)
		cli_usage_error("no EVIDENCE given", NULL);
	if (exhibit && argc - optind > 1)
		cli_usage_error("--exhibit names one exhibit; %s",
			    "give one EVIDENCE per run");
	if (replace && !case_dir)
		cli_usage_error("--replace needs -C CASE%s", "");
	if (!strcmp(format, "text"))
		o.text = true;
	else if (spoor_format_parse(format, &fmt, &err) ||
		 (fmt != SPOOR_FMT_JSONL && fmt != SPOOR_FMT_CSV))
		cli_usage_error("--format takes jsonl, csv or text, not '%s'",
			    format);
	if (tz)
		spoor_tz_free(cli_tz_arg("--tz", tz));
	if (tz && strlen(tz) < 500) {
		snprintf(optbuf[0], sizeof(optbuf[0]), "tz=%s", tz);
		options[nopt++] = optbuf[0];
	}
	if (me && strlen(me) < 500) {
		snprintf(optbuf[1], sizeof(optbuf[1]), "me=%s", me);
		options[nopt++] = optbuf[1];
	}
	if (strlen(cc) < 500) {
		snprintf(optbuf[2], sizeof(optbuf[2]), "cc=%s", cc);
		options[nopt++] = optbuf[2];
	}
	cli_set_verbosity(verbose);

	ctx = cli_ctx_new();
	ao.plugin_path = getenv("SPOOR_PLUGIN_PATH");
	ao.plugin_dir = SPOOR_PLUGINDIR;
	ao.only = nplugins ? plugins : NULL;
	ao.options = options;
	ao.tmp_dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR")
		: "/tmp";
	ao.on_record = on_record;
	ao.userdata = &o;
	a = spoor_artifacts_new(ctx, &ao, &err);
	if (!a)
		cli_die(cli_exit_named(err.code == SPOOR_EUNSUPPORTED
				       ? SPOOR_EINVAL : err.code), "%s",
			err.msg);
	if (list) {
		for (size_t i = 0; i < spoor_artifacts_nplugins(a); i++) {
			const struct spoor_plugin_info *p =
				spoor_artifacts_plugin(a, i);

			printf("%s\t%s\t%d.%d\t%s\t%s\n", p->name, p->version,
			       p->abi >> 16, p->abi & 0xffff, p->description,
			       p->path);
		}
		spoor_artifacts_free(a);
		spoor_ctx_free(ctx);
		cli_close_stdout();
		return EXIT_OK;
	}

	if (case_dir) {
		o.cc = cli_case_open(case_dir);
		for (int i = optind; i < argc; i++)
			cli_case_exhibit(o.cc, argv[i], exhibit);
	}
	if (graph && !(o.graph = spoor_idmap_new(GRAPH_MAX_PLACES)))
		cli_die(EXIT_OUTPUT, "out of memory");
	o.f = cli_output_open(output);
	cmdline = cli_command_line(argc, argv);
	info.program = "spoor-artifacts";
	info.version = SPOOR_VERSION_STRING;
	info.command_line = cmdline;
	info.sources = (const char *const *)(argv + optind);
	if (o.text && !graph) {
		o.me = me;
		if (!(o.tv = tv_new(ao.tmp_dir)))
			cli_die(EXIT_OUTPUT, "cannot make a temporary file in "
				"'%s'", ao.tmp_dir);
	} else if (!o.text) {
		o.writer = spoor_writer_new(o.f, fmt, graph ? graph_columns
					    : csv_columns, &info, &err);
		if (!o.writer)
			cli_die(EXIT_OUTPUT, "%s", err.msg);
	}
	/* the run begins last: nothing after it dies without ending it */
	if (o.cc)
		cli_case_begin(o.cc, "spoor-artifacts", argc, argv,
			       "chats, contacts, calls and accounts parsed",
			       replace);
	cli_on_interrupt(on_interrupt);
	signal(SIGPIPE, SIG_IGN);

	for (int i = optind; i < argc && !cli_interrupted(); i++) {
		int rc;

		spoor_err_clear(&err);
		rc = spoor_artifacts_run(a, argv[i], o.cc
					 ? cli_case_exhibit(o.cc, argv[i],
							    exhibit)
					 : exhibit, &err);
		if (!rc)
			continue;
		if (o.rc) {
			cli_error("%s", o.err.msg);
			exit_code = EXIT_OUTPUT;
			break;
		}
		if (rc == SPOOR_ESTOPPED || cli_interrupted())
			break;	/* said once, below */
		cli_error("%s", err.msg);
		exit_code = cli_exit_merge(exit_code, cli_exit_for(rc));
	}
	if (cli_interrupted())
		cli_error("%s", cli_interrupt_name());
	if (o.graph && !o.rc && write_graph(&o))
		exit_code = EXIT_OUTPUT;
	if (o.writer && !o.rc && spoor_writer_finish(o.writer, &err)) {
		cli_error("%s", err.msg);
		exit_code = EXIT_OUTPUT;
	}
	if (o.tv && !o.rc && tv_finish(&o)) {
		cli_error("%s", o.err.msg);
		exit_code = EXIT_OUTPUT;
	}
	tv_free(o.tv);
	if (o.text && fflush(o.f)) {
		cli_error("cannot write the output");
		exit_code = EXIT_OUTPUT;
	}
	if (cli_output_commit(o.f, exit_code != EXIT_OUTPUT &&
			      !cli_interrupted()))
		exit_code = EXIT_OUTPUT;
	if (verbose >= 0)
		summary(a);
	for (size_t i = 0; i < spoor_artifacts_nplugins(a); i++) {
		const struct spoor_artifact_stats *s =
			spoor_artifacts_stats(a, i);

		if (s->not_understood || s->errors || s->damaged ||
		    s->rows_skipped || s->truncated || s->recovery_failed)
			exit_code = cli_exit_merge(exit_code, EXIT_PARTIAL);
	}
	/* evidence no plugin read anything of, members not listed */
	if (spoor_artifacts_totals(a)->unread_inputs ||
	    spoor_artifacts_totals(a)->skipped)
		exit_code = cli_exit_merge(exit_code, EXIT_PARTIAL);
	if (o.graph && spoor_idmap_dropped(o.graph)) {
		cli_warn("--contacts-graph: %llu identity places over the "
			 "limit of %d were not counted",
			 (unsigned long long)spoor_idmap_dropped(o.graph),
			 GRAPH_MAX_PLACES);
		exit_code = cli_exit_merge(exit_code, EXIT_PARTIAL);
	}
	spoor_idmap_free(o.graph);
	if (o.cc) {
		char counts[64];

		snprintf(counts, sizeof(counts), "{\"records\":%llu}",
			 (unsigned long long)o.stored);
		exit_code = cli_case_end(o.cc, exit_code, counts);
	}
	spoor_writer_free(o.writer);
	spoor_artifacts_free(a);
	spoor_ctx_free(ctx);
	free(cmdline);
	if (o.f == stdout)
		cli_close_stdout();
	if (cli_interrupted())
		return EXIT_INTERRUPTED;
	return exit_code;
}
