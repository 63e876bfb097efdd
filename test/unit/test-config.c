// SPDX-License-Identifier: GPL-2.0-or-later
/* Stanza options -> struct transix_config, and every class of bad input. */
#include "config.h"
#include "options.h"
#include "unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>


#define BASE \
	{ "iid", "::feed" }, { "tunnel-remote", "2001:db8:ffff::140" }, \
	{ "tunnel-address", "203.0.113.5" }, { "transix-user", "USER" }, \
	{ "transix-password-file", "/etc/ifupdown-transix/ens224.1000.secret" }

static void test_full_stanza(void)
{
	const struct opt opts[] = { BASE, { NULL, NULL } };
	struct transix_config c;
	char err[256], buf[64];

	CHECK_INT(parse(&c, opts, err, sizeof(err)), 1);
	CHECK_STR(err, "");
	CHECK(c.has_iid && c.has_tunnel && c.has_address && c.has_registration);
	CHECK_STR(inet_ntop(AF_INET6, &c.iid, buf, sizeof(buf)), "::feed");
	CHECK_STR(inet_ntop(AF_INET6, &c.remote, buf, sizeof(buf)), "2001:db8:ffff::140");
	CHECK_STR(inet_ntop(AF_INET, &c.address, buf, sizeof(buf)), "203.0.113.5");
	CHECK_INT(c.address_plen, 32);
	CHECK_STR(c.tunnel_name, "tx-ens224.1000");
	CHECK_INT(c.mtu, 1460);
	CHECK_INT(c.encaplimit, ENCAPLIMIT_NONE);
	CHECK(c.default_route);
	CHECK_INT(c.wait, DEFAULT_TUNNEL_WAIT);
	CHECK_STR(c.update_url, "http://update.transix.jp/request");
	CHECK_STR(c.user, "USER");
	CHECK(!c.has_inline_password);
}

static void test_not_ours(void)
{
	const struct opt opts[] = { { "dhcp", "1" }, { "accept-ra", "2" }, { NULL, NULL } };
	const struct opt ifupdown2_tunnel[] = {
		{ "tunnel-mode", "gre" }, { "tunnel-local", "2001:db8::2" },
		{ "tunnel-endpoint", "2001:db8::1" }, { "tunnel-ttl", "64" }, { NULL, NULL },
	};
	struct transix_config c;
	char err[256];

	CHECK_INT(parse(&c, opts, err, sizeof(err)), 0);
	/* ifupdown2's own tunnel stanzas are not ours and not typos of ours. */
	CHECK_INT(parse(&c, ifupdown2_tunnel, err, sizeof(err)), 0);
}

static void test_options(void)
{
	const struct opt opts[] = {
		{ "tunnel-remote", "gw.transix.jp" }, { "tunnel-address", "192.0.0.2/29" },
		{ "tunnel-name", "dslite0" }, { "tunnel-mtu", "1500" },
		{ "tunnel-encaplimit", "4" }, { "tunnel-default-route", "no" },
		{ "tunnel-wait", "0" }, { "tunnel-local", "2001:db8:1:1::feed" },
		{ NULL, NULL },
	};
	struct transix_config c;
	char err[256];

	CHECK_INT(parse(&c, opts, err, sizeof(err)), 1);
	CHECK_STR(err, "");
	CHECK(c.remote_is_name);
	CHECK_STR(c.remote_name, "gw.transix.jp");
	CHECK_INT(c.address_plen, 29);
	CHECK_STR(c.tunnel_name, "dslite0");
	CHECK_INT(c.mtu, 1500);
	CHECK_INT(c.encaplimit, 4);
	CHECK(!c.default_route);
	CHECK_INT(c.wait, 0);
	CHECK(c.has_local && !c.has_iid && !c.has_registration);
}

static void test_iid_only(void)
{
	const struct opt opts[] = { { "iid", "::1:2:3:feed" }, { NULL, NULL } };
	struct transix_config c;
	char err[256];

	CHECK_INT(parse(&c, opts, err, sizeof(err)), 1);
	CHECK(c.has_iid && !c.has_tunnel && !c.has_registration);
	CHECK(c.optimistic_dad);	/* issue 13: on by default */
	{
		const struct opt off[] = { { "iid", "::feed" }, { "transix-optimistic-dad", "no" },
					   { NULL, NULL } };

		CHECK_INT(parse(&c, off, err, sizeof(err)), 1);
		CHECK(!c.optimistic_dad);
	}
}

/* Each bad value: rejected, and the message names stanza, option, value. */
static void expect_error(const struct opt *opts, const char *want)
{
	struct transix_config c;
	char err[256];

	CHECK_INT(parse(&c, opts, err, sizeof(err)), -EINVAL);
	if (!strstr(err, want)) {
		unit_failures++;
		fprintf(stderr, "error \"%s\" lacks \"%s\"\n", err, want);
	}
	unit_checks++;
	CHECK(!strncmp(err, "iface ens224.1000: option ", 26));
}

#define BAD(name_, val_, want) do { \
	const struct opt o_[] = { { name_, val_ }, BASE, { NULL, NULL } }; \
	expect_error(o_, want); \
} while (0)

static void test_bad_values(void)
{
	/* Put first so that the bad value wins over BASE's. */
	BAD("iid", "feed", "option iid \"feed\": not an interface identifier");
	BAD("iid", "2001:db8::feed", "option iid \"2001:db8::feed\": the upper 64 bits");
	BAD("iid", "::", "option iid \"::\": must not be zero");
	BAD("tunnel-remote", "203.0.113.1", "option tunnel-remote \"203.0.113.1\": not an IPv6");
	BAD("tunnel-remote", "2001:db8::zz", "option tunnel-remote \"2001:db8::zz\"");
	BAD("tunnel-remote", "fe80::1", "not a global IPv6 address");
	BAD("tunnel-remote", "bad_host.example", "not an IPv6 address or host name");
	BAD("tunnel-local", "192.0.2.1", "option tunnel-local \"192.0.2.1\": an IPv4 address");
	BAD("tunnel-address", "2001:db8::5", "option tunnel-address \"2001:db8::5\": an IPv6");
	BAD("tunnel-address", "203.0.113.300", "option tunnel-address \"203.0.113.300\"");
	BAD("tunnel-address", "203.0.113.5/33", "prefix length must be 1 to 32");
	BAD("tunnel-name", "a-name-much-too-long", "option tunnel-name \"a-name-much-too-long\"");
	BAD("tunnel-name", "bad/name", "not a valid interface name");
	BAD("tunnel-name", "ens224.1000", "is the name of the WAN interface itself");
	BAD("tunnel-mtu", "99999", "option tunnel-mtu \"99999\": not a number between 576");
	BAD("tunnel-mtu", "14x0", "option tunnel-mtu \"14x0\"");
	BAD("tunnel-mtu", "-1", "option tunnel-mtu \"-1\"");
	BAD("tunnel-encaplimit", "256", "expected none or 0 to 255");
	BAD("tunnel-default-route", "maybe", "option tunnel-default-route \"maybe\": expected yes or no");
	BAD("tunnel-wait", "601", "option tunnel-wait \"601\"");
	BAD("transix-optimistic-dad", "later", "option transix-optimistic-dad \"later\": expected yes or no");
	BAD("transix-update-url", "ftp://update.transix.jp/request", "option transix-update-url");
	BAD("transix-password-file", "relative/path", "must be an absolute path");
	BAD("transix-timeout", "0", "option transix-timeout \"0\"");
	BAD("transix-reregister-interval", "30", "0 (never) or at least 60");
	BAD("tunnel-adress", "203.0.113.5", "option tunnel-adress: unknown option");
	BAD("iid", "::feed\n::beef", "option iid: given more than once");
	BAD("accept-ra", "0", "option accept_ra \"0\": iid needs router advertisements");
}

static void test_bad_combinations(void)
{
	const struct opt no_remote[] = {
		{ "iid", "::feed" }, { "tunnel-address", "203.0.113.5" }, { NULL, NULL },
	};
	const struct opt no_address[] = {
		{ "tunnel-remote", "2001:db8:ffff::140" }, { NULL, NULL },
	};
	const struct opt no_password[] = {
		{ "iid", "::feed" }, { "transix-user", "U" }, { NULL, NULL },
	};
	const struct opt two_passwords[] = {
		{ "iid", "::feed" }, { "transix-user", "U" }, { "transix-password", "p" },
		{ "transix-password-file", "/etc/p" }, { NULL, NULL },
	};
	const struct opt no_user[] = {
		{ "iid", "::feed" }, { "transix-password-file", "/etc/p" }, { NULL, NULL },
	};
	const struct opt no_source[] = {
		{ "transix-user", "U" }, { "transix-password-file", "/etc/p" }, { NULL, NULL },
	};
	const struct opt local_not_iid[] = {
		{ "iid", "::feed" }, { "tunnel-remote", "2001:db8:ffff::140" },
		{ "tunnel-address", "203.0.113.5" }, { "tunnel-local", "2001:db8:1:1::beef" },
		{ NULL, NULL },
	};

	expect_error(no_remote, "option tunnel-address: needs tunnel-remote");
	expect_error(no_address, "option tunnel-remote: needs tunnel-address");
	expect_error(no_password, "option transix-user \"U\": needs transix-password-file");
	expect_error(two_passwords, "option transix-password: cannot be used together");
	expect_error(no_user, "option transix-password-file: needs transix-user");
	expect_error(no_source, "needs iid or tunnel-remote");
	expect_error(local_not_iid, "option tunnel-local: does not end in the iid");
}

static void test_inline_password_never_quoted(void)
{
	const struct opt opts[] = {
		{ "iid", "::feed" }, { "transix-user", "U" }, { "transix-password", "s3cret\nagain" },
		{ NULL, NULL },
	};
	struct transix_config c;
	char err[256];

	CHECK_INT(parse(&c, opts, err, sizeof(err)), -EINVAL);
	CHECK(!strstr(err, "s3cret"));
}

static void test_tunnel_names(void)
{
	char name[IF_NAMESIZE];

	config_default_tunnel_name(name, "ens224.1000");
	CHECK_STR(name, "tx-ens224.1000");
	config_default_tunnel_name(name, "enp0s31f6.1000");	/* 14 bytes: too long */
	CHECK_INT(strlen(name), 11);
	CHECK(!strncmp(name, "tx-", 3));
	CHECK(config_valid_ifname(name));
	CHECK(config_valid_hostname("update.transix.jp"));
	CHECK(!config_valid_hostname("-bad.example"));
	CHECK(!config_valid_hostname("a..b"));
}

/* The five one-line mutations of config.c that once went unnoticed (issue 8). */
static void test_mutations_caught(void)
{
	static const char *const yes[] = { "yes", "on", "true", "1", "YES", "On" };
	static const char *const no[] = { "no", "off", "false", "0", "NO" };
	char name[IF_NAMESIZE];

	/* "yes" parsed as false: the default is true, so start from "no" too. */
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		const struct opt o[] = { { "tunnel-default-route", yes[i] }, BASE, { NULL, NULL } };
		struct transix_config c;
		char err[256];

		c.default_route = false;
		CHECK_INT(parse(&c, o, err, sizeof(err)), 1);
		CHECK(c.default_route);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		const struct opt o[] = { { "tunnel-default-route", no[i] }, BASE, { NULL, NULL } };
		struct transix_config c;
		char err[256];

		CHECK_INT(parse(&c, o, err, sizeof(err)), 1);
		CHECK(!c.default_route);
	}

	/* The empty-value check: every option, empty, is an error naming it. */
	for (const char *const *k = (const char *const[]){
		     "iid", "tunnel-remote", "tunnel-local", "tunnel-address", "tunnel-name",
		     "tunnel-mtu", "tunnel-encaplimit", "tunnel-default-route", "tunnel-wait",
		     "transix-user", "transix-password-file", "transix-password",
		     "transix-update-url", "transix-timeout", "transix-reregister-interval",
		     "transix-optimistic-dad", NULL }; *k; k++) {
		const struct opt o[] = { { *k, "" }, BASE, { NULL, NULL } };
		char want[96];

		snprintf(want, sizeof(want), "option %s: empty value", *k);
		expect_error(o, want);
	}

	/* encaplimit none: accepted in any case, and different from a number. */
	{
		const struct opt none[] = { { "tunnel-encaplimit", "none" }, BASE, { NULL, NULL } };
		const struct opt upper[] = { { "tunnel-encaplimit", "NONE" }, BASE, { NULL, NULL } };
		const struct opt zero[] = { { "tunnel-encaplimit", "0" }, BASE, { NULL, NULL } };
		struct transix_config c;
		char err[256];

		c.encaplimit = 7;
		CHECK_INT(parse(&c, none, err, sizeof(err)), 1);
		CHECK_INT(c.encaplimit, ENCAPLIMIT_NONE);
		CHECK_INT(parse(&c, upper, err, sizeof(err)), 1);
		CHECK_INT(c.encaplimit, ENCAPLIMIT_NONE);
		CHECK_INT(parse(&c, zero, err, sizeof(err)), 1);
		CHECK_INT(c.encaplimit, 0);
	}

	/* The hashed tunnel name is an interface name users see and scripts
	 * match on: FNV-1a 32 of the WAN name, pinned. */
	config_default_tunnel_name(name, "enp0s31f6.1000");
	CHECK_STR(name, "tx-92100516");
	config_default_tunnel_name(name, "abcdefghijkl.9");	/* 14 bytes */
	CHECK(!strncmp(name, "tx-", 3) && strlen(name) == 11);
	config_default_tunnel_name(name, "abcdefghijkl");	/* 12 bytes: fits */
	CHECK_STR(name, "tx-abcdefghijkl");

	/* transix-update-url is taken, not ignored for the default. */
	{
		const struct opt o[] = {
			{ "transix-update-url", "https://[2001:db8::80]:8443/update?x=1" }, BASE,
			{ NULL, NULL },
		};
		struct transix_config c;
		char err[256];

		CHECK_INT(parse(&c, o, err, sizeof(err)), 1);
		CHECK_STR(c.update_url, "https://[2001:db8::80]:8443/update?x=1");
	}
}

/* Issue 9 #14: an option value reaches a terminal and syslog in the error
 * message; ESC, CR and other control bytes must arrive escaped. */
static void test_error_escapes_controls(void)
{
	const struct opt esc[] = { { "tunnel-mtu", "1\x1b[2J\r\x7f\xc2\x9b" }, BASE, { NULL, NULL } };
	struct transix_config c;
	char err[256];

	CHECK_INT(parse(&c, esc, err, sizeof(err)), -EINVAL);
	for (const char *e = err; *e; e++)
		CHECK((unsigned char)*e >= 0x20 && (unsigned char)*e < 0x7f);
	CHECK(strstr(err, "option tunnel-mtu \"1\\x1b[2J\\x0d\\x7f\\xc2\\x9b\"") != NULL);
	/* A backslash itself is escaped, so that the text is unambiguous. */
	{
		const struct opt bs[] = { { "tunnel-name", "a\\b" }, BASE, { NULL, NULL } };

		CHECK_INT(parse(&c, bs, err, sizeof(err)), -EINVAL);
		CHECK(strstr(err, "\"a\\\\b\"") != NULL);
	}
	/* An unknown option's name comes from the environment (found by
	 * fuzz-config): escaped as well. */
	{
		const struct opt o[] = { { "tunnel-\x1b[2J\xff", "1" }, BASE, { NULL, NULL } };

		CHECK_INT(parse(&c, o, err, sizeof(err)), -EINVAL);
		for (const char *e = err; *e; e++)
			CHECK((unsigned char)*e >= 0x20 && (unsigned char)*e < 0x7f);
		CHECK(strstr(err, "option tunnel-\\x1b[2J\\xff: unknown option") != NULL);
	}
	/* The stanza name too, before it is validated. */
	{
		const struct opt o[] = { BASE, { NULL, NULL } };
		const char *names[] = { NULL };

		CHECK_INT(config_parse(&c, "x\x1b]0;pwn\x07", lookup, (void *)(uintptr_t)o, names,
				       err, sizeof(err)), -EINVAL);
		CHECK(strchr(err, 0x1b) == NULL && strchr(err, 0x07) == NULL);
		CHECK(strstr(err, "x\\x1b]0;pwn\\x07") != NULL);
	}
}

static void test_env_names(void)
{
	char a[] = "IF_TUNNEL_REMOTE=x", b[] = "PATH=/bin", c[] = "IF_TRANSIX_PASSWORD_FILE=/p";
	char *env[] = { a, b, c, NULL };
	char **names = config_env_option_names(env);

	CHECK(names != NULL);
	if (names) {
		CHECK_STR(names[0], "tunnel-remote");
		CHECK_STR(names[1], "transix-password-file");
		CHECK(names[2] == NULL);
	}
	config_free_names(names);
}

/* Issue 12: the spelling ifupdown-ng does not route to its tunnel
 * executor, the same config as the tunnel-X one. */
static void test_transix_spelling(void)
{
	const struct opt ng[] = {
		{ "iid", "::feed" }, { "transix-tunnel-remote", "2001:db8:ffff::140" },
		{ "transix-tunnel-address", "203.0.113.5" }, { "transix-tunnel-mtu", "1400" },
		{ "transix-user", "USER" },
		{ "transix-password-file", "/etc/ifupdown-transix/ens224.1000.secret" },
		{ NULL, NULL },
	};
	const struct opt ng_bad[] = {
		{ "transix-tunnel-mtu", "99999" }, { "iid", "::feed" },
		{ "transix-tunnel-remote", "2001:db8:ffff::140" },
		{ "transix-tunnel-address", "203.0.113.5" }, { NULL, NULL },
	};
	const struct opt both[] = {
		{ "transix-tunnel-mtu", "1400" }, { "tunnel-mtu", "1400" }, BASE, { NULL, NULL },
	};
	const struct opt typo[] = { { "transix-tunnel-adress", "1" }, BASE, { NULL, NULL } };
	const struct opt alone[] = {
		{ "iid", "::feed" }, { "transix-tunnel-address", "203.0.113.5" }, { NULL, NULL },
	};
	struct transix_config c;
	char err[256], buf[64];

	CHECK_INT(parse(&c, ng, err, sizeof(err)), 1);
	CHECK(c.has_tunnel && c.has_address && c.has_registration);
	CHECK_STR(inet_ntop(AF_INET6, &c.remote, buf, sizeof(buf)), "2001:db8:ffff::140");
	CHECK_STR(inet_ntop(AF_INET, &c.address, buf, sizeof(buf)), "203.0.113.5");
	CHECK_INT(c.mtu, 1400);
	/* Errors name the option as the stanza spells it. */
	expect_error(ng_bad, "option transix-tunnel-mtu \"99999\"");
	expect_error(both, "option tunnel-mtu: given twice (also as transix-tunnel-mtu)");
	expect_error(typo, "option transix-tunnel-adress: unknown option");
	expect_error(alone, "option transix-tunnel-address: needs tunnel-remote");
}

/* Issue 14: transix-provision yes, the minimal stanza and what contradicts it. */
static void test_provision(void)
{
	const struct opt minimal[] = {
		{ "transix-provision", "yes" }, { "transix-user", "USER" },
		{ "transix-password-file", "/etc/ifupdown-transix/ens224.1000.secret" },
		{ NULL, NULL },
	};
	const struct opt full[] = {
		{ "transix-provision", "yes" }, { "transix-provision-server", "prov.isp.test" },
		{ "transix-provision-ca-file", "/etc/ssl/isp-ca.pem" },
		{ "transix-tunnel-mtu", "1400" }, { "tunnel-name", "wan4" },
		{ "tunnel-block-lan", "lan0" }, { NULL, NULL },
	};
	const struct opt alone[] = { { "transix-provision", "on" }, { NULL, NULL } };
	const struct opt off[] = {
		{ "transix-provision", "no" }, { "iid", "::feed" }, { NULL, NULL },
	};
	struct transix_config c;
	char err[256];

	CHECK_INT(parse(&c, minimal, err, sizeof(err)), 1);
	CHECK_STR(err, "");
	CHECK(c.provision);
	/* The credentials go to the provisioning server, not to an update URL. */
	CHECK(!c.has_registration && !c.has_tunnel && !c.has_iid);
	CHECK_STR(c.user, "USER");
	CHECK_STR(c.password_file, "/etc/ifupdown-transix/ens224.1000.secret");
	CHECK_STR(c.provision_server, "");
	CHECK_STR(c.tunnel_name, "tx-ens224.1000");

	CHECK_INT(parse(&c, full, err, sizeof(err)), 1);
	CHECK_STR(err, "");
	CHECK_STR(c.provision_server, "prov.isp.test");
	CHECK_STR(c.provision_ca_file, "/etc/ssl/isp-ca.pem");
	CHECK_INT(c.mtu, 1400);
	CHECK_STR(c.tunnel_name, "wan4");
	CHECK_STR(c.block_lan, "lan0");
	CHECK(!c.has_block);		/* the answer says whether it is a block */

	CHECK_INT(parse(&c, alone, err, sizeof(err)), 1);
	CHECK(c.provision && !c.user[0]);
	CHECK_INT(parse(&c, off, err, sizeof(err)), 1);
	CHECK(!c.provision && c.has_iid);

	/* What the server gives cannot also be in the stanza: one line naming
	 * stanza, option and value. */
	for (const struct opt *o = (const struct opt[]){
		     { "tunnel-remote", "2001:db8:ffff::140" }, { "transix-tunnel-remote", "gw.transix.jp" },
		     { "tunnel-address", "203.0.113.5" }, { "tunnel-local", "2001:db8::feed" },
		     { "iid", "::feed" }, { "transix-service", "dslite" },
		     { "transix-update-url", "http://update.transix.jp/request" },
		     { "transix-auth", "basic" }, { "transix-success", "OK" },
		     { "transix-reregister-interval", "3600" }, { "transix-timeout", "10" },
		     { NULL, NULL } }; o->name; o++) {
		const struct opt bad[] = { *o, minimal[0], minimal[1], minimal[2], { NULL, NULL } };
		char want[160];

		snprintf(want, sizeof(want),
			 "iface ens224.1000: option %s \"%s\": not with transix-provision yes", o->name,
			 o->value);
		expect_error(bad, want);
	}
	{
		const struct opt no_prov[] = {
			{ "transix-provision-server", "prov.isp.test" }, { "iid", "::feed" },
			{ NULL, NULL },
		};
		const struct opt no_prov_ca[] = {
			{ "transix-provision", "no" }, { "transix-provision-ca-file", "/etc/ca.pem" },
			{ NULL, NULL },
		};
		const struct opt bad_server[] = {
			{ "transix-provision", "yes" }, { "transix-provision-server", "https://x/" },
			{ NULL, NULL },
		};
		const struct opt bad_ca[] = {
			{ "transix-provision", "yes" }, { "transix-provision-ca-file", "ca.pem" },
			{ NULL, NULL },
		};
		const struct opt bad_bool[] = { { "transix-provision", "maybe" }, { NULL, NULL } };
		const struct opt typo[] = {
			{ "transix-provision", "yes" }, { "transix-provision-sever", "x.y" },
			{ NULL, NULL },
		};
		const struct opt no_pw[] = {
			{ "transix-provision", "yes" }, { "transix-user", "U" }, { NULL, NULL },
		};
		const struct opt ra0[] = {
			{ "transix-provision", "yes" }, { "accept-ra", "0" }, { NULL, NULL },
		};

		expect_error(no_prov, "option transix-provision-server \"prov.isp.test\": needs transix-provision yes");
		expect_error(no_prov_ca, "option transix-provision-ca-file \"/etc/ca.pem\": needs transix-provision yes");
		expect_error(bad_server, "option transix-provision-server \"https://x/\": not a host name");
		expect_error(bad_ca, "option transix-provision-ca-file \"ca.pem\": must be an absolute path");
		expect_error(bad_bool, "option transix-provision \"maybe\": expected yes or no");
		expect_error(typo, "option transix-provision-sever: unknown option");
		expect_error(no_pw, "option transix-user \"U\": needs transix-password-file");
		expect_error(ra0, "transix-provision needs router advertisements");
	}
}

int main(void)
{
	test_provision();
	test_full_stanza();
	test_not_ours();
	test_options();
	test_iid_only();
	test_bad_values();
	test_bad_combinations();
	test_inline_password_never_quoted();
	test_tunnel_names();
	test_env_names();
	test_mutations_caught();
	test_error_escapes_controls();
	test_transix_spelling();
	return unit_done("test-config");
}
