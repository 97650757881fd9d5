#!/bin/bash
# bench/verify.sh: spoor-verify against sha256sum over the same files, on a
# generated bundle with 2 GiB of data files; then the same bundle as one
# tar (`spoor-report pack`, the only tar form spoor-verify accepts):
# spoor-verify on the tar, read without extracting, against sha256sum of
# the tar.
#
# usage: bench/verify.sh BUILD_DIR
#
# The bundle (PKI and signature from testdata/mkbundle.sh, data files from
# `openssl rand`) is made in a temp dir under BUILD_DIR/bench and removed
# afterwards.  Both rows run warm (the files are read once first), under
# GNU time; the best of BENCH_RUNS runs is kept.  Prints throughput, the
# ratio spoor-verify / sha256sum (goal >= 0.9) and peak RSS.
#
# Environment:
#	BENCH_RUNS=3		runs per row
#	BENCH_VERIFY_MIB=2048	size of the data files in MiB
#	BENCH_STRICT=0		1: exit 1 when the goal is missed

set -u
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
mkdir -p "$1/bench" || exit 1
build=$(cd "$1" && pwd)
runs=${BENCH_RUNS:-3}
mib=${BENCH_VERIFY_MIB:-2048}
strict=${BENCH_STRICT:-0}
spoor=$build/bin/spoor-verify

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "bench: $*" >&2; }
[ -x "$spoor" ] || die "$spoor not built"
[ -x "$build/bin/spoor-report" ] || die "$build/bin/spoor-report not built"
[ -x /usr/bin/time ] || die "/usr/bin/time not found (package time)"
command -v openssl >/dev/null || die "openssl not found"

tmp=$(mktemp -d "$build/bench/verify.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

say "making a bundle with $mib MiB of data files in $tmp"
bash "$here/../testdata/mkbundle.sh" "$tmp/fx" >/dev/null 2>&1 ||
	die "testdata/mkbundle.sh failed"
b=$tmp/fx/v1
n=$(( (mib + 127) / 128 ))
for i in $(seq -w 1 "$n"); do
	openssl rand -out "$b/data/big-$i.bin" $((128 << 20)) || die "openssl rand"
done
bash "$here/../testdata/mkbundle.sh" manifest "$b" "$tmp/fx/v1.hdr"
bash "$here/../testdata/mkbundle.sh" sign "$tmp/fx/pki" "$b" examiner
bytes=$(tail -n +15 "$b/MANIFEST" | awk '{ s += $2 } END { print s }')
files=$(tail -n +15 "$b/MANIFEST" | wc -l)
(cd "$b" && tail -n +15 MANIFEST | awk '{ print $3 }') > "$tmp/list"

# best wall time and its peak RSS (KiB) of a command
best() {
	local t m bt= bm=
	for _ in $(seq "$runs"); do
		/usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >"$tmp/out" 2>&1 ||
			{ cat "$tmp/out" >&2; die "failed: $*"; }
		read -r t m < "$tmp/time"
		if [ -z "$bt" ] || awk -v a="$t" -v b="$bt" 'BEGIN { exit !(a < b) }'; then
			bt=$t bm=$m
		fi
	done
	echo "$bt $bm"
}

(cd "$b" && xargs -a "$tmp/list" cat > /dev/null)	# warm the page cache
read -r ts ms < <(cd "$b" && best xargs -a "$tmp/list" sha256sum)
read -r tv mv < <(best "$spoor" "$b" --trust "$tmp/fx/pki/root.crt" \
	--recipient nl-pol-zeden-oost --org "Stichting Veilig Kind" -q)
[ "$(cat "$tmp/out")" = VALID-WITH-WARNINGS ] || die "bundle not valid: $(cat "$tmp/out")"

"$build/bin/spoor-report" pack "$b" -o "$tmp/bundle.tar" || die "pack failed"
cat "$tmp/bundle.tar" > /dev/null			# warm the page cache
read -r tts tms < <(best sha256sum "$tmp/bundle.tar")
read -r ttv tmv < <(best "$spoor" "$tmp/bundle.tar" --trust \
	"$tmp/fx/pki/root.crt" --recipient nl-pol-zeden-oost \
	--org "Stichting Veilig Kind" -q)
[ "$(cat "$tmp/out")" = VALID-WITH-WARNINGS ] ||
	die "tar not valid: $(cat "$tmp/out")"
tbytes=$(stat -c %s "$tmp/bundle.tar")

awk -v by="$bytes" -v f="$files" -v ts="$ts" -v tv="$tv" -v ms="$ms" \
	-v mv="$mv" 'BEGIN {
	m = by / 1048576
	printf "verify: %d files, %.0f MiB, best of runs, warm cache\n", f, m
	printf "  %-14s %8.2f s %9.1f MiB/s  peak RSS %6.1f MiB\n", "sha256sum", ts, m / ts, ms / 1024
	printf "  %-14s %8.2f s %9.1f MiB/s  peak RSS %6.1f MiB\n", "spoor-verify", tv, m / tv, mv / 1024
	printf "  ratio spoor-verify / sha256sum throughput: %.2fx (goal >= 0.90)\n", ts / tv
}'
awk -v by="$tbytes" -v ts="$tts" -v tv="$ttv" -v ms="$tms" -v mv="$tmv" \
	'BEGIN {
	m = by / 1048576
	printf "verify a tar: %.0f MiB, read without extracting, best of runs, warm cache\n", m
	printf "  %-14s %8.2f s %9.1f MiB/s  peak RSS %6.1f MiB\n", "sha256sum", ts, m / ts, ms / 1024
	printf "  %-14s %8.2f s %9.1f MiB/s  peak RSS %6.1f MiB\n", "spoor-verify", tv, m / tv, mv / 1024
	printf "  ratio spoor-verify / sha256sum throughput: %.2fx (goal >= 0.90)\n", ts / tv
}'
if [ "$strict" = 1 ]; then
	awk -v ts="$ts" -v tv="$tv" 'BEGIN { exit !(ts / tv >= 0.9) }' ||
		die "goal missed"
	awk -v ts="$tts" -v tv="$ttv" 'BEGIN { exit !(ts / tv >= 0.9) }' ||
		die "goal missed (tar)"
fi
