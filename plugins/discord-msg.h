/*
 * discord-msg.h: Discord message objects as the apps cache them, shared
 * by discord-android and discord-ios.
 *
 * The kv-storage database (files/kv-storage/@account.<id>/a on Android,
 * Library/Caches/kv-storage/@account.<id>/a on iOS; ALEAPP and iLEAPP
 * discordChats.py) has a table messages0 whose value (the data column,
 * on Android ALEAPP's column 6) is JSON, on iOS behind one leading byte:
 * {channelId, id, message: {...}}.  The message is an object of Discord's
 * public API ("Message" in discord.com/developers/docs/resources/message):
 * id, channel_id, author {id, username, global_name, bot}, content,
 * timestamp and edited_timestamp (ISO 8601 with an offset), type,
 * attachments [{id, filename, size, url, proxy_url, content_type}],
 * message_reference {message_id}.  The account is the id in the
 * "@account.<id>" folder name.
 */
#ifndef SPOOR_DISCORD_MSG_H
#define SPOOR_DISCORD_MSG_H

#include "plugutil.h"
#include "jsonutil.h"

#define DC_ATT_MAX 16

struct dc {
	const struct spoor_host *h;
	const char *path;
	char owner[32];		/* "" when unknown */
	uint64_t bad_json, unknown_type, no_message;
	int64_t first_type;
	bool stop;
};

/* Message types of the API whose meaning is documented; NULL: not read
 * (kept raw and counted). */
static inline const char *dc_kind(int64_t t)
{
	switch (t) {
	case 0: return "text";
	case 1: return "recipient_add";
	case 2: return "recipient_remove";
	case 3: return "call";
	case 4: return "channel_name_change";
	case 5: return "channel_icon_change";
	case 6: return "pin";
	case 7: return "member_join";
	case 19: return "reply";
	default: return NULL;
	}
}

/* The JSON of a stored value: after one leading byte that is not '{'
 * (the iOS store's), NULL when it is none. */
static inline json_object *dc_parse(const char *p, size_t len)
{
	if (!p || !len)
		return NULL;
	if (p[0] != '{' && p[0] != '[' && len > 1)
		return pj_parse(p + 1, len - 1);
	return pj_parse(p, len);
}

/*
 * Emit the message object m (a store's value or a cached REST response
 * element), with prov and extra provenance already set by the caller.
 * channel: the store's channelId when the object lacks channel_id.
 */
static inline void dc_emit(struct dc *d, json_object *m, const char *channel,
			   struct spoor_prov *prov, const char *pointer)
{
	const struct spoor_host *h = d->h;
	struct spoor_record r, att[DC_ATT_MAX];
	json_object *a = pj_at(m, "attachments");
	const char *author = pj_str(m, "author.id", NULL);
	const char *ts = pj_str(m, "timestamp", NULL);
	const char *ed = pj_str(m, "edited_timestamp", NULL);
	const char *name = pj_str(m, "author.global_name", NULL);
	size_t na = 0, total = 0;
	int64_t type = 0;
	bool have_type = pj_int(m, "type", &type), bot = false;
	int mine = -1;

	if (have_type && !dc_kind(type)) {
		if (!d->unknown_type++)
			d->first_type = type;
	}
	if (d->owner[0] && author)
		mine = !strcmp(author, d->owner);
	spoor_p_init(&r, "message");
	spoor_p_str(&r, "app", "discord");
	if (pointer)
		spoor_p_str(&r, "json_pointer", pointer);
	spoor_p_str(&r, "chat_id", pj_str(m, "channel_id", NULL) ?
		    pj_str(m, "channel_id", NULL) : channel);
	pu_direction(&r, mine);
	spoor_p_str(&r, "sender_id", author);
	spoor_p_str(&r, "sender_username", pj_str(m, "author.username", NULL));
	spoor_p_str(&r, "sender_name", name ? name :
		    pj_str(m, "author.username", NULL));
	if (pj_bool(m, "author.bot", &bot))
		spoor_p_bool(&r, "sender_bot", bot);
	spoor_p_str(&r, "owner_id", d->owner[0] ? d->owner : NULL);
	pu_time_iso(&r, "time", "time_raw", "time_unit", ts,
		    ts ? strlen(ts) : 0);
	if (ed)
		pu_time_iso(&r, "edited_time", "edited_time_raw",
			    "edited_time_unit", ed, strlen(ed));
	spoor_p_str(&r, "kind", have_type ? dc_kind(type) : "text");
	if (have_type)
		spoor_p_int(&r, "kind_raw", type);
	else
		spoor_p_null(&r, "kind_raw");
	spoor_p_str(&r, "text", pj_str(m, "content", NULL));
	spoor_p_str(&r, "message_id", pj_str(m, "id", NULL));
	spoor_p_str(&r, "reply_to_message_id",
		    pj_str(m, "message_reference.message_id", NULL));
	for (size_t i = 0; a && json_object_is_type(a, json_type_array) &&
	     i < json_object_array_length(a); i++) {
		json_object *x = json_object_array_get_idx(a, i);
		int64_t size;

		total++;
		if (na == DC_ATT_MAX)
			continue;
		spoor_p_init(&att[na], "attachment");
		spoor_p_str(&att[na], "name", pj_str(x, "filename", NULL));
		spoor_p_str(&att[na], "mime", pj_str(x, "content_type", NULL));
		if (pj_int(x, "size", &size))
			spoor_p_int(&att[na], "size", size);
		else
			spoor_p_null(&att[na], "size");
		spoor_p_str(&att[na], "url", pj_str(x, "url", NULL));
		spoor_p_str(&att[na], "proxy_url", pj_str(x, "proxy_url",
							   NULL));
		na++;
	}
	spoor_p_list(&r, "attachments", att, na);
	spoor_p_int(&r, "attachment_count", (int64_t)total);
	if (h->emit(h, &r, prov))
		d->stop = true;
}

/* ---- the kv-storage database ---- */

static inline int dc_kv_row(const struct spoor_host *h,
			    struct spoor_stmt *st, struct spoor_prov *prov,
			    void *ctx)
{
	struct dc *d = ctx;
	size_t len;
	const char *p = pu_text(h, st, 1, &len);
	json_object *o = dc_parse(p, len), *m;

	if (!o) {
		d->bad_json++;
		return 0;
	}
	m = pj_at(o, "message");
	if (!m && pj_at(o, "author"))
		m = o;
	if (!m)
		d->no_message++;
	else
		dc_emit(d, m, pj_str(o, "channelId", NULL), prov, NULL);
	json_object_put(o);
	return d->stop;
}

/* The owner from the "@account.<id>" folder of path. */
static inline void dc_owner(struct dc *d, const char *path)
{
	const char *a = strstr(path, "@account.");
	size_t n;

	d->owner[0] = '\0';
	if (!a)
		return;
	a += 9;
	n = strspn(a, "0123456789");
	if (n && n < sizeof(d->owner) && (a[n] == '/' || !a[n])) {
		memcpy(d->owner, a, n);
		d->owner[n] = '\0';
	}
}

static inline void dc_account(struct dc *d)
{
	struct spoor_prov prov = { NULL, NULL, -1, -1, NULL };
	struct spoor_record r;

	if (!d->owner[0])
		return;
	spoor_p_init(&r, "account");
	spoor_p_str(&r, "app", "discord");
	spoor_p_str(&r, "account_type", "owner");
	spoor_p_str(&r, "user_id", d->owner);
	spoor_p_str(&r, "owner_basis", "kv-storage/@account.<id> folder name");
	if (d->h->emit(d->h, &r, &prov))
		d->stop = true;
}

static inline void dc_report(struct dc *d)
{
	char why[256];

	if (d->bad_json || d->no_message) {
		snprintf(why, sizeof(why), "%llu stored values that are no "
			 "JSON, %llu without a message object",
			 (unsigned long long)d->bad_json,
			 (unsigned long long)d->no_message);
		d->h->not_understood(d->h, d->path, why);
	}
	if (d->unknown_type) {
		snprintf(why, sizeof(why), "%llu messages of types this "
			 "plugin does not know (first: %lld): kept raw",
			 (unsigned long long)d->unknown_type,
			 (long long)d->first_type);
		d->h->not_understood(d->h, d->path, why);
	}
}

/* Read the kv-storage database "a" at d->path. */
static inline void dc_read_kv(struct dc *d)
{
	static const char *const cols[] = { "data", NULL };
	const struct spoor_host *h = d->h;
	struct spoor_db *db = h->db_open(h, d->path);
	struct pu_select q = { "messages0", "m", "rowid", cols, NULL, NULL,
			       NULL, true };

	dc_owner(d, d->path);
	if (!db) {
		h->not_understood(h, d->path, "unreadable as SQLite");
		return;
	}
	if (!h->db_has_table(db, "messages0")) {
		h->not_understood(h, d->path, "schema not recognised: no "
				  "messages0 table");
		h->db_close(db);
		return;
	}
	if (!h->db_has_column(db, "messages0", "data")) {
		h->not_understood(h, d->path, "schema not recognised: "
				  "messages0 has no data column");
		h->db_close(db);
		return;
	}
	dc_account(d);
	if (!d->stop && pu_select_each(h, db, &q, dc_kv_row, d) && !d->stop)
		h->not_understood(h, d->path, "a query failed: the schema "
				  "differs from what this plugin knows");
	if (!d->stop)
		dc_report(d);
	h->db_close(db);
}

#endif
