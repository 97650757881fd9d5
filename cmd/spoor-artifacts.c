/*
 * spoor-artifacts: chats, contacts, calls and accounts from phone data
 * and chat exports, through plugins (see spoor-plugin(7)), streamed as
 * JSON Lines, CSV or a readable conversation text.
 */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#include "banned.h"

#ifndef SPOOR_PLUGINDIR
#define SPOOR_PLUGINDIR "/usr/local/lib/spoor/plugins"
#endif

static const char synopsis[] =
	"usage: spoor-artifacts [-hqVv] [-o FILE] [--format=jsonl|csv|text]\n"
	"                       [--plugin=NAME]... [--type=TYPE]...\n"
	"                       [--exhibit=ID] [--tz=ZONE] [--me=NAME]\n"
	"                       [--cc=CODE] [-C CASE [--replace]]\n"
	"                       [--contacts-graph] [--no-recovery]\n"
	"                       EVIDENCE...\n"
	"       spoor-artifacts --list-plugins\n";

static const char help_text[] =
	"\n"
	"Parse chats, contacts, calls and accounts out of EVIDENCE (a\n"
	"directory, a zip or tar, or a single file) with the artifact plugins\n"
	"and write one record each, with its provenance (exhibit, source path\n"
	"and SHA-256, table and rowid or line).  SQLite databases are read\n"
	"from private copies; evidence is never written.\n"
	"\n"
	"      --list-plugins     list the plugins found and exit\n"
	"      --plugin=NAME      run only this plugin (repeatable)\n"
	"      --type=TYPE        write only records of TYPE: message,\n"
	"                         contact, call, account, participant,\n"
	"                         attachment, conversation (repeatable)\n"
	"      --format=FORMAT    jsonl (default), csv, text (conversations)\n"
	"      --exhibit=ID       exhibit id in records (default: file name)\n"
	"      --tz=ZONE          zone of local times in chat exports: +HH:MM\n"
	"                         (up to 14:00) or an IANA name such as\n"
	"                         Europe/Amsterdam; without it they stay\n"
	"                         local (time_quality zone-unknown)\n"
	"      --me=NAME          the device owner's name in chat exports\n"
	"      --cc=CODE          country calling code for national numbers\n"
	"                         (default 31)\n"
	"  -C, --case-dir=CASE    also record into CASE (spoor-case): each\n"
	"                         EVIDENCE must be a registered exhibit; the\n"
	"                         records join the case when the run ends\n"
	"      --replace          with -C: replace the records of an earlier\n"
	"                         spoor-artifacts run on the same exhibits\n"
	"      --contacts-graph   write, instead of the records, the phone\n"
	"                         numbers, WhatsApp/Telegram ids and e-mail\n"
	"                         addresses seen in 2+ exhibits or sources\n"
	"      --no-recovery      do not recover deleted rows from the free\n"
	"                         pages, freeblocks and old WAL frames of\n"
	"                         databases (recovered_from freelist,\n"
	"                         freeblock, unallocated, wal-superseded)\n"
	"  -o, --output=FILE      write records to FILE (default: stdout)\n"
	"  -q, --quiet            errors only; no summary\n"
	"  -v, --verbose          more messages (twice: debug)\n"
	"  -V, --version          print the version\n"
	"  -h, --help             print this help\n"
	"\n"
	"Plugins are searched in $SPOOR_PLUGIN_PATH, then in " SPOOR_PLUGINDIR
	".\n"
	"\n"
	"Exit: 0 ok; 2 usage; 3 evidence unreadable; 4 output failed; 5\n"
	"finished, but a file was found and not understood (unknown schema,\n"
	"not a database) or a plugin failed; 130 interrupted (SIGINT,\n"
	"SIGTERM).  See spoor-artifacts(1).\n";

enum {
	OPT_FORMAT = 256, OPT_PLUGIN, OPT_TYPE, OPT_EXHIBIT, OPT_TZ, OPT_ME,
	OPT_CC, OPT_LIST, OPT_GRAPH, OPT_NO_RECOVERY, OPT_REPLACE,
};

static const struct option long_opts[] = {
	{ "case-dir", required_argument, NULL, 'C' },
	{ "cc", required_argument, NULL, OPT_CC },
	{ "contacts-graph", no_argument, NULL, OPT_GRAPH },
	{ "exhibit", required_argument, NULL, OPT_EXHIBIT },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "list-plugins", no_argument, NULL, OPT_LIST },
	{ "me", required_argument, NULL, OPT_ME },
	{ "no-recovery", no_argument, NULL, OPT_NO_RECOVERY },
	{ "output", required_argument, NULL, 'o' },
	{ "plugin", required_argument, NULL, OPT_PLUGIN },
	{ "replace", no_argument, NULL, OPT_REPLACE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "type", required_argument, NULL, OPT_TYPE },
	{ "tz", required_argument, NULL, OPT_TZ },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char *const csv_columns[] = {
	"type", "plugin", "exhibit", "source_path", "source_sha256", "table",
	"rowid", "line", "recovered_from", "chat_id", "chat_name",
	"chat_type", "direction", "from_me", "sender", "sender_phone",
	"sender_name", "name", "phone", "phone_raw", "jid", "text",
	"text_hex", "kind", "kind_raw", "time", "time_raw", "time_unit",
	"duration", "status", "media_path", "media_mime", "media_size",
	"media_found", "media_sha256", "quoted_key_id", "key_id",
	"recovered_page", "recovered_file", "recovered_offset",
	"recovered_partial", "recovered_lost", "recovered_state", NULL,
};

#define MAX_LIST 32

struct out {
	struct spoor_writer *writer;	/* NULL for text */
	FILE *f;
	bool text;
	const char *types[MAX_LIST];
	size_t ntypes;
	int rc;
	struct spoor_err err;
	char last_chat[256];
	struct cli_case *cc;		/* -C CASE, or NULL */
	struct spoor_idmap *graph;	/* --contacts-graph, or NULL */
	struct cli_identity_text id_text;
	unsigned long long stored;	/* records kept (after --type) */
};

/* --contacts-graph keeps at most this many (identity, exhibit, plugin,
 * type, role) places in memory; more are counted and make exit 5. */
#define GRAPH_MAX_PLACES 1000000

static const char *const graph_columns[] = {
	"identity", "kind", "exhibits", "sources", "exhibit", "plugin",
	"rtype", "role", "count", "first", "last", NULL,
};

/* SIGINT, SIGTERM (cli_on_interrupt): on_record stops the plugin */
static void on_interrupt(void)
{
}

static const struct spoor_field *get(const struct spoor_record *r,
				     const char *key)
{
	const struct spoor_field *f = spoor_record_get(r, key);

	return f && f->kind != SPOOR_F_NULL ? f : NULL;
}

static void put_str(FILE *f, const struct spoor_field *fl)
{
	const char *p = fl->v.str.ptr;

	/* the conversation view is for reading: control bytes would let
	 * evidence move the analyst's cursor */
	for (size_t i = 0; i < fl->v.str.len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\n')
			fputs("\n    ", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

static bool str_is(const struct spoor_field *f, const char *s)
{
	return f && f->kind == SPOOR_F_STR && f->v.str.len == strlen(s) &&
	       !memcmp(f->v.str.ptr, s, f->v.str.len);
}

/* "[2024-03-31T01:30:00Z] ", with what a local reading could not say:
 * "[2024-10-27T00:30:00Z or 2024-10-27T01:30:00Z: ambiguous local
 * 2024-10-27T02:30:00] ", "[2024-03-01T00:30:00 local, zone unknown] ". */
static void write_time(FILE *out, const struct spoor_record *r)
{
	const struct spoor_field *t = get(r, "time"), *q, *loc, *later;
	char a[SPOOR_TIME_STR_MAX], b[SPOOR_TIME_STR_MAX];

	q = get(r, "time_quality");
	loc = get(r, "time_local");
	later = get(r, "time_later");
	fputc('[', out);
	if (t && t->kind == SPOOR_F_TIME && spoor_time_iso(&t->v.t, a)) {
		fputs(a, out);
		if (str_is(q, "ambiguous") && later &&
		    later->kind == SPOOR_F_TIME &&
		    spoor_time_iso(&later->v.t, b))
			fprintf(out, " or %s", b);
		if (q && !str_is(q, "exact") && loc && loc->kind ==
		    SPOOR_F_STR) {
			fputs(": ", out);
			put_str(out, q);
			fputs(" local ", out);
			put_str(out, loc);
		}
	} else if (loc && loc->kind == SPOOR_F_STR) {
		put_str(out, loc);
		fputs(" local, zone unknown", out);
	} else {
		fputc('?', out);
	}
	fputs("] ", out);
}

/* One line per message, a header when the chat changes. */
static void write_text(struct out *o, const struct spoor_record *r)
{
	const struct spoor_field *chat = get(r, "chat_id"), *f;
	FILE *out = o->f;

	if (chat && chat->kind == SPOOR_F_STR) {
		char id[256];
		size_t n = chat->v.str.len < sizeof(id) ? chat->v.str.len
			: sizeof(id) - 1;

		memcpy(id, chat->v.str.ptr, n);
		id[n] = '\0';
		if (strcmp(id, o->last_chat)) {
			fputs("\n== ", out);
			put_str(out, chat);
			f = get(r, "chat_name");
			if (f && f->kind == SPOOR_F_STR) {
				fputs(" (", out);
				put_str(out, f);
				fputc(')', out);
			}
			fputs(" ==\n", out);
			memcpy(o->last_chat, id, n + 1);
		}
	}
	write_time(out, r);
	fprintf(out, "%s ", r->type);
	if ((f = get(r, "from_me")) && f->kind == SPOOR_F_BOOL && f->v.b)
		fputs("me", out);
	else if ((f = get(r, "sender_name")) && f->kind == SPOOR_F_STR)
		put_str(out, f);
	else if ((f = get(r, "sender_push_name")) &&
		 f->kind == SPOOR_F_STR)
		put_str(out, f);
	else if ((f = get(r, "sender")) && f->kind == SPOOR_F_STR)
		put_str(out, f);
	else if ((f = get(r, "name")) && f->kind == SPOOR_F_STR)
		put_str(out, f);
	fputs(": ", out);
	if ((f = get(r, "kind")) && f->kind == SPOOR_F_STR &&
	    (f->v.str.len != 4 || memcmp(f->v.str.ptr, "text", 4))) {
		fputc('<', out);
		put_str(out, f);
		fputs("> ", out);
	}
	if ((f = get(r, "text")) && f->kind == SPOOR_F_STR)
		put_str(out, f);
	else if ((f = get(r, "phone")) && f->kind == SPOOR_F_STR)
		put_str(out, f);
	else if ((f = get(r, "caption")) && f->kind == SPOOR_F_STR)
		put_str(out, f);
	if ((f = get(r, "recovered_from")) && f->kind == SPOOR_F_STR) {
		if (f->v.str.len == 3)
			fputs("  [only in the WAL]", out);
		else if (f->v.str.len == 4 && !get(r, "recovered_page"))
			fputs("  [deleted, still in the main file]", out);
		else {
			fputs("  [deleted, recovered: ", out);
			put_str(out, f);
			if ((f = get(r, "recovered_partial")) &&
			    f->kind == SPOOR_F_BOOL && f->v.b)
				fputs(", partial", out);
			if ((f = get(r, "recovered_state")) &&
			    f->kind == SPOOR_F_STR && f->v.str.len == 15)
				fputs(", an earlier version", out);
			else if (f && f->kind == SPOOR_F_STR &&
				 f->v.str.len == 7 && *f->v.str.ptr == 'u')
				fputs(", or an earlier version", out);
			fputc(']', out);
		}
	}
	fputc('\n', out);
}

static int on_record(void *ud, const struct spoor_record *r)
{
	struct out *o = ud;
	bool keep = !o->ntypes;

	if (cli_interrupted())
		return 1;
	for (size_t i = 0; i < o->ntypes && !keep; i++)
		keep = !strcmp(o->types[i], r->type);
	if (!keep)
		return 0;
	o->stored++;
	if (o->cc && cli_case_record(o->cc, NULL, r)) {
		o->rc = o->err.code = SPOOR_EOUTPUT;
		snprintf(o->err.msg, sizeof(o->err.msg),
			 "cannot record into the case");
		return 1;
	}
	if (o->graph) {
		o->rc = spoor_idmap_add(o->graph, r, &o->err);
		return o->rc;
	}
	if (o->text) {
		write_text(o, r);
		if (ferror(o->f)) {
			o->rc = SPOOR_EOUTPUT;
			o->err.code = SPOOR_EOUTPUT;
			snprintf(o->err.msg, sizeof(o->err.msg),
				 "cannot write the output");
			return 1;
		}
		return 0;
	}
	o->rc = spoor_writer_write(o->writer, r, &o->err);
	return o->rc;
}

/* --contacts-graph: the identities, as text or through the writer */
static int graph_row(void *ud, const struct spoor_record *r)
{
	struct out *o = ud;

	if (o->writer)
		return spoor_writer_write(o->writer, r, &o->err) ? 1 : 0;
	return cli_identity_text(&o->id_text, r);
}

static int write_graph(struct out *o)
{
	struct spoor_err err;

	o->id_text.f = o->f;
	if (spoor_idmap_list(o->graph, 0, graph_row, o, &err)) {
		cli_error("%s", o->err.msg[0] ? o->err.msg : err.msg);
		return -1;
	}
	return 0;
}

static void summary(const struct spoor_artifacts *a)
{
	const struct spoor_artifact_totals *t = spoor_artifacts_totals(a);

	for (size_t i = 0; i < spoor_artifacts_nplugins(a); i++) {
		const struct spoor_plugin_info *p = spoor_artifacts_plugin(a,
									 i);
		const struct spoor_artifact_stats *s =
			spoor_artifacts_stats(a, i);

		if (!s->files)
			continue;
		fprintf(stderr, "%s: %s: %llu files, %llu messages, %llu "
			"contacts, %llu calls, %llu accounts, %llu from the "
			"WAL only, %llu deleted in the WAL, %llu not "
			"understood, %llu failed",
			cli_progname(), p->name,
			(unsigned long long)s->files,
			(unsigned long long)s->messages,
			(unsigned long long)s->contacts,
			(unsigned long long)s->calls,
			(unsigned long long)s->accounts,
			(unsigned long long)s->wal_only,
			(unsigned long long)s->deleted,
			(unsigned long long)s->not_understood,
			(unsigned long long)s->errors);
		/* what only goes wrong on damaged or outsized evidence */
		if (s->damaged)
			fprintf(stderr, ", %llu damaged",
				(unsigned long long)s->damaged);
		if (s->rows_skipped)
			fprintf(stderr, ", %llu unreadable rows or ranges",
				(unsigned long long)s->rows_skipped);
		if (s->truncated)
			fprintf(stderr, ", %llu truncated",
				(unsigned long long)s->truncated);
		/* deleted rows from database pages, by where they were */
		fprintf(stderr, "; recovered: %llu freelist, %llu freeblock, "
			"%llu unallocated, %llu wal-superseded, %llu main, "
			"%llu dropped, %llu databases not scanned\n",
			(unsigned long long)s->recovered[SPOOR_SQLREC_FREELIST],
			(unsigned long long)
			s->recovered[SPOOR_SQLREC_FREEBLOCK],
			(unsigned long long)
			s->recovered[SPOOR_SQLREC_UNALLOCATED],
			(unsigned long long)
			s->recovered[SPOOR_SQLREC_WAL_SUPERSEDED],
			(unsigned long long)s->recovered[SPOOR_SQLREC_MAIN],
			(unsigned long long)s->recovery_dropped,
			(unsigned long long)s->recovery_failed);
		if (s->times_zone_unknown)
			fprintf(stderr, "%s: %s: %llu local times kept local "
				"(no --tz)\n", cli_progname(), p->name,
				(unsigned long long)s->times_zone_unknown);
		if (s->times_ambiguous || s->times_nonexistent)
			fprintf(stderr, "%s: %s: %llu local times at a DST "
				"change: %llu ambiguous, %llu nonexistent "
				"(flagged in time_quality)\n",
				cli_progname(), p->name,
				(unsigned long long)(s->times_ambiguous +
						     s->times_nonexistent),
				(unsigned long long)s->times_ambiguous,
				(unsigned long long)s->times_nonexistent);
	}
	if (t->unread || t->skipped)
		fprintf(stderr, "%s: %llu files, %llu read by no plugin, %llu "
			"not listed\n", cli_progname(),
			(unsigned long long)t->files,
			(unsigned long long)t->unread,
			(unsigned long long)t->skipped);
}

int main(int argc, char **argv)
{
	struct spoor_artifacts_opts ao = { 0 };
	struct spoor_writer_info info = { 0 };
	struct spoor_artifacts *a;
	struct spoor_err err;
	struct spoor_ctx *ctx;
	struct out o;
	const char *plugins[MAX_LIST + 1] = { NULL };
	const char *options[8] = { NULL };
	char optbuf[3][512];
	const char *format = "jsonl", *output = NULL, *exhibit = NULL;
	const char *tz = NULL, *me = NULL, *cc = "31", *case_dir = NULL;
	size_t nplugins = 0, nopt = 0;
	int verbose = 0, exit_code = EXIT_OK, c;
	bool list = false, graph = false, replace = false;
	enum spoor_format fmt = SPOOR_FMT_JSONL;
	char *cmdline;

	cli_init(argv[0]);
	cli_set_synopsis(synopsis);
	memset(&o, 0, sizeof(o));
	while ((c = getopt_long(argc, argv, "C:ho:qVv", long_opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'C':
			case_dir = optarg;
			break;
		case 'h':
			fputs(synopsis, stdout);
			fputs(help_text, stdout);
			cli_close_stdout();
			return EXIT_OK;
		case 'o':
			output = optarg;
			break;
		case 'q':
			verbose = -1;
			break;
		case 'V':
			cli_version();
		case 'v':
			verbose = verbose < 0 ? 1 : verbose + 1;
			break;
		case OPT_CC:
			cc = optarg;
			break;
		case OPT_EXHIBIT:
			exhibit = optarg;
			break;
		case OPT_FORMAT:
			format = optarg;
			break;
		case OPT_LIST:
			list = true;
			break;
		case OPT_GRAPH:
			graph = true;
			break;
		case OPT_ME:
			me = optarg;
			break;
		case OPT_NO_RECOVERY:
			ao.no_recovery = true;
			break;
		case OPT_PLUGIN:
			if (nplugins == MAX_LIST)
				cli_usage_error("too many --plugin%s", "");
			plugins[nplugins++] = optarg;
			break;
		case OPT_TYPE:
			if (o.ntypes == MAX_LIST)
				cli_usage_error("too many --type%s", "");
			if (strcmp(optarg, "message") &&
			    strcmp(optarg, "contact") &&
			    strcmp(optarg, "call") &&
			    strcmp(optarg, "account") &&
			    strcmp(optarg, "participant") &&
			    strcmp(optarg, "attachment") &&
			    strcmp(optarg, "note") &&
			    strcmp(optarg, "conversation"))
				cli_usage_error("unknown --type '%s'", optarg);
			o.types[o.ntypes++] = optarg;
			break;
		case OPT_TZ:
			tz = optarg;
			break;
		case OPT_REPLACE:
			replace = true;
			break;
		default:
			cli_usage_error(NULL, NULL);
		}
	}
	if (!list && optind >= argc)
		cli_usage_error("no EVIDENCE given", NULL);
	if (exhibit && argc - optind > 1)
		cli_usage_error("--exhibit names one exhibit; %s",
			    "give one EVIDENCE per run");
	if (replace && !case_dir)
		cli_usage_error("--replace needs -C CASE%s", "");
	if (!strcmp(format, "text"))
		o.text = true;
	else if (spoor_format_parse(format, &fmt, &err) ||
		 (fmt != SPOOR_FMT_JSONL && fmt != SPOOR_FMT_CSV))
		cli_usage_error("--format takes jsonl, csv or text, not '%s'",
			    format);
	if (tz)
		spoor_tz_free(cli_tz_arg("--tz", tz));
	if (tz && strlen(tz) < 500) {
		snprintf(optbuf[0], sizeof(optbuf[0]), "tz=%s", tz);
		options[nopt++] = optbuf[0];
	}
	if (me && strlen(me) < 500) {
		snprintf(optbuf[1], sizeof(optbuf[1]), "me=%s", me);
		options[nopt++] = optbuf[1];
	}
	if (strlen(cc) < 500) {
		snprintf(optbuf[2], sizeof(optbuf[2]), "cc=%s", cc);
		options[nopt++] = optbuf[2];
	}
	cli_set_verbosity(verbose);

	ctx = cli_ctx_new();
	ao.plugin_path = getenv("SPOOR_PLUGIN_PATH");
	ao.plugin_dir = SPOOR_PLUGINDIR;
	ao.only = nplugins ? plugins : NULL;
	ao.options = options;
	ao.tmp_dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR")
		: "/tmp";
	ao.on_record = on_record;
	ao.userdata = &o;
	a = spoor_artifacts_new(ctx, &ao, &err);
	if (!a)
		cli_die(cli_exit_named(err.code == SPOOR_EUNSUPPORTED
				       ? SPOOR_EINVAL : err.code), "%s",
			err.msg);
	if (list) {
		for (size_t i = 0; i < spoor_artifacts_nplugins(a); i++) {
			const struct spoor_plugin_info *p =
				spoor_artifacts_plugin(a, i);

			printf("%s\t%s\t%d.%d\t%s\t%s\n", p->name, p->version,
			       p->abi >> 16, p->abi & 0xffff, p->description,
			       p->path);
		}
		spoor_artifacts_free(a);
		spoor_ctx_free(ctx);
		cli_close_stdout();
		return EXIT_OK;
	}

	if (case_dir) {
		o.cc = cli_case_open(case_dir);
		for (int i = optind; i < argc; i++)
			cli_case_exhibit(o.cc, argv[i], exhibit);
	}
	if (graph && !(o.graph = spoor_idmap_new(GRAPH_MAX_PLACES)))
		cli_die(EXIT_OUTPUT, "out of memory");
	o.f = cli_output_open(output);
	cmdline = cli_command_line(argc, argv);
	info.program = "spoor-artifacts";
	info.version = SPOOR_VERSION_STRING;
	info.command_line = cmdline;
	info.sources = (const char *const *)(argv + optind);
	if (!o.text) {
		o.writer = spoor_writer_new(o.f, fmt, graph ? graph_columns
					    : csv_columns, &info, &err);
		if (!o.writer)
			cli_die(EXIT_OUTPUT, "%s", err.msg);
	}
	/* the run begins last: nothing after it dies without ending it */
	if (o.cc)
		cli_case_begin(o.cc, "spoor-artifacts", argc, argv,
			       "chats, contacts, calls and accounts parsed",
			       replace);
	cli_on_interrupt(on_interrupt);
	signal(SIGPIPE, SIG_IGN);

	for (int i = optind; i < argc && !cli_interrupted(); i++) {
		int rc;

		spoor_err_clear(&err);
		rc = spoor_artifacts_run(a, argv[i], o.cc
					 ? cli_case_exhibit(o.cc, argv[i],
							    exhibit)
					 : exhibit, &err);
		if (!rc)
			continue;
		if (o.rc) {
			cli_error("%s", o.err.msg);
			exit_code = EXIT_OUTPUT;
			break;
		}
		if (rc == SPOOR_ESTOPPED || cli_interrupted())
			break;	/* said once, below */
		cli_error("%s", err.msg);
		exit_code = cli_exit_merge(exit_code, cli_exit_for(rc));
	}
	if (cli_interrupted())
		cli_error("%s", cli_interrupt_name());
	if (o.graph && !o.rc && write_graph(&o))
		exit_code = EXIT_OUTPUT;
	if (o.writer && !o.rc && spoor_writer_finish(o.writer, &err)) {
		cli_error("%s", err.msg);
		exit_code = EXIT_OUTPUT;
	}
	if (o.text && fflush(o.f)) {
		cli_error("cannot write the output");
		exit_code = EXIT_OUTPUT;
	}
	if (cli_output_commit(o.f, exit_code != EXIT_OUTPUT &&
			      !cli_interrupted()))
		exit_code = EXIT_OUTPUT;
	if (verbose >= 0)
		summary(a);
	for (size_t i = 0; i < spoor_artifacts_nplugins(a); i++) {
		const struct spoor_artifact_stats *s =
			spoor_artifacts_stats(a, i);

		if (s->not_understood || s->errors || s->damaged ||
		    s->rows_skipped || s->truncated || s->recovery_failed)
			exit_code = cli_exit_merge(exit_code, EXIT_PARTIAL);
	}
	/* evidence no plugin read anything of, members not listed */
	if (spoor_artifacts_totals(a)->unread_inputs ||
	    spoor_artifacts_totals(a)->skipped)
		exit_code = cli_exit_merge(exit_code, EXIT_PARTIAL);
	if (o.graph && spoor_idmap_dropped(o.graph)) {
		cli_warn("--contacts-graph: %llu identity places over the "
			 "limit of %d were not counted",
			 (unsigned long long)spoor_idmap_dropped(o.graph),
			 GRAPH_MAX_PLACES);
		exit_code = cli_exit_merge(exit_code, EXIT_PARTIAL);
	}
	spoor_idmap_free(o.graph);
	if (o.cc) {
		char counts[64];

		snprintf(counts, sizeof(counts), "{\"records\":%llu}",
			 (unsigned long long)o.stored);
		exit_code = cli_case_end(o.cc, exit_code, counts);
	}
	spoor_writer_free(o.writer);
	spoor_artifacts_free(a);
	spoor_ctx_free(ctx);
	free(cmdline);
	if (o.f == stdout)
		cli_close_stdout();
	if (cli_interrupted())
		return EXIT_INTERRUPTED;
	return exit_code;
}
