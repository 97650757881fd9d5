#!/usr/bin/env python3
"""apps.py APP DIR...: what spoor-artifacts must say about the phone-app
fixtures of testdata/mkapps.py, computed independently of spoor: python3's
sqlite3 on private copies, its own protobuf, TL and NSKeyedArchiver
readers (written here from the formats' public descriptions), json,
hashlib.  Prints tab-separated lines in the order spoor emits records,
values as tests/cli/lib.sh's jsonl_fields prints them (null, true/false).

WAL rules, as spoor states them: a row visible only with the WAL applied
is recovered_from "wal"; a row of the main file alone that the WAL
deleted is read after the live rows, recovered_from "main".
"""
import datetime
import hashlib
import json
import os
import plistlib
import shutil
import sqlite3
import struct
import sys
import tempfile

TMP = tempfile.mkdtemp(prefix="apps-oracle.")


def null(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    return str(v)


def out(**rec):
    """One expected record: keys as subset.py reads them."""
    print(json.dumps(rec, ensure_ascii=False))


def iso(sec):
    if sec is None:
        return None
    return datetime.datetime.fromtimestamp(
        sec, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def ms(v):
    return iso(v // 1000) if v and v > 0 else None


def copy_db(path, with_wal=True):
    """A private copy (the evidence is never opened): the database and,
    when asked, its -wal."""
    d = tempfile.mkdtemp(dir=TMP)
    dst = os.path.join(d, "db")
    shutil.copyfile(path, dst)
    if with_wal and os.path.exists(path + "-wal"):
        shutil.copyfile(path + "-wal", dst + "-wal")
    con = sqlite3.connect(dst)
    con.row_factory = sqlite3.Row
    return con


def main_rowids(path, table):
    """rowids of table in the main file alone (None: no WAL)."""
    if not os.path.exists(path + "-wal"):
        return None
    con = copy_db(path, with_wal=False)
    try:
        return {r[0] for r in con.execute("SELECT rowid FROM %s" % table)}
    except sqlite3.Error:
        return set()


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# ---- protobuf wire format ----


def pb_fields(b):
    """[(num, wire, value)] of a whole message, or None."""
    i, res = 0, []
    try:
        while i < len(b):
            tag, i = pb_varint(b, i)
            num, wire = tag >> 3, tag & 7
            if num == 0:
                return None
            if wire == 0:
                v, i = pb_varint(b, i)
            elif wire == 2:
                n, i = pb_varint(b, i)
                if i + n > len(b):
                    return None
                v, i = b[i:i + n], i + n
            elif wire == 1:
                v, i = b[i:i + 8], i + 8
            elif wire == 5:
                v, i = b[i:i + 4], i + 4
            else:
                return None
            res.append((num, wire, v))
    except IndexError:
        return None
    return res if i == len(b) else None


def pb_varint(b, i):
    v = shift = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return v, i


def pb_get(b, path):
    for k, num in enumerate(path):
        fs = pb_fields(b)
        if fs is None:
            return None
        hit = [v for (n, w, v) in fs if n == num]
        if not hit:
            return None
        b = hit[0]
    return b


def pb_strings(b, depth=0):
    """Every length-delimited value, nested messages descended."""
    fs = pb_fields(b)
    res = []
    if fs is None or depth > 15:
        return res
    for n, w, v in fs:
        if w == 2:
            res.append(v)
            if v and pb_fields(v) is not None:
                res.extend(pb_strings(v, depth + 1))
    return res


def uuid(b):
    h = b.hex()
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


# ---- Snapchat ----


def prefs(path, key):
    """A <string> of a SharedPreferences file, by python's XML parser."""
    import xml.etree.ElementTree as ET
    if not os.path.exists(path):
        return None
    for e in ET.parse(path).getroot():
        if e.get("name") == key:
            return e.get("value", e.text)
    return None


def snapchat(kind, root, evpath):
    """root: the app folder (Android) or the container (iOS); evpath: how
    spoor names it inside the evidence."""
    if kind == "android":
        db = os.path.join(root, "databases/arroyo.db")
        owner = prefs(os.path.join(
            root, "shared_prefs/user_session_shared_pref.xml"),
            "key_user_id")
        friends = {}
        mainp = os.path.join(root, "databases/main.db")
        con = copy_db(mainp)
        for r in con.execute("SELECT rowid AS rowid_, * FROM Friend ORDER BY rowid"):
            friends[r["userId"]] = (r["username"], r["displayName"])
            out(type="contact", source_path=(evpath + "/" if evpath else "")
                + "databases/main.db",
                table="Friend", rowid=r["rowid_"], app="snapchat",
                user_id=r["userId"], username=r["username"],
                name=r["displayName"], phone_raw=r["phone"],
                owner=r["userId"] == owner)
        out(type="account", app="snapchat", user_id=owner,
            username=friends[owner][0], name=friends[owner][1])
        claims = {}
        cc = copy_db(os.path.join(
            root, "databases/native_content_manager/cache_controller.db"))
        for r in cc.execute("SELECT * FROM CACHE_FILE_CLAIM"):
            ek = r["EXTERNAL_KEY"]
            if ek.startswith(("chat_snap", "snap.", "chat_media_thumbnail")):
                claims[ek.rsplit("-", 1)[1]] = r["CACHE_KEY"]
        files = {}
        for d, _, fs in os.walk(os.path.join(root, "files")):
            for f in fs:
                files[f] = os.path.join(d, f)
    else:
        db = os.path.join(root, "Documents/user_scoped/5f2a9c01e4/arroyo/"
                          "arroyo.db")
        with open(os.path.join(root, "Documents/user.plist"), "rb") as f:
            up = plistlib.load(f)
        owner = up["user_id"]
        friends = {owner: (up["username"], None)}
        out(type="account", app="snapchat", user_id=owner,
            username=up["username"])
        claims, files = {}, {}
    con = copy_db(db)
    titles = {}
    for r in con.execute("SELECT c.rowid AS rowid, c.*, "
                         "e.conversation_title AS title, "
                         "e.participants AS fp FROM conversation c "
                         "LEFT JOIN feed_entry e USING "
                         "(client_conversation_id) ORDER BY c.rowid"):
        ids = []
        for n, w, v in pb_fields(r["conversation_metadata"]):
            if n == 3:
                u = uuid(pb_get(v, [1, 1]))
                if u not in ids:
                    ids.append(u)
        fp = r["fp"] or b""
        for i in range(0, len(fp), 16):
            u = uuid(fp[i:i + 16])
            if u not in ids:
                ids.append(u)
        titles[r["client_conversation_id"]] = r["title"]
        out(type="conversation", table="conversation", rowid=r["rowid"],
            app="snapchat", chat_id=r["client_conversation_id"],
            chat_name=r["title"], participant_count=len(ids),
            **{"participants.*.id": ",".join(ids),
               "participants.*.username": ",".join(
                   null(friends.get(u, (None,))[0]) for u in ids),
               "participants.*.owner": ",".join(
                   null(u == owner) for u in ids)},
            created_time=ms(r["creation_timestamp"]))
    main = main_rowids(db, "conversation_message")

    def msg(r, rf):
        blob = r["message_content"]
        text = None
        if r["content_type"] == 1:
            t = pb_get(blob, [4, 4, 2, 1])
            text = t.decode() if t is not None else None
        keys = []
        for s in pb_strings(blob):
            try:
                k = s.decode()
            except UnicodeDecodeError:
                continue
            if k in claims and k not in keys:
                keys.append(k)
        sha = sha256(files[claims[keys[0]]]) if keys else None
        sender = r["sender_id"]
        direction = ("outgoing" if sender == owner else "incoming")
        rec = dict(type="message", table="conversation_message",
                   rowid=r["rowid"], recovered_from=rf, app="snapchat",
                   chat_id=r["client_conversation_id"],
                   chat_name=titles.get(r["client_conversation_id"]),
                   direction=direction, from_me=sender == owner,
                   sender_id=friends.get(sender, (None, None))[0],
                   sender_user_id=sender,
                   sender_name=friends.get(sender, (None, None))[1],
                   time=ms(r["creation_timestamp"]),
                   time_raw=r["creation_timestamp"], time_unit="unix_ms",
                   kind_raw=r["content_type"], text=text,
                   message_id=r["client_message_id"],
                   quoted_server_message_id=r["quoted_server_message_id"],
                   media_count=len(keys))
        if keys:
            rec["media.0.sha256"] = sha
            rec["media.0.cache_key"] = claims[keys[0]]
        out(**rec)

    live = set()
    for r in con.execute("SELECT rowid, * FROM conversation_message "
                         "ORDER BY rowid"):
        live.add((r["client_conversation_id"], r["client_message_id"]))
        msg(r, "wal" if main is not None and r["rowid"] not in main
            else None)
    if main is not None:
        mc = copy_db(db, with_wal=False)
        for r in mc.execute("SELECT rowid, * FROM conversation_message "
                            "ORDER BY rowid"):
            if (r["client_conversation_id"],
                    r["client_message_id"]) not in live:
                msg(r, "main")


def main():
    app = sys.argv[1]
    try:
        if app == "snapchat":
            snapchat(sys.argv[2], sys.argv[3], sys.argv[4])
        else:
            sys.exit("apps.py: unknown app " + app)
    finally:
        shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
