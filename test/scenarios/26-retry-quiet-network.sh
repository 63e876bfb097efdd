#!/bin/bash
# A registration retry on a quiet network: the update server refuses the
# first request, and after that nothing happens on the link (no RA: a real
# NGN advertises rarely).  The retry after the backoff must complete on its
# own -- its answer read as soon as transix-register exits -- and not wait
# for some unrelated netlink event to wake the supervisor.  How soon after
# the retry its OK was taken in is printed ("measured:"), not asserted.
# uml-timeout: 200
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"
source "$TOP/test/lib/clock.sh"

isp_setup
stanza_secret >/dev/null
stanza_write tunnel-wait 2
isp_update_script ng ok

step "ifup: the first request is refused; then the ISP goes quiet (no more RAs)"
router_exec ifup "$WAN_IF"
wait_for 60 grep -q 'answer=NG$' "$ISP_RUN/update-requests.log" || fail "no first request"
isp_ra_stop

step "the retry (after 5 s +-20%) completes by itself"
two_requests() { (($(isp_update_count) == 2)); }
wait_for 120 two_requests || fail "no retry within 120 s"
wait_for 120 router_exec transix-status "$WAN_IF" >/dev/null || :
grep -E 'transix-supervisor' /var/log/syslog
mapfile -t starts < <(syslog_times "transix-supervisor\[[0-9]+\]: [^ ]+: registering $ROUTER_ADDR ")
mapfile -t done_ < <(syslog_times "transix-supervisor\[[0-9]+\]: [^ ]+: registered $ROUTER_ADDR: OK")
((${#starts[@]} == 2)) || fail "${#starts[@]} attempts logged, want 2"
((${#done_[@]} == 1)) || fail "the retry's OK was never taken in (the supervisor still says: $(router_exec transix-status "$WAN_IF" | sed -n 's/^  status *//p'))"
echo "measured: retry started -> its OK taken in $(ms $((done_[0] - starts[1]))) s"
((done_[0] >= starts[1])) || fail "OK taken in before the retry started"
assert_eq "$(router_checkip)" "$FIXED_IP" "checkip"
