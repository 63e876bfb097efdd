// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * URL checking, encoding and the registration request (url.c).  Input:
 * base URL, user and password separated by NUL bytes.  Invariants: the
 * encoding is exactly RFC 3986 unreserved bytes and upper-case %XX, decodes
 * back to the input, and snprintf-like truncation never splits a triplet;
 * the request is base + separator + "username=" + enc(user) +
 * "&password=" + enc(password); a rejection's reason never quotes the URL.
 */
#include "fuzz.h"
#include "url.h"

#include <errno.h>
#include <stdbool.h>

static bool unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Checks enc is the encoding of src (or a clean prefix of it when cut). */
static void check_encoding(const char *enc, const char *src, bool whole)
{
	const char *e = enc;
	const unsigned char *s = (const unsigned char *)src;

	while (*e) {
		FUZZ_ASSERT(*s);
		if (*e == '%') {
			int hi = hexval(e[1]), lo = hexval(e[2]);

			FUZZ_ASSERT(hi >= 0 && lo >= 0);
			FUZZ_ASSERT(hi * 16 + lo == *s && !unreserved(*s));
			e += 3;
		} else {
			FUZZ_ASSERT(unreserved((unsigned char)*e) && (unsigned char)*e == *s);
			e++;
		}
		s++;
	}
	if (whole)
		FUZZ_ASSERT(*s == '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 3), *base, *user, *password, *req, why[128];
	size_t need, blen;

	if (!buf)
		abort();
	memcpy(buf, data, size);
	buf[size] = buf[size + 1] = buf[size + 2] = '\0';
	base = buf;
	user = base + strlen(base) + 1;
	if (user > buf + size)
		user = buf + size + 1;
	password = user + strlen(user) + 1;
	if (password > buf + size + 1)
		password = buf + size + 2;

	/* Encoding: the full length, then every cut of it. */
	need = url_encode(NULL, 0, user);
	{
		char *enc = malloc(need + 1);

		FUZZ_ASSERT(url_encode(enc, need + 1, user) == need);
		FUZZ_ASSERT(strlen(enc) == need);
		check_encoding(enc, user, true);
		for (size_t cut = 1; cut <= need && cut < 64; cut++) {
			char small[64];

			FUZZ_ASSERT(url_encode(small, cut, user) == need);
			FUZZ_ASSERT(strlen(small) < cut);
			check_encoding(small, user, false);
		}
		free(enc);
	}

	/* Checking: a reason, never the URL itself. */
	why[0] = '\0';
	if (url_check_update_url(base, why, sizeof(why)) < 0) {
		FUZZ_ASSERT(why[0]);
		if (strlen(base) >= 8)
			FUZZ_ASSERT(!strstr(why, base));
	} else {
		FUZZ_ASSERT(!strncasecmp(base, "http://", 7) || !strncasecmp(base, "https://", 8));
	}
	url_check_update_url(base, NULL, 0);

	/* The request. */
	req = url_build_request(base, user, password);
	FUZZ_ASSERT(req != NULL);
	blen = strlen(base);
	FUZZ_ASSERT(!strncmp(req, base, blen));
	{
		const char *p = req + blen, *amp;

		if (*p == '?' || *p == '&')
			p++;
		FUZZ_ASSERT(!strncmp(p, "username=", 9));
		p += 9;
		amp = strstr(p, "&password=");
		FUZZ_ASSERT(amp);
		{
			char *u = strndup(p, (size_t)(amp - p));

			check_encoding(u, user, true);
			free(u);
		}
		check_encoding(amp + 10, password, true);
	}
	url_free_secret(req);
	FUZZ_ASSERT(url_build_request(NULL, user, password) == NULL && errno == EINVAL);
	free(buf);
	return 0;
}
