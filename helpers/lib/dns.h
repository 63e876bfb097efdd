/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Our own names (a named tunnel-remote) looked up with c-ares: unlike
 * getaddrinfo() it tells the records' TTL, so a name is looked up again
 * when its answer expires rather than on a guess.  The servers are those
 * of /etc/resolv.conf, read afresh for every lookup (dhclient-script may
 * have rewritten it since); /etc/hosts is read first, as the system does.
 * Used for nothing else: the system's resolver stays the system's.
 */
#ifndef TRANSIX_DNS_H
#define TRANSIX_DNS_H

#include <netinet/in.h>
#include <stdbool.h>

#define DNS_MAX_ADDRS	16

struct dns_answer {
	struct in6_addr addr[DNS_MAX_ADDRS];	/* in the order of the answer */
	int n;
	unsigned int ttl;	/* seconds, the smallest of the records; 0 = none
				 * told (an /etc/hosts entry) */
};

/*
 * An AAAA lookup that never waits (issue 9: the supervisor keeps serving
 * signals and events while DNS is dead): its sockets go into the caller's
 * poll(), its timers into the poll timeout.
 *
 *   dns_query_start()     starts it (servers: NULL for /etc/resolv.conf's,
 *                         or c-ares' "[addr]:port,..." for a test)
 *   dns_query_pollfds()   its sockets now (at most DNS_POLLFDS)
 *   dns_query_timeout()   ms until its next timer; -1 none; 0 when over
 *   dns_query_process()   after poll(): true once the lookup is over
 *   dns_query_result()    then: as dns_lookup_aaaa() returns
 *   dns_query_free()      over or not (ifdown cancels it)
 */
#include <poll.h>

#define DNS_POLLFDS	16	/* ARES_GETSOCK_MAXNUM */

struct dns_query;

int dns_query_start(struct dns_query **q, const char *name, int timeout_ms,
		    const char *servers);
int dns_query_pollfds(struct dns_query *q, struct pollfd *pfd, int max);
int dns_query_timeout(struct dns_query *q);
bool dns_query_process(struct dns_query *q, const struct pollfd *pfd, int n);
int dns_query_result(const struct dns_query *q, struct dns_answer *out);
void dns_query_free(struct dns_query *q);

/*
 * The AAAA records of name, waiting for them (the above in a loop of its
 * own): at most about timeout_ms per server and try (c-ares' own timers).  Returns 0 with at least one
 * address, -ENOENT if the name or its AAAA does not exist, -EAGAIN if no
 * server answered usefully (timeout, SERVFAIL, refused, no server), or
 * -errno.
 */
int dns_lookup_aaaa(const char *name, int timeout_ms, struct dns_answer *out);

/*
 * The address to use among the answer's: the one in use (current, may be
 * NULL) while it is still answered, so that several AAAA records never
 * make the tunnel hop; else the first that usable() accepts.  Returns its
 * index, or -1 if none is usable.
 */
int dns_pick(const struct dns_answer *a, const struct in6_addr *current,
	     bool (*usable)(const struct in6_addr *));

/* Words for a dns_lookup_aaaa() error, for the log and the status. */
const char *dns_strerror(int err);

#endif
