// SPDX-License-Identifier: GPL-2.0-or-later
/* The fixed-IP block's route to the LAN (see block.h). */
#include "block.h"
#include "rtnl-parse.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

struct block_dump {
	struct in_addr net, src;
	unsigned int plen, ifindex;
	bool present;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[RTA_MAX + 1] = { 0 };
	const struct rtmsg *rtm = rtnl_header(nlh, sizeof(*rtm));
	struct block_dump *d = data;
	unsigned int table;

	if (!rtm)
		return MNL_CB_OK;	/* too short to be a route: not ours */
	if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_family != AF_INET ||
	    rtm->rtm_dst_len != d->plen || rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*rtm), rtnl_route4_attr_cb, tb) < 0)
		return MNL_CB_ERROR;
	table = tb[RTA_TABLE] ? mnl_attr_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
	if (table != RT_TABLE_MAIN || !tb[RTA_DST] || !tb[RTA_OIF] || !tb[RTA_PREFSRC] ||
	    tb[RTA_GATEWAY])
		return MNL_CB_OK;
	if (mnl_attr_get_u32(tb[RTA_DST]) == d->net.s_addr &&
	    mnl_attr_get_u32(tb[RTA_OIF]) == d->ifindex &&
	    mnl_attr_get_u32(tb[RTA_PREFSRC]) == d->src.s_addr)
		d->present = true;
	return MNL_CB_OK;
}

int block_route_present(struct nl *nl, struct in_addr net, unsigned int plen,
			unsigned int ifindex, struct in_addr src, bool *present)
{
	char buf[NL_BUFSIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, RTM_GETROUTE, 0);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	struct block_dump d = { .net = net, .src = src, .plen = plen, .ifindex = ifindex };
	int ret;

	rtm->rtm_family = AF_INET;
	ret = nl_dump(nl, nlh, dump_cb, &d);
	*present = d.present;
	return ret;
}

static struct nlmsghdr *route_msg(struct nl *nl, char *buf, unsigned short type,
				  unsigned short flags, struct in_addr net, unsigned int plen,
				  unsigned int ifindex)
{
	struct nlmsghdr *nlh = nl_msg(nl, buf, type, flags);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = (unsigned char)plen;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_DST, net.s_addr);
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	return nlh;
}

int block_route_ensure(struct nl *nl, struct in_addr net, unsigned int plen,
		       unsigned int ifindex, struct in_addr src)
{
	char buf[NL_BUFSIZE];
	struct nlmsghdr *nlh;
	bool present;
	int ret;

	if ((ret = block_route_present(nl, net, plen, ifindex, src, &present)) < 0 || present)
		return ret;
	/* REPLACE: the stanza says where the block lives. */
	nlh = route_msg(nl, buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, net, plen, ifindex);
	mnl_attr_put_u32(nlh, RTA_PREFSRC, src.s_addr);
	return nl_request(nl, nlh);
}

int block_route_delete(struct nl *nl, struct in_addr net, unsigned int plen,
		       unsigned int ifindex)
{
	char buf[NL_BUFSIZE];
	int ret = nl_request(nl, route_msg(nl, buf, RTM_DELROUTE, 0, net, plen, ifindex));

	return ret == -ESRCH ? 0 : ret;
}
