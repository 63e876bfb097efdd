// SPDX-License-Identifier: GPL-2.0-or-later
#include "aftr.h"

#include <errno.h>
#include <netinet/icmp6.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void aftr_probe_init(struct aftr_probe *p)
{
	memset(p, 0, sizeof(*p));
	p->fd = -1;
}

void aftr_probe_stop(struct aftr_probe *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

int aftr_probe_start(struct aftr_probe *p, const struct in6_addr *src,
		     const struct in6_addr *addr, int n, unsigned int random, msec_t now)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = *src };
	struct icmp6_filter filter;
	int fd;

	aftr_probe_stop(p);
	if (n > DNS_MAX_ADDRS)
		n = DNS_MAX_ADDRS;
	/* A raw socket sees every ICMPv6 message of the host: the filter
	 * keeps the router advertisements and neighbour discovery out, so
	 * that only echo replies wake us. */
	fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (fd < 0)
		return -errno;
	ICMP6_FILTER_SETBLOCKALL(&filter);
	ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
	/* From the address the tunnel leaves from: the path its packets take. */
	if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	p->fd = fd;
	p->id = (uint16_t)random;
	p->tries = 0;
	p->next = now;
	p->src = *src;
	p->n = n;
	memcpy(p->addr, addr, (size_t)n * sizeof(*addr));
	memset(p->answered, 0, sizeof(p->answered));
	return 0;
}

void aftr_probe_read(struct aftr_probe *p)
{
	for (;;) {
		struct icmp6_hdr h;
		struct sockaddr_in6 from;
		socklen_t len = sizeof(from);
		ssize_t got;

		if (p->fd < 0)
			return;
		got = recvfrom(p->fd, &h, sizeof(h), MSG_TRUNC, (struct sockaddr *)&from, &len);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return;		/* EAGAIN: all read */
		}
		/* Raw ICMPv6 sockets get the message without the IPv6 header;
		 * another process's echo has another identifier. */
		if ((size_t)got < sizeof(h) || h.icmp6_type != ICMP6_ECHO_REPLY ||
		    ntohs(h.icmp6_id) != p->id || len < sizeof(from))
			continue;
		for (int i = 0; i < p->n; i++)
			if (!memcmp(&p->addr[i], &from.sin6_addr, sizeof(from.sin6_addr)))
				p->answered[i] = true;
	}
}

int aftr_probe_tick(struct aftr_probe *p, int keep, msec_t now)
{
	if (p->fd < 0)
		return 1;
	if (keep >= 0 && keep < p->n && p->answered[keep]) {
		aftr_probe_stop(p);
		return 1;
	}
	if (now < p->next)
		return 0;
	if (p->tries >= PROBE_TRIES) {
		aftr_probe_stop(p);
		return 1;
	}
	for (int i = 0; i < p->n; i++) {
		struct icmp6_hdr h = {
			.icmp6_type = ICMP6_ECHO_REQUEST,
			.icmp6_id = htons(p->id),
			.icmp6_seq = htons((uint16_t)p->tries),
		};
		struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_addr = p->addr[i] };

		if (p->answered[i])
			continue;
		/* The kernel fills in the checksum of a raw ICMPv6 socket
		 * (RFC 3542 3.1).  A failed send (no route) is a silent try. */
		sendto(p->fd, &h, sizeof(h), MSG_DONTWAIT, (struct sockaddr *)&to, sizeof(to));
	}
	p->tries++;
	p->next = now + PROBE_GAP * SEC;
	return 0;
}

int aftr_choose(int n, int cur, const bool answered[])
{
	if (cur >= 0 && cur < n && answered[cur])
		return cur;
	for (int i = 0; i < n; i++)
		if (answered[i])
			return i;
	return cur;
}

msec_t aftr_probe_delay(int fails)
{
	msec_t d = PROBE_AGAIN * SEC;

	for (int i = 1; i < fails && d < PROBE_CAP * SEC; i++)
		d *= 2;
	return d > PROBE_CAP * SEC ? PROBE_CAP * SEC : d;
}
