#!/bin/bash
# t-artifacts-dropped: nothing given to spoor-artifacts is dropped without
# a word (issue 14).  Each case is the user-visible one: a Snapchat "My
# Data" zip and an unknown file no plugin reads, a WhatsApp export over
# 256 MiB, a message line over 16 MiB, a msgstore.db row of 100 MiB and
# one of 300 MiB, a damaged page, a legacy sms.db whose every row is only
# in the WAL (4096-byte main file), and the host's stop (a full disk).
# Fixtures are made here with python3's zipfile and sqlite3 modules; the
# expected rows come from python3's sqlite3 (point lookups, the main file
# alone with immutable=1), not from spoor.
. "$(dirname "$0")/lib.sh"
need python3 perl sha256sum
: "${SPOOR_PLUGIN_PATH:=$SPOOR_BUILD/plugins}"
export SPOOR_PLUGIN_PATH
[ -f "$SPOOR_PLUGIN_PATH/whatsapp-android.so" ] ||
	skip_all "plugins not built"
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"
tab=$'\t'
E=$T/ev
mkdir -p "$E"

# ---- unread inputs ----
# a Google Takeout zip: a .json the download plugins look at (and
# decline: no Discord, Meta or TikTok layout), a .txt the chat-export
# plugins decline, an HTML page no plugin takes
python3 - "$E/takeout~google.zip" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("Takeout/Chrome/BrowserHistory.json", '{"Browser History": []}')
    z.writestr("Takeout/Keep/boodschappen.txt", "melk\nbrood\n")
    z.writestr("Takeout/archive_browser.html", "<html><body>Takeout</body></html>")
EOF
head -c 5000 /dev/zero | tr '\0' 'q' > "$E/unknown.bin"
printf 'Boodschappen:\n- melk\n- brood\n' > "$E/notes.txt"
run_rc 5 "a Google Takeout zip no plugin reads" spoor-artifacts "$E/takeout~google.zip"
is "$(wc -c < "$T/out")" 0 "  ... no records"
grep -q "'$E/takeout~google.zip': no plugin reads any of its 3 members" "$T/err"
ok $? "  ... a warning names it and its 3 members"
run_rc 5 "an unknown file" spoor-artifacts "$E/unknown.bin"
grep -q "'$E/unknown.bin': no plugin reads this file" "$T/err"
ok $? "  ... a warning names it"
run_rc 5 "a .txt that is no chat export" spoor-artifacts "$E/notes.txt"
grep -q "'$E/notes.txt': no plugin reads this file" "$T/err"
ok $? "  ... whatsapp-txt declined it: named, not a silent 0"
# a directory: what no plugin read is counted, not warned one by one
D=$T/dir
mkdir -p "$D/chat" "$D/misc"
printf '14-03-2024 21:07 - Daan: Hoi\n14-03-2024 21:08 - Sanne: Hee\n' \
	> "$D/chat/WhatsApp Chat met Daan.txt"
cp "$E/unknown.bin" "$E/notes.txt" "$D/misc/"
run_rc 0 "a directory with an export and two other files" spoor-artifacts "$D"
is "$(jsonl_fields "$T/out" sender_name text | tr '\n' '|')" \
	"Daan${tab}Hoi|Sanne${tab}Hee|" "  ... the export is read"
grep -q "spoor-artifacts: 3 files, 2 read by no plugin, 0 not listed" "$T/err"
ok $? "  ... the summary counts the 2 files no plugin read"
is "$(grep -c "no plugin reads" "$T/err")" 0 "  ... and does not warn each"
run_rc 5 "two arguments, one unread" spoor-artifacts "$D" "$E/unknown.bin"
is "$(grep -c "no plugin reads" "$T/err")" 1 "  ... only the unread one is warned"

# ---- WhatsApp export over 256 MiB, one message line over 16 MiB ----
X=$T/wa
mkdir -p "$X"
python3 - "$X" <<'EOF'
import sys
d = sys.argv[1]
# 300 MiB: a message whose text runs on for 300 lines of 1 MiB, then one
# more message after the 256 MiB mark
line = b"z" * (1 << 20) + b"\n"
with open(d + "/WhatsApp Chat met Sanne.txt", "wb") as f:
    f.write(b"14-03-2024 21:07 - Daan: begin\n")
    f.write(b"14-03-2024 21:08 - Sanne: lang\n")
    for _ in range(300):
        f.write(line)
    f.write(b"14-03-2024 23:59 - Daan: na de grens\n")
# one line of 20 MiB
with open(d + "/WhatsApp Chat met Lotte.txt", "wb") as f:
    f.write(b"15-03-2024 10:00 - Lotte: " + b"y" * (20 << 20) + b"\n")
    f.write(b"15-03-2024 10:01 - Daan: kort\n")
EOF
size=$(stat -c %s "$X/WhatsApp Chat met Sanne.txt")
[ "$size" -gt $((256 << 20)) ]
ok $? "export fixture is over 256 MiB ($size bytes)"
run_rc 5 "export over 256 MiB: read to its end" /usr/bin/time -f '%M' -o "$T/rss" \
	spoor-artifacts --tz=UTC "$X/WhatsApp Chat met Sanne.txt"
jsonl_fields "$T/out" line sender_name time truncated > "$T/got"
printf '1\tDaan\t2024-03-14T21:07:00Z\tfalse\n2\tSanne\t2024-03-14T21:08:00Z\ttrue\n303\tDaan\t2024-03-14T23:59:00Z\tfalse\n' > "$T/want"
diff_ok "$T/got" "$T/want" "  ... every message, the last one after the 256 MiB mark; the long one flagged"
# text_len FILE: line and byte length of each record's text (JSON::PP)
text_len() {
	perl -MJSON::PP -ne 'my $r = JSON::PP->new->utf8->decode($_);
		my $t = $r->{text}; utf8::encode($t);
		print "$r->{line}\t", length($t), "\t", substr($t, 0, 4), "\n"' "$1"
}
is "$(text_len "$T/out" | tr '\n' '|')" \
	"1${tab}5${tab}begi|2${tab}$(((16 << 20) - 8))${tab}lang|303${tab}11${tab}na d|" \
	"  ... the long message keeps 16 MiB (with \"Sanne: \" and a NUL), the next is whole"
grep -q "whatsapp-txt: 1 files, 3 messages.*1 truncated" "$T/err"
ok $? "  ... the summary counts the truncated message"
if [ -z "${SPOOR_SANITIZE:-}" ]; then
	rss=$(tail -1 "$T/rss")
	[ "$rss" -lt $((200 * 1024)) ]
	ok $? "  ... streamed: $rss KiB of memory for $((size >> 20)) MiB"
else
	skip "memory under a sanitizer"
fi
run_rc 5 "a message line of 20 MiB" spoor-artifacts --tz=UTC "$X/WhatsApp Chat met Lotte.txt"
jsonl_fields "$T/out" sender_name kind time truncated > "$T/got"
printf 'Lotte\ttext\t2024-03-15T10:00:00Z\ttrue\nDaan\ttext\t2024-03-15T10:01:00Z\tfalse\n' > "$T/want"
diff_ok "$T/got" "$T/want" "  ... sender and time kept, kind text, flagged truncated"
rm -f "$X"/*.txt

# ---- msgstore.db rows of 100 MiB and 300 MiB ----
# modern schema, the columns whatsapp-android reads
mkstore() {
	python3 - "$@" <<'EOF'
import sqlite3, sys
path, rows = sys.argv[1], sys.argv[2:]
c = sqlite3.connect(path)
c.executescript("""
CREATE TABLE jid (_id INTEGER PRIMARY KEY, user TEXT, server TEXT, raw_string TEXT, type INTEGER);
CREATE TABLE chat (_id INTEGER PRIMARY KEY, jid_row_id INTEGER, subject TEXT);
CREATE TABLE message (_id INTEGER PRIMARY KEY, chat_row_id INTEGER, from_me INTEGER, key_id TEXT, sender_jid_row_id INTEGER, status INTEGER, timestamp INTEGER, message_type INTEGER, text_data TEXT, starred INTEGER);
INSERT INTO jid VALUES (1, '31612345001', 's.whatsapp.net', '31612345001@s.whatsapp.net', 0);
INSERT INTO chat VALUES (1, 1, NULL);
""")
for spec in rows:
    rid, kind = spec.split(":")
    rid = int(rid)
    if kind == "text":
        text = "bericht %d " % rid + "x" * 300
    elif kind.startswith("mib"):
        text = "y" * (int(kind[3:]) << 20)
    c.execute("INSERT INTO message VALUES (?, 1, 0, ?, NULL, 0, ?, 0, ?, 0)",
              (rid, "K%d" % rid, 1710446861000 + rid * 1000, text))
c.commit()
c.close()
EOF
}
M=$T/big/data/data/com.whatsapp/databases
mkdir -p "$M"
mkstore "$M/msgstore.db" 1:text 2:text 3:mib100 4:text 5:text
run_rc 5 "a msgstore.db row of 100 MiB" spoor-artifacts "$T/big"
jsonl_fields "$T/out" rowid sender time truncated > "$T/got"
for i in 1 2 3 4 5; do
	t=$(date -u -d @$((1710446861 + i)) +%Y-%m-%dT%H:%M:%SZ)
	tr=null	# the host adds truncated when it cut a value
	[ $i = 3 ] && tr=true
	printf '%s\t31612345001@s.whatsapp.net\t%s\t%s\n' $i "$t" $tr
done > "$T/want"
diff_ok "$T/got" "$T/want" "  ... every row, the big one with sender and time, flagged truncated"
is "$(perl -MJSON::PP -ne 'my $r = JSON::PP->new->decode($_);
	print length($r->{text}), "\n" if $r->{rowid} == 3' "$T/out")" \
	$((16 << 20)) "  ... its text cut at 16 MiB"
grep -q "whatsapp-android: 1 files, 5 messages.*1 truncated" "$T/err"
ok $? "  ... counted in the summary"
! grep -q "schema differs" "$T/err"
ok $? "  ... no word of a different schema"
rm -f "$M/msgstore.db"
mkstore "$M/msgstore.db" 1:text 2:text 3:mib300 4:text 5:text
run_rc 5 "a msgstore.db row of 300 MiB (over SQLite's 256 MiB limit)" \
	spoor-artifacts "$T/big"
is "$(jsonl_fields "$T/out" rowid | tr '\n' ' ')" "1 2 4 5 " \
	"  ... the rows after it are read"
grep -q "table 'message': row 3 could not be read (a value is longer than 256 MiB): left out" "$T/err"
ok $? "  ... the lost row is named with the reason"
grep -q "1 unreadable rows or ranges" "$T/err"
ok $? "  ... and counted"
rm -rf "$T/big"

# ---- a damaged page ----
M=$T/dmg/data/data/com.whatsapp/databases
mkdir -p "$M"
mkstore "$M/msgstore.db" $(seq -f '%g:text' 1 47)
cp "$M/msgstore.db" "$T/intact.db"
# the second leaf page of the message table: its page type byte zeroed
page=$(python3 - "$M/msgstore.db" <<'EOF'
import sqlite3, sys
c = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
leaves = [r[0] for r in c.execute(
    "SELECT pageno FROM dbstat WHERE name = 'message' AND pagetype = 'leaf' ORDER BY pageno")]
print(leaves[1])
EOF
)
python3 - "$M/msgstore.db" "$page" <<'EOF'
import sys
path, page = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    f.seek((page - 1) * 4096)
    f.write(b"\x00")
EOF
# the oracle: every rowid SQLite can still fetch by a point lookup
python3 - "$M/msgstore.db" > "$T/readable" <<'EOF'
import sqlite3, sys
c = sqlite3.connect("file:%s?mode=ro&immutable=1" % sys.argv[1], uri=True)
for i in range(1, 48):
    try:
        if c.execute("SELECT _id FROM message WHERE _id = ?", (i,)).fetchone():
            print(i)
    except sqlite3.DatabaseError:
        pass
EOF
lost=$((47 - $(wc -l < "$T/readable")))
[ "$lost" -gt 0 ] && [ "$lost" -lt 40 ]
ok $? "damaged fixture: page $page holds $lost of 47 rows"
run_rc 5 "a database with a damaged page" spoor-artifacts "$T/dmg"
jsonl_fields "$T/out" rowid > "$T/got"
diff_ok "$T/got" "$T/readable" "  ... every row SQLite can still read is read, before and after the damage"
grep -q "whatsapp-android: '.*msgstore.db': damaged database: database disk image is malformed (quick_check: .*[Pp]age $page" "$T/err"
ok $? "  ... reported as damaged, with SQLite's error and the page"
grep -q "table 'message': rows from rowid [0-9]* to [0-9]* could not be read" "$T/err"
ok $? "  ... the rowids it could not read are named"
! grep -q "schema" "$T/err"
ok $? "  ... not as an unknown schema"
grep -q "1 damaged" "$T/err"
ok $? "  ... counted as damaged"
rm -rf "$T/dmg"

# ---- legacy sms.db: every row only in the WAL ----
S=$T/wal/private/var/mobile/Library/SMS
mkdir -p "$S"
python3 - "$S" <<'EOF'
import sqlite3, shutil, sys
d = sys.argv[1]
c = sqlite3.connect(d + "/work.db", isolation_level=None)
c.execute("PRAGMA journal_mode=WAL")
c.execute("PRAGMA wal_autocheckpoint=0")
c.executescript("""
BEGIN;
CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, address TEXT, date INTEGER, text TEXT, flags INTEGER, group_id INTEGER, is_madrid INTEGER, madrid_handle TEXT, madrid_flags INTEGER);
INSERT INTO message (address, date, text, flags, group_id, is_madrid, madrid_flags) VALUES
 ('0612345001', 1331755200, 'een', 2, 1, 0, 0),
 ('0612345001', 1331755260, 'twee', 3, 1, 0, 0),
 ('0612345002', 1331755320, 'drie', 2, 1, 0, 0),
 ('0612345002', 1331755380, 'vier', 3, 1, 0, 0);
COMMIT;
""")
# copy while the connection is open: closing would checkpoint
shutil.copyfile(d + "/work.db", d + "/sms.db")
shutil.copyfile(d + "/work.db-wal", d + "/sms.db-wal")
c.close()
EOF
rm -f "$S"/work.db*
is "$(stat -c %s "$S/sms.db")" 4096 "WAL fixture: a 4096-byte main file"
is "$(python3 -c 'import sqlite3,sys; print(sqlite3.connect("file:%s?immutable=1" % sys.argv[1], uri=True).execute("SELECT count(*) FROM sqlite_schema").fetchone()[0])' "$S/sms.db")" \
	0 "  ... whose schema is empty (python3, the main file alone)"
(cd "$T/wal" && find . -type f | sort | xargs sha256sum) > "$T/wal-before"
run_rc 0 "legacy sms.db, every row in the WAL" spoor-artifacts "$T/wal"
jsonl_fields "$T/out" rowid text recovered_from > "$T/got"
printf '1\teen\twal\n2\ttwee\twal\n3\tdrie\twal\n4\tvier\twal\n' > "$T/want"
diff_ok "$T/got" "$T/want" "  ... its 4 messages, each recovered_from wal"
grep -q "ios-sms: 1 files, 4 messages.* 4 from the WAL only" "$T/err"
ok $? "  ... the summary says 4 from the WAL only"
(cd "$T/wal" && find . -type f | sort | xargs sha256sum) > "$T/wal-after"
diff_ok "$T/wal-after" "$T/wal-before" "  ... evidence unchanged, no -shm created"

# ---- Telegram result.json of 120 MiB: streamed ----
G=$T/tg
mkdir -p "$G"
n=$(python3 - "$G/result.json" <<'EOF'
import json, sys
n, size = 0, 0
with open(sys.argv[1], "w") as f:
    f.write('{"personal_information": {"user_id": 1}, "chats": {"list": [')
    while size < 120 << 20:
        s = '%s{"name": "c%d", "id": %d, "messages": [' % ("," if n else "", n, n)
        for i in range(5000):
            s += ("," if i else "") + json.dumps({"id": i, "type": "message",
                "date_unixtime": "1710446861", "from": "Daan", "from_id": "user2",
                "text": "bericht %d %s" % (i, "x" * 120)})
        f.write(s + "]}")
        size += len(s)
        n += 1
    f.write("]}}")
print(n * 5000)
EOF
)
run_rc 0 "a Telegram export of 120 MiB" /usr/bin/time -f '%M' -o "$T/rss" \
	spoor-artifacts --type=account "$G/result.json"
grep -q "telegram-export: 1 files, $n messages" "$T/err"
ok $? "  ... all $n messages read"
if [ -z "${SPOOR_SANITIZE:-}" ]; then
	rss=$(tail -1 "$T/rss")
	[ "$rss" -lt $((100 * 1024)) ]
	ok $? "  ... streamed: $rss KiB of memory for 120 MiB"
else
	skip "memory under a sanitizer"
fi
rm -rf "$G"

# ---- the host's stop: output to a full disk ----
F=$T/full
M=$F/data/data/com.whatsapp/databases
mkdir -p "$M"
mkstore "$M/msgstore.db" $(seq -f '%g:text' 1 3000)
python3 - "$F/WhatsApp Chat met Daan.txt" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(3000):
        f.write("14-03-2024 21:%02d - Daan: bericht %d %s\n" % (i % 60, i, "x" * 200))
EOF
for p in whatsapp-android whatsapp-txt; do
	run_rc 4 "$p: output to a full disk" spoor-artifacts --plugin=$p -o /dev/full "$F"
	! grep -q "went on emitting after the host said stop" "$T/err"
	ok $? "  ... $p stopped when emit said stop"
done

done_testing
