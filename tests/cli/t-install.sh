#!/bin/bash
# t-install: `make install DESTDIR= PREFIX=` puts tools, plugins, headers,
# spoor.pc, man pages, bash completion and the police guides in place, the
# installed pieces work (pkg-config finds the library, a program links
# against it, the completion completes), and `make uninstall` removes them.
. "$(dirname "$0")/lib.sh"
need make pkg-config cc
root=$T/root
P=${SPOOR_PREFIX:-/usr/local}
# the build directory of this test run, so nothing is rebuilt elsewhere
O=$SPOOR_BUILD
make -s -C "$SPOOR_SRC" O="$O" SANITIZE="${SPOOR_SANITIZE-}" PREFIX="$P" install DESTDIR="$root" \
	> "$T/log" 2>&1
ok $? "make install DESTDIR (default PREFIX, as built)" || cat "$T/log"

for t in "$O"/bin/spoor*; do
	n=$(basename "$t")
	[ -x "$root$P/bin/$n" ]; ok $? "tool $n installed"
	[ -f "$root$P/share/man/man1/$n.1" ]; ok $? "man page $n.1 installed"
	[ -L "$root$P/share/bash-completion/completions/$n" ] ||
		[ "$n" = spoor ]
	ok $? "bash completion for $n"
done
for p in "$O"/plugins/*.so; do
	[ -f "$root$P/lib/spoor/plugins/$(basename "$p")" ]
	ok $? "plugin $(basename "$p") installed"
done
[ -f "$root$P/share/man/man7/spoor-plugin.7" ]; ok $? "spoor-plugin.7 installed"
[ -f "$root$P/share/doc/spoor/verify-nl.md" ] &&
	[ -f "$root$P/share/doc/spoor/verify-en.md" ]
ok $? "police guides (nl, en) installed"

# pkg-config and a program built against the installed library
export PKG_CONFIG_PATH=$root$P/lib/pkgconfig
pc() { pkg-config --define-variable=prefix="$root$P" "$@"; }
grep -qx 'prefix='"$P" "$root$P/lib/pkgconfig/spoor.pc"
ok $? "spoor.pc says prefix=$P"
is "$(pc --modversion spoor)" "$("$O/bin/spoor" --version |
	awk '{print $NF}')" "pkg-config knows the installed version"
cat > "$T/use.c" <<'EOC'
#include <spoor.h>
#include <stdio.h>
int main(void) { puts(spoor_version()); return 0; }
EOC
cc -o "$T/use" "$T/use.c" $(pc --cflags --libs spoor) > "$T/cc.log" 2>&1
ok $? "a program compiles and links against the installed library" ||
	cat "$T/cc.log"
if [ -n "${SPOOR_SANITIZE-}" ]; then
	# a sanitized libspoor.so needs the sanitizer runtime loaded first
	skip "the shared library is built with sanitizers"
else
	LD_LIBRARY_PATH=$root$P/lib "$T/use" > "$T/ver"
	is "$(cat "$T/ver")" "$(pc --modversion spoor)" \
		"and runs with the shared library"
fi

# the completion: spoor <TAB>, spoor-case <TAB>, an option from --help
comp() {
	PATH=$root$P/bin:$PATH bash -c '
		complete() { builtin complete "$@"; }
		compopt() { :; }
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
		_spoor; printf "%s\n" "${COMPREPLY[@]}"' _ \
		"$root$P/share/bash-completion/completions/spoor" "$@"
}
comp spoor "" > "$T/c1"
grep -qx files "$T/c1" && grep -qx verify "$T/c1"
ok $? "spoor <TAB> lists the tools"
comp spoor-hashdb "" > "$T/c2"
grep -qx build "$T/c2"; ok $? "spoor-hashdb <TAB> lists its commands"
comp spoor-files --hash > "$T/c3"
grep -q '^--hashdb' "$T/c3"; ok $? "spoor-files --hash<TAB> completes from --help"
comp spoor files --for > "$T/c4"
grep -q '^--format' "$T/c4"; ok $? "spoor files --for<TAB> completes as spoor-files"

make -s -C "$SPOOR_SRC" O="$O" SANITIZE="${SPOOR_SANITIZE-}" PREFIX="$P" uninstall DESTDIR="$root" \
	> "$T/log" 2>&1
ok $? "make uninstall"
left=$(find "$root" -type f -o -type l)
is "$left" "" "nothing left behind but empty directories"
done_testing
