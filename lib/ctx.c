/*
 * ctx.c: the library context (log sink).
 */
#include "internal.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "banned.h"

struct spoor_ctx {
	spoor_log_fn *log;
	void *userdata;
	enum spoor_log_level max_level;
	pthread_mutex_t lock;	/* serialises calls into the sink */
};

struct spoor_ctx *spoor_ctx_new(void)
{
	struct spoor_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return NULL;
	ctx->max_level = SPOOR_LOG_WARN;
	pthread_mutex_init(&ctx->lock, NULL);
	return ctx;
}

void spoor_ctx_free(struct spoor_ctx *ctx)
{
	if (!ctx)
		return;
	pthread_mutex_destroy(&ctx->lock);
	free(ctx);
}

void spoor_ctx_set_log(struct spoor_ctx *ctx, spoor_log_fn *fn,
		       void *userdata, enum spoor_log_level max_level)
{
	ctx->log = fn;
	ctx->userdata = userdata;
	ctx->max_level = max_level;
}

void spoor_log(struct spoor_ctx *ctx, enum spoor_log_level level,
	       const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!ctx || !ctx->log || level > ctx->max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&ctx->lock);
	ctx->log(ctx->userdata, level, msg);
	pthread_mutex_unlock(&ctx->lock);
}

void spoor_log_err(struct spoor_ctx *ctx, enum spoor_log_level level,
		   const struct spoor_err *err)
{
	spoor_log(ctx, level, "%s", err->msg[0] ? err->msg
						: spoor_strerror(err->code));
}

const char *spoor_version(void)
{
	return SPOOR_VERSION_STRING;
}
