/*
 * t-plugin: the plugin host: ABI check, E.164 normalisation, and loading
 * and running the example plugin from $SPOOR_PLUGIN_PATH.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spoor.h"
#include "spoor-plugin.h"
#include "tap.h"

#include "banned.h"

static const struct {
	int abi;
	int want;
} abis[] = {
	{ SPOOR_PLUGIN_ABI, 0 },
	{ SPOOR_PLUGIN_ABI_MAKE(SPOOR_PLUGIN_ABI_MAJOR, 99), 0 },
	{ SPOOR_PLUGIN_ABI_MAKE(SPOOR_PLUGIN_ABI_MAJOR + 1, 0),
	  SPOOR_EUNSUPPORTED },
	{ SPOOR_PLUGIN_ABI_MAKE(0, SPOOR_PLUGIN_ABI_MINOR),
	  SPOOR_EUNSUPPORTED },
	{ 0, SPOOR_EUNSUPPORTED },
};

static const struct {
	const char *raw, *cc, *want;	/* want NULL: an error */
} phones[] = {
	{ "+31 6 1234-5678", "31", "+31612345678" },
	{ "0031612345678", "31", "+31612345678" },
	{ "06-12345678", "31", "+31612345678" },
	{ "(020) 123 4567", "31", "+31201234567" },
	{ "31612345678@s.whatsapp.net", NULL, "+31612345678" },
	{ "447400123456", NULL, "+447400123456" },
	{ "06-12345678", NULL, NULL },
	{ "ING", "31", NULL },
	{ "1234", "31", NULL },
	{ "+1234567890123456", NULL, NULL },
	{ "", "31", NULL },
	{ NULL, "31", NULL },
};

struct seen {
	int n;
	char src[256], type[32], line[32];
};

static int on_record(void *ud, const struct spoor_record *r)
{
	struct seen *s = ud;
	const struct spoor_field *f;

	if (s->n++)
		return 0;
	snprintf(s->type, sizeof(s->type), "%s", r->type);
	f = spoor_record_get(r, "source_path");
	if (f && f->kind == SPOOR_F_STR)
		snprintf(s->src, sizeof(s->src), "%.*s", (int)f->v.str.len,
			 f->v.str.ptr);
	f = spoor_record_get(r, "line");
	if (f && f->kind == SPOOR_F_INT)
		snprintf(s->line, sizeof(s->line), "%lld",
			 (long long)f->v.i);
	return 0;
}

int main(void)
{
	const char *path = getenv("SPOOR_PLUGIN_PATH");
	struct spoor_err err;
	char out[32];

	for (size_t i = 0; i < sizeof(abis) / sizeof(abis[0]); i++) {
		spoor_err_clear(&err);
		is_int(spoor_plugin_abi_check(abis[i].abi, "x", &err),
		       abis[i].want, "abi check");
		if (abis[i].want)
			ok(strstr(err.msg, "plugin 'x' was built for plugin "
				  "ABI") != NULL, "message: %s", err.msg);
	}
	for (size_t i = 0; i < sizeof(phones) / sizeof(phones[0]); i++) {
		int rc = spoor_phone_e164(phones[i].raw, phones[i].cc, out,
					  sizeof(out));

		if (phones[i].want)
			ok(!rc && !strcmp(out, phones[i].want),
			   "e164 '%s' -> '%s' (got '%s')",
			   phones[i].raw ? phones[i].raw : "(null)",
			   phones[i].want, out);
		else
			ok(rc == SPOOR_EFORMAT && !out[0], "e164 '%s' refused",
			   phones[i].raw ? phones[i].raw : "(null)");
	}
	ok(spoor_phone_e164("+31612345678", NULL, out, 8) == SPOOR_EFORMAT,
	   "e164: output too small is an error");

	if (!path || access(path, R_OK)) {
		diag("SPOOR_PLUGIN_PATH not set: plugin loading not tested");
		return done_testing();
	}
	{
		static const char *const only[] = { "example", NULL };
		static const char *const none[] = { "no-such-plugin", NULL };
		struct spoor_artifacts_opts o = { 0 };
		struct spoor_artifacts *a;
		struct seen s = { 0 };
		char dir[] = "/tmp/t-plugin.XXXXXX", file[64];
		FILE *f;

		o.plugin_path = path;
		o.only = none;
		a = spoor_artifacts_new(NULL, &o, &err);
		ok(!a && err.code == SPOOR_ENOTFOUND, "unknown plugin: %s",
		   err.msg);
		o.only = only;
		o.on_record = on_record;
		o.userdata = &s;
		a = spoor_artifacts_new(NULL, &o, &err);
		ok(a != NULL, "example plugin loads");
		if (!a)
			return done_testing();
		/* the one named, plus the built-in ios-backup source checks,
		 * which always run (an encrypted backup is never silent) */
		is_int((long long)spoor_artifacts_nplugins(a), 2,
		       "one plugin and the built-in");
		is_str(spoor_artifacts_plugin(a, 0)->name, "example", "name");
		is_str(spoor_artifacts_plugin(a, 1)->name, "ios-backup",
		       "built-in ios-backup");
		is_int(spoor_artifacts_plugin(a, 0)->abi, SPOOR_PLUGIN_ABI,
		       "abi");
		ok(mkdtemp(dir) != NULL, "temp dir");
		snprintf(file, sizeof(file), "%s/example.txt", dir);
		f = fopen(file, "w");
		if (f) {
			fputs("een\ntwee\n", f);
			fclose(f);
		}
		is_int(spoor_artifacts_run(a, dir, "ex1", &err), 0, "run");
		is_int(s.n, 2, "two records");
		is_str(s.type, "note", "record type");
		is_str(s.src, "example.txt", "source_path");
		is_str(s.line, "1", "line");
		is_int((long long)spoor_artifacts_stats(a, 0)->records, 2,
		       "stats");
		unlink(file);
		rmdir(dir);
		spoor_artifacts_free(a);
	}
	return done_testing();
}
