// SPDX-License-Identifier: GPL-2.0-or-later
#include "hb46pp.h"
#include "url.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define IPIP_ENTRIES_MAX 16
#define ORDER_MAX	32

static void say(char *why, size_t whylen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (!why || !whylen)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

/* At most 40 bytes of outside text for a message: printable ASCII, the
 * rest '?', "..." when cut. */
static const char *shown(char *dst, size_t size, const char *src, size_t len)
{
	size_t i, max = size - 4 < 40 ? size - 4 : 40;

	for (i = 0; i < len && i < max; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	dst[i] = '\0';
	if (i < len)
		strcpy(dst + i, "...");
	return dst;
}

/* ---- URLs ------------------------------------------------------------------ */

/* Splits url into scheme, host (brackets removed) and the rest (from the
 * path on).  Every byte printable ASCII, no userinfo, no fragment. */
static int split_url(const char *url, bool *https, char *host, size_t hostlen,
		     const char **rest)
{
	const char *p, *end;
	size_t n;

	for (p = url; *p; p++) {
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '#')
			return -EINVAL;
	}
	if (!strncasecmp(url, "https://", 8)) {
		*https = true;
		p = url + 8;
	} else if (!strncasecmp(url, "http://", 7)) {
		*https = false;
		p = url + 7;
	} else {
		return -EINVAL;
	}
	end = p + strcspn(p, "/?");
	if (memchr(p, '@', (size_t)(end - p)))
		return -EINVAL;
	if (*p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));
		char lit[INET6_ADDRSTRLEN];
		struct in6_addr a;

		n = close ? (size_t)(close - p - 1) : 0;
		if (!close || n == 0 || n >= sizeof(lit))
			return -EINVAL;
		memcpy(lit, p + 1, n);
		lit[n] = '\0';
		if (inet_pton(AF_INET6, lit, &a) != 1 || !hb46pp_usable6(&a))
			return -EINVAL;
		if (n >= hostlen)
			return -EINVAL;
		memcpy(host, lit, n + 1);
		p = close + 1;
	} else {
		const char *colon = memchr(p, ':', (size_t)(end - p));

		n = (size_t)((colon ? colon : end) - p);
		if (!hb46pp_valid_hostname(p, n) || n >= hostlen)
			return -EINVAL;
		memcpy(host, p, n);
		host[n] = '\0';
		p += n;
	}
	if (*p == ':') {
		unsigned long port = 0;

		if (p + 1 == end || end - p > 6)
			return -EINVAL;
		for (const char *d = p + 1; d < end; d++) {
			if (*d < '0' || *d > '9')
				return -EINVAL;
			port = port * 10 + (unsigned long)(*d - '0');
		}
		if (port < 1 || port > 65535)
			return -EINVAL;
		p = end;
	}
	if (p != end)
		return -EINVAL;
	if (rest)
		*rest = end;
	return 0;
}

int hb46pp_url_host(const char *url, bool *https, char *host, size_t hostlen)
{
	bool h = false;
	char tmp[HB46PP_HOST_MAX + 1];
	int r;

	if (!url || strlen(url) > HB46PP_URL_MAX)
		return -EINVAL;
	r = split_url(url, &h, tmp, sizeof(tmp), NULL);
	if (r < 0)
		return r;
	if (https)
		*https = h;
	if (host) {
		if (strlen(tmp) >= hostlen)
			return -ENAMETOOLONG;
		strcpy(host, tmp);
	}
	return 0;
}

bool hb46pp_may_send_credentials(const char *url, bool verify, const char *server)
{
	char host[HB46PP_HOST_MAX + 1];
	bool https;

	if (hb46pp_url_host(url, &https, host, sizeof(host)) < 0)
		return false;
	if (!https || !verify)
		return false;
	return !server || !strcasecmp(host, server);
}

/* ---- the TXT record -------------------------------------------------------- */

int hb46pp_parse_txt(const char *txt, size_t len, struct hb46pp_txt *out, char *why, size_t whylen)
{
	const char *url = NULL;
	size_t urllen = 0, i = 0;
	bool version = false, t = false, https;
	char w[48];

	memset(out, 0, sizeof(*out));
	if (memchr(txt, '\0', len)) {
		say(why, whylen, "a NUL byte in the record");
		return -EINVAL;
	}
	while (i < len) {
		size_t start, n;
		const char *word;

		while (i < len && (txt[i] == ' ' || txt[i] == '\t'))
			i++;
		start = i;
		while (i < len && txt[i] != ' ' && txt[i] != '\t')
			i++;
		word = txt + start;
		n = i - start;
		if (n == 0)
			break;
		if (n >= 2 && !memcmp(word, "v=", 2)) {
			if (n != 9 || memcmp(word, "v=v6mig-1", 9)) {
				say(why, whylen, "unknown version %s", shown(w, sizeof(w), word, n));
				return -EINVAL;
			}
			version = true;
		} else if (n >= 4 && !memcmp(word, "url=", 4)) {
			url = word + 4;
			urllen = n - 4;
		} else if (n >= 2 && !memcmp(word, "t=", 2)) {
			if (n != 3 || (word[2] != 'a' && word[2] != 'b')) {
				say(why, whylen, "t= must be a or b, not %s", shown(w, sizeof(w), word, n));
				return -EINVAL;
			}
			out->verify = word[2] == 'b';
			t = true;
		}
		/* other words: a later version's, ignored */
	}
	if (!version) {
		say(why, whylen, "no v=v6mig-1");
		return -EINVAL;
	}
	if (!url || !t) {
		say(why, whylen, "no %s", !url ? "url=" : "t=");
		return -EINVAL;
	}
	if (urllen > HB46PP_URL_MAX) {
		say(why, whylen, "url= longer than %d bytes", HB46PP_URL_MAX);
		return -EINVAL;
	}
	memcpy(out->url, url, urllen);
	out->url[urllen] = '\0';
	if (hb46pp_url_host(out->url, &https, NULL, 0) < 0) {
		say(why, whylen, "url= is not an http or https URL with a host name or IPv6 "
			"address: %s", shown(w, sizeof(w), url, urllen));
		memset(out, 0, sizeof(*out));
		return -EINVAL;
	}
	/* Spec 3.1: "url の scheme が http の場合は t=a とすること (MUST)". */
	if (!https && out->verify) {
		say(why, whylen, "t=b with an http URL");
		memset(out, 0, sizeof(*out));
		return -EINVAL;
	}
	return 0;
}

/* ---- the request ----------------------------------------------------------- */

static bool only_chars(const char *s, size_t min, size_t max, const char *extra)
{
	size_t n = strlen(s);

	if (n < min || n > max)
		return false;
	for (; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || (extra && *s && strchr(extra, *s))))
			return false;
	}
	return true;
}

int hb46pp_check_vendorid(const char *v)
{
	if (!v || strlen(v) < 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		char c = v[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return -EINVAL;
	}
	if (!v[6])
		return 0;
	return v[6] == '-' && only_chars(v + 7, 1, 24, "_") ? 0 : -EINVAL;
}

/* "1.2.3-1~bpo" -> "1_2_3_1": digits, each run of others one '_'
 * (spec: [0-9_]{1,32}, "underscores instead of periods"). */
static void version_word(char *dst, size_t size, const char *v)
{
	size_t n = 0;

	for (; v && *v && n + 1 < size && n < 32; v++) {
		if (*v >= '0' && *v <= '9')
			dst[n++] = *v;
		else if (n && dst[n - 1] != '_')
			dst[n++] = '_';
	}
	while (n && dst[n - 1] == '_')
		n--;
	if (!n)
		dst[n++] = '0';
	dst[n] = '\0';
}

static const char *const our_params[] = {
	"vendorid", "product", "version", "capability", "token", "user", "pass",
};

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Whether a query part's key, percent-decoded as the server will decode it
 * ("p%61ss" is "pass"), is one of our parameters. */
static bool is_ours(const char *kv, size_t len)
{
	char key[16];
	size_t klen = strcspn(kv, "=&"), n = 0;

	if (klen > len)
		klen = len;
	for (size_t i = 0; i < klen; i++) {
		char c = kv[i];

		if (c == '%' && i + 2 < klen && hexval(kv[i + 1]) >= 0 && hexval(kv[i + 2]) >= 0) {
			c = (char)(hexval(kv[i + 1]) * 16 + hexval(kv[i + 2]));
			i += 2;
		}
		if (n == sizeof(key) - 1)
			return false;	/* longer than any of ours */
		key[n++] = c;
	}
	key[n] = '\0';
	for (size_t i = 0; i < sizeof(our_params) / sizeof(our_params[0]); i++) {
		if (!strcmp(key, our_params[i]))
			return true;
	}
	return false;
}

struct buf {
	char *p;
	size_t len, size;
	bool query;	/* a query part written: the next one after '&' */
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n < b->size) {
		memcpy(b->p + b->len, s, n);
		b->len += n;
		b->p[b->len] = '\0';
	}
}

static void put_param(struct buf *b, const char *key, const char *value)
{
	put(b, "&", b->query);
	b->query = true;
	put(b, key, strlen(key));
	put(b, "=", 1);
	b->len += url_encode(b->p + b->len, b->size - b->len, value);
}

char *hb46pp_build_url(const char *base, const struct hb46pp_request *r)
{
	char host[HB46PP_HOST_MAX + 1], version[33];
	const char *rest, *query;
	struct buf b;
	bool https;

	if (!base || !r || !r->product || hb46pp_url_host(base, &https, host, sizeof(host)) < 0 ||
	    hb46pp_check_vendorid(r->vendorid) < 0 || !only_chars(r->product, 1, 32, "-_") ||
	    !r->user != !r->pass || (r->token && !hb46pp_valid_token(r->token))) {
		errno = EINVAL;
		return NULL;
	}
	split_url(base, &https, host, sizeof(host), &rest);
	version_word(version, sizeof(version), r->version);
	/* Each value at most triples when encoded. */
	b.size = strlen(base) + 2 + 200 + 3 * (strlen(r->vendorid) + strlen(r->product) +
		 strlen(version) + (r->token ? strlen(r->token) : 0) +
		 (r->user ? strlen(r->user) + strlen(r->pass) : 0));
	b.p = malloc(b.size);
	if (!b.p)
		return NULL;
	b.len = 0;
	b.query = false;
	b.p[0] = '\0';
	query = strchr(rest, '?');
	put(&b, base, query ? (size_t)(query - base) : strlen(base));
	put(&b, "?", 1);
	/* The server's own parameters stay; ours (and any credentials a
	 * Location carried) are replaced. */
	for (const char *q = query ? query + 1 : ""; *q;) {
		size_t n = strcspn(q, "&");

		if (n && !is_ours(q, n)) {
			put(&b, "&", b.query);
			b.query = true;
			put(&b, q, n);
		}
		q += n + (q[n] == '&');
	}
	put_param(&b, "vendorid", r->vendorid);
	put_param(&b, "product", r->product);
	put_param(&b, "version", version);
	put_param(&b, "capability", "dslite,ipip");
	if (r->token)
		put_param(&b, "token", r->token);
	if (r->user) {
		put_param(&b, "user", r->user);
		put_param(&b, "pass", r->pass);
	}
	if (b.len + 1 >= b.size) {	/* cannot happen: sized above */
		url_free_secret(b.p);
		errno = ENOMEM;
		return NULL;
	}
	return b.p;
}

/* ---- the answer ------------------------------------------------------------ */

/* An optional string member: absent or null leaves dst "" (0); a string of
 * at most max bytes is copied (0); anything else -EINVAL. */
static int get_string(json_object *obj, const char *key, char *dst, size_t max, bool text,
		      char *why, size_t whylen)
{
	json_object *v;
	const char *s;
	size_t n;

	dst[0] = '\0';
	if (!json_object_object_get_ex(obj, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_string)) {
		say(why, whylen, "%s is not a string", key);
		return -EINVAL;
	}
	s = json_object_get_string(v);
	n = (size_t)json_object_get_string_len(v);
	if (n > max || memchr(s, '\0', n)) {
		say(why, whylen, "%s longer than %zu bytes or with a NUL byte", key, max);
		return -EINVAL;
	}
	if (text) {
		hb46pp_copy_text(dst, max + 1, s, n);
	} else {
		memcpy(dst, s, n);
		dst[n] = '\0';
	}
	return 0;
}

/* An address member of an ipip entry: IPv6, usable. */
static int get_addr6(json_object *entry, const char *key, struct in6_addr *a, char *why,
		     size_t whylen)
{
	char s[INET6_ADDRSTRLEN + 1], w[48];
	int r = get_string(entry, key, s, INET6_ADDRSTRLEN, false, why, whylen);

	if (r < 0)
		return r;
	if (!*s) {
		say(why, whylen, "ipip: no %s", key);
		return -EINVAL;
	}
	if (inet_pton(AF_INET6, s, a) != 1 || !hb46pp_usable6(a)) {
		say(why, whylen, "ipip: %s %s is not a unicast IPv6 address",
		    key, shown(w, sizeof(w), s, strlen(s)));
		return -EINVAL;
	}
	return 0;
}

static bool in_prefix64(const struct in6_addr *a, const struct in6_addr *prefix)
{
	return !memcmp(a->s6_addr, prefix->s6_addr, 8);
}

static int parse_ipip(json_object *root, const struct in6_addr *prefix,
		      struct hb46pp_params *out, char *why, size_t whylen)
{
	json_object *list;
	size_t n;
	int r;

	if (!json_object_object_get_ex(root, "ipip", &list) || !list) {
		say(why, whylen, "order names ipip but there is no ipip");
		return -EINVAL;
	}
	if (!json_object_is_type(list, json_type_array)) {
		say(why, whylen, "ipip is not an array");
		return -EINVAL;
	}
	n = json_object_array_length(list);
	if (n == 0 || n > IPIP_ENTRIES_MAX) {
		say(why, whylen, "ipip has %zu entries (1..%d)", n, IPIP_ENTRIES_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(list, i);
		struct in6_addr local, remote;
		struct in_addr v4;
		unsigned char plen;
		char s[INET_ADDRSTRLEN + 4], w[48];

		if (!e || !json_object_is_type(e, json_type_object)) {
			say(why, whylen, "ipip[%zu] is not an object", i);
			return -EINVAL;
		}
		if ((r = get_addr6(e, "ipv6_local", &local, why, whylen)) < 0 ||
		    (r = get_addr6(e, "ipv6_remote", &remote, why, whylen)) < 0 ||
		    (r = get_string(e, "ipv4", s, sizeof(s) - 1, false, why, whylen)) < 0)
			return r;
		if (!*s || hb46pp_parse_ipv4(s, &v4, &plen) < 0) {
			say(why, whylen, "ipip: ipv4 %s is not a public IPv4 address or an aligned "
			    "block /%d to /32", *s ? shown(w, sizeof(w), s, strlen(s)) : "(none)",
			    HB46PP_IPV4_PLEN_MIN);
			return -EINVAL;
		}
		if (!memcmp(&local, &remote, sizeof(local))) {
			say(why, whylen, "ipip: ipv6_local and ipv6_remote are the same address");
			return -EINVAL;
		}
		/* Its interface ID becomes our token: it must not be zero. */
		if (!memcmp(local.s6_addr + 8, "\0\0\0\0\0\0\0", 8)) {
			say(why, whylen, "ipip: ipv6_local has a zero interface ID");
			return -EINVAL;
		}
		if (prefix && !in_prefix64(&local, prefix))
			continue;	/* another line's entry */
		out->ipip_local = local;
		out->ipip_remote = remote;
		out->ipip_ipv4 = v4;
		out->ipip_plen = plen;
		out->method = HB46PP_IPIP;
		return 0;
	}
	if (prefix) {
		char p[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, prefix, p, sizeof(p));
		say(why, whylen, "ipip: no ipv6_local in our prefix (of %s/64)", p);
	}
	return -EINVAL;
}

static int parse_dslite(json_object *root, struct hb46pp_params *out, char *why, size_t whylen)
{
	json_object *o;
	struct in6_addr a;
	char w[48];
	int r;

	if (!json_object_object_get_ex(root, "dslite", &o) || !o) {
		say(why, whylen, "order names dslite but there is no dslite");
		return -EINVAL;
	}
	if (!json_object_is_type(o, json_type_object)) {
		say(why, whylen, "dslite is not an object");
		return -EINVAL;
	}
	r = get_string(o, "aftr", out->aftr, HB46PP_HOST_MAX, false, why, whylen);
	if (r < 0)
		return r;
	if (!*out->aftr) {
		say(why, whylen, "dslite: no aftr");
		return -EINVAL;
	}
	if (strchr(out->aftr, ':') ? inet_pton(AF_INET6, out->aftr, &a) != 1 || !hb46pp_usable6(&a)
				   : !hb46pp_valid_hostname(out->aftr, strlen(out->aftr))) {
		say(why, whylen, "dslite: aftr %s is neither a host name nor a unicast IPv6 "
		    "address", shown(w, sizeof(w), out->aftr, strlen(out->aftr)));
		out->aftr[0] = '\0';
		return -EINVAL;
	}
	out->method = HB46PP_DSLITE;
	return 0;
}

static int parse_root(json_object *root, const struct in6_addr *prefix,
		      struct hb46pp_params *out, char *why, size_t whylen)
{
	json_object *v, *order;
	char auth[8], w[48];
	size_t n;
	int r;

	if (!json_object_is_type(root, json_type_object)) {
		say(why, whylen, "the answer is not a JSON object");
		return -EINVAL;
	}
	if ((r = get_string(root, "enabler_name", out->enabler_name, HB46PP_NAME_MAX, true,
			    why, whylen)) < 0 ||
	    (r = get_string(root, "service_name", out->service_name, HB46PP_NAME_MAX, true,
			    why, whylen)) < 0 ||
	    (r = get_string(root, "isp_name", out->isp_name, HB46PP_NAME_MAX, true,
			    why, whylen)) < 0 ||
	    (r = get_string(root, "token", out->token, HB46PP_TOKEN_MAX, false, why, whylen)) < 0 ||
	    (r = get_string(root, "auth", auth, sizeof(auth) - 1, false, why, whylen)) < 0)
		return r;
	if (*out->token && !hb46pp_valid_token(out->token)) {
		say(why, whylen, "token is not 1..%d letters and digits", HB46PP_TOKEN_MAX);
		out->token[0] = '\0';
		return -EINVAL;
	}
	if (!*auth)
		out->auth = HB46PP_AUTH_NONE;
	else if (!strcmp(auth, "req"))
		out->auth = HB46PP_AUTH_REQ;
	else if (!strcmp(auth, "bad"))
		out->auth = HB46PP_AUTH_BAD;
	else if (!strcmp(auth, "ok"))
		out->auth = HB46PP_AUTH_OK;
	else {
		say(why, whylen, "auth %s is not req, bad or ok", shown(w, sizeof(w), auth,
									 strlen(auth)));
		return -EINVAL;
	}

	if (json_object_object_get_ex(root, "ttl", &v) && v) {
		int64_t ttl;

		if (!json_object_is_type(v, json_type_int)) {
			say(why, whylen, "ttl is not an integer");
			return -EINVAL;
		}
		ttl = json_object_get_int64(v);
		/* A big number saturates to INT64_MAX: out of range all the same. */
		if (ttl < 1 || ttl > HB46PP_TTL_MAX) {
			say(why, whylen, "ttl %" PRId64 " out of range 1..%d", ttl, HB46PP_TTL_MAX);
			return -EINVAL;
		}
		out->ttl = (unsigned int)ttl;
	}

	if (!json_object_object_get_ex(root, "order", &order) || !order) {
		say(why, whylen, "no order");
		return -EINVAL;
	}
	if (!json_object_is_type(order, json_type_array)) {
		say(why, whylen, "order is not an array");
		return -EINVAL;
	}
	n = json_object_array_length(order);
	if (n > ORDER_MAX) {
		say(why, whylen, "order has %zu entries (at most %d)", n, ORDER_MAX);
		return -EINVAL;
	}
	/* Every entry a string, before any is acted on. */
	for (size_t i = 0; i < n; i++) {
		json_object *m = json_object_array_get_idx(order, i);

		if (!m || !json_object_is_type(m, json_type_string)) {
			say(why, whylen, "order[%zu] is not a string", i);
			return -EINVAL;
		}
	}
	for (size_t i = 0; i < n; i++) {
		const char *m = json_object_get_string(json_object_array_get_idx(order, i));

		if (!strcmp(m, "ipip"))
			return parse_ipip(root, prefix, out, why, whylen);
		if (!strcmp(m, "dslite"))
			return parse_dslite(root, out, why, whylen);
		/* map_e, map_t, lw4o6, 464xlat, anything newer: not ours */
	}
	say(why, whylen, n ? "order offers no method we support (ipip, dslite)" : "order is empty");
	return -ENOENT;
}

int hb46pp_parse_answer(const char *body, size_t len, const struct in6_addr *prefix,
			struct hb46pp_params *out, char *why, size_t whylen)
{
	struct json_tokener *tok;
	enum json_tokener_error err;
	json_object *root;
	size_t end;
	int r;

	memset(out, 0, sizeof(*out));
	if (why && whylen)
		why[0] = '\0';
	if (len > HB46PP_BODY_MAX) {
		say(why, whylen, "answer larger than %d bytes", HB46PP_BODY_MAX);
		return -EMSGSIZE;
	}
	if (memchr(body, '\0', len)) {
		say(why, whylen, "a NUL byte in the answer");
		return -EINVAL;
	}
	tok = json_tokener_new_ex(HB46PP_DEPTH_MAX);
	if (!tok)
		return -ENOMEM;
	/* RFC 8259 (spec 1.1): no comments, no trailing commas, nothing after
	 * the value, which json-c otherwise takes. */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, body, (int)len);
	err = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!root || err != json_tokener_success) {
		if (err == json_tokener_error_depth)
			say(why, whylen, "JSON nested deeper than %d", HB46PP_DEPTH_MAX);
		else if (err == json_tokener_continue)
			say(why, whylen, "JSON cut short");
		else
			say(why, whylen, "not JSON: %s", json_tokener_error_desc(err));
		json_object_put(root);
		return -EINVAL;
	}
	for (; end < len; end++) {
		if (!strchr(" \t\r\n", body[end])) {
			say(why, whylen, "text after the JSON object");
			json_object_put(root);
			return -EINVAL;
		}
	}
	r = parse_root(root, prefix, out, why, whylen);
	json_object_put(root);
	if (r < 0 && r != -ENOENT) {
		/* Nothing half-read is handed on. */
		char keep[256];

		snprintf(keep, sizeof(keep), "%s", why ? why : "");
		memset(out, 0, sizeof(*out));
		if (why && whylen)
			snprintf(why, whylen, "%s", keep);
	} else if (r == -ENOENT) {
		out->method = HB46PP_NONE;
	}
	return r;
}

