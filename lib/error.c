/*
 * error.c: error codes and messages.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "banned.h"

const char *spoor_strerror(int code)
{
	switch (code) {
	case SPOOR_OK: return "success";
	case SPOOR_ENOMEM: return "out of memory";
	case SPOOR_EINVAL: return "invalid argument";
	case SPOOR_EIO: return "input unreadable";
	case SPOOR_EFORMAT: return "malformed or unrecognised input";
	case SPOOR_EAMBIGUOUS: return "ambiguous input";
	case SPOOR_EOUTPUT: return "output failed";
	case SPOOR_ELIMIT: return "limit reached";
	case SPOOR_ENOTFOUND: return "not found";
	case SPOOR_EUNSUPPORTED: return "not supported";
	case SPOOR_ESTOPPED: return "stopped";
	case SPOOR_EINTERNAL: return "internal error";
	}
	return "unknown error";
}

void spoor_err_clear(struct spoor_err *err)
{
	if (!err)
		return;
	err->code = SPOOR_OK;
	err->sys_errno = 0;
	err->msg[0] = '\0';
}

int spoor_err_set(struct spoor_err *err, int code, int sys_errno,
		  const char *fmt, ...)
{
	va_list ap;
	size_t len;

	if (!err)
		return code;
	err->code = code;
	err->sys_errno = sys_errno;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	if (sys_errno && len + 3 < sizeof(err->msg))
		snprintf(err->msg + len, sizeof(err->msg) - len, ": %s",
			 strerror(sys_errno));
	return code;
}

size_t spoor_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

int spoor_ends_with_ci(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcasecmp(s + ls - lx, suffix) == 0;
}

void spoor_extension(const char *name, char *out, size_t size)
{
	const char *dot = strrchr(name, '.');
	size_t i, n;

	out[0] = '\0';
	/* "name.", ".profile" and names inside a stream suffix have none */
	if (!dot || dot == name || !dot[1] || strchr(dot, '/'))
		return;
	n = strlen(dot + 1);
	if (n >= size)
		return;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)dot[1 + i];
		out[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (char)c;
	}
	out[n] = '\0';
}
