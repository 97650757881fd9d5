#!/usr/bin/env python3
# report-read.py: checks of report.html for tests/cli/t-report-read.sh,
# independent of spoor: the strings come from lib/report_strings.def, the
# facts from case.db (sqlite3) and custody.log, the page from Python's
# HTML parser.  Prints TAP lines "ok"/"not ok - NAME" without numbers
# (the shell numbers them), diagnostics as "# ...".
#   report-read.py DEF HTML LANG CASEDB CUSTODYLOG TAGGED-MSG-ID
import html, json, re, sqlite3, sys
from html.parser import HTMLParser

DEF, HTML, LANG, DB, LOG, MSG_ID = sys.argv[1:7]

def result(cond, name, diag=()):
    print(("ok" if cond else "not ok") + " - " + name)
    for d in list(diag)[:8]:
        print("# " + d)

# ---- the string table ----
rows = {}
pat = re.compile(r'^S\((\w+), "((?:[^"\\]|\\.)*)", "((?:[^"\\]|\\.)*)"\)$')
for line in open(DEF, encoding="utf-8"):
    m = pat.match(line.strip())
    if m:
        rows[m.group(1)] = (m.group(2).replace('\\"', '"'),
                            m.group(3).replace('\\"', '"'))
own = 0 if LANG == "nl" else 1
mine = {v[own] for v in rows.values()}
foreign = sorted({v[1 - own] for k, v in rows.items()
                  if k != "LANG" and v[0] != v[1] and v[1 - own] not in mine})
def s(key):
    return rows[key][own]

# ---- the page: text per element, ids, links, tables ----
class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text = []; self.ids = []; self.hrefs = []; self.skip = 0
        self.tables = []; self.stack = []; self.pos = {}; self.n = 0
    def handle_starttag(self, tag, a):
        a = dict(a)
        if tag in ("style", "title", "code"):
            self.skip += 1
        if "id" in a:
            self.ids.append(a["id"]); self.pos[a["id"]] = self.n
        if "href" in a:
            self.hrefs.append(a["href"])
        if tag == "table":
            self.stack.append({"cls": a.get("class"), "rows": [],
                               "div": None})
            self.tables.append(self.stack[-1])
        elif tag == "tr" and self.stack:
            self.stack[-1]["rows"].append([])
        elif tag in ("td", "th") and self.stack and self.stack[-1]["rows"]:
            self.stack[-1]["rows"][-1].append([tag, ""])
        if tag in ("br", "td", "th", "p", "li", "div", "tr", "h2", "h3"):
            self.text.append("\n"); self.n += 1
    def handle_endtag(self, tag):
        if tag in ("style", "title", "code"):
            self.skip -= 1
        if tag == "table" and self.stack:
            self.stack.pop()
    def handle_data(self, d):
        if self.skip:
            return
        self.text.append(d); self.n += len(d)
        if self.stack and self.stack[-1]["rows"] and \
           self.stack[-1]["rows"][-1]:
            self.stack[-1]["rows"][-1][-1][1] += d

raw = open(HTML, encoding="utf-8").read()
p = Page(); p.feed(raw)
text = "".join(p.text)

# ---- what the case says (masked out before the language checks) ----
db = sqlite3.connect(DB)
ENUM_KEYS = {"type", "kind", "direction", "category", "chat_type",
             "time_quality", "time_unit", "event", "role", "time_source",
             "fstype", "state", "table"}
case_strings = set()
def leaves(v, key=None):
    if isinstance(v, dict):
        for k, x in v.items():
            leaves(x, k)
    elif isinstance(v, list):
        for x in v:
            leaves(x, key)
    elif isinstance(v, str) and key not in ENUM_KEYS:
        case_strings.add(v)
for (j,) in db.execute("SELECT json FROM records"):
    leaves(json.loads(j))
for row in db.execute("SELECT value FROM case_info"):
    case_strings.update(x for x in row if isinstance(x, str))
for row in db.execute("SELECT exhibit, path, description, received_from, "
                      "acquisition_log FROM exhibits"):
    case_strings.update(x for x in row if isinstance(x, str))
for row in db.execute("SELECT acquired_json FROM exhibits WHERE "
                      "acquired_json IS NOT NULL"):
    leaves(json.loads(row[0]))
for row in db.execute("SELECT tool, version, examiner, exhibit, parameters "
                      "FROM runs"):
    case_strings.update(x for x in row[:4] if isinstance(x, str))
    leaves(json.loads(row[4]))
for row in db.execute("SELECT label, note, examiner FROM tags"):
    case_strings.update(x for x in row if isinstance(x, str))
events = []
for line in open(LOG, encoding="utf-8"):
    ev = json.loads(line.rstrip("\n").split("\t", 2)[2])
    events.append(ev)
    leaves(ev)
masked = text
for cs in sorted((c for c in case_strings if len(c) >= 2), key=len,
                 reverse=True):
    masked = masked.replace(cs, "\u2591")

# ---- 1. translation: no string of the other language ----
hits = []
for f in foreign:
    if re.search(r"(?<![\w-])" + re.escape(f) + r"(?![\w-])", masked):
        i = masked.index(f)
        hits.append("%r in ...%s..." % (f, masked[max(0, i - 30):i + 40]
                                        .replace("\n", " ")))
result(not hits and len(foreign) > 100,
       "%s report: none of the %d strings of the other language"
       % (LANG, len(foreign)), hits)

# ---- 2. no raw JSON or argv ----
js = [m.group(0) for m in re.finditer(r'[\[{]\s*"[^"]*"\s*[:,\]]', masked)]
result(not js and '"event"' not in masked,
       "%s report: no JSON object or array in the text" % LANG, js)

# ---- 3. reading order and contents ----
order = ["toc", "summary", "tagged", "conv-tagged", "other", "limitations",
         "method", "custody", "exhibits"]
pos = [p.pos.get(i, -1) for i in order]
result(all(x >= 0 for x in pos) and pos == sorted(pos),
       "%s report: sections in reading order" % LANG,
       ["%s at %d" % (i, x) for i, x in zip(order, pos)])
links = [h for h in p.hrefs]
bad = [h for h in links if not h.startswith("#") or h[1:] not in p.ids]
result(links and not bad and len(p.ids) == len(set(p.ids)),
       "%s report: %d contents links, each to an id of the page, ids unique"
       % (LANG, len(links)), bad)
tx, sn, sp, chat = db.execute(
    "SELECT json_extract(json, '$.text'), json_extract(json, "
    "'$.sender_name'), json_extract(json, '$.sender_phone'), "
    "json_extract(json, '$.chat_id') FROM records WHERE id = ?",
    (MSG_ID,)).fetchone()
n_chat = db.execute("SELECT count(*) FROM records WHERE rtype = 'message' "
                    "AND json_extract(json, '$.chat_id') = ?",
                    (chat,)).fetchone()[0]
i = text.find(tx, p.pos["conv-tagged"])
result(0 <= i < p.pos["other"],
       "%s report: the tagged message is in the tagged conversations, "
       "before everything else" % LANG)
summ = text[p.pos["summary"]:p.pos["tagged"]]
result(sn in summ and sp in summ and
       ("%d %s" % (n_chat, s("MESSAGES_N"))) in summ,
       "%s summary: who (%s, %s) and how many messages (%d, sqlite3)"
       % (LANG, sn, sp, n_chat))
nbad = db.execute("SELECT count(*) FROM records r WHERE rtype = 'file' AND "
                  "EXISTS (SELECT 1 FROM json_each(r.json, '$.hashsets') h "
                  "WHERE json_extract(h.value, '$.kind') = 'known-bad')"
                  ).fetchone()[0]
ntag = db.execute("SELECT count(DISTINCT record_id) FROM tags").fetchone()[0]
result(("%s: %d" % (s("FLAGGED_N"), nbad)) in summ and
       ("%s: %d" % (s("TAGGED_N"), ntag)) in summ,
       "%s summary: known-bad hits (%d) and tagged items (%d), sqlite3"
       % (LANG, nbad, ntag))

# ---- 4. the tagged-findings table ----
tt = [t for t in p.tables if t["cls"] == "wide"]
row = None
for r in (tt[0]["rows"] if tt else []):
    if r and r[0][1].strip() == str(MSG_ID):
        row = [c[1] for c in r]
mt, ml, = db.execute("SELECT json_extract(json, '$.time'), "
                     "json_extract(json, '$.source_path') FROM records "
                     "WHERE id = ?", (MSG_ID,)).fetchone()
lab, note, tagt = db.execute("SELECT label, note, time FROM tags WHERE "
                             "record_id = ?", (MSG_ID,)).fetchone()
result(row is not None and len(row) == 9 and row[2].startswith(mt) and
       sn in row[3] and sp in row[3] and row[4].strip() ==
       s("DEVICE_OWNER") and ml in row[5] and lab in row[6] and
       note in row[6] and tagt in row[8] and tagt not in row[2],
       "%s tagged findings: the message's own time, sender, recipient, "
       "source, label and note; tagging time apart" % LANG,
       [repr(row)])

# ---- 5. method and custody in words ----
runs = db.execute("SELECT exit_code, counts FROM runs WHERE state = "
                  "'committed' ORDER BY id").fetchall()
meth = text[p.pos["method"]:p.pos["custody"]]
codes = re.findall(re.escape(s("EXIT_CODE")) + r"\s*(\d+): (\S[^\n]*)",
                   meth)
result([int(c) for c, _ in codes] == [r[0] for r in runs] and
       all(m.strip() for _, m in codes),
       "%s method: every exit code with its meaning (%s)"
       % (LANG, ", ".join(c for c, _ in codes)))
ev_words = [rows.get("E_" + e["event"].upper(), (e["event"],) * 2)[own]
            for e in events]
cust = [t for t in p.tables
        if t["rows"] and t["rows"][0] and
        t["rows"][0][0][1].strip() == s("SEQ")]
got = [r[2][1].strip() for r in cust[0]["rows"][1:]] if cust else []
result(got == ev_words[:len(got)] and len(got) >= len(events) - 1,
       "%s custody: one row per event of custody.log, the event in words"
       % LANG, ["got %r" % got, "want %r" % ev_words])

# ---- 6. no table of headers only ----
empty = [t["rows"][0] for t in p.tables
         if not any(c[0] == "td" for r in t["rows"] for c in r)]
result(not empty, "%s report: no table without a data row" % LANG,
       [repr(e) for e in empty])
