/*
 * spoor-verify: the police side.  Is this evidence bundle exactly what
 * the examiner signed, who signed it, when, and for whom?
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#include "banned.h"

static const char synopsis[] =
	"usage: spoor-verify BUNDLE --trust ROOT.pem|--trust-fingerprint SHA256\n"
	"                    [--recipient UNIT] [--org NAME]\n"
	"                    [--tsa-trust TSA-ROOT.pem] [--crl FILE]...\n"
	"                    [--registry FILE] [--json] [--extract DIR] [-q]\n"
	"                    [--disclosure FILE[.p7s]]\n"
	"       spoor-verify -h | -V\n";

static const char help_text[] =
	"\n"
	"Check an evidence bundle (a directory, or a tar read without\n"
	"extracting it) against the rules of the signed bundle format: the\n"
	"CMS signature over MANIFEST first, the chain to\n"
	"the pinned root only, the examiner's key usage, EKU documentSigning\n"
	"and organisation, the RFC 3161 time, CRLs, the manifest grammar,\n"
	"every file's size and SHA-256, no extra or special file, the\n"
	"recipient, replay and rollback (registry), the custody chain, and\n"
	"the content policy.  Prints VALID, VALID-WITH-WARNINGS or INVALID\n"
	"and one reason per line.\n"
	"\n"
	"      --trust=FILE       the pinned root certificate(s), PEM\n"
	"      --trust-fingerprint=SHA256\n"
	"                         or: pin the root in the bundle whose DER has\n"
	"                         this SHA-256 (from the NGO, out of band):\n"
	"                         64 hex digits, in groups of four as\n"
	"                         spoor-key prints it, or with colons\n"
	"      --recipient=UNIT   our unit id; the bundle must be for it\n"
	"      --org=NAME         the NGO; the signer's O= must be NAME\n"
	"      --tsa-trust=FILE   the TSA root(s), PEM, to check the timestamp\n"
	"      --crl=FILE         an extra CRL (PEM or DER); repeatable\n"
	"      --registry=FILE    the bundles seen before, per case and\n"
	"                         recipient (replay, rollback, equivocation,\n"
	"                         supersedes chain, custody prefix); a VALID\n"
	"                         bundle is recorded in it\n"
	"      --json             print the result as one JSON object\n"
	"      --disclosure=FILE  also check a disclosure statement (FILE and\n"
	"                         FILE.p7s) of spoor-report against the bundle\n"
	"      --extract=DIR      after VALID: copy the listed files into DIR\n"
	"                         (new or empty) and re-hash the copies\n"
	"  -q, --quiet            print the verdict only\n"
	"  -V, --version          print the version\n"
	"  -h, --help             print this help\n"
	"\n"
	"Exit: 0 VALID or VALID-WITH-WARNINGS; 1 INVALID; 2 usage (also a\n"
	"bad fingerprint); 3 the bundle or a file given (--trust,\n"
	"--tsa-trust, --crl, --registry, --disclosure) could not be read:\n"
	"nothing verified; 4 output or --extract failed; 130 interrupted.\n"
	"See spoor-verify(1).\n";

enum {
	OPT_TRUST = 256, OPT_TRUST_FPR, OPT_RECIPIENT, OPT_ORG, OPT_TSA,
	OPT_CRL, OPT_REGISTRY, OPT_JSON, OPT_EXTRACT, OPT_DISCLOSURE,
};

static const struct option long_opts[] = {
	{ "crl", required_argument, NULL, OPT_CRL },
	{ "disclosure", required_argument, NULL, OPT_DISCLOSURE },
	{ "extract", required_argument, NULL, OPT_EXTRACT },
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "org", required_argument, NULL, OPT_ORG },
	{ "quiet", no_argument, NULL, 'q' },
	{ "recipient", required_argument, NULL, OPT_RECIPIENT },
	{ "registry", required_argument, NULL, OPT_REGISTRY },
	{ "trust", required_argument, NULL, OPT_TRUST },
	{ "trust-fingerprint", required_argument, NULL, OPT_TRUST_FPR },
	{ "tsa-trust", required_argument, NULL, OPT_TSA },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char *const fact_keys[] = {
	"signer", "signer-sha256", "signing-time", "tsa-time", "bundle-id",
	"bundle-version", "case-id", "police-ref", "recipient", "created",
	"producer", "content-policy", "custody-count", "files", "bytes",
	"manifest-sha256", "disclosed-pseudonym", "disclosed-id",
	"disclosure-signer", "consent-ref",
};

/* A string of the result as JSON (spoor's one escaper: a bundle path
 * or a reason need not be UTF-8). */
static void json_str(const char *s)
{
	spoor_json_fputs(stdout, s, strlen(s));
}

static void print_json(const struct spoor_verification *r, const char *dir)
{
	size_t i, n = spoor_verify_nreasons(r);
	bool first = true;

	fputs("{\"bundle\":", stdout);
	if (!spoor_json_fputs(stdout, dir, strlen(dir))) {
		/* the path's own bytes, as the writers keep them */
		char *hex = malloc(2 * strlen(dir) + 1);

		fputs(",\"bundle_hex\":", stdout);
		if (hex) {
			spoor_hex((const unsigned char *)dir, strlen(dir), hex);
			json_str(hex);
		} else {
			fputs("null", stdout);
		}
		free(hex);
	}
	fputs(",\"verdict\":", stdout);
	json_str(spoor_verdict_name(spoor_verify_verdict(r)));
	fputs(",\"facts\":{", stdout);
	for (i = 0; i < sizeof(fact_keys) / sizeof(fact_keys[0]); i++) {
		const char *v = spoor_verify_fact(r, fact_keys[i]);

		if (!v)
			continue;
		if (!first)
			putchar(',');
		first = false;
		json_str(fact_keys[i]);
		putchar(':');
		json_str(v);
	}
	fputs("},\"reasons\":[", stdout);
	for (i = 0; i < n; i++) {
		const char *code;
		bool fatal;
		const char *msg = spoor_verify_reason(r, i, &fatal, &code);

		printf("%s{\"severity\":\"%s\",\"code\":", i ? "," : "",
		       fatal ? "error" : "warning");
		json_str(code);
		fputs(",\"message\":", stdout);
		json_str(msg);
		putchar('}');
	}
	fputs("]}\n", stdout);
}

static void print_text(const struct spoor_verification *r, bool quiet)
{
	size_t i, n = spoor_verify_nreasons(r);

	puts(spoor_verdict_name(spoor_verify_verdict(r)));
	if (quiet)
		return;
	for (i = 0; i < n; i++) {
		const char *code;
		bool fatal;
		const char *msg = spoor_verify_reason(r, i, &fatal, &code);

		printf("%s: %s: %s\n", fatal ? "error" : "warning", code, msg);
	}
	/* signed facts: only present once the signature checked out */
	for (i = 0; i < sizeof(fact_keys) / sizeof(fact_keys[0]); i++) {
		const char *v = spoor_verify_fact(r, fact_keys[i]);

		if (v)
			printf("%s: %s\n", fact_keys[i], v);
	}
}

int main(int argc, char **argv)
{
	struct spoor_verify_opts o = { 0 };
	struct spoor_verification *r = NULL;
	struct spoor_err err;
	const char **crls = NULL;
	const char *extract = NULL, *disclosure = NULL, *dir;
	bool json = false, quiet = false;
	int c, rc;

	cli_init(argv[0]);
	cli_set_synopsis(synopsis);
	crls = calloc((size_t)argc, sizeof(*crls));
	if (!crls)
		cli_die(EXIT_INPUT, "out of memory");
	while ((c = getopt_long(argc, argv, "hqV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			free(crls);
			fputs(synopsis, stdout);
			fputs(help_text, stdout);
			cli_close_stdout();
			return EXIT_OK;
		case 'q':
			quiet = true;
			break;
		case 'V':
			cli_version();
		case OPT_TRUST:
			o.trust = optarg;
			break;
		case OPT_TRUST_FPR:
			o.trust_fpr = optarg;
			break;
		case OPT_RECIPIENT:
			o.recipient = optarg;
			break;
		case OPT_ORG:
			o.org = optarg;
			break;
		case OPT_TSA:
			o.tsa_trust = optarg;
			break;
		case OPT_CRL:
			crls[o.ncrls++] = optarg;
			break;
		case OPT_REGISTRY:
			o.registry = optarg;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_EXTRACT:
			extract = optarg;
			break;
		case OPT_DISCLOSURE:
			disclosure = optarg;
			break;
		default:
			cli_usage_error(NULL, NULL);
		}
	}
	if (optind + 1 != argc)
		cli_usage_error(optind < argc ? "one bundle only, not also "
				"'%s'" : "no bundle given%s",
				optind < argc ? argv[optind + 1] : "");
	if (!o.trust == !o.trust_fpr)
		cli_usage_error("give exactly one of --trust and "
				"--trust-fingerprint%s", "");
	dir = argv[optind];
	o.crls = crls;
	o.registry_update = true;
	if (spoor_verify_bundle(dir, &o, &r, &err)) {
		free(crls);
		cli_die(cli_exit_for(err.code), "%s", err.msg);
	}
	if (disclosure && spoor_verify_verdict(r) != SPOOR_INVALID) {
		size_t n = strlen(disclosure);
		char *text = strdup(disclosure), *sig;

		if (!text)
			cli_die(EXIT_OUTPUT, "out of memory");
		if (n > 4 && !strcmp(disclosure + n - 4, ".p7s"))
			text[n - 4] = '\0';
		sig = malloc(strlen(text) + 5);
		if (!sig)
			cli_die(EXIT_OUTPUT, "out of memory");
		snprintf(sig, strlen(text) + 5, "%s.p7s", text);
		if (spoor_verify_disclosure(dir, r, text, sig, &o, &err))
			cli_die(err.code == SPOOR_EINVAL ? EXIT_USAGE :
				EXIT_INPUT, "%s", err.msg);
		free(text);
		free(sig);
	}
	if (json)
		print_json(r, dir);
	else
		print_text(r, quiet);
	rc = spoor_verify_verdict(r) == SPOOR_INVALID ? EXIT_NO : EXIT_OK;
	if (extract && rc == EXIT_OK) {
		if (spoor_verify_extract(dir, r, extract, &err)) {
			cli_error("extract: %s", err.msg);
			rc = EXIT_OUTPUT;
		} else if (!json && !quiet) {
			printf("extracted: %s\n", extract);
		}
	} else if (extract) {
		cli_error("not extracted: the bundle is INVALID");
	}
	spoor_verification_free(r);
	free(crls);
	cli_close_stdout();
	return rc;
}
