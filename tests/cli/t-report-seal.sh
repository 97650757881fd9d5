#!/bin/bash
# t-report-seal.sh: spoor-report --seal-to/--seal puts a copy the police
# requested into sealed/ as CMS AuthEnvelopedData (AES-256-GCM) to the
# police intake certificate only.  Oracles: openssl cms -decrypt with the
# police key (and refusal with every other key), openssl cms -cmsout
# -print, cmp and sha256sum against the evidence file, grep over the
# bundle for the file's bytes, JSON::PP over findings.json and the
# custody log, openssl x509 for the certificate fingerprint.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report-fixture.sh"
need openssl sqlite3 perl sha256sum file cmp
command -v spoor-report >/dev/null || skip_all "spoor-report not built"

mk_pki "$T/pki"
mk_case "$T/case"
P=$T/pki
SIGN=(--key "$P/examiner.enc.key" --passphrase-file "$P/pass.txt"
	--cert "$P/examiner.crt" --chain "$P/chain.pem")
# the police intake certificates (their own PKI: self-signed here)
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$P/police.key" \
	-out "$P/police.crt" -subj "/O=Politie/CN=NL-POL-ZEDEN intake" \
	-days 30 -addext "keyUsage=critical,keyEncipherment" 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$P/police-ec.key" -out "$P/police-ec.crt" \
	-subj "/O=Politie/CN=NL-POL-ZEDEN intake EC" -days 30 \
	-addext "keyUsage=critical,keyAgreement" 2>/dev/null
db=$T/case/case.db
jpg_id=$(sqlite3 "$db" "SELECT id FROM records WHERE rtype = 'file' AND
	json_extract(json, '$.sha256') = '$JPG_SHA256'")
txt_id=$(sqlite3 "$db" "SELECT id FROM records WHERE rtype = 'file' AND
	json_extract(json, '$.path') LIKE '%notes.txt'")
msg_id=$(sqlite3 "$db" "SELECT min(id) FROM records WHERE rtype = 'message'")
ok "$([ -n "$jpg_id" ] && [ -n "$txt_id" ] && [ -n "$msg_id" ]; echo $?)" \
	"fixture: the JPEG, the text file and a message have records"
# the copy the examiner exported for the police (as icat would)
cp "$EVID/files/img001.jpg" "$T/copy.jpg"
ev_before=$(sum_tree "$EVID" | sha256sum)
copy_before=$(sha256 "$T/copy.jpg")
SEAL=(--seal-to "$P/police.crt" --seal-request "PV-2026-117/vordering 3"
	--seal-basis "art. 126nd Sv, vordering OvJ 2026-11-20")
mkdir -p "$T/bundles"

# ---- the sealed bundle ----
B=$T/bundles/b1
run_rc 0 "build a bundle with one sealed copy" spoor-report -C "$T/case" \
	-o "$B" "${SIGN[@]}" --recipient NL-POL-ZEDEN "${SEAL[@]}" \
	--seal "$jpg_id=$T/copy.jpg"
S=$B/sealed/record-$jpg_id.p7m
ok "$([ -f "$S" ]; echo $?)" "sealed/record-$jpg_id.p7m exists"
is "$(sed -n 's/^content-policy: //p' "$B/MANIFEST")" sealed-to-recipient \
	"MANIFEST: content-policy: sealed-to-recipient"
is "$(awk -v p="sealed/record-$jpg_id.p7m" '$3 == p { print $1 " " $2 }' \
	"$B/MANIFEST")" "$(sha256 "$S") $(stat -c %s "$S")" \
	"MANIFEST lists the sealed file with its sha256sum and size"
openssl cms -verify -binary -inform DER -in "$B/MANIFEST.p7s" \
	-content "$B/MANIFEST" -CAfile "$P/root.crt" -purpose any -cades \
	-out /dev/null 2>/dev/null
ok $? "openssl cms -verify accepts the signature"
openssl cms -cmsout -print -inform DER -in "$S" > "$T/cms.txt" 2>&1
grep -q 'contentType: id-smime-ct-authEnvelopedData' "$T/cms.txt"
ok $? "openssl: the sealed file is AuthEnvelopedData"
grep -q 'algorithm: aes-256-gcm' "$T/cms.txt"
ok $? "openssl: content encrypted with aes-256-gcm"
grep -q 'rsaesOaep' "$T/cms.txt"
ok $? "openssl: the key is transported with RSA-OAEP"
openssl cms -decrypt -binary -inform DER -in "$S" -recip "$P/police.crt" \
	-inkey "$P/police.key" -out "$T/dec.jpg" 2>/dev/null
ok $? "openssl cms -decrypt with the police key"
cmp -s "$T/dec.jpg" "$EVID/files/img001.jpg"
ok $? "the decrypted copy is the evidence file, byte for byte (cmp)"
is "$(sha256 "$T/dec.jpg")" "$JPG_SHA256" "... and its sha256sum is the record's"
openssl cms -decrypt -binary -inform DER -in "$S" -recip "$P/reid.crt" \
	-inkey "$P/reid.key" -out "$T/dec2" >/dev/null 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "the organisation's own key cannot decrypt it"
openssl cms -decrypt -binary -inform DER -in "$S" -recip "$P/examiner.crt" \
	-inkey "$P/examiner.key" -out "$T/dec3" >/dev/null 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "the examiner's key cannot decrypt it"
# the picture's bytes are nowhere in the bundle in the clear
head -c 64 "$EVID/files/img001.jpg" | tail -c 48 > "$T/needle"
found=0
while IFS= read -r -d '' f; do
	grep -qaF -f "$T/needle" "$f" 2>/dev/null && found=1
	perl -e 'local $/; open my $n, "<", $ARGV[0]; my $x = <$n>;
		open my $h, "<", $ARGV[1]; my $y = <$h>;
		exit(index($y, $x) >= 0 ? 0 : 1)' "$T/needle" "$f" && found=1
done < <(find "$B" -type f -print0)
is "$found" 0 "no file of the bundle holds the picture's bytes in the clear"
mimes=$(find "$B" -type f -exec file -b --mime-type {} + | grep -c '^image/\|^video/')
is "$mimes" 0 "file(1): no image or video type anywhere in the bundle"

# findings.json and hashes-flagged.json (JSON::PP)
fpr=$(openssl x509 -in "$P/police.crt" -outform DER | sha256sum | cut -c1-64)
is "$(perl -MJSON::PP -0777 -ne 'my $j = decode_json($_);
	my $s = $j->{sealed}; my $i = $s->{items}[0];
	print join(" ", $j->{content_policy}, $s->{recipient_cert_sha256},
		$i->{record_id}, $i->{file}, $i->{sha256}, $i->{size},
		scalar @{$s->{items}})' "$B/data/findings.json")" \
	"sealed-to-recipient $fpr $jpg_id sealed/record-$jpg_id.p7m $JPG_SHA256 $(stat -c %s "$EVID/files/img001.jpg") 1" \
	"findings.json: policy, certificate fingerprint (openssl), the item"
is "$(perl -MJSON::PP -0777 -ne 'my $j = decode_json($_);
	print $j->{sealed}{request}, "|", $j->{sealed}{legal_basis}' \
	"$B/data/findings.json")" \
	"PV-2026-117/vordering 3|art. 126nd Sv, vordering OvJ 2026-11-20" \
	"findings.json: the request and the legal basis"
is "$(perl -MJSON::PP -0777 -ne 'my $j = decode_json($_);
	print join(" ", $j->{content}, map { $_->{sealed_copy} // "null" }
		@{$j->{items}})' "$B/data/hashes-flagged.json")" \
	"sealed-to-recipient sealed/record-$jpg_id.p7m" \
	"hashes-flagged.json: the flagged item names its sealed copy"
grep -q 'id="sealed"' "$B/report/report.html" &&
	grep -q "sealed/record-$jpg_id.p7m" "$B/report/report.html" &&
	grep -q 'art. 126nd Sv' "$B/report/report.html"
ok $? "report.html: the sealed copies section"
grep -q "openssl cms -decrypt" "$B/readme.txt" && grep -q "$fpr" "$B/readme.txt"
ok $? "readme.txt: how to decrypt, and the certificate's fingerprint"

# the custody log: a "sealed" event before the "exported" one
tail -n 2 "$T/case/custody.log" | cut -f3 > "$T/ev"
is "$(perl -MJSON::PP -ne 'my $j = decode_json($_); print $j->{event}, " ";
	print join(" ", $j->{request}, $j->{items}[0]{record_id},
		$j->{items}[0]{sha256}, $j->{recipient_cert_sha256}, "")
		if $j->{event} eq "sealed";
	print $j->{content_policy} if $j->{event} eq "exported"' "$T/ev")" \
	"sealed PV-2026-117/vordering 3 $jpg_id $JPG_SHA256 $fpr exported sealed-to-recipient" \
	"custody: a sealed event (request, record, sha256, certificate), then exported"
cmp -s "$T/case/custody.log" "$B/custody/custody.log"
ok $? "the bundle's custody log is the case's"
if command -v spoor-verify >/dev/null; then
	run_rc 0 "spoor-verify accepts the sealed bundle" spoor-verify "$B" \
		--trust "$P/root.crt" --recipient NL-POL-ZEDEN
	grep -q '^content-policy: sealed-to-recipient' "$T/out"
	ok $? "spoor-verify shows content-policy sealed-to-recipient"
else
	skip "spoor-verify not built"
	skip "spoor-verify not built"
fi

# the content gate on sealed/: CMS enveloped data only
cp -a "$B" "$T/chk"
run_rc 0 "spoor-report check accepts the sealed bundle" spoor-report check "$T/chk"
cp "$EVID/files/img001.jpg" "$T/chk/sealed/record-$jpg_id.p7m"
run_rc 1 "check refuses the picture in the clear under sealed/" \
	spoor-report check "$T/chk"
head -c 4096 /dev/urandom > "$T/chk/sealed/record-$jpg_id.p7m"
run_rc 1 "check refuses random bytes under sealed/ (not CMS)" \
	spoor-report check "$T/chk"
grep -q 'not CMS' "$T/out"
ok $? "... saying it is not CMS enveloped data"
openssl cms -encrypt -binary -aes-256-gcm -in "$EVID/files/img001.jpg" \
	-outform DER -out "$T/chk/sealed/record-$jpg_id.p7m" "$P/police.crt" \
	2>/dev/null
run_rc 0 "check accepts AuthEnvelopedData made by openssl cms -encrypt" \
	spoor-report check "$T/chk"

# spoor-verify: the packed tar is VALID; a picture in the clear under
# sealed/, re-signed with the examiner's own key, is INVALID (dir and tar)
if command -v spoor-verify >/dev/null; then
	run_rc 0 "spoor-report pack of the sealed bundle" spoor-report pack \
		"$B" -o "$T/b1.tar"
	run_rc 0 "spoor-verify accepts the sealed bundle as a tar" \
		spoor-verify "$T/b1.tar" --trust "$P/root.crt" \
		--recipient NL-POL-ZEDEN
	rm -rf "$T/forged"
	cp -a "$B" "$T/forged"
	cp "$EVID/files/img001.jpg" "$T/forged/sealed/record-$jpg_id.p7m"
	perl -i -pe 'BEGIN { ($p, $h, $n) = @ARGV[0..2]; splice @ARGV, 0, 3 }
		s/^[0-9a-f]{64} \d+ \Q$p\E$/$h $n $p/' \
		"sealed/record-$jpg_id.p7m" "$JPG_SHA256" \
		"$(stat -c %s "$EVID/files/img001.jpg")" "$T/forged/MANIFEST"
	openssl cms -sign -binary -nosmimecap -cades -md sha256 \
		-in "$T/forged/MANIFEST" -signer "$P/examiner.crt" \
		-inkey "$P/examiner.key" -certfile "$P/chain.pem" -outform DER \
		-out "$T/forged/MANIFEST.p7s" 2>/dev/null
	(cd "$T/forged" && sed '1,/^$/d' MANIFEST | while read -r h n p; do
		[ "$(sha256sum < "$p" | cut -d' ' -f1)" = "$h" ] || echo "BAD $p"
	done) > "$T/bad"
	is "$(cat "$T/bad")" "" "forged: MANIFEST hashes match sha256sum (re-signed)"
	run_rc 1 "a picture in the clear under sealed/ is INVALID" \
		spoor-verify "$T/forged" --trust "$P/root.crt" \
		--recipient NL-POL-ZEDEN
	grep -q "^error: content-policy: 'sealed/record-$jpg_id.p7m'" "$T/out"
	ok $? "... reason content-policy, naming the file"
	spoor-report pack "$T/forged" -o "$T/forged.tar" >/dev/null 2>&1
	run_rc 1 "... and INVALID as a tar too" spoor-verify "$T/forged.tar" \
		--trust "$P/root.crt" --recipient NL-POL-ZEDEN
	grep -q "^error: content-policy: 'sealed/record-$jpg_id.p7m'" "$T/out"
	ok $? "... reason content-policy (tar)"
else
	for i in 1 2 3 4 5 6 7; do skip "spoor-verify not built"; done
fi

# ---- EC (ECDH) intake certificate ----
B2=$T/bundles/b2
run_rc 0 "seal to an EC intake certificate" spoor-report -C "$T/case" \
	-o "$B2" "${SIGN[@]}" --recipient NL-POL-ZEDEN --seal-to \
	"$P/police-ec.crt" --seal-request R --seal-basis B \
	--seal "$jpg_id=$T/copy.jpg"
openssl cms -decrypt -binary -inform DER -in "$B2/sealed/record-$jpg_id.p7m" \
	-recip "$P/police-ec.crt" -inkey "$P/police-ec.key" -out "$T/dec4" \
	2>/dev/null && cmp -s "$T/dec4" "$EVID/files/img001.jpg"
ok $? "openssl decrypts the EC-sealed copy to the evidence file"

# ---- refusals: nothing written, the custody log untouched ----
# refused DESC RC: the last run left no bundle, no temp dir, no new event
refused() {
	local n
	n=$(ls "$T/bundles" | wc -l)
	is "$n" 2 "$1: no bundle or temp dir left"
	is "$(wc -l < "$T/case/custody.log")" "$lines" "$1: custody log unchanged"
}
lines=$(wc -l < "$T/case/custody.log")
run_rc 3 "a different file for the JPEG's record is refused" spoor-report \
	-C "$T/case" -o "$T/bundles/x" "${SIGN[@]}" --recipient NL-POL-ZEDEN \
	"${SEAL[@]}" --seal "$jpg_id=$EVID/files/notes.txt"
grep -q 'is not the file of record' "$T/err"
ok $? "... with the reason"
refused "wrong file"
cp "$T/copy.jpg" "$T/copy2.jpg"
printf 'X' | dd of="$T/copy2.jpg" bs=1 seek=100 conv=notrunc status=none
run_rc 3 "a copy with one byte changed is refused" spoor-report \
	-C "$T/case" -o "$T/bundles/x" "${SIGN[@]}" --recipient NL-POL-ZEDEN \
	"${SEAL[@]}" --seal "$jpg_id=$T/copy2.jpg"
refused "one byte changed"
ln -s "$T/copy.jpg" "$T/link.jpg"
run_rc 3 "a symlink as the copy is refused" spoor-report \
	-C "$T/case" -o "$T/bundles/x" "${SIGN[@]}" --recipient NL-POL-ZEDEN \
	"${SEAL[@]}" --seal "$jpg_id=$T/link.jpg"
refused "symlink"
mkfifo "$T/fifo.jpg"
run_rc 3 "a FIFO as the copy is refused (and does not hang)" timeout 20 \
	spoor-report -C "$T/case" -o "$T/bundles/x" "${SIGN[@]}" \
	--recipient NL-POL-ZEDEN "${SEAL[@]}" --seal "$jpg_id=$T/fifo.jpg"
refused "FIFO"
run_rc 3 "sealing to the examiner's own certificate is refused" spoor-report \
	-C "$T/case" -o "$T/bundles/x" "${SIGN[@]}" --recipient NL-POL-ZEDEN \
	--seal-to "$P/examiner.crt" --seal-request R --seal-basis B \
	--seal "$jpg_id=$T/copy.jpg"
refused "examiner certificate"
echo 000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f \
	> "$T/master.key"
run_rc 3 "sealing to the map's (organisation's) certificate is refused" \
	spoor-report -C "$T/case" -o "$T/bundles/x" "${SIGN[@]}" \
	--recipient NL-POL-ZEDEN --pseudonymise "+31612345001" \
	--master-key "$T/master.key" --map-to "$P/reid.crt" \
	--map-out "$T/map.p7m" --seal-to "$P/reid.crt" --seal-request R \
	--seal-basis B --seal "$jpg_id=$T/copy.jpg"
refused "map certificate"
ok "$([ ! -e "$T/map.p7m" ]; echo $?)" "... and no map written"
run_rc 3 "a request naming the reporter is refused when pseudonymising" \
	spoor-report -C "$T/case" -o "$T/bundles/x" "${SIGN[@]}" \
	--recipient NL-POL-ZEDEN --pseudonymise "+31612345001" \
	--master-key "$T/master.key" --map-to "$P/reid.crt" \
	--map-out "$T/map.p7m" --seal-to "$P/police.crt" \
	--seal-request "melding van 06-12345001" --seal-basis B \
	--seal "$jpg_id=$T/copy.jpg"
refused "reporter in the request"
run_rc 3 "a message record cannot be sealed" spoor-report -C "$T/case" \
	-o "$T/bundles/x" "${SIGN[@]}" --recipient NL-POL-ZEDEN "${SEAL[@]}" \
	--seal "$msg_id=$T/copy.jpg"
refused "message record"
run_rc 3 "an unknown record cannot be sealed" spoor-report -C "$T/case" \
	-o "$T/bundles/x" "${SIGN[@]}" --recipient NL-POL-ZEDEN "${SEAL[@]}" \
	--seal "999999=$T/copy.jpg"
refused "unknown record"
run_rc 2 "the same record twice is a usage error" spoor-report -C "$T/case" \
	-o "$T/bundles/x" "${SIGN[@]}" --recipient NL-POL-ZEDEN "${SEAL[@]}" \
	--seal "$jpg_id=$T/copy.jpg" --seal "$jpg_id=$T/copy.jpg"
refused "twice"
run_rc 2 "--seal without --seal-basis is a usage error" spoor-report \
	-C "$T/case" -o "$T/bundles/x" "${SIGN[@]}" --recipient NL-POL-ZEDEN \
	--seal-to "$P/police.crt" --seal-request R --seal "$jpg_id=$T/copy.jpg"
run_rc 2 "--seal-to without --seal is a usage error" spoor-report \
	-C "$T/case" -o "$T/bundles/x" "${SIGN[@]}" --recipient NL-POL-ZEDEN \
	"${SEAL[@]}"
run_rc 2 "--seal=FILE without a record id is a usage error" spoor-report \
	-C "$T/case" -o "$T/bundles/x" "${SIGN[@]}" --recipient NL-POL-ZEDEN \
	"${SEAL[@]}" --seal "$T/copy.jpg"
refused "usage errors"

is "$(sum_tree "$EVID" | sha256sum)" "$ev_before" "the evidence is unchanged"
is "$(sha256 "$T/copy.jpg")" "$copy_before" "the copy given is unchanged"
done_testing
