#!/bin/bash
# t-artifacts-instagram: instagram-android (direct.db, ig_msys_database_*)
# and instagram-ios (DirectSQLiteDatabase, NSKeyedArchiver) on the
# fixtures of testdata/mkapps.py: full file systems, an iTunes backup,
# folders handed in, a direct.db without messages.  Expected records:
# tests/cli/oracle/apps.py (python3 sqlite3 on copies, json, plistlib).
. "$(dirname "$0")/lib.sh"
need_plugins instagram-android instagram-ios

# check NAME APP PLUGIN ROOT
check() {
	python3 "$O/apps.py" "$2" "$4" > "$T/want.jsonl"
	python3 "$O/subset.py" "$T/want.jsonl" "$T/out" "$3" > "$T/diff.txt"
	ok $? "$1"
	head -20 "$T/diff.txt" | sed 's/^/#   /'
}

A=$F/android/data/data/com.instagram.android
run_rc 5 "android file system" spoor-artifacts \
	--plugin=instagram-android "$F/android"
check "account, threads, messages, msys contacts" instagram-android \
	instagram-android "$A"
grep -q "1 messages of item types whose content this plugin does not read (first: xma_clip)" "$T/err"
ok $? "an item type it does not read is not understood (exit 5)"
is "$(jsonl_fields "$T/out" type recovered_from | grep -c '^message	wal$')" \
	1 "the WAL-only message is marked"
run_rc 5 "android app folder handed in" spoor-artifacts \
	--plugin=instagram-android "$F/folders/instagram-android"
check "folder: the same records" instagram-android instagram-android \
	"$F/folders/instagram-android"
run_rc 5 "a direct.db without messages" spoor-artifacts \
	--plugin=instagram-android "$F/variants/instagram-empty"
grep -q "direct.db holds no messages: newer app versions keep direct messages in ig_msys_database_\*" "$T/err"
ok $? "  no messages is said, not reported as 0 messages"
is "$(jsonl_fields "$T/out" type | grep -c '^message$')" 0 "  no message records"

C=$F/ios/tree/private/var/mobile/Containers/Data/Application/6A1B2C3D-0000-4E1B-9C55-0A1B2C3D4E02
run_rc 5 "iOS file system" spoor-artifacts --plugin=instagram-ios \
	"$F/ios/tree"
check "iOS: threads, account, messages from keyed archives" \
	instagram-ios instagram-ios "$C"
grep -q "1 archives that do not parse, 1 messages with no text, media or activity" "$T/err"
ok $? "an unreadable archive and an empty one are not understood"
run_rc 5 "iOS iTunes backup" spoor-artifacts --plugin=instagram-ios \
	"$F/ios/backup"
check "backup: the same records" instagram-ios instagram-ios "$C"
run_rc 5 "iOS container folder handed in" spoor-artifacts \
	--plugin=instagram-ios "$F/folders/instagram-ios"
check "folder: the same records" instagram-ios instagram-ios \
	"$F/folders/instagram-ios"

(cd "$F" && find . -type f -print0 | sort -z | xargs -0 sha256sum) \
	> "$T/after"
diff_ok "$T/after" "$T/before" "evidence unchanged"
is "$(find "$TMPDIR" -mindepth 1 | wc -l)" 0 "no temporary files left"
done_testing
