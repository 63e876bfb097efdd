#!/bin/bash
# Failure classes: a wrong password is "refused" -- after REFUSED_FAST quick
# tries the supervisor waits an hour (not the 10-minute backoff), says
# "refused" in transix-status (text, JSON, exit status 2), and logs the
# failure once, not per attempt.  Fixing the password file is noticed at
# once (inotify): registered without waiting out the hour, and the
# registration follows the file change (an order of events, not a timer).
# Then "an hour" of NG at a test pace (TRANSIX_TEST_REFUSED_RETRY, set
# through a wrapper: ifupdown gives hooks no environment of ours): several
# slow retries, "refused" in every status sample, and syslog's failure line
# still once; then the file fixed.
# uml-timeout: 420
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

step "an hour of NG at a test pace: refused all along, one syslog line"
router_exec ifdown "$WAN_IF"
bin=/usr/libexec/ifupdown-transix/transix-supervisor
pace=12		# seconds for the hour: 300 times faster
mv "$bin" "$bin.real"
printf '#!/bin/bash\nTRANSIX_TEST_REFUSED_RETRY=%d exec -a transix-supervisor %q "$@"\n' \
	"$pace" "$bin.real" >"$bin"
chmod 755 "$bin"
base_log=$(wc -l </var/log/syslog)
base=$(isp_update_count)
newlog() { tail -n +"$((base_log + 1))" /var/log/syslog; }
router_exec ifup "$WAN_IF"
assert_match "$(newlog)" "TRANSIX_TEST_REFUSED_RETRY=$pace: refused registrations retried every $pace s" \
	"the knob is in effect"
# 4 fast tries (5 + 10 + 20 s) and then 4 slow ones: four emulated hours.
# Every status sample from the first refusal on says "refused".
samples=0 bad=0
enough() { (($(isp_update_count) - base >= 8)); }
first() { router_exec transix-status --json "$WAN_IF" | grep -q '"failure": "refused"'; }
wait_for 60 first || fail "no refusal"
deadline=$((SECONDS + 400))
until enough; do
	((SECONDS < deadline)) || fail "only $(($(isp_update_count) - base)) requests"
	json=$(router_exec transix-status --json "$WAN_IF") || :
	samples=$((samples + 1))
	grep -q '"failure": "refused"' <<<"$json" || { bad=$((bad + 1)); echo "$json"; }
	sleep 0.5
done
echo "measured: $samples status samples over $(($(isp_update_count) - base)) refused requests"
assert_eq "$bad" 0 "status samples not saying refused"
slow_times=$(isp_update_requests | tail -n 4 | cut -d' ' -f1)
echo "slow retries at (server clock): $(echo $slow_times)"
assert_eq "$(newlog | grep -cE "transix-supervisor\[[0-9]+\]: [^ ]+: registration of $ROUTER_ADDR failed")" 1 \
	"failure lines in syslog over the emulated hours (one class, one line)"
rc=0
router_exec transix-status "$WAN_IF" >/dev/null || rc=$?
assert_eq "$rc" 2 "transix-status exit status: refused"
base=$(isp_update_count)

step "the password file fixed: registered at once, after the change"
stanza_secret >/dev/null
wait_for 60 eval "router_exec transix-status $WAN_IF >/dev/null" || fail "not registered after the fix"
changed=$(syslog_us "transix-supervisor\[[0-9]+\]: [^ ]+: $secret changed: registering again now")
registered=$(syslog_us "transix-supervisor\[[0-9]+\]: [^ ]+: registered $ROUTER_ADDR: OK")
[[ -n $changed && -n $registered ]] || fail "no change or registration logged"
((registered > changed)) || fail "registered before the change was noticed"
echo "measured: file change noticed -> registered $(ms $((registered - changed))) s"
# One request for the fix (plus, at most, a slow retry that was already
# on its way when the file changed); the last one is the good one.
(($(isp_update_count) - base >= 1 && $(isp_update_count) - base <= 2)) ||
	fail "$(($(isp_update_count) - base)) requests after the fix"
assert_match "$(isp_update_requests | tail -n 1)" "answer=OK" "the last request"
assert_eq "$(router_checkip)" "$FIXED_IP" "checkip"
