#!/bin/bash
# tests/demo.sh OUTDIR: the demo (`make demo`), the whole chain on built-in,
# fictional evidence, each step with the command it runs:
#
#   evidence  testdata/mkphone.sh: a phone-like GPT disk (ext4 userdata with
#             WhatsApp, SMS/MMS, contacts, calls; FAT sdcard with pictures)
#             and a WhatsApp export zip handed in by the reporting parent,
#             and the daughter's Snapchat "My Data" download
#   keys      spoor-key: a demo CA, an examiner, a police recipient, a
#             CRL of the issuing CA; a demo TSA made with the openssl CLI
#   case      spoor-case init; spoor-acquire to E01 with verify (registers
#             the image); spoor-case add for the exports
#   analysis  spoor-files --hashdb (a demo known-bad set: ALERT), and
#             spoor-artifacts on the image and the exports, into the case
#   findings  spoor-case tag
#   report    spoor-report --lang nl --pseudonymise <the parent> --crl,
#             then an RFC 3161 timestamp from the demo TSA (openssl ts)
#   police    spoor-verify with the pinned roots, the organisation and
#             the unit: VALID (no warning left); the same for the bundle
#             packed as one tar (spoor-report pack)
#
# Exits non-zero when any step does not do what it should, so it is also a
# test (tests/cli/t-demo.sh runs it).
set -euo pipefail

out=${1:-demo-out}
: "${SPOOR_BUILD:?run through make demo}"
here=$(cd "$(dirname "$0")/.." && pwd)
PATH=$SPOOR_BUILD/bin:$PATH
export SPOOR_PLUGIN_PATH=${SPOOR_PLUGIN_PATH:-$SPOOR_BUILD/plugins}
export TZ=UTC
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
t0=$(date +%s)

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
say() { printf '%s\n' "$*"; }
# run CMD...: print it, run it, keep its exit status in $rc
run() {
	printf '$ %s\n' "$*" | sed "s|$out/|demo-out/|g"
	rc=0
	"$@" || rc=$?
}
want() {
	[ "$rc" = "$1" ] || { say "demo: expected exit $1, got $rc" >&2; exit 1; }
}
# run_out CMD...: run, then print its output (kept in $out/last.out)
run_out() {
	run "$@" > "$out/last.out" 2>&1
	cat "$out/last.out"
}

ev=$out/evidence
step "1. The evidence (fictional): a phone image, a parent's WhatsApp export, the child's Snapchat download"
bash "$here/testdata/mkphone.sh" "$ev"
mmls "$ev/phone.img" | sed -n '/userdata\|sdcard/p'
(cd "$ev" && sha256sum phone.img export/*.zip) | tee "$out/evidence.sha256"
IFS=$'\t' read -r _ parent_name < <(grep '^name' "$ev/reporter.txt")
IFS=$'\t' read -r _ parent_phone < <(grep '^phone' "$ev/reporter.txt")
say "The reporter (to be pseudonymised): $parent_name, $parent_phone"

pki=$out/pki
mkdir -p "$pki"
export SPOOR_PASSPHRASE=demo-passphrase-not-for-real-use
step "2. Keys: a demo organisation CA, an examiner certificate, a police recipient"
run spoor-key init-ca "$pki/ca" --org "Stichting Demo"; want 0
run spoor-key new --name "E. Xaminator" -o "$pki/examiner"; want 0
run spoor-key issue --ca "$pki/ca" --csr "$pki/examiner.csr" \
	-o "$pki/examiner.crt"; want 0
run spoor-key recipient --ca "$pki/ca" --name politie-demo \
	-o "$pki/politie-demo"; want 0
run spoor-key recipient --ca "$pki/ca" --name stichting-demo-dpo \
	-o "$pki/dpo"; want 0
say "(the DPO certificate seals the re-identification map; it never leaves the NGO)"
run spoor-key fingerprint "$pki/ca/root.crt"; want 0
run spoor-key crl --ca "$pki/ca" -o "$pki/ca/ica.crl"; want 0
say "(the issuing CA's revocation list: it goes into the bundle)"
head -c 32 /dev/urandom > "$pki/master.key"

# A demo TSA: its own root and a TSA certificate (critical EKU
# timeStamping), answering with `openssl ts -reply`.  In real use this is
# an external, preferably eIDAS-qualified, TSA.  Demo keys, unencrypted.
tsa=$pki/tsa
mkdir -p "$tsa"
echo 01 > "$tsa/serial"
cat > "$tsa/openssl.cnf" <<EOF
[req]
distinguished_name = dn
prompt = no
[dn]
[tsa_root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[tsa_cert]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[tsa]
default_tsa = demo_tsa
[demo_tsa]
dir = $tsa
serial = \$dir/serial
crypto_device = builtin
signer_cert = \$dir/tsa.crt
certs = \$dir/tsa-root.crt
signer_key = \$dir/tsa.key
signer_digest = sha256
# a test policy OID; a real TSA publishes its own
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
EOF
step "2b. A demo timestamp authority (stock OpenSSL)"
run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -quiet \
	-out "$tsa/tsa-root.key"; want 0
run openssl req -x509 -new -config "$tsa/openssl.cnf" -extensions tsa_root \
	-key "$tsa/tsa-root.key" -subj "/O=Demo TSA/CN=Demo TSA Root" \
	-days 3650 -out "$tsa/tsa-root.crt"; want 0
run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -quiet \
	-out "$tsa/tsa.key"; want 0
run openssl req -x509 -new -config "$tsa/openssl.cnf" -extensions tsa_cert \
	-key "$tsa/tsa.key" -subj "/O=Demo TSA/CN=Demo TSA" \
	-CA "$tsa/tsa-root.crt" -CAkey "$tsa/tsa-root.key" -days 365 \
	-out "$tsa/tsa.crt"; want 0

case=$out/case
mkdir -p "$out/acquired"
step "3. The case, the acquisition (E01, verified) and the handed-in export"
run spoor-case init "$case" --case-id DEMO-2026-0001 \
	--examiner "E. Xaminator"; want 0
run spoor-acquire -q --format e01 --verify -C "$case" --exhibit E01 \
	--description "telefoon van het kind (demo)" \
	"$ev/phone.img" "$out/acquired/phone"; want 0
run spoor-case add "$case" "$ev/export/WhatsApp-chat met Mark.zip" \
	--exhibit E02 --description "WhatsApp-export" \
	--received-from "melder (ouder)"; want 0
run spoor-case add "$case" "$ev/export/snapchat-mydata.zip" \
	--exhibit E03 --description "Snapchat-download van het kind" \
	--received-from "melder (ouder)"; want 0

step "4. Files: every file hashed and typed; the demo known-bad set raises an ALERT"
run spoor-hashdb build -q -o "$out/demo-known-bad.sdb" --kind=known-bad \
	--name=demo-known-bad "$ev/demo-known-bad.sha256"; want 0
run spoor-files -q -C "$case" --exhibit E01 \
	--hashdb="$out/demo-known-bad.sdb" -o "$out/files.jsonl" \
	"$out/acquired/phone.E01"; want 1
say "(exit 1: a known-bad hit, as intended)"
grep '"known-bad"' "$out/files.jsonl" | perl -MJSON::PP -ne \
	'$r = decode_json($_); print "  ALERT $r->{path} sha256 $r->{sha256}\n"'
say "Extension does not fit the content:"
grep '"ext_mismatch":true' "$out/files.jsonl" | perl -MJSON::PP -ne \
	'$r = decode_json($_); print "  $r->{path} is $r->{mime}\n"'

step "5. Artifacts: chats, contacts and calls from the image and the exports"
run spoor-artifacts -q -C "$case" --exhibit E01 -o "$out/phone.jsonl" \
	"$out/acquired/phone.E01"; want 0
run spoor-artifacts -q -C "$case" --exhibit E02 --tz=Europe/Amsterdam \
	--me="$parent_name" -o "$out/export.jsonl" \
	"$ev/export/WhatsApp-chat met Mark.zip"; want 0
run spoor-artifacts --format=text "$ev/export/WhatsApp-chat met Mark.zip" \
	--tz=Europe/Amsterdam --me="$parent_name"; want 0
say "The daughter's Snapchat download (times are UTC in it; the picture is hashed, not copied):"
run spoor-artifacts -q -C "$case" --exhibit E03 -o "$out/snapchat.jsonl" \
	"$ev/export/snapchat-mydata.zip"; want 0
run spoor-artifacts -q --format=text --type=message \
	"$ev/export/snapchat-mydata.zip"; want 0

step "6. Findings: tag the grooming conversation and the parent's export"
ids=$(spoor-case records "$case" --type message --format jsonl |
	perl -MJSON::PP -ne '$r = decode_json($_);
		print "$r->{record_id}\n" if $r->{exhibit} eq "E02" ||
		($r->{chat_name} // "") eq "Daan de Vries"' | tr '\n' ' ')
[ -n "$ids" ] || { say "demo: no messages to tag" >&2; exit 1; }
# shellcheck disable=SC2086
run spoor-case tag "$case" $ids --label "grooming" \
	--note "contact met minderjarige; zie ook export ouder"; want 0
run spoor-case show "$case"; want 0
run spoor-case custody "$case" --verify; want 0

step "7. The signed report bundle, the parent pseudonymised"
run spoor-report -C "$case" -o "$out/bundle" --lang nl \
	--key "$pki/examiner.key" --cert "$pki/examiner.crt" \
	--chain "$pki/ca/chain.pem" --recipient politie-demo \
	--master-key "$pki/master.key" \
	--map-to "$pki/dpo.crt" --map-out "$out/pseudonym-map.p7m" \
	--pseudonymise "$parent_phone" --pseudonymise "$parent_name" \
	--crl "$pki/ca/ica.crl"; want 0
say "A timestamp over the signature, from the demo TSA:"
run spoor-report timestamp-request "$out/bundle" -o "$out/bundle.tsq"; want 0
run openssl ts -reply -config "$tsa/openssl.cnf" -queryfile "$out/bundle.tsq" \
	-out "$out/bundle.tsr"; want 0
run spoor-report attach-timestamp --request "$out/bundle.tsq" \
	"$out/bundle" "$out/bundle.tsr"; want 0
find "$out/bundle" -type f | sed "s|$out/||" | sort
if grep -rqF -e "$parent_name" -e "${parent_phone#+}" "$out/bundle"; then
	say "demo: the parent's identity is in the bundle" >&2
	exit 1
fi
say "The parent's name and number appear nowhere in the bundle."

step "8. The police side: one command, with the pinned roots"
run_out spoor-verify "$out/bundle" --trust "$pki/ca/root.crt" \
	--tsa-trust "$tsa/tsa-root.crt" --org "Stichting Demo" \
	--recipient politie-demo; want 0
grep -qx VALID "$out/last.out" ||
	{ say "demo: spoor-verify did not say VALID" >&2; exit 1; }
say "And independently, with stock OpenSSL:"
run openssl cms -verify -binary -inform DER -in "$out/bundle/MANIFEST.p7s" \
	-content "$out/bundle/MANIFEST" -CAfile "$pki/ca/root.crt" \
	-purpose any -signer "$out/signer.pem" -out /dev/null; want 0
run openssl ts -verify -data "$out/bundle/MANIFEST.p7s" \
	-in "$out/bundle/MANIFEST.p7s.tsr" -CAfile "$tsa/tsa-root.crt"; want 0
run openssl verify -crl_check -CRLfile "$out/bundle/certs/crl/1.crl" \
	-CAfile "$pki/ca/root.crt" -untrusted "$pki/ca/ica.crt" -purpose any \
	"$out/signer.pem"; want 0
say "As it travels: one tar, verified as is (nothing extracted):"
run spoor-report pack "$out/bundle" -o "$out/bundle.tar"; want 0
say "(the root pinned by the fingerprint read out, as spoor-key prints it)"
run_out spoor-verify "$out/bundle.tar" --trust-fingerprint \
	"$(spoor-key fingerprint "$pki/ca/root.crt" | sed -n 2p)" \
	--tsa-trust "$tsa/tsa-root.crt" --org "Stichting Demo" \
	--recipient politie-demo -q; want 0
grep -qx VALID "$out/last.out" ||
	{ say "demo: spoor-verify did not say VALID for the tar" >&2; exit 1; }

step "9. The evidence did not change"
(cd "$ev" && sha256sum -c "$out/evidence.sha256")

if command -v chromium > /dev/null; then
	step "10. A picture of the report (headless Chromium, no network)"
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--proxy-server=127.0.0.1:9 --window-size=1200,1800 \
		--screenshot="$out/report.png" \
		"file://$out/bundle/report/report.html" > /dev/null 2>&1 || true
	# chromium may return before its renderer has written the file
	for _ in $(seq 50); do [ -s "$out/report.png" ] && break; sleep 0.1; done
	if [ -s "$out/report.png" ]; then say "  demo-out/report.png"
	else say "  (chromium wrote no screenshot)"; fi
	# the printed report (A4): its first page and the first page of the
	# tagged conversations, as an officer would see them on paper
	chromium --headless --no-sandbox --disable-gpu \
		--proxy-server=127.0.0.1:9 --no-pdf-header-footer \
		--print-to-pdf="$out/report.pdf" \
		"file://$out/bundle/report/report.html" > /dev/null 2>&1 || true
	for _ in $(seq 50); do [ -s "$out/report.pdf" ] && break; sleep 0.1; done
	if [ -s "$out/report.pdf" ] && command -v pdftoppm > /dev/null; then
		pdftoppm -png -r 60 -f 1 -l 1 -singlefile "$out/report.pdf" \
			"$out/report-page1"
		pages=$(pdfinfo "$out/report.pdf" | sed -n 's/^Pages: *//p')
		for p in $(seq 2 "${pages:-1}"); do
			pdftotext -f "$p" -l "$p" "$out/report.pdf" - |
				grep -qx 'Gemarkeerde gesprekken' || continue
			pdftoppm -png -r 60 -f "$p" -l "$p" -singlefile \
				"$out/report.pdf" "$out/report-tagged"
			break
		done
		say "  demo-out/report.pdf ($pages A4 pages):" \
			"report-page1.png, report-tagged.png"
	fi
fi

step "Done in $(( $(date +%s) - t0 )) s. Look further:"
cat <<EOF
  the report:        demo-out/bundle/report/report.html
  verify it again:   spoor-verify demo-out/bundle --trust demo-out/pki/ca/root.crt
                       --tsa-trust demo-out/pki/tsa/tsa-root.crt
                       --org "Stichting Demo" --recipient politie-demo
  the case:          spoor-case show demo-out/case; spoor-case custody demo-out/case --verify
  the messages:      spoor-artifacts --format=text demo-out/acquired/phone.E01
  the files:         spoor-files --format=csv demo-out/acquired/phone.E01 | less -S
  man pages:         man ./docs/spoor.1 (and spoor-files.1, spoor-case.1, ...)
  police guide:      docs/verify-nl.md, docs/verify-en.md
EOF
