#!/bin/bash
# Issue 11, an unlisted reseller with its own update server: the generic
# form (a URL template with {user}, {password}, {address}; success word
# SUCCESS), against an emulated reseller that checks addr= is the request's
# own source.  The same without the address is refused.  The password stays
# out of argv, logs and state files.  The common steps: test/lib/services.sh.
# uml-timeout: 300
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"
source "$TOP/test/lib/services.sh"

isp_setup
service_acceptance generic \
	"--service generic --success SUCCESS --url http://reseller.example/reseller/update?login={user}&key={password}" \
	SUCCESS transix-service generic transix-success SUCCESS \
	transix-update-url 'http://reseller.example/reseller/update?login={user}&key={password}&addr={address}'

step "the password in no log, state file or command line"
! grep -rF "$TRANSIX_PASSWORD" /var/log/syslog /run/ifupdown-transix "$ISP_RUN/update-requests.log" ||
	fail "the password leaked"
