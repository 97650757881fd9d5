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
    """ISO 8601 UTC; a fraction of a second as digits without trailing
    zeros (microseconds at most, as REAL seconds carry)."""
    if sec is None:
        return None
    whole = int(sec // 1)
    s = datetime.datetime.fromtimestamp(
        whole, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    us = round((sec - whole) * 1e6)
    if us:
        s += ("." + "%06d" % us).rstrip("0")
    return s + "Z"


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

# ---- Telegram (TL, from the public API schema) ----


class TL:
    def __init__(self, b):
        self.b, self.i = b, 0

    def u32(self):
        v = struct.unpack_from("<I", self.b, self.i)[0]
        self.i += 4
        return v

    def i64(self):
        v = struct.unpack_from("<q", self.b, self.i)[0]
        self.i += 8
        return v

    def string(self):
        n = self.b[self.i]
        h = 1
        if n == 254:
            n = int.from_bytes(self.b[self.i + 1:self.i + 4], "little")
            h = 4
        s = self.b[self.i + h:self.i + h + n]
        if len(s) != n:
            raise ValueError("cut")
        self.i += h + n
        self.i += (4 - (h + n) % 4) % 4
        return s.decode("utf-8", "replace")

    def peer(self):
        c = self.u32()
        if c not in (0x59511722, 0x36c6019a, 0xa2a5371e):
            raise KeyError(c)
        return ({0x59511722: "user", 0x36c6019a: "chat",
                 0xa2a5371e: "channel"}[c], self.i64())


MEDIA = {0x3ded6320: "empty", 0x695150d7: "photo", 0x9cb070d7: "document",
         0x56e0d474: "geo", 0xb940c666: "live_location", 0x2ec0533f: "venue",
         0x70322949: "contact", 0x4bd6e798: "poll", 0x3f7ee58b: "dice",
         0xfdb19008: "game", 0x84551347: "invoice", 0xa32dd600: "webpage",
         0x9f84f49e: "unsupported"}


def tl_message(b):
    """A dict of what spoor reads of a Message, or {"stopped": c}."""
    t = TL(b)
    c = t.u32()
    if c not in (0x94345242, 0x38116ee0, 0x2b085862):
        return {"stopped": c}
    m = {"c": c}
    fl = t.u32()
    if c == 0x94345242:
        t.u32()
    m["out"] = bool(fl & 2)
    m["id"] = t.u32()
    m["from"] = t.peer() if fl & 256 else None
    if c == 0x94345242 and fl & (1 << 29):
        t.u32()
    m["peer"] = t.peer()
    if c != 0x2b085862:
        if c == 0x94345242 and fl & (1 << 28):
            t.peer()
        if fl & 4:
            fc = t.u32()
            ff = t.u32()
            m["fwd_from"] = t.peer() if ff & 1 else None
            m["fwd_name"] = t.string() if ff & 32 else None
            m["fwd_date"] = t.u32()
        if fl & 2048:
            t.i64()
    if fl & 8:
        rc = t.u32()
        rf = t.u32()
        m["reply"] = t.u32() if rc == 0xa6d57763 or rf & 16 else None
    m["date"] = t.u32()
    if c == 0x2b085862:
        m["action"] = t.u32()
        if m["action"] in (0xbd47cbad, 0xb5a1ce5a):
            m["title"] = t.string()
        return m
    m["text"] = t.string()
    if fl & 512:
        m["media"] = t.u32()
    return m


def tl_user(b):
    t = TL(b)
    if t.u32() != 0x83314fca:
        return None
    fl = t.u32()
    t.u32()
    u = {"id": t.i64()}
    if fl & 1:
        t.i64()
    for bit, k in ((2, "first"), (4, "last"), (8, "username"),
                   (16, "phone")):
        u[k] = t.string() if fl & bit else None
    u["contact"] = bool(fl & 2048)
    return u


def telegram(root):
    import base64
    b64 = prefs(os.path.join(root, "shared_prefs/userconfing.xml"), "user")
    me = tl_user(base64.b64decode(b64))
    owner = me["id"]

    def name(u):
        return " ".join(x for x in (u["first"], u["last"]) if x) or None

    out(type="account", app="telegram", user_id=str(owner),
        first_name=me["first"], last_name=me["last"],
        username=me["username"], phone="+" + me["phone"])
    db = os.path.join(root, "files/cache4.db")
    con = copy_db(db)
    users = {owner: me}
    for r in con.execute("SELECT uid, name, data FROM users ORDER BY uid"):
        u = tl_user(r["data"])
        rec = dict(type="contact", table="users", rowid=r["uid"],
                   app="telegram", user_id=str(r["uid"]),
                   search_name=r["name"], owner=r["uid"] == owner)
        if u:
            users[u["id"]] = u
            rec.update(first_name=u["first"], last_name=u["last"],
                       username=u["username"], contact=u["contact"])
        else:
            rec["tl_not_understood"] = "0x%08x" % struct.unpack(
                "<I", r["data"][:4])[0]
        out(**rec)
    chats = {-r["uid"]: r["name"] for r in
             con.execute("SELECT uid, name FROM chats")}
    for r in con.execute("SELECT c.rowid AS rid, c.*, (SELECT "
                         "group_concat(phone, ', ') FROM user_phones_v7 p "
                         "WHERE p.key = c.key AND coalesce(p.deleted, 0) "
                         "= 0) AS phones FROM user_contacts_v7 c "
                         "ORDER BY c.rowid"):
        out(type="contact", table="user_contacts_v7", rowid=r["rid"],
            first_name=r["fname"], last_name=r["sname"],
            phone_raw=r["phones"], user_id=str(r["uid"]))
    for r in con.execute("SELECT * FROM dialogs ORDER BY did"):
        did = r["did"]
        out(type="conversation", chat_id=str(did),
            chat_name=chats.get(did) or (name(users[did]) if did in users
                                         else None),
            last_time=iso(r["date"]), unread_count=r["unread_count"])
    main = main_rowids(db, "messages_v2")
    for r in con.execute("SELECT rowid AS rid, * FROM messages_v2 "
                         "ORDER BY rowid"):
        try:
            m = tl_message(r["data"])
        except (KeyError, ValueError, struct.error, IndexError):
            m = {"stopped": 0}
        ok = "stopped" not in m
        mine = bool(r["out"])
        sender = None
        if ok and m["from"] and m["from"][0] == "user":
            sender = m["from"][1]
        elif ok and not mine and m["peer"][0] == "user":
            sender = m["peer"][1]
        elif mine:
            sender = owner
        su = users.get(sender)
        rec = dict(type="message", table="messages_v2", rowid=r["rid"],
                   recovered_from="wal" if main is not None and
                   r["rid"] not in main else None, app="telegram",
                   chat_id=str(r["uid"]),
                   chat_type={"user": "private", "chat": "group",
                              "channel": "channel"}[m["peer"][0]]
                   if ok else None,
                   direction="outgoing" if mine else "incoming",
                   from_me=mine, sender_id=str(sender) if sender else None,
                   sender_name=name(su) if su else None,
                   time=iso(m["date"] if ok else r["date"]),
                   message_id=r["mid"], decoded=ok,
                   tl_constructor="0x%08x" % (m["c"] if ok else
                                              m["stopped"]))
        if ok and m["c"] == 0x2b085862:
            rec.update(kind="service", text=None,
                       action={0xbd47cbad: "chat_create"}.get(m["action"]),
                       action_title=m.get("title"))
        elif ok:
            rec.update(kind="media" if "media" in m else "text",
                       text=m["text"])
            if "media" in m:
                rec["media_kind"] = MEDIA.get(m["media"])
                rec["media_raw"] = "0x%08x" % m["media"]
            if "fwd_date" in m:
                rec.update(forwarded=True, forwarded_from_id=str(
                    m["fwd_from"][1]) if m["fwd_from"] else None,
                    forwarded_time=iso(m["fwd_date"]))
            if m.get("reply") is not None:
                rec["reply_to_message_id"] = m["reply"]
        else:
            rec.update(kind=None, text=None)
        out(**rec)

# ---- Instagram Android ----

IG_TEXT = {"text": "text", "link": "link.text",
           "reel_share": "reel_share.text",
           "action_log": "action_log.description",
           "video_call_event": "video_call_event.description"}
IG_KNOWN = set(IG_TEXT) | {"media", "raven_media", "voice_media",
                           "animated_media", "media_share", "clip",
                           "story_share", "like"}


def jpath(o, path):
    for k in path.split("."):
        if isinstance(o, list) and k.isdigit() and int(k) < len(o):
            o = o[int(k)]
        elif isinstance(o, dict) and k in o:
            o = o[k]
        else:
            return None
    return o


def instagram_android(root):
    db = os.path.join(root, "databases/direct.db")
    con = copy_db(db)
    owner = con.execute("SELECT user_id FROM session").fetchone()[0]
    import xml.etree.ElementTree as ET
    cur = json.loads(prefs(os.path.join(
        root, "shared_prefs/com.instagram.android_preferences.xml"),
        "current"))
    users = {owner: (cur["username"], cur["full_name"])}
    out(type="account", app="instagram", user_id=owner,
        username=cur["username"], name=cur["full_name"])
    titles = {}
    main = main_rowids(db, "threads")
    for r in con.execute("SELECT rowid AS rid, * FROM threads "
                         "ORDER BY rowid"):
        info = json.loads(r["thread_info"])
        ids = [owner]
        people = ([info["inviter"]] if "inviter" in info else []) + \
            info.get("recipients", info.get("users", []))
        for u in people:
            pk = str(u.get("pk") or u.get("pk_id") or u.get("id"))
            users.setdefault(pk, (u["username"], u["full_name"]))
            if pk not in ids:
                ids.append(pk)
        titles[r["thread_id"]] = info.get("thread_title")
        out(type="conversation", table="threads", rowid=r["rid"],
            chat_id=r["thread_id"], chat_name=info.get("thread_title"),
            chat_id_v2=info.get("thread_v2_id"),
            **{"participants.*.id": ",".join(ids),
               "participants.*.username": ",".join(users[i][0]
                                                   for i in ids),
               "participants.*.owner": ",".join(null(i == owner)
                                                for i in ids)},
            last_time=iso(r["last_activity_time"] // 1000000))
    main = main_rowids(db, "messages")
    for r in con.execute("SELECT rowid AS rid, * FROM messages "
                         "ORDER BY rowid"):
        j = json.loads(r["message"])
        sender = str(j["user_id"])
        t = j.get("item_type") or r["message_type"]
        text = r["text"] or (jpath(j, IG_TEXT[t]) if t in IG_TEXT
                             else None)
        url = jpath(j, "media.image_versions2.candidates.0.url") or \
            jpath(j, "media.video_versions.0.url")
        out(type="message", table="messages", rowid=r["rid"],
            recovered_from="wal" if main is not None and
            r["rid"] not in main else None, app="instagram",
            chat_id=r["thread_id"], chat_name=titles.get(r["thread_id"]),
            direction="outgoing" if sender == owner else "incoming",
            sender_id=users.get(sender, (None,))[0],
            sender_user_id=sender, sender_name=users.get(
                sender, (None, None))[1],
            time=iso(r["timestamp"] // 1000000), time_raw=r["timestamp"],
            time_unit="unix_us", kind=t if t in IG_KNOWN else None,
            kind_raw=t, text=text, message_id=j["item_id"], media_url=url)
    msys = [f for f in os.listdir(os.path.join(root, "databases"))
            if f.startswith("ig_msys_database_") and "-" not in f]
    for f in sorted(msys):
        c = copy_db(os.path.join(root, "databases", f))
        for r in c.execute("SELECT rowid AS rid, * FROM contacts "
                           "ORDER BY rowid"):
            out(type="contact", table="contacts", rowid=r["rid"],
                user_id=r["id"], name=r["name"], username=r["username"],
                phone_raw=r["phone_number"],
                blocked_time=ms(r["blocked_since_timestamp_ms"]))

# ---- Instagram iOS (NSKeyedArchiver by plistlib) ----


def unarchive(blob):
    """The root of a keyed archive with every UID resolved (plistlib)."""
    try:
        pl = plistlib.loads(blob)
    except Exception:
        return None
    objs = pl["$objects"]

    def res(v, depth=0):
        while isinstance(v, plistlib.UID):
            v = objs[v.data]
        if v == "$null":
            return None
        if isinstance(v, dict):
            if "NS.objects" in v:
                return [res(x, depth + 1) for x in v["NS.objects"]]
            if "NS.time" in v:
                return ("date", v["NS.time"])
            return {k: res(x, depth + 1) for k, x in v.items()
                    if k != "$class"}
        return v
    return res(pl["$top"]["root"])


def instagram_ios(container):
    db = os.path.join(container, "Library/Application Support/"
                      "DirectSQLiteDatabase")
    db = os.path.join(db, [f for f in os.listdir(db)
                           if f.endswith(".db")][0])
    con = copy_db(db)
    users, owner = {}, None
    for r in con.execute("SELECT rowid AS rid, * FROM threads "
                         "ORDER BY rowid"):
        owner = owner or r["viewer_id"]
        m = unarchive(r["metadata"])
        people = ([m["IGUser*inviter"]] if "IGUser*inviter" in m else []) \
            + (m.get("NSArray<IGUser *>*users") or [])
        ids = []
        for u in people:
            users.setdefault(u["pk"], (u.get("username"), u.get("fullName")))
            if u["pk"] not in ids:
                ids.append(u["pk"])
        out(type="conversation", table="threads", rowid=r["rid"],
            chat_id=r["thread_id"], chat_id_v2=r["thread_id_v2"],
            **{"participants.*.id": ",".join(ids),
               "participants.*.owner": ",".join(null(i == owner)
                                                for i in ids)})
    out(type="account", app="instagram", user_id=owner,
        username=users[owner][0], name=users[owner][1])
    main = main_rowids(db, "messages")
    for r in con.execute("SELECT rowid AS rid, * FROM messages "
                         "ORDER BY rowid"):
        a = unarchive(r["archive"])
        rec = dict(type="message", table="messages", rowid=r["rid"],
                   recovered_from="wal" if main is not None and
                   r["rid"] not in main else None, app="instagram",
                   chat_id=r["thread_id"], message_id=r["message_id"],
                   archive_readable=a is not None)
        if a is None:
            rec.update(direction="unknown", from_me=None, text=None,
                       kind=None, time=None)
        else:
            c = a.get("IGDirectPublishedMessageContent*content") or {}
            md = a.get("IGDirectPublishedMessageMetadata*metadata") or {}
            sender = md.get("NSString*senderPk")
            media = c.get("IGDirectPublishedMessageMedia*media")
            act = c.get("IGDirectThreadActivityAnnouncement*threadActivity")
            text = c.get("NSString*string")
            url = None
            if media:
                url = media["IGDirectPublishedMessagePermanentMedia*"
                            "permanentMedia"]["IGPhoto*photo"][
                                "imageVersions"][0]["url"]
            rec.update(direction="outgoing" if sender == owner
                       else "incoming", sender_user_id=sender,
                       sender_id=users.get(sender, (None,))[0],
                       sender_name=users.get(sender, (None, None))[1],
                       time=iso(int(md["NSDate*serverTimestamp"][1]) +
                                978307200),
                       text=text, media_url=url,
                       call_title=act.get("NSString*voipTitle") if act
                       else None,
                       kind="text" if text else "media" if media else
                       "activity" if act else None)
        out(**rec)

# ---- TikTok ----


def tiktok(kind, root):
    if kind == "android":
        d = os.path.join(root, "databases")
        im = [f for f in sorted(os.listdir(d)) if f.endswith("_im.db")][0]
        owner = im[:-len("_im.db")]
        users = {}
        stores = []
        for f, table in (("db_im_contact", "IM_USER_BASE_INFO"),
                         ("db_im_xx", "SIMPLE_USER")):
            rows = list(copy_db(os.path.join(d, f)).execute(
                "SELECT rowid AS rid, * FROM %s ORDER BY rowid" % table))
            stores.append((table, rows))
            for r in rows:
                users.setdefault(r["UID"], (r["UNIQUE_ID"], r["NICK_NAME"]))
        db, table = os.path.join(d, im), "msg"
        sql = "SELECT rowid AS rid, sender, content, created_time AS t " \
            "FROM msg ORDER BY rowid"
    else:
        chat = os.path.join(root, "Library/Application Support/ChatFiles")
        owner = [f for f in os.listdir(chat) if f.isdigit()][0]
        users = {}
        rows = list(copy_db(os.path.join(chat, "AwemeIM.db")).execute(
            "SELECT rowid AS rid, * FROM AwemeContactsV5 ORDER BY rowid"))
        for r in rows:
            users.setdefault(r["uid"], (r["customid"], r["nickname"]))
        stores = [("AwemeContactsV5", rows)]
        db, table = os.path.join(chat, owner, "db.sqlite"), "TIMMessageORM"
        sql = "SELECT rowid AS rid, sender, content, localcreatedat AS t " \
            "FROM TIMMessageORM ORDER BY rowid"
    acc = dict(type="account", app="tiktok", user_id=owner,
               username=users[owner][0], name=users[owner][1])
    if kind == "android":
        acc["foreground_uid"] = prefs(os.path.join(
            root, "shared_prefs/aweme_user.xml"), "current_foreground_uid")
    out(**acc)
    main = main_rowids(db, table)
    for r in copy_db(db).execute(sql):
        sender = str(r["sender"])
        try:
            c = json.loads(r["content"])
        except ValueError:
            c = None
        text = c.get("text") if c else None
        if kind == "ios" and c and text is None:
            text = c.get("tips")
        t = r["t"] // 1000 if kind == "android" else r["t"]
        out(type="message", table=table, rowid=r["rid"],
            recovered_from="wal" if main is not None and r["rid"] not in
            main else None, app="tiktok",
            direction="outgoing" if sender == owner else "incoming",
            sender_id=users.get(sender, (None,))[0], sender_user_id=sender,
            sender_name=users.get(sender, (None, None))[1], time=iso(t),
            text=text, content_readable=c is not None,
            link_url=(c or {}).get("url", {}).get("url_list", [None])[0])
    for table, rows in stores:
        for r in rows:
            uid = r["UID"] if table != "AwemeContactsV5" else r["uid"]
            out(type="contact", table=table, rowid=r["rid"], user_id=uid,
                username=users[uid][0], name=users[uid][1])

# ---- Discord ----

DC_KINDS = {0: "text", 1: "recipient_add", 2: "recipient_remove",
            3: "call", 4: "channel_name_change", 5: "channel_icon_change",
            6: "pin", 7: "member_join", 19: "reply"}


def dc_time(s):
    if not s:
        return None
    return iso(datetime.datetime.fromisoformat(s).timestamp())


def dc_rec(m, owner, **prov):
    a = m.get("attachments") or []
    rec = dict(type="message", app="discord", chat_id=m["channel_id"],
               direction="unknown" if not owner else "outgoing"
               if m["author"]["id"] == owner else "incoming",
               sender_id=m["author"]["id"],
               sender_username=m["author"]["username"],
               sender_name=m["author"].get("global_name") or
               m["author"]["username"],
               time=dc_time(m["timestamp"]), time_raw=m["timestamp"],
               edited_time=dc_time(m.get("edited_timestamp")),
               kind=DC_KINDS.get(m["type"]), kind_raw=m["type"],
               text=m["content"], message_id=m["id"],
               reply_to_message_id=(m.get("message_reference") or {}).get(
                   "message_id"), attachment_count=len(a), **prov)
    if not m.get("edited_timestamp"):
        del rec["edited_time"]
    if a:
        rec["attachments.0.url"] = a[0]["url"]
        rec["attachments.0.size"] = a[0]["size"]
    out(**rec)


def discord(kind, root):
    base = os.path.join(root, "files" if kind == "android" else
                        "Library/Caches", "kv-storage")
    acc = os.listdir(base)[0]
    owner = acc.split(".", 1)[1]
    if kind == "ios":
        fs = os.path.join(root, "Library/Caches/com.hammerandchisel."
                          "discord/fsCachedData")
        for f in sorted(os.listdir(fs)):
            with open(os.path.join(fs, f), "rb") as fh:
                raw = fh.read()
            try:
                arr = json.loads(raw)
            except ValueError:
                continue
            if not isinstance(arr, list) or not any(
                    isinstance(x, dict) and "author" in x for x in arr):
                continue
            for i, m in enumerate(arr):
                dc_rec(m, None, json_pointer="/%d" % i)
    out(type="account", app="discord", user_id=owner)
    db = os.path.join(base, acc, "a")
    main = main_rowids(db, "messages0")
    for r in copy_db(db).execute("SELECT rowid AS rid, data FROM "
                                 "messages0 ORDER BY rowid"):
        d = r["data"]
        if d[:1] not in (b"{", b"["):
            d = d[1:]
        try:
            o = json.loads(d)
        except ValueError:
            continue
        dc_rec(o["message"], owner, table="messages0", rowid=r["rid"],
               recovered_from="wal" if main is not None and
               r["rid"] not in main else None)


def main():
    app = sys.argv[1]
    try:
        if app == "snapchat":
            snapchat(sys.argv[2], sys.argv[3], sys.argv[4])
        elif app == "telegram":
            telegram(sys.argv[2])
        elif app == "instagram-android":
            instagram_android(sys.argv[2])
        elif app == "instagram-ios":
            instagram_ios(sys.argv[2])
        elif app == "tiktok":
            tiktok(sys.argv[2], sys.argv[3])
        elif app == "discord":
            discord(sys.argv[2], sys.argv[3])
        else:
            sys.exit("apps.py: unknown app " + app)
    finally:
        shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
