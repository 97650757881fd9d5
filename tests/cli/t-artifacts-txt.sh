#!/bin/bash
# t-artifacts-txt: the whatsapp-txt plugin on exports written here (NL
# Android 24 h, EN iOS 12 h with U+202F and U+200E, ambiguous dates), on
# the synthetic samples and on chat-miner's exports with its target.json
# (both skipped when ../shared/samples is absent; always copied first).
. "$(dirname "$0")/lib.sh"
need perl sha256sum
: "${SPOOR_PLUGIN_PATH:=$SPOOR_BUILD/plugins}"
export SPOOR_PLUGIN_PATH
[ -f "$SPOOR_PLUGIN_PATH/whatsapp-txt.so" ] || skip_all "whatsapp-txt.so not built"
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR" "$T/nl" "$T/ios"
tab=$'\t'
nnbsp=$'\xe2\x80\xaf' lrm=$'\xe2\x80\x8e'

# ---- Android NL, 24 h, day > 12 ----
nl="$T/nl/WhatsApp-chat met Daan.txt"
cat > "$nl" <<'EOF'
14-03-2024 21:06 - Berichten en oproepen zijn end-to-end versleuteld.
14-03-2024 21:07 - Daan: Hoi, ben je er?
14-03-2024 21:08 - Sanne: Ja
tweede regel
14-03-2024 21:09 - Daan: IMG-20240314-WA0003.jpg (bestand bijgevoegd)
bijschrift
14-03-2024 21:10 - Sanne: <Media weggelaten>
14-03-2024 21:11 - Daan: Dit bericht is verwijderd
14-03-2024 21:12 - +31 6 12345678: tijd: 21:12 - dubbele punt
EOF
printf '\xff\xd8\xff\xe0 jpeg' > "$T/nl/IMG-20240314-WA0003.jpg"
run_rc 0 "NL Android export" spoor-artifacts --plugin=whatsapp-txt \
	--tz=Europe/Amsterdam --me=Sanne "$T/nl"
cp "$T/out" "$T/nl.jsonl"
jsonl_fields "$T/nl.jsonl" line time direction sender_name kind media_name \
	media_found caption date_order > "$T/got"
cat > "$T/want" <<EOF
1	2024-03-14T20:06:00Z	null	null	system	null	null	null	DMY
2	2024-03-14T20:07:00Z	incoming	Daan	text	null	null	null	DMY
3	2024-03-14T20:08:00Z	outgoing	Sanne	text	null	null	null	DMY
5	2024-03-14T20:09:00Z	incoming	Daan	media	IMG-20240314-WA0003.jpg	true	bijschrift	DMY
7	2024-03-14T20:10:00Z	outgoing	Sanne	media_omitted	null	null	null	DMY
8	2024-03-14T20:11:00Z	incoming	Daan	deleted	null	null	null	DMY
9	2024-03-14T20:12:00Z	incoming	+31 6 12345678	text	null	null	null	DMY
EOF
diff_ok "$T/got" "$T/want" "NL: headers, CET to UTC, me, markers, caption, lines"
is "$(jsonl_fields "$T/nl.jsonl" line text | sed -n 3,4p | tr '\n' '|')" \
	"3${tab}Ja|tweede regel|" "a line without a header continues the message"
is "$(jsonl_fields "$T/nl.jsonl" line text sender_phone | sed -n '$p')" \
	"9${tab}tijd: 21:12 - dubbele punt${tab}+31612345678" \
	"author split at the first ': '; a number as name gets E.164"
is "$(jsonl_fields "$T/nl.jsonl" line media_sha256 chat_name time_raw time_zone | sed -n 4p)" \
	"5${tab}$(sha256 "$T/nl/IMG-20240314-WA0003.jpg")${tab}Daan${tab}14-03-2024 21:09${tab}Europe/Amsterdam" \
	"attachment found next to the export and hashed; chat name from the file name; raw time and zone kept"

# ---- iOS EN, 12 h, U+202F, U+200E, ambiguous day/month ----
{
	printf '[3/1/24, 12:30:00%sAM] Emma: Hi there\n' "$nnbsp"
	printf '[3/2/24, 12:05:10%sPM] Sanne: %s<attached: 00000002-PHOTO-2024-03-02-12-05-10.jpg>\n' "$nnbsp" "$lrm"
	printf '[3/3/24, 9:15:00%sPM] Emma: %simage omitted\n' "$nnbsp" "$lrm"
	printf '[3/3/24, 9:16:00%sPM] Groep: %sEmma added Sanne\n' "$nnbsp" "$lrm"
} > "$T/ios/_chat.txt"
run_rc 0 "iOS EN export" spoor-artifacts --plugin=whatsapp-txt --tz=UTC \
	--me=Sanne "$T/ios"
jsonl_fields "$T/out" line time direction sender_name kind media_name date_order > "$T/got"
cat > "$T/want" <<EOF
1	2024-03-01T00:30:00Z	incoming	Emma	text	null	MDY
2	2024-03-02T12:05:10Z	outgoing	Sanne	media	00000002-PHOTO-2024-03-02-12-05-10.jpg	MDY
3	2024-03-03T21:15:00Z	incoming	Emma	media_omitted	null	MDY
4	2024-03-03T21:16:00Z	null	null	system	null	MDY
EOF
diff_ok "$T/got" "$T/want" "iOS: 12 AM/PM, U+202F, U+200E markers, day/month by change frequency, system line"
run_rc 0 "no --me, no --tz" spoor-artifacts --plugin=whatsapp-txt "$T/ios"
is "$(jsonl_fields "$T/out" direction from_me time time_zone time_quality | sort -u | tr '\n' '|')" \
	"null${tab}null${tab}null${tab}null${tab}zone-unknown|unknown${tab}null${tab}null${tab}null${tab}zone-unknown|" \
	"without --me nobody is 'me'; without --tz no instant is invented (time null, zone-unknown)"
is "$(jsonl_fields "$T/out" line time_local time_raw | tr '\n' '|')" \
	"1${tab}2024-03-01T00:30:00${tab}3/1/24, 12:30:00${nnbsp}AM|2${tab}2024-03-02T12:05:10${tab}3/2/24, 12:05:10${nnbsp}PM|3${tab}2024-03-03T21:15:00${tab}3/3/24, 9:15:00${nnbsp}PM|4${tab}2024-03-03T21:16:00${tab}3/3/24, 9:16:00${nnbsp}PM|" \
	"without --tz the local reading is kept (time_local, no Z) beside the raw text"
is "$(grep -c "local times without a time zone" "$T/err")" 1 \
	"one warning for the source"
grep "local times without a time zone" "$T/err" | grep -q "_chat.txt"
ok $? "the warning names the source"
grep -q "4 local times kept local" "$T/err"
ok $? "the summary counts the local times"
for z in Mars/Olympus +15:00 +14:01 +1:5 +0100 +01 UTC+1 ../../etc/passwd; do
	run_rc 2 "--tz=$z: usage error" spoor-artifacts --tz="$z" "$T/ios"
	grep -q -e "--tz" "$T/err"
	ok $? "  the message names --tz"
done

# ---- DST: a gap and a fold in Europe/Amsterdam (2024) ----
mkdir -p "$T/dst"
cat > "$T/dst/WhatsApp-chat met Mark.txt" <<'EOF'
31-03-2024 01:59 - Mark: voor de klok
31-03-2024 02:30 - Mark: bestaat niet
31-03-2024 03:01 - Sanne: ok
27-10-2024 02:30 - Mark: twee keer
27-10-2024 03:00 - Sanne: daarna
EOF
run_rc 0 "DST export" spoor-artifacts --plugin=whatsapp-txt --me=Sanne \
	--tz=Europe/Amsterdam "$T/dst"
jsonl_fields "$T/out" line time time_local time_quality time_later > "$T/got"
# oracle: python's zoneinfo (PEP 495: fold=0 is the earlier instant of a
# fold and, in a gap, the reading with the offset before it)
python3 - "$T/dst/WhatsApp-chat met Mark.txt" > "$T/want" <<'PY'
import sys, re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo
z = ZoneInfo("Europe/Amsterdam")
iso = lambda u: u.strftime("%Y-%m-%dT%H:%M:%SZ")
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    d, mo, y, hh, mm = map(int, re.match(
        r"(\d\d)-(\d\d)-(\d{4}) (\d\d):(\d\d)", line).groups())
    wall = datetime(y, mo, d, hh, mm)
    ua, ub = (wall.replace(tzinfo=z, fold=f).astimezone(timezone.utc)
              for f in (0, 1))
    if ua.astimezone(z).replace(tzinfo=None) != wall:
        q = "nonexistent"
    elif ua != ub:
        q = "ambiguous"
    else:
        q = "exact"
    print("\t".join([str(n), iso(ua), wall.strftime("%Y-%m-%dT%H:%M:%S"),
                     q, iso(ub) if q == "ambiguous" else "null"]))
PY
diff_ok "$T/got" "$T/want" "DST: the gap is nonexistent, the fold ambiguous with both instants (python zoneinfo)"
is "$(jsonl_fields "$T/out" line | tr '\n' ' ')" "1 2 3 4 5 " \
	"the records keep the file's order"
grep -q "2 local times at a DST change: 1 ambiguous, 1 nonexistent" "$T/err"
ok $? "the summary counts the DST cases"
spoor-artifacts -q --plugin=whatsapp-txt --me=Sanne --tz=Europe/Amsterdam \
	--format=text "$T/dst" > "$T/dst.txt"
is "$(grep -o 'bestaat niet\|: ok$\|twee keer' "$T/dst.txt" | tr '\n' '|')" \
	"bestaat niet|: ok|twee keer|" "text view: the file's order, the reply after the message it answers"
grep 'bestaat niet' "$T/dst.txt" | grep -q 'nonexistent'
ok $? "text view: the gap time is flagged"
grep 'twee keer' "$T/dst.txt" | grep -q 'ambiguous'
ok $? "text view: the fold time is flagged"

# ---- the export as it is handed in: a zip with the media ----
if command -v python3 > /dev/null; then
	python3 - "$T/export.zip" "$nl" "$T/nl/IMG-20240314-WA0003.jpg" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.write(sys.argv[2], "_chat.txt")
    z.write(sys.argv[3], "IMG-20240314-WA0003.jpg")
PY
	sha_zip=$(sha256 "$T/export.zip")
	run_rc 0 "export zip" spoor-artifacts --plugin=whatsapp-txt \
		--tz=Europe/Amsterdam --me=Sanne "$T/export.zip"
	is "$(jsonl_fields "$T/out" source_path line media_found media_evidence_path media_sha256 | sed -n 4p)" \
		"_chat.txt${tab}5${tab}true${tab}IMG-20240314-WA0003.jpg${tab}$(sha256 "$T/nl/IMG-20240314-WA0003.jpg")" \
		"zip: the chat and its media are read from the archive"
	is "$(jsonl_fields "$T/out" source_sha256 | sort -u)" "$(sha256 "$nl")" \
		"zip: source_sha256 is the member's hash"
	is "$(sha256 "$T/export.zip")" "$sha_zip" "zip: unchanged"
else
	skip "python3 missing"
	skip "python3 missing"
	skip "python3 missing"
	skip "python3 missing"
fi

# ---- samples (real layouts; copied, never read in place) ----
S=$SPOOR_SRC/../shared/samples
if [ -d "$S/synthetic" ] && ls "$S"/synthetic/wa_*.txt > /dev/null 2>&1; then
	mkdir -p "$T/syn"
	cp "$S"/synthetic/wa_*.txt "$T/syn/"
	(cd "$T/syn" && sha256sum wa_*.txt) > "$T/syn.sha"
	run_rc 0 "synthetic samples" spoor-artifacts --plugin=whatsapp-txt "$T/syn"
	# oracle: header lines counted with a regex written here
	for f in "$T"/syn/wa_*.txt; do
		b=$(basename "$f")
		want=$(perl -CSD -ne '$n++ if /^\x{200E}?\[?\d{1,4}[\/.-]\d{1,2}[\/.-]\d{2,4},? \d{1,2}:\d\d/; END { print $n+0 }' "$f")
		got=$(jsonl_fields "$T/out" source_path | grep -cx "$b")
		is "$got" "$want" "$b: one record per header line"
	done
	is "$(jsonl_fields "$T/out" time_local | grep -c null)" 0 "every sample time parsed (kept local)"
	(cd "$T/syn" && sha256sum -c --quiet "$T/syn.sha")
	ok $? "sample copies unchanged"
else
	skip "shared samples absent"
fi
C=$S/exports/chat-miner/whatsapp
if [ -f "$C/target.json" ]; then
	mkdir -p "$T/cm"
	cp "$C"/*.txt "$C/target.json" "$T/cm/"
	perl -MJSON::PP -e '
		local $/; open my $f, "<", $ARGV[0] or die; binmode STDOUT, ":utf8";
		for (@{decode_json(<$f>)}) {
			print "$_->{timestamp}\t$_->{author}\t$_->{message}\n";
		}' "$T/cm/target.json" | sort > "$T/cm-want"
	for f in "$T"/cm/test_*.txt; do
		b=$(basename "$f")
		mkdir -p "$T/cm1"
		rm -f "$T"/cm1/*
		cp "$f" "$T/cm1/"
		spoor-artifacts -q --plugin=whatsapp-txt "$T/cm1" > "$T/cm.jsonl"
		# chat-miner joins continuation lines with a space and drops
		# "Name:." (no text) and system lines
		JSONL_FILE=$T/cm.jsonl perl -MJSON::PP -e '
			open my $f, "<", $ENV{JSONL_FILE} or die; binmode STDOUT, ":utf8";
			while (<$f>) { my $r = JSON::PP->new->utf8->decode($_);
				next if $r->{kind} ne "text" or $r->{text} eq ".";
				(my $t = $r->{text}) =~ s/\n/ /g;
				print "$r->{time_local}\t$r->{sender_name}\t$t\n"; }' |
			sort > "$T/cm-got"
		diff_ok "$T/cm-got" "$T/cm-want" "chat-miner $b: messages as its target.json"
	done
else
	skip "chat-miner samples absent"
fi
is "$(find "$TMPDIR" -mindepth 1 | wc -l)" 0 "no temporary files left"
done_testing
