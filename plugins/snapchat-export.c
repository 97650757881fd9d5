/*
 * snapchat-export: Snapchat's "My Data" download (the zip as delivered,
 * or unpacked).
 *
 * json/chat_history.json comes in two layouts.  The older one holds
 * lists named by direction ("Received Saved Chat History", "Sent Saved
 * Chat History", also unsaved) of {From | To, Media Type, Created,
 * Text}; the conversation is the other party.  The newer one maps each
 * conversation (a username, or an id for a group) to its messages
 * {From, Media Type, Created, Content, Conversation Title, IsSender,
 * Created(microseconds), IsSaved, Media IDs}.  json/snap_history.json
 * has the same two layouts without content: one record per snap (kind
 * snap).  Times: "Created" says UTC ("2024-04-20 01:29:22 UTC");
 * "Created(microseconds)" holds milliseconds in practice, so its unit
 * is decided by magnitude, and a disagreement of a second or more with
 * "Created" is flagged (time_mismatch).  Media IDs (" | " between
 * several) name files in chat_media/ as DATE_ID.EXT, DATE the message's
 * UTC date: each is looked for with that date and the day before and
 * after, and without one, and the file found is hashed by the host and
 * typed by libmagic, never copied.
 *
 * json/friends.json gives contacts (relationship from its list: friend,
 * deleted, blocked, request_sent, ...), json/account.json the owner
 * (account).  Without JSON, html/chat_history.html (tables of From |
 * To, Media Type, Created, then the text) is read instead.
 *
 * A file of these names that is JSON or HTML but none of the layouts,
 * or that ends early, is "not understood" (exit 5), never 0 messages;
 * a file of a common name (friends.json, account.json) outside json/ or
 * of another shape is left alone.  Provenance: json_pointer and line.
 * Streamed: a file of any size is read one message at a time.
 */
#include "export-util.h"
#include "xhtml.h"

#include "banned.h"

#define MAX_VALUE ((size_t)32 << 20)	/* one message object */
#define MAX_HTML ((size_t)256 << 20)
#define MAX_CONVS 200000		/* counterparts of the old layout */

enum sc_file { SC_CHAT, SC_SNAP, SC_FRIENDS, SC_ACCOUNT };

struct sc_conv {		/* a counterpart of the old layout */
	char *name;
	uint64_t n;
	char ptr[64];		/* its first message */
};

struct sc {
	const struct spoor_host *h;
	const char *path;
	const char *cc;
	enum sc_file file;
	char root[XU_PATH_MAX];	/* the export's top folder */
	char owner[256];	/* username, from account.json or IsSender */
	bool owner_known;	/* from account.json */
	struct xu_atts *atts;
	struct xu_mem mem;
	struct xj j;
	int layout;		/* 0 not yet, 1 map, 2 lists */
	bool root_obj;		/* the document is an object */
	bool bad_shape;		/* a member of the wrong type */
	uint64_t msgs, skipped;
	/* the conversation being read (map layout) */
	uint64_t conv_msgs;
	int64_t conv_line;
	char conv_title[512];
	bool conv_titled;
	char *conv_from[XU_PART_MAX];
	size_t conv_nfrom;
	/* the counterparts (list layout) */
	struct pu_imap convs;
	bool convs_full;
};

/* An old-layout list ("Received Saved Chat History", "Sent Snap
 * History", ...): 1 received, 2 sent, 0 none. */
static int old_list(const char *key)
{
	size_t n = strlen(key);

	if (n < 8 || strcmp(key + n - 7, "History"))
		return 0;
	if (!strncmp(key, "Received ", 9))
		return 1;
	if (!strncmp(key, "Sent ", 5))
		return 2;
	return 0;
}

/* ---- the owner ---- */

static int acct_want(void *ctx, struct xj *j)
{
	(void)ctx;
	if (j->depth == 0)
		return j->vtype == '{' ? XJ_DESCEND : XJ_SKIP;
	if (j->depth == 1 && !strcmp(xj_key(j, 0), "Basic Information"))
		return XJ_CAPTURE;
	return XJ_SKIP;
}

static int owner_got(void *ctx, struct xj *j, json_object *v,
		     const char *why)
{
	struct sc *s = ctx;
	const char *u = xj_str(v, "Username", NULL);

	(void)j;
	(void)why;
	if (u && *u && strlen(u) < sizeof(s->owner)) {
		snprintf(s->owner, sizeof(s->owner), "%s", u);
		s->owner_known = true;
	}
	json_object_put(v);
	return 1;
}

/* The owner's username from json/account.json, when there is one. */
static void read_owner(struct sc *s)
{
	static const struct xj_ops ops = { acct_want, owner_got, NULL };
	char p[XU_PATH_MAX];
	struct xj j;

	if (!xu_join(p, sizeof(p), s->root, "json/account.json") ||
	    !s->h->exists(s->h, p) || xj_init(&j, &ops, s, 1 << 20))
		return;
	xu_scan(s->h, p, &j);
	xj_release(&j);
}

static int is_owner(const struct sc *s, const char *user)
{
	if (!user || !s->owner[0])
		return -1;
	return !strcmp(user, s->owner);
}

/* ---- media ---- */

static const char *const media_ext[] = {
	"jpg", "mp4", "png", "webp", "gif", "jpeg", "mov", "heif", "heic",
	"webm", "m4a", "mp3", "aac", "unknown", NULL,
};

/* The file of one media id in chat_media/, tried as DATE_ID.EXT with
 * the message's UTC date, the day before and after, then as ID.EXT. */
static void media_one(struct sc *s, const char *id, size_t n, int64_t t,
		      bool have_t)
{
	static const int days[] = { 0, -1, 1 };
	struct spoor_resolved res;
	char rel[768], date[16];
	const char *found = NULL;
	int64_t d0 = t >= 0 ? t / 86400 : (t - 86399) / 86400;

	for (size_t d = have_t ? 0 : 3; d <= 3 && !found; d++) {
		int y, m, dd;

		date[0] = '\0';
		if (d < 3) {
			xu_civil(d0 + days[d], &y, &m, &dd);
			snprintf(date, sizeof(date), "%04d-%02d-%02d_",
				 y % 10000, m, dd);
		}
		for (size_t e = 0; media_ext[e] && !found; e++) {
			if (snprintf(rel, sizeof(rel), "chat_media/%s%.*s.%s",
				     date, (int)n, id, media_ext[e]) >=
			    (int)sizeof(rel))
				return;
			if (!s->h->resolve(s->h, s->root, rel, &res))
				found = rel;
		}
	}
	xu_att_add(s->h, s->atts, &s->mem, "media", id, n, found, s->root);
}

static void media_ids(struct sc *s, const char *ids, size_t n, int64_t t,
		      bool have_t)
{
	const char *p = ids, *end = ids + n;

	while (p < end) {
		const char *q = memchr(p, '|', (size_t)(end - p));
		const char *e = q ? q : end;

		while (p < e && (*p == ' ' || *p == ','))
			p++;
		while (e > p && (e[-1] == ' ' || e[-1] == ','))
			e--;
		if (e > p && memchr(p, '/', (size_t)(e - p)) == NULL)
			media_one(s, p, (size_t)(e - p), t, have_t);
		else if (e > p)	/* no file name: listed, not sought */
			xu_att_add(s->h, s->atts, &s->mem, "media", p,
				   (size_t)(e - p), NULL, s->root);
		p = q ? q + 1 : end;
	}
}

/* ---- records ---- */

static const char *kind_of(const char *type, bool snap)
{
	static const char *const map[][2] = {
		{ "TEXT", "text" }, { "MEDIA", "media" },
		{ "STICKER", "sticker" }, { "SHARE", "share" },
		{ "NOTE", "note" }, { "LOCATION", "location" },
		{ "PHOTO", "photo" }, { "VIDEO", "video" },
		{ "IMAGE", "photo" },
	};

	if (snap)
		return "snap";
	if (!type)
		return NULL;
	if (!strncmp(type, "STATUS", 6))
		return "system";
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcasecmp(type, map[i][0]))
			return map[i][1];
	return "other";
}

/* The old layout: the counterpart's conversation, counted. */
static void old_conv(struct sc *s, const char *who, const char *ptr)
{
	int64_t k;
	struct sc_conv *c;

	if (!who || s->convs_full)
		return;
	k = pu_strhash(who);
	while ((c = pu_imap_get(&s->convs, k)) && strcmp(c->name, who))
		k = (k + 1) & 0x7fffffffffffffffLL;	/* a collision */
	if (c) {
		c->n++;
		return;
	}
	if (s->convs.n >= MAX_CONVS || !(c = calloc(1, sizeof(*c))) ||
	    !(c->name = strdup(who)) || !pu_imap_put(&s->convs, k, c)) {
		if (c)
			free(c->name);
		free(c);
		s->convs_full = true;
		return;
	}
	c->n = 1;
	snprintf(c->ptr, sizeof(c->ptr), "%s", ptr ? ptr : "");
}

static void emit_message(struct sc *s, json_object *m, const char *list,
			 int64_t idx, const char *ptr, int64_t line)
{
	const struct spoor_host *h = s->h;
	struct spoor_prov prov = { NULL, NULL, -1, line, NULL };
	struct spoor_record r;
	struct spoor_local_time lt;
	int dir = old_list(list);
	bool snap = s->file == SC_SNAP;
	const char *from = xj_str(m, "From", NULL);
	const char *to = xj_str(m, "To", NULL);
	const char *type = xj_str(m, "Media Type", NULL);
	const char *title = xj_str(m, "Conversation Title", NULL);
	const char *created;
	const char *chat = dir == 1 ? from : dir == 2 ? to : list;
	const char *text, *ids;
	size_t created_len, text_len, ids_len;
	int64_t us = 0, t_text = 0;
	bool have_us = xj_int(m, "Created(microseconds)", &us);
	bool have_text;
	int mine = xj_bool(m, "IsSender"), saved = xj_bool(m, "IsSaved");

	if (mine < 0 && xj_str(m, "IsSender", NULL))
		mine = !strcasecmp(xj_str(m, "IsSender", NULL), "true");
	if (dir)
		mine = dir == 2;
	if (mine == 1 && from && !dir && !s->owner_known &&
	    strlen(from) < sizeof(s->owner))
		snprintf(s->owner, sizeof(s->owner), "%s", from);
	created = xj_str(m, "Created", &created_len);
	text = xj_str(m, "Content", &text_len);
	if (!text)
		text = xj_str(m, "Text", &text_len);
	ids = xj_str(m, "Media IDs", &ids_len);
	xu_atts_reset(s->atts);

	spoor_p_init(&r, "message");
	spoor_p_str(&r, "app", "snapchat");
	spoor_p_str(&r, "json_pointer", ptr);
	spoor_p_str(&r, "history", snap ? "snap" : "chat");
	spoor_p_str(&r, "list", dir ? list : NULL);
	spoor_p_str(&r, "chat_id", chat);
	spoor_p_str(&r, "chat_name", title ? title : chat);
	spoor_p_str(&r, "chat_type", dir ? "direct" : title ? "group"
		    : "direct");
	/* the old layout's lists give no order between them: the file's */
	spoor_p_int(&r, "sort_key", dir ? (int64_t)s->msgs : idx);
	xu_direction(&r, mine);
	spoor_p_str(&r, "sender_name", from ? from : mine == 1 && s->owner[0]
		    ? s->owner : NULL);
	/* From is the username: the app's sender_id, so that the phone's
	 * messages and the download's link to one identity */
	spoor_p_str(&r, "sender_id", from ? from : mine == 1 &&
		    s->owner_known ? s->owner : NULL);
	spoor_p_str(&r, "recipient_name", to);
	if (have_us) {
		int64_t sec = 0;
		uint32_t ns;
		const char *unit;

		xu_time_epoch(&r, "time", "time_raw", "time_unit", us, true);
		spoor_p_bytes(&r, "time_text", created, created_len);
		have_text = xu_epoch(us, &sec, &ns, &unit);
		/* "Created" has whole seconds of the same instant */
		if (have_text && xu_text_utc(created, created_len, &t_text,
					     &ns))
			spoor_p_bool(&r, "time_mismatch", t_text != sec);
		else
			spoor_p_null(&r, "time_mismatch");
		t_text = sec;
	} else {
		have_text = xu_time_text(h, &r, "time", "time_raw",
					 "time_unit", created, created_len,
					 &lt, &t_text);
	}
	spoor_p_str(&r, "kind", kind_of(type, snap));
	spoor_p_str(&r, "kind_raw", type);
	spoor_p_bytes(&r, "text", text, text_len > XU_TEXT_MAX ? XU_TEXT_MAX
		      : text_len);
	spoor_p_bool(&r, "text_truncated", text_len > XU_TEXT_MAX);
	if (saved >= 0)
		spoor_p_bool(&r, "saved", saved);
	else
		spoor_p_null(&r, "saved");
	spoor_p_bytes(&r, "media_ids", ids && ids_len ? ids : NULL, ids_len);
	if (ids && ids_len)
		media_ids(s, ids, ids_len, t_text, have_text);
	xu_atts_fields(&r, s->atts);
	h->emit(h, &r, &prov);
	xu_mem_free(&s->mem);
	s->msgs++;
	s->conv_msgs++;
	if (dir)
		old_conv(s, chat, ptr);
	else if (from && s->conv_nfrom < XU_PART_MAX) {
		size_t i;

		for (i = 0; i < s->conv_nfrom; i++)
			if (!strcmp(s->conv_from[i], from))
				break;
		if (i == s->conv_nfrom &&
		    (s->conv_from[i] = strdup(from)))
			s->conv_nfrom++;
	}
	if (title && !s->conv_titled) {
		snprintf(s->conv_title, sizeof(s->conv_title), "%s", title);
		s->conv_titled = true;
	}
}

static void conv_reset(struct sc *s)
{
	for (size_t i = 0; i < s->conv_nfrom; i++)
		free(s->conv_from[i]);
	s->conv_nfrom = 0;
	s->conv_msgs = 0;
	s->conv_titled = false;
	s->conv_title[0] = '\0';
}

static void emit_conversation(struct sc *s, const char *id, const char *name,
			      bool group, uint64_t n, const char *ptr,
			      int64_t line)
{
	struct spoor_prov prov = { NULL, NULL, -1, line, NULL };
	struct spoor_record r;
	struct xu_conv *c = calloc(1, sizeof(*c));
	bool owner_in = false;

	if (!c)
		return;
	if (group) {
		for (size_t i = 0; i < s->conv_nfrom; i++) {
			int o = is_owner(s, s->conv_from[i]);

			owner_in |= o == 1;
			xu_conv_add(c, NULL, s->conv_from[i], o);
		}
	} else {
		xu_conv_add(c, NULL, id, 0);
	}
	if (!owner_in && s->owner[0])
		xu_conv_add(c, NULL, s->owner, 1);
	spoor_p_init(&r, "conversation");
	spoor_p_str(&r, "app", "snapchat");
	spoor_p_str(&r, "json_pointer", ptr);
	spoor_p_str(&r, "chat_id", id);
	spoor_p_str(&r, "chat_name", name);
	spoor_p_str(&r, "chat_type", group ? "group" : "direct");
	xu_conv_fields(&r, c);
	spoor_p_int(&r, "message_count", (int64_t)n);
	spoor_p_str(&r, "source_order", "as-stored");
	s->h->emit(s->h, &r, &prov);
	free(c);
}

/* ---- chat_history.json / snap_history.json ---- */

static int hist_want(void *ctx, struct xj *j)
{
	struct sc *s = ctx;

	if (j->depth == 0) {
		s->root_obj = j->vtype == '{';
		return s->root_obj ? XJ_DESCEND : XJ_SKIP;
	}
	if (j->depth == 1) {
		if (j->vtype != '[') {
			s->bad_shape = true;
			return XJ_SKIP;
		}
		conv_reset(s);
		s->conv_line = j->line;
		return XJ_DESCEND;
	}
	return XJ_CAPTURE;
}

static int hist_got(void *ctx, struct xj *j, json_object *v, const char *why)
{
	struct sc *s = ctx;
	char ptr[1024];
	const char *list = xj_key(j, 0);

	xj_pointer(j, ptr, sizeof(ptr));
	if (why) {
		s->h->log(s->h, SPOOR_LOG_WARN, "%s: %s skipped", ptr, why);
		s->skipped++;
		return 0;
	}
	if (!v || !json_object_is_type(v, json_type_object) ||
	    (!xj_get(v, "From") && !xj_get(v, "To") &&
	     !xj_get(v, "Created"))) {
		s->bad_shape = true;
		json_object_put(v);
		return 0;
	}
	if (!s->layout)
		s->layout = old_list(list) ? 2 : 1;
	emit_message(s, v, list, j->lv[1].index, ptr, j->value_line);
	json_object_put(v);
	return 0;
}

static void hist_closed(void *ctx, struct xj *j)
{
	struct sc *s = ctx;
	char ptr[1024];
	const char *key = xj_key(j, 0);

	if (j->depth != 2 || s->file != SC_CHAT || old_list(key))
		return;
	j->depth--;		/* the pointer of the conversation itself */
	xj_pointer(j, ptr, sizeof(ptr));
	j->depth++;
	emit_conversation(s, key, s->conv_titled ? s->conv_title : key,
			  s->conv_titled, s->conv_msgs, ptr, s->conv_line);
}

static void free_conv(void *p)
{
	struct sc_conv *c = p;

	free(c->name);
	free(c);
}

static int cmp_conv(const void *x, const void *y)
{
	const struct sc_conv *a = *(const struct sc_conv *const *)x;
	const struct sc_conv *b = *(const struct sc_conv *const *)y;

	return strcmp(a->name, b->name);
}

/* The old layout's conversations, one per counterpart, in name order. */
static void emit_old_convs(struct sc *s)
{
	struct sc_conv **v = calloc(s->convs.n ? s->convs.n : 1, sizeof(*v));
	size_t n = 0;

	if (!v)
		return;
	for (size_t i = 0; i < s->convs.cap; i++)
		if (s->convs.used[i])
			v[n++] = s->convs.vals[i];
	qsort(v, n, sizeof(*v), cmp_conv);
	for (size_t i = 0; i < n; i++) {
		conv_reset(s);
		emit_conversation(s, v[i]->name, v[i]->name, false, v[i]->n,
				  NULL, -1);
	}
	free(v);
	if (s->convs_full)
		s->h->log(s->h, SPOOR_LOG_WARN, "more than %d conversations: "
			  "the rest are not listed", MAX_CONVS);
}

static void run_history(struct sc *s)
{
	static const struct xj_ops ops = { hist_want, hist_got, hist_closed };
	int rc;

	read_owner(s);
	if (xj_init(&s->j, &ops, s, MAX_VALUE)) {
		s->h->log(s->h, SPOOR_LOG_ERROR, "out of memory");
		return;
	}
	rc = xu_scan(s->h, s->path, &s->j);
	if (s->layout == 2 && s->file == SC_CHAT)
		emit_old_convs(s);
	if (rc == -2)
		s->h->not_understood(s->h, s->path, "cannot be opened");
	else if (rc)
		s->h->not_understood(s->h, s->path, s->j.error);
	else if (s->bad_shape || !s->root_obj)
		s->h->not_understood(s->h, s->path, "JSON, but neither "
				     "Snapchat layout (lists by direction, or "
				     "conversations of messages)");
	if (s->skipped) {
		char why[96];

		snprintf(why, sizeof(why), "%llu messages could not be read",
			 (unsigned long long)s->skipped);
		s->h->not_understood(s->h, s->path, why);
	}
	xj_release(&s->j);
	conv_reset(s);
	pu_imap_free(&s->convs, free_conv);
}

/* ---- friends.json ---- */

static const char *relationship(const char *list)
{
	static const char *const map[][2] = {
		{ "Friends", "friend" }, { "Deleted Friends", "deleted" },
		{ "Blocked Users", "blocked" },
		{ "Friend Requests Sent", "request_sent" },
		{ "Pending Requests", "request_received" },
		{ "Ignored Snapchatters", "ignored" },
		{ "Hidden Friend Suggestions", "hidden_suggestion" },
		{ "Shortcuts", "shortcut" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(list, map[i][0]))
			return map[i][1];
	return "other";
}

static int friends_want(void *ctx, struct xj *j)
{
	(void)ctx;
	if (j->depth == 0)
		return j->vtype == '{' ? XJ_DESCEND : XJ_SKIP;
	if (j->depth == 1)
		return j->vtype == '[' ? XJ_DESCEND : XJ_SKIP;
	return XJ_CAPTURE;
}

static int friends_got(void *ctx, struct xj *j, json_object *v,
		       const char *why)
{
	struct sc *s = ctx;
	struct spoor_prov prov = { NULL, NULL, -1, j->value_line, NULL };
	struct spoor_record r;
	struct spoor_local_time lt;
	char ptr[1024];
	const char *list = xj_key(j, 0), *t;
	size_t tl;

	xj_pointer(j, ptr, sizeof(ptr));
	if (why) {
		s->h->log(s->h, SPOOR_LOG_WARN, "%s: %s skipped", ptr, why);
		s->skipped++;
		return 0;
	}
	if (!xj_get(v, "Username") && !xj_get(v, "Display Name")) {
		json_object_put(v);
		return 0;
	}
	spoor_p_init(&r, "contact");
	spoor_p_str(&r, "app", "snapchat");
	spoor_p_str(&r, "json_pointer", ptr);
	spoor_p_str(&r, "list", list);
	spoor_p_str(&r, "relationship", relationship(list));
	xu_fstr(&r, "username", v, "Username");
	xu_fstr(&r, "name", v, "Display Name");
	t = xj_str(v, "Creation Timestamp", &tl);
	xu_time_text(s->h, &r, "time_added", "time_added_raw",
		     "time_added_unit", t, tl, &lt, NULL);
	t = xj_str(v, "Last Modified Timestamp", &tl);
	xu_time_text(s->h, &r, "time_modified", "time_modified_raw",
		     "time_modified_unit", t, tl, &lt, NULL);
	xu_fstr(&r, "added_by", v, "Source");
	s->h->emit(s->h, &r, &prov);
	s->msgs++;
	json_object_put(v);
	return 0;
}

/* ---- account.json ---- */

static int account_got(void *ctx, struct xj *j, json_object *v,
		       const char *why)
{
	struct sc *s = ctx;
	struct spoor_prov prov = { NULL, NULL, -1, j->value_line, NULL };
	struct spoor_record r;
	struct spoor_local_time lt;
	struct spoor_phone ph = { "", "", NULL, false, 0 };
	const char *phone = xj_str(v, "Phone Number", NULL), *t;
	size_t tl;

	(void)why;
	if (!v || !xj_get(v, "Username")) {
		json_object_put(v);
		return 1;
	}
	if (phone)
		s->h->phone(s->h, phone, s->cc, &ph);
	spoor_p_init(&r, "account");
	spoor_p_str(&r, "app", "snapchat");
	spoor_p_str(&r, "json_pointer", "/Basic Information");
	xu_fstr(&r, "username", v, "Username");
	xu_fstr(&r, "name", v, "Name");
	xu_fstr(&r, "email", v, "Email");
	spoor_p_str(&r, "phone_raw", phone);
	pu_phone(&r, "phone", &ph);
	t = xj_str(v, "Creation Date", &tl);
	xu_time_text(s->h, &r, "time_created", "time_created_raw",
		     "time_created_unit", t, tl, &lt, NULL);
	xu_fstr(&r, "country", v, "Country");
	xu_fstr(&r, "registration_ip", v, "Registration IP");
	s->h->emit(s->h, &r, &prov);
	s->msgs++;
	json_object_put(v);
	return 1;
}

/* Whether the folder holds Snapchat's other JSON files (a file of a
 * common name there is Snapchat's). */
static bool snap_folder(const struct sc *s)
{
	static const char *const names[] = { "json/chat_history.json",
		"json/snap_history.json", "json/account.json",
		"json/friends.json", "json/user_profile.json", NULL };
	char p[XU_PATH_MAX];
	int n = 0;

	for (size_t i = 0; names[i]; i++)
		n += xu_join(p, sizeof(p), s->root, names[i]) &&
			strcmp(p, s->path) && s->h->exists(s->h, p);
	return n > 0;
}

static void run_small(struct sc *s, const struct xj_ops *ops)
{
	int rc;

	if (xj_init(&s->j, ops, s, MAX_VALUE))
		return;
	rc = xu_scan(s->h, s->path, &s->j);
	if (rc == -1 && (s->msgs || snap_folder(s)))
		s->h->not_understood(s->h, s->path, s->j.error);
	if (s->skipped)
		s->h->not_understood(s->h, s->path, "entries could not be "
				     "read");
	xj_release(&s->j);
}

/* ---- html/chat_history.html (only when there is no JSON) ---- */

struct sc_html {
	struct sc *s;
	int table;		/* tables seen */
	int dir;		/* of the current table: 1 received, 2 sent */
	char heading[128];
	xmlNode *pending;	/* a header row waiting for its text */
	int64_t idx;
};

static void html_emit(struct sc_html *x, xmlNode *row, xmlNode *text_td)
{
	struct sc *s = x->s;
	struct spoor_prov prov = { NULL, NULL, -1, xh_line(row), NULL };
	struct spoor_record r;
	struct spoor_local_time lt;
	struct pu_buf who = { .max = 1024 }, type = { .max = 256 },
		      created = { .max = 256 }, text = { .max = XU_TEXT_MAX };
	xmlNode *td = xh_first(row);

	xh_text(td, &who);
	xh_text(xh_next(td), &type);
	xh_text(xh_next(xh_next(td)), &created);
	if (text_td)
		xh_text(text_td, &text);
	spoor_p_init(&r, "message");
	spoor_p_str(&r, "app", "snapchat");
	spoor_p_str(&r, "history", "chat");
	spoor_p_str(&r, "list", x->heading[0] ? x->heading : NULL);
	spoor_p_str(&r, "chat_id", who.p);
	spoor_p_str(&r, "chat_name", who.p);
	spoor_p_str(&r, "chat_type", "direct");
	spoor_p_int(&r, "sort_key", x->idx++);
	xu_direction(&r, x->dir ? x->dir == 2 : -1);
	spoor_p_str(&r, "sender_name", x->dir == 2 ? (s->owner[0] ? s->owner
						     : NULL) : who.p);
	spoor_p_str(&r, "sender_id", x->dir == 2 ? (s->owner_known ? s->owner
						   : NULL) : who.p);
	spoor_p_str(&r, "recipient_name", x->dir == 2 ? who.p : NULL);
	xu_time_text(s->h, &r, "time", "time_raw", "time_unit", created.p,
		     created.len, &lt, NULL);
	spoor_p_str(&r, "kind", kind_of(type.p, false));
	spoor_p_str(&r, "kind_raw", type.p);
	spoor_p_bytes(&r, "text", text_td ? text.p : NULL, text.len);
	spoor_p_bool(&r, "text_truncated", text.full);
	spoor_p_int(&r, "attachment_count", 0);
	s->h->emit(s->h, &r, &prov);
	s->msgs++;
	old_conv(s, who.p, NULL);
	pu_buf_free(&who);
	pu_buf_free(&type);
	pu_buf_free(&created);
	pu_buf_free(&text);
}

static int html_el(void *ctx, xmlNode *e)
{
	struct sc_html *x = ctx;
	size_t tds = 0, ths = 0;

	if (e->name && e->name[0] == 'h' && e->name[1] >= '1' &&
	    e->name[1] <= '6' && !e->name[2]) {
		struct pu_buf b = { .max = sizeof(x->heading) - 1 };

		xh_text(e, &b);
		snprintf(x->heading, sizeof(x->heading), "%s",
			 b.p ? b.p : "");
		pu_buf_free(&b);
		return 1;
	}
	if (xh_is(e, "table")) {
		if (x->pending)
			html_emit(x, x->pending, NULL);
		x->pending = NULL;
		x->dir = strstr(x->heading, "Received") ? 1 :
			strstr(x->heading, "Sent") ? 2 :
			x->table % 2 ? 2 : 1;
		x->table++;
		return 0;
	}
	if (!xh_is(e, "tr"))
		return 0;
	for (xmlNode *c = xh_first(e); c; c = xh_next(c)) {
		tds += xh_is(c, "td");
		ths += xh_is(c, "th");
	}
	if (ths || !tds)
		return 1;
	if (tds >= 3) {
		if (x->pending)
			html_emit(x, x->pending, NULL);
		x->pending = e;
	} else if (x->pending) {
		html_emit(x, x->pending, xh_first(e));
		x->pending = NULL;
	}
	return 1;
}

static void run_html(struct sc *s)
{
	char json[XU_PATH_MAX];
	size_t len;
	char *buf;
	htmlDocPtr doc;
	struct sc_html x = { s, 0, 0, "", NULL, 0 };

	if (xu_join(json, sizeof(json), s->root, "json/chat_history.json") &&
	    s->h->exists(s->h, json))
		return;		/* the JSON says the same, and more */
	buf = s->h->read_file(s->h, s->path, MAX_HTML, &len);
	if (!buf) {
		s->h->not_understood(s->h, s->path, "unreadable or larger "
				     "than 256 MiB");
		return;
	}
	read_owner(s);
	doc = xh_parse(buf, len);
	if (doc)
		xh_walk(xmlDocGetRootElement(doc), html_el, &x, 0);
	if (x.pending)
		html_emit(&x, x.pending, NULL);
	emit_old_convs(s);
	pu_imap_free(&s->convs, free_conv);
	if (!s->msgs)
		s->h->not_understood(s->h, s->path, "HTML, but no Snapchat "
				     "chat table in it");
	if (doc)
		xmlFreeDoc(doc);
	s->h->free_buf(s->h, buf);
}

/* ---- run ---- */

static int run(const struct spoor_host *h, const char *path)
{
	static const struct xj_ops friends_ops = { friends_want, friends_got,
						   NULL };
	static const struct xj_ops account_ops = { acct_want, account_got,
						   NULL };
	const char *base = xu_base(path);
	struct sc *s = calloc(1, sizeof(*s));
	char parent[XU_PATH_MAX];
	bool in_json;
	int rc = 0;

	if (!s || !(s->atts = calloc(1, sizeof(*s->atts)))) {
		free(s);
		return SPOOR_ENOMEM;
	}
	s->h = h;
	s->path = path;
	s->cc = h->option(h, "cc");
	pu_dirname(path, parent, sizeof(parent));
	in_json = !strcmp(xu_base(parent), "json") ||
		!strcmp(xu_base(parent), "html");
	xu_dir_up(path, in_json ? 1 : 0, s->root, sizeof(s->root));
	if (!strcmp(base, "chat_history.json")) {
		s->file = SC_CHAT;
		run_history(s);
	} else if (!strcmp(base, "snap_history.json")) {
		s->file = SC_SNAP;
		run_history(s);
	} else if (!strcmp(base, "friends.json") && in_json) {
		s->file = SC_FRIENDS;
		run_small(s, &friends_ops);
	} else if (!strcmp(base, "account.json") && in_json) {
		s->file = SC_ACCOUNT;
		run_small(s, &account_ops);
	} else if (!strcmp(base, "chat_history.html") && in_json) {
		run_html(s);
	} else {
		rc = SPOOR_PLUGIN_DECLINED;	/* not in a My Data layout */
	}
	xu_atts_release(s->atts);
	free(s->atts);
	free(s);
	return rc;
}

static int run_checked(const struct spoor_host *h, const char *path)
{
	return pu_host_1_2(h) ? run(h, path) : SPOOR_EUNSUPPORTED;
}

static const char *const types[] = { "message", "conversation", "contact",
				     "account", NULL };
static const char *const patterns[] = {
	"chat_history.json", "snap_history.json", "friends.json",
	"account.json", "chat_history.html", NULL,
};

const struct spoor_plugin spoor_plugin_snapchat_export = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "snapchat-export",
	.version = "1.0",
	.description = "Snapchat \"My Data\" download (chat and snap "
		"history in both layouts, chat media, friends, account; "
		"HTML when there is no JSON)",
	.types = types,
	.patterns = patterns,
	.run = run_checked,
};
