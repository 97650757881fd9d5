/*
 * writer.c: streaming record writers.  Every record is rendered into one
 * buffer and written with one fwrite, so a failed write never leaves half
 * a line unreported.  DFXML lives in dfxml.c.
 */
#include "internal.h"
#include "writer.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "banned.h"

/*
 * The longest line (one record) the writer builds: a 16 MiB value (the
 * artifact host's and the chat parsers' cap) escaped at its worst
 * (\u00XX for control bytes: 6 bytes each) with room for the rest.
 */
#define WR_LINE_MAX ((size_t)128 << 20)

static const char hexdig[] = "0123456789abcdef";

int spoor_format_parse(const char *name, enum spoor_format *fmt,
		       struct spoor_err *err)
{
	static const struct {
		const char *name;
		enum spoor_format fmt;
	} names[] = {
		{ "jsonl", SPOOR_FMT_JSONL }, { "json", SPOOR_FMT_JSONL },
		{ "csv", SPOOR_FMT_CSV }, { "dfxml", SPOOR_FMT_DFXML },
		{ "xml", SPOOR_FMT_DFXML }, { "bodyfile", SPOOR_FMT_BODYFILE },
		{ "body", SPOOR_FMT_BODYFILE },
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcasecmp(name, names[i].name)) {
			*fmt = names[i].fmt;
			return SPOOR_OK;
		}
	return spoor_err_set(err, SPOOR_EINVAL, 0,
		"unknown format '%s' (use jsonl, csv, dfxml or bodyfile)",
		name);
}

bool wr_sanitize(struct sbuf *out, const char *p, size_t n,
		 enum wr_ctrl ctrl)
{
	bool lossless = true;
	size_t i = 0;

	while (i < n) {
		unsigned char c = (unsigned char)p[i];
		size_t k;

		if (c < 0x80) {
			bool bad = (ctrl == WR_CTRL_XML && c < 0x20 &&
				    c != '\t' && c != '\n' && c != '\r') ||
				   (ctrl == WR_CTRL_CARET &&
				    (c < 0x20 || c == '|'));
			if (bad && ctrl == WR_CTRL_CARET) {
				sbuf_addc(out, '^');
				lossless = false;
			} else if (bad) {
				sbuf_add(out, "\xef\xbf\xbd", 3);
				lossless = false;
			} else {
				sbuf_addc(out, (char)c);
			}
			i++;
			continue;
		}
		k = spoor_utf8_seq(p + i, n - i);
		if (k) {
			sbuf_add(out, p + i, k);
			i += k;
		} else {
			sbuf_add(out, "\xef\xbf\xbd", 3);	/* U+FFFD */
			lossless = false;
			i++;
		}
	}
	return lossless;
}

void wr_hex(struct sbuf *out, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		sbuf_addc(out, hexdig[c >> 4]);
		sbuf_addc(out, hexdig[c & 15]);
	}
}

/* ---- JSON ---- */

/* Append p[0..n) as a JSON string body; returns true when it was valid
 * UTF-8 (false: bad bytes were written as U+FFFD). */
static bool json_str_body(struct sbuf *b, const char *p, size_t n)
{
	bool valid = true;
	size_t i = 0;

	while (i < n) {
		size_t run = i;
		unsigned char c;
		size_t k;

		/* copy runs that need no escaping in one go */
		while (run < n) {
			c = (unsigned char)p[run];
			if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\')
				run++;
			else if (c >= 0x80 && (k = spoor_utf8_seq(p + run,
								  n - run)))
				run += k;
			else
				break;
		}
		if (run > i) {
			sbuf_add(b, p + i, run - i);
			i = run;
			continue;
		}
		c = (unsigned char)p[i];
		if (c >= 0x80) {	/* not UTF-8: U+FFFD, bytes in _hex */
			sbuf_add(b, "\\ufffd", 6);
			valid = false;
			i++;
			continue;
		}
		switch (c) {
		case '"': sbuf_add(b, "\\\"", 2); break;
		case '\\': sbuf_add(b, "\\\\", 2); break;
		case '\b': sbuf_add(b, "\\b", 2); break;
		case '\f': sbuf_add(b, "\\f", 2); break;
		case '\n': sbuf_add(b, "\\n", 2); break;
		case '\r': sbuf_add(b, "\\r", 2); break;
		case '\t': sbuf_add(b, "\\t", 2); break;
		default:
			sbuf_add(b, "\\u00", 4);
			sbuf_addc(b, hexdig[c >> 4]);
			sbuf_addc(b, hexdig[c & 15]);
		}
		i++;
	}
	return valid;
}

static void json_key(struct sbuf *b, const char *key, const char *suffix,
		     bool *first)
{
	if (!*first)
		sbuf_addc(b, ',');
	*first = false;
	sbuf_addc(b, '"');
	json_str_body(b, key, strlen(key));
	if (suffix)
		sbuf_adds(b, suffix);
	sbuf_add(b, "\":", 2);
}

static void json_record(struct sbuf *b, const struct spoor_record *r);

static void json_value(struct sbuf *b, const struct spoor_field *f)
{
	char tbuf[SPOOR_TIME_STR_MAX];

	switch (f->kind) {
	case SPOOR_F_NULL:
		sbuf_add(b, "null", 4);
		break;
	case SPOOR_F_STR:
		sbuf_addc(b, '"');
		json_str_body(b, f->v.str.ptr, f->v.str.len);
		sbuf_addc(b, '"');
		break;
	case SPOOR_F_INT:
		sbuf_addf(b, "%" PRId64, f->v.i);
		break;
	case SPOOR_F_UINT:
		sbuf_addf(b, "%" PRIu64, f->v.u);
		break;
	case SPOOR_F_BOOL:
		sbuf_adds(b, f->v.b ? "true" : "false");
		break;
	case SPOOR_F_TIME:
		if (spoor_time_iso(&f->v.t, tbuf))
			sbuf_addf(b, "\"%s\"", tbuf);
		else
			sbuf_add(b, "null", 4);
		break;
	case SPOOR_F_LIST:
		sbuf_addc(b, '[');
		for (size_t i = 0; i < f->v.list.n; i++) {
			if (i)
				sbuf_addc(b, ',');
			json_record(b, &f->v.list.items[i]);
		}
		sbuf_addc(b, ']');
		break;
	case SPOOR_F_RUNS:
		sbuf_addc(b, '[');
		for (size_t i = 0; i < f->v.runs.n; i++) {
			const struct spoor_run *run = &f->v.runs.items[i];
			sbuf_addf(b, "%s{\"file_offset\":%" PRIu64
				  ",\"img_offset\":%" PRIu64
				  ",\"len\":%" PRIu64 "%s}", i ? "," : "",
				  run->file_offset, run->img_offset, run->len,
				  run->sparse ? ",\"sparse\":true" : "");
		}
		sbuf_addc(b, ']');
		break;
	}
}

static void json_record(struct sbuf *b, const struct spoor_record *r)
{
	bool first = true;

	sbuf_addc(b, '{');
	for (size_t i = 0; i < r->n; i++) {
		const struct spoor_field *f = &r->f[i];

		json_key(b, f->key, NULL, &first);
		if (f->kind != SPOOR_F_STR) {
			json_value(b, f);
			continue;
		}
		sbuf_addc(b, '"');
		if (json_str_body(b, f->v.str.ptr, f->v.str.len)) {
			sbuf_addc(b, '"');
			continue;
		}
		sbuf_addc(b, '"');
		json_key(b, f->key, "_hex", &first);
		sbuf_addc(b, '"');
		wr_hex(b, f->v.str.ptr, f->v.str.len);
		sbuf_addc(b, '"');
	}
	sbuf_addc(b, '}');
}

void wr_json_record(struct sbuf *b, const struct spoor_record *r)
{
	json_record(b, r);
}

void wr_json_string(struct sbuf *b, const char *p, size_t n)
{
	sbuf_addc(b, '"');
	json_str_body(b, p, n);
	sbuf_addc(b, '"');
}

bool spoor_json_fputs(FILE *f, const char *s, size_t len)
{
	struct sbuf b = SBUF_INIT;
	bool valid;

	b.max = len < SIZE_MAX / 8 ? len * 6 + 16 : SIZE_MAX;
	sbuf_addc(&b, '"');
	valid = json_str_body(&b, s, len);
	sbuf_addc(&b, '"');
	if (b.failed) {
		fputs("null", f);	/* still valid JSON */
		valid = false;
	} else {
		fwrite(b.buf, 1, b.len, f);
	}
	sbuf_release(&b);
	return valid;
}

/* The JSONL writer's line without its LF: the same json_record. */
char *spoor_record_json(const struct spoor_record *r, size_t *len,
			struct spoor_err *err)
{
	struct sbuf b = SBUF_INIT;

	b.max = WR_LINE_MAX;
	if (r->overflow) {
		spoor_err_set(err, SPOOR_EINTERNAL, 0,
			      "record with too many fields");
		return NULL;
	}
	json_record(&b, r);
	if (b.failed || !b.buf) {
		sbuf_release(&b);
		spoor_err_set(err, SPOOR_ELIMIT, 0,
			      "record too large to write");
		return NULL;
	}
	if (len)
		*len = b.len;
	return b.buf;
}

/* ---- CSV (RFC 4180) ---- */

static void csv_cell(struct sbuf *b, const char *p, size_t n)
{
	bool quote = false;

	for (size_t i = 0; i < n; i++)
		if (p[i] == ',' || p[i] == '"' || p[i] == '\r' ||
		    p[i] == '\n') {
			quote = true;
			break;
		}
	if (!quote) {
		sbuf_add(b, p, n);
		return;
	}
	sbuf_addc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"')
			sbuf_addc(b, '"');
		sbuf_addc(b, p[i]);
	}
	sbuf_addc(b, '"');
}

static void csv_field(struct sbuf *b, struct sbuf *tmp,
		      const struct spoor_field *f)
{
	char tbuf[SPOOR_TIME_STR_MAX];

	sbuf_reset(tmp);
	switch (f->kind) {
	case SPOOR_F_NULL:
		return;
	case SPOOR_F_STR:
		wr_sanitize(tmp, f->v.str.ptr, f->v.str.len, WR_CTRL_KEEP);
		break;
	case SPOOR_F_TIME:
		if (spoor_time_iso(&f->v.t, tbuf))
			sbuf_adds(tmp, tbuf);
		break;
	case SPOOR_F_BOOL:
		sbuf_adds(tmp, f->v.b ? "true" : "false");
		break;
	default:
		json_value(tmp, f);
	}
	csv_cell(b, sbuf_str(tmp), tmp->len);
}

static void csv_header(struct sbuf *b, const char *const *cols)
{
	for (size_t i = 0; cols[i]; i++) {
		if (i)
			sbuf_addc(b, ',');
		csv_cell(b, cols[i], strlen(cols[i]));
	}
	sbuf_add(b, "\r\n", 2);
}

/* The cell of column `col`: a field, or the _hex companion of one. */
static void csv_column(struct sbuf *b, struct sbuf *tmp,
		       const struct spoor_record *r, const char *col)
{
	const struct spoor_field *f = spoor_record_get(r, col);
	size_t n = strlen(col);
	char base[64];

	if (f) {
		csv_field(b, tmp, f);
		return;
	}
	if (n <= 4 || n - 4 >= sizeof(base) || strcmp(col + n - 4, "_hex"))
		return;
	memcpy(base, col, n - 4);
	base[n - 4] = '\0';
	f = spoor_record_get(r, base);
	if (f && f->kind == SPOOR_F_STR &&
	    !spoor_utf8_valid(f->v.str.ptr, f->v.str.len))
		wr_hex(b, f->v.str.ptr, f->v.str.len);
}

/* ---- bodyfile (TSK 3.x) ---- */

static const char *rec_str(const struct spoor_record *r, const char *key,
			   size_t *len)
{
	const struct spoor_field *f = spoor_record_get(r, key);

	if (!f || f->kind != SPOOR_F_STR) {
		*len = 0;
		return NULL;
	}
	*len = f->v.str.len;
	return f->v.str.ptr;
}

static bool rec_bool(const struct spoor_record *r, const char *key)
{
	const struct spoor_field *f = spoor_record_get(r, key);

	return f && f->kind == SPOOR_F_BOOL && f->v.b;
}

static void rec_num(struct sbuf *b, const struct spoor_record *r,
		    const char *key)
{
	const struct spoor_field *f = spoor_record_get(r, key);

	if (f && f->kind == SPOOR_F_UINT)
		sbuf_addf(b, "%" PRIu64, f->v.u);
	else if (f && f->kind == SPOOR_F_INT)
		sbuf_addf(b, "%" PRId64, f->v.i);
	else if (f && f->kind == SPOOR_F_TIME)
		sbuf_addf(b, "%" PRId64, f->v.t.sec);
	else
		sbuf_addc(b, '0');
}

/* The name part of a bodyfile line: "/[pSLOT/]path[ ($FILE_NAME)]
 * [-> target][ (deleted...)]".  A file of a partition of a volume
 * system gets the prefix "/pSLOT" (the slot mmls prints), as fls -m
 * /pSLOT prints it: the file systems of one image never share a path in
 * a timeline.  fn: the $FILE_NAME line, which names the file without
 * its stream. */
static void body_name(struct sbuf *b, const struct spoor_record *r, bool fn)
{
	const struct spoor_field *part = spoor_record_get(r, "partition");
	const char *s, *stream;
	size_t n, sn;

	sbuf_addc(b, '/');
	if (part && part->kind == SPOOR_F_INT && part->v.i >= 0)
		sbuf_addf(b, "p%" PRId64 "/", part->v.i);
	s = rec_str(r, "path", &n);
	stream = rec_str(r, "stream", &sn);
	if (s && fn && stream && n > sn && s[n - sn - 1] == ':' &&
	    !memcmp(s + n - sn, stream, sn))
		n -= sn + 1;
	if (s)
		wr_sanitize(b, s, n, WR_CTRL_CARET);
	if (fn)
		sbuf_adds(b, " ($FILE_NAME)");
	s = rec_str(r, "link_target", &n);
	if (s) {
		sbuf_add(b, " -> ", 4);
		wr_sanitize(b, s, n, WR_CTRL_CARET);
	}
	if (!rec_bool(r, "allocated")) {
		s = rec_str(r, "recovery", &n);
		sbuf_adds(b, s && n == 7 && !memcmp(s, "realloc", 7)
				     ? " (deleted-realloc)" : " (deleted)");
	}
}

static void body_mode_ids(struct sbuf *b, const struct spoor_record *r)
{
	const char *s;
	size_t n;

	s = rec_str(r, "mode", &n);
	if (s)
		sbuf_add(b, s, n);
	else
		sbuf_adds(b, "----------");
	sbuf_addc(b, '|');
	rec_num(b, r, "uid");
	sbuf_addc(b, '|');
	rec_num(b, r, "gid");
	sbuf_addc(b, '|');
}

/* The times in bodyfile order: atime|mtime|ctime|crtime. */
static void body_times(struct sbuf *b, const struct spoor_record *r)
{
	rec_num(b, r, "atime");
	sbuf_addc(b, '|');
	rec_num(b, r, "mtime");
	sbuf_addc(b, '|');
	rec_num(b, r, "ctime");
	sbuf_addc(b, '|');
	rec_num(b, r, "crtime");
	sbuf_addc(b, '\n');
}

static void body_record(struct sbuf *b, const struct spoor_record *r)
{
	const struct spoor_field *fn = spoor_record_get(r, "file_name");
	const char *s;
	size_t n;

	s = rec_str(r, "md5", &n);
	if (s)
		sbuf_add(b, s, n);
	else
		sbuf_addc(b, '0');
	sbuf_addc(b, '|');
	body_name(b, r, false);
	sbuf_addc(b, '|');
	rec_num(b, r, "inode");
	s = rec_str(r, "attr", &n);
	if (s) {
		sbuf_addc(b, '-');
		sbuf_add(b, s, n);
	}
	sbuf_addc(b, '|');
	body_mode_ids(b, r);
	rec_num(b, r, "size");
	sbuf_addc(b, '|');
	body_times(b, r);
	/* NTFS: the $FILE_NAME times as their own line, as fls -m (they
	 * are how timestomped $STANDARD_INFORMATION times show) */
	if (!fn || fn->kind != SPOOR_F_LIST || fn->v.list.n != 1)
		return;
	sbuf_adds(b, "0|");
	body_name(b, r, true);
	sbuf_addc(b, '|');
	rec_num(b, r, "inode");
	s = rec_str(&fn->v.list.items[0], "attr", &n);
	if (s) {
		sbuf_addc(b, '-');
		sbuf_add(b, s, n);
	}
	sbuf_addc(b, '|');
	body_mode_ids(b, r);
	rec_num(b, &fn->v.list.items[0], "size");
	sbuf_addc(b, '|');
	body_times(b, &fn->v.list.items[0]);
}

/* ---- the writer ---- */

struct spoor_writer {
	FILE *out;
	enum spoor_format fmt;
	const char *const *columns;
	struct sbuf line;
	struct sbuf tmp;
	bool header_done;
	bool failed;
	int sys_errno;
	struct dfxml *dfxml;
};

struct spoor_writer *spoor_writer_new(FILE *out, enum spoor_format fmt,
				      const char *const *columns,
				      const struct spoor_writer_info *info,
				      struct spoor_err *err)
{
	struct spoor_writer *w;

	if (fmt == SPOOR_FMT_CSV && (!columns || !columns[0])) {
		spoor_err_set(err, SPOOR_EINVAL, 0, "csv needs columns");
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
		return NULL;
	}
	w->out = out;
	w->fmt = fmt;
	w->columns = columns;
	w->line.max = WR_LINE_MAX;
	if (fmt == SPOOR_FMT_DFXML) {
		w->dfxml = dfxml_new(out, info, err);
		if (!w->dfxml) {
			free(w);
			return NULL;
		}
	}
	return w;
}

static int emit(struct spoor_writer *w, struct spoor_err *err)
{
	if (w->line.failed)
		return spoor_err_set(err, SPOOR_ELIMIT, 0,
				     "record too large to write");
	if (w->line.len &&
	    fwrite(w->line.buf, 1, w->line.len, w->out) != w->line.len) {
		w->failed = true;
		w->sys_errno = errno;
	}
	if (w->failed)
		return spoor_err_set(err, SPOOR_EOUTPUT, w->sys_errno,
				     "write error");
	return SPOOR_OK;
}

int spoor_writer_write(struct spoor_writer *w, const struct spoor_record *r,
		       struct spoor_err *err)
{
	if (r->overflow)
		return spoor_err_set(err, SPOOR_EINTERNAL, 0,
				     "record with too many fields");
	if (w->failed)
		return spoor_err_set(err, SPOOR_EOUTPUT, w->sys_errno,
				     "write error");
	sbuf_reset(&w->line);
	switch (w->fmt) {
	case SPOOR_FMT_JSONL:
		json_record(&w->line, r);
		sbuf_addc(&w->line, '\n');
		break;
	case SPOOR_FMT_CSV:
		if (!w->header_done) {
			csv_header(&w->line, w->columns);
			w->header_done = true;
		}
		for (size_t i = 0; w->columns[i]; i++) {
			if (i)
				sbuf_addc(&w->line, ',');
			csv_column(&w->line, &w->tmp, r, w->columns[i]);
		}
		sbuf_add(&w->line, "\r\n", 2);
		break;
	case SPOOR_FMT_BODYFILE:
		body_record(&w->line, r);
		break;
	case SPOOR_FMT_DFXML:
		return dfxml_write(w->dfxml, r, err);
	}
	return emit(w, err);
}

int spoor_writer_finish(struct spoor_writer *w, struct spoor_err *err)
{
	int rc;

	if (w->fmt == SPOOR_FMT_DFXML) {
		rc = dfxml_finish(w->dfxml, err);
		if (rc)
			return rc;
	} else if (w->fmt == SPOOR_FMT_CSV && !w->header_done) {
		sbuf_reset(&w->line);
		csv_header(&w->line, w->columns);
		w->header_done = true;
		rc = emit(w, err);
		if (rc)
			return rc;
	}
	if (fflush(w->out) != 0 || ferror(w->out))
		return spoor_err_set(err, SPOOR_EOUTPUT, errno ? errno : EIO,
				     "write error");
	return SPOOR_OK;
}

void spoor_writer_free(struct spoor_writer *w)
{
	if (!w)
		return;
	dfxml_free(w->dfxml);
	sbuf_release(&w->line);
	sbuf_release(&w->tmp);
	free(w);
}
