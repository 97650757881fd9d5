/*
 * tiktok-im.h: what tiktok-android and tiktok-ios share: the users of
 * the app's user stores by uid (their username and nickname name the
 * senders and the owner), the fields of a message and of the owner's
 * account that come from them, and the read of the messages table with
 * its "not understood" summary.
 *
 * The caller fills struct tk (host, path, owner), reads its user stores
 * into users with tk_user_put, and reads the messages with
 * tk_read_messages, its row callback counting what it cannot read.
 */
#ifndef SPOOR_TIKTOK_IM_H
#define SPOOR_TIKTOK_IM_H

#include "plugutil.h"

struct tk_user {
	char *uid;
	char *username;		/* UNIQUE_ID (Android), customid (iOS) */
	char *nickname;
};

struct tk {
	const struct spoor_host *h;
	const char *path;	/* the file the plugin runs on */
	char owner[32];		/* the owner's uid, "" when unknown */
	struct pu_smap users;	/* uid -> struct tk_user */
	uint64_t no_text;	/* messages without a text the plugin reads */
	uint64_t bad_json;	/* messages whose content is no JSON */
	bool stop;		/* the host asked to stop */
	bool emit_users;	/* tiktok-ios: users read are emitted */
};

static inline void tk_user_free(void *p)
{
	struct tk_user *u = p;

	if (!u)
		return;
	free(u->uid);
	free(u->username);
	free(u->nickname);
	free(u);
}

/* Remember user uid (ul bytes) with its username and nickname; a uid
 * already known keeps the names first read. */
static inline void tk_user_put(struct tk *t, const char *uid, size_t ul,
			       const char *username, size_t unl,
			       const char *nick, size_t nl)
{
	struct tk_user *u;

	if (pu_smap_get(&t->users, uid, ul) || !(u = calloc(1, sizeof(*u))))
		return;
	u->uid = pu_strndup(uid, ul, 64);
	u->username = pu_strndup(username, unl, 256);
	u->nickname = pu_strndup(nick, nl, 512);
	if (!u->uid || !pu_smap_put(&t->users, uid, ul, u))
		tk_user_free(u);
}

/* Start r as a message of chat conv (vl bytes) sent by uid sender (sl
 * bytes, NULL when unknown): its direction against the owner, the
 * sender's names, the owner. */
static inline void tk_message_init(const struct tk *t, struct spoor_record *r,
				   const char *conv, size_t vl,
				   const char *sender, size_t sl)
{
	const struct tk_user *u = sender ? pu_smap_get(&t->users, sender, sl)
		: NULL;
	int mine = -1;

	if (t->owner[0] && sender)
		mine = sl == strlen(t->owner) && !memcmp(sender, t->owner, sl);
	spoor_p_init(r, "message");
	spoor_p_str(r, "app", "tiktok");
	spoor_p_bytes(r, "chat_id", conv, vl);
	pu_direction(r, mine);
	spoor_p_str(r, "sender_id", u ? u->username : NULL);
	spoor_p_bytes(r, "sender_user_id", sender, sl);
	spoor_p_str(r, "sender_name", u ? u->nickname : NULL);
	spoor_p_str(r, "owner_id", t->owner[0] ? t->owner : NULL);
}

/* Start r as the owner's account, its owner known by basis. */
static inline void tk_account_init(const struct tk *t, struct spoor_record *r,
				   const char *basis)
{
	const struct tk_user *u = pu_smap_get(&t->users, t->owner,
					      strlen(t->owner));

	spoor_p_init(r, "account");
	spoor_p_str(r, "app", "tiktok");
	spoor_p_str(r, "account_type", "owner");
	spoor_p_str(r, "user_id", t->owner);
	spoor_p_str(r, "username", u ? u->username : NULL);
	spoor_p_str(r, "name", u ? u->nickname : NULL);
	spoor_p_str(r, "owner_basis", basis);
}

/* Read the messages of db (t->path) by q through row (called with t);
 * a failed query, and the messages row counted in t->no_text and
 * t->bad_json, are said not understood. */
static inline void tk_read_messages(struct tk *t, struct spoor_db *db,
				    const struct pu_select *q, pu_row_fn row)
{
	const struct spoor_host *h = t->h;
	char why[256];

	if (t->stop)
		return;
	if (pu_select_each(h, db, q, row, t) && !t->stop)
		h->not_understood(h, t->path, "a query failed: the schema "
				  "differs from what this plugin knows");
	if (!t->stop && (t->no_text || t->bad_json)) {
		snprintf(why, sizeof(why), "%llu messages without a text this "
			 "plugin reads, %llu whose content is no JSON",
			 (unsigned long long)t->no_text,
			 (unsigned long long)t->bad_json);
		h->not_understood(h, t->path, why);
	}
}

#endif
