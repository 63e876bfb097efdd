// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * aftr.c: the choice after a probe round (stay while the one in use
 * answers or when nobody does; else the first that answered), the backoff
 * of silent rounds, and one real round on the host's loopback: ::1
 * answers echo, a documentation address never does.  The clock is ours
 * (tick() takes the time), so the round costs no real seconds.
 */
#include "aftr.h"
#include "unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void test_choose(void)
{
	const bool none[3] = { false, false, false };
	const bool second[3] = { false, true, false };
	const bool all[3] = { true, true, true };
	const bool third_first[3] = { false, false, true };

	CHECK_INT(aftr_choose(3, 0, none), 0);		/* nobody: stay */
	CHECK_INT(aftr_choose(3, -1, none), -1);
	CHECK_INT(aftr_choose(3, 0, second), 1);	/* silent: move */
	CHECK_INT(aftr_choose(3, 2, all), 2);		/* answers: stay (no hop) */
	CHECK_INT(aftr_choose(3, 1, third_first), 2);
	CHECK_INT(aftr_choose(3, -1, second), 1);
	CHECK_INT(aftr_choose(3, 1, second), 1);
}

static void test_delay(void)
{
	CHECK_INT(aftr_probe_delay(1), PROBE_AGAIN * SEC);
	CHECK_INT(aftr_probe_delay(2), 2 * PROBE_AGAIN * SEC);
	CHECK_INT(aftr_probe_delay(3), 4 * PROBE_AGAIN * SEC);
	CHECK_INT(aftr_probe_delay(7), PROBE_CAP * SEC);
	CHECK_INT(aftr_probe_delay(1000), PROBE_CAP * SEC);
}

/* Replies for up to ms milliseconds, without waiting once one came. */
static void wait_reply(struct aftr_probe *p, int ms)
{
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };

	if (p->fd >= 0 && poll(&pfd, 1, ms) > 0)
		aftr_probe_read(p);
}

static void test_round(void)
{
	struct in6_addr lo = IN6ADDR_LOOPBACK_INIT, cand[2];
	struct aftr_probe p;
	msec_t t = 1000;
	int ret;

	inet_pton(AF_INET6, "2001:db8::dead", &cand[0]);
	cand[1] = lo;
	aftr_probe_init(&p);
	CHECK_INT(aftr_probe_tick(&p, 0, t), 1);	/* no round: over */
	ret = aftr_probe_start(&p, &lo, cand, 2, 0x1234, t);
	if (ret == -EPERM || ret == -EACCES) {
		printf("test-aftr: no raw socket here (%s): the real round not run\n",
		       strerror(-ret));
		return;
	}
	CHECK_INT(ret, 0);
	CHECK(p.fd >= 0);
	/* The dead one in use: the whole round is run. */
	CHECK_INT(aftr_probe_tick(&p, 0, t), 0);
	CHECK_INT(p.tries, 1);
	CHECK_INT(p.next, t + PROBE_GAP * SEC);
	wait_reply(&p, 5000);
	CHECK_INT(p.answered[1], 1);
	CHECK_INT(p.answered[0], 0);
	CHECK_INT(aftr_probe_tick(&p, 0, t + 10), 0);	/* not yet due */
	CHECK_INT(p.tries, 1);
	for (int i = 1; i < PROBE_TRIES; i++) {
		CHECK_INT(aftr_probe_tick(&p, 0, t + i * PROBE_GAP * SEC), 0);
		wait_reply(&p, 50);
	}
	CHECK_INT(p.tries, PROBE_TRIES);
	CHECK_INT(aftr_probe_tick(&p, 0, t + PROBE_TRIES * PROBE_GAP * SEC), 1);
	CHECK_INT(p.fd, -1);
	CHECK_INT(p.answered[0], 0);
	CHECK_INT(aftr_choose(p.n, 0, p.answered), 1);

	/* ::1 in use: the round ends at its first answer. */
	ret = aftr_probe_start(&p, &lo, cand, 2, 0x4321, t);
	CHECK_INT(ret, 0);
	CHECK_INT(aftr_probe_tick(&p, 1, t), 0);
	wait_reply(&p, 5000);
	CHECK_INT(aftr_probe_tick(&p, 1, t + 1), 1);
	CHECK_INT(p.tries, 1);
	CHECK_INT(aftr_choose(p.n, 1, p.answered), 1);

	/* Another identifier's replies are not ours. */
	ret = aftr_probe_start(&p, &lo, cand, 2, 0x5555, t);
	CHECK_INT(ret, 0);
	CHECK_INT(aftr_probe_tick(&p, 1, t), 0);
	p.id = 0x5556;
	wait_reply(&p, 2000);
	CHECK_INT(p.answered[1], 0);
	aftr_probe_stop(&p);
	CHECK_INT(p.fd, -1);
}

int main(void)
{
	test_choose();
	test_delay();
	test_round();
	return unit_done("test-aftr");
}
