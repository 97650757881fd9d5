/*
 * t-cli: the exit-code policy every tool shares (cmd/cli.c), as tables:
 * the mapping of each library error, the merge of two outcomes, and the
 * -o bare-number check's view of how an option was written.  The
 * expected values are the policy as spoor(1) and every man page state
 * it, written out here, not computed.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cmd/cli.h"
#include "tap.h"

static const struct {
	int code, exit;
} map[] = {
	{ SPOOR_OK, 0 },
	{ SPOOR_EINVAL, 2 },
	{ SPOOR_EIO, 3 },
	{ SPOOR_EFORMAT, 3 },
	{ SPOOR_EAMBIGUOUS, 3 },
	{ SPOOR_ENOTFOUND, 3 },
	{ SPOOR_EUNSUPPORTED, 3 },
	{ SPOOR_ELIMIT, 3 },
	{ SPOOR_EOUTPUT, 4 },
	{ SPOOR_ENOMEM, 4 },	/* never 5: the run did not finish */
	{ SPOOR_EINTERNAL, 4 },
	{ SPOOR_ESTOPPED, 130 },
	{ -99, 4 },			/* an unknown code */
};

/* cli_exit_named: a thing the user named (an id) that is not there */
static const struct {
	int code, exit;
} named[] = {
	{ SPOOR_ENOTFOUND, 2 },
	{ SPOOR_EINVAL, 2 },
	{ SPOOR_EIO, 3 },
	{ SPOOR_EOUTPUT, 4 },
	{ SPOOR_ENOMEM, 4 },
};

/* 130 > 2 > 4 > 1 > 3 > 5 > 0, both ways round */
static const struct {
	int a, b, want;
} merge[] = {
	{ 0, 0, 0 }, { 0, 5, 5 }, { 5, 3, 3 }, { 3, 1, 1 }, { 1, 4, 4 },
	{ 4, 2, 2 }, { 2, 130, 130 }, { 5, 1, 1 }, { 0, 1, 1 },
	{ 3, 4, 4 }, { 5, 4, 4 }, { 1, 130, 130 }, { 4, 130, 130 },
	{ 0, 3, 3 }, { 5, 5, 5 }, { 1, 1, 1 }, { 0, 4, 4 }, { 3, 2, 2 },
	{ 0, 77, 77 },			/* unknown: weighs as 4 */
	{ 77, 1, 77 },
	{ 4, 77, 4 },			/* ties keep the first */
};

/* How -o's argument was written: long (--output=N, --output N) or
 * short (-o N, -oN); getopt_long decides, cli_optarg_long reads it. */
static const struct {
	const char *argv[4];
	bool is_long;
} forms[] = {
	{ { "t", "-o", "157311", NULL }, false },
	{ { "t", "-o157311", NULL, NULL }, false },
	{ { "t", "--output=157311", NULL, NULL }, true },
	{ { "t", "--output", "157311", NULL }, true },
	{ { "t", "--out=157311", NULL, NULL }, true },
	{ { "t", "ev.dd", "-o", "12" }, false },
};

static void test_forms(void)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		char *argv[5] = { NULL };
		int argc = 0, c, got = -1;

		for (; argc < 4 && forms[i].argv[argc]; argc++)
			argv[argc] = strdup(forms[i].argv[argc]);
		optind = 0;	/* GNU: reinitialise */
		opterr = 0;
		while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1)
			if (c == 'o')
				got = cli_optarg_long(argv);
		is_int(got, forms[i].is_long, forms[i].argv[1]);
		for (int k = 0; k < argc; k++)
			free(argv[k]);
	}
}

int main(void)
{
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		char name[64];

		snprintf(name, sizeof(name), "cli_exit_for(%s)",
			 spoor_strerror(map[i].code));
		is_int(cli_exit_for(map[i].code), map[i].exit, name);
	}
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		char name[64];

		snprintf(name, sizeof(name), "cli_exit_named(%s)",
			 spoor_strerror(named[i].code));
		is_int(cli_exit_named(named[i].code), named[i].exit, name);
	}
	for (size_t i = 0; i < sizeof(merge) / sizeof(merge[0]); i++) {
		char name[64];

		snprintf(name, sizeof(name), "merge(%d, %d)", merge[i].a,
			 merge[i].b);
		is_int(cli_exit_merge(merge[i].a, merge[i].b), merge[i].want,
		       name);
		/* symmetric where the ranks differ */
		if (merge[i].a != merge[i].b && merge[i].a != 77 &&
		    merge[i].b != 77)
			is_int(cli_exit_merge(merge[i].b, merge[i].a),
			       merge[i].want, "  and the other way round");
	}
	test_forms();
	return done_testing();
}
