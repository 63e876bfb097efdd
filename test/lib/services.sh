# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Issue 11: the acceptance steps every registering service goes through,
# for the scenarios 7x-*.sh.  Source after isp.sh, assert.sh and stanza.sh.
#
#   service_acceptance NAME WRONG_FORM OK_RE STANZA_OPTION VALUE...
#       NAME            the service as the emulated server logs it
#       WRONG_FORM      transix-register arguments, space-separated ("--url
#                       URL", maybe "--service S ..."), that send the request
#                       in another form: the emulated server must refuse it
#                       (proves the test)
#       OK_RE           the server's answers that mean registered
#       the rest        options for stanza_write
#   It checks: a wrong password is refused (the "refused" class: the slow
#   policy); the password fixed -> IPv4 works, exactly one request, in the
#   service's form (the server's log line); the wrong form refused by the
#   server; a prefix change registers once more, from the new address.

# shellcheck disable=SC2016,SC2317 # eval'd conditions and functions for wait_for
REGISTER=/usr/libexec/ifupdown-transix/transix-register

# The server's log lines of this service that registered (answer ok_re).
_svc_ok_lines() { grep -cE " service=$1 user=$TRANSIX_USER password=match answer=($2)\$" "$ISP_RUN/update-requests.log" || :; }

service_acceptance() {
	local name=$1 wrong=$2 ok_re=$3
	shift 3
	local rc out old secret
	secret=$(stanza_secret "wrong-$TRANSIX_PASSWORD")
	stanza_write tunnel-wait 1 "$@"
	cat /etc/network/interfaces

	# (A registered supervisor does not look at the password file again:
	# the wrong password comes first, as with a mistyped one at install.)
	step "$name: a wrong password is refused (the slow policy), not retried at once"
	router_exec ifup "$WAN_IF"
	refused() { router_exec transix-status --json "$WAN_IF" | grep -q '"failure": "refused"'; }
	wait_for 60 refused || fail "not classified as refused"
	router_exec transix-status "$WAN_IF" || :
	isp_update_requests
	assert_match "$(isp_update_requests)" \
		"^[0-9]+ $ROUTER_ADDR service=$name user=$TRANSIX_USER password=mismatch answer=[^ ]+\$" \
		"the refused request, in $name's form"

	step "$name: the password fixed -> IPv4 through the tunnel, one request in $name's form"
	: >"$ISP_RUN/update-requests.log"
	stanza_secret >/dev/null
	wait_for 60 eval "router_checkip >/dev/null" || fail "no IPv4"
	assert_eq "$(router_checkip)" "$FIXED_IP" "checkip"
	isp_update_requests
	assert_match "$(isp_update_requests)" \
		"^[0-9]+ $ROUTER_ADDR service=$name user=$TRANSIX_USER password=match answer=($ok_re)\$" \
		"the one request"
	assert_eq "$(isp_registered_source)" "$ROUTER_ADDR" "the AFTR's tunnel"
	grep -q "$secret changed: registering again now" /var/log/syslog || fail "the change not noticed"

	step "$name: a request in the wrong form is refused by the emulated server"
	rc=0
	local -a wrongargs
	read -ra wrongargs <<<"$wrong"
	out=$(printf '%s\n' "$TRANSIX_PASSWORD" | router_exec "$REGISTER" --interface "$WAN_IF" \
		--source "$ROUTER_ADDR" --user "$TRANSIX_USER" "${wrongargs[@]}" 2>/dev/null) || rc=$?
	echo "wrong form: exit $rc: $out"
	assert_eq "$rc" 1 "exit status of the wrong form (refused)"
	assert_match "$(tail -n 1 "$ISP_RUN/update-requests.log")" " service=$name .* answer=[^ ]+\$" \
		"the wrong form reached the $name server"

	step "$name: prefix change -> registered once more, from the new address"
	old=$ROUTER_ADDR
	local before
	before=$(isp_update_count)
	isp_renumber 2001:db8:1:2::/64
	moved() { [[ $(isp_registered_source) == "$ROUTER_ADDR" ]]; }
	wait_for 90 moved || fail "not registered from $ROUTER_ADDR"
	wait_for 60 eval '[[ $(router_checkip) == "$FIXED_IP" ]]' || fail "no IPv4 after the change"
	isp_update_requests
	assert_eq "$(grep -c " $ROUTER_ADDR service=$name " "$ISP_RUN/update-requests.log")" 1 \
		"requests from the new address"
	assert_eq "$(isp_update_count)" $((before + 1)) "requests since the prefix change"
	assert_match "$(tail -n 1 "$ISP_RUN/update-requests.log")" \
		"^[0-9]+ $ROUTER_ADDR service=$name user=$TRANSIX_USER password=match answer=($ok_re)\$" \
		"the new request, in $name's form"
	assert_eq "$(_svc_ok_lines "$name" "$ok_re")" 2 "registrations in all"
	[[ $old != "$ROUTER_ADDR" ]] || fail "the address did not change"
}
