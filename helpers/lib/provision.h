/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Issue 14: a provisioning answer (hb46pp.h's parameters) turned into the
 * parts of struct transix_config that a transix-provision stanza leaves to
 * the server -- the tunnel's remote, its IPv4 address (or block), the
 * token, the service -- so that the supervisor's existing tunnel code does
 * the rest.  Pure: no kernel, no files.
 */
#ifndef TRANSIX_PROVISION_H
#define TRANSIX_PROVISION_H

#include "config.h"
#include "hb46pp.h"

#include <stddef.h>

#define PROVISION_B4_ADDRESS	"192.0.0.2"	/* DS-Lite's B4 (RFC 6333) */

/*
 * Sets cfg's server-given fields from p: ipip -> the token is the interface
 * ID of ipv6_local, the tunnel goes to ipv6_remote with ipv4 (a block is
 * routed to tunnel-block-lan when the stanza names one, its first host
 * address on the tunnel); dslite -> the tunnel goes to aftr (a literal, or
 * a name resolved like tunnel-remote's) with 192.0.0.2.  The stanza's own
 * options (name, MTU, ...) are kept.
 * Returns 1 when cfg changed, 0 when the answer gives what cfg already has
 * (nothing to reconfigure), -EINVAL with the reason in why when p cannot
 * be used (cfg untouched).
 */
int provision_apply(struct transix_config *cfg, const struct hb46pp_params *p, char *why,
		    size_t whylen);

/* One line for the log and the status: "ipip 203.0.113.5/32 via
 * 2001:db8::1, token ::feed" or "dslite via gw.transix.jp". */
void provision_summary(const struct hb46pp_params *p, char *buf, size_t len);

#endif
