#!/bin/bash
# shellcheck disable=SC2016 # eval'd conditions for wait_for
# Issue 11, DS-Lite with the first AAAA unreachable: the AFTR's name
# (dslite2.aftr.test) answers $DSLITE_AFTR_DEAD first, where nothing ever
# answers, then $DSLITE_AFTR, the live AFTR.  The supervisor starts with the
# first answer (the stable choice, no waiting), checks it with ICMPv6 echo
# (helpers/lib/aftr.h), and once the live one answers while the one in use
# stays silent, moves the tunnel there: IPv4 through the AFTR with the B4
# address.  One move, said once; transix-status shows the live one.
# uml-timeout: 240
# uml-needs: nftables
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"
source "$TOP/test/lib/clock.sh"

isp_setup
stanza_write -iid -tunnel-address -transix-user -transix-password-file \
	transix-service dslite tunnel-remote dslite2.aftr.test tunnel-wait 0
cat /etc/network/interfaces
tun=tx-$WAN_IF
link() { ip -n "$ROUTER_NS" -d link show "$tun" 2>/dev/null; }
local_of() { link | sed -n 's/.* local \([0-9a-f:]*\) .*/\1/p'; }
remote_of() { link | sed -n 's/.* remote \([0-9a-f:]*\) .*/\1/p'; }

step "ifup: the tunnel to the first answer, which is dead"
router_exec ifup "$WAN_IF"
wait_for 60 eval '[[ -n $(local_of) && $(local_of) != "::" ]]' || fail "no tunnel"
link
b4=$(local_of)
# The fixture's order (dnsmasq answers in its configuration's order): what
# makes this scenario a test of the move.
assert_eq "$(remote_of)" "$DSLITE_AFTR_DEAD" "the first answer in use"
status_json "$WAN_IF"
assert_eq "${STATUS[remote_answers]}" "$DSLITE_AFTR_DEAD,$DSLITE_AFTR" "both answers in the status"
# No AFTR answers yet (the live one is set up below): nothing to move to.
wait_for 60 grep -q "tunnel-remote dslite2.aftr.test: no address of it answers echo ($DSLITE_AFTR_DEAD in use)" \
	/var/log/syslog || fail "no word of the silent round"
assert_eq "$(remote_of)" "$DSLITE_AFTR_DEAD" "still the first answer"

step "the live AFTR appears: the tunnel moves to it, IPv4 through it with the B4 address"
t0=$(us)
isp_dslite_aftr "$b4"
wait_for 90 eval '[[ $(remote_of) == "$DSLITE_AFTR" ]]' || fail "the tunnel stays on $(remote_of)"
echo "measured: 74 live AFTR up -> tunnel moved: $(ms $(($(us) - t0))) s"
wait_for 60 eval '[[ $(router_checkip) == "$ISP_INET_ADDR" ]]' || fail "no IPv4 through the AFTR"
assert_eq "$(router_checkip)" "$ISP_INET_ADDR" "checkip (the AFTR's NAT)"
assert_match "$(ip -n "$ROUTER_NS" -4 addr show dev "$tun")" "inet 192\.0\.0\.2/32" "B4 address"
assert_eq "$(local_of)" "$b4" "the B4 end"
status_json "$WAN_IF"
assert_eq "${STATUS[remote_address]}" "$DSLITE_AFTR" "the one in use, in the status"
assert_eq "${STATUS[tunnel_state]}" "up" "tunnel state"
router_exec transix-status "$WAN_IF"
assert_match "$(router_exec transix-status "$WAN_IF")" "\[$DSLITE_AFTR\]" "text status"

step "stable: looked up and checked again, the live one stays; one move, said once"
# The dead one comes alive too, first in the answer: no hop back.
ip -n "$ISP_NS" address add "$DSLITE_AFTR_DEAD/128" dev lo
# The ISP counts the echo requests that reach the live one: the round
# after SIGHUP has asked it once the count grows (and it answers at once).
ip netns exec "$ISP_NS" nft -f - <<-EOT
	table ip6 probe {
		chain in {
			type filter hook input priority 0;
			ip6 daddr $DSLITE_AFTR icmpv6 type echo-request counter
		}
	}
EOT
echoes() { ip netns exec "$ISP_NS" nft list table ip6 probe | sed -n 's/.*counter packets \([0-9]*\).*/\1/p'; }
assert_eq "$(echoes)" 0 "echo requests before SIGHUP"
kill -HUP "$(pgrep -x transix-supervi)"
wait_for 30 eval '(($(echoes) > 0))' || fail "no check after SIGHUP"
# The end of that round: said once for the first round the one in
# use answered since the move.
wait_for 30 grep -q "tunnel-remote dslite2.aftr.test: $DSLITE_AFTR answers echo" /var/log/syslog ||
	fail "no end of the check after SIGHUP"
syslog_sync
wait_for 30 eval '[[ $(router_checkip) == "$ISP_INET_ADDR" ]]' || fail "no IPv4 after SIGHUP"
assert_eq "$(remote_of)" "$DSLITE_AFTR" "still the live one"
assert_eq "$(grep -c "tunnel-remote dslite2.aftr.test now is $DSLITE_AFTR: $DSLITE_AFTR_DEAD did not answer" \
	/var/log/syslog)" 1 "move lines"
assert_eq "$(grep -c "tunnel-remote dslite2.aftr.test now is" /var/log/syslog)" 1 "moves in all"
assert_eq "$(isp_update_count)" 0 "requests to any update server"

step "ifdown"
router_exec ifdown "$WAN_IF"
assert_fail ip -n "$ROUTER_NS" link show "$tun"
