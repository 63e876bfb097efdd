// SPDX-License-Identifier: GPL-2.0-or-later
#include "provision.h"
#include "service.h"
#include "wan.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The fields a provisioned stanza's answer decides, compared as a whole:
 * an unchanged answer must change nothing in the kernel. */
static bool same(const struct transix_config *a, const struct transix_config *b)
{
	return a->has_tunnel == b->has_tunnel && a->remote_is_name == b->remote_is_name &&
	       !memcmp(&a->remote, &b->remote, sizeof(a->remote)) &&
	       !strcmp(a->remote_name, b->remote_name) && a->has_address == b->has_address &&
	       a->address.s_addr == b->address.s_addr && a->address_plen == b->address_plen &&
	       a->has_iid == b->has_iid && !memcmp(&a->iid, &b->iid, sizeof(a->iid)) &&
	       a->has_block == b->has_block && a->block.s_addr == b->block.s_addr &&
	       a->block_plen == b->block_plen && a->service == b->service;
}

static int ipip(struct transix_config *n, const struct hb46pp_params *p, char *why, size_t len)
{
	uint32_t net, mask;

	if (!wan_remote_usable(&p->ipip_remote)) {
		snprintf(why, len, "ipv6_remote is not a global IPv6 address");
		return -EINVAL;
	}
	/* Only the interface ID: the prefix is the line's, whatever the
	 * (kept) answer's was. */
	memset(&n->iid, 0, sizeof(n->iid));
	memcpy(n->iid.s6_addr + 8, p->ipip_local.s6_addr + 8, 8);
	if (IN6_IS_ADDR_UNSPECIFIED(&n->iid)) {
		snprintf(why, len, "ipv6_local has a zero interface ID");
		return -EINVAL;
	}
	if (p->ipip_plen < 1 || p->ipip_plen > 32) {
		snprintf(why, len, "ipv4 prefix length %u is not 1 to 32", p->ipip_plen);
		return -EINVAL;
	}
	n->has_iid = true;
	n->has_tunnel = true;
	n->remote = p->ipip_remote;
	n->service = service_find(SERVICE_DEFAULT);
	n->has_address = true;
	n->address = p->ipip_ipv4;
	n->address_plen = 32;
	if (p->ipip_plen == 32)
		return 0;
	/* A block: as tunnel-address A/len with tunnel-block-lan, the first
	 * host address ours (/32 on the tunnel); the block routed to the LAN
	 * when the stanza names one. */
	if (p->ipip_plen < MIN_BLOCK_PLEN || p->ipip_plen > MAX_BLOCK_PLEN) {
		snprintf(why, len, "an ipv4 block /%u (we route /%d to /%d)", p->ipip_plen,
			 MIN_BLOCK_PLEN, MAX_BLOCK_PLEN);
		return -EINVAL;
	}
	mask = ~0U << (32 - p->ipip_plen);
	net = ntohl(p->ipip_ipv4.s_addr) & mask;
	n->address.s_addr = htonl(net + 1);
	if (n->block_lan[0]) {
		n->has_block = true;
		n->block.s_addr = htonl(net);
		n->block_plen = p->ipip_plen;
	}
	return 0;
}

static int dslite(struct transix_config *n, const struct hb46pp_params *p, char *why, size_t len)
{
	n->has_tunnel = true;
	n->service = service_find("dslite");
	n->has_address = true;
	inet_pton(AF_INET, PROVISION_B4_ADDRESS, &n->address);
	n->address_plen = 32;
	if (inet_pton(AF_INET6, p->aftr, &n->remote) == 1) {
		if (!wan_remote_usable(&n->remote)) {
			snprintf(why, len, "aftr is not a global IPv6 address");
			return -EINVAL;
		}
		return 0;
	}
	if (!config_valid_hostname(p->aftr)) {
		snprintf(why, len, "aftr is neither an IPv6 address nor a host name");
		return -EINVAL;
	}
	n->remote_is_name = true;
	snprintf(n->remote_name, sizeof(n->remote_name), "%s", p->aftr);
	return 0;
}

int provision_apply(struct transix_config *cfg, const struct hb46pp_params *p, char *why,
		    size_t whylen)
{
	struct transix_config n = *cfg;
	int ret;

	n.has_tunnel = n.remote_is_name = n.has_address = n.has_iid = n.has_block = false;
	n.has_local = false;
	memset(&n.remote, 0, sizeof(n.remote));
	n.remote_name[0] = '\0';
	memset(&n.address, 0, sizeof(n.address));
	n.address_plen = 0;
	memset(&n.iid, 0, sizeof(n.iid));
	memset(&n.block, 0, sizeof(n.block));
	n.block_plen = 0;
	switch (p->method) {
	case HB46PP_IPIP:
		ret = ipip(&n, p, why, whylen);
		break;
	case HB46PP_DSLITE:
		ret = dslite(&n, p, why, whylen);
		break;
	default:
		snprintf(why, whylen, "no method we support");
		ret = -EINVAL;
	}
	if (ret < 0)
		return ret;
	if (same(cfg, &n))
		return 0;
	*cfg = n;
	return 1;
}

void provision_summary(const struct hb46pp_params *p, char *buf, size_t len)
{
	char local[INET6_ADDRSTRLEN], remote[INET6_ADDRSTRLEN], v4[INET_ADDRSTRLEN];

	switch (p->method) {
	case HB46PP_IPIP:
		inet_ntop(AF_INET6, &p->ipip_local, local, sizeof(local));
		inet_ntop(AF_INET6, &p->ipip_remote, remote, sizeof(remote));
		inet_ntop(AF_INET, &p->ipip_ipv4, v4, sizeof(v4));
		snprintf(buf, len, "ipip %s/%u from %s to %s", v4, p->ipip_plen, local, remote);
		break;
	case HB46PP_DSLITE:
		snprintf(buf, len, "dslite to %s", p->aftr);
		break;
	default:
		snprintf(buf, len, "none");
	}
}
