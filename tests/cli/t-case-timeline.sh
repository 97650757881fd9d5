#!/bin/bash
# t-case-timeline: spoor-case timeline on a case built by the tools
# (spoor-artifacts on the 'modern' fixtures and chat exports, one with a
# time in the DST gap and one with no zone; spoor-files on files with
# set times).  Oracle: python3 reads case.db with its sqlite3 module
# (the committed `records` view, exhibits) and custody.log itself,
# builds the entries, sorts them with its own key and converts UTC to
# local time with zoneinfo; the tool's JSONL and CSV must equal it.
# case.db and custody.log are unchanged (sha256sum before == after).
. "$(dirname "$0")/lib.sh"
need python3 sqlite3 sha256sum
python3 -c 'import zoneinfo; zoneinfo.ZoneInfo("Europe/Amsterdam")' \
	2>/dev/null || skip_all "python3 zoneinfo without tzdata"
: "${SPOOR_PLUGIN_PATH:=$SPOOR_BUILD/plugins}"
export SPOOR_PLUGIN_PATH
[ -f "$SPOOR_PLUGIN_PATH/whatsapp-android.so" ] &&
	[ -f "$SPOOR_PLUGIN_PATH/whatsapp-txt.so" ] ||
	skip_all "whatsapp plugins not built"
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"

# ---- the case ----
bash "$SPOOR_SRC/testdata/mkartifacts.sh" "$T/fx" > /dev/null
ok $? "fixtures generated"
EV=$T/ev
mkdir -p "$EV/E02" "$EV/E03" "$EV/E04"
cp -r "$T/fx/modern" "$EV/E01"
# no zone: two messages in the same minute (a tie, kept in line order)
cat > "$EV/E02/WhatsApp-chat met Daan.txt" <<'EOF'
14-03-2024 21:07 - +31 6 12345001: Hoi, ken je mij nog?
14-03-2024 21:07 - +31 6 99999999: wie ben jij
EOF
# read with --tz: 02:30 on 31 March 2024 does not exist in Amsterdam
cat > "$EV/E03/WhatsApp-chat met Daan.txt" <<'EOF'
31-03-2024 02:30 - +31 6 12345001: midden in het gat
31-03-2024 03:10 - +31 6 12345001: na het gat
EOF
printf 'a\n' > "$EV/E04/a.txt"
printf 'b\n' > "$EV/E04/b.txt"
touch -d '2024-03-14 20:09:15 UTC' "$EV/E04/a.txt" "$EV/E04/b.txt"
C=$T/case
spoor-case init "$C" --case-id T-1 --examiner "Eva de Wit" 2>/dev/null &&
for e in E01 E02 E03 E04; do
	spoor-case add "$C" "$EV/$e" --exhibit $e > /dev/null 2>&1 || exit 1
done &&
spoor-artifacts -C "$C" "$EV/E01" > /dev/null 2>&1 &&
spoor-artifacts -C "$C" "$EV/E02" > /dev/null 2>&1 &&
spoor-artifacts -C "$C" --tz=Europe/Amsterdam "$EV/E03" > /dev/null 2>&1 &&
spoor-files -C "$C" "$EV/E04" > /dev/null 2>&1 &&
spoor-case tag "$C" 1 3 --label grooming > /dev/null 2>&1
ok $? "case built: 4 exhibits, 4 runs, a tag"
is "$(sqlite3 "$C/case.db" "SELECT count(*) FROM records WHERE json_extract(json, '\$.time_quality') = 'nonexistent'")" 1 \
	"a message in the DST gap (sqlite3)"
is "$(sqlite3 "$C/case.db" "SELECT count(*) FROM records WHERE json_extract(json, '\$.time_quality') = 'zone-unknown'")" 2 \
	"two messages with no zone (sqlite3)"

sums() { sha256sum "$C/case.db" "$C/custody.log"; }
sums > "$T/sum-before"

# ---- the oracle ----
cat > "$T/oracle.py" <<'EOF'
import json, sqlite3, sys, re, datetime, zoneinfo
case, tz = sys.argv[1], sys.argv[2]
args = dict(a.split('=', 1) for a in sys.argv[3:])
db = sqlite3.connect('file:' + case + '/case.db?mode=ro', uri=True)
ent = []
def add(t, tloc, q, kind, macb, ex, rid, cseq, so, sub):
    if t is None and tloc is None:
        return
    ent.append(dict(time=t, tloc=tloc, time_quality=q, kind=kind,
                    macb=macb, exhibit=ex, record_id=rid,
                    custody_seq=cseq, so=so, sub=sub))
for rid, ex, rtype, js in db.execute(
        'SELECT id, exhibit, rtype, json FROM records'):
    j = json.loads(js)
    if rtype == 'file':
        flags = (j.get('fs_time_flags') or '').split()
        for n, (f, l) in enumerate([('mtime', 'm...'), ('atime', '.a..'),
                                    ('ctime', '..c.'), ('crtime', '...b')]):
            q = [x.split(':')[1] for x in flags if x.startswith(f + ':')]
            add(j.get(f), None, q[0] if q else None, 'file', l, ex, rid,
                None, j.get('source_order'), n + 1)
    elif rtype in ('message', 'call', 'contact'):
        t = j.get('time')
        tl = j.get('time_local')
        if rtype == 'contact':
            t = t or j.get('time_added') or j.get('created')
            tl = tl or j.get('time_added_local')
        so = next((j[k] for k in ('source_order', 'sort_key', 'line',
                                  'rowid') if j.get(k) is not None), None)
        add(t, tl, j.get('time_quality'), rtype, None, ex, rid, None, so, 0)
for ex, added, seq in db.execute(
        'SELECT exhibit, added, custody_seq FROM exhibits'):
    add(added, None, None, 'exhibit', None, ex, None, seq, seq, 0)
for line in open(case + '/custody.log'):
    seq, prev, js = line.rstrip('\n').split('\t', 2)
    e = json.loads(js)
    add(e['time'], None, None, 'custody', None, e.get('exhibit'), None,
        int(seq), int(seq), 0)
def isokey(s):
    m = re.fullmatch(r'(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z?', s)
    return m.group(1), (m.group(2) or '').rstrip('0')
def null_first(v):
    return (0, 0) if v is None else (1, v)
for e in ent:
    e['k'] = isokey(e['time'] if e['time'] is not None else e['tloc'])
# the filters
tagged = {r for (r,) in db.execute(
    'SELECT record_id FROM tags WHERE label = ?', (args.get('tag'),))}
def keep(e):
    if 'exhibit' in args and e['exhibit'] != args['exhibit']:
        return False
    if 'kinds' in args and e['kind'] not in args['kinds'].split(','):
        return False
    if 'tag' in args and e['record_id'] not in tagged:
        return False
    if 'from' in args and e['k'][0] < args['from']:
        return False
    if 'to' in args and e['k'][0] > args['to']:
        return False
    if 'ids' in args and e['record_id'] not in \
            {int(x) for x in args['ids'].split(',')}:
        return False
    return True
ent = [e for e in ent if keep(e)]
ent.sort(key=lambda e: (e['k'], null_first(e['so']),
                        null_first(e['record_id']), e['sub']))
z = zoneinfo.ZoneInfo(tz)
for e in ent:
    if e['time'] is not None:
        sec, frac = re.fullmatch(r'(.{19})(\.\d+)?Z', e['time']).groups()
        u = datetime.datetime.fromisoformat(sec).replace(
            tzinfo=datetime.timezone.utc)
        loc = u.astimezone(z)
        off = loc.utcoffset().total_seconds()
        tl = loc.strftime('%Y-%m-%dT%H:%M:%S') + (frac or '') + \
            '%s%02d:%02d' % ('-' if off < 0 else '+', abs(off) // 3600,
                             abs(off) % 3600 // 60)
    else:
        tl = e['tloc']
    print(json.dumps([e['time'], tl, e['time_quality'], e['kind'],
                      e['macb'], e['exhibit'], e['record_id'],
                      e['custody_seq']]))
EOF
# the tool's JSONL (or CSV) projected to the oracle's fields
cat > "$T/proj.py" <<'EOF'
import json, sys, csv
if sys.argv[1] == 'csv':
    for r in csv.DictReader(sys.stdin):
        g = lambda k: r[k] if r[k] != '' else None
        n = lambda k: int(r[k]) if r[k] != '' else None
        print(json.dumps([g('time'), g('time_local'), g('time_quality'),
                          g('kind'), g('macb'), g('exhibit'),
                          n('record_id'), n('custody_seq')]))
else:
    for l in sys.stdin:
        r = json.loads(l)
        print(json.dumps([r[k] for k in ('time', 'time_local',
              'time_quality', 'kind', 'macb', 'exhibit', 'record_id',
              'custody_seq')]))
EOF
# check DESC ORACLE-ARGS -- TOOL-ARGS
check() {
	_d=$1
	shift
	_o=()
	while [ "$1" != -- ]; do _o+=("$1"); shift; done
	shift
	python3 "$T/oracle.py" "$C" "${TZ_:-Europe/Amsterdam}" "${_o[@]}" \
		> "$T/want"
	run_rc 0 "timeline $_d" spoor-case timeline "$C" --format=jsonl "$@"
	python3 "$T/proj.py" jsonl < "$T/out" > "$T/got"
	diff_ok "$T/got" "$T/want" "timeline $_d: the oracle's entries in its order"
}

check "all" --
n_all=$(wc -l < "$T/want")
is "$(grep -c '"file"' "$T/want")" \
	"$(sqlite3 "$C/case.db" "SELECT 4 * count(*) FROM records WHERE rtype = 'file'")" \
	"four MACB entries per file record (sqlite3)"
ok "$([ "$n_all" -gt 30 ] && echo 0 || echo 1)" "the whole case: $n_all entries"
# the DST-gap message (01:30Z) after the one at 03:10 local (01:10Z)
python3 - "$T/got" > "$T/gap" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
e03 = [r for r in rows if r[5] == 'E03' and r[3] == 'message']
print(' '.join('%s/%s/%s' % (r[0], r[1], r[2]) for r in e03))
EOF
is "$(cat "$T/gap")" \
	"2024-03-31T01:10:00Z/2024-03-31T03:10:00+02:00/exact 2024-03-31T01:30:00Z/2024-03-31T03:30:00+02:00/nonexistent" \
	"DST gap: ordered by the instant, quality kept, local time in the case zone"
python3 - "$T/got" > "$T/zu" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print(' '.join('%s/%s/%s/%s' % (r[0], r[1], r[2], r[6]) for r in rows
               if r[5] == 'E02' and r[3] == 'message'))
EOF
ids=$(sqlite3 "$C/case.db" "SELECT group_concat(id, ' ') FROM (SELECT id FROM records WHERE exhibit = 'E02' AND rtype = 'message' ORDER BY json_extract(json, '\$.line'))")
set -- $ids
is "$(cat "$T/zu")" \
	"None/2024-03-14T21:07:00/zone-unknown/$1 None/2024-03-14T21:07:00/zone-unknown/$2" \
	"zone unknown: no UTC invented, the tie kept in line order"
check "--exhibit" exhibit=E04 -- --exhibit=E04
check "--kind (two)" kinds=message,call -- --kind=message --kind=call
check "--kind=custody" kinds=custody -- --kind=custody
check "--tag" tag=grooming -- --tag=grooming
is "$(wc -l < "$T/got")" 2 "--tag: the two tagged messages"
check "--from/--to" from=2024-03-14T20:09:15 to=2024-03-14T20:12:00 -- \
	--from=2024-03-14T20:09:15Z --to=2024-03-14T20:12
check "--to a whole day" to=2024-03-14T23:59:59 -- --to=2024-03-14
# identity: the records whose fields hold Daan's number (sqlite3)
dids=$(sqlite3 "$C/case.db" "SELECT group_concat(id) FROM (SELECT DISTINCT r.id FROM records r, json_each(r.json) j WHERE j.key IN ('sender_phone', 'recipient_phone', 'phone') AND j.value = '+31612345001' ORDER BY r.id)")
check "--identity" "ids=$dids" -- --identity=+31612345001
ok "$([ "$(wc -l < "$T/got")" -ge 4 ] && echo 0 || echo 1)" \
	"--identity: Daan's messages and calls across exhibits"
TZ_=UTC check "--tz=UTC" -- --tz=UTC
TZ_=America/New_York check "--tz=America/New_York" -- \
	--tz=America/New_York

# CSV: the same entries
run_rc 0 "timeline --format=csv" spoor-case timeline "$C" --format=csv
python3 "$T/proj.py" csv < "$T/out" > "$T/got"
python3 "$T/oracle.py" "$C" Europe/Amsterdam > "$T/want"
diff_ok "$T/got" "$T/want" "CSV: the same entries (python3 csv)"
# text: a line per entry, provenance on each record's line
run_rc 0 "timeline (text)" spoor-case timeline "$C"
is "$(wc -l < "$T/out")" "$n_all" "text: a line per entry"
grep -q 'Daan de Vries -> owner: Hoi, ben je er?  \[record 1\]$' "$T/out"
ok $? "text: sender -> recipient: text [record id]"

# usage errors
run_rc 2 "an unknown --kind" spoor-case timeline "$C" --kind=sms
run_rc 2 "--from not ISO 8601" spoor-case timeline "$C" --from=14-03-2024
run_rc 2 "--from with an offset" spoor-case timeline "$C" \
	--from=2024-03-14T20:00:00+01:00
run_rc 2 "a bad --tz" spoor-case timeline "$C" --tz=Mars/Olympus
run_rc 2 "--format=csv for records" spoor-case records "$C" --format=csv

sums > "$T/sum-after"
diff_ok "$T/sum-after" "$T/sum-before" \
	"case.db and custody.log unchanged by timeline (sha256sum)"

# a time that is not ISO 8601 is counted, not silently dropped (a copy)
cp -r "$C" "$T/c2"
sqlite3 "$T/c2/case.db" "INSERT INTO record_rows (run_id, exhibit, rtype, json) SELECT run_id, exhibit, rtype, json_set(json, '\$.time', 'gisteren') FROM record_rows WHERE id = 1"
run_rc 5 "an unplaceable time: exit 5" spoor-case timeline "$T/c2"
grep -q '1 entry with a time that is not ISO 8601' "$T/err"
ok $? "the warning counts it"
is "$(wc -l < "$T/out")" "$n_all" "the rest is listed"

done_testing
