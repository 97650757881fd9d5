/*
 * t-sqlrecover: the page-level recovery engine (spoor_sqlrec_scan).
 *
 * On databases SQLite itself writes here (secure_delete off, rows
 * deleted, the space reused; rollback journal and WAL), every value the
 * scan yields must be the value SQLite was given for that row: the rows
 * are generated from their number, so the test knows each one.  On
 * damaged and hostile page structures (loops in the freelist, the tree
 * and freeblock chains, cell pointers and counts out of range, huge
 * varints, a bad header or WAL, a thousand random corruptions) the scan
 * ends, counts the damage and never crashes (ASan and UBSan in CI).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "spoor.h"
#include "tap.h"

#include "banned.h"

#define NROWS 300

static const struct spoor_sqlrec_column cols[] = {
	{ "id", "INTEGER", true, true },
	{ "a", "TEXT", true, false },
	{ "b", "INTEGER", false, false },
	{ "c", "REAL", false, false },
	{ "d", "BLOB", false, false },
};

static char dir[4096];

/* Row i's values, as the test inserts them. */
static void row_text(int i, char *buf, size_t size)
{
	static const char *const w[] = { "hoi", "morgen", "station", "geld",
					 "foto", "😊", "zaterdag", "ë" };
	size_t n = (size_t)(i * 7919 % 97);	/* 0..96 words */
	size_t len = (size_t)snprintf(buf, size, "row%04d", i);

	for (size_t k = 0; k < n && len + 12 < size; k++)
		len += (size_t)snprintf(buf + len, size - len, " %s",
					w[(i + k) % 8]);
}

static int64_t row_b(int i)
{
	return i % 4 == 0 ? (int64_t)i * 1000003 * 1000003 : i * 31;
}

static double row_c(int i)
{
	return i + 0.25;
}

static size_t row_d(int i, unsigned char *buf)
{
	size_t n = (size_t)(i % 5) * 40;

	for (size_t k = 0; k < n; k++)
		buf[k] = (unsigned char)(i + k);
	return n;
}

static int exec(sqlite3 *db, const char *sql)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		diag("%s: %s", sql, sqlite3_errmsg(db));
	return rc;
}

static void insert(sqlite3 *db, sqlite3_stmt *st, int i)
{
	char text[2048];
	unsigned char blob[256];
	size_t n = row_d(i, blob);

	row_text(i, text, sizeof(text));
	sqlite3_reset(st);
	sqlite3_bind_int(st, 1, i);
	sqlite3_bind_text(st, 2, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, row_b(i));
	sqlite3_bind_double(st, 4, row_c(i));
	if (n)
		sqlite3_bind_blob(st, 5, blob, (int)n, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 5);
	if (sqlite3_step(st) != SQLITE_DONE)
		diag("insert %d: %s", i, sqlite3_errmsg(db));
}

static unsigned char *slurp(const char *path, size_t *len)
{
	struct stat sb;
	unsigned char *buf;
	int fd = open(path, O_RDONLY);

	*len = 0;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) || !(buf = malloc((size_t)sb.st_size + 1))) {
		close(fd);
		return NULL;
	}
	while (*len < (size_t)sb.st_size) {
		ssize_t n = read(fd, buf + *len, (size_t)sb.st_size - *len);

		if (n <= 0)
			break;
		*len += (size_t)n;
	}
	close(fd);
	return buf;
}

static void copy(const char *from, const char *to)
{
	size_t len;
	unsigned char *b = slurp(from, &len);
	int fd = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (b && fd >= 0 && write(fd, b, len) != (ssize_t)len)
		diag("cannot copy %s", from);
	if (fd >= 0)
		close(fd);
	free(b);
}

/*
 * Write NROWS rows to NAME (page size psz), delete every third, insert
 * 20 more; in WAL mode the first rows go to the main file and the rest
 * stays in the WAL, copied to NAME.copy(-wal) while still open.  The
 * root pages of t and other into root[0], root[1].
 */
static int make_db(const char *name, int psz, bool wal, uint32_t *root)
{
	char path[4200], sql[256], to[4300];
	sqlite3 *db;
	sqlite3_stmt *st, *q;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	snprintf(sql, sizeof(sql), "PRAGMA page_size=%d", psz);
	rc = exec(db, sql) || exec(db, "PRAGMA secure_delete=OFF") ||
		exec(db, "PRAGMA synchronous=OFF") ||
		exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT "
		     "NULL, b INTEGER, c REAL, d BLOB)") ||
		exec(db, "CREATE TABLE other (x TEXT, y TEXT)") ||
		exec(db, "INSERT INTO other VALUES ('een', 'twee')");
	if (rc || sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?1, ?2, ?3, "
				     "?4, ?5)", -1, &st, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return -1;
	}
	for (int i = 1; i <= NROWS; i++)
		insert(db, st, i);
	if (wal)
		rc = exec(db, "PRAGMA journal_mode=WAL") ||
			exec(db, "PRAGMA wal_autocheckpoint=0");
	for (int i = 3; !rc && i <= NROWS; i += 3) {
		snprintf(sql, sizeof(sql), "DELETE FROM t WHERE id = %d", i);
		rc = exec(db, sql);
	}
	for (int i = NROWS + 1; !rc && i <= NROWS + 20; i++)
		insert(db, st, i);
	sqlite3_finalize(st);
	root[0] = root[1] = 0;
	if (sqlite3_prepare_v2(db, "SELECT rootpage FROM sqlite_schema WHERE "
			       "name IN ('t', 'other') ORDER BY name = 'other'",
			       -1, &q, NULL) == SQLITE_OK)
		for (int k = 0; k < 2 && sqlite3_step(q) == SQLITE_ROW; k++)
			root[k] = (uint32_t)sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	if (wal) {
		snprintf(to, sizeof(to), "%s.copy", path);
		copy(path, to);
		snprintf(path + strlen(path), 8, "-wal");
		snprintf(to + strlen(to), 8, "-wal");
		copy(path, to);
	}
	sqlite3_close(db);
	return rc ? -1 : 0;
}

/* What the callback saw. */
struct seen {
	int wrong, yielded, partial;
	int by_source[6];
	unsigned char found[NROWS + 21];	/* deleted rows seen */
	int stop_after;				/* stop after this many */
	bool quiet;				/* corrupted on purpose */
};

static bool same_value(const struct spoor_sqlrec_value *v, int i, int col)
{
	char text[2048];
	unsigned char blob[256];
	size_t n;

	if (v->lost || v->absent)
		return true;	/* not known: nothing claimed */
	switch (col) {
	case 0:
		return v->type == SPOOR_SQLREC_T_INT && v->i == i;
	case 1:
		row_text(i, text, sizeof(text));
		return v->type == SPOOR_SQLREC_T_TEXT &&
			v->len == strlen(text) && !memcmp(v->p, text, v->len);
	case 2:
		return v->type == SPOOR_SQLREC_T_INT && v->i == row_b(i);
	case 3:
		return v->type == SPOOR_SQLREC_T_FLOAT && v->d == row_c(i);
	default:
		n = row_d(i, blob);
		return n ? v->type == SPOOR_SQLREC_T_BLOB && v->len == n &&
			!memcmp(v->p, blob, n) : v->type == SPOOR_SQLREC_T_NULL;
	}
}

/* The row a candidate claims to be: its rowid, else the number in its
 * text ("rowNNNN"); 0 when neither is known. */
static int which(const struct spoor_sqlrec_cand *c)
{
	const struct spoor_sqlrec_value *a = &c->v[1];
	int i = 0;

	if (c->have_rowid)
		return c->rowid > 0 && c->rowid <= NROWS + 20 ?
			(int)c->rowid : -1;
	if (a->lost || a->type != SPOOR_SQLREC_T_TEXT || a->len < 7 ||
	    memcmp(a->p, "row", 3))
		return 0;
	for (int k = 3; k < 7; k++)
		i = i * 10 + (a->p[k] - '0');
	return i;
}

static int on_cand(void *ud, const struct spoor_sqlrec_cand *c)
{
	struct seen *s = ud;
	int i = which(c);
	bool ok = c->table == 0 && i != -1;

	s->yielded++;
	s->partial += c->partial;
	if (c->source >= 1 && c->source <= 5)
		s->by_source[c->source]++;
	for (int col = 0; ok && i > 0 && col < 5; col++)
		ok = same_value(&c->v[col], i, col);
	if (!ok) {
		s->wrong++;
		if (!s->quiet)
			diag("wrong candidate: rowid %lld (%s) page %u offset %llu",
		     c->have_rowid ? (long long)c->rowid : -1LL,
		     spoor_sqlrec_source_name(c->source), c->page,
		     (unsigned long long)c->offset);
	} else if (i > 0 && i % 3 == 0 && i <= NROWS) {
		s->found[i] = 1;
	}
	return s->stop_after && s->yielded >= s->stop_after;
}

static int found_deleted(const struct seen *s)
{
	int n = 0;

	for (int i = 3; i <= NROWS; i += 3)
		n += s->found[i];
	return n;
}

/* The deleted rows whose whole text is still somewhere in the bytes (a
 * plain search), and how many of them the scan found. */
static int present(const struct seen *s, const unsigned char *a, size_t alen,
		   const unsigned char *b, size_t blen, int *found)
{
	char text[2048];
	int n = 0;

	*found = 0;
	for (int i = 3; i <= NROWS; i += 3) {
		row_text(i, text, sizeof(text));
		if (memmem(a, alen, text, strlen(text)) ||
		    (b && memmem(b, blen, text, strlen(text)))) {
			n++;
			*found += s->found[i];
		}
	}
	return n;
}

static void tables(struct spoor_sqlrec_table *t, const uint32_t *root)
{
	static const struct spoor_sqlrec_column ocols[] = {
		{ "x", "TEXT", false, false },
		{ "y", "TEXT", false, false },
	};

	memset(t, 0, 2 * sizeof(*t));
	t[0].name = "t";
	t[0].root = root[0];
	t[0].cols = cols;
	t[0].ncols = 5;
	t[0].wanted = true;
	t[0].max_rowid = -1;
	t[1].name = "other";
	t[1].root = root[1];
	t[1].cols = ocols;
	t[1].ncols = 2;
	t[1].max_rowid = -1;
}

static int scan(const unsigned char *db, size_t dblen,
		const unsigned char *wal, size_t wallen, const uint32_t *root,
		struct seen *s, struct spoor_sqlrec_stats *st)
{
	struct spoor_sqlrec_table t[2];
	struct spoor_err err;

	tables(t, root);
	return spoor_sqlrec_scan(db, dblen, wal, wallen, t, 2, on_cand, s, st,
				 &err);
}

static void test_rollback(void)
{
	struct spoor_sqlrec_stats st;
	struct seen s = { 0 };
	char path[4200];
	unsigned char *db;
	size_t len;
	uint32_t root[2];

	ok(!make_db("r.db", 1024, false, root), "rollback database made");
	snprintf(path, sizeof(path), "%s/r.db", dir);
	db = slurp(path, &len);
	is_int(scan(db, len, NULL, 0, root, &s, &st), 0, "rollback: scan");
	is_int(s.wrong, 0, "rollback: every value is the one SQLite was given");
	{
		int f, n = present(&s, db, len, NULL, 0, &f);

		ok(f >= n * 95 / 100 && n > NROWS / 6, "rollback: %d of the %d "
		   "deleted rows whose text is still there found (%d of %d "
		   "in all)", f, n, found_deleted(&s), NROWS / 3);
	}
	ok(s.by_source[SPOOR_SQLREC_FREEBLOCK] > 0 && s.partial > 0,
	   "rollback: freeblocks (%d), partial records (%d)",
	   s.by_source[SPOOR_SQLREC_FREEBLOCK], s.partial);
	is_int(s.by_source[SPOOR_SQLREC_WAL_SUPERSEDED] +
	       s.by_source[SPOOR_SQLREC_MAIN], 0, "rollback: no WAL sources");
	free(db);
}

static void test_wal(void)
{
	struct spoor_sqlrec_stats st;
	struct seen s = { 0 };
	char path[4200];
	unsigned char *db, *wal;
	size_t len, wlen;
	uint32_t root[2];

	ok(!make_db("w.db", 1024, true, root), "WAL database made");
	snprintf(path, sizeof(path), "%s/w.db.copy", dir);
	db = slurp(path, &len);
	snprintf(path, sizeof(path), "%s/w.db.copy-wal", dir);
	wal = slurp(path, &wlen);
	ok(wal && wlen > 32, "WAL: the -wal was copied while open");
	is_int(scan(db, len, wal, wlen, root, &s, &st), 0, "WAL: scan");
	is_int(s.wrong, 0, "WAL: every value is the one SQLite was given");
	is_int(found_deleted(&s), NROWS / 3,
	       "WAL: every deleted row found (main file, old frames)");
	ok(s.by_source[SPOOR_SQLREC_MAIN] > 0 &&
	   s.by_source[SPOOR_SQLREC_WAL_SUPERSEDED] > 0,
	   "WAL: from the main file (%d) and superseded frames (%d)",
	   s.by_source[SPOOR_SQLREC_MAIN],
	   s.by_source[SPOOR_SQLREC_WAL_SUPERSEDED]);
	ok(st.wal_frames > 0, "WAL: %llu frames",
	   (unsigned long long)st.wal_frames);
	/* the callback stops the scan */
	memset(&s, 0, sizeof(s));
	s.stop_after = 3;
	is_int(scan(db, len, wal, wlen, root, &s, &st), SPOOR_ESTOPPED,
	       "a non-zero callback stops the scan");
	is_int(s.yielded, 3, "and nothing is yielded after");
	/* a WAL of another page size is not read */
	wal[11] ^= 0x02;
	memset(&s, 0, sizeof(s));
	is_int(scan(db, len, wal, wlen, root, &s, &st), 0,
	       "WAL of another page size: scan");
	ok(st.damaged > 0 && !s.by_source[SPOOR_SQLREC_WAL_SUPERSEDED],
	   "WAL of another page size: counted as damage, not read");
	wal[11] ^= 0x02;
	/* a broken checksum: frames from there on are not this WAL's */
	wal[32 + 24 + 100] ^= 0xff;
	memset(&s, 0, sizeof(s));
	is_int(scan(db, len, wal, wlen, root, &s, &st), 0,
	       "WAL with a broken first frame: scan");
	is_int(s.wrong, 0, "WAL with a broken first frame: nothing wrong");
	free(db);
	free(wal);
}

static void put4(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t get4(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

/* A first page of the given type (after page 1) in the image. */
static unsigned char *find_page(unsigned char *db, size_t len, int psz,
				unsigned char type)
{
	for (size_t off = (size_t)psz; off + (size_t)psz <= len;
	     off += (size_t)psz)
		if (db[off] == type)
			return db + off;
	return NULL;
}

struct hostile {
	const char *what;
	bool damage;		/* the scan must count damage */
};

/* Damage a copy of the image in one of the ways below. */
static bool damage(unsigned char *db, size_t len, int psz, uint32_t root,
		   int k)
{
	unsigned char *pg;
	uint32_t trunk = get4(db + 32);

	switch (k) {
	case 0:		/* the freelist's trunk points back at itself */
		if (!trunk)
			return false;
		put4(db + (size_t)(trunk - 1) * psz, trunk);
		return true;
	case 1:		/* the freelist's first trunk is beyond the file */
		put4(db + 32, 0x7fffffff);
		return true;
	case 2:		/* an interior page's child is the root itself */
		pg = db + (size_t)(root - 1) * psz;
		if (pg[0] != 0x05)
			return false;
		put4(pg + 8, root);
		return true;
	case 3:		/* a leaf claims 65535 cells */
		if (!(pg = find_page(db, len, psz, 0x0d)))
			return false;
		pg[3] = pg[4] = 0xff;
		return true;
	case 4:		/* a freeblock whose next is itself */
		if (!(pg = find_page(db, len, psz, 0x0d)))
			return false;
		pg[1] = 0x01;
		pg[2] = 0x00;
		pg[0x100] = 0x01;
		pg[0x101] = 0x00;
		pg[0x102] = 0x00;
		pg[0x103] = 0x20;
		return true;
	case 5:		/* huge varints everywhere in a leaf's free space */
		if (!(pg = find_page(db, len, psz, 0x0d)))
			return false;
		memset(pg + 0x40, 0xff, (size_t)psz - 0x80);
		return true;
	case 6:		/* every cell pointer of a leaf out of range */
		if (!(pg = find_page(db, len, psz, 0x0d)))
			return false;
		for (int i = 0; i < pg[4] && 8 + 2 * i + 1 < psz; i++)
			pg[8 + 2 * i] = pg[9 + 2 * i] = 0xff;
		return true;
	case 7:		/* a free leaf's overflow "next" loops (free pages
			 * that are followed as overflow chains) */
		for (size_t off = (size_t)psz; off + (size_t)psz <= len;
		     off += (size_t)psz)
			put4(db + off, (uint32_t)(off / (size_t)psz) + 1);
		return true;
	default:
		return false;
	}
}

static void test_hostile(void)
{
	static const struct hostile cases[] = {
		{ "freelist trunk loop", true },
		{ "freelist trunk out of range", true },
		{ "tree loop through the root", true },
		{ "65535 cells", true },
		{ "freeblock loop", true },
		{ "0xff varints", false },
		{ "cell pointers out of range", false },
		{ "every page's first word points at itself", true },
	};
	struct spoor_sqlrec_stats st;
	struct spoor_err err;
	char path[4200];
	unsigned char *db, *copy2;
	size_t len;
	uint32_t root[2];
	unsigned seed = 20;

	ok(!make_db("h.db", 512, false, root), "a small database to damage");
	snprintf(path, sizeof(path), "%s/h.db", dir);
	db = slurp(path, &len);
	copy2 = malloc(len);
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct seen s = { .quiet = true };	/* values damaged too */

		memcpy(copy2, db, len);
		if (!damage(copy2, len, 512, root[0], (int)k)) {
			ok(1, "# skip %s: no such page here", cases[k].what);
			ok(1, "# skip");
			continue;
		}
		is_int(scan(copy2, len, NULL, 0, root, &s, &st), 0,
		       cases[k].what);
		ok(!cases[k].damage || st.damaged > 0,
		   "%s: %llu damaged structures counted", cases[k].what,
		   (unsigned long long)st.damaged);
	}
	/* a thousand random corruptions: ends, never crashes */
	for (int n = 0; n < 1000; n++) {
		struct seen s = { .quiet = true };
		int rc;

		memcpy(copy2, db, len);
		for (int m = 0; m < 1 + n % 40; m++) {
			seed = seed * 1103515245 + 12345;
			copy2[100 + (seed >> 8) % (len - 100)] =
				(unsigned char)(seed >> 20);
		}
		rc = scan(copy2, len, copy2, len, root, &s, &st);
		if (rc && rc != SPOOR_EFORMAT) {
			ok(0, "random corruption %d: rc %d", n, rc);
			break;
		}
	}
	ok(1, "1000 random corruptions (the image as its own WAL too)");
	/* headers */
	memcpy(copy2, db, len);
	copy2[16] = 0;
	copy2[17] = 3;
	is_int(spoor_sqlrec_scan(copy2, len, NULL, 0, NULL, 0, NULL, NULL,
				 &st, &err), SPOOR_EFORMAT, "page size 3");
	ok(err.msg[0] != '\0', "with a message: %s", err.msg);
	memcpy(copy2, db, len);
	copy2[59] = 2;
	is_int(spoor_sqlrec_scan(copy2, len, NULL, 0, NULL, 0, NULL, NULL,
				 &st, &err), SPOOR_EUNSUPPORTED,
	       "UTF-16: not recovered from");
	is_int(spoor_sqlrec_scan(db, 99, NULL, 0, NULL, 0, NULL, NULL, &st,
				 &err), SPOOR_EFORMAT, "99 bytes");
	is_int(spoor_sqlrec_scan((const unsigned char *)"not a database at "
				 "all, only some text, long enough to hold a"
				 " header of a hundred bytes, so it is read",
				 105, NULL, 0, NULL, 0, NULL, NULL, &st,
				 &err), SPOOR_EFORMAT, "text");
	is_int(spoor_sqlrec_scan(db, len, NULL, 0, NULL, 0, NULL, NULL, &st,
				 &err), 0, "no tables: nothing to find");
	free(copy2);
	free(db);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/t-sqlrecover.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		diag("mkdtemp: %s", strerror(errno));
		return 1;
	}
	test_rollback();
	test_wal();
	test_hostile();
	{
		const char *names[] = { "r.db", "w.db", "w.db-wal", "w.db-shm",
					"w.db.copy", "w.db.copy-wal", "h.db" };
		char p[4200];

		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]);
		     i++) {
			snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
			unlink(p);
		}
		rmdir(dir);
	}
	return done_testing();
}
