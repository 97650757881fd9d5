/*
 * spoor-files: walk every file of evidence (disk images, directories,
 * single files), hash each in one read, classify it with libmagic, and
 * stream one record per file as JSON Lines, CSV, DFXML or a TSK bodyfile.
 */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#include "banned.h"

static const char synopsis[] =
	"usage: spoor-files [-hqVv] [-f FSTYPE] [-i IMGTYPE] [-j N] [-o FILE]\n"
	"                   [--format=jsonl|csv|dfxml|bodyfile] [--hash=LIST]\n"
	"                   [--no-magic] [--no-pdq] [--offset=SECTORS]\n"
	"                   [--partition=N]\n"
	"                   [--exhibit=ID] [--progress|--no-progress]\n"
	"                   [--hashdb=SET.sdb]... [--skip-known] [--triage]\n"
	"                   [--no-alert-exit] [--fs-tz=ZONE]\n"
	"                   [-C CASE [--replace]] EVIDENCE...\n";

static const char help_text[] =
	"\n"
	"Walk every file of EVIDENCE (a disk or partition image: raw, split raw\n"
	"given by its first segment, E01, VMDK, VHD; a directory; or a single\n"
	"file): allocated, deleted and orphan files, NTFS streams, directories\n"
	"and links.  Each file's content is read once for all digests and its\n"
	"type.  Evidence is only read, never written.\n"
	"\n"
	"  -f, --fstype=FSTYPE    file system type (ext4, fat, ntfs, iso9660, ...)\n"
	"  -i, --imgtype=IMGTYPE  image type (raw, ewf, vmdk, vhd, ...; 'file':\n"
	"                         hash EVIDENCE as one plain file)\n"
	"      --offset=SECTORS   only the file system at this sector offset\n"
	"      --partition=N      only partition N (the slot mmls prints)\n"
	"      --exhibit=ID       exhibit id in records (default: file name)\n"
	"      --fs-tz=ZONE       zone of the clock that wrote FAT, exFAT and\n"
	"                         ISO 9660 times (they store local time):\n"
	"                         +HH:MM or an IANA name; default UTC\n"
	"      --format=FORMAT    jsonl (default), csv, dfxml, bodyfile\n"
	"      --hash=LIST        md5,sha1,sha256 (default), sha512, or none\n"
	"      --no-magic         do not classify with libmagic (nor PDQ)\n"
	"      --no-pdq           no PDQ perceptual hash of pictures (pdq,\n"
	"                         pdq_quality)\n"
	"      --hashdb=SET.sdb   match files against a hash set (repeatable);\n"
	"                         records gain 'hashsets', known-bad hits and\n"
	"                         PDQ near matches are ALERT lines on stderr\n"
	"                         at once\n"
	"      --skip-known       leave out files found in a 'known' set\n"
	"      --triage           first hash pictures, videos, archives and\n"
	"                         chat databases (alerts only), then the rest\n"
	"      --no-alert-exit    do not exit 1 on a known-bad hit\n"
	"  -C, --case-dir=CASE    also record into CASE (spoor-case): each\n"
	"                         EVIDENCE must be a registered exhibit; the\n"
	"                         records join the case when the run ends\n"
	"      --replace          with -C: replace the records of an earlier\n"
	"                         spoor-files run on the same exhibits\n"
	"  -j, --threads=N        hashing threads (default: CPUs, at most 4;\n"
	"                         1: single-threaded)\n"
	"  -o, --output=FILE      write records to FILE (default: stdout; a\n"
	"                         bare number is refused: see --offset)\n"
	"      --progress         show a progress bar on stderr (default: when\n"
	"      --no-progress      stderr is a terminal)\n"
	"  -q, --quiet            errors only; no summary\n"
	"  -v, --verbose          more messages (twice: debug)\n"
	"  -V, --version          print the version\n"
	"  -h, --help             print this help\n"
	"\n"
	"Exit: 0 ok; 1 a known-bad hit or PDQ near match (see --hashdb); 2\n"
	"usage; 3 evidence unreadable or not recognised; 4 output failed; 5\n"
	"finished, but files, directories or partitions could not be read, or\n"
	"pictures not decoded for PDQ (see the summary); 130 interrupted\n"
	"(SIGINT, SIGTERM).  See spoor-files(1).\n";

enum {
	OPT_FORMAT = 256, OPT_HASH, OPT_NO_MAGIC, OPT_OFFSET, OPT_PARTITION,
	OPT_EXHIBIT, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_HASHDB, OPT_SKIP_KNOWN,
	OPT_NO_ALERT_EXIT, OPT_TRIAGE, OPT_FS_TZ, OPT_NO_PDQ, OPT_REPLACE,
};

static const struct option long_opts[] = {
	{ "case-dir", required_argument, NULL, 'C' },
	{ "exhibit", required_argument, NULL, OPT_EXHIBIT },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "fs-tz", required_argument, NULL, OPT_FS_TZ },
	{ "fstype", required_argument, NULL, 'f' },
	{ "hash", required_argument, NULL, OPT_HASH },
	{ "hashdb", required_argument, NULL, OPT_HASHDB },
	{ "help", no_argument, NULL, 'h' },
	{ "imgtype", required_argument, NULL, 'i' },
	{ "no-alert-exit", no_argument, NULL, OPT_NO_ALERT_EXIT },
	{ "no-magic", no_argument, NULL, OPT_NO_MAGIC },
	{ "no-pdq", no_argument, NULL, OPT_NO_PDQ },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "offset", required_argument, NULL, OPT_OFFSET },
	{ "output", required_argument, NULL, 'o' },
	{ "partition", required_argument, NULL, OPT_PARTITION },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "replace", no_argument, NULL, OPT_REPLACE },
	{ "skip-known", no_argument, NULL, OPT_SKIP_KNOWN },
	{ "threads", required_argument, NULL, 'j' },
	{ "triage", no_argument, NULL, OPT_TRIAGE },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char *const csv_columns[] = {
	"exhibit", "partition", "partition_offset", "fstype", "path",
	"path_hex", "name", "name_hex", "type", "inode", "attr", "stream",
	"allocated", "orphan", "size", "mtime", "atime", "ctime", "crtime",
	"md5", "sha1", "sha256", "sha512", "mime", "magic", "category",
	"ext_mismatch", "recovery", "error", "link_target", "mode", "uid",
	"gid", "hashsets", "fs_time_zone", "fs_time_flags", "pdq",
	"pdq_quality", "pdq_error", NULL,
};

struct hashdbs;

static struct spoor_scan *the_scan;

struct run {
	struct hashdbs *hdb;	/* NULL without --hashdb */
	struct spoor_writer *writer;
	enum spoor_format fmt;
	struct cli_progress progress;
	int write_rc;
	struct spoor_err write_err;
	struct cli_case *cc;	/* -C CASE, or NULL */
};

/* SIGINT, SIGTERM (cli_on_interrupt): the scan stops at its next file */
static void on_interrupt(void)
{
	if (the_scan)
		spoor_scan_interrupt(the_scan);
}

/* ---- hash sets (--hashdb, --skip-known, --triage) ---- */

#define MAX_HASHDBS 64
#define MAX_ALERTED 100000	/* triage alerts remembered to not repeat */

struct hashdbs {
	struct spoor_hashdb *db[MAX_HASHDBS];
	struct spoor_hashdb_info info[MAX_HASHDBS];
	size_t n;
	struct spoor_record hits[MAX_HASHDBS];	/* of the current file */
	char pdq_hex[MAX_HASHDBS][SPOOR_PDQ_HEX];	/* entries matched */
	bool skip_known, triage_pass;
	uint64_t known_bad, notable, known, skipped;
	size_t unusable;	/* sets that can match nothing: exit 5 */
	uint64_t near_bad, near_other, low_quality;	/* PDQ */
	char **alerted;		/* "hex set path" alerted by --triage */
	size_t nalerted;
};

static void hashdbs_open(struct hashdbs *h, const char *path,
			 unsigned hash_mask)
{
	struct spoor_err err;
	bool usable = false;
	uint64_t total = 0;

	if (h->n >= MAX_HASHDBS)
		cli_die(EXIT_USAGE, "at most %d --hashdb sets", MAX_HASHDBS);
	h->db[h->n] = spoor_hashdb_open(path, &err);
	if (!h->db[h->n])
		cli_die(cli_exit_for(err.code), "%s", err.msg);
	spoor_hashdb_get_info(h->db[h->n], &h->info[h->n]);
	for (int a = 0; a < SPOOR_HASH_NALGS; a++) {
		if (h->info[h->n].count[a] && (hash_mask & (1u << a)))
			usable = true;
		total += h->info[h->n].count[a];
	}
	usable = usable || h->info[h->n].pdq_count;
	total += h->info[h->n].pdq_count;
	/* an empty set must never pass for a check that was made */
	if (!total)
		cli_warn("'%s' holds no digests at all: no file was checked "
			 "against it", path);
	else if (!usable)
		cli_warn("'%s' has no digests of the algorithms of --hash: "
			 "nothing will match it", path);
	h->unusable += !usable;
	h->n++;
}

static void hashdbs_close(struct hashdbs *h)
{
	for (size_t i = 0; i < h->n; i++)
		spoor_hashdb_close(h->db[i]);
	for (size_t i = 0; i < h->nalerted; i++)
		free(h->alerted[i]);
	free(h->alerted);
}

/* Print an ALERT line at once.  The path comes from the evidence:
 * control bytes are shown as '?' so that a name cannot rewrite the
 * terminal; the record keeps the real bytes. */
static void hashdb_alert(struct hashdbs *h, struct cli_progress *prog,
			 const struct spoor_file *f, unsigned alg,
			 const char *set, const char *cat)
{
	char hex[2 * SPOOR_HASH_MAXLEN + 1], path[1024], *key;
	size_t n = f->path_len < sizeof(path) ? f->path_len
		   : sizeof(path) - 1, klen;

	spoor_hex(spoor_digest_get(&f->digests, alg), spoor_hash_len(alg),
		  hex);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)f->path[i];

		path[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	path[n] = '\0';
	klen = strlen(hex) + strlen(set) + n + 3;
	key = malloc(klen);
	if (key)
		snprintf(key, klen, "%s %s %s", hex, set, path);
	for (size_t i = 0; key && !h->triage_pass && i < h->nalerted; i++)
		if (!strcmp(h->alerted[i], key)) {
			free(key);
			return;	/* already alerted in the triage pass */
		}
	if (key && h->triage_pass && h->nalerted < MAX_ALERTED) {
		char **p = realloc(h->alerted,
				   (h->nalerted + 1) * sizeof(*p));

		if (p) {
			h->alerted = p;
			p[h->nalerted++] = key;
			key = NULL;
		}
	}
	free(key);
	cli_progress_clear(prog);
	fprintf(stderr, "%s: ALERT: known-bad: '%s' %s %s set %s category "
		"%s\n", cli_progname(), path, spoor_hash_name(alg), hex, set,
		*cat ? cat : "-");
	fflush(stderr);
}

/* The near-match ALERT line (path shown as in hashdb_alert). */
static void near_alert(struct cli_progress *prog, const struct spoor_file *f,
		       const struct spoor_pdq_match *m, const char *set)
{
	char path[1024];
	size_t n = f->path_len < sizeof(path) ? f->path_len
		   : sizeof(path) - 1;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)f->path[i];

		path[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	path[n] = '\0';
	cli_progress_clear(prog);
	fprintf(stderr, "%s: ALERT: near-match: '%s' pdq distance %d to set "
		"%s category %s\n", cli_progname(), path, m->distance, set,
		*m->category ? m->category : "-");
	fflush(stderr);
}

/*
 * PDQ near matches of a picture in the sets that have PDQ entries:
 * appended to h->hits from nhits on; returns the new count.
 */
static size_t pdq_match(struct hashdbs *h, struct cli_progress *prog,
			const struct spoor_file *f, size_t nhits)
{
	bool low = false;

	if (!f->has_pdq)
		return nhits;
	for (size_t i = 0; i < h->n; i++) {
		struct spoor_pdq_match m;
		struct spoor_record *hit = &h->hits[nhits];

		if (!h->info[i].pdq_count)
			continue;
		if (f->pdq.quality < h->info[i].pdq_min_quality) {
			low = true;
			continue;
		}
		if (!spoor_hashdb_pdq_nearest(h->db[i], f->pdq_dihedral,
					      SPOOR_PDQ_NDIHEDRAL,
					      f->pdq.quality, &m))
			continue;
		if (h->info[i].kind == SPOOR_HDB_KNOWN_BAD) {
			near_alert(prog, f, &m, h->info[i].name);
			h->near_bad++;
		} else {
			h->near_other++;
		}
		spoor_pdq_hex(m.hash, h->pdq_hex[nhits]);
		spoor_record_init(hit, "hashset");
		spoor_record_str(hit, "set", h->info[i].name);
		spoor_record_str(hit, "kind",
				 spoor_hashdb_kind_name(h->info[i].kind));
		spoor_record_str(hit, "category",
				 *m.category ? m.category : NULL);
		spoor_record_str(hit, "match", "pdq");
		spoor_record_int(hit, "distance", m.distance);
		spoor_record_str(hit, "pdq", h->pdq_hex[nhits]);
		spoor_record_str(hit, "dihedral",
				 spoor_pdq_dihedral_name(m.dihedral));
		if (*m.label)
			spoor_record_str(hit, "label", m.label);
		if (*m.photodna)
			spoor_record_str(hit, "photodna", m.photodna);
		nhits++;
	}
	h->low_quality += low;
	return nhits;
}

/*
 * Look a file up in every set; add `hashsets` to rec (when not NULL) and
 * alert on known-bad hits.  Returns true when --skip-known leaves the
 * record out: a hit in a known set and in no other kind.
 */
static bool hashdb_match(struct hashdbs *h, struct cli_progress *prog,
			 const struct spoor_file *f, struct spoor_record *rec)
{
	size_t nhits = 0, exact;
	bool known = false, other = false;

	if (!f->hashed && !f->has_pdq) {
		if (rec)
			spoor_record_null(rec, "hashsets");
		return false;
	}
	for (size_t i = 0; i < h->n; i++) {
		const char *cat = "";
		unsigned alg = f->hashed ?
			       spoor_hashdb_lookup_digests(h->db[i],
							   &f->digests, &cat)
			       : 0;
		struct spoor_record *hit = &h->hits[nhits];

		if (!alg)
			continue;
		switch (h->info[i].kind) {
		case SPOOR_HDB_KNOWN:
			known = true;
			break;
		case SPOOR_HDB_NOTABLE:
			other = true;
			break;
		case SPOOR_HDB_KNOWN_BAD:
			other = true;
			hashdb_alert(h, prog, f, alg, h->info[i].name, cat);
			break;
		}
		if (h->triage_pass)
			continue;
		h->known_bad += h->info[i].kind == SPOOR_HDB_KNOWN_BAD;
		h->notable += h->info[i].kind == SPOOR_HDB_NOTABLE;
		h->known += h->info[i].kind == SPOOR_HDB_KNOWN;
		spoor_record_init(hit, "hashset");
		spoor_record_str(hit, "set", h->info[i].name);
		spoor_record_str(hit, "kind",
				 spoor_hashdb_kind_name(h->info[i].kind));
		spoor_record_str(hit, "category", *cat ? cat : NULL);
		nhits++;
	}
	exact = nhits;
	if (!h->triage_pass)
		nhits = pdq_match(h, prog, f, nhits);
	if (rec)
		spoor_record_list(rec, "hashsets", h->hits, nhits);
	if (h->skip_known && known && !other && nhits == exact) {
		h->skipped++;
		return true;
	}
	return false;
}

/* --triage, first pass: only what the name says is a picture, video,
 * archive or chat database is read; hits are alerted, nothing written */
static bool triage_select(void *ud, const struct spoor_file *f)
{
	(void)ud;
	switch (spoor_category_guess(f->name)) {
	case SPOOR_CAT_IMAGE:
	case SPOOR_CAT_VIDEO:
	case SPOOR_CAT_ARCHIVE:
	case SPOOR_CAT_CHAT_DATABASE:
		return true;
	default:
		return false;
	}
}

static int triage_on_file(void *ud, const struct spoor_file *f)
{
	struct run *r = ud;

	hashdb_match(r->hdb, &r->progress, f, NULL);
	return SPOOR_OK;
}

/* Run the first --triage pass over all evidence, so that alerts come
 * before the long full walk.  Its own scan and a silent context: the
 * second pass reports every problem once. */
static void triage_pass(struct run *r, const struct spoor_scan_opts *so,
			const struct spoor_source_opts *src, int n,
			char **evidence)
{
	struct spoor_scan_opts o = *so;
	struct spoor_ctx *ctx = spoor_ctx_new();
	struct spoor_scan *main_scan = the_scan, *scan;
	struct spoor_err err;

	o.select = triage_select;
	o.magic = false;	/* digests are all the first pass needs */
	o.on_file = triage_on_file;
	o.on_progress = NULL;
	o.estimate = false;
	o.userdata = r;
	scan = ctx ? spoor_scan_new(ctx, &o, &err) : NULL;
	if (!scan) {
		cli_warn("--triage: cannot start the first pass");
		spoor_ctx_free(ctx);
		return;
	}
	r->hdb->triage_pass = true;
	the_scan = scan;
	for (int i = 0; i < n && !cli_interrupted(); i++)
		spoor_scan_evidence(scan, evidence[i], src, &err);
	the_scan = main_scan;
	r->hdb->triage_pass = false;
	spoor_scan_free(scan);
	spoor_ctx_free(ctx);
}

static int on_file(void *ud, const struct spoor_file *f)
{
	struct run *r = ud;
	struct spoor_file_recbuf buf;
	struct spoor_record rec, fn;
	char fn_attr[16];

	spoor_file_record(f, &rec, &buf);
	if (r->fmt == SPOOR_FMT_DFXML && f->nruns)
		spoor_record_runs(&rec, "byte_runs", f->runs, f->nruns);
	if (r->fmt == SPOOR_FMT_BODYFILE && f->has_fn) {
		/* NTFS $FILE_NAME times: a line of their own in the
		 * bodyfile, as fls -m writes it */
		snprintf(fn_attr, sizeof(fn_attr), "48-%u",
			 (unsigned)f->fn_attr_id);
		spoor_record_init(&fn, "file_name");
		spoor_record_str(&fn, "attr", fn_attr);
		spoor_record_uint(&fn, "size", f->fn_size);
		spoor_record_time(&fn, "atime", &f->fn_atime);
		spoor_record_time(&fn, "mtime", &f->fn_mtime);
		spoor_record_time(&fn, "ctime", &f->fn_ctime);
		spoor_record_time(&fn, "crtime", &f->fn_crtime);
		spoor_record_list(&rec, "file_name", &fn, 1);
	}
	if (r->hdb && hashdb_match(r->hdb, &r->progress, f, &rec))
		return SPOOR_OK;	/* --skip-known */
	if (f->error && cli_verbosity() >= 0) {
		cli_progress_clear(&r->progress);
		cli_warn("'%s': '%.*s': %s", f->exhibit, (int)f->path_len,
			 f->path, f->error);
	}
	if (f->pdq_error && cli_verbosity() >= 1) {
		/* counted in the summary; each one with -v */
		cli_progress_clear(&r->progress);
		cli_warn("'%s': '%.*s': no PDQ: %s", f->exhibit,
			 (int)f->path_len, f->path, f->pdq_error);
	}
	r->write_rc = spoor_writer_write(r->writer, &rec, &r->write_err);
	if (!r->write_rc && r->cc && cli_case_record(r->cc, "file", &rec)) {
		r->write_rc = r->write_err.code = SPOOR_EOUTPUT;
		snprintf(r->write_err.msg, sizeof(r->write_err.msg),
			 "cannot record into the case");
	}
	return r->write_rc;
}

static void on_progress(void *ud, const struct spoor_progress *p)
{
	struct run *r = ud;

	cli_progress_update(&r->progress, p);
	cli_case_tick(r->cc);
}

static void summary(const struct spoor_scan_stats *st, double secs)
{
	char bytes[32], rate[32], cats[512] = "";
	size_t used = 0;

	if (cli_verbosity() < 0)
		return;
	cli_human_bytes(st->bytes, bytes, sizeof(bytes));
	cli_human_bytes(secs > 0 ? (uint64_t)((double)st->bytes / secs) : 0,
			rate, sizeof(rate));
	fprintf(stderr, "%s: %llu files, %s read in %.1f s (%s/s)\n",
		cli_progname(), (unsigned long long)st->files, bytes, secs,
		rate);
	fprintf(stderr, "%s: %llu deleted, %llu unreadable, %llu recovered "
		"by heuristic, %llu without content\n", cli_progname(),
		(unsigned long long)st->deleted,
		(unsigned long long)st->unreadable,
		(unsigned long long)st->heuristic,
		(unsigned long long)st->no_content);
	for (int c = 0; c < SPOOR_CAT_COUNT; c++) {
		int n;

		if (!st->by_category[c])
			continue;
		n = snprintf(cats + used, sizeof(cats) - used, "%s%s %llu",
			     used ? ", " : "", spoor_category_name(c),
			     (unsigned long long)st->by_category[c]);
		if (n < 0 || (size_t)n >= sizeof(cats) - used)
			break;
		used += (size_t)n;
	}
	if (used)
		fprintf(stderr, "%s: by category: %s\n", cli_progname(), cats);
	if (st->pdq || st->pdq_failed || st->pdq_unsupported)
		fprintf(stderr, "%s: PDQ: %llu pictures hashed, %llu not "
			"decoded, %llu of a type not decoded\n",
			cli_progname(), (unsigned long long)st->pdq,
			(unsigned long long)st->pdq_failed,
			(unsigned long long)st->pdq_unsupported);
	fprintf(stderr, "%s: %llu file systems walked, %llu partitions not "
		"walked, %llu directories unreadable\n", cli_progname(),
		(unsigned long long)st->volumes,
		(unsigned long long)st->volumes_skipped,
		(unsigned long long)st->walk_errors);
}

static int default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 4 ? 4 : (int)n;
}

int main(int argc, char **argv)
{
	struct spoor_source_opts src = { NULL, NULL, NULL, -1, -1, NULL };
	struct spoor_tz *fs_tz = NULL;
	struct spoor_scan_opts so = { 0 };
	struct spoor_writer_info info = { 0 };
	struct spoor_err err;
	struct run r;
	struct spoor_ctx *ctx;
	const char *format = "jsonl", *hash = "md5,sha1,sha256";
	const char *output = NULL, *case_dir = NULL, *exhibit = NULL;
	int verbose = 0, progress_mode = -1, threads = default_threads();
	int exit_code = EXIT_OK, c;
	struct hashdbs *hdb = NULL;
	const char *hashdb_paths[MAX_HASHDBS];
	size_t nhashdb = 0;
	bool skip_known = false, alert_exit = true, triage = false;
	bool replace = false;
	char *cmdline;
	double t0;
	FILE *out;
	int64_t v;

	cli_init(argv[0]);
	cli_set_synopsis(synopsis);
	memset(&r, 0, sizeof(r));
	so.magic = true;
	so.pdq = true;
	while ((c = getopt_long(argc, argv, "C:f:hi:j:o:qVv", long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'C':
			case_dir = optarg;
			break;
		case 'f':
			src.fs_type = optarg;
			break;
		case 'h':
			fputs(synopsis, stdout);
			fputs(help_text, stdout);
			cli_close_stdout();
			return EXIT_OK;
		case 'i':
			src.img_type = optarg;
			break;
		case 'j':
			if (cli_parse_int(optarg, 1, 64, &v))
				cli_usage_error("-j takes a number from 1 to 64, "
					    "not '%s'", optarg);
			threads = (int)v;
			break;
		case 'o':
			output = optarg;
			/* fls -o 63 disk.dd: a TSK offset, not a file name */
			if (cli_parse_int(optarg, 0, INT64_MAX, &v) == 0 &&
			    !cli_optarg_long(argv))
				cli_usage_error("-o takes the output FILE, "
					"not a sector offset ('%s'): use "
					"--offset=SECTORS, or "
					"--output=FILE for a file named so",
					optarg);
			break;
		case 'q':
			verbose = -1;
			break;
		case 'V':
			cli_version();
		case 'v':
			verbose = verbose < 0 ? 1 : verbose + 1;
			break;
		case OPT_FS_TZ:
			spoor_tz_free(fs_tz);
			fs_tz = cli_tz_arg("--fs-tz", optarg);
			src.fs_tz = fs_tz;
			break;
		case OPT_EXHIBIT:
			src.exhibit = optarg;
			break;
		case OPT_FORMAT:
			format = optarg;
			break;
		case OPT_HASH:
			hash = optarg;
			break;
		case OPT_NO_MAGIC:
			so.magic = false;
			break;
		case OPT_NO_PDQ:
			so.pdq = false;
			break;
		case OPT_OFFSET:
			if (cli_parse_int(optarg, 0, INT64_MAX / 4096, &v))
				cli_usage_error("--offset takes a sector number, "
					    "not '%s'", optarg);
			src.offset_sectors = v;
			break;
		case OPT_PARTITION:
			if (cli_parse_int(optarg, 0, 1 << 20, &v))
				cli_usage_error("--partition takes a slot number, "
					    "not '%s'", optarg);
			src.partition = v;
			break;
		case OPT_PROGRESS:
			progress_mode = 1;
			break;
		case OPT_NO_PROGRESS:
			progress_mode = 0;
			break;
		case OPT_HASHDB:
			if (nhashdb >= MAX_HASHDBS)
				cli_usage_error("at most 64 --hashdb sets%s", "");
			hashdb_paths[nhashdb++] = optarg;
			break;
		case OPT_SKIP_KNOWN:
			skip_known = true;
			break;
		case OPT_NO_ALERT_EXIT:
			alert_exit = false;
			break;
		case OPT_TRIAGE:
			triage = true;
			break;
		case OPT_REPLACE:
			replace = true;
			break;
		default:
			cli_usage_error(NULL, NULL);
		}
	}
	if (optind >= argc)
		cli_usage_error("no EVIDENCE given", NULL);
	if (src.exhibit && argc - optind > 1)
		cli_usage_error("--exhibit names one exhibit; %s", "give one "
			    "EVIDENCE per run");
	if (src.offset_sectors >= 0 && src.partition >= 0)
		cli_usage_error("--offset and --partition exclude each other%s",
			    "");
	if (spoor_format_parse(format, &r.fmt, &err))
		cli_usage_error("%s", err.msg);
	if (!strcmp(hash, "none"))
		so.hash_mask = 0;
	else if (spoor_hash_parse(hash, &so.hash_mask, &err))
		cli_usage_error("%s", err.msg);
	if ((skip_known || triage) && !nhashdb)
		cli_usage_error("--skip-known and --triage need --hashdb%s", "");
	if (nhashdb && !so.hash_mask)
		cli_usage_error("--hashdb needs digests: not --hash=none%s", "");
	if (replace && !case_dir)
		cli_usage_error("--replace needs -C CASE%s", "");
	cli_set_verbosity(verbose);
	if (nhashdb) {
		hdb = calloc(1, sizeof(*hdb));
		if (!hdb)
			cli_die(EXIT_OUTPUT, "out of memory");
		for (size_t i = 0; i < nhashdb; i++)
			hashdbs_open(hdb, hashdb_paths[i], so.hash_mask);
		hdb->skip_known = skip_known;
		r.hdb = hdb;
	}

	ctx = cli_ctx_new();
	cli_progress_init(&r.progress, progress_mode);
	exhibit = src.exhibit;
	if (case_dir) {
		r.cc = cli_case_open(case_dir);
		for (int i = optind; i < argc; i++)
			cli_case_exhibit(r.cc, argv[i], exhibit);
	}

	out = cli_output_open(output);
	cmdline = cli_command_line(argc, argv);
	info.program = "spoor-files";
	info.version = SPOOR_VERSION_STRING;
	info.command_line = cmdline;
	info.sources = (const char *const *)(argv + optind);
	r.writer = spoor_writer_new(out, r.fmt, csv_columns, &info, &err);
	if (!r.writer)
		cli_die(EXIT_OUTPUT, "%s", err.msg);

	so.threads = threads;
	so.estimate = r.progress.enabled;
	so.on_file = on_file;
	so.on_progress = on_progress;
	so.userdata = &r;
	the_scan = spoor_scan_new(ctx, &so, &err);
	if (!the_scan)
		cli_die(cli_exit_for(err.code), "%s", err.msg);
	/* the run begins last: nothing after it dies without ending it */
	if (r.cc)
		cli_case_begin(r.cc, "spoor-files", argc, argv,
			       "file listing, hashing and classification",
			       replace);
	cli_on_interrupt(on_interrupt);
	if (cli_interrupted())
		spoor_scan_interrupt(the_scan);
	signal(SIGPIPE, SIG_IGN);

	t0 = cli_now();
	if (triage)
		triage_pass(&r, &so, &src, argc - optind, argv + optind);
	for (int i = optind; i < argc && !cli_interrupted(); i++) {
		int rc;

		spoor_err_clear(&err);
		if (r.cc)
			src.exhibit = cli_case_exhibit(r.cc, argv[i], exhibit);
		rc = spoor_scan_evidence(the_scan, argv[i], &src, &err);
		cli_progress_clear(&r.progress);
		if (!rc)
			continue;
		if (r.write_rc) {
			cli_error("%s", r.write_err.msg);
			exit_code = EXIT_OUTPUT;
			break;
		}
		if (rc == SPOOR_ESTOPPED || cli_interrupted())
			break;	/* said once, below */
		cli_error("%s", err.msg);
		exit_code = cli_exit_merge(exit_code, cli_exit_for(rc));
		if (rc == SPOOR_EAMBIGUOUS)
			cli_error("choose the file system with -f FSTYPE");
	}
	if (cli_interrupted())
		cli_error("%s", cli_interrupt_name());
	if (!r.write_rc && spoor_writer_finish(r.writer, &err)) {
		cli_error("%s", err.msg);
		exit_code = EXIT_OUTPUT;
	}
	if (cli_output_commit(out, exit_code != EXIT_OUTPUT &&
			      !cli_interrupted()))
		exit_code = EXIT_OUTPUT;
	{
		const struct spoor_scan_stats *st = spoor_scan_stats(the_scan);

		summary(st, cli_now() - t0);
		if (st->unreadable || st->volumes_skipped || st->walk_errors ||
		    st->pdq_failed)
			exit_code = cli_exit_merge(exit_code, EXIT_PARTIAL);
	}
	if (hdb) {
		if (cli_verbosity() >= 0)
			fprintf(stderr, "%s: hash sets: %llu known-bad, %llu "
				"notable, %llu known hits; %llu known files "
				"left out\n", cli_progname(),
				(unsigned long long)hdb->known_bad,
				(unsigned long long)hdb->notable,
				(unsigned long long)hdb->known,
				(unsigned long long)hdb->skipped);
		if (cli_verbosity() >= 0 &&
		    (hdb->near_bad || hdb->near_other || hdb->low_quality))
			fprintf(stderr, "%s: PDQ near matches: %llu known-bad, "
				"%llu other; %llu pictures below a set's "
				"quality floor not matched\n", cli_progname(),
				(unsigned long long)hdb->near_bad,
				(unsigned long long)hdb->near_other,
				(unsigned long long)hdb->low_quality);
		/* a known-bad hit or near match must not hide behind a
		 * lesser failure: only a failed output (4) wins over it */
		if ((hdb->known_bad || hdb->near_bad) && alert_exit)
			exit_code = cli_exit_merge(exit_code, EXIT_NO);
		if (hdb->unusable)
			exit_code = cli_exit_merge(exit_code, EXIT_PARTIAL);
		hashdbs_close(hdb);
	}
	if (r.cc) {
		const struct spoor_scan_stats *st = spoor_scan_stats(the_scan);
		char counts[256];

		snprintf(counts, sizeof(counts), "{\"files\":%llu,\"deleted\":"
			 "%llu,\"unreadable\":%llu,\"known_bad\":%llu,"
			 "\"near_match\":%llu,\"pdq\":%llu,"
			 "\"pdq_failed\":%llu}",
			 (unsigned long long)st->files,
			 (unsigned long long)st->deleted,
			 (unsigned long long)st->unreadable,
			 (unsigned long long)(hdb ? hdb->known_bad : 0),
			 (unsigned long long)(hdb ? hdb->near_bad : 0),
			 (unsigned long long)st->pdq,
			 (unsigned long long)st->pdq_failed);
		exit_code = cli_case_end(r.cc, exit_code, counts);
	}
	free(hdb);
	spoor_tz_free(fs_tz);
	spoor_writer_free(r.writer);
	spoor_scan_free(the_scan);
	spoor_ctx_free(ctx);
	free(cmdline);
	if (out == stdout)
		cli_close_stdout();
	if (cli_interrupted())
		return EXIT_INTERRUPTED;
	return exit_code;
}
