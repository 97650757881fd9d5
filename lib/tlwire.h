/*
 * tlwire.h: a bounded reader of Telegram's TL binary serialisation, as
 * Telegram for Android stores it in cache4.db (messages_v2.data,
 * users.data) and in userconfing.xml (the account's own user),
 * header-only so that plugins (which link nothing) and fuzz targets can
 * include it.
 *
 * TL is not self-describing: an object is a 32-bit constructor id and
 * the fields that constructor declares, read in order; flags words say
 * which optional fields are present.  So a constructor can only be read
 * with its exact layout, and an unknown one cannot even be skipped.
 * This reader knows a few layouts, checked against the public schema
 * (kotlogram's generated classes of the API layers): message#38116ee0
 * and message#94345242, messageService#2b085862, user#83314fca, the
 * 64-bit peers, messageFwdHeader#5f777dce and #4e4df4bb,
 * messageReplyHeader#a6d57763 and #afbc09db.  It reads a message up to
 * its text and the constructor of its media (what comes after, entities,
 * views, reactions, is not read), and a user up to its phone.  Anything
 * else is TL_EUNKNOWN with the constructor that stopped it: never
 * guessed.  Every read is bounded by the buffer.
 *
 * Wire format: little-endian int32/int64; a string is one length byte
 * (< 254) or 254 and a 3-byte length, the bytes, then padding to a
 * multiple of 4; a flags word's bit n says whether field flags.n is
 * there; a true flag (flags.n?true) has no bytes of its own.
 */
#ifndef SPOOR_TLWIRE_H
#define SPOOR_TLWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define TL_OK 0
#define TL_EFORMAT (-1)		/* cut short or impossible values */
#define TL_EUNKNOWN (-2)	/* a constructor this reader does not know;
				 * tl_*.stopped_at names it */

/* constructors */
#define TL_MESSAGE_L135 0x38116ee0u
#define TL_MESSAGE_L177 0x94345242u
#define TL_MESSAGE_SERVICE 0x2b085862u
#define TL_USER_L177 0x83314fcau
#define TL_PEER_USER 0x59511722u
#define TL_PEER_CHAT 0x36c6019au
#define TL_PEER_CHANNEL 0xa2a5371eu
#define TL_FWD_L135 0x5f777dceu
#define TL_FWD_L177 0x4e4df4bbu
#define TL_REPLY_L135 0xa6d57763u
#define TL_REPLY_L177 0xafbc09dbu

struct tl_reader {
	const uint8_t *p;
	size_t len, pos;
	bool bad;		/* a read went past the end */
};

static inline uint32_t tl_u32(struct tl_reader *r)
{
	uint32_t v;

	if (r->bad || r->len - r->pos < 4) {
		r->bad = true;
		return 0;
	}
	v = (uint32_t)r->p[r->pos] | (uint32_t)r->p[r->pos + 1] << 8 |
	    (uint32_t)r->p[r->pos + 2] << 16 | (uint32_t)r->p[r->pos + 3] << 24;
	r->pos += 4;
	return v;
}

static inline int64_t tl_i64(struct tl_reader *r)
{
	uint64_t lo = tl_u32(r), hi = tl_u32(r);

	return (int64_t)(lo | hi << 32);
}

/* A TL string or bytes: (*s, *n) inside the buffer. */
static inline void tl_str(struct tl_reader *r, const char **s, size_t *n)
{
	size_t len, head = 1;

	*s = NULL;
	*n = 0;
	if (r->bad || r->pos >= r->len) {
		r->bad = true;
		return;
	}
	len = r->p[r->pos];
	if (len == 254) {
		if (r->len - r->pos < 4) {
			r->bad = true;
			return;
		}
		len = (size_t)r->p[r->pos + 1] | (size_t)r->p[r->pos + 2] << 8 |
		      (size_t)r->p[r->pos + 3] << 16;
		head = 4;
	} else if (len == 255) {
		r->bad = true;
		return;
	}
	if (r->len - r->pos - head < len) {
		r->bad = true;
		return;
	}
	*s = (const char *)r->p + r->pos + head;
	*n = len;
	r->pos += head + len;
	r->pos += (4 - (head + len) % 4) % 4;	/* padding */
	if (r->pos > r->len) {
		r->pos = r->len;
		r->bad = true;
	}
}

enum tl_peer_kind { TL_PEER_NONE, TL_PEER_USER_K, TL_PEER_CHAT_K,
		    TL_PEER_CHANNEL_K };

struct tl_peer {
	int kind;		/* enum tl_peer_kind */
	int64_t id;
};

/* A Peer; false with *stopped set for an unknown constructor. */
static inline bool tl_peer(struct tl_reader *r, struct tl_peer *p,
			   uint32_t *stopped)
{
	uint32_t c = tl_u32(r);

	switch (c) {
	case TL_PEER_USER:
		p->kind = TL_PEER_USER_K;
		break;
	case TL_PEER_CHAT:
		p->kind = TL_PEER_CHAT_K;
		break;
	case TL_PEER_CHANNEL:
		p->kind = TL_PEER_CHANNEL_K;
		break;
	default:
		if (!r->bad)
			*stopped = c;
		return false;
	}
	p->id = tl_i64(r);
	return !r->bad;
}

/* A forward header's origin. */
struct tl_fwd {
	bool set;
	struct tl_peer from;	/* TL_PEER_NONE: hidden */
	const char *from_name;	/* for hidden senders */
	size_t from_name_len;
	int32_t date;		/* of the original, Unix s */
};

/* The fields of both known messageFwdHeader layouts, in order. */
static inline bool tl_fwd(struct tl_reader *r, struct tl_fwd *f,
			  uint32_t *stopped)
{
	uint32_t c = tl_u32(r), fl;
	const char *s;
	size_t n;
	struct tl_peer skip;

	if (c != TL_FWD_L135 && c != TL_FWD_L177) {
		if (!r->bad)
			*stopped = c;
		return false;
	}
	fl = tl_u32(r);
	f->set = true;
	if ((fl & 1) && !tl_peer(r, &f->from, stopped))
		return false;
	if (fl & 32)
		tl_str(r, &f->from_name, &f->from_name_len);
	f->date = (int32_t)tl_u32(r);
	if (fl & 4)
		tl_u32(r);			/* channel_post */
	if (fl & 8)
		tl_str(r, &s, &n);		/* post_author */
	if (fl & 16) {
		if (!tl_peer(r, &skip, stopped))	/* saved_from_peer */
			return false;
		tl_u32(r);			/* saved_from_msg_id */
	}
	if (c == TL_FWD_L177) {
		if ((fl & 256) && !tl_peer(r, &skip, stopped))
			return false;		/* saved_from_id */
		if (fl & 512)
			tl_str(r, &s, &n);	/* saved_from_name */
		if (fl & 1024)
			tl_u32(r);		/* saved_date */
	}
	if (fl & 64)
		tl_str(r, &s, &n);		/* psa_type */
	return !r->bad;
}

/* A reply header: the message replied to.  The newer layout can hold
 * media and entities of a quote, which this reader cannot step over:
 * then TL_EUNKNOWN with stopped = the header's constructor. */
static inline bool tl_reply(struct tl_reader *r, bool *set, int32_t *msg_id,
			    uint32_t *stopped)
{
	uint32_t c = tl_u32(r), fl;
	struct tl_peer skip;
	struct tl_fwd fwd;
	const char *s;
	size_t n;

	if (c != TL_REPLY_L135 && c != TL_REPLY_L177) {
		if (!r->bad)
			*stopped = c;
		return false;
	}
	fl = tl_u32(r);
	*set = true;
	if (c == TL_REPLY_L135) {
		*msg_id = (int32_t)tl_u32(r);
		if ((fl & 1) && !tl_peer(r, &skip, stopped))
			return false;
		if (fl & 2)
			tl_u32(r);		/* reply_to_top_id */
		return !r->bad;
	}
	*msg_id = (fl & 16) ? (int32_t)tl_u32(r) : 0;
	if ((fl & 1) && !tl_peer(r, &skip, stopped))
		return false;
	memset(&fwd, 0, sizeof(fwd));
	if ((fl & 32) && !tl_fwd(r, &fwd, stopped))	/* reply_from */
		return false;
	if (fl & (256 | 128)) {		/* reply_media, quote_entities */
		*stopped = c;
		return false;
	}
	if (fl & 2)
		tl_u32(r);			/* reply_to_top_id */
	if (fl & 64)
		tl_str(r, &s, &n);		/* quote_text */
	if (fl & 1024)
		tl_u32(r);			/* quote_offset */
	return !r->bad;
}

/* Media and service actions by constructor (name only; their bodies
 * are not read).  NULL: not known to this reader. */
static inline const char *tl_media_kind(uint32_t c)
{
	switch (c) {
	case 0x3ded6320u: return "empty";
	case 0x695150d7u: return "photo";
	case 0x9cb070d7u: return "document";
	case 0x56e0d474u: return "geo";
	case 0xb940c666u: return "live_location";
	case 0x2ec0533fu: return "venue";
	case 0x70322949u: return "contact";
	case 0x4bd6e798u: return "poll";
	case 0x3f7ee58bu: return "dice";
	case 0xfdb19008u: return "game";
	case 0x84551347u: return "invoice";
	case 0xa32dd600u: return "webpage";
	case 0x9f84f49eu: return "unsupported";
	default: return NULL;
	}
}

static inline const char *tl_action_kind(uint32_t c)
{
	switch (c) {
	case 0xb6aef7b0u: return "empty";
	case 0xbd47cbadu: return "chat_create";
	case 0xb5a1ce5au: return "chat_edit_title";
	case 0x7fcb13a8u: return "chat_edit_photo";
	case 0x95e3fbefu: return "chat_delete_photo";
	case 0x15cefd00u: return "chat_add_user";
	case 0xa43f30ccu: return "chat_delete_user";
	case 0x031224c3u: return "chat_joined_by_link";
	case 0xebbca3cbu: return "chat_joined_by_request";
	case 0x95d2ac92u: return "channel_create";
	case 0xe1037f92u: return "chat_migrate_to";
	case 0xea3948e9u: return "channel_migrate_from";
	case 0x94bd38edu: return "pin_message";
	case 0x9fbab604u: return "history_clear";
	case 0x92a72876u: return "game_score";
	case 0x8f31b327u: return "payment_sent_me";
	case 0x40699cd0u: return "payment_sent";
	case 0x80e11a7fu: return "phone_call";
	case 0x4792929bu: return "screenshot_taken";
	case 0xfae69f56u: return "custom_action";
	case 0xabe9affeu: return "bot_allowed";
	case 0x1b287353u: return "secure_values_sent_me";
	case 0xd95c6154u: return "secure_values_sent";
	case 0xf3f25f76u: return "contact_sign_up";
	case 0x98e0d697u: return "geo_proximity_reached";
	case 0x7a0d7f42u: return "group_call";
	case 0x502f92f7u: return "invite_to_group_call";
	case 0xaa1afbfdu: return "set_messages_ttl";
	case 0xb3a07661u: return "group_call_scheduled";
	case 0xaa786345u: return "set_chat_theme";
	default: return NULL;
	}
}

enum tl_msg_kind { TL_MSG_TEXT = 1, TL_MSG_SERVICE_K = 2 };

struct tl_message {
	uint32_t constructor;
	uint32_t stopped_at;	/* TL_EUNKNOWN: the constructor met */
	int kind;		/* enum tl_msg_kind */
	uint32_t flags, flags2;
	bool out;		/* flags.1: sent by the account */
	int32_t id;
	struct tl_peer from;	/* TL_PEER_NONE when not stored */
	struct tl_peer peer;	/* the chat */
	struct tl_fwd fwd;
	int64_t via_bot_id;
	bool has_reply;
	int32_t reply_to_msg_id;
	int32_t date;		/* Unix s */
	const char *text;	/* inside the buffer, not NUL-ended */
	size_t text_len;
	bool has_media;
	uint32_t media;		/* its constructor */
	const char *media_kind;	/* NULL: not known */
	uint32_t action;	/* service messages: its constructor */
	const char *action_kind;	/* NULL: not known */
	const char *action_title;	/* chat_create, chat_edit_title */
	size_t action_title_len;
};

/*
 * Decode a Message.  TL_OK with m filled as far as the layout goes
 * (text and media constructor for a message, action for a service
 * message); TL_EUNKNOWN with m->stopped_at when a constructor on the way
 * is not known (m keeps what came before); TL_EFORMAT when the bytes end
 * too early.
 */
static inline int tl_message_decode(const uint8_t *p, size_t len,
				    struct tl_message *m)
{
	struct tl_reader r = { p, len, 0, false };
	uint32_t c, fl, fl2 = 0;
	bool l177;

	memset(m, 0, sizeof(*m));
	c = tl_u32(&r);
	if (r.bad)
		return TL_EFORMAT;
	m->constructor = c;
	if (c != TL_MESSAGE_L135 && c != TL_MESSAGE_L177 &&
	    c != TL_MESSAGE_SERVICE) {
		m->stopped_at = c;
		return TL_EUNKNOWN;
	}
	l177 = c == TL_MESSAGE_L177;
	m->kind = c == TL_MESSAGE_SERVICE ? TL_MSG_SERVICE_K : TL_MSG_TEXT;
	fl = m->flags = tl_u32(&r);
	if (l177)
		fl2 = m->flags2 = tl_u32(&r);
	m->out = (fl & 2) != 0;
	m->id = (int32_t)tl_u32(&r);
	if ((fl & 256) && !tl_peer(&r, &m->from, &m->stopped_at))
		goto stop;
	if (l177 && (fl & (1u << 29)))
		tl_u32(&r);			/* from_boosts_applied */
	if (!tl_peer(&r, &m->peer, &m->stopped_at))
		goto stop;
	if (m->kind == TL_MSG_TEXT) {
		struct tl_peer saved;

		if (l177 && (fl & (1u << 28)) &&
		    !tl_peer(&r, &saved, &m->stopped_at))
			goto stop;
		if ((fl & 4) && !tl_fwd(&r, &m->fwd, &m->stopped_at))
			goto stop;
		if (fl & 2048)
			m->via_bot_id = tl_i64(&r);
		if (l177 && (fl2 & 1))
			tl_i64(&r);		/* via_business_bot_id */
	}
	if ((fl & 8) && !tl_reply(&r, &m->has_reply, &m->reply_to_msg_id,
				  &m->stopped_at))
		goto stop;
	m->date = (int32_t)tl_u32(&r);
	if (m->kind == TL_MSG_SERVICE_K) {
		m->action = tl_u32(&r);
		if (r.bad)
			return TL_EFORMAT;
		m->action_kind = tl_action_kind(m->action);
		if (m->action == 0xbd47cbadu || m->action == 0xb5a1ce5au)
			tl_str(&r, &m->action_title, &m->action_title_len);
		return r.bad ? TL_EFORMAT : TL_OK;
	}
	tl_str(&r, &m->text, &m->text_len);
	if (fl & 512) {
		m->has_media = true;
		m->media = tl_u32(&r);
		m->media_kind = tl_media_kind(m->media);
	}
	return r.bad ? TL_EFORMAT : TL_OK;
stop:
	return r.bad ? TL_EFORMAT : TL_EUNKNOWN;
}

struct tl_user {
	uint32_t constructor;
	uint32_t stopped_at;
	uint32_t flags;
	bool self, contact, mutual_contact, deleted, bot;
	int64_t id;
	const char *first_name, *last_name, *username, *phone;
	size_t first_name_len, last_name_len, username_len, phone_len;
};

/* Decode a User up to its phone (user#83314fca). */
static inline int tl_user_decode(const uint8_t *p, size_t len,
				 struct tl_user *u)
{
	struct tl_reader r = { p, len, 0, false };
	uint32_t fl;

	memset(u, 0, sizeof(*u));
	u->constructor = tl_u32(&r);
	if (r.bad)
		return TL_EFORMAT;
	if (u->constructor != TL_USER_L177) {
		u->stopped_at = u->constructor;
		return TL_EUNKNOWN;
	}
	fl = u->flags = tl_u32(&r);
	tl_u32(&r);				/* flags2 */
	u->self = (fl & 1024) != 0;
	u->contact = (fl & 2048) != 0;
	u->mutual_contact = (fl & 4096) != 0;
	u->deleted = (fl & 8192) != 0;
	u->bot = (fl & 16384) != 0;
	u->id = tl_i64(&r);
	if (fl & 1)
		tl_i64(&r);			/* access_hash */
	if (fl & 2)
		tl_str(&r, &u->first_name, &u->first_name_len);
	if (fl & 4)
		tl_str(&r, &u->last_name, &u->last_name_len);
	if (fl & 8)
		tl_str(&r, &u->username, &u->username_len);
	if (fl & 16)
		tl_str(&r, &u->phone, &u->phone_len);
	return r.bad ? TL_EFORMAT : TL_OK;
}

#endif
