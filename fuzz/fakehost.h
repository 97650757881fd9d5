/*
 * fakehost.h: a struct spoor_host for fuzzing a plugin in-process,
 * without libspoor's plugin loader.  A target includes the plugin's
 * source and this file, then calls fz_plugin_run(&spoor_plugin_NAME,
 * "evidence/path", data, size): the plugin's read_file gets the fuzz
 * input, emit checks every record it is given (every string readable
 * over its whole length, field count bounded), and the SQLite
 * callbacks say "not a database".  Options: me=Daan, cc=31, tz unset.
 * ABI 1.1/1.2: open_file gives the fuzz input as a memfd; local_time
 * reads every wall clock in the fixed zone +01:00; phone is
 * spoor_phone_parse.
 */
#ifndef SPOOR_FUZZ_FAKEHOST_H
#define SPOOR_FUZZ_FAKEHOST_H

#include "fuzz.h"
#include "spoor-plugin.h"

#include <stdarg.h>
#include <sys/mman.h>

struct fz_host {
	const uint8_t *data;
	size_t size;
	const char *path;
	unsigned acc;
	uint64_t records;
};

static void fz_h_log(const struct spoor_host *h, int level, const char *fmt,
		     ...)
{
	char msg[1024];
	va_list ap;

	(void)level;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	((struct fz_host *)h->priv)->acc += fz_touch(msg, strlen(msg));
}

static unsigned fz_check_record(const struct spoor_record *r, int depth)
{
	unsigned acc = 0;

	if (!r->type || r->n > SPOOR_RECORD_MAX_FIELDS || depth > 4)
		abort();
	acc += fz_touch(r->type, strlen(r->type));
	for (size_t i = 0; i < r->n; i++) {
		const struct spoor_field *f = &r->f[i];

		if (!f->key)
			abort();
		acc += fz_touch(f->key, strlen(f->key));
		switch (f->kind) {
		case SPOOR_F_STR:
			if (!f->v.str.ptr && f->v.str.len)
				abort();
			if (f->v.str.ptr)
				acc += fz_touch(f->v.str.ptr, f->v.str.len);
			break;
		case SPOOR_F_LIST:
			for (size_t k = 0; k < f->v.list.n; k++)
				acc += fz_check_record(&f->v.list.items[k],
						       depth + 1);
			break;
		case SPOOR_F_RUNS:
			acc += fz_touch(f->v.runs.items, f->v.runs.n *
					sizeof(*f->v.runs.items));
			break;
		default:
			break;
		}
	}
	return acc;
}

static int fz_h_emit(const struct spoor_host *h, const struct spoor_record *r,
		     const struct spoor_prov *prov)
{
	struct fz_host *fh = h->priv;

	/* the host appends up to 16 provenance fields */
	if (r->overflow || r->n > 48)
		abort();
	fh->acc += fz_check_record(r, 0);
	if (prov) {
		if (prov->source_path)
			fh->acc += fz_touch(prov->source_path,
					    strlen(prov->source_path));
		if (prov->table)
			fh->acc += fz_touch(prov->table, strlen(prov->table));
	}
	fh->records++;
	return 0;
}

static void fz_h_not_understood(const struct spoor_host *h, const char *path,
				const char *why)
{
	((struct fz_host *)h->priv)->acc += fz_touch(path, strlen(path)) +
		fz_touch(why, strlen(why));
}

static const char *fz_h_option(const struct spoor_host *h, const char *name)
{
	(void)h;
	if (!strcmp(name, "me"))
		return "Daan";
	if (!strcmp(name, "cc"))
		return "31";
	return NULL;
}

static void *fz_h_read_file(const struct spoor_host *h, const char *path,
			    size_t max, size_t *len)
{
	struct fz_host *fh = h->priv;
	char *buf;

	if (strcmp(path, fh->path) || fh->size > max)
		return NULL;
	/* exactly size bytes plus a NUL the plugin must not rely on */
	buf = malloc(fh->size + 1);
	if (!buf)
		abort();
	if (fh->size)
		memcpy(buf, fh->data, fh->size);
	buf[fh->size] = '\0';
	*len = fh->size;
	return buf;
}

static void fz_h_free_buf(const struct spoor_host *h, void *buf)
{
	(void)h;
	free(buf);
}

static bool fz_h_exists(const struct spoor_host *h, const char *path)
{
	return !strcmp(path, ((struct fz_host *)h->priv)->path);
}

static int fz_h_resolve(const struct spoor_host *h, const char *near_dir,
			const char *rel, struct spoor_resolved *out)
{
	struct fz_host *fh = h->priv;

	fh->acc += fz_touch(near_dir, strlen(near_dir)) +
		fz_touch(rel, strlen(rel));
	memset(out, 0, sizeof(*out));
	return SPOOR_ENOTFOUND;
}

static int fz_h_phone(const struct spoor_host *h, const char *raw,
		      const char *default_cc, char *out, size_t size)
{
	(void)h;
	return spoor_phone_e164(raw, default_cc, out, size);
}

/* Proleptic Gregorian days since 1970-01-01 (Howard Hinnant's method). */
static int fz_h_local_to_utc(const struct spoor_host *h, const char *tz,
			     int year, int mon, int day, int hour, int min,
			     int sec, int64_t *out)
{
	int64_t y = year, era, yoe, doy, doe;

	(void)h;
	(void)tz;
	if (year < 1 || year > 9999 || mon < 1 || mon > 12 || day < 1 ||
	    day > 31 || hour < 0 || hour > 23 || min < 0 || min > 59 ||
	    sec < 0 || sec > 60)
		return SPOOR_EINVAL;
	y -= mon <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	*out = ((era * 146097 + doe - 719468) * 24 + hour) * 3600 +
		min * 60 + sec;
	return 0;
}

/* The input as a file descriptor (a memfd the plugin closes). */
static int fz_h_open_file(const struct spoor_host *h, const char *path)
{
	struct fz_host *fh = h->priv;
	size_t off = 0;
	int fd;

	if (strcmp(path, fh->path))
		return -1;
	fd = memfd_create("fuzz", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	while (off < fh->size) {
		ssize_t w = write(fd, fh->data + off, fh->size - off);

		if (w <= 0)
			abort();
		off += (size_t)w;
	}
	if (lseek(fd, 0, SEEK_SET) != 0)
		abort();
	return fd;
}

static int fz_h_phone_parse(const struct spoor_host *h, const char *raw,
			    const char *default_cc, struct spoor_phone *out)
{
	(void)h;
	return spoor_phone_parse(raw, default_cc, out);
}

/* A fixed zone (no tzdata read per call): the conversion path runs, the
 * DST branches are the tz unit test's. */
static int fz_h_local_time(const struct spoor_host *h, const char *tz,
			   const struct spoor_wallclock *w,
			   struct spoor_local_time *out)
{
	struct spoor_tz *z = NULL;
	struct spoor_tz_conv c;
	int rc;

	(void)h;
	(void)tz;
	memset(out, 0, sizeof(*out));
	if (!spoor_wallclock_iso(w, out->local))
		return SPOOR_EINVAL;
	if ((rc = spoor_tz_new("+01:00", &z, NULL)))
		return rc;
	rc = spoor_tz_to_utc(z, w, &c);
	spoor_tz_free(z);
	if (rc)
		return rc;
	out->quality = c.quality;
	out->quality_name = spoor_time_quality_name(c.quality);
	out->zone = "+01:00";
	out->utc = (struct spoor_time){ c.utc, 0, true };
	return 0;
}

static struct spoor_db *fz_h_db_open(const struct spoor_host *h,
				     const char *path)
{
	(void)h;
	(void)path;
	return NULL;
}

static void fz_h_db_close(struct spoor_db *db)
{
	(void)db;
}

/* Run plugin p on the input as the evidence file `path`. */
static inline uint64_t fz_plugin_run(const struct spoor_plugin *p,
				     const char *path, const uint8_t *data,
				     size_t size)
{
	struct fz_host fh = { data, size, path, 0, 0 };
	struct spoor_host h = {
		.abi = SPOOR_PLUGIN_ABI,
		.size = sizeof(struct spoor_host),
		.priv = &fh,
		.exhibit = "fuzz",
		.log = fz_h_log,
		.emit = fz_h_emit,
		.not_understood = fz_h_not_understood,
		.option = fz_h_option,
		.read_file = fz_h_read_file,
		.free_buf = fz_h_free_buf,
		.exists = fz_h_exists,
		.resolve = fz_h_resolve,
		.phone_e164 = fz_h_phone,
		.local_to_utc = fz_h_local_to_utc,
		.local_time = fz_h_local_time,
		.phone = fz_h_phone_parse,
		.db_open = fz_h_db_open,
		.db_close = fz_h_db_close,
		.open_file = fz_h_open_file,
	};

	(void)p->run(&h, path);
	return fh.records;
}

#endif
