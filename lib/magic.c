/*
 * magic.c: file types through libmagic, and what spoor derives from them
 * (category, extension mismatch) through the table in mimetypes.def.
 */
#include "internal.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <magic.h>

#include "banned.h"

struct mime_entry {
	const char *mime;
	enum spoor_category cat;
	const char *exts;	/* space separated; a "*" word: + TEXT_EXT */
};

#define MIME(m, c, e) { m, SPOOR_CAT_##c, e },
#define TEXT_EXT(e)
#define GENERIC(e)
#define CHAT(n)
static const struct mime_entry mime_table[] = {
#include "mimetypes.def"
};
#undef MIME
#undef TEXT_EXT
#undef CHAT

#define MIME(m, c, e)
#define TEXT_EXT(e) e
#define CHAT(n)
static const char text_exts[] =
#include "mimetypes.def"
	;
#undef TEXT_EXT
#undef GENERIC

#define TEXT_EXT(e)
#define GENERIC(e) e
static const char generic_exts[] =
#include "mimetypes.def"
	;
#undef GENERIC
#undef CHAT

#define GENERIC(e)
#define CHAT(n) n,
static const char *const chat_names[] = {
#include "mimetypes.def"
};
#undef MIME
#undef TEXT_EXT
#undef GENERIC
#undef CHAT

static const char *const cat_names[SPOOR_CAT_COUNT] = {
	[SPOOR_CAT_OTHER] = "other",
	[SPOOR_CAT_IMAGE] = "image",
	[SPOOR_CAT_VIDEO] = "video",
	[SPOOR_CAT_AUDIO] = "audio",
	[SPOOR_CAT_DOCUMENT] = "document",
	[SPOOR_CAT_ARCHIVE] = "archive",
	[SPOOR_CAT_DATABASE] = "database",
	[SPOOR_CAT_CHAT_DATABASE] = "chat-database",
	[SPOOR_CAT_EXECUTABLE] = "executable",
	[SPOOR_CAT_ENCRYPTED] = "encrypted",
	[SPOOR_CAT_TEXT] = "text",
	[SPOOR_CAT_EMPTY] = "empty",
};

const char *spoor_category_name(enum spoor_category c)
{
	return (unsigned)c < SPOOR_CAT_COUNT ? cat_names[c] : "other";
}

static const struct mime_entry *mime_lookup(const char *mime)
{
	for (size_t i = 0; i < ARRAY_SIZE(mime_table); i++)
		if (!strcasecmp(mime_table[i].mime, mime))
			return &mime_table[i];
	return NULL;
}

/* Is `word` one of the space separated words of `list`? */
static bool in_list(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while (*p) {
		size_t k = strcspn(p, " ");

		if (k == n && !memcmp(p, word, n))
			return true;
		p += k;
		p += strspn(p, " ");
	}
	return false;
}

static bool is_text_mime(const struct mime_entry *e)
{
	return in_list(e->exts, "*");
}

/* Is ext claimed by some non-text type (a "binary" extension)? */
static bool binary_ext(const char *ext)
{
	for (size_t i = 0; i < ARRAY_SIZE(mime_table); i++)
		if (!is_text_mime(&mime_table[i]) &&
		    in_list(mime_table[i].exts, ext))
			return true;
	return false;
}

static bool all_digits(const char *s)
{
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

bool spoor_ext_mismatch(const char *name, const char *mime)
{
	const struct mime_entry *e;
	char ext[16];

	if (!name || !mime)
		return false;
	spoor_extension(name, ext, sizeof(ext));
	/* no extension, or a version/segment number (libc.so.6, x.001) */
	if (!ext[0] || all_digits(ext))
		return false;
	e = mime_lookup(mime);
	if (!e) {
		/*
		 * A type we have no row for (application/octet-stream,
		 * "data"): a name that promises a format with a signature
		 * libmagic always finds (.jpg, .pdf, .zip ...) does not fit.
		 */
		return !strcasecmp(mime, "application/octet-stream") &&
		       binary_ext(ext) && !in_list(text_exts, ext) &&
		       !in_list(generic_exts, ext);
	}
	if (in_list(e->exts, ext))
		return false;
	if (is_text_mime(e))	/* any text extension fits a text type */
		return !in_list(text_exts, ext) && binary_ext(ext) &&
		       !in_list(generic_exts, ext);
	return true;
}

static bool is_chat_name(const char *name);

enum spoor_category spoor_category_guess(const char *name)
{
	char ext[16];

	if (!name)
		return SPOOR_CAT_OTHER;
	if (is_chat_name(name))
		return SPOOR_CAT_CHAT_DATABASE;
	spoor_extension(name, ext, sizeof(ext));
	if (!ext[0])
		return SPOOR_CAT_OTHER;
	/* the first binary type that claims the extension */
	for (size_t i = 0; i < ARRAY_SIZE(mime_table); i++)
		if (!is_text_mime(&mime_table[i]) &&
		    in_list(mime_table[i].exts, ext))
			return mime_table[i].cat;
	return in_list(text_exts, ext) ? SPOOR_CAT_TEXT : SPOOR_CAT_OTHER;
}

static bool is_chat_name(const char *name)
{
	const char *base = strrchr(name, '/');

	base = base ? base + 1 : name;
	for (size_t i = 0; i < ARRAY_SIZE(chat_names); i++)
		if (!fnmatch(chat_names[i], base, FNM_CASEFOLD))
			return true;
	return false;
}

enum spoor_category spoor_category_of(const char *mime, const char *magic,
				      const char *name)
{
	const struct mime_entry *e = mime ? mime_lookup(mime) : NULL;
	enum spoor_category c = e ? e->cat : SPOOR_CAT_OTHER;

	if (mime && !strcmp(mime, "application/x-empty"))
		return SPOOR_CAT_EMPTY;
	if (name && is_chat_name(name) &&
	    (c == SPOOR_CAT_DATABASE || c == SPOOR_CAT_OTHER))
		return SPOOR_CAT_CHAT_DATABASE;
	if (c == SPOOR_CAT_OTHER && magic && strcasestr(magic, "encrypted"))
		return SPOOR_CAT_ENCRYPTED;
	if (c == SPOOR_CAT_OTHER && mime) {
		/* families the table does not list one by one */
		static const struct {
			const char *prefix;
			enum spoor_category cat;
		} fam[] = {
			{ "image/", SPOOR_CAT_IMAGE },
			{ "video/", SPOOR_CAT_VIDEO },
			{ "audio/", SPOOR_CAT_AUDIO },
			{ "text/", SPOOR_CAT_TEXT },
		};
		for (size_t i = 0; i < ARRAY_SIZE(fam); i++)
			if (!strncmp(mime, fam[i].prefix,
				     strlen(fam[i].prefix)))
				return fam[i].cat;
	}
	return c;
}

/* ---- libmagic ---- */

struct spoor_magic {
	magic_t mime;	/* MAGIC_MIME_TYPE */
	magic_t desc;	/* description */
};

/* How much of a text-looking head libmagic sees: enough for its text
 * tests (HTML, XML, JSON, scripts), short enough that big logs cost
 * nothing. */
#define TEXT_HEAD 4096

static magic_t open_magic(int flags, struct spoor_err *err)
{
	magic_t m = magic_open(flags | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS);

	if (!m) {
		spoor_err_set(err, SPOOR_ENOMEM, 0, "cannot start libmagic");
		return NULL;
	}
	if (magic_load(m, NULL) != 0) {
		spoor_err_set(err, SPOOR_EUNSUPPORTED, 0,
			      "cannot load the libmagic database: %s",
			      magic_error(m) ? magic_error(m) : "?");
		magic_close(m);
		return NULL;
	}
	return m;
}

struct spoor_magic *spoor_magic_new(struct spoor_err *err)
{
	struct spoor_magic *m = calloc(1, sizeof(*m));

	if (!m) {
		spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
		return NULL;
	}
	m->mime = open_magic(MAGIC_MIME_TYPE, err);
	m->desc = m->mime ? open_magic(MAGIC_NONE, err) : NULL;
	if (!m->desc) {
		spoor_magic_free(m);
		return NULL;
	}
	return m;
}

void spoor_magic_free(struct spoor_magic *m)
{
	if (!m)
		return;
	if (m->mime)
		magic_close(m->mime);
	if (m->desc)
		magic_close(m->desc);
	free(m);
}

/* Text-looking: no NUL and few control bytes in the first 512 bytes. */
static bool looks_text(const unsigned char *p, size_t len)
{
	size_t n = MIN(len, 512), ctl = 0;

	for (size_t i = 0; i < n; i++) {
		if (!p[i])
			return false;
		if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' &&
		    p[i] != '\r' && p[i] != '\f' && p[i] != 0x1b)
			ctl++;
	}
	return ctl * 32 <= n;
}

/* How much of the head libmagic gets: short for text (see TEXT_HEAD). */
static size_t head_len(const void *head, size_t len)
{
	if (len > SPOOR_MAGIC_HEAD)
		len = SPOOR_MAGIC_HEAD;
	if (len > TEXT_HEAD && looks_text(head, len))
		len = TEXT_HEAD;
	return len;
}

static int run_magic(magic_t m, const void *head, size_t len, char *out,
		     size_t size, struct spoor_err *err)
{
	const char *r;

	if (len == 0) {
		spoor_strlcpy(out, size == SPOOR_MIME_MAX ?
			      "application/x-empty" : "empty", size);
		return SPOOR_OK;
	}
	r = magic_buffer(m, head, head_len(head, len));
	if (!r) {
		spoor_strlcpy(out, "", size);
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "libmagic: %s",
				     magic_error(m) ? magic_error(m)
						    : "failed");
	}
	spoor_strlcpy(out, r, size);
	return SPOOR_OK;
}

int spoor_magic_mime(struct spoor_magic *m, const void *head, size_t len,
		     char out[SPOOR_MIME_MAX], struct spoor_err *err)
{
	return run_magic(m->mime, head, len, out, SPOOR_MIME_MAX, err);
}

int spoor_magic_describe(struct spoor_magic *m, const void *head, size_t len,
			 char out[SPOOR_MAGIC_MAX], struct spoor_err *err)
{
	return run_magic(m->desc, head, len, out, SPOOR_MAGIC_MAX, err);
}

/*
 * Descriptions whose MIME type libmagic always gives as the one beside
 * them: the magic entry that prints the description carries that MIME
 * type, whatever follows the first comma.  With them one libmagic call
 * classifies most files (the description; the MIME type follows); any
 * other description costs the second call.  Each row is checked against
 * libmagic by t-magic and on every file of the benchmark corpus.  Not
 * here: descriptions whose entries differ in MIME type ("Python script"
 * is text/x-script.python or text/plain; "ISO Media" is a video or a
 * HEIF picture; CDF documents).
 */
static const struct {
	const char *desc, *mime;
} desc_mime[] = {
	{ "ASCII text", "text/plain" },
	{ "Unicode text, UTF-8 text", "text/plain" },
	{ "JPEG image data", "image/jpeg" },
	{ "PNG image data", "image/png" },
	{ "GIF image data", "image/gif" },
	{ "PC bitmap", "image/bmp" },
	{ "TIFF image data", "image/tiff" },
	{ "RIFF (little-endian) data, Web/P image", "image/webp" },
	{ "PDF document", "application/pdf" },
	{ "Zip archive data", "application/zip" },
	{ "gzip compressed data", "application/gzip" },
	{ "SQLite 3.x database", "application/vnd.sqlite3" },
	{ "data", "application/octet-stream" },
	{ "C source", "text/x-c" },
	{ "CSV text", "text/csv" },
	{ "JSON text data", "application/json" },
	{ "HTML document", "text/html" },
	{ "XML 1.0 document", "text/xml" },
	{ "POSIX shell script", "text/x-shellscript" },
	{ "Bourne-Again shell script", "text/x-shellscript" },
	{ "SMTP mail", "message/rfc822" },
	{ "Microsoft Word 2007+", "application/vnd.openxmlformats-"
	  "officedocument.wordprocessingml.document" },
	{ "Microsoft Excel 2007+", "application/vnd.openxmlformats-"
	  "officedocument.spreadsheetml.sheet" },
	{ "ELF 64-bit LSB relocatable", "application/x-object" },
	{ "ELF 64-bit LSB pie executable", "application/x-pie-executable" },
	{ "ELF 64-bit LSB shared object", "application/x-sharedlib" },
	{ "ELF 64-bit LSB executable", "application/x-executable" },
};

/* The MIME type of a description of the table, else NULL. */
static const char *mime_of_desc(const char *d)
{
	for (size_t i = 0; i < ARRAY_SIZE(desc_mime); i++) {
		size_t n = strlen(desc_mime[i].desc);

		if (!strncmp(d, desc_mime[i].desc, n) &&
		    (d[n] == '\0' || d[n] == ','))
			return desc_mime[i].mime;
	}
	return NULL;
}

int spoor_magic_classify(struct spoor_magic *m, const void *head, size_t len,
			 struct spoor_type *out, bool *one_call,
			 struct spoor_err *err)
{
	const char *mime;
	int rc = spoor_magic_describe(m, head, len, out->magic, err);

	if (rc)
		return rc;
	mime = len ? mime_of_desc(out->magic) : NULL;
	if (one_call)
		*one_call = mime != NULL;
	if (mime) {
		spoor_strlcpy(out->mime, mime, SPOOR_MIME_MAX);
		return SPOOR_OK;
	}
	return spoor_magic_mime(m, head, len, out->mime, err);
}

void spoor_type_derive(struct spoor_type *t, const char *name)
{
	t->category = spoor_category_of(t->mime, t->magic, name);
	t->ext_mismatch = t->category != SPOOR_CAT_EMPTY &&
			  spoor_ext_mismatch(name, t->mime);
}

int spoor_magic_identify(struct spoor_magic *m, const void *head, size_t len,
			 uint64_t size, const char *name,
			 struct spoor_type *out, struct spoor_err *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (size == 0)
		len = 0;
	rc = spoor_magic_classify(m, head, len, out, NULL, err);
	if (rc)
		return rc;
	spoor_type_derive(out, name);
	return SPOOR_OK;
}
