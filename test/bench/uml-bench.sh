#!/bin/bash
# Benchmarks in the real-kernel guest (make bench): numbers, not pass/fail.
# Timings under UML are inflated (every system call traps): compare them
# as ratios between runs on one machine, not with a real router.
# uml-timeout: 400
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"

now_ms() { echo $((${EPOCHREALTIME/[.,]/} / 1000)); }
report() { printf 'bench: %-44s %s\n' "$1" "$2"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
proc_field() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

isp_setup
stanza_secret >/dev/null
# No dhcp: the update server by address, so that ifup times are ours.
stanza_write -dhcp transix-update-url "http://[$UPDATE_ADDR]/request"

runs=7
ups=() checks=() downs=()
for ((i = 0; i < runs; i++)); do
	t0=$(now_ms)
	router_exec ifup "$WAN_IF" 2>/dev/null
	t1=$(now_ms)
	router_checkip >/dev/null
	t2=$(now_ms)
	ups+=($((t1 - t0)))
	checks+=($((t2 - t0)))
	if ((i == runs - 1)); then break; fi
	t0=$(now_ms)
	router_exec ifdown "$WAN_IF"
	downs+=($(($(now_ms) - t0)))
done
report "ifup, stanza without dhcp (median of $runs)" "$(printf '%s\n' "${ups[@]}" | median) ms"
report "ifup start to checkip answered (median)" "$(printf '%s\n' "${checks[@]}" | median) ms"
report "ifdown (median of $((runs - 1)))" "$(printf '%s\n' "${downs[@]}" | median) ms"

pid=$(pgrep -f transix-supervisor)
report "transix-supervisor VmRSS" "$(proc_field "$pid" VmRSS) kB"
report "transix-supervisor VmHWM (peak)" "$(proc_field "$pid" VmHWM) kB"
report "transix-supervisor RssAnon" "$(proc_field "$pid" RssAnon) kB"

# Idle: with the ISP quiet (no RAs), nothing should wake the supervisor.
isp_ra_stop
ticks=$(cpu_ticks "$pid") ctx=$(proc_field "$pid" voluntary_ctxt_switches)
sleep 20
report "supervisor CPU ticks over 20 s idle" "$(($(cpu_ticks "$pid") - ticks))"
report "supervisor wakeups over 20 s idle" "$(($(proc_field "$pid" voluntary_ctxt_switches) - ctx))"
isp_ra_start

# With RAs every 3-10 s the supervisor looks at each address refresh.
ticks=$(cpu_ticks "$pid") ctx=$(proc_field "$pid" voluntary_ctxt_switches)
sleep 30
report "supervisor wakeups over 30 s with RAs" "$(($(proc_field "$pid" voluntary_ctxt_switches) - ctx))"
report "supervisor CPU ticks over 30 s with RAs" "$(($(cpu_ticks "$pid") - ticks)) (1 tick = 10 ms)"

# The registration child: memory while a (slow) request runs.  A new
# prefix is what makes the supervisor register again.
isp_update_script slow:3
old=$(isp_update_count)
t0=$(now_ms)
isp_renumber 2001:db8:1:2::/64
wait_for 30 pgrep -f transix-register >/dev/null
reg=$(pgrep -f transix-register)
sleep 1
report "transix-register VmRSS during a request" "$(proc_field "$reg" VmRSS) kB"
report "transix-register RssAnon during a request" "$(proc_field "$reg" RssAnon) kB"
wait_for 30 eval "[ \$(isp_update_count) -gt $old ]"
wait_for 30 eval "router_checkip 1 >/dev/null"
report "renumbering to IPv4 working again (3 s slow server)" "$(($(now_ms) - t0)) ms"
router_exec ifdown "$WAN_IF"
