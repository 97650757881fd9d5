#!/bin/bash
# t-artifacts-plugin: the plugin host seen from the tool: the example
# plugin, a plugin built for another ABI major (refused with a clear
# message), a descriptor whose name is not the file's, the search order
# of SPOOR_PLUGIN_PATH.
. "$(dirname "$0")/lib.sh"
: "${SPOOR_PLUGIN_PATH:=$SPOOR_BUILD/plugins}"
export SPOOR_PLUGIN_PATH
[ -f "$SPOOR_PLUGIN_PATH/example.so" ] || skip_all "example.so not built"
CC=${CC:-cc}
command -v "$CC" > /dev/null || skip_all "no C compiler"

mkdir -p "$T/ev/x" "$T/wrong" "$T/renamed"
printf 'eerste regel\ntweede regel\n' > "$T/ev/x/example.txt"

run_rc 0 "example plugin" spoor-artifacts --plugin=example "$T/ev"
jsonl_fields "$T/out" type plugin source_path line text > "$T/got"
printf 'note\texample\tx/example.txt\t1\teerste regel\nnote\texample\tx/example.txt\t2\ttweede regel\n' > "$T/want"
diff_ok "$T/got" "$T/want" "example: one note per line with provenance"

# the same source built for ABI major 99
"$CC" -std=c11 -fPIC -shared -I"$SPOOR_SRC/lib" -DEXAMPLE_ABI_MAJOR=99 \
	-o "$T/wrong/example.so" "$SPOOR_SRC/plugins/example.c"
ok $? "built a plugin for ABI major 99"
SPOOR_PLUGIN_PATH=$T/wrong run_rc 2 "wrong major asked for by name: exit 2" \
	spoor-artifacts --plugin=example "$T/ev"
grep -q "plugin 'example' was built for plugin ABI 99\.[0-9]*; this host speaks 1\." "$T/err"
ok $? "wrong major: a clear message"
SPOOR_PLUGIN_PATH=$T/wrong run_rc 0 "wrong major among all plugins: skipped" \
	spoor-artifacts --list-plugins
grep -q "warning: plugin 'example' was built for plugin ABI 99" "$T/err"
ok $? "wrong major: warned when listing"
# SPOOR_PLUGIN_PATH is searched in order: the first example.so wins
SPOOR_PLUGIN_PATH=$SPOOR_PLUGIN_PATH:$T/wrong run_rc 0 \
	"the first directory of the path wins" spoor-artifacts --plugin=example "$T/ev"

# a descriptor called example in a file called other.so
cp "$SPOOR_PLUGIN_PATH/example.so" "$T/renamed/other.so"
SPOOR_PLUGIN_PATH=$T/renamed run_rc 2 "name is not the file's: refused" \
	spoor-artifacts --plugin=other "$T/ev"
grep -q "not a spoor plugin (no symbol spoor_plugin_other)" "$T/err"
ok $? "name is not the file's: said so"
done_testing
