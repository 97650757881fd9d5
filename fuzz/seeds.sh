#!/bin/bash
# fuzz/seeds.sh OUTDIR BINDIR: seed corpora for the fuzz targets, made
# from the testdata/ generators and the built tools (BINDIR: spoor-hashdb)
# into OUTDIR/NAME/.  Small on purpose: a fuzzer mutates small inputs
# faster.  OUTDIR/.stamp is written last.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 OUTDIR BINDIR" >&2; exit 2; }
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
bin=$(cd "$2" && pwd)
export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=1717243200
export E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH
PATH=$PATH:/usr/sbin:/sbin
rm -f "$out/.stamp"
work=$(mktemp -d "${TMPDIR:-/tmp}/spoor-seeds.XXXXXX")
trap 'rm -rf "$work"' EXIT

# ---- hash-set inputs (testdata/mkhashsets.sh), cut short ----
bash "$src/testdata/mkhashsets.sh" "$work/hs" >/dev/null
for t in nsrl vics hashdeep hashlist sdb fswalk zipsrc wa-txt; do
	rm -rf "${out:?}/$t"
	mkdir -p "$out/$t"
done
head -40 "$work/hs/NSRLFile.txt" >"$out/nsrl/NSRLFile-head.txt"
head -c 6000 "$work/hs/vics.json" >"$out/vics/vics-head.json"
cp "$work/hs/vics-truncated.json" "$out/vics/" 2>/dev/null || true
head -c 3000 "$work/hs/vics-novalue.json" >"$out/vics/vics-novalue.json" \
	2>/dev/null || true
head -20 "$work/hs/hashdeep.txt" >"$out/hashdeep/hashdeep-head.txt"
for f in md5sum sha1sum sha256sum; do
	head -20 "$work/hs/$f.txt" >"$out/hashlist/$f.txt"
done
cp "$work/hs/mixed-bad.txt" "$out/hashlist/"

# ---- .sdb sets built by spoor-hashdb (small: a few dozen entries) ----
head -12 "$work/hs/sha256sum.txt" >"$work/s.txt"
head -12 "$work/hs/md5sum.txt" >"$work/m.txt"
"$bin/spoor-hashdb" build -q -o "$out/sdb/sha256.sdb" --name=seed \
	--kind=known-bad --category=cat1 "$work/s.txt"
"$bin/spoor-hashdb" build -q -o "$out/sdb/mixed.sdb" --name=seed2 \
	"$work/s.txt" "$work/m.txt" "$out/vics/vics-head.json" 2>/dev/null ||
	"$bin/spoor-hashdb" build -q -o "$out/sdb/mixed.sdb" --name=seed2 \
		"$work/s.txt" "$work/m.txt"

# ---- tiny file systems for the walk ----
mkdir -p "$work/tree/sub dir/deeper"
printf 'hallo\n' >"$work/tree/a.txt"
printf 'tweede\n' >"$work/tree/sub dir/b.txt"
head -c 3000 /dev/zero | tr '\0' 'x' >"$work/tree/sub dir/deeper/c.bin"
ln -s ../a.txt "$work/tree/sub dir/link"
mkfs.ext4 -q -F -b 1024 -N 32 -m 0 -O ^has_journal,^resize_inode \
	-U 5b0012e4-0000-4000-8000-00000000f022 \
	-E hash_seed=5b0012e4-0000-4000-8000-00000000f023 \
	-d "$work/tree" "$out/fswalk/ext4.img" 128 >/dev/null
debugfs -w -R 'rm a.txt' "$out/fswalk/ext4.img" >/dev/null 2>&1 || true
mkfs.fat -C -F 12 --invariant -i 5B00F022 -n FUZZ "$out/fswalk/fat.img" 64 \
	>/dev/null
MTOOLS_SKIP_CHECK=1 mmd -i "$out/fswalk/fat.img" "::/Sub dir"
MTOOLS_SKIP_CHECK=1 mcopy -i "$out/fswalk/fat.img" "$work/tree/a.txt" \
	"::/Lange naam met spaties.txt"
MTOOLS_SKIP_CHECK=1 mcopy -i "$out/fswalk/fat.img" \
	"$work/tree/sub dir/deeper/c.bin" "::/Sub dir/c.bin"
MTOOLS_SKIP_CHECK=1 mcopy -i "$out/fswalk/fat.img" "$work/tree/a.txt" \
	"::/del.txt"
MTOOLS_SKIP_CHECK=1 mdel -i "$out/fswalk/fat.img" "::/del.txt"

# ---- the plugin host's archive source: an export zip and a tar ----
mkdir -p "$work/wa"
cp "$src/fuzz/corpus/wa-txt/android-nl.txt" \
	"$work/wa/WhatsApp-chat met Daan.txt"
printf '\xff\xd8\xff\xe0 jpeg' >"$work/wa/IMG-20240314-WA0003.jpg"
(cd "$work/wa" && TZ=UTC touch -d @1717243200 ./* &&
	zip -q -X -D "$out/zipsrc/export.zip" ./* &&
	tar --mtime=@1717243200 --owner=0 --group=0 --numeric-owner \
		-cf "$out/zipsrc/export.tar" ./*)

# ---- WhatsApp text: the committed seeds are enough; add a long one ----
for i in $(seq 1 40); do
	printf '%02d-03-2024 21:%02d - Daan: bericht %d\n' $((i % 28 + 1)) \
		$((i % 60)) "$i"
done >"$out/wa-txt/long-dmy.txt"

# ---- deleted SQLite rows: databases written by SQLite (fuzz/mksqlrec.py)
rm -rf "${out:?}/sqlrecover"
python3 "$src/fuzz/mksqlrec.py" "$out/sqlrecover"

touch "$out/.stamp"
