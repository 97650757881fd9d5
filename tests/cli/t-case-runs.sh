#!/bin/bash
# t-case-runs: a run's records join the case only when the run ends
# well.  The user-visible cases of issue 14: a re-run (refused, or
# --replace with one custody event naming both runs; counts once in the
# report), kill -9 mid-run (nothing visible, custody --verify exit 1,
# spoor-report refuses unless --exclude-unfinished and then says so,
# spoor-case discard), a run that fails (-o /dev/full) or is refused
# because the case is locked (nothing visible), an exhibit given twice,
# and a version-1 case with a killed run migrated by spoor-case discard.
# Oracles: the sqlite3 CLI on case.db, Perl's JSON::PP on custody.log
# and findings.json, sha256sum of the files, counts written here.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report-fixture.sh"
need perl sqlite3 sha256sum openssl cc
command -v spoor-report >/dev/null || skip_all "spoor-report not built"
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"
# the fault library is preloaded before the ASan runtime in sanitizer runs
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
FAULT=$T/faultread.so
cc -shared -fPIC -O2 -o "$FAULT" "$SPOOR_SRC/tests/fault/faultread.c" \
	-ldl -pthread || skip_all "cannot build the fault library"

C=$T/case
q() { sqlite3 -batch -noheader "$C/case.db" "$@"; }
# the custody events, one "event|run_id|reason|replaces" line each
events() { perl -MJSON::PP -ne 'my @f = split /\t/, $_, 3;
	my $e = decode_json($f[2]);
	print join("|", $e->{event}, $e->{run_id} // "-",
		$e->{reason} // "-", join(",", @{$e->{replaces_runs} // []})),
		"\n"' "$C/custody.log"; }

# ---- evidence: files, one of them in a known-bad set ----
EV=$T/ev
mkdir -p "$EV/files"
printf '\377\330\377\340\000\020JFIF\000\001\001\000\000\001\000\001\000\000' \
	> "$EV/files/bad.jpg"
head -c 3000 /dev/zero | tr '\0' 'B' >> "$EV/files/bad.jpg"
for i in 1 2 3 4; do printf 'note %s\n' "$i" > "$EV/files/n$i.txt"; done
sha256 "$EV/files/bad.jpg" > "$T/bad.txt"
spoor-hashdb build -q -o "$T/bad.sdb" --name=bad --kind=known-bad \
	--format=hashlist "$T/bad.txt" > /dev/null 2>&1
ok $? "a known-bad set of one file (spoor-hashdb)"
cp "$SPOOR_TESTDATA/fat.img" "$EV/fat.img"
# many small files and a last one whose reads are made slow: a run of it
# stages records, then stalls (kill -9 below)
mkdir -p "$EV/many"
for i in $(seq 100 299); do printf 'file %s\n' "$i" > "$EV/many/f$i.txt"; done
head -c 1000000 /dev/urandom > "$EV/many/zzz.bin"
hash_all() { (cd "$EV" && find . -type f -print0 | sort -z |
	xargs -0 sha256sum); }
hash_all > "$T/before"
nfiles=$(find "$EV/files" -type f | wc -l)

spoor-case init "$C" --case-id NGO-2026-014 --examiner "Eva de Wit" \
	2>/dev/null
spoor-case add "$C" "$EV/files" --exhibit E1 > /dev/null 2>&1
spoor-case add "$C" "$EV/fat.img" --exhibit E2 > /dev/null 2>&1
spoor-case add "$C" "$EV/many" --exhibit E3 > /dev/null 2>&1
is "$(q 'SELECT count(*) FROM exhibits')" 3 "a case with three exhibits"

# ---- a run, then the same run again: refused ----
run_rc 1 "spoor-files -C with a known-bad hit" spoor-files -C "$C" \
	--hashdb="$T/bad.sdb" --no-progress "$EV/files"
is "$(q "SELECT count(*) FROM records WHERE exhibit = 'E1'")" "$nfiles" \
	"run 1: one record per file ($nfiles, find)"
records_before=$(q 'SELECT group_concat(id) FROM records')
run_rc 2 "the same run again: refused" spoor-files -C "$C" \
	--hashdb="$T/bad.sdb" --no-progress "$EV/files"
grep -q "already has the records of run 1 of spoor-files.*--replace" "$T/err"
ok $? "the refusal names the earlier run and --replace"
is "$(q 'SELECT count(*) FROM runs')" 1 "the refused run left no row"
is "$(q 'SELECT group_concat(id) FROM records')" "$records_before" \
	"the refused run left no record"
run_rc 2 "the same exhibit twice in one run: refused" spoor-files -C "$C" \
	--replace --no-progress "$EV/files" "$EV/files"
grep -q "exhibit 'E1' is given twice" "$T/err"
ok $? "the message names the exhibit"
run_rc 2 "--replace without -C: a usage error" spoor-files --replace \
	--no-progress "$EV/files"

# ---- --replace: one event names both runs; counts once ----
run_rc 1 "--replace: the re-run" spoor-files -C "$C" --replace \
	--hashdb="$T/bad.sdb" --no-progress "$EV/files"
is "$(q "SELECT id || ':' || state || ':' || coalesce(replaced_by, '-') FROM runs ORDER BY id" | tr '\n' ' ')" \
	"1:replaced:2 2:committed:- " "run 1 replaced by run 2"
is "$(q "SELECT count(*) FROM records WHERE exhibit = 'E1'")" "$nfiles" \
	"after --replace still one record per file"
is "$(q 'SELECT count(*) FROM records WHERE run_id = 1')" 0 \
	"the replaced run's records are no findings"
is "$(q 'SELECT count(*) FROM record_rows WHERE run_id = 1')" 0 \
	"and were deleted after the commit"
is "$(events | grep '^analysed|2|')" "analysed|2|-|1" \
	"run 2's 'analysed' event names run 1 in replaces_runs (JSON::PP)"
run_rc 0 "custody --verify after a replacement" spoor-case custody --verify "$C"

mk_pki "$T/pki"
P=$T/pki
SIGN=(--key "$P/examiner.enc.key" --passphrase-file "$P/pass.txt"
	--cert "$P/examiner.crt" --chain "$P/chain.pem" --recipient NL-POL-ZEDEN)
run_rc 0 "a bundle of the case" spoor-report -C "$C" -o "$T/b1" "${SIGN[@]}"
is "$(perl -MJSON::PP -0777 -ne 'my $j = decode_json($_);
	print scalar @{$j->{items}}' "$T/b1/data/hashes-flagged.json")" 1 \
	"hashes-flagged.json: the one known-bad file once"
is "$(perl -MJSON::PP -0777 -ne 'my $j = decode_json($_);
	print scalar(grep { $_->{rtype} eq "file" } @{$j->{records}})' \
	"$T/b1/data/findings.json")" "$nfiles" \
	"findings.json: each file once ($nfiles)"
is "$(perl -MJSON::PP -0777 -ne 'my $j = decode_json($_);
	print join(",", map { "$_->{id}:$_->{state}" } @{$j->{runs}})' \
	"$T/b1/data/findings.json")" "1:replaced,2:committed" \
	"findings.json: the runs with their states"

# a run whose records are tagged is not replaced
rid=$(q "SELECT min(id) FROM records WHERE run_id = 2")
spoor-case tag "$C" "$rid" --label keep > /dev/null 2>&1
run_rc 2 "--replace of a run with a tagged record: refused" spoor-files \
	-C "$C" --replace --no-progress "$EV/files"
grep -q "run 2 has 1 tagged record" "$T/err"
ok $? "the refusal says the run has a tagged record"
is "$(q "SELECT state FROM runs WHERE id = 2")" committed "run 2 kept"

# ---- a run that fails: nothing of it is kept ----
n_before=$(q 'SELECT count(*) FROM records')
run_rc 4 "a run whose output fails (-o /dev/full)" spoor-files -C "$C" \
	--no-progress -o /dev/full "$EV/fat.img"
is "$(q "SELECT state || ':' || exit_code FROM runs WHERE id = (SELECT max(id) FROM runs)")" \
	"discarded:4" "the failed run is discarded (exit 4 recorded)"
is "$(q 'SELECT count(*) FROM records')" "$n_before" "no record of it visible"
is "$(q "SELECT count(*) FROM record_rows WHERE run_id IN (SELECT id FROM runs WHERE state != 'committed')")" 0 "nothing of it staged"
is "$(events | tail -n1 | cut -d'|' -f1,3)" "discarded|failed (exit 4)" \
	"a 'discarded' custody event says why"

# ---- the case locked by another writer: refused, nothing visible ----
runs_before=$(q 'SELECT count(*) FROM runs')
sqlite3 "$C/case.db" ".timeout 5000" "BEGIN EXCLUSIVE" \
	"SELECT 1 FROM runs LIMIT 1" ".shell sleep 14" "COMMIT" \
	> /dev/null 2>&1 &
locker=$!
sleep 1
run_rc 3 "a run while another writer holds the case: refused" \
	spoor-files -C "$C" --no-progress "$EV/fat.img"
grep -q "case is locked by another process" "$T/err"
ok $? "the message says the case is locked"
wait "$locker"
is "$(q 'SELECT count(*) FROM runs')" "$runs_before" \
	"the refused run left no row"
is "$(q 'SELECT count(*) FROM records')" "$n_before" "nor a record"

# ---- kill -9 mid-run ----
# reads of E3's last file are slowed down: the run is caught after it
# staged the other files' records
SPOOR_FAULT="file=$EV/many/zzz.bin;slow=3000" LD_PRELOAD=$FAULT \
	spoor-files -C "$C" --no-progress -j1 "$EV/many" \
	> /dev/null 2> "$T/kill.err" &
pid=$!
staged=0
for i in $(seq 1 300); do
	staged=$(q "SELECT count(*) FROM record_rows WHERE run_id IN (SELECT id FROM runs WHERE state != 'committed')" 2>/dev/null)
	[ "${staged:-0}" -gt 0 ] && break
	sleep 0.1
done
kill -9 "$pid"
wait "$pid" 2>/dev/null
ok "$([ "${staged:-0}" -gt 0 ]; echo $?)" "kill -9 while records were staged ($staged)"
krun=$(q "SELECT max(id) FROM runs")
is "$(q "SELECT state || ':' || (finished IS NULL) FROM runs WHERE id = $krun")" \
	"running:1" "the killed run is unfinished"
is "$(q 'SELECT count(*) FROM records')" "$n_before" \
	"none of its records is visible"
run_rc 1 "custody --verify reports the unfinished run" spoor-case custody \
	--verify "$C"
grep -q "^unfinished: run $krun (spoor-files on E3.*abandoned" "$T/out"
ok $? "it names the run, its tool, exhibit and that it was abandoned"
grep -q "^UNFINISHED: 1 run" "$T/out"
ok $? "and ends UNFINISHED"
run_rc 2 "spoor-report refuses a case with an unfinished run" \
	spoor-report -C "$C" -o "$T/b2" "${SIGN[@]}"
grep -q "unfinished run: run $krun (spoor-files on E3.*--exclude-unfinished" "$T/err"
ok $? "the message names the run and --exclude-unfinished"
ok "$([ ! -e "$T/b2" ]; echo $?)" "no bundle"
run_rc 0 "--exclude-unfinished: built" spoor-report -C "$C" -o "$T/b2" \
	"${SIGN[@]}" --exclude-unfinished
is "$(perl -MJSON::PP -0777 -ne 'my $j = decode_json($_);
	print join(",", map { $_->{id} } @{$j->{unfinished_runs_left_out}})' \
	"$T/b2/data/findings.json")" "$krun" \
	"findings.json names the run left out"
grep -q "^LEFT OUT: runs of the case that never ended" "$T/b2/readme.txt"
ok $? "readme.txt says a run was left out"
grep -q 'class="left-out"' "$T/b2/report/report.html"
ok $? "report.html says so too"
run_rc 0 "spoor-verify accepts that bundle" spoor-verify "$T/b2" \
	--trust "$P/root.crt" --recipient NL-POL-ZEDEN

run_rc 0 "spoor-case discard removes the abandoned run" spoor-case discard "$C"
is "$(q "SELECT state FROM runs WHERE id = $krun")" discarded \
	"the run is discarded"
is "$(q "SELECT count(*) FROM record_rows WHERE run_id IN (SELECT id FROM runs WHERE state != 'committed')")" 0 "its staged records are gone"
is "$(events | grep "^discarded|$krun|" | cut -d'|' -f3 | cut -c1-9)" \
	abandoned "a 'discarded' custody event: abandoned"
run_rc 0 "custody --verify: OK again" spoor-case custody --verify "$C"
grep -q '^OK: ' "$T/out"
ok $? "it prints OK"
run_rc 2 "discard of a committed run without a note" spoor-case discard \
	"$C" 1
run_rc 2 "discard of an unknown run" spoor-case discard "$C" 999

# ---- a version-1 case with a killed run is migrated by discard ----
V1=$T/v1
spoor-case init "$V1" --case-id V1 --examiner Eva 2>/dev/null
spoor-case add "$V1" "$EV/files" --exhibit E1 > /dev/null 2>&1
spoor-files -C "$V1" --no-progress "$EV/files" > /dev/null 2>&1
# the same case in the version-1 schema (tests/cli/casedb-v1.sql), with
# what a version-1 tool killed mid-run left: a run row without an end
# and its records in `records`
mv "$V1/case.db" "$T/v2.db"
rm -f "$V1/case.db-wal" "$V1/case.db-shm"
sqlite3 "$V1/case.db" < "$SPOOR_SRC/tests/cli/casedb-v1.sql"
sqlite3 "$V1/case.db" "ATTACH '$T/v2.db' AS n; \
	INSERT INTO case_info SELECT * FROM n.case_info; \
	INSERT INTO exhibits SELECT id, exhibit, path, kind, size, md5, \
	sha1, sha256, description, received_from, acquisition_log, \
	acquired_json, added, custody_seq FROM n.exhibits; \
	INSERT INTO runs SELECT id, tool, version, parameters, exhibit, \
	input_sha256, examiner, started, finished, exit_code, counts, \
	custody_seq FROM n.runs; \
	INSERT INTO records SELECT * FROM n.records; \
	INSERT INTO runs (tool, version, parameters, exhibit, examiner, \
	started) VALUES ('spoor-files', '0.1.0', '[]', 'E1', 'Eva', \
	'2026-01-01T00:00:00Z'); \
	INSERT INTO records (run_id, exhibit, rtype, json) SELECT 2, exhibit, \
	rtype, json FROM records WHERE run_id = 1; PRAGMA user_version = 1"
is "$(sqlite3 "$V1/case.db" 'SELECT count(*) FROM records')" \
	$((2 * nfiles)) "the v1 case: the killed run's records in records"
run_rc 3 "spoor-case show will not migrate (read only)" spoor-case show "$V1"
run_rc 3 "spoor-report refuses the old schema" spoor-report -C "$V1" \
	-o "$T/b3" "${SIGN[@]}"
grep -q "old schema version 1: migrate it first with 'spoor-case discard" "$T/err"
ok $? "and says how to migrate"
run_rc 0 "spoor-case discard migrates and discards" spoor-case discard "$V1"
is "$(sqlite3 "$V1/case.db" 'PRAGMA user_version')" 2 "now version 2"
is "$(sqlite3 "$V1/case.db" "SELECT group_concat(id || ':' || state, ' ') FROM runs")" \
	"1:committed 2:discarded" "run 1 committed, the killed run 2 discarded"
is "$(sqlite3 "$V1/case.db" 'SELECT count(*) FROM records')" "$nfiles" \
	"only the committed run's records remain"
run_rc 0 "the migrated case verifies" spoor-case custody --verify "$V1"
# a version-1 case could hold the same run twice (the issue's doubled
# counts): the report refuses it until one is discarded
cp -r "$V1" "$T/v1dup"
spoor-files -C "$T/v1dup" --replace --no-progress "$EV/files" > /dev/null 2>&1
sqlite3 "$T/v1dup/case.db" "UPDATE runs SET state = 'committed', \
	replaced_by = NULL WHERE id = 1; INSERT INTO record_rows (run_id, \
	exhibit, rtype, json) SELECT 1, exhibit, rtype, json FROM \
	record_rows WHERE run_id = 3"
is "$(sqlite3 "$T/v1dup/case.db" 'SELECT count(*) FROM records')" \
	$((2 * nfiles)) "the doubled case: each file twice in records"
run_rc 2 "spoor-report refuses two committed runs on one exhibit" \
	spoor-report -C "$T/v1dup" -o "$T/b4" "${SIGN[@]}"
grep -q "runs 1 and 3 of spoor-files both cover exhibit 'E1'" "$T/err"
ok $? "and names them"
run_rc 0 "discard of the older one, with a note" spoor-case discard \
	"$T/v1dup" 1 --note "duplicate of run 3 (version-1 case)"
run_rc 0 "then the report is built" spoor-report -C "$T/v1dup" \
	-o "$T/b4" "${SIGN[@]}"
is "$(perl -MJSON::PP -0777 -ne 'my $j = decode_json($_);
	print scalar(grep { $_->{rtype} eq "file" } @{$j->{records}})' \
	"$T/b4/data/findings.json")" "$nfiles" "each file once"

hash_all > "$T/after"
diff_ok "$T/after" "$T/before" "evidence unchanged (sha256sum before and after)"
done_testing
