/*
 * artifact_ios.c: an iTunes/Finder backup folder presented to the
 * plugins as the phone's own file tree, so that the iOS plugins run
 * unchanged on a backup and on a file-system extraction.
 *
 * Layouts: Manifest.db with files at xx/<fileID> (iOS 10 on), the same
 * with the files flat in the root (some copies), and folders named by
 * domain and relative path (written by some tools, no Manifest.db).
 * Every entry keeps the backup file it was read from (asrc_entry.origin,
 * the "backup_file" of its records).  Manifest.db is evidence: it is
 * read from a private read-only copy (artifact_sql.c).  Info.plist and
 * Manifest.plist (libplist, size-bounded) give the device facts, which
 * the built-in pseudo-plugin "ios-backup" (builtin_ios.c) emits as an
 * account record, with the problems of the backup (encrypted, files
 * missing, unsafe paths) reported as not understood.  Manifest.mbdb
 * backups (iOS 9 and older) are recognised and reported, not read.
 */
#include "artifact.h"
#include "nskeyed.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <plist/plist.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "banned.h"

#define IOS_PLIST_MAX ((size_t)8 << 20)	/* Info.plist, Manifest.plist */
#define IOS_BLOB_MAX ((size_t)64 << 10)	/* a Files.file blob */
#define IOS_FACT_MAX 256			/* bytes of one device fact */

/* Device facts: record field, Info.plist key, Manifest.plist Lockdown
 * key (NULL: none). */
static const struct {
	const char *field, *info, *lockdown;
} facts[] = {
	{ "device_name", "Device Name", "DeviceName" },
	{ "model", "Product Type", "ProductType" },
	{ "ios_version", "Product Version", "ProductVersion" },
	{ "build", "Build Version", "BuildVersion" },
	{ "serial", "Serial Number", "SerialNumber" },
	{ "imei", "IMEI", NULL },
	{ "meid", "MEID", NULL },
	{ "iccid", "ICCID", NULL },
	{ "phone_number", "Phone Number", NULL },
	{ "udid", "Unique Identifier", "UniqueDeviceID" },
	{ "itunes_version", "iTunes Version", NULL },
};
#define NFACTS ARRAY_SIZE(facts)

/* artifact.h's count must be the table's */
_Static_assert(ARRAY_SIZE(facts) == ASRC_IOS_NFACTS, "ASRC_IOS_NFACTS");

const char *asrc_ios_fact_field(size_t i)
{
	return i < NFACTS ? facts[i].field : NULL;
}

static void info_free(struct asrc_ios_info *ii)
{
	if (!ii)
		return;
	for (size_t i = 0; i < NFACTS; i++)
		free(ii->fact[i]);
	free(ii->manifest_err);
	free(ii->plist_err);
	free(ii->anchor);
	free(ii->first_missing);
	free(ii->first_unsafe);
	free(ii);
}

static void ios_release(struct asrc *s)
{
	info_free(s->priv);
	s->priv = NULL;
}

static const struct asrc_ops ios_ops = { "ios-backup", NULL, ios_release };

const struct asrc_ios_info *asrc_ios_info(struct asrc *s)
{
	return s && s->ops == &ios_ops ? s->priv : NULL;
}

/* ---- domains ---- */

static const struct {
	const char *domain;	/* exact, or a prefix ending in '-' */
	const char *dir;	/* device directory, '/'-less ends */
} domains[] = {
	{ "HomeDomain", "private/var/mobile" },
	{ "MediaDomain", "private/var/mobile" },
	{ "CameraRollDomain", "private/var/mobile" },
	{ "HealthDomain", "private/var/mobile/Library" },
	{ "TonesDomain", "private/var/mobile" },
	{ "KeychainDomain", "private/var/Keychains" },
	{ "RootDomain", "private/var/root" },
	{ "WirelessDomain", "private/var/wireless" },
	{ "SystemPreferencesDomain", "private/var/preferences" },
	{ "ManagedPreferencesDomain", "private/var/Managed Preferences" },
	{ "DatabaseDomain", "private/var/db" },
	{ "MobileDeviceDomain", "private/var/MobileDevice" },
	{ "KeyboardDomain", "private/var/mobile/Library/Keyboard" },
	{ "InstallDomain", "private/var/installd" },
	{ "AppDomain-", "private/var/mobile/Containers/Data/Application" },
	{ "AppDomainGroup-",
	  "private/var/mobile/Containers/Shared/AppGroup" },
	{ "AppDomainPlugin-",
	  "private/var/mobile/Containers/Data/PluginKitPlugin" },
	{ "SysContainerDomain-", "private/var/containers/Data/System" },
	{ "SysSharedContainerDomain-",
	  "private/var/containers/Shared/SystemGroup" },
};

/* A path component we refuse: empty, ".", "..", or with bytes that are
 * no file name ('\0' cannot occur; control bytes are kept). */
static bool bad_component(const char *p, size_t n)
{
	return !n || (n == 1 && p[0] == '.') ||
	       (n == 2 && p[0] == '.' && p[1] == '.');
}

/* "a/b/c": no leading '/', no empty, "." or ".." components. */
static bool safe_rel(const char *rel, bool allow_empty)
{
	const char *p = rel;

	if (!*rel)
		return allow_empty;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (bad_component(p, n))
			return false;
		if (!slash)
			return true;
		p = slash + 1;
	}
}

/*
 * The device path of domain + relativePath into b: 0, or -1 when the
 * domain or path is unsafe.  Unknown domains go below
 * "backup/<domain>" so nothing is hidden and nothing is guessed.
 */
static int device_path(const char *domain, const char *rel, struct sbuf *b)
{
	sbuf_reset(b);
	if (!domain || !safe_rel(domain, false) || strchr(domain, '/') ||
	    !rel || !safe_rel(rel, true))
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(domains); i++) {
		const char *d = domains[i].domain;
		size_t n = strlen(d);

		if (d[n - 1] == '-') {
			if (strncmp(domain, d, n) || !domain[n])
				continue;
			/* AppDomain- is a prefix of AppDomainGroup-: the
			 * table has the longer ones later; look on */
			if (!strncmp(domain, "AppDomainGroup-", 15) &&
			    strcmp(d, "AppDomainGroup-"))
				continue;
			if (!strncmp(domain, "AppDomainPlugin-", 16) &&
			    strcmp(d, "AppDomainPlugin-"))
				continue;
			sbuf_addf(b, "%s/%s", domains[i].dir, domain + n);
		} else if (!strcmp(domain, d)) {
			sbuf_adds(b, domains[i].dir);
		} else {
			continue;
		}
		if (*rel)
			sbuf_addf(b, "/%s", rel);
		return b->failed ? -1 : 0;
	}
	sbuf_addf(b, "backup/%s", domain);
	if (*rel)
		sbuf_addf(b, "/%s", rel);
	return b->failed ? -1 : 0;
}

static bool is_domain(const char *name)
{
	struct sbuf b = SBUF_INIT;
	bool known = false;

	if (device_path(name, "", &b) == 0)
		known = strncmp(sbuf_str(&b), "backup/", 7) != 0;
	sbuf_release(&b);
	return known;
}

/* ---- plists ---- */

/* A whole small file below dir, or NULL (errno set; EFBIG: too big). */
static char *slurp(const char *dir, const char *name, size_t max,
		   size_t *len)
{
	struct sbuf p = SBUF_INIT;
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd;

	sbuf_addf(&p, "%s/%s", dir, name);
	fd = open(sbuf_str(&p), O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
		  O_NONBLOCK);
	sbuf_release(&p);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		errno = EFBIG;
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	while (buf && got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (buf)
		buf[got] = '\0';
	*len = got;
	return buf;
}

static bool file_exists(const char *dir, const char *name, bool want_dir)
{
	struct sbuf p = SBUF_INIT;
	struct stat st;
	bool ok;

	sbuf_addf(&p, "%s/%s", dir, name);
	ok = !p.failed && !lstat(sbuf_str(&p), &st) &&
	     (want_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
	sbuf_release(&p);
	return ok;
}

static plist_t parse_plist(const char *buf, size_t len)
{
	plist_t pl = NULL;

	if (!buf || len < 8 || len > IOS_PLIST_MAX ||
	    !nsk_plist_shallow(buf, len))
		return NULL;
	plist_from_memory(buf, (uint32_t)len, &pl);
	return pl;
}

static char *node_string(plist_t n)
{
	const char *p;
	uint64_t len = 0, u;
	char num[32];

	if (!n)
		return NULL;
	switch (plist_get_node_type(n)) {
	case PLIST_STRING:
		p = plist_get_string_ptr(n, &len);
		if (!p)
			return NULL;
		return strndup(p, len > IOS_FACT_MAX ? IOS_FACT_MAX
			       : (size_t)len);
	case PLIST_UINT:
		plist_get_uint_val(n, &u);
		snprintf(num, sizeof(num), "%llu", (unsigned long long)u);
		return strdup(num);
	default:
		return NULL;
	}
}

static void set_fact(struct asrc_ios_info *ii, size_t i, plist_t n,
		     const char *src)
{
	char *v;

	if (ii->fact[i] || !(v = node_string(n)))
		return;
	if (!*v) {
		free(v);
		return;
	}
	ii->fact[i] = v;
	ii->fact_src[i] = src;
}

/* Read Info.plist and Manifest.plist (whichever are there). */
static void read_plists(struct asrc_ios_info *ii, const char *dir)
{
	static const char *const names[] = { "Info.plist", "Manifest.plist" };

	for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
		size_t len = 0;
		char *buf;
		plist_t pl, lock, n;

		if (!file_exists(dir, names[k], false))
			continue;
		buf = slurp(dir, names[k], IOS_PLIST_MAX, &len);
		pl = buf ? parse_plist(buf, len) : NULL;
		free(buf);
		if (!pl || plist_get_node_type(pl) != PLIST_DICT) {
			if (!ii->plist_err &&
			    asprintf(&ii->plist_err, "'%s' is %s", names[k],
				     !buf && errno == EFBIG ? "larger than "
				     "8 MiB: not read" : "not a readable "
				     "property list") < 0)
				ii->plist_err = NULL;
			if (pl)
				plist_free(pl);
			continue;
		}
		if (k == 0) {
			for (size_t i = 0; i < NFACTS; i++)
				set_fact(ii, i, plist_dict_get_item(
						 pl, facts[i].info), names[k]);
			n = plist_dict_get_item(pl, "Last Backup Date");
			if (n && plist_get_node_type(n) == PLIST_DATE) {
				int32_t sec = 0, usec = 0;

				plist_get_date_val(n, &sec, &usec);
				/* libplist 2.2 counts from 2001 */
				ii->backup_date = (int64_t)sec + 978307200;
				ii->have_date = true;
			}
		} else {
			uint8_t enc = 0;

			n = plist_dict_get_item(pl, "IsEncrypted");
			if (n && plist_get_node_type(n) == PLIST_BOOLEAN)
				plist_get_bool_val(n, &enc);
			ii->encrypted = enc != 0;
			lock = plist_dict_get_item(pl, "Lockdown");
			for (size_t i = 0; lock && plist_get_node_type(lock) ==
			     PLIST_DICT && i < NFACTS; i++)
				if (facts[i].lockdown)
					set_fact(ii, i, plist_dict_get_item(
							 lock,
							 facts[i].lockdown),
						 names[k]);
		}
		plist_free(pl);
	}
}

/* Size from an MBFile NSKeyedArchiver blob of Files.file; -1: none. */
static int64_t blob_size(const char *p, size_t len)
{
	plist_t pl = NULL, objs, top, root, n;
	uint64_t uid = 0, u = 0;
	int64_t size = -1;

	if (!p || len < 8 || len > IOS_BLOB_MAX || memcmp(p, "bplist00", 8) ||
	    !nsk_bplist_shallow((const unsigned char *)p, len))
		return -1;
	plist_from_bin(p, (uint32_t)len, &pl);
	if (!pl)
		return -1;
	objs = plist_get_node_type(pl) == PLIST_DICT
		? plist_dict_get_item(pl, "$objects") : NULL;
	top = plist_get_node_type(pl) == PLIST_DICT
		? plist_dict_get_item(pl, "$top") : NULL;
	root = top && plist_get_node_type(top) == PLIST_DICT
		? plist_dict_get_item(top, "root") : NULL;
	if (objs && plist_get_node_type(objs) == PLIST_ARRAY && root &&
	    plist_get_node_type(root) == PLIST_UID) {
		plist_get_uid_val(root, &uid);
		n = uid < plist_array_get_size(objs)
			? plist_array_get_item(objs, (uint32_t)uid) : NULL;
		n = n && plist_get_node_type(n) == PLIST_DICT
			? plist_dict_get_item(n, "Size") : NULL;
		if (n && plist_get_node_type(n) == PLIST_UINT) {
			plist_get_uint_val(n, &u);
			if (u <= INT64_MAX)
				size = (int64_t)u;
		}
	}
	plist_free(pl);
	return size;
}

/* ---- Manifest.db ---- */

static bool hex40(const char *s, size_t len)
{
	if (len != 40)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

static void note_first(char **slot, const char *domain, const char *rel)
{
	if (!*slot && asprintf(slot, "%s-%s", domain ? domain : "?",
			       rel ? rel : "?") < 0)
		*slot = NULL;
}

/* Where the bytes of fileID are: xx/<id> or <id>; "" when absent. */
static uint64_t locate(const char *dir, const char *id, struct sbuf *local,
		       struct sbuf *origin)
{
	struct stat st;

	for (int flat = 0; flat < 2; flat++) {
		sbuf_reset(origin);
		if (!flat)
			sbuf_addf(origin, "%.2s/", id);
		sbuf_adds(origin, id);
		sbuf_reset(local);
		sbuf_addf(local, "%s/%s", dir, sbuf_str(origin));
		if (!local->failed && !lstat(sbuf_str(local), &st) &&
		    S_ISREG(st.st_mode))
			return (uint64_t)st.st_size;
	}
	sbuf_reset(local);
	return 0;
}

static int add_origin(struct asrc *s, const char *path, const char *local,
		      uint64_t size, const char *origin, struct spoor_err *err)
{
	int rc = asrc_add(s, path, local, size, err);

	if (!rc && origin && !(s->e[s->n - 1].origin = strdup(origin)))
		rc = spoor_err_set(err, SPOOR_ENOMEM, ENOMEM,
				   "out of memory");
	return rc;
}

static int files_row(struct asrc *s, struct asrc_ios_info *ii, sqlite3_stmt *st,
		     struct sbuf *dev, struct sbuf *local,
		     struct sbuf *origin, struct spoor_err *err)
{
	const char *id = (const char *)sqlite3_column_text(st, 0);
	const char *domain = (const char *)sqlite3_column_text(st, 1);
	const char *rel = (const char *)sqlite3_column_text(st, 2);
	size_t idlen = (size_t)sqlite3_column_bytes(st, 0);
	int64_t want;
	uint64_t size;

	if (sqlite3_column_int64(st, 3) != 1)
		return 0;	/* directories, links: no content */
	ii->files++;
	if (!id || !hex40(id, idlen) || device_path(domain, rel, dev)) {
		ii->unsafe++;
		note_first(&ii->first_unsafe, domain, rel);
		return 0;
	}
	size = locate(s->evidence, id, local, origin);
	if (!local->len) {
		ii->missing++;
		note_first(&ii->first_missing, domain, rel);
		return 0;
	}
	want = blob_size(sqlite3_column_blob(st, 4),
			 (size_t)sqlite3_column_bytes(st, 4));
	if (want >= 0 && (uint64_t)want != size)
		ii->size_mismatch++;
	return add_origin(s, sbuf_str(dev), sbuf_str(local), size,
			  sbuf_str(origin), err);
}

static void manifest_fail(struct asrc_ios_info *ii, const char *why)
{
	if (!ii->manifest_err)
		ii->manifest_err = strdup(why);
}

static int read_manifest(struct asrc *s, struct asrc_ios_info *ii, size_t mi,
			 const char *tmp_base, struct spoor_err *err)
{
	struct asql *q = NULL;
	struct spoor_err e2;
	struct sbuf dev = SBUF_INIT, local = SBUF_INIT, origin = SBUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc = 0, r;

	spoor_err_clear(&e2);
	if (asrc_sql_open(s, &s->e[mi], tmp_base, &q, &e2)) {
		if (e2.code == SPOOR_EOUTPUT || e2.code == SPOOR_ENOMEM) {
			if (err)
				*err = e2;
			return e2.code;
		}
		manifest_fail(ii, e2.msg);
		return 0;
	}
	if (sqlite3_prepare_v2(q->db, "SELECT fileID, domain, relativePath, "
			       "flags, file FROM Files ORDER BY domain, "
			       "relativePath", -1, &st, NULL) != SQLITE_OK) {
		manifest_fail(ii, "'Manifest.db' has no Files table with "
			      "fileID, domain, relativePath, flags, file");
		sqlite3_finalize(st);
		asql_close(q);
		return 0;
	}
	while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW)
		rc = files_row(s, ii, st, &dev, &local, &origin, err);
	if (!rc && r != SQLITE_DONE)
		manifest_fail(ii, "'Manifest.db' is damaged: reading Files "
			      "failed");
	sqlite3_finalize(st);
	asql_close(q);
	sbuf_release(&dev);
	sbuf_release(&local);
	sbuf_release(&origin);
	return rc;
}

/* The root files of the backup itself, under their own names. */
static int add_root(struct asrc *s, struct asrc_ios_info *ii, const char *dir)
{
	static const char *const names[] = {
		"Manifest.db", "Info.plist", "Manifest.plist", "Status.plist",
		"Manifest.mbdb",
	};
	struct sbuf p = SBUF_INIT;
	struct stat st;
	int rc = 0;

	for (size_t i = 0; !rc && i < ARRAY_SIZE(names); i++) {
		sbuf_reset(&p);
		sbuf_addf(&p, "%s/%s", dir, names[i]);
		if (p.failed || lstat(sbuf_str(&p), &st) ||
		    !S_ISREG(st.st_mode))
			continue;
		rc = asrc_add(s, names[i], sbuf_str(&p), (uint64_t)st.st_size,
			      NULL);
		if (!rc && !ii->anchor && !(ii->anchor = strdup(names[i])))
			rc = SPOOR_ENOMEM;
	}
	sbuf_release(&p);
	return rc;
}

/* By path, then by backup file: the same order on every run. */
static int cmp_path(const void *x, const void *y)
{
	const struct asrc_entry *a = x, *b = y;
	int c = strcmp(a->path, b->path);

	if (c || (!a->origin && !b->origin))
		return c;
	if (!a->origin || !b->origin)
		return a->origin ? 1 : -1;
	return strcmp(a->origin, b->origin);
}

/*
 * Two Files rows for one device path (a repeated row, or domains that
 * share a directory, HomeDomain and MediaDomain): the first in sorted
 * order is kept, the others refused and counted.  s is sorted.
 */
static void drop_duplicates(struct asrc *s, struct asrc_ios_info *ii)
{
	size_t w = 0;

	for (size_t i = 0; i < s->n; i++) {
		if (w && !strcmp(s->e[w - 1].path, s->e[i].path)) {
			ii->unsafe++;
			if (!ii->first_unsafe)
				ii->first_unsafe = strdup(s->e[i].path);
			free(s->e[i].path);
			free(s->e[i].local);
			free(s->e[i].origin);
			continue;
		}
		s->e[w++] = s->e[i];
	}
	s->n = w;
}

int asrc_ios_open(struct spoor_ctx *ctx, struct asrc *s, const char *dir,
		  const char *tmp_base, struct spoor_err *err)
{
	struct asrc_ios_info *ii;
	bool db = file_exists(dir, "Manifest.db", false);
	bool mpl = file_exists(dir, "Manifest.plist", false);
	bool mbdb = file_exists(dir, "Manifest.mbdb", false);
	int rc;

	if (!db && !mpl && !mbdb)
		return 1;
	ii = calloc(1, sizeof(*ii));
	if (!ii)
		return spoor_err_set(err, SPOOR_ENOMEM, ENOMEM,
				     "out of memory");
	s->ops = &ios_ops;
	s->priv = ii;
	read_plists(ii, dir);
	ii->mbdb = mbdb && !db;
	rc = add_root(s, ii, dir);
	if (rc)
		return spoor_err_set(err, SPOOR_ENOMEM, ENOMEM,
				     "out of memory");
	if (ii->encrypted) {
		spoor_log(ctx, SPOOR_LOG_WARN, "'%s': an encrypted iTunes "
			  "backup: its files are not read", dir);
		return 0;
	}
	if (db) {
		struct asrc_entry *e = asrc_find(s, "Manifest.db");

		rc = read_manifest(s, ii, (size_t)(e - s->e), tmp_base, err);
	} else if (!mbdb) {
		manifest_fail(ii, "no 'Manifest.db' in the backup");
	}
	if (!rc && s->n > 1) {
		qsort(s->e, s->n, sizeof(*s->e), cmp_path);
		drop_duplicates(s, ii);
	}
	if (!rc)
		spoor_log(ctx, SPOOR_LOG_INFO, "'%s': iTunes backup, %llu "
			  "files listed, %llu missing, %llu refused", dir,
			  (unsigned long long)ii->files,
			  (unsigned long long)ii->missing,
			  (unsigned long long)ii->unsafe);
	return rc;
}

/*
 * A walked directory whose top level holds domain folders
 * ("HomeDomain/Library/SMS/sms.db"): those entries get their device
 * paths, the folder path kept as origin.  0 when nothing matched.
 */
int asrc_ios_remap(struct spoor_ctx *ctx, struct asrc *s,
		   struct spoor_err *err)
{
	struct sbuf dev = SBUF_INIT, dom = SBUF_INIT;
	struct asrc_ios_info *ii;
	size_t hits = 0;
	int rc = 0;

	for (size_t i = 0; i < s->n; i++) {
		const char *slash = strchr(s->e[i].path, '/');

		sbuf_reset(&dom);
		if (slash)
			sbuf_add(&dom, s->e[i].path,
				 (size_t)(slash - s->e[i].path));
		if (slash && is_domain(sbuf_str(&dom)))
			hits++;
	}
	if (!hits || s->priv || s->ops->materialise) {
		sbuf_release(&dom);
		return 0;
	}
	ii = calloc(1, sizeof(*ii));
	if (!ii) {
		sbuf_release(&dom);
		return spoor_err_set(err, SPOOR_ENOMEM, ENOMEM,
				     "out of memory");
	}
	ii->domains = true;
	read_plists(ii, s->evidence);
	s->ops = &ios_ops;
	s->priv = ii;
	for (size_t i = 0; !rc && i < s->n; i++) {
		struct asrc_entry *e = &s->e[i];
		const char *slash = strchr(e->path, '/');
		char *np;

		if (!slash)
			continue;
		sbuf_reset(&dom);
		sbuf_add(&dom, e->path, (size_t)(slash - e->path));
		if (!is_domain(sbuf_str(&dom)) ||
		    device_path(sbuf_str(&dom), slash + 1, &dev))
			continue;
		np = strdup(sbuf_str(&dev));
		if (!np) {
			rc = spoor_err_set(err, SPOOR_ENOMEM, ENOMEM,
					   "out of memory");
			break;
		}
		e->origin = e->path;
		e->path = np;
		ii->files++;
	}
	if (!rc && s->n > 1) {
		qsort(s->e, s->n, sizeof(*s->e), cmp_path);
		drop_duplicates(s, ii);
	}
	for (size_t i = 0; !rc && i < s->n && !ii->anchor; i++)
		if (!strchr(s->e[i].path, '/') &&
		    !(ii->anchor = strdup(s->e[i].path)))
			rc = SPOOR_ENOMEM;
	spoor_log(ctx, SPOOR_LOG_INFO, "'%s': backup in domain folders, "
		  "%zu files mapped", s->evidence, hits);
	sbuf_release(&dev);
	sbuf_release(&dom);
	return rc;
}
