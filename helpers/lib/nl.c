// SPDX-License-Identifier: GPL-2.0-or-later
#include "nl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

static int extack_attr_cb(const struct nlattr *attr, void *data)
{
	struct nl *nl = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0) {
		snprintf(nl->errmsg, sizeof(nl->errmsg), "%s", mnl_attr_get_str(attr));
		return MNL_CB_STOP;
	}
	return MNL_CB_OK;
}

/* Copies NLMSGERR_ATTR_MSG of an error/ACK message, if the kernel sent one. */
static void keep_extack(struct nl *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t hlen = sizeof(*err);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* Without NETLINK_CAP_ACK the kernel echoes the whole request; its
	 * length is only believed when it is one, and the TLVs start aligned. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (err->msg.nlmsg_len < MNL_NLMSG_HDRLEN)
			return;
		hlen += MNL_ALIGN((size_t)err->msg.nlmsg_len - MNL_NLMSG_HDRLEN);
	}
	if (mnl_nlmsg_get_payload_len(nlh) < hlen)
		return;
	mnl_attr_parse(nlh, (unsigned int)hlen, extack_attr_cb, nl);
}

/* mnl_cb_run2 hands the data and control callbacks one pointer: this. */
struct run_ctx {
	struct nl *nl;
	mnl_cb_t cb;
	void *data;
};

/*
 * The errno of a kernel error code: the kernel sends -errno.  Anything
 * else (positive, INT_MIN, beyond the errno range) is a protocol error,
 * never a success, and never negated (-INT_MIN is undefined).
 */
static int kernel_errno(int error)
{
	return error < 0 && error > -4096 ? -error : EPROTO;
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct run_ctx *ctx = data;
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*err)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (err->error) {
		keep_extack(ctx->nl, nlh);
		errno = kernel_errno(err->error);
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

/* A dump ends with DONE, whose payload is the dump's error code. */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)data;
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
		int err;

		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
		if (err) {
			errno = kernel_errno(err);
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

/*
 * Whether buf holds whole messages only: each at least a header long and
 * within the buffer, nothing left over.  libmnl 1.0.4's mnl_nlmsg_ok()
 * compares (int)nlmsg_len, so a length over INT_MAX passes and the walk
 * jumps 4 GiB (issue 9 #13); a length under the header ends the walk
 * silently, as if all was read.
 */
static bool stream_ok(const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len > 0) {
		const struct nlmsghdr *nlh = (const void *)p;
		size_t step;

		if (len < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > len)
			return false;
		/* libmnl walks a message's attributes up to its aligned end:
		 * without its padding, the last message would let it read past
		 * the buffer (found by fuzz-rtnl).  The kernel always pads. */
		step = MNL_ALIGN(nlh->nlmsg_len);
		if (step > len)
			return false;
		p += step;
		len -= step;
	}
	return true;
}

int nl_run(struct nl *nl, const void *buf, size_t len, unsigned int seq, mnl_cb_t cb,
	   void *data)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = { [NLMSG_ERROR] = error_cb, [NLMSG_DONE] = done_cb };
	struct run_ctx ctx = { .nl = nl, .cb = cb, .data = data };
	int ret;

	if (len > INT_MAX || !stream_ok(buf, len))
		return -EBADMSG;
	/* A callback may fail without setting errno: never report 0 then. */
	errno = 0;
	ret = mnl_cb_run2(buf, len, seq, nl->portid, data_cb, &ctx, ctl, NLMSG_MIN_TYPE);
	if (ret < 0)
		return errno > 0 ? -errno : -EPROTO;
	return ret > MNL_CB_STOP;
}

static int run_until_done(struct nl *nl, unsigned int seq, mnl_cb_t cb, void *data)
{
	char buf[NL_BUFSIZE];
	int ret;

	do {
		ssize_t len = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));

		if (len < 0)
			return -errno;
		ret = nl_run(nl, buf, (size_t)len, seq, cb, data);
	} while (ret > 0);
	return ret;
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
	bool lost = false;
	int count = 0;

	for (;;) {
		ssize_t len = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));

		if (len < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return lost ? -ENOBUFS : count;
			return -errno;
		}
		count++;
		/* A buffer that cannot be walked is events lost: resync. */
		if (nl_run(nl, buf, (size_t)len, 0, cb, data) == -EBADMSG)
			lost = true;
	}
}
