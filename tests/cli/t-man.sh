#!/bin/bash
# t-man: every tool's --help starts with the SYNOPSIS of its man page, and
# every tool has a man page.
. "$(dirname "$0")/lib.sh"

# The .nf block of the SYNOPSIS section, roff escapes undone.
man_synopsis() {
	awk '/^\.SH SYNOPSIS/ { s = 1; next } /^\.SH/ { s = 0 }
	     s && /^\.nf/ { n = 1; next } s && /^\.fi/ { n = 0 }
	     s && n { print }' "$1" | sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g'
}

for tool in "$SPOOR_BUILD"/bin/spoor*; do
	name=$(basename "$tool")
	page="$SPOOR_SRC/docs/$name.1"
	if [ ! -f "$page" ]; then
		ok 1 "$name has a man page"
		continue
	fi
	ok 0 "$name has a man page"
	man_synopsis "$page" > "$T/man"
	"$tool" --help > "$T/help"
	is "$?" 0 "$name --help exits 0"
	head -n "$(wc -l < "$T/man")" "$T/help" > "$T/help-head"
	diff_ok "$T/help-head" "$T/man" "$name --help synopsis matches its man page"
	"$tool" --no-such-option > /dev/null 2> "$T/err"
	is "$?" 2 "$name: an unknown option exits 2"
	grep -q '^usage: ' "$T/err"
	ok $? "$name: a usage error prints the synopsis on stderr"
done
done_testing
