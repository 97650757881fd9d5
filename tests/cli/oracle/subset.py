#!/usr/bin/env python3
"""subset.py EXPECTED.jsonl GOT.jsonl [PLUGIN]: the records of GOT (of
PLUGIN only, when given), in order, must
carry every key of the matching EXPECTED record with the same value.
A key "a.b" reads b inside the object a; "a.*.b" maps over the list a and
joins the values with ","; values compare as JSON scalars (null, true,
false, numbers and strings as they are).  GOT records whose type no
EXPECTED record has are skipped (provenance-only checks are elsewhere).
Prints one line per difference and exits 1 when there is any."""
import json
import sys


def get(rec, key):
    cur = [rec]
    for part in key.split("."):
        nxt = []
        for c in cur:
            if part == "*":
                if not isinstance(c, list):
                    return "<absent>"
                nxt.extend(c)
            elif isinstance(c, dict) and part in c:
                nxt.append(c[part])
            elif isinstance(c, list) and part.isdigit() and \
                    int(part) < len(c):
                nxt.append(c[int(part)])
            else:
                return "<absent>"
        cur = nxt
    if "*" in key.split("."):
        return ",".join(scalar(v) for v in cur)
    return scalar(cur[0]) if cur else "<absent>"


def scalar(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v, sort_keys=True)
    return str(v)


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


exp, got = load(sys.argv[1]), load(sys.argv[2])
types = {e["type"] for e in exp}
got = [g for g in got if g.get("type") in types and
       (len(sys.argv) < 4 or g.get("plugin") == sys.argv[3])]
bad = 0
for i in range(max(len(exp), len(got))):
    if i >= len(got):
        print("record %d: missing, expected %s" % (i, json.dumps(exp[i])))
        bad += 1
        continue
    if i >= len(exp):
        print("record %d: unexpected %s" % (i, json.dumps(got[i])[:300]))
        bad += 1
        continue
    for k, v in exp[i].items():
        g = get(got[i], k)
        if g != scalar(v):
            print("record %d (%s %s): %s: got %r, want %r" % (
                i, got[i].get("type"), got[i].get("rowid"), k, g,
                scalar(v)))
            bad += 1
sys.exit(1 if bad else 0)
