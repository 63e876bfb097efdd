/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which of a named AFTR's addresses carries traffic (issue 11: DS-Lite's
 * gw.transix.jp answers several AAAA, one per region).  Neither RFC 6333
 * nor RFC 6334 says how a B4 picks among them, and OpenWrt's ds-lite
 * protocol simply takes the first answer for good.  Here: the choice stays
 * stable (dns_pick) and the one in use is checked with ICMPv6 echo from our
 * own address whenever the name is looked up (its TTL, WAN up, prefix
 * change, failed registration): no extra wakeup while it answers.  Only
 * when it stays silent for a whole round and another address of the same
 * name answers in that round does the tunnel move, so a lost packet or an
 * AFTR that filters echo never makes it hop; while nothing answers, the
 * rounds are repeated at a backoff.
 *
 * The probe is an ICMPv6 raw socket (root) that is open only during a
 * round and sits in the supervisor's poll set: the event loop never waits.
 */
#ifndef TRANSIX_AFTR_H
#define TRANSIX_AFTR_H

#include "dns.h"
#include "proc.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#define PROBE_TRIES	3	/* echo requests per address in a round */
#define PROBE_GAP	1	/* seconds between them; the round ends one gap
				 * after the last */
#define PROBE_AGAIN	5	/* seconds: the first repeat of a silent round */
#define PROBE_CAP	300	/* seconds: repeats never get rarer */

struct aftr_probe {
	int fd;				/* -1: no round running */
	uint16_t id;
	int tries;			/* sent so far */
	msec_t next;			/* the next send, or the end of the round */
	struct in6_addr src;
	int n;
	struct in6_addr addr[DNS_MAX_ADDRS];
	bool answered[DNS_MAX_ADDRS];
};

/* A probe with no round running. */
void aftr_probe_init(struct aftr_probe *p);

/*
 * Starts a round: echo requests from src (a usable address of ours) to
 * each of the n addresses, PROBE_TRIES times, PROBE_GAP apart.  Returns 0,
 * or -errno (no socket: no round).
 */
int aftr_probe_start(struct aftr_probe *p, const struct in6_addr *src,
		     const struct in6_addr *addr, int n, unsigned int random, msec_t now);

/* Reads the replies waiting on p->fd. */
void aftr_probe_read(struct aftr_probe *p);

/*
 * Sends the next tries when due.  Returns 1 when the round is over (the
 * socket is closed; p->answered tells who answered), else 0 with p->next
 * the time to be called again.  A round also ends as soon as the address
 * at index keep (the one in use; -1 for none) has answered.
 */
int aftr_probe_tick(struct aftr_probe *p, int keep, msec_t now);

/* Ends a round early (ifdown, a new answer). */
void aftr_probe_stop(struct aftr_probe *p);

/*
 * The pure decision after a round: the index to use among n addresses,
 * given the one in use (cur, -1 for none) and who answered.  The one in use
 * while it answers, or when nobody does (a filtered echo proves nothing);
 * else the first that answered.
 */
int aftr_choose(int n, int cur, const bool answered[]);

/* The delay before round number fails+1 after fails silent rounds in a
 * row: PROBE_AGAIN doubling to PROBE_CAP. */
msec_t aftr_probe_delay(int fails);

#endif
