#!/bin/bash
# t-artifacts-text: spoor-artifacts --format=text says who said what, for
# every plugin, on the fixtures the other t-artifacts-*.sh tests build
# (testdata/mkartifacts.sh, mkexports.sh, mkios.sh, mkapps.py,
# mkdownloads.sh; whatsapp-txt and example written here).  For each,
# tests/cli/oracle/text-view.py reads the plugin's own JSON Lines with
# python's json and checks that the text view of the same run shows every
# message's time, direction, sender and text, every call's direction and
# duration, every attachment and location, contacts' names and numbers,
# every other field's value, one title per conversation with each
# message under its own chat even when chats interleave, and no U+FFFC.
. "$(dirname "$0")/lib.sh"
need python3 sqlite3 sha256sum
: "${SPOOR_PLUGIN_PATH:=$SPOOR_BUILD/plugins}"
export SPOOR_PLUGIN_PATH
[ -f "$SPOOR_PLUGIN_PATH/ios-sms.so" ] || skip_all "plugins not built"
export TMPDIR=$T/tmp
F=$T/fx
mkdir -p "$TMPDIR" "$F/a" "$F/x" "$F/i" "$F/p" "$F/d"
bash "$SPOOR_SRC/testdata/mkartifacts.sh" "$F/a" > /dev/null &&
bash "$SPOOR_SRC/testdata/mkexports.sh" "$F/x" > /dev/null &&
bash "$SPOOR_SRC/testdata/mkios.sh" "$F/i" > /dev/null &&
python3 "$SPOOR_SRC/testdata/mkapps.py" "$F/p" > /dev/null &&
bash "$SPOOR_SRC/testdata/mkdownloads.sh" "$F/d" > /dev/null
ok $? "fixtures generated"

# whatsapp-txt: an export with an attachment next to it; example: a note
mkdir -p "$F/txt" "$F/ex"
cat > "$F/txt/WhatsApp-chat met Daan.txt" <<'TXT'
14-03-2024 21:07 - Daan: Hoi, ben je er?
14-03-2024 21:08 - Sanne: Ja
tweede regel
14-03-2024 21:09 - Daan: IMG-20240314-WA0003.jpg (bestand bijgevoegd)
bijschrift
14-03-2024 21:10 - Daan: locatie: https://maps.google.com/?q=52.3731,4.8922
TXT
printf '\xff\xd8\xff\xe0 jpeg' > "$F/txt/IMG-20240314-WA0003.jpg"
printf 'eerste regel\n' > "$F/ex/example.txt"

# iOS writes U+FFFC where an attachment sits in the text: a copy of the
# sms.db fixture with two in the message that has two attachments
cp -a "$F/i/tree" "$F/fffc"
db=$(find "$F/fffc" -name sms.db)
sqlite3 "$db" "UPDATE message SET text = 'Foto ' || char(65532) ||
	' en ' || char(65532) || ' klaar' WHERE ROWID = 5"
ok $? "sms.db copy with U+FFFC in a message"

ev_sha() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
ev_sha "$F" > "$T/before"

# check PLUGIN EVIDENCE [spoor options]: JSON Lines and text of one run
check() {
	p=$1 ev=$2
	shift 2
	spoor-artifacts -q --plugin="$p" "$@" "$ev" > "$T/$p.jsonl" \
		2> "$T/err"
	rc=$?
	spoor-artifacts -q --format=text --plugin="$p" "$@" "$ev" \
		> "$T/$p.txt" 2> "$T/err"
	is "$?" "$rc" "$p: text view exits like JSON Lines ($rc)"
	n=$(grep -c . "$T/$p.jsonl")
	[ "$n" -gt 0 ]
	ok $? "$p: $n records"
	mkdir -p "$T/probs/$p"
	me=
	for o in "$@"; do
		case $o in --me=*) me=${o#--me=} ;; esac
	done
	python3 "$SPOOR_SRC/tests/cli/oracle/text-view.py" "$T/$p.jsonl" \
		"$T/$p.txt" "$T/probs/$p" $me
	ok $? "$p: oracle ran"
	for c in records fields headers fffc; do
		is "$(head -c 600 "$T/probs/$p/$c" 2> /dev/null)" "" \
			"$p: $c"
	done
}

check android-sms "$F/a/android"
check android-contacts "$F/a/android"
check android-calllog "$F/a/android"
check whatsapp-android "$F/a/modern"
for p in discord-android discord-ios instagram-android instagram-ios \
    snapchat-android snapchat-ios telegram-android tiktok-android tiktok-ios
do
	check $p "$F/p/folders/$p"
done
check snapchat-export "$F/d/snapchat"
check instagram-export "$F/d/instagram"
check messenger-export "$F/d/messenger"
check tiktok-export "$F/d/tiktok"
check discord-export "$F/d/discord"
check telegram-export "$F/x/telegram"
check sms-backup-restore "$F/x/sbr"
check vcard "$F/x/vcf"
check whatsapp-ios "$F/x/wa-ios"
check ios-sms "$F/i/tree"
check ios-contacts "$F/i/tree"
check ios-callhistory "$F/i/tree"
check whatsapp-txt "$F/txt" --me=Sanne --tz=Europe/Amsterdam
check example "$F/ex"

# every plugin --list-plugins names is covered above
spoor-artifacts --list-plugins | cut -f1 | grep -v '^ios-backup$' |
	sort > "$T/plugins"
ls "$T/probs" | sort > "$T/checked"
diff_ok "$T/checked" "$T/plugins" "a text view check for every plugin"

# ---- what the issue found ----
# SMS Backup & Restore: sender, and outgoing ones as the owner
grep -q '^\[2024-03-14T20:07:41Z\] message incoming Daan de Vries (+31612345001): Hoi, ben je er?$' \
	"$T/sms-backup-restore.txt"
ok $? "SBR: incoming SMS names the sender"
grep -q '^\[2024-03-14T20:08:20Z\] message outgoing me \[owner\] to Daan de Vries (+31612345001, 0612345001): Ja & nee$' \
	"$T/sms-backup-restore.txt"
ok $? "SBR: outgoing SMS as the owner, to the other party"
# calls: direction, duration, answered
grep -q '^\[2024-03-14T19:53:20Z\] call incoming Daan de Vries (+31612345001): duration 1:05 (65 s), result answered$' \
	"$T/sms-backup-restore.txt"
ok $? "SBR: call with direction, duration and result"
grep -q '^\[2024-03-14T20:46:40Z\] call incoming Emma Brown (+447400123456, 447400123456@s.whatsapp.net): video, duration 0:00 (0 s), result missed$' \
	"$T/whatsapp-ios.txt"
ok $? "WhatsApp iOS: missed video call"
# locations with coordinates
grep -q '^    \[location: 52.3731000, 4.8922000\]$' "$T/whatsapp-ios.txt"
ok $? "WhatsApp iOS: location with its coordinates"

# U+FFFC replaced by the attachment it stands for, in place
check ios-sms "$F/fffc"
grep -q 'message outgoing me \[owner\] to sanne@example.nl, +447400123456: Foto \[attachment: image/jpeg, IMG_0001.jpg, sha256 97f6ce5ced2c, 30 bytes; .*\] en \[attachment: image/jpeg, IMG_0002.jpg, 999 bytes, file not found; .*\] klaar$' \
	"$T/ios-sms.txt"
ok $? "iOS: each U+FFFC replaced by its attachment, in order"
if grep -q $'\xef\xbf\xbc' "$T/ios-sms.txt"; then r=1; else r=0; fi
ok $r "iOS: no U+FFFC left in the text view"

# interleaved chats: one title each, the late message under its own
grep -c '^== conversation +31612345001 (chat SMS;-;+31612345001), individual ==$' \
	"$T/ios-sms.txt" > "$T/n"
is "$(cat "$T/n")" 1 "iOS: the interleaved chat has one title"
is "$(grep -v '^    |' "$T/ios-sms.txt" |
	sed -n '/^== conversation +31612345001/,/^== /p' |
	grep -o 'Hoi, ben je er?\|Ja, hier\|Verwijder dit' | tr '\n' '|')" \
	"Hoi, ben je er?|Ja, hier|Verwijder dit|" \
	"iOS: rowid 7 (after the group chat's rows) under its own chat"
# the title names the other party and the source
grep -A2 '^== conversation Daan de Vries (chat 31612345001@s.whatsapp.net)' \
	"$T/whatsapp-ios.txt" | grep -q '^   participants: Daan de Vries (+31612345001, 31612345001@s.whatsapp.net); me \[owner\]$'
ok $? "WhatsApp iOS: the header names both parties"
grep -A1 '^== conversation Daan de Vries (chat 31612345001@s.whatsapp.net)' \
	"$T/whatsapp-ios.txt" | grep -q "^   source: whatsapp-ios (whatsapp), exhibit wa-ios, .*ChatStorage.sqlite, sha256 $(sha256sum < "$(find "$F/x/wa-ios" -name ChatStorage.sqlite)" | cut -c1-64)$"
ok $? "WhatsApp iOS: the header names the source and its SHA-256 (sha256sum)"
# --me names the owner
grep -q '^\[2024-03-14T20:08:00Z, local 2024-03-14T21:08:00\] message outgoing me \[Sanne\]: Ja$' \
	"$T/whatsapp-txt.txt"
ok $? "WhatsApp export: UTC and local time, the owner by --me"
# recovered rows marked
python3 "$SPOOR_SRC/testdata/mkrecover.py" "$T/rec" > /dev/null
spoor-artifacts -q --format=text --plugin=android-sms "$T/rec/sms" \
	> "$T/rec.txt"
grep -c '\[deleted, recovered: \|\[only in the WAL\]\|\[deleted, still in the main file\]' \
	"$T/rec.txt" > "$T/n"
spoor-artifacts -q --plugin=android-sms "$T/rec/sms" |
	grep -c '"recovered_from":"' > "$T/m"
is "$(cat "$T/n")" "$(cat "$T/m")" "recovered rows: each one marked ($(cat "$T/m"))"

# hostile: a contact name of 5000 bytes, an escape sequence in a text
mkdir -p "$T/hostile"
{
	echo "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>"
	echo '<smses count="1">'
	printf '<sms protocol="0" address="+31612345009" date="1710446861000" type="1" body="weg" read="1" contact_name="%s" />\n' \
		"$(printf 'é%.0s' $(seq 2500))"
	echo '</smses>'
} > "$T/hostile/sms-1.xml"
run_rc 0 "hostile backup" spoor-artifacts --format=text \
	--plugin=sms-backup-restore "$T/hostile"
grep '^   participants: ' "$T/out" | awk '{ print length($0) }' > "$T/n"
[ "$(cat "$T/n")" -lt 300 ]
ok $? "a 5000-byte name is cut in the header ($(cat "$T/n") bytes)"
grep -q '^   participants: \(é\)*\.\.\.$' "$T/out"
ok $? "  on a character boundary, with ..."
printf '14-03-2024 21:08 - Daan: \033[2Jweg\n' \
	> "$T/hostile/WhatsApp-chat met Daan.txt"
run_rc 0 "hostile export" spoor-artifacts --format=text \
	--plugin=whatsapp-txt "$T/hostile"
grep -q '^\[2024-03-14T21:08:00 local, zone-unknown\] message unknown Daan: \\x1b\[2Jweg$' "$T/out"
ok $? "an escape byte in a message is shown as \\x1b"

# output errors and evidence untouched
run_rc 4 "text view to a full disk" spoor-artifacts --format=text \
	--plugin=ios-sms -o /dev/full "$F/i/tree"
ev_sha "$F" > "$T/after"
diff_ok "$T/after" "$T/before" "evidence unchanged (sha256sum before and after)"
done_testing
