#!/bin/bash
# tests/cli/t-files-images.sh: spoor-files on damaged, ambiguous and
# non-file-system inputs (exit status, message, no crash), the shapes of the
# other output formats, partition selection, a directory as evidence, and
# the shared command-line conventions (exit 2 / 4, --help).
# Expected values come from TSK's tools and coreutils, never from spoor.
. "$(dirname "$0")/lib.sh"

need perl fls icat sha256sum xmllint mactime timeout

O=$SPOOR_SRC/tests/cli/oracle
D=$SPOOR_TESTDATA
[ -f "$D/.stamp" ] || skip_all "no test images in '$D' (run testdata/mkimages.sh)"
[ -x "$SPOOR_BUILD/bin/spoor-files" ] ||
    skip_all "spoor-files not built in '$SPOOR_BUILD/bin'"

# sf ARGS...: spoor-files with a guard against hangs (timeout exits 124)
sf() { timeout 120 spoor-files "$@"; }

# no_crash DESC: the last run_rc did not die of a signal
no_crash() {
	[ "$_rc" -lt 124 ]
	ok $? "$1: no crash or hang (status $_rc)"
}

# nonempty FILE DESC
nonempty() {
	[ -s "$1" ]
	ok $? "$2"
}

# jfield FILE PATH FIELD: see oracle/jget.pl
jfield() { perl "$O/jget.pl" "$@"; }

# --------------------------------------------------------------------------
# inputs TSK cannot (fully) read
# --------------------------------------------------------------------------

# random.bin: no partition table, no file system (fsstat: "Possible
# encryption detected (High entropy (8.00))"), and content libmagic calls
# "data", so not one recognisable file either (spoor-files(1), EVIDENCE):
# exit 3. (mkimages.sh checks that `file` says "data".)
run_rc 3 "random.bin: not recognised" sf "$D/random.bin"
no_crash random.bin
nonempty "$T/err" "random.bin: says why on stderr"
is "$(wc -c <"$T/out")" 0 "random.bin: no records"

# ext4-zerosb.img: the primary superblock is gone. TSK only reads the
# primary ("Cannot determine file system type"; fsstat/fls exit 1) and
# does not fall back to a backup superblock, so nothing can be listed:
# input not recognised, exit 3, not a partial result.
run_rc 3 "ext4-zerosb.img: not recognised" sf "$D/ext4-zerosb.img"
no_crash ext4-zerosb.img
nonempty "$T/err" "ext4-zerosb.img: says why on stderr"

# ext4-truncated.img: ext4.img cut in half. The superblock and inode tables
# are there, so TSK opens it: fls lists the names it can reach and, without
# a word, leaves out the directories whose blocks are past the end (it
# exits 0!); icat fails on files whose blocks are missing ("Address missing
# in partial image"). spoor must list what it can and say that something
# was lost: exit 5, a warning, the unreadable files with "error" and null
# hashes, the readable ones with the right hashes.
run_rc 5 "ext4-truncated.img: partial result" sf --format=jsonl "$D/ext4-truncated.img"
no_crash ext4-truncated.img
nonempty "$T/err" "ext4-truncated.img: warns on stderr"
cp "$T/out" "$T/trunc.jsonl"
n=$(fls -r -p "$D/ext4-truncated.img" 2>/dev/null | wc -l)
is "$(wc -l <"$T/trunc.jsonl")" "$n" "ext4-truncated.img: as many records as fls lists"
ino=$(fls -r -p "$D/ext4-truncated.img" | sed -n 's/^r\/r \([0-9]*\):\tREADME\.txt$/\1/p')
want=$(icat "$D/ext4-truncated.img" "$ino" | sha256sum | cut -c1-64)
is "$(jfield "$T/trunc.jsonl" README.txt sha256)" "$want" \
    "ext4-truncated.img: README.txt (readable) has icat's sha256"
is "$(jfield "$T/trunc.jsonl" big/random-5mib.bin sha256)" null \
    "ext4-truncated.img: big/random-5mib.bin (past the end) has no sha256"
e=$(jfield "$T/trunc.jsonl" big/random-5mib.bin error)
[ "$e" != absent ] && [ "$e" != null ] && [ "$e" != no-record ] && [ -n "$e" ]
ok $? "ext4-truncated.img: big/random-5mib.bin has an error ($e)"

# two-fs.img: a FAT boot sector in ext4's unused boot block; both are
# valid and TSK refuses to guess: "Cannot determine file system type
# (EXT2/3/4 or FAT)" (libtsk: TSK_ERR_FS_UNKTYPE, errstr "EXT2/3/4 or
# FAT"). spoor must say so and exit 5: the run finishes with a file
# system it did not walk. (spoor-files(1) says 5 under -f but lists the
# case under 3 in EXIT STATUS; this test holds to 5.)
# with -f ext4 it walks ext4, exactly what ext4.img holds.
run_rc 5 "two-fs.img: ambiguous without -f" sf "$D/two-fs.img"
no_crash two-fs.img
if grep -qiE 'ambig|multiple|more than one|ext.*fat|fat.*ext' "$T/err"; then
	ok 0 "two-fs.img: names the ambiguity on stderr"
else
	ok 1 "two-fs.img: names the ambiguity on stderr"
	sed 's/^/#   stderr: /' "$T/err" | head -5
fi
run_rc 0 "two-fs.img -f ext4: walks ext4" sf -f ext4 --format=jsonl "$D/two-fs.img"
cp "$T/out" "$T/twofs.jsonl"
perl "$O/tsk-expect.pl" "$D/ext4.img" >"$T/ext4.expect"
perl "$O/compare.pl" "$T/ext4.expect" "$T/twofs.jsonl" >"$T/mismatch"
n=$(wc -l <"$T/mismatch")
is "$n" 0 "two-fs.img -f ext4: same records as ext4.img (compare.pl)"
grep -a . "$T/mismatch" | sed 's/^/#   /'

# --------------------------------------------------------------------------
# output formats, on ext4.img (one JSONL run is the reference count)
# --------------------------------------------------------------------------
run_rc 0 "jsonl" sf --format=jsonl "$D/ext4.img"
cp "$T/out" "$T/ref.jsonl"
nrec=$(wc -l <"$T/ref.jsonl")
[ "$nrec" -gt 40 ]
ok $? "jsonl: $nrec records"

run_rc 0 "dfxml" sf --format=dfxml "$D/ext4.img"
cp "$T/out" "$T/out.xml"
xmllint --noout "$T/out.xml" 2>"$T/xmlerr"
ok $? "dfxml: well-formed XML"
sed 's/^/#   /' "$T/xmlerr" | head -10
n=$(xmllint --xpath 'count(//*[local-name()="fileobject"])' "$T/out.xml" 2>/dev/null)
is "$n" "$nrec" "dfxml: one <fileobject> per JSONL record"

run_rc 0 "bodyfile" sf --format=bodyfile "$D/ext4.img"
cp "$T/out" "$T/body"
is "$(wc -l <"$T/body")" "$nrec" "bodyfile: one line per record"
mactime -b "$T/body" -d -z UTC >"$T/timeline" 2>"$T/materr"
ok $? "bodyfile: mactime -b accepts it"
sed 's/^/#   /' "$T/materr" | head -5
# mactime exits 0 even on garbage (it prints just its header): look for
# README.txt's mtime, 2024-01-02T03:04:06Z
grep -a '^Tue Jan 02 2024 03:04:06,.*,m[.a][.c][.b],.*README\.txt"' "$T/timeline" >/dev/null
ok $? "bodyfile: mactime shows README.txt modified at 2024-01-02 03:04:06"
# field 1 is the MD5 ("0" where there is none, as fls -m writes it): the
# same multiset as the JSONL md5 values
cut -d'|' -f1 "$T/body" | sort >"$T/body.md5"
perl -MJSON::PP -ne 'my $r = eval { decode_json($_) } or next;
    print(($r->{md5} // "0"), "\n")' "$T/ref.jsonl" | sort >"$T/json.md5"
diff_ok "$T/body.md5" "$T/json.md5" "bodyfile: field 1 holds the md5 of each record"

run_rc 0 "csv" sf --format=csv "$D/ext4.img"
cp "$T/out" "$T/out.csv"
head -1 "$T/out.csv" | grep -q 'path' && head -1 "$T/out.csv" | grep -q 'sha256'
ok $? "csv: header line names the columns"
# no name in ext4.img holds a newline, so records are lines
is "$(($(wc -l <"$T/out.csv") - 1))" "$nrec" "csv: one line per record after the header"

# -o FILE gives the same bytes as stdout
run_rc 0 "-o FILE" sf --format=jsonl -o "$T/o.jsonl" "$D/ext4.img"
diff_ok "$T/o.jsonl" "$T/ref.jsonl" "-o FILE: same records as stdout"

# --------------------------------------------------------------------------
# partition selection on disk-mbr.img (slots as mmls prints them: 002 is
# the FAT partition at sector 2048, 003 the ext4 one at sector 10240)
# --------------------------------------------------------------------------
# offsets FILE: the distinct partition_offset values, space separated
offsets() {
	perl -MJSON::PP -ne 'my $r = eval { decode_json($_) } or next;
	    $o{$r->{partition_offset} // "null"} = 1;
	    END { print join(" ", sort keys %o), "\n" }' "$1"
}
run_rc 0 "--offset 2048" sf --offset 2048 "$D/disk-mbr.img"
is "$(offsets "$T/out")" 1048576 "--offset 2048: only the FAT partition"
is "$(wc -l <"$T/out")" "$(fls -r -p -o 2048 "$D/disk-mbr.img" | wc -l)" \
    "--offset 2048: as many records as fls -o 2048"
run_rc 0 "--partition 3" sf --partition 3 "$D/disk-mbr.img"
is "$(offsets "$T/out")" 5242880 "--partition 3: only the ext4 partition"
is "$(wc -l <"$T/out")" "$(fls -r -p -o 10240 "$D/disk-mbr.img" | wc -l)" \
    "--partition 3: as many records as fls -o 10240"

# --------------------------------------------------------------------------
# a directory as evidence: the symlink escape-passwd (-> ../../etc/passwd)
# is listed as a link and never followed
# --------------------------------------------------------------------------
L=$D/logical
run_rc 0 "logical/: directory evidence" sf --format=jsonl "$L"
cp "$T/out" "$T/logical.jsonl"
is "$(wc -l <"$T/logical.jsonl")" "$(cd "$L" && find . -mindepth 1 | wc -l)" \
    "logical/: one record per entry (find)"
is "$(jfield "$T/logical.jsonl" escape-passwd type)" link \
    "logical/: escape-passwd is a link"
is "$(jfield "$T/logical.jsonl" escape-passwd sha256)" null \
    "logical/: escape-passwd is not followed (no hash)"
grep -q "$(sha256sum /etc/passwd | cut -c1-64)" "$T/logical.jsonl"
[ $? -ne 0 ]
ok $? "logical/: no record carries /etc/passwd's hash"
bad=0
while IFS= read -r f; do
	got=$(jfield "$T/logical.jsonl" "${f#./}" sha256)
	want=$(cd "$L" && sha256sum "$f" | cut -c1-64)
	if [ "$got" != "$want" ]; then
		diag "logical/${f#./}: sha256 $got, want $want"
		bad=$((bad + 1))
	fi
done < <(cd "$L" && find . -type f | sort)
is "$bad" 0 "logical/: every file has sha256sum's hash"

# --------------------------------------------------------------------------
# command-line conventions
# --------------------------------------------------------------------------
timeout 120 spoor-files "$D/ext4.img" >/dev/full 2>"$T/err"
is "$?" 4 "stdout is /dev/full: exit 4"
run_rc 2 "unknown option" sf --no-such-option "$D/ext4.img"
nonempty "$T/err" "unknown option: usage on stderr"
run_rc 2 "no evidence" sf
run_rc 0 "--help" sf --help
grep -q 'spoor-files' "$T/out"
ok $? "--help: synopsis on stdout"
run_rc 3 "missing evidence file" sf "$T/no-such-image.img"

done_testing
