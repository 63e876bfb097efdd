#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Harness self-test, part 3: what classic ifupdown (0.8.x) does around the
# hooks, checked on the real thing, since the project's design depends on it.
# The project's own hooks are removed here: this is about ifupdown alone.
#   - ifup creates ens224.1000 (VLAN from the stanza name) BEFORE the
#     stanza's pre-up lines and the if-pre-up.d hooks run; it is still down.
#   - the stanza's pre-up lines run before /etc/network/if-pre-up.d.
#   - hook environment: IFACE LOGICAL ADDRFAM METHOD MODE PHASE VERBOSITY,
#     IF_<OPTION> (a repeated option: values joined by newlines), and with
#     -a one more call with IFACE=--all ADDRFAM=meta.
#   - ifdown: if-down.d gets PHASE=pre-down; the VLAN still exists in
#     if-post-down.d and is deleted after it.
#   - a failing pre-up hook fails ifup (exit 1) and records no state; the
#     VLAN it created stays (down) and ifdown says "not configured".
#   - with `dhcp 1`, dhclient -6 -S runs once (-1) and exits: no refresh.
# uml-timeout: 90
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"

step "ISP, probe hooks, stanza"
isp_setup
rm -f /etc/network/if-*.d/transix
mkdir -p /run/probe
for phase in pre-up up down post-down; do
	cat >"/etc/network/if-$phase.d/00probe" <<'EOH'
#!/bin/sh
f=/run/probe/$PHASE.$IFACE.$ADDRFAM
if [ -e "/sys/class/net/$IFACE" ]; then
	echo "device=$(cat "/sys/class/net/$IFACE/operstate")" >"$f"
else
	echo "device=absent" >"$f"
fi
env >>"$f"
echo "hook $PHASE $IFACE $ADDRFAM" >>/run/probe/order
[ ! -e /run/probe/fail-pre-up ] || [ "$PHASE" != pre-up ] || [ "$IFACE" = lo ] || exit 1
EOH
	chmod +x "/etc/network/if-$phase.d/00probe"
done
cat >/etc/network/interfaces <<EOI
auto lo
iface lo inet loopback

auto $WAN_IF
iface $WAN_IF inet6 auto
	dhcp 1
	accept_ra 1
	probe-option first value
	probe-option second
	pre-up echo "stanza pre-up device=\$(test -e /sys/class/net/$WAN_IF && echo yes || echo no)" >>/run/probe/order
EOI

step "ifup -a"
router_exec ifup -a
env_pre=$(<"/run/probe/pre-up.$WAN_IF.inet6")
env_post=$(<"/run/probe/post-up.$WAN_IF.inet6")
assert_match "$env_pre" "^device=(down|lowerlayerdown)" "VLAN device in if-pre-up.d (created, still down)"
assert_match "$(cat /run/probe/order)" "stanza pre-up device=yes
hook pre-up $WAN_IF inet6" "stanza pre-up before the hooks"
for v in "IFACE=$WAN_IF" "LOGICAL=$WAN_IF" ADDRFAM=inet6 METHOD=auto MODE=start PHASE=pre-up \
	IF_DHCP=1 IF_ACCEPT_RA=1 $'IF_PROBE_OPTION=first value\nsecond'; do
	assert_match "$env_pre" "(^|"$'\n'")$v("$'\n'"|$)" "pre-up hook environment"
done
assert_match "$env_post" $'\nPHASE=post-up\n' "if-up.d phase"
assert_match "$env_post" "^device=up" "device in if-up.d"
all=$(<"/run/probe/pre-up.--all.meta")
assert_match "$all" $'\nADDRFAM=meta\n' "the --all call"
assert_match "$all" $'\nMETHOD=none\n' "the --all call"

assert_fail pgrep -x dhclient

step "ifdown -a"
: >/run/probe/order
router_exec ifdown -a
assert_match "$(<"/run/probe/pre-down.$WAN_IF.inet6")" $'\nMODE=stop\n' "if-down.d MODE"
assert_match "$(<"/run/probe/post-down.$WAN_IF.inet6")" "^device=" "VLAN still there in if-post-down.d"
assert_fail ip -n router link show "$WAN_IF"

step "a failing pre-up hook fails ifup and records no state"
touch /run/probe/fail-pre-up
rc=0
router_exec ifup "$WAN_IF" || rc=$?
assert_eq "$rc" 1 "ifup exit status"
assert_fail grep -q "$WAN_IF" /run/network/ifstate
# The VLAN ifupdown created stays behind (down), and ifdown will not touch
# an interface it has no state for.
assert_match "$(ip -n router -o link show "$WAN_IF")" "<BROADCAST,MULTICAST>" "VLAN left behind, down"
rc=0
out=$(router_exec ifdown "$WAN_IF" 2>&1) || rc=$?
assert_eq "$rc" 0 "ifdown exit status"
assert_match "$out" "not configured" "ifdown output"
step "done"
