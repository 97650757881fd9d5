#!/bin/bash
# t-case-media: spoor-case add on a container records the media hashes
# stored in it and those of its data, next to the container file's own,
# with ewfverify's answer: a good E01 (match), one with a flipped byte in
# its chunk data (mismatch, exit 1), a truncated one (damaged, libewf's
# report, exit 5), and the media of a VMDK and of a split raw image.
# Oracles: ewfverify (stored and computed MD5 and SHA-1, SUCCESS or
# FAILURE), sha256sum/md5sum of the raw image the containers were made
# from, cat of the split segments, Perl's JSON::PP on custody.log, the
# sqlite3 CLI on case.db.
. "$(dirname "$0")/lib.sh"
need perl sqlite3 sha256sum md5sum ewfverify
[ -f "$SPOOR_TESTDATA/disk.E01" ] || skip_all "no disk.E01 (ewfacquire)"
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"

C=$T/case
EV=$T/ev
mkdir -p "$EV"
cp "$SPOOR_TESTDATA/disk.E01" "$EV/good.E01"
raw=$SPOOR_TESTDATA/disk-mbr.img
# a byte of the chunk data flipped (the E01 is uncompressed: its data
# lies in the file as is); and the second half cut off
cp "$EV/good.E01" "$EV/flip.E01"
printf '\377' | dd of="$EV/flip.E01" bs=1 seek=2097230 conv=notrunc \
	status=none
head -c $(($(stat -c %s "$EV/good.E01") / 2)) "$EV/good.E01" > "$EV/cut.E01"
# (a VMDK keeps its name: its descriptor names itself as the extent)
[ -f "$SPOOR_TESTDATA/disk.vmdk" ] && cp "$SPOOR_TESTDATA/disk.vmdk" "$EV/"
cp "$SPOOR_TESTDATA"/disk-split.0* "$EV/"
head -c 5000 /dev/urandom > "$EV/plain.bin"
hash_all() { (cd "$EV" && sha256sum ./*); }
hash_all > "$T/before"
spoor-case init "$C" --case-id MEDIA-1 --examiner Eva 2>/dev/null
q() { sqlite3 -batch -noheader "$C/case.db" "$@"; }

# ewfverify's answers: "MD5 hash stored in file:" etc.
ewf() { sed -n "s/^$2 hash $3:[[:space:]]*//p" "$1"; }
# our answers: "  md5     stored X computed Y"
ours() { awk -v a="$1" -v w="$2" '$1 == a { print (w == "stored" ? $3 : $5) }' \
	"$T/out"; }
# the media of the 'received' event of exhibit X (JSON::PP)
event_media() { X=$1 K=$2 perl -MJSON::PP -ne 'my @f = split /\t/, $_, 3;
	my $e = decode_json($f[2]);
	next unless ($e->{exhibit} // "") eq $ENV{X} && $e->{media};
	my $v = $e->{media};
	$v = $v->{$_} for split /\./, $ENV{K};
	print defined $v ? $v : "null"' "$C/custody.log"; }

check_ewf() { # NAME: stored and computed MD5 and SHA-1 as ewfverify's
	local n=$1
	ewfverify -q -d sha1 "$EV/$n.E01" > "$T/ewf-$n" 2>&1
	echo $? > "$T/ewf-$n.rc"
	for a in MD5:md5 SHA1:sha1; do
		want_s=$(ewf "$T/ewf-$n" "${a%%:*}" "stored in file")
		[ "$want_s" = N/A ] && want_s=-
		is "$(ours "${a#*:}" stored)" "$want_s" \
			"$n: stored ${a%%:*} as ewfverify reads it"
		is "$(ours "${a#*:}" computed)" \
			"$(ewf "$T/ewf-$n" "${a%%:*}" "calculated over data")" \
			"$n: ${a%%:*} of the data as ewfverify computes it"
	done
}

# ---- a good E01 ----
run_rc 0 "add a good E01" spoor-case add "$C" "$EV/good.E01" --exhibit G
is "$(head -n1 "$T/out" | cut -f1-4)" \
	"G${tab:=	}image${tab}$(sha256 "$EV/good.E01")${tab}$(stat -c %s "$EV/good.E01")" \
	"the exhibit's hash is the container file's (sha256sum)"
is "$(sed -n 2p "$T/out")" "media: match" "media: match"
check_ewf good
is "$(cat "$T/ewf-good.rc")" 0 "ewfverify: SUCCESS (exit 0) as well"
is "$(ours sha256 computed)" "$(sha256 "$raw")" \
	"media SHA-256 = sha256sum of the raw image it was made from"
is "$(ours md5 stored)" "$(md5sum < "$raw" | cut -d' ' -f1)" \
	"the stored MD5 is md5sum of that raw image"
is "$(event_media G stored.md5) $(event_media G verified)" \
	"$(ours md5 stored) match" \
	"the 'received' custody event holds the media (JSON::PP)"
is "$(q "SELECT json_extract(media_json, '$.format') || ' ' || json_extract(media_json, '$.computed.sha256') FROM exhibits WHERE exhibit = 'G'")" \
	"ewf $(sha256 "$raw")" "case.db: exhibits.media_json"
run_rc 0 "show" spoor-case show "$C"
grep -q "^  media:    ewf, match$" "$T/out"
ok $? "show prints the media verdict"

# ---- a flipped byte in the chunk data: mismatch ----
run_rc 1 "add an E01 whose data does not match its stored hash" \
	spoor-case add "$C" "$EV/flip.E01" --exhibit F
is "$(sed -n 2p "$T/out")" "media: mismatch" "media: mismatch"
check_ewf flip
is "$(cat "$T/ewf-flip.rc")" 1 "ewfverify: FAILURE (exit 1) as well"
grep -q "libewf: 64 sectors in 1 range failed validation" "$T/err"
ok $? "the checksum errors are reported as libewf finds them"
grep -q "at sector(s): 4032 - 4095" "$T/ewf-flip"
ok $? "ewfverify names the same range (4032-4095)"
grep -q "from sector 4032" "$T/err"
ok $? "and so does spoor-case"
is "$(q "SELECT count(*) FROM exhibits WHERE exhibit = 'F'")" 1 \
	"it is registered as received"

# ---- truncated: damaged, exit 5, libewf's report ----
run_rc 5 "add a truncated E01" spoor-case add "$C" "$EV/cut.E01" --exhibit T
is "$(sed -n 2p "$T/out")" "media: damaged" "media: damaged"
check_ewf cut
is "$(cat "$T/ewf-cut.rc")" 1 "ewfverify: FAILURE"
grep -q "'$EV/cut.E01': libewf: 28672 sectors in 1 range failed validation" "$T/err"
ok $? "the warning names the file and libewf's finding"
is "$(event_media T verified) $(event_media T bad_sectors)" "damaged 28672" \
	"the custody event says damaged, 28672 bad sectors"

# ---- VMDK and split raw: the media they hold ----
if [ -f "$EV/disk.vmdk" ]; then
	run_rc 0 "add a VMDK" spoor-case add "$C" "$EV/disk.vmdk" --exhibit V
	is "$(sed -n 2p "$T/out")" "media: no stored hash" \
		"VMDK: no stored hash"
	is "$(ours sha256 computed)" "$(sha256 "$raw")" \
		"VMDK: the media SHA-256 is the raw image's"
	grep -q "stores no media hash" "$T/err"
	ok $? "VMDK: a warning says there is nothing to check against"
else
	for i in 1 2 3 4; do skip "no disk.vmdk (qemu-img)"; done
fi
run_rc 0 "add a split raw image by its first segment" spoor-case add "$C" \
	"$EV/disk-split.001" --exhibit S
is "$(head -n1 "$T/out" | cut -f3)" "$(sha256 "$EV/disk-split.001")" \
	"split: the exhibit's hash is the first segment's"
is "$(ours sha256 computed)" "$(cat "$EV"/disk-split.0* | sha256sum | cut -d' ' -f1)" \
	"split: the media SHA-256 is that of all segments (cat | sha256sum)"

# ---- a plain file is no container ----
run_rc 0 "add a plain file" spoor-case add "$C" "$EV/plain.bin" --exhibit P
is "$(wc -l < "$T/out")" 1 "no media lines"
is "$(q "SELECT media_json IS NULL FROM exhibits WHERE exhibit = 'P'")" 1 \
	"no media_json"
run_rc 0 "custody --verify" spoor-case custody --verify "$C"

hash_all > "$T/after"
diff_ok "$T/after" "$T/before" "evidence unchanged (sha256sum before and after)"
done_testing
