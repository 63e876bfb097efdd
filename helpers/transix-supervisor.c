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
#include "aftr.h"
#include "block.h"
#include "config.h"
#include "decide.h"
#include "dns.h"
#include "defroute.h"
#include "hb46pp.h"
#include "log.h"
#include "nft.h"
#include "proc.h"
#include "proto.h"
#include "provision.h"
#include "rtnl.h"
#include "rtnl-parse.h"
#include "secret.h"
#include "state.h"
#include "wan.h"

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
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* DNS when the stanza has none (inet6 manual, ifupdown2) or ifupdown's
 * one try at boot failed: the system's DHCPv6 client, run as ifupdown's
 * "dhcp 1" runs it (same pid and lease files), when the RA's O flag says
 * the servers come by stateless DHCPv6 and our names do not resolve. */
#define DHCLIENT	"/sbin/dhclient"
#define DHCP_AGAIN	60	/* seconds between two of its runs */
#define DNS_TIMEOUT_MS	2000	/* per server and try (2 tries): the loop waits */

/* Issue 14: provisioning (HB46PP), one transix-provision at a time.  The
 * answer in use is params; cfg's server-given fields follow it
 * (provision_apply). */
struct prov_run {
	pid_t pid;
	int fd;				/* its stdout and stderr */
	char out[512];
	size_t len;
	char state_path[256];		/* the kept answer */
	struct hb46pp_params params;
	bool have;			/* params valid: kept or fetched */
	enum prov_class logged;		/* the class last logged */
	bool logged_once;
};

struct supervisor {
	struct transix_config cfg;
	struct policy pol;
	struct sv_state sv;		/* the explicit state decide() works on */
	struct nl rq;			/* requests and dumps */
	struct nl mon;			/* event subscription */
	int sigfd;
	int notify_fd;			/* -1 once readiness has been told */
	int pid_fd;			/* holds the pid file's lock */
	int secret_fd;			/* inotify on the password file's directory */
	const char *secret_name;	/* the password file's name in it */
	bool dirty;			/* something changed: a pass now */
	msec_t deadline;		/* the next pass due by time; 0 = none */

	unsigned int wan_ifindex;
	bool have_remote;
	struct in6_addr remote;
	struct dns_answer answers;	/* a named remote's last answer, for the status */
	struct dns_query *lookup;	/* issue 9: running, in the poll set */
	struct aftr_probe probe;	/* issue 11: which of them carries traffic */
	int probe_fails;		/* silent rounds of the one in use, in a row */
	msec_t probe_at;		/* the next round; 0 = at the next lookup */
	bool probe_ok_said;		/* "answers" logged since the last change */
	bool have_local;
	struct in6_addr local;
	enum addr_pick pick;
	unsigned int tunnel_ifindex;
	bool tunnel_created;		/* by this process: rolled back on failure */

	/* DHCPv6 for DNS: one dhclient -1 at a time, watched on a pidfd. */
	pid_t dhcp_pid;
	int dhcp_fd;
	msec_t dhcp_after;
	bool dhcp_started;		/* one may run on as a daemon: stopped at ifdown */
	/* Issue 13: DNS first (dns_first()). */
	bool dns_checked;		/* our names were looked up once the O flag showed */
	bool dns_wait;			/* they did not resolve: a named registration
					 * waits for the dhclient started then */
	struct dns_query *names;	/* dns_first()'s lookup, while it runs */
	/* Issue 13: a transix-register started ahead (warm_registration()). */
	pid_t warm_pid;
	int warm_in;			/* its stdin: the source, then the password */
	int warm_out;			/* its stdout and stderr */
	int resolv_fd;			/* inotify on /etc while dns_wait (resolv_changed()) */

	/* Registration: one child at a time. */
	char *password;			/* inline password only; not in core dumps */
	pid_t reg_pid;
	int reg_fd;
	char reg_out[512];		/* its result line, then its log lines */
	size_t reg_len;

	struct status st;
	char last_logged[256];		/* the waiting reason last logged */

	/* Issue 10: our nftables table and the fixed-IP block's LAN route. */
	/* The table is applied and removed by transix-nft (issue 13: no
	 * libnftables in this process); we only watch its events. */
	struct nft_watch nft;
	bool nft_open;
	bool nft_check;			/* another process touched our table */
	bool nft_applied;
	bool nft_failed;		/* wait for the next change before retrying */
	bool nft_putback;		/* the running apply puts it back */
	pid_t nft_pid;			/* transix-nft running */
	int nft_fd;			/* its standard output */
	size_t nft_len;
	char nft_out[256];
	char nft_logged[256];		/* the last nftables/block error logged */

	struct prov_run prov;		/* issue 14 */
};

/* Wall-clock time for the state file (what an administrator reads). */
static long wall(void)
{
	return (long)time(NULL);
}

static unsigned int random_u32(void)
{
	unsigned int r;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		r = (unsigned int)getpid() ^ (unsigned int)clock_ms();
	return r;
}

/* transix-register's service arguments (service.h): "--service NAME" and
 * generic's --auth/--success; config_parse() checked them already. */
struct service_argv {
	char buf[SERVICE_ARGS][SERVICE_OK_MAX + 1];
	char *store[SERVICE_ARGS];
	char *argv[SERVICE_ARGS + 1];
};

static void register_service_args(const struct transix_config *c, struct service_argv *a)
{
	struct service_request req;

	for (int i = 0; i < SERVICE_ARGS; i++)
		a->store[i] = a->buf[i];
	memset(a->argv, 0, sizeof(a->argv));
	if (service_request_init(&req, c->service->name, *c->auth ? c->auth : NULL,
				 *c->success ? c->success : NULL, c->update_url, NULL, 0) == 0)
		service_args(&req, a->store, sizeof(a->buf[0]), a->argv);
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
	if (len >= (int)sizeof(line)) {
		line[sizeof(line) - 2] = '\n';
		len = (int)sizeof(line) - 1;
	}
	if (write(s->notify_fd, line, (size_t)len) < 0 || strcmp(what, NOTIFY_WAITING)) {
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
			notify(s, NOTIFY_WAITING, s->st.message);
	}
}

static void save_provision(struct supervisor *s);

/* The state file: the explicit states, as words. */
static void save_state(struct supervisor *s)
{
	const struct transix_config *c = &s->cfg;
	struct status *st = &s->st;
	bool registered = s->sv.reg == REG_OK;

	st->pid = (long)getpid();
	st->updated = wall();
	snprintf(st->interface, sizeof(st->interface), "%s", c->ifname);
	if (c->has_iid)
		inet_ntop(AF_INET6, &c->iid, st->token, sizeof(st->token));
	if (s->have_local)
		inet_ntop(AF_INET6, &s->local, st->local, sizeof(st->local));
	else
		st->local[0] = '\0';
	snprintf(st->tunnel_state, sizeof(st->tunnel_state), "%s",
		 tunnel_state_name(s->sv.tunnel));
	snprintf(st->registration, sizeof(st->registration), "%s", reg_state_name(s->sv.reg));
	/* The class stays shown while its retry runs: a refusal is still
	 * the news until an attempt ends otherwise. */
	snprintf(st->failure, sizeof(st->failure), "%s",
		 s->sv.reg == REG_FAILED || s->sv.reg == REG_RUNNING ?
		 fail_class_name(s->sv.fail) : "");
	if (c->has_tunnel) {
		snprintf(st->tunnel, sizeof(st->tunnel), "%s", c->tunnel_name);
		if (c->remote_is_name)
			snprintf(st->remote, sizeof(st->remote), "%s", c->remote_name);
		else
			inet_ntop(AF_INET6, &c->remote, st->remote, sizeof(st->remote));
		if (s->have_remote)
			inet_ntop(AF_INET6, &s->remote, st->remote_address,
				  sizeof(st->remote_address));
		else
			st->remote_address[0] = '\0';
		st->remote_answers[0] = '\0';
		for (int i = 0; c->remote_is_name && i < s->answers.n; i++) {
			char a[INET6_ADDRSTRLEN];
			size_t len = strlen(st->remote_answers);

			inet_ntop(AF_INET6, &s->answers.addr[i], a, sizeof(a));
			if (len + strlen(a) + 2 > sizeof(st->remote_answers))
				break;
			snprintf(st->remote_answers + len, sizeof(st->remote_answers) - len, "%s%s",
				 len ? "," : "", a);
		}
		st->remote_ttl = c->remote_is_name ? (long)s->answers.ttl : 0;
		st->remote_lookup = c->remote_is_name && s->sv.reresolve_at > 1 ?
				    wall() + (long)((s->sv.reresolve_at - clock_ms() + SEC - 1) / SEC) :
				    0;
		inet_ntop(AF_INET, &c->address, st->address, INET_ADDRSTRLEN);
		snprintf(st->address + strlen(st->address), 4, "/%u", c->address_plen);
		st->mtu = c->mtu;
		if (c->encaplimit == ENCAPLIMIT_NONE)
			snprintf(st->encaplimit, sizeof(st->encaplimit), "none");
		else
			snprintf(st->encaplimit, sizeof(st->encaplimit), "%d", c->encaplimit);
	}
	st->failures = s->sv.failures;
	st->next_retry = s->sv.reg == REG_FAILED && s->sv.next_attempt ?
			 wall() + (long)((s->sv.next_attempt - clock_ms() + SEC - 1) / SEC) : 0;
	if (c->has_tunnel && s->sv.tunnel != TUNNEL_UP)
		snprintf(st->health, sizeof(st->health), "down");
	else if (c->has_registration && !registered)
		snprintf(st->health, sizeof(st->health), st->last_success ? "degraded" : "down");
	else
		snprintf(st->health, sizeof(st->health), "ok");
	save_provision(s);	/* issue 14 */
	if (state_write(st) < 0)
		log_warn("cannot write state file under %s", STATE_DIR);
}

/* --- registration ---------------------------------------------------------- */

static int get_password(struct supervisor *s, char *buf, size_t len, char *why, size_t whylen)
{
	if (s->cfg.has_inline_password) {
		snprintf(buf, len, "%s", s->password);
		return 0;
	}
	/* Read at every attempt: a corrected file is picked up without ifdown. */
	return secret_read_file(s->cfg.password_file, buf, len, why, whylen);
}

static void registration_failed(struct supervisor *s, enum fail_class fail, const char *what,
				const char *detail);

static void dhclient_args(struct supervisor *s, char *pf, char *lf, size_t len)
{
	snprintf(pf, len, "/run/dhclient6.%s.pid", s->cfg.ifname);
	snprintf(lf, len, "/var/lib/dhcp/dhclient6.%s.leases", s->cfg.ifname);
}

/* Our names do not resolve: ask DHCPv6 for the DNS servers, if the RA
 * says that is where they are.  dhclient-script writes resolv.conf, as
 * for ifupdown's own "dhcp 1". */
static void want_dns(struct supervisor *s)
{
	char pf[64], lf[80], prog[] = "dhclient", o1[] = "-1", o6[] = "-6", oS[] = "-S",
	     opf[] = "-pf", olf[] = "-lf", path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
	char *const argv[] = { prog, o1, o6, oS, opf, pf, olf, lf, s->cfg.ifname, NULL };
	char *const envp[] = { path, NULL };
	const int fds[] = { -1, -1, -1 };
	bool other = false;
	pid_t pid;

	if (s->dhcp_fd >= 0 || !s->wan_ifindex || clock_ms() < s->dhcp_after)
		return;
	if (wan_ra_other_config(&s->rq, s->wan_ifindex, &other) < 0 || !other)
		return;
	s->dhcp_after = clock_ms() + DHCP_AGAIN * SEC;
	if (access(DHCLIENT, X_OK) < 0) {
		log_warn("names do not resolve and %s is not installed (isc-dhcp-client)", DHCLIENT);
		return;
	}
	dhclient_args(s, pf, lf, sizeof(pf));
	pid = spawn_clean(DHCLIENT, argv, envp, fds, 3, 0);
	if (pid < 0) {
		log_warn("cannot start %s: %s", DHCLIENT, strerror((int)-pid));
		return;
	}
	s->dhcp_pid = pid;
	s->dhcp_fd = (int)syscall(SYS_pidfd_open, pid, 0);
	s->dhcp_started = true;
	log_info("names do not resolve: asking for DNS servers by DHCPv6 (the RA's O flag)");
}

/* dhclient -1 has given up or gone to the background with an answer:
 * either way, try what needed a name now rather than at the backoff. */
static void dhcp_done(struct supervisor *s)
{
	int status = 0;

	close(s->dhcp_fd);
	s->dhcp_fd = -1;
	while (waitpid(s->dhcp_pid, &status, 0) < 0 && errno == EINTR)
		;
	s->dhcp_pid = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		log_info("DHCPv6 answered: trying again now");
	else
		log_info("no DHCPv6 answer (dhclient exit status %d)",
			 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	if (s->sv.reg == REG_FAILED && s->sv.fail == FAIL_TEMPORARY)
		s->sv.next_attempt = 0;
	/* Issue 14: the TXT lookup failed for want of DNS servers, maybe. */
	if (s->sv.prov == PROV_FAILED && s->sv.prov_fail != PCLASS_REFUSED &&
	    s->sv.prov_fail != PCLASS_LOCAL)
		s->sv.prov_next = 0;
	s->sv.resolve_at = 0;
	s->dirty = true;
}

/* ifdown: the dhclient we started, whether still trying or a daemon. */
static void stop_dhcp(struct supervisor *s)
{
	char pf[64], lf[80], prog[] = "dhclient", o6[] = "-6", ox[] = "-x", opf[] = "-pf",
	     path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
	char *const argv[] = { prog, o6, ox, opf, pf, s->cfg.ifname, NULL };
	char *const envp[] = { path, NULL };
	const int fds[] = { -1, -1, -1 };
	pid_t pid;

	if (s->dhcp_fd >= 0) {
		pidfd_signal(s->dhcp_fd, SIGTERM);
		close(s->dhcp_fd);
		s->dhcp_fd = -1;
		waitpid(s->dhcp_pid, NULL, 0);
	}
	if (!s->dhcp_started)
		return;
	dhclient_args(s, pf, lf, sizeof(pf));
	pid = spawn_clean(DHCLIENT, argv, envp, fds, 3, 0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

/* --- issue 13: DNS first --------------------------------------------------- */

/* The update URL's host if it is a name ("" for an IPv6 literal, or with no
 * registration).  The URL passed url_check_update_url(). */
static void update_host(const struct supervisor *s, char *host, size_t len)
{
	const char *p = strstr(s->cfg.update_url, "://");
	size_t n;

	host[0] = '\0';
	if (!s->cfg.has_registration || !p || p[3] == '[')
		return;
	p += 3;
	n = strcspn(p, ":/?#");
	if (n && n < len)
		snprintf(host, len, "%.*s", (int)n, p);
}

/* Our names are looked up the moment the RA's O flag shows (the address
 * may still be in DAD), not after a registration failed on them: if they
 * do not resolve, DHCPv6 is asked at once, and a named registration waits
 * for its answer rather than fail -- and log a "temporary" failure at
 * every boot -- before DHCPv6 had its chance.  With ifupdown's "dhcp 1"
 * the names resolve already and nothing starts.  No lookup is waited for
 * (issue 9): its sockets join the poll set (remote_pollfds). */

/* The name whose lookup tells whether DNS works for us; NULL: none. */
static const char *our_name(struct supervisor *s, char *host, size_t len)
{
	update_host(s, host, len);
	if (host[0])
		return host;
	if (s->cfg.remote_is_name && !s->have_remote)
		return s->cfg.remote_name;
	return s->cfg.provision ? "4over6.info" : NULL;
}

/* dhclient-script writes resolv.conf (cat > /etc/resolv.conf), then runs
 * on, and dhclient exits after it: go when the file is written.  (A
 * resolv.conf symlinked elsewhere: dhcp_done() as before.) */
static void resolv_watch(struct supervisor *s)
{
	if (!s->dns_wait || s->resolv_fd >= 0)
		return;
	s->resolv_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (s->resolv_fd >= 0 &&
	    inotify_add_watch(s->resolv_fd, "/etc", IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
		close(s->resolv_fd);
		s->resolv_fd = -1;
	}
}

static void names_done(struct supervisor *s, int ret)
{
	struct dns_answer ans;

	if (s->names) {
		if (ret >= 0)
			ret = dns_query_result(s->names, &ans);
		dns_query_free(s->names);
		s->names = NULL;
	}
	s->dirty = true;
	/* For provisioning any answer will do: 4over6.info need have no AAAA. */
	if (ret == 0 || (ret == -ENOENT && s->cfg.provision)) {
		if (s->dns_wait)
			log_info("resolv.conf has the DNS servers: going on");
		s->dns_wait = false;
		s->sv.resolve_at = 0;
		return;
	}
	if (s->dhcp_fd >= 0)
		return;		/* DHCPv6 asked already: its end, or resolv.conf */
	want_dns(s);
	s->dns_wait = s->dhcp_fd >= 0;
	resolv_watch(s);
}

static void names_lookup(struct supervisor *s)
{
	char host[MAX_HOSTNAME + 1];
	const char *name = our_name(s, host, sizeof(host));
	int ret;

	if (s->names)
		return;
	if (!name) {
		names_done(s, 0);
		return;
	}
	ret = dns_query_start(&s->names, name, DNS_TIMEOUT_MS, NULL);
	if (ret < 0 || dns_query_process(s->names, NULL, 0))
		names_done(s, ret);
}

static void dns_first(struct supervisor *s)
{
	char host[MAX_HOSTNAME + 1];
	bool other = false;

	if (!s->wan_ifindex) {
		s->dns_checked = false;		/* the WAN back: look again */
		return;
	}
	if (s->dns_checked || s->dhcp_fd >= 0 || s->names)
		return;
	if (!our_name(s, host, sizeof(host))) {
		s->dns_checked = true;
		return;
	}
	/* No RA yet (or no O flag): its flag change is an event; look then. */
	if (wan_ra_other_config(&s->rq, s->wan_ifindex, &other) < 0 || !other)
		return;
	s->dns_checked = true;
	names_lookup(s);
}

/* /etc changed while a named registration waits for DHCPv6: once
 * resolv.conf is new and our name resolves (names_done()), it goes without
 * waiting for dhclient-script and dhclient to finish. */
static void resolv_changed(struct supervisor *s)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool ours = false;
	ssize_t n;

	while ((n = read(s->resolv_fd, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)(void *)p;

			ours = ours || (ev->len && !strcmp(ev->name, "resolv.conf"));
			p += sizeof(*ev) + ev->len;
		}
	if (ours)
		names_lookup(s);
}

static bool dns_waiting(const struct supervisor *s);

/* The watch is not needed once DHCPv6 is over. */
static void resolv_unwatch(struct supervisor *s)
{
	if (s->resolv_fd >= 0 && !dns_waiting(s)) {
		close(s->resolv_fd);
		s->resolv_fd = -1;
	}
}

/* A named registration (a provisioning fetch, a named AFTR's lookup)
 * waits while dns_first()'s lookup runs, or the DHCPv6 it started. */
static bool dns_waiting(const struct supervisor *s)
{
	return s->names || (s->dns_wait && s->dhcp_fd >= 0);
}

/* Issue 13: the request ready before the address is.  While the first
 * registration waits for a usable address (no RA yet, or DAD), a
 * transix-register is started with "--source -": its exec and libcurl's
 * loading and initialisation happen meanwhile, and it waits on its stdin.
 * When the address is usable, start_warm() hands it the source and the
 * password (never argv), and it goes on as start_registration()'s child
 * would.  At most one; only for the first attempt (retries start anew). */
static void warm_registration(struct supervisor *s)
{
	char timeout[16], prog[] = "transix-register", o_if[] = "--interface",
	     o_src[] = "--source", dash[] = "-", o_url[] = "--url", o_user[] = "--user",
	     o_to[] = "--timeout", path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
	struct service_argv sa;

	register_service_args(&s->cfg, &sa);
	char *const argv[] = {
		prog, o_if, s->cfg.ifname, o_src, dash, o_url, s->cfg.update_url,
		o_user, s->cfg.user, o_to, timeout, sa.argv[0], sa.argv[1], sa.argv[2],
		sa.argv[3], sa.argv[4], sa.argv[5], NULL,
	};
	char *const envp[] = { path, NULL };
	int in[2], out[2];
	pid_t pid;

	if (!s->cfg.has_registration || s->warm_pid || s->reg_pid || !s->wan_ifindex ||
	    s->have_local || s->sv.reg != REG_IDLE)
		return;
	snprintf(timeout, sizeof(timeout), "%u", s->cfg.http_timeout);
	if (pipe2(in, O_CLOEXEC) < 0)
		return;		/* start_registration() will say it */
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return;
	}
	const int fds[] = { in[0], out[1], out[1] };

	pid = spawn_clean(PKGLIBEXECDIR "/transix-register", argv, envp, fds, 3, 0);
	close(in[0]);
	close(out[1]);
	if (pid < 0) {
		close(in[1]);
		close(out[0]);
		return;
	}
	s->warm_pid = pid;
	s->warm_in = in[1];
	s->warm_out = out[0];
}

static void stop_warm(struct supervisor *s)
{
	if (!s->warm_pid)
		return;
	/* EOF on its stdin: it exits (usage error, to a pipe nobody reads). */
	close(s->warm_in);
	close(s->warm_out);
	kill(s->warm_pid, SIGTERM);
	waitpid(s->warm_pid, NULL, 0);
	s->warm_pid = 0;
	s->warm_in = s->warm_out = -1;
}

/* Hands the waiting child the source and the password; false when there is
 * none or it is gone (start_registration() then, as before). */
static bool start_warm(struct supervisor *s)
{
	char line[INET6_ADDRSTRLEN + MAX_PASSWORD + 4], source[INET6_ADDRSTRLEN];
	char password[MAX_PASSWORD + 2], why[160];
	int len;
	ssize_t n;

	if (!s->warm_pid)
		return false;
	/* A problem with the file: start_registration() reads it again and says why. */
	if (get_password(s, password, sizeof(password), why, sizeof(why)) < 0)
		goto fail;
	inet_ntop(AF_INET6, &s->local, source, sizeof(source));
	len = snprintf(line, sizeof(line), "%s\n%s\n", source, password);
	secret_wipe(password, sizeof(password));
	/* One write below PIPE_BUF into an empty pipe: all or nothing. */
	n = len > 0 && (size_t)len < sizeof(line) ? write(s->warm_in, line, (size_t)len) : -1;
	secret_wipe(line, sizeof(line));
	if (n != len)
		goto fail;
	close(s->warm_in);
	s->reg_pid = s->warm_pid;
	s->reg_fd = s->warm_out;
	s->warm_pid = 0;
	s->warm_in = s->warm_out = -1;
	s->reg_len = 0;
	s->sv.reg = REG_RUNNING;
	s->st.last_attempt = wall();
	log_info("registering %s with %s as %s", source, s->cfg.update_url, s->cfg.user);
	return true;
fail:
	stop_warm(s);
	return false;
}

static void start_registration(struct supervisor *s)
{
	char source[INET6_ADDRSTRLEN], timeout[16], password[MAX_PASSWORD + 2], why[160];
	int in[2], out[2], ret;
	size_t plen;
	pid_t pid;

	if (get_password(s, password, sizeof(password), why, sizeof(why)) < 0) {
		char what[sizeof(s->cfg.password_file) + 200];

		snprintf(what, sizeof(what), "transix-password-file %s: %s", s->cfg.password_file,
			 why);
		registration_failed(s, FAIL_LOCAL, what, "");
		return;
	}
	inet_ntop(AF_INET6, &s->local, source, sizeof(source));
	snprintf(timeout, sizeof(timeout), "%u", s->cfg.http_timeout);
	if (pipe2(in, O_CLOEXEC) < 0) {
		ret = -errno;
		secret_wipe(password, sizeof(password));
		registration_failed(s, FAIL_TEMPORARY, "cannot start transix-register: pipe",
				    strerror(-ret));
		return;
	}
	if (pipe2(out, O_CLOEXEC) < 0) {
		ret = -errno;
		close(in[0]);
		close(in[1]);
		secret_wipe(password, sizeof(password));
		registration_failed(s, FAIL_TEMPORARY, "cannot start transix-register: pipe",
				    strerror(-ret));
		return;
	}
	char prog[] = "transix-register", o_if[] = "--interface", o_src[] = "--source",
	     o_url[] = "--url", o_user[] = "--user", o_to[] = "--timeout";
	struct service_argv sa;

	register_service_args(&s->cfg, &sa);
	char *const argv[] = {
		prog, o_if, s->cfg.ifname, o_src, source, o_url, s->cfg.update_url,
		o_user, s->cfg.user, o_to, timeout, sa.argv[0], sa.argv[1], sa.argv[2],
		sa.argv[3], sa.argv[4], sa.argv[5], NULL,
	};
	/* A clean environment: not even the inline password's variable. */
	char path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
	char *const envp[] = { path, NULL };
	/* stdout: the result line; stderr: its log lines, to us as well (its
	 * failure detail goes into our one log line, not to /dev/null). */
	const int fds[] = { in[0], out[1], out[1] };

	pid = spawn_clean(PKGLIBEXECDIR "/transix-register", argv, envp, fds, 3, 0);
	close(in[0]);
	close(out[1]);
	if (pid < 0) {
		close(in[1]);
		close(out[0]);
		secret_wipe(password, sizeof(password));
		registration_failed(s, FAIL_TEMPORARY, "cannot start transix-register",
				    strerror((int)-pid));
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
	s->sv.reg = REG_RUNNING;
	s->st.last_attempt = wall();
	/* Each attempt of a streak of one class is not news: the first is. */
	if (s->sv.streak <= 1)
		log_info("registering %s with %s as %s", source, s->cfg.update_url, s->cfg.user);
	else
		log_debug("registering %s with %s as %s (attempt %ld)", source, s->cfg.update_url,
			  s->cfg.user, s->sv.failures + 1);
}

/* One log line per change of failure class, not one per attempt: days of
 * outage must not flood syslog.  The status has every attempt. */
static void registration_failed(struct supervisor *s, enum fail_class fail, const char *what,
				const char *detail)
{
	char source[INET6_ADDRSTRLEN];
	msec_t delay;

	inet_ntop(AF_INET6, &s->sv.target, source, sizeof(source));
	snprintf(s->st.last_result, sizeof(s->st.last_result), "%s", what);
	delay = decide_registered(&s->sv, &s->pol, clock_ms(), fail, random_u32());
	if (s->sv.streak == 1)	/* a new class (or the first failure) */
		logmsg(fail == FAIL_TEMPORARY ? LOG_WARNING : LOG_ERR,
		       "registration of %s failed (attempt %ld): %s%s%s (%s); next try in %lld.%lld s",
		       source, s->sv.failures, what, *detail ? " " : "", detail,
		       fail_class_name(fail), delay / SEC, delay % SEC / 100);
	s->dirty = true;
}

static void finish_registration(struct supervisor *s)
{
	char source[INET6_ADDRSTRLEN], *line2, *detail = NULL;
	int status = 0, code;

	close(s->reg_fd);
	s->reg_fd = -1;
	while (waitpid(s->reg_pid, &status, 0) < 0 && errno == EINTR)
		;
	s->reg_pid = 0;
	s->reg_out[s->reg_len] = '\0';
	/* Line 1: the result; the last of the others: its log line's detail. */
	line2 = s->reg_out + strcspn(s->reg_out, "\r\n");
	if (*line2) {
		*line2++ = '\0';
		line2[strcspn(line2, "\r\n")] = '\0';
	}
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (!s->reg_out[0])
		snprintf(s->reg_out, sizeof(s->reg_out), "no answer (exit status %d)", code);
	/* Its log line is "...: <result line><detail>": keep the detail. */
	if (*line2 && s->reg_out[0])
		detail = strstr(line2, s->reg_out);
	if (detail) {
		detail += strlen(s->reg_out);
		detail += strspn(detail, " ");
	}
	inet_ntop(AF_INET6, &s->sv.target, source, sizeof(source));

	if (WIFEXITED(status) && code == REGISTER_OK) {
		snprintf(s->st.last_result, sizeof(s->st.last_result), "%s", s->reg_out);
		decide_registered(&s->sv, &s->pol, clock_ms(), FAIL_NONE, 0);
		snprintf(s->st.registered_address, sizeof(s->st.registered_address), "%s", source);
		s->st.last_success = wall();
		log_info("registered %s: %s", source, s->reg_out);
		s->dirty = true;
		return;
	}
	registration_failed(s, WIFEXITED(status) ? fail_class_of_exit(code) : FAIL_TEMPORARY,
			    s->reg_out, detail ? detail : "");
	if (!strncmp(s->reg_out, "cannot resolve ", 15))
		want_dns(s);
}

/* Reads what a child (transix-register, -provision, -nft) wrote on its
 * pipe into buf (size bytes, len so far, always NUL-terminable).  true
 * when it is over: EOF, a read error, or buf full. */
static bool read_child_output(int fd, char *buf, size_t size, size_t *len)
{
	ssize_t n = read(fd, buf + *len, size - 1 - *len);

	if (n > 0) {
		*len += (size_t)n;
		return *len >= size - 1;
	}
	return !(n < 0 && errno == EINTR);
}

static void read_registration(struct supervisor *s)
{
	if (read_child_output(s->reg_fd, s->reg_out, sizeof(s->reg_out), &s->reg_len))
		finish_registration(s);
}

static void stop_registration(struct supervisor *s)
{
	if (!s->reg_pid)
		return;
	/* It starts with every signal at its default (spawn_clean). */
	kill(s->reg_pid, SIGTERM);
	close(s->reg_fd);
	s->reg_fd = -1;
	waitpid(s->reg_pid, NULL, 0);
	s->reg_pid = 0;
	if (s->sv.reg == REG_RUNNING)
		s->sv.reg = REG_IDLE;
}

/* --- provisioning (issue 14, HB46PP) ---------------------------------------- */

/* After cfg's server-given fields changed: the tunnel follows at the next
 * pass (ensure_tunnel changes only what differs, the token is set by
 * read_facts, a new AFTR name is looked up). */
static void prov_changed(struct supervisor *s, bool new_remote)
{
	s->pol.tunnel = s->cfg.has_tunnel;
	if (new_remote) {
		s->have_remote = false;	/* a literal is put back by read_facts */
		memset(&s->answers, 0, sizeof(s->answers));
		s->sv.resolve_at = 0;
		s->sv.reresolve_at = 0;
	}
	s->nft_applied = false;		/* NAT to the new address */
	s->dirty = true;
}

/* Takes an answer (kept or fetched) into use.  false: unusable. */
static bool prov_use(struct supervisor *s, const struct hb46pp_params *p, const char *how)
{
	char why[128], sum[320], old_name[sizeof(s->cfg.remote_name)];
	struct in6_addr old_remote = s->cfg.remote;
	bool old_is_name = s->cfg.remote_is_name;
	int ret;

	snprintf(old_name, sizeof(old_name), "%s", s->cfg.remote_name);
	provision_summary(p, sum, sizeof(sum));
	ret = provision_apply(&s->cfg, p, why, sizeof(why));
	if (ret < 0) {
		log_err("%s: unusable answer (%s): %s", how, sum, why);
		return false;
	}
	s->prov.params = *p;
	s->prov.have = true;
	if (ret == 0) {
		log_debug("%s: unchanged, %s", how, sum);
		return true;
	}
	log_info("%s: %s (%s%s%s)", how, sum, p->enabler_name[0] ? p->enabler_name : "no enabler_name",
		 p->service_name[0] ? ", " : "", p->service_name);
	prov_changed(s, old_is_name != s->cfg.remote_is_name || strcmp(old_name, s->cfg.remote_name) ||
			(!old_is_name && memcmp(&old_remote, &s->cfg.remote, sizeof(old_remote))));
	return true;
}

/* One log line per change of class, not per attempt (as for the
 * registration); the status has every attempt. */
static void prov_finished(struct supervisor *s, enum prov_class cls, const char *result,
			  unsigned int ttl)
{
	msec_t delay = decide_provisioned(&s->sv, &s->pol, clock_ms(), cls, ttl, random_u32());

	snprintf(s->st.fetch_result, sizeof(s->st.fetch_result), "%s", result);
	if (!s->prov.logged_once || cls != s->prov.logged) {
		if (cls == PCLASS_NONE)
			log_info("provisioning answered: %s; next fetch in %lld s", result, delay / SEC);
		else
			logmsg(cls == PCLASS_REFUSED || cls == PCLASS_LOCAL ? LOG_ERR : LOG_WARNING,
			       "provisioning failed: %s (%s); next try in %lld s%s", result,
			       prov_class_name(cls), delay / SEC,
			       s->prov.have ? "; the kept answer stays in use" : "");
		s->prov.logged = cls;
		s->prov.logged_once = true;
	}
	/* No TXT record, no DNS, no server's name: maybe no DNS servers yet. */
	if (cls == PCLASS_DNS || cls == PCLASS_NO_TXT ||
	    (cls == PCLASS_TEMPORARY && !strncmp(result, "cannot resolve ", 15)))
		want_dns(s);
	s->dirty = true;
}

static void start_provision(struct supervisor *s)
{
	char source[INET6_ADDRSTRLEN], password[MAX_PASSWORD + 2], why[160];
	char prog[] = "transix-provision", o_if[] = "--interface", o_src[] = "--source",
	     o_state[] = "--state", o_srv[] = "--server", o_ca[] = "--ca-file", o_user[] = "--user",
	     o_pfd[] = "--password-fd", pfd[] = "3", path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
	char *argv[16], *const envp[] = { path, NULL };
	bool creds = s->cfg.user[0] != '\0';
	int in[2] = { -1, -1 }, out[2], n = 0;
	pid_t pid;

	if (creds && get_password(s, password, sizeof(password), why, sizeof(why)) < 0) {
		char what[sizeof(s->cfg.password_file) + 200];

		snprintf(what, sizeof(what), "transix-password-file %s: %s", s->cfg.password_file,
			 why);
		prov_finished(s, PCLASS_LOCAL, what, 0);
		return;
	}
	if ((creds && pipe2(in, O_CLOEXEC) < 0) || pipe2(out, O_CLOEXEC) < 0) {
		snprintf(why, sizeof(why), "cannot start transix-provision: pipe: %s", strerror(errno));
		if (in[0] >= 0) {
			close(in[0]);
			close(in[1]);
		}
		secret_wipe(password, sizeof(password));
		prov_finished(s, PCLASS_TEMPORARY, why, 0);
		return;
	}
	inet_ntop(AF_INET6, &s->local, source, sizeof(source));
	argv[n++] = prog;
	argv[n++] = o_if;
	argv[n++] = s->cfg.ifname;
	argv[n++] = o_src;
	argv[n++] = source;
	argv[n++] = o_state;
	argv[n++] = s->prov.state_path;
	if (s->cfg.provision_server[0]) {
		argv[n++] = o_srv;
		argv[n++] = s->cfg.provision_server;
	}
	if (s->cfg.provision_ca_file[0]) {
		argv[n++] = o_ca;
		argv[n++] = s->cfg.provision_ca_file;
	}
	if (creds) {
		argv[n++] = o_user;
		argv[n++] = s->cfg.user;
		argv[n++] = o_pfd;
		argv[n++] = pfd;
	}
	argv[n] = NULL;
	/* stdout: its summary; stderr: why it failed -- both to us.  The
	 * password on fd 3, never in argv or the environment. */
	const int fds[] = { -1, out[1], out[1], in[0] };

	pid = spawn_clean(PKGLIBEXECDIR "/transix-provision", argv, envp, fds, creds ? 4 : 3, 0);
	close(out[1]);
	if (creds) {
		close(in[0]);
		if (pid > 0) {
			size_t plen = strlen(password);

			/* A pipe holds far more than one line: cannot block. */
			password[plen] = '\n';
			if (write(in[1], password, plen + 1) < 0)
				log_warn("cannot hand the password to transix-provision: %s",
					 strerror(errno));
		}
		close(in[1]);
		secret_wipe(password, sizeof(password));
	}
	if (pid < 0) {
		close(out[0]);
		snprintf(why, sizeof(why), "cannot start transix-provision: %s", strerror((int)-pid));
		prov_finished(s, PCLASS_TEMPORARY, why, 0);
		return;
	}
	s->prov.pid = pid;
	s->prov.fd = out[0];
	s->prov.len = 0;
	s->sv.prov = PROV_RUNNING;
	s->st.last_fetch = wall();
	if (!s->sv.prov_failures)
		log_info("provisioning from %s%s%s", source,
			 s->cfg.provision_server[0] ? " with " : "", s->cfg.provision_server);
	else
		log_debug("provisioning from %s (attempt %ld)", source, s->sv.prov_failures + 1);
}

static void finish_provision(struct supervisor *s)
{
	char result[sizeof(s->prov.out) + 64], prefix[IF_NAMESIZE + 24];
	enum prov_class cls;
	unsigned int ttl = 0;
	int status = 0, code;

	close(s->prov.fd);
	s->prov.fd = -1;
	while (waitpid(s->prov.pid, &status, 0) < 0 && errno == EINTR)
		;
	s->prov.pid = 0;
	s->prov.out[s->prov.len] = '\0';
	s->prov.out[strcspn(s->prov.out, "\r\n")] = '\0';
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	/* Its error line names itself and the interface: we do too. */
	snprintf(prefix, sizeof(prefix), "transix-provision: %s: ", s->cfg.ifname);
	if (!strncmp(s->prov.out, prefix, strlen(prefix)))
		memmove(s->prov.out, s->prov.out + strlen(prefix),
			strlen(s->prov.out + strlen(prefix)) + 1);
	if (s->prov.out[0])
		snprintf(result, sizeof(result), "%s", s->prov.out);
	else
		snprintf(result, sizeof(result), "no answer (exit status %d)", code);
	cls = WIFEXITED(status) ? provision_class_of_exit(code) : PCLASS_TEMPORARY;
	if (cls == PCLASS_NONE) {
		struct hb46pp_params p;
		int ret = hb46pp_state_read(s->prov.state_path, &p);

		if (ret < 0) {
			snprintf(result, sizeof(result), "cannot read the answer kept in %s: %s",
				 s->prov.state_path, strerror(-ret));
			cls = PCLASS_TEMPORARY;
		} else if (!prov_use(s, &p, "provisioned")) {
			snprintf(result, sizeof(result), "an answer we cannot use (see the log)");
			cls = PCLASS_TEMPORARY;
		} else {
			ttl = p.ttl;
		}
	}
	prov_finished(s, cls, result, ttl);
}

static void read_provision(struct supervisor *s)
{
	if (read_child_output(s->prov.fd, s->prov.out, sizeof(s->prov.out), &s->prov.len))
		finish_provision(s);
}

static void stop_provision(struct supervisor *s)
{
	if (!s->prov.pid)
		return;
	kill(s->prov.pid, SIGTERM);
	close(s->prov.fd);
	s->prov.fd = -1;
	waitpid(s->prov.pid, NULL, 0);
	s->prov.pid = 0;
	if (s->sv.prov == PROV_RUNNING)
		s->sv.prov = PROV_WAIT_ADDRESS;
}

/* report() while no answer gives a tunnel yet. */
static void report_provision(struct supervisor *s)
{
	char local[INET6_ADDRSTRLEN];

	if (!s->wan_ifindex) {
		set_message(s, LOG_WARNING, "waiting for device %s to exist", s->cfg.ifname);
		return;
	}
	if (!s->have_local) {
		set_message(s, LOG_INFO, "waiting for a global IPv6 address on %s to ask the "
			    "provisioning server from", s->cfg.ifname);
		return;
	}
	inet_ntop(AF_INET6, &s->local, local, sizeof(local));
	if (s->sv.prov == PROV_FAILED)
		set_message(s, QUIET, "provisioning from %s failed: %s (%s); retrying", local,
			    s->st.fetch_result, prov_class_name(s->sv.prov_fail));
	else
		set_message(s, QUIET, "asking the provisioning server from %s", local);
}

/* The provisioning fields of the state file, and its part of health. */
static void save_provision(struct supervisor *s)
{
	struct status *st = &s->st;
	const struct hb46pp_params *p = &s->prov.params;
	long now = wall();

	snprintf(st->provision, sizeof(st->provision), "%s", prov_state_name(s->sv.prov));
	snprintf(st->provision_class, sizeof(st->provision_class), "%s",
		 s->sv.prov == PROV_FAILED || s->sv.prov == PROV_RUNNING ?
		 prov_class_name(s->sv.prov_fail) : "");
	snprintf(st->method, sizeof(st->method), "%s", s->prov.have ? hb46pp_method_name(p->method) : "");
	snprintf(st->enabler_name, sizeof(st->enabler_name), "%s", s->prov.have ? p->enabler_name : "");
	snprintf(st->service_name, sizeof(st->service_name), "%s", s->prov.have ? p->service_name : "");
	snprintf(st->provision_server, sizeof(st->provision_server), "%s", s->prov.have ? p->server : "");
	st->provision_ttl = s->prov.have ? (long)p->ttl : 0;
	st->provision_expires = s->prov.have && p->ttl ? (long)p->fetched + (long)p->ttl : 0;
	st->ttl_left = st->provision_expires > now ? st->provision_expires - now : 0;
	st->next_fetch = (s->sv.prov == PROV_OK || s->sv.prov == PROV_FAILED) && s->sv.prov_next ?
			 now + (long)((s->sv.prov_next - clock_ms() + SEC - 1) / SEC) : 0;
	st->fetch_failures = s->sv.prov_failures;
	if (!s->cfg.provision)
		return;
	/* No answer yet: nothing works.  A kept answer while the server
	 * fails: working, but not as it should. */
	if (!s->cfg.has_tunnel)
		snprintf(st->health, sizeof(st->health), "down");
	else if (s->sv.prov == PROV_FAILED && !strcmp(st->health, "ok"))
		snprintf(st->health, sizeof(st->health), "degraded");
}

/* For tests only (transix-supervisor(8)): the shortest TTL we follow, in
 * seconds (PROV_TTL_MIN otherwise), so that a TTL's expiry fits a test. */
#define PROV_TTL_KNOB	"TRANSIX_TEST_PROVISION_MIN_TTL"

/* The policy's part, the kept answer, the state file's path. */
static int provision_setup(struct supervisor *s, char *err, size_t errlen)
{
	const char *v = getenv(PROV_TTL_KNOB);
	struct hb46pp_params p;
	int ret;

	s->prov.fd = -1;
	s->pol.prov_ttl_min = PROV_TTL_MIN * SEC;
	if (!s->cfg.provision)
		return 0;
	s->pol.provision = true;
	s->sv.prov = PROV_WAIT_ADDRESS;
	if (v) {
		char *end;
		long n;

		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || end == v || *end || n < 1 || n > PROV_TTL_MIN) {
			snprintf(err, errlen, "%s: want seconds, 1 to %d", PROV_TTL_KNOB, PROV_TTL_MIN);
			return -1;
		}
		s->pol.prov_ttl_min = n * SEC;
		log_info("%s=%ld: provisioning TTLs from %ld s are followed (a test setting)",
			 PROV_TTL_KNOB, n, n);
	}
	if (hb46pp_state_path(s->prov.state_path, sizeof(s->prov.state_path), s->cfg.ifname) < 0) {
		snprintf(err, errlen, "interface name too long for %s", HB46PP_STATE_DIR);
		return -1;
	}
	/* The last good answer, while the server cannot be reached; it is
	 * fetched again as soon as there is an address to ask from. */
	ret = hb46pp_state_read(s->prov.state_path, &p);
	if (ret == 0)
		prov_use(s, &p, "using the kept answer");
	else if (ret != -ENOENT)
		log_warn("cannot use the kept answer %s: %s", s->prov.state_path, strerror(-ret));
	/* Issue 10's table, for the tunnel an answer brings. */
	if (!s->nft_open && (s->cfg.mss_clamp != MSS_CLAMP_OFF || s->cfg.nat)) {
		if ((ret = nft_watch_open(&s->nft, s->cfg.ifname)) < 0)
			log_err("cannot open nftables: %s; no MSS clamping or NAT", strerror(-ret));
		else
			s->nft_open = true;
	}
	return 0;
}

/* --- the kernel: facts in, actions out -------------------------------------- */

/*
 * Issue 11: a round of ICMPv6 echo to the usable answers of a named
 * remote, the one in use among them (aftr.h).  Nothing when there is no
 * choice to make: one address, or none of ours to send from.
 */
static void probe_remote(struct supervisor *s)
{
	struct in6_addr cand[DNS_MAX_ADDRS];
	int n = 0, ret;

	aftr_probe_stop(&s->probe);
	s->probe_at = 0;
	for (int i = 0; i < s->answers.n; i++)
		if (wan_remote_usable(&s->answers.addr[i]))
			cand[n++] = s->answers.addr[i];
	if (n < 2 || !s->have_remote || !s->have_local)
		return;
	ret = aftr_probe_start(&s->probe, &s->local, cand, n, random_u32(), clock_ms());
	if (ret < 0) {
		log_warn("cannot check which address of tunnel-remote %s answers: %s",
			 s->cfg.remote_name, strerror(-ret));
		s->probe_at = clock_ms() + aftr_probe_delay(++s->probe_fails);
	}
}

/* The index of the one in use among the probe's addresses, or -1. */
static int probe_current(const struct supervisor *s)
{
	for (int i = 0; s->have_remote && i < s->probe.n; i++)
		if (!memcmp(&s->probe.addr[i], &s->remote, sizeof(s->remote)))
			return i;
	return -1;
}

/* A round is over: stay, or move to an address that answered. */
static void probe_done(struct supervisor *s)
{
	struct aftr_probe *p = &s->probe;
	int cur = probe_current(s), i = aftr_choose(p->n, cur, p->answered);
	char addr[INET6_ADDRSTRLEN], was[INET6_ADDRSTRLEN];

	if (cur >= 0 && p->answered[cur]) {
		s->probe_fails = 0;
		s->probe_at = 0;	/* checked again at the next lookup */
		/* Once after a change, not at every lookup. */
		if (!s->probe_ok_said) {
			inet_ntop(AF_INET6, &s->remote, addr, sizeof(addr));
			log_info("tunnel-remote %s: %s answers echo", s->cfg.remote_name, addr);
			s->probe_ok_said = true;
		}
		return;
	}
	s->probe_ok_said = false;
	if (i >= 0 && i != cur) {
		inet_ntop(AF_INET6, &p->addr[i], addr, sizeof(addr));
		inet_ntop(AF_INET6, &s->remote, was, sizeof(was));
		log_warn("tunnel-remote %s now is %s: %s did not answer", s->cfg.remote_name,
			 addr, was);
		s->remote = p->addr[i];
		s->probe_fails = 0;
		s->probe_at = 0;
		s->dirty = true;	/* the tunnel follows */
		return;
	}
	/* Nobody answered: keep the one in use (echo may be filtered) and
	 * ask again later, ever less often. */
	if (!s->probe_fails++) {
		inet_ntop(AF_INET6, &s->remote, was, sizeof(was));
		log_warn("tunnel-remote %s: no address of it answers echo (%s in use); "
			 "checking again", s->cfg.remote_name, was);
	}
	s->probe_at = clock_ms() + aftr_probe_delay(s->probe_fails);
}

/* A lookup of tunnel-remote's name is over (ret 0 with ans, or -errno). */
static void resolved_remote(struct supervisor *s, int ret, const struct dns_answer *ans)
{
	char addr[INET6_ADDRSTRLEN] = "", was[INET6_ADDRSTRLEN];
	bool had = s->have_remote;
	int i;

	s->dirty = true;	/* a pass: the tunnel, the status */
	if (ret) {
		/* A known AFTR stays in use while DNS is away. */
		s->sv.reresolve_at = had ? clock_ms() + RESOLVE_RETRY * SEC * 12 : 0;
		if (!had) {
			set_message(s, LOG_WARNING, "cannot resolve tunnel-remote %s: %s; retrying",
				    s->cfg.remote_name, dns_strerror(ret));
			want_dns(s);
		}
		return;
	}
	s->answers = *ans;
	/* The checks a literal tunnel-remote gets; the one in use kept while
	 * it is still among the answers: several AAAA must not make the
	 * tunnel hop. */
	i = dns_pick(ans, had ? &s->remote : NULL, wan_remote_usable);
	if (i >= 0) {
		const struct in6_addr *pick = &ans->addr[i];

		/* Looked up again when the answer expires. */
		s->sv.reresolve_at = clock_ms() + reresolve_delay(ans->ttl);
		if (had && memcmp(pick, &s->remote, sizeof(*pick))) {
			inet_ntop(AF_INET6, &s->remote, was, sizeof(was));
			inet_ntop(AF_INET6, pick, addr, sizeof(addr));
			log_info("tunnel-remote %s now is %s (was %s)", s->cfg.remote_name, addr, was);
		}
		s->remote = *pick;
		s->have_remote = true;
		probe_remote(s);	/* does the one in use carry traffic? */
	} else {
		s->sv.reresolve_at = had ? clock_ms() + RESOLVE_RETRY * SEC * 12 : 0;
		inet_ntop(AF_INET6, &ans->addr[0], addr, sizeof(addr));
		set_message(s, LOG_ERR, "tunnel-remote %s resolves to %s: not a global IPv6 address; "
			    "retrying", s->cfg.remote_name, addr);
	}
}

/* The running lookup's answer, if it is over. */
static void lookup_done(struct supervisor *s)
{
	struct dns_answer ans;
	int ret = dns_query_result(s->lookup, &ans);

	dns_query_free(s->lookup);
	s->lookup = NULL;
	resolved_remote(s, ret, &ans);
}

/* Starts a lookup of tunnel-remote's name; its answer comes through the
 * poll loop (remote_events), never waited for here. */
static void resolve_remote(struct supervisor *s)
{
	struct dns_answer none = { .n = 0 };
	int ret;

	if (s->lookup)
		return;		/* one at a time: its answer will do */
	s->sv.resolve_at = clock_ms() + RESOLVE_RETRY * SEC;
	/* Not due again while this one runs: its end plans the next. */
	s->sv.reresolve_at = 0;
	ret = dns_query_start(&s->lookup, s->cfg.remote_name, DNS_TIMEOUT_MS, NULL);
	if (ret < 0)
		resolved_remote(s, ret, &none);
	else if (dns_query_process(s->lookup, NULL, 0))
		lookup_done(s);		/* /etc/hosts answers at once */
}

/* Issue 11 (and 9: the lookups): the remote's descriptors for poll(). */
#define REMOTE_PFDS	(1 + 2 * DNS_POLLFDS)

static int remote_pollfds(struct supervisor *s, struct pollfd *pfd)
{
	int n = 0;

	if (s->probe.fd >= 0)
		pfd[n++] = (struct pollfd){ .fd = s->probe.fd, .events = POLLIN };
	if (s->lookup)
		n += dns_query_pollfds(s->lookup, pfd + n, DNS_POLLFDS);
	if (s->names)
		n += dns_query_pollfds(s->names, pfd + n, DNS_POLLFDS);
	return n;
}

/* The poll() timeout, shortened to the remote's own timers. */
static int remote_timeout(const struct supervisor *s, int timeout)
{
	msec_t now = clock_ms(), when = s->probe.fd >= 0 ? s->probe.next : s->probe_at;
	int dns = s->lookup ? dns_query_timeout(s->lookup) : -1;
	int names = s->names ? dns_query_timeout(s->names) : -1;

	if (dns >= 0 && (timeout < 0 || dns < timeout))
		timeout = dns;
	if (names >= 0 && (timeout < 0 || names < timeout))
		timeout = names;
	if (!when)
		return timeout;
	if (when <= now)
		return 0;
	if (when - now < INT_MAX && (timeout < 0 || when - now < timeout))
		return (int)(when - now);
	return timeout;
}

/* After poll(): replies read, timers run.  Never waits. */
static void remote_events(struct supervisor *s, const struct pollfd *pfd, int n)
{
	msec_t now;

	int probe = s->probe.fd >= 0 && n > 0 && pfd[0].fd == s->probe.fd;

	if (probe && pfd[0].revents)
		aftr_probe_read(&s->probe);
	/* The lookup's sockets follow the probe's; its timers run even when
	 * poll() timed out (n == 0). */
	if (s->lookup && dns_query_process(s->lookup, pfd + probe, n > probe ? n - probe : 0))
		lookup_done(s);
	/* dns_first()'s lookup: c-ares ignores the other one's sockets. */
	if (s->names && dns_query_process(s->names, pfd + probe, n > probe ? n - probe : 0))
		names_done(s, 0);
	now = clock_ms();
	if (s->probe.fd >= 0) {
		if (aftr_probe_tick(&s->probe, probe_current(s), now))
			probe_done(s);
	} else if (s->probe_at && now >= s->probe_at) {
		probe_remote(s);
	}
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

/* Reads the kernel and the clock. */
static void read_facts(struct supervisor *s, struct facts *f)
{
	const struct transix_config *c = &s->cfg;
	struct link_info wan;
	int ret;

	memset(f, 0, sizeof(*f));
	f->now = clock_ms();
	f->random = random_u32();
	f->remote_is_name = c->remote_is_name;
	s->have_local = false;
	if (link_get(&s->rq, c->ifname, 0, &wan) < 0) {
		s->wan_ifindex = 0;
		return;
	}
	f->wan = true;
	/* SLAAC at the first pass: ifupdown's inet6 method ran after pre-up
	 * and may have turned RAs down again (accept_ra 1 on a forwarding
	 * router).  And whenever the WAN device was made anew (a VLAN
	 * re-created): it took its sysctls from "default" (on a router,
	 * forwarding 1, so accept_ra 1 ignores every RA) and lost its token. */
	if (wan.ifindex != s->wan_ifindex && (c->has_iid || !c->has_local)) {
		ret = slaac_enable(c->ifname);
		if (ret < 0)
			log_warn("cannot enable SLAAC on %s: %s", c->ifname, strerror(-ret));
		else if (ret > 0)
			log_info("enabled SLAAC on %s (accept_ra/autoconf)", c->ifname);
	}
	s->wan_ifindex = wan.ifindex;
	if (c->has_iid && (ret = wan_token_ensure(&s->rq, wan.ifindex, &c->iid)) < 0)
		log_warn("cannot set the token of %s: %s", c->ifname, nl_strerror(&s->rq, ret));
	s->pick = find_local(s);
	s->have_local = f->local = s->pick == PICK_OK;
	f->local_addr = s->local;
	if (!c->remote_is_name) {
		s->remote = c->remote;
		s->have_remote = true;
	}
	f->remote = s->have_remote;
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
	if (c->default_route && !s->st.default_before[0]) {
		struct defroute4 r;

		/* Remembered before it is replaced, in the state file: ifdown
		 * puts it back even after a crash of ours. */
		if (defroute4_find_other(&s->rq, li.ifindex, &r) == 1 &&
		    defroute4_format(&r, s->st.default_before, sizeof(s->st.default_before)) == 0) {
			save_state(s);
			log_info("the IPv4 default route %s is replaced by %s until ifdown",
				 s->st.default_before, c->tunnel_name);
		}
	}
	if (c->default_route && (ret = route4_default_ensure(&s->rq, li.ifindex)) < 0) {
		snprintf(err, errlen, "cannot add the default route via %s: %s", c->tunnel_name,
			 nl_strerror(&s->rq, ret));
		return ret;
	}
	return 0;
}

/* Puts back the default route the tunnel took over (text from the state). */
static void restore_default_route(struct nl *nl, const char *text)
{
	struct defroute4 r;
	int ret;

	if (!*text)
		return;
	if (defroute4_parse(text, &r) < 0) {
		log_warn("cannot put back the IPv4 default route \"%s\": not understood", text);
		return;
	}
	ret = defroute4_restore(nl, &r);
	if (ret < 0)
		log_warn("cannot put back the IPv4 default route %s: %s", text, nl_strerror(nl, ret));
	else
		log_info("put back the IPv4 default route %s", text);
}

/*
 * Issue 13: transix-nft ACTION IFNAME, the ruleset on its stdin for
 * "apply"; its one-line answer comes back on a pipe.  Our event socket
 * ignores the transactions of this pid: they are our own.
 */
static int start_nft(struct supervisor *s, const char *action)
{
	char text[NFT_RULESET_MAX], prog[] = "transix-nft", act[16];
	int in[2], out[2], ret = 0;
	pid_t pid;

	snprintf(act, sizeof(act), "%s", action);
	if (!strcmp(action, "apply") && (ret = nft_ruleset_text(&s->cfg, text, sizeof(text))) < 0)
		return ret;
	if (pipe2(in, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(out, O_CLOEXEC) < 0) {
		ret = -errno;
		close(in[0]);
		close(in[1]);
		return ret;
	}
	char *const argv[] = { prog, act, s->cfg.ifname, NULL };
	char path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
	char *const envp[] = { path, NULL };
	const int fds[] = { in[0], out[1], -1 };

	pid = spawn_clean(PKGLIBEXECDIR "/transix-nft", argv, envp, fds, 3, 0);
	close(in[0]);
	close(out[1]);
	/* Far less than a pipe holds: this write cannot block. */
	if (pid > 0 && !strcmp(action, "apply") && write(in[1], text, strlen(text)) < 0)
		ret = -errno;
	close(in[1]);
	if (pid < 0) {
		close(out[0]);
		return (int)pid;
	}
	s->nft_pid = pid;
	s->nft_fd = out[0];
	s->nft_len = 0;
	s->nft_out[0] = '\0';
	s->nft.ignore_pid = pid;
	return ret;
}

/* transix-nft has exited (its pipe at EOF): its exit status, the line in
 * nft_out (no newline). */
static int reap_nft(struct supervisor *s)
{
	int status = 0;

	close(s->nft_fd);
	s->nft_fd = -1;
	while (waitpid(s->nft_pid, &status, 0) < 0 && errno == EINTR)
		;
	s->nft_pid = 0;
	s->nft_out[s->nft_len] = '\0';
	s->nft_out[strcspn(s->nft_out, "\r\n")] = '\0';
	if (!s->nft_out[0])
		snprintf(s->nft_out, sizeof(s->nft_out), "transix-nft: exit status %d",
			 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void extras_problem(struct supervisor *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The apply has ended: say so; readiness waited for it (report()). */
static void finish_nft(struct supervisor *s)
{
	int code = reap_nft(s);

	s->dirty = true;
	if (code != 0) {
		s->nft_applied = false;
		s->nft_failed = true;
		extras_problem(s, "cannot install nftables table ip %s: %s", s->nft.name,
			       s->nft_out);
		return;
	}
	s->nft_applied = true;
	s->nft_logged[0] = '\0';
	if (s->nft_putback)
		log_warn("nftables table ip %s was removed or changed; put back", s->nft.name);
	else
		log_info("installed nftables table ip %s", s->nft.name);
}

static void read_nft(struct supervisor *s)
{
	if (read_child_output(s->nft_fd, s->nft_out, sizeof(s->nft_out), &s->nft_len))
		finish_nft(s);
}

static void stop_nft(struct supervisor *s)
{
	if (!s->nft_pid)
		return;
	kill(s->nft_pid, SIGTERM);
	reap_nft(s);
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
	int ret;

	if (s->nft_open && !s->nft_pid && !s->nft_failed && (!s->nft_applied || s->nft_check)) {
		s->nft_putback = s->nft_applied;
		s->nft_check = false;
		if ((ret = start_nft(s, "apply")) < 0)
			extras_problem(s, "cannot start transix-nft: %s", strerror(-ret));
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
	unsigned int lan;
	int ret;

	stop_nft(s);
	/* Waited for: ifdown returns with the table gone.  transix-nft looks
	 * first, so that an absent table is no news (exit 3). */
	if (s->nft_open) {
		if ((ret = start_nft(s, "remove")) < 0) {
			log_err("cannot start transix-nft: %s", strerror(-ret));
		} else {
			while (s->nft_len < sizeof(s->nft_out) - 1) {
				ssize_t n = read(s->nft_fd, s->nft_out + s->nft_len,
						 sizeof(s->nft_out) - 1 - s->nft_len);

				if (n < 0 && errno == EINTR)
					continue;
				if (n <= 0)
					break;
				s->nft_len += (size_t)n;
			}
			ret = reap_nft(s);
			if (ret == 0)
				log_info("deleted nftables table ip %s", s->nft.name);
			else if (ret != 3)
				log_err("cannot delete nftables table ip %s: %s", s->nft.name,
					s->nft_out);
		}
		s->nft_applied = false;
	}
	if (c->has_block && (lan = if_nametoindex(c->block_lan)) &&
	    block_route_delete(&s->rq, c->block, c->block_plen, lan) < 0)
		log_warn("cannot delete the route of the block to %s", c->block_lan);
}


/* all: ifdown (the tunnel is ours by name and kind); otherwise only what
 * this process created (a failed ifup).  The place for what must go with
 * the tunnel. */
static void teardown(struct supervisor *s, bool all)
{
	int ret;

	stop_registration(s);
	stop_warm(s);
	stop_provision(s);	/* issue 14 */
	stop_dhcp(s);
	if (all || s->tunnel_created)
		teardown_extras(s);	/* issue 10: nftables table, block route */
	if (!s->cfg.has_tunnel || !(all || s->tunnel_created))
		return;
	ret = wan_tunnel_remove(&s->rq, s->cfg.tunnel_name);
	if (ret < 0)
		log_err("cannot delete tunnel %s: %s", s->cfg.tunnel_name, nl_strerror(&s->rq, ret));
	else if (ret > 0)
		log_info("deleted tunnel %s", s->cfg.tunnel_name);
	restore_default_route(&s->rq, s->st.default_before);
	s->st.default_before[0] = '\0';
}

/* What to tell the hook, the status and (once) syslog about where we are. */
static void report(struct supervisor *s)
{
	const struct transix_config *c = &s->cfg;
	char want[INET6_ADDRSTRLEN] = "a stable SLAAC address", local[INET6_ADDRSTRLEN];

	if (c->provision && !c->has_tunnel) {
		report_provision(s);	/* issue 14: no answer yet */
		return;
	}
	switch (c->has_tunnel ? s->sv.tunnel : s->have_local ? TUNNEL_UP :
		s->wan_ifindex ? TUNNEL_WAIT_ADDRESS : TUNNEL_WAIT_WAN) {
	case TUNNEL_WAIT_WAN:
		set_message(s, LOG_WARNING, "waiting for device %s to exist", c->ifname);
		return;
	case TUNNEL_WAIT_ADDRESS:
		if (c->has_local)
			inet_ntop(AF_INET6, &c->local, want, sizeof(want));
		else if (c->has_iid)
			inet_ntop(AF_INET6, &c->iid, want, sizeof(want));
		set_message(s, LOG_INFO, "waiting for %s on %s%s", want, c->ifname,
			    s->pick == PICK_TENTATIVE ? " (duplicate address detection)" : "");
		return;
	case TUNNEL_WAIT_REMOTE:
	case TUNNEL_ERROR:
		return;		/* said where it happened */
	default:
		break;
	}
	inet_ntop(AF_INET6, &s->local, local, sizeof(local));
	if (!c->has_registration || s->sv.reg == REG_OK) {
		if (c->has_tunnel)
			set_message(s, LOG_INFO, "%s up: %s from %s to %s", c->tunnel_name,
				    s->st.address, local, s->st.remote_address);
		else
			set_message(s, LOG_INFO, "%s registered", local);
		/* Issue 13: the table is applied beside the registration; ifup
		 * returns once both are done (finish_nft makes a pass). */
		if (!s->nft_pid)
			notify(s, NOTIFY_READY, s->st.message);
	} else if (s->sv.reg == REG_RUNNING || s->sv.reg == REG_IDLE) {
		set_message(s, QUIET, "registering %s", local);
	} else {
		set_message(s, QUIET, "registration of %s failed: %s (%s); retrying", local,
			    s->st.last_result, fail_class_name(s->sv.fail));
	}
}

/* One pass: facts -> decide() -> actions.  Returns -1 on a fatal error
 * before readiness (the hook fails ifup). */
static int pass(struct supervisor *s)
{
	struct facts f;
	struct decision d;
	char err[256];

	s->dirty = false;
	read_facts(s, &f);
	d = decide(&f, &s->sv, &s->pol);
	dns_first(s);
	/* dhcp_done() makes a pass with resolve_at 0. */
	if ((d.actions & ACT_RESOLVE) && !dns_waiting(s))
		resolve_remote(s);	/* success: dirty, the next pass goes on */
	if (d.actions & ACT_ENSURE_TUNNEL) {
		if (ensure_tunnel(s, err, sizeof(err)) < 0) {
			s->sv.tunnel = TUNNEL_ERROR;
			s->sv.kernel_retry_at = clock_ms() + KERNEL_RETRY * SEC;
			snprintf(s->st.message, sizeof(s->st.message), "%s", err);
			if (hook_waiting(s)) {
				log_err("%s", err);
				notify(s, NOTIFY_ERROR, err);
				return -1;
			}
			if (strcmp(s->last_logged, err)) {
				log_err("%s; retrying in %d s", err, KERNEL_RETRY);
				snprintf(s->last_logged, sizeof(s->last_logged), "%s", err);
			}
			d.actions &= ~(unsigned int)ACT_REGISTER;
			if (!d.deadline || s->sv.kernel_retry_at < d.deadline)
				d.deadline = s->sv.kernel_retry_at;
		} else {
			s->sv.tunnel = TUNNEL_UP;
			/* Every pass with the tunnel up: the table may have been
			 * flushed, the block's LAN route lost with its link. */
			ensure_extras(s);
		}
	}
	if ((d.actions & ACT_REGISTER) && !dns_waiting(s) && !start_warm(s))
		start_registration(s);
	warm_registration(s);
	if ((d.actions & ACT_PROVISION) && !dns_waiting(s))
		start_provision(s);	/* issue 14 */
	else if (d.actions & ACT_PROVISION)
		s->sv.prov_next = 0;	/* decided: fetched when DNS is known */
	s->deadline = d.deadline;
	report(s);
	if ((d.actions & (ACT_RESOLVE | ACT_REGISTER | ACT_PROVISION)) && dns_waiting(s))
		set_message(s, QUIET, s->names ? "waiting for DNS (our names' first lookup)" :
			    "waiting for the DNS servers (DHCPv6)");
	save_state(s);
	return 0;
}

/* --- main loop ------------------------------------------------------------- */

/* Issue 13: before a long sleep (nothing due within IDLE_TRIM_MS) with no
 * child out, the code pages mapped since are let go (mem_trim_code()) --
 * when there are enough of them: every wake-up (an RA refreshing the
 * address) maps some again, and a busy spell pays only a statm read. */
#define IDLE_TRIM_MS	10000
#define IDLE_TRIM_KB	512
static void idle_trim(struct supervisor *s, int timeout)
{
	if ((timeout >= 0 && timeout < IDLE_TRIM_MS) || s->reg_pid || s->warm_pid ||
	    s->dhcp_fd >= 0 || s->nft_pid || s->prov.fd >= 0)
		return;
	if (mem_resident_kb() > IDLE_TRIM_KB)
		mem_trim_code();
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct supervisor *s = data;

	if (wan_event_matters(nlh, s->wan_ifindex, s->tunnel_ifindex))
		s->dirty = true;
	/* Issue 10: the block's LAN route (gone with the LAN link). */
	else if (s->cfg.has_block &&
		 (nlh->nlmsg_type == RTM_NEWROUTE || nlh->nlmsg_type == RTM_DELROUTE)) {
		const struct rtmsg *rtm = rtnl_header(nlh, sizeof(*rtm));

		if (rtm && rtm->rtm_family == AF_INET && rtm->rtm_dst_len == s->cfg.block_plen)
			s->dirty = true;
	}
	return MNL_CB_OK;
}

/* A new password file (written in place or renamed over) is a reason to
 * try again at once, whatever the policy said: the administrator fixed it. */
static void watch_secret(struct supervisor *s)
{
	char dir[sizeof(s->cfg.password_file)], *slash;

	s->secret_fd = -1;
	if ((!s->cfg.has_registration && !s->cfg.provision) || !s->cfg.password_file[0])
		return;
	snprintf(dir, sizeof(dir), "%s", s->cfg.password_file);
	slash = strrchr(dir, '/');
	if (!slash)
		return;
	*slash = '\0';
	s->secret_name = s->cfg.password_file + (slash - dir) + 1;
	s->secret_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (s->secret_fd >= 0 &&
	    inotify_add_watch(s->secret_fd, *dir ? dir : "/",
			      IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_ATTRIB) < 0) {
		log_warn("cannot watch %s for changes: %s", *dir ? dir : "/", strerror(errno));
		close(s->secret_fd);
		s->secret_fd = -1;
	}
}

static void secret_changed(struct supervisor *s)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool ours = false;
	ssize_t n;

	while ((n = read(s->secret_fd, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)(void *)p;

			if (ev->len && !strcmp(ev->name, s->secret_name))
				ours = true;
			p += sizeof(*ev) + ev->len;
		}
	if (ours && s->sv.prov == PROV_FAILED) {	/* issue 14 */
		log_info("%s changed: provisioning again now", s->cfg.password_file);
		s->sv.prov_next = 0;
		s->dirty = true;
	}
	if (ours && s->sv.reg == REG_FAILED) {
		log_info("%s changed: registering again now", s->cfg.password_file);
		s->sv.next_attempt = 0;
		s->dirty = true;
	}
}

/* Returns 0 when stopped by a signal. */
static int handle_signal(struct supervisor *s)
{
	struct signalfd_siginfo si;

	if (read(s->sigfd, &si, sizeof(si)) != sizeof(si))
		return 1;
	switch (si.ssi_signo) {
	case SIGHUP:
		/* Everything now, a refused registration too. */
		s->dirty = true;
		s->nft_failed = false;
		s->sv.next_attempt = 0;
		s->sv.resolve_at = 0;
		s->sv.kernel_retry_at = 0;
		if (s->sv.reresolve_at)
			s->sv.reresolve_at = 1;
		/* Issue 14: the answer fetched again now (a refusal too). */
		if (s->sv.prov == PROV_FAILED || s->sv.prov == PROV_OK)
			s->sv.prov_next = 0;
		return 1;
	case SIGUSR1:
		stop_registration(s);
		stop_warm(s);
		stop_provision(s);
		log_info("replaced; leaving the tunnel as it is");
		return 0;
	default:
		log_info("stopping");
		teardown(s, true);
		state_remove(s->cfg.ifname);
		return 0;
	}
}

/* Everything that wakes us; an absent one has fd -1 (poll ignores it). */
enum { PFD_NETLINK, PFD_SIGNAL, PFD_SECRET, PFD_REGISTER, PFD_DHCP, PFD_NFT, PFD_NFTRUN,
       PFD_PROVISION, PFD_RESOLV, PFD_COUNT };

static int run(struct supervisor *s)
{
	for (;;) {
		struct pollfd pfd[PFD_COUNT + REMOTE_PFDS];
		msec_t t = clock_ms();
		int timeout = -1;	/* idle: sleep until something happens */
		int ret, nremote;

		if (s->dirty || (s->deadline && t >= s->deadline)) {
			if (pass(s) < 0)
				return -1;
			t = clock_ms();
		}
		/* decide() names only deadlines it will act on, and only future
		 * ones: a due deadline cannot survive a pass. */
		if (s->dirty)
			timeout = 0;
		else if (s->deadline)
			timeout = s->deadline <= t ? 0 :
				  s->deadline - t > INT_MAX ? INT_MAX : (int)(s->deadline - t);
		/* After pass(): it may just have started a registration,
		 * whose answer must wake us however quiet the network is. */
		pfd[PFD_NETLINK] = (struct pollfd){ .fd = nl_fd(&s->mon), .events = POLLIN };
		pfd[PFD_SIGNAL] = (struct pollfd){ .fd = s->sigfd, .events = POLLIN };
		pfd[PFD_SECRET] = (struct pollfd){ .fd = s->secret_fd, .events = POLLIN };
		pfd[PFD_REGISTER] = (struct pollfd){ .fd = s->reg_fd, .events = POLLIN };
		pfd[PFD_DHCP] = (struct pollfd){ .fd = s->dhcp_fd, .events = POLLIN };
		pfd[PFD_NFT] = (struct pollfd){ .fd = s->nft_open ? nft_watch_fd(&s->nft) : -1,
						.events = POLLIN };
		pfd[PFD_NFTRUN] = (struct pollfd){ .fd = s->nft_fd, .events = POLLIN };
		pfd[PFD_PROVISION] = (struct pollfd){ .fd = s->prov.fd, .events = POLLIN };
		resolv_unwatch(s);
		pfd[PFD_RESOLV] = (struct pollfd){ .fd = s->resolv_fd, .events = POLLIN };
		timeout = remote_timeout(s, timeout);
		nremote = remote_pollfds(s, pfd + PFD_COUNT);
		idle_trim(s, timeout);
		ret = poll(pfd, (nfds_t)(PFD_COUNT + nremote), timeout);
		if (ret < 0 && errno != EINTR)
			return -1;
		remote_events(s, pfd + PFD_COUNT, ret > 0 ? nremote : 0);
		if (ret <= 0)
			continue;
		if (pfd[PFD_NETLINK].revents) {
			ret = nl_read_events(&s->mon, event_cb, s);
			/* The kernel dropped events: resync by a full look. */
			if (ret == -ENOBUFS)
				s->dirty = true;
		}
		if (pfd[PFD_REGISTER].revents && s->reg_fd >= 0)
			read_registration(s);
		if (pfd[PFD_SECRET].revents)
			secret_changed(s);
		if (pfd[PFD_DHCP].revents && s->dhcp_fd >= 0)
			dhcp_done(s);
		/* Issue 10: re-apply when another process touched our table
		 * (our own transix-nft's transactions are ignored by pid).
		 * Read before the child's exit: its events are queued by then. */
		if (pfd[PFD_NFT].fd >= 0 && pfd[PFD_NFT].revents &&
		    (ret = nft_watch_read(&s->nft))) {
			s->nft_check = true;
			s->nft_failed = false;	/* a change: worth another try */
			s->dirty = true;
			/* A socket that cannot be read would wake us for ever. */
			if (ret < 0) {
				log_err("cannot read nftables events: %s; no longer watching our table",
					strerror(-ret));
				nft_watch_close(&s->nft);
			}
		}
		if (pfd[PFD_NFTRUN].revents && s->nft_fd >= 0)
			read_nft(s);
		if (pfd[PFD_PROVISION].revents && s->prov.fd >= 0)
			read_provision(s);
		if (pfd[PFD_RESOLV].revents && s->resolv_fd >= 0)
			resolv_changed(s);
		if (pfd[PFD_SIGNAL].revents && handle_signal(s) == 0)
			return 0;
	}
}

/* The previous supervisor's word, so that "ifup" on a working interface
 * (or after a crash) does not register again. */
static void adopt_state(struct supervisor *s)
{
	struct in6_addr addr;

	if (state_read(s->cfg.ifname, &s->st) < 0)
		memset(&s->st, 0, sizeof(s->st));
	s->st.next_retry = 0;
	s->st.message[0] = '\0';
	if (s->cfg.has_registration && !strcmp(s->st.registration, "ok") &&
	    inet_pton(AF_INET6, s->st.registered_address, &addr) == 1) {
		long age = wall() - s->st.last_success;

		s->sv.reg = REG_OK;
		s->sv.registered = s->sv.target = addr;
		s->sv.have_registered = s->sv.have_target = true;
		/* On our clock, for the re-registration interval. */
		s->sv.last_success = clock_ms() - (age > 0 ? age : 0) * SEC;
	}
	s->st.failures = 0;
}

/* A daemon's start: cwd "/", and no fd but 0-2 and the notification pipe
 * whatever the caller left open (a leaked fd once reached both programs). */
static void hygiene(struct supervisor *s)
{
	const char *fd = getenv(NOTIFY_FD_ENV);
	char *end;
	long n;

	if (chdir("/") < 0)
		log_warn("cannot change directory to /: %s", strerror(errno));
	s->notify_fd = -1;
	if (fd && *fd) {
		errno = 0;
		n = strtol(fd, &end, 10);
		if (!errno && !*end && n > 2 && n < 1024 && fcntl((int)n, F_SETFD, FD_CLOEXEC) == 0)
			s->notify_fd = (int)n;
	}
	unsetenv(NOTIFY_FD_ENV);
	if (s->notify_fd > 3)
		syscall(SYS_close_range, 3u, (unsigned int)s->notify_fd - 1, 0u);
	syscall(SYS_close_range, (unsigned int)(s->notify_fd > 2 ? s->notify_fd + 1 : 3), ~0u, 0u);
}

/* Returns 0, or -1 with the reason in err (for the hook and syslog). */
/* For tests only (transix-supervisor(8)): the refused/local retry period
 * in seconds, so that "an hour of NG" fits a test run.  Read only when
 * set; anything but 1..RETRY_REFUSED is an error, never silently the
 * default. */
#define REFUSED_KNOB	"TRANSIX_TEST_REFUSED_RETRY"

static int refused_knob(msec_t *retry, char *err, size_t errlen)
{
	const char *v = getenv(REFUSED_KNOB);
	char *end;
	long n;

	*retry = RETRY_REFUSED * SEC;
	if (!v)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 1 || n > RETRY_REFUSED) {
		bool printable = strlen(v) <= 32;

		for (const char *p = v; printable && *p; p++)
			printable = *p > ' ' && *p < 0x7f;
		snprintf(err, errlen, "%s=%s: want seconds, 1 to %d", REFUSED_KNOB,
			 printable ? v : "(not shown: long or not printable)", RETRY_REFUSED);
		return -1;
	}
	*retry = n * SEC;
	log_info("%s=%ld: refused registrations retried every %ld s (a test setting)",
		 REFUSED_KNOB, n, n);
	return 0;
}

static int setup(struct supervisor *s, char *err, size_t errlen)
{
	char **names = config_env_option_names(environ);
	char path[256];
	sigset_t mask;
	msec_t refused_retry;
	int ret;

	ret = config_parse(&s->cfg, getenv("IFACE") ? getenv("IFACE") : "", config_env_lookup,
			   NULL, (const char *const *)names, err, errlen);
	config_free_names(names);
	if (ret <= 0) {
		if (ret == 0)
			snprintf(err, errlen, "nothing to supervise");
		return -1;
	}
	log_set_ident(s->cfg.ifname);
	if (refused_knob(&refused_retry, err, errlen) < 0)
		return -1;
	s->pol = (struct policy){
		.tunnel = s->cfg.has_tunnel, .registration = s->cfg.has_registration,
		.reregister = (msec_t)s->cfg.reregister * SEC, .refused_retry = refused_retry,
	};
	s->sv.tunnel = s->cfg.has_tunnel ? TUNNEL_WAIT_WAN : TUNNEL_DISABLED;
	s->sv.reg = s->cfg.has_registration ? REG_IDLE : REG_DISABLED;

	if (s->cfg.has_inline_password) {
		/* Kept out of core dumps, and /proc/PID/{mem,environ} root's. */
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		s->password = mmap(NULL, MAX_PASSWORD + 1, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (s->password == MAP_FAILED) {
			s->password = NULL;
			snprintf(err, errlen, "cannot allocate: %s", strerror(errno));
			return -1;
		}
		madvise(s->password, MAX_PASSWORD + 1, MADV_DONTDUMP);
		if (secret_take_from_env(s->password, MAX_PASSWORD + 1) < 0) {
			snprintf(err, errlen, "option transix-password: longer than %d bytes or "
				 "unusable", MAX_PASSWORD);
			return -1;
		}
	}
	adopt_state(s);

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	s->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (s->sigfd < 0) {
		snprintf(err, errlen, "signalfd: %s", strerror(errno));
		return -1;
	}
	if ((ret = nl_open(&s->rq, 0)) < 0 ||
	    (ret = nl_open(&s->mon, RTMGRP_LINK | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_IFADDR |
				    RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_IFINFO)) < 0) {
		snprintf(err, errlen, "cannot open rtnetlink: %s", strerror(-ret));
		return -1;
	}
	/* Issue 10: the nftables table (MSS clamp, NAT) and its event socket. */
	if (nft_wanted(&s->cfg)) {
		if ((ret = nft_watch_open(&s->nft, s->cfg.ifname)) < 0)
			log_err("cannot open nftables: %s; no MSS clamping or NAT", strerror(-ret));
		else
			s->nft_open = true;
	}
	if (provision_setup(s, err, errlen) < 0)	/* issue 14 */
		return -1;
	mkdir(STATE_DIR, 0755);
	ret = state_path(path, sizeof(path), s->cfg.ifname, "pid");
	if (ret == 0)
		ret = s->pid_fd = pidlock_take(path);
	if (ret < 0) {
		snprintf(err, errlen, "cannot lock the pid file under %s: %s", STATE_DIR,
			 ret == -EEXIST ? "another supervisor holds it" : strerror(-ret));
		return -1;
	}
	watch_secret(s);
	s->dirty = true;
	return 0;
}

int main(int argc, char **argv)
{
	static struct supervisor s = {
		.notify_fd = -1, .reg_fd = -1, .pid_fd = -1, .sigfd = -1, .secret_fd = -1,
		.dhcp_fd = -1, .nft_fd = -1, .warm_in = -1, .warm_out = -1, .prov.fd = -1,
		.probe = { .fd = -1 }, .resolv_fd = -1,
	};
	char err[400];
	int ret;

	(void)argc;
	log_open(argv[0], getenv("IFACE"), isatty(2) ? LOG_TO_STDERR : LOG_TO_SYSLOG);
	/* First, so that even the earliest error reaches the hook. */
	hygiene(&s);
	if (setup(&s, err, sizeof(err)) < 0) {
		log_err("%s", err);
		notify(&s, NOTIFY_ERROR, err);
		return SUPERVISOR_SYSTEM;
	}
	log_info("started");
	ret = run(&s);
	if (ret < 0) {
		/* Nothing half-done: what this run made goes again. */
		teardown(&s, false);
		state_remove(s.cfg.ifname);
	}
	if (s.password)
		secret_wipe(s.password, MAX_PASSWORD + 1);
	return ret < 0 ? SUPERVISOR_FAILED : SUPERVISOR_OK;
}
