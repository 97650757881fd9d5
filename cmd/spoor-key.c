/*
 * spoor-key: examiner keys and a small organisation CA (offline root +
 * issuing CA), so that a team without a PKI can sign evidence bundles.
 * See ../shared/docs/bundle.md section 5.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/ui.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cli.h"

#include "banned.h"

static const char synopsis[] =
	"usage: spoor-key init-ca DIR --org NAME [--days N]\n"
	"       spoor-key new --name NAME -o PREFIX\n"
	"       spoor-key issue --ca DIR --csr FILE -o CERT [--days N]\n"
	"       spoor-key recipient --ca DIR --name UNIT -o PREFIX [--days N]\n"
	"       spoor-key fingerprint CERT\n"
	"       spoor-key -h | -V\n";

static const char help_text[] =
	"\n"
	"  init-ca      DIR/root.{key,crt} (offline root, 20 years) and\n"
	"               DIR/ica.{key,crt} (issuing CA, 10 years): ECDSA P-256,\n"
	"               keys encrypted with the passphrase\n"
	"  new          PREFIX.key (ECDSA P-256, PKCS#8, AES-256-CBC, scrypt)\n"
	"               and PREFIX.csr for an examiner\n"
	"  issue        an examiner certificate from the CSR, signed by the\n"
	"               issuing CA: digitalSignature, nonRepudiation, EKU\n"
	"               documentSigning, O= the organisation (default 365 days)\n"
	"  recipient    PREFIX.key (RSA 3072) and PREFIX.crt for a police unit\n"
	"               (keyEncipherment), for tests and small deployments\n"
	"  fingerprint  the SHA-256 of the certificate's DER, in hex and in\n"
	"               groups of four to read out\n"
	"\n"
	"      --org=NAME             the organisation (O=)\n"
	"      --name=NAME            examiner name or police unit id (CN=)\n"
	"      --ca=DIR               the CA directory of init-ca\n"
	"      --csr=FILE             the examiner's request\n"
	"      --days=N               validity\n"
	"      --passphrase-file=F    read the passphrase from F (first line);\n"
	"                             else $SPOOR_PASSPHRASE, else a prompt\n"
	"  -o, --output=PATH          output prefix or file (never overwritten)\n"
	"  -V, --version              print the version\n"
	"  -h, --help                 print this help\n"
	"\n"
	"Keys are never printed.  Exit: 0 ok; 2 usage; 3 input unreadable;\n"
	"4 output failed.  See spoor-key(1).\n";

#define DOC_SIGNING "1.3.6.1.5.5.7.3.36"
#define PASS_MAX 1024

enum {
	OPT_ORG = 256, OPT_NAME, OPT_CA, OPT_CSR, OPT_DAYS, OPT_PASSFILE,
};

static const struct option long_opts[] = {
	{ "ca", required_argument, NULL, OPT_CA },
	{ "csr", required_argument, NULL, OPT_CSR },
	{ "days", required_argument, NULL, OPT_DAYS },
	{ "help", no_argument, NULL, 'h' },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "org", required_argument, NULL, OPT_ORG },
	{ "output", required_argument, NULL, 'o' },
	{ "passphrase-file", required_argument, NULL, OPT_PASSFILE },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

struct opts {
	const char *org, *name, *ca, *csr, *out, *passfile;
	int64_t days;
	char pass[PASS_MAX];
	bool have_pass;
};

static _Noreturn void die_ssl(int code, const char *what)
{
	char e[200];
	unsigned long l = ERR_peek_last_error();

	ERR_error_string_n(l, e, sizeof(e));
	cli_die(code, "%s%s%s", what, l ? ": " : "", l ? e : "");
}

/* The passphrase: --passphrase-file, $SPOOR_PASSPHRASE, or a prompt
 * (cli_passphrase); read once per run, at least 8 characters. */
static const char *passphrase(struct opts *o, const char *prompt,
			      bool twice)
{
	char *p;

	if (o->have_pass)
		return o->pass;
	p = cli_passphrase(o->passfile, prompt, twice);
	if (strlen(p) >= sizeof(o->pass)) {
		cli_passphrase_free(p);
		cli_die(EXIT_USAGE, "passphrase too long");
	}
	memcpy(o->pass, p, strlen(p) + 1);
	cli_passphrase_free(p);
	if (strlen(o->pass) < 8)
		cli_die(EXIT_USAGE, "the passphrase needs at least 8 "
			"characters");
	o->have_pass = true;
	return o->pass;
}

static void wipe(struct opts *o)
{
	OPENSSL_cleanse(o->pass, sizeof(o->pass));
	o->have_pass = false;
}

/* Create path (never overwrite) with mode; a FILE for PEM_write. */
static BIO *create(const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		      O_CLOEXEC, mode);
	BIO *b;

	if (fd < 0)
		cli_die(EXIT_OUTPUT, "cannot create '%s': %s", path,
			strerror(errno));
	b = BIO_new_fd(fd, BIO_CLOSE);
	if (!b)
		die_ssl(EXIT_OUTPUT, "out of memory");
	return b;
}

static void finish(BIO *b, const char *path, int ok)
{
	if (!ok || BIO_flush(b) != 1) {
		BIO_free(b);
		unlink(path);
		die_ssl(EXIT_OUTPUT, "cannot write");
	}
	BIO_free(b);
}

static char *join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 1;
	char *s = malloc(n);

	if (!s)
		cli_die(EXIT_OUTPUT, "out of memory");
	snprintf(s, n, "%s%s", a, b);
	return s;
}

static EVP_PKEY *gen_key(bool rsa)
{
	EVP_PKEY *pk = rsa ? EVP_RSA_gen(3072) : EVP_EC_gen("P-256");

	if (!pk)
		die_ssl(EXIT_OUTPUT, "key generation failed");
	return pk;
}

/* PKCS#8, AES-256-CBC, scrypt N=2^14 r=8 p=1 (openssl -scrypt's). */
static void write_key(const char *path, EVP_PKEY *pk, const char *pass)
{
	PKCS8_PRIV_KEY_INFO *inf = EVP_PKEY2PKCS8(pk);
	X509_ALGOR *pbe = PKCS5_pbe2_set_scrypt(EVP_aes_256_cbc(), NULL, 0,
						NULL, 16384, 8, 1);
	X509_SIG *p8 = NULL;
	BIO *b;

	if (inf && pbe)
		p8 = PKCS8_set0_pbe(pass, (int)strlen(pass), inf, pbe);
	if (!p8) {
		X509_ALGOR_free(pbe);
		PKCS8_PRIV_KEY_INFO_free(inf);
		die_ssl(EXIT_OUTPUT, "cannot encrypt the key");
	}
	b = create(path, 0600);
	finish(b, path, PEM_write_bio_PKCS8(b, p8));
	X509_SIG_free(p8);
	PKCS8_PRIV_KEY_INFO_free(inf);
}

static EVP_PKEY *read_key(const char *path, const char *pass)
{
	BIO *b = BIO_new_file(path, "rb");
	EVP_PKEY *pk;

	if (!b)
		die_ssl(EXIT_INPUT, "cannot open key");
	pk = PEM_read_bio_PrivateKey(b, NULL, NULL, (void *)pass);
	BIO_free(b);
	if (!pk)
		die_ssl(EXIT_INPUT, "cannot read the key (wrong passphrase?)");
	return pk;
}

static X509 *read_cert(const char *path)
{
	BIO *b = BIO_new_file(path, "rb");
	X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	if (!x)
		die_ssl(EXIT_INPUT, "cannot read certificate");
	return x;
}

static void write_cert(const char *path, X509 *x)
{
	BIO *b = create(path, 0644);

	finish(b, path, PEM_write_bio_X509(b, x));
}

static void add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *v)
{
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, ctx, nid, v);

	if (!e || !X509_add_ext(x, e, -1))
		die_ssl(EXIT_OUTPUT, "cannot add an extension");
	X509_EXTENSION_free(e);
}

static X509_NAME *make_name(const char *org, const char *cn)
{
	X509_NAME *n = X509_NAME_new();

	if (!n || (org && !X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
			(const unsigned char *)org, -1, -1, 0)) ||
	    !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
					(const unsigned char *)cn, -1, -1, 0))
		die_ssl(EXIT_USAGE, "bad name");
	return n;
}

/*
 * A certificate for pub with subject, signed by (issuer, ikey); issuer
 * NULL: self-signed.  exts: pairs of (nid, value), ending with 0.
 */
static X509 *make_cert(EVP_PKEY *pub, X509_NAME *subject, X509 *issuer,
		       EVP_PKEY *ikey, int64_t days, const int *nids,
		       const char *const *vals)
{
	X509 *x = X509_new();
	ASN1_INTEGER *sn = ASN1_INTEGER_new();
	BIGNUM *bn = BN_new();
	X509V3_CTX ctx;
	size_t i;

	if (!x || !sn || !bn || !BN_rand(bn, 127, BN_RAND_TOP_ONE,
					 BN_RAND_BOTTOM_ANY) ||
	    !BN_to_ASN1_INTEGER(bn, sn) || !X509_set_version(x, 2) ||
	    !X509_set_serialNumber(x, sn) ||
	    !X509_set_subject_name(x, subject) ||
	    !X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer)
					    : subject) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), 0) ||
	    !X509_time_adj_ex(X509_getm_notAfter(x), (int)days, 0, NULL) ||
	    !X509_set_pubkey(x, pub))
		die_ssl(EXIT_OUTPUT, "cannot make a certificate");
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	for (i = 0; nids[i]; i++)
		add_ext(x, &ctx, nids[i], vals[i]);
	if (!X509_sign(x, ikey, EVP_sha256()))
		die_ssl(EXIT_OUTPUT, "cannot sign the certificate");
	ASN1_INTEGER_free(sn);
	BN_free(bn);
	return x;
}

static int cmd_init_ca(struct opts *o, const char *dir)
{
	static const int root_nids[] = { NID_basic_constraints, NID_key_usage,
		NID_subject_key_identifier, 0 };
	static const char *const root_vals[] = { "critical,CA:TRUE",
		"critical,keyCertSign,cRLSign", "hash" };
	static const int ica_nids[] = { NID_basic_constraints, NID_key_usage,
		NID_subject_key_identifier, NID_authority_key_identifier, 0 };
	static const char *const ica_vals[] = {
		"critical,CA:TRUE,pathlen:0", "critical,keyCertSign,cRLSign",
		"hash", "keyid:always" };
	EVP_PKEY *rk, *ik;
	X509_NAME *rn, *in;
	X509 *rc, *ic;
	char *p, cn[300];
	const char *pass;

	if (!o->org)
		cli_usage_error("init-ca needs --org%s", "");
	if (mkdir(dir, 0700) < 0)
		cli_die(EXIT_OUTPUT, "cannot create '%s': %s", dir,
			strerror(errno));
	pass = passphrase(o, "CA key passphrase:", true);
	rk = gen_key(false);
	ik = gen_key(false);
	snprintf(cn, sizeof(cn), "%.200s Root CA", o->org);
	rn = make_name(o->org, cn);
	snprintf(cn, sizeof(cn), "%.200s Issuing CA", o->org);
	in = make_name(o->org, cn);
	rc = make_cert(rk, rn, NULL, rk, o->days ? o->days * 2 : 7305,
		       root_nids, root_vals);
	ic = make_cert(ik, in, rc, rk, o->days ? o->days : 3652, ica_nids,
		       ica_vals);
	write_key(p = join(dir, "/root.key"), rk, pass);
	free(p);
	write_cert(p = join(dir, "/root.crt"), rc);
	free(p);
	write_key(p = join(dir, "/ica.key"), ik, pass);
	free(p);
	write_cert(p = join(dir, "/ica.crt"), ic);
	free(p);
	wipe(o);
	{
		unsigned char md[32];
		unsigned n = 0;
		int i;

		X509_digest(rc, EVP_sha256(), md, &n);
		printf("root: %s/root.crt\nsha256: ", dir);
		for (i = 0; i < 32; i++)
			printf("%02x", md[i]);
		printf("\nmove %s/root.key offline; give the police the "
		       "fingerprint out of band\n", dir);
	}
	X509_free(rc);
	X509_free(ic);
	X509_NAME_free(rn);
	X509_NAME_free(in);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(ik);
	return EXIT_OK;
}

static int cmd_new(struct opts *o)
{
	X509_REQ *req = X509_REQ_new();
	X509_NAME *n;
	EVP_PKEY *pk;
	char *p;
	BIO *b;

	if (!o->name || !o->out)
		cli_usage_error("new needs --name and -o%s", "");
	pk = gen_key(false);
	n = make_name(NULL, o->name);
	if (!req || !X509_REQ_set_version(req, 0) ||
	    !X509_REQ_set_subject_name(req, n) ||
	    !X509_REQ_set_pubkey(req, pk) ||
	    !X509_REQ_sign(req, pk, EVP_sha256()))
		die_ssl(EXIT_OUTPUT, "cannot make the request");
	write_key(p = join(o->out, ".key"), pk,
		  passphrase(o, "new key passphrase:", true));
	free(p);
	wipe(o);
	p = join(o->out, ".csr");
	b = create(p, 0644);
	finish(b, p, PEM_write_bio_X509_REQ(b, req));
	printf("key: %s.key\nrequest: %s\n", o->out, p);
	free(p);
	X509_REQ_free(req);
	X509_NAME_free(n);
	EVP_PKEY_free(pk);
	return EXIT_OK;
}

/* The org of the issuing CA (its O=). */
static char *ca_org(X509 *ica)
{
	X509_NAME *n = X509_get_subject_name(ica);
	int i = X509_NAME_get_index_by_NID(n, NID_organizationName, -1);
	unsigned char *u = NULL;

	if (i < 0 || ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(
			X509_NAME_get_entry(n, i))) < 0)
		cli_die(EXIT_INPUT, "the issuing CA has no organisation");
	return (char *)u;
}

static void load_ca(struct opts *o, X509 **ica, EVP_PKEY **ikey)
{
	char *p;

	*ica = read_cert(p = join(o->ca, "/ica.crt"));
	free(p);
	*ikey = read_key(p = join(o->ca, "/ica.key"),
			 passphrase(o, "CA key passphrase:", false));
	free(p);
	if (X509_check_private_key(*ica, *ikey) != 1)
		cli_die(EXIT_INPUT, "'%s/ica.key' does not match ica.crt",
			o->ca);
}

static bool key_ok(EVP_PKEY *pk)
{
	char g[64] = "";

	if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_EC)
		return EVP_PKEY_get_group_name(pk, g, sizeof(g), NULL) &&
		       (!strcmp(g, "prime256v1") || !strcmp(g, "secp384r1"));
	return EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA &&
	       EVP_PKEY_get_bits(pk) >= 3072;
}

static int cmd_issue(struct opts *o)
{
	static const int nids[] = { NID_basic_constraints, NID_key_usage,
		NID_ext_key_usage, NID_subject_key_identifier,
		NID_authority_key_identifier, 0 };
	static const char *const vals[] = { "critical,CA:FALSE",
		"critical,digitalSignature,nonRepudiation", DOC_SIGNING,
		"hash", "keyid:always" };
	X509_REQ *req;
	X509_NAME *sn;
	EVP_PKEY *ikey, *pub;
	X509 *ica, *x;
	BIO *b;
	char *org, cn[256];
	int i;

	if (!o->ca || !o->csr || !o->out)
		cli_usage_error("issue needs --ca, --csr and -o%s", "");
	b = BIO_new_file(o->csr, "rb");
	req = b ? PEM_read_bio_X509_REQ(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	if (!req)
		die_ssl(EXIT_INPUT, "cannot read the request");
	pub = X509_REQ_get0_pubkey(req);
	if (!pub || X509_REQ_verify(req, pub) != 1)
		cli_die(EXIT_INPUT, "the request's signature is bad");
	if (!key_ok(pub))
		cli_die(EXIT_INPUT, "the request's key is not ECDSA "
			"P-256/P-384 or RSA >= 3072");
	i = X509_NAME_get_text_by_NID(X509_REQ_get_subject_name(req),
				      NID_commonName, cn, sizeof(cn));
	if (i <= 0)
		cli_die(EXIT_INPUT, "the request has no CN");
	load_ca(o, &ica, &ikey);
	wipe(o);
	org = ca_org(ica);
	sn = make_name(org, cn);
	x = make_cert(pub, sn, ica, ikey, o->days ? o->days : 365, nids,
		      vals);
	write_cert(o->out, x);
	printf("certificate: %s\n", o->out);
	OPENSSL_free(org);
	X509_NAME_free(sn);
	X509_free(x);
	X509_free(ica);
	EVP_PKEY_free(ikey);
	X509_REQ_free(req);
	return EXIT_OK;
}

static int cmd_recipient(struct opts *o)
{
	static const int nids[] = { NID_basic_constraints, NID_key_usage,
		NID_ext_key_usage, NID_subject_key_identifier,
		NID_authority_key_identifier, 0 };
	static const char *const vals[] = { "critical,CA:FALSE",
		"critical,keyEncipherment", "emailProtection", "hash",
		"keyid:always" };
	EVP_PKEY *ikey, *pk;
	X509_NAME *sn;
	X509 *ica, *x;
	char *p;

	if (!o->ca || !o->name || !o->out)
		cli_usage_error("recipient needs --ca, --name and -o%s", "");
	load_ca(o, &ica, &ikey);
	pk = gen_key(true);
	sn = make_name(NULL, o->name);
	x = make_cert(pk, sn, ica, ikey, o->days ? o->days : 730, nids, vals);
	/* the unit's key is protected by the same passphrase */
	write_key(p = join(o->out, ".key"), pk, o->pass);
	free(p);
	wipe(o);
	write_cert(p = join(o->out, ".crt"), x);
	printf("key: %s.key\ncertificate: %s\n", o->out, p);
	free(p);
	X509_NAME_free(sn);
	X509_free(x);
	X509_free(ica);
	EVP_PKEY_free(ikey);
	EVP_PKEY_free(pk);
	return EXIT_OK;
}

static int cmd_fingerprint(const char *path)
{
	X509 *x = read_cert(path);
	unsigned char md[32];
	unsigned n = 0;
	int i;

	if (!X509_digest(x, EVP_sha256(), md, &n) || n != 32)
		die_ssl(EXIT_INPUT, "cannot hash the certificate");
	for (i = 0; i < 32; i++)
		printf("%02x", md[i]);
	putchar('\n');
	for (i = 0; i < 32; i += 2)
		printf("%02X%02X%s", md[i], md[i + 1], i == 30 ? "\n" :
		       i % 8 == 6 ? "  " : " ");
	X509_free(x);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	static const char *const cmds[] = { "init-ca", "new", "issue",
		"recipient", "fingerprint" };
	struct opts o;
	int c, cmd = -1, rc;
	size_t i;

	memset(&o, 0, sizeof(o));
	cli_init(argv[0]);
	cli_set_synopsis(synopsis);
	if (argc > 1)
		for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
			if (!strcmp(argv[1], cmds[i])) {
				cmd = (int)i;
				argv[1] = argv[0];
				argv++;
				argc--;
				break;
			}
	while ((c = getopt_long(argc, argv, "ho:V", long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(synopsis, stdout);
			fputs(help_text, stdout);
			cli_close_stdout();
			return EXIT_OK;
		case 'o':
			o.out = optarg;
			break;
		case 'V':
			cli_version();
		case OPT_ORG:
			o.org = optarg;
			break;
		case OPT_NAME:
			o.name = optarg;
			break;
		case OPT_CA:
			o.ca = optarg;
			break;
		case OPT_CSR:
			o.csr = optarg;
			break;
		case OPT_DAYS:
			if (cli_parse_int(optarg, 1, 36525, &o.days))
				cli_usage_error("--days takes 1..36525, not "
						"'%s'", optarg);
			break;
		case OPT_PASSFILE:
			o.passfile = optarg;
			break;
		default:
			cli_usage_error(NULL, NULL);
		}
	}
	switch (cmd) {
	case 0:
		if (optind + 1 != argc)
			cli_usage_error("init-ca takes one DIR%s", "");
		rc = cmd_init_ca(&o, argv[optind]);
		break;
	case 1:
		rc = cmd_new(&o);
		break;
	case 2:
		rc = cmd_issue(&o);
		break;
	case 3:
		rc = cmd_recipient(&o);
		break;
	case 4:
		if (optind + 1 != argc)
			cli_usage_error("fingerprint takes one CERT%s", "");
		rc = cmd_fingerprint(argv[optind]);
		break;
	default:
		cli_usage_error(optind < argc ? "unknown command '%s'"
				: "no command given%s",
				optind < argc ? argv[optind] : "");
	}
	wipe(&o);
	cli_close_stdout();
	return rc;
}
