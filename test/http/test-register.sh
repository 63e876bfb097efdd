#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# transix-register against a stub update server (test/http/stub-server.py),
# over loopback only: exit codes, the stdout line, timeouts (never before
# their time; how long they took is printed as "# measured:", for make
# bench, never asserted), the source address the server sees, the query
# strictly percent-encoded, no redirect following, and that the password
# never shows in stdout, stderr, argv or the environment.
#
# usage: test/http/test-register.sh [PATH/TO/transix-register]
#
# Root or not.  Where an unprivileged user+network namespace is possible
# (unshare -rn), the tests run in a private one whose lo also carries
# 2001:db8::feed: the source check then uses an address that is not ::1, and
# the DNS failure test cannot reach any server.  Otherwise they run on the
# host's ::1 and skip those two (TRANSIX_TEST_NETNS=no forces that).  Prints
# one line per check and "N passed, N failed" (", N skipped": a check that
# could not run is counted, never passed); exit status 1 if any failed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
REG=$(readlink -f "${1:-$here/../../helpers/transix-register}")
STUB=$here/stub-server.py

if [ ! -x "$REG" ]; then
	echo "$0: $REG: not built" >&2
	exit 1
fi

if [ -z "${TRANSIX_TEST_NETNS:-}" ] && unshare -rn true 2>/dev/null; then
	TRANSIX_TEST_NETNS=inside exec unshare -rn "$BASH" "$here/$(basename "$0")" "$REG"
fi

netns=false
SRC=::1
if [ "${TRANSIX_TEST_NETNS:-}" = inside ]; then
	netns=true
	SRC=2001:db8::feed
	ip link set lo up
	ip -6 addr add "$SRC/128" dev lo nodad
fi

tmp=$(mktemp -d)
stub_pid=
cleanup() {
	[ -n "$stub_pid" ] && kill "$stub_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

passed=0 failed=0 skipped=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
bad() { failed=$((failed + 1)); echo "FAIL - $*"; }
skip() { skipped=$((skipped + 1)); echo "skip - $*"; }
now_ms() { date +%s%3N; }

# The password: every kind of byte that needs encoding, and a marker that
# survives percent-encoding, to look for in every output.
MARKER=Zq7xMarkerSecret
PW="p@ss w&rd=%#:+/?パスワード$MARKER"
USER_NAME='user name+1@example'

python3 "$STUB" ::1 "$tmp/state" "$tmp/stublog" 2>"$tmp/stub.err" &
stub_pid=$!
for _ in $(seq 50); do
	[ -s "$tmp/state" ] && break
	sleep 0.1
done
if ! read -r PORT FULL CLOSED <"$tmp/state" 2>/dev/null; then
	echo "stub server did not start:" >&2
	cat "$tmp/stub.err" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
BASE="http://[::1]:$PORT"
: >"$tmp/stublog"
: >"$tmp/all-output"

# reg URL [ARGS...]: one run with $PW (or $STDIN if set) on standard input.
# Sets rc, out, err, ms.
reg() {
	local url=$1 t0
	shift
	t0=$(now_ms)
	printf '%s\n' "${STDIN-$PW}" |
		"$REG" --interface lo --source "$SRC" --url "$url" --user "$USER_NAME" "$@" \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	ms=$(($(now_ms) - t0))
	collect
}

collect() {
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
	lines=$(wc -l <"$tmp/out")
	cat "$tmp/out" "$tmp/err" >>"$tmp/all-output"
}

# expect NAME RC LINE: the last run exited RC and printed exactly LINE.
expect() {
	if [ "$rc" = "$2" ] && [ "$out" = "$3" ] && [ "$lines" = 1 ]; then
		ok "$1"
	else
		bad "$1: exit $rc, stdout '$out' ($lines lines); want exit $2, '$3'; stderr: $err"
	fi
}

# Fields of the stub's last request.
last() {
	python3 -c '
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
e = json.loads(lines[-1]) if lines else {}
f = sys.argv[2]
v = e.get("query", {}).get(f, ["(none)"]) if f in ("username", "password") else [e.get(f, "(none)")]
sys.stdout.write(" ".join(v))' "$tmp/stublog" "$1"
}
requests() { wc -l <"$tmp/stublog"; }

# --- usage --------------------------------------------------------------------
"$REG" --help >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc = 0 ] && grep -q '^usage: transix-register --interface IFACE' "$tmp/out"; then
	ok "--help"
else
	bad "--help: exit $rc"
fi

"$REG" </dev/null >"$tmp/out" 2>"$tmp/err"
rc=$?
collect
expect "no arguments" 100 "usage error: --interface, --source, --url and --user are required"

reg "$BASE/ok" --bogus
expect "unknown option" 100 "usage error: bad option"
SRC_SAVE=$SRC
SRC=192.0.2.1 reg "$BASE/ok"
expect "IPv4 --source" 100 "usage error: --source must be an IPv6 address"
SRC=fe80::1 reg "$BASE/ok"
expect "link-local --source" 100 "usage error: --source must be a unicast, non-link-local IPv6 address"
SRC=$SRC_SAVE
reg "ftp://[::1]:$PORT/ok"
expect "ftp URL" 100 "usage error: invalid --url: scheme must be http or https"
reg "$BASE/ok#x"
expect "URL with fragment" 100 "usage error: invalid --url: fragment not allowed"
reg "http://u:p@[::1]:$PORT/ok"
expect "URL with userinfo" 100 "usage error: invalid --url: user:password@ not allowed"
reg "$BASE/ok" --service nosuch
expect "--service nosuch" 100 "usage error: invalid --service, --auth or --success: unknown service (one that registers: transix, v6plus, ocn, generic)"
reg "$BASE/ok" --service dslite
expect "--service dslite (no request)" 100 "usage error: invalid --service, --auth or --success: unknown service (one that registers: transix, v6plus, ocn, generic)"
reg "$BASE/ok" --service v6plus --auth basic
expect "--auth with a fixed service" 100 "usage error: invalid --service, --auth or --success: the authentication and the success words are fixed but for the generic service"
reg "$BASE/ok" --service generic --auth md5
expect "--auth md5" 100 "usage error: invalid --service, --auth or --success: authentication: basic or query"
reg "$BASE/ok" --service generic --success 'a b'
expect "--success with a space" 100 "usage error: invalid --service, --auth or --success: bad success word"
reg "v6plus $BASE/ok"
expect "the old packed --url form" 100 "usage error: invalid --url: contains whitespace"
reg "$BASE/ok" --timeout 0
expect "--timeout 0" 100 "usage error: --timeout must be 1..3600 seconds"
reg "$BASE/ok" --connect-timeout x
expect "--connect-timeout x" 100 "usage error: --connect-timeout must be 1..3600 seconds"
n=$(requests)
STDIN='' reg "$BASE/ok"
expect "empty password" 100 "usage error: empty password on standard input"
STDIN=$(printf 'a%.0s' $(seq 256)) reg "$BASE/ok"
expect "256-byte password" 100 "usage error: password longer than 255 bytes"
printf 'ab\0cd\n' | "$REG" --interface lo --source "$SRC" --url "$BASE/ok" --user u >"$tmp/out" 2>"$tmp/err"
rc=$?
collect
expect "password with a NUL byte" 100 "usage error: password contains a NUL byte"
if [ "$(requests)" = "$n" ]; then ok "no request on usage errors"; else bad "a request was sent on a usage error"; fi

# --- the password on standard input ----------------------------------------------
pw255=$(printf 'b%.0s' $(seq 255))
STDIN=$pw255$'\r' reg "$BASE/ok"
expect "255-byte password with CRLF" 0 "OK"
if [ "$(last password)" = "$pw255" ]; then ok "255-byte password arrives whole"; else bad "255-byte password arrived as '$(last password)'"; fi
STDIN=$'first\nsecond' reg "$BASE/ok"
expect "two lines on stdin" 0 "OK"
if [ "$(last password)" = first ]; then ok "only the first line is the password"; else bad "password arrived as '$(last password)'"; fi

# --- --service: the request in that service's form ----------------------------------
qfield() {
	python3 -c '
import json, sys
e = json.loads(open(sys.argv[1], encoding="utf-8").read().splitlines()[-1])
sys.stdout.write(" ".join(e.get("query", {}).get(sys.argv[2], ["(none)"])))' "$tmp/stublog" "$1"
}
reg "$BASE/ok" --service v6plus
expect "--service v6plus" 0 "OK"
if [ "$(qfield user)" = "$USER_NAME" ] && [ "$(qfield pass)" = "$PW" ] && [ "$(qfield username)" = "(none)" ]; then
	ok "--service v6plus: user= and pass=, no username="
else
	bad "--service v6plus: user=$(qfield user) username=$(qfield username)"
fi
reg "$BASE/ok" --service transix
expect "--service transix" 0 "OK"
if [ "$(last password)" = "$PW" ]; then ok "--service transix: username= and password="; else bad "--service transix: password=$(last password)"; fi

# --- answers ------------------------------------------------------------------------
reg "$BASE/ok"
expect "OK" 0 "OK"
if [ "$(last password)" = "$PW" ]; then ok "password encoded and decoded intact"
else bad "password arrived as '$(last password)'"; fi
if [ "$(last username)" = "$USER_NAME" ]; then ok "user name encoded and decoded intact"
else bad "user arrived as '$(last username)'"; fi
# Decoded the transix way, percent only: an encoder sending "+" for a space
# (or anything raw but unreserved characters) fails here.
if [ -z "$(last query_error)" ]; then ok "query strictly percent-encoded: $(last raw_query | sed "s/password=[^&]*/password=.../")"
else bad "query not strictly percent-encoded: $(last query_error | sed "s/$MARKER/MARKER/g")"; fi
case $(last user_agent) in
ifupdown-transix/*) ok "User-Agent $(last user_agent)" ;;
*) bad "User-Agent '$(last user_agent)'" ;;
esac
# Only in the private namespace is the source (2001:db8::feed) not what
# the kernel would pick by itself for ::1.
if ! $netns; then
	skip "source address (needs a private network namespace: on the host ::1 is also the default source)"
elif [ "$(last client)" = "$SRC" ] && [ "$SRC" != ::1 ]; then
	ok "server sees source $SRC"
else
	bad "server sees source $(last client), want $SRC"
fi

# Issue 13, "--source -": the source is the first line of standard input,
# the password the second (the supervisor starts it before the address is
# usable); the request leaves from that source, with that password.
printf '%s\n%s\n' "$SRC" "$PW" |
	"$REG" --interface lo --source - --url "$BASE/ok" --user "$USER_NAME" >"$tmp/out" 2>"$tmp/err"
rc=$?
collect
expect "--source - (source on stdin)" 0 "OK"
if [ "$(last password)" = "$PW" ]; then ok "--source -: the second line is the password"
else bad "--source -: password arrived as '$(last password)'"; fi
if $netns && [ "$(last client)" != "$SRC" ]; then bad "--source -: server sees source $(last client), want $SRC"
elif $netns; then ok "--source -: server sees source $SRC"; fi
n=$(requests)
"$REG" --interface lo --source - --url "$BASE/ok" --user "$USER_NAME" </dev/null >"$tmp/out" 2>"$tmp/err"
rc=$?
collect
expect "--source - and no input (the supervisor went away)" 100 "usage error: no source address on standard input"
printf 'fe80::1\n%s\n' "$PW" |
	"$REG" --interface lo --source - --url "$BASE/ok" --user "$USER_NAME" >"$tmp/out" 2>"$tmp/err"
rc=$?
collect
expect "--source - with a link-local line" 100 "usage error: --source must be a unicast, non-link-local IPv6 address"
if [ "$(requests)" = "$n" ]; then ok "--source -: no request on usage errors"; else bad "--source -: a request was sent on a usage error"; fi

reg "$BASE/ok-crlf"
expect "OK with CRLF and trailing blanks" 0 "OK"
reg "$BASE/ok-bare"
expect "OK without newline" 0 "OK"
reg "$BASE/trickle-ok"
expect "OK sent one byte a second" 0 "OK"
reg "$BASE/lead-space"
expect "OK after a space" 1 "unexpected answer: whitespace before OK"
reg "$BASE/ng"
expect "NG" 1 "NG"
reg "$BASE/ng400"
expect "HTTP 400 NG" 1 "HTTP 400: NG"
reg "$BASE/500"
expect "HTTP 500: temporary" 111 "HTTP 500"
reg "$BASE/empty"
expect "empty body" 1 "empty answer"
reg "$BASE/binary"
if [ $rc = 1 ] && [ "$lines" = 1 ] && ! LC_ALL=C grep -q '[^ -~]' "$tmp/out" && [ ${#out} -le 64 ]; then
	ok "binary answer shown as printable ASCII: $out"
else
	bad "binary answer: exit $rc, stdout '$out'"
fi
reg "$BASE/long"
if [ $rc = 1 ] && [ ${#out} = 64 ] && [ "${out%...}" != "$out" ]; then
	ok "long answer cut to 64 bytes"
else
	bad "long answer: exit $rc, '$out' (${#out} bytes)"
fi
reg "$BASE/echo"
expect "answer echoing the encoded query" 1 "(answer withheld: it contains the password)"
reg "$BASE/echo-lower"
expect "answer echoing the query with lower-case escapes" 1 "(answer withheld: it contains the password)"
reg "$BASE/echo-plus"
expect "answer echoing the password with + for spaces" 1 "(answer withheld: it contains the password)"
reg "$BASE/echo-decoded"
expect "answer echoing the password" 1 "(answer withheld: it contains the password)"
n=$(requests)
reg "$BASE/redirect"
expect "redirect" 1 "HTTP 302 redirect to http://[::1] not followed"
if [ "$(requests)" = $((n + 1)) ]; then ok "redirect not followed"; else bad "redirect followed"; fi
reg "$BASE/huge"
expect "1 MiB answer with Content-Length" 111 "answer too large (over 4096 bytes)"
reg "$BASE/huge-chunked"
expect "1 MiB answer without Content-Length" 111 "answer too large (over 4096 bytes)"
reg "$BASE/close"
expect "connection closed without answer" 111 "empty reply from server"
reg "$BASE/nonexistent"
expect "HTTP 404" 1 "HTTP 404: no such test"

# --- network failures -----------------------------------------------------------------
reg "http://[::1]:$CLOSED/ok"
expect "connection refused" 111 "connection refused"
SRC=2001:db8::dead reg "$BASE/ok"
expect "source address not ours" 111 "cannot bind source 2001:db8::dead"
reg "http://[::1]:$FULL/ok" --connect-timeout 2
expect "connect timeout" 111 "connect timeout after 2 s"
echo "# measured: --connect-timeout 2 took $ms ms"
if [ $ms -ge 1900 ]; then ok "connect timeout not before 2 s"; else bad "connect timeout after $ms ms, before 2 s"; fi
http_proxy="http://[::1]:$CLOSED" HTTP_PROXY="http://[::1]:$CLOSED" all_proxy="http://[::1]:$CLOSED" \
	reg "$BASE/ok"
expect "proxy variables ignored" 0 "OK"
reg "http://localhost:$PORT/ok"
expect "host name through the system resolver" 0 "OK"
if $netns; then
	reg "http://update.transix.jp:$PORT/ok"
	expect "resolver failure" 111 "cannot resolve update.transix.jp"
else
	skip "resolver failure (needs a network namespace: no outside traffic)"
fi

# --- a hanging server: timeout, and what ps shows meanwhile --------------------------------
# Two slow cases run in the background meanwhile: no answer at all with the
# default --timeout 30 (the low-speed limit, 1 byte/s over 10 s, fires first),
# and an answer trickling in under 1 byte/s.
bg() {	# bg NAME URL: background run, files $tmp/NAME.*
	local name=$1 url=$2
	(
		t0=$(now_ms)
		printf '%s\n' "$PW" | "$REG" --interface lo --source "$SRC" --url "$url" \
			--user "$USER_NAME" >"$tmp/$name.out" 2>"$tmp/$name.err"
		echo "$? $(($(now_ms) - t0))" >"$tmp/$name.rc"
	) &
	bg_pids="$bg_pids $!"
}
bg_pids=
bg noanswer "$BASE/hang"
bg slow "$BASE/slow"

t0=$(now_ms)
printf '%s\n' "$PW" | "$REG" --interface lo --source "$SRC" --url "$BASE/hang" --user "$USER_NAME" \
	--timeout 3 >"$tmp/out" 2>"$tmp/err" &
pid=$!
# Until the stub has seen it (and the background /hang).
for _ in $(seq 50); do
	[ "$(grep -c '"/hang"' "$tmp/stublog")" -ge 2 ] && break
	sleep 0.1
done
sleep 0.3
# shown PID: 0 if the password marker is in the process's command line,
# environment or ps line; 1 if not; 2 if they could not be read.
shown() {
	tr '\0' ' ' <"/proc/$1/cmdline" >"$tmp/cmdline" 2>/dev/null || return 2
	tr '\0' '\n' <"/proc/$1/environ" >"$tmp/environ" 2>/dev/null || return 2
	ps -ww -o args= -p "$1" >"$tmp/ps" || return 2
	grep -q '^PATH=' "$tmp/environ" && [ -s "$tmp/cmdline" ] || return 2
	grep -qF "$MARKER" "$tmp/cmdline" "$tmp/ps" "$tmp/environ" && return 0
	return 1
}
# The detector detects: a process with the password in its environment,
# and one with it in its command line.
# (Until the exec, a child's /proc shows the parent's arguments.)
exec_done() { for _ in $(seq 100); do grep -qa "$2" "/proc/$1/cmdline" 2>/dev/null && return; sleep 0.05; done; }
PLANTED=$PW sleep 61 &
planted=$!
exec_done "$planted" 61
shown "$planted"
r1=$?
kill "$planted"
bash -c 'sleep 60; :' "$MARKER" &
planted=$!
exec_done "$planted" "sleep 60"
shown "$planted"
r2=$?
kill "$planted"
if [ "$r1$r2" = 00 ]; then ok "leak detector finds a planted password (environment, command line)"
else bad "leak detector missed a planted password (environment: $r1, command line: $r2; 0 = found)"; fi
if [ -r "/proc/$pid/cmdline" ]; then
	rss=$(awk '/^VmRSS/ {print $2, $3}' "/proc/$pid/status")
	anon=$(awk '/^RssAnon/ {print $2, $3}' "/proc/$pid/status")
	shown "$pid"
	r=$?
	if [ $r = 1 ] && grep -q transix-register "$tmp/cmdline"; then
		ok "password not in /proc/PID/cmdline, environ or ps"
	elif [ $r = 2 ]; then
		bad "cannot read cmdline/environ/ps of the running transix-register"
	else
		bad "password visible in cmdline/environ/ps of a running transix-register"
	fi
	echo "# VmRSS of transix-register during a request: $rss (RssAnon $anon)"
else
	bad "transix-register not running during the hang"
fi
wait "$pid"
rc=$?
ms=$(($(now_ms) - t0))
collect
expect "server that never answers, --timeout 3" 111 "timeout after 3 s"
echo "# measured: --timeout 3 took $ms ms"
if [ $ms -ge 2900 ]; then ok "--timeout 3 not before 3 s"; else bad "--timeout 3 fired after $ms ms"; fi

# shellcheck disable=SC2086 # (a list of pids)
wait $bg_pids
for name in noanswer slow; do
	read -r rc ms <"$tmp/$name.rc"
	cp "$tmp/$name.out" "$tmp/out"
	cp "$tmp/$name.err" "$tmp/err"
	collect
	case $name in
	noanswer) expect "no answer, default timeouts (took $ms ms)" 111 "timeout: no answer for 10 s" ;;
	slow) expect "answer under 1 byte/s (took $ms ms)" 111 "timeout: under 1 byte/s for 10 s" ;;
	esac
	echo "# measured: $name: low-speed abort after $ms ms"
	if [ "$ms" -ge 9900 ]; then ok "$name: low-speed abort not before 10 s"; else bad "$name: aborted after $ms ms, before 10 s"; fi
done

# --- the password never in any output -----------------------------------------------------
enc=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$PW")
if grep -qF "$MARKER" "$tmp/all-output"; then bad "password marker in some stdout/stderr"; else ok "password marker never in stdout/stderr"; fi
if grep -qF "$enc" "$tmp/all-output"; then bad "encoded password in some stdout/stderr"; else ok "encoded password never in stdout/stderr"; fi
if grep -qF 'password=' "$tmp/all-output"; then bad "a query string in some stdout/stderr"; else ok "no query string in stdout/stderr"; fi

if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
