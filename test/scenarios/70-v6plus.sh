#!/bin/bash
# Issue 11, v6plus fixed IP (JPIX): GET /update?user=U&pass=P; the interface
# ID from the fixed address (203.0.113.5 -> ::cb:71:500:0, "iid
# from-address"); transix's username=/password= refused by the emulated
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
service_acceptance v6plus "--url http://fcs.enabler.ne.jp/update" OK \
	transix-service v6plus iid from-address
