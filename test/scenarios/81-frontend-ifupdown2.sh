#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 12: the front-end scenario set (test/lib/frontend-set.sh) under
# ifupdown2 with our addon module registered in addons.conf, plus what
# ifupdown2's users expect of a native module: "ifquery --syntax-help"
# lists our options with defaults, "ifquery --check" compares them with the
# kernel (matching, then drifted), "ifreload -a" after a tunnel-mtu edit
# changes the MTU in place (same ifindex, no registration request) and
# leaves an unchanged stanza alone, and a bad value makes ifup exit
# non-zero (in the set).
# uml-timeout: 400
# shellcheck disable=SC2001,SC2016 # one prefix per line; wait_for evals its words
FRONTEND=ifupdown2

frontend_ifupdown2_extras() {
	local out rc first pid ours

	step "ifupdown2: ifquery --syntax-help lists our options with defaults"
	out=$(router_exec ifquery --syntax-help 2>&1)
	out=$(sed -n '/^transix:/,/^[a-z0-9_-]*:/p' <<<"$out")
	echo "$out" | head -20 | sed 's/^/  syntax-help: /'
	assert_match "$out" $'\n  tunnel-mtu\n    help: [^\n]*\n    required: False\n    default: 1460\n' "tunnel-mtu with its default"
	assert_match "$out" $'\n  transix-user\n' "transix-user"

	step "ifupdown2: ifquery --check, kernel matching the stanza"
	# Only the options a stanza gives are checked: give the MTU too.
	sed -i "s/^\ttunnel-wait .*/&\n\ttunnel-mtu 1460/" /etc/network/interfaces
	rc=0
	out=$(router_exec ifquery --check "$WAN_IF" 2>&1) || rc=$?
	echo "exit $rc:"; echo "$out" | sed 's/^/  check: /'
	# Not asserted: the exit status, 1 here because ifupdown2's own
	# address module lists the SLAAC addresses of "inet6 manual" as [fail].
	assert_match "$out" "tunnel-remote +$AFTR +\[pass\]" "tunnel-remote pass"
	assert_match "$out" "iid +::feed +\[pass\]" "iid pass"
	assert_match "$out" "tunnel-mtu +1460 +\[pass\]" "tunnel-mtu pass"
	ours=$(grep -E '^\s*(iid|tunnel-|transix-)' <<<"$out") || fail "none of our options checked"
	assert_no_match "$ours" "\[fail\]" "none of ours fails"

	step "ifupdown2: ifquery --check, drifted kernel (supervisor stopped)"
	pid=$(<"/run/ifupdown-transix/$WAN_IF.pid")
	kill -STOP "$pid"	# else it would repair the drift before we look
	ip -n "$ROUTER_NS" link set "tx-$WAN_IF" mtu 1400
	rc=0
	out=$(router_exec ifquery --check "$WAN_IF" 2>&1) || rc=$?
	ip -n "$ROUTER_NS" link set "tx-$WAN_IF" mtu 1460
	kill -CONT "$pid"
	echo "exit $rc:"; echo "$out" | sed 's/^/  check: /'
	((rc != 0)) || fail "ifquery --check exit 0 with a drifted MTU"
	assert_match "$out" "tunnel-mtu +1400 +\[fail\]" "tunnel-mtu fail, the kernel's value shown"
	assert_match "$out" "tunnel-remote +$AFTR +\[pass\]" "tunnel-remote still pass"

	step "ifupdown2: ifreload -a after editing tunnel-mtu: changed in place, no request"
	first=$(ifindex)
	requests=$(isp_update_count)
	sed -i "s/^\ttunnel-mtu 1460$/\ttunnel-mtu 1400/" /etc/network/interfaces
	rc=0
	out=$(router_exec ifreload -a 2>&1) || rc=$?
	echo "exit $rc: $out"
	assert_eq "$rc" 0 "ifreload exit status"
	wait_for 60 eval 'ip -n "$ROUTER_NS" -o link show "$tun" | grep -q " mtu 1400 "' || fail "MTU not 1400"
	assert_eq "$(ifindex)" "$first" "tunnel ifindex"
	assert_eq "$(router_checkip)" "$FIXED_IP" "checkip"
	assert_eq "$(isp_update_count)" "$requests" "requests"
}

source "$TOP/test/lib/frontend-set.sh"
