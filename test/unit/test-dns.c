// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dns.c: the stable choice among several AAAA (dns_pick), and a real
 * c-ares lookup answered from a hosts file of ours (CARES_HOSTS, c-ares'
 * own knob), so no network is needed: several addresses in file order,
 * duplicates once, no TTL told, an unknown name -ENOENT.  The TTL of real
 * DNS answers is checked on the real kernel (scenario 46, dnsmasq).
 */
#include "dns.h"
#include "wan.h"
#include "unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct in6_addr addr(const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	return a;
}

static struct dns_answer answer(int n, const char *const *list)
{
	struct dns_answer a = { .n = n };

	for (int i = 0; i < n; i++)
		a.addr[i] = addr(list[i]);
	return a;
}

static void test_pick(void)
{
	static const char *const three[] = { "2001:db8::1", "2001:db8::2", "2001:db8::3" };
	static const char *const bad[] = { "ff05::1", "::", "2001:db8::9" };
	static const char *const none[] = { "ff05::1", "::1" };
	struct dns_answer a = answer(3, three);
	struct in6_addr cur;

	CHECK_INT(dns_pick(&a, NULL, wan_remote_usable), 0);		/* first */
	cur = addr("2001:db8::3");
	CHECK_INT(dns_pick(&a, &cur, wan_remote_usable), 2);		/* kept */
	cur = addr("2001:db8::7");
	CHECK_INT(dns_pick(&a, &cur, wan_remote_usable), 0);		/* gone: first */
	a = answer(3, bad);
	CHECK_INT(dns_pick(&a, NULL, wan_remote_usable), 2);		/* checked */
	cur = addr("ff05::1");
	CHECK_INT(dns_pick(&a, &cur, wan_remote_usable), 2);		/* even if in use */
	a = answer(2, none);
	CHECK_INT(dns_pick(&a, NULL, wan_remote_usable), -1);
	a = answer(0, none);
	CHECK_INT(dns_pick(&a, NULL, wan_remote_usable), -1);
}

static void test_lookup(void)
{
	char hosts[] = "/tmp/test-dns-hosts.XXXXXX";
	struct dns_answer a;
	char buf[INET6_ADDRSTRLEN];
	int fd = mkstemp(hosts);
	FILE *f;

	CHECK(fd >= 0);
	f = fdopen(fd, "w");
	fprintf(f, "2001:db8::a aftr.unit.test\n2001:db8::b aftr.unit.test\n"
		   "2001:db8::a aftr.unit.test\n192.0.2.1 v4only.unit.test\n");
	fclose(f);
	setenv("CARES_HOSTS", hosts, 1);
	/* No server to ask (the names are in the file): none reachable. */
	setenv("RES_OPTIONS", "attempts:1 timeout:1", 1);

	CHECK_INT(dns_lookup_aaaa("aftr.unit.test", 500, &a), 0);
	CHECK_INT(a.n, 2);
	CHECK_STR(inet_ntop(AF_INET6, &a.addr[0], buf, sizeof(buf)), "2001:db8::a");
	CHECK_STR(inet_ntop(AF_INET6, &a.addr[1], buf, sizeof(buf)), "2001:db8::b");
	CHECK_INT(a.ttl, 0);
	CHECK_INT(dns_lookup_aaaa("bad name!", 500, &a) < 0, 1);
	CHECK_STR(dns_strerror(-ENOENT), "no such name or no IPv6 address for it");
	unlink(hosts);
}

/*
 * Issue 9: a lookup against a server that never answers does not hold the
 * caller: dns_query_start() returns at once, the caller's own event (a
 * pipe here, SIGTERM in the supervisor) is served while the lookup is
 * still running, and the lookup ends by c-ares' timers as "no DNS server
 * answered".  The order of events is checked, not a duration.
 */
static void test_async(void)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t len = sizeof(sa);
	int silent = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0), ev[2], n, rounds = 0;
	struct pollfd pfd[DNS_POLLFDS + 1];
	struct dns_query *q;
	struct dns_answer a;
	char servers[64], buf[512];
	bool served = false, over = false;

	CHECK(silent >= 0);
	CHECK_INT(bind(silent, (struct sockaddr *)&sa, sizeof(sa)), 0);
	CHECK_INT(getsockname(silent, (struct sockaddr *)&sa, &len), 0);
	snprintf(servers, sizeof(servers), "[::1]:%u", ntohs(sa.sin6_port));
	CHECK_INT(pipe(ev), 0);

	unsetenv("CARES_HOSTS");
	CHECK_INT(dns_query_start(&q, "aftr.silent.test", 200, servers), 0);
	CHECK(q != NULL);
	CHECK_INT(dns_query_process(q, NULL, 0), 0);		/* not over */
	CHECK_INT(dns_query_result(q, &a), -EINPROGRESS);
	n = dns_query_pollfds(q, pfd, DNS_POLLFDS);
	CHECK(n >= 1);
	CHECK(dns_query_timeout(q) > 0);
	/* The query reached the server, which keeps silent. */
	CHECK(recv(silent, buf, sizeof(buf), 0) > 12);
	CHECK_INT(write(ev[1], "x", 1), 1);			/* "SIGTERM" */
	/* Each round is an event (a reply, a timer, ours): a few, not a spin
	 * (c-ares' millisecond timeout once woke us before its timer was due,
	 * for up to a millisecond of busy rounds). */
	while (!over && rounds++ < 50) {
		n = dns_query_pollfds(q, pfd, DNS_POLLFDS);
		pfd[n] = (struct pollfd){ .fd = ev[0], .events = POLLIN };
		CHECK(poll(pfd, (nfds_t)n + 1, dns_query_timeout(q)) >= 0);
		if (pfd[n].revents) {
			/* Served while the lookup still runs. */
			CHECK_INT(dns_query_result(q, &a), -EINPROGRESS);
			CHECK_INT(read(ev[0], buf, 1), 1);
			served = true;
		}
		over = dns_query_process(q, pfd, n);
	}
	CHECK(served);
	CHECK(over);
	CHECK(rounds < 10);
	CHECK_INT(dns_query_result(q, &a), -EAGAIN);
	CHECK_INT(a.n, 0);
	CHECK_INT(dns_query_timeout(q), 0);
	CHECK_INT(dns_query_pollfds(q, pfd, DNS_POLLFDS), 0);
	dns_query_free(q);

	/* Cancelled while running (ifdown): freed, nothing left behind. */
	CHECK_INT(dns_query_start(&q, "aftr.silent.test", 200, servers), 0);
	CHECK_INT(dns_query_process(q, NULL, 0), 0);
	dns_query_free(q);
	dns_query_free(NULL);
	CHECK_INT(dns_query_start(&q, "x.test", 200, "not a server list"), -EINVAL);
	CHECK(q == NULL);
	close(silent);
	close(ev[0]);
	close(ev[1]);
}

int main(void)
{
	test_pick();
	test_lookup();
	test_async();
	return unit_done("test-dns");
}
