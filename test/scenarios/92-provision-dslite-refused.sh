#!/bin/bash
# shellcheck disable=SC2016 # eval'd conditions for wait_for
# HB46PP (issue 14) end to end, DS-Lite and refusals, one guest:
#  - an answer whose order starts with a method we don't do (map_e) and
#    offers dslite next: DS-Lite is chosen, the AFTR's name resolved with
#    the line's DNS, B4 192.0.0.2, and IPv4 works through the AFTR's NAT;
#    transix-status says dslite;
#  - the kept answer forgotten (transix-provision --forget), a wrong
#    password: auth bad -> "refused" in the status (exit status 2), the
#    next fetch about an hour away (not retried fast), one fetch only;
#  - the password file corrected: fetched again at once, and it works;
#  - transix-provision-server: when the TXT record names another host, the
#    credentials are not sent there (the request goes, without them).
# uml-timeout: 300
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"

KEPT=/var/lib/ifupdown-transix/$WAN_IF.hb46pp
tun=tx-$WAN_IF

isp_setup
isp_prov_setup
count() { isp_prov_count prov.isp.test; }

step "order [map_e, dslite, ipip]: DS-Lite, and IPv4 through the AFTR"
stanza_write method manual -dhcp -iid -tunnel-remote -tunnel-address -transix-user \
	-transix-password-file transix-provision yes transix-provision-ca-file "$PROV_CA"
cat /etc/network/interfaces
isp_prov_script '{"prov.isp.test": {"json": {"enabler_name": "Test VNE", "service_name": "DS-Lite",
	"ttl": 3600, "order": ["map_e", "dslite", "ipip"],
	"map_e": {"br": "2001:db8:ffff::160", "rules": []},
	"dslite": {"aftr": "dslite.aftr.test"},
	"ipip": [{"ipv6_local": "{prefix}::feed", "ipv6_remote": "'$AFTR'", "ipv4": "203.0.113.77"}]}}}'
router_exec ifup "$WAN_IF"
local_of() { ip -n "$ROUTER_NS" -d link show "$tun" 2>/dev/null | sed -n 's/.* local \([0-9a-f:]*\) .*/\1/p'; }
wait_for 120 eval '[[ -n $(local_of) && $(local_of) != "::" ]]' || fail "no tunnel"
ip -n "$ROUTER_NS" -d link show "$tun"
b4=$(local_of)
assert_match "$(ip -n "$ROUTER_NS" -d link show "$tun")" "remote $DSLITE_AFTR " "the AFTR, by name"
assert_match "$(ip -n "$ROUTER_NS" -4 addr show dev "$tun")" "inet 192\.0\.0\.2/32" "B4 address"
assert_eq "$(ip -n "$ROUTER_NS" token get dev "$WAN_IF" | cut -d' ' -f2)" "::" "no token for DS-Lite"
isp_dslite_aftr "$b4"
wait_for 60 eval '[[ $(router_checkip 2 2>/dev/null) == "$ISP_INET_ADDR" ]]' ||
	fail "no IPv4 through the AFTR"
status_json "$WAN_IF"
assert_eq "${STATUS[provision]} ${STATUS[method]} ${STATUS[health]}" "ok dslite ok" "status"
assert_eq "${STATUS[service_name]} ${STATUS[remote]}" "DS-Lite dslite.aftr.test" "status: service, AFTR"
assert_eq "$(count)" 1 "fetches"
req=$(isp_prov_requests | jq -c 'select(.tls == null)' | tail -n 1)
assert_eq "$(jq -r '.query.user // "absent"' <<<"$req")" absent "no credentials configured, none sent"

step "the kept answer forgotten, a wrong password: refused, not retried fast"
router_exec ifdown "$WAN_IF"
assert_ok test -s "$KEPT"
/usr/libexec/ifupdown-transix/transix-provision --forget --interface "$WAN_IF"
assert_fail test -e "$KEPT"
secret=$(stanza_secret wrong-password)
stanza_write method manual -dhcp -iid -tunnel-remote -tunnel-address \
	transix-provision yes transix-provision-ca-file "$PROV_CA" tunnel-wait 0 \
	transix-provision-server prov.isp.test
isp_prov_script '{"prov.isp.test": {"by_auth": {"user": "'$TRANSIX_USER'", "pass": "'$TRANSIX_PASSWORD'",
	"ok": {"json": {"ttl": 3600, "auth": "ok", "order": ["dslite"], "dslite": {"aftr": "dslite.aftr.test"}}},
	"bad": {"json": {"ttl": 3600, "auth": "bad", "order": []}},
	"none": {"json": {"auth": "req", "order": []}}}}}'
base=$(count)
router_exec ifup "$WAN_IF"
# tunnel-wait 0: ifup returns before the supervisor's first state file.
wait_for 60 test -e "/run/ifupdown-transix/$WAN_IF.state" || fail "no state file"
wait_for 120 eval 'status_json "$WAN_IF" && [[ ${STATUS[provision]} == failed ]]' ||
	fail "the fetch did not fail"
assert_eq "$STATUS_RC" 2 "transix-status --json: exit status (refused)"
assert_eq "${STATUS[provision_class]} ${STATUS[health]} ${STATUS[method]}" "refused down " "status"
now=$EPOCHSECONDS
echo "measured: next fetch in $((STATUS[next_fetch] - now)) s"
((STATUS[next_fetch] >= now + 2400)) || fail "next fetch in $((STATUS[next_fetch] - now)) s, want about an hour"
text=$(router_exec transix-status "$WAN_IF") && fail "transix-status: exit 0 while refused"
echo "$text"
assert_match "$text" "provisioning +failed \(refused by the provisioning server: check transix-user and the password\)" \
	"status text"
assert_match "$text" "last fetch .*authentication failed" "status text: why"
syslog_sync
assert_eq "$(($(count) - base))" 1 "fetches"
assert_eq "$(grep -cE "transix-supervisor\[[0-9]+\]: [^ ]+: provisioning failed: .*\(refused\)" /var/log/syslog)" 1 \
	"the refusal logged once"
assert_fail ip -n "$ROUTER_NS" link show "$tun"
assert_fail grep -rF wrong-password /var/log/syslog /run/ifupdown-transix

step "the password file corrected: fetched again at once, DS-Lite up"
stanza_secret >/dev/null
wait_for 60 eval 'status_json "$WAN_IF" && [[ ${STATUS[provision]} == ok ]]' ||
	fail "no fetch after the password file changed"
wait_for 60 eval '[[ -n $(local_of) && $(local_of) != "::" ]]' || fail "no tunnel"
assert_eq "$(($(count) - base))" 2 "fetches"
req=$(isp_prov_requests | jq -c 'select(.tls == null)' | tail -n 1)
assert_eq "$(jq -r '.query.user + " " + .query.pass' <<<"$req")" "$TRANSIX_USER present" "credentials sent"
assert_eq "$secret" "/etc/ifupdown-transix/$WAN_IF.secret" "the password file"

step "transix-provision-server: the TXT record's other host gets no credentials"
isp_prov_txt "v=v6mig-1 url=https://prov2.isp.test/config t=b"
isp_prov_script '{"default": {"by_auth": {"user": "'$TRANSIX_USER'", "pass": "'$TRANSIX_PASSWORD'",
	"ok": {"json": {"ttl": 3600, "auth": "ok", "order": ["dslite"], "dslite": {"aftr": "dslite.aftr.test"}}},
	"bad": {"json": {"auth": "bad", "order": []}}, "none": {"json": {"auth": "req", "order": []}}}}}'
kill -HUP "$(<"/run/ifupdown-transix/$WAN_IF.pid")"
wait_for 60 eval '(($(isp_prov_count prov2.isp.test) >= 1))' || fail "no request to prov2.isp.test"
req=$(isp_prov_requests | jq -c 'select(.tls == null)' | tail -n 1)
assert_eq "$(jq -r '.listener + " " + (.query.user // "absent") + " " + (.query.pass // "absent")' <<<"$req")" \
	"prov2.isp.test absent absent" "the request to the other host"
