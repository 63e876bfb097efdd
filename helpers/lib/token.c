// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The IPv6 interface token ("ip token set ::feed dev IF"), as iproute2's
 * ip/iptoken.c does it.  Setting a token, even the same one, makes the
 * kernel retire the addresses it made from the old one and solicit a new
 * RA, so callers compare with token_get() first.
 */
#include "rtnl-parse.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

static int nested_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, IFLA_INET6_MAX) < 0)
		return MNL_CB_OK;
	tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static int top_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, IFLA_MAX) < 0)
		return MNL_CB_OK;
	tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

int rtnl_token_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm;
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	const struct nlattr *in6[IFLA_INET6_MAX + 1] = { 0 };
	struct token_dump *d = data;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	if (!(ifm = rtnl_header(nlh, sizeof(*ifm))))
		return MNL_CB_ERROR;
	if ((unsigned int)ifm->ifi_index != d->ifindex)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*ifm), top_cb, tb) < 0)
		return MNL_CB_ERROR;
	/* AF_INET6 link dumps carry the per-device IPv6 data as PROTINFO. */
	if (!tb[IFLA_PROTINFO] || mnl_attr_parse_nested(tb[IFLA_PROTINFO], nested_cb, in6) < 0)
		return MNL_CB_OK;
	if (in6[IFLA_INET6_TOKEN] && mnl_attr_get_payload_len(in6[IFLA_INET6_TOKEN]) == 16) {
		memcpy(d->token, mnl_attr_get_payload(in6[IFLA_INET6_TOKEN]), 16);
		d->found = true;
	}
	return MNL_CB_OK;
}

int token_get(struct nl *nl, unsigned int ifindex, struct in6_addr *token)
{
	char buf[NL_BUFSIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, RTM_GETLINK, 0);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	struct token_dump d = { .ifindex = ifindex, .token = token };
	int ret;

	ifm->ifi_family = AF_INET6;
	memset(token, 0, sizeof(*token));
	ret = nl_dump(nl, nlh, rtnl_token_cb, &d);
	if (ret == 0 && !d.found)
		ret = -ENODEV;
	return ret;
}

int token_set(struct nl *nl, unsigned int ifindex, const struct in6_addr *token)
{
	char buf[NL_BUFSIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, RTM_SETLINK, 0);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	struct nlattr *afs, *afs6;

	ifm->ifi_family = AF_INET6;
	ifm->ifi_index = (int)ifindex;
	afs = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	afs6 = mnl_attr_nest_start(nlh, AF_INET6);
	mnl_attr_put(nlh, IFLA_INET6_TOKEN, sizeof(*token), token);
	mnl_attr_nest_end(nlh, afs6);
	mnl_attr_nest_end(nlh, afs);
	return nl_request(nl, nlh);
}
