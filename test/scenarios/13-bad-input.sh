#!/bin/bash
# Each class of bad input fails ifup with one line naming the stanza, the
# option and the value, before anything is changed: no token, no tunnel,
# no supervisor, no sysctl touched, no ifupdown state.
# uml-timeout: 200
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"

isp_setup --no-ra
secret=/etc/ifupdown-transix/$WAN_IF.secret
mkdir -p /etc/ifupdown-transix
(umask 077 && printf '%s\n' "$TRANSIX_PASSWORD" >"$secret")
loose=/etc/ifupdown-transix/loose.secret
printf '%s\n' "$TRANSIX_PASSWORD" >"$loose"
chmod 644 "$loose"
# The VLAN exists before, as after a failed ifup that created it: so that
# "nothing changed" can be checked on its token and sysctls.
router_vlan_add
ip -n "$ROUTER_NS" link set "$WAN_IF" up
conf=/proc/sys/net/ipv6/conf/$WAN_IF
router_exec sh -c "echo 0 >$conf/accept_ra; echo 0 >$conf/autoconf"

# try OPTION VALUE EXPECTED-MESSAGE-REGEX [IFACE]
#   A valid stanza with OPTION set to VALUE (or the line removed when VALUE
#   is "-"); ifup must fail with a message matching the regex.
try() {
	local option=$1 value=$2 want=$3 iface=${4:-$WAN_IF} out rc=0
	local -A opts=(
		[iid]=$ROUTER_IID [tunnel-remote]=$AFTR [tunnel-address]=$FIXED_IP
		[transix-user]=$TRANSIX_USER [transix-password-file]=$secret
	)
	if [[ $value == - ]]; then unset "opts[$option]"; else opts[$option]=$value; fi
	{
		echo "iface $iface inet6 auto"
		for o in "${!opts[@]}"; do printf '\t%s %s\n' "$o" "${opts[$o]}"; done
	} >/etc/network/interfaces
	out=$(router_exec ifup "$iface" 2>&1) || rc=$?
	echo "--- $option=$value: exit $rc: $out"
	((rc != 0)) || fail "ifup with $option '$value' succeeded"
	assert_match "$out" "transix-hook: iface $iface: $want" "message for $option '$value'"
	# Exactly one line of ours.
	assert_eq "$(grep -c '^transix-hook:' <<<"$out")" 1 "lines from transix-hook"
	links=$(ip -n "$ROUTER_NS" -o link show type ip6tnl) || fail "ip link show failed"
	# ip6tnl0, the module's fallback device, is always there: the list is never empty.
	assert_match "$links" "ip6tnl0@" "ip6tnl devices"
	assert_eq "$(grep -vc ': ip6tnl0@' <<<"$links" || :)" 0 "tunnels besides ip6tnl0"
	assert_fail pgrep -f transix-supervisor
	assert_match "$(ip -n "$ROUTER_NS" token list)" "token :: dev $WAN_IF" "token"
	assert_eq "$(router_exec cat "$conf/accept_ra")$(router_exec cat "$conf/autoconf")" 00 "accept_ra, autoconf"
	assert_eq "$(cat /run/network/ifstate."$iface" 2>/dev/null)" "" "ifupdown state"
	assert_eq "$(ls /run/ifupdown-transix 2>/dev/null)" "" "our state"
}

step "malformed and wrong-family addresses"
try tunnel-remote 2001:db8::zz 'option tunnel-remote "2001:db8::zz": not an IPv6 address or host name'
try tunnel-remote 203.0.113.1 'option tunnel-remote "203.0.113.1": not an IPv6 address or host name'
try tunnel-address 2001:db8::5 'option tunnel-address "2001:db8::5": an IPv6 address where the IPv4'
try tunnel-address 203.0.113.999 'option tunnel-address "203.0.113.999": not an IPv4 address'
try tunnel-local 192.0.2.1 'option tunnel-local "192.0.2.1": an IPv4 address where an IPv6'
step "iid"
try iid 2001:db8::feed 'option iid "2001:db8::feed": the upper 64 bits must be zero'
try iid feed 'option iid "feed": not an interface identifier'
step "tunnel name, MTU, yes/no, numbers"
try tunnel-name tunnel-name-too-long 'option tunnel-name "tunnel-name-too-long": not a valid interface name'
try tunnel-name 'tx/0' 'option tunnel-name "tx/0": not a valid interface name'
try tunnel-mtu 100 'option tunnel-mtu "100": not a number between 576 and 65495'
try tunnel-mtu 70000 'option tunnel-mtu "70000": not a number'
try tunnel-default-route maybe 'option tunnel-default-route "maybe": expected yes or no'
try tunnel-encaplimit 300 'option tunnel-encaplimit "300": expected none or 0 to 255'
try tunnel-wait forever 'option tunnel-wait "forever": not a number'
try tunnel-adress 203.0.113.5 'option tunnel-adress: unknown option'
step "options that make no sense together"
try tunnel-remote - 'option tunnel-address: needs tunnel-remote'
try tunnel-address - 'option tunnel-remote: needs tunnel-address'
try transix-password-file - 'option transix-user "'"$TRANSIX_USER"'": needs transix-password-file'
try transix-password 'x' 'option transix-password: cannot be used together with transix-password-file'
step "the system: missing WAN, a name taken, a password file others can read"
try iid ::feed 'device ens225 does not exist' ens225
ip -n "$ROUTER_NS" link add tx-taken type veth peer name tx-peer
try tunnel-name tx-taken 'option tunnel-name "tx-taken": already used by a veth device'
ip -n "$ROUTER_NS" link del tx-taken
try transix-password-file "$loose" 'option transix-password-file "'"$loose"'": mode 0644 lets others read it'
try transix-password-file /etc/ifupdown-transix/missing 'option transix-password-file "/etc/ifupdown-transix/missing": No such file'
