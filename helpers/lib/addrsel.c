// SPDX-License-Identifier: GPL-2.0-or-later
/* Which of the WAN's IPv6 addresses the tunnel and the registration use. */
#include "rtnl.h"

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <string.h>

/* Never usable for us, whatever the DAD state. */
static bool excluded(const struct addr6 *a, const struct in6_addr *iid)
{
	if (a->scope != RT_SCOPE_UNIVERSE)
		return true;
	/* A privacy address would register the wrong source with the ISP. */
	if (a->flags & (IFA_F_TEMPORARY | IFA_F_DADFAILED | IFA_F_DEPRECATED))
		return true;
	if (a->preferred == 0)
		return true;
	if (iid)
		return memcmp(a->addr.s6_addr + 8, iid->s6_addr + 8, 8) != 0;
	/* Without iid: the stable SLAAC address, not one set by hand. */
	return a->flags & IFA_F_PERMANENT;
}

enum addr_pick addr6_pick_local(const struct addr6 *list, int n, const struct in6_addr *iid,
				struct in6_addr *out)
{
	const struct addr6 *best = NULL, *tentative = NULL;

	for (int i = 0; i < n; i++) {
		const struct addr6 *a = &list[i];

		if (excluded(a, iid))
			continue;
		/* The kernel will not send from a tentative address (DAD),
		 * but will from an optimistic one (RFC 4429; the ip6tnl too). */
		if ((a->flags & (IFA_F_TENTATIVE | IFA_F_OPTIMISTIC)) == IFA_F_TENTATIVE) {
			tentative = a;
			continue;
		}
		if (!best || a->valid > best->valid)
			best = a;
	}
	if (best) {
		*out = best->addr;
		return PICK_OK;
	}
	if (tentative) {
		*out = tentative->addr;
		return PICK_TENTATIVE;
	}
	return PICK_NONE;
}

bool addr6_usable(const struct addr6 *list, int n, const struct in6_addr *addr)
{
	for (int i = 0; i < n; i++)
		if (!memcmp(&list[i].addr, addr, sizeof(*addr)))
			return (list[i].flags & (IFA_F_TENTATIVE | IFA_F_OPTIMISTIC)) !=
				       IFA_F_TENTATIVE &&
			       !(list[i].flags & (IFA_F_DADFAILED | IFA_F_DEPRECATED)) &&
			       list[i].preferred != 0;
	return false;
}
