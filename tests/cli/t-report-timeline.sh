#!/bin/bash
# t-report-timeline.sh: report.html's timeline around the tagged items
# (spoor-report --timeline-window), checked against an oracle that reads
# case.db with python3's sqlite3 (report-timeline.py): the windows, the
# entries of the report's selection in each (file MACB times, messages,
# calls), the 100 nearest untagged entries before and after each tagged
# one and a count of the rest, window edges to the second, --tagged-only,
# --timeline-window=0, tagged items without a UTC time named; the
# command a "not shown" row gives lists the window; pseudonymised.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report-fixture.sh"
need openssl sqlite3 perl python3 xmllint sha256sum
command -v spoor-report >/dev/null || skip_all "spoor-report not built"

mk_pki "$T/pki"
mk_case "$T/case"
P=$T/pki
SIGN=(--key "$P/examiner.enc.key" --passphrase-file "$P/pass.txt"
	--cert "$P/examiner.crt" --chain "$P/chain.pem")
ORACLE=$SPOOR_SRC/tests/cli/report-timeline.py
DB=$T/case/case.db

# More of the phone (fictional): 700 messages of a group chat, 4 s apart
# from 19:40:00.5 to 20:26:36.5 UTC, around the tagged message
# (20:07:41) and before the tagged call (20:26:40); two at the edge of the window of the call tagged below
# (20:26:40 + 30 min: 20:56:40.9 is in, 20:56:41 is out); one far away;
# one tagged with a local time only.
python3 - "$DB" "$TAG_MSG_ID" <<'PY'
import json, sqlite3, sys
from datetime import datetime, timedelta
db = sqlite3.connect(sys.argv[1])
def msg(t, chat, text, **kw):
    r = {"type": "message", "app": "whatsapp", "plugin": "whatsapp-android",
         "chat_id": chat, "source_path": "data/data/com.whatsapp/"
         "databases/msgstore.db", "direction": "incoming",
         "sender": "31699999999@s.whatsapp.net", "text": text}
    if t:
        r["time"] = t
    r.update(kw)
    db.execute("INSERT INTO record_rows (run_id, exhibit, rtype, json) "
               "VALUES (2, 'E02', 'message', ?)", (json.dumps(r),))
t0 = datetime(2024, 3, 14, 19, 40, 0, 500000)
for i in range(700):
    t = t0 + timedelta(seconds=4 * i)
    msg(t.strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3] + 'Z',
        'groep@g.us', 'ruis %d' % i)
msg('2024-03-14T20:56:40.900Z', 'rand@s.whatsapp.net', 'net binnen')
msg('2024-03-14T20:56:41Z', 'rand@s.whatsapp.net', 'net buiten')
msg('2024-03-15T09:00:00Z', 'rand@s.whatsapp.net', 'volgende dag')
msg(None, 'lokaal@s.whatsapp.net', 'alleen lokale tijd',
    time_local='2024-03-14T21:00:00')
# the owner's unsent draft in the tagged conversation
chat, = db.execute("SELECT json_extract(json, '$.chat_id') FROM records "
                   "WHERE id = ?", (int(sys.argv[2]),)).fetchone()
msg('2024-03-14T20:07:50Z', chat, 'nog niet verstuurd', direction='draft',
    from_me=True, sender=None, recipient='31699999998@s.whatsapp.net')
db.commit()
PY
call_id=$(sqlite3 "$DB" "SELECT id FROM records WHERE rtype = 'call' AND json_extract(json, '$.time') = '2024-03-14T20:26:40Z' LIMIT 1")
local_id=$(sqlite3 "$DB" "SELECT id FROM records WHERE json_extract(json, '$.text') = 'alleen lokale tijd'")
sqlite3 "$DB" "INSERT INTO tags (record_id, label, note, examiner, time, custody_seq) VALUES ($call_id, 'afspraak', NULL, 'Examiner A', '2026-11-01T11:03:00Z', 8), ($local_id, 'lokaal', NULL, 'Examiner A', '2026-11-01T11:04:00Z', 9)"
ok "$([ -n "$call_id" ] && [ -n "$local_id" ]; echo $?)" \
	"the case has the tagged call ($call_id) and the local-time message"
ev_before=$(sum_tree "$EVID" | sha256sum)

# oracle WINDOW TAGGED_ONLY BUNDLE DESC
oracle() {
	python3 "$ORACLE" "$DB" "$3/report/report.html" "$1" "$2" \
		> "$T/py.out" 2>&1
	[ "$(grep -c '^ok\|^not ok' "$T/py.out")" -eq 6 ]
	ok $? "$4: the oracle's checks ran"
	while IFS= read -r l; do
		case $l in
		"ok - "*) ok 0 "$4: ${l#ok - }" ;;
		"not ok - "*) ok 1 "$4: ${l#not ok - }" ;;
		*) diag "$l" ;;
		esac
	done < "$T/py.out"
}

run_rc 0 "the default window" spoor-report -C "$T/case" -o "$T/b1" \
	"${SIGN[@]}" --recipient NL-POL-ZEDEN --lang en
oracle 30 0 "$T/b1" "30 minutes"
H=$T/b1/report/report.html
xmllint --html --noout "$H" 2>"$T/xl.err"
ok "$([ -s "$T/xl.err" ]; [ $? -ne 0 ]; echo $?)" "xmllint --html: well-formed"
grep -q '<li><a href="#timeline">Timeline around the tagged items</a></li>' "$H"
ok $? "the contents link to the timeline"
python3 - "$H" <<'PY'
import sys
s = open(sys.argv[1], encoding='utf-8').read()
a, b, c = (s.find(x) for x in ('id="conv-tagged"', 'id="timeline"',
                               'id="other"'))
sys.exit(0 if 0 < a < b < c else 1)
PY
ok $? "the timeline comes after the tagged conversations, before the rest"
# the 700 group messages: 100 before the tagged message, 100 after it,
# 100 before the tagged call: the rest is not shown, in two places
is "$(grep -c 'class="gap"' "$H")" 2 "two runs of entries not shown"
grep -q 'data-time="2024-03-14T20:56:40.900Z"' "$H"
ok $? "20:56:40.900 is inside the call's window (to the second)"
grep -q 'data-time="2024-03-14T20:56:41Z"' "$H"
ok "$([ $? -ne 0 ]; echo $?)" "20:56:41 is not"
grep -q '<tr class="tagged" data-record="'"$call_id"'"' "$H"
ok $? "the tagged call is outlined"

# the draft: written by the owner, not sent (direction from case.db)
draft_id=$(sqlite3 "$DB" "SELECT id FROM records WHERE json_extract(json, '$.direction') = 'draft' AND json_extract(json, '$.text') = 'nog niet verstuurd'")
python3 - "$H" "$draft_id" <<'PY'
import re, sys
s = open(sys.argv[1], encoding='utf-8').read()
rid = sys.argv[2]
row = re.search(r'<tr data-record="%s" [^>]*>(.*?)</tr>' % rid, s)
msg = ('<span class="meta">#%s &middot; the owner&#39;s draft, not sent '
       '&middot; device owner &middot; ' % rid) in s
ok = (row and '<td>device owner &rarr; 31699999998@s.whatsapp.net</td>'
      in row.group(1) and msg)
sys.exit(0 if ok else 1)
PY
ok $? "a draft of the owner: from the owner, said to be unsent (timeline and transcript)"

# the command of a "not shown" row lists the whole window
cmd=$(grep -o 'spoor-case timeline CASE --from [^ ]* --to [^<]*' "$H" | head -1)
set -- $cmd
run_rc 0 "$cmd" spoor-case timeline "$T/case" --from "$5" --to "$7" \
	--format=jsonl
n_all=$(python3 - "$DB" "$5" "$7" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect('file:%s?mode=ro' % sys.argv[1], uri=True)
lo, hi = sys.argv[2][:19], sys.argv[3][:19]
n = 0
for (j,) in db.execute("SELECT json FROM records WHERE rtype = 'message'"):
    t = json.loads(j).get('time')
    if t and lo <= t[:19] <= hi:
        n += 1
print(n)
PY
)
is "$(grep -c '"kind":"message"' "$T/out")" "$n_all" \
	"it lists every message of the window ($n_all, by sqlite3)"

run_rc 0 "--tagged-only" spoor-report -C "$T/case" -o "$T/b2" "${SIGN[@]}" \
	--recipient NL-POL-ZEDEN --lang en --tagged-only
oracle 30 1 "$T/b2" "--tagged-only"
grep -q 'ruis ' "$T/b2/report/report.html"
ok "$([ $? -ne 0 ]; echo $?)" "--tagged-only: nothing of the group chat"

run_rc 0 "--timeline-window=0" spoor-report -C "$T/case" -o "$T/b3" \
	"${SIGN[@]}" --recipient NL-POL-ZEDEN --lang nl --timeline-window=0
oracle 0 0 "$T/b3" "window 0"
grep -q '<h2>Tijdlijn rond de gemarkeerde items</h2>' "$T/b3/report/report.html"
ok $? "nl: the section's heading in Dutch"

run_rc 0 "--timeline-window=90" spoor-report -C "$T/case" -o "$T/b4" \
	"${SIGN[@]}" --recipient NL-POL-ZEDEN --lang en --timeline-window 90
oracle 90 0 "$T/b4" "90 minutes"

for bad in -1 10081 abc 5x ''; do
	run_rc 2 "--timeline-window='$bad' is refused" spoor-report \
		-C "$T/case" -o "$T/bx" "${SIGN[@]}" --recipient X \
		--timeline-window="$bad"
done
ok "$([ -e "$T/bx" ]; [ $? -ne 0 ]; echo $?)" "no bundle for a bad window"

openssl rand -hex 32 > "$T/master.hex"
# pseudonymised: the reporter (the tagged message's sender) is nowhere in
# the timeline, not by name nor by number
run_rc 0 "pseudonymised" spoor-report -C "$T/case" -o "$T/b5" \
	"${SIGN[@]}" --recipient NL-POL-ZEDEN --lang en \
	--pseudonymise +31612345001 --pseudonymise "Daan de Vries" \
	--master-key "$T/master.hex" --map-to "$P/reid.crt" \
	--map-out "$T/map.p7m"
python3 - "$T/b5/report/report.html" <<'PY'
import re, sys
s = open(sys.argv[1], encoding='utf-8').read()
i = s.find('<div id="timeline"')
sec = s[i:s.find('<div id="other"', i)]
bad = [x for x in ('612345001', 'Daan') if x in sec]
ok = i >= 0 and 'RPT-' in sec and not bad
sys.exit(0 if ok else 1)
PY
ok $? "pseudonymised: the timeline names the pseudonym, not the reporter"

is "$(sum_tree "$EVID" | sha256sum)" "$ev_before" "evidence unchanged"
done_testing
