#!/bin/bash
# t-files-pdq: PDQ perceptual hashes end to end.
# - spoor-files on the reference pictures (../shared/samples/pdq, copied;
#   skipped when absent): pdq within 10 bits of the published hashes,
#   checked in python3; a PDQ set built from the published hashes gives
#   one near-match ALERT per bridge picture and exit 1, none for the
#   unrelated pictures; the evidence is unchanged.
# - hostile pictures (truncated, huge declared size, wrong magic, CMYK,
#   16-bit, animated): a pdq_error or a hash, never a crash; exit 5.
# - spoor-hashdb: VICS with PDQ and PhotoDNA, lookup --pdq exports the
#   PhotoDNA value with the match.
# - spoor-case similar against a grouping computed in python3 from the
#   recorded hashes.
. "$(dirname "$0")/lib.sh"
need python3 sha256sum sqlite3

F=$SPOOR_SRC/fuzz/corpus
S=
for d in "$SPOOR_SRC/../shared/samples/pdq" /work/shared/samples/pdq; do
	[ -r "$d/reference-pdq.csv" ] && { S=$d; break; }
done

# ---- the reference pictures ----
if [ -n "$S" ]; then
	ev=$T/ref
	mkdir -p "$ev"
	cp "$S"/*.jpg "$ev/"
	before=$(cd "$ev" && sha256sum * | sha256sum)
	run_rc 0 "spoor-files on the reference pictures" \
		spoor-files --no-progress -o "$T/ref.jsonl" "$ev"
	python3 - "$S/reference-pdq.csv" "$T/ref.jsonl" > "$T/got" <<'EOF'
import json, sys
ref = {}
for l in open(sys.argv[1]):
    h, f = l.strip().split(',')
    ref[f] = int(h, 16)
for l in open(sys.argv[2]):
    r = json.loads(l)
    if not r['path'].endswith('.jpg'):
        continue
    h = int(r['pdq'], 16)
    if r['path'] in ref:
        d = bin(h ^ ref[r['path']]).count('1')
        print(r['path'], 'near' if d <= 10 else 'FAR %d' % d)
    else:
        d = min(bin(h ^ v).count('1') for v in ref.values())
        print(r['path'], 'unrelated' if d > 31 else 'CLOSE %d' % d)
EOF
	is "$(grep -c ' near$' "$T/got")" 8 "every bridge within 10 bits of its reference"
	is "$(grep -c ' unrelated$' "$T/got")" 7 "every unrelated picture > 31 from every bridge"
	spoor-hashdb build -q -o "$T/ref.sdb" --format=pdq --kind=known-bad \
		--category=test "$S/reference-pdq.csv"
	ok $? "a PDQ set from the published hashes (hash,file)"
	run_rc 1 "near matches exit 1" spoor-files --no-progress \
		--hashdb="$T/ref.sdb" -o "$T/hit.jsonl" "$ev"
	is "$(grep -c 'ALERT: near-match: .bridge-.* pdq distance [0-9]* to set ref category test$' "$T/err")" 8 \
		"one near-match ALERT per bridge picture"
	is "$(grep -c "ALERT: near-match: 'q" "$T/err")" 0 "no ALERT for the unrelated pictures"
	is "$(python3 -c '
import json, sys
n = 0
for l in open(sys.argv[1]):
    r = json.loads(l)
    for h in r.get("hashsets") or []:
        if h.get("match") == "pdq" and h["distance"] <= 31:
            n += 1
print(n)' "$T/hit.jsonl")" 8 "hashsets carry the matches with their distance"
	run_rc 0 "--no-alert-exit" spoor-files --no-progress --no-alert-exit \
		--hashdb="$T/ref.sdb" -o /dev/null "$ev"
	is "$(cd "$ev" && sha256sum * | sha256sum)" "$before" "evidence unchanged"
else
	for i in 1 2 3 4 5 6 7 8 9 10 11; do skip "no ../shared/samples/pdq"; done
fi

# ---- hostile pictures ----
h=$T/hostile
mkdir -p "$h"
cp "$F/pdq-jpeg/a.jpg" "$h/good.jpg"
head -c 150 "$F/pdq-jpeg/a.jpg" > "$h/truncated.jpg"
head -c 120 "$F/pdq-png/a.png" > "$h/truncated.png"
cp "$F/pdq-jpeg/cmyk.jpg" "$h/cmyk.jpg"
cp "$F/pdq-png/deep16.png" "$h/deep16.png"
cp "$F/pdq-gif/anim.gif" "$h/anim.gif"
cp "$F/pdq-webp/anim.webp" "$h/anim.webp"
cp "$F/pdq-tiff/cmyk.tif" "$h/cmyk.tif"
cp "$F/pdq-heif/a.heic" "$h/a.heic"
cp "$F/pdq-bmp/pal.bmp" "$h/pal.bmp"
# JPEG magic and a frame header of 60000 x 60000 pixels
printf '\377\330\377\300\000\013\010\352\140\352\140\001\001\021\000\377\332\000\010\001\001\000\000\077\000\377\331' > "$h/huge.jpg"
# a GIF screen and frame of 65535 x 65535
printf 'GIF89a\377\377\377\377\000\000\000\054\000\000\000\000\377\377\377\377\000\002\000\073' > "$h/huge.gif"
# wrong magic: JPEG's first bytes, then text
printf '\377\330\377\340 not a picture at all' > "$h/wrong.jpg"
run_rc 5 "hostile pictures: a flag, not a crash" \
	spoor-files --no-progress -o "$T/h.jsonl" "$h"
python3 - "$T/h.jsonl" > "$T/got" <<'EOF'
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if 'pdq' in r:
        print(r['path'], 'hash' if r['pdq'] else 'error', r.get('pdq_error', '') != '')
EOF
sort "$T/got" > "$T/got.s"
cat > "$T/want" <<'EOF'
a.heic hash False
anim.gif hash False
anim.webp hash False
cmyk.jpg error True
cmyk.tif error True
deep16.png hash False
good.jpg hash False
huge.gif error True
huge.jpg error True
pal.bmp hash False
truncated.jpg error True
truncated.png error True
wrong.jpg error True
EOF
diff_ok "$T/got.s" "$T/want" "each picture hashed or flagged with pdq_error"
grep -q 'PDQ: 6 pictures hashed, 5 not decoded, 2 of a type not decoded' "$T/err"
ok $? "the summary counts them (decoded, failed, unsupported)"
run_rc 0 "--no-pdq" spoor-files --no-progress --no-pdq -o "$T/nopdq.jsonl" "$h"
is "$(grep -c '"pdq' "$T/nopdq.jsonl")" 0 "--no-pdq: no pdq fields"

# ---- VICS with PDQ and PhotoDNA ----
pdq=f8f8f0cce0f4e84d0e370a22028f67f0b36e2ed596623e1d33e6339c4e9c9b22
cat > "$T/vics.json" <<EOF
{"odata.metadata": "x", "value": [
 {"MD5": "0123456789abcdef0123456789abcdef", "Category": 1,
  "PhotoDNA": "AAECAwQF", "PDQ": "$pdq", "PDQQuality": 90},
 {"SHA1": "0123456789abcdef0123456789abcdef01234567",
  "PhotoDNA": "BQQDAgEA"}
]}
EOF
run_rc 0 "VICS with PDQ and PhotoDNA" spoor-hashdb build -o "$T/vics.sdb" \
	--kind=known-bad "$T/vics.json"
grep -q "1 PhotoDNA values of media without a PDQ hash were not kept" "$T/err"
ok $? "a PhotoDNA value without a PDQ is counted, not silently dropped"
q=$(printf '%s' "$pdq" | sed 's/^f8/f9/')
printf '%s\n' "$q" > "$T/q"
run_rc 1 "lookup --pdq: a near match in a known-bad set" \
	spoor-hashdb lookup --pdq "$T/vics.sdb" < "$T/q"
is "$(cut -f 2,4,5,6,7,9 "$T/out")" "vics	1	1	$pdq	90	AAECAwQF" \
	"the match: set, category, distance, entry, quality, PhotoDNA"

# ---- spoor-case similar ----
C=$T/case
mkdir -p "$T/exA" "$T/exB"
cp "$F/pdq-jpeg/prog.jpg" "$F/pdq-png/inter.png" "$T/exA/"
cp "$F/pdq-jpeg/prog.jpg" "$T/exB/copy.jpg"
cp "$F/pdq-gif/inter.gif" "$T/exB/"
spoor-case init "$C" --case-id=T-1 --examiner=T -q &&
	spoor-case add "$C" "$T/exA" --exhibit=A -q >/dev/null &&
	spoor-case add "$C" "$T/exB" --exhibit=B -q >/dev/null &&
	spoor-files -q --no-progress -C "$C" "$T/exA" >/dev/null &&
	spoor-files -q --no-progress -C "$C" "$T/exB" >/dev/null
ok $? "two exhibits recorded"
run_rc 0 "spoor-case similar --format=jsonl" spoor-case similar "$C" \
	--format=jsonl --min-quality=0
python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    print(r["group"], r["exhibit"], r["path"], r["distance"])' "$T/out" \
	| sort > "$T/got"
# the oracle: every pair of recorded hashes from different runs, by
# Hamming distance, single linkage, groups spanning two exhibits
sqlite3 -separator '	' "$C/case.db" "SELECT exhibit, json_extract(json, '\$.path'), json_extract(json, '\$.pdq') FROM records WHERE rtype = 'file' AND json_extract(json, '\$.pdq') IS NOT NULL" > "$T/pics"
python3 - "$T/pics" > "$T/want" <<'EOF'
import sys
p = [l.rstrip('\n').split('\t') for l in open(sys.argv[1])]
n = len(p)
parent = list(range(n))
def find(i):
    while parent[i] != i:
        i = parent[i]
    return i
near = [None] * n
for i in range(n):
    for j in range(i + 1, n):
        d = bin(int(p[i][2], 16) ^ int(p[j][2], 16)).count('1')
        if d <= 31:
            parent[find(j)] = find(i)
            near[i] = d if near[i] is None else min(near[i], d)
            near[j] = d if near[j] is None else min(near[j], d)
groups = {}
for i in range(n):
    if near[i] is not None:
        groups.setdefault(find(i), []).append(i)
g = 0
for root in sorted(groups, key=lambda r: min(groups[r])):
    m = groups[root]
    if len(set(p[i][0] for i in m)) < 2:
        continue
    g += 1
    for i in m:
        print(g, p[i][0], p[i][1], near[i])
EOF
sort "$T/want" > "$T/want.s"
diff_ok "$T/got" "$T/want.s" "groups, exhibits, paths and distances as the oracle finds them"
is "$(grep -c "prog.jpg\|copy.jpg" "$T/got")" 2 "the copy across exhibits is found"

done_testing
