// SPDX-License-Identifier: GPL-2.0-or-later
/* Issue 10: tunnel-mss-clamp, tunnel-nat, tunnel-block-lan, and the nftables
 * ruleset text built from them (the kernel side is test/scenarios/6x-*). */
#include "config.h"
#include "nft.h"
#include "options.h"
#include "unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>


#define BASE \
	{ "tunnel-remote", "2001:db8:ffff::140" }, { "tunnel-address", "203.0.113.5" }

static void test_default_clamp(void)
{
	const struct opt opts[] = { BASE, { NULL, NULL } };
	struct transix_config c;
	char err[256], text[2048];

	CHECK_INT(parse(&c, opts, err, sizeof(err)), 1);
	CHECK_INT(c.mss_clamp, MSS_CLAMP_AUTO);
	CHECK(!c.nat && !c.has_block);
	CHECK(nft_wanted(&c));
	CHECK(nft_ruleset_text(&c, text, sizeof(text)) > 0);
	CHECK_STR(text,
		  "add table ip transix-ens224.1000\n"
		  "delete table ip transix-ens224.1000\n"
		  "table ip transix-ens224.1000 {\n"
		  "\tchain forward {\n"
		  "\t\ttype filter hook forward priority mangle; policy accept;\n"
		  "\t\toifname \"tx-ens224.1000\" tcp flags & (syn | rst) == syn "
		  "tcp option maxseg size set rt mtu\n"
		  "\t\tiifname \"tx-ens224.1000\" tcp flags & (syn | rst) == syn "
		  "tcp option maxseg size set 1420\n"
		  "\t}\n"
		  "}\n");
	/* Too small a buffer is an error, never a truncated ruleset. */
	CHECK_INT(nft_ruleset_text(&c, text, 40), -ENOSPC);
}

static void test_fixed_clamp_and_nat(void)
{
	const struct opt opts[] = {
		BASE, { "tunnel-mss-clamp", "1400" }, { "tunnel-nat", "yes" },
		{ "tunnel-mtu", "1454" }, { NULL, NULL },
	};
	struct transix_config c;
	char err[256], text[2048];

	CHECK_INT(parse(&c, opts, err, sizeof(err)), 1);
	CHECK_INT(c.mss_clamp, 1400);
	CHECK(c.nat);
	CHECK(nft_ruleset_text(&c, text, sizeof(text)) > 0);
	CHECK(strstr(text, "oifname \"tx-ens224.1000\" tcp flags & (syn | rst) == syn "
			   "tcp option maxseg size set 1400\n") != NULL);
	CHECK(strstr(text, "iifname \"tx-ens224.1000\" tcp flags & (syn | rst) == syn "
			   "tcp option maxseg size set 1400\n") != NULL);
	CHECK(strstr(text, "\tchain postrouting {\n"
			   "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
			   "\t\toifname \"tx-ens224.1000\" ip saddr != 203.0.113.5 "
			   "snat to 203.0.113.5\n\t}\n") != NULL);
}

static void test_off(void)
{
	const struct opt off[] = { BASE, { "tunnel-mss-clamp", "no" }, { NULL, NULL } };
	const struct opt nat_only[] = {
		BASE, { "tunnel-mss-clamp", "off" }, { "tunnel-nat", "on" }, { NULL, NULL },
	};
	struct transix_config c;
	char err[256], text[2048];

	CHECK_INT(parse(&c, off, err, sizeof(err)), 1);
	CHECK_INT(c.mss_clamp, MSS_CLAMP_OFF);
	CHECK(!nft_wanted(&c));
	CHECK_INT(parse(&c, nat_only, err, sizeof(err)), 1);
	CHECK(nft_wanted(&c));
	CHECK(nft_ruleset_text(&c, text, sizeof(text)) > 0);
	CHECK(strstr(text, "mss") == NULL);
	CHECK(strstr(text, "snat to 203.0.113.5") != NULL);
}

static void test_block(void)
{
	const struct opt opts[] = {
		{ "tunnel-remote", "2001:db8:ffff::140" }, { "tunnel-address", "203.0.113.8/29" },
		{ "tunnel-block-lan", "ens192" }, { "tunnel-nat", "yes" }, { NULL, NULL },
	};
	const struct opt no_block[] = {
		{ "tunnel-remote", "2001:db8:ffff::140" }, { "tunnel-address", "192.0.0.2/29" },
		{ NULL, NULL },
	};
	struct transix_config c;
	char err[256], text[2048], buf[INET_ADDRSTRLEN];

	CHECK_INT(parse(&c, opts, err, sizeof(err)), 1);
	CHECK_STR(err, "");
	CHECK(c.has_block);
	CHECK_STR(c.block_lan, "ens192");
	CHECK_STR(inet_ntop(AF_INET, &c.block, buf, sizeof(buf)), "203.0.113.8");
	CHECK_INT(c.block_plen, 29);
	/* The router: the block's first host address, alone on the tunnel. */
	CHECK_STR(inet_ntop(AF_INET, &c.address, buf, sizeof(buf)), "203.0.113.9");
	CHECK_INT(c.address_plen, 32);
	CHECK(nft_ruleset_text(&c, text, sizeof(text)) > 0);
	CHECK(strstr(text, "oifname \"tx-ens224.1000\" ip saddr != 203.0.113.8/29 "
			   "snat to 203.0.113.9\n") != NULL);
	/* Without tunnel-block-lan a prefix length keeps its old meaning. */
	CHECK_INT(parse(&c, no_block, err, sizeof(err)), 1);
	CHECK(!c.has_block);
	CHECK_INT(c.address_plen, 29);
}

static void expect_error(const struct opt *opts, const char *want)
{
	struct transix_config c;
	char err[256];

	CHECK_INT(parse(&c, opts, err, sizeof(err)), -EINVAL);
	if (!strstr(err, want)) {
		unit_failures++;
		fprintf(stderr, "error \"%s\" does not contain \"%s\"\n", err, want);
	}
	CHECK(strchr(err, '\n') == NULL);
	CHECK(!strncmp(err, "iface ens224.1000: option ", 26));
}

#define BAD(name_, val_, want) do { \
	const struct opt o_[] = { { name_, val_ }, BASE, { NULL, NULL } }; \
	expect_error(o_, want); \
} while (0)

static void test_bad(void)
{
	const struct opt unaligned[] = {
		{ "tunnel-remote", "2001:db8:ffff::140" }, { "tunnel-address", "203.0.113.9/29" },
		{ "tunnel-block-lan", "ens192" }, { NULL, NULL },
	};
	const struct opt too_small[] = {
		{ "tunnel-remote", "2001:db8:ffff::140" }, { "tunnel-address", "203.0.113.8" },
		{ "tunnel-block-lan", "ens192" }, { NULL, NULL },
	};
	const struct opt no_remote[] = { { "tunnel-nat", "yes" }, { NULL, NULL } };

	BAD("tunnel-mss-clamp", "20",
	    "option tunnel-mss-clamp \"20\": expected yes, no or an MSS from 536 to 1420");
	BAD("tunnel-mss-clamp", "1421", "option tunnel-mss-clamp \"1421\"");
	BAD("tunnel-mss-clamp", "maybe", "option tunnel-mss-clamp \"maybe\"");
	BAD("tunnel-mss-clamp", "1400x", "option tunnel-mss-clamp \"1400x\"");
	BAD("tunnel-nat", "sometimes", "option tunnel-nat \"sometimes\": expected yes or no");
	BAD("tunnel-block-lan", "bad/name", "option tunnel-block-lan \"bad/name\"");
	BAD("tunnel-block-lan", "tx-ens224.1000", "not the WAN or the tunnel");
	expect_error(unaligned, "option tunnel-address \"203.0.113.9/29\": not aligned: "
				"the /29 block containing it starts at 203.0.113.8");
	expect_error(too_small, "option tunnel-address \"203.0.113.8/32\": with "
				"tunnel-block-lan, a block from /24 to /30");
	expect_error(no_remote, "option tunnel-nat: needs tunnel-remote");
}

int main(void)
{
	test_default_clamp();
	test_fixed_clamp_and_nat();
	test_off();
	test_block();
	test_bad();
	return unit_done("test-nft");
}
