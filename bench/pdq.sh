#!/bin/bash
# bench/pdq.sh: PDQ perceptual hashes, side by side with the anchors.
#
# usage: bench/pdq.sh BUILD_DIR
#
# 1. Decode + PDQ of 12-megapixel JPEGs (4000 x 3000), in-process CPU time
#    (bench/pdq-time.c, best of BENCH_RUNS), against libjpeg-turbo's own
#    djpeg decoding the same file at the same scale to grey (the anchor:
#    the decode alone, one process per run); and at full size, with the
#    Hamming distance between the hash of the reduced decode and that of
#    the full decode (its distribution).  The pictures are made here with
#    ImageMagick: smooth plasma pictures from fixed seeds, and the PDQ
#    reference pictures of ../shared/samples/pdq scaled up when present.
# 2. 100,000 PDQ queries against a set of 1,000,000 random hashes:
#    spoor-hashdb lookup --pdq --bench (batched index, one by one, brute
#    force over every entry on the first 1000 queries scaled up), the
#    same hits required.
# 3. The single libmagic call is in bench/files.sh (the one-call floor).
#
# Environment: BENCH_RUNS=3, BENCH_QUERIES=100000, BENCH_HASHES=1000000.
set -u
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
mkdir -p "$1/bench/pdq" || exit 1
build=$(cd "$1" && pwd)
work=$build/bench/pdq
runs=${BENCH_RUNS:-3}
nq=${BENCH_QUERIES:-100000}
nh=${BENCH_HASHES:-1000000}

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "bench: $*" >&2; }
for t in convert djpeg python3 /usr/bin/time; do
	command -v $t >/dev/null 2>&1 || die "$t not found (make deps)"
done
make -s -C "$src" --no-print-directory O="$build" "$build/bench/pdq-time" \
	"$build/bin/spoor-hashdb" >&2 || die "cannot build pdq-time"

# ---- the pictures ----
pics=()
for s in 1 2 3 4 5 6; do
	f=$work/plasma$s.jpg
	[ -s "$f" ] || convert -size 4000x3000 -seed $s plasma:fractal \
		-blur 0x4 -quality 88 "$f" 2>/dev/null || die "convert failed"
	pics+=("$f")
done
for d in "$src/../shared/samples/pdq" /work/shared/samples/pdq; do
	[ -d "$d" ] || continue
	for p in "$d"/*.jpg; do
		f=$work/$(basename "$p")
		[ -s "$f" ] || convert "$p" -resize '4000x3000!' -quality 88 "$f" 2>/dev/null ||
			die "convert failed"
		pics+=("$f")
	done
	break
done

# ---- 1. decode + PDQ ----
say "decode + PDQ of ${#pics[@]} pictures of 4000 x 3000, best of $runs"
"$build/bench/pdq-time" "$runs" "${pics[@]}" > "$work/pdq-time.tsv" ||
	die "pdq-time failed"
# djpeg at the scale spoor chose, and at full size: best of runs, user+sys
# of 10 decodes in a row (GNU time counts in 10 ms steps), per decode
djpeg_ms() {	# djpeg_ms SCALE FILE
	local b= t
	for ((i = 0; i < runs; i++)); do
		t=$(/usr/bin/time -f '%U %S' bash -c 'for k in 1 2 3 4 5 6 7 8 9 10; do
			djpeg -grayscale -scale "$1" -outfile /dev/null "$2" || exit 1
			done' djpeg "$1" "$2" 2>&1 >/dev/null | tail -1 |
			awk '{ printf "%.1f", ($1 + $2) * 100 }')
		if [ -z "$b" ] || awk -v a="$t" -v b="$b" 'BEGIN { exit !(a < b) }'; then
			b=$t
		fi
	done
	echo "$b"
}
while IFS=$'\t' read -r f w h scale ms full d q; do
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(basename "$f")" "$scale" "$ms" \
		"$(djpeg_ms "1/$scale" "$f")" "$full" "$(djpeg_ms 1/1 "$f")" "$d"
done < "$work/pdq-time.tsv" > "$work/decode.tsv"

# ---- 2. matching ----
set_csv=$work/set-$nh.csv
sdb=$work/set-$nh.sdb
if [ ! -s "$sdb" ]; then
	python3 - "$nh" > "$set_csv" <<'PY' || die "python3 failed"
import random, sys
random.seed(19)
print("hash,quality,label")
for i in range(int(sys.argv[1])):
    print("%064x,%d,e%d" % (random.getrandbits(256), random.randint(40, 100), i))
PY
	say "building a set of $nh PDQ hashes"
	/usr/bin/time -f '%e %U %S %M' -o "$work/build.time" \
		"$build/bin/spoor-hashdb" build -q -o "$sdb" "$set_csv" ||
		die "spoor-hashdb build failed"
	rm -f "$set_csv"
fi
say "$nq queries against $nh hashes"
"$build/bin/spoor-hashdb" lookup --pdq --bench="$nq" "$sdb" \
	> "$work/match.txt"
match_rc=$?

# ---- report ----
{
	echo "spoor bench: pdq ($(date -u +%Y-%m-%d))"
	echo "machine: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; load $(cut -d' ' -f1 /proc/loadavg)"
	echo "decode + PDQ, CPU ms (best of $runs): spoor in-process; djpeg (libjpeg-turbo, grey, one process) at the same scale"
	echo
	printf '%-28s %5s %9s %9s %9s %9s %5s\n' picture scale spoor djpeg \
		"spoor/1" "djpeg/1" dist
	awk -F'\t' '{ printf "%-28s %5s %9.1f %9.1f %9.1f %9.1f %5d\n", $1, "1/" $2, $3, $4, $5, $6, $7 }' "$work/decode.tsv"
	echo
	sort -t$'\t' -k3,3n "$work/decode.tsv" | awk -F'\t' '
		{ ms[NR] = $3; dj[NR] = $4; d[NR] = $7 }
		END {
			n = NR; m = ms[int((n + 1) / 2)]
			printf "  decode + PDQ of 12 MP, median          %7.1f ms   goal <= 30: %s\n", m, m <= 30 ? "ok" : "MISSED"
			printf "  max                                    %7.1f ms\n", ms[n]
		}'
	awk -F'\t' '{ s += $3; j += $4 } END { printf "  spoor decode+PDQ / djpeg decode (sums) %7.2fx\n", s / j }' "$work/decode.tsv"
	cut -f7 "$work/decode.tsv" | sort -n | awk '
		{ d[NR] = $1; h[$1]++ }
		END {
			printf "  reduced vs full decode, distance: min %d, median %d, max %d; histogram:", d[1], d[int((NR + 1) / 2)], d[NR]
			for (k in h) printf " %s:%d", k, h[k]
			printf "\n"
		}'
	echo
	cat "$work/match.txt"
	[ -f "$work/build.time" ] && awk '{ printf "set build (%s hashes): %.1f s wall, %.1f cpu s, %.0f MiB RSS\n", "'"$nh"'", $1, $2 + $3, $4 / 1024 }' "$work/build.time"
	echo "set file: $(stat -c %s "$sdb") bytes"
	awk -F': ' '/^index batched/ { split($2, a, " "); t = a[1] }
		END { printf "  %s queries batched: %.2f CPU s   goal < 5: %s\n", "'"$nq"'", t, t < 5 ? "ok" : "MISSED" }' "$work/match.txt"
} | tee "$work/../pdq-results.txt"
exit $match_rc
