// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ip6tnl in ipip6 mode: IPv4 carried in IPv6 (RFC 2473), what iproute2
 * calls "ip -6 tunnel add NAME mode ipip6".  Built as iproute2's
 * ip/link_ip6tnl.c and netifd's system_add_ip6_tunnel() do.
 */
#include "config.h"
#include "rtnl-parse.h"

#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/ip6_tunnel.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <string.h>

#define TUNNEL_HOP_LIMIT	64	/* iproute2's default */
#define DEFAULT_ENCAP_LIMIT	4	/* the kernel's, used when not ignored */

bool tunnel_matches(const struct link_info *li, const struct tunnel_params *p)
{
	bool ignore = p->encaplimit == ENCAPLIMIT_NONE;

	return !strcmp(li->kind, "ip6tnl") && li->tnl_proto == IPPROTO_IPIP &&
	       li->tnl_link == p->link &&
	       !memcmp(&li->tnl_local, &p->local, sizeof(p->local)) &&
	       !memcmp(&li->tnl_remote, &p->remote, sizeof(p->remote)) &&
	       !!(li->tnl_flags & IP6_TNL_F_IGN_ENCAP_LIMIT) == ignore &&
	       (ignore || li->tnl_encap_limit == (unsigned int)p->encaplimit) &&
	       li->mtu == p->mtu && li->up;
}

static void put_tunnel(struct nlmsghdr *nlh, const struct tunnel_params *p)
{
	struct nlattr *info, *data;
	unsigned int flags = 0;
	unsigned char limit = DEFAULT_ENCAP_LIMIT;

	/* Many AFTRs drop packets with the encapsulation-limit destination
	 * option (field notes): "none" leaves it out, as netifd does. */
	if (p->encaplimit == ENCAPLIMIT_NONE)
		flags |= IP6_TNL_F_IGN_ENCAP_LIMIT;
	else
		limit = (unsigned char)p->encaplimit;

	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "ip6tnl");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_IPTUN_LINK, p->link);
	mnl_attr_put(nlh, IFLA_IPTUN_LOCAL, sizeof(p->local), &p->local);
	mnl_attr_put(nlh, IFLA_IPTUN_REMOTE, sizeof(p->remote), &p->remote);
	mnl_attr_put_u8(nlh, IFLA_IPTUN_TTL, TUNNEL_HOP_LIMIT);
	mnl_attr_put_u8(nlh, IFLA_IPTUN_ENCAP_LIMIT, limit);
	mnl_attr_put_u32(nlh, IFLA_IPTUN_FLAGS, flags);
	mnl_attr_put_u8(nlh, IFLA_IPTUN_PROTO, IPPROTO_IPIP);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
}

struct nlmsghdr *tunnel_request(struct nl *nl, void *buf, unsigned int ifindex,
				const struct tunnel_params *p)
{
	struct nlmsghdr *nlh = nl_msg(nl, buf, RTM_NEWLINK,
				      ifindex ? 0 : NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));

	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)ifindex;
	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	if (!ifindex) {
		mnl_attr_put_strz(nlh, IFLA_IFNAME, p->name);
		mnl_attr_put_u32(nlh, IFLA_MTU, p->mtu);
	}
	put_tunnel(nlh, p);
	return nlh;
}

int tunnel_create(struct nl *nl, const struct tunnel_params *p)
{
	char buf[NL_BUFSIZE];

	return nl_request(nl, tunnel_request(nl, buf, 0, p));
}

int tunnel_change(struct nl *nl, unsigned int ifindex, const struct tunnel_params *p)
{
	char buf[NL_BUFSIZE];

	return nl_request(nl, tunnel_request(nl, buf, ifindex, p));
}
