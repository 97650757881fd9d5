#!/bin/bash
# t-verify-tar: spoor-verify reads a bundle tar without extracting it, and
# `spoor-report pack` makes a deterministic one.  Bundles come from
# testdata/mkbundle.sh (openssl CLI + sha256sum); tars from GNU tar, from
# `spoor-report pack`, and hostile ones crafted with python3's tarfile;
# oracles: tar -tvf, python3 tarfile, sha256sum, cmp.
. "$(dirname "$0")/lib.sh"

command -v openssl >/dev/null || skip_all "no openssl"
command -v python3 >/dev/null || skip_all "no python3"
python3 -c 'import tarfile, zipfile' 2>/dev/null || skip_all "no tarfile"
MK=$SPOOR_SRC/testdata/mkbundle.sh
bash "$MK" "$T/fx" >/dev/null 2>&1 || { echo "1..1"; ok 1 "mkbundle.sh"; exit 1; }
. "$T/fx/ids"
P=$T/fx/pki
ARGS=(--trust "$P/root.crt" --recipient "$RECIPIENT" --org "$ORG"
	--tsa-trust "$P/root.crt")
B=$T/bundle
cp -a "$T/fx/v1" "$B"
bash "$MK" tsr "$P" "$B"

# verify_tar WANT-RC WANT-VERDICT DESC TAR [CODE]: the verdict, the reason
# code, and the tar's bytes unchanged by the verification
verify_tar() {
	local rc=$1 verdict=$2 desc=$3 tar=$4 code=${5:-} before
	before=$(sha256 "$tar")
	run_rc "$rc" "$desc" spoor-verify "$tar" "${ARGS[@]}"
	is "$(head -n1 "$T/out")" "$verdict" "$desc: $verdict"
	if [ -n "$code" ]; then
		grep -q "^error: $code: " "$T/out"
		ok $? "$desc: reason '$code'"
		grep -q "^error: $code: " "$T/out" ||
			sed 's/^/#   /' "$T/out" | head -5
	fi
	is "$(sha256 "$tar")" "$before" "$desc: the tar is not modified"
}
invalid() { verify_tar 1 INVALID "$@"; }

# ---- spoor-report pack ----
run_rc 0 "pack" spoor-report pack "$B" -o "$T/p.tar"
run_rc 0 "pack again" spoor-report pack "$B" -o "$T/p2.tar"
cmp -s "$T/p.tar" "$T/p2.tar"
ok $? "packing twice gives identical bytes"
[ ! -e "$T/p.tar.tmp" ]
ok $? "no temp file left"
want=$( { printf 'MANIFEST\nMANIFEST.p7s\nMANIFEST.p7s.tsr\n'
	tail -n +15 "$B/MANIFEST" | cut -d' ' -f3; } | LC_ALL=C sort)
is "$(tar -tf "$T/p.tar" | grep -v '/$')" "$want" \
	"tar -tf: exactly MANIFEST* and the listed files, sorted"
is "$(tar -tf "$T/p.tar" | grep '/$')" \
	"$(tail -n +15 "$B/MANIFEST" | cut -d' ' -f3 | awk -F/ '{
		p = ""; for (i = 1; i < NF; i++) { p = p $i "/"; print p } }' |
	LC_ALL=C sort -u)" "tar -tf: the needed directories"
created=$(sed -n 's/^created: //p' "$B/MANIFEST")
mt=$(date -u -d "$created" '+%Y-%m-%d %H:%M:%S')
bad=$(tar --full-time --numeric-owner -tvf "$T/p.tar" | awk -v mt="$mt" '
	/^-/ && ($1 != "-rw-r--r--" || $2 != "0/0" || $4 " " $5 != mt) ||
	/^d/ && ($1 != "drwxr-xr-x" || $2 != "0/0" || $4 " " $5 != mt) ||
	!/^[-d]/' | head -3)
is "$bad" "" "tar -tvf: files 0644, directories 0755, 0/0, mtime = created"
is "$(python3 - "$T/p.tar" "$(date -u -d "$created" +%s)" <<'EOF'
import sys, tarfile
t = tarfile.open(sys.argv[1])
bad = []
names = []
for m in t.getmembers():
    names.append(m.name)
    if m.uid or m.gid or m.uname or m.gname or m.mtime != int(sys.argv[2]) \
            or m.pax_headers or m.name.startswith(('/', './')):
        bad.append(m.name)
print("sorted" if names == sorted(names, key=lambda s: s.encode()) else
      "unsorted", " ".join(bad) or "clean")
EOF
)" "sorted clean" "python tarfile: sorted, no names/xattrs/pax records, root"
(cd "$B" && tail -n +15 MANIFEST | awk '{ print $1 "  " $3 }') > "$T/want.sha"

mkdir "$T/nob" && echo x > "$T/nob/readme.txt"
run_rc 3 "pack refuses a directory without MANIFEST" spoor-report pack \
	"$T/nob" -o "$T/n.tar"
[ ! -e "$T/n.tar" ] && [ ! -e "$T/n.tar.tmp" ]
ok $? "pack: nothing written on refusal"
cp -a "$B" "$T/b2" && echo x > "$T/b2/data/unlisted.txt"
run_rc 3 "pack refuses an unlisted file" spoor-report pack "$T/b2" \
	-o "$T/n.tar"
grep -q "data/unlisted.txt" "$T/err"
ok $? "pack: names the unlisted file"
rm -rf "$T/b2"; cp -a "$B" "$T/b2"
rm "$T/b2/readme.txt" && ln -s "$T/fx/v1/readme.txt" "$T/b2/readme.txt"
run_rc 3 "pack refuses a symlink" spoor-report pack "$T/b2" -o "$T/n.tar"
rm -rf "$T/b2"; cp -a "$B" "$T/b2"
printf 'X' | dd of="$T/b2/data/blob.bin" bs=1 seek=7 conv=notrunc 2>/dev/null
run_rc 3 "pack refuses a file that does not match the MANIFEST" \
	spoor-report pack "$T/b2" -o "$T/n.tar"
run_rc 2 "pack without -o: usage" spoor-report pack "$B"
# a tar written into the bundle would make the bundle INVALID: refused,
# also through a symlink to a directory of the bundle
rm -rf "$T/b2"; cp -a "$B" "$T/b2"
before=$(cd "$T/b2" && find . -print0 | sort -z | xargs -0 ls -ld --time-style=+ | sha256sum)
run_rc 2 "pack refuses a tar inside the bundle" spoor-report pack "$T/b2" \
	-o "$T/b2/data/b.tar"
ln -s "$T/b2/data" "$T/b2link"
run_rc 2 "... and through a symlink into it" spoor-report pack "$T/b2" \
	-o "$T/b2link/b.tar"
is "$(cd "$T/b2" && find . -print0 | sort -z | xargs -0 ls -ld --time-style=+ | sha256sum)" \
	"$before" "... the bundle is left as it was"

# ---- VALID tars ----
verify_tar 0 VALID "spoor-report pack output" "$T/p.tar"
tar --format=pax -C "$B" -cf "$T/dot.tar" .
verify_tar 0 VALID "tar --format=pax -C B . ('./' names)" "$T/dot.tar"
tar -C "$T" -cf "$T/top.tar" bundle
verify_tar 0 VALID "tar -C parent bundledir (top-level directory)" \
	"$T/top.tar"
tar --format=ustar -C "$B" -cf "$T/ustar.tar" .
verify_tar 0 VALID "tar --format=ustar" "$T/ustar.tar"
tar --format=gnu -C "$T" -cf "$T/gnu.tar" bundle
verify_tar 0 VALID "tar --format=gnu, top-level directory" "$T/gnu.tar"

# --extract from a tar: the copies match the MANIFEST (sha256sum)
run_rc 0 "--extract from the tar" spoor-verify "$T/top.tar" "${ARGS[@]}" \
	--extract "$T/x"
(cd "$T/x" && sha256sum -c --quiet "$T/want.sha" >/dev/null 2>&1)
ok $? "extracted files match the MANIFEST (sha256sum -c)"
is "$(cd "$T/x" && find . -type f | wc -l)" "$(wc -l < "$T/want.sha")" \
	"exactly the listed files extracted"

# ---- --disclosure against a tar (data/findings.json read from it) ----
PS=RPT-K7QX2MZP4VNB6WJD3HTF5RYC
IDN='tel:+31612345678'
RR=$(printf 'randomness' | sha256sum | cut -c1-64)
CM=$(printf 'commit-v1\0%s\0%s\0%s' "$PS" "$IDN" "$RR" | sha256sum | cut -c1-64)
cp -a "$T/fx/v1" "$T/bd"
printf '{"case":"%s","pseudonyms":[{"role":"reporter","pseudonym":"%s","commitment":"%s"}]}\n' \
	"$CASE_ID" "$PS" "$CM" > "$T/bd/data/findings.json"
bash "$MK" manifest "$T/bd" "$T/fx/v1.hdr"
bash "$MK" sign "$P" "$T/bd" examiner
tar -C "$T" -cf "$T/bd.tar" bd
disclose() { # ID-NORM
	printf 'FORENSIC-DISCLOSURE 1\nbundle-id: %s\ncase-id: %s\npseudonym: %s\nid-norm: %s\nr: %s\ncommitment: %s\nconsent-ref: SVK-C-17\nconsent-date: 2025-07-01\ncreated: 2025-07-02T09:00:00Z\n' \
		"$BUNDLE_ID" "$CASE_ID" "$PS" "$1" "$RR" "$CM" > "$T/disc.txt"
	openssl cms -sign -binary -nosmimecap -cades -md sha256 \
		-in "$T/disc.txt" -signer "$P/examiner.crt" \
		-inkey "$P/examiner.key" -certfile "$P/ica.crt" -outform DER \
		-out "$T/disc.txt.p7s"
}
disclose "$IDN"
run_rc 0 "tar: a genuine disclosure" spoor-verify "$T/bd.tar" "${ARGS[@]}" \
	--disclosure "$T/disc.txt"
is "$(sed -n 's/^disclosed-id: //p' "$T/out")" "$IDN" \
	"tar: disclosed identifier shown"
disclose "tel:+31687654321"
run_rc 1 "tar: a forged disclosure" spoor-verify "$T/bd.tar" "${ARGS[@]}" \
	--disclosure "$T/disc.txt"
grep -q '^error: disclosure: commitment does not recompute' "$T/out"
ok $? "tar: forged disclosure: reason 'disclosure'"

# ---- a bundle made by spoor-report itself (tests/cli/report-fixture.sh) ----
if command -v sqlite3 >/dev/null && command -v perl >/dev/null; then
	. "$(dirname "$0")/report-fixture.sh"
	mk_pki "$T/rpki"
	mk_case "$T/case" >/dev/null 2>&1
	run_rc 0 "spoor-report: build a bundle" spoor-report -C "$T/case" \
		-o "$T/rb" --key "$T/rpki/examiner.key" \
		--cert "$T/rpki/examiner.crt" --chain "$T/rpki/chain.pem" \
		--recipient NL-POL
	run_rc 0 "spoor-report pack of a spoor-report bundle" spoor-report \
		pack "$T/rb" -o "$T/rb.tar"
	mkdir "$T/rbx" && tar -xf "$T/rb.tar" -C "$T/rbx"
	diff -r "$T/rb" "$T/rbx" > "$T/diff" 2>&1
	ok $? "GNU tar -xf of the pack output equals the bundle (diff -r)"
	before=$(sha256 "$T/rb.tar")
	run_rc 0 "spoor-report bundle as a tar: verifies" spoor-verify \
		"$T/rb.tar" --trust "$T/rpki/root.crt" --recipient NL-POL \
		--org "Test NGO"
	is "$(head -n1 "$T/out")" VALID-WITH-WARNINGS \
		"spoor-report tar: VALID-WITH-WARNINGS (no timestamp)"
	cp "$T/out" "$T/out.tar"
	spoor-verify "$T/rb" --trust "$T/rpki/root.crt" --recipient NL-POL \
		--org "Test NGO" > "$T/out.dir"
	diff_ok "$T/out.tar" "$T/out.dir" \
		"spoor-report tar: same verdict, reasons and facts as the directory"
	is "$(sha256 "$T/rb.tar")" "$before" "spoor-report tar: not modified"
else
	for i in 1 2 3 4 5 6 7 8 9; do skip "no sqlite3 or perl"; done
fi

# ---- hostile tars ----
cat > "$T/mk.py" <<'EOF'
# mk.py MODE IN OUT [ARG [ARG2]]: rewrite the tar IN into OUT
import io, sys, tarfile
mode, src, dst = sys.argv[1:4]
arg = sys.argv[4] if len(sys.argv) > 4 else ""
arg2 = sys.argv[5] if len(sys.argv) > 5 else ""
tin = tarfile.open(src)
out = tarfile.open(dst, "w", format=tarfile.PAX_FORMAT)
def new(name, data=b"", kind=tarfile.REGTYPE, link=""):
    ti = tarfile.TarInfo(name)
    ti.type = kind
    ti.size = len(data) if kind == tarfile.REGTYPE else 0
    ti.linkname = link
    ti.mode = 0o644
    out.addfile(ti, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
for m in tin.getmembers():
    data = tin.extractfile(m).read() if m.isfile() else None
    if mode == "drop" and m.name == arg:
        continue
    if mode == "rename" and m.name == arg:
        m.name = arg2
    out.addfile(m, io.BytesIO(data) if data is not None else None)
    if mode == "dup" and m.name == arg:
        d = bytearray(data)
        d[0] ^= 1
        out.addfile(m, io.BytesIO(bytes(d)))
extra = {
    "extra": ("report/verified.html", b"<p>VERIFIED</p>\n", tarfile.REGTYPE, ""),
    "symlink": ("data/link", b"", tarfile.SYMTYPE, "../readme.txt"),
    "hardlink": ("data/hard", b"", tarfile.LNKTYPE, "readme.txt"),
    "chardev": ("data/null", b"", tarfile.CHRTYPE, ""),
    "blockdev": ("data/sda", b"", tarfile.BLKTYPE, ""),
    "fifo": ("data/fifo", b"", tarfile.FIFOTYPE, ""),
    "abs": ("/tmp/evil.txt", b"x\n", tarfile.REGTYPE, ""),
    "dotdot": ("../evil.txt", b"x\n", tarfile.REGTYPE, ""),
    "dotdot2": ("data/../../evil.txt", b"x\n", tarfile.REGTYPE, ""),
    "emptyseg": ("data//evil.txt", b"x\n", tarfile.REGTYPE, ""),
}
if mode in extra:
    new(*extra[mode])
out.close()
EOF
# offset of a member's data, and the end of the last member (python)
offsets() {
	python3 - "$1" "$2" <<'EOF'
import sys, tarfile
t = tarfile.open(sys.argv[1])
ms = t.getmembers()
m = [x for x in ms if x.name == sys.argv[2]][0]
last = ms[-1]
print(m.offset, m.offset_data, last.offset_data + (last.size + 511) // 512 * 512)
EOF
}

cp "$T/p.tar" "$T/h.tar"
read -r hoff doff end < <(offsets "$T/h.tar" data/blob.bin)
printf 'X' | dd of="$T/h.tar" bs=1 seek=$((doff + 100)) conv=notrunc 2>/dev/null
cmp -s "$T/h.tar" "$T/p.tar"; [ $? = 1 ]
ok $? "flip: the tar differs"
invalid "a flipped byte inside a member's data" "$T/h.tar" hash

cp "$T/p.tar" "$T/h.tar"
read -r moff mdoff _ < <(offsets "$T/h.tar" MANIFEST)
printf '\x01' | dd of="$T/h.tar" bs=1 seek=$((mdoff + 40)) conv=notrunc 2>/dev/null
invalid "a flipped byte inside MANIFEST" "$T/h.tar" signature

python3 "$T/mk.py" extra "$T/p.tar" "$T/h.tar"
invalid "an extra member" "$T/h.tar" extra
python3 "$T/mk.py" drop "$T/p.tar" "$T/h.tar" data/findings.json
invalid "a missing member" "$T/h.tar" missing
python3 "$T/mk.py" rename "$T/p.tar" "$T/h.tar" data/findings.json \
	data/findings2.json
invalid "a renamed member" "$T/h.tar" missing
grep -q "^error: extra: 'data/findings2.json'" "$T/out"
ok $? "a renamed member: also reported as extra"
python3 "$T/mk.py" dup "$T/p.tar" "$T/h.tar" data/blob.bin
invalid "a duplicate member (second copy differs)" "$T/h.tar" duplicate
python3 "$T/mk.py" dup "$T/p.tar" "$T/h.tar" MANIFEST
invalid "a duplicate MANIFEST" "$T/h.tar" duplicate
for kind in symlink hardlink chardev blockdev fifo; do
	python3 "$T/mk.py" "$kind" "$T/p.tar" "$T/h.tar"
	invalid "a $kind member" "$T/h.tar" special
done
for kind in abs dotdot dotdot2 emptyseg; do
	python3 "$T/mk.py" "$kind" "$T/p.tar" "$T/h.tar"
	invalid "member path: $kind" "$T/h.tar" path
done

# GNU sparse members, by GNU tar itself (old GNU and pax forms)
rm -rf "$T/b2"; cp -a "$B" "$T/b2"
truncate -s 1M "$T/b2/data/sparse.bin"
printf 'x' | dd of="$T/b2/data/sparse.bin" bs=1 seek=700000 conv=notrunc 2>/dev/null
tar -S --format=gnu -C "$T/b2" -cf "$T/h.tar" .
invalid "a GNU sparse member (--format=gnu)" "$T/h.tar" special
tar -S --format=pax -C "$T/b2" -cf "$T/h.tar" .
invalid "a GNU sparse member (--format=pax)" "$T/h.tar" special

# a sweep of single byte flips over the whole packed tar (headers, data,
# padding, end blocks): 80 sampled positions, plus every byte of every
# header's checksum field (libarchive reads it as octal up to the first
# non-digit; spoor-verify wants one of the forms tar writers make)
python3 - "$T/p.tar" 80 > "$T/offs" <<'EOF'
import os, sys, tarfile
path, n = sys.argv[1], int(sys.argv[2])
sums = set()
for m in tarfile.open(path).getmembers():
    sums.update(range(m.offset + 148, m.offset + 156))
offs = [o for o in range(os.path.getsize(path)) if o not in sums]
picked = [offs[(i * len(offs)) // n + i % 7] for i in range(n)]
print("\n".join(str(o) for o in picked + sorted(sums)))
EOF
nsum=$(($(wc -l < "$T/offs") - 80))
bad=0
while read -r off; do
	cp "$T/p.tar" "$T/h.tar"
	perl -e 'open my $h, "+<", $ARGV[0] or die; seek $h, $ARGV[1], 0;
		read $h, my $c, 1; seek $h, $ARGV[1], 0;
		print $h chr(ord($c) ^ 0x10)' "$T/h.tar" "$off"
	spoor-verify "$T/h.tar" "${ARGS[@]}" -q > "$T/out"
	rc=$?
	[ "$rc" = 1 ] && [ "$(cat "$T/out")" = INVALID ] || {
		bad=$((bad + 1)); diag "not INVALID: byte $off"; }
done < "$T/offs"
ok "$([ "$nsum" -ge 16 ]; echo $?)" "80 flip positions and $nsum checksum-field bytes"
is "$bad" 0 "byte flips across the tar and in every checksum field: all INVALID"

gzip -c "$T/p.tar" > "$T/h.tar.gz"
invalid "a gzip'd tar" "$T/h.tar.gz" input
grep -q gzip "$T/out"
ok $? "a gzip'd tar: says gzip"
if command -v xz >/dev/null; then
	xz -c "$T/p.tar" > "$T/h.tar.xz"
	invalid "an xz'd tar" "$T/h.tar.xz" input
else
	skip "no xz"; skip "no xz"; skip "no xz"; skip "no xz"
fi
(cd "$B" && python3 -c 'import os, sys, zipfile
z = zipfile.ZipFile(sys.argv[1], "w")
for d, _, fs in sorted(os.walk(".")):
    for f in sorted(fs):
        z.write(os.path.join(d, f))
z.close()' "$T/h.zip")
invalid "a zip of the bundle" "$T/h.zip" input
for cut in 100 $((hoff + 200)) $((doff + 10)) "$end" $((end + 512)); do
	head -c "$cut" "$T/p.tar" > "$T/h.tar"
	invalid "truncated at byte $cut" "$T/h.tar" input
done
{ cat "$T/p.tar"; echo junk; } > "$T/h.tar"
invalid "bytes after the end of the archive" "$T/h.tar" input
head -c 20000 /dev/urandom > "$T/h.tar"
invalid "random bytes" "$T/h.tar" input
: > "$T/h.tar"
invalid "an empty file" "$T/h.tar" input
mkdir "$T/void"
tar -C "$T/void" -cf "$T/h.tar" .
invalid "a tar of an empty directory" "$T/h.tar" input
run_rc 1 "--extract refused for an INVALID tar" spoor-verify "$T/h.tar" \
	"${ARGS[@]}" --extract "$T/x2"
[ ! -e "$T/x2" ]
ok $? "nothing extracted from an INVALID tar"

done_testing
