// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stanza options -> struct transix_config.  Every error names the stanza,
 * the option and the value, and is found before anything is changed.
 */
#include "config.h"
#include "url.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Every option we own; "tunnel-" and "transix-" names not listed are typos. */
static const char *const known_options[] = {
	"iid",
	"tunnel-remote", "tunnel-local", "tunnel-address", "tunnel-name", "tunnel-mtu",
	"tunnel-encaplimit", "tunnel-default-route", "tunnel-wait",
	"tunnel-mss-clamp", "tunnel-nat", "tunnel-block-lan",
	"transix-user", "transix-password-file", "transix-password", "transix-update-url",
	"transix-timeout", "transix-reregister-interval",
	"transix-service", "transix-auth", "transix-success",
	"transix-optimistic-dad",
	"transix-provision", "transix-provision-server", "transix-provision-ca-file",
	NULL,
};

struct parser {
	struct transix_config *cfg;
	const char *ifname;
	config_lookup_fn lookup;	/* the caller's: both spellings go through it */
	void *ctx;
	char *err;
	size_t errlen;
};

/*
 * Issue 12: every "tunnel-X" may also be spelt "transix-tunnel-X".
 * ifupdown-ng's automatic executor selection runs its own "tunnel"
 * executor for any "tunnel-*" option (which fails without tunnel-mode);
 * the "transix-" spelling selects our executor instead.  Accepted by all
 * three front ends, so one stanza works everywhere.
 */
#define ALIAS_PREFIX "transix-"

static bool has_alias(const char *option)
{
	return !strncmp(option, "tunnel-", 7);
}

/* The spelling the stanza uses for option (for error messages). */
static const char *spelt(struct parser *p, const char *option, char *buf, size_t len)
{
	if (has_alias(option) && !p->lookup(option, p->ctx)) {
		snprintf(buf, len, ALIAS_PREFIX "%s", option);
		if (p->lookup(buf, p->ctx))
			return buf;
	}
	return option;
}

/* Either spelling's value, or NULL; *twice when both are given. */
static const char *lookup_either(struct parser *p, const char *option, bool *twice)
{
	const char *v = p->lookup(option, p->ctx), *a = NULL;
	char alias[64];

	*twice = false;
	if (has_alias(option)) {
		snprintf(alias, sizeof(alias), ALIAS_PREFIX "%s", option);
		a = p->lookup(alias, p->ctx);
	}
	*twice = v && a;
	return v ? v : a;
}

/*
 * A value fit for a terminal and syslog: printable ASCII as is, a backslash
 * doubled, every other byte (ESC, CR, DEL, anything non-ASCII) as \xHH, so
 * that a hostile or mistyped value cannot move the cursor or forge a line.
 * Cut at a whole escape when dst is full.
 */
static const char *escape(char *dst, size_t len, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	for (const unsigned char *c = (const unsigned char *)src; *c; c++) {
		size_t need = *c == '\\' ? 2 : *c >= 0x20 && *c < 0x7f ? 1 : 4;

		if (n + need >= len)
			break;
		if (need == 1) {
			dst[n++] = (char)*c;
		} else if (need == 2) {
			dst[n++] = '\\';
			dst[n++] = '\\';
		} else {
			dst[n++] = '\\';
			dst[n++] = 'x';
			dst[n++] = hex[*c >> 4];
			dst[n++] = hex[*c & 0xf];
		}
	}
	if (len)
		dst[n] = '\0';
	return dst;
}

static int __attribute__((format(printf, 4, 5)))
bad(struct parser *p, const char *option, const char *value, const char *fmt, ...)
{
	char why[256], shown[256], name[128], alias[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	/* The option's name too: an unknown one comes from the environment.
	 * Named as the stanza spells it (tunnel-X or transix-tunnel-X). */
	escape(name, sizeof(name), spelt(p, option, alias, sizeof(alias)));
	if (value)
		snprintf(p->err, p->errlen, "iface %s: option %s \"%s\": %s", p->ifname, name,
			 escape(shown, sizeof(shown), value), why);
	else
		snprintf(p->err, p->errlen, "iface %s: option %s: %s", p->ifname, name, why);
	return -EINVAL;
}

/* The value of an option, or NULL.  ifupdown joins repeated options with
 * newlines: a repeated option is an error, never a silent first-wins. */
static int get(struct parser *p, const char *option, const char **value)
{
	bool twice;
	const char *v = lookup_either(p, option, &twice);

	*value = v;
	if (!v)
		return 0;
	if (twice)
		return bad(p, option, NULL, "given twice (also as " ALIAS_PREFIX "%s)", option);
	if (strchr(v, '\n'))
		return bad(p, option, NULL, "given more than once");
	if (!*v)
		return bad(p, option, NULL, "empty value");
	return 1;
}

static int parse_uint(struct parser *p, const char *option, const char *v, unsigned long min,
		      unsigned long max, unsigned int *out)
{
	unsigned long n;
	char *end;

	if (!isdigit((unsigned char)v[0]))
		return bad(p, option, v, "not a number between %lu and %lu", min, max);
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || *end || n < min || n > max)
		return bad(p, option, v, "not a number between %lu and %lu", min, max);
	*out = (unsigned int)n;
	return 0;
}

static int parse_bool(struct parser *p, const char *option, const char *v, bool *out)
{
	static const char *const yes[] = { "yes", "on", "true", "1" };
	static const char *const no[] = { "no", "off", "false", "0" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(v, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(v, no[i])) {
			*out = false;
			return 0;
		}
	}
	return bad(p, option, v, "expected yes or no");
}

static int parse_in6(struct parser *p, const char *option, const char *v, struct in6_addr *out)
{
	struct in_addr v4;

	if (inet_pton(AF_INET6, v, out) == 1)
		return 0;
	if (inet_pton(AF_INET, v, &v4) == 1)
		return bad(p, option, v, "an IPv4 address where an IPv6 address is needed");
	return bad(p, option, v, "not an IPv6 address");
}

static bool in6_is_unusable(const struct in6_addr *a)
{
	return IN6_IS_ADDR_UNSPECIFIED(a) || IN6_IS_ADDR_LOOPBACK(a) ||
	       IN6_IS_ADDR_MULTICAST(a) || IN6_IS_ADDR_LINKLOCAL(a) || IN6_IS_ADDR_V4MAPPED(a);
}

bool config_valid_ifname(const char *name)
{
	size_t len = strlen(name);

	/* The kernel's dev_valid_name(), narrowed to what sysctl paths and
	 * ifupdown handle without surprises. */
	if (len == 0 || len >= IF_NAMESIZE || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("-_.", *c))
			return false;
	return true;
}

bool config_valid_hostname(const char *name)
{
	size_t len = strlen(name), label = 0;

	if (len == 0 || len > MAX_HOSTNAME || name[0] == '.' || name[0] == '-')
		return false;
	for (const char *c = name; *c; c++) {
		if (*c == '.') {
			if (label == 0 || c[-1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*c) && *c != '-')
			return false;
		if (*c == '-' && label == 0)
			return false;
		if (++label > 63)
			return false;
	}
	return name[len - 1] != '-';
}

/* FNV-1a: a short, stable tag for WAN names too long for "tx-NAME". */
static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

void config_default_tunnel_name(char out[IF_NAMESIZE], const char *ifname)
{
	if (strlen("tx-") + strlen(ifname) < IF_NAMESIZE)
		snprintf(out, IF_NAMESIZE, "tx-%s", ifname);
	else
		snprintf(out, IF_NAMESIZE, "tx-%08x", (unsigned int)fnv1a(ifname));
}

static int parse_iid(struct parser *p)
{
	struct transix_config *cfg = p->cfg;
	const char *v;
	int r = get(p, "transix-optimistic-dad", &v);

	if (r < 0 || (r && (r = parse_bool(p, "transix-optimistic-dad", v, &cfg->optimistic_dad)) < 0))
		return r;
	if ((r = get(p, "iid", &v)) <= 0)
		return r;
	/* Filled in by parse_service(), once tunnel-address is known. */
	if (!strcmp(v, "from-address")) {
		cfg->iid_from_address = true;
		cfg->has_iid = true;
		return 0;
	}
	if (inet_pton(AF_INET6, v, &cfg->iid) != 1)
		return bad(p, "iid", v, "not an interface identifier like ::feed (or from-address)");
	for (int i = 0; i < 8; i++)
		if (cfg->iid.s6_addr[i])
			return bad(p, "iid", v, "the upper 64 bits must be zero (like ::feed)");
	if (IN6_IS_ADDR_UNSPECIFIED(&cfg->iid))
		return bad(p, "iid", v, "must not be zero");
	cfg->has_iid = true;
	return 0;
}

static int parse_tunnel(struct parser *p)
{
	struct transix_config *cfg = p->cfg;
	const char *v;
	int r;

	if ((r = get(p, "tunnel-remote", &v)) < 0)
		return r;
	if (r) {
		cfg->has_tunnel = true;
		if (inet_pton(AF_INET6, v, &cfg->remote) == 1) {
			if (in6_is_unusable(&cfg->remote))
				return bad(p, "tunnel-remote", v, "not a global IPv6 address");
		} else if (strchr(v, ':') || inet_pton(AF_INET, v, &(struct in_addr){ 0 }) == 1) {
			return bad(p, "tunnel-remote", v, "not an IPv6 address or host name");
		} else if (!config_valid_hostname(v)) {
			return bad(p, "tunnel-remote", v, "not an IPv6 address or host name");
		} else {
			cfg->remote_is_name = true;
			snprintf(cfg->remote_name, sizeof(cfg->remote_name), "%s", v);
		}
	}

	if ((r = get(p, "tunnel-local", &v)) < 0)
		return r;
	if (r) {
		if ((r = parse_in6(p, "tunnel-local", v, &cfg->local)) < 0)
			return r;
		if (in6_is_unusable(&cfg->local))
			return bad(p, "tunnel-local", v, "not a global IPv6 address");
		cfg->has_local = true;
	}

	if ((r = get(p, "tunnel-address", &v)) < 0)
		return r;
	if (r) {
		char addr[INET_ADDRSTRLEN + 1];
		const char *slash = strchr(v, '/');
		size_t alen = slash ? (size_t)(slash - v) : strlen(v);
		struct in6_addr unused;

		cfg->address_plen = 32;
		if (alen >= sizeof(addr))
			return bad(p, "tunnel-address", v, "not an IPv4 address");
		memcpy(addr, v, alen);
		addr[alen] = '\0';
		if (inet_pton(AF_INET, addr, &cfg->address) != 1) {
			if (inet_pton(AF_INET6, addr, &unused) == 1)
				return bad(p, "tunnel-address", v,
					   "an IPv6 address where the IPv4 address is needed");
			return bad(p, "tunnel-address", v, "not an IPv4 address");
		}
		if (slash && parse_uint(p, "tunnel-address", slash + 1, 1, 32, &cfg->address_plen) < 0)
			return bad(p, "tunnel-address", v, "prefix length must be 1 to 32");
		cfg->has_address = true;
	}

	if ((r = get(p, "tunnel-name", &v)) < 0)
		return r;
	if (r) {
		if (!config_valid_ifname(v))
			return bad(p, "tunnel-name", v,
				   "not a valid interface name (1-15 of A-Z a-z 0-9 - _ .)");
		if (!strcmp(v, cfg->ifname))
			return bad(p, "tunnel-name", v, "is the name of the WAN interface itself");
		snprintf(cfg->tunnel_name, sizeof(cfg->tunnel_name), "%s", v);
	}

	if ((r = get(p, "tunnel-mtu", &v)) < 0)
		return r;
	if (r && (r = parse_uint(p, "tunnel-mtu", v, 576, 65495, &cfg->mtu)) < 0)
		return r;

	if ((r = get(p, "tunnel-encaplimit", &v)) < 0)
		return r;
	if (r) {
		unsigned int limit;

		if (!strcasecmp(v, "none")) {
			cfg->encaplimit = ENCAPLIMIT_NONE;
		} else if (parse_uint(p, "tunnel-encaplimit", v, 0, 255, &limit) < 0) {
			return bad(p, "tunnel-encaplimit", v, "expected none or 0 to 255");
		} else {
			cfg->encaplimit = (int)limit;
		}
	}

	if ((r = get(p, "tunnel-default-route", &v)) < 0)
		return r;
	if (r && (r = parse_bool(p, "tunnel-default-route", v, &cfg->default_route)) < 0)
		return r;

	if ((r = get(p, "tunnel-wait", &v)) < 0)
		return r;
	if (r && (r = parse_uint(p, "tunnel-wait", v, 0, 600, &cfg->wait)) < 0)
		return r;
	return 0;
}

/*
 * Issue 14: transix-provision yes.  The provisioning server (HB46PP) gives
 * the method, the AFTR/BR, the IPv4 address and the interface ID, so the
 * options that would say the same are contradictions, named as such; the
 * tunnel's shape (name, MTU, encaplimit, default route, nftables) stays
 * the stanza's.  Before parse_tunnel(): the later checks ask cfg->provision.
 */
static int parse_provision(struct parser *p)
{
	static const char *const given_by_server[] = {
		"iid", "tunnel-remote", "tunnel-local", "tunnel-address", "transix-service",
		"transix-update-url", "transix-auth", "transix-success",
		"transix-reregister-interval", "transix-timeout", NULL,
	};
	static const char *const need_provision[] = {
		"transix-provision-server", "transix-provision-ca-file", NULL,
	};
	struct transix_config *cfg = p->cfg;
	const char *v;
	bool twice;
	int r;

	if ((r = get(p, "transix-provision", &v)) < 0)
		return r;
	if (r && (r = parse_bool(p, "transix-provision", v, &cfg->provision)) < 0)
		return r;
	if (!cfg->provision) {
		for (const char *const *o = need_provision; *o; o++)
			if (lookup_either(p, *o, &twice))
				return bad(p, *o, lookup_either(p, *o, &twice),
					   "needs transix-provision yes");
		return 0;
	}
	for (const char *const *o = given_by_server; *o; o++)
		if ((v = lookup_either(p, *o, &twice)))
			return bad(p, *o, v,
				   "not with transix-provision yes: the provisioning server gives it");

	if ((r = get(p, "transix-provision-server", &v)) < 0)
		return r;
	if (r) {
		if (!config_valid_hostname(v) || !strchr(v, '.'))
			return bad(p, "transix-provision-server", v,
				   "not a host name (the server's https name, like prov.example.jp)");
		snprintf(cfg->provision_server, sizeof(cfg->provision_server), "%s", v);
	}
	if ((r = get(p, "transix-provision-ca-file", &v)) < 0)
		return r;
	if (r) {
		if (v[0] != '/')
			return bad(p, "transix-provision-ca-file", v, "must be an absolute path");
		if (strlen(v) >= sizeof(cfg->provision_ca_file))
			return bad(p, "transix-provision-ca-file", NULL, "path too long");
		snprintf(cfg->provision_ca_file, sizeof(cfg->provision_ca_file), "%s", v);
	}
	return 0;
}

/* Issue 10: the options of our nftables table and of a fixed-IP block. */
static int parse_nft(struct parser *p)
{
	static const char *const need_remote[] = {
		"tunnel-mss-clamp", "tunnel-nat", "tunnel-block-lan", NULL,
	};
	struct transix_config *cfg = p->cfg;
	const char *v;
	bool twice;
	int r;

	for (const char *const *o = need_remote; *o; o++)
		if (!cfg->has_tunnel && !cfg->provision && lookup_either(p, *o, &twice))
			return bad(p, *o, NULL, "needs tunnel-remote");

	if ((r = get(p, "tunnel-mss-clamp", &v)) < 0)
		return r;
	if (r) {
		bool on;
		unsigned int mss;

		if (isdigit((unsigned char)v[0]) && strcmp(v, "0") && strcmp(v, "1")) {
			/* Above the tunnel's MTU - 40 a clamp clamps nothing. */
			if (parse_uint(p, "tunnel-mss-clamp", v, MIN_MSS_CLAMP, cfg->mtu - 40,
				       &mss) < 0)
				return bad(p, "tunnel-mss-clamp", v,
					   "expected yes, no or an MSS from %d to %u (tunnel-mtu - 40)",
					   MIN_MSS_CLAMP, cfg->mtu - 40);
			cfg->mss_clamp = (int)mss;
		} else if (parse_bool(p, "tunnel-mss-clamp", v, &on) < 0) {
			return bad(p, "tunnel-mss-clamp", v,
				   "expected yes, no or an MSS from %d to %u (tunnel-mtu - 40)",
				   MIN_MSS_CLAMP, cfg->mtu - 40);
		} else {
			cfg->mss_clamp = on ? MSS_CLAMP_AUTO : MSS_CLAMP_OFF;
		}
	}

	if ((r = get(p, "tunnel-nat", &v)) < 0)
		return r;
	if (r && (r = parse_bool(p, "tunnel-nat", v, &cfg->nat)) < 0)
		return r;

	if ((r = get(p, "tunnel-block-lan", &v)) < 0)
		return r;
	if (r) {
		char net[INET_ADDRSTRLEN], given[INET_ADDRSTRLEN + 4];
		uint32_t mask, a;

		if (!config_valid_ifname(v))
			return bad(p, "tunnel-block-lan", v,
				   "not a valid interface name (1-15 of A-Z a-z 0-9 - _ .)");
		if (!strcmp(v, cfg->ifname) || !strcmp(v, cfg->tunnel_name))
			return bad(p, "tunnel-block-lan", v,
				   "must be a LAN interface, not the WAN or the tunnel");
		/* Issue 14: the block comes with the answer (provision.c). */
		if (cfg->provision) {
			snprintf(cfg->block_lan, sizeof(cfg->block_lan), "%s", v);
			return 0;
		}
		if (!cfg->has_address)
			return 0;	/* check_combinations() reports it */
		inet_ntop(AF_INET, &cfg->address, given, INET_ADDRSTRLEN);
		snprintf(given + strlen(given), 4, "/%u", cfg->address_plen);
		if (cfg->address_plen < MIN_BLOCK_PLEN || cfg->address_plen > MAX_BLOCK_PLEN)
			return bad(p, "tunnel-address", given,
				   "with tunnel-block-lan, a block from /%d to /%d",
				   MIN_BLOCK_PLEN, MAX_BLOCK_PLEN);
		mask = ~0U << (32 - cfg->address_plen);
		a = ntohl(cfg->address.s_addr);
		if (a & ~mask) {
			struct in_addr start = { .s_addr = htonl(a & mask) };

			inet_ntop(AF_INET, &start, net, sizeof(net));
			return bad(p, "tunnel-address", given,
				   "not aligned: the /%u block containing it starts at %s",
				   cfg->address_plen, net);
		}
		/* The router takes the block's first host address (on the
		 * tunnel, /32); the block itself is routed to the LAN. */
		snprintf(cfg->block_lan, sizeof(cfg->block_lan), "%s", v);
		cfg->has_block = true;
		cfg->block = cfg->address;
		cfg->block_plen = cfg->address_plen;
		cfg->address.s_addr = htonl(a + 1);
		cfg->address_plen = 32;
	}
	return 0;
}

/*
 * transix-service and what it decides (issue 11): the iid rule, DS-Lite's
 * B4 address, and the request as transix-register gets it.  After
 * parse_tunnel() and parse_nft(): the rule needs the fixed address.
 */
static int parse_service(struct parser *p)
{
	struct transix_config *cfg = p->cfg;
	const struct service *svc;
	const char *v;
	int r;

	if ((r = get(p, "transix-service", &v)) < 0)
		return r;
	svc = service_find(r ? v : SERVICE_DEFAULT);
	if (!svc)
		return bad(p, "transix-service", v,
			   "unknown service (transix, v6plus, ocn, dslite or generic)");
	cfg->service = svc;

	/* DS-Lite: the B4 address of RFC 6333 unless told otherwise. */
	if (!svc->registers && cfg->has_tunnel && !cfg->has_address) {
		inet_pton(AF_INET, "192.0.0.2", &cfg->address);
		cfg->address_plen = 32;
		cfg->has_address = true;
	}

	if (cfg->iid_from_address && svc->iid != IID_FROM_ADDRESS)
		return bad(p, "iid", "from-address",
			   "only for a service whose rule derives it (v6plus, ocn), not %s",
			   svc->name);
	if (svc->iid == IID_FROM_ADDRESS && cfg->has_address && !cfg->has_local) {
		struct in6_addr want;
		char shown[INET6_ADDRSTRLEN], given[INET6_ADDRSTRLEN], v4[INET_ADDRSTRLEN];
		struct in_addr from = cfg->has_block ? cfg->block : cfg->address;

		service_iid_from_ipv4(&want, from);
		inet_ntop(AF_INET6, &want, shown, sizeof(shown));
		inet_ntop(AF_INET, &from, v4, sizeof(v4));
		if (cfg->has_iid && !cfg->iid_from_address && memcmp(&want, &cfg->iid, sizeof(want))) {
			inet_ntop(AF_INET6, &cfg->iid, given, sizeof(given));
			return bad(p, "iid", given,
				   "contradicts transix-service %s: from %s the rule gives %s (or write iid from-address)",
				   svc->name, v4, shown);
		}
		cfg->iid = want;
		cfg->has_iid = true;
	} else if (cfg->iid_from_address) {
		return bad(p, "iid", "from-address", "needs tunnel-address");
	}
	return 0;
}

/* The update URL, authentication and success words: cfg->update_url,
 * cfg->auth, cfg->success. */
static int parse_request(struct parser *p, const char *user)
{
	struct transix_config *cfg = p->cfg;
	const struct service *svc = cfg->service;
	const char *url = NULL, *auth_v, *ok_v;
	enum service_auth auth = svc->auth;
	struct service_request req;
	char why[128], ok[SERVICE_OK_MAX + 1] = "";
	int r;

	if ((r = get(p, "transix-update-url", &url)) < 0)
		return r;
	if ((r = get(p, "transix-auth", &auth_v)) < 0)
		return r;
	if ((r = get(p, "transix-success", &ok_v)) < 0)
		return r;

	if (!svc->registers) {
		static const char *const none[] = {
			"transix-user", "transix-update-url", "transix-auth", "transix-success", NULL,
		};

		for (const char *const *o = none; *o; o++)
			if (p->lookup(*o, p->ctx))
				return bad(p, *o, NULL, "transix-service %s sends no registration request",
					   svc->name);
		cfg->update_url[0] = '\0';
		return 0;
	}
	if (strcmp(svc->name, "generic")) {
		if (auth_v)
			return bad(p, "transix-auth", auth_v,
				   "only with transix-service generic (%s's is fixed)", svc->name);
		if (ok_v)
			return bad(p, "transix-success", ok_v,
				   "only with transix-service generic (%s's answers are fixed)",
				   svc->name);
	} else if (user && !url) {
		return bad(p, "transix-service", "generic",
			   "needs transix-update-url (a URL with {user}, {password}, {address})");
	}
	if (auth_v) {
		if (!strcmp(auth_v, "basic"))
			auth = AUTH_BASIC;
		else if (!strcmp(auth_v, "query"))
			auth = AUTH_QUERY;
		else
			return bad(p, "transix-auth", auth_v, "expected basic or query");
	}
	if (ok_v) {
		/* Space-separated words in the stanza, '/' for transix-register. */
		size_t n = 0;

		for (const char *w = ok_v; *w;) {
			size_t wl = strcspn(w, " \t");

			if (wl) {
				for (size_t i = 0; i < wl; i++)
					if (w[i] <= ' ' || w[i] >= 0x7f || w[i] == ',' || w[i] == '/')
						return bad(p, "transix-success", ok_v,
							   "words of printable ASCII without , or /");
				if (wl > SERVICE_WORD_MAX || n + wl + 1 > SERVICE_OK_MAX)
					return bad(p, "transix-success", ok_v, "too long");
				if (n)
					ok[n++] = '/';
				memcpy(ok + n, w, wl);
				n += wl;
				ok[n] = '\0';
			}
			w += wl;
			w += strspn(w, " \t");
		}
	}
	if (!user && !url)
		return 0;	/* no registration: nothing to build */
	if (url && !strcmp(svc->name, SERVICE_DEFAULT) && url_check_update_url(url, why, sizeof(why)) < 0)
		return bad(p, "transix-update-url", url, "%s", why);
	if (service_request_init(&req, svc->name, auth_v, ok_v ? ok : NULL, url, why,
				 sizeof(why)) < 0)
		return bad(p, url ? "transix-update-url" : "transix-service", url ? url : svc->name,
			   "%s", why);
	/* transix-register gets them as arguments of their own (service.h). */
	if (strlen(req.url) >= sizeof(cfg->update_url))
		return bad(p, "transix-update-url", url, "too long");
	snprintf(cfg->update_url, sizeof(cfg->update_url), "%s", req.url);
	snprintf(cfg->auth, sizeof(cfg->auth), "%s", auth_v && auth != svc->auth ? auth_v : "");
	snprintf(cfg->success, sizeof(cfg->success), "%s", ok_v ? ok : "");
	return 0;
}

static int parse_registration(struct parser *p)
{
	struct transix_config *cfg = p->cfg;
	const char *user, *file, *inline_pw, *v;
	int r;

	if ((r = get(p, "transix-user", &user)) < 0)
		return r;
	if ((r = get(p, "transix-password-file", &file)) < 0)
		return r;
	if ((r = get(p, "transix-password", &inline_pw)) < 0)
		return r;
	if (user) {
		if (strlen(user) > MAX_USER)
			return bad(p, "transix-user", NULL, "longer than %d bytes", MAX_USER);
		for (const char *c = user; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				return bad(p, "transix-user", NULL, "contains a control character");
		snprintf(cfg->user, sizeof(cfg->user), "%s", user);
		cfg->has_registration = true;
	}
	if (file) {
		if (file[0] != '/')
			return bad(p, "transix-password-file", file, "must be an absolute path");
		if (strlen(file) >= sizeof(cfg->password_file))
			return bad(p, "transix-password-file", NULL, "path too long");
		snprintf(cfg->password_file, sizeof(cfg->password_file), "%s", file);
	}
	/* The inline password is never copied, quoted or measured in messages. */
	cfg->has_inline_password = inline_pw != NULL;

	if (!user && (file || inline_pw))
		return bad(p, file ? "transix-password-file" : "transix-password", NULL,
			   "needs transix-user");
	if (user && !file && !inline_pw)
		return bad(p, "transix-user", user,
			   "needs transix-password-file (or transix-password)");
	if (file && inline_pw)
		return bad(p, "transix-password", NULL,
			   "cannot be used together with transix-password-file");

	if ((r = parse_request(p, user)) < 0)
		return r;
	if ((r = get(p, "transix-timeout", &v)) < 0)
		return r;
	if (r && (r = parse_uint(p, "transix-timeout", v, 1, 300, &cfg->http_timeout)) < 0)
		return r;
	if ((r = get(p, "transix-reregister-interval", &v)) < 0)
		return r;
	if (r) {
		if ((r = parse_uint(p, "transix-reregister-interval", v, 0, 7 * 86400,
				    &cfg->reregister)) < 0)
			return r;
		if (cfg->reregister && cfg->reregister < 60)
			return bad(p, "transix-reregister-interval", v,
				   "0 (never) or at least 60 seconds");
	}
	return 0;
}

static bool is_known(const char *name)
{
	if (!strncmp(name, ALIAS_PREFIX "tunnel-", strlen(ALIAS_PREFIX "tunnel-")))
		name += strlen(ALIAS_PREFIX);
	for (const char *const *k = known_options; *k; k++)
		if (!strcmp(*k, name))
			return true;
	return false;
}

static bool has_any_option(struct parser *p)
{
	bool twice;

	for (const char *const *k = known_options; *k; k++)
		if (lookup_either(p, *k, &twice))
			return true;
	return false;
}

/* Options that only mean something together with another. */
static int check_combinations(struct parser *p)
{
	static const char *const need_remote[] = {
		"tunnel-local", "tunnel-address", "tunnel-name", "tunnel-mtu",
		"tunnel-encaplimit", "tunnel-default-route", NULL,
	};
	struct transix_config *cfg = p->cfg;
	bool twice;

	/* Issue 14: the credentials go to the provisioning server; there is
	 * no separate registration, and the tunnel comes with the answer. */
	if (cfg->provision) {
		cfg->has_registration = false;
		if (p->lookup("accept-ra", p->ctx) && !strcmp(p->lookup("accept-ra", p->ctx), "0"))
			return bad(p, "accept_ra", "0",
				   "transix-provision needs router advertisements (use 1 or 2)");
		return 0;
	}
	if (!cfg->has_tunnel)
		for (const char *const *o = need_remote; *o; o++)
			if (lookup_either(p, *o, &twice))
				return bad(p, *o, NULL, "needs tunnel-remote");
	if (cfg->has_tunnel && !cfg->has_address)
		return bad(p, "tunnel-remote", NULL,
			   "needs tunnel-address (the IPv4 address of the contract; 192.0.0.2 for DS-Lite)");
	if (cfg->has_registration && !cfg->has_tunnel && !cfg->has_iid)
		return bad(p, "transix-user", NULL,
			   "needs iid or tunnel-remote to know which address to register");
	/* ifupdown applies its own accept_ra after our pre-up hook. */
	if (cfg->has_iid && p->lookup("accept-ra", p->ctx) &&
	    !strcmp(p->lookup("accept-ra", p->ctx), "0"))
		return bad(p, "accept_ra", "0", "iid needs router advertisements (use 1 or 2)");
	if (cfg->has_local && cfg->has_iid &&
	    memcmp(cfg->local.s6_addr + 8, cfg->iid.s6_addr + 8, 8))
		return bad(p, "tunnel-local", NULL, "does not end in the iid");
	return 0;
}

int config_parse(struct transix_config *cfg, const char *ifname, config_lookup_fn lookup,
		 void *ctx, const char *const *present, char *err, size_t errlen)
{
	struct parser p = {
		.cfg = cfg, .ifname = ifname, .lookup = lookup, .ctx = ctx,
		.err = err, .errlen = errlen,
	};
	int r;

	memset(cfg, 0, sizeof(*cfg));
	cfg->mtu = DEFAULT_TUNNEL_MTU;
	cfg->encaplimit = ENCAPLIMIT_NONE;
	cfg->default_route = true;
	cfg->optimistic_dad = true;
	cfg->wait = DEFAULT_TUNNEL_WAIT;
	cfg->mss_clamp = MSS_CLAMP_AUTO;	/* issue 10: on by default */
	cfg->http_timeout = DEFAULT_HTTP_TIMEOUT;
	snprintf(cfg->update_url, sizeof(cfg->update_url), "%s", DEFAULT_UPDATE_URL);
	cfg->service = service_find(SERVICE_DEFAULT);
	if (err && errlen)
		err[0] = '\0';

	/* ifupdown2's and ifupdown-ng's own tunnel interfaces say tunnel-mode
	 * (and share tunnel-local with us): such a stanza is theirs. */
	if (!has_any_option(&p) || lookup("tunnel-mode", ctx))
		return 0;
	if (!config_valid_ifname(ifname)) {
		char shown[IF_NAMESIZE * 4 + 8];

		snprintf(err, errlen, "iface %s: not a valid interface name for our options",
			 escape(shown, sizeof(shown), ifname));
		return -EINVAL;
	}
	snprintf(cfg->ifname, sizeof(cfg->ifname), "%s", ifname);
	config_default_tunnel_name(cfg->tunnel_name, ifname);

	for (const char *const *o = present; o && *o; o++)
		if ((!strncmp(*o, "tunnel-", 7) || !strncmp(*o, "transix-", 8)) && !is_known(*o))
			return bad(&p, *o, NULL, "unknown option (misspelt?)");

	if ((r = parse_provision(&p)) < 0 || (r = parse_iid(&p)) < 0 || (r = parse_tunnel(&p)) < 0 || (r = parse_nft(&p)) < 0 ||
	    (r = parse_service(&p)) < 0 || (r = parse_registration(&p)) < 0 || (r = check_combinations(&p)) < 0)
		return r;
	return 1;
}

/* "tunnel-mtu" -> "IF_TUNNEL_MTU", ifupdown's spelling. */
static void env_name(char *out, size_t outlen, const char *option)
{
	size_t i = 0;

	snprintf(out, outlen, "IF_");
	for (i = 3; *option && i + 1 < outlen; option++, i++)
		out[i] = *option == '-' ? '_' : (char)toupper((unsigned char)*option);
	out[i] = '\0';
}

const char *config_env_lookup(const char *option, void *unused)
{
	char name[64];

	(void)unused;
	env_name(name, sizeof(name), option);
	return getenv(name);
}

char **config_env_option_names(char *const *envp)
{
	size_t n = 0, i = 0;
	char **names;

	for (char *const *e = envp; *e; e++)
		n++;
	names = calloc(n + 1, sizeof(*names));
	if (!names)
		return NULL;
	for (char *const *e = envp; *e; e++) {
		const char *eq = strchr(*e, '=');
		char *name;

		if (strncmp(*e, "IF_", 3) || !eq)
			continue;
		name = strndup(*e + 3, (size_t)(eq - *e - 3));
		if (!name) {
			config_free_names(names);
			return NULL;
		}
		for (char *c = name; *c; c++)
			*c = *c == '_' ? '-' : (char)tolower((unsigned char)*c);
		names[i++] = name;
	}
	return names;
}

void config_free_names(char **names)
{
	if (!names)
		return;
	for (char **n = names; *n; n++)
		free(*n);
	free(names);
}
