// SPDX-License-Identifier: GPL-2.0-or-later
#include "wan.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

/* include/net/if_inet6.h, not exported: the RA's O flag as the kernel
 * keeps it in IFLA_INET6_FLAGS. */
#define RA_OTHERCONF	0x80

int wan_token_ensure(struct nl *nl, unsigned int ifindex, const struct in6_addr *tok)
{
	struct in6_addr current;
	int ret;

	if (token_get(nl, ifindex, &current) == 0 && !memcmp(&current, tok, sizeof(current)))
		return 0;
	ret = token_set(nl, ifindex, tok);
	return ret < 0 ? ret : 1;
}

int wan_tunnel_remove(struct nl *nl, const char *name)
{
	struct link_info li;
	int ret = link_get(nl, name, 0, &li);

	if (ret == -ENODEV)
		return 0;
	if (ret < 0)
		return ret;
	if (strcmp(li.kind, "ip6tnl"))
		return 0;
	ret = link_delete(nl, li.ifindex);
	if (ret == -ENODEV)
		return 0;
	return ret < 0 ? ret : 1;
}

bool wan_remote_usable(const struct in6_addr *a)
{
	return !(IN6_IS_ADDR_UNSPECIFIED(a) || IN6_IS_ADDR_LOOPBACK(a) ||
		 IN6_IS_ADDR_MULTICAST(a) || IN6_IS_ADDR_LINKLOCAL(a) ||
		 IN6_IS_ADDR_V4MAPPED(a));
}

struct ra_dump {
	unsigned int ifindex;
	bool found;
	unsigned int flags;
};

static int any_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static int in6_cb(const struct nlattr *attr, void *data)
{
	if (mnl_attr_type_valid(attr, IFLA_INET6_MAX) < 0)
		return MNL_CB_OK;
	return any_cb(attr, data);
}

static int top_cb(const struct nlattr *attr, void *data)
{
	if (mnl_attr_type_valid(attr, IFLA_MAX) < 0)
		return MNL_CB_OK;
	return any_cb(attr, data);
}

static int ra_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	const struct nlattr *in6[IFLA_INET6_MAX + 1] = { 0 };
	const struct ifinfomsg *ifm;
	struct ra_dump *d = data;

	if (nlh->nlmsg_type != RTM_NEWLINK || mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifm))
		return MNL_CB_OK;
	ifm = mnl_nlmsg_get_payload(nlh);
	if ((unsigned int)ifm->ifi_index != d->ifindex)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*ifm), top_cb, tb) < 0)
		return MNL_CB_ERROR;
	/* AF_INET6 link dumps carry the per-device IPv6 data as PROTINFO. */
	if (!tb[IFLA_PROTINFO] || mnl_attr_parse_nested(tb[IFLA_PROTINFO], in6_cb, in6) < 0 ||
	    !in6[IFLA_INET6_FLAGS] || mnl_attr_validate(in6[IFLA_INET6_FLAGS], MNL_TYPE_U32) < 0)
		return MNL_CB_OK;
	d->flags = mnl_attr_get_u32(in6[IFLA_INET6_FLAGS]);
	d->found = true;
	return MNL_CB_OK;
}

int wan_ra_other_config(struct nl *nl, unsigned int ifindex, bool *other)
{
	char buf[NL_BUFSIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, RTM_GETLINK, 0);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	struct ra_dump d = { .ifindex = ifindex };
	int ret;

	ifm->ifi_family = AF_INET6;
	ret = nl_dump(nl, nlh, ra_cb, &d);
	if (ret < 0)
		return ret;
	if (!d.found)
		return -ENODEV;
	*other = d.flags & RA_OTHERCONF;
	return 0;
}

bool wan_event_matters(const struct nlmsghdr *nlh, unsigned int wan_ifindex,
		       unsigned int tunnel_ifindex)
{
	size_t len = nlh->nlmsg_len >= NLMSG_HDRLEN ? nlh->nlmsg_len - NLMSG_HDRLEN : 0;

	/* Address lifetimes are refreshed by every RA; that is an event we
	 * must look at (a prefix may have been deprecated), but only ours. */
	switch (nlh->nlmsg_type) {
	case RTM_NEWADDR:
	case RTM_DELADDR: {
		const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);

		if (len < sizeof(*ifa))
			return true;
		return ifa->ifa_index == wan_ifindex || ifa->ifa_index == tunnel_ifindex;
	}
	case RTM_NEWROUTE:
	case RTM_DELROUTE: {
		const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

		if (len < sizeof(*rtm))
			return true;
		return rtm->rtm_family == AF_INET && rtm->rtm_dst_len == 0;
	}
	default:
		return true;	/* links: cheap to re-check, rare */
	}
}
