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

ms() { printf '%d.%03d' $(($1 / 1000000)) $(($1 / 1000 % 1000)); }

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
