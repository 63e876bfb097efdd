#!/bin/bash
# HB46PP (issue 14), the program alone: transix-provision run in the router
# against the emulated provisioning server (test/isp/provision-server.py,
# https with a CA made now, the TXT record of 4over6.info from the ISP's
# DNS).  ipip, dslite, an unsupported method first; auth bad -> 1; a 307
# to another host gets no credentials, nor does an http URL; a certificate
# for another name gets nothing at all (111); hostile answers (huge, deep,
# wrong types, ttl out of range, addresses not ours) -> 111, a clear line,
# the kept answer untouched; no TXT record -> 2, a dead DNS server -> 3.
# The state file: written only on success, mode 0600, never the password.
# uml-timeout: 240
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"

PROG=/usr/libexec/ifupdown-transix/transix-provision
STATE=/var/lib/ifupdown-transix/$WAN_IF.hb46pp
PW=hb46pp-Secret_9
PWFILE=/tmp/hb46pp.pw
USER_NAME=cust-001
printf '%s\n' "$PW" >"$PWFILE"
chmod 600 "$PWFILE"

isp_setup
isp_prov_setup
router_vlan_add
ip -n "$ROUTER_NS" -batch - <<-EOF
	link set $WAN_IF up
	address add $ROUTER_ADDR/64 dev $WAN_IF nodad
	route add 2001:db8:ffff::/48 via $ISP_LINK_ADDR
EOF

# prov [ARG...]: one run with the line's DNS, our CA and the credentials
# (the password on fd 3); sets RC, OUT (stdout), ERR (stderr).
prov() {
	RC=0
	OUT=$(router_exec "$PROG" --interface "$WAN_IF" --source "$ROUTER_ADDR" --dns "$DNS6" \
		--ca-file "$PROV_CA" --user "$USER_NAME" --password-fd 3 "$@" \
		3<"$PWFILE" 2>/tmp/prov.err) || RC=$?
	ERR=$(</tmp/prov.err)
	echo "rc=$RC out=$OUT${ERR:+ err=$ERR}"
}
# last [N]: the Nth last request the server received (1 = the last).
last() { isp_prov_requests | jq -c 'select(.tls == null)' | tail -n "${1:-1}" | head -n 1; }
field() { jq -r "$1 // \"absent\"" <<<"$2"; }
state_sum() { if [[ -e $STATE ]]; then sha256sum "$STATE"; else echo none; fi; }

IPIP='"ipip": [{"ipv6_local": "{prefix}::feed", "ipv6_remote": "'$AFTR'", "ipv4": "203.0.113.5"}]'
TOKEN=640756965820d3b9025b6941f9590af6802830ba58663fe8f043dc92b576f17a

step "a bad answer first: nothing is kept"
isp_prov_script '{"prov.isp.test": {"body": "not json"}}'
prov
assert_eq "$RC" 111 "exit status"
assert_match "$ERR" "transix-provision: $WAN_IF: bad answer from prov.isp.test: not JSON" "stderr"
assert_fail test -e "$STATE"

step "ipip: parsed, chosen, kept (0600, no password); the request as the spec says"
isp_prov_script '{"prov.isp.test": {"json": {"enabler_name": "Test VNE", "service_name": "固定IP",
	"ttl": 3600, "token": "'$TOKEN'", "auth": "ok", "order": ["ipip"], '"$IPIP"'}}}'
prov
assert_eq "$RC" 0 "exit status"
assert_eq "$OUT" "ipip 203.0.113.5/32 local $ROUTER_ADDR remote $AFTR ttl 3600 auth ok from prov.isp.test (Test VNE, 固定IP)" "summary"
assert_eq "$ERR" "" "stderr"
assert_eq "$(stat -c '%a %U' "$STATE")" "600 root" "state file mode"
assert_ok grep -qx "method=ipip" "$STATE"
assert_ok grep -qx "ipv6_local=$ROUTER_ADDR" "$STATE"
assert_ok grep -qx "token=$TOKEN" "$STATE"
assert_fail grep -qF "$PW" "$STATE"
req=$(last)
assert_eq "$(field .scheme "$req")" https "scheme"
assert_eq "$(field .source "$req")" "$ROUTER_ADDR" "source address"
assert_eq "$(field .path "$req")" /config "path"
assert_eq "$(jq -c '.query | del(.pass)' <<<"$req")" \
	'{"capability":"dslite,ipip","product":"ifupdown-transix","user":"'$USER_NAME'","vendorid":"acde48-ifupdown_transix","version":"'"$(field .query.version "$req")"'"}' "query"
assert_match "$(field .query.version "$req")" '^[0-9_]{1,32}$' "version"
assert_eq "$(field .query.pass "$req")" present "pass sent to the verified https server"

step "the test server's AFTR side of an ipip answer (for the end-to-end scenarios)"
isp_prov_script '{"prov.isp.test": {"provision": true, "json": {"ttl": 3600, "token": "'$TOKEN'",
	"order": ["ipip"], '"$IPIP"'}}}'
prov
assert_eq "$RC" 0 "exit status"
assert_match "$(ip -n "$ISP_NS" -d link show prov-1)" "remote $ROUTER_ADDR local $AFTR " "AFTR tunnel"
assert_match "$(ip -n "$ISP_NS" -4 route show 203.0.113.5)" "dev prov-1" "route of the fixed address"

step "the token of the kept answer goes back; dslite"
isp_prov_script '{"prov.isp.test": {"json": {"ttl": 60, "order": ["dslite"], "dslite": {"aftr": "dslite.aftr.test"}}}}'
prov
assert_eq "$RC" 0 "exit status"
assert_eq "$(field .query.token "$(last)")" "$TOKEN" "token sent back"
assert_match "$OUT" "^dslite aftr dslite.aftr.test ttl 60 auth none from prov.isp.test$" "summary"
assert_ok grep -qx "method=dslite" "$STATE"
assert_ok grep -qx "aftr=dslite.aftr.test" "$STATE"

step "an unsupported method first: the next supported one"
isp_prov_script '{"prov.isp.test": {"json": {"order": ["map_e", "lw4o6", "ipip", "dslite"],
	"map_e": {"br": "2001:db8::1", "rules": []}, "dslite": {"aftr": "dslite.aftr.test"}, '"$IPIP"'}}}'
prov
assert_eq "$RC" 0 "exit status"
assert_match "$OUT" "^ipip 203.0.113.5/32 " "summary"
assert_ok grep -qx "method=ipip" "$STATE"

step "auth bad: refused (1), the kept answer untouched"
isp_prov_script '{"prov.isp.test": {"by_auth": {"user": "'$USER_NAME'", "pass": "another",
	"ok": {"json": {"order": ["ipip"], "auth": "ok", '"$IPIP"'}},
	"bad": {"json": {"order": [], "auth": "bad"}}, "none": {"json": {"order": [], "auth": "req"}}}}}'
before=$(state_sum)
prov
assert_eq "$RC" 1 "exit status"
assert_match "$ERR" "authentication failed \(auth: bad\) from prov.isp.test" "stderr"
assert_eq "$(state_sum)" "$before" "state file"
# auth bad with a method offered all the same (the spec allows it): still
# refused, nothing kept: the credentials are wrong, that must show.
isp_prov_script '{"prov.isp.test": {"json": {"order": ["ipip"], "auth": "bad", '"$IPIP"'}}}'
prov
assert_eq "$RC" 1 "exit status"
assert_match "$ERR" "authentication failed \(auth: bad\) at prov.isp.test" "stderr"
assert_eq "$(state_sum)" "$before" "state file"
isp_prov_script '{"prov.isp.test": {"json": {"order": ["map_t"], "map_t": {}}}}'
prov
assert_eq "$RC" 1 "nothing for us: exit status"
assert_match "$ERR" "nothing for us from prov.isp.test: order offers no method we support" "stderr"
isp_prov_script '{"prov.isp.test": {"status": 403}}'
prov
assert_eq "$RC" 1 "403: exit status"
assert_eq "$(state_sum)" "$before" "state file"

step "307 to another host: followed, no credentials there"
isp_prov_script '{"prov.isp.test": {"status": 307, "location": "https://prov2.isp.test/v2?x=1&user=u&pass=p"},
	"prov2.isp.test": {"json": {"order": ["ipip"], '"$IPIP"'}}}'
prov
first=$(last 2) second=$(last 1)
assert_eq "$(field .listener "$first")/$(field .query.pass "$first")" prov.isp.test/present "first request"
assert_eq "$(field .listener "$second")" prov2.isp.test "second request"
assert_eq "$(field .query.user "$second")/$(field .query.pass "$second")/$(field .query.x "$second")" \
	absent/absent/1 "second request: no user, no pass (not even the Location's), the server's own x=1"
assert_eq "$RC" 0 "exit status"
assert_match "$OUT" "from prov2.isp.test \(credentials not sent to prov2.isp.test: not the configured server\)$" "summary"
assert_ok grep -qx "server=prov2.isp.test" "$STATE"

step "a 307 whose Location holds our password (encoded): not followed, 111"
isp_prov_script '{"prov.isp.test": {"status": 307, "location": "https://prov2.isp.test/h%62%34%36pp-Secret_9/x"}}'
n0=$(isp_prov_count prov2.isp.test)
prov
assert_eq "$RC" 111 "exit status"
assert_match "$ERR" "HTTP 307 from prov.isp.test to a URL holding our password: not followed" "stderr"
assert_eq "$(isp_prov_count prov2.isp.test)" "$n0" "requests to prov2"

step "endless 307s: 111"
isp_prov_script '{"prov.isp.test": {"status": 307, "location": "https://prov.isp.test/again"}}'
n0=$(isp_prov_count)
prov
assert_eq "$RC" 111 "exit status"
assert_match "$ERR" "more than 4 redirects" "stderr"
assert_eq "$(($(isp_prov_count) - n0))" 5 "requests"

step "a configured server name: the TXT record's other host gets no credentials"
isp_prov_txt "v=v6mig-1 url=https://prov2.isp.test/config t=b"
isp_prov_script '{"default": {"json": {"order": ["dslite"], "dslite": {"aftr": "dslite.aftr.test"}}}}'
prov --server prov.isp.test
assert_eq "$RC" 0 "exit status"
assert_eq "$(field .listener "$(last)")/$(field .query.user "$(last)")/$(field .query.pass "$(last)")" \
	prov2.isp.test/absent/absent "request to prov2"
isp_prov_txt "v=v6mig-1 url=https://prov.isp.test/config t=b"
prov --server prov.isp.test
assert_eq "$(field .listener "$(last)")/$(field .query.pass "$(last)")" prov.isp.test/present "request to prov"
prov --server https://prov2.isp.test/direct
assert_eq "$(field .path "$(last)")/$(field .query.pass "$(last)")" /direct/present "--server URL: no discovery"

step "a TXT record in several strings (as a long one must be): concatenated"
isp_prov_txt "v=v6mig-1 url=https://prov.isp.test/con" "fig/split t=b"
prov
assert_eq "$RC" 0 "exit status"
assert_eq "$(field .path "$(last)")" /config/split "path"
isp_prov_txt "v=spf1 -all"
prov
assert_eq "$RC/$ERR" "3/transix-provision: $WAN_IF: the TXT record of 4over6.info is not a v6mig-1 one: unknown version v=spf1" "another TXT record"

step "an http URL (t=a) with credentials configured: not sent"
isp_prov_txt "v=v6mig-1 url=http://prov.isp.test/config t=a"
prov
assert_eq "$RC" 0 "exit status"
req=$(last)
assert_eq "$(field .scheme "$req")/$(field .query.user "$req")/$(field .query.pass "$req")" http/absent/absent "request"
assert_match "$OUT" "credentials not sent to prov.isp.test: not https" "summary"
isp_prov_txt "v=v6mig-1 url=https://prov.isp.test/config t=a"
prov
req=$(last)
assert_eq "$(field .scheme "$req")/$(field .query.pass "$req")" https/absent "https unverified (t=a)"

step "a certificate for another name: nothing sent, 111"
isp_prov_txt "v=v6mig-1 url=https://wrong.isp.test/config t=b"
before=$(state_sum) n0=$(isp_prov_count) t0=$(isp_prov_tls_failures wrong.isp.test)
prov
assert_eq "$RC" 111 "exit status"
assert_match "$ERR" "TLS: cannot verify wrong.isp.test's certificate: nothing sent" "stderr"
assert_eq "$(isp_prov_count)" "$n0" "requests received"
assert_eq "$(isp_prov_tls_failures wrong.isp.test)" "$((t0 + 1))" "connections without a request"
assert_eq "$(state_sum)" "$before" "state file"

step "hostile answers: 111, one clear line each, the kept answer untouched"
isp_prov_txt "v=v6mig-1 url=https://prov.isp.test/config t=b"
hostile() {
	isp_prov_script '{"prov.isp.test": '"$1"'}'
	prov
	assert_eq "$RC" 111 "exit status ($1)"
	assert_match "$ERR" "^transix-provision: $WAN_IF: bad answer from prov.isp.test: $2\$" "stderr"
	assert_eq "$(state_sum)" "$before" "state file"
}
hostile '{"huge": 1000000}' "larger than 262144 bytes"
hostile '{"deep": 5000}' "JSON nested deeper than 16"
hostile '{"json": {"order": "ipip"}}' "order is not an array"
hostile '{"json": {"order": ["ipip"], "ttl": "3600", '"$IPIP"'}}' "ttl is not an integer"
hostile '{"json": {"order": ["ipip"], "ttl": 604801, '"$IPIP"'}}' "ttl 604801 out of range 1..604800"
hostile '{"json": {"order": ["ipip"], "ipip": [{"ipv6_local": "2001:db8:9:9::feed",
	"ipv6_remote": "'$AFTR'", "ipv4": "203.0.113.5"}]}}' \
	"ipip: no ipv6_local in our prefix \(of $NGN_PREFIX::/64\)"
hostile '{"json": {"order": ["ipip"], "ipip": [{"ipv6_local": "{prefix}::feed",
	"ipv6_remote": "ff02::1", "ipv4": "203.0.113.5"}]}}' \
	"ipip: ipv6_remote ff02::1 is not a unicast IPv6 address"
hostile '{"json": {"order": ["ipip"], "ipip": [{"ipv6_local": "{prefix}::feed",
	"ipv6_remote": "'$AFTR'", "ipv4": "0.0.0.0/0"}]}}' \
	"ipip: ipv4 0.0.0.0/0 is not a public IPv4 address or an aligned block /24 to /32"
isp_prov_script '{"prov.isp.test": {"status": 500}}'
prov
assert_eq "$RC/$ERR" "111/transix-provision: $WAN_IF: HTTP 500 from prov.isp.test" "HTTP 500"
assert_eq "$(state_sum)" "$before" "state file"

step "no TXT record: 2; a DNS server that does not answer: 3"
isp_prov_txt --none
prov
assert_eq "$RC" 2 "exit status"
assert_match "$ERR" "no TXT record for 4over6.info \(NXDOMAIN\)" "stderr"
RC=0
router_exec "$PROG" --interface "$WAN_IF" --source "$ROUTER_ADDR" --dns 2001:db8:ffff::99 \
	>/dev/null 2>/tmp/prov.err || RC=$?
assert_eq "$RC" 3 "dead DNS: exit status"
assert_match "$(</tmp/prov.err)" "DNS lookup of 4over6.info TXT failed" "stderr"
assert_eq "$(state_sum)" "$before" "state file"

step "forget: the kept answer removed"
RC=0
router_exec "$PROG" --forget --interface "$WAN_IF" >/dev/null || RC=$?
assert_eq "$RC" 0 "exit status"
assert_fail test -e "$STATE"
