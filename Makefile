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
DEPCFLAGS  := $(shell $(PKG_CONFIG) --cflags libmnl libcurl libnftables)
MNL_LIBS   := $(shell $(PKG_CONFIG) --libs libmnl)
NFT_LIBS   := $(shell $(PKG_CONFIG) --libs libnftables)
CURL_LIBS  := $(shell $(PKG_CONFIG) --libs libcurl)
ALL_CFLAGS  = -std=gnu11 -D_GNU_SOURCE $(WARNINGS) -MMD -MP -Ihelpers/lib $(DEPCFLAGS) \
              -DVERSION='"$(VERSION)"' -DPKGLIBEXECDIR='"$(PKGLIBEXECDIR)"' \
              -DRUNSTATEDIR='"$(RUNSTATEDIR)"' $(CPPFLAGS) $(CFLAGS)

LIB_SRCS  := $(sort $(wildcard helpers/lib/*.c))
LIB_OBJS  := $(LIB_SRCS:.c=.o)
LIB       := helpers/libtransix.a
PROGS     := $(patsubst %.c,%,$(sort $(wildcard helpers/transix-*.c)))
HOOK_PHASES := pre-up up down post-down
HOOKS     := $(foreach p,$(HOOK_PHASES),ifupdown-method/if-$(p).d/transix)
MAN_SRCS  := $(wildcard man/*.[0-9])

all: $(PROGS) $(HOOKS)

helpers/%.o: helpers/%.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	$(AR) rcs $@ $^

helpers/transix-register: LDLIBS_EXTRA = $(CURL_LIBS)
# Our nftables table (issue 10): only the programs that install or remove it.
helpers/transix-supervisor helpers/transix-hook: LDLIBS_EXTRA = $(NFT_LIBS)
helpers/transix-%: helpers/transix-%.o $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(MNL_LIBS) $(LDLIBS_EXTRA) $(LDLIBS)

# The hooks are four copies of one tiny template: ifupdown's environment is
# handed to the C program untouched; no option value is ever parsed by sh.
ifupdown-method/if-%.d/transix: ifupdown-method/hook.in Makefile
	@mkdir -p $(@D)
	sed -e 's|@PKGLIBEXECDIR@|$(PKGLIBEXECDIR)|g' -e 's|@PHASE@|$*|g' $< > $@
	chmod 755 $@

install: all
	install -d $(DESTDIR)$(PKGLIBEXECDIR) $(DESTDIR)$(SBINDIR)
	install -m 755 helpers/transix-hook helpers/transix-supervisor \
		helpers/transix-register $(DESTDIR)$(PKGLIBEXECDIR)/
	install -m 755 helpers/transix-status $(DESTDIR)$(SBINDIR)/
	for p in $(HOOK_PHASES); do \
		install -d $(DESTDIR)$(SYSCONFDIR)/network/if-$$p.d; \
		install -m 755 ifupdown-method/if-$$p.d/transix \
			$(DESTDIR)$(SYSCONFDIR)/network/if-$$p.d/transix; \
	done
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
	rm -f $(addprefix $(DESTDIR)$(PKGLIBEXECDIR)/,transix-hook transix-supervisor transix-register)
	-rmdir $(DESTDIR)$(PKGLIBEXECDIR)
	rm -f $(DESTDIR)$(SBINDIR)/transix-status
	rm -f $(foreach p,$(HOOK_PHASES),$(DESTDIR)$(SYSCONFDIR)/network/if-$(p).d/transix)
	rm -f $(foreach m,$(MAN_SRCS),$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m)))
	rm -rf $(DESTDIR)$(DOCDIR)

# --- tests -------------------------------------------------------------------
# Unit tests: pure code (parsers, validators, encoders), ASan+UBSan.
SANFLAGS   := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
UNIT_SRCS  := $(sort $(wildcard test/unit/test-*.c))
UNIT_BINS  := $(UNIT_SRCS:test/unit/%.c=test/unit/build/%)

test/unit/build/%: test/unit/%.c $(LIB_SRCS) test/unit/unit.h
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -D_GNU_SOURCE $(WARNINGS) -Ihelpers/lib -Itest/unit $(DEPCFLAGS) -DVERSION='"test"' \
		-DPKGLIBEXECDIR='"$(PKGLIBEXECDIR)"' -DRUNSTATEDIR='"/tmp"' \
		-O1 -g $(SANFLAGS) -o $@ $< $(LIB_SRCS) $(MNL_LIBS) $(CURL_LIBS) $(NFT_LIBS)

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

# Everything, with one "N passed, N failed" line at the end.  DEB=file.deb
# runs the real-kernel scenarios against the installed package instead of
# against "make install".
check: all $(UNIT_BINS)
	DEB=$(DEB) UML_ARGS="$(UML_ARGS)" test/check

demo: all
	@if [ "$$(id -u)" = 0 ]; then $(MAKE) --no-print-directory deps; fi
	test/uml/run --demo

bench: all
	test/bench/run

# Build and test dependencies (Debian 12).  ifupdown2 is only downloaded:
# the ifupdown2 scenario swaps it in inside its throwaway guest root.
DEPS := build-essential pkgconf libmnl-dev libcurl4-openssl-dev libnftables-dev nftables \
        linux-source-6.1 flex bison bc \
        user-mode-linux kmod iproute2 ifupdown isc-dhcp-client radvd dnsmasq-base \
        python3 curl iputils-ping procps psmisc \
        debhelper devscripts lintian fakeroot
deps:
	@if [ "$$(id -u)" = 0 ]; then \
		missing=$$(dpkg-query -W -f='$${Package} $${Status}\n' $(DEPS) 2>/dev/null | \
			awk '$$4 != "installed" {print $$1}'; \
			for p in $(DEPS); do dpkg-query -W $$p >/dev/null 2>&1 || echo $$p; done); \
		if [ -n "$$missing" ]; then \
			apt-get update && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends $$missing || exit 1; \
		fi; \
		test/uml/kernel/build || echo "deps: no UML test kernel; nftables scenarios cannot run"; \
		if ! ls test/.cache/ifupdown2_*.deb >/dev/null 2>&1; then \
			mkdir -p test/.cache && cd test/.cache && \
			{ apt-get download ifupdown2 || { apt-get update && apt-get download ifupdown2; }; }; \
		fi; \
	else \
		echo "run as root, or: apt-get install $(DEPS)"; \
	fi

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
	rm -f helpers/*.o helpers/*.d helpers/lib/*.o helpers/lib/*.d $(LIB) $(PROGS) $(HOOKS)
	rm -rf test/unit/build

.PHONY: all install uninstall check check-unit check-http check-uml uml-kernel demo bench deps deb lint-deb clean
# Keep the objects: otherwise "make install" after "make" relinks everything.
.SECONDARY: $(PROGS:=.o) $(LIB_OBJS)
.DELETE_ON_ERROR:

-include $(wildcard helpers/*.d helpers/lib/*.d)
