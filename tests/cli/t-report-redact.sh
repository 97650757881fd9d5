#!/bin/bash
# t-report-redact.sh: the reporter stays unnamed in every written form
# (issue 15).  A generated exhibit set writes the reporter (fictional:
# Anneke de Vries-Çelik, +31 6 12345678, anneke.devries@example.nl) the
# ways evidence does: national, international, trunk, (0), JID, grouped
# by no-break spaces, narrow no-break spaces and non-breaking hyphens,
# full-width digits; the name lower-cased, decomposed, without the
# cedilla, with a double space, in parts; the e-mail upper-cased and
# percent-, entity- and \u-encoded; in file names (also not UTF-8, so in
# path_hex), a vCard, an SMS Backup & Restore file, a Telegram export,
# wa.db.  The bundle and its packed tar are then searched by a scanner
# written here in python3 (its own decoding and folding), not by the
# redactor: none of the forms may be left, and numbers that only contain
# the digits (an IBAN, a longer id) must be left alone.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report-fixture.sh"
need openssl sqlite3 python3
for t in spoor-case spoor-report spoor-files spoor-artifacts; do
	command -v "$t" >/dev/null || skip_all "$t not built"
done
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"
mk_pki "$T/pki"
P=$T/pki
openssl rand -hex 32 > "$T/master.hex"
E=$T/ev
mkdir -p "$E/chat" "$E/files" "$E/phone"

# ---- the exhibits ----
python3 - "$E" <<'PY'
import os, sys, unicodedata
e = sys.argv[1]
nb, nn, nh = "\u00a0", "\u202f", "\u2011"
fw = "".join(chr(0xff10 + int(c)) for c in "0612345678")
name = "Anneke de Vries-\u00c7elik"
lines = [
    "+31 6 12345678: hoi, met mij",
    "Mark: bel me op (06) 12345678",
    "Mark: of 06%s12%s34%s56%s78" % (nb, nb, nb, nb),
    "Mark: of 06%s12%s34%s56%s78" % (nn, nn, nn, nn),
    "Mark: of 06%s12345678" % nh,
    "Mark: of " + fw,
    "Mark: zonder nul 612345678",
    "Mark: vcard-stijl +310612345678 en +31 (0)6 12345678",
    "Mark: buitenland 0031 6 1234 5678",
    "Mark: jid 31612345678@s.whatsapp.net",
    "Mark: " + name.lower(),
    "Mark: " + unicodedata.normalize("NFD", name),
    "Mark: Anneke de Vries-Celik",
    "Mark: Anneke  de Vries-\u00c7elik",
    "Mark: " + name.upper(),
    "Mark: mailto:anneke.devries%40example.nl",
    "Mark: ANNEKE.DEVRIES@EXAMPLE.NL",
    "Mark: anneke.devries&#64;example.nl",
    "Mark: anneke.devries\\u0040example.nl",
    "Mark: Anneke zei dat",
    "Mark: mevrouw de Vries-\u00c7elik belde",
    # left alone: the digits inside an IBAN and a longer id
    "Mark: IBAN NL91ABNA0612345678 en order 206123456789",
]
with open(os.path.join(e, "chat", "WhatsApp-chat met Mark.txt"), "w",
          encoding="utf-8") as f:
    for i, l in enumerate(lines):
        f.write("14-03-2024 21:%02d - %s\n" % (i, l))
with open(os.path.join(e, "chat", "anneke.vcf"), "w", encoding="utf-8") as f:
    f.write("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:%s\r\nN:de Vries-\u00c7elik;Anneke;;;\r\n"
            "TEL;TYPE=CELL:+31 (0)6 12345678\r\nEMAIL:Anneke.DeVries@Example.NL\r\n"
            "END:VCARD\r\n" % name)
with open(os.path.join(e, "chat", "sms-20240314.xml"), "w", encoding="utf-8") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<smses count="1">\n'
            '  <sms protocol="0" address="0612345678" date="1710446861000" type="1" '
            'body="Hoi, dit is %s" read="1" status="-1" locked="0" '
            'date_sent="0" contact_name="%s" />\n</smses>\n' % (name, name))
import json
tg = {"name": name, "type": "personal_chat", "id": 99,
      "messages": [{"id": 1, "type": "message", "date": "2024-03-14T21:00:00",
                    "date_unixtime": "1710446400", "from": name,
                    "from_id": "user612345678",
                    "text": "mijn nummer is 06 12 34 56 78"}]}
os.makedirs(os.path.join(e, "chat", "tg"))
with open(os.path.join(e, "chat", "tg", "result.json"), "w", encoding="utf-8") as f:
    json.dump(tg, f, ensure_ascii=False)
for n in ["0612345678.jpg", name + ".txt"]:
    with open(os.path.join(e, "files", n), "w") as f:
        f.write("x\n")
with open(os.path.join(os.fsencode(e), b"files", b"\xff06 12345678.txt"), "w") as f:
    f.write("y\n")
PY
bash "$SPOOR_SRC/testdata/mkartifacts.sh" "$T/art" >/dev/null 2>&1
cp -a "$T/art/modern/." "$E/phone/"
sqlite3 "$E/phone/data/data/com.whatsapp/databases/wa.db" \
	"INSERT INTO wa_contacts (jid, is_whatsapp_user, number, display_name, given_name, family_name)
	 VALUES ('31612345678@s.whatsapp.net', 1, '612345678', 'Anneke de Vries-Çelik', 'Anneke', 'de Vries-Çelik')"
ev_before=$(sum_tree "$E" | sha256sum)

C=$T/case
spoor-case init "$C" --case-id=TDH-2026-0200 --examiner="Examiner A" >/dev/null 2>&1 &&
	spoor-case add "$C" "$E/chat" --exhibit=E01 >/dev/null 2>&1 &&
	spoor-case add "$C" "$E/files" --exhibit=E02 >/dev/null 2>&1 &&
	spoor-case add "$C" "$E/phone" --exhibit=E03 >/dev/null 2>&1
ok $? "case with three exhibits"
spoor-artifacts -q -C "$C" --exhibit=E01 --tz=Europe/Amsterdam "$E/chat" >/dev/null 2>&1
spoor-artifacts -q -C "$C" --exhibit=E03 "$E/phone" >/dev/null 2>&1
spoor-files -q --no-progress -C "$C" --exhibit=E02 "$E/files" >/dev/null 2>&1
is "$(sqlite3 "$C/case.db" "SELECT count(*) > 30 FROM records")" 1 \
	"the exhibits are recorded"

build() { # OUT [extra options...]
	_o=$1
	shift
	spoor-report -C "$C" -o "$_o" --lang en \
		--key "$P/examiner.key" --cert "$P/examiner.crt" \
		--chain "$P/chain.pem" --recipient NL-POL \
		--master-key "$T/master.hex" --map-to "$P/reid.crt" \
		--map-out "$_o.map.p7m" "$@"
}

# ---- the independent scanner ----
cat > "$T/scan.py" <<'PY'
"""Every written form of the reporter in the files given (a bundle's
files, or a tar's members): decode percent, HTML entities, \\u escapes,
hex and base64 runs and UTF-16; fold case, accents and spaces; find the
number by its digits across separators.  Prints each hit; exit 1 if any."""
import base64, binascii, html, re, sys, tarfile, unicodedata, urllib.parse

def fold(t):
    t = unicodedata.normalize("NFD", t).casefold()
    t = "".join(c for c in t if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", t)

NAMES = [fold(x) for x in ["Anneke de Vries-\u00c7elik", "anneke.devries@example.nl",
                           "Anneke", "de Vries-\u00c7elik"]]
SEP = "[ \t.\\-/()\\[\\]\u00a0\u2000-\u200f\u2010-\u2015\u202a-\u202f\u2060-\u2069\ufeff\u00ad\uff08\uff09\uff0d\uff0e]*"
def digits(t):
    return "".join(str(unicodedata.digit(c)) if unicodedata.digit(c, None) is not None else c for c in t)
# NSN 612345678 in any dialling form (+31, 0031, 01131, (0), trunk 0),
# not touching letters or digits
def sep_join(ds):
    return SEP.join(ds)
PHONE = re.compile(r"(?<![0-9A-Za-z])\+?" + SEP + "(?:(?:" + sep_join("00") + "|" +
                   sep_join("011") + ")?" + SEP + sep_join("31") + SEP + ")?(?:0" +
                   SEP + ")?" + sep_join("612345678") + r"(?![0-9A-Za-z])")

def views(b):
    yield b.decode("utf-8", "replace")
    for enc in ("utf-16-le", "utf-16-be"):
        yield b.decode(enc, "replace")
    t = b.decode("utf-8", "replace")
    yield urllib.parse.unquote(t)
    yield html.unescape(t)
    yield re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), t)
    for m in re.finditer(r"[0-9a-fA-F]{16,}", t):
        if len(m.group()) % 2 == 0:
            yield binascii.unhexlify(m.group()).decode("utf-8", "replace")
    for m in re.finditer(r"[A-Za-z0-9+/]{16,}={0,2}", t):
        try:
            yield base64.b64decode(m.group() + "=" * (-len(m.group()) % 4)).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            pass

def scan(label, b):
    hits = 0
    for v in views(b):
        f = fold(v)
        for n in NAMES:
            for m in re.finditer(r"(?<!\w)" + re.escape(n) + r"(?!\w)", f):
                print("%s: name form %r at %d" % (label, n, m.start())); hits += 1
        for m in PHONE.finditer(digits(v)):
            print("%s: number %r at %d" % (label, m.group(), m.start())); hits += 1
    return hits

total = 0
for path in sys.argv[1:]:
    if path.endswith(".tar"):
        with tarfile.open(path) as t:
            for m in t.getmembers():
                if m.isfile():
                    total += scan(path + ":" + m.name, t.extractfile(m).read())
    else:
        total += scan(path, open(path, "rb").read())
sys.exit(1 if total else 0)
PY
# the scanner itself finds every form in the evidence it was written for
python3 "$T/scan.py" "$E/chat/WhatsApp-chat met Mark.txt" > "$T/self" 2>&1
[ "$(grep -c 'number' "$T/self")" -ge 12 ]
ok $? "the scanner sees every number form in the export ($(grep -c 'number' "$T/self") hits)"
for form in 'anneke de vries-celik' 'anneke.devries@example.nl'; do
	grep -q "$form" "$T/self"
	ok $? "  and the form '$form'"
done

# ---- the bundle, every alias given ----
run_rc 0 "pseudonymised bundle with the number, the name, its parts, the e-mail" \
	build "$T/b1" --pseudonymise +31612345678 \
	--pseudonymise 'Anneke de Vries-Çelik' --pseudonymise Anneke \
	--pseudonymise 'de Vries-Çelik' --pseudonymise anneke.devries@example.nl
run_rc 0 "pack it" spoor-report pack "$T/b1" -o "$T/b1.tar"
find "$T/b1" -type f ! -name '*.p7m' ! -name '*.p7s' > "$T/files"
python3 "$T/scan.py" $(cat "$T/files") "$T/b1.tar" > "$T/hits" 2>&1
ok $? "no form of the reporter in any bundle file or the tar (independent scanner)"
head -5 "$T/hits" | sed 's/^/#   /'
grep -q 'NL91ABNA0612345678' "$T/b1/data/findings.json"
ok $? "the IBAN holding the digits is left alone"
grep -q '206123456789' "$T/b1/data/findings.json"
ok $? "a longer id holding the digits is left alone"
grep -q 'RPT-' "$T/b1/data/findings.json"
ok $? "the pseudonym stands in their place"
openssl cms -verify -binary -inform DER -in "$T/b1/MANIFEST.p7s" \
	-content "$T/b1/MANIFEST" -CAfile "$P/root.crt" -purpose any -cades \
	-out /dev/null 2>/dev/null
ok $? "openssl accepts the bundle"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/b1/data/findings.json"
ok $? "findings.json stays valid JSON"

# the control: the same case without pseudonymisation names the reporter
# in many forms, and the scanner finds them
spoor-report -C "$C" -o "$T/b0" --lang en --key "$P/examiner.key" \
	--cert "$P/examiner.crt" --chain "$P/chain.pem" --recipient NL-POL \
	>/dev/null 2>&1
python3 "$T/scan.py" $(find "$T/b0" -type f ! -name '*.p7s') > "$T/hits0" 2>&1
[ $? = 1 ] && [ "$(grep -c 'number' "$T/hits0")" -ge 10 ] &&
	[ "$(grep -c 'name form' "$T/hits0")" -ge 10 ]
ok $? "control: without pseudonymisation the scanner finds the reporter ($(grep -c . "$T/hits0") hits)"

# ---- without the parts: they are warned about, not silently kept ----
run_rc 0 "bundle without the parts as aliases" build "$T/b2" \
	--pseudonymise +31612345678 --pseudonymise 'Anneke de Vries-Çelik' \
	--pseudonymise anneke.devries@example.nl
grep -q "parts of --pseudonymise 'Anneke de Vries-Çelik' occur on their own" "$T/err" &&
	grep -q "pseudonymise 'Anneke'" "$T/err"
ok $? "the parts found on their own are named, with the alias to give"

# ---- too short an alias: refused with a clear message ----
run_rc 2 "a three-letter alias is refused" build "$T/b3" \
	--pseudonymise +31612345678 --pseudonymise Ann
grep -q "too short to be redacted safely" "$T/err"
ok $? "  saying why"
[ ! -e "$T/b3" ]
ok $? "  and no bundle is left"
run_rc 2 "an alias written like a number but not a valid one is refused" \
	build "$T/b4" --pseudonymise '06 123'
is "$(sum_tree "$E" | sha256sum)" "$ev_before" "evidence unchanged"
done_testing
