/*
 * tiktok-export: TikTok's "Download your data" (the zip as delivered,
 * or unpacked), JSON or TXT.
 *
 * user_data.json / user_data_tiktok.json (one document, often large:
 * streamed): "Direct Message(s)" -> "Direct Messages" | "Chat History"
 * -> "ChatHistory" -> "Chat History with USER:" -> [{Date, From,
 * Content}], one conversation per USER; the owner from "Profile" ->
 * "Profile Info(rmation)" -> "ProfileMap" (userName, ... -> account);
 * followers ("Follower(s)" -> "FansList"), following ("Following" ->
 * "Following") and blocked users ("App Settings" -> "Block List" ->
 * "BlockList") as contacts, under "Activity" or "Your Activity".
 * Direction: a message From the other party of the conversation is
 * incoming, one From the owner (or, without a profile, from anyone
 * else in a one-to-one chat) outgoing.
 *
 * Times: the JSON's Date ("2023-01-15 10:20:30") carries no zone, and
 * nothing published says which (RLEAPP's tikTokArchiveJson.py: "the
 * export's time zone is not established"), so it is read as a local
 * time: converted with --tz, else kept local (time_quality
 * zone-unknown).  The TXT variant writes the same times with " UTC"
 * ("2026-07-03 23:00:11 UTC user: text"), which makes --tz=UTC the
 * likely reading of the JSON: the analyst's call, not ours.
 *
 * The TXT variant (any .txt whose start has ">>> Chat History with
 * USER::" lines): messages "DATE TIME UTC SENDER: TEXT", lines without
 * a time continuing the text before; provenance is the line.
 *
 * A user_data file that is JSON with none of these sections, or whose
 * direct messages are in a shape not known here, or that ends early, is
 * "not understood".  The order is the file's (sort_key; TikTok lists
 * newest first in the exports seen, not documented).
 */
#include "export-util.h"

#include "banned.h"

#define MAX_VALUE ((size_t)32 << 20)
#define MAX_LINE ((size_t)16 << 20)
#define SNIFF ((size_t)64 << 10)

struct tt {
	const struct spoor_host *h;
	const char *path;
	const char *cc;
	char owner[256];
	struct xu_mem mem;
	struct xj j;
	bool root_obj, known, dm_seen, dm_found;
	uint64_t emitted, skipped, conv_msgs;
	int64_t conv_line;
};

static const char *const k_dm[] = { "Direct Message", "Direct Messages",
				    NULL };
static const char *const k_dm2[] = { "Direct Messages", "Chat History",
				     NULL };
static const char *const k_ch[] = { "ChatHistory", NULL };
static const char *const k_profile[] = { "Profile", NULL };
static const char *const k_pinfo[] = { "Profile Info", "Profile Information",
				       NULL };
static const char *const k_pmap[] = { "ProfileMap", NULL };
static const char *const k_activity[] = { "Activity", "Your Activity",
					  NULL };
static const char *const k_settings[] = { "App Settings", NULL };
static const char *const k_followers[] = { "Follower", "Follower List",
					   "Followers", NULL };
static const char *const k_fans[] = { "FansList", NULL };
static const char *const k_following[] = { "Following", "Following List",
					   NULL };
static const char *const k_following2[] = { "Following", NULL };
static const char *const k_block[] = { "Block List", "Block", NULL };
static const char *const k_blocklist[] = { "BlockList", NULL };

/* "Chat History with USER:" -> USER (in buf). */
static const char *chat_user(const char *key, char *buf, size_t size)
{
	static const char pre[] = "Chat History with ";
	size_t n;

	if (!strncmp(key, pre, sizeof(pre) - 1))
		key += sizeof(pre) - 1;
	n = strlen(key);
	while (n && (key[n - 1] == ':' || key[n - 1] == ' '))
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(buf, key, n);
	buf[n] = '\0';
	return buf;
}

/* ---- pass 1: the owner ---- */

static int owner_want(void *ctx, struct xj *j)
{
	(void)ctx;
	if (j->depth == 0)
		return j->vtype == '{' ? XJ_DESCEND : XJ_SKIP;
	if (j->depth == 1)
		return xj_key_in(j, 0, k_profile) ? XJ_DESCEND : XJ_SKIP;
	if (j->depth == 2)
		return xj_key_in(j, 1, k_pinfo) ? XJ_DESCEND : XJ_SKIP;
	return j->depth == 3 && xj_key_in(j, 2, k_pmap) ? XJ_CAPTURE
		: XJ_SKIP;
}

static void account(struct tt *t, json_object *pm, int64_t line)
{
	struct spoor_prov prov = { NULL, NULL, -1, line, NULL };
	struct spoor_record r;
	struct spoor_phone ph = { "", "", NULL, false, 0 };
	const char *phone = xj_str(pm, "telephoneNumber", NULL);

	if (phone && *phone && strcmp(phone, "N/A"))
		t->h->phone(t->h, phone, t->cc, &ph);
	spoor_p_init(&r, "account");
	spoor_p_str(&r, "app", "tiktok");
	spoor_p_str(&r, "json_pointer", "/Profile/Profile Info/ProfileMap");
	xu_fstr(&r, "username", pm, "userName");
	xu_fstr(&r, "name", pm, "displayName");
	xu_fstr(&r, "email", pm, "emailAddress");
	spoor_p_str(&r, "phone_raw", phone);
	pu_phone(&r, "phone", &ph);
	xu_fstr(&r, "birth_date", pm, "birthDate");
	xu_fstr(&r, "bio", pm, "bioDescription");
	t->h->emit(t->h, &r, &prov);
	t->emitted++;
}

static int owner_got(void *ctx, struct xj *j, json_object *v, const char *why)
{
	struct tt *t = ctx;
	const char *u = xj_str(v, "userName", NULL);

	(void)why;
	if (u && strlen(u) < sizeof(t->owner))
		snprintf(t->owner, sizeof(t->owner), "%s", u);
	if (v && json_object_is_type(v, json_type_object))
		account(t, v, j->value_line);
	json_object_put(v);
	return 1;
}

/* ---- pass 2: contacts and messages ---- */

static int list_of(const struct xj *j)
{
	/* 1 follower, 2 following, 3 blocked; j->depth == 4 */
	if (xj_key_in(j, 0, k_activity) && xj_key_in(j, 1, k_followers) &&
	    xj_key_in(j, 2, k_fans))
		return 1;
	if (xj_key_in(j, 0, k_activity) && xj_key_in(j, 1, k_following) &&
	    xj_key_in(j, 2, k_following2))
		return 2;
	if (xj_key_in(j, 0, k_settings) && xj_key_in(j, 1, k_block) &&
	    xj_key_in(j, 2, k_blocklist))
		return 3;
	return 0;
}

static int body_want(void *ctx, struct xj *j)
{
	struct tt *t = ctx;

	if (j->depth == 0) {
		t->root_obj = j->vtype == '{';
		return t->root_obj ? XJ_DESCEND : XJ_SKIP;
	}
	if (j->depth == 1) {
		if (xj_key_in(j, 0, k_dm))
			t->dm_seen = true;
		if (xj_key_in(j, 0, k_dm) || xj_key_in(j, 0, k_activity) ||
		    xj_key_in(j, 0, k_settings) ||
		    xj_key_in(j, 0, k_profile)) {
			t->known = true;
			return XJ_DESCEND;
		}
		return XJ_SKIP;
	}
	if (xj_key_in(j, 0, k_dm)) {
		if (j->depth == 2)
			return xj_key_in(j, 1, k_dm2) ? XJ_DESCEND : XJ_SKIP;
		if (j->depth == 3)
			return xj_key_in(j, 2, k_ch) ? XJ_DESCEND : XJ_SKIP;
		if (j->depth == 4) {
			if (j->vtype != '[')
				return XJ_SKIP;
			t->dm_found = true;
			t->conv_msgs = 0;
			t->conv_line = j->line;
			return XJ_DESCEND;
		}
		return j->depth == 5 ? XJ_CAPTURE : XJ_SKIP;
	}
	if (j->depth == 2 || j->depth == 3)
		return XJ_DESCEND;
	return j->depth == 4 && list_of(j) ? XJ_CAPTURE : XJ_SKIP;
}

static void contact(struct tt *t, struct xj *j, json_object *c, int list)
{
	static const char *const rel[] = { NULL, "follower", "following",
					   "blocked" };
	struct spoor_prov prov = { NULL, NULL, -1, j->value_line, NULL };
	struct spoor_record r;
	struct spoor_local_time lt;
	char ptr[512];
	const char *d;
	size_t dl;

	xj_pointer(j, ptr, sizeof(ptr));
	d = xj_str(c, "Date", &dl);
	spoor_p_init(&r, "contact");
	spoor_p_str(&r, "app", "tiktok");
	spoor_p_str(&r, "json_pointer", ptr);
	spoor_p_str(&r, "relationship", rel[list]);
	xu_fstr(&r, "username", c, "UserName");
	xu_time_text(t->h, &r, "time_added", "time_added_raw",
		     "time_added_unit", d, dl, &lt, NULL);
	t->h->emit(t->h, &r, &prov);
	t->emitted++;
}

/* 1 the owner's, 0 the other party's, -1 unknown. */
static int mine(const struct tt *t, const char *from, const char *other)
{
	if (!from)
		return -1;
	if (!strcmp(from, other))
		return 0;
	if (t->owner[0])
		return strcmp(from, t->owner) ? -1 : 1;
	return 1;	/* one-to-one: whoever is not the other party */
}

static void message(struct tt *t, struct xj *j, json_object *m)
{
	struct spoor_prov prov = { NULL, NULL, -1, j->value_line, NULL };
	struct spoor_record r;
	struct spoor_local_time lt;
	char ptr[1024], user[512];
	const char *from = xj_str(m, "From", NULL), *d, *text;
	size_t dl, tl;

	chat_user(xj_key(j, 3), user, sizeof(user));
	xj_pointer(j, ptr, sizeof(ptr));
	d = xj_str(m, "Date", &dl);
	text = xj_str(m, "Content", &tl);
	spoor_p_init(&r, "message");
	spoor_p_str(&r, "app", "tiktok");
	spoor_p_str(&r, "json_pointer", ptr);
	spoor_p_str(&r, "chat_id", user);
	spoor_p_str(&r, "chat_name", user);
	spoor_p_str(&r, "chat_type", "direct");
	spoor_p_int(&r, "sort_key", j->lv[4].index);
	xu_direction(&r, mine(t, from, user));
	spoor_p_str(&r, "sender_name", from);
	xu_time_text(t->h, &r, "time", "time_raw", "time_unit", d, dl, &lt,
		     NULL);
	spoor_p_str(&r, "kind", "text");
	spoor_p_bytes(&r, "text", text, tl > XU_TEXT_MAX ? XU_TEXT_MAX : tl);
	spoor_p_bool(&r, "text_truncated", tl > XU_TEXT_MAX);
	t->h->emit(t->h, &r, &prov);
	t->emitted++;
	t->conv_msgs++;
}

static int body_got(void *ctx, struct xj *j, json_object *v, const char *why)
{
	struct tt *t = ctx;
	int list;

	if (why) {
		char ptr[1024];

		xj_pointer(j, ptr, sizeof(ptr));
		t->h->log(t->h, SPOOR_LOG_WARN, "%s: %s skipped", ptr, why);
		t->skipped++;
		return 0;
	}
	if (v && json_object_is_type(v, json_type_object)) {
		if (xj_key_in(j, 0, k_dm))
			message(t, j, v);
		else if ((list = list_of(j)))
			contact(t, j, v, list);
	} else if (xj_key_in(j, 0, k_dm)) {
		t->skipped++;
	}
	json_object_put(v);
	return 0;
}

static void conversation(struct tt *t, const char *user, uint64_t n,
			 const char *ptr, int64_t line)
{
	struct spoor_prov prov = { NULL, NULL, -1, line, NULL };
	struct spoor_record r;
	struct xu_conv *c = calloc(1, sizeof(*c));

	if (!c)
		return;
	xu_conv_add(c, NULL, user, 0);
	if (t->owner[0])
		xu_conv_add(c, NULL, t->owner, 1);
	spoor_p_init(&r, "conversation");
	spoor_p_str(&r, "app", "tiktok");
	spoor_p_str(&r, "json_pointer", ptr);
	spoor_p_str(&r, "chat_id", user);
	spoor_p_str(&r, "chat_name", user);
	spoor_p_str(&r, "chat_type", "direct");
	xu_conv_fields(&r, c);
	spoor_p_int(&r, "message_count", (int64_t)n);
	spoor_p_str(&r, "source_order", "as-stored");
	t->h->emit(t->h, &r, &prov);
	free(c);
}

static void body_closed(void *ctx, struct xj *j)
{
	struct tt *t = ctx;
	char ptr[1024], user[512];

	if (j->depth != 5 || !xj_key_in(j, 0, k_dm))
		return;
	chat_user(xj_key(j, 3), user, sizeof(user));
	j->depth--;
	xj_pointer(j, ptr, sizeof(ptr));
	j->depth++;
	conversation(t, user, t->conv_msgs, ptr, t->conv_line);
}

static void run_json(struct tt *t)
{
	static const struct xj_ops owner = { owner_want, owner_got, NULL };
	static const struct xj_ops body = { body_want, body_got, body_closed };
	int rc;

	if (xj_init(&t->j, &owner, t, 1 << 20))
		return;
	xu_scan(t->h, t->path, &t->j);
	xj_release(&t->j);
	if (xj_init(&t->j, &body, t, MAX_VALUE))
		return;
	rc = xu_scan(t->h, t->path, &t->j);
	if (rc == -2)
		t->h->not_understood(t->h, t->path, "cannot be opened");
	else if (rc)
		t->h->not_understood(t->h, t->path, t->j.error);
	else if (!t->root_obj || !t->known)
		t->h->not_understood(t->h, t->path, "JSON, but none of the "
				     "sections of a TikTok export");
	else if (t->dm_seen && !t->dm_found)
		t->h->not_understood(t->h, t->path, "direct messages in a "
				     "layout not known here");
	if (t->skipped) {
		char why[96];

		snprintf(why, sizeof(why), "%llu entries could not be read",
			 (unsigned long long)t->skipped);
		t->h->not_understood(t->h, t->path, why);
	}
	xj_release(&t->j);
}

/* ---- the TXT variant ---- */

struct tt_txt {
	struct tt *t;
	char user[512];
	bool in_chat;
	int64_t conv_line, idx;
	uint64_t conv_msgs;
	struct pu_buf text;
	char when[32], from[512];
	int64_t line;		/* of the open message, 0: none */
};

static void txt_flush(struct tt_txt *x)
{
	struct tt *t = x->t;
	struct spoor_prov prov = { NULL, NULL, -1, x->line, NULL };
	struct spoor_record r;
	struct spoor_local_time lt;

	if (!x->line)
		return;
	spoor_p_init(&r, "message");
	spoor_p_str(&r, "app", "tiktok");
	spoor_p_str(&r, "chat_id", x->user);
	spoor_p_str(&r, "chat_name", x->user);
	spoor_p_str(&r, "chat_type", "direct");
	spoor_p_int(&r, "sort_key", x->idx++);
	xu_direction(&r, mine(t, x->from, x->user));
	spoor_p_str(&r, "sender_name", x->from);
	xu_time_text(t->h, &r, "time", "time_raw", "time_unit", x->when,
		     strlen(x->when), &lt, NULL);
	spoor_p_str(&r, "kind", "text");
	spoor_p_bytes(&r, "text", x->text.p ? x->text.p : "", x->text.len);
	spoor_p_bool(&r, "text_truncated", x->text.full);
	t->h->emit(t->h, &r, &prov);
	t->emitted++;
	x->conv_msgs++;
	x->line = 0;
	x->text.len = 0;
	x->text.full = false;
	if (x->text.p)
		x->text.p[0] = '\0';
}

static void txt_end_chat(struct tt_txt *x)
{
	txt_flush(x);
	if (x->in_chat)
		conversation(x->t, x->user, x->conv_msgs, NULL, x->conv_line);
	x->in_chat = false;
	x->conv_msgs = 0;
	x->idx = 0;
}

/* "YYYY-MM-DD HH:MM:SS[ UTC] SENDER: TEXT": the time text's length and
 * where SENDER starts, or 0. */
static size_t txt_stamp(const char *p, size_t n, const char **sender)
{
	struct spoor_wallclock w;
	uint32_t ns;
	const char *rest;
	size_t len;

	if (n < 20 || !xu_parse_wall(p, n, &w, &ns, &rest) ||
	    rest - p != 19)
		return 0;
	len = 19;
	if (n >= 24 && !memcmp(p + 19, " UTC", 4))
		len = 23;
	if (len >= n || p[len] != ' ')
		return 0;
	*sender = p + len + 1;
	return len;
}

static void txt_line(struct tt_txt *x, const char *p, size_t n, int64_t no)
{
	static const char head[] = ">>> Chat History with ";
	const char *sender, *colon;
	size_t tl;

	if (n >= sizeof(head) - 1 && !memcmp(p, head, sizeof(head) - 1)) {
		char key[600];
		size_t k = n < sizeof(key) - 1 ? n : sizeof(key) - 1;

		txt_end_chat(x);
		memcpy(key, p + 4, k - 4);
		key[k - 4] = '\0';
		chat_user(key, x->user, sizeof(x->user));
		x->in_chat = true;
		x->conv_line = no;
		return;
	}
	if (!x->in_chat)
		return;
	if ((tl = txt_stamp(p, n, &sender)) &&
	    (colon = memmem(sender, (size_t)(p + n - sender), ": ", 2))) {
		size_t fl = (size_t)(colon - sender);

		txt_flush(x);
		memcpy(x->when, p, tl);
		x->when[tl] = '\0';
		if (fl >= sizeof(x->from))
			fl = sizeof(x->from) - 1;
		memcpy(x->from, sender, fl);
		x->from[fl] = '\0';
		pu_buf_add(&x->text, colon + 2, (size_t)(p + n - colon - 2));
		x->line = no;
		return;
	}
	if (n && x->line) {	/* the text goes on */
		pu_buf_add(&x->text, "\n", 1);
		pu_buf_add(&x->text, p, n);
	}
}

static bool txt_sniff(const struct spoor_host *h, const char *path)
{
	char *buf = malloc(SNIFF + 1);
	size_t got = 0;
	int fd = xu_open(h, path);
	bool yes = false;

	if (fd >= 0 && buf) {
		while (got < SNIFF) {
			ssize_t n = read(fd, buf + got, SNIFF - got);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		buf[got] = '\0';
		yes = (got >= 22 && !memcmp(buf, ">>> Chat History with ", 22))
			|| memmem(buf, got, "\n>>> Chat History with ", 23);
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	return yes;
}

static void txt_one(struct tt_txt *x, char *line, size_t len, int64_t no)
{
	if (len && line[len - 1] == '\r')
		len--;
	txt_line(x, line, len, no);
}

/* false when the file is no TikTok TXT export (declined) */
static bool run_txt(struct tt *t)
{
	struct tt_txt *x;
	char *buf;
	size_t cap = 64 << 10, have = 0;
	int64_t no = 0;
	int fd;
	bool eof = false, skipping = false;

	if (!txt_sniff(t->h, t->path))
		return false;	/* not TikTok's */
	x = calloc(1, sizeof(*x));
	buf = malloc(cap);
	fd = xu_open(t->h, t->path);
	if (!x || !buf || fd < 0) {
		free(x);
		free(buf);
		if (fd >= 0)
			close(fd);
		t->h->not_understood(t->h, t->path, "cannot be read (out of "
				     "memory or unreadable)");
		return true;
	}
	x->t = t;
	x->text.max = XU_TEXT_MAX;
	while (!eof) {
		size_t start = 0;
		char *nl;
		ssize_t n = read(fd, buf + have, cap - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			eof = true;
		else
			have += (size_t)n;
		while ((nl = memchr(buf + start, '\n', have - start))) {
			size_t len = (size_t)(nl - buf) - start;

			no++;
			if (!skipping)
				txt_one(x, buf + start, len, no);
			skipping = false;
			start += len + 1;
		}
		if (eof && start < have && !skipping)
			txt_one(x, buf + start, have - start, ++no);
		memmove(buf, buf + start, have - start);
		have -= start;
		if (have == cap) {
			char *nb = cap < MAX_LINE ? realloc(buf, cap * 2)
				: NULL;

			if (nb) {
				buf = nb;
				cap *= 2;
			} else {	/* a line longer than MAX_LINE */
				t->skipped++;
				skipping = true;
				have = 0;
			}
		}
	}
	txt_end_chat(x);
	close(fd);
	if (t->skipped)
		t->h->not_understood(t->h, t->path, "a line longer than the "
				     "limit was skipped");
	pu_buf_free(&x->text);
	free(x);
	free(buf);
	return true;
}

static int run(const struct spoor_host *h, const char *path)
{
	struct tt *t;
	const char *base = xu_base(path);
	size_t bl = strlen(base);
	int rc = 0;

	if (!pu_host_1_2(h))
		return SPOOR_EUNSUPPORTED;
	if (!(t = calloc(1, sizeof(*t))))
		return SPOOR_ENOMEM;
	t->h = h;
	t->path = path;
	t->cc = h->option(h, "cc");
	if (bl > 4 && !strcmp(base + bl - 4, ".txt")) {
		if (!run_txt(t))
			rc = SPOOR_PLUGIN_DECLINED;
	} else {
		run_json(t);
	}
	xu_mem_free(&t->mem);
	free(t);
	return rc;
}

static const char *const types[] = { "message", "conversation", "contact",
				     "account", NULL };
static const char *const patterns[] = { "user_data.json",
					"user_data_tiktok.json", "*.txt",
					NULL };

const struct spoor_plugin spoor_plugin_tiktok_export = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "tiktok-export",
	.version = "1.0",
	.description = "TikTok \"Download your data\" (user_data JSON: "
		"direct messages, profile, followers, following, blocked; "
		"the TXT variant's direct messages)",
	.types = types,
	.patterns = patterns,
	.run = run,
};
