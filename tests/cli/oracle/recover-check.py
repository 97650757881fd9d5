#!/usr/bin/env python3
"""recover-check.py FIXTURE_DIR RECORDS.jsonl: recall and precision of the
deleted rows spoor-artifacts recovered from one database of
testdata/mkrecover.py, against what the script did (truth.json) and what
is still in the files, found here independently of spoor:

  whole  the row's record (header and values, serialised here from the
         file format's rules) is in the database or WAL file as is
  part   not whole, but the row's unique text is still there
  gone   neither

A recovered record is one with recovered_from set but for "wal" (a
live row the WAL holds): the host's page recovery, or a plugin's own
rows deleted in the WAL that the main file still holds ("main").  Each must be a row
the script deleted, or a version an edit replaced, on every field it
shows (text, key, time, ...), and its rowid, when given, that row's;
a field it does not show (null) must be named in recovered_lost.  A
record that matches a live row on every field repeats it: a failure.

Every recovered record's text must also be in its recovered_file within
recovered_length bytes of recovered_offset (its first 16 bytes: more may
be on overflow pages).

Prints one line of figures and exits 1 when a record is wrong, a live
row is repeated, or recall is under the goals given (--whole, --part).

recover-check.py --samples EVIDENCE_DIR RECORDS.jsonl: for databases
whose deleted rows nobody knows (real samples): every recovered record's
text is at its offset, and no recovered record shows exactly what a
live record of the same table shows.
"""
import argparse
import json
import os
import struct
import sys


def varint(v):
    if v < 0:
        v += 1 << 64
    if v > 0x00ffffffffffffff:
        out = [v & 0xff]
        v >>= 8
        for _ in range(8):
            out.append((v & 0x7f) | 0x80)
            v >>= 7
        return bytes(reversed(out))
    out = [v & 0x7f]
    v >>= 7
    while v:
        out.append((v & 0x7f) | 0x80)
        v >>= 7
    return bytes(reversed(out))


def serial(v):
    """(serial type, bytes) of a value as SQLite stores it."""
    if isinstance(v, dict):
        b = bytes.fromhex(v['blob'])
        return 12 + 2 * len(b), b
    if v is None:
        return 0, b''
    if isinstance(v, float) and v.is_integer() and abs(v) < 2 ** 51:
        v = int(v)      # SQLite stores integral REAL values as integers
    if isinstance(v, bool):
        v = int(v)
    if isinstance(v, int):
        if v in (0, 1):
            return 8 + v, b''
        for t, n in ((1, 1), (2, 2), (3, 3), (4, 4), (5, 6), (6, 8)):
            if -(1 << (8 * n - 1)) <= v < (1 << (8 * n - 1)):
                return t, v.to_bytes(n, 'big', signed=True)
    if isinstance(v, float):
        return 7, struct.pack('>d', v)
    b = v.encode()
    return 13 + 2 * len(b), b


def record(values, alias_index):
    vals = [None if i == alias_index else v for i, v in enumerate(values)]
    types, body = zip(*[serial(v) for v in vals])
    hdr = b''.join(varint(t) for t in types)
    n = len(hdr) + 1
    if len(varint(n)) > 1:
        n = len(hdr) + len(varint(len(hdr) + 2))
    return varint(n) + hdr + b''.join(body)


def shown(v):
    """A stored value as the plugins write it (blobs are not compared)."""
    return None if isinstance(v, dict) else v


def same(got, want):
    """A field as written against the stored value: Core Data times are
    written as text with 6 decimals, booleans from integers."""
    if isinstance(got, str) and isinstance(want, (int, float)) and \
            not isinstance(want, bool):
        try:
            return abs(float(got) - want) < 5e-7
        except ValueError:
            return False
    if isinstance(got, bool):
        return want in (0, 1) and got == bool(want)
    return got == want


def at_offset(root, r):
    """The record's text is where it says: None, or what is wrong."""
    txt = r.get('text') if r.get('text') is not None else r.get('name')
    if not isinstance(txt, str) or not txt:
        return None
    path = os.path.join(root, r['recovered_file'])
    with open(path, 'rb') as f:
        f.seek(r['recovered_offset'])
        window = f.read(r['recovered_length'])
    if txt.encode()[:16] not in window:
        return 'text not at %s:%d+%d' % (r['recovered_file'],
                                          r['recovered_offset'],
                                          r['recovered_length'])
    return None


PROVENANCE = ('rowid', 'recovered_from', 'recovered_page', 'recovered_file',
              'recovered_offset', 'recovered_length', 'recovered_partial',
              'recovered_lost', 'recovered_state')


def samples(root, records):
    live, rec, bad = {}, [], []
    for line in open(records):
        r = json.loads(line)
        shown_ = json.dumps({k: v for k, v in r.items()
                             if k not in PROVENANCE}, sort_keys=True)
        key = (r.get('source_path'), r.get('table'))
        if r.get('recovered_page') is None:
            live.setdefault(key, set()).add(shown_)
        else:
            rec.append((key, shown_, r))
    for key, shown_, r in rec:
        if shown_ in live.get(key, ()):
            bad.append('repeats a live record of %s' % (key,))
        w = at_offset(root, r)
        if w:
            bad.append(w)
    print('%d recovered records, %d live, %d wrong' %
          (len(rec), sum(len(v) for v in live.values()), len(bad)))
    for b in bad[:20]:
        print('  WRONG ' + b)
    sys.exit(1 if bad else 0)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == '--samples':
        samples(sys.argv[2], sys.argv[3])
    ap = argparse.ArgumentParser()
    ap.add_argument('fixture')
    ap.add_argument('records')
    ap.add_argument('--whole', type=float, default=0.95)
    ap.add_argument('--part', type=float, default=0.80)
    a = ap.parse_args()
    t = json.load(open(os.path.join(a.fixture, 'truth.json')))
    cols = t['columns']
    ai = cols.index(t['alias']) if t['alias'] else -1
    data = open(os.path.join(a.fixture, t['db']), 'rb').read()
    if t['wal']:
        data += open(os.path.join(a.fixture, t['wal']), 'rb').read()
    fields = t['fields']
    text_col = cols.index(list(fields.values())[0])

    def want(row):
        return {f: shown(row[cols.index(c)]) for f, c in fields.items()}

    deleted = {r[ai]: r for r in t['deleted']}
    edited = {r[ai]: r for r in t['edited']}
    live = [want(r) for r in t['live']]
    kind = {}
    for i, r in deleted.items():
        txt = r[text_col]
        if record(r, ai) in data:
            kind[i] = 'whole'
        elif isinstance(txt, str) and txt.split(' ')[0].encode() in data:
            kind[i] = 'part'
        else:
            kind[i] = 'gone'
    got = {}
    bad = []
    nrec = 0
    for line in open(a.records):
        r = json.loads(line)
        if r.get('recovered_from') in (None, 'wal'):
            continue
        nrec += 1
        lost = (r.get('recovered_lost') or '').split(',')
        match = None
        for i, row in list(deleted.items()) + list(edited.items()):
            w = want(row)
            ok = True
            for f, c in fields.items():
                v = r.get(f)
                if v is None and (w[f] is None or c in lost):
                    continue
                if not same(v, w[f]):
                    ok = False
                    break
            if ok and (r['rowid'] is None or r['rowid'] == i):
                match = i
                break
        if match is None:
            bad.append('no such row: ' + json.dumps({f: r.get(f) for f in
                       list(fields) + ['rowid', 'recovered_from']}))
            continue
        if r.get('recovered_page') is not None:
            w = at_offset(a.fixture, r)
            if w:
                bad.append(w)
        if any(all(same(r.get(f), w[f]) for f in fields) for w in live):
            bad.append('repeats a live row: rowid %s' % match)
        if r.get('recovered_state') == 'deleted' and match in edited and \
                match not in deleted:
            bad.append('an edit\'s old version not marked earlier: %s' %
                       match)
        got[match] = got.get(match, 0) + 1
    n = {k: sum(1 for v in kind.values() if v == k) for k in
         ('whole', 'part', 'gone')}
    hit = {k: sum(1 for i, v in kind.items() if v == k and i in got) for k
           in ('whole', 'part', 'gone')}
    old = sum(1 for i in edited if i in got)
    rw = hit['whole'] / n['whole'] if n['whole'] else 1.0
    rp = hit['part'] / n['part'] if n['part'] else 1.0
    print('%s: %d deleted rows: whole %d/%d (%.1f%%), part %d/%d (%.1f%%), '
          'gone %d (%d found anyway); %d edits, %d earlier versions found; '
          '%d recovered records, %d wrong' %
          (os.path.basename(a.fixture.rstrip('/')), len(deleted),
           hit['whole'], n['whole'], 100 * rw, hit['part'], n['part'],
           100 * rp, n['gone'], hit['gone'], len(edited), old, nrec,
           len(bad)))
    for b in bad[:20]:
        print('  WRONG ' + b)
    if os.environ.get('RECOVER_MISSED'):
        for i, k in sorted(kind.items()):
            if k != 'gone' and i not in got:
                print('  missed %s %s' % (i, k))
    sys.exit(1 if bad or rw < a.whole or rp < a.part else 0)


main()
