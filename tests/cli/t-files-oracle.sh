#!/bin/bash
# tests/cli/t-files-oracle.sh: spoor-files, file for file, against an
# independent oracle built from TSK's command-line tools and coreutils
# (mmls, fsstat, fls, icat, md5sum/sha1sum/sha256sum, file): see
# tests/cli/oracle/tsk-expect.pl for how the expected records are made and
# tests/cli/oracle/compare.pl for what is compared (the fls name
# sanitising, control bytes shown as '^', is applied to spoor's paths
# there).
#
# First the comparison itself is tested: a right answer must pass and a
# doctored one must fail with exactly the planted mismatches. Then, for
# each image, one check per mismatch category, the exit status, and the
# image's SHA-256 before and after (evidence is read-only).
. "$(dirname "$0")/lib.sh"

need perl mmls fsstat fls icat img_cat file md5sum sha1sum sha256sum timeout

O=$SPOOR_SRC/tests/cli/oracle
D=$SPOOR_TESTDATA
[ -f "$D/.stamp" ] || skip_all "no test images in '$D' (run testdata/mkimages.sh)"

# content hashes per file system, shared by the images that hold the same
# one (see tsk-expect.pl)
mkdir "$T/cache"

CATEGORIES="json set hash mime type size time fs"

# report MISMATCHES LABEL: one TAP check per category; every mismatch is its
# own diag line
report() {
	local c n
	for c in $CATEGORIES; do
		n=$(grep -ac "^$c	" "$1")
		if [ "$n" -eq 0 ]; then
			ok 0 "$2: $c"
		else
			ok 1 "$2: $c ($n mismatches)"
			grep -a "^$c	" "$1" | cut -f2- | sed 's/^/#   /'
		fi
	done
}

# evidence_sha IMAGE: one SHA-256 over every file the image is made of
# (all segments of a split raw image)
evidence_sha() {
	case $1 in
	*.001) ls "${1%.001}".[0-9][0-9][0-9] ;;
	*) echo "$1" ;;
	esac | while IFS= read -r f; do sha256 "$f"; done | sha256sum | cut -c1-64
}

# --------------------------------------------------------------------------
# 1. the oracle and the comparison, on ext4.img
# --------------------------------------------------------------------------
perl "$O/tsk-expect.pl" --cache "$T/cache" "$D/ext4.img" >"$T/ext4.expect" 2>"$T/err"
ok $? "oracle: tsk-expect.pl reads ext4.img"
sed 's/^/#   /' "$T/err"

# the planted names must be in the oracle's set, else the self-test below
# proves nothing
n=$(grep -c -e '"path":"README.txt"' -e '"path":"photos/holiday.jpg"' \
    -e '"path":"tab^here.txt"' -e '"path_hex":"626164fffe2e62696e"' \
    "$T/ext4.expect")
is "$n" 4 "oracle: ext4.img has the planted names"

perl "$O/doctor.pl" perfect <"$T/ext4.expect" >"$T/perfect.jsonl"
perl "$O/compare.pl" "$T/ext4.expect" "$T/perfect.jsonl" >"$T/mismatch"
n=$(wc -l <"$T/mismatch")
is "$n" 0 "self-test: a right answer passes"
[ "$n" -eq 0 ] || sed 's/^/#   /' "$T/mismatch"

perl "$O/doctor.pl" broken <"$T/ext4.expect" >"$T/broken.jsonl"
perl "$O/compare.pl" "$T/ext4.expect" "$T/broken.jsonl" >"$T/mismatch"
got=$(cut -f1 "$T/mismatch" | sort | uniq -c | awk '{printf "%s=%s ", $2, $1}')
want="fs=1 hash=1 json=1 mime=1 set=2 size=1 time=1 type=1 "
is "$got" "$want" "self-test: a doctored answer fails with the planted mismatches"
[ "$got" = "$want" ] || sed 's/^/#   /' "$T/mismatch"

# --------------------------------------------------------------------------
# 2. spoor-files on each image
# --------------------------------------------------------------------------
if ! [ -x "$SPOOR_BUILD/bin/spoor-files" ]; then
	skip "spoor-files not built in '$SPOOR_BUILD/bin'"
	done_testing
	exit
fi

# IMAGE [SAME_MEDIA_AS]: containers that hold disk-mbr.img's bytes reuse its
# expected records once TSK is shown to read the very same media from them
# (saves an icat per file per container; the VHD is rounded up to its CHS
# geometry, so only its first disk-mbr.img-size bytes are compared).
images="ext4.img fat.img ntfs.img iso.iso disk-mbr.img disk-gpt.img
disk-split.001:disk-mbr.img disk.E01:disk-mbr.img"
[ -f "$D/disk.vmdk" ] && images="$images disk.vmdk:disk-mbr.img"
[ -f "$D/disk.vhd" ] && images="$images disk.vhd:disk-mbr.img"

for spec in $images; do
	img=${spec%%:*}
	ref=${spec#*:}
	[ "$ref" = "$spec" ] && ref=
	exp=$T/$img.expect
	if [ -n "$ref" ]; then
		size=$(stat -c %s "$D/$ref")
		a=$(img_cat "$D/$img" | head -c "$size" | sha256sum | cut -c1-64)
		is "$a" "$(sha256 "$D/$ref")" "$img: TSK reads the same media as $ref"
		cp "$T/$ref.expect" "$exp"
	else
		perl "$O/tsk-expect.pl" --cache "$T/cache" "$D/$img" \
		    >"$exp" 2>"$T/err"
		ok $? "$img: oracle"
		sed 's/^/#   /' "$T/err"
	fi

	# exit 5 when icat could not read something; an entry without any data
	# attribute (NTFS's reserved MFT entries) may count as skipped or not
	unread=$(grep -a '"_icat_error"' "$exp" | grep -avc '"_no_data"')
	nodata=$(grep -ac '"_no_data"' "$exp")
	if [ "$unread" -gt 0 ]; then
		want=5
	elif [ "$nodata" -gt 0 ]; then
		want="0|5"
	else
		want=0
	fi

	before=$(evidence_sha "$D/$img")
	timeout 300 spoor-files --format=jsonl "$D/$img" >"$T/got" 2>"$T/err"
	rc=$?
	case "|$want|" in
	*"|$rc|"*) ok 0 "$img: exit $rc" ;;
	*)	ok 1 "$img: exit $rc, want $want"
		head -20 "$T/err" | sed 's/^/#   stderr: /' ;;
	esac
	cp "$T/got" "$T/$img.got"

	perl "$O/compare.pl" "$exp" "$T/got" >"$T/mismatch"
	report "$T/mismatch" "$img"

	is "$(evidence_sha "$D/$img")" "$before" "$img: evidence unchanged"
done

# --------------------------------------------------------------------------
# 3. fields the oracle cannot derive from fls/icat, on purpose-built files
# --------------------------------------------------------------------------
# jcheck FILE PATH FIELD WANT
jcheck() {
	is "$(perl "$O/jget.pl" "$1" "$2" "$3")" "$4" "$(basename "$1" .got): $2: $3 = $4"
}
G=$T/ext4.img.got
jcheck "$G" wrong/photo.txt ext_mismatch true
jcheck "$G" wrong/picture.jpg ext_mismatch true
jcheck "$G" wrong/invoice.pdf ext_mismatch true
jcheck "$G" photos/holiday.jpg ext_mismatch false
jcheck "$G" docs/report.pdf ext_mismatch false
jcheck "$G" docs/letter.docx ext_mismatch false
# symlink targets, as the image was built (TSK's icat cannot show an ext4
# fast symlink's target)
jcheck "$G" link-outside link_target /etc/passwd
jcheck "$G" photos/link-to-report link_target ../docs/report.pdf
# a name that is not UTF-8: lossy path plus the raw bytes
n=$(perl -MJSON::PP -ne 'my $r = eval { decode_json($_) } or next;
    $n++ if ($r->{path_hex} // "") eq "626164fffe2e62696e";
    END { print $n // 0 }' "$G")
is "$n" 1 "ext4.img: bad\\xff\\xfe.bin has path_hex 626164fffe2e62696e"
G=$T/fat.img.got
# FAT loses a deleted file's cluster chain: reading it back assumes the
# clusters were contiguous
jcheck "$G" photos/deleted-video.bin recovery heuristic
jcheck "$G" docs/_ecret.txt recovery absent
jcheck "$G" README.txt recovery absent

done_testing
