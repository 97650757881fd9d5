/*
 * hashdb_import.c: the readers of hash-set inputs: NSRL RDS v3 (SQLite),
 * legacy NSRLFile.txt, VICS JSON (a bounded streaming tokenizer),
 * hashdeep CSV and md5sum-style lists.  Each input is hostile: lines and
 * strings are bounded, JSON nesting is bounded and parsed without
 * recursion, SQLite is opened read-only and immutable.
 */
#include "hashdb.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "banned.h"

#define LINE_MAX_LEN 65536
#define CHUNK (1 << 20)

void hdb_bad(struct hdb_sink *s, uint64_t line, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	s->st->bad++;
	if (!s->on_bad)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	s->on_bad(s->ud_bad, s->input, line, why);
}

/* hex digit values, -1 for anything else: a table, because parsing hex
 * is most of the work of reading a 20-million-line list */
#define X16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
static const signed char hexval[256] = {
	X16(-1), X16(-1), X16(-1),
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -1, -1, -1, -1, -1,
	-1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	X16(-1),
	-1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	X16(-1),
	X16(-1), X16(-1), X16(-1), X16(-1), X16(-1), X16(-1), X16(-1),
	X16(-1),
};

static int xdigit(unsigned char c)
{
	return hexval[c];
}

int hdb_unhex(const char *hex, size_t len, unsigned char *out)
{
	int bad = 0;

	for (size_t i = 0; i < len; i++) {
		int h = hexval[(unsigned char)hex[2 * i]];
		int l = hexval[(unsigned char)hex[2 * i + 1]];

		bad |= h | l;	/* negative when any digit was not hex */
		out[i] = (unsigned char)((unsigned)h << 4 | (unsigned)l);
	}
	return bad < 0 ? -1 : 0;
}

unsigned hdb_alg_for_hexlen(size_t n)
{
	switch (n) {
	case 32: return SPOOR_MD5;
	case 40: return SPOOR_SHA1;
	case 64: return SPOOR_SHA256;
	case 128: return SPOOR_SHA512;
	}
	return 0;
}

static int alg_idx(unsigned alg)
{
	return alg == SPOOR_MD5 ? 0 : alg == SPOOR_SHA1 ? 1
	       : alg == SPOOR_SHA256 ? 2 : 3;
}

/* Add a hex digest of a known algorithm (alg 0: by its length). */
static int add_hex(struct hdb_sink *s, unsigned alg, const char *hex,
		   size_t n, const char *cat, struct spoor_err *err)
{
	unsigned char d[SPOOR_HASH_MAXLEN];
	int rc;

	if (!alg)
		alg = hdb_alg_for_hexlen(n);
	if (!alg || n != 2 * spoor_hash_len(alg) || hdb_unhex(hex, n / 2, d))
		return 1;	/* not a digest: the caller reports it */
	rc = s->add(s->ud, alg, d, cat, err);
	if (!rc)
		s->st->digests[alg_idx(alg)]++;
	return rc;
}

/* ---- a buffered reader that hashes what it reads ---- */

struct reader {
	int fd;
	const char *path;
	struct spoor_hash *h;
	unsigned char *buf;
	size_t len, pos;
	bool eof;
	char *line;		/* copy for lines across chunks */
	size_t llen;
	uint64_t lineno;
};

static int reader_open(struct reader *r, const char *path,
		       struct spoor_err *err)
{
	memset(r, 0, sizeof(*r));
	r->path = path;
	r->fd = spoor_open_input(path, 0, err);
	if (r->fd < 0)
		return r->fd;
	posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	r->h = spoor_hash_new(SPOOR_SHA256, err);
	r->buf = malloc(CHUNK + 1);
	r->line = malloc(LINE_MAX_LEN + 1);
	if (!r->h || !r->buf || !r->line)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	return SPOOR_OK;
}

static int reader_close(struct reader *r, unsigned char sha256[32],
			struct spoor_err *err)
{
	struct spoor_digests d = { 0 };
	int rc = SPOOR_OK;

	if (sha256 && r->h) {
		rc = spoor_hash_final(r->h, &d, err);
		memcpy(sha256, d.sha256, 32);
	}
	if (r->fd >= 0)
		close(r->fd);
	spoor_hash_free(r->h);
	free(r->buf);
	free(r->line);
	return rc;
}

static int reader_fill(struct reader *r, struct spoor_err *err)
{
	ssize_t n;

	do
		n = read(r->fd, r->buf, CHUNK);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return spoor_err_set(err, SPOOR_EIO, errno, "cannot read "
				     "'%s'", r->path);
	r->pos = 0;
	r->len = (size_t)n;
	if (!n)
		r->eof = true;
	else
		spoor_hash_update(r->h, r->buf, (size_t)n, err);
	return SPOOR_OK;
}

/* The next byte, or -1 at the end (-2 on a read error, err set). */
static int reader_getc(struct reader *r, struct spoor_err *err)
{
	if (r->pos >= r->len) {
		if (r->eof || reader_fill(r, err))
			return r->eof ? -1 : -2;
		if (r->eof)
			return -1;
	}
	return r->buf[r->pos++];
}

/*
 * The next line (NUL-terminated, without CR LF) in *line: 1, 0 at the
 * end, < 0 on error.  *toolong is set for a line over LINE_MAX_LEN bytes
 * (its rest is skipped).
 */
static int reader_line(struct reader *r, char **line, size_t *len,
		       bool *toolong, struct spoor_err *err)
{
	bool copied = false;

	*toolong = false;
	r->llen = 0;
	for (;;) {
		unsigned char *nl;
		size_t n;

		if (r->pos >= r->len) {
			if (!r->eof && reader_fill(r, err))
				return err ? err->code : SPOOR_EIO;
			if (r->eof) {
				if (!copied)
					return 0;
				break;
			}
		}
		nl = memchr(r->buf + r->pos, '\n', r->len - r->pos);
		n = nl ? (size_t)(nl - (r->buf + r->pos)) : r->len - r->pos;
		if (nl && !copied) {
			/* the common case: the line is inside the chunk */
			*line = (char *)r->buf + r->pos;
			*nl = '\0';
			*len = n;
			r->pos += n + 1;
			r->lineno++;
			goto trim;
		}
		if (r->llen + n > LINE_MAX_LEN)
			*toolong = true;
		else
			memcpy(r->line + r->llen, r->buf + r->pos, n);
		if (!*toolong)
			r->llen += n;
		copied = true;
		r->pos += n + (nl ? 1 : 0);
		if (nl)
			break;
	}
	r->line[r->llen] = '\0';
	*line = r->line;
	*len = r->llen;
	r->lineno++;
trim:
	if (*len && (*line)[*len - 1] == '\r')
		(*line)[--*len] = '\0';
	return 1;
}

/* ---- md5sum-style lists ---- */

static int hashlist_line(struct hdb_sink *s, uint64_t no, char *p,
			 size_t len, struct spoor_err *err)
{
	char *end = p + len, *tok;
	size_t n;
	int rc;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p == '#') {
		s->st->skipped++;
		return SPOOR_OK;
	}
	s->st->records++;
	/* BSD style: "SHA256 (name) = hex" */
	if (p < end && *p >= 'A' && *p <= 'Z' && strstr(p, ") = ")) {
		tok = strstr(p, ") = ");
		for (char *q; (q = strstr(tok + 1, ") = "));)
			tok = q;
		tok += 4;
		n = (size_t)(end - tok);
	} else {
		if (*p == '\\')
			p++;	/* md5sum escapes names with \ */
		tok = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		n = (size_t)(p - tok);
	}
	rc = add_hex(s, 0, tok, n, NULL, err);
	if (rc > 0)
		hdb_bad(s, no, "not a digest");
	return rc < 0 ? rc : SPOOR_OK;
}

/* ---- CSV (NSRLFile.txt, hashdeep) ---- */

#define CSV_MAX_FIELDS 32

/* Split one CSV line in place (RFC 4180 quotes, no line breaks inside).
 * `rest_at`: the field index that takes the rest of the line unsplit
 * (hashdeep's file name), or -1.  Returns the field count, -1 on a
 * broken quote. */
static int csv_split(char *p, size_t len, char **f, size_t *fl, int rest_at)
{
	char *end = p + len;
	int n = 0;

	for (;;) {
		if (n >= CSV_MAX_FIELDS)
			return -1;
		if (n == rest_at) {
			f[n] = p;
			fl[n++] = (size_t)(end - p);
			return n;
		}
		if (p < end && *p == '"') {
			char *w = ++p;

			f[n] = w;
			for (;;) {
				if (p >= end)
					return -1;
				if (*p == '"') {
					if (p + 1 < end && p[1] == '"') {
						*w++ = '"';
						p += 2;
						continue;
					}
					p++;
					break;
				}
				*w++ = *p++;
			}
			fl[n] = (size_t)(w - f[n]);
			n++;
			if (p < end && *p != ',')
				return -1;
		} else {
			char *c = memchr(p, ',', (size_t)(end - p));

			f[n] = p;
			fl[n++] = (size_t)((c ? c : end) - p);
			p = c ? c : end;
		}
		if (p >= end)
			return n;
		p++;	/* the comma */
	}
}

struct csv_cols {
	int col[SPOOR_HASH_NALGS];	/* -1 when absent */
	int name;
	int n;
};

static int column_alg(const char *name, size_t n)
{
	static const struct { const char *s; int a; } t[] = {
		{ "md5", 0 }, { "sha-1", 1 }, { "sha1", 1 },
		{ "sha-256", 2 }, { "sha256", 2 }, { "sha-512", 3 },
		{ "sha512", 3 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		if (strlen(t[i].s) == n && !strncasecmp(name, t[i].s, n))
			return t[i].a;
	return -1;
}

static int header_cols(char *line, size_t len, struct csv_cols *c)
{
	char *f[CSV_MAX_FIELDS];
	size_t fl[CSV_MAX_FIELDS];
	int n = csv_split(line, len, f, fl, -1), found = 0;

	for (int a = 0; a < SPOOR_HASH_NALGS; a++)
		c->col[a] = -1;
	c->name = -1;
	c->n = n;
	for (int i = 0; i < n; i++) {
		int a = column_alg(f[i], fl[i]);

		if (a >= 0 && c->col[a] < 0) {
			c->col[a] = i;
			found++;
		}
		if (fl[i] == 8 && !strncasecmp(f[i], "filename", 8))
			c->name = i;
	}
	return found ? 0 : -1;
}

static int csv_row(struct hdb_sink *s, uint64_t no, char *line, size_t len,
		   const struct csv_cols *c, int rest_at,
		   struct spoor_err *err)
{
	char *f[CSV_MAX_FIELDS];
	size_t fl[CSV_MAX_FIELDS];
	int n = csv_split(line, len, f, fl, rest_at), added = 0;

	s->st->records++;
	if (n < 0 || n < c->n) {
		hdb_bad(s, no, "expected %d fields", c->n);
		return SPOOR_OK;
	}
	for (int a = 0; a < SPOOR_HASH_NALGS; a++) {
		int rc;

		if (c->col[a] < 0 || !fl[c->col[a]])
			continue;
		rc = add_hex(s, 1u << a, f[c->col[a]], fl[c->col[a]], NULL,
			     err);
		if (rc < 0)
			return rc;
		if (rc > 0) {
			hdb_bad(s, no, "bad %s digest",
				spoor_hash_name(1u << a));
			return SPOOR_OK;
		}
		added++;
	}
	if (!added)
		hdb_bad(s, no, "no digest");
	return SPOOR_OK;
}

/* The digits of a quality 0..100, else -1. */
static int quality_of(const char *p, size_t n)
{
	int q = 0;

	if (!n || n > 3)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		q = q * 10 + p[i] - '0';
	}
	return q <= 100 ? q : -1;
}

/*
 * One line of a PDQ CSV: hash,quality[,label] (the label is the rest of
 * the line), or hash[,label] when the second field is not a quality
 * (the reference tools print hash,filename).  A first line that does
 * not start with a hash is a header.
 */
static int pdq_line(struct hdb_sink *s, uint64_t no, char *p, size_t len,
		    bool *started, struct spoor_err *err)
{
	unsigned char h[SPOOR_PDQ_BYTES];
	char *c1, *c2, *label = NULL;
	int q = -1;

	while (len && (p[len - 1] == '\r' || p[len - 1] == ' '))
		p[--len] = '\0';
	if (!len || p[0] == '#') {
		s->st->skipped++;
		return SPOOR_OK;
	}
	c1 = memchr(p, ',', len);
	if ((c1 ? (size_t)(c1 - p) : len) != 2 * SPOOR_PDQ_BYTES ||
	    hdb_unhex(p, SPOOR_PDQ_BYTES, h)) {
		if (!*started) {
			*started = true;
			s->st->skipped++;	/* a header line */
			return SPOOR_OK;
		}
		s->st->records++;
		hdb_bad(s, no, "not a PDQ hash (64 hex digits)");
		return SPOOR_OK;
	}
	*started = true;
	s->st->records++;
	if (c1) {
		c2 = memchr(c1 + 1, ',', len - (size_t)(c1 + 1 - p));
		q = quality_of(c1 + 1, c2 ? (size_t)(c2 - c1 - 1)
				       : len - (size_t)(c1 + 1 - p));
		if (q >= 0)
			label = c2 ? c2 + 1 : NULL;
		else if (!c2)
			label = c1 + 1;
		else {
			hdb_bad(s, no, "PDQ quality is not 0..100");
			return SPOOR_OK;
		}
	}
	if (label && strlen(label) > 255) {
		hdb_bad(s, no, "PDQ label longer than 255 bytes");
		return SPOOR_OK;
	}
	if (!s->add_pdq)
		return spoor_err_set(err, SPOOR_EINTERNAL, 0, "no PDQ sink");
	if (s->add_pdq(s->ud, h, q, NULL, label && *label ? label : NULL,
		       NULL, err))
		return err ? err->code : SPOOR_EINTERNAL;
	s->st->pdq++;
	return SPOOR_OK;
}

static int import_lines(const char *path, enum spoor_hashdb_format fmt,
			struct hdb_sink *s, struct spoor_err *err)
{
	bool started = false;
	struct reader r;
	struct csv_cols cols = { { -1, -1, -1, -1 }, -1, 0 };
	bool have_cols = false;
	int rc = reader_open(&r, path, err), got = 0;
	char *line = NULL;
	size_t len = 0;
	bool toolong;

	while (!rc && (got = reader_line(&r, &line, &len, &toolong,
					 err)) > 0) {
		if (toolong) {
			s->st->records++;
			hdb_bad(s, r.lineno, "line longer than %d bytes",
				LINE_MAX_LEN);
			continue;
		}
		switch (fmt) {
		case SPOOR_HDB_FMT_HASHLIST:
			rc = hashlist_line(s, r.lineno, line, len, err);
			break;
		case SPOOR_HDB_FMT_PDQ:
			rc = pdq_line(s, r.lineno, line, len, &started, err);
			break;
		case SPOOR_HDB_FMT_NSRL_TXT:
			if (!have_cols) {
				if (header_cols(line, len, &cols)) {
					rc = spoor_err_set(err, SPOOR_EFORMAT,
						0, "'%s': no NSRLFile.txt "
						"header with SHA-1/MD5 "
						"columns", path);
					break;
				}
				have_cols = true;
				s->st->skipped++;
				break;
			}
			rc = csv_row(s, r.lineno, line, len, &cols, -1, err);
			break;
		case SPOOR_HDB_FMT_HASHDEEP:
			if (!strncmp(line, "%%%%", 4)) {
				/* "%%%% size,md5,sha256,filename" */
				char *p = line + 4;

				while (*p == ' ')
					p++;
				if (strncmp(p, "HASHDEEP", 8) &&
				    !header_cols(p, strlen(p), &cols))
					have_cols = true;
				s->st->skipped++;
				break;
			}
			if (!strncmp(line, "##", 2) || !len) {
				s->st->skipped++;
				break;
			}
			if (!have_cols) {
				rc = spoor_err_set(err, SPOOR_EFORMAT, 0,
						   "'%s': no hashdeep column "
						   "header", path);
				break;
			}
			rc = csv_row(s, r.lineno, line, len, &cols,
				     cols.name == cols.n - 1 ? cols.name : -1,
				     err);
			break;
		default:
			rc = spoor_err_set(err, SPOOR_EINTERNAL, 0, "format");
		}
	}
	if (!rc && got < 0)
		rc = got;
	if (!rc && fmt == SPOOR_HDB_FMT_NSRL_TXT && !have_cols)
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s' is empty",
				   path);
	if (!rc && fmt == SPOOR_HDB_FMT_HASHDEEP && !have_cols)
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s': no hashdeep "
				   "column header", path);
	if (!rc)
		return reader_close(&r, s->st->sha256, err);
	reader_close(&r, NULL, NULL);
	return rc;
}

/* ---- VICS JSON: a bounded, non-recursive streaming tokenizer ---- */

#define J_MAX_DEPTH 64
#define J_KEEP 1024	/* bytes of a string or number kept; rest counted */

enum jstate {
	J_VALUE,		/* a value must follow */
	J_VALUE_OR_END,		/* after '[' */
	J_KEY_OR_END,		/* after '{' */
	J_KEY,			/* after ',' in an object */
	J_COLON,
	J_COMMA_OR_END,
	J_DONE,
};

struct media {
	char hex[3][J_KEEP + 1];	/* md5, sha1, sha256 */
	size_t hexlen[3];
	char cat[256];
	bool has[3], has_cat;
	uint64_t line;
	char pdq[J_KEEP + 1];		/* PDQ hex */
	size_t pdqlen;
	int pdq_quality;		/* -1: not given */
	char photodna[J_KEEP + 1];
	bool has_pdq, has_photodna;
};

struct jp {
	struct reader *r;
	struct hdb_sink *s;
	char stack[J_MAX_DEPTH];	/* '{' or '[' */
	int depth;
	char tok[J_KEEP + 1];		/* the last string or number */
	size_t toklen;
	char key[J_KEEP + 1];		/* the last key at media depth */
	int media_depth;		/* 0 until known */
	bool in_values, saw_values, in_media;
	char root_key[16];		/* the key at depth 1 */
	struct media m;
	/*
	 * VICS 1.x: value[] holds cases and their media sit in a nested
	 * array, value[].Media[], two levels below the case object.
	 */
	bool in_nested, in_nmedia, had_nested;
	char nkey[J_KEEP + 1];		/* the last key of a nested media */
	struct media nm;
};

static int jerr(struct jp *j, struct spoor_err *err, const char *why)
{
	return spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s': not valid JSON "
			     "at line %llu: %s", j->r->path,
			     (unsigned long long)j->r->lineno + 1, why);
}

static int jgetc(struct jp *j, struct spoor_err *err)
{
	int c = reader_getc(j->r, err);

	if (c == '\n')
		j->r->lineno++;
	return c;
}

static void keep(struct jp *j, int c)
{
	if (j->toklen < J_KEEP)
		j->tok[j->toklen++] = (char)c;
}

/* Read a string after its opening quote into tok (first J_KEEP bytes). */
static int jstring(struct jp *j, struct spoor_err *err)
{
	j->toklen = 0;
	for (;;) {
		int c = jgetc(j, err);

		if (c == -2)
			return err ? err->code : SPOOR_EIO;
		if (c < 0)
			return jerr(j, err, "unterminated string");
		if (c == '"')
			break;
		if (c < 0x20)
			return jerr(j, err, "control character in a string");
		if (c != '\\') {
			keep(j, c);
			continue;
		}
		c = jgetc(j, err);
		switch (c) {
		case '"': case '\\': case '/': keep(j, c); break;
		case 'b': keep(j, '\b'); break;
		case 'f': keep(j, '\f'); break;
		case 'n': keep(j, '\n'); break;
		case 'r': keep(j, '\r'); break;
		case 't': keep(j, '\t'); break;
		case 'u': {
			unsigned v = 0;

			for (int i = 0; i < 4; i++) {
				int d = jgetc(j, err);

				if (d < 0 || xdigit((unsigned char)d) < 0)
					return jerr(j, err, "bad \\u escape");
				v = v << 4 | (unsigned)xdigit((unsigned char)d);
			}
			/* surrogates are kept as U+FFFD: no digest or
			 * category needs them */
			if (v >= 0xd800 && v <= 0xdfff)
				v = 0xfffd;
			if (!v) {
				keep(j, '?');
			} else if (v < 0x80) {
				keep(j, (int)v);
			} else if (v < 0x800) {
				keep(j, (int)(0xc0 | v >> 6));
				keep(j, (int)(0x80 | (v & 0x3f)));
			} else {
				keep(j, (int)(0xe0 | v >> 12));
				keep(j, (int)(0x80 | ((v >> 6) & 0x3f)));
				keep(j, (int)(0x80 | (v & 0x3f)));
			}
			break;
		}
		default:
			return jerr(j, err, "bad escape");
		}
	}
	j->tok[j->toklen] = '\0';
	return SPOOR_OK;
}

static bool media_key(const char *k, int *which)
{
	if (!strcasecmp(k, "MD5"))
		*which = 0;
	else if (!strcasecmp(k, "SHA1") || !strcasecmp(k, "SHA-1"))
		*which = 1;
	else if (!strcasecmp(k, "SHA256") || !strcasecmp(k, "SHA-256"))
		*which = 2;
	else if (!strcasecmp(k, "Category"))
		*which = 3;
	else if (!strcasecmp(k, "PDQ") || !strcasecmp(k, "PDQHash") ||
		 !strcasecmp(k, "PDQ_Hash"))
		*which = 4;
	else if (!strcasecmp(k, "PDQQuality") ||
		 !strcasecmp(k, "PDQ_Quality"))
		*which = 5;
	else if (!strcasecmp(k, "PhotoDNA"))
		*which = 6;
	else
		return false;
	return true;
}

/* A scalar value (kind 's' string, 'n' number, 'l' literal) in place. */
static void jscalar(struct jp *j, int kind)
{
	struct media *m = &j->m;
	const char *key = j->key;
	int which;

	if (j->in_nmedia && j->depth == j->media_depth + 2) {
		m = &j->nm;
		key = j->nkey;
	} else if (!j->in_media || j->depth != j->media_depth) {
		return;
	}
	if (!media_key(key, &which))
		return;
	if (which == 3) {
		if (kind == 'l')
			return;	/* null: no category */
		spoor_strlcpy(m->cat, j->tok, sizeof(m->cat));
		m->has_cat = m->cat[0] != '\0';
		return;
	}
	if (which == 5) {
		if (kind == 'n')
			m->pdq_quality = quality_of(j->tok, j->toklen);
		return;
	}
	if (kind != 's')
		return;
	if (which == 4) {
		memcpy(m->pdq, j->tok, j->toklen + 1);
		m->pdqlen = j->toklen;
		m->has_pdq = j->toklen > 0;
		return;
	}
	if (which == 6) {
		memcpy(m->photodna, j->tok, j->toklen + 1);
		m->has_photodna = j->toklen > 0;
		return;
	}
	memcpy(m->hex[which], j->tok, j->toklen + 1);
	m->hexlen[which] = j->toklen;
	m->has[which] = j->toklen > 0;
}

/* A media object ends: its digests go in.  container: a VICS 1.x case
 * whose media were nested (value[].Media[]): no record of its own
 * unless it carries digests itself. */
static int media_end(struct jp *j, const struct media *m, bool container,
		     struct spoor_err *err)
{
	static const unsigned algs[3] = { SPOOR_MD5, SPOOR_SHA1, SPOOR_SHA256 };
	struct hdb_sink *s = j->s;
	int n = 0;

	if (container && !m->has[0] && !m->has[1] && !m->has[2] &&
	    !m->has_pdq && !m->has_photodna)
		return SPOOR_OK;
	s->st->records++;
	for (int i = 0; i < 3; i++) {
		int rc;

		if (!m->has[i])
			continue;
		rc = add_hex(s, algs[i], m->hex[i], m->hexlen[i],
			     m->has_cat ? m->cat : NULL, err);
		if (rc < 0)
			return rc;
		if (rc > 0) {
			hdb_bad(s, m->line, "media object: bad %s digest",
				spoor_hash_name(algs[i]));
			return SPOOR_OK;
		}
		n++;
	}
	if (m->has_pdq) {
		unsigned char h[SPOOR_PDQ_BYTES];
		int rc;

		if (m->pdqlen != 2 * SPOOR_PDQ_BYTES ||
		    hdb_unhex(m->pdq, SPOOR_PDQ_BYTES, h) ||
		    (m->has_photodna && strlen(m->photodna) > 1024)) {
			hdb_bad(s, m->line, "media object: bad PDQ hash");
			return SPOOR_OK;
		}
		rc = s->add_pdq(s->ud, h, m->pdq_quality,
				m->has_cat ? m->cat : NULL, NULL,
				m->has_photodna ? m->photodna : NULL,
				err);
		if (rc)
			return rc;
		s->st->pdq++;
		s->st->photodna += m->has_photodna;
		n++;
	} else if (m->has_photodna) {
		s->st->photodna_dropped++;
	}
	if (!n)
		hdb_bad(s, m->line, "media object without MD5, SHA1, "
			"SHA256 or PDQ");
	return SPOOR_OK;
}

static int jopen(struct jp *j, int c, struct spoor_err *err)
{
	if (j->depth >= J_MAX_DEPTH)
		return jerr(j, err, "nested deeper than 64");
	j->stack[j->depth++] = (char)c;
	if (j->depth == 1) {
		/* a root array is the media array itself */
		j->media_depth = c == '[' ? 2 : 3;
		j->in_values = c == '[';
		j->saw_values |= c == '[';
	} else if (j->depth == 2 && c == '[' && j->stack[0] == '{' &&
		   !strcmp(j->root_key, "value")) {
		j->in_values = j->saw_values = true;
	} else if (c == '{' && j->in_values && j->depth == j->media_depth) {
		memset(&j->m, 0, sizeof(j->m));
		j->m.pdq_quality = -1;
		j->m.line = j->r->lineno + 1;
		j->in_media = true;
		j->had_nested = false;
		j->key[0] = '\0';
	} else if (c == '[' && j->in_media &&
		   j->depth == j->media_depth + 1 &&
		   !strcasecmp(j->key, "Media")) {
		j->in_nested = j->had_nested = true;	/* VICS 1.x */
	} else if (c == '{' && j->in_nested &&
		   j->depth == j->media_depth + 2) {
		memset(&j->nm, 0, sizeof(j->nm));
		j->nm.line = j->r->lineno + 1;
		j->nm.pdq_quality = -1;
		j->in_nmedia = true;
		j->nkey[0] = '\0';
	}
	return SPOOR_OK;
}

static int jclose(struct jp *j, int c, struct spoor_err *err)
{
	int rc = SPOOR_OK;

	if (!j->depth || j->stack[j->depth - 1] != (c == '}' ? '{' : '['))
		return jerr(j, err, "mismatched bracket");
	if (c == '}' && j->in_nmedia && j->depth == j->media_depth + 2) {
		j->in_nmedia = false;
		rc = media_end(j, &j->nm, false, err);
	}
	if (c == ']' && j->in_nested && j->depth == j->media_depth + 1)
		j->in_nested = false;
	if (c == '}' && j->in_media && j->depth == j->media_depth) {
		j->in_media = false;
		rc = media_end(j, &j->m, j->had_nested, err);
	}
	if (c == ']' && j->in_values && j->depth == j->media_depth - 1)
		j->in_values = false;
	j->depth--;
	return rc;
}

static int import_vics(const char *path, struct hdb_sink *s,
		       struct spoor_err *err)
{
	struct reader r;
	struct jp *j = calloc(1, sizeof(*j));
	enum jstate st = J_VALUE;
	int rc = j ? reader_open(&r, path, err)
		   : spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	int c;

	if (!j)
		return rc;
	j->r = &r;
	j->s = s;
	while (!rc) {
		c = jgetc(j, err);
		if (c == -2) {
			rc = err ? err->code : SPOOR_EIO;
			break;
		}
		if (c < 0)
			break;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == 0xef && st == J_VALUE && !j->depth &&
		    r.pos == 1 && r.lineno == 0) {
			/* a UTF-8 byte-order mark */
			if (jgetc(j, err) != 0xbb || jgetc(j, err) != 0xbf)
				rc = jerr(j, err, "unexpected byte");
			continue;
		}
		switch (st) {
		case J_DONE:
			rc = jerr(j, err, "data after the end");
			break;
		case J_COLON:
			if (c != ':')
				rc = jerr(j, err, "expected ':'");
			st = J_VALUE;
			break;
		case J_COMMA_OR_END:
			if (c == ',') {
				st = j->stack[j->depth - 1] == '{' ? J_KEY
								    : J_VALUE;
			} else if (c == '}' || c == ']') {
				rc = jclose(j, c, err);
				st = j->depth ? J_COMMA_OR_END : J_DONE;
			} else {
				rc = jerr(j, err, "expected ',' or a "
					  "closing bracket");
			}
			break;
		case J_KEY_OR_END:
		case J_KEY:
			if (c == '}' && st == J_KEY_OR_END) {
				rc = jclose(j, c, err);
				st = j->depth ? J_COMMA_OR_END : J_DONE;
				break;
			}
			if (c != '"') {
				rc = jerr(j, err, "expected a key");
				break;
			}
			rc = jstring(j, err);
			if (j->depth == 1)
				spoor_strlcpy(j->root_key, j->tok,
					      sizeof(j->root_key));
			if (j->in_media && j->depth == j->media_depth)
				memcpy(j->key, j->tok, j->toklen + 1);
			if (j->in_nmedia && j->depth == j->media_depth + 2)
				memcpy(j->nkey, j->tok, j->toklen + 1);
			st = J_COLON;
			break;
		case J_VALUE_OR_END:
		case J_VALUE:
			if (c == ']' && st == J_VALUE_OR_END) {
				rc = jclose(j, c, err);
				st = j->depth ? J_COMMA_OR_END : J_DONE;
				break;
			}
			if (c == '{' || c == '[') {
				rc = jopen(j, c, err);
				st = c == '{' ? J_KEY_OR_END : J_VALUE_OR_END;
				break;
			}
			if (c == '"') {
				rc = jstring(j, err);
				if (!rc)
					jscalar(j, 's');
			} else if (c == '-' || (c >= '0' && c <= '9')) {
				j->toklen = 0;
				keep(j, c);
				/* the number's other characters */
				while (r.pos < r.len || !r.eof) {
					int d = reader_getc(&r, err);

					if (d == -2) {
						rc = err ? err->code
							 : SPOOR_EIO;
						break;
					}
					if (d < 0)
						break;
					if (!strchr("0123456789+-.eE", d) ||
					    !d) {
						r.pos--;
						break;
					}
					keep(j, d);
				}
				j->tok[j->toklen] = '\0';
				if (!rc)
					jscalar(j, 'n');
			} else if (c == 't' || c == 'f' || c == 'n') {
				const char *lit = c == 't' ? "rue"
						  : c == 'f' ? "alse" : "ull";

				for (; *lit && !rc; lit++)
					if (jgetc(j, err) != *lit)
						rc = jerr(j, err,
							  "bad literal");
				if (!rc)
					jscalar(j, 'l');
			} else {
				rc = jerr(j, err, "unexpected character");
				break;
			}
			st = j->depth ? J_COMMA_OR_END : J_DONE;
			break;
		}
	}
	if (!rc && st != J_DONE)
		rc = jerr(j, err, "unexpected end of file");
	if (!rc && !j->saw_values)
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s': no 'value' "
				   "array of media: not VICS JSON", path);
	free(j);
	if (!rc)
		return reader_close(&r, s->st->sha256, err);
	reader_close(&r, NULL, NULL);
	return rc;
}

/* ---- NSRL RDS v3 (SQLite) ---- */

static char *sqlite_uri(const char *path)
{
	size_t n = strlen(path);
	char *u = malloc(3 * n + 32), *p = u;

	if (!u)
		return NULL;
	/* "file:///abs" or "file:rel": "file://x" would name a host */
	p += snprintf(p, 8, "%s", path[0] == '/' ? "file://" : "file:");
	for (const unsigned char *s = (const unsigned char *)path; *s; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("/._~-", *s)) {
			*p++ = (char)*s;
		} else {
			snprintf(p, 4, "%%%02X", *s);
			p += 3;
		}
	}
	/* immutable: SQLite takes no locks and writes nothing (no -wal,
	 * -shm or journal files next to the input) */
	memcpy(p, "?mode=ro&immutable=1", 21);
	return u;
}

static int file_sha256(const char *path, unsigned char out[32],
		       struct spoor_err *err)
{
	struct reader r;
	int rc = reader_open(&r, path, err);

	while (!rc && !r.eof)
		rc = reader_fill(&r, err);
	if (rc) {
		reader_close(&r, NULL, NULL);
		return rc;
	}
	return reader_close(&r, out, err);
}

static int import_rds(const char *path, struct hdb_sink *s,
		      struct spoor_err *err)
{
	static const unsigned algs[3] = { SPOOR_SHA256, SPOOR_SHA1, SPOOR_MD5 };
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	char *uri = sqlite_uri(path);
	uint64_t row = 0;
	int rc = SPOOR_OK, src;

	if (!uri)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	src = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY |
			      SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
	free(uri);
	if (src != SQLITE_OK) {
		rc = spoor_err_set(err, SPOOR_EIO, 0, "cannot open '%s': %s",
				   path, db ? sqlite3_errmsg(db) : "sqlite");
		goto out;
	}
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
	/* FILE must be a real table: a view or trigger from a hostile
	 * database would run SQL of its author's choosing */
	src = sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master "
				 "WHERE type = 'table' AND name = 'FILE'", -1,
				 &q, NULL);
	if (src != SQLITE_OK || sqlite3_step(q) != SQLITE_ROW) {
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s' is not a "
				   "readable SQLite database: %s", path,
				   sqlite3_errmsg(db));
		goto out;
	}
	if (sqlite3_column_int(q, 0) != 1) {
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s' is not an NSRL "
				   "RDS v3 database: no FILE table", path);
		goto out;
	}
	sqlite3_finalize(q);
	q = NULL;
	src = sqlite3_prepare_v2(db, "SELECT sha256, sha1, md5 FROM FILE",
				 -1, &q, NULL);
	if (src != SQLITE_OK) {
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s': the FILE "
				   "table is not RDS v3: %s", path,
				   sqlite3_errmsg(db));
		goto out;
	}
	while ((src = sqlite3_step(q)) == SQLITE_ROW) {
		int n = 0, bad_col = -1;

		row++;
		s->st->records++;
		for (int i = 0; i < 3 && !rc; i++) {
			const char *hex =
				(const char *)sqlite3_column_text(q, i);
			int len = sqlite3_column_bytes(q, i);
			int r;

			if (!hex || !len)
				continue;
			r = add_hex(s, algs[i], hex, (size_t)len, NULL, err);
			if (r < 0)
				rc = r;
			else if (r > 0 && bad_col < 0)
				bad_col = i;
			else if (!r)
				n++;
		}
		if (rc)
			break;
		if (bad_col >= 0)
			hdb_bad(s, row, "FILE row: bad %s digest",
				spoor_hash_name(algs[bad_col]));
		else if (!n)
			hdb_bad(s, row, "FILE row without a digest");
	}
	if (!rc && src != SQLITE_DONE)
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "'%s': cannot read "
				   "the FILE table: %s", path,
				   sqlite3_errmsg(db));
out:
	sqlite3_finalize(q);
	sqlite3_close(db);
	if (!rc)
		rc = file_sha256(path, s->st->sha256, err);
	return rc;
}

int hdb_import(const char *path, enum spoor_hashdb_format fmt,
	       struct hdb_sink *s, struct spoor_err *err)
{
	switch (fmt) {
	case SPOOR_HDB_FMT_RDS:
		return import_rds(path, s, err);
	case SPOOR_HDB_FMT_VICS:
		return import_vics(path, s, err);
	case SPOOR_HDB_FMT_NSRL_TXT:
	case SPOOR_HDB_FMT_HASHDEEP:
	case SPOOR_HDB_FMT_HASHLIST:
	case SPOOR_HDB_FMT_PDQ:
		return import_lines(path, fmt, s, err);
	default:
		return spoor_err_set(err, SPOOR_EINVAL, 0, "cannot import "
				     "format '%s'",
				     spoor_hashdb_format_name(fmt));
	}
}
