#!/bin/bash
# t-artifacts-ios: the ios-backup evidence source and the ios-sms,
# ios-contacts and ios-callhistory plugins on the fixtures of
# testdata/mkios.sh (a file-system tree and the same files as an iTunes
# backup in three layouts, an encrypted backup, hostile backups, a
# pre-iOS 6 sms.db).  Expected values are that script's own data
# (expect/*.tsv, times by date(1), file IDs by sha1sum, hashes by
# sha256sum); records are read with Perl's JSON::PP.  The real mvt
# backup in ../shared/samples is used when present (copied first).
. "$(dirname "$0")/lib.sh"
need perl sqlite3 sha256sum sha1sum plistutil
: "${SPOOR_PLUGIN_PATH:=$SPOOR_BUILD/plugins}"
export SPOOR_PLUGIN_PATH
for p in ios-sms ios-contacts ios-callhistory; do
	[ -f "$SPOOR_PLUGIN_PATH/$p.so" ] || skip_all "$p.so not built"
done
: "${SPOOR_SAMPLES:=$SPOOR_SRC/../shared/samples}"
F=$T/fx
bash "$SPOOR_SRC/testdata/mkios.sh" "$F" > /dev/null
ok $? "fixtures generated"
E=$F/expect
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"
evsum() {
	(cd "$F" && find . -path ./expect -prune -o -type f -print0 |
		sort -z | xargs -0 sha256sum)
}
evsum > "$T/before"
IOS="--plugin=ios-sms --plugin=ios-contacts --plugin=ios-callhistory"

# canon FILE: records without exhibit and backup_file (which name the
# container, not the content), keys sorted, the device record left out
canon() {
	perl -MJSON::PP -ne '
		my $j = JSON::PP->new->utf8->canonical;
		my $r = $j->decode($_);
		next if $r->{plugin} eq "ios-backup";
		delete @$r{qw(exhibit backup_file)};
		print $j->encode($r), "\n";' "$1" | sort
}

# peer fields of messages: sender when incoming, else recipient
msgs() {
	perl -MJSON::PP -ne '
		binmode STDOUT, ":utf8";
		my $r = JSON::PP->new->utf8->decode($_);
		next unless $r->{type} eq "message";
		my $peer = $r->{direction} eq "incoming" ? $r->{sender}
			: $r->{recipient};
		print join("\t", $r->{rowid}, $r->{direction},
			$peer // "null", $r->{text}, $r->{time},
			$r->{time_unit}, $r->{text_source}), "\n";' "$1"
}

# mf FILE FIELD...: jsonl_fields of the message records only
mf() {
	_f=$1
	shift
	jsonl_fields "$_f" type "$@" | grep '^message	' | cut -f2-
}

# ---- the file-system tree ----
run_rc 0 "tree: all three plugins" spoor-artifacts $IOS "$F/tree"
cp "$T/out" "$T/tree.jsonl"
msgs "$T/tree.jsonl" > "$T/got"
diff_ok "$T/got" "$E/sms.tsv" "tree: messages (sender/recipient, text from text or attributedBody, time per value in s or ns)"
is "$(mf "$T/tree.jsonl" rowid time_unit time_read_unit time_read | grep '^2	')" \
	"2	cocoa_ns	cocoa_s	$(head -2 "$E/sms.tsv" | tail -1 | cut -f5)" \
	"tree: one row with date in ns and date_read in s"
is "$(mf "$T/tree.jsonl" rowid text | grep '^4	' | cut -f2-)" \
	"$(cat "$E/long.txt")" "tree: attributedBody text longer than 127 bytes (0x81 length)"
is "$(mf "$T/tree.jsonl" rowid chat_id chat_type participants | grep '^3	')" \
	"3	iMessage;+;chat100200300	group	sanne@example.nl, +447400123456" \
	"tree: group chat with its participants from chat_handle_join"
is "$(mf "$T/tree.jsonl" rowid kind reaction reaction_removed reacted_to_guid reacted_to_rowid | grep '^6	')" \
	"6	reaction	love	false	p:0/M-0003	3" "tree: tapback 2000 is a love reaction to message 3"
is "$(mf "$T/tree.jsonl" rowid deleted deleted_time chat_id | grep '^7	')" \
	"7	true	$(cat "$E/deleted_time")	SMS;-;+31612345001" \
	"tree: Recently Deleted row flagged, with its chat and delete date"
is "$(mf "$T/tree.jsonl" rowid deleted | grep -c '	false$')" 6 \
	"tree: the other rows are not flagged deleted"
att=private/var/mobile/Library/SMS/Attachments/ab/12/A1B2C3D4-0001/IMG_0001.jpg
is "$(mf "$T/tree.jsonl" rowid attachments media_found media_evidence_path media_sha256 | grep '^5	')" \
	"5	2	true	$att	$(sha256 "$F/tree/$att")" \
	"tree: attachment linked to the evidence file with its sha256"
JSONL_FILE=$T/tree.jsonl perl -MJSON::PP -ne '
	my $r = JSON::PP->new->utf8->decode($_);
	next unless ($r->{rowid} // 0) == 5 && $r->{type} eq "message";
	print join("\t", map { $_->{name} . ":" . ($_->{found} ? "found" : "missing") } @{$r->{attachment_list}}), "\n";' \
	"$T/tree.jsonl" > "$T/got"
is "$(cat "$T/got")" "IMG_0001.jpg:found	IMG_0002.jpg:missing" \
	"tree: both attachments listed, the absent one flagged"
perl -MJSON::PP -ne '
	binmode STDOUT, ":utf8";
	my $r = JSON::PP->new->utf8->decode($_);
	next unless $r->{type} eq "contact";
	print join("\t", $r->{rowid}, $r->{name}, $r->{phone} // "null",
		$r->{phone_raw} // "null", $r->{email} // "null",
		join(",", map { $_->{label} } @{$r->{phones}}),
		join(",", map { $_->{phone} // "null" } @{$r->{phones}})), "\n";' \
	"$T/tree.jsonl" > "$T/got"
diff_ok "$T/got" "$E/contacts.tsv" "tree: contacts with E.164 phones, labels, e-mail"
perl -MJSON::PP -ne '
	my $r = JSON::PP->new->utf8->decode($_);
	next unless $r->{type} eq "contact" && $r->{rowid} == 2;
	print join(",", map { $_->{entries} } @{$r->{profiles}}), "\n";' \
	"$T/tree.jsonl" > "$T/got"
is "$(cat "$T/got")" "service=Twitter; username=emmab" \
	"tree: social profile from ABMultiValueEntry"
jsonl_fields "$T/tree.jsonl" type rowid app direction answered duration phone time |
	grep '^call' | cut -f2- > "$T/got"
diff_ok "$T/got" "$E/calls.tsv" "tree: calls (phone, FaceTime, WhatsApp/Telegram/Signal via CallKit; missed; Core Data time)"

# ---- the backup: the same records ----
run_rc 0 "backup (xx/<fileID>)" spoor-artifacts $IOS "$F/backup"
cp "$T/out" "$T/backup.jsonl"
canon "$T/tree.jsonl" > "$T/c-tree"
canon "$T/backup.jsonl" > "$T/c-backup"
diff_ok "$T/c-backup" "$T/c-tree" "backup: the same records as the tree (device paths, hashes, attachments)"
is "$(wc -l < "$T/c-backup")" 16 "backup: 7 messages, 3 contacts, 6 calls"
sms_id=$(grep '^Library/SMS/sms.db	xx	' "$E/fileids" | cut -f3)
is "$sms_id" "$(printf 'HomeDomain-Library/SMS/sms.db' | sha1sum | cut -c1-40)" \
	"fixture: fileID is sha1(domain-relativePath)"
is "$(jsonl_fields "$T/backup.jsonl" plugin source_path backup_file | grep '^ios-sms' | sort -u)" \
	"ios-sms	private/var/mobile/Library/SMS/sms.db	${sms_id:0:2}/$sms_id" \
	"backup: provenance names the device path and the backup file"
is "$(jsonl_fields "$T/backup.jsonl" plugin source_sha256 | grep '^ios-sms' | sort -u | cut -f2)" \
	"$(sha256 "$F/backup/${sms_id:0:2}/$sms_id")" "backup: source_sha256 is the backup file's"
is "$(jsonl_fields "$T/backup.jsonl" plugin device_name model ios_version imei phone_number udid backup_date encrypted source_path | grep '^ios-backup')" \
	"ios-backup	iPhone van Daan	iPhone14,5	17.4.1	356789012345678	+31 6 12345000	00008110-000A11B22C33D44E	2024-03-15T09:30:00Z	false	Info.plist" \
	"backup: device record from the binary Info.plist"
is "$(jsonl_fields "$T/backup.jsonl" plugin source_sha256 | grep '^ios-backup' | cut -f2)" \
	"$(sha256 "$F/backup/Info.plist")" "backup: device record provenance hash"
run_rc 0 "flat layout" spoor-artifacts $IOS "$F/flat"
canon "$T/out" > "$T/c-flat"
diff_ok "$T/c-flat" "$T/c-tree" "flat layout: the same records"
is "$(jsonl_fields "$T/out" plugin backup_file | grep '^ios-sms' | sort -u | cut -f2)" \
	"$sms_id" "flat layout: backup file in the root"
run_rc 0 "domain folders" spoor-artifacts $IOS "$F/domains"
canon "$T/out" > "$T/c-dom"
diff_ok "$T/c-dom" "$T/c-tree" "domain folders: the same records"
is "$(jsonl_fields "$T/out" plugin backup_file | grep '^ios-sms' | sort -u | cut -f2)" \
	"HomeDomain/Library/SMS/sms.db" "domain folders: backup_file is the folder path"

# ---- encrypted and hostile backups ----
run_rc 5 "encrypted backup: exit 5" spoor-artifacts $IOS "$F/encrypted"
grep -q "encrypted iTunes backup" "$T/err"
ok $? "encrypted backup: said so"
is "$(jsonl_fields "$T/out" type | grep -c message)" 0 "encrypted backup: nothing misread"
is "$(jsonl_fields "$T/out" plugin encrypted | grep '^ios-backup')" "ios-backup	true" \
	"encrypted backup: device record says encrypted"
run_rc 5 "Manifest.db not SQLite: exit 5" spoor-artifacts $IOS "$F/notdb"
grep -q "not an SQLite database" "$T/err"
ok $? "Manifest.db not SQLite: said so"
run_rc 5 "hostile paths: exit 5" spoor-artifacts $IOS "$F/paths"
grep -q "3 Files rows refused" "$T/err"
ok $? "hostile paths: '../../x', a bad fileID and a duplicate device path refused"
grep -q "1 of 5 files listed in Manifest.db are not in the backup" "$T/err"
ok $? "hostile paths: the missing file reported"
is "$(jsonl_fields "$T/out" type | grep -c message)" 7 "hostile paths: the good file still read"
is "$(jsonl_fields "$T/out" source_path | grep -c '\.\.')" 0 "hostile paths: no path with '..'"
run_rc 5 "huge and broken plists: exit 5" spoor-artifacts $IOS "$F/hugeplist"
grep -q "'Info.plist' is larger than 8 MiB" "$T/err"
ok $? "huge Info.plist: not read, said so"

run_rc 5 "Info.plist nested 100000 deep: exit 5, no crash" \
	spoor-artifacts $IOS "$F/deepplist"
grep -q "'Info.plist' is not a readable property list" "$T/err"
ok $? "deep Info.plist: refused, said so"

# ---- pre-iOS 6 ----
run_rc 0 "pre-iOS 6 sms.db" spoor-artifacts --plugin=ios-sms "$F/legacy"
msgs "$T/out" | cut -f1-5 > "$T/got"
diff_ok "$T/got" "$E/legacy.tsv" "pre-iOS 6: address/flags and madrid rows"

evsum > "$T/after"
diff_ok "$T/after" "$T/before" "evidence unchanged"

run_rc 0 "--list-plugins" spoor-artifacts --list-plugins
for p in ios-sms ios-contacts ios-callhistory ios-backup; do
	grep -q "^$p	" "$T/out"
	ok $? "--list-plugins names $p"
done

# ---- the real mvt backup ----
if [ -d "$SPOOR_SAMPLES/mvt_ios_backup" ]; then
	cp -r "$SPOOR_SAMPLES/mvt_ios_backup" "$T/mvt"
	(cd "$T/mvt" && find . -type f | sort | xargs sha256sum) > "$T/mbefore"
	run_rc 5 "mvt backup: exit 5 (a trimmed backup: files missing)" \
		spoor-artifacts "$T/mvt"
	grep -q "files listed in Manifest.db are not in the backup" "$T/err"
	ok $? "mvt backup: missing files reported"
	is "$(jsonl_fields "$T/out" plugin source_path text | grep '^ios-sms')" \
		"ios-sms	private/var/mobile/Library/SMS/sms.db	Please click here https://badbadbad.example.org/" \
		"mvt backup: its sms.db message through the backup source"
	is "$(jsonl_fields "$T/out" plugin model ios_version | grep '^ios-backup')" \
		"ios-backup	iPhone9,3	14.3" "mvt backup: device facts"
	if [ -f "$SPOOR_PLUGIN_PATH/whatsapp-ios.so" ]; then
		is "$(jsonl_fields "$T/out" plugin type | grep -c '^whatsapp-ios	message$')" 3 \
			"mvt backup: WhatsApp ChatStorage yields 3 messages"
		is "$(jsonl_fields "$T/out" plugin type chat_id | grep '^whatsapp-ios	message' | cut -f3 | sort -u | wc -l)" 2 \
			"mvt backup: in 2 chats"
	else
		skip "whatsapp-ios not built"
		skip "whatsapp-ios not built"
	fi
	(cd "$T/mvt" && find . -type f | sort | xargs sha256sum) > "$T/mafter"
	diff_ok "$T/mafter" "$T/mbefore" "mvt backup copy unchanged"
else
	for i in 1 2 3 4 5 6 7; do skip "no ../shared/samples/mvt_ios_backup"; done
fi
done_testing
