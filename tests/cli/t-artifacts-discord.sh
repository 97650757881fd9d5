#!/bin/bash
# t-artifacts-discord: discord-android (files/kv-storage/@account.<id>/a)
# and discord-ios (Library/Caches/kv-storage/..., fsCachedData) on the
# fixtures of testdata/mkapps.py: file systems, an iTunes backup,
# folders handed in.  Expected records: tests/cli/oracle/apps.py (python3
# sqlite3 on copies, json, datetime for the ISO 8601 offsets).
. "$(dirname "$0")/lib.sh"
need_plugins discord-android discord-ios

check() {
	python3 "$O/apps.py" discord "$2" "$3" > "$T/want.jsonl"
	python3 "$O/subset.py" "$T/want.jsonl" "$T/out" "discord-$2" \
		> "$T/diff.txt"
	ok $? "$1"
	head -20 "$T/diff.txt" | sed 's/^/#   /'
}

A=$F/android/data/data/com.discord
run_rc 5 "android file system" spoor-artifacts --plugin=discord-android \
	"$F/android"
check "account, messages (ISO times with offsets, replies, attachments)" \
	android "$A"
grep -q "1 stored values that are no JSON" "$T/err"
ok $? "a value that is no JSON is not understood (exit 5)"
grep -q "1 messages of types this plugin does not know (first: 46)" "$T/err"
ok $? "an undocumented message type is kept raw and counted"
is "$(jsonl_fields "$T/out" type recovered_from | grep -c '^message	wal$')" \
	1 "the WAL-only message is marked"
run_rc 5 "android app folder handed in" spoor-artifacts \
	--plugin=discord-android "$F/folders/discord-android"
check "folder: the same records" android "$F/folders/discord-android"

C=$F/ios/tree/private/var/mobile/Containers/Data/Application/8C1B2C3D-0000-4E1B-9C55-0A1B2C3D4E04
run_rc 0 "iOS file system" spoor-artifacts --plugin=discord-ios "$F/ios/tree"
check "iOS: fsCachedData message lists and the kv-storage" ios "$C"
grep -q "discord-ios: 2 files" "$T/err"
ok $? "  the cached image and the non-message JSON are not its kind"
run_rc 0 "iOS iTunes backup" spoor-artifacts --plugin=discord-ios \
	"$F/ios/backup"
check "backup: the same records" ios "$C"
run_rc 0 "iOS container folder handed in" spoor-artifacts \
	--plugin=discord-ios "$F/folders/discord-ios"
check "folder: the same records" ios "$F/folders/discord-ios"
run_rc 0 "--me names the account of fsCachedData" spoor-artifacts \
	--plugin=discord-ios --me=1098765432109876543 "$F/folders/discord-ios"
is "$(jsonl_fields "$T/out" json_pointer direction | grep '^/' | tr '\n' '|')" \
	"/0	outgoing|/1	outgoing|" "  its messages' direction follows"

(cd "$F" && find . -type f -print0 | sort -z | xargs -0 sha256sum) \
	> "$T/after"
diff_ok "$T/after" "$T/before" "evidence unchanged"
is "$(find "$TMPDIR" -mindepth 1 | wc -l)" 0 "no temporary files left"
done_testing
