/*
 * dfxml.c: DFXML output as fiwalk writes it, valid against the DFXML
 * schema (2.0.0-beta.0, ../shared/schemas/dfxml), through libxml2's
 * xmlTextWriter (so escaping and well-formedness are libxml2's job).
 * DFXML's own elements come in the schema's order; spoor's other facts
 * (exhibit, NTFS attribute, category, the mode as text, ...) are in a
 * namespace of its own (SPOOR_NS, prefix "spoor"), after them, where the
 * schema allows other namespaces.  Evidence strings are made XML-safe
 * first: bad UTF-8 and the control bytes XML 1.0 forbids become U+FFFD,
 * and a `spoor:<element>_hex` element keeps the raw bytes.
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

#define DFXML_NS \
	"http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML"
#define DFXML_VERSION "2.0.0-beta.0"	/* the schema it validates with */
#define SPOOR_NS "urn:spoor:dfxml:1"
#define MAX_HEX 8			/* _hex companions of one object */

struct dfxml {
	xmlTextWriterPtr w;
	struct sbuf tmp;
	struct sbuf hex[MAX_HEX];	/* raw bytes of lossy elements */
	const char *hex_name[MAX_HEX];
	size_t nhex;
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

/* An element of spoor's namespace. */
static void spoor_elem(struct dfxml *d, const char *name, const char *text)
{
	check(d, xmlTextWriterWriteElementNS(d->w, X("spoor"), X(name), NULL,
					     X(text)));
}

/* An element holding evidence bytes, sanitised; when bytes were
 * replaced, their hex is kept for a spoor:<name>_hex element written by
 * flush_hex (DFXML's elements must stay in the schema's order). */
static void elem_bytes(struct dfxml *d, const char *name, const char *p,
		       size_t n)
{
	bool clean;

	sbuf_reset(&d->tmp);
	clean = wr_sanitize(&d->tmp, p, n, WR_CTRL_XML);
	elem(d, name, sbuf_str(&d->tmp));
	if (clean)
		return;
	if (d->nhex == MAX_HEX) {
		d->failed = true;	/* cannot happen: a bug */
		return;
	}
	sbuf_reset(&d->hex[d->nhex]);
	wr_hex(&d->hex[d->nhex], p, n);
	d->hex_name[d->nhex++] = name;
}

/* The spoor:<name>_hex elements kept by elem_bytes. */
static void flush_hex(struct dfxml *d)
{
	char hexname[64];

	for (size_t i = 0; i < d->nhex; i++) {
		snprintf(hexname, sizeof(hexname), "%s_hex", d->hex_name[i]);
		spoor_elem(d, hexname, sbuf_str(&d->hex[i]));
	}
	d->nhex = 0;
}

/* spoor:<name>_hex in metadata, when s is not clean UTF-8 XML text. */
static void meta_hex(struct dfxml *d, const char *name, const char *s)
{
	char hexname[64];

	sbuf_reset(&d->tmp);
	if (wr_sanitize(&d->tmp, s, strlen(s), WR_CTRL_XML))
		return;
	snprintf(hexname, sizeof(hexname), "%s_hex", name);
	sbuf_reset(&d->tmp);
	wr_hex(&d->tmp, s, strlen(s));
	spoor_elem(d, hexname, sbuf_str(&d->tmp));
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
	check(d, xmlTextWriterWriteAttribute(d->w, X("version"),
					     X(DFXML_VERSION)));
	check(d, xmlTextWriterWriteAttribute(d->w, X("xmlns"), X(DFXML_NS)));
	check(d, xmlTextWriterWriteAttribute(d->w, X("xmlns:dc"),
		X("http://purl.org/dc/elements/1.1/")));
	check(d, xmlTextWriterWriteAttribute(d->w, X("xmlns:spoor"),
					     X(SPOOR_NS)));
	check(d, xmlTextWriterStartElement(d->w, X("metadata")));
	elem(d, "dc:type", "File System Walk");
	/* the raw bytes of a command line or source name that is not
	 * UTF-8: metadata may hold any element, creator and source not */
	if (info && info->command_line)
		meta_hex(d, "command_line", info->command_line);
	for (size_t i = 0; info && info->sources && info->sources[i]; i++)
		meta_hex(d, "image_filename", info->sources[i]);
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
	d->nhex = 0;		/* in metadata already */
	if (spoor_time_iso(&t, now))
		elem(d, "start_time", now);
	check(d, xmlTextWriterEndElement(d->w));
	check(d, xmlTextWriterEndElement(d->w));	/* creator */
	if (info && info->sources) {
		check(d, xmlTextWriterStartElement(d->w, X("source")));
		for (size_t i = 0; info->sources[i]; i++)
			elem_bytes(d, "image_filename", info->sources[i],
				   strlen(info->sources[i]));
		d->nhex = 0;	/* in metadata already */
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
	/* logical evidence too gets a volume (without offset): the schema
	 * wants every volume before the first file object outside one */
	check(d, xmlTextWriterStartElement(d->w, X("volume")));
	if (o >= 0) {
		check(d, xmlTextWriterWriteFormatAttribute(d->w, X("offset"),
							   "%" PRId64, o));
		elem_fmt(d, "partition_offset", "%" PRIu64, (uint64_t)o);
	}
	if (fs && fs->kind == SPOOR_F_STR) {
		sbuf_reset(&d->tmp);
		wr_sanitize(&d->tmp, fs->v.str.ptr, fs->v.str.len,
			    WR_CTRL_XML);
		elem(d, "ftype_str", sbuf_str(&d->tmp));
	}
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
		{ "blockdev", "b" }, { "virtual-dir", "V" },
		{ "whiteout", "w" }, { "shadow", "h" },
		/* a virtual file (TSK's "v") has no letter in the schema:
		 * "-", and spoor:type says "virtual" */
	};
	const struct spoor_field *f = get(r, "type");

	if (f && f->kind == SPOOR_F_STR)
		for (size_t i = 0; i < ARRAY_SIZE(map); i++)
			if (strlen(map[i].type) == f->v.str.len &&
			    !memcmp(map[i].type, f->v.str.ptr, f->v.str.len))
				return map[i].letter;
	return "-";
}

/* A field as an element of spoor's namespace (strings sanitised, with
 * a spoor:<name>_hex companion when bytes were replaced). */
static void spoor_field(struct dfxml *d, const struct spoor_record *r,
			const char *key, const char *name)
{
	const struct spoor_field *f = get(r, key);
	char buf[SPOOR_TIME_STR_MAX + 32], hexname[64];

	if (!f)
		return;
	switch (f->kind) {
	case SPOOR_F_STR:
		sbuf_reset(&d->tmp);
		if (wr_sanitize(&d->tmp, f->v.str.ptr, f->v.str.len,
				WR_CTRL_XML)) {
			spoor_elem(d, name, sbuf_str(&d->tmp));
			return;
		}
		spoor_elem(d, name, sbuf_str(&d->tmp));
		snprintf(hexname, sizeof(hexname), "%s_hex", name);
		sbuf_reset(&d->tmp);
		wr_hex(&d->tmp, f->v.str.ptr, f->v.str.len);
		spoor_elem(d, hexname, sbuf_str(&d->tmp));
		return;
	case SPOOR_F_INT:
		snprintf(buf, sizeof(buf), "%" PRId64, f->v.i);
		break;
	case SPOOR_F_UINT:
		snprintf(buf, sizeof(buf), "%" PRIu64, f->v.u);
		break;
	case SPOOR_F_BOOL:
		snprintf(buf, sizeof(buf), "%s", f->v.b ? "1" : "0");
		break;
	default:
		return;
	}
	spoor_elem(d, name, buf);
}

/* The permission bits of "r/rrwxr-x--t" as a number, as fiwalk writes
 * <mode> (DFXML: an integer).  -1 when the text is not such a mode. */
static int64_t mode_bits(const struct spoor_record *r)
{
	static const char want[9] = "rwxrwxrwx";
	const struct spoor_field *f = get(r, "mode");
	const char *p;
	int64_t m = 0;

	if (!f || f->kind != SPOOR_F_STR || f->v.str.len != 12 ||
	    f->v.str.ptr[1] != '/')
		return -1;
	p = f->v.str.ptr + 3;
	for (int i = 0; i < 9; i++) {
		char c = p[i];
		bool x = i % 3 == 2;

		if (c == want[i])
			m |= 1 << (8 - i);
		else if (x && (c == 's' || c == 't'))
			m |= (1 << (8 - i)) | (i == 2 ? 04000 : i == 5 ?
					       02000 : 01000);
		else if (x && (c == 'S' || c == 'T'))
			m |= i == 2 ? 04000 : i == 5 ? 02000 : 01000;
		else if (c != '-')
			return -1;
	}
	return m;
}

int dfxml_write(struct dfxml *d, const struct spoor_record *r,
		struct spoor_err *err)
{
	int64_t mode = mode_bits(r);

	volume_for(d, r);
	d->nhex = 0;
	check(d, xmlTextWriterStartElement(d->w, X("fileobject")));
	/* DFXML's elements, in the schema's order */
	field_elem(d, r, "path", "filename");
	field_elem(d, r, "error", "error");
	elem(d, "name_type", name_type(r));
	field_elem(d, r, "size", "filesize");
	field_elem(d, r, "allocated", "alloc");
	field_elem(d, r, "orphan", "orphan");
	field_elem(d, r, "inode", "inode");
	if (mode >= 0)
		elem_fmt(d, "mode", "%" PRIu64, (uint64_t)mode);
	field_elem(d, r, "uid", "uid");
	field_elem(d, r, "gid", "gid");
	field_elem(d, r, "mtime", "mtime");
	field_elem(d, r, "ctime", "ctime");
	field_elem(d, r, "atime", "atime");
	field_elem(d, r, "crtime", "crtime");
	field_elem(d, r, "link_target", "link_target");
	field_elem(d, r, "magic", "libmagic");
	byte_runs(d, r);
	hashdigests(d, r);
	/* spoor's own facts, in its namespace */
	flush_hex(d);
	spoor_field(d, r, "exhibit", "exhibit");
	spoor_field(d, r, "partition", "partition");
	spoor_field(d, r, "fstype", "fstype");
	spoor_field(d, r, "type", "type");
	spoor_field(d, r, "attr", "attr");
	spoor_field(d, r, "stream", "stream");
	spoor_field(d, r, "mode", "mode");
	spoor_field(d, r, "recovery", "recovery");
	spoor_field(d, r, "mime", "mime_type");
	spoor_field(d, r, "category", "category");
	spoor_field(d, r, "ext_mismatch", "ext_mismatch");
	/* the zone local file-system times were read in (FAT, exFAT,
	 * ISO 9660) and the readings it flagged: the times above are UTC
	 * only through it */
	spoor_field(d, r, "fs_time_zone", "fs_time_zone");
	spoor_field(d, r, "fs_time_flags", "fs_time_flags");
	spoor_field(d, r, "uninitialised", "uninitialised");
	spoor_field(d, r, "pdq", "pdq");
	spoor_field(d, r, "pdq_quality", "pdq_quality");
	spoor_field(d, r, "pdq_error", "pdq_error");
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
	for (size_t i = 0; i < MAX_HEX; i++)
		sbuf_release(&d->hex[i]);
	free(d);
}
