#!/bin/bash
# t-report.sh: spoor-report builds a bundle that stock OpenSSL and
# coreutils accept; report.html is static, escaped and self-contained;
# the libmagic gate; versions; the case and the evidence are unchanged
# except for the appended custody event and the exports row.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report-fixture.sh"
need openssl sqlite3 perl xmllint sha256sum file
command -v spoor-report >/dev/null || skip_all "spoor-report not built"

mk_pki "$T/pki"
mk_case "$T/case"
P=$T/pki
SIGN=(--key "$P/examiner.enc.key" --passphrase-file "$P/pass.txt"
	--cert "$P/examiner.crt" --chain "$P/chain.pem")
ev_before=$(sum_tree "$EVID" | sha256sum)
db_dump() { for t in case_info exhibits runs records tags; do
	sqlite3 "$T/case/case.db" "SELECT * FROM $t ORDER BY 1"; done | sha256sum; }
db_before=$(db_dump)
log_before=$(sha256 "$T/case/custody.log")
lines_before=$(wc -l < "$T/case/custody.log")

B=$T/bundles/b1
mkdir -p "$T/bundles"
run_rc 0 "build a bundle" spoor-report -C "$T/case" -o "$B" "${SIGN[@]}" \
	--recipient NL-POL-ZEDEN --police-ref PR-2026-17
ok "$([ -d "$B" ]; echo $?)" "bundle directory exists"
is "$(ls "$T/bundles" | wc -l)" 1 "no temp directory left next to it"

# ---- no random bytes: no bundle id, so no bundle ----
# (OpenSSL's RAND_bytes failing must not give the fixed id
# 00000000-0000-4000-8000-000000000000)
NORAND=$T/norand.so
if cc -shared -fPIC -O2 -o "$NORAND" "$SPOOR_SRC/tests/fault/norand.c" \
	2>/dev/null; then
	log_n=$(wc -l < "$T/case/custody.log")
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	LD_PRELOAD=$NORAND run_rc 4 "RAND_bytes failing: refused" \
		spoor-report -C "$T/case" -o "$T/bundles/norand" "${SIGN[@]}" \
		--recipient NL-POL-ZEDEN
	grep -q "cannot make a bundle id: OpenSSL's RAND_bytes failed" "$T/err"
	ok $? "RAND_bytes failing: the message says why"
	is "$(ls "$T/bundles")" b1 "RAND_bytes failing: no bundle, no temp dir"
	is "$(wc -l < "$T/case/custody.log")" "$log_n" \
		"RAND_bytes failing: no custody event"
else
	for i in 1 2 3 4; do skip "cannot build the RAND_bytes shim"; done
fi

# ---- the signature, by stock openssl ----
openssl cms -verify -binary -inform DER -in "$B/MANIFEST.p7s" \
	-content "$B/MANIFEST" -CAfile "$P/root.crt" -purpose any -cades \
	-out /dev/null 2>"$T/v.err"
ok $? "openssl cms -verify -purpose any -cades accepts the signature"
openssl cms -verify -binary -inform DER -in "$B/MANIFEST.p7s" \
	-content "$B/MANIFEST" -CAfile "$P/examiner.crt" -purpose any \
	-out /dev/null 2>/dev/null
ok "$([ $? -ne 0 ]; echo $?)" "a wrong trust anchor is refused by openssl"
openssl cms -cmsout -print -inform DER -in "$B/MANIFEST.p7s" > "$T/p7s.txt"
grep -q 'signingTime' "$T/p7s.txt" && grep -q 'id-smime-aa-signingCertificateV2' "$T/p7s.txt"
ok $? "signed attributes carry signingTime and signingCertificateV2"
grep -q 'eContent: <ABSENT>' "$T/p7s.txt"
ok $? "the signature is detached"

# ---- the manifest, by sha256sum and stat ----
sed '1,/^$/d' "$B/MANIFEST" > "$T/entries"
bad=0
while read -r h s p; do
	[ "$(sha256 "$B/$p")" = "$h" ] || { diag "hash $p"; bad=1; }
	[ "$(stat -c %s "$B/$p")" = "$s" ] || { diag "size $p"; bad=1; }
done < "$T/entries"
[ -s "$T/entries" ] || bad=1
ok $bad "every MANIFEST line matches sha256sum and stat"
(cd "$B" && find . -type f ! -name 'MANIFEST*' | sed 's|^\./||' | LC_ALL=C sort) > "$T/present"
cut -d' ' -f3 "$T/entries" > "$T/listed"
diff_ok "$T/listed" "$T/present" "MANIFEST lists exactly the files present, sorted"
for f in readme.txt report/report.html data/findings.json \
	data/case-uco.jsonld data/hashes-flagged.json custody/custody.log; do
	grep -qx "$f" "$T/listed"
	ok $? "bundle holds $f"
done
hdr() { sed -n "s/^$1: //p" "$B/MANIFEST"; }
is "$(head -n1 "$B/MANIFEST")" "FORENSIC-BUNDLE-MANIFEST 1" "manifest magic"
is "$(hdr recipient)" NL-POL-ZEDEN "recipient in the signed header"
is "$(hdr police-ref)" PR-2026-17 "police-ref in the signed header"
is "$(hdr case-id)" TDH-2026-0042 "case-id from case.db"
is "$(hdr bundle-version)" 1 "first export is version 1"
is "$(hdr supersedes)" - "first export supersedes nothing"
is "$(hdr content-policy)" hash-only "content policy hash-only"

fp=$(openssl x509 -in "$P/root.crt" -noout -fingerprint -sha256 | sed 's/.*=//')
grep -q "$fp" "$B/readme.txt" && grep -q 'openssl cms -verify' "$B/readme.txt" && grep -q 'spoor-verify' "$B/readme.txt"
ok $? "readme.txt: both ways to verify and the root fingerprint (openssl x509)"

# ---- the root travels in the signature: --trust-fingerprint works ----
openssl pkcs7 -inform DER -in "$B/MANIFEST.p7s" -print_certs -noout |
	grep -c '^subject=' > "$T/ncerts"
is "$(cat "$T/ncerts")" 3 "MANIFEST.p7s holds examiner, issuing CA and root (openssl)"
grouped=$(openssl x509 -in "$P/root.crt" -outform DER | sha256sum |
	cut -c1-64 | tr a-f A-F | sed 's/..../& /g; s/ $//')
run_rc 0 "spoor-verify --trust-fingerprint in groups of four" spoor-verify \
	"$B" --trust-fingerprint "$grouped" --recipient NL-POL-ZEDEN
run_rc 0 "spoor-verify --trust-fingerprint, colon form of readme.txt" \
	spoor-verify "$B" --trust-fingerprint "$fp" --recipient NL-POL-ZEDEN
run_rc 2 "a chain without the root: refused" spoor-report -C "$T/case" \
	-o "$T/bundles/noroot" --key "$P/examiner.enc.key" \
	--passphrase-file "$P/pass.txt" --cert "$P/examiner.crt" \
	--chain "$P/ca.crt" --recipient NL-POL-ZEDEN
grep -q "holds no self-signed root" "$T/err"
ok $? "... saying why"
[ ! -e "$T/bundles/noroot" ] && [ "$(ls "$T/bundles" | wc -l)" = 1 ]
ok $? "... and nothing written"

# ---- custody ----
is "$(wc -l < "$T/case/custody.log")" $((lines_before + 1)) "one event appended to the case log"
cmp -s "$T/case/custody.log" "$B/custody/custody.log"
ok $? "the bundle's custody log is the case's log"
head -n "$lines_before" "$T/case/custody.log" | sha256sum | cut -d' ' -f1 > "$T/prefix"
is "$(cat "$T/prefix")" "$log_before" "earlier custody lines unchanged"
last=$(tail -n1 "$B/custody/custody.log")
is "$(printf '%s' "$last" | sha256sum | cut -d' ' -f1)" "$(hdr custody-head)" "custody-head = sha256 of the last line"
is "$(wc -l < "$B/custody/custody.log")" "$(hdr custody-count)" "custody-count = lines"
prev=$(sed -n "${lines_before}p" "$T/case/custody.log" | tr -d '\n' | sha256sum | cut -d' ' -f1)
is "$(printf '%s' "$last" | cut -f1,2)" "$lines_before	$prev" "the new line chains to the previous one"
is "$(printf '%s' "$last" | cut -f3 | perl -MJSON::PP -ne 'my $e = decode_json($_); print "$e->{event} $e->{bundle_id}"')" \
	"exported $(hdr bundle-id)" "the event is 'exported' for this bundle"

# ---- data files (JSON::PP as the parser) ----
for f in findings.json hashes-flagged.json case-uco.jsonld; do
	perl -MJSON::PP -e 'local $/; open my $f, "<", $ARGV[0] or die; decode_json(<$f>)' "$B/data/$f"
	ok $? "data/$f is valid JSON"
done
perl -MJSON::PP -e 'local $/; open my $f, "<", $ARGV[0]; my $j = decode_json(<$f>);
	my @i = @{$j->{items}}; print scalar(@i), " $i[0]{sha256} $i[0]{sha1} $i[0]{md5} $i[0]{exhibit} $i[0]{path} $i[0]{image_sha256} $i[0]{hashsets}[0]{set} $i[0]{hashsets}[0]{category}\n"' \
	"$B/data/hashes-flagged.json" > "$T/hf"
is "$(cat "$T/hf")" "1 $JPG_SHA256 $JPG_SHA1 $JPG_MD5 E01 img001.jpg $E01_SHA256 test-bad 1" \
	"hashes-flagged.json: the hit's hashes (coreutils), exhibit, path, image hash, set"
perl -MJSON::PP -e 'local $/; open my $f, "<", $ARGV[0]; my $j = decode_json(<$f>);
	my %t; for (@{$j->{"\@graph"}}) { $t{$_->{"\@type"}}++ }
	print join(",", map { "$_=" . ($t{$_} // 0) } qw(case-investigation:Investigation case-investigation:ProvenanceRecord case-investigation:InvestigativeAction uco-observable:Message uco-observable:Contact uco-observable:PhoneAccount uco-types:Hash)), "\n"' \
	"$B/data/case-uco.jsonld" > "$T/uco"
perl -ne 'exit 1 if /=0\b/' "$T/uco"
ok $? "case-uco.jsonld has every node type ($(cat "$T/uco"))"
grep -q "\"$JPG_SHA256\"" "$B/data/case-uco.jsonld"
ok $? "case-uco.jsonld carries the flagged file's SHA-256 as a Hash"
grep -qi 'dataPayload' "$B/data/case-uco.jsonld"
ok "$([ $? -ne 0 ]; echo $?)" "case-uco.jsonld has no dataPayload"
n_rec=$(sqlite3 "$T/case/case.db" "SELECT count(*) FROM records")
is "$(perl -MJSON::PP -e 'local $/; open my $f, "<", $ARGV[0]; print scalar @{decode_json(<$f>)->{records}}' "$B/data/findings.json")" \
	"$n_rec" "findings.json holds every record by default ($n_rec, sqlite3)"

# ---- no abuse material: no file of the bundle is or holds the JPEG ----
hit=0
for f in $(cat "$T/listed"); do
	[ "$(sha256 "$B/$f")" = "$JPG_SHA256" ] && hit=1
	case $(file -b --mime-type "$B/$f") in image/*|video/*) hit=1;; esac
done
ok $hit "no bundle file is an image or video (file(1)) or the flagged file"
LC_ALL=C grep -rqaP '\xff\xd8\xff' "$B"
ok "$([ $? -ne 0 ]; echo $?)" "no JPEG start-of-image bytes anywhere in the bundle"

# ---- report.html ----
H=$B/report/report.html
grep -qi '<script' "$H"
ok "$([ $? -ne 0 ]; echo $?)" "report.html has no <script"
grep -Eqi 'https?:' "$H"
ok "$([ $? -ne 0 ]; echo $?)" "report.html has no http:/https: URL"
grep -Eqi '<[^>]*[[:space:]](src|action|data|poster)=' "$H"
ok "$([ $? -ne 0 ]; echo $?)" "report.html loads nothing (no src=)"
grep -Pqi '<[^>]*\shref=(?!"#[a-z0-9-]+")' "$H"
ok "$([ $? -ne 0 ]; echo $?)" "report.html links only within the page (href=\"#id\")"
grep -q "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">" "$H"
ok $? "CSP meta present"
xmllint --html --noout "$H" 2>"$T/xmllint.err"
ok "$([ -s "$T/xmllint.err" ]; [ $? -ne 0 ]; echo $?)" "xmllint --html: well-formed"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=&quot;http&#58;//evil.example/x.png&quot;&gt;' "$H"
ok $? "hostile message text appears escaped"
grep -q '&lt;i&gt;note&lt;/i&gt;' "$H" && grep -q 'acquired with &lt;b&gt;tool&lt;/b&gt;' "$H"
ok $? "hostile tag note and acquisition text appear escaped"
grep -q '<html lang="nl">' "$H" && grep -q 'Forensisch rapport' "$H"
ok $? "Dutch by default"
grep -q '2024-03-14T20:07:41Z UTC &middot; 2024-03-14 21:07:41 (UTC+01:00)' "$H"
ok $? "message time in UTC and Europe/Amsterdam (CET)"
grep -q "$JPG_SHA256" "$H" && grep -q "$JPG_MD5" "$H"
ok $? "known-bad hit shown by its hashes"
grep -q 'Hoi, ben je er?' "$H"
ok $? "tagged conversation as a transcript"

# ---- English, tagged only; version 2 supersedes version 1 ----
B2=$T/bundles/b2
run_rc 0 "build again, --lang en --tagged-only" spoor-report -C "$T/case" \
	-o "$B2" "${SIGN[@]}" --recipient NL-POL-ZEDEN --lang en --tagged-only
grep -q '<html lang="en">' "$B2/report/report.html" && grep -q 'Forensic report' "$B2/report/report.html"
ok $? "English with --lang en"
is "$(sed -n 's/^bundle-version: //p' "$B2/MANIFEST")" 2 "second export is version 2"
is "$(sed -n 's/^supersedes: //p' "$B2/MANIFEST")" "$(sha256 "$B/MANIFEST")" "supersedes = sha256 of the first MANIFEST"
n_sel=$(sqlite3 "$T/case/case.db" "SELECT count(*) FROM records r WHERE r.id IN (SELECT record_id FROM tags) OR (r.rtype='message' AND EXISTS (SELECT 1 FROM tags t JOIN records m ON m.id=t.record_id WHERE m.rtype='message' AND json_extract(m.json,'\$.chat_id')=json_extract(r.json,'\$.chat_id')))")
is "$(perl -MJSON::PP -e 'local $/; open my $f, "<", $ARGV[0]; print scalar @{decode_json(<$f>)->{records}}' "$B2/data/findings.json")" \
	"$n_sel" "--tagged-only: tagged records + their conversations ($n_sel, sqlite3)"
openssl cms -verify -binary -inform DER -in "$B2/MANIFEST.p7s" \
	-content "$B2/MANIFEST" -CAfile "$P/root.crt" -purpose any -cades \
	-out /dev/null 2>/dev/null
ok $? "openssl accepts the second bundle too"
is "$(sqlite3 "$T/case/case.db" "SELECT group_concat(bundle_version) FROM exports")" "1,2" "exports table records both versions"

# ---- refusals leave nothing behind ----
lines=$(wc -l < "$T/case/custody.log")
run_rc 4 "an existing bundle is refused" spoor-report -C "$T/case" -o "$B" \
	"${SIGN[@]}" --recipient NL-POL-ZEDEN
is "$(wc -l < "$T/case/custody.log")" "$lines" "refusal appends no custody event"
printf 'wrong\n' > "$T/wrong.txt"
run_rc 3 "a wrong passphrase fails before anything is written" spoor-report \
	-C "$T/case" -o "$T/bundles/b3" --key "$P/examiner.enc.key" \
	--passphrase-file "$T/wrong.txt" --cert "$P/examiner.crt" \
	--recipient NL-POL-ZEDEN
ok "$([ ! -e "$T/bundles/b3" ] && [ "$(ls "$T/bundles" | wc -l)" = 2 ]; echo $?)" "no half bundle, no temp dir"
is "$(wc -l < "$T/case/custody.log")" "$lines" "no custody event for the failed run"
run_rc 2 "missing --recipient is a usage error" spoor-report -C "$T/case" \
	-o "$T/bundles/b4" "${SIGN[@]}"

# ---- the libmagic gate ----
cp -a "$B" "$T/planted"
cp "$EVID/files/img001.jpg" "$T/planted/data/extra.json"
run_rc 1 "check refuses a planted JPEG (named .json)" spoor-report check "$T/planted"
grep -q "data/extra.json.*image/jpeg" "$T/out"
ok $? "the refusal names the file and its type"
run_rc 0 "check accepts the bundle as made" spoor-report check "$B"

# ---- CRLs (--crl), made by `openssl ca -gencrl` as the oracle ----
C=$T/crlca
mkdir -p "$C" "$T/crlb"
: > "$C/index.txt"
echo 01 > "$C/crlnumber"
cat > "$C/ca.cnf" <<EOC
[ca]
default_ca = ica
[ica]
database = $C/index.txt
crlnumber = $C/crlnumber
certificate = $P/ca.crt
private_key = $P/ca.key
default_md = sha256
default_crl_days = 30
[crl_ext]
authorityKeyIdentifier = keyid:always
EOC
openssl ca -config "$C/ca.cnf" -gencrl -crlexts crl_ext -out "$C/empty.crl" \
	-batch >/dev/null 2>&1
openssl crl -in "$C/empty.crl" -outform DER -out "$C/empty.der"
openssl ca -config "$C/ca.cnf" -revoke "$P/examiner.crt" -crl_reason \
	keyCompromise -batch >/dev/null 2>&1
openssl ca -config "$C/ca.cnf" -gencrl -crlexts crl_ext \
	-out "$C/revoked.crl" -batch >/dev/null 2>&1
openssl crl -in "$C/revoked.crl" -noout -text | grep -q 'Key Compromise'
ok $? "oracle: openssl ca revoked the examiner certificate"
VFY=(--trust "$P/root.crt" --org "Test NGO" --recipient NL-POL-ZEDEN)

run_rc 0 "build without --crl" spoor-report -C "$T/case" -o "$T/crlb/none" \
	"${SIGN[@]}" --recipient NL-POL-ZEDEN
run_rc 0 "spoor-verify: a bundle without CRL" spoor-verify "$T/crlb/none" "${VFY[@]}"
grep -q 'no revocation data' "$T/out"
ok $? "without a CRL spoor-verify warns 'no revocation data'"

run_rc 0 "build with --crl (PEM) --crl (DER)" spoor-report -C "$T/case" \
	-o "$T/crlb/good" "${SIGN[@]}" --recipient NL-POL-ZEDEN \
	--crl "$C/empty.crl" --crl "$C/empty.der"
cmp -s "$C/empty.crl" "$T/crlb/good/certs/crl/1.crl" &&
	cmp -s "$C/empty.der" "$T/crlb/good/certs/crl/2.crl"
ok $? "the CRLs are copied as given to certs/crl/1.crl and 2.crl"
sed '1,/^$/d' "$T/crlb/good/MANIFEST" | grep -c ' certs/crl/[12]\.crl$' > "$T/n"
is "$(cat "$T/n")" 2 "MANIFEST lists both CRLs"
is "$(sed '1,/^$/d' "$T/crlb/good/MANIFEST" | awk '$3 == "certs/crl/2.crl" { print $1 }')" \
	"$(sha256 "$C/empty.der")" "the DER CRL's manifest line matches sha256sum"
openssl crl -inform DER -in "$T/crlb/good/certs/crl/2.crl" -noout \
	-CAfile "$P/ca.crt" 2>&1 | grep -q 'verify OK'
ok $? "openssl crl: the bundle's CRL verifies to the issuing CA"
run_rc 0 "spoor-verify: the bundle with CRLs" spoor-verify "$T/crlb/good" "${VFY[@]}"
grep -q 'no revocation data' "$T/out"
ok "$([ $? -ne 0 ]; echo $?)" "with the CA's CRL no 'no revocation data' warning"
grep -q '^VALID' "$T/out"
ok $? "and the verdict is VALID or VALID-WITH-WARNINGS"
run_rc 0 "check accepts a bundle with a DER CRL" spoor-report check "$T/crlb/good"

run_rc 0 "build with a CRL that revokes the signer" spoor-report -C "$T/case" \
	-o "$T/crlb/revoked" "${SIGN[@]}" --recipient NL-POL-ZEDEN \
	--crl "$C/revoked.crl"
run_rc 1 "spoor-verify: signer revoked in the bundle's CRL" \
	spoor-verify "$T/crlb/revoked" "${VFY[@]}"
grep -q '^INVALID' "$T/out" && grep -q 'revoked' "$T/out"
ok $? "INVALID, and the reason says revoked"

run_rc 3 "--crl with a file that is no CRL is refused" spoor-report \
	-C "$T/case" -o "$T/crlb/bad" "${SIGN[@]}" --recipient NL-POL-ZEDEN \
	--crl "$P/ca.crt"
ok "$([ ! -e "$T/crlb/bad" ]; echo $?)" "and no bundle is left"

# ---- nothing else changed ----
is "$(sum_tree "$EVID" | sha256sum)" "$ev_before" "evidence unchanged (sha256sum of every file)"
is "$(db_dump)" "$db_before" "case.db tables unchanged (only exports added)"

# ---- headless Chromium: renders, and asks the network for nothing ----
# Chromium's own background services (updater, sign-in, network time)
# call out whatever the flags say; a page's requests are the ones whose
# network isolation key has the file:// page as top frame
# ("_dk_file:// file:// URL").  A control page with a remote <img> proves
# the net log shows such a request.
chrome_run() { # HTML-FILE PNG NETLOG
	rm -rf "$T/chrome"
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--user-data-dir="$T/chrome" --no-first-run \
		--disable-background-networking --disable-component-update \
		--host-resolver-rules="MAP * ~NOTFOUND" --proxy-server=127.0.0.1:9 \
		--log-net-log="$3" --net-log-capture-mode=Default \
		--screenshot="$2" --window-size=1200,2000 \
		"file://$1" >/dev/null 2>&1
}
page_urls() { # NETLOG: the page's own requests for anything not a file
	perl -ne 'while (/"key":"[^"]*_dk_file:\/\/ file:\/\/ ([^"]+)"/g) { print "$1\n" }' "$1" \
		| grep -v '^file:' | sort -u
}
if command -v chromium >/dev/null 2>&1; then
	printf '<!DOCTYPE html><html><body><img src="http://spoor-canary.invalid/x.png"></body></html>\n' > "$T/control.html"
	chrome_run "$T/control.html" "$T/control.png" "$T/control.json"
	page_urls "$T/control.json" | grep -q 'spoor-canary.invalid'
	ok $? "control: the net log shows a page's remote request"
	chrome_run "$H" "$T/shot.png" "$T/net.json"
	[ "$(head -c 8 "$T/shot.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
	ok $? "chromium screenshot is a PNG"
	page_urls "$T/net.json" > "$T/net.urls"
	[ -s "$T/net.json" ] && [ ! -s "$T/net.urls" ]
	ok $? "report.html: chromium asked the network for nothing"
	head -5 "$T/net.urls" | sed 's/^/#   /'
else
	skip "chromium not installed"
	skip "chromium not installed"
	skip "chromium not installed"
fi
done_testing
