#!/bin/bash
# t-fuzz-replay: every fuzz target of fuzz/ (built by `make check-run`
# with the normal compiler and fuzz/replay.c as main) run once on each
# input that once crashed it (fuzz/regressions/NAME/) and on its
# committed seeds (fuzz/corpus/NAME/) and the generated ones when made
# (make fuzz-build: $SPOOR_BUILD/fuzz/seeds/NAME/), under the build's
# sanitizers.  A crash, a sanitizer report or a hang fails the line.
. "$(dirname "$0")/../cli/lib.sh"
need timeout
dir=$SPOOR_BUILD/fuzz/replay
[ -d "$dir" ] || skip_all "no fuzz replays built (make check-run builds them)"
for src in "$SPOOR_SRC"/fuzz/fuzz-*.c; do
	t=$(basename "$src" .c)
	t=${t#fuzz-}
	bin=$dir/$t
	if [ ! -x "$bin" ]; then
		ok 1 "fuzz-$t: replay binary built"
		continue
	fi
	set --
	for d in "$SPOOR_SRC/fuzz/regressions/$t" "$SPOOR_SRC/fuzz/corpus/$t" \
	    "$SPOOR_BUILD/fuzz/seeds/$t"; do
		[ -d "$d" ] && set -- "$@" "$d"
	done
	if [ $# -eq 0 ]; then
		skip "fuzz-$t: no regression inputs or seeds"
		continue
	fi
	(cd "$T" && TMPDIR=$T timeout -k 10 300 "$bin" "$@") >"$T/out" 2>"$T/err"
	rc=$?
	n=$(grep -c '^ok ' "$T/out")
	is "$rc" 0 "fuzz-$t: $n inputs replayed without a crash"
	[ "$rc" = 0 ] || { tail -5 "$T/out"; sed 's/^/#   /' "$T/err" | head -20; }
done
done_testing
