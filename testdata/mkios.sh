#!/bin/bash
# mkios.sh OUTDIR: iPhone fixtures for spoor-artifacts tests (ios-backup
# source, ios-sms, ios-contacts, ios-callhistory).
#
#   OUTDIR/tree/        a file-system extraction: private/var/mobile/...
#   OUTDIR/backup/      the same files as an iTunes/Finder backup:
#                       Manifest.db (fileID = sha1(domain-relativePath)),
#                       files at xx/<fileID>, binary Info.plist,
#                       Manifest.plist, Status.plist
#   OUTDIR/flat/        the same backup with the files in the root
#   OUTDIR/domains/     the same files as domain/relativePath folders
#   OUTDIR/encrypted/   Manifest.plist IsEncrypted, Manifest.db not SQLite
#   OUTDIR/notdb/       Manifest.db that is not SQLite
#   OUTDIR/paths/       Files rows with "../../x", a bad fileID, a missing
#                       file, a second row for sms.db's device path
#                       (MediaDomain), plus one good row
#   OUTDIR/hugeplist/   a 9 MiB Info.plist and a garbage Manifest.plist
#   OUTDIR/deepplist/   an XML Info.plist nested 100000 levels deep
#   OUTDIR/legacy/      a pre-iOS 6 sms.db (message.address/flags/madrid)
#   OUTDIR/expect/      values the tests compare with (from this script)
#
# Databases are made with sqlite3 from the real DDL (schema dumps in
# $SPOOR_SAMPLES/schemas: CREATE TABLE/INDEX only, the triggers call
# Apple's functions) or, without it, the reduced DDL below; the
# CallHistory.storedata DDL is written from docs/artifacts.md 3.11 (no
# dump available).  attributedBody blobs are written here byte by byte
# in the typedstream layout.  Personas are fictional (Daan de Vries,
# Sanne Jansen, Lotte Bakker, Emma Brown).
set -eu
out=${1:?usage: mkios.sh OUTDIR}
src=$(cd "$(dirname "$0")/.." && pwd)
: "${SPOOR_SAMPLES:=$src/../shared/samples}"
schemas=$SPOOR_SAMPLES/schemas
for c in sqlite3 plistutil perl sha1sum; do
	command -v $c >/dev/null || { echo "mkios: $c missing" >&2; exit 1; }
done

rm -rf "$out"
mkdir -p "$out/tree" "$out/expect"
M=$out/tree/private/var/mobile

# ddl NAME: CREATE TABLE/INDEX statements of a schema dump, or ours.
ddl() {
	if [ -f "$schemas/$1.sql" ]; then
		grep '^CREATE TABLE\|^CREATE INDEX\|^CREATE UNIQUE INDEX' \
			"$schemas/$1.sql" | grep -v 'sqlite_sequence\|sqlite_stat'
		return
	fi
	case $1 in
	ios_sms_db_ios12) cat <<'EOF'
CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT, service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT);
CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER, state INTEGER, account_id TEXT, properties BLOB, chat_identifier TEXT, service_name TEXT, room_name TEXT, account_login TEXT, is_archived INTEGER DEFAULT 0, last_addressed_handle TEXT, display_name TEXT, group_id TEXT);
CREATE TABLE chat_handle_join (chat_id INTEGER, handle_id INTEGER, UNIQUE(chat_id, handle_id));
CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER, message_date INTEGER DEFAULT 0, PRIMARY KEY (chat_id, message_id));
CREATE TABLE message_attachment_join (message_id INTEGER, attachment_id INTEGER, UNIQUE(message_id, attachment_id));
CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT, handle_id INTEGER DEFAULT 0, attributedBody BLOB, service TEXT, account TEXT, date INTEGER, date_read INTEGER, date_delivered INTEGER, is_from_me INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0, error INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0, item_type INTEGER DEFAULT 0, group_action_type INTEGER DEFAULT 0, associated_message_guid TEXT, associated_message_type INTEGER DEFAULT 0);
CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, created_date INTEGER DEFAULT 0, filename TEXT, uti TEXT, mime_type TEXT, transfer_name TEXT, total_bytes INTEGER DEFAULT 0, is_outgoing INTEGER DEFAULT 0, original_guid TEXT UNIQUE NOT NULL);
EOF
		;;
	ios_AddressBook_josh_ios15) cat <<'EOF'
CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, First TEXT, Last TEXT, Middle TEXT, Organization TEXT, Note TEXT, Birthday TEXT, Nickname TEXT, CreationDate INTEGER, ModificationDate INTEGER, DisplayName TEXT, guid TEXT NOT NULL, UNIQUE(guid));
CREATE TABLE ABMultiValue (UID INTEGER PRIMARY KEY, record_id INTEGER, property INTEGER, identifier INTEGER, label INTEGER, value TEXT, guid TEXT NOT NULL, UNIQUE(guid));
CREATE TABLE ABMultiValueLabel (value TEXT, UNIQUE(value));
CREATE TABLE ABMultiValueEntry (parent_id INTEGER, key INTEGER, value TEXT, UNIQUE(parent_id, key));
CREATE TABLE ABMultiValueEntryKey (value TEXT, UNIQUE(value));
EOF
		;;
	esac
}

hex() { perl -e 'print unpack("H*", $ARGV[0])' "$1"; }

# ts TEXT: an attributedBody blob (hex) holding TEXT as NSArchiver writes
# an NSAttributedString: header, class chain, '+' type, length (one byte
# below 0x80, else 0x81 and a little-endian uint16), UTF-8 bytes, then
# the attribute run dictionary.
ts() {
	perl -e '
		my $t = $ARGV[0];
		utf8::encode($t) if utf8::is_utf8($t);
		my $len = length($t);
		my $l = $len < 0x80 ? chr($len) : "\x81" . pack("v", $len);
		my $b = "\x04\x0bstreamtyped\x81\xe8\x03\x84\x01\x40\x84\x84\x84"
		  . "\x12NSAttributedString\x00\x84\x84\x08NSObject\x00\x85\x92"
		  . "\x84\x84\x84\x08NSString\x01\x94\x84\x01\x2b" . $l . $t
		  . "\x86\x84\x02iI\x01" . chr($len < 0x80 ? $len : 0x7f)
		  . "\x92\x84\x84\x84\x0cNSDictionary\x00\x94\x84\x01i\x01\x92"
		  . "\x84\x96\x96\x1d__kIMMessagePartAttributeName\x86\x92\x84"
		  . "\x84\x84\x08NSNumber\x00\x84\x84\x07NSValue\x00\x94\x84\x01"
		  . "*\x84\x99\x99\x00\x86\x86\x86";
		print unpack("H*", $b);' "$1"
}

# Cocoa seconds (since 2001-01-01 UTC) of a Unix time.
cocoa() { echo $(($1 - 978307200)); }
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }

# ---- sms.db ----
mkdir -p "$M/Library/SMS/Attachments/ab/12/A1B2C3D4-0001"
att=Library/SMS/Attachments/ab/12/A1B2C3D4-0001/IMG_0001.jpg
printf '\377\330\377\340fictional jpeg of a beach\n' > "$M/$att"
att_size=$(stat -c %s "$M/$att")
long="Lange tekst: $(printf 'we zien elkaar zaterdag om tien uur bij het station, neem je fiets mee %.0s' 1 2)"
printf '%s' "$long" > "$out/expect/long.txt"
t1=1710446861 t2=1710446900 t3=1710447000 t4=1710447100 t5=1710447200
t6=1710447300 t7=1710447400 td=1710447500
{
	ddl ios_sms_db_ios12
	cat <<EOF
CREATE TABLE IF NOT EXISTS chat_recoverable_message_join (chat_id INTEGER, message_id INTEGER, delete_date INTEGER, ck_sync_state INTEGER DEFAULT 0, PRIMARY KEY (chat_id, message_id));
INSERT INTO handle (ROWID, id, country, service) VALUES
 (1, '+31612345001', 'nl', 'SMS'),
 (2, 'sanne@example.nl', 'nl', 'iMessage'),
 (3, '+447400123456', 'gb', 'iMessage');
INSERT INTO chat (ROWID, guid, style, chat_identifier, service_name, display_name) VALUES
 (1, 'SMS;-;+31612345001', 45, '+31612345001', 'SMS', ''),
 (2, 'iMessage;+;chat100200300', 43, 'chat100200300', 'iMessage', 'Weekend');
INSERT INTO chat_handle_join VALUES (1, 1), (2, 2), (2, 3);
INSERT INTO message (ROWID, guid, text, handle_id, attributedBody, service, date, date_read, is_from_me, associated_message_guid, associated_message_type) VALUES
 (1, 'M-0001', 'Hoi, ben je er?', 1, NULL, 'SMS', $(cocoa $t1), 0, 0, NULL, 0),
 (2, 'M-0002', 'Ja, hier', 1, NULL, 'SMS', $(cocoa $t2)000000000, $(cocoa $t2), 1, NULL, 0),
 (3, 'M-0003', NULL, 2, X'$(ts 'Zie je zaterdag')', 'iMessage', $(cocoa $t3)000000000, 0, 0, NULL, 0),
 (4, 'M-0004', NULL, 3, X'$(ts "$long")', 'iMessage', $(cocoa $t4)000000000, 0, 0, NULL, 0),
 (5, 'M-0005', 'Foto', 0, NULL, 'iMessage', $(cocoa $t5)000000000, 0, 1, NULL, 0),
 (6, 'M-0006', 'Loved “Zie je zaterdag”', 3, NULL, 'iMessage', $(cocoa $t6)000000000, 0, 0, 'p:0/M-0003', 2000),
 (7, 'M-0007', 'Verwijder dit', 1, NULL, 'SMS', $(cocoa $t7)000000000, 0, 0, NULL, 0);
INSERT INTO chat_message_join (chat_id, message_id) VALUES (1, 1), (1, 2), (2, 3), (2, 4), (2, 5), (2, 6);
INSERT INTO chat_recoverable_message_join (chat_id, message_id, delete_date) VALUES (1, 7, $(cocoa $td));
INSERT INTO attachment (ROWID, guid, filename, mime_type, transfer_name, total_bytes, original_guid) VALUES
 (1, 'AT-1', '~/$att', 'image/jpeg', 'IMG_0001.jpg', $att_size, 'AT-1'),
 (2, 'AT-2', '~/Library/SMS/Attachments/cd/34/GONE-0002/IMG_0002.jpg', 'image/jpeg', 'IMG_0002.jpg', 999, 'AT-2');
INSERT INTO message_attachment_join VALUES (5, 1), (5, 2);
EOF
} | sqlite3 "$M/Library/SMS/sms.db"

# expected messages: rowid direction sender/recipient (as stored; a sent
# group message goes to the chat's participants) text time unit source
cat > "$out/expect/sms.tsv" <<EOF
1	incoming	+31612345001	Hoi, ben je er?	$(iso $t1)	cocoa_s	text
2	outgoing	+31612345001	Ja, hier	$(iso $t2)	cocoa_ns	text
3	incoming	sanne@example.nl	Zie je zaterdag	$(iso $t3)	cocoa_ns	attributedBody
4	incoming	+447400123456	$long	$(iso $t4)	cocoa_ns	attributedBody
5	outgoing	sanne@example.nl, +447400123456	Foto	$(iso $t5)	cocoa_ns	text
6	incoming	+447400123456	Loved “Zie je zaterdag”	$(iso $t6)	cocoa_ns	text
7	incoming	+31612345001	Verwijder dit	$(iso $t7)	cocoa_ns	text
EOF
echo "$(iso $td)" > "$out/expect/deleted_time"

# ---- AddressBook.sqlitedb ----
mkdir -p "$M/Library/AddressBook"
{
	ddl ios_AddressBook_josh_ios15
	cat <<EOF
INSERT INTO ABPerson (ROWID, First, Last, Organization, Nickname, CreationDate, guid) VALUES
 (1, 'Daan', 'de Vries', NULL, 'D', $(cocoa $t1), 'P-1'),
 (2, 'Emma', 'Brown', 'Brown & Co', NULL, $(cocoa $t2), 'P-2'),
 (3, NULL, NULL, 'Bakkerij Bakker', NULL, NULL, 'P-3');
INSERT INTO ABMultiValueLabel (ROWID, value) VALUES (1, '_\$!<Mobile>!\$_'), (2, '_\$!<Home>!\$_'), (3, 'werk');
INSERT INTO ABMultiValueEntryKey (ROWID, value) VALUES (1, 'service'), (2, 'username');
INSERT INTO ABMultiValue (UID, record_id, property, identifier, label, value, guid) VALUES
 (1, 1, 3, 0, 1, '06-12345001', 'V-1'),
 (2, 1, 3, 1, 3, '020 123 4567', 'V-2'),
 (3, 1, 4, 2, 2, 'daan@example.nl', 'V-3'),
 (4, 2, 3, 0, 1, '+44 7400 123456', 'V-4'),
 (5, 2, 13, 1, NULL, NULL, 'V-5'),
 (6, 3, 3, 0, 3, '0201112222', 'V-6');
INSERT INTO ABMultiValueEntry (parent_id, key, value) VALUES (5, 1, 'Twitter'), (5, 2, 'emmab');
EOF
} | sqlite3 "$M/Library/AddressBook/AddressBook.sqlitedb"
cat > "$out/expect/contacts.tsv" <<'EOF'
1	Daan de Vries	+31612345001	06-12345001	daan@example.nl	Mobile,werk	+31612345001,+31201234567
2	Emma Brown	+447400123456	+44 7400 123456	null	Mobile	+447400123456
3	Bakkerij Bakker	+31201112222	0201112222	null	werk	+31201112222
EOF

# ---- CallHistory.storedata (Core Data) ----
mkdir -p "$M/Library/CallHistoryDB"
sqlite3 "$M/Library/CallHistoryDB/CallHistory.storedata" <<EOF
CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER);
CREATE TABLE Z_METADATA (Z_VERSION INTEGER PRIMARY KEY, Z_UUID VARCHAR(255), Z_PLIST BLOB);
CREATE TABLE ZCALLRECORD (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZANSWERED INTEGER, ZCALLTYPE INTEGER, ZDISCONNECTED_CAUSE INTEGER, ZFACE_TIME_DATA BLOB, ZNUMBER_AVAILABILITY INTEGER, ZORIGINATED INTEGER, ZREAD INTEGER, ZDATE TIMESTAMP, ZDURATION FLOAT, ZADDRESS VARCHAR, ZDEVICE_ID VARCHAR, ZISO_COUNTRY_CODE VARCHAR, ZLOCATION VARCHAR, ZNAME VARCHAR, ZSERVICE_PROVIDER VARCHAR, ZUNIQUE_ID VARCHAR);
INSERT INTO ZCALLRECORD (Z_PK, Z_ENT, Z_OPT, ZANSWERED, ZCALLTYPE, ZORIGINATED, ZDATE, ZDURATION, ZADDRESS, ZISO_COUNTRY_CODE, ZNAME, ZSERVICE_PROVIDER, ZUNIQUE_ID) VALUES
 (1, 2, 1, 1, 1, 1, $(cocoa $t1).0, 62.4, '0612345001', 'nl', NULL, 'com.apple.Telephony', 'C-1'),
 (2, 2, 1, 0, 1, 0, $(cocoa $t2).0, 0.0, '+31612345002', 'nl', NULL, 'com.apple.Telephony', 'C-2'),
 (3, 2, 1, 1, 8, 0, $(cocoa $t3).0, 300.0, X'$(hex sanne@example.nl)', NULL, NULL, 'com.apple.FaceTime', 'C-3'),
 (4, 2, 1, 1, 0, 0, $(cocoa $t4).0, 45.6, '+31612345003', NULL, 'Lotte Bakker', 'net.whatsapp.WhatsApp', 'C-4'),
 (5, 2, 1, 0, 0, 0, $(cocoa $t5).0, 0.0, '123456789', NULL, 'Emma', 'ph.telegra.Telegraph', 'C-5'),
 (6, 2, 1, 1, 0, 1, $(cocoa $t6).0, 10.0, '+447400123456', NULL, NULL, 'org.whispersystems.signal', 'C-6');
EOF
cat > "$out/expect/calls.tsv" <<EOF
1	phone	outgoing	true	62	+31612345001	$(iso $t1)
2	phone	missed	false	0	+31612345002	$(iso $t2)
3	facetime	incoming	true	300	null	$(iso $t3)
4	whatsapp	incoming	true	46	+31612345003	$(iso $t4)
5	telegram	missed	false	0	null	$(iso $t5)
6	signal	outgoing	true	10	+447400123456	$(iso $t6)
EOF

# ---- the backup ----
# domain, relativePath, tree path of every file, and the directories
files="HomeDomain	Library/SMS/sms.db	Library/SMS/sms.db
MediaDomain	$att	$att
HomeDomain	Library/AddressBook/AddressBook.sqlitedb	Library/AddressBook/AddressBook.sqlitedb
HomeDomain	Library/CallHistoryDB/CallHistory.storedata	Library/CallHistoryDB/CallHistory.storedata"
dirs="HomeDomain	Library
HomeDomain	Library/SMS
MediaDomain	Library/SMS/Attachments"

fid() { printf '%s-%s' "$1" "$2" | sha1sum | cut -c1-40; }

# an MBFile NSKeyedArchiver blob (binary plist, hex) with Size
mbfile() {
	cat > "$out/.mb.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict><key>\$archiver</key><string>NSKeyedArchiver</string><key>\$objects</key><array><string>\$null</string><dict><key>Size</key><integer>$1</integer><key>LastModified</key><integer>$2</integer><key>Mode</key><integer>33188</integer><key>\$class</key><dict><key>CF\$UID</key><integer>2</integer></dict></dict><dict><key>\$classname</key><string>MBFile</string></dict></array><key>\$top</key><dict><key>root</key><dict><key>CF\$UID</key><integer>1</integer></dict></dict><key>\$version</key><integer>100000</integer></dict></plist>
EOF
	plistutil -i "$out/.mb.xml" -o "$out/.mb.bin" -f bin
	perl -e 'local $/; open my $f, "<", $ARGV[0] or die; print unpack("H*", <$f>)' "$out/.mb.bin"
}

# bplist NAME DIR: a binary plist from the XML on stdin
bplist() {
	cat > "$out/.p.xml"
	plistutil -i "$out/.p.xml" -o "$2/$1" -f bin
}

info_plist() {
	bplist Info.plist "$1" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>
<key>Build Version</key><string>21E236</string>
<key>Device Name</key><string>iPhone van Daan</string>
<key>Display Name</key><string>iPhone van Daan</string>
<key>IMEI</key><string>356789012345678</string>
<key>Last Backup Date</key><date>2024-03-15T09:30:00Z</date>
<key>Phone Number</key><string>+31 6 12345000</string>
<key>Product Type</key><string>iPhone14,5</string>
<key>Product Version</key><string>17.4.1</string>
<key>Serial Number</key><string>FICTION0001</string>
<key>Unique Identifier</key><string>00008110-000A11B22C33D44E</string>
</dict></plist>
EOF
}

manifest_plist() {
	bplist Manifest.plist "$1" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>
<key>IsEncrypted</key><$2/>
<key>Version</key><string>10.0</string>
<key>Lockdown</key><dict><key>DeviceName</key><string>iPhone van Daan</string><key>ProductVersion</key><string>17.4.1</string></dict>
</dict></plist>
EOF
}

# mkbackup DIR LAYOUT(xx|flat)
mkbackup() {
	local d=$1 lay=$2 sql="$out/.manifest.sql"
	mkdir -p "$d"
	echo "CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB);
CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB);" > "$sql"
	while IFS='	' read -r dom rel tp; do
		id=$(fid "$dom" "$rel")
		if [ "$lay" = xx ]; then
			mkdir -p "$d/${id:0:2}"
			cp "$M/$tp" "$d/${id:0:2}/$id"
		else
			cp "$M/$tp" "$d/$id"
		fi
		echo "INSERT INTO Files VALUES ('$id', '$dom', '$rel', 1, X'$(mbfile "$(stat -c %s "$M/$tp")" $t1)');" >> "$sql"
		echo "$rel	${lay}	$id" >> "$out/expect/fileids"
	done <<< "$files"
	while IFS='	' read -r dom rel; do
		echo "INSERT INTO Files VALUES ('$(fid "$dom" "$rel")', '$dom', '$rel', 2, NULL);" >> "$sql"
	done <<< "$dirs"
	sqlite3 "$d/Manifest.db" < "$sql"
	info_plist "$d"
	manifest_plist "$d" false
	bplist Status.plist "$d" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict><key>BackupState</key><string>new</string><key>IsFullBackup</key><false/><key>Version</key><string>3.3</string></dict></plist>
EOF
}
: > "$out/expect/fileids"
mkbackup "$out/backup" xx
mkbackup "$out/flat" flat

# domain folders
while IFS='	' read -r dom rel tp; do
	mkdir -p "$(dirname "$out/domains/$dom/$rel")"
	cp "$M/$tp" "$out/domains/$dom/$rel"
done <<< "$files"

# encrypted: Manifest.db is encrypted too (random bytes)
mkdir -p "$out/encrypted/3d"
info_plist "$out/encrypted"
manifest_plist "$out/encrypted" true
head -c 4096 /dev/urandom > "$out/encrypted/Manifest.db"
head -c 8192 /dev/urandom > "$out/encrypted/3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28"

# hostile: Manifest.db not SQLite
mkdir -p "$out/notdb"
info_plist "$out/notdb"
manifest_plist "$out/notdb" false
printf 'this is not a database\n' > "$out/notdb/Manifest.db"

# hostile: paths
mkdir -p "$out/paths"
info_plist "$out/paths"
manifest_plist "$out/paths" false
dd_id=$(fid HomeDomain ../../x)
good_id=$(fid HomeDomain Library/SMS/sms.db)
gone_id=$(fid HomeDomain Library/AddressBook/AddressBook.sqlitedb)
dup_id=$(fid MediaDomain Library/SMS/sms.db)
mkdir -p "$out/paths/${dd_id:0:2}" "$out/paths/${good_id:0:2}" "$out/paths/${dup_id:0:2}"
printf 'not the sms.db\n' > "$out/paths/${dup_id:0:2}/$dup_id"
printf 'escape attempt\n' > "$out/paths/${dd_id:0:2}/$dd_id"
cp "$M/Library/SMS/sms.db" "$out/paths/${good_id:0:2}/$good_id"
sqlite3 "$out/paths/Manifest.db" <<EOF
CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB);
INSERT INTO Files VALUES ('$dd_id', 'HomeDomain', '../../x', 1, NULL);
INSERT INTO Files VALUES ('../../../etc/passwd', 'HomeDomain', 'Library/p', 1, NULL);
INSERT INTO Files VALUES ('$good_id', 'HomeDomain', 'Library/SMS/sms.db', 1, NULL);
INSERT INTO Files VALUES ('$gone_id', 'HomeDomain', 'Library/AddressBook/AddressBook.sqlitedb', 1, NULL);
INSERT INTO Files VALUES ('$dup_id', 'MediaDomain', 'Library/SMS/sms.db', 1, NULL);
EOF

# hostile: a huge Info.plist (sparse, 9 MiB) and a garbage Manifest.plist
mkdir -p "$out/hugeplist"
cp "$out/backup/Manifest.db" "$out/hugeplist/"
truncate -s 9M "$out/hugeplist/Info.plist"
printf 'bplist00\377\377\377\377garbage' > "$out/hugeplist/Manifest.plist"

# hostile: an Info.plist nested 100000 levels deep (libplist recurses)
mkdir -p "$out/deepplist"
cp "$out/backup/Manifest.db" "$out/backup/Manifest.plist" "$out/deepplist/"
perl -e 'print qq{<?xml version="1.0"?><plist version="1.0">}, "<array>" x 100000,
	"</array>" x 100000, "</plist>"' > "$out/deepplist/Info.plist"

# ---- pre-iOS 6 sms.db (columns per docs/artifacts.md 3.9) ----
mkdir -p "$out/legacy/private/var/mobile/Library/SMS"
sqlite3 "$out/legacy/private/var/mobile/Library/SMS/sms.db" <<EOF
CREATE TABLE msg_group (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, type INTEGER, newest_message INTEGER, unread_count INTEGER, hash INTEGER);
CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, address TEXT, date INTEGER, text TEXT, flags INTEGER, replace INTEGER, svc_center TEXT, group_id INTEGER, association_id INTEGER, height INTEGER, UIFlags INTEGER, version INTEGER, subject TEXT, country TEXT, headers BLOB, recipients BLOB, read INTEGER, madrid_attributedBody BLOB, madrid_handle TEXT, madrid_version INTEGER, madrid_guid TEXT, madrid_type INTEGER, madrid_roomname TEXT, madrid_service TEXT, madrid_account TEXT, madrid_account_guid TEXT, madrid_flags INTEGER, madrid_attachmentInfo BLOB, madrid_url TEXT, madrid_error INTEGER, is_madrid INTEGER, madrid_date_read INTEGER, madrid_date_delivered INTEGER);
INSERT INTO msg_group (ROWID, type) VALUES (1, 0);
INSERT INTO message (ROWID, address, date, text, flags, group_id, is_madrid, madrid_handle, madrid_flags) VALUES
 (1, '0612345001', 1331755200, 'Oude sms', 2, 1, 0, NULL, 0),
 (2, '0612345001', 1331755260, 'Oud antwoord', 3, 1, 0, NULL, 0),
 (3, NULL, $(cocoa 1331755320), 'Oud iMessage', 0, 1, 1, 'sanne@example.nl', 12289);
EOF
cat > "$out/expect/legacy.tsv" <<EOF
1	incoming	0612345001	Oude sms	$(iso 1331755200)
2	outgoing	0612345001	Oud antwoord	$(iso 1331755260)
3	incoming	sanne@example.nl	Oud iMessage	$(iso 1331755320)
EOF
rm -f "$out/.mb.xml" "$out/.mb.bin" "$out/.p.xml" "$out/.manifest.sql"
