#!/bin/bash
# Idempotency and repair: ifup twice (and with --force) changes nothing and
# registers once; a tunnel deleted or altered behind our back, and a WAN
# link bounce, are repaired without ifup; ifdown then removes everything.
# uml-timeout: 240
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"
source "$TOP/test/lib/clock.sh"

isp_setup
stanza_secret >/dev/null
stanza_write
tun=tx-$WAN_IF
ifindex() { ip -n "$ROUTER_NS" -o link show "$1" | cut -d: -f1; }
tunnel_ok() {
	ip -n "$ROUTER_NS" -d link show "$tun" 2>/dev/null |
		grep -q "remote $AFTR local $ROUTER_ADDR .*encaplimit none" &&
	ip -n "$ROUTER_NS" -4 addr show dev "$tun" | grep -q "inet $FIXED_IP/32" &&
	ip -n "$ROUTER_NS" -4 route show default | grep -q "^default dev $tun"
}

step "first ifup"
router_exec ifup "$WAN_IF"
assert_ok tunnel_ok
first=$(ifindex "$tun")
supervisor=$(pgrep -f transix-supervisor)

step "ifup again: ifupdown says it is configured; nothing changes"
router_exec ifup "$WAN_IF"
assert_eq "$(ifindex "$tun")" "$first" "tunnel ifindex"

step "ifup --force: the hooks run again on a matching tunnel: a no-op"
# The kernel's address events while it runs: setting the token again would
# retire ::feed and create it anew (a deletion, then a tentative address).
# With optimistic DAD (issue 13) ifup may return while ::feed is still in DAD.
wait_for 60 router_addr_ready "$ROUTER_ADDR" || fail "$ROUTER_ADDR never past DAD"
monitor_start /tmp/addr-events address
router_exec ifup --force "$WAN_IF"
assert_eq "$(ifindex "$tun")" "$first" "tunnel ifindex after --force"
assert_ok tunnel_ok
assert_eq "$(isp_update_count)" 1 "registrations (no second one for the same address)"
assert_ok router_addr_ready "$ROUTER_ADDR"
monitor_sync /tmp/addr-events
monitor_stop
grep -F "$ROUTER_ADDR/" /tmp/addr-events | sed 's/^/  event: /' || :
assert_no_match "$(grep -F "$ROUTER_ADDR/" /tmp/addr-events || :)" "Deleted|tentative" "events of $ROUTER_ADDR during ifup --force"
assert_eq "$(pgrep -fc transix-supervisor)" 1 "supervisors running"
assert_fail kill -0 "$supervisor"
supervisor=$(<"/run/ifupdown-transix/$WAN_IF.pid")
assert_ok kill -0 "$supervisor"
assert_eq "$(router_checkip)" "$FIXED_IP" "checkip"

# Each sabotage is done while the supervisor is stopped (SIGSTOP), and seen
# to have taken effect before it continues: otherwise a repair check could
# pass on a sabotage that never happened.  The kernel queues the events for
# it meanwhile.
supervisor_stop() {
	kill -STOP "$supervisor"
	wait_for 30 eval '[[ $(cut -d" " -f3 /proc/$supervisor/stat) == T ]]' || fail "supervisor not stopped"
}
supervisor_cont() { kill -CONT "$supervisor"; }

step "the tunnel deleted by hand comes back by itself"
supervisor_stop
ip -n "$ROUTER_NS" link del "$tun"
assert_fail ip -n "$ROUTER_NS" link show "$tun"
supervisor_cont
wait_for 60 tunnel_ok || fail "tunnel not re-created"
assert_eq "$(router_checkip)" "$FIXED_IP" "checkip after re-creation"

step "a tunnel altered by hand (MTU, encap limit, address, route) is corrected"
mtu_ok() { ip -n "$ROUTER_NS" link show "$tun" | grep -q 'mtu 1460 '; }
supervisor_stop
ip -n "$ROUTER_NS" link set "$tun" mtu 1400
assert_fail mtu_ok
supervisor_cont
wait_for 60 mtu_ok || fail "MTU not corrected"
supervisor_stop
ip -n "$ROUTER_NS" link set "$tun" type ip6tnl mode ipip6 encaplimit 4
assert_match "$(ip -n "$ROUTER_NS" -d link show "$tun")" " encaplimit 4 " "the sabotaged encap limit"
assert_fail tunnel_ok
supervisor_cont
wait_for 60 tunnel_ok || fail "encap limit not corrected"
supervisor_stop
ip -n "$ROUTER_NS" addr del "$FIXED_IP/32" dev "$tun"
assert_fail tunnel_ok
supervisor_cont
wait_for 60 tunnel_ok || fail "address not restored"
supervisor_stop
ip -n "$ROUTER_NS" route del default dev "$tun"
assert_fail tunnel_ok
supervisor_cont
wait_for 60 tunnel_ok || fail "default route not restored"

step "WAN link down and up: service restored"
supervisor_stop
ip -n "$ROUTER_NS" link set "$WAN_IF" down
# Down takes the WAN's addresses, and with ::feed the tunnel's use.
assert_fail router_addr_ready "$ROUTER_ADDR"
ip -n "$ROUTER_NS" link set "$WAN_IF" up
supervisor_cont
wait_for 60 tunnel_ok || fail "tunnel not back after link bounce"
wait_for 60 eval "[ \"\$(router_checkip 2)\" = $FIXED_IP ]" || fail "IPv4 not back after link bounce"

step "the WAN re-created on a forwarding router: SLAAC and the token set again"
# A new device takes its sysctls from "default": on a router that forwards,
# accept_ra 1 ignores every RA, so no address would ever come back.
supervisor_stop
router_exec sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.conf.default.forwarding=1
ip -n "$ROUTER_NS" link del "$WAN_IF"
router_vlan_add
assert_eq "$(router_exec cat "/proc/sys/net/ipv6/conf/$WAN_IF/forwarding") $(router_exec cat "/proc/sys/net/ipv6/conf/$WAN_IF/accept_ra")" \
	"1 1" "the new device forwards and ignores RAs"
ip -n "$ROUTER_NS" link set "$WAN_IF" up
supervisor_cont
wait_for 60 eval "[ \"\$(router_checkip 2)\" = $FIXED_IP ]" || fail "IPv4 not back on the re-created WAN"
wait_for 60 tunnel_ok || fail "tunnel not back on the re-created WAN"
assert_eq "$(router_exec cat "/proc/sys/net/ipv6/conf/$WAN_IF/accept_ra")" 2 "accept_ra on the re-created WAN"
assert_match "$(ip -n "$ROUTER_NS" token get dev "$WAN_IF")" "token $ROUTER_IID " "its token"
router_exec sysctl -qw net.ipv6.conf.all.forwarding=0 net.ipv6.conf.default.forwarding=0

step "ifdown after all that: nothing left"
router_exec ifdown "$WAN_IF"
assert_fail ip -n "$ROUTER_NS" link show "$tun"
assert_fail pgrep -f transix-supervisor
assert_eq "$(ip -n "$ROUTER_NS" -4 route show)" "" "IPv4 routes"
