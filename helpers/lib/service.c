// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The one table of IPv4-over-IPv6 services, the request built from it and
 * the answer classified by it.  The facts are third-party observations
 * gathered in issue 11, not provider specifications; each is exercised by
 * an emulated server in test/isp/update-server.py.
 */
#include "service.h"
#include "proto.h"
#include "redact.h"
#include "url.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct service service_table[] = {
	{
		/* Multifeed's transix fixed IP (resold e.g. as ZOOT NATIVE). */
		.name = "transix", .url = "http://update.transix.jp/request",
		.query = "username={user}&password={password}", .auth = AUTH_QUERY,
		.ok = "OK", .temporary = "", .iid = IID_CONTRACT, .registers = true,
	},
	{
		/* JPIX v6プラス固定IP: the request's source becomes the endpoint. */
		.name = "v6plus", .url = "http://fcs.enabler.ne.jp/update",
		.query = "user={user}&pass={password}", .auth = AUTH_QUERY,
		.ok = "OK", .temporary = "", .iid = IID_FROM_ADDRESS, .registers = true,
	},
	{
		/* OCN 固定IP (IPoE): DynDNS style, "good IP" / "nochg IP";
		 * hostname defaults to the user (the contract's ID). */
		.name = "ocn", .url = "http://ipoe-static.ocn.ad.jp/nic/update",
		.query = "hostname={user}", .auth = AUTH_BASIC,
		.ok = "good */nochg *", .temporary = "911/dnserr", .iid = IID_FROM_ADDRESS,
		.registers = true,
	},
	{
		/* transix DS-Lite: the same tunnel, B4 192.0.0.2, no request. */
		.name = "dslite", .url = NULL, .query = NULL, .auth = AUTH_QUERY,
		.ok = "", .temporary = "", .iid = IID_ANY, .registers = false,
	},
	{
		/* A reseller's own server: the URL is a template. */
		.name = "generic", .url = NULL, .query = NULL, .auth = AUTH_QUERY,
		.ok = "OK", .temporary = "", .iid = IID_CONTRACT, .registers = true,
	},
	{ .name = NULL },
};

const struct service *service_find(const char *name)
{
	for (const struct service *s = service_table; s->name; s++)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

static int reject(char *why, size_t whylen, const char *reason)
{
	if (why && whylen)
		snprintf(why, whylen, "%s", reason);
	return -EINVAL;
}

static const char *const placeholders[] = { "{user}", "{password}", "{address}", NULL };

/* The placeholder at p (its index), or -1. */
static int placeholder_at(const char *p)
{
	for (int i = 0; placeholders[i]; i++)
		if (!strncmp(p, placeholders[i], strlen(placeholders[i])))
			return i;
	return -1;
}

int service_check_template(const char *tmpl, char *why, size_t whylen)
{
	char plain[URL_MAX_LEN + 1];
	size_t n = 0;

	if (!tmpl || !*tmpl)
		return reject(why, whylen, "empty");
	/* Each placeholder as a plain word, then the ordinary URL check. */
	for (const char *p = tmpl; *p;) {
		int i = *p == '{' ? placeholder_at(p) : -1;

		if (n + 1 >= sizeof(plain))
			return reject(why, whylen, "too long");
		if (i >= 0) {
			plain[n++] = 'x';
			p += strlen(placeholders[i]);
		} else if (*p == '{' || *p == '}') {
			return reject(why, whylen,
				      "unknown placeholder (known: {user} {password} {address})");
		} else {
			plain[n++] = *p++;
		}
	}
	plain[n] = '\0';
	return url_check_update_url(plain, why, whylen);
}

static bool valid_word(const char *w, size_t len)
{
	if (len == 0 || len > SERVICE_WORD_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (w[i] <= ' ' || w[i] >= 0x7f || w[i] == ',' || w[i] == '/')
			return false;
	return true;
}

int service_request_init(struct service_request *req, const char *name, const char *auth,
			 const char *ok, const char *url, char *why, size_t whylen)
{
	memset(req, 0, sizeof(*req));
	req->svc = service_find(name ? name : SERVICE_DEFAULT);
	if (!req->svc || !req->svc->registers)
		return reject(why, whylen, "unknown service (one that registers: transix, v6plus, "
				"ocn, generic)");
	req->auth = req->svc->auth;
	snprintf(req->ok, sizeof(req->ok), "%s", req->svc->ok);
	/* Only the generic form has no fixed authentication or answers. */
	if ((auth || ok) && strcmp(req->svc->name, "generic"))
		return reject(why, whylen, "the authentication and the success words are fixed "
				"but for the generic service");
	if (auth && !strcmp(auth, "basic"))
		req->auth = AUTH_BASIC;
	else if (auth && strcmp(auth, "query"))
		return reject(why, whylen, "authentication: basic or query");
	if (ok) {
		size_t len = strlen(ok);

		if (!len || len > SERVICE_OK_MAX)
			return reject(why, whylen, "bad success word");
		for (const char *w = ok; *w;) {
			size_t wl = strcspn(w, "/");

			if (!valid_word(w, wl))
				return reject(why, whylen, "bad success word");
			w += wl;
			if (*w == '/' && !*++w)
				return reject(why, whylen, "bad success word");
		}
		memcpy(req->ok, ok, len + 1);
	}
	req->url = url ? url : req->svc->url;
	if (!req->url)
		return reject(why, whylen, "needs a URL");
	return service_check_template(req->url, why, whylen);
}

int service_args(const struct service_request *req, char *const store[SERVICE_ARGS],
		 size_t storelen, char *argv[SERVICE_ARGS + 1])
{
	int n = 0;

	memset(argv, 0, (SERVICE_ARGS + 1) * sizeof(*argv));
	if (!req->svc)
		return 0;
	snprintf(store[n++], storelen, "--service");
	snprintf(store[n++], storelen, "%s", req->svc->name);
	if (req->auth != req->svc->auth) {
		snprintf(store[n++], storelen, "--auth");
		snprintf(store[n++], storelen, "%s", req->auth == AUTH_BASIC ? "basic" : "query");
	}
	if (strcmp(req->ok, req->svc->ok)) {
		snprintf(store[n++], storelen, "--success");
		snprintf(store[n++], storelen, "%s", req->ok);
	}
	for (int i = 0; i < n; i++)
		argv[i] = store[i];
	return n;
}

/* dst may be NULL (measuring).  Returns the length written/needed. */
static size_t expand(char *dst, const char *tmpl, const char *const values[3])
{
	size_t n = 0;

	for (const char *p = tmpl; *p;) {
		int i = *p == '{' ? placeholder_at(p) : -1;

		if (i >= 0) {
			size_t need = url_encode(NULL, 0, values[i]);

			if (dst)
				url_encode(dst + n, need + 1, values[i]);
			n += need;
			p += strlen(placeholders[i]);
		} else {
			if (dst)
				dst[n] = *p;
			n++;
			p++;
		}
	}
	if (dst)
		dst[n] = '\0';
	return n;
}

char *service_build_url(const struct service_request *req, const char *user,
			const char *password, const char *address)
{
	const char *const values[3] = { user, password, address ? address : "" };
	const char *query = req->svc->query;
	const char *sep = "";
	size_t blen, qlen = 0, ulen;
	char *out;

	if (!req->url || !user || !password) {
		errno = EINVAL;
		return NULL;
	}
	ulen = strlen(req->url);
	if (query) {
		if (!strchr(req->url, '?'))
			sep = "?";
		else if (ulen > 0 && req->url[ulen - 1] != '?' && req->url[ulen - 1] != '&')
			sep = "&";
		qlen = expand(NULL, query, values);
	}
	blen = expand(NULL, req->url, values);
	out = malloc(blen + strlen(sep) + qlen + 1);
	if (!out)
		return NULL;
	expand(out, req->url, values);
	strcpy(out + blen, sep);
	if (query)
		expand(out + blen + strlen(sep), query, values);
	return out;
}

void service_iid_from_ipv4(struct in6_addr *iid, struct in_addr v4)
{
	memset(iid, 0, sizeof(*iid));
	/* Bytes 8..15: 00, a, b, c, d, 00, 00, 00. */
	memcpy(&iid->s6_addr[9], &v4.s_addr, 4);
}

static bool is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

void service_sanitise(char *dst, size_t dstlen, const char *src, size_t len)
{
	size_t i, n = 0, max = dstlen - 1;
	bool space = false;

	if (max > SERVICE_SHOW_MAX)
		max = SERVICE_SHOW_MAX;
	while (len > 0 && is_space((unsigned char)src[len - 1]))
		len--;
	while (len > 0 && is_space((unsigned char)*src)) {
		src++;
		len--;
	}
	for (i = 0; i < len && n < max; i++) {
		unsigned char c = (unsigned char)src[i];

		if (is_space(c)) {
			if (!space)
				dst[n++] = ' ';
			space = true;
			continue;
		}
		space = false;
		dst[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	if (i < len && max >= 3)
		memcpy(dst + max - 3, "...", 3);
	dst[n] = '\0';
}

/*
 * The answer for the status line, unless it holds the password in any
 * encoding a server echoing its request could use -- checked on the raw
 * answer AND on the sanitised one: collapsing "pa<TAB><TAB>ss" to "pa ss"
 * can make a password with a space appear (found by fuzz-answer).
 */
static void show(char *shown, size_t shownlen, const char *body, size_t len,
		 const char *password)
{
	service_sanitise(shown, shownlen, body, len);
	if (password && *password && (redact_holds_secret(body, len, password) ||
				       redact_holds_secret(shown, strlen(shown), password)))
		snprintf(shown, shownlen, "%s", "(answer withheld: it contains the password)");
}

/*
 * Whether the answer (trailing whitespace trimmed) is one of words: "W" is
 * the whole answer, "W *" the word then a space and anything (DynDNS's
 * "good 203.0.113.10").
 */
static bool matches(const char *words, const char *body, size_t len)
{
	for (const char *w = words; *w;) {
		size_t wl = strcspn(w, "/");
		bool rest = wl >= 2 && w[wl - 1] == '*' && w[wl - 2] == ' ';
		size_t exact = rest ? wl - 2 : wl;

		if (exact > 0 && len >= exact && !memcmp(body, w, exact) &&
		    (len == exact || (rest && body[exact] == ' ')))
			return true;
		w += wl;
		if (*w == '/')
			w++;
	}
	return false;
}

int register_classify_answer(const struct service_request *req, long http_status,
			     const char *body, size_t len, const char *password, char *shown,
			     size_t shownlen)
{
	char first[SERVICE_WORD_MAX + 1];
	size_t trimmed = len;

	while (trimmed > 0 && is_space((unsigned char)body[trimmed - 1]))
		trimmed--;
	if (http_status == 200 && matches(req->ok, body, trimmed)) {
		/* Registered; the answer is shown as is (DynDNS adds the address). */
		show(shown, shownlen, body, trimmed, password);
		return REGISTER_OK;
	}
	show(shown, shownlen, body, len, password);

	if (http_status >= 300 && http_status < 400)
		return REGISTER_REFUSED;
	/* The server's trouble, not a verdict on us: retried soon. */
	if (http_status >= 500)
		return REGISTER_TEMPFAIL;
	if (http_status != 200)
		return REGISTER_REFUSED;
	service_sanitise(first, sizeof(first), body, trimmed);
	first[strcspn(first, " ")] = '\0';
	if (req->svc->temporary[0] && matches(req->svc->temporary, first, strlen(first)))
		return REGISTER_TEMPFAIL;
	return REGISTER_REFUSED;
}
