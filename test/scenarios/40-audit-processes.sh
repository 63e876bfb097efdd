#!/bin/bash
# Audit findings about processes and signals, on the real kernel:
#  2  the registration child starts with no signal blocked: ifdown during a
#     hanging request stops it at once, the supervisor tears down itself;
#  4  ifup with stdin and stdout closed does not hang;
#  5  an inline password over 255 bytes fails in pre-up, nothing changed;
#  8  hook down for an IFACE that failed validation signals nobody;
#  9  a stale pid file naming a live process called "transix-supervisor"
#     is never signalled (liveness is the pid file's lock, not the name);
#  1  a retry due while the WAN is gone costs no CPU (no poll(0) loop);
# 10  the supervisor runs in / with no fd it inherited by accident.
# uml-timeout: 240
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"

isp_setup
stanza_secret >/dev/null
tun=tx-$WAN_IF
hook=/usr/libexec/ifupdown-transix/transix-hook

# A process whose name is the supervisor's (what comm showed), doing nothing.
decoy() {
	cp /bin/sleep /tmp/transix-supervisor
	/tmp/transix-supervisor 1000 &
	decoy_pid=$!
	wait_for 10 grep -q '^transix-supervi' "/proc/$decoy_pid/comm"
}

step "5: inline password over 255 bytes: ifup fails in pre-up, names the option, changes nothing"
long=$(printf 'p%.0s' {1..300})
stanza_write -transix-password-file transix-password "$long"
rc=0
out=$(router_exec ifup "$WAN_IF" 2>&1) || rc=$?
echo "$out" | grep -v "$long" || :
assert_eq "$rc" 1 "ifup exit status"
assert_match "$out" "transix-hook: iface $WAN_IF: option transix-password: longer than 255 bytes" "the error"
assert_no_match "$out" "$long" "the password in the output"
assert_no_match "$(ip -n "$ROUTER_NS" -6 token list 2>/dev/null)" "$ROUTER_IID" "token left behind"
assert_fail pgrep -x transix-supervi
# Refused by pre-up itself: no supervisor ever ran (one that failed in
# up with the same words would leave its lines in syslog).
assert_fail grep -qE 'transix-supervisor\[[0-9]+\]' /var/log/syslog
assert_fail grep -rqF "$long" /var/log /run

step "8: hook down for an invalid IFACE: no pid path built, nobody signalled"
# The state directory exists, as after any earlier ifup: "../../tmp/x"
# would resolve through it to /tmp/x.pid.
mkdir -p /run/ifupdown-transix
decoy
echo "$decoy_pid" >/tmp/x.pid
IFACE=../../tmp/x IF_TUNNEL_REMOTE=$AFTR IF_TUNNEL_ADDRESS=$FIXED_IP "$hook" down 2>&1 || :
assert_ok kill -0 "$decoy_pid"

step "9: a stale pid file naming a live decoy: ifup and ifdown leave it alone"
mkdir -p /run/ifupdown-transix
echo "$decoy_pid" >"/run/ifupdown-transix/$WAN_IF.pid"
stanza_write tunnel-wait 30
# 10: from another directory, with an fd open that nobody closed.
(cd /tmp && exec 7>/tmp/leak-marker && router_exec ifup "$WAN_IF")
assert_ok kill -0 "$decoy_pid"
wait_for 30 router_checkip >/dev/null || fail "no IPv4"
supervisor=$(pgrep -x transix-supervi | grep -vx "$decoy_pid")

step "10: the supervisor's cwd is /, no inherited fd"
# Compared by inode: the paths are seen through the harness's chroot.
assert_eq "$(stat -L -c %d:%i "/proc/$supervisor/cwd")" "$(stat -L -c %d:%i "/proc/$supervisor/root")" "cwd is /"
assert_fail eval "ls -l /proc/$supervisor/fd | grep -q leak-marker"

step "4: ifup with stdin and stdout closed completes (the notification pipe at fd 3)"
router_exec ifdown "$WAN_IF"
assert_ok kill -0 "$decoy_pid"
assert_fail kill -0 "$supervisor"
router_exec ifup "$WAN_IF" <&- >&- 2>/tmp/ifup.err &
ifup_pid=$!
# Generous: only a hang reaches it.
ifup_done() { ! kill -0 "$ifup_pid" 2>/dev/null; }
wait_for 120 ifup_done || fail "ifup hangs: $(cat /tmp/ifup.err)"
wait "$ifup_pid" || fail "ifup failed: $(cat /tmp/ifup.err)"
assert_eq "$(router_checkip)" "$FIXED_IP" "checkip"
router_exec ifdown "$WAN_IF"
kill "$decoy_pid"

step "2: ifdown during a hanging registration: the child gets SIGTERM, no SIGKILL needed"
isp_update_script hang
stanza_write tunnel-wait 1 transix-timeout 300
: >/var/log/syslog
router_exec ifup "$WAN_IF" || :
wait_for 30 grep -q 'answer=hang' "$ISP_RUN/update-requests.log" || fail "no request"
reg=$(pgrep -x transix-registe) || fail "no transix-register running"
# Nothing blocked: the supervisor's signalfd mask must not reach it.
assert_eq "$(sed -n 's/^SigBlk:\t//p' "/proc/$reg/status")" 0000000000000000 "transix-register's blocked signals"
router_exec ifdown "$WAN_IF"
grep -E 'transix-(hook|supervisor)' /var/log/syslog || :
assert_fail grep -q 'did not stop; killing it' /var/log/syslog
assert_ok grep -q "transix-supervisor\[[0-9]*\]: $WAN_IF: deleted tunnel $tun" /var/log/syslog
assert_fail pgrep -x transix-registe
assert_fail pgrep -x transix-supervi
assert_fail ip -n "$ROUTER_NS" link show "$tun"

step "1: a retry due while the WAN is gone: the supervisor sleeps"
isp_update_script 500
stanza_write tunnel-wait 1
router_exec ifup "$WAN_IF" || :
wait_for 30 grep -q 'answer=500' "$ISP_RUN/update-requests.log" || fail "no request"
wait_for 30 eval "router_exec transix-status $WAN_IF | grep -q 'next retry'" || fail "no retry planned"
supervisor=$(pgrep -x transix-supervi)
ip -n "$ROUTER_NS" link del "$WAN_IF"
# The retry (5 s +-20% after the failure) falls due while the WAN is gone.
retry_due() { (($(sed -n 's/^next_retry=//p' "/run/ifupdown-transix/$WAN_IF.state") < EPOCHSECONDS - 1)); }
wait_for 30 retry_due || fail "the retry never fell due"
ticks() { awk '{ print $14 + $15 }' "/proc/$supervisor/stat"; }
t0=$(ticks)
sleep 3
t1=$(ticks)
echo "measured: supervisor CPU over 3 s with a retry due and no WAN: $((t1 - t0)) ticks"
# A poll(0) loop burns nearly every tick (100 per second); sleeping, none.
(( t1 - t0 < 30 )) || fail "the supervisor spins: $((t1 - t0)) ticks of CPU in 3 s"
router_exec ifdown "$WAN_IF" || :
