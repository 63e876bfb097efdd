#!/bin/bash
# A real router: IPv6 forwarding on (so RAs are ignored unless accept_ra=2)
# and privacy addresses on (use_tempaddr=2).  The hook must make SLAAC work
# and the tunnel and the registration must still use <prefix>::feed, never
# a temporary address.
# uml-timeout: 150
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"

isp_setup
router_exec sysctl -q -w net.ipv6.conf.all.forwarding=1 \
	net.ipv6.conf.default.use_tempaddr=2 net.ipv6.conf.all.use_tempaddr=2
stanza_secret >/dev/null
# accept_ra 1, as in the seed's stanza: ifupdown applies it after our
# pre-up hook, and on a forwarding interface it means "ignore RAs".  The
# supervisor must notice and raise it to 2.
stanza_write accept_ra 1

step "ifup on a forwarding router with privacy addresses"
router_exec ifup "$WAN_IF"
sysctl_dir=/proc/sys/net/ipv6/conf/$WAN_IF
assert_eq "$(router_exec cat "$sysctl_dir/forwarding")" 1 "forwarding"
assert_eq "$(router_exec cat "$sysctl_dir/accept_ra")" 2 "accept_ra on a forwarding WAN"
assert_eq "$(router_exec cat "$sysctl_dir/use_tempaddr")" 2 "use_tempaddr"

step "a temporary address exists, and is not what we use"
wait_for 10 eval "ip -n $ROUTER_NS -6 addr show dev $WAN_IF temporary | grep -q 'inet6 $NGN_PREFIX:'" ||
	fail "no privacy address appeared (the scenario would prove nothing)"
ip -n "$ROUTER_NS" -6 addr show dev "$WAN_IF"
assert_match "$(ip -n "$ROUTER_NS" -d link show "tx-$WAN_IF")" "remote $AFTR local $ROUTER_ADDR " "tunnel local"
assert_eq "$(isp_update_count)" 1 "requests"
assert_match "$(isp_update_requests)" " $ROUTER_ADDR user=$TRANSIX_USER password=match answer=OK$" "request source"
assert_eq "$(router_checkip)" "$FIXED_IP" "checkip"

router_exec ifdown "$WAN_IF"
assert_fail ip -n "$ROUTER_NS" link show "tx-$WAN_IF"
