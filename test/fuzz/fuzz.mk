# SPDX-License-Identifier: GPL-2.0-or-later
#
# libFuzzer targets (clang, ASan+UBSan) for every parser that reads outside
# input: the stanza options, URLs, the state file, the password file, the
# update server's answer and the request spec (fuzz-answer: service.c),
# HB46PP's JSON answer and TXT record (fuzz-hb46pp: hb46pp.c, json-c), and
# rtnetlink answers and events.  Included by the Makefile.
#
#   make fuzz-build              builds test/fuzz/build/fuzz-*
#   make fuzz [FUZZ_SECONDS=60]  runs each target that long from the seed
#                                corpus in test/fuzz/corpus/TARGET, then
#                                prints one line per target (execs, exec/s,
#                                findings); fails if any target found one
#   make fuzz FUZZ_TARGETS=rtnl  only some
#
# A finding is saved as test/fuzz/build/crash-TARGET-*; reproduce it with
# test/fuzz/build/fuzz-TARGET FILE, then make it a unit test in test/unit.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= $(patsubst test/fuzz/fuzz-%.c,%,$(sort $(wildcard test/fuzz/fuzz-*.c)))
FUZZ_BINS     = $(FUZZ_TARGETS:%=test/fuzz/build/fuzz-%)
FUZZ_CFLAGS   = -std=gnu11 -D_GNU_SOURCE $(WARNINGS) -Ihelpers/lib -Itest/fuzz $(DEPCFLAGS) \
                -DVERSION='"fuzz"' -DPKGLIBEXECDIR='"$(PKGLIBEXECDIR)"' -g -O1 \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer

test/fuzz/build/fuzz-%: test/fuzz/fuzz-%.c test/fuzz/fuzz.h $(LIB_SRCS) $(wildcard helpers/lib/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -DRUNSTATEDIR='"$(abspath $(@D))/run-$*"' -o $@ $< \
		$(LIB_SRCS) $(UNIT_LIBS)

fuzz-build: $(FUZZ_BINS)

# New inputs go to build/corpus-TARGET; the seeds in the tree stay as they are.
fuzz: fuzz-build
	@fail=0; for t in $(FUZZ_TARGETS); do \
		mkdir -p test/fuzz/build/corpus-$$t; \
		dict=; [ -f test/fuzz/$$t.dict ] && dict=-dict=test/fuzz/$$t.dict; \
		test/fuzz/build/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-timeout=10 -rss_limit_mb=1024 $$dict \
			-artifact_prefix=test/fuzz/build/crash-$$t- \
			test/fuzz/build/corpus-$$t test/fuzz/corpus/$$t \
			>test/fuzz/build/fuzz-$$t.log 2>&1; rc=$$?; \
		execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' test/fuzz/build/fuzz-$$t.log); \
		rate=$$(sed -n 's/^stat::average_exec_per_sec: *//p' test/fuzz/build/fuzz-$$t.log); \
		found=$$(ls test/fuzz/build/crash-$$t-* test/fuzz/build/leak-$$t-* \
			test/fuzz/build/timeout-$$t-* test/fuzz/build/oom-$$t-* 2>/dev/null | wc -l); \
		echo "fuzz-$$t: $${execs:-?} execs in $(FUZZ_SECONDS) s, $${rate:-?} exec/s, $$found findings (exit $$rc; log test/fuzz/build/fuzz-$$t.log)"; \
		if [ $$rc != 0 ] || [ $$found != 0 ]; then fail=1; fi; \
	done; exit $$fail

fuzz-clean:
	rm -rf test/fuzz/build

.PHONY: fuzz fuzz-build fuzz-clean

clean: fuzz-clean
