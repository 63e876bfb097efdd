// SPDX-License-Identifier: GPL-2.0-or-later
#include "decide.h"
#include "hb46pp.h"
#include "proto.h"

#include <string.h>

static void due(struct decision *d, msec_t when)
{
	if (!d->deadline || when < d->deadline)
		d->deadline = when;
}

msec_t retry_delay(enum fail_class fail, long failures, msec_t refused_retry,
		   unsigned int random)
{
	msec_t delay = RETRY_FIRST * SEC;

	if (fail == FAIL_REFUSED || fail == FAIL_LOCAL) {
		delay = refused_retry;
	} else {
		for (long i = 1; i < failures && delay < RETRY_CAP * SEC; i++)
			delay *= 2;
		if (delay > RETRY_CAP * SEC)
			delay = RETRY_CAP * SEC;
	}
	/* delay +- JITTER_PERCENT */
	msec_t span = delay * JITTER_PERCENT / 100;

	return delay - span + (msec_t)(random % (unsigned int)(2 * span + 1));
}

/*
 * Issue 14: when to fetch the provisioning answer.  Only from a usable
 * address (the request must leave from our /64); at once the first time and
 * when the /64 changes; otherwise when the TTL or the retry says.  A kept
 * answer (PROV_OK, PROV_FAILED) stays in use while the address is away.
 */
static void decide_provision(const struct facts *f, struct sv_state *st, const struct policy *p,
			     struct decision *d)
{
	bool new_prefix;

	if (!p->provision) {
		st->prov = PROV_DISABLED;
		return;
	}
	if (st->prov == PROV_DISABLED)
		st->prov = PROV_WAIT_ADDRESS;
	if (st->prov == PROV_RUNNING || !f->wan || !f->local)
		return;	/* its end, or the address event, wakes us */
	new_prefix = !st->have_prov_prefix ||
		     memcmp(st->prov_prefix, f->local_addr.s6_addr, sizeof(st->prov_prefix));
	if (new_prefix && st->have_prov_prefix) {
		/* A prefix change: the answer may differ; no backoff of the
		 * old prefix's failures applies. */
		st->prov_failures = 0;
		st->prov_next = 0;
	}
	if (new_prefix || st->prov == PROV_WAIT_ADDRESS || f->now >= st->prov_next) {
		d->actions |= ACT_PROVISION;
		memcpy(st->prov_prefix, f->local_addr.s6_addr, sizeof(st->prov_prefix));
		st->have_prov_prefix = true;
	} else {
		due(d, st->prov_next);
	}
}

struct decision decide(const struct facts *f, struct sv_state *st, const struct policy *p)
{
	struct decision d = { 0, 0 };

	/* A named AFTR is looked up again when the WAN comes (back), on a new
	 * address (a prefix change: maybe another region), after a failed
	 * registration (decide_registered) and every RERESOLVE. */
	if (f->wan && !st->wan_seen)
		st->reresolve_at = f->now;
	st->wan_seen = f->wan;
	if (f->local && (!st->have_last_local ||
			 memcmp(&st->last_local, &f->local_addr, sizeof(st->last_local)))) {
		if (st->have_last_local)
			st->reresolve_at = f->now;
		st->last_local = f->local_addr;
		st->have_last_local = true;
	}

	/* The tunnel. */
	if (!p->tunnel) {
		st->tunnel = TUNNEL_DISABLED;
	} else if (!f->wan) {
		st->tunnel = TUNNEL_WAIT_WAN;
	} else if (!f->local) {
		st->tunnel = TUNNEL_WAIT_ADDRESS;
	} else if (!f->remote) {
		st->tunnel = TUNNEL_WAIT_REMOTE;
		if (f->now >= st->resolve_at)
			d.actions |= ACT_RESOLVE;
		else
			due(&d, st->resolve_at);
	} else if (st->tunnel == TUNNEL_ERROR && f->now < st->kernel_retry_at) {
		due(&d, st->kernel_retry_at);
	} else {
		/* Cheap when nothing differs: every pass checks it. */
		d.actions |= ACT_ENSURE_TUNNEL;
	}
	if (p->tunnel && f->wan && f->local && f->remote && f->remote_is_name &&
	    st->reresolve_at) {
		if (f->now >= st->reresolve_at)
			d.actions |= ACT_RESOLVE;	/* the tunnel follows if it moved */
		else
			due(&d, st->reresolve_at);
	}

	decide_provision(f, st, p, &d);

	/* The registration: only from a usable address, and through a tunnel
	 * that is up when there is one.  No deadline otherwise: the event
	 * that makes it possible wakes us. */
	if (!p->registration) {
		st->reg = REG_DISABLED;
		return d;
	}
	if (st->reg == REG_RUNNING || !f->wan || !f->local)
		return d;
	if (p->tunnel && !(d.actions & ACT_ENSURE_TUNNEL) && st->tunnel != TUNNEL_UP)
		return d;
	/* A new address (a prefix change) is registered at once; the
	 * backoff is for retries of one address. */
	if (!st->have_target || memcmp(&st->target, &f->local_addr, sizeof(st->target))) {
		st->target = f->local_addr;
		st->have_target = true;
		st->failures = 0;
		st->streak = 0;
		st->fail = FAIL_NONE;
		st->next_attempt = 0;
		if (st->reg == REG_FAILED)
			st->reg = REG_IDLE;
	}
	if (st->reg == REG_OK && st->have_registered &&
	    !memcmp(&st->registered, &f->local_addr, sizeof(st->registered))) {
		if (!p->reregister)
			return d;
		if (f->now >= st->last_success + p->reregister)
			d.actions |= ACT_REGISTER;
		else
			due(&d, st->last_success + p->reregister);
		return d;
	}
	if (f->now >= st->next_attempt)
		d.actions |= ACT_REGISTER;
	else
		due(&d, st->next_attempt);
	return d;
}

msec_t decide_registered(struct sv_state *st, const struct policy *p, msec_t now,
			 enum fail_class fail, unsigned int random)
{
	msec_t delay;

	if (fail == FAIL_NONE) {
		st->reg = REG_OK;
		st->fail = FAIL_NONE;
		st->failures = 0;
		st->streak = 0;
		st->next_attempt = 0;
		st->last_success = now;
		st->registered = st->target;
		st->have_registered = true;
		return 0;
	}
	st->reg = REG_FAILED;
	st->reresolve_at = now;		/* the AFTR may have moved */
	st->streak = st->fail == fail ? st->streak + 1 : 1;
	st->fail = fail;
	st->failures++;
	/* The first refusals go by the temporary backoff: a provider's records
	 * may lag a contract change by minutes.  Then the slow policy. */
	delay = retry_delay(fail != FAIL_TEMPORARY && st->failures <= REFUSED_FAST ?
			    FAIL_TEMPORARY : fail, st->failures, p->refused_retry, random);
	st->next_attempt = now + delay;
	return delay;
}

/* A uniformly random delay of min..max seconds, to the millisecond. */
static msec_t between(unsigned int min, unsigned int max, unsigned int random)
{
	return (msec_t)min * SEC + (msec_t)(random % ((unsigned int)(max - min) * SEC + 1));
}

msec_t prov_delay(enum prov_class fail, unsigned int ttl, const struct policy *p,
		  unsigned int random)
{
	msec_t span;

	switch (fail) {
	case PCLASS_NONE:
		if (!ttl)
			return between(PROV_TTL_NONE_MIN, PROV_TTL_NONE_MAX, random);
		if (ttl > HB46PP_TTL_MAX)
			ttl = HB46PP_TTL_MAX;
		return (msec_t)ttl * SEC < p->prov_ttl_min ? p->prov_ttl_min : (msec_t)ttl * SEC;
	case PCLASS_NO_TXT:
		return between(PROV_NO_TXT_MIN, PROV_NO_TXT_MAX, random);
	case PCLASS_DNS:
		return between(PROV_DNS_MIN, PROV_DNS_MAX, random);
	case PCLASS_TEMPORARY:
		return between(PROV_TEMP_MIN, PROV_TEMP_MAX, random);
	default:	/* refused, local: slow, unless the password file or HUP */
		span = p->refused_retry * JITTER_PERCENT / 100;
		return p->refused_retry - span + (msec_t)(random % (unsigned int)(2 * span + 1));
	}
}

msec_t decide_provisioned(struct sv_state *st, const struct policy *p, msec_t now,
			  enum prov_class fail, unsigned int ttl, unsigned int random)
{
	msec_t delay = prov_delay(fail, ttl, p, random);

	st->prov_fail = fail;
	if (fail == PCLASS_NONE) {
		st->prov = PROV_OK;
		st->prov_failures = 0;
		st->prov_expires = now + delay;
	} else {
		st->prov = PROV_FAILED;
		st->prov_failures++;
	}
	st->prov_next = now + delay;
	return delay;
}

enum prov_class provision_class_of_exit(int status)
{
	switch (status) {
	case PROVISION_OK:
		return PCLASS_NONE;
	case PROVISION_REFUSED:
		return PCLASS_REFUSED;
	case PROVISION_NO_TXT:
		return PCLASS_NO_TXT;
	case PROVISION_DNS:
		return PCLASS_DNS;
	case PROVISION_LOCAL:
		return PCLASS_LOCAL;
	default:	/* 111, a signal, an exec failure: the kept answer stays */
		return PCLASS_TEMPORARY;
	}
}

const char *prov_state_name(enum prov_state s)
{
	static const char *const names[] = {
		[PROV_DISABLED] = "disabled", [PROV_WAIT_ADDRESS] = "waiting",
		[PROV_RUNNING] = "running", [PROV_OK] = "ok", [PROV_FAILED] = "failed",
	};
	return (unsigned int)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

const char *prov_class_name(enum prov_class c)
{
	static const char *const names[] = {
		[PCLASS_NONE] = "", [PCLASS_REFUSED] = "refused", [PCLASS_NO_TXT] = "no-txt",
		[PCLASS_DNS] = "dns", [PCLASS_TEMPORARY] = "temporary", [PCLASS_LOCAL] = "local",
	};
	return (unsigned int)c < sizeof(names) / sizeof(names[0]) ? names[c] : "?";
}

msec_t reresolve_delay(unsigned int ttl)
{
	if (!ttl || ttl > RERESOLVE)
		return RERESOLVE * SEC;
	if (ttl < RERESOLVE_MIN)
		return RERESOLVE_MIN * SEC;
	return (msec_t)ttl * SEC;
}

enum fail_class fail_class_of_exit(int status)
{
	switch (status) {
	case REGISTER_OK:
		return FAIL_NONE;
	case REGISTER_REFUSED:
		return FAIL_REFUSED;
	case REGISTER_LOCAL:
		return FAIL_LOCAL;
	default:	/* 111, a signal, an exec failure: try again soon */
		return FAIL_TEMPORARY;
	}
}

const char *tunnel_state_name(enum tunnel_state t)
{
	static const char *const names[] = {
		[TUNNEL_DISABLED] = "disabled", [TUNNEL_WAIT_WAN] = "waiting",
		[TUNNEL_WAIT_ADDRESS] = "waiting", [TUNNEL_WAIT_REMOTE] = "waiting",
		[TUNNEL_ERROR] = "error", [TUNNEL_UP] = "up",
	};
	return (unsigned int)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

const char *reg_state_name(enum reg_state r)
{
	static const char *const names[] = {
		[REG_DISABLED] = "disabled", [REG_IDLE] = "pending", [REG_RUNNING] = "pending",
		[REG_OK] = "ok", [REG_FAILED] = "failed",
	};
	return (unsigned int)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

const char *fail_class_name(enum fail_class f)
{
	static const char *const names[] = {
		[FAIL_NONE] = "", [FAIL_TEMPORARY] = "temporary", [FAIL_REFUSED] = "refused",
		[FAIL_LOCAL] = "local",
	};
	return (unsigned int)f < sizeof(names) / sizeof(names[0]) ? names[f] : "?";
}
