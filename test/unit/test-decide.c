// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * decide(): the supervisor's policy without a kernel.  Each case is a row:
 * facts and state in, actions and deadline out.  Plus retry_delay()'s
 * backoff, cap and jitter range, and the property that broke in audit
 * finding 1: a deadline is never due (<= now) when decide() returns it.
 */
#include "decide.h"
#include "proto.h"
#include "unit.h"

#include <arpa/inet.h>

static struct in6_addr addr(const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	return a;
}

static const struct policy both = {
	.tunnel = true, .registration = true, .refused_retry = RETRY_REFUSED * SEC,
};

/* The WAN with its address, the remote known: everything possible. */
static struct facts ready(msec_t now)
{
	return (struct facts){
		.now = now, .wan = true, .local = true, .remote = true,
		.local_addr = addr("2001:db8:1:1::feed"),
	};
}

static void test_tunnel(void)
{
	struct sv_state st = { .tunnel = TUNNEL_WAIT_WAN, .reg = REG_IDLE };
	struct facts f = ready(1000);
	struct decision d;

	f.wan = false;
	d = decide(&f, &st, &both);
	CHECK_INT(st.tunnel, TUNNEL_WAIT_WAN);
	CHECK_INT(d.actions, 0);
	CHECK_INT(d.deadline, 0);		/* the link event wakes us */

	f.wan = true;
	f.local = false;
	d = decide(&f, &st, &both);
	CHECK_INT(st.tunnel, TUNNEL_WAIT_ADDRESS);
	CHECK_INT(d.actions, 0);
	CHECK_INT(d.deadline, 0);

	/* A named remote: resolved now, then not before resolve_at. */
	f = ready(1000);
	f.remote = false;
	d = decide(&f, &st, &both);
	CHECK_INT(st.tunnel, TUNNEL_WAIT_REMOTE);
	CHECK_INT(d.actions, ACT_RESOLVE);
	st.resolve_at = 1000 + RESOLVE_RETRY * SEC;
	d = decide(&f, &st, &both);
	CHECK_INT(d.actions, 0);
	CHECK_INT(d.deadline, 1000 + RESOLVE_RETRY * SEC);

	/* Everything there: the tunnel and, with it, the registration. */
	f = ready(1000);
	d = decide(&f, &st, &both);
	CHECK_INT(d.actions, ACT_ENSURE_TUNNEL | ACT_REGISTER);
	CHECK_INT(d.deadline, 0);

	/* The kernel refused: not again before kernel_retry_at, and no
	 * registration through a tunnel that is not there. */
	st.tunnel = TUNNEL_ERROR;
	st.kernel_retry_at = 1000 + KERNEL_RETRY * SEC;
	d = decide(&f, &st, &both);
	CHECK_INT(d.actions, 0);
	CHECK_INT(d.deadline, 1000 + KERNEL_RETRY * SEC);
	f.now = st.kernel_retry_at;
	d = decide(&f, &st, &both);
	CHECK_INT(d.actions, ACT_ENSURE_TUNNEL | ACT_REGISTER);
}

static void test_registration(void)
{
	struct sv_state st = { .tunnel = TUNNEL_UP, .reg = REG_IDLE };
	struct facts f = ready(10 * SEC);
	struct decision d;
	msec_t delay;

	d = decide(&f, &st, &both);
	CHECK(d.actions & ACT_REGISTER);
	st.reg = REG_RUNNING;
	d = decide(&f, &st, &both);
	CHECK_INT(d.actions & ACT_REGISTER, 0);	/* one child at a time */
	CHECK_INT(d.deadline, 0);		/* its pipe wakes us */

	/* A temporary failure: retried after the backoff, not before. */
	delay = decide_registered(&st, &both, f.now, FAIL_TEMPORARY, 0);
	CHECK_INT(st.reg, REG_FAILED);
	CHECK_INT(st.fail, FAIL_TEMPORARY);
	CHECK_INT(st.failures, 1);
	CHECK_INT(delay, 4 * SEC);		/* 5 s - 20%, random 0 */
	d = decide(&f, &st, &both);
	CHECK_INT(d.actions, ACT_ENSURE_TUNNEL);
	CHECK_INT(d.deadline, f.now + delay);
	f.now += delay;
	d = decide(&f, &st, &both);
	CHECK(d.actions & ACT_REGISTER);

	/* Audit finding 1: a retry is due, but the WAN has gone (or its
	 * address).  Nothing to do, so no deadline: before the fix poll()
	 * got timeout 0 for the whole backoff. */
	f.now += 60 * SEC;
	f.wan = false;
	d = decide(&f, &st, &both);
	CHECK_INT(d.actions, 0);
	CHECK_INT(d.deadline, 0);
	f.wan = true;
	f.local = false;
	d = decide(&f, &st, &both);
	CHECK_INT(d.actions, 0);
	CHECK_INT(d.deadline, 0);

	/* A prefix change: the new address at once, the backoff forgotten. */
	f = ready(f.now);
	f.local_addr = addr("2001:db8:2:2::feed");
	st.next_attempt = f.now + 500 * SEC;
	d = decide(&f, &st, &both);
	CHECK(d.actions & ACT_REGISTER);
	CHECK_INT(st.failures, 0);

	/* Success: no deadline without a re-registration interval. */
	st.reg = REG_RUNNING;
	CHECK_INT(decide_registered(&st, &both, f.now, FAIL_NONE, 0), 0);
	CHECK_INT(st.reg, REG_OK);
	d = decide(&f, &st, &both);
	CHECK_INT(d.actions, ACT_ENSURE_TUNNEL);
	CHECK_INT(d.deadline, 0);

	/* With transix-reregister-interval: due interval after the success. */
	struct policy rereg = both;
	rereg.reregister = 1800 * SEC;
	msec_t ok_at = f.now;
	d = decide(&f, &st, &rereg);
	CHECK_INT(d.deadline, ok_at + 1800 * SEC);
	f.now = ok_at + 1800 * SEC;
	d = decide(&f, &st, &rereg);
	CHECK(d.actions & ACT_REGISTER);
	/* ... a failing re-registration with the WAN gone: no busy loop. */
	st.reg = REG_RUNNING;
	decide_registered(&st, &rereg, f.now, FAIL_TEMPORARY, 0);
	f.now += 3600 * SEC;
	f.local = false;
	d = decide(&f, &st, &rereg);
	CHECK_INT(d.deadline, 0);

	/* Registration only, no tunnel: the address is enough. */
	struct policy reg_only = { .registration = true, .refused_retry = 3600 * SEC };
	struct sv_state st2 = { .reg = REG_IDLE };
	f = ready(5);
	f.remote = false;
	d = decide(&f, &st2, &reg_only);
	CHECK_INT(d.actions, ACT_REGISTER);
	CHECK_INT(st2.tunnel, TUNNEL_DISABLED);
}

static void test_classes(void)
{
	struct sv_state st = { .tunnel = TUNNEL_UP, .reg = REG_RUNNING };
	struct policy knob = both;

	CHECK_INT(fail_class_of_exit(REGISTER_OK), FAIL_NONE);
	CHECK_INT(fail_class_of_exit(REGISTER_REFUSED), FAIL_REFUSED);
	CHECK_INT(fail_class_of_exit(REGISTER_LOCAL), FAIL_LOCAL);
	CHECK_INT(fail_class_of_exit(REGISTER_TEMPFAIL), FAIL_TEMPORARY);
	CHECK_INT(fail_class_of_exit(127), FAIL_TEMPORARY);
	CHECK_STR(fail_class_name(FAIL_REFUSED), "refused");
	CHECK_STR(fail_class_name(FAIL_TEMPORARY), "temporary");
	CHECK_STR(fail_class_name(FAIL_LOCAL), "local");
	CHECK_STR(reg_state_name(REG_FAILED), "failed");
	CHECK_STR(tunnel_state_name(TUNNEL_WAIT_REMOTE), "waiting");

	/* Refused and local: REFUSED_FAST tries by the backoff (a provider's
	 * records may lag), then the slow policy (one hour, or the knob). */
	for (long n = 1; n <= REFUSED_FAST; n++) {
		st.reg = REG_RUNNING;
		CHECK_INT(decide_registered(&st, &both, 0, FAIL_REFUSED, 0),
			  (RETRY_FIRST * SEC << (n - 1)) * 4 / 5);
	}
	st.reg = REG_RUNNING;
	CHECK_INT(decide_registered(&st, &both, 0, FAIL_REFUSED, 0), 3600 * SEC * 4 / 5);
	CHECK_INT(st.fail, FAIL_REFUSED);
	CHECK_INT(st.reg, REG_FAILED);
	knob.refused_retry = 10 * SEC;
	st.reg = REG_RUNNING;
	CHECK_INT(decide_registered(&st, &knob, 0, FAIL_LOCAL, 0), 8 * SEC);
	CHECK_INT(st.fail, FAIL_LOCAL);
	CHECK_INT(st.failures, REFUSED_FAST + 2);
	CHECK_INT(st.streak, 1);		/* a new class: logged again */
	st.reg = REG_RUNNING;
	decide_registered(&st, &knob, 0, FAIL_LOCAL, 0);
	CHECK_INT(st.streak, 2);		/* the same class: not logged */
}

static void test_backoff(void)
{
	/* Nominal 5, 10, 20, ... capped at 600 s; +-20% jitter, inclusive. */
	static const msec_t nominal[] = { 5, 10, 20, 40, 80, 160, 320, 600, 600, 600 };

	for (long n = 1; n <= 10; n++) {
		msec_t nom = nominal[n - 1] * SEC, lo = nom - nom / 5, hi = nom + nom / 5;

		CHECK_INT(retry_delay(FAIL_TEMPORARY, n, 0, 0), lo);
		CHECK_INT(retry_delay(FAIL_TEMPORARY, n, 0, (unsigned int)(2 * nom / 5)), hi);
		CHECK_INT(retry_delay(FAIL_TEMPORARY, n, 0, (unsigned int)(2 * nom / 5 + 1)), lo);
		for (unsigned int r = 0; r < 2000000; r += 7919) {
			msec_t d = retry_delay(FAIL_TEMPORARY, n, 0, r);

			if (d < lo || d > hi) {
				CHECK(d >= lo && d <= hi);
				break;
			}
		}
	}
	CHECK_INT(retry_delay(FAIL_TEMPORARY, 1000000, 0, 0), 480 * SEC);
}

/* Every combination of facts and states: a deadline is in the future. */
static void test_no_due_deadline(void)
{
	static const enum reg_state regs[] = { REG_IDLE, REG_RUNNING, REG_OK, REG_FAILED };
	static const enum tunnel_state tuns[] = { TUNNEL_WAIT_WAN, TUNNEL_ERROR, TUNNEL_UP };
	struct policy rereg = both;
	int bad = 0, cases = 0;

	rereg.reregister = 30 * SEC;
	for (int bits = 0; bits < 8; bits++)
		for (size_t r = 0; r < 4; r++)
			for (size_t t = 0; t < 3; t++)
				for (msec_t at = 0; at <= 100 * SEC; at += 25 * SEC) {
					struct facts f = ready(50 * SEC);
					struct sv_state st = {
						.tunnel = tuns[t], .reg = regs[r],
						.next_attempt = at, .kernel_retry_at = at,
						.resolve_at = at, .last_success = at,
						.have_registered = true, .have_target = true,
						.registered = f.local_addr, .target = f.local_addr,
					};
					struct decision d;

					f.wan = bits & 1;
					f.local = bits & 2;
					f.remote = bits & 4;
					f.remote_is_name = bits & 4;
					st.reresolve_at = at;
					d = decide(&f, &st, &rereg);
					cases++;
					if (d.deadline && d.deadline <= f.now)
						bad++;
				}
	CHECK_INT(bad, 0);
	CHECK(cases == 480);
}

/* A named AFTR: looked up again on WAN up, prefix change, failed
 * registration, and RERESOLVE after the last lookup. */
static void test_reresolve(void)
{
	struct sv_state st = { .tunnel = TUNNEL_UP, .reg = REG_OK };
	struct facts f = ready(1000);
	struct decision d;

	f.remote_is_name = true;
	d = decide(&f, &st, &both);		/* first pass: the WAN is new */
	CHECK(d.actions & ACT_RESOLVE);
	st.reresolve_at = f.now + RERESOLVE * SEC;	/* what the lookup sets */
	d = decide(&f, &st, &both);
	CHECK_INT(d.actions & ACT_RESOLVE, 0);
	CHECK_INT(d.deadline, f.now + RERESOLVE * SEC);
	f.now += RERESOLVE * SEC;
	d = decide(&f, &st, &both);
	CHECK(d.actions & ACT_RESOLVE);		/* its time is up */
	st.reresolve_at = f.now + RERESOLVE * SEC;

	f.local_addr = ready(0).local_addr;
	f.local_addr.s6_addr[7] = 9;		/* a prefix change */
	d = decide(&f, &st, &both);
	CHECK(d.actions & ACT_RESOLVE);
	st.reresolve_at = f.now + RERESOLVE * SEC;

	f.wan = false;				/* the WAN goes and comes back */
	decide(&f, &st, &both);
	f.wan = true;
	d = decide(&f, &st, &both);
	CHECK(d.actions & ACT_RESOLVE);
	st.reresolve_at = f.now + RERESOLVE * SEC;

	st.reg = REG_RUNNING;			/* a failed registration */
	decide_registered(&st, &both, f.now, FAIL_TEMPORARY, 0);
	d = decide(&f, &st, &both);
	CHECK(d.actions & ACT_RESOLVE);

	/* A literal remote: never. */
	f.remote_is_name = false;
	d = decide(&f, &st, &both);
	CHECK_INT(d.actions & ACT_RESOLVE, 0);
}

/* The TTL: a name is looked up again when its answer expires, kept within
 * [RERESOLVE_MIN, RERESOLVE]; no TTL told (an /etc/hosts entry) = the cap.
 * And the deadline it sets is the one decide() names (idle until then). */
static void test_ttl(void)
{
	static const struct { unsigned int ttl; msec_t want; } rows[] = {
		{ 0, RERESOLVE * SEC },		/* none told */
		{ 1, RERESOLVE_MIN * SEC },	/* too eager: the floor */
		{ RERESOLVE_MIN - 1, RERESOLVE_MIN * SEC },
		{ RERESOLVE_MIN, RERESOLVE_MIN * SEC },
		{ 300, 300 * SEC },		/* as told */
		{ RERESOLVE, RERESOLVE * SEC },
		{ RERESOLVE + 1, RERESOLVE * SEC },	/* the cap */
		{ 86400 * 7, RERESOLVE * SEC },
	};
	struct sv_state st = { .tunnel = TUNNEL_UP, .reg = REG_OK };
	struct facts f = ready(1000);
	struct decision d;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CHECK_INT(reresolve_delay(rows[i].ttl), rows[i].want);

	f.remote_is_name = true;
	decide(&f, &st, &both);			/* the WAN is new: looked up */
	st.reresolve_at = f.now + reresolve_delay(300);
	d = decide(&f, &st, &both);
	CHECK_INT(d.actions & ACT_RESOLVE, 0);
	CHECK_INT(d.deadline, f.now + 300 * SEC);	/* the only thing due */
	f.now += 300 * SEC - 1;
	d = decide(&f, &st, &both);
	CHECK_INT(d.actions & ACT_RESOLVE, 0);
	f.now += 1;
	d = decide(&f, &st, &both);
	CHECK(d.actions & ACT_RESOLVE);		/* the TTL ran out */
}

/* Issue 14: the provisioning state and the spec's timing. */
static const struct policy prov = {
	.provision = true, .refused_retry = RETRY_REFUSED * SEC, .prov_ttl_min = PROV_TTL_MIN * SEC,
};

static void test_provision(void)
{
	struct sv_state st = { 0 };
	struct facts f = ready(10 * SEC);
	struct decision d;
	msec_t delay;

	/* No address yet: waiting, nothing to do, no deadline (the address
	 * event wakes us). */
	f.local = false;
	d = decide(&f, &st, &prov);
	CHECK_INT(st.prov, PROV_WAIT_ADDRESS);
	CHECK_INT(d.actions, 0);
	CHECK_INT(d.deadline, 0);
	CHECK_INT(st.tunnel, TUNNEL_DISABLED);	/* no answer, no tunnel */

	/* The address: fetch at once, one child at a time. */
	f = ready(10 * SEC);
	f.local_addr = addr("2001:db8:1:1:a8bb:ccff:fedd:eeff");	/* before the token */
	d = decide(&f, &st, &prov);
	CHECK_INT(d.actions, ACT_PROVISION);
	st.prov = PROV_RUNNING;
	d = decide(&f, &st, &prov);
	CHECK_INT(d.actions, 0);
	CHECK_INT(d.deadline, 0);

	/* An answer with ttl 3600: fetched again exactly then. */
	delay = decide_provisioned(&st, &prov, f.now, PCLASS_NONE, 3600, 12345);
	CHECK_INT(delay, 3600 * SEC);
	CHECK_INT(st.prov, PROV_OK);
	CHECK_INT(st.prov_expires, f.now + 3600 * SEC);
	d = decide(&f, &st, &prov);
	CHECK_INT(d.actions, 0);
	CHECK_INT(d.deadline, f.now + 3600 * SEC);

	/* The token the answer sets changes the address, not the /64: no
	 * new fetch (else: a fetch loop). */
	f.local_addr = addr("2001:db8:1:1::feed");
	d = decide(&f, &st, &prov);
	CHECK_INT(d.actions, 0);
	CHECK_INT(d.deadline, f.now + 3600 * SEC);

	/* The address gone: the kept answer stays, no deadline. */
	f.local = false;
	d = decide(&f, &st, &prov);
	CHECK_INT(st.prov, PROV_OK);
	CHECK_INT(d.actions, 0);
	CHECK_INT(d.deadline, 0);
	f.local = true;

	/* TTL expiry: exactly one fetch (RUNNING holds the next). */
	f.now += 3600 * SEC - 1;
	CHECK_INT(decide(&f, &st, &prov).actions, 0);
	f.now += 1;
	CHECK_INT(decide(&f, &st, &prov).actions, ACT_PROVISION);
	st.prov = PROV_RUNNING;
	CHECK_INT(decide(&f, &st, &prov).actions, 0);

	/* It fails temporarily: 10-30 min, the answer kept. */
	delay = decide_provisioned(&st, &prov, f.now, PCLASS_TEMPORARY, 0, 0);
	CHECK_INT(delay, PROV_TEMP_MIN * SEC);
	CHECK_INT(st.prov, PROV_FAILED);
	CHECK_INT(st.prov_failures, 1);
	d = decide(&f, &st, &prov);
	CHECK_INT(d.actions, 0);
	CHECK_INT(d.deadline, f.now + delay);

	/* A prefix change: at once, the backoff forgotten. */
	f.local_addr = addr("2001:db8:2:2::feed");
	d = decide(&f, &st, &prov);
	CHECK_INT(d.actions, ACT_PROVISION);
	CHECK_INT(st.prov_failures, 0);
	st.prov = PROV_RUNNING;
	decide_provisioned(&st, &prov, f.now, PCLASS_NONE, 0, 0);
	/* ... once: the same prefix again is no news. */
	d = decide(&f, &st, &prov);
	CHECK_INT(d.actions, 0);
	CHECK_INT(d.deadline, f.now + PROV_TTL_NONE_MIN * SEC);	/* no ttl: 20-24 h */

	/* A prefix change while a fetch runs: fetched again after it. */
	st.prov = PROV_RUNNING;
	f.local_addr = addr("2001:db8:3:3::feed");
	CHECK_INT(decide(&f, &st, &prov).actions, 0);
	decide_provisioned(&st, &prov, f.now, PCLASS_NONE, 3600, 0);
	CHECK_INT(decide(&f, &st, &prov).actions, ACT_PROVISION);

	/* Provisioning and the tunnel it configured, side by side. */
	struct policy both_prov = prov;
	both_prov.tunnel = true;
	st.prov = PROV_OK;
	st.prov_next = f.now + 10 * SEC;
	d = decide(&f, &st, &both_prov);
	CHECK_INT(d.actions, ACT_ENSURE_TUNNEL);
	CHECK_INT(d.deadline, f.now + 10 * SEC);
}

static void test_provision_timing(void)
{
	struct policy knob = prov;

	/* The spec's ranges, at both ends of the random number. */
	CHECK_INT(prov_delay(PCLASS_NO_TXT, 0, &prov, 0), 3600 * SEC);
	CHECK_INT(prov_delay(PCLASS_NO_TXT, 0, &prov, 2 * 3600 * SEC), 3 * 3600 * SEC);
	CHECK_INT(prov_delay(PCLASS_DNS, 0, &prov, 0), 60 * SEC);
	CHECK_INT(prov_delay(PCLASS_DNS, 0, &prov, 540 * SEC), 600 * SEC);
	CHECK_INT(prov_delay(PCLASS_TEMPORARY, 0, &prov, 0), 600 * SEC);
	CHECK_INT(prov_delay(PCLASS_TEMPORARY, 0, &prov, 1200 * SEC), 1800 * SEC);
	CHECK_INT(prov_delay(PCLASS_NONE, 0, &prov, 0), 20 * 3600 * SEC);
	CHECK_INT(prov_delay(PCLASS_NONE, 0, &prov, 4 * 3600 * SEC), 24 * 3600 * SEC);
	for (unsigned int r = 0; r < 4000000000u; r += 99991) {
		msec_t d = prov_delay(PCLASS_TEMPORARY, 0, &prov, r);

		if (d < 600 * SEC || d > 1800 * SEC) {
			CHECK(!"temporary delay out of 10-30 min");
			break;
		}
	}
	/* Refused: the slow policy (an hour +-20%), not a fast retry. */
	CHECK_INT(prov_delay(PCLASS_REFUSED, 0, &prov, 0), 2880 * SEC);
	CHECK_INT(prov_delay(PCLASS_LOCAL, 0, &prov, 0), 2880 * SEC);
	/* The TTL: as answered, capped at the spec's week, floored at ours. */
	CHECK_INT(prov_delay(PCLASS_NONE, 86400, &prov, 7), 86400 * SEC);
	CHECK_INT(prov_delay(PCLASS_NONE, 604801, &prov, 7), 604800 * SEC);
	CHECK_INT(prov_delay(PCLASS_NONE, 1, &prov, 7), PROV_TTL_MIN * SEC);
	knob.prov_ttl_min = 2 * SEC;	/* the test knob */
	CHECK_INT(prov_delay(PCLASS_NONE, 5, &knob, 7), 5 * SEC);
	CHECK_INT(prov_delay(PCLASS_NONE, 1, &knob, 7), 2 * SEC);

	/* Exit statuses (contract.md) -> classes. */
	CHECK_INT(provision_class_of_exit(0), PCLASS_NONE);
	CHECK_INT(provision_class_of_exit(1), PCLASS_REFUSED);
	CHECK_INT(provision_class_of_exit(2), PCLASS_NO_TXT);
	CHECK_INT(provision_class_of_exit(3), PCLASS_DNS);
	CHECK_INT(provision_class_of_exit(100), PCLASS_LOCAL);
	CHECK_INT(provision_class_of_exit(111), PCLASS_TEMPORARY);
	CHECK_INT(provision_class_of_exit(137), PCLASS_TEMPORARY);
	CHECK_INT(provision_class_of_exit(-1), PCLASS_TEMPORARY);
	CHECK_STR(prov_class_name(PCLASS_NO_TXT), "no-txt");
	CHECK_STR(prov_state_name(PROV_RUNNING), "running");
}

/* Every provisioning state, fact and timer: a deadline is in the future. */
static void test_provision_no_due_deadline(void)
{
	static const enum prov_state states[] = {
		PROV_WAIT_ADDRESS, PROV_RUNNING, PROV_OK, PROV_FAILED,
	};
	int bad = 0;

	for (int bits = 0; bits < 8; bits++)
		for (size_t i = 0; i < 4; i++)
			for (msec_t at = 0; at <= 100 * SEC; at += 25 * SEC) {
				struct facts f = ready(50 * SEC);
				struct sv_state st = { .prov = states[i], .prov_next = at,
						       .have_prov_prefix = bits & 4 };
				struct decision d;

				memcpy(st.prov_prefix, f.local_addr.s6_addr, 8);
				f.wan = bits & 1;
				f.local = bits & 2;
				d = decide(&f, &st, &prov);
				if (d.deadline && d.deadline <= f.now)
					bad++;
			}
	CHECK_INT(bad, 0);
}

int main(void)
{
	test_provision();
	test_provision_timing();
	test_provision_no_due_deadline();
	test_ttl();
	test_reresolve();
	test_tunnel();
	test_registration();
	test_classes();
	test_backoff();
	test_no_due_deadline();
	return unit_done("test-decide");
}
