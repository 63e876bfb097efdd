// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rtnetlink answers and events as raw bytes, through nl_run() -- the same
 * walk, ACK/error/DONE handling and message callbacks the programs use on
 * what the kernel sends (nl.c, link.c, addr.c, route.c, token.c), and the
 * pure choices made from the result (tunnel_matches, addr6_pick_local).
 * Input: one selector byte, then the message stream.  The stream is copied
 * to a block of its exact size, so that any read past it is a finding.
 */
#include "fuzz.h"
#include "nl.h"
#include "rtnl-parse.h"

#include "config.h"

#include <errno.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nl nl = { 0 };
	struct link_info li;
	struct addr6 list[MAX_ADDR6];
	struct addr6_dump d6 = { .ifindex = 2, .list = list, .max = MAX_ADDR6 };
	struct addr4_dump d4 = { .ifindex = 2 };
	struct default_dump dr = { .ifindex = 2 };
	struct in6_addr token, iid = { .s6_addr = { [14] = 0xfe, [15] = 0xed } }, out;
	struct token_dump dt = { .ifindex = 2, .token = &token };
	struct tunnel_params p = { .name = "tx-wan0", .link = 2, .encaplimit = ENCAPLIMIT_NONE,
				   .mtu = 1460 };
	unsigned int seq;
	void *buf;
	int ret;

	if (size < 1)
		return 0;
	/* Requests carry a sequence number; events have none (0: any). */
	seq = data[0] & 0x80 ? 0 : 77;
	buf = malloc(size - 1 ? size - 1 : 1);
	if (!buf)
		abort();
	memcpy(buf, data + 1, size - 1);
	switch (data[0] & 0x7) {
	case 0:
		memset(&li, 0, sizeof(li));
		ret = nl_run(&nl, buf, size - 1, seq, rtnl_link_cb, &li);
		FUZZ_ASSERT(li.name[sizeof(li.name) - 1] == '\0');
		FUZZ_ASSERT(li.kind[sizeof(li.kind) - 1] == '\0');
		tunnel_matches(&li, &p);
		break;
	case 1:
		ret = nl_run(&nl, buf, size - 1, seq, rtnl_addr6_cb, &d6);
		FUZZ_ASSERT(d6.n >= 0 && d6.n <= d6.max);
		addr6_pick_local(list, d6.n, &iid, &out);
		addr6_pick_local(list, d6.n, NULL, &out);
		addr6_usable(list, d6.n, &iid);
		break;
	case 2:
		ret = nl_run(&nl, buf, size - 1, seq, rtnl_addr4_cb, &d4);
		FUZZ_ASSERT(d4.n >= 0 && d4.n <= 16);
		break;
	case 3:
		ret = nl_run(&nl, buf, size - 1, seq, rtnl_route4_default_cb, &dr);
		break;
	case 4:
		ret = nl_run(&nl, buf, size - 1, seq, rtnl_token_cb, &dt);
		break;
	default:
		/* No data callback: only the control messages matter. */
		ret = nl_run(&nl, buf, size - 1, seq, NULL, NULL);
		break;
	}
	/* 1 more, 0 done, or an errno: never a positive errno as "success". */
	FUZZ_ASSERT(ret == 0 || ret == 1 || (ret < 0 && ret > -4096));
	FUZZ_ASSERT(memchr(nl.errmsg, '\0', sizeof(nl.errmsg)) != NULL);
	if (ret < 0)
		nl_strerror(&nl, ret);
	free(buf);
	return 0;
}
