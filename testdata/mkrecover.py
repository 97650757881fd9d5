#!/usr/bin/env python3
"""mkrecover.py OUTDIR: databases with deleted rows, for t-artifacts-recover.

Every database is written by the real SQLite library (python3's sqlite3
module) with the DDL of a supported app (from $SPOOR_SAMPLES/schemas when
that directory exists, else the reduced DDL below), secure_delete=OFF and
no VACUUM: known rows are inserted, a known third deleted one by one,
new rows inserted afterwards (they reuse the freed space) and some rows
edited (their earlier version is left behind).  Rollback-journal
databases are closed before they are copied; WAL databases are copied
while the writer still holds them open, so the WAL is not checkpointed.
The schemas' triggers are dropped first: some call functions only the
app has (Samsung's _DELETE_FILE), and none of them touch the tables
read here.

When the samples are there, one more database is real: WhatsApp iOS's
ChatStorage.sqlite of iLEAPP's test image (wa-ios-real), with a known
quarter of its real messages deleted in its WAL.

For each database OUTDIR/NAME/truth.json says what was done: the table,
its columns and rowid alias, every row's stored values before the
deletes ("deleted"), after everything ("live"), the versions the edits
replaced ("edited"), and how the plugin names the columns it shows
("fields": record field -> column).  The test searches the files for
each deleted row's bytes itself to know what is still there.
"""
import json
import os
import random
import shutil
import sqlite3
import sys
import zipfile

OUT = sys.argv[1]
# another set of rows for the same scenarios (the tests use 0)
SEED = int(os.environ.get('MKRECOVER_SEED', '0'))
SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLES = os.environ.get('SPOOR_SAMPLES',
                         os.path.join(SRC, '..', 'shared', 'samples'))

# The reduced DDL (the columns the plugins read, in the real order)
# when the samples are not there.
FALLBACK = {
    'android_msgstore_legacy_2018': '''
CREATE TABLE messages (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT NOT NULL, key_from_me INTEGER, key_id TEXT NOT NULL, status INTEGER, needs_push INTEGER, data TEXT, timestamp INTEGER, media_url TEXT, media_mime_type TEXT, media_wa_type TEXT, media_size INTEGER, media_name TEXT, media_caption TEXT, media_hash TEXT, media_duration INTEGER, origin INTEGER, latitude REAL, longitude REAL, thumb_image TEXT, remote_resource TEXT, received_timestamp INTEGER, send_timestamp INTEGER, receipt_server_timestamp INTEGER, receipt_device_timestamp INTEGER, read_device_timestamp INTEGER, played_device_timestamp INTEGER, raw_data BLOB, recipient_count INTEGER, participant_hash TEXT, starred INTEGER, quoted_row_id INTEGER, mentioned_jids TEXT, multicast_id TEXT, edit_version INTEGER, media_enc_hash TEXT, payment_transaction_id TEXT, forwarded INTEGER, preview_type INTEGER);
CREATE TABLE chat_list (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT UNIQUE, subject TEXT, creation INTEGER, archived INTEGER, sort_timestamp INTEGER);
''',
    'android_msgstore_transitional_2021-2022': '''
CREATE TABLE jid (_id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, server TEXT NOT NULL, agent INTEGER, device INTEGER, type INTEGER, raw_string TEXT);
CREATE TABLE chat (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid_row_id INTEGER UNIQUE, hidden INTEGER, subject TEXT, created_timestamp INTEGER, archived INTEGER, sort_timestamp INTEGER, group_type INTEGER);
CREATE TABLE message (_id INTEGER PRIMARY KEY AUTOINCREMENT, chat_row_id INTEGER NOT NULL, from_me INTEGER NOT NULL, key_id TEXT NOT NULL, sender_jid_row_id INTEGER, status INTEGER, broadcast INTEGER, recipient_count INTEGER, participant_hash TEXT, origination_flags INTEGER, origin INTEGER, timestamp INTEGER, received_timestamp INTEGER, receipt_server_timestamp INTEGER, message_type INTEGER, text_data TEXT, starred INTEGER, lookup_tables INTEGER, message_add_on_flags INTEGER, sort_id INTEGER NOT NULL DEFAULT 0);
''',
    'android_samsung_mmssms_android10': '''
CREATE TABLE sms (_id INTEGER PRIMARY KEY AUTOINCREMENT,thread_id INTEGER,address TEXT,person INTEGER,date INTEGER,date_sent INTEGER DEFAULT 0,protocol INTEGER,read INTEGER DEFAULT 0,status INTEGER DEFAULT -1,type INTEGER,reply_path_present INTEGER,subject TEXT,body TEXT,service_center TEXT,locked INTEGER DEFAULT 0,error_code INTEGER DEFAULT -1,sub_id INTEGER DEFAULT -1,creator TEXT,seen INTEGER DEFAULT 0);
''',
    'ios_sms_db_ios12': '''
CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT, service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT, UNIQUE (id, service));
CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER, state INTEGER, account_id TEXT, properties BLOB, chat_identifier TEXT, service_name TEXT, room_name TEXT, account_login TEXT, is_archived INTEGER DEFAULT 0, last_addressed_handle TEXT, display_name TEXT, group_id TEXT, is_filtered INTEGER, successful_query INTEGER);
CREATE TABLE chat_handle_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE, handle_id INTEGER REFERENCES handle (ROWID) ON DELETE CASCADE, UNIQUE(chat_id, handle_id));
CREATE TABLE chat_message_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE, message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, message_date INTEGER DEFAULT 0, PRIMARY KEY (chat_id, message_id));
CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT, replace INTEGER DEFAULT 0, service_center TEXT, handle_id INTEGER DEFAULT 0, subject TEXT, country TEXT, attributedBody BLOB, version INTEGER DEFAULT 0, type INTEGER DEFAULT 0, service TEXT, account TEXT, account_guid TEXT, error INTEGER DEFAULT 0, date INTEGER, date_read INTEGER, date_delivered INTEGER, is_delivered INTEGER DEFAULT 0, is_finished INTEGER DEFAULT 0, is_emote INTEGER DEFAULT 0, is_from_me INTEGER DEFAULT 0, is_empty INTEGER DEFAULT 0, is_delayed INTEGER DEFAULT 0, is_auto_reply INTEGER DEFAULT 0, is_prepared INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0, is_system_message INTEGER DEFAULT 0, is_sent INTEGER DEFAULT 0, has_dd_results INTEGER DEFAULT 0, is_service_message INTEGER DEFAULT 0, is_forward INTEGER DEFAULT 0, was_downgraded INTEGER DEFAULT 0, is_archive INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0, cache_roomnames TEXT, was_data_detected INTEGER DEFAULT 0, was_deduplicated INTEGER DEFAULT 0, is_audio_message INTEGER DEFAULT 0, is_played INTEGER DEFAULT 0, date_played INTEGER, item_type INTEGER DEFAULT 0, other_handle INTEGER DEFAULT 0, group_title TEXT, group_action_type INTEGER DEFAULT 0, share_status INTEGER DEFAULT 0, share_direction INTEGER DEFAULT 0, is_expirable INTEGER DEFAULT 0, expire_state INTEGER DEFAULT 0, message_action_type INTEGER DEFAULT 0, message_source INTEGER DEFAULT 0, associated_message_guid TEXT, associated_message_type INTEGER DEFAULT 0, balloon_bundle_id TEXT, payload_data BLOB, expressive_send_style_id TEXT, associated_message_range_location INTEGER DEFAULT 0, associated_message_range_length INTEGER DEFAULT 0, time_expressive_send_played INTEGER, message_summary_info BLOB, ck_sync_state INTEGER DEFAULT 0, ck_record_id TEXT, ck_record_change_tag TEXT, destination_caller_id TEXT, sr_ck_sync_state INTEGER DEFAULT 0, sr_ck_record_id TEXT, sr_ck_record_change_tag TEXT);
CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, created_date INTEGER DEFAULT 0, start_date INTEGER DEFAULT 0, filename TEXT, uti TEXT, mime_type TEXT, transfer_state INTEGER DEFAULT 0, is_outgoing INTEGER DEFAULT 0, user_info BLOB, transfer_name TEXT, total_bytes INTEGER DEFAULT 0, is_sticker INTEGER DEFAULT 0, sticker_user_info BLOB, attribution_info BLOB, hide_attachment INTEGER DEFAULT 0, ck_sync_state INTEGER DEFAULT 0, ck_server_change_token_blob BLOB, ck_record_id TEXT, original_guid TEXT UNIQUE NOT NULL, sr_ck_sync_state INTEGER DEFAULT 0, sr_ck_server_change_token_blob BLOB, sr_ck_record_id TEXT, is_commsafety_sensitive INTEGER DEFAULT 0);
CREATE TABLE message_attachment_join (message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, attachment_id INTEGER REFERENCES attachment (ROWID) ON DELETE CASCADE, UNIQUE(message_id, attachment_id));
''',
    'ios_whatsapp_ChatStorage_josh_ios15': '''
CREATE TABLE ZWACHATSESSION ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZARCHIVED INTEGER, ZCONTACTABID INTEGER, ZFLAGS INTEGER, ZHIDDEN INTEGER, ZIDENTITYVERIFICATIONEPOCH INTEGER, ZIDENTITYVERIFICATIONSTATE INTEGER, ZMESSAGECOUNTER INTEGER, ZREMOVED INTEGER, ZSESSIONTYPE INTEGER, ZSPOTLIGHTSTATUS INTEGER, ZUNREADCOUNT INTEGER, ZGROUPINFO INTEGER, ZLASTMESSAGE INTEGER, ZPROPERTIES INTEGER, ZLASTMESSAGEDATE TIMESTAMP, ZLOCATIONSHARINGENDDATE TIMESTAMP, ZCONTACTIDENTIFIER VARCHAR, ZCONTACTJID VARCHAR, ZETAG VARCHAR, ZLASTMESSAGETEXT VARCHAR, ZPARTNERNAME VARCHAR, ZSAVEDINPUT VARCHAR );
CREATE TABLE ZWAMESSAGE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCHILDMESSAGESDELIVEREDCOUNT INTEGER, ZCHILDMESSAGESPLAYEDCOUNT INTEGER, ZCHILDMESSAGESREADCOUNT INTEGER, ZDATAITEMVERSION INTEGER, ZDOCID INTEGER, ZENCRETRYCOUNT INTEGER, ZFILTEREDRECIPIENTCOUNT INTEGER, ZFLAGS INTEGER, ZGROUPEVENTTYPE INTEGER, ZISFROMME INTEGER, ZMESSAGEERRORSTATUS INTEGER, ZMESSAGESTATUS INTEGER, ZMESSAGETYPE INTEGER, ZSORT INTEGER, ZSPOTLIGHTSTATUS INTEGER, ZSTARRED INTEGER, ZCHATSESSION INTEGER, ZGROUPMEMBER INTEGER, ZLASTSESSION INTEGER, ZMEDIAITEM INTEGER, ZMESSAGEINFO INTEGER, ZPARENTMESSAGE INTEGER, ZMESSAGEDATE TIMESTAMP, ZSENTDATE TIMESTAMP, ZFROMJID VARCHAR, ZMEDIASECTIONID VARCHAR, ZPHASH VARCHAR, ZPUSHNAME VARCHAR, ZSTANZAID VARCHAR, ZTEXT VARCHAR, ZTOJID VARCHAR, ZOCRRESULTS BLOB );
''',
    'android_wa_db_2018': '''
CREATE TABLE wa_contacts (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid TEXT NOT NULL, is_whatsapp_user BOOLEAN NOT NULL, status TEXT, status_timestamp INTEGER, number TEXT, raw_contact_id INTEGER, display_name TEXT, phone_type INTEGER, phone_label TEXT, unseen_msg_count INTEGER, photo_ts INTEGER, thumb_ts INTEGER, photo_id_timestamp INTEGER, given_name TEXT, family_name TEXT, wa_name TEXT, sort_name TEXT, nickname TEXT, company TEXT, title TEXT);
''',
}

WORDS = ('hoi ja nee morgen school foto geld sturen bellen waar ben je nu '
         'zaterdag station fiets kom alleen niemand zeggen adres betalen '
         'wachten straks snel oké 😊 ❤️ ë').split()


def ddl(name):
    path = os.path.join(SAMPLES, 'schemas', name + '.sql')
    if os.path.exists(path):
        with open(path, encoding='utf-8') as f:
            return '\n'.join(l for l in f.read().split('\n')
                             if 'sqlite_sequence' not in l and
                             'sqlite_stat' not in l)
    return FALLBACK[name]


def words(rnd, tag, n):
    return tag + ' ' + ' '.join(rnd.choice(WORDS) for _ in range(n))


def length(rnd):
    # mostly chat-sized, some long (overflow pages at 4 KiB pages)
    return rnd.choice([1, 2, 4, 8, 15, 30, 60, 120, 400, 1200])


def open_db(path, wal):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute('PRAGMA secure_delete=OFF')
    db.execute('PRAGMA synchronous=OFF')    # no fsync: the format is alike
    return db


def load_schema(db, name):
    db.executescript(ddl(name))
    for (t,) in db.execute("SELECT name FROM sqlite_schema WHERE "
                           "type = 'trigger'").fetchall():
        db.execute('DROP TRIGGER "%s"' % t.replace('"', '""'))


def columns(db, table):
    return [r[1] for r in db.execute('PRAGMA table_info("%s")' % table)]


def alias(db, table):
    pk = [r for r in db.execute('PRAGMA table_info("%s")' % table) if r[5]]
    if len(pk) == 1 and pk[0][2].upper() == 'INTEGER':
        return pk[0][1]
    return None


def snapshot(db, table, idcol):
    out = {}
    for r in db.execute('SELECT * FROM "%s" ORDER BY rowid' % table):
        out[r[columns(db, table).index(idcol)]] = list(r)
    return out


def enc(v):
    if isinstance(v, bytes):
        return {'blob': v.hex()}
    return v


def insert(db, table, row):
    cols = ', '.join('"%s"' % c for c in row)
    q = ', '.join('?' for _ in row)
    db.execute('INSERT INTO "%s" (%s) VALUES (%s)' % (table, cols, q),
               list(row.values()))


def scenario(name, path, schema, table, fields, setup, make_row, edit_col,
             wal, n=400, seed=1, reuse=40, edits=12):
    """Build one database: n rows, a third deleted, reuse rows, edits."""
    rnd = random.Random(seed + 1000 * SEED)
    root = os.path.join(OUT, name)
    work = os.path.join(OUT, '.work-' + name)
    os.makedirs(work, exist_ok=True)
    dbfile = os.path.join(work, os.path.basename(path))
    db = open_db(dbfile, wal)
    load_schema(db, schema)
    setup(db)
    idcol = alias(db, table)
    for i in range(1, n + 1):
        insert(db, table, make_row(rnd, i))
    if wal:
        # the rows so far are in the main file; what follows stays in
        # the WAL (and older versions of its pages with it)
        db.execute('PRAGMA journal_mode=WAL')
        db.execute('PRAGMA wal_autocheckpoint=0')
    before = snapshot(db, table, idcol)
    ids = sorted(before)
    dele = sorted(rnd.sample(ids, n // 3))
    edited = {}
    for k, i in enumerate(dele):
        # a few rows per transaction, as an app deletes them
        if k % 5 == 0:
            db.execute('BEGIN')
        db.execute('DELETE FROM "%s" WHERE rowid = ?' % table, (i,))
        if k % 5 == 4 or k == len(dele) - 1:
            db.execute('COMMIT')
    for i in range(n + 1, n + reuse + 1):
        insert(db, table, make_row(rnd, i))
    for i in rnd.sample([i for i in ids if i not in dele], edits):
        edited[i] = before[i]
        db.execute('UPDATE "%s" SET "%s" = ? WHERE rowid = ?' %
                   (table, edit_col), (words(rnd, 'edited%05d' % i, 6), i))
    live = snapshot(db, table, idcol)
    cols = columns(db, table)
    dest = os.path.join(root, os.path.dirname(path))
    os.makedirs(dest, exist_ok=True)
    shutil.copy(dbfile, os.path.join(root, path))
    if wal:
        shutil.copy(dbfile + '-wal', os.path.join(root, path + '-wal'))
    db.close()
    shutil.rmtree(work)
    truth = {
        'db': path, 'wal': path + '-wal' if wal else None,
        'table': table, 'columns': cols, 'alias': idcol,
        'fields': fields,
        'deleted': [[enc(v) for v in before[i]] for i in dele],
        'live': [[enc(v) for v in live[i]] for i in sorted(live)],
        'edited': [[enc(v) for v in edited[i]] for i in sorted(edited)],
    }
    with open(os.path.join(root, 'truth.json'), 'w') as f:
        json.dump(truth, f)


# ---- the apps ----

def wa_legacy_row(rnd, i):
    row = {'_id': i, 'key_remote_jid': '316123450%02d@s.whatsapp.net' %
           (i % 9), 'key_from_me': i % 2, 'key_id': 'K%08X' % (i * 7919),
           'status': rnd.choice([0, 4, 5, 13]), 'needs_push': 0,
           'data': words(rnd, 'wa%05d' % i, length(rnd)),
           'timestamp': 1710000000000 + i * 61000, 'media_wa_type': '0',
           'media_size': 0, 'received_timestamp': 1710000000500 + i * 61000,
           'recipient_count': 0, 'starred': 0}
    if i % 11 == 0:     # a thumbnail blob: overflow pages
        row['raw_data'] = bytes(rnd.getrandbits(8) for _ in range(2500))
    return row


def wa_legacy_setup(db):
    for k in range(9):
        db.execute("INSERT INTO chat_list (key_remote_jid) VALUES (?)",
                   ('316123450%02d@s.whatsapp.net' % k,))


def wa_modern_setup(db):
    for k in range(1, 10):
        db.execute("INSERT INTO jid (_id, user, server, type, raw_string) "
                   "VALUES (?, ?, 's.whatsapp.net', 0, ?)",
                   (k, '316123450%02d' % k,
                    '316123450%02d@s.whatsapp.net' % k))
        db.execute("INSERT INTO chat (_id, jid_row_id) VALUES (?, ?)",
                   (k, k))


def wa_modern_row(rnd, i):
    return {'_id': i, 'chat_row_id': 1 + i % 9, 'from_me': i % 2,
            'key_id': 'M%08X' % (i * 104729), 'status': 13,
            'timestamp': 1711000000000 + i * 47000,
            'received_timestamp': 1711000000400 + i * 47000,
            'message_type': 0,
            'text_data': words(rnd, 'wm%05d' % i, length(rnd)),
            'sort_id': i}


def sms_row(rnd, i):
    return {'_id': i, 'thread_id': 1 + i % 6,
            'address': '0612345%03d' % (i % 40),
            'date': 1712000000000 + i * 33000,
            'date_sent': 1711999999000 + i * 33000,
            'read': i % 2, 'type': 1 + i % 2,
            'body': words(rnd, 'sms%05d' % i, length(rnd)), 'seen': 1}


def ios_setup(db):
    db.execute("INSERT INTO handle (ROWID, id, country, service) VALUES "
               "(1, '+31612345001', 'nl', 'SMS')")
    db.execute("INSERT INTO chat (ROWID, guid, style, chat_identifier, "
               "service_name, display_name) VALUES (1, "
               "'SMS;-;+31612345001', 45, '+31612345001', 'SMS', '')")
    db.execute("INSERT INTO chat_handle_join VALUES (1, 1)")


def ios_row(rnd, i):
    return {'ROWID': i, 'guid': 'G-%06d-%04X' % (i, i * 31337 % 65536),
            'text': words(rnd, 'ios%05d' % i, length(rnd)),
            'handle_id': 1, 'service': 'SMS',
            'date': (725000000 + i * 53) * 1000000000,
            'is_from_me': i % 2, 'is_read': 1}


def wai_setup(db):
    db.execute("INSERT INTO ZWACHATSESSION (Z_PK, Z_ENT, Z_OPT, "
               "ZSESSIONTYPE, ZCONTACTJID, ZPARTNERNAME) VALUES (1, 3, 1, "
               "0, '31612345001@s.whatsapp.net', 'Daan')")


def wai_row(rnd, i):
    return {'Z_PK': i, 'Z_ENT': 9, 'Z_OPT': 2, 'ZISFROMME': i % 2,
            'ZMESSAGESTATUS': 8, 'ZMESSAGETYPE': 0, 'ZSORT': i,
            'ZCHATSESSION': 1, 'ZMESSAGEDATE': 732000000.0 + i * 71.25,
            'ZSENTDATE': 732000000.0 + i * 71.25,
            'ZFROMJID': None if i % 2 else '31612345001@s.whatsapp.net',
            'ZTOJID': '31612345001@s.whatsapp.net' if i % 2 else None,
            'ZSTANZAID': '3EB0%012X' % (i * 2654435761 % (1 << 48)),
            'ZTEXT': words(rnd, 'wai%05d' % i, length(rnd))}


def wa_contact_row(rnd, i):
    return {'_id': i, 'jid': '3161%07d@s.whatsapp.net' % (i * 7),
            'is_whatsapp_user': 1, 'status': words(rnd, 'st%05d' % i, 3),
            'number': '+3161%07d' % (i * 7),
            'display_name': 'Persoon %05d %s' % (i, rnd.choice(WORDS)),
            'given_name': 'Persoon', 'wa_name': 'p%05d' % i}


def real_wa_ios():
    """The real ChatStorage.sqlite, every 4th message with text deleted."""
    z = os.path.join(SAMPLES, 'ileapp_whatsapp_ios',
                     'testdata.whatsApp.whatsAppMessages.josh_ios15_ffs.zip')
    if not os.path.exists(z):
        return
    path = ('private/var/mobile/Containers/Shared/AppGroup/'
            'group.net.whatsapp.WhatsApp.shared/ChatStorage.sqlite')
    root = os.path.join(OUT, 'wa-ios-real')
    work = os.path.join(OUT, '.work-real')
    os.makedirs(work)
    with zipfile.ZipFile(z) as zf:
        name = [n for n in zf.namelist()
                if n.endswith('/ChatStorage.sqlite')][0]
        with zf.open(name) as src, \
                open(os.path.join(work, 'ChatStorage.sqlite'), 'wb') as dst:
            shutil.copyfileobj(src, dst)
    dbfile = os.path.join(work, 'ChatStorage.sqlite')
    db = open_db(dbfile, True)
    db.execute('PRAGMA journal_mode=WAL')
    db.execute('PRAGMA wal_autocheckpoint=0')
    before = snapshot(db, 'ZWAMESSAGE', 'Z_PK')
    dele = [i for i in sorted(before)
            if before[i][columns(db, 'ZWAMESSAGE').index('ZTEXT')]][::4]
    db.execute('BEGIN')
    for i in dele:
        db.execute('DELETE FROM ZWAMESSAGE WHERE Z_PK = ?', (i,))
    db.execute('COMMIT')
    live = snapshot(db, 'ZWAMESSAGE', 'Z_PK')
    os.makedirs(os.path.join(root, os.path.dirname(path)))
    shutil.copy(dbfile, os.path.join(root, path))
    shutil.copy(dbfile + '-wal', os.path.join(root, path + '-wal'))
    cols = columns(db, 'ZWAMESSAGE')
    db.close()
    shutil.rmtree(work)
    with open(os.path.join(root, 'truth.json'), 'w') as f:
        json.dump({'db': path, 'wal': path + '-wal', 'table': 'ZWAMESSAGE',
                   'columns': cols, 'alias': 'Z_PK',
                   'fields': {'text': 'ZTEXT', 'key_id': 'ZSTANZAID',
                              'time_raw': 'ZMESSAGEDATE'},
                   'deleted': [[enc(v) for v in before[i]] for i in dele],
                   'live': [[enc(v) for v in live[i]] for i in live],
                   'edited': []}, f)


def main():
    if os.path.exists(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    none = (lambda db: None)
    scenario('wa-legacy', 'data/data/com.whatsapp/databases/msgstore.db',
             'android_msgstore_legacy_2018', 'messages',
             {'text': 'data', 'key_id': 'key_id', 'time_raw': 'timestamp'},
             wa_legacy_setup, wa_legacy_row, 'data', wal=False, seed=11)
    scenario('wa-modern', 'data/data/com.whatsapp/databases/msgstore.db',
             'android_msgstore_transitional_2021-2022', 'message',
             {'text': 'text_data', 'key_id': 'key_id',
              'time_raw': 'timestamp'},
             wa_modern_setup, wa_modern_row, 'text_data', wal=True, seed=12)
    scenario('sms', 'user_de/0/com.android.providers.telephony/databases/'
             'mmssms.db', 'android_samsung_mmssms_android10', 'sms',
             {'text': 'body', 'time_raw': 'date',
              'time_sent_raw': 'date_sent'},
             none, sms_row, 'body', wal=False, seed=13)
    scenario('ios-sms', 'private/var/mobile/Library/SMS/sms.db',
             'ios_sms_db_ios12', 'message',
             {'text': 'text', 'key_id': 'guid', 'time_raw': 'date'},
             ios_setup, ios_row, 'text', wal=True, seed=14)
    scenario('wa-ios', 'private/var/mobile/Containers/Shared/AppGroup/'
             'group.net.whatsapp.WhatsApp.shared/ChatStorage.sqlite',
             'ios_whatsapp_ChatStorage_josh_ios15', 'ZWAMESSAGE',
             {'text': 'ZTEXT', 'key_id': 'ZSTANZAID',
              'time_raw': 'ZMESSAGEDATE'},
             wai_setup, wai_row, 'ZTEXT', wal=False, seed=15)
    scenario('wa-contacts', 'data/data/com.whatsapp/databases/wa.db',
             'android_wa_db_2018', 'wa_contacts',
             {'jid': 'jid', 'name': 'display_name', 'phone_raw': 'number'},
             none, wa_contact_row, 'display_name', wal=True, seed=16,
             n=300, reuse=20, edits=8)
    real_wa_ios()


main()
