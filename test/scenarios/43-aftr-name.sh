#!/bin/bash
# A named tunnel-remote (audit finding 7 and the AFTR name followed): an
# answer that cannot be an AFTR (multicast) is refused like a literal one;
# the name fixed, the tunnel comes up by itself; the name's address changed
# is followed (on SIGHUP here; also on WAN up, prefix change, a failed
# registration and hourly); with several addresses the one in use stays.
# The names come from /etc/hosts: the system resolver, as for DNS.
# uml-timeout: 180
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"

isp_setup
stanza_secret >/dev/null
stanza_write tunnel-remote aftr.test tunnel-wait 3
tun=tx-$WAN_IF
cp /etc/hosts /tmp/hosts.orig
hosts() { { cat /tmp/hosts.orig; printf '%s aftr.test\n' "$@"; } >/etc/hosts; }
remote_is() { ip -n "$ROUTER_NS" -d link show "$tun" 2>/dev/null | grep -q "remote $1 "; }
sup() { pgrep -x transix-supervi; }

step "aftr.test is ff05::1: refused like a literal multicast address"
hosts ff05::1
router_exec ifup "$WAN_IF"
wait_for 30 grep -q 'tunnel-remote aftr.test resolves to ff05::1: not a global IPv6 address' /var/log/syslog ||
	fail "no error about ff05::1"
assert_fail ip -n "$ROUTER_NS" link show "$tun"
assert_match "$(router_exec transix-status "$WAN_IF" || :)" "not a global IPv6 address" "status"

step "the name fixed: the tunnel comes up by itself"
hosts "$AFTR"
wait_for 60 eval "router_checkip >/dev/null" || fail "no IPv4"
assert_ok remote_is "$AFTR"
assert_match "$(router_exec transix-status "$WAN_IF")" "remote aftr.test \[$AFTR\]" "status shows the address"

step "the name's address changes: followed on SIGHUP"
other=${AFTR%::*}::141
hosts "$other"
kill -HUP "$(sup)"
wait_for 30 remote_is "$other" || fail "the tunnel still goes to $AFTR"
assert_ok grep -q "tunnel-remote aftr.test now is $other (was $AFTR)" /var/log/syslog

step "several addresses, the one in use among them: it stays"
hosts "${AFTR%::*}::142" "$other"
# The order of events: a pass after the signal rewrites the state file
# (atomically: a new inode), and the lookup happened in that pass.
state=/run/ifupdown-transix/$WAN_IF.state
before=$(stat -c %i "$state")
kill -HUP "$(sup)"
rewritten() { [[ $(stat -c %i "$state") != "$before" ]]; }
wait_for 30 rewritten || fail "no pass after SIGHUP"
assert_ok remote_is "$other"
assert_fail grep -q "tunnel-remote aftr.test now is ${AFTR%::*}::142" /var/log/syslog

step "back to the real AFTR: IPv4 again"
hosts "$AFTR"
kill -HUP "$(sup)"
wait_for 30 remote_is "$AFTR" || fail "not back to $AFTR"
wait_for 30 eval "router_checkip >/dev/null" || fail "no IPv4"
router_exec ifdown "$WAN_IF"
assert_fail ip -n "$ROUTER_NS" link show "$tun"
