/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The message callbacks behind rtnl.h's queries, one per kind of answer.
 * Exposed so that unit tests and fuzz targets run raw netlink bytes through
 * exactly the code the programs run (nl_run() in nl.h); nothing else should
 * need them.  Each returns MNL_CB_OK, or MNL_CB_ERROR with errno set for a
 * malformed message of its kind (EBADMSG when it is shorter than its fixed
 * header), and ignores messages of other types or other interfaces.
 */
#ifndef TRANSIX_RTNL_PARSE_H
#define TRANSIX_RTNL_PARSE_H

#include "rtnl.h"

#include <errno.h>

/*
 * The fixed header (ifinfomsg, ifaddrmsg, rtmsg...) of nlh, or NULL with
 * errno EBADMSG when the payload is shorter than size: libmnl does not
 * check, and a short message would be read past its end (issue 9 #11).
 */
static inline const void *rtnl_header(const struct nlmsghdr *nlh, size_t size)
{
	if (mnl_nlmsg_get_payload_len(nlh) < size) {
		errno = EBADMSG;
		return NULL;
	}
	return mnl_nlmsg_get_payload(nlh);
}

/* RTM_NEWLINK -> *(struct link_info *)data (link_get). */
int rtnl_link_cb(const struct nlmsghdr *nlh, void *data);

/* RTM_NEWADDR, AF_INET6, of ifindex -> list[n++] while n < max (addr6_list). */
struct addr6_dump {
	unsigned int ifindex;
	struct addr6 *list;
	int max, n;
};
int rtnl_addr6_cb(const struct nlmsghdr *nlh, void *data);

/* RTM_NEWADDR, AF_INET, of ifindex -> list[n++] (addr4_ensure_only). */
struct addr4 {
	struct in_addr addr;
	unsigned int plen;
};
struct addr4_dump {
	unsigned int ifindex;
	struct addr4 list[16];
	int n;
};
int rtnl_addr4_cb(const struct nlmsghdr *nlh, void *data);

/* RTM_NEWROUTE: is there a main-table IPv4 default route out of ifindex
 * with no gateway and metric 0 (route4_default_via)? */
struct default_dump {
	unsigned int ifindex;
	bool present;
};
int rtnl_route4_default_cb(const struct nlmsghdr *nlh, void *data);
/* tb[] of an IPv4 route message, the attributes we read checked (4 bytes). */
int rtnl_route4_attr_cb(const struct nlattr *attr, void *data);

/* RTM_NEWLINK of AF_INET6 for ifindex: its IFLA_INET6_TOKEN (token_get). */
struct token_dump {
	unsigned int ifindex;
	struct in6_addr *token;
	bool found;
};
int rtnl_token_cb(const struct nlmsghdr *nlh, void *data);

/* What tunnel_create() (ifindex 0) or tunnel_change() sends, built in buf
 * (NL_BUFSIZE bytes), not sent: for tests of what we ask the kernel. */
struct nlmsghdr *tunnel_request(struct nl *nl, void *buf, unsigned int ifindex,
				const struct tunnel_params *p);

#endif
