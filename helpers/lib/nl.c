// SPDX-License-Identifier: GPL-2.0-or-later
#include "nl.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int nl_open(struct nl *nl, unsigned int groups)
{
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | (groups ? SOCK_NONBLOCK : 0));
	if (!nl->sock)
		return -errno;
	/* Older kernels lack these; they only make errors more helpful. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl->sock, groups, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		return err;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (unsigned int)time(NULL);
	return 0;
}

void nl_close(struct nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

const char *nl_strerror(struct nl *nl, int err)
{
	if (nl->errmsg[0])
		snprintf(nl->errtext, sizeof(nl->errtext), "%s (%s)", strerror(-err), nl->errmsg);
	else
		snprintf(nl->errtext, sizeof(nl->errtext), "%s", strerror(-err));
	return nl->errtext;
}

int nl_fd(const struct nl *nl)
{
	return mnl_socket_get_fd(nl->sock);
}

struct nlmsghdr *nl_msg(struct nl *nl, void *buf, unsigned short type, unsigned short flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	return nlh;
}

/* Copies NLMSGERR_ATTR_MSG of an error/ACK message, if the kernel sent one. */
static void keep_extack(struct nl *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	unsigned int hlen = sizeof(*err);
	const struct nlattr *attr;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* Without NETLINK_CAP_ACK the kernel echoes the whole request. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		hlen += mnl_nlmsg_get_payload_len(&err->msg);
	if (mnl_nlmsg_get_payload_len(nlh) < hlen)
		return;
	mnl_attr_for_each(attr, nlh, hlen) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0) {
			snprintf(nl->errmsg, sizeof(nl->errmsg), "%s", mnl_attr_get_str(attr));
			return;
		}
	}
}

/* mnl_cb_run2 hands the data and control callbacks one pointer: this. */
struct run_ctx {
	struct nl *nl;
	mnl_cb_t cb;
	void *data;
};

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct run_ctx *ctx = data;
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (err->error) {
		keep_extack(ctx->nl, nlh);
		errno = -err->error;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

/* A dump ends with DONE, whose payload is the dump's error code. */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)data;
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
		int err = *(const int *)mnl_nlmsg_get_payload(nlh);

		if (err < 0) {
			errno = -err;
			return MNL_CB_ERROR;
		}
	}
	return MNL_CB_STOP;
}

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct run_ctx *ctx = data;

	return ctx->cb ? ctx->cb(nlh, ctx->data) : MNL_CB_OK;
}

static int run_until_done(struct nl *nl, unsigned int seq, mnl_cb_t cb, void *data)
{
	char buf[NL_BUFSIZE];
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = { [NLMSG_ERROR] = error_cb, [NLMSG_DONE] = done_cb };
	struct run_ctx ctx = { .nl = nl, .cb = cb, .data = data };
	int ret;

	do {
		ssize_t len = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));

		if (len < 0)
			return -errno;
		ret = mnl_cb_run2(buf, (size_t)len, seq, nl->portid, data_cb, &ctx,
				  ctl, NLMSG_MIN_TYPE);
	} while (ret > MNL_CB_STOP);
	return ret < 0 ? -errno : 0;
}

int nl_query(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	nl->errmsg[0] = '\0';
	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return run_until_done(nl, nlh->nlmsg_seq, cb, data);
}

int nl_request(struct nl *nl, struct nlmsghdr *nlh)
{
	return nl_query(nl, nlh, NULL, NULL);
}

int nl_dump(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	nl->errmsg[0] = '\0';
	nlh->nlmsg_flags |= NLM_F_DUMP;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return run_until_done(nl, nlh->nlmsg_seq, cb, data);
}

int nl_read_events(struct nl *nl, mnl_cb_t cb, void *data)
{
	char buf[NL_BUFSIZE];
	int count = 0;

	for (;;) {
		ssize_t len = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));

		if (len < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return count;
			return -errno;
		}
		count++;
		mnl_cb_run(buf, (size_t)len, 0, 0, cb, data);
	}
}
