#!/bin/bash
# t-case-custody: `spoor-case custody --verify` against tampering with
# custody.log (edit, delete, swap, truncate, a cut-off end, a wrong
# case), each compared with a Perl re-implementation of the chain check
# (Digest::SHA, JSON::PP) that is independent of lib/custody.c.
. "$(dirname "$0")/lib.sh"
need perl sqlite3 sha256sum

# perl_check CASE-ID LOG: "OK COUNT HEAD" or "BAD LINE why" (first bad
# line, 1-based), as bundle.md section 3 defines the chain
perl_check() {
	CASE_ID=$1 perl -MDigest::SHA=sha256_hex -MJSON::PP -e '
		my $prev = sha256_hex("custody-v1\0" . $ENV{CASE_ID});
		my $n = 0;
		while (my $l = <STDIN>) {
			$n++;
			unless (chomp $l) { print "BAD $n no LF\n"; exit 1 }
			my ($seq, $p, $json) = split /\t/, $l, 3;
			if ($seq ne $n - 1) { print "BAD $n seq\n"; exit 1 }
			if ($p ne $prev) { print "BAD $n prev\n"; exit 1 }
			unless (eval { JSON::PP->new->utf8->decode($json) }) {
				print "BAD $n json\n"; exit 1;
			}
			$prev = sha256_hex($l);
		}
		print "OK $n $prev\n";' < "$2"
}
# tool_line: the line number `custody --verify` named (from $T/out)
tool_line() { sed -n 's/^BROKEN at line \([0-9]*\):.*/\1/p' "$T/out"; }

EV=$T/ev
mkdir -p "$EV/dir/sub"
echo "een" > "$EV/dir/a.txt"
echo "twee" > "$EV/dir/sub/b.txt"
head -c 65536 /dev/urandom > "$EV/usb.bin"
(cd "$EV" && find . -type f -print0 | sort -z | xargs -0 sha256sum) > "$T/before"

C=$T/case
spoor-case -q init "$C" --case-id NGO-2026-042 --examiner "Sam Jansen" &&
	spoor-case -q add "$C" "$EV/dir" --exhibit E01 > /dev/null &&
	spoor-case -q add "$C" "$EV/usb.bin" --exhibit E02 > /dev/null &&
	spoor-files -q -C "$C" --no-progress "$EV/dir" > "$T/files.jsonl" &&
	spoor-case -q tag "$C" 1 2 --label "te bekijken"
ok $? "a case with five events (init, 2 x add, a run, a tag)"
is "$(wc -l < "$C/custody.log")" 5 "custody.log has five lines"
cp "$C/custody.log" "$T/good.log"

run_rc 0 "custody --verify on the untouched log" spoor-case custody "$C" --verify
read -r st n head <<< "$(perl_check NGO-2026-042 "$C/custody.log")"
is "$st" OK "Perl accepts the log"
is "$(cat "$T/out")" "OK: $n events, head $head" "count and head agree with Perl"

# tamper NAME SED-SCRIPT: apply to a fresh copy of the good log, then
# expect exit 1 naming the line Perl finds first
tamper() {
	cp "$T/good.log" "$C/custody.log"
	sed -i "$2" "$C/custody.log"
	run_rc 1 "$1: custody --verify" spoor-case custody "$C" --verify
	read -r st bad _ <<< "$(perl_check NGO-2026-042 "$C/custody.log")"
	is "$st" BAD "$1: Perl rejects the log too"
	is "$(tool_line)" "$bad" "$1: the tool names line $bad, as Perl does"
}
tamper "edit a line's JSON" '2s/"E01"/"E09"/'
# the first digit of line 3's prev hash, changed for certain (0 <-> other)
tamper "edit a line's hash" '3{s/\t0/\t1/;t;s/\t[1-9a-f]/\t0/}'
tamper "delete a line" '3d'
tamper "swap two lines" '2{h;d};3G'
tamper "duplicate a line" '2p'

# truncated mid-line: the last line loses its end
cp "$T/good.log" "$C/custody.log"
truncate -s -7 "$C/custody.log"
run_rc 1 "truncated mid-line: custody --verify" spoor-case custody "$C" --verify
read -r st bad _ <<< "$(perl_check NGO-2026-042 "$C/custody.log")"
is "$st $bad" "BAD 5" "truncated mid-line: Perl finds line 5"
is "$(tool_line)" 5 "truncated mid-line: the tool names line 5"

# whole last line cut off: the chain itself is fine (Perl accepts it),
# but case.db refers to the lost event
cp "$T/good.log" "$C/custody.log"
sed -i '$d' "$C/custody.log"
read -r st _ <<< "$(perl_check NGO-2026-042 "$C/custody.log")"
is "$st" OK "last line deleted: the bare chain still verifies (Perl)"
run_rc 1 "last line deleted: custody --verify" spoor-case custody "$C" --verify
is "$(tool_line)" 5 "last line deleted: the tool names the missing line 5"
grep -q "tag [0-9]* of case.db refers to it" "$T/out"
ok $? "last line deleted: the message names the tag that refers to it"

# the last line edited (its label): only case.db can tell
cp "$T/good.log" "$C/custody.log"
sed -i '$s/te bekijken/onschuldig/' "$C/custody.log"
read -r st _ <<< "$(perl_check NGO-2026-042 "$C/custody.log")"
is "$st" OK "last line edited: the bare chain still verifies (Perl)"
run_rc 1 "last line edited: custody --verify" spoor-case custody "$C" --verify
is "$(tool_line)" 5 "last line edited: the tool names line 5"

# the log of another case
cp "$T/good.log" "$C/custody.log"
cp "$C/case.db" "$T/case.db.good"
sqlite3 "$C/case.db" "UPDATE case_info SET value = 'NGO-2026-043' WHERE key = 'case_id'"
run_rc 1 "another case id: custody --verify" spoor-case custody "$C" --verify
is "$(tool_line)" 1 "another case id: line 1 (genesis) is named"
cp "$T/case.db.good" "$C/case.db"

# nothing is appended to a broken log
cp "$T/good.log" "$C/custody.log"
sed -i '2s/"E01"/"E09"/' "$C/custody.log"
sha256sum "$C/custody.log" > "$T/broken.sha"
spoor-case tag "$C" 1 --label x > /dev/null 2> "$T/err"
rc=$?
ok $([ "$rc" -ne 0 ] && echo 0 || echo 1) "tag refuses to append to a broken log (exit $rc)"
sha256sum -c --quiet "$T/broken.sha"
ok $? "the broken log is left as it was"
is "$(sqlite3 "$C/case.db" 'SELECT count(*) FROM tags')" 2 "no tag row without its event"

# verifying reads only
cp "$T/good.log" "$C/custody.log"
sha256sum "$C/custody.log" "$C/case.db" > "$T/case.sha"
run_rc 0 "custody --verify again" spoor-case custody "$C" --verify
sha256sum -c --quiet "$T/case.sha"
ok $? "custody --verify changes neither custody.log nor case.db"

(cd "$EV" && find . -type f -print0 | sort -z | xargs -0 sha256sum) > "$T/after"
diff_ok "$T/after" "$T/before" "evidence unchanged"
done_testing
