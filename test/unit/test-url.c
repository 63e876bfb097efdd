// SPDX-License-Identifier: GPL-2.0-or-later
#include "url.h"
#include "unit.h"

#include <errno.h>
#include <stdlib.h>

static void test_encode(void)
{
	char buf[128];

	CHECK_INT(url_encode(buf, sizeof(buf), ""), 0);
	CHECK_STR(buf, "");
	CHECK_INT(url_encode(buf, sizeof(buf), "AZaz09-._~"), 10);
	CHECK_STR(buf, "AZaz09-._~");
	CHECK_INT(url_encode(buf, sizeof(buf), "a b+c"), 9);
	CHECK_STR(buf, "a%20b%2Bc");
	CHECK_INT(url_encode(buf, sizeof(buf), "&=%#:?/@!$'()*,;[]"), 18 * 3);
	CHECK_STR(buf, "%26%3D%25%23%3A%3F%2F%40%21%24%27%28%29%2A%2C%3B%5B%5D");
	CHECK_INT(url_encode(buf, sizeof(buf), "\"<>\\^`{|}\t\r\n"), 12 * 3);
	CHECK_STR(buf, "%22%3C%3E%5C%5E%60%7B%7C%7D%09%0D%0A");
	/* パスワード: 5 characters, 3 UTF-8 bytes each, upper-case hex. */
	CHECK_INT(url_encode(buf, sizeof(buf), "パスワード"), 45);
	CHECK_STR(buf, "%E3%83%91%E3%82%B9%E3%83%AF%E3%83%BC%E3%83%89");
	CHECK_INT(url_encode(buf, sizeof(buf), "\x7f\x80\xff\x01"), 12);
	CHECK_STR(buf, "%7F%80%FF%01");
}

static void test_encode_bounds(void)
{
	char buf[16];

	/* Size query, like snprintf(NULL, 0, ...). */
	CHECK_INT(url_encode(NULL, 0, "a b"), 5);

	/* dstlen 0 writes nothing, not even the NUL. */
	memset(buf, 'X', sizeof(buf));
	CHECK_INT(url_encode(buf, 0, "abc"), 3);
	CHECK(buf[0] == 'X');

	/* dstlen 1: only the NUL. */
	memset(buf, 'X', sizeof(buf));
	CHECK_INT(url_encode(buf, 1, "abc"), 3);
	CHECK_STR(buf, "");

	/* Exact size: need + 1. */
	memset(buf, 'X', sizeof(buf));
	CHECK_INT(url_encode(buf, 6, "a b"), 5);
	CHECK_STR(buf, "a%20b");

	/* One short: truncated, NUL-terminated, no half %XX. */
	memset(buf, 'X', sizeof(buf));
	CHECK_INT(url_encode(buf, 5, "a b"), 5);
	CHECK_STR(buf, "a%20");
	CHECK(buf[5] == 'X');
	memset(buf, 'X', sizeof(buf));
	CHECK_INT(url_encode(buf, 4, "a b"), 5);
	CHECK_STR(buf, "a");
	memset(buf, 'X', sizeof(buf));
	CHECK_INT(url_encode(buf, 5, " ab"), 5);
	CHECK_STR(buf, "%20a");

	/* Once a %XX did not fit, later short bytes are not appended either. */
	memset(buf, 'X', sizeof(buf));
	CHECK_INT(url_encode(buf, 3, " a"), 4);
	CHECK_STR(buf, "");

	/* Plain truncation. */
	CHECK_INT(url_encode(buf, 4, "abcdef"), 6);
	CHECK_STR(buf, "abc");
	CHECK_INT(url_encode(buf, 7, "abcdef"), 6);
	CHECK_STR(buf, "abcdef");
}

#define ACCEPT(u) do { \
	char why_[128] = "untouched"; \
	CHECK_INT(url_check_update_url((u), why_, sizeof(why_)), 0); \
	CHECK_STR(why_, "untouched"); \
} while (0)

#define REJECT(u, reason) do { \
	char why_[128] = ""; \
	CHECK_INT(url_check_update_url((u), why_, sizeof(why_)), -EINVAL); \
	CHECK_STR(why_, (reason)); \
} while (0)

static void test_check_accept(void)
{
	ACCEPT("http://update.transix.jp/request");
	ACCEPT("HTTP://update.transix.jp/request");
	ACCEPT("https://host:8443/path");
	ACCEPT("https://host.example.:8443/path");
	ACCEPT("http://[2001:db8::1]/request");
	ACCEPT("http://[2001:db8::1]:8080/request");
	ACCEPT("http://[::1]:65535/");
	ACCEPT("http://[::ffff:192.0.2.1]/");
	ACCEPT("http://update.transix.jp/request?a=b");
	ACCEPT("http://update.transix.jp/request?");
	ACCEPT("http://update.transix.jp");
	ACCEPT("http://update.transix.jp?x=1");
	ACCEPT("http://localhost:1/a%2Fb");
	ACCEPT("http://my_host-1.example/req;x=1");
	ACCEPT("http://fcs.enabler.ne.jp/update");
	ACCEPT("http://a1.b2.c3/");
}

static void test_check_reject(void)
{
	char longurl[URL_MAX_LEN + 2];
	char w[8];

	REJECT("", "empty");
	REJECT(NULL, "empty");
	REJECT("ftp://update.transix.jp/request", "scheme must be http or https");
	REJECT("httpx://update.transix.jp/request", "scheme must be http or https");
	REJECT("update.transix.jp/request", "scheme must be http or https");
	REJECT("file:///etc/passwd", "scheme must be http or https");
	REJECT("http:update.transix.jp", "no host");
	REJECT("http:/update.transix.jp", "no host");
	REJECT("http://", "no host");
	REJECT("http:///request", "no host");
	REJECT("http://:80/request", "no host");
	REJECT("http://?a=b", "no host");
	REJECT("http://user:pw@update.transix.jp/request", "user:password@ not allowed");
	REJECT("http://user@update.transix.jp/", "user:password@ not allowed");
	REJECT("http://update.transix.jp/request#frag", "fragment not allowed");
	REJECT("http://update.transix.jp/request?a=b#", "fragment not allowed");
	REJECT("http://update.transix.jp/ request", "contains whitespace");
	REJECT(" http://update.transix.jp/request", "contains whitespace");
	REJECT("http://update.transix.jp/request\n", "contains whitespace");
	REJECT("http://update.transix.jp/\trequest", "contains whitespace");
	REJECT("http://update.transix.jp/\x01", "contains a control character");
	REJECT("http://update.transix.jp/\x7f", "contains a control character");
	REJECT("http://update.transix.jp/パス", "contains a non-ASCII byte (percent-encode it)");
	REJECT("http://update.transix.jp/a\\b", "contains a character not allowed in a URL");
	REJECT("http://update.transix.jp/<x>", "contains a character not allowed in a URL");
	REJECT("http://[2001:db8::1/request", "bad IPv6 literal");
	REJECT("http://[]/request", "bad IPv6 literal");
	REJECT("http://[2001:db8::g]/request", "bad IPv6 literal");
	REJECT("http://[2001:db8::1%25eth0]/request", "bad IPv6 literal");
	REJECT("http://[192.0.2.1]/request", "bad IPv6 literal");
	REJECT("http://[2001:db8::1]x/request", "bad IPv6 literal");
	REJECT("http://[2001:db8::1]]/request", "bad IPv6 literal");
	REJECT("http://2001:db8::1/request", "IPv6 address must be in brackets");
	REJECT("http://::1/request", "IPv6 address must be in brackets");
	REJECT("http://host:/request", "bad port");
	REJECT("http://host:0/request", "bad port");
	REJECT("http://host:65536/request", "bad port");
	REJECT("http://host:123456/request", "bad port");
	REJECT("http://host:8a/request", "bad port");
	REJECT("http://[::1]:/request", "bad port");
	REJECT("http://192.0.2.1/request", "IPv4 address not allowed (the request must go over IPv6)");
	REJECT("http://0x7f.1/request", "IPv4 address not allowed (the request must go over IPv6)");
	REJECT("http://2130706433/", "IPv4 address not allowed (the request must go over IPv6)");
	REJECT("http://host.123/", "bad host name");
	REJECT("http://ho..st/", "bad host name");
	REJECT("http://.host/", "bad host name");
	REJECT("http://host../", "bad host name");
	REJECT("http://ho!st/", "bad host name");
	REJECT("http://ho%73t/", "bad host name");
	REJECT("http://update.transix.jp/%zz", "bad percent-encoding");
	REJECT("http://update.transix.jp/?a=%", "bad percent-encoding");
	REJECT("http://update.transix.jp/?a=%4", "bad percent-encoding");

	/* Label and name limits. */
	{
		char host[300];

		memset(host, 'a', 63);
		strcpy(host + 63, ".jp");
		snprintf(longurl, sizeof(longurl), "http://%s/", host);
		ACCEPT(longurl);
		memset(host, 'a', 64);
		strcpy(host + 64, ".jp");
		snprintf(longurl, sizeof(longurl), "http://%s/", host);
		REJECT(longurl, "bad host name");
		for (int i = 0; i < 254; i++)
			host[i] = (i % 2) ? '.' : 'a';
		host[253] = '\0';	/* "a.a. ... a", 253 bytes */
		snprintf(longurl, sizeof(longurl), "http://%s/", host);
		ACCEPT(longurl);
		host[253] = 'a';
		host[254] = 'a';
		host[255] = '\0';
		snprintf(longurl, sizeof(longurl), "http://%s/", host);
		REJECT(longurl, "bad host name");
	}

	/* Length limit: exactly URL_MAX_LEN is fine, one more is not. */
	memset(longurl, 'a', sizeof(longurl));
	memcpy(longurl, "http://h/", 9);
	longurl[URL_MAX_LEN] = '\0';
	ACCEPT(longurl);
	longurl[URL_MAX_LEN] = 'a';
	longurl[URL_MAX_LEN + 1] = '\0';
	REJECT(longurl, "too long");

	/* Small or absent reason buffer. */
	CHECK_INT(url_check_update_url("ftp://x/", w, sizeof(w)), -EINVAL);
	CHECK_STR(w, "scheme ");
	CHECK_INT(url_check_update_url("ftp://x/", NULL, 0), -EINVAL);
	CHECK_INT(url_check_update_url("http://x/", NULL, 0), 0);
}

static void test_build(void)
{
	char *s;

	s = url_build_request("http://update.transix.jp/request", "user", "pass");
	CHECK_STR(s, "http://update.transix.jp/request?username=user&password=pass");
	url_free_secret(s);

	s = url_build_request("http://update.transix.jp/request?a=b", "user", "pass");
	CHECK_STR(s, "http://update.transix.jp/request?a=b&username=user&password=pass");
	url_free_secret(s);

	s = url_build_request("http://h/r?", "u", "p");
	CHECK_STR(s, "http://h/r?username=u&password=p");
	url_free_secret(s);

	s = url_build_request("http://h/r?a=b&", "u", "p");
	CHECK_STR(s, "http://h/r?a=b&username=u&password=p");
	url_free_secret(s);

	s = url_build_request("http://[2001:db8::1]:8080/request", "a b@c", "&=%#:+ ?/");
	CHECK_STR(s, "http://[2001:db8::1]:8080/request?username=a%20b%40c"
		     "&password=%26%3D%25%23%3A%2B%20%3F%2F");
	url_free_secret(s);

	s = url_build_request("http://h/", "ユーザ", "パスワード");
	CHECK_STR(s, "http://h/?username=%E3%83%A6%E3%83%BC%E3%82%B6"
		     "&password=%E3%83%91%E3%82%B9%E3%83%AF%E3%83%BC%E3%83%89");
	url_free_secret(s);

	s = url_build_request("http://h/", "", "");
	CHECK_STR(s, "http://h/?username=&password=");
	url_free_secret(s);

	errno = 0;
	CHECK(url_build_request(NULL, "u", "p") == NULL);
	CHECK_INT(errno, EINVAL);
	CHECK(url_build_request("http://h/", NULL, "p") == NULL);
	CHECK(url_build_request("http://h/", "u", NULL) == NULL);

	/* A long password: the allocation is exactly right (ASan would tell). */
	{
		char pw[256];

		memset(pw, '%', 255);
		pw[255] = '\0';
		s = url_build_request("http://h/", "u", pw);
		CHECK(s != NULL);
		CHECK_INT(strlen(s), strlen("http://h/?username=u&password=") + 255 * 3);
		url_free_secret(s);
	}

	url_free_secret(NULL);
}

int main(void)
{
	test_encode();
	test_encode_bounds();
	test_check_accept();
	test_check_reject();
	test_build();
	return unit_done("test-url");
}
