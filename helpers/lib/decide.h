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
 *   provisioning:  DISABLED | WAIT_ADDRESS -> RUNNING -> OK -> RUNNING (TTL,
 *                                               \-> FAILED(class)   new prefix)
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

/* Issue 14, HB46PP provisioning (seconds).  The spec's timing; the
 * minimum TTL is ours: a server answering ttl 1 must not make us ask
 * every second (TRANSIX_TEST_PROVISION_MIN_TTL lowers it for tests). */
#define PROV_TTL_MIN		300
#define PROV_TTL_NONE_MIN	(20 * 3600)	/* no ttl in the answer: 20-24 h */
#define PROV_TTL_NONE_MAX	(24 * 3600)
#define PROV_NO_TXT_MIN		3600		/* NXDOMAIN/NODATA: 1-3 h */
#define PROV_NO_TXT_MAX		(3 * 3600)
#define PROV_DNS_MIN		60		/* another DNS failure: 1-10 min */
#define PROV_DNS_MAX		600
#define PROV_TEMP_MIN		600		/* no answer, a bad one: 10-30 min */
#define PROV_TEMP_MAX		1800

enum prov_state {
	PROV_DISABLED,		/* no transix-provision */
	PROV_WAIT_ADDRESS,	/* no global IPv6 address to ask from yet */
	PROV_RUNNING,		/* a transix-provision child is out */
	PROV_OK,		/* the last fetch gave an answer; next at TTL */
	PROV_FAILED,		/* the last fetch failed; see prov_fail */
};

enum prov_class {
	PCLASS_NONE,
	PCLASS_REFUSED,		/* auth bad, 403/404, nothing for us: slow retry */
	PCLASS_NO_TXT,		/* no TXT record for 4over6.info: 1-3 h */
	PCLASS_DNS,		/* another DNS failure: 1-10 min */
	PCLASS_TEMPORARY,	/* no answer, a bad one: 10-30 min */
	PCLASS_LOCAL,		/* configuration, permissions: ours to fix */
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
	bool provision;			/* transix-provision yes (issue 14) */
	msec_t prov_ttl_min;		/* PROV_TTL_MIN, lowered only by a test knob */
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

	/* Issue 14: provisioning.  A fetch is for one /64 (the request
	 * leaves from an address in it): a new prefix fetches at once; the
	 * token the answer sets changes only the lower 64 bits. */
	enum prov_state prov;
	enum prov_class prov_fail;
	long prov_failures;		/* consecutive */
	msec_t prov_next;		/* OK: the TTL's end; FAILED: the retry */
	msec_t prov_expires;		/* OK: when the answer's TTL runs out */
	bool have_prov_prefix;
	unsigned char prov_prefix[8];	/* the /64 of the last fetch's source */
};

enum action {
	ACT_RESOLVE = 1u << 0,		/* look tunnel-remote's name up */
	ACT_ENSURE_TUNNEL = 1u << 1,	/* make the tunnel what the stanza says */
	ACT_REGISTER = 1u << 2,		/* start transix-register for facts.local_addr */
	ACT_PROVISION = 1u << 3,	/* start transix-provision from facts.local_addr */
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

/* Issue 14: after a transix-provision run ended (provision_class_of_exit):
 * PROV_OK with the next fetch when the TTL (seconds as answered, 0 =
 * none) runs out, or PROV_FAILED with the retry of the class.  Returns the
 * delay chosen. */
msec_t decide_provisioned(struct sv_state *st, const struct policy *p, msec_t now,
			  enum prov_class fail, unsigned int ttl, unsigned int random);

/* The delay before the next fetch: after an answer of ttl seconds (0 =
 * none: 20-24 h), or after a failure of class fail (spec ranges). */
msec_t prov_delay(enum prov_class fail, unsigned int ttl, const struct policy *p,
		  unsigned int random);

/* The class of a transix-provision exit status (proto.h), a signal or an
 * exec failure (status < 0 or >= 128) being temporary. */
enum prov_class provision_class_of_exit(int status);

const char *prov_state_name(enum prov_state s);
const char *prov_class_name(enum prov_class c);

/* The class of a transix-register exit status (proto.h). */
enum fail_class fail_class_of_exit(int status);

const char *tunnel_state_name(enum tunnel_state t);
const char *reg_state_name(enum reg_state r);
const char *fail_class_name(enum fail_class f);

#endif
