/*
 * ios-contacts: the iOS address book, AddressBook.sqlitedb (docs/
 * artifacts.md 3.10): one contact record per ABPerson with its phone
 * numbers (normalised to E.164, the stored string kept), e-mail
 * addresses and social/IM profiles from ABMultiValue, each with its
 * label (ABMultiValueLabel, "_$!<Mobile>!$_" -> "Mobile") and, for
 * structured values, the key=value pairs of ABMultiValueEntry.
 */
#include "plugutil.h"
#include "ios-util.h"

#include "banned.h"

#define MAX_MV 32	/* values of one kind listed per person */

enum { K_PHONE, K_EMAIL, K_SOCIAL, K_N };

struct mv {
	char *label, *value, *entries;
	char e164[32];
};

/* the writer reads a list as an array of records: kept apart */
struct person {
	struct mv v[K_N][MAX_MV];
	struct spoor_record rec[K_N][MAX_MV];
	size_t n[K_N], total[K_N];
};

static int kind_of(int64_t prop)
{
	switch (prop) {
	case 3: return K_PHONE;
	case 4: return K_EMAIL;
	case 13: case 46: return K_SOCIAL;
	default: return -1;
	}
}

/* "_$!<Mobile>!$_" -> "Mobile"; other labels as stored. */
static char *label_of(const char *p, size_t len)
{
	if (p && len >= 8 && !memcmp(p, "_$!<", 4) &&
	    !memcmp(p + len - 4, ">!$_", 4))
		return pu_strndup(p + 4, len - 8, 200);
	return pu_strndup(p, len, 200);
}

static void person_clear(struct person *ps)
{
	for (int k = 0; k < K_N; k++) {
		for (size_t i = 0; i < ps->n[k]; i++) {
			free(ps->v[k][i].label);
			free(ps->v[k][i].value);
			free(ps->v[k][i].entries);
		}
		ps->n[k] = ps->total[k] = 0;
	}
}

static void read_values(const struct spoor_host *h, struct spoor_stmt *st,
			int64_t id, struct person *ps)
{
	h->reset(st);
	h->bind_int(st, 1, id);
	while (h->step(st) == 1) {
		int k = kind_of(h->col_int(st, 0));
		struct spoor_record *rec;
		struct mv *m;
		const char *p;
		size_t len;

		if (k < 0 || ++ps->total[k] > MAX_MV)
			continue;
		rec = &ps->rec[k][ps->n[k]];
		m = &ps->v[k][ps->n[k]++];
		p = pu_text(h, st, 1, &len);
		m->value = pu_strndup(p, len, 1000);
		p = pu_text(h, st, 2, &len);
		m->label = label_of(p, len);
		p = pu_text(h, st, 3, &len);
		m->entries = pu_strndup(p, len, 2000);
		m->e164[0] = '\0';
		if (k == K_PHONE && m->value)
			h->phone_e164(h, m->value, h->option(h, "cc"), m->e164,
				      sizeof(m->e164));
		spoor_p_init(rec, k == K_PHONE ? "phone" : k == K_EMAIL
			     ? "email" : "profile");
		spoor_p_str(rec, "label", m->label);
		spoor_p_str(rec, "value", m->value);
		if (k == K_PHONE)
			spoor_p_str(rec, "phone", m->e164[0] ? m->e164
				    : NULL);
		if (k == K_SOCIAL)
			spoor_p_str(rec, "entries", m->entries);
	}
}

static void list(struct spoor_record *r, const char *key,
		 struct spoor_record *items, size_t n)
{
	struct spoor_field *f;

	if (!n) {
		spoor_p_null(r, key);
		return;
	}
	f = spoor_p_add(r, key, SPOOR_F_LIST);
	if (f) {
		f->v.list.items = items;
		f->v.list.n = n;
	}
}

static int one_person(const struct spoor_host *h, struct spoor_db *db,
		      struct spoor_stmt *st, struct spoor_stmt *vst,
		      struct person *ps)
{
	struct spoor_prov prov = { NULL, "ABPerson", h->col_int(st, 0), -1,
				   NULL };
	struct spoor_record r;
	char name[600];
	const char *p, *f, *l;
	size_t len, fl, ll;
	int rc;

	if (h->db_wal_only(db, "ABPerson", prov.rowid))
		prov.recovered_from = "wal";
	if (vst)
		read_values(h, vst, prov.rowid, ps);
	spoor_p_init(&r, "contact");
	spoor_p_str(&r, "app", "contacts");
	/* DisplayName when set, else "First Last", else Organization */
	f = pu_text(h, st, 1, &fl);
	l = pu_text(h, st, 3, &ll);
	p = pu_text(h, st, 6, &len);
	if (p && len) {
		spoor_p_bytes(&r, "name", p, len);
	} else if ((f && fl) || (l && ll)) {
		snprintf(name, sizeof(name), "%.*s%s%.*s",
			 f ? (int)(fl < 290 ? fl : 290) : 0, f ? f : "",
			 f && fl && l && ll ? " " : "",
			 l ? (int)(ll < 290 ? ll : 290) : 0, l ? l : "");
		spoor_p_str(&r, "name", name);
	} else {
		p = pu_text(h, st, 4, &len);
		spoor_p_bytes(&r, "name", p, len);
	}
	spoor_p_bytes(&r, "given_name", f, fl);
	p = pu_text(h, st, 2, &len);
	spoor_p_bytes(&r, "middle_name", p, len);
	spoor_p_bytes(&r, "family_name", l, ll);
	p = pu_text(h, st, 4, &len);
	spoor_p_bytes(&r, "organization", p, len);
	p = pu_text(h, st, 5, &len);
	spoor_p_bytes(&r, "nickname", p, len);
	spoor_p_str(&r, "phone", ps->n[K_PHONE] && ps->v[K_PHONE][0].e164[0]
		    ? ps->v[K_PHONE][0].e164 : NULL);
	spoor_p_str(&r, "phone_raw", ps->n[K_PHONE] ? ps->v[K_PHONE][0].value
		    : NULL);
	spoor_p_str(&r, "email", ps->n[K_EMAIL] ? ps->v[K_EMAIL][0].value
		    : NULL);
	list(&r, "phones", ps->rec[K_PHONE], ps->n[K_PHONE]);
	list(&r, "emails", ps->rec[K_EMAIL], ps->n[K_EMAIL]);
	list(&r, "profiles", ps->rec[K_SOCIAL], ps->n[K_SOCIAL]);
	p = pu_text(h, st, 7, &len);
	spoor_p_bytes(&r, "note", p, len);
	p = pu_text(h, st, 8, &len);
	spoor_p_bytes(&r, "birthday", p, len);
	ios_time_int(&r, "created", "created_raw", "created_unit",
		     h->col_int(st, 9), !pu_is_null(h, st, 9));
	ios_time_int(&r, "modified", "modified_raw", "modified_unit",
		     h->col_int(st, 10), !pu_is_null(h, st, 10));
	p = pu_text(h, st, 11, &len);
	spoor_p_bytes(&r, "key_id", p, len);
	if (ps->total[K_PHONE] > MAX_MV || ps->total[K_EMAIL] > MAX_MV ||
	    ps->total[K_SOCIAL] > MAX_MV)
		h->log(h, SPOOR_LOG_WARN, "ABPerson %lld: more than %d values "
		       "of a kind; the first %d are listed",
		       (long long)prov.rowid, MAX_MV, MAX_MV);
	rc = h->emit(h, &r, &prov);
	person_clear(ps);
	return rc;
}

static int run(const struct spoor_host *h, const char *path)
{
	struct spoor_db *db = h->db_open(h, path);
	struct spoor_stmt *st, *vst = NULL;
	struct person *ps;
	char sql[1200], b[11][64];
	bool entries;
	int rc;

	if (!db) {
		h->not_understood(h, path, "unreadable as SQLite");
		return 0;
	}
	if (!h->db_has_table(db, "ABPerson")) {
		h->not_understood(h, path, "schema not recognised: no ABPerson "
				  "table");
		h->db_close(db);
		return 0;
	}
	snprintf(sql, sizeof(sql), "SELECT p.ROWID, %s, %s, %s, %s, %s, %s, "
		 "%s, %s, %s, %s, %s FROM ABPerson p ORDER BY p.ROWID",
		 pu_col(h, db, "ABPerson", "p", "First", b[0], 64),
		 pu_col(h, db, "ABPerson", "p", "Middle", b[1], 64),
		 pu_col(h, db, "ABPerson", "p", "Last", b[2], 64),
		 pu_col(h, db, "ABPerson", "p", "Organization", b[3], 64),
		 pu_col(h, db, "ABPerson", "p", "Nickname", b[4], 64),
		 pu_col(h, db, "ABPerson", "p", "DisplayName", b[5], 64),
		 pu_col(h, db, "ABPerson", "p", "Note", b[6], 64),
		 pu_col(h, db, "ABPerson", "p", "Birthday", b[7], 64),
		 pu_col(h, db, "ABPerson", "p", "CreationDate", b[8], 64),
		 pu_col(h, db, "ABPerson", "p", "ModificationDate", b[9], 64),
		 pu_col(h, db, "ABPerson", "p", "guid", b[10], 64));
	st = h->prepare(db, sql);
	ps = calloc(1, sizeof(*ps));
	if (!st || !ps) {
		if (st)
			h->finalize(st);
		free(ps);
		h->not_understood(h, path, "a query failed: unknown schema");
		h->db_close(db);
		return 0;
	}
	entries = h->db_has_table(db, "ABMultiValueEntry") &&
		h->db_has_table(db, "ABMultiValueEntryKey");
	if (h->db_has_table(db, "ABMultiValue")) {
		snprintf(sql, sizeof(sql), "SELECT mv.property, mv.value, %s, "
			 "%s FROM ABMultiValue mv WHERE mv.record_id = ? "
			 "ORDER BY mv.identifier, mv.UID",
			 h->db_has_table(db, "ABMultiValueLabel") ?
			 "(SELECT l.value FROM ABMultiValueLabel l WHERE "
			 "l.ROWID = mv.label)" : "NULL",
			 entries ? "(SELECT group_concat(x.kv, '; ') FROM "
			 "(SELECT k.value || '=' || e.value AS kv FROM "
			 "ABMultiValueEntry e JOIN ABMultiValueEntryKey k ON "
			 "k.ROWID = e.key WHERE e.parent_id = mv.UID ORDER BY "
			 "k.value) x)" : "NULL");
		vst = h->prepare(db, sql);
	}
	while ((rc = h->step(st)) == 1)
		if (one_person(h, db, st, vst, ps))
			break;
	if (vst)
		h->finalize(vst);
	h->finalize(st);
	free(ps);
	if (rc < 0)
		h->not_understood(h, path, "reading contacts failed");
	h->db_close(db);
	return 0;
}

static const char *const types[] = { "contact", NULL };
static const char *const patterns[] = { "AddressBook.sqlitedb", NULL };

/* deleted rows the host recovers (spoor-plugin(7)): a deleted person
 * and its numbers and addresses */
static const char *const recover_tables[] = {
	"ABPerson", "ABMultiValue", NULL,
};

const struct spoor_plugin spoor_plugin_ios_contacts = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "ios-contacts",
	.version = "1.0",
	.description = "iOS contacts: names, phones (E.164), e-mails, social "
		       "profiles (AddressBook.sqlitedb; file system or "
		       "iTunes backup)",
	.types = types,
	.patterns = patterns,
	.run = run,
	.recover_tables = recover_tables,
};
