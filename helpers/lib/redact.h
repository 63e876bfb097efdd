/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Whether a text from outside (an update server's answer, a libcurl error
 * message) may carry the password, in any of the forms a server echoing
 * its request could use: verbatim, percent-encoded in either case ("%2B",
 * "%2b"), with '+' for a space, or a mix.  Pure code.
 */
#ifndef TRANSIX_REDACT_H
#define TRANSIX_REDACT_H

#include <stdbool.h>
#include <stddef.h>

/* True when text (len bytes, need not be NUL-terminated) contains password
 * once its percent-escapes and '+' are decoded, or as it is. */
bool redact_holds_secret(const char *text, size_t len, const char *password);

#endif
