#!/bin/bash
# t-verify: spoor-verify on bundles made by testdata/mkbundle.sh (openssl
# CLI + sha256sum, independent of libspoor): the good bundle is VALID, every
# tampered one INVALID with the right reason.
. "$(dirname "$0")/lib.sh"

command -v openssl >/dev/null || skip_all "no openssl"
MK=$SPOOR_SRC/testdata/mkbundle.sh
bash "$MK" "$T/fx" >/dev/null 2>&1 || { echo "1..1"; ok 1 "mkbundle.sh"; exit 1; }
. "$T/fx/ids"
P=$T/fx/pki
ARGS=(--trust "$P/root.crt" --recipient "$RECIPIENT" --org "$ORG")

# fresh copy of the good v1 bundle with a timestamp, in $T/b
fresh() {
	rm -rf "$T/b"
	cp -a "$T/fx/${1:-v1}" "$T/b"
	bash "$MK" tsr "$P" "$T/b"
}
# resign: rewrite the MANIFEST entries over what is there now and sign
resign() {
	bash "$MK" manifest "$T/b" "${2:-$T/fx/v1.hdr}"
	bash "$MK" sign "$P" "$T/b" "${1:-examiner}"
	rm -f "$T/b/MANIFEST.p7s.tsr"
}
# invalid DESC CODE [extra args]: INVALID, exit 1, "error: CODE:" shown
invalid() {
	local desc=$1 code=$2
	shift 2
	run_rc 1 "$desc: INVALID" spoor-verify "$T/b" "${ARGS[@]}" \
		--tsa-trust "$P/root.crt" "$@"
	head -n1 "$T/out" | grep -qx INVALID
	ok $? "$desc: prints INVALID"
	grep -q "^error: $code: " "$T/out"
	ok $? "$desc: reason '$code'"
	if ! grep -q "^error: $code: " "$T/out"; then
		sed 's/^/#   /' "$T/out" | head -5
	fi
}

# ---- the good bundle ----
fresh
before=$(cd "$T/b" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
run_rc 0 "good bundle with timestamp" spoor-verify "$T/b" "${ARGS[@]}" \
	--tsa-trust "$P/root.crt"
is "$(head -n1 "$T/out")" VALID "good bundle: VALID"
is "$(sed -n 's/^case-id: //p' "$T/out")" "$CASE_ID" "case-id shown"
is "$(sed -n 's/^bundle-id: //p' "$T/out")" "$BUNDLE_ID" "bundle-id shown"
grep -q '^signer: .*CN=Eva de Vries' "$T/out"
ok $? "signer shown"
is "$(sed -n 's/^signer-sha256: //p' "$T/out")" \
	"$(openssl x509 -in "$P/examiner.crt" -outform DER | sha256sum | cut -c1-64)" \
	"signer fingerprint matches openssl"
tsa=$(openssl ts -reply -in "$T/b/MANIFEST.p7s.tsr" -text 2>/dev/null |
	sed -n 's/^Time stamp: //p')
is "$(sed -n 's/^tsa-time: //p' "$T/out")" \
	"$(date -u -d "$tsa" +%Y-%m-%dT%H:%M:%SZ)" "tsa-time is the TSR genTime"
after=$(cd "$T/b" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
is "$after" "$before" "the bundle is not modified by verification"

run_rc 0 "json" spoor-verify "$T/b" "${ARGS[@]}" --tsa-trust "$P/root.crt" \
	--json
is "$(perl -MJSON::PP -0777 -ne 'my $j = decode_json($_);
	print $j->{verdict}, " ", $j->{facts}{"case-id"}, " ",
	scalar @{$j->{reasons}}' "$T/out")" "VALID $CASE_ID 0" \
	"--json: verdict, facts, no reasons (JSON::PP)"

# a bundle path that is not UTF-8 (a 0xff byte): still valid JSON, the
# path's bytes in bundle_hex
ffdir=$T/$(printf 'b\377dir')
cp -a "$T/b" "$ffdir"
run_rc 0 "json, a path with a 0xff byte" spoor-verify "$ffdir" "${ARGS[@]}" \
	--tsa-trust "$P/root.crt" --json
is "$(D=$ffdir perl -MJSON::PP -0777 -ne '
	my $j = JSON::PP->new->utf8->decode($_);
	print $j->{verdict}, " ", pack("H*", $j->{bundle_hex}) eq $ENV{D}
	? "bytes-kept" : "bytes-lost"' "$T/out" 2>&1)" \
	"VALID bytes-kept" "--json with a 0xff in the path: valid JSON (JSON::PP), bundle_hex holds the path's bytes"
rm -rf "$ffdir"

rm -f "$T/b/MANIFEST.p7s.tsr"
run_rc 0 "no timestamp" spoor-verify "$T/b" "${ARGS[@]}"
is "$(head -n1 "$T/out")" VALID-WITH-WARNINGS "no timestamp: VALID-WITH-WARNINGS"
grep -q '^warning: time: no trusted time' "$T/out"
ok $? "no timestamp: warns 'no trusted time'"

# ---- pinned by fingerprint: the root travels in the signature ----
fresh
cat "$P/ica.crt" "$P/root.crt" > "$T/chain.pem"
openssl cms -sign -binary -nosmimecap -cades -md sha256 -in "$T/b/MANIFEST" \
	-signer "$P/examiner.crt" -inkey "$P/examiner.key" \
	-certfile "$T/chain.pem" -outform DER -out "$T/b/MANIFEST.p7s"
rm -f "$T/b/MANIFEST.p7s.tsr"
run_rc 0 "--trust-fingerprint" spoor-verify "$T/b" --trust-fingerprint \
	"$ROOT_FPR" --recipient "$RECIPIENT" --org "$ORG"
run_rc 1 "--trust-fingerprint of another root" spoor-verify "$T/b" \
	--trust-fingerprint "$(openssl x509 -in "$P/rogue.crt" -outform DER |
	sha256sum | cut -c1-64)"
grep -q '^error: trust: ' "$T/out"
ok $? "another fingerprint: reason 'trust'"

# ---- files ----
fresh; printf 'X' | dd of="$T/b/data/blob.bin" bs=1 seek=100 conv=notrunc 2>/dev/null
invalid "one byte changed in a data file" hash
fresh; echo >> "$T/b/report/report.html"
invalid "a data file grew" size
fresh; echo '<p>VERIFIED</p>' > "$T/b/report/verified.html"
invalid "an extra file" extra
fresh; rm "$T/b/data/case-uco.jsonld"
invalid "a removed file" missing
fresh; mv "$T/b/data/findings.json" "$T/b/data/findings2.json"
invalid "a renamed file" missing
grep -q "^error: extra: 'data/findings2.json'" "$T/out"
ok $? "a renamed file: also reported as extra"
fresh; rm "$T/b/data/findings.json"; ln -s ../readme.txt "$T/b/data/findings.json"
invalid "a symlink swapped in" special
fresh; mkdir "$T/b/data/x"; ln -s /etc "$T/b/data/x/etc"
invalid "a symlink to a directory" special
fresh; echo x > "$T/b/MANIFEST.bak"
invalid "an unlisted MANIFEST.bak" extra
fresh; mkfifo "$T/b/data/fifo"
invalid "a FIFO" special

# ---- manifest grammar (re-signed by the real examiner) ----
fresh
{ head -n 14 "$T/b/MANIFEST"; tail -n +15 "$T/b/MANIFEST" |
	sed 's| readme.txt$| ../readme.txt|'; } > "$T/m" && mv "$T/m" "$T/b/MANIFEST"
bash "$MK" sign "$P" "$T/b" examiner; rm -f "$T/b/MANIFEST.p7s.tsr"
invalid "a signed manifest with '..'" manifest
fresh
sed -i 's/^hash: sha256$/hash: sha256 /' "$T/b/MANIFEST"
bash "$MK" sign "$P" "$T/b" examiner; rm -f "$T/b/MANIFEST.p7s.tsr"
invalid "a signed manifest with a trailing space" manifest
fresh
sed -i 's/$/\r/' "$T/b/MANIFEST"
bash "$MK" sign "$P" "$T/b" examiner; rm -f "$T/b/MANIFEST.p7s.tsr"
invalid "a signed manifest with CRLF" manifest
fresh
{ head -n 14 "$T/b/MANIFEST"; tail -n +15 "$T/b/MANIFEST" | sort -r; } > "$T/m"
mv "$T/m" "$T/b/MANIFEST"
bash "$MK" sign "$P" "$T/b" examiner; rm -f "$T/b/MANIFEST.p7s.tsr"
invalid "a signed manifest out of order" manifest

# ---- signature and signer ----
fresh; printf '\n' >> "$T/b/MANIFEST"
invalid "MANIFEST changed after signing" signature
grep -q '^case-id:' "$T/out"
is "$?" 1 "nothing from the manifest shown before the signature verifies"
fresh; bash "$MK" sign "$P" "$T/b" rogueex; rm -f "$T/b/MANIFEST.p7s.tsr"
invalid "re-signed by a rogue CA with identical DNs" chain
fresh; bash "$MK" sign "$P" "$T/b" expired; rm -f "$T/b/MANIFEST.p7s.tsr"
invalid "an expired certificate" chain
grep -q 'certificate has expired' "$T/out"
ok $? "expired: says so"
fresh; bash "$MK" sign "$P" "$T/b" noeku; rm -f "$T/b/MANIFEST.p7s.tsr"
invalid "a certificate without documentSigning" eku
fresh; bash "$MK" sign "$P" "$T/b" examiner2; rm -f "$T/b/MANIFEST.p7s.tsr"
invalid "a revoked certificate (CRL in certs/crl)" revoked
fresh; bash "$MK" sign "$P" "$T/b" otherorg; rm -f "$T/b/MANIFEST.p7s.tsr"
invalid "another organisation" org
fresh
openssl cms -sign -binary -nosmimecap -cades -md sha1 -in "$T/b/MANIFEST" \
	-signer "$P/examiner.crt" -inkey "$P/examiner.key" \
	-certfile "$P/ica.crt" -outform DER -out "$T/b/MANIFEST.p7s" 2>/dev/null
rm -f "$T/b/MANIFEST.p7s.tsr"
invalid "a SHA-1 signature" algorithm
# an empty digestAlgorithms SET: OpenSSL 3.0's CMS_verify fails in
# CMS_dataInit and leaks a BIO of its own there (tests/lsan.supp); the
# slow unwinder sees through libcrypto to the CMS_verify frame that the
# suppression names
fresh
python3 "$SPOOR_SRC/testdata/cms-empty-digalgs.py" "$T/b/MANIFEST.p7s" \
	"$T/e.p7s" && mv "$T/e.p7s" "$T/b/MANIFEST.p7s"
rm -f "$T/b/MANIFEST.p7s.tsr"
openssl cms -cmsout -print -inform DER -in "$T/b/MANIFEST.p7s" |
	grep -A1 'digestAlgorithms:' | grep -q '<EMPTY>'
ok $? "the signature's digestAlgorithms is empty (openssl cms -cmsout)"
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0" \
	invalid "a signature with empty digestAlgorithms" signature
fresh
openssl cms -sign -binary -nosmimecap -md sha256 -in "$T/b/MANIFEST" \
	-signer "$P/examiner.crt" -inkey "$P/examiner.key" \
	-certfile "$P/ica.crt" -outform DER -out "$T/b/MANIFEST.p7s"
rm -f "$T/b/MANIFEST.p7s.tsr"
invalid "a signature without CAdES signingCertificateV2" cms
fresh
bash "$MK" tsr "$P" "$T/fx/v2"; cp "$T/fx/v2/MANIFEST.p7s.tsr" "$T/b/"
rm "$T/fx/v2/MANIFEST.p7s.tsr"
invalid "a timestamp over another signature" timestamp
fresh
invalid "a timestamp from an untrusted TSA" timestamp --tsa-trust "$P/rogue.crt"
fresh
run_rc 1 "wrong recipient" spoor-verify "$T/b" --trust "$P/root.crt" \
	--recipient nl-pol-west
grep -q "^error: recipient: " "$T/out"
ok $? "wrong recipient: reason 'recipient'"

# ---- custody (re-signed, so only the custody rule can catch it) ----
fresh; sed -i '2s/"analysed"/"accessed"/' "$T/b/custody/custody.log"
resign
invalid "an edited custody line" custody
fresh; sed -i '2d' "$T/b/custody/custody.log"
resign
invalid "a deleted custody line" custody
fresh; sed -i '$d' "$T/b/custody/custody.log"
resign
invalid "a truncated custody log (head mismatch)" custody

# ---- content policy ----
fresh; printf '\377\330\377\340\000\020JFIF\000\001\001\000\000\001\000\001\000\000' \
	> "$T/b/data/photo.bin"; head -c 2000 /dev/zero >> "$T/b/data/photo.bin"
resign
invalid "a JPEG in a hash-only bundle" content-policy
fresh; mkdir "$T/b/sealed"; echo sealed > "$T/b/sealed/x.p7m"
resign
invalid "sealed/ in a hash-only bundle" content-policy

# ---- registry: replay, rollback, equivocation, custody prefix ----
R=$T/registry
run_rc 0 "registry: v1 recorded" spoor-verify "$T/fx/v1" "${ARGS[@]}" \
	--registry "$R"
run_rc 0 "registry: v2 extends v1" spoor-verify "$T/fx/v2" "${ARGS[@]}" \
	--registry "$R"
is "$(wc -l < "$R")" 3 "registry: header + two versions"
run_rc 1 "registry: replayed v1 after v2" spoor-verify "$T/fx/v1" \
	"${ARGS[@]}" --registry "$R"
grep -q '^error: superseded: ' "$T/out"
ok $? "replayed older version: reason 'superseded'"
run_rc 0 "registry: v2 again is fine" spoor-verify "$T/fx/v2" "${ARGS[@]}" \
	--registry "$R"
fresh v2; echo "changed" >> "$T/b/readme.txt"; resign examiner "$T/fx/v2.hdr"
run_rc 1 "registry: another v2 with the same id" spoor-verify "$T/b" \
	"${ARGS[@]}" --registry "$R"
grep -q '^error: equivocation: ' "$T/out"
ok $? "same id and version, other manifest: reason 'equivocation'"
# a v2 whose custody log does not extend v1's (fresh registry with v1)
R2=$T/registry2
spoor-verify "$T/fx/v1" "${ARGS[@]}" --registry "$R2" >/dev/null
fresh v2
sed -i '1s/"analysed"/"received"/' "$T/b/custody/custody.log"
# rebuild the chain over the edited first line (an independent rewrite)
genesis=$(printf 'custody-v1\0%s' "$CASE_ID" | sha256sum | cut -c1-64)
prev=$genesis; : > "$T/log"
while IFS=$'\t' read -r seq _ json; do
	line=$(printf '%s\t%s\t%s' "$seq" "$prev" "$json")
	printf '%s\n' "$line" >> "$T/log"
	prev=$(printf '%s' "$line" | sha256sum | cut -c1-64)
done < "$T/b/custody/custody.log"
cp "$T/log" "$T/b/custody/custody.log"
sed "s/^custody-head: .*/custody-head: $prev/" "$T/fx/v2.hdr" > "$T/v2b.hdr"
resign examiner "$T/v2b.hdr"
run_rc 0 "rewritten history alone is internally consistent" spoor-verify \
	"$T/b" "${ARGS[@]}"
run_rc 1 "registry: v2 with rewritten history" spoor-verify "$T/b" \
	"${ARGS[@]}" --registry "$R2"
grep -q '^error: custody: custody log does not extend' "$T/out"
ok $? "rewritten history: reason 'custody' (prefix check)"

# ---- registry per case: every export has its own bundle-id ----
# spoor-report gives each export a new bundle-id; the versions of one
# case are tied by case-id, recipient, bundle-version and supersedes.
# ex DIR BASE VERSION SUPERSEDES [RECIPIENT]: a copy of fx/BASE under a
# fresh bundle-id (uuidgen-free: a fixed v4 id per DIR), re-signed, with
# a timestamp
ex() {
	local d=$T/$1 base=$2 ver=$3 sup=$4 rcp=${5:-$RECIPIENT} id
	id=$(printf '%s' "$1" | sha256sum |
		sed 's/^\(.\{8\}\)\(.\{4\}\).\(.\{3\}\).\(.\{3\}\)\(.\{12\}\).*/\1-\2-4\3-a\4-\5/')
	rm -rf "$d"; cp -a "$T/fx/$base" "$d"
	sed -e "s/^bundle-id: .*/bundle-id: $id/" \
		-e "s/^bundle-version: .*/bundle-version: $ver/" \
		-e "s/^supersedes: .*/supersedes: $sup/" \
		-e "s/^recipient: .*/recipient: $rcp/" \
		"$T/fx/$base.hdr" > "$d.hdr"
	bash "$MK" manifest "$d" "$d.hdr"
	bash "$MK" sign "$P" "$d" examiner
	bash "$MK" tsr "$P" "$d"
}
msha() { sha256sum < "$T/$1/MANIFEST" | cut -c1-64; }
VARGS=("${ARGS[@]}" --tsa-trust "$P/root.crt")
ex e1 v1 1 -
ex e2 v2 2 "$(msha e1)"
ex e3 v2 3 "$(msha e2)"		# same files as v2: its log extends v2's
ex e3b v2 3 "$(msha e2)"; echo x >> "$T/e3b/readme.txt"
bash "$MK" manifest "$T/e3b" "$T/e3b.hdr"; bash "$MK" sign "$P" "$T/e3b" examiner
bash "$MK" tsr "$P" "$T/e3b"
ex e3c v2 3 "$(msha e1)"	# skips the v2 seen here: a fork
R3=$T/registry3
run_rc 0 "per case: v1 (its own bundle-id)" spoor-verify "$T/e1" \
	"${VARGS[@]}" --registry "$R3"
is "$(head -n1 "$T/out")" VALID "per case: v1 VALID"
run_rc 0 "per case: v2 (another bundle-id) supersedes v1" spoor-verify \
	"$T/e2" "${VARGS[@]}" --registry "$R3"
is "$(head -n1 "$T/out")" VALID \
	"per case: a correct v1 -> v2 chain is VALID, no warning"
run_rc 0 "per case: v3" spoor-verify "$T/e3" "${VARGS[@]}" --registry "$R3"
is "$(head -n1 "$T/out")" VALID "per case: v1 -> v2 -> v3 VALID"
run_rc 1 "per case: v2 after v3 (a rollback)" spoor-verify "$T/e2" \
	"${VARGS[@]}" --registry "$R3"
grep -q "^error: superseded: bundle version 2 of case '$CASE_ID' is older than version 3" "$T/out"
ok $? "rollback: reason 'superseded', the versions named"
run_rc 1 "per case: v1 after v3" spoor-verify "$T/e1" "${VARGS[@]}" \
	--registry "$R3"
run_rc 1 "per case: another v3 (other manifest)" spoor-verify "$T/e3b" \
	"${VARGS[@]}" --registry "$R3"
grep -q "^error: equivocation: version 3 of case '$CASE_ID'" "$T/out"
ok $? "two different version 3: reason 'equivocation'"
run_rc 0 "per case: v3 again (the same manifest)" spoor-verify "$T/e3" \
	"${VARGS[@]}" --registry "$R3"
is "$(head -n1 "$T/out")" VALID "re-verifying the newest version: VALID"
is "$(grep -c . "$R3")" 4 "registry: header + three versions, none twice"
is "$(tail -n +2 "$R3" | cut -f1,2,4 | tr '\t\n' ' ;')" \
	"$CASE_ID $RECIPIENT 1;$CASE_ID $RECIPIENT 2;$CASE_ID $RECIPIENT 3;" \
	"registry lines: case-id, recipient, version"
R4=$T/registry4
spoor-verify "$T/e1" "${VARGS[@]}" --registry "$R4" > /dev/null
spoor-verify "$T/e2" "${VARGS[@]}" --registry "$R4" > /dev/null
run_rc 1 "a v3 that supersedes v1 while v2 was seen (a fork)" \
	spoor-verify "$T/e3c" "${VARGS[@]}" --registry "$R4"
grep -q '^error: supersedes: ' "$T/out"
ok $? "fork: reason 'supersedes'"
R5=$T/registry5
run_rc 0 "first sight of a case at v2" spoor-verify "$T/e2" "${VARGS[@]}" \
	--registry "$R5"
grep -q "^warning: supersedes: .*not verified here" "$T/out"
ok $? "first sight at v2: warns that v1 was not verified here"
# another recipient of the same case is another chain
ex o1 v1 1 - other-unit
run_rc 0 "the same case for another unit: not a rollback" spoor-verify \
	"$T/o1" --trust "$P/root.crt" --tsa-trust "$P/root.crt" \
	--org "$ORG" --recipient other-unit --registry "$R3"
is "$(head -n1 "$T/out")" VALID "another unit's v1 after our v3: VALID"

# ---- inputs that cannot be read: exit 3, the cause, no verdict ----
nover() { # DESC WANT-IN-STDERR ARGS...
	local desc=$1 want=$2
	shift 2
	run_rc 3 "$desc: exit 3" spoor-verify "$@"
	[ ! -s "$T/out" ]
	ok $? "$desc: no verdict printed"
	grep -q -- "$want" "$T/err"
	ok $? "$desc: says why"
	grep -q -- "$want" "$T/err" || sed 's/^/#   /' "$T/err" | head -3
}
nover "a bundle that does not exist" \
	"cannot open '$T/nonexistent': No such file or directory" \
	"$T/nonexistent" "${ARGS[@]}"
nover "--trust that does not exist" \
	"cannot read --trust '$T/nonexistent.pem': No such file" \
	"$T/fx/v1" --trust "$T/nonexistent.pem"
nover "--trust without a certificate" \
	"--trust '$T/fx/v1/readme.txt' holds no PEM certificate" \
	"$T/fx/v1" --trust "$T/fx/v1/readme.txt"
nover "--tsa-trust that does not exist" "cannot read --tsa-trust" \
	"$T/fx/v1" "${ARGS[@]}" --tsa-trust "$T/nonexistent.pem"
nover "--crl that does not exist" "cannot read --crl" \
	"$T/fx/v1" "${ARGS[@]}" --crl "$T/nonexistent.crl"
nover "--disclosure that does not exist" "cannot read the disclosure" \
	"$T/fx/v1" "${ARGS[@]}" --disclosure "$T/nonexistent.txt"
mkdir "$T/regdir"
nover "--registry that is a directory" "cannot open the registry" \
	"$T/fx/v1" "${ARGS[@]}" --registry "$T/regdir"
printf 'spoor-verify-registry 1\n%s 1 %s %s 3\n' "$BUNDLE_ID" \
	"$(msha e1)" "$(msha e1)" > "$T/reg1"
nover "a registry of format 1" "registry '$T/reg1' is of format 1" \
	"$T/fx/v1" "${ARGS[@]}" --registry "$T/reg1"
printf 'spoor-verify-registry 2\nnot a line\n' > "$T/regbad"
nover "a malformed registry" "registry '$T/regbad' line 2 is malformed" \
	"$T/fx/v1" "${ARGS[@]}" --registry "$T/regbad"
is "$(cat "$T/regbad")" "spoor-verify-registry 2
not a line" "the malformed registry is left as it was"

# ---- root fingerprints as people pass them on ----
fresh
cat "$P/ica.crt" "$P/root.crt" > "$T/chain.pem"
openssl cms -sign -binary -nosmimecap -cades -md sha256 -in "$T/b/MANIFEST" \
	-signer "$P/examiner.crt" -inkey "$P/examiner.key" \
	-certfile "$T/chain.pem" -outform DER -out "$T/b/MANIFEST.p7s"
rm -f "$T/b/MANIFEST.p7s.tsr"
grouped=$(spoor-key fingerprint "$P/root.crt" | sed -n 2p)
colon=$(openssl x509 -in "$P/root.crt" -noout -fingerprint -sha256)
is "$(printf '%s' "$grouped" | tr -d ' ' | tr A-F a-f)" "$ROOT_FPR" \
	"spoor-key's grouped form is the root's SHA-256 (openssl)"
for form in "$grouped" "${colon#*=}" "$colon" \
	"$(printf '%s' "$ROOT_FPR" | tr a-f A-F)"; do
	run_rc 0 "--trust-fingerprint '$form'" spoor-verify "$T/b" \
		--trust-fingerprint "$form" --recipient "$RECIPIENT" --org "$ORG"
done
run_rc 2 "a fingerprint one digit short" spoor-verify "$T/b" \
	--trust-fingerprint "${grouped%?}"
grep -qF "bad root fingerprint '${grouped%?}': fewer than 64 hex digits" \
	"$T/err"
ok $? "... the error shows the whole input ($((${#grouped} - 1)) characters)"
run_rc 2 "a fingerprint with a letter O for a zero" spoor-verify "$T/b" \
	--trust-fingerprint "${colon#*=}O"
grep -qF "'${colon#*=}O': a character other than" "$T/err"
ok $? "... the error shows the whole input"

# ---- extract ----
fresh
run_rc 0 "extract" spoor-verify "$T/b" "${ARGS[@]}" --tsa-trust \
	"$P/root.crt" --extract "$T/x"
(cd "$T/x" && tail -n +15 "$T/b/MANIFEST" | awk '{ print $1 "  " $3 }' |
	sha256sum -c --quiet) >/dev/null 2>&1
ok $? "extract: every file matches the manifest (sha256sum -c)"
is "$(cd "$T/x" && find . -type f | wc -l)" "$(tail -n +15 "$T/b/MANIFEST" | wc -l)" \
	"extract: only the listed files"
run_rc 4 "extract into a non-empty dir" spoor-verify "$T/b" "${ARGS[@]}" \
	--extract "$T/x"
printf 'X' | dd of="$T/b/data/blob.bin" bs=1 seek=5 conv=notrunc 2>/dev/null
run_rc 1 "extract after INVALID" spoor-verify "$T/b" "${ARGS[@]}" \
	--extract "$T/y"
test ! -e "$T/y"
ok $? "extract after INVALID: nothing written"

# ---- disclosure statements (the format of spoor-report(1)) ----
PS=RPT-K7QX2MZP4VNB6WJD3HTF5RYC
IDN='tel:+31612345678'
RR=$(printf 'randomness' | sha256sum | cut -c1-64)
CM=$(printf 'commit-v1\0%s\0%s\0%s' "$PS" "$IDN" "$RR" | sha256sum | cut -c1-64)
fresh
printf '{"case":"%s","pseudonyms":[{"role":"reporter","pseudonym":"%s","commitment":"%s"}]}\n' \
	"$CASE_ID" "$PS" "$CM" > "$T/b/data/findings.json"
resign
disclose() { # ID-NORM SIGNER [BUNDLE-ID]
	printf 'FORENSIC-DISCLOSURE 1\nbundle-id: %s\ncase-id: %s\npseudonym: %s\nid-norm: %s\nr: %s\ncommitment: %s\nconsent-ref: SVK-C-17\nconsent-date: 2025-07-01\ncreated: 2025-07-02T09:00:00Z\n' \
		"${3:-$BUNDLE_ID}" "$CASE_ID" "$PS" "$1" "$RR" "$CM" > "$T/disc.txt"
	local chain=$P/ica.crt
	case $2 in rogue*) chain=$P/rogue.crt ;; esac
	openssl cms -sign -binary -nosmimecap -cades -md sha256 \
		-in "$T/disc.txt" -signer "$P/$2.crt" -inkey "$P/$2.key" \
		-certfile "$chain" -outform DER -out "$T/disc.txt.p7s"
}
disclose "$IDN" examiner
run_rc 0 "disclosure: a genuine statement" spoor-verify "$T/b" "${ARGS[@]}" \
	--disclosure "$T/disc.txt.p7s"
is "$(sed -n 's/^disclosed-id: //p' "$T/out")" "$IDN" "disclosure: identifier shown"
disclose "tel:+31687654321" examiner
run_rc 1 "disclosure: another identifier (forged)" spoor-verify "$T/b" \
	"${ARGS[@]}" --disclosure "$T/disc.txt"
grep -q '^error: disclosure: commitment does not recompute' "$T/out"
ok $? "forged disclosure: reason 'disclosure'"
disclose "$IDN" rogueex
run_rc 1 "disclosure: signed under a rogue CA" spoor-verify "$T/b" \
	"${ARGS[@]}" --disclosure "$T/disc.txt"
grep -q '^error: disclosure: signature: chain' "$T/out"
ok $? "rogue disclosure: reason 'disclosure' (chain)"
disclose "$IDN" examiner 0b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8
run_rc 1 "disclosure: for another bundle" spoor-verify "$T/b" "${ARGS[@]}" \
	--disclosure "$T/disc.txt"

# ---- a sample of byte flips through the CLI (the library sweep does more) ----
fresh
files=(MANIFEST MANIFEST.p7s MANIFEST.p7s.tsr data/findings.json custody/custody.log)
bad=0
for i in $(seq 0 24); do
	f=${files[$((i % 5))]}
	size=$(stat -c %s "$T/b/$f")
	off=$(( (i * 7919) % size ))
	cp "$T/b/$f" "$T/orig"
	perl -e 'open my $h, "+<", $ARGV[0] or die; seek $h, $ARGV[1], 0;
		read $h, my $c, 1; seek $h, $ARGV[1], 0;
		print $h chr(ord($c) ^ 0x10)' "$T/b/$f" "$off"
	spoor-verify "$T/b" "${ARGS[@]}" --tsa-trust "$P/root.crt" -q > "$T/out"
	rc=$?
	[ "$rc" = 1 ] && [ "$(cat "$T/out")" = INVALID ] || {
		bad=$((bad + 1)); diag "not INVALID: $f byte $off"; }
	cp "$T/orig" "$T/b/$f"
done
is "$bad" 0 "25 CLI byte flips: all INVALID"

# ---- usage ----
run_rc 2 "no trust anchor" spoor-verify "$T/b"
run_rc 2 "both trust anchors" spoor-verify "$T/b" --trust "$P/root.crt" \
	--trust-fingerprint "$ROOT_FPR"
run_rc 1 "not a directory" spoor-verify "$T/b/readme.txt" --trust "$P/root.crt"
spoor-verify "$T/fx/v1" "${ARGS[@]}" > /dev/full 2>/dev/null
is "$?" 4 "stdout on a full disk: exit 4"
done_testing
