#!/bin/bash
# The supervisor killed with SIGKILL (no teardown): "ifup --force" adopts
# what is there -- one tunnel, no second registration for the same
# address -- and a kill again followed by ifdown still removes everything
# of ours.  The IPv4 default route that was there before ifup is back
# after ifdown.
# uml-timeout: 180
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"

isp_setup
stanza_secret >/dev/null
stanza_write
tun=tx-$WAN_IF

step "a default route of the LAN's before ifup"
ip -n "$ROUTER_NS" link add lan-gw type dummy 2>/dev/null ||
	ip -n "$ROUTER_NS" link add lan-gw type veth peer name lan-gw-peer
ip -n "$ROUTER_NS" link set lan-gw up
# Not the emulated internet's 198.51.100.0/24, nor the LAN's 192.0.2.0/24.
ip -n "$ROUTER_NS" addr add 203.0.113.130/25 dev lan-gw
ip -n "$ROUTER_NS" route add default via 203.0.113.129 dev lan-gw
before=$(ip -n "$ROUTER_NS" -4 route show default)
echo "before: $before"

step "ifup; then SIGKILL the supervisor"
router_exec ifup "$WAN_IF"
assert_eq "$(router_checkip)" "$FIXED_IP" "checkip"
assert_eq "$(isp_update_count)" 1 "registrations"
pkill -KILL -x transix-supervi
wait_for 10 eval '! pgrep -x transix-supervi >/dev/null' || fail "still running"
status=$(router_exec transix-status "$WAN_IF") && fail "status healthy without a supervisor"
echo "$status"
assert_match "$status" "the supervisor is not running" "status"

step "ifup --force adopts: the same tunnel, no new registration"
ifindex=$(ip -n "$ROUTER_NS" -o link show "$tun" | cut -d: -f1)
router_exec ifup --force "$WAN_IF"
assert_eq "$(ip -n "$ROUTER_NS" -o link show "$tun" | cut -d: -f1)" "$ifindex" "tunnel ifindex"
assert_eq "$(ip -n "$ROUTER_NS" -o link show type ip6tnl | grep -c tx-)" 1 "tunnels"
assert_eq "$(isp_update_count)" 1 "registrations after the adoption"
assert_eq "$(pgrep -xc transix-supervi)" 1 "supervisors"
assert_eq "$(router_checkip)" "$FIXED_IP" "checkip"
router_exec transix-status "$WAN_IF"

step "SIGKILL again, then ifdown: everything of ours goes, the old default route comes back"
pkill -KILL -x transix-supervi
wait_for 10 eval '! pgrep -x transix-supervi >/dev/null' || fail "still running"
router_exec ifdown "$WAN_IF"
assert_fail ip -n "$ROUTER_NS" link show "$tun"
assert_fail pgrep -f 'transix-(supervisor|register)'
assert_eq "$(ls /run/ifupdown-transix/ 2>/dev/null)" "" "state left behind"
assert_eq "$(ip -n "$ROUTER_NS" -4 route show default)" "$before" "default route after ifdown"
