#!/bin/bash
# bench/sqlrecover.sh: deleted rows from a 500 MB WhatsApp msgstore.db.
# The database (legacy `messages`, as the real DDL of 2018 declares it)
# gets BENCH_ROWS messages, then every tenth is deleted (secure_delete
# off, no VACUUM) and a few new ones take the space.  Rows, side by side:
#
#   cat of the file                   the floor: reading 500 MB
#   sqlite3 SELECT * FROM messages    SQLite reading every live row (the
#                                     anchor: no packaged tool carves
#                                     SQLite, and Debian's sqlite3 has no
#                                     sqlite_dbpage, so .recover fails)
#   the page scan alone               spoor_sqlrec_scan (bench/sqlrec-scan.c,
#                                     built here against libspoor.a)
#   spoor-artifacts --no-recovery     whatsapp-android as before
#   spoor-artifacts                   with the recovery (scan, checks
#                                     against the live rows, second run)
#
# Each row gives wall time and CPU time (user + system, by GNU time):
# on a shared machine the CPU time is the figure to compare.
# usage: bench/sqlrecover.sh BUILD_DIR
#
# The database is cached in BUILD_DIR/bench/sqlrecover.  Each row runs
# warm and keeps its best of BENCH_RUNS (default 3).
# Results go to stdout and BUILD_DIR/bench/sqlrecover.txt.
#
# Environment:
#	BENCH_ROWS=3000000	messages before the deletes (about 500 MB)
#	BENCH_RUNS=3
set -u
export LC_ALL=C
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
B=$(cd "$1" && pwd) || exit 2
SRC=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_ROWS:-3000000}
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

best() {	# "wall cpu" seconds, the best of RUNS runs of "$@"
	local b= c= w u
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -f '%e %U %S' -o "$dir/time" "$@" > /dev/null \
			2> "$dir/err" || { cat "$dir/err" >&2; echo fail fail;
					   return; }
		read -r w u s < "$dir/time"
		if [ -z "$b" ] || [ "$(echo "$w < $b" | bc)" = 1 ]; then
			b=$w
			c=$(echo "$u + $s" | bc)
		fi
	done
	printf '%.2f %.2f' "$b" "$c"
}

cat "$db" > /dev/null
read -r w_cat c_cat <<< "$(best cat "$db")"
read -r w_sql c_sql <<< "$(best sqlite3 "file:$db?immutable=1" \
	'SELECT * FROM messages')"
read -r w_scan c_scan <<< "$(best "$scan" "$db" messages)"
scanned=$("$scan" "$db" messages)
read -r w_off c_off <<< "$(best "$B/bin/spoor-artifacts" -q --no-recovery \
	--plugin=whatsapp-android "$ev")"
read -r w_on c_on <<< "$(best "$B/bin/spoor-artifacts" -q \
	--plugin=whatsapp-android "$ev")"
rows_off=$("$B/bin/spoor-artifacts" -q --no-recovery --plugin=whatsapp-android "$ev" | wc -l)
rows_on=$("$B/bin/spoor-artifacts" -q --plugin=whatsapp-android "$ev" | wc -l)
size=$(du -m "$db" | cut -f1)
{
	echo "deleted-row recovery bench: $N messages, a tenth deleted ($size MiB msgstore.db), best of $RUNS; load $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores"
	printf '%-40s %8s %8s\n' "" "wall s" "cpu s"
	printf '%-40s %8s %8s\n' "cat of the database (floor)" "$w_cat" "$c_cat"
	printf '%-40s %8s %8s\n' "sqlite3 SELECT * FROM messages" "$w_sql" "$c_sql"
	printf '%-40s %8s %8s  %s\n' "page scan alone (spoor_sqlrec_scan)" "$w_scan" "$c_scan" "${scanned#* s: }"
	printf '%-40s %8s %8s  %s records\n' "spoor-artifacts --no-recovery" "$w_off" "$c_off" "$rows_off"
	printf '%-40s %8s %8s  %s records\n' "spoor-artifacts (with recovery)" "$w_on" "$c_on" "$rows_on"
	[ "$c_scan" != fail ] && [ "$c_sql" != fail ] &&
		printf 'ratio page scan / sqlite3 read, cpu: %.2fx\n' "$(echo "$c_scan / $c_sql" | bc -l)"
	[ "$c_on" != fail ] && [ "$c_off" != fail ] &&
		printf 'recovery adds, cpu: %.2f s (%.1fx the run without)\n' "$(echo "$c_on - $c_off" | bc -l)" "$(echo "$c_on / $c_off" | bc -l)"
} | tee "$B/bench/sqlrecover.txt"
