/*
 * spoor: the dispatcher.  `spoor VERB ARGS...` runs `spoor-VERB ARGS...`,
 * first from the directory of this program, then from PATH (as git does).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#include "banned.h"

static const struct {
	const char *verb;
	const char *what;
} tools[] = {
	{ "acquire", "image a device or file, verified, bad sectors mapped" },
	{ "artifacts", "chats, contacts and calls from phone data (plugins)" },
	{ "case", "a case: exhibits, findings, chain of custody, contacts" },
	{ "files", "walk, hash and classify every file of an evidence image" },
	{ "hashdb", "build and look up known-good / known-bad hash sets" },
	{ "key", "examiner keys and a small organisation CA" },
	{ "report", "the signed evidence bundle of a case for the police" },
	{ "verify", "police side: check a signed evidence bundle" },
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: spoor [-hV] TOOL [ARGS...]\n"
		"\n"
		"Runs spoor-TOOL with ARGS. Tools:\n");
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		fprintf(out, "  %-10s %s\n", tools[i].verb, tools[i].what);
	fprintf(out, "\n'spoor TOOL --help' or 'man spoor-TOOL' for more.\n");
}

/* The directory this program was run from, or NULL. */
static char *self_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	return strdup(buf);
}

int main(int argc, char **argv)
{
	char name[64], path[PATH_MAX];
	char *dir;

	cli_init("spoor");
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		cli_close_stdout();
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("spoor %s\n", SPOOR_VERSION_STRING);
		cli_close_stdout();
		return EXIT_OK;
	}
	if (argv[1][0] == '-' || strchr(argv[1], '/') ||
	    strlen(argv[1]) > 32) {
		cli_error("unknown option or tool '%s'", argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	snprintf(name, sizeof(name), "spoor-%s", argv[1]);
	argv[1] = name;
	dir = self_dir();
	if (dir) {
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		free(dir);
		if (access(path, X_OK) == 0)
			execv(path, argv + 1);
	}
	execvp(name, argv + 1);
	if (errno == ENOENT) {
		cli_error("'%s' is not a spoor tool (no %s)", argv[1] + 6,
			  name);
		usage(stderr);
		return EXIT_USAGE;
	}
	cli_die(126, "cannot run '%s': %s", name, strerror(errno));
}
