#!/bin/bash
# t-files-formats: what spoor-files writes for other tools.  DFXML that
# the DFXML schema accepts (xmllint --schema; lib.sh checks every DFXML a
# test writes), with spoor's own facts in a namespace of its own and
# <mode> as fiwalk's integer; bodyfiles as fls -m writes them (a
# partition prefix per file system of a multi-partition image, NTFS
# $FILE_NAME lines); -o given a bare number is refused.  Oracles: the
# DFXML schema, fls -m and mmls (TSK), stat(1) on logical evidence,
# Perl's pack for bytes that are not UTF-8.
. "$(dirname "$0")/lib.sh"
need xmllint fls mmls perl stat sqlite3
D=$SPOOR_TESTDATA
[ -f "$D/disk-mbr.img" ] && [ -f "$D/ntfs.img" ] || skip_all "no test images"
cd "$T" || exit 1
sf() { spoor-files --no-progress "$@"; }
DF=http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML
SP=urn:spoor:dfxml:1
xp() { xmllint --xpath "$1" "$2" 2>/dev/null; }

# ---- DFXML: valid for every kind of evidence ----
for img in disk-mbr.img ntfs.img ext4.img fat.img disk.E01; do
	[ -f "$D/$img" ] || { skip "no $img"; skip "no $img"; continue; }
	run_rc 0 "dfxml of $img" sf --format=dfxml "$D/$img"
done
run_rc 0 "dfxml of logical evidence" sf --format=dfxml "$D/logical"
cp "$T/out" "$T/logical.xml"
# an image, a directory, an image: volumes never after file objects
run_rc 0 "dfxml of an image, a directory and an image in one run" \
	sf --format=dfxml "$D/fat.img" "$D/logical" "$D/ext4.img"
cp "$T/out" "$T/mixed.xml"
is "$(xp "count(/*[local-name()='dfxml']/*[local-name()='fileobject'])" "$T/mixed.xml")" \
	0 "mixed run: every file object inside a volume"

# ---- the root, DFXML's elements and spoor's ----
is "$(xp "string(/*[local-name()='dfxml']/@version)" "$T/mixed.xml")" \
	"2.0.0-beta.0" "the root's version is the schema's (not xmloutputversion)"
is "$(xp "count(/*/@xmloutputversion)" "$T/mixed.xml")" 0 \
	"no xmloutputversion attribute"
for e in exhibit attr category ext_mismatch mime_type type; do
	is "$(xp "count(//*[local-name()='$e' and namespace-uri()='$DF'])" "$T/mixed.xml")" \
		0 "no <$e> in the DFXML namespace"
done
is "$(xp "count(//*[local-name()='exhibit' and namespace-uri()='$SP'])" "$T/mixed.xml")" \
	"$(xp "count(//*[local-name()='fileobject'])" "$T/mixed.xml")" \
	"spoor:exhibit on every file object, in spoor's namespace"

# <mode> is the permission bits as an integer: stat(1) of the files of
# the logical evidence, the oracle
xp "//*[local-name()='fileobject']" "$T/logical.xml" > /dev/null
perl -e '
	use strict;
	local $/;
	my $x = <STDIN>;
	while ($x =~ m{<fileobject>(.*?)</fileobject>}gs) {
		my $o = $1;
		my ($n) = $o =~ m{<filename>([^<]*)</filename>} or next;
		my ($t) = $o =~ m{<spoor:type>([^<]*)</spoor:type>};
		my ($m) = $o =~ m{<mode>(\d+)</mode>};
		next unless defined $t && $t eq "file" && defined $m;
		printf "%s %o\n", $n, $m;
	}' < "$T/logical.xml" | sort > "$T/modes-got"
(cd "$D/logical" && find . -type f -printf '%P\n' | while IFS= read -r f; do
	printf '%s %s\n' "$f" "$(stat -c %a "$f")"; done) | LC_ALL=C sort \
	> "$T/modes-want"
sort "$T/modes-got" > "$T/modes-got.s"
LC_ALL=C sort "$T/modes-got" > "$T/modes-got.s"
[ -s "$T/modes-want" ] && diff_ok "$T/modes-got.s" "$T/modes-want" \
	"<mode> = stat -c %a of each file (octal of the integer)"

# a name that is not UTF-8: lossy in <filename>, its bytes in
# spoor:filename_hex (the image holds bad\377\376.bin)
sf --format=dfxml "$D/disk-mbr.img" > "$T/mbr.xml" 2>/dev/null
is "$(xp "string(//*[local-name()='filename_hex' and namespace-uri()='$SP'])" "$T/mbr.xml" |
	perl -ne 'chomp; print pack("H*", $_)' | od -An -c | tr -s ' ')" \
	" b a d 377 376 . b i n" "spoor:filename_hex holds the name's own bytes"

# ---- bodyfile: as fls -m, per partition with its prefix ----
# fls prints names byte for byte; spoor-files writes bytes that are not
# UTF-8 as U+FFFD, one per byte (documented): fls's lines are converted
# the same way before comparing; field 1 (MD5: fls writes 0) is left out
utf8ify() { perl -MEncode -pe '$_ = encode("UTF-8", decode("UTF-8", $_,
	sub { "\x{FFFD}" }))'; }
mmls "$D/disk-mbr.img" | awk '$2 ~ /^[0-9]+:[0-9]+$/ { print $1 + 0, $3 + 0 }' \
	> "$T/parts"
is "$(wc -l < "$T/parts")" 2 "disk-mbr.img: two partitions (mmls)"
while read -r slot start; do
	fls -r -m "/p$slot" -o "$start" "$D/disk-mbr.img"
done < "$T/parts" | utf8ify | cut -d'|' -f2- | LC_ALL=C sort > "$T/fls-mbr"
run_rc 0 "bodyfile of a two-partition image" sf --format=bodyfile \
	"$D/disk-mbr.img"
cut -d'|' -f2- "$T/out" | LC_ALL=C sort > "$T/ours-mbr"
diff_ok "$T/ours-mbr" "$T/fls-mbr" \
	"bodyfile = fls -r -m /pSLOT -o START for each partition (mmls)"
is "$(grep -c '|/p[0-9]*/\$MBR|' "$T/out")" 1 "one \$MBR per partition, not one per file system in the same place"
is "$(cut -d'|' -f2 "$T/out" | sort | uniq -d | wc -l)" 0 \
	"no path twice in the timeline"

fls -r -m / "$D/ntfs.img" | utf8ify | cut -d'|' -f2- | LC_ALL=C sort \
	> "$T/fls-ntfs"
run_rc 0 "bodyfile of an NTFS image" sf --format=bodyfile "$D/ntfs.img"
cut -d'|' -f2- "$T/out" | LC_ALL=C sort > "$T/ours-ntfs"
diff_ok "$T/ours-ntfs" "$T/fls-ntfs" \
	"NTFS bodyfile = fls -r -m / (with its (\$FILE_NAME) lines)"
is "$(grep -c ' (\$FILE_NAME)|' "$T/out")" \
	"$(fls -r -m / "$D/ntfs.img" | grep -c ' (\$FILE_NAME)|')" \
	"as many \$FILE_NAME lines as fls writes"
# the case they are for: $FILE_NAME times that differ from the
# $STANDARD_INFORMATION ones (holiday.jpg: mtime set back, as a
# timestomping tool would)
is "$(grep '|/holiday.jpg|' "$T/out" | cut -d'|' -f9) $(grep '|/holiday.jpg (\$FILE_NAME)|' "$T/out" | cut -d'|' -f9)" \
	"$(fls -r -m / "$D/ntfs.img" | grep '|/holiday.jpg|' | cut -d'|' -f9) $(fls -r -m / "$D/ntfs.img" | grep '|/holiday.jpg (\$FILE_NAME)|' | cut -d'|' -f9)" \
	"holiday.jpg: the SI and FN mtimes, as fls"
ok "$([ "$(grep '|/holiday.jpg|' "$T/out" | cut -d'|' -f9)" != "$(grep '|/holiday.jpg (\$FILE_NAME)|' "$T/out" | cut -d'|' -f9)" ]; echo $?)" \
	"and they differ: the timeline shows it"

# -C with --format=bodyfile: the case keeps the JSONL line, not the
# $FILE_NAME sub-record of the bodyfile
cp "$D/ntfs.img" "$T/ntfs.img"
spoor-case init "$T/c" --case-id F-1 --examiner Eva 2>/dev/null
spoor-case add "$T/c" "$T/ntfs.img" --exhibit N > /dev/null 2>&1
run_rc 0 "-C with --format=bodyfile" sf -C "$T/c" --format=bodyfile \
	"$T/ntfs.img"
is "$(sqlite3 "$T/c/case.db" "SELECT count(*) FROM records WHERE json LIKE '%file_name%'") $(sqlite3 "$T/c/case.db" 'SELECT count(*) FROM records')" \
	"0 $(sf "$T/ntfs.img" 2>/dev/null | wc -l)" \
	"no \$FILE_NAME sub-record stored; one record per JSONL line"

# ---- -o with a bare number: refused, with a hint ----
run_rc 2 "-o 157311 (an fls offset habit): refused" sf -o 157311 \
	"$D/fat.img"
grep -q "not a sector offset.*--offset=SECTORS.*--output=FILE" "$T/err"
ok $? "the hint names --offset and --output="
ok "$([ ! -e 157311 ] && [ ! -e 157311.tmp ]; echo $?)" "no file 157311"
run_rc 2 "-o157311: refused too" sf -o157311 "$D/fat.img"
run_rc 0 "--output=157311 writes a file of that name" sf --output=157311 \
	"$D/fat.img"
ok "$([ -s 157311 ]; echo $?)" "157311 written"
run_rc 0 "-o with a name is fine" sf -o out.jsonl "$D/fat.img"
done_testing
