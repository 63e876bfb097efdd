#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Harness self-test: the seed's manual steps, through the emulated ISP over
# VLAN 1000, with no project code involved.  If this fails, the harness or
# the emulated ISP is broken, not the project.
#   VLAN by hand -> ip token ::feed -> SLAAC -> ipip6 tunnel to the AFTR ->
#   no IPv4 yet (unregistered) -> DNS by stateless DHCPv6 -> registration by
#   name from ::feed -> IPv4 works with the fixed address.
# uml-timeout: 120
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"

step "emulated ISP"
isp_setup

step "VLAN $WAN_IF with token $ROUTER_IID, then up"
router_vlan_add
router_exec sysctl -q -w "net.ipv6.conf.${WAN_IF//./\/}.accept_ra=1" \
	"net.ipv6.conf.${WAN_IF//./\/}.autoconf=1"
ip -n router token set "$ROUTER_IID" dev "$WAN_IF"
ip -n router link set "$WAN_IF" up
wait_for 30 router_addr_ready "$ROUTER_ADDR" || fail "no usable $ROUTER_ADDR"
globals=$(ip -n router -6 -o addr show dev "$WAN_IF" scope global | awk '{print $4}')
assert_eq "$globals" "$ROUTER_ADDR/64" "global addresses of $WAN_IF (the token replaces EUI-64)"
assert_match "$(ip -n router -6 route show default)" "via fe80::.* dev $WAN_IF" "default route from the RA"

step "the ISP link is tagged: nothing IPv6 reaches untagged $WAN_PARENT"
assert_eq "$(ip -n router -6 -o addr show dev "$WAN_PARENT" scope global)" "" "globals on $WAN_PARENT"
assert_eq "$(ip -n isp -6 -o addr show to "$ISP_LINK_ADDR/128" | awk '{print $2}')" "$ISP_WAN_IF" "ISP link address device"

step "ipip6 tunnel to the AFTR $AFTR, as in the seed"
ip -n router -6 tunnel add tx0 mode ipip6 local "$ROUTER_ADDR" remote "$AFTR" dev "$WAN_IF" encaplimit none
ip -n router -batch - <<EOB
link set tx0 up mtu 1460
address add $FIXED_IP/32 dev tx0
route add default dev tx0
EOB
assert_match "$(ip -n router -d link show tx0)" "ip6tnl ipip6 remote $AFTR local $ROUTER_ADDR dev $WAN_IF .*encaplimit none" "tunnel"

step "not registered: the AFTR must drop our IPv4"
assert_fail router_checkip 3
assert_eq "$(isp_update_count)" 0 "requests so far"

step "DNS by stateless DHCPv6 (dhclient -6 -S)"
router_exec dhclient -6 -S -1 -pf /run/dhclient6.pid -lf /run/dhclient6.leases "$WAN_IF"
assert_match "$(cat /etc/resolv.conf)" "nameserver $DNS6" "resolv.conf"
assert_match "$(router_exec getent ahostsv6 "$UPDATE_HOST")" "^$UPDATE_ADDR " "AAAA of $UPDATE_HOST"
assert_fail router_exec getent ahostsv4 "$UPDATE_HOST"

step "update server contract: wrong password, scripted answers"
url="$UPDATE_URL?username=$TRANSIX_USER"
assert_eq "$(router_exec curl -sS --interface "$ROUTER_ADDR" "$url&password=wrong")" NG "wrong password"
isp_update_script 500 close
assert_match "$(router_exec curl -sS -o /dev/null -w '%{http_code}' "$url&password=$TRANSIX_PASSWORD")" '^500$' "scripted 500"
assert_fail router_exec curl -sS "$url&password=$TRANSIX_PASSWORD"
assert_eq "$(isp_registered_source || echo none)" none "registration after failures"

step "registration by name from $ROUTER_ADDR"
body=$(router_exec curl -sS --max-time 10 --interface "$ROUTER_ADDR" "$url&password=${TRANSIX_PASSWORD//-/%2D}")
assert_eq "$body" OK "registration answer"
assert_match "$(isp_update_requests | tail -n 1)" "^[0-9]+ $ROUTER_ADDR user=$TRANSIX_USER password=match answer=OK$" "request log"
assert_eq "$(isp_registered_source)" "$ROUTER_ADDR" "AFTR tunnel remote"
assert_eq "$(isp_update_count)" 4 "requests so far"
if grep -r -F -e "$TRANSIX_PASSWORD" "$ISP_RUN" --exclude=password --exclude=env; then
	fail "the password leaked into an ISP log"
fi

step "update server decodes %XX only: '+' stays '+'"
cp "$TRANSIX_PASSWORD_FILE" /run/pw.saved
echo 'p+ss w&rd' >"$TRANSIX_PASSWORD_FILE"
assert_eq "$(router_exec curl -sS "$url&password=p+ss%20w%26rd")" OK "password with '+' sent raw"
assert_eq "$(router_exec curl -sS "$url&password=p%2Bss%20w%26rd")" OK "password with '+' as %2B"
assert_eq "$(router_exec curl -sS "$url&password=p+ss+w%26rd")" NG "'+' for a space"
cp /run/pw.saved "$TRANSIX_PASSWORD_FILE"

step "IPv4 through the tunnel with the fixed address"
assert_eq "$(router_checkip 5)" "$FIXED_IP" "checkip"
assert_ok ip netns exec router ping -c 1 -W 2 "$INET_ADDR"
step "the assertions can fail: assert_fail only on a plain failure"
# Each in a subshell: a failing assertion exits it with status 1.
asserts_fail() { # what: the assertion must fail, naming WHY
	local why=$1 out
	shift
	out=$( ("$@") 2>&1) && fail "assertion passed: $*"
	[[ $out == *"$why"* ]] || fail "assertion $* failed without '$why': $out"
}
assert_fail false
assert_fail router_exec false
asserts_fail "could not be run (exit 127)" assert_fail no-such-command-here
: >/tmp/not-executable
asserts_fail "could not be run (exit 126)" assert_fail /tmp/not-executable
asserts_fail "crashed or was killed (exit 134)" assert_fail bash -c 'kill -ABRT $$'
asserts_fail "crashed or was killed (exit 137)" assert_fail bash -c 'kill -KILL $$'
asserts_fail "succeeded but should have failed" assert_fail true
asserts_fail "expected 'b', got 'a'" assert_eq a b
asserts_fail "does not match" assert_match a '^b$'
asserts_fail "matches" assert_no_match a '^a$'
asserts_fail "exit 3" assert_ok bash -c 'exit 3'

step "syslog_sync: the sink writes, and a line sent before is there after it"
logger -t harness-selftest "before the sync $SRANDOM"
syslog_sync
assert_match "$(grep -c 'harness-selftest: before the sync' /var/log/syslog)" "^1$" "line sent before syslog_sync"

step "done"
