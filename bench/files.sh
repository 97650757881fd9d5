#!/bin/bash
# bench/files.sh: spoor-files against fiwalk, tsk_recover+hashdeep and the
# openssl hashing floor, side by side on one generated ext4 image.
#
# usage: bench/files.sh BUILD_DIR
#
# The image comes from bench/mkcorpus.sh, cached in BUILD_DIR/bench. Every
# row runs warm (its input is read through cat once first), under GNU time,
# and keeps its best run (least wall time). Results are printed and saved
# in BUILD_DIR/bench/files-results.{txt,tsv}. See bench/README.md.
#
# Environment:
#	BENCH_RUNS=3		runs per row, the best is kept
#	BENCH_SLOW_RUNS=1	runs of fiwalk -f, which takes many minutes
#	BENCH_J1=1		also time spoor-files -j 1 (0: do not)
#	BENCH_SKIP=		rows to leave out, by id: fiwalk fiwalk-f tsk
#				file openssl spoor spoor-magic spoor-j1
#				spoor-magic-j1
#	BENCH_STRICT=0		1: exit 1 when a goal is missed
#	SPOOR_FILES=		the spoor-files to time (default BUILD/bin/spoor-files)

set -u
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)

if [ $# -ne 1 ]; then
	echo "usage: $0 BUILD_DIR" >&2
	exit 2
fi
mkdir -p "$1/bench" || exit 1
build=$(cd "$1" && pwd)
bench=$build/bench

runs=${BENCH_RUNS:-3}
slow_runs=${BENCH_SLOW_RUNS:-1}
j1=${BENCH_J1:-1}
skip=" ${BENCH_SKIP:-} "
strict=${BENCH_STRICT:-0}
spoor=${SPOOR_FILES:-$build/bin/spoor-files}
hashes=md5,sha1,sha256

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "bench: $*" >&2; }

for t in fiwalk tsk_recover hashdeep openssl file; do
	command -v $t >/dev/null 2>&1 || die "$t not found (make deps)"
done
[ -x /usr/bin/time ] || die "/usr/bin/time not found (package time)"

img=$("$here/mkcorpus.sh" "$bench") || die "could not build the image"
info=${img%.img}.info
nfiles=$(sed -n 's/^files=//p' "$info")
bytes=$(sed -n 's/^bytes=//p' "$info")
mib=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')

# Scratch: the tree tsk_recover writes, and one concatenation of all file
# contents for the openssl floor.
tmp=$bench/tmp
rm -rf "$tmp"
mkdir -p "$tmp" || exit 1
trap 'rm -rf "$tmp"' EXIT
need=$((bytes / 1024 * 22 / 10 + 256 * 1024))
avail=$(df -Pk "$tmp" | awk 'NR == 2 { print $4 }')
[ "$avail" -ge "$need" ] ||
	die "need $((need / 1024)) MiB free in $tmp, have $((avail / 1024)) MiB"
rec=$tmp/recovered
concat=$tmp/all-contents

# ------------------------------------------------------------ measuring

declare -A LABEL WALL CPU RSS NRUN NOTE WHY
order=()

skipped() { [[ $skip == *" $1 "* ]]; }

# time_once CMD...: one run of CMD under GNU time, stdout to /dev/null;
# sets t_wall, t_cpu (user + sys, children included), t_rss (KiB).
time_once() {
	/usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err"
	local rc=$? u s
	read -r t_wall u s t_rss < <(tail -1 "$tmp/time")
	t_cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
	return $rc
}

# measure [-p PREP] ID LABEL RUNS WARM CMD...: the best of RUNS runs of CMD.
# WARM is read through cat before each run; PREP (a command) runs before
# each run, untimed. A failing run sets NOTE[ID] and stops the row.
measure() {
	local prep=
	if [ "$1" = -p ]; then
		prep=$2
		shift 2
	fi
	local id=$1 label=$2 n=$3 warm=$4 i rc
	shift 4
	order+=("$id")
	LABEL[$id]=$label
	if skipped "$id"; then
		NOTE[$id]="skipped (BENCH_SKIP)"
		return 0
	fi
	for ((i = 1; i <= n; i++)); do
		[ -z "$prep" ] || $prep
		cat "$warm" >/dev/null
		time_once "$@"
		rc=$?
		if [ $rc -ne 0 ]; then
			WHY[$id]="exit $rc: $(grep -v '^Command exited' "$tmp/err" | head -1)"
			NOTE[$id]="failed (${WHY[$id]})"
			say "$label: ${NOTE[$id]}"
			unset "WALL[$id]"
			return 1
		fi
		say "$(printf '%-46s run %d/%d: %7.2f s wall %7.2f s cpu' "$label" "$i" "$n" "$t_wall" "$t_cpu")"
		if [ -z "${WALL[$id]:-}" ] || awk -v a="$t_wall" -v b="${WALL[$id]}" 'BEGIN { exit !(a < b) }'; then
			WALL[$id]=$t_wall
			CPU[$id]=$t_cpu
			RSS[$id]=$t_rss
		fi
	done
	NRUN[$id]=$n
}

# spoor_row ID LABEL ARGS...: spoor-files ARGS IMG, or why not.
spoor_row() {
	local id=$1 label=$2
	shift 2
	if [ ! -x "$spoor" ]; then
		order+=("$id")
		LABEL[$id]=$label
		NOTE[$id]="spoor-files: not built"
		return
	fi
	measure "$id" "$label" "$runs" "$img" "$spoor" "$@" "$img" ||
		NOTE[$id]="spoor-files: not built (${WHY[$id]})"
}

clear_recovered() { rm -rf "$rec"; }

# ------------------------------------------------------------------ runs

load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
	say "warning: load average $load; the machine is not idle, timings will be noisy"
fi
say "image $img: $nfiles files, $mib MiB; best of $runs runs"

measure fiwalk "fiwalk -x (md5+sha1)" "$runs" "$img" \
	fiwalk -x "$img"
if ! skipped fiwalk-f; then
	say "fiwalk -f runs file(1) once per file: expect 10-20 minutes a run"
fi
measure fiwalk-f "fiwalk -f -x (md5+sha1, file -z)" "$slow_runs" "$img" \
	fiwalk -f -x "$img"
measure -p clear_recovered tsk "tsk_recover -a + hashdeep ($hashes)" "$runs" "$img" \
	bash -c 'tsk_recover -a "$1" "$2" >"$3" && hashdeep -r -c "$4" "$2"' \
	tsk_recover "$img" "$rec" "$tmp/tsk_recover.out" "$hashes"

# The tree tsk_recover wrote, for the rows below; made untimed when the
# tsk row was skipped.
ensure_recovered() {
	[ ! -d "$rec" ] || return 0
	say "tsk_recover -a (untimed, for the rows that read the files)"
	tsk_recover -a "$img" "$rec" >"$tmp/tsk_recover.out" || die "tsk_recover failed"
}

# libmagic alone: file(1) over the extracted files, in as few processes as
# xargs makes (a handful), so mostly the classification itself. The files
# are warm from tsk_recover writing them.
skipped file || ensure_recovered
measure file "file -b over extracted files (libmagic only)" "$runs" /dev/null \
	bash -c 'cd "$1" && find . -type f -print0 | xargs -0 file -b' file "$rec"

# The openssl floor: each digest alone over one file holding every file's
# contents, one core each; the row is their sum.
if ! skipped openssl; then
	ensure_recovered
	# The regular files of the manifest only: tsk_recover also writes
	# symlinks as small files, and skips empty files.
	sed 's/^[0-9a-f]*  //' "${img%.img}.md5" | perl -e '
		$/ = "\n";
		while (my $p = <STDIN>) {
			chomp $p;
			open(my $f, "<:raw", "$ARGV[0]/$p") or next;
			local $/ = \1048576;
			print while <$f>;
		}' "$rec" >"$concat"
	got=$(stat -c %s "$concat")
	[ "$got" = "$bytes" ] ||
		say "warning: tsk_recover gave $got bytes of contents, the corpus has $bytes"
	rm -rf "$rec"
	for h in md5 sha1 sha256; do
		measure openssl-$h "openssl dgst -$h" "$runs" "$concat" \
			openssl dgst -$h "$concat"
	done
	kept=()
	for id in "${order[@]}"; do
		[[ $id == openssl-* ]] || kept+=("$id")
	done
	order=("${kept[@]}" openssl)
	LABEL[openssl]="openssl md5+sha1+sha256 (floor, 1 core)"
	if [ -n "${WALL[openssl-md5]:-}" ] && [ -n "${WALL[openssl-sha1]:-}" ] &&
		[ -n "${WALL[openssl-sha256]:-}" ]; then
		WALL[openssl]=$(awk -v a="${WALL[openssl-md5]}" -v b="${WALL[openssl-sha1]}" \
			-v c="${WALL[openssl-sha256]}" 'BEGIN { printf "%.2f", a + b + c }')
		CPU[openssl]=$(awk -v a="${CPU[openssl-md5]}" -v b="${CPU[openssl-sha1]}" \
			-v c="${CPU[openssl-sha256]}" 'BEGIN { printf "%.2f", a + b + c }')
		RSS[openssl]=${RSS[openssl-sha256]}
		NRUN[openssl]=$runs
	else
		NOTE[openssl]="failed"
	fi
	rm -f "$concat"
else
	order+=(openssl)
	LABEL[openssl]="openssl md5+sha1+sha256 (floor, 1 core)"
	NOTE[openssl]="skipped (BENCH_SKIP)"
fi

spoor_row spoor "spoor-files -j 2 --no-magic (3 hashes)" \
	--hash=$hashes --no-magic -j 2
# --no-pdq: the corpus' pictures are headers over random bytes, which
# PDQ would count as undecodable (exit 5); bench/pdq.sh times PDQ
spoor_row spoor-magic "spoor-files -j 2 (3 hashes, libmagic)" \
	--hash=$hashes -j 2 --no-pdq
if [ "$j1" = 1 ]; then
	spoor_row spoor-j1 "spoor-files -j 1 --no-magic (3 hashes)" \
		--hash=$hashes --no-magic -j 1
	spoor_row spoor-magic-j1 "spoor-files -j 1 (3 hashes, libmagic)" \
		--hash=$hashes -j 1 --no-pdq
fi

# ---------------------------------------------------------------- report

version() { "$@" 2>&1 | head -1; }
cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
spoor_v="not built"
[ -x "$spoor" ] && spoor_v=$("$spoor" --version 2>&1 | head -1)

ratio() {	# ratio LABEL NUM DEN [OP TARGET KIND]
	local label=$1 a=$2 b=$3 op=${4:-} target=${5:-} kind=${6:-goal}
	if [ -z "${WALL[$a]:-}" ] || [ -z "${WALL[$b]:-}" ]; then
		printf '  %-48s %7s\n' "$label" n/a
		return
	fi
	awk -v label="$label" -v wa="${WALL[$a]}" -v wb="${WALL[$b]}" \
		-v ca="${CPU[$a]}" -v cb="${CPU[$b]}" -v op="$op" -v t="$target" \
		-v kind="$kind" 'BEGIN {
		w = wb > 0 ? wa / wb : 0
		c = cb > 0 ? ca / cb : 0
		verdict = ""
		if (op != "") {
			ok = (op == ">=") ? (w >= t) : (w <= t)
			verdict = sprintf("   %s %s %s: %s", kind, op, t, ok ? "ok" : "MISSED")
		}
		printf "  %-48s %6.2fx %6.2fx%s\n", label, w, c, verdict
	}'
}

{
	echo "spoor bench: files ($(date -u +%Y-%m-%d))"
	echo "machine: $cpu, $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r)"
	echo "load:    $load at start, $(cut -d' ' -f1 /proc/loadavg) at end (1-minute load average)"
	echo "image:   $img"
	echo "         ext4, $nfiles files, $mib MiB of contents ($(sed -n 's/^dirs=//p' "$info") dirs, $(sed -n 's/^symlinks=//p' "$info") symlinks)"
	echo "tools:   fiwalk (SleuthKit $(fiwalk -h 2>&1 | sed -n 's/^SleuthKit Version: *//p')), hashdeep $(hashdeep -V), $(version openssl version | cut -d' ' -f1-2), $(version file --version)"
	echo "spoor:   $spoor ($spoor_v)"
	echo "warm page cache; best of $runs runs (fiwalk -f: $slow_runs); wall and user+sys seconds, max RSS"
	echo
	printf '%-44s %8s %8s %8s %8s %5s\n' "" "wall s" "cpu s" "RSS MiB" "MiB/s" runs
	for id in "${order[@]}"; do
		if [ -n "${WALL[$id]:-}" ]; then
			awk -v l="${LABEL[$id]}" -v w="${WALL[$id]}" -v c="${CPU[$id]}" \
				-v r="${RSS[$id]}" -v b="$bytes" -v n="${NRUN[$id]}" 'BEGIN {
				printf "%-44s %8.2f %8.2f %8.1f %8.1f %5d\n", l, w, c,
					r / 1024, (w > 0 ? b / 1048576 / w : 0), n
			}'
		else
			printf '%-44s %s\n' "${LABEL[$id]}" "${NOTE[$id]:-no result}"
		fi
	done
	if [ -n "${WALL[openssl]:-}" ]; then
		printf '  (openssl wall: md5 %s + sha1 %s + sha256 %s s)\n' \
			"${WALL[openssl-md5]}" "${WALL[openssl-sha1]}" "${WALL[openssl-sha256]}"
	fi
	echo
	printf '  %-48s %7s %7s\n' "ratios" "wall" "cpu"
	ratio "fiwalk (md5+sha1) / spoor (no magic)" fiwalk spoor ">=" 1.8
	ratio "fiwalk -f / spoor (magic)" fiwalk-f spoor-magic ">=" 18
	ratio "spoor (magic) / spoor (no magic)" spoor-magic spoor "<=" 2 stretch
	ratio "tsk_recover+hashdeep / spoor (no magic)" tsk spoor
	ratio "spoor (no magic) / openssl floor" spoor openssl
	ratio "spoor -j 1 (no magic) / openssl floor" spoor-j1 openssl
	ratio "spoor -j 1 / spoor -j 2 (no magic)" spoor-j1 spoor
	# libmagic's floor: the walk and hashes without it plus one libmagic
	# call per file (file -b, a handful of processes), in CPU seconds
	if [ -n "${CPU[spoor-magic-j1]:-}" ] && [ -n "${CPU[spoor-j1]:-}" ] &&
		[ -n "${CPU[file]:-}" ]; then
		awk -v m="${CPU[spoor-magic-j1]}" -v n="${CPU[spoor-j1]}" \
			-v f="${CPU[file]}" 'BEGIN {
			printf "  %-48s %7s %6.2fx   (floor %.2f cpu s = %.2f + %.2f)\n",
				"spoor -j 1 (magic) / one-call floor", "", m / (n + f),
				n + f, n, f
		}'
	else
		printf '  %-48s %7s\n' "spoor -j 1 (magic) / one-call floor" n/a
	fi
} | tee "$bench/files-results.txt"

{
	printf 'id\tlabel\truns\twall_s\tcpu_s\tmaxrss_kib\tnote\n'
	for id in "${order[@]}"; do
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "${LABEL[$id]}" \
			"${NRUN[$id]:-}" "${WALL[$id]:-}" "${CPU[$id]:-}" \
			"${RSS[$id]:-}" "${NOTE[$id]:-}"
	done
} >"$bench/files-results.tsv"

if grep -q 'goal.*MISSED' "$bench/files-results.txt" && [ "$strict" = 1 ]; then
	exit 1
fi
exit 0
