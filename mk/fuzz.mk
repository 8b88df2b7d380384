# mk/fuzz.mk - fuzzing the file readers (libFuzzer, clang) and the sanitizer build of the tests
# (gcc). Included by the Makefile, so CPPFLAGS, WARN, LIB_SRC, LDLIBS and B are the main build's.
#
#   make fuzz-build           harnesses in build/fuzz/, library compiled with ASan+UBSan+coverage
#   make fuzz-smoke           each harness over its seeds, then FUZZ_SECONDS (20) of fuzzing
#   make fuzz FUZZ_SECONDS=N  the same, longer (600 s per harness unless FUZZ_SECONDS is given)
#   make test-sanitize        every test (both precisions) and the CLI tests under ASan, LSan and
#                             UBSan (gcc), built in build/asan/
#   make test-thread          the tests that use the thread pool under ThreadSanitizer (gcc),
#                             built in build/tsan/
#
# Needs clang and libclang-rt-14-dev (libFuzzer) besides the build's own packages.

FUZZ_CC      ?= clang
FUZZ_B        = $(B)/fuzz
FUZZ_NAMES    = idx csv npy model checkpoint config
FUZZ_SECONDS ?= 20
# FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION (libFuzzer's convention): the model loader reads on past
# a checksum that disagrees (src/model/checksum.h), or the fuzzer, which cannot forge the CRC of
# what it mutates, would never get past it. Only these builds have it.
FUZZ_CFLAGS   = -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_B)/obj/%.o)
FUZZ_BINS    := $(FUZZ_NAMES:%=$(FUZZ_B)/fuzz_%)
# `make fuzz` fuzzes for 600 s per harness unless FUZZ_SECONDS was set on the command line or in
# the environment.
FUZZ_LONG     = $(if $(filter command line environment,$(origin FUZZ_SECONDS)),$(FUZZ_SECONDS),600)

.PHONY: fuzz-build fuzz-smoke fuzz test-sanitize

fuzz-build: $(FUZZ_BINS)
# Objects reached only through the pattern rule would be deleted as intermediates after the link.
.SECONDARY: $(FUZZ_LIB_OBJ) $(FUZZ_B)/obj/cli/options.o

# The library (float build) and cli/options.c, instrumented for coverage and the sanitizers.
$(FUZZ_B)/obj/%.o: %.c include/hone.h src/hone_internal.h $(wildcard src/*/*.h) cli/cli.h | check-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(WARN) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_B)/fuzz_config: $(FUZZ_B)/obj/cli/options.o
$(FUZZ_B)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz_common.h $(FUZZ_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(WARN) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(filter %.o,$^) $(LDLIBS)

fuzz-smoke: fuzz-build
	@fuzz/run.sh $(FUZZ_B) $(FUZZ_SECONDS) $(FUZZ_NAMES)

fuzz: fuzz-build
	@fuzz/run.sh $(FUZZ_B) $(FUZZ_LONG) $(FUZZ_NAMES)

# The main build's rules, rerun by gcc with the sanitizers into their own directory: CFLAGS is on
# every compile and link line, so no other flag is needed. No LeakSanitizer suppressions: OpenBLAS
# (single-threaded under hone's pool; its own threads still start when it loads) has reported nothing, so none is kept
# that could hide a leak of ours.
SAN_B      = $(B)/asan
SAN_CFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -O1 -g

test-sanitize:
	+@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(MAKE) --no-print-directory B=$(SAN_B) CC=gcc 'CFLAGS=$(SAN_CFLAGS)' test

# The tests that run work on hone's thread pool (the pool itself, the split products and passes,
# training), rebuilt by gcc with ThreadSanitizer into their own directory and run: a data race
# in the pool or a split kernel fails the build. OpenBLAS is not instrumented; the pool's own
# hand-offs are.
TSAN_B      = $(B)/tsan
TSAN_TESTS  = test_parallel test_optim test_regularize test_model
.PHONY: test-thread
test-thread:
	+@$(MAKE) --no-print-directory B=$(TSAN_B) CC=gcc 'CFLAGS=-fsanitize=thread -O1 -g' $(TSAN_TESTS:%=$(TSAN_B)/f32/tests/%)
	@for t in $(TSAN_TESTS); do TSAN_OPTIONS=halt_on_error=1:exitcode=66:die_after_fork=0 $(TSAN_B)/f32/tests/$$t > $(TSAN_B)/$$t.log 2>&1 \
	  || { echo "test-thread: $$t failed under ThreadSanitizer:"; tail -40 $(TSAN_B)/$$t.log; exit 1; }; \
	  echo "ok   $$t (ThreadSanitizer)"; done
