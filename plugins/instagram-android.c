/*
 * instagram-android: Instagram direct messages on Android
 * (com.instagram.android), facts from ALEAPP's instagram.py (as
 * documented in docs/artifacts.md 3.15) and HPI's my/instagram/android.py:
 *
 *   databases/direct.db
 *     session(user_id)               the signed-in account
 *     threads(thread_id, thread_info JSON: thread_v2_id, thread_title,
 *             recipients|users [{pk|pk_id|id, username, full_name}],
 *             inviter; last_activity_time in Unix us)
 *     messages(_id, thread_id, timestamp in Unix us, message_type, text,
 *              message JSON: user_id (the sender), item_id, item_type,
 *              text, media.image_versions2.candidates / video_versions,
 *              reel_share.text, action_log.description,
 *              video_call_event.description)
 *   databases/ig_msys_database_<n>
 *     contacts(id, name, first_name, last_name, username, phone_number,
 *              email_address, blocked_since_timestamp_ms, ...)
 *   shared_prefs/com.instagram.android_preferences.xml
 *     "current": the account's JSON (username, full_name)
 *
 * Direction: the sender (message JSON user_id) against session.user_id;
 * the owner is not among a thread's recipients and is added to its
 * participants.  Newer app versions keep direct messages in
 * ig_msys_database_<n> (messages not read here): a direct.db without
 * messages is not understood (exit 5), never "0 messages".  Media of
 * messages are URLs on Instagram's servers: listed, not fetched.
 */
#include "plugutil.h"
#include "jsonutil.h"

#include "banned.h"

#define IG_PREFS_MAX ((size_t)8 << 20)

struct ig_user {
	char *id, *username, *name;
};

struct ig_thread {
	char *title, *v2;
	struct pu_parts parts;
	json_object *info;	/* keeps the participants' strings */
};

struct ig {
	const struct spoor_host *h;
	const char *path;
	struct spoor_db *db;
	char owner[32];
	char owner_user[256], owner_name[512];
	struct pu_smap users;	/* pk -> struct ig_user */
	struct pu_smap threads;	/* thread_id -> struct ig_thread */
	uint64_t messages, bad_json, not_read;
	char first_type[64];
	bool stop;
};

static void ig_user_free(void *p)
{
	struct ig_user *u = p;

	if (!u)
		return;
	free(u->id);
	free(u->username);
	free(u->name);
	free(u);
}

static void ig_thread_free(void *p)
{
	struct ig_thread *t = p;

	if (!t)
		return;
	free(t->title);
	free(t->v2);
	if (t->info)
		json_object_put(t->info);
	free(t);
}

/* A user object's id: pk, pk_id or id, as text into buf. */
static const char *user_id(json_object *u, char *buf, size_t size)
{
	static const char *const keys[] = { "pk", "pk_id", "id" };
	int64_t v;

	for (size_t i = 0; i < 3; i++) {
		const char *s = pj_str(u, keys[i], NULL);

		if (s && *s)
			return s;
		if (pj_int(u, keys[i], &v)) {
			snprintf(buf, size, "%lld", (long long)v);
			return buf;
		}
	}
	return NULL;
}

static void add_user(struct ig *g, const char *id, const char *username,
		     const char *name)
{
	struct ig_user *u;

	if (!id || pu_smap_get(&g->users, id, strlen(id)) ||
	    !(u = calloc(1, sizeof(*u))))
		return;
	u->id = strdup(id);
	u->username = username ? strdup(username) : NULL;
	u->name = name ? strdup(name) : NULL;
	if (!u->id || !pu_smap_put(&g->users, id, strlen(id), u))
		ig_user_free(u);
}

static const struct ig_user *user_of(const struct ig *g, const char *id)
{
	return id ? pu_smap_get(&g->users, id, strlen(id)) : NULL;
}

/* ---- the owner ---- */

static int session_row(const struct spoor_host *h, struct spoor_stmt *st,
		       struct spoor_prov *prov, void *ctx)
{
	struct ig *g = ctx;
	size_t len;
	const char *s = pu_text(h, st, 1, &len);

	(void)prov;
	if (s && len && len < sizeof(g->owner)) {
		memcpy(g->owner, s, len);
		g->owner[len] = '\0';
	}
	return 1;	/* the first row */
}

static void owner_prefs(struct ig *g, const char *prefs)
{
	const struct spoor_host *h = g->h;
	size_t len = 0;
	char *buf, *js;
	json_object *o;
	bool cut;

	if (!h->exists(h, prefs) ||
	    !(buf = h->read_file(h, prefs, IG_PREFS_MAX, &len)))
		return;
	js = malloc(len + 1);
	if (js && pu_prefs_get(buf, len, "current", js, len + 1, &cut) &&
	    !cut && (o = pj_parse(js, strlen(js)))) {
		const char *u = pj_str(o, "username", NULL);
		const char *n = pj_str(o, "full_name", NULL);
		char idb[32];
		const char *id = user_id(o, idb, sizeof(idb));

		if (u && (!g->owner[0] || (id && !strcmp(id, g->owner))))
			snprintf(g->owner_user, sizeof(g->owner_user), "%s", u);
		if (n && (!g->owner[0] || (id && !strcmp(id, g->owner))))
			snprintf(g->owner_name, sizeof(g->owner_name), "%s", n);
		json_object_put(o);
	}
	free(js);
	h->free_buf(h, buf);
}

static void account(struct ig *g, const char *prefs)
{
	struct spoor_prov prov = { NULL, NULL, -1, -1, NULL };
	struct spoor_record r;

	if (!g->owner[0])
		return;
	spoor_p_init(&r, "account");
	spoor_p_str(&r, "app", "instagram");
	spoor_p_str(&r, "account_type", "owner");
	spoor_p_str(&r, "user_id", g->owner);
	spoor_p_str(&r, "username", g->owner_user[0] ? g->owner_user : NULL);
	spoor_p_str(&r, "name", g->owner_name[0] ? g->owner_name : NULL);
	spoor_p_str(&r, "owner_basis", "direct.db session.user_id");
	spoor_p_str(&r, "profile_source", g->owner_user[0] ? prefs : NULL);
	if (g->h->emit(g->h, &r, &prov))
		g->stop = true;
	add_user(g, g->owner, g->owner_user[0] ? g->owner_user : NULL,
		 g->owner_name[0] ? g->owner_name : NULL);
}

/* ---- threads ---- */

static void thread_user(struct ig *g, struct ig_thread *t, json_object *u)
{
	char idb[32];
	const char *id = user_id(u, idb, sizeof(idb));
	const char *un = pj_str(u, "username", NULL);
	const char *nm = pj_str(u, "full_name", NULL);
	const struct ig_user *known;

	if (!id)
		return;
	add_user(g, id, un, nm);
	known = user_of(g, id);
	for (size_t i = 0; i < t->parts.n; i++) {
		const struct spoor_field *f = &t->parts.item[i].f[0];

		if (f->kind == SPOOR_F_STR && f->v.str.len == strlen(id) &&
		    !memcmp(f->v.str.ptr, id, f->v.str.len))
			return;		/* listed already */
	}
	/* the strings live in the user map, freed after the run */
	pu_parts_add(&t->parts, known ? known->id : NULL,
		     known ? known->username : NULL,
		     known ? known->name : NULL,
		     g->owner[0] ? !strcmp(id, g->owner) : -1);
}

static int thread_row(const struct spoor_host *h, struct spoor_stmt *st,
		      struct spoor_prov *prov, void *ctx)
{
	struct ig *g = ctx;
	struct ig_thread *t;
	struct spoor_record r;
	size_t il, jl, sl = 0;
	const char *id = pu_text(h, st, 1, &il);
	const char *js = pu_text(h, st, 2, &jl), *s;
	json_object *o = js ? pj_parse(js, jl) : NULL, *arr;
	const struct ig_user *me;

	if (!id || !(t = calloc(1, sizeof(*t)))) {
		if (o)
			json_object_put(o);
		return 0;
	}
	if (js && !o)
		g->bad_json++;
	t->info = o;
	s = pj_str(o, "thread_title", &sl);
	t->title = pu_strndup(s, sl, 1024);
	s = pj_str(o, "thread_v2_id", &sl);
	t->v2 = pu_strndup(s, sl, 256);
	if (g->owner[0] && (me = user_of(g, g->owner)))
		pu_parts_add(&t->parts, me->id, me->username, me->name, 1);
	if (pj_at(o, "inviter"))
		thread_user(g, t, pj_at(o, "inviter"));
	arr = pj_at(o, "recipients");
	if (!arr || !json_object_is_type(arr, json_type_array))
		arr = pj_at(o, "users");
	for (size_t i = 0; arr && json_object_is_type(arr, json_type_array) &&
	     i < json_object_array_length(arr); i++)
		thread_user(g, t, json_object_array_get_idx(arr, i));
	spoor_p_init(&r, "conversation");
	spoor_p_str(&r, "app", "instagram");
	spoor_p_bytes(&r, "chat_id", id, il);
	spoor_p_str(&r, "chat_id_v2", t->v2);
	spoor_p_str(&r, "chat_name", t->title);
	pu_parts_fields(&r, &t->parts);
	pu_time_div(&r, "last_time", "last_time_raw", "last_time_unit",
		    h->col_int(st, 3), !pu_is_null(h, st, 3), 1000000,
		    "unix_us");
	if (h->emit(h, &r, prov))
		g->stop = true;
	if (!pu_smap_put(&g->threads, id, il, t))
		ig_thread_free(t);
	return g->stop;
}

/* ---- messages ---- */

/* The item types whose text this plugin reads, and where. */
static const struct {
	const char *type, *text;
} items[] = {
	{ "text", "text" },
	{ "link", "link.text" },
	{ "reel_share", "reel_share.text" },
	{ "action_log", "action_log.description" },
	{ "video_call_event", "video_call_event.description" },
	{ "media", NULL },
	{ "raven_media", NULL },
	{ "voice_media", NULL },
	{ "animated_media", NULL },
	{ "media_share", NULL },
	{ "clip", NULL },
	{ "story_share", NULL },
	{ "like", NULL },
};

static int known_item(const char *type, const char **text_path)
{
	for (size_t i = 0; type && i < sizeof(items) / sizeof(items[0]); i++)
		if (!strcmp(type, items[i].type)) {
			*text_path = items[i].text;
			return 1;
		}
	*text_path = NULL;
	return 0;
}

static int msg_row(const struct spoor_host *h, struct spoor_stmt *st,
		   struct spoor_prov *prov, void *ctx)
{
	struct ig *g = ctx;
	struct spoor_record r;
	size_t tl, jl, cl, ml;
	const char *thread = pu_text(h, st, 1, &tl);
	const char *js = pu_text(h, st, 5, &jl);
	const char *coltext = pu_text(h, st, 4, &cl);
	const char *mtype = pu_text(h, st, 3, &ml);
	json_object *o = js ? pj_parse(js, jl) : NULL;
	const char *type, *path = NULL, *text, *url, *sender;
	char sb[32], tb[64];
	const struct ig_user *su;
	int64_t v;
	const struct ig_thread *t = thread ? pu_smap_get(&g->threads, thread,
							 tl) : NULL;
	int mine = -1, known;

	g->messages++;
	if (js && !o)
		g->bad_json++;
	/* message JSON: user_id is the sender (a number or a string) */
	sender = pj_str(o, "user_id", NULL);
	if (!sender && pj_int(o, "user_id", &v)) {
		snprintf(sb, sizeof(sb), "%lld", (long long)v);
		sender = sb;
	}
	su = user_of(g, sender);
	if (g->owner[0] && sender)
		mine = !strcmp(sender, g->owner);
	type = pj_str(o, "item_type", NULL);
	if (!type && mtype && ml < sizeof(tb)) {
		memcpy(tb, mtype, ml);
		tb[ml] = '\0';
		type = tb;
	}
	known = known_item(type, &path);
	if (!known) {
		g->not_read++;
		if (!g->first_type[0] && type)
			snprintf(g->first_type, sizeof(g->first_type), "%s",
				 type);
	}
	text = coltext && cl ? NULL : path ? pj_str(o, path, NULL) : NULL;
	spoor_p_init(&r, "message");
	spoor_p_str(&r, "app", "instagram");
	spoor_p_bytes(&r, "chat_id", thread, tl);
	spoor_p_str(&r, "chat_name", t ? t->title : NULL);
	pu_direction(&r, mine);
	spoor_p_str(&r, "sender_id", su ? su->username : NULL);
	spoor_p_str(&r, "sender_user_id", sender);
	spoor_p_str(&r, "sender_name", su ? su->name : NULL);
	spoor_p_str(&r, "owner_id", g->owner[0] ? g->owner : NULL);
	pu_time_div(&r, "time", "time_raw", "time_unit", h->col_int(st, 2),
		    !pu_is_null(h, st, 2), 1000000, "unix_us");
	spoor_p_str(&r, "kind", known ? type : NULL);
	spoor_p_str(&r, "kind_raw", type);
	if (coltext && cl)
		spoor_p_bytes(&r, "text", coltext, cl);
	else
		spoor_p_str(&r, "text", text);
	spoor_p_str(&r, "message_id", pj_str(o, "item_id", NULL));
	url = pj_str(o, "media.image_versions2.candidates.0.url", NULL);
	if (!url)
		url = pj_str(o, "media.video_versions.0.url", NULL);
	spoor_p_str(&r, "media_url", url);
	spoor_p_bool(&r, "json_readable", !js || o);
	if (h->emit(h, &r, prov))
		g->stop = true;
	if (o)
		json_object_put(o);
	return g->stop;
}

static void report(struct ig *g)
{
	char why[512];

	if (!g->messages)
		g->h->not_understood(g->h, g->path, "direct.db holds no "
				     "messages: newer app versions keep direct "
				     "messages in ig_msys_database_*, whose "
				     "messages this plugin does not read, so 0 "
				     "here proves nothing");
	if (g->not_read) {
		snprintf(why, sizeof(why), "%llu messages of item types whose "
			 "content this plugin does not read (first: %s)",
			 (unsigned long long)g->not_read,
			 g->first_type[0] ? g->first_type : "none given");
		g->h->not_understood(g->h, g->path, why);
	}
	if (g->bad_json) {
		snprintf(why, sizeof(why), "%llu JSON values that do not "
			 "parse", (unsigned long long)g->bad_json);
		g->h->not_understood(g->h, g->path, why);
	}
}

static int read_direct(struct ig *g, const char *dbdir, const char *root)
{
	static const char *const scols[] = { "user_id", NULL };
	static const char *const tcols[] = { "thread_id", "thread_info",
					     "last_activity_time", NULL };
	static const char *const mcols[] = { "thread_id", "timestamp",
					     "message_type", "text", "message",
					     NULL };
	const struct spoor_host *h = g->h;
	struct pu_select q;
	char prefs[4200];
	int rc = 0;

	if (h->db_has_table(g->db, "session")) {
		q = (struct pu_select){ "session", "s", "rowid", scols, NULL,
					NULL, NULL, false };
		pu_select_each(h, g->db, &q, session_row, g);
	}
	if (snprintf(prefs, sizeof(prefs), "%s%sshared_prefs/"
		     "com.instagram.android_preferences.xml", root,
		     *root ? "/" : "") < (int)sizeof(prefs))
		owner_prefs(g, prefs);
	account(g, prefs);
	if (!g->stop && h->db_has_table(g->db, "threads")) {
		q = (struct pu_select){ "threads", "t", "rowid", tcols, NULL,
					NULL, NULL, true };
		rc |= pu_select_each(h, g->db, &q, thread_row, g);
	}
	q = (struct pu_select){ "messages", "m", "rowid", mcols, NULL, NULL,
				NULL, true };
	if (!g->stop)
		rc |= pu_select_each(h, g->db, &q, msg_row, g);
	/* ig_msys_database_<n> is named by the account's Facebook id,
	 * which direct.db does not hold: it is read as its own file */
	(void)dbdir;
	if (!g->stop)
		report(g);
	return rc ? -1 : 0;
}

/* ---- ig_msys_database_<n>: contacts ---- */

static int contact_row(const struct spoor_host *h, struct spoor_stmt *st,
		       struct spoor_prov *prov, void *ctx)
{
	struct ig *g = ctx;
	struct spoor_record r;
	struct spoor_phone ph = { "", "", NULL, false, 0 };
	size_t l[8];
	const char *v[8];
	char num[64];

	for (int i = 0; i < 7; i++)
		v[i] = pu_text(h, st, i + 1, &l[i]);
	spoor_p_init(&r, "contact");
	spoor_p_str(&r, "app", "instagram");
	spoor_p_bytes(&r, "user_id", v[0], l[0]);
	spoor_p_bytes(&r, "name", v[1], l[1]);
	spoor_p_bytes(&r, "first_name", v[2], l[2]);
	spoor_p_bytes(&r, "last_name", v[3], l[3]);
	spoor_p_bytes(&r, "username", v[4], l[4]);
	spoor_p_bytes(&r, "phone_raw", v[5], l[5]);
	if (v[5] && l[5] && l[5] < sizeof(num) && !memchr(v[5], 0, l[5])) {
		memcpy(num, v[5], l[5]);
		num[l[5]] = '\0';
		h->phone(h, num, h->option(h, "cc"), &ph);
	}
	pu_phone(&r, "phone", &ph);
	spoor_p_bytes(&r, "email", v[6], l[6]);
	pu_time_div(&r, "blocked_time", "blocked_time_raw", "blocked_time_unit",
		    h->col_int(st, 8), !pu_is_null(h, st, 8), 1000, "unix_ms");
	if (h->emit(h, &r, prov))
		g->stop = true;
	return g->stop;
}

static void read_msys(struct ig *g)
{
	static const char *const cols[] = {
		"id", "name", "first_name", "last_name", "username",
		"phone_number", "email_address", "blocked_since_timestamp_ms",
		NULL,
	};
	const struct spoor_host *h = g->h;
	struct pu_select q = { "contacts", "c", "rowid", cols, NULL, NULL,
			       NULL, true };

	if (!h->db_has_table(g->db, "contacts")) {
		h->not_understood(h, g->path, "schema not recognised: no "
				  "contacts table");
		return;
	}
	if (pu_select_each(h, g->db, &q, contact_row, g))
		h->not_understood(h, g->path, "a query failed: the contacts "
				  "table differs from what this plugin knows");
	if (!g->stop && h->db_has_table(g->db, "messages"))
		h->not_understood(h, g->path, "the messages of this store "
				  "are not read by this plugin version");
}

static int run(const struct spoor_host *h, const char *path)
{
	struct ig g;
	char dbdir[4096], root[4096];
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	memset(&g, 0, sizeof(g));
	g.h = h;
	g.path = path;
	pu_dirname(path, dbdir, sizeof(dbdir));
	pu_dirname(dbdir, root, sizeof(root));
	g.db = h->db_open(h, path);
	if (!g.db) {
		h->not_understood(h, path, "unreadable as SQLite");
		return 0;
	}
	if (strncmp(base, "direct.db", 9)) {
		read_msys(&g);
	} else if (!h->db_has_table(g.db, "messages") ||
		   !h->db_has_column(g.db, "messages", "message")) {
		h->not_understood(h, path, "schema not recognised: no messages "
				  "table with a message column");
	} else if (read_direct(&g, dbdir, root) && !g.stop) {
		h->not_understood(h, path, "a query failed: the schema "
				  "differs from what this plugin knows");
	}
	h->db_close(g.db);
	pu_smap_free(&g.threads, ig_thread_free);
	pu_smap_free(&g.users, ig_user_free);
	return 0;
}

static const char *const types[] = { "message", "conversation", "contact",
				     "account", NULL };
static const char *const patterns[] = {
	"*com.instagram.android/databases/direct.db",
	"*databases/direct.db", "ig_msys_database_*[0-9]", NULL,
};

static int run_checked(const struct spoor_host *h, const char *path)
{
	return pu_host_1_2(h) ? run(h, path) : SPOOR_EUNSUPPORTED;
}

const struct spoor_plugin spoor_plugin_instagram_android = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "instagram-android",
	.version = "1.0",
	.description = "Instagram on Android: direct.db messages (JSON), "
		"threads with participants, the account; "
		"ig_msys_database_* contacts",
	.types = types,
	.patterns = patterns,
	.run = run_checked,
};
