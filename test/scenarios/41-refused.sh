#!/bin/bash
# Failure classes: a wrong password is "refused" -- after REFUSED_FAST quick
# tries the supervisor waits an hour (not the 10-minute backoff), says
# "refused" in transix-status (text, JSON, exit status 2), and logs the
# failure once, not per attempt.  Fixing the password file is noticed at
# once (inotify): registered without waiting out the hour, and the
# registration follows the file change (an order of events, not a timer).
# uml-timeout: 240
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"
source "$TOP/test/lib/clock.sh"

isp_setup
secret=$(stanza_secret "wrong-$TRANSIX_PASSWORD")
stanza_write tunnel-wait 1

step "a wrong password: refused four times, then the slow policy"
router_exec ifup "$WAN_IF"
four() { (($(isp_update_count) >= 4)); }
# 5 + 10 + 20 s of backoff (+-20%) and four requests: generous.
wait_for 120 four || fail "only $(isp_update_count) requests"
slow() { router_exec transix-status --json "$WAN_IF" | grep -q '"failures": 4'; }
wait_for 30 slow || fail "no fourth failure in the status"
isp_update_requests
assert_match "$(isp_update_requests)" "^([0-9]+ $ROUTER_ADDR user=$TRANSIX_USER password=mismatch answer=NG"$'\n'"?){4}$" "four NG answers"
rc=0
status=$(router_exec transix-status "$WAN_IF") || rc=$?
json=$(router_exec transix-status --json "$WAN_IF") || :
echo "$status"
assert_eq "$rc" 2 "transix-status exit status: refused"
assert_match "$status" "registration +failed \(refused by the provider" "status text"
assert_match "$json" '"failure": "refused"' "JSON failure class"
next=$(sed -n 's/^next_retry=//p' "/run/ifupdown-transix/$WAN_IF.state")
echo "measured: next retry in $((next - EPOCHSECONDS)) s"
((next - EPOCHSECONDS >= 2400)) || fail "next retry in $((next - EPOCHSECONDS)) s, want about an hour"
grep -E 'transix-supervisor' /var/log/syslog
assert_eq "$(grep -cE "transix-supervisor\[[0-9]+\]: [^ ]+: registration of $ROUTER_ADDR failed" /var/log/syslog)" 1 "failure lines in syslog (one class, one line)"

step "the password file fixed: registered at once, after the change"
stanza_secret >/dev/null
wait_for 60 eval "router_exec transix-status $WAN_IF >/dev/null" || fail "not registered after the fix"
changed=$(syslog_us "transix-supervisor\[[0-9]+\]: [^ ]+: $secret changed: registering again now")
registered=$(syslog_us "transix-supervisor\[[0-9]+\]: [^ ]+: registered $ROUTER_ADDR: OK")
[[ -n $changed && -n $registered ]] || fail "no change or registration logged"
((registered > changed)) || fail "registered before the change was noticed"
echo "measured: file change noticed -> registered $(ms $((registered - changed))) s"
assert_eq "$(isp_update_count)" 5 "requests"
assert_eq "$(router_checkip)" "$FIXED_IP" "checkip"
