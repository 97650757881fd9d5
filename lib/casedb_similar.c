/*
 * casedb_similar.c: pictures of a case whose PDQ hashes are within a
 * distance of each other (the same picture re-encoded, resized or
 * lightly edited), grouped across exhibits (spoor-case similar).
 *
 * Every distinct (exhibit, path, pdq) of the file records is loaded
 * (hash and record id only), an in-memory multi-index-hashing index is
 * built over them (16 bands of 16 bits, as in hashdb_pdq.c), and every
 * picture is searched against it.  Pairs within the distance join one
 * group (single linkage, union-find); a group is reported when its
 * pictures come from at least min_exhibits exhibits.  Each row gives a
 * picture and its distance to the nearest other picture of its group.
 * Only the stored hashes are compared: a rotated or mirrored copy (a
 * dihedral variant) is found against hash sets, not here.
 */
#include "casedb.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"

#define BANDS 16
#define BAND_VALUES 65536
#define MAX_PICTURES ((size_t)1 << 25)

struct pic {
	unsigned char hash[SPOOR_PDQ_BYTES];
	int64_t record;		/* the first record with this picture */
	int64_t exhibit;	/* an index into the exhibit names */
	uint32_t parent;	/* union-find */
	int nearest;		/* distance to the nearest in its group */
};

struct sim {
	struct pic *p;
	size_t n, cap;
	char **exhibits;	/* distinct exhibit ids seen */
	size_t nex, exhibits_cap;
	uint32_t *start[BANDS], *ids[BANDS];
};

static unsigned band_of(const unsigned char *h, int b)
{
	return (unsigned)h[2 * b] << 8 | h[2 * b + 1];
}

static uint32_t find(struct sim *s, uint32_t i)
{
	while (s->p[i].parent != i) {
		s->p[i].parent = s->p[s->p[i].parent].parent;
		i = s->p[i].parent;
	}
	return i;
}

static void join(struct sim *s, uint32_t a, uint32_t b)
{
	a = find(s, a);
	b = find(s, b);
	if (a != b)
		s->p[a < b ? b : a].parent = a < b ? a : b;
}

static int64_t exhibit_index(struct sim *s, const char *ex)
{
	for (size_t i = s->nex; i-- > 0;)
		if (!strcmp(s->exhibits[i], ex))
			return (int64_t)i;
	if (spoor_grow(&s->exhibits, &s->exhibits_cap, s->nex,
		       sizeof(*s->exhibits)))
		return -1;
	s->exhibits[s->nex] = strdup(ex);
	if (!s->exhibits[s->nex])
		return -1;
	return (int64_t)s->nex++;
}

static const char load_sql[] =
	"SELECT min(r.id), r.exhibit, json_extract(r.json, '$.pdq') "
	"FROM records r WHERE r.rtype = 'file' AND "
	"json_extract(r.json, '$.pdq') IS NOT NULL AND "
	"coalesce(json_extract(r.json, '$.pdq_quality'), 0) >= ?1 "
	"GROUP BY r.exhibit, json_extract(r.json, '$.path'), "
	"json_extract(r.json, '$.path_hex'), json_extract(r.json, '$.pdq') "
	"ORDER BY min(r.id)";

static int load(struct sim *s, sqlite3 *db, int min_quality,
		struct spoor_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, load_sql, -1, &st, NULL) != SQLITE_OK)
		return case_sql_err(db, err, "similar");
	sqlite3_bind_int(st, 1, min_quality);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *ex = (const char *)sqlite3_column_text(st, 1);
		const char *hex = (const char *)sqlite3_column_text(st, 2);
		struct pic *p;

		if (!ex || !hex)
			continue;
		if (s->n >= MAX_PICTURES) {
			sqlite3_finalize(st);
			return spoor_err_set(err, SPOOR_ELIMIT, 0, "more than "
					     "%zu pictures", MAX_PICTURES);
		}
		if (spoor_grow(&s->p, &s->cap, s->n, sizeof(*s->p)))
			goto nomem;
		p = &s->p[s->n];
		if (spoor_pdq_parse(hex, strlen(hex), p->hash))
			continue;	/* not a hash: not ours */
		p->record = sqlite3_column_int64(st, 0);
		p->exhibit = exhibit_index(s, ex);
		if (p->exhibit < 0)
			goto nomem;
		p->parent = (uint32_t)s->n;
		p->nearest = -1;
		s->n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return case_sql_err(db, err, "similar");
	return SPOOR_OK;
nomem:
	sqlite3_finalize(st);
	return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
}

/* Per band, the pictures by band value (a counting sort). */
static int index_build(struct sim *s, struct spoor_err *err)
{
	for (int b = 0; b < BANDS; b++) {
		uint32_t *st = calloc(BAND_VALUES + 1, sizeof(*st));
		uint32_t *ids = malloc((s->n ? s->n : 1) * sizeof(*ids));
		uint32_t *fill;

		s->start[b] = st;
		s->ids[b] = ids;
		if (!st || !ids)
			return spoor_err_set(err, SPOOR_ENOMEM, 0,
					     "out of memory");
		for (size_t i = 0; i < s->n; i++)
			st[band_of(s->p[i].hash, b) + 1]++;
		for (size_t v = 0; v < BAND_VALUES; v++)
			st[v + 1] += st[v];
		fill = malloc(BAND_VALUES * sizeof(*fill));
		if (!fill)
			return spoor_err_set(err, SPOOR_ENOMEM, 0,
					     "out of memory");
		memcpy(fill, st, BAND_VALUES * sizeof(*fill));
		for (size_t i = 0; i < s->n; i++)
			ids[fill[band_of(s->p[i].hash, b)]++] = (uint32_t)i;
		free(fill);
	}
	return SPOOR_OK;
}

static void note_pair(struct sim *s, uint32_t i, uint32_t j, int d)
{
	join(s, i, j);
	if (s->p[i].nearest < 0 || d < s->p[i].nearest)
		s->p[i].nearest = d;
	if (s->p[j].nearest < 0 || d < s->p[j].nearest)
		s->p[j].nearest = d;
}

/* Pairs (i, j > i) in bucket v of band b within maxd; a pair is taken
 * from the first band that holds it within the radius only. */
static void probe(struct sim *s, uint32_t i, int b, unsigned v, int maxd,
		  int radius)
{
	const unsigned char *q = s->p[i].hash;

	for (uint32_t k = s->start[b][v]; k < s->start[b][v + 1]; k++) {
		uint32_t j = s->ids[b][k];
		int d, c;

		if (j <= i)
			continue;
		d = spoor_pdq_distance(q, s->p[j].hash);
		if (d > maxd)
			continue;
		for (c = 0; c < b; c++)
			if (__builtin_popcount(band_of(q, c) ^
					       band_of(s->p[j].hash, c)) <=
			    radius)
				break;
		if (c == b)
			note_pair(s, i, j, d);
	}
}

static void search_all(struct sim *s, int maxd)
{
	int radius = maxd / BANDS;

	for (size_t i = 0; i < s->n; i++)
		for (int b = 0; b < BANDS; b++) {
			unsigned v = band_of(s->p[i].hash, b);

			probe(s, (uint32_t)i, b, v, maxd, radius);
			for (int x = 0; radius >= 1 && x < 16; x++) {
				probe(s, (uint32_t)i, b, v ^ 1u << x, maxd,
				      radius);
				for (int y = x + 1; radius >= 2 && y < 16; y++)
					probe(s, (uint32_t)i, b,
					      v ^ 1u << x ^ 1u << y, maxd,
					      radius);
			}
		}
}

struct member {
	uint32_t root, pic;
};

static int cmp_member(const void *x, const void *y)
{
	const struct member *a = x, *b = y;

	if (a->root != b->root)
		return (a->root > b->root) - (a->root < b->root);
	return (a->pic > b->pic) - (a->pic < b->pic);
}

static const char row_sql[] =
	"SELECT r.exhibit, json_extract(r.json, '$.path'), "
	"json_extract(r.json, '$.path_hex'), json_extract(r.json, '$.pdq'), "
	"json_extract(r.json, '$.pdq_quality'), "
	"json_extract(r.json, '$.sha256') FROM records r WHERE r.id = ?1";

/* One row per picture of a group that spans enough exhibits. */
static int emit(struct sim *s, sqlite3 *db, int64_t min_exhibits,
		spoor_artifact_cb *cb, void *ud, struct spoor_err *err)
{
	struct member *m = malloc((s->n ? s->n : 1) * sizeof(*m));
	unsigned char *seen = calloc(s->nex ? s->nex : 1, 1);
	sqlite3_stmt *st = NULL;
	size_t nm = 0, i = 0;
	int64_t group = 0;
	int rc = SPOOR_OK;

	if (!m || !seen) {
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < s->n; k++)
		if (s->p[k].nearest >= 0)
			m[nm++] = (struct member){ find(s, (uint32_t)k),
						   (uint32_t)k };
	qsort(m, nm, sizeof(*m), cmp_member);
	if (sqlite3_prepare_v2(db, row_sql, -1, &st, NULL) != SQLITE_OK) {
		rc = case_sql_err(db, err, "similar");
		goto out;
	}
	while (i < nm && !rc) {
		size_t j = i, nex = 0;

		memset(seen, 0, s->nex);
		for (; j < nm && m[j].root == m[i].root; j++)
			if (!seen[s->p[m[j].pic].exhibit]++)
				nex++;
		if ((int64_t)nex >= min_exhibits)
			group++;
		for (size_t k = i; (int64_t)nex >= min_exhibits && k < j &&
		     !rc; k++) {
			const struct pic *p = &s->p[m[k].pic];
			struct spoor_record r;

			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, p->record);
			if (sqlite3_step(st) != SQLITE_ROW) {
				rc = case_sql_err(db, err, "similar");
				break;
			}
			spoor_record_init(&r, "similar");
			spoor_record_int(&r, "group", group);
			spoor_record_int(&r, "exhibits", (int64_t)nex);
			spoor_record_str(&r, "exhibit",
					 (const char *)sqlite3_column_text(st,
									   0));
			spoor_record_str(&r, "path",
					 (const char *)sqlite3_column_text(st,
									   1));
			if (sqlite3_column_type(st, 2) != SQLITE_NULL)
				spoor_record_str(&r, "path_hex",
					(const char *)sqlite3_column_text(st,
									  2));
			spoor_record_int(&r, "distance", p->nearest);
			spoor_record_str(&r, "pdq",
					 (const char *)sqlite3_column_text(st,
									   3));
			spoor_record_int(&r, "pdq_quality",
					 sqlite3_column_int64(st, 4));
			spoor_record_str(&r, "sha256",
					 (const char *)sqlite3_column_text(st,
									   5));
			spoor_record_int(&r, "record_id", p->record);
			if (cb(ud, &r))
				rc = SPOOR_ESTOPPED;
		}
		i = j;
	}
out:
	sqlite3_finalize(st);
	free(m);
	free(seen);
	return rc;
}

int spoor_case_similar(struct spoor_case *c,
		       const struct spoor_similar_opts *o,
		       spoor_artifact_cb *cb, void *userdata,
		       struct spoor_err *err)
{
	struct sim s;
	int maxd = o && o->max_distance ? o->max_distance
		   : SPOOR_PDQ_MATCH_DISTANCE;
	int minq = !o || !o->min_quality ? SPOOR_PDQ_MIN_QUALITY
		   : o->min_quality < 0 ? 0 : o->min_quality;
	int64_t minex = o && o->min_exhibits ? o->min_exhibits : 2;
	int rc;

	if (!cb || maxd < 1 || maxd > 47 || minq < 0 || minq > 100)
		return spoor_err_set(err, SPOOR_EINVAL, 0, "similar: distance "
				     "must be 1..47 and quality 0..100");
	memset(&s, 0, sizeof(s));
	rc = load(&s, case_db(c), minq, err);
	if (!rc)
		rc = index_build(&s, err);
	if (!rc) {
		search_all(&s, maxd);
		rc = emit(&s, case_db(c), minex, cb, userdata, err);
	}
	for (int b = 0; b < BANDS; b++) {
		free(s.start[b]);
		free(s.ids[b]);
	}
	for (size_t i = 0; i < s.nex; i++)
		free(s.exhibits[i]);
	free(s.exhibits);
	free(s.p);
	return rc;
}
