#!/bin/bash
# The transix password never leaks: a canary password full of characters
# that need encoding (& = % # : space + UTF-8) and a user name like it reach
# the update server intact, and the canary -- raw or percent-encoded -- is in
# no command line or environment of our processes (checked while a
# registration is in flight), in no log, in no file under /run /tmp /var/log
# /var/lib, and not in transix-status.  A password file others can read is
# refused; the inline transix-password works, with a warning, under the
# same checks.
# uml-timeout: 300
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"

# A unique alphanumeric tag inside the canary survives every encoding: it
# catches partial and re-encoded leaks too.
tag=k9T${SRANDOM}Qz
canary="c4n&ry=%#: +パス-$tag"
user="t&x us=er+ユ%"
# Nothing that holds the canary is ever a command-line argument here (the
# /proc checks would find the test itself): builtins and files only.
hex() { printf %s "$1" | od -An -v -tx1 | tr -d ' \n'; }
# transix's encoding: RFC 3986 unreserved kept, everything else %XX.
pct() {
	local h i b c out=''
	h=$(hex "$1")
	for ((i = 0; i < ${#h}; i += 2)); do
		b=${h:i:2}
		if [[ $b =~ ^(3[0-9]|4[1-9a-f]|5[0-9a]|6[1-9a-f]|7[0-9a]|2d|2e|5f|7e)$ ]]; then
			printf -v c '%b' "\\x$b"
			out+=$c
		else
			out+=%${b^^}
		fi
	done
	printf %s "$out"
}
# How the update server logs a user name: printable ASCII but % and space
# kept, the rest %XX.
logged_user() {
	local h i b c out=''
	h=$(hex "$1")
	for ((i = 0; i < ${#h}; i += 2)); do
		b=${h:i:2}
		if ((16#$b >= 0x21 && 16#$b < 0x7f && 16#$b != 0x25)); then
			printf -v c '%b' "\\x$b"
			out+=$c
		else
			out+=%${b^^}
		fi
	done
	printf %s "$out"
}
enc=$(pct "$canary")
patterns=/etc/canary.patterns # in /etc: never searched, so never self-found
printf '%s\n' "$canary" "$enc" "${enc,,}" "$tag" >"$patterns"
[[ $enc == *%26* && $enc == *%E3%83%91* ]] || fail "the encoder is broken: $enc"

secret=/etc/ifupdown-transix/$WAN_IF.secret
mkdir -p /etc/ifupdown-transix
(umask 077 && printf '%s\n' "$canary" >"$secret")
isp_setup --user "$user" --password-file "$secret"
stanza() { # the password line: "transix-password-file F" or "transix-password P"
	cat >/etc/network/interfaces <<EOF
auto $WAN_IF
iface $WAN_IF inet6 auto
	dhcp 1
	iid $ROUTER_IID
	tunnel-remote $AFTR
	tunnel-address $FIXED_IP
	transix-user $user
	$1
	tunnel-wait 1
	transix-timeout 15
EOF
}

# no_leak_in_proc: the canary in no process's command line or environment.
no_leak_in_proc() {
	local hits f pid
	hits=$(grep -l -a -F -f "$patterns" /proc/[0-9]*/cmdline /proc/[0-9]*/environ 2>/dev/null) || :
	for f in $hits; do
		pid=${f#/proc/}
		pid=${pid%%/*}
		echo "LEAK: $f ($(cat "/proc/$pid/comm" 2>/dev/null))"
	done
	[[ -z $hits ]] || fail "the canary is in /proc: $hits"
}
# no_leak_in_files: ...nor in any file under /run /tmp /var/log (fresh for
# this scenario: syslog, the ISP's logs and state included) or any file in
# /var/lib written since the scenario began.
no_leak_in_files() {
	local hits
	hits=$({
		grep -r -l -a -D skip -F -f "$patterns" /run /tmp /var/log 2>/dev/null
		find /var/lib -type f -newer "$patterns" -exec grep -l -a -F -f "$patterns" {} + 2>/dev/null
	} || :)
	[[ -z $hits ]] || fail "the canary is in: $hits"
	assert_ok test -s /var/log/syslog
	assert_ok test -s "$ISP_RUN/update-requests.log"
}
no_leak_in_status() {
	local out
	out=$(router_exec transix-status "$WAN_IF" 2>&1) || :
	[[ $out == "$WAN_IF: "* ]] || fail "transix-status shows nothing: $out"
	out+=$(router_exec transix-status --json 2>&1) || :
	# The JSON parsed, every field there: the check below sees them all.
	status_json "$WAN_IF"
	assert_eq "${STATUS[interface]}" "$WAN_IF" "JSON interface"
	[[ $out != *"$tag"* && $out != *"$canary"* ]] || fail "the canary is in transix-status"
}

step "the detectors detect (a planted canary in a file and in an environment)"
printf 'x%sx\n' "$tag" >/tmp/planted
out=$( (no_leak_in_files) 2>&1) || :
[[ $out == *"the canary is in: "*/tmp/planted* ]] || fail "no_leak_in_files missed /tmp/planted: $out"
rm /tmp/planted
CANARY_PLANT=$canary sleep 300 &
planted=$!
# Until the exec, the child's /proc shows the parent's environment (a race
# that a busy machine loses).
exec_done() { [[ $(<"/proc/$planted/comm") == sleep ]]; }
wait_for 60 exec_done || fail "the planted sleep did not start"
out=$( (no_leak_in_proc) 2>&1) || :
[[ $out == *"LEAK: /proc/$planted/environ (sleep)"* ]] || fail "no_leak_in_proc missed a process environment: $out"
kill "$planted"
wait "$planted" 2>/dev/null || :

# check_while_registering [inline]: a registration request in flight (the
# update server hangs): /proc checks.
check_while_registering() {
	wait_for 60 pgrep -x transix-registe >/dev/null || fail "no transix-register running"
	wait_for 60 grep -q 'answer=hang$' "$ISP_RUN/update-requests.log" || fail "no hanging request"
	local sup reg
	sup=$(<"/run/ifupdown-transix/$WAN_IF.pid")
	reg=$(pgrep -x transix-registe)
	echo "transix-supervisor $sup, transix-register $reg in flight: checking /proc"
	grep -q -a "^IF_TRANSIX_USER=" <(tr '\0' '\n' <"/proc/$sup/environ") ||
		fail "cannot read the supervisor's environment (the check would prove nothing)"
	# Inline: the variable came in the supervisor's initial environment
	# (what /proc shows); only its value may have gone.
	if [[ ${1-} == inline ]]; then
		grep -q -a "^IF_TRANSIX_PASSWORD=" <(tr '\0' '\n' <"/proc/$sup/environ") ||
			fail "IF_TRANSIX_PASSWORD is not in the supervisor's initial environment"
	fi
	no_leak_in_proc
}

# check_registered: after the hang, the retry went through with the exact
# user and password, and the canary is nowhere.
check_registered() {
	local last
	# (transix-status, not checkip: the ISP may still route IPv4 to us from before.)
	wait_for 120 router_exec transix-status "$WAN_IF" >/dev/null || fail "never healthy"
	assert_eq "$(router_checkip)" "$FIXED_IP" "checkip"
	isp_update_requests
	assert_eq "$(isp_update_count)" 2 "requests"
	last=$(tail -n 1 "$ISP_RUN/update-requests.log")
	assert_eq "${last#* }" "$ROUTER_ADDR user=$(logged_user "$user") password=match answer=OK" "the server's view"
	no_leak_in_proc
	no_leak_in_files
	no_leak_in_status
}

step "password file: registration in flight"
stanza "transix-password-file $secret"
isp_update_script hang ok
router_exec ifup "$WAN_IF"
check_while_registering

step "password file: registered with the exact user and password"
check_registered

step "a password file others can read is refused"
router_exec ifdown "$WAN_IF"
chmod 644 "$secret"
rc=0
out=$(router_exec ifup "$WAN_IF" 2>&1) || rc=$?
echo "$out" | grep transix || :
((rc != 0)) || fail "ifup succeeded with a 0644 password file"
assert_match "$out" "transix-hook: iface $WAN_IF: option transix-password-file \"$secret\": mode 0644 lets others read it" "message"
assert_fail pgrep -x transix-supervi
chmod 600 "$secret"

step "inline transix-password: a warning; registration in flight"
stanza "transix-password $canary"
: >"$ISP_RUN/update-requests.log"
isp_update_script hang ok
rc=0
out=$(router_exec ifup "$WAN_IF" 2>&1) || rc=$?
echo "$out" | grep transix || :
assert_eq "$rc" 0 "ifup with transix-password"
assert_match "$out" "transix-hook: iface $WAN_IF: transix-password is readable by every user in /etc/network/interfaces; use transix-password-file" "warning"
check_while_registering inline

step "inline transix-password: registered; no leak"
check_registered
router_exec ifdown "$WAN_IF"
no_leak_in_files
