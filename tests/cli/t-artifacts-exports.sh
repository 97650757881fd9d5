#!/bin/bash
# t-artifacts-exports: telegram-export, sms-backup-restore and vcard on the
# fixtures of testdata/mkexports.sh (expected values written from that
# script's data; hashes by sha256sum and perl Digest::SHA), on the shared
# samples when present (copied first: the synthetic files, chat-miner's
# Telegram exports against its target.json, ez-vcard's real clients), and
# on hostile input: billion laughs, external entity, JSON 100,000 deep, a
# 50 MB vCard line, truncated files.  Evidence is hashed before and after.
. "$(dirname "$0")/lib.sh"
need perl sha256sum timeout
: "${SPOOR_PLUGIN_PATH:=$SPOOR_BUILD/plugins}"
export SPOOR_PLUGIN_PATH
for p in telegram-export sms-backup-restore vcard; do
	[ -f "$SPOOR_PLUGIN_PATH/$p.so" ] || skip_all "$p.so not built"
done
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"
F=$T/fx
bash "$SPOOR_SRC/testdata/mkexports.sh" "$F" > /dev/null
ok $? "fixtures generated"
tab=$'\t'
ev_sha() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
for d in telegram sbr vcf; do ev_sha "$F/$d"; done > "$T/before"
# a memory ceiling (2 GB of address space), except under ASan, which
# reserves terabytes of it
case "${SPOOR_SANITIZE:-}" in
*address*) lim() { "$@"; } ;;
*) lim() { (ulimit -v 2000000 && "$@"); } ;;
esac

# ---- Telegram Desktop full export ----
run_rc 0 "Telegram full export" spoor-artifacts --plugin=telegram-export "$F/telegram"
cp "$T/out" "$T/tg.jsonl"
jsonl_fields "$T/tg.jsonl" type json_pointer message_id chat_name direction \
	sender_name time time_local kind text > "$T/got"
cat > "$T/want" <<'EOF'
account	/personal_information	null	null	null	null	null	null	null	null
contact	/contacts/list/0	null	null	null	null	null	null	null	null
contact	/contacts/list/1	null	null	null	null	null	null	null	null
message	/chats/list/0/messages/0	11	Daan de Vries	incoming	Daan de Vries	2024-03-14T20:07:41Z	2024-03-14T21:07:41	text	Hoi, ben je er?
message	/chats/list/0/messages/1	12	Daan de Vries	outgoing	Sanne Jansen	2024-03-14T20:09:15Z	2024-03-14T21:09:15	photo	kijk https://example.org één 😀
message	/chats/list/0/messages/2	13	Daan de Vries	incoming	Daan de Vries	2024-03-14T20:11:00Z	2024-03-14T21:11:00	voice_message	null
call	/chats/list/0/messages/3	14	Daan de Vries	outgoing	null	2024-03-14T20:12:00Z	2024-03-14T21:12:00	null	null
call	/chats/list/0/messages/4	15	Daan de Vries	incoming	null	2024-03-14T20:20:00Z	2024-03-14T21:20:00	null	null
message	/chats/list/0/messages/5	16	Daan de Vries	incoming	Daan de Vries	2024-03-14T20:21:00Z	2024-03-14T21:21:00	location	null
message	/chats/list/1/messages/0	1	Voetbal ouders	incoming	Lotte Bakker	2024-03-10T09:00:00Z	2024-03-10T09:00:00	service	null
message	/chats/list/1/messages/1	2	Voetbal ouders	incoming	Lotte Bakker	2024-03-10T09:01:00Z	2024-03-10T09:01:00	text	Training om 10 uur
EOF
diff_ok "$T/got" "$T/want" "Telegram: account, contacts, messages (string and entity text), calls, direction from the owner's user_id"
is "$(jsonl_fields "$T/tg.jsonl" type user_id given_name family_name phone_raw username | head -1)" \
	"account${tab}1000000001${tab}Sanne${tab}Jansen${tab}+31 6 12345000${tab}sannej" "account from personal_information"
is "$(jsonl_fields "$T/tg.jsonl" type telegram_id name phone_raw time_added | sed -n 2p)" \
	"contact${tab}1000000002${tab}Daan de Vries${tab}+31612345001${tab}2024-01-02T10:00:00Z" "contact"
photo="photos/photo_1@14-03-2024_21-09-15.jpg"
is "$(jsonl_fields "$T/tg.jsonl" message_id media_path media_found media_evidence_path media_sha256 edited reply_to_message_id | sed -n 5p)" \
	"12${tab}${photo}${tab}true${tab}${photo}${tab}$(sha256 "$F/telegram/$photo")${tab}2024-03-14T20:10:00Z${tab}11" \
	"photo linked to the export folder with its SHA-256; edit time; reply"
is "$(jsonl_fields "$T/tg.jsonl" message_id media_not_exported media_mime duration | sed -n 6p)" \
	"13${tab}true${tab}audio/ogg${tab}7" "file not included in the export: said so"
is "$(jsonl_fields "$T/tg.jsonl" type duration result missed | grep '^call' | tr '\n' '|')" \
	"call${tab}65${tab}hangup${tab}false|call${tab}null${tab}missed${tab}true|" \
	"phone_call service messages are calls with duration and discard_reason"
# the other party of a call is the other person of the one-to-one chat
# (its name and id in the fixture), whoever started it; the starter is
# the service's actor (the owner started 14, Daan 15)
is "$(jsonl_fields "$T/tg.jsonl" type message_id direction name telegram_id caller caller_id | grep '^call' | tr '\n' '|')" \
	"call${tab}14${tab}outgoing${tab}Daan de Vries${tab}user1000000002${tab}Sanne Jansen${tab}user1000000001|call${tab}15${tab}incoming${tab}Daan de Vries${tab}user1000000002${tab}Daan de Vries${tab}user1000000002|" \
	"a call names the other party, and who called"
is "$(jsonl_fields "$T/tg.jsonl" message_id latitude longitude | sed -n 9p)" \
	"16${tab}52.3731${tab}4.8922" "location"
is "$(jsonl_fields "$T/tg.jsonl" message_id action forwarded_from | tail -2 | tr '\n' '|')" \
	"1${tab}create_group${tab}null|2${tab}null${tab}Club nieuws|" "service action, forwarded_from"

# ---- SMS Backup & Restore ----
run_rc 0 "SMS Backup & Restore" spoor-artifacts --plugin=sms-backup-restore "$F/sbr"
cp "$T/out" "$T/sbr.jsonl"
jsonl_fields "$T/sbr.jsonl" type source_path line kind direction phone \
	sender_phone contact_name time time_sent text > "$T/got"
cat > "$T/want" <<'EOF'
call	calls-20240314210000.xml	3	null	incoming	+31612345001	null	null	2024-03-14T19:53:20Z	null	null
call	calls-20240314210000.xml	4	null	incoming	+447400123456	null	null	2024-03-14T19:55:00Z	null	null
call	calls-20240314210000.xml	5	null	outgoing	null	null	null	2024-03-14T19:56:40Z	null	null
message	sms-20240314210000.xml	4	sms	incoming	+31612345001	null	Daan de Vries	2024-03-14T20:07:41Z	2024-03-14T20:07:39Z	Hoi, ben je er?
message	sms-20240314210000.xml	5	sms	outgoing	+31612345001	null	Daan de Vries	2024-03-14T20:08:20Z	null	Ja & nee
tweede regel 😀
message	sms-20240314210000.xml	6	mms	incoming	null	+31612345001	Daan de Vries	2024-03-14T20:09:15Z	2024-03-14T20:09:10Z	kijk dit veld
attachment	sms-20240314210000.xml	6	null	null	null	null	null	null	null	null
message	sms-20240314210000.xml	17	sms	incoming	null	null	null	2024-03-14T20:10:00Z	2024-03-14T20:10:00Z	Uw code is 123456
EOF
diff_ok "$T/got" "$T/want" "SBR: sms/mms/calls, line numbers, ms and s dates, &#10;, surrogate-pair emoji, (Unknown)"
img_sha=$(perl -MDigest::SHA=sha256_hex -e 'local $/; open my $f, "<", $ARGV[0] or die; print sha256_hex(<$f>)' "$F/oracle/mms-image.bin")
is "$(jsonl_fields "$T/sbr.jsonl" type mime name size sha256 data_present | grep '^attachment')" \
	"attachment${tab}image/jpeg${tab}IMG_0001.jpg${tab}$(wc -c < "$F/oracle/mms-image.bin")${tab}${img_sha}${tab}true" \
	"MMS image part: size and SHA-256 of the decoded base64 (perl Digest::SHA)"
is "$(jsonl_fields "$T/sbr.jsonl" kind sender recipients parts attachments media_sha256 | grep '^mms')" \
	"mms${tab}+31612345001${tab}+31612345000${tab}3${tab}1${tab}${img_sha}" "MMS addresses (137 from, 151 to) and parts"
is "$(jsonl_fields "$T/sbr.jsonl" type result duration time_raw time_unit | grep '^call' | head -2 | tr '\n' '|')" \
	"call${tab}answered${tab}65${tab}1710446000000${tab}unix_ms|call${tab}missed${tab}0${tab}1710446100000${tab}unix_ms|" \
	"call type and duration, raw ms kept"
! grep -qF "$(base64 -w0 < "$F/oracle/mms-image.bin" | head -c 16)" "$T/sbr.jsonl"
ok $? "the media itself is not in the output"

# ---- vCard ----
run_rc 0 "vCard 2.1/3.0/4.0" spoor-artifacts --plugin=vcard "$F/vcf"
cp "$T/out" "$T/vcf.jsonl"
jsonl_fields "$T/vcf.jsonl" line vcard_version name family_name given_name org \
	phone phone_raw phone_types whatsapp_id whatsapp_jid email complete > "$T/got"
cat > "$T/want" <<'EOF'
1	2.1	Sanne Jaël	Jaël	Sanne	null	+31612345000	+31612345000; 020-1234567	cell,pref; home	null	null	null	true
11	2.1	Zoë Bakker	Bakker	Zoë	Café € Co	+31201234003	+31 20 1234003	work	null	null	null	true
18	3.0	Daan de Vries	de Vries	Daan	null	+31612345001	+31 6 12345001	Mobile	31612345001	31612345001@s.whatsapp.net	daan@example.org	true
42	4.0	Emma Brown	Brown	Emma	null	+447400123456	+44-7400-123456	cell,voice,pref	null	null	emma@example.co.uk	true
50	3.0	Afgebroken Kaart	null	null	null	+31612345009	+31612345009	null	null	null	null	false
EOF
diff_ok "$T/got" "$T/want" "vCard: QP soft break inside a character, ISO-8859-1, Windows-1252, itemN label, waid, 4.0 tel: URI, unterminated card"
is "$(jsonl_fields "$T/vcf.jsonl" note social_profiles | tr '\n' '|')" \
	"Een lange notitie die verdeeeld is${tab}null|null${tab}null|Een notitie met een komma, puntkomma; en|nieuwe regel die gevouwen is${tab}https://twitter.com/daan_example|null${tab}null|null${tab}null|" \
	"2.1 QP soft line break; 3.0 folding and escapes; X-SOCIALPROFILE"
photo_sha=$(perl -MDigest::SHA=sha256_hex -e 'local $/; open my $f, "<", $ARGV[0] or die; print sha256_hex(<$f>)' "$F/oracle/photo.bin")
is "$(jsonl_fields "$T/vcf.jsonl" photo photo_size photo_sha256 | sed -n 3p)" \
	"true${tab}700${tab}${photo_sha}" "folded base64 PHOTO: size and SHA-256 only"
is "$(jsonl_fields "$T/vcf.jsonl" impp | sed -n 4p)" "xmpp:emma@example.co.uk" "IMPP"
is "$(jsonl_fields "$T/vcf.jsonl" source_sha256 | sort -u)" "$(sha256 "$F/vcf/contacts.vcf")" "provenance: source SHA-256"

for d in telegram sbr vcf; do ev_sha "$F/$d"; done > "$T/after"
diff_ok "$T/after" "$T/before" "fixtures unchanged (sha256 of every file)"

# ---- samples (copied, never read in place) ----
S=$SPOOR_SRC/../shared/samples
if [ -d "$S/synthetic" ]; then
	mkdir -p "$T/syn/tg" "$T/syn/sbr" "$T/syn/vcf"
	cp "$S/synthetic/telegram_desktop_single_chat_result.json" "$T/syn/tg/result.json"
	cp "$S"/synthetic/sms_backup_restore_*.xml "$T/syn/sbr/"
	cp "$S"/synthetic/*.vcf "$T/syn/vcf/"
	ev_sha "$T/syn" > "$T/syn.sha"
	run_rc 0 "synthetic Telegram single chat" spoor-artifacts --plugin=telegram-export --me=Sanne "$T/syn/tg"
	# oracle: JSON::PP over the same file: messages and phone_call services
	want=$(perl -MJSON::PP -e 'local $/; open my $f, "<", $ARGV[0] or die; my $d = decode_json(<$f>);
		my ($m, $c) = (0, 0); for (@{$d->{messages}}) { ($_->{action} // "") eq "phone_call" ? $c++ : $m++ }
		print "$m $c"' "$T/syn/tg/result.json")
	is "$(jsonl_fields "$T/out" type | grep -c '^message$') $(jsonl_fields "$T/out" type | grep -c '^call$')" \
		"$want" "synthetic Telegram: messages and calls as JSON::PP counts them"
	is "$(jsonl_fields "$T/out" sender_name direction | grep '^Sanne' | sort -u)" "Sanne${tab}outgoing" "--me names the owner in a single-chat export"
	run_rc 0 "synthetic SBR files" spoor-artifacts --plugin=sms-backup-restore "$T/syn/sbr"
	want=$(cat "$T"/syn/sbr/*.xml | grep -cE '<(sms|mms|call) ')
	is "$(jsonl_fields "$T/out" type | grep -cE '^(message|call)$')" "$want" "one record per sms/mms/call element"
	if command -v xmllint > /dev/null; then
		want=$(xmllint --xpath 'string(//part[@ct="image/jpeg"]/@data)' "$T/syn/sbr/sms_backup_restore_sms.xml" |
			perl -MMIME::Base64 -MDigest::SHA=sha256_hex -e 'local $/; print sha256_hex(decode_base64(<STDIN>))')
		is "$(jsonl_fields "$T/out" type sha256 | grep '^attachment' | cut -f2)" "$want" \
			"MMS part SHA-256 as xmllint + perl decode it"
	else
		skip "xmllint missing"
	fi
	run_rc 0 "synthetic vCards" spoor-artifacts --plugin=vcard "$T/syn/vcf"
	is "$(jsonl_fields "$T/out" type | grep -c contact)" "$(grep -aic '^BEGIN:VCARD' "$T"/syn/vcf/*.vcf | awk -F: '{ s += $NF } END { print s }')" \
		"one contact per BEGIN:VCARD"
	ev_sha "$T/syn" | diff -q - "$T/syn.sha" > /dev/null
	ok $? "sample copies unchanged"
else
	skip "synthetic samples absent"
fi
C=$S/exports/chat-miner/telegram
if [ -f "$C/target.json" ]; then
	perl -MJSON::PP -e '
		local $/; open my $f, "<", $ARGV[0] or die; binmode STDOUT, ":utf8";
		for (@{decode_json(<$f>)}) { (my $m = $_->{message}) =~ s/\s+//g;
			print "$_->{timestamp}Z\t$_->{author}\t$m\n" }' "$C/target.json" | sort > "$T/cm-want"
	for f in "$C"/test_*.json; do
		b=$(basename "$f")
		rm -rf "$T/cm"
		mkdir -p "$T/cm"
		cp "$f" "$T/cm/result.json"
		spoor-artifacts -q --plugin=telegram-export "$T/cm" > "$T/cm.jsonl"
		# chat-miner joins entity texts with a space: compare without
		# white space
		jsonl_fields "$T/cm.jsonl" time sender_name text |
			perl -CSD -F'\t' -lane '$F[2] =~ s/\s+//g; print join("\t", @F)' |
			sort > "$T/cm-got"
		diff_ok "$T/cm-got" "$T/cm-want" "chat-miner $b: as its target.json"
	done
else
	skip "chat-miner Telegram samples absent"
fi
V=$S/vcards
if [ -d "$V/ez-vcard" ]; then
	mkdir -p "$T/ez"
	cp -r "$V"/ez-vcard "$V"/whatsapp-chat-exporter "$T/ez/"
	ev_sha "$T/ez" > "$T/ez.sha"
	run_rc 0 "every ez-vcard and whatsapp-chat-exporter sample parses" \
		spoor-artifacts --plugin=vcard "$T/ez"
	grep -q ' 0 not understood, 0 failed' "$T/err"
	ok $? "  ... none not understood or failed"
	is "$(jsonl_fields "$T/out" type | wc -l)" "$(grep -aic '^BEGIN:VCARD' "$T"/ez/*/*.vcf | awk -F: '{ s += $NF } END { print s }')" \
		"  ... one contact per BEGIN:VCARD (any case)"
	vf() { jsonl_fields "$T/out" source_path line "$@"; }
	# checked by hand against the files
	is "$(vf name phone_raw | grep '^ez-vcard/John_Doe_IPHONE.vcf' | cut -f3- | cut -c1-60)" \
		"Mr. John Richter James Doe Sr.${tab}905-555-1234; 905-666-1234; 9" \
		"iPhone card (CR CR LF lines): name, numbers"
	is "$(vf name family_name given_name | grep '^ez-vcard/rfc6350-example.vcf' | cut -f3-)" \
		"Simon Perreault${tab}Perreault${tab}Simon" "RFC 6350 example"
	is "$(vf name phone_raw | grep 'contacts.vcf	14	' | cut -f3-)" \
		"John Butler 🌟💫🌟${tab}5556667777" "Android QP emoji across a soft break"
	is "$(vf name | grep 'John_Doe_ANDROID.vcf	71	' | cut -f3-)" "ÑÑÑÑ" "Android QP UTF-8"
	is "$(vf photo_size | grep 'John_Doe_IPHONE' | cut -f3)" \
		"$(sed -n '/^PHOTO/,/^[^ ]/p' "$T/ez/ez-vcard/John_Doe_IPHONE.vcf" | sed '$d' | tr -d '\r\n ' |
			sed 's/^PHOTO[^:]*://' | perl -MMIME::Base64 -e 'local $/; print length decode_base64(<STDIN>)')" \
		"iPhone PHOTO: decoded size as perl MIME::Base64 says"
	ev_sha "$T/ez" | diff -q - "$T/ez.sha" > /dev/null
	ok $? "sample copies unchanged"
else
	skip "vCard samples absent"
fi

# ---- hostile ----
H=$T/hostile
mkdir -p "$H/bl" "$H/xxe" "$H/deep" "$H/big" "$H/trunc" "$H/trunc-json"
{
	echo '<?xml version="1.0"?>'
	echo '<!DOCTYPE smses ['
	echo ' <!ENTITY lol "lol">'
	p=lol
	for i in 1 2 3 4 5 6 7 8 9; do
		printf ' <!ENTITY lol%s "%s">\n' $i "$(for j in 1 2 3 4 5 6 7 8 9 10; do printf '&%s;' $p; done)"
		p=lol$i
	done
	echo ']>'
	echo '<smses count="1"><sms address="1" date="1" type="1" body="&lol9;" /></smses>'
} > "$H/bl/sms-1.xml"
printf '<?xml version="1.0"?>\n<!DOCTYPE smses [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>\n<smses count="1"><sms address="1" date="1" type="1" body="&x;" /></smses>\n' \
	> "$H/xxe/sms-1.xml"
perl -e 'print "{\"messages\":", "[" x 100000, "]" x 100000, "}"' > "$H/deep/result.json"
perl -e 'print "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Lange Regel\r\nNOTE:", "x" x (50 << 20), "\r\nTEL:+31612345008\r\nEND:VCARD\r\n"' > "$H/big/big.vcf"
head -c 1500 "$F/sbr/sms-20240314210000.xml" > "$H/trunc/sms-1.xml"
head -c 900 "$F/telegram/result.json" > "$H/trunc-json/result.json"
ev_sha "$H" > "$T/h.before"
run_rc 5 "billion laughs: refused, not expanded" lim timeout 60 spoor-artifacts "$H/bl"
grep -q "DOCTYPE: refused" "$T/err"
ok $? "  ... said why"
run_rc 5 "external entity: refused" lim timeout 60 spoor-artifacts "$H/xxe"
! grep -q "root:" "$T/out"
ok $? "  ... /etc/passwd not read into the output"
run_rc 5 "JSON 100,000 deep: clean error" lim timeout 60 spoor-artifacts "$H/deep"
grep -q "deeper than the limit" "$T/err"
ok $? "  ... said why"
run_rc 5 "vCard with a 50 MB line: read, flagged, counted" lim timeout 120 spoor-artifacts "$H/big"
is "$(jsonl_fields "$T/out" name phone truncated)" "Lange Regel${tab}+31612345008${tab}true" \
	"  ... the card is kept, flagged truncated, the rest of it read"
grep -q "vcard: 1 files.*1 truncated" "$T/err"
ok $? "  ... the summary counts the truncated record"
run_rc 5 "truncated SBR XML: records before the break, then not understood" \
	lim timeout 60 spoor-artifacts "$H/trunc"
is "$(jsonl_fields "$T/out" text | head -1)" "Hoi, ben je er?" "  ... the first sms still reported"
run_rc 5 "truncated result.json: not understood" lim timeout 60 spoor-artifacts "$H/trunc-json"
grep -q "JSON truncated\|not valid JSON" "$T/err"
ok $? "  ... said why"
ev_sha "$H" > "$T/h.after"
diff_ok "$T/h.after" "$T/h.before" "hostile evidence unchanged"

# SMS Backup & Restore files are streamed from the evidence, never held
# whole: peak memory for 20 MMS with 5 MiB base64 pictures (100 MB) and
# for 60 (300 MB) is the same, within a quarter (GNU time; skipped under
# ASan, whose shadow memory counts).
mk_sbr() {
	mkdir -p "$2"
	perl -e 'my $b64 = ("QUJD" x 1310720);	# 5 MiB of base64
	print qq{<?xml version="1.0" encoding="UTF-8"?>\n<smses count="$ARGV[0]">\n};
	for my $i (1 .. $ARGV[0]) {
		print qq{<mms date="171044${i}000" msg_box="1" address="+31612345001">},
		      qq{<parts><part seq="0" ct="image/jpeg" name="p$i.jpg" data="$b64"/>},
		      qq{</parts><addrs><addr address="+31612345001" type="137"/></addrs></mms>\n};
	}
	print "</smses>\n";' "$1" > "$2/sms-20240314210000.xml"
}
peak_kb() {
	/usr/bin/time -f %M -o "$T/rss" spoor-artifacts -q \
		--plugin=sms-backup-restore -o "$T/big.jsonl" "$1" 2> "$T/err" &&
	tail -1 "$T/rss"
}
if [ -z "${SPOOR_SANITIZE-}" ] && [ -x /usr/bin/time ]; then
	mk_sbr 20 "$T/sbr20"
	rss20=$(peak_kb "$T/sbr20")
	is "$(grep -c '"type":"attachment"' "$T/big.jsonl")" 20 "100 MB SBR file: its 20 parts hashed"
	rm -rf "$T/sbr20"
	mk_sbr 60 "$T/sbr60"
	rss60=$(peak_kb "$T/sbr60")
	is "$(grep -c '"type":"attachment"' "$T/big.jsonl")" 60 "300 MB SBR file: its 60 parts hashed"
	rm -rf "$T/sbr60"
	[ -n "$rss20" ] && [ -n "$rss60" ] && [ $(( rss60 * 4 )) -lt $(( rss20 * 5 )) ]
	ok $? "  ... streamed: peak memory ${rss20} KiB for 100 MB, ${rss60} KiB for 300 MB"
else
	skip "memory check: sanitizer build or no /usr/bin/time"
	skip "memory check"
	skip "memory check"
fi

# ---- vCard numbers by numbering plan (issue 13) ----
mkdir -p "$T/vcplan"
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Plan Test\r\nTEL;TYPE=CELL:+31 (0)6 12345678\r\nTEL:(209) 598-1933\r\nTEL:06\xc2\xa012\xe2\x80\xaf34\xe2\x80\x9156\xc2\xa078\r\nEND:VCARD\r\n' > "$T/vcplan/plan.vcf"
spoor-artifacts -q --plugin=vcard "$T/vcplan" > "$T/vc31.jsonl"
spoor-artifacts -q --plugin=vcard --cc=1 "$T/vcplan" > "$T/vc1.jsonl"
is "$(jsonl_fields "$T/vc31.jsonl" phone phones_e164)" \
	"+31612345678${tab}+31612345678; +31612345678" \
	"vCard +31 (0)6 and no-break separators: the trunk 0 dropped by the plan; (209) is no NL number"
is "$(jsonl_fields "$T/vc1.jsonl" phones_e164)" "+31612345678; +12095981933" \
	"vCard with --cc=1: (209) 598-1933 is +12095981933 (not Egypt's +20)"

# ---- a Telegram export from before date_unixtime: local times only ----
mkdir -p "$T/tgold"
python3 - "$F/telegram/result.json" "$T/tgold/result.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
def strip(o):
    if isinstance(o, dict):
        o.pop("date_unixtime", None); o.pop("edited_unixtime", None)
        for v in o.values(): strip(v)
    elif isinstance(o, list):
        for v in o: strip(v)
strip(d)
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
spoor-artifacts --plugin=telegram-export "$T/tgold" > "$T/tgold0.jsonl" 2> "$T/tgold0.err"
is "$(jsonl_fields "$T/tgold0.jsonl" type time time_quality | grep -v '^contact\|^account' | cut -f2,3 | sort -u)" \
	"null${tab}zone-unknown" "Telegram without date_unixtime and no --tz: no instant invented"
grep -q "local times without a time zone" "$T/tgold0.err"
ok $? "  and a warning says so"
spoor-artifacts -q --plugin=telegram-export --tz=Europe/Amsterdam "$T/tgold" > "$T/tgold.jsonl"
jsonl_fields "$T/tgold.jsonl" type time_raw time time_quality | grep -v '^contact\|^account' |
	cut -f2- | sort -u > "$T/got"
cut -f1 "$T/got" | python3 -c '
import sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo
z = ZoneInfo("Europe/Amsterdam")
for l in sys.stdin:
    w = datetime.fromisoformat(l.strip())
    u = w.replace(tzinfo=z, fold=0).astimezone(timezone.utc)
    print("%s\t%s\texact" % (l.strip(), u.strftime("%Y-%m-%dT%H:%M:%SZ")))' > "$T/want"
diff_ok "$T/got" "$T/want" "Telegram without date_unixtime: the local 'date' converted with --tz (python zoneinfo)"
done_testing
