/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What we put on the WAN and take away again, done the same way by the hook
 * and the supervisor.  Return 0 or -errno (the kernel's text in nl).
 */
#ifndef TRANSIX_WAN_H
#define TRANSIX_WAN_H

#include "rtnl.h"

#include <netinet/in.h>
#include <stdbool.h>

/* Sets the token unless it already is tok: setting even the same token
 * makes the kernel drop the addresses made from it (an outage on a
 * repeated ifup).  1 when it was changed. */
int wan_token_ensure(struct nl *nl, unsigned int ifindex, const struct in6_addr *tok);

/* Deletes the tunnel called name if it is an ip6tnl (ours by name and kind);
 * its address and routes go with it.  1 deleted, 0 none of ours there. */
int wan_tunnel_remove(struct nl *nl, const char *name);

/* Whether a (resolved) tunnel-remote can be an AFTR: the checks a literal
 * gets in config.c -- not ::, loopback, multicast, link-local, v4-mapped. */
bool wan_remote_usable(const struct in6_addr *a);

/* Whether an rtnetlink event may concern us: an address on the WAN or the
 * tunnel, an IPv4 default route, any link.  A message too short for its
 * fixed header is answered true (look again) without being read. */
bool wan_event_matters(const struct nlmsghdr *nlh, unsigned int wan_ifindex,
		       unsigned int tunnel_ifindex);

/* Whether the last router advertisement on ifindex had the O flag ("other
 * configuration": DNS servers by stateless DHCPv6, as NTT's NGN does). */
int wan_ra_other_config(struct nl *nl, unsigned int ifindex, bool *other);

#endif
