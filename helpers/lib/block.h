/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fixed-IP block (issue 10, tunnel-block-lan): the block routed to the LAN
 * interface ("ip route replace BLOCK/LEN dev LAN scope link src ROUTER"),
 * the router's own block address being on the tunnel.  0 or -errno, nothing
 * printed; nl->errmsg has the kernel's text.
 */
#ifndef TRANSIX_BLOCK_H
#define TRANSIX_BLOCK_H

#include "nl.h"

#include <netinet/in.h>
#include <stdbool.h>

/* Is the route there, as asked?  (Read first: a write that changes nothing
 * would still wake the supervisor with an event.) */
int block_route_present(struct nl *nl, struct in_addr net, unsigned int plen,
			unsigned int ifindex, struct in_addr src, bool *present);
int block_route_ensure(struct nl *nl, struct in_addr net, unsigned int plen,
		       unsigned int ifindex, struct in_addr src);
/* -ESRCH (nothing to delete) is 0 here. */
int block_route_delete(struct nl *nl, struct in_addr net, unsigned int plen,
		       unsigned int ifindex);

#endif
