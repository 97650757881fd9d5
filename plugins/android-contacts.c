/*
 * android-contacts: contacts and accounts from Android's contacts2.db
 * (ContactsContract: raw_contacts per account, values in the EAV table
 * data by mimetype).  One contact record per raw contact, so a person
 * synced from Google and from WhatsApp shows twice, with its account:
 * messenger rows (WhatsApp, Telegram, Signal) tie numbers to apps even
 * when the app's own database is unreadable.  docs/artifacts.md 3.7.
 */
#include "plugutil.h"

#include "banned.h"

#define MT "vnd.android.cursor.item/"

/* A correlated subquery: the values of one mimetype, "; "-joined. */
#define VALS(col, mt) \
	"(SELECT group_concat(d." col ", '; ') FROM data d JOIN mimetypes " \
	"m ON m._id = d.mimetype_id WHERE d.raw_contact_id = r._id AND " \
	"m.mimetype = '" mt "')"

static int one_account(const struct spoor_host *h, struct spoor_stmt *st,
		       struct spoor_prov *prov, void *ctx)
{
	struct spoor_record r;
	const char *p;
	size_t len;

	(void)ctx;
	spoor_p_init(&r, "account");
	p = pu_text(h, st, 1, &len);
	spoor_p_bytes(&r, "account_name", p, len);
	p = pu_text(h, st, 2, &len);
	spoor_p_bytes(&r, "account_type", p, len);
	return h->emit(h, &r, prov);
}

static int one_contact(const struct spoor_host *h, struct spoor_stmt *st,
		       struct spoor_prov *prov, void *ctx)
{
	struct spoor_record r;
	struct spoor_phone ph = { "", "", NULL, false, 0 };
	char first[64] = "";
	const char *p;
	size_t len;

	(void)ctx;
	spoor_p_init(&r, "contact");
	spoor_p_str(&r, "app", "contacts");
	p = pu_text(h, st, 1, &len);
	spoor_p_bytes(&r, "name", p, len);
	p = pu_text(h, st, 8, &len);
	spoor_p_bytes(&r, "given_name", p, len);
	p = pu_text(h, st, 9, &len);
	spoor_p_bytes(&r, "family_name", p, len);
	/* the first number, normalised: data4 when the provider stored
	 * one, else our own reading of data1 */
	p = pu_text(h, st, 6, &len);
	if (!p || !len)
		p = pu_text(h, st, 5, &len);
	if (p && len) {
		const char *semi = memchr(p, ';', len);
		size_t n = semi ? (size_t)(semi - p) : len;

		if (n < sizeof(first)) {
			memcpy(first, p, n);
			first[n] = '\0';
			h->phone(h, first, h->option(h, "cc"), &ph);
		}
	}
	pu_phone(&r, "phone", &ph);
	p = pu_text(h, st, 5, &len);
	spoor_p_bytes(&r, "phone_raw", p, len);
	p = pu_text(h, st, 7, &len);
	spoor_p_bytes(&r, "email", p, len);
	p = pu_text(h, st, 10, &len);
	spoor_p_bytes(&r, "whatsapp_jid", p, len);
	p = pu_text(h, st, 11, &len);
	spoor_p_bytes(&r, "telegram_id", p, len);
	p = pu_text(h, st, 3, &len);
	spoor_p_bytes(&r, "account_name", p, len);
	p = pu_text(h, st, 4, &len);
	spoor_p_bytes(&r, "account_type", p, len);
	spoor_p_bool(&r, "deleted", h->col_int(st, 2) != 0);
	return h->emit(h, &r, prov);
}

/* The columns after r._id (display_name, deleted, the account), then
 * the values of each mimetype. */
#define CONTACT_VALS \
	VALS("data1", MT "phone_v2") ", " VALS("data4", MT "phone_v2") \
	", " VALS("data1", MT "email_v2") ", " VALS("data2", MT "name") \
	", " VALS("data3", MT "name") ", " \
	VALS("data1", MT "vnd.com.whatsapp.profile") ", " \
	VALS("data1", MT "vnd.org.telegram.messenger.android.profile")

static const char *const account_cols[] = {
	"account_name", "account_type", NULL,
};

static int run(const struct spoor_host *h, const char *path)
{
	struct spoor_db *db = h->db_open(h, path);
	/* newer: raw_contacts.account_id -> accounts; older: the account
	 * is in raw_contacts itself */
	struct pu_select acc = { "accounts", "a", "_id", account_cols, NULL,
				 NULL, NULL, false };
	struct pu_select q = { "raw_contacts", "r", "_id", NULL, NULL, NULL,
			       NULL, false };
	bool newer;
	int rc;

	if (!db) {
		h->not_understood(h, path, "unreadable as SQLite");
		return 0;
	}
	if (!h->db_has_table(db, "raw_contacts") ||
	    !h->db_has_table(db, "data") ||
	    !h->db_has_table(db, "mimetypes")) {
		h->not_understood(h, path, "schema not recognised: no "
				  "raw_contacts, data and mimetypes tables");
		h->db_close(db);
		return 0;
	}
	newer = h->db_has_table(db, "accounts") &&
		h->db_has_column(db, "raw_contacts", "account_id");
	if (newer) {
		/* the accounts' rows are a bonus: a failure is the
		 * contacts' to report */
		pu_select_each(h, db, &acc, one_account, NULL);
		q.extra = "r.display_name, r.deleted, a.account_name, "
			"a.account_type, " CONTACT_VALS;
		q.join = "LEFT JOIN accounts a ON a._id = r.account_id";
	} else {
		q.extra = "r.display_name, r.deleted, r.account_name, "
			"r.account_type, " CONTACT_VALS;
	}
	rc = pu_select_each(h, db, &q, one_contact, NULL);
	if (rc)
		h->not_understood(h, path, rc == -1 ? "a query failed: "
				  "unknown schema" : "reading contacts "
				  "failed");
	h->db_close(db);
	return 0;
}

static const char *const types[] = { "contact", "account", NULL };
static const char *const patterns[] = { "contacts2.db", NULL };

/* local_time and phone are ABI 1.2 members */
static int run_checked(const struct spoor_host *h, const char *path)
{
	return pu_host_1_2(h) ? run(h, path) : SPOOR_EUNSUPPORTED;
}
/* deleted rows the host recovers (spoor-plugin(7)): a deleted contact
 * and its numbers and addresses */
static const char *const recover_tables[] = {
	"raw_contacts", "data", NULL,
};

const struct spoor_plugin spoor_plugin_android_contacts = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "android-contacts",
	.version = "1.0",
	.description = "Android contacts and accounts (contacts2.db)",
	.types = types,
	.patterns = patterns,
	.run = run_checked,
	.recover_tables = recover_tables,
};
