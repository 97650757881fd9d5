#!/bin/bash
# t-hostile: crafted hostile evidence (tests/hostile/mk.sh) given to the
# tools.  One table row per case:
#
#   name | generator | exit codes | pattern | limits | command
#
# (columns are separated by " | " with spaces; a '|' without spaces is
# part of a pattern or command)
# generator  a case of mk.sh (writes the evidence into $EV)
# exit       the allowed exit codes, comma separated (cmd/cli.h)
# pattern    an extended regex (case-insensitive) that stdout + stderr
#            must match, or "-"
# limits     t=SECONDS (timeout; default 120) v=MIB (ulimit -v; default
#            3072; not applied under AddressSanitizer, which reserves
#            terabytes of address space) check=FUNCTION (an extra check
#            below, run after the generic ones) plugin=NAME (skip the
#            case when NAME.so is not built)
# command    run by bash in an empty directory, stdout to $OUT/stdout,
#            stderr to $OUT/stderr; $EV is the evidence directory, $OUT
#            the output directory, $T the scratch root
#
# For every case the generic checks are: the exit code; the pattern; no
# timeout; every file outside $OUT (evidence, the working directory, the
# private $TMPDIR, the case root) has the same name, type, size, mtime
# and SHA-256 after the run, and nothing new appeared there; the
# evidence's SHA-256 before == after (sha256sum); $TMPDIR is empty again;
# no ESC byte on stderr (names are escaped in messages); JSON Lines on
# stdout parse (JSON::PP).
#
# To add a case: a g_NAME function in mk.sh and a row here (a plugin's
# rows go in the section of its plugin; rows whose tool or plugin is not
# built are skipped).
. "$(dirname "$0")/../cli/lib.sh"
need perl sha256sum timeout find
: "${SPOOR_PLUGIN_PATH:=$SPOOR_BUILD/plugins}"
export SPOOR_PLUGIN_PATH
MK=$SPOOR_SRC/tests/hostile/mk.sh

# AddressSanitizer maps a huge shadow region: ulimit -v would kill it
asan=
if grep -qa __asan_init "$SPOOR_BUILD/bin/spoor-files" 2>/dev/null; then
	asan=1
fi

cases() {
	cat <<'EOF_TABLE'
# ---- spoor-files: names, structure, superblocks ----
names-dir       | names_dir     | 0   | -                      | check=paths_dir  | spoor-files --no-magic "$EV/tree"
names-ext4      | names_ext4    | 0,5 | -                      | check=paths_ext4 | spoor-files --no-magic "$EV/names-ext4.img"
names-fat       | names_fat     | 0,5 | -                      | check=paths_fat  | spoor-files --no-magic "$EV/names-fat.img"
names-ntfs      | names_ntfs    | 0,5 | -                      | check=paths_ntfs | spoor-files --no-magic "$EV/names-ntfs.img"
dir-loop-ext4   | dirloop_ext4  | 0,5 | -                      | check=dirloop    | spoor-files --no-magic "$EV/dirloop.img"
fat-crosslink   | crosslink_fat | 5   | c\.bin.*shorter        | -                | spoor-files --no-magic "$EV/crosslink.img"
size-2e60       | huge_ext4     | 5   | huge\.bin.*(exceeds|claim) | check=huge   | spoor-files --no-magic "$EV/huge.img"
sb-truncated    | sb_truncated  | 3   | not? .*recogni[sz]ed   | -                | spoor-files "$EV/truncated.img"
sb-zero         | sb_zero       | 3   | not? .*recogni[sz]ed   | -                | spoor-files "$EV/zerosb.img"
files-on-zip-names | zip_names  | 0   | -                      | -                | spoor-files --no-magic "$EV/export.zip"
# ---- spoor-artifacts: export zips, SQLite ----
zip-slip        | zip_slip      | 0,5 | -                      | check=slip       | spoor-artifacts "$EV/WhatsApp Chat with Slip.zip"
zip-names       | zip_names     | 0,5 | -                      | check=zipnames   | spoor-artifacts "$EV/export.zip"
zip-bomb        | zip_bomb      | 3,5 | bomb|unpack|limit|ratio | t=300           | spoor-artifacts "$EV/WhatsApp Chat with Bomb.zip"
sqlite-triggers-views | sqlite_triggers_views | 5 | mmssms | t=120         | spoor-artifacts "$EV"
sqlite-huge-blob | sqlite_blob  | 0,5 | -                      | t=300            | spoor-artifacts "$EV"
sqlite-wrong-types | sqlite_types | 0,5 | -                    | -                | spoor-artifacts "$EV"
not-sqlite      | not_sqlite    | 5   | not (an )?sqlite|not understood | -       | spoor-artifacts "$EV"
sqlite-page-loops | sqlite_pages | 0,5 | [0-9]+ damaged page structures .*cut short | t=60 plugin=android-sms | spoor-artifacts "$EV"
# ---- spoor-hashdb: hash-set inputs ----
vics-deep-100k  | json_deep     | 3   | deep|nest              | -                | spoor-hashdb build -o "$OUT/deep.sdb" "$EV/deep.json"
vics-deep-import | json_deep    | 3   | deep|nest              | check=nonew      | spoor-hashdb build -q -o "$OUT/base.sdb" "$EV/base.txt" && spoor-hashdb import -o "$OUT/new.sdb" --format=vics "$OUT/base.sdb" "$EV/deep.json"
nsrl-10mb-line  | nsrl_longline | 5   | -                      | check=nsrl       | spoor-hashdb build -o "$OUT/nsrl.sdb" --format=nsrl-txt "$EV/NSRLFile.txt"
# ---- spoor-acquire on a file ----
acquire-file    | acquire_file  | 0   | -                      | check=acquire    | spoor-acquire --no-progress --verify "$EV"/disk* "$OUT/image.dd"
acquire-onto-itself | acquire_file | 2,3 | refus.*source      | -                | f=$(echo "$EV"/disk*); spoor-acquire --no-progress "$f" "$f"
# ---- plugins: SMS Backup & Restore XML, Telegram JSON, vCard ----
sbr-billion-laughs | sbr_laughs | 0,5 | doctype|entit       | check=small plugin=sms-backup-restore | spoor-artifacts --plugin=sms-backup-restore "$EV"
sbr-external-entities | sbr_xxe | 0,5 | doctype|entit       | check=noxxe plugin=sms-backup-restore | spoor-artifacts --plugin=sms-backup-restore "$EV"
telegram-deep-100k | telegram_deep | 0,5 | deep|nest        | check=small plugin=telegram-export | spoor-artifacts --plugin=telegram-export "$EV"
vcard-10mb-line | vcard_long   | 0,5 | -                      | plugin=vcard     | spoor-artifacts --plugin=vcard "$EV"
# ---- plugins: phone apps (issue 17) ----
snapchat-deep-protobuf | snapchat_deep_pb | 5 | not understood | check=small plugin=snapchat-android | spoor-artifacts --plugin=snapchat-android "$EV"
telegram-tl-hostile | telegram_tl_hostile | 5 | tl|not understood | check=small plugin=telegram-android | spoor-artifacts --plugin=telegram-android "$EV"
discord-deep-json | discord_deep_json | 5 | no json | check=small plugin=discord-android | spoor-artifacts --plugin=discord-android "$EV"
instagram-ios-archives | instagram_ios_archives | 5 | archives that do not parse | check=small plugin=instagram-ios | spoor-artifacts --plugin=instagram-ios "$EV"
# ---- more rows (iOS backups, spoor-verify bundles with symlinks and
# '..' in the MANIFEST) go here ----
EOF_TABLE
}

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; printf '%s' "${s%"${s##*[![:space:]]}"}"; }

# listing DIR: one line per object below DIR (but not below DIR/meta or
# DIR/case/out): type, size, mtime (files), path (hex: names may hold
# anything) and SHA-256.  A directory's mtime changes when a tool makes
# and removes its private files, so only its entries are compared.
listing() {
	(cd "$1" && find . \( -path ./meta -o -path ./case/out \) -prune -o \
		-printf '%y %s %T@ %p\0' |
		perl -0 -ne 'chomp; my ($y, $s, $t, $p) = split / /, $_, 4;
			my $h = "-";
			$t = "-" if $y eq "d";
			if ($y eq "f") { open my $f, "<:raw", $p or die "$p: $!";
				require Digest::SHA; $h = Digest::SHA->new(256)
				->addfile($f)->hexdigest; }
			print "$y $s $t ", unpack("H*", $p), " $h\n";' | sort)
}

# ---- extra checks: $1 is the case's output directory ----

# every name written by mk.sh comes back byte for byte (path or
# path_hex), the 4,000-byte path included
paths_dir() {
	(cd "$EV/tree" && find . -mindepth 1 -printf '%P\0' |
		perl -0 -ne 'chomp; print unpack("H*", $_), "\n"') |
		sort >"$T/want.hex"
	# records carry paths relative to the evidence directory
	jsonl_hexpaths "$1/stdout" | sort >"$T/got.hex"
	diff_ok "$T/got.hex" "$T/want.hex" "$CASE: every hostile name round-trips (path or path_hex)"
	is "$(perl -e 'my $m = 0; while (<>) { chomp; $m = length if length > $m } print $m / 2 > 4000 ? "yes" : "no"' "$T/got.hex")" \
		yes "$CASE: the >4,000-byte path is reported"
}

# names with '/' in one component, NUL and control bytes: reported as
# stored (escaped, valid JSON); the walk does not treat them as paths
paths_ext4() {
	jsonl_hexpaths "$1/stdout" >"$T/got.hex"
	grep -qx "$(printf 'slash/../../x' | perl -0777 -ne 'print unpack "H*"')" "$T/got.hex"
	ok $? "$CASE: a name holding '/' and '..' is reported as stored"
	grep -q "$(printf 'utf8\377\376' | perl -0777 -ne 'print unpack "H*"')" "$T/got.hex"
	ok $? "$CASE: invalid UTF-8 is kept in path_hex"
}
paths_fat() {
	jsonl_hexpaths "$1/stdout" >"$T/got.hex"
	grep -qx "$(printf 'slash/../slash.txt' | perl -0777 -ne 'print unpack "H*"')" "$T/got.hex"
	ok $? "$CASE: an LFN holding '/' is reported as stored"
	is "$(wc -l <"$T/got.hex" | tr -d ' ')" "$(grep -c . "$1/stdout")" \
		"$CASE: one path per record"
}
paths_ntfs() {
	jsonl_hexpaths "$1/stdout" >"$T/got.hex"
	grep -qx "$(printf 'ctrl\001\033[2J.txt' | perl -0777 -ne 'print unpack "H*"')" "$T/got.hex"
	ok $? "$CASE: control bytes in an NTFS name are kept"
}
dirloop() {
	# the loop is listed once, never followed for ever: a/b/loop is a
	# (inode of a), and nothing lies below a/b/loop/b
	is "$(jsonl_fields "$1/stdout" path inode | grep -c '^a/b/loop/')" 0 \
		"$CASE: the directory loop is not descended"
	is "$(jsonl_fields "$1/stdout" path inode | awk -F'\t' '$1 == "a" || $1 == "a/b/loop" { print $2 }' | sort -u | wc -l | tr -d ' ')" \
		1 "$CASE: the loop's entry names the inode of 'a'"
}
huge() {
	is "$(jsonl_fields "$1/stdout" path size | grep '^huge.bin' | cut -f2)" \
		1152921504606846976 "$CASE: the claimed size is reported as claimed (debugfs set it)"
	jsonl_fields "$1/stdout" path error | grep '^huge.bin' | grep -vq 'null$'
	ok $? "$CASE: the record carries an error"
}
slip() {
	jsonl_fields "$1/stdout" source_path | sort -u >"$T/src"
	grep -qx '../../x.txt' "$T/src"
	ok $? "$CASE: the '../../x.txt' member is reported under its own name"
	[ ! -e "$C/x.txt" ] && [ ! -e "$R/x.txt" ] && [ ! -e "$C/abs-escape.txt" ] &&
		[ ! -e /tmp/x2.txt ] && [ ! -e "$C/up.txt" ] && [ ! -e "$R/up.txt" ]
	ok $? "$CASE: no member was written where its name points"
}
zipnames() {
	# the names hold CR LF: count them as JSON strings, not lines
	is "$(JSONL_FILE=$1/stdout perl -MJSON::PP -e '
		open my $fh, "<", $ENV{JSONL_FILE} or die; my %seen;
		while (<$fh>) { my $r = JSON::PP->new->utf8->decode($_);
			$seen{$r->{source_path_hex} // $r->{source_path}}++ }
		print scalar keys %seen')" 4 \
		"$CASE: all four members parsed, each under its own name"
}
nsrl() {
	grep -Eqi 'line 2|longer' "$1/stderr"
	ok $? "$CASE: the 10 MB line is reported with its number"
	spoor-hashdb info "$1/nsrl.sdb" >"$T/info" 2>&1
	grep -qx 'sha1: 1' "$T/info" && grep -qx 'md5: 1' "$T/info"
	ok $? "$CASE: the set holds the good line's SHA-1 and MD5"
}
small() {	# entity expansion did not multiply the output
	is "$(($(wc -c <"$1/stdout") < 1048576))" 1 "$CASE: output under 1 MiB"
}
noxxe() {
	! grep -q GEHEIM-XXE-MARKER "$1/stdout" "$1/stderr"
	ok $? "$CASE: the external entity's file did not reach the output"
}
nonew() {	# a failed import leaves no set (nor its .tmp) behind
	[ -f "$1/base.sdb" ] && [ ! -e "$1/new.sdb" ] && [ ! -e "$1/new.sdb.tmp" ]
	ok $? "$CASE: no new set written"
}
acquire() {
	is "$(sha256 "$1/image.dd")" "$(sha256 "$(echo "$EV"/disk*)")" \
		"$CASE: the image's SHA-256 (sha256sum) is the source's"
}

# jsonl_hexpaths FILE: every record's path as hex of its raw bytes
jsonl_hexpaths() {
	jsonl_paths "$1" >/dev/null 2>&1	# parse check
	JSONL_FILE="$1" perl -MJSON::PP -e '
		my $json = JSON::PP->new->utf8;
		open my $fh, "<", $ENV{JSONL_FILE} or die;
		while (<$fh>) { my $r = $json->decode($_);
			if (defined $r->{path_hex}) { print $r->{path_hex}, "\n"; }
			else { my $p = $r->{path}; utf8::encode($p);
			       print unpack("H*", $p), "\n"; } }'
}

tool_of() {	# the spoor tool a command runs
	printf '%s\n' "$1" | grep -o 'spoor-[a-z]*' | head -1
}

ROOT=$T
n=0
while IFS= read -r row; do
	case $row in '#'* | '') continue ;; esac
	# columns are separated by " | " (a '|' without spaces belongs to
	# the pattern or the command)
	IFS=$'\t' read -r name gen rcs pat lim cmd < <(printf '%s\n' "$row" |
		perl -ne 'chomp; print join("\t", split(/\s+\|\s+/, $_, 6)), "\n"')
	name=$(trim "$name") gen=$(trim "$gen") rcs=$(trim "$rcs")
	pat=$(trim "$pat") lim=$(trim "$lim") cmd=$(trim "$cmd")
	CASE=$name
	n=$((n + 1))
	tool=$(tool_of "$cmd")
	if [ -n "$tool" ] && [ ! -x "$SPOOR_BUILD/bin/$tool" ]; then
		skip "$name: $tool not built"
		continue
	fi
	# $R/case is what the tool may see: ev (evidence), cwd, tmp, out;
	# $R/meta holds this script's own files (and is $T for the checks)
	R=$ROOT/$n
	C=$R/case T=$R/meta
	EV=$C/ev OUT=$C/out
	mkdir -p "$EV" "$OUT" "$C/cwd" "$C/tmp" "$T"
	if ! HOSTILE_ROOT=$C bash "$MK" "$gen" "$EV" >"$T/mk.log" 2>&1; then
		ok 1 "$name: generator $gen"
		sed 's/^/#   /' "$T/mk.log" | head -5
		continue
	fi
	tsecs=120 vmem=3072 check= plugin=
	for l in $lim; do
		case $l in
		t=*) tsecs=${l#t=} ;;
		v=*) vmem=${l#v=} ;;
		check=*) check=${l#check=} ;;
		plugin=*) plugin=${l#plugin=} ;;
		esac
	done
	if [ -n "$plugin" ] && [ ! -f "$SPOOR_PLUGIN_PATH/$plugin.so" ]; then
		skip "$name: plugin $plugin not built"
		rm -rf "$C"
		continue
	fi
	(cd "$EV" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) \
		>"$T/ev.before"
	listing "$R" >"$T/tree.before"
	(
		cd "$C/cwd" || exit 99
		export TMPDIR=$C/tmp EV OUT
		[ -n "$asan" ] || ulimit -v $((vmem * 1024))
		exec timeout -k 10 "$tsecs" bash -c "$cmd"
	) >"$OUT/stdout" 2>"$OUT/stderr"
	rc=$?
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		ok 1 "$name: finished within ${tsecs} s"
	fi
	case ",$rcs," in
	*",$rc,"*) ok 0 "$name: exit $rc (allowed: $rcs)" ;;
	*)	ok 1 "$name: exit $rc (allowed: $rcs)"
		sed 's/^/#   stderr: /' "$OUT/stderr" | head -10 ;;
	esac
	if [ "$pat" != - ]; then
		cat "$OUT/stdout" "$OUT/stderr" | LC_ALL=C grep -Eqi -- "$pat"
		ok $? "$name: output matches /$pat/"
	fi
	listing "$R" >"$T/tree.after"
	if diff "$T/tree.before" "$T/tree.after" >"$T/tree.diff"; then
		ok 0 "$name: nothing outside the output directory changed"
	else
		ok 1 "$name: nothing outside the output directory changed"
		grep '^[<>]' "$T/tree.diff" | cut -c1-160 | head -10 |
			sed 's/^/#   /'
	fi
	(cd "$EV" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) \
		>"$T/ev.after"
	diff_ok "$T/ev.after" "$T/ev.before" "$name: evidence SHA-256 unchanged"
	is "$(find "$C/tmp" -mindepth 1 | wc -l | tr -d ' ')" 0 \
		"$name: private temporary files removed"
	# evidence names hold ESC sequences: messages must not pass them on
	# to the analyst's terminal (the progress bar's own \r\033[K aside,
	# which is only drawn on a terminal)
	! LC_ALL=C grep -q "$(printf '\033')" "$OUT/stderr"
	ok $? "$name: no terminal escape bytes on stderr"
	if [ "$(head -c 1 "$OUT/stdout")" = "{" ]; then
		jsonl_fields "$OUT/stdout" >/dev/null 2>"$T/json.err"
		ok $? "$name: stdout is valid JSON Lines"
		sed 's/^/#   /' "$T/json.err" | head -3
	fi
	[ -z "$check" ] || "$check" "$OUT"
	# the big cases are removed at once (the 100 MB blob)
	rm -rf "$C"
done < <(cases)
T=$ROOT
done_testing
