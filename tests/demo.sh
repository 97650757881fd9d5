#!/bin/bash
# tests/demo.sh OUTDIR: the demo (`make demo`): spoor-files on a built-in
# sample disk image, with what each step does.  The sample images are made
# by testdata/mkimages.sh (run by make before this script).
set -euo pipefail

out=${1:-demo-out}
: "${SPOOR_BUILD:?run through make demo}"
: "${SPOOR_TESTDATA:=$SPOOR_BUILD/testdata}"
PATH=$SPOOR_BUILD/bin:$PATH
mkdir -p "$out"

step() { printf '\n== %s\n' "$*"; }

img=$SPOOR_TESTDATA/disk-gpt.img
step "The evidence: $img (a GPT disk with a FAT and an ext4 partition)"
mmls "$img" 2>/dev/null || true
sha256sum "$img" | tee "$out/evidence.sha256"

step "spoor-files: walk every file, hash it (MD5, SHA-1, SHA-256 in one read), classify it"
echo "\$ spoor-files --exhibit=demo-disk -o $out/files.jsonl $img"
rc=0
spoor-files --exhibit=demo-disk -o "$out/files.jsonl" "$img" || rc=$?
echo "(exit status $rc)"

step "Two records from $out/files.jsonl"
grep '"type":"file"' "$out/files.jsonl" | head -2

step "Files whose extension does not fit their content"
grep '"ext_mismatch":true' "$out/files.jsonl" |
	sed 's/.*"path":"\([^"]*\)".*"mime":"\([^"]*\)".*/  \1  (\2)/' || echo "  none"

step "Deleted files"
grep '"allocated":false' "$out/files.jsonl" |
	sed 's/.*"path":"\([^"]*\)".*/  \1/' | head -10 || echo "  none"

step "The same walk as DFXML and as a timeline (TSK bodyfile)"
spoor-files -q --format=dfxml -o "$out/files.xml" "$img" || true
spoor-files -q --format=bodyfile -o "$out/body.txt" "$img" || true
echo "  $out/files.xml, $out/body.txt (mactime -b $out/body.txt -d -z UTC)"

step "The evidence did not change"
sha256sum -c "$out/evidence.sha256"

step "Done. Look further:"
echo "  man ./docs/spoor-files.1"
echo "  spoor-files --format=csv $img | less -S"
exit 0
