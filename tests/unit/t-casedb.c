/*
 * t-casedb: spoor_record_json against the JSONL writer, and the contacts
 * graph rules of spoor_idmap on a table of hand-written field values
 * (which count as an identity, of what kind, in which role).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spoor.h"
#include "tap.h"

static char *jsonl(const struct spoor_record *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct spoor_writer *w = spoor_writer_new(f, SPOOR_FMT_JSONL, NULL,
						  NULL, NULL);

	spoor_writer_write(w, r, NULL);
	spoor_writer_finish(w, NULL);
	spoor_writer_free(w);
	fclose(f);
	return buf;
}

static void json_cases(void)
{
	struct spoor_time t = { 1710446820, 0, true };
	struct spoor_record r, sub;
	char *a, *b, *line;
	size_t len = 0;

	spoor_record_init(&sub, "hashset");
	spoor_record_str(&sub, "set", "k\"b");
	spoor_record_init(&r, "message");
	spoor_record_str(&r, "text", "regel 1\nregel 2 \xc3\xa9");
	spoor_record_bytes(&r, "name", "a\xff" "b", 3);
	spoor_record_int(&r, "rowid", -7);
	spoor_record_time(&r, "time", &t);
	spoor_record_null(&r, "chat_id");
	spoor_record_list(&r, "hashsets", &sub, 1);
	a = spoor_record_json(&r, &len, NULL);
	b = jsonl(&r);
	ok(a && b, "serialised");
	line = b ? strndup(b, strlen(b) - 1) : NULL;
	is_str(a, line, "spoor_record_json is the JSONL line without LF");
	is_int((long long)len, a ? (long long)strlen(a) : -1, "its length");
	free(a);
	free(b);
	free(line);
	r.overflow = true;
	ok(spoor_record_json(&r, NULL, NULL) == NULL,
	   "a record with too many fields is refused");
}

static struct {
	char buf[4096];
	size_t len;
} rows;

static int collect(void *ud, const struct spoor_record *r)
{
	const char *keys[] = { "identity", "kind", "exhibit", "role" };

	(void)ud;
	for (size_t i = 0; i < 4; i++) {
		const struct spoor_field *f = spoor_record_get(r, keys[i]);
		int n = snprintf(rows.buf + rows.len, sizeof(rows.buf) -
				 rows.len, "%.*s%s", f ? (int)f->v.str.len : 0,
				 f ? f->v.str.ptr : "", i < 3 ? "|" : ";");

		rows.len += n > 0 ? (size_t)n : 0;
	}
	return 0;
}

/* One field value in two exhibits: which identity row comes out. */
static void ident_cases(void)
{
	static const struct {
		const char *plugin, *type, *key, *value, *want;
	} cases[] = {
		{ "x", "message", "sender_phone", "+31612345678",
		  "+31612345678|phone|A|sender;+31612345678|phone|B|sender;" },
		{ "x", "message", "sender_phone", "0612345678", "" },
		{ "x", "message", "sender_phone", "+31 6 1234", "" },
		{ "x", "contact", "jid", "31612345678@S.WhatsApp.net",
		  "31612345678@s.whatsapp.net|whatsapp|A|contact;"
		  "31612345678@s.whatsapp.net|whatsapp|B|contact;" },
		{ "x", "message", "sender_lid", "123456789@lid",
		  "123456789@lid|whatsapp-lid|A|sender;"
		  "123456789@lid|whatsapp-lid|B|sender;" },
		{ "x", "message", "chat_id", "120363000000000001@g.us", "" },
		{ "x", "message", "chat_id", "status@broadcast", "" },
		{ "x", "contact", "email", "Daan@Example.NL",
		  "daan@example.nl|email|A|contact;"
		  "daan@example.nl|email|B|contact;" },
		{ "x", "contact", "email", "geen adres", "" },
		{ "x", "call", "phone", "+447400123456",
		  "+447400123456|phone|A|caller;"
		  "+447400123456|phone|B|caller;" },
		{ "x", "message", "recipient", "a@b.nl",
		  "a@b.nl|email|A|recipient;a@b.nl|email|B|recipient;" },
		{ "telegram-export", "message", "sender_id", "user4242",
		  "telegram:4242|telegram|A|sender;"
		  "telegram:4242|telegram|B|sender;" },
		{ "whatsapp-txt", "message", "sender_id", "user4242", "" },
		{ "x", "message", "text", "+31612345678", "" },
		{ "x", "file", "phone", "+31612345678", "" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct spoor_idmap *m = spoor_idmap_new(100);
		const char *ex[] = { "A", "B" };

		for (int e = 0; e < 2; e++) {
			struct spoor_record r;

			spoor_record_init(&r, cases[i].type);
			spoor_record_str(&r, "plugin", cases[i].plugin);
			spoor_record_str(&r, "exhibit", ex[e]);
			spoor_record_str(&r, cases[i].key, cases[i].value);
			spoor_idmap_add(m, &r, NULL);
		}
		rows.len = 0;
		rows.buf[0] = '\0';
		spoor_idmap_list(m, 0, collect, NULL, NULL);
		is_str(rows.buf, cases[i].want, cases[i].value);
		spoor_idmap_free(m);
	}
}

/* In one exhibit and one source only: not listed; the bound holds. */
static void limit_cases(void)
{
	struct spoor_idmap *m = spoor_idmap_new(2);
	char num[32];

	for (int i = 0; i < 5; i++) {
		struct spoor_record r;

		snprintf(num, sizeof(num), "+3161234567%d", i);
		spoor_record_init(&r, "message");
		spoor_record_str(&r, "plugin", "x");
		spoor_record_str(&r, "exhibit", "A");
		spoor_record_str(&r, "sender_phone", num);
		spoor_idmap_add(m, &r, NULL);
	}
	rows.len = 0;
	rows.buf[0] = '\0';
	spoor_idmap_list(m, 0, collect, NULL, NULL);
	is_str(rows.buf, "", "one exhibit, one source: nothing listed");
	is_int((long long)spoor_idmap_dropped(m), 3,
	       "places over the bound are counted");
	spoor_idmap_free(m);
}

int main(void)
{
	json_cases();
	ident_cases();
	limit_cases();
	return done_testing();
}
