#!/bin/bash
# t-signals: SIGINT and SIGTERM end every tool with exit 130 and the
# interruption recorded; FIFOs and sockets given as input are refused,
# never opened (spoor-files on a FIFO used to block for ever and ignore
# SIGTERM).  Slow reads come from tests/fault/faultread.c (LD_PRELOAD);
# a tool is signalled once /proc shows it has its input open, not after
# a guessed delay.  `timeout -s KILL` is only a guard against a hang.
# Oracles: exit codes, the sqlite3 CLI on case.db, Perl's JSON::PP on
# custody.log, the files that exist.
. "$(dirname "$0")/lib.sh"
need perl sqlite3 cc timeout mkfifo
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
FAULT=$T/faultread.so
cc -shared -fPIC -O2 -o "$FAULT" "$SPOOR_SRC/tests/fault/faultread.c" \
	-ldl -pthread || skip_all "cannot build the fault library"

# wait_open PID FILE: until process PID has FILE open (at most ~30 s)
wait_open() {
	local i f
	for i in $(seq 1 300); do
		for f in /proc/"$1"/fd/*; do
			[ "$(readlink "$f" 2>/dev/null)" = "$2" ] && return 0
		done
		sleep 0.1
	done
	return 1
}
# wait_staged: until the case has staged records (at most ~30 s)
wait_staged() {
	local i n
	for i in $(seq 1 300); do
		n=$(sqlite3 "$C/case.db" "SELECT count(*) FROM record_rows WHERE run_id IN (SELECT id FROM runs WHERE state != 'committed')" \
			2>/dev/null)
		[ "${n:-0}" -gt 0 ] && return 0
		sleep 0.1
	done
	return 1
}
q() { sqlite3 -batch -noheader "$C/case.db" "$@"; }
last_event() { tail -n1 "$C/custody.log" | cut -f3 | perl -MJSON::PP -ne '
	my $e = decode_json($_);
	print join("|", $e->{event}, $e->{run_id} // "-", $e->{reason} // "-")'; }

EV=$T/ev
mkdir -p "$EV/many"
for i in $(seq 100 299); do printf 'file %s\n' "$i" > "$EV/many/f$i.txt"; done
head -c 24000000 /dev/urandom > "$EV/many/zzz.bin"
head -c 8000000 /dev/urandom > "$EV/big.bin"
cp "$SPOOR_TESTDATA/fat.img" "$EV/fat.img"
hash_all() { (cd "$EV" && find . -type f -print0 | sort -z |
	xargs -0 sha256sum); }
hash_all > "$T/before"
C=$T/case
spoor-case init "$C" --case-id SIG-1 --examiner Eva 2>/dev/null
spoor-case add "$C" "$EV/many" --exhibit E1 > /dev/null 2>&1
is "$(q 'SELECT count(*) FROM exhibits')" 1 "a case with one exhibit"

# ---- FIFOs and sockets are refused at once ----
mkfifo "$T/fifo"
guard() { timeout -s KILL 20 "$@"; }
run_rc 3 "spoor-files on a FIFO: refused" guard spoor-files --no-progress \
	"$T/fifo"
grep -q "'$T/fifo' is not a file, directory or block device (a FIFO)" "$T/err"
ok $? "spoor-files names it a FIFO"
run_rc 3 "spoor-files -i file on a FIFO: refused" guard spoor-files \
	--no-progress -i file "$T/fifo"
run_rc 3 "spoor-case add of a FIFO: refused" guard spoor-case add "$C" \
	"$T/fifo" --exhibit F
run_rc 3 "spoor-hashdb build from a FIFO: refused" guard spoor-hashdb \
	build -q -o "$T/f.sdb" --name=f --kind=known-bad --format=hashlist \
	"$T/fifo"
grep -q "(a FIFO)" "$T/err"
ok $? "spoor-hashdb names it a FIFO"
perl -MIO::Socket::UNIX -e 'IO::Socket::UNIX->new(Type => SOCK_STREAM(),
	Local => $ARGV[0], Listen => 1) or die; exit 0' "$T/sock" &&
	[ -S "$T/sock" ]
ok $? "a unix socket (perl)"
run_rc 3 "spoor-files on a socket: refused" guard spoor-files --no-progress \
	"$T/sock"
grep -q "(a socket)" "$T/err"
ok $? "spoor-files names it a socket"

# ---- SIGTERM mid-run with -C: exit 130, the run discarded, says so ----
SPOOR_FAULT="file=$EV/many/zzz.bin;slow=150" LD_PRELOAD=$FAULT \
	spoor-files -C "$C" --no-progress -j1 -o "$T/out.jsonl" "$EV/many" \
	> /dev/null 2> "$T/term.err" &
pid=$!
wait_staged
ok $? "the run staged records"
kill -TERM "$pid"
guard_rc=0
wait "$pid" || guard_rc=$?
is "$guard_rc" 130 "SIGTERM: exit 130"
grep -q "error: interrupted by SIGTERM" "$T/term.err"
ok $? "SIGTERM: the tool says it was interrupted"
run=$(q 'SELECT max(id) FROM runs')
is "$(q "SELECT state || ':' || exit_code FROM runs WHERE id = $run")" \
	"discarded:130" "the interrupted run is discarded, exit 130 recorded"
is "$(last_event)" "discarded|$run|interrupted by SIGTERM" \
	"custody: a 'discarded' event, reason 'interrupted by SIGTERM'"
is "$(q 'SELECT count(*) FROM records') $(q "SELECT count(*) FROM record_rows WHERE run_id IN (SELECT id FROM runs WHERE state != 'committed')")" \
	"0 0" "no record of it visible, none staged"
ok "$([ ! -e "$T/out.jsonl" ] && [ ! -e "$T/out.jsonl.tmp" ]; echo $?)" \
	"no -o file, no temp file"
run_rc 0 "custody --verify after the interruption" spoor-case custody \
	--verify "$C"

# ---- SIGINT likewise ----
SPOOR_FAULT="file=$EV/many/zzz.bin;slow=150" LD_PRELOAD=$FAULT \
	spoor-files -C "$C" --no-progress -j1 "$EV/many" \
	> /dev/null 2> "$T/int.err" &
pid=$!
wait_staged
kill -INT "$pid"
guard_rc=0
wait "$pid" || guard_rc=$?
is "$guard_rc" 130 "SIGINT: exit 130"
run=$(q 'SELECT max(id) FROM runs')
is "$(last_event)" "discarded|$run|interrupted by SIGINT" \
	"custody: reason 'interrupted by SIGINT'"
run_rc 0 "a run after the interruptions commits" spoor-files -C "$C" \
	--no-progress "$EV/many"
is "$(q 'SELECT count(*) FROM records')" 201 "its 201 records (find)"

# ---- a tool that does not stop by itself is ended by the watchdog ----
# (libtsk reads the file system of fat.img with no way to stop it: each
# read here takes 0.5 s)
SPOOR_FAULT="file=$EV/fat.img;slow=500" LD_PRELOAD=$FAULT \
	spoor-files --no-progress -o "$T/w.jsonl" "$EV/fat.img" \
	> /dev/null 2> "$T/w.err" &
pid=$!
wait_open "$pid" "$EV/fat.img"
ok $? "spoor-files reads fat.img"
kill -TERM "$pid"
guard_rc=0
wait "$pid" || guard_rc=$?
is "$guard_rc" 130 "SIGTERM while stuck in libtsk: exit 130"
grep -q "interrupted (stopped by force" "$T/w.err"
ok $? "it says it was stopped by force"
ok "$([ ! -e "$T/w.jsonl" ] && [ ! -e "$T/w.jsonl.tmp" ]; echo $?)" \
	"no -o file, no temp file"

# ---- tools without a stop of their own end at once ----
n_ex=$(q 'SELECT count(*) FROM exhibits')
n_log=$(wc -l < "$C/custody.log")
SPOOR_FAULT="file=$EV/big.bin;slow=300" LD_PRELOAD=$FAULT \
	spoor-case add "$C" "$EV/big.bin" --exhibit BIG > /dev/null \
	2> "$T/add.err" &
pid=$!
wait_open "$pid" "$EV/big.bin"
kill -TERM "$pid"
guard_rc=0
wait "$pid" || guard_rc=$?
is "$guard_rc" 130 "spoor-case add (hashing): exit 130"
grep -q "error: interrupted" "$T/add.err"
ok $? "spoor-case add says it was interrupted"
is "$(q 'SELECT count(*) FROM exhibits') $(wc -l < "$C/custody.log")" \
	"$n_ex $n_log" "nothing registered, no custody event"

sha256sum "$EV/big.bin" | cut -d' ' -f1 > "$T/list.txt"
SPOOR_FAULT="file=$T/list.txt;slow=3000" LD_PRELOAD=$FAULT \
	spoor-hashdb build -q -o "$T/l.sdb" --name=l --kind=known-bad \
	--format=hashlist "$T/list.txt" > /dev/null 2> "$T/hdb.err" &
pid=$!
wait_open "$pid" "$T/list.txt"
kill -INT "$pid"
guard_rc=0
wait "$pid" || guard_rc=$?
is "$guard_rc" 130 "spoor-hashdb build: SIGINT, exit 130"
ok "$([ ! -e "$T/l.sdb" ]; echo $?)" "no hash set under its final name"

hash_all > "$T/after"
diff_ok "$T/after" "$T/before" "evidence unchanged (sha256sum before and after)"
done_testing
