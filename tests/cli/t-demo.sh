#!/bin/bash
# t-demo: `make demo` as a test.  tests/demo.sh runs the whole chain
# (evidence -> keys -> case -> acquire -> files -> artifacts -> tags ->
# report with a CRL -> timestamp -> verify) and exits non-zero when a step
# does not do what it should; here its output is checked against
# independent oracles: stock openssl for the signature, the timestamp and
# the CRL, sha256sum for the manifest, the E01 with ewfverify, the report
# page in headless Chromium with the network cut.
# The screenshot is left as demo-out/report.png for a person to look at.
. "$(dirname "$0")/lib.sh"
need perl openssl sha256sum
out=$T/demo
bash "$SPOOR_SRC/tests/demo.sh" "$out" > "$T/demo.log" 2>&1
ok $? "the demo runs to the end" || tail -30 "$T/demo.log" | sed 's/^/# /'
[ -d "$out/bundle" ] || { done_testing; exit; }

grep -q '^VALID$' "$T/demo.log"; ok $? "spoor-verify said VALID"
grep -qE 'no revocation data|no trusted time|not checked' "$T/demo.log"
ok $((! $?)) "no revocation, time or organisation warning in the demo"
openssl ts -verify -data "$out/bundle/MANIFEST.p7s" \
	-in "$out/bundle/MANIFEST.p7s.tsr" -CAfile "$out/pki/tsa/tsa-root.crt" \
	> "$T/ts" 2>&1
ok $? "stock openssl ts -verify accepts the timestamp (demo TSA root)" ||
	sed 's/^/# /' "$T/ts"
openssl crl -in "$out/bundle/certs/crl/1.crl" -noout -CAfile \
	"$out/pki/ca/ica.crt" 2>&1 | grep -q 'verify OK'
ok $? "the bundle's CRL verifies to the issuing CA (openssl crl)"
openssl cms -verify -binary -inform DER -in "$out/bundle/MANIFEST.p7s" \
	-content "$out/bundle/MANIFEST" -CAfile "$out/pki/ca/root.crt" \
	-purpose any -out /dev/null 2> "$T/cms"
ok $? "stock openssl accepts the signature" || cat "$T/cms"
(cd "$out/bundle" && sed '1,/^$/d' MANIFEST | while read -r sum size path; do
	printf '%s  %s\n' "$sum" "$path"; done | sha256sum -c --quiet)
ok $? "every MANIFEST line matches sha256sum"
if command -v ewfverify > /dev/null; then
	ewfverify -q "$out/acquired/phone.E01" > /dev/null 2>&1
	ok $? "the acquired E01 passes ewfverify"
else
	skip "ewfverify not installed"
fi
(cd "$out/evidence" && sha256sum -c --quiet "$out/evidence.sha256")
ok $? "the evidence is unchanged"
grep -q '"known-bad"' "$out/files.jsonl"; ok $? "the known-bad picture was flagged"

IFS=$'\t' read -r _ name < <(grep '^name' "$out/evidence/reporter.txt")
IFS=$'\t' read -r _ phone < <(grep '^phone' "$out/evidence/reporter.txt")
digits=${phone#+}
national=0${digits#31}
found=$(grep -rlF -e "$name" -e "$digits" -e "$national" "$out/bundle" || true)
is "$found" "" "the parent's name and number are nowhere in the bundle"

# the report page: no scripts, no remote URLs, rendered with the network cut
html=$out/bundle/report/report.html
grep -qi '<script' "$html"; ok $((! $?)) "report.html has no script"
grep -qiE '(src|href)=["'"'"']?(https?:)?//' "$html"
ok $((! $?)) "report.html refers to nothing remote"
if command -v chromium > /dev/null; then
	png=$T/report.png
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--proxy-server=127.0.0.1:9 --host-resolver-rules='MAP * ~NOTFOUND' \
		--window-size=1200,1800 --screenshot="$png" "file://$html" \
		> "$T/chromium.log" 2>&1
	for _ in $(seq 50); do [ -s "$png" ] && break; sleep 0.1; done
	[ -s "$png" ] && [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = \
		89504e470d0a1a0a ]
	ok $? "headless Chromium renders the report to a PNG"
	mkdir -p "$SPOOR_SRC/demo-out" && cp "$png" "$SPOOR_SRC/demo-out/report.png"
	if command -v pdftoppm > /dev/null; then
		# the demo's printed pages: the first, and the one where the
		# tagged conversations begin (its heading, by pdftotext)
		for f in report-page1 report-tagged; do
			[ "$(head -c 8 "$out/$f.png" 2>/dev/null | od -An -tx1 |
				tr -d ' \n')" = 89504e470d0a1a0a ]
			ok $? "the demo keeps $f.png of the printed report"
			cp "$out/$f.png" "$SPOOR_SRC/demo-out/" 2>/dev/null
		done
	else
		skip "pdftoppm not installed"
	fi
else
	skip "chromium not installed"
fi
done_testing
