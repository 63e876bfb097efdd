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
#   assert_fail CMD...             CMD must fail: exit 1..125.  Not found or not
#                                  executable (126, 127), killed by a signal or
#                                  crashed (128 and up, 255) is no "failure" the
#                                  check can rely on: the scenario fails.
#   syslog_sync                    proves the syslog sink is alive and has
#                                  written everything sent before it: call it
#                                  before checking that some line is ABSENT
#   status_json [IFACE]            transix-status --json in the router, parsed
#                                  by a real JSON parser, the field set pinned;
#                                  fills the array STATUS (key -> value) with the
#                                  one interface's fields, STATUS_RC = exit status

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
	((rc == 0)) && fail "command succeeded but should have failed: $*"$'\n'"$out"
	((rc == 126 || rc == 127)) && fail "command could not be run (exit $rc): $*"$'\n'"$out"
	((rc >= 128)) && fail "command crashed or was killed (exit $rc): $*"$'\n'"$out"
	return 0
}

syslog_sync() {
	local mark end
	mark="syslog-sync $SRANDOM$SRANDOM"
	# "harness-sync", not a name of ours: counts of our lines ignore it.
	logger -t harness-sync -- "$mark" || fail "logger failed"
	end=$((${EPOCHREALTIME/[.,]/} + 60000000))
	until grep -qF -- "$mark" /var/log/syslog; do
		((${EPOCHREALTIME/[.,]/} < end)) ||
			fail "the syslog sink did not write a line in 60 s: a check that a line is absent would prove nothing"
		read -r -t 0.1 <> <(:) || :
	done
}

# The fields of a supervisor's state as transix-status --json shows them:
# all of them, with their JSON types (s string, n number).
STATUS_FIELDS='interface:s pid:n health:s message:s token:s local:s tunnel:s remote:s
remote_address:s remote_answers:s remote_ttl:n remote_lookup:n address:s mtu:n encaplimit:s tunnel_state:s registration:s
failure:s registered_address:s default_before:s last_attempt:n last_result:s last_success:n next_retry:n
failures:n updated:n provision:s provision_class:s method:s enabler_name:s service_name:s
provision_server:s provision_ttl:n provision_expires:n ttl_left:n last_fetch:n fetch_result:s next_fetch:n
fetch_failures:n'
_STATUS_JSON_PY='
import json, sys
fields = dict(f.split(":") for f in sys.argv[1].split())
want_if = sys.argv[2]
try:
    doc = json.loads(sys.stdin.read())
except ValueError as e:
    sys.exit("not JSON: %s" % e)
if not isinstance(doc, list):
    sys.exit("not a JSON array")
objs = [o for o in doc if isinstance(o, dict) and (not want_if or o.get("interface") == want_if)]
if len(objs) != 1 or len(doc) != (1 if not want_if else len(doc)):
    sys.exit("want one interface%s, got %d of %d entries" % (" " + want_if if want_if else "", len(objs), len(doc)))
o = objs[0]
if set(o) != set(fields):
    sys.exit("fields %s missing, %s unexpected" % (sorted(set(fields) - set(o)), sorted(set(o) - set(fields))))
for k, t in fields.items():
    v = o[k]
    if t == "n" and not (isinstance(v, int) and not isinstance(v, bool)):
        sys.exit("field %s: %r is not an integer" % (k, v))
    if t == "s" and not isinstance(v, str):
        sys.exit("field %s: %r is not a string" % (k, v))
    print("%s\t%s" % (k, str(v).replace("\\", "\\\\").replace("\n", "\\n")))
'
# shellcheck disable=SC2034 # read by the scenarios
declare -A STATUS=()
STATUS_RC=0
status_json() {
	local out fields k v
	STATUS=() STATUS_RC=0
	out=$(ip netns exec "$ROUTER_NS" transix-status --json ${1:+"$1"} 2>&1) || STATUS_RC=$?
	# 0 healthy, 1 unhealthy or temporary failure, 2 refused, 3 local failure
	# (transix-status(8)); anything else (usage, system error, a crash) fails.
	((STATUS_RC <= 3)) || fail "transix-status --json ${1-}: exit $STATUS_RC: $out"
	fields=$(python3 -I -c "$_STATUS_JSON_PY" "$STATUS_FIELDS" "${1-}" <<<"$out" 2>&1) ||
		fail "transix-status --json ${1-}: $fields"$'\n'"$out"
	# shellcheck disable=SC2034 # read by the scenarios
	while IFS=$'\t' read -r k v; do STATUS[$k]=$v; done <<<"$fields"
}
