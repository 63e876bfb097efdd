// SPDX-License-Identifier: GPL-2.0-or-later
#include "defroute.h"
#include "rtnl-parse.h"
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct find {
	unsigned int ours;
	unsigned int oif;
	bool found;
	struct defroute4 *r;
};

static int find_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[RTA_MAX + 1] = { 0 };
	const struct rtmsg *rtm;
	struct find *f = data;
	unsigned int table;

	if (nlh->nlmsg_type != RTM_NEWROUTE || !(rtm = rtnl_header(nlh, sizeof(*rtm))))
		return MNL_CB_OK;
	if (rtm->rtm_family != AF_INET || rtm->rtm_dst_len != 0 || rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*rtm), rtnl_route4_attr_cb, tb) < 0)
		return MNL_CB_ERROR;
	table = tb[RTA_TABLE] ? mnl_attr_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
	/* Only what our REPLACE takes over: main table, metric 0, one path. */
	if (table != RT_TABLE_MAIN || !tb[RTA_OIF] ||
	    (tb[RTA_PRIORITY] && mnl_attr_get_u32(tb[RTA_PRIORITY]) != 0) ||
	    mnl_attr_get_u32(tb[RTA_OIF]) == f->ours || f->found)
		return MNL_CB_OK;
	f->found = true;
	f->oif = mnl_attr_get_u32(tb[RTA_OIF]);
	f->r->protocol = rtm->rtm_protocol;
	f->r->has_gateway = tb[RTA_GATEWAY] != NULL;
	if (tb[RTA_GATEWAY])
		memcpy(&f->r->gateway, mnl_attr_get_payload(tb[RTA_GATEWAY]), 4);
	return MNL_CB_OK;
}

int defroute4_find_other(struct nl *nl, unsigned int ifindex, struct defroute4 *r)
{
	char buf[NL_BUFSIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, RTM_GETROUTE, 0);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	struct find f = { .ours = ifindex, .r = r };
	int ret;

	memset(r, 0, sizeof(*r));
	rtm->rtm_family = AF_INET;
	ret = nl_dump(nl, nlh, find_cb, &f);
	if (ret < 0)
		return ret;
	if (!f.found || !if_indextoname(f.oif, r->dev))
		return 0;
	return 1;
}

int defroute4_restore(struct nl *nl, const struct defroute4 *r)
{
	char buf[NL_BUFSIZE];
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	unsigned int oif = if_nametoindex(r->dev);
	int ret;

	if (!oif)
		return -ENODEV;
	/* EXCL: a default route that appeared meanwhile (DHCP, a person)
	 * wins over our memory of an older one. */
	nlh = nl_msg(nl, buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = (unsigned char)r->protocol;
	rtm->rtm_scope = r->has_gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	if (r->has_gateway)
		mnl_attr_put(nlh, RTA_GATEWAY, 4, &r->gateway);
	mnl_attr_put_u32(nlh, RTA_OIF, oif);
	ret = nl_request(nl, nlh);
	return ret == -EEXIST ? 0 : ret;
}

int defroute4_format(const struct defroute4 *r, char *buf, size_t len)
{
	char gw[INET_ADDRSTRLEN] = "";
	int n;

	if (r->has_gateway)
		inet_ntop(AF_INET, &r->gateway, gw, sizeof(gw));
	n = snprintf(buf, len, "%s%s%sdev %s proto %u", r->has_gateway ? "via " : "", gw,
		     r->has_gateway ? " " : "", r->dev, r->protocol);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int defroute4_parse(const char *text, struct defroute4 *r)
{
	char gw[INET_ADDRSTRLEN + 1], dev[IF_NAMESIZE + 1];
	unsigned int proto;
	int used = 0;

	memset(r, 0, sizeof(*r));
	if (sscanf(text, "via %16s dev %16s proto %u%n", gw, dev, &proto, &used) == 3 &&
	    !text[used]) {
		if (inet_pton(AF_INET, gw, &r->gateway) != 1)
			return -EINVAL;
		r->has_gateway = true;
	} else if (sscanf(text, "dev %16s proto %u%n", dev, &proto, &used) != 2 || text[used]) {
		return -EINVAL;
	}
	/* A name from a file: held to the rules of one from the stanza. */
	if (!config_valid_ifname(dev) || proto > 255)
		return -EINVAL;
	memcpy(r->dev, dev, strlen(dev) + 1);	/* valid: under IF_NAMESIZE */
	r->protocol = proto;
	return 0;
}
