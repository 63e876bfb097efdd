// SPDX-License-Identifier: GPL-2.0-or-later
/* Generic links: look up (with ip6tnl details), up/down, MTU, delete. */
#include "rtnl-parse.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

static int tnl_data_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, IFLA_IPTUN_MAX) < 0)
		return MNL_CB_OK;
	switch (type) {
	case IFLA_IPTUN_LOCAL:
	case IFLA_IPTUN_REMOTE:
		if (mnl_attr_get_payload_len(attr) != sizeof(struct in6_addr))
			return MNL_CB_OK;	/* an IPv4 tunnel kind: ignore */
		break;
	case IFLA_IPTUN_LINK:
	case IFLA_IPTUN_FLAGS:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		break;
	case IFLA_IPTUN_ENCAP_LIMIT:
	case IFLA_IPTUN_PROTO:
	case IFLA_IPTUN_TTL:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
			return MNL_CB_ERROR;
		break;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

static int info_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, IFLA_INFO_MAX) < 0)
		return MNL_CB_OK;
	tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, IFLA_MAX) < 0)
		return MNL_CB_OK;
	switch (type) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_ERROR;
		break;
	case IFLA_MTU:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		break;
	case IFLA_LINKINFO:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
			return MNL_CB_ERROR;
		break;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

static void parse_tunnel_data(const struct nlattr *data, struct link_info *li)
{
	const struct nlattr *tb[IFLA_IPTUN_MAX + 1] = { 0 };

	if (mnl_attr_parse_nested(data, tnl_data_cb, tb) < 0)
		return;
	if (tb[IFLA_IPTUN_LINK])
		li->tnl_link = mnl_attr_get_u32(tb[IFLA_IPTUN_LINK]);
	if (tb[IFLA_IPTUN_LOCAL])
		memcpy(&li->tnl_local, mnl_attr_get_payload(tb[IFLA_IPTUN_LOCAL]), 16);
	if (tb[IFLA_IPTUN_REMOTE])
		memcpy(&li->tnl_remote, mnl_attr_get_payload(tb[IFLA_IPTUN_REMOTE]), 16);
	if (tb[IFLA_IPTUN_FLAGS])
		li->tnl_flags = mnl_attr_get_u32(tb[IFLA_IPTUN_FLAGS]);
	if (tb[IFLA_IPTUN_ENCAP_LIMIT])
		li->tnl_encap_limit = mnl_attr_get_u8(tb[IFLA_IPTUN_ENCAP_LIMIT]);
	if (tb[IFLA_IPTUN_PROTO])
		li->tnl_proto = mnl_attr_get_u8(tb[IFLA_IPTUN_PROTO]);
	if (tb[IFLA_IPTUN_TTL])
		li->tnl_ttl = mnl_attr_get_u8(tb[IFLA_IPTUN_TTL]);
}

int rtnl_link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	const struct ifinfomsg *ifm;
	struct link_info *li = data;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	if (!(ifm = rtnl_header(nlh, sizeof(*ifm))))
		return MNL_CB_ERROR;
	if (mnl_attr_parse(nlh, sizeof(*ifm), link_attr_cb, tb) < 0)
		return MNL_CB_ERROR;
	memset(li, 0, sizeof(*li));
	li->ifindex = (unsigned int)ifm->ifi_index;
	li->up = ifm->ifi_flags & IFF_UP;
	li->running = ifm->ifi_flags & IFF_LOWER_UP;
	if (tb[IFLA_IFNAME])
		snprintf(li->name, sizeof(li->name), "%s", mnl_attr_get_str(tb[IFLA_IFNAME]));
	if (tb[IFLA_MTU])
		li->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_LINKINFO]) {
		const struct nlattr *info[IFLA_INFO_MAX + 1] = { 0 };

		if (mnl_attr_parse_nested(tb[IFLA_LINKINFO], info_cb, info) >= 0) {
			if (info[IFLA_INFO_KIND] &&
			    mnl_attr_validate(info[IFLA_INFO_KIND], MNL_TYPE_NUL_STRING) == 0)
				snprintf(li->kind, sizeof(li->kind), "%s",
					 mnl_attr_get_str(info[IFLA_INFO_KIND]));
			if (!strcmp(li->kind, "ip6tnl") && info[IFLA_INFO_DATA])
				parse_tunnel_data(info[IFLA_INFO_DATA], li);
		}
	}
	return MNL_CB_OK;
}

int link_get(struct nl *nl, const char *name, unsigned int ifindex, struct link_info *out)
{
	char buf[NL_BUFSIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, RTM_GETLINK, 0);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	int ret;

	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)ifindex;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	memset(out, 0, sizeof(*out));
	ret = nl_query(nl, nlh, rtnl_link_cb, out);
	if (ret == 0 && out->ifindex == 0)
		ret = -ENODEV;
	return ret;
}

static int set_link(struct nl *nl, unsigned int ifindex, unsigned int flags, unsigned int change,
		    unsigned int mtu)
{
	char buf[NL_BUFSIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));

	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)ifindex;
	ifm->ifi_flags = flags;
	ifm->ifi_change = change;
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return nl_request(nl, nlh);
}

int link_set_up(struct nl *nl, unsigned int ifindex, bool up)
{
	return set_link(nl, ifindex, up ? IFF_UP : 0, IFF_UP, 0);
}

int link_set_mtu(struct nl *nl, unsigned int ifindex, unsigned int mtu)
{
	return set_link(nl, ifindex, 0, 0, mtu);
}

int link_delete(struct nl *nl, unsigned int ifindex)
{
	char buf[NL_BUFSIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, RTM_DELLINK, 0);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));

	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)ifindex;
	return nl_request(nl, nlh);
}
