#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# transix-status against crafted state files: the real program, built with
# its RUNSTATEDIR in the build tree (Makefile: test/unit/build/transix-status).
# Text output, --json parsed by jq with its field set pinned, every exit
# status, "not managed", a dead supervisor, hostile state.
set -u
here=$(cd "${0%/*}" && pwd)
status=$here/transix-status
run=$here/run-test-status
dir=$run/ifupdown-transix
checks=0 failures=0

command -v jq >/dev/null || { echo "test-status: jq is needed (apt-get install jq)" >&2; exit 111; }
[[ -x $status ]] || { echo "test-status: $status not built" >&2; exit 111; }

fail() { failures=$((failures + 1)); echo "test-status:${BASH_LINENO[1]}: $*" >&2; }
# ok CMD...: the command must succeed (a check of its own).
ok() { checks=$((checks + 1)); "$@" || fail "not true: $*"; }

# st ARGS...: runs transix-status; sets out, err, rc.
st() {
	out=$("$status" "$@" 2>"$run/err"); rc=$?
	err=$(<"$run/err")
}
want_rc() { checks=$((checks + 1)); [[ $rc == "$1" ]] || fail "exit status $rc, want $1 (${2-})"; }
has() { checks=$((checks + 1)); grep -qF -- "$2" <<<"$1" || fail "output lacks '$2': $1"; }
lacks() { checks=$((checks + 1)); ! grep -qF -- "$2" <<<"$1" || fail "output has '$2': $1"; }
# jq_is FILTER WANT: jq -r FILTER of $out (which must parse) is WANT.
jq_is() {
	local got
	checks=$((checks + 1))
	if ! got=$(jq -r "$1" <<<"$out" 2>&1); then
		fail "not JSON ($got): $out"
	elif [[ $got != "$2" ]]; then
		fail "jq '$1' is '$got', want '$2'"
	fi
}

fake=
cleanup() {
	[[ -n $fake ]] && kill "$fake" 2>/dev/null && wait "$fake" 2>/dev/null
	rm -rf "$run"
}
trap cleanup EXIT
rm -rf "$run"
mkdir -p "$run"

# A live "supervisor" for the pid files of wan0..wan2: named as the real one
# (its comm is what pidfile_read_live() checks) and holding a POSIX write
# lock on each pid file with its pid in it (what a lock-based liveness check
# asks the kernel).  Writing other text into a pid file keeps the lock.
mkdir -p "$dir"
python3 - "$dir" "$run/fake-ready" <<'EOF' &
import fcntl, os, sys, time
with open('/proc/self/comm', 'w') as comm:
    comm.write('transix-supervisor')
fds = []
for name in ('wan0', 'wan1', 'wan2'):
    fd = os.open(os.path.join(sys.argv[1], name + '.pid'), os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.write(fd, b'%d\n' % os.getpid())
    fds.append(fd)
open(sys.argv[2], 'w').close()
time.sleep(600)
EOF
fake=$!
for ((i = 0; i < 1000; i++)); do
	[[ -e $run/fake-ready ]] && break
	sleep 0.01
done
ok test -e "$run/fake-ready"
ok test "$(cat "/proc/$fake/comm")" = transix-supervi

# put IFACE PID [key=value...]: a state file as the supervisor writes it.
put() {
	local ifn=$1 pid=$2
	shift 2
	mkdir -p "$dir"
	{
		echo "interface=$ifn"
		echo "pid=$pid"
		echo "health=ok"
		echo "message=tunnel up, registered"
		echo "token=::feed"
		echo "local=2001:db8:1:2::feed"
		echo "tunnel=tx-$ifn"
		echo "remote=2001:db8:ffff::140"
		echo "remote_address=2001:db8:ffff::140"
		echo "address=203.0.113.5/32"
		echo "mtu=1460"
		echo "encaplimit=none"
		echo "tunnel_state=up"
		echo "registration=ok"
		echo "registered_address=2001:db8:1:2::feed"
		echo "last_attempt=1700000000"
		echo "last_result=OK"
		echo "last_success=1700000000"
		echo "next_retry=0"
		echo "failures=0"
		echo "updated=1700000000"
		local kv
		for kv; do echo "$kv"; done
	} >"$dir/$ifn.state"
}

fields='interface,pid,health,message,token,local,tunnel,remote,remote_address,remote_answers,remote_ttl,remote_lookup,address,mtu,encaplimit,tunnel_state,registration,failure,registered_address,default_before,last_attempt,last_result,last_success,next_retry,failures,updated,provision,provision_class,method,enabler_name,service_name,provision_server,provision_ttl,provision_expires,ttl_left,last_fetch,fetch_result,next_fetch,fetch_failures'
numbers='pid,remote_ttl,remote_lookup,mtu,last_attempt,last_success,next_retry,failures,updated,provision_ttl,provision_expires,ttl_left,last_fetch,next_fetch,fetch_failures'

# A named AFTR: all its answers, the one in use marked, the TTL; JSON too.
named_state() {
	put wan0 "$fake" remote=gw.transix.jp remote_address=2001:db8:ffff::140 \
		remote_answers=2001:db8:ffff::141,2001:db8:ffff::140 remote_ttl=300 remote_lookup=0
}

# --- nothing managed -----------------------------------------------------------
st
want_rc 0 "no state directory"
has "$out" "no interface is managed by ifupdown-transix"
st --json
want_rc 0 "no state directory, json"
jq_is 'length' 0
st wan0
want_rc 1 "not managed"
has "$err" "transix-status: wan0: not managed (no supervisor state)"
st wan0 --json
want_rc 1 "not managed, json"
jq_is 'length' 0

# --- usage ---------------------------------------------------------------------
st --bogus
want_rc 100 "unknown option"
has "$err" "usage: transix-status [IFACE] [--json]"
st wan0 wan1
want_rc 100 "two interfaces"
st --help
want_rc 0 "--help"
has "$out" "usage:"

# --- healthy -------------------------------------------------------------------
put wan0 "$fake"
echo "$fake" >"$dir/wan0.pid"
st
want_rc 0 "healthy"
has "$out" "wan0: ok"
has "$out" "tunnel         tx-wan0 (up): 203.0.113.5/32, remote 2001:db8:ffff::140, mtu 1460, encaplimit none"
has "$out" "registration   ok, 2001:db8:1:2::feed registered"
has "$out" "supervisor     $fake"
lacks "$out" "aftr answers"
st wan0 --json
want_rc 0 "healthy, json"
jq_is 'length' 1
jq_is '.[0] | keys_unsorted | join(",")' "$fields"
jq_is "[.[0] | to_entries[] | select(.value | type == \"number\") | .key] | join(\",\")" "$numbers"
jq_is '.[0].pid' "$fake"
jq_is '.[0].health' ok
jq_is '.[0].tunnel_state' up
jq_is '.[0].mtu' 1460

# --- a named AFTR with several addresses -------------------------------------
named_state
st wan0
want_rc 0 "named AFTR"
has "$out" "remote gw.transix.jp [2001:db8:ffff::140]"
has "$out" "aftr answers   gw.transix.jp: 2001:db8:ffff::141 2001:db8:ffff::140 (in use); ttl 300s"
lacks "$out" "::141 (in use)"
st wan0 --json
jq_is '.[0].remote_answers' 2001:db8:ffff::141,2001:db8:ffff::140
jq_is '.[0].remote_ttl' 300
put wan0 "$fake"

# --- a dead supervisor ---------------------------------------------------------
put wan1 99999999
echo 99999999 >"$dir/wan1.pid"
st wan1
want_rc 1 "dead supervisor"
has "$out" "wan1: down"
has "$out" "the supervisor is not running"
st --json
want_rc 1 "one of two unhealthy"
jq_is 'length' 2
jq_is '[.[] | .interface + "=" + .health] | sort | join(",")' "wan0=ok,wan1=down"
jq_is '[.[] | select(.interface == "wan1")][0].message' "the supervisor is not running"
st wan0
want_rc 0 "only the healthy one asked"

# A live process that is not a supervisor (this shell), and a state whose
# pid differs from the pid file's.
put wan1 $$
echo $$ >"$dir/wan1.pid"
st wan1
want_rc 1 "pid of another program"
has "$out" "wan1: down"
put wan1 12345
echo "$fake" >"$dir/wan1.pid"
st wan1
want_rc 1 "state and pid file disagree"
# No pid file at all, and a pid that only (pid_t) truncation makes 0.
put wan5 4294967296
st wan5
want_rc 1 "pid 2^32 and no pid file"
has "$out" "wan5: down"
put wan5 0
st wan5
want_rc 1 "pid 0"
rm -f "$dir/wan5.state"

# --- degraded, failed registration ------------------------------------------
put wan1 "$fake" health=degraded registration=failed "last_result=HTTP 503: busy" \
	next_retry=1700000600 failures=4 "message=registration failed; retrying"
echo "$fake" >"$dir/wan1.pid"
st wan1
want_rc 1 "degraded"
has "$out" "wan1: degraded"
has "$out" "HTTP 503: busy"
has "$out" "(4 failures in a row)"
st wan1 --json
jq_is '.[0].failures' 4
jq_is '.[0].registration' failed

# Tunnel and registration disabled: those lines left out.
put wan1 "$fake" tunnel_state=disabled registration=disabled
st wan1
want_rc 0 "iid only"
lacks "$out" "tunnel    "
lacks "$out" "registration"

# --- issue 14: provisioning ---------------------------------------------------
# Not provisioning: no line of it.  An answer in use: method, server, names,
# the TTL left (computed now from provision_expires), the next fetch.
put wan1 "$fake" provision=disabled
st wan1
lacks "$out" "provisioning"
exp=$(( $(date +%s) + 1000 ))
put wan1 "$fake" provision=ok method=ipip provision_server=prov.isp.test \
	enabler_name=TestEnabler service_name=FixedIP provision_ttl=3600 \
	provision_expires=$exp ttl_left=5 last_fetch=1700000000 fetch_result="ipip 203.0.113.5/32" \
	next_fetch=1800000000
st wan1
want_rc 0 "provisioned"
has "$out" "provisioning   ok"
has "$out" "answer         ipip from prov.isp.test (TestEnabler, FixedIP); ttl 3600s, "
has "$out" "last fetch     "
has "$out" ": ipip 203.0.113.5/32"
has "$out" "next fetch     "
st wan1 --json
jq_is '.[0].method' ipip
jq_is '.[0].enabler_name' TestEnabler
jq_is '.[0].service_name' FixedIP
jq_is '.[0].provision_ttl' 3600
jq_is '.[0].next_fetch' 1800000000
# ttl_left: recomputed at reading (990..1000), not the file's 5.
jq_is '.[0].ttl_left >= 990 and .[0].ttl_left <= 1000' true
# Refused: its own exit status and words; with no supervisor, no class.
put wan1 "$fake" health=down provision=failed provision_class=refused tunnel_state=disabled \
	registration=disabled fetch_result="auth: bad"
st wan1
want_rc 2 "provisioning refused"
has "$out" "provisioning   failed (refused by the provisioning server: check transix-user and the password)"
st wan1 --json
jq_is '.[0].provision_class' refused
put wan1 "$fake" health=down provision=failed provision_class=local tunnel_state=disabled \
	registration=disabled
st wan1
want_rc 3 "provisioning: a local problem"
put wan1 "$fake" health=degraded provision=failed provision_class=temporary
st wan1
want_rc 1 "provisioning: temporary, kept answer"
has "$out" "(no answer or a bad one: retried in 10-30 min)"
put wan1 999999999 health=down provision=failed provision_class=refused next_fetch=1800000000
st wan1 --json
jq_is '.[0].provision_class' ""
jq_is '.[0].next_fetch' 0
put wan1 "$fake" tunnel_state=disabled registration=disabled

# --- hostile state -------------------------------------------------------------
# Quotes, backslashes and control bytes: the text has no ESC, the JSON parses.
put wan1 "$fake" $'message=say "hi" \\ \e[31mred\e[0m\a\x7f\xff' $'last_result=\e]0;title\a'
st wan1
checks=$((checks + 1))
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f-\xff]' <<<"$out"; then fail "control bytes in the text: $out"; fi
st wan1 --json
jq_is '.[0].message' 'say "hi" \ ?[31mred?[0m???'
jq_is '.[0].last_result' '?]0;title?'
# Broken files: the program still answers, for every interface.
printf 'health=ok\npid=%s\n\x00\xff garbage\nmtu=1e9\n' "$fake" >"$dir/wan2.state"
echo "$fake" >"$dir/wan2.pid"
head -c 3000 /dev/zero | tr '\0' 'x' >"$dir/wan3.state"
st --json
jq_is 'length' 4
jq_is '[.[] | .interface] | sort | join(",")' ",,wan0,wan1"
jq_is '[.[] | select(.pid == '"$fake"' and .mtu == 0)] | length' 1
# Names that only look like state files are not interfaces.
: >"$dir/.state"
: >"$dir/wan4.state.tmp"
: >"$dir/wan4.pid"
st --json
jq_is 'length' 4

# --- the state directory cannot be read ----------------------------------------
rm -rf "$dir"
: >"$dir"
st
want_rc 111 "state directory is a file"
has "$err" "transix-status: fatal: unable to read $dir: Not a directory"
rm -f "$dir"

echo "test-status: $checks checks, $failures failed"
((failures == 0))
