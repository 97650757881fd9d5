/*
 * cli.h: what every spoor tool shares: messages, exit codes, stdout
 * closing, the progress bar.  Tools only; the library never prints.
 */
#ifndef SPOOR_CLI_H
#define SPOOR_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "spoor.h"

/* Exit codes shared by every tool (documented in every man page). */
enum {
	EXIT_OK = 0,
	EXIT_NO = 1,		/* a "no" answer: mismatch, invalid, alert */
	EXIT_USAGE = 2,
	EXIT_INPUT = 3,		/* input unreadable or not recognised */
	EXIT_OUTPUT = 4,	/* output could not be written */
	EXIT_PARTIAL = 5,	/* finished, but items were skipped */
	EXIT_INTERRUPTED = 130,	/* SIGINT or SIGTERM (128 + SIGINT) */
};

/*
 * Set once by main, first: the tool's name for messages.  It also
 * handles SIGINT and SIGTERM: by default a signal ends the tool at
 * once (exit 130, "interrupted", the -o temp file removed).  A tool
 * that stops by itself registers a hook with cli_on_interrupt (called
 * from the signal handler: async-signal-safe only, e.g.
 * spoor_scan_interrupt), checks cli_interrupted() and ends with
 * EXIT_INTERRUPTED after recording the interruption; a watchdog ends it
 * 0.8 s after the signal if it has not, and a second signal at once.
 */
void cli_init(const char *progname);
void cli_on_interrupt(void (*hook)(void));
bool cli_interrupted(void);
/* "interrupted by SIGTERM" (or SIGINT) for messages and the case. */
const char *cli_interrupt_name(void);
const char *cli_progname(void);

/* -q: errors only; default: warnings; -v: info; -vv: debug. */
void cli_set_verbosity(int v);
int cli_verbosity(void);

void cli_error(const char *fmt, ...) SPOOR_PRINTF(1, 2);
void cli_warn(const char *fmt, ...) SPOOR_PRINTF(1, 2);
void cli_info(const char *fmt, ...) SPOOR_PRINTF(1, 2);
/* Print "prog: error: msg" and exit with code. */
_Noreturn void cli_die(int code, const char *fmt, ...) SPOOR_PRINTF(2, 3);

/* The library's log sink: prints through the functions above. */
void cli_log(void *userdata, enum spoor_log_level level, const char *msg);

/* A library context that logs through cli_log at the level -q/-v set
 * (cli_set_verbosity first); dies on out of memory. */
struct spoor_ctx *cli_ctx_new(void);

/* The tool's synopsis (its man page's SYNOPSIS), for cli_usage_error. */
void cli_set_synopsis(const char *synopsis);

/* A usage error: print "prog: error: " fmt (one %s for arg) unless fmt is
 * NULL, then the synopsis, on stderr; exit EXIT_USAGE. */
_Noreturn void cli_usage_error(const char *fmt, const char *arg);

/* A zone option (--tz, --fs-tz) in the one grammar of spoor_tz_new:
 * +HH:MM up to 14:00 or an IANA name in tzdata; anything else is a
 * usage error naming the option.  The caller frees the zone. */
struct spoor_tz *cli_tz_arg(const char *option, const char *value);

/* -V: print "PROG VERSION (libspoor VERSION)" and exit 0. */
_Noreturn void cli_version(void);

/*
 * The exit-code policy, the same in every tool.  cli_exit_for maps a
 * library error code: EINVAL 2; EIO, EFORMAT, EAMBIGUOUS, ENOTFOUND,
 * EUNSUPPORTED, ELIMIT 3; EOUTPUT, ENOMEM, EINTERNAL 4; ESTOPPED 130.
 * cli_exit_named is for an error about a thing the user named on the
 * command line (an exhibit or record id): ENOTFOUND and EINVAL are 2.
 * cli_exit_merge returns the one of two outcomes that must be reported:
 * 130 > 2 > 4 > 1 > 3 > 5 > 0 (a known-bad hit, 1, is not hidden by an
 * unreadable input or skipped items, only by a failed output).
 */
int cli_exit_for(int spoor_code);
int cli_exit_named(int spoor_code);
int cli_exit_merge(int a, int b);

/* Flush and close stdout; on failure print why and exit EXIT_OUTPUT. */
void cli_close_stdout(void);

/* Open -o FILE ("-" or NULL: stdout).  Files are written to FILE.tmp and
 * renamed by cli_output_commit, so a failed run leaves no FILE. */
FILE *cli_output_open(const char *path);
/* Close the output; rename into place when ok, else remove the tmp file.
 * Returns 0 or -1 (with the reason printed). */
int cli_output_commit(FILE *f, bool ok);

/* Right after getopt_long returned an option with an argument: whether
 * the option was written long (--name=ARG, --name ARG), not -xARG or
 * -x ARG. */
bool cli_optarg_long(char *const *argv);

/* Parse "12", "4k", "2M", "1G" (binary units) into *out. */
int cli_parse_size(const char *s, uint64_t *out);
/* Parse a non-negative integer with bounds. */
int cli_parse_int(const char *s, int64_t min, int64_t max, int64_t *out);

/* Human-readable byte count ("1.5 GiB") into buf. */
const char *cli_human_bytes(uint64_t n, char *buf, size_t size);

/* The whole command line, shell-quoted, for logs and DFXML. */
char *cli_command_line(int argc, char **argv);

/* Progress bar on stderr. mode: -1 auto (a tty), 0 off, 1 on. */
struct cli_progress {
	int enabled;
	bool drawn;
	double start;
	uint64_t last_bytes;
	double last_t;
	double rate;		/* smoothed bytes/s */
};
void cli_progress_init(struct cli_progress *p, int mode);
void cli_progress_update(struct cli_progress *p,
			 const struct spoor_progress *sp);
void cli_progress_clear(struct cli_progress *p);
/* Monotonic seconds. */
double cli_now(void);

/* ---- -C CASE: a tool's run recorded into a case (spoor-case) ---- */

struct cli_case;

/* Open CASE for a run; dies with a clear message (exit 3) when it is
 * missing, locked, damaged or newer than this spoor. */
struct cli_case *cli_case_open(const char *dir);
/* The exhibit id of EVIDENCE: the exhibit named `id`, or else the one
 * registered at EVIDENCE's realpath; dies (exit 2) when there is none.
 * The string belongs to cc. */
const char *cli_case_exhibit(struct cli_case *cc, const char *evidence,
			     const char *id);
/* Begin the run, after every cli_case_exhibit (which refuses an
 * exhibit given twice).  replace: the run replaces the same tool's
 * earlier run on these exhibits (--replace); without it such a run is
 * refused (exit 2).  Dies when the run cannot begin. */
void cli_case_begin(struct cli_case *cc, const char *tool, int argc,
		    char **argv, const char *purpose, bool replace);
/* Store one record (its JSONL line; a "byte_runs" field is left out).
 * 0, or -1 after printing why. */
int cli_case_record(struct cli_case *cc, const char *rtype,
		    const struct spoor_record *r);
/* Let other writers in during a long stretch without records. */
void cli_case_tick(struct cli_case *cc);
/* End the run; frees cc.  exit_code 0, 1 or 5 (a finished run): the
 * run is committed, its records become part of the case.  Any other
 * (interrupted, failed): the run is discarded with its reason.  Returns
 * exit_code, merged with EXIT_OUTPUT when the case could not be
 * written, or EXIT_INTERRUPTED after a signal. */
int cli_case_end(struct cli_case *cc, int exit_code, const char *counts_json);
/* Close the case; a run begun is left unfinished (abandoned). */
void cli_case_close(struct cli_case *cc);
/* A case_info value of the case ("case_id", "examiner", ...) or NULL;
 * the string belongs to cc. */
const char *cli_case_info(struct cli_case *cc, const char *key);
/* spoor-acquire: refuse (exit 2) an exhibit id that is taken. */
void cli_case_new_exhibit(struct cli_case *cc, const char *id);
/* spoor-acquire: register the finished image as exhibit `id` with an
 * 'acquired' event; frees cc.  Returns 0 or EXIT_OUTPUT. */
int cli_case_acquired(struct cli_case *cc, const char *id,
		      const struct spoor_acquire_result *res, int argc,
		      char **argv);

/* The contacts graph as text: a spoor_artifact_cb for rows of type
 * "identity" (spoor_case_list, spoor_idmap_list); ud is this struct,
 * zeroed, with f set. */
struct cli_identity_text {
	FILE *f;
	char last[512];
};
int cli_identity_text(void *ud, const struct spoor_record *r);

/*
 * A key passphrase: the first line of `file` when given, else
 * $SPOOR_PASSPHRASE, else a prompt on the terminal without echo (asked
 * twice when `twice`).  Dies (exit 3) when none can be had.  Returns a
 * malloc'ed string; release it with cli_passphrase_free, which wipes it.
 */
char *cli_passphrase(const char *file, const char *prompt, bool twice);
void cli_passphrase_free(char *pass);
/* Whether the PEM key file at path is encrypted (needs a passphrase);
 * false for provider URIs ("pkcs11:...") and unreadable files. */
bool cli_key_encrypted(const char *path);

#endif
