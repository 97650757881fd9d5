/*
 * record.c: building records (views onto caller-owned values).
 */
#include "internal.h"

#include <string.h>

#include "banned.h"

void spoor_record_init(struct spoor_record *r, const char *type)
{
	r->type = type;
	r->n = 0;
	r->overflow = false;
}

static struct spoor_field *add(struct spoor_record *r, const char *key,
			       enum spoor_field_kind kind)
{
	struct spoor_field *f;

	if (r->n >= SPOOR_RECORD_MAX_FIELDS) {
		r->overflow = true;
		return NULL;
	}
	f = &r->f[r->n++];
	f->key = key;
	f->kind = kind;
	return f;
}

void spoor_record_null(struct spoor_record *r, const char *key)
{
	add(r, key, SPOOR_F_NULL);
}

void spoor_record_bytes(struct spoor_record *r, const char *key,
			const char *p, size_t len)
{
	struct spoor_field *f;

	if (!p) {
		spoor_record_null(r, key);
		return;
	}
	f = add(r, key, SPOOR_F_STR);
	if (f) {
		f->v.str.ptr = p;
		f->v.str.len = len;
	}
}

void spoor_record_str(struct spoor_record *r, const char *key, const char *s)
{
	spoor_record_bytes(r, key, s, s ? strlen(s) : 0);
}

void spoor_record_int(struct spoor_record *r, const char *key, int64_t v)
{
	struct spoor_field *f = add(r, key, SPOOR_F_INT);

	if (f)
		f->v.i = v;
}

void spoor_record_uint(struct spoor_record *r, const char *key, uint64_t v)
{
	struct spoor_field *f = add(r, key, SPOOR_F_UINT);

	if (f)
		f->v.u = v;
}

void spoor_record_bool(struct spoor_record *r, const char *key, bool v)
{
	struct spoor_field *f = add(r, key, SPOOR_F_BOOL);

	if (f)
		f->v.b = v;
}

void spoor_record_time(struct spoor_record *r, const char *key,
		       const struct spoor_time *t)
{
	struct spoor_field *f;

	if (!t || !t->set) {
		spoor_record_null(r, key);
		return;
	}
	f = add(r, key, SPOOR_F_TIME);
	if (f)
		f->v.t = *t;
}

void spoor_record_list(struct spoor_record *r, const char *key,
		       const struct spoor_record *items, size_t n)
{
	struct spoor_field *f = add(r, key, SPOOR_F_LIST);

	if (f) {
		f->v.list.items = items;
		f->v.list.n = n;
	}
}

void spoor_record_runs(struct spoor_record *r, const char *key,
		       const struct spoor_run *runs, size_t n)
{
	struct spoor_field *f = add(r, key, SPOOR_F_RUNS);

	if (f) {
		f->v.runs.items = runs;
		f->v.runs.n = n;
	}
}

const struct spoor_field *spoor_record_get(const struct spoor_record *r,
					   const char *key)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->f[i].key, key))
			return &r->f[i];
	return NULL;
}
