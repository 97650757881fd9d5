#!/bin/bash
# bench/artifacts.sh: spoor-artifacts (whatsapp-android) on a generated
# modern msgstore.db of 1,000,000 messages in 5,000 chats, against the
# floor of a plain sqlite3 query that returns the same joined rows.
#
# usage: bench/artifacts.sh BUILD_DIR
#
# The database is cached in BUILD_DIR/bench/artifacts.  Each row runs warm
# and keeps its best of BENCH_RUNS (default 3) runs, timed by GNU time or
# bash's clock.  Results go to stdout and BUILD_DIR/bench/artifacts.txt.
#
# Environment:
#	BENCH_MESSAGES=1000000	messages
#	BENCH_CHATS=5000	chats
#	BENCH_RUNS=3
#	BENCH_TG_MIB=500	size of the Telegram result.json (0: skip)
#
# The Telegram row: spoor-artifacts on a generated full export
# (result.json, chats.list[].messages[]) of BENCH_TG_MIB MiB, its peak
# memory by /usr/bin/time -v next to the file's size (the plugin
# streams: the peak must stay under 256 MiB whatever the size).
set -u
export LC_ALL=C
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
B=$(cd "$1" && pwd) || exit 2
N=${BENCH_MESSAGES:-1000000}
C=${BENCH_CHATS:-5000}
RUNS=${BENCH_RUNS:-3}
dir=$B/bench/artifacts
ev=$dir/ev-$N-$C
db=$ev/msgstore.db
mkdir -p "$ev"
export SPOOR_PLUGIN_PATH=$B/plugins
export TMPDIR=$dir/tmp
mkdir -p "$TMPDIR"

if [ ! -f "$db" ]; then
	echo "bench: generating $N messages in $C chats" >&2
	sqlite3 -bail "$db.tmp" > /dev/null <<SQL
PRAGMA journal_mode=OFF;
PRAGMA synchronous=OFF;
CREATE TABLE jid (_id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, server TEXT NOT NULL, agent INTEGER, device INTEGER, type INTEGER, raw_string TEXT);
CREATE TABLE chat (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid_row_id INTEGER UNIQUE, hidden INTEGER, subject TEXT, created_timestamp INTEGER, archived INTEGER, sort_timestamp INTEGER);
CREATE TABLE message (_id INTEGER PRIMARY KEY AUTOINCREMENT, chat_row_id INTEGER NOT NULL, from_me INTEGER NOT NULL, key_id TEXT NOT NULL, sender_jid_row_id INTEGER, status INTEGER, broadcast INTEGER, recipient_count INTEGER, origin INTEGER, timestamp INTEGER, received_timestamp INTEGER, receipt_server_timestamp INTEGER, message_type INTEGER, text_data TEXT, starred INTEGER, lookup_tables INTEGER, sort_id INTEGER NOT NULL DEFAULT 0);
CREATE TABLE message_media (message_row_id INTEGER PRIMARY KEY, chat_row_id INTEGER, file_path TEXT, file_size INTEGER, mime_type TEXT, media_name TEXT);
BEGIN;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $C)
INSERT INTO jid (_id, user, server, type, raw_string)
SELECT i, '316' || (10000000 + i), CASE WHEN i % 10 = 0 THEN 'g.us' ELSE 's.whatsapp.net' END,
       CASE WHEN i % 10 = 0 THEN 1 ELSE 0 END,
       '316' || (10000000 + i) || CASE WHEN i % 10 = 0 THEN '@g.us' ELSE '@s.whatsapp.net' END FROM c;
INSERT INTO chat (_id, jid_row_id, subject) SELECT _id, _id, CASE WHEN type = 1 THEN 'groep ' || _id END FROM jid;
WITH RECURSIVE m(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM m WHERE i < $N)
INSERT INTO message (_id, chat_row_id, from_me, key_id, sender_jid_row_id, status, timestamp, message_type, text_data)
SELECT i, 1 + (i * 7919) % $C, i % 3 = 0, printf('K%08X', i),
       CASE WHEN (1 + (i * 7919) % $C) % 10 = 0 THEN 1 + (i * 31) % $C ELSE 0 END,
       0, 1600000000000 + i * 1000, CASE WHEN i % 50 = 0 THEN 1 ELSE 0 END,
       'bericht nummer ' || i || ' met wat tekst erbij om het realistisch te maken' FROM m;
INSERT INTO message_media (message_row_id, chat_row_id, file_path, file_size, mime_type)
SELECT _id, chat_row_id, 'Media/WhatsApp Images/IMG-' || _id || '.jpg', 12345, 'image/jpeg' FROM message WHERE message_type = 1;
COMMIT;
SQL
	mv "$db.tmp" "$db"
fi

best() {	# best wall seconds of RUNS runs of "$@"
	local b= t s e
	for _ in $(seq "$RUNS"); do
		s=$(date +%s.%N)
		"$@" > /dev/null 2> "$dir/err" || { cat "$dir/err" >&2; echo fail; return; }
		e=$(date +%s.%N)
		t=$(echo "$e - $s" | bc)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
	done
	printf '%.2f' "$b"
}

cat "$db" > /dev/null
floor_sql="SELECT m._id, m.chat_row_id, m.from_me, m.key_id, m.sender_jid_row_id,
 m.status, m.timestamp, m.message_type, m.text_data, m.starred, mm.file_path,
 mm.mime_type, mm.file_size, mm.media_name, cj.raw_string, c.subject,
 sj.raw_string FROM message m LEFT JOIN message_media mm ON mm.message_row_id = m._id
 LEFT JOIN chat c ON c._id = m.chat_row_id LEFT JOIN jid cj ON cj._id = c.jid_row_id
 LEFT JOIN jid sj ON sj._id = m.sender_jid_row_id ORDER BY m._id"
t_floor=$(best sqlite3 -readonly "file:$db?immutable=1" "$floor_sql")
t_copy=$(best cp "$db" "$TMPDIR/copy.db")
rm -f "$TMPDIR/copy.db"
t_jsonl=$(best "$B/bin/spoor-artifacts" -q --plugin=whatsapp-android "$ev")
t_csv=$(best "$B/bin/spoor-artifacts" -q --plugin=whatsapp-android --format=csv "$ev")
rows=$("$B/bin/spoor-artifacts" -q --plugin=whatsapp-android "$ev" | wc -l)
size=$(du -m "$db" | cut -f1)
{
	echo "spoor-artifacts bench: $N messages in $C chats ($size MiB msgstore.db), best of $RUNS"
	printf '%-44s %8s s\n' "sqlite3 joined query (floor, no copy)" "$t_floor"
	printf '%-44s %8s s\n' "cp of the database (part of every run)" "$t_copy"
	printf '%-44s %8s s  (%s records)\n' "spoor-artifacts whatsapp-android jsonl" "$t_jsonl" "$rows"
	printf '%-44s %8s s\n' "spoor-artifacts whatsapp-android csv" "$t_csv"
	[ "$t_floor" != fail ] && [ "$t_jsonl" != fail ] &&
		printf 'ratio jsonl / floor: %.1fx\n' "$(echo "$t_jsonl / $t_floor" | bc -l)"
} | tee "$B/bench/artifacts.txt"

# ---- Telegram: a large result.json, peak memory ----
TG=${BENCH_TG_MIB:-500}
[ "$TG" -gt 0 ] || exit 0
tg=$dir/tg-$TG
if [ ! -f "$tg/result.json" ]; then
	echo "bench: generating a $TG MiB Telegram export" >&2
	mkdir -p "$tg"
	python3 - "$tg/result.json" "$TG" <<'EOF2'
import json, sys
path, mib = sys.argv[1], int(sys.argv[2])
with open(path + ".tmp", "w") as f:
    f.write('{"about": "x", "personal_information": {"user_id": 1, "first_name": "Me"},\n')
    f.write(' "contacts": {"about": "x", "list": []},\n "chats": {"about": "x", "list": [\n')
    n, chat, size = 0, 0, 0
    while size < mib << 20:
        if chat:
            f.write(",\n")
        head = '{"name": "chat %d", "type": "personal_chat", "id": %d, "messages": [\n' % (chat, chat)
        f.write(head)
        size += len(head)
        for i in range(10000):
            m = {"id": n, "type": "message", "date": "2024-03-14T21:07:41",
                 "date_unixtime": str(1710446861 + n), "from": "Daan",
                 "from_id": "user2", "text": ["bericht %d " % n,
                 {"type": "bold", "text": "met opmaak"}, " en wat tekst erbij"]}
            s = (",\n" if i else "") + json.dumps(m, ensure_ascii=False)
            f.write(s)
            size += len(s)
            n += 1
        f.write("]}")
        chat += 1
    f.write("\n]}}\n")
import os
os.rename(path + ".tmp", path)
EOF2
fi
tsize=$(du -m "$tg/result.json" | cut -f1)
/usr/bin/time -v "$B/bin/spoor-artifacts" -q --plugin=telegram-export \
	"$tg/result.json" 2> "$dir/tg-time" > /dev/null ||
	{ tail -5 "$dir/tg-time" >&2; exit 1; }
rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$dir/tg-time")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$dir/tg-time")
t_cat=$(best cat "$tg/result.json")
{
	printf '%-44s %8s   (%s MiB result.json)\n' "spoor-artifacts telegram-export wall" "$wall" "$tsize"
	printf '%-44s %8s s\n' "cat of the file (floor)" "$t_cat"
	printf '%-44s %8s MiB\n' "telegram-export peak memory" "$((rss / 1024))"
	printf 'ratio peak memory / file size: %.2f\n' "$(echo "$rss / 1024 / $tsize" | bc -l)"
} | tee -a "$B/bench/artifacts.txt"
