#!/bin/bash
# testdata/mkimages.sh OUTDIR: build the small evidence images the CLI tests
# run on (see testdata/README.md for what each one holds and which test
# checks it).
#
# Rules: no root-only operation (no mount, no losetup), everything written
# from user space by mkfs/mtools/debugfs/ntfscp/dd; fixed times, UUIDs and
# seeds so a rerun gives byte-identical images where the tools allow it
# (README.md lists what cannot be pinned); fast (a few seconds) and small.
# OUTDIR/.stamp is written last, so a make rule can depend on it.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
rm -f "$out/.stamp"

# Times: everything is UTC; SOURCE_DATE_EPOCH (2024-06-01T12:00:00Z) is the
# "now" of every tool that honours it or E2FSPROGS_FAKE_TIME.
export LC_ALL=C TZ=UTC
export SOURCE_DATE_EPOCH=1717243200
export E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH
umask 022
# mkfs.*, debugfs, sfdisk and ntfscp live in sbin, not on a user's PATH
PATH=$PATH:/usr/sbin:/sbin

for tool in perl openssl sqlite3 mkfs.ext4 debugfs mkfs.fat mcopy mmd mdel \
    mkntfs ntfscp sfdisk ewfacquire xorriso split file; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "$0: '$tool' not found (see 'make deps')" >&2
		exit 3
	}
done

work=$(mktemp -d "${TMPDIR:-/tmp}/spoor-mkimages.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Fixed identities.
EXT4_UUID=5b0012e4-0000-4000-8000-00000000e4e4
EXT4_HASH_SEED=5b0012e4-0000-4000-8000-0000000054ed
FAT_SERIAL=5B00FA16
DISK_MBR_ID=0x5b00d15c
GPT_DISK_GUID=5B00D15C-0000-4000-8000-000000000000
GPT_PART1_GUID=5B00D15C-0000-4000-8000-000000000001
GPT_PART2_GUID=5B00D15C-0000-4000-8000-000000000002
GPT_MSDATA=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7	# "Microsoft basic data"
GPT_LINUX=0FC63DAF-8483-4772-8E79-3D69D8477DE4	# "Linux filesystem"

# --------------------------------------------------------------------------
# Source trees
# --------------------------------------------------------------------------

mkdir -p "$work/samples"
perl "$here/mksamples.pl" "$work/samples"
S=$work/samples

# put DIR/PATH DATE [SAMPLE]: create PATH (parents too) from SAMPLE or, with
# no SAMPLE, from stdin, and give it the modification time DATE.
put() {
	mkdir -p "$(dirname "$1")"
	if [ $# -ge 3 ]; then
		cat "$3" >"$1"
	else
		cat >"$1"
	fi
	touch -d "$2" "$1"
}

# prng BYTES IV: deterministic pseudo-random bytes, the AES-128-CTR keystream
# under an all-zero key (a different IV per use). CTR output is as long as
# its input, so no SIGPIPE under pipefail.
prng() {
	head -c "$1" /dev/zero |
	    openssl enc -aes-128-ctr -nosalt -iv "$2" \
		-K 00000000000000000000000000000000
}

# A WhatsApp-like message store, built by sqlite3 (same sqlite, same bytes).
mk_msgstore() {
	sqlite3 "$1" <<-'EOF'
		PRAGMA page_size = 4096;
		CREATE TABLE jid (_id INTEGER PRIMARY KEY, raw_string TEXT);
		CREATE TABLE message (_id INTEGER PRIMARY KEY, chat_row_id INTEGER,
		    from_me INTEGER, timestamp INTEGER, text_data TEXT);
		INSERT INTO jid VALUES (1, '31600000001@s.whatsapp.net');
		INSERT INTO jid VALUES (2, '31600000002@s.whatsapp.net');
		INSERT INTO message VALUES (1, 1, 0, 1704164645000, 'hoi');
		INSERT INTO message VALUES (2, 1, 1, 1704164700000, 'hallo, alles goed?');
		INSERT INTO message VALUES (3, 2, 0, 1704165000000, 'zie je morgen');
	EOF
}

# mk_common DIR: the files every file system image gets (names that FAT,
# NTFS, ISO9660+RR/Joliet and ext4 can all store).
mk_common() {
	local d=$1
	mkdir -p "$d"
	printf 'spoor test evidence\nmade by testdata/mkimages.sh\n' |
	    put "$d/README.txt" '2024-01-02 03:04:06Z'
	put "$d/docs/report.pdf" '2024-01-03 10:00:00Z' "$S/sample.pdf"
	put "$d/docs/archive.zip" '2024-01-03 10:00:02Z' "$S/sample.zip"
	put "$d/docs/letter.docx" '2024-01-03 10:00:04Z' "$S/sample.docx"
	put "$d/docs/log.txt.gz" '2024-01-03 10:00:06Z' "$S/sample.gz"
	printf 'id,name,city\n1,Jan,Utrecht\n2,"de Vries, Anna",Zwolle\n' |
	    put "$d/docs/data.csv" '2024-01-03 10:00:08Z'
	printf '%s\n' '<!DOCTYPE html>' \
	    '<html><head><title>spoor</title></head>' \
	    '<body><p>test page</p></body></html>' |
	    put "$d/docs/page.html" '2024-01-03 10:00:10Z'
	printf '{"app": "spoor", "version": 1, "items": [1, 2, 3]}\n' |
	    put "$d/docs/config.json" '2024-01-03 10:00:12Z'
	put "$d/photos/holiday.jpg" '2024-02-14 08:30:00Z' "$S/sample.jpg"
	put "$d/photos/logo.png" '2024-02-14 08:30:02Z' "$S/sample.png"
	put "$d/photos/anim.gif" '2024-02-14 08:30:04Z' "$S/sample.gif"
	mkdir -p "$d/Android/data/com.whatsapp/databases"
	mk_msgstore "$d/Android/data/com.whatsapp/databases/msgstore.db"
	touch -d '2024-03-01 20:15:00Z' \
	    "$d/Android/data/com.whatsapp/databases/msgstore.db"
	put "$d/bin/hello" '2024-01-05 00:00:00Z' "$S/sample.elf"
	# wrong extensions: content and name disagree
	put "$d/wrong/photo.txt" '2024-01-06 00:00:00Z' "$S/sample.jpg"
	put "$d/wrong/picture.jpg" '2024-01-06 00:00:02Z' "$S/sample.zip"
	printf 'this is not a PDF, just text\n' |
	    put "$d/wrong/invoice.pdf" '2024-01-06 00:00:04Z'
	printf 'spaces in the name\n' |
	    put "$d/my documents/notes for meeting.txt" '2024-01-07 00:00:00Z'
	printf 'Dutch: IJsselmeer, één, coöperatie\n' |
	    put "$d/Foto's/één coöperatie.txt" '2024-01-07 00:00:02Z'
	put "$d/Foto's/☕ koffie.jpg" '2024-01-07 00:00:04Z' "$S/sample.jpg"
	: | put "$d/empty.dat" '2024-01-08 00:00:00Z'
	# two files the image builders delete again
	printf 'this file was deleted\n' |
	    put "$d/docs/secret.txt" '2024-01-09 00:00:00Z'
	prng 20480 00000000000000000000000000000002 |
	    put "$d/photos/deleted-video.bin" '2024-01-09 00:00:02Z'
}

# Directories get a fixed mtime last (creating entries changed them).
fix_dir_times() {
	find "$1" -type d -exec touch -d "$2" {} +
}

# --------------------------------------------------------------------------
# ext4.img: bare ext4 from mkfs.ext4 -d, then two files deleted by debugfs
# --------------------------------------------------------------------------
mk_ext4() {
	local d=$work/ext4-src img=$work/ext4.img
	mk_common "$d"
	# names only ext4 (or any POSIX fs) can hold
	printf 'tab in the name\n' | put "$d/"$'tab\there.txt' '2024-01-10 00:00:00Z'
	printf 'invalid UTF-8 in the name\n' |
	    put "$d/"$'bad\xff\xfe.bin' '2024-01-10 00:00:02Z'
	printf 'three dots\n' | put "$d/..." '2024-01-10 00:00:04Z'
	printf 'dot dot hidden\n' | put "$d/..hidden" '2024-01-10 00:00:06Z'
	printf 'deep\n' | put "$d/a/b/c/d/deep.txt" '2024-01-10 00:00:08Z'
	# outside the BMP (4-byte UTF-8): FAT via mtools 4.0.32 would truncate it
	# to U+F4F7, Joliet cannot hold it at all
	put "$d/Foto's/📷 selfie.jpg" '2024-01-10 00:00:10Z' "$S/sample.jpg"
	prng 5242880 00000000000000000000000000000005 |
	    put "$d/big/random-5mib.bin" '2024-01-11 00:00:00Z'
	ln -s ../docs/report.pdf "$d/photos/link-to-report"
	ln -s /etc/passwd "$d/link-outside"
	mkfifo "$d/pipe"
	touch -h -d '2024-01-12 00:00:00Z' "$d/photos/link-to-report" \
	    "$d/link-outside" "$d/pipe"
	fix_dir_times "$d" '2024-01-15 00:00:00Z'

	# 1 KiB blocks keep small files small; 128 inodes are plenty.
	mkfs.ext4 -q -F -b 1024 -N 128 -m 0 -L spoor-ext4 \
	    -U "$EXT4_UUID" \
	    -E "hash_seed=$EXT4_HASH_SEED,lazy_itable_init=0" \
	    -d "$d" "$img" 8M >/dev/null

	# mkfs.ext4 -d copies atime/ctime from the source tree (ctime is the
	# real time the tree was made): pin them, and uid/gid, for every used
	# inode, so the image does not depend on when or by whom it was built.
	local n
	n=$(debugfs -R stats "$img" 2>/dev/null |
	    awk -F: '/^Inode count/ {ic=$2} /^Free inodes/ {fi=$2} END {print ic-fi}')
	{
		for i in 2 $(seq 11 "$n"); do
			for f in atime ctime; do
				echo "sif <$i> $f 20240601120000"
				echo "sif <$i> ${f}_extra 0"
			done
			echo "sif <$i> crtime 20240601120000"
			echo "sif <$i> crtime_extra 0"
			echo "sif <$i> uid 1000"
			echo "sif <$i> gid 1000"
		done
		echo "rm /docs/secret.txt"
		echo "rm /photos/deleted-video.bin"
	} >"$work/ext4.debugfs"
	# debugfs -f exits 0 even when a command fails: anything on stderr
	# but its banner is an error
	debugfs -w -f "$work/ext4.debugfs" "$img" >/dev/null 2>"$work/debugfs.err"
	if grep -v '^debugfs [0-9]' "$work/debugfs.err" | grep -q .; then
		cat "$work/debugfs.err" >&2
		exit 1
	fi
	mv "$img" "$out/ext4.img"
}

# --------------------------------------------------------------------------
# fat.img: FAT16 from mkfs.fat + mtools, long names, two files deleted
# --------------------------------------------------------------------------
mk_fat() {
	local d=$work/fat-src img=$work/fat.img
	mk_common "$d"
	printf 'a long file name that does not fit 8.3\n' |
	    put "$d/docs/A Long File Name With Mixed Case.txt" '2024-01-10 00:00:00Z'
	printf 'short\n' | put "$d/SHORT.TXT" '2024-01-10 00:00:02Z'
	printf 'deep\n' | put "$d/a/b/c/d/deep.txt" '2024-01-10 00:00:04Z'

	# FAT16 needs >= 4085 clusters: 4 MiB in 512-byte clusters is ~8000.
	# --invariant pins the time-based fields and the serial; -i must come
	# after it or --invariant overrides it with 1234-ABCD.
	mkfs.fat -C -F 16 -s 1 -n SPOOR-FAT --invariant -i "$FAT_SERIAL" \
	    "$img" 4096 >/dev/null
	# mtools maps names through the locale's charset into the UTF-16 long
	# names: it must be UTF-8 here. FAT keeps local times, TZ is UTC.
	# Directories are made by mmd one by one with the time pinned by
	# SOURCE_DATE_EPOCH; files by mcopy -m, which keeps their mtime.
	local rel
	(
		export LC_ALL=C.UTF-8 MTOOLS_SKIP_CHECK=1 MTOOLS_NO_VFAT=0
		cd "$d"
		find . -mindepth 1 -type d | LC_ALL=C sort | sed 's|^\./||' |
		    while IFS= read -r rel; do
			mmd -i "$img" "::/$rel"
		done
		find . -type f | LC_ALL=C sort | sed 's|^\./||' |
		    while IFS= read -r rel; do
			mcopy -m -i "$img" "$rel" "::/$rel"
		done
		# a small and a multi-cluster (40 x 512 B) deleted file
		mdel -i "$img" ::/docs/secret.txt ::/photos/deleted-video.bin
	)
	mv "$img" "$out/fat.img"
}

# --------------------------------------------------------------------------
# ntfs.img: mkntfs + ntfscp; files at the root only (no libntfs-3g tool makes
# a directory or deletes a file without mounting), named data streams
# --------------------------------------------------------------------------
mk_ntfs() {
	local d=$work/ntfs-src img=$work/ntfs.img
	mkdir -p "$d"
	printf 'spoor test evidence on NTFS\n' |
	    put "$d/README.txt" '2024-01-02 03:04:06Z'
	put "$d/report.pdf" '2024-01-03 10:00:00Z' "$S/sample.pdf"
	put "$d/letter.docx" '2024-01-03 10:00:04Z' "$S/sample.docx"
	put "$d/holiday.jpg" '2024-02-14 08:30:00Z' "$S/sample.jpg"
	put "$d/photo.txt" '2024-01-06 00:00:00Z' "$S/sample.jpg"
	put "$d/📷 selfie.jpg" '2024-01-07 00:00:04Z' "$S/sample.jpg"
	printf 'Dutch: IJsselmeer, één, coöperatie\n' |
	    put "$d/één coöperatie.txt" '2024-01-07 00:00:02Z'
	printf 'spaces in the name\n' |
	    put "$d/notes for meeting.txt" '2024-01-07 00:00:00Z'
	mk_msgstore "$d/msgstore.db"
	touch -d '2024-03-01 20:15:00Z' "$d/msgstore.db"
	: | put "$d/empty.dat" '2024-01-08 00:00:00Z'
	# non-resident and several clusters long
	prng 65536 00000000000000000000000000000003 |
	    put "$d/random-64k.bin" '2024-01-11 00:00:00Z'
	# stream contents
	printf '%s\r\n' '[ZoneTransfer]' 'ZoneId=3' \
	    'HostUrl=https://example.invalid/x.pdf' \
	    >"$work/zone.txt"
	printf 'hidden data in a named stream\n' >"$work/hidden.txt"
	prng 8192 00000000000000000000000000000004 >"$work/hidden.bin"

	# -T: zero time, which also seeds the serial number and GUIDs;
	# -p/-H/-S: geometry given so mkntfs does not guess (or warn)
	truncate -s 4M "$img"
	mkntfs -q -F -Q -T -s 512 -c 1024 -p 0 -H 0 -S 0 -L SPOOR-NTFS \
	    "$img" >/dev/null 2>&1
	local t0 t1 f
	t0=$(date +%s)
	(
		export LC_ALL=C.UTF-8
		cd "$d"
		for f in *; do
			ntfscp -q -t "$img" "$f" "$f"
		done
		ntfscp -q -N Zone.Identifier "$img" "$work/zone.txt" report.pdf
		ntfscp -q -N hidden "$img" "$work/hidden.txt" README.txt
		ntfscp -q -N "blob stream" "$img" "$work/hidden.bin" README.txt
	)
	t1=$(date +%s)
	perl "$here/ntfs-fixtimes.pl" "$img" "$t0" "$t1" "$SOURCE_DATE_EPOCH"
	mv "$img" "$out/ntfs.img"
}

# --------------------------------------------------------------------------
# disk-mbr.img, disk-gpt.img: partition tables written by sfdisk into a
# plain file, the fat.img and ext4.img partitions copied in with dd
# --------------------------------------------------------------------------
# Layout in 512-byte sectors (fat.img 4 MiB, ext4.img 8 MiB), 1 MiB aligned
# and 1 MiB free at the end for the GPT backup header:
P1_START=2048
P1_SIZE=8192
P2_START=10240
P2_SIZE=16384
DISK_SECTORS=28672

mk_disk() {
	local label=$1 img=$work/disk-$1.img
	rm -f "$img"
	truncate -s $((DISK_SECTORS * 512)) "$img"
	if [ "$label" = mbr ]; then
		# 0x06 FAT16 (>= 32 MiB CHS... any FAT16 does for TSK), 0x83 Linux
		sfdisk -q --no-reread --no-tell-kernel "$img" <<-EOF
			label: dos
			label-id: $DISK_MBR_ID
			unit: sectors

			start=$P1_START, size=$P1_SIZE, type=6
			start=$P2_START, size=$P2_SIZE, type=83
		EOF
	else
		sfdisk -q --no-reread --no-tell-kernel "$img" <<-EOF
			label: gpt
			label-id: $GPT_DISK_GUID
			unit: sectors
			first-lba: 2048

			start=$P1_START, size=$P1_SIZE, type=$GPT_MSDATA, uuid=$GPT_PART1_GUID, name="spoor fat"
			start=$P2_START, size=$P2_SIZE, type=$GPT_LINUX, uuid=$GPT_PART2_GUID, name="spoor ext4"
		EOF
	fi
	dd if="$out/fat.img" of="$img" bs=512 seek=$P1_START conv=notrunc \
	    status=none
	dd if="$out/ext4.img" of="$img" bs=512 seek=$P2_START conv=notrunc \
	    status=none
	mv "$img" "$out/disk-$label.img"
}

# disk-split.001, .002, ...: disk-mbr.img cut into 4 MiB raw segments
mk_split() {
	rm -f "$out"/disk-split.[0-9][0-9][0-9]
	split -b 4M -d -a 3 --numeric-suffixes=1 "$out/disk-mbr.img" \
	    "$out/disk-split."
}

# disk.E01: disk-mbr.img in EnCase 6 format, uncompressed, fixed case
# metadata. The acquisition and system dates in the header section are the
# real time: ewfacquire has no option to pin them (not reproducible).
mk_e01() {
	rm -f "$out"/disk.E01 "$work"/disk.E01
	ewfacquire -u -q -t "$work/disk" -f encase6 -c none -b 64 \
	    -C SPOOR-CASE-1 -D "spoor test disk (disk-mbr.img)" \
	    -e "spoor testdata" -E EXHIBIT-1 -N "made by testdata/mkimages.sh" \
	    -m fixed -M physical -d sha1 -l "$work/ewfacquire.log" \
	    "$out/disk-mbr.img" >"$work/ewfacquire.out" 2>&1 || {
		cat "$work/ewfacquire.out" >&2
		exit 1
	}
	mv "$work/disk.E01" "$out/disk.E01"
}

# disk.vmdk, disk.vhd (only when qemu-img is installed: package qemu-utils):
# disk-mbr.img as a monolithic sparse VMDK and a dynamic VHD. qemu-img's
# random VMDK CID, VHD time stamp and VHD UUID are pinned by fix-vdisk.pl.
# The VHD's size is rounded up to its CHS geometry (a few sectors more).
mk_vdisk() {
	rm -f "$out/disk.vmdk" "$out/disk.vhd"
	command -v qemu-img >/dev/null 2>&1 || return 0
	# the VMDK descriptor names its own file: build it under its final name
	qemu-img convert -f raw -O vmdk "$out/disk-mbr.img" "$work/disk.vmdk"
	perl "$here/fix-vdisk.pl" vmdk "$work/disk.vmdk" "$SOURCE_DATE_EPOCH"
	qemu-img convert -f raw -O vpc "$out/disk-mbr.img" "$work/disk.vhd"
	perl "$here/fix-vdisk.pl" vhd "$work/disk.vhd" "$SOURCE_DATE_EPOCH"
	mv "$work/disk.vmdk" "$work/disk.vhd" "$out/"
}

# two-fs.img: ext4.img whose boot block (bytes 0..1023, never used by ext4)
# carries fat.img's boot sector, so both an ext4 and a FAT16 superblock are
# valid and TSK cannot pick one ("Cannot determine file system type").
mk_twofs() {
	cp "$out/ext4.img" "$work/two-fs.img"
	dd if="$out/fat.img" of="$work/two-fs.img" bs=512 count=1 \
	    conv=notrunc status=none
	mv "$work/two-fs.img" "$out/two-fs.img"
}

# random.bin: 1 MiB of noise, no file system, no partition table. libmagic
# must see it as "data" (spoor-files reports a single file it recognises as
# that file): the keystream under IV ...01 starts 58 e2, which libmagic takes
# for a zlib header, hence this IV, and the check.
mk_random() {
	prng 1048576 5b00000000000000000000000000000a >"$work/random.bin"
	local what
	what=$(file -b "$work/random.bin")
	if [ "$what" != data ]; then
		echo "$0: random.bin looks like '$what' to libmagic" >&2
		exit 1
	fi
	mv "$work/random.bin" "$out/random.bin"
}

# damaged ext4: cut to half / primary superblock (bytes 1024..2047) zeroed
mk_damaged() {
	local size
	size=$(stat -c %s "$out/ext4.img")
	head -c $((size / 2)) "$out/ext4.img" >"$work/ext4-truncated.img"
	mv "$work/ext4-truncated.img" "$out/ext4-truncated.img"
	cp "$out/ext4.img" "$work/ext4-zerosb.img"
	dd if=/dev/zero of="$work/ext4-zerosb.img" bs=1024 seek=1 count=1 \
	    conv=notrunc status=none
	mv "$work/ext4-zerosb.img" "$out/ext4-zerosb.img"
}

# --------------------------------------------------------------------------
# iso.iso: ISO 9660 with Rock Ridge and Joliet by xorriso. xorriso honours
# SOURCE_DATE_EPOCH: volume dates and UUID from it, atime/ctime of every
# file set to its mtime, "now" pinned.
# -r (not -R): Rock Ridge owner 0:0 and sane modes, whoever builds it.
# --------------------------------------------------------------------------
mk_iso() {
	local d=$work/iso-src
	mk_common "$d"
	# the deleted files only make sense in the writable images
	rm -f "$d/docs/secret.txt" "$d/photos/deleted-video.bin"
	printf 'deep\n' | put "$d/a/b/c/d/deep.txt" '2024-01-10 00:00:08Z'
	ln -s ../docs/report.pdf "$d/photos/link-to-report"
	touch -h -d '2024-01-12 00:00:00Z' "$d/photos/link-to-report"
	fix_dir_times "$d" '2024-01-15 00:00:00Z'
	rm -f "$work/iso.iso"
	LC_ALL=C.UTF-8 xorriso -abort_on FAILURE -return_with SORRY 0 \
	    -report_about SORRY -as mkisofs -r -J -joliet-long \
	    -V SPOOR_ISO -o "$work/iso.iso" "$d" >/dev/null 2>"$work/xorriso.err" || {
		cat "$work/xorriso.err" >&2
		exit 1
	}
	mv "$work/iso.iso" "$out/iso.iso"
}

# --------------------------------------------------------------------------
# logical/: loose evidence (a directory tree, no image). The symlink
# escape-passwd points outside the tree and must never be followed.
# --------------------------------------------------------------------------
mk_logical() {
	local d=$work/logical
	mkdir -p "$d"
	printf 'loose evidence\n' | put "$d/readme.txt" '2024-01-02 03:04:06Z'
	put "$d/photos/holiday.jpg" '2024-02-14 08:30:00Z' "$S/sample.jpg"
	put "$d/photos/wrong-ext.txt" '2024-02-14 08:30:02Z' "$S/sample.png"
	mkdir -p "$d/chat/export"
	mk_msgstore "$d/chat/export/msgstore.db"
	touch -d '2024-03-01 20:15:00Z' "$d/chat/export/msgstore.db"
	put "$d/docs/letter.docx" '2024-01-03 10:00:04Z' "$S/sample.docx"
	: | put "$d/empty.dat" '2024-01-08 00:00:00Z'
	ln -s ../../etc/passwd "$d/escape-passwd"
	ln -s photos/holiday.jpg "$d/link-to-photo"
	touch -h -d '2024-01-12 00:00:00Z' "$d/escape-passwd" "$d/link-to-photo"
	fix_dir_times "$d" '2024-01-15 00:00:00Z'
	rm -rf "$out/logical"
	mv "$d" "$out/logical"
}

mk_logical
mk_ext4
mk_fat
mk_ntfs
mk_iso
mk_disk mbr
mk_disk gpt
mk_split
mk_e01
mk_vdisk
mk_twofs
mk_random
mk_damaged

touch "$out/.stamp"
