#!/bin/bash
# fuzz/run.sh FZDIR SECONDS TARGET...: run each libFuzzer target for
# SECONDS on its corpus, then print one line per target: executions,
# coverage (cov: edges, ft: features), corpus size, and crashes.
#
# Per target NAME:
#   FZDIR/bin/fuzz-NAME          the binary (make fuzz-build)
#   FZDIR/corpus/NAME/           the working corpus (grows, kept)
#   fuzz/corpus/NAME/            committed tiny seeds (read only)
#   FZDIR/seeds/NAME/            seeds made by fuzz/seeds.sh
#   fuzz/regressions/NAME/       inputs that once crashed (read only)
#   FZDIR/crashes/NAME/          what this run found (crash-*, timeout-*,
#                                oom-*, leak-*)
#   FZDIR/log/NAME.log           libFuzzer's output
# Options for one target: a line "fuzz-options: -max_len=4096 ..." in a
# comment of fuzz/fuzz-NAME.c.  Exit status 1 when any target found
# something.
set -u
fz=$1 secs=$2
shift 2
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$fz/log"
# libFuzzer reports leaks itself; the suppressions are libtsk's and
# libmagic's, as for the tests
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$src/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
found=0
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
printf '%-10s %10s %8s %8s %7s %s\n' target execs cov ft corpus result \
	>"$summary"
for t in "$@"; do
	bin=$fz/bin/fuzz-$t
	log=$fz/log/$t.log
	mkdir -p "$fz/corpus/$t" "$fz/crashes/$t"
	dirs=("$fz/corpus/$t")
	for d in "$src/fuzz/corpus/$t" "$fz/seeds/$t" \
	    "$src/fuzz/regressions/$t"; do
		[ -d "$d" ] && dirs+=("$d")
	done
	opts=$(sed -n 's/.*fuzz-options: *\(.*[^ ]\) *\*\/.*/\1/p; s/.*fuzz-options: *\([^*]*[^ *]\) *$/\1/p' \
		"$src/fuzz/fuzz-$t.c" | head -1)
	echo "== fuzz-$t: $secs s ${opts:+($opts)}"
	# -timeout: one input; the outer timeout catches a hung process
	# shellcheck disable=SC2086
	timeout -k 10 $((secs + 120)) "$bin" -max_total_time="$secs" \
		-timeout=10 -rss_limit_mb=2560 -print_final_stats=1 \
		-artifact_prefix="$fz/crashes/$t/" $opts "${dirs[@]}" \
		>"$log" 2>&1
	rc=$?
	last=$(grep -E '^#[0-9]+' "$log" | grep 'cov:' | tail -1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(printf '%s\n' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(printf '%s\n' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(printf '%s\n' "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
	res=ok
	if [ "$rc" != 0 ]; then
		res="FAILED (exit $rc; see $log and $fz/crashes/$t/)"
		found=1
		grep -E '^(==[0-9]+==ERROR|SUMMARY)' "$log" | head -3
	fi
	printf '%-10s %10s %8s %8s %7s %s\n' "$t" "${execs:-?}" "${cov:-?}" \
		"${ft:-?}" "${corp:-?}" "$res" >>"$summary"
done
echo "== fuzz summary ($secs s per target)"
cat "$summary"
exit $found
