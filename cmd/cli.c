/*
 * cli.c: messages, exit codes, output files and the progress bar shared
 * by the tools.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/banned.h"

static const char *progname = "spoor";
static const char *synopsis_text = "";
static int verbosity;	/* -1 quiet, 0 normal, 1 verbose, 2 debug */

void cli_init(const char *name)
{
	const char *slash = strrchr(name, '/');

	progname = slash ? slash + 1 : name;
}

const char *cli_progname(void)
{
	return progname;
}

void cli_set_verbosity(int v)
{
	verbosity = v;
}

int cli_verbosity(void)
{
	return verbosity;
}

static void vmsg(const char *kind, const char *fmt, va_list ap)
{
	char buf[2048];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	fflush(stdout);
	if (kind)
		fprintf(stderr, "%s: %s: %s\n", progname, kind, buf);
	else
		fprintf(stderr, "%s: %s\n", progname, buf);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error", fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	if (verbosity < 0)
		return;
	va_start(ap, fmt);
	vmsg("warning", fmt, ap);
	va_end(ap);
}

void cli_info(const char *fmt, ...)
{
	va_list ap;

	if (verbosity < 1)
		return;
	va_start(ap, fmt);
	vmsg(NULL, fmt, ap);
	va_end(ap);
}

void cli_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error", fmt, ap);
	va_end(ap);
	exit(code);
}

void cli_log(void *userdata, enum spoor_log_level level, const char *msg)
{
	(void)userdata;
	switch (level) {
	case SPOOR_LOG_ERROR: cli_error("%s", msg); break;
	case SPOOR_LOG_WARN: cli_warn("%s", msg); break;
	case SPOOR_LOG_INFO: cli_info("%s", msg); break;
	case SPOOR_LOG_DEBUG:
		if (verbosity >= 2)
			fprintf(stderr, "%s: debug: %s\n", progname, msg);
		break;
	}
}

struct spoor_ctx *cli_ctx_new(void)
{
	struct spoor_ctx *ctx = spoor_ctx_new();

	if (!ctx)
		cli_die(EXIT_PARTIAL, "out of memory");
	spoor_ctx_set_log(ctx, cli_log, NULL,
			  verbosity >= 2 ? SPOOR_LOG_DEBUG
			  : verbosity == 1 ? SPOOR_LOG_INFO
			  : verbosity < 0 ? SPOOR_LOG_ERROR : SPOOR_LOG_WARN);
	return ctx;
}

void cli_set_synopsis(const char *synopsis)
{
	synopsis_text = synopsis;
}

void cli_usage_error(const char *fmt, const char *arg)
{
	if (fmt)
		cli_error(fmt, arg);
	fputs(synopsis_text, stderr);
	exit(EXIT_USAGE);
}

void cli_version(void)
{
	printf("%s %s (libspoor %s)\n", progname, SPOOR_VERSION_STRING,
	       spoor_version());
	cli_close_stdout();
	exit(EXIT_OK);
}

int cli_exit_for(int code)
{
	switch (code) {
	case SPOOR_OK: return EXIT_OK;
	case SPOOR_EINVAL: return EXIT_USAGE;
	case SPOOR_EOUTPUT: return EXIT_OUTPUT;
	case SPOOR_EIO:
	case SPOOR_EFORMAT:
	case SPOOR_EAMBIGUOUS:
	case SPOOR_ENOTFOUND:
	case SPOOR_EUNSUPPORTED:
	case SPOOR_ELIMIT:
		return EXIT_INPUT;
	default:
		return EXIT_PARTIAL;
	}
}

void cli_close_stdout(void)
{
	int prev = ferror(stdout);

	if (fclose(stdout) != 0 || prev) {
		if (errno == EBADF && !prev)
			return;
		cli_error("write error on standard output: %s",
			  strerror(errno ? errno : EIO));
		_exit(EXIT_OUTPUT);
	}
}

static char *out_path;
static char *out_tmp;

FILE *cli_output_open(const char *path)
{
	struct stat st;
	FILE *f;
	size_t n;

	if (!path || !strcmp(path, "-"))
		return stdout;
	if (!stat(path, &st) && !S_ISREG(st.st_mode)) {
		/* a device or a fifo (-o /dev/null): written in place; a
		 * rename over it would replace the device with a file */
		f = fopen(path, "w");
		if (!f)
			cli_die(EXIT_OUTPUT, "cannot open '%s': %s", path,
				strerror(errno));
		return f;
	}
	n = strlen(path) + 5;
	out_path = strdup(path);
	out_tmp = malloc(n);
	if (!out_path || !out_tmp)
		cli_die(EXIT_OUTPUT, "out of memory");
	snprintf(out_tmp, n, "%s.tmp", path);
	f = fopen(out_tmp, "wx");
	if (!f && errno == EEXIST) {
		/* a leftover of a killed run: ours to replace */
		unlink(out_tmp);
		f = fopen(out_tmp, "wx");
	}
	if (!f)
		cli_die(EXIT_OUTPUT, "cannot create '%s': %s", out_tmp,
			strerror(errno));
	return f;
}

int cli_output_commit(FILE *f, bool ok)
{
	int rc = 0;

	if (f == stdout)
		return 0;
	if (!out_tmp) {		/* a device, written in place */
		if (fclose(f)) {
			cli_error("write error: %s", strerror(errno));
			return -1;
		}
		return 0;
	}
	if (fflush(f) || ferror(f) || fsync(fileno(f))) {
		cli_error("cannot write '%s': %s", out_tmp, strerror(errno));
		ok = false;
		rc = -1;
	}
	if (fclose(f)) {
		cli_error("cannot write '%s': %s", out_tmp, strerror(errno));
		ok = false;
		rc = -1;
	}
	if (ok && rename(out_tmp, out_path)) {
		cli_error("cannot rename '%s' to '%s': %s", out_tmp,
			  out_path, strerror(errno));
		rc = -1;
		ok = false;
	}
	if (!ok)
		unlink(out_tmp);
	free(out_path);
	free(out_tmp);
	out_path = out_tmp = NULL;
	return rc;
}

int cli_parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int cli_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (*s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	default: return -1;
	}
	if (*end == 'i' || *end == 'I')
		end++;
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end || (shift && v > (~0ULL >> shift)))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

const char *cli_human_bytes(uint64_t n, char *buf, size_t size)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB",
					     "TiB", "PiB" };
	double v = (double)n;
	size_t u = 0;

	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%llu B", (unsigned long long)n);
	else
		snprintf(buf, size, "%.1f %s", v, units[u]);
	return buf;
}

char *cli_command_line(int argc, char **argv)
{
	size_t cap = 1;
	char *s, *p;

	for (int i = 0; i < argc; i++)
		cap += strlen(argv[i]) * 4 + 3;
	s = malloc(cap);
	if (!s)
		return NULL;
	p = s;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		bool plain = *a != '\0';

		for (const char *q = a; *q && plain; q++)
			if (!strchr("abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789-_./=,:+@%", *q))
				plain = false;
		if (i)
			*p++ = ' ';
		if (plain) {
			size_t n = strlen(a);
			memcpy(p, a, n);
			p += n;
			continue;
		}
		*p++ = '\'';
		for (; *a; a++) {
			if (*a == '\'') {
				memcpy(p, "'\\''", 4);
				p += 4;
			} else {
				*p++ = *a;
			}
		}
		*p++ = '\'';
	}
	*p = '\0';
	return s;
}

double cli_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void cli_progress_init(struct cli_progress *p, int mode)
{
	memset(p, 0, sizeof(*p));
	p->enabled = mode < 0 ? isatty(STDERR_FILENO) : mode;
	p->start = p->last_t = cli_now();
}

void cli_progress_update(struct cli_progress *p,
			 const struct spoor_progress *sp)
{
	char done[32], total[32], rate[32], eta[32] = "";
	double t = cli_now(), dt = t - p->last_t;

	if (!p->enabled)
		return;
	if (dt > 0.05) {
		double r = (double)(sp->bytes - p->last_bytes) / dt;
		p->rate = p->rate ? 0.8 * p->rate + 0.2 * r : r;
		p->last_bytes = sp->bytes;
		p->last_t = t;
	}
	cli_human_bytes(sp->bytes, done, sizeof(done));
	cli_human_bytes((uint64_t)p->rate, rate, sizeof(rate));
	if (sp->total_bytes && p->rate > 0 && sp->total_bytes > sp->bytes) {
		double left = (double)(sp->total_bytes - sp->bytes) / p->rate;
		snprintf(eta, sizeof(eta), " ETA %02d:%02d:%02d",
			 (int)(left / 3600), (int)(left / 60) % 60,
			 (int)left % 60);
	}
	if (sp->total_files) {
		cli_human_bytes(sp->total_bytes, total, sizeof(total));
		fprintf(stderr, "\r\033[K%s: %llu/%llu files, %s/%s, %s/s%s",
			progname, (unsigned long long)sp->files,
			(unsigned long long)sp->total_files, done, total,
			rate, eta);
	} else {
		fprintf(stderr, "\r\033[K%s: %llu files, %s, %s/s", progname,
			(unsigned long long)sp->files, done, rate);
	}
	p->drawn = true;
}

void cli_progress_clear(struct cli_progress *p)
{
	if (p->enabled && p->drawn)
		fputs("\r\033[K", stderr);
	p->drawn = false;
}
