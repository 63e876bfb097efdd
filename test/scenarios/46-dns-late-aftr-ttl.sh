#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Names through real DNS (the ISP's dnsmasq), not /etc/hosts:
# 1. a DNS server that answers only after the router's address is valid:
#    the named AFTR and the default, named update URL work once it does,
#    with no manual step;
# 2. the AFTR name's answer has a TTL: it is looked up again when the TTL
#    runs out (no signal, no event), and with several AAAA the one in use
#    stays; transix-status shows them all, the one in use, the TTL;
# 3. the AFTR name changes its AAAA (the old one no longer answered): the
#    tunnel follows at the next expiry, and no new registration is sent
#    (the router's address did not change); back to the real AFTR, IPv4.
# uml-timeout: 360
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"
source "$TOP/test/lib/clock.sh"

name=aftr.ngn.test
ttl=30			# RERESOLVE_MIN: the shortest the supervisor honours
isp_setup
isp_dns_stop
stanza_secret >/dev/null
# inet6 manual, no dhcp: the system's resolv.conf already names the ISP's
# server (as dhclient-script wrote it at an earlier boot); it is dead.
echo "nameserver $DNS6" >/etc/resolv.conf
stanza_write method manual -dhcp tunnel-remote "$name" tunnel-wait 3
tun=tx-$WAN_IF
remote_is() { ip -n "$ROUTER_NS" -d link show "$tun" 2>/dev/null | grep -q "remote $1 "; }
ipv4_works() { [[ $(router_checkip 2 2>/dev/null) == "$FIXED_IP" ]]; }
status() { router_exec transix-status "$WAN_IF" 2>&1 || :; }

step "DNS dead at ifup: the address comes, the names wait"
router_exec ifup "$WAN_IF"
wait_for 60 router_addr_ready "$ROUTER_ADDR" || fail "no address"
# Issue 13, DNS first: while the DHCPv6 asked for at the RA's O flag is
# still trying, the supervisor says so; once it gave up, the name's error.
wait_for 60 eval "status | grep -qE 'cannot resolve tunnel-remote $name|waiting for the DNS servers \\(DHCPv6\\)'" ||
	fail "not waiting for the name: $(status)"
status
assert_fail ip -n "$ROUTER_NS" link show "$tun"
assert_eq "$(isp_update_count)" 0 "requests before DNS answers"

step "DNS answers (after the address is valid): tunnel and registration by name"
isp_dns_names "$name" "$AFTR"
back=$(us)
ISP_DNS_TTL=$ttl isp_dns_start
wait_for 180 ipv4_works || fail "IPv4 never came: $(status)"
echo "measured: DNS answering -> IPv4 works $(ms $(($(us) - back))) s"
assert_ok remote_is "$AFTR"
assert_match "$(isp_update_requests)" "^[0-9]+ $ROUTER_ADDR user=$TRANSIX_USER password=match answer=OK$" \
	"one registration, through the update URL's name"
out=$(status)
echo "$out"
assert_match "$out" "aftr answers +$name: $AFTR \(in use\); ttl ${ttl}s; next lookup" "status: answers, TTL"
json=$(router_exec transix-status --json "$WAN_IF")
assert_match "$json" "\"remote_ttl\": $ttl" "JSON TTL"

step "several AAAA at the next expiry: all shown, the one in use stays"
other=${AFTR%::*}::142
isp_dns_names "$name" "$other" "$AFTR"
# In whichever order the server gives them.
both() { router_exec transix-status --json "$WAN_IF" | grep -qE "\"remote_answers\": \"($other,$AFTR|$AFTR,$other)\""; }
changed=$(us)
# The TTL's expiry is the only thing that can make this happen: no
# signal, no event of the router's.
wait_for 240 both || fail "the name was not looked up again: $(status)"
echo "measured: answer changed -> looked up again $(ms $(($(us) - changed))) s (TTL $ttl s)"
assert_ok remote_is "$AFTR"
assert_fail grep -q "tunnel-remote $name now is" /var/log/syslog
status

step "the AFTR name moves (the old address no longer answered): followed, no new registration"
moved=${AFTR%::*}::141
before=$(isp_update_count)
isp_dns_names "$name" "$moved"
changed=$(us)
wait_for 240 remote_is "$moved" || fail "the tunnel still goes to $AFTR: $(status)"
echo "measured: AAAA changed -> tunnel follows $(ms $(($(us) - changed))) s (TTL $ttl s)"
assert_ok grep -q "tunnel-remote $name now is $moved (was $AFTR)" /var/log/syslog
assert_match "$(status)" "remote $name \[$moved\]" "status shows the new address"
assert_eq "$(isp_update_count)" "$before" "registrations for the same address"

step "back to the real AFTR: IPv4 again, still no new registration"
isp_dns_names "$name" "$AFTR"
wait_for 240 remote_is "$AFTR" || fail "not back to $AFTR"
wait_for 60 ipv4_works || fail "no IPv4"
assert_eq "$(isp_update_count)" "$before" "registrations for the same address"
router_exec ifdown "$WAN_IF"
assert_fail ip -n "$ROUTER_NS" link show "$tun"
