# report-fixture.sh: sourced by tests/cli/t-report*.sh (after lib.sh).
#
# mk_pki DIR      a test PKI made with the openssl CLI (as in
#                 ../shared/docs/signing-demo.sh): root, issuing CA,
#                 examiner (ECDSA P-256, EKU documentSigning, key
#                 encrypted with passphrase "test pass"), an organisation
#                 re-identification certificate (RSA, for the sealed map),
#                 a TSA (EKU timeStamping, critical)
# mk_case DIR     a case directory made with the sqlite3 CLI from
#                 /tmp/helpers/casedb-schema.sql (or spoor-case's own
#                 lib/casedb.sql when present) and a custody.log chained
#                 with sha256sum; records are real JSONL lines from
#                 spoor-artifacts (testdata/mkartifacts.sh 'modern') and
#                 spoor-files (a directory with a JPEG in a known-bad
#                 hash set), plus one message whose text is hostile HTML.
#                 Sets EVID (evidence dir), JPG_SHA256/JPG_MD5/JPG_SHA1.
# Personas are fictional (testdata/mkartifacts.sh): the reporter in the
# pseudonym tests is "Daan de Vries", +31612345001.

mk_pki() {
	_d=$1
	mkdir -p "$_d"
	cat > "$_d/ext.cnf" <<'EOC'
[root_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[issuing_ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[examiner]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = 1.3.6.1.5.5.7.3.36
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[reid]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[tsa]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOC
	(
	cd "$_d" || exit 1
	_mk() { # name subj ext issuer alg
		if [ "$5" = rsa ]; then
			openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -quiet -out "$1.key"
		else
			openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -quiet -out "$1.key"
		fi
		openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
		if [ "$4" = self ]; then
			openssl x509 -req -in "$1.csr" -signkey "$1.key" \
				-days 365 -extfile ext.cnf -extensions "$3" \
				-out "$1.crt"
		else
			openssl x509 -req -in "$1.csr" -CA "$4.crt" -CAkey "$4.key" \
				-CAcreateserial -days 365 -extfile ext.cnf \
				-extensions "$3" -out "$1.crt"
		fi
	}
	_mk root "/O=Test NGO/CN=Test NGO Root" root_ca self ec
	_mk ca "/O=Test NGO/CN=Test NGO Issuing CA" issuing_ca root ec
	_mk examiner "/O=Test NGO/CN=Examiner A" examiner ca ec
	_mk reid "/O=Test NGO/CN=Re-identification" reid ca rsa
	_mk tsa "/O=Test TSA/CN=TSA" tsa root ec
	printf 'test pass\n' > pass.txt
	openssl pkey -in examiner.key -aes256 -passout pass:'test pass' \
		-out examiner.enc.key
	cat ca.crt root.crt > chain.pem
	) >/dev/null 2>&1
}

# custody_line SEQ PREV JSON: print the line.
_custody_add() {
	_log=$1 _case=$2 _json=$3
	if [ -s "$_log" ]; then
		_prev=$(tail -n1 "$_log" | tr -d '\n' | sha256sum | cut -d' ' -f1)
		_seq=$(wc -l < "$_log")
	else
		_prev=$(printf 'custody-v1\0%s' "$_case" | sha256sum | cut -d' ' -f1)
		_seq=0
	fi
	printf '%s\t%s\t%s\n' "$_seq" "$_prev" "$_json" >> "$_log"
}

mk_case() {
	_c=$1
	_w=$T/fixture
	mkdir -p "$_c" "$_w"
	EVID=$_w/evidence
	mkdir -p "$EVID/files"
	bash "$SPOOR_SRC/testdata/mkartifacts.sh" "$_w/art" >/dev/null 2>&1
	cp -a "$_w/art/modern" "$EVID/phone"
	# a JPEG the hash set lists as known-bad (bytes made here)
	printf '\377\330\377\340\000\020JFIF\000\001\001\000\000\001\000\001\000\000' \
		> "$EVID/files/img001.jpg"
	head -c 3000 /dev/zero | tr '\0' 'A' >> "$EVID/files/img001.jpg"
	printf 'notes of the device owner\n' > "$EVID/files/notes.txt"
	JPG_SHA256=$(sha256sum < "$EVID/files/img001.jpg" | cut -d' ' -f1)
	JPG_SHA1=$(sha1sum < "$EVID/files/img001.jpg" | cut -d' ' -f1)
	JPG_MD5=$(md5sum < "$EVID/files/img001.jpg" | cut -d' ' -f1)
	echo "$JPG_SHA256" > "$_w/bad.txt"
	spoor-hashdb build -o "$_w/bad.sdb" --name=test-bad \
		--kind=known-bad --category=1 --format=hashlist "$_w/bad.txt" \
		>/dev/null 2>&1
	spoor-files --exhibit=E01 --hashdb="$_w/bad.sdb" "$EVID/files" \
		> "$_w/files.jsonl" 2>/dev/null
	spoor-artifacts --exhibit=E02 "$EVID/phone" > "$_w/art.jsonl" \
		2>/dev/null
	# one hostile message: a real record with HTML in its text
	head -n1 "$_w/art.jsonl" | perl -MJSON::PP -ne '
		my $r = JSON::PP->new->decode($_);
		$r->{text} = "<script>alert(1)</script><img src=\"http://evil.example/x.png\">";
		$r->{rowid} = 999;
		print JSON::PP->new->canonical->encode($r), "\n";' \
		>> "$_w/art.jsonl"
	_schema=/tmp/helpers/casedb-schema.sql
	[ -f "$SPOOR_SRC/lib/casedb.sql" ] && _schema=$SPOOR_SRC/lib/casedb.sql
	sqlite3 "$_c/case.db" < "$_schema"
	_e1=$(find "$EVID/files" -type f | sort | while read -r f; do
		printf '%s  %s\n' "$(sha256sum < "$f" | cut -d' ' -f1)" \
			"${f#"$EVID/files/"}"; done | sha256sum | cut -d' ' -f1)
	E01_SHA256=$_e1
	perl -e '
		sub sqlq { my $s = shift; $s =~ s/\x27/\x27\x27/g; "\x27$s\x27" }
		print "INSERT INTO case_info VALUES (\x27case_id\x27, \x27TDH-2026-0042\x27), (\x27examiner\x27, \x27Examiner A\x27), (\x27created\x27, \x272026-11-01T09:00:00Z\x27), (\x27spoor_version\x27, \x270.1.0\x27), (\x27description\x27, \x27Grooming report via helpline\x27);\n";
		print "INSERT INTO exhibits VALUES (1, \x27E01\x27, \x27/evidence/files\x27, \x27directory\x27, 3026, NULL, NULL, \x27$ARGV[0]\x27, \x27USB stick\x27, \x27helpline\x27, NULL, NULL, \x272026-11-01T09:10:00Z\x27, 1, NULL);\n";
		print "INSERT INTO exhibits VALUES (2, \x27E02\x27, \x27/evidence/phone\x27, \x27directory\x27, 1000, NULL, NULL, \x27", "b" x 64, "\x27, \x27phone extraction\x27, \x27helpline\x27, \x27acquired with <b>tool</b>\x27, NULL, \x272026-11-01T09:20:00Z\x27, 2, NULL);\n";
		print "INSERT INTO runs (id, tool, version, parameters, exhibit, input_sha256, examiner, started, finished, exit_code, counts, custody_seq, state, exhibits) VALUES (1, \x27spoor-files\x27, \x270.1.0\x27, \x27[\"spoor-files\",\"--exhibit=E01\"]\x27, \x27E01\x27, \x27$ARGV[0]\x27, \x27Examiner A\x27, \x272026-11-01T10:00:00Z\x27, \x272026-11-01T10:01:00Z\x27, 1, \x27{\"files\":2,\"hits\":1}\x27, 3, \x27committed\x27, \x27[\"E01\"]\x27);\n";
		print "INSERT INTO runs (id, tool, version, parameters, exhibit, input_sha256, examiner, started, finished, exit_code, counts, custody_seq, state, exhibits) VALUES (2, \x27spoor-artifacts\x27, \x270.1.0\x27, \x27[\"spoor-artifacts\",\"--exhibit=E02\"]\x27, \x27E02\x27, NULL, \x27Examiner A\x27, \x272026-11-01T10:05:00Z\x27, \x272026-11-01T10:06:00Z\x27, 0, \x27{\"messages\":12}\x27, 4, \x27committed\x27, \x27[\"E02\"]\x27);\n";
		open my $f, "<", $ARGV[1] or die; while (<$f>) { chomp; print "INSERT INTO record_rows (run_id, exhibit, rtype, json) VALUES (1, \x27E01\x27, \x27file\x27, ", sqlq($_), ");\n"; }
		open $f, "<", $ARGV[2] or die; while (<$f>) { chomp; /"type":"(\w+)"/ or die; print "INSERT INTO record_rows (run_id, exhibit, rtype, json) VALUES (2, \x27E02\x27, \x27$1\x27, ", sqlq($_), ");\n"; }
	' "$_e1" "$_w/files.jsonl" "$_w/art.jsonl" | sqlite3 "$_c/case.db"
	sqlite3 "$_c/case.db" "PRAGMA user_version = 2;"
	_jpg_id=$(sqlite3 "$_c/case.db" "SELECT id FROM records WHERE rtype='file' AND json_extract(json,'$.name')='img001.jpg'")
	_msg_id=$(sqlite3 "$_c/case.db" "SELECT id FROM records WHERE rtype='message' AND json_extract(json,'$.rowid')=1")
	_bad_id=$(sqlite3 "$_c/case.db" "SELECT id FROM records WHERE rtype='message' AND json_extract(json,'$.rowid')=999")
	sqlite3 "$_c/case.db" "INSERT INTO tags (record_id, label, note, examiner, time, custody_seq) VALUES ($_jpg_id, 'known-bad', 'hash hit', 'Examiner A', '2026-11-01T11:00:00Z', 5), ($_msg_id, 'grooming', 'first contact', 'Examiner A', '2026-11-01T11:01:00Z', 6), ($_bad_id, 'hostile', '<i>note</i>', 'Examiner A', '2026-11-01T11:02:00Z', 7)"
	TAG_MSG_ID=$_msg_id
	_l=$_c/custody.log
	: > "$_l"
	_custody_add "$_l" TDH-2026-0042 '{"event":"received","time":"2026-11-01T09:00:00Z","examiner":"Examiner A"}'
	_custody_add "$_l" TDH-2026-0042 '{"event":"received","time":"2026-11-01T09:10:00Z","exhibit":"E01","examiner":"Examiner A"}'
	_custody_add "$_l" TDH-2026-0042 '{"event":"acquired","time":"2026-11-01T09:20:00Z","exhibit":"E02","examiner":"Examiner A"}'
	_custody_add "$_l" TDH-2026-0042 '{"event":"analysed","time":"2026-11-01T10:01:00Z","exhibit":"E01","tool":"spoor-files","examiner":"Examiner A"}'
	_custody_add "$_l" TDH-2026-0042 '{"event":"analysed","time":"2026-11-01T10:06:00Z","exhibit":"E02","tool":"spoor-artifacts","examiner":"Examiner A"}'
	_custody_add "$_l" TDH-2026-0042 '{"event":"tagged","time":"2026-11-01T11:00:00Z","examiner":"Examiner A"}'
	_custody_add "$_l" TDH-2026-0042 '{"event":"tagged","time":"2026-11-01T11:01:00Z","examiner":"Examiner A"}'
	_custody_add "$_l" TDH-2026-0042 '{"event":"tagged","time":"2026-11-01T11:02:00Z","examiner":"Examiner A"}'
}

# sum_tree DIR: sha256 of every file under DIR (a stable list).
sum_tree() {
	(cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
}
