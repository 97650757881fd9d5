/*
 * dfxml.c: DFXML 1.x output as fiwalk writes it, through libxml2's
 * xmlTextWriter (so escaping and well-formedness are libxml2's job).
 * Evidence strings are made XML-safe first: bad UTF-8 and the control
 * bytes XML 1.0 forbids become U+FFFD, and a `<element>_hex` sibling keeps
 * the raw bytes.
 */
#include "internal.h"
#include "writer.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/xmlwriter.h>

#include "banned.h"

struct dfxml {
	xmlTextWriterPtr w;
	struct sbuf tmp;
	bool in_volume;
	bool vol_known;
	char vol_exhibit[256];
	int64_t vol_offset;
	bool failed;
};

#define X(s) ((const xmlChar *)(s))

static int xml_io_write(void *ctx, const char *buf, int len)
{
	FILE *out = ctx;

	if (len <= 0)
		return 0;
	return fwrite(buf, 1, (size_t)len, out) == (size_t)len ? len : -1;
}

static int check(struct dfxml *d, int rc)
{
	if (rc < 0)
		d->failed = true;
	return rc;
}

static void elem(struct dfxml *d, const char *name, const char *text)
{
	check(d, xmlTextWriterWriteElement(d->w, X(name), X(text)));
}

static void elem_fmt(struct dfxml *d, const char *name, const char *fmt,
		     uint64_t v)
{
	check(d, xmlTextWriterWriteFormatElement(d->w, X(name), fmt, v));
}

/* An element holding evidence bytes, plus <name_hex> when not clean. */
static void elem_bytes(struct dfxml *d, const char *name, const char *p,
		       size_t n)
{
	char hexname[64];
	bool clean;

	sbuf_reset(&d->tmp);
	clean = wr_sanitize(&d->tmp, p, n, WR_CTRL_XML);
	elem(d, name, sbuf_str(&d->tmp));
	if (clean)
		return;
	snprintf(hexname, sizeof(hexname), "%s_hex", name);
	sbuf_reset(&d->tmp);
	wr_hex(&d->tmp, p, n);
	elem(d, hexname, sbuf_str(&d->tmp));
}

struct dfxml *dfxml_new(FILE *out, const struct spoor_writer_info *info,
			struct spoor_err *err)
{
	xmlOutputBufferPtr ob;
	struct dfxml *d;
	char now[SPOOR_TIME_STR_MAX];
	struct spoor_time t = { (int64_t)time(NULL), 0, true };

	d = calloc(1, sizeof(*d));
	if (!d) {
		spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
		return NULL;
	}
	ob = xmlOutputBufferCreateIO(xml_io_write, NULL, out, NULL);
	d->w = ob ? xmlNewTextWriter(ob) : NULL;
	if (!d->w) {
		if (ob)
			xmlOutputBufferClose(ob);
		free(d);
		spoor_err_set(err, SPOOR_ENOMEM, 0, "cannot start xml writer");
		return NULL;
	}
	xmlTextWriterSetIndent(d->w, 1);
	xmlTextWriterSetIndentString(d->w, X("  "));
	check(d, xmlTextWriterStartDocument(d->w, "1.0", "UTF-8", NULL));
	check(d, xmlTextWriterStartElement(d->w, X("dfxml")));
	check(d, xmlTextWriterWriteAttribute(d->w, X("xmloutputversion"),
					     X("1.0")));
	check(d, xmlTextWriterWriteAttribute(d->w, X("xmlns"),
		X("http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML")));
	check(d, xmlTextWriterWriteAttribute(d->w, X("xmlns:dc"),
		X("http://purl.org/dc/elements/1.1/")));
	check(d, xmlTextWriterStartElement(d->w, X("metadata")));
	elem(d, "dc:type", "File System Walk");
	check(d, xmlTextWriterEndElement(d->w));
	check(d, xmlTextWriterStartElement(d->w, X("creator")));
	check(d, xmlTextWriterWriteAttribute(d->w, X("version"), X("1.0")));
	elem(d, "program", info && info->program ? info->program : "spoor");
	elem(d, "version", info && info->version ? info->version
						  : spoor_version());
	check(d, xmlTextWriterStartElement(d->w,
					   X("execution_environment")));
	if (info && info->command_line)
		elem_bytes(d, "command_line", info->command_line,
			   strlen(info->command_line));
	if (spoor_time_iso(&t, now))
		elem(d, "start_time", now);
	check(d, xmlTextWriterEndElement(d->w));
	check(d, xmlTextWriterEndElement(d->w));	/* creator */
	if (info && info->sources) {
		check(d, xmlTextWriterStartElement(d->w, X("source")));
		for (size_t i = 0; info->sources[i]; i++)
			elem_bytes(d, "image_filename", info->sources[i],
				   strlen(info->sources[i]));
		check(d, xmlTextWriterEndElement(d->w));
	}
	return d;
}

static const struct spoor_field *get(const struct spoor_record *r,
				     const char *key)
{
	return spoor_record_get(r, key);
}

static void volume_for(struct dfxml *d, const struct spoor_record *r)
{
	const struct spoor_field *ex = get(r, "exhibit");
	const struct spoor_field *off = get(r, "partition_offset");
	const struct spoor_field *fs = get(r, "fstype");
	char exhibit[256] = "";
	int64_t o = -1;

	if (ex && ex->kind == SPOOR_F_STR)
		snprintf(exhibit, sizeof(exhibit), "%.*s",
			 (int)MIN(ex->v.str.len, 255), ex->v.str.ptr);
	if (off && off->kind == SPOOR_F_INT)
		o = off->v.i;
	if (d->vol_known && d->vol_offset == o &&
	    !strcmp(d->vol_exhibit, exhibit))
		return;
	if (d->in_volume)
		check(d, xmlTextWriterEndElement(d->w));
	d->in_volume = false;
	d->vol_known = true;
	d->vol_offset = o;
	spoor_strlcpy(d->vol_exhibit, exhibit, sizeof(d->vol_exhibit));
	if (o < 0)	/* logical evidence: file objects stand alone */
		return;
	check(d, xmlTextWriterStartElement(d->w, X("volume")));
	check(d, xmlTextWriterWriteFormatAttribute(d->w, X("offset"),
						   "%" PRId64, o));
	elem_fmt(d, "partition_offset", "%" PRIu64, (uint64_t)o);
	if (fs && fs->kind == SPOOR_F_STR)
		elem_bytes(d, "ftype_str", fs->v.str.ptr, fs->v.str.len);
	d->in_volume = true;
}

static void field_elem(struct dfxml *d, const struct spoor_record *r,
		       const char *key, const char *name)
{
	const struct spoor_field *f = get(r, key);
	char tbuf[SPOOR_TIME_STR_MAX];

	if (!f)
		return;
	switch (f->kind) {
	case SPOOR_F_STR:
		elem_bytes(d, name, f->v.str.ptr, f->v.str.len);
		break;
	case SPOOR_F_INT:
		check(d, xmlTextWriterWriteFormatElement(d->w, X(name),
						"%" PRId64, f->v.i));
		break;
	case SPOOR_F_UINT:
		elem_fmt(d, name, "%" PRIu64, f->v.u);
		break;
	case SPOOR_F_BOOL:
		elem(d, name, f->v.b ? "1" : "0");
		break;
	case SPOOR_F_TIME:
		if (spoor_time_iso(&f->v.t, tbuf))
			elem(d, name, tbuf);
		break;
	default:
		break;
	}
}

static void byte_runs(struct dfxml *d, const struct spoor_record *r)
{
	const struct spoor_field *f = get(r, "byte_runs");
	const struct spoor_field *off = get(r, "partition_offset");
	uint64_t part = off && off->kind == SPOOR_F_INT && off->v.i > 0
				? (uint64_t)off->v.i : 0;

	if (!f || f->kind != SPOOR_F_RUNS || !f->v.runs.n)
		return;
	check(d, xmlTextWriterStartElement(d->w, X("byte_runs")));
	for (size_t i = 0; i < f->v.runs.n; i++) {
		const struct spoor_run *run = &f->v.runs.items[i];

		check(d, xmlTextWriterStartElement(d->w, X("byte_run")));
		check(d, xmlTextWriterWriteFormatAttribute(d->w,
			X("file_offset"), "%" PRIu64, run->file_offset));
		if (run->sparse) {
			check(d, xmlTextWriterWriteAttribute(d->w, X("type"),
							     X("sparse")));
		} else {
			check(d, xmlTextWriterWriteFormatAttribute(d->w,
				X("fs_offset"), "%" PRIu64,
				run->img_offset - part));
			check(d, xmlTextWriterWriteFormatAttribute(d->w,
				X("img_offset"), "%" PRIu64, run->img_offset));
		}
		check(d, xmlTextWriterWriteFormatAttribute(d->w, X("len"),
						"%" PRIu64, run->len));
		check(d, xmlTextWriterEndElement(d->w));
	}
	check(d, xmlTextWriterEndElement(d->w));
}

static void hashdigests(struct dfxml *d, const struct spoor_record *r)
{
	static const char *const names[] = { "md5", "sha1", "sha256",
					     "sha512" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		const struct spoor_field *f = get(r, names[i]);

		if (!f || f->kind != SPOOR_F_STR)
			continue;
		check(d, xmlTextWriterStartElement(d->w, X("hashdigest")));
		check(d, xmlTextWriterWriteAttribute(d->w, X("type"),
						     X(names[i])));
		sbuf_reset(&d->tmp);
		wr_sanitize(&d->tmp, f->v.str.ptr, f->v.str.len,
			    WR_CTRL_XML);
		check(d, xmlTextWriterWriteString(d->w,
						  X(sbuf_str(&d->tmp))));
		check(d, xmlTextWriterEndElement(d->w));
	}
}

/* fiwalk's name_type letters, from our type names. */
static const char *name_type(const struct spoor_record *r)
{
	static const struct {
		const char *type, *letter;
	} map[] = {
		{ "file", "r" }, { "dir", "d" }, { "link", "l" },
		{ "fifo", "p" }, { "socket", "s" }, { "chardev", "c" },
		{ "blockdev", "b" }, { "virtual", "v" },
		{ "virtual-dir", "V" }, { "whiteout", "w" },
		{ "shadow", "h" },
	};
	const struct spoor_field *f = get(r, "type");

	if (f && f->kind == SPOOR_F_STR)
		for (size_t i = 0; i < ARRAY_SIZE(map); i++)
			if (strlen(map[i].type) == f->v.str.len &&
			    !memcmp(map[i].type, f->v.str.ptr, f->v.str.len))
				return map[i].letter;
	return "-";
}

int dfxml_write(struct dfxml *d, const struct spoor_record *r,
		struct spoor_err *err)
{
	volume_for(d, r);
	check(d, xmlTextWriterStartElement(d->w, X("fileobject")));
	field_elem(d, r, "path", "filename");
	field_elem(d, r, "exhibit", "exhibit");
	field_elem(d, r, "partition", "partition");
	elem(d, "name_type", name_type(r));
	field_elem(d, r, "size", "filesize");
	field_elem(d, r, "allocated", "alloc");
	field_elem(d, r, "inode", "inode");
	field_elem(d, r, "attr", "attr");
	field_elem(d, r, "mode", "mode");
	field_elem(d, r, "uid", "uid");
	field_elem(d, r, "gid", "gid");
	field_elem(d, r, "mtime", "mtime");
	field_elem(d, r, "ctime", "ctime");
	field_elem(d, r, "atime", "atime");
	field_elem(d, r, "crtime", "crtime");
	field_elem(d, r, "link_target", "link_target");
	field_elem(d, r, "orphan", "orphan");
	field_elem(d, r, "recovery", "recovery");
	field_elem(d, r, "magic", "libmagic");
	field_elem(d, r, "mime", "mime_type");
	field_elem(d, r, "category", "category");
	field_elem(d, r, "ext_mismatch", "ext_mismatch");
	field_elem(d, r, "error", "error");
	byte_runs(d, r);
	hashdigests(d, r);
	check(d, xmlTextWriterEndElement(d->w));
	if (d->failed)
		return spoor_err_set(err, SPOOR_EOUTPUT, errno, "write error");
	return SPOOR_OK;
}

int dfxml_finish(struct dfxml *d, struct spoor_err *err)
{
	check(d, xmlTextWriterEndDocument(d->w));	/* closes all */
	check(d, xmlTextWriterFlush(d->w));
	if (d->failed)
		return spoor_err_set(err, SPOOR_EOUTPUT, errno, "write error");
	return SPOOR_OK;
}

void dfxml_free(struct dfxml *d)
{
	if (!d)
		return;
	xmlFreeTextWriter(d->w);
	sbuf_release(&d->tmp);
	free(d);
}
