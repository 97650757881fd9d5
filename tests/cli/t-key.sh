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
for f in root.key root.crt ica.key ica.crt; do
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

run_rc 2 "no command" spoor-key
run_rc 2 "init-ca without --org" spoor-key init-ca ca2
done_testing
