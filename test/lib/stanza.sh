# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The system under test's configuration, for the scenarios: the README's
# stanza for $WAN_IF, with per-scenario changes.  Source after isp.sh.
#
#   stanza_secret [PASSWORD]      root-owned 0600 password file; prints its path
#   stanza_write [OPTION VALUE | -OPTION]...
#       writes /etc/network/interfaces: "auto $WAN_IF", "iface $WAN_IF inet6
#       auto" and the README's options (dhcp 1, iid, tunnel-remote,
#       tunnel-address, transix-user, transix-password-file); each OPTION
#       VALUE pair sets or adds an option, -OPTION removes one.  The method
#       is the pseudo-option "method" (e.g. "method manual").

# shellcheck disable=SC2120 # optional arguments
stanza_secret() {
	local file=/etc/ifupdown-transix/$WAN_IF.secret
	mkdir -p /etc/ifupdown-transix
	(umask 077 && printf '%s\n' "${1-$TRANSIX_PASSWORD}" >"$file")
	echo "$file"
}

# shellcheck disable=SC2120 # optional arguments
stanza_write() {
	local -a names=(method dhcp iid tunnel-remote tunnel-address transix-user transix-password-file)
	local -A value=(
		[method]=auto [dhcp]=1 [iid]=$ROUTER_IID [tunnel-remote]=$AFTR
		[tunnel-address]=$FIXED_IP [transix-user]=$TRANSIX_USER
		[transix-password-file]=/etc/ifupdown-transix/$WAN_IF.secret
	)
	local name
	while (($#)); do
		if [[ $1 == -* ]]; then
			unset "value[${1#-}]"
			shift
			continue
		fi
		[[ -v value[$1] ]] || names+=("$1")
		value[$1]=$2
		shift 2
	done
	{
		echo "auto $WAN_IF"
		echo "iface $WAN_IF inet6 ${value[method]}"
		for name in "${names[@]}"; do
			[[ $name == method || ! -v value[$name] ]] && continue
			printf '\t%s %s\n' "$name" "${value[$name]}"
		done
	} >/etc/network/interfaces
}
