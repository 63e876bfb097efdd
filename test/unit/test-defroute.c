// SPDX-License-Identifier: GPL-2.0-or-later
/* The remembered default route's one line in the state file: written and
 * read back, and a tampered line refused rather than half-used. */
#include "defroute.h"
#include "unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>

int main(void)
{
	struct defroute4 r = { .has_gateway = true, .dev = "lan0", .protocol = 4 }, back;
	char buf[64];

	inet_pton(AF_INET, "198.51.100.1", &r.gateway);
	CHECK_INT(defroute4_format(&r, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "via 198.51.100.1 dev lan0 proto 4");
	CHECK_INT(defroute4_parse(buf, &back), 0);
	CHECK(back.has_gateway && back.gateway.s_addr == r.gateway.s_addr);
	CHECK_STR(back.dev, "lan0");
	CHECK_INT(back.protocol, 4);

	r.has_gateway = false;
	snprintf(r.dev, sizeof(r.dev), "ppp0");
	CHECK_INT(defroute4_format(&r, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "dev ppp0 proto 4");
	CHECK_INT(defroute4_parse(buf, &back), 0);
	CHECK(!back.has_gateway);
	CHECK_STR(back.dev, "ppp0");

	CHECK_INT(defroute4_parse("via 198.51.100.1 dev ../x proto 4", &back), -EINVAL);
	CHECK_INT(defroute4_parse("via 300.1.1.1 dev lan0 proto 4", &back), -EINVAL);
	CHECK_INT(defroute4_parse("dev lan0 proto 4 extra", &back), -EINVAL);
	CHECK_INT(defroute4_parse("dev lan0 proto 999", &back), -EINVAL);
	CHECK_INT(defroute4_parse("", &back), -EINVAL);
	CHECK_INT(defroute4_format(&r, buf, 8), -ENAMETOOLONG);
	return unit_done("test-defroute");
}
