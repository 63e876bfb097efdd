#!/bin/bash
# The NGN's router advertisement comes late (long after ifup): ifup must
# not hang or fail, it returns after tunnel-wait saying the supervisor
# carries on; when the RA finally arrives, the service is up within 2 s of
# <prefix>::feed becoming valid (the issue's acceptance), with exactly one
# registration, from ::feed.
# uml-timeout: 150
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"
source "$TOP/test/lib/clock.sh"

isp_setup --no-ra
stanza_secret >/dev/null
wait=5
stanza_write tunnel-wait "$wait"
tun=tx-$WAN_IF

step "ifup without any RA: returns after tunnel-wait, does not fail"
t0=${EPOCHREALTIME/[.,]/}
rc=0
out=$(router_exec ifup "$WAN_IF" 2>&1) || rc=$?
t1=${EPOCHREALTIME/[.,]/}
echo "$out"
assert_eq "$rc" 0 "ifup exit status"
assert_match "$out" "transix-hook: iface $WAN_IF: not ready after tunnel-wait $wait s: .*carries on in the background" "ifup's message"
sup_start=$(syslog_us 'transix-supervisor\[[0-9]+\]: [^ ]+: started$')
hook_gave_up=$(syslog_us 'transix-hook\[[0-9]+\]: .*not ready after tunnel-wait')
hook_wait=$((hook_gave_up - sup_start))
echo "measured: ifup took $(ms $((t1 - t0))) s in all; the up hook waited $(ms "$hook_wait") s (tunnel-wait $wait)"
# The dhclient part of ifup: what classic ifupdown does with `dhcp 1` and no RA.
grep -E 'dhclient\[[0-9]+\]: (XMT|RCV|PRC)' /var/log/syslog | sed 's/^/  syslog: /'
# (From the supervisor's first word, a little after the hook's clock started.)
((hook_wait >= wait * 1000000 - 1000000)) || fail "the hook gave up before tunnel-wait ($(ms "$hook_wait") s)"
((hook_wait <= wait * 1000000 + 1000000)) || fail "the hook waited $(ms "$hook_wait") s for tunnel-wait $wait"
# The rest of ifup (VLAN, link-local DAD, dhclient) must not wait for the RA either.
((t1 - t0 <= (wait + 8) * 1000000)) || fail "ifup took $(ms $((t1 - t0))) s"
assert_match "$(router_exec transix-status "$WAN_IF" 2>&1 || :)" "^$WAN_IF: down" "status while waiting"

step "no RA for 30 s: no IPv4, no tunnel, no registration; the supervisor waits"
assert_fail router_checkip 2
pid=$(<"/run/ifupdown-transix/$WAN_IF.pid")
while (($(us) - t1 < 30000000)); do _isp_nap 1; done
assert_ok kill -0 "$pid"
assert_fail router_checkip 1
assert_fail ip -n "$ROUTER_NS" link show "$tun"
assert_eq "$(isp_update_count)" 0 "requests before the RA"

step "the RA arrives"
# The kernel's own word on when ::feed passed DAD, to the microsecond: the
# polling below is only as fine as a process start.
ip -n "$ROUTER_NS" -ts monitor address dev "$WAN_IF" >/tmp/addr-events &
monitor=$!
_isp_nap 0.3
ra=$(us)
isp_ra_start
until router_addr_ready "$ROUTER_ADDR"; do
	(($(us) - ra < 20000000)) || fail "$ROUTER_ADDR not ready 20 s after the RA"
done
polled=$(us)
until [[ $(router_checkip 0.5 2>/dev/null) == "$FIXED_IP" ]]; do
	(($(us) - polled < 20000000)) || fail "no IPv4 20 s after $ROUTER_ADDR became ready"
done
up=$(us)
kill "$monitor"
grep -F "$ROUTER_ADDR/" /tmp/addr-events | sed 's/^/  event: /'
event=$(grep -F "$ROUTER_ADDR/" /tmp/addr-events | grep -v -m1 -e tentative -e Deleted) ||
	fail "no event for $ROUTER_ADDR past DAD"
[[ $event =~ ^\[([0-9T:.-]+)\] ]] || fail "unexpected ip monitor line: $event"
ready=$(date -d "${BASH_REMATCH[1]}" +%s%6N)
created=$(syslog_us "transix-supervisor\[[0-9]+\]: [^ ]+: created tunnel $tun$")
registered=$(syslog_us "transix-supervisor\[[0-9]+\]: [^ ]+: registered $ROUTER_ADDR: OK")
echo "measured: RA start -> $ROUTER_ADDR past DAD $(ms $((ready - ra))) s (seen by polling" \
	"$(ms $((polled - ready))) s later); from it: tunnel created $(ms $((created - ready))) s," \
	"registered $(ms $((registered - ready))) s, checkip answers $(ms $((up - ready))) s"
((up - ready <= 2000000)) || fail "IPv4 took $(ms $((up - ready))) s after $ROUTER_ADDR became valid (want <= 2 s)"

step "exactly one registration, from ::feed; healthy"
isp_update_requests
assert_eq "$(isp_update_count)" 1 "requests"
assert_match "$(isp_update_requests)" " $ROUTER_ADDR user=$TRANSIX_USER password=match answer=OK$" "the request"
assert_eq "$(isp_registered_source)" "$ROUTER_ADDR" "registered source"
assert_match "$(ip -n "$ROUTER_NS" -d link show "$tun")" "remote $AFTR local $ROUTER_ADDR " "tunnel"
assert_ok router_exec transix-status "$WAN_IF"
assert_eq "$(<"/run/ifupdown-transix/$WAN_IF.pid")" "$pid" "the same supervisor"
