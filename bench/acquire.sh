#!/bin/bash
# bench/acquire.sh BUILD_DIR: spoor-acquire against the anchors on a 2 GiB
# file held in the page cache (so the source is not the bottleneck).
#
#   BENCH_SIZE=2048      source size in MiB
#   BENCH_DIR=/var/tmp   where the source and the images go (a real disk:
#                        images are written and made durable)
#
# Anchors (Debian packages): dc3dd, dcfldd, ewf-tools (ewfacquire),
# openssl.  Missing ones are left out of the table.  Every image is made
# durable inside the timing: spoor-acquire fsyncs itself; the anchors are
# timed with a `sync -d` of their output, which they do not do themselves.
# This is a benchmark, not a test: it never fails on a timing.
set -u
B=${1:?usage: bench/acquire.sh BUILD_DIR}
ACQ=$B/bin/spoor-acquire
SIZE=${BENCH_SIZE:-2048}
D=$(mktemp -d "${BENCH_DIR:-/var/tmp}/spoor-bench-acq.XXXXXX")
trap 'rm -rf "$D"' EXIT
src=$D/src.bin
bytes=$((SIZE * 1048576))

echo "# making a ${SIZE} MiB source in $D"
head -c "$bytes" /dev/urandom > "$src"
cat "$src" > /dev/null
# a source that compresses in parts, like a used disk: a quarter zeros,
# a quarter text, half random (for the E01 compression runs)
mixed=$D/mixed.bin
{ head -c $((bytes / 4)) /dev/zero
  yes "Verslag van Jan Jansen, dossier 2024-117, pagina 3 van 12" |
	head -c $((bytes / 4))
  head -c $((bytes - bytes / 2)) "$src"; } > "$mixed"

results=()
# run NAME CMD...: time CMD (plus a sync of $D/out*), record MB/s and RSS
run() {
	local name=$1 t0 t1 rss
	shift
	rm -rf "$D"/out* "$D"/log*
	cat "$src" "$mixed" > /dev/null
	sync
	t0=$(date +%s.%N)
	/usr/bin/time -f '%M' -o "$D/rss" "$@" > "$D/stdout" 2> "$D/stderr"
	local rc=$?
	for f in "$D"/out*; do [ -f "$f" ] && sync -d "$f"; done
	t1=$(date +%s.%N)
	rss=$(tail -1 "$D/rss")
	local mbs
	mbs=$(echo "$bytes / ($t1 - $t0) / 1000000" | bc -l)
	printf '%-44s %8.0f MB/s  %7.1f s  %6d KiB RSS  exit %d\n' "$name" \
		"$mbs" "$(echo "$t1 - $t0" | bc -l)" "$rss" "$rc"
	results+=("$name|$mbs")
}

command -v bc >/dev/null || { echo "bench: needs bc" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: needs /usr/bin/time (time)" >&2; exit 1; }

echo "# $(nproc) cores; $(uname -r)"
printf '%-44s %13s\n' "tool" "throughput"
command -v openssl >/dev/null &&
	run "openssl dgst -md5 (hash only)" openssl dgst -md5 "$src"
command -v openssl >/dev/null &&
	run "openssl dgst -sha256 (hash only)" openssl dgst -sha256 "$src"
run "spoor-acquire raw md5,sha1,sha256" \
	"$ACQ" --no-progress --hash md5,sha1,sha256 "$src" "$D/out.dd"
run "spoor-acquire raw sha256" \
	"$ACQ" --no-progress --hash sha256 "$src" "$D/out.dd"
run "spoor-acquire raw md5,sha1,sha256 --verify" \
	"$ACQ" --no-progress --hash md5,sha1,sha256 --verify "$src" "$D/out.dd"
run "spoor-acquire e01 none md5,sha1,sha256" \
	"$ACQ" --no-progress --format e01 --hash md5,sha1,sha256 "$src" \
	"$D/out.E01"
run "spoor-acquire e01 fast md5,sha1,sha256" \
	"$ACQ" --no-progress --format e01 --compression fast \
	--hash md5,sha1,sha256 "$src" "$D/out.E01"
command -v dc3dd >/dev/null &&
	run "dc3dd hash=md5,sha1,sha256" dc3dd if="$src" of="$D/out.dd" \
	hash=md5 hash=sha1 hash=sha256 log="$D/log.dc3dd"
command -v dcfldd >/dev/null &&
	run "dcfldd hash=md5,sha1,sha256" dcfldd if="$src" of="$D/out.dd" \
	hash=md5,sha1,sha256 hashlog="$D/log.dcfldd"
command -v ewfacquire >/dev/null &&
	run "ewfacquire e01 none md5,sha1,sha256" ewfacquire -u -q -c none \
	-d sha1 -d sha256 -t "$D/out" "$src"
command -v ewfacquire >/dev/null &&
	run "ewfacquire e01 fast md5,sha1,sha256" ewfacquire -u -q -c fast \
	-d sha1 -d sha256 -t "$D/out" "$src"
# E01 fast on the mixed source: spoor compresses chunks on every core,
# ewfacquire 20140813 on one
run "spoor-acquire e01 fast md5 (mixed)" \
	"$ACQ" --no-progress --format e01 --compression fast --hash md5 \
	"$mixed" "$D/out.E01"
zs=$(du -k "$D/out.E01" | cut -f1)
command -v ewfacquire >/dev/null &&
	run "ewfacquire e01 fast md5 (mixed)" ewfacquire -u -q -c fast \
	-t "$D/out" "$mixed" &&
	echo "# E01 fast of the mixed source: spoor $zs KiB, ewfacquire $(du -k "$D/out.E01" | cut -f1) KiB"

# the hashing pipeline without the disk: output to /dev/null
run "spoor-acquire md5,sha1,sha256 -> /dev/null" \
	"$ACQ" --no-progress --hash md5,sha1,sha256 --log "$D/lognull" \
	"$src" /dev/null
command -v dc3dd >/dev/null &&
	run "dc3dd md5,sha1,sha256 -> /dev/null" dc3dd if="$src" of=/dev/null \
	hash=md5 hash=sha1 hash=sha256 log="$D/log.dc3dd"
run "spoor-acquire sha256 -> /dev/null" \
	"$ACQ" --no-progress --hash sha256 --log "$D/lognull" "$src" /dev/null

# verify pass alone vs a plain uncached read of the image
"$ACQ" --no-progress --hash md5,sha1,sha256 --verify "$src" "$D/v.dd" \
	> /dev/null 2>&1
vs=$(sed -n 's/^seconds: *//p' "$D/v.dd.log" | tail -1)
sync; echo 1 > /proc/sys/vm/drop_caches 2>/dev/null
t0=$(date +%s.%N)
dd if="$D/v.dd" of=/dev/null bs=4M iflag=direct status=none
t1=$(date +%s.%N)
plain=$(echo "$t1 - $t0" | bc -l)
printf '# verify pass %.2f s; plain O_DIRECT read of the image %.2f s; ratio %.2f\n' \
	"$vs" "$plain" "$(echo "$vs / $plain" | bc -l)"

ref=
for r in "${results[@]}"; do
	case $r in "dc3dd hash"*) ref=${r#*|};; esac
done
sp= ew=
for r in "${results[@]}"; do
	case $r in
	"spoor-acquire e01 fast md5 (mixed)"*) sp=${r#*|};;
	"ewfacquire e01 fast md5 (mixed)"*) ew=${r#*|};;
	esac
done
[ -n "$sp" ] && [ -n "$ew" ] &&
	printf '# E01 fast (mixed source): spoor-acquire / ewfacquire = %.2fx\n' \
		"$(echo "$sp / $ew" | bc -l)"
if [ -n "$ref" ]; then
	echo "# ratios against dc3dd with three hashes"
	for r in "${results[@]}"; do
		printf '%-44s %6.2fx\n' "${r%|*}" "$(echo "${r#*|} / $ref" | bc -l)"
	done
fi
