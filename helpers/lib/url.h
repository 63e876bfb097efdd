/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The update-server URL: checking the configured base URL and building the
 * registration request from it.  Pure string functions: no I/O, no libcurl.
 */
#ifndef TRANSIX_URL_H
#define TRANSIX_URL_H

#include <stddef.h>

/* Longest base URL url_check_update_url() accepts (bytes, without the NUL). */
#define URL_MAX_LEN 1024

/*
 * RFC 3986 percent-encoding of src: the unreserved characters A-Z a-z 0-9
 * - . _ ~ are kept, every other byte becomes %XX (upper-case hex), so UTF-8
 * is encoded byte by byte and a space is %20, never "+".
 * Like snprintf(): returns the length the whole encoding needs (without the
 * NUL), writes at most dstlen bytes including a terminating NUL when
 * dstlen > 0, never splits a %XX triplet.  dst may be NULL when dstlen is 0.
 */
size_t url_encode(char *dst, size_t dstlen, const char *src);

/*
 * Whether url is acceptable as the update server's base URL: http or https,
 * a host name or a bracketed IPv6 literal (no IPv4 literal: the request must
 * go over IPv6), an optional port, an optional path and query, nothing else.
 * Returns 0, or -EINVAL with a short reason (which never quotes the URL) in
 * why when whylen > 0.
 */
int url_check_update_url(const char *url, char *why, size_t whylen);

/*
 * Returns a malloc'd "base?username=<enc user>&password=<enc password>",
 * appending with "&" when base already has a query (nothing when it already
 * ends in "?" or "&"), or NULL with errno set (ENOMEM, EINVAL on NULL args).
 * base should have passed url_check_update_url().
 * The result contains the password: release it with url_free_secret().
 */
char *url_build_request(const char *base, const char *user, const char *password);

/* explicit_bzero()s the string s (up to its NUL) then free()s it; NULL is a no-op. */
void url_free_secret(char *s);

#endif
