#!/bin/bash
# The router boots before the ONU: at ifup there is no carrier (no RA, no
# DHCPv6, no DNS); then again with carrier but a silent NGN (no RA).  The recommended stanza (inet6 manual, no dhcp: the
# supervisor owns SLAAC and DNS) succeeds at ifup, and when the access
# network comes back IPv4 comes up by itself with the default, named update
# URL: the supervisor asks DHCPv6 for the DNS servers (the RA's O flag) the
# way ifupdown's dhcp 1 would.  ifdown then leaves nothing running.
# With USE_IFUPDOWN2=1 (45-boot-before-onu-ifupdown2) the same under
# ifupdown2.  The AFTR is named too (gw.transix.jp, from the ISP's DNS).
# The access network comes back ONU_DELAY seconds after ifup (60; 600 in
# make soak-boot: test/soak/).
# uml-timeout: 420
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"
source "$TOP/test/lib/clock.sh"
source "$TOP/test/lib/frontend.sh"

if [[ ${USE_IFUPDOWN2-} == 1 ]]; then
	ifupdown2_swap_in
fi

isp_setup --no-ra
stanza_secret >/dev/null
stanza_write method manual -dhcp tunnel-remote gw.transix.jp tunnel-wait 3
tun=tx-$WAN_IF
delay=${ONU_DELAY:-60}
[[ $delay =~ ^[0-9]+$ ]] || fail "ONU_DELAY=$delay: not a number of seconds"
# The outage itself, not a limit on anything: the router is left alone.
outage() { echo "the access network stays away for $delay s"; sleep "$delay"; }

step "the ONU is off: no carrier; ifup succeeds and the supervisor waits"
isp_carrier_off
rc=0
router_exec ifup "$WAN_IF" || rc=$?
assert_eq "$rc" 0 "ifup exit status"
wait_for 30 eval "router_exec transix-status $WAN_IF | grep -q 'waiting for'" || fail "not waiting"
router_exec transix-status "$WAN_IF" || :
assert_fail grep -q nameserver /etc/resolv.conf
outage
assert_fail ip -n "$ROUTER_NS" link show "$tun"
router_exec transix-status "$WAN_IF" || :

step "the ONU is back (carrier, RA, DHCPv6, DNS): IPv4 by itself, the update URL by name"
back=$(us)
isp_carrier_on
isp_ra_start
# Generous: only a hang reaches it.
ipv4_works() { [[ $(router_checkip 2 2>/dev/null) == "$FIXED_IP" ]]; }
wait_for 180 ipv4_works || fail "IPv4 never came"
up=$(us)
echo "measured: access network back -> IPv4 works $(ms $((up - back))) s"
grep -E 'transix-supervisor|dhclient\[[0-9]+\]: (XMT|RCV)' /var/log/syslog || :
assert_ok grep -q 'asking for DNS servers by DHCPv6' /var/log/syslog
assert_match "$(router_exec transix-status "$WAN_IF" || :)" "remote gw.transix.jp \[$AFTR\]" "the AFTR by name"
assert_match "$(cat /etc/resolv.conf)" "nameserver $DNS6" "resolv.conf (written by dhclient-script)"
assert_match "$(isp_update_requests)" " $ROUTER_ADDR user=$TRANSIX_USER password=match answer=OK" "registered"
assert_ok router_exec transix-status "$WAN_IF"
# DNS first (issues 9, 13): DHCPv6 asked when the RA's O flag showed, the
# names looked up only once it answered: no failed attempt, no "cannot
# resolve" warning on a clean return of the access network.
syslog_sync
noise=$(grep -E 'transix-supervisor\[[0-9]+\]: [^ ]+: (registration of .* failed|cannot resolve)' /var/log/syslog || :)
assert_eq "$noise" "" "failure lines in syslog"

step "ifdown: nothing of ours left running"
router_exec ifdown "$WAN_IF"
assert_fail ip -n "$ROUTER_NS" link show "$tun"
assert_fail pgrep -f 'transix-(supervisor|register)'
assert_fail pgrep -x dhclient

step "again with carrier but a silent NGN: no RA at ifup, no DNS known"
isp_ra_stop
: >/etc/resolv.conf
rc=0
router_exec ifup "$WAN_IF" || rc=$?
assert_eq "$rc" 0 "ifup exit status"
wait_for 30 eval "router_exec transix-status $WAN_IF | grep -q 'waiting for'" || fail "not waiting"
outage
back=$(us)
isp_ra_start
wait_for 180 ipv4_works || fail "IPv4 never came"
echo "measured: RA back -> IPv4 works $(ms $(($(us) - back))) s"
# The ISP still carries the address registered before: IPv4 may work
# before this supervisor's own registration, which needs the name.
healthy() { router_exec transix-status "$WAN_IF" >/dev/null; }
wait_for 180 healthy || fail "not registered: $(router_exec transix-status "$WAN_IF")"
echo "measured: RA back -> registered by name $(ms $(($(us) - back))) s"
syslog_sync
noise=$(grep -E 'transix-supervisor\[[0-9]+\]: [^ ]+: (registration of .* failed|cannot resolve)' /var/log/syslog || :)
assert_eq "$noise" "" "failure lines in syslog"
assert_match "$(cat /etc/resolv.conf)" "nameserver $DNS6" "resolv.conf (written by dhclient-script)"
router_exec ifdown "$WAN_IF"
assert_fail pgrep -x dhclient
