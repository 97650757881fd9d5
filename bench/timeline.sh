#!/bin/bash
# bench/timeline.sh: spoor-case timeline over a case of 1,000,000
# timeline entries (BENCH_FILES file records, four MACB entries each,
# plus BENCH_MESSAGES messages; default 200,000 + 200,000), generated
# straight into case.db with the sqlite3 CLI (one committed run), the
# times scattered over three years.  Timed with its peak RSS
# (/usr/bin/time -v) as JSONL and text to /dev/null, side by side with
# the anchor: the sqlite3 CLI running the equivalent query (the same
# entries, json_extract of the same fields, ORDER BY the instant and
# record id).  Issue 18's goal: under 10 s, flat memory.
#
# usage: bench/timeline.sh BUILD_DIR
#
# Environment: BENCH_FILES=200000, BENCH_MESSAGES=200000, BENCH_RUNS=3.
set -u
export LC_ALL=C TZ=UTC
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
B=$(cd "$1" && pwd) || exit 2
NF=${BENCH_FILES:-200000}
NM=${BENCH_MESSAGES:-200000}
RUNS=${BENCH_RUNS:-3}
dir=$B/bench/timeline
C=$dir/case-$NF-$NM
export TMPDIR=$dir
mkdir -p "$dir"

if [ ! -s "$C/case.db" ]; then
	rm -rf "$C"
	"$B/bin/spoor-case" -q init "$C" --case-id BENCH --examiner bench ||
		exit 1
	sqlite3 "$C/case.db" <<EOF || exit 1
INSERT INTO runs (id, tool, version, parameters, exhibit, examiner,
	started, finished, exit_code, state, exhibits)
	VALUES (1, 'bench', '0', '[]', 'E01', 'bench',
	'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 0, 'committed',
	'["E01"]');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
	WHERE i < $NF)
INSERT INTO record_rows (run_id, exhibit, rtype, json)
SELECT 1, 'E01', 'file', json_object('exhibit', 'E01',
	'path', 'Pictures/' || (i % 1000) || '/IMG_' || i || '.jpg',
	'type', 'file', 'allocated', json('true'), 'size', i,
	'mtime', strftime('%Y-%m-%dT%H:%M:%SZ', 1600000000 +
		(i * 7919) % 94608000, 'unixepoch'),
	'atime', strftime('%Y-%m-%dT%H:%M:%SZ', 1600000000 +
		(i * 104729) % 94608000, 'unixepoch'),
	'ctime', strftime('%Y-%m-%dT%H:%M:%SZ', 1600000000 +
		(i * 7919) % 94608000, 'unixepoch'),
	'crtime', strftime('%Y-%m-%dT%H:%M:%SZ', 1600000000 +
		(i * 15485863) % 94608000, 'unixepoch'))
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
	WHERE i < $NM)
INSERT INTO record_rows (run_id, exhibit, rtype, json)
SELECT 1, 'E01', 'message', json_object('type', 'message',
	'plugin', 'whatsapp-android', 'exhibit', 'E01',
	'source_path', 'data/data/com.whatsapp/databases/msgstore.db',
	'rowid', i, 'chat_name', 'Mark', 'chat_type', 'individual',
	'from_me', json(CASE WHEN i % 2 THEN 'true' ELSE 'false' END),
	'sender_name', CASE WHEN i % 2 THEN NULL ELSE 'Mark' END,
	'time', strftime('%Y-%m-%dT%H:%M:%SZ', 1600000000 +
		(i * 32452843) % 94608000, 'unixepoch'),
	'text', 'bericht ' || i)
FROM n;
EOF
fi
entries=$(sqlite3 "$C/case.db" "SELECT 4 * (SELECT count(*) FROM records WHERE rtype = 'file') + (SELECT count(*) FROM records WHERE rtype = 'message')")

anchor_sql="WITH m(f, n) AS (VALUES ('mtime', 1), ('atime', 2),
('ctime', 3), ('crtime', 4))
SELECT t, id, s FROM (
SELECT json_extract(r.json, '\$.' || m.f) AS t, r.id AS id, m.n AS n,
	json_extract(r.json, '\$.path') AS s
	FROM records r, m WHERE r.rtype = 'file'
UNION ALL
SELECT json_extract(json, '\$.time'), id, 0,
	coalesce(json_extract(json, '\$.sender_name'), 'owner') || ': ' ||
	json_extract(json, '\$.text') FROM records WHERE rtype = 'message')
ORDER BY t, id, n;"

# best wall seconds and the peak RSS (KiB) of that run, "S KIB"
best() {
	local b= rss= t r
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -v -o "$dir/time" "$@" > /dev/null 2> "$dir/err" ||
			{ cat "$dir/err" >&2; echo "fail 0"; return; }
		t=$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$dir/time" |
			awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
		r=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/time")
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then
			b=$t
			rss=$r
		fi
	done
	echo "$b $rss"
}

read -r t_sql r_sql < <(best sqlite3 -readonly "$C/case.db" "$anchor_sql")
read -r t_jl r_jl < <(best "$B/bin/spoor-case" timeline "$C" --kind=file \
	--kind=message --format=jsonl)
read -r t_tx r_tx < <(best "$B/bin/spoor-case" timeline "$C" --kind=file \
	--kind=message)
{
	echo "timeline bench: $entries entries ($NF file records x 4 MACB" \
		"+ $NM messages), best of $RUNS"
	printf '%-44s %8s s %8s KiB\n' "sqlite3 ORDER BY (anchor)" "$t_sql" \
		"$r_sql"
	printf '%-44s %8s s %8s KiB\n' "spoor-case timeline --format=jsonl" \
		"$t_jl" "$r_jl"
	printf '%-44s %8s s %8s KiB\n' "spoor-case timeline (text)" "$t_tx" \
		"$r_tx"
	[ "$t_sql" != fail ] && [ "$t_jl" != fail ] &&
		printf 'ratio timeline jsonl / sqlite3: %.2fx (goal: < 10 s)\n' \
			"$(echo "$t_jl / $t_sql" | bc -l)"
} | tee "$B/bench/timeline.txt"
