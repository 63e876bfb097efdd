#!/bin/bash
# The stanza of the README under real classic ifupdown, over VLAN 1000:
# ifup brings up the ipip6 tunnel from <prefix>::feed, registers, and IPv4
# works with no manual step; ifdown leaves nothing behind.
# uml-timeout: 150
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"

isp_setup
stanza_secret >/dev/null
stanza_write
tun=tx-$WAN_IF

step "ifup"
router_exec ifup "$WAN_IF"

step "the tunnel is an ipip6 ip6tnl bound to the WAN, from ::feed"
link=$(ip -n "$ROUTER_NS" -d link show "$tun")
echo "$link"
assert_match "$link" "$tun@$WAN_IF:" "bound to the WAN"
assert_match "$link" "mtu 1460 " "MTU"
assert_match "$link" "ip6tnl ipip6 remote $AFTR local $ROUTER_ADDR dev $WAN_IF .*encaplimit none " "mode, endpoints, encap limit"
assert_match "$(ip -n "$ROUTER_NS" -4 -o addr show dev "$tun")" "inet $FIXED_IP/32 " "IPv4 address"
assert_match "$(ip -n "$ROUTER_NS" -4 route show default)" "^default dev $tun " "default route"

step "registered once, from ::feed, with the exact credentials; IPv4 works"
assert_eq "$(isp_update_count)" 1 "requests seen by the update server"
assert_match "$(isp_update_requests)" " $ROUTER_ADDR user=$TRANSIX_USER password=match answer=OK$" "the request"
assert_eq "$(router_checkip)" "$FIXED_IP" "checkip"

step "transix-status says healthy"
status=$(router_exec transix-status "$WAN_IF")
echo "$status"
assert_match "$status" "^$WAN_IF: ok" "health"
assert_match "$status" "registration +ok, $ROUTER_ADDR registered" "registration"
status_json "$WAN_IF"
assert_eq "$STATUS_RC" 0 "transix-status --json exit status"
assert_eq "${STATUS[health]}" ok "JSON health"
assert_eq "${STATUS[registration]}" ok "JSON registration"
assert_eq "${STATUS[registered_address]}" "$ROUTER_ADDR" "JSON registered_address"
assert_eq "${STATUS[local]}" "$ROUTER_ADDR" "JSON local"
assert_eq "${STATUS[tunnel]}" "$tun" "JSON tunnel"
assert_eq "${STATUS[mtu]}" 1460 "JSON mtu"
assert_eq "${STATUS[pid]}" "$(<"/run/ifupdown-transix/$WAN_IF.pid")" "JSON pid"

step "ifdown removes tunnel, address, route, supervisor and state"
router_exec ifdown "$WAN_IF"
assert_fail ip -n "$ROUTER_NS" link show "$tun"
assert_eq "$(ip -n "$ROUTER_NS" -4 route show default)" "" "default route"
assert_fail pgrep -f transix-supervisor
assert_eq "$(ls /run/ifupdown-transix 2>/dev/null)" "" "files in /run/ifupdown-transix"
assert_fail router_checkip 2
