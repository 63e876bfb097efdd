#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2016 # eval'd conditions for wait_for
# Issue 9: a lookup of the AFTR's name never holds the supervisor.  The
# ISP's DNS server swallows every query (an nftables drop: no answer, no
# ICMP), so each c-ares lookup runs its tries to their timeouts (2 tries,
# the second 2 s after the first).  SIGTERM (what ifdown sends) arrives
# just after a lookup's first try: the supervisor stops at once, and the
# order of events shows it did not wait for the lookup: no second try
# reaches the server after the signal.  (A supervisor that waits for the
# lookup sends that second try before it reads its signal.)
# uml-timeout: 180
# uml-needs: nftables
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"
source "$TOP/test/lib/clock.sh"

isp_setup
# Dropped where it arrives, counted: every try of every lookup is one packet.
ip netns exec "$ISP_NS" nft -f - <<-EOT
	table ip6 dnshang {
		chain in {
			type filter hook input priority 0;
			ip6 daddr $DNS6 udp dport 53 counter drop
		}
	}
EOT
queries() { ip netns exec "$ISP_NS" nft list table ip6 dnshang | sed -n 's/.*counter packets \([0-9]*\).*/\1/p'; }
echo "nameserver $DNS6" >/etc/resolv.conf
stanza_write method manual -dhcp -transix-user -transix-password-file \
	tunnel-remote aftr.hang.test tunnel-wait 0
sup() { pgrep -x transix-supervi; }

step "ifup: the AFTR's name is looked up, and DNS never answers"
router_exec ifup "$WAN_IF"
wait_for 60 sup >/dev/null || fail "no supervisor"
pid=$(sup)
wait_for 60 eval '(($(queries) >= 2))' || fail "no DNS query reached the server"
router_exec transix-status "$WAN_IF" || :

step "SIGTERM just after a lookup's first try: served at once"
# An odd count: a first try has just gone out, its second is 2 s away.
wait_for 60 eval '(($(queries) % 2 == 1))' || fail "no lookup started"
before=$(queries)
t0=$(us)
kill -TERM "$pid"
wait_for 60 eval '! kill -0 "$pid" 2>/dev/null' || fail "the supervisor did not stop"
echo "measured: 47 SIGTERM during a hung lookup -> supervisor gone: $(ms $(($(us) - t0))) s"
assert_eq "$(queries)" "$before" "DNS tries after SIGTERM"
assert_ok grep -q "transix-supervisor\[$pid\]: $WAN_IF: stopping" /var/log/syslog
router_exec ifdown "$WAN_IF" || :
