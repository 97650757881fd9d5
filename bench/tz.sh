#!/bin/bash
# bench/tz.sh: the cost of local times.  A WhatsApp "Export chat" file of
# 200,000 lines (one message a minute, across both DST changes of
# several years, numbers as authors) read by spoor-artifacts with
# --tz=UTC, --tz=Europe/Amsterdam, a fixed offset and no zone; the named
# zone is meant to stay within 1.3x the UTC run (issue 13: it was 8.8x
# when the zone was switched with setenv+tzset per time).  A second row
# times the phone-number normalisation alone (every author a different
# number: no cache hits) against the same file with names.
#
# usage: bench/tz.sh BUILD_DIR
#
# Environment: BENCH_LINES=200000, BENCH_RUNS=3.
set -u
export LC_ALL=C
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
B=$(cd "$1" && pwd) || exit 2
N=${BENCH_LINES:-200000}
RUNS=${BENCH_RUNS:-3}
dir=$B/bench/tz
mkdir -p "$dir/names" "$dir/numbers"
export SPOOR_PLUGIN_PATH=$B/plugins TMPDIR=$dir

gen() {	# MODE: names | numbers
	perl -e '
		my ($n, $mode) = @ARGV;
		my $t = 1648339200;	# 2022-03-27T00:00:00Z, a DST day
		for my $i (1 .. $n) {
			my @g = gmtime($t + 60 * $i);
			my $who = $mode eq "numbers"
				? sprintf("+31 6 %08d", 10000000 + $i)
				: ("Mark", "Sanne", "Daan")[$i % 3];
			printf "%02d-%02d-%04d %02d:%02d - %s: bericht %d\n",
				$g[3], $g[4] + 1, $g[5] + 1900, $g[2], $g[1],
				$who, $i;
		}' "$N" "$1"
}
for m in names numbers; do
	f="$dir/$m/WhatsApp-chat met Mark.txt"
	[ -s "$f" ] || gen "$m" > "$f"
done

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

art() { "$B/bin/spoor-artifacts" -q --plugin=whatsapp-txt --me=Sanne "$@"; }
t_utc=$(best art --tz=UTC "$dir/names")
t_ams=$(best art --tz=Europe/Amsterdam "$dir/names")
t_fix=$(best art --tz=+01:00 "$dir/names")
t_none=$(best art "$dir/names")
t_num=$(best art --tz=Europe/Amsterdam "$dir/numbers")
t_cat=$(best cat "$dir/names/WhatsApp-chat met Mark.txt")
{
	echo "local-time bench: $N export lines, best of $RUNS"
	printf '%-46s %8s s\n' "cat of the export (floor)" "$t_cat"
	printf '%-46s %8s s\n' "spoor-artifacts --tz=UTC" "$t_utc"
	printf '%-46s %8s s\n' "spoor-artifacts --tz=Europe/Amsterdam" "$t_ams"
	printf '%-46s %8s s\n' "spoor-artifacts --tz=+01:00" "$t_fix"
	printf '%-46s %8s s\n' "spoor-artifacts, no --tz (kept local)" "$t_none"
	printf '%-46s %8s s\n' "Europe/Amsterdam, $N distinct phone numbers" "$t_num"
	[ "$t_utc" != fail ] && [ "$t_ams" != fail ] &&
		printf 'ratio Europe/Amsterdam / UTC: %.2fx (goal <= 1.3x)\n' \
			"$(echo "$t_ams / $t_utc" | bc -l)"
	[ "$t_num" != fail ] && [ "$t_ams" != fail ] &&
		printf 'ratio distinct numbers / names: %.2fx\n' \
			"$(echo "$t_num / $t_ams" | bc -l)"
} | tee "$B/bench/tz.txt"
