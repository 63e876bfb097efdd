#!/bin/bash
# Issue 11, OCN fixed IP (IPoE): GET /nic/update?hostname=U with HTTP Basic
# auth, DynDNS answers (good/nochg IP); the interface ID from the fixed
# address; the same request without Basic auth refused by the emulated
# server.  The common steps: test/lib/services.sh.
# uml-timeout: 300
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"
source "$TOP/test/lib/services.sh"

# The rule's iid ::cb:71:500:0, spelt so that $NGN_PREFIX$ROUTER_IID is
# the canonical address the logs print (2001:db8:1:1:cb:71:500:0).
export ROUTER_IID=:cb:71:500:0
isp_setup
service_acceptance ocn "--service generic --url http://ipoe-static.ocn.ad.jp/nic/update?hostname={user}" \
	'good|nochg' transix-service ocn iid from-address
