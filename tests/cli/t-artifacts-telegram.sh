#!/bin/bash
# t-artifacts-telegram: telegram-android on cache4.db of
# testdata/mkapps.py (TL blobs written byte by byte from the public
# schema), in a full file system, an app folder handed in and cache4.db
# alone.  Expected records: tests/cli/oracle/apps.py (python3 sqlite3 on
# copies and its own TL reader).
. "$(dirname "$0")/lib.sh"
need_plugins telegram-android
A=$F/android/data/data/org.telegram.messenger

check() {
	python3 "$O/apps.py" telegram "$2" > "$T/want.jsonl"
	python3 "$O/subset.py" "$T/want.jsonl" "$T/out" telegram-android \
		> "$T/diff.txt"
	ok $? "$1"
	head -20 "$T/diff.txt" | sed 's/^/#   /'
}

run_rc 5 "android file system" spoor-artifacts --plugin=telegram-android \
	"$F/android"
check "account, users, address book, dialogs, messages (TL decoded)" "$A"
grep -q "2 rows hold TL constructors this plugin does not know (first: 0x2e13f4c3)" "$T/err"
ok $? "unknown constructors counted as not understood (exit 5), named"
grep -q "1 media and 0 service actions of kinds this plugin does not know" \
	"$T/err"
ok $? "an unknown media constructor is kept raw and counted"
is "$(jsonl_fields "$T/out" type rowid decoded text | grep '^message	8	')" \
	"message	8	false	null" "the unknown message is reported, its text not guessed"
is "$(jsonl_fields "$T/out" type recovered_from | grep -c '^message	wal$')" \
	1 "the WAL-only message is marked"
is "$(jsonl_fields "$T/out" type rowid forwarded_from_id reply_to_message_id action |
	grep '^message	[346]	')" \
	"$(printf 'message\t3\t7034567890\tnull\tnull\nmessage\t4\tnull\t1\tnull\nmessage\t6\tnull\tnull\tchat_create')" \
	"forward origin, reply-to and the service action"

run_rc 5 "app folder handed in" spoor-artifacts --plugin=telegram-android \
	"$F/folders/telegram-android"
check "folder: the same records" "$F/folders/telegram-android"

run_rc 5 "cache4.db alone" spoor-artifacts --plugin=telegram-android \
	"$A/files/cache4.db"
is "$(jsonl_fields "$T/out" type | grep -c '^account$')" 0 \
	"no userconfing.xml: no account record"
is "$(jsonl_fields "$T/out" type rowid direction sender_id | grep '^message	2	')" \
	"message	2	outgoing	5012345678" \
	"direction from messages_v2.out, sender from the TL from_id"

run_rc 5 "an app version without messages_v2" spoor-artifacts \
	--plugin=telegram-android "$F/variants/telegram-old"
grep -q "schema not recognised: no messages_v2 table" "$T/err"
ok $? "  said: not understood, not 0 messages"

run_rc 0 "--list-plugins" spoor-artifacts --list-plugins
for p in snapchat-android snapchat-ios instagram-android instagram-ios \
    tiktok-android tiktok-ios discord-android discord-ios telegram-android; do
	grep -q "^$p	" "$T/out"
	ok $? "  --list-plugins names $p"
done

(cd "$F" && find . -type f -print0 | sort -z | xargs -0 sha256sum) \
	> "$T/after"
diff_ok "$T/after" "$T/before" "evidence unchanged"
is "$(find "$TMPDIR" -mindepth 1 | wc -l)" 0 "no temporary files left"
done_testing
