// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The update server's answer and the request (service.c).  Input: two
 * bytes of HTTP status (which also pick the service, Basic auth and
 * whether the body doubles as generic's success words), the URL up to the
 * first NUL, the answer's body after it (any bytes).  Invariants: a request
 * is either rejected with a reason or names a service that sends a
 * request, with the URL given; the request built from it has no
 * placeholder left; an answer's
 * class is one of the three, registered only on HTTP 200, 5xx always
 * temporary, 3xx/4xx always refused; the shown line is printable, bounded
 * and never holds the password.
 */
#include "fuzz.h"
#include "proto.h"
#include "service.h"
#include "url.h"

#include <stdbool.h>

static const char password[] = "pa ss+w%rd";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[128] = "", shown[SERVICE_SHOW_MAX + 1];
	struct service_request req;
	const char *body;
	size_t speclen, blen;
	char *spec, *url, *words;
	long status;
	int cls;
	static const char *const names[] = {
		NULL, "transix", "v6plus", "ocn", "generic", "dslite", "nosuch", "generic",
	};

	if (size < 2)
		return 0;
	status = (long)(data[0] | (data[1] << 8)) % 700;
	data += 2;
	size -= 2;
	spec = fuzz_strndup(data, size);
	speclen = strlen(spec);
	body = speclen < size ? (const char *)data + speclen + 1 : "";
	blen = speclen < size ? size - speclen - 1 : 0;

	words = fuzz_strndup((const uint8_t *)body, blen);
	/* The service from the status bytes (an unknown one too), generic
	 * with Basic and success words of the input's second line. */
	if (service_request_init(&req, names[(size_t)status % (sizeof(names) / sizeof(names[0]))],
				 status & 1 ? "basic" : NULL, status & 2 ? words : NULL, spec, why,
				 sizeof(why)) < 0) {
		FUZZ_ASSERT(why[0]);
		/* Fall back to the default service: the answer is still classified. */
		FUZZ_ASSERT(service_request_init(&req, NULL, NULL, NULL, NULL, NULL, 0) == 0);
	} else {
		FUZZ_ASSERT(req.svc && req.svc->registers);
		FUZZ_ASSERT(req.url == spec);
		url = service_build_url(&req, "user", password, "2001:db8::1");
		FUZZ_ASSERT(url);
		FUZZ_ASSERT(!strstr(url, "{user}") && !strstr(url, "{password}") &&
			    !strstr(url, "{address}"));
		FUZZ_ASSERT(!strstr(url, password));	/* only ever encoded */
		url_free_secret(url);
	}

	memset(shown, 'X', sizeof(shown));
	cls = register_classify_answer(&req, status, body, blen, password, shown, sizeof(shown));
	FUZZ_ASSERT(cls == REGISTER_OK || cls == REGISTER_REFUSED || cls == REGISTER_TEMPFAIL);
	if (cls == REGISTER_OK)
		FUZZ_ASSERT(status == 200);
	if (status >= 500)
		FUZZ_ASSERT(cls == REGISTER_TEMPFAIL);
	if (status >= 300 && status < 500)
		FUZZ_ASSERT(cls == REGISTER_REFUSED);
	FUZZ_ASSERT(memchr(shown, '\0', sizeof(shown)));
	FUZZ_ASSERT(strlen(shown) <= SERVICE_SHOW_MAX);
	for (const char *c = shown; *c; c++)
		FUZZ_ASSERT(*c >= 0x20 && *c < 0x7f);
	FUZZ_ASSERT(!strstr(shown, password));
	free(words);
	free(spec);
	return 0;
}
