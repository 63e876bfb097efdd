// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * wan_event_matters(): which rtnetlink events wake the supervisor, and a
 * short message (audit finding 11: the fixed header read without checking
 * the payload length) answered without reading past its end -- the buffers
 * are exactly as long as the message, so ASan sees any over-read.
 * wan_remote_usable(): what a resolved tunnel-remote must be (finding 7).
 */
#include "wan.h"
#include "unit.h"

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>

static struct nlmsghdr *msg(unsigned short type, const void *payload, size_t len)
{
	struct nlmsghdr *nlh = malloc(NLMSG_HDRLEN + len);

	nlh->nlmsg_len = (unsigned int)(NLMSG_HDRLEN + len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = 0;
	nlh->nlmsg_seq = nlh->nlmsg_pid = 0;
	memcpy((char *)nlh + NLMSG_HDRLEN, payload, len);
	return nlh;
}

static bool matters(unsigned short type, const void *payload, size_t len)
{
	struct nlmsghdr *nlh = msg(type, payload, len);
	bool ret = wan_event_matters(nlh, 7, 9);

	free(nlh);
	return ret;
}

static bool usable(const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	return wan_remote_usable(&a);
}

int main(void)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_INET6, .ifa_index = 7 };
	struct rtmsg rtm = { .rtm_family = AF_INET, .rtm_dst_len = 0 };

	CHECK(matters(RTM_NEWADDR, &ifa, sizeof(ifa)));
	ifa.ifa_index = 9;
	CHECK(matters(RTM_DELADDR, &ifa, sizeof(ifa)));
	ifa.ifa_index = 3;			/* someone else's address */
	CHECK(!matters(RTM_NEWADDR, &ifa, sizeof(ifa)));
	CHECK(matters(RTM_NEWROUTE, &rtm, sizeof(rtm)));
	rtm.rtm_dst_len = 24;
	CHECK(!matters(RTM_DELROUTE, &rtm, sizeof(rtm)));
	rtm.rtm_dst_len = 0;
	rtm.rtm_family = AF_INET6;
	CHECK(!matters(RTM_NEWROUTE, &rtm, sizeof(rtm)));
	CHECK(matters(RTM_NEWLINK, "", 0));
	/* Short: too small for the fixed header; look again, read nothing. */
	CHECK(matters(RTM_NEWADDR, &ifa, 2));
	CHECK(matters(RTM_NEWROUTE, &rtm, 0));

	CHECK(usable("2404:8e00::feed:140"));
	CHECK(!usable("::"));
	CHECK(!usable("::1"));
	CHECK(!usable("ff05::1"));
	CHECK(!usable("fe80::1"));
	CHECK(!usable("::ffff:192.0.2.1"));
	return unit_done("test-wan");
}
