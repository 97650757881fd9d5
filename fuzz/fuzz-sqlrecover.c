/*
 * fuzz-sqlrecover: the page and record decoder of deleted-row recovery
 * (spoor_sqlrec_scan, lib/sqlrecover.c) on a hostile database and WAL.
 * The input is a 4-byte little-endian length n, then the database file
 * (n bytes, cut to what there is), then its WAL (the rest).  The tables
 * are those of the seeds (fuzz/seeds.sh): t (id INTEGER PRIMARY KEY,
 * a TEXT NOT NULL, b INTEGER, c REAL, d BLOB) at root 2, other (x TEXT,
 * y TEXT) at 3, one (z) at 4.  Every value yielded is read in full (ASan
 * sees a bad pointer or length), and a candidate's page, offset and
 * length must lie within the file it names.
 */
/* fuzz-options: -max_len=65536 */
#include "fuzz.h"
#include "spoor.h"

static const struct spoor_sqlrec_column tcols[] = {
	{ "id", "INTEGER", true, true },
	{ "a", "TEXT", true, false },
	{ "b", "INTEGER", false, false },
	{ "c", "REAL", false, false },
	{ "d", "BLOB", false, false },
};
static const struct spoor_sqlrec_column ocols[] = {
	{ "x", "TEXT", false, false },
	{ "y", "TEXT", false, false },
};
static const struct spoor_sqlrec_column zcols[] = {
	{ "z", "", false, false },
};

struct fz {
	size_t dblen, wallen;
	unsigned acc;
};

static int on_cand(void *ud, const struct spoor_sqlrec_cand *c)
{
	struct fz *f = ud;
	size_t ncols = c->table == 0 ? 5 : c->table == 1 ? 2 : 1;

	if (c->table > 2 || c->source < SPOOR_SQLREC_FREELIST ||
	    c->source > SPOOR_SQLREC_MAIN || !c->length ||
	    c->length > 65536 ||
	    c->offset + c->length > (c->in_wal ? f->wallen : f->dblen))
		abort();
	for (size_t j = 0; j < ncols; j++) {
		const struct spoor_sqlrec_value *v = &c->v[j];

		if ((v->lost || v->absent) && v->type != SPOOR_SQLREC_T_NULL)
			abort();
		if (v->type == SPOOR_SQLREC_T_TEXT ||
		    v->type == SPOOR_SQLREC_T_BLOB)
			f->acc += fz_touch(v->p, v->len);
		else if (v->len)
			abort();
	}
	f->acc += (unsigned)c->rowid + fz_touch(spoor_sqlrec_source_name(
		c->source), 4);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spoor_sqlrec_table t[3] = {
		{ "t", 2, tcols, 5, true, -1 },
		{ "other", 3, ocols, 2, true, -1 },
		{ "one", 4, zcols, 1, false, 7 },
	};
	struct spoor_sqlrec_stats st;
	struct spoor_err err;
	struct fz f = { 0 };
	uint8_t *db, *wal;
	size_t n;
	int rc;

	if (size < 4)
		return 0;
	n = (size_t)data[0] | (size_t)data[1] << 8 | (size_t)data[2] << 16 |
		(size_t)data[3] << 24;
	data += 4;
	size -= 4;
	if (n > size)
		n = size;
	/* copies of their own: a read past either end is ASan's to see */
	db = malloc(n ? n : 1);
	wal = malloc(size - n ? size - n : 1);
	if (!db || !wal)
		abort();
	memcpy(db, data, n);
	memcpy(wal, data + n, size - n);
	f.dblen = n;
	f.wallen = size - n;
	spoor_err_clear(&err);
	rc = spoor_sqlrec_scan(db, n, size - n ? wal : NULL, size - n, t, 3,
			       on_cand, &f, &st, &err);
	if (rc && (!err.msg[0] || !memchr(err.msg, 0, sizeof(err.msg))))
		abort();	/* an error always says what */
	if (rc && rc != SPOOR_EFORMAT && rc != SPOOR_EUNSUPPORTED &&
	    rc != SPOOR_ENOMEM)
		abort();
	free(db);
	free(wal);
	return (int)(f.acc & 0);
}
