// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Our nftables table: MSS clamping and NAT on the tunnel (see nft.h): the
 * ruleset text, and the event socket the supervisor watches (libmnl only;
 * libnftables parses the text in nftables.c, outside the daemon).
 */
#include "nft.h"
#include "rtnl-parse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
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

int nft_watch_open(struct nft_watch *w, const char *ifname)
{
	memset(w, 0, sizeof(*w));
	nft_table_name(w->name, ifname);
	w->mon = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!w->mon || mnl_socket_bind(w->mon, 1U << (NFNLGRP_NFTABLES - 1), MNL_SOCKET_AUTOPID)) {
		int ret = -errno;

		nft_watch_close(w);
		return ret;
	}
	return 0;
}

void nft_watch_close(struct nft_watch *w)
{
	if (w->mon)
		mnl_socket_close(w->mon);
	w->mon = NULL;
}

int nft_watch_fd(const struct nft_watch *w)
{
	return w->mon ? mnl_socket_get_fd(w->mon) : -1;
}

/* The pid in a NEWGEN message (NFTA_GEN_PROC_PID), 0 without one. */
static uint32_t gen_pid(const struct nlmsghdr *nlh)
{
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(attr) == NFTA_GEN_PROC_PID &&
		    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			return ntohl(mnl_attr_get_u32(attr));
	}
	return 0;
}

/*
 * A transaction's messages (tables, chains, rules, ...) come first, then
 * one NEWGEN naming the process that committed it: only then is it known
 * whether a change to our table was our own transix-nft's.
 */
static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nft_watch *t = data;
	const struct nfgenmsg *nfg = rtnl_header(nlh, sizeof(*nfg));
	const struct nlattr *attr;

	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES)
		return MNL_CB_OK;
	if (NFNL_MSG_TYPE(nlh->nlmsg_type) == NFT_MSG_NEWGEN) {
		bool news = t->pending && (!t->ignore_pid || gen_pid(nlh) != (uint32_t)t->ignore_pid);

		t->pending = false;
		return news ? MNL_CB_STOP : MNL_CB_OK;
	}
	/* A message too short for its fixed header names no table. */
	if (!nfg || nfg->nfgen_family != NFPROTO_IPV4)
		return MNL_CB_OK;
	/* Attribute 1 of every table, chain, rule, set, element, object and
	 * flowtable message is the name of the table it belongs to. */
	mnl_attr_for_each(attr, nlh, sizeof(*nfg)) {
		if (mnl_attr_get_type(attr) != 1)
			continue;
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0 &&
		    !strcmp(mnl_attr_get_str(attr), t->name))
			t->pending = true;
		break;
	}
	return MNL_CB_OK;
}

int nft_watch_read(struct nft_watch *t)
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
		/* MNL_CB_STOP: a transaction (not ours) touched our table. */
		if (mnl_cb_run(buf, (size_t)n, 0, 0, event_cb, t) == MNL_CB_STOP)
			ours = 1;
	}
}
