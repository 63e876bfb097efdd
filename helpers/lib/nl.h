/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rtnetlink over libmnl: one socket per use (requests, or event monitoring),
 * every request sent with NLM_F_ACK and its answer checked; extended ACK is
 * on so that the kernel's own explanation reaches the error message.
 */
#ifndef TRANSIX_NL_H
#define TRANSIX_NL_H

#include <libmnl/libmnl.h>
#include <stddef.h>

/* MNL_SOCKET_BUFFER_SIZE is a run-time expression; requests and answers
 * here are small, and 8 KiB is what the kernel uses for dumps anyway. */
#define NL_BUFSIZE 8192

struct nl {
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
	/* The kernel's extended-ACK text for the last failed request, or "". */
	char errmsg[256];
	char errtext[320];	/* nl_strerror()'s answer */
};

/* groups: RTMGRP_* bitmask for an event socket, 0 for a request socket. */
int nl_open(struct nl *nl, unsigned int groups);
void nl_close(struct nl *nl);

/* Starts a request in buf (NL_BUFSIZE bytes). */
struct nlmsghdr *nl_msg(struct nl *nl, void *buf, unsigned short type, unsigned short flags);

/* Sends nlh with NLM_F_ACK and waits for the ACK: 0 or -errno. */
int nl_request(struct nl *nl, struct nlmsghdr *nlh);

/* The same, for a GET whose answer goes to cb before the ACK. */
int nl_query(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/* Sends a dump request and calls cb for every answer: 0 or -errno. */
int nl_dump(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/*
 * Reads whatever events are pending on an event socket (non-blocking) and
 * calls cb for each; returns the count read, or -ENOBUFS when the kernel
 * dropped events or sent a buffer that cannot be walked (the caller must
 * resync by dump), or another -errno.
 */
int nl_read_events(struct nl *nl, mnl_cb_t cb, void *data);

int nl_fd(const struct nl *nl);

/*
 * One received buffer of netlink messages through cb, as nl_query(),
 * nl_dump() and nl_read_events() do it (exposed for tests and fuzzing):
 * data messages go to cb; an error or ACK, or a dump's DONE, ends the
 * exchange.  seq 0 accepts any sequence number (events).  Every message's
 * length is checked against the buffer before libmnl walks it.
 * Returns 1 when more is to come (a dump continues), 0 when done (ACK or
 * DONE), or -errno: the kernel's error (its extended-ACK text kept in nl),
 * -EBADMSG for a malformed buffer or message, cb's errno.
 */
int nl_run(struct nl *nl, const void *buf, size_t len, unsigned int seq, mnl_cb_t cb,
	   void *data);

/* "File exists (the kernel's extended-ACK text)" for a failed request's
 * -errno; the text lives in nl until its next request. */
const char *nl_strerror(struct nl *nl, int err);

#endif
