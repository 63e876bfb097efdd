#!/bin/bash
# Issue 10: examples/router.interfaces and examples/nftables-router.conf
# loaded as they are (only the AFTR, the user name and the LAN's private
# prefix replaced by the emulated ISP's), brought up with "ifup -a": the
# LAN host reaches the internet as the fixed address, through the firewall,
# and the internet cannot open a connection to the router.  Then the
# ruleset we installed is printed, for the record.
# uml-needs: nftables
# uml-timeout: 200
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"
source "$TOP/test/lib/nft.sh"

isp_setup
lan_host_only
example_interfaces router.interfaces

step "the firewall, then ifup -a"
router_exec nft -f "$TOP/examples/nftables-router.conf"
router_exec ifup -a
assert_eq "$(router_exec sysctl -n net.ipv4.ip_forward)" 1 "IPv4 forwarding"

step "the LAN host is seen as the fixed address"
assert_eq "$(lan_checkip)" "$FIXED_IP" "checkip from the LAN host"
assert_eq "$(router_checkip)" "$FIXED_IP" "checkip from the router"

step "the firewall: the internet cannot reach the router's services"
http_serve "$ROUTER_NS" 0.0.0.0 8000
if ip netns exec "$INET_NS" curl -sf -o /dev/null --noproxy '*' --max-time 5 "http://$FIXED_IP:8000/100"; then
	fail "the internet reached a service of the router through the firewall"
fi

step "the ruleset we install"
router_exec nft list table ip "$NFT_TABLE"

router_exec ifdown -a
assert_eq "$(nft_ours_count)" 0 "our tables after ifdown -a"
