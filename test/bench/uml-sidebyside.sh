#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make bench, issue 13: the seed's hand-made setup and our stanza side by
# side in one boot, alternating, against the same emulated ISP.  Numbers,
# never pass/fail (a run whose IPv4 never came shows "-").
#
# The seed (/work/shared/seeds/000_*.txt, the README's "before"), adapted
# only in addresses: "inet6 auto" + "dhcp 1" + "accept_ra 1", a pre-up
# `ip token set ::feed`, and the post-up mkv6tun.sh with its ip/sed
# pipeline for the local address, the ipip6 tunnel, and the background
# ping/curl loop that registers once the update host answers.  Ours: the
# README's stanza (inet6 manual; the supervisor does SLAAC and DNS).
#
# Per run, measured by test/bench/probe.py inside the router's netns (it
# polls /proc and an ICMP socket, never starting a process): ifup's own
# time; `::feed` appearing, usable (optimistic or DAD done) and valid (DAD
# done); the ISP's DNS server in resolv.conf; IPv4 working (the first echo
# reply through the tunnel); processes spawned (PIDs handed out from ifup's
# start to IPv4 working or ifup's end, whichever is later).  The floor is
# what the kernel and the ISP allow: the later of `::feed` usable and (with
# the update host by name) the DNS server known.  Since optimistic DAD
# (issue 13) "usable" counts: the kernel sends from an optimistic address.
#
# Timings under UML are inflated (every process start costs 100-400 ms):
# the ratios between the two columns, measured in the same boot, count.
# uml-timeout: 1500
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"
source "$TOP/test/lib/stanza.sh"

RUNS=${TRANSIX_BENCH_RUNS:-5}
DEADLINE=120	# per run, for IPv4; only a hang reaches it
report() { printf 'bench: %s\n' "$*"; }
now_us() { echo "${EPOCHREALTIME/[.,]/}"; }
lastpid() { local a b c d e; read -r a b c d e </proc/loadavg; echo "$e"; }
# "1.234567" (epoch seconds from the probe) minus t0 (µs) -> ms, or "-"
since() { [[ -n ${1-} ]] && awk -v t="$1" -v t0="$2" 'BEGIN {printf "%d", (t * 1e6 - t0) / 1000}' || echo -; }
median() { sort -n | awk '$1 != "-" {a[++n]=$1} END {if (n) print (n % 2 ? a[(n+1)/2] : int((a[n/2] + a[n/2+1]) / 2)); else print "-"}'; }
spread() { sort -n | awk '$1 != "-" {a[++n]=$1} END {if (n) printf "%s..%s", a[1], a[n]; else print "-"}'; }

isp_setup
secret=$(stanza_secret)
# The update server keeps its customers' AFTR tunnels; a fresh one per run,
# so that every run must register again (as after a reboot of the AFTR's
# customer: our router's ::feed would otherwise be let through at once).
update_server_restart() {
	local pid
	pid=$(<"$ISP_RUN/update-server.pid")
	kill "$pid" 2>/dev/null || :
	while kill -0 "$pid" 2>/dev/null; do read -r -t 0.05 -u "$NAPFD" || :; done
	local l
	for l in $(ip -n "$ISP_NS" -o link show type ip6tnl | awk -F': ' '{print $2}' | sed 's/@.*//'); do
		[[ $l == cust-* ]] && ip -n "$ISP_NS" link del "$l"
	done
	rm -f "$ISP_RUN/update.ready"
	ip netns exec "$ISP_NS" /usr/bin/python3 -I "$TOP/test/isp/update-server.py" \
		--config "$ISP_RUN/update.conf" --checkip-netns "/run/netns/$INET_NS" \
		--checkip-addr "$INET_ADDR" --ready "$ISP_RUN/update.ready" \
		</dev/null >>"$ISP_RUN/update-server.err" 2>&1 &
	echo $! >"$ISP_RUN/update-server.pid"
	wait_for 30 test -s "$ISP_RUN/update.ready"
}
exec {NAPFD}<> <(:)

# The seed's script, word for word but for the addresses (REMOTE, IPADDR,
# the credentials; with a literal URL the host in ping and curl).
seed_script() {
	local host=$1 urlhost=$2
	mkdir -p /opt/script
	cat >/opt/script/mkv6tun.sh <<-EOF
		#!/bin/bash
		PATH=\$PATH:/usr/sbin/
		DEV="\$1"
		TUN="\$2"
		REMOTE="$AFTR"
		IPADDR="$FIXED_IP"
		LOCAL=\`ip -6 a s dev \$DEV|sed -nr "s/^\\s+inet6 ([^(fe80)][0-9a-f:]*)\\/.*/\\1/p"\`
		USER="$TRANSIX_USER"
		PASS="$TRANSIX_PASSWORD"

		ip -6 tun add \$TUN mode ipip6 local \$LOCAL remote \$REMOTE dev \$DEV
		ip l se up \$TUN
		ip l se mtu 1460 dev \$TUN
		ip a ad dev \$TUN \$IPADDR
		ip r add default dev \$TUN

		while :; do
		ping -c1 -w1000 $host
		if [ \$? -ne 0 ] ; then
		sleep 1
		else
		logger update url: \`/usr/bin/curl -s "http://$urlhost/request?username=\${USER}&password=\${PASS}"\`
		break
		fi
		done&
	EOF
	chmod 755 /opt/script/mkv6tun.sh
}
seed_stanza() {
	cat >/etc/network/interfaces <<-EOF
		auto $WAN_IF
		iface $WAN_IF inet6 auto
		dhcp 1
		accept_ra 1
		pre-up /sbin/ip token set ::feed dev $WAN_IF
		post-up /opt/script/mkv6tun.sh $WAN_IF sit1
		post-down /sbin/ip li del sit1
	EOF
}

# one_run SIDE VARIANT: one ifup measured, then ifdown and a clean slate.
# Appends "side variant ifup appeared usable valid dns floor ipv4 after procs".
one_run() {
	local side=$1 variant=$2 out=/tmp/probe.out ready=/tmp/probe.ready t0 t1 p0 p1 pe
	rm -f "$ready" "$out"
	# Every run starts from nothing: no DNS known, no registration.
	echo "# bench: no resolver yet" >/etc/resolv.conf
	update_server_restart
	router_exec /usr/bin/python3 -I "$TOP/test/bench/probe.py" "$ROUTER_ADDR" "$INET_ADDR" \
		"$DNS6" "$ready" "$DEADLINE" >"$out" 2>/tmp/probe.err &
	local probe=$!
	wait_for 30 test -s "$ready"
	p0=$(lastpid)
	t0=$(now_us)
	router_exec ifup "$WAN_IF" >/dev/null 2>&1 || echo "bench: ifup failed ($side $variant)" >&2
	t1=$(now_us)
	p1=$(lastpid)
	wait "$probe" || cat /tmp/probe.err >&2
	local -A ev=()
	local k v
	while IFS='=' read -r k v; do ev[$k]=$v; done <"$out"
	local ifup=$(((t1 - t0) / 1000))
	local app use val dns ipv4 floor after procs
	app=$(since "${ev[feed_appeared]-}" "$t0")
	use=$(since "${ev[feed_usable]-}" "$t0")
	val=$(since "${ev[feed_valid]-}" "$t0")
	dns=$(since "${ev[dns]-}" "$t0")
	ipv4=$(since "${ev[ipv4]-}" "$t0")
	# What the kernel allows: ::feed usable (optimistic, or DAD done).
	floor=$use
	if [[ $variant == name ]]; then
		[[ $dns == - || $use == - ]] && floor=- || floor=$((dns > use ? dns : use))
	fi
	[[ $ipv4 != - && $floor != - ]] && after=$((ipv4 - floor)) || after=-
	pe=${ev[pid_ipv4]-$p1}
	((pe < p1)) && pe=$p1
	procs=$((pe - p0))
	printf '%-5s %-7s %6s %6s %6s %6s %6s %6s %6s %6s %5s\n' "$side" "$variant" "$ifup" "$app" \
		"$use" "$val" "$dns" "$floor" "$ipv4" "$after" "$procs" >>/tmp/bench.rows
	# Clean slate: the seed's background loop done, the interface down.
	wait_for 60 eval '! pgrep -f mkv6tun.sh >/dev/null'
	router_exec ifdown "$WAN_IF" >/dev/null 2>&1 || :
	wait_for 60 eval '! ip -n "$ROUTER_NS" link show "$WAN_IF" >/dev/null 2>&1'
	wait_for 60 eval '! pgrep -f transix-supervisor >/dev/null'
}

: >/tmp/bench.rows
for variant in name literal; do
	if [[ $variant == name ]]; then
		seed_script "$UPDATE_HOST" "$UPDATE_HOST"
	else
		seed_script "$UPDATE_ADDR" "[$UPDATE_ADDR]"
	fi
	for ((i = 0; i < RUNS; i++)); do
		seed_stanza
		one_run seed "$variant"
		if [[ $variant == name ]]; then
			stanza_write method manual -dhcp
		else
			stanza_write method manual -dhcp transix-update-url "http://[$UPDATE_ADDR]/request"
		fi
		one_run ours "$variant"
	done
done

# Ours with RFC 4429 optimistic DAD turned off (transix-optimistic-dad no):
# what the default's optimistic address gains, in the same boot.
stanza_write method manual -dhcp transix-update-url "http://[$UPDATE_ADDR]/request" \
	transix-optimistic-dad no
for ((i = 0; i < 3; i++)); do one_run ours nodad; done

cols="side  url     ifup   ::feed ::feed ::feed   DNS   floor   IPv4  IPv4-   procs"
sub="                    seen usable  valid  known               floor"
report "side by side, $RUNS runs each, alternating (ms after ifup starts; UML)"
report "$cols"
report "$sub"
while read -r line; do report "$line"; done </tmp/bench.rows
col() { awk -v s="$1" -v v="$2" -v c="$3" '$1 == s && $2 == v {print $c}' /tmp/bench.rows; }
for variant in name literal nodad; do
	for c in 3:ifup 4:feed_seen 5:feed_usable 6:feed_valid 8:floor 9:ipv4 10:ipv4_after_floor 11:procs; do
		n=${c%%:*} what=${c#*:}
		s=$(col seed "$variant" "$n" | median) o=$(col ours "$variant" "$n" | median)
		r=-
		[[ $s != - && $o != - && $s != 0 ]] && r=$(awk -v s="$s" -v o="$o" 'BEGIN {printf "%.2f", o / s}')
		report "$(printf 'median %-7s %-17s seed %6s (%s)  ours %6s (%s)  ours/seed %s' "$variant" "$what" \
			"$s" "$(col seed "$variant" "$n" | spread)" "$o" "$(col ours "$variant" "$n" | spread)" "$r")"
	done
done

# The idle supervisor after a run of ours (the ISP quiet: no RAs).
stanza_write method manual -dhcp
router_exec ifup "$WAN_IF" >/dev/null 2>&1
wait_for 90 eval 'router_checkip 1 >/dev/null'
pid=$(pgrep -f transix-supervisor)
isp_ra_stop
field() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
ctx=$(field "$pid" voluntary_ctxt_switches) nctx=$(field "$pid" nonvoluntary_ctxt_switches)
read -r -t 20 -u "$NAPFD" || :
report "idle supervisor: VmRSS $(field "$pid" VmRSS) kB, RssAnon $(field "$pid" RssAnon) kB, RssFile $(field "$pid" RssFile) kB"
report "idle supervisor: wakeups over 20 s without RAs: $(($(field "$pid" voluntary_ctxt_switches) - ctx)) voluntary, $(($(field "$pid" nonvoluntary_ctxt_switches) - nctx)) involuntary"
isp_ra_start
router_exec ifdown "$WAN_IF" >/dev/null 2>&1 || :
