/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The stanza options, parsed and validated.  Pure code: the values come from
 * a lookup function (ifupdown's IF_* environment in the programs, a table in
 * the unit tests), nothing here touches the system.
 */
#ifndef TRANSIX_CONFIG_H
#define TRANSIX_CONFIG_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "service.h"
#include "url.h"	/* URL_MAX_LEN */

#define DEFAULT_TUNNEL_MTU	1460
#define DEFAULT_TUNNEL_WAIT	15	/* seconds ifup waits for IPv4 to work */
#define DEFAULT_UPDATE_URL	"http://update.transix.jp/request"
#define DEFAULT_HTTP_TIMEOUT	30	/* seconds, one registration request */
#define ENCAPLIMIT_NONE		(-1)
#define MAX_HOSTNAME		253
#define MAX_USER		128
/* tunnel-mss-clamp (issue 10) */
#define MSS_CLAMP_OFF		0
#define MSS_CLAMP_AUTO		(-1)	/* the route's MTU out, tunnel MTU - 40 in */
#define MIN_MSS_CLAMP		536	/* RFC 879's default: below it, nothing works */
#define MIN_BLOCK_PLEN		24	/* tunnel-block-lan: /24 to /30 */
#define MAX_BLOCK_PLEN		30

struct transix_config {
	char ifname[IF_NAMESIZE];	/* the WAN: the stanza's interface */

	/* iid: the SLAAC interface identifier (kernel token). */
	bool has_iid;
	struct in6_addr iid;
	/* transix-optimistic-dad (issue 13): RFC 4429 for <prefix>::iid, on
	 * by default -- the iid is unique by contract. */
	bool optimistic_dad;

	/* tunnel-*: the ipip6 tunnel; tunnel-remote turns it on. */
	bool has_tunnel;
	bool remote_is_name;		/* tunnel-remote is a host name */
	struct in6_addr remote;
	char remote_name[MAX_HOSTNAME + 1];
	bool has_local;
	struct in6_addr local;
	bool has_address;
	struct in_addr address;
	unsigned int address_plen;
	char tunnel_name[IF_NAMESIZE];
	unsigned int mtu;
	int encaplimit;			/* ENCAPLIMIT_NONE or 0..255 */
	bool default_route;
	unsigned int wait;		/* tunnel-wait, seconds */

	/* Issue 10 (nft.c): tunnel-mss-clamp, tunnel-nat, tunnel-block-lan.
	 * With a block, address is the router's own (the block's first host
	 * address, /32 on the tunnel) and the block is routed to block_lan. */
	int mss_clamp;			/* MSS_CLAMP_OFF, MSS_CLAMP_AUTO or the MSS */
	bool nat;
	bool has_block;
	struct in_addr block;		/* the block's network address */
	unsigned int block_plen;
	char block_lan[IF_NAMESIZE];

	/* transix-service (issue 11): the table entry; iid from-address, or
	 * no iid with a service whose rule derives it, sets iid from
	 * tunnel-address (the block's network address with tunnel-block-lan). */
	const struct service *service;
	bool iid_from_address;

	/* transix-*: the registration request. */
	bool has_registration;
	char user[MAX_USER + 1];
	char password_file[4096];
	bool has_inline_password;	/* the value itself stays in the environment */
	/* The request as transix-register takes it (service.h): --url (the
	 * service's own URL or generic's template), and for generic only
	 * --auth and --success ('/'-separated), "" when the service's own. */
	char update_url[URL_MAX_LEN + 1];
	char auth[8];
	char success[SERVICE_OK_MAX + 1];
	unsigned int http_timeout;	/* transix-timeout */
	unsigned int reregister;	/* transix-reregister-interval, 0 = never */

	/* transix-provision (issue 14): HB46PP gives the method and the
	 * tunnel's parameters; transix-user and the password go to the
	 * provisioning server (has_registration stays false: no update URL).
	 * The supervisor fills has_tunnel, remote, address, iid... from the
	 * answer (provision.h). */
	bool provision;
	char provision_server[MAX_HOSTNAME + 1];	/* "" = discovery by DNS TXT */
	char provision_ca_file[4096];			/* "" = the system's CA store */
};

/* Returns the value of a stanza option ("tunnel-mtu"), NULL when absent. */
typedef const char *(*config_lookup_fn)(const char *option, void *ctx);

/*
 * Fills cfg from the options of stanza ifname.  Returns 1 when the stanza
 * uses our options, 0 when it has none of them or is a tunnel stanza of
 * ifupdown2/ifupdown-ng (tunnel-mode): nothing to do; -EINVAL
 * with a one-line message in err naming the option and value otherwise.
 * present, if not NULL, is a NULL-terminated list of the stanza's option
 * names: one that starts with "tunnel-" or "transix-" but is not ours is
 * reported as unknown (a typo must not be silently ignored).
 */
int config_parse(struct transix_config *cfg, const char *ifname, config_lookup_fn lookup,
		 void *ctx, const char *const *present, char *err, size_t errlen);

/* Lists the option names present in an ifupdown environment (IF_* vars),
 * lower-cased with '-' for '_'; free with config_free_names(). */
char **config_env_option_names(char *const *envp);
void config_free_names(char **names);

/* lookup for ifupdown's environment: "tunnel-mtu" -> $IF_TUNNEL_MTU */
const char *config_env_lookup(const char *option, void *unused);

/* The default tunnel name for a WAN: "tx-IFNAME", or a hash when too long. */
void config_default_tunnel_name(char out[IF_NAMESIZE], const char *ifname);

/* Small validators, exposed for reuse and tests. */
bool config_valid_ifname(const char *name);
bool config_valid_hostname(const char *name);

#endif
