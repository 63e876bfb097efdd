/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Our nftables table (issue 10): TCP MSS clamping on the tunnel, optional
 * source NAT to the fixed address, one table per WAN interface
 * ("table ip transix-IFNAME"), never touching anyone else's tables.
 *
 * The ruleset text is built only from validated config values (interface
 * names checked by config_valid_ifname, numbers and addresses printed by
 * us) and handed to libnftables: nothing reaches a shell.  libnftables
 * (nftables.c) is linked only into the short-lived programs (transix-nft,
 * the hook); the daemon keeps just the event socket (nft_watch, libmnl):
 * NFNLGRP_NFTABLES tells it when our table is touched (e.g. "nft flush
 * ruleset"), so that it can be put back.
 */
#ifndef TRANSIX_NFT_H
#define TRANSIX_NFT_H

#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define NFT_TABLE_PREFIX	"transix-"
#define NFT_TABLE_MAX		(sizeof(NFT_TABLE_PREFIX) + IF_NAMESIZE)
#define NFT_RULESET_MAX		2048	/* nft_ruleset_text's longest, with room */

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

/* --- libnftables (nftables.c): link with NFT_LIBS ---------------------- */
struct nft_table {
	char name[NFT_TABLE_MAX];
	struct nft_ctx *ctx;		/* libnftables, errors buffered */
	char *expected;			/* "nft list table" right after we applied */
	bool applied;
};

/* 0 or -errno.  monitor: must be false (-EINVAL otherwise): the events
 * are nft_watch's now, in the one process that keeps running. */
int nft_table_open(struct nft_table *t, const char *ifname, bool monitor);
void nft_table_close(struct nft_table *t);

/* Installs or replaces the table.  0, or -errno with nft's message in err. */
int nft_table_apply_text(struct nft_table *t, const char *text, char *err, size_t errlen);
int nft_table_apply(struct nft_table *t, const struct transix_config *cfg, char *err,
		    size_t errlen);

/* 1 when the table is still exactly what apply() left, 0 when it is gone
 * or changed, -errno. */
int nft_table_intact(struct nft_table *t);

/* Is there a table of our name?  (false too when nftables is unusable) */
bool nft_table_exists(struct nft_table *t);

/* Deletes the table if it exists.  0, or -errno with nft's message in err. */
int nft_table_remove(struct nft_table *t, char *err, size_t errlen);

/* --- the event socket (nft.c, libmnl only) ----------------------------- */
struct nft_watch {
	char name[NFT_TABLE_MAX];
	struct mnl_socket *mon;		/* NFNLGRP_NFTABLES events */
	pid_t ignore_pid;		/* its transactions are our own (transix-nft) */
	bool pending;			/* our table touched; whose is the next NEWGEN */
};

int nft_watch_open(struct nft_watch *w, const char *ifname);
void nft_watch_close(struct nft_watch *w);

/* The event socket (poll it for POLLIN), -1 once closed. */
int nft_watch_fd(const struct nft_watch *w);

/* Reads the pending events: 1 when a transaction of another process than
 * ignore_pid touched our table (or events were lost), 0 when none did,
 * -errno. */
int nft_watch_read(struct nft_watch *w);

#endif
