#!/bin/bash
# bench/mkcorpus.sh: build (or reuse) the benchmark ext4 image.
#
# usage: bench/mkcorpus.sh [-f] OUTDIR
#
# Generates about 20,000 files (about 850 MiB) with bench/gencorpus.pl and
# packs them into an ext4 image with mkfs.ext4 -d: no mounting, no root.
# Writes, in OUTDIR:
#	corpus-ext4.img		the image
#	corpus-ext4.md5		"md5  path" of every regular file (ground truth)
#	corpus-ext4.info	key=value facts about the image
#	corpus-ext4.stamp	what the image was built from
# and prints the image path on stdout. When the stamp matches (same scripts,
# same mke2fs and sqlite3), the image is reused; -f rebuilds it anyway.
#
# Deterministic: the same names, sizes, contents and times on every machine
# (corpus_sha256 in the info file digests the manifest), and with the same
# mke2fs and sqlite3 the same image, byte for byte (image_sha256).

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

force=0
if [ "${1:-}" = -f ]; then
	force=1
	shift
fi
if [ $# -ne 1 ]; then
	echo "usage: $0 [-f] OUTDIR" >&2
	exit 2
fi
out=$1
name=corpus-ext4
img=$out/$name.img

# Fixed identity for the file system, so that two builds agree.
uuid=5b0e1a2c-53b0-4f5e-9d1c-000000020000
export E2FSPROGS_FAKE_TIME=1709251200	# 2024-03-01, superblock times
export LC_ALL=C		# mkfs.ext4 -d sorts names with alphasort (strcoll)
symlink_time=@1704067200		# 2024-01-01

die() { echo "mkcorpus: $*" >&2; exit 1; }
log() { echo "mkcorpus: $*" >&2; }

for t in perl openssl sqlite3 mkfs.ext4 debugfs e2fsck dumpe2fs; do
	command -v $t >/dev/null 2>&1 || die "$t not found"
done

stamp=$({
	cat "$here/mkcorpus.sh" "$here/gencorpus.pl"
	mkfs.ext4 -V 2>&1 | head -1
	sqlite3 --version | cut -d' ' -f1
} | sha256sum | cut -d' ' -f1)

if [ $force = 0 ] && [ -f "$img" ] &&
	[ "$(cat "$out/$name.stamp" 2>/dev/null)" = "$stamp" ]; then
	log "reusing $img"
	echo "$img"
	exit 0
fi

mkdir -p "$out"
rm -f "$img" "$out/$name.stamp" "$out/$name.info" "$out/$name.md5"

# Room for the tree and the image at once, with a margin.
plan=$(perl "$here/gencorpus.pl" --plan | tail -1)
bytes=$(echo "$plan" | sed 's/.*bytes=\([0-9]*\).*/\1/')
need=$((bytes / 1024 * 23 / 10 + 512 * 1024))
avail=$(df -Pk "$out" | awk 'NR == 2 { print $4 }')
if [ "$avail" -lt "$need" ]; then
	die "need $((need / 1024)) MiB free in $out, have $((avail / 1024)) MiB"
fi
log "plan: $plan"

src=$out/$name.src
rm -rf "$src" "$img.tmp"
trap 'rm -rf "$src" "$img.tmp" "$out/$name.md5.tmp"' EXIT

start=$(date +%s)
log "writing the file tree into $src"
perl "$here/gencorpus.pl" "$src" "$out/$name.md5.tmp" >"$out/$name.gen"
find "$src" -type l -exec touch -h -d "$symlink_time" {} +

# Size the file system from the 4 KiB blocks the files need and one per
# directory (counted, not du'd: the source file system must not matter), plus
# 10% and 96 MiB for the journal, inode tables and extent blocks.
blocks=$(find "$src" \( -type f -printf '%s\n' \) -o \( -type d -printf '4096\n' \) |
	awk '{ b += int(($1 + 4095) / 4096) } END { print b }')
nfiles=$(find "$src" | wc -l)
mib=$((blocks / 256 * 11 / 10 + 96))
inodes=$((nfiles + 8192))

log "mkfs.ext4 -d: ${mib} MiB, $inodes inodes"
mkfs.ext4 -q -F -t ext4 -b 4096 -I 256 -N "$inodes" -m 0 -L spoor-bench \
	-U "$uuid" -E "hash_seed=$uuid,root_owner=0:0" \
	-d "$src" "$img.tmp" "${mib}M" >/dev/null

# Inode change times cannot be set in the tree (the kernel stamps them), and
# reading a directory (find, du, mkfs) moves its access time; so set both in
# the image, to the mtime, for a byte-identical image. (mkfs.ext4 reads the
# files with O_NOATIME: their access times are the generator's.)
{
	find "$src" -printf 'sif "/%P" ctime @%Ts\n'
	find "$src" -type d -printf 'sif "/%P" atime @%Ts\n'
	echo 'ssv kbytes_written 0'	# mkfs counts differently on tmpfs
} | debugfs -w -f - "$img.tmp" >/dev/null 2>"$out/$name.debugfs"
if grep -v '^debugfs [0-9.]* (' "$out/$name.debugfs" >&2; then
	die "debugfs failed to set the change times"
fi
rm -f "$out/$name.debugfs"

# The image must be clean for the tools to agree on it.
e2fsck -fn "$img.tmp" >"$out/$name.fsck" 2>&1 ||
	die "e2fsck found problems, see $out/$name.fsck"
end=$(date +%s)

free=$(dumpe2fs -h "$img.tmp" 2>/dev/null | awk -F': *' '/^Free blocks/ { print $2 }')
{
	echo "image=$name.img"
	tr " " "\n" <"$out/$name.gen"
	echo "image_bytes=$(stat -c %s "$img.tmp")"
	echo "free_blocks=$free"
	echo "block_size=4096"
	echo "corpus_sha256=$(sort -k2 "$out/$name.md5.tmp" | sha256sum | cut -d' ' -f1)"
	echo "image_sha256=$(sha256sum <"$img.tmp" | cut -d' ' -f1)"
	echo "mke2fs=$(mkfs.ext4 -V 2>&1 | head -1 | cut -d' ' -f2)"
	echo "sqlite3=$(sqlite3 --version | cut -d' ' -f1)"
	echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "build_seconds=$((end - start))"
} >"$out/$name.info"
rm -f "$out/$name.gen"

mv "$out/$name.md5.tmp" "$out/$name.md5"
mv "$img.tmp" "$img"
echo "$stamp" >"$out/$name.stamp"
log "built $img in $((end - start)) s"
echo "$img"
