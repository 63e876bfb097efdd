#!/bin/bash
# The hooks run for every stanza ifupdown knows (lo, inet stanzas, the
# --all pseudo-interface): they must stay silent and change nothing there.
# "ifup -n" runs no hook.  And the three parts are independent: a stanza
# with only iid and transix-* registers ::feed without any tunnel.
# uml-timeout: 150
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"

isp_setup
ip -n "$ROUTER_NS" link add lan0 type veth peer name lan1
ip -n "$ROUTER_NS" link set lan1 up
secret=/etc/ifupdown-transix/$WAN_IF.secret
mkdir -p /etc/ifupdown-transix
(umask 077 && printf '%s\n' "$TRANSIX_PASSWORD" >"$secret")
cat >/etc/network/interfaces <<EOF
auto lo
iface lo inet loopback

auto lan0
iface lan0 inet static
	address 192.0.2.1/24
iface lan0 inet6 static
	address 2001:db8:42::1/64

auto $WAN_IF
iface $WAN_IF inet6 auto
	dhcp 1
	iid $ROUTER_IID
	transix-user $TRANSIX_USER
	transix-password-file $secret
EOF

step "ifup -n -a: nothing runs"
router_exec ifup -n -a >/dev/null 2>&1
assert_fail pgrep -f transix-supervisor
assert_match "$(ip -n "$ROUTER_NS" token list)" "token :: dev lan0" "no token on lan0"
syslog_sync
assert_eq "$(grep -c transix /var/log/syslog || true)" 0 "syslog lines from our programs"

step "ifup -a: lo, lan0 (inet and inet6) and the WAN"
out=$(router_exec ifup -a 2>&1) || fail "ifup -a failed: $out"
echo "$out"
# Ours speaks only for the WAN: one line, its success.
assert_eq "$(grep -c '^transix-hook:' <<<"$out")" 1 "lines from transix-hook"
assert_match "$out" "transix-hook: iface $WAN_IF: $ROUTER_ADDR registered" "registration-only readiness"
syslog_sync
# The hook's syslog lines do arrive (about the WAN); none about the others.
assert_match "$(grep -c "transix-hook\[[0-9]*\]: iface $WAN_IF: " /var/log/syslog || :)" "^[1-9]" "syslog lines about $WAN_IF"
assert_eq "$(grep -c 'transix-hook.*iface \(lo\|lan0\|--all\)' /var/log/syslog || true)" 0 "syslog about other stanzas"
assert_match "$(ip -n "$ROUTER_NS" -4 addr show dev lan0)" "192.0.2.1/24" "lan0 configured by ifupdown"
assert_match "$(ip -n "$ROUTER_NS" token list)" "token :: dev lan0" "no token on lan0"

step "registration without a tunnel: from ::feed, and no tunnel made"
assert_eq "$(isp_update_count)" 1 "requests"
assert_match "$(isp_update_requests)" " $ROUTER_ADDR user=$TRANSIX_USER password=match answer=OK$" "request"
links=$(ip -n "$ROUTER_NS" -o link show type ip6tnl) || fail "ip link show failed"
# ip6tnl0, the module's fallback device, is always there: the list is never empty.
assert_match "$links" "ip6tnl0@" "ip6tnl devices"
assert_eq "$(grep -vc ': ip6tnl0@' <<<"$links" || :)" 0 "tunnels besides ip6tnl0"
status=$(router_exec transix-status "$WAN_IF") || fail "transix-status exit $?: $status"
echo "$status"
assert_match "$status" "^$WAN_IF: ok"$'\n' "health"
assert_match "$status" $'\n'"  registration +ok, $ROUTER_ADDR registered" "registration"
assert_no_match "$status" $'\n'"  tunnel " "a tunnel line"
status_json "$WAN_IF"
assert_eq "$STATUS_RC" 0 "transix-status --json exit status"
assert_eq "${STATUS[health]}" ok "JSON health"
assert_eq "${STATUS[tunnel]}" "" "JSON tunnel"
assert_eq "${STATUS[registered_address]}" "$ROUTER_ADDR" "JSON registered_address"

step "ifdown -a"
router_exec ifdown -a
assert_fail pgrep -f transix-supervisor
assert_eq "$(ls /run/ifupdown-transix 2>/dev/null)" "" "our state"
