/*
 * ios-callhistory: the iOS call log, CallHistory.storedata (Core Data,
 * ZCALLRECORD; docs/artifacts.md 3.11): phone and FaceTime calls, and
 * the calls of CallKit apps (WhatsApp, Telegram, Signal, ...) with the
 * app from ZSERVICE_PROVIDER.  Also CallHistoryTemp.storedata, and the
 * iOS 7 and older call_history.db (call table, Unix seconds).
 */
#include "plugutil.h"
#include "ios-util.h"

#include "banned.h"

static const struct {
	const char *provider, *app;
} providers[] = {
	{ "com.apple.Telephony", "phone" },
	{ "com.apple.FaceTime", "facetime" },
	{ "net.whatsapp.WhatsApp", "whatsapp" },
	{ "net.whatsapp.WhatsAppSMB", "whatsapp-business" },
	{ "ph.telegra.Telegraph", "telegram" },
	{ "org.whispersystems.signal", "signal" },
	{ "com.skype.skype", "skype" },
	{ "com.viber", "viber" },
};

static const char *app_of(const char *p, size_t len, int64_t calltype)
{
	for (size_t i = 0; p && i < sizeof(providers) / sizeof(providers[0]); i++)
		if (strlen(providers[i].provider) == len &&
		    !memcmp(p, providers[i].provider, len))
			return providers[i].app;
	if (!p)	/* older records have no provider: the call type says */
		return calltype == 1 ? "phone" : calltype == 8 ||
			calltype == 16 ? "facetime" : NULL;
	return "other";
}

static const char *call_kind(int64_t t)
{
	switch (t) {
	case 0: return "third-party";
	case 1: return "phone";
	case 8: return "facetime-video";
	case 16: return "facetime-audio";
	default: return "unknown";
	}
}

static const char *const zcall_cols[] = {
	"ZADDRESS", "ZDATE", "ZDURATION", "ZORIGINATED", "ZANSWERED",
	"ZCALLTYPE", "ZSERVICE_PROVIDER", "ZNAME", "ZISO_COUNTRY_CODE",
	"ZLOCATION", "ZDISCONNECTED_CAUSE", "ZUNIQUE_ID", NULL,
};

static int one_zcall(const struct spoor_host *h, struct spoor_stmt *st,
		     struct spoor_prov *prov, void *ctx)
{
	struct spoor_record r;
	struct spoor_phone ph = { "", "", NULL, false, 0 };
	char addr[200], tbuf[48], dbuf[48];
	const char *p, *prov_p;
	size_t len, plen;
	int64_t type = h->col_int(st, 6);
	bool out = h->col_int(st, 4) != 0;
	bool answered = h->col_int(st, 5) != 0;
	double dur = h->col_double(st, 3);

	(void)ctx;
	spoor_p_init(&r, "call");
	prov_p = pu_text(h, st, 7, &plen);
	spoor_p_str(&r, "app", app_of(prov_p, plen, type));
	spoor_p_bytes(&r, "service_provider", prov_p, plen);
	/* ZADDRESS: text, or a blob of the same bytes */
	p = pu_text(h, st, 1, &len);
	spoor_p_bytes(&r, "phone_raw", p, len);
	/* Telegram puts its user id here, not a number */
	if (p && len && len < sizeof(addr) && !memchr(p, '\0', len) &&
	    !memchr(p, '@', len) && strcmp(app_of(prov_p, plen, type),
					   "telegram")) {
		memcpy(addr, p, len);
		addr[len] = '\0';
		h->phone(h, addr, h->option(h, "cc"), &ph);
	}
	pu_phone(&r, "phone", &ph);
	p = pu_text(h, st, 8, &len);
	spoor_p_bytes(&r, "name", p, len);
	spoor_p_str(&r, "direction", out ? "outgoing" : answered
		    ? "incoming" : "missed");
	spoor_p_bool(&r, "from_me", out);
	spoor_p_bool(&r, "answered", answered);
	spoor_p_str(&r, "kind", call_kind(type));
	spoor_p_int(&r, "kind_raw", type);
	spoor_p_bool(&r, "video", type == 8);
	ios_time_real(&r, "time", "time_raw", "time_unit",
		      h->col_double(st, 2), !pu_is_null(h, st, 2),
		      tbuf, sizeof(tbuf));
	if (pu_is_null(h, st, 3) || dur != dur || dur < 0 || dur > 1e9)
		spoor_p_null(&r, "duration");
	else
		spoor_p_int(&r, "duration", (int64_t)(dur + 0.5));
	snprintf(dbuf, sizeof(dbuf), "%.3f", dur);
	spoor_p_str(&r, "duration_raw", pu_is_null(h, st, 3) ? NULL : dbuf);
	p = pu_text(h, st, 9, &len);
	spoor_p_bytes(&r, "country", p, len);
	p = pu_text(h, st, 10, &len);
	spoor_p_bytes(&r, "location", p, len);
	spoor_p_int(&r, "disconnected_cause", h->col_int(st, 11));
	p = pu_text(h, st, 12, &len);
	spoor_p_bytes(&r, "key_id", p, len);
	return h->emit(h, &r, prov);
}

/* iOS 7 and older: call(ROWID, address, date (Unix s), duration,
 * flags); flags bit 0 set for outgoing calls (iPhone Backup Analyzer's
 * reading; raw value kept). */
static const char *const legacy_cols[] = {
	"address", "date", "duration", "flags", "name", NULL,
};

static int one_legacy(const struct spoor_host *h, struct spoor_stmt *st,
		      struct spoor_prov *prov, void *ctx)
{
	struct spoor_record r;
	struct spoor_phone ph = { "", "", NULL, false, 0 };
	const char *p;
	size_t len;
	int64_t fl = h->col_int(st, 4);

	(void)ctx;
	spoor_p_init(&r, "call");
	spoor_p_str(&r, "app", "phone");
	p = pu_text(h, st, 1, &len);
	spoor_p_bytes(&r, "phone_raw", p, len);
	if (p && len && !memchr(p, '\0', len))
		h->phone(h, p, h->option(h, "cc"), &ph);
	pu_phone(&r, "phone", &ph);
	p = pu_text(h, st, 5, &len);
	spoor_p_bytes(&r, "name", p, len);
	spoor_p_str(&r, "direction", fl & 1 ? "outgoing" : "incoming");
	spoor_p_bool(&r, "from_me", (fl & 1) != 0);
	spoor_p_int(&r, "kind_raw", fl);
	spoor_p_time(&r, "time", "time_raw", "time_unit", h->col_int(st, 2),
		     !pu_is_null(h, st, 2), "unix_s");
	if (pu_is_null(h, st, 3))
		spoor_p_null(&r, "duration");
	else
		spoor_p_int(&r, "duration", h->col_int(st, 3));
	return h->emit(h, &r, prov);
}

static const struct pu_select zcall = {
	"ZCALLRECORD", "c", "Z_PK", zcall_cols, NULL, NULL, NULL, false,
};
static const struct pu_select legacy = {
	"call", "c", "ROWID", legacy_cols, NULL, NULL, NULL, false,
};

static int run(const struct spoor_host *h, const char *path)
{
	struct spoor_db *db = h->db_open(h, path);
	int rc;

	if (!db) {
		h->not_understood(h, path, "unreadable as SQLite");
		return 0;
	}
	if (h->db_has_table(db, "ZCALLRECORD"))
		rc = pu_select_each(h, db, &zcall, one_zcall, NULL);
	else if (h->db_has_table(db, "call"))
		rc = pu_select_each(h, db, &legacy, one_legacy, NULL);
	else {
		h->not_understood(h, path, "schema not recognised: no "
				  "ZCALLRECORD or call table");
		h->db_close(db);
		return 0;
	}
	if (rc)
		h->not_understood(h, path, "a query failed: unknown schema");
	h->db_close(db);
	return 0;
}

static const char *const types[] = { "call", NULL };
static const char *const patterns[] = {
	"CallHistory.storedata", "CallHistoryTemp.storedata",
	"*/Library/CallHistory/call_history.db", NULL,
};

/* local_time and phone are ABI 1.2 members */
static int run_checked(const struct spoor_host *h, const char *path)
{
	return pu_host_1_2(h) ? run(h, path) : SPOOR_EUNSUPPORTED;
}
/* deleted rows the host recovers (spoor-plugin(7)) */
static const char *const recover_tables[] = {
	"ZCALLRECORD", "call", NULL,
};

const struct spoor_plugin spoor_plugin_ios_callhistory = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "ios-callhistory",
	.version = "1.0",
	.description = "iOS call log: phone, FaceTime and CallKit app calls "
		       "(CallHistory.storedata; file system or iTunes "
		       "backup; iOS 7 call_history.db)",
	.types = types,
	.patterns = patterns,
	.run = run_checked,
	.recover_tables = recover_tables,
};
