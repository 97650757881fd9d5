/*
 * jsonutil.h: JSON values of app databases (a message's JSON column,
 * a kv-store's JSON blob), read with json-c, bounded: at most
 * PJ_MAX_BYTES of text and PJ_MAX_DEPTH of nesting; lookups by a path
 * of keys and indexes ("media.image_versions2.candidates.0.url").
 * Header-only, for the plugins that link json-c (PLUGIN_PKGS).
 */
#ifndef SPOOR_JSONUTIL_H
#define SPOOR_JSONUTIL_H

#include <json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PJ_MAX_BYTES ((size_t)16 << 20)
#define PJ_MAX_DEPTH 32

/* A parsed value (release with json_object_put), or NULL when the text
 * is no JSON, too deep or too long. */
static inline json_object *pj_parse(const char *p, size_t len)
{
	struct json_tokener *tok;
	json_object *o;

	if (!p || !len || len > PJ_MAX_BYTES || len > INT32_MAX)
		return NULL;
	tok = json_tokener_new_ex(PJ_MAX_DEPTH);
	if (!tok)
		return NULL;
	o = json_tokener_parse_ex(tok, p, (int)len);
	if (o && (json_tokener_get_error(tok) != json_tokener_success ||
		  json_tokener_get_parse_end(tok) < len)) {
		/* trailing bytes: take the value only when they are blank */
		for (size_t i = json_tokener_get_parse_end(tok); i < len; i++)
			if (p[i] != ' ' && p[i] != '\n' && p[i] != '\r' &&
			    p[i] != '\t' && p[i] != '\0') {
				json_object_put(o);
				o = NULL;
				break;
			}
	}
	json_tokener_free(tok);
	return o;
}

/* The value at a dotted path of keys and array indexes, or NULL. */
static inline json_object *pj_at(json_object *o, const char *path)
{
	char key[128];

	while (o && path && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		json_object *v = NULL;

		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		if (json_object_is_type(o, json_type_object)) {
			if (!json_object_object_get_ex(o, key, &v))
				return NULL;
		} else if (json_object_is_type(o, json_type_array) &&
			   key[0] >= '0' && key[0] <= '9') {
			size_t i = strtoul(key, NULL, 10);

			if (i >= json_object_array_length(o))
				return NULL;
			v = json_object_array_get_idx(o, i);
		} else {
			return NULL;
		}
		o = v;
		path = dot ? dot + 1 : NULL;
	}
	return o;
}

/* A string at path (numbers are given as their text), or NULL. */
static inline const char *pj_str(json_object *o, const char *path,
				 size_t *len)
{
	json_object *v = pj_at(o, path);
	const char *s;

	if (!v || json_object_is_type(v, json_type_object) ||
	    json_object_is_type(v, json_type_array) ||
	    json_object_is_type(v, json_type_null))
		return NULL;
	s = json_object_get_string(v);
	if (len)
		*len = s ? (size_t)json_object_get_string_len(v) : 0;
	return s;
}

/* An integer at path (a JSON number or a string of digits). */
static inline bool pj_int(json_object *o, const char *path, int64_t *out)
{
	json_object *v = pj_at(o, path);
	const char *s;
	char *end;

	if (!v)
		return false;
	if (json_object_is_type(v, json_type_int)) {
		*out = json_object_get_int64(v);
		return true;
	}
	if (!json_object_is_type(v, json_type_string))
		return false;
	s = json_object_get_string(v);
	if (!s || !*s)
		return false;
	*out = strtoll(s, &end, 10);
	return !*end;
}

static inline bool pj_bool(json_object *o, const char *path, bool *out)
{
	json_object *v = pj_at(o, path);

	if (!v || !json_object_is_type(v, json_type_boolean))
		return false;
	*out = json_object_get_boolean(v);
	return true;
}

#endif
