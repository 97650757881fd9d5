#!/bin/bash
# t-verify-tar: spoor-verify reads a bundle tar without extracting it, and
# accepts exactly the deterministic tar `spoor-report pack` makes: ustar
# headers of regular files and directories with the fields pack sets,
# zero padding, nothing else.  Bundles come from testdata/mkbundle.sh
# (openssl CLI + sha256sum); tars from `spoor-report pack`, from GNU tar,
# from python3's tarfile, and hostile ones rebuilt by a small ustar writer
# of this test's own (ustar.py below, checked against pack's output
# first); oracles: tar -tvf, python3 tarfile, sha256sum, cmp.
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

# ---- the one VALID form, and what other tar writers make ----
verify_tar 0 VALID "spoor-report pack output" "$T/p.tar"
# GNU tar writes other headers (pax 'x' records, GNU format, a "./"
# root, owner names, its own number format): not what pack writes
tar --format=pax -C "$B" -cf "$T/h.tar" .
invalid "tar --format=pax -C B . (pax records)" "$T/h.tar" tar
tar -C "$T" -cf "$T/h.tar" bundle
invalid "tar -C parent bundledir (GNU format)" "$T/h.tar" tar
tar --format=ustar -C "$B" -cf "$T/h.tar" .
invalid "tar --format=ustar -C B . ('./' root)" "$T/h.tar" path
(cd "$B" && tar --format=ustar --owner=root --group=root \
	-cf "$T/h.tar" MANIFEST MANIFEST.p7s)
invalid "tar --format=ustar, owner names" "$T/h.tar" tar
grep -q "^error: tar: 'MANIFEST': the header at offset 0 differs from the one spoor-report pack writes in its [a-z]* field" "$T/out"
ok $? "... the reason names the member, the offset and the field"

# --extract from a tar: the copies match the MANIFEST (sha256sum)
run_rc 0 "--extract from the tar" spoor-verify "$T/p.tar" "${ARGS[@]}" \
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
spoor-report pack "$T/bd" -o "$T/bd.tar" || echo "# pack failed"
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
# ustar.py: this test's own writer of the form pack writes (POSIX ustar,
# octal numbers as "%06o \0" and "%011o ", checksum "%06o\0 ", 0644/0755,
# 0/0 without names, a path over 100 bytes split into prefix/name), used
# to rebuild p.tar with one change at a time: every variant is written
# into one directory by one run.
cat > "$T/ustar.py" <<'EOF'
# ustar.py IN OUTDIR: rebuild the pack tar IN, and changed copies of it
import os, sys, tarfile

def octal(v, digits, term):
    return b"%0*o" % (digits, v) + term

def header(name, typ=b"0", size=0, mtime=0, link=b"", magic=b"ustar\x0000",
           fix=None):
    h = bytearray(512)
    nm = name + (b"/" if typ == b"5" else b"")
    if len(nm) > 100:
        i = nm.index(b"/", len(nm) - 101)
        h[345:345 + i] = nm[:i]
        nm = nm[i + 1:]
    h[0:len(nm)] = nm
    h[100:108] = octal(0o755 if typ == b"5" else 0o644, 6, b" \0")
    h[108:116] = h[116:124] = octal(0, 6, b" \0")
    h[124:136] = octal(size, 11, b" ")
    h[136:148] = octal(mtime, 11, b" ")
    h[156:157] = typ
    h[157:157 + len(link)] = link
    h[257:265] = magic
    h[329:337] = h[337:345] = octal(0, 6, b" \0")
    if fix:
        fix(h)
    h[148:156] = b" " * 8
    h[148:156] = octal(sum(h), 6, b"\0 ")
    return bytes(h)

def member(name, data=b"", typ=b"0", mtime=0, fix=None, **kw):
    pad = b"\0" * (-len(data) % 512)
    return header(name, typ, len(data), mtime, fix=fix, **kw) + data + pad

def pax(records, typ):
    return tarfile.TarInfo._create_pax_generic_header(records, typ, "utf-8")

def rebuild(ms, fixfor=None, fix=None):
    return [member(n, d, b"5" if dr else b"0", mt,
                   fix if n.decode() == fixfor else None)
            for n, dr, d, mt in ms]

src, dst = sys.argv[1:3]
tin = tarfile.open(src)
MS = [(m.name.encode(), m.isdir(), tin.extractfile(m).read() if m.isfile()
       else b"", m.mtime) for m in tin.getmembers()]
mtime = MS[0][3]
blob = bytes(range(256)) * 80                    # 20 kB, every byte value
os.makedirs(dst)

def write(name, parts):
    path = os.path.join(dst, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(b"".join(parts) + b"\0" * 1024)

def variant(mode, *args):
    ms = list(MS)
    out = []
    if mode == "paxg":      # a pax global header with a 20 kB comment
        out.append(tarfile.TarInfo.create_pax_global_header(
            {"comment": "A" * 20000}))
    if mode == "gnuV":      # an empty GNU volume header
        v = tarfile.TarInfo("volume-label")
        v.type = b"V"
        v.mtime = mtime
        out.append(v.tobuf(tarfile.GNU_FORMAT))
    if mode == "order":
        ms[3], ms[4] = ms[4], ms[3]
    for name, isdir, data, mt in ms:
        n = name.decode()
        if mode in ("drop", "nodir") and n == args[0]:
            continue
        if mode == "rename" and n == args[0]:
            name = args[1].encode()
        if mode == "mtime" and (n == args[0] or args[0] == "all"):
            mt = mt + 1
        if n == "data/findings.json":
            if mode == "paxx":      # a pax 'x' comment on it
                out.append(pax({"comment": "B" * 20000}, tarfile.XHDTYPE))
            if mode == "xattr":     # a 20 kB binary user.x xattr on it
                out.append(pax({"SCHILY.xattr.user.x":
                                blob.decode("utf-8", "surrogateescape")},
                               tarfile.XHDTYPE))
            if mode == "gnuK":      # a GNU long-link record of 20 kB
                out.append(member(b"././@LongLink",
                                  blob[:20480].replace(b"\0", b"\1"),
                                  b"K", 0, magic=b"ustar  \0"))
        out.append(member(name, data, b"5" if isdir else b"0", mt))
        if mode == "dup" and n == args[0]:
            d = bytearray(data)
            d[0] ^= 1
            out.append(member(name, bytes(d), mtime=mtime))
        if mode == "emptydir" and n == "report/report.html":
            out.append(member(b"report/zz", typ=b"5", mtime=mtime))
    return out

for mode, args in [("same", ()), ("paxg", ()), ("gnuV", ()), ("paxx", ()),
                   ("xattr", ()), ("gnuK", ()), ("order", ()),
                   ("drop", ("data/findings.json",)),
                   ("rename", ("data/findings.json", "data/findings2.json")),
                   ("dupblob", ("data/blob.bin",)), ("dupman", ("MANIFEST",)),
                   ("emptydir", ()), ("nodir", ("custody",)),
                   ("mtime", ("readme.txt",)), ("mtimeall", ("all",))]:
    write(mode + ".tar", variant(mode.replace("blob", "").replace("man", "")
                                 .replace("all", ""), *args))

extra = {
    "extra": (b"report/verified.html", b"<p>VERIFIED</p>\n", b"0", b""),
    "symlink": (b"zz-link", b"", b"2", b"readme.txt"),
    "hardlink": (b"zz-hard", b"", b"1", b"readme.txt"),
    "chardev": (b"zz-null", b"", b"3", b""),
    "blockdev": (b"zz-sda", b"", b"4", b""),
    "fifo": (b"zz-fifo", b"", b"6", b""),
    "abs": (b"/tmp/evil.txt", b"x\n", b"0", b""),
    "dotdot": (b"../evil.txt", b"x\n", b"0", b""),
    "dotdot2": (b"report/../../evil.txt", b"x\n", b"0", b""),
    "emptyseg": (b"report//evil.txt", b"x\n", b"0", b""),
}
for mode, (name, data, typ, link) in extra.items():   # sorted in
    write(mode + ".tar", rebuild([m for m in MS if m[0] < name]) +
          [member(name, data, typ, mtime, link=link)] +
          rebuild([m for m in MS if m[0] > name]))

# a type flag other than '0' and '5' on a file and on a directory
for ty in "1 2 3 4 6 7 x g X K L V M N D A E I S NUL Z".split():
    for m in ("data/findings.json", "certs/crl"):
        def settype(h, ty=ty):
            h[156:157] = b"\0" if ty == "NUL" else ty.encode()
        write("types/%s-%s.tar" % (ty, m.replace("/", "_")),
              rebuild(MS, m, settype))

# every byte of a file's header changed two ways, and of a directory's
# the bytes of its fields (the rest, zero fill, is as in the file's);
# the checksum made right again except where the change is in the
# checksum field itself
for m, rng in (("MANIFEST", range(512)),
               ("certs", list(range(157)) + list(range(257, 345)))):
    off = 0
    for n, dr, d, mt in MS:
        if n.decode() == m:
            break
        off += 512 + len(d) + (-len(d) % 512)
    for i in rng:
        for x in (0x01, 0x20):
            def flip(h, i=i, x=x):
                h[i] ^= x
            inchk = 148 <= i < 156
            body = bytearray(b"".join(rebuild(MS, None if inchk else m,
                                              flip)))
            if inchk:
                body[off + i] ^= x
            write("bytes-%s/%03d-%02x.tar" % (m, i, x), [bytes(body)])
EOF
python3 "$T/ustar.py" "$T/p.tar" "$T/v"
cmp -s "$T/p.tar" "$T/v/same.tar"
ok $? "ustar.py rebuilds pack's output byte for byte (the oracle of the form)"

# the five tars of issue 15 that verified VALID: extra unsigned bytes
# riding in extension headers.  python3's tarfile reads each payload
# back, so each tar really carries it; spoor-verify must refuse each by
# name.
is "$(python3 - "$T/v" <<'EOF'
import sys, tarfile
def m(mode):
    t = tarfile.open(sys.argv[1] + "/" + mode + ".tar")
    return t, t.getmember("data/findings.json")
t, f = m("gnuK"); print(len(f.linkname))
t, f = m("paxg"); print(len(t.pax_headers["comment"]))
t, f = m("paxx"); print(len(f.pax_headers["comment"]))
t, f = m("xattr"); print(len(f.pax_headers["SCHILY.xattr.user.x"]))
t, f = m("gnuV"); print(sum(x.type == b"V" for x in t.getmembers()))
EOF
)" "20480
20000
20000
20480
1" "python tarfile reads each payload back (K 20480, g 20000, x 20000, xattr 20480, V)"
attack() { # MODE DESC WANT-IN-REASON
	invalid "$2" "$T/v/$1.tar" tar
	grep -q "^error: tar: .*$3" "$T/out"
	ok $? "$2: the reason names it"
	grep -q "^error: tar: .*$3" "$T/out" || sed 's/^/#   /' "$T/out" | head -3
}
attack gnuK "a GNU 'K' long-link record of 20 kB" \
	"GNU long link name record ('K')"
attack paxg "a pax 'g' global header with a 20 kB comment" \
	"pax global header ('g')"
attack paxx "a pax 'x' header with a 20 kB comment on data/findings.json" \
	"pax extended header ('x')"
attack xattr "a pax SCHILY.xattr.user.x record of 20 kB binary" \
	"pax extended header ('x')"
attack gnuV "an empty GNU 'V' volume header" "GNU volume header ('V')"
tar -tvf "$T/v/gnuV.tar" 2>/dev/null | grep -q 'Volume Header'
ok $? "gnuV: GNU tar lists the volume header too"

# every member type flag other than '0' and '5', on a file and on a
# directory header (checksum made right: the type itself is refused)
bad=0 n=0
for f in "$T/v/types"/*.tar; do
	n=$((n + 1))
	m=${f##*-}; m=${m%.tar}; m=${m//_//}
	spoor-verify "$f" "${ARGS[@]}" > "$T/out"
	rc=$?
	[ "$rc" = 1 ] && [ "$(head -n1 "$T/out")" = INVALID ] &&
		grep -q "^error: \(tar\|special\): '$m/*' at offset" \
			"$T/out" || { bad=$((bad + 1))
		diag "${f##*/}: rc $rc $(sed -n 2p "$T/out")"; }
done
is "$n $bad" "42 0" "21 header types on a file and a directory: all INVALID, named"

# every byte of a file's header and every field byte of a directory's,
# changed two ways (xor 0x01: another digit, type or a non-zero fill
# byte; xor 0x20: NUL <-> space terminators, digits made non-digits)
for m in MANIFEST:1024 certs:490; do
	want=${m#*:} m=${m%:*}
	bad=0 n=0
	for f in "$T/v/bytes-$m"/*.tar; do
		n=$((n + 1))
		spoor-verify "$f" "${ARGS[@]}" -q > "$T/out"
		rc=$?
		[ "$rc" = 1 ] && [ "$(cat "$T/out")" = INVALID ] || {
			bad=$((bad + 1)); diag "not INVALID: $m byte ${f##*/}"; }
	done
	is "$n $bad" "$want 0" "$m's header: $want changed headers, all INVALID"
done

invalid "an extra member" "$T/v/extra.tar" extra
invalid "a missing member" "$T/v/drop.tar" missing
invalid "a renamed member" "$T/v/rename.tar" missing
grep -q "^error: extra: 'data/findings2.json'" "$T/out"
ok $? "a renamed member: also reported as extra"
invalid "a duplicate member (second copy differs)" "$T/v/dupblob.tar" \
	duplicate
invalid "a duplicate MANIFEST" "$T/v/dupman.tar" duplicate
invalid "two members swapped (pack sorts them)" "$T/v/order.tar" tar
invalid "an empty directory member" "$T/v/emptydir.tar" tar
invalid "a file without its directory member" "$T/v/nodir.tar" tar
invalid "one member with another mtime" "$T/v/mtime.tar" tar
invalid "every mtime not the signed created time" "$T/v/mtimeall.tar" tar
for kind in symlink hardlink chardev blockdev fifo; do
	invalid "a $kind member" "$T/v/$kind.tar" special
done
for kind in abs dotdot dotdot2 emptyseg; do
	invalid "member path: $kind" "$T/v/$kind.tar" path
done

# GNU sparse members, by GNU tar itself (old GNU and pax forms)
rm -rf "$T/b2"; cp -a "$B" "$T/b2"
truncate -s 1M "$T/b2/data/sparse.bin"
printf 'x' | dd of="$T/b2/data/sparse.bin" bs=1 seek=700000 conv=notrunc 2>/dev/null
tar -S --format=gnu -C "$T/b2" -cf "$T/h.tar" .
invalid "a GNU sparse member (--format=gnu)" "$T/h.tar" tar
tar -S --format=pax -C "$T/b2" -cf "$T/h.tar" .
invalid "a GNU sparse member (--format=pax)" "$T/h.tar" tar

# a path over 100 bytes: pack splits it into ustar prefix and name, GNU
# tar and python read it back whole, spoor-verify accepts and extracts it
LP=data/$(printf 'a%.0s' $(seq 60))/$(printf 'b%.0s' $(seq 60))/long.txt
rm -rf "$T/b3"; cp -a "$T/fx/v1" "$T/b3"
mkdir -p "$T/b3/${LP%/*}" && echo long > "$T/b3/$LP"
bash "$MK" manifest "$T/b3" "$T/fx/v1.hdr"
bash "$MK" sign "$P" "$T/b3" examiner
run_rc 0 "pack: a ${#LP}-byte path" spoor-report pack "$T/b3" -o "$T/l.tar"
tar -tf "$T/l.tar" | grep -qx "$LP"
ok $? "GNU tar reads the ${#LP}-byte path back (prefix + name)"
python3 -c 'import sys, tarfile; sys.exit(0 if sys.argv[2] in tarfile.open(sys.argv[1]).getnames() else 1)' "$T/l.tar" "$LP"
ok $? "python tarfile reads it back"
verify_tar 0 VALID-WITH-WARNINGS "a ${#LP}-byte path" "$T/l.tar"
run_rc 0 "--extract with the long path" spoor-verify "$T/l.tar" \
	--trust "$P/root.crt" --extract "$T/lx"
cmp -s "$T/lx/$LP" "$T/b3/$LP"
ok $? "the long-path member extracted (cmp)"

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
cp "$T/p.tar" "$T/h.tar"
printf '\x01' | dd of="$T/h.tar" bs=1 seek=$((doff + 3050)) conv=notrunc 2>/dev/null
invalid "a non-zero byte in the padding after a member" "$T/h.tar" input
grep -q "bytes outside any member at offset $((doff + 3050))" "$T/out"
ok $? "... the reason gives its offset"

# a sweep of single byte flips over the whole packed tar (headers, data,
# padding, end blocks): 80 sampled positions, plus every byte of every
# header's checksum field (spoor-verify wants the form pack writes)
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
invalid "a tar of an empty directory (GNU tar)" "$T/h.tar" tar
head -c 1024 /dev/zero > "$T/h.tar"
invalid "a tar of no member (two zero blocks)" "$T/h.tar" input
run_rc 1 "--extract refused for an INVALID tar" spoor-verify "$T/h.tar" \
	"${ARGS[@]}" --extract "$T/x2"
[ ! -e "$T/x2" ]
ok $? "nothing extracted from an INVALID tar"

done_testing
