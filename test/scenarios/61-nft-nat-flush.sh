#!/bin/bash
# Issue 10: NAT opt-in, our table coming back after "nft flush ruleset"
# (what "systemctl reload nftables" does: the example firewall starts with
# it), coexistence with that stateful firewall, nothing left after ifdown.
# uml-needs: nftables
# uml-timeout: 200
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"
source "$TOP/test/lib/clock.sh"
source "$TOP/test/lib/nft.sh"

isp_setup
nft_lan_setup
stanza_secret >/dev/null

step "NAT on: the LAN host is seen as the fixed address"
stanza_write tunnel-nat yes
router_exec ifup "$WAN_IF"
nft_table
assert_eq "$(lan_checkip)" "$FIXED_IP" "checkip from the LAN host"
assert_eq "$(router_checkip)" "$FIXED_IP" "checkip from the router"

step "nft flush ruleset: our table comes back"
expected=$(nft_table)
t0=$(us)
router_exec nft flush ruleset
wait_for 30 nft_table >/dev/null || fail "table ip $NFT_TABLE not put back"
t1=$(us)
echo "table back $(ms $((t1 - t0))) s after nft flush ruleset (seen by polling nft)"
# The supervisor's own word (syslog, millisecond stamps) on when it was back.
back=$(syslog_times 'put back' | tail -n 1)
echo "supervisor put it back $(ms $((back - t0))) s after the flush command started"
assert_eq "$(nft_table)" "$expected" "the table put back"
assert_eq "$(lan_checkip)" "$FIXED_IP" "checkip from the LAN host after the flush"

step "the example firewall (starts with flush ruleset) and our table coexist"
t0=$(us)
router_exec nft -f "$TOP/examples/nftables-router.conf"
wait_for 30 nft_table >/dev/null || fail "table ip $NFT_TABLE not put back after the firewall"
echo "table back $(ms $(($(us) - t0))) s after loading the firewall"
router_exec nft list table inet filter >/dev/null || fail "the firewall's table is gone"
assert_eq "$(nft_table)" "$expected" "our table next to the firewall"
assert_eq "$(lan_checkip)" "$FIXED_IP" "checkip from the LAN host through the firewall"
assert_eq "$(router_checkip)" "$FIXED_IP" "checkip from the router through the firewall"
grep -E 'transix-supervisor.*nftables' /var/log/syslog || :
# Exactly one put-back per removal (the flush, the firewall's flush): the
# supervisor's own re-apply must not count as someone else's change, or it
# re-applies for ever.
syslog_sync
putbacks=$(grep -c -E 'transix-supervisor\[[0-9]+\]: .*nftables table ip [^ ]+ was removed or changed; put back' /var/log/syslog || true)
assert_eq "$putbacks" 2 "put-backs for two removals"

step "ifdown: nothing of ours in the ruleset, the firewall stays"
router_exec ifdown "$WAN_IF"
ruleset=$(router_exec nft list ruleset)
assert_no_match "$ruleset" "table ip transix-" "ruleset after ifdown"
assert_match "$ruleset" "table inet filter" "the firewall after ifdown"
router_exec nft flush ruleset

step "NAT off, a fixed clamp: the LAN host's private address gets no answer"
stanza_write tunnel-mss-clamp 1400
router_exec ifup "$WAN_IF"
table=$(nft_table) || fail "no table (the clamp is on)"
echo "$table"
assert_no_match "$table" "snat" "NAT rules with tunnel-nat unset"
assert_eq "$(grep -c 'tcp option maxseg size set 1400$' <<<"$table")" 2 "clamp rules set to 1400"
assert_eq "$(router_checkip)" "$FIXED_IP" "checkip from the router"
if out=$(lan_checkip 2>&1); then
	fail "the LAN host got an answer without NAT: $out"
fi
router_exec ifdown "$WAN_IF"
assert_eq "$(nft_ours_count)" 0 "our tables after ifdown"
