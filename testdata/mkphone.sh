#!/bin/bash
# testdata/mkphone.sh OUTDIR: the demo case's evidence, all fictional.
#
#   phone.img     a phone-like disk: GPT with an ext4 "userdata" partition
#                 (WhatsApp msgstore.db + wa.db, mmssms.db with an MMS part
#                 file, contacts2.db, calllog.db, as Android lays them out)
#                 and a FAT "sdcard" partition (WhatsApp media, camera
#                 pictures, a JPEG named .pdf, and a harmless picture whose
#                 hash is in the demo known-bad set)
#   export/WhatsApp-chat met Mark.zip
#                 a WhatsApp "Export chat" (Dutch, Android layout) handed
#                 in by the reporting parent, Ingrid Bakker, with a picture
#   export/snapchat-mydata.zip
#                 the daughter's Snapchat "My Data" download (newer layout:
#                 json/chat_history.json with "mark_2009", a picture in
#                 chat_media/, friends.json, account.json)
#   demo-known-bad.sha256
#                 a sha256sum list holding the harmless picture's hash
#                 (stands in for a Project VIC set; no real material)
#   reporter.txt  the parent's identifiers, to pseudonymise in the report
#
# The databases come from testdata/mkartifacts.sh; the parent also appears
# on the phone (contact "Mama") so pseudonymisation has work to do.
# Reproducible: fixed times, UUIDs and FAT serial.
set -euo pipefail
export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=1710446400
PATH=$PATH:/usr/sbin:/sbin

out=${1:?usage: mkphone.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "$out/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

for tool in perl sqlite3 mkfs.ext4 mkfs.fat mcopy mmd sfdisk sha256sum; do
	command -v "$tool" > /dev/null ||
		{ echo "mkphone.sh: $tool is missing (make deps)" >&2; exit 1; }
done

PARENT_NAME="Ingrid Bakker"
PARENT_PHONE="+31611122233"
SUSPECT_PHONE="+31612345001"	# "Daan de Vries" of the fixtures

# ---- the databases ----
bash "$here/mkartifacts.sh" "$work/art" > /dev/null
perl "$here/mksamples.pl" "$(mkdir -p "$work/s" && echo "$work/s")"

data=$work/userdata
mkdir -p "$data"
cp -a "$work/art/modern/data/data" "$data/"
cp -a "$work/art/android/data/." "$data/"
# the parent is on the phone as "Mama"
sqlite3 -bail "$data/data/com.android.providers.contacts/databases/contacts2.db" <<EOF
INSERT INTO raw_contacts VALUES (10, 1, 10, 'Mama', 0);
INSERT INTO data (_id, raw_contact_id, mimetype_id, data1, data2, data3, data4) VALUES
 (100, 10, 1, 'Mama', NULL, NULL, NULL),
 (101, 10, 2, '06-11122233', '2', NULL, '$PARENT_PHONE');
EOF

# ---- the sdcard ----
sd=$work/sdcard
media="$sd/WhatsApp/Media/WhatsApp Images"
mkdir -p "$media" "$sd/DCIM/Camera" "$sd/Download" "$sd/Pictures"
cp -a "$work/art/modern/sdcard/WhatsApp/." "$sd/WhatsApp/"
# distinct pictures: the same tiny images with different trailing bytes
# (still what libmagic calls them)
picture() { { cat "$1"; printf '%s' "$2"; } > "$3"; }
picture "$work/s/sample.jpg" "camera-1" "$sd/DCIM/Camera/IMG_20240301_101500.jpg"
picture "$work/s/sample.jpg" "camera-2" "$sd/DCIM/Camera/IMG_20240302_164000.jpg"
picture "$work/s/sample.png" "screenshot" "$sd/Pictures/Screenshot_20240314.png"
# a JPEG that calls itself a PDF
picture "$work/s/sample.jpg" "hidden" "$sd/Download/huiswerk.pdf"
# harmless, but its hash is in the demo known-bad set
picture "$work/s/sample.png" "demo-flagged" "$sd/Pictures/sticker.png"
sha256sum "$sd/Pictures/sticker.png" | sed 's|  .*|  sticker.png|' \
	> "$out/demo-known-bad.sha256"
find "$data" "$sd" -exec touch -h -d @1710446400 {} +

# ---- file systems and the disk ----
# sectors: userdata 24 MiB at 1 MiB, sdcard 8 MiB after it, 1 MiB spare
P1_START=2048 P1_SIZE=49152
P2_START=51200 P2_SIZE=16384
DISK_SECTORS=68608
mkfs.ext4 -q -F -b 4096 -N 256 -m 0 -L userdata \
	-U 5b00d15c-0000-4000-8000-00000000da7a \
	-E root_owner=0:0,hash_seed=5b00d15c-0000-4000-8000-000000000000 \
	-d "$data" "$work/userdata.img" $((P1_SIZE / 8)) > /dev/null
truncate -s $((P2_SIZE * 512)) "$work/sdcard.img"
mkfs.fat -F 16 -s 1 -n SDCARD --invariant -i 5D0CA4D0 "$work/sdcard.img" \
	> /dev/null
(cd "$sd" && find . -mindepth 1 -type d | sort | sed 's|^\./||' |
	while IFS= read -r d; do mmd -i "$work/sdcard.img" "::/$d"; done
 cd "$sd" && find . -type f | sort | sed 's|^\./||' |
	while IFS= read -r f; do mcopy -m -i "$work/sdcard.img" "$f" "::/$f"; done)

img=$work/phone.img
truncate -s $((DISK_SECTORS * 512)) "$img"
sfdisk -q --no-reread --no-tell-kernel "$img" <<EOF
label: gpt
label-id: 5B00D15C-0000-4000-8000-0000000000A0
unit: sectors
first-lba: 2048

start=$P1_START, size=$P1_SIZE, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=5B00D15C-0000-4000-8000-0000000000A1, name="userdata"
start=$P2_START, size=$P2_SIZE, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, uuid=5B00D15C-0000-4000-8000-0000000000A2, name="sdcard"
EOF
dd if="$work/userdata.img" of="$img" bs=512 seek=$P1_START conv=notrunc status=none
dd if="$work/sdcard.img" of="$img" bs=512 seek=$P2_START conv=notrunc status=none
mv "$img" "$out/phone.img"

# ---- the parent's export ----
ex=$work/export
mkdir -p "$ex" "$out/export"
cat > "$ex/WhatsApp-chat met Mark.txt" <<EOF
14-03-2024 22:01 - Berichten en oproepen zijn end-to-end versleuteld.
14-03-2024 22:02 - $PARENT_NAME: Wie ben jij en waarom stuur je mijn dochter berichten?
14-03-2024 22:05 - Mark: Gewoon een vriend van school
14-03-2024 22:06 - $PARENT_NAME: Ze is 13. Laat haar met rust.
14-03-2024 22:07 - Mark: IMG-20240314-WA0007.jpg (bestand bijgevoegd)
14-03-2024 22:08 - $PARENT_NAME: Ik ga naar de politie.
EOF
picture "$work/s/sample.jpg" "export-1" "$ex/IMG-20240314-WA0007.jpg"
touch -d @1710446400 "$ex"/*
perl -MIO::Compress::Zip=zip,:zip_method -e '
	chdir $ARGV[0] or die;
	zip [ "WhatsApp-chat met Mark.txt", "IMG-20240314-WA0007.jpg" ]
		=> $ARGV[1], Method => ZIP_CM_DEFLATE, Time => 1710446400
		or die "zip failed\n";' "$ex" "$out/export/WhatsApp-chat met Mark.zip"

# ---- the daughter's Snapchat download ----
sc=$work/snapchat
mkdir -p "$sc/json" "$sc/chat_media"
snap() {	# FROM TYPE "YYYY-MM-DD HH:MM:SS" EPOCH-MS IS-SENDER TEXT [IDS]
	printf '    {"From": "%s", "Media Type": "%s", "Created": "%s UTC", ' \
		"$1" "$2" "$3"
	printf '"Content": "%s", "Conversation Title": null, "IsSender": %s, ' \
		"$6" "$5"
	printf '"Created(microseconds)": %s, "IsSaved": true, "Media IDs": "%s"}' \
		"$4" "${7:-}"
}
{
	echo '{'
	echo '  "mark_2009": ['
	snap mark_2009 TEXT "2024-03-13 19:30:00" 1710358200000 false \
		"Hoi Lieve, je bent echt mooi. Hoe oud ben je?"; echo ,
	snap lieve_b13 TEXT "2024-03-13 19:31:10" 1710358270000 true \
		"13, hoezo?"; echo ,
	snap mark_2009 TEXT "2024-03-13 19:33:00" 1710358380000 false \
		"Niet aan je ouders vertellen dat we praten ok?"; echo ,
	snap mark_2009 MEDIA "2024-03-13 19:35:00" 1710358500000 false "" \
		"b~DemoMark0001"; echo
	echo '  ]'
	echo '}'
} > "$sc/json/chat_history.json"
cat > "$sc/json/account.json" <<'EOF2'
{"Basic Information": {"Username": "lieve_b13", "Name": "Lieve", "Creation Date": "2023-09-01 15:00:00 UTC"}}
EOF2
cat > "$sc/json/friends.json" <<'EOF2'
{"Friends": [{"Username": "mark_2009", "Display Name": "Mark", "Creation Timestamp": "2024-03-10 18:00:00 UTC", "Last Modified Timestamp": "2024-03-10 18:00:00 UTC", "Source": "Added by Quick Add"}]}
EOF2
picture "$work/s/sample.jpg" "snap-1" "$sc/chat_media/2024-03-13_b~DemoMark0001.jpg"
touch -d @1710446400 "$sc"/json/* "$sc"/chat_media/*
perl -MIO::Compress::Zip=zip,:zip_method -e '
	chdir $ARGV[0] or die;
	zip [ "json/account.json", "json/chat_history.json", "json/friends.json",
	      "chat_media/2024-03-13_b~DemoMark0001.jpg" ]
		=> $ARGV[1], Method => ZIP_CM_DEFLATE, Time => 1710446400
		or die "zip failed\n";' "$sc" "$out/export/snapchat-mydata.zip"

printf 'name\t%s\nphone\t%s\nsuspect\t%s\n' "$PARENT_NAME" "$PARENT_PHONE" \
	"$SUSPECT_PHONE" > "$out/reporter.txt"
