// SPDX-License-Identifier: GPL-2.0-or-later
#include "url.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

size_t url_encode(char *dst, size_t dstlen, const char *src)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	size_t need = 0, pos = 0;
	bool room = dstlen > 0;

	for (p = (const unsigned char *)src; *p; p++) {
		if (is_unreserved(*p)) {
			if (room && pos + 1 < dstlen)
				dst[pos++] = (char)*p;
			else
				room = false;
			need += 1;
		} else {
			/* Once something did not fit, stop: the output stays a clean prefix. */
			if (room && pos + 3 < dstlen) {
				dst[pos++] = '%';
				dst[pos++] = hex[*p >> 4];
				dst[pos++] = hex[*p & 0xf];
			} else {
				room = false;
			}
			need += 3;
		}
	}
	if (dstlen > 0)
		dst[pos] = '\0';
	return need;
}

static int reject(char *why, size_t whylen, const char *reason)
{
	if (why && whylen > 0)
		snprintf(why, whylen, "%s", reason);
	return -EINVAL;
}

static bool label_is_numeric(const char *s, size_t n)
{
	size_t i = 0;
	bool hex = false;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		hex = true;
		i = 2;
	}
	for (; i < n; i++) {
		if (!(hex ? is_hex((unsigned char)s[i]) : is_digit((unsigned char)s[i])))
			return false;
	}
	return true;
}

/*
 * A DNS name: dot-separated labels of letters, digits, '-' and '_', none
 * empty (one trailing dot allowed), at most 63 bytes each, 253 in all.
 * Returns 0, -1 if malformed, 1 if every label is a number: curl (like
 * browsers) takes "192.0.2.1", "0x7f.1" or "3221225985" for an IPv4 address.
 * A name whose last label alone is numeric cannot be a DNS name: malformed.
 */
static int check_host_name(const char *host, size_t len)
{
	size_t i, start = 0, end = len;
	bool all_numeric = true, numeric = false;

	if (end > 0 && host[end - 1] == '.')
		end--;
	if (end == 0 || end > 253)
		return -1;
	for (i = 0; i <= end; i++) {
		unsigned char c = i < end ? (unsigned char)host[i] : '.';

		if (c != '.') {
			if (!is_unreserved(c) || c == '~')
				return -1;
			continue;
		}
		if (i == start || i - start > 63)
			return -1;
		numeric = label_is_numeric(host + start, i - start);
		all_numeric = all_numeric && numeric;
		start = i + 1;
	}
	if (all_numeric)
		return 1;
	return numeric ? -1 : 0;
}

int url_check_update_url(const char *url, char *why, size_t whylen)
{
	const char *p, *auth, *auth_end, *host_end, *port;
	size_t len;

	if (!url || !*url)
		return reject(why, whylen, "empty");
	len = strnlen(url, URL_MAX_LEN + 1);
	if (len > URL_MAX_LEN)
		return reject(why, whylen, "too long");

	for (p = url; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == ' ' || (c >= '\t' && c <= '\r'))
			return reject(why, whylen, "contains whitespace");
		if (c < 0x20 || c == 0x7f)
			return reject(why, whylen, "contains a control character");
		if (c >= 0x80)
			return reject(why, whylen, "contains a non-ASCII byte (percent-encode it)");
		if (c == '#')
			return reject(why, whylen, "fragment not allowed");
		if (strchr("\"<>\\^`{|}", c))
			return reject(why, whylen, "contains a character not allowed in a URL");
	}

	if (!strncasecmp(url, "http:", 5))
		p = url + 5;
	else if (!strncasecmp(url, "https:", 6))
		p = url + 6;
	else
		return reject(why, whylen, "scheme must be http or https");
	if (strncmp(p, "//", 2))
		return reject(why, whylen, "no host");

	auth = p + 2;
	auth_end = auth + strcspn(auth, "/?");
	if (memchr(auth, '@', (size_t)(auth_end - auth)))
		return reject(why, whylen, "user:password@ not allowed");
	if (auth == auth_end)
		return reject(why, whylen, "no host");

	if (*auth == '[') {
		const char *close = memchr(auth, ']', (size_t)(auth_end - auth));
		char lit[INET6_ADDRSTRLEN];
		struct in6_addr a;
		size_t n;

		if (!close)
			return reject(why, whylen, "bad IPv6 literal");
		n = (size_t)(close - auth - 1);
		if (n == 0 || n >= sizeof(lit))
			return reject(why, whylen, "bad IPv6 literal");
		memcpy(lit, auth + 1, n);
		lit[n] = '\0';
		if (inet_pton(AF_INET6, lit, &a) != 1)
			return reject(why, whylen, "bad IPv6 literal");
		host_end = close + 1;
		if (host_end != auth_end && *host_end != ':')
			return reject(why, whylen, "bad IPv6 literal");
	} else {
		int r;

		host_end = memchr(auth, ':', (size_t)(auth_end - auth));
		if (host_end && memchr(host_end + 1, ':', (size_t)(auth_end - host_end - 1)))
			return reject(why, whylen, "IPv6 address must be in brackets");
		if (!host_end)
			host_end = auth_end;
		if (host_end == auth)
			return reject(why, whylen, "no host");
		r = check_host_name(auth, (size_t)(host_end - auth));
		if (r < 0)
			return reject(why, whylen, "bad host name");
		if (r > 0)
			return reject(why, whylen, "IPv4 address not allowed (the request must go over IPv6)");
	}

	if (host_end != auth_end) {
		unsigned long v = 0;

		/* host_end points at ':' */
		port = host_end + 1;
		if (port == auth_end || auth_end - port > 5)
			return reject(why, whylen, "bad port");
		for (p = port; p < auth_end; p++) {
			if (!is_digit((unsigned char)*p))
				return reject(why, whylen, "bad port");
			v = v * 10 + (unsigned long)(*p - '0');
		}
		if (v == 0 || v > 65535)
			return reject(why, whylen, "bad port");
	}

	for (p = auth_end; *p; p++) {
		if (*p == '%' && !(is_hex((unsigned char)p[1]) && is_hex((unsigned char)p[2])))
			return reject(why, whylen, "bad percent-encoding");
	}
	return 0;
}

char *url_build_request(const char *base, const char *user, const char *password)
{
	static const char k_user[] = "username=", k_pass[] = "&password=";
	size_t blen, ulen, plen, total;
	const char *sep;
	char *out, *w;

	if (!base || !user || !password) {
		errno = EINVAL;
		return NULL;
	}
	blen = strlen(base);
	ulen = strlen(user);
	plen = strlen(password);
	/* Each input byte encodes to at most 3: keep the sum below SIZE_MAX. */
	if (ulen > SIZE_MAX / 8 || plen > SIZE_MAX / 8 || blen > SIZE_MAX / 8) {
		errno = ENOMEM;
		return NULL;
	}

	if (!strchr(base, '?'))
		sep = "?";
	else if (blen > 0 && (base[blen - 1] == '?' || base[blen - 1] == '&'))
		sep = "";
	else
		sep = "&";

	ulen = url_encode(NULL, 0, user);
	plen = url_encode(NULL, 0, password);
	total = blen + strlen(sep) + strlen(k_user) + ulen + strlen(k_pass) + plen + 1;
	out = malloc(total);
	if (!out)
		return NULL;

	w = out;
	memcpy(w, base, blen);
	w += blen;
	w = stpcpy(w, sep);
	w = stpcpy(w, k_user);
	w += url_encode(w, ulen + 1, user);
	w = stpcpy(w, k_pass);
	w += url_encode(w, plen + 1, password);
	*w = '\0';
	return out;
}

void url_free_secret(char *s)
{
	if (!s)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}
