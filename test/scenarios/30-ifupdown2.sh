#!/bin/bash
# The stanza under ifupdown2 (Proxmox's default) instead of classic
# ifupdown: same hooks, other phase names, inet6 auto unsupported (so
# "inet6 manual" and our hook enables SLAAC itself).  ifupdown2 is swapped
# in inside this scenario's throwaway root, from the .deb "make deps"
# downloads into test/.cache.
# uml-timeout: 200
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"
source "$TOP/test/lib/frontend.sh"

ifupdown2_swap_in

isp_setup
stanza_secret >/dev/null
# No dhcp: ifupdown2's inet6 dhcp is stateful DHCPv6, not NGN's stateless
# kind; the update server is given by address.
stanza_write method manual -dhcp transix-update-url "http://[$UPDATE_ADDR]/request"
tun=tx-$WAN_IF

step "ifup (ifupdown2)"
router_exec ifup "$WAN_IF"
link=$(ip -n "$ROUTER_NS" -d link show "$tun")
echo "$link"
assert_match "$link" "$tun@$WAN_IF:" "bound to the WAN"
assert_match "$link" "ip6tnl ipip6 remote $AFTR local $ROUTER_ADDR dev $WAN_IF .*encaplimit none " "tunnel"
assert_eq "$(isp_update_count)" 1 "requests"
assert_match "$(isp_update_requests)" " $ROUTER_ADDR user=$TRANSIX_USER password=match answer=OK$" "request"
assert_eq "$(router_checkip)" "$FIXED_IP" "checkip"

step "ifup again: a no-op"
first=$(ip -n "$ROUTER_NS" -o link show "$tun" | cut -d: -f1)
router_exec ifup "$WAN_IF"
assert_eq "$(ip -n "$ROUTER_NS" -o link show "$tun" | cut -d: -f1)" "$first" "tunnel ifindex"
assert_eq "$(isp_update_count)" 1 "requests"

step "ifdown (ifupdown2)"
router_exec ifdown "$WAN_IF"
assert_fail ip -n "$ROUTER_NS" link show "$tun"
assert_fail pgrep -f transix-supervisor
assert_eq "$(ls /run/ifupdown-transix 2>/dev/null)" "" "our state"
assert_no_match "$(ip -n "$ROUTER_NS" token list)" "::feed" "token cleared (or the VLAN deleted)"

# ifupdown2 3.0.0 prints a failing hook's output but still exits 0, so the
# exit status is not asserted here; the message and "nothing made" are.
step "a bad value: ifupdown2 reports our line naming the option; nothing is made"
sed -i "s/^\ttunnel-address .*/&\n\ttunnel-mtu 99999/" /etc/network/interfaces
rc=0
out=$(router_exec ifup "$WAN_IF" 2>&1) || rc=$?
echo "exit $rc: $out"
assert_match "$out" "transix-hook: iface $WAN_IF: option tunnel-mtu \"99999\": not a number" "message"
assert_fail ip -n "$ROUTER_NS" link show "$tun"
assert_fail pgrep -f transix-supervisor
