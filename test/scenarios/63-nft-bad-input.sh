#!/bin/bash
# Issue 10: bad values of the new options fail ifup with one line naming
# the stanza, the option and the value, and change nothing: no tunnel, no
# supervisor, no nftables table, no route, no ifupdown state.
# uml-needs: nftables
# uml-timeout: 150
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"
source "$TOP/test/lib/nft.sh"

isp_setup --no-ra
nft_lan_setup
stanza_secret >/dev/null
router_vlan_add
ip -n "$ROUTER_NS" link set "$WAN_IF" up
# Someone else's table must survive a failed ifup too.
router_exec nft add table ip admin
routes_before=$(ip -n "$ROUTER_NS" -4 route)

# try EXPECTED-MESSAGE-REGEX OPTION VALUE...: ifup must fail with it.
try() {
	local want=$1 out rc=0
	shift
	stanza_write "$@"
	out=$(router_exec ifup "$WAN_IF" 2>&1) || rc=$?
	echo "--- $*: exit $rc: $out"
	((rc != 0)) || fail "ifup with $* succeeded"
	assert_match "$out" "transix-hook: iface $WAN_IF: $want" "message for $*"
	assert_eq "$(grep -c '^transix-hook:' <<<"$out")" 1 "lines from transix-hook"
	assert_eq "$(ip -n "$ROUTER_NS" -o link show type ip6tnl | grep -vc ip6tnl0@)" 0 "tunnels"
	assert_fail pgrep -f transix-supervisor
	assert_eq "$(router_exec nft list tables)" "table ip admin" "nftables tables"
	assert_eq "$(ip -n "$ROUTER_NS" -4 route)" "$routes_before" "IPv4 routes"
	assert_eq "$(cat /run/network/ifstate."$WAN_IF" 2>/dev/null)" "" "ifupdown state"
	assert_eq "$(ls /run/ifupdown-transix 2>/dev/null)" "" "our state"
}

step "bad values"
try 'option tunnel-mss-clamp "20": expected yes, no or an MSS from 536 to 1420' tunnel-mss-clamp 20
try 'option tunnel-mss-clamp "1500": expected yes, no or an MSS from 536 to 1420' tunnel-mss-clamp 1500
try 'option tunnel-mss-clamp "auto": expected yes, no or an MSS' tunnel-mss-clamp auto
try 'option tunnel-nat "maybe": expected yes or no' tunnel-nat maybe
try 'option tunnel-address "203.0.113.9/29": not aligned: the /29 block containing it starts at 203.0.113.8' \
	tunnel-address 203.0.113.9/29 tunnel-block-lan "$LAN_IF"
try 'option tunnel-address "203.0.113.8/31": with tunnel-block-lan, a block from /24 to /30' \
	tunnel-address 203.0.113.8/31 tunnel-block-lan "$LAN_IF"
try 'option tunnel-block-lan "'"$WAN_IF"'": must be a LAN interface' \
	tunnel-address 203.0.113.8/29 tunnel-block-lan "$WAN_IF"
try 'option tunnel-nat: needs tunnel-remote' -tunnel-remote -tunnel-address tunnel-nat yes
