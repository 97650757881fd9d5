#!/bin/bash
# t-case-search: spoor-case search on a case built by the tools (the
# 'modern' fixtures, a chat export with terms, IBANs, Bitcoin addresses
# valid and not, and files).  Oracle: python3 reads case.db with its
# sqlite3 module and finds the hits itself: unicodedata (NFD, casefold,
# marks dropped) and its re module for terms on word boundaries, its own
# IBAN mod 97, base58check (hashlib SHA-256) and BIP 173/350 bech32, and
# for Ethereum (python3 has no Keccak-256) the checksummed forms that
# EIP-55 publishes as its test cases: an address written exactly so is
# valid, in one case otherwise has no checksum, in mixed case fails.
# search without --tag leaves case.db and custody.log as they were
# (sha256sum); --tag tags every record hit, with a custody event.
. "$(dirname "$0")/lib.sh"
need python3 sqlite3 sha256sum
: "${SPOOR_PLUGIN_PATH:=$SPOOR_BUILD/plugins}"
export SPOOR_PLUGIN_PATH
[ -f "$SPOOR_PLUGIN_PATH/whatsapp-android.so" ] &&
	[ -f "$SPOOR_PLUGIN_PATH/whatsapp-txt.so" ] ||
	skip_all "whatsapp plugins not built"
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"

bash "$SPOOR_SRC/testdata/mkartifacts.sh" "$T/fx" > /dev/null
ok $? "fixtures generated"
EV=$T/ev
mkdir -p "$EV/E02" "$EV/E03/Geheim"
cp -r "$T/fx/modern" "$EV/E01"
# valid: NL91ABNA0417164300 (grouped), 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa,
# the BIP 173 and BIP 350 examples; the others differ in their last
# character, so only their checksums fail.  Ethereum: test cases of
# EIP-55 as published (normal, all caps, all lower), one of them with
# one letter's case flipped, another in lower case, 41 hex digits (no
# address), and the Ethereum Foundation's address (published as
# 0xde0B295669a9FD93d5F28D9Ec85E40f4cb697BAe) in lower case and with
# its first letter upper case
cat > "$EV/E02/WhatsApp-chat met Mark.txt" <<'EOF'
14-03-2024 21:07 - Mark: Dit is GEHEIM, echt gehéim, niet supergeheim
14-03-2024 21:08 - Mark: Betaal naar NL91 ABNA 0417 1643 00 vandaag
14-03-2024 21:09 - Mark: of anders NL91ABNA0417164301 dan
14-03-2024 21:10 - Mark: btc 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa of 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb
14-03-2024 21:11 - Mark: bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 en bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5
14-03-2024 21:12 - Mark: taproot bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0
14-03-2024 21:14 - Mark: mail mark@example.com zie https://example.com/x. bel 06-12345678
14-03-2024 21:13 - Mark: eth 0xde0b295669a9fd93d5f28d9ec85e40f4cb697bae en 0xDe0B295669a9FD93d5F28D9Ec85E40f4cb697BAe
14-03-2024 21:15 - Mark: 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed, niet 0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed of 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed0; 0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359 0x52908400098527886E0F7030069857D2E4169EE7 0xde709f2102306220921060314715629080e2fb77 0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb
EOF
printf 'x\n' > "$EV/E03/Geheim/gehéim plan.txt"
printf 'y\n' > "$EV/E03/notities.txt"
C=$T/case
spoor-case init "$C" --case-id T-2 --examiner "Eva de Wit" 2>/dev/null &&
for e in E01 E02 E03; do
	spoor-case add "$C" "$EV/$e" --exhibit $e > /dev/null 2>&1 || exit 1
done &&
spoor-artifacts -C "$C" "$EV/E01" > /dev/null 2>&1 &&
spoor-artifacts -C "$C" --tz=Europe/Amsterdam "$EV/E02" > /dev/null 2>&1 &&
spoor-files -C "$C" "$EV/E03" > /dev/null 2>&1
ok $? "case built"

printf '# terms of the test\ngeheim\tsecret\tgeheimen\njansen\tperson\nre:betaal +naar\n@iban\tpayment\tiban\n@bitcoin\tpayment\tbtc\n@ethereum\n' > "$T/terms"

sums() { sha256sum "$C/case.db" "$C/custody.log"; }
sums > "$T/sum-before"

cat > "$T/oracle.py" <<'EOF'
import json, sqlite3, sys, re, unicodedata, hashlib
case = sys.argv[1]
db = sqlite3.connect('file:' + case + '/case.db?mode=ro', uri=True)
rows = db.execute("""
SELECT id, 'text', json_extract(json, '$.text') FROM records
 WHERE rtype = 'message' AND json_extract(json, '$.text') IS NOT NULL
UNION ALL SELECT id, 'name', json_extract(json, '$.name') FROM records
 WHERE rtype = 'contact' AND json_extract(json, '$.name') IS NOT NULL
UNION ALL SELECT id, 'path', json_extract(json, '$.path') FROM records
 WHERE rtype = 'file' AND json_extract(json, '$.path') IS NOT NULL""").fetchall()
def fold(s):
    return ''.join(c for c in unicodedata.normalize('NFD', s).casefold()
                   if unicodedata.category(c) != 'Mn')
def iban_ok(s):
    if not re.fullmatch(r'[A-Z]{2}\d{2}[A-Z0-9]{11,30}', s):
        return False
    return int(''.join(str(int(c, 36)) for c in s[4:] + s[:4])) % 97 == 1
B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
def b58_ok(s):
    n = 0
    for c in s:
        n = n * 58 + B58.index(c)
    try:
        b = n.to_bytes(25, 'big')
    except OverflowError:
        return False
    if b[0] not in (0, 5):
        return False
    return hashlib.sha256(hashlib.sha256(b[:21]).digest()).digest()[:4] == b[21:]
CS = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
def polymod(v):
    g = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]
    c = 1
    for x in v:
        t = c >> 25
        c = (c & 0x1ffffff) << 5 ^ x
        for i in range(5):
            c ^= g[i] if (t >> i) & 1 else 0
    return c
def bech_ok(s):
    s = s.lower()
    hrp, data = s[:2], [CS.index(c) for c in s[3:]]
    v = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + data
    return polymod(v) == (1 if data[0] == 0 else 0x2bc830a3)
# EIP-55's test cases and the Ethereum Foundation's address, as
# published, by their lower-case form
EIP55 = {a.lower(): a[2:] for a in (
    '0x52908400098527886E0F7030069857D2E4169EE7',
    '0x8617E340B3D01FA5F11F306F4090FD50E238070D',
    '0xde709f2102306220921060314715629080e2fb77',
    '0x27b1fdb04752bbc536007a920d24acb045561c26',
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
    '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
    '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
    '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
    '0xde0B295669a9FD93d5F28D9Ec85E40f4cb697BAe')}
out = []
for rid, field, text in rows:
    f = fold(text)
    for term, tf in (('geheim', 'geheim'), ('jansen', 'jansen')):
        for m in re.finditer(r'(?<!\w)' + tf + r'(?!\w)', f):
            out.append((rid, field, term, tf))
    for m in re.finditer(r'betaal +naar', text, re.I):
        out.append((rid, field, 're:betaal +naar', m.group(0)))
    for m in re.finditer(r'(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{1,4})+', text):
        s = m.group(0).replace(' ', '')
        if iban_ok(s):
            out.append((rid, field, '@iban', s))
    for m in re.finditer(r'(?<![A-Za-z0-9])[13][' + B58 + r']{25,34}(?![A-Za-z0-9])', text):
        if b58_ok(m.group(0)):
            out.append((rid, field, '@bitcoin', m.group(0)))
    for m in re.finditer(r'(?<![A-Za-z0-9])bc1[' + CS + r']{11,71}(?![A-Za-z0-9])', text):
        if bech_ok(m.group(0)):
            out.append((rid, field, '@bitcoin', m.group(0)))
    for m in re.finditer(r'(?<![A-Za-z0-9])0[xX][0-9a-fA-F]{40}(?![A-Za-z0-9])', text):
        h = m.group(0)[2:]
        good = EIP55['0x' + h.lower()]  # KeyError: not a published address
        if h == good:
            out.append((rid, field, '@ethereum', '0x' + h.lower() + ' valid'))
        elif h == h.lower() or h == h.upper():
            out.append((rid, field, '@ethereum',
                        '0x' + h.lower() + ' none (single case)'))
for o in sorted(out, key=lambda x: (x[0], x[1], x[2], x[3])):
    print(json.dumps(list(o), ensure_ascii=False))
EOF
cat > "$T/proj.py" <<'EOF'
import json, sys, unicodedata
def fold(s):
    return ''.join(c for c in unicodedata.normalize('NFD', s).casefold()
                   if unicodedata.category(c) != 'Mn')
out = []
for l in sys.stdin:
    h = json.loads(l)
    t = h['term']
    v = fold(h['match']) if not t.startswith(('@', 're:')) else \
        h['normalized'] if t in ('@iban', '@bitcoin') else \
        h['normalized'] + ' ' + h['checksum'] if t == '@ethereum' else \
        h['match']
    out.append((h['record_id'], h['field'], t, v))
for o in sorted(out, key=lambda x: (x[0], x[1], x[2], x[3])):
    print(json.dumps(list(o), ensure_ascii=False))
EOF

python3 "$T/oracle.py" "$C" > "$T/want"
run_rc 0 "search --format=jsonl" spoor-case search "$C" --terms="$T/terms" \
	--format=jsonl
python3 "$T/proj.py" < "$T/out" > "$T/got"
diff_ok "$T/got" "$T/want" "the hits of the oracle (python3 unicodedata, re, hashlib)"
cp "$T/out" "$T/hits.jsonl"
n=$(grep -c . "$T/want")
ok "$([ "$n" -ge 10 ] && echo 0 || echo 1)" "oracle: $n hits"
grep -Fq '"match":"gehéim"' "$T/hits.jsonl"
ok $? "'geheim' finds 'gehéim'"
grep -Fq '"match":"GEHEIM"' "$T/hits.jsonl"
ok $? "'geheim' finds 'GEHEIM'"
is "$(grep -c '"match":"[Ss]upergeheim"' "$T/hits.jsonl")" 0 \
	"not inside a longer word"
is "$(grep -c '"field":"path"' "$T/hits.jsonl")" 3 \
	"file paths: the folder Geheim, and Geheim/gehéim plan.txt twice"
is "$(grep -c '"term":"jansen"' "$T/hits.jsonl")" \
	"$(sqlite3 "$C/case.db" "SELECT count(*) FROM records WHERE rtype = 'contact' AND json_extract(json, '\$.name') LIKE '%jansen%'")" \
	"contact names (sqlite3 LIKE)"
is "$(grep -c '"normalized":"NL91ABNA0417164300"' "$T/hits.jsonl")" 1 \
	"the valid IBAN, grouped, is a hit"
is "$(grep -c 'NL91ABNA0417164301' "$T/hits.jsonl")" 0 \
	"the IBAN with a bad check is not"
is "$(grep -c '"match":"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"' "$T/hits.jsonl")" 1 \
	"the valid base58check address is a hit"
is "$(grep -c '"match":"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"' "$T/hits.jsonl")" 0 \
	"the one with a bad checksum is not"
is "$(grep -c '"match":"bc1' "$T/hits.jsonl")" 2 \
	"bech32 and bech32m valid, the bad bech32 not"
eth() { grep '"term":"@ethereum"' "$T/hits.jsonl" | grep -c "$@"; }
is "$(eth '"checksum":"valid"')" 4 \
	"ethereum: the four EIP-55 test cases are valid (normal, caps, lower)"
is "$(eth '"checksum":"none (single case)"')" 2 \
	"ethereum: two addresses in lower case but not their EIP-55 form: none"
is "$(eth -e '"match":"0x5AAeb605' -e '"match":"0xDe0B2956')" 0 \
	"ethereum: one letter's case flipped fails: not a hit"
is "$(eth -i '"match":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed0')" 0 \
	"ethereum: 41 hex digits are no address"
is "$(eth -F '"match":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","normalized":"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed","checksum":"valid"')" 1 \
	"ethereum: match as written, normalized in lower case"
is "$(grep '"term":"@iban"' "$T/hits.jsonl" | head -1 | python3 -c 'import json,sys; h=json.load(sys.stdin); print(h["category"], h["label"], h["checksum"], h["exhibit"])')" \
	"payment iban valid E02" "a hit carries category, label, checksum, exhibit"

# e-mail, URL and phone sets, on a text written here
printf '@email\n@url\n@phone\n' > "$T/terms2"
run_rc 0 "search @email @url @phone" spoor-case search "$C" \
	--terms="$T/terms2" --format=jsonl
python3 -c 'import json,sys; print(" ".join(sorted(h["term"] + "=" + (h["normalized"] or h["match"]) for h in map(json.loads, open(sys.argv[1])) if h["exhibit"] == "E02")))' "$T/out" > "$T/sets"
is "$(cat "$T/sets")" "@email=mark@example.com @phone=+31612345678 @url=https://example.com/x" \
	"e-mail, URL (trailing full stop dropped), national number in E.164"

run_rc 0 "search --format=csv" spoor-case search "$C" --terms="$T/terms" \
	--format=csv
python3 -c 'import csv,sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1]))))' "$T/out" > "$T/ncsv"
is "$(cat "$T/ncsv")" "$(grep -c . "$T/hits.jsonl")" "CSV: a row per hit (python3 csv)"
run_rc 0 "search (text)" spoor-case search "$C" --terms="$T/terms"
grep -q '^record [0-9]*  E02  message.text  @iban (payment, iban): NL91 ABNA 0417 1643 00 \[checksum valid\]$' "$T/out"
ok $? "text: record, exhibit, field, term, match, checksum"

sums > "$T/sum-after"
diff_ok "$T/sum-after" "$T/sum-before" \
	"case.db and custody.log unchanged by search (sha256sum)"

# usage errors: a bad regex, an unknown set, no terms, no file
printf 're:a(\n' > "$T/bad1"
printf '@monero\n' > "$T/bad2"
printf '# nothing\n\n' > "$T/bad3"
run_rc 2 "a bad regular expression" spoor-case search "$C" --terms="$T/bad1"
grep -q 'line 1' "$T/err"; ok $? "the error names the line"
run_rc 2 "an unknown set" spoor-case search "$C" --terms="$T/bad2"
run_rc 2 "no terms" spoor-case search "$C" --terms="$T/bad3"
run_rc 2 "no --terms" spoor-case search "$C"
run_rc 3 "a terms file that does not exist" spoor-case search "$C" \
	--terms="$T/none"

# --tag: every record hit, one custody event, the chain intact
ntags=$(sqlite3 "$C/case.db" "SELECT count(*) FROM tags")
run_rc 0 "search --tag" spoor-case search "$C" --terms="$T/terms" \
	--tag=zoekterm --format=jsonl
python3 -c 'import json,sys; print("\n".join(str(i) for i in sorted({json.loads(l)["record_id"] for l in open(sys.argv[1])})))' "$T/out" > "$T/want-ids"
sqlite3 "$C/case.db" "SELECT record_id FROM tags WHERE label = 'zoekterm' ORDER BY record_id" > "$T/got-ids"
diff_ok "$T/got-ids" "$T/want-ids" "every record hit is tagged, once (sqlite3)"
is "$(sqlite3 "$C/case.db" "SELECT count(*) FROM tags") " \
	"$((ntags + $(grep -c . "$T/want-ids"))) " "no other tags"
tail -1 "$C/custody.log" | cut -f3 | python3 -c 'import json,sys; e=json.load(sys.stdin); print(e.get("label"), e.get("event"))' > "$T/event"
is "$(cat "$T/event")" "zoekterm analysed" "a custody event for the tagging"
run_rc 0 "custody --verify after tagging" spoor-case custody "$C" --verify

done_testing
