// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * HB46PP's kept answer and the checks it shares with the answer parser
 * (hb46pp.c): apart, so that a program that only reads the kept answer
 * (the supervisor) links neither json-c nor the parser.
 */
#include "hb46pp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATE_FILE_MAX	8192

static bool host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.';
}

/* A DNS name as a host: LDH labels of 1..63, 1..253 bytes, not all digits
 * and dots (an IPv4 literal: the request must go over IPv6). */
bool hb46pp_valid_hostname(const char *h, size_t len)
{
	size_t label = 0;
	bool alpha = false;

	if (len == 0 || len > HB46PP_HOST_MAX || h[0] == '.' || h[0] == '-')
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!host_char(h[i]))
			return false;
		if (h[i] == '.') {
			if (label == 0 || h[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (++label > 63)
			return false;
		if (!(h[i] >= '0' && h[i] <= '9'))
			alpha = true;
	}
	return alpha && h[len - 1] != '-';
}

/* Unicast, global-looking: what a tunnel end or a server can be. */
bool hb46pp_usable6(const struct in6_addr *a)
{
	return !IN6_IS_ADDR_UNSPECIFIED(a) && !IN6_IS_ADDR_LOOPBACK(a) &&
	       !IN6_IS_ADDR_MULTICAST(a) && !IN6_IS_ADDR_LINKLOCAL(a) &&
	       !IN6_IS_ADDR_V4MAPPED(a) && !IN6_IS_ADDR_V4COMPAT(a);
}

/* Valid UTF-8 kept (the names are Japanese), control bytes and invalid
 * sequences as '?': the names go to a state file and a terminal. */
void hb46pp_copy_text(char *dst, size_t size, const char *src, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 1 < size;) {
		unsigned char c = (unsigned char)src[i];
		size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
			   (c & 0xf8) == 0xf0 ? 4 : 0;
		bool ok = n > 0 && i + n <= len && o + n < size;

		for (size_t k = 1; ok && k < n; k++)
			ok = ((unsigned char)src[i + k] & 0xc0) == 0x80;
		/* overlong 2-byte forms and surrogates are not text either */
		if (ok && n == 2 && c < 0xc2)
			ok = false;
		if (ok && n == 3 && c == 0xed && (unsigned char)src[i + 1] >= 0xa0)
			ok = false;
		if (ok && n == 1 && (c < 0x20 || c == 0x7f))
			ok = false;
		if (!ok) {
			dst[o++] = '?';
			i++;
			continue;
		}
		memcpy(dst + o, src + i, n);
		o += n;
		i += n;
	}
	dst[o] = '\0';
}

/* "A.B.C.D" or "A.B.C.D/len", len 24..32, aligned, a public-looking unicast. */
int hb46pp_parse_ipv4(const char *s, struct in_addr *a, unsigned char *plen)
{
	char addr[INET_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long len = 32;
	uint32_t h;

	if (n >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, a) != 1)
		return -EINVAL;
	if (slash) {
		char *end;

		if (slash[1] < '0' || slash[1] > '9')
			return -EINVAL;
		errno = 0;
		len = strtoul(slash + 1, &end, 10);
		if (errno || *end || len < HB46PP_IPV4_PLEN_MIN || len > 32)
			return -EINVAL;
	}
	h = ntohl(a->s_addr);
	/* 0/8, 127/8, 169.254/16, multicast and above: never a fixed address */
	if ((h >> 24) == 0 || (h >> 24) == 127 || (h >> 16) == 0xa9fe || (h >> 28) >= 0xe)
		return -EINVAL;
	if (len < 32 && (h & ~(~0U << (32 - len))))
		return -EINVAL;
	*plen = (unsigned char)len;
	return 0;
}

bool hb46pp_valid_token(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > HB46PP_TOKEN_MAX)
		return false;
	for (; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return false;
	}
	return true;
}

bool hb46pp_same_setup(const struct hb46pp_params *a, const struct hb46pp_params *b)
{
	if (a->method != b->method)
		return false;
	if (a->method == HB46PP_IPIP)
		return !memcmp(&a->ipip_local, &b->ipip_local, sizeof(a->ipip_local)) &&
		       !memcmp(&a->ipip_remote, &b->ipip_remote, sizeof(a->ipip_remote)) &&
		       a->ipip_ipv4.s_addr == b->ipip_ipv4.s_addr && a->ipip_plen == b->ipip_plen;
	if (a->method == HB46PP_DSLITE)
		return !strcasecmp(a->aftr, b->aftr);
	return true;
}

void hb46pp_token_of(const struct hb46pp_params *p, struct in6_addr *token)
{
	memset(token, 0, sizeof(*token));
	if (p->method == HB46PP_IPIP)
		memcpy(token->s6_addr + 8, p->ipip_local.s6_addr + 8, 8);
}

const char *hb46pp_method_name(enum hb46pp_method m)
{
	return m == HB46PP_IPIP ? "ipip" : m == HB46PP_DSLITE ? "dslite" : "none";
}

const char *hb46pp_auth_name(enum hb46pp_auth a)
{
	return a == HB46PP_AUTH_REQ ? "req" : a == HB46PP_AUTH_BAD ? "bad" :
	       a == HB46PP_AUTH_OK ? "ok" : "none";
}

/* ---- the kept answer ------------------------------------------------------- */

int hb46pp_state_path(char *buf, size_t len, const char *ifname)
{
	int n = snprintf(buf, len, "%s/%s.hb46pp", HB46PP_STATE_DIR, ifname);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static void put_line(FILE *f, const char *key, const char *value)
{
	fprintf(f, "%s=", key);
	for (const char *c = value; *c; c++)
		fputc((unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c, f);
	fputc('\n', f);
}

static int fsync_dir_of(const char *path)
{
	char dir[512];
	const char *slash = strrchr(path, '/');
	int fd, r = 0;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		r = -errno;
	close(fd);
	return r;
}

int hb46pp_state_write(const char *path, const struct hb46pp_params *p)
{
	char tmp[512], a[INET6_ADDRSTRLEN], num[32], *text = NULL;
	size_t len = 0;
	int fd, ret = 0;
	FILE *f;

	if (p->method != HB46PP_IPIP && p->method != HB46PP_DSLITE)
		return -EINVAL;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = open_memstream(&text, &len);
	if (!f)
		return -errno;
	put_line(f, "method", hb46pp_method_name(p->method));
	if (p->method == HB46PP_IPIP) {
		put_line(f, "ipv6_local", inet_ntop(AF_INET6, &p->ipip_local, a, sizeof(a)));
		put_line(f, "ipv6_remote", inet_ntop(AF_INET6, &p->ipip_remote, a, sizeof(a)));
		inet_ntop(AF_INET, &p->ipip_ipv4, a, sizeof(a));
		snprintf(a + strlen(a), 5, "/%u", p->ipip_plen);
		put_line(f, "ipv4", a);
	} else {
		put_line(f, "aftr", p->aftr);
	}
	snprintf(num, sizeof(num), "%u", p->ttl);
	put_line(f, "ttl", num);
	put_line(f, "auth", hb46pp_auth_name(p->auth));
	put_line(f, "token", p->token);
	put_line(f, "enabler_name", p->enabler_name);
	put_line(f, "service_name", p->service_name);
	put_line(f, "isp_name", p->isp_name);
	put_line(f, "server", p->server);
	snprintf(num, sizeof(num), "%" PRId64, p->fetched);
	put_line(f, "fetched", num);
	if (fclose(f)) {
		free(text);
		return -ENOMEM;
	}

	/* Only the parent: /var/lib exists on any Debian system. */
	if (strrchr(path, '/') && strrchr(path, '/') != path) {
		char dir[512];

		snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(path, '/') - path), path);
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			ret = -errno;
			goto out;
		}
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	/* A leftover .tmp of another mode (or umask) is made root-only first. */
	if (fchmod(fd, 0600) < 0)
		ret = -errno;
	errno = 0;
	if (!ret && write(fd, text, len) != (ssize_t)len)
		ret = errno ? -errno : -EIO;
	/* Kept across power cuts (spec 3.5, "non-volatile"): on disk before
	 * the rename makes it the answer. */
	if (!ret && fsync(fd) < 0)
		ret = -errno;
	if (close(fd) < 0 && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path) < 0)
		ret = -errno;
	if (ret)
		unlink(tmp);
	else
		fsync_dir_of(path);
out:
	free(text);
	return ret;
}

int hb46pp_state_read(const char *path, struct hb46pp_params *p)
{
	char buf[STATE_FILE_MAX + 1], *line, *save = NULL;
	bool have_local = false, have_remote = false, have_v4 = false;
	struct stat sb;
	ssize_t n;
	int fd;

	memset(p, 0, sizeof(*p));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size > STATE_FILE_MAX) {
		close(fd);
		return -EINVAL;
	}
	n = read(fd, buf, STATE_FILE_MAX);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (strlen(buf) != (size_t)n)
		goto bad;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *v = strchr(line, '=');

		if (!v)
			continue;
		*v++ = '\0';
		if (!strcmp(line, "method")) {
			p->method = !strcmp(v, "ipip") ? HB46PP_IPIP :
				    !strcmp(v, "dslite") ? HB46PP_DSLITE : HB46PP_NONE;
		} else if (!strcmp(line, "ipv6_local")) {
			have_local = inet_pton(AF_INET6, v, &p->ipip_local) == 1 &&
				     hb46pp_usable6(&p->ipip_local);
		} else if (!strcmp(line, "ipv6_remote")) {
			have_remote = inet_pton(AF_INET6, v, &p->ipip_remote) == 1 &&
				      hb46pp_usable6(&p->ipip_remote);
		} else if (!strcmp(line, "ipv4")) {
			have_v4 = hb46pp_parse_ipv4(v, &p->ipip_ipv4, &p->ipip_plen) == 0;
		} else if (!strcmp(line, "aftr")) {
			if (strlen(v) > HB46PP_HOST_MAX)
				goto bad;
			strcpy(p->aftr, v);
		} else if (!strcmp(line, "ttl")) {
			char *end;
			unsigned long t;

			errno = 0;
			t = strtoul(v, &end, 10);
			if (errno || end == v || *end || *v == '-' || t > HB46PP_TTL_MAX)
				goto bad;
			p->ttl = (unsigned int)t;
		} else if (!strcmp(line, "auth")) {
			p->auth = !strcmp(v, "req") ? HB46PP_AUTH_REQ : !strcmp(v, "bad") ?
				  HB46PP_AUTH_BAD : !strcmp(v, "ok") ? HB46PP_AUTH_OK :
				  HB46PP_AUTH_NONE;
		} else if (!strcmp(line, "token")) {
			if (*v && !hb46pp_valid_token(v))
				goto bad;
			strcpy(p->token, v);
		} else if (!strcmp(line, "enabler_name")) {
			hb46pp_copy_text(p->enabler_name, sizeof(p->enabler_name), v, strlen(v));
		} else if (!strcmp(line, "service_name")) {
			hb46pp_copy_text(p->service_name, sizeof(p->service_name), v, strlen(v));
		} else if (!strcmp(line, "isp_name")) {
			hb46pp_copy_text(p->isp_name, sizeof(p->isp_name), v, strlen(v));
		} else if (!strcmp(line, "server")) {
			if (*v && !hb46pp_valid_hostname(v, strlen(v)) && !strchr(v, ':'))
				goto bad;
			hb46pp_copy_text(p->server, sizeof(p->server), v, strlen(v));
		} else if (!strcmp(line, "fetched")) {
			char *end;
			long long t;

			errno = 0;
			t = strtoll(v, &end, 10);
			if (errno || end == v || *end || t < 0)
				goto bad;
			p->fetched = t;
		}
	}
	if (p->method == HB46PP_IPIP && have_local && have_remote && have_v4) {
		p->aftr[0] = '\0';
		return 0;
	}
	if (p->method == HB46PP_DSLITE && *p->aftr) {
		struct in6_addr a;

		if (strchr(p->aftr, ':') ? inet_pton(AF_INET6, p->aftr, &a) == 1 && hb46pp_usable6(&a)
					 : hb46pp_valid_hostname(p->aftr, strlen(p->aftr))) {
			memset(&p->ipip_local, 0, sizeof(p->ipip_local));
			memset(&p->ipip_remote, 0, sizeof(p->ipip_remote));
			memset(&p->ipip_ipv4, 0, sizeof(p->ipip_ipv4));
			p->ipip_plen = 0;
			return 0;
		}
	}
bad:
	memset(p, 0, sizeof(*p));
	return -EINVAL;
}
