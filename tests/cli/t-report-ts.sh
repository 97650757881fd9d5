#!/bin/bash
# t-report-ts.sh: timestamp-request writes an RFC 3161 query over
# MANIFEST.p7s that openssl ts answers; attach-timestamp adds the reply
# without touching the signature and refuses a reply for other data or
# with another nonce.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report-fixture.sh"
need openssl sqlite3 perl
command -v spoor-report >/dev/null || skip_all "spoor-report not built"

mk_pki "$T/pki"
mk_case "$T/case"
P=$T/pki
B=$T/bundle
run_rc 0 "build a bundle" spoor-report -C "$T/case" -o "$B" \
	--key "$P/examiner.key" --cert "$P/examiner.crt" \
	--chain "$P/chain.pem" --recipient NL-POL
sig_before=$(sha256 "$B/MANIFEST.p7s")
man_before=$(sha256 "$B/MANIFEST")

mkdir -p "$T/tsadir"
echo 01 > "$T/tsadir/serial"
cat "$P/root.crt" > "$T/tsadir/chain.pem"
cat > "$T/tsa.cnf" <<EOC
[tsa]
default_tsa = tsa1
[tsa1]
dir = $T/tsadir
serial = \$dir/serial
crypto_device = builtin
signer_cert = $P/tsa.crt
certs = \$dir/chain.pem
signer_key = $P/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
EOC

run_rc 0 "timestamp-request" spoor-report timestamp-request "$B" -o "$T/req.tsq"
openssl ts -query -in "$T/req.tsq" -text > "$T/req.txt" 2>/dev/null
ok $? "openssl parses the request"
grep -q 'Hash Algorithm: sha256' "$T/req.txt"
ok $? "request uses SHA-256"
is "$(sed -n '/Message data:/,/Policy OID/p' "$T/req.txt" | awk -F' - ' '/^ *[0-9a-f][0-9a-f][0-9a-f][0-9a-f] - /{print substr($2, 1, 47)}' | tr -d ' \n-')" \
	"$(sha256 "$B/MANIFEST.p7s")" "imprint = sha256sum of MANIFEST.p7s"
grep -Eq 'Nonce: 0x[0-9A-F]+' "$T/req.txt"
ok $? "request has a nonce"
grep -q 'Certificate required: yes' "$T/req.txt"
ok $? "request asks for the TSA certificate"

openssl ts -reply -config "$T/tsa.cnf" -queryfile "$T/req.tsq" -out "$T/reply.tsr" 2>/dev/null
ok $? "openssl ts -reply answers it"
openssl ts -verify -queryfile "$T/req.tsq" -in "$T/reply.tsr" -CAfile "$P/root.crt" >/dev/null 2>&1
ok $? "openssl ts -verify: the reply fits the request"

# a reply for another request (other nonce) is refused
run_rc 0 "a second request" spoor-report timestamp-request "$B" -o "$T/req2.tsq"
openssl ts -reply -config "$T/tsa.cnf" -queryfile "$T/req2.tsq" -out "$T/reply2.tsr" 2>/dev/null
run_rc 3 "attach refuses a reply with another nonce" spoor-report \
	attach-timestamp --request "$T/req.tsq" "$B" "$T/reply2.tsr"
# a reply over other data is refused
openssl ts -query -data "$B/MANIFEST" -sha256 -cert -out "$T/other.tsq" 2>/dev/null
openssl ts -reply -config "$T/tsa.cnf" -queryfile "$T/other.tsq" -out "$T/other.tsr" 2>/dev/null
run_rc 3 "attach refuses a reply over other data" spoor-report \
	attach-timestamp "$B" "$T/other.tsr"
run_rc 3 "attach refuses garbage" spoor-report attach-timestamp "$B" "$T/req.tsq"
ok "$([ ! -e "$B/MANIFEST.p7s.tsr" ]; echo $?)" "nothing attached after refusals"

run_rc 0 "attach the matching reply" spoor-report attach-timestamp \
	--request "$T/req.tsq" "$B" "$T/reply.tsr"
cmp -s "$B/MANIFEST.p7s.tsr" "$T/reply.tsr"
ok $? "MANIFEST.p7s.tsr is the reply"
is "$(sha256 "$B/MANIFEST.p7s")" "$sig_before" "signature unchanged"
is "$(sha256 "$B/MANIFEST")" "$man_before" "MANIFEST unchanged"
openssl ts -verify -data "$B/MANIFEST.p7s" -in "$B/MANIFEST.p7s.tsr" -CAfile "$P/root.crt" >/dev/null 2>&1
ok $? "openssl ts -verify -data MANIFEST.p7s accepts the attached token"
openssl cms -verify -binary -inform DER -in "$B/MANIFEST.p7s" \
	-content "$B/MANIFEST" -CAfile "$P/root.crt" -purpose any -cades \
	-out /dev/null 2>/dev/null
ok $? "the signature still verifies"
if command -v spoor-verify >/dev/null 2>&1; then
	spoor-verify "$B" --trust "$P/root.crt" --tsa-trust "$P/root.crt" \
		--recipient NL-POL > "$T/sv.out" 2>&1
	ok "$(grep -q '^VALID' "$T/sv.out" && ! grep -q 'no trusted time' "$T/sv.out"; echo $?)" \
		"spoor-verify takes the attached token as trusted time"
else
	skip "spoor-verify not built"
fi
run_rc 4 "a second attach is refused" spoor-report attach-timestamp "$B" "$T/reply.tsr"
done_testing
