#!/bin/bash
# t-hashdb: spoor-hashdb on inputs in every format (testdata/mkhashsets.sh)
# against independent oracles: sqlite3 queries on the RDS, JSON::PP on the
# VICS file, awk/cut on the CSVs, and sort/join/grep -F on the lists.
# Exit codes, damaged inputs, inputs left untouched.
. "$(dirname "$0")/lib.sh"
need sqlite3 perl sort join hashdeep openssl

g=$T/g
bash "$SPOOR_SRC/testdata/mkhashsets.sh" "$g" >/dev/null 2>&1
ok $? "mkhashsets.sh made the inputs"
lc() { tr 'A-F' 'a-f'; }
# hits HASHFILE SETS...: the digests of HASHFILE that lookup finds, sorted
hits() { _q=$1; shift; spoor-hashdb lookup "$@" < "$_q" | cut -f1 | sort -u; }
col1() { cut -d' ' -f1 "$1" | sort -u; }

(cd "$g" && find . -type f -print0 | sort -z | xargs -0 sha256sum) > "$T/inputs-before"
(cd "$g" && ls -la --time-style=+%s . | grep -v ' \.\.\?$') > "$T/ls-before"

# ---- NSRL RDS v3 ----
run_rc 0 "build from an RDS v3 database" spoor-hashdb build -o "$T/rds.sdb" --name nsrl "$g/rds.db"
sqlite3 "$g/rds.db" 'SELECT DISTINCT sha256 FROM FILE' | lc | sort > "$T/want"
col1 "$g/sha256sum.txt" | join - "$T/want" > "$T/want-hits"
hits "$g/sha256sum.txt" "$T/rds.sdb" > "$T/got"
diff_ok "$T/got" "$T/want-hits" "RDS: sha256 hits are sqlite3's FILE.sha256 joined with the query"
sqlite3 "$g/rds.db" 'SELECT DISTINCT md5 FROM FILE' | lc | sort > "$T/want"
col1 "$g/md5sum.txt" | join - "$T/want" > "$T/want-hits"
diff_ok "$(hits "$g/md5sum.txt" "$T/rds.sdb" > "$T/got"; echo "$T/got")" "$T/want-hits" \
	"RDS: md5 hits as sqlite3"
sqlite3 "$g/rds.db" 'SELECT DISTINCT sha1 FROM FILE' | lc | sort > "$T/want"
col1 "$g/sha1sum.txt" | join - "$T/want" > "$T/want-hits"
hits "$g/sha1sum.txt" "$T/rds.sdb" > "$T/got"
diff_ok "$T/got" "$T/want-hits" "RDS: sha1 hits as sqlite3"
spoor-hashdb info "$T/rds.sdb" > "$T/info"
is "$(grep '^sha256: ' "$T/info")" "sha256: $(wc -l < "$T/want")" \
	"info: sha256 count = sqlite3 count of distinct digests"
is "$(grep '^input: ' "$T/info" | cut -d' ' -f2)" "$(sha256 "$g/rds.db")" \
	"info: the input's SHA-256 as sha256sum"
is "$(grep '^name: ' "$T/info")" "name: nsrl" "info: name"
is "$(grep '^kind: ' "$T/info")" "kind: known" "info: default kind known"

# ---- legacy NSRLFile.txt ----
run_rc 0 "build from NSRLFile.txt" spoor-hashdb build -o "$T/nsrl.sdb" "$g/NSRLFile.txt"
awk -F'"' 'NR > 1 { print $4 }' "$g/NSRLFile.txt" | lc | sort -u > "$T/want"
col1 "$g/md5sum.txt" | join - "$T/want" > "$T/want-hits"
hits "$g/md5sum.txt" "$T/nsrl.sdb" > "$T/got"
diff_ok "$T/got" "$T/want-hits" "NSRLFile.txt: md5 hits as awk on the CSV"
is "$(wc -l < "$T/got")" 151 "NSRLFile.txt: 151 files (names with commas and quotes too)"

# ---- VICS JSON: categories per digest from JSON::PP ----
run_rc 0 "build from VICS JSON" spoor-hashdb build --kind known-bad -o "$T/vics.sdb" "$g/vics.json"
perl -MJSON::PP -e 'local $/; my $j = decode_json(<>);
	printf "%s\t%s\n", lc $_->{MD5}, $_->{Category} for @{$j->{value}}' \
	"$g/vics.json" | sort > "$T/want"
spoor-hashdb lookup "$T/vics.sdb" < "$g/md5sum.txt" | cut -f1,4 | sort > "$T/got"
diff_ok "$T/got" "$T/want" "VICS: md5 hits and categories as JSON::PP reads them"
# VICS 1.x: media nested in value[].Media[] (JSON::PP walks the same)
run_rc 0 "build from VICS 1.x with nested Media[]" spoor-hashdb build --kind known-bad \
	-o "$T/nested.sdb" "$g/vics-nested.json"
perl -MJSON::PP -e 'local $/; my $j = decode_json(<>);
	for my $c (@{$j->{value}}) {
		printf "%s\t%s\n", lc $_->{MD5}, $_->{Category} for @{$c->{Media}} }' \
	"$g/vics-nested.json" | sort > "$T/want"
is "$(wc -l < "$T/want")" 20 "VICS 1.x: the oracle finds 20 nested media"
spoor-hashdb lookup "$T/nested.sdb" < "$g/md5sum.txt" | cut -f1,4 | sort > "$T/got"
diff_ok "$T/got" "$T/want" "VICS 1.x: md5 hits and categories of value[].Media[] as JSON::PP reads them"
run_rc 5 "a VICS file that gives 0 digests: exit 5" spoor-hashdb build --kind known-bad \
	-o "$T/empty.sdb" "$g/vics-nodigests.json"
grep -q "holds no digests" "$T/err"
ok $? "  ... with a warning that the set holds no digests"
run_rc 1 "lookup with a known-bad hit exits 1" spoor-hashdb lookup "$T/rds.sdb" "$T/vics.sdb" \
	< "$g/sha1sum.txt"
is "$(cut -f3 "$T/out" | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')" \
	"known=200 known-bad=60 " "lookup: kinds of the hits (sha1)"
run_rc 0 "lookup without a known-bad hit exits 0" spoor-hashdb lookup "$T/rds.sdb" \
	< "$g/sha1sum.txt"

# ---- hashdeep ----
run_rc 0 "build from hashdeep output" spoor-hashdb build -o "$T/hd.sdb" "$g/hashdeep.txt"
grep -v '^[%#]' "$g/hashdeep.txt" | cut -d, -f3 | sort -u > "$T/want"
hits "$g/sha256sum.txt" "$T/hd.sdb" > "$T/got"
diff_ok "$T/got" "$T/want" "hashdeep: sha256 hits as cut on its CSV"

# ---- md5sum lists and many runs: sort/join/grep -F oracles ----
openssl rand -hex 1600000 | fold -w 64 > "$T/big"		# 50000 sha256
head -n 25000 "$T/big" > "$T/query"
openssl rand -hex 800000 | fold -w 64 >> "$T/query"		# 25000 new
cat "$T/big" "$T/big" | sed 's/$/  some file/' > "$T/big.sha256sum"
run_rc 0 "build 100000 lines with -m 1M (sorted runs on disk)" \
	spoor-hashdb build -m 1M -o "$T/big.sdb" "$T/big.sha256sum"
sort -u "$T/big" > "$T/big.sorted"
is "$(grep '^sha256: ' < <(spoor-hashdb info --verify "$T/big.sdb"))" \
	"sha256: $(wc -l < "$T/big.sorted")" "duplicates removed: count = sort -u"
sort -u "$T/query" | join - "$T/big.sorted" > "$T/want"
hits "$T/query" "$T/big.sdb" > "$T/got"
diff_ok "$T/got" "$T/want" "50000 lookups: hits = join of the sorted lists"
grep -F -x -f "$T/big" "$T/query" | sort -u > "$T/want2"
diff_ok "$T/got" "$T/want2" "50000 lookups: hits = grep -F -x"
ls -a "$T" | grep -c '^\.spoor-hashdb' > "$T/left"
is "$(cat "$T/left")" 0 "no temporary runs left behind"

# ---- boundaries: first, last and their neighbours +-1 ----
first=$(head -n1 "$T/big.sorted") last=$(tail -n1 "$T/big.sorted")
mid=$(sed -n 25000p "$T/big.sorted")
nb() { perl -e 'use Math::BigInt; my $v = Math::BigInt->from_hex($ARGV[0]) + $ARGV[1];
	$v = Math::BigInt->new(0) if $v < 0; my $h = substr($v->as_hex, 2);
	printf "%064s\n", $h' "$1" "$2" | tr ' ' 0; }
for v in "$first" "$last" "$mid"; do
	for d in -1 0 1; do
		x=$(nb "$v" "$d")
		want=miss
		grep -qx "$x" "$T/big.sorted" && want=hit
		got=$(echo "$x" | spoor-hashdb lookup "$T/big.sdb" | grep -q . && echo hit || echo miss)
		is "$got" "$want" "boundary ${v:0:8}..$d: $want"
	done
done
for x in $(printf '0%.0s' $(seq 64)) $(printf 'f%.0s' $(seq 64)); do
	want=miss
	grep -qx "$x" "$T/big.sorted" && want=hit
	got=$(echo "$x" | spoor-hashdb lookup "$T/big.sdb" | grep -q . && echo hit || echo miss)
	is "$got" "$want" "boundary ${x:0:8}...: $want"
done

# ---- bad lines: reported with line numbers, exit 5 ----
run_rc 5 "a list with unparseable lines exits 5" spoor-hashdb build -o "$T/mixed.sdb" "$g/mixed-bad.txt"
is "$(grep -o 'line [0-9]*' "$T/err" | tr '\n' ' ')" "line 2 line 4 line 6 " \
	"each bad line is reported with its number"
is "$(spoor-hashdb info "$T/mixed.sdb" | grep '^sha256: ')" "sha256: 4" "the good lines are kept"
printf '%s\nnot-a-hash\n' "$first" > "$T/q"
run_rc 5 "lookup: a line that is not a digest exits 5" spoor-hashdb lookup "$T/big.sdb" < "$T/q"
grep -q 'line 2' "$T/err"; ok $? "lookup reports the line number"

# ---- merge and import ----
run_rc 0 "merge two sets" spoor-hashdb merge -o "$T/m.sdb" "$T/rds.sdb" "$T/nsrl.sdb"
cat <(sqlite3 "$g/rds.db" 'SELECT md5 FROM FILE') <(awk -F'"' 'NR > 1 { print $4 }' "$g/NSRLFile.txt") |
	lc | sort -u | wc -l > "$T/want"
is "$(spoor-hashdb info "$T/m.sdb" | grep '^md5: ' | cut -d' ' -f2)" "$(cat "$T/want")" \
	"merge: md5 count = sort -u of the union"
run_rc 2 "merge refuses sets of different kinds" spoor-hashdb merge -o "$T/m2.sdb" "$T/rds.sdb" "$T/vics.sdb"
run_rc 0 "merge with --kind" spoor-hashdb merge --kind notable -o "$T/m2.sdb" "$T/rds.sdb" "$T/vics.sdb"
run_rc 0 "import: a set plus a list" spoor-hashdb import -o "$T/i.sdb" "$T/vics.sdb" "$g/md5sum.txt"
spoor-hashdb info "$T/i.sdb" > "$T/info"
is "$(grep -E '^(name|kind|md5): ' "$T/info" | tr '\n' ' ')" "name: vics kind: known-bad md5: 400 " \
	"import: name and kind of the base set, union of the digests"
spoor-hashdb lookup "$T/i.sdb" < "$g/md5sum.txt" | cut -f1,4 | grep -v '	-$' | sort > "$T/got"
perl -MJSON::PP -e 'local $/; my $j = decode_json(<>);
	printf "%s\t%s\n", lc $_->{MD5}, $_->{Category} for @{$j->{value}}' \
	"$g/vics.json" | sort > "$T/want"
diff_ok "$T/got" "$T/want" "import: the base set's categories are kept"

# ---- damaged and hostile inputs: exit 3, no output ----
for f in rds-nofile.db vics-truncated.json vics-deep.json vics-novalue.json; do
	run_rc 3 "$f is refused" spoor-hashdb build -o "$T/x.sdb" "$g/$f"
	ok "$([ ! -e "$T/x.sdb" ] && [ ! -e "$T/x.sdb.tmp" ]; echo $?)" "$f: no set written"
done
grep -q 'no FILE table' < <(spoor-hashdb build -o "$T/x.sdb" "$g/rds-nofile.db" 2>&1)
ok $? "an RDS without FILE: a clear message"
grep -q 'nested deeper than 64' < <(spoor-hashdb build -o "$T/x.sdb" "$g/vics-deep.json" 2>&1)
ok $? "100000-deep JSON: refused at depth 64"
head -c 1000 "$T/rds.sdb" > "$T/trunc.sdb"
run_rc 3 "lookup in a truncated set exits 3" spoor-hashdb lookup "$T/trunc.sdb" < "$T/query"
grep -q 'truncated' "$T/err"; ok $? "truncated: a clear message"
{ printf 'NOTASET!'; tail -c +9 "$T/rds.sdb"; } > "$T/magic.sdb"
run_rc 3 "info on a set with the wrong magic exits 3" spoor-hashdb info "$T/magic.sdb"
grep -q 'wrong magic' "$T/err"; ok $? "wrong magic: a clear message"
run_rc 3 "a missing input exits 3" spoor-hashdb build -o "$T/x.sdb" "$T/nonexistent"

# ---- usage and output errors ----
run_rc 2 "no command" spoor-hashdb
run_rc 2 "build without -o" spoor-hashdb build "$g/md5sum.txt"
run_rc 2 "a bad kind" spoor-hashdb build --kind evil -o "$T/x.sdb" "$g/md5sum.txt"
run_rc 4 "an output directory that does not exist" spoor-hashdb build -o "$T/no/such/x.sdb" "$g/md5sum.txt"
run_rc 4 "lookup to a full disk" sh -c 'spoor-hashdb lookup "$1" < "$2" > /dev/full' sh "$T/rds.sdb" "$g/md5sum.txt"
run_rc 0 "lookup --bench" spoor-hashdb lookup --bench 10000 "$T/big.sdb"
grep -q '^hits: 5000$' "$T/out"; ok $? "bench: half of the lookups hit"

# ---- the inputs were only read ----
(cd "$g" && find . -type f -print0 | sort -z | xargs -0 sha256sum) > "$T/inputs-after"
diff_ok "$T/inputs-after" "$T/inputs-before" "inputs unchanged (sha256sum before and after)"
(cd "$g" && ls -la --time-style=+%s . | grep -v ' \.\.\?$') > "$T/ls-after"
diff_ok "$T/ls-after" "$T/ls-before" "no file appeared next to the inputs (no -wal, -shm, journal)"
done_testing
