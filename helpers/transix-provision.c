// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * transix-provision: one HB46PP fetch (issue 14; the v6pc/v6mig-prov
 * spec 1.0/1.1), run by the supervisor, never through a shell:
 *
 *  1. discovery: the TXT record of 4over6.info (c-ares), asked of the line's
 *     DNS servers (--dns) or /etc/resolv.conf's: "v=v6mig-1 url=URL t=a|b";
 *     --server URL skips it;
 *  2. GET URL?vendorid=&product=&version=&capability=dslite,ipip[&token=]
 *     [&user=&pass=] over IPv6 from --source (libcurl; the server's name
 *     resolved with the same DNS servers); 307 followed up to 4 times,
 *     nothing else;
 *  3. the JSON answer (json-c, hb46pp.c) with its limits; the first method
 *     of "order" we support (ipip, dslite);
 *  4. the answer kept in /var/lib/ifupdown-transix/IFACE.hb46pp (0600,
 *     atomic), its token sent back next time.
 *
 * Credentials (spec 3.3, "user"): sent only over https with the server's
 * certificate verified, and only to the configured --server name (without
 * one, only to the host the TXT record named: never to where a 307 leads).
 * The password comes on --password-fd N, never in argv or the environment.
 *
 * Exit status (proto.h, enum provision_exit): 0 ok (state written); 1
 * refused (auth bad, 403/404, nothing for us); 2 no TXT record (NXDOMAIN,
 * NODATA); 3 another DNS failure; 100 local; 111 no answer or a bad one.
 * One line on stdout says what happened (never a secret); on failure one
 * line on stderr says why.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ares.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "curlwipe.h"
#include "hb46pp.h"
#include "log.h"
#include "proto.h"
#include "redact.h"
#include "secret.h"
#include "url.h"

#ifndef VERSION
#define VERSION "0"
#endif

#define PRODUCT		"ifupdown-transix"
/* The OUI of the spec's own example (IEEE-registered as private): we have
 * none of our own; --vendor sets another. */
#define VENDORID	"acde48-ifupdown_transix"
#define MAX_DNS		4
#define DNS_TIMEOUT_MS	3000
#define CONNECT_TIMEOUT	10L
#define TIMEOUT		30L
#define LOW_SPEED_LIMIT	1L
#define LOW_SPEED_TIME	10L

struct config {
	const char *iface;
	char source[INET6_ADDRSTRLEN];
	struct in6_addr source_addr;
	struct in6_addr dns[MAX_DNS];
	int ndns;
	const char *server;		/* --server: a name, or a URL (skips discovery) */
	char server_host[HB46PP_HOST_MAX + 1];
	bool server_is_url;
	const char *user;
	int password_fd;
	const char *ca_file;
	const char *vendor;
	char state[512];
	bool forget;
};

struct outcome {
	int code;
	char line[1024];	/* stdout */
};

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

static const char usage_text[] =
	"usage: transix-provision --interface IFACE --source IPV6ADDR [--dns IPV6ADDR]...\n"
	"                         [--server NAME|URL] [--user NAME --password-fd N]\n"
	"                         [--ca-file FILE] [--vendor OUI[-TEXT]] [--state FILE]\n"
	"       transix-provision --forget --interface IFACE [--state FILE]\n"
	"\n"
	"Fetches the IPv4-over-IPv6 parameters of the line by HB46PP (4over6.info)\n"
	"and keeps them in the state file (default " HB46PP_STATE_DIR "/IFACE.hb46pp).\n"
	"Exit status: 0 ok, 1 refused, 2 no TXT record, 3 DNS failure, 100 usage or\n"
	"local error, 111 no answer or a bad one.  See transix-provision(8).\n";

/* ---- arguments ------------------------------------------------------------- */

static bool unicast6(const struct in6_addr *a)
{
	return !IN6_IS_ADDR_UNSPECIFIED(a) && !IN6_IS_ADDR_MULTICAST(a) &&
	       !IN6_IS_ADDR_V4MAPPED(a) && !IN6_IS_ADDR_LINKLOCAL(a) && !IN6_IS_ADDR_LOOPBACK(a);
}

#define USAGE(...) do { set_outcome(o, PROVISION_LOCAL, "usage error: " __VA_ARGS__); \
			return -EINVAL; } while (0)

/* Returns 1 for --help/--version (printed), 0, or -EINVAL with o set. */
static int parse_args(int argc, char *argv[], struct config *cfg, struct outcome *o)
{
	enum { OPT_PWFD = 256, OPT_CA, OPT_VENDOR, OPT_STATE, OPT_FORGET, OPT_VERSION };
	static const struct option opts[] = {
		{ "interface",	 required_argument, NULL, 'i' },
		{ "source",	 required_argument, NULL, 's' },
		{ "dns",	 required_argument, NULL, 'd' },
		{ "server",	 required_argument, NULL, 'S' },
		{ "user",	 required_argument, NULL, 'u' },
		{ "password-fd", required_argument, NULL, OPT_PWFD },
		{ "ca-file",	 required_argument, NULL, OPT_CA },
		{ "vendor",	 required_argument, NULL, OPT_VENDOR },
		{ "state",	 required_argument, NULL, OPT_STATE },
		{ "forget",	 no_argument,	    NULL, OPT_FORGET },
		{ "help",	 no_argument,	    NULL, 'h' },
		{ "version",	 no_argument,	    NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	const char *source = NULL, *state = NULL;
	int c;

	*cfg = (struct config){ .password_fd = -1, .vendor = VENDORID };
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			cfg->iface = optarg;
			break;
		case 's':
			source = optarg;
			break;
		case 'd':
			if (cfg->ndns == MAX_DNS)
				USAGE("at most %d --dns", MAX_DNS);
			if (inet_pton(AF_INET6, optarg, &cfg->dns[cfg->ndns]) != 1 ||
			    IN6_IS_ADDR_UNSPECIFIED(&cfg->dns[cfg->ndns]) ||
			    IN6_IS_ADDR_MULTICAST(&cfg->dns[cfg->ndns]))
				USAGE("--dns must be an IPv6 address");
			cfg->ndns++;
			break;
		case 'S':
			cfg->server = optarg;
			break;
		case 'u':
			cfg->user = optarg;
			break;
		case OPT_PWFD: {
			char *end;
			long fd;

			errno = 0;
			fd = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || fd < 0 || fd > 1023 ||
			    fd <= STDERR_FILENO)
				USAGE("--password-fd must be an open descriptor above 2");
			cfg->password_fd = (int)fd;
			break;
		}
		case OPT_CA:
			cfg->ca_file = optarg;
			break;
		case OPT_VENDOR:
			cfg->vendor = optarg;
			break;
		case OPT_STATE:
			state = optarg;
			break;
		case OPT_FORGET:
			cfg->forget = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 1;
		case OPT_VERSION:
			puts("transix-provision (ifupdown-transix) " VERSION);
			return 1;
		default:
			USAGE("bad option");
		}
	}
	if (optind < argc)
		USAGE("unexpected argument");
	if (!cfg->iface)
		USAGE("--interface is required");
	if (!config_valid_ifname(cfg->iface))
		USAGE("--interface must be an interface name");
	log_set_ident(cfg->iface);
	if (state) {
		if (!*state || strlen(state) >= sizeof(cfg->state) - 8)
			USAGE("--state must be a file name");
		strcpy(cfg->state, state);
	} else if (hb46pp_state_path(cfg->state, sizeof(cfg->state), cfg->iface) < 0) {
		USAGE("--interface too long");
	}
	if (cfg->forget)
		return 0;
	if (!source)
		USAGE("--source is required");
	if (inet_pton(AF_INET6, source, &cfg->source_addr) != 1 || !unicast6(&cfg->source_addr))
		USAGE("--source must be a global unicast IPv6 address");
	inet_ntop(AF_INET6, &cfg->source_addr, cfg->source, sizeof(cfg->source));
	if (cfg->server) {
		bool https = false;

		cfg->server_is_url = strstr(cfg->server, "://") != NULL;
		if (cfg->server_is_url) {
			if (hb46pp_url_host(cfg->server, &https, cfg->server_host,
					    sizeof(cfg->server_host)) < 0 || !https)
				USAGE("--server URL must be an https URL with a host name");
		} else {
			char url[HB46PP_HOST_MAX + 16];

			snprintf(url, sizeof(url), "https://%s/", cfg->server);
			if (strlen(cfg->server) > HB46PP_HOST_MAX ||
			    hb46pp_url_host(url, NULL, cfg->server_host,
					    sizeof(cfg->server_host)) < 0)
				USAGE("--server must be a host name or an https URL");
		}
	}
	if (!cfg->user != (cfg->password_fd < 0))
		USAGE("--user and --password-fd go together");
	if (cfg->user && (!*cfg->user || strlen(cfg->user) > 128))
		USAGE("--user must be 1..128 bytes");
	if (hb46pp_check_vendorid(cfg->vendor) < 0)
		USAGE("--vendor must be an OUI (6 hex digits), optionally -TEXT "
		      "(1..24 of A-Z a-z 0-9 _)");
	if (cfg->ca_file && access(cfg->ca_file, R_OK) < 0)
		USAGE("--ca-file: cannot read %s: %s", cfg->ca_file, strerror(errno));
	return 0;
}

/*
 * The first line of fd (as transix-register reads its standard input):
 * byte by byte, no stdio buffer left holding it, "\n" or "\r\n" stripped.
 */
static int read_password(int fd, char *buf, size_t size, struct outcome *o)
{
	size_t len = 0;
	int r = 0;

	for (;;) {
		ssize_t n = read(fd, buf + len, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			set_outcome(o, PROVISION_LOCAL, "cannot read the password from fd %d: %s",
				    fd, strerror(errno));
			break;
		}
		if (n == 0 || buf[len] == '\n')
			break;
		if (++len == size - 1) {
			r = -EMSGSIZE;
			break;
		}
	}
	close(fd);
	if (r == 0 && len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	if (r == -EMSGSIZE)
		set_outcome(o, PROVISION_LOCAL, "usage error: password longer than %d bytes",
			    MAX_PASSWORD);
	else if (r == 0 && len == 0)
		set_outcome(o, PROVISION_LOCAL, "usage error: empty password on fd %d", fd);
	else if (r == 0 && strlen(buf) != len)
		set_outcome(o, PROVISION_LOCAL, "usage error: password contains a NUL byte");
	else
		return r;
	return r ? r : -EINVAL;
}

/* ---- DNS (c-ares) ---------------------------------------------------------- */

struct dnsq {
	bool done;
	int status;
	unsigned char *abuf;
	int alen;
};

static void on_reply(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct dnsq *q = arg;

	(void)timeouts;
	q->done = true;
	q->status = status;
	if (status == ARES_SUCCESS && abuf && alen > 0) {
		q->abuf = malloc((size_t)alen);
		if (q->abuf) {
			memcpy(q->abuf, abuf, (size_t)alen);
			q->alen = alen;
		} else {
			q->status = ARES_ENOMEM;
		}
	}
}

/* One query of name's records of type, to the line's servers (or the
 * system's).  ARES_* status; q->abuf the answer (free it). */
static int dns_query(const struct config *cfg, const char *name, int type, struct dnsq *q)
{
	static bool inited;
	struct ares_options opts = { .timeout = DNS_TIMEOUT_MS, .tries = 2 };
	struct ares_addr_node nodes[MAX_DNS];
	ares_channel ch;
	int r;

	memset(q, 0, sizeof(*q));
	if (!inited) {
		if ((r = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS)
			return r;
		inited = true;
	}
	r = ares_init_options(&ch, &opts, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
	if (r != ARES_SUCCESS)
		return r;
	if (cfg->ndns) {
		for (int i = 0; i < cfg->ndns; i++) {
			nodes[i] = (struct ares_addr_node){ .family = AF_INET6,
							    .next = i + 1 < cfg->ndns ?
								    &nodes[i + 1] : NULL };
			memcpy(&nodes[i].addr.addr6, &cfg->dns[i], sizeof(cfg->dns[i]));
		}
		r = ares_set_servers(ch, nodes);
		if (r != ARES_SUCCESS) {
			ares_destroy(ch);
			return r;
		}
	}
	ares_query(ch, name, ns_c_in, type, on_reply, q);
	while (!q->done) {
		ares_socket_t socks[ARES_GETSOCK_MAXNUM];
		struct pollfd pfd[ARES_GETSOCK_MAXNUM];
		struct timeval tv, *tvp;
		/* as in dns.c: ARES_GETSOCK_WRITABLE's bits, unsigned */
		unsigned int bits = (unsigned int)ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM);
		int n = 0;

		for (int i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
			short ev = (short)((bits & (1u << i) ? POLLIN : 0) |
					   (bits & (1u << (i + ARES_GETSOCK_MAXNUM)) ? POLLOUT : 0));
			if (ev)
				pfd[n++] = (struct pollfd){ .fd = socks[i], .events = ev };
		}
		tvp = ares_timeout(ch, NULL, &tv);
		if (poll(pfd, (nfds_t)n, tvp ? (int)(tvp->tv_sec * 1000 + tvp->tv_usec / 1000) + 1
				: -1) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++)
			ares_process_fd(ch, pfd[i].revents & (POLLIN | POLLERR | POLLHUP) ?
					pfd[i].fd : ARES_SOCKET_BAD,
					pfd[i].revents & (POLLOUT | POLLERR) ? pfd[i].fd : ARES_SOCKET_BAD);
		ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	}
	ares_destroy(ch);	/* an unfinished query ends with ARES_EDESTRUCTION */
	return q->done ? q->status : ARES_ECONNREFUSED;
}

/* Discovery (spec 3.1, 3.6 b-c): the first TXT record of 4over6.info that
 * is a v6mig-1 one. */
static int discover(const struct config *cfg, struct hb46pp_txt *txt, struct outcome *o)
{
	struct ares_txt_ext *recs = NULL;
	char why[160] = "", rec[1024];
	struct dnsq q;
	size_t len = 0;
	int r;

	r = dns_query(cfg, HB46PP_TXT_NAME, ns_t_txt, &q);
	if (r == ARES_ENOTFOUND || r == ARES_ENODATA) {
		set_outcome(o, PROVISION_NO_TXT, "no TXT record for " HB46PP_TXT_NAME " (%s)",
			    r == ARES_ENOTFOUND ? "NXDOMAIN" : "NODATA");
		free(q.abuf);
		return -ENOENT;
	}
	if (r != ARES_SUCCESS) {
		set_outcome(o, PROVISION_DNS, "DNS lookup of " HB46PP_TXT_NAME " TXT failed: %s",
			    ares_strerror(r));
		free(q.abuf);
		return -EAGAIN;
	}
	r = ares_parse_txt_reply_ext(q.abuf, q.alen, &recs);
	free(q.abuf);
	if (r == ARES_ENODATA) {
		set_outcome(o, PROVISION_NO_TXT, "no TXT record for " HB46PP_TXT_NAME " (NODATA)");
		return -ENOENT;
	}
	if (r != ARES_SUCCESS) {
		set_outcome(o, PROVISION_DNS, "bad DNS answer for " HB46PP_TXT_NAME " TXT: %s",
			    ares_strerror(r));
		return -EAGAIN;
	}
	/* A record is one or more strings, concatenated (RFC 7208 3.3 does
	 * the same); record_start marks where the next record begins. */
	for (struct ares_txt_ext *t = recs; t; t = t->next) {
		if (t->record_start) {
			if (len && len <= sizeof(rec) &&
			    hb46pp_parse_txt(rec, len, txt, why, sizeof(why)) == 0)
				goto found;
			len = 0;
		}
		if (len > sizeof(rec))
			continue;	/* too long: not ours */
		if (t->length > sizeof(rec) - len) {
			len = sizeof(rec) + 1;
			continue;
		}
		memcpy(rec + len, t->txt, t->length);
		len += t->length;
	}
	if (len && len <= sizeof(rec) && hb46pp_parse_txt(rec, len, txt, why, sizeof(why)) == 0)
		goto found;
	ares_free_data(recs);
	set_outcome(o, PROVISION_DNS, "the TXT record of " HB46PP_TXT_NAME " is not a v6mig-1 "
		    "one: %s", *why ? why : "too long");
	return -EINVAL;
found:
	ares_free_data(recs);
	return 0;
}

/* The AAAA records of the server's name, for libcurl (CURLOPT_RESOLVE): the
 * line's DNS servers, not the system's resolver, and never an A record. */
static int resolve_host(const struct config *cfg, const char *host, char *list, size_t size,
			struct outcome *o)
{
	struct ares_addr6ttl a[8];
	int n = 8, r;
	struct dnsq q;
	size_t len = 0;

	r = dns_query(cfg, host, ns_t_aaaa, &q);
	if (r == ARES_SUCCESS)
		r = ares_parse_aaaa_reply(q.abuf, q.alen, NULL, a, &n);
	free(q.abuf);
	if (r != ARES_SUCCESS || n <= 0) {
		set_outcome(o, PROVISION_TEMPFAIL, "cannot resolve %s: %s", host,
			    r == ARES_SUCCESS ? "no IPv6 address" : ares_strerror(r));
		return -EAGAIN;
	}
	list[0] = '\0';
	for (int i = 0; i < n; i++) {
		char s[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, &a[i].ip6addr, s, sizeof(s));
		len += (size_t)snprintf(list + len, size > len ? size - len : 0, "%s[%s]",
					i ? "," : "", s);
	}
	return len < size ? 0 : -ENAMETOOLONG;
}

/* ---- HTTP (libcurl) -------------------------------------------------------- */

struct body {
	char *data;
	size_t len;
	bool overflow;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct body *b = userdata;
	size_t n = size * nmemb;
	char *p;

	if (n > HB46PP_BODY_MAX - b->len) {
		b->overflow = true;
		return 0;
	}
	p = realloc(b->data, b->len + n + 1);
	if (!p)
		return 0;
	b->data = p;
	memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

struct fetch {
	long status;
	char location[HB46PP_URL_MAX + 1];	/* a 307's, absolute */
	struct body body;
};

static void curl_failure(struct outcome *o, CURL *h, CURLcode rc, const char *host,
			 const struct config *cfg, const struct body *b)
{
	long oserr = 0;

	curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &oserr);
	switch (rc) {
	case CURLE_INTERFACE_FAILED:
		set_outcome(o, PROVISION_TEMPFAIL, "cannot bind source %s: %s", cfg->source,
			    oserr ? strerror((int)oserr) : "failed");
		break;
	case CURLE_COULDNT_CONNECT:
		set_outcome(o, PROVISION_TEMPFAIL, "cannot connect to %s%s%s", host,
			    oserr ? ": " : "", oserr ? strerror((int)oserr) : "");
		break;
	case CURLE_OPERATION_TIMEDOUT:
		set_outcome(o, PROVISION_TEMPFAIL, "no answer from %s (timeout)", host);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
		set_outcome(o, PROVISION_TEMPFAIL, "TLS: cannot verify %s's certificate: "
			    "nothing sent", host);
		break;
	case CURLE_SSL_CONNECT_ERROR:
		set_outcome(o, PROVISION_TEMPFAIL, "TLS handshake with %s failed", host);
		break;
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
		if (rc == CURLE_FILESIZE_EXCEEDED || b->overflow) {
			set_outcome(o, PROVISION_TEMPFAIL, "bad answer from %s: larger than %d bytes",
				    host, HB46PP_BODY_MAX);
			break;
		}
		/* fall through */
	default:
		/* libcurl's fixed text per code: never the URL */
		set_outcome(o, PROVISION_TEMPFAIL, "%s: %s", host, curl_easy_strerror(rc));
		break;
	}
}

/* One GET.  0 with f filled (any status), or -1 with o set. */
static int get(const struct config *cfg, const char *url, const char *host, bool verify,
	       struct fetch *f, struct outcome *o)
{
	char bind_to[sizeof("host!") + INET6_ADDRSTRLEN], addrs[512], port_s[8] = "";
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *resolve = NULL;
	struct in6_addr lit;
	const char *bad_opt = NULL;
	CURLcode rc;
	CURLU *u;
	CURL *h;
	int ret = -1;

	memset(f, 0, sizeof(*f));
	/* The name resolved with the line's DNS servers, pinned for libcurl. */
	if (inet_pton(AF_INET6, host, &lit) != 1) {
		char *port = NULL, *entry;

		u = curl_url();
		if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
		    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
			curl_url_cleanup(u);
			set_outcome(o, PROVISION_TEMPFAIL, "cannot parse the URL of %s", host);
			return -1;
		}
		snprintf(port_s, sizeof(port_s), "%s", port);
		curl_free(port);
		curl_url_cleanup(u);
		if (resolve_host(cfg, host, addrs, sizeof(addrs), o) < 0)
			return -1;
		if (asprintf(&entry, "%s:%s:%s", host, port_s, addrs) < 0) {
			set_outcome(o, PROVISION_TEMPFAIL, "out of memory");
			return -1;
		}
		resolve = curl_slist_append(NULL, entry);
		free(entry);
		if (!resolve) {
			set_outcome(o, PROVISION_TEMPFAIL, "out of memory");
			return -1;
		}
	}
	h = curl_easy_init();
	if (!h) {
		curl_slist_free_all(resolve);
		set_outcome(o, PROVISION_TEMPFAIL, "cannot initialise libcurl");
		return -1;
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
	/* 307 by hand (main): the next request is built anew, credentials
	 * only where the rule allows. */
	SETOPT(CURLOPT_FOLLOWLOCATION, 0L);
	/* Spec 1.1, 3.3: "IPv6 でアクセスすること (MUST)", from our address. */
	SETOPT(CURLOPT_INTERFACE, bind_to);
	SETOPT(CURLOPT_IPRESOLVE, (long)CURL_IPRESOLVE_V6);
	if (resolve)
		SETOPT(CURLOPT_RESOLVE, resolve);
	SETOPT(CURLOPT_PROXY, "");
	SETOPT(CURLOPT_NOSIGNAL, 1L);
	SETOPT(CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	SETOPT(CURLOPT_TIMEOUT, TIMEOUT);
	SETOPT(CURLOPT_LOW_SPEED_LIMIT, LOW_SPEED_LIMIT);
	SETOPT(CURLOPT_LOW_SPEED_TIME, LOW_SPEED_TIME);
	SETOPT(CURLOPT_MAXFILESIZE, (long)HB46PP_BODY_MAX);
	SETOPT(CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(CURLOPT_WRITEDATA, &f->body);
	SETOPT(CURLOPT_USERAGENT, PRODUCT "/" VERSION);
	/* t=a: "証明書検証を行わない"; t=b: verified against the system's
	 * CA store or --ca-file, the name checked (SNI is libcurl's default). */
	SETOPT(CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
	SETOPT(CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
	if (cfg->ca_file)
		SETOPT(CURLOPT_CAINFO, cfg->ca_file);
#undef SETOPT
	rc = curl_easy_perform(h);
	if (rc != CURLE_OK) {
		curl_failure(o, h, rc, host, cfg, &f->body);
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &f->status);
	if (f->status == 307) {
		char *loc = NULL;

		curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &loc);
		if (loc && strlen(loc) <= HB46PP_URL_MAX)
			strcpy(f->location, loc);
	}
	ret = 0;
	goto out;
setopt_failed:
	set_outcome(o, PROVISION_TEMPFAIL, "libcurl refuses %s: %s", bad_opt,
		    curl_easy_strerror(rc));
out:
	curl_easy_cleanup(h);
	curl_slist_free_all(resolve);
	explicit_bzero(errbuf, sizeof(errbuf));
	return ret;
}

/* ---- the sequence ---------------------------------------------------------- */

static void summary(struct outcome *o, const struct hb46pp_params *p, const char *note)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], v4[INET_ADDRSTRLEN], names[600] = "";

	if (*p->enabler_name || *p->service_name)
		snprintf(names, sizeof(names), " (%s%s%s)", p->enabler_name,
			 *p->enabler_name && *p->service_name ? ", " : "", p->service_name);
	if (p->method == HB46PP_IPIP)
		set_outcome(o, PROVISION_OK, "ipip %s/%u local %s remote %s ttl %u auth %s from "
			    "%s%s%s", inet_ntop(AF_INET, &p->ipip_ipv4, v4, sizeof(v4)), p->ipip_plen,
			    inet_ntop(AF_INET6, &p->ipip_local, a, sizeof(a)),
			    inet_ntop(AF_INET6, &p->ipip_remote, b, sizeof(b)), p->ttl,
			    hb46pp_auth_name(p->auth), p->server, names, note);
	else
		set_outcome(o, PROVISION_OK, "dslite aftr %s ttl %u auth %s from %s%s%s", p->aftr,
			    p->ttl, hb46pp_auth_name(p->auth), p->server, names, note);
}

static void provision(const struct config *cfg, const char *password, struct outcome *o)
{
	struct hb46pp_txt txt;
	struct hb46pp_params kept, p;
	struct in6_addr prefix = cfg->source_addr;
	char url[HB46PP_URL_MAX + 1], host[HB46PP_HOST_MAX + 1], cred_host[HB46PP_HOST_MAX + 1];
	char why[256], note[320] = "";
	bool have_kept, verify;
	struct fetch f = { 0 };
	int r;

	have_kept = hb46pp_state_read(cfg->state, &kept) == 0;
	if (cfg->server_is_url) {
		snprintf(url, sizeof(url), "%s", cfg->server);
		verify = true;
	} else {
		if (discover(cfg, &txt, o) < 0)
			return;
		snprintf(url, sizeof(url), "%s", txt.url);
		verify = txt.verify;
	}
	/* Credentials go to one host only: the configured name, else the one
	 * the TXT record named; never to where a 307 leads. */
	hb46pp_url_host(url, NULL, cred_host, sizeof(cred_host));
	if (cfg->server)
		snprintf(cred_host, sizeof(cred_host), "%s", cfg->server_host);

	for (int hop = 0;; hop++) {
		struct hb46pp_request req = {
			.vendorid = cfg->vendor, .product = PRODUCT, .version = VERSION,
			.token = have_kept && *kept.token ? kept.token : NULL,
		};
		bool https = false, creds;
		char *full;

		if (hb46pp_url_host(url, &https, host, sizeof(host)) < 0) {
			set_outcome(o, PROVISION_TEMPFAIL, "bad redirect: not an http or https URL "
				    "with a host");
			goto out;
		}
		creds = password && hb46pp_may_send_credentials(url, verify, cred_host);
		if (password && !creds)
			snprintf(note, sizeof(note), " (credentials not sent to %s: %s)", host,
				 !https ? "not https" : !verify ? "certificate not verified (t=a)" :
				 "not the configured server");
		else
			note[0] = '\0';
		if (creds) {
			req.user = cfg->user;
			req.pass = password;
		}
		full = hb46pp_build_url(url, &req);
		if (!full) {
			set_outcome(o, PROVISION_LOCAL, "cannot build the request: %s",
				    strerror(errno));
			goto out;
		}
		r = get(cfg, full, host, verify, &f, o);
		url_free_secret(full);
		if (r < 0)
			goto out;
		if (f.status != 307)
			break;
		if (hop == HB46PP_REDIRECTS_MAX) {
			set_outcome(o, PROVISION_TEMPFAIL, "more than %d redirects (last from %s)",
				    HB46PP_REDIRECTS_MAX, host);
			goto out;
		}
		if (!*f.location) {
			set_outcome(o, PROVISION_TEMPFAIL, "HTTP 307 from %s without a usable Location",
				    host);
			goto out;
		}
		/* A server that puts our password into where it sends us
		 * (in any encoding): its parameters are not carried on (see
		 * hb46pp_build_url), but neither is a path or a value made of
		 * it: not followed at all. */
		if (password && redact_holds_secret(f.location, strlen(f.location), password)) {
			set_outcome(o, PROVISION_TEMPFAIL, "HTTP 307 from %s to a URL holding our "
				    "password: not followed", host);
			goto out;
		}
		snprintf(url, sizeof(url), "%s", f.location);
		free(f.body.data);
		f.body.data = NULL;
	}

	if (f.status == 403 || f.status == 404) {
		set_outcome(o, PROVISION_REFUSED, "HTTP %ld from %s: our address %s is unknown there",
			    f.status, host, cfg->source);
		goto out;
	}
	if (f.status != 200) {
		set_outcome(o, PROVISION_TEMPFAIL, "HTTP %ld from %s", f.status, host);
		goto out;
	}
	/* ipv6_local must be in the /64 we send from. */
	memset(prefix.s6_addr + 8, 0, 8);
	r = hb46pp_parse_answer(f.body.data ? f.body.data : "", f.body.len, &prefix, &p, why,
				sizeof(why));
	if (r == -ENOENT) {
		set_outcome(o, PROVISION_REFUSED, "%s from %s%s%s", p.auth == HB46PP_AUTH_BAD ?
			    "authentication failed (auth: bad)" : "nothing for us", host,
			    p.auth == HB46PP_AUTH_BAD ? "" : ": ", p.auth == HB46PP_AUTH_BAD ? "" : why);
		goto out;
	}
	if (r < 0) {
		set_outcome(o, PROVISION_TEMPFAIL, "bad answer from %s: %s", host, why);
		goto out;
	}
	if (p.auth == HB46PP_AUTH_BAD) {
		set_outcome(o, PROVISION_REFUSED, "authentication failed (auth: bad) at %s", host);
		goto out;
	}
	snprintf(p.server, sizeof(p.server), "%s", host);
	p.fetched = (int64_t)time(NULL);
	r = hb46pp_state_write(cfg->state, &p);
	if (r < 0) {
		set_outcome(o, PROVISION_LOCAL, "cannot write %s: %s", cfg->state, strerror(-r));
		goto out;
	}
	summary(o, &p, note);
out:
	free(f.body.data);
	if (o->code != PROVISION_OK && *note && strlen(o->line) + strlen(note) < sizeof(o->line))
		strcat(o->line, note);
}

int main(int argc, char *argv[])
{
	struct outcome o = { .code = PROVISION_TEMPFAIL };
	char password[MAX_PASSWORD + 2];
	struct config cfg;
	int r;

	log_open(argv[0], NULL, LOG_TO_STDERR);
	r = parse_args(argc, argv, &cfg, &o);
	if (r > 0)
		return 0;
	if (r < 0) {
		puts(o.line);
		fflush(stdout);
		log_err("%s", o.line + strlen("usage error: "));
		return PROVISION_LOCAL;
	}
	if (cfg.forget) {
		if (unlink(cfg.state) < 0 && errno != ENOENT) {
			set_outcome(&o, PROVISION_LOCAL, "cannot remove %s: %s", cfg.state,
				    strerror(errno));
		} else {
			set_outcome(&o, PROVISION_OK, "forgot the kept answer (%s)", cfg.state);
		}
		goto done;
	}

	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	unsetenv("SSLKEYLOGFILE");
	signal(SIGPIPE, SIG_IGN);
	if (cfg.user && read_password(cfg.password_fd, password, sizeof(password), &o) < 0)
		goto done;
	if (curl_init_wiping() < 0) {
		set_outcome(&o, PROVISION_TEMPFAIL, "cannot initialise libcurl");
		goto done;
	}
	provision(&cfg, cfg.user ? password : NULL, &o);
	curl_global_cleanup();
done:
	explicit_bzero(password, sizeof(password));
	puts(o.line);
	fflush(stdout);
	if (o.code != PROVISION_OK)
		log_err("%s", !strncmp(o.line, "usage error: ", 13) ? o.line + 13 : o.line);
	return o.code;
}
