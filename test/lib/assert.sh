# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Assertions for the real-kernel scenarios.  Each failing assertion prints
# what was expected and what was seen, with the caller's line, and exits the
# scenario with status 1 (the harness then adds a dump of the namespaces,
# the ISP's logs and the syslog to the scenario's log).
#
#   step TEXT...                   mark progress in the log ("== TEXT")
#   fail MESSAGE...                fail the scenario
#   assert_eq ACTUAL EXPECTED [WHAT]
#   assert_match ACTUAL REGEX [WHAT]       bash ERE, =~
#   assert_no_match ACTUAL REGEX [WHAT]
#   assert_ok CMD...               CMD must succeed (its output is shown if not)
#   assert_fail CMD...             CMD must fail (its output is shown if not)

_assert_where() {
	# The scenario line that called the assertion (skip our own frames).
	local i
	for ((i = 1; i < ${#BASH_SOURCE[@]}; i++)); do
		[[ ${BASH_SOURCE[$i]} == "${BASH_SOURCE[0]}" ]] && continue
		echo "${BASH_SOURCE[$i]##*/}:${BASH_LINENO[$((i - 1))]}"
		return
	done
	echo "?"
}

step() { echo "== $* ($(printf '%(%T)T'))"; }

fail() {
	echo "FAIL at $(_assert_where): $*" >&2
	exit 1
}

assert_eq() {
	[[ $1 == "$2" ]] && return 0
	fail "${3:-value}: expected '$2', got '$1'"
}

assert_match() {
	[[ $1 =~ $2 ]] && return 0
	fail "${3:-value}: '$1' does not match /$2/"
}

assert_no_match() {
	[[ ! $1 =~ $2 ]] && return 0
	fail "${3:-value}: '$1' matches /$2/ but should not"
}

assert_ok() {
	local out rc=0
	out=$("$@" 2>&1) || rc=$?
	((rc == 0)) && return 0
	fail "command failed (exit $rc): $*"$'\n'"$out"
}

assert_fail() {
	local out rc=0
	out=$("$@" 2>&1) || rc=$?
	((rc != 0)) && return 0
	fail "command succeeded but should have failed: $*"$'\n'"$out"
}
