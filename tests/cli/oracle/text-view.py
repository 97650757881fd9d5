#!/usr/bin/env python3
"""text-view.py JSONL TEXT OUTDIR [ME]: check spoor-artifacts' text view
against the same records as JSON Lines (the record model, parsed here
with python's json, not by spoor).  Writes one file of problems per check
into OUTDIR (empty = passed): records (every message's time, direction,
sender, text; every call's direction and duration; every attachment and
location; contacts' names and numbers; recovered rows marked), fields
(every other field's value shown), headers (one title per conversation,
each interleaved message under its own title), fffc (no U+FFFC left)."""
import json
import os
import re
import sys

jsonl, text, outdir = sys.argv[1:4]
me = sys.argv[4] if len(sys.argv) > 4 else None
recs = [json.loads(line) for line in open(jsonl, encoding="utf-8")]
lines = open(text, encoding="utf-8", errors="replace").read().split("\n")
probs = {k: [] for k in ("records", "fields", "headers", "fffc")}

# blocks: a record line and its indented continuation lines, with the
# title of the conversation it is under
blocks, title = [], None
for ln in lines:
    if ln.startswith("== "):
        title = ln
    elif ln.startswith("   participant: ") or ln.startswith(
            "   conversation:"):
        blocks.append({"text": ln, "title": title, "head": True})
    elif ln and not ln.startswith(" "):
        blocks.append({"text": ln, "title": title, "head": False})
    elif ln.startswith("    ") and blocks:
        blocks[-1]["text"] += "\n" + ln

if "\ufffc" in "\n".join(lines):
    probs["fffc"].append("U+FFFC in the text view")


def shown(s):
    """a string as the view writes it: control bytes escaped, a newline
    continued on an indented line"""
    out = []
    for c in s:
        if c == "\n":
            out.append("\n    ")
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append("\\x%02x" % ord(c))
        else:
            out.append(c)
    return "".join(out)


def val(v):
    if isinstance(v, bool):
        return "yes" if v else "no"
    return shown(str(v))


def first(r, *keys):
    for k in keys:
        if r.get(k) not in (None, ""):
            return r[k]
    return None


def att_items(r):
    items = []
    for k in ("attachments", "attachment_list", "attachment_files", "media"):
        if isinstance(r.get(k), list):
            items += r[k]
    if not items and any(r.get(k) is not None for k in (
            "media_path", "media_name", "media_sha256", "media_size",
            "media_url", "media_mime", "media_evidence_path")):
        items.append({k[6:]: v for k, v in r.items()
                      if k.startswith("media_")})
    return items


def want(r):
    """substrings the record's block must hold"""
    w, t = [], r["type"]
    if r.get("time"):
        w.append("[" + r["time"])
    out = r.get("direction") == "outgoing" or (
        r.get("direction") is None and r.get("from_me") is True)
    if t == "message":
        if r.get("direction"):
            w.append("message " + r["direction"] + " ")
        if out:
            w.append(" me")
            if r.get("sender_name") or me:
                w.append(r.get("sender_name") or me)
        else:
            s = first(r, "sender_name", "sender_push_name", "sender_phone",
                      "sender", "sender_id", "sender_user_id",
                      "sender_username")
            if s is None:
                s = first(r, "contact_name", "phone", "address")
            if s is not None:
                w.append(val(s))
        if r.get("text"):
            w += [p for p in shown(r["text"]).split("\ufffc") if p]
        for a in att_items(r):
            w.append("[attachment: ")
            name = first(a, "name", "path", "ref", "stored_path",
                         "evidence_path", "url")
            if name is not None:
                w.append(val(name))
            if a.get("sha256"):
                w.append("sha256 " + a["sha256"][:12])
            if a.get("size") is not None:
                w.append("%s bytes" % a["size"])
        if r.get("latitude") is not None or r.get("longitude") is not None:
            w.append("[location: %s, %s]" % (
                val(r["latitude"]) if r.get("latitude") is not None else "?",
                val(r["longitude"]) if r.get("longitude") is not None
                else "?"))
    elif t == "call":
        w.append("call " + (r["direction"] + " " if r.get("direction")
                            else ""))
        if r.get("duration") is not None:
            w.append("(%s s)" % r["duration"])
        else:
            w.append("duration unknown")
        if r.get("video") is not None:
            w.append("video" if r["video"] else "voice")
        if r.get("answered") is not None:
            w.append("answered")
        if r.get("missed"):
            w.append("missed")
        p = first(r, "name", "push_name", "phone", "number", "jid")
        if p is not None:
            w.append(val(p))
    elif t in ("contact", "account"):
        w.append(t + " ")
        for k in ("name", "phone", "phone_raw", "email", "jid", "username"):
            if r.get(k) not in (None, ""):
                w.append(val(r[k]))
        for p in r.get("phones") or []:
            if isinstance(p, dict) and p.get("value"):
                w.append(val(p["value"]))
    elif t == "attachment":
        w.append("[attachment: ")
        if r.get("sha256"):
            w.append("sha256 " + r["sha256"][:12])
    if r.get("recovered_from"):
        w.append("[only in the WAL]" if r["recovered_from"] == "wal"
                 else "[deleted")
    return w


ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")
HEADER = {"type", "plugin", "exhibit", "source_path", "source_sha256", "app",
          "chat_id", "chat_name", "chat_type"}


def field_vals(r):
    """every scalar value of a field the view may not know, as shown"""
    for k, v in r.items():
        if k in HEADER or v is None or isinstance(v, (bool, list, dict)):
            continue
        base = re.sub(r"_(raw|unit|readable)$", "", k)
        bv = r.get(base)
        if base != k and bv is not None and (not k.endswith("_raw") or
                                             ISO.match(str(bv))):
            continue    # a shown time's raw form, a unit
        if (k == "kind" and v in ("text", "sms", "message")) or (
                k == "time_quality" and v == "exact") or \
                k == "recovered_from":
            continue    # not said when it is the usual; marked apart
        if k.endswith("sha256") and isinstance(v, str):
            v = v[:12]  # shown as a prefix
        if k == "time_readable" and r.get("time"):
            continue
        s = val(v)
        if isinstance(v, str):
            s = s.split("\ufffc")[0].split("\n")[0][:60]
        if s:
            yield k, s


free = list(range(len(blocks)))
for r in recs:
    head = r["type"] in ("conversation", "participant")
    w = want(r) if not head else []
    cand = [i for i in free if blocks[i]["head"] == head and
            all(s in blocks[i]["text"] for s in w)]
    # the block that also shows every other value, when there is one
    best = [i for i in cand if all(s in blocks[i]["text"]
                                   for _, s in field_vals(r))]
    where = "%s %s" % (r["type"], r.get("rowid", r.get("line",
                       r.get("json_pointer", ""))))
    if not cand:
        probs["records"].append("%s: no block holds %r" % (where, w))
        continue
    if not best:
        b = blocks[cand[0]]["text"]
        probs["fields"].append("%s: not shown: %r" % (where, [
            k for k, s in field_vals(r) if s not in b]))
        best = cand
    i = best[0]
    free.remove(i)
    if r.get("chat_id") is not None and not head:
        if "(chat %s)" % val(r["chat_id"]) not in (blocks[i]["title"] or ""):
            probs["headers"].append("%s: under %r, not its chat %s" % (
                where, blocks[i]["title"], r["chat_id"]))
if free:
    probs["records"].append("%d blocks no record accounts for: %r" % (
        len(free), [blocks[i]["text"][:60] for i in free[:3]]))

# one title per conversation: per chat, one per folder of its sources
chats = {}
for r in recs:
    if r.get("chat_id") is not None:
        d = os.path.dirname(r.get("source_path") or "")
        chats.setdefault(val(r["chat_id"]), set()).add(d)
titles = [ln for ln in lines if ln.startswith("== ")]
for c, dirs in chats.items():
    n = sum(1 for ln in titles if ("(chat %s)" % c) in ln)
    if n != len(dirs):
        probs["headers"].append("chat %s: %d titles for %d folders" % (
            c, n, len(dirs)))
for ln in [ln for ln in lines if ln.startswith("== conversation")]:
    i = lines.index(ln)
    if not lines[i + 1].startswith("   source: "):
        probs["headers"].append("no source under %r" % ln)

for k, v in probs.items():
    with open(os.path.join(outdir, k), "w", encoding="utf-8") as f:
        f.write("".join(p + "\n" for p in v))
