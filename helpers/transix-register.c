// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * transix-register: one registration request to an update server, by
 * default the transix one,
 *
 *   GET URL?username=NAME&password=PASSWORD
 *
 * or in the form of another service of the table in service.c (--service
 * NAME; for generic also --auth and --success, service.h), sent over IPv6
 * from the given source address (the server registers the request's source
 * address).  A short-lived program run by the per-interface
 * supervisor for each attempt, so that the long-running supervisor never
 * loads libcurl.  The password comes on standard input, never argv/environ.
 *
 * Exit codes (s6 style, proto.h): the class of the outcome.  0 registered;
 * 1 refused by the provider (NG, HTTP 3xx/4xx); 100 local (usage, the
 * password unusable); 111 temporary (timeout, connection, DNS, HTTP 5xx).  Exactly one line on
 * standard output says what happened, for the status display; failures are
 * also logged to standard error.  Neither ever carries the request URL (it
 * holds the password), the password, or a libcurl message that could.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* memmem (the Makefile defines it too) */
#endif
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>

#include "config.h"
#include "curlwipe.h"
#include "log.h"
#include "proto.h"
#include "redact.h"
#include "secret.h"
#include "service.h"
#include "url.h"

#ifndef VERSION
#define VERSION "0"
#endif

/* The exit status is the class of the outcome (proto.h). */
enum {
	EXIT_REGISTERED = REGISTER_OK,
	EXIT_REFUSED = REGISTER_REFUSED,
	EXIT_USAGE = REGISTER_LOCAL,
	EXIT_TEMPFAIL = REGISTER_TEMPFAIL,
};

#define BODY_MAX	4096	/* the answer is "OK" or "NG": anything big is wrong */
#define SHOW_MAX	SERVICE_SHOW_MAX	/* bytes of outside text shown */
#define TIMEOUT_MAX	3600
#define LOW_SPEED_LIMIT	1L	/* bytes/s ... */
#define LOW_SPEED_TIME	10L	/* ... over this many seconds, else abort */

struct config {
	const char *iface;
	const char *url;
	const char *service, *auth, *success;	/* NULL: the default's */
	struct service_request req;	/* the service, from the above */
	const char *user;
	char source[INET6_ADDRSTRLEN];	/* canonical form */
	long connect_timeout;
	long timeout;
};

struct outcome {
	int code;
	char line[256];		/* standard output */
	char detail[CURL_ERROR_SIZE + 64];	/* appended to the log line */
};

struct body {
	char data[BODY_MAX];
	size_t len;
	bool overflow;
};

#define SYNOPSIS "transix-register --interface IFACE --source IPV6ADDR --url URL --user NAME" \
	" [--service NAME [--auth basic|query] [--success WORD[/WORD...]]]" \
	" [--connect-timeout SECONDS] [--timeout SECONDS]"

static const char usage_text[] =
	"usage: transix-register --interface IFACE --source IPV6ADDR --url URL --user NAME\n"
	"                        [--service NAME [--auth basic|query] [--success WORD[/WORD...]]]\n"
	"                        [--connect-timeout SECONDS] [--timeout SECONDS]\n"
	"\n"
	"Sends one registration request, GET URL?username=NAME&password=PASSWORD,\n"
	"over IPv6 from the local address IPV6ADDR (\"-\": the first line of standard\n"
	"input, read after libcurl is loaded); with --service (transix, v6plus, ocn,\n"
	"generic) in that service's form; --auth and --success only for generic\n"
	"(transix-register(8)).  The placeholders {user}, {password} and {address}\n"
	"in URL are replaced.  PASSWORD is the first line of standard input (at\n"
	"most 255 bytes).  Defaults: --connect-timeout 10, --timeout 30.\n"
	"Prints one line saying what happened.  Exit status: 0 registered (the answer\n"
	"was OK), 1 refused by the server (NG, HTTP 3xx/4xx), 100 usage error,\n"
	"111 temporary failure (timeout, connection, DNS, HTTP 5xx).\n";

static void set_outcome(struct outcome *o, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_outcome(struct outcome *o, int code, const char *fmt, ...)
{
	va_list ap;

	o->code = code;
	va_start(ap, fmt);
	vsnprintf(o->line, sizeof(o->line), fmt, ap);
	va_end(ap);
}

/* ---- arguments and password ------------------------------------------------ */

static int parse_seconds(const char *opt, const char *s, long *out, struct outcome *o)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > TIMEOUT_MAX) {
		set_outcome(o, EXIT_USAGE, "usage error: %s must be 1..%d seconds", opt, TIMEOUT_MAX);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int check_iface(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= IFNAMSIZ || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	for (; *name; name++) {
		if (*name <= ' ' || *name >= 0x7f || *name == '/' || *name == ':')
			return -EINVAL;
	}
	return 0;
}

static int check_source(const char *s, char *canon, struct outcome *o)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, s, &a) != 1) {
		set_outcome(o, EXIT_USAGE, "usage error: --source must be an IPv6 address");
		return -EINVAL;
	}
	/* A link-local source would need a scope; the others cannot be bound. */
	if (IN6_IS_ADDR_UNSPECIFIED(&a) || IN6_IS_ADDR_MULTICAST(&a) ||
	    IN6_IS_ADDR_V4MAPPED(&a) || IN6_IS_ADDR_LINKLOCAL(&a)) {
		set_outcome(o, EXIT_USAGE,
			    "usage error: --source must be a unicast, non-link-local IPv6 address");
		return -EINVAL;
	}
	inet_ntop(AF_INET6, &a, canon, INET6_ADDRSTRLEN);
	return 0;
}

/* Returns 1 for --help/--version (already printed), 0, or -EINVAL with o set. */
static int parse_args(int argc, char *argv[], struct config *cfg, struct outcome *o)
{
	enum { OPT_CONNECT_TIMEOUT = 256, OPT_TIMEOUT, OPT_VERSION, OPT_SERVICE, OPT_AUTH,
	       OPT_SUCCESS };
	static const struct option opts[] = {
		{ "interface",		required_argument,	NULL, 'i' },
		{ "source",		required_argument,	NULL, 's' },
		{ "url",		required_argument,	NULL, 'u' },
		{ "user",		required_argument,	NULL, 'n' },
		{ "service",		required_argument,	NULL, OPT_SERVICE },
		{ "auth",		required_argument,	NULL, OPT_AUTH },
		{ "success",		required_argument,	NULL, OPT_SUCCESS },
		{ "connect-timeout",	required_argument,	NULL, OPT_CONNECT_TIMEOUT },
		{ "timeout",		required_argument,	NULL, OPT_TIMEOUT },
		{ "help",		no_argument,		NULL, 'h' },
		{ "version",		no_argument,		NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	const char *source = NULL;
	char why[96];
	int c;

	*cfg = (struct config){ .connect_timeout = 10, .timeout = 30 };
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			cfg->iface = optarg;
			break;
		case 's':
			source = optarg;
			break;
		case 'u':
			cfg->url = optarg;
			break;
		case 'n':
			cfg->user = optarg;
			break;
		case OPT_SERVICE:
			cfg->service = optarg;
			break;
		case OPT_AUTH:
			cfg->auth = optarg;
			break;
		case OPT_SUCCESS:
			cfg->success = optarg;
			break;
		case OPT_CONNECT_TIMEOUT:
			if (parse_seconds("--connect-timeout", optarg, &cfg->connect_timeout, o) < 0)
				return -EINVAL;
			break;
		case OPT_TIMEOUT:
			if (parse_seconds("--timeout", optarg, &cfg->timeout, o) < 0)
				return -EINVAL;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 1;
		case OPT_VERSION:
			puts("transix-register (ifupdown-transix) " VERSION);
			return 1;
		default:	/* getopt has said which option */
			set_outcome(o, EXIT_USAGE, "usage error: bad option");
			return -EINVAL;
		}
	}
	if (optind < argc) {
		set_outcome(o, EXIT_USAGE, "usage error: unexpected argument");
		return -EINVAL;
	}
	if (!cfg->iface || !source || !cfg->url || !cfg->user) {
		set_outcome(o, EXIT_USAGE, "usage error: --interface, --source, --url and --user are required");
		return -EINVAL;
	}
	if (check_iface(cfg->iface) < 0) {
		set_outcome(o, EXIT_USAGE, "usage error: --interface must be an interface name");
		return -EINVAL;
	}
	/* From here on, log lines carry the interface. */
	log_set_ident(cfg->iface);
	/* "--source -": read_source() takes it from standard input (issue 13). */
	if (strcmp(source, "-") && check_source(source, cfg->source, o) < 0)
		return -EINVAL;
	/* The service's own arguments first (against a URL that passes), then
	 * the URL: each error names its option.  The old packed form
	 * ("SERVICE[,basic] URL") is no URL: refused, as any URL with a space. */
	if (service_request_init(&cfg->req, cfg->service, cfg->auth, cfg->success,
				 "http://update.example/", why, sizeof(why)) < 0) {
		set_outcome(o, EXIT_USAGE, "usage error: invalid --service, --auth or --success: %s",
			    why);
		return -EINVAL;
	}
	if (service_request_init(&cfg->req, cfg->service, cfg->auth, cfg->success, cfg->url,
				 why, sizeof(why)) < 0) {
		set_outcome(o, EXIT_USAGE, "usage error: invalid --url: %s", why);
		return -EINVAL;
	}
	if (!*cfg->user || strlen(cfg->user) > MAX_USER) {
		set_outcome(o, EXIT_USAGE, "usage error: --user must be 1..%d bytes", MAX_USER);
		return -EINVAL;
	}
	return 0;
}

/*
 * The first line of standard input, "\n" or "\r\n" stripped, into buf
 * (MAX_PASSWORD + 2 bytes: room for a '\r' and the NUL).  read(2) one byte
 * at a time rather than stdio: no copy stays behind in a stdio buffer, and
 * nothing after the line is consumed.  Returns 0 or -errno, with o set.
 */
static int read_password(char *buf, size_t size, struct outcome *o)
{
	struct termios saved, quiet;
	bool tty = false;
	size_t len = 0;
	int r = 0;

	/* By hand on a terminal: do not echo it. */
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tty = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
		fputs("Password: ", stderr);
	}
	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf + len, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			set_outcome(o, EXIT_TEMPFAIL, "cannot read the password from standard input: %s",
				    strerror(errno));
			break;
		}
		if (n == 0 || buf[len] == '\n')
			break;
		if (++len == size - 1) {
			r = -EMSGSIZE;	/* checked below: "...\r" is still fine */
			break;
		}
	}
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		fputc('\n', stderr);
	}
	if (r == -EMSGSIZE && buf[len - 1] == '\r') {
		char c = 0;
		ssize_t n = read(STDIN_FILENO, &c, 1);

		/* Exactly MAX_PASSWORD bytes then "\r\n" (or "\r" and EOF): fine. */
		if (n == 0 || (n == 1 && c == '\n'))
			r = 0;
	}
	if (r == 0 && len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	if (r == -EMSGSIZE) {
		set_outcome(o, EXIT_USAGE, "usage error: password longer than %d bytes", MAX_PASSWORD);
	} else if (r == 0 && len == 0) {
		r = -EINVAL;
		set_outcome(o, EXIT_USAGE, "usage error: empty password on standard input");
	} else if (r == 0 && strlen(buf) != len) {
		r = -EINVAL;
		set_outcome(o, EXIT_USAGE, "usage error: password contains a NUL byte");
	}
	return r;
}

/*
 * Issue 13, "--source -": started before the address is usable (while DAD
 * runs, or before the router advertisement), so that this exec and
 * libcurl's loading and initialisation happen meanwhile; then the first
 * line of standard input is the source address, the password the second.
 * libcurl is initialised here, before the wait; main()'s own call only
 * counts up (the process exits right after its cleanup).
 */
static int read_source(struct config *cfg, struct outcome *o)
{
	char line[INET6_ADDRSTRLEN + 2];
	size_t len = 0;

	if (curl_init_wiping() < 0) {
		set_outcome(o, EXIT_TEMPFAIL, "cannot initialise libcurl");
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n = read(STDIN_FILENO, line + len, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || line[len] == '\n')
			break;
		if (++len == sizeof(line) - 1)
			break;
	}
	line[len] = '\0';
	if (!len) {
		/* The supervisor went away (ifdown) before it needed us. */
		set_outcome(o, EXIT_USAGE, "usage error: no source address on standard input");
		return -EINVAL;
	}
	return check_source(line, cfg->source, o);
}

/* ---- libcurl ------------------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct body *b = userdata;
	size_t n = size * nmemb;

	if (n > sizeof(b->data) - b->len) {
		b->overflow = true;
		return 0;	/* aborts the transfer: CURLE_WRITE_ERROR */
	}
	memcpy(b->data + b->len, data, n);
	b->len += n;
	return n;
}

/*
 * Whether text may contain the password: verbatim or percent-encoded (a
 * server may echo its request), or anything from a query string.  Used on
 * the server's answer and on libcurl's error buffer before either is shown.
 */
static bool may_hold_secret(const char *text, size_t len, const char *password)
{
	return redact_holds_secret(text, len, password) ||
	       memmem(text, len, "password", 8) || memchr(text, '?', len);
}

/*
 * Only the host of a URL (with its scheme when asked), e.g. for "cannot
 * resolve HOST": never the path or query.  "" if unparsable.
 */
static void host_of(const char *url, bool with_scheme, char *dst, size_t size)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	char tmp[SHOW_MAX + 1];

	dst[0] = '\0';
	if (!u)
		return;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		service_sanitise(tmp, sizeof(tmp), host, strlen(host));
		snprintf(dst, size, "%s%s%s", with_scheme ? scheme : "", with_scheme ? "://" : "", tmp);
	}
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
}

static void answer_outcome(struct outcome *o, CURL *h, const struct config *cfg,
			   const struct body *b, const char *password)
{
	char shown[SERVICE_SHOW_MAX + 1];
	long status = 0;
	int cls;

	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	cls = register_classify_answer(&cfg->req, status, b->data, b->len, password, shown,
				       sizeof(shown));
	if (cls == EXIT_REGISTERED) {
		set_outcome(o, EXIT_REGISTERED, "%s", shown);
	} else if (status >= 300 && status < 400) {
		const char *location = NULL;
		char host[SHOW_MAX + 16] = "";

		/* Its query may well be ours, password included: the host only. */
		curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &location);
		if (location)
			host_of(location, true, host, sizeof(host));
		set_outcome(o, cls, "HTTP %ld redirect%s%s not followed", status,
			    *host ? " to " : "", host);
	} else if (status != 200) {
		set_outcome(o, cls, "HTTP %ld%s%s", status, *shown ? ": " : "", shown);
	} else if (!*shown) {
		set_outcome(o, cls, "empty answer");
	} else if (cls == EXIT_REFUSED && register_classify_answer(&cfg->req, status, shown,
								    strlen(shown), NULL, shown,
								    sizeof(shown)) == EXIT_REGISTERED) {
		set_outcome(o, cls, "unexpected answer: whitespace before %s", shown);
	} else {
		set_outcome(o, cls, "%s", shown);
	}
}

static void failure_outcome(struct outcome *o, CURL *h, CURLcode rc, const struct config *cfg,
			    const struct body *b)
{
	curl_off_t t_connect = 0, t_total = 0, got_body = 0;
	long got_header = 0;
	long oserr = 0;
	char host[SHOW_MAX + 1];

	curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &oserr);
	curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &t_connect);
	curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &t_total);
	curl_easy_getinfo(h, CURLINFO_SIZE_DOWNLOAD_T, &got_body);
	curl_easy_getinfo(h, CURLINFO_HEADER_SIZE, &got_header);
	host_of(cfg->req.url, false, host, sizeof(host));

	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
		set_outcome(o, EXIT_TEMPFAIL, "cannot resolve %s", host);
		break;
	case CURLE_INTERFACE_FAILED:
		set_outcome(o, EXIT_TEMPFAIL, "cannot bind source %s", cfg->source);
		if (oserr)
			snprintf(o->detail, sizeof(o->detail), ": %s", strerror((int)oserr));
		break;
	case CURLE_COULDNT_CONNECT:
		if (oserr == ECONNREFUSED)
			set_outcome(o, EXIT_TEMPFAIL, "connection refused");
		else if (oserr == ENETUNREACH)
			set_outcome(o, EXIT_TEMPFAIL, "network unreachable");
		else if (oserr == EHOSTUNREACH)
			set_outcome(o, EXIT_TEMPFAIL, "host unreachable");
		else if (oserr)
			set_outcome(o, EXIT_TEMPFAIL, "cannot connect to %s: %s", host,
				    strerror((int)oserr));
		else
			set_outcome(o, EXIT_TEMPFAIL, "cannot connect to %s", host);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		/* One code for three timers: tell them apart by what had happened. */
		if (t_connect == 0)
			set_outcome(o, EXIT_TEMPFAIL, "connect timeout after %ld s",
				    cfg->connect_timeout < cfg->timeout ?
				    cfg->connect_timeout : cfg->timeout);
		else if (t_total + 500000 >= (curl_off_t)cfg->timeout * 1000000)
			set_outcome(o, EXIT_TEMPFAIL, "timeout after %ld s", cfg->timeout);
		else if (got_header == 0 && got_body == 0)
			set_outcome(o, EXIT_TEMPFAIL, "timeout: no answer for %ld s", LOW_SPEED_TIME);
		else
			set_outcome(o, EXIT_TEMPFAIL, "timeout: under %ld byte/s for %ld s",
				    LOW_SPEED_LIMIT, LOW_SPEED_TIME);
		break;
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
		if (rc == CURLE_FILESIZE_EXCEEDED || b->overflow) {
			set_outcome(o, EXIT_TEMPFAIL, "answer too large (over %d bytes)", BODY_MAX);
			break;
		}
		set_outcome(o, EXIT_TEMPFAIL, "%s", curl_easy_strerror(rc));
		break;
	case CURLE_GOT_NOTHING:
		set_outcome(o, EXIT_TEMPFAIL, "empty reply from server");
		break;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		if (oserr == ECONNRESET)
			set_outcome(o, EXIT_TEMPFAIL, "connection reset");
		else
			set_outcome(o, EXIT_TEMPFAIL, "%s", curl_easy_strerror(rc));
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
		set_outcome(o, EXIT_TEMPFAIL, "TLS: cannot verify %s", host);
		break;
	case CURLE_URL_MALFORMAT:
		set_outcome(o, EXIT_USAGE, "usage error: invalid --url");
		break;
	default:
		/* Fixed English text per code, never with a URL in it. */
		set_outcome(o, EXIT_TEMPFAIL, "%s", curl_easy_strerror(rc));
		break;
	}
}

static void request(struct outcome *o, const struct config *cfg, const char *url,
		    const char *password)
{
	char errbuf[CURL_ERROR_SIZE] = "", bind_to[sizeof("host!") + INET6_ADDRSTRLEN];
	const char *bad_opt = NULL;
	struct body *b;
	CURLcode rc;
	CURL *h;

	b = calloc(1, sizeof(*b));
	h = curl_easy_init();
	if (!b || !h) {
		set_outcome(o, EXIT_TEMPFAIL, "cannot initialise libcurl: out of memory");
		goto out;
	}
	snprintf(bind_to, sizeof(bind_to), "host!%s", cfg->source);

#define SETOPT(opt, val) do { \
		rc = curl_easy_setopt(h, opt, val); \
		if (rc != CURLE_OK) { \
			bad_opt = #opt; \
			goto setopt_failed; \
		} \
	} while (0)

	SETOPT(CURLOPT_ERRORBUFFER, errbuf);
	SETOPT(CURLOPT_URL, url);
	SETOPT(CURLOPT_HTTPGET, 1L);
	SETOPT(CURLOPT_PROTOCOLS_STR, "http,https");
	SETOPT(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SETOPT(CURLOPT_FOLLOWLOCATION, 0L);
	/* The server registers the source address: bind it, and IPv6 only. */
	SETOPT(CURLOPT_INTERFACE, bind_to);
	SETOPT(CURLOPT_IPRESOLVE, (long)CURL_IPRESOLVE_V6);
	/* Never a proxy from http_proxy/all_proxy: it would be the source. */
	SETOPT(CURLOPT_PROXY, "");
	SETOPT(CURLOPT_NOSIGNAL, 1L);
	SETOPT(CURLOPT_CONNECTTIMEOUT, cfg->connect_timeout);
	SETOPT(CURLOPT_TIMEOUT, cfg->timeout);
	SETOPT(CURLOPT_LOW_SPEED_LIMIT, LOW_SPEED_LIMIT);
	SETOPT(CURLOPT_LOW_SPEED_TIME, LOW_SPEED_TIME);
	SETOPT(CURLOPT_MAXFILESIZE, (long)BODY_MAX);
	SETOPT(CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(CURLOPT_WRITEDATA, b);
	SETOPT(CURLOPT_USERAGENT, "ifupdown-transix/" VERSION);
	/* Basic auth by libcurl's own options, never a header built here. */
	if (cfg->req.auth == AUTH_BASIC) {
		SETOPT(CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		SETOPT(CURLOPT_USERNAME, cfg->user);
		SETOPT(CURLOPT_PASSWORD, password);
	}
#undef SETOPT

	rc = curl_easy_perform(h);
	if (rc == CURLE_OK)
		answer_outcome(o, h, cfg, b, password);
	else
		failure_outcome(o, h, rc, cfg, b);

	/* libcurl's own words, when they cannot hold anything secret. */
	if (rc != CURLE_OK && !o->detail[0] && errbuf[0] &&
	    !may_hold_secret(errbuf, strlen(errbuf), password))
		snprintf(o->detail, sizeof(o->detail), " (%s)", errbuf);
	goto out;

setopt_failed:
	set_outcome(o, EXIT_TEMPFAIL, "libcurl refuses %s: %s", bad_opt, curl_easy_strerror(rc));
out:
	if (h)
		curl_easy_cleanup(h);
	if (b) {
		explicit_bzero(b, sizeof(*b));
		free(b);
	}
	explicit_bzero(errbuf, sizeof(errbuf));
}

int main(int argc, char *argv[])
{
	struct outcome o = { .code = EXIT_TEMPFAIL };
	char password[MAX_PASSWORD + 2];
	char *url = NULL;
	struct config cfg;
	int r;

	log_open(argv[0], NULL, LOG_TO_STDERR);

	r = parse_args(argc, argv, &cfg, &o);
	if (r > 0)
		return 0;
	if (r < 0) {
		puts(o.line);
		fflush(stdout);	/* before the log lines, when both go to one pipe */
		log_err("%s", o.line + strlen("usage error: "));
		log_err("usage: %s", SYNOPSIS);
		return EXIT_USAGE;
	}

	/* It holds the password: no core dump of it. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* libcurl+OpenSSL honour SSLKEYLOGFILE: it would log the TLS keys. */
	unsetenv("SSLKEYLOGFILE");
	/* With CURLOPT_NOSIGNAL, a write to a closed TLS socket could raise it. */
	signal(SIGPIPE, SIG_IGN);

	if (!cfg.source[0] && read_source(&cfg, &o) < 0)
		goto out;
	if (read_password(password, sizeof(password), &o) < 0)
		goto out;

	if (curl_init_wiping() < 0) {
		set_outcome(&o, EXIT_TEMPFAIL, "cannot initialise libcurl");
		goto out;
	}
	url = service_build_url(&cfg.req, cfg.user, password, cfg.source);
	if (!url) {
		set_outcome(&o, EXIT_TEMPFAIL, "out of memory");
		goto cleanup;
	}
	request(&o, &cfg, url, password);

cleanup:
	url_free_secret(url);
	curl_global_cleanup();
out:
	explicit_bzero(password, sizeof(password));

	puts(o.line);
	fflush(stdout);	/* before the log lines, when both go to one pipe */
	if (o.code == EXIT_USAGE && !strncmp(o.line, "usage error: ", 13))
		log_err("%s", o.line + 13);
	else if (o.code == EXIT_REFUSED)
		log_err("registration refused: %s", o.line);
	else if (o.code != EXIT_REGISTERED)
		log_err("registration failed: %s%s", o.line, o.detail);
	return o.code;
}
