#!/bin/bash
# bench/sqlrecover.sh: deleted rows from a 500 MB WhatsApp msgstore.db.
# The database (legacy `messages`, as the real DDL of 2018 declares it)
# gets BENCH_ROWS messages, then every tenth is deleted (secure_delete
# off, no VACUUM) and a few new ones take the space.  Rows, side by side:
#
#   cat of the file                   the floor: reading 500 MB
#   the page scan alone               spoor_sqlrec_scan (bench/sqlrec-scan.c,
#                                     built here against libspoor.a)
#   sqlite3 .recover                  SQLite's own recovery (the anchor;
#                                     it also reads the freelist)
#   spoor-artifacts --no-recovery     whatsapp-android as before
#   spoor-artifacts                   with the recovery (scan, checks
#                                     against the live rows, second run)
#
# usage: bench/sqlrecover.sh BUILD_DIR
#
# The database is cached in BUILD_DIR/bench/sqlrecover.  Each row runs
# warm and keeps its best of BENCH_RUNS (default 3; .recover runs once).
# Results go to stdout and BUILD_DIR/bench/sqlrecover.txt.
#
# Environment:
#	BENCH_ROWS=2500000	messages before the deletes (about 500 MB)
#	BENCH_RUNS=3
set -u
export LC_ALL=C
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
B=$(cd "$1" && pwd) || exit 2
SRC=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_ROWS:-2500000}
RUNS=${BENCH_RUNS:-3}
dir=$B/bench/sqlrecover
ev=$dir/ev-$N
db=$ev/msgstore.db
mkdir -p "$ev"
export SPOOR_PLUGIN_PATH=$B/plugins
export TMPDIR=$dir/tmp
mkdir -p "$TMPDIR"

if [ ! -f "$db" ]; then
	echo "bench: generating $N messages, deleting a tenth" >&2
	sqlite3 -bail "$db.tmp" > /dev/null <<SQL
PRAGMA journal_mode=OFF;
PRAGMA synchronous=OFF;
PRAGMA secure_delete=OFF;
CREATE TABLE messages (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT NOT NULL, key_from_me INTEGER, key_id TEXT NOT NULL, status INTEGER, needs_push INTEGER, data TEXT, timestamp INTEGER, media_url TEXT, media_mime_type TEXT, media_wa_type TEXT, media_size INTEGER, media_name TEXT, media_caption TEXT, media_hash TEXT, media_duration INTEGER, origin INTEGER, latitude REAL, longitude REAL, thumb_image TEXT, remote_resource TEXT, received_timestamp INTEGER, send_timestamp INTEGER, receipt_server_timestamp INTEGER, receipt_device_timestamp INTEGER, read_device_timestamp INTEGER, played_device_timestamp INTEGER, raw_data BLOB, recipient_count INTEGER, participant_hash TEXT, starred INTEGER, quoted_row_id INTEGER, mentioned_jids TEXT, multicast_id TEXT, edit_version INTEGER, media_enc_hash TEXT, payment_transaction_id TEXT, forwarded INTEGER, preview_type INTEGER);
CREATE TABLE chat_list (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT UNIQUE, subject TEXT, creation INTEGER, archived INTEGER, sort_timestamp INTEGER);
BEGIN;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 5000)
INSERT INTO chat_list (key_remote_jid) SELECT '316' || (10000000 + i) || '@s.whatsapp.net' FROM c;
WITH RECURSIVE m(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM m WHERE i < $N)
INSERT INTO messages (_id, key_remote_jid, key_from_me, key_id, status, needs_push, data, timestamp, media_wa_type, media_size, received_timestamp, recipient_count, starred)
SELECT i, '316' || (10000000 + (i * 7919) % 5000) || '@s.whatsapp.net', i % 2, printf('%016X', i * 2654435761),
       CASE i % 3 WHEN 0 THEN 13 ELSE 5 END, 0,
       'bericht ' || i || ' ' || substr('we zien elkaar zaterdag om tien uur bij het station, neem je fiets mee en vergeet het geld niet', 1 + i % 40, 20 + (i * 13) % 60),
       1600000000000 + i * 1000, '0', 0, 1600000000500 + i * 1000, 0, 0 FROM m;
COMMIT;
BEGIN;
DELETE FROM messages WHERE _id % 10 = 3;
COMMIT;
BEGIN;
WITH RECURSIVE m(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM m WHERE i < $N / 100)
INSERT INTO messages (key_remote_jid, key_id, data, timestamp) SELECT 'nieuw@s.whatsapp.net', 'N' || i, 'later ' || i, 1700000000000 + i FROM m;
COMMIT;
SQL
	mv "$db.tmp" "$db"
fi
scan=$dir/sqlrec-scan
if [ ! -x "$scan" ] || [ "$scan" -ot "$B/libspoor.a" ]; then
	cc -std=c11 -D_GNU_SOURCE -O2 -I"$SRC/lib" -o "$scan" \
		"$SRC/bench/sqlrec-scan.c" "$B/libspoor.a" \
		$(pkg-config --libs tsk libmagic openssl libxml-2.0 sqlite3 \
		  libewf libarchive libplist-2.0 json-c zlib) -pthread || exit 1
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
t_cat=$(best cat "$db")
t_scan=$(best "$scan" "$db" messages)
scanned=$("$scan" "$db" messages)
t_rec=$(RUNS=1 best sqlite3 "file:$db?immutable=1" .recover)
t_off=$(best "$B/bin/spoor-artifacts" -q --no-recovery --plugin=whatsapp-android "$ev")
t_on=$(best "$B/bin/spoor-artifacts" -q --plugin=whatsapp-android "$ev")
rows_off=$("$B/bin/spoor-artifacts" -q --no-recovery --plugin=whatsapp-android "$ev" | wc -l)
rows_on=$("$B/bin/spoor-artifacts" -q --plugin=whatsapp-android "$ev" | wc -l)
size=$(du -m "$db" | cut -f1)
{
	echo "deleted-row recovery bench: $N messages, a tenth deleted ($size MiB msgstore.db), best of $RUNS"
	printf '%-42s %8s s\n' "cat of the database (floor)" "$t_cat"
	printf '%-42s %8s s  (%s)\n' "page scan alone (spoor_sqlrec_scan)" "$t_scan" "${scanned#* s: }"
	printf '%-42s %8s s\n' "sqlite3 .recover (anchor, one run)" "$t_rec"
	printf '%-42s %8s s  (%s records)\n' "spoor-artifacts --no-recovery" "$t_off" "$rows_off"
	printf '%-42s %8s s  (%s records)\n' "spoor-artifacts (with recovery)" "$t_on" "$rows_on"
	[ "$t_scan" != fail ] && [ "$t_rec" != fail ] &&
		printf 'ratio .recover / page scan: %.1fx\n' "$(echo "$t_rec / $t_scan" | bc -l)"
	[ "$t_on" != fail ] && [ "$t_off" != fail ] &&
		printf 'recovery adds: %.2f s (%.1fx the run without)\n' "$(echo "$t_on - $t_off" | bc -l)" "$(echo "$t_on / $t_off" | bc -l)"
} | tee "$B/bench/sqlrecover.txt"
