# tests/cli/lib.sh: TAP helpers for the CLI tests, sourced by tests/cli/t-*.sh.
#
# The Makefile runs the tests through prove with this environment:
#   SPOOR_SRC       the source tree (absolute)
#   SPOOR_BUILD     the build tree (absolute); tools are in $SPOOR_BUILD/bin
#   SPOOR_TESTDATA  generated test images ($SPOOR_BUILD/testdata)
# Each test gets a private scratch directory in $T, removed at exit.

set -u
: "${SPOOR_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${SPOOR_BUILD:=$SPOOR_SRC/build}"
: "${SPOOR_TESTDATA:=$SPOOR_BUILD/testdata}"
export SPOOR_SRC SPOOR_BUILD SPOOR_TESTDATA
PATH="$SPOOR_BUILD/bin:$PATH"
export LC_ALL=C.UTF-8 TZ=UTC

T=$(mktemp -d "${TMPDIR:-/tmp}/spoor-test.XXXXXX")
trap 'rm -rf "$T"' EXIT

_tap_n=0
_tap_fail=0
_tap_planned=

plan() { _tap_planned=$1; echo "1..$1"; }

# ok COND DESC: COND is an exit status (0 = pass).
ok() {
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_fail=$((_tap_fail + 1))
	fi
}

# is GOT WANT DESC
is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   got:  %s\n#   want: %s\n' "$1" "$2"
	fi
}

# run_rc WANT DESC CMD...: run CMD (stdout to $T/out, stderr to $T/err) and
# check its exit status.
run_rc() {
	_want=$1 _desc=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	_rc=$?
	is "$_rc" "$_want" "$_desc (exit $_want)"
	if [ "$_rc" != "$_want" ]; then
		sed 's/^/#   stderr: /' "$T/err" | head -20
	fi
	# DFXML on stdout is checked at once (the next run overwrites it)
	if head -c 4096 "$T/out" | grep -q '<dfxml[ >]' && dfxml_ns "$T/out"
	then
		dfxml_valid "$T/out" "$_desc"
	fi
}

# dfxml_valid FILE DESC: FILE validates against the DFXML schema.
dfxml_valid() {
	command -v xmllint >/dev/null 2>&1 || { skip "no xmllint"; return; }
	if ! dfxml_ns "$1"; then
		skip "$2: DFXML-style XML outside the DFXML namespace (not checked)"
		return
	fi
	xmllint --noout --nonet --schema \
		"$SPOOR_SRC/tests/schemas/dfxml/dfxml.xsd" "$1" \
		> "$T/.dfxml-err" 2>&1
	ok $? "$2: DFXML valid against the DFXML schema (xmllint)"
	grep -v ' validates$' "$T/.dfxml-err" | head -5 | sed 's/^/#   /'
}

# diff_ok GOT_FILE WANT_FILE DESC: pass when the files are identical.
diff_ok() {
	if diff -u "$2" "$1" >"$T/diff" 2>&1; then
		ok 0 "$3"
	else
		ok 1 "$3"
		head -40 "$T/diff" | sed 's/^/#   /'
	fi
}

skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n # skip $1"; }
skip_all() { echo "1..0 # SKIP $1"; exit 0; }
diag() { echo "# $*"; }

# Every DFXML document a test leaves under $T is checked against the DFXML
# schema (tests/schemas/dfxml, a copy of the public-domain schema of
# ../shared/schemas/dfxml) by xmllint, one TAP line per file, before the
# plan is printed: no test can write DFXML that its consumers refuse.
dfxml_validate_all() {
	local f
	[ -n "$_tap_planned" ] && return 0
	command -v xmllint >/dev/null 2>&1 || return 0
	find "$T" -type f -size +0 -print0 2>/dev/null | sort -z |
		while IFS= read -r -d '' f; do
			head -c 4096 "$f" 2>/dev/null | grep -q '<dfxml[ >]' ||
				continue
			printf '%s\n' "$f"
		done > "$T/.dfxml-list"
	while IFS= read -r f; do
		[ "$f" = "$T/out" ] && continue	# checked by run_rc
		dfxml_valid "$f" "${f#"$T"/}"
	done < "$T/.dfxml-list"
}

# Only a document in the DFXML namespace claims to be DFXML (spoor-
# acquire's XML log is DFXML-style, in no namespace: reported, not
# checked).
dfxml_ns() {
	head -c 4096 "$1" | grep -q \
		'xmlns="http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML"'
}

done_testing() {
	dfxml_validate_all
	[ -n "$_tap_planned" ] || echo "1..$_tap_n"
	[ "$_tap_fail" -eq 0 ]
}

# sha256 FILE: the hex SHA-256 of FILE by coreutils (an independent oracle).
sha256() { sha256sum "$1" | cut -d' ' -f1; }

need() {
	for _c in "$@"; do
		command -v "$_c" >/dev/null 2>&1 || skip_all "$_c not installed"
	done
}

# need_plugins PLUGIN...: the start of a phone-app plugin test: skip
# unless python3, sha256sum and every PLUGIN.so are there
# (SPOOR_PLUGIN_PATH, default the build's), write the fixtures of
# testdata/mkapps.py into $F (the oracles are in $O), point TMPDIR at an
# empty $T/tmp and hash the fixtures into $T/before.
need_plugins() {
	need python3 sha256sum
	: "${SPOOR_PLUGIN_PATH:=$SPOOR_BUILD/plugins}"
	export SPOOR_PLUGIN_PATH
	for _p in "$@"; do
		[ -f "$SPOOR_PLUGIN_PATH/$_p.so" ] ||
			skip_all "$_p.so not built"
	done
	O=$SPOOR_SRC/tests/cli/oracle
	F=$T/fx
	python3 "$SPOOR_SRC/testdata/mkapps.py" "$F" > /dev/null
	ok $? "fixtures generated"
	export TMPDIR=$T/tmp
	mkdir -p "$TMPDIR"
	(cd "$F" && find . -type f -print0 | sort -z | xargs -0 sha256sum) \
		> "$T/before"
}

# jsonl_fields FILE FIELD...: the named fields of every JSON Lines record,
# tab separated, one line per record (null as "null", booleans as
# true/false).  Fails when a line is not valid JSON.  Perl's core JSON::PP
# is the parser: an oracle independent of spoor's writer.
jsonl_fields() {
	_f=$1
	shift
	JSONL_FILE="$_f" perl -MJSON::PP -e '
		binmode STDOUT, ":utf8";
		my @keys = @ARGV;
		my $json = JSON::PP->new->utf8;
		open my $fh, "<", $ENV{JSONL_FILE} or die "$ENV{JSONL_FILE}: $!";
		while (my $line = <$fh>) {
			my $r = eval { $json->decode($line) };
			die "line $.: not JSON: $@" unless $r;
			print join("\t", map {
				my $v = $r->{$_};
				!defined $v ? "null"
				: JSON::PP::is_bool($v) ? ($v ? "true" : "false")
				: $v } @keys), "\n";
		}' "$@"
}

# jsonl_paths FILE: the raw bytes of every record's path, one per line
# (from path_hex where the path is not valid UTF-8).
jsonl_paths() {
	JSONL_FILE="$1" perl -MJSON::PP -e '
		my $json = JSON::PP->new->utf8;
		open my $fh, "<", $ENV{JSONL_FILE} or die "$ENV{JSONL_FILE}: $!";
		while (my $line = <$fh>) {
			my $r = $json->decode($line);
			if (defined $r->{path_hex}) {
				print pack("H*", $r->{path_hex}), "\n";
			} else {
				my $p = $r->{path};
				utf8::encode($p);
				print "$p\n";
			}
		}'
}
