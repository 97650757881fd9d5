#!/bin/bash
# bench/downloads.sh: spoor-artifacts (snapchat-export) on a generated
# Snapchat chat_history.json of 320,000 messages in 400 conversations
# (about 140 MiB), against the way the public parsers read it (RLEAPP's
# snapChathistory.py: python3 json.load of the whole file, then a loop
# over the messages), time and peak memory side by side.
#
# usage: bench/downloads.sh BUILD_DIR
#
# The file is cached in BUILD_DIR/bench/downloads.  Each row runs warm and
# keeps its best of BENCH_RUNS (default 3) runs, timed and measured by GNU
# time.  Results go to stdout and BUILD_DIR/bench/downloads.txt.
#
# Environment:
#	BENCH_CONVS=400		conversations
#	BENCH_PER_CONV=800	messages per conversation
#	BENCH_RUNS=3
set -u
export LC_ALL=C
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
B=$(cd "$1" && pwd) || exit 2
C=${BENCH_CONVS:-400}
N=${BENCH_PER_CONV:-800}
RUNS=${BENCH_RUNS:-3}
dir=$B/bench/downloads
ev=$dir/ev-$C-$N
f=$ev/json/chat_history.json
mkdir -p "$ev/json"
export SPOOR_PLUGIN_PATH=$B/plugins
export TMPDIR=$dir/tmp
mkdir -p "$TMPDIR"
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (/usr/bin/time)" >&2; exit 1; }

if [ ! -f "$f" ]; then
	echo "bench: generating $((C * N)) messages in $C conversations" >&2
	python3 - "$f.tmp" "$C" "$N" <<'PY'
import json, sys
out, c, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(out, "w") as f:
    f.write("{")
    for k in range(c):
        f.write("%s\"user_%d\": [" % ("," if k else "", k))
        for i in range(n):
            f.write(("," if i else "") + json.dumps({
                "From": "user_%d" % k, "Media Type": "TEXT",
                "Created": "2024-03-14 20:07:41 UTC", "Content": "x" * 250,
                "Conversation Title": None, "IsSender": i % 2 == 0,
                "Created(microseconds)": 1710446861000 + i, "IsSaved": True,
                "Media IDs": ""}))
        f.write("]")
    f.write("}")
PY
	mv "$f.tmp" "$f"
fi

# best RUNS of "$@": "seconds max-rss-KiB" of the fastest run
best() {
	local b= m= t r
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -f '%e %M' -o "$dir/time" "$@" > /dev/null \
			2> "$dir/err" || { cat "$dir/err" >&2; echo "fail -"; return; }
		read -r t r < <(tail -1 "$dir/time")
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then
			b=$t
			m=$r
		fi
	done
	echo "$b $m"
}

cat "$f" > /dev/null
read -r t_py m_py < <(best python3 -c '
import json, sys
n = 0
for conv, msgs in json.load(open(sys.argv[1], encoding="utf-8")).items():
    for m in msgs:
        n += 1
print(n)' "$f")
read -r t_sp m_sp < <(best "$B/bin/spoor-artifacts" -q --plugin=snapchat-export \
	-o "$dir/out.jsonl" "$ev")
rows=$(grep -c '"type":"message"' "$dir/out.jsonl")
rm -f "$dir/out.jsonl"
size=$(du -m "$f" | cut -f1)
{
	echo "downloads bench: Snapchat chat_history.json, $((C * N)) messages in $C conversations ($size MiB), best of $RUNS"
	printf '%-46s %8s s %9s KiB peak\n' "python3 json.load + loop (RLEAPP's way)" "$t_py" "$m_py"
	printf '%-46s %8s s %9s KiB peak  (%s messages)\n' "spoor-artifacts snapchat-export, jsonl" "$t_sp" "$m_sp" "$rows"
	[ "$t_py" != fail ] && [ "$t_sp" != fail ] &&
		printf 'ratio time spoor / python: %.2fx; memory: %.2fx\n' \
			"$(echo "$t_sp / $t_py" | bc -l)" "$(echo "$m_sp / $m_py" | bc -l)"
} | tee "$B/bench/downloads.txt"
