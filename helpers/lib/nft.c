// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Our nftables table: MSS clamping and NAT on the tunnel (see nft.h).
 * libnftables parses the text we build (every value in it validated by
 * config.c or printed by us); libmnl listens to the nftables events.
 */
#include "nft.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <nftables/libnftables.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

bool nft_wanted(const struct transix_config *cfg)
{
	return cfg->has_tunnel && (cfg->mss_clamp != MSS_CLAMP_OFF || cfg->nat);
}

void nft_table_name(char out[NFT_TABLE_MAX], const char *ifname)
{
	snprintf(out, NFT_TABLE_MAX, NFT_TABLE_PREFIX "%s", ifname);
}

struct text {
	char *buf;
	size_t len, used;
	bool full;
};

static void __attribute__((format(printf, 2, 3))) put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->used, t->len - t->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= t->len - t->used)
		t->full = true;
	else
		t->used += (size_t)n;
}

int nft_ruleset_text(const struct transix_config *cfg, char *buf, size_t len)
{
	struct text t = { .buf = buf, .len = len };
	char table[NFT_TABLE_MAX], addr[INET_ADDRSTRLEN], net[INET_ADDRSTRLEN];
	const char *tun = cfg->tunnel_name;

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	nft_table_name(table, cfg->ifname);
	/* One transaction: "add" makes the "delete" safe when the table is
	 * absent, and the new table replaces the old atomically. */
	put(&t, "add table ip %s\ndelete table ip %s\ntable ip %s {\n", table, table, table);
	if (cfg->mss_clamp != MSS_CLAMP_OFF) {
		/* Leaving: the route's MTU (the tunnel's, or a smaller learnt
		 * path MTU).  Arriving: rt mtu would be the LAN's, so the
		 * tunnel's MTU minus 40 is written in.  The kernel only ever
		 * lowers an MSS. */
		unsigned int in = cfg->mss_clamp == MSS_CLAMP_AUTO ? cfg->mtu - 40
								 : (unsigned int)cfg->mss_clamp;

		put(&t, "\tchain forward {\n"
			"\t\ttype filter hook forward priority mangle; policy accept;\n");
		if (cfg->mss_clamp == MSS_CLAMP_AUTO)
			put(&t, "\t\toifname \"%s\" tcp flags & (syn | rst) == syn "
				"tcp option maxseg size set rt mtu\n", tun);
		else
			put(&t, "\t\toifname \"%s\" tcp flags & (syn | rst) == syn "
				"tcp option maxseg size set %u\n", tun, in);
		put(&t, "\t\tiifname \"%s\" tcp flags & (syn | rst) == syn "
			"tcp option maxseg size set %u\n", tun, in);
		put(&t, "\t}\n");
	}
	if (cfg->nat) {
		/* Sources that already are ours (the fixed address, the
		 * block's hosts) leave as they are. */
		inet_ntop(AF_INET, &cfg->address, addr, sizeof(addr));
		put(&t, "\tchain postrouting {\n"
			"\t\ttype nat hook postrouting priority srcnat; policy accept;\n");
		if (cfg->has_block) {
			inet_ntop(AF_INET, &cfg->block, net, sizeof(net));
			put(&t, "\t\toifname \"%s\" ip saddr != %s/%u snat to %s\n", tun, net,
			    cfg->block_plen, addr);
		} else {
			put(&t, "\t\toifname \"%s\" ip saddr != %s snat to %s\n", tun, addr, addr);
		}
		put(&t, "\t}\n");
	}
	put(&t, "}\n");
	return t.full ? -ENOSPC : (int)t.used;
}

/* --- libnftables ------------------------------------------------------------ */

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
	nft_table_name(t->name, ifname);
	t->ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!t->ctx)
		return -ENOMEM;
	if (nft_ctx_buffer_output(t->ctx) || nft_ctx_buffer_error(t->ctx)) {
		nft_table_close(t);
		return -ENOMEM;
	}
	if (!monitor)
		return 0;
	t->mon = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!t->mon || mnl_socket_bind(t->mon, 1U << (NFNLGRP_NFTABLES - 1), MNL_SOCKET_AUTOPID)) {
		int ret = -errno;

		nft_table_close(t);
		return ret;
	}
	return 0;
}

void nft_table_close(struct nft_table *t)
{
	if (t->mon)
		mnl_socket_close(t->mon);
	if (t->ctx)
		nft_ctx_free(t->ctx);
	free(t->expected);
	t->mon = NULL;
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

int nft_table_apply(struct nft_table *t, const struct transix_config *cfg, char *err,
		    size_t errlen)
{
	char text[2048];
	int ret = nft_ruleset_text(cfg, text, sizeof(text));

	if (ret < 0) {
		snprintf(err, errlen, "nftables ruleset too long");
		return ret;
	}
	if (nft_run_cmd_from_buffer(t->ctx, text)) {
		copy_error(t, err, errlen);
		return -EINVAL;
	}
	t->applied = true;
	free(t->expected);
	t->expected = listing(t);
	return 0;
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

void nft_table_stop_events(struct nft_table *t)
{
	if (t->mon)
		mnl_socket_close(t->mon);
	t->mon = NULL;
}

int nft_table_fd(const struct nft_table *t)
{
	return t->mon ? mnl_socket_get_fd(t->mon) : -1;
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nft_table *t = data;
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;

	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES ||
	    NFNL_MSG_TYPE(nlh->nlmsg_type) == NFT_MSG_NEWGEN || nfg->nfgen_family != NFPROTO_IPV4)
		return MNL_CB_OK;
	/* Attribute 1 of every table, chain, rule, set, element, object and
	 * flowtable message is the name of the table it belongs to. */
	mnl_attr_for_each(attr, nlh, sizeof(*nfg)) {
		if (mnl_attr_get_type(attr) != 1)
			continue;
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0 &&
		    !strcmp(mnl_attr_get_str(attr), t->name))
			return MNL_CB_STOP;
		break;
	}
	return MNL_CB_OK;
}

int nft_table_read_events(struct nft_table *t)
{
	char buf[8192];	/* MNL_SOCKET_BUFFER_SIZE is a VLA (getpagesize()) */
	int ours = 0;

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(t->mon, buf, sizeof(buf));

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return ours;
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS)
				return 1;	/* events lost: look again */
			return -errno;
		}
		/* MNL_CB_STOP: a message about our table. */
		if (mnl_cb_run(buf, (size_t)n, 0, 0, event_cb, t) == MNL_CB_STOP)
			ours = 1;
	}
}
