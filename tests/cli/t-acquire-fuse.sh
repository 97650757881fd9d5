#!/bin/bash
# t-acquire-fuse: spoor-acquire on a real block device with bad sectors.
# A read-only FUSE file (tests/fault/faultfuse.c) serves a generated image
# and fails every read that overlaps chosen sectors with EIO; a loop device
# over it is what spoor-acquire images, with O_DIRECT, as it would a disk.
# The oracles are dd and cmp against the backing image with the bad
# sectors zeroed by dd, and the fixture's own list of bad sectors.
#
# Why `losetup --direct-io=on`: without it the loop driver reads its
# backing file through the page cache, in whole 4 KiB pages, so when the
# FUSE file is cached one bad 512-byte sector fails its whole page (eight
# sectors: a limit of that setup, not of the device being imaged).  With
# direct I/O the loop driver passes each request on with its own offset
# and length, as a disk would.  faultfuse also opens its file with
# FOPEN_DIRECT_IO (no FUSE page cache) unless given --cache; the second
# run below uses --cache to show that the loop's direct I/O alone keeps
# the sector granularity.
#
# Needs root, /dev/fuse, losetup and libfuse3-dev; skipped otherwise.
. "$(dirname "$0")/lib.sh"
need perl cmp dd cc sha256sum pkg-config losetup blockdev
[ "$(id -u)" = 0 ] || skip_all "not root"
[ -c /dev/fuse ] || skip_all "no /dev/fuse"
command -v fusermount3 >/dev/null || command -v umount >/dev/null ||
	skip_all "no fusermount3 or umount"
pkg-config --exists fuse3 || skip_all "libfuse3-dev not installed"

ACQ=spoor-acquire
FF=$T/faultfuse
# shellcheck disable=SC2046
cc -std=c11 -O2 -o "$FF" "$SPOOR_SRC/tests/fault/faultfuse.c" \
	$(pkg-config --cflags --libs fuse3) 2> "$T/cc.err" ||
	skip_all "cannot build the FUSE helper"

# Mounts, loop devices and FUSE daemons are undone on any exit, failed
# assertions and signals included, before the scratch directory goes.
loops= mounts= pids=
cleanup() {
	for l in $loops; do losetup -d "$l" 2>/dev/null; done
	for m in $mounts; do
		fusermount3 -u "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# fuse_mount DIR ARGS...: serve DIR/disk with faultfuse ARGS, wait for it
fuse_mount() {
	_d=$1
	shift
	mkdir -p "$_d"
	"$FF" "$@" -f -o ro "$_d" 2> "$_d.err" &
	pids="$pids $!"
	mounts="$mounts $_d"
	for _ in $(seq 100); do [ -f "$_d/disk" ] && return 0; sleep 0.1; done
	sed 's/^/#   faultfuse: /' "$_d.err"
	return 1
}

# loop_attach FILE: a read-only loop device with direct I/O over FILE,
# named in $dev (not echoed: a $(...) subshell would lose $loops)
loop_attach() {
	dev=$(losetup -f --show -r --direct-io=on "$1" 2>"$T/losetup.err") ||
		return 1
	loops="$loops $dev"
}

# A source of random bytes: 20 MiB and 3 sectors (a whole number of
# sectors, as a loop device needs, but not of 4 KiB pages).  Bad sectors:
# a run on a page boundary, one across the 4 MiB read boundary, a run in
# the middle of a page, and the very last sector.
back=$T/back.img
head -c $((20 * 1048576 + 3 * 512)) /dev/urandom > "$back"
back_sha=$(sha256 "$back")
last=$(( $(stat -c %s "$back") / 512 - 1 ))
bad="1000+10 8191+2 20001+3 $last+1"
eio=$(echo $bad | tr ' ' ',')

# want: the backing image with exactly the bad sectors zeroed (by dd)
cp "$back" "$T/want"
for r in $bad; do
	dd if=/dev/zero of="$T/want" bs=512 seek=${r%+*} count=${r#*+} \
		conv=notrunc status=none
done
want_sha=$(sha256 "$T/want")
printf '%s\n' $bad > "$T/want-bad"
for r in $bad; do
	printf '  sector %s, count %s: Input/output error\n' ${r%+*} ${r#*+}
done > "$T/want-logbad"

fuse_mount "$T/m1" --backing="$back" --eio="$eio" --log="$T/req1.log" ||
	skip_all "cannot mount the FUSE file (no FUSE in this container?)"

# the fixture itself: the FUSE file fails exactly where it should
cmp -s <(dd if="$T/m1/disk" bs=512 count=1000 status=none) \
	<(dd if="$back" bs=512 count=1000 status=none)
ok $? "fixture: the FUSE file serves the backing image's bytes"
dd if="$T/m1/disk" of=/dev/null bs=512 skip=1000 count=1 status=none 2>/dev/null
is "$?" 1 "fixture: a read of a bad sector of the FUSE file fails"

loop_attach "$T/m1/disk" ||
	skip_all "losetup cannot attach the FUSE file: $(cat "$T/losetup.err")"
loop=$dev
test -b "$loop"
ok $? "fixture: $loop is a block device"
is "$(blockdev --getro "$loop")" 1 "fixture: the loop device is read-only"
dio=$(losetup -n -l -O DIO "$loop" | tr -d ' ')
[ "$dio" = 1 ] || diag "the loop driver refused direct I/O; the FUSE file's FOPEN_DIRECT_IO keeps reads sector-sized"
is "$(blockdev --getsize64 "$loop")" "$(stat -c %s "$back")" \
	"fixture: the loop device has the backing image's size"

# ---- raw image of the failing device ----
: > "$T/req1.log"
$ACQ --no-progress --verify --hash md5,sha256 --map "$T/f.map" \
	"$loop" "$T/f.dd" > "$T/out" 2> "$T/err"
is "$?" 5 "unreadable sectors on a block device: exit 5"
is "$(stat -c %s "$T/f.dd")" "$(stat -c %s "$back")" "image has the device's size"
cmp -s "$T/f.dd" "$T/want"
ok $? "image = backing image with exactly the bad sectors zeroed (cmp against dd)"
zeros=0
for r in $bad; do
	n=$(dd if="$T/f.dd" bs=512 skip=${r%+*} count=${r#*+} status=none |
		tr -d '\000' | wc -c)
	[ "$n" = 0 ] || zeros=1
done
ok $zeros "image: only zero bytes in every bad range"
good=0
prev=0
for r in $bad; do
	s=${r%+*}
	if [ "$s" -gt "$prev" ]; then
		cmp -s <(dd if="$T/f.dd" bs=512 skip=$prev count=$((s - prev)) status=none) \
			<(dd if="$back" bs=512 skip=$prev count=$((s - prev)) status=none) ||
			good=1
	fi
	prev=$((s + ${r#*+}))
done
ok $good "image: the source's bytes between the bad ranges (dd | cmp, range by range)"
is "$(awk '$1 == "sha256" { print $2 }' "$T/out")" "$want_sha" \
	"printed sha256 = sha256sum of the expected image"
is "$(awk '$1 == "md5" { print $2 }' "$T/out")" \
	"$(md5sum < "$T/want" | cut -d' ' -f1)" "printed md5 = md5sum of the expected image"

perl -ne 'printf "%d+%d\n", hex($1) / 512, hex($2) / 512 if /^(0x\S+)\s+(0x\S+)\s+-\s*$/' \
	"$T/f.map" > "$T/map-bad"
diff_ok "$T/map-bad" "$T/want-bad" "ddrescue map: exactly the bad sectors are '-'"
# the map's ranges tile the device: each starts where the last ended
perl -e 'my ($want, $pos, $ok) = (shift, 0, 1); my $st = 0;
	while (<>) { next if /^#/;
		if (!$st++) { next }
		my ($p, $s, $c) = split;
		$ok = 0 if hex($p) != $pos || $c !~ /^[+-]$/; $pos = hex($p) + hex($s) }
	exit !($ok && $pos == $want)' "$(stat -c %s "$back")" "$T/f.map"
ok $? "ddrescue map: '+' and '-' ranges cover the device, nothing untried"
grep '^  sector ' "$T/f.dd.log" > "$T/log-bad"
diff_ok "$T/log-bad" "$T/want-logbad" "text log: exactly the bad ranges, with the error"
is "$(sed -n 's/^result: *//p' "$T/f.dd.log" | head -1)" \
	"completed with unreadable sectors" "text log: no claim of a clean success"
grep -q '^type: *block device$' "$T/f.dd.log"
ok $? "text log: the source is a block device"
if command -v xmllint >/dev/null; then
	is "$(xmllint --xpath 'string(//bad_sectors/@count)' "$T/f.dd.xml")" 16 \
		"XML log: 16 bad sectors"
	xmllint --xpath '//bad_sectors/run' "$T/f.dd.xml" 2>/dev/null |
		perl -ne 'print "$1+$2\n" while /sector="(\d+)" count="(\d+)"/g' \
		> "$T/xml-bad"
	diff_ok "$T/xml-bad" "$T/want-bad" "XML log: exactly the bad runs"
else
	skip "xmllint not installed"
	skip "xmllint not installed"
fi
is "$(sed -n '/^\[verification\]/,/^$/s/^result: *//p' "$T/f.dd.log")" "match" \
	"--verify: the written image matches"
# the faults came from the device: the FUSE file saw failing requests,
# and spoor's sector-sized re-reads of every bad sector reached it
grep -q ' eio$' "$T/req1.log"
ok $? "FUSE file: the reads that failed reached it through the loop device"
sect=0
for r in $bad; do
	grep -q "^$(( ${r%+*} * 512 )) 512 eio\$" "$T/req1.log" || sect=1
done
ok $sect "FUSE file: each bad range was re-read sector by sector"

# ---- E01 of the failing device: libewf's own error table as oracle ----
if command -v ewfinfo >/dev/null && command -v ewfverify >/dev/null; then
	$ACQ --no-progress --format e01 "$loop" "$T/e.E01" > "$T/out" 2> "$T/err"
	is "$?" 5 "E01 of the failing device: exit 5"
	ewfverify -q "$T/e.E01" > "$T/ewfv" 2>&1
	ok $? "ewfverify: the E01 is consistent"
	grep -q "MD5 hash calculated over data:.*$(md5sum < "$T/want" | cut -d' ' -f1)" "$T/ewfv"
	ok $? "ewfverify: the data is the expected image (md5sum oracle)"
	ewfinfo "$T/e.E01" 2>/dev/null |
		perl -ne 'print "$1+$2\n" if /at sector\(s\): (\d+) - \d+ number: (\d+)/' \
		> "$T/ewf-bad"
	diff_ok "$T/ewf-bad" "$T/want-bad" "ewfinfo: the acquiry errors are the bad ranges"
else
	for i in 1 2 3 4; do skip "ewf-tools not installed"; done
fi

# ---- a FUSE file cached by the kernel: the loop's direct I/O suffices ----
if [ "$dio" = 1 ] && fuse_mount "$T/m2" --backing="$back" --eio="$eio" --cache &&
   loop_attach "$T/m2/disk"; then
	loop2=$dev
	$ACQ --no-progress "$loop2" "$T/c.dd" > "$T/out" 2> "$T/err"
	is "$?" 5 "cached FUSE file, loop direct I/O: exit 5"
	cmp -s "$T/c.dd" "$T/want"
	ok $? "cached FUSE file, loop direct I/O: exactly the bad sectors lost"
else
	skip "loop direct I/O unavailable"
	skip "loop direct I/O unavailable"
fi

# ---- evidence unchanged, everything undone ----
is "$(sha256 "$back")" "$back_sha" "the backing image is unchanged (sha256 before and after)"
cleanup_ok=0
for l in $loops; do losetup -d "$l" || cleanup_ok=1; done
for l in $loops; do
	# the kernel detaches on the last close: wait for it
	for _ in $(seq 50); do
		losetup -l -n -O NAME | grep -qx "$l" || break
		sleep 0.1
	done
	losetup -l -n -O NAME | grep -qx "$l" && cleanup_ok=1
done
for m in $mounts; do fusermount3 -u "$m" 2>/dev/null || umount "$m" || cleanup_ok=1; done
grep -q " $T/" /proc/mounts && cleanup_ok=1
ok $cleanup_ok "loop devices detached and FUSE mounts gone"
loops= mounts=
done_testing
