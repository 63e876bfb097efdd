// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The table of services (service.c): each service's request in exactly its
 * form, the answer classes, the interface-ID rule, and the stanza options
 * that select them (config.c: transix-service, iid from-address, generic).
 */
#include "config.h"
#include "proto.h"
#include "service.h"
#include "options.h"
#include "unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>


/*
 * A request from the tests' shorthand "[NAME[,basic][,ok=W/W] ]URL": what
 * transix-register makes of --service NAME --auth basic --success W/W
 * --url URL.
 */
static int spec_init(struct service_request *req, const char *spec, char *why, size_t whylen)
{
	static char name[64], ok[SERVICE_OK_MAX + 1];
	const char *space = strchr(spec, ' '), *auth = NULL, *okp = NULL, *c;

	if (!space)
		return service_request_init(req, NULL, NULL, NULL, spec, why, whylen);
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(spec, ", "), spec);
	for (c = spec + strlen(name); c < space; c += strcspn(c + 1, ", ") + 1) {
		if (!strncmp(c, ",basic", 6))
			auth = "basic";
		else if (!strncmp(c, ",ok=", 4))
			snprintf(ok, sizeof(ok), "%.*s", (int)strcspn(c + 4, ", "), c + 4), okp = ok;
	}
	return service_request_init(req, name, auth, okp, space + 1, why, whylen);
}

/* The request transix-register would send for spec. */
static char *request(const char *spec, const char *user, const char *pw, const char *addr,
		     enum service_auth *auth)
{
	struct service_request req;
	char why[128];

	if (spec_init(&req, spec, why, sizeof(why)) < 0) {
		fprintf(stderr, "spec \"%s\": %s\n", spec, why);
		return NULL;
	}
	if (auth)
		*auth = req.auth;
	return service_build_url(&req, user, pw, addr);
}

static void test_requests(void)
{
	enum service_auth auth;
	char *u;

	/* transix: the plain URL, as before issue 11. */
	u = request("http://update.transix.jp/request", "U s", "p+w", "2001:db8::feed", &auth);
	CHECK_STR(u, "http://update.transix.jp/request?username=U%20s&password=p%2Bw");
	CHECK_INT(auth, AUTH_QUERY);
	url_free_secret(u);
	u = request("http://update.example/r?x=1", "U", "P", "2001:db8::feed", NULL);
	CHECK_STR(u, "http://update.example/r?x=1&username=U&password=P");
	url_free_secret(u);
	/* v6plus: user= and pass=. */
	u = request("v6plus http://fcs.enabler.ne.jp/update", "U", "P", "2001:db8::1", &auth);
	CHECK_STR(u, "http://fcs.enabler.ne.jp/update?user=U&pass=P");
	CHECK_INT(auth, AUTH_QUERY);
	url_free_secret(u);
	/* OCN: hostname only; the credentials go by Basic auth. */
	u = request("ocn http://ipoe-static.ocn.ad.jp/nic/update", "host.example", "P",
		    "2001:db8::1", &auth);
	CHECK_STR(u, "http://ipoe-static.ocn.ad.jp/nic/update?hostname=host.example");
	CHECK_INT(auth, AUTH_BASIC);
	url_free_secret(u);
	/* generic: the template's placeholders, encoded; Basic on request. */
	u = request("generic,basic,ok=good/nochg http://ddns.example/up?h={user}&ip={address}",
		    "me@x", "P", "2001:db8::1", &auth);
	CHECK_STR(u, "http://ddns.example/up?h=me%40x&ip=2001%3Adb8%3A%3A1");
	CHECK_INT(auth, AUTH_BASIC);
	url_free_secret(u);
	u = request("generic http://r.example/{user}/{password}", "U", "p w", "::1", &auth);
	CHECK_STR(u, "http://r.example/U/p%20w");
	CHECK_INT(auth, AUTH_QUERY);
	url_free_secret(u);
}

static void test_bad_requests(void)
{
	struct service_request req;
	char *args[SERVICE_ARGS + 1], buf[SERVICE_ARGS][SERVICE_OK_MAX + 1];
	char *const store[SERVICE_ARGS] = { buf[0], buf[1], buf[2], buf[3], buf[4], buf[5] };
	char why[128];

	CHECK_INT(service_request_init(&req, "nosuch", NULL, NULL, "http://a.example/", why,
				       sizeof(why)), -EINVAL);
	CHECK_STR(why, "unknown service (one that registers: transix, v6plus, ocn, generic)");
	/* DS-Lite sends nothing. */
	CHECK_INT(service_request_init(&req, "dslite", NULL, NULL, "http://a.example/", why,
				       sizeof(why)), -EINVAL);
	CHECK_INT(service_request_init(&req, "generic", "md5", NULL, "http://a.example/", why,
				       sizeof(why)), -EINVAL);
	CHECK_STR(why, "authentication: basic or query");
	CHECK_INT(service_request_init(&req, "generic", NULL, NULL, "http://a.example/{pass}", why,
				       sizeof(why)), -EINVAL);
	CHECK_INT(service_request_init(&req, "generic", NULL, "a\x01", "http://a.example/", why,
				       sizeof(why)), -EINVAL);
	CHECK_INT(service_request_init(&req, "generic", NULL, "a//b", "http://a.example/", why,
				       sizeof(why)), -EINVAL);
	CHECK_INT(service_request_init(&req, "generic", NULL, "a/", "http://a.example/", why,
				       sizeof(why)), -EINVAL);
	CHECK_INT(service_request_init(&req, "generic", NULL, NULL, NULL, why, sizeof(why)),
		  -EINVAL);
	CHECK_STR(why, "needs a URL");
	/* A fixed service's authentication and answers are not to be changed. */
	CHECK_INT(service_request_init(&req, "ocn", "query", NULL, NULL, why, sizeof(why)),
		  -EINVAL);
	CHECK_INT(service_request_init(&req, "v6plus", NULL, "OK", NULL, why, sizeof(why)),
		  -EINVAL);
	CHECK_INT(service_request_init(&req, "v6plus", NULL, NULL, "http://198.51.100.1/", why,
				       sizeof(why)), -EINVAL);
	/* The old packed --url form is no URL. */
	CHECK_INT(service_request_init(&req, NULL, NULL, NULL, "v6plus http://fcs.enabler.ne.jp/",
				       why, sizeof(why)), -EINVAL);
	CHECK_INT(service_check_template("http://a.example/?u={user}&p={password}", why,
					 sizeof(why)), 0);

	/* transix-register's arguments: the service always, the rest only
	 * where they differ from the service's own. */
	CHECK_INT(service_request_init(&req, NULL, NULL, NULL, NULL, why, sizeof(why)), 0);
	CHECK_STR(req.url, "http://update.transix.jp/request");
	CHECK_INT(service_args(&req, store, sizeof(buf[0]), args), 2);
	CHECK_STR(args[0], "--service");
	CHECK_STR(args[1], "transix");
	CHECK(!args[2]);
	CHECK_INT(service_request_init(&req, "generic", "basic", "good/nochg", "http://r.example/",
				       why, sizeof(why)), 0);
	CHECK_INT(service_args(&req, store, sizeof(buf[0]), args), 6);
	CHECK_STR(args[1], "generic");
	CHECK_STR(args[2], "--auth");
	CHECK_STR(args[3], "basic");
	CHECK_STR(args[4], "--success");
	CHECK_STR(args[5], "good/nochg");
	CHECK(!args[6]);
	CHECK_INT(service_request_init(&req, "ocn", NULL, NULL, NULL, why, sizeof(why)), 0);
	CHECK_INT(service_args(&req, store, sizeof(buf[0]), args), 2);
	CHECK_INT(req.auth, AUTH_BASIC);
}

static void test_iid_rule(void)
{
	struct in6_addr iid;
	struct in_addr v4;
	char buf[INET6_ADDRSTRLEN];

	inet_pton(AF_INET, "203.0.113.10", &v4);
	service_iid_from_ipv4(&iid, v4);
	CHECK_STR(inet_ntop(AF_INET6, &iid, buf, sizeof(buf)), "::cb:71:a00:0");
	inet_pton(AF_INET, "203.0.113.96", &v4);
	service_iid_from_ipv4(&iid, v4);
	CHECK_STR(inet_ntop(AF_INET6, &iid, buf, sizeof(buf)), "::cb:71:6000:0");
}

static int classify(const char *spec, long status, const char *body, char *shown)
{
	struct service_request req;

	if (spec_init(&req, spec, NULL, 0) < 0)
		return -1;
	return register_classify_answer(&req, status, body, strlen(body), "s3cret", shown,
					SERVICE_SHOW_MAX + 1);
}

static void test_answers(void)
{
	static const char tx[] = "http://update.transix.jp/request";
	static const char v6[] = "v6plus http://fcs.enabler.ne.jp/update";
	static const char ocn[] = "ocn http://ipoe-static.ocn.ad.jp/nic/update";
	static const char gen[] = "generic,ok=good/nochg http://r.example/?u={user}";
	char shown[SERVICE_SHOW_MAX + 1];

	CHECK_INT(classify(tx, 200, "OK\r\n", shown), REGISTER_OK);
	CHECK_STR(shown, "OK");
	CHECK_INT(classify(tx, 200, "NG", shown), REGISTER_REFUSED);
	CHECK_STR(shown, "NG");
	CHECK_INT(classify(tx, 200, " OK", shown), REGISTER_REFUSED);
	CHECK_INT(classify(tx, 200, "OK then", shown), REGISTER_REFUSED);
	CHECK_INT(classify(tx, 200, "", shown), REGISTER_REFUSED);
	CHECK_INT(classify(tx, 400, "bad", shown), REGISTER_REFUSED);
	CHECK_INT(classify(tx, 302, "", shown), REGISTER_REFUSED);
	CHECK_INT(classify(tx, 503, "busy", shown), REGISTER_TEMPFAIL);
	CHECK_INT(classify(tx, 200, "NG s3cret", shown), REGISTER_REFUSED);
	CHECK_STR(shown, "(answer withheld: it contains the password)");
	CHECK_INT(classify(tx, 200, "NG s%33cret", shown), REGISTER_REFUSED);
	CHECK(!strstr(shown, "cret"));

	CHECK_INT(classify(v6, 200, "OK\n", shown), REGISTER_OK);
	CHECK_INT(classify(v6, 200, "NG", shown), REGISTER_REFUSED);
	CHECK_INT(classify(v6, 401, "", shown), REGISTER_REFUSED);

	CHECK_INT(classify(ocn, 200, "good 203.0.113.97\n", shown), REGISTER_OK);
	CHECK_STR(shown, "good 203.0.113.97");
	CHECK_INT(classify(ocn, 200, "nochg 203.0.113.97", shown), REGISTER_OK);
	CHECK_INT(classify(ocn, 200, "good", shown), REGISTER_OK);
	CHECK_INT(classify(ocn, 200, "goodness", shown), REGISTER_REFUSED);
	CHECK_INT(classify(ocn, 200, "nohost", shown), REGISTER_REFUSED);
	CHECK_INT(classify(ocn, 200, "badauth", shown), REGISTER_REFUSED);
	CHECK_INT(classify(ocn, 401, "badauth", shown), REGISTER_REFUSED);
	CHECK_INT(classify(ocn, 200, "911", shown), REGISTER_TEMPFAIL);
	CHECK_INT(classify(ocn, 200, "dnserr\n", shown), REGISTER_TEMPFAIL);
	CHECK_INT(classify(ocn, 200, "OK", shown), REGISTER_REFUSED);

	CHECK_INT(classify(gen, 200, "good", shown), REGISTER_OK);
	CHECK_INT(classify(gen, 200, "nochg", shown), REGISTER_OK);
	CHECK_INT(classify(gen, 200, "OK", shown), REGISTER_REFUSED);
	CHECK_INT(classify("generic http://r.example/", 200, "OK", shown), REGISTER_OK);

	/* Found by fuzz-answer: collapsing whitespace must not make the
	 * password appear ("pa<TAB><TAB>ss" shown as "pa ss"). */
	{
		struct service_request req;
		static const char body[] = "NG pa\t\tss+w%rd";

		spec_init(&req, tx, NULL, 0);
		CHECK_INT(register_classify_answer(&req, 200, body, strlen(body), "pa ss+w%rd", shown,
						   sizeof(shown)), REGISTER_REFUSED);
		CHECK_STR(shown, "(answer withheld: it contains the password)");
	}

	/* Any bytes: shown stays printable and bounded. */
	{
		char big[300];

		memset(big, '\x1b', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		CHECK_INT(classify(tx, 200, big, shown), REGISTER_REFUSED);
		CHECK(strlen(shown) <= SERVICE_SHOW_MAX && !strchr(shown, '\x1b'));
	}
}

/* ---- the stanza ---------------------------------------------------------- */

#define TUNNEL(addr) { "tunnel-remote", "2001:db8:ffff::140" }, { "tunnel-address", addr }
#define CREDS { "transix-user", "U" }, \
	{ "transix-password-file", "/etc/ifupdown-transix/ens224.1000.secret" }

static void test_stanza_services(void)
{
	struct transix_config c;
	char err[256], buf[INET6_ADDRSTRLEN];

	{	/* Unchanged: no transix-service means transix, the plain URL. */
		const struct opt o[] = { { "iid", "::feed" }, TUNNEL("203.0.113.5"), CREDS, { 0 } };

		CHECK_INT(parse(&c, o, err, sizeof(err)), 1);
		CHECK_STR(c.service->name, "transix");
		CHECK_STR(c.update_url, "http://update.transix.jp/request");
	}
	{	/* v6plus: iid from-address. */
		const struct opt o[] = { { "transix-service", "v6plus" }, { "iid", "from-address" },
					 TUNNEL("203.0.113.10"), CREDS, { 0 } };

		CHECK_INT(parse(&c, o, err, sizeof(err)), 1);
		CHECK_STR(err, "");
		CHECK(c.has_iid);
		CHECK_STR(inet_ntop(AF_INET6, &c.iid, buf, sizeof(buf)), "::cb:71:a00:0");
		CHECK_STR(c.update_url, "http://fcs.enabler.ne.jp/update");
	}
	{	/* v6plus without iid: the rule's; with the agreeing iid: fine. */
		const struct opt o[] = { { "transix-service", "v6plus" }, TUNNEL("203.0.113.10"),
					 CREDS, { 0 } };
		const struct opt same[] = { { "transix-service", "v6plus" }, { "iid", "::cb:71:a00:0" },
					    TUNNEL("203.0.113.10"), CREDS, { 0 } };

		CHECK_INT(parse(&c, o, err, sizeof(err)), 1);
		CHECK_STR(inet_ntop(AF_INET6, &c.iid, buf, sizeof(buf)), "::cb:71:a00:0");
		CHECK_INT(parse(&c, same, err, sizeof(err)), 1);
	}
	{	/* An iid contradicting the rule: one line naming it all. */
		const struct opt o[] = { { "transix-service", "v6plus" }, { "iid", "::feed" },
					 TUNNEL("203.0.113.10"), CREDS, { 0 } };

		CHECK_INT(parse(&c, o, err, sizeof(err)), -EINVAL);
		CHECK_STR(err, "iface ens224.1000: option iid \"::feed\": contradicts transix-service "
			  "v6plus: from 203.0.113.10 the rule gives ::cb:71:a00:0 (or write iid from-address)");
	}
	{	/* OCN with a block: the block's first address. */
		const struct opt o[] = { { "transix-service", "ocn" }, { "iid", "from-address" },
					 TUNNEL("203.0.113.96/29"), { "tunnel-block-lan", "ens192" },
					 CREDS, { 0 } };

		CHECK_INT(parse(&c, o, err, sizeof(err)), 1);
		CHECK_STR(err, "");
		CHECK_STR(inet_ntop(AF_INET6, &c.iid, buf, sizeof(buf)), "::cb:71:6000:0");
		CHECK_STR(c.update_url, "http://ipoe-static.ocn.ad.jp/nic/update");
	}
	{	/* DS-Lite: B4 by default, no iid, no request. */
		const struct opt o[] = { { "transix-service", "dslite" },
					 { "tunnel-remote", "gw.transix.jp" }, { 0 } };

		CHECK_INT(parse(&c, o, err, sizeof(err)), 1);
		CHECK_STR(err, "");
		CHECK(c.has_address && !c.has_iid && !c.has_registration);
		CHECK_STR(inet_ntop(AF_INET, &c.address, buf, sizeof(buf)), "192.0.0.2");
	}
	{
		const struct opt o[] = { { "transix-service", "dslite" },
					 { "tunnel-remote", "gw.transix.jp" }, CREDS, { 0 } };

		CHECK_INT(parse(&c, o, err, sizeof(err)), -EINVAL);
		CHECK_STR(err, "iface ens224.1000: option transix-user: transix-service dslite sends "
			  "no registration request");
	}
	{	/* generic: template, Basic, success words. */
		const struct opt o[] = { { "transix-service", "generic" }, { "iid", "::feed" },
					 TUNNEL("203.0.113.5"), CREDS,
					 { "transix-update-url", "http://ddns.example/u?ip={address}" },
					 { "transix-auth", "basic" }, { "transix-success", "good  nochg" },
					 { 0 } };

		CHECK_INT(parse(&c, o, err, sizeof(err)), 1);
		CHECK_STR(err, "");
		CHECK_STR(c.update_url, "http://ddns.example/u?ip={address}");
		CHECK_STR(c.auth, "basic");
		CHECK_STR(c.success, "good/nochg");
	}
}

static void test_stanza_bad(void)
{
	static const struct {
		struct opt o[10];
		const char *err;
	} cases[] = {
		{ { { "transix-service", "v6puls" }, TUNNEL("203.0.113.5"), { 0 } },
		  "iface ens224.1000: option transix-service \"v6puls\": unknown service "
		  "(transix, v6plus, ocn, dslite or generic)" },
		{ { { "transix-service", "transix" }, { "iid", "from-address" },
		    TUNNEL("203.0.113.5"), { 0 } },
		  "iface ens224.1000: option iid \"from-address\": only for a service whose rule "
		  "derives it (v6plus, ocn), not transix" },
		{ { { "transix-service", "generic" }, { "iid", "::feed" }, TUNNEL("203.0.113.5"),
		    CREDS, { 0 } },
		  "iface ens224.1000: option transix-service \"generic\": needs transix-update-url "
		  "(a URL with {user}, {password}, {address})" },
		{ { { "transix-service", "generic" }, { "iid", "::feed" }, TUNNEL("203.0.113.5"),
		    CREDS, { "transix-update-url", "http://r.example/{pw}" }, { 0 } },
		  "iface ens224.1000: option transix-update-url \"http://r.example/{pw}\": unknown "
		  "placeholder (known: {user} {password} {address})" },
		{ { { "transix-service", "generic" }, { "iid", "::feed" }, TUNNEL("203.0.113.5"),
		    CREDS, { "transix-update-url", "http://r.example/" }, { "transix-auth", "digest" },
		    { 0 } },
		  "iface ens224.1000: option transix-auth \"digest\": expected basic or query" },
		{ { { "transix-service", "v6plus" }, TUNNEL("203.0.113.5"), CREDS,
		    { "transix-auth", "basic" }, { 0 } },
		  "iface ens224.1000: option transix-auth \"basic\": only with transix-service generic "
		  "(v6plus's is fixed)" },
		{ { { "transix-service", "generic" }, { "iid", "::feed" }, TUNNEL("203.0.113.5"),
		    CREDS, { "transix-update-url", "http://r.example/" },
		    { "transix-success", "go/od" }, { 0 } },
		  "iface ens224.1000: option transix-success \"go/od\": words of printable ASCII "
		  "without , or /" },
	};
	struct transix_config c;
	char err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(parse(&c, cases[i].o, err, sizeof(err)), -EINVAL);
		CHECK_STR(err, cases[i].err);
	}
}

int main(void)
{
	test_requests();
	test_bad_requests();
	test_iid_rule();
	test_answers();
	test_stanza_services();
	test_stanza_bad();
	return unit_done("test-service");
}
