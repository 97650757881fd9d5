#!/bin/bash
# t-files: spoor-files on logical evidence (a directory tree, single files)
# against coreutils and file(1), and the shared CLI behaviours: exit codes,
# atomic -o, determinism over -j, evidence left untouched.
. "$(dirname "$0")/lib.sh"
need perl sha256sum md5sum file

ev=$T/evidence
mkdir -p "$ev/Foto's/2024" "$ev/docs" "$ev/empty dir"
printf 'Hallo Sanne,\ntot morgen!\n' > "$ev/docs/bericht.txt"
# a whole (8x8 grey) JPEG: a picture that does not decode makes exit 5
printf '%b' '\xff\xd8\xff\xe0\x00\x10\x4a\x46\x49\x46\x00\x01\x01\x00\x00\x01'\
'\x00\x01\x00\x00\xff\xdb\x00\x43\x00\x10\x0b\x0c\x0e\x0c\x0a\x10\x0e\x0d'\
'\x0e\x12\x11\x10\x13\x18\x28\x1a\x18\x16\x16\x18\x31\x23\x25\x1d\x28\x3a'\
'\x33\x3d\x3c\x39\x33\x38\x37\x40\x48\x5c\x4e\x40\x44\x57\x45\x37\x38\x50'\
'\x6d\x51\x57\x5f\x62\x67\x68\x67\x3e\x4d\x71\x79\x70\x64\x78\x5c\x65\x67'\
'\x63\xff\xc0\x00\x0b\x08\x00\x08\x00\x08\x01\x01\x11\x00\xff\xc4\x00\x14'\
'\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01'\
'\xff\xc4\x00\x14\x10\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'\
'\x00\x00\x00\x00\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00\x1f\xff\xd9' \
	> "$ev/Foto's/2024/IMG_0001.jpg"
cp "$ev/Foto's/2024/IMG_0001.jpg" "$ev/docs/notities.txt"	# a .txt that is a JPEG
: > "$ev/docs/leeg.bin"						# zero bytes
head -c 3000000 /dev/zero | tr '\0' 'x' > "$ev/docs/groot.log"	# > 1 chunk
printf 'bad name\n' > "$ev/bad"$'\xff\xfe'".txt"			# not UTF-8
printf 'tab\n' > "$ev/tab"$'\t'"name.txt"
ln -s ../../../etc/passwd "$ev/docs/escape"			# never followed
mkfifo "$ev/docs/pipe"						# never opened
touch -d '2024-06-01 12:00:00 UTC' "$ev/docs/bericht.txt"

# stat(1) reads no content, so it leaves atimes alone; sha256sum does not.
# Symbolic links are left out: Linux updates a link's atime whenever its
# target is read, and no flag prevents that (see spoor-files(1), BUGS).
times() { (cd "$ev" && find . ! -type l -print0 | sort -z | xargs -0 stat -c '%n %s %X %Y %Z'); }
hashes() { (cd "$ev" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
hashes > "$T/hashes-before"
# an old atime: relatime would update it on any read without O_NOATIME
touch -a -d '2024-06-02 08:00:00 UTC' "$ev/docs/bericht.txt"
times > "$T/times-before"

# ---- a run over the tree ----
run_rc 0 "walk a directory" timeout 60 spoor-files "$ev"
cp "$T/out" "$T/tree.jsonl"
times > "$T/times-after"
diff_ok "$T/times-after" "$T/times-before" "evidence metadata unchanged (atime, mtime, ctime, size)"

# the oracle set: every object below the root, by find(1)
(cd "$ev" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort) > "$T/want-paths"
jsonl_fields "$T/tree.jsonl" path > "$T/got-paths.raw"
ok $? "every line is valid JSON (JSON::PP)"
# names that are not UTF-8 come back through path_hex
jsonl_paths "$T/tree.jsonl" | LC_ALL=C sort > "$T/got-paths"
diff_ok "$T/got-paths" "$T/want-paths" "one record per object, paths as find(1) sees them"

# hashes of every regular file against sha256sum and md5sum
(cd "$ev" && find . -type f -printf '%P\n' | LC_ALL=C sort | while read -r f; do
	printf '%s\t%s\t%s\n' "$f" "$(sha256sum < "$f" | cut -d' ' -f1)" \
		"$(md5sum < "$f" | cut -d' ' -f1)"
done) > "$T/want-hash"
jsonl_fields "$T/tree.jsonl" type path sha256 md5 | awk -F'\t' '$1 == "file"' |
	cut -f2- | LC_ALL=C sort > "$T/got-hash"
# (the names with a tab or bad bytes are compared by hash only below)
grep -v $'\xff' "$T/want-hash" | grep -v '^tab' > "$T/want-hash.plain"
grep -v $'\xef\xbf\xbd' "$T/got-hash" | grep -v '^tab' > "$T/got-hash.plain"
diff_ok "$T/got-hash.plain" "$T/want-hash.plain" "sha256 and md5 of every file match coreutils"
is "$(grep -c . "$T/got-hash")" "$(grep -c . "$T/want-hash")" "every regular file is hashed"

# the zero-byte file has the digests of the empty string
is "$(grep 'leeg.bin' "$T/got-hash" | cut -f2)" \
	"$(sha256sum < /dev/null | cut -d' ' -f1)" "a zero-byte file gets its hashes"

# MIME types against file(1)
for f in "docs/bericht.txt" "Foto's/2024/IMG_0001.jpg" "docs/notities.txt"; do
	want=$(file -b --mime-type "$ev/$f")
	got=$(jsonl_fields "$T/tree.jsonl" path mime | awk -F'\t' -v p="$f" '$1 == p { print $2 }')
	is "$got" "$want" "mime of $f matches file(1)"
done
is "$(jsonl_fields "$T/tree.jsonl" path ext_mismatch | grep '^docs/notities.txt' | cut -f2)" \
	true "a .txt that is a JPEG is an extension mismatch"
is "$(jsonl_fields "$T/tree.jsonl" path ext_mismatch | grep '^Foto' | grep jpg | cut -f2)" \
	false "a .jpg that is a JPEG is no mismatch"
is "$(jsonl_fields "$T/tree.jsonl" path category | grep '^Foto.*jpg' | cut -f2)" image \
	"category image"

# the invalid name: path_hex holds the raw bytes
want_hex=$(printf '%s' "bad"$'\xff\xfe'".txt" | od -An -tx1 | tr -d ' \n')
is "$(jsonl_fields "$T/tree.jsonl" path_hex | grep -v null)" "$want_hex" \
	"a name that is not UTF-8 keeps its bytes in path_hex"

# links are reported, not followed; the fifo is reported, not opened
is "$(jsonl_fields "$T/tree.jsonl" path type link_target sha256 | grep '^docs/escape')" \
	"docs/escape	link	../../../etc/passwd	null" "a symlink is a link record, not followed"
is "$(jsonl_fields "$T/tree.jsonl" path type | grep '^docs/pipe')" "docs/pipe	fifo" \
	"a fifo is reported and not opened"
is "$(jsonl_fields "$T/tree.jsonl" path mtime | grep '^docs/bericht')" \
	"docs/bericht.txt	2024-06-01T12:00:00Z" "mtime in ISO 8601 UTC"

# ---- evidence untouched ----
hashes > "$T/hashes-after"
diff_ok "$T/hashes-after" "$T/hashes-before" "evidence content unchanged (sha256sum)"

# ---- determinism over threads ----
spoor-files -q -j 1 "$ev" > "$T/j1" && spoor-files -q -j 4 "$ev" > "$T/j4"
diff_ok "$T/j4" "$T/j1" "the same bytes out with -j 1 and -j 4"
spoor-files -q -j 3 --hash=sha512,md5 "$ev" > "$T/j3"
is "$(jsonl_fields "$T/j3" path sha512 | grep '^docs/groot.log' | cut -f2)" \
	"$(sha512sum < "$ev/docs/groot.log" | cut -d' ' -f1)" "sha512 on request (three lanes)"

# ---- single files ----
run_rc 0 "a single JPEG as evidence" spoor-files "$ev/Foto's/2024/IMG_0001.jpg"
is "$(jsonl_fields "$T/out" path sha256)" \
	"IMG_0001.jpg	$(sha256sum < "$ev/Foto's/2024/IMG_0001.jpg" | cut -d' ' -f1)" \
	"reported as one file"
# pseudo-random bytes that file(1) calls "data" (testdata/mkimages.sh
# checks that); raw /dev/urandom output sometimes looks like zlib data
cp "$SPOOR_TESTDATA/random.bin" "$T/random.bin"
run_rc 3 "random bytes: no file system, not a known file type" spoor-files "$T/random.bin"
grep -q 'no volume system or file system' "$T/err"
ok $? "the error says why"
run_rc 0 "-i file hashes it anyway" spoor-files -i file "$T/random.bin"
is "$(jsonl_fields "$T/out" sha256)" "$(sha256 "$T/random.bin")" "hash of the forced single file"

# ---- formats ----
run_rc 0 "csv" spoor-files --format=csv "$ev"
is "$(head -1 "$T/out" | cut -d, -f1-5)" "exhibit,partition,partition_offset,fstype,path" "csv header"
is "$(($(grep -c $'\r$' "$T/out") - 1))" "$(grep -c . "$T/want-paths")" \
	"one csv row per object (plus the header)"
if command -v xmllint >/dev/null; then
	spoor-files -q --format=dfxml "$ev" > "$T/x.xml"
	xmllint --noout "$T/x.xml"
	ok $? "dfxml is well-formed (xmllint)"
	is "$(grep -c '<fileobject>' "$T/x.xml")" "$(grep -c . "$T/want-paths")" \
		"one fileobject per object"
else
	skip "xmllint not installed"
	skip "xmllint not installed"
fi
spoor-files -q --format=bodyfile "$ev" > "$T/body"
is "$(grep -c . "$T/body")" "$(grep -c . "$T/want-paths")" "one bodyfile line per object"
if command -v mactime >/dev/null; then
	mactime -b "$T/body" -d -z UTC > "$T/timeline" 2> "$T/mactime.err"
	ok $? "mactime reads the bodyfile"
	grep -q 'bericht.txt' "$T/timeline"
	ok $? "the timeline lists the files"
else
	skip "mactime not installed"
	skip "mactime not installed"
fi

# ---- exit codes and output ----
run_rc 2 "no evidence" spoor-files
run_rc 2 "a bad --hash" spoor-files --hash=md4 "$ev"
run_rc 2 "a bad --format" spoor-files --format=yaml "$ev"
run_rc 3 "evidence that does not exist" spoor-files "$T/nope"
if [ -w /dev/full ]; then
	spoor-files -q "$ev" > /dev/full 2> "$T/err"
	is "$?" 4 "a full output device exits 4"
else
	skip "/dev/full not writable"
fi
run_rc 0 "-o FILE" spoor-files -q -o "$T/o.jsonl" "$ev"
cmp -s "$T/o.jsonl" "$T/j1"
ok $? "-o writes the same records"
ok "$([ ! -e "$T/o.jsonl.tmp" ]; echo $?)" "no .tmp left behind"
if [ -c /dev/null ]; then
	spoor-files -q -o /dev/null "$ev"
	ok "$([ -c /dev/null ]; echo $?)" "-o /dev/null writes to the device, never replaces it"
fi
run_rc 4 "-o into a directory that does not exist" spoor-files -o "$T/no/dir/x" "$ev"
run_rc 0 "spoor files dispatches to spoor-files" spoor files -q "$ev"
cmp -s "$T/out" "$T/j1"
ok $? "spoor files gives the same output"

done_testing
