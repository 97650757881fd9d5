#!/bin/bash
# mkexports.sh OUTDIR: fixtures for the whatsapp-ios, telegram-export,
# sms-backup-restore and vcard plugins (tests/cli/t-artifacts-exports.sh,
# t-artifacts-wa-ios.sh).
#
# OUTDIR/wa-ios/private/var/mobile/Containers/Shared/AppGroup/<uuid>/
#   ChatStorage.sqlite, ContactsV2.sqlite, CallHistory.sqlite made with
#   sqlite3 from the real DDL in $SPOOR_SAMPLES/schemas (schema dumps of
#   the Josh iOS 15 extract, no rows) when present, else the reduced DDL
#   below; Message/Media/... holds the one image a message points at.
# OUTDIR/wa-ios-bad/ChatStorage.sqlite: SQLite, but not WhatsApp's.
# OUTDIR/telegram/result.json (+ photos/): a full Telegram Desktop export.
# OUTDIR/sbr/sms-20240314210000.xml, calls-20240314210000.xml: SMS Backup
#   & Restore, with an MMS image part and an emoji as surrogate refs.
# OUTDIR/vcf/contacts.vcf: vCard 2.1 (QP soft break inside a UTF-8
#   character, ISO-8859-1, Windows-1252), 3.0 (itemN/X-ABLabel, waid,
#   folded base64 PHOTO), 4.0 (tel: URI), an unterminated last card.
# OUTDIR/oracle/: bytes the tests hash themselves (the PHOTO).
#
# Personas are fictional: Sanne Jansen (device owner), Daan de Vries,
# Lotte and Zoë Bakker (NL), Emma Brown (UK).  Numbers are fiction ranges.
set -eu
out=${1:?usage: mkexports.sh OUTDIR}
src=$(cd "$(dirname "$0")/.." && pwd)
: "${SPOOR_SAMPLES:=$src/../shared/samples}"
schemas=$SPOOR_SAMPLES/schemas
for c in sqlite3 perl; do
	command -v $c > /dev/null || { echo "mkexports: $c missing" >&2; exit 1; }
done
rm -rf "$out"
mkdir -p "$out/oracle"

# ---- WhatsApp iOS ----
ddl() {
	if [ -f "$schemas/$1.sql" ]; then
		grep -v 'sqlite_sequence\|sqlite_stat' "$schemas/$1.sql"
		return
	fi
	case $1 in
	ios_whatsapp_ChatStorage_josh_ios15) cat <<'EOF'
CREATE TABLE ZWACHATSESSION (Z_PK INTEGER PRIMARY KEY, ZSESSIONTYPE INTEGER, ZCONTACTJID VARCHAR, ZPARTNERNAME VARCHAR, ZARCHIVED INTEGER, ZHIDDEN INTEGER, ZREMOVED INTEGER);
CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, ZGROUPEVENTTYPE INTEGER, ZISFROMME INTEGER, ZMESSAGESTATUS INTEGER, ZMESSAGETYPE INTEGER, ZSTARRED INTEGER, ZCHATSESSION INTEGER, ZGROUPMEMBER INTEGER, ZMEDIAITEM INTEGER, ZPARENTMESSAGE INTEGER, ZMESSAGEDATE TIMESTAMP, ZSENTDATE TIMESTAMP, ZFROMJID VARCHAR, ZPUSHNAME VARCHAR, ZSTANZAID VARCHAR, ZTEXT VARCHAR, ZTOJID VARCHAR);
CREATE TABLE ZWAMEDIAITEM (Z_PK INTEGER PRIMARY KEY, ZFILESIZE INTEGER, ZMESSAGE INTEGER, ZLATITUDE FLOAT, ZLONGITUDE FLOAT, ZMEDIALOCALPATH VARCHAR, ZTITLE VARCHAR, ZVCARDNAME VARCHAR, ZVCARDSTRING VARCHAR);
CREATE TABLE ZWAGROUPMEMBER (Z_PK INTEGER PRIMARY KEY, ZISACTIVE INTEGER, ZISADMIN INTEGER, ZCHATSESSION INTEGER, ZCONTACTNAME VARCHAR, ZFIRSTNAME VARCHAR, ZMEMBERJID VARCHAR);
CREATE TABLE ZWAPROFILEPUSHNAME (Z_PK INTEGER PRIMARY KEY, ZJID VARCHAR, ZPUSHNAME VARCHAR);
EOF
		;;
	ios_whatsapp_ContactsV2_josh_ios15) cat <<'EOF'
CREATE TABLE ZWAADDRESSBOOKCONTACT (Z_PK INTEGER PRIMARY KEY, ZABOUTTEXT VARCHAR, ZFULLNAME VARCHAR, ZGIVENNAME VARCHAR, ZIDENTIFIER VARCHAR, ZPHONENUMBER VARCHAR, ZPHONENUMBERLABEL VARCHAR, ZWHATSAPPID VARCHAR);
EOF
		;;
	ios_whatsapp_CallHistory_josh_ios15) cat <<'EOF'
CREATE TABLE ZWAAGGREGATECALLEVENT (Z_PK INTEGER PRIMARY KEY, ZINCOMING INTEGER, ZMISSED INTEGER, ZVIDEO INTEGER, ZFIRSTDATE TIMESTAMP);
CREATE TABLE ZWACDCALLEVENT (Z_PK INTEGER PRIMARY KEY, ZOUTCOME INTEGER, Z1CALLEVENTS INTEGER, ZDATE TIMESTAMP, ZDURATION FLOAT, ZGROUPCALLCREATORUSERJIDSTRING VARCHAR, ZGROUPJIDSTRING VARCHAR);
CREATE TABLE ZWACDCALLEVENTPARTICIPANT (Z_PK INTEGER PRIMARY KEY, ZOUTCOME INTEGER, Z1PARTICIPANTS INTEGER, ZJIDSTRING VARCHAR);
EOF
		;;
	esac
}

ag=$out/wa-ios/private/var/mobile/Containers/Shared/AppGroup/0A1B2C3D-0000-4000-8000-00000000CAFE
media=Media/31612345001@s.whatsapp.net/4/2/5e1f0a2b-0000-4000-8000-000000000001.jpg
mkdir -p "$ag/Message/$(dirname "$media")"
# a tiny JPEG-like file; the test hashes it itself
printf '\377\330\377\340 voetbalveld \377\331' > "$ag/Message/$media"

# Cocoa seconds (Unix - 978307200): 732139661.25 = 2024-03-14T20:07:41.25Z
{
	ddl ios_whatsapp_ChatStorage_josh_ios15
	cat <<EOF
INSERT INTO ZWACHATSESSION (Z_PK, ZSESSIONTYPE, ZCONTACTJID, ZPARTNERNAME) VALUES
 (1, 0, '31612345001@s.whatsapp.net', 'Daan de Vries'),
 (2, 1, '120363000000000001@g.us', 'Voetbal ouders');
INSERT INTO ZWAGROUPMEMBER (Z_PK, ZISACTIVE, ZISADMIN, ZCHATSESSION, ZCONTACTNAME, ZMEMBERJID) VALUES
 (1, 1, 1, 2, 'Daan de Vries', '31612345001@s.whatsapp.net'),
 (2, 1, 0, 2, NULL, '31612345003@s.whatsapp.net');
INSERT INTO ZWAPROFILEPUSHNAME (Z_PK, ZJID, ZPUSHNAME) VALUES
 (1, '31612345003@s.whatsapp.net', 'Lotte B.');
INSERT INTO ZWAMEDIAITEM (Z_PK, ZFILESIZE, ZMESSAGE, ZLATITUDE, ZLONGITUDE, ZMEDIALOCALPATH, ZTITLE, ZVCARDSTRING) VALUES
 (1, 19, 3, 1280.0, 960.0, '$media', 'het veld', 'image/jpeg'),
 (2, 0, 4, 52.3731, 4.8922, NULL, NULL, NULL);
INSERT INTO ZWAMESSAGE (Z_PK, ZISFROMME, ZMESSAGETYPE, ZCHATSESSION, ZGROUPMEMBER, ZMEDIAITEM, ZMESSAGEDATE, ZSENTDATE, ZFROMJID, ZTOJID, ZTEXT, ZSTANZAID, ZGROUPEVENTTYPE, ZSTARRED) VALUES
 (1, 0, 0, 1, NULL, NULL, 732139661.25, NULL, '31612345001@s.whatsapp.net', NULL, 'Hoi Sanne, ben je er?', '3A0000000000000000A1', 0, 0),
 (2, 1, 0, 1, NULL, NULL, 732139700, 732139699, NULL, '31612345001@s.whatsapp.net', 'Ja, zeg het maar', '3A0000000000000000A2', 0, 1),
 (3, 0, 1, 1, NULL, 1, 732139760, NULL, '31612345001@s.whatsapp.net', NULL, NULL, '3A0000000000000000A3', 0, 0),
 (4, 0, 5, 1, NULL, 2, 732139800, NULL, '31612345001@s.whatsapp.net', NULL, NULL, '3A0000000000000000A4', 0, 0),
 (5, 0, 0, 2, 2, NULL, 732140000, NULL, '120363000000000001@g.us', NULL, 'Training om 10 uur', '3A0000000000000000A5', 0, 0),
 (6, 0, 6, 2, NULL, NULL, 732140100, NULL, '120363000000000001@g.us', NULL, NULL, '3A0000000000000000A6', 2, 0);
EOF
} | sqlite3 "$ag/ChatStorage.sqlite"
{
	ddl ios_whatsapp_ContactsV2_josh_ios15
	cat <<'EOF'
INSERT INTO ZWAADDRESSBOOKCONTACT (Z_PK, ZFULLNAME, ZGIVENNAME, ZPHONENUMBER, ZPHONENUMBERLABEL, ZWHATSAPPID, ZABOUTTEXT, ZIDENTIFIER) VALUES
 (1, 'Daan de Vries', 'Daan', '06 12345001', '_$!<Mobile>!$_', '31612345001@s.whatsapp.net', 'Beschikbaar', 'AAAA0001-0000-4000-8000-000000000001'),
 (2, 'Emma Brown', 'Emma', '+44 7400 123456', 'work', '447400123456@s.whatsapp.net', NULL, 'AAAA0002-0000-4000-8000-000000000002'),
 (3, 'Lotte Bakker', 'Lotte', NULL, NULL, NULL, NULL, 'AAAA0003-0000-4000-8000-000000000003');
EOF
} | sqlite3 "$ag/ContactsV2.sqlite"
{
	ddl ios_whatsapp_CallHistory_josh_ios15
	cat <<'EOF'
INSERT INTO ZWAAGGREGATECALLEVENT (Z_PK, ZINCOMING, ZMISSED, ZVIDEO, ZFIRSTDATE) VALUES
 (1, 0, 0, 0, 732141000.5), (2, 1, 1, 1, 732142000);
INSERT INTO ZWACDCALLEVENT (Z_PK, ZOUTCOME, Z1CALLEVENTS, ZDATE, ZDURATION, ZGROUPCALLCREATORUSERJIDSTRING) VALUES
 (1, 0, 1, 732141000.5, 95.4, '31687654321@s.whatsapp.net'),
 (2, 1, 2, 732142000, 0, '447400123456@s.whatsapp.net');
INSERT INTO ZWACDCALLEVENTPARTICIPANT (Z_PK, ZOUTCOME, Z1PARTICIPANTS, ZJIDSTRING) VALUES
 (1, 0, 1, '31612345001@s.whatsapp.net'), (2, 1, 2, '447400123456@s.whatsapp.net');
EOF
} | sqlite3 "$ag/CallHistory.sqlite"
mkdir -p "$out/wa-ios-bad"
sqlite3 "$out/wa-ios-bad/ChatStorage.sqlite" \
	"CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes VALUES (1, 'geen WhatsApp');"

# ---- Telegram Desktop full export ----
tg=$out/telegram
mkdir -p "$tg/photos"
printf '\377\330\377\340 strand \377\331' > "$tg/photos/photo_1@14-03-2024_21-09-15.jpg"
cat > "$tg/result.json" <<'EOF'
{
 "about": "Here is the data you requested.",
 "personal_information": {
  "user_id": 1000000001,
  "first_name": "Sanne",
  "last_name": "Jansen",
  "phone_number": "+31 6 12345000",
  "username": "sannej",
  "bio": "Zwemmen en lezen"
 },
 "contacts": {
  "about": "contacts",
  "list": [
   {"user_id": 1000000002, "first_name": "Daan", "last_name": "de Vries", "phone_number": "+31612345001", "date": "2024-01-02T10:00:00", "date_unixtime": "1704189600"},
   {"user_id": 1000000004, "first_name": "Emma", "last_name": "", "phone_number": "+447400123456", "date": "2024-01-03T10:00:00", "date_unixtime": "1704276000"}
  ]
 },
 "chats": {
  "about": "chats",
  "list": [
   {
    "name": "Daan de Vries",
    "type": "personal_chat",
    "id": 1000000002,
    "messages": [
     {"id": 11, "type": "message", "date": "2024-03-14T21:07:41", "date_unixtime": "1710446861", "from": "Daan de Vries", "from_id": "user1000000002", "text": "Hoi, ben je er?", "text_entities": [{"type": "plain", "text": "Hoi, ben je er?"}]},
     {"id": 12, "type": "message", "date": "2024-03-14T21:09:15", "date_unixtime": "1710446955", "edited": "2024-03-14T21:10:00", "edited_unixtime": "1710447000", "from": "Sanne Jansen", "from_id": "user1000000001", "reply_to_message_id": 11, "photo": "photos/photo_1@14-03-2024_21-09-15.jpg", "width": 1280, "height": 960, "text": ["kijk ", {"type": "link", "text": "https://example.org"}, " \u00e9\u00e9n \ud83d\ude00"], "text_entities": []},
     {"id": 13, "type": "message", "date": "2024-03-14T21:11:00", "date_unixtime": "1710447060", "from": "Daan de Vries", "from_id": "user1000000002", "file": "(File not included. Change data exporting settings to download.)", "media_type": "voice_message", "mime_type": "audio/ogg", "duration_seconds": 7, "text": ""},
     {"id": 14, "type": "service", "date": "2024-03-14T21:12:00", "date_unixtime": "1710447120", "actor": "Sanne Jansen", "actor_id": "user1000000001", "action": "phone_call", "duration_seconds": 65, "discard_reason": "hangup", "text": ""},
     {"id": 15, "type": "service", "date": "2024-03-14T21:20:00", "date_unixtime": "1710447600", "actor": "Daan de Vries", "actor_id": "user1000000002", "action": "phone_call", "discard_reason": "missed", "text": ""},
     {"id": 16, "type": "message", "date": "2024-03-14T21:21:00", "date_unixtime": "1710447660", "from": "Daan de Vries", "from_id": "user1000000002", "location_information": {"latitude": 52.3731, "longitude": 4.8922}, "text": ""}
    ]
   },
   {
    "name": "Voetbal ouders",
    "type": "private_group",
    "id": 4000000001,
    "messages": [
     {"id": 1, "type": "service", "date": "2024-03-10T09:00:00", "date_unixtime": "1710061200", "actor": "Lotte Bakker", "actor_id": "user1000000003", "action": "create_group", "title": "Voetbal ouders", "members": ["Lotte Bakker", "Sanne Jansen"], "text": ""},
     {"id": 2, "type": "message", "date": "2024-03-10T09:01:00", "date_unixtime": "1710061260", "from": "Lotte Bakker", "from_id": "user1000000003", "forwarded_from": "Club nieuws", "text": "Training om 10 uur"}
    ]
   }
  ]
 }
}
EOF

# ---- SMS Backup & Restore ----
sbr=$out/sbr
mkdir -p "$sbr"
printf '\377\330\377\340 mms foto \377\331' > "$out/oracle/mms-image.bin"
img64=$(perl -MMIME::Base64 -e 'local $/; open my $f, "<", $ARGV[0] or die; print encode_base64(<$f>, "")' "$out/oracle/mms-image.bin")
cat > "$sbr/sms-20240314210000.xml" <<EOF
<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<!--File Created By SMS Backup & Restore v10.20.002 on 14/03/2024 21:30:00-->
<smses count="4" backup_set="11111111-2222-4333-8444-555555555555" backup_date="1710448200000" type="full">
  <sms protocol="0" address="+31612345001" date="1710446861000" type="1" subject="null" body="Hoi, ben je er?" toa="null" sc_toa="null" service_center="+31653131313" read="1" status="-1" locked="0" date_sent="1710446859000" sub_id="1" readable_date="14 mrt 2024 21:07:41" contact_name="Daan de Vries" />
  <sms protocol="0" address="0612345001" date="1710446900000" type="2" subject="null" body="Ja &amp; nee&#10;tweede regel &#55357;&#56832;" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="0" sub_id="1" readable_date="14 mrt 2024 21:08:20" contact_name="Daan de Vries" />
  <mms date="1710446955000" rr="129" sub="null" ct_t="application/vnd.wap.multipart.related" read_status="null" seen="1" msg_box="1" address="+31612345001" sub_cs="null" resp_st="null" retr_st="null" d_tm="null" text_only="0" exp="null" locked="0" m_id="mms-1" st="null" retr_txt_cs="null" retr_txt="null" creator="null" date_sent="1710446950" read="1" m_size="null" rpt_a="null" ct_cls="null" pri="null" sub_id="1" tr_id="null" resp_txt="null" ct_l="null" m_cls="personal" d_rpt="129" v="18" _id="7" m_type="132" readable_date="14 mrt 2024 21:09:15" contact_name="Daan de Vries">
    <parts>
      <part seq="-1" ct="application/smil" name="null" chset="null" cd="null" fn="null" cid="&lt;smil&gt;" cl="smil.xml" ctt_s="null" ctt_t="null" text="&lt;smil&gt;&lt;body&gt;&lt;/body&gt;&lt;/smil&gt;" />
      <part seq="0" ct="text/plain" name="null" chset="106" cd="null" fn="null" cid="&lt;text_0&gt;" cl="text_0.txt" ctt_s="null" ctt_t="null" text="kijk dit veld" />
      <part seq="0" ct="image/jpeg" name="IMG_0001.jpg" chset="null" cd="null" fn="null" cid="&lt;IMG_0001&gt;" cl="IMG_0001.jpg" ctt_s="null" ctt_t="null" data="$img64" />
    </parts>
    <addrs>
      <addr address="+31612345001" type="137" charset="106" />
      <addr address="+31612345000" type="151" charset="106" />
    </addrs>
  </mms>
  <sms protocol="0" address="Bank" date="1710447000000" type="1" subject="null" body="Uw code is 123456" toa="null" sc_toa="null" service_center="null" read="0" status="-1" locked="1" date_sent="1710447000000" sub_id="1" readable_date="14 mrt 2024 21:10:00" contact_name="(Unknown)" />
</smses>
EOF
cat > "$sbr/calls-20240314210000.xml" <<'EOF'
<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<calls count="3" backup_set="11111111-2222-4333-8444-555555555555" backup_date="1710448200000">
  <call number="+31612345001" duration="65" date="1710446000000" type="1" presentation="1" subscription_id="1" readable_date="14 mrt 2024 20:53:20" contact_name="Daan de Vries" />
  <call number="+447400123456" duration="0" date="1710446100000" type="3" presentation="1" subscription_id="1" readable_date="14 mrt 2024 20:55:00" contact_name="Emma Brown" />
  <call number="" duration="12" date="1710446200000" type="2" presentation="2" subscription_id="1" readable_date="14 mrt 2024 20:56:40" contact_name="(Unknown)" />
</calls>
EOF

# ---- vCard ----
v=$out/vcf
mkdir -p "$v"
perl -e 'srand(7); print map { chr(int(rand(256))) } 1..700' > "$out/oracle/photo.bin"
perl -MMIME::Base64 -e '
	local $/; open my $f, "<", $ARGV[0] or die; my $b = encode_base64(<$f>, "");
	binmode STDOUT;
	print "BEGIN:VCARD\r\nVERSION:2.1\r\n";
	# "Jaël": the two bytes of the e-umlaut are split by a soft break
	print "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Ja=C3=\r\n=ABl;Sanne;;;\r\n";
	print "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Sanne Ja=C3=ABl\r\n";
	print "TEL;CELL;PREF:+31612345000\r\nTEL;HOME:020-1234567\r\n";
	print "NOTE;ENCODING=QUOTED-PRINTABLE:Een lange notitie die verde=\r\neeld is\r\n";
	print "END:VCARD\r\n";
	print "BEGIN:VCARD\r\nVERSION:2.1\r\n";
	print "N;CHARSET=ISO-8859-1:Bakker;Zo\xeb;;;\r\nFN;CHARSET=ISO-8859-1:Zo\xeb Bakker\r\n";
	print "ORG;CHARSET=WINDOWS-1252:Caf\xe9 \x80 Co\r\n";
	print "TEL;WORK:+31 20 1234003\r\nEND:VCARD\r\n";
	print "BEGIN:VCARD\nVERSION:3.0\nN:de Vries;Daan;;;\nFN:Daan de Vries\n";
	print "item1.TEL;type=CELL;type=VOICE;waid=31612345001:+31 6 12345001\n";
	print "item1.X-ABLabel:_\$!<Mobile>!\$_\n";
	print "EMAIL;type=INTERNET;type=HOME:daan\@example.org\n";
	print "X-SOCIALPROFILE;type=twitter:https://twitter.com/daan_example\n";
	print "NOTE:Een notitie met een komma\\, puntkomma\\; en\\nnieuwe regel die ge\n";
	print " vouwen is\n";
	print "PHOTO;ENCODING=b;TYPE=JPEG:", substr($b, 0, 60), "\n";
	for (my $i = 60; $i < length $b; $i += 74) { print " ", substr($b, $i, 74), "\n" }
	print "END:VCARD\n";
	print "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Emma Brown\r\nN:Brown;Emma;;;\r\n";
	print "TEL;VALUE=uri;TYPE=\"cell,voice\";PREF=1:tel:+44-7400-123456\r\n";
	print "EMAIL;TYPE=work:emma\@example.co.uk\r\nIMPP:xmpp:emma\@example.co.uk\r\nEND:VCARD\r\n";
	print "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Afgebroken Kaart\r\nTEL:+31612345009\r\n";
' "$out/oracle/photo.bin" > "$v/contacts.vcf"
echo "mkexports: fixtures in $out"
