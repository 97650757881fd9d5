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

/* The columns read, in this order after the rowid (pu_select). */
static const char *const cols[] = {
	"number", "date", "duration", "type", "features", "presentation",
	"name", "countryiso", "geocoded_location", NULL,
};

static int one_call(const struct spoor_host *h, struct spoor_stmt *st,
		    struct spoor_prov *prov, void *ctx)
{
	struct spoor_record r;
	struct spoor_phone ph = { "", "", NULL, false, 0 };
	const char *p;
	size_t len;
	int64_t type = h->col_int(st, 4);

	(void)ctx;
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
	spoor_p_time(&r, "time", "time_raw", "time_unit", h->col_int(st, 2),
		     !pu_is_null(h, st, 2), "unix_ms");
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
	return h->emit(h, &r, prov);
}

static int run(const struct spoor_host *h, const char *path)
{
	const char *base = strrchr(path, '/');
	struct spoor_db *db = h->db_open(h, path);
	struct pu_select q = { NULL, "c", "_id", cols, NULL, NULL, NULL,
			       false };
	int rc;

	base = base ? base + 1 : path;
	if (!db) {
		h->not_understood(h, path, "unreadable as SQLite");
		return 0;
	}
	q.table = h->db_has_table(db, "calls") ? "calls"
		: h->db_has_table(db, "logs") ? "logs" : NULL;
	if (!q.table) {
		/* a contacts2.db without calls is normal on newer Android,
		 * and logs.db is a common name: only calllog.db must have
		 * a call log */
		if (!strcmp(base, "calllog.db"))
			h->not_understood(h, path, "schema not recognised: "
					  "no calls or logs table");
		h->db_close(db);
		return 0;
	}
	rc = pu_select_each(h, db, &q, one_call, NULL);
	if (rc)
		h->not_understood(h, path, rc == -1 ? "a query failed: "
				  "unknown schema" : "reading the call log "
				  "failed");
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
