/*
 * spoor-report: build the signed evidence bundle of a case for the
 * police; check a bundle's content policy; RFC 3161 timestamps; signed
 * disclosure statements for a reporter pseudonym.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli.h"

#include "banned.h"

static const char synopsis[] =
	"usage: spoor-report -C CASE -o BUNDLE --key KEY --cert CERT\n"
	"                    [--chain CHAIN] --recipient UNIT [--lang nl|en]\n"
	"                    [--tagged-only] [--exclude-unfinished]\n"
	"                    [--timeline-window MINUTES]\n"
	"                    [--police-ref REF]\n"
	"                    [--passphrase-file F] [--pseudonymise ID]...\n"
	"                    [--master-key FILE --map-to CERT --map-out FILE]\n"
	"                    [--cc CODE] [--tz ZONE] [--crl FILE]...\n"
	"                    [--seal-to CERT --seal-request REF\n"
	"                     --seal-basis TEXT --seal RECORD-ID=FILE...]\n"
	"                    [-qv]\n"
	"       spoor-report check DIR\n"
	"       spoor-report pack BUNDLE -o OUT.tar\n"
	"       spoor-report timestamp-request BUNDLE -o REQ.tsq\n"
	"       spoor-report attach-timestamp [--request REQ.tsq] BUNDLE\n"
	"                    REPLY.tsr\n"
	"       spoor-report disclose --map FILE --map-key KEY --map-cert CERT\n"
	"                    [--map-passphrase-file F] --key KEY --cert CERT\n"
	"                    [--chain CHAIN] [--passphrase-file F]\n"
	"                    --consent-ref REF --consent-date DATE -o OUT\n"
	"                    PSEUDONYM\n"
	"       spoor-report -h | -V\n";

static const char help_text[] =
	"\n"
	"Build a signed evidence bundle (MANIFEST, MANIFEST.p7s, readme.txt,\n"
	"report/report.html, data/findings.json, data/case-uco.jsonld,\n"
	"data/hashes-flagged.json, custody/custody.log) from CASE.  Known-bad\n"
	"files are described by hashes only; every file is checked with\n"
	"libmagic before signing and the bundle is refused if it would hold\n"
	"an image or video.  The case's custody log gains an 'exported'\n"
	"event; case.db gains a row in the table 'exports'.\n"
	"\n"
	"  -C, --case=CASE        the case directory (case.db, custody.log)\n"
	"  -o, --output=PATH      the bundle directory to create (or, for\n"
	"                         timestamp-request and disclose, the file)\n"
	"      --key=KEY          examiner key (PEM or a provider URI)\n"
	"      --cert=CERT        examiner certificate (PEM)\n"
	"      --chain=CHAIN      issuing CA certificate(s) (PEM)\n"
	"      --passphrase-file=F  first line: the key's passphrase\n"
	"      --recipient=UNIT   the police unit the bundle is for\n"
	"      --police-ref=REF   the police reference, if any\n"
	"      --lang=nl|en       language of report.html (default nl)\n"
	"      --tagged-only      only tagged records, with the whole\n"
	"                         conversations of tagged messages\n"
	"      --timeline-window=MINUTES  the report's timeline shows what\n"
	"                         happened this long before and after each\n"
	"                         tagged item (default 30; 0: only what\n"
	"                         shares their second; at most 10080)\n"
	"      --exclude-unfinished  build even though a run of the case is\n"
	"                         unfinished (killed, or still running): the\n"
	"                         bundle names it as left out\n"
	"      --pseudonymise=ID  replace this identifier of the reporter\n"
	"                         (phone number in any format, name, e-mail)\n"
	"                         everywhere; repeatable, the first names the\n"
	"                         reporter\n"
	"      --master-key=FILE  organisation master key (64 hex digits)\n"
	"      --map-to=CERT      certificate the re-identification map is\n"
	"                         encrypted to (the organisation's own)\n"
	"      --map-out=FILE     where the sealed map goes (not the bundle)\n"
	"      --cc=CODE          country code of national numbers (31)\n"
	"      --tz=ZONE          zone of the local times shown beside UTC:\n"
	"                         +HH:MM or an IANA name (Europe/Amsterdam)\n"
	"      --crl=FILE         a CRL (DER or PEM) of the issuing CA, copied\n"
	"                         into certs/crl/ (repeatable)\n"
	"      --seal-to=CERT     police intake certificate the requested\n"
	"                         copies are encrypted to (AES-256-GCM)\n"
	"      --seal=ID=FILE     a requested copy: FILE must be the file of\n"
	"                         record ID (same SHA-256); repeatable\n"
	"      --seal-request=REF the police request's reference\n"
	"      --seal-basis=TEXT  its legal basis (both go into the custody\n"
	"                         log and data/findings.json)\n"
	"      --request=REQ.tsq  attach-timestamp: also check the nonce\n"
	"  -q, --quiet            errors only\n"
	"  -v, --verbose          more messages\n"
	"  -V, --version          print the version\n"
	"  -h, --help             print this help\n"
	"\n"
	"Exit: 0 ok; 1 check: the content policy is broken; 2 usage (also a\n"
	"case with an unfinished run, without --exclude-unfinished); 3 input\n"
	"unreadable, malformed or refused; 4 output failed; 130 interrupted.\n"
	"See spoor-report(1).\n";

enum {
	OPT_KEY = 256, OPT_CERT, OPT_CHAIN, OPT_PASSFILE, OPT_RECIPIENT,
	OPT_POLICE_REF, OPT_LANG, OPT_TAGGED, OPT_PSEUDO, OPT_MASTER,
	OPT_EXCLUDE_UNFINISHED,
	OPT_MAP_TO, OPT_MAP_OUT, OPT_CC, OPT_REQUEST, OPT_MAP, OPT_MAP_KEY,
	OPT_MAP_CERT, OPT_MAP_PASSFILE, OPT_CONSENT_REF, OPT_CONSENT_DATE,
	OPT_CRL, OPT_SEAL_TO, OPT_SEAL, OPT_SEAL_REQUEST, OPT_SEAL_BASIS,
	OPT_TZ, OPT_TL_WINDOW,
};

static const struct option long_opts[] = {
	{ "case", required_argument, NULL, 'C' },
	{ "cc", required_argument, NULL, OPT_CC },
	{ "cert", required_argument, NULL, OPT_CERT },
	{ "chain", required_argument, NULL, OPT_CHAIN },
	{ "consent-date", required_argument, NULL, OPT_CONSENT_DATE },
	{ "consent-ref", required_argument, NULL, OPT_CONSENT_REF },
	{ "crl", required_argument, NULL, OPT_CRL },
	{ "help", no_argument, NULL, 'h' },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "lang", required_argument, NULL, OPT_LANG },
	{ "map", required_argument, NULL, OPT_MAP },
	{ "map-cert", required_argument, NULL, OPT_MAP_CERT },
	{ "map-key", required_argument, NULL, OPT_MAP_KEY },
	{ "map-out", required_argument, NULL, OPT_MAP_OUT },
	{ "map-passphrase-file", required_argument, NULL, OPT_MAP_PASSFILE },
	{ "map-to", required_argument, NULL, OPT_MAP_TO },
	{ "master-key", required_argument, NULL, OPT_MASTER },
	{ "output", required_argument, NULL, 'o' },
	{ "passphrase-file", required_argument, NULL, OPT_PASSFILE },
	{ "police-ref", required_argument, NULL, OPT_POLICE_REF },
	{ "pseudonymise", required_argument, NULL, OPT_PSEUDO },
	{ "quiet", no_argument, NULL, 'q' },
	{ "recipient", required_argument, NULL, OPT_RECIPIENT },
	{ "request", required_argument, NULL, OPT_REQUEST },
	{ "seal", required_argument, NULL, OPT_SEAL },
	{ "seal-basis", required_argument, NULL, OPT_SEAL_BASIS },
	{ "seal-request", required_argument, NULL, OPT_SEAL_REQUEST },
	{ "seal-to", required_argument, NULL, OPT_SEAL_TO },
	{ "tagged-only", no_argument, NULL, OPT_TAGGED },
	{ "timeline-window", required_argument, NULL, OPT_TL_WINDOW },
	{ "tz", required_argument, NULL, OPT_TZ },
	{ "exclude-unfinished", no_argument, NULL, OPT_EXCLUDE_UNFINISHED },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

struct args {
	struct spoor_report_opts o;
	struct spoor_signer signer;
	struct spoor_disclosure_opts d;
	const char *out, *passfile, *map_passfile, *request;
	const char **ids, **crls;
	size_t nids, ncrls;
	struct spoor_seal_item *seal;
	size_t nseal;
	int verbosity;
};

/* --seal=RECORD-ID=FILE */
static void add_seal(struct args *a, char *arg)
{
	char *eq = strchr(arg, '='), *end;
	long long id;

	errno = 0;
	id = eq && arg[0] >= '1' && arg[0] <= '9' ? strtoll(arg, &end, 10) : 0;
	if (!eq || id <= 0 || errno || end != eq || !eq[1])
		cli_usage_error("--seal wants RECORD-ID=FILE, not '%s'", arg);
	a->seal = realloc(a->seal, (a->nseal + 1) * sizeof(*a->seal));
	if (!a->seal)
		cli_die(EXIT_OUTPUT, "out of memory");
	a->seal[a->nseal].record_id = id;
	a->seal[a->nseal++].path = eq + 1;
}

/* --timeline-window=MINUTES, 0 .. 10080 (a week); 0: none (-1) */
static int window(const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 0 || v > 10080 ||
	    *arg < '0' || *arg > '9')
		cli_usage_error("--timeline-window wants minutes from 0 to "
				"10080, not '%s'", arg);
	return v ? (int)v : -1;
}

static void parse(int argc, char **argv, struct args *a)
{
	int c;

	while ((c = getopt_long(argc, argv, "C:Vho:qv", long_opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'C': a->o.case_dir = optarg; break;
		case 'V': cli_version();
		case 'h':
			fputs(synopsis, stdout);
			fputs(help_text, stdout);
			cli_close_stdout();
			exit(EXIT_OK);
		case 'o': a->out = optarg; break;
		case 'q': a->verbosity = -1; break;
		case 'v': a->verbosity++; break;
		case OPT_KEY: a->signer.key = optarg; break;
		case OPT_CERT: a->signer.cert = optarg; break;
		case OPT_CHAIN: a->signer.chain = optarg; break;
		case OPT_PASSFILE: a->passfile = optarg; break;
		case OPT_RECIPIENT: a->o.recipient = optarg; break;
		case OPT_POLICE_REF: a->o.police_ref = optarg; break;
		case OPT_LANG: a->o.lang = optarg; break;
		case OPT_TAGGED: a->o.tagged_only = true; break;
		case OPT_TL_WINDOW: a->o.timeline_window = window(optarg); break;
		case OPT_EXCLUDE_UNFINISHED:
			a->o.exclude_unfinished = true;
			break;
		case OPT_PSEUDO:
			a->ids = realloc(a->ids, (a->nids + 1) *
					 sizeof(*a->ids));
			if (!a->ids)
				cli_die(EXIT_OUTPUT, "out of memory");
			a->ids[a->nids++] = optarg;
			break;
		case OPT_CRL:
			a->crls = realloc(a->crls, (a->ncrls + 1) *
					  sizeof(*a->crls));
			if (!a->crls)
				cli_die(EXIT_OUTPUT, "out of memory");
			a->crls[a->ncrls++] = optarg;
			break;
		case OPT_SEAL: add_seal(a, optarg); break;
		case OPT_SEAL_TO: a->o.seal_to = optarg; break;
		case OPT_SEAL_REQUEST: a->o.seal_request = optarg; break;
		case OPT_SEAL_BASIS: a->o.seal_basis = optarg; break;
		case OPT_MASTER: a->o.master_key = optarg; break;
		case OPT_MAP_TO: a->o.map_to = optarg; break;
		case OPT_MAP_OUT: a->o.map_out = optarg; break;
		case OPT_CC: a->o.default_cc = optarg; break;
		case OPT_TZ:
			spoor_tz_free(cli_tz_arg("--tz", optarg));
			a->o.local_tz = optarg;
			break;
		case OPT_REQUEST: a->request = optarg; break;
		case OPT_MAP: a->d.map = optarg; break;
		case OPT_MAP_KEY: a->d.map_key = optarg; break;
		case OPT_MAP_CERT: a->d.map_cert = optarg; break;
		case OPT_MAP_PASSFILE: a->map_passfile = optarg; break;
		case OPT_CONSENT_REF: a->d.consent_ref = optarg; break;
		case OPT_CONSENT_DATE: a->d.consent_date = optarg; break;
		default: cli_usage_error(NULL, NULL);
		}
	}
}

static int fail(int rc, const struct spoor_err *err)
{
	cli_error("%s", err->msg[0] ? err->msg : spoor_strerror(rc));
	return cli_exit_for(rc);
}

static int do_build(struct args *a)
{
	struct spoor_report_result res;
	struct spoor_err err = { 0 };
	struct spoor_ctx *ctx = cli_ctx_new();
	char producer[64];
	char *pass = NULL;
	int rc;

	if (!a->o.case_dir || !a->out || !a->signer.key || !a->signer.cert ||
	    !a->o.recipient)
		cli_usage_error("-C, -o, --key, --cert and --recipient are "
				"required%s", "");
	if (a->nids && (!a->o.master_key || !a->o.map_to || !a->o.map_out))
		cli_usage_error("--pseudonymise needs --master-key, --map-to "
				"and --map-out%s", "");
	if ((a->nseal || a->o.seal_to || a->o.seal_request ||
	     a->o.seal_basis) && (!a->nseal || !a->o.seal_to ||
				  !a->o.seal_request || !a->o.seal_basis))
		cli_usage_error("sealing needs --seal-to, --seal-request, "
				"--seal-basis and at least one --seal%s", "");
	if (a->passfile || cli_key_encrypted(a->signer.key))
		a->signer.passphrase = pass = cli_passphrase(a->passfile,
			"examiner key passphrase:", false);
	snprintf(producer, sizeof(producer), "spoor-report %s",
		 SPOOR_VERSION_STRING);
	a->o.bundle = a->out;
	a->o.signer = &a->signer;
	a->o.pseudonymise = a->ids;
	a->o.npseudonymise = a->nids;
	a->o.crls = a->crls;
	a->o.ncrls = a->ncrls;
	a->o.seal = a->seal;
	a->o.nseal = a->nseal;
	a->o.producer = producer;
	rc = spoor_report_build(ctx, &a->o, &res, &err);
	cli_passphrase_free(pass);
	spoor_ctx_free(ctx);
	if (rc)
		return fail(rc, &err);
	printf("bundle %s\nbundle-id %s\nbundle-version %llu\n"
	       "manifest-sha256 %s\nrecords %llu\n", a->out, res.bundle_id,
	       (unsigned long long)res.bundle_version, res.manifest_sha256,
	       (unsigned long long)res.records);
	if (res.pseudonym[0])
		printf("pseudonym %s\ncommitment %s\nmap %s\n", res.pseudonym,
		       res.commitment, a->o.map_out);
	for (size_t i = 0; i < a->nseal; i++)
		printf("sealed %s/sealed/record-%lld.p7m\n", a->out,
		       (long long)a->seal[i].record_id);
	return EXIT_OK;
}

static int do_disclose(struct args *a, int argc, char **argv)
{
	struct spoor_err err = { 0 };
	char *pass = NULL, *mpass = NULL;
	int rc;

	if (argc != 1 || !a->out || !a->signer.key || !a->signer.cert)
		cli_usage_error("disclose needs -o, --key, --cert and one "
				"PSEUDONYM%s", "");
	if (a->passfile || cli_key_encrypted(a->signer.key))
		a->signer.passphrase = pass = cli_passphrase(a->passfile,
			"examiner key passphrase:", false);
	if (a->map_passfile || cli_key_encrypted(a->d.map_key))
		a->d.map_passphrase = mpass = cli_passphrase(a->map_passfile,
			"organisation key passphrase:", false);
	a->d.pseudonym = argv[0];
	a->d.signer = &a->signer;
	a->d.out = a->out;
	rc = spoor_report_disclose(&a->d, &err);
	cli_passphrase_free(pass);
	cli_passphrase_free(mpass);
	if (rc)
		return fail(rc, &err);
	printf("disclosure %s\nsignature %s.p7s\n", a->out, a->out);
	return EXIT_OK;
}

static int do_pack(struct args *a, int argc, char **argv)
{
	struct spoor_err err = { 0 };
	int rc;

	if (argc != 1 || !a->out)
		cli_usage_error("pack needs BUNDLE and -o%s", "");
	rc = spoor_bundle_pack(argv[0], a->out, &err);
	return rc ? fail(rc, &err) : EXIT_OK;
}

static int do_verb(const char *verb, struct args *a, int argc, char **argv)
{
	struct spoor_err err = { 0 };
	int rc;

	if (!strcmp(verb, "check")) {
		if (argc != 1)
			cli_usage_error("check needs one DIR%s", "");
		rc = spoor_report_content_check(argv[0], &err);
		if (rc == SPOOR_EFORMAT) {
			printf("REFUSED %s\n", err.msg);
			return EXIT_NO;
		}
		if (rc)
			return fail(rc, &err);
		printf("OK %s\n", argv[0]);
		return EXIT_OK;
	}
	if (!strcmp(verb, "timestamp-request")) {
		if (argc != 1 || !a->out)
			cli_usage_error("timestamp-request needs BUNDLE and "
					"-o%s", "");
		rc = spoor_report_timestamp_request(argv[0], a->out, &err);
		return rc ? fail(rc, &err) : EXIT_OK;
	}
	if (!strcmp(verb, "attach-timestamp")) {
		if (argc != 2)
			cli_usage_error("attach-timestamp needs BUNDLE and "
					"REPLY%s", "");
		rc = spoor_report_attach_timestamp(argv[0], argv[1],
						   a->request, &err);
		return rc ? fail(rc, &err) : EXIT_OK;
	}
	if (!strcmp(verb, "pack"))
		return do_pack(a, argc, argv);
	if (!strcmp(verb, "disclose"))
		return do_disclose(a, argc, argv);
	cli_usage_error("unknown command '%s'", verb);
}

int main(int argc, char **argv)
{
	struct args a = { 0 };
	const char *verb = NULL;
	int rc;

	cli_init("spoor-report");
	cli_set_synopsis(synopsis);
	if (argc > 1 && argv[1][0] != '-') {
		verb = argv[1];
		argv++;
		argc--;
	}
	parse(argc, argv, &a);
	cli_set_verbosity(a.verbosity);
	if (verb)
		rc = do_verb(verb, &a, argc - optind, argv + optind);
	else if (optind != argc)
		cli_usage_error("unexpected argument '%s'", argv[optind]);
	else
		rc = do_build(&a);
	free(a.ids);
	free(a.crls);
	free(a.seal);
	cli_close_stdout();
	return rc;
}
