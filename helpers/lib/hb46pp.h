/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HB46PP ("HTTP-Based IPv4 over IPv6 Provisioning Protocol", v6pc/v6mig-prov
 * spec 1.0 of 2020-08-13 and 1.1 of 2021-10-07): the pure parts.
 *
 *  - the DNS TXT record of 4over6.info, "v=v6mig-1 url=https://... t=a|b";
 *  - the request URL: URL?vendorid=&product=&version=&capability=dslite,ipip
 *    [&token=][&user=&pass=], with the rule of when user/pass may be sent;
 *  - the answer (JSON, json-c) into the parameters of the first method of
 *    "order" that we support (ipip or dslite), with limits: size, depth,
 *    types, ttl 1..604800, addresses that can be ours;
 *  - the kept answer: a key=value file under /var/lib/ifupdown-transix/,
 *    written atomically, mode 0600 (spec 3.5: "may be kept and used when the
 *    server is unreachable"; transix-provision --forget or rm removes it).
 *
 * No printing, no exit: 0 / -errno, and a reason in why[] where it helps.
 * hb46pp.c: the TXT record, the request, the answer (json-c);
 * hb46pp-state.c: the kept answer and the checks both use (no json-c).
 */
#ifndef TRANSIX_HB46PP_H
#define TRANSIX_HB46PP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HB46PP_TTL_MAX		604800	/* the spec's upper bound, seconds */
#define HB46PP_TXT_NAME		"4over6.info"
#define HB46PP_BODY_MAX		(256 * 1024)	/* 256 MAP-E rules fit many times over */
#define HB46PP_DEPTH_MAX	16	/* the spec's answers are 4 deep */
#define HB46PP_URL_MAX		1024
#define HB46PP_HOST_MAX		253	/* a DNS name (or an IPv6 literal) */
#define HB46PP_NAME_MAX		254	/* enabler_name etc.: "256 bytes with both quotes" */
#define HB46PP_TOKEN_MAX	64	/* a 256-bit number in hex */
#define HB46PP_CRED_MAX		32	/* user, pass: "32 characters or fewer" */
#define HB46PP_REDIRECTS_MAX	4	/* 307s followed per fetch */
/* ipv4 of an ipip answer: one address (/32) or a block as the stanza's
 * tunnel-address takes one (config.h MIN_BLOCK_PLEN). */
#define HB46PP_IPV4_PLEN_MIN	24

#ifndef HB46PP_STATE_DIR
#define HB46PP_STATE_DIR	"/var/lib/ifupdown-transix"
#endif

enum hb46pp_method { HB46PP_NONE, HB46PP_IPIP, HB46PP_DSLITE };
enum hb46pp_auth   { HB46PP_AUTH_NONE, HB46PP_AUTH_REQ, HB46PP_AUTH_BAD, HB46PP_AUTH_OK };

struct hb46pp_params {			/* the chosen method of the last good answer */
	enum hb46pp_method method;
	struct in6_addr ipip_local;	/* ipv6_local: its interface ID is our token */
	struct in6_addr ipip_remote;	/* ipv6_remote */
	struct in_addr ipip_ipv4;	/* ipv4 (the address, or a block's network) */
	unsigned char ipip_plen;	/* 32 one address, < 32 a block */
	char aftr[HB46PP_HOST_MAX + 1];	/* dslite: a host name or an IPv6 literal */
	unsigned int ttl;		/* seconds as answered; 0 = none given */
	enum hb46pp_auth auth;
	char token[HB46PP_TOKEN_MAX + 1];	/* sent back on the next request */
	char enabler_name[HB46PP_NAME_MAX + 1], service_name[HB46PP_NAME_MAX + 1];
	char isp_name[HB46PP_NAME_MAX + 1];
	char server[HB46PP_HOST_MAX + 1];	/* host of the URL that answered */
	int64_t fetched;		/* time(NULL) of the fetch */
};

/* The TXT record (spec 3.1). */
struct hb46pp_txt {
	char url[HB46PP_URL_MAX + 1];
	bool verify;			/* t=b: verify the server certificate */
};

/*
 * Parses one TXT record's text (the strings of the record concatenated):
 * space-separated key=value words, v=v6mig-1 required, url= an http or https
 * URL with a host, t=a or t=b required (http with t=b is refused: the spec
 * says http MUST come with t=a); unknown keys are ignored.  0 or -EINVAL with
 * a reason (quoting no more than the offending word, sanitised) in why.
 */
int hb46pp_parse_txt(const char *txt, size_t len, struct hb46pp_txt *out, char *why, size_t whylen);

/*
 * Scheme and host of an http/https URL ("https", "prov.example.jp";
 * an IPv6 literal without brackets).  0 or -EINVAL.
 */
int hb46pp_url_host(const char *url, bool *https, char *host, size_t hostlen);

/*
 * Whether user/pass may go with a request to url (spec 3.3, "user"):
 * only over https with the certificate verified (t=b), and when a server
 * name was configured (server non-NULL), only when url's host is that name
 * (compared without case).  We are stricter than the spec without a
 * configured name (it allows any request): never in clear text, never to
 * a server whose certificate is not checked.
 */
bool hb46pp_may_send_credentials(const char *url, bool verify, const char *server);

struct hb46pp_request {
	const char *vendorid;		/* "OUI[-text]", hb46pp_check_vendorid() */
	const char *product;		/* [A-Za-z0-9_-]{1,32} */
	const char *version;		/* any: turned into [0-9_]{1,32} */
	const char *token;		/* NULL or the kept answer's */
	const char *user, *pass;	/* both or neither; may hold a secret */
};

/* "OUI" (6 hex digits) optionally followed by "-" and 1..24 of [0-9A-Za-z_]. */
int hb46pp_check_vendorid(const char *v);

/*
 * The request URL: base's scheme, host and path; of base's query, whatever
 * is not one of our parameters (a 307's Location may carry the server's own
 * words, or ours, credentials included: those are dropped and ours put
 * back); then vendorid, product, version, capability=dslite,ipip, token,
 * user and pass, percent-encoded.  malloc'd, release with url_free_secret()
 * (it may hold the password); NULL with errno (EINVAL, ENOMEM).
 */
char *hb46pp_build_url(const char *base, const struct hb46pp_request *r);

/*
 * Parses an answer body (spec 3.4) into out: the names, ttl, token, auth,
 * and the parameters of the first method of "order" we support.
 * prefix: the /64 we send from (NULL: not checked); ipv6_local must be in it.
 * Returns
 *   0        out->method is IPIP or DSLITE;
 *   -ENOENT  a valid answer with nothing for us (order [] or only methods
 *            we don't do): out->method NONE, the rest filled in;
 *   -EMSGSIZE over HB46PP_BODY_MAX;
 *   -EINVAL  not JSON, too deep, a wrong type, ttl out of range, a bad
 *            address (the chosen method's), a bad name or token.
 * why says what, never quoting more than a sanitised word of the answer.
 */
int hb46pp_parse_answer(const char *body, size_t len, const struct in6_addr *prefix,
			struct hb46pp_params *out, char *why, size_t whylen);

/*
 * Whether two answers set up the same thing: the method and its parameters
 * (not ttl, auth, token, the names, server or fetched).  The supervisor
 * reconfigures only when they differ (issue 14: "only then").
 */
bool hb46pp_same_setup(const struct hb46pp_params *a, const struct hb46pp_params *b);
/* ipip: the interface ID of ipv6_local as a token (::IID), all zero else. */
void hb46pp_token_of(const struct hb46pp_params *p, struct in6_addr *token);

const char *hb46pp_method_name(enum hb46pp_method m);	/* "none", "ipip", "dslite" */
const char *hb46pp_auth_name(enum hb46pp_auth a);	/* "none", "req", "bad", "ok" */

/*
 * From here on: hb46pp-state.c, which needs no json-c (the supervisor reads
 * the kept answer and links only that).
 */

/* The checks an answer's values and the kept answer's pass: */
/* unicast, not loopback/link-local/v4-mapped/v4-compatible */
bool hb46pp_usable6(const struct in6_addr *a);
/* LDH labels of 1..63, 1..253 bytes, not all digits and dots */
bool hb46pp_valid_hostname(const char *h, size_t len);
/* "A.B.C.D" or "A.B.C.D/len", len 24..32, aligned, not 0/8, 127/8,
 * 169.254/16 or 224/3.  0 or -EINVAL. */
int hb46pp_parse_ipv4(const char *s, struct in_addr *a, unsigned char *plen);
/* 1..64 letters and digits */
bool hb46pp_valid_token(const char *s);
/* src (len bytes) into dst: valid UTF-8 kept, control bytes and invalid
 * sequences as '?', NUL-terminated within size. */
void hb46pp_copy_text(char *dst, size_t size, const char *src, size_t len);

/* Default state file: HB46PP_STATE_DIR/IFNAME.hb46pp.  0 or -ENAMETOOLONG. */
int hb46pp_state_path(char *buf, size_t len, const char *ifname);

/*
 * The kept answer as key=value lines (method, ipv6_local, ipv6_remote,
 * ipv4, aftr, ttl, auth, token, enabler_name, service_name, isp_name,
 * server, fetched), written to path.tmp, fsync'd, renamed over path
 * (atomic), mode 0600; the directory is made (0755) if missing.
 */
int hb46pp_state_write(const char *path, const struct hb46pp_params *p);
/* 0, -ENOENT (none kept), -EINVAL (not a valid kept answer), or -errno. */
int hb46pp_state_read(const char *path, struct hb46pp_params *p);

#endif
