/*
 * casedb.h: pieces shared by the case modules (casedb*.c).  Internal.
 */
#ifndef SPOOR_CASEDB_H
#define SPOOR_CASEDB_H

#include "internal.h"

#include <sqlite3.h>

/* The time now, "YYYY-MM-DDTHH:MM:SSZ". */
void case_now(char out[SPOOR_TIME_STR_MAX]);
/* Fill err from the database's last error; "locked" is SPOOR_EIO. */
int case_sql_err(sqlite3 *db, struct spoor_err *err, const char *what);
sqlite3 *case_db(struct spoor_case *c);
/* argv as a JSON array; argc < 0: argv is NULL-terminated. */
void case_json_argv(struct sbuf *b, int argc, const char *const *argv);

/* A custody event being built: one JSON object. */
struct ev {
	struct sbuf b;
	int n;
};
void ev_start(struct ev *e, const char *event, const char *exhibit,
	      const char *sha256, const char *examiner);
void ev_key(struct ev *e, const char *key);
void ev_str(struct ev *e, const char *key, const char *val);
void ev_int(struct ev *e, const char *key, int64_t v);
void ev_raw(struct ev *e, const char *key, const char *json);
void ev_tool(struct ev *e, const char *name, const char *version,
	     int argc, const char *const *argv);
/* Close the object, append it to the case's log (seq may be NULL). */
int ev_append(struct spoor_case *c, struct ev *e, uint64_t *seq,
	      struct spoor_err *err);

/* The media of a container exhibit (casedb_media.c): sets media_json
 * (owned[3]), media_verdict, media_error; progress in *p. */
int case_media(const char *path, struct spoor_case_exhibit *e,
	       spoor_progress_cb *cb, void *ud, struct spoor_progress *p,
	       struct spoor_err *err);

/* The SQL of the identities view (one parameter: min_exhibits). */
extern const char case_identities_sql[];
/* The JSON keys it reads identities from, as an SQL list. */
extern const char case_identity_keys[];

/*
 * spoor_case_timeline's entries on db (a connection to a case database,
 * such as the report's), file, message, call and contact entries only:
 * of the records r for which the SQL condition pre holds (NULL: all;
 * it picks records before their entries are made and sorted), the
 * entries for which the condition where holds (NULL: all).  where may
 * name the columns rid (record id), kind, k1 (the time to the second:
 * UTC "YYYY-MM-DDTHH:MM:SS", or a local reading when t is NULL), t (the
 * UTC time or NULL) and tloc of the entries.
 */
int case_timeline_where(sqlite3 *db, const struct spoor_timeline_opts *o,
			const char *pre, const char *where,
			spoor_artifact_cb *cb, void *ud, uint64_t *unplaced,
			struct spoor_err *err);

#endif
