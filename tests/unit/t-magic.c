/*
 * t-magic: categories and extension mismatch from the MIME table, and
 * libmagic on small known headers.
 */
#include <stdlib.h>
#include <string.h>

#include "spoor.h"
#include "tap.h"

static const struct {
	const char *name;
	const char *mime;
	int mismatch;
} ext_cases[] = {
	{ "photo.jpg", "image/jpeg", 0 },
	{ "photo.JPEG", "image/jpeg", 0 },
	{ "notes.txt", "image/jpeg", 1 },	/* a .txt that is a JPEG */
	{ "holiday.jpg", "application/zip", 1 },	/* a .jpg that is a zip */
	{ "report.docx", "application/zip", 0 },
	{ "report.docx", "application/vnd.openxmlformats-officedocument."
			 "wordprocessingml.document", 0 },
	{ "sheet.xlsx", "application/vnd.openxmlformats-officedocument."
			"spreadsheetml.sheet", 0 },
	{ "report.pdf", "text/plain", 1 },	/* a .pdf that is text */
	{ "data.csv", "text/plain", 0 },
	{ "page.html", "text/plain", 0 },
	{ "page.html", "text/html", 0 },
	{ "data.json", "application/json", 0 },
	{ "msgstore.db", "application/vnd.sqlite3", 0 },
	{ "ChatStorage.sqlite", "application/vnd.sqlite3", 0 },
	{ "img.heic", "image/heic", 0 },
	{ "README", "text/plain", 0 },		/* no extension */
	{ "libc.so.6", "application/x-sharedlib", 0 },	/* version number */
	{ "secret.dat", "image/jpeg", 1 },	/* picture hidden as data */
	{ "fake.jpg", "application/octet-stream", 1 },
	{ "blob.bin", "application/octet-stream", 0 },
	{ "notes.bin", "text/plain", 0 },	/* .bin promises nothing */
	{ "photo.bin", "image/jpeg", 1 },	/* a picture under it does */
	{ "unknown.xyz", "application/octet-stream", 0 },
	{ "movie.mp4", "video/mp4", 0 },
	{ "movie.mov", "video/quicktime", 0 },
	{ "clip.3gp", "video/3gpp", 0 },
	{ ".profile", "text/plain", 0 },
	{ "archive.tar.gz", "application/gzip", 0 },
	{ "program.exe", "application/x-dosexec", 0 },
	{ "photo.png", "image/jpeg", 1 },
};

static const struct {
	const char *mime;
	const char *magic;
	const char *name;
	const char *cat;
} cat_cases[] = {
	{ "image/jpeg", "JPEG image data", "a.jpg", "image" },
	{ "video/mp4", "ISO Media", "a.mp4", "video" },
	{ "application/zip", "Zip archive data", "a.zip", "archive" },
	{ "application/vnd.sqlite3", "SQLite 3.x database", "x.db",
	  "database" },
	{ "application/vnd.sqlite3", "SQLite 3.x database", "msgstore.db",
	  "chat-database" },
	{ "application/octet-stream", "data", "msgstore.db.crypt14",
	  "chat-database" },
	{ "application/vnd.sqlite3", "SQLite", "data/sms.db",
	  "chat-database" },
	{ "application/x-pie-executable", "ELF", "ls", "executable" },
	{ "application/octet-stream", "LUKS encrypted file", "disk",
	  "encrypted" },
	{ "text/plain", "ASCII text", "a.txt", "text" },
	{ "application/pdf", "PDF document", "a.pdf", "document" },
	{ "image/x-unknown-thing", "?", "a", "image" },
	{ "application/octet-stream", "data", "a.bin", "other" },
	{ "application/x-empty", "empty", "a", "empty" },
};

/*
 * spoor_magic_classify's table against libmagic itself: for each content
 * the MIME type it derives from the description is the MIME type
 * libmagic's own call gives, and the description is the same.
 */
static void one_call(struct spoor_magic *m)
{
	static const char *const texts[] = {
		"hello\n", "h\xc3\xa9llo w\xc3\xb6rld\n",
		"#!/bin/sh\necho hi\n", "#!/usr/bin/env python3\nprint(1)\n",
		"#include <stdio.h>\nint main(void) { return 0; }\n",
		"a,b,c\n1,2,3\n4,5,6\n", "{\"a\": [1, 2, {\"b\": null}]}\n",
		"<html><head><title>x</title></head><body>x</body></html>\n",
		"<?xml version=\"1.0\"?><a><b/></a>\n",
		"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n",
		"line one\r\nline two\r\n",
	};
	static const unsigned char zip[] = { 'P', 'K', 3, 4, 10, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
		'a' };
	static const unsigned char gz[] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0,
		3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	const char *src = getenv("SPOOR_SRC");
	static const char *const pics[] = {
		"pdq-jpeg/a.jpg", "pdq-jpeg/cmyk.jpg", "pdq-png/a.png",
		"pdq-png/pal.png", "pdq-gif/a.gif", "pdq-webp/a.webp",
		"pdq-webp/anim.webp", "pdq-heif/a.heic", "pdq-tiff/a.tif",
		"pdq-bmp/a.bmp", "pdq-bmp/argb.bmp",
	};
	unsigned char buf[8192], rnd[4096];
	size_t n, same = 0, total = 0, single = 0;
	uint32_t x = 12345;

	for (size_t i = 0; i < sizeof(rnd); i++) {
		x = x * 1103515245 + 12345;
		rnd[i] = (unsigned char)(x >> 16);
	}
	for (size_t i = 0; i < sizeof(texts) / sizeof(*texts) + 4 +
	     sizeof(pics) / sizeof(*pics); i++) {
		struct spoor_type a = { 0 }, b = { 0 };
		const void *p = buf;
		bool one = false;
		FILE *f;

		if (i < sizeof(texts) / sizeof(*texts)) {
			p = texts[i];
			n = strlen(texts[i]);
		} else if (i == sizeof(texts) / sizeof(*texts)) {
			p = zip;
			n = sizeof(zip);
		} else if (i == sizeof(texts) / sizeof(*texts) + 1) {
			p = gz;
			n = sizeof(gz);
		} else if (i == sizeof(texts) / sizeof(*texts) + 2) {
			p = rnd;
			n = sizeof(rnd);
		} else if (i == sizeof(texts) / sizeof(*texts) + 3) {
			f = fopen("/proc/self/exe", "rb");
			n = f ? fread(buf, 1, sizeof(buf), f) : 0;
			if (f)
				fclose(f);
		} else {
			char path[4096];

			snprintf(path, sizeof(path), "%s/fuzz/corpus/%s",
				 src ? src : ".", pics[i - 4 -
				 sizeof(texts) / sizeof(*texts)]);
			f = fopen(path, "rb");
			n = f ? fread(buf, 1, sizeof(buf), f) : 0;
			if (f)
				fclose(f);
		}
		if (!n)
			continue;
		total++;
		spoor_magic_classify(m, p, n, &a, &one, NULL);
		spoor_magic_mime(m, p, n, b.mime, NULL);
		spoor_magic_describe(m, p, n, b.magic, NULL);
		single += one;
		if (!strcmp(a.mime, b.mime) && !strcmp(a.magic, b.magic))
			same++;
		else
			diag("%s / %s: derived %s", b.magic, b.mime, a.mime);
	}
	ok(total > 20 && same == total, "one call: the MIME type libmagic "
	   "gives, for %zu of %zu contents", same, total);
	ok(single * 4 >= total * 3, "one call for most of them (%zu of %zu)",
	   single, total);
}

int main(void)
{
	static const unsigned char jpeg[] = { 0xff, 0xd8, 0xff, 0xe0, 0x00,
		0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
		0x00, 0x01, 0x00, 0x00 };
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n',
		0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0,
		0, 1, 8, 2, 0, 0, 0 };
	struct spoor_magic *m;
	struct spoor_type t;
	struct spoor_err err;
	char text[10000];

	for (size_t i = 0; i < sizeof(ext_cases) / sizeof(ext_cases[0]); i++)
		is_int(spoor_ext_mismatch(ext_cases[i].name, ext_cases[i].mime),
		       ext_cases[i].mismatch, ext_cases[i].name);
	for (size_t i = 0; i < sizeof(cat_cases) / sizeof(cat_cases[0]); i++)
		is_str(spoor_category_name(spoor_category_of(
			       cat_cases[i].mime, cat_cases[i].magic,
			       cat_cases[i].name)),
		       cat_cases[i].cat, cat_cases[i].name);

	m = spoor_magic_new(&err);
	if (!ok(m != NULL, "libmagic loads")) {
		diag("%s", err.msg);
		return done_testing();
	}
	spoor_magic_identify(m, jpeg, sizeof(jpeg), 5000, "x.txt", &t, NULL);
	is_str(t.mime, "image/jpeg", "jpeg header");
	ok(t.ext_mismatch, "jpeg named .txt is a mismatch");
	is_str(spoor_category_name(t.category), "image", "jpeg category");
	spoor_magic_identify(m, png, sizeof(png), 5000, "x.png", &t, NULL);
	is_str(t.mime, "image/png", "png header");
	ok(!t.ext_mismatch, "png named .png fits");
	spoor_magic_identify(m, "", 0, 0, "empty.jpg", &t, NULL);
	is_str(t.mime, "application/x-empty", "empty file");
	ok(!t.ext_mismatch, "an empty file is no mismatch");
	memset(text, 'a', sizeof(text));
	for (size_t i = 80; i < sizeof(text); i += 80)
		text[i] = '\n';
	spoor_magic_identify(m, text, sizeof(text), sizeof(text), "log.txt",
			     &t, NULL);
	is_str(t.mime, "text/plain", "long text");
	one_call(m);
	spoor_magic_free(m);
	return done_testing();
}
