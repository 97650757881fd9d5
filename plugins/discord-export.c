/*
 * discord-export: Discord's data package ("Request all of my Data"; the
 * zip as delivered, or unpacked) and DiscordChatExporter JSON.
 *
 * The package: Messages/ (messages/ in older ones) holds index.json
 * (channel id -> "general in Server", "Direct Message with user#0") and
 * one folder per channel, c<id>/ (<id>/ in older ones), with
 * channel.json ({id, type: DM, GROUP_DM, GUILD_TEXT, ... or 1, 3, 0 in
 * older ones, name, guild{id, name}, recipients[]}) and messages.json
 * ([{ID, Timestamp, Contents, Attachments}]) or, in older packages,
 * messages.csv (ID,Timestamp,Contents,Attachments).  Every message of
 * the package is the owner's own: direction outgoing, and the
 * conversation record says one_sided (the other side is not in a
 * package).  Account/user.json gives the owner (account) and its
 * relationships (friend, blocked, incoming and outgoing requests) as
 * contacts.  Attachments are CDN URLs: listed, not looked for (a
 * package holds no media).
 *
 * Times: the CSV's Timestamp has an offset ("2020-08-25
 * 22:54:05.726000+00:00"); messages.json's has none ("2021-10-13
 * 15:35:46"), and the message ID, a snowflake, holds the instant it was
 * made ((ID >> 22) + 1420070400000 ms, UTC).  A Timestamp without a
 * zone that agrees with its ID to the second is UTC (time_checked_by_id
 * true); one that does not is read as a local time (the host's
 * local_time) and flagged; id_time always gives the ID's instant.
 *
 * DiscordChatExporter JSON (any *.json whose first member is "guild"):
 * guild, channel {id, type, name, category}, messages [{id, type,
 * timestamp, timestampEdited, callEndedTimestamp, isPinned, content,
 * author{id, name, nickname}, attachments[{url, fileName,
 * fileSizeBytes}], reactions, mentions, reference}]: both sides of a
 * conversation, times with offsets, attachments downloaded next to the
 * export (a relative url) resolved in the evidence; calls (type Call)
 * are call records.  Direction: --me naming the author (name, nickname
 * or id) is outgoing, else incoming; without --me unknown.
 *
 * A package file in a shape not known here, a DiscordChatExporter file
 * without its messages list, or a file that ends early is "not
 * understood".  Streamed: files of any size, one message at a time.
 */
#include "export-util.h"

#include "banned.h"

#define MAX_VALUE ((size_t)32 << 20)
#define MAX_FIELD ((size_t)16 << 20)
#define DISCORD_EPOCH_MS 1420070400000LL

struct dc {
	const struct spoor_host *h;
	const char *path;
	const char *me, *cc;
	char dir[XU_PATH_MAX];		/* the file's folder */
	char root[XU_PATH_MAX];		/* the package's top folder */
	char chan_id[64], chan_name[1024], chan_type[64], guild[1024];
	char owner_id[64], owner_user[256], owner_name[256];
	struct xu_atts *atts;
	struct xu_mem mem;
	struct xj j;
	bool root_ok, is_dce, has_messages;
	uint64_t emitted, skipped, bad, calls;
	/* DiscordChatExporter: the authors seen */
	char *authors[XU_PART_MAX], *author_ids[XU_PART_MAX];
	size_t nauthors;
};

/* ---- small readers ---- */

/* Capture the members of the root object named in ctx->keys. */
struct dc_pick {
	const char *const *keys;
	json_object *got[8];
};

static int pick_want(void *ctx, struct xj *j)
{
	struct dc_pick *p = ctx;

	if (j->depth == 0)
		return j->vtype == '{' ? XJ_DESCEND : XJ_SKIP;
	return j->depth == 1 && xj_key_in(j, 0, p->keys) ? XJ_CAPTURE
		: XJ_SKIP;
}

static int pick_got(void *ctx, struct xj *j, json_object *v, const char *w)
{
	struct dc_pick *p = ctx;
	const char *k = xj_key(j, 0);

	(void)w;
	for (size_t i = 0; p->keys[i] && i < 8; i++)
		if (!strcmp(k, p->keys[i]) && !p->got[i]) {
			p->got[i] = v;
			return 0;
		}
	json_object_put(v);
	return 0;
}

/* The root members named by keys (at most 8) of an evidence file. */
static bool pick(struct dc *d, const char *path, struct dc_pick *p)
{
	static const struct xj_ops ops = { pick_want, pick_got, NULL };
	struct xj j;

	memset(p->got, 0, sizeof(p->got));
	if (!d->h->exists(d->h, path) || xj_init(&j, &ops, p, 16 << 20))
		return false;
	xu_scan(d->h, path, &j);
	xj_release(&j);
	return true;
}

static void pick_free(struct dc_pick *p)
{
	for (size_t i = 0; i < 8; i++)
		json_object_put(p->got[i]);
}

static void copy_str(char *dst, size_t size, json_object *v)
{
	size_t n;
	const char *s = xj_sval(v, &n);

	if (s && n < size) {
		memcpy(dst, s, n);
		dst[n] = '\0';
	}
}

/* The owner from Account/user.json (account/ in older packages). */
static void read_owner(struct dc *d)
{
	static const char *const keys[] = { "id", "username", "global_name",
					    NULL };
	static const char *const rel[] = { "Account/user.json",
					   "account/user.json", NULL };
	struct dc_pick p = { keys, { NULL } };
	char path[XU_PATH_MAX];

	for (size_t i = 0; rel[i]; i++)
		if (xu_join(path, sizeof(path), d->root, rel[i]) &&
		    pick(d, path, &p)) {
			copy_str(d->owner_id, sizeof(d->owner_id), p.got[0]);
			copy_str(d->owner_user, sizeof(d->owner_user),
				 p.got[1]);
			copy_str(d->owner_name, sizeof(d->owner_name),
				 p.got[2]);
			pick_free(&p);
			return;
		}
}

static const char *chan_type(json_object *t)
{
	static const char *const num[] = {
		"GUILD_TEXT", "DM", "GUILD_VOICE", "GROUP_DM",
		"GUILD_CATEGORY", "GUILD_ANNOUNCEMENT",
	};

	if (t && json_object_is_type(t, json_type_int)) {
		int64_t v = json_object_get_int64(t);

		if (v >= 0 && v < (int64_t)(sizeof(num) / sizeof(num[0])))
			return num[v];
		if (v == 11)
			return "PUBLIC_THREAD";
		if (v == 12)
			return "PRIVATE_THREAD";
		return NULL;
	}
	return xj_sval(t, NULL);
}

/* channel.json beside the messages, and the name index.json gives. */
static void read_channel(struct dc *d, const char *folder_id)
{
	static const char *const ckeys[] = { "id", "type", "name", "guild",
					     NULL };
	struct dc_pick p = { ckeys, { NULL } };
	char path[XU_PATH_MAX];
	const char *t;

	snprintf(d->chan_id, sizeof(d->chan_id), "%s", folder_id);
	if (xu_join(path, sizeof(path), d->dir, "channel.json") &&
	    pick(d, path, &p)) {
		copy_str(d->chan_id, sizeof(d->chan_id), p.got[0]);
		if ((t = chan_type(p.got[1])))
			snprintf(d->chan_type, sizeof(d->chan_type), "%s", t);
		copy_str(d->chan_name, sizeof(d->chan_name), p.got[2]);
		copy_str(d->guild, sizeof(d->guild),
			 xj_get(p.got[3], "name"));
		pick_free(&p);
	}
	{
		const char *ik[] = { d->chan_id, NULL };
		struct dc_pick q = { ik, { NULL } };
		char parent[XU_PATH_MAX];

		/* index.json's name says more ("general in Server") */
		pu_dirname(d->dir, parent, sizeof(parent));
		if (xu_join(path, sizeof(path), parent, "index.json") &&
		    pick(d, path, &q)) {
			if (q.got[0] && xj_sval(q.got[0], NULL) &&
			    strcmp(xj_sval(q.got[0], NULL), "None"))
				copy_str(d->chan_name, sizeof(d->chan_name),
					 q.got[0]);
			pick_free(&q);
		}
	}
}

/* ---- times ---- */

static bool snowflake_ms(const char *id, int64_t *ms)
{
	char *end;
	unsigned long long v;

	if (!id || *id < '0' || *id > '9')
		return false;
	errno = 0;
	v = strtoull(id, &end, 10);
	if (errno || *end || v < (1ULL << 22))
		return false;
	*ms = (int64_t)(v >> 22) + DISCORD_EPOCH_MS;
	return true;
}

/* time from a package Timestamp, checked against the ID (see the top). */
static void pkg_time(struct dc *d, struct spoor_record *r, const char *ts,
		     size_t tl, const char *id, struct spoor_local_time *lt)
{
	struct spoor_wallclock w;
	struct spoor_field *f;
	const char *rest;
	uint32_t ns;
	int64_t ms = 0, t = 0;
	int off = 0, z = -1;
	bool have_id = snowflake_ms(id, &ms);

	if (ts && xu_parse_wall(ts, tl, &w, &ns, &rest))
		z = xu_parse_zone(rest, ts + tl, &off);
	if (z >= 0)
		t = xu_wall_utc(&w) - off;
	if (z == 0 && have_id && t - ms / 1000 <= 1 && ms / 1000 - t <= 1) {
		/* no zone, and UTC is what the ID says: UTC */
		if ((f = spoor_p_add(r, "time", SPOOR_F_TIME)))
			f->v.t = (struct spoor_time){ t, ns, true };
		spoor_p_bytes(r, "time_raw", ts, tl);
		spoor_p_str(r, "time_unit", "utc_text");
		spoor_p_bool(r, "time_checked_by_id", true);
	} else {
		xu_time_text(d->h, r, "time", "time_raw", "time_unit", ts, tl,
			     lt, NULL);
		if (have_id && z >= 0)
			spoor_p_bool(r, "time_checked_by_id", z > 0 &&
				     t - ms / 1000 <= 1 && ms / 1000 - t <= 1);
		else
			spoor_p_null(r, "time_checked_by_id");
	}
	xu_time_epoch(r, "id_time", "id_time_raw", "id_time_unit", ms,
		      have_id);
}

/* ---- the package's messages ---- */

static void attachments_urls(struct dc *d, const char *s, size_t n)
{
	const char *p = s, *end = s + n;

	while (p < end) {
		const char *q;

		while (p < end && (*p == ' ' || *p == '\n' || *p == ','))
			p++;
		q = p;
		while (q < end && *q != ' ' && *q != '\n' && *q != ',')
			q++;
		if (q > p)
			xu_att_add(d->h, d->atts, &d->mem, "file", p,
				   (size_t)(q - p), NULL, d->dir);
		p = q;
	}
}

static void pkg_message(struct dc *d, const char *id, const char *ts,
			size_t tl, const char *text, size_t xl,
			const char *att, size_t al, int64_t idx,
			const char *ptr, int64_t line)
{
	struct spoor_prov prov = { NULL, NULL, -1, line, NULL };
	struct spoor_record r;
	struct spoor_local_time lt;

	xu_atts_reset(d->atts);
	spoor_p_init(&r, "message");
	spoor_p_str(&r, "app", "discord");
	spoor_p_str(&r, "json_pointer", ptr);
	spoor_p_str(&r, "chat_id", d->chan_id);
	spoor_p_str(&r, "chat_name", d->chan_name[0] ? d->chan_name
		    : d->chan_id);
	spoor_p_str(&r, "chat_type", d->chan_type[0] ? d->chan_type : NULL);
	spoor_p_str(&r, "guild_name", d->guild[0] ? d->guild : NULL);
	spoor_p_int(&r, "sort_key", idx);
	xu_direction(&r, 1);
	spoor_p_str(&r, "sender_name", d->owner_name[0] ? d->owner_name
		    : d->owner_user[0] ? d->owner_user : NULL);
	spoor_p_str(&r, "sender_id", d->owner_id[0] ? d->owner_id : NULL);
	spoor_p_str(&r, "message_id", id);
	pkg_time(d, &r, ts, tl, id, &lt);
	spoor_p_str(&r, "kind", "text");
	spoor_p_bytes(&r, "text", text, xl > XU_TEXT_MAX ? XU_TEXT_MAX : xl);
	spoor_p_bool(&r, "text_truncated", xl > XU_TEXT_MAX);
	if (att && al)
		attachments_urls(d, att, al);
	xu_atts_fields(&r, d->atts);
	d->h->emit(d->h, &r, &prov);
	xu_mem_free(&d->mem);
	d->emitted++;
}

static int pkg_want(void *ctx, struct xj *j)
{
	struct dc *d = ctx;

	if (j->depth == 0) {
		d->root_ok = j->vtype == '[';
		return d->root_ok ? XJ_DESCEND : XJ_SKIP;
	}
	return j->depth == 1 ? XJ_CAPTURE : XJ_SKIP;
}

static int pkg_got(void *ctx, struct xj *j, json_object *v, const char *why)
{
	struct dc *d = ctx;
	char ptr[32], idbuf[32];
	const char *id, *ts, *text, *att;
	size_t tl, xl, al;

	snprintf(ptr, sizeof(ptr), "/%lld", (long long)j->lv[0].index);
	if (why) {
		d->h->log(d->h, SPOOR_LOG_WARN, "%s: %s skipped", ptr, why);
		d->skipped++;
		return 0;
	}
	if (!v || !json_object_is_type(v, json_type_object) ||
	    (!xj_get(v, "ID") && !xj_get(v, "Timestamp"))) {
		d->bad++;
		json_object_put(v);
		return 0;
	}
	id = xj_str(v, "ID", NULL);
	if (id)	/* a number as text, kept before v goes */
		snprintf(idbuf, sizeof(idbuf), "%s", id);
	ts = xj_str(v, "Timestamp", &tl);
	text = xj_str(v, "Contents", &xl);
	att = xj_str(v, "Attachments", &al);
	pkg_message(d, id ? idbuf : NULL, ts, tl, text, xl, att, al,
		    j->lv[0].index, ptr, j->value_line);
	json_object_put(v);
	return 0;
}

/* ---- messages.csv (RFC 4180, fields may hold newlines) ---- */

struct csv {
	struct pu_buf f[4];	/* ID, Timestamp, Contents, Attachments */
	char hdr[4][32];	/* the header's first cells */
	int map[16];		/* column -> field, -1 unused */
	int col, state;		/* 0 cell start, 1 unquoted, 2 quoted,
				 * 3 a quote inside quotes */
	bool header, bad, any;
	int64_t line, rec_line, idx;
};

static void csv_put(struct csv *c, char ch)
{
	c->any = true;
	if (!c->header) {
		if (c->col < 4) {
			size_t l = strlen(c->hdr[c->col]);

			if (l < sizeof(c->hdr[0]) - 1) {
				c->hdr[c->col][l] = ch;
				c->hdr[c->col][l + 1] = '\0';
			}
		}
		return;
	}
	if (c->col < 16 && c->map[c->col] >= 0)
		pu_buf_add(&c->f[c->map[c->col]], &ch, 1);
}

static void csv_row(struct dc *d, struct csv *c)
{
	static const char *const nm[] = { "ID", "Timestamp", "Contents",
					  "Attachments" };

	if (!c->header) {
		for (int k = 0; k < 16; k++)
			c->map[k] = -1;
		for (int col = 0; col < 4; col++)
			for (int k = 0; k < 4; k++)
				if (!strcmp(c->hdr[col], nm[k]))
					c->map[col] = k;
		c->bad = c->map[0] < 0 && c->map[1] < 0;
		c->header = true;
	} else if (c->any) {
		pkg_message(d, c->f[0].p, c->f[1].p, c->f[1].len, c->f[2].p,
			    c->f[2].len, c->f[3].p, c->f[3].len, c->idx++,
			    NULL, c->rec_line);
	}
	for (int k = 0; k < 4; k++) {
		c->f[k].len = 0;
		c->f[k].full = false;
		if (c->f[k].p)
			c->f[k].p[0] = '\0';
	}
	c->col = 0;
	c->state = 0;
	c->any = false;
	c->rec_line = c->line;
}

static void run_csv(struct dc *d)
{
	struct csv *c = calloc(1, sizeof(*c));
	char *buf = malloc(XJ_CHUNK);
	int fd = xu_open(d->h, d->path);

	if (!c || !buf || fd < 0) {
		free(c);
		free(buf);
		if (fd >= 0)
			close(fd);
		d->h->not_understood(d->h, d->path, "cannot be read");
		return;
	}
	for (int k = 0; k < 4; k++)
		c->f[k].max = MAX_FIELD;
	c->line = c->rec_line = 1;
	for (;;) {
		ssize_t n = read(fd, buf, XJ_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			char ch = buf[i];

			if (ch == '\n')
				c->line++;
			if (c->state == 2) {
				if (ch == '"')
					c->state = 3;
				else
					csv_put(c, ch);
				continue;
			}
			if (c->state == 3 && ch == '"') {
				csv_put(c, ch);
				c->state = 2;
				continue;
			}
			if (c->state == 0 && ch == '"') {
				c->state = 2;
				c->any = true;
				continue;
			}
			if (ch == '\r')
				continue;
			if (ch == ',') {
				c->col++;
				c->state = 0;
				c->any = true;
			} else if (ch == '\n') {
				csv_row(d, c);
			} else {
				c->state = 1;
				csv_put(c, ch);
			}
		}
	}
	if (c->state == 2)
		d->h->not_understood(d->h, d->path, "CSV truncated inside a "
				     "quoted field");
	else if (c->any)
		csv_row(d, c);
	if (c->bad || !c->header)
		d->h->not_understood(d->h, d->path, "CSV, but not the "
				     "package's ID,Timestamp,Contents,"
				     "Attachments");
	close(fd);
	for (int k = 0; k < 4; k++)
		pu_buf_free(&c->f[k]);
	free(c);
	free(buf);
}

/* The package's channel folder: Messages/c<id>/ or messages/<id>/. */
static bool pkg_channel(struct dc *d, const char *path, char *id,
			size_t size)
{
	char parent[XU_PATH_MAX];
	const char *b;
	size_t i = 0;

	pu_dirname(path, d->dir, sizeof(d->dir));
	b = xu_base(d->dir);
	if (*b == 'c')
		b++;
	for (; b[i]; i++)
		if (b[i] < '0' || b[i] > '9')
			return false;
	if (!i || i >= size)
		return false;
	memcpy(id, b, i + 1);
	pu_dirname(d->dir, parent, sizeof(parent));
	if (strcasecmp(xu_base(parent), "messages"))
		return false;
	pu_dirname(parent, d->root, sizeof(d->root));
	return true;
}

static void pkg_conversation(struct dc *d)
{
	struct spoor_prov prov = { NULL, NULL, -1, -1, NULL };
	struct spoor_record r;
	struct xu_conv *c = calloc(1, sizeof(*c));

	if (!c)
		return;
	if (d->owner_id[0] || d->owner_user[0])
		xu_conv_add(c, d->owner_name[0] ? d->owner_name : NULL,
			    d->owner_id[0] ? d->owner_id : d->owner_user, 1);
	spoor_p_init(&r, "conversation");
	spoor_p_str(&r, "app", "discord");
	spoor_p_str(&r, "chat_id", d->chan_id);
	spoor_p_str(&r, "chat_name", d->chan_name[0] ? d->chan_name
		    : d->chan_id);
	spoor_p_str(&r, "chat_type", d->chan_type[0] ? d->chan_type : NULL);
	spoor_p_str(&r, "guild_name", d->guild[0] ? d->guild : NULL);
	xu_conv_fields(&r, c);
	spoor_p_int(&r, "message_count", (int64_t)d->emitted);
	spoor_p_bool(&r, "one_sided", true);
	spoor_p_str(&r, "note", "a Discord data package holds only the "
		    "owner's own messages");
	spoor_p_str(&r, "source_order", "as-stored");
	d->h->emit(d->h, &r, &prov);
	free(c);
}

static void run_package(struct dc *d, const char *id, bool csv)
{
	static const struct xj_ops ops = { pkg_want, pkg_got, NULL };
	int rc;

	read_owner(d);
	read_channel(d, id);
	if (csv) {
		run_csv(d);
	} else {
		if (xj_init(&d->j, &ops, d, MAX_VALUE))
			return;
		rc = xu_scan(d->h, d->path, &d->j);
		if (rc == -2)
			d->h->not_understood(d->h, d->path, "cannot be "
					     "opened");
		else if (rc)
			d->h->not_understood(d->h, d->path, d->j.error);
		else if (!d->root_ok)
			d->h->not_understood(d->h, d->path, "JSON, but not a "
					     "list of messages");
		xj_release(&d->j);
	}
	pkg_conversation(d);
	if (d->skipped || d->bad) {
		char why[96];

		snprintf(why, sizeof(why), "%llu messages could not be read",
			 (unsigned long long)(d->skipped + d->bad));
		d->h->not_understood(d->h, d->path, why);
	}
}

/* ---- Account/user.json ---- */

static int user_want(void *ctx, struct xj *j)
{
	static const char *const keys[] = { "id", "username", "global_name",
		"discriminator", "email", "phone", NULL };
	(void)ctx;
	if (j->depth == 0)
		return j->vtype == '{' ? XJ_DESCEND : XJ_SKIP;
	if (j->depth == 1) {
		if (!strcmp(xj_key(j, 0), "relationships"))
			return XJ_DESCEND;
		return xj_key_in(j, 0, keys) ? XJ_CAPTURE : XJ_SKIP;
	}
	return j->depth == 2 ? XJ_CAPTURE : XJ_SKIP;
}

struct dc_user {
	struct dc *d;
	json_object *f[6];
	int64_t line;
};

static int user_got(void *ctx, struct xj *j, json_object *v, const char *why)
{
	static const char *const keys[] = { "id", "username", "global_name",
		"discriminator", "email", "phone" };
	static const char *const rel[] = { NULL, "friend", "blocked",
		"request_received", "request_sent", "implicit" };
	struct dc_user *u = ctx;
	struct dc *d = u->d;
	const char *k = xj_key(j, 0);

	if (why) {
		d->skipped++;
		return 0;
	}
	if (j->depth == 1) {
		for (int i = 0; i < 6; i++)
			if (!strcmp(k, keys[i]) && !u->f[i]) {
				u->f[i] = v;
				u->line = j->value_line;
				return 0;
			}
		json_object_put(v);
		return 0;
	}
	if (v && json_object_is_type(v, json_type_object)) {
		struct spoor_prov prov = { NULL, NULL, -1, j->value_line,
					   NULL };
		struct spoor_record r;
		json_object *usr = xj_get(v, "user");
		int64_t type = -1;
		char ptr[64];

		xj_int(v, "type", &type);
		snprintf(ptr, sizeof(ptr), "/relationships/%lld",
			 (long long)j->lv[1].index);
		spoor_p_init(&r, "contact");
		spoor_p_str(&r, "app", "discord");
		spoor_p_str(&r, "json_pointer", ptr);
		spoor_p_str(&r, "relationship", type > 0 && type <= 5 ?
			    rel[type] : "other");
		if (type >= 0)
			spoor_p_int(&r, "relationship_raw", type);
		else
			spoor_p_null(&r, "relationship_raw");
		xu_fstr(&r, "user_id", v, "id");
		xu_fstr(&r, "username", usr, "username");
		xu_fstr(&r, "name", usr, "global_name");
		xu_fstr(&r, "discriminator", usr, "discriminator");
		xu_fstr(&r, "nickname", v, "nickname");
		d->h->emit(d->h, &r, &prov);
		d->emitted++;
	}
	json_object_put(v);
	return 0;
}

static void run_user(struct dc *d)
{
	static const struct xj_ops ops = { user_want, user_got, NULL };
	struct dc_user u = { d, { NULL }, -1 };
	struct spoor_prov prov = { NULL, NULL, -1, -1, NULL };
	struct spoor_record r;
	struct spoor_phone ph = { "", "", NULL, false, 0 };
	const char *phone;
	int rc;

	if (xj_init(&d->j, &ops, &u, MAX_VALUE))
		return;
	rc = xu_scan(d->h, d->path, &d->j);
	if (u.f[0] || u.f[1]) {
		phone = xj_sval(u.f[5], NULL);
		if (phone)
			d->h->phone(d->h, phone, d->cc, &ph);
		prov.line = u.line;
		spoor_p_init(&r, "account");
		spoor_p_str(&r, "app", "discord");
		spoor_p_str(&r, "user_id", xj_sval(u.f[0], NULL));
		spoor_p_str(&r, "username", xj_sval(u.f[1], NULL));
		spoor_p_str(&r, "name", xj_sval(u.f[2], NULL));
		spoor_p_str(&r, "discriminator", xj_sval(u.f[3], NULL));
		spoor_p_str(&r, "email", xj_sval(u.f[4], NULL));
		spoor_p_str(&r, "phone_raw", phone);
		pu_phone(&r, "phone", &ph);
		d->h->emit(d->h, &r, &prov);
	} else if (!rc) {
		d->h->not_understood(d->h, d->path, "JSON, but no Discord "
				     "account (no id or username)");
	}
	if (rc == -1)
		d->h->not_understood(d->h, d->path, d->j.error);
	for (int i = 0; i < 6; i++)
		json_object_put(u.f[i]);
	xj_release(&d->j);
}

/* ---- DiscordChatExporter ---- */

static int dce_want(void *ctx, struct xj *j)
{
	struct dc *d = ctx;

	if (j->depth == 0) {
		if (j->vtype != '{')
			j->stop = true;	/* not ours */
		return XJ_DESCEND;
	}
	if (j->depth == 1) {
		const char *k = xj_key(j, 0);

		if (j->lv[0].index == 0) {
			d->is_dce = !strcmp(k, "guild");
			if (!d->is_dce) {
				j->stop = true;	/* not ours */
				return XJ_SKIP;
			}
		}
		if (!strcmp(k, "messages")) {
			d->has_messages = j->vtype == '[';
			return XJ_DESCEND;
		}
		return !strcmp(k, "guild") || !strcmp(k, "channel") ?
			XJ_CAPTURE : XJ_SKIP;
	}
	return j->depth == 2 && !strcmp(xj_key(j, 0), "messages") ?
		XJ_CAPTURE : XJ_SKIP;
}

static int dce_mine(const struct dc *d, json_object *author)
{
	const char *id = xj_str(author, "id", NULL);
	const char *name = xj_str(author, "name", NULL);
	const char *nick = xj_str(author, "nickname", NULL);

	if (!d->me)
		return -1;
	return (id && !strcmp(id, d->me)) || (name && !strcmp(name, d->me))
		|| (nick && !strcmp(nick, d->me));
}

static void dce_author(struct dc *d, json_object *author)
{
	const char *id = xj_str(author, "id", NULL);
	const char *name = xj_str(author, "name", NULL);

	if (!id && !name)
		return;
	for (size_t i = 0; i < d->nauthors; i++)
		if (id && d->author_ids[i] && !strcmp(id, d->author_ids[i]))
			return;
	if (d->nauthors == XU_PART_MAX)
		return;
	d->author_ids[d->nauthors] = id ? strdup(id) : NULL;
	d->authors[d->nauthors] = name ? strdup(name) : NULL;
	d->nauthors++;
}

static void dce_message(struct dc *d, struct xj *j, json_object *m)
{
	struct spoor_prov prov = { NULL, NULL, -1, j->value_line, NULL };
	struct spoor_record r;
	struct spoor_record reac[XU_ATT_MAX];
	struct spoor_local_time lt;
	json_object *author = xj_get(m, "author"), *a;
	const char *type = xj_str(m, "type", NULL);
	const char *nick = xj_str(author, "nickname", NULL);
	const char *ts, *te;
	size_t tl, tel, n;
	char ptr[64];
	bool call = type && !strcmp(type, "Call");
	int64_t t0 = 0, t1 = 0;

	snprintf(ptr, sizeof(ptr), "/messages/%lld",
		 (long long)j->lv[1].index);
	dce_author(d, author);
	xu_atts_reset(d->atts);
	ts = xj_str(m, "timestamp", &tl);
	spoor_p_init(&r, call ? "call" : "message");
	spoor_p_str(&r, "app", "discord");
	spoor_p_str(&r, "json_pointer", ptr);
	spoor_p_str(&r, "chat_id", d->chan_id[0] ? d->chan_id : NULL);
	spoor_p_str(&r, "chat_name", d->chan_name[0] ? d->chan_name : NULL);
	spoor_p_str(&r, "chat_type", d->chan_type[0] ? d->chan_type : NULL);
	spoor_p_str(&r, "guild_name", d->guild[0] ? d->guild : NULL);
	spoor_p_int(&r, "sort_key", j->lv[1].index);
	xu_direction(&r, dce_mine(d, author));
	spoor_p_str(&r, "sender_name", nick ? nick : xj_str(author, "name",
							    NULL));
	xu_fstr(&r, "sender_username", author, "name");
	xu_fstr(&r, "sender_id", author, "id");
	xu_fstr(&r, "message_id", m, "id");
	xu_time_text(d->h, &r, "time", "time_raw", "time_unit", ts, tl, &lt,
		     &t0);
	if (call) {
		te = xj_str(m, "callEndedTimestamp", &tel);
		if (te && xu_text_utc(te, tel, &t1, &(uint32_t){ 0 }) &&
		    t1 >= t0)
			spoor_p_int(&r, "duration", t1 - t0);
		else
			spoor_p_null(&r, "duration");
		xu_fstr(&r, "text", m, "content");
		d->calls++;
	} else {
		te = xj_str(m, "timestampEdited", &tel);
		xu_time_text(d->h, &r, "edited", "edited_raw", "edited_unit",
			     te, tel, &lt, NULL);
		spoor_p_str(&r, "kind", !type || !strcmp(type, "Default") ||
			    !strcmp(type, "Reply") ? "text" : "system");
		spoor_p_str(&r, "kind_raw", type);
		xu_fstr(&r, "text", m, "content");
		xu_fstr(&r, "reply_to", xj_get(m, "reference"), "messageId");
		if (xj_bool(m, "isPinned") >= 0)
			spoor_p_bool(&r, "pinned", xj_bool(m, "isPinned"));
		a = xj_get(m, "attachments");
		n = xj_len(a);
		for (size_t i = 0; i < n; i++) {
			json_object *e = xj_idx(a, i);
			size_t ul;
			const char *u = xj_str(e, "url", &ul);

			if (u)
				xu_att_add(d->h, d->atts, &d->mem, "file", u,
					   ul, strstr(u, "://") ? NULL
					   : xu_keep(&d->mem, u, ul), d->dir);
		}
		a = xj_get(m, "reactions");
		n = xj_len(a);
		size_t nr = 0;

		for (size_t i = 0; i < n && nr < XU_ATT_MAX; i++) {
			json_object *e = xj_idx(a, i);
			int64_t cnt;

			spoor_p_init(&reac[nr], "reaction");
			xu_fstr(&reac[nr], "reaction", xj_get(e, "emoji"),
				"name");
			if (xj_int(e, "count", &cnt))
				spoor_p_int(&reac[nr], "count", cnt);
			nr++;
		}
		if (nr)
			spoor_p_list(&r, "reactions", reac, nr);
		xu_atts_fields(&r, d->atts);
	}
	d->h->emit(d->h, &r, &prov);
	xu_mem_free(&d->mem);
	d->emitted++;
}

static int dce_got(void *ctx, struct xj *j, json_object *v, const char *why)
{
	struct dc *d = ctx;
	const char *k = xj_key(j, 0);

	if (why) {
		d->h->log(d->h, SPOOR_LOG_WARN, "%s skipped", why);
		d->skipped++;
		return 0;
	}
	if (j->depth == 1 && !strcmp(k, "guild")) {
		copy_str(d->guild, sizeof(d->guild), xj_get(v, "name"));
	} else if (j->depth == 1 && !strcmp(k, "channel")) {
		copy_str(d->chan_id, sizeof(d->chan_id), xj_get(v, "id"));
		copy_str(d->chan_name, sizeof(d->chan_name),
			 xj_get(v, "name"));
		copy_str(d->chan_type, sizeof(d->chan_type),
			 xj_get(v, "type"));
	} else if (j->depth == 2) {
		if (v && json_object_is_type(v, json_type_object))
			dce_message(d, j, v);
		else
			d->bad++;
	}
	json_object_put(v);
	return 0;
}

static void dce_conversation(struct dc *d)
{
	struct spoor_prov prov = { NULL, NULL, -1, -1, NULL };
	struct spoor_record r;
	struct xu_conv *c = calloc(1, sizeof(*c));

	if (!c)
		return;
	for (size_t i = 0; i < d->nauthors; i++)
		xu_conv_add(c, d->authors[i], d->author_ids[i],
			    !d->me ? -1 : (d->authors[i] &&
					   !strcmp(d->authors[i], d->me)) ||
			    (d->author_ids[i] &&
			     !strcmp(d->author_ids[i], d->me)));
	spoor_p_init(&r, "conversation");
	spoor_p_str(&r, "app", "discord");
	spoor_p_str(&r, "chat_id", d->chan_id[0] ? d->chan_id : NULL);
	spoor_p_str(&r, "chat_name", d->chan_name[0] ? d->chan_name : NULL);
	spoor_p_str(&r, "chat_type", d->chan_type[0] ? d->chan_type : NULL);
	spoor_p_str(&r, "guild_name", d->guild[0] ? d->guild : NULL);
	xu_conv_fields(&r, c);
	spoor_p_int(&r, "message_count", (int64_t)(d->emitted));
	spoor_p_bool(&r, "one_sided", false);
	spoor_p_str(&r, "exporter", "DiscordChatExporter");
	spoor_p_str(&r, "source_order", "as-stored");
	d->h->emit(d->h, &r, &prov);
	free(c);
}

/* false when the file is no DiscordChatExporter export (declined) */
static bool run_dce(struct dc *d)
{
	static const struct xj_ops ops = { dce_want, dce_got, NULL };
	int rc;

	pu_dirname(d->path, d->dir, sizeof(d->dir));
	if (xj_init(&d->j, &ops, d, MAX_VALUE)) {
		d->h->not_understood(d->h, d->path, "out of memory");
		return true;
	}
	rc = xu_scan(d->h, d->path, &d->j);
	if (d->is_dce) {
		if (rc == -1)
			d->h->not_understood(d->h, d->path, d->j.error);
		else if (!d->has_messages)
			d->h->not_understood(d->h, d->path, "a "
					     "DiscordChatExporter file "
					     "without its messages list");
		if (d->has_messages)
			dce_conversation(d);
		if (d->skipped || d->bad)
			d->h->not_understood(d->h, d->path, "messages could "
					     "not be read");
	}
	xj_release(&d->j);
	for (size_t i = 0; i < d->nauthors; i++) {
		free(d->authors[i]);
		free(d->author_ids[i]);
	}
	return d->is_dce;
}

/* ---- run ---- */

static int run(const struct spoor_host *h, const char *path)
{
	struct dc *d;
	const char *base = xu_base(path);
	char id[64], parent[XU_PATH_MAX];
	int rc = 0;

	if (!pu_host_1_2(h))
		return SPOOR_EUNSUPPORTED;
	d = calloc(1, sizeof(*d));
	if (!d || !(d->atts = calloc(1, sizeof(*d->atts)))) {
		free(d);
		return SPOOR_ENOMEM;
	}
	d->h = h;
	d->path = path;
	d->me = h->option(h, "me");
	d->cc = h->option(h, "cc");
	if ((!strcmp(base, "messages.json") || !strcmp(base,
						       "messages.csv")) &&
	    pkg_channel(d, path, id, sizeof(id))) {
		run_package(d, id, base[9] == 'c');
	} else if (!strcmp(base, "user.json") &&
		   (pu_dirname(path, parent, sizeof(parent)),
		    !strcasecmp(xu_base(parent), "account"))) {
		run_user(d);
	} else if (strlen(base) > 5 &&
		   !strcmp(base + strlen(base) - 5, ".json") &&
		   strcmp(base, "channel.json") &&
		   strcmp(base, "index.json")) {
		if (!run_dce(d))
			rc = SPOOR_PLUGIN_DECLINED;
	} else {
		rc = SPOOR_PLUGIN_DECLINED;
	}
	xu_atts_release(d->atts);
	free(d->atts);
	free(d);
	return rc;
}

static const char *const types[] = { "message", "call", "conversation",
				     "contact", "account", NULL };
static const char *const patterns[] = { "*.json", "messages.csv", NULL };

const struct spoor_plugin spoor_plugin_discord_export = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "discord-export",
	.version = "1.0",
	.description = "Discord data package (Messages/ JSON and CSV, the "
		"owner's side only; Account/user.json) and "
		"DiscordChatExporter JSON (both sides)",
	.types = types,
	.patterns = patterns,
	.run = run,
};
