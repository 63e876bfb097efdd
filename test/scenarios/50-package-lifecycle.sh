#!/bin/bash
# The package's life, with dpkg running its maintainer scripts: installed
# (by `test/uml/run --deb FILE`, or here from the package `make check`
# builds, `test/uml/run --pkg FILE`, in place of `make install`'s files),
# the stanza works; removing while the tunnel is up takes the tunnel down
# (prerm); after the remove without purge the hooks left behind as
# conffiles do nothing, so ifup/ifdown of the stanza and of an unrelated
# interface still succeed with no word from us; purge (postrm) leaves
# nothing of ours in /etc or /usr (the password directory included, with
# the file in it: that is what purge promises).  Without a package the
# scenario is SKIPPED (exit 77), never passed.
# uml-timeout: 300
set -eu
source "$TOP/test/lib/isp.sh"
source "$TOP/test/lib/assert.sh"

pkg=ifupdown-transix
libexec=/usr/libexec/ifupdown-transix
hooks=(/etc/network/if-{pre-up,up,down,post-down}.d/transix)
extra=/var/tmp/transix-pkg/ifupdown-transix.deb # test/uml/run --pkg
if [[ $(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null) == "install ok installed" ]]; then
	step "installed by dpkg -i (test/uml/run --deb)"
elif [[ -f $extra ]]; then
	step "make install's files replaced by the package: dpkg -i"
	make -s -C "$TOP" uninstall >/dev/null || fail "make uninstall failed"
	[[ ! -e $libexec/transix-hook ]] || fail "make uninstall left $libexec/transix-hook"
	out=$(DEBIAN_FRONTEND=noninteractive dpkg -i "$extra" 2>&1) || fail "dpkg -i failed: $out"
else
	echo "SKIP: no package to install (make check builds one; test/uml/run --pkg FILE or --deb FILE)"
	exit 77
fi
assert_eq "$(dpkg-query -W -f='${Status}' "$pkg")" "install ok installed" "package state"
[[ -x $libexec/transix-hook && -x /usr/sbin/transix-status ]] || fail "the project is not installed"
for h in "${hooks[@]}"; do [[ -x $h ]] || fail "no hook $h"; done
# Every file of the package, to check removal and purge against.
mapfile -t pkg_files < <(dpkg -L "$pkg")
((${#pkg_files[@]} > 10)) || fail "dpkg -L lists ${#pkg_files[@]} files"
conffiles=$(dpkg-query -W -f='${Conffiles}\n' "$pkg")
echo "$conffiles"
for h in "${hooks[@]}"; do assert_match "$conffiles" " $h [0-9a-f]{32}" "conffile $h"; done
assert_eq "$(stat -c '%a %U' /etc/ifupdown-transix)" "700 root" "password directory"
# No binary in /etc: the hooks are scripts.
for h in "${hooks[@]}"; do assert_eq "$(head -c 2 "$h")" "#!" "start of $h"; done

isp_setup
secret=/etc/ifupdown-transix/$WAN_IF.secret
(umask 077 && printf '%s\n' "$TRANSIX_PASSWORD" >"$secret")
# The WAN stanza, and an unrelated interface whose stanza has none of our
# options (the hooks run for it all the same).
ip -n "$ROUTER_NS" link add lan0 type veth peer name lan0p
cat >/etc/network/interfaces <<EOF
auto $WAN_IF
iface $WAN_IF inet6 auto
	dhcp 1
	iid $ROUTER_IID
	tunnel-remote $AFTR
	tunnel-address $FIXED_IP
	transix-user $TRANSIX_USER
	transix-password-file $secret

iface lan0 inet static
	address 192.0.2.1/24
EOF
tun=tx-$WAN_IF

# quiet CMD...: CMD must exit 0, and nothing it prints may come from us.
quiet() {
	local out rc=0
	out=$("$@" 2>&1) || rc=$?
	[[ -z $out ]] || echo "$out"
	((rc == 0)) || fail "exit $rc: $*"
	assert_no_match "$out" "transix" "output of '$*'"
}
# Ours under /usr: where a package installs (a walk of all of /usr under
# UML's hostfs would keep a host fd open per directory: too many).
ours_under_usr() {
	find /usr/bin /usr/sbin /usr/libexec /usr/share/doc /usr/share/man /usr/share/lintian \
		-xdev -name '*transix*'
	find /usr/lib /usr/share -maxdepth 1 -name '*transix*'
}
# (After syslog_sync: the sink has written all that was sent before.)
ours_in_syslog() { syslog_sync; grep -c 'transix' /var/log/syslog || :; }
# A hook run the way ifupdown runs it, with the stanza's options.
run_hook() {
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin IFACE="$WAN_IF" LOGICAL="$WAN_IF" ADDRFAM=inet6 \
		METHOD=auto MODE="$2" PHASE="$3" VERBOSITY=0 IF_DHCP=1 IF_IID="$ROUTER_IID" \
		IF_TUNNEL_REMOTE="$AFTR" IF_TUNNEL_ADDRESS="$FIXED_IP" IF_TRANSIX_USER="$TRANSIX_USER" \
		IF_TRANSIX_PASSWORD_FILE="$secret" "$1"
}
no_trace_of_stanza() { # what the hooks would have made is not there
	assert_fail ip -n "$ROUTER_NS" link show "$tun"
	assert_fail pgrep -f transix-supervisor
	assert_eq "$(ls /run/ifupdown-transix 2>/dev/null)" "" "files in /run/ifupdown-transix"
}

step "installed: the stanza works, the unrelated interface hears nothing from us"
router_exec ifup "$WAN_IF"
assert_eq "$(router_checkip)" "$FIXED_IP" "checkip"
assert_match "$(router_exec transix-status "$WAN_IF")" "^$WAN_IF: ok" "transix-status"
quiet router_exec ifup lan0
quiet router_exec ifdown lan0
router_exec ifdown "$WAN_IF"
no_trace_of_stanza
assert_fail router_checkip 2
# The syslog sink hears us: the "nothing from us" counts below can fail.
assert_match "$(ours_in_syslog)" "^[1-9]" "our lines in syslog after ifup/ifdown"

step "dpkg -r while the tunnel is up: the supervisor stops and takes its tunnel along"
router_exec ifup "$WAN_IF"
assert_eq "$(router_checkip)" "$FIXED_IP" "checkip"
out=$(dpkg -r "$pkg" 2>&1) || fail "dpkg -r failed: $out"
echo "$out"
assert_match "$out" "stopping the supervisor of $WAN_IF" "prerm's message"
no_trace_of_stanza
assert_fail router_checkip 2
assert_eq "$(dpkg-query -W -f='${Status}' "$pkg")" "deinstall ok config-files" "package state"
step "ifdown of the interface that was up: exit 0, nothing from us"
before=$(ours_in_syslog)
quiet router_exec ifdown "$WAN_IF"
assert_eq "$(ours_in_syslog)" "$before" "our lines in syslog"

step "removed: conffiles and password file stay, programs are gone"
for h in "${hooks[@]}"; do [[ -x $h ]] || fail "hook $h is gone"; done
assert_eq "$(cat "$secret")" "$TRANSIX_PASSWORD" "the password file"
assert_eq "$(stat -c '%a' /etc/ifupdown-transix)" 700 "password directory"
[[ ! -e $libexec ]] || fail "$libexec is still there"
assert_eq "$(ours_under_usr)" "" "our files under /usr"
for f in "${pkg_files[@]}"; do
	[[ -d $f || ! -e $f || $conffiles == *" $f "* ]] || fail "$f is still there"
done

step "removed: each hook with the stanza's options exits 0 and says nothing"
for h in "${hooks[@]}"; do
	case $h in
	*pre-up* | */if-up.d/*) hook_mode=start ;;
	*) hook_mode=stop ;;
	esac
	case $h in
	*pre-up*) phase=pre-up ;; */if-up.d/*) phase=post-up ;; */if-down.d/*) phase=pre-down ;; *) phase=post-down ;;
	esac
	out=$(run_hook "$h" "$hook_mode" "$phase" 2>&1) || fail "$h exited $?: $out"
	assert_eq "$out" "" "output of $h"
done

step "removed: ifup/ifdown of the stanza and of the unrelated interface: exit 0, nothing from us"
before=$(ours_in_syslog)
quiet router_exec ifup "$WAN_IF"
no_trace_of_stanza
assert_match "$(ip -n "$ROUTER_NS" token get dev "$WAN_IF")" "^token :: " "no token set"
quiet router_exec ifup lan0
quiet router_exec ifdown lan0
quiet router_exec ifdown "$WAN_IF"
no_trace_of_stanza
assert_eq "$(ours_in_syslog)" "$before" "our lines in syslog"

step "dpkg -P: nothing of ours left in /etc or /usr"
out=$(dpkg -P "$pkg" 2>&1) || fail "dpkg -P failed: $out"
echo "$out"
assert_match "$out" "deleting /etc/ifupdown-transix and the password files in it" "postrm's notice"
assert_eq "$(find /etc -xdev -name '*transix*')" "" "our files under /etc"
assert_eq "$(ours_under_usr)" "" "our files under /usr"
for f in "${pkg_files[@]}"; do [[ -d $f || ! -e $f ]] || fail "$f is still there"; done
[[ ! -e /etc/ifupdown-transix ]] || fail "/etc/ifupdown-transix is still there"
assert_fail dpkg-query -W "$pkg"
[[ ! -e /run/ifupdown-transix ]] || fail "/run/ifupdown-transix is still there"

step "purged: ifup/ifdown of both stanzas still work"
quiet router_exec ifup "$WAN_IF"
quiet router_exec ifup lan0
quiet router_exec ifdown lan0
quiet router_exec ifdown "$WAN_IF"
no_trace_of_stanza
