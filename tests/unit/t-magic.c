/*
 * t-magic: categories and extension mismatch from the MIME table, and
 * libmagic on small known headers.
 */
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
	spoor_magic_free(m);
	return done_testing();
}
