/*
 * writer.h: pieces shared by the writers (writer.c, dfxml.c).  Internal.
 */
#ifndef SPOOR_WRITER_H
#define SPOOR_WRITER_H

#include "internal.h"

enum wr_ctrl {
	WR_CTRL_KEEP,	/* control bytes are kept (the format escapes them) */
	WR_CTRL_XML,	/* control bytes XML 1.0 forbids become U+FFFD */
	WR_CTRL_CARET,	/* control bytes and '|' become '^' (bodyfile) */
};

/* Append p[0..n) as UTF-8: bad bytes become U+FFFD, control bytes as
 * `ctrl` says.  Returns true when nothing was replaced. */
bool wr_sanitize(struct sbuf *out, const char *p, size_t n,
		 enum wr_ctrl ctrl);
/* Append the lower-case hex of p[0..n). */
void wr_hex(struct sbuf *out, const char *p, size_t n);
/* Append r as one JSON object (no newline). */
void wr_json_record(struct sbuf *b, const struct spoor_record *r);
/* Append p[0..n) as one quoted JSON string (bad UTF-8 as U+FFFD). */
void wr_json_string(struct sbuf *b, const char *p, size_t n);

struct dfxml;
struct dfxml *dfxml_new(FILE *out, const struct spoor_writer_info *info,
			struct spoor_err *err);
int dfxml_write(struct dfxml *d, const struct spoor_record *r,
		struct spoor_err *err);
int dfxml_finish(struct dfxml *d, struct spoor_err *err);
void dfxml_free(struct dfxml *d);

#endif
