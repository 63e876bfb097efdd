/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IPv4-over-IPv6 services, in ONE table (service.c): for each, the
 * update request (URL, parameter names, authentication), the answers that
 * mean registered / refused / try again, and the interface-ID rule.  Adding
 * a service is one entry there plus a test.  Pure code: no I/O, no libcurl.
 *
 * The request travels from the stanza (config.c) to transix-register as
 * arguments of their own (service_args()): --service NAME, and for the
 * generic form only --auth basic|query and --success WORD/WORD..., beside
 * --url, which is only ever a URL (or generic's template).  None of them
 * ever holds the password: that goes to transix-register on standard
 * input, and into the request only there.
 */
#ifndef TRANSIX_SERVICE_H
#define TRANSIX_SERVICE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "url.h"

enum service_auth {
	AUTH_QUERY,	/* user and password in the query string */
	AUTH_BASIC,	/* HTTP Basic via libcurl's CURLOPT_USERNAME/PASSWORD */
};

enum iid_rule {
	IID_CONTRACT,		/* the iid the contract gives (transix: ::feed) */
	IID_FROM_ADDRESS,	/* 00 + the 4 bytes of the fixed IPv4 + 24 zero bits */
	IID_ANY,		/* SLAAC's own: nothing to register (DS-Lite) */
};

struct service {
	const char *name;
	const char *url;	/* default base URL; NULL: none (dslite) or given (generic) */
	/* What is appended to the base URL's query ({user}, {password},
	 * {address} replaced, percent-encoded); NULL for generic, whose URL is
	 * a template holding the placeholders itself. */
	const char *query;
	enum service_auth auth;
	const char *ok;		/* '/'-separated words meaning registered (HTTP 200) */
	const char *temporary;	/* '/'-separated words meaning "try again" (HTTP 200) */
	enum iid_rule iid;
	bool registers;		/* false: no request at all (DS-Lite) */
};

#define SERVICE_DEFAULT		"transix"
#define SERVICE_OK_MAX		128		/* generic: the success words, joined */
#define SERVICE_WORD_MAX	32

/* The entry called name, or NULL. */
const struct service *service_find(const char *name);
/* The table itself, NULL-name terminated (for the man page test, listings). */
extern const struct service service_table[];

/* A request: the service, its authentication, answers and URL. */
struct service_request {
	const struct service *svc;
	enum service_auth auth;
	char ok[SERVICE_OK_MAX + 1];	/* '/'-separated */
	const char *url;		/* the caller's string, or the service's */
};

/*
 * The request of the service called name (NULL: the default, transix);
 * auth "basic"/"query" and ok ('/'-separated success words) NULL for the
 * service's own (anything else only for generic); url NULL for the
 * service's own.  Returns 0, or -EINVAL with a short reason in why (never
 * quoting the URL).  The URL is checked with the placeholders taken as
 * plain words.
 */
int service_request_init(struct service_request *req, const char *name, const char *auth,
			 const char *ok, const char *url, char *why, size_t whylen);

/*
 * transix-register's arguments for req but --url: "--service NAME", then
 * "--auth A" and "--success W/W" where they differ from the service's own.
 * Written into store (SERVICE_ARGS buffers of storelen bytes, at least
 * SERVICE_OK_MAX + 1), pointed to by argv, NULL-terminated.  Returns how
 * many.
 */
#define SERVICE_ARGS	6
int service_args(const struct service_request *req, char *const store[SERVICE_ARGS],
		 size_t storelen, char *argv[SERVICE_ARGS + 1]);

/*
 * Checks a URL template: http(s), and only the placeholders {user},
 * {password} and {address}.  Returns 0 or -EINVAL with why.
 */
int service_check_template(const char *tmpl, char *why, size_t whylen);

/*
 * The request URL: the base/template with the service's query appended and
 * {user}, {password}, {address} replaced by their percent-encodings; with
 * HTTP Basic auth, {user}/{password} still work in the URL but the service's
 * query carries none.  malloc'd; holds the password: url_free_secret() it.
 * NULL with errno on failure.
 */
char *service_build_url(const struct service_request *req, const char *user,
			const char *password, const char *address);

/*
 * The interface ID the rule derives from the fixed IPv4 address:
 * 00 + the 4 bytes + 24 zero bits (v6plus: 203.0.113.10 -> ::cb:71:a00:0;
 * OCN: the block's first address the same way).
 */
void service_iid_from_ipv4(struct in6_addr *iid, struct in_addr v4);

/* Text from outside (an answer, a host name) made fit for a log line or the
 * status: printable ASCII, whitespace runs as one space, trimmed, at most
 * min(dstlen - 1, SERVICE_SHOW_MAX) bytes, cut with "...". */
void service_sanitise(char *dst, size_t dstlen, const char *src, size_t len);

/* The class of an answer: the exit status of transix-register (proto.h). */
#define SERVICE_SHOW_MAX	64

/*
 * Classifies the server's answer: HTTP status and body (len bytes, not
 * NUL-terminated, any bytes).  Returns REGISTER_OK, REGISTER_REFUSED or
 * REGISTER_TEMPFAIL, and writes into shown (shownlen bytes, at least
 * SERVICE_SHOW_MAX + 1) a printable line for the status: the answer,
 * sanitised, or a note that it was withheld because it holds the password.
 * For 3xx, the caller adds where the redirect pointed.  Pure.
 */
int register_classify_answer(const struct service_request *req, long http_status,
			     const char *body, size_t len, const char *password, char *shown,
			     size_t shownlen);

#endif
