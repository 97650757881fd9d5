/*
 * xhtml.h: HTML exports for the data-download plugins, header-only:
 * libxml2's HTML parser on a bounded buffer, without network, error
 * output or entity loading, and small helpers on its tree (text of an
 * element, class tokens, attributes, line numbers).  Every walk is
 * bounded in depth.
 */
#ifndef SPOOR_XHTML_H
#define SPOOR_XHTML_H

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "plugutil.h"

#define XH_DEPTH 256		/* elements nested, for every walk */

/* Parse (buf, len) as UTF-8 HTML; NULL when libxml2 gives no tree. */
static inline htmlDocPtr xh_parse(const char *buf, size_t len)
{
	if (len > (size_t)INT32_MAX)
		return NULL;
	return htmlReadMemory(buf, (int)len, NULL, "UTF-8",
			      HTML_PARSE_NONET | HTML_PARSE_NOERROR |
			      HTML_PARSE_NOWARNING | HTML_PARSE_COMPACT);
}

static inline bool xh_is(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->name &&
		!xmlStrcasecmp(n->name, (const xmlChar *)name);
}

/* An attribute's value (libxml2's copy, freed with xmlFree), or NULL. */
static inline char *xh_attr(const xmlNode *n, const char *name)
{
	return (char *)xmlGetProp(n, (const xmlChar *)name);
}

/* Whether the class attribute of n holds the token. */
static inline bool xh_class(const xmlNode *n, const char *token)
{
	char *c = n && n->type == XML_ELEMENT_NODE ? xh_attr(n, "class")
		: NULL;
	size_t tl = strlen(token);
	bool yes = false;

	for (const char *p = c; p && *p && !yes; ) {
		size_t l;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		l = strcspn(p, " \t\n");
		yes = l == tl && !memcmp(p, token, tl);
		p += l;
	}
	xmlFree(c);
	return yes;
}

static inline void xh_text_r(const xmlNode *n, struct pu_buf *b, int depth)
{
	for (; n && !b->full; n = n->next) {
		if (n->type == XML_TEXT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE) {
			if (n->content)
				pu_buf_add(b, (const char *)n->content,
					   strlen((const char *)n->content));
		} else if (n->type == XML_ELEMENT_NODE) {
			if (xh_is(n, "br"))
				pu_buf_add(b, "\n", 1);
			else if (depth < XH_DEPTH && !xh_is(n, "script") &&
				 !xh_is(n, "style"))
				xh_text_r(n->children, b, depth + 1);
		}
	}
}

/* The text of n's content, white space at both ends trimmed, into b
 * (bounded by b->max; b->full says it was cut). */
static inline void xh_text(const xmlNode *n, struct pu_buf *b)
{
	size_t s = 0;

	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
	if (!n)
		return;
	xh_text_r(n->children, b, 0);
	if (!b->p)
		return;
	while (b->len && strchr(" \t\r\n", b->p[b->len - 1]))
		b->p[--b->len] = '\0';
	while (s < b->len && strchr(" \t\r\n", b->p[s]))
		s++;
	if (s) {
		memmove(b->p, b->p + s, b->len - s + 1);
		b->len -= s;
	}
}

/* The first element child of n, or the next element sibling. */
static inline xmlNode *xh_first(const xmlNode *n)
{
	xmlNode *c = n ? n->children : NULL;

	while (c && c->type != XML_ELEMENT_NODE)
		c = c->next;
	return c;
}

static inline xmlNode *xh_next(const xmlNode *n)
{
	xmlNode *c = n ? n->next : NULL;

	while (c && c->type != XML_ELEMENT_NODE)
		c = c->next;
	return c;
}

static inline size_t xh_nchildren(const xmlNode *n)
{
	size_t k = 0;

	for (xmlNode *c = xh_first(n); c; c = xh_next(c))
		k++;
	return k;
}

static inline int64_t xh_line(const xmlNode *n)
{
	long l = n ? xmlGetLineNo(n) : -1;

	return l > 0 ? (int64_t)l : -1;
}

/*
 * Pre-order walk of the elements below n (n too), at most XH_DEPTH deep:
 * fn returns 0 to go on, 1 to skip the element's children, -1 to stop.
 */
static inline int xh_walk(xmlNode *n, int (*fn)(void *ctx, xmlNode *e),
			  void *ctx, int depth)
{
	for (; n; n = n->next) {
		int r;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		r = fn(ctx, n);
		if (r < 0)
			return -1;
		if (!r && depth < XH_DEPTH &&
		    xh_walk(n->children, fn, ctx, depth + 1) < 0)
			return -1;
	}
	return 0;
}

#endif
