/*
 * spoor-acquire: image a block device or a file bit for bit (raw, split
 * raw, E01), hash it while reading, verify the written image, and account
 * for every unreadable sector in a log and a ddrescue map.
 */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#include "banned.h"

static const char synopsis[] =
	"usage: spoor-acquire [-hqVv] [-C CASE] [--format=raw|split|e01]\n"
	"                     [--split=SIZE] [--compression=none|fast|best]\n"
	"                     [--hash=LIST] [--piece=SIZE] [--verify]\n"
	"                     [--verify-hash=LIST]\n"
	"                     [--retries=N] [--fill=HEX] [--map=FILE]\n"
	"                     [--resume] [--log=BASE] [--direct|--no-direct]\n"
	"                     [--buffer-size=SIZE] [--set-readonly]\n"
	"                     [--offset=BYTES] [--length=BYTES]\n"
	"                     [--case=TEXT] [--evidence=TEXT]\n"
	"                     [--examiner=TEXT] [--description=TEXT]\n"
	"                     [--notes=TEXT] [--exhibit=ID]\n"
	"                     [--progress[=bar|json]|--no-progress]\n"
	"                     SOURCE OUTPUT\n";

static const char help_text[] =
	"\n"
	"Image SOURCE (a block device or a file) to OUTPUT, hashing while\n"
	"reading.  Unreadable sectors are retried, re-read one by one,\n"
	"filled and listed in OUTPUT.log, OUTPUT.xml and the ddrescue map\n"
	"OUTPUT.map.\n"
	"\n"
	"      --format=FORMAT    raw (default), split (OUTPUT.001, ...), e01\n"
	"                         (MD5 and SHA-1 always computed and stored)\n"
	"      --split=SIZE       segment size (split raw, or E01 segments;\n"
	"                         E01 default 1400M)\n"
	"      --compression=C    E01 compression: none (default), fast, best\n"
	"      --hash=LIST        md5,sha256 (default); also sha1, sha512\n"
	"      --piece=SIZE       also hash every SIZE bytes on their own\n"
	"      --verify           re-read the image past the page cache\n"
	"                         and compare its sha256 (or the first of\n"
	"                         sha1, sha512, md5 in --hash)\n"
	"      --verify-hash=LIST compare these of --hash instead (implies\n"
	"                         --verify; 'all': every one)\n"
	"      --retries=N        re-reads of a failing block (default 2)\n"
	"      --fill=HEX         pattern for unreadable sectors (default 00)\n"
	"      --map=FILE         ddrescue map (default OUTPUT.map)\n"
	"      --resume           continue an interrupted run from its map\n"
	"                         (the same source: its facts and a re-read\n"
	"                         of samples are checked first)\n"
	"      --log=BASE         write BASE.log, BASE.xml (default OUTPUT)\n"
	"      --direct           O_DIRECT reads (default: for block devices)\n"
	"      --no-direct        never O_DIRECT for the bulk reads\n"
	"      --buffer-size=SIZE bytes per read (default 4M, max 8M)\n"
	"      --set-readonly     set the device read-only (BLKROSET) first\n"
	"      --offset=BYTES     image the source from this byte (whole\n"
	"                         sectors; the map keeps source offsets)\n"
	"      --length=BYTES     image this many bytes (default: to the end)\n"
	"      --case, --evidence, --examiner, --description, --notes=TEXT\n"
	"                         case metadata for the logs and E01 headers\n"
	"  -C, --case-dir=CASE    register the image in CASE (spoor-case);\n"
	"                         its id and examiner go into the logs and\n"
	"                         the E01 headers\n"
	"      --exhibit=ID       its exhibit id there (default: --evidence)\n"
	"      --progress[=bar|json]\n"
	"                         progress on stderr (default: a bar when\n"
	"      --no-progress      stderr is a terminal)\n"
	"  -q, --quiet            errors only\n"
	"  -v, --verbose          more messages (twice: debug)\n"
	"  -V, --version          print the version\n"
	"  -h, --help             print this help\n"
	"\n"
	"Exit: 0 ok; 1 the verification found a mismatch; 2 usage (also an\n"
	"OUTPUT on the SOURCE); 3 SOURCE unreadable; 4 output failed; 5 done,\n"
	"but sectors were unreadable; 130 interrupted (resume with --resume).\n"
	"See spoor-acquire(1).\n";

enum {
	OPT_FORMAT = 256, OPT_SPLIT, OPT_COMPRESSION, OPT_HASH, OPT_PIECE,
	OPT_VERIFY, OPT_VERIFY_HASH, OPT_RETRIES, OPT_FILL, OPT_MAP, OPT_RESUME, OPT_LOG,
	OPT_DIRECT, OPT_NO_DIRECT, OPT_BUFSIZE, OPT_SET_RO, OPT_CASE,
	OPT_EVIDENCE, OPT_EXAMINER, OPT_DESCRIPTION, OPT_NOTES, OPT_PROGRESS,
	OPT_NO_PROGRESS, OPT_OFFSET, OPT_LENGTH, OPT_EXHIBIT,
};

static const struct option long_opts[] = {
	{ "buffer-size", required_argument, NULL, OPT_BUFSIZE },
	{ "case", required_argument, NULL, OPT_CASE },
	{ "case-dir", required_argument, NULL, 'C' },
	{ "compression", required_argument, NULL, OPT_COMPRESSION },
	{ "description", required_argument, NULL, OPT_DESCRIPTION },
	{ "direct", no_argument, NULL, OPT_DIRECT },
	{ "evidence", required_argument, NULL, OPT_EVIDENCE },
	{ "exhibit", required_argument, NULL, OPT_EXHIBIT },
	{ "examiner", required_argument, NULL, OPT_EXAMINER },
	{ "fill", required_argument, NULL, OPT_FILL },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "hash", required_argument, NULL, OPT_HASH },
	{ "help", no_argument, NULL, 'h' },
	{ "length", required_argument, NULL, OPT_LENGTH },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "map", required_argument, NULL, OPT_MAP },
	{ "no-direct", no_argument, NULL, OPT_NO_DIRECT },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "notes", required_argument, NULL, OPT_NOTES },
	{ "offset", required_argument, NULL, OPT_OFFSET },
	{ "piece", required_argument, NULL, OPT_PIECE },
	{ "progress", optional_argument, NULL, OPT_PROGRESS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "resume", no_argument, NULL, OPT_RESUME },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "set-readonly", no_argument, NULL, OPT_SET_RO },
	{ "split", required_argument, NULL, OPT_SPLIT },
	{ "verbose", no_argument, NULL, 'v' },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "verify-hash", required_argument, NULL, OPT_VERIFY_HASH },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

enum progress_mode { PROG_AUTO, PROG_OFF, PROG_BAR, PROG_JSON };

struct run {
	enum progress_mode mode;
	bool drawn;
	double start, last_json, last_t;
	uint64_t last_bytes;
	double rate;
	enum spoor_acq_phase phase;
};

static struct spoor_acquire *the_acq;

/* SIGINT, SIGTERM (cli_on_interrupt): the acquisition stops, writes its
 * map and logs */
static void on_interrupt(void)
{
	if (the_acq)
		spoor_acquire_interrupt(the_acq);
}

static void bar_clear(struct run *r)
{
	if (r->drawn)
		fputs("\r\033[K", stderr);
	r->drawn = false;
}

static void on_progress(void *ud, const struct spoor_acq_progress *p)
{
	struct run *r = ud;
	double t = cli_now(), dt;
	const char *phase = p->phase == SPOOR_ACQ_READING ? "reading"
			    : "verifying";

	if (p->phase != r->phase) {
		r->phase = p->phase;
		r->last_bytes = 0;
		r->rate = 0;
		r->last_t = t;
	}
	dt = t - r->last_t;
	if (dt > 0.2) {
		double v = dt > 0 ? (double)(p->bytes - r->last_bytes) / dt
				  : 0;

		r->rate = r->rate ? 0.7 * r->rate + 0.3 * v : v;
		r->last_bytes = p->bytes;
		r->last_t = t;
	}
	if (r->mode == PROG_JSON) {
		if (t - r->last_json < 1.0 && p->bytes < p->total)
			return;
		r->last_json = t;
		fprintf(stderr, "{\"phase\":\"%s\",\"bytes\":%llu,"
			"\"total\":%llu,\"bad_sectors\":%llu,"
			"\"rate_mbps\":%.1f}\n", phase,
			(unsigned long long)p->bytes,
			(unsigned long long)p->total,
			(unsigned long long)p->bad_sectors, r->rate / 1e6);
		return;
	}
	if (r->mode == PROG_BAR) {
		char done[32], total[32], eta[32] = "";
		double pct = p->total ? 100.0 * (double)p->bytes /
					(double)p->total : 100.0;

		if (r->rate > 0 && p->total > p->bytes) {
			double left = (double)(p->total - p->bytes) / r->rate;

			snprintf(eta, sizeof(eta), " ETA %02d:%02d:%02d",
				 (int)(left / 3600), (int)(left / 60) % 60,
				 (int)left % 60);
		}
		fprintf(stderr, "\r\033[K%s: %s %s/%s %3.0f%% %.1f MiB/s%s, "
			"%llu bad sectors", cli_progname(), phase,
			cli_human_bytes(p->bytes, done, sizeof(done)),
			cli_human_bytes(p->total, total, sizeof(total)), pct,
			r->rate / 1048576.0, eta,
			(unsigned long long)p->bad_sectors);
		r->drawn = true;
	}
}

/* Parse hex digits ("00", "0xdeadbeef") into bytes. */
static int parse_fill(const char *s, unsigned char *out, size_t max,
		      size_t *len)
{
	size_t n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (!*s || strlen(s) % 2 || strlen(s) / 2 > max)
		return -1;
	for (; *s; s += 2) {
		char h[3] = { s[0], s[1], 0 }, *end;
		unsigned long v = strtoul(h, &end, 16);

		if (*end)
			return -1;
		out[n++] = (unsigned char)v;
	}
	*len = n;
	return 0;
}

static void summary(const struct spoor_acquire_result *res)
{
	char bytes[32];

	if (cli_verbosity() < 0)
		return;
	cli_human_bytes(res->source.size, bytes, sizeof(bytes));
	fprintf(stderr, "%s: %s in %.1f s (%.1f MB/s), %llu bad sectors in "
		"%zu ranges\n", cli_progname(), bytes, res->seconds,
		res->seconds > 0 ? (double)res->bytes_read / res->seconds / 1e6
		: 0.0, (unsigned long long)res->bad_sectors, res->nbad);
	if (res->verify == SPOOR_VERIFY_MATCH)
		fprintf(stderr, "%s: verified: the image matches (%.1f s)\n",
			cli_progname(), res->verify_seconds);
}

/* -C: the case number and examiner of the E01 headers and the logs
 * come from the case (--examiner may name who images; a --case that is
 * not the case's id is refused). */
static void case_meta(struct cli_case *cc, const char *dir,
		      struct spoor_case_meta *m)
{
	const char *id = cli_case_info(cc, "case_id");
	const char *ex = cli_case_info(cc, "examiner");

	if (m->case_number && id && strcmp(m->case_number, id))
		cli_die(EXIT_USAGE, "--case '%s' is not the case of -C '%s' "
			"('%s')", m->case_number, dir, id);
	if (!m->case_number)
		m->case_number = id;
	if (!m->examiner)
		m->examiner = ex;
}

int main(int argc, char **argv)
{
	struct spoor_acquire_opts o = { 0 };
	struct spoor_err err;
	struct spoor_ctx *ctx;
	struct run r = { 0 };
	const char *format = NULL, *hash = "md5,sha256", *case_dir = NULL,
		   *verify_hash = NULL;
	const char *exhibit = NULL;
	struct cli_case *cc = NULL;
	const char *source, *output;
	unsigned char fill[64];
	int verbose = 0, c, rc, exit_code;
	bool set_ro = false, split_given = false, logs_ok;
	uint64_t sz;
	int64_t v;
	char *cmdline;
	const struct spoor_acquire_result *res;

	cli_init(argv[0]);
	cli_set_synopsis(synopsis);
	o.retries = 2;
	o.direct = -1;
	while ((c = getopt_long(argc, argv, "C:hqVv", long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'C':
			case_dir = optarg;
			break;
		case 'h':
			fputs(synopsis, stdout);
			fputs(help_text, stdout);
			cli_close_stdout();
			return EXIT_OK;
		case 'q':
			verbose = -1;
			break;
		case 'V':
			cli_version();
		case 'v':
			verbose = verbose < 0 ? 1 : verbose + 1;
			break;
		case OPT_FORMAT:
			format = optarg;
			break;
		case OPT_SPLIT:
			if (cli_parse_size(optarg, &sz) || !sz)
				cli_usage_error("--split takes a size, not '%s'",
					    optarg);
			o.segment_size = sz;
			split_given = true;
			break;
		case OPT_COMPRESSION:
			if (!strcmp(optarg, "none"))
				o.compression = SPOOR_COMPRESS_NONE;
			else if (!strcmp(optarg, "fast"))
				o.compression = SPOOR_COMPRESS_FAST;
			else if (!strcmp(optarg, "best"))
				o.compression = SPOOR_COMPRESS_BEST;
			else
				cli_usage_error("--compression is none, fast or "
					    "best, not '%s'", optarg);
			break;
		case OPT_HASH:
			hash = optarg;
			break;
		case OPT_PIECE:
			if (cli_parse_size(optarg, &sz) || sz < 512)
				cli_usage_error("--piece takes a size of at least "
					    "512, not '%s'", optarg);
			o.piece_size = sz;
			break;
		case OPT_VERIFY_HASH:
			verify_hash = optarg;
			o.verify = true;
			break;
		case OPT_VERIFY:
			o.verify = true;
			break;
		case OPT_RETRIES:
			if (cli_parse_int(optarg, 0, 100, &v))
				cli_usage_error("--retries takes 0 to 100, not "
					    "'%s'", optarg);
			o.retries = (int)v;
			break;
		case OPT_FILL:
			if (parse_fill(optarg, fill, sizeof(fill),
				       &o.fill_len))
				cli_usage_error("--fill takes 1 to 64 bytes in "
					    "hex, not '%s'", optarg);
			o.fill = fill;
			break;
		case OPT_MAP:
			o.map_path = optarg;
			break;
		case OPT_RESUME:
			o.resume = true;
			break;
		case OPT_LOG:
			o.log_base = optarg;
			break;
		case OPT_DIRECT:
			o.direct = 1;
			break;
		case OPT_NO_DIRECT:
			o.direct = 0;
			break;
		case OPT_BUFSIZE:
			if (cli_parse_size(optarg, &sz) || sz < 4096 ||
			    sz > (8u << 20))
				cli_usage_error("--buffer-size takes 4K to 8M, "
					    "not '%s'", optarg);
			o.buffer_size = (size_t)sz;
			break;
		case OPT_SET_RO:
			set_ro = true;
			break;
		case OPT_OFFSET:
			if (cli_parse_size(optarg, &o.offset))
				cli_usage_error("--offset takes a byte count, "
					    "not '%s'", optarg);
			break;
		case OPT_LENGTH:
			if (cli_parse_size(optarg, &o.length) || !o.length)
				cli_usage_error("--length takes a byte count "
					    "above 0, not '%s'", optarg);
			break;
		case OPT_CASE:
			o.meta.case_number = optarg;
			break;
		case OPT_EVIDENCE:
			o.meta.evidence_number = optarg;
			break;
		case OPT_EXHIBIT:
			exhibit = optarg;
			break;
		case OPT_EXAMINER:
			o.meta.examiner = optarg;
			break;
		case OPT_DESCRIPTION:
			o.meta.description = optarg;
			break;
		case OPT_NOTES:
			o.meta.notes = optarg;
			break;
		case OPT_PROGRESS:
			if (!optarg || !strcmp(optarg, "bar"))
				r.mode = PROG_BAR;
			else if (!strcmp(optarg, "json"))
				r.mode = PROG_JSON;
			else
				cli_usage_error("--progress is bar or json, not "
					    "'%s'", optarg);
			break;
		case OPT_NO_PROGRESS:
			r.mode = PROG_OFF;
			break;
		default:
			cli_usage_error(NULL, NULL);
		}
	}
	if (argc - optind != 2)
		cli_usage_error("give a SOURCE and an OUTPUT%s", "");
	source = argv[optind];
	output = argv[optind + 1];
	if (!format)
		o.format = split_given ? SPOOR_IMG_SPLIT : SPOOR_IMG_RAW;
	else if (!strcmp(format, "raw"))
		o.format = split_given ? SPOOR_IMG_SPLIT : SPOOR_IMG_RAW;
	else if (!strcmp(format, "split"))
		o.format = SPOOR_IMG_SPLIT;
	else if (!strcmp(format, "e01") || !strcmp(format, "E01"))
		o.format = SPOOR_IMG_E01;
	else
		cli_usage_error("--format is raw, split or e01, not '%s'", format);
	if (o.format == SPOOR_IMG_SPLIT && !split_given)
		cli_usage_error("--format=split needs --split=SIZE%s", "");
	if (o.compression != SPOOR_COMPRESS_NONE &&
	    o.format != SPOOR_IMG_E01)
		cli_usage_error("--compression is for --format=e01%s", "");
	if (spoor_hash_parse(hash, &o.hash_mask, &err))
		cli_usage_error("%s", err.msg);
	if (verify_hash && !strcmp(verify_hash, "all"))
		o.verify_mask = o.hash_mask;
	else if (verify_hash &&
		 spoor_hash_parse(verify_hash, &o.verify_mask, &err))
		cli_usage_error("--verify-hash: %s", err.msg);
	if (o.verify_mask & ~o.hash_mask)
		cli_usage_error("--verify-hash '%s' names a digest that "
				"--hash does not compute", verify_hash);
	cli_set_verbosity(verbose);
	if (r.mode == PROG_AUTO)
		r.mode = isatty(STDERR_FILENO) && verbose >= 0 ? PROG_BAR
							       : PROG_OFF;

	if (case_dir) {
		/* before imaging: a missing case or a taken id is found now */
		exhibit = exhibit ? exhibit : o.meta.evidence_number;
		if (!exhibit)
			cli_usage_error("-C needs --exhibit=ID (or "
					"--evidence)%s", "");
		if (!(o.hash_mask & SPOOR_SHA256))
			cli_usage_error("-C needs sha256 in --hash%s", "");
		cc = cli_case_open(case_dir);
		cli_case_new_exhibit(cc, exhibit);
		case_meta(cc, case_dir, &o.meta);
	}
	ctx = cli_ctx_new();
	if (set_ro && spoor_dev_set_readonly(source, &err))
		cli_die(cli_exit_for(err.code), "%s", err.msg);
	cmdline = cli_command_line(argc, argv);
	o.program = "spoor-acquire";
	o.version = SPOOR_VERSION_STRING;
	o.command_line = cmdline;
	o.on_progress = r.mode == PROG_OFF ? NULL : on_progress;
	o.userdata = &r;
	spoor_err_clear(&err);
	the_acq = spoor_acquire_new(ctx, source, output, &o, &err);
	if (!the_acq) {
		rc = err.code;
		cli_error("%s", err.msg);
		free(cmdline);
		spoor_ctx_free(ctx);
		cli_case_close(cc);
		return cli_exit_for(rc);
	}
	{
		const struct spoor_devinfo *d = spoor_acquire_source(the_acq);

		if (d->is_blockdev && d->readonly == 0)
			cli_warn("'%s' is writable: use a write blocker or "
				 "--set-readonly", source);
		if (d->mounted)
			cli_warn("'%s' is mounted on '%s': the image will "
				 "not be consistent", source, d->mountpoint);
	}
	cli_on_interrupt(on_interrupt);
	if (cli_interrupted())
		spoor_acquire_interrupt(the_acq);
	signal(SIGPIPE, SIG_IGN);

	r.start = r.last_t = cli_now();
	spoor_err_clear(&err);
	rc = spoor_acquire_run(the_acq, &err);
	bar_clear(&r);
	res = spoor_acquire_result(the_acq);
	if (rc && rc != SPOOR_ESTOPPED && !(rc == SPOOR_EIO && res->completed))
		cli_error("%s", err.msg);
	if (res->completed)
		for (unsigned bit = 1; bit <= SPOOR_SHA512; bit <<= 1) {
			char hx[2 * SPOOR_HASH_MAXLEN + 1];

			if (!(res->digests.mask & bit))
				continue;
			spoor_hex(spoor_digest_get(&res->digests, bit),
				  spoor_hash_len(bit), hx);
			printf("%s  %s\n", spoor_hash_name(bit), hx);
		}
	if (res->bad_sectors)
		cli_warn("%llu sectors unreadable in %zu ranges (filled; see "
			 "'%s')", (unsigned long long)res->bad_sectors,
			 res->nbad, res->log_path);
	if (res->verify == SPOOR_VERIFY_MISMATCH)
		cli_error("verification failed: the image does not match");

	exit_code = EXIT_OK;
	if (res->interrupted) {
		cli_error("interrupted; continue with --resume (map '%s')",
			  res->map_path);
		exit_code = EXIT_INTERRUPTED;
	} else if (!res->completed) {
		exit_code = cli_exit_for(rc ? rc : SPOOR_EINTERNAL);
	} else if (rc == SPOOR_EOUTPUT) {
		exit_code = EXIT_OUTPUT;	/* the map, after the image */
	} else if (res->verify == SPOOR_VERIFY_MISMATCH) {
		exit_code = EXIT_NO;
	} else if (res->verify == SPOOR_VERIFY_FAILED) {
		exit_code = EXIT_INPUT;
	} else if (res->bad_sectors) {
		exit_code = EXIT_PARTIAL;
	}
	logs_ok = !spoor_acquire_write_logs(the_acq, &err);
	if (!logs_ok) {
		cli_error("%s", err.msg);
		exit_code = cli_exit_merge(exit_code, EXIT_OUTPUT);
	}
	if (cc && res->completed && !logs_ok) {
		cli_warn("the acquisition log could not be written: not "
			 "registered in '%s'", case_dir);
		cli_case_close(cc);
	} else if (cc && res->completed) {
		rc = cli_case_acquired(cc, exhibit, res, argc, argv);
		exit_code = cli_exit_merge(exit_code, rc);
	} else if (cc) {
		cli_warn("the image is not complete: not registered in '%s'",
			 case_dir);
		cli_case_close(cc);
	}
	summary(res);
	spoor_acquire_free(the_acq);
	the_acq = NULL;
	spoor_ctx_free(ctx);
	free(cmdline);
	cli_close_stdout();
	return exit_code;
}
