#!/bin/bash
# t-hashdb-files: spoor-files --hashdb: hashsets in the records (read back
# with JSON::PP), ALERT lines and exit 1 for known-bad hits, --skip-known,
# --no-alert-exit, --triage (alerts first, same records), CSV column.
. "$(dirname "$0")/lib.sh"
need perl sha1sum sha256sum md5sum

ev=$T/evidence
mkdir -p "$ev/pics" "$ev/docs"
printf 'known-bad picture\n' > "$ev/pics/a.jpg"
printf 'known-bad document\n' > "$ev/docs/e.doc"
printf 'an operating-system file\n' > "$ev/docs/b.txt"
printf 'a notable tool\n' > "$ev/docs/c.bin"
printf 'nothing special\n' > "$ev/pics/d.mp4"
cp "$ev/docs/b.txt" "$ev/docs/b-copy.txt"
printf 'known-bad picture\n' > "$ev/pics/bad"$'\e'"[2Jname.png"
(cd "$ev" && find . -type f -print0 | sort -z | xargs -0 sha256sum) > "$T/before"

# the sets: known (sha256sum list), notable (sha1sum), known-bad (VICS)
sha256sum "$ev/docs/b.txt" > "$T/known.txt"
sha1sum "$ev/docs/c.bin" > "$T/notable.txt"
md5() { md5sum < "$1" | cut -d' ' -f1; }
sha1() { sha1sum < "$1" | cut -d' ' -f1; }
printf '{"value": [{"MD5": "%s", "SHA1": "%s", "Category": 1},
 {"MD5": "%s", "SHA1": "%s", "Category": 2}]}\n' \
	"$(md5 "$ev/pics/a.jpg")" "$(sha1 "$ev/pics/a.jpg")" \
	"$(md5 "$ev/docs/e.doc")" "$(sha1 "$ev/docs/e.doc")" > "$T/vics.json"
spoor-hashdb build -q --name os -o "$T/known.sdb" "$T/known.txt" &&
spoor-hashdb build -q --name tools --kind notable -o "$T/notable.sdb" "$T/notable.txt" &&
spoor-hashdb build -q --name vic --kind known-bad -o "$T/bad.sdb" "$T/vics.json"
ok $? "three sets built"
sets="--hashdb=$T/known.sdb --hashdb=$T/notable.sdb --hashdb=$T/bad.sdb"

# ---- records and alerts ----
run_rc 1 "a known-bad hit exits 1" spoor-files -j1 $sets "$ev"
cp "$T/out" "$T/all.jsonl"
cp "$T/err" "$T/all.err"
jsonl_fields "$T/all.jsonl" path hashsets > /dev/null
ok $? "records are valid JSON"
JSONL_FILE="$T/all.jsonl" perl -MJSON::PP -e '
	open my $fh, "<", $ENV{JSONL_FILE} or die;
	while (<$fh>) {
		my $r = decode_json($_);
		next unless $r->{type} eq "file";
		my $h = $r->{hashsets};
		printf "%s\t%s\n", $r->{path} =~ s/\e/ESC/gr,
			join(",", map { "$_->{set}:$_->{kind}:" .
				($_->{category} // "null") } @$h) || "-";
	}' | sort > "$T/got"
cat > "$T/want" <<'EOF'
docs/b-copy.txt	os:known:null
docs/b.txt	os:known:null
docs/c.bin	tools:notable:null
docs/e.doc	vic:known-bad:2
pics/a.jpg	vic:known-bad:1
pics/badESC[2Jname.png	vic:known-bad:1
pics/d.mp4	-
EOF
diff_ok "$T/got" "$T/want" "hashsets of every file"
is "$(jsonl_fields "$T/all.jsonl" type hashsets | awk -F'\t' '$1 == "dir" { print $2 }' | sort -u)" \
	null "directories: hashsets null (not hashed)"
grep ALERT "$T/all.err" | sort > "$T/got"
{
	printf "spoor-files: ALERT: known-bad: 'docs/e.doc' sha1 %s set vic category 2\n" "$(sha1 "$ev/docs/e.doc")"
	printf "spoor-files: ALERT: known-bad: 'pics/a.jpg' sha1 %s set vic category 1\n" "$(sha1 "$ev/pics/a.jpg")"
	printf "spoor-files: ALERT: known-bad: 'pics/bad?[2Jname.png' sha1 %s set vic category 1\n" "$(sha1 "$ev/pics/a.jpg")"
} | sort > "$T/want"
diff_ok "$T/got" "$T/want" "one ALERT line per known-bad file (control bytes shown as ?)"
grep -q 'hash sets: 3 known-bad, 1 notable, 2 known hits' "$T/all.err"
ok $? "summary counts the hits"

run_rc 0 "--no-alert-exit" spoor-files -q $sets --no-alert-exit "$ev"
is "$(grep -c ALERT "$T/err")" 3 "--no-alert-exit still alerts (and -q does not silence alerts)"

# ---- --skip-known ----
run_rc 1 "--skip-known" spoor-files -j1 $sets --skip-known "$ev"
jsonl_fields "$T/out" path | sort > "$T/got"
jsonl_fields "$T/all.jsonl" path | grep -v '^docs/b' | sort > "$T/want"
diff_ok "$T/got" "$T/want" "--skip-known leaves out exactly the known files"
grep -q '2 known files left out' "$T/err"; ok $? "--skip-known: counted in the summary"

# ---- --triage: picture alerts before the walk reaches anything else ----
run_rc 1 "--triage" spoor-files -j1 $sets --triage "$ev"
diff_ok "$T/out" "$T/all.jsonl" "--triage: the same records as without"
grep ALERT "$T/err" > "$T/alerts"
is "$(wc -l < "$T/alerts")" 3 "--triage: each file alerted once"
is "$(tail -n1 "$T/alerts" | grep -c e.doc)" 1 "--triage: the .doc (not a picture) is alerted last"
is "$(head -n2 "$T/alerts" | grep -c '\.jpg\|\.png')" 2 "--triage: pictures first"

# ---- CSV, usage, bad sets ----
run_rc 1 "csv" spoor-files --format=csv $sets "$ev"
head -1 "$T/out" | tr -d '\r' | tr ',' '\n' | grep -qx hashsets; ok $? "csv: a hashsets column"
grep -q 'known-bad' "$T/out"; ok $? "csv: hits as JSON text"
run_rc 2 "--skip-known without --hashdb" spoor-files --skip-known "$ev"
run_rc 2 "--hashdb with --hash=none" spoor-files --hash=none $sets "$ev"
head -c -1 "$T/bad.sdb" > "$T/trunc.sdb"
run_rc 3 "a truncated set" spoor-files --hashdb="$T/trunc.sdb" "$ev"
run_rc 0 "no --hashdb: no hashsets field" spoor-files "$ev"
is "$(grep -c hashsets "$T/out")" 0 "without --hashdb the records are as before"

(cd "$ev" && find . -type f -print0 | sort -z | xargs -0 sha256sum) > "$T/after"
diff_ok "$T/after" "$T/before" "evidence unchanged"
# ---- an empty set is never used silently ----
printf '{"value": []}\n' > "$T/empty.json"
run_rc 5 "building a set of 0 digests: exit 5" spoor-hashdb build --kind known-bad \
	-o "$T/empty.sdb" "$T/empty.json"
grep -q "holds no digests" "$T/err"
ok $? "  ... said so"
run_rc 5 "spoor-files --hashdb with an empty set: exit 5" spoor-files -j1 \
	--hashdb="$T/empty.sdb" "$ev"
grep -q "'$T/empty.sdb' holds no digests at all: no file was checked against it" "$T/err"
ok $? "  ... a warning: no file was checked against it"

done_testing
