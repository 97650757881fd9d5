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
#include <time.h>
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
	"       spoor-key crl --ca DIR -o FILE [--revoke CERT]... [--reason R]\n"
	"                 [--days N]\n"
	"       spoor-key fingerprint CERT\n"
	"       spoor-key -h | -V\n";

static const char help_text[] =
	"\n"
	"  init-ca      DIR/root.{key,crt} (offline root, 20 years) and\n"
	"               DIR/ica.{key,crt} (issuing CA, 10 years): ECDSA P-256,\n"
	"               keys encrypted with the passphrase; DIR/chain.pem\n"
	"               (issuing CA and root) for spoor-report --chain\n"
	"  new          PREFIX.key (ECDSA P-256, PKCS#8, AES-256-CBC, scrypt)\n"
	"               and PREFIX.csr for an examiner\n"
	"  issue        an examiner certificate from the CSR, signed by the\n"
	"               issuing CA: digitalSignature, nonRepudiation, EKU\n"
	"               documentSigning, O= the organisation (default 365 days)\n"
	"  recipient    PREFIX.key (RSA 3072) and PREFIX.crt for a police unit\n"
	"               (keyEncipherment), for tests and small deployments\n"
	"  crl          a v2 CRL (PEM) signed by the issuing CA, listing every\n"
	"               certificate revoked so far (DIR/revoked.txt), with a\n"
	"               CRL number (DIR/crlnumber, incremented) and AKI;\n"
	"               nextUpdate in --days (default 30)\n"
	"  fingerprint  the SHA-256 of the certificate's DER, in hex and in\n"
	"               groups of four to read out\n"
	"\n"
	"      --org=NAME             the organisation (O=)\n"
	"      --name=NAME            examiner name or police unit id (CN=)\n"
	"      --ca=DIR               the CA directory of init-ca\n"
	"      --csr=FILE             the examiner's request\n"
	"      --days=N               validity\n"
	"      --revoke=CERT          crl: add this certificate of the issuing\n"
	"                             CA to the revoked ones (repeatable)\n"
	"      --reason=R             crl: reason of the new revocations:\n"
	"                             unspecified, keyCompromise,\n"
	"                             affiliationChanged, superseded,\n"
	"                             cessationOfOperation\n"
	"      --passphrase-file=F    read the passphrase from F (first line);\n"
	"                             else $SPOOR_PASSPHRASE, else a prompt\n"
	"  -o, --output=PATH          output prefix or file (never overwritten)\n"
	"  -V, --version              print the version\n"
	"  -h, --help                 print this help\n"
	"\n"
	"Keys are never printed.  Exit: 0 ok; 2 usage; 3 input unreadable;\n"
	"4 output failed; 130 interrupted.  See spoor-key(1).\n";

#define DOC_SIGNING "1.3.6.1.5.5.7.3.36"
#define PASS_MAX 1024
#define REVOKED_MAX 100000	/* lines of DIR/revoked.txt */
#define CRL_NUMBER_MAX ((int64_t)1 << 62)

enum {
	OPT_ORG = 256, OPT_NAME, OPT_CA, OPT_CSR, OPT_DAYS, OPT_PASSFILE,
	OPT_REVOKE, OPT_REASON,
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
	{ "reason", required_argument, NULL, OPT_REASON },
	{ "revoke", required_argument, NULL, OPT_REVOKE },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

struct opts {
	const char *org, *name, *ca, *csr, *out, *passfile, *reason;
	const char **revoke;		/* crl: --revoke CERT... */
	size_t nrevoke;
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
	{
		/* for spoor-report --chain: the root must travel in the
		 * signature for spoor-verify --trust-fingerprint */
		BIO *b = create(p = join(dir, "/chain.pem"), 0644);

		finish(b, p, PEM_write_bio_X509(b, ic) &&
		       PEM_write_bio_X509(b, rc));
		free(p);
	}
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

/* ---- crl: DIR/revoked.txt and DIR/crlnumber ---- */

static const struct {
	const char *name;
	int code;
} reasons[] = {
	{ "unspecified", CRL_REASON_UNSPECIFIED },
	{ "keyCompromise", CRL_REASON_KEY_COMPROMISE },
	{ "affiliationChanged", CRL_REASON_AFFILIATION_CHANGED },
	{ "superseded", CRL_REASON_SUPERSEDED },
	{ "cessationOfOperation", CRL_REASON_CESSATION_OF_OPERATION },
};

/* One revoked certificate: serial as upper-case hex (BN_bn2hex), the
 * revocation time as GeneralizedTime text, a reasons[] index or -1. */
struct revoked {
	char *serial;
	char when[16];
	int reason;
};

struct revlist {
	struct revoked *r;
	size_t n;
};

static int reason_index(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (!strcmp(name, reasons[i].name))
			return (int)i;
	return -1;
}

/* hex (1..40 hex digits) normalised through a BIGNUM; NULL if bad. */
static char *serial_norm(const char *hex)
{
	BIGNUM *bn = NULL;
	char *s = NULL;
	size_t n = strlen(hex);

	if (n == 0 || n > 40 || strspn(hex, "0123456789ABCDEFabcdef") != n ||
	    BN_hex2bn(&bn, hex) != (int)n)
		goto out;
	s = BN_bn2hex(bn);
out:
	BN_free(bn);
	return s;
}

static char *cert_serial(const char *path, X509 *x)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *s = bn && !BN_is_negative(bn) ? BN_bn2hex(bn) : NULL;

	BN_free(bn);
	if (!s)
		cli_die(EXIT_INPUT, "'%s' has a bad serial number", path);
	return s;
}

static void revlist_add(struct revlist *l, char *serial, const char *when,
			int reason)
{
	struct revoked *r = realloc(l->r, (l->n + 1) * sizeof(*l->r));

	if (!r)
		cli_die(EXIT_OUTPUT, "out of memory");
	l->r = r;
	r[l->n].serial = serial;
	snprintf(r[l->n].when, sizeof(r[l->n].when), "%s", when);
	r[l->n].reason = reason;
	l->n++;
}

static bool revlist_has(const struct revlist *l, const char *serial)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->r[i].serial, serial))
			return true;
	return false;
}

static void revlist_free(struct revlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		OPENSSL_free(l->r[i].serial);
	free(l->r);
	l->r = NULL;
	l->n = 0;
}

/* A GeneralizedTime "YYYYMMDDHHMMSSZ" that OpenSSL accepts. */
static bool when_ok(const char *s)
{
	ASN1_GENERALIZEDTIME *t;
	bool ok;

	if (strlen(s) != 15 || strspn(s, "0123456789") != 14 || s[14] != 'Z')
		return false;
	t = ASN1_GENERALIZEDTIME_new();
	ok = t && ASN1_GENERALIZEDTIME_set_string(t, s) == 1;
	ASN1_GENERALIZEDTIME_free(t);
	return ok;
}

/* DIR/revoked.txt: "SERIAL<TAB>YYYYMMDDHHMMSSZ<TAB>reason|-" per line. */
static void read_revoked(const char *path, struct revlist *l)
{
	FILE *f = fopen(path, "re");
	char *line = NULL, *t1, *t2, *sn;
	size_t cap = 0, no = 0;
	ssize_t n;

	if (!f) {
		if (errno == ENOENT)
			return;
		cli_die(EXIT_INPUT, "cannot open '%s': %s", path,
			strerror(errno));
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		no++;
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		t1 = n < 200 ? strchr(line, '\t') : NULL;
		t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (t2) {
			*t1++ = '\0';
			*t2++ = '\0';
		}
		sn = t2 ? serial_norm(line) : NULL;
		if (!sn || !when_ok(t1) || (strcmp(t2, "-") &&
					    reason_index(t2) < 0) ||
		    revlist_has(l, sn) || no > REVOKED_MAX)
			cli_die(EXIT_INPUT, "'%s' line %zu is malformed",
				path, no);
		revlist_add(l, sn, t1, strcmp(t2, "-") ? reason_index(t2)
						       : -1);
	}
	free(line);
	if (ferror(f))
		cli_die(EXIT_INPUT, "cannot read '%s'", path);
	fclose(f);
}

/* The last CRL number issued (DIR/crlnumber, decimal), 0 if none. */
static int64_t read_crlnumber(const char *path)
{
	FILE *f = fopen(path, "re");
	char buf[32] = "";
	int64_t v = 0;
	size_t n;

	if (!f) {
		if (errno == ENOENT)
			return 0;
		cli_die(EXIT_INPUT, "cannot open '%s': %s", path,
			strerror(errno));
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	if (cli_parse_int(buf, 1, CRL_NUMBER_MAX - 1, &v))
		cli_die(EXIT_INPUT, "'%s' is not a CRL number", path);
	return v;
}

/* Replace DIR/name with text (temp file, fsync, rename). */
static void save_file(const char *dir, const char *name, const char *text,
		      size_t len)
{
	char *dst = join(dir, name);
	struct spoor_err err;

	if (spoor_atomic_write(AT_FDCWD, dst, text, len, 0600, &err))
		cli_die(EXIT_OUTPUT, "%s", err.msg);
	free(dst);
}

static void save_state(const char *dir, const struct revlist *l,
		       int64_t number)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *m = open_memstream(&buf, &len);
	char num[32];

	if (!m)
		cli_die(EXIT_OUTPUT, "out of memory");
	for (i = 0; i < l->n; i++)
		fprintf(m, "%s\t%s\t%s\n", l->r[i].serial, l->r[i].when,
			l->r[i].reason < 0 ? "-" :
			reasons[l->r[i].reason].name);
	if (fclose(m))
		cli_die(EXIT_OUTPUT, "out of memory");
	save_file(dir, "/revoked.txt", buf, len);
	free(buf);
	snprintf(num, sizeof(num), "%lld\n", (long long)number);
	save_file(dir, "/crlnumber", num, strlen(num));
}

static void crl_add_revoked(X509_CRL *crl, const struct revoked *r)
{
	X509_REVOKED *rv = X509_REVOKED_new();
	ASN1_TIME *t = ASN1_TIME_new();
	BIGNUM *bn = NULL;
	ASN1_INTEGER *sn = NULL;
	ASN1_ENUMERATED *e = NULL;
	bool ok;

	ok = rv && t && BN_hex2bn(&bn, r->serial) &&
	     (sn = BN_to_ASN1_INTEGER(bn, NULL)) &&
	     ASN1_TIME_set_string_X509(t, r->when) &&
	     X509_REVOKED_set_serialNumber(rv, sn) &&
	     X509_REVOKED_set_revocationDate(rv, t);
	if (ok && r->reason >= 0)
		ok = (e = ASN1_ENUMERATED_new()) &&
		     ASN1_ENUMERATED_set(e, reasons[r->reason].code) &&
		     X509_REVOKED_add1_ext_i2d(rv, NID_crl_reason, e, 0, 0);
	if (!ok || !X509_CRL_add0_revoked(crl, rv))
		die_ssl(EXIT_OUTPUT, "cannot make the CRL");
	ASN1_ENUMERATED_free(e);
	ASN1_INTEGER_free(sn);
	BN_free(bn);
	ASN1_TIME_free(t);
}

/* A v2 CRL of the issuing CA: AKI, CRL number, every revoked one. */
static X509_CRL *make_crl(X509 *ica, EVP_PKEY *ikey,
			  const struct revlist *l, int64_t number,
			  int64_t days)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *last = X509_gmtime_adj(NULL, 0);
	ASN1_TIME *next = X509_time_adj_ex(NULL, (int)days, 0, NULL);
	ASN1_INTEGER *num = ASN1_INTEGER_new();
	X509_EXTENSION *aki;
	X509V3_CTX ctx;
	size_t i;

	if (!crl || !last || !next || !num || !X509_CRL_set_version(crl, 1) ||
	    !X509_CRL_set_issuer_name(crl, X509_get_subject_name(ica)) ||
	    !X509_CRL_set1_lastUpdate(crl, last) ||
	    !X509_CRL_set1_nextUpdate(crl, next) ||
	    !ASN1_INTEGER_set_int64(num, number))
		die_ssl(EXIT_OUTPUT, "cannot make the CRL");
	for (i = 0; i < l->n; i++)
		crl_add_revoked(crl, &l->r[i]);
	X509V3_set_ctx(&ctx, ica, NULL, NULL, crl, 0);
	aki = X509V3_EXT_conf_nid(NULL, &ctx, NID_authority_key_identifier,
				  "keyid:always");
	if (!aki || !X509_CRL_add_ext(crl, aki, -1) ||
	    !X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0) ||
	    !X509_CRL_sort(crl) || !X509_CRL_sign(crl, ikey, EVP_sha256()))
		die_ssl(EXIT_OUTPUT, "cannot sign the CRL");
	X509_EXTENSION_free(aki);
	ASN1_INTEGER_free(num);
	ASN1_TIME_free(last);
	ASN1_TIME_free(next);
	return crl;
}

/* Add the --revoke certificates (each must be the issuing CA's). */
static void add_revocations(struct opts *o, X509 *ica, struct revlist *l)
{
	char now[16];
	struct tm tm;
	time_t t = time(NULL);
	size_t i;

	if (!gmtime_r(&t, &tm) ||
	    !strftime(now, sizeof(now), "%Y%m%d%H%M%SZ", &tm))
		cli_die(EXIT_OUTPUT, "cannot get the time");
	for (i = 0; i < o->nrevoke; i++) {
		X509 *x = read_cert(o->revoke[i]);
		char *sn;

		if (X509_check_issued(ica, x) != X509_V_OK ||
		    X509_verify(x, X509_get0_pubkey(ica)) != 1)
			cli_die(EXIT_INPUT, "'%s' was not issued by the "
				"issuing CA", o->revoke[i]);
		sn = cert_serial(o->revoke[i], x);
		X509_free(x);
		if (revlist_has(l, sn)) {
			cli_warn("'%s' is already revoked", o->revoke[i]);
			OPENSSL_free(sn);
			continue;
		}
		revlist_add(l, sn, now, o->reason ? reason_index(o->reason)
						  : -1);
	}
}

static int cmd_crl(struct opts *o)
{
	struct revlist l = { NULL, 0 };
	EVP_PKEY *ikey;
	X509 *ica;
	X509_CRL *crl;
	int64_t number;
	char *p;
	BIO *b;

	if (!o->ca || !o->out)
		cli_usage_error("crl needs --ca and -o%s", "");
	if (o->reason && !o->nrevoke)
		cli_usage_error("--reason needs --revoke%s", "");
	read_revoked(p = join(o->ca, "/revoked.txt"), &l);
	free(p);
	number = read_crlnumber(p = join(o->ca, "/crlnumber")) + 1;
	free(p);
	load_ca(o, &ica, &ikey);
	wipe(o);
	add_revocations(o, ica, &l);
	crl = make_crl(ica, ikey, &l, number, o->days ? o->days : 30);
	b = create(o->out, 0644);
	/* the number is used up before the CRL exists: never twice */
	save_state(o->ca, &l, number);
	finish(b, o->out, PEM_write_bio_X509_CRL(b, crl));
	printf("crl: %s\ncrl-number: %lld\nrevoked: %zu\n", o->out,
	       (long long)number, l.n);
	revlist_free(&l);
	X509_CRL_free(crl);
	X509_free(ica);
	EVP_PKEY_free(ikey);
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
		"recipient", "fingerprint", "crl" };
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
		case OPT_REVOKE:
			o.revoke = realloc(o.revoke, (o.nrevoke + 1) *
					   sizeof(*o.revoke));
			if (!o.revoke)
				cli_die(EXIT_OUTPUT, "out of memory");
			o.revoke[o.nrevoke++] = optarg;
			break;
		case OPT_REASON:
			if (reason_index(optarg) < 0)
				cli_usage_error("unknown --reason '%s'",
						optarg);
			o.reason = optarg;
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
	case 5:
		if (optind != argc)
			cli_usage_error("unexpected argument '%s'",
					argv[optind]);
		rc = cmd_crl(&o);
		break;
	default:
		cli_usage_error(optind < argc ? "unknown command '%s'"
				: "no command given%s",
				optind < argc ? argv[optind] : "");
	}
	wipe(&o);
	free(o.revoke);
	cli_close_stdout();
	return rc;
}
