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

static void accounts(const struct spoor_host *h, struct spoor_db *db)
{
	struct spoor_stmt *st = h->prepare(db, "SELECT _id, account_name, "
					   "account_type FROM accounts "
					   "ORDER BY _id");
	const char *p;
	size_t len;

	if (!st)
		return;
	while (h->step(st) == 1) {
		struct spoor_prov prov = { NULL, "accounts", h->col_int(st, 0),
					   -1, NULL };
		struct spoor_record r;

		if (h->db_wal_only(db, "accounts", prov.rowid))
			prov.recovered_from = "wal";
		spoor_p_init(&r, "account");
		p = pu_text(h, st, 1, &len);
		spoor_p_bytes(&r, "account_name", p, len);
		p = pu_text(h, st, 2, &len);
		spoor_p_bytes(&r, "account_type", p, len);
		if (h->emit(h, &r, &prov))
			break;
	}
	h->finalize(st);
}

static int run(const struct spoor_host *h, const char *path)
{
	struct spoor_db *db = h->db_open(h, path);
	struct spoor_stmt *st;
	bool acc;
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
	/* newer: raw_contacts.account_id -> accounts; older: the account
	 * is in raw_contacts itself */
	acc = h->db_has_table(db, "accounts") &&
		h->db_has_column(db, "raw_contacts", "account_id");
	if (acc)
		accounts(h, db);
	st = h->prepare(db, acc ?
		"SELECT r._id, r.display_name, r.deleted, a.account_name, "
		"a.account_type, " VALS("data1", MT "phone_v2") ", "
		VALS("data4", MT "phone_v2") ", " VALS("data1", MT "email_v2")
		", " VALS("data2", MT "name") ", " VALS("data3", MT "name")
		", " VALS("data1", MT "vnd.com.whatsapp.profile") ", "
		VALS("data1", MT "vnd.org.telegram.messenger.android.profile")
		" FROM raw_contacts r LEFT JOIN accounts a ON a._id = "
		"r.account_id ORDER BY r._id"
		:
		"SELECT r._id, r.display_name, r.deleted, r.account_name, "
		"r.account_type, " VALS("data1", MT "phone_v2") ", "
		VALS("data4", MT "phone_v2") ", " VALS("data1", MT "email_v2")
		", " VALS("data2", MT "name") ", " VALS("data3", MT "name")
		", " VALS("data1", MT "vnd.com.whatsapp.profile") ", "
		VALS("data1", MT "vnd.org.telegram.messenger.android.profile")
		" FROM raw_contacts r ORDER BY r._id");
	if (!st) {
		h->not_understood(h, path, "a query failed: unknown schema");
		h->db_close(db);
		return 0;
	}
	while ((rc = h->step(st)) == 1) {
		struct spoor_prov prov = { NULL, "raw_contacts",
					   h->col_int(st, 0), -1, NULL };
		struct spoor_record r;
		struct spoor_phone ph = { 0 };
		char first[64] = "";
		const char *p;
		size_t len;

		if (h->db_wal_only(db, "raw_contacts", prov.rowid))
			prov.recovered_from = "wal";
		spoor_p_init(&r, "contact");
		spoor_p_str(&r, "app", "contacts");
		p = pu_text(h, st, 1, &len);
		spoor_p_bytes(&r, "name", p, len);
		p = pu_text(h, st, 8, &len);
		spoor_p_bytes(&r, "given_name", p, len);
		p = pu_text(h, st, 9, &len);
		spoor_p_bytes(&r, "family_name", p, len);
		/* the first number, normalised: data4 when the provider
		 * stored one, else our own reading of data1 */
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
		if (h->emit(h, &r, &prov))
			break;
	}
	h->finalize(st);
	if (rc < 0)
		h->not_understood(h, path, "reading contacts failed");
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
