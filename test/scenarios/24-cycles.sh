#!/bin/bash
# 10 ifup/ifdown cycles of the full stanza (make soak: TRANSIX_CYCLES, 60 by
# default): every ifup brings IPv4 up with
# one registration, every ifdown leaves nothing behind (no process, tunnel,
# IPv4 address or route, state file, ifupdown state).  The update URL is an
# IPv6 literal: no DNS or DHCPv6 needed (and literal URLs work).
# uml-timeout: 900
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"

cycles=${TX_CYCLES:-10}
[[ $cycles =~ ^[1-9][0-9]*$ ]] || fail "TX_CYCLES=$cycles: not a number"
isp_setup
stanza_secret >/dev/null
url=http://[$UPDATE_ADDR]/request
stanza_write -dhcp transix-update-url "$url"
tun=tx-$WAN_IF
# Process starts are what costs time under UML: the checks below use one
# `ip` per cycle and bash builtins for the rest.
ms() { printf -v "$1" '%d.%03d' $(($2 / 1000000)) $(($2 / 1000 % 1000)); }
a='' b='' c='' d='' e='' f='' g='' # set by ms
# transix_procs: "PID:COMM" of every transix-* process (from /proc).
transix_procs() {
	local p c out=''
	for p in /proc/[0-9]*; do
		read -r c 2>/dev/null <"$p/comm" || continue
		[[ $c == transix-* ]] && out+=" ${p#/proc/}:$c"
	done
	echo "${out# }"
}

up_checks() {
	local i=$1 link
	link=$(ip -n "$ROUTER_NS" -d link show "$tun") || fail "cycle $i: no tunnel after ifup"
	assert_match "$link" "ip6tnl ipip6 remote $AFTR local $ROUTER_ADDR " "cycle $i: tunnel"
	assert_eq "$(isp_update_count)" "$i" "cycle $i: registrations so far"
	assert_eq "$(router_checkip)" "$FIXED_IP" "cycle $i: checkip"
}
# down_checks N: nothing of the interface is left; fails listing all that is.
down_checks() {
	local i=$1 line state files left=()
	line=$(transix_procs)
	[[ -z $line ]] || left+=("running: $line")
	# Links, IPv4 addresses and routes (all tables) in one go.
	while IFS= read -r line; do
		case $line in
		*": ip6tnl0@"* | *"inet6 "*) ;;
		*": $tun"[@:]* | *": $WAN_IF@"* | *" ip6tnl "*) left+=("device: $line") ;;
		*" inet "*) [[ $line == *" lo "* ]] || left+=("IPv4 address: $line") ;;
		[0-9]*": "* | *" dev lo "*) ;;
		?*) left+=("IPv4 route: $line") ;;
		esac
	done < <(ip -n "$ROUTER_NS" -4 -o -d -batch - <<-EOB
		link show
		address show
		route show table all
	EOB
	)
	files=(/run/ifupdown-transix/*)
	[[ ! -e ${files[0]} ]] || left+=("files: ${files[*]}")
	state=''
	[[ ! -e /run/network/ifstate.$WAN_IF ]] || state=$(<"/run/network/ifstate.$WAN_IF")
	[[ -z $state ]] || left+=("ifstate.$WAN_IF: $state")
	while IFS= read -r line; do
		[[ $line != "$WAN_IF="* ]] || left+=("ifstate: $line")
	done </run/network/ifstate
	((${#left[@]} == 0)) || fail "cycle $i: left after ifdown:$(printf '\n  %s' "${left[@]}")"
}

step "the ifdown checks can fail: on a live interface, they list everything"
router_exec ifup "$WAN_IF" >/dev/null 2>&1
out=$( (down_checks 0) 2>&1) && fail "down_checks passed on a live interface"
echo "$out"
for want in "running: [0-9]+:transix-supervi" "device: [0-9]+: $tun@$WAN_IF:" "device: [0-9]+: $WAN_IF@$WAN_PARENT:" \
	"IPv4 address: .* inet $FIXED_IP/32 " "IPv4 route: (unicast )?default dev $tun " \
	"files: .*/$WAN_IF.pid" "ifstate.$WAN_IF: $WAN_IF" "ifstate: $WAN_IF=$WAN_IF"; do
	assert_match "$out" "$want" "down_checks on a live interface"
done
router_exec ifdown "$WAN_IF" >/dev/null 2>&1
: >"$ISP_RUN/update-requests.log"

step "$cycles cycles of ifup and ifdown"
start=${EPOCHREALTIME/[.,]/}
sum_up=0 sum_down=0 max_up=0 max_down=0 min_up=999999999
for ((i = 1; i <= cycles; i++)); do
	t0=${EPOCHREALTIME/[.,]/}
	out=$(router_exec ifup "$WAN_IF" 2>&1) || fail "cycle $i: ifup failed: $out"
	t1=${EPOCHREALTIME/[.,]/}
	[[ $out == *"transix-hook: iface $WAN_IF: $tun up: $FIXED_IP/32 from $ROUTER_ADDR to $AFTR"* ]] ||
		fail "cycle $i: ifup did not report the tunnel ready: $out"
	up_checks "$i"
	t2=${EPOCHREALTIME/[.,]/}
	out=$(router_exec ifdown "$WAN_IF" 2>&1) || fail "cycle $i: ifdown failed: $out"
	t3=${EPOCHREALTIME/[.,]/}
	down_checks "$i"
	up=$((t1 - t0)) down=$((t3 - t2))
	ms a "$up"
	ms b "$down"
	ms c $((${EPOCHREALTIME/[.,]/} - t0))
	echo "cycle $i: ifup $a s, ifdown $b s, with the checks $c s"
	sum_up=$((sum_up + up)) sum_down=$((sum_down + down))
	((up > max_up)) && max_up=$up
	((up < min_up)) && min_up=$up
	((down > max_down)) && max_down=$down
done
total=$((${EPOCHREALTIME/[.,]/} - start))
ms a "$total"
ms b $((total / cycles))
ms c $((sum_up / cycles))
ms d "$min_up"
ms e "$max_up"
ms f $((sum_down / cycles))
ms g "$max_down"
echo "measured: $cycles cycles in $a s, $b s per cycle; ifup mean $c s (min $d, max $e);" \
	"ifdown mean $f s (max $g)"

step "the update server saw $cycles registrations, all from ::feed, all OK"
assert_eq "$(grep -c " $ROUTER_ADDR user=$TRANSIX_USER password=match answer=OK$" "$ISP_RUN/update-requests.log")" "$cycles" "good requests"
assert_eq "$(isp_update_count)" "$cycles" "requests"
# No DNS was needed: the router asked the ISP's resolver nothing.
assert_eq "$(grep -c 'query\[' "$ISP_RUN/dnsmasq.log" || :)" 0 "DNS queries"
