/*
 * android-calllog: the call log of Android's contacts provider:
 * calllog.db (newer Android), the calls table of contacts2.db (older),
 * Samsung's logs.db (table logs).  docs/artifacts.md 3.8.
 */
#include "plugutil.h"

#include "banned.h"

static const char *call_type(int64_t t)
{
	switch (t) {
	case 1: return "incoming";
	case 2: return "outgoing";
	case 3: return "missed";
	case 4: return "voicemail";
	case 5: return "rejected";
	case 6: return "blocked";
	case 7: return "answered_externally";
	default: return "unknown";
	}
}

static const char *presentation(int64_t p)
{
	switch (p) {
	case 1: return "allowed";
	case 2: return "restricted";
	case 3: return "unknown";
	case 4: return "payphone";
	default: return NULL;
	}
}

static int run(const struct spoor_host *h, const char *path)
{
	const char *base = strrchr(path, '/');
	struct spoor_db *db = h->db_open(h, path);
	struct spoor_stmt *st;
	const char *t;
	char sql[1024], b[10][64];
	int rc;

	base = base ? base + 1 : path;
	if (!db) {
		h->not_understood(h, path, "unreadable as SQLite");
		return 0;
	}
	t = h->db_has_table(db, "calls") ? "calls"
		: h->db_has_table(db, "logs") ? "logs" : NULL;
	if (!t) {
		/* a contacts2.db without calls is normal on newer Android,
		 * and logs.db is a common name: only calllog.db must have
		 * a call log */
		if (!strcmp(base, "calllog.db"))
			h->not_understood(h, path, "schema not recognised: "
					  "no calls or logs table");
		h->db_close(db);
		return 0;
	}
	snprintf(sql, sizeof(sql), "SELECT c._id, %s, %s, %s, %s, %s, %s, %s, "
		 "%s, %s FROM \"%s\" c ORDER BY c._id",
		 pu_col(h, db, t, "c", "number", b[0], 64),
		 pu_col(h, db, t, "c", "date", b[1], 64),
		 pu_col(h, db, t, "c", "duration", b[2], 64),
		 pu_col(h, db, t, "c", "type", b[3], 64),
		 pu_col(h, db, t, "c", "features", b[4], 64),
		 pu_col(h, db, t, "c", "presentation", b[5], 64),
		 pu_col(h, db, t, "c", "name", b[6], 64),
		 pu_col(h, db, t, "c", "countryiso", b[7], 64),
		 pu_col(h, db, t, "c", "geocoded_location", b[8], 64), t);
	st = h->prepare(db, sql);
	if (!st) {
		h->not_understood(h, path, "a query failed: unknown schema");
		h->db_close(db);
		return 0;
	}
	while ((rc = h->step(st)) == 1) {
		struct spoor_prov prov = { NULL, t, h->col_int(st, 0), -1,
					   NULL };
		struct spoor_record r;
		struct spoor_phone ph = { 0 };
		const char *p;
		size_t len;
		int64_t type = h->col_int(st, 4);

		if (h->db_wal_only(db, t, prov.rowid))
			prov.recovered_from = "wal";
		spoor_p_init(&r, "call");
		spoor_p_str(&r, "app", "phone");
		p = pu_text(h, st, 1, &len);
		spoor_p_bytes(&r, "phone_raw", p, len);
		if (p && len)
			h->phone(h, p, h->option(h, "cc"), &ph);
		pu_phone(&r, "phone", &ph);
		p = pu_text(h, st, 7, &len);
		spoor_p_bytes(&r, "name", p, len);
		spoor_p_str(&r, "direction", call_type(type));
		spoor_p_int(&r, "kind_raw", type);
		spoor_p_bool(&r, "video", (h->col_int(st, 5) & 1) != 0);
		spoor_p_time(&r, "time", "time_raw", "time_unit",
			     h->col_int(st, 2), !pu_is_null(h, st, 2),
			     "unix_ms");
		if (pu_is_null(h, st, 3))
			spoor_p_null(&r, "duration");
		else
			spoor_p_int(&r, "duration", h->col_int(st, 3));
		spoor_p_str(&r, "presentation", pu_is_null(h, st, 6) ? NULL
			    : presentation(h->col_int(st, 6)));
		p = pu_text(h, st, 8, &len);
		spoor_p_bytes(&r, "country", p, len);
		p = pu_text(h, st, 9, &len);
		spoor_p_bytes(&r, "location", p, len);
		if (h->emit(h, &r, &prov))
			break;
	}
	h->finalize(st);
	if (rc < 0)
		h->not_understood(h, path, "reading the call log failed");
	h->db_close(db);
	return 0;
}

static const char *const types[] = { "call", NULL };
static const char *const patterns[] = { "calllog.db", "contacts2.db",
					"logs.db", NULL };

/* local_time and phone are ABI 1.2 members */
static int run_checked(const struct spoor_host *h, const char *path)
{
	return pu_host_1_2(h) ? run(h, path) : SPOOR_EUNSUPPORTED;
}
/* deleted rows the host recovers (spoor-plugin(7)) */
static const char *const recover_tables[] = {
	"calls", NULL,
};

const struct spoor_plugin spoor_plugin_android_calllog = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "android-calllog",
	.version = "1.0",
	.description = "Android call log (calllog.db, contacts2.db calls, "
		"Samsung logs.db)",
	.types = types,
	.patterns = patterns,
	.run = run_checked,
	.recover_tables = recover_tables,
};
