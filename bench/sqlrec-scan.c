/*
 * bench/sqlrec-scan.c: the page scan of deleted-row recovery alone
 * (spoor_sqlrec_scan) on one database file, for bench/sqlrecover.sh.
 * The schema comes from SQLite (an immutable=1 open: the file is not
 * touched); the tables named are wanted, the others only told apart.
 * Prints the records found per source, the dropped ones and the time of
 * the scan itself (the file is read with mmap, as the host does).
 *
 * usage: sqlrec-scan DB TABLE...
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "spoor.h"

static int count(void *ud, const struct spoor_sqlrec_cand *c)
{
	(void)c;
	(*(unsigned long *)ud)++;
	return 0;
}

int main(int argc, char **argv)
{
	struct spoor_sqlrec_table t[512];
	struct spoor_sqlrec_stats st;
	struct spoor_err err;
	struct timespec a, b;
	struct stat sb;
	sqlite3 *db;
	sqlite3_stmt *q, *c;
	char uri[4200];
	unsigned long n = 0;
	size_t nt = 0;
	void *m;
	int fd, rc;

	if (argc < 3) {
		fprintf(stderr, "usage: sqlrec-scan DB TABLE...\n");
		return 2;
	}
	snprintf(uri, sizeof(uri), "file:%s?immutable=1", argv[1]);
	if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
			    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT name, rootpage FROM sqlite_schema "
			       "WHERE type = 'table' AND rootpage > 0 AND "
			       "sql NOT LIKE '%WITHOUT ROWID%'", -1, &q,
			       NULL) != SQLITE_OK)
		return 3;
	while (sqlite3_step(q) == SQLITE_ROW && nt < 512) {
		struct spoor_sqlrec_column *cols = calloc(2000, sizeof(*cols));
		size_t k = 0;
		int npk = 0, pk = -1;

		memset(&t[nt], 0, sizeof(t[nt]));
		t[nt].name = strdup((const char *)sqlite3_column_text(q, 0));
		t[nt].root = (uint32_t)sqlite3_column_int(q, 1);
		t[nt].max_rowid = -1;
		sqlite3_prepare_v2(db, "SELECT name, type, \"notnull\", pk FROM "
				   "pragma_table_info(?1)", -1, &c, NULL);
		sqlite3_bind_text(c, 1, t[nt].name, -1, SQLITE_STATIC);
		while (sqlite3_step(c) == SQLITE_ROW && k < 2000) {
			cols[k].name = strdup((const char *)
					      sqlite3_column_text(c, 0));
			cols[k].type = strdup((const char *)
					      sqlite3_column_text(c, 1));
			cols[k].notnull = sqlite3_column_int(c, 2) ||
				sqlite3_column_int(c, 3);
			if (sqlite3_column_int(c, 3)) {
				npk++;
				pk = (int)k;
			}
			k++;
		}
		sqlite3_finalize(c);
		if (npk == 1 && !strcasecmp(cols[pk].type, "INTEGER"))
			cols[pk].rowid_alias = true;
		t[nt].cols = cols;
		t[nt].ncols = k;
		for (int i = 2; i < argc; i++)
			t[nt].wanted |= !strcmp(argv[i], t[nt].name);
		nt++;
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &sb))
		return 3;
	m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		return 3;
	clock_gettime(CLOCK_MONOTONIC, &a);
	rc = spoor_sqlrec_scan(m, (size_t)sb.st_size, NULL, 0, t, nt, count,
			       &n, &st, &err);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (rc) {
		fprintf(stderr, "sqlrec-scan: %s\n", err.msg);
		return 1;
	}
	printf("%.2f s: %lu records (freelist %llu, freeblock %llu, "
	       "unallocated %llu), %llu dropped, %llu pages\n",
	       (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9,
	       n, (unsigned long long)st.found[SPOOR_SQLREC_FREELIST],
	       (unsigned long long)st.found[SPOOR_SQLREC_FREEBLOCK],
	       (unsigned long long)st.found[SPOOR_SQLREC_UNALLOCATED],
	       (unsigned long long)st.dropped, (unsigned long long)st.pages);
	return 0;
}
