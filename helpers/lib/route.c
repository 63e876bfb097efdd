// SPDX-License-Identifier: GPL-2.0-or-later
/* The IPv4 default route over the tunnel ("ip route add default dev T"). */
#include "rtnl-parse.h"

#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

/* The attributes of an IPv4 route, for every dump of ours (route.c,
 * defroute.c, block.c): the ones we read, checked to be 4 bytes. */
int rtnl_route4_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, RTA_MAX) < 0)
		return MNL_CB_OK;
	switch (type) {
	case RTA_OIF:
	case RTA_TABLE:
	case RTA_PRIORITY:
	case RTA_DST:
	case RTA_PREFSRC:
	case RTA_GATEWAY:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		break;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

int rtnl_route4_default_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[RTA_MAX + 1] = { 0 };
	const struct rtmsg *rtm;
	struct default_dump *d = data;
	unsigned int table;

	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return MNL_CB_OK;
	if (!(rtm = rtnl_header(nlh, sizeof(*rtm))))
		return MNL_CB_ERROR;
	if (rtm->rtm_family != AF_INET ||
	    rtm->rtm_dst_len != 0 || rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*rtm), rtnl_route4_attr_cb, tb) < 0)
		return MNL_CB_ERROR;
	table = tb[RTA_TABLE] ? mnl_attr_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
	if (table != RT_TABLE_MAIN || tb[RTA_GATEWAY] || !tb[RTA_OIF] ||
	    (tb[RTA_PRIORITY] && mnl_attr_get_u32(tb[RTA_PRIORITY]) != 0))
		return MNL_CB_OK;
	if (mnl_attr_get_u32(tb[RTA_OIF]) == d->ifindex)
		d->present = true;
	return MNL_CB_OK;
}

int route4_default_via(struct nl *nl, unsigned int ifindex, bool *present)
{
	char buf[NL_BUFSIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, RTM_GETROUTE, 0);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	struct default_dump d = { .ifindex = ifindex };
	int ret;

	rtm->rtm_family = AF_INET;
	ret = nl_dump(nl, nlh, rtnl_route4_default_cb, &d);
	*present = d.present;
	return ret;
}

int route4_default_ensure(struct nl *nl, unsigned int ifindex)
{
	char buf[NL_BUFSIZE];
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	bool present;
	int ret;

	if ((ret = route4_default_via(nl, ifindex, &present)) < 0 || present)
		return ret;
	/* REPLACE: the stanza asked for the default route to be the tunnel;
	 * a metric-0 default route elsewhere is taken over, as "ip route
	 * replace" would. */
	nlh = nl_msg(nl, buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	return nl_request(nl, nlh);
}
