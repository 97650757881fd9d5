/*
 * telegram-android: Telegram for Android (org.telegram.messenger and its
 * builds), files/cache4.db (account 0) or files/account<N>/cache4.db.
 *
 *   messages_v2    mid, uid (the dialog), date, out, read_state and a TL
 *                  Message in data: decoded by lib/tlwire.h (text, sender,
 *                  peer, forward origin, reply-to, media kind, service
 *                  action) for the constructors it knows; any other is
 *                  counted as not understood, its row still reported
 *   users          uid, name ("name;;;username", lower case, the app's
 *                  search key) and a TL User in data (names, username,
 *                  phone): contacts, and the senders' names
 *   chats          uid, name: chat titles as the app stores them
 *   dialogs        did, date: one conversation record per dialog
 *   user_contacts_v7, user_phones_v7
 *                  the address book the app imported: contacts
 *   shared_prefs/userconfing.xml (account 0), userconfig<N>.xml
 *                  "user": the account's own TL User in base64, the owner
 *
 * Facts from ALEAPP's telegramAndroid.py and docs/artifacts.md 3.12;
 * TL layouts from the public schema (see tlwire.h).  Media files are
 * not linked (their names are derived from ids inside the media object,
 * which is not read).
 */
#include "plugutil.h"
#include "tlwire.h"

#include "banned.h"

#define TG_PREFS_MAX ((size_t)4 << 20)
#define TG_USER_MAX 65536	/* bytes of one base64-decoded user */

struct tg_user {
	int64_t id;
	char *name;		/* "first last" */
	char *username;
	char *phone;
};

struct tg {
	const struct spoor_host *h;
	const char *path;
	struct spoor_db *db;
	int64_t owner;		/* 0: unknown */
	char owner_s[24];
	struct pu_imap users;	/* id -> struct tg_user */
	struct pu_imap chats;	/* dialog id -> char * title */
	bool stop;
	uint64_t unknown, damaged, unknown_media, unknown_action;
	uint32_t first_unknown;
};

static void tg_user_free(void *p)
{
	struct tg_user *u = p;

	if (!u)
		return;
	free(u->name);
	free(u->username);
	free(u->phone);
	free(u);
}

static char *name_of(const struct tl_user *u)
{
	size_t n = u->first_name_len + u->last_name_len + 2;
	char *s;

	if (!u->first_name && !u->last_name)
		return NULL;
	if (n > 1024 || !(s = malloc(n)))
		return NULL;
	snprintf(s, n, "%.*s%s%.*s", (int)u->first_name_len,
		 u->first_name ? u->first_name : "",
		 u->first_name && u->last_name ? " " : "",
		 (int)u->last_name_len, u->last_name ? u->last_name : "");
	return s;
}

static void remember(struct tg *t, const struct tl_user *u)
{
	struct tg_user *x;

	if (pu_imap_get(&t->users, u->id) || !(x = calloc(1, sizeof(*x))))
		return;
	x->id = u->id;
	x->name = name_of(u);
	x->username = pu_strndup(u->username, u->username_len, 256);
	x->phone = pu_strndup(u->phone, u->phone_len, 64);
	if (!pu_imap_put(&t->users, u->id, x))
		tg_user_free(x);
}

/* A user's fields into r; ph and num must live until the emit. */
static void user_fields(const struct spoor_host *h, struct spoor_record *r,
			const struct tl_user *u, struct spoor_phone *ph,
			char *num, size_t size)
{
	spoor_p_bytes(r, "first_name", u->first_name, u->first_name_len);
	spoor_p_bytes(r, "last_name", u->last_name, u->last_name_len);
	spoor_p_bytes(r, "username", u->username, u->username_len);
	spoor_p_bytes(r, "phone_raw", u->phone, u->phone_len);
	/* Telegram stores the international number without its "+" */
	memset(ph, 0, sizeof(*ph));
	if (u->phone && u->phone_len && u->phone_len + 2 < size &&
	    !memchr(u->phone, '\0', u->phone_len)) {
		snprintf(num, size, "+%.*s", (int)u->phone_len, u->phone);
		h->phone(h, num, NULL, ph);
	}
	pu_phone(r, "phone", ph);
}

/* ---- the owner: userconfing.xml ---- */

static void owner(struct tg *t, const char *prefs)
{
	const struct spoor_host *h = t->h;
	struct spoor_prov prov = { NULL, NULL, -1, -1, NULL };
	struct spoor_record r;
	struct spoor_phone ph;
	struct tl_user u;
	unsigned char *bin;
	char *buf, *b64, num[64], idbuf[24];
	size_t len = 0;
	long n;
	bool cut;

	if (!h->exists(h, prefs) ||
	    !(buf = h->read_file(h, prefs, TG_PREFS_MAX, &len)))
		return;
	b64 = malloc(4 * TG_USER_MAX / 3 + 8);
	bin = malloc(TG_USER_MAX);
	if (!b64 || !bin ||
	    !pu_prefs_get(buf, len, "user", b64, 4 * TG_USER_MAX / 3 + 8,
			  &cut) || cut || !b64[0]) {
		free(b64);
		free(bin);
		h->free_buf(h, buf);
		return;
	}
	h->free_buf(h, buf);
	n = pu_base64(b64, strlen(b64), bin, TG_USER_MAX);
	free(b64);
	if (n <= 0 || tl_user_decode(bin, (size_t)n, &u) != TL_OK) {
		h->not_understood(h, prefs, "the account's \"user\" is no TL "
				  "User this plugin knows");
		free(bin);
		return;
	}
	t->owner = u.id;
	snprintf(t->owner_s, sizeof(t->owner_s), "%lld", (long long)u.id);
	remember(t, &u);
	prov.source_path = prefs;
	snprintf(idbuf, sizeof(idbuf), "%lld", (long long)u.id);
	spoor_p_init(&r, "account");
	spoor_p_str(&r, "app", "telegram");
	spoor_p_str(&r, "account_type", "owner");
	spoor_p_str(&r, "user_id", idbuf);
	user_fields(h, &r, &u, &ph, num, sizeof(num));
	spoor_p_str(&r, "owner_basis", "userconfing.xml user");
	if (h->emit(h, &r, &prov))
		t->stop = true;
	free(bin);
}

/* ---- users, chats ---- */

static int user_row(const struct spoor_host *h, struct spoor_stmt *st,
		    struct spoor_prov *prov, void *ctx)
{
	struct tg *t = ctx;
	struct spoor_record r;
	struct spoor_phone ph = { "", "", NULL, false, 0 };
	struct tl_user u;
	size_t dl, nl;
	const uint8_t *d = (const uint8_t *)pu_text(h, st, 3, &dl);
	const char *nm = pu_text(h, st, 1, &nl);
	char num[64], idbuf[24], c[16];	/* c lives until the emit */
	int rc = d ? tl_user_decode(d, dl, &u) : TL_EFORMAT;

	snprintf(idbuf, sizeof(idbuf), "%lld",
		 (long long)h->col_int(st, 0));
	spoor_p_init(&r, "contact");
	spoor_p_str(&r, "app", "telegram");
	spoor_p_str(&r, "kind", "user");
	spoor_p_str(&r, "user_id", idbuf);
	spoor_p_bytes(&r, "search_name", nm, nl);
	if (rc == TL_OK) {
		user_fields(h, &r, &u, &ph, num, sizeof(num));
		spoor_p_bool(&r, "contact", u.contact);
		spoor_p_bool(&r, "deleted", u.deleted);
		spoor_p_bool(&r, "bot", u.bot);
		remember(t, &u);
	} else {
		snprintf(c, sizeof(c), "0x%08x", rc == TL_EUNKNOWN ?
			 u.stopped_at : 0);
		spoor_p_str(&r, "tl_not_understood", c);
		if (rc == TL_EUNKNOWN)
			t->unknown++;
		else
			t->damaged++;
		if (rc == TL_EUNKNOWN && !t->first_unknown)
			t->first_unknown = u.stopped_at;
	}
	spoor_p_bool(&r, "owner", t->owner && h->col_int(st, 0) == t->owner);
	if (h->emit(h, &r, prov))
		t->stop = true;
	return t->stop;
}

static int chat_row(const struct spoor_host *h, struct spoor_stmt *st,
		    struct spoor_prov *prov, void *ctx)
{
	struct tg *t = ctx;
	size_t nl;
	const char *nm = pu_text(h, st, 1, &nl);
	char *s = nm ? pu_strndup(nm, nl, 1024) : NULL;

	(void)prov;
	/* chats are stored by positive id; their dialogs are negative */
	if (s && !pu_imap_put(&t->chats, -h->col_int(st, 0), s))
		free(s);
	return 0;
}

/* The address book the app imported: user_contacts_v7 + phones. */
static int book_row(const struct spoor_host *h, struct spoor_stmt *st,
		    struct spoor_prov *prov, void *ctx)
{
	struct tg *t = ctx;
	struct spoor_record r;
	struct spoor_phone ph = { "", "", NULL, false, 0 };
	size_t fl, sl, pl, kl;
	const char *k = pu_text(h, st, 1, &kl);
	const char *f = pu_text(h, st, 2, &fl);
	const char *s = pu_text(h, st, 3, &sl);
	const char *p = pu_text(h, st, 5, &pl);
	char num[64], idbuf[24];

	spoor_p_init(&r, "contact");
	spoor_p_str(&r, "app", "telegram");
	spoor_p_str(&r, "kind", "address_book");
	spoor_p_bytes(&r, "key", k, kl);
	spoor_p_bytes(&r, "first_name", f, fl);
	spoor_p_bytes(&r, "last_name", s, sl);
	spoor_p_bytes(&r, "phone_raw", p, pl);
	if (p && pl && pl < sizeof(num) - 1 && !memchr(p, '\0', pl)) {
		memcpy(num, p, pl);
		num[pl] = '\0';
		h->phone(h, num, h->option(h, "cc"), &ph);
	}
	pu_phone(&r, "phone", &ph);
	snprintf(idbuf, sizeof(idbuf), "%lld", (long long)h->col_int(st, 4));
	spoor_p_str(&r, "user_id", pu_is_null(h, st, 4) ||
		    !h->col_int(st, 4) ? NULL : idbuf);
	if (h->emit(h, &r, prov))
		t->stop = true;
	return t->stop;
}

/* ---- messages ---- */

static const char *peer_kind(int k)
{
	switch (k) {
	case TL_PEER_USER_K: return "private";
	case TL_PEER_CHAT_K: return "group";
	case TL_PEER_CHANNEL_K: return "channel";
	default: return NULL;
	}
}

static int msg_row(const struct spoor_host *h, struct spoor_stmt *st,
		   struct spoor_prov *prov, void *ctx)
{
	struct tg *t = ctx;
	struct spoor_record r;
	struct tl_message m;
	size_t dl;
	const uint8_t *d = (const uint8_t *)pu_text(h, st, 4, &dl);
	int64_t uid = h->col_int(st, 2), sender = 0;
	int rc = d ? tl_message_decode(d, dl, &m) : TL_EFORMAT;
	bool ok = rc == TL_OK, out_col = !pu_is_null(h, st, 5);
	int mine = out_col ? h->col_int(st, 5) != 0 : ok ? m.out : -1;
	const struct tg_user *su;
	const char *chat = pu_imap_get(&t->chats, uid);
	const struct tg_user *cu = uid > 0 ? pu_imap_get(&t->users, uid)
		: NULL;
	char chat_s[24], sender_s[24], ctor[16], media[16], fwd[24];

	if (!ok && rc == TL_EUNKNOWN) {
		t->unknown++;
		if (!t->first_unknown)
			t->first_unknown = m.stopped_at;
	} else if (!ok) {
		t->damaged++;
	}
	snprintf(chat_s, sizeof(chat_s), "%lld", (long long)uid);
	/* the sender: from_id, else the other side of a private chat, else
	 * the owner for what the owner sent */
	if (ok && m.from.kind == TL_PEER_USER_K)
		sender = m.from.id;
	else if (ok && mine == 0 && m.peer.kind == TL_PEER_USER_K)
		sender = m.peer.id;
	else if (mine == 1)
		sender = t->owner;
	snprintf(sender_s, sizeof(sender_s), "%lld", (long long)sender);
	su = sender ? pu_imap_get(&t->users, sender) : NULL;
	spoor_p_init(&r, "message");
	spoor_p_str(&r, "app", "telegram");
	spoor_p_str(&r, "chat_id", chat_s);
	spoor_p_str(&r, "chat_name", chat ? chat : cu ? cu->name : NULL);
	spoor_p_str(&r, "chat_type", ok ? peer_kind(m.peer.kind) : NULL);
	pu_direction(&r, mine);
	spoor_p_str(&r, "sender_id", sender ? sender_s : NULL);
	spoor_p_str(&r, "sender_name", su ? su->name : NULL);
	spoor_p_str(&r, "sender_username", su ? su->username : NULL);
	spoor_p_str(&r, "owner_id", t->owner ? t->owner_s : NULL);
	pu_time_div(&r, "time", "time_raw", "time_unit",
		    ok ? m.date : h->col_int(st, 3),
		    ok || !pu_is_null(h, st, 3), 1, "unix_s");
	spoor_p_int(&r, "message_id", h->col_int(st, 1));
	snprintf(ctor, sizeof(ctor), "0x%08x", ok ? m.constructor :
		 rc == TL_EUNKNOWN ? m.stopped_at : 0);
	spoor_p_str(&r, "tl_constructor", ctor);
	spoor_p_bool(&r, "decoded", ok);
	if (!ok) {
		spoor_p_null(&r, "kind");
		spoor_p_null(&r, "text");
	} else if (m.kind == TL_MSG_SERVICE_K) {
		snprintf(media, sizeof(media), "0x%08x", m.action);
		spoor_p_str(&r, "kind", "service");
		spoor_p_null(&r, "text");
		spoor_p_str(&r, "action", m.action_kind);
		spoor_p_str(&r, "action_raw", media);
		spoor_p_bytes(&r, "action_title", m.action_title,
			      m.action_title_len);
		if (!m.action_kind)
			t->unknown_action++;
	} else {
		spoor_p_str(&r, "kind", m.has_media ? "media" : "text");
		spoor_p_bytes(&r, "text", m.text, m.text_len);
		if (m.has_media) {
			snprintf(media, sizeof(media), "0x%08x", m.media);
			spoor_p_str(&r, "media_kind", m.media_kind);
			spoor_p_str(&r, "media_raw", media);
			if (!m.media_kind)
				t->unknown_media++;
		}
	}
	if (ok && m.fwd.set) {
		spoor_p_bool(&r, "forwarded", true);
		snprintf(fwd, sizeof(fwd), "%lld", (long long)m.fwd.from.id);
		spoor_p_str(&r, "forwarded_from_id", m.fwd.from.kind ==
			    TL_PEER_USER_K ? fwd : NULL);
		spoor_p_bytes(&r, "forwarded_from_name", m.fwd.from_name,
			      m.fwd.from_name_len);
		pu_time_div(&r, "forwarded_time", "forwarded_time_raw",
			    "forwarded_time_unit", m.fwd.date, true, 1,
			    "unix_s");
	}
	if (ok && m.has_reply)
		spoor_p_int(&r, "reply_to_message_id", m.reply_to_msg_id);
	if (pu_is_null(h, st, 6))
		spoor_p_null(&r, "read_state_raw");
	else
		spoor_p_int(&r, "read_state_raw", h->col_int(st, 6));
	if (h->emit(h, &r, prov))
		t->stop = true;
	return t->stop;
}

/* One conversation record per dialog. */
static int dialog_row(const struct spoor_host *h, struct spoor_stmt *st,
		      struct spoor_prov *prov, void *ctx)
{
	struct tg *t = ctx;
	struct spoor_record r;
	int64_t did = h->col_int(st, 1);
	const char *chat = pu_imap_get(&t->chats, did);
	const struct tg_user *u = did > 0 ? pu_imap_get(&t->users, did)
		: NULL;
	struct pu_parts parts;
	char id[24];

	memset(&parts, 0, sizeof(parts));
	snprintf(id, sizeof(id), "%lld", (long long)did);
	spoor_p_init(&r, "conversation");
	spoor_p_str(&r, "app", "telegram");
	spoor_p_str(&r, "chat_id", id);
	spoor_p_str(&r, "chat_name", chat ? chat : u ? u->name : NULL);
	if (u) {	/* a private chat: the owner and the other side */
		if (t->owner)
			pu_parts_add(&parts, t->owner_s, NULL, NULL, 1);
		pu_parts_add(&parts, id, u->username, u->name, 0);
	}
	pu_parts_fields(&r, &parts);
	pu_time_div(&r, "last_time", "last_time_raw", "last_time_unit",
		    h->col_int(st, 2), !pu_is_null(h, st, 2), 1, "unix_s");
	if (pu_is_null(h, st, 3))
		spoor_p_null(&r, "unread_count");
	else
		spoor_p_int(&r, "unread_count", h->col_int(st, 3));
	if (h->emit(h, &r, prov))
		t->stop = true;
	return t->stop;
}

static void report(struct tg *t)
{
	char why[256];

	if (t->unknown) {
		snprintf(why, sizeof(why), "%llu rows hold TL constructors "
			 "this plugin does not know (first: 0x%08x): their "
			 "content was not read", (unsigned long long)t->unknown,
			 t->first_unknown);
		t->h->not_understood(t->h, t->path, why);
	}
	if (t->damaged) {
		snprintf(why, sizeof(why), "%llu TL blobs end before their "
			 "fields do", (unsigned long long)t->damaged);
		t->h->not_understood(t->h, t->path, why);
	}
	if (t->unknown_media || t->unknown_action) {
		snprintf(why, sizeof(why), "%llu media and %llu service "
			 "actions of kinds this plugin does not know (kept "
			 "raw)", (unsigned long long)t->unknown_media,
			 (unsigned long long)t->unknown_action);
		t->h->not_understood(t->h, t->path, why);
	}
}

static int read_db(struct tg *t)
{
	static const char *const ucols[] = { "name", "status", "data", NULL };
	static const char *const ccols[] = { "name", NULL };
	static const char *const bcols[] = { "key", "fname", "sname", "uid",
					     NULL };
	static const char *const mcols[] = { "mid", "uid", "date", "data",
					     "out", "read_state", NULL };
	static const char *const dcols[] = { "did", "date", "unread_count",
					     NULL };
	const struct spoor_host *h = t->h;
	struct spoor_db *db = t->db;
	struct pu_select q = { 0 };
	int rc = 0;

	if (h->db_has_table(db, "users")) {
		q = (struct pu_select){ "users", "u", "uid", ucols, NULL, NULL,
					NULL, true };
		rc |= pu_select_each(h, db, &q, user_row, t);
	}
	if (!t->stop && h->db_has_table(db, "chats")) {
		q = (struct pu_select){ "chats", "c", "uid", ccols, NULL, NULL,
					NULL, true };
		rc |= pu_select_each(h, db, &q, chat_row, t);
	}
	if (!t->stop && h->db_has_table(db, "user_contacts_v7")) {
		bool ph = h->db_has_table(db, "user_phones_v7");

		q = (struct pu_select){ "user_contacts_v7", "b", "rowid",
					bcols, ph ? "(SELECT group_concat("
					"p.phone, ', ') FROM user_phones_v7 p "
					"WHERE p.key = b.key AND "
					"coalesce(p.deleted, 0) = 0)" : "NULL",
					NULL, NULL, true };
		rc |= pu_select_each(h, db, &q, book_row, t);
	}
	if (!t->stop && h->db_has_table(db, "dialogs")) {
		q = (struct pu_select){ "dialogs", "d", "rowid", dcols, NULL,
					NULL, NULL, true };
		rc |= pu_select_each(h, db, &q, dialog_row, t);
	}
	/* messages in the table's own order (rowid): mid and date order
	 * differ for scheduled and edited messages */
	q = (struct pu_select){ "messages_v2", "m", "rowid", mcols, NULL,
				NULL, NULL, true };
	if (!t->stop)
		rc |= pu_select_each(h, db, &q, msg_row, t);
	return rc ? -1 : 0;
}

static int run(const struct spoor_host *h, const char *path)
{
	struct tg t;
	char files[4096], root[4096], prefs[4200], acc[64] = "";
	const char *b;
	int n = 0;

	memset(&t, 0, sizeof(t));
	t.h = h;
	t.path = path;
	/* files/cache4.db, or files/account<N>/cache4.db for account N */
	pu_dirname(path, files, sizeof(files));
	b = strrchr(files, '/');
	b = b ? b + 1 : files;
	if (sscanf(b, "account%d", &n) == 1 && n > 0 && n < 100) {
		snprintf(acc, sizeof(acc), "userconfig%d.xml", n);
		pu_dirname(files, root, sizeof(root));
		memcpy(files, root, sizeof(files));
	} else {
		snprintf(acc, sizeof(acc), "userconfing.xml");
	}
	pu_dirname(files, root, sizeof(root));
	if (snprintf(prefs, sizeof(prefs), "%s%sshared_prefs/%s", root,
		     *root ? "/" : "", acc) < (int)sizeof(prefs))
		owner(&t, prefs);
	t.db = h->db_open(h, path);
	if (!t.db) {
		h->not_understood(h, path, "unreadable as SQLite");
	} else if (!h->db_has_table(t.db, "messages_v2") ||
		   !h->db_has_column(t.db, "messages_v2", "data")) {
		h->not_understood(h, path, "schema not recognised: no "
				  "messages_v2 table with data (an older or "
				  "newer app version keeps its messages "
				  "elsewhere)");
	} else {
		if (read_db(&t) && !t.stop)
			h->not_understood(h, path, "a query failed: the schema "
					  "differs from what this plugin "
					  "knows");
		if (!t.stop)
			report(&t);
	}
	if (t.db)
		h->db_close(t.db);
	pu_imap_free(&t.users, tg_user_free);
	pu_imap_free(&t.chats, free);
	return 0;
}

static const char *const types[] = { "message", "conversation", "contact",
				     "account", NULL };
static const char *const patterns[] = { "cache4.db", NULL };

static int run_checked(const struct spoor_host *h, const char *path)
{
	return pu_host_1_2(h) ? run(h, path) : SPOOR_EUNSUPPORTED;
}

const struct spoor_plugin spoor_plugin_telegram_android = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "telegram-android",
	.version = "1.0",
	.description = "Telegram for Android: cache4.db messages (TL "
		"decoded: text, sender, forwards, replies, media kind, "
		"service actions), users, chats, dialogs, imported contacts; "
		"the account from userconfing.xml",
	.types = types,
	.patterns = patterns,
	.run = run_checked,
};
