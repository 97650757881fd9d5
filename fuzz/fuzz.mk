# fuzz/fuzz.mk: libFuzzer targets (fuzz/README.md), included by the
# Makefile.  A target is one file, fuzz/fuzz-NAME.c; nothing here names
# targets.
#
#   make fuzz [FUZZ_SECONDS=60]   build with clang, run every target
#   make fuzz-smoke               the same, FUZZ_SMOKE_SECONDS (10) each
#   make fuzz FUZZ_TARGETS=vics   only some targets
#
# `make check-run` builds every target with $(CC) and fuzz/replay.c as
# main() and replays fuzz/regressions/NAME/ and fuzz/corpus/NAME/
# (tests/hostile/t-fuzz-replay.sh), so a crash once found stays fixed
# without clang.

FUZZ_SRC := $(sort $(wildcard fuzz/fuzz-*.c))
FUZZ_TARGETS ?= $(FUZZ_SRC:fuzz/fuzz-%.c=%)
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_CC ?= $(firstword $(shell command -v clang-14 clang 2>/dev/null))
FUZZ_CXX ?= $(firstword $(shell command -v clang++-14 clang++ 2>/dev/null))
FUZZ_SAN := address,undefined
FZ := $(B)/fuzz
FUZZ_DEPS := $(wildcard fuzz/*.h lib/*.h plugins/*.h plugins/*.def \
	plugins/*.c)

# ---- replays with the normal compiler (make check) ----

FUZZ_REPLAYS := $(FUZZ_SRC:fuzz/fuzz-%.c=$(O)/fuzz/replay/%)

$(O)/fuzz/replay/%: fuzz/fuzz-%.c fuzz/replay.c $(FUZZ_DEPS) $(STATIC_LIB)
	@mkdir -p $(@D)
	$(CC) $(filter-out -MMD -MP,$(TOOL_CFLAGS)) -Iplugins -Ifuzz \
		$(PKG_CFLAGS) -o $@ fuzz/fuzz-$*.c fuzz/replay.c \
		$(ALL_LDFLAGS) $(STATIC_LIB) $(PKG_LIBS)

check-run: $(FUZZ_REPLAYS)

# ---- libFuzzer builds with clang ----

# The library again, instrumented for coverage and the sanitizers, in
# its own build directory below this one.
FUZZ_LIB := $(FZ)/obj/libspoor.a

$(FUZZ_LIB): FORCE | $(O)/pkgcheck.stamp
	@[ -n "$(FUZZ_CC)" ] || { echo "spoor: make fuzz needs clang" \
		"(Debian: clang libclang-rt-14-dev)" >&2; exit 1; }
	@$(MAKE) --no-print-directory O=$(FZ)/obj CC=$(FUZZ_CC) CXX=$(FUZZ_CXX) \
		SANITIZE=fuzzer-no-link,$(FUZZ_SAN) CI= WERROR= \
		OPT='-O1 -g' $(FUZZ_LIB)

$(FZ)/bin/fuzz-%: fuzz/fuzz-%.c $(FUZZ_LIB) $(FUZZ_DEPS)
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -pthread \
		-O1 -g -fno-omit-frame-pointer -Ilib -Iplugins -Ifuzz \
		$(PKG_CFLAGS) -fsanitize=fuzzer,$(FUZZ_SAN) \
		-fno-sanitize-recover=all -o $@ $< $(FUZZ_LIB) $(PKG_LIBS)

# Seed corpora made from the testdata/ generators.
$(FZ)/seeds/.stamp: fuzz/seeds.sh testdata/mkhashsets.sh \
		testdata/mkartifacts.sh $(O)/bin/spoor-hashdb
	bash fuzz/seeds.sh $(FZ)/seeds $(B)/bin

fuzz-build: $(FUZZ_TARGETS:%=$(FZ)/bin/fuzz-%) $(FZ)/seeds/.stamp

fuzz: fuzz-build
	@bash fuzz/run.sh $(FZ) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The smoke run in `make check` leaves out fswalk: what it finds in 10 s
# is libtsk's (a 4 GiB calloc from a mutated superblock, data runs
# built in time linear in a claimed size), random from run to run, and
# would make CI flaky.  `make fuzz` runs it; its regressions are
# replayed in every `make check` (t-fuzz-replay).
FUZZ_SMOKE_TARGETS ?= $(filter-out fswalk,$(FUZZ_TARGETS))

fuzz-smoke: fuzz-build
	@bash fuzz/run.sh $(FZ) $(FUZZ_SMOKE_SECONDS) $(FUZZ_SMOKE_TARGETS)

.PHONY: fuzz fuzz-smoke fuzz-build
