#!/bin/bash
# t-report-read.sh: report.html as a police officer reads it.  In Dutch
# and English: no string of the other language (the string table's
# strings checked against the page, case data masked out), no raw JSON or
# argv, the reading order (summary, tagged findings, tagged conversations,
# the rest, annexes) with in-page contents links, the tagged-findings
# table against sqlite3, exit codes with their meaning, custody in words,
# "none" instead of empty tables; printed to PDF by headless Chromium:
# A4, nothing wider than the page (no character of the page missing from
# pdftotext's text; a control page that does overflow loses some), the case and bundle id and the page number on
# every page, the tagged conversation on the first pages.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report-fixture.sh"
need openssl sqlite3 perl python3 xmllint sha256sum
command -v spoor-report >/dev/null || skip_all "spoor-report not built"

mk_pki "$T/pki"
mk_case "$T/case"
P=$T/pki
SIGN=(--key "$P/examiner.enc.key" --passphrase-file "$P/pass.txt"
	--cert "$P/examiner.crt" --chain "$P/chain.pem")
DEF=$SPOOR_SRC/lib/report_strings.def
CHECK=$SPOOR_SRC/tests/cli/report-read.py
ev_before=$(sum_tree "$EVID" | sha256sum)

# check_page LANG BUNDLE: the Python checks, numbered here
check_page() {
	python3 "$CHECK" "$DEF" "$2/report/report.html" "$1" \
		"$T/case/case.db" "$2/custody/custody.log" "$TAG_MSG_ID" \
		> "$T/py.out" 2>&1
	[ "$(grep -c '^ok\|^not ok' "$T/py.out")" -eq 11 ]
	ok $? "$1: the page checks ran ($(grep -c '^ok' "$T/py.out") passed)"
	while IFS= read -r l; do
		case $l in
		"ok - "*) ok 0 "${l#ok - }" ;;
		"not ok - "*) ok 1 "${l#not ok - }" ;;
		*) diag "$l" ;;
		esac
	done < "$T/py.out"
}

# English first: the Dutch page then shows an export event too
for l in en nl; do
	run_rc 0 "build a bundle, --lang $l" spoor-report -C "$T/case" \
		-o "$T/b-$l" "${SIGN[@]}" --recipient NL-POL-ZEDEN \
		--police-ref PR-2026-17 --lang $l
	xmllint --html --noout "$T/b-$l/report/report.html" 2>"$T/xl.err"
	ok "$([ -s "$T/xl.err" ]; [ $? -ne 0 ]; echo $?)" \
		"$l: xmllint --html: well-formed"
	check_page $l "$T/b-$l"
done

# the oracle can fail: an English value in the Dutch page is found
sed 's|<td>bericht</td>|<td>message</td>|' "$T/b-nl/report/report.html" \
	> "$T/planted.html"
python3 "$CHECK" "$DEF" "$T/planted.html" nl "$T/case/case.db" \
	"$T/b-nl/custody/custody.log" "$TAG_MSG_ID" > "$T/py2.out" 2>&1
grep -q "^not ok - nl report: none of the" "$T/py2.out" &&
	grep -q "'message' in" "$T/py2.out"
ok $? "control: 'message' planted in the Dutch page is found"

# readme.txt in both languages
grep -q 'HOE CONTROLEREN' "$T/b-nl/readme.txt" &&
	grep -q 'HOW TO VERIFY' "$T/b-nl/readme.txt"
ok $? "readme.txt holds the Dutch and the English text"

# ---- empty sections: one line "geen", no table of headers only ----
cp -a "$T/case" "$T/case2"
sqlite3 "$T/case2/case.db" "DELETE FROM record_rows WHERE rtype IN ('call', 'contact', 'account')"
run_rc 0 "a case without calls or contacts" spoor-report -C "$T/case2" \
	-o "$T/b-empty" "${SIGN[@]}" --recipient NL-POL-ZEDEN
python3 - "$T/b-empty/report/report.html" > "$T/empty.out" <<'PY'
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
for sec in ("calls", "contacts"):
    m = re.search(r'<h3 id="%s">[^<]*</h3>\n(<[^>]*>[^<]*<[^>]*>)' % sec, t)
    print(sec, m.group(1) if m else None)
PY
is "$(cat "$T/empty.out")" 'calls <p class="none">geen</p>
contacts <p class="none">geen</p>' "no calls, no contacts: one line 'geen' each"

# ---- printed on A4 by headless Chromium ----
pdf() { # HTML PDF
	rm -rf "$T/chrome"
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--user-data-dir="$T/chrome" --no-first-run \
		--disable-background-networking --disable-component-update \
		--host-resolver-rules="MAP * ~NOTFOUND" \
		--proxy-server=127.0.0.1:9 --no-pdf-header-footer \
		--print-to-pdf="$2" "file://$1" >/dev/null 2>&1
	for _ in $(seq 50); do [ -s "$2" ] && break; sleep 0.1; done
}
# lost HTML PDF HEADER: the characters of the page's text that the PDF
# lacks.  Chromium does not emit what runs off the page (it is cut, not
# shrunk), so content wider than the page shows as characters missing
# from pdftotext's text; the running header and "N/M" footers are taken
# out of the PDF's text first.
lost() {
	pdftotext -layout "$2" "$T/all.txt"
	python3 - "$1" "$T/all.txt" "$3" <<'PY'
import collections, re, sys, unicodedata
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.skip = 0; s.t = []
    def handle_starttag(s, tag, a):
        s.skip += tag in ("style", "title", "head")
    def handle_endtag(s, tag):
        s.skip -= tag in ("style", "title", "head")
    def handle_data(s, d):
        if not s.skip: s.t.append(d)
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
norm = lambda x: re.sub(r"\s+", "", unicodedata.normalize("NFKC", x))
want = collections.Counter(norm("".join(p.t)))
pdf = open(sys.argv[2], encoding="utf-8").read()
if sys.argv[3]:
    pdf = pdf.replace(sys.argv[3], "")
pdf = re.sub(r"(?m)^\s*\d+/\d+\s*$", "", pdf)
got = collections.Counter(norm(pdf))
miss = want - got
print("".join(sorted(miss.elements()))[:200])
PY
}
printf '<!DOCTYPE html><html><body><p style="white-space:nowrap">%s</p></body></html>\n' \
	"$(printf 'overflowing%.0s ' $(seq 60))" > "$T/wide.html"
if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftotext \
	>/dev/null 2>&1; then
	for _ in $(seq 13); do skip "chromium or pdftotext not installed"; done
elif pdf "$T/wide.html" "$T/wide.pdf"; [ ! -s "$T/wide.pdf" ]; then
	for _ in $(seq 13); do skip "chromium cannot start here (no PDF of a control page)"; done
else
	[ -n "$(lost "$T/wide.html" "$T/wide.pdf" "")" ]
	ok $? "control: a line too wide for the page loses text in the PDF"
	for l in nl en; do
		H=$T/b-$l/report/report.html
		pdf "$H" "$T/$l.pdf"
		ok "$([ -s "$T/$l.pdf" ]; echo $?)" "$l: chromium printed the report to PDF"
		pdfinfo "$T/$l.pdf" > "$T/info"
		pages=$(sed -n 's/^Pages: *//p' "$T/info")
		grep -Eq '^Page size: +59[45](\.[0-9]+)? x 84[12](\.[0-9]+)? pts' "$T/info"
		ok $? "$l: A4 pages ($pages, pdfinfo)"
		bid=$(sed -n 's/^bundle-id: //p' "$T/b-$l/MANIFEST")
		hdr=$(python3 -c 'import re,sys; print(re.search(r"@top-left\{content:\"([^\"]*)", open(sys.argv[1]).read()).group(1).replace("\\b7 ", "\u00b7"))' "$H")
		lost "$H" "$T/$l.pdf" "$hdr" > "$T/over"
		ok "$([ -s "$T/over" ] && [ -n "$(tr -d '\n' < "$T/over")" ]; [ $? -ne 0 ]; echo $?)" \
			"$l: every character of the page is in the PDF: nothing cut off at the edge"
		grep . "$T/over" | head -c 200 | sed 's/^/#   /'
		miss=""
		for p in $(seq "$pages"); do
			pdftotext -f "$p" -l "$p" -layout "$T/$l.pdf" "$T/p.txt"
			grep -q "TDH-2026-0042.*$bid" "$T/p.txt" &&
				grep -Eq "(^|[[:space:]])$p */ *$pages([[:space:]]|$)" "$T/p.txt" ||
				miss="$miss $p"
		done
		ok "$([ -z "$miss" ] && [ "${pages:-0}" -gt 1 ]; echo $?)" \
			"$l: case id, bundle id and page number on every page${miss:+ (not on$miss)}"
		first=""
		for p in $(seq "$pages"); do
			pdftotext -f "$p" -l "$p" "$T/$l.pdf" "$T/p.txt"
			grep -q 'Hoi, ben je er?' "$T/p.txt" && { first=$p; break; }
		done
		ok "$([ -n "$first" ] && [ "$first" -le 3 ]; echo $?)" \
			"$l: the tagged conversation starts on page ${first:-?} of $pages"
		pdftotext "$T/$l.pdf" - | grep -q '{"'
		ok "$([ $? -ne 0 ]; echo $?)" "$l: no JSON in the printed text"
	done
fi

is "$(sum_tree "$EVID" | sha256sum)" "$ev_before" "evidence unchanged (sha256sum of every file)"
done_testing
