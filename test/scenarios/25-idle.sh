#!/bin/bash
# Idle costs nothing: once up and healthy, with nothing happening on the
# network (RAs stopped), the supervisor sleeps with no timer armed (so no
# periodic wakeup, however long one watches: seen in the kernel's timer
# list), and wakes when there is something to do (SIGHUP).  Its CPU time and context switches
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

step "RAs stop; the supervisor sleeps with no timer armed"
isp_ra_stop
# The kernel's sleep timers (/proc/timer_list: "hrtimer_wakeup" timers,
# each with its absolute expiry): one belonging to a process vanishes while
# the process is stopped (SIGSTOP interrupts its poll or nanosleep) and
# comes back with the same expiry when it continues (the kernel restarts the
# call with the old end time).  Timers of other processes do not do that.
hr_timers() {
	# (The hard expiry only: the timer's own address changes with the
	# restart, and its soft expiry becomes the hard one.)
	awk '/, hrtimer_wakeup,/ {p = 1} /# expires at/ && p {sub(/.*-/, "", $4); print $4; p = 0}' /proc/timer_list | sort
}
state_is() { [[ $(cut -d' ' -f3 "/proc/$1/stat") == "$2" ]]; }
# timers_of PID: the sleep timers of PID, one a line (none: empty)
timers_of() {
	local a b c
	wait_for 60 state_is "$1" S || fail "process $1 does not go to sleep"
	a=$(hr_timers)
	kill -STOP "$1"
	wait_for 60 state_is "$1" T || fail "process $1 does not stop"
	b=$(hr_timers)
	kill -CONT "$1"
	wait_for 60 state_is "$1" S || fail "process $1 does not sleep again"
	c=$(hr_timers)
	comm -12 <(echo "$a") <(echo "$c") | comm -23 - <(echo "$b")
}
# The detector detects: a process asleep with a timeout has one.
sleep 600 &
sleeper=$!
t=$(timers_of "$sleeper")
kill "$sleeper"
echo "the timer of a sleep 600: $t"
[[ -n $t ]] || fail "no timer found for a sleeping 'sleep 600': the detector is blind"
t=$(timers_of "$pid")
[[ -z $t ]] || fail "the supervisor sleeps with a timer armed: $t"
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
