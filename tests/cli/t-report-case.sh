#!/bin/bash
# t-report-case.sh: the whole path with the real tools: spoor-case init /
# add, spoor-files -C and spoor-artifacts -C, spoor-case tag, then
# spoor-report; stock openssl accepts the bundle and spoor-case's own
# custody check accepts the log after the export event.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report-fixture.sh"
need openssl sqlite3 perl
for t in spoor-case spoor-report spoor-files spoor-artifacts; do
	command -v "$t" >/dev/null || skip_all "$t not built"
done

mk_pki "$T/pki"
P=$T/pki
E=$T/evidence
mkdir -p "$E/files"
bash "$SPOOR_SRC/testdata/mkartifacts.sh" "$T/art" >/dev/null 2>&1
cp -a "$T/art/modern" "$E/phone"
printf '\377\330\377\340\000\020JFIF\000\001\001\000\000\001\000\001\000\000' > "$E/files/img001.jpg"
head -c 3000 /dev/zero | tr '\0' 'A' >> "$E/files/img001.jpg"
sha256 "$E/files/img001.jpg" > "$T/bad.txt"
spoor-hashdb build -o "$T/bad.sdb" --name=test-bad --kind=known-bad \
	--category=1 --format=hashlist "$T/bad.txt" >/dev/null 2>&1
ev_before=$(sum_tree "$E" | sha256sum)

C=$T/case
run_rc 0 "spoor-case init" spoor-case init "$C" --case-id=TDH-2026-0099 --examiner="Examiner A"
run_rc 0 "spoor-case add E01" spoor-case add "$C" "$E/files" --exhibit=E01
run_rc 0 "spoor-case add E02" spoor-case add "$C" "$E/phone" --exhibit=E02
spoor-files -C "$C" --exhibit=E01 --hashdb="$T/bad.sdb" --no-alert-exit --no-pdq \
	"$E/files" >/dev/null 2>&1
ok $? "spoor-files -C records into the case"
spoor-artifacts -C "$C" --exhibit=E02 "$E/phone" >/dev/null 2>&1
ok $? "spoor-artifacts -C records into the case"
msg=$(sqlite3 "$C/case.db" "SELECT id FROM records WHERE rtype='message' ORDER BY id LIMIT 1")
run_rc 0 "spoor-case tag" spoor-case tag "$C" "$msg" --label=grooming --note="first contact"

run_rc 0 "spoor-report on a spoor-case case" spoor-report -C "$C" -o "$T/bundle" \
	--key "$P/examiner.key" --cert "$P/examiner.crt" --chain "$P/chain.pem" \
	--recipient NL-POL --tagged-only
openssl cms -verify -binary -inform DER -in "$T/bundle/MANIFEST.p7s" \
	-content "$T/bundle/MANIFEST" -CAfile "$P/root.crt" -purpose any -cades \
	-out /dev/null 2>/dev/null
ok $? "openssl cms -verify accepts the bundle"
bad=0
sed '1,/^$/d' "$T/bundle/MANIFEST" > "$T/entries"
[ -s "$T/entries" ] || bad=1
while read -r h s p; do
	[ "$(sha256 "$T/bundle/$p")" = "$h" ] && [ "$(stat -c %s "$T/bundle/$p")" = "$s" ] || bad=1
done < "$T/entries"
ok $bad "every MANIFEST line matches sha256sum and stat"
run_rc 0 "spoor-case custody --verify accepts the log with the export event" \
	spoor-case custody "$C" --verify
tail -n1 "$C/custody.log" | grep -q '"event":"exported"'
ok $? "the last custody event is 'exported'"
cmp -s "$C/custody.log" "$T/bundle/custody/custody.log"
ok $? "the bundle carries the case's log"
grep -q 'first contact' "$T/bundle/report/report.html"
ok $? "the tag note is in the report"
is "$(sum_tree "$E" | sha256sum)" "$ev_before" "evidence unchanged"
done_testing
