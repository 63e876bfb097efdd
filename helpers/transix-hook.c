// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * transix-hook PHASE: what /etc/network/if-{pre-up,up,down,post-down}.d/transix
 * exec.  ifupdown (classic or ifupdown2) describes the stanza in the
 * environment: IFACE and one IF_<OPTION> per option.  The phase comes from
 * our own argv, because ifupdown2 names the phases differently.
 *
 *   pre-up     validate everything; set accept_ra/autoconf and the token
 *   up         start the supervisor; wait (tunnel-wait) until IPv4 works
 *   down       stop the supervisor; it removes the tunnel (we make sure)
 *   post-down  clear the token
 *
 * Exit status: 0, or 1 when ifup must fail (bad configuration, a kernel
 * refusal).  A slow ISP never fails ifup: the supervisor carries on.
 */
#include "block.h"
#include "config.h"
#include "nft.h"
#include "log.h"
#include "rtnl.h"
#include "secret.h"
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STOP_WAIT_MS	10000	/* how long a supervisor gets to tear down */

extern char **environ;

enum phase { PRE_UP, UP, DOWN, POST_DOWN };

static long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

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
	if (c->has_inline_password)
		log_warn("iface %s: transix-password is readable by every user in "
			 "/etc/network/interfaces; use transix-password-file", c->ifname);
	return 0;
}

static int set_token(const struct transix_config *c, struct nl *nl, const struct in6_addr *tok)
{
	unsigned int ifindex = if_nametoindex(c->ifname);
	struct in6_addr current;
	int ret;

	if (!ifindex)
		return -ENODEV;
	/* Setting even the same token makes the kernel drop the addresses
	 * made from it: on a repeated ifup that would be an outage. */
	if (token_get(nl, ifindex, &current) == 0 && !memcmp(&current, tok, sizeof(current)))
		return 0;
	ret = token_set(nl, ifindex, tok);
	if (ret < 0)
		log_err("iface %s: cannot set the interface token: %s", c->ifname,
			nl_strerror(nl, ret));
	return ret;
}

static int pre_up(const struct transix_config *c, struct nl *nl)
{
	if (check_system(c, nl) < 0)
		return -1;
	/* SLAAC: for the token, and for the address the tunnel and the
	 * registration use unless tunnel-local names one (ifupdown2 has no
	 * inet6 auto; "inet6 manual" leaves RAs as they are). */
	if (c->has_iid || ((c->has_tunnel || c->has_registration) && !c->has_local)) {
		int ret = slaac_enable(c->ifname);

		if (ret < 0) {
			log_err("iface %s: cannot enable SLAAC (net.ipv6.conf.%s.*): %s", c->ifname,
				c->ifname, strerror(-ret));
			return -1;
		}
		if (c->has_iid && set_token(c, nl, &c->iid) < 0)
			return -1;
	}
	return 0;
}

/* Stops a running supervisor: SIGTERM tears down, SIGUSR1 just exits.
 * Waits for its exit on a pidfd (no polling), at most STOP_WAIT_MS. */
static void stop_supervisor(const char *ifname, int sig)
{
	pid_t pid = pidfile_read_live(ifname);
	struct pollfd pfd = { .events = POLLIN };

	if (!pid)
		return;
	pfd.fd = (int)syscall(SYS_pidfd_open, pid, 0);
	kill(pid, sig);
	if (pfd.fd >= 0) {
		if (poll(&pfd, 1, STOP_WAIT_MS) == 1) {
			close(pfd.fd);
			return;
		}
		close(pfd.fd);
	}
	/* Hung, or a kernel without pidfds (< 5.3): the down hook deletes the
	 * tunnel itself after this. */
	if (kill(pid, 0) == 0) {
		log_warn("iface %s: supervisor %ld did not stop; killing it", ifname, (long)pid);
		kill(pid, SIGKILL);
	}
}

static pid_t spawn_supervisor(int notify_fd)
{
	char prog[] = "transix-supervisor";
	char *const argv[] = { prog, NULL };
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	/* A daemon: own session, no terminal, no inherited stdout (ifup's
	 * callers may wait for EOF on it).  The notification pipe is fd 3. */
	setsid();
	if (dup2(notify_fd, 3) < 0)
		_exit(111);
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (devnull >= 0) {
		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(devnull, 2);
	}
	setenv("TRANSIX_NOTIFY_FD", "3", 1);
	execve(PKGLIBEXECDIR "/transix-supervisor", argv, environ);
	_exit(111);
}

/* Reads the supervisor's progress until "ready"/"error" or the deadline. */
static int up(const struct transix_config *c)
{
	char buf[1024], last[1024] = "no word from the supervisor";
	size_t used = 0;
	long deadline;
	int fds[2], ret = 0;
	pid_t pid;

	if (!c->has_tunnel && !c->has_registration)
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
		log_err("iface %s: cannot start the supervisor: %s", c->ifname, strerror(errno));
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
	deadline = monotonic_ms() + c->wait * 1000L;
	for (;;) {
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		long left = deadline - monotonic_ms();
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
			if (!strncmp(buf, "ready ", 6)) {
				log_info("iface %s: %s", c->ifname, buf + 6);
				goto out;
			}
			if (!strncmp(buf, "error ", 6)) {
				log_err("iface %s: %s", c->ifname, buf + 6);
				ret = -1;
				goto out;
			}
			if (!strncmp(buf, "waiting ", 8))
				snprintf(last, sizeof(last), "%s", buf + 8);
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
	struct link_info li;
	int ret;

	stop_supervisor(c->ifname, SIGTERM);
	state_remove(c->ifname);
	down_extras(c, nl);	/* issue 10: remove at teardown (supervisor gone) */
	if (!c->has_tunnel || link_get(nl, c->tunnel_name, 0, &li) < 0 ||
	    strcmp(li.kind, "ip6tnl"))
		return 0;
	ret = link_delete(nl, li.ifindex);
	if (ret < 0 && ret != -ENODEV)
		log_warn("iface %s: cannot delete tunnel %s: %s", c->ifname, c->tunnel_name,
			 nl_strerror(nl, ret));
	return 0;
}

static int post_down(const struct transix_config *c, struct nl *nl)
{
	const struct in6_addr none = IN6ADDR_ANY_INIT;

	/* Leave the WAN as we found it; a deleted VLAN took its token along. */
	if (c->has_iid && if_nametoindex(c->ifname))
		set_token(c, nl, &none);
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

	for (int i = 0; argc == 2 && i < 4; i++)
		if (!strcmp(argv[1], phases[i]))
			phase = i;
	if (phase < 0) {
		fprintf(stderr, "usage: %s pre-up|up|down|post-down (run by ifupdown)\n", argv[0]);
		return 100;
	}
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
		/* Down must still clean up what an earlier, valid stanza made. */
		log_err("%s", err);
		if (phase == DOWN)
			stop_supervisor(iface, SIGTERM);
		return phase == PRE_UP || phase == UP ? 1 : 0;
	}
	if ((ret = nl_open(&nl, 0)) < 0) {
		log_err("iface %s: cannot open rtnetlink: %s", iface, strerror(-ret));
		return 1;
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
