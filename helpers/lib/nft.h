/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Our nftables table (issue 10): TCP MSS clamping on the tunnel, optional
 * source NAT to the fixed address, one table per WAN interface
 * ("table ip transix-IFNAME"), never touching anyone else's tables.
 *
 * The ruleset text is built only from validated config values (interface
 * names checked by config_valid_ifname, numbers and addresses printed by
 * us) and handed to libnftables: nothing reaches a shell.  Events: a
 * NETLINK_NETFILTER socket subscribed to NFNLGRP_NFTABLES tells us when our
 * table is touched (e.g. "nft flush ruleset"), so that it can be put back.
 */
#ifndef TRANSIX_NFT_H
#define TRANSIX_NFT_H

#include "config.h"

#include <stdbool.h>
#include <stddef.h>

#define NFT_TABLE_PREFIX	"transix-"
#define NFT_TABLE_MAX		(sizeof(NFT_TABLE_PREFIX) + IF_NAMESIZE)

/* Does this stanza want a table at all (clamp or NAT on a tunnel)? */
bool nft_wanted(const struct transix_config *cfg);

/* "transix-IFNAME" (family ip). */
void nft_table_name(char out[NFT_TABLE_MAX], const char *ifname);

/*
 * The whole table as nft(8) input, in one transaction that replaces an
 * older version atomically ("add table; delete table; table { ... }").
 * Pure.  Returns the length, or -ENOSPC.
 */
int nft_ruleset_text(const struct transix_config *cfg, char *buf, size_t len);

struct nft_ctx;
struct mnl_socket;

struct nft_table {
	char name[NFT_TABLE_MAX];
	struct nft_ctx *ctx;		/* libnftables, errors buffered */
	struct mnl_socket *mon;		/* NFNLGRP_NFTABLES events, or NULL */
	char *expected;			/* "nft list table" right after we applied */
	bool applied;
};

/* monitor: also open the event socket.  0 or -errno. */
int nft_table_open(struct nft_table *t, const char *ifname, bool monitor);
void nft_table_close(struct nft_table *t);

/* Installs or replaces the table.  0, or -errno with nft's message in err. */
int nft_table_apply(struct nft_table *t, const struct transix_config *cfg, char *err,
		    size_t errlen);

/* 1 when the table is still exactly what apply() left, 0 when it is gone
 * or changed, -errno. */
int nft_table_intact(struct nft_table *t);

/* Is there a table of our name?  (false too when nftables is unusable) */
bool nft_table_exists(struct nft_table *t);

/* Deletes the table if it exists.  0, or -errno with nft's message in err. */
int nft_table_remove(struct nft_table *t, char *err, size_t errlen);

/* Closes the event socket (after an error reading it). */
void nft_table_stop_events(struct nft_table *t);

/* The event socket (poll it for POLLIN), -1 without one. */
int nft_table_fd(const struct nft_table *t);

/* Reads the pending events: 1 when one concerns our table (or events were
 * lost), 0 when none does, -errno. */
int nft_table_read_events(struct nft_table *t);

#endif
