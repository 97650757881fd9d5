#!/bin/bash
# mkartifacts.sh OUTDIR: phone-artifact fixtures for spoor-artifacts tests.
#
# Every database is made here with sqlite3 from DDL and INSERTs, so the
# tests know exactly what is in it.  The DDL is the real one (schema dumps
# of real databases, no rows) from $SPOOR_SAMPLES/schemas when that
# directory exists (default ../shared/samples next to the source tree);
# otherwise the reduced DDL below, written from docs/artifacts.md, is
# used, so a clean clone can still run the tests.  Personas are fictional:
# Daan de Vries, Sanne Jansen, Lotte Bakker (NL), Emma Brown (UK); the
# device owner is "me".  Numbers are in unassigned or fiction ranges.
set -eu
out=${1:?usage: mkartifacts.sh OUTDIR}
src=$(cd "$(dirname "$0")/.." && pwd)
: "${SPOOR_SAMPLES:=$src/../shared/samples}"
schemas=$SPOOR_SAMPLES/schemas
command -v sqlite3 >/dev/null || { echo "mkartifacts: sqlite3 missing" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"

# ddl NAME: the DDL of one schema generation on stdout.
ddl() {
	if [ -f "$schemas/$1.sql" ]; then
		# sqlite_sequence/sqlite_stat1 are made by SQLite itself
		grep -v 'sqlite_sequence\|sqlite_stat' "$schemas/$1.sql"
		return
	fi
	case $1 in
	android_msgstore_legacy_2018)
		cat <<'EOF'
CREATE TABLE messages (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT NOT NULL, key_from_me INTEGER, key_id TEXT NOT NULL, status INTEGER, needs_push INTEGER, data TEXT, timestamp INTEGER, media_url TEXT, media_mime_type TEXT, media_wa_type TEXT, media_size INTEGER, media_name TEXT, media_caption TEXT, media_hash TEXT, media_duration INTEGER, origin INTEGER, latitude REAL, longitude REAL, thumb_image TEXT, remote_resource TEXT, received_timestamp INTEGER, send_timestamp INTEGER, receipt_server_timestamp INTEGER, receipt_device_timestamp INTEGER, read_device_timestamp INTEGER, played_device_timestamp INTEGER, raw_data BLOB, recipient_count INTEGER, participant_hash TEXT, starred INTEGER, quoted_row_id INTEGER, mentioned_jids TEXT, multicast_id TEXT, edit_version INTEGER, media_enc_hash TEXT, payment_transaction_id TEXT, forwarded INTEGER, preview_type INTEGER);
CREATE TABLE messages_quotes (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT NOT NULL, key_from_me INTEGER, key_id TEXT NOT NULL, status INTEGER, data TEXT, timestamp INTEGER, remote_resource TEXT);
CREATE TABLE chat_list (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT UNIQUE, subject TEXT, creation INTEGER, archived INTEGER, sort_timestamp INTEGER);
EOF
		;;
	android_msgstore_transitional_2021-2022)
		ddl android_msgstore_legacy_2018
		cat <<'EOF'
CREATE TABLE jid (_id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, server TEXT NOT NULL, agent INTEGER, device INTEGER, type INTEGER, raw_string TEXT);
CREATE TABLE chat (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid_row_id INTEGER UNIQUE, hidden INTEGER, subject TEXT, created_timestamp INTEGER, archived INTEGER, sort_timestamp INTEGER, group_type INTEGER);
CREATE TABLE message (_id INTEGER PRIMARY KEY AUTOINCREMENT, chat_row_id INTEGER NOT NULL, from_me INTEGER NOT NULL, key_id TEXT NOT NULL, sender_jid_row_id INTEGER, status INTEGER, broadcast INTEGER, recipient_count INTEGER, origin INTEGER, timestamp INTEGER, received_timestamp INTEGER, receipt_server_timestamp INTEGER, message_type INTEGER, text_data TEXT, starred INTEGER, lookup_tables INTEGER, sort_id INTEGER NOT NULL DEFAULT 0);
CREATE TABLE message_media (message_row_id INTEGER PRIMARY KEY, chat_row_id INTEGER, file_path TEXT, file_size INTEGER, mime_type TEXT, media_name TEXT, file_hash TEXT, media_duration INTEGER, width INTEGER, height INTEGER, message_url TEXT, media_key BLOB, direct_path TEXT);
CREATE TABLE message_quoted (message_row_id INTEGER PRIMARY KEY AUTOINCREMENT, chat_row_id INTEGER NOT NULL, parent_message_chat_row_id INTEGER NOT NULL, from_me INTEGER NOT NULL, sender_jid_row_id INTEGER, key_id TEXT NOT NULL, timestamp INTEGER, message_type INTEGER, origin INTEGER, text_data TEXT);
CREATE TABLE message_system (message_row_id INTEGER PRIMARY KEY, action_type INTEGER NOT NULL);
CREATE TABLE message_revoked (message_row_id INTEGER PRIMARY KEY, revoked_key_id TEXT NOT NULL);
CREATE TABLE call_log (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid_row_id INTEGER, from_me INTEGER, call_id TEXT, transaction_id INTEGER, timestamp INTEGER, video_call INTEGER, duration INTEGER, call_result INTEGER, bytes_transferred INTEGER, group_jid_row_id INTEGER NOT NULL DEFAULT 0, is_joinable_group_call INTEGER, call_creator_device_jid_row_id INTEGER NOT NULL DEFAULT 0, call_random_id TEXT);
EOF
		;;
	android_samsung_mmssms_android10)
		cat <<'EOF'
CREATE TABLE sms (_id INTEGER PRIMARY KEY, thread_id INTEGER, address TEXT, person INTEGER, date INTEGER, date_sent INTEGER DEFAULT 0, protocol INTEGER, read INTEGER DEFAULT 0, status INTEGER DEFAULT -1, type INTEGER, subject TEXT, body TEXT, service_center TEXT, locked INTEGER DEFAULT 0, sub_id INTEGER, error_code INTEGER, creator TEXT, seen INTEGER);
CREATE TABLE spam_sms (_id INTEGER PRIMARY KEY, thread_id INTEGER, address TEXT, person INTEGER, date INTEGER, date_sent INTEGER DEFAULT 0, protocol INTEGER, read INTEGER DEFAULT 0, status INTEGER DEFAULT -1, type INTEGER, subject TEXT, body TEXT);
CREATE TABLE pdu (_id INTEGER PRIMARY KEY, thread_id INTEGER, date INTEGER, date_sent INTEGER DEFAULT 0, msg_box INTEGER, read INTEGER DEFAULT 0, m_id TEXT, sub TEXT, sub_cs INTEGER, ct_t TEXT, m_type INTEGER, tr_id TEXT);
CREATE TABLE part (_id INTEGER PRIMARY KEY, mid INTEGER, seq INTEGER DEFAULT 0, ct TEXT, name TEXT, chset INTEGER, cid TEXT, cl TEXT, _data TEXT, text TEXT);
CREATE TABLE addr (_id INTEGER PRIMARY KEY, msg_id INTEGER, contact_id INTEGER, address TEXT, type INTEGER, charset INTEGER);
EOF
		;;
	android_wa_db_2018)
		cat <<'EOF'
CREATE TABLE wa_contacts (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid TEXT NOT NULL, is_whatsapp_user BOOLEAN NOT NULL, status TEXT, status_timestamp INTEGER, number TEXT, raw_contact_id INTEGER, display_name TEXT, phone_type INTEGER, phone_label TEXT, unseen_msg_count INTEGER, photo_ts INTEGER, thumb_ts INTEGER, photo_id_timestamp INTEGER, given_name TEXT, family_name TEXT, wa_name TEXT, sort_name TEXT, nickname TEXT, company TEXT, title TEXT);
EOF
		;;
	*) echo "mkartifacts: no DDL for $1" >&2; exit 1 ;;
	esac
}

# mkdb FILE SCHEMA SQL: a database from a schema generation plus rows.
mkdb() {
	mkdir -p "$(dirname "$1")"
	{ ddl "$2"; printf '%s\n' "$3"; } | sqlite3 -bail "$1"
}

# ---- shared rows ----

wa_contacts_sql="
INSERT INTO wa_contacts (_id, jid, is_whatsapp_user, status, number, display_name, given_name, family_name, wa_name) VALUES
 (1, '31612345001@s.whatsapp.net', 1, 'Hey there! I am using WhatsApp.', '06-12345001', 'Daan de Vries', 'Daan', 'de Vries', 'Daan'),
 (2, '31612345002@s.whatsapp.net', 1, NULL, '+31 6 12345002', 'Sanne Jansen', 'Sanne', 'Jansen', 'sanne_xx'),
 (3, '447400123456@s.whatsapp.net', 1, 'busy', NULL, NULL, NULL, NULL, 'Emma B'),
 (4, '31612345004@s.whatsapp.net', 1, NULL, '0612345004', 'Lotte Bakker', 'Lotte', 'Bakker', 'Lotte');"

jids_sql="
INSERT INTO jid (_id, user, server, type, raw_string) VALUES
 (1, '31612345001', 's.whatsapp.net', 0, '31612345001@s.whatsapp.net'),
 (2, '31612345002', 's.whatsapp.net', 0, '31612345002@s.whatsapp.net'),
 (3, '447400123456', 's.whatsapp.net', 0, '447400123456@s.whatsapp.net'),
 (4, '120363000000000001', 'g.us', 1, '120363000000000001@g.us'),
 (5, '98765432101234', 'lid', 0, '98765432101234@lid'),
 (6, '31612345004', 's.whatsapp.net', 0, '31612345004@s.whatsapp.net');"

# ---- modern (message + chat + jid, jid_map for LIDs) ----
m=$out/modern/data/data/com.whatsapp/databases
mkdb "$m/msgstore.db" android_msgstore_transitional_2021-2022 "
CREATE TABLE IF NOT EXISTS jid_map (lid_row_id INTEGER PRIMARY KEY, jid_row_id INTEGER NOT NULL);
$jids_sql
INSERT INTO jid_map VALUES (5, 6);
INSERT INTO chat (_id, jid_row_id, subject) VALUES (1, 1, NULL), (2, 4, 'Klas 3B'), (3, 5, NULL), (4, 3, NULL);
INSERT INTO message (_id, chat_row_id, from_me, key_id, sender_jid_row_id, status, timestamp, message_type, text_data, starred) VALUES
 (1, 1, 0, 'M1', 0, 0, 1710446861000, 0, 'Hoi, ben je er?', 0),
 (2, 1, 1, 'M2', 0, 13, 1710446900000, 0, 'Ja, hoezo?', 0),
 (3, 1, 0, 'M3', 0, 0, 1710446955000, 1, 'kijk', 1),
 (4, 2, 0, 'M4', 2, 0, 1710447000000, 0, 'Wie komt er morgen?', 0),
 (5, 2, 0, 'M5', 5, 0, 1710447060000, 0, 'Ik!', 0),
 (6, 1, 0, 'M6', 0, 0, 1710447100000, 15, NULL, 0),
 (7, 2, 0, 'M7', 2, 6, 1710447160000, 7, NULL, 0),
 (8, 1, 1, 'M8', 0, 13, 1710447200000, 0, 'Ja ik ben er', 0),
 (9, 3, 0, 'M9', 0, 0, 1710447260000, 0, 'Hallo via LID', 0),
 (10, 4, 0, 'M10', 0, 0, 1710447320000, 0, 'Hi, how was school?', 0),
 (11, 1, 0, 'M11', 0, 0, 1710447380000, 1, NULL, 0);
INSERT INTO message_media (message_row_id, chat_row_id, file_path, file_size, mime_type) VALUES
 (3, 1, 'Media/WhatsApp Images/IMG-20240314-WA0001.jpg', 20, 'image/jpeg'),
 (11, 1, 'Media/WhatsApp Images/IMG-20240314-WA0099.jpg', 4000, 'image/jpeg');
INSERT INTO message_quoted (message_row_id, chat_row_id, parent_message_chat_row_id, from_me, key_id, timestamp, message_type, text_data) VALUES
 (8, 1, 1, 0, 'M1', 1710446861000, 0, 'Hoi, ben je er?');
INSERT INTO message_system (message_row_id, action_type) VALUES (7, 4);
INSERT INTO message_revoked (message_row_id, revoked_key_id) VALUES (6, 'M6');
INSERT INTO call_log (_id, jid_row_id, from_me, call_id, timestamp, video_call, duration, call_result) VALUES
 (1, 1, 0, 'C1', 1710448000000, 1, 65, 5),
 (2, 3, 1, 'C2', 1710448100000, 0, 0, 2);"
mkdb "$m/wa.db" android_wa_db_2018 "$wa_contacts_sql"
mkdir -p "$out/modern/sdcard/WhatsApp/Media/WhatsApp Images"
printf '\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00' \
	> "$out/modern/sdcard/WhatsApp/Media/WhatsApp Images/IMG-20240314-WA0001.jpg"

# ---- legacy (messages with text JIDs) ----
l=$out/legacy/data/data/com.whatsapp/databases
mkdb "$l/msgstore.db" android_msgstore_legacy_2018 "
INSERT INTO messages (_id, key_remote_jid, key_from_me, key_id, status, data, timestamp, media_wa_type) VALUES
 (1, '-1', 0, '-1', -1, NULL, 0, NULL);
INSERT INTO messages (_id, key_remote_jid, key_from_me, key_id, status, data, timestamp, media_wa_type, media_mime_type, media_size, media_name, media_caption, remote_resource, quoted_row_id) VALUES
 (2, '31612345001@s.whatsapp.net', 0, 'L1', 0, 'Hoi oud', 1520000000000, '0', NULL, 0, NULL, NULL, NULL, NULL),
 (3, '31612345001@s.whatsapp.net', 1, 'L2', 13, 'Hee', 1520000060000, '0', NULL, 0, NULL, NULL, NULL, 1),
 (4, '120363000000000001@g.us', 0, 'L3', 0, 'Groepsbericht', 1520000120000, '0', NULL, 0, NULL, NULL, '31612345002@s.whatsapp.net', NULL),
 (5, '31612345001@s.whatsapp.net', 0, 'L4', 0, NULL, 1520000180000, '1', 'image/jpeg', 1234, 'IMG-20180302-WA0000.jpg', 'foto', NULL, NULL),
 (6, '120363000000000001@g.us', 0, 'L5', 6, NULL, 1520000240000, '0', NULL, 0, NULL, NULL, '31612345002@s.whatsapp.net', NULL);
INSERT INTO messages_quotes (_id, key_remote_jid, key_from_me, key_id, data, timestamp) VALUES
 (1, '31612345001@s.whatsapp.net', 0, 'L1', 'Hoi oud', 1520000000000);"
mkdb "$l/wa.db" android_wa_db_2018 "$wa_contacts_sql"

# ---- transitional: both tables, one message in both ----
t=$out/transitional/msgstore.db
mkdb "$t" android_msgstore_transitional_2021-2022 "
$jids_sql
INSERT INTO chat (_id, jid_row_id) VALUES (1, 1);
INSERT INTO message (_id, chat_row_id, from_me, key_id, timestamp, message_type, text_data) VALUES
 (1, 1, 0, 'T1', 1640995200000, 0, 'Dubbel'),
 (2, 1, 1, 'T2', 1640995260000, 0, 'Alleen nieuw');
INSERT INTO messages (_id, key_remote_jid, key_from_me, key_id, status, data, timestamp, media_wa_type) VALUES
 (1, '31612345001@s.whatsapp.net', 0, 'T1', 0, 'Dubbel', 1640995200000, '0'),
 (2, '31612345001@s.whatsapp.net', 0, 'T0', 0, 'Alleen oud', 1640995100000, '0');"

# ---- WAL: one message only in the -wal, one deleted there ----
# The copy is taken while the writer still holds the database open, so
# the WAL is not checkpointed into the main file.
w=$out/wal/work
mkdir -p "$w" "$out/wal/ev"
{ ddl android_msgstore_transitional_2021-2022; cat <<EOF
$jids_sql
INSERT INTO chat (_id, jid_row_id) VALUES (1, 1);
INSERT INTO message (_id, chat_row_id, from_me, key_id, timestamp, message_type, text_data) VALUES
 (1, 1, 0, 'W1', 1710500000000, 0, 'in het hoofdbestand'),
 (2, 1, 0, 'W2', 1710500060000, 0, 'later verwijderd');
EOF
} | sqlite3 -bail "$w/msgstore.db"
sqlite3 -bail "$w/msgstore.db" <<EOF
PRAGMA journal_mode=WAL;
PRAGMA wal_autocheckpoint=0;
INSERT INTO message (_id, chat_row_id, from_me, key_id, timestamp, message_type, text_data) VALUES
 (3, 1, 1, 'W3', 1710500120000, 0, 'alleen in de WAL');
DELETE FROM message WHERE _id = 2;
.shell cp "$w/msgstore.db" "$out/wal/ev/msgstore.db"; cp "$w/msgstore.db-wal" "$out/wal/ev/msgstore.db-wal"
EOF
rm -rf "$w"

# ---- hostile and odd databases ----
h=$out/hostile
mkdir -p "$h/notsqlite" "$h/unknown" "$h/empty" "$h/types"
printf 'this is not a database, only text\n' > "$h/notsqlite/msgstore.db"
sqlite3 -bail "$h/unknown/msgstore.db" "CREATE TABLE foo (a); CREATE TABLE bar (b); INSERT INTO foo VALUES (1);"
mkdb "$h/empty/msgstore.db" android_msgstore_transitional_2021-2022 ""
# wrong column types, a message without a chat, a 5 MB text, a NUL
mkdb "$h/types/msgstore.db" android_msgstore_transitional_2021-2022 "
$jids_sql
INSERT INTO chat (_id, jid_row_id) VALUES (1, 1);
INSERT INTO message (_id, chat_row_id, from_me, key_id, sender_jid_row_id, timestamp, message_type, text_data) VALUES
 (1, 1, 'ja', X'00ff', 'x', 'abc', 'tekst', 1234),
 (2, 999, 0, 'H2', 77, -5, 99, 'zonder chat'),
 (3, 1, 0, 'H3', 0, 1710446861000, 0, printf('%.*c', 5000000, 'x')),
 (4, 1, 0, 'H4', 0, 1710446861000, 0, CAST(X'61006200ff' AS TEXT));"

# ---- Android providers: SMS, contacts, call log ----
a=$out/android/data
mkdir -p "$a/user_de/0/com.android.providers.telephony/databases" \
	"$a/data/com.android.providers.contacts/databases"
mkdb "$a/user_de/0/com.android.providers.telephony/databases/mmssms.db" \
	android_samsung_mmssms_android10 "
INSERT INTO sms (_id, thread_id, address, date, date_sent, read, type, body) VALUES
 (1, 1, '+31612345001', 1710446861000, 1710446860000, 1, 1, 'Hoi, ben je er?'),
 (2, 1, '+31612345001', 1710446900000, 0, 1, 2, 'Ja'),
 (3, 2, '0612345002', 1710447000000, 1710446999000, 0, 1, 'Bel me'),
 (4, 3, 'ING', 1710447100000, 0, 1, 1, 'Uw code is 123456'),
 (5, 2, '0612345002', 1710447200000, 0, 0, 3, 'concept');
INSERT INTO spam_sms (_id, thread_id, address, date, read, type, body) VALUES
 (1, 9, '+3197010000000', 1710447300000, 0, 1, 'Gefeliciteerd, u heeft gewonnen');
INSERT INTO pdu (_id, thread_id, date, msg_box, m_type, sub) VALUES
 (1, 2, 1710447400, 1, 132, 'Foto'),
 (2, 2, 1710447500, 2, 128, NULL);
INSERT INTO part (_id, mid, seq, ct, name, _data, text) VALUES
 (1, 1, 0, 'application/smil', NULL, NULL, '<smil/>'),
 (2, 1, 1, 'text/plain', NULL, NULL, 'MMS tekst'),
 (3, 1, 2, 'image/jpeg', 'IMG_0001.jpg', '/data/user_de/0/com.android.providers.telephony/app_parts/PART_1710447400_IMG_0001.jpg', NULL),
 (4, 2, 0, 'text/plain', NULL, NULL, 'Antwoord'),
 (5, 2, 1, 'video/mp4', 'VID_0002.mp4', '/data/user_de/0/com.android.providers.telephony/app_parts/PART_1710447500_VID_0002.mp4', NULL);
INSERT INTO addr (msg_id, address, type) VALUES
 (1, '0612345002', 137), (1, 'insert-address-token', 151),
 (2, 'insert-address-token', 137), (2, '0612345002', 151);"
# MMS part files: the first part's file is present, the second's is not
mkdir -p "$a/user_de/0/com.android.providers.telephony/app_parts"
printf 'MMS picture of the fixture\n' \
	> "$a/user_de/0/com.android.providers.telephony/app_parts/PART_1710447400_IMG_0001.jpg"
sqlite3 -bail "$a/data/com.android.providers.contacts/databases/contacts2.db" <<'EOF'
CREATE TABLE accounts (_id INTEGER PRIMARY KEY, account_name TEXT, account_type TEXT);
CREATE TABLE raw_contacts (_id INTEGER PRIMARY KEY, account_id INTEGER, contact_id INTEGER, display_name TEXT, deleted INTEGER DEFAULT 0);
CREATE TABLE mimetypes (_id INTEGER PRIMARY KEY, mimetype TEXT);
CREATE TABLE data (_id INTEGER PRIMARY KEY, raw_contact_id INTEGER, mimetype_id INTEGER, is_primary INTEGER, data1 TEXT, data2 TEXT, data3 TEXT, data4 TEXT);
INSERT INTO accounts VALUES (1, 'me@example.org', 'com.google'), (2, 'WhatsApp', 'com.whatsapp');
INSERT INTO mimetypes VALUES (1, 'vnd.android.cursor.item/name'), (2, 'vnd.android.cursor.item/phone_v2'), (3, 'vnd.android.cursor.item/email_v2'), (4, 'vnd.android.cursor.item/vnd.com.whatsapp.profile');
INSERT INTO raw_contacts VALUES (1, 1, 1, 'Daan de Vries', 0), (2, 1, 2, 'Sanne Jansen', 0), (3, 2, 1, 'Daan de Vries', 0), (4, 1, 3, 'Oud Contact', 1);
INSERT INTO data (_id, raw_contact_id, mimetype_id, data1, data2, data3, data4) VALUES
 (1, 1, 1, 'Daan de Vries', 'Daan', 'de Vries', NULL),
 (2, 1, 2, '06-12345001', '2', NULL, '+31612345001'),
 (3, 1, 3, 'daan@example.org', '1', NULL, NULL),
 (4, 2, 2, '06 12345002', '2', NULL, NULL),
 (5, 3, 4, '31612345001@s.whatsapp.net', NULL, NULL, NULL),
 (6, 4, 2, '0201234567', '1', NULL, NULL);
EOF
sqlite3 -bail "$a/data/com.android.providers.contacts/databases/calllog.db" <<'EOF'
CREATE TABLE calls (_id INTEGER PRIMARY KEY, number TEXT, presentation INTEGER, date INTEGER, duration INTEGER, type INTEGER, features INTEGER, name TEXT, countryiso TEXT, geocoded_location TEXT, phone_account_address TEXT, subscription_id TEXT, deleted INTEGER DEFAULT 0);
INSERT INTO calls (_id, number, presentation, date, duration, type, features, name, countryiso) VALUES
 (1, '+31612345001', 1, 1710448000000, 65, 1, 0, 'Daan de Vries', 'NL'),
 (2, '0612345002', 1, 1710448100000, 0, 3, 0, NULL, 'NL'),
 (3, '', 2, 1710448200000, 12, 1, 0, NULL, 'NL'),
 (4, '+447400123456', 1, 1710448300000, 300, 2, 1, NULL, 'NL');
EOF

# ---- Google Messages bugle_db (SMS, MMS, RCS) ----
# mkbugle DIR: a bugle_db with the public schema (reduced: the columns
# spoor reads plus a few neighbours), in a tree of its own so that the
# mmssms.db expectations stay as they are; and DIR-bad, a bugle_db that
# is not one (schema not recognised).  Participant 1 is the owner.
mkbugle() {
	local d=$1/data/data/com.google.android.apps.messaging/databases
	mkdir -p "$d" "$1-bad/databases"
	sqlite3 -bail "$d/bugle_db" <<'EOF'
CREATE TABLE conversations (_id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, latest_message_id INTEGER, snippet_text TEXT, sort_timestamp INTEGER, participant_count INTEGER);
CREATE TABLE participants (_id INTEGER PRIMARY KEY AUTOINCREMENT, sub_id INTEGER DEFAULT -2, sim_slot_id INTEGER DEFAULT -1, normalized_destination TEXT, send_destination TEXT, display_destination TEXT, full_name TEXT, first_name TEXT, contact_id INTEGER DEFAULT -1, lookup_key TEXT);
CREATE TABLE conversation_participants (_id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id INTEGER, participant_id INTEGER);
CREATE TABLE messages (_id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id INTEGER, sender_id INTEGER, sent_timestamp INTEGER, received_timestamp INTEGER, message_protocol INTEGER, message_status INTEGER, seen INTEGER DEFAULT 0, read INTEGER DEFAULT 0, sms_message_uri TEXT);
CREATE TABLE parts (_id INTEGER PRIMARY KEY AUTOINCREMENT, message_id INTEGER, text TEXT, uri TEXT, content_type TEXT, width INTEGER, height INTEGER, timestamp INTEGER, conversation_id INTEGER);
INSERT INTO conversations (_id, name, participant_count) VALUES (1, 'Daan de Vries', 1), (2, 'Klas 3B', 2);
INSERT INTO participants (_id, sub_id, normalized_destination, display_destination, full_name) VALUES
 (1, 1, '+31612345000', '06 12345000', NULL),
 (2, -2, '+31612345001', '06 12345001', 'Daan de Vries'),
 (3, -2, '+31612345002', '0612345002', 'Sanne Jansen'),
 (4, -2, '+447400123456', '+44 7400 123456', 'Emma Brown');
INSERT INTO conversation_participants (conversation_id, participant_id) VALUES (1, 2), (2, 3), (2, 4);
INSERT INTO messages (_id, conversation_id, sender_id, sent_timestamp, received_timestamp, message_protocol, message_status) VALUES
 (1, 1, 2, 1710446860000, 1710446861000, 0, 100),
 (2, 1, 1, 1710446900000, 1710446899000, 3, 2),
 (3, 2, 3, 1710446999000, 1710447000000, 1, 100),
 (4, 2, 1, 1710447100000, 1710447100000, 0, 8),
 (5, 1, 2, 1710447199000, 1710447200000, 0, 555);
INSERT INTO parts (message_id, text, uri, content_type, conversation_id) VALUES
 (1, 'Hoi via Berichten', NULL, 'text/plain', 1),
 (2, 'Ja, via RCS', NULL, 'text/plain', 1),
 (3, 'Foto!', NULL, 'text/plain', 2),
 (3, NULL, 'content://mms/part/7', 'image/jpeg', 2),
 (4, 'Niet verstuurd', NULL, 'text/plain', 2),
 (5, 'onbekende status', NULL, 'text/plain', 1);
EOF
	sqlite3 -bail "$1-bad/databases/bugle_db" \
		"CREATE TABLE messages (_id INTEGER PRIMARY KEY, body TEXT);"
}
mkbugle "$out/google"

# ---- a zip whose member names climb out (../) ----
if command -v python3 >/dev/null; then
	python3 - "$out/evil.zip" "$out/modern/data/data/com.whatsapp/databases/msgstore.db" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.write(sys.argv[2], "../../evil/msgstore.db")
    z.writestr("/abs/example.txt", "absoluut\n")
    z.writestr("a/../../../b/example.txt", "klim\n")
EOF
fi
echo "mkartifacts: fixtures in $out"
