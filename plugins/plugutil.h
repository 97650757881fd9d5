/*
 * plugutil.h: small helpers the artifact plugins share, header-only
 * (plugins link nothing, not even each other): bounded string copies,
 * lookup tables, optional-column SQL.  Everything is bounded: a table
 * that would grow past its ceiling stops growing and says so.
 */
#ifndef SPOOR_PLUGUTIL_H
#define SPOOR_PLUGUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spoor-plugin.h"

#define PU_MAP_MAX ((size_t)8 << 20)	/* entries in one map */

/* A copy of at most max bytes of (p, n), NUL-terminated, or NULL. */
static inline char *pu_strndup(const char *p, size_t n, size_t max)
{
	char *s;

	if (!p)
		return NULL;
	if (n > max)
		n = max;
	s = malloc(n + 1);
	if (s) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

/* An open-addressing map from int64 ids (rowids) to a value slot. */
struct pu_imap {
	int64_t *keys;
	void **vals;
	unsigned char *used;
	size_t n, cap;
	bool full;
};

static inline size_t pu_ihash(int64_t k, size_t cap)
{
	uint64_t x = (uint64_t)k * 0x9e3779b97f4a7c15ull;

	return (size_t)(x >> 17) & (cap - 1);
}

static inline bool pu_imap_grow(struct pu_imap *m)
{
	struct pu_imap nm = { 0 };
	size_t cap = m->cap ? m->cap * 2 : 1024;

	nm.keys = calloc(cap, sizeof(*nm.keys));
	nm.vals = calloc(cap, sizeof(*nm.vals));
	nm.used = calloc(cap, 1);
	if (!nm.keys || !nm.vals || !nm.used) {
		free(nm.keys);
		free(nm.vals);
		free(nm.used);
		return false;
	}
	nm.cap = cap;
	for (size_t i = 0; i < m->cap; i++) {
		size_t j;

		if (!m->used[i])
			continue;
		for (j = pu_ihash(m->keys[i], cap); nm.used[j];
		     j = (j + 1) & (cap - 1))
			;
		nm.used[j] = 1;
		nm.keys[j] = m->keys[i];
		nm.vals[j] = m->vals[i];
	}
	nm.n = m->n;
	free(m->keys);
	free(m->vals);
	free(m->used);
	*m = nm;
	return true;
}

/* Put v under k (replacing).  False when full or out of memory. */
static inline bool pu_imap_put(struct pu_imap *m, int64_t k, void *v)
{
	size_t j;

	if ((m->n + 1) * 2 > m->cap) {
		if (m->n >= PU_MAP_MAX || !pu_imap_grow(m)) {
			m->full = true;
			return false;
		}
	}
	for (j = pu_ihash(k, m->cap); m->used[j]; j = (j + 1) & (m->cap - 1))
		if (m->keys[j] == k) {
			m->vals[j] = v;
			return true;
		}
	m->used[j] = 1;
	m->keys[j] = k;
	m->vals[j] = v;
	m->n++;
	return true;
}

static inline void *pu_imap_get(const struct pu_imap *m, int64_t k)
{
	if (!m->cap)
		return NULL;
	for (size_t j = pu_ihash(k, m->cap); m->used[j];
	     j = (j + 1) & (m->cap - 1))
		if (m->keys[j] == k)
			return m->vals[j];
	return NULL;
}

/* Release the map; free_val (may be NULL) is called on every value. */
static inline void pu_imap_free(struct pu_imap *m, void (*free_val)(void *))
{
	for (size_t i = 0; free_val && i < m->cap; i++)
		if (m->used[i])
			free_val(m->vals[i]);
	free(m->keys);
	free(m->vals);
	free(m->used);
	memset(m, 0, sizeof(*m));
}

/* FNV-1a: string keys go through the int map by hash, with the string
 * kept in the value to rule out collisions. */
static inline int64_t pu_strhash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (int64_t)(h & 0x7fffffffffffffffull);
}

/* "t.col" when the column exists, else "NULL": schema drift is normal
 * and a missing column is a null value, not a failed query. */
static inline const char *pu_col(const struct spoor_host *h,
				 struct spoor_db *db, const char *table,
				 const char *alias, const char *col,
				 char *buf, size_t size)
{
	if (!h->db_has_column(db, table, col))
		return "NULL";
	snprintf(buf, size, "%s.%s", alias, col);
	return buf;
}

/* Text of column i, or NULL; len set. */
static inline const char *pu_text(const struct spoor_host *h,
				  struct spoor_stmt *st, int i, size_t *len)
{
	size_t l = 0;
	const char *p = h->col_text(st, i, &l);

	if (len)
		*len = l;
	return p;
}

static inline bool pu_is_null(const struct spoor_host *h,
			      struct spoor_stmt *st, int i)
{
	return h->col_type(st, i) == SPOOR_SQL_NULL;
}

/* The directory part of an evidence path ("" for none) into buf. */
static inline void pu_dirname(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (n >= size)
		n = size - 1;
	memcpy(buf, path, n);
	buf[n] = '\0';
}

#endif
