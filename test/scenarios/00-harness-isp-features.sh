#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Harness self-test, part 2: the emulated ISP's knobs that scenarios of the
# project rely on, exercised by hand (no project code involved):
# --no-vlan, --no-ra + isp_ra_start, custom credentials (a canary password
# that must never reach a log), --fixed-ip, scripted slow/hang answers,
# isp_renumber with re-registration moving the AFTR's tunnel, and
# isp_ra_stop --graceful, lan_setup.
# uml-timeout: 150
# shellcheck disable=SC2016 # eval'd conditions for wait_for
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"

canary='Canary+Pw&x=1 %41'
printf '%s\n' "$canary" >/etc/transix-test.pw
# The same, percent-encoded for a query string (every byte, the safe way).
enc=$(printf '%s' "$canary" | od -An -tx1 -v | tr -d ' \n' | sed 's/../%&/g')

step "ISP without VLAN and without RA; custom credentials and fixed IP"
isp_setup --no-vlan --no-ra --user user@example --password-file /etc/transix-test.pw --fixed-ip 203.0.113.77
assert_eq "$WAN_IF" "$WAN_PARENT" "WAN without VLAN"
assert_eq "$FIXED_IP" 203.0.113.77 "FIXED_IP"
assert_match "$(ip -n router link show "$WAN_IF")" "state DOWN" "$WAN_IF left down"
ip -n router token set "$ROUTER_IID" dev "$WAN_IF"
ip -n router link set "$WAN_IF" up
_isp_nap 3
assert_eq "$(ip -n router -6 -o addr show dev "$WAN_IF" scope global)" "" "addresses without RA"

step "RA starts: SLAAC with the token on untagged $WAN_IF"
isp_ra_start
wait_for 30 router_addr_ready "$ROUTER_ADDR" || fail "no $ROUTER_ADDR"
ip -n router -6 tunnel add tx0 mode ipip6 local "$ROUTER_ADDR" remote "$AFTR" dev "$WAN_IF" encaplimit none
ip -n router -batch - <<EOB
link set tx0 up mtu 1460
address add $FIXED_IP/32 dev tx0
route add default dev tx0
EOB

step "registration by address literal, every byte of the password percent-encoded"
url="http://[$UPDATE_ADDR]/request?username=user@example&password="
assert_eq "$(router_exec curl -sS --interface "$ROUTER_ADDR" "$url$enc")" OK "registration"
assert_match "$(isp_update_requests)" "^[0-9]+ $ROUTER_ADDR user=user@example password=match answer=OK$" "request log"
assert_eq "$(router_checkip 5)" 203.0.113.77 "checkip"

step "scripted answers: slow:2 then hang"
isp_update_script slow:2 hang
t0=$SECONDS
assert_eq "$(router_exec curl -sS --max-time 10 --interface "$ROUTER_ADDR" "$url$enc")" OK "slow answer"
((SECONDS - t0 >= 2)) || fail "slow:2 answered after $((SECONDS - t0))s"
rc=0
router_exec curl -sS --max-time 2 --interface "$ROUTER_ADDR" "$url$enc" || rc=$?
assert_eq "$rc" 28 "curl exit status on hang (28 = timeout)"
assert_match "$(isp_update_requests | tail -n 2 | cut -d' ' -f5 | tr '\n' ' ')" "^answer=slow:2\+OK answer=hang $" "logged answers"
assert_eq "$(isp_update_count)" 3 "request count"

step "renumbering to 2001:db8:1:2::/64"
old=$ROUTER_ADDR
isp_renumber 2001:db8:1:2::/64
assert_eq "$ROUTER_ADDR" 2001:db8:1:2::feed "ROUTER_ADDR follows"
wait_for 30 router_addr_ready "$ROUTER_ADDR" || fail "no $ROUTER_ADDR after renumbering"
wait_for 15 eval '[[ $(ip -n router -6 addr show to "$old/128") == *deprecated* ]]' ||
	fail "old address not deprecated"
assert_fail router_checkip 3

step "re-registration from the new address moves the AFTR's tunnel"
ip -n router -6 tunnel change tx0 local "$ROUTER_ADDR"
assert_eq "$(router_exec curl -sS --interface "$ROUTER_ADDR" "$url$enc")" OK "re-registration"
assert_eq "$(isp_registered_source)" "$ROUTER_ADDR" "AFTR tunnel remote"
assert_eq "$(router_checkip 5)" 203.0.113.77 "checkip after renumbering"

step "the canary password is in no log or state file"
# (grep exits 2 on an unreadable file even when it found something)
# The source tree may itself be under /tmp (a CI checkout): not a leak.
found=$(grep -r -l -F -e "$canary" -e "$enc" /etc /var/log /var/lib /run /tmp \
	--exclude=transix-test.pw 2>/dev/null | grep -v -F "$TOP/" || :)
assert_eq "$found" "" "files containing the canary password"

step "lan_setup: a LAN host behind the router"
lan_setup
assert_ok lan_exec ping -c 1 -W 2 "$LAN_ROUTER_ADDR"

step "isp_ra_stop --graceful: the final RA removes the default route"
assert_match "$(ip -n router -6 route show default)" "via fe80:" "default route before"
isp_ra_stop --graceful
wait_for 10 eval '[[ -z $(ip -n router -6 route show default) ]]' || fail "default route still there"

step "isp_teardown, then a fresh default ISP"
isp_teardown
assert_eq "$(ip netns list)" "" "namespaces after isp_teardown"
isp_setup
assert_eq "$WAN_IF:$NGN_PREFIX:$FIXED_IP" "ens224.1000:2001:db8:1:1:203.0.113.5" "defaults again"
assert_eq "$(isp_update_count)" 0 "fresh request log"
step "done"
