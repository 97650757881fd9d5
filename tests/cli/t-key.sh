#!/bin/bash
# t-key: spoor-key's CA, examiner and recipient certificates, checked with
# the openssl CLI (an independent oracle), and a bundle signed with them
# accepted by spoor-verify.
. "$(dirname "$0")/lib.sh"

command -v openssl >/dev/null || skip_all "no openssl"
ORG="Stichting Veilig Kind"
PASS=correct-horse-battery
export SPOOR_PASSPHRASE=$PASS
cd "$T" || exit 1

run_rc 0 "init-ca" spoor-key init-ca ca --org "$ORG"
cp "$T/out" init.out
for f in root.key root.crt ica.key ica.crt chain.pem; do
	test -s "ca/$f"
	ok $? "init-ca wrote $f"
done
is "$(stat -c %a ca/root.key)" 600 "root key is mode 600"
grep -q "^-----BEGIN ENCRYPTED PRIVATE KEY-----" ca/root.key
ok $? "root key is encrypted PKCS#8"
openssl x509 -in ca/root.crt -noout -text > root.txt
grep -A1 'Basic Constraints: critical' root.txt | grep -q 'CA:TRUE'
ok $? "root: basicConstraints critical CA:TRUE"
grep -A1 'Key Usage: critical' root.txt | grep -q 'Certificate Sign, CRL Sign'
ok $? "root: keyUsage critical keyCertSign, cRLSign"
grep -q 'prime256v1\|P-256' root.txt
ok $? "root: ECDSA P-256"
openssl x509 -in ca/ica.crt -noout -text > ica.txt
grep -A1 'Basic Constraints: critical' ica.txt | grep -q 'CA:TRUE, pathlen:0'
ok $? "issuing CA: pathlen 0"
grep -q 'Authority Key Identifier' ica.txt && grep -q 'Subject Key Identifier' ica.txt
ok $? "issuing CA: SKI and AKI"
run_rc 0 "issuing CA verifies to the root" openssl verify -CAfile ca/root.crt ca/ica.crt
fpr=$(openssl x509 -in ca/root.crt -outform DER | sha256sum | cut -c1-64)
is "$(spoor-key fingerprint ca/root.crt | head -n1)" "$fpr" \
	"fingerprint = sha256sum of the DER"
is "$(sed -n 's/^sha256: //p' init.out)" "$fpr" "init-ca prints the root fingerprint"
is "$(cat ca/ica.crt ca/root.crt | sha256sum)" "$(sha256sum < ca/chain.pem)" \
	"chain.pem is ica.crt then root.crt"
grouped=$(openssl x509 -in ca/root.crt -outform DER | sha256sum | cut -c1-64 |
	tr a-f A-F | sed 's/..../& /g; s/ $//')
is "$(spoor-key fingerprint ca/root.crt | sed -n 2p | tr -s ' ')" "$grouped" \
	"fingerprint: grouped form"

run_rc 0 "new examiner key" spoor-key new --name "Eva de Vries" -o eva
grep -q "^-----BEGIN ENCRYPTED PRIVATE KEY-----" eva.key
ok $? "examiner key is encrypted"
openssl asn1parse -in eva.key > asn1.txt
grep -q ':scrypt' asn1.txt && grep -q ':aes-256-cbc' asn1.txt
ok $? "examiner key: scrypt + AES-256"
run_rc 0 "openssl reads the key with the passphrase" openssl pkey -in eva.key \
	-passin "pass:$PASS" -noout
run_rc 1 "openssl refuses a wrong passphrase" openssl pkey -in eva.key \
	-passin pass:wrong-passphrase -noout
grep -rq -- "$PASS" . 
is "$?" 1 "the passphrase appears in no output file"
run_rc 0 "request verifies" openssl req -in eva.csr -verify -noout

printf '%s\n' "$PASS" > pass.txt
run_rc 0 "issue (passphrase file)" env -u SPOOR_PASSPHRASE spoor-key issue \
	--ca ca --csr eva.csr -o eva.crt --passphrase-file pass.txt
openssl x509 -in eva.crt -noout -text > eva.txt
grep -A1 'Key Usage: critical' eva.txt | grep -q 'Digital Signature, Non Repudiation'
ok $? "examiner: keyUsage digitalSignature, nonRepudiation (critical)"
grep -A1 'Extended Key Usage' eva.txt | grep -q '1.3.6.1.5.5.7.3.36'
ok $? "examiner: EKU documentSigning"
openssl x509 -in eva.crt -noout -subject -nameopt RFC2253 > subj.txt
grep -q "O=$ORG" subj.txt && grep -q 'CN=Eva de Vries' subj.txt
ok $? "examiner: subject O = the organisation, CN = the name"
nb=$(date -d "$(openssl x509 -in eva.crt -noout -startdate | cut -d= -f2)" +%s)
na=$(date -d "$(openssl x509 -in eva.crt -noout -enddate | cut -d= -f2)" +%s)
is "$(( (na - nb) / 86400 ))" 365 "examiner: valid 365 days"
run_rc 0 "examiner verifies to the root" openssl verify -CAfile ca/root.crt \
	-untrusted ca/ica.crt -purpose any eva.crt
run_rc 3 "wrong CA passphrase" env SPOOR_PASSPHRASE=not-the-passphrase \
	spoor-key issue --ca ca --csr eva.csr -o eva2.crt
run_rc 4 "an existing output is never overwritten" spoor-key issue --ca ca \
	--csr eva.csr -o eva.crt --days 30

# ---- recipient: AuthEnvelopedData with stock openssl ----
run_rc 0 "recipient" spoor-key recipient --ca ca --name nl-pol-zeden-oost -o pol
openssl x509 -in pol.crt -noout -text > pol.txt
grep -q '3072 bit' pol.txt
ok $? "recipient: RSA 3072"
grep -A1 'Key Usage: critical' pol.txt | grep -q 'Key Encipherment'
ok $? "recipient: keyEncipherment"
echo "verzegeld bewijs" > plain.txt
run_rc 0 "openssl cms -encrypt -aes-256-gcm to the unit" openssl cms -encrypt \
	-binary -aes-256-gcm -recip pol.crt -keyopt rsa_padding_mode:oaep \
	-in plain.txt -outform DER -out sealed.p7m
run_rc 0 "openssl cms -decrypt with the unit key" openssl cms -decrypt \
	-binary -inform DER -in sealed.p7m -recip pol.crt -inkey pol.key \
	-passin "pass:$PASS" -out round.txt
cmp -s plain.txt round.txt
ok $? "recipient: plaintext round-trips"
openssl cms -cmsout -print -inform DER -in sealed.p7m | grep -q authEnvelopedData
ok $? "recipient: AuthEnvelopedData"

# ---- a bundle signed with these keys verifies ----
mkdir -p b/data b/custody
echo '{"x":1}' > b/data/findings.json
g=$(printf 'custody-v1\0%s' SVK-1 | sha256sum | cut -c1-64)
line=$(printf '0\t%s\t{"event":"received"}' "$g")
printf '%s\n' "$line" > b/custody/custody.log
head=$(printf '%s' "$line" | sha256sum | cut -c1-64)
{
	printf 'FORENSIC-BUNDLE-MANIFEST 1\nbundle-id: 0b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8\n'
	printf 'bundle-version: 1\nsupersedes: -\ncase-id: SVK-1\npolice-ref: -\n'
	printf 'recipient: nl-pol-zeden-oost\ncreated: 2025-06-01T12:00:00Z\n'
	printf 'producer: t-key 1\ncustody-head: %s\ncustody-count: 1\n' "$head"
	printf 'content-policy: hash-only\nhash: sha256\n\n'
	(cd b && for f in custody/custody.log data/findings.json; do
		printf '%s %s %s\n' "$(sha256sum < $f | cut -c1-64)" \
			"$(stat -c %s $f)" "$f"; done)
} > b/MANIFEST
openssl cms -sign -binary -nosmimecap -cades -md sha256 -in b/MANIFEST \
	-signer eva.crt -inkey eva.key -passin "pass:$PASS" \
	-certfile ca/ica.crt -outform DER -out b/MANIFEST.p7s
run_rc 0 "spoor-verify accepts a bundle signed with spoor-key's certificate" \
	spoor-verify b --trust ca/root.crt --org "$ORG" --recipient nl-pol-zeden-oost

# ---- crl: checked with openssl crl and openssl verify -crl_check ----
run_rc 0 "a second examiner (to revoke)" spoor-key new --name "Bram Jansen" -o bram
run_rc 0 "issue bram" spoor-key issue --ca ca --csr bram.csr -o bram.crt
run_rc 0 "crl: a first CRL, nothing revoked" spoor-key crl --ca ca -o crl1.pem
openssl crl -in crl1.pem -noout -text -CAfile ca/ica.crt > crl1.txt 2>&1
grep -q 'verify OK' crl1.txt
ok $? "openssl crl -CAfile: the CRL's signature verifies to the issuing CA"
grep -q 'Version 2' crl1.txt
ok $? "CRL version 2"
grep -q 'No Revoked Certificates' crl1.txt
ok $? "the first CRL revokes nothing"
is "$(grep -A1 'CRL Number' crl1.txt | tail -n1 | tr -d ' ')" 1 "first CRL number 1"
openssl crl -in crl1.pem -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//' > iss.txt
is "$(cat iss.txt)" "$(openssl x509 -in ca/ica.crt -noout -subject -nameopt RFC2253 | sed 's/^subject=//')" \
	"CRL issuer = the issuing CA's subject"
ski=$(openssl x509 -in ca/ica.crt -noout -ext subjectKeyIdentifier | tail -n1 | tr -d ' ')
is "$(grep -A1 'Authority Key Identifier' crl1.txt | tail -n1 | tr -d ' ' | sed 's/^keyid://')" \
	"$ski" "CRL AKI = the issuing CA's SKI"
lu=$(date -d "$(openssl crl -in crl1.pem -noout -lastupdate | cut -d= -f2)" +%s)
nu=$(date -d "$(openssl crl -in crl1.pem -noout -nextupdate | cut -d= -f2)" +%s)
is "$(( (nu - lu) / 86400 ))" 30 "nextUpdate = lastUpdate + 30 days by default"
cat ca/root.crt ca/ica.crt > cachain.pem
run_rc 0 "openssl verify -crl_check: bram passes the first CRL" openssl verify \
	-crl_check -CRLfile crl1.pem -CAfile cachain.pem -purpose any bram.crt

run_rc 0 "crl --revoke bram --reason keyCompromise --days 7" spoor-key crl \
	--ca ca -o crl2.pem --revoke bram.crt --reason keyCompromise --days 7
openssl crl -in crl2.pem -noout -text -CAfile ca/ica.crt > crl2.txt 2>&1
grep -q 'verify OK' crl2.txt
ok $? "the second CRL verifies to the issuing CA"
is "$(grep -A1 'CRL Number' crl2.txt | tail -n1 | tr -d ' ')" 2 "CRL number incremented to 2"
bram_sn=$(openssl x509 -in bram.crt -noout -serial | cut -d= -f2)
grep -q "Serial Number: $bram_sn" crl2.txt
ok $? "bram's serial (openssl x509 -serial) is listed"
grep -A4 "Serial Number: $bram_sn" crl2.txt | grep -q 'Key Compromise'
ok $? "with reason keyCompromise"
lu=$(date -d "$(openssl crl -in crl2.pem -noout -lastupdate | cut -d= -f2)" +%s)
nu=$(date -d "$(openssl crl -in crl2.pem -noout -nextupdate | cut -d= -f2)" +%s)
is "$(( (nu - lu) / 86400 ))" 7 "--days 7: nextUpdate 7 days on"
run_rc 2 "openssl verify -crl_check: the revoked certificate fails" openssl \
	verify -crl_check -CRLfile crl2.pem -CAfile cachain.pem -purpose any bram.crt
cat "$T/out" "$T/err" | grep -q 'certificate revoked'
ok $? "openssl says: certificate revoked"
run_rc 0 "openssl verify -crl_check: a good certificate passes" openssl verify \
	-crl_check -CRLfile crl2.pem -CAfile cachain.pem -purpose any eva.crt

run_rc 0 "crl --revoke pol (a third CRL)" spoor-key crl --ca ca -o crl3.pem \
	--revoke pol.crt
openssl crl -in crl3.pem -noout -text > crl3.txt
pol_sn=$(openssl x509 -in pol.crt -noout -serial | cut -d= -f2)
grep -q "Serial Number: $bram_sn" crl3.txt && grep -q "Serial Number: $pol_sn" crl3.txt
ok $? "each CRL lists every certificate revoked so far"
is "$(grep -c 'Serial Number:' crl3.txt)" 2 "two revoked certificates"
is "$(grep -A1 'CRL Number' crl3.txt | tail -n1 | tr -d ' ')" 3 "CRL number 3"
grep -A3 "Serial Number: $pol_sn" crl3.txt | grep -q 'Reason'
ok "$([ $? -ne 0 ]; echo $?)" "no reason code without --reason"
cp ca/crlnumber crlnumber.before
run_rc 4 "crl: an existing output is never overwritten" spoor-key crl --ca ca -o crl3.pem
cmp -s ca/crlnumber crlnumber.before
ok $? "and the CRL number is not used up"
run_rc 3 "crl: the root is not the issuing CA's to revoke" spoor-key crl \
	--ca ca -o crl4.pem --revoke ca/root.crt
ok "$([ ! -e crl4.pem ]; echo $?)" "no CRL written"
run_rc 2 "crl: an unknown --reason" spoor-key crl --ca ca -o crl4.pem \
	--revoke bram.crt --reason because
run_rc 2 "crl: --reason without --revoke" spoor-key crl --ca ca -o crl4.pem \
	--reason keyCompromise
run_rc 3 "crl: wrong passphrase" env SPOOR_PASSPHRASE=not-the-passphrase \
	spoor-key crl --ca ca -o crl4.pem
printf 'zz\t20260101000000Z\t-\n' > badca.txt
mkdir -p badca && cp ca/ica.crt ca/ica.key badca/ && cp badca.txt badca/revoked.txt
run_rc 3 "crl: a malformed revoked.txt is refused" spoor-key crl --ca badca -o crl5.pem
grep -rq -- "$PASS" ca/revoked.txt ca/crlnumber crl*.pem
is "$?" 1 "the passphrase appears in no CRL or state file"

# a bundle signed by the revoked examiner, with spoor-key's CRL: INVALID
mkdir -p b2 && cp -r b/data b/custody b2/ && cp b/MANIFEST b2/MANIFEST
openssl cms -sign -binary -nosmimecap -cades -md sha256 -in b2/MANIFEST \
	-signer bram.crt -inkey bram.key -passin "pass:$PASS" \
	-certfile ca/ica.crt -outform DER -out b2/MANIFEST.p7s
run_rc 0 "spoor-verify: bram's bundle without a CRL" spoor-verify b2 \
	--trust ca/root.crt --org "$ORG" --recipient nl-pol-zeden-oost
run_rc 1 "spoor-verify --crl (spoor-key's): bram's bundle is INVALID" \
	spoor-verify b2 --trust ca/root.crt --org "$ORG" \
	--recipient nl-pol-zeden-oost --crl crl3.pem
grep -q 'revoked' "$T/out"
ok $? "the reason names the revocation"
run_rc 0 "spoor-verify --crl: eva's bundle is still accepted" spoor-verify b \
	--trust ca/root.crt --org "$ORG" --recipient nl-pol-zeden-oost --crl crl3.pem
grep -q 'no revocation data' "$T/out"
ok "$([ $? -ne 0 ]; echo $?)" "and with the CRL there is no 'no revocation data' warning"

run_rc 2 "no command" spoor-key
run_rc 2 "init-ca without --org" spoor-key init-ca ca2
done_testing
