/*
 * fuzz-search: spoor-case search (spoor_case_search, lib/casedb_search.c)
 * on hostile message text.  Each input is the text of one message in a
 * fresh case, searched with every built-in set (@iban, @bitcoin,
 * @ethereum with its EIP-55 check, @email, @url, @phone), a plain term
 * and a regular expression.  Every hit's fields must be readable over
 * their whole length, an @ethereum hit must be 42 bytes normalized to
 * lower case, and a checksum must be one of the values documented.
 */
#include "fuzz.h"
#include "spoor.h"

static const char terms[] =
	"@iban\n@bitcoin\n@ethereum\n@email\n@url\n@phone\ngeheim\n"
	"re:[0-9a-f]{4,}\n";

static const char *str(const struct spoor_record *r, const char *key,
		       size_t *len)
{
	const struct spoor_field *f = spoor_record_get(r, key);

	if (!f || f->kind != SPOOR_F_STR) {
		*len = 0;
		return NULL;
	}
	*len = f->v.str.len;
	fz_touch(f->v.str.ptr, f->v.str.len);
	return f->v.str.ptr;
}

static int on_hit(void *ud, const struct spoor_record *r)
{
	const char *term, *match, *norm, *sum;
	size_t tl, ml, nl, sl;

	(void)ud;
	term = str(r, "term", &tl);
	match = str(r, "match", &ml);
	norm = str(r, "normalized", &nl);
	sum = str(r, "checksum", &sl);
	str(r, "excerpt", &tl);
	if (!term || !match)
		abort();
	if (sum && strcmp(sum, "valid") && strcmp(sum, "none (single case)"))
		abort();
	if (!strcmp(term, "@ethereum")) {
		if (ml != 42 || !norm || nl != 42 || !sum)
			abort();
		for (size_t i = 2; i < 42; i++)
			if (norm[i] >= 'A' && norm[i] <= 'F')
				abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct spoor_case_new_opts o = { "fuzz-case", "fuzz",
						      NULL };
	static const struct spoor_case_run_opts ro = { .tool = "fuzz",
						       .version = "0" };
	static struct spoor_search *s;
	char dir[4096 + 16];
	struct spoor_case_run *run;
	struct spoor_record rec;
	struct spoor_case *c;
	struct spoor_err err;
	uint64_t hits;

	if (!s && spoor_search_load(fz_file("terms", (const uint8_t *)terms,
					    sizeof(terms) - 1), "31", &s,
				    &err))
		abort();
	snprintf(dir, sizeof(dir), "%s/case", fz_dir());
	if (spoor_case_create(dir, &o, &err) ||
	    !(c = spoor_case_open(dir, true, &err)))
		abort();
	if (!(run = spoor_case_run_begin(c, &ro, &err)))
		abort();
	spoor_record_init(&rec, "message");
	spoor_record_bytes(&rec, "text", (const char *)data, size);
	if (spoor_case_run_add(run, NULL, &rec, NULL, &err) ||
	    spoor_case_run_end(run, 0, NULL, &err))
		abort();
	if (spoor_case_search(c, s, NULL, on_hit, NULL, &hits, &err))
		abort();
	spoor_case_close(c);
	fz_rm(dir, 1);
	return 0;
}
