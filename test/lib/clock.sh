# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Time measurements for the scenarios, without process starts where
# possible (they are slow under UML).
#
#   us                 microseconds since the epoch
#   ms MICROSECONDS    prints them as seconds with 3 decimals ("1.234")
#   syslog_times ERE   the times (µs) of the syslog lines matching ERE, one a line
#   syslog_us ERE      the time (µs) of the first one; status 1 if none

us() { echo "${EPOCHREALTIME/[.,]/}"; }

ms() {
	local us=$1 sign=''
	((us >= 0)) || { sign=-; us=$((-us)); }
	printf '%s%d.%03d' "$sign" $((us / 1000000)) $((us / 1000 % 1000))
}

# The harness's syslog lines start with a local ISO time stamp.
syslog_times() {
	local line
	grep -E "$1" /var/log/syslog | while IFS= read -r line; do
		date -d "${line%% *}" +%s%6N
	done
}

syslog_us() {
	local line
	line=$(grep -m1 -E "$1" /var/log/syslog) || return 1
	date -d "${line%% *}" +%s%6N
}

# The kernel's own order of events, from one `ip monitor` in the router
# (one netlink socket: its messages arrive in the order the kernel sent
# them, whatever the load).
#   monitor_start FILE OBJECT...   ip -ts monitor OBJECT... >FILE in the
#                                  background (pid in MONITOR_PID); returns
#                                  once it is listening
#   monitor_sync FILE              returns once every event before it is in FILE
#   monitor_stop                   ends it
# Both sync points are a scratch address on the router's lo, added and
# deleted (address events are then among the OBJECTs watched).
_MONITOR_SEQ=$((SRANDOM % 4096 * 16))
monitor_start() {
	local file=$1
	shift
	ip -n "$ROUTER_NS" -ts monitor "$@" >"$file" &
	MONITOR_PID=$!
	# Until the scratch address shows, the monitor may not be listening
	# yet: try again with a fresh one.
	for _ in 1 2 3 4 5 6; do
		local a
		printf -v a '2001:db8:99::%x' $((_MONITOR_SEQ += 1))
		ip -n "$ROUTER_NS" addr add "$a/128" dev lo nodad
		ip -n "$ROUTER_NS" addr del "$a/128" dev lo
		wait_for 10 grep -qF " $a/128 " "$file" 2>/dev/null && return 0
	done
	fail "ip monitor reports nothing"
}
monitor_sync() {
	local a
	printf -v a '2001:db8:99::%x' $((_MONITOR_SEQ += 1))
	ip -n "$ROUTER_NS" addr add "$a/128" dev lo nodad
	ip -n "$ROUTER_NS" addr del "$a/128" dev lo
	wait_for 60 grep -qF " $a/128 " "$1" || fail "ip monitor did not report $a in 60 s"
}
monitor_stop() { kill "$MONITOR_PID" 2>/dev/null || :; wait "$MONITOR_PID" 2>/dev/null || :; }
