// SPDX-License-Identifier: GPL-2.0-or-later
/* redact_holds_secret(): the server's answer is shown only when no form of
 * the password is in it (audit finding 3: "%2b" and '+' echoes leaked). */
#include "redact.h"
#include "unit.h"

static bool holds(const char *text, const char *password)
{
	return redact_holds_secret(text, strlen(text), password);
}

int main(void)
{
	/* Verbatim, and percent-encoded as our url_encode() sends it. */
	CHECK(holds("NG password=a+b c", "a+b c"));
	CHECK(holds("NG password=a%2Bb%20c", "a+b c"));
	/* Lower-case escapes, '+' for the space, escapes of unreserved bytes. */
	CHECK(holds("NG password=a%2bb%20c", "a+b c"));
	CHECK(holds("NG password=a%2bb+c", "a+b c"));
	CHECK(holds("NG echo: %73%65%63ret", "secret"));
	CHECK(holds("NG echo: %73%65%63RET", "secret") == false);
	CHECK(holds("xx p%40ss", "p@ss"));
	CHECK(holds("xx p%40SS", "p@ss") == false);
	/* At the very end of the text, and a cut escape there. */
	CHECK(holds("tail s3cr%65", "s3cre"));
	CHECK(holds("tail s3cr%6", "s3cre") == false);
	/* Harmless answers stay shown. */
	CHECK(holds("NG", "hunter2") == false);
	CHECK(holds("HTTP 500: Internal Server Error", "hunter2") == false);
	CHECK(holds("", "x") == false);
	CHECK(holds("anything", "") == false);
	/* Not NUL-terminated: only len bytes are looked at. */
	CHECK(redact_holds_secret("abcsecret", 3, "secret") == false);
	return unit_done("test-redact");
}
