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
};

/* Set once by main: the tool's name for messages. */
void cli_init(const char *progname);
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

/* -V: print "PROG VERSION (libspoor VERSION)" and exit 0. */
_Noreturn void cli_version(void);

/* Map a library error code to an exit code. */
int cli_exit_for(int spoor_code);

/* Flush and close stdout; on failure print why and exit EXIT_OUTPUT. */
void cli_close_stdout(void);

/* Open -o FILE ("-" or NULL: stdout).  Files are written to FILE.tmp and
 * renamed by cli_output_commit, so a failed run leaves no FILE. */
FILE *cli_output_open(const char *path);
/* Close the output; rename into place when ok, else remove the tmp file.
 * Returns 0 or -1 (with the reason printed). */
int cli_output_commit(FILE *f, bool ok);

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
/* Begin the run, after every cli_case_exhibit. */
void cli_case_begin(struct cli_case *cc, const char *tool, int argc,
		    char **argv, const char *purpose);
/* Store one record (its JSONL line; a "byte_runs" field is left out).
 * 0, or -1 after printing why. */
int cli_case_record(struct cli_case *cc, const char *rtype,
		    const struct spoor_record *r);
/* Let other writers in during a long stretch without records. */
void cli_case_tick(struct cli_case *cc);
/* Finish the run and its custody event; frees cc.  Returns exit_code,
 * or EXIT_OUTPUT when the case could not be written. */
int cli_case_end(struct cli_case *cc, int exit_code, const char *counts_json);
/* Close the case without recording anything. */
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
