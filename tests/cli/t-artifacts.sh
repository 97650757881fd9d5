#!/bin/bash
# t-artifacts: spoor-artifacts with the whatsapp-android plugin on the
# fixtures of testdata/mkartifacts.sh.  The expected values below are
# written from the INSERT statements of that script, not from spoor's
# output; JSON is read with Perl's JSON::PP.  Also: exit codes, "not
# understood" vs "0 messages", WAL-only rows, hostile databases, a zip
# with ../ names, and evidence hashes unchanged after every run.
. "$(dirname "$0")/lib.sh"
need perl sqlite3 sha256sum
: "${SPOOR_PLUGIN_PATH:=$SPOOR_BUILD/plugins}"
export SPOOR_PLUGIN_PATH
[ -f "$SPOOR_PLUGIN_PATH/whatsapp-android.so" ] ||
	skip_all "whatsapp-android.so not built"

F=$T/fx
bash "$SPOOR_SRC/testdata/mkartifacts.sh" "$F" > /dev/null
ok $? "fixtures generated"
(cd "$F" && find . -type f -print0 | sort -z | xargs -0 sha256sum) \
	> "$T/hashes-before"
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"

# ---- modern msgstore.db + wa.db + media ----
run_rc 0 "modern msgstore.db" spoor-artifacts --plugin=whatsapp-android \
	"$F/modern"
cp "$T/out" "$T/modern.jsonl"
jsonl_fields "$T/modern.jsonl" type table rowid chat_id chat_type direction \
	sender sender_name kind text > "$T/got"
ok $? "every line is valid JSON"
tab=$'\t'
cat > "$T/want" <<EOF
message	message	1	31612345001@s.whatsapp.net	individual	incoming	31612345001@s.whatsapp.net	Daan de Vries	text	Hoi, ben je er?
message	message	2	31612345001@s.whatsapp.net	individual	outgoing	null	null	text	Ja, hoezo?
message	message	3	31612345001@s.whatsapp.net	individual	incoming	31612345001@s.whatsapp.net	Daan de Vries	image	null
message	message	4	120363000000000001@g.us	group	incoming	31612345002@s.whatsapp.net	Sanne Jansen	text	Wie komt er morgen?
message	message	5	120363000000000001@g.us	group	incoming	31612345004@s.whatsapp.net	Lotte Bakker	text	Ik!
message	message	6	31612345001@s.whatsapp.net	individual	incoming	31612345001@s.whatsapp.net	Daan de Vries	revoked	null
message	message	7	120363000000000001@g.us	group	incoming	31612345002@s.whatsapp.net	Sanne Jansen	system	null
message	message	8	31612345001@s.whatsapp.net	individual	outgoing	null	null	text	Ja ik ben er
message	message	9	31612345004@s.whatsapp.net	individual	incoming	31612345004@s.whatsapp.net	Lotte Bakker	text	Hallo via LID
message	message	10	447400123456@s.whatsapp.net	individual	incoming	447400123456@s.whatsapp.net	null	text	Hi, how was school?
message	message	11	31612345001@s.whatsapp.net	individual	incoming	31612345001@s.whatsapp.net	Daan de Vries	image	null
call	call_log	1	null	null	incoming	null	null	null	null
call	call_log	2	null	null	outgoing	null	null	null	null
contact	wa_contacts	1	null	null	null	null	null	null	null
contact	wa_contacts	2	null	null	null	null	null	null	null
contact	wa_contacts	3	null	null	null	null	null	null	null
contact	wa_contacts	4	null	null	null	null	null	null	null
EOF
diff_ok "$T/got" "$T/want" "modern: rows, chats, directions, group senders, LID mapped, kinds"

# provenance: every record names its source and that file's SHA-256
db=$F/modern/data/data/com.whatsapp/databases
want_db=$(sha256 "$db/msgstore.db")
want_wa=$(sha256 "$db/wa.db")
jsonl_fields "$T/modern.jsonl" type source_path source_sha256 exhibit plugin |
	sort -u > "$T/got"
cat > "$T/want" <<EOF
call	data/data/com.whatsapp/databases/msgstore.db	$want_db	modern	whatsapp-android
contact	data/data/com.whatsapp/databases/wa.db	$want_wa	modern	whatsapp-android
message	data/data/com.whatsapp/databases/msgstore.db	$want_db	modern	whatsapp-android
EOF
diff_ok "$T/got" "$T/want" "provenance: source path, sha256sum of the source, exhibit, plugin"

# times: 1710446861000 ms = 2024-03-14T20:07:41Z (date -u is the oracle)
is "$(jsonl_fields "$T/modern.jsonl" rowid time time_raw time_unit | sed -n 1p)" \
	"1${tab}$(date -u -d @1710446861 +%Y-%m-%dT%H:%M:%SZ)${tab}1710446861000${tab}unix_ms" \
	"time in UTC with the raw value and its unit"
# LID: the chat of row 9 was stored as a LID
is "$(jsonl_fields "$T/modern.jsonl" rowid chat_lid sender_lid | awk -F'\t' '$1 == 9 || $1 == 5' | tr '\n' ' ')" \
	"5${tab}null${tab}98765432101234@lid 9${tab}98765432101234@lid${tab}98765432101234@lid " \
	"LID JIDs are kept beside the mapped phone JID"
# names: address book and the push name chosen by the person
is "$(jsonl_fields "$T/modern.jsonl" type jid name push_name phone phone_raw | grep '^contact' | sed -n 2,3p | tr '\n' '|')" \
	"contact${tab}31612345002@s.whatsapp.net${tab}Sanne Jansen${tab}sanne_xx${tab}+31612345002${tab}+31 6 12345002|contact${tab}447400123456@s.whatsapp.net${tab}null${tab}Emma B${tab}+447400123456${tab}null|" \
	"wa.db contacts: display name, push name, E.164 and stored number"
is "$(jsonl_fields "$T/modern.jsonl" rowid sender_push_name | sed -n 10p)" \
	"10${tab}Emma B" "a sender without an address-book name has a push name"
# media: the file that exists is found and hashed, the other is not
img="$F/modern/sdcard/WhatsApp/Media/WhatsApp Images/IMG-20240314-WA0001.jpg"
is "$(jsonl_fields "$T/modern.jsonl" type rowid media_path media_found media_evidence_path media_sha256 caption | grep '^message' | cut -f2- | awk -F'\t' '$1 == 3 || $1 == 11' | tr '\n' '|')" \
	"3${tab}Media/WhatsApp Images/IMG-20240314-WA0001.jpg${tab}true${tab}sdcard/WhatsApp/Media/WhatsApp Images/IMG-20240314-WA0001.jpg${tab}$(sha256 "$img")${tab}kijk|11${tab}Media/WhatsApp Images/IMG-20240314-WA0099.jpg${tab}false${tab}null${tab}null${tab}null|" \
	"attachments resolved to evidence files with their SHA-256; missing ones flagged"
is "$(jsonl_fields "$T/modern.jsonl" rowid quoted_key_id revoked system_action | awk -F'\t' '$1 >= 6 && $1 <= 8' | tr '\n' '|')" \
	"6${tab}null${tab}true${tab}null|7${tab}null${tab}false${tab}4|8${tab}M1${tab}false${tab}null|" \
	"revoked, system action and quoted message"
is "$(jsonl_fields "$T/modern.jsonl" type jid video duration result_raw time | grep '^call' | tr '\n' '|')" \
	"call${tab}31612345001@s.whatsapp.net${tab}true${tab}65${tab}5${tab}2024-03-14T20:26:40Z|call${tab}447400123456@s.whatsapp.net${tab}false${tab}0${tab}2${tab}2024-03-14T20:28:20Z|" \
	"call_log: peer, video, duration, raw result, time"

# ---- legacy and transitional ----
run_rc 0 "legacy msgstore.db" spoor-artifacts -q "$F/legacy"
jsonl_fields "$T/out" type rowid chat_id sender kind text caption media_name quoted_key_id |
	grep '^message' > "$T/got"
cat > "$T/want" <<EOF
message	2	31612345001@s.whatsapp.net	31612345001@s.whatsapp.net	text	Hoi oud	null	null	null
message	3	31612345001@s.whatsapp.net	null	text	Hee	null	null	L1
message	4	120363000000000001@g.us	31612345002@s.whatsapp.net	text	Groepsbericht	null	null	null
message	5	31612345001@s.whatsapp.net	31612345001@s.whatsapp.net	image	null	foto	IMG-20180302-WA0000.jpg	null
message	6	120363000000000001@g.us	31612345002@s.whatsapp.net	system	null	null	null	null
EOF
diff_ok "$T/got" "$T/want" "legacy: key_remote_jid -1 skipped, group sender, media, quote, status 6 system"
run_rc 0 "transitional msgstore.db" spoor-artifacts -q "$F/transitional"
jsonl_fields "$T/out" table rowid text > "$T/got"
printf 'message\t1\tDubbel\nmessage\t2\tAlleen nieuw\nmessages\t2\tAlleen oud\n' > "$T/want"
diff_ok "$T/got" "$T/want" "transitional: both tables read, the row in both reported once"

# ---- WAL ----
run_rc 0 "WAL database" spoor-artifacts "$F/wal/ev"
jsonl_fields "$T/out" rowid text recovered_from > "$T/got"
printf '1\tin het hoofdbestand\tnull\n3\talleen in de WAL\twal\n2\tlater verwijderd\tmain\n' > "$T/want"
diff_ok "$T/got" "$T/want" "WAL: a row only in the -wal is marked wal; a row deleted there but still in the main file is reported, marked main"
grep -q "1 from the WAL only, 1 deleted in the WAL" "$T/err"
ok $? "WAL: the summary counts both"
ls "$F/wal/ev" > "$T/got"
printf 'msgstore.db\nmsgstore.db-wal\n' > "$T/want"
diff_ok "$T/got" "$T/want" "no -shm or other file created next to the evidence"

# ---- not understood vs 0 messages ----
run_rc 5 "not SQLite: exit 5" spoor-artifacts "$F/hostile/notsqlite"
grep -q "not an SQLite database" "$T/err"
ok $? "not SQLite: said so"
run_rc 5 "unknown schema: exit 5" spoor-artifacts "$F/hostile/unknown"
grep -q "schema not recognised.*tables found: bar, foo" "$T/err"
ok $? "unknown schema: said so, with the tables found"
run_rc 0 "empty msgstore.db: exit 0" spoor-artifacts "$F/hostile/empty"
is "$(wc -c < "$T/out")" 0 "empty msgstore.db: no records"
grep -q "1 files, 0 messages.*0 not understood" "$T/err"
ok $? "empty msgstore.db: summary says 0 messages, nothing not understood"

# ---- hostile values ----
run_rc 0 "wrong column types, huge text, NUL bytes" timeout 60 \
	spoor-artifacts -q "$F/hostile/types"
jsonl_fields "$T/out" rowid chat_id time > "$T/got"
printf '1\t31612345001@s.whatsapp.net\tnull\n2\tnull\tnull\n3\t31612345001@s.whatsapp.net\t2024-03-14T20:07:41Z\n4\t31612345001@s.whatsapp.net\t2024-03-14T20:07:41Z\n' > "$T/want"
diff_ok "$T/got" "$T/want" "odd rows reported, not dropped; bad times are null"
is "$(jsonl_fields "$T/out" rowid text | awk -F'\t' '$1 == 3 { print length($2) }')" \
	5000000 "a 5 MB text is kept whole"
is "$(jsonl_fields "$T/out" rowid key_id_hex | sed -n 1p)" "1${tab}00ff" \
	"a key that is not UTF-8 keeps its bytes in key_id_hex"

# ---- zip with ../ names ----
if [ -f "$F/evil.zip" ]; then
	mkdir -p "$T/zipwork/a/b"
	(cd "$T/zipwork/a/b" && spoor-artifacts -q "$F/evil.zip" \
		> "$T/out" 2> "$T/err")
	is "$?" 0 "zip with ../ member names: exit 0"
	is "$(find "$T/zipwork" "$T/tmp" -mindepth 1 | grep -v '^'"$T"'/zipwork/a' | wc -l)" \
		0 "nothing written outside the private temp dir, which is gone"
	is "$(jsonl_fields "$T/out" source_path | sort -u | tr '\n' '|')" \
		"../../evil/msgstore.db|a/../../../b/example.txt|abs/example.txt|" \
		"member names are kept as strings, never used as paths"
	is "$(jsonl_fields "$T/out" type | grep -c message)" 11 \
		"the database inside the zip is read"
else
	skip "python3 missing: no zip fixture"
	skip "python3 missing"
	skip "python3 missing"
	skip "python3 missing"
fi

# ---- CLI behaviour ----
run_rc 0 "--format=csv" spoor-artifacts -q --format=csv --type=call "$F/modern"
is "$(head -1 "$T/out" | cut -d, -f1-4)" "type,plugin,exhibit,source_path" \
	"csv header"
is "$(grep -c '^call,' "$T/out")" 2 "--type=call keeps only calls"
run_rc 0 "--format=text" spoor-artifacts -q --format=text --type=message \
	"$F/modern"
grep -q '^\[2024-03-14T20:07:41Z\] message incoming Daan de Vries (+31612345001, 31612345001@s.whatsapp.net): Hoi, ben je er?$' "$T/out"
ok $? "text view: time, direction, sender name and ids, text"
run_rc 0 "--list-plugins" spoor-artifacts --list-plugins
grep -q '^whatsapp-android	' "$T/out"
ok $? "--list-plugins names whatsapp-android"
run_rc 2 "unknown plugin: exit 2" spoor-artifacts --plugin=no-such "$F/modern"
grep -q "no plugin 'no-such'" "$T/err"
ok $? "unknown plugin: said so"
run_rc 2 "no evidence: exit 2" spoor-artifacts
run_rc 2 "bad --type: exit 2" spoor-artifacts --type=foo "$F/modern"
run_rc 3 "missing evidence: exit 3" spoor-artifacts "$T/does-not-exist"
spoor-artifacts -q "$F/modern" > /dev/full 2> "$T/err"
is "$?" 4 "output to a full disk: exit 4"
spoor-artifacts -q -o "$T/o.jsonl" "$F/modern"
is "$?" 0 "-o FILE: exit 0"
is "$(wc -l < "$T/o.jsonl")" 17 "-o FILE: all records written"
ok "$([ ! -e "$T/o.jsonl.tmp" ]; echo $?)" "-o FILE: no .tmp left"

# ---- evidence unchanged, temp dir clean ----
(cd "$F" && find . -type f -print0 | sort -z | xargs -0 sha256sum) \
	> "$T/hashes-after"
diff_ok "$T/hashes-after" "$T/hashes-before" "every evidence file unchanged (sha256sum)"
is "$(find "$TMPDIR" -mindepth 1 | wc -l)" 0 "private copies removed"
done_testing
