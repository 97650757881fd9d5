#!/bin/bash
# mkbundle.sh OUT: a test PKI and evidence bundles made with the openssl
# CLI, sha256sum, printf and perl only (independent of libspoor), for the
# spoor-verify tests.  Fictional organisation "Stichting Veilig Kind"
# (examiner Eva de Vries), police unit "nl-pol-zeden-oost".
#
#   OUT/pki/       root, issuing CA, examiner (documentSigning), examiner2
#                  (revoked, CRL in ica.crl), noeku (emailProtection only),
#                  expired (2020-2021), rogue root + rogue examiner with
#                  identical DNs, police recipient, TSA + ts.cnf
#   OUT/v1/        a good bundle, version 1 (custody: 3 events)
#   OUT/v2/        version 2 of the same bundle-id (custody: 5 events,
#                  extends v1's log; supersedes = sha256 of v1's MANIFEST)
#   OUT/ids        shell variables: BUNDLE_ID CASE_ID RECIPIENT ...
#
# mkbundle.sh also has a "sign" mode used by the tests:
#   mkbundle.sh sign PKI BUNDLE SIGNER   (SIGNER: examiner, noeku, ...)
#   mkbundle.sh manifest BUNDLE HEADERFILE (re-write the MANIFEST body)
#   mkbundle.sh tsr PKI BUNDLE           (an RFC 3161 reply over .p7s)
#   mkbundle.sh nullparams BUNDLE set|si (add NULL parameters to the
#                  sha256 AlgorithmIdentifier in MANIFEST.p7s's
#                  digestAlgorithms or SignerInfo.digestAlgorithm: not
#                  signed, as other CMS signers write it; perl DER rewrite)
set -euo pipefail
export LC_ALL=C

ORG="Stichting Veilig Kind"

# ---- helpers ----
manifest() { # BUNDLE HEADERFILE: header file lines 1..13, then entries
	local b=$1 hdr=$2
	{
		cat "$hdr"
		echo
		(cd "$b" && find . -type f ! -path './MANIFEST' \
			! -path './MANIFEST.p7s' ! -path './MANIFEST.p7s.tsr' \
			-printf '%P\n' | sort | while IFS= read -r p; do
			printf '%s %s %s\n' \
				"$(sha256sum < "$p" | cut -c1-64)" \
				"$(stat -c %s "$p")" "$p"
		done)
	} > "$b/MANIFEST"
}

sign() { # PKI BUNDLE SIGNER
	local pki=$1 b=$2 s=$3 chain=$1/ica.crt
	case $s in rogue*) chain=$pki/rogue.crt ;; esac
	openssl cms -sign -binary -nosmimecap -cades -md sha256 \
		-in "$b/MANIFEST" -signer "$pki/$s.crt" -inkey "$pki/$s.key" \
		-certfile "$chain" -outform DER -out "$b/MANIFEST.p7s"
}

tsr() { # PKI BUNDLE
	local pki=$1 b=$2
	openssl ts -query -data "$b/MANIFEST.p7s" -sha256 -cert \
		-out "$pki/last.tsq" 2>/dev/null
	openssl ts -reply -config "$pki/ts.cnf" -queryfile "$pki/last.tsq" \
		-out "$b/MANIFEST.p7s.tsr" 2>/dev/null
}

nullparams() { # BUNDLE set|si
	perl -e '
	use strict; use warnings;
	local $/; my $b = <STDIN>;
	sub parse { my ($s) = @_; my ($i, @n) = (0);
		while ($i < length $s) {
			my $t = ord substr($s, $i++, 1);
			my $l = ord substr($s, $i++, 1);
			if ($l & 0x80) { my $k = $l & 0x7f; $l = 0;
				$l = $l * 256 + ord substr($s, $i++, 1) for 1 .. $k }
			my $v = substr($s, $i, $l); $i += $l;
			push @n, [$t, $v, ($t & 0x20) ? parse($v) : undef];
		}
		return \@n }
	sub len { my ($l, $s) = (shift, ""); return chr $l if $l < 128;
		while ($l) { $s = chr($l & 255) . $s; $l >>= 8 }
		return chr(0x80 | length $s) . $s }
	sub ser { my $r = ""; for my $n (@{$_[0]}) {
			my $v = defined $n->[2] ? ser($n->[2]) : $n->[1];
			$r .= chr($n->[0]) . len(length $v) . $v }
		return $r }
	my $t = parse($b);
	die "not DER\n" unless ser($t) eq $b;
	my $sd = $t->[0][2][1][2][0][2];	# ContentInfo [0] SignedData
	my $alg = $ARGV[0] eq "set" ? $sd->[1][2][0] :
		$sd->[-1][2][0][2][2];		# SignerInfo.digestAlgorithm
	die "has parameters\n" if @{$alg->[2]} != 1;
	push @{$alg->[2]}, [5, "", undef];
	print ser($t);' "$2" < "$1/MANIFEST.p7s" > "$1/MANIFEST.p7s.new"
	mv "$1/MANIFEST.p7s.new" "$1/MANIFEST.p7s"
}

h() { printf '%s' "$1" | sha256sum | cut -c1-64; }

custody() { # CASE N FILE: N chained events
	local c=$1 n=$2 f=$3 prev line i
	prev=$(printf 'custody-v1\0%s' "$c" | sha256sum | cut -c1-64)
	: > "$f"
	for ((i = 0; i < n; i++)); do
		line=$(printf '%d\t%s\t{"seq":%d,"event":"analysed","actor":"Eva de Vries","time":"2025-06-0%dT10:00:00Z"}' \
			"$i" "$prev" "$i" "$((i + 1))")
		printf '%s\n' "$line" >> "$f"
		prev=$(h "$line")
	done
	echo "$prev"
}

mkpki() { # DIR
	local d=$1
	mkdir -p "$d"
	cd "$d"
	cat > ext.cnf <<'EOF'
[root_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[issuing_ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[examiner]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = 1.3.6.1.5.5.7.3.36
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[noeku]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[police]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyEncipherment
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[tsa]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
	mk() { # name subj ext issuer alg days
		case $5 in
		p256) openssl genpkey -algorithm EC -pkeyopt \
			ec_paramgen_curve:P-256 -quiet -out "$1.key" ;;
		p384) openssl genpkey -algorithm EC -pkeyopt \
			ec_paramgen_curve:P-384 -quiet -out "$1.key" ;;
		rsa) openssl genpkey -algorithm RSA -pkeyopt \
			rsa_keygen_bits:3072 -quiet -out "$1.key" ;;
		esac
		openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
		if [ "$4" = self ]; then
			openssl x509 -req -in "$1.csr" -signkey "$1.key" \
				-days "$6" -sha384 -extfile ext.cnf \
				-extensions "$3" -out "$1.crt" 2>/dev/null
		else
			openssl x509 -req -in "$1.csr" -CA "$4.crt" \
				-CAkey "$4.key" -CAcreateserial -days "$6" \
				-sha384 -extfile ext.cnf -extensions "$3" \
				-out "$1.crt" 2>/dev/null
		fi
	}
	mk root "/O=$ORG/CN=SVK Root CA" root_ca self p384 3650
	mk ica "/O=$ORG/CN=SVK Issuing CA" issuing_ca root p384 1825
	mk examiner "/O=$ORG/OU=Digitaal Onderzoek/CN=Eva de Vries" \
		examiner ica p256 365
	mk examiner2 "/O=$ORG/OU=Digitaal Onderzoek/CN=Daan Bakker" \
		examiner ica p256 365
	mk noeku "/O=$ORG/OU=Digitaal Onderzoek/CN=Sanne Jansen" \
		noeku ica p256 365
	mk otherorg "/O=Andere Stichting/CN=Piet Smit" examiner ica p256 365
	mk police "/O=Politie Oost/CN=nl-pol-zeden-oost" police root rsa 365
	mk tsa "/O=$ORG/CN=SVK TSA" tsa ica p256 365
	mk rogue "/O=$ORG/CN=SVK Issuing CA" root_ca self p384 3650
	mk rogueex "/O=$ORG/OU=Digitaal Onderzoek/CN=Eva de Vries" \
		examiner rogue p256 365
	mkdir -p ca && : > ca/index.txt && echo 1000 > ca/crlnumber
	echo 2000 > ca/serial
	cat > ca.cnf <<EOF
[ca]
default_ca = ica
[ica]
database = $d/ca/index.txt
crlnumber = $d/ca/crlnumber
new_certs_dir = $d/ca
certificate = $d/ica.crt
private_key = $d/ica.key
serial = $d/ca/serial
default_md = sha256
default_crl_days = 30
policy = any
copy_extensions = none
[any]
commonName = supplied
[crl_ext]
authorityKeyIdentifier = keyid:always
EOF
	openssl ca -config ca.cnf -revoke examiner2.crt -crl_reason \
		keyCompromise -batch >/dev/null 2>&1
	openssl ca -config ca.cnf -gencrl -crlexts crl_ext -out ica.crl \
		-batch >/dev/null 2>&1
	openssl ca -config ca.cnf -in examiner.csr -out expired.crt \
		-startdate 20200101000000Z -enddate 20210101000000Z \
		-extfile ext.cnf -extensions examiner -batch -notext \
		>/dev/null 2>&1
	cp examiner.key expired.key
	mkdir -p tsadir && echo 01 > tsadir/serial
	cat root.crt ica.crt > tsadir/chain.pem
	cat > ts.cnf <<EOF
[tsa]
default_tsa = tsa1
[tsa1]
dir = $d/tsadir
serial = \$dir/serial
crypto_device = builtin
signer_cert = $d/tsa.crt
certs = \$dir/chain.pem
signer_key = $d/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
EOF
	openssl x509 -in root.crt -outform DER | sha256sum | cut -c1-64 \
		> root.fpr
	cd - >/dev/null
}

header() { # OUT ID VERSION SUPERSEDES HEAD COUNT
	cat > "$1" <<EOF
FORENSIC-BUNDLE-MANIFEST 1
bundle-id: $2
bundle-version: $3
supersedes: $4
case-id: $CASE_ID
police-ref: PL0600-2025123456
recipient: $RECIPIENT
created: 2025-06-0${3}T12:00:00Z
producer: mkbundle.sh 1
custody-head: $5
custody-count: $6
content-policy: hash-only
hash: sha256
EOF
}

mkcontent() { # BUNDLE VERSION
	local b=$1
	mkdir -p "$b/report" "$b/data" "$b/custody" "$b/certs/crl"
	cat > "$b/readme.txt" <<EOF
Evidence bundle for case $CASE_ID, version $2.
Verify with: spoor-verify . --trust-fingerprint $(cat "$OUT/pki/root.fpr")
EOF
	printf '<!doctype html><html lang="nl"><meta charset="utf-8"><title>Rapport</title><p>Versie %s: chatgesprek tussen Eva en Jan.</p></html>\n' \
		"$2" > "$b/report/report.html"
	printf '{"case":"%s","findings":[{"id":1,"type":"chat","from":"+31612345678"}]}\n' \
		"$CASE_ID" > "$b/data/findings.json"
	printf '{"@context":{},"@graph":[]}\n' > "$b/data/case-uco.jsonld"
	printf '[{"sha256":"%s","size":12345,"mime":"image/jpeg"}]\n' \
		"$(h flagged)" > "$b/data/hashes-flagged.json"
	cp "$OUT/pki/ica.crl" "$b/certs/crl/ica.crl"
	# a binary file so that byte flips also hit non-text data
	head -c 3000 /dev/zero | tr '\0' '\7' > "$b/data/blob.bin"
}

case ${1:-} in
sign) sign "$2" "$3" "$4"; exit 0 ;;
manifest) manifest "$2" "$3"; exit 0 ;;
tsr) tsr "$2" "$3"; exit 0 ;;
nullparams) nullparams "$2" "$3"; exit 0 ;;
"") echo "usage: mkbundle.sh OUT" >&2; exit 2 ;;
esac

OUT=$(mkdir -p "$1" && cd "$1" && pwd)
BUNDLE_ID=5d2f7a4e-3c1b-4e8a-9b6d-0f1e2d3c4b5a
CASE_ID=SVK-2025-0042
RECIPIENT=nl-pol-zeden-oost
[ -f "$OUT/pki/root.crt" ] || mkpki "$OUT/pki"

for v in 1 2; do
	b=$OUT/v$v
	rm -rf "$b"
	mkcontent "$b" "$v"
	head=$(custody "$CASE_ID" $((v * 2 + 1)) "$b/custody/custody.log")
	sup=-
	[ "$v" = 2 ] && sup=$(sha256sum < "$OUT/v1/MANIFEST" | cut -c1-64)
	header "$OUT/v$v.hdr" "$BUNDLE_ID" "$v" "$sup" "$head" $((v * 2 + 1))
	manifest "$b" "$OUT/v$v.hdr"
	sign "$OUT/pki" "$b" examiner
done
cat > "$OUT/ids" <<EOF
BUNDLE_ID=$BUNDLE_ID
CASE_ID=$CASE_ID
RECIPIENT=$RECIPIENT
ORG='$ORG'
ROOT_FPR=$(cat "$OUT/pki/root.fpr")
EOF
