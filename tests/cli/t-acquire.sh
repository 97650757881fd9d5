#!/bin/bash
# t-acquire: spoor-acquire against independent oracles: coreutils hashes
# and cmp for raw and split images, ewfverify/ewfinfo/fls for E01, dd for
# the expected image around injected read faults (tests/fault/faultread.c
# through LD_PRELOAD), a kill -9 and --resume, and the failure paths.
. "$(dirname "$0")/lib.sh"
need perl sha256sum md5sum sha1sum sha512sum cmp dd cc

ACQ=spoor-acquire
# the fault library is preloaded before the ASan runtime in sanitizer runs
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
FAULT=$T/faultread.so
cc -shared -fPIC -O2 -o "$FAULT" "$SPOOR_SRC/tests/fault/faultread.c" \
	-ldl -pthread || skip_all "cannot build the fault library"

# a 24 MiB source of random bytes, not a multiple of 1 MiB
src=$T/src.bin
head -c $((24 * 1048576 + 3 * 512)) /dev/urandom > "$src"
src_sha=$(sha256 "$src")
src_md5=$(md5sum < "$src" | cut -d' ' -f1)

# digest NAME FILE: the hex digest NAME (md5, sha1, ...) that spoor-acquire
# printed on stdout (FILE holds its stdout)
digest() { awk -v n="$1" '$1 == n { print $2 }' "$2"; }
# logline KEY FILE: the value of "KEY: value" in a text log
logline() { sed -n "s/^$1: *//p" "$2" | head -1; }

# ---- raw, default hashes ----
run_rc 0 "raw image of a file" $ACQ --no-progress "$src" "$T/a.dd"
cmp -s "$src" "$T/a.dd"
ok $? "raw image is byte-identical to the source (cmp)"
is "$(digest sha256 "$T/out")" "$src_sha" "sha256 matches sha256sum"
is "$(digest md5 "$T/out")" "$src_md5" "md5 matches md5sum"
is "$(digest sha1 "$T/out")" "" "sha1 only when asked (default md5,sha256)"
is "$(logline result "$T/a.dd.log")" "completed" "text log: completed"
grep -q "^sha256 $src_sha\$" "$T/a.dd.log"
ok $? "text log holds the sha256"
grep -q "^command line: .*spoor-acquire --no-progress" "$T/a.dd.log"
ok $? "text log holds the command line"
grep -Eq '^start \(UTC\): +[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' "$T/a.dd.log"
ok $? "text log has a UTC start time"
if command -v xmllint >/dev/null; then
	xmllint --noout "$T/a.dd.xml"
	ok $? "XML log is well-formed (xmllint)"
	is "$(xmllint --xpath 'string(//acquisition/hashdigest[@type="sha256"])' "$T/a.dd.xml")" \
		"$src_sha" "XML log: <hashdigest type=sha256>"
	is "$(xmllint --xpath 'string(//bad_sectors/@count)' "$T/a.dd.xml")" \
		"0" "XML log: <bad_sectors count=0>"
	is "$(xmllint --xpath 'string(//source/size)' "$T/a.dd.xml")" \
		"$(stat -c %s "$src")" "XML log: <source><size>"
else
	for i in 1 2 3 4; do skip "xmllint not installed"; done
fi
ls "$T"/a.dd* | grep -c '\.tmp$' > "$T/ntmp"
is "$(cat "$T/ntmp")" 0 "no .tmp file left behind"

# ---- other hashes, pieces, verify ----
run_rc 0 "sha1,sha512 with --piece 4M and --verify" \
	$ACQ --no-progress --hash sha1,sha512 --piece 4M --verify "$src" "$T/b.dd"
is "$(digest sha1 "$T/out")" "$(sha1sum < "$src" | cut -d' ' -f1)" "sha1 matches sha1sum"
is "$(digest sha512 "$T/out")" "$(sha512sum < "$src" | cut -d' ' -f1)" "sha512 matches sha512sum"
sed -n '/^\[verification\]/,/^$/p' "$T/b.dd.log" > "$T/ver"
is "$(logline result "$T/ver")" "match" "verify: log says match"
is "$(grep -c ' image .* match$' "$T/ver")" 1 "verify: one re-read hash logged and matching"
is "$(awk '/ image / { print $1 }' "$T/ver")" sha1 "verify: sha1 (no sha256 in --hash) is the one"
# --verify-hash all: every digest recomputed, each checked against coreutils
run_rc 0 "--verify-hash all" \
	$ACQ --no-progress --hash md5,sha1 --verify-hash all "$src" "$T/va.dd"
sed -n '/^\[verification\]/,/^$/p' "$T/va.dd.log" > "$T/ver"
is "$(awk '/^md5 +image/ { print $3 }' "$T/ver")" \
	"$(md5sum < "$T/va.dd" | cut -d' ' -f1)" "--verify-hash all: md5 of the image as md5sum"
is "$(awk '/^sha1 +image/ { print $3 }' "$T/ver")" \
	"$(sha1sum < "$T/va.dd" | cut -d' ' -f1)" "--verify-hash all: sha1 of the image as sha1sum"
xmllint --xpath 'count(//*[local-name()="verify"]/*[local-name()="hashdigest"])' \
	"$T/va.dd.xml" > "$T/n" 2>/dev/null
is "$(cat "$T/n")" 2 "--verify-hash all: two re-read digests in the XML log"
run_rc 2 "--verify-hash naming a digest --hash lacks: usage error" \
	$ACQ --no-progress --hash md5 --verify-hash sha256 "$src" "$T/vb.dd"
ok "$([ ! -e "$T/vb.dd" ]; echo $?)" "... and no image written"
pieces_ok=0
n=$(( ($(stat -c %s "$src") + 4194303) / 4194304 ))
for ((i = 0; i < n; i++)); do
	want=$(dd if="$src" bs=4M skip=$i count=1 status=none | sha1sum | cut -d' ' -f1)
	grep -q "^$i .*sha1:$want" "$T/b.dd.log" || pieces_ok=1
done
ok $pieces_ok "every --piece sha1 matches dd | sha1sum ($n pieces)"

# ---- split ----
run_rc 0 "split raw in 5M segments" $ACQ --no-progress --split 5M "$src" "$T/s.img"
is "$(ls "$T"/s.img.0* | wc -l)" 5 "5 segments .001 to .005"
is "$(stat -c %s "$T/s.img.001")" $((5 * 1048576)) "segments are 5 MiB"
is "$(cat "$T"/s.img.00? | sha256sum | cut -d' ' -f1)" "$src_sha" "cat of the segments | sha256sum"
run_rc 0 "split raw with --verify" $ACQ --no-progress --split 5M --verify "$src" "$T/s2.img"
is "$(logline result "$T/s2.img.log")" "completed" "split verify: completed"

# ---- E01 ----
if command -v ewfverify >/dev/null && command -v ewfinfo >/dev/null; then
	run_rc 0 "E01 with case metadata" $ACQ --no-progress --format e01 \
		--hash md5,sha1,sha256 --case K-2024-17 --evidence USB-1 \
		--examiner "A. Onderzoeker" --description "usb stick" \
		--notes "seized 2024" --split 10M --verify "$src" "$T/e.E01"
	is "$(ls "$T"/e.E0* | wc -l)" 3 "E01 split in 10 MiB segments (E01..E03)"
	ewfverify -q "$T/e.E01" > "$T/ewfv" 2>&1
	ok $? "ewfverify: SUCCESS"
	grep -q "MD5 hash calculated over data:.*$src_md5" "$T/ewfv"
	ok $? "ewfverify computes the source md5"
	ewfinfo "$T/e.E01" > "$T/ewfi" 2>&1
	grep -q "Case number:.*K-2024-17" "$T/ewfi" &&
		grep -q "Examiner name:.*A. Onderzoeker" "$T/ewfi" &&
		grep -q "Evidence number:.*USB-1" "$T/ewfi"
	ok $? "ewfinfo shows the case metadata"
	is "$(logline result "$T/e.log")" "completed" "E01 log beside the image: completed"
	run_rc 0 "E01 with fast compression" $ACQ --no-progress --format e01 \
		--compression fast "$src" "$T/c.E01"
	ewfverify -q "$T/c.E01" > /dev/null 2>&1
	ok $? "ewfverify of the compressed E01"
	# the default --hash (md5,sha256): the E01 still holds MD5 and
	# SHA-1, the digests the format has room for
	src_sha1=$(sha1sum < "$src" | cut -d' ' -f1)
	is "$(digest sha1 "$T/out")" "$src_sha1" \
		"E01, default --hash: SHA-1 computed too (sha1sum)"
	ewfinfo "$T/c.E01" > "$T/ewfi" 2>&1
	grep -q "SHA1:[[:space:]]*$src_sha1" "$T/ewfi" &&
		grep -q "MD5:[[:space:]]*$src_md5" "$T/ewfi"
	ok $? "ewfinfo: the E01 stores MD5 and SHA-1"
	ewfverify -q -d sha1 "$T/c.E01" > "$T/ewfv" 2>&1
	grep -q "SHA1 hash stored in file:[[:space:]]*$src_sha1" "$T/ewfv" &&
		grep -q "SHA1 hash calculated over data:[[:space:]]*$src_sha1" \
		"$T/ewfv"
	ok $? "ewfverify -d sha1: stored = calculated = sha1sum"
	# -C: the case number and examiner come from the case
	spoor-case init "$T/ecase" --case-id NGO-2026-042 \
		--examiner "B. de Vries" > /dev/null 2>&1
	run_rc 0 "E01 with -C" $ACQ --no-progress --format e01 -C "$T/ecase" \
		--exhibit E07 "$src" "$T/ce.E01"
	ewfinfo "$T/ce.E01" > "$T/ewfi" 2>&1
	grep -q "Case number:[[:space:]]*NGO-2026-042" "$T/ewfi" &&
		grep -q "Examiner name:[[:space:]]*B. de Vries" "$T/ewfi"
	ok $? "-C: ewfinfo shows the case's number and examiner"
	is "$(logline 'case number' "$T/ce.log") / $(logline examiner "$T/ce.log")" \
		"NGO-2026-042 / B. de Vries" "-C: the text log too"
	if command -v xmllint >/dev/null; then
		is "$(xmllint --xpath 'string(//case/case_number)' "$T/ce.xml") / $(xmllint --xpath 'string(//case/examiner)' "$T/ce.xml")" \
			"NGO-2026-042 / B. de Vries" "-C: and the XML log"
	else
		skip "xmllint not installed"
	fi
	run_rc 0 "-C with --examiner: who images" $ACQ --no-progress \
		--format e01 -C "$T/ecase" --exhibit E08 --examiner "C. Jansen" \
		"$src" "$T/ce2.E01"
	ewfinfo "$T/ce2.E01" 2>&1 | grep -q "Examiner name:[[:space:]]*C. Jansen"
	ok $? "-C --examiner: the examiner given"
	run_rc 2 "-C with another --case" $ACQ --no-progress -C "$T/ecase" \
		--exhibit E09 --case K-1 "$src" "$T/ce3.dd"
	grep -q "'K-1' is not the case of -C" "$T/err" && [ ! -e "$T/ce3.dd" ]
	ok $? "-C with another --case: refused before imaging"
else
	for i in $(seq 20); do skip "ewf-tools not installed"; done
fi

# ---- E01 compressed by spoor's own threads (lib/imgout.c) ----
# A source that compresses in parts: random, zeros, text, random; 12K
# reads leave partial chunks between writes; bad sectors inside.
if command -v ewfverify >/dev/null && command -v ewfexport >/dev/null; then
	zsrc=$T/zsrc.bin
	{ head -c 3M /dev/urandom; head -c 2M /dev/zero
	  yes "Verslag van Jan Jansen, dossier 2024-117, pagina" | head -c 3M
	  head -c $((1048576 + 5 * 512)) /dev/urandom; } > "$zsrc"
	cp "$zsrc" "$T/zwant"
	dd if=/dev/zero of="$T/zwant" bs=512 seek=7000 count=3 conv=notrunc status=none
	zmd5=$(md5sum < "$T/zwant" | cut -d' ' -f1)
	for c in fast best; do
		SPOOR_FAULT="file=$zsrc;eio=7000+3" LD_PRELOAD="$FAULT" \
			$ACQ --no-progress --format e01 --compression $c \
			--buffer-size 12K --hash md5 --verify "$zsrc" "$T/z$c.E01" \
			> "$T/out" 2> "$T/err"
		is "$?" 5 "E01 $c, spoor's chunk compression, 3 bad sectors: exit 5"
		ewfverify -q "$T/z$c.E01" > "$T/ewfv" 2>&1
		ok $? "E01 $c: ewfverify SUCCESS"
		grep -q "MD5 hash calculated over data:.*$zmd5" "$T/ewfv"
		ok $? "E01 $c: ewfverify's md5 = md5sum of the expected image"
		rm -f "$T/zx.raw"
		ewfexport -q -t "$T/zx" -f raw -u "$T/z$c.E01" > /dev/null 2>&1
		cmp -s "$T/zx.raw" "$T/zwant"
		ok $? "E01 $c: ewfexport gives the expected image byte for byte"
		ewfinfo "$T/z$c.E01" 2>/dev/null | grep -q "at sector(s): 7000 - 7002 number: 3"
		ok $? "E01 $c: ewfinfo lists the 3 bad sectors"
	done
	[ "$(stat -c %s "$T/zfast.E01")" -lt $(( $(stat -c %s "$zsrc") * 3 / 4 )) ]
	ok $? "E01 fast: the compressible parts were compressed"
else
	for i in $(seq 11); do skip "ewf-tools not installed"; done
fi
if command -v fls >/dev/null && command -v mkfs.ext2 >/dev/null; then
	fs=$T/fs.img
	mkdir -p "$T/fsroot/dir"
	echo hallo > "$T/fsroot/dir/bericht.txt"
	mkfs.ext2 -q -F -d "$T/fsroot" "$fs" 4M >/dev/null 2>&1 ||
		mkfs.ext2 -q -F "$fs" 4M >/dev/null 2>&1
	$ACQ --no-progress -q --format e01 "$fs" "$T/fs.E01" > /dev/null 2>&1
	fls -r "$fs" > "$T/fls-want" 2>&1
	fls -r -i ewf "$T/fs.E01" > "$T/fls-got" 2>&1
	diff_ok "$T/fls-got" "$T/fls-want" "fls on the E01 lists what fls on the source lists"
	img_stat -i ewf "$T/fs.E01" | grep -Eq "^Size of data in bytes:\s+$(stat -c %s "$fs")$"
	ok $? "img_stat reads the E01 media size"
else
	skip "fls or mkfs.ext2 not installed"
	skip "fls or mkfs.ext2 not installed"
fi

# ---- read faults (LD_PRELOAD) ----
# eio: always unreadable; flaky: fails once, then reads; short: a read that
# stops early.  Sector 49154 is the last sector of the source.
last=$(( $(stat -c %s "$src") / 512 - 1 ))
spec="file=$src;eio=1000+10,20000+3,$last+1;flaky=3000+2;short=7001"
SPOOR_FAULT="$spec" LD_PRELOAD="$FAULT" \
	$ACQ --no-progress --verify --map "$T/f.map" "$src" "$T/f.dd" \
	> "$T/out" 2> "$T/err"
is "$?" 5 "unreadable sectors: exit 5"
cp "$src" "$T/want"
for r in 1000:10 20000:3 $last:1; do
	dd if=/dev/zero of="$T/want" bs=512 seek=${r%:*} count=${r#*:} \
		conv=notrunc status=none
done
cmp -s "$T/f.dd" "$T/want"
ok $? "image = source with exactly the bad sectors zeroed (cmp against dd)"
is "$(stat -c %s "$T/f.dd")" "$(stat -c %s "$src")" "image has the source size"
perl -ne 'printf "%d+%d\n", hex($1) / 512, hex($2) / 512 if /^(0x\S+)\s+(0x\S+)\s+-$/' \
	"$T/f.map" > "$T/map-bad"
printf '1000+10\n20000+3\n%s+1\n' "$last" > "$T/want-bad"
diff_ok "$T/map-bad" "$T/want-bad" "ddrescue map: exactly the bad ranges are '-'"
grep -q '^0x[0-9A-F]* *+ *1$' "$T/f.map"
ok $? "ddrescue map: finished status line"
grep '^  sector ' "$T/f.dd.log" > "$T/log-bad"
printf '  sector 1000, count 10: Input/output error\n  sector 20000, count 3: Input/output error\n  sector %s, count 1: Input/output error\n' \
	"$last" > "$T/want-logbad"
diff_ok "$T/log-bad" "$T/want-logbad" "text log lists exactly the bad ranges with their error"
is "$(logline result "$T/f.dd.log")" "completed with unreadable sectors" \
	"text log does not claim a clean success"
is "$(logline total "$T/f.dd.log")" "14 sectors in 3 ranges (filled with zeros)" "text log: totals"
if command -v xmllint >/dev/null; then
	is "$(xmllint --xpath 'string(//bad_sectors/@count)' "$T/f.dd.xml")" 14 \
		"XML log: 14 bad sectors"
	is "$(xmllint --xpath 'count(//bad_sectors/run)' "$T/f.dd.xml")" 3 \
		"XML log: 3 runs"
else
	skip "xmllint not installed"; skip "xmllint not installed"
fi
is "$(digest sha256 "$T/out")" "$(sha256 "$T/want")" "acquisition hash is over the image (fill included)"

SPOOR_FAULT="file=$src;eio=64+4" LD_PRELOAD="$FAULT" \
	$ACQ --no-progress --retries 0 --fill deadbeef "$src" "$T/p.dd" > /dev/null 2>&1
is "$?" 5 "--fill: exit 5"
is "$(dd if="$T/p.dd" bs=512 skip=64 count=4 status=none | od -v -An -tx1 | tr -d ' \n' | sed 's/\(deadbeef\)*//')" \
	"" "--fill: the 4 bad sectors hold the pattern"
cmp -s <(dd if="$T/p.dd" bs=512 skip=68 status=none) <(dd if="$src" bs=512 skip=68 status=none)
ok $? "--fill: the bytes after them are the source's"

SPOOR_FAULT="file=$src;flaky=0+1,8192+100;short=5,9000" LD_PRELOAD="$FAULT" \
	$ACQ --no-progress --retries 0 "$src" "$T/q.dd" > "$T/out" 2>&1
is "$?" 0 "a read that fails once then works, and short reads: exit 0"
cmp -s "$src" "$T/q.dd"
ok $? "... and the image is exact"

# ---- kill -9, then --resume ----
SPOOR_FAULT="file=$src;slow=150" LD_PRELOAD="$FAULT" \
	$ACQ --no-progress --buffer-size 1M --hash md5,sha256 "$src" "$T/r.dd" \
	> /dev/null 2>&1 &
pid=$!
for _ in $(seq 200); do [ -e "$T/r.dd.tmp" ] && break; sleep 0.05; done
sleep 2.5
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
test ! -e "$T/r.dd" && test -e "$T/r.dd.tmp" && test -e "$T/r.dd.map"
ok $? "killed run: no image under the final name, a .tmp and a map"
grep -q ' ? *$' "$T/r.dd.map"
ok $? "killed run: the map has an untried part"
run_rc 0 "--resume completes the image" $ACQ --no-progress --resume "$src" "$T/r.dd"
is "$(digest sha256 "$T/out")" "$src_sha" "resumed run: sha256 over the whole image = uninterrupted"
is "$(digest md5 "$T/out")" "$src_md5" "resumed run: md5 too"
cmp -s "$src" "$T/r.dd"
ok $? "resumed image is exact"
grep -q '^resumed at byte: *[1-9]' "$T/r.dd.log"
ok $? "log records where it resumed"

# a kill at once: the map is there from the start, so --resume works
SPOOR_FAULT="file=$src;slow=300" LD_PRELOAD="$FAULT" \
	$ACQ --no-progress --buffer-size 1M "$src" "$T/k0.dd" \
	> /dev/null 2>&1 &
pid=$!
for _ in $(seq 400); do [ -e "$T/k0.dd.tmp" ] && break; sleep 0.01; done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
test -e "$T/k0.dd.tmp" && test -e "$T/k0.dd.map"
ok $? "killed as soon as the image exists: the map is there"
run_rc 0 "... and --resume completes it" $ACQ --no-progress --resume "$src" \
	"$T/k0.dd"
cmp -s "$src" "$T/k0.dd"
ok $? "... exactly (cmp)"

# --resume with another source: refused (exit 3), the reason in the log,
# the partial image and the map untouched; then the right one finishes
# interrupt SOURCE OUTPUT: stop a run part-way with SIGINT, once its map
# (written every second) shows a finished part: on a loaded machine a
# fixed delay could stop it before its first MiB, or after its last
interrupt() {
	SPOOR_FAULT="file=$1;slow=150" LD_PRELOAD="$FAULT" \
		$ACQ --no-progress --buffer-size 1M "$1" "$2" > /dev/null 2>&1 &
	pid=$!
	for _ in $(seq 600); do
		grep -qs '^0x[0-9A-F]* *0x[0-9A-F]* *+$' "$2.map" && break
		sleep 0.05
	done
	kill -INT $pid
	wait $pid
}
src2=$T/src2.bin
head -c "$(stat -c %s "$src")" /dev/urandom > "$src2"
interrupt "$src" "$T/d.dd"
grep -q '^0x[0-9A-F]* *0x[0-9A-F]* *+$' "$T/d.dd.map"
ok $? "interrupted part-way: the map has a finished part"
before=$(cat "$T/d.dd.tmp" "$T/d.dd.map" | sha256sum)
run_rc 3 "--resume with another file of the same size" $ACQ --no-progress \
	--resume "$src2" "$T/d.dd"
grep -q "is not the source of the interrupted run" "$T/err"
ok $? "another source: says it is not the source of the interrupted run"
is "$(logline result "$T/d.dd.log")" FAILED "another source: the log says FAILED"
grep -q "^error: *'$src2' is not the source of the interrupted run" \
	"$T/d.dd.log"
ok $? "another source: the log gives the reason"
is "$(cat "$T/d.dd.tmp" "$T/d.dd.map" | sha256sum)" "$before" \
	"another source: the partial image and the map are untouched"
test ! -e "$T/d.dd"
ok $? "another source: no image under the final name"
run_rc 0 "--resume with the right source" $ACQ --no-progress --resume \
	"$src" "$T/d.dd"
cmp -s "$src" "$T/d.dd"
ok $? "... the image is the source's alone (cmp)"
grep -q "^resume check: .* \([1-9][0-9]*\) of \1 samples of" "$T/d.dd.log"
ok $? "... and the log says the samples re-read equal the image"
# the same file, changed where it was already imaged (its mtime put
# back, so only the re-read finds it): refused
cp "$src" "$T/chg.bin"
interrupt "$T/chg.bin" "$T/g.dd"
mt=$(stat -c %y "$T/chg.bin")
printf 'changed' | dd of="$T/chg.bin" bs=1 seek=1000 conv=notrunc status=none
touch -d "$mt" "$T/chg.bin"
run_rc 3 "--resume after the imaged part changed (mtime put back)" \
	$ACQ --no-progress --resume "$T/chg.bin" "$T/g.dd"
grep -q "byte 1000 differs from the partial image" "$T/err"
ok $? "changed source: the first differing byte is named"

# a failed write of the XML log (a full disk, through LD_PRELOAD): exit
# 4, and neither log under its final name
SPOOR_FAULT="nospc=.xml.tmp" LD_PRELOAD="$FAULT" \
	$ACQ --no-progress "$src" "$T/x.dd" > /dev/null 2> "$T/err"
is "$?" 4 "XML log write fails (ENOSPC): exit 4"
grep -q "cannot write the log '$T/x.dd.xml.tmp': No space left on device" "$T/err"
ok $? "... saying which and why"
test ! -e "$T/x.dd.xml" && test ! -e "$T/x.dd.log" &&
	test ! -e "$T/x.dd.xml.tmp" && test ! -e "$T/x.dd.log.tmp"
ok $? "... no log under a final name, no temporary left"

# SIGINT: clean stop, "interrupted", exit 130, then resume
# (signalled once it is copying: see interrupt)
interrupt "$src" "$T/i.dd"
is "$?" 130 "SIGINT: exit 130"
is "$(logline result "$T/i.dd.log")" "interrupted" "SIGINT: the log says interrupted"
test ! -e "$T/i.dd"
ok $? "SIGINT: no image under the final name"
run_rc 0 "--resume after SIGINT" $ACQ --no-progress --resume "$src" "$T/i.dd"
is "$(digest sha256 "$T/out")" "$src_sha" "resumed after SIGINT: same sha256"
run_rc 3 "--resume without a map" $ACQ --no-progress --resume "$src" "$T/nomap.dd"

# ---- usage and failures ----
run_rc 2 "no arguments" $ACQ
run_rc 2 "one argument" $ACQ "$src"
run_rc 2 "unknown format" $ACQ --format=vmdk "$src" "$T/x"
run_rc 2 "bad --split" $ACQ --split=lots "$src" "$T/x"
run_rc 2 "--compression without e01" $ACQ --compression fast "$src" "$T/x"
run_rc 2 "bad --hash" $ACQ --hash md4 "$src" "$T/x"
run_rc 2 "bad --fill" $ACQ --fill xyz "$src" "$T/x"
run_rc 3 "missing source" $ACQ "$T/nonexistent" "$T/x"
grep -q "cannot open '$T/nonexistent'" "$T/err"
ok $? "missing source: clear message"
run_rc 2 "output onto the source itself" $ACQ "$src" "$src"
grep -q "refusing to write" "$T/err"
ok $? "output onto the source: clear message"
run_rc 4 "output into a missing directory" $ACQ --format e01 "$src" \
	"$T/no-such-dir/img"
grep -q "cannot write into '$T/no-such-dir'" "$T/err"
ok $? "missing output directory: named before reading"
ln "$src" "$T/hardlink"
run_rc 2 "output onto a hard link of the source" $ACQ "$src" "$T/hardlink"
run_rc 4 "output to /dev/full" $ACQ --no-progress --log "$T/full" "$src" /dev/full
grep -q "No space left on device" "$T/err"
ok $? "/dev/full: clear error"
is "$(logline result "$T/full.log")" "FAILED" "/dev/full: the log says FAILED"
if mkdir -p "$T/mnt" && mount -t tmpfs -o size=1M tmpfs "$T/mnt" 2>/dev/null; then
	run_rc 4 "a full tmpfs" $ACQ --no-progress "$src" "$T/mnt/img.dd"
	test ! -e "$T/mnt/img.dd"
	ok $? "full tmpfs: no image under the final name"
	if [ -e "$T/mnt/img.dd.log" ]; then
		! grep -q '^result: *completed' "$T/mnt/img.dd.log"
		ok $? "full tmpfs: no log claims success"
	else
		ok 0 "full tmpfs: no log claims success (none written)"
	fi
	umount "$T/mnt"
else
	skip "cannot mount a tmpfs (not root?)"
	skip "cannot mount a tmpfs (not root?)"
	skip "cannot mount a tmpfs (not root?)"
fi

# ---- case hook, progress ----
# (registration itself is tested with spoor-case)
run_rc 2 "-C CASE without an exhibit id" $ACQ --no-progress -C "$T/case" "$src" "$T/k.dd"
test ! -e "$T/k.dd" && grep -q -- "--exhibit" "$T/err"
ok $? "-C without an id: nothing imaged, the message names --exhibit"
run_rc 0 "--progress=json" $ACQ --progress=json "$src" "$T/j.dd"
grep '^{' "$T/err" | perl -MJSON::PP -ne 'my $r = decode_json($_); $n++;
	$last = $r; END { exit !($n && $last->{bytes} == $last->{total}) }'
ok $? "--progress=json: JSON lines on stderr, the last at 100%"

# ---- a real block device (root and losetup; skipped otherwise) ----
# The FUSE file that returns EIO under a loop device is not done: the
# LD_PRELOAD faults are applied to the loop device node instead, which
# exercises the same O_DIRECT paths on a real block device.
loop=
if [ "$(id -u)" = 0 ] && command -v losetup >/dev/null; then
	cp "$src" "$T/dev.img"
	loop=$(losetup -f --show "$T/dev.img" 2>/dev/null)
fi
if [ -n "$loop" ] && [ -b "$loop" ]; then
	run_rc 0 "image a loop device (O_DIRECT)" $ACQ --no-progress --verify "$loop" "$T/l.dd"
	cmp -s "$T/l.dd" "$src"
	ok $? "loop device image is exact"
	grep -q '^type: *block device$' "$T/l.dd.log" &&
		grep -q '^sector size: *512 logical, [0-9]* physical$' "$T/l.dd.log"
	ok $? "log: block device facts"
	run_rc 2 "output onto the source device" $ACQ "$loop" "$loop"
	# two devices alike in every fact (loop: no model or serial):
	# only the re-read of the finished part tells them apart
	loop2=$(losetup -f --show "$src2" 2>/dev/null)
	if [ -n "$loop2" ]; then
		interrupt "$loop" "$T/ld.dd"
		run_rc 3 "--resume from another device of the same size" \
			$ACQ --no-progress --resume "$loop2" "$T/ld.dd"
		grep -q "is not the source of the interrupted run: byte" \
			"$T/err"
		ok $? "another device: found by the re-read samples"
		run_rc 0 "--resume from the right device" $ACQ --no-progress \
			--resume "$loop" "$T/ld.dd"
		cmp -s "$T/ld.dd" "$src"
		ok $? "... the image is exact"
		losetup -d "$loop2"
	else
		for i in 1 2 3 4 5; do skip "no second loop device"; done
	fi
	SPOOR_FAULT="file=$loop;eio=777+5" LD_PRELOAD="$FAULT" \
		$ACQ --no-progress "$loop" "$T/lf.dd" > /dev/null 2>&1
	is "$?" 5 "loop device with 5 failing sectors: exit 5"
	cp "$src" "$T/want2"
	dd if=/dev/zero of="$T/want2" bs=512 seek=777 count=5 conv=notrunc status=none
	cmp -s "$T/lf.dd" "$T/want2"
	ok $? "loop device: exactly the 5 sectors lost"
	run_rc 0 "--set-readonly" $ACQ --no-progress --set-readonly "$loop" "$T/ro.dd"
	is "$(blockdev --getro "$loop")" 1 "--set-readonly: the kernel says read-only"
	grep -q '^read-only: *yes$' "$T/ro.dd.log"
	ok $? "--set-readonly: log says read-only"
	# an output on a file system mounted from the source
	mkfs.ext2 -q -F "$T/fsdev.img" 8M > /dev/null 2>&1
	floop=$(losetup -f --show "$T/fsdev.img" 2>/dev/null)
	if [ -n "$floop" ] && mkdir -p "$T/fsmnt" &&
	   mount "$floop" "$T/fsmnt" 2>/dev/null; then
		run_rc 2 "output inside a file system mounted from the source" \
			$ACQ --no-progress "$floop" "$T/fsmnt/img.dd"
		grep -q "refusing to write" "$T/err"
		ok $? "mounted source: refused with a clear message"
		umount "$T/fsmnt"
	else
		skip "cannot mount a loop file system"
		skip "cannot mount a loop file system"
	fi
	[ -n "$floop" ] && losetup -d "$floop"
	losetup -d "$loop"
	cmp -s "$T/dev.img" "$src"
	ok $? "the loop device's backing file is unchanged"
else
	for i in $(seq 17); do skip "no root or losetup: no loop device"; done
fi

is "$(sha256 "$src")" "$src_sha" "the source is unchanged (sha256 before and after)"
done_testing
