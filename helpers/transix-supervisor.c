// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * transix-supervisor: one per WAN interface, started by the up hook and
 * stopped by the down hook.  It converges the kernel on what the stanza
 * asks for -- the ipip6 tunnel from <prefix>::<iid> to the AFTR, its IPv4
 * address and default route -- and keeps the ISP's registration of that
 * address current.  It reacts to rtnetlink events (a late router
 * advertisement, a prefix change, the WAN going away, the tunnel deleted
 * behind our back) and otherwise sleeps in poll() with no timeout: idle, it
 * costs nothing.  The HTTP request runs in a short-lived child,
 * transix-register, so this process never loads libcurl.
 *
 * Configuration comes from the hook's environment (ifupdown's IF_* vars),
 * parsed by the same code as the hook's.  Readiness is reported to the hook
 * on the file descriptor named by $TRANSIX_NOTIFY_FD, one line at a time:
 * "waiting <why>", then "ready <summary>" or "error <message>".
 *
 * Signals: TERM/INT remove what we made and exit (ifdown); USR1 exits and
 * leaves everything in place (the hook replacing us on a repeated ifup);
 * HUP re-checks everything now.
 */
#include "block.h"
#include "config.h"
#include "log.h"
#include "nft.h"
#include "rtnl.h"
#include "secret.h"
#include "state.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RETRY_FIRST	5	/* seconds: first registration retry */
#define RETRY_CAP	600	/* seconds: retries never get rarer than this */
#define KERNEL_RETRY	30	/* seconds: after a failed kernel change */

extern char **environ;

typedef long long msec_t;
#define SEC 1000LL

struct supervisor {
	struct transix_config cfg;
	struct nl rq;			/* requests and dumps */
	struct nl mon;			/* event subscription */
	int sigfd;
	int notify_fd;			/* -1 once readiness has been told */
	bool dirty;			/* something changed: converge again */

	unsigned int wan_ifindex;
	bool have_remote;
	struct in6_addr remote;
	msec_t resolve_after;		/* next DNS try for a named remote */
	bool have_local;
	struct in6_addr local;
	unsigned int tunnel_ifindex;
	bool tunnel_created;		/* by this process: rolled back on failure */
	bool tunnel_ok;			/* tunnel, address and route as asked */
	msec_t kernel_retry_after;

	/* Registration: one child at a time; backoff on failure. */
	char password[MAX_PASSWORD + 1];	/* inline password only */
	pid_t reg_pid;
	int reg_fd;
	char reg_out[128];
	size_t reg_len;
	struct in6_addr reg_source;
	struct in6_addr reg_target;	/* the address retries are for */
	msec_t next_attempt;

	struct status st;
	char last_logged[256];		/* the waiting reason last logged */

	/* Issue 10: our nftables table and the fixed-IP block's LAN route. */
	struct nft_table nft;
	bool nft_open;
	bool nft_check;			/* an nftables event named our table */
	char nft_logged[256];		/* the last nftables/block error logged */
};


/* Milliseconds on a clock that counts suspend and never jumps. */
static msec_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (msec_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wall-clock time for the state file (what an administrator reads). */
static long wall(void)
{
	return (long)time(NULL);
}

/* Is the hook still waiting for our word?  It stops at tunnel-wait; from
 * then on an error is something to retry, not a reason to give up. */
static bool hook_waiting(struct supervisor *s)
{
	struct pollfd pfd = { .fd = s->notify_fd, .events = POLLOUT };

	if (s->notify_fd < 0)
		return false;
	/* A pipe whose reader has gone reports POLLERR. */
	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLERR | POLLHUP))) {
		close(s->notify_fd);
		s->notify_fd = -1;
		return false;
	}
	return true;
}

static void notify(struct supervisor *s, const char *what, const char *text)
{
	char line[300];
	int len;

	if (s->notify_fd < 0)
		return;
	len = snprintf(line, sizeof(line), "%s %s\n", what, text);
	if (write(s->notify_fd, line, (size_t)len) < 0 || strcmp(what, "waiting")) {
		close(s->notify_fd);
		s->notify_fd = -1;
	}
}

/* Logs a waiting reason once, not on every event that leaves it unchanged;
 * QUIET: only the status and the hook hear of it (it was logged already). */
#define QUIET (-1)
static void set_message(struct supervisor *s, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_message(struct supervisor *s, int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->st.message, sizeof(s->st.message), fmt, ap);
	va_end(ap);
	if (strcmp(s->last_logged, s->st.message)) {
		if (prio >= 0)
			logmsg(prio, "%s", s->st.message);
		snprintf(s->last_logged, sizeof(s->last_logged), "%s", s->st.message);
		if (prio != LOG_ERR)
			notify(s, "waiting", s->st.message);
	}
}

static void save_state(struct supervisor *s)
{
	const struct transix_config *c = &s->cfg;
	struct status *st = &s->st;
	bool registered = !strcmp(st->registration, "ok");

	st->pid = (long)getpid();
	st->updated = wall();
	snprintf(st->interface, sizeof(st->interface), "%s", c->ifname);
	if (c->has_iid)
		inet_ntop(AF_INET6, &c->iid, st->token, sizeof(st->token));
	if (s->have_local)
		inet_ntop(AF_INET6, &s->local, st->local, sizeof(st->local));
	else
		st->local[0] = '\0';
	if (c->has_tunnel) {
		snprintf(st->tunnel, sizeof(st->tunnel), "%s", c->tunnel_name);
		if (c->remote_is_name)
			snprintf(st->remote, sizeof(st->remote), "%s", c->remote_name);
		else
			inet_ntop(AF_INET6, &c->remote, st->remote, sizeof(st->remote));
		if (s->have_remote)
			inet_ntop(AF_INET6, &s->remote, st->remote_address,
				  sizeof(st->remote_address));
		inet_ntop(AF_INET, &c->address, st->address, INET_ADDRSTRLEN);
		snprintf(st->address + strlen(st->address), 4, "/%u", c->address_plen);
		st->mtu = c->mtu;
		if (c->encaplimit == ENCAPLIMIT_NONE)
			snprintf(st->encaplimit, sizeof(st->encaplimit), "none");
		else
			snprintf(st->encaplimit, sizeof(st->encaplimit), "%d", c->encaplimit);
	} else {
		snprintf(st->tunnel_state, sizeof(st->tunnel_state), "disabled");
	}
	if (!c->has_registration)
		snprintf(st->registration, sizeof(st->registration), "disabled");
	if (c->has_tunnel && !s->tunnel_ok)
		snprintf(st->health, sizeof(st->health), "down");
	else if (c->has_registration && !registered)
		snprintf(st->health, sizeof(st->health), s->st.last_success ? "degraded" : "down");
	else
		snprintf(st->health, sizeof(st->health), "ok");
	if (state_write(st) < 0)
		log_warn("cannot write state file under %s", STATE_DIR);
}

/* --- registration ---------------------------------------------------------- */

static bool registration_current(const struct supervisor *s)
{
	char addr[INET6_ADDRSTRLEN];

	if (!s->have_local || strcmp(s->st.registration, "ok"))
		return false;
	inet_ntop(AF_INET6, &s->local, addr, sizeof(addr));
	return !strcmp(addr, s->st.registered_address);
}

/* Milliseconds until retry number failures+1. */
static msec_t retry_delay(long failures)
{
	msec_t delay = RETRY_FIRST * SEC;
	unsigned int jitter;

	for (long i = 1; i < failures && delay < RETRY_CAP * SEC; i++)
		delay *= 2;
	if (delay > RETRY_CAP * SEC)
		delay = RETRY_CAP * SEC;
	/* +-20%, so that many routers restarting together do not hammer the
	 * update server in lockstep. */
	if (getrandom(&jitter, sizeof(jitter), GRND_NONBLOCK) != sizeof(jitter))
		jitter = (unsigned int)getpid();
	return delay - delay / 5 + (msec_t)(jitter % (unsigned int)(delay * 2 / 5 + 1));
}

static int get_password(struct supervisor *s, char *buf, size_t len)
{
	char why[160];
	int ret;

	if (s->cfg.has_inline_password) {
		snprintf(buf, len, "%s", s->password);
		return 0;
	}
	/* Read at every attempt: a corrected file is picked up without ifdown. */
	ret = secret_read_file(s->cfg.password_file, buf, len, why, sizeof(why));
	if (ret < 0)
		log_err("transix-password-file %s: %s", s->cfg.password_file, why);
	return ret;
}

static void start_registration(struct supervisor *s)
{
	char source[INET6_ADDRSTRLEN], timeout[16], password[MAX_PASSWORD + 2];
	int in[2], out[2];
	size_t plen;
	pid_t pid;

	if (get_password(s, password, sizeof(password)) < 0) {
		s->st.failures++;
		msec_t delay = retry_delay(s->st.failures);

		s->next_attempt = now() + delay;
		snprintf(s->st.last_result, sizeof(s->st.last_result), "password unavailable");
		snprintf(s->st.registration, sizeof(s->st.registration), "failed");
		s->st.next_retry = wall() + (long)(delay / SEC);
		return;
	}
	inet_ntop(AF_INET6, &s->local, source, sizeof(source));
	snprintf(timeout, sizeof(timeout), "%u", s->cfg.http_timeout);
	if (pipe2(in, O_CLOEXEC) < 0) {
		secret_wipe(password, sizeof(password));
		return;
	}
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		secret_wipe(password, sizeof(password));
		return;
	}
	pid = fork();
	if (pid == 0) {
		char prog[] = "transix-register", o_if[] = "--interface", o_src[] = "--source",
		     o_url[] = "--url", o_user[] = "--user", o_to[] = "--timeout";
		char *const argv[] = {
			prog, o_if, s->cfg.ifname, o_src, source, o_url, s->cfg.update_url,
			o_user, s->cfg.user, o_to, timeout, NULL,
		};
		/* A clean environment: not even the inline password's variable. */
		char path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
		char *const envp[] = { path, NULL };
		int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);

		dup2(in[0], 0);
		dup2(out[1], 1);
		if (devnull >= 0)
			dup2(devnull, 2);
		execve(PKGLIBEXECDIR "/transix-register", argv, envp);
		_exit(111);
	}
	close(in[0]);
	close(out[1]);
	if (pid < 0) {
		close(in[1]);
		close(out[0]);
		secret_wipe(password, sizeof(password));
		log_err("cannot start transix-register: %s", strerror(errno));
		s->next_attempt = now() + KERNEL_RETRY * SEC;
		return;
	}
	/* The pipe holds far more than one line: this write cannot block. */
	plen = strlen(password);
	password[plen] = '\n';
	if (write(in[1], password, plen + 1) < 0)
		log_warn("cannot hand the password to transix-register: %s", strerror(errno));
	secret_wipe(password, sizeof(password));
	close(in[1]);

	s->reg_pid = pid;
	s->reg_fd = out[0];
	s->reg_len = 0;
	s->reg_source = s->local;
	s->st.last_attempt = wall();
	s->st.next_retry = 0;
	snprintf(s->st.registration, sizeof(s->st.registration), "pending");
	log_info("registering %s with %s as %s", source, s->cfg.update_url, s->cfg.user);
}

static void finish_registration(struct supervisor *s)
{
	char source[INET6_ADDRSTRLEN];
	int status = 0;
	msec_t delay;

	close(s->reg_fd);
	s->reg_fd = -1;
	while (waitpid(s->reg_pid, &status, 0) < 0 && errno == EINTR)
		;
	s->reg_pid = 0;
	s->reg_out[s->reg_len] = '\0';
	s->reg_out[strcspn(s->reg_out, "\r\n")] = '\0';
	if (!s->reg_out[0])
		snprintf(s->reg_out, sizeof(s->reg_out), "no answer (exit status %d)",
			 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	snprintf(s->st.last_result, sizeof(s->st.last_result), "%s", s->reg_out);
	inet_ntop(AF_INET6, &s->reg_source, source, sizeof(source));

	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		snprintf(s->st.registration, sizeof(s->st.registration), "ok");
		snprintf(s->st.registered_address, sizeof(s->st.registered_address), "%s", source);
		s->st.last_success = wall();
		s->st.failures = 0;
		s->st.next_retry = 0;
		s->next_attempt = 0;
		log_info("registered %s: %s", source, s->reg_out);
	} else {
		s->st.failures++;
		delay = retry_delay(s->st.failures);
		s->next_attempt = now() + delay;
		s->st.next_retry = wall() + (long)(delay / SEC);
		snprintf(s->st.registration, sizeof(s->st.registration), "failed");
		log_warn("registration of %s failed (attempt %ld): %s; next try in %lld.%lld s",
			 source, s->st.failures, s->reg_out, delay / SEC, delay % SEC / 100);
	}
	s->dirty = true;
}

static void read_registration(struct supervisor *s)
{
	ssize_t n = read(s->reg_fd, s->reg_out + s->reg_len, sizeof(s->reg_out) - 1 - s->reg_len);

	if (n > 0) {
		s->reg_len += (size_t)n;
		if (s->reg_len < sizeof(s->reg_out) - 1)
			return;
	} else if (n < 0 && errno == EINTR) {
		return;
	}
	finish_registration(s);
}

static void stop_registration(struct supervisor *s)
{
	if (!s->reg_pid)
		return;
	kill(s->reg_pid, SIGTERM);
	close(s->reg_fd);
	s->reg_fd = -1;
	waitpid(s->reg_pid, NULL, 0);
	s->reg_pid = 0;
}

/* --- convergence ----------------------------------------------------------- */

static int resolve_remote(struct supervisor *s)
{
	struct addrinfo hints = { .ai_family = AF_INET6, .ai_socktype = SOCK_DGRAM };
	struct addrinfo *res;
	int ret;

	if (!s->cfg.remote_is_name) {
		s->remote = s->cfg.remote;
		s->have_remote = true;
		return 0;
	}
	if (s->have_remote || now() < s->resolve_after)
		return s->have_remote ? 0 : -EAGAIN;
	ret = getaddrinfo(s->cfg.remote_name, NULL, &hints, &res);
	if (ret) {
		s->resolve_after = now() + RETRY_FIRST * SEC;
		set_message(s, LOG_WARNING, "cannot resolve tunnel-remote %s: %s; retrying",
			    s->cfg.remote_name, gai_strerror(ret));
		return -EAGAIN;
	}
	s->remote = ((struct sockaddr_in6 *)(void *)res->ai_addr)->sin6_addr;
	s->have_remote = true;
	freeaddrinfo(res);
	return 0;
}

/* Finds the address the tunnel and the registration leave from. */
static enum addr_pick find_local(struct supervisor *s)
{
	struct addr6 list[MAX_ADDR6];
	int n = addr6_list(&s->rq, s->wan_ifindex, list, MAX_ADDR6);

	if (n < 0)
		return PICK_NONE;
	if (s->cfg.has_local) {
		s->local = s->cfg.local;
		return addr6_usable(list, n, &s->cfg.local) ? PICK_OK : PICK_NONE;
	}
	return addr6_pick_local(list, n, s->cfg.has_iid ? &s->cfg.iid : NULL, &s->local);
}

/* Makes the tunnel, its address and route what the stanza says. */
static int ensure_tunnel(struct supervisor *s, char *err, size_t errlen)
{
	const struct transix_config *c = &s->cfg;
	struct tunnel_params p = {
		.name = c->tunnel_name, .link = s->wan_ifindex, .local = s->local,
		.remote = s->remote, .encaplimit = c->encaplimit, .mtu = c->mtu,
	};
	struct link_info li;
	int ret = link_get(&s->rq, c->tunnel_name, 0, &li);

	if (ret == -ENODEV) {
		ret = tunnel_create(&s->rq, &p);
		if (ret < 0) {
			snprintf(err, errlen, "cannot create tunnel %s: %s", c->tunnel_name,
				 nl_strerror(&s->rq, ret));
			return ret;
		}
		log_info("created tunnel %s", c->tunnel_name);
		s->tunnel_created = true;
		ret = link_get(&s->rq, c->tunnel_name, 0, &li);
	}
	if (ret < 0) {
		snprintf(err, errlen, "cannot read tunnel %s: %s", c->tunnel_name,
			 nl_strerror(&s->rq, ret));
		return ret;
	}
	if (strcmp(li.kind, "ip6tnl")) {
		snprintf(err, errlen, "tunnel-name %s is taken by a device that is not ours (%s)",
			 c->tunnel_name, li.kind[0] ? li.kind : "no kind");
		return -EEXIST;
	}
	if (!tunnel_matches(&li, &p)) {
		/* changelink recomputes the MTU from the route to the remote,
		 * so the MTU is set after it. */
		ret = tunnel_change(&s->rq, li.ifindex, &p);
		if (ret == 0)
			ret = link_get(&s->rq, NULL, li.ifindex, &li);
		if (ret == 0 && li.mtu != c->mtu)
			ret = link_set_mtu(&s->rq, li.ifindex, c->mtu);
		if (ret < 0) {
			snprintf(err, errlen, "cannot update tunnel %s: %s", c->tunnel_name,
				 nl_strerror(&s->rq, ret));
			return ret;
		}
	}
	s->tunnel_ifindex = li.ifindex;
	ret = addr4_ensure_only(&s->rq, li.ifindex, c->address, c->address_plen);
	if (ret < 0) {
		snprintf(err, errlen, "cannot add address to %s: %s", c->tunnel_name,
			 nl_strerror(&s->rq, ret));
		return ret;
	}
	if (c->default_route && (ret = route4_default_ensure(&s->rq, li.ifindex)) < 0) {
		snprintf(err, errlen, "cannot add the default route via %s: %s", c->tunnel_name,
			 nl_strerror(&s->rq, ret));
		return ret;
	}
	return 0;
}

/* Issue 10: logs an nftables/block problem once, not on every event. */
static void extras_problem(struct supervisor *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void extras_problem(struct supervisor *s, const char *fmt, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	/* No timer: the next event (a link coming up, HUP) retries, and a
	 * kernel without nftables does not wake us every few seconds. */
	if (strcmp(text, s->nft_logged))
		log_err("%s; retrying at the next change", text);
	snprintf(s->nft_logged, sizeof(s->nft_logged), "%s", text);
}

/*
 * Issue 10, with the tunnel up: apply our nftables table (MSS clamp, NAT)
 * and route a fixed-IP block to its LAN.  Put the table back when an
 * nftables event said it was touched and it is no longer what we made
 * ("nft flush ruleset").  A failure here is logged and retried, never fatal:
 * the tunnel itself works without it.
 */
static void ensure_extras(struct supervisor *s)
{
	const struct transix_config *c = &s->cfg;
	char err[200];
	int ret;

	if (s->nft_open && (!s->nft.applied || s->nft_check)) {
		bool had = s->nft.applied;

		s->nft_check = false;
		if (!had || nft_table_intact(&s->nft) != 1) {
			if (nft_table_apply(&s->nft, c, err, sizeof(err)) < 0) {
				extras_problem(s, "cannot install nftables table ip %s: %s",
					       s->nft.name, err);
			} else {
				s->nft_logged[0] = '\0';
				if (had)
					log_warn("nftables table ip %s was removed or changed; put back",
						 s->nft.name);
				else
					log_info("installed nftables table ip %s", s->nft.name);
			}
		}
	}
	if (c->has_block) {
		unsigned int lan = if_nametoindex(c->block_lan);

		if (!lan)
			extras_problem(s, "tunnel-block-lan %s: no such device", c->block_lan);
		else if ((ret = block_route_ensure(&s->rq, c->block, c->block_plen, lan,
						   c->address)) < 0)
			extras_problem(s, "cannot route the block to %s: %s", c->block_lan,
				       nl_strerror(&s->rq, ret));
	}
}

/* Issue 10, at teardown: remove our table and the block's LAN route. */
static void teardown_extras(struct supervisor *s)
{
	const struct transix_config *c = &s->cfg;
	char err[200];
	unsigned int lan;

	if (s->nft_open && (s->nft.applied || nft_table_exists(&s->nft))) {
		if (nft_table_remove(&s->nft, err, sizeof(err)) < 0)
			log_err("cannot delete nftables table ip %s: %s", s->nft.name, err);
		else
			log_info("deleted nftables table ip %s", s->nft.name);
	}
	if (c->has_block && (lan = if_nametoindex(c->block_lan)) &&
	    block_route_delete(&s->rq, c->block, c->block_plen, lan) < 0)
		log_warn("cannot delete the route of the block to %s", c->block_lan);
}

/* all: ifdown (the tunnel is ours by name and kind); otherwise only what
 * this process created (a failed ifup). */
static void teardown(struct supervisor *s, bool all)
{
	struct link_info li;

	stop_registration(s);
	if (all || s->tunnel_created)
		teardown_extras(s);	/* issue 10: nftables table, block route */
	/* Deleting the tunnel takes its address and route with it. */
	if (s->cfg.has_tunnel && (all || s->tunnel_created) &&
	    link_get(&s->rq, s->cfg.tunnel_name, 0, &li) == 0 && !strcmp(li.kind, "ip6tnl")) {
		int ret = link_delete(&s->rq, li.ifindex);

		if (ret < 0 && ret != -ENODEV)
			log_err("cannot delete tunnel %s: %s", s->cfg.tunnel_name,
				nl_strerror(&s->rq, ret));
		else
			log_info("deleted tunnel %s", s->cfg.tunnel_name);
	}
}

/* Returns -1 on a fatal error before readiness (the hook fails ifup). */
static int converge(struct supervisor *s)
{
	const struct transix_config *c = &s->cfg;
	struct link_info wan;
	char err[256];
	char local[INET6_ADDRSTRLEN];
	enum addr_pick pick;
	int ret;

	s->dirty = false;
	s->tunnel_ok = false;
	if (link_get(&s->rq, c->ifname, 0, &wan) < 0) {
		s->wan_ifindex = 0;
		set_message(s, LOG_WARNING, "waiting for device %s to exist", c->ifname);
		snprintf(s->st.tunnel_state, sizeof(s->st.tunnel_state), "waiting");
		return 0;
	}
	s->wan_ifindex = wan.ifindex;

	/* A WAN device made anew (a VLAN re-created) has lost its token. */
	if (c->has_iid) {
		struct in6_addr token;

		if (token_get(&s->rq, wan.ifindex, &token) == 0 &&
		    memcmp(&token, &c->iid, sizeof(token)) &&
		    (ret = token_set(&s->rq, wan.ifindex, &c->iid)) < 0)
			log_warn("cannot set the token of %s: %s", c->ifname,
				 nl_strerror(&s->rq, ret));
	}

	pick = find_local(s);
	s->have_local = pick == PICK_OK;
	if (pick != PICK_OK) {
		char want[INET6_ADDRSTRLEN] = "a stable SLAAC address";

		if (c->has_local)
			inet_ntop(AF_INET6, &c->local, want, sizeof(want));
		else if (c->has_iid)
			inet_ntop(AF_INET6, &c->iid, want, sizeof(want));
		set_message(s, LOG_INFO, "waiting for %s on %s%s", want, c->ifname,
			    pick == PICK_TENTATIVE ? " (duplicate address detection)" : "");
		snprintf(s->st.tunnel_state, sizeof(s->st.tunnel_state), "waiting");
		return 0;
	}
	inet_ntop(AF_INET6, &s->local, local, sizeof(local));

	if (c->has_tunnel) {
		if (resolve_remote(s) < 0) {
			snprintf(s->st.tunnel_state, sizeof(s->st.tunnel_state), "waiting");
			return 0;
		}
		if (now() < s->kernel_retry_after)
			return 0;
		ret = ensure_tunnel(s, err, sizeof(err));
		if (ret < 0) {
			snprintf(s->st.tunnel_state, sizeof(s->st.tunnel_state), "error");
			snprintf(s->st.message, sizeof(s->st.message), "%s", err);
			if (hook_waiting(s)) {
				log_err("%s", err);
				notify(s, "error", err);
				return -1;
			}
			if (strcmp(s->last_logged, err)) {
				log_err("%s; retrying in %d s", err, KERNEL_RETRY);
				snprintf(s->last_logged, sizeof(s->last_logged), "%s", err);
			}
			s->kernel_retry_after = now() + KERNEL_RETRY * SEC;
			return 0;
		}
		s->tunnel_ok = true;
		snprintf(s->st.tunnel_state, sizeof(s->st.tunnel_state), "up");
		ensure_extras(s);	/* issue 10: apply ruleset when the tunnel is up */
	}

	if (c->has_registration && !s->reg_pid) {
		bool stale = c->reregister && s->st.last_success &&
			     wall() >= s->st.last_success + (long)c->reregister;

		if (!registration_current(s) || stale) {
			/* A new address (a prefix change) is registered at once;
			 * the backoff is for retries of one address. */
			if (memcmp(&s->reg_target, &s->local, sizeof(s->local))) {
				s->reg_target = s->local;
				s->st.failures = 0;
				s->next_attempt = 0;
			}
			if (now() >= s->next_attempt)
				start_registration(s);
		}
	}

	if (!c->has_registration || registration_current(s)) {
		if (c->has_tunnel)
			set_message(s, LOG_INFO, "%s up: %s from %s to %s", c->tunnel_name,
				    s->st.address, local, s->st.remote_address);
		else
			set_message(s, LOG_INFO, "%s registered", local);
		notify(s, "ready", s->st.message);
	} else if (s->reg_pid) {
		set_message(s, QUIET, "registering %s", local);
	} else {
		set_message(s, QUIET, "registration of %s failed: %s; retrying", local,
			    s->st.last_result);
	}
	return 0;
}

/* --- main loop ------------------------------------------------------------- */

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct supervisor *s = data;

	/* Address lifetimes are refreshed by every RA; that is an event we
	 * must look at (a prefix may have been deprecated), but only ours. */
	switch (nlh->nlmsg_type) {
	case RTM_NEWADDR:
	case RTM_DELADDR: {
		const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);

		if (ifa->ifa_index == s->wan_ifindex || ifa->ifa_index == s->tunnel_ifindex)
			s->dirty = true;
		break;
	}
	case RTM_NEWROUTE:
	case RTM_DELROUTE: {
		const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

		if (rtm->rtm_family == AF_INET && rtm->rtm_dst_len == 0)
			s->dirty = true;
		/* Issue 10: the block's LAN route (gone with the LAN link). */
		if (rtm->rtm_family == AF_INET && s->cfg.has_block &&
		    rtm->rtm_dst_len == s->cfg.block_plen)
			s->dirty = true;
		break;
	}
	default:
		s->dirty = true;	/* links: cheap to re-check, rare */
	}
	return MNL_CB_OK;
}

static int poll_timeout(const struct supervisor *s)
{
	msec_t t = now(), next = 0;

	if (s->cfg.has_registration && !s->reg_pid && s->have_local &&
	    !registration_current(s) && s->next_attempt)
		next = s->next_attempt;
	if (s->cfg.remote_is_name && !s->have_remote && (!next || s->resolve_after < next))
		next = s->resolve_after;
	if (s->kernel_retry_after > t && (!next || s->kernel_retry_after < next))
		next = s->kernel_retry_after;
	if (s->cfg.reregister && s->st.last_success && !s->reg_pid) {
		msec_t due = t + (s->st.last_success + (long)s->cfg.reregister - wall()) * SEC;

		if (!next || due < next)
			next = due;
	}
	if (!next)
		return -1;		/* idle: sleep until the kernel tells us */
	if (next <= t)
		return 0;
	return next - t > INT_MAX ? INT_MAX : (int)(next - t);
}

static int run(struct supervisor *s)
{
	for (;;) {
		int ret;

		if (s->dirty || poll_timeout(s) == 0) {
			if (converge(s) < 0)
				return -1;
			save_state(s);
		}
		/* After converge(): it may just have started a registration,
		 * whose answer must wake us however quiet the network is. */
		/* A negative fd (no registration running, no nftables table)
		 * is skipped by poll(). */
		struct pollfd pfd[4] = {
			{ .fd = nl_fd(&s->mon), .events = POLLIN },
			{ .fd = s->sigfd, .events = POLLIN },
			{ .fd = s->reg_fd, .events = POLLIN },
			/* issue 10: one more fd in the poll set for nftables events */
			{ .fd = s->nft_open ? nft_table_fd(&s->nft) : -1, .events = POLLIN },
		};

		ret = poll(pfd, 4, poll_timeout(s));
		if (ret < 0 && errno != EINTR)
			return -1;
		if (ret == 0)
			s->dirty = true;
		if (pfd[0].revents) {
			ret = nl_read_events(&s->mon, event_cb, s);
			/* The kernel dropped events: resync by a full look. */
			if (ret == -ENOBUFS)
				s->dirty = true;
		}
		if (s->reg_fd >= 0 && pfd[2].revents)
			read_registration(s);
		/* Issue 10: re-apply when our table disappears (checked in
		 * converge: our own apply also sends events). */
		if (pfd[3].fd >= 0 && pfd[3].revents && (ret = nft_table_read_events(&s->nft))) {
			s->nft_check = true;
			s->dirty = true;
			/* A socket that cannot be read would wake us for ever. */
			if (ret < 0) {
				log_err("cannot read nftables events: %s; no longer watching our table",
					strerror(-ret));
				nft_table_stop_events(&s->nft);
			}
		}
		if (pfd[1].revents) {
			struct signalfd_siginfo si;

			if (read(s->sigfd, &si, sizeof(si)) != sizeof(si))
				continue;
			switch (si.ssi_signo) {
			case SIGHUP:
				s->dirty = true;
				s->next_attempt = 0;
				break;
			case SIGUSR1:
				stop_registration(s);
				log_info("replaced; leaving the tunnel as it is");
				return 0;
			default:
				log_info("stopping");
				teardown(s, true);
				state_remove(s->cfg.ifname);
				return 0;
			}
		}
	}
}

static int setup(struct supervisor *s)
{
	char err[400];
	char **names = config_env_option_names(environ);
	sigset_t mask;
	const char *fd;
	int ret;

	ret = config_parse(&s->cfg, getenv("IFACE") ? getenv("IFACE") : "", config_env_lookup,
			   NULL, (const char *const *)names, err, sizeof(err));
	config_free_names(names);
	if (ret <= 0) {
		log_err("%s", ret < 0 ? err : "nothing to supervise");
		return -1;
	}
	log_set_ident(s->cfg.ifname);
	/* ifupdown's inet6 method ran after pre-up and may have turned RAs
	 * down again (accept_ra 1 on a forwarding router). */
	if ((s->cfg.has_iid || !s->cfg.has_local) && (ret = slaac_enable(s->cfg.ifname)) > 0)
		log_info("enabled SLAAC on %s (accept_ra/autoconf)", s->cfg.ifname);
	if (s->cfg.has_inline_password &&
	    secret_take_from_env(s->password, sizeof(s->password)) < 0) {
		log_err("transix-password: unusable");
		return -1;
	}

	fd = getenv("TRANSIX_NOTIFY_FD");
	s->notify_fd = fd ? atoi(fd) : -1;
	if (s->notify_fd >= 0 && fcntl(s->notify_fd, F_SETFD, FD_CLOEXEC) < 0)
		s->notify_fd = -1;
	s->reg_fd = -1;
	s->dirty = true;

	/* What the previous supervisor knew, so that "ifup" on a working
	 * interface does not register again. */
	if (state_read(s->cfg.ifname, &s->st) < 0)
		memset(&s->st, 0, sizeof(s->st));
	s->st.next_retry = 0;
	s->st.message[0] = '\0';
	if (!s->st.registration[0] || !strcmp(s->st.registration, "pending"))
		snprintf(s->st.registration, sizeof(s->st.registration), "pending");

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	s->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (s->sigfd < 0)
		return -1;

	if ((ret = nl_open(&s->rq, 0)) < 0 ||
	    (ret = nl_open(&s->mon, RTMGRP_LINK | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_IFADDR |
				    RTMGRP_IPV4_ROUTE)) < 0) {
		log_err("cannot open rtnetlink: %s", strerror(-ret));
		return -1;
	}
	/* Issue 10: the nftables table (MSS clamp, NAT) and its event socket. */
	if (nft_wanted(&s->cfg)) {
		if ((ret = nft_table_open(&s->nft, s->cfg.ifname, true)) < 0)
			log_err("cannot open nftables: %s; no MSS clamping or NAT", strerror(-ret));
		else
			s->nft_open = true;
	}
	if ((ret = pidfile_write(s->cfg.ifname)) < 0) {
		log_err("cannot write pid file under %s: %s", STATE_DIR, strerror(-ret));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct supervisor s;
	int ret;

	(void)argc;
	log_open(argv[0], getenv("IFACE"), isatty(2) ? LOG_TO_STDERR : LOG_TO_SYSLOG);
	if (setup(&s) < 0) {
		notify(&s, "error", "transix-supervisor could not start (see syslog)");
		return 111;
	}
	log_info("started");
	ret = run(&s);
	if (ret < 0) {
		/* Nothing half-done: what this run made goes again. */
		teardown(&s, false);
		state_remove(s.cfg.ifname);
	}
	secret_wipe(s.password, sizeof(s.password));
	return ret < 0 ? 1 : 0;
}
