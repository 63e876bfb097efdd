#!/bin/bash
# shellcheck disable=SC2016 # eval'd conditions for wait_for
# HB46PP (issue 14) end to end, ipip, with the minimal stanza (inet6
# manual, transix-provision yes, user and password file): the answer gives
# the token (ipv6_local's interface ID), the tunnel (to ipv6_remote) and
# the fixed IPv4 address, and IPv4 works; the credentials went to the
# https server; transix-status shows the provider's names, the method, the
# TTL left and the next fetch.  Then, one guest for the timing:
#  - the TTL runs out: exactly one new fetch;
#  - an unchanged answer (fetched again on SIGHUP) changes nothing in the
#    kernel: one `ip monitor` sees no event of our tunnel or address, the
#    tunnel's ifindex stays;
#  - a prefix change: exactly one new fetch, the tunnel moves, IPv4 works;
#  - the server gone, then ifdown/ifup: the kept answer is used, IPv4 works.
# TTLs below 300 s are followed only with TRANSIX_TEST_PROVISION_MIN_TTL
# (set by a wrapper around the installed supervisor, as 41-refused does).
# uml-timeout: 420
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"
source "$TOP/test/lib/clock.sh"

V4=203.0.113.77		# not $FIXED_IP: it can only come from the answer
TTL1=20
KEPT=/var/lib/ifupdown-transix/$WAN_IF.hb46pp
tun=tx-$WAN_IF

isp_setup
isp_prov_setup
stanza_secret >/dev/null
stanza_write method manual -dhcp -iid -tunnel-remote -tunnel-address \
	transix-provision yes transix-provision-ca-file "$PROV_CA"
cat /etc/network/interfaces

bin=/usr/libexec/ifupdown-transix/transix-supervisor
mv "$bin" "$bin.real"
printf '#!/bin/bash\nTRANSIX_TEST_PROVISION_MIN_TTL=1 exec -a transix-supervisor %q "$@"\n' \
	"$bin.real" >"$bin"
chmod 755 "$bin"

# answer TTL: the ipip answer, given to the right user and password only
# ("bad" otherwise), with the AFTR side made by the server ("provision").
answer() {
	local ok='{"provision": true, "json": {"enabler_name": "Test VNE", "service_name": "FixedIP",
		"ttl": '$1', "auth": "ok", "order": ["ipip"], "ipip": [{"ipv6_local": "{prefix}::feed",
		"ipv6_remote": "'$AFTR'", "ipv4": "'$V4'"}]}}'
	echo '{"by_auth": {"user": "'$TRANSIX_USER'", "pass": "'$TRANSIX_PASSWORD'", "ok": '"$ok"',
		"bad": {"json": {"order": [], "auth": "bad"}}, "none": {"json": {"order": [], "auth": "req"}}}}'
}
# The first answer's TTL is short, the next ones' long.
isp_prov_script '{"prov.isp.test": ['"$(answer $TTL1)"', '"$(answer 3600)"']}'
count() { isp_prov_count prov.isp.test; }
tunnel_ifindex() { ip -n "$ROUTER_NS" -o link show "$tun" 2>/dev/null | cut -d: -f1; }
tunnel_local_is() {
	ip -n "$ROUTER_NS" -d link show "$tun" 2>/dev/null | grep -q "remote $AFTR local $1 "
}

step "ifup: provisioned; token, tunnel and fixed address from the answer; IPv4 works"
t0=$(us)
router_exec ifup "$WAN_IF"
wait_for 120 eval '[[ $(router_checkip 2 2>/dev/null) == "$V4" ]]' ||
	fail "no IPv4 from the provisioned address"
echo "measured: provisioning: ifup to IPv4 working $(ms $(($(us) - t0))) s (no kept answer, DNS by DHCPv6 first)"
assert_eq "$(router_checkip)" "$V4" "checkip"
assert_match "$(ip -n "$ROUTER_NS" token get dev "$WAN_IF")" "token ::feed dev" "token"
assert_ok tunnel_local_is "$ROUTER_ADDR"
assert_match "$(ip -n "$ROUTER_NS" -4 addr show dev "$tun")" "inet $V4/32" "tunnel address"
assert_eq "$(count)" 1 "fetches"
req=$(isp_prov_requests | jq -c 'select(.tls == null)' | tail -n 1)
assert_eq "$(jq -r '.scheme + " " + .query.user + " " + .query.pass' <<<"$req")" \
	"https $TRANSIX_USER present" "the credentials, over https"
assert_match "$(jq -r .source <<<"$req")" "^$NGN_PREFIX:" "the request left from the line's /64"
status_json "$WAN_IF"
assert_eq "${STATUS[provision]} ${STATUS[method]} ${STATUS[health]}" "ok ipip ok" "status"
assert_eq "${STATUS[enabler_name]}/${STATUS[service_name]}" "Test VNE/FixedIP" "names"
assert_eq "${STATUS[provision_server]} ${STATUS[provision_ttl]}" "prov.isp.test $TTL1" "server, ttl"
((STATUS[ttl_left] <= TTL1)) || fail "ttl_left ${STATUS[ttl_left]} > $TTL1"
((STATUS[next_fetch] > 0)) || fail "no next fetch"
assert_eq "${STATUS[registration]}" disabled "no separate registration"
assert_eq "$(isp_update_count)" 0 "requests to the update server"
text=$(router_exec transix-status "$WAN_IF") || fail "transix-status: exit $?"
echo "$text"
assert_match "$text" "answer +ipip from prov.isp.test \(Test VNE, FixedIP\); ttl ${TTL1}s, [0-9]+s left" \
	"status text"
assert_match "$text" "next fetch +[0-9]{4}-" "status text: next fetch"
assert_eq "$(stat -c %a "$KEPT")" 600 "the kept answer's mode"
ifindex=$(tunnel_ifindex)

step "the TTL runs out: exactly one new fetch, the next one an hour later"
wait_for 120 eval '(($(count) >= 2))' || fail "no fetch after the TTL ran out"
wait_for 60 eval 'status_json "$WAN_IF" && [[ ${STATUS[provision_ttl]} == 3600 ]]' ||
	fail "the second answer was not taken"
now=$EPOCHSECONDS
((STATUS[next_fetch] >= now + 3000)) || fail "next fetch in $((STATUS[next_fetch] - now)) s, want an hour"
syslog_sync
assert_eq "$(count)" 2 "fetches"
assert_eq "$(tunnel_ifindex)" "$ifindex" "the tunnel's ifindex"

step "an unchanged answer (fetched again on SIGHUP): nothing changes in the kernel"
monitor_start /tmp/events link address route
last=${STATUS[last_fetch]}
kill -HUP "$(<"/run/ifupdown-transix/$WAN_IF.pid")"
wait_for 60 eval '(($(count) >= 3))' || fail "no fetch on SIGHUP"
wait_for 60 eval 'status_json "$WAN_IF" && [[ ${STATUS[provision]} == ok && ${STATUS[last_fetch]} -ge $last && ${STATUS[fetch_result]} == ipip* ]]' ||
	fail "the refetch did not end"
monitor_sync /tmp/events
monitor_stop
# (The RAs refresh the lifetimes of <prefix>::feed: only its deletion,
# which a new token would cause, is news.)
events=$(grep -E "$tun|$V4|Deleted.*::feed" /tmp/events || :)
assert_eq "$events" "" "kernel events of our tunnel, its address, or <prefix>::feed deleted"
assert_match "$(ip -n "$ROUTER_NS" token get dev "$WAN_IF")" "token ::feed dev" "token"
assert_eq "$(tunnel_ifindex)" "$ifindex" "the tunnel's ifindex"
assert_eq "$(count)" 3 "fetches"
assert_eq "$(router_checkip)" "$V4" "checkip"

step "a prefix change: exactly one new fetch, the tunnel moves, IPv4 works"
isp_renumber 2001:db8:1:2::/64
wait_for 120 tunnel_local_is "$ROUTER_ADDR" || fail "the tunnel did not move to $ROUTER_ADDR"
wait_for 120 eval '[[ $(router_checkip 2 2>/dev/null) == "$V4" ]]' ||
	fail "no IPv4 after the prefix change"
syslog_sync
assert_eq "$(count)" 4 "fetches"
req=$(isp_prov_requests | jq -c 'select(.tls == null)' | tail -n 1)
assert_match "$(jq -r .source <<<"$req")" "^2001:db8:1:2:" "the new fetch's source"

step "the server gone, then ifdown/ifup: the kept answer is used, IPv4 works"
kill "$(<"$ISP_RUN/prov-server.pid")"
router_exec ifdown "$WAN_IF"
assert_fail ip -n "$ROUTER_NS" link show "$tun"
assert_ok test -s "$KEPT"
t0=$(us)
router_exec ifup "$WAN_IF"
wait_for 120 eval '[[ $(router_checkip 2 2>/dev/null) == "$V4" ]]' ||
	fail "no IPv4 from the kept answer"
echo "measured: provisioning: ifup to IPv4 working with the kept answer, server gone $(ms $(($(us) - t0))) s"
wait_for 60 eval 'status_json "$WAN_IF" && [[ ${STATUS[provision]} == failed ]]' ||
	fail "the fetch did not fail"
assert_eq "${STATUS[provision_class]} ${STATUS[method]} ${STATUS[health]}" "temporary ipip degraded" \
	"status: the kept answer in use"
assert_match "$(grep -F "$WAN_IF: using the kept answer: ipip $V4/32" /var/log/syslog)" "kept answer" \
	"the log says so"
text=$(router_exec transix-status "$WAN_IF") && fail "transix-status: exit 0 while degraded"
echo "$text"
assert_match "$text" "provisioning +failed \(no answer or a bad one" "status text"
