/*
 * meta-export.h: Meta's "Download your information" for Instagram and
 * Facebook Messenger, shared by instagram-export.c and
 * messenger-export.c (each its own NAME.so; they include this file
 * with META_PLATFORM set).
 *
 * A thread is a folder messages/BOX/THREAD/ (BOX: inbox,
 * message_requests, archived_threads, filtered_threads, e2ee_cutover)
 * with message_1.json, message_2.json, ... (or message_N.html), under
 * the export's top folder or under your_instagram_activity/,
 * your_facebook_activity/ or your_activity_across_facebook/.  The
 * folder above messages/ says whose export it is; in the older layout
 * without one, files that only one platform writes decide
 * (personal_information.json: Instagram; profile_information.json,
 * friends: Facebook); when nothing decides, instagram-export reads the
 * thread with app "meta" and says so, and messenger-export leaves it.
 *
 * message_N.json: {participants[{name}], messages[{sender_name,
 * timestamp_ms (UTC), content, photos|videos|audio_files|gifs|files
 * [{uri}], sticker{uri}, share{link, share_text}, reactions[{reaction,
 * actor}], is_unsent, call_duration, type}], title, thread_path, ...}.
 * Meta lists messages newest first, message_1 holding the newest:
 * sort_key orders them oldest first (file number, then position, both
 * reversed).  Meta writes the UTF-8 bytes of every text as code points
 * below 256: names, titles, texts and reactions are repaired
 * (xu_mojibake) and the record says mojibake_repaired.  A message with
 * call_duration is a call record.  uri is a path inside the export:
 * resolved in the evidence (hashed by the host, typed by libmagic,
 * never copied).  The owner (for direction) comes from the export's
 * personal_information.json (Instagram: Name, Username) or
 * profile_information.json / messages/autofill_information.json
 * (Facebook: full name), else --me; a sender who is not the owner is
 * incoming, and without an owner the direction is unknown.
 *
 * message_N.html: blocks of sender, content and time ("Jan 17, 2020
 * 8:49:00 pm"): those times are the exporting account's wall clock
 * without a zone, so they go through the host's local_time (--tz; else
 * kept local, zone-unknown).  Media linked from the block (img, video,
 * audio, a) are resolved like uri.
 *
 * One conversation record per thread, from its lowest message_N, with
 * the participants, the title and the count of messages over all of
 * the thread's files.  A thread file that is JSON or HTML but no
 * message file, that ends early, or whose lower-numbered sibling is
 * missing (an incomplete export or archive) is "not understood".
 */
#ifndef SPOOR_META_EXPORT_H
#define SPOOR_META_EXPORT_H

#include "export-util.h"
#include "xhtml.h"

#include "banned.h"

#define META_INSTAGRAM 1
#define META_FACEBOOK 2

#define MAX_VALUE ((size_t)32 << 20)	/* one message object */
#define MAX_HTML ((size_t)256 << 20)
#define MAX_FILES 100000		/* message_N files of a thread */

struct meta {
	const struct spoor_host *h;
	const char *path;
	int platform;		/* decided for this export, or 0 */
	const char *app;	/* "instagram", "messenger", "meta" */
	char root[XU_PATH_MAX];	/* the export's top folder */
	char activity[XU_PATH_MAX];	/* the folder above messages/ */
	char thread[XU_PATH_MAX + 80];	/* "inbox/name_123" */
	char box[64];
	const char *ext;	/* "json" or "html" */
	long file_no;		/* N of message_N */
	/* the owner */
	char owner_name[512], owner_user[256];
	const char *me;		/* --me */
	/* the thread, from the file's other members */
	char title[1024];
	bool title_repaired;
	char *parts[XU_PART_MAX];
	size_t nparts, parts_total;
	bool parts_repaired;
	char thread_path[1024], thread_type[64];
	int still_participant;
	bool has_messages, messages_array, root_obj;
	bool ok;		/* the file was understood */
	int64_t count;		/* messages in this file */
	uint64_t emitted, skipped, bad;
	struct xu_atts *atts;
	struct xu_mem mem;
	struct xj j;
};

/* ---- where a file sits ---- */

static const char *const meta_boxes[] = {
	"inbox", "message_requests", "archived_threads", "filtered_threads",
	"e2ee_cutover", NULL,
};

/* The N of "message_N.json" / "message_N.html", or -1. */
static long meta_file_no(const char *base, const char **ext)
{
	char *end;
	long n;

	if (strncmp(base, "message_", 8) || base[8] < '1' || base[8] > '9')
		return -1;
	errno = 0;
	n = strtol(base + 8, &end, 10);
	if (errno || n < 1 || n > MAX_FILES)
		return -1;
	if (!strcmp(end, ".json"))
		*ext = "json";
	else if (!strcmp(end, ".html"))
		*ext = "html";
	else
		return -1;
	return n;
}

/* Split path into root, activity folder, box and thread: false when it
 * is no .../messages/BOX/THREAD/message_N.{json,html}. */
static bool meta_locate(struct meta *m)
{
	char d[XU_PATH_MAX], box[XU_PATH_MAX], msgs[XU_PATH_MAX];
	const char *tb, *bb;
	bool known = false;

	if ((m->file_no = meta_file_no(xu_base(m->path), &m->ext)) < 0 ||
	    !xu_dir_up(m->path, 0, d, sizeof(d)) || !d[0] ||
	    !xu_dir_up(m->path, 1, box, sizeof(box)) || !box[0] ||
	    !xu_dir_up(m->path, 2, msgs, sizeof(msgs)) || !msgs[0] ||
	    strcmp(xu_base(msgs), "messages"))
		return false;
	bb = xu_base(box);
	for (size_t i = 0; meta_boxes[i]; i++)
		known |= !strcmp(bb, meta_boxes[i]);
	if (!known || strlen(bb) >= sizeof(m->box))
		return false;
	snprintf(m->box, sizeof(m->box), "%s", bb);
	tb = xu_base(d);
	snprintf(m->thread, sizeof(m->thread), "%s/%s", bb, tb);
	xu_dir_up(m->path, 3, m->activity, sizeof(m->activity));
	snprintf(m->root, sizeof(m->root), "%s", m->activity);
	if (!strcmp(xu_base(m->activity), "your_instagram_activity")) {
		m->platform = META_INSTAGRAM;
		xu_dir_up(m->path, 4, m->root, sizeof(m->root));
	} else if (!strcmp(xu_base(m->activity), "your_facebook_activity") ||
		   !strcmp(xu_base(m->activity),
			   "your_activity_across_facebook")) {
		m->platform = META_FACEBOOK;
		xu_dir_up(m->path, 4, m->root, sizeof(m->root));
	}
	return true;
}

static int meta_count_exists(struct meta *m, const char *const *rel)
{
	char p[XU_PATH_MAX];
	int n = 0;

	for (; *rel; rel++)
		n += xu_join(p, sizeof(p), m->root, *rel) &&
			m->h->exists(m->h, p);
	return n;
}

static const char *const meta_ig_marks[] = {
	"personal_information/personal_information/personal_information.json",
	"personal_information/personal_information.json",
	"connections/followers_and_following/following.json",
	"followers_and_following/following.json",
	"account_information/personal_information.json", NULL,
};
static const char *const meta_fb_marks[] = {
	"profile_information/profile_information.json",
	"personal_information/profile_information/profile_information.json",
	"friends/friends.json", "friends_and_followers/friends.json",
	"connections/friends/your_friends.json",
	"messages/autofill_information.json", NULL,
};

/* The platform of an export in the older layout, from the files only
 * one of them writes; 0 when they do not decide. */
static int meta_platform_by_files(struct meta *m)
{
	int ig = meta_count_exists(m, meta_ig_marks);
	int fb = meta_count_exists(m, meta_fb_marks);

	return ig && !fb ? META_INSTAGRAM : fb && !ig ? META_FACEBOOK : 0;
}

/* ---- the owner ---- */

struct meta_owner {
	struct meta *m;
	int kind;		/* 1 instagram profile_user, 2 facebook
				 * profile, 3 autofill */
};

static int owner_want(void *ctx, struct xj *j)
{
	struct meta_owner *o = ctx;
	static const char *const ig[] = { "profile_user", NULL };
	static const char *const fb[] = { "profile_v2", "profile", NULL };
	static const char *const af[] = { "autofill_information_v2",
					  "autofill_information", NULL };

	if (j->depth == 0)
		return j->vtype == '{' ? XJ_DESCEND : XJ_SKIP;
	if (j->depth == 1)
		return xj_key_in(j, 0, o->kind == 1 ? ig : o->kind == 2 ? fb
				 : af) ? XJ_CAPTURE : XJ_SKIP;
	return XJ_SKIP;
}

static void meta_set_owner(struct meta *m, char *dst, size_t size,
			   const char *s, size_t n)
{
	bool rep = false;
	size_t l;
	const char *v = xu_mojibake(&m->mem, s, n, &l, &rep);

	if (v && l < size && !dst[0]) {
		memcpy(dst, v, l);
		dst[l] = '\0';
	}
}

/* Instagram's {"Name": {"value": ...}} of string_map_data. */
static const char *meta_smd(json_object *smd, const char *key, size_t *n)
{
	return xj_str(xj_get(smd, key), "value", n);
}

static int owner_got(void *ctx, struct xj *j, json_object *v, const char *why)
{
	struct meta_owner *o = ctx;
	struct meta *m = o->m;
	const char *s;
	size_t n;

	(void)j;
	(void)why;
	if (o->kind == 1) {
		json_object *smd = xj_get(xj_idx(v, 0), "string_map_data");

		if ((s = meta_smd(smd, "Name", &n)))
			meta_set_owner(m, m->owner_name,
				       sizeof(m->owner_name), s, n);
		if ((s = meta_smd(smd, "Username", &n)))
			meta_set_owner(m, m->owner_user,
				       sizeof(m->owner_user), s, n);
	} else if (o->kind == 2) {
		if ((s = xj_str(xj_get(v, "name"), "full_name", &n)))
			meta_set_owner(m, m->owner_name,
				       sizeof(m->owner_name), s, n);
		if ((s = xj_str(v, "username", &n)))
			meta_set_owner(m, m->owner_user,
				       sizeof(m->owner_user), s, n);
	} else {
		json_object *fn = xj_get(v, "FULL_NAME");

		if ((s = xj_sval(xj_len(fn) ? xj_idx(fn, 0)
				 : fn, &n)))
			meta_set_owner(m, m->owner_name,
				       sizeof(m->owner_name), s, n);
	}
	xu_mem_free(&m->mem);
	json_object_put(v);
	return 1;
}

static void meta_owner_from(struct meta *m, const char *base, const char *rel,
			    int kind)
{
	static const struct xj_ops ops = { owner_want, owner_got, NULL };
	struct meta_owner o = { m, kind };
	char p[XU_PATH_MAX];
	struct xj j;

	if (m->owner_name[0] || !xu_join(p, sizeof(p), base, rel) ||
	    !m->h->exists(m->h, p) || xj_init(&j, &ops, &o, 4 << 20))
		return;
	xu_scan(m->h, p, &j);
	xj_release(&j);
}

static void meta_read_owner(struct meta *m)
{
	if (m->platform != META_FACEBOOK) {
		meta_owner_from(m, m->root, "personal_information/"
				"personal_information/personal_information."
				"json", 1);
		meta_owner_from(m, m->root, "personal_information/"
				"personal_information.json", 1);
		meta_owner_from(m, m->root, "account_information/"
				"personal_information.json", 1);
	}
	if (m->platform != META_INSTAGRAM) {
		meta_owner_from(m, m->root, "personal_information/"
				"profile_information/profile_information."
				"json", 2);
		meta_owner_from(m, m->root, "profile_information/"
				"profile_information.json", 2);
		meta_owner_from(m, m->activity, "messages/"
				"autofill_information.json", 3);
	}
}

/* 1: the owner's, 0: someone else's, -1: unknown. */
static int meta_mine(const struct meta *m, const char *sender)
{
	if (!sender)
		return -1;
	if (m->owner_name[0] || m->owner_user[0])
		return !strcmp(sender, m->owner_name) ||
			!strcmp(sender, m->owner_user);
	if (m->me)
		return !strcmp(sender, m->me);
	return -1;
}

/* ---- pass 1: the thread's members other than messages ---- */

static int head_want(void *ctx, struct xj *j)
{
	struct meta *m = ctx;
	static const char *const keep[] = { "participants", "title",
		"thread_path", "thread_type", "is_still_participant", NULL };

	if (j->depth == 0) {
		m->root_obj = j->vtype == '{';
		return m->root_obj ? XJ_DESCEND : XJ_SKIP;
	}
	if (j->depth == 1 && !strcmp(xj_key(j, 0), "messages")) {
		m->has_messages = true;
		m->messages_array = j->vtype == '[';
		return XJ_DESCEND;
	}
	if (j->depth == 2 && !strcmp(xj_key(j, 0), "messages")) {
		m->count++;
		return XJ_SKIP;
	}
	return j->depth == 1 && xj_key_in(j, 0, keep) ? XJ_CAPTURE : XJ_SKIP;
}

static void meta_keep_str(struct meta *m, json_object *v, char *dst,
			  size_t size, bool *rep)
{
	size_t n, l;
	const char *s = xj_sval(v, &n);
	const char *r = xu_mojibake(&m->mem, s, n, &l, rep);

	if (r && l < size) {
		memcpy(dst, r, l);
		dst[l] = '\0';
	}
}

static int head_got(void *ctx, struct xj *j, json_object *v, const char *why)
{
	struct meta *m = ctx;
	const char *k = xj_key(j, 0);
	bool rep = false;

	(void)why;
	if (!v)
		return 0;
	if (!strcmp(k, "participants")) {
		size_t n = xj_len(v);

		for (size_t i = 0; i < n; i++) {
			json_object *p = xj_idx(v, i);
			size_t sl, l;
			const char *s = xj_str(p, "name", &sl);
			const char *r;

			if (!s)
				continue;
			m->parts_total++;
			r = xu_mojibake(&m->mem, s, sl, &l, &m->parts_repaired);
			if (m->nparts < XU_PART_MAX &&
			    (m->parts[m->nparts] = pu_strndup(r, l, 4096)))
				m->nparts++;
		}
	} else if (!strcmp(k, "title")) {
		meta_keep_str(m, v, m->title, sizeof(m->title), &rep);
		m->title_repaired = rep;
	} else if (!strcmp(k, "thread_path")) {
		meta_keep_str(m, v, m->thread_path, sizeof(m->thread_path),
			      &rep);
	} else if (!strcmp(k, "thread_type")) {
		meta_keep_str(m, v, m->thread_type, sizeof(m->thread_type),
			      &rep);
	} else if (!strcmp(k, "is_still_participant")) {
		m->still_participant = json_object_is_type(v,
			json_type_boolean) ? json_object_get_boolean(v) : -1;
	}
	xu_mem_free(&m->mem);
	json_object_put(v);
	return 0;
}

/* ---- pass 2: the messages ---- */

static const char *meta_rep(struct meta *m, json_object *o, const char *key,
			    size_t *len, bool *rep)
{
	size_t n;
	const char *s = xj_str(o, key, &n);

	return xu_mojibake(&m->mem, s, n > XU_TEXT_MAX ? XU_TEXT_MAX : n,
			   len, rep);
}

static void meta_media(struct meta *m, json_object *msg, const char *key,
		       const char *kind)
{
	json_object *a = xj_get(msg, key);
	size_t n = xj_len(a);

	/* a sticker is one object */
	if (a && json_object_is_type(a, json_type_object)) {
		size_t l;
		const char *u = xj_str(a, "uri", &l);

		if (u)
			xu_att_add(m->h, m->atts, &m->mem, kind, u, l,
				   xu_keep(&m->mem, u, l), m->root);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		size_t l;
		const char *u = xj_str(xj_idx(a, i), "uri",
				       &l);

		/* a uri is a path in the export; a URL is only listed */
		if (u)
			xu_att_add(m->h, m->atts, &m->mem, kind, u, l,
				   strstr(u, "://") ? NULL
				   : xu_keep(&m->mem, u, l), m->root);
	}
}

static int64_t meta_sort_key(const struct meta *m, int64_t idx)
{
	/* newest first in the file, message_1 newest: reversed twice */
	return ((int64_t)(MAX_FILES + 1 - m->file_no) << 32) |
		(0xffffffffLL - (idx & 0xffffffffLL));
}

static const char *meta_chat_type(const struct meta *m)
{
	if (!strcmp(m->thread_type, "RegularGroup") || m->parts_total > 2)
		return "group";
	if (!strcmp(m->thread_type, "Regular") || m->parts_total == 2)
		return "direct";
	return NULL;
}

static void meta_chat(struct meta *m, struct spoor_record *r)
{
	const char *name = m->title[0] ? m->title : NULL;

	for (size_t i = 0; !name && i < m->nparts; i++)
		if (meta_mine(m, m->parts[i]) != 1)
			name = m->parts[i];
	spoor_p_str(r, "chat_id", m->thread);
	spoor_p_str(r, "chat_name", name ? name : m->thread);
	spoor_p_str(r, "chat_type", meta_chat_type(m));
	spoor_p_str(r, "thread_box", m->box);
}

static void meta_reactions(struct meta *m, json_object *msg,
			   struct spoor_record *items, size_t *n, bool *rep)
{
	json_object *a = xj_get(msg, "reactions");
	size_t len = xj_len(a);

	*n = 0;
	for (size_t i = 0; i < len && *n < XU_ATT_MAX; i++) {
		json_object *e = xj_idx(a, i);
		size_t l;
		const char *s;
		int64_t t;

		spoor_p_init(&items[*n], "reaction");
		s = meta_rep(m, e, "reaction", &l, rep);
		spoor_p_bytes(&items[*n], "reaction", xu_keep(&m->mem, s, l),
			      l);
		s = meta_rep(m, e, "actor", &l, rep);
		spoor_p_bytes(&items[*n], "actor", xu_keep(&m->mem, s, l), l);
		if (xj_int(e, "timestamp", &t))
			xu_time_epoch(&items[*n], "time", "time_raw",
				      "time_unit", t, true);
		(*n)++;
	}
}

static const char *meta_kind(json_object *msg, const struct xu_atts *a)
{
	static const char *const k[][2] = {
		{ "photos", "photo" }, { "videos", "video" },
		{ "audio_files", "audio" }, { "gifs", "gif" },
		{ "files", "file" }, { "sticker", "sticker" },
	};
	const char *type = xj_str(msg, "type", NULL);

	if (xj_bool(msg, "is_unsent") == 1)
		return "unsent";
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (xj_get(msg, k[i][0]) && a->total)
			return k[i][1];
	if (xj_get(msg, "share") || (type && !strcmp(type, "Share")))
		return "share";
	if (type && (!strcmp(type, "Subscribe") ||
		     !strcmp(type, "Unsubscribe")))
		return "system";
	return "text";
}

static void meta_message(struct meta *m, json_object *msg, int64_t idx,
			 const char *ptr, int64_t line)
{
	const struct spoor_host *h = m->h;
	struct spoor_prov prov = { NULL, NULL, -1, line, NULL };
	struct spoor_record r;
	struct spoor_record reac[XU_ATT_MAX];
	size_t sl = 0, tl = 0, stl = 0, nreac;
	bool rep = m->title_repaired || m->parts_repaired;
	const char *sender = meta_rep(m, msg, "sender_name", &sl, &rep);
	const char *text = meta_rep(m, msg, "content", &tl, &rep);
	json_object *share = xj_get(msg, "share");
	const char *share_text, *link;
	int64_t ts = 0, dur = 0;
	bool have_ts = xj_int(msg, "timestamp_ms", &ts);
	bool call = xj_int(msg, "call_duration", &dur);
	int unsent = xj_bool(msg, "is_unsent");
	size_t ll = 0;

	sender = xu_keep(&m->mem, sender, sl);
	text = xu_keep(&m->mem, text, tl);
	share_text = meta_rep(m, share, "share_text", &stl, &rep);
	share_text = xu_keep(&m->mem, share_text, stl);
	link = xj_str(share, "link", &ll);
	xu_atts_reset(m->atts);
	spoor_p_init(&r, call ? "call" : "message");
	spoor_p_str(&r, "app", m->app);
	spoor_p_str(&r, "json_pointer", ptr);
	meta_chat(m, &r);
	spoor_p_int(&r, "sort_key", meta_sort_key(m, idx));
	xu_direction(&r, meta_mine(m, sender));
	spoor_p_bytes(&r, "sender_name", sender, sl);
	xu_time_epoch(&r, "time", "time_raw", "time_unit", ts, have_ts);
	if (call) {
		int missed = xj_bool(msg, "missed");

		spoor_p_int(&r, "duration", dur);
		if (missed >= 0)
			spoor_p_bool(&r, "missed", missed);
		else
			spoor_p_null(&r, "missed");
		spoor_p_str(&r, "kind_raw", xj_str(msg, "type", NULL));
		spoor_p_bytes(&r, "text", text, tl);
	} else {
		meta_media(m, msg, "photos", "photo");
		meta_media(m, msg, "videos", "video");
		meta_media(m, msg, "audio_files", "audio");
		meta_media(m, msg, "gifs", "gif");
		meta_media(m, msg, "files", "file");
		meta_media(m, msg, "sticker", "sticker");
		meta_reactions(m, msg, reac, &nreac, &rep);
		spoor_p_str(&r, "kind", meta_kind(msg, m->atts));
		spoor_p_str(&r, "kind_raw", xj_str(msg, "type", NULL));
		spoor_p_bytes(&r, "text", text, tl);
		if (unsent >= 0)
			spoor_p_bool(&r, "unsent", unsent);
		else
			spoor_p_null(&r, "unsent");
		spoor_p_bytes(&r, "share_link", link, ll);
		spoor_p_bytes(&r, "share_text", share_text, stl);
		if (nreac)
			spoor_p_list(&r, "reactions", reac, nreac);
		xu_atts_fields(&r, m->atts);
	}
	spoor_p_bool(&r, "mojibake_repaired", rep);
	h->emit(h, &r, &prov);
	xu_mem_free(&m->mem);
	m->emitted++;
}

static int msgs_want(void *ctx, struct xj *j)
{
	(void)ctx;
	if (j->depth == 0)
		return j->vtype == '{' ? XJ_DESCEND : XJ_SKIP;
	if (j->depth == 1)
		return !strcmp(xj_key(j, 0), "messages") && j->vtype == '[' ?
			XJ_DESCEND : XJ_SKIP;
	return j->depth == 2 ? XJ_CAPTURE : XJ_SKIP;
}

static int msgs_got(void *ctx, struct xj *j, json_object *v, const char *why)
{
	struct meta *m = ctx;
	char ptr[64];

	snprintf(ptr, sizeof(ptr), "/messages/%lld",
		 (long long)j->lv[1].index);
	if (why) {
		m->h->log(m->h, SPOOR_LOG_WARN, "%s: %s skipped", ptr, why);
		m->skipped++;
		return 0;
	}
	if (!v || !json_object_is_type(v, json_type_object))
		m->bad++;
	else
		meta_message(m, v, j->lv[1].index, ptr, j->value_line);
	json_object_put(v);
	return 0;
}

/* ---- the conversation ---- */

static int count_want(void *ctx, struct xj *j)
{
	int64_t *n = ctx;

	if (j->depth == 0)
		return j->vtype == '{' ? XJ_DESCEND : XJ_SKIP;
	if (j->depth == 1)
		return !strcmp(xj_key(j, 0), "messages") ? XJ_DESCEND
			: XJ_SKIP;
	(*n)++;
	return XJ_SKIP;
}

static int count_got(void *ctx, struct xj *j, json_object *v, const char *w)
{
	(void)ctx;
	(void)j;
	(void)w;
	json_object_put(v);
	return 0;
}

/* Messages in the thread's other JSON files (N+1, N+2, ... while they
 * exist); *files counts the files. */
static int64_t meta_count_rest(struct meta *m, long *files)
{
	static const struct xj_ops ops = { count_want, count_got, NULL };
	char dir[XU_PATH_MAX], p[XU_PATH_MAX], name[64];
	int64_t total = 0;

	pu_dirname(m->path, dir, sizeof(dir));
	*files = 1;
	for (long n = m->file_no + 1; n <= MAX_FILES; n++) {
		struct xj j;
		int64_t c = 0;

		snprintf(name, sizeof(name), "message_%ld.%s", n, m->ext);
		if (!xu_join(p, sizeof(p), dir, name) || !m->h->exists(m->h, p))
			break;
		(*files)++;
		if (strcmp(m->ext, "json") || xj_init(&j, &ops, &c, 1))
			continue;
		xu_scan(m->h, p, &j);
		xj_release(&j);
		total += c;
	}
	return total;
}

/* Whether message_K of the thread exists for some K < N: the
 * conversation record comes from the lowest file only. */
static long meta_missing_below(struct meta *m, bool *lower)
{
	char dir[XU_PATH_MAX], p[XU_PATH_MAX], name[64];
	long missing = 0;

	*lower = false;
	pu_dirname(m->path, dir, sizeof(dir));
	for (long n = m->file_no - 1; n >= 1; n--) {
		snprintf(name, sizeof(name), "message_%ld.%s", n, m->ext);
		if (xu_join(p, sizeof(p), dir, name) && m->h->exists(m->h, p))
			*lower = true;
		else if (!missing)
			missing = n;
	}
	return missing;
}

static void meta_conversation(struct meta *m, int64_t html_count)
{
	struct spoor_prov prov = { NULL, NULL, -1, -1, NULL };
	struct spoor_record r;
	struct xu_conv *c = calloc(1, sizeof(*c));
	long files = 1;
	int64_t total = (html_count >= 0 ? html_count : m->count) +
		meta_count_rest(m, &files);

	if (!c)
		return;
	for (size_t i = 0; i < m->nparts; i++)
		xu_conv_add(c, m->parts[i], NULL, m->owner_name[0] ||
			    m->owner_user[0] || m->me ?
			    meta_mine(m, m->parts[i]) : -1);
	c->total = m->parts_total > c->total ? m->parts_total : c->total;
	spoor_p_init(&r, "conversation");
	spoor_p_str(&r, "app", m->app);
	meta_chat(m, &r);
	xu_conv_fields(&r, c);
	spoor_p_int(&r, "message_count", total);
	spoor_p_int(&r, "file_count", files);
	spoor_p_str(&r, "thread_path", m->thread_path[0] ? m->thread_path
		    : NULL);
	if (m->still_participant >= 0)
		spoor_p_bool(&r, "still_participant", m->still_participant);
	else
		spoor_p_null(&r, "still_participant");
	spoor_p_str(&r, "source_order", "newest-first");
	spoor_p_bool(&r, "mojibake_repaired", m->title_repaired ||
		     m->parts_repaired);
	m->h->emit(m->h, &r, &prov);
	free(c);
}

/* ---- message_N.json ---- */

static void meta_run_json(struct meta *m)
{
	static const struct xj_ops head = { head_want, head_got, NULL };
	static const struct xj_ops body = { msgs_want, msgs_got, NULL };
	int rc;

	if (xj_init(&m->j, &head, m, MAX_VALUE)) {
		m->h->log(m->h, SPOOR_LOG_ERROR, "out of memory");
		return;
	}
	rc = xu_scan(m->h, m->path, &m->j);
	xj_release(&m->j);
	if (rc == -2) {
		m->h->not_understood(m->h, m->path, "cannot be opened");
		return;
	}
	if (!m->root_obj || !m->has_messages || !m->messages_array) {
		m->h->not_understood(m->h, m->path, rc ? m->j.error :
				     "JSON, but no Meta message file (no "
				     "messages list)");
		return;
	}
	if (xj_init(&m->j, &body, m, MAX_VALUE))
		return;
	m->ok = true;
	rc = xu_scan(m->h, m->path, &m->j);
	if (rc)
		m->h->not_understood(m->h, m->path, m->j.error);
	xj_release(&m->j);
}

/* ---- message_N.html ---- */

/*
 * "Jan 17, 2020 8:49:00 pm", "Jan 17, 2020, 8:49 PM", "17 Jan 2020
 * 20:49": an English month name anywhere, then the numbers day, year,
 * hour, minute and maybe second, 12 hours with am/pm or 24.
 */
static bool meta_html_time(const char *s, struct spoor_wallclock *w)
{
	static const char *const mon[] = { "jan", "feb", "mar", "apr", "may",
		"jun", "jul", "aug", "sep", "oct", "nov", "dec" };
	int v[5], nv = 0, month = 0, ampm = 0;
	const char *p = s;

	memset(w, 0, sizeof(*w));
	while (*p) {
		if (*p >= '0' && *p <= '9') {
			int x = 0, k = 0;

			for (; *p >= '0' && *p <= '9'; p++, k++)
				x = k < 5 ? x * 10 + (*p - '0') : 100000;
			if (nv == 5)
				return false;
			v[nv++] = x;
		} else if ((*p | 32) >= 'a' && (*p | 32) <= 'z') {
			const char *q = p;

			while ((*q | 32) >= 'a' && (*q | 32) <= 'z')
				q++;
			if (q - p >= 3)
				for (int i = 0; i < 12; i++)
					if (!strncasecmp(p, mon[i], 3))
						month = month ? -1 : i + 1;
			if (q - p == 2 && !strncasecmp(p, "am", 2))
				ampm = 1;
			else if (q - p == 2 && !strncasecmp(p, "pm", 2))
				ampm = 2;
			p = q;
		} else {
			p++;
		}
	}
	if (month <= 0 || nv < 4 || v[1] < 1000 || v[0] > 31)
		return false;
	w->day = v[0];
	w->year = v[1];
	w->hour = v[2];
	w->min = v[3];
	w->sec = nv > 4 ? v[4] : 0;
	w->mon = month;
	if (ampm && (w->hour < 1 || w->hour > 12))
		return false;
	if (ampm == 1 && w->hour == 12)
		w->hour = 0;
	else if (ampm == 2 && w->hour < 12)
		w->hour += 12;
	return xu_wall_ok(w);
}

struct meta_html {
	struct meta *m;
	int64_t idx;
	xmlNode *title;
};

/* Media the block links to: img, video, audio, source first (they say
 * what the file is), then a (a file); one file named twice is listed
 * once. */
static void meta_html_media(struct meta *m, xmlNode *n, int depth, bool links)
{
	static const char *const tags[][3] = {
		{ "img", "src", "photo" }, { "video", "src", "video" },
		{ "audio", "src", "audio" }, { "source", "src", "video" },
		{ "a", "href", "file" },
	};

	for (; n && depth < XH_DEPTH; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
			char *u;

			if ((i == 4) != links || !xh_is(n, tags[i][0]) ||
			    !(u = xh_attr(n, tags[i][1])))
				continue;
			/* a path in the export is looked for; a URL of a
			 * picture is listed, a link to a page is not media */
			if (*u && !strstr(u, "://") && strncmp(u, "mailto:", 7)
			    && u[0] != '#')
				xu_att_add(m->h, m->atts, &m->mem, tags[i][2],
					   u, strlen(u),
					   xu_keep(&m->mem, u, strlen(u)),
					   m->root);
			else if (*u && i < 4)
				xu_att_add(m->h, m->atts, &m->mem, tags[i][2],
					   u, strlen(u), NULL, m->root);
			xmlFree(u);
		}
		meta_html_media(m, n->children, depth + 1, links);
	}
}

static void meta_html_block(struct meta_html *x, xmlNode *b)
{
	struct meta *m = x->m;
	struct spoor_prov prov = { NULL, NULL, -1, xh_line(b), NULL };
	struct spoor_record r;
	struct spoor_local_time lt;
	struct spoor_wallclock w;
	struct pu_buf who = { .max = 4096 }, when = { .max = 256 },
		      text = { .max = XU_TEXT_MAX };
	xmlNode *first = xh_first(b), *last = first, *c;
	bool timed;

	for (c = first; c; c = xh_next(c))
		last = c;
	xh_text(first, &who);
	xh_text(last, &when);
	xu_atts_reset(m->atts);
	for (c = xh_next(first); c && c != last; c = xh_next(c)) {
		struct pu_buf part = { .max = XU_TEXT_MAX };

		xh_text(c, &part);
		if (part.len) {
			if (text.len)
				pu_buf_add(&text, "\n", 1);
			pu_buf_add(&text, part.p, part.len);
		}
		pu_buf_free(&part);
		meta_html_media(m, c->children, 0, false);
		meta_html_media(m, c->children, 0, true);
	}
	timed = when.p && meta_html_time(when.p, &w);
	spoor_p_init(&r, "message");
	spoor_p_str(&r, "app", m->app);
	meta_chat(m, &r);
	spoor_p_int(&r, "sort_key", meta_sort_key(m, x->idx));
	xu_direction(&r, meta_mine(m, who.p));
	spoor_p_str(&r, "sender_name", who.p);
	if (timed && !m->h->local_time(m->h, NULL, &w, &lt)) {
		spoor_p_local_time(&r, &lt);
	} else {
		spoor_p_null(&r, "time");
	}
	spoor_p_str(&r, "time_raw", when.p);
	spoor_p_str(&r, "time_unit", timed ? "local_text" : "unparsed");
	spoor_p_str(&r, "kind", m->atts->total ? "media" : "text");
	spoor_p_bytes(&r, "text", text.len ? text.p : NULL, text.len);
	spoor_p_bool(&r, "text_truncated", text.full);
	xu_atts_fields(&r, m->atts);
	m->h->emit(m->h, &r, &prov);
	xu_mem_free(&m->mem);
	m->emitted++;
	x->idx++;
	pu_buf_free(&who);
	pu_buf_free(&when);
	pu_buf_free(&text);
}

/* A message block: Meta's classes, old ("pam" ... "uiBoxWhite") and new
 * ("_a6-g"), with a sender, content and a time child. */
static bool meta_html_is_block(xmlNode *e)
{
	return xh_is(e, "div") && xh_nchildren(e) >= 2 &&
		(xh_class(e, "_a6-g") || (xh_class(e, "pam") &&
					  xh_class(e, "uiBoxWhite")));
}

static int meta_html_el(void *ctx, xmlNode *e)
{
	struct meta_html *x = ctx;

	if (xh_is(e, "title") && !x->title)
		x->title = e;
	if (meta_html_is_block(e)) {
		meta_html_block(x, e);
		return 1;
	}
	return 0;
}

static void meta_run_html(struct meta *m)
{
	struct meta_html x = { m, 0, NULL };
	size_t len;
	char *buf = m->h->read_file(m->h, m->path, MAX_HTML, &len);
	htmlDocPtr doc;

	if (!buf) {
		m->h->not_understood(m->h, m->path, "unreadable or larger "
				     "than 256 MiB");
		return;
	}
	doc = xh_parse(buf, len);
	if (doc) {
		/* the title first: the messages name their chat */
		xmlNode *root = xmlDocGetRootElement(doc);
		struct meta_html t = { m, 0, NULL };

		for (xmlNode *hd = xh_first(root); hd; hd = xh_next(hd))
			if (xh_is(hd, "head"))
				for (xmlNode *e = xh_first(hd); e;
				     e = xh_next(e))
					if (xh_is(e, "title") && !t.title)
						t.title = e;
		if (t.title) {
			struct pu_buf b = { .max = sizeof(m->title) - 1 };

			xh_text(t.title, &b);
			snprintf(m->title, sizeof(m->title), "%s",
				 b.p ? b.p : "");
			pu_buf_free(&b);
		}
		xh_walk(root, meta_html_el, &x, 0);
	}
	m->ok = m->emitted > 0;
	if (!m->emitted)
		m->h->not_understood(m->h, m->path, "HTML, but no Meta message "
				     "block in it");
	m->count = (int64_t)m->emitted;
	if (doc)
		xmlFreeDoc(doc);
	m->h->free_buf(m->h, buf);
}

/* ---- account files ---- */

static int acct_got(void *ctx, struct xj *j, json_object *v, const char *why)
{
	struct meta_owner *o = ctx;
	struct meta *m = o->m;
	struct spoor_prov prov = { NULL, NULL, -1, j->value_line, NULL };
	struct spoor_record r;
	struct spoor_phone ph = { "", "", NULL, false, 0 };
	json_object *smd = NULL;
	const char *name = NULL, *user = NULL, *email = NULL, *phone = NULL;
	size_t nl = 0, ul = 0, el = 0, pl = 0;
	bool rep = false;
	char ptr[128];

	(void)why;
	if (!v)
		return 1;
	if (o->kind == 1) {
		smd = xj_get(xj_idx(v, 0), "string_map_data");
		name = meta_smd(smd, "Name", &nl);
		user = meta_smd(smd, "Username", &ul);
		email = meta_smd(smd, "Email", &el);
		phone = meta_smd(smd, "Phone Number", &pl);
		if (!phone)
			phone = meta_smd(smd, "Phone Confirmation", &pl);
	} else if (o->kind == 2) {
		json_object *em = xj_get(xj_get(v, "emails"), "emails");
		json_object *pn = xj_get(v, "phone_numbers");

		name = xj_str(xj_get(v, "name"), "full_name", &nl);
		user = xj_str(v, "username", &ul);
		email = xj_sval(xj_len(em) ? xj_idx(em, 0)
				: NULL, &el);
		phone = xj_str(xj_len(pn) ? xj_idx(pn, 0)
			       : NULL, "phone_number", &pl);
	} else {
		json_object *a;

		a = xj_get(v, "FULL_NAME");
		name = xj_sval(xj_len(a) ? xj_idx(a, 0)
			       : a, &nl);
		a = xj_get(v, "EMAIL");
		email = xj_sval(xj_len(a) ? xj_idx(a, 0)
				: a, &el);
		a = xj_get(v, "PHONE");
		phone = xj_sval(xj_len(a) ? xj_idx(a, 0)
				: a, &pl);
	}
	if (!name && !user) {
		json_object_put(v);
		return 1;
	}
	name = xu_mojibake(&m->mem, name, nl, &nl, &rep);
	user = xu_mojibake(&m->mem, user, ul, &ul, &rep);
	phone = xu_keep(&m->mem, phone, pl);
	if (phone)
		m->h->phone(m->h, phone, m->h->option(m->h, "cc"), &ph);
	xj_pointer(j, ptr, sizeof(ptr));
	spoor_p_init(&r, "account");
	spoor_p_str(&r, "app", m->app);
	spoor_p_str(&r, "json_pointer", ptr);
	spoor_p_bytes(&r, "name", name, nl);
	spoor_p_bytes(&r, "username", user, ul);
	spoor_p_bytes(&r, "email", email, el);
	spoor_p_str(&r, "phone_raw", phone);
	pu_phone(&r, "phone", &ph);
	spoor_p_bool(&r, "mojibake_repaired", rep);
	m->h->emit(m->h, &r, &prov);
	xu_mem_free(&m->mem);
	json_object_put(v);
	return 1;
}

/* personal_information.json (kind 1), profile_information.json (2),
 * autofill_information.json (3), when the platform is this plugin's. */
static void meta_run_account(struct meta *m, int kind)
{
	static const struct xj_ops ops = { owner_want, acct_got, NULL };
	struct meta_owner o = { m, kind };
	struct xj j;

	if (xj_init(&j, &ops, &o, 4 << 20))
		return;
	if (xu_scan(m->h, m->path, &j) == -1)
		m->h->not_understood(m->h, m->path, j.error);
	xj_release(&j);
}

/* ---- run ---- */

static void meta_free(struct meta *m)
{
	for (size_t i = 0; i < m->nparts; i++)
		free(m->parts[i]);
	xu_mem_free(&m->mem);
	if (m->atts)
		xu_atts_release(m->atts);
	free(m->atts);
	free(m);
}

static int meta_run(const struct spoor_host *h, const char *path, int mine)
{
	struct meta *m;
	const char *base = xu_base(path);
	bool lower = false;
	long missing;

	if (!pu_host_1_2(h))
		return SPOOR_EUNSUPPORTED;
	m = calloc(1, sizeof(*m));
	if (!m || !(m->atts = calloc(1, sizeof(*m->atts)))) {
		free(m);
		return SPOOR_ENOMEM;
	}
	m->h = h;
	m->path = path;
	m->me = h->option(h, "me");
	m->still_participant = -1;
	m->app = mine == META_INSTAGRAM ? "instagram" : "messenger";
	if (!strcmp(base, "personal_information.json") ||
	    !strcmp(base, "profile_information.json") ||
	    !strcmp(base, "autofill_information.json")) {
		int kind = !strcmp(base, "personal_information.json") ? 1 :
			!strcmp(base, "profile_information.json") ? 2 : 3;

		bool ours = (kind == 1) == (mine == META_INSTAGRAM);

		if (ours)
			meta_run_account(m, kind);
		meta_free(m);
		return ours ? 0 : SPOOR_PLUGIN_DECLINED;
	}
	if (!meta_locate(m)) {
		meta_free(m);
		/* not a thread file of a Meta export */
		return SPOOR_PLUGIN_DECLINED;
	}
	if (!m->platform)
		m->platform = meta_platform_by_files(m);
	if (m->platform && m->platform != mine) {
		meta_free(m);
		return SPOOR_PLUGIN_DECLINED;	/* the other plugin's */
	}
	if (!m->platform) {
		if (mine != META_INSTAGRAM) {
			h->log(h, SPOOR_LOG_INFO, "Instagram or Messenger: "
			       "left to instagram-export");
			meta_free(m);
			return SPOOR_PLUGIN_DECLINED;
		}
		m->app = "meta";
		h->log(h, SPOOR_LOG_WARN, "a Meta message file whose export "
		       "does not say Instagram or Facebook: app \"meta\"");
	}
	meta_read_owner(m);
	missing = meta_missing_below(m, &lower);
	if (!strcmp(m->ext, "json"))
		meta_run_json(m);
	else
		meta_run_html(m);
	if (missing) {
		char why[128];

		snprintf(why, sizeof(why), "message_%ld.%s of this thread is "
			 "missing: the export or archive is incomplete",
			 missing, m->ext);
		h->not_understood(h, path, why);
	}
	if (!lower && m->ok)
		meta_conversation(m, strcmp(m->ext, "html") ? -1 : m->count);
	if (m->skipped || m->bad) {
		char why[96];

		snprintf(why, sizeof(why), "%llu messages could not be read",
			 (unsigned long long)(m->skipped + m->bad));
		h->not_understood(h, path, why);
	}
	meta_free(m);
	return 0;
}

static const char *const meta_types[] = { "message", "call",
					  "conversation", "account", NULL };
static const char *const meta_patterns[] = {
	"message_*.json", "message_*.html", "personal_information.json",
	"profile_information.json", "autofill_information.json", NULL,
};

#endif
