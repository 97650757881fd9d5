#!/bin/bash
# t-acquire-large: 64-bit offsets.  A sparse 16 TiB source (or the largest
# the scratch file system takes, at least 4 TiB) with known patterns near
# its end and across the 2^32-sector (2 TiB) line, and bad sectors beyond
# 2^32 sectors injected by tests/fault/faultread.c; byte ranges imaged with
# --offset/--length and compared with `dd iflag=skip_bytes`; the map and
# the logs must give absolute source positions.
. "$(dirname "$0")/lib.sh"
need perl cmp dd cc sha256sum md5sum truncate

ACQ=spoor-acquire
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
FAULT=$T/faultread.so
cc -shared -fPIC -O2 -o "$FAULT" "$SPOOR_SRC/tests/fault/faultread.c" \
	-ldl -pthread || skip_all "cannot build the fault library"

MiB=1048576
TiB=$((MiB * MiB))
src=$T/big.img
size=
# ext4 refuses 16 TiB itself (its limit is 16 TiB - 4 KiB with 4 KiB
# blocks): try that next, then halve down to 4 TiB
for want in $((16 * TiB)) $((16 * TiB - 4096)) $((8 * TiB)) $((4 * TiB)); do
	if truncate -s "$want" "$src" 2>/dev/null; then
		size=$want
		break
	fi
done
[ -n "$size" ] || skip_all "the scratch file system takes no sparse file of 4 TiB"
[ "$size" = $((16 * TiB)) ] ||
	diag "the scratch file system refuses 16 TiB: the source is $size bytes"
last=$((size / 512 - 1))

# patterns (random bytes kept in files: the fixture knows them)
head -c $((6 * MiB)) /dev/urandom > "$T/pat-end"
head -c $((2 * MiB)) /dev/urandom > "$T/pat-2t"
end_at=$((size - 8 * MiB))
dd if="$T/pat-end" of="$src" bs=1M seek=$end_at oflag=seek_bytes \
	conv=notrunc status=none
mid_at=$((2 * TiB - MiB))		# across byte 2^41 = sector 2^32
dd if="$T/pat-2t" of="$src" bs=1M seek=$mid_at oflag=seek_bytes \
	conv=notrunc status=none
is "$(stat -c %s "$src")" "$size" "fixture: the sparse source keeps its size"
src_blocks=$(stat -c %b "$src")
src_mtime=$(stat -c %Y.%y "$src")
pat_end_sha=$(sha256 "$T/pat-end")

# bad sectors: five inside the end pattern, and the very last sector;
# one straddling the 2^32-sector line
b1=$(( (end_at + 3 * MiB) / 512 + 3 ))
b2=4294967295
test "$b1" -gt 4294967296 && test "$last" -gt 4294967296
ok $? "fixture: bad sectors $b1 and $last lie beyond 2^32 sectors"

# expect OFF LEN FILE BAD...: the source's bytes OFF..OFF+LEN read by dd,
# then the bad ranges (S+N, source sectors) zeroed by dd
expect() {
	_off=$1 _len=$2 _f=$3
	shift 3
	dd if="$src" of="$_f" bs=1M iflag=skip_bytes,count_bytes \
		skip="$_off" count="$_len" status=none
	for _r in "$@"; do
		dd if=/dev/zero of="$_f" bs=512 seek=$(( ${_r%+*} - _off / 512 )) \
			count=${_r#*+} conv=notrunc status=none
	done
}
digest() { awk -v n="$1" '$1 == n { print $2 }' "$2"; }
map_bad() {
	perl -ne 'printf "%d+%d\n", hex($1) / 512, hex($2) / 512 if /^(0x\S+)\s+(0x\S+)\s+-\s*$/' "$1"
}

# ---- the last 16 MiB of the source ----
off=$((size - 16 * MiB))
len=$((16 * MiB))
expect $off $len "$T/want-tail" "$b1+5" "$last+1"
SPOOR_FAULT="file=$src;eio=$b1+5,$last+1" LD_PRELOAD="$FAULT" \
	$ACQ --no-progress --offset "$off" --length 16M --hash md5,sha256 \
	--verify "$src" "$T/tail.dd" > "$T/out" 2> "$T/err"
is "$?" 5 "last 16 MiB with bad sectors: exit 5"
is "$(stat -c %s "$T/tail.dd")" "$len" "the image is 16 MiB"
cmp -s "$T/tail.dd" "$T/want-tail"
ok $? "image = dd skip=$off iflag=skip_bytes with the bad sectors zeroed"
cmp -s <(dd if="$T/tail.dd" bs=1M iflag=skip_bytes,count_bytes \
	skip=$((8 * MiB)) count=$((3 * MiB)) status=none) \
	<(head -c $((3 * MiB)) "$T/pat-end")
ok $? "the pattern written near the end is in the image where dd put it"
is "$(digest sha256 "$T/out")" "$(sha256 "$T/want-tail")" "sha256 = sha256sum of the expected range"
is "$(digest md5 "$T/out")" "$(md5sum < "$T/want-tail" | cut -d' ' -f1)" "md5 = md5sum of the expected range"
map_bad "$T/tail.dd.map" > "$T/got-bad"
printf '%s+5\n%s+1\n' "$b1" "$last" > "$T/want-bad"
diff_ok "$T/got-bad" "$T/want-bad" "map: the bad ranges at their absolute source sectors"
perl -e 'my ($size, $off) = @ARGV[0, 1]; my ($pos, $ok, $st) = (0, 1, 0);
	open my $f, "<", $ARGV[2] or die;
	while (<$f>) { next if /^#/; next if !$st++;
		my ($p, $s, $c) = split; $p = hex $p; $s = hex $s;
		$ok = 0 if $p != $pos;
		$ok = 0 if $p < $off && !($c eq "?" && $p + $s == $off);
		$ok = 0 if $p >= $off && $c !~ /^[+-]$/;
		$pos = $p + $s }
	exit !($ok && $pos == $size)' "$size" "$off" "$T/tail.dd.map"
ok $? "map: covers the whole source, '?' before the offset, '+'/'-' in the range"
grep -q "^# Domain: 0x0*$(printf '%X' $off)  0x0*$(printf '%X' $len)\$" "$T/tail.dd.map"
ok $? "map: the domain comment names the range"
grep '^  sector ' "$T/tail.dd.log" > "$T/log-bad"
printf '  sector %s, count 5: Input/output error\n  sector %s, count 1: Input/output error\n' \
	"$b1" "$last" > "$T/want-logbad"
diff_ok "$T/log-bad" "$T/want-logbad" "text log: the bad ranges at their source sectors"
grep -q "^source range: *offset $off, length $len bytes (sectors $((off / 512)) to $last;" "$T/tail.dd.log"
ok $? "text log: the source range"
if command -v xmllint >/dev/null; then
	is "$(xmllint --xpath 'string(//acquisition/source_offset)' "$T/tail.dd.xml")" "$off" \
		"XML log: <source_offset>"
	is "$(xmllint --xpath 'string(//source/size)' "$T/tail.dd.xml")" "$size" \
		"XML log: the source's full size"
else
	skip "xmllint not installed"
	skip "xmllint not installed"
fi
is "$(sed -n '/^\[verification\]/,/^$/s/^result: *//p' "$T/tail.dd.log")" "match" \
	"--verify: match"

# ---- a range across the 2^32-sector line, read in 1 MiB blocks ----
off2=$((2 * TiB - 2 * MiB))
expect $off2 $((4 * MiB)) "$T/want-2t" "$b2+2"
SPOOR_FAULT="file=$src;eio=$b2+2" LD_PRELOAD="$FAULT" \
	$ACQ --no-progress --buffer-size 1M --offset 2T-2M --length 4M "$src" "$T/mid.dd" \
	> "$T/out" 2> "$T/err"
rc=$?
# "2T-2M" is not a size: the CLI must refuse it; then give bytes
is "$rc" 2 "--offset 2T-2M is a usage error (exit 2)"
SPOOR_FAULT="file=$src;eio=$b2+2" LD_PRELOAD="$FAULT" \
	$ACQ --no-progress --buffer-size 1M --offset "$off2" --length 4M "$src" "$T/mid.dd" \
	> "$T/out" 2> "$T/err"
is "$?" 5 "range across sector 2^32 with a bad pair straddling it: exit 5"
cmp -s "$T/mid.dd" "$T/want-2t"
ok $? "image = dd of that range with sectors 2^32-1 and 2^32 zeroed"
# mid.dd sector 2048 = pattern sector 0; 4095, 4096 = source sectors
# 2^32-1, 2^32 (bad); the pattern ends at mid.dd sector 6144
cmp -s <(dd if="$T/mid.dd" bs=512 skip=2048 count=2047 status=none) \
	<(dd if="$T/pat-2t" bs=512 count=2047 status=none)
ok $? "the pattern below the line is where dd put it"
cmp -s <(dd if="$T/mid.dd" bs=512 skip=4097 count=2047 status=none) \
	<(dd if="$T/pat-2t" bs=512 skip=2049 status=none)
ok $? "the pattern above the line is where dd put it"
map_bad "$T/mid.dd.map" > "$T/got-bad"
echo "$b2+2" > "$T/want-bad"
diff_ok "$T/got-bad" "$T/want-bad" "map: sectors 4294967295 and 4294967296"

# ---- E01 of the tail: libewf counts sectors from the image start ----
if command -v ewfverify >/dev/null && command -v ewfinfo >/dev/null; then
	SPOOR_FAULT="file=$src;eio=$b1+5,$last+1" LD_PRELOAD="$FAULT" \
		$ACQ --no-progress --format e01 --offset "$off" "$src" "$T/tail.E01" \
		> "$T/out" 2> "$T/err"
	is "$?" 5 "E01 of the last 16 MiB: exit 5"
	ewfverify -q "$T/tail.E01" > "$T/ewfv" 2>&1
	ok $? "ewfverify: consistent"
	grep -q "MD5 hash calculated over data:.*$(md5sum < "$T/want-tail" | cut -d' ' -f1)" "$T/ewfv"
	ok $? "ewfverify: the data is the expected range (md5sum oracle)"
	ewfinfo "$T/tail.E01" 2>/dev/null |
		perl -ne 'print "$1+$2\n" if /at sector\(s\): (\d+) - \d+ number: (\d+)/' \
		> "$T/ewf-bad"
	printf '%s+5\n%s+1\n' $((b1 - off / 512)) $((last - off / 512)) > "$T/want-bad"
	diff_ok "$T/ewf-bad" "$T/want-bad" "ewfinfo: acquiry errors as image sectors"
else
	for i in 1 2 3 4; do skip "ewf-tools not installed"; done
fi

# ---- SIGINT and --resume with an offset ----
SPOOR_FAULT="file=$src;slow=80" LD_PRELOAD="$FAULT" \
	$ACQ --no-progress --buffer-size 1M --offset "$off" "$src" "$T/r.dd" \
	> /dev/null 2>&1 &
pid=$!
for _ in $(seq 200); do [ -e "$T/r.dd.tmp" ] && break; sleep 0.05; done
sleep 0.5
kill -INT $pid
wait $pid
is "$?" 130 "SIGINT during a ranged run: exit 130"
run_rc 3 "--resume with another --offset is refused" \
	$ACQ --no-progress --resume --offset $((off + MiB)) "$src" "$T/r.dd"
grep -q "is not a map of this source" "$T/err"
ok $? "... with a clear message"
run_rc 0 "--resume with the same --offset" \
	$ACQ --no-progress --resume --offset "$off" "$src" "$T/r.dd"
expect $off $len "$T/want-clean"
is "$(digest sha256 "$T/out")" "$(sha256 "$T/want-clean")" "resumed: sha256 over the whole range"
grep -q '^resumed at byte: *[1-9]' "$T/r.dd.log"
ok $? "resumed: the log says where"

# ---- bad ranges of arguments ----
run_rc 2 "--offset not a multiple of 512" $ACQ --no-progress --offset 1000 "$src" "$T/x"
grep -q "multiples of the 512-byte sector size" "$T/err"
ok $? "... with a clear message"
run_rc 2 "--offset past the end" $ACQ --no-progress --offset "$size" "$src" "$T/x"
run_rc 2 "--length past the end" $ACQ --no-progress --offset "$off" --length 17M "$src" "$T/x"
run_rc 2 "--length 0" $ACQ --no-progress --length 0 "$src" "$T/x"
test ! -e "$T/x" && test ! -e "$T/x.log"
ok $? "refused ranges write nothing"

# ---- the source is unchanged (a 16 TiB sha256 is out of reach: size,
# allocated blocks, mtime and the pattern regions) ----
is "$(stat -c %s:%b:%Y.%y "$src")" "$size:$src_blocks:$src_mtime" \
	"source: size, allocated blocks and mtime unchanged"
is "$(dd if="$src" bs=1M iflag=skip_bytes skip=$end_at count=6 status=none | sha256sum | cut -d' ' -f1)" \
	"$pat_end_sha" "source: the end pattern unchanged (sha256)"
done_testing
