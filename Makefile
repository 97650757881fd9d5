# spoor: digital-forensics tools on one library.  Plain GNU make.
#
#   make                 build libspoor (static + shared), tools, plugins
#   make check           install missing Debian packages, build, run tests
#   make check-run TESTS=t-files,t-text   build, run some tests only
#   make demo            install missing Debian packages, run the demo
#   make bench           benchmarks against the anchor tools
#   make install         DESTDIR= PREFIX=/usr/local
#   make deps            install the Debian packages (as root)
#
#   O=DIR                build directory (default build, or build-san with
#                        SANITIZE)
#   SANITIZE=address,undefined
#                        build and test with sanitizers

VERSION := 0.1.0
SOVERSION := 0

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PLUGINDIR ?= $(LIBDIR)/spoor/plugins
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DOCDIR ?= $(PREFIX)/share/doc/spoor
DESTDIR ?=

SANITIZE ?=
ifeq ($(SANITIZE),)
O ?= build
else
O ?= build-san
endif
B := $(abspath $(O))

CC ?= cc
CXX ?= g++
comma := ,
PKG_CONFIG ?= pkg-config

# Libraries found through pkg-config, and the Debian package of each.
PKGS := tsk libmagic openssl libxml-2.0 sqlite3 libewf libarchive \
	libplist-2.0 json-c

# Every Debian package the build, the tests, the demo and the benchmarks
# use.  `make deps` installs the missing ones.
DEB_PACKAGES := \
	build-essential pkg-config perl \
	libtsk-dev libmagic-dev libssl-dev libxml2-dev libsqlite3-dev \
	libarchive-dev libewf-dev libplist-dev libjson-c-dev \
	sleuthkit ewf-tools mtools dosfstools ntfs-3g e2fsprogs xorriso \
	fdisk gdisk qemu-utils sqlite3 file openssl libxml2-utils \
	hashdeep time coreutils bsdextrautils dc3dd dcfldd bc \
	libplist-utils clang libclang-rt-14-dev chromium zip unzip python3
# spoor-acquire's block-device test: a FUSE file with bad sectors
# (tests/fault/faultfuse.c, built by tests/cli/t-acquire-fuse.sh)
DEB_PACKAGES += libfuse3-dev fuse3
# spoor-acquire compresses E01 chunks itself, on every core (lib/imgout.c)
PKGS += zlib
DEB_PACKAGES += zlib1g-dev
# t-verify-tar: a bundle tar compressed with gzip and xz must be refused
DEB_PACKAGES += gzip xz-utils tar
# Phone numbers by numbering plan: libphonenumber (C++, no pkg-config
# file) behind the C shim lib/phone_pn.cc; tzdata for --tz and --fs-tz
DEB_PACKAGES += libphonenumber-dev g++ tzdata
# The reporter's name in every written form: Unicode folding (utf8proc)
PKGS += libutf8proc
DEB_PACKAGES += libutf8proc-dev
EXTRA_LIBS := -lphonenumber -lstdc++
# PDQ perceptual hashes (issue 19): the picture decoders of lib/picture.c;
# giflib has no pkg-config file
PKGS += libjpeg libpng libwebp libwebpdemux libheif libtiff-4
NOPC_LIBS += -lgif -lm
DEB_PACKAGES += libjpeg62-turbo-dev libpng-dev libwebp-dev libheif-dev \
	libtiff-dev libgif-dev
# bench/pdq.sh: pictures made with ImageMagick, djpeg as the anchor
DEB_PACKAGES += imagemagick libjpeg-turbo-progs
# tests/cli/t-report-read.sh: report.html printed to PDF by chromium,
# measured with pdfinfo and pdftotext -layout
DEB_PACKAGES += poppler-utils
# EIP-55 Ethereum address checksums (spoor-case search): Keccak-256 on
# nettle's Keccak-f[1600] permutation (lib/keccak.c); OpenSSL 3.0 has none
PKGS += nettle
DEB_PACKAGES += nettle-dev

# Evaluated once, on first use, so that `make deps` can run on a machine
# where pkg-config does not know the libraries yet.
PKG_CFLAGS = $(eval PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null))$(PKG_CFLAGS)
PKG_LIBS = $(eval PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) $(NOPC_LIBS) $(EXTRA_LIBS))$(PKG_LIBS)
missing_pkgs = $(foreach p,$(PKGS),$(if $(shell $(PKG_CONFIG) --exists $(p) && echo y),,$(p)))

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wno-format-nonliteral -Wvla
ifeq ($(CI),true)
WARN += -Werror
endif
ifneq ($(WERROR),)
WARN += -Werror
endif

OPT ?= -O2 -g
CFLAGS ?=
LDFLAGS ?=
SAN_FLAGS := $(if $(SANITIZE),-fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all)

ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -pthread \
	$(OPT) $(WARN) $(SAN_FLAGS) -MMD -MP $(CFLAGS)
LIB_CFLAGS = $(ALL_CFLAGS) -fPIC -fvisibility=hidden -DSPOOR_BUILDING \
	-DSPOOR_VERSION_STRING='"$(VERSION)"' $(PKG_CFLAGS)
# The C++ shim: no exceptions cross into C; UBSan's vptr check would need
# the C++ sanitizer runtime, which tools linked as C do not have.
LIB_CXXFLAGS = -std=c++17 -D_GNU_SOURCE -pthread $(OPT) -Wall -Wextra \
	$(if $(filter -Werror,$(WARN)),-Werror) \
	$(SAN_FLAGS) $(if $(findstring undefined,$(SANITIZE)),-fno-sanitize=vptr) \
	-MMD -MP -fPIC -fvisibility=hidden -DSPOOR_BUILDING $(CXXFLAGS)
TOOL_CFLAGS = $(ALL_CFLAGS) -Ilib -DSPOOR_VERSION_STRING='"$(VERSION)"' \
	-DSPOOR_PLUGINDIR='"$(PLUGINDIR)"'
ALL_LDFLAGS = -pthread $(SAN_FLAGS) $(LDFLAGS)

LIB_SRC := $(sort $(wildcard lib/*.c))
LIB_CXX_SRC := $(sort $(wildcard lib/*.cc))
LIB_OBJ := $(LIB_SRC:%.c=$(O)/%.o) $(LIB_CXX_SRC:%.cc=$(O)/%.o)
CLI_SRC := cmd/cli.c
CLI_OBJ := $(CLI_SRC:%.c=$(O)/%.o)
TOOL_SRC := $(sort $(wildcard cmd/spoor-*.c))
TOOLS := $(O)/bin/spoor $(TOOL_SRC:cmd/%.c=$(O)/bin/%)
PLUGIN_SRC := $(sort $(wildcard plugins/*.c))
PLUGINS := $(PLUGIN_SRC:plugins/%.c=$(O)/plugins/%.so)
UNIT_SRC := $(sort $(wildcard tests/unit/t-*.c))
UNITS := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/unit/%)
CLI_TESTS := $(sort $(wildcard tests/cli/t-*.sh))
# hostile-evidence suite and fuzz-regression replays (tests/hostile/)
CLI_TESTS += $(sort $(wildcard tests/hostile/t-*.sh))
MAN_PAGES := $(sort $(wildcard docs/*.1 docs/*.7))

STATIC_LIB := $(O)/libspoor.a
SHARED_LIB := $(O)/libspoor.so.$(VERSION)

.DELETE_ON_ERROR:
.SECONDARY:
.SUFFIXES:
.PHONY: all check check-run demo demo-run bench deps install uninstall \
	clean testdata FORCE

all: $(STATIC_LIB) $(SHARED_LIB) $(TOOLS) $(PLUGINS) $(O)/spoor.pc

# ---- configuration checks ----

$(O)/pkgcheck.stamp:
	@mkdir -p $(@D)
	@m="$(strip $(missing_pkgs))"; if [ -n "$$m" ]; then \
		debs=""; for p in $$m; do \
		case $$p in tsk) d=libtsk-dev;; libmagic) d=libmagic-dev;; \
		openssl) d=libssl-dev;; libxml-2.0) d=libxml2-dev;; \
		sqlite3) d=libsqlite3-dev;; libewf) d=libewf-dev;; \
		libarchive) d=libarchive-dev;; libplist-2.0) d=libplist-dev;; \
		json-c) d=libjson-c-dev;; libutf8proc) d=libutf8proc-dev;; \
		libjpeg) d=libjpeg62-turbo-dev;; libpng) d=libpng-dev;; \
		libwebp|libwebpdemux) d=libwebp-dev;; libheif) d=libheif-dev;; \
		libtiff-4) d=libtiff-dev;; zlib) d=zlib1g-dev;; \
		nettle) d=nettle-dev;; \
		*) d=$$p;; esac; \
		debs="$$debs $$d"; done; \
		echo "spoor: pkg-config cannot find:$$m" >&2; \
		echo "spoor: install the Debian packages$$debs (run 'make deps' as root)" >&2; \
		exit 1; fi
	@echo '#include <phonenumbers/phonenumberutil.h>' | \
		$(CXX) -E -x c++ - >/dev/null 2>&1 || { \
		echo "spoor: cannot find libphonenumber (or $(CXX));" \
			"install the Debian packages libphonenumber-dev g++" \
			"(run 'make deps' as root)" >&2; exit 1; }
	@touch $@

# Rebuild everything when the flags change.
$(O)/flags.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(CC) $(CXX) $(LIB_CFLAGS) $(LIB_CXXFLAGS) $(TOOL_CFLAGS) $(ALL_LDFLAGS) $(PKG_LIBS)' \
		| cmp -s - $@ || echo '$(CC) $(CXX) $(LIB_CFLAGS) $(LIB_CXXFLAGS) $(TOOL_CFLAGS) $(ALL_LDFLAGS) $(PKG_LIBS)' > $@

# ---- the library ----

$(O)/lib/%.o: lib/%.c $(O)/flags.stamp | $(O)/pkgcheck.stamp
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) -c -o $@ $<

$(O)/lib/%.o: lib/%.cc $(O)/flags.stamp | $(O)/pkgcheck.stamp
	@mkdir -p $(@D)
	$(CXX) $(LIB_CXXFLAGS) -c -o $@ $<

# lib/casedb.sql, the case.db schema (a contract with spoor-report), is
# compiled into lib/casedb.c byte for byte as a C string.
$(O)/lib/casedb-sql.h: lib/casedb.sql
	@mkdir -p $(@D)
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $< > $@
$(O)/lib/casedb.o: $(O)/lib/casedb-sql.h
$(O)/lib/casedb.o: LIB_CFLAGS += -I$(O)/lib

$(STATIC_LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(SHARED_LIB): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libspoor.so.$(SOVERSION) $(ALL_LDFLAGS) \
		-o $@ $^ $(PKG_LIBS)
	ln -sf libspoor.so.$(VERSION) $(O)/libspoor.so.$(SOVERSION)
	ln -sf libspoor.so.$(SOVERSION) $(O)/libspoor.so

# ---- tools (link the static library) ----

$(O)/cmd/%.o: cmd/%.c $(O)/flags.stamp | $(O)/pkgcheck.stamp
	@mkdir -p $(@D)
	$(CC) $(TOOL_CFLAGS) -c -o $@ $<

$(O)/bin/%: $(O)/cmd/%.o $(CLI_OBJ) $(STATIC_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(CLI_OBJ) $(STATIC_LIB) $(PKG_LIBS)

# ---- plugins (never link the library: the host passes callbacks) ----
# A plugin that needs a library of its own names it with a target-specific
# PLUGIN_PKGS (pkg-config names), e.g.
#   $(O)/plugins/telegram-export.so: PLUGIN_PKGS := json-c

PLUGIN_PKGS :=
# exports (issue 6): JSON, XML reader, SHA-256 of media never kept
$(O)/plugins/telegram-export.so: PLUGIN_PKGS := json-c
$(O)/plugins/sms-backup-restore.so: PLUGIN_PKGS := libxml-2.0 libcrypto
$(O)/plugins/vcard.so: PLUGIN_PKGS := libcrypto
# data-download archives (issue 16): JSON streamed through json-c, HTML
# through libxml2, media typed by libmagic; shared headers in plugins/
$(O)/plugins/snapchat-export.so: PLUGIN_PKGS := json-c libxml-2.0 libmagic
$(O)/plugins/instagram-export.so: PLUGIN_PKGS := json-c libxml-2.0 libmagic
$(O)/plugins/messenger-export.so: PLUGIN_PKGS := json-c libxml-2.0 libmagic
$(O)/plugins/tiktok-export.so: PLUGIN_PKGS := json-c libmagic
$(O)/plugins/discord-export.so: PLUGIN_PKGS := json-c libmagic
# phone apps (issue 17): JSON values, plists of iOS apps
$(O)/plugins/snapchat-ios.so: PLUGIN_PKGS := libplist-2.0
$(O)/plugins/instagram-ios.so: PLUGIN_PKGS := libplist-2.0
$(O)/plugins/instagram-android.so: PLUGIN_PKGS := json-c
$(O)/plugins/tiktok-android.so: PLUGIN_PKGS := json-c
$(O)/plugins/tiktok-ios.so: PLUGIN_PKGS := json-c
$(O)/plugins/discord-android.so: PLUGIN_PKGS := json-c
$(O)/plugins/discord-ios.so: PLUGIN_PKGS := json-c

$(O)/plugins/%.so: plugins/%.c $(O)/flags.stamp | $(O)/pkgcheck.stamp
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ilib $(if $(PLUGIN_PKGS),$(shell $(PKG_CONFIG) --cflags $(PLUGIN_PKGS))) \
		-fPIC -shared $(ALL_LDFLAGS) \
		$(if $(SANITIZE),,-Wl,-z,defs) -o $@ $< \
		$(if $(PLUGIN_PKGS),$(shell $(PKG_CONFIG) --libs $(PLUGIN_PKGS)))

# ---- tests ----

$(O)/tests/%.o: tests/%.c $(O)/flags.stamp | $(O)/pkgcheck.stamp
	@mkdir -p $(@D)
	$(CC) $(TOOL_CFLAGS) -Itests -Ilib $(PKG_CFLAGS) -c -o $@ $<

$(O)/tests/unit/t-%: $(O)/tests/unit/t-%.o $(O)/tests/tap.o $(STATIC_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
# t-cli tests the tools' shared exit-code policy (cmd/cli.c)
$(O)/tests/unit/t-cli: $(O)/tests/unit/t-cli.o $(O)/tests/tap.o $(CLI_OBJ) \
		$(STATIC_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

TESTDATA_SCRIPTS := testdata/mkimages.sh $(wildcard testdata/*.pl)
$(O)/testdata/.stamp: $(TESTDATA_SCRIPTS)
	@mkdir -p $(@D)
	bash testdata/mkimages.sh $(B)/testdata

testdata: $(O)/testdata/.stamp

# LeakSanitizer: leaks inside libtsk/libmagic are theirs, not ours.
TEST_ENV = SPOOR_SRC=$(CURDIR) SPOOR_BUILD=$(B) SPOOR_SANITIZE=$(SANITIZE) SPOOR_PREFIX=$(PREFIX) \
	SPOOR_TESTDATA=$(B)/testdata SPOOR_PLUGIN_PATH=$(B)/plugins \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
PROVE ?= prove
PROVE_FLAGS ?=

check: deps
	@$(MAKE) --no-print-directory check-run
	@$(if $(and $(FUZZ_CC),$(if $(SANITIZE),,y)),$(MAKE) --no-print-directory fuzz-smoke)

# TESTS=tests/cli/t-files.sh,t-text runs a subset (paths or bare names);
# the default is every unit and CLI test.
TESTS ?=
RUN_TESTS = $(if $(TESTS),$(foreach t,$(subst $(comma), ,$(TESTS)),$(or \
	$(filter %/$(t) %/$(t).sh,$(CLI_TESTS)),$(filter %/$(t),$(UNITS)),$(t))),\
	$(UNITS) $(CLI_TESTS))

check-run: all $(UNITS) testdata
	$(TEST_ENV) $(PROVE) $(PROVE_FLAGS) $(RUN_TESTS)

# ---- demo and benchmarks ----

demo: deps
	@$(MAKE) --no-print-directory demo-run

demo-run: all
	SPOOR_BUILD=$(B) bash tests/demo.sh demo-out

# BENCH=files,acquire,... runs a subset.
BENCH ?= $(patsubst bench/%.sh,%,$(filter-out bench/mkcorpus.sh,$(wildcard bench/*.sh)))
bench: deps
	@$(MAKE) --no-print-directory all
	@for b in $(subst $(comma), ,$(BENCH)); do \
		echo "== bench/$$b.sh"; bash bench/$$b.sh $(B) || exit 1; done

# ---- Debian packages ----

deps:
	@if ! command -v dpkg-query >/dev/null 2>&1; then \
		echo "spoor: not a Debian system; install the equivalents of:" \
			"$(DEB_PACKAGES)" >&2; exit 0; fi; \
	missing=""; for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
			| grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	echo "spoor: installing Debian packages:$$missing"; \
	if [ "$$(id -u)" != 0 ]; then \
		echo "spoor: run 'make deps' as root (or: sudo apt-get install$$missing)" >&2; \
		exit 1; fi; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -q && apt-get install -y -q --no-install-recommends $$missing

# ---- pkg-config file, install ----

# Paths below PREFIX are written relative to ${prefix}, so
# `pkg-config --define-variable=prefix=...` relocates them.
pc_rel = $(patsubst $(PREFIX)/%,$${prefix}/%,$(1))
$(O)/spoor.pc: Makefile $(O)/flags.stamp
	@mkdir -p $(@D)
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(call pc_rel,$(LIBDIR))' \
		'includedir=$(call pc_rel,$(INCDIR))' \
		'plugindir=$(call pc_rel,$(PLUGINDIR))' '' \
		'Name: spoor' \
		'Description: digital-forensics library (walk, hash, classify)' \
		'Version: $(VERSION)' \
		'Requires.private: $(PKGS)' \
		'Libs.private: $(NOPC_LIBS) $(EXTRA_LIBS)' \
		'Cflags: -I$${includedir}' \
		'Libs: -L$${libdir} -lspoor' > $@

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(INCDIR) $(DESTDIR)$(PLUGINDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(TOOLS) $(DESTDIR)$(BINDIR)
	install -m 644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)
	install -m 755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)
	ln -sf libspoor.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libspoor.so.$(SOVERSION)
	ln -sf libspoor.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libspoor.so
	install -m 644 lib/spoor.h lib/spoor-plugin.h $(DESTDIR)$(INCDIR)
	install -m 644 $(O)/spoor.pc $(DESTDIR)$(LIBDIR)/pkgconfig
	$(if $(PLUGINS),install -m 755 $(PLUGINS) $(DESTDIR)$(PLUGINDIR))
	$(if $(filter %.1,$(MAN_PAGES)),install -m 644 $(filter %.1,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man1)
	$(if $(filter %.7,$(MAN_PAGES)),install -m 644 $(filter %.7,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man7)
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(DOCDIR)
	install -m 644 completion/spoor.bash $(DESTDIR)$(BASHCOMPDIR)/spoor
	for t in $(filter-out spoor,$(notdir $(TOOLS))); do \
		ln -sf spoor $(DESTDIR)$(BASHCOMPDIR)/$$t || exit 1; done
	install -m 644 docs/verify-en.md docs/verify-nl.md $(DESTDIR)$(DOCDIR)

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(TOOLS)))
	rm -f $(DESTDIR)$(LIBDIR)/libspoor.a $(DESTDIR)$(LIBDIR)/libspoor.so*
	rm -f $(DESTDIR)$(INCDIR)/spoor.h $(DESTDIR)$(INCDIR)/spoor-plugin.h
	rm -f $(DESTDIR)$(LIBDIR)/pkgconfig/spoor.pc
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(filter %.1,$(MAN_PAGES))))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man7/,$(notdir $(filter %.7,$(MAN_PAGES))))
	rm -rf $(DESTDIR)$(PLUGINDIR)
	rm -f $(addprefix $(DESTDIR)$(BASHCOMPDIR)/,$(notdir $(TOOLS)))
	rm -rf $(DESTDIR)$(DOCDIR)

clean:
	rm -rf build build-san demo-out

# bench/pdq.sh's in-process timer of decode + PDQ
$(O)/bench/pdq-time: bench/pdq-time.c $(STATIC_LIB)
	@mkdir -p $(@D)
	$(CC) $(TOOL_CFLAGS) -o $@ $< $(ALL_LDFLAGS) $(STATIC_LIB) $(PKG_LIBS)

# libFuzzer targets: make fuzz, make fuzz-smoke (fuzz/README.md)
include fuzz/fuzz.mk

FORCE:

-include $(shell find $(O) -name '*.d' 2>/dev/null)
