/*
 * t-verify: bundle primitives and the tamper sweep.  The bundles come from
 * testdata/mkbundle.sh (openssl CLI + sha256sum, independent of libspoor);
 * one more is written and signed by spoor_manifest_write/sign and checked
 * with stock `openssl cms -verify`.  The sweep flips single bytes at
 * thousands of positions across every file, MANIFEST and MANIFEST.p7s and
 * asks spoor_verify_bundle each time: every case must be INVALID.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spoor.h"
#include "tap.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static char tmp[256];
static char pki[300];
static const char org[] = "Stichting Veilig Kind";
static const char unit[] = "nl-pol-zeden-oost";

static int sh(const char *fmt, const char *a, const char *b)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), fmt, a, b);
	return system(cmd);
}

static struct spoor_verify_opts opts(struct spoor_magic *m)
{
	static char root[400], tsa[400];
	struct spoor_verify_opts o;

	memset(&o, 0, sizeof(o));
	snprintf(root, sizeof(root), "%s/root.crt", pki);
	snprintf(tsa, sizeof(tsa), "%s/root.crt", pki);
	o.trust = root;
	o.tsa_trust = tsa;
	o.recipient = unit;
	o.org = org;
	o.magic = m;
	return o;
}

/* Verdict of dir, and the code of the first fatal reason into code. */
static enum spoor_verdict check(const char *dir,
				const struct spoor_verify_opts *o,
				char *code, size_t size)
{
	struct spoor_verification *r = NULL;
	enum spoor_verdict v;
	size_t i;

	if (code)
		code[0] = '\0';
	if (spoor_verify_bundle(dir, o, &r, NULL))
		return SPOOR_INVALID;
	v = spoor_verify_verdict(r);
	for (i = 0; code && i < spoor_verify_nreasons(r); i++) {
		const char *c;
		bool fatal;

		spoor_verify_reason(r, i, &fatal, &c);
		if (fatal) {
			snprintf(code, size, "%s", c);
			break;
		}
	}
	spoor_verification_free(r);
	return v;
}

static void path_table(void)
{
	static const struct { const char *p; bool ok; } t[] = {
		{ "readme.txt", true }, { "data/findings.json", true },
		{ "a/b/c/d/e/f/g/h", true }, { "a/b/c/d/e/f/g/h/i", false },
		{ "", false }, { "/abs", false }, { "../x", false },
		{ "a/../b", false }, { "./a", false }, { "a//b", false },
		{ "a/", false }, { "Readme.txt", false }, { ".hidden", false },
		{ "a\\b", false }, { "con", false }, { "con.txt", false },
		{ "data/nul.json", false }, { "com1", false }, { "com0", true },
		{ "lpt9.x", false }, { "console", true }, { "a b", false },
		{ "caf\xc3\xa9", false }, { "-x", false }, { "x-", true },
	};
	char longseg[80];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ok(spoor_bundle_path_ok(t[i].p) == t[i].ok, "path '%s' %s",
		   t[i].p, t[i].ok ? "ok" : "refused");
	memset(longseg, 'a', 64);
	longseg[64] = '\0';
	ok(spoor_bundle_path_ok(longseg), "64-byte segment ok");
	longseg[64] = 'a';
	longseg[65] = '\0';
	ok(!spoor_bundle_path_ok(longseg), "65-byte segment refused");
}

/* Write + sign with the library; stock openssl accepts it. */
static void roundtrip(struct spoor_magic *m)
{
	struct spoor_manifest_header h = {
		"5d2f7a4e-3c1b-4e8a-9b6d-0f1e2d3c4b5a", 1, "-",
		"SVK-2025-0042", "PL0600-2025123456", unit,
		"2025-06-01T12:00:00Z", "t-verify 1", NULL, 3, "hash-only",
	};
	struct spoor_signer s;
	struct spoor_verify_opts o = opts(m);
	struct spoor_err err;
	char dir[300], key[400], cert[400], chain[400], head[65];
	char code[32];
	FILE *f;
	int rc;

	snprintf(dir, sizeof(dir), "%s/lib", tmp);
	sh("cp -a %s/v1 %s", tmp, dir);
	sh("rm %s/MANIFEST %s/MANIFEST.p7s", dir, dir);
	/* the custody head the fixture wrote into its own header */
	snprintf(key, sizeof(key), "sed -n 's/^custody-head: //p' %s/v1.hdr",
		 tmp);
	f = popen(key, "r");
	head[0] = '\0';
	if (f) {
		if (!fgets(head, sizeof(head), f))
			head[0] = '\0';
		pclose(f);
	}
	h.custody_head = head;
	rc = spoor_manifest_write(dir, &h, &err);
	is_int(rc, 0, "spoor_manifest_write");
	if (rc)
		diag("%s", err.msg);
	sh("tail -n +15 %s/MANIFEST > %s/lib.entries", dir, tmp);
	sh("tail -n +15 %s/v1/MANIFEST > %s/fx.entries", tmp, tmp);
	is_int(sh("cmp -s %s/lib.entries %s/fx.entries", tmp, tmp), 0,
	       "entries equal the fixture's sha256sum list");
	snprintf(key, sizeof(key), "%s/examiner.key", pki);
	snprintf(cert, sizeof(cert), "%s/examiner.crt", pki);
	snprintf(chain, sizeof(chain), "%s/ica.crt", pki);
	s.key = key;
	s.passphrase = NULL;
	s.cert = cert;
	s.chain = NULL;
	ok(spoor_manifest_sign(dir, &s, &err) == SPOOR_EINVAL,
	   "spoor_manifest_sign without a chain: refused");
	s.chain = chain;
	ok(spoor_manifest_sign(dir, &s, &err) == SPOOR_EINVAL &&
	   strstr(err.msg, "no self-signed root"),
	   "spoor_manifest_sign with a chain without the root: refused "
	   "(%s)", err.msg);
	snprintf(chain, sizeof(chain), "%s/rogue.crt", pki);
	ok(spoor_manifest_sign(dir, &s, &err) == SPOOR_EINVAL &&
	   strstr(err.msg, "does not chain"),
	   "spoor_manifest_sign with another root: refused (%s)", err.msg);
	snprintf(chain, sizeof(chain), "%s/chain.pem", tmp);
	{
		char cmd[1400];

		snprintf(cmd, sizeof(cmd), "cat %s/ica.crt %s/root.crt > %s",
			 pki, pki, chain);
		is_int(system(cmd), 0, "chain.pem: issuing CA and root");
	}
	rc = spoor_manifest_sign(dir, &s, &err);
	is_int(rc, 0, "spoor_manifest_sign");
	if (rc)
		diag("%s", err.msg);
	snprintf(key, sizeof(key), "%s/root.crt", pki);
	{
		char cmd[2048];

		snprintf(cmd, sizeof(cmd), "openssl cms -verify -binary "
			 "-inform DER -in %s/MANIFEST.p7s -content %s/MANIFEST "
			 "-CAfile %s -purpose any -cades -out /dev/null "
			 "2>/dev/null", dir, dir, key);
		is_int(system(cmd), 0, "openssl cms -verify -cades accepts "
		       "spoor_manifest_sign's signature");
		snprintf(cmd, sizeof(cmd), "openssl cms -cmsout -print "
			 "-inform DER -in %s/MANIFEST.p7s | grep -c -E "
			 "'signingTime|signingCertificateV2|smimeCapabilities'"
			 " | grep -qx 2", dir);
		is_int(system(cmd), 0, "signingTime and signingCertificateV2 "
		       "present, no smimeCapabilities");
	}
	o.tsa_trust = NULL;
	ok(check(dir, &o, code, sizeof(code)) == SPOOR_VALID_WITH_WARNINGS,
	   "library-made bundle verifies (warning: no trusted time) %s",
	   code);
	/* a wrong header value is refused before anything is written */
	h.bundle_id = "5D2F7A4E-3c1b-4e8a-9b6d-0f1e2d3c4b5a";
	ok(spoor_manifest_write(dir, &h, &err) == SPOOR_EFORMAT,
	   "upper-case bundle-id refused");
	h.bundle_id = "5d2f7a4e-3c1b-4e8a-9b6d-0f1e2d3c4b5a";
	h.case_id = "SVK\n2025";
	ok(spoor_manifest_write(dir, &h, &err) == SPOOR_EFORMAT,
	   "LF in case-id refused");
}

/* Flip one byte of path at off, verify, restore. */
static enum spoor_verdict flip(const char *dir, const char *rel, long off,
			       unsigned char x,
			       const struct spoor_verify_opts *o, char *code,
			       size_t size)
{
	char path[600];
	unsigned char c;
	enum spoor_verdict v;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fd = open(path, O_RDWR);
	if (fd < 0 || pread(fd, &c, 1, off) != 1) {
		if (fd >= 0)
			close(fd);
		return SPOOR_VALID;	/* counted as a failure */
	}
	c ^= x;
	pwrite(fd, &c, 1, off);
	v = check(dir, o, code, size);
	c ^= x;
	pwrite(fd, &c, 1, off);
	close(fd);
	return v;
}

static void sweep(struct spoor_magic *m)
{
	static const char *const files[] = {
		"MANIFEST", "MANIFEST.p7s", "MANIFEST.p7s.tsr",
		"readme.txt", "report/report.html", "data/findings.json",
		"data/case-uco.jsonld", "data/hashes-flagged.json",
		"data/blob.bin", "custody/custody.log", "certs/crl/ica.crl",
	};
	struct spoor_verify_opts o = opts(m);
	char dir[300], path[600], code[32];
	long total = 0, falsevalid = 0, wrongcode = 0, n = 0;
	size_t i;

	snprintf(dir, sizeof(dir), "%s/sweep", tmp);
	sh("cp -a %s/v1 %s", tmp, dir);
	{
		char cmd[1200];

		snprintf(cmd, sizeof(cmd), "bash %s/testdata/mkbundle.sh tsr "
			 "%s %s", getenv("SPOOR_SRC"), pki, dir);
		if (system(cmd))
			diag("cannot make a timestamp");
	}
	is_int(check(dir, &o, code, sizeof(code)), SPOOR_VALID,
	       "untouched bundle with timestamp: VALID");
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct stat st;
		long off, step;

		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (stat(path, &st) < 0) {
			ok(0, "%s exists", files[i]);
			continue;
		}
		total += st.st_size;
		/* every byte of small files, a spread over big ones */
		step = st.st_size > 250 ? st.st_size / 250 : 1;
		for (off = 0; off < st.st_size; off += step) {
			unsigned char x = (unsigned char)(1u << (n % 8));
			enum spoor_verdict v;
			const char *want;

			v = flip(dir, files[i], off, x, &o, code,
				 sizeof(code));
			n++;
			if (v != SPOOR_INVALID) {
				falsevalid++;
				diag("false VALID: %s byte %ld ^ 0x%02x",
				     files[i], off, x);
				continue;
			}
			want = i == 0 ? "signature" : i >= 3 ? "hash" : NULL;
			if (want && strcmp(code, want) &&
			    !(i == 0 && !strcmp(code, "cms"))) {
				wrongcode++;
				if (wrongcode < 10)
					diag("%s byte %ld: reason '%s', want "
					     "'%s'", files[i], off, code, want);
			}
		}
	}
	diag("sweep: %ld flips over %ld bytes in %zu files", n, total,
	     sizeof(files) / sizeof(files[0]));
	ok(n >= 2000, "at least 2000 single-byte flips (%ld)", n);
	is_int(falsevalid, 0, "zero false VALIDs in the sweep");
	is_int(wrongcode, 0, "every flip fails for the right reason");
	is_int(check(dir, &o, code, sizeof(code)), SPOOR_VALID,
	       "restored bundle VALID again");
}

/*
 * The exhaustive sweep over the parts of a CMS/RFC 3161 file that no
 * signature covers.  openssl asn1parse (the oracle) lists the elements;
 * the values of the signed ones are left to sweep() (its spread):
 * the certificates (signed by their issuers), the eContent (TSTInfo),
 * the signed attributes and the signature value.  Every other byte
 * gets all 8 single-bit flips and the bytes 0x00 and 0xff.
 */
struct asn1_el {
	long off, end;		/* whole element: [off, end) */
	long vlo;		/* its value starts here */
	int depth;
	char type[40];
};

/* The elements of path (at most max), from openssl asn1parse. */
static size_t asn1_elements(const char *path, struct asn1_el *el,
			    size_t max)
{
	char cmd[800], line[4096];
	size_t n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "openssl asn1parse -inform DER -in %s "
		 "2>/dev/null", path);
	f = popen(cmd, "r");
	while (f && n < max && fgets(line, sizeof(line), f)) {
		long off, l;
		int d, hl;
		char kind[8], type[40];

		if (sscanf(line, "%ld:d=%d hl=%d l=%ld %7[a-z]: %39[^\n]",
			   &off, &d, &hl, &l, kind, type) != 6)
			continue;
		el[n].off = off;
		el[n].vlo = off + hl;
		el[n].end = off + hl + l;
		el[n].depth = d;
		l = (long)strlen(type);
		while (l > 0 && type[l - 1] == ' ')
			type[--l] = '\0';
		snprintf(el[n].type, sizeof(el[n].type), "%s", type);
		n++;
	}
	if (f)
		pclose(f);
	return n;
}

/* Whether off lies in the value of a signed element; base is the
 * depth of the SignedData's ContentInfo (0 in a .p7s, 1 in a .tsr). */
static bool covered(const struct asn1_el *el, size_t n, int base,
		    long off)
{
	size_t i;

	for (i = 0; i < n; i++) {
		bool sig = (el[i].depth == base + 3 &&
			    !strncmp(el[i].type, "cont [ 0 ]", 10)) ||
			   (el[i].depth == base + 5 &&
			    (!strncmp(el[i].type, "OCTET STRING", 12) ||
			     !strncmp(el[i].type, "cont [ 0 ]", 10)));

		if (sig && off >= el[i].vlo && off < el[i].end)
			return true;
	}
	return false;
}

/* The innermost element holding off, for the diagnostics. */
static const char *where(const struct asn1_el *el, size_t n, long off,
			 char *buf, size_t size)
{
	size_t i, best = n;

	for (i = 0; i < n; i++)
		if (off >= el[i].off && off < el[i].end &&
		    (best == n || el[i].depth > el[best].depth))
			best = i;
	if (best == n)
		snprintf(buf, size, "?");
	else
		snprintf(buf, size, "d=%d %s at %ld, %s", el[best].depth,
			 el[best].type, el[best].off,
			 off < el[best].vlo ? "header" : "value");
	return buf;
}

static void unsigned_sweep(const char *dir, const char *rel, int base,
			   const struct spoor_verify_opts *o,
			   enum spoor_verdict want0)
{
	static const unsigned char repl[] = { 0x00, 0xff };
	struct asn1_el *el = calloc(1024, sizeof(*el));
	char path[600], code[32], buf[128];
	long off, n = 0, bytes = 0, falsevalid = 0, size;
	size_t nel, i;
	bool spans = false;
	FILE *f;
	unsigned char *orig = NULL;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "rb");
	if (el && f && !fseek(f, 0, SEEK_END) && (size = ftell(f)) > 0 &&
	    !fseek(f, 0, SEEK_SET) && (orig = malloc((size_t)size)) &&
	    fread(orig, 1, (size_t)size, f) != (size_t)size) {
		free(orig);
		orig = NULL;
	}
	if (f)
		fclose(f);
	if (!el || !orig) {
		ok(0, "%s readable", rel);
		free(el);
		return;
	}
	ok(check(dir, o, code, sizeof(code)) == want0, "%s sweep: "
	   "untouched bundle verifies", rel);
	nel = asn1_elements(path, el, 1024);
	for (i = 0; i < nel; i++)
		spans |= el[i].depth == base + 3 &&
			 !strncmp(el[i].type, "cont [ 0 ]", 10);
	ok(nel > 20 && spans, "%s: openssl asn1parse lists %zu elements "
	   "and the certificates", rel, nel);
	for (off = 0; off < size; off++) {
		unsigned x;

		if (covered(el, nel, base, off))
			continue;
		bytes++;
		for (x = 0; x < 8 + ARRAY_LEN(repl); x++) {
			unsigned char mask = x < 8 ? (unsigned char)(1u << x) :
					     orig[off] ^ repl[x - 8];
			enum spoor_verdict v;

			/* 0x00/0xff only where they are not a bit flip */
			if (x >= 8 && (!mask || !(mask & (mask - 1))))
				continue;
			v = flip(dir, rel, off, mask, o, code, sizeof(code));
			n++;
			if (v != SPOOR_INVALID) {
				falsevalid++;
				diag("false %s: %s byte %ld 0x%02x -> 0x%02x "
				     "(%s)", spoor_verdict_name(v), rel, off,
				     orig[off], orig[off] ^ mask,
				     where(el, nel, off, buf, sizeof(buf)));
			}
		}
	}
	diag("%s: %ld flips over the %ld of %ld bytes no signature covers",
	     rel, n, bytes, size);
	ok(bytes >= 100 && bytes < size / 2, "%s: %ld unsigned bytes swept",
	   rel, bytes);
	ok(falsevalid == 0, "%s: zero false VALIDs over every unsigned "
	   "byte (%ld)", rel, falsevalid);
	ok(check(dir, o, code, sizeof(code)) == want0, "%s sweep: "
	   "restored bundle verifies again", rel);
	free(orig);
	free(el);
}

/*
 * Other CMS signers write NULL parameters for sha256 (mkbundle.sh
 * nullparams adds them, unsigned): accepted, but every flip of the
 * NULL's two bytes (found by openssl asn1parse) is INVALID.
 */
static void null_params(struct spoor_magic *m, const char *which)
{
	static const unsigned char repl[] = { 0x00, 0xff };
	struct spoor_verify_opts o = opts(m);
	struct asn1_el el[400];
	char dir[300], path[600], code[32];
	size_t nel, i, nnull = 0;
	long falsevalid = 0;

	snprintf(dir, sizeof(dir), "%s/null-%s", tmp, which);
	sh("cp -a %s/v1 %s", tmp, dir);
	{
		char cmd[1200];

		snprintf(cmd, sizeof(cmd), "bash %s/testdata/mkbundle.sh "
			 "nullparams %s %s", getenv("SPOOR_SRC"), dir, which);
		if (system(cmd))
			diag("cannot add NULL parameters");
	}
	ok(check(dir, &o, code, sizeof(code)) == SPOOR_VALID_WITH_WARNINGS,
	   "NULL parameters in the %s accepted", which);
	snprintf(path, sizeof(path), "%s/MANIFEST.p7s", dir);
	nel = asn1_elements(path, el, ARRAY_LEN(el));
	for (i = 0; i < nel; i++) {
		long off;

		if (strcmp(el[i].type, "NULL"))
			continue;
		nnull++;
		for (off = el[i].off; off < el[i].end; off++) {
			unsigned x;
			unsigned char c = off == el[i].off ? 0x05 : 0x00;

			for (x = 0; x < 8 + ARRAY_LEN(repl); x++) {
				unsigned char mask = x < 8 ?
					(unsigned char)(1u << x) :
					c ^ repl[x - 8];

				enum spoor_verdict v;

				if (!mask)
					continue;
				v = flip(dir, "MANIFEST.p7s", off, mask, &o,
					 code, sizeof(code));
				if (v != SPOOR_INVALID) {
					falsevalid++;
					diag("false %s: NULL of the %s, byte "
					     "%ld ^ 0x%02x",
					     spoor_verdict_name(v), which, off,
					     mask);
				}
			}
		}
	}
	ok(nnull == 1, "openssl asn1parse finds the NULL (%zu)", nnull);
	ok(falsevalid == 0, "every flip of the %s's NULL parameters is "
	   "INVALID (%ld)", which, falsevalid);
}

/* The timestamp reply (VALID), then MANIFEST.p7s alone (no trusted
 * time: VALID-WITH-WARNINGS), each in a fresh copy with a new TSR. */
static void unsigned_sweeps(struct spoor_magic *m)
{
	struct spoor_verify_opts o = opts(m);
	char dir[300];

	snprintf(dir, sizeof(dir), "%s/usweep", tmp);
	sh("cp -a %s/v1 %s", tmp, dir);
	{
		char cmd[1200];

		snprintf(cmd, sizeof(cmd), "bash %s/testdata/mkbundle.sh tsr "
			 "%s %s", getenv("SPOOR_SRC"), pki, dir);
		if (system(cmd))
			diag("cannot make a timestamp");
	}
	unsigned_sweep(dir, "MANIFEST.p7s.tsr", 1, &o, SPOOR_VALID);
	sh("rm %s/MANIFEST.p7s.tsr%s", dir, "");
	unsigned_sweep(dir, "MANIFEST.p7s", 0, &o,
		       SPOOR_VALID_WITH_WARNINGS);
	null_params(m, "set");
	null_params(m, "si");
}

int main(void)
{
	const char *src = getenv("SPOOR_SRC");
	struct spoor_magic *m;
	char cmd[1200];

	if (!src)
		src = ".";
	snprintf(tmp, sizeof(tmp), "%s/t-verify.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmp)) {
		plan(1);
		ok(0, "mkdtemp");
		return done_testing();
	}
	snprintf(pki, sizeof(pki), "%s/pki", tmp);
	snprintf(cmd, sizeof(cmd), "bash %s/testdata/mkbundle.sh %s", src,
		 tmp);
	if (system(cmd)) {
		ok(0, "testdata/mkbundle.sh");
		return done_testing();
	}
	m = spoor_magic_new(NULL);
	path_table();
	roundtrip(m);
	sweep(m);
	unsigned_sweeps(m);
	spoor_magic_free(m);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	if (system(cmd))
		diag("cannot remove %s", tmp);
	return done_testing();
}
