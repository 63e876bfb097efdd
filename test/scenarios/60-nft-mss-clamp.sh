#!/bin/bash
# Issue 10: MSS clamping, on by default.  A LAN host (MTU 1500) behind the
# router downloads 1 MB from the internet while the ISP drops the ICMP
# "fragmentation needed" its AFTR sends for the 1460-byte tunnel (a path-MTU
# black hole).  With the clamp the download completes; with
# "tunnel-mss-clamp no" the same download stalls -- which proves the test.
# The stall is detected by curl's low-speed limit (under 1000 B/s for 15 s)
# and a 60 s ceiling: only a stall reaches them.
# uml-needs: nftables
# uml-timeout: 240
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"
source "$TOP/test/lib/clock.sh"
source "$TOP/test/lib/nft.sh"

isp_setup
nft_lan_setup
inet_http_start
isp_drop_frag_needed
stanza_secret >/dev/null
MB=1048576

step "clamp on (the default), NAT on: ifup"
stanza_write tunnel-nat yes
router_exec ifup "$WAN_IF"
assert_eq "$(router_checkip)" "$FIXED_IP" "router checkip"
table=$(nft_table) || fail "no table ip $NFT_TABLE"
echo "$table"
assert_match "$table" "oifname \"tx-$WAN_IF\" tcp flags syn / syn,rst tcp option maxseg size set rt mtu" "outbound clamp"
assert_match "$table" "iifname \"tx-$WAN_IF\" tcp flags syn / syn,rst tcp option maxseg size set 1420" "inbound clamp"

step "1 MB download from the LAN host, clamped"
t0=$(us)
out=$(lan_fetch $MB --max-time 60 -Y 1000 -y 15) || fail "download failed with the clamp: $out"
echo "clamped download: $out (wall $(ms $(($(us) - t0))) s)"
assert_eq "${out%% *}" "$MB" "bytes downloaded"

router_exec ifdown "$WAN_IF"
assert_eq "$(nft_ours_count)" 0 "our tables after ifdown"

step "clamp off: the same download stalls"
stanza_write tunnel-nat yes tunnel-mss-clamp no
router_exec ifup "$WAN_IF"
assert_eq "$(router_checkip)" "$FIXED_IP" "router checkip"
# NAT still there (its table), no clamp in it.
table=$(nft_table) || fail "no table ip $NFT_TABLE (NAT is on)"
assert_no_match "$table" "maxseg" "clamp rules with tunnel-mss-clamp no"
# A small answer still comes through: the path works, only big segments die.
small=$(lan_fetch 1000 --max-time 30) || fail "small download failed without the clamp: $small"
assert_eq "${small%% *}" 1000 "small download"
before=$(isp_frag_needed_dropped)
t0=$(us)
rc=0
out=$(lan_fetch $MB --max-time 60 -Y 1000 -y 15 2>&1) || rc=$?
echo "unclamped download: exit $rc: $out (wall $(ms $(($(us) - t0))) s)"
((rc != 0)) || fail "the 1 MB download completed without the clamp: the black hole is not there"
after=$(isp_frag_needed_dropped)
echo "ICMP frag-needed dropped by the ISP: $before before, $after after"
((after > before)) || fail "the ISP dropped no frag-needed: the stall has another cause"

router_exec ifdown "$WAN_IF"
assert_eq "$(nft_ours_count)" 0 "our tables after ifdown"
