#!/bin/bash
# tests/demo.sh OUTDIR: the demo (`make demo`), the whole chain on built-in,
# fictional evidence, each step with the command it runs:
#
#   evidence  testdata/mkphone.sh: a phone-like GPT disk (ext4 userdata with
#             WhatsApp, SMS/MMS, contacts, calls; FAT sdcard with pictures)
#             and a WhatsApp export zip handed in by the reporting parent
#   keys      spoor-key: a demo CA, an examiner, a police recipient
#   case      spoor-case init; spoor-acquire to E01 with verify (registers
#             the image); spoor-case add for the export
#   analysis  spoor-files --hashdb (a demo known-bad set: ALERT), and
#             spoor-artifacts on the image and the export, into the case
#   findings  spoor-case tag
#   report    spoor-report --lang nl --pseudonymise <the parent>
#   police    spoor-verify: VALID
#
# Exits non-zero when any step does not do what it should, so it is also a
# test (tests/cli/t-demo.sh runs it).
set -euo pipefail

out=${1:-demo-out}
: "${SPOOR_BUILD:?run through make demo}"
here=$(cd "$(dirname "$0")/.." && pwd)
PATH=$SPOOR_BUILD/bin:$PATH
export SPOOR_PLUGIN_PATH=${SPOOR_PLUGIN_PATH:-$SPOOR_BUILD/plugins}
export TZ=UTC
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
t0=$(date +%s)

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
say() { printf '%s\n' "$*"; }
# run CMD...: print it, run it, keep its exit status in $rc
run() {
	printf '$ %s\n' "$*" | sed "s|$out/|demo-out/|g"
	rc=0
	"$@" || rc=$?
}
want() {
	[ "$rc" = "$1" ] || { say "demo: expected exit $1, got $rc" >&2; exit 1; }
}

ev=$out/evidence
step "1. The evidence (fictional): a phone image and a parent's WhatsApp export"
bash "$here/testdata/mkphone.sh" "$ev"
mmls "$ev/phone.img" | sed -n '/userdata\|sdcard/p'
(cd "$ev" && sha256sum phone.img export/*.zip) | tee "$out/evidence.sha256"
IFS=$'\t' read -r _ parent_name < <(grep '^name' "$ev/reporter.txt")
IFS=$'\t' read -r _ parent_phone < <(grep '^phone' "$ev/reporter.txt")
say "The reporter (to be pseudonymised): $parent_name, $parent_phone"

pki=$out/pki
mkdir -p "$pki"
export SPOOR_PASSPHRASE=demo-passphrase-not-for-real-use
step "2. Keys: a demo organisation CA, an examiner certificate, a police recipient"
run spoor-key init-ca "$pki/ca" --org "Stichting Demo"; want 0
run spoor-key new --name "E. Xaminator" -o "$pki/examiner"; want 0
run spoor-key issue --ca "$pki/ca" --csr "$pki/examiner.csr" \
	-o "$pki/examiner.crt"; want 0
run spoor-key recipient --ca "$pki/ca" --name politie-demo \
	-o "$pki/politie-demo"; want 0
run spoor-key recipient --ca "$pki/ca" --name stichting-demo-dpo \
	-o "$pki/dpo"; want 0
say "(the DPO certificate seals the re-identification map; it never leaves the NGO)"
run spoor-key fingerprint "$pki/ca/root.crt"; want 0
head -c 32 /dev/urandom > "$pki/master.key"

case=$out/case
mkdir -p "$out/acquired"
step "3. The case, the acquisition (E01, verified) and the handed-in export"
run spoor-case init "$case" --case-id DEMO-2026-0001 \
	--examiner "E. Xaminator"; want 0
run spoor-acquire -q --format e01 --verify -C "$case" --exhibit E01 \
	--description "telefoon van het kind (demo)" \
	"$ev/phone.img" "$out/acquired/phone"; want 0
run spoor-case add "$case" "$ev/export/WhatsApp-chat met Mark.zip" \
	--exhibit E02 --description "WhatsApp-export" \
	--received-from "melder (ouder)"; want 0

step "4. Files: every file hashed and typed; the demo known-bad set raises an ALERT"
run spoor-hashdb build -q -o "$out/demo-known-bad.sdb" --kind=known-bad \
	--name=demo-known-bad "$ev/demo-known-bad.sha256"; want 0
run spoor-files -q -C "$case" --exhibit E01 \
	--hashdb="$out/demo-known-bad.sdb" -o "$out/files.jsonl" \
	"$out/acquired/phone.E01"; want 1
say "(exit 1: a known-bad hit, as intended)"
grep '"known-bad"' "$out/files.jsonl" | perl -MJSON::PP -ne \
	'$r = decode_json($_); print "  ALERT $r->{path} sha256 $r->{sha256}\n"'
say "Extension does not fit the content:"
grep '"ext_mismatch":true' "$out/files.jsonl" | perl -MJSON::PP -ne \
	'$r = decode_json($_); print "  $r->{path} is $r->{mime}\n"'

step "5. Artifacts: chats, contacts and calls from the image and the export"
run spoor-artifacts -q -C "$case" --exhibit E01 -o "$out/phone.jsonl" \
	"$out/acquired/phone.E01"; want 0
run spoor-artifacts -q -C "$case" --exhibit E02 --tz=Europe/Amsterdam \
	--me="$parent_name" -o "$out/export.jsonl" \
	"$ev/export/WhatsApp-chat met Mark.zip"; want 0
run spoor-artifacts --format=text "$ev/export/WhatsApp-chat met Mark.zip" \
	--tz=Europe/Amsterdam --me="$parent_name"; want 0

step "6. Findings: tag the grooming conversation and the parent's export"
ids=$(spoor-case records "$case" --type message --format jsonl |
	perl -MJSON::PP -ne '$r = decode_json($_);
		print "$r->{record_id}\n" if $r->{exhibit} eq "E02" ||
		($r->{chat_name} // "") eq "Daan de Vries"' | tr '\n' ' ')
[ -n "$ids" ] || { say "demo: no messages to tag" >&2; exit 1; }
# shellcheck disable=SC2086
run spoor-case tag "$case" $ids --label "grooming" \
	--note "contact met minderjarige; zie ook export ouder"; want 0
run spoor-case show "$case"; want 0
run spoor-case custody "$case" --verify; want 0

step "7. The signed report bundle, the parent pseudonymised"
run spoor-report -C "$case" -o "$out/bundle" --lang nl \
	--key "$pki/examiner.key" --cert "$pki/examiner.crt" \
	--chain "$pki/ca/ica.crt" --recipient politie-demo \
	--master-key "$pki/master.key" \
	--map-to "$pki/dpo.crt" --map-out "$out/pseudonym-map.p7m" \
	--pseudonymise "$parent_phone" --pseudonymise "$parent_name"; want 0
find "$out/bundle" -type f | sed "s|$out/||" | sort
if grep -rqF -e "$parent_name" -e "${parent_phone#+}" "$out/bundle"; then
	say "demo: the parent's identity is in the bundle" >&2
	exit 1
fi
say "The parent's name and number appear nowhere in the bundle."

step "8. The police side: one command"
run spoor-verify "$out/bundle" --trust "$pki/ca/root.crt" \
	--recipient politie-demo; want 0
say "And independently, with stock OpenSSL:"
run openssl cms -verify -binary -inform DER -in "$out/bundle/MANIFEST.p7s" \
	-content "$out/bundle/MANIFEST" -CAfile "$pki/ca/root.crt" \
	-purpose any -out /dev/null; want 0

step "9. The evidence did not change"
(cd "$ev" && sha256sum -c "$out/evidence.sha256")

if command -v chromium > /dev/null; then
	step "10. A picture of the report (headless Chromium, no network)"
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--proxy-server=127.0.0.1:9 --window-size=1200,1800 \
		--screenshot="$out/report.png" \
		"file://$out/bundle/report/report.html" > /dev/null 2>&1 || true
	[ -s "$out/report.png" ] && say "  demo-out/report.png"
fi

step "Done in $(( $(date +%s) - t0 )) s. Look further:"
cat <<EOF
  the report:        demo-out/bundle/report/report.html
  verify it again:   spoor-verify demo-out/bundle --trust demo-out/pki/ca/root.crt --recipient politie-demo
  the case:          spoor-case show demo-out/case; spoor-case custody demo-out/case --verify
  the messages:      spoor-artifacts --format=text demo-out/acquired/phone.E01
  the files:         spoor-files --format=csv demo-out/acquired/phone.E01 | less -S
  man pages:         man ./docs/spoor.1 (and spoor-files.1, spoor-case.1, ...)
  police guide:      docs/verify-nl.md, docs/verify-en.md
EOF
