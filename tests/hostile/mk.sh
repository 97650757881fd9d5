#!/bin/bash
# tests/hostile/mk.sh CASE DIR: write the crafted evidence of one hostile
# case into DIR (t-hostile.sh names CASE in its table).  Everything is
# made here from user space (mkfs, debugfs, mtools, ntfscp, sqlite3, perl
# with core modules), small and reproducible; nothing big is committed.
# $HOSTILE_ROOT, when set, is the case's scratch root: absolute member
# names of the zip-slip case point into it, so the runner sees an escape.
#
# Each case is a function g_CASE; `mk.sh --list` lists them.
set -euo pipefail
export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=1717243200
export E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH MTOOLS_SKIP_CHECK=1
PATH=$PATH:/usr/sbin:/sbin
here=$(cd "$(dirname "$0")" && pwd)

chat() {	# a small Android NL chat export on stdout
	printf '14-03-2024 21:07 - Daan: Hoi, ben je er?\n'
	printf '14-03-2024 21:08 - Sanne: Ja\n'
}

# patch FILE FROM TO: replace every occurrence of the byte string FROM
# (Perl escapes allowed) by TO (same length) in FILE; fails when absent.
patch() {
	perl -e '
		my ($f, $from, $to) = @ARGV;
		$from = eval qq{"$from"}; $to = eval qq{"$to"};
		die "length\n" unless length $from == length $to;
		open my $fh, "+<:raw", $f or die "$f: $!";
		local $/; my $d = <$fh>;
		my $n = ($d =~ s/\Q$from\E/$to/g) or die "patch: not found\n";
		seek $fh, 0, 0; print $fh $d; close $fh;' "$@"
}

# ---- names ----

# Names no honest file system tool would write, in a directory tree.
g_names_dir() {
	local d=$1/tree p
	mkdir -p "$d"
	printf 'ctrl\n' >"$d/$(printf 'a\001b\033[31mred\r\n.txt')"
	printf 'badutf8\n' >"$d/$(printf 'bad-\377\376-\300\257-\355\240\200.txt')"
	printf 'slash\n' >"$d/$(printf 'etc\342\210\225passwd\342\201\204x\357\274\217y')"
	printf 'back\n' >"$d/..\\..\\windows.txt"
	printf 'dash\n' >"$d/-rf --help"
	printf 'dots\n' >"$d/..."
	# a 4,000-byte path: 16 directories of 249 bytes each
	p=$d
	for i in $(seq -w 1 16); do
		p=$p/$(printf "d$i%.0s" $(seq 1 83))
	done
	mkdir -p "$p"
	printf 'deep\n' >"$p/end.txt"
}

# ext4 with names patched in the directory blocks: '/', "..", control
# bytes, invalid UTF-8 (debugfs cannot write them itself).
g_names_ext4() {
	local img=$1/names-ext4.img w
	w=$(mktemp -d)
	printf 'x\n' >"$w/slashQQQslash"
	printf 'y\n' >"$w/dotdotQQQQQQQx"
	printf 'z\n' >"$w/ctrlQQQQQQQQQQ"
	printf 'u\n' >"$w/utf8QQQQQQQQQQ"
	mkfs.ext4 -q -F -b 1024 -N 32 -m 0 -O ^has_journal,^resize_inode \
		-d "$w" "$img" 256 >/dev/null
	rm -rf "$w"
	patch "$img" 'slashQQQslash' 'slash/../../x'
	patch "$img" 'dotdotQQQQQQQx' '../../../etc/x'
	patch "$img" 'ctrlQQQQQQQQQQ' 'ctrl\001\033[2J\r\n\x7f\000x'
	patch "$img" 'utf8QQQQQQQQQQ' 'utf8\377\376\300\257\355\240\200xyz'
}

# FAT with long names patched in their UTF-16 LFN entries: '/', "\",
# control characters and a lone surrogate (the checksum covers only the
# short name, so the entries stay valid).
g_names_fat() {
	local img=$1/names-fat.img w
	w=$(mktemp -d)
	printf 'x\n' >"$w/a"
	mkfs.fat -C -F 12 --invariant -i 5B00BAD1 "$img" 128 >/dev/null
	mcopy -i "$img" "$w/a" "::/slashQQQQslash.txt"
	mcopy -i "$img" "$w/a" "::/ctrlKKKKKKname.txt"
	mcopy -i "$img" "$w/a" "::/surrWWWWWWname.txt"
	rm -rf "$w"
	patch "$img" 'Q\0Q\0Q\0Q\0' '/\0.\0.\0/\0'
	patch "$img" 'K\0K\0K\0' '\001\0\033\0\n\0'
	patch "$img" 'W\0W\0W\0' '\0\xd8A\0\0\xdc'
}

# NTFS with names ntfscp writes as given (control bytes, lookalike '/').
g_names_ntfs() {
	local img=$1/names-ntfs.img w
	w=$(mktemp -d)
	printf 'x\n' >"$w/a"
	truncate -s 4M "$img"
	mkntfs -q -F -f -s 512 -c 4096 -L hostile "$img" >/dev/null 2>&1
	ntfscp -q "$img" "$w/a" "$(printf 'ctrl\001\033[2J.txt')" 2>/dev/null
	ntfscp -q "$img" "$w/a" "$(printf 'etc\342\210\225passwd')" 2>/dev/null
	ntfscp -q "$img" "$w/a" "$(printf 'n%.0s' $(seq 1 250))" 2>/dev/null
	rm -rf "$w"
}

# ---- structure ----

# ext4 with a directory loop: a/b/loop is a second link to a, and b's
# ".." names the root's child a's parent wrongly.
g_dirloop_ext4() {
	local img=$1/dirloop.img w
	w=$(mktemp -d)
	mkdir -p "$w/a/b"
	printf 'x\n' >"$w/a/b/f.txt"
	mkfs.ext4 -q -F -b 1024 -N 32 -m 0 -O ^has_journal,^resize_inode \
		-d "$w" "$img" 256 >/dev/null
	rm -rf "$w"
	debugfs -w -R 'link a a/b/loop' "$img" >/dev/null 2>&1
	debugfs -w -R 'link / a/b/root' "$img" >/dev/null 2>&1
	debugfs -R 'ls -l a/b' "$img" 2>/dev/null | grep -q loop
}

# FAT16 where two files share clusters (cross-linked chains) and a third
# file's chain points back at itself.
g_crosslink_fat() {
	local img=$1/crosslink.img w
	w=$(mktemp -d)
	head -c 6000 /dev/zero | tr '\0' 'A' >"$w/a.bin"
	head -c 6000 /dev/zero | tr '\0' 'B' >"$w/b.bin"
	head -c 6000 /dev/zero | tr '\0' 'C' >"$w/c.bin"
	mkfs.fat -C -F 16 -s 1 --invariant -i 5B00C1C1 "$img" 8192 >/dev/null
	mcopy -i "$img" "$w/a.bin" "$w/b.bin" "$w/c.bin" ::/
	rm -rf "$w"
	# FAT16: 12 clusters of 512 bytes each; a = 3..14, b = 15..26,
	# c = 27..38.  b's second cluster continues in a's chain; c's
	# third cluster points at itself.
	perl -e '
		open my $f, "+<:raw", $ARGV[0] or die;
		read $f, my $bs, 512;
		my ($bps, $res, $nfat, $spf) = unpack "x11 v x1 v C x2 x2 x1 v", $bs;
		for my $k (0 .. $nfat - 1) {
			my $fat = ($res + $k * $spf) * $bps;
			seek $f, $fat + 2 * 16, 0; print $f pack "v", 5;
			seek $f, $fat + 2 * 29, 0; print $f pack "v", 29;
		}' "$img"
}

# ext4 with a file whose inode claims 2^60 bytes.
g_huge_ext4() {
	local img=$1/huge.img w
	w=$(mktemp -d)
	printf 'klein\n' >"$w/huge.bin"
	printf 'normaal\n' >"$w/ok.txt"
	mkfs.ext4 -q -F -b 1024 -N 32 -m 0 -O ^has_journal,^resize_inode \
		-d "$w" "$img" 256 >/dev/null
	rm -rf "$w"
	debugfs -w -R 'sif huge.bin size 0x1000000000000000' "$img" \
		>/dev/null 2>&1
	debugfs -R 'stat huge.bin' "$img" 2>/dev/null |
		grep -q 'Size: 1152921504606846976'
}

g_ext4_base() {	# DIR NAME: a small healthy ext4
	local w
	w=$(mktemp -d)
	printf 'x\n' >"$w/a.txt"
	mkfs.ext4 -q -F -b 1024 -N 32 -m 0 -O ^has_journal,^resize_inode \
		-d "$w" "$1/$2" 256 >/dev/null
	rm -rf "$w"
}

# ext4 cut off inside its superblock (offset 1024..2047).
g_sb_truncated() {
	g_ext4_base "$1" full.img
	head -c 1500 "$1/full.img" >"$1/truncated.img"
	rm -f "$1/full.img"
}

# ext4 whose superblock is all zeros (the rest intact).
g_sb_zero() {
	g_ext4_base "$1" zerosb.img
	dd if=/dev/zero of="$1/zerosb.img" bs=1024 seek=1 count=1 \
		conv=notrunc status=none
}

# ---- zips handed in as a WhatsApp export ----

# mkzip OUT NAME=FILE...: a zip of stored members with raw names (\xHH
# escapes), written byte by byte: no zip tool writes such names.
mkzip() {
	perl -MCompress::Raw::Zlib -e '
		my $out = shift;
		open my $o, ">:raw", $out or die "$out: $!";
		my $cd = "";
		for (@ARGV) {
			my ($name, $file) = split /=(?=[^=]*$)/, $_, 2;
			$name =~ s/\\x([0-9a-f]{2})/chr hex $1/ge;
			open my $fh, "<:raw", $file or die "$file: $!";
			local $/; my $d = <$fh> // "";
			my $crc = Compress::Raw::Zlib::crc32($d);
			my $off = tell $o;
			print $o pack("VvvvvvVVVvv", 0x04034b50, 20, 0, 0, 0,
				0x5821, $crc, length $d, length $d,
				length $name, 0), $name, $d;
			$cd .= pack("VvvvvvvVVVvvvvvVV", 0x02014b50, 20, 20, 0,
				0, 0, 0x5821, $crc, length $d, length $d,
				length $name, 0, 0, 0, 0, 0, $off) . $name;
		}
		my $cd_off = tell $o;
		my $n = @ARGV;
		print $o $cd, pack("VvvvvVVv", 0x06054b50, 0, 0, $n, $n,
			length $cd, $cd_off, 0);
		close $o or die;' "$@"
}

g_zip_slip() {
	local w root=${HOSTILE_ROOT:-/nonexistent}
	w=$(mktemp -d)
	chat >"$w/chat.txt"
	mkzip "$1/WhatsApp Chat with Slip.zip" \
		"WhatsApp Chat with Slip.txt=$w/chat.txt" \
		"../../x.txt=$w/chat.txt" \
		"../../../../../../../../tmp/../x2.txt=$w/chat.txt" \
		"$root/abs-escape.txt=$w/chat.txt" \
		"Media/../../../up.txt=$w/chat.txt"
	rm -rf "$w"
}

g_zip_names() {
	local w long
	w=$(mktemp -d)
	chat >"$w/chat.txt"
	long=$(printf 'n%.0s' $(seq 1 3990)).txt
	mkzip "$1/export.zip" \
		"$long=$w/chat.txt" \
		'ctrl\x01\x1b[31m\x0d\x0a.txt='"$w/chat.txt" \
		'bad\xff\xfe\xc0\xaf.txt='"$w/chat.txt" \
		'etc\xe2\x88\x95passwd.txt='"$w/chat.txt"
	rm -rf "$w"
}

# A zip bomb: one member that inflates to 10 GiB of zeros from ~10 MB,
# written directly (ZIP64 sizes; full-flush deflate blocks of 16 MiB
# repeated; the CRC from crc32_combine), so making it takes a second.
g_zip_bomb() {
	perl -MCompress::Raw::Zlib -e '
		my $out = shift;
		my $chunk = 16 << 20;
		my $n = 640;			# 640 * 16 MiB = 10 GiB
		my ($d, $st) = Compress::Raw::Zlib::Deflate->new(
			-WindowBits => -MAX_WBITS, -Level => 9,
			-AppendOutput => 1);
		my $zeros = "\0" x $chunk;
		my $blk = "";
		$d->deflate($zeros, $blk) == Z_OK or die;
		$d->flush($blk, Z_FULL_FLUSH) == Z_OK or die;
		my $fin = "";
		$d->flush($fin, Z_FINISH) == Z_OK or die;
		my $c1 = Compress::Raw::Zlib::crc32($zeros);
		my $crc = $c1;
		$crc = Compress::Raw::Zlib::crc32_combine($crc, $c1, $chunk)
			for 2 .. $n;
		my $usize = $chunk * $n;
		my $csize = length($blk) * $n + length($fin);
		my $name = "WhatsApp Chat with Bomb.txt";
		my $x64 = pack "vvQ<Q<", 1, 16, $usize, $csize;
		open my $f, ">:raw", $out or die;
		print $f pack("VvvvvvVVVvv", 0x04034b50, 45, 0, 8, 0, 0x5821,
			$crc, 0xffffffff, 0xffffffff, length $name,
			length $x64), $name, $x64;
		print $f $blk for 1 .. $n;
		print $f $fin;
		my $cd_off = tell $f;
		my $cx = pack "vvQ<Q<", 1, 16, $usize, $csize;
		print $f pack("VvvvvvvVVVvvvvvVV", 0x02014b50, 45, 45, 0, 8,
			0, 0x5821, $crc, 0xffffffff, 0xffffffff, length $name,
			length $cx, 0, 0, 0, 0, 0), $name, $cx;
		my $cd_len = tell($f) - $cd_off;
		print $f pack("VvvvvVVv", 0x06054b50, 0, 0, 1, 1, $cd_len,
			$cd_off, 0);
		close $f or die;' "$1/WhatsApp Chat with Bomb.zip"
}

# ---- SQLite databases named like the ones the plugins read ----

g_sqlite_triggers_views() {
	sqlite3 "$1/msgstore.db" <<'SQL'
CREATE TABLE messages (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT NOT NULL, key_from_me INTEGER, key_id TEXT NOT NULL, status INTEGER, data TEXT, timestamp INTEGER, media_wa_type TEXT, remote_resource TEXT);
CREATE TABLE chat_list (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT UNIQUE, subject TEXT);
CREATE TABLE audit (x TEXT);
INSERT INTO messages VALUES (1, '31612345678@s.whatsapp.net', 0, 'k1', 0, 'Hoi', 1710446820000, '0', NULL);
INSERT INTO messages VALUES (2, '31612345678@s.whatsapp.net', 1, 'k2', 0, 'Ja', 1710446880000, '0', NULL);
CREATE TRIGGER t_del BEFORE DELETE ON messages BEGIN INSERT INTO audit VALUES ('deleted'); END;
CREATE TRIGGER t_upd AFTER UPDATE ON messages BEGIN DELETE FROM messages; END;
CREATE VIEW v_all AS SELECT * FROM messages, messages AS m2, messages AS m3;
CREATE VIEW wa_contacts AS SELECT 1 AS _id, 'x@s.whatsapp.net' AS jid, load_extension('/tmp/evil.so') AS display_name;
SQL
	sqlite3 "$1/mmssms.db" <<'SQL'
CREATE VIEW sms AS WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT n AS _id, 1 AS thread_id, '+31612345678' AS address, n AS date, 0 AS date_sent, 1 AS type, 'eindeloos' AS body, 1 AS read FROM c;
SQL
}

g_sqlite_blob() {
	sqlite3 "$1/msgstore.db" <<'SQL'
CREATE TABLE messages (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT NOT NULL, key_from_me INTEGER, key_id TEXT NOT NULL, status INTEGER, data TEXT, timestamp INTEGER, media_wa_type TEXT, remote_resource TEXT, raw_data BLOB, thumb_image TEXT);
INSERT INTO messages VALUES (1, '31612345678@s.whatsapp.net', 0, 'k1', 0, printf('%.*c', 1048576, 'x'), 1710446820000, '0', NULL, zeroblob(100 * 1024 * 1024), NULL);
INSERT INTO messages VALUES (2, '31612345678@s.whatsapp.net', 1, 'k2', 0, 'Ja', 1710446880000, '0', NULL, NULL, NULL);
SQL
	sqlite3 "$1/mmssms.db" <<'SQL'
CREATE TABLE sms (_id INTEGER PRIMARY KEY, thread_id INTEGER, address TEXT, date INTEGER, date_sent INTEGER, type INTEGER, body TEXT, read INTEGER);
INSERT INTO sms VALUES (1, 1, '+31612345678', 1710446820000, 0, 1, printf('%.*c', 65 * 1024 * 1024, 'a'), 1);
INSERT INTO sms VALUES (2, 1, '+31612345678', 1710446880000, 0, 2, 'kort', 1);
SQL
}

g_sqlite_types() {
	sqlite3 "$1/msgstore.db" <<'SQL'
CREATE TABLE messages (_id TEXT, key_remote_jid BLOB, key_from_me TEXT, key_id REAL, status BLOB, data BLOB, timestamp TEXT, media_wa_type BLOB, remote_resource INTEGER);
INSERT INTO messages VALUES ('een', x'00ff00fe', 'ja', 1.5, x'01', x'c0afff00', 'gisteren', x'ff', 42);
INSERT INTO messages VALUES (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO messages VALUES (9223372036854775807, 'x', -9223372036854775808, 'k', 1e308, 'tekst', -1e308, '99', 'y');
SQL
	sqlite3 "$1/mmssms.db" <<'SQL'
CREATE TABLE sms (_id TEXT, thread_id BLOB, address BLOB, date TEXT, date_sent REAL, type TEXT, body BLOB, read TEXT);
INSERT INTO sms VALUES ('a', x'00', x'2b3331ff00', 'morgen', 1e300, 'inbox', x'e282ac00ff', 'nee');
INSERT INTO sms VALUES (NULL, NULL, NULL, 9223372036854775807, -1, 999, NULL, NULL);
SQL
}

# Deleted rows read back from the pages (lib/sqlrecover.c): a database
# SQLite still reads, whose freelist trunk and every freeblock chain
# point back at themselves, with the deleted rows' bytes still there.
g_sqlite_pages() {
	sqlite3 "$1/mmssms.db" <<'SQL'
PRAGMA page_size=1024;
PRAGMA secure_delete=OFF;
CREATE TABLE sms (_id INTEGER PRIMARY KEY, thread_id INTEGER, address TEXT, date INTEGER, date_sent INTEGER, type INTEGER, body TEXT, read INTEGER);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 400)
INSERT INTO sms SELECT i, i % 7, '+3161234' || (5000 + i), 1710446820000 + i, 0, 1 + i % 2, 'bericht ' || i || ' ' || printf('%.*c', i % 90, 'x'), 1 FROM c;
DELETE FROM sms WHERE _id % 3 = 0 OR _id BETWEEN 200 AND 300;
SQL
	perl -e 'open(my $f, "+<", $ARGV[0]) or die; binmode $f;
		local $/; my $d = <$f>; my $ps = 1024;
		my $trunk = unpack("N", substr($d, 32, 4));
		substr($d, ($trunk - 1) * $ps, 4) = pack("N", $trunk) if $trunk;
		for (my $o = $ps; $o < length($d); $o += $ps) {
			next unless ord(substr($d, $o, 1)) == 13;
			my $fb = unpack("n", substr($d, $o + 1, 2));
			substr($d, $o + $fb, 2) = pack("n", $fb) if $fb;
		}
		seek($f, 0, 0); print $f $d; close $f or die;' "$1/mmssms.db"
}

g_not_sqlite() {
	printf 'SQLite format 3\0but not really a database at all\n' \
		>"$1/msgstore.db"
	head -c 4096 /dev/zero | tr '\0' 'x' >"$1/mmssms.db"
	: >"$1/wa.db"
	printf 'PK\003\004 not a zip\n' >"$1/contacts2.db"
}

# ---- hash-set inputs ----

# VICS JSON nested 100,000 deep, inside the "value" array.
g_json_deep() {
	perl -e 'print "{\"odata.metadata\":\"x\",\"value\":[",
		"{\"a\":" x 50000, "[" x 50000, "1", "]" x 50000, "}" x 50000,
		"]}\n"' >"$1/deep.json"
	# a small good list to build the set that `import` extends
	printf '%s  a.txt\n' \
		ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb \
		>"$1/base.txt"
}

# NSRLFile.txt whose second line is 10 MB long.
g_nsrl_longline() {
	perl -e '
		print qq{"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode","SpecialCode"\r\n};
		print qq{"86F7E437FAA5A7FCE15D1DDCB9EAEAEA377667B8","0CC175B9C0F1B6A831C399E269772661","E8B7BE43","}, "A" x (10 << 20), qq{",1,1,"1",""\r\n};
		print qq{"E9D71F5EE7C92D6DC9E92FFDAD17B8BD49418F98","92EB5FFEE6AE2FEC3AD71C777531578F","71BEEFF9","b.txt",1,1,"1",""\r\n};' \
		>"$1/NSRLFile.txt"
}

# ---- a single evidence file for spoor-acquire ----
g_acquire_file() {
	head -c 300000 /dev/urandom >"$1/$(printf 'disk\001\033[31m\377.dd')"
}

# ---- plugins of others: XML, Telegram JSON, vCard ----

# SMS Backup & Restore XML with entity expansion (a billion laughs).
g_sbr_laughs() {
	perl -e '
		print qq{<?xml version="1.0"?>\n<!DOCTYPE smses [\n};
		print qq{ <!ENTITY lol0 "lol">\n};
		for my $i (1 .. 9) { my $p = $i - 1;
			print qq{ <!ENTITY lol$i "}, "&lol$p;" x 10, qq{">\n}; }
		print qq{]>\n<smses count="1"><sms protocol="0" address="+31612345678" date="1710446820000" type="1" body="&lol9;" read="1" /></smses>\n};' \
		>"$1/sms-20240314.xml"
}

# SMS Backup & Restore XML whose entities name a local file and a URL;
# the file holds a marker that must not reach the output.
g_sbr_xxe() {
	local secret=${HOSTILE_ROOT:-$1}/secret.txt
	printf 'GEHEIM-XXE-MARKER\n' >"$secret"
	cat >"$1/sms-20240315.xml" <<EOF_XML
<?xml version="1.0"?>
<!DOCTYPE smses [
 <!ENTITY xxe SYSTEM "file://$secret">
 <!ENTITY net SYSTEM "http://127.0.0.1:9/x">
 <!ENTITY % pe SYSTEM "file://$secret">
]>
<smses count="1"><sms protocol="0" address="+31612345678" date="1710446820000" type="1" body="a&xxe;b&net;c" read="1" /></smses>
EOF_XML
}

# Telegram result.json with a message text nested 100,000 deep.
g_telegram_deep() {
	perl -e 'print q|{"name":"Daan","type":"personal_chat","id":1,|,
		q|"messages":[{"id":1,"type":"message",|,
		q|"date":"2024-03-14T21:07:00","from":"Daan","text":|,
		"[" x 100000, q|"x"|, "]" x 100000, "}]}\n"' >"$1/result.json"
}

# vCard with a 10 MB line, 100,000 folded continuation lines and a
# PHOTO that is not base64.
g_vcard_long() {
	perl -e '
		print "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Daan de Vries\r\n";
		print "NOTE:", "x" x (10 << 20), "\r\n";
		print "X-LONG:a\r\n", " b\r\n" x 100000;
		print "PHOTO;ENCODING=b;TYPE=JPEG:!!!not base64!!!\r\n";
		print "TEL;TYPE=CELL:+31 6 12345678\r\nEND:VCARD\r\n";
		print "BEGIN:VCARD\r\nVERSION:2.1\r\nFN;ENCODING=QUOTED-PRINTABLE:=\r\n" x 3;
		print "END:VCARD\r\n";' >"$1/contacts.vcf"
}

# ---- phone-app plugins (issue 17): hostile blobs inside valid databases

# Snapchat arroyo.db: a text message whose protobuf nests 100,000 deep,
# one that claims a length past its end, and a media walk over both.
g_snapchat_deep_pb() {
	mkdir -p "$1/com.snapchat.android/databases"
	python3 - "$1/com.snapchat.android/databases/arroyo.db" <<'PY'
import sqlite3, sys
def v(n):
    out = bytearray()
    while True:
        b, n = n & 0x7f, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)
deep = b"x"
for _ in range(100000):
    deep = bytes([0x22]) + v(len(deep)) + deep
con = sqlite3.connect(sys.argv[1])
con.execute("CREATE TABLE conversation_message (client_conversation_id "
            "TEXT, client_message_id INTEGER, sender_id TEXT, "
            "creation_timestamp INTEGER, content_type INTEGER, "
            "message_content BLOB)")
con.execute("INSERT INTO conversation_message VALUES ('c', 1, 'u', 1, 1, ?)",
            (deep,))
con.execute("INSERT INTO conversation_message VALUES ('c', 2, 'u', 1, 1, ?)",
            (b"\x22\xff\xff\xff\xff\x0f" + b"y" * 10,))
con.commit()
PY
}

# Telegram cache4.db: TL strings that claim 16 MiB in a 12-byte blob,
# a cut constructor, an unknown user constructor.
g_telegram_tl_hostile() {
	mkdir -p "$1/org.telegram.messenger/files"
	python3 - "$1/org.telegram.messenger/files/cache4.db" <<'PY'
import sqlite3, struct, sys
con = sqlite3.connect(sys.argv[1])
con.executescript("CREATE TABLE messages_v2 (mid INTEGER, uid INTEGER, "
                  "date INTEGER, data BLOB, out INTEGER, read_state "
                  "INTEGER, PRIMARY KEY (mid, uid)); CREATE TABLE users "
                  "(uid INTEGER PRIMARY KEY, name TEXT, status INTEGER, "
                  "data BLOB)")
m = struct.pack("<IIIIIqI", 0x94345242, 0, 0, 1, 0x59511722, 5, 1)
con.execute("INSERT INTO messages_v2 VALUES (1, 5, 1, ?, 0, 0)",
            (m + b"\xfe\xff\xff\xff",))
con.execute("INSERT INTO messages_v2 VALUES (2, 5, 1, ?, 0, 0)",
            (b"\x42\x52",))
con.execute("INSERT INTO users VALUES (5, 'x', 0, ?)",
            (struct.pack("<III", 0x83314fca, 0xffffffff, 0) + b"\xfe",))
con.commit()
PY
}

# Discord kv-storage: a message value nested 100,000 deep.
g_discord_deep_json() {
	mkdir -p "$1/com.discord/files/kv-storage/@account.1"
	python3 - "$1/com.discord/files/kv-storage/@account.1/a" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("CREATE TABLE messages0 (key TEXT PRIMARY KEY, data BLOB)")
con.execute("INSERT INTO messages0 VALUES ('m', ?)",
            (b'{"message":' + b"[" * 100000 + b"]" * 100000 + b"}",))
con.commit()
PY
}

# Instagram iOS: keyed archives with a UID cycle and 100,000 levels.
g_instagram_ios_archives() {
	d="$1/Library/Application Support/DirectSQLiteDatabase"
	mkdir -p "$d"
	python3 - "$d/1.db" <<'PY'
import plistlib, sqlite3, sys
cyc = plistlib.dumps({"$archiver": "NSKeyedArchiver", "$top": {
    "root": plistlib.UID(1)}, "$objects": ["$null", {
        "IGDirectPublishedMessageContent*content": plistlib.UID(1),
        "NSString*string": plistlib.UID(1)}]}, fmt=plistlib.FMT_BINARY)
deep = "x"
for _ in range(2000):
    deep = [deep]
try:
    deep = plistlib.dumps({"$objects": ["$null", deep], "$top": {}},
                          fmt=plistlib.FMT_XML)
except RecursionError:
    deep = b"<plist>" + b"<array>" * 100000 + b"</plist>"
con = sqlite3.connect(sys.argv[1])
con.executescript("CREATE TABLE messages (message_id TEXT, thread_id TEXT, "
                  "archive BLOB, class_name TEXT, row_id INTEGER PRIMARY "
                  "KEY AUTOINCREMENT); CREATE TABLE threads (thread_id "
                  "TEXT, thread_id_v2 TEXT, viewer_id TEXT, metadata BLOB, "
                  "row_id INTEGER PRIMARY KEY AUTOINCREMENT)")
con.execute("INSERT INTO threads (thread_id, viewer_id, metadata) VALUES "
            "('t', '1', ?)", (cyc,))
con.execute("INSERT INTO messages (message_id, thread_id, archive, "
            "class_name) VALUES ('m1', 't', ?, 'x')", (cyc,))
con.execute("INSERT INTO messages (message_id, thread_id, archive, "
            "class_name) VALUES ('m2', 't', ?, 'x')",
            (b"bplist00" + b"\xa1\x01" * 50000 + b"\x00" * 32,))
con.commit()
PY
}

case ${1:-} in
--list)	declare -F | sed -n 's/^declare -f g_//p' | grep -v ext4_base ;;
'' | -*) echo "usage: $0 CASE DIR | --list" >&2; exit 2 ;;
*)	[ $# -eq 2 ] || { echo "usage: $0 CASE DIR" >&2; exit 2; }
	declare -F "g_$1" >/dev/null || { echo "$0: no case '$1'" >&2; exit 2; }
	"g_$1" "$2" ;;
esac
