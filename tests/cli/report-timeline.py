#!/usr/bin/env python3
"""report-timeline.py: the oracle of t-report-timeline.sh.

Usage: report-timeline.py CASE.DB REPORT.HTML WINDOW_MINUTES TAGGED_ONLY(0|1)

Computes from case.db alone (sqlite3, its own reading of the record
model) which entries report.html's timeline must hold, and checks the
page's rows (their data-record, data-macb and data-time attributes)
against it; prints TAP-like "ok - ..." / "not ok - ..." lines.

The rules, from spoor-report(1): entries are the file times (mtime,
atime, ctime, crtime, one entry each), and the UTC time of messages,
calls and contacts (a contact: time, else time_added, else created), of
the report's selection (every record; with --tagged-only the tagged
records and the whole conversations of tagged messages), when the time
is a valid UTC time; a file's times that are the same instant, one
after another in that order, are one row.  A window opens WINDOW minutes (to the second)
before each tagged entry and closes WINDOW minutes after it; windows
that overlap are one.  In a window every tagged entry is shown; of the
untagged entries, the 100 nearest before each tagged entry and the 100
after it; the others are counted in "not shown" rows.
"""
import json
import re
import sqlite3
import sys
from datetime import datetime, timedelta

CTX = 100
UTC_RE = re.compile(r'^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$')

db_path, html_path, minutes, tagged_only = sys.argv[1:5]
w = timedelta(minutes=int(minutes))
tagged_only = tagged_only == '1'
db = sqlite3.connect('file:%s?mode=ro' % db_path, uri=True)
fails = 0


def check(cond, desc):
    global fails
    print(('ok - ' if cond else 'not ok - ') + desc)
    fails += 0 if cond else 1


def second(t):
    return datetime.strptime(t, '%Y-%m-%dT%H:%M:%S')


SUB = {'m...': 1, '.a..': 2, '..c.': 3, '...b': 4}


def sql_order(v):
    """SQLite's order of values: NULL, numbers, text."""
    if v is None:
        return (0, 0)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return (1, v)
    return (2, str(v))


tags = {}
for rid, label in db.execute('SELECT record_id, label FROM tags'):
    tags.setdefault(rid, set()).add(label)
recs = {rid: (rtype, json.loads(j)) for rid, rtype, j in
        db.execute('SELECT id, rtype, json FROM records')}
tagged = {r for r in tags if r in recs}

# the selection
if tagged_only:
    sel = set(tagged)
    convs = {(recs[r][1].get('chat_id'), recs[r][1].get('source_path'))
             for r in tagged if recs[r][0] == 'message'}
    for rid, (rtype, j) in recs.items():
        if rtype == 'message' and (j.get('chat_id'),
                                   j.get('source_path')) in convs:
            sel.add(rid)
else:
    sel = set(recs)

# the entries: (k1, fraction, record id, macb, time)
entries = []
for rid in sel:
    rtype, j = recs[rid]
    if rtype == 'file':
        times = [(j.get(k), m) for k, m in (('mtime', 'm...'),
                 ('atime', '.a..'), ('ctime', '..c.'), ('crtime', '...b'))]
    elif rtype in ('message', 'call'):
        times = [(j.get('time'), '')]
    elif rtype == 'contact':
        times = [(j.get('time') or j.get('time_added') or
                  j.get('created'), '')]
    else:
        times = []
    # ties: the source's order, the record, then m, a, c, b
    so = j.get('source_order')
    for k in ('sort_key', 'line', 'rowid'):
        so = j.get(k) if so is None else so
    for t, macb in times:
        m = UTC_RE.match(t) if isinstance(t, str) else None
        if m:
            entries.append((m.group(1), (m.group(2) or '').rstrip('0'),
                            sql_order(so), rid, SUB.get(macb, 0), macb,
                            t))
entries.sort()
# a file's times that are the same instant, one after another, are one
# row with their letters merged ("m.c.")
rows = []
for e in entries:
    k1, frac, rid, macb, t = e[0], e[1], e[3], e[5], e[6]
    if rows and macb and rows[-1][2] == rid and rows[-1][4] == t:
        prev = rows[-1][3]
        rows[-1][3] = ''.join(b if b != '.' else a
                              for a, b in zip(prev, macb))
        continue
    rows.append([k1, frac, rid, macb, t])
entries = [tuple(r) for r in rows]

# the windows
spans = []
for k1, _, rid, _, _ in entries:
    if rid not in tagged:
        continue
    lo, hi = second(k1) - w, second(k1) + w
    if spans and lo <= spans[-1][1]:
        spans[-1][1] = max(spans[-1][1], hi)
    else:
        spans.append([lo, hi])


def window_of(k1):
    s = second(k1)
    for i, (lo, hi) in enumerate(spans):
        if lo <= s <= hi:
            return i
    return None


# what must be shown, window by window
want, hidden = [], 0
for i in range(len(spans)):
    inw = [e for e in entries if window_of(e[0]) == i]
    tpos = [n for n, e in enumerate(inw) if e[2] in tagged]
    show = set(tpos)
    bounds = [-1] + tpos + [len(inw)]
    for a, b in zip(bounds, bounds[1:]):
        between = list(range(a + 1, b))
        if a >= 0:
            show.update(between[:CTX])          # after a tagged one
        if b < len(inw):
            show.update(between[-CTX:])         # before a tagged one
    want += [(inw[n][2], inw[n][3], inw[n][4]) for n in sorted(show)]
    hidden += len(inw) - len(show)

page = open(html_path, encoding='utf-8').read()
start = page.find('<div id="timeline"')
check(start >= 0, 'the page has the timeline section')
sec = page[start:page.find('<div id="other"', start)]
got = [(int(r), m, t) for r, m, t in re.findall(
    r'<tr[^>]* data-record="(\d+)" data-macb="([.mabc]*)" '
    r'data-time="([^"]*)"', sec)]
check(got == want, 'the rows are the entries the oracle computes, in '
      'order (%d rows, %d expected)' % (len(got), len(want)))
if got != want:
    for g in sorted(set(got) ^ set(want))[:10]:
        print('#   %s %s' % ('page only' if g in got else 'oracle only', g))
gaps = sum(int(n) for n in re.findall(r'class="gap"><td colspan="5">'
                                      r'&hellip; (\d+) ', sec))
check(gaps == hidden, 'the rows "not shown" count the rest (%d, oracle %d)'
      % (gaps, hidden))
marked = set(int(r) for r in re.findall(
    r'<tr class="tagged" data-record="(\d+)"', sec))
check(marked == {g[0] for g in got if g[0] in tagged},
      'exactly the tagged items are outlined')
check(len(re.findall(r'<h3 id="tl-\d+"', sec)) == len(spans),
      'one heading a window (%d)' % len(spans))
placed = {e[2] for e in entries if e[2] in tagged}
unplaced = sorted(r for r in tagged if r in sel and r not in placed)
m = re.search(r'<p>[^<]*?((?:\d+, )*\d+)</p>\n</div>', sec + '</div>')
listed = [int(x) for x in m.group(1).split(', ')] if m else []
check(listed == unplaced, 'tagged items without a UTC time are named '
      '(%s)' % unplaced)
sys.exit(1 if fails else 0)
