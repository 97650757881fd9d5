/*
 * spoor-hashdb: build hash sets (.sdb) from NSRL RDS v3, NSRLFile.txt,
 * VICS JSON, hashdeep and md5sum-style lists; show them; look hashes up;
 * merge sets.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#include "banned.h"

static const char synopsis[] =
	"usage: spoor-hashdb build -o SET.sdb [-m MEM] [--name=NAME]\n"
	"                    [--kind=known|notable|known-bad] [--category=C]\n"
	"                    [--format=FMT] [--pdq-distance=N]\n"
	"                    [--pdq-quality=Q] [-qv] INPUT...\n"
	"       spoor-hashdb import -o NEW.sdb [options] SET.sdb INPUT...\n"
	"       spoor-hashdb merge -o NEW.sdb [options] SET.sdb...\n"
	"       spoor-hashdb info [--verify] SET.sdb...\n"
	"       spoor-hashdb lookup [--pdq] [--bench=N] [-q] SET.sdb... < HASHES\n"
	"       spoor-hashdb -h | -V\n";

static const char help_text[] =
	"\n"
	"Hash sets: known-good (NSRL), notable and known-bad (Project VIC)\n"
	"digests in one sorted, memory-mapped file per set.\n"
	"\n"
	"  build    read INPUTs (NSRL RDS v3 SQLite, NSRLFile.txt, VICS JSON,\n"
	"           hashdeep CSV, md5sum/sha1sum/sha256sum lists, PDQ CSV\n"
	"           hash,quality[,label], .sdb sets; detected per input) into\n"
	"           SET.sdb\n"
	"  import   a new set: the entries of SET.sdb plus the INPUTs (name,\n"
	"           kind and category from SET.sdb unless given)\n"
	"  merge    a new set: the union of the sets\n"
	"  info     print the header of each set (--verify: check it all)\n"
	"  lookup   read digests (one per line, md5sum style too) from stdin;\n"
	"           print each hit as HASH<tab>SET<tab>KIND<tab>CATEGORY;\n"
	"           --pdq: read PDQ hashes, print every entry within the set's\n"
	"           threshold as HASH<tab>SET<tab>KIND<tab>CATEGORY<tab>\n"
	"           DISTANCE<tab>ENTRY<tab>QUALITY<tab>LABEL<tab>PHOTODNA\n"
	"\n"
	"  -o, --output=FILE      the set to write (written as FILE.tmp, then\n"
	"                         renamed)\n"
	"  -m, --memory=MEM       memory for sorting (default 512M); more is\n"
	"                         spilled to sorted runs next to the output\n"
	"      --name=NAME        set name (default: output file name)\n"
	"      --kind=KIND        known (default), notable, known-bad\n"
	"      --category=C       category of entries that have none\n"
	"      --format=FMT       rds, nsrl-txt, vics, hashdeep, hashlist,\n"
	"                         pdq or sdb (default: detected per input)\n"
	"      --pdq-distance=N   PDQ near-match threshold: distance <= N\n"
	"                         (1..64, default 31)\n"
	"      --pdq-quality=Q    PDQ hashes of quality < Q are not matched\n"
	"                         (1..100, default 50)\n"
	"      --pdq              lookup: the input lines are PDQ hashes\n"
	"      --verify           info: check every entry\n"
	"      --bench=N          lookup: time N lookups in the first set\n"
	"                         (--pdq: N PDQ queries, index and brute force)\n"
	"  -q, --quiet            errors only\n"
	"  -v, --verbose          report every bad input line\n"
	"  -V, --version          print the version\n"
	"  -h, --help             print this help\n"
	"\n"
	"Exit: 0 ok; 1 lookup found a known-bad digest; 2 usage; 3 input\n"
	"unreadable or malformed (a FIFO is refused); 4 output failed; 5\n"
	"finished, but input lines could not be parsed (each is reported);\n"
	"130 interrupted.  See spoor-hashdb(1).\n";

enum {
	OPT_NAME = 256, OPT_KIND, OPT_CATEGORY, OPT_FORMAT, OPT_VERIFY,
	OPT_BENCH, OPT_PDQ, OPT_PDQ_DISTANCE, OPT_PDQ_QUALITY,
};

static const struct option long_opts[] = {
	{ "bench", required_argument, NULL, OPT_BENCH },
	{ "category", required_argument, NULL, OPT_CATEGORY },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "kind", required_argument, NULL, OPT_KIND },
	{ "memory", required_argument, NULL, 'm' },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "output", required_argument, NULL, 'o' },
	{ "pdq", no_argument, NULL, OPT_PDQ },
	{ "pdq-distance", required_argument, NULL, OPT_PDQ_DISTANCE },
	{ "pdq-quality", required_argument, NULL, OPT_PDQ_QUALITY },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

enum cmd { CMD_NONE, CMD_BUILD, CMD_IMPORT, CMD_MERGE, CMD_INFO,
	   CMD_LOOKUP };

struct opts {
	enum cmd cmd;
	const char *output, *name, *category;
	bool kind_set, verify, pdq;
	int pdq_distance, pdq_quality;
	enum spoor_hashdb_kind kind;
	enum spoor_hashdb_format format;
	uint64_t mem;
	int64_t bench;
	int verbose;
};

/* bad input lines shown per input without -v */
#define BAD_SHOWN 10

struct bad_report {
	const char *input;
	uint64_t shown, total;
};

static void on_bad(void *ud, const char *input, uint64_t line,
		   const char *why)
{
	struct bad_report *r = ud;

	if (r->input != input) {
		r->input = input;
		r->shown = 0;
	}
	r->total++;
	if (cli_verbosity() >= 1 || r->shown < BAD_SHOWN) {
		cli_warn("'%s' line %llu: %s", input,
			 (unsigned long long)line, why);
		r->shown++;
	}
}

static void input_summary(const char *path,
			  const struct spoor_hashdb_input_stats *st)
{
	char digests[160] = "";
	size_t used = 0;

	for (int a = 0; a < SPOOR_HASH_NALGS; a++) {
		int n;

		if (!st->digests[a])
			continue;
		n = snprintf(digests + used, sizeof(digests) - used, "%s%llu "
			     "%s", used ? ", " : "",
			     (unsigned long long)st->digests[a],
			     spoor_hash_name(1u << a));
		if (n < 0 || (size_t)n >= sizeof(digests) - used)
			break;
		used += (size_t)n;
	}
	if (st->bad)
		cli_warn("'%s': %llu of %llu records could not be parsed "
			 "(shown above%s)", path,
			 (unsigned long long)st->bad,
			 (unsigned long long)st->records,
			 cli_verbosity() >= 1 ? "" : "; all with -v");
	if (st->photodna_dropped)
		cli_warn("'%s': %llu PhotoDNA values of media without a PDQ "
			 "hash were not kept", path,
			 (unsigned long long)st->photodna_dropped);
	cli_info("'%s': %s, %llu records, %s%s%llu PDQ", path,
		 spoor_hashdb_format_name(st->format),
		 (unsigned long long)st->records,
		 used ? digests : "no digests", ", ",
		 (unsigned long long)st->pdq);
}

static int cmd_build(const struct opts *o, char **in, int nin)
{
	struct spoor_hashdb_build_opts bo = { 0 };
	struct spoor_hashdb_build_stats bs;
	struct spoor_hashdb_builder *b;
	struct bad_report rep = { NULL, 0, 0 };
	struct spoor_hashdb_info base = { 0 };
	struct spoor_hashdb *first = NULL;
	struct spoor_err err;
	uint64_t bad = 0, total = 0;
	int rc;

	if (!o->output || !strcmp(o->output, "-"))
		cli_usage_error("%s needs -o SET.sdb", o->cmd == CMD_MERGE ?
			    "merge" : o->cmd == CMD_IMPORT ? "import"
			    : "build");
	if (nin < 1 || (o->cmd == CMD_IMPORT && nin < 2))
		cli_usage_error("no %s given", o->cmd == CMD_BUILD ? "INPUT"
			    : o->cmd == CMD_IMPORT ? "SET.sdb and INPUT"
			    : "SET.sdb");
	bo.name = o->name;
	bo.kind = o->kind;
	bo.category = o->category;
	/* import and merge take what the command line does not say from
	 * the first set; merge refuses sets of different kinds */
	if (o->cmd != CMD_BUILD) {
		first = spoor_hashdb_open(in[0], &err);
		if (!first)
			cli_die(cli_exit_for(err.code), "%s", err.msg);
		spoor_hashdb_get_info(first, &base);
		if (!o->kind_set)
			bo.kind = base.kind;
		if (!o->name && o->cmd == CMD_IMPORT)
			bo.name = base.name;
		if (!o->category && *base.category && o->cmd == CMD_IMPORT)
			bo.category = base.category;
	}
	for (int i = 1; o->cmd == CMD_MERGE && i < nin && !o->kind_set; i++) {
		struct spoor_hashdb *db = spoor_hashdb_open(in[i], &err);
		struct spoor_hashdb_info inf;

		if (!db)
			cli_die(cli_exit_for(err.code), "%s", err.msg);
		spoor_hashdb_get_info(db, &inf);
		spoor_hashdb_close(db);
		if (inf.kind != base.kind)
			cli_die(EXIT_USAGE, "'%s' is %s but '%s' is %s: choose "
				"the kind of the merged set with --kind",
				in[0], spoor_hashdb_kind_name(base.kind),
				in[i], spoor_hashdb_kind_name(inf.kind));
	}
	bo.mem_limit = o->mem;
	bo.pdq_max_distance = o->pdq_distance ? o->pdq_distance
			      : base.pdq_max_distance;
	bo.pdq_min_quality = o->pdq_quality ? o->pdq_quality
			     : base.pdq_min_quality;
	bo.on_bad = on_bad;
	bo.userdata = &rep;
	b = spoor_hashdb_builder_new(o->output, &bo, &err);
	if (!b)
		cli_die(cli_exit_for(err.code), "%s", err.msg);
	for (int i = 0; i < nin; i++) {
		struct spoor_hashdb_input_stats st;
		enum spoor_hashdb_format fmt = o->format;

		if (o->cmd == CMD_MERGE || (o->cmd == CMD_IMPORT && i == 0))
			fmt = SPOOR_HDB_FMT_SDB;
		rc = spoor_hashdb_builder_add_file(b, in[i], fmt, &st, &err);
		if (rc) {
			cli_error("%s", err.msg);
			spoor_hashdb_builder_free(b);
			spoor_hashdb_close(first);
			return cli_exit_for(rc);
		}
		input_summary(in[i], &st);
		bad += st.bad;
	}
	rc = spoor_hashdb_builder_finish(b, &bs, &err);
	spoor_hashdb_builder_free(b);
	spoor_hashdb_close(first);
	if (rc) {
		cli_error("%s", err.msg);
		return cli_exit_for(rc);
	}
	if (cli_verbosity() >= 0) {
		for (int a = 0; a < SPOOR_HASH_NALGS; a++)
			if (bs.added[a])
				fprintf(stderr, "%s: %s: %llu %s digests, "
					"%llu unique\n", cli_progname(),
					o->output, (unsigned long long)
					bs.added[a], spoor_hash_name(1u << a),
					(unsigned long long)bs.unique[a]);
		if (bs.pdq_added)
			fprintf(stderr, "%s: %s: %llu PDQ hashes, %llu "
				"unique\n", cli_progname(), o->output,
				(unsigned long long)bs.pdq_added,
				(unsigned long long)bs.pdq_unique);
		if (bs.category_conflicts)
			cli_warn("%llu digests came with more than one "
				 "category: the first seen was kept",
				 (unsigned long long)bs.category_conflicts);
	}
	for (int a = 0; a < SPOOR_HASH_NALGS; a++)
		total += bs.added[a];
	total += bs.pdq_added;	/* a PDQ-only set matches pictures */
	if (!total) {
		/* a set that matches nothing must not look like a check */
		cli_warn("'%s' holds no digests: the inputs gave none (is "
			 "it the format you think?)", o->output);
		return EXIT_PARTIAL;
	}
	return bad ? EXIT_PARTIAL : EXIT_OK;
}

static int cmd_info(const struct opts *o, char **in, int nin)
{
	int exit_code = EXIT_OK;

	if (nin < 1)
		cli_usage_error("no SET.sdb given%s", "");
	for (int i = 0; i < nin; i++) {
		struct spoor_err err;
		struct spoor_hashdb *db = spoor_hashdb_open(in[i], &err);
		struct spoor_hashdb_info inf;
		struct spoor_time t = { 0, 0, true };
		char iso[SPOOR_TIME_STR_MAX];

		if (!db) {
			cli_error("%s", err.msg);
			exit_code = cli_exit_for(err.code);
			continue;
		}
		spoor_hashdb_get_info(db, &inf);
		t.sec = inf.build_time;
		if (i)
			putchar('\n');
		printf("file: %s\nname: %s\nkind: %s\ncategory: %s\n"
		       "version: %u\nbuilt: %s\nsize: %llu\n", in[i],
		       inf.name, spoor_hashdb_kind_name(inf.kind),
		       inf.category, inf.version,
		       spoor_time_iso(&t, iso) ? iso : "?",
		       (unsigned long long)inf.file_size);
		for (int a = 0; a < SPOOR_HASH_NALGS; a++)
			printf("%s: %llu\n", spoor_hash_name(1u << a),
			       (unsigned long long)inf.count[a]);
		if (inf.pdq_count)
			printf("pdq: %llu\npdq-max-distance: %d\n"
			       "pdq-min-quality: %d\n",
			       (unsigned long long)inf.pdq_count,
			       inf.pdq_max_distance, inf.pdq_min_quality);
		printf("categories: %zu\n", inf.ncategories);
		for (size_t k = 0; k < inf.ninputs; k++) {
			const char *name;
			const unsigned char *sha;
			char hex[65];

			spoor_hashdb_input(db, k, &name, &sha);
			spoor_hex(sha, 32, hex);
			printf("input: %s  %s\n", hex, name);
		}
		if (o->verify) {
			if (spoor_hashdb_verify(db, &err)) {
				cli_error("'%s': %s", in[i], err.msg);
				exit_code = EXIT_INPUT;
				printf("verify: failed\n");
			} else {
				printf("verify: ok\n");
			}
		}
		spoor_hashdb_close(db);
	}
	return exit_code;
}

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* Time lookups in-process: half present entries, half random digests. */
static int lookup_bench(struct spoor_hashdb *db, const char *path,
			uint64_t n)
{
	static const unsigned pref[] = { SPOOR_SHA256, SPOOR_MD5, SPOOR_SHA1,
					 SPOOR_SHA512 };
	struct spoor_hashdb_info inf;
	unsigned alg = 0;
	size_t len;
	unsigned char *keys, *hit;
	uint64_t seed = 0x9e3779b97f4a7c15ULL, hits = 0;
	double t0, t1, t2;

	spoor_hashdb_get_info(db, &inf);
	for (size_t i = 0; i < 4 && !alg; i++)
		if (inf.count[__builtin_ctz(pref[i])])
			alg = pref[i];
	if (!alg)
		cli_die(EXIT_INPUT, "'%s' is empty", path);
	len = spoor_hash_len(alg);
	keys = malloc(n * len);
	hit = malloc(n);
	if (!keys || !hit)
		cli_die(EXIT_OUTPUT, "out of memory");
	for (uint64_t i = 0; i < n; i++) {
		unsigned char *k = keys + i * len;

		if (i % 2) {
			const unsigned char *d;
			uint64_t e = xorshift(&seed) %
				     inf.count[__builtin_ctz(alg)];

			spoor_hashdb_entry(db, alg, e, &d, NULL);
			memcpy(k, d, len);
		} else {
			for (size_t j = 0; j < len; j += 8) {
				uint64_t r = xorshift(&seed);

				memcpy(k + j, &r, len - j < 8 ? len - j : 8);
			}
		}
	}
	/* warm: map the pages first, so both loops time lookups, not the
	 * first touch of each page */
	spoor_hashdb_lookup_many(db, alg, keys, n, hit);
	t0 = cli_now();
	for (uint64_t i = 0; i < n; i++)
		hits += spoor_hashdb_lookup(db, alg, keys + i * len, NULL);
	t1 = cli_now();
	spoor_hashdb_lookup_many(db, alg, keys, n, hit);
	t2 = cli_now();
	printf("set: %s\nalgorithm: %s\nentries: %llu\nlookups: %llu\n"
	       "hits: %llu\nsingle: %.3f s, %.0f lookups/s\n"
	       "batched: %.3f s, %.0f lookups/s\n", path,
	       spoor_hash_name(alg),
	       (unsigned long long)inf.count[__builtin_ctz(alg)],
	       (unsigned long long)n, (unsigned long long)hits, t1 - t0,
	       (double)n / (t1 - t0), t2 - t1, (double)n / (t2 - t1));
	free(keys);
	free(hit);
	return EXIT_OK;
}

static int xdigit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int unhex(const char *hex, size_t n, unsigned char *out)
{
	for (size_t i = 0; i < n; i++) {
		int h = xdigit((unsigned char)hex[2 * i]);
		int l = xdigit((unsigned char)hex[2 * i + 1]);

		if (h < 0 || l < 0)
			return -1;
		out[i] = (unsigned char)(h << 4 | l);
	}
	return 0;
}

/* ---- PDQ: near matches ---- */

struct pdq_print {
	const struct spoor_hashdb *db;
	const struct spoor_hashdb_info *info;
	const char *query;
	uint64_t bad_hits;
};

static int pdq_print_one(void *ud, uint64_t i, int d)
{
	struct pdq_print *p = ud;
	struct spoor_pdq_match m;
	char hex[SPOOR_PDQ_HEX];

	spoor_hashdb_pdq_entry(p->db, i, &m);
	spoor_pdq_hex(m.hash, hex);
	printf("%s\t%s\t%s\t%s\t%d\t%s\t", p->query, p->info->name,
	       spoor_hashdb_kind_name(p->info->kind),
	       *m.category ? m.category : "-", d, hex);
	if (m.quality >= 0)
		printf("%d", m.quality);
	else
		putchar('-');
	printf("\t%s\t%s\n", *m.label ? m.label : "-",
	       *m.photodna ? m.photodna : "-");
	p->bad_hits += p->info->kind == SPOOR_HDB_KNOWN_BAD;
	return 0;
}

/* Lines of stdin: a PDQ hash, optionally ",quality" after it. */
static int pdq_lookup(struct spoor_hashdb **dbs,
		      const struct spoor_hashdb_info *infos, int nin)
{
	char line[1024], hex[SPOOR_PDQ_HEX];
	uint64_t lineno = 0, bad = 0, bad_hits = 0;

	while (fgets(line, sizeof(line), stdin)) {
		unsigned char h[SPOOR_PDQ_BYTES];
		size_t n = strcspn(line, ",\t \r\n");

		lineno++;
		if (!line[0] || line[0] == '\n' || line[0] == '#')
			continue;
		if (spoor_pdq_parse(line, n, h)) {
			bad++;
			if (cli_verbosity() >= 1 || bad <= BAD_SHOWN)
				cli_warn("standard input line %llu: not a PDQ "
					 "hash", (unsigned long long)lineno);
			continue;
		}
		spoor_pdq_hex(h, hex);
		for (int i = 0; i < nin; i++) {
			struct pdq_print p = { dbs[i], &infos[i], hex, 0 };

			spoor_hashdb_pdq_search(dbs[i], h, -1, pdq_print_one,
						&p);
			bad_hits += p.bad_hits;
		}
	}
	if (ferror(stdin))
		cli_error("cannot read standard input");
	if (bad)
		cli_warn("%llu lines of standard input were not PDQ hashes",
			 (unsigned long long)bad);
	return bad_hits ? EXIT_NO : ferror(stdin) ? EXIT_INPUT
	       : bad ? EXIT_PARTIAL : EXIT_OK;
}

/* CPU seconds of this thread: the machine may be shared */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int count_many_cb(void *ud, size_t q, uint64_t i, int d)
{
	(void)q;
	(void)i;
	(void)d;
	(*(uint64_t *)ud)++;
	return 0;
}

static int count_cb(void *ud, uint64_t i, int d)
{
	(void)i;
	(void)d;
	(*(uint64_t *)ud)++;
	return 0;
}

/* Brute force over every entry for queries [0, n): hits counted as the
 * index counts them (entries below the quality floor left out). */
static uint64_t pdq_brute(const struct spoor_hashdb *db,
			  const struct spoor_hashdb_info *inf,
			  const unsigned char *q, uint64_t n,
			  unsigned char (*all)[SPOOR_PDQ_BYTES], int maxd)
{
	uint64_t hits = 0;

	for (uint64_t i = 0; i < n; i++)
		for (uint64_t e = 0; e < inf->pdq_count; e++)
			if (spoor_pdq_distance(q + i * SPOOR_PDQ_BYTES,
					       all[e]) <= maxd) {
				struct spoor_pdq_match m;

				spoor_hashdb_pdq_entry(db, e, &m);
				hits += m.quality < 0 ||
					m.quality >= inf->pdq_min_quality;
			}
	return hits;
}

#define BRUTE_MAX 1000	/* queries compared with brute force */

/*
 * N queries (half an entry with up to 40 bits flipped, half random):
 * all through the batched index, all one at a time, and the first
 * BRUTE_MAX by brute force over every entry (its time scaled to N);
 * on those, both index searches must find what brute force finds.
 * Times are CPU seconds of this thread.
 */
static int pdq_bench(struct spoor_hashdb *db, const char *path, uint64_t n)
{
	struct spoor_hashdb_info inf;
	unsigned char *q, (*all)[SPOOR_PDQ_BYTES];
	uint64_t seed = 0x9e3779b97f4a7c15ULL, many = 0, one = 0;
	uint64_t many_sub = 0, one_sub = 0, brute, nb;
	double t0, t1, t2, t3;
	int maxd;

	spoor_hashdb_get_info(db, &inf);
	if (!inf.pdq_count)
		cli_die(EXIT_INPUT, "'%s' has no PDQ hashes", path);
	maxd = inf.pdq_max_distance;
	nb = n < BRUTE_MAX ? n : BRUTE_MAX;
	q = malloc(n * SPOOR_PDQ_BYTES);
	all = malloc(inf.pdq_count * SPOOR_PDQ_BYTES);
	if (!q || !all)
		cli_die(EXIT_PARTIAL, "out of memory");
	for (uint64_t i = 0; i < inf.pdq_count; i++) {
		struct spoor_pdq_match m;

		spoor_hashdb_pdq_entry(db, i, &m);
		memcpy(all[i], m.hash, SPOOR_PDQ_BYTES);
	}
	for (uint64_t i = 0; i < n; i++) {
		unsigned char *k = q + i * SPOOR_PDQ_BYTES;

		if (i % 2) {
			memcpy(k, all[xorshift(&seed) % inf.pdq_count],
			       SPOOR_PDQ_BYTES);
			for (int f = (int)(xorshift(&seed) % 40); f > 0; f--) {
				unsigned bit = (unsigned)(xorshift(&seed) % 256);

				k[bit / 8] ^= (unsigned char)(1u << (bit % 8));
			}
		} else {
			for (int j = 0; j < SPOOR_PDQ_BYTES; j += 8) {
				uint64_t r = xorshift(&seed);

				memcpy(k + j, &r, 8);
			}
		}
	}
	/* warm: map the pages first */
	spoor_hashdb_pdq_search_many(db, q, nb, maxd, count_many_cb,
				     &many_sub);
	many_sub = 0;
	t0 = cpu_now();
	if (spoor_hashdb_pdq_search_many(db, q, n, maxd, count_many_cb,
					 &many))
		cli_die(EXIT_PARTIAL, "out of memory");
	t1 = cpu_now();
	for (uint64_t i = 0; i < n; i++)
		spoor_hashdb_pdq_search(db, q + i * SPOOR_PDQ_BYTES, maxd,
					count_cb, &one);
	t2 = cpu_now();
	brute = pdq_brute(db, &inf, q, nb, all, maxd);
	t3 = cpu_now();
	spoor_hashdb_pdq_search_many(db, q, nb, maxd, count_many_cb,
				     &many_sub);
	for (uint64_t i = 0; i < nb; i++)
		spoor_hashdb_pdq_search(db, q + i * SPOOR_PDQ_BYTES, maxd,
					count_cb, &one_sub);
	printf("set: %s\npdq entries: %llu\nqueries: %llu\nthreshold: %d\n"
	       "index batched: %.3f CPU-s, %llu hits\n"
	       "index one by one: %.3f CPU-s, %llu hits\n"
	       "brute force: %.3f CPU-s for %llu queries, %.3f CPU-s "
	       "scaled to %llu\n"
	       "same hits as brute force on %llu queries: %s (%llu, %llu, "
	       "%llu)\n"
	       "brute force / batched: %.1f\n", path,
	       (unsigned long long)inf.pdq_count, (unsigned long long)n, maxd,
	       t1 - t0, (unsigned long long)many, t2 - t1,
	       (unsigned long long)one, t3 - t2, (unsigned long long)nb,
	       (t3 - t2) * (double)n / (double)nb, (unsigned long long)n,
	       (unsigned long long)nb,
	       brute == many_sub && brute == one_sub ? "yes" : "NO",
	       (unsigned long long)brute, (unsigned long long)many_sub,
	       (unsigned long long)one_sub,
	       (t3 - t2) * (double)n / (double)nb / (t1 - t0));
	free(q);
	free(all);
	return brute == many_sub && brute == one_sub && many == one ?
	       EXIT_OK : EXIT_PARTIAL;
}

static int cmd_lookup(const struct opts *o, char **in, int nin)
{
	struct spoor_hashdb **dbs;
	struct spoor_hashdb_info *infos;
	struct spoor_err err;
	char line[1024];	/* a digest line is short: longer is bad */
	size_t n;
	uint64_t lineno = 0, bad = 0, bad_hits = 0;
	int exit_code;

	if (nin < 1)
		cli_usage_error("no SET.sdb given%s", "");
	dbs = calloc((size_t)nin, sizeof(*dbs));
	infos = calloc((size_t)nin, sizeof(*infos));
	if (!dbs || !infos)
		cli_die(EXIT_OUTPUT, "out of memory");
	for (int i = 0; i < nin; i++) {
		dbs[i] = spoor_hashdb_open(in[i], &err);
		if (!dbs[i])
			cli_die(cli_exit_for(err.code), "%s", err.msg);
		spoor_hashdb_get_info(dbs[i], &infos[i]);
	}
	if (o->bench > 0) {
		exit_code = o->pdq ? pdq_bench(dbs[0], in[0],
					       (uint64_t)o->bench)
			    : lookup_bench(dbs[0], in[0], (uint64_t)o->bench);
		goto out;
	}
	if (o->pdq) {
		exit_code = pdq_lookup(dbs, infos, nin);
		goto out;
	}
	while (fgets(line, sizeof(line), stdin)) {
		unsigned char d[SPOOR_HASH_MAXLEN];
		char *p = line, *tok;
		unsigned alg;
		size_t len;
		bool toolong = false;

		lineno++;
		n = strlen(line);
		if (n && line[n - 1] != '\n' && !feof(stdin)) {
			int c;

			toolong = true;
			while ((c = getchar()) != EOF && c != '\n')
				;
		}
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		if (*p == '\\')
			p++;
		tok = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		len = (size_t)(p - tok);
		alg = len % 2 ? 0 : len == 32 ? SPOOR_MD5 : len == 40
		      ? SPOOR_SHA1 : len == 64 ? SPOOR_SHA256 : len == 128
		      ? SPOOR_SHA512 : 0;
		if (toolong || (alg && unhex(tok, len / 2, d)))
			alg = 0;
		if (!alg) {
			bad++;
			if (cli_verbosity() >= 1 || bad <= BAD_SHOWN)
				cli_warn("standard input line %llu: not a "
					 "digest", (unsigned long long)lineno);
			continue;
		}
		for (int i = 0; i < nin; i++) {
			const char *cat;
			char hex[2 * SPOOR_HASH_MAXLEN + 1];

			if (!spoor_hashdb_lookup(dbs[i], alg, d, &cat))
				continue;
			spoor_hex(d, len / 2, hex);
			printf("%s\t%s\t%s\t%s\n", hex, infos[i].name,
			       spoor_hashdb_kind_name(infos[i].kind),
			       *cat ? cat : "-");
			if (infos[i].kind == SPOOR_HDB_KNOWN_BAD)
				bad_hits++;
		}
	}
	/* a known-bad hit is not hidden by a lesser failure */
	if (bad_hits) {
		exit_code = EXIT_NO;
	} else if (ferror(stdin)) {
		exit_code = EXIT_INPUT;
	} else {
		exit_code = bad ? EXIT_PARTIAL : EXIT_OK;
	}
	if (ferror(stdin))
		cli_error("cannot read standard input");
	if (bad)
		cli_warn("%llu lines of standard input were not digests",
			 (unsigned long long)bad);
out:
	for (int i = 0; i < nin; i++)
		spoor_hashdb_close(dbs[i]);
	free(dbs);
	free(infos);
	return exit_code;
}

int main(int argc, char **argv)
{
	static const struct { const char *name; enum cmd cmd; } cmds[] = {
		{ "build", CMD_BUILD }, { "import", CMD_IMPORT },
		{ "merge", CMD_MERGE }, { "info", CMD_INFO },
		{ "lookup", CMD_LOOKUP },
	};
	struct opts o = { 0 };
	struct spoor_err err;
	int c, rc;
	int64_t v;

	cli_init(argv[0]);
	cli_set_synopsis(synopsis);
	o.format = SPOOR_HDB_FMT_AUTO;
	if (argc > 1)
		for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
			if (!strcmp(argv[1], cmds[i].name)) {
				o.cmd = cmds[i].cmd;
				argv[1] = argv[0];
				argv++;
				argc--;
				break;
			}
	while ((c = getopt_long(argc, argv, "hm:o:qVv", long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(synopsis, stdout);
			fputs(help_text, stdout);
			cli_close_stdout();
			return EXIT_OK;
		case 'm':
			if (cli_parse_size(optarg, &o.mem) ||
			    o.mem < (1 << 20))
				cli_usage_error("-m takes a size of at least 1M, "
					    "not '%s'", optarg);
			break;
		case 'o':
			o.output = optarg;
			break;
		case 'q':
			o.verbose = -1;
			break;
		case 'V':
			cli_version();
		case 'v':
			o.verbose = o.verbose < 0 ? 1 : o.verbose + 1;
			break;
		case OPT_NAME:
			o.name = optarg;
			break;
		case OPT_KIND:
			if (spoor_hashdb_kind_parse(optarg, &o.kind, &err))
				cli_usage_error("%s", err.msg);
			o.kind_set = true;
			break;
		case OPT_CATEGORY:
			o.category = optarg;
			break;
		case OPT_FORMAT:
			if (spoor_hashdb_format_parse(optarg, &o.format, &err)
			    || o.format == SPOOR_HDB_FMT_AUTO)
				cli_usage_error("unknown input format '%s'",
					    optarg);
			break;
		case OPT_VERIFY:
			o.verify = true;
			break;
		case OPT_PDQ:
			o.pdq = true;
			break;
		case OPT_PDQ_DISTANCE:
			if (cli_parse_int(optarg, 1, 64, &v))
				cli_usage_error("--pdq-distance takes 1..64, "
					    "not '%s'", optarg);
			o.pdq_distance = (int)v;
			break;
		case OPT_PDQ_QUALITY:
			if (cli_parse_int(optarg, 1, 100, &v))
				cli_usage_error("--pdq-quality takes 1..100, "
					    "not '%s'", optarg);
			o.pdq_quality = (int)v;
			break;
		case OPT_BENCH:
			if (cli_parse_int(optarg, 1, 1LL << 32, &v))
				cli_usage_error("--bench takes a count, not '%s'",
					    optarg);
			o.bench = v;
			break;
		default:
			cli_usage_error(NULL, NULL);
		}
	}
	cli_set_verbosity(o.verbose);
	switch (o.cmd) {
	case CMD_BUILD:
	case CMD_IMPORT:
	case CMD_MERGE:
		rc = cmd_build(&o, argv + optind, argc - optind);
		break;
	case CMD_INFO:
		rc = cmd_info(&o, argv + optind, argc - optind);
		break;
	case CMD_LOOKUP:
		rc = cmd_lookup(&o, argv + optind, argc - optind);
		break;
	default:
		cli_usage_error(optind < argc ? "unknown command '%s'"
			    : "no command given%s", optind < argc ?
			    argv[optind] : "");
	}
	cli_close_stdout();
	return rc;
}
