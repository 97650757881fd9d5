#!/bin/bash
# t-artifacts-tiktok: tiktok-android (<uid>_im.db, db_im_xx,
# db_im_contact) and tiktok-ios (ChatFiles/<uid>/db.sqlite, AwemeIM.db)
# on the fixtures of testdata/mkapps.py: full file systems, an iTunes
# backup, folders handed in.  Expected records: tests/cli/oracle/apps.py
# (python3 sqlite3 on copies, json).
. "$(dirname "$0")/lib.sh"
need_plugins tiktok-android tiktok-ios

check() {
	python3 "$O/apps.py" tiktok "$2" "$3" > "$T/want.jsonl"
	python3 "$O/subset.py" "$T/want.jsonl" "$T/out" "tiktok-$2" \
		> "$T/diff.txt"
	ok $? "$1"
	head -20 "$T/diff.txt" | sed 's/^/#   /'
}

A=$F/android/data/data/com.zhiliaoapp.musically
run_rc 5 "android file system" spoor-artifacts --plugin=tiktok-android \
	"$F/android"
check "account, messages, users of both stores" android "$A"
grep -q "1 messages without a text this plugin reads, 1 whose content is no JSON" "$T/err"
ok $? "content it cannot read is not understood (exit 5)"
is "$(jsonl_fields "$T/out" type recovered_from | grep -c '^message	wal$')" \
	1 "the WAL-only message is marked"
run_rc 5 "android app folder handed in" spoor-artifacts \
	--plugin=tiktok-android "$F/folders/tiktok-android"
check "folder: the same records" android "$F/folders/tiktok-android"

C=$F/ios/tree/private/var/mobile/Containers/Data/Application/7B1B2C3D-0000-4E1B-9C55-0A1B2C3D4E03
run_rc 5 "iOS file system" spoor-artifacts --plugin=tiktok-ios "$F/ios/tree"
check "iOS: account, messages, AwemeIM contacts" ios "$C"
run_rc 5 "iOS iTunes backup" spoor-artifacts --plugin=tiktok-ios \
	"$F/ios/backup"
check "backup: the same records" ios "$C"
run_rc 5 "iOS container folder handed in" spoor-artifacts \
	--plugin=tiktok-ios "$F/folders/tiktok-ios"
check "folder: the same records" ios "$F/folders/tiktok-ios"

(cd "$F" && find . -type f -print0 | sort -z | xargs -0 sha256sum) \
	> "$T/after"
diff_ok "$T/after" "$T/before" "evidence unchanged"
is "$(find "$TMPDIR" -mindepth 1 | wc -l)" 0 "no temporary files left"
done_testing
