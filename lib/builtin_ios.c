/*
 * builtin_ios.c: the built-in pseudo-plugin "ios-backup" of the iOS
 * backup source (artifact_ios.c): the device facts of Info.plist and
 * Manifest.plist as an account record, and the problems of the backup
 * (encrypted, Manifest.mbdb, files missing, unsafe paths) as not
 * understood.  It sits above the plugin host: the host runs it once per
 * backup on the entry anchor() names and hands it the source; it
 * reaches the host only through struct spoor_host, as any plugin.
 */
#include "artifact.h"
#include "spoor-plugin.h"

#include <stdio.h>
#include <string.h>

#include "banned.h"

static void report(const struct spoor_host *h,
		   const struct asrc_ios_info *ii, const char *path)
{
	char why[1024];

	if (ii->encrypted)
		h->not_understood(h, path, "an encrypted iTunes backup "
				  "(Manifest.plist IsEncrypted): its files "
				  "cannot be read without the backup "
				  "password; nothing in it was parsed");
	if (ii->mbdb)
		h->not_understood(h, path, "a Manifest.mbdb backup (iOS 9 "
				  "or older): not supported, its files were "
				  "not read");
	if (ii->manifest_err && !ii->encrypted)
		h->not_understood(h, path, ii->manifest_err);
	if (ii->plist_err)
		h->not_understood(h, path, ii->plist_err);
	if (ii->missing) {
		snprintf(why, sizeof(why), "%llu of %llu files listed in "
			 "Manifest.db are not in the backup (first: '%s')",
			 (unsigned long long)ii->missing,
			 (unsigned long long)ii->files,
			 ii->first_missing ? ii->first_missing : "?");
		h->not_understood(h, path, why);
	}
	if (ii->unsafe) {
		snprintf(why, sizeof(why), "%llu Files rows refused (a "
			 "fileID that is not 40 hex digits, a path with "
			 "'..' or '/' at the start, or a duplicate; first: "
			 "'%s')", (unsigned long long)ii->unsafe,
			 ii->first_unsafe ? ii->first_unsafe : "?");
		h->not_understood(h, path, why);
	}
	if (ii->size_mismatch)
		h->log(h, SPOOR_LOG_WARN, "%llu files differ in size from "
		       "their Manifest.db record",
		       (unsigned long long)ii->size_mismatch);
}

static void device_record(const struct spoor_host *h,
			  const struct asrc_ios_info *ii, const char *path)
{
	struct spoor_prov prov = { NULL, NULL, -1, -1, NULL };
	struct spoor_record r;
	bool any = ii->have_date;

	for (size_t i = 0; i < ASRC_IOS_NFACTS; i++)
		any = any || ii->fact[i];
	if (!any)
		return;
	/* provenance: the plist that gave the device name, else the
	 * first fact's */
	for (size_t i = 0; i < ASRC_IOS_NFACTS && !prov.source_path; i++)
		if (ii->fact_src[i])
			prov.source_path = ii->fact_src[i];
	if (!prov.source_path)
		prov.source_path = path;
	spoor_p_init(&r, "account");
	spoor_p_str(&r, "app", "ios-device");
	spoor_p_str(&r, "account_type", "device");
	spoor_p_str(&r, "account_name", ii->fact[0]);
	for (size_t i = 0; i < ASRC_IOS_NFACTS; i++)
		spoor_p_str(&r, asrc_ios_fact_field(i), ii->fact[i]);
	spoor_p_time(&r, "backup_date", "backup_date_raw",
		     "backup_date_unit", ii->backup_date, ii->have_date,
		     "unix_s");
	spoor_p_bool(&r, "encrypted", ii->encrypted);
	spoor_p_str(&r, "layout", ii->domains ? "domain folders"
		    : ii->mbdb ? "Manifest.mbdb" : "Manifest.db");
	h->emit(h, &r, &prov);
}

/* The entry the built-in reports on, when src is an iOS backup. */
static const char *ios_anchor(struct asrc *src)
{
	const struct asrc_ios_info *ii = asrc_ios_info(src);

	return ii ? ii->anchor : NULL;
}

static int ios_run(const struct spoor_host *h, struct asrc *src,
		   const char *path)
{
	const struct asrc_ios_info *ii = asrc_ios_info(src);

	if (!ii || !ii->anchor || strcmp(path, ii->anchor))
		return 0;
	device_record(h, ii, path);
	report(h, ii, path);
	return 0;
}

/* run() of the descriptor: never called, the host calls ios_run. */
static int no_run(const struct spoor_host *h, const char *path)
{
	(void)h;
	(void)path;
	return 0;
}

static const char *const ios_types[] = { "account", NULL };
static const char *const ios_patterns[] = { NULL };

static const struct spoor_plugin ios_plugin = {
	.abi = SPOOR_PLUGIN_ABI,
	.name = "ios-backup",
	.version = "1.0",
	.description = "built-in: iTunes/Finder backup folders (Manifest.db "
		       "+ xx/<fileID>, flat, domain folders) as the phone's "
		       "file tree; device facts from Info.plist and "
		       "Manifest.plist; encrypted backups reported",
	.types = ios_types,
	.patterns = ios_patterns,
	.run = no_run,
};

static const struct builtin ios_builtin = {
	.p = &ios_plugin,
	.anchor = ios_anchor,
	.run = ios_run,
};

const struct builtin *const builtin_plugins[] = { &ios_builtin, NULL };
