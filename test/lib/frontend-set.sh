# shellcheck shell=bash disable=SC2016 # wait_for evals its words: expanded when tried
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Issue 12: the scenario set every front end must pass, with one behaviour
# -- late RA, up, ifup again, prefix change, down, bad input -- sourced by
# test/scenarios/8x-*.sh after setting FRONTEND (ifupdown, ifupdown2,
# ifupdown-ng).  Where the front ends differ (interfaces-transix(5),
# "FRONT ENDS") the difference is asserted, not skipped.
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"
source "$TOP/test/lib/clock.sh"
source "$TOP/test/lib/frontend.sh"

frontend_use "$FRONTEND"
isp_setup --no-ra
stanza_secret >/dev/null
wait=3
frontend_stanza "$(frontend_opt tunnel-wait)" "$wait"
tun=tx-$WAN_IF
ifindex() { ip -n "$ROUTER_NS" -o link show "$tun" | cut -d: -f1; }

step "$FRONTEND: ifup before any RA returns, exit 0; the supervisor waits"
rc=0
out=$(router_exec ifup "$WAN_IF" 2>&1) || rc=$?
echo "exit $rc: $out"
assert_eq "$rc" 0 "ifup exit status"
wait_for 60 test -s "/run/ifupdown-transix/$WAN_IF.pid" || fail "no supervisor"
assert_fail ip -n "$ROUTER_NS" link show "$tun"
assert_eq "$(isp_update_count)" 0 "requests before the RA"

step "$FRONTEND: the late RA: IPv4 comes up by itself, one registration"
isp_ra_start
wait_for 120 eval '[[ $(router_checkip 0.5 2>/dev/null) == "$FIXED_IP" ]]' || fail "no IPv4 120 s after the RA"
link=$(ip -n "$ROUTER_NS" -d link show "$tun")
assert_match "$link" "ip6tnl ipip6 remote $AFTR local $ROUTER_ADDR dev $WAN_IF " "tunnel"
assert_eq "$(isp_update_count)" 1 "requests"
assert_match "$(isp_update_requests)" " $ROUTER_ADDR user=$TRANSIX_USER password=match answer=OK$" "request"
# One supervisor: under ifupdown-ng the if-*.d hooks (which ng runs too)
# step aside for the executor; under ifupdown2 the addon replaces them.
sups=$(pgrep -c -f "^transix-supervisor" || true)
assert_eq "$sups" 1 "supervisors"
syslog_sync
starts=$(grep -c -E 'transix-supervisor\[[0-9]+\]: [^ ]+: started$' /var/log/syslog || true)
assert_eq "$starts" 1 "supervisor starts for one ifup"

step "$FRONTEND: ifup again: nothing changes"
first=$(ifindex)
rc=0
out=$(router_exec ifup "$WAN_IF" 2>&1) || rc=$?
echo "exit $rc: $out"
assert_eq "$(ifindex)" "$first" "tunnel ifindex"
assert_eq "$(isp_update_count)" 1 "requests"
assert_eq "$(router_checkip)" "$FIXED_IP" "checkip"

step "$FRONTEND: the NGN renumbers: the tunnel follows, one new registration"
isp_renumber 2001:db8:1:2::/64
wait_for 150 eval 'ip -n "$ROUTER_NS" -d link show "$tun" | grep -q "local $ROUTER_ADDR "' ||
	fail "the tunnel did not move to $ROUTER_ADDR"
wait_for 150 eval '[[ $(isp_registered_source) == "$ROUTER_ADDR" ]]' || fail "$ROUTER_ADDR not registered"
wait_for 60 eval '[[ $(router_checkip 0.5 2>/dev/null) == "$FIXED_IP" ]]' || fail "no IPv4 after the renumbering"
assert_eq "$(isp_update_count)" 2 "requests"

if [[ $FRONTEND == ifupdown2 ]]; then
	frontend_ifupdown2_extras
fi

step "$FRONTEND: ifdown cleans"
router_exec ifdown "$WAN_IF"
assert_fail ip -n "$ROUTER_NS" link show "$tun"
assert_fail pgrep -f transix-supervisor
assert_eq "$(ls /run/ifupdown-transix 2>/dev/null)" "" "our state"
assert_no_match "$(ip -n "$ROUTER_NS" token list 2>/dev/null)" "::feed" "token cleared (or the VLAN deleted)"

step "$FRONTEND: a bad value: our one line, naming the option as spelt; nothing made"
mtu=$(frontend_opt tunnel-mtu)
sed -i -e "/^\t$mtu /d" -e "s/^\t$(frontend_opt tunnel-address) .*/&\n\t$mtu 99999/" /etc/network/interfaces
rc=0
out=$(router_exec ifup "$WAN_IF" 2>&1) || rc=$?
echo "exit $rc: $out"
assert_match "$out" "transix-hook: iface $WAN_IF: option $mtu \"99999\": not a number" "message"
case $FRONTEND in
ifupdown-ng)
	# ifupdown-ng 0.11.4 ignores a failing executor's status
	# (lifecycle.c, handle_executors_for_phase): documented.
	assert_eq "$rc" 0 "ifup exit status (ifupdown-ng ignores executors' failures)" ;;
*)	((rc != 0)) || fail "ifup exited 0 on a bad value" ;;
esac
assert_fail ip -n "$ROUTER_NS" link show "$tun"
assert_fail pgrep -f transix-supervisor
