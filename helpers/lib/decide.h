/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The supervisor's policy as a pure function: facts (what the kernel and the
 * clock say now) and the explicit state go in; the actions to take and the
 * next time anything is due come out.  The same code that decides "not
 * yet" names the deadline, so a deadline can never be due while nothing
 * can act on it (audit finding 1: poll() with timeout 0 for ever).
 *
 *   tunnel:        DISABLED | WAIT_WAN -> WAIT_ADDRESS -> WAIT_REMOTE -> UP
 *                                                    \-> ERROR (retry) -/
 *   registration:  DISABLED | IDLE -> RUNNING -> OK
 *                                          \-> FAILED(class) -> RUNNING ...
 */
#ifndef TRANSIX_DECIDE_H
#define TRANSIX_DECIDE_H

#include "proc.h"

#include <netinet/in.h>
#include <stdbool.h>

#define RETRY_FIRST	5	/* seconds: first retry of a temporary failure */
#define RETRY_CAP	600	/* seconds: temporary retries never get rarer */
#define RETRY_REFUSED	3600	/* seconds: after NG/4xx, or a local problem,
				 * unless the password file changes or SIGHUP */
#define REFUSED_FAST	3	/* refusals in a row that still follow the backoff */
#define KERNEL_RETRY	30	/* seconds: after a failed kernel change */
#define RESOLVE_RETRY	5	/* seconds: a tunnel-remote name that did not resolve */
#define RERESOLVE	3600	/* seconds: a resolved name is looked up again when
				 * its TTL runs out, at the latest after this */
#define RERESOLVE_MIN	30	/* seconds: but not sooner, whatever the TTL says */
#define JITTER_PERCENT	20	/* +-, so routers restarting together spread out */

enum tunnel_state {
	TUNNEL_DISABLED,	/* no tunnel-remote */
	TUNNEL_WAIT_WAN,	/* the device does not exist */
	TUNNEL_WAIT_ADDRESS,	/* no usable <prefix>::iid yet */
	TUNNEL_WAIT_REMOTE,	/* tunnel-remote's name not resolved yet */
	TUNNEL_ERROR,		/* the kernel refused; retried after KERNEL_RETRY */
	TUNNEL_UP,		/* tunnel, address and route as asked */
};

enum reg_state {
	REG_DISABLED,		/* no transix-user */
	REG_IDLE,		/* nothing sent for the current address yet */
	REG_RUNNING,		/* a transix-register child is out */
	REG_OK,			/* the current address is registered */
	REG_FAILED,		/* the last attempt failed; see fail_class */
};

enum fail_class {
	FAIL_NONE,
	FAIL_TEMPORARY,		/* timeout, connection, DNS, HTTP 5xx: backoff */
	FAIL_REFUSED,		/* NG, HTTP 4xx: the provider said no */
	FAIL_LOCAL,		/* configuration, permissions: ours to fix */
};

/* What a pass read from the kernel and the clock. */
struct facts {
	msec_t now;
	bool wan;			/* the WAN device exists */
	bool local;			/* the source address is usable */
	struct in6_addr local_addr;
	bool remote;			/* tunnel-remote known (literal or resolved) */
	bool remote_is_name;
	unsigned int random;		/* for the jitter */
};

struct policy {
	bool tunnel;			/* tunnel-remote given */
	bool registration;		/* transix-user given */
	msec_t reregister;		/* 0 = never */
	msec_t refused_retry;		/* RETRY_REFUSED, shortened only by a test knob */
};

struct sv_state {
	enum tunnel_state tunnel;
	msec_t kernel_retry_at;		/* TUNNEL_ERROR: when to try again */
	msec_t resolve_at;		/* next DNS try for a named remote */
	msec_t reresolve_at;		/* a resolved name looked up again; 0 = not planned */
	bool wan_seen;			/* the WAN existed at the last pass */
	bool have_last_local;
	struct in6_addr last_local;	/* the source address at the last pass */
	enum reg_state reg;
	enum fail_class fail;
	long failures;			/* consecutive, for the current address */
	long streak;			/* of them, the last ones of class fail */
	msec_t next_attempt;		/* REG_FAILED: when to try again */
	msec_t last_success;		/* on clock_ms(); 0 = none */
	struct in6_addr target;		/* the address the retries are for */
	bool have_target;
	struct in6_addr registered;	/* the address last registered */
	bool have_registered;
};

enum action {
	ACT_RESOLVE = 1u << 0,		/* look tunnel-remote's name up */
	ACT_ENSURE_TUNNEL = 1u << 1,	/* make the tunnel what the stanza says */
	ACT_REGISTER = 1u << 2,		/* start transix-register for facts.local_addr */
};

struct decision {
	unsigned int actions;
	msec_t deadline;		/* 0 = none: sleep until an event */
};

/* The pure function.  It updates st only where time alone moves it (a new
 * address resets the backoff); the outcome of actions comes back through
 * decide_*() below, called by whoever applied them. */
struct decision decide(const struct facts *f, struct sv_state *st, const struct policy *p);

/* After a registration attempt ended: REG_OK, or REG_FAILED of a class
 * with the next attempt scheduled.  Returns the delay chosen (0 on OK). */
msec_t decide_registered(struct sv_state *st, const struct policy *p, msec_t now,
			 enum fail_class fail, unsigned int random);

/* The delay before retry number failures+1 of a failure of class fail:
 * temporary 5 s doubling to 600 s, refused/local refused_retry; +-20%. */
msec_t retry_delay(enum fail_class fail, long failures, msec_t refused_retry,
		   unsigned int random);

/* When a name answered with records of ttl seconds is looked up again:
 * the TTL kept within [RERESOLVE_MIN, RERESOLVE]; 0 (none told, as for an
 * /etc/hosts entry) counts as RERESOLVE. */
msec_t reresolve_delay(unsigned int ttl);

/* The class of a transix-register exit status (proto.h). */
enum fail_class fail_class_of_exit(int status);

const char *tunnel_state_name(enum tunnel_state t);
const char *reg_state_name(enum reg_state r);
const char *fail_class_name(enum fail_class f);

#endif
