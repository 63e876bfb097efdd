// SPDX-License-Identifier: GPL-2.0-or-later
#include "redact.h"

#include <stdlib.h>
#include <string.h>

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * Decodes one byte of text at *i the way a query string is read: "%XX" (any
 * case) is byte XX, '+' is a space.  A password may itself hold '+' or '%':
 * the caller also searches the text undecoded.
 */
static unsigned char decode_at(const char *text, size_t len, size_t *i)
{
	unsigned char c = (unsigned char)text[*i];

	if (c == '%' && *i + 2 < len) {
		int hi = hexval((unsigned char)text[*i + 1]), lo = hexval((unsigned char)text[*i + 2]);

		if (hi >= 0 && lo >= 0) {
			*i += 3;
			return (unsigned char)(hi << 4 | lo);
		}
	}
	(*i)++;
	return c == '+' ? ' ' : c;
}

/* Whether password starts at text[start] once decoded. */
static bool match_decoded(const char *text, size_t len, size_t start, const char *password,
			  size_t plen)
{
	size_t i = start;

	for (size_t k = 0; k < plen; k++) {
		if (i >= len)
			return false;
		unsigned char got = decode_at(text, len, &i);

		/* A '+' in the password may be sent as is or as %2B; in the
		 * answer it reads as a space after decoding: accept both. */
		if (got != (unsigned char)password[k] &&
		    !(password[k] == '+' && text[i - 1] == '+'))
			return false;
	}
	return true;
}

bool redact_holds_secret(const char *text, size_t len, const char *password)
{
	size_t plen = strlen(password);

	if (!plen)
		return false;
	if (memmem(text, len, password, plen))
		return true;
	for (size_t start = 0; start < len; start++)
		if (match_decoded(text, len, start, password, plen))
			return true;
	return false;
}
