/*
 * cli.c: messages, exit codes, output files and the progress bar shared
 * by the tools.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/ui.h>

#include "../lib/banned.h"

static const char *progname = "spoor";
static const char *synopsis_text = "";
static int verbosity;	/* -1 quiet, 0 normal, 1 verbose, 2 debug */

/* -o FILE: written as FILE.tmp, renamed into place when complete */
static struct spoor_atomic out_file = { .fd = -1 };

/* ---- SIGINT and SIGTERM ---- */

static volatile sig_atomic_t interrupted;
static void (*interrupt_hook)(void);

/* The end of an interrupted tool, from a signal handler: only
 * async-signal-safe calls.  The -o temp file goes; nothing else of the
 * run carries a final name. */
static _Noreturn void die_interrupted(const char *why)
{
	size_t n = strlen(progname);

	if (out_file.tmp)
		unlink(out_file.tmp);
	if (write(STDERR_FILENO, progname, n) < 0 ||
	    write(STDERR_FILENO, ": error: ", 9) < 0 ||
	    write(STDERR_FILENO, why, strlen(why)) < 0)
		_exit(EXIT_INTERRUPTED);
	_exit(EXIT_INTERRUPTED);
}

static void on_watchdog(int sig)
{
	(void)sig;
	die_interrupted("interrupted (stopped by force: the tool did not "
			"end within a second)\n");
}

static void on_stop_signal(int sig)
{
	struct itimerval it = { { 0, 0 }, { 0, 800000 } };

	if (interrupted || !interrupt_hook)
		die_interrupted("interrupted\n");
	interrupted = sig;
	/* the tool ends itself, recording the interruption; should it
	 * not within 0.8 s, the watchdog ends it */
	setitimer(ITIMER_REAL, &it, NULL);
	interrupt_hook();
}

static void set_handler(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);	/* no SA_RESTART: a blocked read
					 * returns EINTR */
}

void cli_on_interrupt(void (*hook)(void))
{
	interrupt_hook = hook;
}

bool cli_interrupted(void)
{
	return interrupted != 0;
}

const char *cli_interrupt_name(void)
{
	return interrupted == SIGTERM ? "interrupted by SIGTERM"
		: interrupted == SIGINT ? "interrupted by SIGINT"
		: "interrupted";
}

void cli_init(const char *name)
{
	const char *slash = strrchr(name, '/');

	progname = slash ? slash + 1 : name;
	set_handler(SIGINT, on_stop_signal);
	set_handler(SIGTERM, on_stop_signal);
	set_handler(SIGALRM, on_watchdog);
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

/* A message line on stderr: control bytes (evidence names can hold ESC
 * sequences that would drive the analyst's terminal) are written as
 * \xHH. */
static void put_line(const char *kind, const char *msg)
{
	fprintf(stderr, "%s: ", progname);
	if (kind)
		fprintf(stderr, "%s: ", kind);
	for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(stderr, "\\x%02x", *p);
		else
			putc(*p, stderr);
	}
	putc('\n', stderr);
}

static void vmsg(const char *kind, const char *fmt, va_list ap)
{
	char buf[2048];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	fflush(stdout);
	put_line(kind, buf);
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
	/* a half-written -o file never stays behind */
	if (out_file.tmp)
		unlink(out_file.tmp);
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
			put_line("debug", msg);
		break;
	}
}

struct spoor_ctx *cli_ctx_new(void)
{
	struct spoor_ctx *ctx;

	/* libtsk reads FAT and ISO 9660 wall clocks with mktime() in the
	 * process's zone; in UTC that is the wall clock itself, which the
	 * library then reads in the zone the analyst gives (--fs-tz).  No
	 * tool output may depend on the shell's TZ. */
	setenv("TZ", "UTC", 1);
	tzset();
	ctx = spoor_ctx_new();

	if (!ctx)
		cli_die(EXIT_OUTPUT, "out of memory");
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

struct spoor_tz *cli_tz_arg(const char *option, const char *value)
{
	struct spoor_tz *tz;
	struct spoor_err err;
	char msg[SPOOR_ERR_MSG_MAX + 64];

	if (spoor_tz_new(value, &tz, &err)) {
		snprintf(msg, sizeof(msg), "%s: %s", option, err.msg);
		cli_usage_error("%s", msg);
	}
	return tz;
}

void cli_version(void)
{
	printf("%s %s (libspoor %s)\n", progname, SPOOR_VERSION_STRING,
	       spoor_version());
	cli_close_stdout();
	exit(EXIT_OK);
}

/*
 * The one mapping from a library error to an exit code.  ENOMEM and a
 * bug (EINTERNAL) mean the run could not produce its output: 4, never 5,
 * which promises a finished run.  ESTOPPED is a stop on request, which
 * in the tools is an interruption.
 */
int cli_exit_for(int code)
{
	switch (code) {
	case SPOOR_OK: return EXIT_OK;
	case SPOOR_EINVAL: return EXIT_USAGE;
	case SPOOR_EIO:
	case SPOOR_EFORMAT:
	case SPOOR_EAMBIGUOUS:
	case SPOOR_ENOTFOUND:
	case SPOOR_EUNSUPPORTED:
	case SPOOR_ELIMIT:
		return EXIT_INPUT;
	case SPOOR_ESTOPPED:
		return EXIT_INTERRUPTED;
	case SPOOR_EOUTPUT:
	case SPOOR_ENOMEM:
	case SPOOR_EINTERNAL:
	default:
		return EXIT_OUTPUT;
	}
}

int cli_exit_named(int code)
{
	if (code == SPOOR_ENOTFOUND || code == SPOOR_EINVAL)
		return EXIT_USAGE;
	return cli_exit_for(code);
}

/* How much an exit code weighs when a run has several outcomes. */
static int exit_rank(int code)
{
	switch (code) {
	case EXIT_OK: return 0;
	case EXIT_PARTIAL: return 1;
	case EXIT_INPUT: return 2;
	case EXIT_NO: return 3;
	case EXIT_OUTPUT: return 4;
	case EXIT_USAGE: return 5;
	case EXIT_INTERRUPTED: return 6;
	default: return 4;	/* unknown: as bad as a failed output */
	}
}

int cli_exit_merge(int a, int b)
{
	return exit_rank(b) > exit_rank(a) ? b : a;
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

FILE *cli_output_open(const char *path)
{
	struct spoor_err err;
	struct stat st;
	FILE *f;
	int fd;

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
	if (spoor_atomic_open(&out_file, AT_FDCWD, path, 0666, &err))
		cli_die(cli_exit_for(err.code), "%s", err.msg);
	/* the FILE gets a copy of the fd: fclose closes the copy, the
	 * commit syncs and closes the original */
	fd = dup(out_file.fd);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		spoor_atomic_abort(&out_file);
		cli_die(EXIT_OUTPUT, "cannot open '%s': %s", path,
			strerror(e));
	}
	return f;
}

int cli_output_commit(FILE *f, bool ok)
{
	struct spoor_err err;
	int rc = 0;

	if (f == stdout)
		return 0;
	if (!out_file.tmp) {	/* a device, written in place */
		if (fclose(f)) {
			cli_error("write error: %s", strerror(errno));
			return -1;
		}
		return 0;
	}
	if (fflush(f) || ferror(f)) {
		cli_error("cannot write '%s': %s", out_file.tmp,
			  strerror(errno ? errno : EIO));
		ok = false;
		rc = -1;
	}
	if (fclose(f)) {
		cli_error("cannot write '%s': %s", out_file.tmp,
			  strerror(errno));
		ok = false;
		rc = -1;
	}
	if (!ok) {
		spoor_atomic_abort(&out_file);
		return rc;
	}
	if (spoor_atomic_commit(&out_file, &err)) {
		cli_error("%s", err.msg);
		return -1;
	}
	return 0;
}

bool cli_optarg_long(char *const *argv)
{
	int i = optind - 1;

	if (i >= 1 && argv[i] != optarg)	/* -oARG, --name=ARG */
		return !strncmp(argv[i], "--", 2);
	return i >= 2 && !strncmp(argv[i - 1], "--", 2);
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

/* ---- -C CASE: a tool's run recorded into a case (spoor-case) ---- */

#define CLI_CASE_MAX_EXHIBITS 256

struct cli_case {
	struct spoor_case *c;
	struct spoor_case_run *run;
	char *dir;
	char *ids[CLI_CASE_MAX_EXHIBITS], *sha[CLI_CASE_MAX_EXHIBITS];
	size_t n;
	bool failed;
};

struct cli_case *cli_case_open(const char *dir)
{
	struct cli_case *cc = calloc(1, sizeof(*cc));
	struct spoor_err err;

	if (!cc || !(cc->dir = strdup(dir)))
		cli_die(EXIT_OUTPUT, "out of memory");
	cc->c = spoor_case_open(dir, true, &err);
	if (!cc->c)
		cli_die(EXIT_INPUT, "-C '%s': %s", dir, err.msg);
	return cc;
}

const char *cli_case_info(struct cli_case *cc, const char *key)
{
	return spoor_case_get(cc->c, key);
}

const char *cli_case_exhibit(struct cli_case *cc, const char *evidence,
			     const char *id)
{
	const char *ex, *sha;
	struct spoor_err err;

	if (spoor_case_exhibit_find(cc->c, evidence, id, &ex, &sha, &err))
		cli_die(EXIT_USAGE, "-C '%s': %s", cc->dir, err.msg);
	for (size_t i = 0; i < cc->n; i++) {
		if (strcmp(cc->ids[i], ex))
			continue;
		/* once before the run, once per evidence as it is read:
		 * the same exhibit twice would be read (and counted) twice */
		if (!cc->run)
			cli_die(EXIT_USAGE, "-C '%s': exhibit '%s' is given "
				"twice", cc->dir, ex);
		return cc->ids[i];
	}
	if (cc->n == CLI_CASE_MAX_EXHIBITS)
		cli_die(EXIT_USAGE, "-C: at most %d exhibits per run",
			CLI_CASE_MAX_EXHIBITS);
	cc->ids[cc->n] = strdup(ex);
	cc->sha[cc->n] = strdup(sha);
	if (!cc->ids[cc->n] || !cc->sha[cc->n])
		cli_die(EXIT_OUTPUT, "out of memory");
	return cc->ids[cc->n++];
}

void cli_case_begin(struct cli_case *cc, const char *tool, int argc,
		    char **argv, const char *purpose, bool replace)
{
	struct spoor_case_run_opts o = { 0 };
	struct spoor_err err;

	o.tool = tool;
	o.version = SPOOR_VERSION_STRING;
	o.argc = argc;
	o.argv = (const char *const *)argv;
	o.exhibit = cc->n == 1 ? cc->ids[0] : NULL;
	o.input_sha256 = cc->n == 1 ? cc->sha[0] : NULL;
	o.purpose = purpose;
	o.exhibits = (const char *const *)cc->ids;
	o.nexhibits = cc->n;
	o.replace = replace;
	cc->run = spoor_case_run_begin(cc->c, &o, &err);
	if (!cc->run)
		cli_die(err.code == SPOOR_EIO ? EXIT_INPUT
			: cli_exit_for(err.code), "-C '%s': %s", cc->dir,
			err.msg);
	cli_info("recording into case '%s' (%s) as run %lld", cc->dir,
		 spoor_case_get(cc->c, "case_id"),
		 (long long)spoor_case_run_id(cc->run));
}

int cli_case_record(struct cli_case *cc, const char *rtype,
		    const struct spoor_record *r)
{
	struct spoor_record copy;
	struct spoor_err err;

	if (cc->failed)
		return -1;
	if (spoor_record_get(r, "byte_runs") ||
	    spoor_record_get(r, "file_name")) {
		/* DFXML's byte runs and the bodyfile's $FILE_NAME times
		 * are not part of the JSONL line */
		spoor_record_init(&copy, r->type);
		for (size_t i = 0; i < r->n; i++)
			if (strcmp(r->f[i].key, "byte_runs") &&
			    strcmp(r->f[i].key, "file_name"))
				copy.f[copy.n++] = r->f[i];
		r = &copy;
	}
	if (spoor_case_run_add(cc->run, rtype, r, NULL, &err)) {
		cli_error("-C '%s': %s", cc->dir, err.msg);
		cc->failed = true;
		return -1;
	}
	return 0;
}

void cli_case_tick(struct cli_case *cc)
{
	struct spoor_err err;

	if (cc && cc->run && !cc->failed &&
	    spoor_case_run_tick(cc->run, &err)) {
		cli_error("-C '%s': %s", cc->dir, err.msg);
		cc->failed = true;
	}
}

static void cli_case_free(struct cli_case *cc)
{
	for (size_t i = 0; i < cc->n; i++) {
		free(cc->ids[i]);
		free(cc->sha[i]);
	}
	spoor_case_close(cc->c);
	free(cc->dir);
	free(cc);
}

void cli_case_close(struct cli_case *cc)
{
	if (!cc)
		return;
	spoor_case_run_abort(cc->run);
	cli_case_free(cc);
}

int cli_case_end(struct cli_case *cc, int exit_code, const char *counts_json)
{
	struct spoor_err err;
	uint64_t n = spoor_case_run_count(cc->run);
	long long id = (long long)spoor_case_run_id(cc->run);
	char why[64];

	if (cc->failed)
		exit_code = cli_exit_merge(exit_code, EXIT_OUTPUT);
	if (interrupted)
		exit_code = EXIT_INTERRUPTED;
	switch (exit_code) {
	case EXIT_OK:
	case EXIT_NO:
	case EXIT_PARTIAL:
		/* a finished run: its records become part of the case */
		if (spoor_case_run_end(cc->run, exit_code, counts_json,
				       &err)) {
			cli_error("-C '%s': %s", cc->dir, err.msg);
			exit_code = cli_exit_merge(exit_code, EXIT_OUTPUT);
		} else if (verbosity >= 0) {
			fprintf(stderr, "%s: run %lld: %llu records recorded "
				"into case '%s'\n", progname, id,
				(unsigned long long)n, cc->dir);
		}
		break;
	default:
		/* interrupted or failed: nothing of it is kept, and the
		 * case says so */
		if (exit_code == EXIT_INTERRUPTED)
			snprintf(why, sizeof(why), "%s", cli_interrupt_name());
		else
			snprintf(why, sizeof(why), "failed (exit %d)",
				 exit_code);
		if (spoor_case_run_cancel(cc->run, why, exit_code, &err)) {
			cli_error("-C '%s': %s; run %lld is left unfinished "
				  "(see spoor-case custody --verify)",
				  cc->dir, err.msg, id);
			exit_code = cli_exit_merge(exit_code, EXIT_OUTPUT);
		} else if (verbosity >= 0) {
			fprintf(stderr, "%s: run %lld %s: none of its %llu "
				"records kept in case '%s'\n", progname, id,
				why, (unsigned long long)n, cc->dir);
		}
	}
	cc->run = NULL;
	cli_case_free(cc);
	return exit_code;
}

void cli_case_new_exhibit(struct cli_case *cc, const char *id)
{
	if (!spoor_case_exhibit_find(cc->c, NULL, id, NULL, NULL, NULL))
		cli_die(EXIT_USAGE, "-C '%s': exhibit '%s' is already "
			"registered", cc->dir, id);
}

/* The text of a log written by this run (bounded), or NULL with a
 * warning. */
static char *read_text(const char *path)
{
	struct spoor_err err;
	char *buf;
	size_t len;

	if (!path)
		return NULL;
	if (spoor_read_file(AT_FDCWD, path, 0, (size_t)64 << 20, &buf, &len,
			    &err)) {
		cli_warn("the acquisition log is not stored in the case: %s",
			 err.msg);
		return NULL;
	}
	return buf;
}

int cli_case_acquired(struct cli_case *cc, const char *id,
		      const struct spoor_acquire_result *res, int argc,
		      char **argv)
{
	static const char *const verdicts[] = {
		"not run", "match", "mismatch", "failed",
	};
	struct spoor_case_exhibit e;
	struct spoor_record r;
	struct spoor_err err;
	char *image, *log, *facts, *args[257];
	size_t nseg = 0;
	int rc = 0;

	memset(&e, 0, sizeof(e));
	while (res->segments && res->segments[nseg])
		nseg++;
	image = nseg ? realpath(res->segments[0], NULL) : NULL;
	log = read_text(res->log_path);
	spoor_record_init(&r, "acquisition");
	spoor_record_str(&r, "source_model", res->source.model);
	spoor_record_str(&r, "source_serial", res->source.serial);
	spoor_record_uint(&r, "source_size", res->source.size);
	spoor_record_bool(&r, "source_blockdev", res->source.is_blockdev);
	spoor_record_uint(&r, "segments", nseg);
	spoor_record_uint(&r, "bad_sectors", res->bad_sectors);
	spoor_record_str(&r, "verify", verdicts[res->verify & 3]);
	spoor_record_time(&r, "start", &res->start);
	spoor_record_time(&r, "end", &res->end);
	spoor_record_str(&r, "hashes_of", "the acquired media (the image "
			 "content, as read)");
	facts = spoor_record_json(&r, NULL, NULL);
	for (int i = 0; i < argc && i < 256; i++)
		args[i] = argv[i];
	args[argc < 256 ? argc : 256] = NULL;
	e.exhibit = id;
	e.path = image;
	e.kind = "image";
	e.size = res->source.size;
	e.digests = res->digests;
	e.acquisition_log = log;
	e.log_path = res->log_path;
	e.acquired_json = facts;
	e.event = "acquired";
	e.tool = "spoor-acquire";
	e.parameters = (const char *const *)args;
	if (!image) {
		cli_error("-C '%s': the image has no file to register",
			  cc->dir);
		rc = EXIT_OUTPUT;
	} else if (spoor_case_exhibit_add(cc->c, &e, NULL, &err)) {
		cli_error("-C '%s': %s", cc->dir, err.msg);
		rc = EXIT_OUTPUT;
	} else if (verbosity >= 0) {
		fprintf(stderr, "%s: registered '%s' as exhibit '%s' of case "
			"'%s'\n", progname, image, id, cc->dir);
	}
	free(image);
	free(log);
	free(facts);
	cli_case_free(cc);
	return rc;
}

/* ---- the contacts graph as text ---- */

static const struct spoor_field *id_field(const struct spoor_record *r,
					  const char *key)
{
	const struct spoor_field *f = spoor_record_get(r, key);

	return f && f->kind != SPOOR_F_NULL ? f : NULL;
}

/* Evidence text for a terminal: control bytes as '?'. */
static void id_put(FILE *out, const struct spoor_record *r, const char *key)
{
	const struct spoor_field *f = id_field(r, key);

	if (!f)
		fputc('-', out);
	else if (f->kind == SPOOR_F_INT)
		fprintf(out, "%lld", (long long)f->v.i);
	else if (f->kind == SPOOR_F_STR)
		for (size_t i = 0; i < f->v.str.len; i++) {
			unsigned char c = (unsigned char)f->v.str.ptr[i];

			fputc(c < 0x20 || c == 0x7f ? '?' : c, out);
		}
}

int cli_identity_text(void *ud, const struct spoor_record *r)
{
	struct cli_identity_text *t = ud;
	const struct spoor_field *id = id_field(r, "identity");
	char cur[sizeof(t->last)] = "";

	if (id && id->kind == SPOOR_F_STR)
		snprintf(cur, sizeof(cur), "%.*s", (int)id->v.str.len,
			 id->v.str.ptr);
	if (strcmp(cur, t->last)) {
		id_put(t->f, r, "identity");
		fputs(" (", t->f);
		id_put(t->f, r, "kind");
		fputs("): ", t->f);
		id_put(t->f, r, "exhibits");
		fputs(" exhibits, ", t->f);
		id_put(t->f, r, "sources");
		fputs(" sources\n", t->f);
		memcpy(t->last, cur, sizeof(cur));
	}
	fputs("    ", t->f);
	id_put(t->f, r, "exhibit");
	fputc('\t', t->f);
	id_put(t->f, r, "plugin");
	fputc('\t', t->f);
	id_put(t->f, r, "rtype");
	fputc('\t', t->f);
	id_put(t->f, r, "role");
	fputc('\t', t->f);
	id_put(t->f, r, "count");
	fputc('\t', t->f);
	id_put(t->f, r, "first");
	fputc('\t', t->f);
	id_put(t->f, r, "last");
	fputc('\n', t->f);
	return ferror(t->f) ? 1 : 0;
}

/* ---- passphrases ---- */

#define PASS_MAX 1024

static char *passphrase_file(const char *file)
{
	FILE *f = fopen(file, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f)
		cli_die(EXIT_INPUT, "cannot open '%s': %s", file,
			strerror(errno));
	n = getline(&line, &cap, f);
	fclose(f);
	if (n < 0)
		cli_die(EXIT_INPUT, "'%s' is empty", file);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

char *cli_passphrase(const char *file, const char *prompt, bool twice)
{
	const char *env = getenv("SPOOR_PASSPHRASE");
	char *p;

	if (file)
		return passphrase_file(file);
	if (env) {
		p = strdup(env);
		if (!p)
			cli_die(EXIT_INPUT, "out of memory");
		return p;
	}
	p = calloc(1, PASS_MAX);
	if (!p)
		cli_die(EXIT_INPUT, "out of memory");
	if (EVP_read_pw_string(p, PASS_MAX, prompt, twice) != 0) {
		cli_passphrase_free(p);
		cli_die(EXIT_INPUT, "no passphrase read (give "
			"--passphrase-file or $SPOOR_PASSPHRASE)");
	}
	return p;
}

void cli_passphrase_free(char *pass)
{
	if (pass) {
		OPENSSL_cleanse(pass, strlen(pass));
		free(pass);
	}
}

bool cli_key_encrypted(const char *path)
{
	char buf[8192];
	FILE *f;
	size_t n;

	/* a provider URI ("pkcs11:...") is no file: no passphrase here */
	f = path ? fopen(path, "re") : NULL;
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, "ENCRYPTED") != NULL;
}
