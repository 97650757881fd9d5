#!/usr/bin/env python3
"""mkapps.py OUTDIR: fixtures of phone apps for spoor-artifacts (issue 17).

Databases are written with python3's sqlite3 from the table and column
names of the public parsers (ALEAPP, iLEAPP, plaso; see each maker), the
blobs byte by byte in their wire formats: protobuf (Snapchat
message_content), TL (Telegram messages_v2.data, users.data), binary
NSKeyedArchiver plists (Instagram iOS).  Nothing here is spoor's code:
the tests compute what they expect from these files with their own
readers (tests/cli/oracle/apps.py).

    OUTDIR/android/data/data/<package>/...   an Android file system
    OUTDIR/ios/tree/private/var/mobile/...   an iOS file system
    OUTDIR/ios/backup/                       the iOS apps as an iTunes
                                             backup (Manifest.db,
                                             xx/<fileID>, AppDomain-*)
    OUTDIR/folders/<app>/                    an app's folder handed in
    OUTDIR/variants/<name>/                  schema generations and
                                             damaged or unknown content

Personas are fictional: Lotte Bakker (the phone's owner), Daan de Vries,
Sanne Jansen.  Times are fixed (March 2024).
"""
import hashlib
import json
import os
import plistlib
import shutil
import sqlite3
import struct
import sys

OUT = None

# ---- helpers ----


def mkdirs(path):
    os.makedirs(path, exist_ok=True)


def write(path, data):
    mkdirs(os.path.dirname(path))
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def jpeg(tag):
    """A tiny JPEG-looking file whose bytes differ per tag."""
    return (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01"
            b"\x00\x00" + tag.encode() + b"\xff\xd9")


def build_db(path, ddl, rows, wal_rows=(), wal_deletes=()):
    """Write a database at path: ddl, rows (sql, params) in the main
    file, then, when wal_rows or wal_deletes are given, a WAL holding
    them that is never checkpointed (the files are copied while the
    connection is open)."""
    mkdirs(os.path.dirname(path))
    work = path + ".work"
    for sfx in ("", "-wal", "-shm"):
        for p in (path + sfx, work + sfx):
            if os.path.exists(p):
                os.remove(p)
    con = sqlite3.connect(work, isolation_level=None)
    wal = bool(wal_rows or wal_deletes)
    if wal:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA wal_autocheckpoint=0")
    con.executescript(ddl)
    con.execute("BEGIN")
    for sql, params in rows:
        con.execute(sql, params)
    con.execute("COMMIT")
    if wal:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("BEGIN")
        for sql, params in wal_rows:
            con.execute(sql, params)
        for sql, params in wal_deletes:
            con.execute(sql, params)
        con.execute("COMMIT")
        shutil.copyfile(work, path)
        shutil.copyfile(work + "-wal", path + "-wal")
    con.close()
    if not wal:
        shutil.copyfile(work, path)
    for sfx in ("", "-wal", "-shm"):
        if os.path.exists(work + sfx):
            os.remove(work + sfx)


def prefs_xml(values):
    """An Android SharedPreferences file."""
    out = ["<?xml version='1.0' encoding='utf-8' standalone='yes' ?>",
           "<map>"]
    for k, v in values:
        if isinstance(v, bool):
            out.append('    <boolean name="%s" value="%s" />'
                       % (k, "true" if v else "false"))
        elif isinstance(v, int):
            out.append('    <long name="%s" value="%d" />' % (k, v))
        else:
            esc = (v.replace("&", "&amp;").replace("<", "&lt;")
                   .replace(">", "&gt;").replace('"', "&quot;"))
            out.append('    <string name="%s">%s</string>' % (k, esc))
    out.append("</map>")
    return "\n".join(out) + "\n"


# ---- protobuf (wire format, by hand) ----


def pb_varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def pb(fields):
    """fields: list of (number, value); int -> varint, bytes/str ->
    length-delimited, list -> nested message."""
    out = bytearray()
    for num, val in fields:
        if isinstance(val, int):
            out += pb_varint(num << 3 | 0) + pb_varint(val)
        else:
            if isinstance(val, list):
                val = pb(val)
            elif isinstance(val, str):
                val = val.encode()
            out += pb_varint(num << 3 | 2) + pb_varint(len(val)) + val
    return bytes(out)


# ---- Snapchat (ALEAPP snapchat.py) ----

SNAP_T0 = 1710446861000          # 2024-03-14T20:07:41Z, Unix ms
SC_OWNER = "0a1b2c3d-0000-4000-8000-00000000000a"   # lotte.b
SC_DAAN = "0a1b2c3d-0000-4000-8000-00000000000d"
SC_SANNE = "0a1b2c3d-0000-4000-8000-000000000005"
SC_CONV_1 = "11111111-2222-4333-8444-555555555501"
SC_CONV_G = "11111111-2222-4333-8444-5555555555a2"
SC_MEDIA_KEY = "b2ZmbGluZS1zbmFwLWtleS0x"
SC_CACHE_KEY = "cache_7f3a91"

SC_ARROYO_DDL = """
CREATE TABLE conversation (client_conversation_id TEXT PRIMARY KEY,
  conversation_metadata BLOB, creation_timestamp INTEGER,
  tombstoned_at_timestamp INTEGER, send_state_type INTEGER);
CREATE TABLE feed_entry (client_conversation_id TEXT PRIMARY KEY,
  last_updated_timestamp INTEGER, display_timestamp INTEGER,
  conversation_title TEXT, conversation_type INTEGER,
  participants BLOB, feedItemCreator TEXT, last_chat_sender TEXT,
  tombstoned INTEGER);
CREATE TABLE conversation_message (client_conversation_id TEXT,
  client_message_id INTEGER, server_message_id INTEGER,
  sender_id TEXT, creation_timestamp INTEGER, read_timestamp INTEGER,
  content_type INTEGER, message_content BLOB, message_state_type TEXT,
  is_saved INTEGER, is_viewed_by_user INTEGER, created_on_device INTEGER,
  remote_media_count INTEGER, replies_count INTEGER,
  quoted_server_message_id INTEGER,
  PRIMARY KEY (client_conversation_id, client_message_id));
"""


def uuid_bytes(u):
    return bytes.fromhex(u.replace("-", ""))


def sc_meta(uuids):
    return pb([(1, 7)] + [(3, [(1, [(1, uuid_bytes(u))])]) for u in uuids])


def sc_content(sender, conv, ctype, text=None, media_key=None):
    body = [(2, ctype)]
    if text is not None:
        body.append((4, [(2, [(1, text)])]))
    if media_key is not None:
        body.append((5, [(3, [(1, media_key), (2, 1)])]))
    return pb([(2, [(1, sender)]), (3, [(1, [(1, [(1, conv)])])]),
               (4, body), (6, [(1, 1), (2, 2)])])


def sc_msg(conv, mid, sender, ts, ctype, text=None, media_key=None,
           read=None, saved=0, quoted=None):
    return ("INSERT INTO conversation_message VALUES "
            "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (conv, mid, 9000 + mid, sender, ts, read, ctype,
             sc_content(sender, conv, ctype, text, media_key),
             "COMMITTED", saved, 1 if read else 0,
             1 if sender == SC_OWNER else 0, 1 if media_key else 0, 0,
             quoted))


def mk_snapchat_arroyo(path, wal=True):
    rows = [
        ("INSERT INTO conversation VALUES (?,?,?,?,?)",
         (SC_CONV_1, sc_meta([SC_OWNER, SC_DAAN]), SNAP_T0 - 86400000,
          None, 1)),
        ("INSERT INTO conversation VALUES (?,?,?,?,?)",
         (SC_CONV_G, sc_meta([SC_OWNER, SC_DAAN, SC_SANNE]),
          SNAP_T0 - 3600000, None, 1)),
        ("INSERT INTO feed_entry VALUES (?,?,?,?,?,?,?,?,?)",
         (SC_CONV_1, SNAP_T0 + 600000, SNAP_T0 + 600000, None, 0,
          uuid_bytes(SC_OWNER) + uuid_bytes(SC_DAAN), SC_DAAN, SC_DAAN,
          0)),
        ("INSERT INTO feed_entry VALUES (?,?,?,?,?,?,?,?,?)",
         (SC_CONV_G, SNAP_T0 + 900000, SNAP_T0 + 900000, "Zaterdag", 1,
          uuid_bytes(SC_OWNER) + uuid_bytes(SC_DAAN) +
          uuid_bytes(SC_SANNE), SC_SANNE, SC_SANNE, 0)),
        sc_msg(SC_CONV_1, 1, SC_DAAN, SNAP_T0, 1, "Hoi Lotte, ben je er?",
               read=SNAP_T0 + 30000),
        sc_msg(SC_CONV_1, 2, SC_OWNER, SNAP_T0 + 60000, 1,
               "Ja, wat is er? \U0001f60a"),
        sc_msg(SC_CONV_1, 3, SC_DAAN, SNAP_T0 + 120000, 2,
               media_key=SC_MEDIA_KEY),
        sc_msg(SC_CONV_G, 1, SC_SANNE, SNAP_T0 + 300000, 1,
               "Wie komt er zaterdag?", saved=1),
        sc_msg(SC_CONV_1, 4, SC_OWNER, SNAP_T0 + 180000, 1,
               "dit bericht wordt gewist"),
    ]
    wal_rows = [sc_msg(SC_CONV_1, 5, SC_DAAN, SNAP_T0 + 240000, 1,
                       "Stuur je een foto?", quoted=9001)] if wal else []
    wal_del = [("DELETE FROM conversation_message WHERE "
                "client_conversation_id = ? AND client_message_id = ?",
                (SC_CONV_1, 4))] if wal else []
    build_db(path, SC_ARROYO_DDL, rows, wal_rows, wal_del)


def mk_snapchat_android(root):
    app = os.path.join(root, "com.snapchat.android")
    mk_snapchat_arroyo(os.path.join(app, "databases/arroyo.db"))
    build_db(os.path.join(app, "databases/main.db"), """
CREATE TABLE Friend (_id INTEGER PRIMARY KEY AUTOINCREMENT,
  userId TEXT UNIQUE, username TEXT, displayName TEXT, phone TEXT,
  birthday INTEGER, addedTimestamp INTEGER, reverseAddedTimestamp INTEGER,
  friendLinkType INTEGER);
""", [
        ("INSERT INTO Friend (userId, username, displayName, phone, "
         "birthday, addedTimestamp, reverseAddedTimestamp, friendLinkType) "
         "VALUES (?,?,?,?,?,?,?,?)", r) for r in [
             (SC_OWNER, "lotte.b", "Lotte", None, None, 0, 0, 0),
             (SC_DAAN, "daan.dv", "Daan de Vries", "06-12345001", 1214,
              SNAP_T0 - 864000000, SNAP_T0 - 863000000, 0),
             (SC_SANNE, "sanne_j", "Sanne", None, None,
              SNAP_T0 - 500000000, SNAP_T0 - 400000000, 0)]])
    build_db(os.path.join(app, "databases/native_content_manager/"
                          "cache_controller.db"), """
CREATE TABLE CACHE_FILE_CLAIM (CACHE_KEY TEXT, EXTERNAL_KEY TEXT,
  CREATION_TIMESTAMP_MILLIS INTEGER, DELETED_TIMESTAMP_MILLIS INTEGER);
CREATE TABLE CACHE_FILE_METADATA (CACHE_KEY TEXT PRIMARY KEY,
  FILE_SIZE_BYTES INTEGER);
""", [("INSERT INTO CACHE_FILE_CLAIM VALUES (?,?,?,?)",
       (SC_CACHE_KEY, "chat_snap.chat_snap-" + SC_MEDIA_KEY,
        SNAP_T0 + 120500, None)),
      ("INSERT INTO CACHE_FILE_CLAIM VALUES (?,?,?,?)",
       ("cache_lens01", "lens.lens-abc", SNAP_T0, None))])
    write(os.path.join(app, "files/native_content_manager/"
                       "com.snap.file_manager_3_SCContent_9a7f/"
                       + SC_CACHE_KEY), jpeg("snap-from-daan"))
    write(os.path.join(app, "shared_prefs/user_session_shared_pref.xml"),
          prefs_xml([("key_user_id", SC_OWNER),
                     ("INSTALL_ON_DEVICE_TIMESTAMP_SEC", 1700000000)]))


def mk_snapchat_ios(container):
    docs = os.path.join(container, "Documents")
    mk_snapchat_arroyo(os.path.join(
        docs, "user_scoped/5f2a9c01e4/arroyo/arroyo.db"))
    write(os.path.join(docs, "user.plist"), plistlib.dumps(
        {"user_id": SC_OWNER, "username": "lotte.b"},
        fmt=plistlib.FMT_BINARY))


def mk_snapchat_newer(path):
    """A newer app version that keeps no conversation_message table."""
    build_db(path, """
CREATE TABLE conversation (client_conversation_id TEXT PRIMARY KEY);
CREATE TABLE message_v2 (id INTEGER PRIMARY KEY, payload BLOB);
""", [("INSERT INTO message_v2 VALUES (1, x'0a0568616c6c6f')", ())])


# ---- Telegram Android (ALEAPP telegramAndroid.py; TL layouts from the
# public API schema: message#94345242 and #38116ee0,
# messageService#2b085862, user#83314fca, peers, forward and reply
# headers) ----

TG_T0 = 1710446861                # Unix s
TG_OWNER = 5012345678
TG_DAAN = 6023456789
TG_SANNE = 7034567890
TG_GROUP = 4012345              # a basic group: dialog id -4012345


def tl_int(v):
    return struct.pack("<i", v)


def tl_uint(v):
    return struct.pack("<I", v)


def tl_long(v):
    return struct.pack("<q", v)


def tl_str(s):
    b = s.encode() if isinstance(s, str) else s
    if len(b) < 254:
        head = bytes([len(b)])
    else:
        head = bytes([254]) + struct.pack("<I", len(b))[:3]
    body = head + b
    return body + b"\0" * ((4 - len(body) % 4) % 4)


def tl_peer_user(uid):
    return tl_uint(0x59511722) + tl_long(uid)


def tl_peer_chat(cid):
    return tl_uint(0x36c6019a) + tl_long(cid)


def tl_fwd(from_uid, date):
    return tl_uint(0x4e4df4bb) + tl_int(1) + tl_peer_user(from_uid) + \
        tl_int(date)


def tl_reply(msg_id):
    return tl_uint(0xafbc09db) + tl_int(16) + tl_int(msg_id)


def tl_msg(mid, peer, date, text, out=False, from_uid=None, fwd=None,
           reply=None, media=None, layer=177):
    """message#94345242 (layer 177) or #38116ee0 (layer 135)."""
    flags = 0
    if out:
        flags |= 2
    if from_uid is not None:
        flags |= 256
    if fwd is not None:
        flags |= 4
    if reply is not None:
        flags |= 8
    if media is not None:
        flags |= 512
    b = tl_uint(0x94345242 if layer == 177 else 0x38116ee0) + \
        tl_int(flags)
    if layer == 177:
        b += tl_int(0)                           # flags2
    b += tl_int(mid)
    if from_uid is not None:
        b += tl_peer_user(from_uid)
    b += peer
    if fwd is not None:
        b += fwd
    if reply is not None:
        b += reply
    b += tl_int(date) + tl_str(text)
    if media is not None:
        b += tl_uint(media) + b"\0" * 24        # the media body: not read
    return b


def tl_service_create(mid, from_uid, chat, date, title, users):
    return (tl_uint(0x2b085862) + tl_int(256 | 2) + tl_int(mid) +
            tl_peer_user(from_uid) + tl_peer_chat(chat) + tl_int(date) +
            tl_uint(0xbd47cbad) + tl_str(title) + tl_uint(0x1cb5c415) +
            tl_int(len(users)) + b"".join(tl_long(u) for u in users))


def tl_user(uid, first, last, username, phone, self_=False, contact=False):
    flags = 1 | 2 | (4 if last else 0) | (8 if username else 0) | \
        (16 if phone else 0) | (1024 if self_ else 0) | \
        (2048 if contact else 0)
    b = tl_uint(0x83314fca) + tl_int(flags) + tl_int(0) + tl_long(uid) + \
        tl_long(0x1122334455667788) + tl_str(first)
    if last:
        b += tl_str(last)
    if username:
        b += tl_str(username)
    if phone:
        b += tl_str(phone)
    return b + tl_uint(0x4f11bae1)               # photo: empty, not read


TG_DDL = """
CREATE TABLE users (uid INTEGER PRIMARY KEY, name TEXT, status INTEGER,
  data BLOB);
CREATE TABLE chats (uid INTEGER PRIMARY KEY, name TEXT, data BLOB);
CREATE TABLE dialogs (did INTEGER PRIMARY KEY, date INTEGER,
  unread_count INTEGER, last_mid INTEGER, inbox_max INTEGER,
  outbox_max INTEGER, last_mid_i INTEGER, unread_count_i INTEGER,
  pts INTEGER, date_i INTEGER, pinned INTEGER, flags INTEGER,
  folder_id INTEGER, data BLOB);
CREATE TABLE messages_v2 (mid INTEGER, uid INTEGER, read_state INTEGER,
  send_state INTEGER, date INTEGER, data BLOB, out INTEGER, ttl INTEGER,
  media INTEGER, replydata BLOB, imp INTEGER, mention INTEGER,
  forwards INTEGER, replies_data BLOB, thread_reply_id INTEGER,
  is_channel INTEGER, reply_to_message_id INTEGER, custom_params BLOB,
  group_id INTEGER, reply_to_story_id INTEGER,
  PRIMARY KEY(mid, uid));
CREATE TABLE user_contacts_v7 (key TEXT PRIMARY KEY, uid INTEGER,
  fname TEXT, sname TEXT, imported INTEGER);
CREATE TABLE user_phones_v7 (key TEXT, phone TEXT, sphone TEXT,
  deleted INTEGER, PRIMARY KEY (key, phone));
"""


def tg_row(mid, uid, date, data, out):
    return ("INSERT INTO messages_v2 (mid, uid, read_state, send_state, "
            "date, data, out) VALUES (?,?,?,?,?,?,?)",
            (mid, uid, 1, 0, date, data, out))


def mk_telegram(root):
    app = os.path.join(root, "org.telegram.messenger")
    pd = tl_peer_user(TG_DAAN)
    pg = tl_peer_chat(TG_GROUP)
    rows = [
        ("INSERT INTO users VALUES (?,?,?,?)",
         (TG_OWNER, "lotte bakker;;;lotteb", 0,
          tl_user(TG_OWNER, "Lotte", "Bakker", "lotteb", "31612345003",
                  self_=True))),
        ("INSERT INTO users VALUES (?,?,?,?)",
         (TG_DAAN, "daan de vries;;;daandv", 0,
          tl_user(TG_DAAN, "Daan", "de Vries", "daandv", "31612345001",
                  contact=True))),
        ("INSERT INTO users VALUES (?,?,?,?)",
         (TG_SANNE, "sanne;;;", 0,
          tl_user(TG_SANNE, "Sanne", None, None, None))),
        ("INSERT INTO users VALUES (?,?,?,?)",      # an older layer
         (8045678901, "oud account;;;", 0,
          tl_uint(0x2e13f4c3) + b"\0" * 40)),
        ("INSERT INTO chats VALUES (?,?,?)",
         (TG_GROUP, "klas 3b", b"\0\0\0\0")),
        ("INSERT INTO dialogs (did, date, unread_count) VALUES (?,?,?)",
         (TG_DAAN, TG_T0 + 600, 0)),
        ("INSERT INTO dialogs (did, date, unread_count) VALUES (?,?,?)",
         (-TG_GROUP, TG_T0 + 900, 2)),
        ("INSERT INTO user_contacts_v7 VALUES (?,?,?,?,?)",
         ("k1", TG_DAAN, "Daan", "de Vries", 1)),
        ("INSERT INTO user_phones_v7 VALUES (?,?,?,?)",
         ("k1", "+31 6 12345001", "31612345001", 0)),
        tg_row(1, TG_DAAN, TG_T0, tl_msg(
            1, pd, TG_T0, "Hoi Lotte", from_uid=TG_DAAN), 0),
        tg_row(2, TG_DAAN, TG_T0 + 60, tl_msg(
            2, pd, TG_T0 + 60, "Hallo Daan \u2013 alles goed?", out=True,
            from_uid=TG_OWNER), 1),
        tg_row(3, TG_DAAN, TG_T0 + 120, tl_msg(
            3, pd, TG_T0 + 120, "kijk wat Sanne stuurde",
            fwd=tl_fwd(TG_SANNE, TG_T0 - 3600)), 0),
        tg_row(4, TG_DAAN, TG_T0 + 180, tl_msg(
            4, pd, TG_T0 + 180, "antwoord op je eerste bericht", out=True,
            from_uid=TG_OWNER, reply=tl_reply(1)), 1),
        tg_row(5, TG_DAAN, TG_T0 + 240, tl_msg(
            5, pd, TG_T0 + 240, "foto van vandaag", from_uid=TG_DAAN,
            media=0x695150d7, layer=135), 0),
        tg_row(6, -TG_GROUP, TG_T0 + 300, tl_service_create(
            6, TG_SANNE, TG_GROUP, TG_T0 + 300, "Klas 3B",
            [TG_SANNE, TG_OWNER, TG_DAAN]), 0),
        tg_row(7, -TG_GROUP, TG_T0 + 360, tl_msg(
            7, pg, TG_T0 + 360, "Wie heeft het huiswerk?",
            from_uid=TG_SANNE), 0),
        tg_row(8, TG_DAAN, TG_T0 + 420, tl_uint(0x12345678) +
               b"\0" * 32, 0),
        tg_row(9, TG_DAAN, TG_T0 + 480, tl_msg(
            9, pd, TG_T0 + 480, "een sticker", from_uid=TG_DAAN,
            media=0xdeadbeef), 0),
    ]
    wal = [tg_row(10, TG_DAAN, TG_T0 + 540, tl_msg(
        10, pd, TG_T0 + 540, "alleen in de WAL", from_uid=TG_DAAN), 0)]
    build_db(os.path.join(app, "files/cache4.db"), TG_DDL, rows, wal)
    import base64
    write(os.path.join(app, "shared_prefs/userconfing.xml"), prefs_xml([
        ("user", base64.b64encode(tl_user(
            TG_OWNER, "Lotte", "Bakker", "lotteb", "31612345003",
            self_=True)).decode()),
        ("registeredForPush", True)]))


def mk_telegram_old(path):
    """An app version without messages_v2."""
    build_db(path, """
CREATE TABLE messages (mid INTEGER PRIMARY KEY, uid INTEGER, data BLOB);
""", [("INSERT INTO messages VALUES (1, 1, x'00')", ())])


# ---- Instagram Android (ALEAPP instagram.py as docs/artifacts.md 3.15
# describes it; HPI my/instagram/android.py) ----

IG_T0 = 1710446861000000          # Unix us
IG_OWNER = "48213570011"
IG_DAAN = "48213570022"
IG_SANNE = "48213570033"

IG_DIRECT_DDL = """
CREATE TABLE session (user_id TEXT PRIMARY KEY);
CREATE TABLE threads (_id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT, thread_id TEXT, thread_info TEXT,
  last_activity_time INTEGER);
CREATE TABLE messages (_id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT, server_item_id TEXT, client_item_id TEXT, thread_id TEXT,
  recipient_ids TEXT, timestamp INTEGER, message_type TEXT, text TEXT,
  message_id TEXT, message TEXT);
"""


def ig_user(pk, username, name, key="pk_id"):
    return {key: pk, "username": username, "full_name": name}


def ig_msg(rid, thread, sender, ts, item_type, text=None, extra=None):
    j = {"item_id": "3%017d" % rid, "item_type": item_type,
         "user_id": int(sender), "timestamp": str(ts),
         "thread_key": {"thread_id": thread}}
    if text is not None and item_type == "text":
        j["text"] = text
    if extra:
        j.update(extra)
    return ("INSERT INTO messages (user_id, server_item_id, thread_id, "
            "timestamp, message_type, text, message) VALUES "
            "(?,?,?,?,?,?,?)",
            (IG_OWNER, j["item_id"], thread, ts, item_type,
             text if item_type == "text" else None, json.dumps(j)))


def mk_instagram_android(root, empty=False):
    app = os.path.join(root, "com.instagram.android")
    t1, t2 = "340282366841710300949128111111111111111", \
        "340282366841710300949128222222222222222"
    rows = [("INSERT INTO session VALUES (?)", (IG_OWNER,))]
    rows.append(("INSERT INTO threads (user_id, thread_id, thread_info, "
                 "last_activity_time) VALUES (?,?,?,?)",
                 (IG_OWNER, t1, json.dumps({
                     "thread_id": t1, "thread_v2_id": "178000000001",
                     "recipients": [ig_user(IG_DAAN, "daan.devries",
                                            "Daan de Vries")],
                     "inviter": ig_user(IG_OWNER, "lotte.bakker",
                                        "Lotte Bakker", "pk")}),
                  IG_T0 + 600000000)))
    rows.append(("INSERT INTO threads (user_id, thread_id, thread_info, "
                 "last_activity_time) VALUES (?,?,?,?)",
                 (IG_OWNER, t2, json.dumps({
                     "thread_id": t2, "thread_title": "Klas 3B",
                     "users": [ig_user(int(IG_DAAN), "daan.devries",
                                       "Daan de Vries", "pk"),
                               ig_user(IG_SANNE, "sanne.j", "Sanne Jansen",
                                       "id")]}), IG_T0 + 900000000)))
    wal = []
    if not empty:
        rows += [
            ig_msg(1, t1, IG_DAAN, IG_T0, "text", "Hoi! Leuk profiel"),
            ig_msg(2, t1, IG_OWNER, IG_T0 + 60000000, "text",
                   "Dank je \u263a"),
            ig_msg(3, t1, IG_DAAN, IG_T0 + 120000000, "media", extra={
                "media": {"image_versions2": {"candidates": [
                    {"url": "https://scontent.cdninstagram.com/v/t51/"
                     "a1.jpg", "width": 1080}]}, "media_type": 1}}),
            ig_msg(4, t2, IG_SANNE, IG_T0 + 300000000, "reel_share",
                   extra={"reel_share": {"text": "kijk deze reel"}}),
            ig_msg(5, t1, IG_DAAN, IG_T0 + 360000000, "xma_clip",
                   extra={"xma_clip": [{"title": "?"}]}),
        ]
        wal = [ig_msg(6, t1, IG_DAAN, IG_T0 + 420000000, "text",
                      "Stuur je nummer?")]
    build_db(os.path.join(app, "databases/direct.db"), IG_DIRECT_DDL,
             rows, wal)
    build_db(os.path.join(app, "databases/ig_msys_database_100089123456"),
             """
CREATE TABLE contacts (id TEXT PRIMARY KEY, name TEXT, first_name TEXT,
  last_name TEXT, username TEXT, phone_number TEXT, email_address TEXT,
  is_messenger_user INTEGER, contact_type INTEGER,
  blocked_by_viewer_status INTEGER, blocked_since_timestamp_ms INTEGER,
  profile_picture_url TEXT);
""", [("INSERT INTO contacts (id, name, first_name, last_name, username, "
       "phone_number, blocked_since_timestamp_ms) VALUES "
       "(?,?,?,?,?,?,?)", r) for r in [
           (IG_DAAN, "Daan de Vries", "Daan", "de Vries", "daan.devries",
            "+31 6 12345001", None),
           ("48213570099", "Onbekend", None, None, "spam.acc99", None,
            1710000000000)]])
    write(os.path.join(app, "shared_prefs/"
                       "com.instagram.android_preferences.xml"),
          prefs_xml([("current", json.dumps({
              "username": "lotte.bakker", "full_name": "Lotte Bakker",
              "id": IG_OWNER, "is_business": False}))]))

# ---- Instagram iOS (plaso ios_instagram.py: the tables, and the keys of
# the NSKeyedArchiver archives) ----

class Date(float):
    """An NSDate: Cocoa seconds."""


def keyed_archive(root):
    """A binary NSKeyedArchiver plist of nested dicts/lists/strings/ints
    and Date values (written here by hand, as Foundation lays it out)."""
    objs = ["$null"]
    classes = {}

    def cls(name):
        if name not in classes:
            objs.append({"$classname": name,
                         "$classes": [name, "NSObject"]})
            classes[name] = plistlib.UID(len(objs) - 1)
        return classes[name]

    def enc(v):
        if v is None:
            return plistlib.UID(0)
        if isinstance(v, Date):
            o = {"NS.time": float(v), "$class": cls("NSDate")}
        elif isinstance(v, (str, int)):
            o = v
        elif isinstance(v, list):
            o = {"NS.objects": [enc(x) for x in v],
                 "$class": cls("NSArray")}
        else:
            o = {k: enc(x) for k, x in v.items() if k != "$classname"}
            o["$class"] = cls(v.get("$classname", "NSObject"))
        objs.append(o)
        return plistlib.UID(len(objs) - 1)

    top = enc(root)
    return plistlib.dumps({"$archiver": "NSKeyedArchiver",
                           "$version": 100000, "$top": {"root": top},
                           "$objects": objs}, fmt=plistlib.FMT_BINARY)


COCOA = 978307200
IGI_DB = "Library/Application Support/DirectSQLiteDatabase/%s.db" % IG_OWNER


def igi_user(pk, username, name):
    return {"$classname": "IGUser", "pk": pk, "username": username,
            "fullName": name}


def igi_msg(rid, thread, sender, t, text=None, media_url=None, call=None):
    content = {"$classname": "IGDirectPublishedMessageContent"}
    if text is not None:
        content["NSString*string"] = text
    if media_url is not None:
        content["IGDirectPublishedMessageMedia*media"] = {
            "IGDirectPublishedMessagePermanentMedia*permanentMedia": {
                "IGPhoto*photo": {"imageVersions": [
                    {"url": media_url, "width": 1080}]}}}
    if call is not None:
        content["IGDirectThreadActivityAnnouncement*threadActivity"] = {
            "NSString*voipTitle": call, "NSString*videoCallId": "vc1"}
    arch = keyed_archive({
        "$classname": "IGDirectPublishedMessage",
        "IGDirectPublishedMessageContent*content": content,
        "IGDirectPublishedMessageMetadata*metadata": {
            "NSString*senderPk": sender,
            "NSDate*serverTimestamp": Date(t - COCOA)}})
    return ("INSERT INTO messages (message_id, thread_id, archive, "
            "class_name) VALUES (?,?,?,?)",
            ("msg-%d" % rid, thread, arch, "IGDirectPublishedMessage"))


def mk_instagram_ios(container):
    t1, t2 = "thread-daan-01", "thread-klas-02"
    rows = [
        ("INSERT INTO threads (thread_id, thread_id_v2, viewer_id, "
         "metadata) VALUES (?,?,?,?)", (t1, "178000000001", IG_OWNER,
         keyed_archive({"IGUser*inviter": igi_user(
             IG_OWNER, "lotte.bakker", "Lotte Bakker"),
             "NSArray<IGUser *>*users": [igi_user(
                 IG_DAAN, "daan.devries", "Daan de Vries")]}))),
        ("INSERT INTO threads (thread_id, thread_id_v2, viewer_id, "
         "metadata) VALUES (?,?,?,?)", (t2, None, IG_OWNER,
         keyed_archive({"NSArray<IGUser *>*users": [
             igi_user(IG_DAAN, "daan.devries", "Daan de Vries"),
             igi_user(IG_SANNE, "sanne.j", "Sanne Jansen")]}))),
        igi_msg(1, t1, IG_DAAN, 1710446861, text="Hoi! Leuk profiel"),
        igi_msg(2, t1, IG_OWNER, 1710446921, text="Dank je \u263a"),
        igi_msg(3, t1, IG_DAAN, 1710446981, media_url="https://scontent."
                "cdninstagram.com/v/t51/a1.jpg"),
        igi_msg(4, t1, IG_DAAN, 1710447041, call="Daan started a video "
                "chat"),
        igi_msg(5, t2, IG_SANNE, 1710447101, text="Wie komt er?"),
        igi_msg(6, t2, IG_SANNE, 1710447161),
        ("INSERT INTO messages (message_id, thread_id, archive, "
         "class_name) VALUES (?,?,?,?)", ("msg-7", t2,
                                          b"not an archive", "?")),
    ]
    wal = [igi_msg(8, t1, IG_DAAN, 1710447221, text="alleen in de WAL")]
    build_db(os.path.join(container, IGI_DB), """
CREATE TABLE messages ( message_id TEXT NOT NULL, thread_id TEXT NOT NULL,
  archive BLOB NOT NULL, class_name TEXT NOT NULL,
  row_id INTEGER PRIMARY KEY AUTOINCREMENT);
CREATE TABLE threads ( thread_id TEXT UNIQUE NOT NULL, thread_id_v2 TEXT,
  viewer_id TEXT NOT NULL, metadata BLOB, thread_messages_range BLOB,
  visual_message_info BLOB, row_id INTEGER PRIMARY KEY AUTOINCREMENT);
""", rows, wal)

# ---- TikTok (ALEAPP tikTok.py, iLEAPP tikTok.py) ----

TT_T0 = 1710446861000            # Unix ms
TT_OWNER = "7012345678901234567"
TT_DAAN = "6987654321098765432"
TT_SANNE = "6911122233344455566"
TT_CONV = "0:1:%s:%s" % (TT_DAAN, TT_OWNER)


def tt_content(text=None, **kw):
    d = dict(kw)
    if text is not None:
        d["text"] = text
    return json.dumps(d)


def mk_tiktok_android(root):
    app = os.path.join(root, "com.zhiliaoapp.musically")
    db = os.path.join(app, "databases")

    def m(sender, dt, content, typ=7, read=1):
        return ("INSERT INTO msg (msg_uuid, conversation_id, sender, "
                "created_time, content, type, deleted, read_status) "
                "VALUES (?,?,?,?,?,?,?,?)",
                ("u%d" % dt, TT_CONV, int(sender), TT_T0 + dt * 1000,
                 content, typ, 0, read))
    build_db(os.path.join(db, TT_OWNER + "_im.db"), """
CREATE TABLE msg (msg_uuid TEXT PRIMARY KEY, msg_server_id INTEGER,
  conversation_id TEXT, conversation_type INTEGER, sender INTEGER,
  created_time INTEGER, content TEXT, type INTEGER, deleted INTEGER,
  read_status INTEGER, index_in_conversation INTEGER);
""", [m(TT_DAAN, 0, tt_content("hey, ben jij Lotte?")),
      m(TT_OWNER, 60, tt_content("ja hoi")),
      m(TT_DAAN, 120, tt_content(display_name="dance.gif",
                                 url={"url_list": [
                                     "https://p16.tiktokcdn.com/g.gif"]}),
        typ=5),
      m(TT_DAAN, 180, "not json {", typ=7)],
          [m(TT_DAAN, 240, tt_content("alleen in de WAL"), read=0)])
    build_db(os.path.join(db, "db_im_xx"), """
CREATE TABLE SIMPLE_USER (UID TEXT PRIMARY KEY, NICK_NAME TEXT,
  UNIQUE_ID TEXT, INITIAL_LETTER TEXT, AVATAR_THUMB TEXT,
  FOLLOW_STATUS INTEGER);
""", [("INSERT INTO SIMPLE_USER VALUES (?,?,?,?,?,?)", r) for r in [
        (TT_OWNER, "Lotte", "lotte.b.tt", "L", None, 0),
        (TT_DAAN, "Daan \U0001f3b8", "daandv_official", "D",
         json.dumps({"url_list": ["https://p16/a.jpg"]}), 2)]])
    build_db(os.path.join(db, "db_im_contact"), """
CREATE TABLE IM_USER_BASE_INFO (UID TEXT PRIMARY KEY, NICK_NAME TEXT,
  UNIQUE_ID TEXT, INITIAL_LETTER TEXT, AVATAR_THUMB TEXT,
  FOLLOW_STATUS INTEGER, UPDATE_TIME INTEGER, BLOCK INTEGER,
  DELETED INTEGER);
""", [("INSERT INTO IM_USER_BASE_INFO VALUES (?,?,?,?,?,?,?,?,?)",
       (TT_SANNE, "Sanne", "sanne.j.tt", "S", None, 1, TT_T0 - 5000000,
        0, 0))])
    write(os.path.join(app, "shared_prefs/aweme_user.xml"), prefs_xml([
        ("current_foreground_uid", TT_OWNER),
        (TT_OWNER + "_significant_user_info", json.dumps(
            {"uid": TT_OWNER, "name": "Lotte"}))]))


def mk_tiktok_ios(container):
    chat = os.path.join(container, "Library/Application Support/ChatFiles")

    def m(sender, dt, content):
        return ("INSERT INTO TIMMessageORM (identifier, sender, "
                "localcreatedat, servercreatedat, content, "
                "belongingConversationIdentifier) VALUES (?,?,?,?,?,?)",
                ("i%d" % dt, sender, TT_T0 / 1000 + dt + 0.25,
                 TT_T0 / 1000 + dt + 1, content, TT_CONV))
    build_db(os.path.join(chat, TT_OWNER, "db.sqlite"), """
CREATE TABLE TIMMessageORM (identifier TEXT PRIMARY KEY, sender TEXT,
  localcreatedat REAL, servercreatedat REAL, content TEXT,
  belongingConversationIdentifier TEXT);
""", [m(TT_DAAN, 0, tt_content("hey, ben jij Lotte?")),
      m(TT_OWNER, 60, tt_content("ja hoi")),
      m(TT_DAAN, 120, tt_content(tips="Daan liked your video")),
      m(TT_DAAN, 180, tt_content(aweType=700))],
        [m(TT_DAAN, 240, tt_content("alleen in de WAL"))])
    build_db(os.path.join(chat, "AwemeIM.db"), """
CREATE TABLE AwemeContactsV5 (uid TEXT PRIMARY KEY, customid TEXT,
  nickname TEXT, url1 TEXT, latestchattimestamp REAL);
""", [("INSERT INTO AwemeContactsV5 VALUES (?,?,?,?,?)", r) for r in [
        (TT_OWNER, "lotte.b.tt", "Lotte", None, None),
        (TT_DAAN, "daandv_official", "Daan \U0001f3b8", "https://p16/a.jpg",
         TT_T0 / 1000 + 180)]])

# ---- Discord (ALEAPP and iLEAPP discordChats.py; the message objects
# of Discord's public API) ----

DC_OWNER = "1012345678901234567"
DC_DAAN = "1098765432109876543"
DC_CHAN = "1200000000000000001"


def dc_msg(mid, author, username, ts, content, mtype=0, edited=None,
           attachments=(), reply=None, global_name=None):
    m = {"id": mid, "channel_id": DC_CHAN, "type": mtype,
         "content": content, "timestamp": ts, "edited_timestamp": edited,
         "author": {"id": author, "username": username,
                    "global_name": global_name, "avatar": None},
         "attachments": list(attachments), "mentions": [],
         "mention_roles": [], "pinned": False}
    if reply:
        m["message_reference"] = {"message_id": reply,
                                  "channel_id": DC_CHAN}
    return m


DC_MSGS = [
    dc_msg("1210000000000000001", DC_DAAN, "daan_dv",
           "2024-03-14T20:07:41.512000+00:00", "hoi, speel je mee?",
           global_name="Daan"),
    dc_msg("1210000000000000002", DC_OWNER, "lotte.b",
           "2024-03-14T21:08:41+01:00", "ja, zo", edited=
           "2024-03-14T20:09:00.000000+00:00", reply="1210000000000000001"),
    dc_msg("1210000000000000003", DC_DAAN, "daan_dv",
           "2024-03-14T20:10:41.000000+00:00", "", attachments=[{
               "id": "1", "filename": "screenshot.png", "size": 48213,
               "content_type": "image/png",
               "url": "https://cdn.discordapp.com/attachments/1/2/"
               "screenshot.png",
               "proxy_url": "https://media.discordapp.net/attachments/1/"
               "2/screenshot.png"}], global_name="Daan"),
    dc_msg("1210000000000000004", DC_DAAN, "daan_dv",
           "2024-03-14T20:11:41.000000+00:00", "", mtype=46),
]


def mk_discord_android(root):
    db = os.path.join(root, "com.discord/files/kv-storage/@account." +
                      DC_OWNER, "a")
    rows = [("INSERT INTO messages0 (key, data) VALUES (?,?)",
             ("msg-%d" % i, json.dumps({"channelId": DC_CHAN, "id": m["id"],
                                        "message": m}).encode()))
            for i, m in enumerate(DC_MSGS[:3])]
    rows.append(("INSERT INTO messages0 (key, data) VALUES (?,?)",
                 ("msg-x", b"\x00\x01 no json")))
    wal = [("INSERT INTO messages0 (key, data) VALUES (?,?)",
            ("msg-3", json.dumps({"channelId": DC_CHAN,
                                  "message": DC_MSGS[3]}).encode()))]
    build_db(db, """
CREATE TABLE messages0 (key TEXT PRIMARY KEY, data BLOB);
""", rows, wal)


def mk_discord_ios(container):
    caches = os.path.join(container, "Library/Caches")
    db = os.path.join(caches, "kv-storage/@account." + DC_OWNER, "a")
    build_db(db, """
CREATE TABLE messages0 (key TEXT PRIMARY KEY, data BLOB);
""", [("INSERT INTO messages0 (key, data) VALUES (?,?)",
       ("msg-%d" % i, b"\x01" + json.dumps(
           {"channelId": DC_CHAN, "message": m}).encode()))
      for i, m in enumerate(DC_MSGS[:2])])
    fs = os.path.join(caches, "com.hammerandchisel.discord/fsCachedData")
    write(os.path.join(fs, "3F2A0C11-AAAA-4BBB-8CCC-000000000001"),
          json.dumps([DC_MSGS[2], DC_MSGS[0]]))
    write(os.path.join(fs, "3F2A0C11-AAAA-4BBB-8CCC-000000000002"),
          jpeg("discord-avatar"))
    write(os.path.join(fs, "3F2A0C11-AAAA-4BBB-8CCC-000000000003"),
          json.dumps([{"id": "1", "name": "general", "type": 0}]))

# ---- iTunes backup (from an iOS tree) ----

IOS_APPS = "private/var/mobile/Containers/Data/Application"


def mk_backup(tree, backup, containers):
    """containers: {uuid: bundle id}.  Every file below each container
    becomes a Files row of AppDomain-<bundle id>."""
    mkdirs(backup)
    rows = []
    for uuid, bundle in containers.items():
        base = os.path.join(tree, IOS_APPS, uuid)
        for dirpath, _, files in os.walk(base):
            for name in sorted(files):
                full = os.path.join(dirpath, name)
                rel = os.path.relpath(full, base)
                domain = "AppDomain-" + bundle
                fid = hashlib.sha1(
                    (domain + "-" + rel).encode()).hexdigest()
                dst = os.path.join(backup, fid[:2], fid)
                mkdirs(os.path.dirname(dst))
                shutil.copyfile(full, dst)
                blob = plistlib.dumps({
                    "$archiver": "NSKeyedArchiver", "$version": 100000,
                    "$top": {"root": plistlib.UID(1)},
                    "$objects": ["$null", {
                        "Size": os.path.getsize(full),
                        "$class": plistlib.UID(2)},
                        {"$classname": "MBFile",
                         "$classes": ["MBFile", "NSObject"]}]},
                    fmt=plistlib.FMT_BINARY)
                rows.append((fid, domain, rel, 1, blob))
    con = sqlite3.connect(os.path.join(backup, "Manifest.db"))
    con.executescript("""
CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT,
  relativePath TEXT, flags INTEGER, file BLOB);
CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB);
""")
    con.executemany("INSERT INTO Files VALUES (?,?,?,?,?)", rows)
    con.commit()
    con.close()
    write(os.path.join(backup, "Info.plist"), plistlib.dumps({
        "Device Name": "iPhone van Lotte", "Product Type": "iPhone12,1",
        "Product Version": "17.4"}, fmt=plistlib.FMT_BINARY))
    write(os.path.join(backup, "Manifest.plist"), plistlib.dumps({
        "IsEncrypted": False, "Version": "10.0"},
        fmt=plistlib.FMT_BINARY))


def main():
    global OUT
    if len(sys.argv) != 2:
        sys.exit("usage: mkapps.py OUTDIR")
    OUT = sys.argv[1]
    if os.path.exists(OUT):
        shutil.rmtree(OUT)
    android = os.path.join(OUT, "android/data/data")
    tree = os.path.join(OUT, "ios/tree")
    ios = {
        "5C3D1A20-7F3B-4E1B-9C55-0A1B2C3D4E01": "com.toyopagroup.picaboo",
        "6A1B2C3D-0000-4E1B-9C55-0A1B2C3D4E02": "com.burbn.instagram",
        "7B1B2C3D-0000-4E1B-9C55-0A1B2C3D4E03": "com.zhiliaoapp.musically",
        "8C1B2C3D-0000-4E1B-9C55-0A1B2C3D4E04": "com.hammerandchisel.discord",
    }
    by_bundle = {b: u for u, b in ios.items()}

    def container(bundle):
        return os.path.join(tree, IOS_APPS, by_bundle[bundle])

    mk_snapchat_android(android)
    mk_telegram(android)
    mk_instagram_android(android)
    mk_snapchat_ios(container("com.toyopagroup.picaboo"))
    mk_instagram_ios(container("com.burbn.instagram"))
    mk_tiktok_android(android)
    mk_tiktok_ios(container("com.zhiliaoapp.musically"))
    mk_discord_android(android)
    mk_discord_ios(container("com.hammerandchisel.discord"))
    mk_backup(tree, os.path.join(OUT, "ios/backup"), ios)
    # folders handed in: an app's data folder alone
    shutil.copytree(os.path.join(android, "com.snapchat.android"),
                    os.path.join(OUT, "folders/snapchat-android"))
    shutil.copytree(container("com.toyopagroup.picaboo"),
                    os.path.join(OUT, "folders/snapchat-ios"))
    shutil.copytree(os.path.join(android, "org.telegram.messenger"),
                    os.path.join(OUT, "folders/telegram-android"))
    shutil.copytree(os.path.join(android, "com.instagram.android"),
                    os.path.join(OUT, "folders/instagram-android"))
    shutil.copytree(os.path.join(android, "com.zhiliaoapp.musically"),
                    os.path.join(OUT, "folders/tiktok-android"))
    shutil.copytree(container("com.zhiliaoapp.musically"),
                    os.path.join(OUT, "folders/tiktok-ios"))
    shutil.copytree(os.path.join(android, "com.discord"),
                    os.path.join(OUT, "folders/discord-android"))
    shutil.copytree(container("com.hammerandchisel.discord"),
                    os.path.join(OUT, "folders/discord-ios"))
    shutil.copytree(container("com.burbn.instagram"),
                    os.path.join(OUT, "folders/instagram-ios"))
    mk_instagram_android(os.path.join(OUT, "variants/instagram-empty"),
                         empty=True)
    mk_telegram_old(os.path.join(
        OUT, "variants/telegram-old/org.telegram.messenger/files/"
        "cache4.db"))
    mk_snapchat_newer(os.path.join(
        OUT, "variants/snapchat-newer/com.snapchat.android/databases/"
        "arroyo.db"))


if __name__ == "__main__":
    main()
