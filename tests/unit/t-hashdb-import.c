/*
 * t-hashdb-import: the input readers on small hostile inputs, one table:
 * each input is written to a file, read by spoor_hashdb_builder_add_file
 * and checked for its result code, the digests taken and the lines
 * reported as bad (with their numbers).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spoor.h"
#include "tap.h"

#define M1 "d41d8cd98f00b204e9800998ecf8427e"	/* md5("") */
#define M2 "900150983cd24fb0d6963f7d28e17f72"	/* md5("abc") */
#define S1 "a9993e364706816aba3e25717850c26c9cd0d89d"
#define H1 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static const struct {
	const char *name;
	const char *text;
	int rc;
	int fmt;		/* detected format */
	unsigned md5, sha1, sha256;
	const char *bad;	/* bad line numbers, space separated */
} cases[] = {
	{ "plain md5", M1 "\n" M2 "\n", 0, SPOOR_HDB_FMT_HASHLIST,
	  2, 0, 0, "" },
	{ "md5sum, CRLF, upper case",
	  M1 "  a\r\n" "900150983CD24FB0D6963F7D28E17F72 *b\r\n",
	  0, SPOOR_HDB_FMT_HASHLIST, 2, 0, 0, "" },
	{ "escaped name, comment, blank", "\\" M1 "  a\\nb\n# c\n\n" S1 "\n",
	  0, SPOOR_HDB_FMT_HASHLIST, 1, 1, 0, "" },
	{ "BSD style", "SHA256 (x (1)) = " H1 "\nMD5 (y) = " M1 "\n", 0,
	  SPOOR_HDB_FMT_HASHLIST, 1, 0, 1, "" },
	{ "bad lines numbered", M1 "\nxyz\n" M2 "0\n" M2 "\n" H1 "g\n", 0,
	  SPOOR_HDB_FMT_HASHLIST, 2, 0, 0, "2 3 5" },
	{ "no final newline", M1, 0, SPOOR_HDB_FMT_HASHLIST, 1, 0, 0, "" },
	{ "NUL byte in a line",
	  M1 "\n" "90015098\0" "cd24fb0d6963f7d28e17f72\n", 0,
	  SPOOR_HDB_FMT_HASHLIST, 1, 0, 0, "2" },
	{ "hashdeep", "%%%% HASHDEEP-1.0\n%%%% size,md5,sha256,filename\n"
	  "## x\n3," M2 "," H1 ",/a,b,c\n3,zz," H1 ",/d\n", 0,
	  SPOOR_HDB_FMT_HASHDEEP, 1, 0, 1, "5" },
	{ "hashdeep without columns", "%%%% HASHDEEP-1.0\n3," M2 ",x\n",
	  SPOOR_EFORMAT, SPOOR_HDB_FMT_HASHDEEP, 0, 0, 0, "" },
	{ "NSRLFile.txt", "\"SHA-1\",\"MD5\",\"CRC32\",\"FileName\"\n"
	  "\"" S1 "\",\"" M2 "\",\"0\",\"a, \"\"b\"\"\"\n"
	  "\"" S1 "\",\"" M2 "\n", 0, SPOOR_HDB_FMT_NSRL_TXT, 1, 1, 0, "3" },
	{ "VICS", "{\"odata.metadata\": \"x\", \"value\": [{\"MD5\": \"" M2
	  "\", \"SHA1\": \"" S1 "\", \"Category\": 1, \"x\": [1, 2.5e3, "
	  "-0, true, false, null, {\"MD5\": \"00\"}]},\n{\"MD5\": \"" M1
	  "\", \"Category\": \"\\u0041\\\\\"}]}", 0, SPOOR_HDB_FMT_VICS,
	  2, 1, 0, "" },
	{ "VICS root array, BOM", "\xef\xbb\xbf[{\"MD5\": \"" M1 "\"}]", 0,
	  SPOOR_HDB_FMT_VICS, 1, 0, 0, "" },
	{ "VICS media without a digest", "{\"value\": [{\"MD5\": \"" M1
	  "\"},\n{\"MediaID\": 2},\n{\"MD5\": \"xyz\"}]}", 0,
	  SPOOR_HDB_FMT_VICS, 1, 0, 0, "2 3" },
	{ "VICS trailing comma", "{\"value\": [{\"MD5\": \"" M1 "\"},]}",
	  SPOOR_EFORMAT, SPOOR_HDB_FMT_VICS, 0, 0, 0, "" },
	{ "VICS data after the end", "{\"value\": []} {}", SPOOR_EFORMAT,
	  SPOOR_HDB_FMT_VICS, 0, 0, 0, "" },
	{ "VICS mismatched", "{\"value\": [}", SPOOR_EFORMAT,
	  SPOOR_HDB_FMT_VICS, 0, 0, 0, "" },
	{ "VICS bad literal", "{\"value\": [tru]}", SPOOR_EFORMAT,
	  SPOOR_HDB_FMT_VICS, 0, 0, 0, "" },
	{ "VICS control byte in string", "{\"value\": [\"a\tb\"]}",
	  SPOOR_EFORMAT, SPOOR_HDB_FMT_VICS, 0, 0, 0, "" },
	{ "VICS unterminated", "{\"value\": [{\"MD5\": \"" M1,
	  SPOOR_EFORMAT, SPOOR_HDB_FMT_VICS, 0, 0, 0, "" },
	{ "VICS no value array", "{\"items\": []}", SPOOR_EFORMAT,
	  SPOOR_HDB_FMT_VICS, 0, 0, 0, "" },
	{ "VICS key not a string", "{1: 2}", SPOOR_EFORMAT,
	  SPOOR_HDB_FMT_VICS, 0, 0, 0, "" },
	{ "empty file", "", 0, SPOOR_HDB_FMT_HASHLIST, 0, 0, 0, "" },
};

struct bad {
	char lines[256];
};

static void on_bad(void *ud, const char *input, uint64_t line,
		   const char *why)
{
	struct bad *b = ud;
	size_t n = strlen(b->lines);

	(void)input;
	(void)why;
	snprintf(b->lines + n, sizeof(b->lines) - n, "%s%llu", n ? " " : "",
		 (unsigned long long)line);
}

int main(void)
{
	char dir[] = "/tmp/t-hashdb-import.XXXXXX", in[300], out[300];
	struct spoor_err err;

	if (!mkdtemp(dir))
		return 1;
	snprintf(in, sizeof(in), "%s/input", dir);
	snprintf(out, sizeof(out), "%s/out.sdb", dir);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct spoor_hashdb_build_opts o = { 0 };
		struct spoor_hashdb_input_stats st;
		struct spoor_hashdb_builder *b;
		struct bad bad = { "" };
		size_t len = strlen(cases[i].text);
		FILE *f = fopen(in, "wb");
		int rc;

		if (!strcmp(cases[i].name, "NUL byte in a line"))
			len = 33 + 32 + 1;
		fwrite(cases[i].text, 1, len, f);
		fclose(f);
		o.on_bad = on_bad;
		o.userdata = &bad;
		b = spoor_hashdb_builder_new(out, &o, &err);
		rc = spoor_hashdb_builder_add_file(b, in, SPOOR_HDB_FMT_AUTO,
						   &st, &err);
		if (!is_int(rc, cases[i].rc, cases[i].name))
			diag("%s", err.msg);
		is_int(st.format, cases[i].fmt, "  detected format");
		if (!rc) {
			ok(st.digests[0] == cases[i].md5 &&
			   st.digests[1] == cases[i].sha1 &&
			   st.digests[2] == cases[i].sha256,
			   "  digests md5 %llu sha1 %llu sha256 %llu",
			   (unsigned long long)st.digests[0],
			   (unsigned long long)st.digests[1],
			   (unsigned long long)st.digests[2]);
			is_str(bad.lines, cases[i].bad, "  bad lines");
		}
		spoor_hashdb_builder_free(b);
	}
	{
		/* 100000 nested arrays: refused at depth 64, no recursion */
		FILE *f = fopen(in, "wb");
		struct spoor_hashdb_builder *b;

		fputs("{\"value\": [", f);
		for (int i = 0; i < 100000; i++)
			fputc('[', f);
		fclose(f);
		b = spoor_hashdb_builder_new(out, NULL, &err);
		is_int(spoor_hashdb_builder_add_file(b, in, SPOOR_HDB_FMT_VICS,
						     NULL, &err),
		       SPOOR_EFORMAT, "100000-deep nesting is refused");
		ok(strstr(err.msg, "deeper than 64") != NULL, "  says why");
		spoor_hashdb_builder_free(b);
	}
	{
		/* a string of 10 MB: bounded, the digest in it is bad */
		FILE *f = fopen(in, "wb");
		struct spoor_hashdb_builder *b;
		struct spoor_hashdb_input_stats st;

		fputs("{\"value\": [{\"MD5\": \"", f);
		for (int i = 0; i < 10000000; i++)
			fputc('a', f);
		fputs("\"}]}", f);
		fclose(f);
		b = spoor_hashdb_builder_new(out, NULL, &err);
		is_int(spoor_hashdb_builder_add_file(b, in, SPOOR_HDB_FMT_VICS,
						     &st, &err), 0,
		       "a 10 MB string is read");
		is_int((long long)st.bad, 1, "  and its digest is bad");
		spoor_hashdb_builder_free(b);
	}
	unlink(in);
	unlink(out);
	rmdir(dir);
	return done_testing();
}
