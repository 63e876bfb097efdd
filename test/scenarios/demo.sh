#!/bin/bash
# make demo: the README's stanza brought up end to end against the emulated
# ISP (NTT NGN over VLAN 1000 + transix), narrated.  A show, but it still
# fails loudly if the service does not come up.
# uml-timeout: 120
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"

say() { printf '\n\033[1m### %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

say "An emulated ISP: RA for $NGN_PREFIX::/64 with the O flag, DNS by stateless DHCPv6, the AFTR $AFTR, update.transix.jp, and an IPv4 'internet' with checkip at $INET_ADDR"
isp_setup
secret=$(stanza_secret)
# The README's stanza: inet6 manual, the supervisor owns SLAAC and DNS.
stanza_write method manual -dhcp
say "/etc/network/interfaces (the password file is root-only: $(stat -c '%U %a' "$secret"))"
cat /etc/network/interfaces

say "Before: IPv4 from the router goes nowhere"
show router_checkip 2 || echo "(no IPv4, as expected)"

say "ifup $WAN_IF"
start=${EPOCHREALTIME/[.,]/}
show router_exec ifup "$WAN_IF"
ms=$(((${EPOCHREALTIME/[.,]/} - start) / 1000))
echo "(ifup returned after $((ms / 1000)).$((ms % 1000 / 100)) s, with IPv4 working)"

say "The WAN got <prefix>::feed by SLAAC, via the interface token"
show ip -n "$ROUTER_NS" token list
show ip -n "$ROUTER_NS" -6 addr show dev "$WAN_IF" scope global
say "The ipip6 tunnel, bound to the WAN, encapsulation limit off, MTU 1460"
show ip -n "$ROUTER_NS" -d link show "tx-$WAN_IF"
show ip -n "$ROUTER_NS" -4 addr show dev "tx-$WAN_IF"
show ip -n "$ROUTER_NS" -4 route
say "The update server saw one registration, from ::feed"
show isp_update_requests

say "checkip: the internet sees the fixed IPv4"
ip4=$(router_checkip)
echo "$ip4"
assert_eq "$ip4" "$FIXED_IP" "checkip"

say "transix-status"
show router_exec transix-status
say "Syslog"
grep -E 'transix-(hook|supervisor)' /var/log/syslog

say "ifdown $WAN_IF"
show router_exec ifdown "$WAN_IF"
show ip -n "$ROUTER_NS" -4 route
router_checkip 2 || echo "(IPv4 gone again: tunnel, address and route removed)"
