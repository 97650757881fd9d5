#!/usr/bin/env python3
"""tests/cli/oracle/downloads.py: the expected records of the data-download
plugins, computed from the fixture files alone (python3 json, html.parser,
csv, hashlib, zoneinfo and file(1)), independently of spoor.

    downloads.py expect KIND DIR [ZONE [ME]]   expected rows, sorted
    downloads.py got FILE.jsonl                spoor's rows, the same shape

KIND: snapchat, snapchat-html, instagram, instagram-html, messenger,
tiktok, tiktok-txt, discord, dce.  ZONE: the --tz given (local times are
converted with zoneinfo; without one they stay local: time null).  One
row per record, tab-separated, a fixed projection per record type:

  message/call  type path ptr chat_id chat_name direction sender time text
                attachments (kind:found:path:sha256:mime, ';'-joined)
  conversation  type path chat_id chat_name participants (sorted)
                message_count
  contact       type path ptr relationship username name time_added
  account       type path username name email phone

The rules are the platforms' documented ones (see the plugins' headers
and testdata/mkdownloads.sh), written again here from the formats, not
from spoor's code.
"""
import csv
import datetime
import hashlib
import html.parser
import io
import json
import os
import re
import subprocess
import sys
import zipfile
import zoneinfo

UTC = datetime.timezone.utc


def iso(sec, ns=0):
    """spoor's time form: Z, fraction without trailing zeros."""
    s = datetime.datetime.fromtimestamp(sec, UTC).strftime(
        "%Y-%m-%dT%H:%M:%S")
    if ns:
        s += ("." + "%09d" % ns).rstrip("0")
    return s + "Z"


def from_ms(v):
    return iso(v // 1000, (v % 1000) * 1000000)


def local(text, fmt, zone):
    """A wall-clock reading in zone (fold 0: the earlier of a fold, the
    offset before a gap), or None without a zone."""
    if not zone:
        return None
    dt = datetime.datetime.strptime(text, fmt)
    z = zoneinfo.ZoneInfo(zone)
    return iso(int(dt.replace(tzinfo=z).timestamp()))


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def mime(path):
    return subprocess.run(["file", "-b", "--mime-type", path],
                          capture_output=True, text=True).stdout.strip()


def att(kind, root, rel):
    """kind:found:path:sha256:mime of a file of the evidence."""
    if rel and os.path.isfile(os.path.join(root, rel)):
        p = os.path.join(root, rel)
        return "%s:true:%s:%s:%s" % (kind, rel, sha(p), mime(p))
    return "%s:false::null:null" % kind


def s(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v).replace("\\", "\\\\").replace("\t", "\\t").replace(
        "\n", "\\n")


def row(*cols):
    return "\t".join(s(c) for c in cols)


def msg(t, path, ptr, chat_id, chat_name, direction, sender, time, text,
        atts=()):
    return row(t, path, ptr, chat_id, chat_name, direction, sender, time,
               text, ";".join(atts) or None)


def conv(path, chat_id, chat_name, parts, n):
    return row("conversation", path, chat_id, chat_name,
               ",".join(sorted(parts)), n)


def rel(root, p):
    return os.path.relpath(p, root)


def walk(root, name_re):
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for f in sorted(files):
            if re.fullmatch(name_re, f):
                yield os.path.join(d, f)


# ---- Snapchat ----

def snap_time(created):
    dt = datetime.datetime.strptime(created, "%Y-%m-%d %H:%M:%S UTC")
    return iso(int(dt.replace(tzinfo=UTC).timestamp()))


def snap_kind(mt):
    return mt


def snapchat(root, zone, me):
    out = []
    media = os.path.join(root, "chat_media")
    acct = json.load(open(os.path.join(root, "json/account.json")))
    owner = acct["Basic Information"]["Username"]
    out.append(row("account", "json/account.json", owner,
                   acct["Basic Information"].get("Name"), None, None))
    for hist in ("chat", "snap"):
        p = "json/%s_history.json" % hist
        data = json.load(open(os.path.join(root, p)))
        old = all(re.fullmatch(r"(Received|Sent) .*History", k)
                  for k in data)
        peers = {}
        for key, msgs in data.items():
            parts = set()
            for i, m in enumerate(msgs):
                ptr = "/%s/%d" % (key, i)
                if old:
                    sent = key.startswith("Sent")
                    chat = m["To"] if sent else m["From"]
                    peers[chat] = peers.get(chat, 0) + 1
                    t = snap_time(m["Created"])
                    text = m.get("Text")
                    sender = owner if sent else m["From"]
                else:
                    sent = m["IsSender"]
                    chat = key
                    us = m["Created(microseconds)"]
                    t = from_ms(us)	# milliseconds in practice
                    text = m.get("Content")
                    sender = m["From"]
                    parts.add(m["From"])
                atts = []
                for mid in [x.strip() for x in
                            (m.get("Media IDs") or "").split("|")
                            if x.strip()]:
                    hit = [f for f in sorted(os.listdir(media))
                           if mid in f] if os.path.isdir(media) else []
                    atts.append(att("media", root, "chat_media/" + hit[0]
                                    if hit else None))
                title = m.get("Conversation Title")
                out.append(msg("message", p, ptr, chat, title or chat,
                               "outgoing" if sent else "incoming", sender,
                               t, None if hist == "snap" else text, atts))
            if hist == "chat" and not old:
                title = next((m["Conversation Title"] for m in msgs
                              if m.get("Conversation Title")), None)
                ids = (parts | {owner}) if title else {key, owner}
                out.append(conv(p, key, title or key, ids, len(msgs)))
        if hist == "chat" and old:
            for peer, n in peers.items():
                out.append(conv(p, peer, peer, {peer, owner}, n))
    f = os.path.join(root, "json/friends.json")
    fr = json.load(open(f)) if os.path.isfile(f) else {}
    relmap = {"Friends": "friend", "Blocked Users": "blocked",
              "Deleted Friends": "deleted"}
    for lst, items in fr.items():
        for i, c in enumerate(items):
            out.append(row("contact", "json/friends.json",
                           "/%s/%d" % (lst, i), relmap[lst], c["Username"],
                           c["Display Name"],
                           snap_time(c["Creation Timestamp"])))
    return out


class Tables(html.parser.HTMLParser):
    """Snapchat's chat_history.html: headings, then rows of 3 cells
    (who, type, created) each followed by a row with the text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.heading, self.rows, self.cell, self.cur = "", [], None, None
        self.in_h, self.line = False, 0

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self.in_h, self.heading = True, ""
        elif tag == "tr":
            self.cur = {"cells": [], "line": self.getpos()[0],
                        "heading": self.heading}
        elif tag in ("td", "th") and self.cur is not None:
            self.cell = ""
            self.cur["th"] = tag == "th"
        elif tag == "br" and self.cell is not None:
            self.cell += "\n"

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag):
            self.in_h = False
        elif tag in ("td", "th") and self.cell is not None:
            self.cur["cells"].append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.cur is not None:
            self.rows.append(self.cur)
            self.cur = None

    def handle_data(self, data):
        if self.in_h:
            self.heading += data
        elif self.cell is not None:
            self.cell += data


def snapchat_html(root, zone, me):
    p = "html/chat_history.html"
    t = Tables()
    t.feed(open(os.path.join(root, p), encoding="utf-8").read())
    out, peers, pending = [], {}, None
    rows = [r for r in t.rows if not r.get("th")]
    for i, r in enumerate(rows):
        if len(r["cells"]) == 3:
            who, mt, created = r["cells"]
            sent = "Sent" in r["heading"]
            text = rows[i + 1]["cells"][0] if i + 1 < len(rows) and \
                len(rows[i + 1]["cells"]) == 1 else None
            peers[who] = peers.get(who, 0) + 1
            out.append(msg("message", p, r["line"], who, who,
                           "outgoing" if sent else "incoming",
                           None if sent else who, snap_time(created),
                           text or None))
    for peer, n in peers.items():
        out.append(conv(p, peer, peer, {peer}, n))
    return out


# ---- Meta ----

def fix(v):
    """Meta's mojibake: code points below 256 are the UTF-8 bytes."""
    if isinstance(v, str):
        try:
            return v.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return v
    return v


META_MEDIA = (("photos", "photo"), ("videos", "video"),
              ("audio_files", "audio"), ("gifs", "gif"), ("files", "file"))


def meta_owner(root):
    for p in ("personal_information/personal_information/"
              "personal_information.json",
              "personal_information/personal_information.json"):
        f = os.path.join(root, p)
        if os.path.isfile(f):
            smd = json.load(open(f))["profile_user"][0]["string_map_data"]
            return {fix(smd["Name"]["value"]),
                    fix(smd["Username"]["value"])}
    p = os.path.join(root, "personal_information/profile_information/"
                     "profile_information.json")
    if os.path.isfile(p):
        pv = json.load(open(p))["profile_v2"]
        return {fix(pv["name"]["full_name"])}
    return set()


def meta(root, zone, me, app):
    out = []
    owner = meta_owner(root)
    for f in walk(root, r"message_\d+\.json"):
        path = rel(root, f)
        parts = path.split("/")
        thread = "/".join(parts[-3:-1])
        data = json.load(open(f))
        names = [fix(p["name"]) for p in data.get("participants", [])]
        title = fix(data.get("title"))
        others = [n for n in names if n not in owner]
        name = title or (others[0] if others else thread)
        for i, m in enumerate(data["messages"]):
            sender = fix(m.get("sender_name"))
            d = ("unknown" if not owner else
                 "outgoing" if sender in owner else "incoming")
            t = from_ms(m["timestamp_ms"])
            atts = []
            for key, kind in META_MEDIA:
                for a in m.get(key, []):
                    atts.append(att(kind, root, a["uri"]))
            if "sticker" in m:
                atts.append(att("sticker", root, m["sticker"]["uri"]))
            typ = "call" if "call_duration" in m else "message"
            out.append(msg(typ, path, "/messages/%d" % i, thread, name, d,
                           sender, t, fix(m.get("content")), atts))
        n = int(re.search(r"message_(\d+)", path).group(1))
        if n == 1:
            total = 0
            for g in walk(os.path.dirname(f), r"message_\d+\.json"):
                total += len(json.load(open(g))["messages"])
            out.append(conv(path, thread, name, names, total))
    for f in walk(root, r"(profile|autofill)_information\.json") \
            if app == "messenger" else []:
        d = json.load(open(f))
        if "profile_v2" in d:
            pv = d["profile_v2"]
            out.append(row("account", rel(root, f),
                           pv.get("username"), fix(pv["name"]["full_name"]),
                           pv["emails"]["emails"][0], "+31612345000"))
        else:
            a = d["autofill_information_v2"]
            out.append(row("account", rel(root, f), None,
                           fix(a["FULL_NAME"][0]), a["EMAIL"][0],
                           a["PHONE"][0]))
    if app == "instagram":
        f = os.path.join(root, "personal_information/personal_information/"
                         "personal_information.json")
        smd = json.load(open(f))["profile_user"][0]["string_map_data"]
        out.append(row("account", rel(root, f), smd["Username"]["value"],
                       fix(smd["Name"]["value"]), smd["Email"]["value"],
                       smd["Phone Number"]["value"]))
    return out


class MetaBlocks(html.parser.HTMLParser):
    """Meta's message_N.html: a block (class _a6-g) holds the sender,
    the content and the time as its first, middle and last child."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.stack, self.title, self.in_title = [], [], "", False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "title":
            self.in_title = True
        if tag == "div" and "_a6-g" in (a.get("class") or "").split():
            self.blocks.append({"children": [], "line": self.getpos()[0],
                                "media": [], "depth": len(self.stack)})
        if self.blocks and len(self.stack) == self.blocks[-1]["depth"] + 1 \
                and tag == "div":
            self.blocks[-1]["children"].append("")
        if self.blocks and tag in ("img", "video", "audio") and a.get("src"):
            self.blocks[-1]["media"].append(a["src"])
        if tag not in ("img", "br", "meta"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        elif self.blocks and self.blocks[-1]["children"] and \
                len(self.stack) > self.blocks[-1]["depth"] + 1:
            self.blocks[-1]["children"][-1] += data


def meta_html(root, zone, me, app):
    out = []
    owner = meta_owner(root)
    for f in walk(root, r"message_\d+\.html"):
        path = rel(root, f)
        thread = "/".join(path.split("/")[-3:-1])
        p = MetaBlocks()
        p.feed(open(f, encoding="utf-8").read())
        for b in p.blocks:
            who, *body, when = [c.strip() for c in b["children"]]
            text = "\n".join(x for x in body if x) or None
            t = local(when, "%b %d, %Y %I:%M:%S %p", zone)
            atts = [att("photo", root, u) for u in b["media"]]
            out.append(msg("message", path, b["line"], thread, p.title,
                           "outgoing" if who in owner else "incoming", who,
                           t, text, atts))
        out.append(conv(path, thread, p.title, [], len(p.blocks)))
    f = os.path.join(root, "personal_information/personal_information.json")
    smd = json.load(open(f))["profile_user"][0]["string_map_data"]
    out.append(row("account", rel(root, f), smd["Username"]["value"],
                   smd["Name"]["value"], None, None))
    return out


# ---- TikTok ----

def tiktok(root, zone, me):
    out = []
    p = "user_data_tiktok.json"
    d = json.load(open(os.path.join(root, p)))
    pm = d["Profile"]["Profile Information"]["ProfileMap"]
    owner = pm["userName"]
    out.append(row("account", p, owner, None, pm["emailAddress"],
                   pm["telephoneNumber"]))
    for lst, keys, rel_ in (("follower", ("Activity", "Follower", "FansList"),
                             "follower"),
                            ("following", ("Activity", "Following",
                                           "Following"), "following"),
                            ("blocked", ("App Settings", "Block List",
                                         "BlockList"), "blocked")):
        items = d[keys[0]][keys[1]][keys[2]]
        for i, c in enumerate(items):
            out.append(row("contact", p, "/%s/%d" % ("/".join(keys), i),
                           rel_, c["UserName"], None, None))
    ch = d["Direct Message"]["Direct Messages"]["ChatHistory"]
    for key, msgs in ch.items():
        user = key[len("Chat History with "):].rstrip(":")
        for i, m in enumerate(msgs):
            out.append(msg("message", p, "/Direct Message/Direct Messages/"
                           "ChatHistory/%s/%d" % (key, i), user, user,
                           "incoming" if m["From"] == user else "outgoing",
                           m["From"], local(m["Date"], "%Y-%m-%d %H:%M:%S",
                                            zone), m["Content"]))
        out.append(conv(p, user, user, {user, owner}, len(msgs)))
    return out


def tiktok_txt(root, zone, me):
    out = []
    for f in walk(root, r".*\.txt"):
        path = rel(root, f)
        user, n, cur = None, 0, None
        for no, line in enumerate(open(f, encoding="utf-8"), 1):
            line = line.rstrip("\n")
            m = re.fullmatch(r">>> Chat History with (.*?):*", line)
            if m:
                if cur:
                    out.append(msg(*cur))
                    cur = None
                if user:
                    out.append(conv(path, user, user, {user}, n))
                user, n = m.group(1), 0
                continue
            m = re.fullmatch(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC "
                             r"([^:]+): (.*)", line)
            if m:
                if cur:
                    out.append(msg(*cur))
                dt = datetime.datetime.strptime(m.group(1),
                                                "%Y-%m-%d %H:%M:%S")
                cur = ["message", path, no, user, user,
                       "incoming" if m.group(2) == user else "outgoing",
                       m.group(2),
                       iso(int(dt.replace(tzinfo=UTC).timestamp())),
                       m.group(3)]
                n += 1
            elif line and cur:
                cur[8] += "\n" + line
        if cur:
            out.append(msg(*cur))
        if user:
            out.append(conv(path, user, user, {user}, n))
    return out


# ---- Discord ----

def snow_sec(i):
    return ((int(i) >> 22) + 1420070400000) / 1000


def discord(root, zone, me):
    out = []
    u = json.load(open(os.path.join(root, "Account/user.json")))
    out.append(row("account", "Account/user.json", u["username"],
                   u["global_name"], u["email"], u["phone"]))
    rels = {1: "friend", 2: "blocked", 3: "request_received",
            4: "request_sent"}
    for i, r in enumerate(u["relationships"]):
        out.append(row("contact", "Account/user.json",
                       "/relationships/%d" % i, rels[r["type"]],
                       r["user"]["username"], r["user"].get("global_name"),
                       None))
    index = json.load(open(os.path.join(root, "Messages/index.json")))
    for f in walk(os.path.join(root, "Messages"), r"messages\.json"):
        path = rel(root, f)
        cid = os.path.basename(os.path.dirname(f))[1:]
        name = index[cid]
        msgs = json.load(open(f))
        for i, m in enumerate(msgs):
            dt = datetime.datetime.strptime(m["Timestamp"],
                                            "%Y-%m-%d %H:%M:%S")
            as_utc = dt.replace(tzinfo=UTC).timestamp()
            t = (iso(int(as_utc)) if abs(as_utc - snow_sec(m["ID"])) <= 1
                 else local(m["Timestamp"], "%Y-%m-%d %H:%M:%S", zone))
            atts = ["file:false::null:null"
                    for _ in m["Attachments"].split()]
            out.append(msg("message", path, "/%d" % i, cid, name,
                           "outgoing", u["global_name"], t,
                           m["Contents"], atts))
        out.append(conv(path, cid, name, {u["global_name"]}, len(msgs)))
    old = os.path.join(os.path.dirname(root), "discord-old")
    for f in walk(old, r"messages\.csv"):
        path = rel(old, f)
        cid = os.path.basename(os.path.dirname(f))
        with open(f, newline="") as fh:
            rd = csv.DictReader(fh)
            start = 2
            for i, r in enumerate(rd):
                line, start = start, rd.line_num + 1
                t = datetime.datetime.fromisoformat(r["Timestamp"])
                sec = t.timestamp()
                atts = ["file:false::null:null"
                        for _ in r["Attachments"].split()]
                out.append(msg("message", "old:" + path, line, cid, cid,
                               "outgoing", None,
                               iso(int(sec), round((sec % 1) * 1e3) * 1000000),
                               r["Contents"], atts))
        out.append(conv("old:" + path, cid, cid, set(), i + 1))
    return out


def dce(root, zone, me):
    out = []
    for f in walk(root, r".*\.json"):
        path = rel(root, f)
        d = json.load(open(f))
        ch = d["channel"]
        authors = {}
        for i, m in enumerate(d["messages"]):
            a = m["author"]
            authors[a["id"]] = a["name"]
            t = datetime.datetime.fromisoformat(m["timestamp"])
            atts = []
            for x in m.get("attachments", []):
                u = x["url"]
                atts.append(att("file", root, None if "://" in u else u))
            out.append(msg("call" if m["type"] == "Call" else "message",
                           path, "/messages/%d" % i, ch["id"], ch["name"],
                           "outgoing" if a["name"] == me else "incoming",
                           a["nickname"] or a["name"],
                           iso(int(t.timestamp())), m["content"],
                           [] if m["type"] == "Call" else atts))
        out.append(conv(path, ch["id"], ch["name"], set(authors.values()),
                        len(d["messages"])))
    return out


# ---- spoor's rows ----

def got(path):
    out = []
    for line in open(path, encoding="utf-8"):
        r = json.loads(line)
        t = r["type"]
        p = r["source_path"]
        if r.get("exhibit") == "discord-old":
            p = "old:" + p
        if t in ("message", "call"):
            atts = []
            for a in r.get("attachments") or []:
                atts.append("%s:%s:%s:%s:%s" % (
                    a["kind"], s(a["found"]), a["path"] or "",
                    s(a["sha256"]), s(a["mime"])))
            ptr = r.get("json_pointer")
            if ptr is None and "line" in r:
                ptr = r["line"]
            out.append(msg(t, p, ptr, r.get("chat_id"), r.get("chat_name"),
                           r.get("direction"), r.get("sender_name"),
                           r.get("time"), r.get("text"), atts))
        elif t == "conversation":
            by = "name" if r.get("app") in ("instagram", "messenger", "meta",
                                            "discord") else "id"
            parts = [x.get(by) for x in r.get("participants") or []]
            out.append(conv(p, r["chat_id"], r["chat_name"], parts,
                            r["message_count"]))
        elif t == "contact":
            out.append(row(t, p, r.get("json_pointer"),
                           r.get("relationship"), r.get("username"),
                           r.get("name"),
                           r.get("time_added") if r.get("app") != "tiktok"
                           else None))
        elif t == "account":
            out.append(row(t, p, r.get("username"), r.get("name"),
                           r.get("email"), r.get("phone") or
                           r.get("phone_raw")))
    return out


KINDS = {
    "snapchat": snapchat, "snapchat-html": snapchat_html,
    "instagram": lambda r, z, m: meta(r, z, m, "instagram"),
    "messenger": lambda r, z, m: meta(r, z, m, "messenger"),
    "instagram-html": lambda r, z, m: meta_html(r, z, m, "instagram"),
    "tiktok": tiktok, "tiktok-txt": tiktok_txt, "discord": discord,
    "dce": dce,
}


def main():
    a = sys.argv[1:]
    if len(a) >= 3 and a[0] == "expect" and a[1] in KINDS:
        rows = KINDS[a[1]](a[2], a[3] if len(a) > 3 and a[3] else None,
                           a[4] if len(a) > 4 else None)
    elif len(a) == 2 and a[0] == "got":
        rows = got(a[1])
    else:
        sys.exit(__doc__)
    sys.stdout.write("".join(r + "\n" for r in sorted(rows)))


if __name__ == "__main__":
    main()
