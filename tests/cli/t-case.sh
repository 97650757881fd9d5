#!/bin/bash
# t-case: spoor-case init/add/tag/records/show/identities and -C CASE in
# spoor-files, spoor-artifacts and spoor-acquire.  Oracles: the sqlite3
# CLI on case.db (schema from lib/casedb.sql, counts and JSON equal to
# the tools' JSONL output byte for byte), sha256sum/md5sum/sha1sum of
# the exhibits, Perl's JSON::PP and Digest::SHA for custody.log, values
# written by this script for the contacts graph; evidence unchanged.
. "$(dirname "$0")/lib.sh"
need perl sqlite3 sha256sum md5sum sha1sum
: "${SPOOR_PLUGIN_PATH:=$SPOOR_BUILD/plugins}"
export SPOOR_PLUGIN_PATH
[ -f "$SPOOR_PLUGIN_PATH/whatsapp-android.so" ] &&
	[ -f "$SPOOR_PLUGIN_PATH/whatsapp-txt.so" ] ||
	skip_all "whatsapp plugins not built"
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"

q() { sqlite3 -batch -noheader "$C/case.db" "$@"; }
tab=$'\t'

# ---- evidence: two exhibits of fixtures, an image, an acquired image ----
bash "$SPOOR_SRC/testdata/mkartifacts.sh" "$T/fx" > /dev/null
ok $? "fixtures generated"
EV=$T/ev
mkdir -p "$EV"
cp -r "$T/fx/modern" "$EV/E01"
mkdir -p "$EV/E02"
# an export in which Daan's number (E01's 31612345001) writes again, and
# a number that occurs nowhere else
cat > "$EV/E02/WhatsApp-chat met Daan.txt" <<'EOF'
14-03-2024 21:07 - +31 6 12345001: Hoi, ken je mij nog?
14-03-2024 21:08 - +31 6 99999999: wie ben jij
EOF
if [ -f "$SPOOR_TESTDATA/fat.img" ]; then
	cp "$SPOOR_TESTDATA/fat.img" "$EV/fat.img"
else
	head -c 1048576 /dev/urandom > "$EV/fat.img"
fi
head -c 3145728 /dev/urandom > "$EV/usb.bin"
hash_all() { (cd "$EV" && find . -type f -print0 | sort -z |
	xargs -0 sha256sum); }
hash_all > "$T/before"

# ---- init ----
C=$T/case
run_rc 0 "init" spoor-case init "$C" --case-id NGO-2026-017 \
	--examiner "Eva de Wit" --description "melding 17"
is "$(q 'PRAGMA user_version')" 2 "schema version 2"
is "$(q "SELECT group_concat(key || '=' || value, ';') FROM (SELECT * FROM case_info ORDER BY key)" |
	sed 's/created=[0-9T:-]*Z/created=T/; s/spoor_version=[0-9.]*/spoor_version=V/')" \
	"case_id=NGO-2026-017;created=T;description=melding 17;examiner=Eva de Wit;spoor_version=V" \
	"case_info: exactly the five keys"
sqlite3 "$T/ref.db" < "$SPOOR_SRC/lib/casedb.sql"
schema() { sqlite3 -batch "$1" "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"; }
schema "$T/ref.db" > "$T/schema-want"
schema "$C/case.db" > "$T/schema-got"
diff_ok "$T/schema-got" "$T/schema-want" "case.db schema is lib/casedb.sql (sqlite3)"
run_rc 2 "init on an existing case" spoor-case init "$C" --case-id X \
	--examiner Y
run_rc 2 "init without --examiner" spoor-case init "$T/c2" --case-id X

# ---- add ----
run_rc 0 "add an image" spoor-case add "$C" "$EV/fat.img" --exhibit IMG1 \
	--received-from "moeder van melder" --description "USB-stick"
is "$(q "SELECT kind, size, sha256, md5, sha1, path FROM exhibits WHERE exhibit = 'IMG1'")" \
	"image|$(stat -c %s "$EV/fat.img")|$(sha256 "$EV/fat.img")|$(md5sum < "$EV/fat.img" | cut -d' ' -f1)|$(sha1sum < "$EV/fat.img" | cut -d' ' -f1)|$(realpath "$EV/fat.img")" \
	"image: kind, size, sha256, md5, sha1, realpath (coreutils)"
is "$(q "SELECT received_from || '/' || description FROM exhibits WHERE exhibit = 'IMG1'")" \
	"moeder van melder/USB-stick" "image: received_from, description"
for x in E01 E02; do
	run_rc 0 "add directory $x" spoor-case add "$C" "$EV/$x" --exhibit "$x"
	want=$(cd "$EV/$x" && find . -type f -printf '%P\n' | LC_ALL=C sort |
		while IFS= read -r f; do sha256sum "$f"; done | sha256sum |
		cut -d' ' -f1)
	size=$(find "$EV/$x" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
	is "$(q "SELECT kind, size, sha256, md5 IS NULL FROM exhibits WHERE exhibit = '$x'")" \
		"directory|$size|$want|1" \
		"$x: sha256 of the sorted sha256sum list, size = sum of files"
done
run_rc 2 "add an exhibit id twice" spoor-case add "$C" "$EV/usb.bin" --exhibit E01
run_rc 3 "add a missing path" spoor-case add "$C" "$T/nope" --exhibit E09
run_rc 2 "add without --exhibit" spoor-case add "$C" "$EV/usb.bin"
is "$(q 'SELECT count(*) FROM exhibits')" 3 "three exhibits registered"

# ---- spoor-files -C ----
run_rc 0 "spoor-files -C on a registered image" \
	spoor-files -C "$C" --no-progress "$EV/fat.img"
cp "$T/out" "$T/files.jsonl"
run=$(q "SELECT max(id) FROM runs")
is "$(q "SELECT count(*) FROM records WHERE run_id = $run AND rtype = 'file'")" \
	"$(wc -l < "$T/files.jsonl")" "files: record count equals the JSONL lines"
q "SELECT json FROM records WHERE run_id = $run ORDER BY id" > "$T/files-db.jsonl"
diff_ok "$T/files-db.jsonl" "$T/files.jsonl" "files: stored JSON equals the JSONL lines byte for byte"
is "$(jsonl_fields "$T/files.jsonl" exhibit | sort -u)" IMG1 \
	"files: records carry the exhibit id"
is "$(q "SELECT tool, exhibit, input_sha256, finished IS NOT NULL, exit_code, json_extract(counts, '\$.files') FROM runs WHERE id = $run")" \
	"spoor-files|IMG1|$(sha256 "$EV/fat.img")|1|0|$(wc -l < "$T/files.jsonl")" \
	"files: the run row (tool, exhibit, input hash, finished, counts)"
run_rc 0 "spoor-files -C --format=dfxml (a re-run: --replace)" \
	spoor-files -C "$C" --replace --no-progress --format=dfxml "$EV/fat.img"
run=$(q "SELECT max(id) FROM runs")
is "$(q "SELECT count(*) FROM records WHERE run_id = $run AND json LIKE '%byte_runs%'")" \
	0 "files: dfxml byte runs are not stored (the JSONL line is)"
q "SELECT json FROM records WHERE run_id = $run ORDER BY id" > "$T/files-db2.jsonl"
diff_ok "$T/files-db2.jsonl" "$T/files.jsonl" "files: dfxml run stores the same JSONL lines"

run_rc 2 "spoor-files -C on an unregistered file" \
	spoor-files -C "$C" --no-progress "$EV/usb.bin"
grep -q "not a registered exhibit" "$T/err"
ok $? "the message says the evidence is not registered"
run_rc 3 "spoor-files -C on a missing case" \
	spoor-files -C "$T/nocase" --no-progress "$EV/fat.img"
grep -q "no case in" "$T/err"
ok $? "the message says there is no case"
run_rc 0 "spoor-files -C --exhibit names the exhibit" \
	spoor-files -C "$C" --replace --exhibit IMG1 --no-progress "$EV/fat.img"
run_rc 2 "spoor-files -C --exhibit of an unknown id" \
	spoor-files -C "$C" --exhibit NOPE --no-progress "$EV/fat.img"

# ---- spoor-artifacts -C ----
for x in E01 E02; do
	run_rc 0 "spoor-artifacts -C on $x" spoor-artifacts -C "$C" "$EV/$x"
	cp "$T/out" "$T/art-$x.jsonl"
	run=$(q "SELECT max(id) FROM runs")
	q "SELECT json FROM records WHERE run_id = $run ORDER BY id" > "$T/art-db.jsonl"
	diff_ok "$T/art-db.jsonl" "$T/art-$x.jsonl" "$x: stored JSON equals the JSONL lines byte for byte"
	is "$(q "SELECT rtype, count(*) FROM records WHERE run_id = $run GROUP BY rtype ORDER BY rtype" | tr '\n' ' ')" \
		"$(jsonl_fields "$T/art-$x.jsonl" type | sort | uniq -c | awk '{ printf "%s|%s ", $2, $1 }')" \
		"$x: record types and counts equal the JSONL"
	is "$(jsonl_fields "$T/art-$x.jsonl" exhibit | sort -u)" "$x" \
		"$x: records carry the exhibit id"
done
is "$(q "SELECT count(*) FROM records WHERE exhibit = 'E01' AND rtype = 'message'")" 11 \
	"E01: 11 messages (the INSERTs of mkartifacts.sh)"

# ---- records, tag, show ----
run_rc 0 "records --type message --exhibit E01 --format jsonl" \
	spoor-case records "$C" --type message --exhibit E01 --format jsonl
# the stored lines, each led by its id from case.db
q "SELECT id FROM records WHERE rtype = 'message' AND exhibit = 'E01' ORDER BY id" \
	> "$T/ids"
grep '"type":"message"' "$T/art-E01.jsonl" | paste -d' ' "$T/ids" - |
	sed 's/^\([0-9]*\) {/{"record_id":\1,/' > "$T/want"
diff_ok "$T/out" "$T/want" "records --format jsonl prints the stored lines with record_id"
run_rc 0 "records --grep" spoor-case records "$C" --grep "ken je mij"
is "$(wc -l < "$T/out")" 1 "--grep finds the one message"
id1=$(cut -f1 "$T/out")
is "$id1" "$(q "SELECT id FROM records WHERE json LIKE '%ken je mij nog%'")" \
	"records prints the RECORD-ID (sqlite3)"
id2=$(q "SELECT min(id) FROM records WHERE exhibit = 'E01' AND rtype = 'message'")
run_rc 0 "tag two records" spoor-case tag "$C" "$id1" "$id2" \
	--label grooming --note "zelfde nummer"
is "$(q "SELECT record_id || ':' || label || ':' || note || ':' || examiner FROM tags ORDER BY id" | tr '\n' ' ')" \
	"$id1:grooming:zelfde nummer:Eva de Wit $id2:grooming:zelfde nummer:Eva de Wit " \
	"tags rows (sqlite3)"
run_rc 2 "tag an unknown record" spoor-case tag "$C" 999999 --label x
is "$(q 'SELECT count(*) FROM tags')" 2 "no tag added for an unknown record"
run_rc 2 "tag without --label" spoor-case tag "$C" "$id1"
run_rc 0 "show" spoor-case show "$C"
grep -q "^exhibit E01 (directory" "$T/out" && grep -q "^run 1: spoor-files" "$T/out" &&
	grep -q "record $id1 .*'grooming'" "$T/out"
ok $? "show lists exhibits, runs and tags"

# ---- spoor-acquire -C ----
run_rc 0 "spoor-acquire -C --exhibit" spoor-acquire -C "$C" --exhibit ACQ1 \
	--no-progress "$EV/usb.bin" "$T/usb.dd"
is "$(q "SELECT kind, sha256, md5, path FROM exhibits WHERE exhibit = 'ACQ1'")" \
	"image|$(sha256 "$T/usb.dd")|$(md5sum < "$T/usb.dd" | cut -d' ' -f1)|$(realpath "$T/usb.dd")" \
	"acquired image registered with its hashes (coreutils)"
q "SELECT writefile('$T/log-db', acquisition_log) FROM exhibits WHERE exhibit = 'ACQ1'" > /dev/null
diff_ok "$T/log-db" "$T/usb.dd.log" "the acquisition log is stored"
is "$(q "SELECT json_extract(acquired_json, '\$.bad_sectors') FROM exhibits WHERE exhibit = 'ACQ1'")" \
	0 "acquired_json holds the acquisition facts"
run_rc 2 "spoor-acquire -C with a taken exhibit id" spoor-acquire -C "$C" \
	--exhibit ACQ1 --no-progress "$EV/usb.bin" "$T/usb2.dd"
[ ! -e "$T/usb2.dd" ]
ok $? "nothing imaged when the exhibit id is taken"
run_rc 2 "spoor-acquire -C without an exhibit id" spoor-acquire -C "$C" \
	--no-progress "$EV/usb.bin" "$T/usb3.dd"
# an image added later with its spoor-acquire log next to it
spoor-acquire --no-progress "$EV/usb.bin" "$T/usb4.dd" > /dev/null 2>&1
run_rc 0 "add an image with its acquisition log" spoor-case add "$C" \
	"$T/usb4.dd" --exhibit ACQ2
q "SELECT writefile('$T/log-db', acquisition_log) FROM exhibits WHERE exhibit = 'ACQ2'" > /dev/null
diff_ok "$T/log-db" "$T/usb4.dd.log" "spoor-case add picks up OUTPUT.log"

# ---- custody: the tool's check and an independent one ----
run_rc 0 "custody --verify" spoor-case custody "$C" --verify
chain_check() {
	CASE_ID=$1 perl -MDigest::SHA=sha256_hex -MJSON::PP -e '
		my $prev = sha256_hex("custody-v1\0" . $ENV{CASE_ID});
		my $n = 0;
		local $/ = "\n";
		while (my $l = <STDIN>) {
			$n++;
			chomp $l or die "line $n: no LF\n";
			my ($seq, $p, $json) = split /\t/, $l, 3;
			die "line $n: seq\n" unless $seq eq $n - 1;
			die "line $n: prev\n" unless $p eq $prev;
			my $e = JSON::PP->new->utf8->decode($json);
			die "line $n: no event\n" unless $e->{event};
			$prev = sha256_hex($l);
		}
		print "$n $prev\n";' < "$2"
}
got=$(chain_check NGO-2026-017 "$C/custody.log")
ok $? "the log passes a Perl re-implementation of the chain check"
is "OK: ${got% *} events, head ${got#* }" "$(cat "$T/out")" \
	"custody --verify: the same count and head as Perl"
is "$(q "SELECT max(m) FROM (SELECT max(custody_seq) AS m FROM exhibits UNION SELECT max(custody_seq) FROM runs UNION SELECT max(custody_seq) FROM tags)")" \
	"$(( ${got% *} - 1 ))" "the last event is referenced by case.db"
perl -MJSON::PP -ne '
	my (undef, undef, $j) = split /\t/, $_, 3;
	my $e = decode_json($j);
	print join("|", $e->{event}, $e->{exhibit} // "-",
		$e->{tool} ? $e->{tool}{name} : "-"), "\n"' "$C/custody.log" |
	sort | uniq -c | awk '{ print $2 ":" $1 }' | tr '\n' ' ' > "$T/got"
printf '%s' "analysed|-|-:1 analysed|E01|spoor-artifacts:1 analysed|E02|spoor-artifacts:1 analysed|IMG1|spoor-files:3 acquired|ACQ1|spoor-acquire:1 created|-|-:1 received|ACQ2|spoor-case:1 received|E01|spoor-case:1 received|E02|spoor-case:1 received|IMG1|spoor-case:1 " |
	tr ' ' '\n' | sort | tr '\n' ' ' > "$T/want"
diff_ok "$T/got" "$T/want" "custody events: one per exhibit, run and tag (JSON::PP)"
run_rc 0 "custody prints the log" spoor-case custody "$C"
is "$(grep -c '^[0-9]' "$T/out")" "${got% *}" "custody: one entry per line"

# ---- contacts graph ----
run_rc 0 "identities" spoor-case identities "$C" --format jsonl
cp "$T/out" "$T/ids.jsonl"
is "$(jsonl_fields "$T/ids.jsonl" identity exhibit | grep '^+31612345001' | cut -f2 | sort -u | tr '\n' ' ')" \
	"E01 E02 " "+31612345001 is listed with both exhibits"
is "$(jsonl_fields "$T/ids.jsonl" identity exhibits | grep '^+31612345001' | cut -f2 | sort -u)" \
	2 "+31612345001: in 2 exhibits"
is "$(grep -c '31699999999' "$T/ids.jsonl")" 0 \
	"+31699999999 (one exhibit, one source) is not listed"
run_rc 0 "identities --min-exhibits 2" spoor-case identities "$C" \
	--min-exhibits 2 --format jsonl
is "$(jsonl_fields "$T/out" identity | sort -u)" "+31612345001" \
	"--min-exhibits 2: only the shared number"
run_rc 0 "spoor-artifacts --contacts-graph over both exhibits" \
	spoor-artifacts -q --contacts-graph "$EV/E01" "$EV/E02"
diff_ok "$T/out" "$T/ids.jsonl" "the run's graph equals the case's (C map vs SQL)"
run_rc 0 "spoor-case identities as text" spoor-case identities "$C"
grep -q '^+31612345001 (phone): 2 exhibits, 2 sources$' "$T/out"
ok $? "text form names the identity and its counts"

# ---- a newer schema is refused; the case is not touched ----
cp -r "$C" "$T/newer"
sqlite3 "$T/newer/case.db" 'PRAGMA user_version = 3'
sha256sum "$T/newer/case.db" > "$T/newer.sha"
run_rc 3 "show refuses a newer schema" spoor-case show "$T/newer"
grep -q "newer than this spoor" "$T/err"
ok $? "the message says the schema is newer"
run_rc 3 "spoor-files -C refuses a newer schema" \
	spoor-files -C "$T/newer" --no-progress "$EV/fat.img"
sha256sum -c --quiet "$T/newer.sha"
ok $? "the newer case.db is left unchanged"
run_rc 3 "a directory without a case" spoor-case show "$T"

# ---- evidence unchanged ----
hash_all > "$T/after"
diff_ok "$T/after" "$T/before" "evidence unchanged (sha256sum before and after)"
ls -la /dev/null | grep -q '^c'
ok $? "/dev/null is still a device"

done_testing
