# SPDX-License-Identifier: GPL-2.0-or-later
#
# ifupdown-transix: IPv4-over-IPv6 (transix fixed IP) from /etc/network/interfaces.
# Conventions of wireguard-tools/iproute2: PREFIX/DESTDIR, the caller's
# CFLAGS/LDFLAGS respected (Debian hardening passes through), no stripping.

VERSION     := $(shell sed -n '1s/.*(\(.*\)).*/\1/p' debian/changelog 2>/dev/null || echo 0)
PREFIX      ?= /usr
SBINDIR     ?= $(PREFIX)/sbin
LIBEXECDIR  ?= $(PREFIX)/libexec
MANDIR      ?= $(PREFIX)/share/man
DOCDIR      ?= $(PREFIX)/share/doc/ifupdown-transix
SYSCONFDIR  ?= /etc
RUNSTATEDIR ?= /run
PKGLIBEXECDIR = $(LIBEXECDIR)/ifupdown-transix

PKG_CONFIG ?= pkg-config
CC         ?= cc
CFLAGS     ?= -O2 -g
WARNINGS   := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
              -Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wvla \
              -Wimplicit-fallthrough -Wundef -Wwrite-strings
ifeq ($(WERROR),1)
WARNINGS   += -Werror
endif
# Quiet when pkg-config or the libraries are not installed yet: "make demo"
# and "make check" install them first and compile in a sub-make.
DEPCFLAGS  := $(shell $(PKG_CONFIG) --cflags libmnl libcurl libnftables libcares 2>/dev/null)
MNL_LIBS   := $(shell $(PKG_CONFIG) --libs libmnl 2>/dev/null)
NFT_LIBS   := $(shell $(PKG_CONFIG) --libs libnftables 2>/dev/null)
CURL_LIBS  := $(shell $(PKG_CONFIG) --libs libcurl 2>/dev/null)
CARES_LIBS := $(shell $(PKG_CONFIG) --libs libcares 2>/dev/null)
JSON_LIBS  := $(shell $(PKG_CONFIG) --libs json-c 2>/dev/null)
ALL_CFLAGS  = -std=gnu11 -D_GNU_SOURCE $(WARNINGS) -MMD -MP -Ihelpers/lib $(DEPCFLAGS) \
              -DVERSION='"$(VERSION)"' -DPKGLIBEXECDIR='"$(PKGLIBEXECDIR)"' \
              -DRUNSTATEDIR='"$(RUNSTATEDIR)"' $(CPPFLAGS) $(CFLAGS) $(BUILD_EXTRA)

# SAN=1: the programs with UBSan (bounds and object sizes included) and
# every stack protected, the runtime linked statically so that the report
# path of test/uml/san-options.c is found: reports land in
# /var/log/transix-ubsan.PID, where the real-kernel harness looks.  Not
# ASan: under Debian's User-Mode Linux kernel a process has 512 GiB of
# address space and ASan's shadow needs 128 TiB ("Shadow memory range
# interleaves with an existing memory mapping", at the start of every
# program); the library's code runs under ASan in the unit tests.
# SAN=asan: ASan+UBSan, for the host only (make check-http SAN=asan).
# COVERAGE=1: with --coverage (make coverage).  A change of flags rebuilds.
ifeq ($(SAN),1)
BUILD_EXTRA += -fsanitize=undefined -fsanitize=bounds-strict -fno-sanitize-recover=all \
               -fno-omit-frame-pointer -fstack-protector-all -static-libubsan
EXTRA_OBJS  += test/uml/san-options.o
endif
ifeq ($(SAN),asan)
BUILD_EXTRA += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
               -static-libasan -static-libubsan
EXTRA_OBJS  += test/uml/san-options.o
endif
ifeq ($(COVERAGE),1)
BUILD_EXTRA += --coverage -O0
endif

LIB_SRCS  := $(sort $(wildcard helpers/lib/*.c))
LIB_OBJS  := $(LIB_SRCS:.c=.o)
LIB       := helpers/libtransix.a
PROGS     := $(patsubst %.c,%,$(sort $(wildcard helpers/transix-*.c)))
HOOK_PHASES := pre-up up down post-down
HOOKS     := $(foreach p,$(HOOK_PHASES),ifupdown-method/if-$(p).d/transix)
MAN_SRCS  := $(wildcard man/*.[0-9])

# Issue 12: the ifupdown-ng executor and the ifupdown2 addon module.
FRONTENDS := ifupdown-method/ifupdown-ng/transix ifupdown-method/ifupdown2/transix.py
NGEXECDIR := $(LIBEXECDIR)/ifupdown-ng
I2ADDONDIR := $(PREFIX)/share/ifupdown2/addons

all: $(PROGS) $(HOOKS) $(FRONTENDS)

helpers/%.o: helpers/%.c helpers/.flags
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

test/uml/san-options.o: test/uml/san-options.c helpers/.flags
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	$(AR) rcs $@ $^

helpers/transix-register: LDLIBS_EXTRA = $(CURL_LIBS)
# Our nftables table (issue 10): only the programs that install or remove it
# (issue 13: transix-nft for the supervisor, which stays without libnftables).
helpers/transix-nft helpers/transix-hook: LDLIBS_EXTRA = $(NFT_LIBS)
# c-ares: a named tunnel-remote's lookups, with their TTL (issue 9).
helpers/transix-supervisor: LDLIBS_EXTRA += $(CARES_LIBS)
# Issue 13: every symbol bound at start (and the GOT read-only), so that
# after mem_trim_code() an idle wake-up never runs the dynamic linker's
# lazy binding and maps its code again: idle VmRSS ~0.3 MiB instead of 0.7.
helpers/transix-supervisor: LDLIBS_EXTRA += -Wl,-z,relro -Wl,-z,now
# HB46PP (issue 14): the TXT lookup (c-ares), the request (libcurl), the
# answer (json-c), all in the short-lived transix-provision.
helpers/transix-provision: LDLIBS_EXTRA = $(CURL_LIBS) $(CARES_LIBS) $(JSON_LIBS)
helpers/transix-%: helpers/transix-%.o $(LIB) $(EXTRA_OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(EXTRA_OBJS) $(LIB) $(MNL_LIBS) $(LDLIBS_EXTRA) $(LDLIBS)

# The hooks are four copies of one tiny template: ifupdown's environment is
# handed to the C program untouched; no option value is ever parsed by sh.
ifupdown-method/if-%.d/transix: ifupdown-method/hook.in Makefile
	@mkdir -p $(@D)
	sed -e 's|@PKGLIBEXECDIR@|$(PKGLIBEXECDIR)|g' -e 's|@PHASE@|$*|g' $< > $@
	chmod 755 $@

ifupdown-method/ifupdown-ng/transix: ifupdown-method/ifupdown-ng.in Makefile
	@mkdir -p $(@D)
	sed -e 's|@PKGLIBEXECDIR@|$(PKGLIBEXECDIR)|g' $< > $@
	chmod 755 $@

ifupdown-method/ifupdown2/transix.py: ifupdown-method/ifupdown2/transix.py.in Makefile
	sed -e 's|@PKGLIBEXECDIR@|$(PKGLIBEXECDIR)|g' $< > $@

install: all
	install -d $(DESTDIR)$(PKGLIBEXECDIR) $(DESTDIR)$(SBINDIR)
	install -m 755 helpers/transix-hook helpers/transix-supervisor \
		helpers/transix-register helpers/transix-nft helpers/transix-provision \
		$(DESTDIR)$(PKGLIBEXECDIR)/
	install -m 755 helpers/transix-status $(DESTDIR)$(SBINDIR)/
	for p in $(HOOK_PHASES); do \
		install -d $(DESTDIR)$(SYSCONFDIR)/network/if-$$p.d; \
		install -m 755 ifupdown-method/if-$$p.d/transix \
			$(DESTDIR)$(SYSCONFDIR)/network/if-$$p.d/transix; \
	done
	install -d $(DESTDIR)$(NGEXECDIR) $(DESTDIR)$(I2ADDONDIR)
	install -m 755 ifupdown-method/ifupdown-ng/transix $(DESTDIR)$(NGEXECDIR)/transix
	install -m 644 ifupdown-method/ifupdown2/transix.py $(DESTDIR)$(I2ADDONDIR)/transix.py
	# The administrator's password files go here: root only.
	install -d -m 700 $(DESTDIR)$(SYSCONFDIR)/ifupdown-transix
	install -d $(DESTDIR)$(DOCDIR)/examples
	install -m 644 examples/* $(DESTDIR)$(DOCDIR)/examples/
	for m in $(MAN_SRCS); do \
		s=$${m##*.}; install -d $(DESTDIR)$(MANDIR)/man$$s; \
		install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; \
	done

# Leaves /etc/ifupdown-transix: it holds the administrator's passwords.
uninstall:
	rm -f $(addprefix $(DESTDIR)$(PKGLIBEXECDIR)/,transix-hook transix-supervisor transix-register \
		transix-nft transix-provision)
	-rmdir $(DESTDIR)$(PKGLIBEXECDIR)
	rm -f $(DESTDIR)$(SBINDIR)/transix-status
	rm -f $(foreach p,$(HOOK_PHASES),$(DESTDIR)$(SYSCONFDIR)/network/if-$(p).d/transix)
	rm -f $(DESTDIR)$(NGEXECDIR)/transix $(DESTDIR)$(I2ADDONDIR)/transix.py
	rm -f $(foreach m,$(MAN_SRCS),$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m)))
	rm -rf $(DESTDIR)$(DOCDIR)

# --- tests -------------------------------------------------------------------
# Unit tests: pure code (parsers, validators, encoders), ASan+UBSan.
SANFLAGS   := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
UNIT_SRCS  := $(sort $(wildcard test/unit/test-*.c))
UNIT_BINS  := $(UNIT_SRCS:test/unit/%.c=test/unit/build/%)

# Whatever helpers/lib needs (NFT_LIBS where the library uses nftables).
UNIT_LIBS   = $(MNL_LIBS) $(CURL_LIBS) $(NFT_LIBS) $(CARES_LIBS) $(JSON_LIBS)

# Each test program gets its own RUNSTATEDIR in the build tree: state files
# of one test (or of another checkout's) never meet another's.
UNIT_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARNINGS) -Ihelpers/lib -Itest/unit $(DEPCFLAGS) \
              -DVERSION='"test"' -DPKGLIBEXECDIR='"$(PKGLIBEXECDIR)"' -O1 -g $(SANFLAGS) \
              $(UNIT_COVERAGE)

test/unit/build/%: test/unit/%.c $(LIB_SRCS) $(wildcard helpers/lib/*.h) $(wildcard test/unit/*.h)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -DRUNSTATEDIR='"$(abspath $(@D))/run-$*"' -o $@ $< $(LIB_SRCS) \
		$(UNIT_LIBS)

# transix-status against crafted state files: the real program, built with
# the test's RUNSTATEDIR, driven by a shell script (JSON checked by jq).
UNIT_BINS += test/unit/build/test-status
test/unit/build/transix-status: helpers/transix-status.c $(LIB_SRCS) $(wildcard helpers/lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -DRUNSTATEDIR='"$(abspath $(@D))/run-test-status"' -o $@ $< \
		$(LIB_SRCS) $(UNIT_LIBS)
test/unit/build/test-status: test/unit/test-status.sh test/unit/build/transix-status
	install -m 755 $< $@

check-unit: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do $$t || fail=1; done; exit $$fail

# transix-register against a local HTTP stub (loopback only).
check-http: helpers/transix-register
	test/http/test-register.sh helpers/transix-register

# Real-kernel scenarios: User-Mode Linux guest, emulated ISP, real ifupdown.
# UML_ARGS may name scenarios, e.g. make check-uml UML_ARGS=10-stanza-up-down
check-uml: all
	test/uml/run $(UML_ARGS)

# The UML kernel with nftables (issue 10), cached in /var/cache; test/uml/run
# builds it too when it is missing.
uml-kernel:
	test/uml/kernel/build

# Everything, with one "N passed, N failed" line at the end.  The first
# command after "git clone" on a fresh Debian 12 machine: as root it
# installs what is missing first (deps), then compiles in a sub-make (the
# pkg-config flags are only known once the libraries are installed).  The
# package lifecycle scenario gets a .deb built from this tree (check-deb),
# so that dpkg really runs prerm/postrm.  DEB=file.deb runs all the
# real-kernel scenarios against that installed package instead of against
# "make install".  SAN=1: the four programs built with ASan+UBSan.
check: deps ifupdown2-deb ifupdown-ng-deb
	$(MAKE) --no-print-directory all $(UNIT_BINS)
	$(if $(DEB),,$(MAKE) --no-print-directory check-deb)
	DEB=$(DEB) PKG=$(if $(DEB),,$(CHECK_DEB_DIR)/pkg.deb) UML_ARGS="$(UML_ARGS)" test/check

# 50+ ifup/ifdown cycles (make check runs 10).
SOAK_CYCLES ?= 60
soak: deps
	$(MAKE) --no-print-directory all
	TRANSIX_CYCLES=$(SOAK_CYCLES) test/uml/run -j 1 24-cycles

# The router boots before the ONU and the access network comes back after
# 10 minutes, under ifupdown and ifupdown2 (issue 9; about 45 minutes).
soak-boot: deps ifupdown2-deb
	$(MAKE) --no-print-directory all
	test/uml/run -j 1 test/soak/44-boot-onu-10min.sh test/soak/45-boot-onu-10min-ifupdown2.sh

# Line coverage of helpers/ from the unit tests, the HTTP test and the
# real-kernel scenarios together: the programs rebuilt with --coverage (a
# plain "make" rebuilds them without), the guest writes its .gcda through a
# hostfs mount of helpers/ (one guest at a time: they would share the
# files).  UML_ARGS may pick scenarios.
coverage: ifupdown2-deb ifupdown-ng-deb
	$(MAKE) --no-print-directory deps DEPS="$(DEPS) gcovr"
	rm -f helpers/*.gcda helpers/lib/*.gcda helpers/*.gcno helpers/lib/*.gcno
	rm -rf test/unit/build
	$(MAKE) --no-print-directory CC="$(CC) --coverage" $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do $$t >/dev/null || { echo "FAIL $$t"; fail=1; }; done; exit $$fail
	$(MAKE) --no-print-directory COVERAGE=1 all
	test/http/test-register.sh helpers/transix-register | tail -n 1
	COVERAGE=1 test/uml/run -j 1 $(UML_ARGS) | tail -n 1
	gcovr --root . --filter 'helpers/' --exclude-unreachable-branches --sort-percentage \
		--gcov-ignore-parse-errors $(GCOVR_ARGS)
	@# The unit tests built with --coverage: make check builds its own.
	rm -rf test/unit/build

demo: deps
	$(MAKE) --no-print-directory all
	test/uml/run --demo

# Speed figures (printed, never asserted): sizes, ifup/ifdown, idle, and the
# timings the scenarios measure (late RA, retries, backoff) and test/http's.
bench: deps
	$(MAKE) --no-print-directory all
	test/bench/run

# Build and test dependencies (Debian 12).  As root, installs what is
# missing; as another user, says what to install and fails if anything is.
DEPS := build-essential pkgconf libmnl-dev libcurl4-openssl-dev libnftables-dev nftables libc-ares-dev \
        libjson-c-dev openssl \
        linux-source-6.1 flex bison bc jq clang libclang-rt-14-dev \
        user-mode-linux kmod iproute2 ifupdown isc-dhcp-client radvd dnsmasq-base \
        python3 curl iputils-ping procps psmisc util-linux \
        debhelper devscripts lintian fakeroot
deps:
	@missing=$$(for p in $(DEPS); do \
		dpkg-query -W -f='$${db:Status-Abbrev}' $$p 2>/dev/null | grep -q '^ii' || echo $$p; \
	done); \
	[ -z "$$missing" ] && exit 0; \
	missing=$$(echo $$missing); \
	if [ "$$(id -u)" != 0 ]; then \
		echo "make: missing packages: $$missing" >&2; \
		echo "make: as root, run:  apt-get install --no-install-recommends $$missing" >&2; \
		exit 1; \
	fi; \
	echo "make: installing $$missing"; \
	apt-get update && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends $$missing

# ifupdown2 and ifupdown-ng (issue 12) are only downloaded: their scenarios
# swap them in inside the throwaway guest root.  Kept in
# /var/cache/ifupdown-transix (as root) so that every clone on the machine
# reuses them, and copied to test/.cache.
IFUPDOWN2_CACHE := /var/cache/ifupdown-transix
ifupdown2-deb ifupdown-ng-deb:
	@p=$(@:-deb=); ls test/.cache/$${p}_*.deb >/dev/null 2>&1 && exit 0; \
	mkdir -p test/.cache; \
	if ls $(IFUPDOWN2_CACHE)/$${p}_*.deb >/dev/null 2>&1; then \
		cp $(IFUPDOWN2_CACHE)/$${p}_*.deb test/.cache/ && exit 0; \
	fi; \
	if [ "$$(id -u)" = 0 ]; then dir=$(IFUPDOWN2_CACHE); else dir=test/.cache; fi; \
	mkdir -p $$dir && cd $$dir && \
	{ apt-get download $$p 2>/dev/null || \
	  { [ "$$(id -u)" = 0 ] && apt-get update >/dev/null && apt-get download $$p; }; } || \
	{ echo "make: cannot download $$p (as root: apt-get update, then make check again)" >&2; exit 1; }; \
	cd $(CURDIR) && { [ -e test/.cache/$$(basename $$dir/$${p}_*.deb) ] || cp $$dir/$${p}_*.deb test/.cache/; }

# The .deb of this tree for the package lifecycle scenario, built in a copy
# under build/ (dpkg-buildpackage writes to the parent directory); its unit
# tests are skipped (nocheck): make check runs them anyway.
CHECK_DEB_DIR := build/deb
check-deb:
	rm -rf $(CHECK_DEB_DIR) && mkdir -p $(CHECK_DEB_DIR)/src
	tar -c --exclude=./build --exclude=./.git --exclude=./test/.cache \
		--exclude='*.o' --exclude='*.d' --exclude='*.a' --exclude=./test/unit/build . | \
		tar -x -C $(CHECK_DEB_DIR)/src
	cd $(CHECK_DEB_DIR)/src && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b \
		>../build.log 2>&1 || { tail -n 30 ../build.log; exit 1; }
	ln -sf $$(cd $(CHECK_DEB_DIR) && ls ifupdown-transix_*.deb) $(CHECK_DEB_DIR)/pkg.deb

# The package lands in the parent directory, as dpkg-buildpackage does it.
DEB_FILE = ../ifupdown-transix_$(VERSION)_$(shell dpkg --print-architecture).deb
deb:
	dpkg-buildpackage -us -uc -b

# lintian with no error or warning, and hardening-check on what it ships
# (control-flow protection excluded: bookworm's crt1.o lacks it for every
# program).
lint-deb:
	lintian --fail-on error,warning -I -E --pedantic ../ifupdown-transix_$(VERSION)_*.changes
	tmp=$$(mktemp -d) && dpkg-deb -x $(DEB_FILE) $$tmp && \
	hardening-check --nocfprotection $$tmp/usr/libexec/ifupdown-transix/* $$tmp/usr/sbin/*; \
	rc=$$?; rm -rf $$tmp; exit $$rc

clean:
	rm -f helpers/*.o helpers/*.d helpers/lib/*.o helpers/lib/*.d $(LIB) $(PROGS) $(HOOKS) $(FRONTENDS) helpers/.flags
	rm -f test/uml/san-options.[od] helpers/*.gc?? helpers/lib/*.gc??
	rm -rf test/unit/build build

# The flags the objects were built with: a different set (SAN=1,
# COVERAGE=1, other CFLAGS) rebuilds them.
BUILD_FLAGS := $(CC) $(ALL_CFLAGS) $(LDFLAGS)
ifneq ($(BUILD_FLAGS),$(file <helpers/.flags))
$(file >helpers/.flags,$(BUILD_FLAGS))
endif

.PHONY: all install uninstall check check-unit check-http check-uml demo bench deps deb lint-deb clean \
	soak soak-boot ifupdown2-deb ifupdown-ng-deb check-deb coverage uml-kernel
# Keep the objects: otherwise "make install" after "make" relinks everything.
.SECONDARY: $(PROGS:=.o) $(LIB_OBJS)
.DELETE_ON_ERROR:

-include $(wildcard helpers/*.d helpers/lib/*.d)
-include test/fuzz/fuzz.mk
