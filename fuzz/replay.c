/*
 * replay.c: main() for a fuzz target built without libFuzzer: runs
 * LLVMFuzzerTestOneInput once on every file named (directories: on every
 * file in them, sorted), so `make check` replays the regression inputs
 * with gcc and the sanitizers of the build.  Prints one TAP line per
 * input; a crash is the sanitizer's report and a non-zero exit.
 */
#include "fuzz.h"

#include <dirent.h>
#include <sys/stat.h>

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int n;

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		printf("not ok %d - cannot open %s\n", ++n, path);
		return 1;
	}
	for (;;) {
		size_t r;

		if (len == cap) {
			uint8_t *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb)
				abort();
			buf = nb;
		}
		r = fread(buf + len, 1, cap - len, f);
		if (!r)
			break;
		len += r;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	printf("ok %d - %s\n", ++n, path);
	fflush(stdout);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path)
{
	struct stat st;
	struct dirent *d;
	DIR *dir;
	char **names = NULL;
	size_t nn = 0;
	int rc = 0;

	if (stat(path, &st) || !S_ISDIR(st.st_mode))
		return run_file(path);
	dir = opendir(path);
	if (!dir)
		return 1;
	while ((d = readdir(dir))) {
		char **nx;

		if (d->d_name[0] == '.')
			continue;
		nx = realloc(names, (nn + 1) * sizeof(*names));
		if (!nx)
			abort();
		names = nx;
		names[nn] = malloc(strlen(path) + strlen(d->d_name) + 2);
		if (!names[nn])
			abort();
		snprintf(names[nn], strlen(path) + strlen(d->d_name) + 2,
			 "%s/%s", path, d->d_name);
		nn++;
	}
	closedir(dir);
	if (nn)
		qsort(names, nn, sizeof(*names), cmp);
	for (size_t i = 0; i < nn; i++) {
		rc |= run_path(names[i]);
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	int rc = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++)
		rc |= run_path(argv[i]);
	return rc;
}
