#!/bin/bash
# t-artifacts-android: android-sms, android-contacts and android-calllog on
# the provider databases of testdata/mkartifacts.sh.  Expected rows are
# written from that script's INSERTs (type codes per AOSP: sms type 1
# received, 2 sent, 3 draft; MMS msg_box; calls type 1 in, 2 out, 3
# missed; MMS dates in seconds, the rest in milliseconds).
. "$(dirname "$0")/lib.sh"
need perl sqlite3 sha256sum
: "${SPOOR_PLUGIN_PATH:=$SPOOR_BUILD/plugins}"
export SPOOR_PLUGIN_PATH
for p in android-sms android-contacts android-calllog; do
	[ -f "$SPOOR_PLUGIN_PATH/$p.so" ] || skip_all "$p.so not built"
done
F=$T/fx
bash "$SPOOR_SRC/testdata/mkartifacts.sh" "$F" > /dev/null
ok $? "fixtures generated"
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"
(cd "$F/android" && find . -type f -print0 | sort -z | xargs -0 sha256sum) \
	> "$T/before"

run_rc 0 "SMS and MMS" spoor-artifacts --plugin=android-sms "$F/android"
jsonl_fields "$T/out" table rowid chat_id direction sender_phone \
	recipient_phone text time time_raw time_unit spam > "$T/got"
cat > "$T/want" <<'EOF2'
sms	1	thread:1	incoming	+31612345001	null	Hoi, ben je er?	2024-03-14T20:07:41Z	1710446861000	unix_ms	false
sms	2	thread:1	outgoing	null	+31612345001	Ja	2024-03-14T20:08:20Z	1710446900000	unix_ms	false
sms	3	thread:2	incoming	+31612345002	null	Bel me	2024-03-14T20:10:00Z	1710447000000	unix_ms	false
sms	4	thread:3	incoming	null	null	Uw code is 123456	2024-03-14T20:11:40Z	1710447100000	unix_ms	false
sms	5	thread:2	draft	null	+31612345002	concept	2024-03-14T20:13:20Z	1710447200000	unix_ms	false
spam_sms	1	thread:9	incoming	+3197010000000	null	Gefeliciteerd, u heeft gewonnen	2024-03-14T20:15:00Z	1710447300000	unix_ms	true
pdu	1	thread:2	incoming	+31612345002	null	MMS tekst	2024-03-14T20:16:40Z	1710447400	unix_s	null
pdu	2	thread:2	outgoing	null	+31612345002	Antwoord	2024-03-14T20:18:20Z	1710447500	unix_s	null
EOF2
diff_ok "$T/got" "$T/want" "sms, Samsung spam_sms, MMS text parts and addresses"
is "$(jsonl_fields "$T/out" table sender attachments | grep '^pdu' | head -1)" \
	"pdu	0612345002	1" "MMS: stored address kept, one non-text part counted"
# MMS part files: linked through _data to the evidence with their SHA-256
part=user_de/0/com.android.providers.telephony/app_parts/PART_1710447400_IMG_0001.jpg
want_sha=$(sha256sum < "$F/android/data/$part" | cut -c1-64)
perl -MJSON::PP -ne '$r = decode_json($_); next unless $r->{table} eq "pdu";
	for $a (@{$r->{attachment_files}}) { print join("\t", $r->{rowid},
	map { defined $a->{$_} ? (JSON::PP::is_bool($a->{$_}) ?
	($a->{$_} ? "true" : "false") : $a->{$_}) : "null" }
	qw(seq mime name found evidence_path size sha256)), "\n" }' \
	"$T/out" > "$T/got"
printf '1\t2\timage/jpeg\tIMG_0001.jpg\ttrue\tdata/%s\t%s\t%s\n' "$part" \
	"$(stat -c %s "$F/android/data/$part")" "$want_sha" > "$T/want"
printf '2\t1\tvideo/mp4\tVID_0002.mp4\tfalse\tnull\tnull\tnull\n' >> "$T/want"
diff_ok "$T/got" "$T/want" "MMS parts: file found with size and sha256; a missing one flagged"

run_rc 0 "contacts" spoor-artifacts --plugin=android-contacts "$F/android"
jsonl_fields "$T/out" type rowid name phone phone_raw email account_type \
	whatsapp_jid deleted > "$T/got"
cat > "$T/want" <<'EOF2'
account	1	null	null	null	null	com.google	null	null
account	2	null	null	null	null	com.whatsapp	null	null
contact	1	Daan de Vries	+31612345001	06-12345001	daan@example.org	com.google	null	false
contact	2	Sanne Jansen	+31612345002	06 12345002	null	com.google	null	false
contact	3	Daan de Vries	null	null	null	com.whatsapp	31612345001@s.whatsapp.net	false
contact	4	Oud Contact	+31201234567	0201234567	null	com.google	null	true
EOF2
diff_ok "$T/got" "$T/want" "contacts per account, numbers, e-mail, WhatsApp rows, deleted"

run_rc 0 "call log" spoor-artifacts --plugin=android-calllog "$F/android"
jsonl_fields "$T/out" rowid phone phone_raw name direction duration video \
	presentation time > "$T/got"
cat > "$T/want" <<'EOF2'
1	+31612345001	+31612345001	Daan de Vries	incoming	65	false	allowed	2024-03-14T20:26:40Z
2	+31612345002	0612345002	null	missed	0	false	allowed	2024-03-14T20:28:20Z
3	null		null	incoming	12	false	restricted	2024-03-14T20:30:00Z
4	+447400123456	+447400123456	null	outgoing	300	true	allowed	2024-03-14T20:31:40Z
EOF2
diff_ok "$T/got" "$T/want" "calls: number, cached name, type, duration, video, presentation"
grep -q "android-calllog: 2 files, .* 4 calls, .* 0 not understood" "$T/err"
ok $? "contacts2.db without a calls table is not an error"

run_rc 0 "--cc=44 changes national numbers only" spoor-artifacts \
	--plugin=android-calllog --cc=44 "$F/android"
# 06 12345002 is a Dutch mobile: under the UK plan (07... mobiles, no 06
# range) it is no number at all, so the raw value stays and says why
tab=$'\t'
is "$(jsonl_fields "$T/out" phone phone_raw phone_valid | head -2 | tr '\n' '|')" \
	"+31612345001${tab}+31612345001${tab}null|null${tab}0612345002${tab}false|" \
	"--cc sets the numbering plan of national numbers; invalid ones are flagged"
jsonl_fields "$T/out" phone_why | sed -n 2p | grep -q 'numbering plan'
ok $? "  phone_why says why"

(cd "$F/android" && find . -type f -print0 | sort -z | xargs -0 sha256sum) \
	> "$T/after"
diff_ok "$T/after" "$T/before" "evidence unchanged"
is "$(find "$TMPDIR" -mindepth 1 | wc -l)" 0 "no temporary files left"
# ---- Google Messages bugle_db (mkbugle in testdata/mkartifacts.sh) ----
# message_status 1-99 out (2 delivered, 8 failed), 100-199 in, else
# unknown; message_protocol 0 SMS, 1 MMS, other values kept raw only;
# text from text/* parts, non-text parts counted; the sender from
# participants, recipients the conversation's other participants.
(cd "$F/google" && find . -type f -print0 | sort -z | xargs -0 sha256sum) \
	> "$T/gbefore"
run_rc 0 "Google Messages bugle_db" spoor-artifacts --plugin=android-sms \
	"$F/google"
jsonl_fields "$T/out" table rowid chat_id chat_name direction from_me \
	sender_phone sender_name recipient recipient_phone text time \
	time_raw time_unit kind kind_raw attachments > "$T/got"
cat > "$T/want" <<'EOF2'
messages	1	conversation:1	Daan de Vries	incoming	false	+31612345001	Daan de Vries	null	null	Hoi via Berichten	2024-03-14T20:07:41Z	1710446861000	unix_ms	sms	0	0
messages	2	conversation:1	Daan de Vries	outgoing	true	null	null	+31612345001	+31612345001	Ja, via RCS	2024-03-14T20:08:19Z	1710446899000	unix_ms	null	3	0
messages	3	conversation:2	Klas 3B	incoming	false	+31612345002	Sanne Jansen	null	null	Foto!	2024-03-14T20:10:00Z	1710447000000	unix_ms	mms	1	1
messages	4	conversation:2	Klas 3B	failed	true	null	null	+31612345002, +447400123456	null	Niet verstuurd	2024-03-14T20:11:40Z	1710447100000	unix_ms	sms	0	0
messages	5	conversation:1	Daan de Vries	unknown	null	+31612345001	Daan de Vries	null	null	onbekende status	2024-03-14T20:13:20Z	1710447200000	unix_ms	sms	0	0
EOF2
diff_ok "$T/got" "$T/want" "bugle_db: direction, participants, parts, ms timestamps"
grep -q "android-sms: 1 files, 5 messages, .* 0 not understood" "$T/err"
ok $? "bugle_db summary"
run_rc 5 "bugle_db without its tables" spoor-artifacts --plugin=android-sms \
	"$F/google-bad"
grep -q "bugle_db': schema not recognised.*tables found: messages" "$T/err"
ok $? "bugle_db: schema not recognised, with the tables found"
is "$(wc -l < "$T/out")" 0 "bugle_db: no records from an unknown schema"
(cd "$F/google" && find . -type f -print0 | sort -z | xargs -0 sha256sum) \
	> "$T/gafter"
diff_ok "$T/gafter" "$T/gbefore" "bugle_db evidence unchanged"
is "$(find "$TMPDIR" -mindepth 1 | wc -l)" 0 "no temporary files left (bugle_db)"
done_testing
