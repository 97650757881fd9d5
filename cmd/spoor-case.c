/*
 * spoor-case: create a case, register exhibits, tag findings, list what
 * a case holds, print and verify its chain of custody, and find the
 * identities that several exhibits share.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#include "banned.h"

static const char synopsis[] =
	"usage: spoor-case init CASE --case-id=ID --examiner=NAME\n"
	"                  [--description=TEXT]\n"
	"       spoor-case add CASE EVIDENCE --exhibit=ID [--description=TEXT]\n"
	"                  [--received-from=TEXT] [--progress|--no-progress]\n"
	"       spoor-case tag CASE RECORD-ID... --label=LABEL [--note=TEXT]\n"
	"       spoor-case records CASE [--type=TYPE] [--exhibit=ID]\n"
	"                  [--grep=TEXT] [--format=text|jsonl]\n"
	"       spoor-case show CASE\n"
	"       spoor-case custody CASE [--verify]\n"
	"       spoor-case discard CASE [RUN-ID...] [--note=TEXT]\n"
	"       spoor-case identities CASE [--min-exhibits=N]\n"
	"                  [--format=text|jsonl]\n"
	"       spoor-case similar CASE [--max-distance=N] [--min-quality=Q]\n"
	"                  [--min-exhibits=N] [--format=text|jsonl]\n"
	"       spoor-case timeline CASE [--exhibit=ID] [--kind=KIND]...\n"
	"                  [--identity=ID] [--tag=LABEL] [--from=TIME]\n"
	"                  [--to=TIME] [--tz=ZONE] [--format=text|csv|jsonl]\n"
	"       spoor-case search CASE --terms=FILE [--tag=LABEL] [--cc=CC]\n"
	"                  [--format=text|csv|jsonl]\n"
	"       spoor-case [-hqVv]\n";

static const char help_text[] =
	"\n"
	"A case is a directory with case.db (SQLite) and custody.log, a\n"
	"hash-chained log of everything done to the exhibits.\n"
	"\n"
	"  init        create CASE\n"
	"  add         register EVIDENCE (image, device or directory) as an\n"
	"              exhibit: SHA-256, MD5, SHA-1, size, acquisition log\n"
	"  tag         mark records (ids from 'records') for the report\n"
	"  records     list stored records: id, type, exhibit, time, summary\n"
	"  show        exhibits, runs and tags\n"
	"  custody     print custody.log; --verify checks the chain, that\n"
	"              case.db and the log agree, and that no run is left\n"
	"              unfinished\n"
	"  discard     remove unfinished runs whose tool was killed (all, or\n"
	"              the RUN-IDs), or the records of committed RUN-IDs\n"
	"              (--note says why), each with a custody event\n"
	"  identities  phone numbers, WhatsApp/Telegram ids and e-mail\n"
	"              addresses seen in more than one exhibit or source\n"
	"  similar     pictures whose PDQ hashes are within --max-distance\n"
	"              (default 31) of each other, grouped, in groups that\n"
	"              span --min-exhibits (default 2) exhibits; pictures of\n"
	"              quality below --min-quality (default 50) left out\n"
	"  timeline    one list in time order: file MACB times, messages,\n"
	"              calls, contacts, exhibits and custody events, in UTC\n"
	"              and in --tz (default Europe/Amsterdam); --kind is\n"
	"              file, message, call, contact, exhibit or custody;\n"
	"              --from/--to are UTC, YYYY-MM-DD[THH:MM[:SS]]\n"
	"  search      terms of FILE (a line each: TERM, re:REGEX or @iban,\n"
	"              @bitcoin, @ethereum, @email, @url, @phone; optional\n"
	"              TAB category TAB label) in message texts, contact\n"
	"              names and file paths, case and diacritics folded;\n"
	"              --tag tags every record hit\n"
	"\n"
	"Tools record into a case with -C CASE (spoor-files, spoor-artifacts,\n"
	"spoor-acquire).\n"
	"\n"
	"Exit: 0 ok; 1 custody --verify found the log broken or a run\n"
	"unfinished, or add found the media hashes stored in a container\n"
	"differ from its data; 2 usage (also an unknown exhibit, record or\n"
	"run id); 3 case or evidence unreadable, locked, or of a newer\n"
	"schema; 4 output failed; 5 add registered a container whose media\n"
	"could not all be read, or timeline found times it cannot place;\n"
	"130 interrupted.  See spoor-case(1).\n";

enum {
	OPT_CASE_ID = 256, OPT_EXAMINER, OPT_DESCRIPTION, OPT_EXHIBIT,
	OPT_RECEIVED_FROM, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_LABEL, OPT_NOTE,
	OPT_TYPE, OPT_GREP, OPT_FORMAT, OPT_VERIFY, OPT_MIN_EXHIBITS,
	OPT_MAX_DISTANCE, OPT_MIN_QUALITY,
	OPT_KIND, OPT_IDENTITY, OPT_TAG, OPT_FROM, OPT_TO, OPT_TZ,
	OPT_TERMS, OPT_CC,
};

#define MAX_KINDS 16

static const struct option long_opts[] = {
	{ "case-id", required_argument, NULL, OPT_CASE_ID },
	{ "cc", required_argument, NULL, OPT_CC },
	{ "description", required_argument, NULL, OPT_DESCRIPTION },
	{ "examiner", required_argument, NULL, OPT_EXAMINER },
	{ "exhibit", required_argument, NULL, OPT_EXHIBIT },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "grep", required_argument, NULL, OPT_GREP },
	{ "help", no_argument, NULL, 'h' },
	{ "identity", required_argument, NULL, OPT_IDENTITY },
	{ "kind", required_argument, NULL, OPT_KIND },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "max-distance", required_argument, NULL, OPT_MAX_DISTANCE },
	{ "min-exhibits", required_argument, NULL, OPT_MIN_EXHIBITS },
	{ "min-quality", required_argument, NULL, OPT_MIN_QUALITY },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "note", required_argument, NULL, OPT_NOTE },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "received-from", required_argument, NULL, OPT_RECEIVED_FROM },
	{ "tag", required_argument, NULL, OPT_TAG },
	{ "terms", required_argument, NULL, OPT_TERMS },
	{ "to", required_argument, NULL, OPT_TO },
	{ "type", required_argument, NULL, OPT_TYPE },
	{ "tz", required_argument, NULL, OPT_TZ },
	{ "verbose", no_argument, NULL, 'v' },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Every option of every command; each command checks what it allows. */
struct args {
	const char *case_id, *examiner, *description, *exhibit;
	const char *received_from, *label, *note, *type, *grep;
	const char *format;
	const char *identity, *tag, *from, *to, *tz, *terms, *cc;
	const char *kinds[MAX_KINDS + 1];
	int nkinds;
	int progress;
	bool verify, min_quality_set;
	int64_t min_exhibits, max_distance, min_quality;
	char **pos;		/* positional arguments */
	int npos;
};

static void parse(int argc, char **argv, struct args *a)
{
	int verbose = 0, c;

	memset(a, 0, sizeof(*a));
	a->progress = -1;
	a->format = "text";
	while ((c = getopt_long(argc, argv, "hqVv", long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(synopsis, stdout);
			fputs(help_text, stdout);
			cli_close_stdout();
			exit(EXIT_OK);
		case 'q':
			verbose = -1;
			break;
		case 'V':
			cli_version();
		case 'v':
			verbose = verbose < 0 ? 1 : verbose + 1;
			break;
		case OPT_CASE_ID: a->case_id = optarg; break;
		case OPT_CC: a->cc = optarg; break;
		case OPT_DESCRIPTION: a->description = optarg; break;
		case OPT_EXAMINER: a->examiner = optarg; break;
		case OPT_EXHIBIT: a->exhibit = optarg; break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") && strcmp(optarg, "jsonl")
			    && strcmp(optarg, "csv"))
				cli_usage_error("--format is text, csv or "
						"jsonl, not '%s'", optarg);
			a->format = optarg;
			break;
		case OPT_FROM: a->from = optarg; break;
		case OPT_GREP: a->grep = optarg; break;
		case OPT_IDENTITY: a->identity = optarg; break;
		case OPT_KIND:
			if (a->nkinds == MAX_KINDS)
				cli_usage_error("too many --kind%s", "");
			a->kinds[a->nkinds++] = optarg;
			break;
		case OPT_LABEL: a->label = optarg; break;
		case OPT_MIN_EXHIBITS:
			if (cli_parse_int(optarg, 1, 1000000,
					  &a->min_exhibits))
				cli_usage_error("--min-exhibits takes a number "
						"from 1, not '%s'", optarg);
			break;
		case OPT_MAX_DISTANCE:
			if (cli_parse_int(optarg, 1, 47, &a->max_distance))
				cli_usage_error("--max-distance takes 1..47, "
						"not '%s'", optarg);
			break;
		case OPT_MIN_QUALITY:
			if (cli_parse_int(optarg, 0, 100, &a->min_quality))
				cli_usage_error("--min-quality takes 0..100, "
						"not '%s'", optarg);
			a->min_quality_set = true;
			break;
		case OPT_NO_PROGRESS: a->progress = 0; break;
		case OPT_NOTE: a->note = optarg; break;
		case OPT_PROGRESS: a->progress = 1; break;
		case OPT_RECEIVED_FROM: a->received_from = optarg; break;
		case OPT_TAG: a->tag = optarg; break;
		case OPT_TERMS: a->terms = optarg; break;
		case OPT_TO: a->to = optarg; break;
		case OPT_TZ: a->tz = optarg; break;
		case OPT_TYPE: a->type = optarg; break;
		case OPT_VERIFY: a->verify = true; break;
		default:
			cli_usage_error(NULL, NULL);
		}
	}
	cli_set_verbosity(verbose);
	a->pos = argv + optind;
	a->npos = argc - optind;
}

static struct spoor_case *open_case(const char *dir, bool writable)
{
	struct spoor_err err;
	struct spoor_case *c = spoor_case_open(dir, writable, &err);

	if (!c)
		cli_die(EXIT_INPUT, "%s", err.msg);
	return c;
}

/* ---- printing rows ---- */

static const struct spoor_field *fld(const struct spoor_record *r,
				     const char *key)
{
	const struct spoor_field *f = spoor_record_get(r, key);

	return f && f->kind != SPOOR_F_NULL ? f : NULL;
}

/* A text field for the terminal: control bytes as '?', at most max
 * bytes (0: all), "-" when null. */
static void put(const struct spoor_record *r, const char *key, size_t max)
{
	const struct spoor_field *f = fld(r, key);

	if (!f) {
		fputc('-', stdout);
		return;
	}
	if (f->kind == SPOOR_F_INT) {
		printf("%" PRId64, f->v.i);
		return;
	}
	if (f->kind != SPOOR_F_STR)
		return;
	for (size_t i = 0; i < f->v.str.len && (!max || i < max); i++) {
		unsigned char c = (unsigned char)f->v.str.ptr[i];

		fputc(c < 0x20 || c == 0x7f ? '?' : c, stdout);
	}
	if (max && f->v.str.len > max)
		fputs("...", stdout);
}

static int64_t num(const struct spoor_record *r, const char *key)
{
	const struct spoor_field *f = fld(r, key);

	return f && f->kind == SPOOR_F_INT ? f->v.i : -1;
}

static const char *cur_format = "text";
static struct spoor_writer *cur_writer;

static int write_jsonl(const struct spoor_record *r)
{
	struct spoor_err err;

	if (spoor_writer_write(cur_writer, r, &err))
		cli_die(EXIT_OUTPUT, "%s", err.msg);
	return 0;
}

static int row_record(void *ud, const struct spoor_record *r)
{
	(void)ud;
	if (cur_writer) {
		/* the stored JSONL line with its RECORD-ID in front */
		const struct spoor_field *j = fld(r, "json");
		const struct spoor_field *id = fld(r, "id");

		if (j && j->kind == SPOOR_F_STR && j->v.str.len >= 2 &&
		    j->v.str.ptr[0] == '{' && id && id->kind == SPOOR_F_INT) {
			printf("{\"record_id\":%lld%s", (long long)id->v.i,
			       j->v.str.len > 2 ? "," : "");
			fwrite(j->v.str.ptr + 1, 1, j->v.str.len - 1, stdout);
			fputc('\n', stdout);
		}
		return 0;
	}
	put(r, "id", 0);
	fputc('\t', stdout);
	put(r, "rtype", 0);
	fputc('\t', stdout);
	put(r, "exhibit", 0);
	fputc('\t', stdout);
	put(r, "time", 0);
	fputc('\t', stdout);
	put(r, "summary", 100);
	fputc('\n', stdout);
	return 0;
}

static int row_exhibit(void *ud, const struct spoor_record *r)
{
	(void)ud;
	fputs("exhibit ", stdout);
	put(r, "exhibit", 0);
	fputs(" (", stdout);
	put(r, "kind", 0);
	printf(", %" PRId64 " bytes)\n  path:     ", num(r, "size"));
	put(r, "path", 0);
	fputs("\n  sha256:   ", stdout);
	put(r, "sha256", 0);
	fputs("\n  md5:      ", stdout);
	put(r, "md5", 0);
	fputs("\n  sha1:     ", stdout);
	put(r, "sha1", 0);
	fputs("\n  added:    ", stdout);
	put(r, "added", 0);
	printf(" (custody seq %" PRId64 ")\n", num(r, "custody_seq"));
	if (fld(r, "description")) {
		fputs("  about:    ", stdout);
		put(r, "description", 0);
		fputc('\n', stdout);
	}
	if (fld(r, "received_from")) {
		fputs("  from:     ", stdout);
		put(r, "received_from", 0);
		fputc('\n', stdout);
	}
	printf("  acquisition log: %s\n", fld(r, "acquisition_log")
	       ? "yes" : "none");
	if (fld(r, "media_format")) {
		fputs("  media:    ", stdout);
		put(r, "media_format", 0);
		fputs(", ", stdout);
		put(r, "media_verified", 0);
		fputs("\n    md5     stored ", stdout);
		put(r, "media_stored_md5", 0);
		fputs(" computed ", stdout);
		put(r, "media_md5", 0);
		fputs("\n    sha1    stored ", stdout);
		put(r, "media_stored_sha1", 0);
		fputs(" computed ", stdout);
		put(r, "media_sha1", 0);
		fputs("\n    sha256  computed ", stdout);
		put(r, "media_sha256", 0);
		fputc('\n', stdout);
		if (fld(r, "media_error")) {
			fputs("    ", stdout);
			put(r, "media_error", 0);
			fputc('\n', stdout);
		}
	}
	return 0;
}

static int row_run(void *ud, const struct spoor_record *r)
{
	(void)ud;
	printf("run %" PRId64 ": ", num(r, "id"));
	put(r, "tool", 0);
	fputc(' ', stdout);
	put(r, "version", 0);
	fputs(" on ", stdout);
	put(r, "exhibit", 0);
	fputs(", ", stdout);
	put(r, "started", 0);
	fputs(" .. ", stdout);
	put(r, "finished", 0);
	printf(", exit %s%" PRId64 ", %" PRId64 " records, custody seq ",
	       fld(r, "exit_code") ? "" : "-", fld(r, "exit_code")
	       ? num(r, "exit_code") : 0, num(r, "records"));
	put(r, "custody_seq", 0);
	fputs(", ", stdout);
	put(r, "state", 0);
	if (fld(r, "replaced_by"))
		printf(" by run %" PRId64, num(r, "replaced_by"));
	if (num(r, "staged") > 0)
		printf(" (%" PRId64 " records staged, not part of the case)",
		       num(r, "staged"));
	fputs("\n  ", stdout);
	put(r, "parameters", 200);
	fputc('\n', stdout);
	return 0;
}

static int row_tag(void *ud, const struct spoor_record *r)
{
	(void)ud;
	printf("tag %" PRId64 ": record %" PRId64 " (", num(r, "id"),
	       num(r, "record_id"));
	put(r, "rtype", 0);
	fputs(", ", stdout);
	put(r, "exhibit", 0);
	fputs(") '", stdout);
	put(r, "label", 0);
	fputs("' by ", stdout);
	put(r, "examiner", 0);
	fputs(", ", stdout);
	put(r, "time", 0);
	if (fld(r, "note")) {
		fputs(": ", stdout);
		put(r, "note", 0);
	}
	fputc('\n', stdout);
	return 0;
}

static int row_event(void *ud, const struct spoor_record *r)
{
	(void)ud;
	put(r, "seq", 0);
	fputs("  ", stdout);
	put(r, "time", 0);
	fputs("  ", stdout);
	put(r, "event", 0);
	fputs("  exhibit ", stdout);
	put(r, "exhibit", 0);
	fputs("  by ", stdout);
	put(r, "examiner", 0);
	if (fld(r, "tool")) {
		fputs("  with ", stdout);
		put(r, "tool", 0);
	}
	fputs("\n      ", stdout);
	put(r, "purpose", 0);
	if (fld(r, "label")) {
		fputs(": '", stdout);
		put(r, "label", 0);
		fputc('\'', stdout);
	}
	if (fld(r, "note")) {
		fputs(" - ", stdout);
		put(r, "note", 0);
	}
	if (fld(r, "item_sha256")) {
		fputs("\n      sha256 ", stdout);
		put(r, "item_sha256", 0);
	}
	fputs("\n      hash ", stdout);
	put(r, "hash", 0);
	fputc('\n', stdout);
	return 0;
}

/* ---- identities (the text form is shared with spoor-artifacts) ---- */

static struct cli_identity_text id_text;

static int row_identity(void *ud, const struct spoor_record *r)
{
	(void)ud;
	if (cur_writer)
		return write_jsonl(r);
	return cli_identity_text(&id_text, r);
}

static void list(struct spoor_case *c, enum spoor_case_view v,
		 const struct spoor_case_filter *f, spoor_artifact_cb *cb)
{
	struct spoor_err err;

	if (spoor_case_list(c, v, f, cb, NULL, &err))
		cli_die(cli_exit_for(err.code), "%s", err.msg);
}

/* ---- commands ---- */

static int cmd_init(struct args *a)
{
	struct spoor_case_new_opts o = { a->case_id, a->examiner,
					 a->description };
	struct spoor_err err;

	if (a->npos != 1)
		cli_usage_error("init takes one CASE%s", "");
	if (!a->case_id || !a->examiner)
		cli_usage_error("init needs --case-id and --examiner%s", "");
	if (spoor_case_create(a->pos[0], &o, &err))
		cli_die(cli_exit_for(err.code == SPOOR_EIO ? SPOOR_EOUTPUT
				     : err.code), "%s", err.msg);
	if (cli_verbosity() >= 0)
		fprintf(stderr, "%s: created case '%s' in '%s'\n",
			cli_progname(), a->case_id, a->pos[0]);
	return EXIT_OK;
}

struct add_progress {
	struct cli_progress bar;
};

static void on_progress(void *ud, const struct spoor_progress *p)
{
	struct add_progress *ap = ud;

	cli_progress_update(&ap->bar, p);
}

/* One hash of a container's media: "  md5     stored X computed Y". */
static void media_line(const struct spoor_case_exhibit *e, unsigned alg)
{
	char hex[2 * SPOOR_HASH_MAXLEN + 1];

	printf("  %-7s stored ", spoor_hash_name(alg));
	if (e->media_stored.mask & alg) {
		spoor_hex(spoor_digest_get(&e->media_stored, alg),
			  spoor_hash_len(alg), hex);
		fputs(hex, stdout);
	} else {
		fputs("-", stdout);
	}
	fputs(" computed ", stdout);
	if (e->media_computed.mask & alg) {
		spoor_hex(spoor_digest_get(&e->media_computed, alg),
			  spoor_hash_len(alg), hex);
		fputs(hex, stdout);
	} else {
		fputs("-", stdout);
	}
	fputc('\n', stdout);
}

/* A container's media on stdout, as ewfverify puts it: stored and
 * computed hashes.  Returns the exit code it calls for. */
static int media_report(const struct spoor_case_exhibit *e,
			const char *path)
{
	int code = EXIT_OK;

	if (!e->media_json)
		return EXIT_OK;
	printf("media: %s\n", spoor_media_verdict_name(e->media_verdict));
	media_line(e, SPOOR_MD5);
	media_line(e, SPOOR_SHA1);
	media_line(e, SPOOR_SHA256);
	if (e->media_error[0]) {
		cli_warn("'%s': %s", path, e->media_error);
		code = EXIT_PARTIAL;
	}
	if (e->media_verdict == SPOOR_MEDIA_MISMATCH) {
		cli_error("'%s': a media hash stored in the container differs "
			  "from the hash of its data (registered as received; "
			  "see spoor-case show)", path);
		code = cli_exit_merge(code, EXIT_NO);
	} else if (e->media_verdict == SPOOR_MEDIA_NOT_STORED) {
		cli_warn("'%s': the container stores no media hash to check "
			 "its data against", path);
	}
	return code;
}

static int cmd_add(struct args *a, int argc, char **argv)
{
	struct spoor_case_exhibit e;
	struct add_progress ap;
	struct spoor_case *c;
	struct spoor_err err;
	char sha[65];
	uint64_t seq;
	int rc, exit_code;

	if (a->npos != 2)
		cli_usage_error("add takes CASE and EVIDENCE%s", "");
	if (!a->exhibit)
		cli_usage_error("add needs --exhibit=ID%s", "");
	c = open_case(a->pos[0], true);
	memset(&e, 0, sizeof(e));
	if (!spoor_case_exhibit_find(c, NULL, a->exhibit, NULL, NULL, NULL)) {
		spoor_case_close(c);
		cli_die(EXIT_USAGE, "exhibit '%s' is already registered",
			a->exhibit);
	}
	cli_progress_init(&ap.bar, a->progress);
	rc = spoor_case_exhibit_hash(a->pos[1], &e, on_progress, &ap, &err);
	cli_progress_clear(&ap.bar);
	if (rc) {
		spoor_case_exhibit_release(&e);
		spoor_case_close(c);
		cli_die(cli_exit_for(rc), "%s", err.msg);
	}
	e.exhibit = a->exhibit;
	e.description = a->description;
	e.received_from = a->received_from;
	e.tool = "spoor-case";
	e.parameters = (const char *const *)argv;
	(void)argc;
	rc = spoor_case_exhibit_add(c, &e, &seq, &err);
	if (rc) {
		spoor_case_exhibit_release(&e);
		spoor_case_close(c);
		cli_die(cli_exit_named(rc), "%s", err.msg);
	}
	spoor_hex(e.digests.sha256, 32, sha);
	printf("%s\t%s\t%s\t%" PRIu64 "\t%s\n", a->exhibit, e.kind, sha,
	       e.size, e.path);
	exit_code = media_report(&e, a->pos[1]);
	if (e.skipped)
		cli_warn("'%s': %" PRIu64 " entries that are not regular files "
			 "or directories (links, devices) were not hashed",
			 a->pos[1], e.skipped);
	if (e.log_path && cli_verbosity() >= 0)
		fprintf(stderr, "%s: acquisition log '%s' stored with the "
			"exhibit\n", cli_progname(), e.log_path);
	spoor_case_exhibit_release(&e);
	spoor_case_close(c);
	return exit_code;
}

static int cmd_tag(struct args *a)
{
	struct spoor_case *c;
	struct spoor_err err;
	int64_t *ids;
	int n = a->npos - 1, rc;

	if (n < 1)
		cli_usage_error("tag takes CASE and RECORD-IDs%s", "");
	if (!a->label)
		cli_usage_error("tag needs --label%s", "");
	ids = calloc((size_t)n, sizeof(*ids));
	if (!ids)
		cli_die(EXIT_OUTPUT, "out of memory");
	for (int i = 0; i < n; i++)
		if (cli_parse_int(a->pos[i + 1], 1, INT64_MAX, &ids[i])) {
			free(ids);
			cli_usage_error("'%s' is not a record id",
					a->pos[i + 1]);
		}
	c = open_case(a->pos[0], true);
	rc = spoor_case_tag(c, ids, (size_t)n, a->label, a->note, NULL, &err);
	free(ids);
	spoor_case_close(c);
	if (rc)
		cli_die(cli_exit_named(rc), "%s", err.msg);
	return EXIT_OK;
}

static void writer_start(void)
{
	struct spoor_err err;

	if (strcmp(cur_format, "jsonl"))
		return;
	cur_writer = spoor_writer_new(stdout, SPOOR_FMT_JSONL, NULL, NULL,
				      &err);
	if (!cur_writer)
		cli_die(EXIT_OUTPUT, "%s", err.msg);
}

static void writer_done(void)
{
	struct spoor_err err;

	if (cur_writer && spoor_writer_finish(cur_writer, &err))
		cli_die(EXIT_OUTPUT, "%s", err.msg);
	spoor_writer_free(cur_writer);
	cur_writer = NULL;
}

static int cmd_records(struct args *a)
{
	struct spoor_case_filter f = { a->type, a->exhibit, a->grep, 0 };
	struct spoor_case *c;

	if (a->npos != 1)
		cli_usage_error("records takes one CASE%s", "");
	c = open_case(a->pos[0], false);
	cur_format = a->format;
	writer_start();
	list(c, SPOOR_CASE_RECORDS, &f, row_record);
	writer_done();
	spoor_case_close(c);
	return EXIT_OK;
}

static int cmd_show(struct args *a)
{
	struct spoor_case *c;

	if (a->npos != 1)
		cli_usage_error("show takes one CASE%s", "");
	c = open_case(a->pos[0], false);
	printf("case %s, examiner %s, created %s (spoor %s)\n",
	       spoor_case_get(c, "case_id"), spoor_case_get(c, "examiner"),
	       spoor_case_get(c, "created"),
	       spoor_case_get(c, "spoor_version"));
	if (*spoor_case_get(c, "description"))
		printf("  %s\n", spoor_case_get(c, "description"));
	fputs("\n", stdout);
	list(c, SPOOR_CASE_EXHIBITS, NULL, row_exhibit);
	fputs("\n", stdout);
	list(c, SPOOR_CASE_RUNS, NULL, row_run);
	fputs("\n", stdout);
	list(c, SPOOR_CASE_TAGS, NULL, row_tag);
	spoor_case_close(c);
	return EXIT_OK;
}

/* An unfinished run, for custody --verify. */
static int row_unfinished(void *ud, const struct spoor_record *r)
{
	const struct spoor_field *live = spoor_record_get(r, "live");
	uint64_t *n = ud;

	(*n)++;
	printf("unfinished: run %" PRId64 " (", num(r, "id"));
	put(r, "tool", 0);
	fputs(" on ", stdout);
	put(r, "exhibits", 0);
	fputs(", started ", stdout);
	put(r, "started", 0);
	printf(", %" PRId64 " records staged, none part of the case): ",
	       num(r, "staged"));
	if (live && live->kind == SPOOR_F_BOOL && live->v.b)
		fputs("still running\n", stdout);
	else
		fputs("abandoned, its tool was killed or crashed (remove it "
		      "with 'spoor-case discard')\n", stdout);
	return 0;
}

static int cmd_custody(struct args *a)
{
	struct spoor_custody_check chk;
	uint64_t unfinished = 0;
	struct spoor_case *c;
	struct spoor_err err;
	int rc;

	if (a->npos != 1)
		cli_usage_error("custody takes one CASE%s", "");
	c = open_case(a->pos[0], false);
	if (!a->verify) {
		list(c, SPOOR_CASE_CUSTODY, NULL, row_event);
		spoor_case_close(c);
		return EXIT_OK;
	}
	rc = spoor_case_custody_verify(c, &chk, &err);
	if (rc == SPOOR_EFORMAT || rc == SPOOR_ELIMIT) {
		spoor_case_close(c);
		printf("BROKEN at line %" PRIu64 ": %s\n", chk.bad_line,
		       err.msg);
		return EXIT_NO;
	}
	if (rc) {
		spoor_case_close(c);
		cli_die(cli_exit_for(rc), "%s", err.msg);
	}
	/* the chain is whole; a run left unfinished is not a finished
	 * case either */
	rc = spoor_case_unfinished(c, row_unfinished, &unfinished, &err);
	spoor_case_close(c);
	if (rc)
		cli_die(cli_exit_for(rc), "%s", err.msg);
	if (unfinished) {
		printf("UNFINISHED: %" PRIu64 " run%s (above); the chain of "
		       "%" PRIu64 " events is intact, head %s\n", unfinished,
		       unfinished == 1 ? "" : "s", chk.count, chk.head);
		return EXIT_NO;
	}
	printf("OK: %" PRIu64 " events, head %s\n", chk.count, chk.head);
	return EXIT_OK;
}

static int cmd_discard(struct args *a)
{
	struct spoor_case *c;
	struct spoor_err err;
	uint64_t done = 0;
	int64_t *ids = NULL;
	int n = a->npos - 1, rc;

	if (a->npos < 1)
		cli_usage_error("discard takes CASE and RUN-IDs%s", "");
	if (n > 0 && !(ids = calloc((size_t)n, sizeof(*ids))))
		cli_die(EXIT_OUTPUT, "out of memory");
	for (int i = 0; i < n; i++)
		if (cli_parse_int(a->pos[i + 1], 1, INT64_MAX, &ids[i])) {
			free(ids);
			cli_usage_error("'%s' is not a run id", a->pos[i + 1]);
		}
	c = open_case(a->pos[0], true);
	rc = spoor_case_discard(c, ids, (size_t)n, a->note, &done, &err);
	free(ids);
	spoor_case_close(c);
	if (cli_verbosity() >= 0 && (done || !rc))
		fprintf(stderr, "%s: %" PRIu64 " run%s discarded\n",
			cli_progname(), done, done == 1 ? "" : "s");
	if (rc)
		cli_die(cli_exit_named(rc), "%s", err.msg);
	return EXIT_OK;
}

static int cmd_identities(struct args *a)
{
	struct spoor_case_filter f = { 0 };
	struct spoor_case *c;

	if (a->npos != 1)
		cli_usage_error("identities takes one CASE%s", "");
	f.min_exhibits = a->min_exhibits;
	c = open_case(a->pos[0], false);
	cur_format = a->format;
	writer_start();
	id_text.f = stdout;
	list(c, SPOOR_CASE_IDENTITIES, &f, row_identity);
	writer_done();
	spoor_case_close(c);
	return EXIT_OK;
}

/* ---- similar: pictures across exhibits (PDQ) ---- */

static int row_similar(void *ud, const struct spoor_record *r)
{
	int64_t *last = ud, g = num(r, "group");

	if (cur_writer)
		return write_jsonl(r);
	if (g != *last)
		printf("%sgroup %" PRId64 " (%" PRId64 " exhibits)\n",
		       *last ? "\n" : "", g, num(r, "exhibits"));
	*last = g;
	fputs("  ", stdout);
	put(r, "exhibit", 16);
	printf("  %3" PRId64 "  ", num(r, "distance"));
	put(r, "path", 0);
	fputs("\n", stdout);
	return 0;
}

static int cmd_similar(struct args *a)
{
	struct spoor_similar_opts so = { 0 };
	struct spoor_case *c;
	struct spoor_err err;
	int64_t last = 0;
	int rc;

	if (a->npos != 1)
		cli_usage_error("similar takes one CASE%s", "");
	so.max_distance = (int)a->max_distance;
	so.min_quality = a->min_quality_set ? (int)a->min_quality : 0;
	if (a->min_quality_set && !a->min_quality)
		so.min_quality = -1;
	so.min_exhibits = a->min_exhibits;
	c = open_case(a->pos[0], false);
	cur_format = a->format;
	writer_start();
	if (!cur_writer)
		printf("group, exhibit, distance to the nearest picture of "
		       "the group, path\n");
	rc = spoor_case_similar(c, &so, row_similar, &last, &err);
	writer_done();
	spoor_case_close(c);
	if (rc)
		cli_die(cli_exit_for(rc), "%s", err.msg);
	return EXIT_OK;
}

/* Open the case of a command that lists what it finds there (writable
 * when it also tags it) and start the output of a->format: CSV of cols,
 * else JSON Lines or text. */
static struct spoor_case *open_for_read(const struct args *a,
					bool writable,
					const char *const *cols)
{
	struct spoor_case *c = open_case(a->pos[0], writable);
	struct spoor_err err;

	if (!strcmp(a->format, "csv")) {
		cur_writer = spoor_writer_new(stdout, SPOOR_FMT_CSV, cols,
					      NULL, &err);
		if (!cur_writer)
			cli_die(EXIT_OUTPUT, "%s", err.msg);
	} else {
		cur_format = a->format;
		writer_start();
	}
	return c;
}

/* ---- timeline ---- */

static const char *const timeline_cols[] = {
	"time", "time_local", "time_zone", "time_quality", "kind", "macb",
	"exhibit", "source", "summary", "record_id", "custody_seq", NULL
};

static int row_timeline(void *ud, const struct spoor_record *r)
{
	(void)ud;
	if (cur_writer)
		return write_jsonl(r);
	put(r, "time", 0);
	fputs("  ", stdout);
	put(r, "time_local", 0);
	if (fld(r, "time_quality")) {
		fputs(" (", stdout);
		put(r, "time_quality", 0);
		fputc(')', stdout);
	}
	fputs("  ", stdout);
	put(r, "kind", 0);
	fputs("  ", stdout);
	put(r, "exhibit", 0);
	fputs("  ", stdout);
	put(r, "source", 0);
	fputs("  ", stdout);
	put(r, "summary", 200);
	if (fld(r, "record_id"))
		printf("  [record %" PRId64 "]", num(r, "record_id"));
	else if (fld(r, "custody_seq"))
		printf("  [custody %" PRId64 "]", num(r, "custody_seq"));
	fputc('\n', stdout);
	return 0;
}

static int cmd_timeline(struct args *a)
{
	struct spoor_timeline_opts o = { 0 };
	struct spoor_case *c;
	struct spoor_err err;
	uint64_t unplaced = 0;
	struct spoor_tz *tz;
	int rc;

	if (a->npos != 1)
		cli_usage_error("timeline takes one CASE%s", "");
	tz = cli_tz_arg("--tz", a->tz ? a->tz : "Europe/Amsterdam");
	o.exhibit = a->exhibit;
	o.kinds = a->nkinds ? a->kinds : NULL;
	o.identity = a->identity;
	o.tag = a->tag;
	o.from = a->from;
	o.to = a->to;
	o.tz = tz;
	c = open_for_read(a, false, timeline_cols);
	rc = spoor_case_timeline(c, &o, row_timeline, NULL, &unplaced, &err);
	writer_done();
	spoor_case_close(c);
	spoor_tz_free(tz);
	if (rc == SPOOR_EINVAL)
		cli_usage_error("%s", err.msg);
	if (rc)
		cli_die(cli_exit_for(rc), "%s", err.msg);
	if (unplaced) {
		cli_warn("%" PRIu64 " entr%s with a time that is not ISO 8601 "
			 "could not be placed and are not listed", unplaced,
			 unplaced == 1 ? "y" : "ies");
		return EXIT_PARTIAL;
	}
	return EXIT_OK;
}

/* ---- search ---- */

static const char *const hit_cols[] = {
	"record_id", "rtype", "exhibit", "field", "term", "category",
	"label", "match", "normalized", "checksum", "excerpt", NULL
};

static int row_hit(void *ud, const struct spoor_record *r)
{
	(void)ud;
	if (cur_writer)
		return write_jsonl(r);
	printf("record %" PRId64 "  ", num(r, "record_id"));
	put(r, "exhibit", 0);
	fputs("  ", stdout);
	put(r, "rtype", 0);
	fputc('.', stdout);
	put(r, "field", 0);
	fputs("  ", stdout);
	put(r, "term", 0);
	if (fld(r, "category") || fld(r, "label")) {
		fputs(" (", stdout);
		put(r, "category", 0);
		fputs(", ", stdout);
		put(r, "label", 0);
		fputc(')', stdout);
	}
	fputs(": ", stdout);
	put(r, "match", 0);
	if (fld(r, "checksum")) {
		fputs(" [checksum ", stdout);
		put(r, "checksum", 0);
		fputc(']', stdout);
	}
	fputs("\n    ", stdout);
	put(r, "excerpt", 0);
	fputc('\n', stdout);
	return 0;
}

static int cmd_search(struct args *a)
{
	struct spoor_search *s;
	struct spoor_case *c;
	struct spoor_err err;
	uint64_t hits = 0;
	int rc;

	if (a->npos != 1)
		cli_usage_error("search takes one CASE%s", "");
	if (!a->terms)
		cli_usage_error("search needs --terms=FILE%s", "");
	rc = spoor_search_load(a->terms, a->cc, &s, &err);
	if (rc == SPOOR_EINVAL)
		cli_usage_error("%s", err.msg);
	if (rc)
		cli_die(cli_exit_for(rc), "%s", err.msg);
	c = open_for_read(a, a->tag != NULL, hit_cols);
	rc = spoor_case_search(c, s, a->tag, row_hit, NULL, &hits, &err);
	writer_done();
	spoor_case_close(c);
	spoor_search_free(s);
	if (rc)
		cli_die(cli_exit_named(rc), "%s", err.msg);
	if (cli_verbosity() >= 0)
		fprintf(stderr, "%s: %" PRIu64 " hit%s%s%s\n", cli_progname(),
			hits, hits == 1 ? "" : "s", a->tag && hits
			? ", records tagged " : "", a->tag && hits ? a->tag
			: "");
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	const char *cmd;
	struct args a;
	int rc;

	cli_init(argv[0]);
	cli_set_synopsis(synopsis);
	parse(argc, argv, &a);	/* options may come before the command */
	if (a.npos < 1)
		cli_usage_error("no command given%s", "");
	cmd = a.pos[0];
	if (!strcmp(a.format, "csv") && strcmp(cmd, "timeline") &&
	    strcmp(cmd, "search"))
		cli_usage_error("--format=csv is for timeline and search%s",
				"");
	a.pos++;
	a.npos--;
	if (!strcmp(cmd, "init"))
		rc = cmd_init(&a);
	else if (!strcmp(cmd, "add"))
		rc = cmd_add(&a, argc, argv);
	else if (!strcmp(cmd, "tag"))
		rc = cmd_tag(&a);
	else if (!strcmp(cmd, "records"))
		rc = cmd_records(&a);
	else if (!strcmp(cmd, "show"))
		rc = cmd_show(&a);
	else if (!strcmp(cmd, "custody"))
		rc = cmd_custody(&a);
	else if (!strcmp(cmd, "identities"))
		rc = cmd_identities(&a);
	else if (!strcmp(cmd, "similar"))
		rc = cmd_similar(&a);
	else if (!strcmp(cmd, "discard"))
		rc = cmd_discard(&a);
	else if (!strcmp(cmd, "timeline"))
		rc = cmd_timeline(&a);
	else if (!strcmp(cmd, "search"))
		rc = cmd_search(&a);
	else
		cli_usage_error("unknown command '%s'", cmd);
	cli_close_stdout();
	return rc;
}
