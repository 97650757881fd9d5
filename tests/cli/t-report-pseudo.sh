#!/bin/bash
# t-report-pseudo.sh: --pseudonymise replaces the reporter's identifiers
# everywhere in the bundle (checked by grep in many encodings); P and C
# recompute with the openssl CLI; the sealed map opens with openssl; a
# disclosure verifies with openssl and matches C, a forged one does not.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report-fixture.sh"
need openssl sqlite3 perl base32
command -v spoor-report >/dev/null || skip_all "spoor-report not built"

mk_pki "$T/pki"
mk_case "$T/case"
P=$T/pki
SIGN=(--key "$P/examiner.key" --cert "$P/examiner.crt" --chain "$P/chain.pem")
MASTER=$(openssl rand -hex 32)
echo "$MASTER" > "$T/master.hex"
mkdir -p "$T/b"

# The reporter (fixture persona): +31612345001, "Daan de Vries", "Daan".
# Every form the evidence holds it in, plus encodings a leak could take.
forms() {
	for s in +31612345001 0612345001 0031612345001 31612345001 \
		06-12345001 612345001 '31612345001@s.whatsapp.net'; do
		printf '%s\n' "$s"
	done
}
# leaks DIR: print each form (and encoding) found in any file under DIR
leaks() {
	forms | while read -r s; do
		grep -rlF -- "$s" "$1" | sed "s|^|$s: |"
	done
	grep -rliF 'daan' "$1" | sed 's|^|daan: |'
	# UTF-16LE/BE, percent-encoded and JSON \u-escaped digits
	d=612345001
	le=$(printf '%s' "$d" | iconv -t UTF-16LE | od -An -tx1 | tr -d ' \n')
	be=$(printf '%s' "$d" | iconv -t UTF-16BE | od -An -tx1 | tr -d ' \n')
	pct=$(printf '%s' "$d" | od -An -tx1 | tr -d ' \n' | sed 's/../%&/g')
	uesc=$(printf '%s' "$d" | od -An -tx1 | tr -d ' \n' | sed 's/../\\u00&/g')
	find "$1" -type f | while read -r f; do
		hex=$(od -An -tx1 -v "$f" | tr -d ' \n')
		case $hex in *"$le"*) echo "utf16le: $f";; esac
		case $hex in *"$be"*) echo "utf16be: $f";; esac
		grep -qiF -- "$pct" "$f" && echo "percent: $f"
		grep -qiF -- "$uesc" "$f" && echo "json-escape: $f"
		grep -qiF -- '%2B31612345001' "$f" && echo "percent+: $f"
	done
}

# the test can fail: without pseudonymisation the identifiers are there
run_rc 0 "build a plain bundle" spoor-report -C "$T/case" -o "$T/b/plain" \
	"${SIGN[@]}" --recipient NL-POL
leaks "$T/b/plain" > "$T/plain.leaks"
ok "$([ -s "$T/plain.leaks" ]; echo $?)" "control: a plain bundle names the reporter ($(wc -l < "$T/plain.leaks") hits)"

run_rc 0 "build a pseudonymised bundle" spoor-report -C "$T/case" \
	-o "$T/b/ps" "${SIGN[@]}" --recipient NL-POL \
	--pseudonymise +31612345001 --pseudonymise 'Daan de Vries' \
	--pseudonymise Daan --master-key "$T/master.hex" \
	--map-to "$P/reid.crt" --map-out "$T/map.p7m"
B=$T/b/ps
leaks "$B" > "$T/ps.leaks"
ok "$([ -s "$T/ps.leaks" ]; [ $? -ne 0 ]; echo $?)" "no form of the reporter's identifiers in any bundle file"
sed 's/^/#   /' "$T/ps.leaks" | head
openssl cms -verify -binary -inform DER -in "$B/MANIFEST.p7s" \
	-content "$B/MANIFEST" -CAfile "$P/root.crt" -purpose any -cades \
	-out /dev/null 2>/dev/null
ok $? "openssl accepts the pseudonymised bundle"
leaks "$T/case/custody.log" > "$T/log.leaks"
ok "$([ -s "$T/log.leaks" ]; [ $? -ne 0 ]; echo $?)" "the case's custody log (with the export event) names no identifier"
ok "$([ -e "$T/map.p7m" ] && ! [ -e "$B/map.p7m" ]; echo $?)" "the sealed map is written outside the bundle"

# P and C from the signed data
read -r PS CM < <(perl -MJSON::PP -e 'local $/; open my $f, "<", $ARGV[0];
	my $p = decode_json(<$f>)->{pseudonyms}[0]; print "$p->{pseudonym} $p->{commitment}\n"' "$B/data/findings.json")
grep -q "$PS" "$B/report/report.html" && grep -q "$PS" "$B/data/case-uco.jsonld"
ok $? "the pseudonym replaces the reporter in report.html and CASE/UCO"
grep -q "\"uco-core:name\": \"$PS\"" "$B/data/case-uco.jsonld" && grep -q "commitment $CM" "$B/data/case-uco.jsonld"
ok $? "CASE Person named by the pseudonym, with the commitment"

# P recomputed with the openssl CLI (bundle.md section 8, demo step 9)
KCASE=$(openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt hexkey:"$MASTER" \
	-kdfopt salt:tdh-pseudonym-v1 -kdfopt info:TDH-2026-0042 HKDF | tr -d ':')
P_OSSL="RPT-$(printf 'reporter\0%s' 'tel:+31612345001' | openssl dgst -sha256 -mac HMAC \
	-macopt hexkey:"$KCASE" -binary | head -c 15 | base32 | tr -d '=')"
is "$PS" "$P_OSSL" "pseudonym = openssl HKDF + HMAC + base32"

# the map opens with the organisation's key (openssl), C recomputes
openssl cms -decrypt -binary -inform DER -in "$T/map.p7m" \
	-recip "$P/reid.crt" -inkey "$P/reid.key" -out "$T/map.json" 2>/dev/null
ok $? "openssl opens the sealed map with the re-identification key"
openssl cms -cmsout -print -inform DER -in "$T/map.p7m" | grep -q authEnvelopedData
ok $? "the map is AuthEnvelopedData"
openssl cms -decrypt -binary -inform DER -in "$T/map.p7m" \
	-recip "$P/examiner.crt" -inkey "$P/examiner.key" -out /dev/null 2>/dev/null
ok "$([ $? -ne 0 ]; echo $?)" "the examiner key cannot open the map"
read -r MID MR < <(perl -MJSON::PP -e 'local $/; open my $f, "<", $ARGV[0];
	my $m = decode_json(<$f>); print "$m->{id_norm} $m->{r}\n"' "$T/map.json")
is "$MID" "tel:+31612345001" "the map holds the normalised identifier"
is "$(printf 'commit-v1\0%s\0%s\0%s' "$PS" "$MID" "$MR" | openssl dgst -sha256 | cut -d' ' -f2)" \
	"$CM" "C = SHA-256(commit-v1 0 P 0 id 0 r) with openssl"

# disclosure
run_rc 0 "disclose the pseudonym" spoor-report disclose --map "$T/map.p7m" \
	--map-key "$P/reid.key" --map-cert "$P/reid.crt" "${SIGN[@]}" \
	--consent-ref CONSENT-2026-7 --consent-date 2026-11-20 \
	-o "$T/disclosure.txt" "$PS"
is "$(head -n1 "$T/disclosure.txt")" "FORENSIC-DISCLOSURE 1" "disclosure magic"
openssl cms -verify -binary -inform DER -in "$T/disclosure.txt.p7s" \
	-content "$T/disclosure.txt" -CAfile "$P/root.crt" -purpose any \
	-cades -out /dev/null 2>/dev/null
ok $? "openssl verifies the disclosure signature"
field() { sed -n "s/^$1: //p" "$2"; }
D=$T/disclosure.txt
is "$(field bundle-id "$D")" "$(sed -n 's/^bundle-id: //p' "$B/MANIFEST")" "disclosure names the bundle"
is "$(printf 'commit-v1\0%s\0%s\0%s' "$(field pseudonym "$D")" "$(field id-norm "$D")" "$(field r "$D")" | openssl dgst -sha256 | cut -d' ' -f2)" \
	"$CM" "police recompute C from the disclosure: equals C in the signed findings.json"
sed 's/^id-norm: .*/id-norm: tel:+31600000000/' "$D" > "$T/forged.txt"
isnt_c=$(printf 'commit-v1\0%s\0%s\0%s' "$(field pseudonym "$T/forged.txt")" "$(field id-norm "$T/forged.txt")" "$(field r "$T/forged.txt")" | openssl dgst -sha256 | cut -d' ' -f2)
ok "$([ "$isnt_c" != "$CM" ]; echo $?)" "a forged identity does not match C"
openssl cms -verify -binary -inform DER -in "$D.p7s" -content "$T/forged.txt" \
	-CAfile "$P/root.crt" -purpose any -out /dev/null 2>/dev/null
ok "$([ $? -ne 0 ]; echo $?)" "and the forged statement fails the signature"
if command -v spoor-verify >/dev/null 2>&1; then
	spoor-verify "$B" --trust "$P/root.crt" --recipient NL-POL \
		--disclosure "$D" > "$T/sv.out" 2>&1
	ok "$(grep -q '^VALID' "$T/sv.out" && grep -q "^disclosed-id: tel:+31612345001" "$T/sv.out"; echo $?)" \
		"spoor-verify --disclosure accepts the statement against the bundle"
	cp "$D.p7s" "$T/forged.txt.p7s"
	spoor-verify "$B" --trust "$P/root.crt" --recipient NL-POL \
		--disclosure "$T/forged.txt" > "$T/sv2.out" 2>&1
	is "$?" 1 "spoor-verify --disclosure rejects the forged statement"
else
	skip "spoor-verify not built"
	skip "spoor-verify not built"
fi
run_rc 3 "disclose refuses a pseudonym not in the map" spoor-report disclose \
	--map "$T/map.p7m" --map-key "$P/reid.key" --map-cert "$P/reid.crt" \
	"${SIGN[@]}" --consent-ref C --consent-date 2026-11-20 \
	-o "$T/d2.txt" RPT-AAAAAAAAAAAAAAAAAAAAAAAA

# a custody log that names the reporter cannot be pseudonymised: refused
cp -a "$T/case" "$T/case2"
_custody_add "$T/case2/custody.log" TDH-2026-0042 '{"event":"received","note":"call from 06-12345001"}'
lines=$(wc -l < "$T/case2/custody.log")
run_rc 3 "a custody log naming the reporter is refused" spoor-report \
	-C "$T/case2" -o "$T/b/refused" "${SIGN[@]}" --recipient NL-POL \
	--pseudonymise +31612345001 --master-key "$T/master.hex" \
	--map-to "$P/reid.crt" --map-out "$T/map2.p7m"
ok "$([ ! -e "$T/b/refused" ] && [ ! -e "$T/map2.p7m" ]; echo $?)" "no bundle, no map"
is "$(wc -l < "$T/case2/custody.log")" "$lines" "and no custody event"
run_rc 2 "--pseudonymise without --master-key is a usage error" spoor-report \
	-C "$T/case" -o "$T/b/x" "${SIGN[@]}" --recipient NL-POL \
	--pseudonymise +31612345001

# a raw 32-byte key whose last byte is a line feed is 32 bytes, and the
# same key as 64 hex digits gives the same pseudonym
python3 - "$T/raw.key" "$T/raw.hex" <<'PY'
import os, sys
k = os.urandom(31) + b"\n"
open(sys.argv[1], "wb").write(k)
open(sys.argv[2], "w").write(k.hex() + "\n")
PY
pseud() { # KEYFILE OUT
	spoor-report -q -C "$T/case" -o "$2" "${SIGN[@]}" --recipient NL-POL \
		--pseudonymise +31612345001 --master-key "$1" \
		--map-to "$P/reid.crt" --map-out "$2.p7m" > /dev/null &&
	perl -MJSON::PP -e 'local $/; open my $f, "<", $ARGV[0];
		print decode_json(<$f>)->{pseudonyms}[0]{pseudonym}' \
		"$2/data/findings.json"
}
raw=$(pseud "$T/raw.key" "$T/b/raw")
ok $? "a raw key ending in 0x0a is accepted"
is "$(pseud "$T/raw.hex" "$T/b/rawhex")" "$raw" \
	"  and gives the pseudonym of the same key in hex"
done_testing
