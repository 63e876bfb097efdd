#!/bin/bash
# Idle costs nothing: once up and healthy, with nothing happening on the
# network (RAs stopped), the supervisor sleeps in poll() with no timeout
# (no timer armed, so no periodic wakeup, however long one watches: seen
# with strace, as the kernel restarts the interrupted poll), and wakes when
# there is something to do (SIGHUP).  Its CPU time and context switches
# over 20 s idle are measured by make bench; its memory is reported.
# uml-timeout: 120
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"

isp_setup
stanza_secret >/dev/null
stanza_write
# usage PID: "utime+stime voluntary nonvoluntary" (clock ticks, switches)
usage() {
	local stat f v=0 nv=0 line
	stat=$(<"/proc/$1/stat")
	read -r -a f <<<"${stat##*) }" # f[0] is field 3 (state)
	while IFS= read -r line; do
		case $line in
		voluntary_ctxt_switches:*) v=${line##*[[:space:]]} ;;
		nonvoluntary_ctxt_switches:*) nv=${line##*[[:space:]]} ;;
		esac
	done <"/proc/$1/status"
	echo "$((f[11] + f[12])) $v $nv"
}

step "up and healthy"
router_exec ifup "$WAN_IF"
assert_ok router_exec transix-status "$WAN_IF"
assert_eq "$(router_checkip)" "$FIXED_IP" "checkip"
pid=$(<"/run/ifupdown-transix/$WAN_IF.pid")

step "RAs stop; the supervisor sleeps in poll() without a timeout"
isp_ra_stop
# strace attaching interrupts the sleeping poll(); the kernel restarts a
# poll without timeout as the same call, "poll([...], N, -1", and one with
# a timeout as "restart_syscall(<... resuming interrupted poll ...>)".
asleep_forever() {
	local out
	[[ $(cut -d' ' -f3 "/proc/$pid/stat") == S ]] || return 1
	: >/tmp/strace.out
	strace -q -p "$pid" -e trace=poll,ppoll,restart_syscall -o /tmp/strace.out &
	local tracer=$!
	wait_for 60 grep -q -e 'poll(' -e restart_syscall /tmp/strace.out || :
	kill "$tracer" 2>/dev/null
	wait "$tracer" 2>/dev/null || :
	out=$(</tmp/strace.out)
	echo "strace: $out"
	# Only a sleep with nothing else in flight counts (a wakeup just then
	# shows as a finished call: look again).
	[[ $out =~ ^(poll\(\[.*\],\ [0-9]+,\ -1|ppoll\(\[.*\],\ [0-9]+,\ NULL) && $out != *") = "* ]]
}
wait_for 120 asleep_forever || fail "the supervisor does not sleep in poll() without a timeout: $(</tmp/strace.out)"
read -r cpu0 v0 nv0 <<<"$(usage "$pid")"
rss=$(grep -E '^VmRSS:' "/proc/$pid/status" | tr -s ' \t' ' ')
echo "measured: state $(cut -d' ' -f3 "/proc/$pid/stat"), wchan $(cat "/proc/$pid/wchan" 2>/dev/null);" \
	"$rss; CPU since start $cpu0 ticks, voluntary switches $v0, involuntary $nv0"
v1=$v0

step "it wakes when there is something to do (SIGHUP: re-check); the counters move"
kill -HUP "$pid"
woke() {
	local v
	read -r _ v _ <<<"$(usage "$pid")"
	((v != v1))
}
wait_for 60 woke || fail "SIGHUP did not wake the supervisor (or the counters are dead)"
echo "measured: after SIGHUP: $(usage "$pid")"
assert_ok router_exec transix-status "$WAN_IF"
assert_eq "$(isp_update_count)" 1 "requests (a re-check does not re-register)"
