#!/bin/bash
# t-artifacts-wa-ios: the whatsapp-ios plugin on the app group container
# of testdata/mkexports.sh (expected values written from its INSERTs:
# Cocoa seconds + 978307200 = Unix), on a ChatStorage.sqlite that is not
# WhatsApp's, and on the iLEAPP Josh iOS 15 extracts when
# ../shared/samples is present (copied first; sqlite3 on a copy is the
# oracle for counts and texts).
. "$(dirname "$0")/lib.sh"
need perl sqlite3 sha256sum
: "${SPOOR_PLUGIN_PATH:=$SPOOR_BUILD/plugins}"
export SPOOR_PLUGIN_PATH
[ -f "$SPOOR_PLUGIN_PATH/whatsapp-ios.so" ] || skip_all "whatsapp-ios.so not built"
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"
F=$T/fx
bash "$SPOOR_SRC/testdata/mkexports.sh" "$F" > /dev/null
ok $? "fixtures generated"
tab=$'\t'
ev_sha() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
ev_sha "$F/wa-ios" > "$T/before"

run_rc 0 "ChatStorage + ContactsV2 + CallHistory" spoor-artifacts \
	--plugin=whatsapp-ios "$F/wa-ios"
cp "$T/out" "$T/wa.jsonl"
jsonl_fields "$T/wa.jsonl" type table rowid chat_id chat_type direction \
	sender sender_name sender_push_name time time_raw kind kind_raw text |
	grep '^message' > "$T/got"
cat > "$T/want" <<'EOF'
message	ZWAMESSAGE	1	31612345001@s.whatsapp.net	individual	incoming	31612345001@s.whatsapp.net	Daan de Vries	null	2024-03-14T20:07:41.25Z	732139661.250000	text	0	Hoi Sanne, ben je er?
message	ZWAMESSAGE	2	31612345001@s.whatsapp.net	individual	outgoing	null	null	null	2024-03-14T20:08:20Z	732139700.000000	text	0	Ja, zeg het maar
message	ZWAMESSAGE	3	31612345001@s.whatsapp.net	individual	incoming	31612345001@s.whatsapp.net	Daan de Vries	null	2024-03-14T20:09:20Z	732139760.000000	image	1	null
message	ZWAMESSAGE	4	31612345001@s.whatsapp.net	individual	incoming	31612345001@s.whatsapp.net	Daan de Vries	null	2024-03-14T20:10:00Z	732139800.000000	location	5	null
message	ZWAMESSAGE	5	120363000000000001@g.us	group	incoming	31612345003@s.whatsapp.net	null	Lotte B.	2024-03-14T20:13:20Z	732140000.000000	text	0	Training om 10 uur
message	ZWAMESSAGE	6	120363000000000001@g.us	group	incoming	null	null	null	2024-03-14T20:15:00Z	732140100.000000	system	6	null
EOF
diff_ok "$T/got" "$T/want" "messages: chats, direction, group sender via ZWAGROUPMEMBER, push name, Cocoa time, kinds"
# m ROWID FIELD...: the fields of one message record
m() { _r=$1; shift; jsonl_fields "$T/wa.jsonl" type rowid "$@" |
	awk -F'\t' -v r="$_r" '$1 == "message" && $2 == r' | cut -f2-; }
is "$(m 2 chat_name time_sent starred key_id)" \
	"2${tab}Daan de Vries${tab}2024-03-14T20:08:19Z${tab}true${tab}3A0000000000000000A2" \
	"chat name, sent time, starred, stanza id"
media=Media/31612345001@s.whatsapp.net/4/2/5e1f0a2b-0000-4000-8000-000000000001.jpg
ag=private/var/mobile/Containers/Shared/AppGroup/0A1B2C3D-0000-4000-8000-00000000CAFE
is "$(m 3 media_path media_mime media_caption media_size media_found media_evidence_path media_sha256 latitude)" \
	"3${tab}${media}${tab}image/jpeg${tab}het veld${tab}19${tab}true${tab}${ag}/Message/${media}${tab}$(sha256 "$F/wa-ios/$ag/Message/$media")${tab}null" \
	"media item linked to Message/Media with its SHA-256; image size is not a location"
is "$(m 4 latitude longitude media_found)" \
	"4${tab}52.3731000${tab}4.8922000${tab}false" "location message: latitude/longitude"
is "$(m 1 source_sha256 source_path)" \
	"1${tab}$(sha256 "$F/wa-ios/$ag/ChatStorage.sqlite")${tab}$ag/ChatStorage.sqlite" \
	"provenance: source path and SHA-256"
jsonl_fields "$T/wa.jsonl" type rowid chat_id jid phone name push_name is_admin | \
	grep '^participant' > "$T/got"
cat > "$T/want" <<'EOF'
participant	1	120363000000000001@g.us	31612345001@s.whatsapp.net	+31612345001	Daan de Vries	null	true
participant	2	120363000000000001@g.us	31612345003@s.whatsapp.net	+31612345003	null	Lotte B.	false
EOF
diff_ok "$T/got" "$T/want" "group members"
jsonl_fields "$T/wa.jsonl" type rowid jid phone phone_raw phone_label name about | \
	grep '^contact' > "$T/got"
cat > "$T/want" <<'EOF'
contact	1	31612345001@s.whatsapp.net	+31612345001	06 12345001	_$!<Mobile>!$_	Daan de Vries	Beschikbaar
contact	2	447400123456@s.whatsapp.net	+447400123456	+44 7400 123456	work	Emma Brown	null
contact	3	null	null	null	null	Lotte Bakker	null
EOF
diff_ok "$T/got" "$T/want" "ContactsV2 contacts"
jsonl_fields "$T/wa.jsonl" type rowid jid phone name direction video time duration duration_raw result result_raw | \
	grep '^call' > "$T/got"
cat > "$T/want" <<'EOF'
call	1	31612345001@s.whatsapp.net	+31612345001	Daan de Vries	outgoing	false	2024-03-14T20:30:00.5Z	95	95.400000	ended	0
call	2	447400123456@s.whatsapp.net	+447400123456	Emma Brown	incoming	true	2024-03-14T20:46:40Z	0	0.000000	missed	1
EOF
diff_ok "$T/got" "$T/want" "CallHistory calls: aggregate direction/video, outcome, names from ContactsV2"

run_rc 5 "not WhatsApp's ChatStorage: not understood (exit 5)" \
	spoor-artifacts --plugin=whatsapp-ios "$F/wa-ios-bad"
grep -q "schema not recognised" "$T/err"
ok $? "  ... and said so"
is "$(wc -c < "$T/out")" 0 "  ... with no records"
head -c 8192 "$F/wa-ios/$ag/ChatStorage.sqlite" > "$F/wa-ios-bad/ChatStorage.sqlite"
run_rc 5 "truncated ChatStorage: not understood" timeout 60 \
	spoor-artifacts --plugin=whatsapp-ios "$F/wa-ios-bad"
ev_sha "$F/wa-ios" > "$T/after"
diff_ok "$T/after" "$T/before" "evidence unchanged (sha256 of every file)"

# ---- the iLEAPP Josh iOS 15 extracts (zips of a file-system extract) ----
S=$SPOOR_SRC/../shared/samples/ileapp_whatsapp_ios
if [ -d "$S" ] && ls "$S"/*.zip > /dev/null 2>&1 && command -v unzip > /dev/null; then
	mkdir -p "$T/ileapp" "$T/ileapp-x"
	cp "$S"/*.zip "$T/ileapp/"
	(cd "$T/ileapp" && sha256sum *.zip) > "$T/ileapp.sha"
	run_rc 0 "iLEAPP zips" spoor-artifacts --plugin=whatsapp-ios "$T"/ileapp/*.zip
	cp "$T/out" "$T/il.jsonl"
	for z in "$T"/ileapp/*.zip; do unzip -q -o "$z" -d "$T/ileapp-x"; done
	db=$(find "$T/ileapp-x" -name ChatStorage.sqlite | head -1)
	dir=$(dirname "$db")
	q() { sqlite3 -readonly "$1" "$2"; }
	is "$(jsonl_fields "$T/il.jsonl" type | grep -c '^message$')" \
		"$(q "$db" 'SELECT count(*) FROM ZWAMESSAGE')" "32 messages (sqlite3 count)"
	is "$(jsonl_fields "$T/il.jsonl" type chat_id | grep '^message' | cut -f2 | sort -u | wc -l)" \
		"$(q "$db" 'SELECT count(DISTINCT ZCHATSESSION) FROM ZWAMESSAGE')" "in 5 chats"
	is "$(jsonl_fields "$T/il.jsonl" type | grep -c '^call$')" \
		"$(q "$dir/CallHistory.sqlite" 'SELECT count(*) FROM ZWACDCALLEVENT')" "4 calls"
	is "$(jsonl_fields "$T/il.jsonl" type | grep -c '^contact$')" \
		"$(q "$dir/ContactsV2.sqlite" 'SELECT count(*) FROM ZWAADDRESSBOOKCONTACT')" "9 contacts"
	is "$(jsonl_fields "$T/il.jsonl" type | grep -c '^participant$')" \
		"$(q "$db" 'SELECT count(*) FROM ZWAGROUPMEMBER')" "8 group members"
	jsonl_fields "$T/il.jsonl" type rowid kind_raw from_me text | grep '^message' | cut -f2- > "$T/got"
	q "$db" "SELECT Z_PK, ZMESSAGETYPE, CASE ZISFROMME WHEN 1 THEN 'true' ELSE 'false' END, IFNULL(ZTEXT, 'null') FROM ZWAMESSAGE ORDER BY Z_PK" |
		tr '|' '\t' > "$T/want"
	diff_ok "$T/got" "$T/want" "every message: rowid, type, direction, text as sqlite3 reads them"
	jsonl_fields "$T/il.jsonl" type rowid time_raw | grep '^message' | cut -f2- > "$T/got"
	q "$db" "SELECT Z_PK, printf('%.6f', ZMESSAGEDATE) FROM ZWAMESSAGE ORDER BY Z_PK" | tr '|' '\t' > "$T/want"
	diff_ok "$T/got" "$T/want" "raw Core Data times kept"
	jsonl_fields "$T/il.jsonl" type rowid time | grep "^message" | sed -n 13p | cut -f2- > "$T/got"
	q "$db" "SELECT Z_PK, strftime('%Y-%m-%dT%H:%M:%S', ZMESSAGEDATE + 978307200, 'unixepoch') FROM ZWAMESSAGE ORDER BY Z_PK LIMIT 1 OFFSET 12" |
		tr '|' '\t' | sed 's/$/Z/' > "$T/want"
	# row 13 has whole seconds: compare it exactly
	diff_ok "$T/got" "$T/want" "Cocoa epoch: sqlite3 strftime agrees"
	(cd "$T/ileapp" && sha256sum -c --quiet "$T/ileapp.sha")
	ok $? "sample copies unchanged"
else
	skip "iLEAPP samples absent"
fi

# ---- mvt's iTunes backup, through the ios-backup source (when built) ----
B=$SPOOR_SRC/../shared/samples/mvt_ios_backup
if [ -f "$B/Manifest.db" ] && [ -f "$SPOOR_SRC/lib/artifact_ios.c" ]; then
	cp -r "$B" "$T/mvt"
	ev_sha "$T/mvt" > "$T/mvt.sha"
	spoor-artifacts --plugin=whatsapp-ios "$T/mvt" > "$T/mvt.jsonl" 2> "$T/err"
	ev_sha "$T/mvt" | diff -q - "$T/mvt.sha" > /dev/null
	ok $? "backup copy unchanged"
	# the oracle reads copies: sqlite3 adds -shm/-wal even with -readonly
	mkdir -p "$T/mvt-db"
	cp "$T/mvt/Manifest.db" "$T/mvt-db/m.db"
	id=$(sqlite3 -readonly "$T/mvt-db/m.db" "SELECT fileID FROM Files WHERE domain = 'AppDomainGroup-group.net.whatsapp.WhatsApp.shared' AND relativePath = 'ChatStorage.sqlite'")
	cp "$T/mvt/${id:0:2}/$id" "$T/mvt-db/c.sqlite"
	jsonl_fields "$T/mvt.jsonl" type rowid from_me text | grep '^message' | cut -f2- > "$T/got"
	sqlite3 -readonly "$T/mvt-db/c.sqlite" "SELECT Z_PK, CASE ZISFROMME WHEN 1 THEN 'true' ELSE 'false' END, ZTEXT FROM ZWAMESSAGE ORDER BY Z_PK" |
		tr '|' '\t' > "$T/want"
	diff_ok "$T/got" "$T/want" "iTunes backup: the WhatsApp messages as sqlite3 reads ChatStorage.sqlite (fileID from Manifest.db)"
	is "$(jsonl_fields "$T/mvt.jsonl" type rowid sender sender_name | grep '^message' | sed -n 3p)" \
		"message${tab}3${tab}14155550101@s.whatsapp.net${tab}Bob Example" \
		"group sender from ZFROMJID when there is no member row; name from ContactsV2"
else
	skip "mvt backup sample or ios-backup source absent"
fi
is "$(find "$TMPDIR" -mindepth 1 | wc -l)" 0 "no temporary files left"
# LID.sqlite (the table as in the mvt sample): each @lid with its number
mkdir -p "$T/lid"
sqlite3 "$T/lid/LID.sqlite" <<'EOF'
CREATE TABLE ZWAPHONENUMBERLIDPAIR (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER,
 Z_OPT INTEGER, ZTIMESTAMP REAL, ZLID TEXT, ZPHONENUMBER TEXT);
INSERT INTO ZWAPHONENUMBERLIDPAIR VALUES
 (1, 3, 1, 732139661.0, '100000000000001', '31612345001'),
 (2, 3, 1, 732139700.5, '100000000000002', '447400123456');
EOF
ev_sha "$T/lid" > "$T/lid.before"
run_rc 0 "LID.sqlite: @lid identities paired with numbers" spoor-artifacts \
	--plugin=whatsapp-ios "$T/lid"
ev_sha "$T/lid" > "$T/lid.after"
diff_ok "$T/lid.after" "$T/lid.before" "LID.sqlite evidence unchanged"
jsonl_fields "$T/out" type kind table rowid lid jid phone time > "$T/got"
cat > "$T/want" <<'EOF'
contact	lid_pair	ZWAPHONENUMBERLIDPAIR	1	100000000000001@lid	31612345001@s.whatsapp.net	+31612345001	2024-03-14T20:07:41Z
contact	lid_pair	ZWAPHONENUMBERLIDPAIR	2	100000000000002@lid	447400123456@s.whatsapp.net	+447400123456	2024-03-14T20:08:20.5Z
EOF
diff_ok "$T/got" "$T/want" "LID pairs: lid, jid, E.164, Core Data time"
# the real LID.sqlite of the mvt backup (its Manifest.db row was trimmed
# away, so it is read as a plain file here; copied first)
lid_sample=$SPOOR_SRC/../shared/samples/mvt_ios_backup/e7/e794f6ffcc3c222535f47684a63d5178da3c4500
if [ -f "$lid_sample" ]; then
	mkdir -p "$T/lid-real" && cp "$lid_sample" "$T/lid-real/LID.sqlite"
	want=$(sqlite3 -separator "$tab" "$T/lid-real/LID.sqlite" \
		"SELECT ZLID || '@lid', '+' || ZPHONENUMBER,
		 CAST(ZTIMESTAMP AS INTEGER) + 978307200
		 FROM ZWAPHONENUMBERLIDPAIR ORDER BY Z_PK" |
		while IFS=$tab read -r l p t; do
			printf '%s\t%s\t%s\n' "$l" "$p" \
				"$(date -u -d "@$t" +%Y-%m-%dT%H:%M:%SZ)"
		done)
	ev_sha "$T/lid-real" > "$T/lid-real.before"
	run_rc 0 "mvt sample LID.sqlite" spoor-artifacts --plugin=whatsapp-ios "$T/lid-real"
	ev_sha "$T/lid-real" > "$T/lid-real.after"
	diff_ok "$T/lid-real.after" "$T/lid-real.before" "  ... the copied sample unchanged"
	is "$(jsonl_fields "$T/out" lid phone time)" "$want" "  ... its pair as sqlite3 and date(1) read it"
else
	skip "../shared/samples absent"; skip "../shared/samples absent"
	skip "../shared/samples absent"
fi
done_testing
