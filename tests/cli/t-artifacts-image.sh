#!/bin/bash
# t-artifacts-image: a file-system image as evidence of spoor-artifacts.
# The fixtures of testdata/mkartifacts.sh (WhatsApp msgstore.db, wa.db,
# media) are put into an ext4 image (mkfs.ext4 -d, no mounting) and a
# FAT image (mtools), and into an MBR disk with two partitions; the
# records from each image must equal those from the directory, apart
# from "exhibit" (the evidence's name), and with two file systems the
# paths carry a "p<N>/" partition prefix.  Image hashes are unchanged.
. "$(dirname "$0")/lib.sh"
need perl sqlite3 sha256sum mkfs.ext4
: "${SPOOR_PLUGIN_PATH:=$SPOOR_BUILD/plugins}"
export SPOOR_PLUGIN_PATH
[ -f "$SPOOR_PLUGIN_PATH/whatsapp-android.so" ] ||
	skip_all "whatsapp-android.so not built"
F=$T/fx
bash "$SPOOR_SRC/testdata/mkartifacts.sh" "$F" > /dev/null
ok $? "fixtures generated"
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"
ev=$F/modern

# without provenance that names the evidence itself
strip() { sed 's/"exhibit":"[^"]*",//' "$1"; }

run_rc 0 "directory" spoor-artifacts --plugin=whatsapp-android "$ev"
strip "$T/out" > "$T/dir.jsonl"
[ "$(wc -l < "$T/dir.jsonl")" -gt 10 ]
ok $? "directory gives records"

# 4 KiB blocks: libtsk 4.11 cannot read some files that mke2fs -d
# stores with holes in a 1 KiB-block ext4 ("No filler entry")
mkfs.ext4 -q -b 4096 -d "$ev" "$T/ext4.img" 16M > /dev/null
ok $? "ext4 image made"
h0=$(sha256sum < "$T/ext4.img")
run_rc 0 "ext4 image" spoor-artifacts --plugin=whatsapp-android \
	"$T/ext4.img"
strip "$T/out" > "$T/img.jsonl"
diff_ok "$T/img.jsonl" "$T/dir.jsonl" "ext4 image: same records as the directory"
grep -q '"exhibit":"ext4.img"' "$T/out"
ok $? "exhibit names the image"
grep -q "0 not understood, 0 failed" "$T/err"
ok $? "every database understood"
is "$(sha256sum < "$T/ext4.img")" "$h0" "ext4 image unchanged"

if command -v mkfs.fat > /dev/null && command -v mcopy > /dev/null; then
	mkfs.fat -C "$T/fat.img" 16384 > /dev/null
	ok $? "FAT image made"
	(cd "$ev" && MTOOLS_SKIP_CHECK=1 mcopy -s -i "$T/fat.img" ./* ::/)
	ok $? "fixtures copied with mtools"
	h0=$(sha256sum < "$T/fat.img")
	run_rc 0 "FAT image" spoor-artifacts --plugin=whatsapp-android \
		"$T/fat.img"
	strip "$T/out" > "$T/img.jsonl"
	diff_ok "$T/img.jsonl" "$T/dir.jsonl" \
		"FAT image: same records as the directory"
	is "$(sha256sum < "$T/fat.img")" "$h0" "FAT image unchanged"
else
	skip "mkfs.fat or mtools missing"
fi

# two partitions: paths prefixed with the partition address
if command -v sfdisk > /dev/null; then
	truncate -s 40M "$T/disk.img"
	printf 'start=2048, size=32768, type=83\nstart=34816, size=32768, type=83\n' |
		sfdisk -q "$T/disk.img" > /dev/null 2>&1
	dd if="$T/ext4.img" of="$T/disk.img" bs=512 seek=2048 conv=notrunc \
		status=none
	dd if="$T/ext4.img" of="$T/disk.img" bs=512 seek=34816 \
		conv=notrunc status=none
	h0=$(sha256sum < "$T/disk.img")
	run_rc 0 "disk with two partitions" spoor-artifacts \
		--plugin=whatsapp-android --type=contact "$T/disk.img"
	jsonl_fields "$T/out" source_path | sort | uniq -c |
		awk '{print $1, $2}' > "$T/got"
	cat > "$T/want" <<'EOF2'
4 p2/data/data/com.whatsapp/databases/wa.db
4 p3/data/data/com.whatsapp/databases/wa.db
EOF2
	diff_ok "$T/got" "$T/want" "both partitions read, paths prefixed"
	is "$(sha256sum < "$T/disk.img")" "$h0" "disk image unchanged"
else
	skip "sfdisk missing"
fi

# not an image: a regular file is still a single file or an archive
run_rc 0 "plain database file" spoor-artifacts --plugin=whatsapp-android \
	"$ev/data/data/com.whatsapp/databases/wa.db"
is "$(wc -l < "$T/out")" 4 "a database file is one file, not an image"
is "$(find "$TMPDIR" -mindepth 1 | wc -l)" 0 "no temporary files left"
done_testing
