#!/bin/bash
# Issue 10: a fixed-IP block (203.0.113.8/29) routed through the tunnel to
# the LAN, with examples/router-block.interfaces and
# examples/nftables-router-block.conf loaded as they are (only the AFTR, the
# user name and the LAN's private prefix replaced).  A LAN host using a
# block address is seen by checkip under that address; a private LAN host
# is NATed to the router's block address; the router itself reaches the
# internet from the block; the internet reaches a server of the block.
# uml-needs: nftables
# uml-timeout: 200
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"
source "$TOP/test/lib/nft.sh"

BLOCK=203.0.113.8/29 ROUTER_BLOCK_ADDR=203.0.113.9 HOST_BLOCK_ADDR=203.0.113.10
isp_setup --fixed-ip "$BLOCK"
# The LAN link and host as lan_setup makes them, but the router's side is
# left to the example's LAN stanza (192.168.1.1/24 there, 192.0.2.1/24 here).
lan_host_only "$HOST_BLOCK_ADDR/29"
example_interfaces router-block.interfaces

step "ifup -a with the block example and its firewall"
router_exec nft -f "$TOP/examples/nftables-router-block.conf"
router_exec ifup -a
ip -n "$ROUTER_NS" -4 addr show dev "tx-$WAN_IF"
ip -n "$ROUTER_NS" -4 route
assert_match "$(ip -n "$ROUTER_NS" -4 -o addr show dev "tx-$WAN_IF")" "inet $ROUTER_BLOCK_ADDR/32 " \
	"the router's block address on the tunnel"
wait_for 10 eval "ip -n $ROUTER_NS -4 route show $BLOCK | grep -q 'dev $LAN_IF .*src $ROUTER_BLOCK_ADDR'" ||
	fail "no route of the block to $LAN_IF"
nft_table
router_exec nft list table inet filter >/dev/null || fail "the firewall's table is gone"

step "the router itself is seen as $ROUTER_BLOCK_ADDR"
assert_eq "$(router_checkip)" "$ROUTER_BLOCK_ADDR" "checkip from the router"

step "a LAN host with a block address is seen as itself"
assert_eq "$(lan_checkip --interface "$HOST_BLOCK_ADDR")" "$HOST_BLOCK_ADDR" "checkip from $HOST_BLOCK_ADDR"

step "a private LAN host is NATed to the router's block address"
assert_eq "$(lan_checkip --interface "$LAN_HOST_ADDR")" "$ROUTER_BLOCK_ADDR" "checkip from $LAN_HOST_ADDR"

step "the internet reaches a server of the block (the firewall lets web in)"
http_serve "$LAN_NS" "$HOST_BLOCK_ADDR" 80
ip netns exec "$INET_NS" curl -sSf -o /dev/null --noproxy '*' --max-time 5 "http://$HOST_BLOCK_ADDR/100" ||
	fail "the block's server is not reachable from the internet"

step "the LAN link goes down and up: the block's route comes back"
ip -n "$ROUTER_NS" link set "$LAN_IF" down
assert_eq "$(ip -n "$ROUTER_NS" -4 route show "$BLOCK")" "" "route of the block with the LAN down"
ip -n "$ROUTER_NS" link set "$LAN_IF" up
wait_for 30 eval "ip -n $ROUTER_NS -4 route show $BLOCK | grep -q 'dev $LAN_IF .*src $ROUTER_BLOCK_ADDR'" ||
	fail "the block's route did not come back with the LAN"
assert_eq "$(lan_checkip --interface "$HOST_BLOCK_ADDR")" "$HOST_BLOCK_ADDR" "checkip from $HOST_BLOCK_ADDR after the flap"

step "ifdown: the block's route and our table go"
router_exec ifdown "$WAN_IF"
assert_eq "$(ip -n "$ROUTER_NS" -4 route show "$BLOCK")" "" "route of the block after ifdown"
assert_eq "$(nft_ours_count)" 0 "our tables after ifdown"
router_exec ifdown -a
