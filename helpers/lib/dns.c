// SPDX-License-Identifier: GPL-2.0-or-later
#include "dns.h"

#include <ares.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

_Static_assert(DNS_POLLFDS == ARES_GETSOCK_MAXNUM, "dns.h: DNS_POLLFDS");

struct dns_query {
	ares_channel ch;
	bool done;
	int status;
	struct dns_answer out;
};

static void on_answer(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
	struct dns_query *q = arg;

	(void)timeouts;
	q->done = true;
	q->status = status;
	if (status != ARES_SUCCESS || !res)
		goto out;
	for (struct ares_addrinfo_node *n = res->nodes; n; n = n->ai_next) {
		const struct in6_addr *a;
		bool seen = false;

		if (n->ai_family != AF_INET6 || q->out.n >= DNS_MAX_ADDRS)
			continue;
		a = &((const struct sockaddr_in6 *)(const void *)n->ai_addr)->sin6_addr;
		for (int i = 0; i < q->out.n; i++)
			seen = seen || !memcmp(&q->out.addr[i], a, sizeof(*a));
		if (seen)
			continue;
		q->out.addr[q->out.n++] = *a;
		/* The answer is as old as its youngest-expiring record. */
		if (n->ai_ttl > 0 && (!q->out.ttl || (unsigned int)n->ai_ttl < q->out.ttl))
			q->out.ttl = (unsigned int)n->ai_ttl;
	}
out:
	if (res)
		ares_freeaddrinfo(res);
}

static int errno_of(int status)
{
	switch (status) {
	case ARES_SUCCESS:
		return 0;
	case ARES_ENODATA:
	case ARES_ENOTFOUND:
	case ARES_ENONAME:
		return -ENOENT;
	case ARES_ENOMEM:
		return -ENOMEM;
	case ARES_EBADNAME:
	case ARES_EBADFAMILY:
		return -EINVAL;
	default:	/* ETIMEOUT, ESERVFAIL, EREFUSED, ECONNREFUSED, EFORMERR... */
		return -EAGAIN;
	}
}

int dns_query_start(struct dns_query **qp, const char *name, int timeout_ms,
		    const char *servers)
{
	static bool inited;
	struct ares_options opts = { .timeout = timeout_ms, .tries = 2 };
	/* ENVHOSTS: CARES_HOSTS may name another hosts file (the unit test's;
	 * whoever sets our environment is root already). */
	struct ares_addrinfo_hints hints = { .ai_family = AF_INET6,
					     .ai_flags = ARES_AI_NOSORT | ARES_AI_ENVHOSTS };
	struct dns_query *q;
	int ret;

	*qp = NULL;
	if (!inited) {
		ret = ares_library_init(ARES_LIB_INIT_ALL);
		if (ret != ARES_SUCCESS)
			return errno_of(ret);
		inited = true;
	}
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	/* A channel per lookup: it reads /etc/resolv.conf as it is now.  No
	 * sorting (RFC 6724 would connect sockets; the caller keeps its own
	 * choice stable). */
	ret = ares_init_options(&q->ch, &opts, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
	if (ret != ARES_SUCCESS) {
		free(q);
		return errno_of(ret);
	}
	if (servers && ares_set_servers_ports_csv(q->ch, servers) != ARES_SUCCESS) {
		ares_destroy(q->ch);
		free(q);
		return -EINVAL;
	}
	/* May answer at once (/etc/hosts, a bad name): q->done then. */
	ares_getaddrinfo(q->ch, name, NULL, &hints, on_answer, q);
	*qp = q;
	return 0;
}

int dns_query_pollfds(struct dns_query *q, struct pollfd *pfd, int max)
{
	ares_socket_t socks[ARES_GETSOCK_MAXNUM];
	/* c-ares' ARES_GETSOCK_WRITABLE shifts a signed 1 by 31 for the last
	 * socket (undefined): the same bits, unsigned. */
	unsigned int bits;
	int n = 0;

	if (q->done)
		return 0;
	bits = (unsigned int)ares_getsock(q->ch, socks, ARES_GETSOCK_MAXNUM);
	for (int i = 0; i < ARES_GETSOCK_MAXNUM && n < max; i++) {
		short ev = (short)((bits & (1u << i) ? POLLIN : 0) |
				   (bits & (1u << (i + ARES_GETSOCK_MAXNUM)) ? POLLOUT : 0));
		if (ev)
			pfd[n++] = (struct pollfd){ .fd = socks[i], .events = ev };
	}
	return n;
}

int dns_query_timeout(struct dns_query *q)
{
	struct timeval tv, *tvp;

	if (q->done)
		return 0;
	tvp = ares_timeout(q->ch, NULL, &tv);
	if (!tvp)
		return -1;
	/* One more millisecond: ares_timeout() truncates to milliseconds but
	 * its timers compare microseconds, so woken on the dot c-ares finds
	 * nothing due yet and we would spin until it is. */
	return (int)(tvp->tv_sec * 1000 + tvp->tv_usec / 1000) + 1;
}

bool dns_query_process(struct dns_query *q, const struct pollfd *pfd, int n)
{
	for (int i = 0; i < n && !q->done; i++) {
		if (!pfd[i].revents)
			continue;
		ares_process_fd(q->ch, pfd[i].revents & (POLLIN | POLLERR | POLLHUP) ?
				pfd[i].fd : ARES_SOCKET_BAD,
				pfd[i].revents & (POLLOUT | POLLERR) ? pfd[i].fd : ARES_SOCKET_BAD);
	}
	/* Its timers: the retries, the end of the lookup. */
	if (!q->done)
		ares_process_fd(q->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	return q->done;
}

int dns_query_result(const struct dns_query *q, struct dns_answer *out)
{
	int ret;

	*out = q->out;
	if (!q->done)
		return -EINPROGRESS;
	ret = errno_of(q->status);
	if (!ret && !out->n)
		ret = -ENOENT;		/* only A records, say */
	return ret;
}

void dns_query_free(struct dns_query *q)
{
	if (!q)
		return;
	q->done = true;		/* ares_destroy() calls on_answer (EDESTRUCTION) */
	ares_destroy(q->ch);
	free(q);
}

int dns_lookup_aaaa(const char *name, int timeout_ms, struct dns_answer *out)
{
	struct dns_query *q;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = dns_query_start(&q, name, timeout_ms, NULL);
	if (ret < 0)
		return ret;
	while (!q->done) {
		struct pollfd pfd[DNS_POLLFDS];
		int n = dns_query_pollfds(q, pfd, DNS_POLLFDS);

		if (poll(pfd, (nfds_t)n, dns_query_timeout(q)) < 0 && errno != EINTR) {
			ret = -errno;
			dns_query_free(q);
			return ret;
		}
		dns_query_process(q, pfd, n);
	}
	ret = dns_query_result(q, out);
	dns_query_free(q);
	return ret;
}

int dns_pick(const struct dns_answer *a, const struct in6_addr *current,
	     bool (*usable)(const struct in6_addr *))
{
	int first = -1;

	for (int i = 0; i < a->n; i++) {
		if (!usable(&a->addr[i]))
			continue;
		if (current && !memcmp(&a->addr[i], current, sizeof(*current)))
			return i;
		if (first < 0)
			first = i;
	}
	return first;
}

const char *dns_strerror(int err)
{
	switch (err) {
	case -ENOENT:
		return "no such name or no IPv6 address for it";
	case -EAGAIN:
		return "no DNS server answered";
	case -EINVAL:
		return "not a valid name";
	case -ENOMEM:
		return "out of memory";
	default:
		return strerror(-err);
	}
}
