// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * provision_apply(): a provisioning answer -> the stanza's server-given
 * fields.  ipip: token from ipv6_local's interface ID, remote, address or
 * block; dslite: AFTR literal or name, 192.0.0.2; an unchanged answer
 * reports no change; an unusable one leaves the config as it was.
 */
#include "options.h"
#include "provision.h"
#include "unit.h"

#include <arpa/inet.h>
#include <errno.h>

static const struct opt minimal[] = {
	{ "transix-provision", "yes" }, { "transix-user", "USER" },
	{ "transix-password-file", "/etc/ifupdown-transix/ens224.1000.secret" }, { NULL, NULL },
};

static struct hb46pp_params ipip_answer(const char *local, const char *remote, const char *v4,
					unsigned char plen)
{
	struct hb46pp_params p = { .method = HB46PP_IPIP, .ipip_plen = plen, .ttl = 3600 };

	inet_pton(AF_INET6, local, &p.ipip_local);
	inet_pton(AF_INET6, remote, &p.ipip_remote);
	inet_pton(AF_INET, v4, &p.ipip_ipv4);
	return p;
}

static void test_ipip(void)
{
	struct hb46pp_params p = ipip_answer("2001:db8:1:1::feed", "2001:db8:ffff::140",
					     "203.0.113.5", 32);
	struct transix_config c, before;
	char err[256], why[128], buf[128];

	CHECK_INT(parse(&c, minimal, err, sizeof(err)), 1);
	CHECK_INT(provision_apply(&c, &p, why, sizeof(why)), 1);
	CHECK(c.has_tunnel && c.has_iid && c.has_address && !c.remote_is_name && !c.has_local);
	CHECK(!c.has_registration);	/* still: the credentials went to the server */
	CHECK_STR(inet_ntop(AF_INET6, &c.iid, buf, sizeof(buf)), "::feed");
	CHECK_STR(inet_ntop(AF_INET6, &c.remote, buf, sizeof(buf)), "2001:db8:ffff::140");
	CHECK_STR(inet_ntop(AF_INET, &c.address, buf, sizeof(buf)), "203.0.113.5");
	CHECK_INT(c.address_plen, 32);
	CHECK_STR(c.service->name, "transix");
	CHECK_STR(c.tunnel_name, "tx-ens224.1000");	/* the stanza's */

	/* The same answer again (a refetch, a new token, another fetch
	 * time): nothing to change. */
	p.ttl = 7200;
	p.fetched = 12345;
	snprintf(p.token, sizeof(p.token), "abc");
	before = c;
	CHECK_INT(provision_apply(&c, &p, why, sizeof(why)), 0);
	CHECK(!memcmp(&before, &c, sizeof(c)));
	/* A kept answer from another prefix: only the interface ID counts. */
	inet_pton(AF_INET6, "2001:db8:9:9::feed", &p.ipip_local);
	CHECK_INT(provision_apply(&c, &p, why, sizeof(why)), 0);

	/* Each parameter changed is a change. */
	p = ipip_answer("2001:db8:1:1::beef", "2001:db8:ffff::140", "203.0.113.5", 32);
	CHECK_INT(provision_apply(&c, &p, why, sizeof(why)), 1);
	CHECK_STR(inet_ntop(AF_INET6, &c.iid, buf, sizeof(buf)), "::beef");
	p = ipip_answer("2001:db8:1:1::beef", "2001:db8:ffff::141", "203.0.113.5", 32);
	CHECK_INT(provision_apply(&c, &p, why, sizeof(why)), 1);
	p = ipip_answer("2001:db8:1:1::beef", "2001:db8:ffff::141", "203.0.113.6", 32);
	CHECK_INT(provision_apply(&c, &p, why, sizeof(why)), 1);
	CHECK_STR(inet_ntop(AF_INET, &c.address, buf, sizeof(buf)), "203.0.113.6");

	/* Unusable: cfg untouched, a reason. */
	before = c;
	p = ipip_answer("2001:db8:1:1::", "2001:db8:ffff::141", "203.0.113.6", 32);
	CHECK_INT(provision_apply(&c, &p, why, sizeof(why)), -EINVAL);
	CHECK_STR(why, "ipv6_local has a zero interface ID");
	p = ipip_answer("2001:db8:1:1::feed", "fe80::1", "203.0.113.6", 32);
	CHECK_INT(provision_apply(&c, &p, why, sizeof(why)), -EINVAL);
	p = ipip_answer("2001:db8:1:1::feed", "2001:db8:ffff::141", "203.0.113.6", 0);
	CHECK_INT(provision_apply(&c, &p, why, sizeof(why)), -EINVAL);
	p.method = HB46PP_NONE;
	CHECK_INT(provision_apply(&c, &p, why, sizeof(why)), -EINVAL);
	CHECK(!memcmp(&before, &c, sizeof(c)));
}

static void test_block(void)
{
	const struct opt with_lan[] = {
		{ "transix-provision", "yes" }, { "tunnel-block-lan", "lan0" }, { NULL, NULL },
	};
	const struct opt no_lan[] = { { "transix-provision", "yes" }, { NULL, NULL } };
	struct hb46pp_params p = ipip_answer("2001:db8:1:1:0:cb:71:800", "2001:db8:ffff::140",
					     "203.0.113.8", 29);
	struct transix_config c;
	char err[256], why[128], buf[128];

	CHECK_INT(parse(&c, with_lan, err, sizeof(err)), 1);
	CHECK_INT(provision_apply(&c, &p, why, sizeof(why)), 1);
	CHECK(c.has_block);
	CHECK_STR(inet_ntop(AF_INET, &c.block, buf, sizeof(buf)), "203.0.113.8");
	CHECK_INT(c.block_plen, 29);
	CHECK_STR(inet_ntop(AF_INET, &c.address, buf, sizeof(buf)), "203.0.113.9");
	CHECK_INT(c.address_plen, 32);
	/* Back to one address: the block goes. */
	p.ipip_plen = 32;
	CHECK_INT(provision_apply(&c, &p, why, sizeof(why)), 1);
	CHECK(!c.has_block);

	CHECK_INT(parse(&c, no_lan, err, sizeof(err)), 1);
	p.ipip_plen = 29;
	CHECK_INT(provision_apply(&c, &p, why, sizeof(why)), 1);
	CHECK(!c.has_block);
	CHECK_STR(inet_ntop(AF_INET, &c.address, buf, sizeof(buf)), "203.0.113.9");
	p.ipip_plen = 16;
	CHECK_INT(provision_apply(&c, &p, why, sizeof(why)), -EINVAL);
}

static void test_dslite(void)
{
	struct hb46pp_params p = { .method = HB46PP_DSLITE };
	struct transix_config c;
	char err[256], why[128], buf[128];

	CHECK_INT(parse(&c, minimal, err, sizeof(err)), 1);
	snprintf(p.aftr, sizeof(p.aftr), "gw.transix.jp");
	CHECK_INT(provision_apply(&c, &p, why, sizeof(why)), 1);
	CHECK(c.has_tunnel && c.remote_is_name && !c.has_iid);
	CHECK_STR(c.remote_name, "gw.transix.jp");
	CHECK_STR(inet_ntop(AF_INET, &c.address, buf, sizeof(buf)), "192.0.0.2");
	CHECK_STR(c.service->name, "dslite");
	CHECK_INT(provision_apply(&c, &p, why, sizeof(why)), 0);

	snprintf(p.aftr, sizeof(p.aftr), "2001:db8:ffff::100");
	CHECK_INT(provision_apply(&c, &p, why, sizeof(why)), 1);
	CHECK(!c.remote_is_name && !c.remote_name[0]);
	CHECK_STR(inet_ntop(AF_INET6, &c.remote, buf, sizeof(buf)), "2001:db8:ffff::100");

	/* ipip after dslite: every field the other method set is replaced. */
	struct hb46pp_params q = ipip_answer("2001:db8:1:1::feed", "2001:db8:ffff::140",
					     "203.0.113.5", 32);
	CHECK_INT(provision_apply(&c, &q, why, sizeof(why)), 1);
	CHECK_STR(c.service->name, "transix");
	CHECK(c.has_iid);

	snprintf(p.aftr, sizeof(p.aftr), "-bad-.example");
	CHECK_INT(provision_apply(&c, &p, why, sizeof(why)), -EINVAL);
	snprintf(p.aftr, sizeof(p.aftr), "ff02::1");
	CHECK_INT(provision_apply(&c, &p, why, sizeof(why)), -EINVAL);

	provision_summary(&p, buf, sizeof(buf));
	CHECK_STR(buf, "dslite to ff02::1");
	provision_summary(&q, buf, sizeof(buf));
	CHECK_STR(buf, "ipip 203.0.113.5/32 from 2001:db8:1:1::feed to 2001:db8:ffff::140");
}

int main(void)
{
	test_ipip();
	test_block();
	test_dslite();
	return unit_done("test-provision");
}
