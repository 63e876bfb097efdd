# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The emulated ISP of the real-kernel scenarios: NTT NGN + transix as a
# router sees them, built from network namespaces inside the UML guest.
# Source it from a scenario (bash); nothing here is meant for the host.
#
#   netns router   the system under test.  ens224 (veth) faces the ISP;
#                  the WAN is ens224.1000 (VLAN 1000), which is NOT created
#                  here: ifupdown creates it from a stanza named ens224.1000
#                  (or router_vlan_add does, for scenarios working by hand).
#   netns isp      ngn0 (peer of ens224) carrying ngn0.1000 with
#                  $NGN_PREFIX::1/64; radvd (RA: prefix on-link+autonomous,
#                  O flag, no RDNSS); dnsmasq (stateless DHCPv6 handing out
#                  $DNS6, and DNS for update.transix.jp, never forwarding);
#                  the AFTR $AFTR; the update server on [$UPDATE_ADDR]:80.
#   netns inet     "the internet": $INET_ADDR, answering
#                  http://$INET_ADDR/ with the caller's IPv4 address.
#
# The AFTR carries IPv4 only for registered customers: a successful
# registration makes the update server create ip6tnl cust-<n> (local $AFTR,
# remote = source address of the request) and route $FIXED_IP into it.
#
# Logs and state of the ISP live in $ISP_RUN (/run/isp): update-requests.log
# (one line per registration request, never the password), update-server.err,
# radvd.log, dnsmasq.log.  The guest's syslog is /var/log/syslog.
#
# Functions (details at each definition):
#   isp_setup [--no-vlan] [--no-ra] [--user U --password-file F] [--fixed-ip A]
#   isp_teardown
#   isp_ra_start / isp_ra_stop [--graceful]
#   isp_carrier_off / isp_carrier_on   the ONU off and on: no carrier
#   isp_renumber NEW_PREFIX/64
#   isp_update_script ITEM...      ok | ng | NNN | hang | slow:SECONDS | close
#   isp_dslite_aftr ROUTER_ADDR    a DS-Lite AFTR (B4 192.0.0.2, NAT) at $DSLITE_AFTR
#   isp_update_requests / isp_update_count
#   isp_dns_stop / isp_dns_start   DNS (and DHCPv6) dead, then answering
#   isp_dns_names NAME ADDR...     NAME's AAAA records, with $ISP_DNS_TTL
#   isp_registered_source [USER]
#   isp_dump
#   isp_prov_setup [--txt TEXT|--no-txt]   the HB46PP provisioning server (below)
#   isp_prov_txt TEXT...|--none / isp_prov_script JSON
#   isp_prov_requests / isp_prov_count [LISTENER] / isp_prov_tls_failures
#   router_exec CMD... / router_vlan_add [VID] / router_checkip [TIMEOUT]
#   router_addr_ready ADDR
#   lan_setup / lan_exec CMD...    optional LAN host behind the router
#   wait_for TIMEOUT_SECONDS CMD...

# Everything the scenarios may refer to instead of hard-coding addresses.
export ROUTER_NS=router ISP_NS=isp INET_NS=inet
export WAN_PARENT=ens224 WAN_VLAN=1000
export ISP_LINK=ngn0           # ISP side of the veth
export ROUTER_IID=::feed       # the "interface ID" of the contract
export ISP_RUN=/run/isp
# What isp_setup's options or isp_renumber change.
_isp_defaults() {
	export WAN_IF=ens224.1000      # the router's WAN as ifupdown names it
	export ISP_WAN_IF=ngn0.1000    # where the ISP's IPv6 lives
	export NGN_PREFIX=2001:db8:1:1 # the /64 advertised, without "::/64"
	export ISP_LINK_ADDR=$NGN_PREFIX::1
	export ROUTER_ADDR=$NGN_PREFIX$ROUTER_IID
	export FIXED_IP=203.0.113.5
	export TRANSIX_USER=transix-user
	export TRANSIX_PASSWORD_FILE=$ISP_RUN/password
	unset _ISP_OLD_PREFIX _ISP_VLAN
}
_isp_defaults
export AFTR=2001:db8:ffff::140
export DNS6=2001:db8:ffff::53
export UPDATE_ADDR=2001:db8:ffff::400
export DSLITE_AFTR=2001:db8:ffff::150 DSLITE_AFTR_DEAD=2001:db8:ffff::151
export UPDATE_HOST=update.transix.jp
export UPDATE_URL=http://update.transix.jp/request
export INET_ADDR=198.51.100.1 ISP_INET_ADDR=198.51.100.254
export CHECKIP_URL=http://198.51.100.1/
export LAN_NS=lan LAN_IF=ens192 # optional LAN behind the router (lan_setup)
export LAN_ROUTER_ADDR=192.0.2.1 LAN_HOST_ADDR=192.0.2.10

_ISP_LIB_DIR=$(cd "${BASH_SOURCE[0]%/*}" && pwd)
_ISP_TOP=${_ISP_LIB_DIR%/test/lib}

# isp_setup and isp_renumber record the values in force, so that a later
# shell sourcing this file (e.g. the harness's failure dump) sees them too.
# shellcheck source=/dev/null
[[ -r $ISP_RUN/env ]] && source "$ISP_RUN/env"

_isp_save_env() {
	declare -p WAN_IF ISP_WAN_IF NGN_PREFIX ISP_LINK_ADDR ROUTER_ADDR FIXED_IP \
		TRANSIX_USER TRANSIX_PASSWORD_FILE _ISP_VLAN _ISP_OLD_PREFIX 2>/dev/null |
		sed 's/^declare -[a-z-]*x[a-z]* /export /; s/^declare -[a-z-]* /export /' >"$ISP_RUN/env"
}

# A sleep without a process start (they are slow under UML): read(1) with a
# timeout on a pipe that never delivers anything.
_isp_nap() {
	[[ -n ${_ISP_NAPFD-} ]] || exec {_ISP_NAPFD}<> <(:)
	read -r -t "$1" -u "$_ISP_NAPFD" || :
}

# wait_for TIMEOUT_SECONDS CMD...
#   Re-run CMD every 0.2 s until it succeeds (return 0) or TIMEOUT seconds
#   (may be fractional) have passed (message on stderr, return 1).
wait_for() {
	local tmo=$1 now end us
	shift
	printf -v us '%.0f' "${tmo}e6" || return 2
	now=${EPOCHREALTIME/[.,]/}
	end=$((now + us))
	while :; do
		"$@" && return 0
		now=${EPOCHREALTIME/[.,]/}
		if ((now >= end)); then
			echo "wait_for: still failing after ${tmo}s: $*" >&2
			return 1
		fi
		_isp_nap 0.2
	done
}

# router_exec CMD...: run CMD in the router's network namespace.
router_exec() { ip netns exec "$ROUTER_NS" "$@"; }

# router_vlan_add [VID]: create ens224.VID (default 1000) in the router, as
# ifupdown would for a stanza of that name.  It is left down: set a token
# first if wanted (as the seed's pre-up does), then `link set ... up`.
# shellcheck disable=SC2120 # optional arguments
router_vlan_add() {
	local vid=${1:-$WAN_VLAN}
	ip -n "$ROUTER_NS" link add link "$WAN_PARENT" name "$WAN_PARENT.$vid" type vlan id "$vid"
}

# router_checkip [TIMEOUT]: fetch http://$INET_ADDR/ over IPv4 from the
# router; prints the address the internet saw (one line); non-zero if no
# answer within TIMEOUT seconds (default 5).
# shellcheck disable=SC2120 # optional arguments
router_checkip() {
	ip netns exec "$ROUTER_NS" curl -4 -sS --fail --noproxy '*' \
		--max-time "${1:-5}" "$CHECKIP_URL"
}

# router_addr_ready ADDR: true once ADDR is on an interface of the router
# and has finished DAD (not tentative, not dadfailed).
router_addr_ready() {
	local out
	out=$(ip -n "$ROUTER_NS" -6 -o addr show to "$1/128" 2>/dev/null)
	[[ -n $out && $out != *tentative* && $out != *dadfailed* ]]
}

# lan_setup: a LAN behind the router (call after isp_setup): the router's
# ens192 with $LAN_ROUTER_ADDR/24 (up), and netns lan with one host,
# $LAN_HOST_ADDR/24, default route via the router.  Forwarding and NAT are
# the router's business (the system under test).
lan_setup() {
	ip -batch - <<-EOF || return
		netns add $LAN_NS
		link add $LAN_IF netns $ROUTER_NS type veth peer name eth0 netns $LAN_NS
	EOF
	ip -n "$ROUTER_NS" -batch - <<-EOF || return
		address add $LAN_ROUTER_ADDR/24 dev $LAN_IF
		link set $LAN_IF up
	EOF
	ip -n "$LAN_NS" -batch - <<-EOF
		link set lo up
		link set eth0 up
		address add $LAN_HOST_ADDR/24 dev eth0
		route add default via $LAN_ROUTER_ADDR
	EOF
}

# lan_exec CMD...: run CMD on the LAN host.
lan_exec() { ip netns exec "$LAN_NS" "$@"; }

# isp_setup [--no-vlan] [--no-ra] [--user U --password-file F] [--fixed-ip A]
#   Build the three namespaces and start the ISP's daemons; returns when
#   they all answer.  The router's ens224 is up; ens224.1000 not created.
#   --no-vlan: the ISP's IPv6 is on untagged ngn0 and the router's WAN is
#   ens224, left DOWN (bring it up, or let ifup do it).
#   --no-ra: radvd not started (isp_ra_start later).
#   Without --user/--password-file the credentials are $TRANSIX_USER and
#   the password in $TRANSIX_PASSWORD_FILE (also exported as
#   $TRANSIX_PASSWORD).  --fixed-ip: the customer's IPv4 (default 203.0.113.5).
# shellcheck disable=SC2120 # optional arguments
isp_setup() {
	_isp_defaults
	local vlan=1 ra=1 user=$TRANSIX_USER pwfile='' fixed=$FIXED_IP
	while (($#)); do
		case $1 in
		--no-vlan) vlan=0 ;;
		--no-ra) ra=0 ;;
		--user) user=$2; shift ;;
		--password-file) pwfile=$2; shift ;;
		--fixed-ip) fixed=$2; shift ;;
		*) echo "isp_setup: unknown option $1" >&2; return 2 ;;
		esac
		shift
	done
	mkdir -p "$ISP_RUN"
	if [[ -z $pwfile ]]; then
		pwfile=$ISP_RUN/password
		export TRANSIX_PASSWORD=pass-w0rd
		echo "$TRANSIX_PASSWORD" >"$pwfile"
	else
		unset TRANSIX_PASSWORD
	fi
	export TRANSIX_USER=$user TRANSIX_PASSWORD_FILE=$pwfile FIXED_IP=$fixed _ISP_VLAN=$vlan
	if ((vlan)); then
		export WAN_IF=$WAN_PARENT.$WAN_VLAN ISP_WAN_IF=$ISP_LINK.$WAN_VLAN
	else
		export WAN_IF=$WAN_PARENT ISP_WAN_IF=$ISP_LINK
	fi
	_isp_save_env

	ip -batch - <<-EOF || return
		netns add $ROUTER_NS
		netns add $ISP_NS
		netns add $INET_NS
		link add $WAN_PARENT netns $ROUTER_NS type veth peer name $ISP_LINK netns $ISP_NS
		link add inet0 netns $ISP_NS type veth peer name eth0 netns $INET_NS
	EOF
	# With a VLAN, untagged frames must not reach any IPv6 of the ISP: that
	# is what proves the router really tags.
	ip netns exec "$ISP_NS" sysctl -q -w net.ipv6.conf.all.forwarding=1 \
		net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0 \
		"net.ipv6.conf.$ISP_LINK.disable_ipv6=$vlan" || return
	{
		echo "link set lo up"
		echo "link set $ISP_LINK up"
		((vlan)) && echo "link add link $ISP_LINK name $ISP_WAN_IF type vlan id $WAN_VLAN" &&
			echo "link set $ISP_WAN_IF up"
		echo "address add $ISP_LINK_ADDR/64 dev $ISP_WAN_IF nodad"
		echo "address add $AFTR/128 dev lo"
		echo "address add $DNS6/128 dev lo"
		echo "address add $UPDATE_ADDR/128 dev lo"
		echo "link set inet0 up"
		echo "address add $ISP_INET_ADDR/24 dev inet0"
	} | ip -n "$ISP_NS" -batch - || return
	ip -n "$INET_NS" -batch - <<-EOF || return
		link set lo up
		link set eth0 up
		address add $INET_ADDR/24 dev eth0
		route add default via $ISP_INET_ADDR
	EOF
	# With a VLAN the parent is up, as on a machine whose ifupdown has not
	# yet created the VLAN.  Without one, ens224 IS the WAN: left down, so
	# that nothing (SLAAC, DAD) happens before the system under test says so.
	{
		echo "link set lo up"
		((vlan)) && echo "link set $WAN_PARENT up"
	} | ip -n "$ROUTER_NS" -batch - || return

	_isp_write_dnsmasq_conf
	ip netns exec "$ISP_NS" dnsmasq --conf-file="$ISP_RUN/dnsmasq.conf" ||
		{ echo "isp_setup: dnsmasq failed to start" >&2; return 1; }
	if ((ra)); then isp_ra_start || return; fi

	{
		echo "listen $UPDATE_ADDR"
		echo "port 80"
		echo "user $user"
		echo "password_file $pwfile"
		echo "fixed_ip $fixed"
		echo "aftr $AFTR"
		echo "control $ISP_RUN/update-script"
		echo "log $ISP_RUN/update-requests.log"
	} >"$ISP_RUN/update.conf"
	: >"$ISP_RUN/update-script"
	: >"$ISP_RUN/update-requests.log"
	rm -f "$ISP_RUN/update.ready"
	ip netns exec "$ISP_NS" /usr/bin/python3 -I "$_ISP_TOP/test/isp/update-server.py" \
		--config "$ISP_RUN/update.conf" --checkip-netns "/run/netns/$INET_NS" \
		--checkip-addr "$INET_ADDR" --ready "$ISP_RUN/update.ready" \
		</dev/null >"$ISP_RUN/update-server.err" 2>&1 &
	echo $! >"$ISP_RUN/update-server.pid"
	local i
	for ((i = 0; i < 150; i++)); do
		[[ -s $ISP_RUN/update.ready ]] && return 0
		kill -0 "$(<"$ISP_RUN/update-server.pid")" 2>/dev/null || break
		_isp_nap 0.1
	done
	echo "isp_setup: the update server did not start:" >&2
	cat "$ISP_RUN/update-server.err" >&2
	return 1
}

_isp_write_dnsmasq_conf() {
	[[ -e $ISP_RUN/dns-hosts ]] || : >"$ISP_RUN/dns-hosts"
	mkdir -p "$ISP_RUN/dnsmasq.d"
	# Stateless DHCPv6 only (no addresses, no RA: radvd does those), the
	# way NGN hands out DNS.  DNS is authoritative-ish from host-records;
	# nothing is ever forwarded anywhere (no-resolv, no servers).
	cat >"$ISP_RUN/dnsmasq.conf" <<-EOF
		user=root
		no-resolv
		no-hosts
		no-poll
		bind-interfaces
		listen-address=$DNS6
		interface=$ISP_WAN_IF
		dhcp-range=::,constructor:$ISP_WAN_IF,static
		dhcp-option=option6:dns-server,[$DNS6]
		host-record=$UPDATE_HOST,$UPDATE_ADDR
		host-record=update.example,$UPDATE_ADDR
		host-record=gw.transix.jp,$AFTR
		# Issue 11: the other services' update servers (one emulator,
		# told apart by path), and a DS-Lite AFTR name with two AAAA.
		host-record=fcs.enabler.ne.jp,$UPDATE_ADDR
		host-record=ipoe-static.ocn.ad.jp,$UPDATE_ADDR
		host-record=reseller.example,$UPDATE_ADDR
		host-record=dslite.aftr.test,$DSLITE_AFTR
		host-record=dslite2.aftr.test,$DSLITE_AFTR_DEAD
		host-record=dslite2.aftr.test,$DSLITE_AFTR
		# Names a scenario changes at run time (isp_dns_names), with the
		# TTL it asks for (dnsmasq's default for its own names is 0).
		addn-hosts=$ISP_RUN/dns-hosts
		local-ttl=${ISP_DNS_TTL:-0}
		# Answer every name ourselves: NODATA for the A of an AAAA-only
		# name (like a real server), NXDOMAIN for unknown names.
		local=/#/
		# Issue 14: HB46PP's names and TXT record (isp_prov_setup).
		conf-dir=$ISP_RUN/dnsmasq.d,*.conf
		pid-file=$ISP_RUN/dnsmasq.pid
		dhcp-leasefile=$ISP_RUN/dnsmasq.leases
		log-facility=$ISP_RUN/dnsmasq.log
		log-queries
		log-dhcp
	EOF
}

_isp_write_radvd_conf() {
	local old=${_ISP_OLD_PREFIX-}
	{
		echo "interface $ISP_WAN_IF {"
		echo "	AdvSendAdvert on;"
		echo "	MinRtrAdvInterval 3;"
		echo "	MaxRtrAdvInterval 10;"
		echo "	AdvManagedFlag off;"
		echo "	AdvOtherConfigFlag on;"
		echo "	AdvDefaultLifetime 1800;"
		echo "	prefix $NGN_PREFIX::/64 { AdvOnLink on; AdvAutonomous on; };"
		# A renumbered-away prefix: deprecated at once.  (The router's
		# kernel still keeps it valid for 2 hours: RFC 4862 5.5.3 e.)
		[[ -n $old ]] && echo "	prefix $old::/64 { AdvOnLink on; AdvAutonomous on; AdvPreferredLifetime 0; AdvValidLifetime 60; };"
		echo "};"
	} >"$ISP_RUN/radvd.conf"
}

# isp_ra_start: start radvd on the ISP link (the router solicits; it answers
# and sends unsolicited RAs every 3-10 s).
isp_ra_start() {
	_isp_write_radvd_conf
	rm -f "$ISP_RUN/radvd.pid"
	ip netns exec "$ISP_NS" radvd -C "$ISP_RUN/radvd.conf" -p "$ISP_RUN/radvd.pid" \
		-m logfile -l "$ISP_RUN/radvd.log" ||
		{ echo "isp_ra_start: radvd failed" >&2; tail -n 5 "$ISP_RUN/radvd.log" >&2; return 1; }
	wait_for 5 test -s "$ISP_RUN/radvd.pid"
}

# isp_ra_stop [--graceful]: stop router advertisements.  By default radvd is
# killed silently (the ISP just goes quiet: the router keeps what it has
# until lifetimes expire); --graceful lets it send its final RA with router
# lifetime 0, which removes the router's default route at once.
# shellcheck disable=SC2120 # optional arguments
isp_ra_stop() {
	local sig=KILL pid
	[[ ${1-} == --graceful ]] && sig=TERM
	[[ -s $ISP_RUN/radvd.pid ]] || return 0
	pid=$(<"$ISP_RUN/radvd.pid")
	kill -s "$sig" "$pid" 2>/dev/null
	wait_for 10 eval "! kill -0 $pid 2>/dev/null"
	rm -f "$ISP_RUN/radvd.pid"
}

# isp_renumber NEW_PREFIX/64: the NGN changes the customer's prefix.  The
# ISP moves its own link address, advertises the new prefix and the old one
# with preferred lifetime 0 (valid 60 s), and $NGN_PREFIX, $ISP_LINK_ADDR
# and $ROUTER_ADDR follow.  Registered tunnels are left alone (the router
# has to register again from its new address).
isp_renumber() {
	local new=${1%::/64}
	[[ $1 == *::/64 && -n $new ]] || { echo "isp_renumber: want PREFIX::/64, got $1" >&2; return 2; }
	export _ISP_OLD_PREFIX=$NGN_PREFIX
	ip -n "$ISP_NS" -batch - <<-EOF || return
		address del $ISP_LINK_ADDR/64 dev $ISP_WAN_IF
		address add $new::1/64 dev $ISP_WAN_IF nodad
	EOF
	export NGN_PREFIX=$new ISP_LINK_ADDR=$new::1 ROUTER_ADDR=$new$ROUTER_IID
	_isp_save_env
	_isp_write_radvd_conf
	# radvd re-reads its configuration on SIGHUP and advertises at once.
	if [[ -s $ISP_RUN/radvd.pid ]]; then
		kill -HUP "$(<"$ISP_RUN/radvd.pid")"
	fi
}

# isp_dns_stop / isp_dns_start: the ISP's dnsmasq (DNS and the stateless
# DHCPv6 handing out its address) killed, and started again with the
# configuration as it is now ($ISP_DNS_TTL for the names of isp_dns_names):
# a DNS server answering only after the router's address is valid.
isp_dns_stop() {
	local pid
	[[ -s $ISP_RUN/dnsmasq.pid ]] || return 0
	pid=$(<"$ISP_RUN/dnsmasq.pid")
	kill "$pid" 2>/dev/null
	wait_for 10 eval "! kill -0 $pid 2>/dev/null"
	rm -f "$ISP_RUN/dnsmasq.pid"
}
isp_dns_start() {
	_isp_write_dnsmasq_conf
	ip netns exec "$ISP_NS" dnsmasq --conf-file="$ISP_RUN/dnsmasq.conf" ||
		{ echo "isp_dns_start: dnsmasq failed to start" >&2; return 1; }
}

# isp_dns_names NAME ADDR...: NAME answers exactly these AAAA records (none:
# NXDOMAIN), each with TTL $ISP_DNS_TTL as of the last isp_dns_start.  A
# running dnsmasq re-reads them at once (SIGHUP, which empties its cache).
isp_dns_names() {
	local name=$1 a
	shift
	{
		grep -v " $name\$" "$ISP_RUN/dns-hosts" 2>/dev/null || :
		for a; do echo "$a $name"; done
	} >"$ISP_RUN/dns-hosts.new"
	mv "$ISP_RUN/dns-hosts.new" "$ISP_RUN/dns-hosts"
	if [[ -s $ISP_RUN/dnsmasq.pid ]]; then
		kill -HUP "$(<"$ISP_RUN/dnsmasq.pid")"
	fi
}

# isp_carrier_off / isp_carrier_on: the ONU switched off and on again: the
# router's $WAN_PARENT loses its carrier (nothing at all reaches it: no RA,
# no DHCPv6, no DNS).  The ISP keeps its own address on the NGN link
# through it (keep_addr_on_down), so that dnsmasq's stateless DHCPv6, whose
# range is constructed from that address, answers again once it is on.
isp_carrier_off() {
	local conf=${ISP_WAN_IF//./\/}
	ip netns exec "$ISP_NS" sysctl -qw "net.ipv6.conf.$conf.keep_addr_on_down=1"
	ip -n "$ISP_NS" link set "$ISP_LINK" down
}
isp_carrier_on() {
	ip -n "$ISP_NS" link set "$ISP_LINK" up
	ip -n "$ISP_NS" addr replace "$ISP_LINK_ADDR/64" dev "$ISP_WAN_IF" nodad
}

# isp_dslite_aftr ROUTER_ADDR: a DS-Lite AFTR at $DSLITE_AFTR for the B4
# at ROUTER_ADDR: an ipip6 tunnel to it, 192.0.0.2 routed into it, and the
# AFTR's NAT of the B4 address to its own $ISP_INET_ADDR (DS-Lite: the
# customer has no public IPv4).  $DSLITE_AFTR_DEAD answers nothing: no
# tunnel ends there.  Call once the router's address is known.
isp_dslite_aftr() {
	ip -n "$ISP_NS" -batch - <<-EOF || return
		address add $DSLITE_AFTR/128 dev lo
		link add dsl-1 type ip6tnl mode ipip6 local $DSLITE_AFTR remote $1 encaplimit none
		link set dsl-1 up
		route replace 192.0.0.2/32 dev dsl-1
	EOF
	ip netns exec "$ISP_NS" nft -f - <<-EOF
		table ip aftr {
			chain post {
				type nat hook postrouting priority srcnat;
				ip saddr 192.0.0.2 oifname "inet0" snat to $ISP_INET_ADDR
			}
		}
	EOF
}

# isp_update_script ITEM...: queue answers of the update server, consumed
# one per request: ok (normal behaviour) | ng (answer NG) | NNN (HTTP status
# NNN, e.g. 500) | hang (accept, never answer) | slow:SECONDS (normal
# answer after a delay) | close (close without answering).  Empty queue =
# normal behaviour.
isp_update_script() {
	local item
	for item; do
		[[ $item =~ ^(ok|ng|[1-5][0-9][0-9]|hang|close|slow:[0-9]+(\.[0-9]+)?)$ ]] ||
			{ echo "isp_update_script: bad item '$item'" >&2; return 2; }
		echo "$item" >>"$ISP_RUN/update-script"
	done
}

# isp_update_requests: print the update server's request log, one line per
# request: <unix-time> <source> user=<U> password=<match|mismatch> answer=<A>
# (A is OK, NG, an HTTP status, hang, close, or slow:S+OK / slow:S+NG).
isp_update_requests() { cat "$ISP_RUN/update-requests.log"; }

# isp_update_count: number of requests the update server has received.
isp_update_count() {
	local -a lines=()
	mapfile -t lines <"$ISP_RUN/update-requests.log"
	echo "${#lines[@]}"
}

# isp_registered_source: print the IPv6 address the AFTR currently sends
# the customer's IPv4 to (the remote of cust-1); non-zero if unregistered.
isp_registered_source() {
	local out
	out=$(ip -n "$ISP_NS" -6 tunnel show cust-1 2>/dev/null) || return 1
	[[ $out =~ remote\ ([0-9a-fA-F:]+) ]] || return 1
	echo "${BASH_REMATCH[1]}"
}

# isp_teardown: stop the ISP's daemons and everything running in the
# namespaces (router, isp, inet, lan), then delete the namespaces.  (The
# harness cleans up after every scenario anyway; this is for scenarios that
# rebuild the ISP.)
isp_teardown() {
	local ns f pids
	for f in "$ISP_RUN"/*.pid; do
		[[ -s $f ]] && kill -9 "$(<"$f")" 2>/dev/null
		rm -f "$f"
	done
	for ns in "$ROUTER_NS" "$ISP_NS" "$INET_NS" "$LAN_NS"; do
		[[ -e /run/netns/$ns ]] || continue
		pids=$(ip netns pids "$ns" 2>/dev/null)
		# shellcheck disable=SC2086 # a list of pids
		[[ -z $pids ]] || kill -9 $pids 2>/dev/null
		ip netns delete "$ns"
	done
	rm -f "$ISP_RUN/env" "$ISP_RUN/update.ready"
	_isp_defaults
	return 0
}

# isp_dump: print the state of all three namespaces and the ISP's logs
# (the harness runs it after a failed scenario).  Never prints passwords.
isp_dump() {
	local ns
	for ns in "$ROUTER_NS" "$ISP_NS" "$INET_NS" "$LAN_NS"; do
		[[ -e /run/netns/$ns ]] || continue
		echo "=== netns $ns ==="
		ip -n "$ns" -d address show
		ip -n "$ns" -6 route show
		ip -n "$ns" -4 route show
	done
	if [[ -e /run/netns/$ROUTER_NS ]]; then
		echo "=== router sysctls of $WAN_IF ==="
		ip netns exec "$ROUTER_NS" sysctl -e "net.ipv6.conf.${WAN_IF//./\/}.accept_ra" \
			"net.ipv6.conf.${WAN_IF//./\/}.autoconf" net.ipv6.conf.all.forwarding
	fi
	echo "=== /etc/resolv.conf ==="
	cat /etc/resolv.conf
	echo "=== /run/network ==="
	grep -r . /run/network 2>/dev/null
	echo "=== processes ==="
	# Command lines may carry credentials (e.g. a curl URL): redact.
	# shellcheck disable=SC2009 # a forest of everything, not a search
	ps -eo pid,ppid,args --forest 2>/dev/null | grep -v -e '\[.*\]$' |
		sed -E 's/(pass(word)?[=: ]+)[^& ]*/\1<redacted>/Ig'
	echo "=== update server: requests ==="
	cat "$ISP_RUN/update-requests.log" 2>/dev/null
	echo "=== update server: errors ==="
	cat "$ISP_RUN/update-server.err" 2>/dev/null
	if [[ -s $ISP_RUN/prov-requests.log || -s $ISP_RUN/prov-server.err ]]; then
		echo "=== provisioning server: requests (pass logged as present/absent) ==="
		tail -n 30 "$ISP_RUN/prov-requests.log" 2>/dev/null
		echo "=== provisioning server: script and errors ==="
		cat "$ISP_RUN/prov-script.json" "$ISP_RUN/prov-server.err" 2>/dev/null
	fi
	echo "=== radvd.log (last 10) ==="
	tail -n 10 "$ISP_RUN/radvd.log" 2>/dev/null
	echo "=== dnsmasq.log (last 20) ==="
	tail -n 20 "$ISP_RUN/dnsmasq.log" 2>/dev/null
	return 0
}

# ---- HB46PP provisioning (issue 14) -----------------------------------------
# isp_prov_setup [--txt TEXT|--no-txt]: the provisioning server of
# test/isp/provision-server.py (read its top for the script format and the
# log), call after isp_setup:
#   prov.isp.test  $PROV_ADDR   https :443 (certificate prov.isp.test), http :80
#   prov2.isp.test $PROV2_ADDR  https :443 (certificate prov2.isp.test)
#   wrong.isp.test $PROV3_ADDR  https :443 with prov.isp.test's certificate
# all signed by a CA made now: $PROV_CA (give it to transix-provision as
# --ca-file).  DNS: those names' AAAA, and the TXT record of 4over6.info
# (default "v=v6mig-1 url=$PROV_URL t=b"; --no-txt: none, so NXDOMAIN).
# The script starts empty (every request 404): isp_prov_script first.
export PROV_ADDR=2001:db8:ffff::443 PROV2_ADDR=2001:db8:ffff::444 PROV3_ADDR=2001:db8:ffff::445
export PROV_HOST=prov.isp.test PROV_URL=https://prov.isp.test/config
export PROV_CA=$ISP_RUN/prov/ca.pem
# shellcheck disable=SC2120 # optional arguments
isp_prov_setup() {
	local txt="v=v6mig-1 url=$PROV_URL t=b" d=$ISP_RUN/prov n i
	case ${1-} in
	--txt) txt=$2 ;;
	--no-txt) txt= ;;
	'') ;;
	*) echo "isp_prov_setup: unknown option $1" >&2; return 2 ;;
	esac
	mkdir -p "$d"
	ip -n "$ISP_NS" -batch - <<-EOF || return
		address add $PROV_ADDR/128 dev lo
		address add $PROV2_ADDR/128 dev lo
		address add $PROV3_ADDR/128 dev lo
	EOF
	# A CA of the test's own, and a certificate per name (P-256: quick).
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3 \
		-subj "/CN=HB46PP test CA" -keyout "$d/ca.key" -out "$d/ca.pem" 2>"$d/openssl.err" ||
		{ cat "$d/openssl.err" >&2; return 1; }
	for n in prov.isp.test prov2.isp.test; do
		printf 'subjectAltName=DNS:%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
			"$n" >"$d/$n.ext"
		if ! openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-subj "/CN=$n" -keyout "$d/$n.key" -out "$d/$n.csr" 2>>"$d/openssl.err" ||
			! openssl x509 -req -in "$d/$n.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
				-CAcreateserial -days 3 -extfile "$d/$n.ext" -out "$d/$n.pem" \
				2>>"$d/openssl.err"; then
			cat "$d/openssl.err" >&2
			return 1
		fi
	done
	{
		echo "host-record=prov.isp.test,$PROV_ADDR"
		echo "host-record=prov2.isp.test,$PROV2_ADDR"
		echo "host-record=wrong.isp.test,$PROV3_ADDR"
	} >"$ISP_RUN/dnsmasq.d/prov-names.conf"
	isp_prov_txt "${txt:---none}" || return
	: >"$ISP_RUN/prov-script.json"
	: >"$ISP_RUN/prov-requests.log"
	rm -f "$ISP_RUN/prov.ready"
	ip netns exec "$ISP_NS" /usr/bin/python3 -I "$_ISP_TOP/test/isp/provision-server.py" \
		--listen prov.isp.test "$PROV_ADDR" 443 "$d/prov.isp.test.pem" "$d/prov.isp.test.key" \
		--listen prov.isp.test "$PROV_ADDR" 80 - - \
		--listen prov2.isp.test "$PROV2_ADDR" 443 "$d/prov2.isp.test.pem" "$d/prov2.isp.test.key" \
		--listen wrong.isp.test "$PROV3_ADDR" 443 "$d/prov.isp.test.pem" "$d/prov.isp.test.key" \
		--script "$ISP_RUN/prov-script.json" --log "$ISP_RUN/prov-requests.log" \
		--aftr "$AFTR" --ready "$ISP_RUN/prov.ready" \
		</dev/null >"$ISP_RUN/prov-server.err" 2>&1 &
	echo $! >"$ISP_RUN/prov-server.pid"
	for ((i = 0; i < 150; i++)); do
		[[ -s $ISP_RUN/prov.ready ]] && return 0
		kill -0 "$(<"$ISP_RUN/prov-server.pid")" 2>/dev/null || break
		_isp_nap 0.1
	done
	echo "isp_prov_setup: the provisioning server did not start:" >&2
	cat "$ISP_RUN/prov-server.err" >&2
	return 1
}

# isp_prov_txt TEXT...|--none: the TXT record of 4over6.info is TEXT (each
# argument one character-string of the record: a long one is split so), or
# there is none (NXDOMAIN: dnsmasq answers every name itself).  dnsmasq
# re-reads its configuration only when restarted: it is.
isp_prov_txt() {
	local t line=txt-record=4over6.info
	if [[ $1 == --none ]]; then
		rm -f "$ISP_RUN/dnsmasq.d/prov-txt.conf"
	else
		for t; do
			[[ $t != *'"'* && $t != *$'\n'* ]] ||
				{ echo "isp_prov_txt: no quotes or newlines" >&2; return 2; }
			line+=",\"$t\""
		done
		printf '%s\n' "$line" >"$ISP_RUN/dnsmasq.d/prov-txt.conf"
	fi
	[[ -s $ISP_RUN/dnsmasq.pid ]] || return 0
	isp_dns_stop && isp_dns_start
}

# isp_prov_script JSON: the server's answers from now on (format at the top
# of test/isp/provision-server.py), e.g.
#   isp_prov_script '{"prov.isp.test": {"json": {"order": ["dslite"],
#                     "dslite": {"aftr": "dslite.aftr.test"}, "ttl": 3600}}}'
isp_prov_script() {
	printf '%s\n' "$1" >"$ISP_RUN/prov-script.json.new" &&
		mv "$ISP_RUN/prov-script.json.new" "$ISP_RUN/prov-script.json"
}

# isp_prov_requests: the request log, one JSON object per line (see the
# server); isp_prov_count [LISTENER]: how many requests (to LISTENER);
# isp_prov_tls_failures [LISTENER]: how many connections ended without a
# request (a refused certificate).
isp_prov_requests() { cat "$ISP_RUN/prov-requests.log"; }
isp_prov_count() {
	jq -s --arg l "${1-}" '[.[] | select(.tls == null) |
		select($l == "" or .listener == $l)] | length' "$ISP_RUN/prov-requests.log"
}
isp_prov_tls_failures() {
	jq -s --arg l "${1-}" '[.[] | select(.tls != null) |
		select($l == "" or .listener == $l)] | length' "$ISP_RUN/prov-requests.log"
}
