#!/bin/bash
# t-artifacts-downloads: snapchat-export, instagram-export,
# messenger-export, tiktok-export and discord-export on the archives of
# testdata/mkdownloads.sh (unpacked and zipped), each compared with the
# records tests/cli/oracle/downloads.py computes from the fixture files
# alone (python3 json, html.parser, csv, hashlib, zoneinfo, file(1)); the
# real Instagram sample of chat-miner against its target.json; damaged
# and unknown files (exit 5, never 0 messages); a 100 MiB chat history
# read in bounded memory; the evidence hashed before and after.
. "$(dirname "$0")/lib.sh"
need python3 sha256sum file timeout
: "${SPOOR_PLUGIN_PATH:=$SPOOR_BUILD/plugins}"
export SPOOR_PLUGIN_PATH
for p in snapchat-export instagram-export messenger-export tiktok-export \
    discord-export; do
	[ -f "$SPOOR_PLUGIN_PATH/$p.so" ] || skip_all "$p.so not built"
done
: "${SPOOR_SAMPLES:=$SPOOR_SRC/../shared/samples}"
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"
F=$T/dl
bash "$SPOOR_SRC/testdata/mkdownloads.sh" "$F" > /dev/null
ok $? "fixtures generated"
O="python3 $SPOOR_SRC/tests/cli/oracle/downloads.py"
ALL="--plugin=snapchat-export --plugin=instagram-export"
ALL="$ALL --plugin=messenger-export --plugin=tiktok-export"
ALL="$ALL --plugin=discord-export"
tab=$'\t'
ev_sha() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
ev_sha "$F" > "$T/before"
# a python one-liner over a JSONL file: py FILE 'expression over rs'
py() {
	PYF=$1 python3 -c "import json, os, sys
rs = [json.loads(l) for l in open(os.environ['PYF'], encoding='utf-8')]
r = $2
print(r if not isinstance(r, bool) else ('true' if r else 'false'))"
}
# compare KIND EVIDENCE [DIR for the oracle] -- spoor options...
compare() {
	k=$1 ev=$2 dir=$3
	shift 3
	$O got "$T/out" > "$T/got.$k"
	$O expect "$k" "$dir" Europe/Amsterdam sanne_j > "$T/want.$k"
	diff_ok "$T/got.$k" "$T/want.$k" "$k: every record as the oracle reads the files ($(wc -l < "$T/want.$k") rows)"
}

# ---- Snapchat ----
run_rc 0 "snapchat, newer layout" spoor-artifacts $ALL "$F/snapchat"
compare snapchat "$F/snapchat" "$F/snapchat"
cp "$T/out" "$T/snap.jsonl"
is "$(py "$T/snap.jsonl" "[(a['found'], a['mime']) for r in rs if r.get('json_pointer') == '/daan_v/2' and r['type'] == 'message' for a in r['attachments']]")" \
	"[(True, 'image/jpeg'), (True, 'video/mp4'), (False, None)]" \
	"three Media IDs: the file of the message's date, the day before, and one missing (said so)"
is "$(py "$T/snap.jsonl" "[r['attachments'][0]['sha256'] for r in rs if r.get('json_pointer') == '/daan_v/2' and r['type'] == 'message'][0]")" \
	"$(sha256 "$F"/snapchat/chat_media/2024-03-14_b~*.jpg)" "chat media hashed (sha256sum)"
want=$(python3 -c "import json, datetime as d
m = json.load(open('$F/snapchat/json/chat_history.json'))['daan_v']
print([abs(int(d.datetime.strptime(x['Created'], '%Y-%m-%d %H:%M:%S UTC').replace(tzinfo=d.timezone.utc).timestamp()) - x['Created(microseconds)'] // 1000) >= 1 for x in m])")
is "$(py "$T/snap.jsonl" "[r['time_mismatch'] for r in rs if r['type'] == 'message' and r['history'] == 'chat' and r['chat_id'] == 'daan_v']")" \
	"$want" "Created and Created(microseconds) compared: the 5 s one flagged"
is "$(grep -c '"source_path":"html/' "$T/snap.jsonl")" 0 \
	"the HTML beside the JSON is not read twice"
grep -q "'chat_media" "$T/snap.jsonl"
ok $((! $?)) "no media bytes or paths outside records"
is "$(py "$T/snap.jsonl" "sorted(set(r['kind'] for r in rs if r['type'] == 'message'))")" \
	"['media', 'snap', 'sticker', 'system', 'text']" "kinds: text, media, sticker, system (STATUS...), snap"

run_rc 0 "snapchat, older layout, zipped" spoor-artifacts $ALL --exhibit=old "$F/snapchat-old.zip"
mkdir -p "$T/old"
python3 -c "import zipfile; zipfile.ZipFile('$F/snapchat-old.zip').extractall('$T/old')"
compare snapchat "$F/snapchat-old.zip" "$T/old"
is "$(py "$T/out" "sorted((r['list'], r['direction']) for r in rs if r['type'] == 'message')")" \
	"[('Received Saved Chat History', 'incoming'), ('Received Saved Chat History', 'incoming'), ('Received Snap History', 'incoming'), ('Sent Saved Chat History', 'outgoing'), ('Sent Snap History', 'outgoing')]" \
	"older layout: direction from the list"

run_rc 0 "snapchat, HTML only" spoor-artifacts $ALL "$F/snapchat-html"
compare snapchat-html "$F/snapchat-html" "$F/snapchat-html"

# ---- Instagram, Messenger ----
run_rc 0 "instagram" spoor-artifacts $ALL "$F/instagram"
compare instagram "$F/instagram" "$F/instagram"
cp "$T/out" "$T/ig.jsonl"
grep -q 'Ã\|Â\|ð' "$T/ig.jsonl"
ok $((! $?)) "no mojibake left anywhere (names, titles, texts, reactions)"
is "$(py "$T/ig.jsonl" "[(r['chat_name'], r['mojibake_repaired']) for r in rs if r['type'] == 'conversation' and r['thread_box'] == 'message_requests']")" \
	"[('Zoë Bakker', True)]" "a message request: title repaired, and said so"
is "$(py "$T/ig.jsonl" "[(r['message_count'], r['file_count']) for r in rs if r['type'] == 'conversation' and r['chat_id'].startswith('inbox/daan')]")" \
	"[($(cat "$F"/instagram/your_instagram_activity/messages/inbox/daandevries_*/message_*.json | python3 -c "import sys, json; d = sys.stdin.read().replace('}\n{', '}\x00{').split('\x00'); print(sum(len(json.loads(x)['messages']) for x in d))"), 2)]" \
	"one conversation over message_1.json and message_2.json, all messages counted"
is "$(py "$T/ig.jsonl" "[r['time_raw'] for r in sorted((r for r in rs if r['type'] == 'message' and r['chat_id'].startswith('inbox/daan')), key=lambda r: r['sort_key'])] == sorted(r['time_raw'] for r in rs if r['type'] == 'message' and r['chat_id'].startswith('inbox/daan'))")" \
	true "sort_key orders the thread oldest first across the files (Meta lists newest first)"
is "$(py "$T/ig.jsonl" "[(r['kind'], r['unsent']) for r in rs if r['type'] == 'message' and r.get('unsent')]")" \
	"[('unsent', True)]" "an unsent message"

run_rc 0 "instagram HTML export, --tz" spoor-artifacts $ALL --tz=Europe/Amsterdam "$F/instagram-html"
compare instagram-html "$F/instagram-html" "$F/instagram-html"
is "$(py "$T/out" "[(r['time_local'], r['time_quality'], r['time']) for r in rs if r['type'] == 'message' and r['time_raw'].startswith('Mar 31')]")" \
	"[('2024-03-31T02:30:00', 'nonexistent', '2024-03-31T01:30:00Z')]" \
	"HTML times are local: 02:30 on 31 March does not exist in Amsterdam, flagged"
run_rc 0 "instagram HTML export, no --tz" spoor-artifacts $ALL "$F/instagram-html"
is "$(py "$T/out" "sorted(set((r['time'], r['time_quality']) for r in rs if r['type'] == 'message'))")" \
	"[(None, 'zone-unknown')]" "without --tz the HTML's times stay local (no invented Z)"
is "$(grep -c 'local times without a time zone' "$T/err")" 1 "one warning per file"

run_rc 0 "messenger" spoor-artifacts $ALL "$F/messenger"
compare messenger "$F/messenger" "$F/messenger"
cp "$T/out" "$T/fb.jsonl"
is "$(py "$T/fb.jsonl" "[(r['duration'], r['direction']) for r in rs if r['type'] == 'call']")" \
	"[(65, 'incoming')]" "call_duration: a call record"
run_rc 0 "messenger, zipped" spoor-artifacts $ALL --exhibit=messenger "$F/messenger.zip"
$O got "$T/out" > "$T/got.zip"
diff_ok "$T/got.zip" "$T/got.messenger" "the zip as delivered gives the same records as the folder"
spoor-artifacts $ALL --exhibit=messenger "$F/messenger-truncated.zip" > "$T/out" 2> "$T/err"
rc=$?
grep -q "archive damaged" "$T/err"
ok $? "truncated zip: said so"
$O got "$T/out" > "$T/got.cut"
comm -23 "$T/got.cut" "$T/got.messenger" | grep -v ':false::null:null' > "$T/extra"
is "$(wc -l < "$T/extra")" 0 "truncated zip: nothing invented (every record as from the whole archive, media lost said not found)"
is "$(py "$T/out" "sorted(set(a['found'] for r in rs for a in r.get('attachments') or []))")" \
	"[False]" "truncated zip: the media after the cut are not found, and said so"
if [ "$rc" = 5 ]; then
	ok 0 "truncated zip: exit 5"
else
	# the host counts damaged members toward exit 5 in issue 14's
	# branch (i14-dropped), not in this one
	echo "not ok $((_tap_n + 1)) - truncated zip: exit 5 (got $rc) # TODO exit 5 for a damaged archive comes with i14-dropped"
	_tap_n=$((_tap_n + 1))
fi

run_rc 0 "meta export that does not say whose" spoor-artifacts $ALL "$F/meta-unknown"
is "$(py "$T/out" "sorted(set((r['plugin'], r['app']) for r in rs))")" \
	"[('instagram-export', 'meta')]" "read once, app meta, not guessed"
grep -q 'does not say Instagram or Facebook' "$T/err"
ok $? "and said so"

# ---- TikTok ----
run_rc 0 "tiktok, --tz" spoor-artifacts $ALL --tz=Europe/Amsterdam "$F/tiktok"
compare tiktok "$F/tiktok" "$F/tiktok"
is "$(py "$T/out" "[r['time_quality'] for r in rs if r['type'] == 'message' and r['time_raw'] == '2023-03-26 02:30:00']")" \
	"['nonexistent']" "TikTok Date is local: the DST gap flagged"
run_rc 0 "tiktok, no --tz" spoor-artifacts $ALL "$F/tiktok"
is "$(py "$T/out" "sorted(set((r['time'], r['time_quality']) for r in rs if r['type'] == 'message'))")" \
	"[(None, 'zone-unknown')]" "without --tz TikTok times stay local"
run_rc 0 "tiktok TXT" spoor-artifacts $ALL "$F/tiktok-txt"
compare tiktok-txt "$F/tiktok-txt" "$F/tiktok-txt"

# ---- Discord ----
run_rc 0 "discord package (JSON and CSV)" spoor-artifacts $ALL --tz=Europe/Amsterdam "$F/discord" "$F/discord-old"
compare discord "$F/discord" "$F/discord"
cp "$T/out" "$T/dc.jsonl"
is "$(py "$T/dc.jsonl" "sorted(set((r['one_sided'], r['note']) for r in rs if r['type'] == 'conversation'))")" \
	"[(True, \"a Discord data package holds only the owner's own messages\")]" \
	"the package holds one side: said on every conversation"
is "$(py "$T/dc.jsonl" "[(r['message_id'], r['time_checked_by_id'], r['id_time']) for r in rs if r['type'] == 'message' and r['source_path'].endswith('.json')]")" \
	"$(python3 -c "import json, glob, datetime as d
out = []
for f in sorted(glob.glob('$F/discord/Messages/c*/messages.json')):
    for m in json.load(open(f)):
        ms = (m['ID'] >> 22) + 1420070400000
        ts = int(d.datetime.strptime(m['Timestamp'], '%Y-%m-%d %H:%M:%S').replace(tzinfo=d.timezone.utc).timestamp())
        out.append((str(m['ID']), abs(ts - ms / 1000) <= 1, d.datetime.fromtimestamp(ms // 1000, d.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')))
print(out)")" "Timestamps checked against the IDs' snowflake instants"
run_rc 0 "DiscordChatExporter" spoor-artifacts $ALL --me=sanne_j "$F/dce"
compare dce "$F/dce" "$F/dce"

# ---- the oracle can fail ----
cp -r "$F/instagram" "$T/ig2"
sed -i 's/Ken je me nog/Ken je me niet/' "$T"/ig2/your_instagram_activity/messages/inbox/daandevries_*/message_2.json
$O got "$T/ig.jsonl" > "$T/g1"
$O expect instagram "$T/ig2" > "$T/w1"
cmp -s "$T/g1" "$T/w1"
ok $((! $?)) "the comparison catches one changed word"

# ---- the real Instagram sample (chat-miner) ----
s=$SPOOR_SAMPLES/exports/chat-miner/instagram
if [ -f "$s/test_export.json" ]; then
	d=$T/igreal/your_instagram_activity/messages/inbox/janedoe_1
	mkdir -p "$d"
	cp "$s/test_export.json" "$d/message_1.json"
	run_rc 0 "chat-miner's Instagram export" spoor-artifacts $ALL "$T/igreal"
	is "$(py "$T/out" "[{'timestamp': r['time'][:-1], 'author': r['sender_name'], 'message': r['text']} for r in rs if r['type'] == 'message']")" \
		"$(python3 -c "import json; print(json.load(open('$s/target.json')))")" \
		"as its target.json says (timestamp, author, message)"
else
	skip "no shared samples"
fi

# ---- damaged, unknown, hostile ----
bad() {	# bad NAME WHY-REGEX DESC
	run_rc 5 "$3" timeout 60 spoor-artifacts $ALL "$F/bad/$1"
	grep -qE "$2" "$T/err"
	ok $? "$3: said why"
}
bad snap-cut "JSON truncated" "a cut chat_history.json"
is "$(py "$T/out" "[r['text'] for r in rs if r['type'] == 'message']")" \
	"$(python3 -c "import json; print([m['Content'] for m in json.load(open('$F/snapchat/json/chat_history.json'))['daan_v'][:3]])")" \
	"a cut file: the messages before the cut are all there"
bad snap-shape "neither Snapchat layout" "chat_history.json of another shape"
bad snap-deep "nested deeper" "JSON nested 100,000 deep"
bad snap-huge "larger than the limit" "a 40 MiB message"
is "$(py "$T/out" "[r['text'] for r in rs if r['type'] == 'message']")" "['na']" \
	"a 40 MiB message skipped, the next one read"
bad meta-missing "message_1.json of this thread is missing" "message_2 without message_1"
bad meta-nomsgs "no messages list" "a message file without messages"
bad tiktok-none "none of the sections" "user_data.json without TikTok sections"
bad dce-nomsgs "without its messages list" "a DiscordChatExporter file without messages"
bad discord-csv "truncated inside a quoted field" "a CSV cut inside quotes"

# ---- a large file, streamed ----
case "${SPOOR_SANITIZE:-}" in
*address*) skip "memory bound (not under ASan)" ;;
*)
	mkdir -p "$T/big/json"
	python3 - "$T/big/json/chat_history.json" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    f.write("{")
    for c in range(400):
        f.write("%s\"user_%d\": [" % ("," if c else "", c))
        for i in range(800):
            f.write(("," if i else "") + json.dumps({
                "From": "user_%d" % c, "Media Type": "TEXT",
                "Created": "2024-03-14 20:07:41 UTC",
                "Content": "x" * 250, "Conversation Title": None,
                "IsSender": i % 2 == 0, "Created(microseconds)": 1710446861000 + i,
                "IsSaved": True, "Media IDs": ""}))
        f.write("]")
    f.write("}")
PY
	size=$(stat -c %s "$T/big/json/chat_history.json")
	/usr/bin/time -f "%M" -o "$T/rss" spoor-artifacts -q --plugin=snapchat-export \
		-o "$T/big.jsonl" "$T/big" 2> "$T/err"
	ok $? "a $((size >> 20)) MiB chat_history.json read"
	is "$(grep -c '"type":"message"' "$T/big.jsonl")" 320000 "all 320,000 messages"
	rss=$(tail -1 "$T/rss")
	[ "$rss" -lt 65536 ]
	ok $? "in bounded memory: peak ${rss} KiB (under 64 MiB) for a $((size >> 10)) KiB file"
	rm -rf "$T/big" "$T/big.jsonl"
	;;
esac

run_rc 0 "--list-plugins" spoor-artifacts --list-plugins
for p in snapchat-export instagram-export messenger-export tiktok-export \
    discord-export; do
	grep -q "^$p$tab" "$T/out"
	ok $? "--list-plugins names $p"
done

ev_sha "$F" > "$T/after"
diff_ok "$T/after" "$T/before" "evidence unchanged (sha256 of every file)"
done_testing
