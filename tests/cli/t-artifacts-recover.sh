#!/bin/bash
# t-artifacts-recover: deleted rows from the pages of databases, for every
# SQL plugin through the host (lib/sqlrecover*.c).  The databases are
# made by testdata/mkrecover.py with the real SQLite library: rows of the
# supported apps' schemas inserted, a third deleted (secure_delete off,
# no VACUUM), the space reused, some rows edited, in rollback-journal
# and WAL mode.  tests/cli/oracle/recover-check.py knows what was
# deleted, finds on its own which of those rows' bytes are still wholly
# or partly in the files, and prints recall and precision: every
# recovered record must be a deleted row (or an edit's old version) on
# every field it shows, its text at its recorded offset, and no live row
# may be repeated.  Goals: 95% of the wholly present rows, 80% of the
# partly present ones, no wrong record.
. "$(dirname "$0")/lib.sh"
need python3 sqlite3 sha256sum
: "${SPOOR_PLUGIN_PATH:=$SPOOR_BUILD/plugins}"
export SPOOR_PLUGIN_PATH
for p in whatsapp-android whatsapp-ios android-sms ios-sms; do
	[ -f "$SPOOR_PLUGIN_PATH/$p.so" ] || skip_all "$p.so not built"
done
F=$T/fx
CHECK=$SPOOR_SRC/tests/cli/oracle/recover-check.py
python3 "$SPOOR_SRC/testdata/mkrecover.py" "$F" > /dev/null
ok $? "fixtures generated"
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"
(cd "$F" && find . -type f -print0 | sort -z | xargs -0 sha256sum) \
	> "$T/before"

# recall NAME PLUGIN: run the plugin on fixture NAME, check with the
# oracle, keep the records in $T/NAME.out and the summary in $T/NAME.err
recall() {
	run_rc 0 "$1: $2" spoor-artifacts --plugin="$2" "$F/$1"
	cp "$T/out" "$T/$1.out"
	cp "$T/err" "$T/$1.err"
	python3 "$CHECK" "$F/$1" "$T/$1.out" > "$T/check"
	_rc=$?
	diag "$(head -1 "$T/check")"
	ok "$_rc" "$1: recall and precision"
	sed -n '2,12s/^/#   /p' "$T/check"
}

recall wa-legacy whatsapp-android	# messages, rollback journal
recall wa-modern whatsapp-android	# message, WAL
recall sms android-sms			# Samsung mmssms.db, rollback
recall ios-sms ios-sms			# iOS sms.db, WAL
recall wa-ios whatsapp-ios		# ChatStorage.sqlite, rollback
recall wa-contacts whatsapp-android	# wa.db wa_contacts, WAL
if [ -d "$F/wa-ios-real" ]; then
	recall wa-ios-real whatsapp-ios	# iLEAPP's real ChatStorage
else
	skip "no ../shared/samples: the real ChatStorage.sqlite"
	skip "no ../shared/samples: the real ChatStorage.sqlite"
	skip "no ../shared/samples: the real ChatStorage.sqlite"
fi

# every kind of place shows up somewhere in these databases
for src in freelist freeblock unallocated wal-superseded main; do
	cat "$T"/*.out | grep -q "\"recovered_from\":\"$src\",\"recovered_page\""
	ok $? "rows recovered from: $src"
done

# the summary counts per source what the output holds (counted here)
python3 - "$T/sms.out" > "$T/counts" <<'EOF'
import json, sys
n = {}
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get('recovered_page') is not None:
        n[r['recovered_from']] = n.get(r['recovered_from'], 0) + 1
print('recovered: %d freelist, %d freeblock, %d unallocated, %d '
      'wal-superseded, %d main,' % tuple(n.get(k, 0) for k in
      ('freelist', 'freeblock', 'unallocated', 'wal-superseded', 'main')))
EOF
grep -qF "$(cat "$T/counts")" "$T/sms.err"
ok $? "summary: recovered records per source ($(cat "$T/counts"))"

# an edit leaves its old version: recovered as such, with its own rowid
python3 - "$F/wa-modern/truth.json" "$T/wa-modern.out" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1]))
old = {r[0]: r[t['columns'].index('text_data')] for r in t['edited']}
got = [json.loads(l) for l in open(sys.argv[2])]
ok = [r for r in got if r.get('recovered_state') == 'earlier-version' and
      old.get(r['rowid']) == r['text']]
sys.exit(0 if len(ok) >= len(old) else 1)
EOF
ok $? "edited messages: every old version recovered, earlier-version, rowid"

# a rowid lost under a freeblock header: null, and the record partial
python3 - "$T/sms.out" <<'EOF'
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
p = [r for r in got if r.get('recovered_from') == 'freeblock' and
     r['rowid'] is None]
sys.exit(0 if p and all(r['recovered_partial'] and
                        '_id' in r['recovered_lost'].split(',') and
                        r['recovered_state'] == 'unknown' for r in p) else 1)
EOF
ok $? "a lost rowid: rowid null, partial, _id lost, state unknown"

# --no-recovery: as before this existed
run_rc 0 "--no-recovery" spoor-artifacts --no-recovery \
	--plugin=android-sms "$F/sms"
is "$(grep -c recovered_page "$T/out")" 0 "--no-recovery: no recovered rows"
is "$(wc -l < "$T/out")" "$(python3 -c "import json,sys; \
print(len(json.load(open(sys.argv[1]))['live']))" "$F/sms/truth.json")" \
	"--no-recovery: the live rows only (as sqlite3 counts them)"
grep -q "recovered: 0 freelist, 0 freeblock, 0 unallocated, 0 wal-superseded, 0 main, 0 dropped, 0 databases not scanned" "$T/err"
ok $? "--no-recovery: summary counts none"

# the conversation view labels them
run_rc 0 "text view" spoor-artifacts --format=text --plugin=android-sms \
	"$F/sms"
grep -q '\[deleted, recovered: freeblock, partial, or an earlier version\]' \
	"$T/out"
ok $? "text view: recovered rows labelled"
run_rc 0 "CSV" spoor-artifacts --format=csv --plugin=android-sms "$F/sms"
head -1 "$T/out" | grep -q 'recovered_page,recovered_file,recovered_offset,recovered_partial,recovered_lost,recovered_state'
ok $? "CSV: the recovered_* columns"

# a UTF-16 database is not scanned: said, counted, exit 5
mkdir -p "$T/u16/databases"
python3 - "$T/u16/databases/mmssms.db" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA encoding='UTF-16le'")
c.execute('PRAGMA secure_delete=OFF')
c.execute('CREATE TABLE sms (_id INTEGER PRIMARY KEY, thread_id INTEGER, '
          'address TEXT, date INTEGER, type INTEGER, body TEXT)')
for i in range(1, 40):
    c.execute('INSERT INTO sms VALUES (?, 1, ?, ?, 1, ?)',
              (i, '06%08d' % i, 1712000000000 + i, 'utf16 bericht %d' % i))
c.execute('DELETE FROM sms WHERE _id % 3 = 0')
EOF
run_rc 5 "a UTF-16 database" spoor-artifacts --plugin=android-sms "$T/u16"
grep -q "deleted rows not recovered: a UTF-16 database" "$T/err"
ok $? "UTF-16: why it was not scanned"
grep -q "26 messages, .* 1 databases not scanned" "$T/err"
ok $? "UTF-16: the live rows, and the database counted as not scanned"

# real samples as they are: nothing recovered is wrong or a live repeat
S=${SPOOR_SAMPLES:-$SPOOR_SRC/../shared/samples}
if [ -d "$S/mvt_ios_backup" ] && [ -d "$S/ileapp_whatsapp_ios" ]; then
	mkdir -p "$T/s"
	cp -r "$S/mvt_ios_backup" "$S"/ileapp_whatsapp_ios/*.zip "$T/s/"
	chmod -R u+w "$T/s"
	(cd "$T/s" && find . -type f -print0 | sort -z |
	 xargs -0 sha256sum) > "$T/sbefore"
	for e in mvt_ios_backup \
	    testdata.whatsApp.whatsAppMessages.josh_ios15_ffs.zip \
	    testdata.whatsApp.whatsAppCallHistory.josh_ios15_ffs.zip; do
		# exit 5 for the backup's missing files: not this test's
		spoor-artifacts "$T/s/$e" > "$T/sout" 2> "$T/serr"
		if [ -d "$T/s/$e" ]; then
			python3 "$CHECK" --samples "$T/s/$e" "$T/sout" \
				> "$T/check"
		else	# a zip: its members are read from a copy
			mkdir -p "$T/sx" && (cd "$T/sx" && unzip -oq "$T/s/$e")
			python3 "$CHECK" --samples "$T/sx" "$T/sout" \
				> "$T/check"
		fi
		ok $? "real sample $e: $(head -1 "$T/check")"
	done
	(cd "$T/s" && find . -type f -print0 | sort -z |
	 xargs -0 sha256sum) > "$T/safter"
	diff_ok "$T/safter" "$T/sbefore" "real samples: copies unchanged"
else
	for i in 1 2 3 4; do skip "no ../shared/samples"; done
fi

(cd "$F" && find . -type f -print0 | sort -z | xargs -0 sha256sum) \
	> "$T/after"
diff_ok "$T/after" "$T/before" "evidence unchanged"
is "$(find "$TMPDIR" -mindepth 1 | wc -l)" 0 "no temporary files left"
done_testing
