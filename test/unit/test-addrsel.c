// SPDX-License-Identifier: GPL-2.0-or-later
/* Which WAN address the tunnel uses: never temporary, deprecated or
 * tentative, and the iid's when there is one. */
#include "rtnl.h"
#include "unit.h"

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

static struct addr6 A(const char *s, unsigned int flags, unsigned int preferred,
		      unsigned int valid)
{
	struct addr6 a = { .plen = 64, .flags = flags, .scope = RT_SCOPE_UNIVERSE,
			   .preferred = preferred, .valid = valid };

	inet_pton(AF_INET6, s, &a.addr);
	return a;
}

static const char *pick(const struct addr6 *l, int n, const char *iid, enum addr_pick *r)
{
	static char buf[INET6_ADDRSTRLEN];
	struct in6_addr i, out;

	if (iid)
		inet_pton(AF_INET6, iid, &i);
	*r = addr6_pick_local(l, n, iid ? &i : NULL, &out);
	return *r == PICK_NONE ? "" : inet_ntop(AF_INET6, &out, buf, sizeof(buf));
}

int main(void)
{
	enum addr_pick r;
	struct addr6 ll = A("fe80::feed", IFA_F_PERMANENT, ~0U, ~0U);
	struct addr6 temp = A("2001:db8:1:1:1234:5678:9abc:def0", IFA_F_TEMPORARY, 3600, 7200);
	struct addr6 eui = A("2001:db8:1:1:211:22ff:fe33:4455", 0, 3600, 7200);
	struct addr6 feed = A("2001:db8:1:1::feed", 0, 3600, 7200);
	struct addr6 feed_tent = A("2001:db8:1:1::feed", IFA_F_TENTATIVE, 3600, 7200);
	/* RFC 4429: tentative and optimistic, as the kernel shows it. */
	struct addr6 feed_opt = A("2001:db8:1:1::feed", IFA_F_TENTATIVE | IFA_F_OPTIMISTIC, 3600, 7200);
	struct addr6 old_dep = A("2001:db8:1:1::feed", IFA_F_DEPRECATED, 0, 60);
	struct addr6 old_zero = A("2001:db8:1:1::feed", 0, 0, 60);
	struct addr6 new_feed = A("2001:db8:1:2::feed", 0, 3600, 7200);
	struct addr6 static_addr = A("2001:db8:1:1::1", IFA_F_PERMANENT, ~0U, ~0U);
	struct addr6 dadfailed = A("2001:db8:1:1::feed", IFA_F_DADFAILED | IFA_F_TENTATIVE, 3600, 7200);

	ll.scope = RT_SCOPE_LINK;
	{
		struct addr6 l[] = { ll, temp, eui, feed };

		CHECK_STR(pick(l, 4, "::feed", &r), "2001:db8:1:1::feed");
		CHECK_INT(r, PICK_OK);
	}
	{	/* DAD still running: wait, do not use it. */
		struct addr6 l[] = { ll, temp, feed_tent };

		pick(l, 3, "::feed", &r);
		CHECK_INT(r, PICK_TENTATIVE);
	}
	{	/* Optimistic DAD (issue 13): the kernel sends from it, so do we. */
		struct addr6 l[] = { ll, temp, feed_opt };
		struct addr6 dup = feed_opt;

		CHECK_STR(pick(l, 3, "::feed", &r), "2001:db8:1:1::feed");
		CHECK_INT(r, PICK_OK);
		CHECK(addr6_usable(l, 3, &feed_opt.addr));
		dup.flags |= IFA_F_DADFAILED;	/* a duplicate after all */
		CHECK_STR(pick(&dup, 1, "::feed", &r), "");
		CHECK(!addr6_usable(&dup, 1, &dup.addr));
	}
	{	/* Privacy addresses only: nothing. */
		struct addr6 l[] = { ll, temp, eui };

		CHECK_STR(pick(l, 3, "::feed", &r), "");
		CHECK_INT(r, PICK_NONE);
	}
	{	/* Prefix change: the deprecated old ::feed is never used. */
		struct addr6 l[] = { old_dep, new_feed };
		struct addr6 m[] = { new_feed, old_zero };

		CHECK_STR(pick(l, 2, "::feed", &r), "2001:db8:1:2::feed");
		CHECK_STR(pick(m, 2, "::feed", &r), "2001:db8:1:2::feed");
		CHECK_STR(pick(l, 1, "::feed", &r), "");
	}
	{	/* Without iid: the stable SLAAC address, not temporary/static. */
		struct addr6 l[] = { static_addr, temp, eui };

		CHECK_STR(pick(l, 3, NULL, &r), "2001:db8:1:1:211:22ff:fe33:4455");
	}
	{
		struct addr6 l[] = { dadfailed };

		CHECK_STR(pick(l, 1, "::feed", &r), "");
		CHECK(!addr6_usable(l, 1, &dadfailed.addr));
	}
	{
		struct addr6 l[] = { feed, old_dep };

		CHECK(addr6_usable(l, 1, &feed.addr));
		CHECK(!addr6_usable(&old_dep, 1, &old_dep.addr));
	}
	return unit_done("test-addrsel");
}
