// SPDX-License-Identifier: GPL-2.0-or-later
/* Addresses: the WAN's IPv6 list, the tunnel's one IPv4 address. */
#include "rtnl-parse.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

static int addr_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, IFA_MAX) < 0)
		return MNL_CB_OK;
	switch (type) {
	case IFA_FLAGS:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		break;
	case IFA_CACHEINFO:
		if (mnl_attr_validate2(attr, MNL_TYPE_UNSPEC, sizeof(struct ifa_cacheinfo)) < 0)
			return MNL_CB_ERROR;
		break;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

int rtnl_addr6_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFA_MAX + 1] = { 0 };
	const struct ifaddrmsg *ifa;
	struct addr6_dump *d = data;
	struct addr6 *a;

	if (nlh->nlmsg_type != RTM_NEWADDR)
		return MNL_CB_OK;
	if (!(ifa = rtnl_header(nlh, sizeof(*ifa))))
		return MNL_CB_ERROR;
	if (ifa->ifa_family != AF_INET6 || ifa->ifa_index != d->ifindex || d->n >= d->max)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, tb) < 0)
		return MNL_CB_ERROR;
	if (!tb[IFA_ADDRESS] || mnl_attr_get_payload_len(tb[IFA_ADDRESS]) != 16)
		return MNL_CB_OK;
	a = &d->list[d->n++];
	memset(a, 0, sizeof(*a));
	memcpy(&a->addr, mnl_attr_get_payload(tb[IFA_ADDRESS]), 16);
	a->plen = ifa->ifa_prefixlen;
	a->scope = ifa->ifa_scope;
	/* IFA_FLAGS carries the flags that no longer fit in ifa_flags. */
	a->flags = tb[IFA_FLAGS] ? mnl_attr_get_u32(tb[IFA_FLAGS]) : ifa->ifa_flags;
	a->preferred = a->valid = ~0U;
	if (tb[IFA_CACHEINFO]) {
		const struct ifa_cacheinfo *ci = mnl_attr_get_payload(tb[IFA_CACHEINFO]);

		a->preferred = ci->ifa_prefered;
		a->valid = ci->ifa_valid;
	}
	return MNL_CB_OK;
}

int addr6_list(struct nl *nl, unsigned int ifindex, struct addr6 *list, int max)
{
	char buf[NL_BUFSIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, RTM_GETADDR, 0);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	struct addr6_dump d = { .ifindex = ifindex, .list = list, .max = max };
	int ret;

	ifa->ifa_family = AF_INET6;
	ret = nl_dump(nl, nlh, rtnl_addr6_cb, &d);
	return ret < 0 ? ret : d.n;
}

int rtnl_addr4_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFA_MAX + 1] = { 0 };
	const struct ifaddrmsg *ifa;
	struct addr4_dump *d = data;
	const struct nlattr *local;

	if (nlh->nlmsg_type != RTM_NEWADDR)
		return MNL_CB_OK;
	if (!(ifa = rtnl_header(nlh, sizeof(*ifa))))
		return MNL_CB_ERROR;
	if (ifa->ifa_family != AF_INET || ifa->ifa_index != d->ifindex || d->n >= (int)(sizeof(d->list) / sizeof(d->list[0])))
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, tb) < 0)
		return MNL_CB_ERROR;
	local = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!local || mnl_attr_get_payload_len(local) != 4)
		return MNL_CB_OK;
	memcpy(&d->list[d->n].addr, mnl_attr_get_payload(local), 4);
	d->list[d->n++].plen = ifa->ifa_prefixlen;
	return MNL_CB_OK;
}

static int addr4_request(struct nl *nl, unsigned short type, unsigned short flags,
			 unsigned int ifindex, struct in_addr addr, unsigned int plen)
{
	char buf[NL_BUFSIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, type, flags);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)plen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(addr), &addr);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(addr), &addr);
	return nl_request(nl, nlh);
}

int addr4_ensure_only(struct nl *nl, unsigned int ifindex, struct in_addr addr,
		      unsigned int plen)
{
	char buf[NL_BUFSIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, RTM_GETADDR, 0);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	struct addr4_dump d = { .ifindex = ifindex };
	bool have = false;
	int ret;

	ifa->ifa_family = AF_INET;
	if ((ret = nl_dump(nl, nlh, rtnl_addr4_cb, &d)) < 0)
		return ret;
	/* The tunnel is ours: an address left from an earlier tunnel-address
	 * value is removed, so that a changed stanza is corrected. */
	for (int i = 0; i < d.n; i++) {
		if (d.list[i].addr.s_addr == addr.s_addr && d.list[i].plen == plen) {
			have = true;
			continue;
		}
		ret = addr4_request(nl, RTM_DELADDR, 0, ifindex, d.list[i].addr, d.list[i].plen);
		if (ret < 0 && ret != -EADDRNOTAVAIL)
			return ret;
	}
	if (have)
		return 0;
	return addr4_request(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, ifindex, addr, plen);
}
