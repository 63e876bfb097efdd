// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * transix-hook PHASE: what /etc/network/if-{pre-up,up,down,post-down}.d/transix
 * exec.  ifupdown (classic or ifupdown2) describes the stanza in the
 * environment: IFACE and one IF_<OPTION> per option.  The phase comes from
 * our own argv, because ifupdown2 names the phases differently.
 *
 *   pre-up     validate everything; set accept_ra/autoconf, optimistic DAD
 *              and the token
 *   up         start the supervisor; wait (tunnel-wait) until IPv4 works
 *   down       stop the supervisor; it removes the tunnel (we make sure)
 *   post-down  clear the token, put the optimistic DAD sysctls back
 *
 * Exit status (proto.h): 0, or 1 when ifup must fail (bad configuration, a
 * kernel refusal); 100 usage.  A slow ISP never fails ifup: the supervisor
 * carries on.
 */
#include "block.h"
#include "config.h"
#include "defroute.h"
#include "log.h"
#include "nft.h"
#include "proc.h"
#include "proto.h"
#include "rtnl.h"
#include "secret.h"
#include "state.h"
#include "wan.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define STOP_WAIT_MS	10000	/* how long a supervisor gets to tear down */

extern char **environ;

enum phase { PRE_UP, UP, DOWN, POST_DOWN };

/* Checks that need the system but change nothing: before any change, so
 * that a bad stanza leaves nothing half-configured. */
static int check_system(const struct transix_config *c, struct nl *nl)
{
	struct link_info li;
	char why[160];
	int ret;

	ret = link_get(nl, c->ifname, 0, &li);
	if (ret == -ENODEV) {
		log_err("iface %s: device %s does not exist", c->ifname, c->ifname);
		return -1;
	}
	if (ret < 0) {
		log_err("iface %s: cannot look up %s: %s", c->ifname, c->ifname,
			nl_strerror(nl, ret));
		return -1;
	}
	if (c->has_tunnel && link_get(nl, c->tunnel_name, 0, &li) == 0 &&
	    strcmp(li.kind, "ip6tnl")) {
		log_err("iface %s: option tunnel-name \"%s\": already used by a %s device", c->ifname,
			c->tunnel_name, li.kind[0] ? li.kind : "non-tunnel");
		return -1;
	}
	if (c->password_file[0] && secret_check_file(c->password_file, why, sizeof(why)) < 0) {
		log_err("iface %s: option transix-password-file \"%s\": %s", c->ifname,
			c->password_file, why);
		return -1;
	}
	if (c->has_inline_password) {
		const char *pw = getenv("IF_TRANSIX_PASSWORD");

		/* Caught here, not by the supervisor in "up" after the token is
		 * set; the value itself is never shown. */
		if (pw && strlen(pw) > MAX_PASSWORD) {
			log_err("iface %s: option transix-password: longer than %d bytes",
				c->ifname, MAX_PASSWORD);
			return -1;
		}
		log_warn("iface %s: transix-password is readable by every user in "
			 "/etc/network/interfaces; use transix-password-file", c->ifname);
	}
	return 0;
}

static int set_token(const struct transix_config *c, struct nl *nl, const struct in6_addr *tok)
{
	unsigned int ifindex = if_nametoindex(c->ifname);
	int ret;

	if (!ifindex)
		return -ENODEV;
	ret = wan_token_ensure(nl, ifindex, tok);
	if (ret < 0)
		log_err("iface %s: cannot set the interface token: %s", c->ifname,
			nl_strerror(nl, ret));
	return ret;
}

/* Issue 13: RFC 4429 for <prefix>::iid, set before the token (whose router
 * solicitation brings the RA that makes the address).  The iid is unique
 * by contract, so DAD is a formality the tunnel and the request need not
 * wait for; "transix-optimistic-dad no" keeps the kernel's normal DAD.
 * Put back in post-down.  Never fatal: a kernel without
 * CONFIG_IPV6_OPTIMISTIC_DAD just waits for DAD as before. */
static void optimistic_dad(const struct transix_config *c)
{
	char path[256];
	int forwarding = 0, ret;

	if (!c->has_iid || !c->optimistic_dad)
		return;
	mkdir(STATE_DIR, 0755);
	if ((ret = state_path(path, sizeof(path), c->ifname, "optdad")) == 0)
		ret = optimistic_dad_enable(c->ifname, path);
	if (ret < 0) {
		log_warn("iface %s: cannot turn on optimistic DAD (net.ipv6.conf.%s."
			 "optimistic_dad): %s; the address waits for DAD", c->ifname, c->ifname,
			 strerror(-ret));
		return;
	}
	if (sysctl_ipv6_get("all", "forwarding", &forwarding) == 0 && forwarding)
		log_info("iface %s: net.ipv6.conf.all.forwarding is 1: the kernel does not "
			 "use optimistic DAD, the address waits for DAD", c->ifname);
}

static void optimistic_dad_put_back(const struct transix_config *c)
{
	char path[256];
	int ret;

	if (state_path(path, sizeof(path), c->ifname, "optdad") == 0 &&
	    (ret = optimistic_dad_restore(c->ifname, path)) < 0 && ret != -ENODEV)
		log_warn("iface %s: cannot put back net.ipv6.conf.%s.optimistic_dad: %s",
			 c->ifname, c->ifname, strerror(-ret));
}

static int pre_up(const struct transix_config *c, struct nl *nl)
{
	if (check_system(c, nl) < 0)
		return -1;
	/* SLAAC: for the token, and for the address the tunnel and the
	 * registration use unless tunnel-local names one (ifupdown2 has no
	 * inet6 auto; "inet6 manual" leaves RAs as they are). */
	if (c->has_iid || c->provision ||
	    ((c->has_tunnel || c->has_registration) && !c->has_local)) {
		int ret = slaac_enable(c->ifname);

		if (ret < 0) {
			log_err("iface %s: cannot enable SLAAC (net.ipv6.conf.%s.*): %s", c->ifname,
				c->ifname, strerror(-ret));
			return -1;
		}
		optimistic_dad(c);
		if (c->has_iid && set_token(c, nl, &c->iid) < 0)
			return -1;
	}
	return 0;
}

/* Stops a running supervisor: SIGTERM tears down, SIGUSR1 just exits.
 * Only the live holder of the pid file's lock is signalled, through a
 * pidfd; waits for its exit on that pidfd (no polling), at most
 * STOP_WAIT_MS.  The caller has validated ifname: it names a file. */
static void stop_supervisor(const char *ifname, int sig)
{
	struct pollfd pfd = { .events = POLLIN };
	char path[256];
	pid_t pid = 0;
	int ret;

	if (state_path(path, sizeof(path), ifname, "pid") < 0)
		return;
	ret = pidlock_signal(path, sig, &pid, &pfd.fd);
	if (ret < 0)
		log_warn("iface %s: cannot signal the supervisor: %s", ifname, strerror(-ret));
	if (ret <= 0)
		return;
	if (poll(&pfd, 1, STOP_WAIT_MS) != 1) {
		/* Hung: the down hook deletes the tunnel itself after this. */
		log_warn("iface %s: supervisor %ld did not stop; killing it", ifname, (long)pid);
		pidfd_signal(pfd.fd, SIGKILL);
		poll(&pfd, 1, STOP_WAIT_MS);
	}
	close(pfd.fd);
}

static pid_t spawn_supervisor(int notify_fd)
{
	char prog[] = "transix-supervisor";
	char *const argv[] = { prog, NULL };
	/* A daemon: own session, no terminal, no inherited stdout (ifup's
	 * callers may wait for EOF on it).  The notification pipe is fd 3. */
	const int fds[] = { -1, -1, -1, notify_fd };

	setenv(NOTIFY_FD_ENV, "3", 1);
	return spawn_clean(PKGLIBEXECDIR "/transix-supervisor", argv, environ, fds, NOTIFY_FD + 1,
			   SPAWN_SETSID);
}

/* Reads the supervisor's progress until "ready"/"error" or the deadline. */
static int up(const struct transix_config *c)
{
	char buf[1024], last[1024] = "no word from the supervisor";
	size_t used = 0;
	msec_t deadline;
	int fds[2], ret = 0;
	pid_t pid;

	if (!c->has_tunnel && !c->has_registration && !c->provision)
		return 0;
	/* ifup --force on a working interface: the new supervisor takes over
	 * the tunnel as it is; the old one must not tear it down. */
	stop_supervisor(c->ifname, SIGUSR1);

	if (pipe2(fds, O_CLOEXEC) < 0) {
		log_err("iface %s: pipe: %s", c->ifname, strerror(errno));
		return -1;
	}
	pid = spawn_supervisor(fds[1]);
	close(fds[1]);
	if (pid < 0) {
		log_err("iface %s: cannot start the supervisor: %s", c->ifname, strerror((int)-pid));
		close(fds[0]);
		return -1;
	}
	if (c->wait == 0) {
		/* Asked not to wait: configuration errors were found in pre-up;
		 * everything else is the supervisor's to report, in syslog. */
		close(fds[0]);
		log_info("iface %s: supervisor started (tunnel-wait 0: not waiting)", c->ifname);
		return 0;
	}
	deadline = clock_ms() + c->wait * SEC;
	for (;;) {
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		msec_t left = deadline - clock_ms();
		char *nl;
		ssize_t n;

		if (left <= 0) {
			log_warn("iface %s: not ready after tunnel-wait %u s: %s; "
				 "the supervisor carries on in the background",
				 c->ifname, c->wait, last);
			break;
		}
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		n = read(fds[0], buf + used, sizeof(buf) - 1 - used);
		if (n <= 0) {
			log_err("iface %s: the supervisor exited: %s", c->ifname, last);
			ret = -1;
			break;
		}
		used += (size_t)n;
		buf[used] = '\0';
		while ((nl = strchr(buf, '\n'))) {
			*nl = '\0';
			const char *text = strchr(buf, ' ') ? strchr(buf, ' ') + 1 : "";

			if (!strncmp(buf, NOTIFY_READY " ", strlen(NOTIFY_READY " "))) {
				log_info("iface %s: %s", c->ifname, text);
				goto out;
			}
			if (!strncmp(buf, NOTIFY_ERROR " ", strlen(NOTIFY_ERROR " "))) {
				log_err("iface %s: %s", c->ifname, text);
				ret = -1;
				goto out;
			}
			if (!strncmp(buf, NOTIFY_WAITING " ", strlen(NOTIFY_WAITING " ")))
				snprintf(last, sizeof(last), "%s", text);
			used -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, used + 1);
		}
		if (used == sizeof(buf) - 1)
			used = 0;	/* an absurd line: drop it */
	}
out:
	close(fds[0]);
	/* On "error" the supervisor has rolled back and is exiting. */
	if (ret < 0)
		waitpid(pid, NULL, 0);
	return ret;
}

/* Issue 10: what the supervisor removes at ifdown, in case it is gone:
 * our nftables table (by its name) and the block's LAN route. */
static void down_extras(const struct transix_config *c, struct nl *nl)
{
	struct nft_table t;
	char err[200];
	unsigned int lan;

	/* Looked up first: a kernel without nftables has nothing to remove,
	 * and no warning to give. */
	if (nft_table_open(&t, c->ifname, false) == 0) {
		if (nft_table_exists(&t) && nft_table_remove(&t, err, sizeof(err)) < 0)
			log_warn("iface %s: cannot delete nftables table ip %s: %s", c->ifname,
				 t.name, err);
		nft_table_close(&t);
	}
	if (c->has_block && (lan = if_nametoindex(c->block_lan)))
		block_route_delete(nl, c->block, c->block_plen, lan);
}

/* ifdown: the supervisor deletes the tunnel; if it is gone (crashed,
 * killed), we do it, and only a tunnel of our kind under our name. */
static int down(const struct transix_config *c, struct nl *nl)
{
	struct defroute4 r;
	struct status st;
	bool left;
	int ret;

	stop_supervisor(c->ifname, SIGTERM);
	/* A supervisor that tore down removed its state: what is left is a
	 * crashed (or killed) one's, with the default route it replaced. */
	left = state_read(c->ifname, &st) == 0;
	state_remove(c->ifname);
	down_extras(c, nl);	/* issue 10: remove at teardown (supervisor gone) */
	/* Issue 14: a provisioned tunnel has the stanza's name too. */
	if (!c->has_tunnel && !c->provision)
		return 0;
	ret = wan_tunnel_remove(nl, c->tunnel_name);
	if (ret < 0)
		log_warn("iface %s: cannot delete tunnel %s: %s", c->ifname, c->tunnel_name,
			 nl_strerror(nl, ret));
	if (left && st.default_before[0]) {
		if (defroute4_parse(st.default_before, &r) < 0)
			ret = -EINVAL;
		else
			ret = defroute4_restore(nl, &r);
		if (ret < 0)
			log_warn("iface %s: cannot put back the IPv4 default route %s: %s", c->ifname,
				 st.default_before, nl_strerror(nl, ret));
		else
			log_info("iface %s: put back the IPv4 default route %s", c->ifname,
				 st.default_before);
	}
	return 0;
}

static int post_down(const struct transix_config *c, struct nl *nl)
{
	const struct in6_addr none = IN6ADDR_ANY_INIT;

	/* Leave the WAN as we found it; a deleted VLAN took its token along. */
	/* Issue 14: the token a provisioning answer set is ours too. */
	if ((c->has_iid || c->provision) && if_nametoindex(c->ifname))
		set_token(c, nl, &none);
	optimistic_dad_put_back(c);
	return 0;
}

/* Issue 12: "transix-hook check", for ifupdown2's "ifquery --check" (our
 * addon module): one JSON object on stdout, for each option we can compare
 * with the kernel, {"have": what the kernel has or null, "ok": equal}.
 * Values are ours (parsed, printed by inet_ntop/printf): nothing from the
 * stanza is echoed unparsed.  Changes nothing. */
static void check_item(bool *first, const char *option, const char *have, bool ok)
{
	printf("%s\"%s\":{\"have\":", *first ? "" : ",", option);
	if (have)
		printf("\"%s\"", have);
	else
		printf("null");
	printf(",\"ok\":%s}", ok ? "true" : "false");
	*first = false;
}

static int check(const struct transix_config *c, struct nl *nl)
{
	char buf[INET6_ADDRSTRLEN + 16];
	struct link_info li;
	bool first = true, tun;

	printf("{");
	if (c->has_iid) {
		struct in6_addr tok;
		unsigned int ifindex = if_nametoindex(c->ifname);
		bool got = ifindex && token_get(nl, ifindex, &tok) == 0;

		check_item(&first, "iid", got ? inet_ntop(AF_INET6, &tok, buf, sizeof(buf)) : NULL,
			   got && !memcmp(&tok, &c->iid, sizeof(tok)));
	}
	if (c->has_tunnel) {
		tun = link_get(nl, c->tunnel_name, 0, &li) == 0 && !strcmp(li.kind, "ip6tnl");
		check_item(&first, "tunnel-name", tun ? li.name : NULL, tun);
		if (!c->remote_is_name)
			check_item(&first, "tunnel-remote",
				   tun ? inet_ntop(AF_INET6, &li.tnl_remote, buf, sizeof(buf)) : NULL,
				   tun && !memcmp(&li.tnl_remote, &c->remote, sizeof(c->remote)));
		if (c->has_local)
			check_item(&first, "tunnel-local",
				   tun ? inet_ntop(AF_INET6, &li.tnl_local, buf, sizeof(buf)) : NULL,
				   tun && !memcmp(&li.tnl_local, &c->local, sizeof(c->local)));
		snprintf(buf, sizeof(buf), "%u", tun ? li.mtu : 0);
		check_item(&first, "tunnel-mtu", tun ? buf : NULL, tun && li.mtu == c->mtu);
	}
	printf("}\n");
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const phases[] = { "pre-up", "up", "down", "post-down" };
	const char *iface = getenv("IFACE");
	struct transix_config cfg;
	char err[512], **names;
	struct nl nl;
	int phase = -1, ret;

	/* Issue 12, front ends.  "ifupdown-ng": run as ifupdown-ng's executor
	 * (/usr/libexec/ifupdown-ng/transix), which names the phase in $PHASE;
	 * its other phases (depend, create, post-up, pre-down, destroy) are
	 * nothing to us.  Otherwise the phase is our argv (an if-*.d hook). */
	const char *ng_phase = argc == 2 && !strcmp(argv[1], "ifupdown-ng") ? getenv("PHASE") : NULL;
	bool check_only = argc == 2 && !strcmp(argv[1], "check");	/* ifquery --check */

	for (int i = 0; argc == 2 && i < 4; i++)
		if (!strcmp(ng_phase ? ng_phase : argv[1], phases[i]))
			phase = i;
	if (ng_phase && phase < 0)
		return 0;
	if (check_only)
		phase = PRE_UP;		/* parsed like pre-up; see below */
	if (phase < 0) {
		fprintf(stderr, "usage: %s pre-up|up|down|post-down|ifupdown-ng|check (run by ifupdown)\n",
			argv[0]);
		return HOOK_USAGE;
	}
	/* ifupdown-ng also runs the if-*.d hooks (run-parts, with the same
	 * environment): there our executor does the work, once.  Only ng sets
	 * METHOD=none (a method neither classic ifupdown nor ifupdown2 has). */
	if (!ng_phase && !check_only && getenv("METHOD") && !strcmp(getenv("METHOD"), "none"))
		return 0;
	/* "ifup -a" runs hooks once more for the pseudo-interface --all. */
	if (!iface || !*iface || !strcmp(iface, "--all"))
		return 0;

	names = config_env_option_names(environ);
	ret = config_parse(&cfg, iface, config_env_lookup, NULL, (const char *const *)names,
			   err, sizeof(err));
	config_free_names(names);
	if (ret == 0)
		return 0;		/* not our stanza */
	/* stderr for whoever runs ifup, syslog for the record. */
	log_open(argv[0], NULL, LOG_TO_BOTH);
	if (ret < 0) {
		/* Down must still clean up what an earlier, valid stanza made --
		 * but an interface name that failed validation ("../../x") never
		 * becomes a path, and nothing is signalled for it. */
		log_err("%s", err);
		if (phase == DOWN && config_valid_ifname(iface))
			stop_supervisor(iface, SIGTERM);
		return phase == PRE_UP || phase == UP ? 1 : 0;
	}
	if ((ret = nl_open(&nl, 0)) < 0) {
		log_err("iface %s: cannot open rtnetlink: %s", iface, strerror(-ret));
		return 1;
	}
	if (check_only) {
		ret = check(&cfg, &nl);
		nl_close(&nl);
		return ret < 0 ? 1 : 0;
	}
	switch (phase) {
	case PRE_UP:
		ret = pre_up(&cfg, &nl);
		break;
	case UP:
		ret = up(&cfg);
		break;
	case DOWN:
		ret = down(&cfg, &nl);
		break;
	default:
		ret = post_down(&cfg, &nl);
	}
	/* ifup fails: no state is recorded and ifdown will not run, so the
	 * token set by pre-up goes too. */
	if (phase == UP && ret < 0)
		post_down(&cfg, &nl);
	nl_close(&nl);
	return ret < 0 ? 1 : 0;
}
