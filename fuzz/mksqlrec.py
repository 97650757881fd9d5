#!/usr/bin/env python3
"""fuzz/mksqlrec.py OUTDIR: seeds for fuzz-sqlrecover, written by the real
SQLite: small databases (512-byte pages) of the target's tables with
rows deleted (secure_delete off), as the target reads them: a 4-byte
little-endian length, the database, then its WAL.  rollback.bin: rows
in free pages, freeblocks and unallocated space; wal.bin: the same with
the deletes in a WAL copied while it was open (old frames)."""
import os
import shutil
import sqlite3
import sys
import tempfile


def make(out, name, wal):
    work = tempfile.mkdtemp()
    path = os.path.join(work, 'db')
    c = sqlite3.connect(path, isolation_level=None)
    for sql in ('PRAGMA page_size=512', 'PRAGMA secure_delete=OFF',
                'CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL, '
                'b INTEGER, c REAL, d BLOB)',
                'CREATE TABLE other (x TEXT, y TEXT)',
                'CREATE TABLE one (z)'):
        c.execute(sql)
    for i in range(1, 41):
        c.execute('INSERT INTO t VALUES (?, ?, ?, ?, ?)',
                  (i, 'bericht %d ' % i + 'ja nee ' * (i % 9), i * 977,
                   i + 0.5, bytes(range(i % 7 * 9)) or None))
        c.execute('INSERT INTO other VALUES (?, ?)', ('x%d' % i, 'y' * i))
    c.execute("INSERT INTO one VALUES ('z')")
    if wal:
        c.execute('PRAGMA journal_mode=WAL')
        c.execute('PRAGMA wal_autocheckpoint=0')
    c.execute('DELETE FROM t WHERE id % 3 = 0')
    c.execute('DELETE FROM other WHERE rowid > 30')
    c.execute("INSERT INTO t VALUES (99, 'nieuw', 1, 2.5, NULL)")
    db = open(path, 'rb').read()
    w = open(path + '-wal', 'rb').read() if wal else b''
    c.close()
    shutil.rmtree(work)
    with open(os.path.join(out, name), 'wb') as f:
        f.write(len(db).to_bytes(4, 'little') + db + w)


os.makedirs(sys.argv[1], exist_ok=True)
make(sys.argv[1], 'rollback.bin', False)
make(sys.argv[1], 'wal.bin', True)
