#!/bin/bash
# t-artifacts-snapchat: snapchat-android and snapchat-ios on the fixtures
# of testdata/mkapps.py, in a full file system, an iTunes backup, a
# folder handed in and arroyo.db alone.  Expected records come from
# tests/cli/oracle/apps.py (python3 sqlite3 on copies, its own protobuf
# reader), never from spoor; subset.py compares them record by record.
. "$(dirname "$0")/lib.sh"
need_plugins snapchat-android snapchat-ios

# check NAME KIND ROOT EVPATH: spoor's records against the oracle's
check() {
	python3 "$O/apps.py" snapchat "$2" "$3" "$4" > "$T/want.jsonl"
	python3 "$O/subset.py" "$T/want.jsonl" "$T/out" snapchat-$2 \
		> "$T/diff.txt"
	ok $? "$1"
	head -20 "$T/diff.txt" | sed 's/^/#   /'
}

A=$F/android/data/data/com.snapchat.android
run_rc 5 "android file system" spoor-artifacts --plugin=snapchat-android \
	"$F/android"
check "android: friends, account, conversations, messages, WAL rows" \
	android "$A" data/data/com.snapchat.android
grep -q "1 messages of content types without a verified meaning (2)" \
	"$T/err"
ok $? "a content type without a verified meaning is not understood (exit 5)"
grep -q "snapchat-android: 1 files, 6 messages, 3 contacts, .* 1 accounts, 1 from the WAL only, 1 deleted in the WAL" "$T/err"
ok $? "summary counts the WAL-only and the deleted-in-WAL rows"
is "$(jsonl_fields "$T/out" type media_count | grep -c '^message	1')" 1 \
	"one message links its cached media"

run_rc 5 "android app folder handed in" spoor-artifacts \
	--plugin=snapchat-android "$F/folders/snapchat-android"
check "folder: the same records" android "$F/folders/snapchat-android" ""

run_rc 5 "arroyo.db alone" spoor-artifacts --plugin=snapchat-android \
	"$A/databases/arroyo.db"
is "$(jsonl_fields "$T/out" type direction from_me | sort | uniq -c |
	awk '{print $1, $2, $3, $4}' | tr '\n' '|')" \
	"2 conversation null null|5 message unknown null|" \
	"no owner known: every direction unknown, from_me null (no WAL beside it: the deleted row is live)"

C=$F/ios/tree/private/var/mobile/Containers/Data/Application/5C3D1A20-7F3B-4E1B-9C55-0A1B2C3D4E01
run_rc 5 "iOS file system" spoor-artifacts --plugin=snapchat-ios "$F/ios/tree"
check "iOS: account from user.plist, conversations, messages" ios "$C" ""
run_rc 5 "iOS iTunes backup" spoor-artifacts --plugin=snapchat-ios \
	"$F/ios/backup"
check "iTunes backup: the same records" ios "$C" ""
is "$(jsonl_fields "$T/out" type backup_file | grep -c '^message	[0-9a-f][0-9a-f]/[0-9a-f]\{40\}$')" 6 \
	"backup records name their backup file"
run_rc 5 "iOS container folder handed in" spoor-artifacts \
	--plugin=snapchat-ios "$F/folders/snapchat-ios"
check "container folder: the same records" ios "$F/folders/snapchat-ios" ""
run_rc 5 "snapchat-android leaves the iOS layout to snapchat-ios" \
	spoor-artifacts --plugin=snapchat-android --plugin=snapchat-ios \
	--type=account "$F/ios/tree"
is "$(jsonl_fields "$T/out" plugin | sort -u | tr '\n' ' ')" "snapchat-ios " \
	"  snapchat-android declined the iOS arroyo.db"

run_rc 5 "a newer app version without conversation_message" \
	spoor-artifacts --plugin=snapchat-android "$F/variants/snapchat-newer"
grep -q "schema not recognised: no conversation_message table" "$T/err"
ok $? "  said: not understood, not 0 messages"
is "$(wc -l < "$T/out")" 0 "  no records"

(cd "$F" && find . -type f -print0 | sort -z | xargs -0 sha256sum) \
	> "$T/after"
diff_ok "$T/after" "$T/before" "evidence unchanged (no -shm, no -wal merged)"
is "$(find "$TMPDIR" -mindepth 1 | wc -l)" 0 "no temporary files left"
done_testing
