/*
 * plugin.c: the plugin host of spoor-artifacts.  Loads NAME.so files
 * with dlopen(RTLD_NOW | RTLD_LOCAL) (RTLD_NOW: a missing symbol fails
 * at load, not in the middle of a case; RTLD_LOCAL: plugins cannot see
 * each other), checks the descriptor, and gives each plugin a struct
 * spoor_host of callbacks for the duration of one run() call.  The
 * plugins never link libspoor or SQLite: the host owns every file
 * descriptor, every SQLite handle and every temporary copy.
 */
#include "artifact.h"
#include "spoor-plugin.h"
#include "sqlrecover.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "banned.h"

struct loaded {
	void *dl;
	const struct spoor_plugin *p;
	struct spoor_plugin_info info;
	struct spoor_artifact_stats st;
	char *path;
	const struct builtin *bi;	/* a built-in (dl NULL), or NULL */
};

struct spoor_artifacts {
	struct spoor_ctx *ctx;
	struct spoor_artifacts_opts o;
	char *tmp;
	struct spoor_tz *tz;		/* the run's --tz, NULL: none */
	struct spoor_tz *tz_other;	/* the last zone a plugin named */
	struct phone_cache *phones;
	struct loaded *pl;
	size_t n, cap;
	bool stop;
	struct spoor_artifact_totals tot;
};

/* One plugin on one piece of evidence: what the callbacks reach. */
struct hrun {
	struct spoor_artifacts *a;
	struct loaded *l;
	struct asrc *src;
	const char *exhibit;
	const char *path;		/* the file run() was called for */
	struct asrc_entry *cur;		/* its entry: looked up once */
	bool zone_warned;		/* local times without a zone: said */
	struct spoor_db *last_db;
	char open_err[SPOOR_ERR_MSG_MAX];	/* why db_open failed last */
	bool open_damaged;		/* ... and it was damage */
	bool late;			/* emitted after the host's stop */
	struct spoor_stmt *trunc;	/* col_text cut a value of it: the
					 * next record gets "truncated" */
	/* deleted rows (sqlrecover_view.c): the database of `path`, kept
	 * open after the first run; what that run emitted from it; the
	 * view the second run reads (NULL in the first) */
	struct spoor_db *kept;
	struct sqlrec_seen *seen;
	struct sqlrec_view *view;
};

struct spoor_db {
	struct asql *q;
	struct hrun *run;
	char *path;
	struct spoor_db *main;		/* db_main's view, owned */
	struct spoor_db *owner;		/* a view's database */
	bool is_view;
	int err_rc;			/* SQLite's first failure on a row
					 * (damage, a value too long), 0 */
	char err_msg[256];		/* ... its message */
	bool damage_told;		/* damage warned and counted */
};

/* A statement; `table` set for prepare_rows (reads on past bad rows). */
struct spoor_stmt {
	sqlite3_stmt *st;
	struct spoor_db *db;
	char *table;
	sqlite3_stmt *probe;		/* rowids of table from ?1 */
	int64_t next;			/* lowest rowid not read yet */
	bool done;
};

/* ---- loading ---- */

int spoor_plugin_abi_check(int abi, const char *name, struct spoor_err *err)
{
	if (SPOOR_PLUGIN_ABI_MAJOR_OF(abi) != SPOOR_PLUGIN_ABI_MAJOR)
		return spoor_err_set(err, SPOOR_EUNSUPPORTED, 0,
				     "plugin '%s' was built for plugin ABI "
				     "%d.%d; this host speaks %d.%d (rebuild "
				     "it against this spoor-plugin.h)",
				     name ? name : "?",
				     SPOOR_PLUGIN_ABI_MAJOR_OF(abi),
				     SPOOR_PLUGIN_ABI_MINOR_OF(abi),
				     SPOOR_PLUGIN_ABI_MAJOR,
				     SPOOR_PLUGIN_ABI_MINOR);
	return 0;
}

static bool wanted(const struct spoor_artifacts *a, const char *name)
{
	if (!a->o.only)
		return true;
	for (const char *const *p = a->o.only; *p; p++)
		if (!strcmp(*p, name))
			return true;
	return false;
}

static struct loaded *find_loaded(struct spoor_artifacts *a,
				  const char *name)
{
	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->pl[i].info.name, name))
			return &a->pl[i];
	return NULL;
}

static int load_one(struct spoor_artifacts *a, const char *path,
		    const char *name, struct spoor_err *err)
{
	char sym[256];
	const struct spoor_plugin *p;
	struct loaded *l;
	void *dl;
	size_t i;

	if (snprintf(sym, sizeof(sym), "%s%s", SPOOR_PLUGIN_SYMBOL_PREFIX,
		     name) >= (int)sizeof(sym))
		return spoor_err_set(err, SPOOR_EINVAL, 0,
				     "plugin name too long: '%s'", name);
	for (i = strlen(SPOOR_PLUGIN_SYMBOL_PREFIX); sym[i]; i++)
		if (sym[i] == '-')
			sym[i] = '_';
	dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!dl)
		return spoor_err_set(err, SPOOR_EUNSUPPORTED, 0,
				     "cannot load plugin '%s': %s", path,
				     dlerror());
	p = dlsym(dl, sym);
	if (!p) {
		dlclose(dl);
		return spoor_err_set(err, SPOOR_EUNSUPPORTED, 0,
				     "'%s' is not a spoor plugin (no symbol "
				     "%s)", path, sym);
	}
	if (spoor_plugin_abi_check(p->abi, name, err)) {
		dlclose(dl);
		return err ? err->code : SPOOR_EUNSUPPORTED;
	}
	if (!p->name || strcmp(p->name, name) || !p->run || !p->patterns) {
		dlclose(dl);
		return spoor_err_set(err, SPOOR_EUNSUPPORTED, 0,
				     "plugin '%s': descriptor name '%s' is "
				     "not the file's, or run/patterns "
				     "missing", path,
				     p->name ? p->name : "(null)");
	}
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		struct loaded *np = realloc(a->pl, cap * sizeof(*np));

		if (!np) {
			dlclose(dl);
			return spoor_err_set(err, SPOOR_ENOMEM, ENOMEM,
					     "out of memory");
		}
		a->pl = np;
		a->cap = cap;
	}
	l = &a->pl[a->n];
	memset(l, 0, sizeof(*l));
	l->dl = dl;
	l->p = p;
	l->path = strdup(path);
	if (!l->path) {
		dlclose(dl);
		return spoor_err_set(err, SPOOR_ENOMEM, ENOMEM,
				     "out of memory");
	}
	l->info.name = p->name;
	l->info.version = p->version ? p->version : "";
	l->info.description = p->description ? p->description : "";
	l->info.path = l->path;
	l->info.abi = p->abi;
	l->info.types = p->types;
	a->n++;
	return 0;
}

static int cmp_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Load every NAME.so of dir, in name order (runs are reproducible). */
static int load_dir(struct spoor_artifacts *a, const char *dir,
		    struct spoor_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (!d)
		return 0;	/* a missing dir on the path is no error */
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len < 4 || strcmp(de->d_name + len - 3, ".so"))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 16) *
					    sizeof(*nn));

			if (!nn)
				break;
			names = nn;
		}
		if (!(names[n] = strndup(de->d_name, len - 3)))
			break;
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_name);
	for (size_t i = 0; i < n; i++) {
		struct spoor_err e2;
		char path[4096];

		if (!rc && wanted(a, names[i]) && !find_loaded(a, names[i]) &&
		    snprintf(path, sizeof(path), "%s/%s.so", dir, names[i]) <
		    (int)sizeof(path)) {
			spoor_err_clear(&e2);
			if (load_one(a, path, names[i], &e2)) {
				spoor_log(a->ctx, SPOOR_LOG_WARN, "%s",
					  e2.msg);
				/* asked for by name: a hard error */
				if (a->o.only) {
					if (err)
						*err = e2;
					rc = e2.code;
				}
			}
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

static int load_path(struct spoor_artifacts *a, const char *list,
		     struct spoor_err *err)
{
	const char *p = list;
	int rc = 0;

	while (!rc && p && *p) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);
		char dir[4096];

		if (len && len < sizeof(dir)) {
			memcpy(dir, p, len);
			dir[len] = '\0';
			rc = load_dir(a, dir, err);
		}
		p = colon ? colon + 1 : NULL;
	}
	return rc;
}

/* A plugin compiled into the host (the iOS backup source's reporter):
 * always loaded, whatever --plugin says, since it speaks for the
 * evidence source rather than parsing files. */
static int add_builtin(struct spoor_artifacts *a, const struct builtin *bi,
		       struct spoor_err *err)
{
	const struct spoor_plugin *p = bi->p;
	struct loaded *l;

	if (find_loaded(a, p->name))
		return 0;
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		struct loaded *np = realloc(a->pl, cap * sizeof(*np));

		if (!np)
			return spoor_err_set(err, SPOOR_ENOMEM, ENOMEM,
					     "out of memory");
		a->pl = np;
		a->cap = cap;
	}
	l = &a->pl[a->n];
	memset(l, 0, sizeof(*l));
	l->p = p;
	l->bi = bi;
	if (!(l->path = strdup("(built-in)")))
		return spoor_err_set(err, SPOOR_ENOMEM, ENOMEM,
				     "out of memory");
	l->info.name = p->name;
	l->info.version = p->version;
	l->info.description = p->description;
	l->info.path = l->path;
	l->info.abi = p->abi;
	l->info.types = p->types;
	a->n++;
	return 0;
}

/* The run's zone, from the option "tz=": read once, for every file. */
static int run_zone(struct spoor_artifacts *a, struct spoor_err *err)
{
	const char *tz = NULL;

	for (const char *const *p = a->o.options; p && *p; p++)
		if (!strncmp(*p, "tz=", 3))
			tz = *p + 3;
	return tz ? spoor_tz_new(tz, &a->tz, err) : 0;
}

struct spoor_artifacts *
spoor_artifacts_new(struct spoor_ctx *ctx,
		    const struct spoor_artifacts_opts *o,
		    struct spoor_err *err)
{
	struct spoor_artifacts *a = calloc(1, sizeof(*a));
	int rc;

	if (!a) {
		spoor_err_set(err, SPOOR_ENOMEM, ENOMEM, "out of memory");
		return NULL;
	}
	a->ctx = ctx;
	a->o = *o;
	a->tmp = strdup(o->tmp_dir ? o->tmp_dir : "/tmp");
	a->phones = phone_cache_new();
	if (!a->tmp || !a->phones) {
		spoor_artifacts_free(a);
		spoor_err_set(err, SPOOR_ENOMEM, ENOMEM, "out of memory");
		return NULL;
	}
	rc = run_zone(a, err);
	if (!rc)
		rc = load_path(a, o->plugin_path, err);
	if (!rc)
		rc = load_path(a, o->plugin_dir, err);
	for (size_t i = 0; !rc && builtin_plugins[i]; i++)
		rc = add_builtin(a, builtin_plugins[i], err);
	for (const char *const *p = o->only; !rc && p && *p; p++)
		if (!find_loaded(a, *p))
			rc = spoor_err_set(err, SPOOR_ENOTFOUND, 0,
					   "no plugin '%s' in the plugin path",
					   *p);
	if (rc) {
		spoor_artifacts_free(a);
		return NULL;
	}
	return a;
}

void spoor_artifacts_free(struct spoor_artifacts *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++) {
		if (a->pl[i].dl)
			dlclose(a->pl[i].dl);
		free(a->pl[i].path);
	}
	free(a->pl);
	free(a->tmp);
	spoor_tz_free(a->tz);
	spoor_tz_free(a->tz_other);
	phone_cache_free(a->phones);
	free(a);
}

size_t spoor_artifacts_nplugins(const struct spoor_artifacts *a)
{
	return a->n;
}

const struct spoor_plugin_info *
spoor_artifacts_plugin(const struct spoor_artifacts *a, size_t i)
{
	return i < a->n ? &a->pl[i].info : NULL;
}

const struct spoor_artifact_stats *
spoor_artifacts_stats(const struct spoor_artifacts *a, size_t i)
{
	return i < a->n ? &a->pl[i].st : NULL;
}

const struct spoor_artifact_totals *
spoor_artifacts_totals(const struct spoor_artifacts *a)
{
	return &a->tot;
}

/* ---- host callbacks ---- */

static struct hrun *R(const struct spoor_host *h)
{
	return h->priv;
}

static void h_log(const struct spoor_host *h, int level, const char *fmt,
		  ...)
{
	struct hrun *r = R(h);
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (level < SPOOR_LOG_ERROR || level > SPOOR_LOG_DEBUG)
		level = SPOOR_LOG_WARN;
	/* the recovery run says again what the first run said */
	if (r->view && level > SPOOR_LOG_ERROR)
		level = SPOOR_LOG_DEBUG;
	spoor_log(r->a->ctx, (enum spoor_log_level)level, "%s: '%s': %s",
		  r->l->info.name, r->path, msg);
}

/*
 * recovered_from of a record: the plugin's, or "wal" when the plugin
 * named a row of the database it has open that the main file lacks (a
 * net under every plugin: a WAL-only row is never reported as if the
 * main file held it).
 */
static const char *recovered_of(struct hrun *r, const char *src,
				const struct spoor_prov *prov)
{
	struct spoor_db *db = r->last_db;

	if (!prov)
		return NULL;
	if (prov->recovered_from || !prov->table || !db ||
	    strcmp(db->path, src))
		return prov->recovered_from;
	return asql_wal_only(db->q, prov->table, prov->rowid) ? "wal"
		: NULL;
}

/*
 * The origin of a record of the recovery run, or NULL when it is not
 * from a recovered row (a live row read again: dropped).  An earlier
 * version that the plugin renders exactly like the live row is dropped
 * too: it differs only in columns the plugin does not show.
 */
static const struct sqlrec_origin *
recovered(struct hrun *r, const struct spoor_record *in,
	  const struct spoor_prov *prov, const char *src)
{
	const struct sqlrec_origin *o;
	uint64_t h;

	if (!prov || !prov->table || strcmp(src, r->path))
		return NULL;
	o = sqlrec_view_origin(r->view, prov->table, prov->rowid);
	if (o && o->earlier && o->have_rowid &&
	    (h = sqlrec_seen_hash(r->seen, prov->table, o->rowid)) &&
	    h == sqlrec_record_hash(in))
		return NULL;
	return o;
}

/* recovered_page .. recovered_state: 7 fields after recovered_from */
#define RECOVERY_FIELDS 7

static void stamp(struct spoor_record *rec, const struct sqlrec_origin *o,
		  const char *file)
{
	spoor_record_int(rec, "recovered_page", o->page);
	spoor_record_str(rec, "recovered_file", file);
	spoor_record_int(rec, "recovered_offset", (int64_t)o->offset);
	spoor_record_int(rec, "recovered_length", o->length);
	spoor_record_bool(rec, "recovered_partial", o->partial);
	spoor_record_str(rec, "recovered_lost", o->lost);
	/* without its rowid a row cannot be told from an earlier
	 * version of a live row */
	spoor_record_str(rec, "recovered_state", o->earlier ?
			 "earlier-version" : o->have_rowid ? "deleted"
			 : "unknown");
}

static int h_emit(const struct spoor_host *h, const struct spoor_record *in,
		  const struct spoor_prov *prov)
{
	struct hrun *r = R(h);
	struct spoor_artifact_stats *st = &r->l->st;
	struct spoor_record rec;
	struct asrc_entry *e;
	const struct sqlrec_origin *o = NULL;
	struct sbuf file = SBUF_INIT;
	const char *src = prov && prov->source_path ? prov->source_path
		: r->path;
	const char *rf;
	int rc;

	if (r->a->stop) {
		/* the host said stop (Ctrl-C, output failed) and the
		 * plugin went on: a plugin bug worth a word */
		if (!r->late)
			h_log(h, SPOOR_LOG_WARN, "went on emitting after the "
			      "host said stop");
		r->late = true;
		return SPOOR_ESTOPPED;
	}
	if (r->view && !(o = recovered(r, in, prov, src)))
		return 0;
	if (!r->view && r->seen && in && in->type && prov && prov->table &&
	    !strcmp(src, r->path))
		sqlrec_seen_add(r->seen, prov->table, prov->rowid,
				sqlrec_record_hash(in), prov->recovered_from &&
				!strcmp(prov->recovered_from, "main"));
	if (!in || !in->type || in->overflow || in->n > SPOOR_RECORD_MAX_FIELDS
	    - 13 - (o ? RECOVERY_FIELDS : 0)) {
		/* a plugin bug, not bad evidence: counted as a failure */
		h_log(h, SPOOR_LOG_ERROR, "record with too many fields");
		r->l->st.errors++;
		return 0;
	}
	/* provenance first, where a reader of the output looks */
	spoor_record_init(&rec, in->type);
	spoor_record_str(&rec, "type", in->type);
	spoor_record_str(&rec, "plugin", r->l->info.name);
	spoor_record_str(&rec, "exhibit", r->exhibit);
	spoor_record_str(&rec, "source_path", src);
	e = src == r->path || !strcmp(src, r->path) ? r->cur
		: asrc_find(r->src, src);
	if (e && !asrc_sha256(r->src, e, NULL))
		spoor_record_str(&rec, "source_sha256", e->sha256);
	else
		spoor_record_null(&rec, "source_sha256");
	if (e && e->origin)	/* an iOS backup's file */
		spoor_record_str(&rec, "backup_file", e->origin);
	if (prov && prov->table) {
		spoor_record_str(&rec, "table", prov->table);
		if (o && o->have_rowid)	/* the row's own, not the view's */
			spoor_record_int(&rec, "rowid", o->rowid);
		else if (prov->rowid >= 0 && !o)
			spoor_record_int(&rec, "rowid", prov->rowid);
		else
			spoor_record_null(&rec, "rowid");
	}
	if (prov && prov->line >= 0 && !prov->table)
		spoor_record_int(&rec, "line", prov->line);
	rf = o ? spoor_sqlrec_source_name(o->source)
		: recovered_of(r, src, prov);
	spoor_record_str(&rec, "recovered_from", rf);
	if (o) {
		sbuf_addf(&file, "%s%s", src, o->in_wal ? "-wal" : "");
		stamp(&rec, o, sbuf_str(&file));
	}
	for (size_t i = 0; i < in->n; i++)
		rec.f[rec.n++] = in->f[i];
	if (r->trunc && !spoor_record_get(in, "truncated"))
		spoor_record_bool(&rec, "truncated", true);
	r->trunc = NULL;
	{
		const struct spoor_field *tf = spoor_record_get(&rec,
								"truncated");

		if (tf && tf->kind == SPOOR_F_BOOL && tf->v.b)
			st->truncated++;
	}
	st->records++;
	if (!strcmp(in->type, "message"))
		st->messages++;
	else if (!strcmp(in->type, "contact"))
		st->contacts++;
	else if (!strcmp(in->type, "call"))
		st->calls++;
	else if (!strcmp(in->type, "account"))
		st->accounts++;
	if (o) {
		st->recovered[o->source]++;
		if (o->source == SPOOR_SQLREC_MAIN)
			st->deleted++;
	} else if (rf && !strcmp(rf, "wal")) {
		st->wal_only++;
	} else if (rf) {
		st->deleted++;
	}
	rc = r->a->o.on_record ? r->a->o.on_record(r->a->o.userdata, &rec)
		: 0;
	sbuf_release(&file);
	if (rc) {
		r->a->stop = true;
		return SPOOR_ESTOPPED;
	}
	return 0;
}

/* SQLITE_CORRUPT and SQLITE_NOTADB: the file is damaged. */
static bool is_damage(int rc)
{
	return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB;
}

/*
 * Say once that db is damaged, with SQLite's error and what its
 * quick_check names (the pages), counted apart from "not understood":
 * an analyst looks for corruption, not for an unknown app version.
 */
static void tell_damage(struct spoor_db *db)
{
	struct hrun *r = db->run;
	struct sbuf chk = SBUF_INIT;

	if (db->damage_told || !is_damage(db->err_rc))
		return;
	db->damage_told = true;
	r->l->st.damaged++;
	asql_check(db->q, &chk);
	spoor_log(r->a->ctx, SPOOR_LOG_WARN, "%s: '%s': damaged database: "
		  "%s%s%s%s; the rows SQLite could read were read",
		  r->l->info.name, db->path, db->err_msg,
		  chk.len ? " (quick_check: " : "", sbuf_str(&chk),
		  chk.len ? ")" : "");
	sbuf_release(&chk);
}

static void h_not_understood(const struct spoor_host *h, const char *path,
			     const char *why)
{
	struct hrun *r = R(h);
	struct sbuf tables = SBUF_INIT;
	bool db = r->last_db && path && !strcmp(r->last_db->path, path);

	if (r->view)		/* the first run counted it */
		return;
	if (r->a->stop)		/* stopped: nothing more to say */
		return;
	if (db && r->last_db->err_rc) {
		/* the plugin saw a query fail: say why SQLite failed */
		if (is_damage(r->last_db->err_rc)) {
			tell_damage(r->last_db);
			return;
		}
		r->l->st.not_understood++;
		spoor_log(r->a->ctx, SPOOR_LOG_WARN, "%s: '%s': a query "
			  "failed: %s", r->l->info.name, path,
			  r->last_db->err_msg);
		return;
	}
	if (!db && r->open_damaged && (!path || !strcmp(path, r->path))) {
		r->l->st.damaged++;
		spoor_log(r->a->ctx, SPOOR_LOG_WARN, "%s: %s",
			  r->l->info.name, r->open_err);
		return;
	}
	r->l->st.not_understood++;
	if (db)
		asql_tables(r->last_db->q, &tables);
	else if (r->open_err[0])	/* say why SQLite refused it */
		sbuf_addf(&tables, "%s", r->open_err);
	spoor_log(r->a->ctx, SPOOR_LOG_WARN, "%s: '%s': %s%s%s%s",
		  r->l->info.name, path ? path : r->path,
		  why ? why : "not understood",
		  !tables.len ? "" : db ? " (tables found: " : " (",
		  sbuf_str(&tables), tables.len ? ")" : "");
	sbuf_release(&tables);
}

static const char *h_option(const struct spoor_host *h, const char *name)
{
	struct hrun *r = R(h);
	size_t len = strlen(name);

	for (const char *const *p = r->a->o.options; p && *p; p++)
		if (!strncmp(*p, name, len) && (*p)[len] == '=')
			return *p + len + 1;
	return NULL;
}

static void *h_read_file(const struct spoor_host *h, const char *path,
			 size_t max, size_t *len)
{
	struct hrun *r = R(h);
	struct asrc_entry *e = asrc_find(r->src, path);
	struct spoor_err err;
	char *buf;
	size_t got = 0;
	int fd;

	*len = 0;
	if (!e)
		return NULL;
	if (e != r->cur)	/* the run's own file: when not declined */
		e->used = true;
	if (e->size > max) {
		h_log(h, SPOOR_LOG_WARN, "'%s' is larger than %zu bytes",
		      path, max);
		return NULL;
	}
	fd = asrc_open_fd(r->src, e, &err);
	if (fd < 0)
		return NULL;
	buf = malloc((size_t)e->size + 1);
	while (buf && got < e->size) {
		ssize_t n = read(fd, buf + got, (size_t)e->size - got);

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

static int h_open_file(const struct spoor_host *h, const char *path)
{
	struct hrun *r = R(h);
	struct asrc_entry *e = asrc_find(r->src, path);
	struct spoor_err err;
	int fd;

	if (!e)
		return -1;
	if (e != r->cur)
		e->used = true;
	fd = asrc_open_fd(r->src, e, &err);
	if (fd < 0)
		h_log(h, SPOOR_LOG_WARN, "%s", err.msg);
	return fd;
}

static void h_free_buf(const struct spoor_host *h, void *buf)
{
	(void)h;
	free(buf);
}

static bool h_exists(const struct spoor_host *h, const char *path)
{
	return asrc_find(R(h)->src, path) != NULL;
}

static int h_resolve(const struct spoor_host *h, const char *near_dir,
		     const char *rel, struct spoor_resolved *out)
{
	struct hrun *r = R(h);
	struct asrc_entry *best = NULL;
	const char *base;
	size_t rl, nl = near_dir ? strlen(near_dir) : 0, first, n;

	memset(out, 0, sizeof(*out));
	if (!rel || !*rel)
		return SPOOR_ENOTFOUND;
	rl = strlen(rel);
	base = strrchr(rel, '/');
	base = base ? base + 1 : rel;
	n = asrc_by_base(r->src, base, &first);
	for (size_t k = 0; k < n; k++) {
		struct asrc_entry *e = &r->src->e[r->src->by_base[first + k]];
		size_t pl = strlen(e->path);

		if (pl < rl || strcmp(e->path + pl - rl, rel) ||
		    (pl > rl && e->path[pl - rl - 1] != '/'))
			continue;
		if (!best || (nl && !strncmp(e->path, near_dir, nl) &&
			      (e->path[nl] == '/' || !e->path[nl])))
			best = e;
	}
	if (!best || asrc_sha256(r->src, best, NULL))
		return SPOOR_ENOTFOUND;
	best->used = true;	/* an attachment: linked and hashed */
	spoor_strlcpy(out->path, best->path, sizeof(out->path));
	spoor_strlcpy(out->sha256, best->sha256, sizeof(out->sha256));
	out->size = best->size;
	return 0;
}

static int h_phone(const struct spoor_host *h, const char *raw,
		   const char *cc, char *out, size_t size)
{
	struct spoor_phone ph;
	int rc = phone_cache_parse(R(h)->a->phones, raw, cc, &ph);

	if (size)
		out[0] = '\0';
	if (rc || strlen(ph.e164) >= size)
		return rc ? rc : SPOOR_EFORMAT;
	memcpy(out, ph.e164, strlen(ph.e164) + 1);
	return 0;
}

static int h_phone_parse(const struct spoor_host *h, const char *raw,
			 const char *cc, struct spoor_phone *out)
{
	return phone_cache_parse(R(h)->a->phones, raw, cc, out);
}

/* The zone a plugin names (NULL: the run's), parsed at most once in a
 * row; NULL when there is none. */
static const struct spoor_tz *zone_for(struct hrun *r, const char *tz,
				       int *rc)
{
	struct spoor_artifacts *a = r->a;
	struct spoor_err err;

	*rc = 0;
	if (!tz)
		return a->tz;
	if (a->tz && !strcmp(tz, spoor_tz_spec(a->tz)))
		return a->tz;
	if (a->tz_other && !strcmp(tz, spoor_tz_spec(a->tz_other)))
		return a->tz_other;
	spoor_tz_free(a->tz_other);
	a->tz_other = NULL;
	if ((*rc = spoor_tz_new(tz, &a->tz_other, &err)))
		spoor_log(a->ctx, SPOOR_LOG_WARN, "%s: %s", r->l->info.name,
			  err.msg);
	return a->tz_other;
}

static int h_local_time(const struct spoor_host *h, const char *tz,
			const struct spoor_wallclock *w,
			struct spoor_local_time *out)
{
	struct hrun *r = R(h);
	struct spoor_artifact_stats *st = &r->l->st;
	const struct spoor_tz *z;
	struct spoor_tz_conv c;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!spoor_wallclock_iso(w, out->local))
		return SPOOR_EINVAL;
	z = zone_for(r, tz, &rc);
	if (rc)
		return rc;
	if (!z) {
		out->quality = SPOOR_TIME_ZONE_UNKNOWN;
		out->quality_name = spoor_time_quality_name(out->quality);
		st->times_zone_unknown++;
		if (!r->zone_warned)
			spoor_log(r->a->ctx, SPOOR_LOG_WARN, "%s: '%s': "
				  "local times without a time zone: kept as "
				  "local, not converted (give --tz=ZONE)",
				  r->l->info.name, r->path);
		r->zone_warned = true;
		return 0;
	}
	if ((rc = spoor_tz_to_utc(z, w, &c)))
		return rc;
	out->quality = c.quality;
	out->quality_name = spoor_time_quality_name(c.quality);
	out->zone = spoor_tz_spec(z);
	out->utc = (struct spoor_time){ c.utc, 0, true };
	if (c.quality == SPOOR_TIME_AMBIGUOUS) {
		out->utc_later = (struct spoor_time){ c.utc_later, 0, true };
		st->times_ambiguous++;
	} else if (c.quality == SPOOR_TIME_NONEXISTENT) {
		st->times_nonexistent++;
	}
	st->times_converted++;
	return 0;
}

/* ABI 1.1: the instant only (the earlier of a fold), UTC by default. */
static int h_local_to_utc(const struct spoor_host *h, const char *tz,
			  int year, int mon, int day, int hour, int min,
			  int sec, int64_t *out)
{
	struct hrun *r = R(h);
	struct spoor_wallclock w = { year, mon, day, hour, min, sec };
	struct spoor_tz_conv c;
	const struct spoor_tz *z;
	int rc;

	z = zone_for(r, tz ? tz : r->a->tz ? NULL : "UTC", &rc);
	if (rc)
		return rc;
	if ((rc = spoor_tz_to_utc(z, &w, &c)))
		return rc;
	*out = c.utc;
	return 0;
}

/* A database and its -wal, -journal and -shm are read by opening it. */
static void mark_db_files(struct hrun *r, struct asrc_entry *e,
			  const char *path)
{
	static const char *const sfx[] = { "-wal", "-journal", "-shm" };

	if (e != r->cur)
		e->used = true;
	for (size_t i = 0; i < ARRAY_SIZE(sfx); i++) {
		struct sbuf b = SBUF_INIT;
		struct asrc_entry *se;

		sbuf_addf(&b, "%s%s", path, sfx[i]);
		se = b.failed ? NULL : asrc_find(r->src, sbuf_str(&b));
		if (se)
			se->used = true;
		sbuf_release(&b);
	}
}

/*
 * Hook point: every database a plugin reads is opened here, through
 * asrc_sql_open (artifact_src.c) and asql_open (artifact_sql.c), into
 * db->q, whose private copy is in db->q->dir.  A layer that works on
 * every database (deleted-record recovery) attaches after a successful
 * open, or when the run's own database is closed (h_db_close).
 */
static struct spoor_db *h_db_open(const struct spoor_host *h,
				  const char *path)
{
	struct hrun *r = R(h);
	struct asrc_entry *e = asrc_find(r->src, path);
	struct spoor_db *db;
	struct spoor_err err;

	if (!e)
		return NULL;
	db = calloc(1, sizeof(*db));
	if (!db || !(db->path = strdup(path))) {
		free(db);
		return NULL;
	}
	if (r->view && !strcmp(path, r->path)) {
		/* the recovery run: the recovered rows' view */
		if (!(db->q = calloc(1, sizeof(*db->q)))) {
			free(db->path);
			free(db);
			return NULL;
		}
		db->q->db = sqlrec_view_db(r->view);
		db->q->borrowed = true;
		db->run = r;
		r->last_db = db;
		return db;
	}
	spoor_err_clear(&err);
	r->open_err[0] = '\0';
	r->open_damaged = false;
	mark_db_files(r, e, path);
	if (asrc_sql_open(r->src, e, r->a->tmp, &db->q, &err)) {
		spoor_strlcpy(r->open_err, err.msg, sizeof(r->open_err));
		r->open_damaged = asql_damaged(&err);
		/* the plugin says "not understood" for a non-database */
		spoor_log(r->a->ctx, err.code == SPOOR_EFORMAT ?
			  SPOOR_LOG_INFO : SPOOR_LOG_WARN, "%s: %s",
			  r->l->info.name, err.msg);
		free(db->path);
		free(db);
		return NULL;
	}
	db->run = r;
	r->last_db = db;
	return db;
}

static void db_free(struct spoor_db *db)
{
	if (!db->run->a->stop)
		tell_damage(db);
	if (db->main) {
		asql_close(db->main->q);
		free(db->main->path);
		free(db->main);
	}
	if (db->run->last_db == db)
		db->run->last_db = NULL;
	asql_close(db->q);
	free(db->path);
	free(db);
}

static void h_db_close(struct spoor_db *db)
{
	struct hrun *r;

	if (!db || db->is_view)	/* views go with their database */
		return;
	r = db->run;
	/* the file's own database: kept for the page scan */
	if (r->seen && !r->view && !r->kept && !strcmp(db->path, r->path)) {
		r->kept = db;
		if (r->last_db == db)
			r->last_db = NULL;
		return;
	}
	db_free(db);
}

static struct spoor_db *h_db_main(struct spoor_db *db)
{
	struct spoor_db *v;
	struct asql *q;

	if (db->main || db->is_view)
		return db->main;
	if (!db->q->has_wal || !db->q->imm)
		return NULL;
	v = calloc(1, sizeof(*v));
	q = calloc(1, sizeof(*q));
	if (!v || !q || !(v->path = strdup(db->path))) {
		free(v);
		free(q);
		return NULL;
	}
	q->db = db->q->imm;
	q->borrowed = true;
	v->q = q;
	v->run = db->run;
	v->owner = db;
	v->is_view = true;
	db->main = v;
	return v;
}

static bool h_has_table(struct spoor_db *db, const char *t)
{
	return asql_has_table(db->q, t);
}

static bool h_has_column(struct spoor_db *db, const char *t, const char *c)
{
	return asql_has_column(db->q, t, c);
}

static bool h_wal_only(struct spoor_db *db, const char *t, int64_t rowid)
{
	return asql_wal_only(db->q, t, rowid);
}

/* ---- statements ---- */

static struct spoor_db *owner_of(struct spoor_db *db)
{
	return db->owner ? db->owner : db;
}

/* Keep SQLite's first failure on a row of db, for the warnings. */
static void note_error(struct spoor_db *db, int rc)
{
	struct spoor_db *d = owner_of(db);

	if (d->err_rc && (is_damage(d->err_rc) || !is_damage(rc)))
		return;		/* damage is the one worth telling */
	d->err_rc = rc;
	spoor_strlcpy(d->err_msg, sqlite3_errmsg(db->q->db),
		      sizeof(d->err_msg));
	if ((rc & 0xff) == SQLITE_TOOBIG)
		snprintf(d->err_msg, sizeof(d->err_msg), "a value is longer "
			 "than %d MiB (%s)", ASQL_MAX_LENGTH >> 20,
			 sqlite3_errstr(rc));
}

/*
 * Hook point: every query of a plugin is prepared here (prepare and
 * prepare_rows) on db->q->db, and stepped in h_step.  A view that
 * replaces the tables a plugin reads (recovered rows) is given by
 * pointing db->q->db at another connection in h_db_open.
 */
static struct spoor_stmt *new_stmt(struct spoor_db *db, const char *sql)
{
	struct spoor_stmt *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	if (sqlite3_prepare_v2(db->q->db, sql, -1, &s->st, NULL) !=
	    SQLITE_OK) {
		int rc = sqlite3_errcode(db->q->db);

		spoor_log(db->run->a->ctx, is_damage(rc) ? SPOOR_LOG_INFO
			  : SPOOR_LOG_DEBUG, "%s: '%s': %s",
			  db->run->l->info.name, db->path,
			  sqlite3_errmsg(db->q->db));
		if (is_damage(rc))	/* a damaged schema page */
			note_error(db, rc);
		sqlite3_finalize(s->st);
		free(s);
		return NULL;
	}
	s->db = db;
	return s;
}

static struct spoor_stmt *h_prepare(struct spoor_db *db, const char *sql)
{
	return new_stmt(db, sql);
}

static struct spoor_stmt *h_prepare_rows(struct spoor_db *db,
					 const char *table, const char *sql)
{
	struct spoor_stmt *s = new_stmt(db, sql);
	char *q;

	if (!s)
		return NULL;
	q = sqlite3_mprintf("SELECT rowid FROM \"%w\" WHERE rowid >= ?1 "
			    "ORDER BY rowid LIMIT 1", table);
	s->table = strdup(table);
	if (!q || !s->table || sqlite3_bind_parameter_count(s->st) < 1 ||
	    sqlite3_prepare_v2(db->q->db, q, -1, &s->probe, NULL) !=
	    SQLITE_OK) {
		spoor_log(db->run->a->ctx, SPOOR_LOG_DEBUG, "%s: '%s': no "
			  "rowid scan of '%s' (%s)", db->run->l->info.name,
			  db->path, table, sqlite3_errmsg(db->q->db));
		sqlite3_free(q);
		sqlite3_finalize(s->probe);
		sqlite3_finalize(s->st);
		free(s->table);
		free(s);
		return NULL;
	}
	sqlite3_free(q);
	s->next = INT64_MIN;
	sqlite3_bind_int64(s->st, 1, s->next);
	return s;
}

static int h_bind_int(struct spoor_stmt *s, int i, int64_t v)
{
	if (s->table && i == 1)
		return SPOOR_EINVAL;	/* the host's */
	return sqlite3_bind_int64(s->st, i, v) == SQLITE_OK ? 0
		: SPOOR_EINVAL;
}

static int h_bind_text(struct spoor_stmt *s, int i, const char *v)
{
	if (s->table && i == 1)
		return SPOOR_EINVAL;
	return sqlite3_bind_text(s->st, i, v, -1, SQLITE_TRANSIENT) ==
		SQLITE_OK ? 0 : SPOOR_EINVAL;
}

/* The first rowid of s->table at or above from: 1 (*row set), 0 none,
 * or SQLite's error code as a negative number. */
static int probe(struct spoor_stmt *s, int64_t from, int64_t *row)
{
	int rc;

	sqlite3_reset(s->probe);
	sqlite3_bind_int64(s->probe, 1, from);
	rc = sqlite3_step(s->probe);
	if (rc == SQLITE_ROW) {
		*row = sqlite3_column_int64(s->probe, 0);
		sqlite3_reset(s->probe);
		return 1;
	}
	sqlite3_reset(s->probe);
	return rc == SQLITE_DONE ? 0 : -(rc ? rc : SQLITE_ERROR);
}

static int64_t add_sat(int64_t a, uint64_t d)
{
	return d > (uint64_t)(INT64_MAX - a) ? INT64_MAX : a + (int64_t)d;
}

/*
 * The first rowid at or above from that a seek reaches without an
 * error: past a damaged leaf page, the next leaf.  Exponential steps,
 * then bisection: a seek fails exactly while its key falls in a damaged
 * leaf's range.  1 (*row, the row there), 0 (no row past the damage) or
 * -1 (every seek fails).
 */
static int skip_damage(struct spoor_stmt *s, int64_t from, int64_t *row)
{
	int64_t lo = from, hi = from;
	uint64_t d = 1;
	int rc;

	for (;;) {
		hi = add_sat(lo, d);
		if (hi == lo)
			return -1;	/* INT64_MAX failed too */
		if ((rc = probe(s, hi, row)) >= 0)
			break;
		lo = hi;
		d *= 2;
	}
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		int64_t r2;
		int rc2 = probe(s, mid, &r2);

		if (rc2 >= 0) {
			hi = mid;
			rc = rc2;
			*row = r2;
		} else {
			lo = mid;
		}
	}
	return rc;
}

/*
 * s failed with SQLite error rc on the rows from s->next: say which
 * rows are lost and why, and find where reading can go on.  True with
 * s->next set, or false when nothing more can be read (s->done).
 */
static bool read_on(struct spoor_stmt *s, int rc)
{
	struct spoor_db *db = s->db;
	struct hrun *r = db->run;
	char why[256], from_s[32];
	int64_t row = 0, from = s->next;
	int pr;

	note_error(db, rc);
	if ((rc & 0xff) == SQLITE_TOOBIG)
		snprintf(why, sizeof(why), "a value is longer than %d MiB",
			 ASQL_MAX_LENGTH >> 20);
	else
		spoor_strlcpy(why, sqlite3_errmsg(db->q->db), sizeof(why));
	r->l->st.rows_skipped++;
	if (from == INT64_MIN)
		snprintf(from_s, sizeof(from_s), "the first");
	else
		snprintf(from_s, sizeof(from_s), "%lld", (long long)from);
	pr = probe(s, from, &row);
	if (pr == 1) {
		/* the row is there, reading it failed: it alone is lost */
		spoor_log(r->a->ctx, SPOOR_LOG_WARN, "%s: '%s': table '%s': "
			  "row %lld could not be read (%s): left out",
			  r->l->info.name, db->path, s->table, (long long)row,
			  why);
	} else if (pr == 0) {
		spoor_log(r->a->ctx, SPOOR_LOG_WARN, "%s: '%s': table '%s': "
			  "reading from rowid %s on failed (%s)",
			  r->l->info.name, db->path, s->table, from_s, why);
		s->done = true;
		return false;
	} else {
		/* the table's own pages are damaged from `from` on */
		pr = skip_damage(s, from, &row);
		if (pr <= 0) {
			spoor_log(r->a->ctx, SPOOR_LOG_WARN, "%s: '%s': table "
				  "'%s': rows from rowid %s on could not be "
				  "read (%s)", r->l->info.name, db->path,
				  s->table, from_s, why);
			s->done = true;
			return false;
		}
		spoor_log(r->a->ctx, SPOOR_LOG_WARN, "%s: '%s': table '%s': "
			  "rows from rowid %s to %lld could not be read (%s); "
			  "reading on from rowid %lld", r->l->info.name,
			  db->path, s->table, from_s, (long long)row - 1, why,
			  (long long)row);
		s->next = row;
		return true;
	}
	if (row == INT64_MAX) {
		s->done = true;
		return false;
	}
	s->next = row + 1;
	return true;
}

static int h_step(struct spoor_stmt *s)
{
	struct hrun *r = s->db->run;
	int rc;

	for (;;) {
		if (r->a->stop)
			return SPOOR_ESTOPPED;
		if (s->done)
			return 0;
		if (r->trunc == s)
			r->trunc = NULL;	/* a row left unemitted */
		rc = sqlite3_step(s->st);
		if (rc == SQLITE_ROW) {
			if (s->table) {
				int64_t id = sqlite3_column_int64(s->st, 0);

				s->done = id == INT64_MAX;
				s->next = id + !s->done;
			}
			return 1;
		}
		if (rc == SQLITE_DONE)
			return 0;
		rc = sqlite3_extended_errcode(s->db->q->db);
		if (!s->table || (!is_damage(rc) &&
				  (rc & 0xff) != SQLITE_TOOBIG)) {
			note_error(s->db, rc);
			spoor_log(r->a->ctx, SPOOR_LOG_INFO, "%s: '%s': %s",
				  r->l->info.name, s->db->path,
				  sqlite3_errmsg(s->db->q->db));
			return SPOOR_EFORMAT;
		}
		sqlite3_reset(s->st);
		if (!read_on(s, rc))
			return 0;
		sqlite3_bind_int64(s->st, 1, s->next);
	}
}

static int h_reset(struct spoor_stmt *s)
{
	sqlite3_reset(s->st);
	sqlite3_clear_bindings(s->st);
	if (s->table) {
		s->next = INT64_MIN;
		s->done = false;
		sqlite3_bind_int64(s->st, 1, s->next);
	}
	return 0;
}

static void h_finalize(struct spoor_stmt *s)
{
	if (!s)
		return;
	if (s->db->run->trunc == s)
		s->db->run->trunc = NULL;
	sqlite3_finalize(s->st);
	sqlite3_finalize(s->probe);
	free(s->table);
	free(s);
}

static int h_col_type(struct spoor_stmt *s, int i)
{
	return sqlite3_column_type(s->st, i);
}

static int64_t h_col_int(struct spoor_stmt *s, int i)
{
	return sqlite3_column_int64(s->st, i);
}

static double h_col_double(struct spoor_stmt *s, int i)
{
	return sqlite3_column_double(s->st, i);
}

/* A value is cut at ASQL_VALUE_MAX (text on a character boundary)
 * and the record made of it flagged. */
static const char *h_col_text(struct spoor_stmt *s, int i, size_t *len)
{
	int type = sqlite3_column_type(s->st, i);
	const char *p;
	size_t n;

	if (type == SQLITE_NULL) {
		if (len)
			*len = 0;
		return NULL;
	}
	if (type == SQLITE_BLOB) {
		p = sqlite3_column_blob(s->st, i);
		if (!p)
			p = "";
	} else {
		p = (const char *)sqlite3_column_text(s->st, i);
	}
	n = p ? (size_t)sqlite3_column_bytes(s->st, i) : 0;
	if (n > ASQL_VALUE_MAX) {
		n = ASQL_VALUE_MAX;
		while (type != SQLITE_BLOB && n > ASQL_VALUE_MAX - 4 &&
		       ((unsigned char)p[n] & 0xc0) == 0x80)
			n--;
		s->db->run->trunc = s;
	}
	if (len)
		*len = n;
	return p ? p : "";
}

/* ---- running ---- */

static bool matches(const struct spoor_plugin *p, const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	for (const char *const *pat = p->patterns; *pat; pat++)
		if (!fnmatch(*pat, path, 0) || !fnmatch(*pat, base, 0))
			return true;
	return false;
}

/*
 * After a run: files no plugin read are counted; evidence of which no
 * plugin read a single file (a Snapchat export zip, an unknown file) is
 * warned by name: nothing given to the tool is dropped without a word.
 */
static void count_unread(struct spoor_artifacts *a, struct asrc *src,
			 const char *evidence)
{
	const char *kind = src->ops ? src->ops->kind : "file";
	uint64_t used = 0;

	for (size_t j = 0; j < src->n; j++)
		used += src->e[j].used;
	a->tot.inputs++;
	a->tot.files += src->n;
	a->tot.unread += src->n - used;
	a->tot.skipped += src->skipped;
	if (used)
		return;
	a->tot.unread_inputs++;
	if (!strcmp(kind, "file"))
		spoor_log(a->ctx, SPOOR_LOG_WARN, "'%s': no plugin reads this "
			  "file (not a format of the plugins loaded; see "
			  "--list-plugins)", evidence);
	else
		spoor_log(a->ctx, SPOOR_LOG_WARN, "'%s': no plugin reads any "
			  "of its %zu %s (%s)", evidence, src->n,
			  !strcmp(kind, "archive") ? "members" : "files",
			  kind);
}

/* The tables to recover: the plugin's list (ABI 1.2), else the ones it
 * emitted records from, NULL-ended into out (at most max - 1).  A list
 * keeps the tables it only looks things up in (accounts, chats) live. */
static void recover_list(const struct hrun *r, const char **out, size_t max)
{
	const struct spoor_plugin *p = r->l->p;
	const char *const *decl = SPOOR_PLUGIN_ABI_MINOR_OF(p->abi) >= 2 ?
		p->recover_tables : NULL;
	size_t n = 0;

	for (; decl && *decl && n < max - 1; decl++)
		out[n++] = *decl;
	/* a plugin that lists none: the tables it emitted from */
	for (const char *const *t = sqlrec_seen_tables(r->seen);
	     !decl && *t && n < max - 1; t++)
		out[n++] = *t;
	out[n] = NULL;
}

/*
 * After the first run on a database: scan its pages for deleted rows of
 * the tables the plugin reads and, when there are some, run the plugin
 * again on a view of them (sqlrecover.h).
 */
static void recovery_run(const struct spoor_host *h, struct hrun *r)
{
	struct spoor_artifact_stats *st = &r->l->st;
	struct sqlrec_view_stats vs;
	struct spoor_err err;
	const char *tables[160];
	int rc;

	recover_list(r, tables, ARRAY_SIZE(tables));
	if (!tables[0])
		return;
	spoor_err_clear(&err);
	rc = sqlrec_view_build(r->kept->q, tables, r->seen, &r->view, &vs,
			       &err);
	st->recovery_dropped += vs.dropped;
	if (rc || vs.truncated) {
		spoor_log(r->a->ctx, SPOOR_LOG_WARN, "%s: '%s': deleted rows "
			  "%s: %s", r->l->info.name, r->path, rc ?
			  "not recovered" : "recovered only in part",
			  rc ? err.msg : "too many to hold in memory");
		st->recovery_failed++;
	}
	if (vs.damaged)
		spoor_log(r->a->ctx, SPOOR_LOG_WARN, "%s: '%s': %llu damaged "
			  "page structures (loops, pointers out of range) cut "
			  "short while looking for deleted rows",
			  r->l->info.name, r->path,
			  (unsigned long long)vs.damaged);
	if (!r->view)
		return;
	spoor_log(r->a->ctx, SPOOR_LOG_INFO, "%s: '%s': %llu deleted rows "
		  "recovered (%llu copies of live rows left out)",
		  r->l->info.name, r->path, (unsigned long long)vs.rows,
		  (unsigned long long)vs.dup_live);
	r->last_db = NULL;
	if (r->l->p->run(h, r->path) < 0 && !r->a->stop) {
		spoor_log(r->a->ctx, SPOOR_LOG_WARN, "%s: '%s': the run on "
			  "the recovered rows failed", r->l->info.name,
			  r->path);
		st->errors++;
	}
	sqlrec_view_free(r->view);
	r->view = NULL;
}

int spoor_artifacts_run(struct spoor_artifacts *a, const char *evidence,
			const char *exhibit, struct spoor_err *err)
{
	struct asrc *src;
	int rc;

	rc = asrc_open(a->ctx, evidence, a->tmp, &src, err);
	if (rc)
		return rc;
	if (!exhibit) {
		const char *b = strrchr(evidence, '/');

		exhibit = b && b[1] ? b + 1 : evidence;
	}
	for (size_t i = 0; i < a->n && !a->stop; i++) {
		struct loaded *l = &a->pl[i];

		for (size_t j = 0; j < src->n && !a->stop; j++) {
			/* built-ins: once, on the entry their source names */
			if (l->bi && (!l->bi->anchor(src) ||
				      strcmp(src->e[j].path,
					     l->bi->anchor(src))))
				continue;
			struct hrun run = { .a = a, .l = l, .src = src,
					    .exhibit = exhibit };
			int prc;
			struct spoor_host h = {
				.abi = SPOOR_PLUGIN_ABI,
				.size = sizeof(struct spoor_host),
				.priv = &run,
				.exhibit = exhibit,
				.log = h_log,
				.emit = h_emit,
				.not_understood = h_not_understood,
				.option = h_option,
				.read_file = h_read_file,
				.open_file = h_open_file,
				.free_buf = h_free_buf,
				.exists = h_exists,
				.resolve = h_resolve,
				.phone_e164 = h_phone,
				.local_to_utc = h_local_to_utc,
				.local_time = h_local_time,
				.phone = h_phone_parse,
				.db_open = h_db_open,
				.db_close = h_db_close,
				.db_has_table = h_has_table,
				.db_has_column = h_has_column,
				.db_wal_only = h_wal_only,
				.db_main = h_db_main,
				.prepare = h_prepare,
				.bind_int = h_bind_int,
				.bind_text = h_bind_text,
				.step = h_step,
				.reset = h_reset,
				.finalize = h_finalize,
				.col_type = h_col_type,
				.col_int = h_col_int,
				.col_double = h_col_double,
				.col_text = h_col_text,
				.prepare_rows = h_prepare_rows,
			};
			/* copy the path: the plugin may outlive nothing,
			 * but entries may move if a source grows */
			char *path = strdup(src->e[j].path);

			if (!path) {
				rc = spoor_err_set(err, SPOOR_ENOMEM, ENOMEM,
						   "out of memory");
				break;
			}
			if (!l->bi && !matches(l->p, path)) {
				free(path);
				continue;
			}
			run.path = path;
			run.cur = &src->e[j];
			l->st.files++;
			spoor_log(a->ctx, SPOOR_LOG_INFO, "%s: '%s'",
				  l->info.name, path);
			if (!a->o.no_recovery && !l->bi)
				run.seen = sqlrec_seen_new();
			prc = l->bi ? l->bi->run(&h, src, path)
				: l->p->run(&h, path);
			if (prc < 0 && !a->stop)
				l->st.errors++;
			if (prc == SPOOR_PLUGIN_DECLINED && !l->bi) {
				l->st.files--;	/* not of its kind */
				spoor_log(a->ctx, SPOOR_LOG_INFO, "%s: '%s': "
					  "not of its kind", l->info.name,
					  path);
			} else {
				src->e[j].used = true;
			}
			if (run.kept && !a->stop)
				recovery_run(&h, &run);
			if (run.kept)
				db_free(run.kept);
			sqlrec_seen_free(run.seen);
			free(path);
		}
	}
	if (src->skipped)
		spoor_log(a->ctx, SPOOR_LOG_WARN, "'%s': %llu members or "
			  "files not read", evidence,
			  (unsigned long long)src->skipped);
	if (!rc && !a->stop)
		count_unread(a, src, evidence);
	asrc_free(src);
	if (!rc && a->stop)
		rc = spoor_err_set(err, SPOOR_ESTOPPED, 0, "stopped");
	return rc;
}
