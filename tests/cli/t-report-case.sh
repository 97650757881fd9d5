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

# ---- local times in the report: source order, DST marks, per source ----
mkdir -p "$T/dst/tz" "$T/dst/notz"
cat > "$T/dst/tz/WhatsApp-chat met Mark.txt" <<'EOF'
31-03-2024 01:59 - Mark: voor de klok
31-03-2024 02:30 - Mark: bestaat niet
31-03-2024 03:01 - Sanne: ok
27-10-2024 02:30 - Mark: twee keer
27-10-2024 03:00 - Sanne: daarna
EOF
cp "$T/dst/tz/WhatsApp-chat met Mark.txt" "$T/dst/notz/"
C2=$T/case2
spoor-case init "$C2" --case-id=TDH-2026-0100 --examiner="Examiner A" >/dev/null 2>&1 &&
	spoor-case add "$C2" "$T/dst/tz" --exhibit=E03 >/dev/null 2>&1 &&
	spoor-case add "$C2" "$T/dst/notz" --exhibit=E04 >/dev/null 2>&1
ok $? "a case with two copies of one export"
spoor-artifacts -C "$C2" --exhibit=E03 --tz=Europe/Amsterdam --me=Sanne "$T/dst/tz" >/dev/null 2>&1 &&
	spoor-artifacts -C "$C2" --exhibit=E04 --me=Sanne "$T/dst/notz" >/dev/null 2>&1
ok $? "one read with --tz, one without"
run_rc 0 "report of the DST case" spoor-report -C "$C2" -o "$T/bundle2" \
	--key "$P/examiner.key" --cert "$P/examiner.crt" --chain "$P/chain.pem" \
	--recipient NL-POL --lang en
H2=$T/bundle2/report/report.html
# oracle: the message divs in document order, read with python's parser
python3 - "$H2" > "$T/msgs" <<'PY'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.depth = 0; s.cur = None; s.out = []
    def handle_starttag(s, tag, a):
        if tag == "div" and "msg" in (dict(a).get("class") or "").split():
            s.cur = []; s.depth = 1
        elif tag == "div" and s.cur is not None:
            s.depth += 1
    def handle_endtag(s, tag):
        if tag == "div" and s.cur is not None:
            s.depth -= 1
            if not s.depth:
                s.out.append(" ".join("".join(s.cur).split())); s.cur = None
    def handle_data(s, d):
        if s.cur is not None: s.cur.append(d)
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
for m in p.out: print(m)
PY
grep -o 'voor de klok$\|bestaat niet$\|line [0-9]*ok$\|twee keer$\|daarna$' "$T/msgs" | sed 's/^line [0-9]*ok/ok/' | head -5 | tr '\n' '|' > "$T/got"
is "$(cat "$T/got")" "voor de klok|bestaat niet|ok|twee keer|daarna|" \
	"report: the conversation in the export's order"
grep 'bestaat niet$' "$T/msgs" | head -1 | grep -q 'did not exist'
ok $? "report: the nonexistent local time is marked"
grep 'twee keer$' "$T/msgs" | head -1 | grep -q 'also possible: 2024-10-27T01:30:00Z UTC'
ok $? "report: the ambiguous local time shows the other instant"
grep 'line [0-9]*ok$' "$T/msgs" | head -1 | grep -q 'earlier than the message above'
ok $? "report: a reply whose converted time is earlier than the message above says so"
grep 'bestaat niet$' "$T/msgs" | sed -n 2p | grep -q '2024-03-31T02:30:00 (local time of the source, time zone unknown)'
ok $? "report: without --tz the time is local, not UTC"
python3 - "$H2" > "$T/limits" <<'PY'
import sys, re, html
t = open(sys.argv[1], encoding="utf-8").read()
sec = t[t.index('id="limitations"'):]
print(" ".join(html.unescape(re.sub(r"<[^>]+>", " ", sec)).split()))
PY
grep -q 'E03 · WhatsApp-chat met Mark.txt: local times of the source, converted to UTC from Europe/Amsterdam (5); times at a daylight-saving change (marked): 2' "$T/limits"
ok $? "limitations: the converted source, its zone and its DST count"
grep -q 'E04 · WhatsApp-chat met Mark.txt: local times without a time zone: not converted, shown as local time (5)' "$T/limits"
ok $? "limitations: the source without a zone"
done_testing
