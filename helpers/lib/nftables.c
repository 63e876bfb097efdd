// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Our nftables table through libnftables (see nft.h): only in the
 * short-lived programs that install or remove it (transix-nft, the hook at
 * ifdown), never in the daemon -- libnftables and what it pulls in
 * (libjansson, libgmp, libxtables, ...) were most of the supervisor's
 * resident memory (issue 13).
 */
#include "nft.h"

#include <errno.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy_error(struct nft_table *t, char *err, size_t errlen)
{
	const char *e = nft_ctx_get_error_buffer(t->ctx);
	size_t n;

	if (!err || !errlen)
		return;
	/* nft's first line says what; the rest is a caret under the input. */
	n = e ? strcspn(e, "\n") : 0;
	snprintf(err, errlen, "%.*s", (int)n, n ? e : "nftables error");
}

int nft_table_open(struct nft_table *t, const char *ifname, bool monitor)
{
	memset(t, 0, sizeof(*t));
	if (monitor)
		return -EINVAL;
	nft_table_name(t->name, ifname);
	t->ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!t->ctx)
		return -ENOMEM;
	if (nft_ctx_buffer_output(t->ctx) || nft_ctx_buffer_error(t->ctx)) {
		nft_table_close(t);
		return -ENOMEM;
	}
	return 0;
}

void nft_table_close(struct nft_table *t)
{
	if (t->ctx)
		nft_ctx_free(t->ctx);
	free(t->expected);
	t->ctx = NULL;
	t->expected = NULL;
}

/* "list table": the listing (malloc'd) or NULL when absent. */
static char *listing(struct nft_table *t)
{
	char cmd[64 + NFT_TABLE_MAX];
	const char *out;

	snprintf(cmd, sizeof(cmd), "list table ip %s", t->name);
	if (nft_run_cmd_from_buffer(t->ctx, cmd))
		return NULL;
	out = nft_ctx_get_output_buffer(t->ctx);
	return strdup(out ? out : "");
}

int nft_table_apply_text(struct nft_table *t, const char *text, char *err, size_t errlen)
{
	if (nft_run_cmd_from_buffer(t->ctx, text)) {
		copy_error(t, err, errlen);
		return -EINVAL;
	}
	t->applied = true;
	free(t->expected);
	t->expected = listing(t);
	return 0;
}

int nft_table_apply(struct nft_table *t, const struct transix_config *cfg, char *err,
		    size_t errlen)
{
	char text[NFT_RULESET_MAX];
	int ret = nft_ruleset_text(cfg, text, sizeof(text));

	if (ret < 0) {
		snprintf(err, errlen, "nftables ruleset too long");
		return ret;
	}
	return nft_table_apply_text(t, text, err, errlen);
}

int nft_table_intact(struct nft_table *t)
{
	char *now = listing(t);
	int same;

	if (!now)
		return 0;
	same = t->expected && !strcmp(now, t->expected);
	free(now);
	return same;
}

bool nft_table_exists(struct nft_table *t)
{
	char *now = listing(t);

	free(now);
	return now != NULL;
}

int nft_table_remove(struct nft_table *t, char *err, size_t errlen)
{
	char cmd[64 + 2 * NFT_TABLE_MAX];

	/* "add" first: removing an absent table is not an error here. */
	snprintf(cmd, sizeof(cmd), "add table ip %s\ndelete table ip %s\n", t->name, t->name);
	t->applied = false;
	if (nft_run_cmd_from_buffer(t->ctx, cmd)) {
		copy_error(t, err, errlen);
		return -EINVAL;
	}
	return 0;
}

