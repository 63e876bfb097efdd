#!/bin/bash
# The NGN renumbers the customer (new /64; the old prefix deprecated at once
# but, by the kernel's rule, still valid for 2 hours): the tunnel moves to
# the new <prefix>::feed and the router registers the new address exactly
# once; the deprecated address is never used again.
# uml-timeout: 300
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"
source "$TOP/test/lib/clock.sh"

isp_setup
stanza_secret >/dev/null
stanza_write
tun=tx-$WAN_IF
tunnel_local_is() {
	ip -n "$ROUTER_NS" -d link show "$tun" 2>/dev/null | grep -q "remote $AFTR local $1 "
}

step "service up on the first prefix"
router_exec ifup "$WAN_IF"
old=$ROUTER_ADDR
assert_ok tunnel_local_is "$old"
assert_eq "$(isp_update_count)" 1 "requests"
assert_eq "$(router_checkip)" "$FIXED_IP" "checkip"
supervisor=$(<"/run/ifupdown-transix/$WAN_IF.pid")

step "the NGN renumbers to 2001:db8:1:2::/64"
# What reaches the ISP from the router, one line per IPv6 packet:
# "<time> <source> <next header> <destination>" (neighbour discovery left out).
cat >/tmp/sniff.py <<'EOP'
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x86DD))
s.bind((sys.argv[1], 0))
print("ready", flush=True)
while True:
    data, addr = s.recvfrom(2048)
    if addr[2] == socket.PACKET_OUTGOING or len(data) < 41:
        continue
    if data[6] == 58 and 133 <= data[40] <= 137:
        continue
    print("%.6f %s %d %s" % (time.time(), socket.inet_ntop(socket.AF_INET6, data[8:24]), data[6],
                             socket.inet_ntop(socket.AF_INET6, data[24:40])), flush=True)
EOP
ip netns exec "$ISP_NS" python3 -I /tmp/sniff.py "$ISP_WAN_IF" >/tmp/sniff.log &
sniffer=$!
wait_for 60 grep -q ready /tmp/sniff.log || fail "sniffer did not start"
monitor_start /tmp/addr-events address
t0=$(us)
isp_renumber 2001:db8:1:2::/64
new=$ROUTER_ADDR
[[ $new != "$old" ]] || fail "isp_renumber did not change ROUTER_ADDR"
until tunnel_local_is "$new"; do
	(($(us) - t0 < 120000000)) || fail "the tunnel did not move to $new within 120 s"
done
moved=$(us)
until [[ $(router_checkip 0.5 2>/dev/null) == "$FIXED_IP" ]]; do
	(($(us) - t0 < 150000000)) || fail "no IPv4 150 s after the renumbering"
done
up=$(us)
# With optimistic DAD (issue 13) IPv4 may be back before DAD is over.
wait_for 60 router_addr_ready "$new" || fail "$new never past DAD"
monitor_sync /tmp/addr-events
monitor_stop
grep -F -e "$new/" -e "$old/" /tmp/addr-events | sed 's/^/  event: /'
event=$(grep -F "$new/" /tmp/addr-events | grep -v -m1 -e tentative -e Deleted) ||
	fail "no event for $new past DAD"
[[ $event =~ ^\[([0-9T:.-]+)\] ]] || fail "unexpected ip monitor line: $event"
ready=$(date -d "${BASH_REMATCH[1]}" +%s%6N)
registered=$(syslog_us "transix-supervisor\[[0-9]+\]: [^ ]+: registered $new: OK")
echo "measured: renumbering -> $new past DAD $(ms $((ready - t0))) s; from it: tunnel moved" \
	"(seen by polling) $(ms $((moved - ready))) s, registered $(ms $((registered - ready))) s," \
	"checkip answers $(ms $((up - ready))) s; renumbering -> IPv4 back $(ms $((up - t0))) s"

step "the old address is still there, deprecated (or the test proves nothing)"
old_line=$(ip -n "$ROUTER_NS" -6 -o addr show dev "$WAN_IF" to "$old/128")
echo "$old_line"
assert_match "$old_line" " deprecated " "the old address"

step "nothing but ND leaves the old address once the tunnel moved"
router_checkip >/dev/null
# Everything that left the router before a last marker packet is in the
# log once the marker is (one capture socket: in order).
printf -v marker "2001:db8:fffe::%x" $((SRANDOM % 65535 + 1))
router_exec ping -6 -c 1 -W 1 -I "$new" "$marker" >/dev/null 2>&1 || :
wait_for 60 grep -q " $new 58 $marker$" /tmp/sniff.log || fail "the sniffer did not see the marker ping to $marker"
kill "$sniffer"
after=0 old_after=0 new_after=0
while read -r t src nh _; do
	[[ $t == ready ]] && continue
	t=${t/./}
	((t > moved)) || continue
	((++after))
	[[ $src == "$old" ]] && ((++old_after)) && echo "  from $old after the switch: next header $nh"
	[[ $src == "$new" ]] && ((++new_after))
done </tmp/sniff.log
echo "measured: packets to the ISP after the switch: $after, from $new: $new_after, from $old: $old_after"
((new_after > 0)) || fail "no packet from $new seen after the switch (the sniffer sees nothing?)"
assert_eq "$old_after" 0 "packets from the deprecated $old after the switch"

step "exactly one new registration, from the new address; none from the old one since"
isp_update_requests
mapfile -t reqs <"$ISP_RUN/update-requests.log"
assert_eq "${#reqs[@]}" 2 "requests in all"
assert_match "${reqs[0]}" " $old user=$TRANSIX_USER password=match answer=OK$" "first request"
assert_match "${reqs[1]}" " $new user=$TRANSIX_USER password=match answer=OK$" "second request"
assert_eq "$(isp_registered_source)" "$new" "registered source"
assert_ok tunnel_local_is "$new"
assert_eq "$(router_checkip)" "$FIXED_IP" "checkip"
# Nothing else of ours went out from the old address either: the supervisor
# logged one registration per address, and the status names the new one.
assert_eq "$(grep -c "transix-supervisor\[[0-9]*\]: [^ ]*: registering $old " /var/log/syslog)" 1 "registrations of $old logged"
assert_eq "$(grep -c "transix-supervisor\[[0-9]*\]: [^ ]*: registering $new " /var/log/syslog)" 1 "registrations of $new logged"
status=$(router_exec transix-status "$WAN_IF")
echo "$status"
assert_match "$status" "^$WAN_IF: ok" "health"
assert_match "$status" "local address +$new"$'\n' "local address"
assert_match "$status" "registration +ok, $new registered" "registration"
assert_eq "$(<"/run/ifupdown-transix/$WAN_IF.pid")" "$supervisor" "the same supervisor"

step "ifdown"
router_exec ifdown "$WAN_IF"
assert_fail ip -n "$ROUTER_NS" link show "$tun"
assert_fail pgrep -f transix-supervisor
