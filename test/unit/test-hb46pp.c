// SPDX-License-Identifier: GPL-2.0-or-later
/* HB46PP's pure parts (hb46pp.c): the TXT record, the request URL and the
 * credentials rule, the answer with its limits, the kept-answer file. */
#include "hb46pp.h"
#include "url.h"
#include "unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *ip6(const struct in6_addr *a)
{
	static char buf[4][INET6_ADDRSTRLEN];
	static int i;

	i = (i + 1) % 4;
	return inet_ntop(AF_INET6, a, buf[i], sizeof(buf[i]));
}

/* ---- TXT ---- */

static int txt(const char *s, struct hb46pp_txt *t, char *why)
{
	return hb46pp_parse_txt(s, strlen(s), t, why, 128);
}

static void test_txt(void)
{
	struct hb46pp_txt t;
	char why[128];

	CHECK_INT(txt("v=v6mig-1 url=https://vne.example.jp/rule.cgi t=b", &t, why), 0);
	CHECK_STR(t.url, "https://vne.example.jp/rule.cgi");
	CHECK(t.verify);
	CHECK_INT(txt("t=a  url=http://[2001:db8::1]:8080/x?y=1 v=v6mig-1 future=1", &t, why), 0);
	CHECK_STR(t.url, "http://[2001:db8::1]:8080/x?y=1");
	CHECK(!t.verify);
	CHECK_INT(txt("v=v6mig-1 url=https://a.example/ t=a", &t, why), 0);
	CHECK(!t.verify);

	/* http MUST come with t=a */
	CHECK_INT(txt("v=v6mig-1 url=http://a.example/ t=b", &t, why), -EINVAL);
	CHECK_STR(why, "t=b with an http URL");
	CHECK_STR(t.url, "");
	CHECK_INT(txt("v=v6mig-2 url=https://a.example/ t=b", &t, why), -EINVAL);
	CHECK_STR(why, "unknown version v=v6mig-2");
	CHECK_INT(txt("v=spf1 include:x", &t, why), -EINVAL);
	CHECK_INT(txt("url=https://a.example/ t=b", &t, why), -EINVAL);
	CHECK_STR(why, "no v=v6mig-1");
	CHECK_INT(txt("v=v6mig-1 t=b", &t, why), -EINVAL);
	CHECK_STR(why, "no url=");
	CHECK_INT(txt("v=v6mig-1 url=https://a.example/", &t, why), -EINVAL);
	CHECK_STR(why, "no t=");
	CHECK_INT(txt("v=v6mig-1 url=https://a.example/ t=c", &t, why), -EINVAL);
	CHECK_INT(txt("v=v6mig-1 url=ftp://a.example/ t=a", &t, why), -EINVAL);
	CHECK_INT(txt("v=v6mig-1 url=https://192.0.2.1/ t=a", &t, why), -EINVAL);
	CHECK_INT(txt("v=v6mig-1 url=https://u:p@a.example/ t=a", &t, why), -EINVAL);
	CHECK_INT(txt("v=v6mig-1 url=https:// t=a", &t, why), -EINVAL);
	CHECK_INT(txt("v=v6mig-1 url=https://a.example:0/ t=a", &t, why), -EINVAL);
	CHECK_INT(txt("v=v6mig-1 url=https://a.example:65536/ t=a", &t, why), -EINVAL);
	CHECK_INT(txt("v=v6mig-1 url=https://[fe80::1]/ t=a", &t, why), -EINVAL);
	CHECK_INT(hb46pp_parse_txt("v=v6mig-1\0 url=https://a/ t=a", 28, &t, why, sizeof(why)),
		  -EINVAL);
	/* an escape in the record is not echoed raw */
	CHECK_INT(txt("v=v6mig-1 url=https://a\x1b[2J/ t=a", &t, why), -EINVAL);
	CHECK(!strchr(why, '\x1b'));
}

/* ---- URLs and credentials ---- */

static void test_credentials_rule(void)
{
	CHECK(hb46pp_may_send_credentials("https://prov.example/x", true, NULL));
	CHECK(hb46pp_may_send_credentials("https://prov.example/x", true, "prov.example"));
	CHECK(hb46pp_may_send_credentials("https://PROV.example:8443/x", true, "prov.EXAMPLE"));
	/* never in clear text, never unverified, never to another name */
	CHECK(!hb46pp_may_send_credentials("http://prov.example/x", false, NULL));
	CHECK(!hb46pp_may_send_credentials("http://prov.example/x", true, "prov.example"));
	CHECK(!hb46pp_may_send_credentials("https://prov.example/x", false, "prov.example"));
	CHECK(!hb46pp_may_send_credentials("https://other.example/x", true, "prov.example"));
	CHECK(!hb46pp_may_send_credentials("https://prov.example.evil/x", true, "prov.example"));
	CHECK(!hb46pp_may_send_credentials("https://[2001:db8::1]/x", true, "prov.example"));
	CHECK(!hb46pp_may_send_credentials("garbage", true, NULL));
}

static void test_build_url(void)
{
	struct hb46pp_request r = { .vendorid = "acde48-ifupdown_transix",
				    .product = "ifupdown-transix", .version = "1.2.3-1" };
	char *u;

	u = hb46pp_build_url("https://prov.example/config", &r);
	CHECK_STR(u, "https://prov.example/config?vendorid=acde48-ifupdown_transix"
		  "&product=ifupdown-transix&version=1_2_3_1&capability=dslite%2Cipip");
	url_free_secret(u);

	r.token = "640756965820d3b9";
	r.user = "user-1";
	r.pass = "p&s=s w";
	u = hb46pp_build_url("https://prov.example/c?isp=a&user=evil&p%61ss=x&token=old&%70ass", &r);
	CHECK_STR(u, "https://prov.example/c?isp=a&vendorid=acde48-ifupdown_transix"
		  "&product=ifupdown-transix&version=1_2_3_1&capability=dslite%2Cipip"
		  "&token=640756965820d3b9&user=user-1&pass=p%26s%3Ds%20w");
	url_free_secret(u);

	/* keys as the server decodes them; a '?' in a key is part of it */
	r.user = r.pass = NULL;
	r.token = NULL;
	u = hb46pp_build_url("https://a.example/?pas?pass=1&%70%61%73%73=2&passw=3&%7=4&%&x?", &r);
	CHECK_STR(u, "https://a.example/?pas?pass=1&passw=3&%7=4&%&x?&vendorid=acde48-ifupdown_transix"
		  "&product=ifupdown-transix&version=1_2_3_1&capability=dslite%2Cipip");
	url_free_secret(u);
	r.token = "640756965820d3b9";
	r.pass = "p&s=s w";

	r.user = NULL;	/* user without pass, or pass without user: refused */
	errno = 0;
	CHECK(hb46pp_build_url("https://prov.example/", &r) == NULL);
	CHECK_INT(errno, EINVAL);
	r.pass = NULL;
	r.version = "";
	u = hb46pp_build_url("http://[2001:db8::80]/", &r);
	CHECK_STR(u, "http://[2001:db8::80]/?vendorid=acde48-ifupdown_transix"
		  "&product=ifupdown-transix&version=0&capability=dslite%2Cipip"
		  "&token=640756965820d3b9");
	url_free_secret(u);
	r.vendorid = "acde4";
	CHECK(hb46pp_build_url("https://prov.example/", &r) == NULL);
	r.vendorid = "acde48-";
	CHECK(hb46pp_build_url("https://prov.example/", &r) == NULL);
	r.vendorid = "acde48-0123456789012345678901234";
	CHECK(hb46pp_build_url("https://prov.example/", &r) == NULL);
	CHECK_INT(hb46pp_check_vendorid("ACDE48"), 0);
	CHECK_INT(hb46pp_check_vendorid("acde48-a_b"), 0);
	CHECK_INT(hb46pp_check_vendorid("acdeg8"), -EINVAL);
	CHECK_INT(hb46pp_check_vendorid("acde48-a.b"), -EINVAL);
}

/* ---- the answer ---- */

static const char *PFX = "2001:db8:1:2::";	/* our /64 */

static int answer(const char *json, struct hb46pp_params *p, char *why)
{
	struct in6_addr prefix;

	inet_pton(AF_INET6, PFX, &prefix);
	return hb46pp_parse_answer(json, strlen(json), &prefix, p, why, 160);
}

#define IPIP_OK "\"ipip\":[{\"ipv6_local\":\"2001:db8:1:2::feed\"," \
		"\"ipv6_remote\":\"2001:db8:ffff::1\",\"ipv4\":\"203.0.113.5\"}]"

static void test_answer_ipip(void)
{
	struct hb46pp_params p;
	char why[160];

	CHECK_INT(answer("{\"enabler_name\":\"A VNE\",\"service_name\":\"固定IP\",\"ttl\":86400,"
			 "\"token\":\"640756965820d3b9025b6941f9590af6802830ba58663fe8f043dc92b576f17a\","
			 "\"auth\":\"ok\",\"order\":[\"map_e\",\"ipip\",\"dslite\"],"
			 "\"map_e\":{\"br\":\"2001:db8::1\"},\"dslite\":{\"aftr\":\"a.example\"},"
			 IPIP_OK ",\"unknown\":[1,2,{\"x\":null}]}\n", &p, why), 0);
	CHECK_INT(p.method, HB46PP_IPIP);
	CHECK_STR(ip6(&p.ipip_local), "2001:db8:1:2::feed");
	CHECK_STR(ip6(&p.ipip_remote), "2001:db8:ffff::1");
	CHECK_STR(inet_ntoa(p.ipip_ipv4), "203.0.113.5");
	CHECK_INT(p.ipip_plen, 32);
	CHECK_INT(p.ttl, 86400);
	CHECK_INT(p.auth, HB46PP_AUTH_OK);
	CHECK_STR(p.enabler_name, "A VNE");
	CHECK_STR(p.service_name, "固定IP");
	CHECK_STR(p.token, "640756965820d3b9025b6941f9590af6802830ba58663fe8f043dc92b576f17a");
	CHECK_STR(p.aftr, "");

	/* a block, and the entry of our prefix among others' */
	CHECK_INT(answer("{\"order\":[\"ipip\"],\"ipip\":["
			 "{\"ipv6_local\":\"2001:db8:9::1\",\"ipv6_remote\":\"2001:db8::1\","
			 "\"ipv4\":\"198.51.100.1\"},"
			 "{\"ipv6_local\":\"2001:db8:1:2::cb:71:8\",\"ipv6_remote\":\"2001:db8::1\","
			 "\"ipv4\":\"203.0.113.8/29\"}]}", &p, why), 0);
	CHECK_STR(ip6(&p.ipip_local), "2001:db8:1:2:0:cb:71:8");
	CHECK_STR(inet_ntoa(p.ipip_ipv4), "203.0.113.8");
	CHECK_INT(p.ipip_plen, 29);
	CHECK_INT(p.ttl, 0);
	CHECK_INT(p.auth, HB46PP_AUTH_NONE);
}

static void test_answer_dslite_and_none(void)
{
	struct hb46pp_params p;
	char why[160];

	/* unsupported first: the next supported one */
	CHECK_INT(answer("{\"order\":[\"464xlat\",\"map_e\",\"lw4o6\",\"dslite\",\"ipip\"],"
			 "\"dslite\":{\"aftr\":\"gw.transix.jp\"}," IPIP_OK "}", &p, why), 0);
	CHECK_INT(p.method, HB46PP_DSLITE);
	CHECK_STR(p.aftr, "gw.transix.jp");
	CHECK_INT(answer("{\"order\":[\"dslite\"],\"dslite\":{\"aftr\":\"2001:db8::a\"}}", &p,
			 why), 0);
	CHECK_STR(p.aftr, "2001:db8::a");

	/* nothing for us: -ENOENT, names and auth still read */
	CHECK_INT(answer("{\"enabler_name\":\"V\",\"auth\":\"bad\",\"order\":[]}", &p, why),
		  -ENOENT);
	CHECK_INT(p.method, HB46PP_NONE);
	CHECK_INT(p.auth, HB46PP_AUTH_BAD);
	CHECK_STR(p.enabler_name, "V");
	CHECK_STR(why, "order is empty");
	CHECK_INT(answer("{\"order\":[\"map_e\",\"map_t\"],\"auth\":\"req\"}", &p, why), -ENOENT);
	CHECK_INT(p.auth, HB46PP_AUTH_REQ);
	CHECK_STR(why, "order offers no method we support (ipip, dslite)");
}

static void test_answer_hostile(void)
{
	struct hb46pp_params p;
	char why[160], *big, *deep;
	size_t n;

#define BAD(json, reason) do { \
		CHECK_INT(answer(json, &p, why), -EINVAL); \
		CHECK_STR(why, reason); \
		CHECK_INT(p.method, HB46PP_NONE); \
		CHECK_STR(p.enabler_name, ""); \
	} while (0)
	BAD("", "JSON cut short");
	BAD("{\"order\":[]", "JSON cut short");
	BAD("[]", "the answer is not a JSON object");
	BAD("{\"order\":[],}", "not JSON: unexpected character");
	BAD("{\"order\":[]} x", "not JSON: unexpected character");
	BAD("{\"order\":[]} {}", "not JSON: unexpected character");
	BAD("{}", "no order");
	BAD("{\"order\":\"ipip\"}", "order is not an array");
	BAD("{\"order\":[1]}", "order[0] is not a string");
	BAD("{\"order\":[\"ipip\"]}", "order names ipip but there is no ipip");
	BAD("{\"order\":[\"dslite\"]}", "order names dslite but there is no dslite");
	BAD("{\"order\":[],\"ttl\":\"86400\"}", "ttl is not an integer");
	BAD("{\"order\":[],\"ttl\":86400.0}", "ttl is not an integer");
	BAD("{\"order\":[],\"ttl\":604801}", "ttl 604801 out of range 1..604800");
	BAD("{\"order\":[],\"ttl\":0}", "ttl 0 out of range 1..604800");
	BAD("{\"order\":[],\"ttl\":-1}", "ttl -1 out of range 1..604800");
	/* read before the error, handed on all the same: nothing half-read */
	BAD("{\"enabler_name\":\"V\",\"token\":\"ab\",\"order\":[],\"ttl\":0}",
	    "ttl 0 out of range 1..604800");
	CHECK_STR(p.token, "");
	BAD("{\"order\":[],\"ttl\":99999999999999999999999}",
	    "ttl 9223372036854775807 out of range 1..604800");
	BAD("{\"order\":[],\"enabler_name\":1}", "enabler_name is not a string");
	BAD("{\"order\":[],\"auth\":\"yes\"}", "auth yes is not req, bad or ok");
	BAD("{\"order\":[],\"token\":\"../../etc\"}", "token is not 1..64 letters and digits");
	BAD("{\"order\":[\"ipip\"],\"ipip\":{}}", "ipip is not an array");
	BAD("{\"order\":[\"ipip\"],\"ipip\":[]}", "ipip has 0 entries (1..16)");
	BAD("{\"order\":[\"ipip\"],\"ipip\":[{\"ipv6_local\":\"2001:db8:1:2::1\","
	    "\"ipv6_remote\":\"ff02::1\",\"ipv4\":\"203.0.113.5\"}]}",
	    "ipip: ipv6_remote ff02::1 is not a unicast IPv6 address");
	BAD("{\"order\":[\"ipip\"],\"ipip\":[{\"ipv6_local\":\"2001:db8:1:2::1\","
	    "\"ipv6_remote\":\"2001:db8::1\",\"ipv4\":\"127.0.0.1\"}]}",
	    "ipip: ipv4 127.0.0.1 is not a public IPv4 address or an aligned block /24 to /32");
	BAD("{\"order\":[\"ipip\"],\"ipip\":[{\"ipv6_local\":\"2001:db8:1:2::1\","
	    "\"ipv6_remote\":\"2001:db8::1\",\"ipv4\":\"203.0.113.9/29\"}]}",
	    "ipip: ipv4 203.0.113.9/29 is not a public IPv4 address or an aligned block /24 to /32");
	BAD("{\"order\":[\"ipip\"],\"ipip\":[{\"ipv6_local\":\"2001:db8:1:2::1\","
	    "\"ipv6_remote\":\"2001:db8::1\",\"ipv4\":\"0.0.0.0/0\"}]}",
	    "ipip: ipv4 0.0.0.0/0 is not a public IPv4 address or an aligned block /24 to /32");
	BAD("{\"order\":[\"ipip\"],\"ipip\":[{\"ipv6_local\":\"2001:db8:1:2::\","
	    "\"ipv6_remote\":\"2001:db8::1\",\"ipv4\":\"203.0.113.5\"}]}",
	    "ipip: ipv6_local has a zero interface ID");
	BAD("{\"order\":[\"ipip\"],\"ipip\":[{\"ipv6_local\":5,"
	    "\"ipv6_remote\":\"2001:db8::1\",\"ipv4\":\"203.0.113.5\"}]}",
	    "ipv6_local is not a string");
	/* addresses that are not ours: another prefix */
	BAD("{\"order\":[\"ipip\"],\"ipip\":[{\"ipv6_local\":\"2001:db8:9:9::feed\","
	    "\"ipv6_remote\":\"2001:db8::1\",\"ipv4\":\"203.0.113.5\"}]}",
	    "ipip: no ipv6_local in our prefix (of 2001:db8:1:2::/64)");
	BAD("{\"order\":[\"dslite\"],\"dslite\":{\"aftr\":\"-x.example\"}}",
	    "dslite: aftr -x.example is neither a host name nor a unicast IPv6 address");
	BAD("{\"order\":[\"dslite\"],\"dslite\":{\"aftr\":\"::1\"}}",
	    "dslite: aftr ::1 is neither a host name nor a unicast IPv6 address");
	BAD("{\"order\":[\"dslite\"],\"dslite\":{\"aftr\":\"192.0.2.1\"}}",
	    "dslite: aftr 192.0.2.1 is neither a host name nor a unicast IPv6 address");
	/* a bad method after the chosen one is not looked at */
	CHECK_INT(answer("{\"order\":[\"dslite\",\"ipip\"],\"ipip\":7,"
			 "\"dslite\":{\"aftr\":\"a.example\"}}", &p, why), 0);

	/* names: long ones refused, control bytes and bad UTF-8 made '?' */
	big = malloc(400);
	memset(big, 'x', 400);
	memcpy(big, "{\"order\":[],\"enabler_name\":\"", 28);
	strcpy(big + 28 + 255, "\"}");
	BAD(big, "enabler_name longer than 254 bytes or with a NUL byte");
	strcpy(big + 28 + 254, "\"}");
	CHECK_INT(answer(big, &p, why), -ENOENT);
	CHECK_INT(strlen(p.enabler_name), 254);
	free(big);
	CHECK_INT(answer("{\"order\":[],\"enabler_name\":\"a\\nb\\u001b[31m\xff\xc0\xaf\"}", &p,
			 why), -ENOENT);
	CHECK_STR(p.enabler_name, "a?b?[31m???");

	/* deep */
	n = 2 * 10000;
	deep = malloc(n + 1);
	memset(deep, '[', n / 2);
	memset(deep + n / 2, ']', n / 2);
	deep[n] = '\0';
	deep[0] = '{';
	CHECK_INT(answer(deep, &p, why), -EINVAL);
	deep[0] = '[';
	memcpy(deep, "{\"order\":[],\"x\":", 16);
	CHECK_INT(answer(deep, &p, why), -EINVAL);
	CHECK_STR(why, "JSON nested deeper than 16");
	/* the bound exactly: the object and 15 arrays are 16 levels */
	memcpy(deep + 16, "[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]}", 32);
	CHECK_INT(answer(deep, &p, why), -ENOENT);
	memcpy(deep + 16, "[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]}", 34);
	CHECK_INT(answer(deep, &p, why), -EINVAL);
	CHECK_STR(why, "JSON nested deeper than 16");
	free(deep);

	/* huge */
	n = HB46PP_BODY_MAX + 1;
	big = malloc(n + 1);
	memset(big, ' ', n);
	memcpy(big, "{\"order\":[]}", 12);
	big[n] = '\0';
	CHECK_INT(hb46pp_parse_answer(big, n, NULL, &p, why, sizeof(why)), -EMSGSIZE);
	CHECK_INT(hb46pp_parse_answer(big, n - 1, NULL, &p, why, sizeof(why)), -ENOENT);
	free(big);
	CHECK_INT(hb46pp_parse_answer("{\"order\":[]}\0", 13, NULL, &p, why, sizeof(why)), -EINVAL);
#undef BAD
}

static void test_same_setup(void)
{
	struct hb46pp_params a, b;
	struct in6_addr t;
	char why[160];

	CHECK_INT(answer("{\"ttl\":60,\"token\":\"x1\",\"order\":[\"ipip\"]," IPIP_OK "}", &a, why), 0);
	CHECK_INT(answer("{\"ttl\":90,\"enabler_name\":\"n\",\"order\":[\"ipip\"]," IPIP_OK "}",
			 &b, why), 0);
	CHECK(hb46pp_same_setup(&a, &b));	/* ttl, token, names: not the setup */
	hb46pp_token_of(&a, &t);
	CHECK_STR(ip6(&t), "::feed");
	b.ipip_plen = 31;
	CHECK(!hb46pp_same_setup(&a, &b));
	b = a;
	b.ipip_ipv4.s_addr ^= htonl(1);
	CHECK(!hb46pp_same_setup(&a, &b));
	b = a;
	b.ipip_local.s6_addr[15] ^= 1;
	CHECK(!hb46pp_same_setup(&a, &b));
	b = a;
	b.ipip_remote.s6_addr[15] ^= 1;
	CHECK(!hb46pp_same_setup(&a, &b));
	CHECK_INT(answer("{\"order\":[\"dslite\"],\"dslite\":{\"aftr\":\"GW.example\"}}", &b, why), 0);
	CHECK(!hb46pp_same_setup(&a, &b));
	hb46pp_token_of(&b, &t);
	CHECK_STR(ip6(&t), "::");
	CHECK_INT(answer("{\"order\":[\"dslite\"],\"dslite\":{\"aftr\":\"gw.example\"}}", &a, why), 0);
	CHECK(hb46pp_same_setup(&a, &b));
	CHECK_INT(answer("{\"order\":[\"dslite\"],\"dslite\":{\"aftr\":\"gw2.example\"}}", &a, why), 0);
	CHECK(!hb46pp_same_setup(&a, &b));
}

/* ---- the kept answer ---- */

static void test_state(void)
{
	char dir[] = "/tmp/test-hb46pp.XXXXXX", path[256], buf[1024];
	struct hb46pp_params p, q;
	struct stat sb;
	char why[160];
	int fd;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/sub/eth0.hb46pp", dir);
	CHECK_INT(hb46pp_state_read(path, &q), -ENOENT);

	CHECK_INT(answer("{\"enabler_name\":\"A VNE\",\"service_name\":\"サービス\",\"ttl\":3600,"
			 "\"token\":\"abc123\",\"auth\":\"ok\",\"order\":[\"ipip\"]," IPIP_OK "}",
			 &p, why), 0);
	p.fetched = 1700000000;
	snprintf(p.server, sizeof(p.server), "prov.example");
	umask(0);	/* the file is 0600 whatever the umask */
	CHECK_INT(hb46pp_state_write(path, &p), 0);
	umask(022);
	CHECK_INT(stat(path, &sb), 0);
	CHECK_INT(sb.st_mode & 07777, 0600);
	snprintf(buf, sizeof(buf), "%s.tmp", path);
	CHECK(access(buf, F_OK) < 0);
	CHECK_INT(hb46pp_state_read(path, &q), 0);
	CHECK(!memcmp(&p, &q, sizeof(p)));

	fd = open(path, O_RDONLY);
	memset(buf, 0, sizeof(buf));
	CHECK(read(fd, buf, sizeof(buf) - 1) > 0);
	close(fd);
	CHECK_STR(buf, "method=ipip\nipv6_local=2001:db8:1:2::feed\nipv6_remote=2001:db8:ffff::1\n"
		  "ipv4=203.0.113.5/32\nttl=3600\nauth=ok\ntoken=abc123\nenabler_name=A VNE\n"
		  "service_name=サービス\nisp_name=\nserver=prov.example\nfetched=1700000000\n");

	CHECK_INT(answer("{\"order\":[\"dslite\"],\"dslite\":{\"aftr\":\"gw.transix.jp\"}}", &p,
			 why), 0);
	CHECK_INT(hb46pp_state_write(path, &p), 0);
	CHECK_INT(hb46pp_state_read(path, &q), 0);
	CHECK(!memcmp(&p, &q, sizeof(p)));

	p.method = HB46PP_NONE;	/* only an answer with a method is kept */
	CHECK_INT(hb46pp_state_write(path, &p), -EINVAL);

	/* not a kept answer */
	fd = open(path, O_WRONLY | O_TRUNC);
	CHECK(write(fd, "method=ipip\nipv6_local=2001:db8::1\n", 35) == 35);
	close(fd);
	CHECK_INT(hb46pp_state_read(path, &q), -EINVAL);
	CHECK_INT(q.method, HB46PP_NONE);
	fd = open(path, O_WRONLY | O_TRUNC);
	CHECK(write(fd, "method=dslite\naftr=gw.transix.jp\nttl=604801\n", 44) == 44);
	close(fd);
	CHECK_INT(hb46pp_state_read(path, &q), -EINVAL);
	unlink(path);
	CHECK_INT(symlink("/etc/passwd", path), 0);
	CHECK_INT(hb46pp_state_read(path, &q), -ELOOP);
	unlink(path);
	snprintf(buf, sizeof(buf), "%s/sub", dir);
	rmdir(buf);
	rmdir(dir);
	CHECK_INT(hb46pp_state_path(buf, sizeof(buf), "ens224.1000"), 0);
	CHECK_STR(buf, HB46PP_STATE_DIR "/ens224.1000.hb46pp");
}

int main(void)
{
	test_txt();
	test_credentials_rule();
	test_build_url();
	test_answer_ipip();
	test_answer_dslite_and_none();
	test_answer_hostile();
	test_same_setup();
	test_state();
	return unit_done("test-hb46pp");
}
