#!/bin/bash
# Idle costs nothing: once up and healthy, with nothing happening on the
# network (RAs stopped), the supervisor does not run at all -- no CPU time,
# no context switch in 20 s (no periodic wakeup).  Its memory is reported.
# uml-timeout: 120
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"

isp_setup
stanza_secret >/dev/null
stanza_write
idle=20
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

step "RAs stop; the supervisor is watched for $idle s"
isp_ra_stop
_isp_nap 1
before=$(usage "$pid")
_isp_nap "$idle"
after=$(usage "$pid")
read -r cpu0 v0 nv0 <<<"$before"
read -r cpu1 v1 nv1 <<<"$after"
rss=$(grep -E '^VmRSS:' "/proc/$pid/status" | tr -s ' \t' ' ')
echo "measured: over $idle s idle: CPU ticks $cpu0 -> $cpu1, voluntary switches $v0 -> $v1," \
	"involuntary $nv0 -> $nv1; state $(cut -d' ' -f3 "/proc/$pid/stat"), wchan $(cat "/proc/$pid/wchan" 2>/dev/null);" \
	"$rss; CPU since start $cpu1 ticks"
assert_eq "$cpu1" "$cpu0" "CPU time (ticks) used while idle"
assert_eq "$v1" "$v0" "voluntary context switches while idle"

step "the same counters do move when there is something to do (SIGHUP: re-check)"
kill -HUP "$pid"
woke() {
	local v
	read -r _ v _ <<<"$(usage "$pid")"
	((v != v1))
}
wait_for 5 woke || fail "SIGHUP did not wake the supervisor (or the counters are dead)"
echo "measured: after SIGHUP: $(usage "$pid")"
assert_ok router_exec transix-status "$WAN_IF"
assert_eq "$(isp_update_count)" 1 "requests (a re-check does not re-register)"
