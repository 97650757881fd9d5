#!/bin/bash
# t-case-apps: the phone-app plugins' identities in spoor-case: the same
# Snapchat account on two exhibits (an Android file system and an iPhone
# backup of testdata/mkapps.py) is one identity "snapchat:<username>"
# found in both, by the SQL of spoor-case identities and by the C map of
# spoor-artifacts --contacts-graph alike.  The expected usernames are
# read from the fixture files with python3, not from spoor.
. "$(dirname "$0")/lib.sh"
need python3 sqlite3 sha256sum
: "${SPOOR_PLUGIN_PATH:=$SPOOR_BUILD/plugins}"
export SPOOR_PLUGIN_PATH
for p in snapchat-android snapchat-ios; do
	[ -f "$SPOOR_PLUGIN_PATH/$p.so" ] || skip_all "$p.so not built"
done
F=$T/fx
python3 "$SPOOR_SRC/testdata/mkapps.py" "$F" > /dev/null
ok $? "fixtures generated"
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"
# evidence is read-only: its hashes (coreutils) before and after
hashes() { (cd "$1" && find . -type f -print0 | sort -z |
	    xargs -0 sha256sum); }
hashes "$F" > "$T/fx.before"
# the owner's username, by python3 from user.plist (iOS) and from
# main.db's Friend row of key_user_id (Android)
ios_user=$(python3 -c 'import plistlib, sys, glob
p = glob.glob(sys.argv[1] + "/ios/tree/private/var/mobile/Containers/Data/Application/*/Documents/user.plist")[0]
print(plistlib.load(open(p, "rb"))["username"])' "$F")
A=$F/android/data/data/com.snapchat.android
cp "$A/databases/main.db" "$T/main.db"
uid=$(python3 -c 'import sys, xml.etree.ElementTree as E
for e in E.parse(sys.argv[1]).getroot():
    if e.get("name") == "key_user_id": print(e.text)' \
	"$A/shared_prefs/user_session_shared_pref.xml")
and_user=$(sqlite3 "$T/main.db" "SELECT username FROM Friend WHERE userId = '$uid'")
is "$and_user" "$ios_user" "the fixture's two devices hold one account ($ios_user)"

C=$T/case
run_rc 0 "init" spoor-case init "$C" --case-id APPS-1 --examiner "E. de Wit"
run_rc 0 "add the Android tree" spoor-case add "$C" "$F/android" --exhibit E01
run_rc 0 "add the iPhone backup" spoor-case add "$C" "$F/ios/backup" \
	--exhibit E02
run_rc 5 "snapchat-android -C" spoor-artifacts -C "$C" --exhibit E01 \
	--plugin=snapchat-android "$F/android"
run_rc 5 "snapchat-ios -C" spoor-artifacts -C "$C" --exhibit E02 \
	--plugin=snapchat-ios "$F/ios/backup"
run_rc 0 "identities" spoor-case identities "$C" --format jsonl
cp "$T/out" "$T/ids.jsonl"
is "$(jsonl_fields "$T/ids.jsonl" identity kind exhibit | grep "^snapchat:$ios_user	" | cut -f2,3 | sort -u | tr '\n' ' ')" \
	"snapchat	E01 snapchat	E02 " "snapchat:$ios_user is one identity in both exhibits"
is "$(jsonl_fields "$T/ids.jsonl" identity exhibits | grep "^snapchat:$ios_user	" | cut -f2 | sort -u)" \
	2 "  counted in 2 exhibits"
run_rc 5 "--contacts-graph over both exhibits" spoor-artifacts -q \
	--plugin=snapchat-android --plugin=snapchat-ios --contacts-graph \
	"$F/android" "$F/ios/backup"
jsonl_fields "$T/out" identity kind exhibits role | sort -u > "$T/c"
jsonl_fields "$T/ids.jsonl" identity kind exhibits role | sort -u > "$T/s"
diff_ok "$T/c" "$T/s" "the run's graph (C) and the case's (SQL) agree on identities and roles"

# the same account's Snapchat "My Data" download (written here, newer
# layout): its account and a message from one of the phone's friends
# link to the phone's identities
friend=$(sqlite3 "$T/main.db" "SELECT username FROM Friend WHERE userId <> '$uid' AND username <> '' ORDER BY username LIMIT 1")
[ -n "$friend" ]
ok $? "the phone's main.db has a friend ($friend)"
python3 - "$T/dl/snapchat/json" "$ios_user" "$friend" <<'PY'
import json, os, sys
d, me, friend = sys.argv[1:4]
os.makedirs(d)
json.dump({"Basic Information": {"Username": me, "Name": "Fictief"}},
          open(d + "/account.json", "w"))
msg = lambda frm, text, mine: {
    "From": frm, "Media Type": "TEXT", "Created": "2024-03-14 20:07:41 UTC",
    "Content": text, "Conversation Title": None, "IsSender": mine,
    "Created(microseconds)": 1710446861000, "IsSaved": True, "Media IDs": ""}
json.dump({friend: [msg(friend, "hoi", False), msg(me, "hee", True)]},
          open(d + "/chat_history.json", "w"))
PY
hashes "$T/dl" > "$T/dl.before"
run_rc 0 "add the download" spoor-case add "$C" "$T/dl" --exhibit E03
run_rc 0 "snapchat-export -C" spoor-artifacts -C "$C" --exhibit E03 \
	--plugin=snapchat-export "$T/dl"
run_rc 0 "identities" spoor-case identities "$C" --format jsonl
is "$(jsonl_fields "$T/out" identity exhibit | grep "^snapchat:$ios_user	" | cut -f2 | sort -u | tr '\n' ' ')" \
	"E01 E02 E03 " "the download's account is the phone's identity snapchat:$ios_user"
is "$(jsonl_fields "$T/out" identity exhibit role | grep -c "^snapchat:$friend	E03	sender$")" 1 \
	"the friend who wrote in the download is a sender in E03"
is "$(jsonl_fields "$T/out" identity exhibit | grep "^snapchat:$friend	" | cut -f2 | sort -u | grep -c '^E01$')" 1 \
	"  ... and the same identity as the phone's friend in E01"

hashes "$F" > "$T/fx.after"
diff_ok "$T/fx.after" "$T/fx.before" "the phones' evidence unchanged"
hashes "$T/dl" > "$T/dl.after"
diff_ok "$T/dl.after" "$T/dl.before" "the download unchanged"
is "$(wc -l < "$T/dl.before")" 2 "  (both of its files hashed)"
done_testing
