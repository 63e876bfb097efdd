// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rtnetlink answers we parse, as raw bytes through nl_run() and the
 * library's own callbacks (rtnl-parse.h): links and ip6tnl details,
 * addresses, the default route, the token; the error/ACK/DONE handling;
 * and every malformed case the audit found (issue 9 #11-#13).  Each buffer
 * is copied to a heap block of its exact size, so that ASan sees a read
 * past its end.  Last, read-only queries against the host's kernel.
 */
#include "nl.h"
#include "rtnl-parse.h"
#include "unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/ip6_tunnel.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdlib.h>

#include "config.h"

/* A stream of messages being built: each put() starts one after the last. */
static union {
	char b[NL_BUFSIZE];
	struct nlmsghdr align;
} stream;
static size_t stream_len;
static struct nlmsghdr *cur;

static void reset(void)
{
	memset(&stream, 0, sizeof(stream));
	stream_len = 0;
	cur = NULL;
}

static void finish(void)
{
	if (cur)
		stream_len += MNL_ALIGN(cur->nlmsg_len);
	cur = NULL;
}

static void *put(uint16_t type, uint16_t flags, size_t extra)
{
	finish();
	cur = mnl_nlmsg_put_header(stream.b + stream_len);
	cur->nlmsg_type = type;
	cur->nlmsg_flags = flags;
	cur->nlmsg_seq = 77;
	return extra ? mnl_nlmsg_put_extra_header(cur, extra) : NULL;
}

static struct nl nl;

/* nl_run() over the stream, from an exact-size heap copy; len (if not 0)
 * cuts the stream short. */
static int run_n(size_t len, mnl_cb_t cb, void *data)
{
	void *copy;
	int ret;

	if (!len)
		len = stream_len + (cur ? MNL_ALIGN(cur->nlmsg_len) : 0);
	copy = malloc(len);
	memcpy(copy, stream.b, len);
	ret = nl_run(&nl, copy, len, 77, cb, data);
	free(copy);
	return ret;
}

/* The stream's length so far, the message being built included. */
static size_t total(void)
{
	return stream_len + (cur ? MNL_ALIGN(cur->nlmsg_len) : 0);
}

static int run(mnl_cb_t cb, void *data)
{
	return run_n(0, cb, data);
}

static void put_done(int err)
{
	int *p = put(NLMSG_DONE, NLM_F_MULTI, sizeof(int));

	*p = err;
}

static struct in6_addr A6(const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	return a;
}

/* --- links ------------------------------------------------------------------ */

static void put_tunnel_link(const char *kind, int ifindex, unsigned int flags)
{
	struct ifinfomsg *ifm = put(RTM_NEWLINK, NLM_F_MULTI, sizeof(*ifm));
	struct in6_addr local = A6("2001:db8:1:2::feed"), remote = A6("2001:db8:ffff::140");
	struct nlattr *info, *data;

	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	ifm->ifi_flags = flags;
	mnl_attr_put_strz(cur, IFLA_IFNAME, "tx-wan0");
	mnl_attr_put_u32(cur, IFLA_MTU, 1460);
	info = mnl_attr_nest_start(cur, IFLA_LINKINFO);
	mnl_attr_put_strz(cur, IFLA_INFO_KIND, kind);
	data = mnl_attr_nest_start(cur, IFLA_INFO_DATA);
	mnl_attr_put_u32(cur, IFLA_IPTUN_LINK, 7);
	mnl_attr_put(cur, IFLA_IPTUN_LOCAL, 16, &local);
	mnl_attr_put(cur, IFLA_IPTUN_REMOTE, 16, &remote);
	mnl_attr_put_u8(cur, IFLA_IPTUN_TTL, 64);
	mnl_attr_put_u8(cur, IFLA_IPTUN_ENCAP_LIMIT, 4);
	mnl_attr_put_u32(cur, IFLA_IPTUN_FLAGS, IP6_TNL_F_IGN_ENCAP_LIMIT);
	mnl_attr_put_u8(cur, IFLA_IPTUN_PROTO, IPPROTO_IPIP);
	mnl_attr_nest_end(cur, data);
	mnl_attr_nest_end(cur, info);
}

static void test_link(void)
{
	struct tunnel_params p = {
		.name = "tx-wan0", .link = 7, .local = A6("2001:db8:1:2::feed"),
		.remote = A6("2001:db8:ffff::140"), .encaplimit = ENCAPLIMIT_NONE, .mtu = 1460,
	};
	struct link_info li;
	char buf[64];

	reset();
	put_tunnel_link("ip6tnl", 9, IFF_UP | IFF_LOWER_UP);
	put(NLMSG_ERROR, 0, sizeof(struct nlmsgerr));	/* the ACK: error 0 */
	memset(&li, 0xa5, sizeof(li));
	CHECK_INT(run(rtnl_link_cb, &li), 0);
	CHECK_INT(li.ifindex, 9);
	CHECK_STR(li.name, "tx-wan0");
	CHECK_STR(li.kind, "ip6tnl");
	CHECK_INT(li.mtu, 1460);
	CHECK(li.up && li.running);
	CHECK_INT(li.tnl_link, 7);
	CHECK_STR(inet_ntop(AF_INET6, &li.tnl_local, buf, sizeof(buf)), "2001:db8:1:2::feed");
	CHECK_STR(inet_ntop(AF_INET6, &li.tnl_remote, buf, sizeof(buf)), "2001:db8:ffff::140");
	CHECK_INT(li.tnl_flags, IP6_TNL_F_IGN_ENCAP_LIMIT);
	CHECK_INT(li.tnl_encap_limit, 4);
	CHECK_INT(li.tnl_proto, IPPROTO_IPIP);
	CHECK_INT(li.tnl_ttl, 64);

	/* tunnel_matches(): equal, then each difference. */
	CHECK(tunnel_matches(&li, &p));
	p.encaplimit = 4;
	CHECK(!tunnel_matches(&li, &p));
	p.encaplimit = ENCAPLIMIT_NONE;
	p.remote = A6("2001:db8:ffff::141");
	CHECK(!tunnel_matches(&li, &p));
	p.remote = li.tnl_remote;
	p.mtu = 1500;
	CHECK(!tunnel_matches(&li, &p));
	p.mtu = 1460;
	p.link = 8;
	CHECK(!tunnel_matches(&li, &p));
	p.link = 7;
	li.up = false;
	CHECK(!tunnel_matches(&li, &p));
	li.up = true;
	li.tnl_proto = IPPROTO_IPV6;
	CHECK(!tunnel_matches(&li, &p));

	/* Another kind: its IFLA_INFO_DATA is not read as ip6tnl's. */
	reset();
	put_tunnel_link("sit", 10, 0);
	CHECK_INT(run(rtnl_link_cb, &li), 1);
	CHECK_STR(li.kind, "sit");
	CHECK_INT(li.tnl_link, 0);
	CHECK(!li.up);

	/* Not a NEWLINK: ignored, li untouched. */
	reset();
	put_tunnel_link("ip6tnl", 11, 0);
	cur->nlmsg_type = RTM_DELLINK;
	li.ifindex = 99;
	CHECK_INT(run(rtnl_link_cb, &li), 1);
	CHECK_INT(li.ifindex, 99);

	/* Attributes of the wrong size. */
	reset();
	{
		struct ifinfomsg *ifm = put(RTM_NEWLINK, 0, sizeof(*ifm));
		uint16_t two = 1500;

		ifm->ifi_index = 12;
		mnl_attr_put(cur, IFLA_MTU, sizeof(two), &two);
	}
	CHECK(run(rtnl_link_cb, &li) < 0);
	reset();
	{
		struct ifinfomsg *ifm = put(RTM_NEWLINK, 0, sizeof(*ifm));

		ifm->ifi_index = 12;
		mnl_attr_put(cur, IFLA_IFNAME, 3, "abc");	/* no NUL */
	}
	CHECK(run(rtnl_link_cb, &li) < 0);
	reset();
	{
		struct ifinfomsg *ifm = put(RTM_NEWLINK, 0, sizeof(*ifm));
		struct nlattr *info, *data;
		uint32_t v4 = 0x01020304;

		ifm->ifi_index = 13;
		info = mnl_attr_nest_start(cur, IFLA_LINKINFO);
		mnl_attr_put_strz(cur, IFLA_INFO_KIND, "ip6tnl");
		data = mnl_attr_nest_start(cur, IFLA_INFO_DATA);
		mnl_attr_put(cur, IFLA_IPTUN_LOCAL, 4, &v4);	/* an IPv4 tunnel's */
		mnl_attr_put_u16(cur, IFLA_IPTUN_PROTO, 4);	/* wrong size */
		mnl_attr_nest_end(cur, data);
		mnl_attr_nest_end(cur, info);
	}
	CHECK_INT(run(rtnl_link_cb, &li), 1);
	CHECK_INT(li.ifindex, 13);
	CHECK(IN6_IS_ADDR_UNSPECIFIED(&li.tnl_local));
	CHECK_INT(li.tnl_proto, 0);

	/* Issue 9 #11: a NEWLINK shorter than struct ifinfomsg. */
	reset();
	put(RTM_NEWLINK, 0, 0);
	CHECK_INT(run(rtnl_link_cb, &li), -EBADMSG);
	reset();
	put(RTM_NEWLINK, 0, 0);
	mnl_nlmsg_put_extra_header(cur, 4);
	CHECK_INT(run(rtnl_link_cb, &li), -EBADMSG);
}

/* --- addresses ---------------------------------------------------------------- */

static void put_addr(int family, unsigned int ifindex, const char *addr, unsigned int flags,
		     bool cacheinfo)
{
	struct ifaddrmsg *ifa = put(RTM_NEWADDR, NLM_F_MULTI, sizeof(*ifa));
	unsigned char bytes[16];

	ifa->ifa_family = (unsigned char)family;
	ifa->ifa_prefixlen = family == AF_INET6 ? 64 : 32;
	ifa->ifa_flags = (unsigned char)flags;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	inet_pton(family, addr, bytes);
	mnl_attr_put(cur, family == AF_INET6 ? IFA_ADDRESS : IFA_LOCAL,
		     family == AF_INET6 ? 16 : 4, bytes);
	if (flags > 0xff)
		mnl_attr_put_u32(cur, IFA_FLAGS, flags);
	if (cacheinfo) {
		struct ifa_cacheinfo ci = { .ifa_prefered = 1800, .ifa_valid = 3600 };

		mnl_attr_put(cur, IFA_CACHEINFO, sizeof(ci), &ci);
	}
}

static void test_addr(void)
{
	struct addr6 list[4];
	struct addr6_dump d = { .ifindex = 7, .list = list, .max = 4 };
	struct addr4_dump d4 = { .ifindex = 7 };
	char buf[64];

	reset();
	put_addr(AF_INET6, 7, "2001:db8:1:2::feed", IFA_F_TENTATIVE, true);
	put_addr(AF_INET6, 8, "2001:db8:9:9::1", 0, false);		/* other link */
	put_addr(AF_INET, 7, "192.0.2.1", 0, false);			/* IPv4 */
	put_addr(AF_INET6, 7, "fe80::feed", IFA_F_PERMANENT | IFA_F_MANAGETEMPADDR, false);
	put_done(0);
	CHECK_INT(run(rtnl_addr6_cb, &d), 0);
	CHECK_INT(d.n, 2);
	CHECK_STR(inet_ntop(AF_INET6, &list[0].addr, buf, sizeof(buf)), "2001:db8:1:2::feed");
	CHECK_INT(list[0].flags, IFA_F_TENTATIVE);
	CHECK_INT(list[0].plen, 64);
	CHECK_INT(list[0].preferred, 1800);
	CHECK_INT(list[0].valid, 3600);
	CHECK_STR(inet_ntop(AF_INET6, &list[1].addr, buf, sizeof(buf)), "fe80::feed");
	CHECK_INT(list[1].flags, IFA_F_PERMANENT | IFA_F_MANAGETEMPADDR);	/* from IFA_FLAGS */
	CHECK_INT(list[1].valid, ~0U);

	/* The list is full: the rest is skipped, not written past its end. */
	d.n = 0;
	d.max = 1;
	CHECK_INT(run(rtnl_addr6_cb, &d), 0);
	CHECK_INT(d.n, 1);

	/* IPv4 of link 7, IFA_LOCAL before IFA_ADDRESS; more than 16 kept. */
	CHECK_INT(run(rtnl_addr4_cb, &d4), 0);
	CHECK_INT(d4.n, 1);
	CHECK_STR(inet_ntop(AF_INET, &d4.list[0].addr, buf, sizeof(buf)), "192.0.2.1");
	reset();
	for (int i = 0; i < 20; i++)
		put_addr(AF_INET, 7, "192.0.2.2", 0, false);
	d4.n = 0;
	CHECK_INT(run(rtnl_addr4_cb, &d4), 1);
	CHECK_INT(d4.n, 16);

	/* An IPv6 address of 4 bytes is skipped; a wrong IFA_CACHEINFO is an error. */
	reset();
	{
		struct ifaddrmsg *ifa = put(RTM_NEWADDR, 0, sizeof(*ifa));
		uint16_t ci = 1;

		ifa->ifa_family = AF_INET6;
		ifa->ifa_index = 7;
		mnl_attr_put(cur, IFA_ADDRESS, 4, "abcd");
		CHECK_INT((d.n = 0, d.max = 4, run(rtnl_addr6_cb, &d)), 1);
		CHECK_INT(d.n, 0);
		mnl_attr_put(cur, IFA_CACHEINFO, sizeof(ci), &ci);
		CHECK(run(rtnl_addr6_cb, &d) < 0);
	}

	/* Issue 9 #11: NEWADDR shorter than struct ifaddrmsg. */
	reset();
	put(RTM_NEWADDR, 0, 0);
	CHECK_INT(run(rtnl_addr6_cb, &d), -EBADMSG);
	CHECK_INT(run(rtnl_addr4_cb, &d4), -EBADMSG);
}

/* --- the default route ---------------------------------------------------------- */

static void put_route(int family, unsigned char dst_len, unsigned char table, uint32_t oif,
		      bool gateway, uint32_t metric, uint32_t table_attr)
{
	struct rtmsg *rtm = put(RTM_NEWROUTE, NLM_F_MULTI, sizeof(*rtm));

	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_dst_len = dst_len;
	rtm->rtm_table = table;
	rtm->rtm_type = RTN_UNICAST;
	if (oif)
		mnl_attr_put_u32(cur, RTA_OIF, oif);
	if (gateway)
		mnl_attr_put_u32(cur, RTA_GATEWAY, htonl(0xc0000201));
	if (metric)
		mnl_attr_put_u32(cur, RTA_PRIORITY, metric);
	if (table_attr)
		mnl_attr_put_u32(cur, RTA_TABLE, table_attr);
}

static bool route_present(void)
{
	struct default_dump d = { .ifindex = 5 };

	put_done(0);
	CHECK_INT(run(rtnl_route4_default_cb, &d), 0);
	return d.present;
}

static void test_route(void)
{
	struct default_dump d = { .ifindex = 5 };

	reset();
	put_route(AF_INET, 0, RT_TABLE_MAIN, 5, false, 0, 0);
	CHECK(route_present());
	reset();
	put_route(AF_INET, 0, RT_TABLE_UNSPEC, 5, false, 0, RT_TABLE_MAIN);	/* RTA_TABLE */
	CHECK(route_present());
	reset();
	put_route(AF_INET, 0, RT_TABLE_MAIN, 6, false, 0, 0);		/* another link */
	put_route(AF_INET, 0, RT_TABLE_MAIN, 5, true, 0, 0);		/* via a gateway */
	put_route(AF_INET, 0, RT_TABLE_MAIN, 5, false, 100, 0);		/* metric 100 */
	put_route(AF_INET, 24, RT_TABLE_MAIN, 5, false, 0, 0);		/* not default */
	put_route(AF_INET6, 0, RT_TABLE_MAIN, 5, false, 0, 0);		/* IPv6 */
	put_route(AF_INET, 0, RT_TABLE_LOCAL, 5, false, 0, 0);		/* another table */
	put_route(AF_INET, 0, RT_TABLE_MAIN, 0, false, 0, 0);		/* no RTA_OIF */
	CHECK(!route_present());
	reset();
	{
		struct rtmsg *rtm = put(RTM_NEWROUTE, 0, sizeof(*rtm));
		uint16_t oif = 5;

		rtm->rtm_family = AF_INET;
		rtm->rtm_type = RTN_UNICAST;
		mnl_attr_put(cur, RTA_OIF, sizeof(oif), &oif);
	}
	CHECK(run(rtnl_route4_default_cb, &d) < 0);

	/* Issue 9 #11. */
	reset();
	put(RTM_NEWROUTE, 0, 0);
	CHECK_INT(run(rtnl_route4_default_cb, &d), -EBADMSG);
}

/* --- the token ------------------------------------------------------------------ */

static void put_token(int ifindex, const char *token, size_t len)
{
	struct ifinfomsg *ifm = put(RTM_NEWLINK, NLM_F_MULTI, sizeof(*ifm));
	struct in6_addr t = A6(token);
	struct nlattr *pi;

	ifm->ifi_family = AF_INET6;
	ifm->ifi_index = ifindex;
	mnl_attr_put_strz(cur, IFLA_IFNAME, "wan0");
	pi = mnl_attr_nest_start(cur, IFLA_PROTINFO);
	mnl_attr_put_u32(cur, IFLA_INET6_FLAGS, 0);
	mnl_attr_put(cur, IFLA_INET6_TOKEN, len, &t);
	mnl_attr_nest_end(cur, pi);
}

static void test_token(void)
{
	struct in6_addr t = { 0 };
	struct token_dump d = { .ifindex = 3, .token = &t };
	char buf[64];

	reset();
	put_token(2, "::1", 16);
	put_token(3, "::feed", 16);
	put_done(0);
	CHECK_INT(run(rtnl_token_cb, &d), 0);
	CHECK(d.found);
	CHECK_STR(inet_ntop(AF_INET6, &t, buf, sizeof(buf)), "::feed");
	reset();
	put_token(3, "::beef", 8);
	d.found = false;
	CHECK_INT(run(rtnl_token_cb, &d), 1);
	CHECK(!d.found);

	/* Issue 9 #11. */
	reset();
	put(RTM_NEWLINK, 0, 0);
	CHECK_INT(run(rtnl_token_cb, &d), -EBADMSG);
}

/* --- errors, ACKs, DONE, and the message walk (nl.c) ------------------------------ */

static void put_error(int error, uint16_t flags, const char *extack)
{
	struct nlmsgerr *e = put(NLMSG_ERROR, flags, sizeof(*e));

	e->error = error;
	e->msg.nlmsg_len = sizeof(struct nlmsghdr);
	e->msg.nlmsg_type = RTM_NEWLINK;
	if (extack)
		mnl_attr_put_strz(cur, NLMSGERR_ATTR_MSG, extack);
}

static int fail_quietly(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	errno = 0;
	return MNL_CB_ERROR;
}

static void test_errors(void)
{
	struct link_info li;

	reset();
	put_error(0, NLM_F_CAPPED, NULL);
	CHECK_INT(run(NULL, NULL), 0);

	reset();
	put_error(-EEXIST, NLM_F_CAPPED | NLM_F_ACK_TLVS, "File exists here");
	CHECK_INT(run(NULL, NULL), -EEXIST);
	CHECK_STR(nl.errmsg, "File exists here");
	CHECK_STR(nl_strerror(&nl, -EEXIST), "File exists (File exists here)");
	nl.errmsg[0] = '\0';
	CHECK_STR(nl_strerror(&nl, -ENODEV), "No such device");

	/* The last message without its padding, its extack string running
	 * into where the padding would be: libmnl walks attributes up to the
	 * aligned end, so this is refused whole (found by fuzz-rtnl: ASan
	 * heap overflow in extack_attr_cb). */
	reset();
	put_error(-EEXIST, NLM_F_CAPPED | NLM_F_ACK_TLVS, "File exist");
	{
		struct nlattr *a = (struct nlattr *)((char *)cur + sizeof(*cur) +
						     sizeof(struct nlmsgerr));

		CHECK_INT(mnl_attr_get_type(a), NLMSGERR_ATTR_MSG);
		a->nla_len = (uint16_t)(a->nla_len + 1);	/* "File exist\0" + 1 */
		cur->nlmsg_len += 1;				/* unaligned, unpadded */
		nl.errmsg[0] = '\0';
		CHECK_INT(run_n(stream_len + cur->nlmsg_len, NULL, NULL), -EBADMSG);
		CHECK_STR(nl.errmsg, "");
	}

	/* Not capped: the request is echoed before the TLVs. */
	reset();
	{
		struct nlmsgerr *e = put(NLMSG_ERROR, NLM_F_ACK_TLVS, sizeof(*e));
		char *echo = mnl_nlmsg_put_extra_header(cur, 8);

		e = mnl_nlmsg_get_payload(cur);
		e->error = -EINVAL;
		e->msg.nlmsg_len = sizeof(struct nlmsghdr) + 8;
		memcpy(echo, "requestX", 8);
		mnl_attr_put_strz(cur, NLMSGERR_ATTR_MSG, "bad attribute");
	}
	CHECK_INT(run(NULL, NULL), -EINVAL);
	CHECK_STR(nl.errmsg, "bad attribute");
	/* ... with a lying echo length: odd, short, huge.  Never a misaligned
	 * or out-of-bounds attribute read. */
	for (uint32_t lie = 0; lie < 40; lie++) {
		struct nlmsgerr *e;

		reset();
		e = put(NLMSG_ERROR, NLM_F_ACK_TLVS, sizeof(*e));
		e->error = -EINVAL;
		e->msg.nlmsg_len = lie == 39 ? 0xfffffff0u : lie;
		mnl_attr_put_strz(cur, NLMSGERR_ATTR_MSG, "x");
		nl.errmsg[0] = '\0';
		CHECK_INT(run(NULL, NULL), -EINVAL);
	}

	/* Issue 9 #12: a positive error is no success; INT_MIN is no UB. */
	reset();
	put_error(EEXIST, NLM_F_CAPPED, NULL);
	CHECK_INT(run(NULL, NULL), -EPROTO);
	reset();
	put_error(INT_MIN, NLM_F_CAPPED, NULL);
	CHECK_INT(run(NULL, NULL), -EPROTO);
	reset();
	put_error(-5000, NLM_F_CAPPED, NULL);		/* not an errno either */
	CHECK_INT(run(NULL, NULL), -EPROTO);
	/* A callback failing without errno: still a failure. */
	reset();
	put(RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
	CHECK_INT(run(fail_quietly, NULL), -EPROTO);
	/* An error message too short for struct nlmsgerr. */
	reset();
	put(NLMSG_ERROR, 0, 4);
	CHECK_INT(run(NULL, NULL), -EBADMSG);

	/* DONE: its payload is the dump's error. */
	reset();
	put_done(-ENOBUFS);
	CHECK_INT(run(NULL, NULL), -ENOBUFS);
	reset();
	put_done(INT_MIN);
	CHECK(run(NULL, NULL) < 0);
	reset();
	put(NLMSG_DONE, 0, 0);
	CHECK_INT(run(NULL, NULL), 0);

	/* The walk (#13): lengths beyond the buffer, under a header, a tail. */
	reset();
	put_tunnel_link("ip6tnl", 9, 0);
	CHECK_INT(run_n(total() - 4, rtnl_link_cb, &li), -EBADMSG);
	reset();
	put_tunnel_link("ip6tnl", 9, 0);
	cur->nlmsg_len = 0xfffffff0u;			/* libmnl 1.0.4: a 4 GiB jump */
	CHECK_INT(run_n(64, rtnl_link_cb, &li), -EBADMSG);
	reset();
	put_tunnel_link("ip6tnl", 9, 0);
	put_tunnel_link("ip6tnl", 10, 0);
	{
		size_t n = total();

		cur->nlmsg_len = 0x80000010u;		/* the second one, over INT_MAX */
		CHECK_INT(run_n(n, rtnl_link_cb, &li), -EBADMSG);
	}
	reset();
	put(RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
	cur->nlmsg_len = 8;				/* shorter than its header */
	CHECK_INT(run_n(32, rtnl_link_cb, &li), -EBADMSG);
	reset();
	put_done(0);
	CHECK_INT(run_n(total() + 8, NULL, NULL), -EBADMSG);	/* 8 stray bytes */
	reset();
	CHECK_INT(nl_run(&nl, stream.b, 0, 77, NULL, NULL), 1);	/* nothing: more to come */

	/* A sequence number not ours, a dump interrupted. */
	reset();
	put_done(0);
	cur->nlmsg_seq = 78;
	CHECK(run(NULL, NULL) < 0);
	reset();
	put_done(0);
	cur->nlmsg_flags |= NLM_F_DUMP_INTR;
	CHECK_INT(run(NULL, NULL), -EINTR);
}

/* --- what we send: the tunnel request, read back as the kernel would answer -- */

static void check_request(const struct tunnel_params *p, unsigned int ifindex)
{
	union {
		char b[NL_BUFSIZE];
		struct nlmsghdr align;
	} req;
	struct nlmsghdr *nlh = tunnel_request(&nl, req.b, ifindex, p);
	struct link_info li;

	/* A request is laid out as the NEWLINK the kernel answers with. */
	memset(&li, 0, sizeof(li));
	CHECK_INT(rtnl_link_cb(nlh, &li), MNL_CB_OK);
	CHECK_INT(nlh->nlmsg_type, RTM_NEWLINK);
	CHECK_STR(li.kind, "ip6tnl");
	CHECK(li.up);
	CHECK_INT(li.tnl_ttl, 64);
	if (ifindex) {
		/* change: that link, in place; no name or MTU to rename or clash. */
		CHECK_INT(li.ifindex, ifindex);
		CHECK_INT(nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL), 0);
		CHECK_STR(li.name, "");
		li.mtu = p->mtu;
	} else {
		/* create: never takes over an existing device (EXCL). */
		CHECK_INT(nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL),
			  NLM_F_CREATE | NLM_F_EXCL);
		CHECK_STR(li.name, p->name);
		CHECK_INT(li.mtu, p->mtu);
	}
	/* What we ask for is what we later recognise as ours. */
	CHECK(tunnel_matches(&li, p));
	if (p->encaplimit == ENCAPLIMIT_NONE)
		CHECK_INT(li.tnl_flags, IP6_TNL_F_IGN_ENCAP_LIMIT);
	else
		CHECK_INT(li.tnl_encap_limit, p->encaplimit);
}

static void test_tunnel_request(void)
{
	struct tunnel_params p = {
		.name = "tx-ens224.1000", .link = 7, .local = A6("2001:db8:1:2::feed"),
		.remote = A6("2404:8e00::feed:140"), .encaplimit = ENCAPLIMIT_NONE, .mtu = 1460,
	};

	check_request(&p, 0);
	check_request(&p, 42);
	p.encaplimit = 0;
	check_request(&p, 0);
	p.encaplimit = 255;
	p.mtu = 1280;
	check_request(&p, 0);
}

/* --- sysctl paths, read only ------------------------------------------------------- */

static void test_sysctl(void)
{
	char longname[200];
	int v = -7;

	if (sysctl_ipv6_get("lo", "mtu", &v) == 0)
		CHECK(v >= 1280);
	else
		printf("test-rtnl: no IPv6 sysctls here: sysctl reads skipped\n");
	CHECK_INT(sysctl_ipv6_get("no-such-link0", "mtu", &v), -ENOENT);
	CHECK_INT(sysctl_ipv6_set("no-such-link0", "accept_ra", 2), -ENOENT);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	CHECK_INT(sysctl_ipv6_get(longname, "mtu", &v), -ENAMETOOLONG);
	CHECK_INT(sysctl_ipv6_set(longname, "mtu", 1), -ENAMETOOLONG);
}

/* --- the host's kernel, read only ------------------------------------------------ */

static void test_kernel(void)
{
	struct nl k;
	struct link_info li;
	struct addr6 list[MAX_ADDR6];
	struct in6_addr token;
	bool present;
	int ret;

	if ((ret = nl_open(&k, 0)) < 0) {
		printf("test-rtnl: no rtnetlink here (%s): kernel queries skipped\n",
		       strerror(-ret));
		return;
	}
	CHECK_INT(link_get(&k, "lo", 0, &li), 0);
	CHECK_INT(li.ifindex, 1);
	CHECK_STR(li.name, "lo");
	CHECK_INT(link_get(&k, NULL, 1, &li), 0);
	CHECK_STR(li.name, "lo");
	CHECK(link_get(&k, "no-such-link0", 0, &li) == -ENODEV);
	CHECK(addr6_list(&k, 1, list, MAX_ADDR6) >= 0);
	ret = token_get(&k, 1, &token);
	CHECK(ret == 0 || ret == -ENODEV);
	CHECK_INT(route4_default_via(&k, 0x7ffffff0, &present), 0);
	CHECK(!present);
	/* A request the kernel refuses: its errno, and no change anywhere. */
	CHECK_INT(link_delete(&k, 0x7ffffff0), -ENODEV);
	CHECK_INT(link_set_mtu(&k, 0x7ffffff0, 1400), -ENODEV);
	CHECK_INT(link_set_up(&k, 0x7ffffff0, true), -ENODEV);
	CHECK_INT(token_set(&k, 0x7ffffff0, &token), -ENODEV);
	{
		struct in_addr a = { .s_addr = htonl(0xc0000201) };

		CHECK_INT(addr4_ensure_only(&k, 0x7ffffff0, a, 32), -ENODEV);
	}
	CHECK_INT(route4_default_ensure(&k, 0x7ffffff0), -ENODEV);
	nl_close(&k);

	/* An event socket with nothing pending: no events, no block. */
	if (nl_open(&k, RTMGRP_LINK) == 0) {
		CHECK(nl_fd(&k) >= 0);
		CHECK(nl_read_events(&k, rtnl_link_cb, &li) >= 0);
		nl_close(&k);
	}
}

int main(void)
{
	test_link();
	test_addr();
	test_route();
	test_token();
	test_errors();
	test_tunnel_request();
	test_sysctl();
	test_kernel();
	return unit_done("test-rtnl");
}
