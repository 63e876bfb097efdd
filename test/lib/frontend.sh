# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Issue 12: one scenario set under the three front ends.  Source after
# isp.sh, assert.sh and stanza.sh.
#
#   frontend_use NAME      NAME = ifupdown (classic, what the guest has),
#                          ifupdown2 or ifupdown-ng: the latter two swapped
#                          into this scenario's throwaway root from Debian's
#                          own .deb ("make deps" puts them in test/.cache)
#   frontend_stanza [stanza_write ARGS]
#                          the README stanza ("inet6 manual") in the front
#                          end's spelling: ifupdown-ng gets transix-tunnel-X
#                          for every tunnel-X (its own "tunnel" executor
#                          would take tunnel-*)
#   frontend_opt NAME      an option's name in that spelling
#   ifupdown2_swap_in      ifupdown2 in place of classic ifupdown, our addon
#                          not enabled (frontend_use ifupdown2 enables it)

_frontend_deb() {
	local debs=("$TOP"/test/.cache/"$1"_*.deb)
	[[ -e ${debs[0]} ]] || fail "no $1 package in test/.cache: run 'make deps' as root"
	echo "${debs[0]}"
}

ifupdown2_swap_in() {
	local deb tmp p
	deb=$(_frontend_deb ifupdown2)
	step "replace ifupdown by ifupdown2"
	# Unpacked by hand, not installed: its postinst does networking work
	# of its own, and "dpkg-deb -x /" would replace the merged-/usr
	# symlinks (/lib, /sbin) with directories.
	dpkg --purge --force-depends ifupdown >/dev/null 2>&1
	tmp=$(mktemp -d)
	dpkg-deb -x "$deb" "$tmp"
	cp -a "$tmp/usr/share/ifupdown2" /usr/share/
	cp -a "$tmp/etc/network/ifupdown2" /etc/network/
	chmod 755 /usr/share/ifupdown2/__main__.py	# what its postinst does
	for p in ifup ifdown ifquery ifreload; do ln -sf /usr/share/ifupdown2/ifupdown2 "/usr/sbin/$p"; done
	# Its lock is /run/network/.lock: without the directory it says
	# "Another instance of this program is already running".
	mkdir -p /run/network
	assert_eq "$(readlink -f /usr/sbin/ifup)" /usr/share/ifupdown2/__main__.py "ifup is ifupdown2's"
}

frontend_use() {
	FRONTEND=$1
	local tmp deb p
	case $FRONTEND in
	ifupdown)
		assert_match "$(dpkg-query -W -f='${Status}' ifupdown)" "install ok installed" "classic ifupdown"
		;;
	ifupdown2)
		ifupdown2_swap_in
		# What interfaces-transix(5) tells the administrator to do:
		# ifupdown2 loads only the modules addons.conf names.
		[[ -e /usr/share/ifupdown2/addons/transix.py ]] || fail "our ifupdown2 addon is not installed"
		printf '%s,transix\n' pre-up up down post-down >>/etc/network/ifupdown2/addons.conf
		;;
	ifupdown-ng)
		deb=$(_frontend_deb ifupdown-ng)
		step "replace ifupdown by ifupdown-ng"
		dpkg --purge --force-depends ifupdown >/dev/null 2>&1
		tmp=$(mktemp -d)
		dpkg-deb -x "$deb" "$tmp"
		cp -a "$tmp"/sbin/. /usr/sbin/
		mkdir -p /usr/libexec/ifupdown-ng
		cp -a "$tmp/usr/libexec/ifupdown-ng/." /usr/libexec/ifupdown-ng/
		cp -a "$tmp/etc/network/ifupdown-ng.conf" /etc/network/
		[[ -x /usr/libexec/ifupdown-ng/transix ]] || fail "our ifupdown-ng executor is not installed"
		assert_eq "$(readlink -f /usr/sbin/ifup)" /usr/sbin/ifupdown "ifup is ifupdown-ng's"
		;;
	*) fail "frontend_use: unknown front end $FRONTEND" ;;
	esac
	export FRONTEND
}

frontend_opt() {
	if [[ $FRONTEND == ifupdown-ng && $1 == tunnel-* ]]; then
		echo "transix-$1"
	else
		echo "$1"
	fi
}

# shellcheck disable=SC2120 # optional arguments
frontend_stanza() {
	if [[ $FRONTEND == ifupdown2 ]]; then
		# Else ifupdown2's address module deletes the SLAAC address
		# (<prefix>::iid) on every later ifup and ifreload.
		stanza_write method manual -dhcp address-purge no "$@"
	else
		stanza_write method manual -dhcp "$@"
	fi
	if [[ $FRONTEND == ifupdown-ng ]]; then
		sed -i 's/^\ttunnel-/\ttransix-tunnel-/' /etc/network/interfaces
	fi
	sed 's/^/  interfaces: /' /etc/network/interfaces
}
