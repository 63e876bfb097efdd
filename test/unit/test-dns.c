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

int main(void)
{
	test_pick();
	test_lookup();
	return unit_done("test-dns");
}
