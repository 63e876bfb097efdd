/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel objects we manage, over rtnetlink (nl.h).  Each call returns 0
 * or -errno; on failure nl->errmsg holds the kernel's extended-ACK text if
 * it gave one.  Nothing here prints.
 *
 * Every "ensure" call reads the current state first and changes only what
 * differs: the supervisor calls them on every netlink event, and a write
 * that changed nothing would generate the next event.
 */
#ifndef TRANSIX_RTNL_H
#define TRANSIX_RTNL_H

#include "nl.h"

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>

/* --- links (link.c) ------------------------------------------------------- */
struct link_info {
	unsigned int ifindex;
	char name[IF_NAMESIZE];
	char kind[32];			/* IFLA_INFO_KIND, "" if none */
	unsigned int mtu;
	bool up;			/* IFF_UP */
	bool running;			/* IFF_LOWER_UP / operstate */
	/* ip6tnl only (kind "ip6tnl") */
	unsigned int tnl_link;		/* IFLA_IPTUN_LINK */
	struct in6_addr tnl_local, tnl_remote;
	unsigned int tnl_flags;		/* IP6_TNL_F_* */
	unsigned int tnl_encap_limit;
	unsigned int tnl_proto;
	unsigned int tnl_ttl;
};

/* -ENODEV when there is no such link. */
int link_get(struct nl *nl, const char *name, unsigned int ifindex, struct link_info *out);
int link_set_up(struct nl *nl, unsigned int ifindex, bool up);
int link_set_mtu(struct nl *nl, unsigned int ifindex, unsigned int mtu);
int link_delete(struct nl *nl, unsigned int ifindex);

/* --- ip6tnl ipip6 tunnels (tunnel.c) -------------------------------------- */
struct tunnel_params {
	const char *name;
	unsigned int link;		/* ifindex of the WAN */
	struct in6_addr local, remote;
	int encaplimit;			/* ENCAPLIMIT_NONE or 0..255 */
	unsigned int mtu;
};

/* Does an existing link already match p exactly (kind, mode, endpoints...)? */
bool tunnel_matches(const struct link_info *li, const struct tunnel_params *p);
/* Creates it (NLM_F_EXCL: never takes over another device), up. */
int tunnel_create(struct nl *nl, const struct tunnel_params *p);
/* Changes an existing ip6tnl in place to p (the kernel's changelink). */
int tunnel_change(struct nl *nl, unsigned int ifindex, const struct tunnel_params *p);

/* --- addresses (addr.c) --------------------------------------------------- */
struct addr6 {
	struct in6_addr addr;
	unsigned int plen;
	unsigned int flags;		/* IFA_F_* (32-bit IFA_FLAGS) */
	unsigned int scope;
	unsigned int preferred, valid;	/* lifetimes, seconds; ~0U = forever */
};

#define MAX_ADDR6 32
/* Lists the IPv6 addresses of ifindex (at most max; the count, or -errno). */
int addr6_list(struct nl *nl, unsigned int ifindex, struct addr6 *list, int max);
/*
 * Chooses the tunnel's local address among a WAN's IPv6 addresses (pure):
 * global scope, not temporary (privacy), not deprecated, not DAD-failed,
 * and with low 64 bits equal to iid -- or, when iid is NULL, a stable
 * SLAAC address (not permanent, i.e. not configured by hand).  Of several
 * (a prefix change in flight) the one valid longest wins.
 */
enum addr_pick { PICK_NONE, PICK_TENTATIVE, PICK_OK };
enum addr_pick addr6_pick_local(const struct addr6 *list, int n, const struct in6_addr *iid,
				struct in6_addr *out);
/* Is addr among list, usable (not tentative/deprecated/DAD-failed)? */
bool addr6_usable(const struct addr6 *list, int n, const struct in6_addr *addr);

/* Makes addr/plen the only IPv4 address of ifindex. */
int addr4_ensure_only(struct nl *nl, unsigned int ifindex, struct in_addr addr,
		      unsigned int plen);

/* --- routes (route.c) ----------------------------------------------------- */
/* Makes sure the main table's IPv4 default route goes out of ifindex. */
int route4_default_ensure(struct nl *nl, unsigned int ifindex);
int route4_default_via(struct nl *nl, unsigned int ifindex, bool *present);

/* --- interface token (token.c) -------------------------------------------- */
int token_get(struct nl *nl, unsigned int ifindex, struct in6_addr *token);
int token_set(struct nl *nl, unsigned int ifindex, const struct in6_addr *token);

/* --- sysctl (sysctl.c): /proc/sys/net/ipv6/conf/IFNAME/KEY ---------------- */
int sysctl_ipv6_get(const char *ifname, const char *key, int *value);
int sysctl_ipv6_set(const char *ifname, const char *key, int value);
/*
 * Makes the kernel do SLAAC on ifname: accept_ra (2 when the interface
 * forwards, since a forwarding interface ignores RAs otherwise), autoconf,
 * router solicitations.  Changes only what is off; 1 if it changed
 * something, 0 if not, -errno.
 */
int slaac_enable(const char *ifname);
/*
 * Issue 13: RFC 4429 optimistic DAD on ifname (optimistic_dad and
 * use_optimistic set to 1).  The values found are saved in savefile unless
 * it exists (a repeated ifup); optimistic_dad_restore puts them back and
 * removes the file.  1 if something changed, 0 if not, -errno.
 */
int optimistic_dad_enable(const char *ifname, const char *savefile);
int optimistic_dad_restore(const char *ifname, const char *savefile);

#endif
