/*
 * t-writer: the record writers against hand-written expectations from
 * the formats' specifications (JSON: RFC 8259 escaping; CSV: RFC 4180;
 * bodyfile: TSK 3.x), and DFXML parsed back by libxml2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "spoor.h"
#include "tap.h"

/* Write records with a writer into a string. */
static char *render(enum spoor_format fmt, const char *const *cols,
		    const struct spoor_record *recs, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct spoor_writer_info info = { "t-writer", "0", "t-writer", NULL };
	struct spoor_writer *w = spoor_writer_new(f, fmt, cols, &info, NULL);

	for (size_t i = 0; i < n; i++)
		spoor_writer_write(w, &recs[i], NULL);
	spoor_writer_finish(w, NULL);
	spoor_writer_free(w);
	fclose(f);
	return buf;
}

static void json_cases(void)
{
	static const struct {
		const char *value;
		size_t len;
		const char *want;
	} cases[] = {
		{ "plain", 5, "{\"k\":\"plain\"}\n" },
		{ "q\"b\\s/", 6, "{\"k\":\"q\\\"b\\\\s/\"}\n" },
		{ "\b\f\n\r\t", 5, "{\"k\":\"\\b\\f\\n\\r\\t\"}\n" },
		{ "\x01\x1f\x7f", 3, "{\"k\":\"\\u0001\\u001f\x7f\"}\n" },
		{ "caf\xc3\xa9", 5, "{\"k\":\"caf\xc3\xa9\"}\n" },
		{ "a\xff" "b", 3,
		  "{\"k\":\"a\\ufffdb\",\"k_hex\":\"61ff62\"}\n" },
		{ "\0", 1, "{\"k\":\"\\u0000\"}\n" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct spoor_record r;
		char *out;

		spoor_record_init(&r, "t");
		spoor_record_bytes(&r, "k", cases[i].value, cases[i].len);
		out = render(SPOOR_FMT_JSONL, NULL, &r, 1);
		is_str(out, cases[i].want, "json string escaping");
		free(out);
	}
}

static void json_kinds(void)
{
	struct spoor_time t = { 1717243200, 0, true }, unset = { 0, 0, false };
	struct spoor_record r, sub[2];
	char *out;

	spoor_record_init(&sub[0], "s");
	spoor_record_str(&sub[0], "set", "a");
	spoor_record_init(&sub[1], "s");
	spoor_record_str(&sub[1], "set", "b");
	spoor_record_init(&r, "t");
	spoor_record_int(&r, "i", -5);
	spoor_record_uint(&r, "u", 18446744073709551615ull);
	spoor_record_bool(&r, "b", true);
	spoor_record_null(&r, "n");
	spoor_record_str(&r, "s", NULL);
	spoor_record_time(&r, "t", &t);
	spoor_record_time(&r, "t0", &unset);
	spoor_record_list(&r, "l", sub, 2);
	out = render(SPOOR_FMT_JSONL, NULL, &r, 1);
	is_str(out, "{\"i\":-5,\"u\":18446744073709551615,\"b\":true,"
		    "\"n\":null,\"s\":null,\"t\":\"2024-06-01T12:00:00Z\","
		    "\"t0\":null,\"l\":[{\"set\":\"a\"},{\"set\":\"b\"}]}\n",
	       "json value kinds");
	free(out);
}

static void csv_cases(void)
{
	static const char *const cols[] = { "a", "path", "path_hex", "n",
					    "missing", NULL };
	struct spoor_record r[2];
	char *out;

	spoor_record_init(&r[0], "t");
	spoor_record_str(&r[0], "a", "x,y");
	spoor_record_str(&r[0], "path", "say \"hi\"\nnow");
	spoor_record_uint(&r[0], "n", 7);
	spoor_record_init(&r[1], "t");
	spoor_record_str(&r[1], "a", "");
	spoor_record_bytes(&r[1], "path", "b\xff", 2);
	spoor_record_null(&r[1], "n");
	out = render(SPOOR_FMT_CSV, cols, r, 2);
	is_str(out, "a,path,path_hex,n,missing\r\n"
		    "\"x,y\",\"say \"\"hi\"\"\nnow\",,7,\r\n"
		    ",b\xef\xbf\xbd,62ff,,\r\n", "csv quoting and _hex column");
	free(out);
	out = render(SPOOR_FMT_CSV, cols, NULL, 0);
	is_str(out, "a,path,path_hex,n,missing\r\n",
	       "csv without records still has its header");
	free(out);
}

static void file_record(struct spoor_record *r, const char *path,
			size_t path_len)
{
	static struct spoor_time m = { 1717243200, 0, true };
	static struct spoor_time a = { 1717243201, 0, true };

	spoor_record_init(r, "file");
	spoor_record_str(r, "exhibit", "ex1");
	spoor_record_int(r, "partition", 2);
	spoor_record_int(r, "partition_offset", 1048576);
	spoor_record_str(r, "fstype", "ext4");
	spoor_record_bytes(r, "path", path, path_len);
	spoor_record_str(r, "type", "file");
	spoor_record_uint(r, "inode", 12);
	spoor_record_bool(r, "allocated", false);
	spoor_record_uint(r, "size", 5);
	spoor_record_time(r, "mtime", &m);
	spoor_record_time(r, "atime", &a);
	spoor_record_null(r, "ctime");
	spoor_record_null(r, "crtime");
	spoor_record_str(r, "md5", "0123456789abcdef0123456789abcdef");
	spoor_record_str(r, "mode", "r/rrw-r--r--");
	spoor_record_uint(r, "uid", 1000);
	spoor_record_uint(r, "gid", 100);
}

static void bodyfile_cases(void)
{
	static struct spoor_time fm = { 1500000000, 0, true };
	static struct spoor_time fa = { 1500000001, 0, true };
	struct spoor_record r, fn;
	char *out;

	file_record(&r, "dir/a|b\tc.txt", 13);
	out = render(SPOOR_FMT_BODYFILE, NULL, &r, 1);
	/* MD5|name|inode|mode|UID|GID|size|atime|mtime|ctime|crtime; a
	 * file of partition 2 of a volume system: /p2 (fls -m /p2) */
	is_str(out, "0123456789abcdef0123456789abcdef|/p2/dir/a^b^c.txt "
		    "(deleted)|12|r/rrw-r--r--|1000|100|5|1717243201|"
		    "1717243200|0|0\n", "bodyfile line, partition prefix");
	free(out);
	/* no volume system: no prefix */
	file_record(&r, "x.txt", 5);
	r.f[1].kind = SPOOR_F_NULL;
	out = render(SPOOR_FMT_BODYFILE, NULL, &r, 1);
	ok(strncmp(out, "0123456789abcdef0123456789abcdef|/x.txt (deleted)|",
		   50) == 0, "no partition: no prefix");
	free(out);
	/* NTFS: the $FILE_NAME times as a line of their own, as fls -m */
	file_record(&r, "y.txt:ads", 9);
	spoor_record_str(&r, "stream", "ads");
	spoor_record_str(&r, "attr", "128-4");
	spoor_record_init(&fn, "file_name");
	spoor_record_str(&fn, "attr", "48-2");
	spoor_record_uint(&fn, "size", 82);
	spoor_record_time(&fn, "atime", &fa);
	spoor_record_time(&fn, "mtime", &fm);
	spoor_record_time(&fn, "ctime", &fm);
	spoor_record_time(&fn, "crtime", &fm);
	spoor_record_list(&r, "file_name", &fn, 1);
	out = render(SPOOR_FMT_BODYFILE, NULL, &r, 1);
	is_str(out, "0123456789abcdef0123456789abcdef|/p2/y.txt:ads "
		    "(deleted)|12-128-4|r/rrw-r--r--|1000|100|5|1717243201|"
		    "1717243200|0|0\n"
		    "0|/p2/y.txt ($FILE_NAME) (deleted)|12-48-2|r/rrw-r--r--|"
		    "1000|100|82|1500000001|1500000000|1500000000|"
		    "1500000000\n", "NTFS: the ($FILE_NAME) line, no stream");
	free(out);
}

static void dfxml_cases(void)
{
	struct spoor_record r[2];
	struct spoor_run runs[1] = { { 0, 1052672, 5, false } };
	xmlDocPtr doc;
	char *out;

	file_record(&r[0], "a\x01" "b\xff.txt", 8);
	spoor_record_runs(&r[0], "byte_runs", runs, 1);
	file_record(&r[1], "<&>\"'.txt", 9);
	out = render(SPOOR_FMT_DFXML, NULL, r, 2);
	doc = xmlReadMemory(out, (int)strlen(out), "t.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR |
				    XML_PARSE_NOWARNING);
	ok(doc != NULL, "dfxml with hostile names is well-formed XML");
	ok(strstr(out, "<spoor:filename_hex>6101") != NULL,
	   "raw bytes of a bad name kept in spoor:filename_hex");
	ok(strstr(out, "<mode>420</mode>") != NULL &&
	   strstr(out, "<spoor:mode>r/rrw-r--r--</spoor:mode>") != NULL,
	   "mode: 0644 as an integer, the text in spoor's namespace");
	ok(strstr(out, "<dfxml version=\"2.0.0-beta.0\"") != NULL &&
	   !strstr(out, "xmloutputversion"), "root: version, not "
	   "xmloutputversion");
	ok(strstr(out, "<spoor:exhibit>ex1</spoor:exhibit>") != NULL &&
	   !strstr(out, "<exhibit>"), "exhibit in spoor's namespace");
	ok(strstr(out, "img_offset=\"1052672\"") != NULL &&
	   strstr(out, "fs_offset=\"4096\"") != NULL, "byte_run offsets");
	ok(strstr(out, "<hashdigest type=\"md5\">0123456789abcdef") != NULL,
	   "hashdigest element");
	ok(strstr(out, "<volume offset=\"1048576\">") != NULL,
	   "one volume for the partition");
	xmlFreeDoc(doc);
	free(out);
}

int main(void)
{
	enum spoor_format fmt;

	json_cases();
	json_kinds();
	csv_cases();
	bodyfile_cases();
	dfxml_cases();
	ok(spoor_format_parse("DFXML", &fmt, NULL) == 0 &&
	   fmt == SPOOR_FMT_DFXML, "format names are case-insensitive");
	ok(spoor_format_parse("yaml", &fmt, NULL) == SPOOR_EINVAL,
	   "unknown format refused");
	return done_testing();
}
