#!/bin/bash
# shellcheck disable=SC2016 # eval'd conditions for wait_for
# Issue 11, DS-Lite (transix's mainstream service) as a new user writes it:
# transix-service dslite and tunnel-remote the AFTR's name (resolved with
# the line's own DNS), no iid, no tunnel-address (the B4 address 192.0.0.2
# by default), no transix-user: no request is ever sent.  IPv4 goes through
# the AFTR, which NATs the B4 address (the checkip answer is the AFTR's).
# uml-timeout: 240
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"

isp_setup
stanza_write -iid -tunnel-address -transix-user -transix-password-file \
	transix-service dslite tunnel-remote dslite.aftr.test tunnel-wait 0
cat /etc/network/interfaces
tun=tx-$WAN_IF

step "ifup: the tunnel from the SLAAC address to the AFTR, B4 192.0.0.2"
router_exec ifup "$WAN_IF"
local_of() { ip -n "$ROUTER_NS" -d link show "$tun" 2>/dev/null | sed -n 's/.* local \([0-9a-f:]*\) .*/\1/p'; }
wait_for 60 eval '[[ -n $(local_of) && $(local_of) != "::" ]]' || fail "no tunnel"
ip -n "$ROUTER_NS" -d link show "$tun"
b4=$(local_of)
assert_match "$(ip -n "$ROUTER_NS" -d link show "$tun")" "remote $DSLITE_AFTR " "the AFTR, by name"
assert_match "$(ip -n "$ROUTER_NS" -4 addr show dev "$tun")" "inet 192\.0\.0\.2/32" "B4 address"

step "IPv4 through the AFTR (its NAT): checkip answers the AFTR's address"
isp_dslite_aftr "$b4"
wait_for 60 eval '[[ $(router_checkip) == "$ISP_INET_ADDR" ]]' || fail "no IPv4 through the AFTR"
assert_eq "$(router_checkip)" "$ISP_INET_ADDR" "checkip"

step "no registration request, and the status says so"
assert_eq "$(isp_update_count)" 0 "requests to any update server"
router_exec transix-status "$WAN_IF"
