#!/bin/bash
# mkhashsets.sh OUTDIR: hash-set inputs in every format spoor-hashdb reads,
# made from their published structures by the tools that define them:
#
#   files/f001..f400      small files; their digests come from coreutils
#   md5sum.txt sha1sum.txt sha256sum.txt   coreutils output for all files
#   rds.db                NSRL RDS v3 (SQLite) with the published tables
#                         (VERSION, MFG, OS, PKG, FILE, the DISTINCT_HASH
#                         view), upper-case hex as NIST writes it: files
#                         1..200, files 1..20 twice (in two packages)
#   rds-nofile.db         an RDS database without its FILE table
#   NSRLFile.txt          legacy RDS 2.x CSV: files 150..300 (upper case,
#                         quoted, names with commas and quotes)
#   vics.json             Project VIC VICS 1.x OData: files 301..360, with
#                         "Category" 1..3 and nested MediaFiles arrays
#   hashdeep.txt          `hashdeep -c md5,sha256` over files 361..400
#   mixed-bad.txt         a sha256sum list with 3 unparseable lines at
#                         lines 2, 4 and 6
#   vics-nested.json      VICS 1.x case export: value[].Media[] (files
#                         361..380 in two cases)
#   vics-nodigests.json   the same layout, media without any digest
#   vics-truncated.json   vics.json cut in the middle
#   vics-deep.json        100000 nested arrays inside the value array
#   vics-novalue.json     JSON without a "value" array
#
# Called by tests/cli/t-hashdb*.sh into their scratch directory.
set -eu
out=$1
mkdir -p "$out/files"
cd "$out"
export LC_ALL=C

for i in $(seq -w 1 400); do
	printf 'spoor hash-set test file %s\n' "$i" > "files/f$i"
done
(cd files && md5sum f*) > md5sum.txt
(cd files && sha1sum f*) > sha1sum.txt
(cd files && sha256sum f*) > sha256sum.txt
# one line per file: name md5 sha1 sha256 (upper case for NIST's files)
paste -d' ' <(awk '{print $2, $1}' md5sum.txt) <(awk '{print $1}' sha1sum.txt) \
	<(awk '{print $1}' sha256sum.txt) | tr 'a-f' 'A-F' | sed 's/^F/f/' > all.txt

# ---- NSRL RDS v3: the schema NIST publishes with RDSv3 ----
rds_schema='
CREATE TABLE VERSION (version VARCHAR UNIQUE NOT NULL, build_set VARCHAR NOT NULL,
  build_date TIMESTAMP NOT NULL, release_date TIMESTAMP NOT NULL,
  description VARCHAR NOT NULL);
CREATE TABLE MFG (manufacturer_id INTEGER NOT NULL, name VARCHAR NOT NULL);
CREATE TABLE OS (operating_system_id INTEGER NOT NULL, name VARCHAR NOT NULL,
  version VARCHAR NOT NULL, manufacturer_id INTEGER NOT NULL);
CREATE TABLE PKG (package_id INTEGER NOT NULL, name VARCHAR NOT NULL,
  version VARCHAR NOT NULL, operating_system_id INTEGER NOT NULL,
  manufacturer_id INTEGER NOT NULL, language VARCHAR NOT NULL,
  application_type VARCHAR NOT NULL);
INSERT INTO VERSION VALUES ("2024.03.1", "Modern Minimal", "2024-03-01", "2024-03-01", "test");
INSERT INTO MFG VALUES (1, "Example Corp");
INSERT INTO OS VALUES (1, "TestOS", "1.0", 1);
INSERT INTO PKG VALUES (1, "Package One", "1.0", 1, 1, "English", "Utility");
INSERT INTO PKG VALUES (2, "Package Two", "2.0", 1, 1, "English", "Utility");
'
file_table='CREATE TABLE FILE (sha256 VARCHAR NOT NULL, sha1 VARCHAR NOT NULL,
  md5 VARCHAR NOT NULL, crc32 VARCHAR NOT NULL, file_name VARCHAR NOT NULL,
  file_size INTEGER NOT NULL, package_id INTEGER NOT NULL);
CREATE VIEW DISTINCT_HASH AS SELECT DISTINCT sha256, sha1, md5 FROM FILE;'
{
	echo "$rds_schema"
	echo "$file_table"
	echo 'BEGIN;'
	sed -n '1,200p' all.txt | awk '{ printf "INSERT INTO FILE VALUES (\x27%s\x27, \x27%s\x27, \x27%s\x27, \x2700000000\x27, \x27%s\x27, 31, 1);\n", $4, $3, $2, $1 }'
	sed -n '1,20p' all.txt | awk '{ printf "INSERT INTO FILE VALUES (\x27%s\x27, \x27%s\x27, \x27%s\x27, \x2700000000\x27, \x27copy of %s\x27, 31, 2);\n", $4, $3, $2, $1 }'
	echo 'COMMIT;'
} > rds.sql
rm -f rds.db rds-nofile.db
sqlite3 rds.db < rds.sql
echo "$rds_schema" | sqlite3 rds-nofile.db

# ---- legacy NSRLFile.txt ----
{
	echo '"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode","SpecialCode"'
	sed -n '150,300p' all.txt | awk '{
		name = $1
		if (NR % 3 == 0) name = name ", a \"\"quoted\"\" name"
		printf "\"%s\",\"%s\",\"00000000\",\"%s\",31,1234,\"358\",\"\"\r\n", $3, $2, name }'
} > NSRLFile.txt

# ---- VICS JSON (OData, as Project VIC's VICS 1.x exports) ----
{
	printf '{\n  "odata.metadata": "http://github.com/ICMEC/ProjectVic/DataModels/1.2.xml/$metadata#Media",\n  "value": [\n'
	sed -n '301,360p' all.txt | awk '{
		cat = (NR % 3) + 1
		if (NR > 1) printf ",\n"
		printf "    {\"odata.id\": \"http://example/Media(%d)\", \"MediaID\": %d, ", NR, NR
		printf "\"Category\": %d, \"MD5\": \"%s\", \"SHA1\": \"%s\", ", cat, $2, $3
		printf "\"IsDistributed\": false, \"Tags\": [\"t\\u00e9st\", {\"MD5\": \"00\"}], "
		printf "\"MediaFiles\": [{\"FileName\": \"%s\", \"FilePath\": \"C:\\\\x\"}]}", $1 }'
	printf '\n  ]\n}\n'
} > vics.json
# VICS 1.x as a case export: value[] holds cases, the media are nested
# in each case's Media[] (files 361..380, two cases)
{
	printf '{\n  "odata.metadata": "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml/$metadata#Cases",\n  "value": [\n'
	sed -n '361,380p' all.txt | awk '{
		if (NR == 1) printf "    {\"CaseID\": \"C1\", \"CaseNumber\": \"2024-001\", \"Media\": [\n"
		if (NR == 11) printf "\n    ]},\n    {\"CaseID\": \"C2\", \"Media\": [\n"
		else if (NR > 1) printf ",\n"
		printf "      {\"MediaID\": %d, \"Category\": %d, \"MD5\": \"%s\", ", NR, (NR % 3) + 1, $2
		printf "\"SHA1\": \"%s\", \"MediaFiles\": [{\"FileName\": \"%s\"}]}", $3, $1 }'
	printf '\n    ], "Notes": "x"}\n  ]\n}\n'
} > vics-nested.json
# the same layout with no digests at all: a set of 0 digests
printf '{"odata.metadata": "x#Cases", "value": [{"CaseID": "C1", "Media": [{"MediaID": 1, "FileName": "a.jpg"}]}]}\n' \
	> vics-nodigests.json
head -c 3000 vics.json > vics-truncated.json
{
	printf '{"value": [{"MD5": "%s", "Category": 1}, ' "$(sed -n 301p md5sum.txt | cut -d' ' -f1)"
	head -c 100000 /dev/zero | tr '\0' '['
	head -c 100000 /dev/zero | tr '\0' ']'
	printf ']}\n'
} > vics-deep.json
printf '{"odata.metadata": "x", "items": [{"MD5": "%s"}]}\n' \
	"$(sed -n 301p md5sum.txt | cut -d' ' -f1)" > vics-novalue.json

# ---- hashdeep's own output ----
mkdir -p hd
cp files/f36[1-9] files/f3[7-9]? files/f400 hd/
(cd hd && hashdeep -c md5,sha256 -l -- *) > hashdeep.txt

# ---- a list with lines that do not parse ----
{
	sed -n 1p sha256sum.txt
	echo 'this is not a digest'
	sed -n 2p sha256sum.txt
	echo 'abcd  short'
	sed -n 3p sha256sum.txt
	echo "$(sed -n 4p sha256sum.txt | cut -c1-63)g  bad-hex"
	sed -n 5p sha256sum.txt
} > mixed-bad.txt
