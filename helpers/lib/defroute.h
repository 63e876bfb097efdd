/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IPv4 default route that was there before ours: tunnel-default-route
 * takes over the main table's metric-0 default route (as "ip route replace"
 * would); this keeps what it replaced, as one line of the state file, so
 * that ifdown -- by the supervisor, or by the hook after a crash -- can put
 * it back.
 */
#ifndef TRANSIX_DEFROUTE_H
#define TRANSIX_DEFROUTE_H

#include "nl.h"

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

struct defroute4 {
	bool has_gateway;
	struct in_addr gateway;
	char dev[IF_NAMESIZE];
	unsigned int protocol;		/* RTPROT_*: boot, static, dhcp, ... */
};

/* The main table's metric-0 IPv4 default route through a device other than
 * ifindex (ours): 1 and *r, 0 when there is none, or -errno. */
int defroute4_find_other(struct nl *nl, unsigned int ifindex, struct defroute4 *r);
/* Adds r again unless a metric-0 default route exists by now: 0 or -errno. */
int defroute4_restore(struct nl *nl, const struct defroute4 *r);

/* "via 198.51.100.1 dev lan0 proto 4" / "dev ppp0 proto 3": pure code. */
int defroute4_format(const struct defroute4 *r, char *buf, size_t len);
int defroute4_parse(const char *text, struct defroute4 *r);

#endif
