// SPDX-License-Identifier: GPL-2.0-or-later
#include "wan.h"

#include <errno.h>
#include <string.h>

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
