#!/bin/bash
# Idempotency and repair: ifup twice (and with --force) changes nothing and
# registers once; a tunnel deleted or altered behind our back, and a WAN
# link bounce, are repaired without ifup; ifdown then removes everything.
# uml-timeout: 180
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"

isp_setup
stanza_secret >/dev/null
stanza_write
tun=tx-$WAN_IF
ifindex() { ip -n "$ROUTER_NS" -o link show "$1" | cut -d: -f1; }
tunnel_ok() {
	ip -n "$ROUTER_NS" -d link show "$tun" 2>/dev/null |
		grep -q "remote $AFTR local $ROUTER_ADDR .*encaplimit none" &&
	ip -n "$ROUTER_NS" -4 addr show dev "$tun" | grep -q "inet $FIXED_IP/32" &&
	ip -n "$ROUTER_NS" -4 route show default | grep -q "^default dev $tun"
}

step "first ifup"
router_exec ifup "$WAN_IF"
assert_ok tunnel_ok
first=$(ifindex "$tun")
supervisor=$(pgrep -f transix-supervisor)

step "ifup again: ifupdown says it is configured; nothing changes"
router_exec ifup "$WAN_IF"
assert_eq "$(ifindex "$tun")" "$first" "tunnel ifindex"

step "ifup --force: the hooks run again on a matching tunnel: a no-op"
addr_before=$(ip -n "$ROUTER_NS" -6 -o addr show dev "$WAN_IF" to "$ROUTER_ADDR/128")
router_exec ifup --force "$WAN_IF"
assert_eq "$(ifindex "$tun")" "$first" "tunnel ifindex after --force"
assert_ok tunnel_ok
assert_eq "$(isp_update_count)" 1 "registrations (no second one for the same address)"
# The token was not set again (that would retire and re-create ::feed).
assert_ok router_addr_ready "$ROUTER_ADDR"
[[ -n $addr_before ]] || fail "no $ROUTER_ADDR before --force"
assert_eq "$(pgrep -fc transix-supervisor)" 1 "supervisors running"
assert_fail kill -0 "$supervisor"
assert_eq "$(router_checkip)" "$FIXED_IP" "checkip"

step "the tunnel deleted by hand comes back by itself"
ip -n "$ROUTER_NS" link del "$tun"
wait_for 10 tunnel_ok || fail "tunnel not re-created"
assert_eq "$(router_checkip)" "$FIXED_IP" "checkip after re-creation"

step "a tunnel altered by hand (MTU, encap limit, address, route) is corrected"
ip -n "$ROUTER_NS" link set "$tun" mtu 1400
wait_for 10 eval "ip -n $ROUTER_NS link show $tun | grep -q 'mtu 1460 '" || fail "MTU not corrected"
ip -n "$ROUTER_NS" link set "$tun" type ip6tnl mode ipip6 encaplimit 4
wait_for 10 tunnel_ok || fail "encap limit not corrected"
ip -n "$ROUTER_NS" addr del "$FIXED_IP/32" dev "$tun"
wait_for 10 tunnel_ok || fail "address not restored"
ip -n "$ROUTER_NS" route del default dev "$tun"
wait_for 10 tunnel_ok || fail "default route not restored"

step "WAN link down and up: service restored"
ip -n "$ROUTER_NS" link set "$WAN_IF" down
ip -n "$ROUTER_NS" link set "$WAN_IF" up
wait_for 20 tunnel_ok || fail "tunnel not back after link bounce"
wait_for 20 eval "[ \"\$(router_checkip 2)\" = $FIXED_IP ]" || fail "IPv4 not back after link bounce"

step "ifdown after all that: nothing left"
router_exec ifdown "$WAN_IF"
assert_fail ip -n "$ROUTER_NS" link show "$tun"
assert_fail pgrep -f transix-supervisor
assert_eq "$(ip -n "$ROUTER_NS" -4 route show)" "" "IPv4 routes"
