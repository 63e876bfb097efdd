// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * HB46PP's parsers (hb46pp.c) on arbitrary input: the provisioning server's
 * JSON answer, and the TXT record of 4over6.info.  Input: one byte picking
 * the parser (even: the answer, odd: the TXT record, then the URL built
 * from it), the rest is the text.  Invariants: an answer is either refused
 * (-EINVAL, -EMSGSIZE: nothing handed on, method NONE, names empty), or
 * valid with nothing for us (-ENOENT, method NONE), or gives a method whose
 * parameters hold (ipip: ipv6_local in our /64 with a non-zero interface
 * ID, plen 24..32, no host bits; dslite: an aftr); ttl within the spec's
 * bound; the names printable (no control byte); what the kept-answer file
 * gets back from state_write is what was written.  A TXT record accepted
 * has an http(s) URL whose host is a name or IPv6 literal, never http with
 * t=b; the request built from it carries no credentials of the Location's.
 */
#include "fuzz.h"
#include "hb46pp.h"
#include "url.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

static void no_controls(const char *s)
{
	for (; *s; s++)
		FUZZ_ASSERT((unsigned char)*s >= 0x20 && *s != 0x7f);
}

static void answer(const char *body, size_t len)
{
	static char path[256];
	struct hb46pp_params p, q;
	struct in6_addr prefix;
	char why[256];
	int r;

	inet_pton(AF_INET6, "2001:db8:1:2::", &prefix);
	r = hb46pp_parse_answer(body, len, &prefix, &p, why, sizeof(why));
	FUZZ_ASSERT(r == 0 || r == -ENOENT || r == -EINVAL || r == -EMSGSIZE);
	FUZZ_ASSERT(strlen(why) < sizeof(why));
	no_controls(why);
	if (r == -EINVAL || r == -EMSGSIZE) {
		FUZZ_ASSERT(p.method == HB46PP_NONE && !p.enabler_name[0] && !p.token[0]);
		return;
	}
	FUZZ_ASSERT(p.ttl <= HB46PP_TTL_MAX);
	no_controls(p.enabler_name);
	no_controls(p.service_name);
	no_controls(p.isp_name);
	no_controls(p.token);
	if (r == -ENOENT) {
		FUZZ_ASSERT(p.method == HB46PP_NONE);
		return;
	}
	if (p.method == HB46PP_IPIP) {
		static const unsigned char zero[8];

		FUZZ_ASSERT(!memcmp(p.ipip_local.s6_addr, prefix.s6_addr, 8));
		FUZZ_ASSERT(memcmp(p.ipip_local.s6_addr + 8, zero, 8));
		FUZZ_ASSERT(p.ipip_plen >= 24 && p.ipip_plen <= 32);
		FUZZ_ASSERT(p.ipip_plen == 32 ||
			    !(ntohl(p.ipip_ipv4.s_addr) & ~(~0U << (32 - p.ipip_plen))));
	} else {
		FUZZ_ASSERT(p.method == HB46PP_DSLITE && p.aftr[0]);
		no_controls(p.aftr);
	}
	/* The kept answer reads back as it was. */
	if (!path[0]) {
		snprintf(path, sizeof(path), "/tmp/fuzz-hb46pp.%d/state", (int)getpid());
		mkdir("/tmp", 01777);
	}
	FUZZ_ASSERT(hb46pp_state_write(path, &p) == 0);
	FUZZ_ASSERT(hb46pp_state_read(path, &q) == 0);
	FUZZ_ASSERT(!memcmp(&p, &q, sizeof(p)));
}

/* How often key occurs in url's query (after the first '?', split at '&',
 * keys percent-decoded). */
static int count_key(const char *url, const char *key)
{
	const char *q = strchr(url, '?');
	int n = 0;

	while (q && *q) {
		char k[64];
		size_t len = 0;

		q++;
		for (; *q && *q != '&' && *q != '='; q++) {
			char c = *q;
			unsigned int v;

			if (c == '%' && q[1] && q[2] && sscanf(q + 1, "%2x", &v) == 1 &&
			    strchr("0123456789abcdefABCDEF", q[1]) && strchr("0123456789abcdefABCDEF", q[2])) {
				c = (char)v;
				q += 2;
			}
			if (len < sizeof(k) - 1)
				k[len++] = c;
		}
		k[len] = '\0';
		n += !strcmp(k, key);
		q = strchr(q, '&');
	}
	return n;
}

static void txt(const char *s, size_t len)
{
	struct hb46pp_request req = { .vendorid = "acde48", .product = "fuzz", .version = "1.0" };
	char why[256], host[HB46PP_HOST_MAX + 1];
	struct hb46pp_txt t;
	bool https;
	char *url;

	if (hb46pp_parse_txt(s, len, &t, why, sizeof(why)) < 0) {
		no_controls(why);
		FUZZ_ASSERT(!t.url[0]);
		return;
	}
	FUZZ_ASSERT(hb46pp_url_host(t.url, &https, host, sizeof(host)) == 0);
	FUZZ_ASSERT(https || !t.verify);
	FUZZ_ASSERT(!hb46pp_may_send_credentials(t.url, t.verify, "other.invalid") ||
		    !strcasecmp(host, "other.invalid"));
	url = hb46pp_build_url(t.url, &req);
	FUZZ_ASSERT(url);
	/* As the server parses the query: our parameters once each, nobody's
	 * credentials (none were given). */
	FUZZ_ASSERT(count_key(url, "user") == 0 && count_key(url, "pass") == 0);
	FUZZ_ASSERT(count_key(url, "capability") == 1 && count_key(url, "vendorid") == 1);
	FUZZ_ASSERT(strstr(url, "&capability=dslite%2Cipip"));
	url_free_secret(url);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1)
		return 0;
	s = malloc(size);
	if (!s)
		abort();
	memcpy(s, data + 1, size - 1);
	if (data[0] & 1)
		txt(s, size - 1);
	else
		answer(s, size - 1);
	free(s);
	return 0;
}
