// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * transix-status [IFACE] [--json]: what each supervisor last saw and did,
 * from /run/ifupdown-transix/IFACE.state, checked against the supervisor
 * still being alive.  Exit status (proto.h), the worst interface's: 0 all
 * healthy, 1 something is not, 2 the provider refuses the registration,
 * 3 a local problem (password file, configuration); 100 usage, 111 cannot
 * read the state.
 */
#include "proc.h"
#include "proto.h"
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void json_field(const char *key, const char *value, bool is_number, void *ctx)
{
	bool *first = ctx;

	printf("%s\n    ", *first ? "" : ",");
	*first = false;
	json_string(key);
	printf(": ");
	if (is_number)
		printf("%s", value);
	else
		json_string(value);
}

static const char *when(long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !localtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, len, "never");
	return buf;
}

/* Issue 14: the provisioning answer in use, its TTL and the next fetch. */
static void print_provision(const struct status *st)
{
	static const struct { const char *cls, *why; } whys[] = {
		{ "refused", "refused by the provisioning server: check transix-user and the password" },
		{ "no-txt", "no 4over6.info TXT record on this line: retried in 1-3 h" },
		{ "dns", "a DNS failure: retried in 1-10 min" },
		{ "temporary", "no answer or a bad one: retried in 10-30 min" },
		{ "local", "a local problem: see the last fetch" },
	};
	char t1[32];

	if (!st->provision[0] || !strcmp(st->provision, "disabled"))
		return;
	printf("  %-14s %s", "provisioning", st->provision);
	for (size_t i = 0; i < sizeof(whys) / sizeof(whys[0]); i++)
		if (!strcmp(st->provision_class, whys[i].cls))
			printf(" (%s)", whys[i].why);
	printf("\n");
	if (st->method[0]) {
		printf("  %-14s %s from %s", "answer", st->method,
		       st->provision_server[0] ? st->provision_server : "?");
		if (st->enabler_name[0] || st->service_name[0])
			printf(" (%s%s%s)", st->enabler_name,
			       st->enabler_name[0] && st->service_name[0] ? ", " : "", st->service_name);
		if (st->provision_ttl)
			printf("; ttl %lds, %lds left", st->provision_ttl, st->ttl_left);
		else
			printf("; no ttl");
		printf("\n");
	}
	printf("  %-14s %s: %s\n", "last fetch", when(st->last_fetch, t1, sizeof(t1)),
	       st->fetch_result[0] ? st->fetch_result : "-");
	if (st->next_fetch)
		printf("  %-14s %s%s\n", "next fetch", when(st->next_fetch, t1, sizeof(t1)),
		       st->fetch_failures ? " (after failures)" : "");
}

static void print_text(const struct status *st)
{
	char t1[32];

	printf("%s: %s\n", st->interface, st->health);
	if (st->message[0])
		printf("  %-14s %s\n", "status", st->message);
	if (st->token[0])
		printf("  %-14s %s\n", "token", st->token);
	printf("  %-14s %s\n", "local address", st->local[0] ? st->local : "(none yet)");
	if (strcmp(st->tunnel_state, "disabled"))
		printf("  %-14s %s (%s): %s, remote %s%s%s%s, mtu %ld, encaplimit %s\n", "tunnel",
		       st->tunnel, st->tunnel_state, st->address, st->remote,
		       strcmp(st->remote, st->remote_address) && st->remote_address[0] ? " [" : "",
		       strcmp(st->remote, st->remote_address) ? st->remote_address : "",
		       strcmp(st->remote, st->remote_address) && st->remote_address[0] ? "]" : "",
		       st->mtu, st->encaplimit);
	/* A named AFTR: every address it answered, the one in use marked,
	 * and when it is looked up again (its TTL). */
	if (st->remote_answers[0]) {
		printf("  %-14s %s:", "aftr answers", st->remote);
		for (const char *p = st->remote_answers; *p;) {
			size_t len = strcspn(p, ",");

			printf(" %.*s%s", (int)len, p,
			       len == strlen(st->remote_address) &&
			       !strncmp(p, st->remote_address, len) ? " (in use)" : "");
			p += len + (p[len] == ',');
		}
		if (st->remote_ttl)
			printf("; ttl %lds", st->remote_ttl);
		if (st->remote_lookup)
			printf("; next lookup %s", when(st->remote_lookup, t1, sizeof(t1)));
		printf("\n");
	}
	if (strcmp(st->registration, "disabled")) {
		printf("  %-14s %s", "registration", st->registration);
		if (!strcmp(st->failure, "refused"))
			printf(" (refused by the provider: check transix-user and the password)");
		else if (!strcmp(st->failure, "local"))
			printf(" (a local problem: see the last attempt)");
		else if (!strcmp(st->failure, "temporary"))
			printf(" (temporary: retried with backoff)");
		if (st->registered_address[0])
			printf(", %s registered", st->registered_address);
		printf("\n  %-14s %s: %s\n", "last attempt", when(st->last_attempt, t1, sizeof(t1)),
		       st->last_result[0] ? st->last_result : "-");
		printf("  %-14s %s\n", "last success", when(st->last_success, t1, sizeof(t1)));
		if (st->next_retry)
			printf("  %-14s %s (%ld failures in a row)\n", "next retry",
			       when(st->next_retry, t1, sizeof(t1)), st->failures);
	}
	print_provision(st);
	printf("  %-14s %ld\n", "supervisor", st->pid);
}

/* Loads one interface's state; a dead supervisor makes it unhealthy. */
static int load(const char *ifname, struct status *st)
{
	int ret = state_read(ifname, st);
	char path[256];
	pid_t pid = 0;

	if (ret < 0)
		return ret;
	/* Alive = holds the pid file's lock (any user may ask the kernel). */
	if (state_path(path, sizeof(path), ifname, "pid") < 0 ||
	    pidlock_holder(path, &pid) != 1 || pid != (pid_t)st->pid || st->pid <= 0) {
		snprintf(st->health, sizeof(st->health), "down");
		snprintf(st->message, sizeof(st->message), "the supervisor is not running");
		st->failure[0] = '\0';	/* nobody is retrying anything */
		st->provision_class[0] = '\0';
		st->next_fetch = 0;
	}
	/* Issue 14: the TTL left now, not at the supervisor's last write. */
	st->ttl_left = st->provision_expires > (long)time(NULL) ?
		       st->provision_expires - (long)time(NULL) : 0;
	return 0;
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	bool json = false, first = true;
	int worst = STATUS_OK;
	struct dirent *de;
	DIR *dir;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: transix-status [IFACE] [--json]\n");
			return 0;
		} else if (argv[i][0] != '-' && !only) {
			only = argv[i];
		} else {
			fprintf(stderr, "usage: transix-status [IFACE] [--json]\n");
			return STATUS_USAGE;
		}
	}
	if (json)
		printf("[");
	dir = opendir(STATE_DIR);
	if (!dir && errno != ENOENT) {
		fprintf(stderr, "transix-status: fatal: unable to read %s: %s\n", STATE_DIR,
			strerror(errno));
		return STATUS_SYSTEM;
	}
	while (dir && (de = readdir(dir))) {
		size_t len = strlen(de->d_name);
		char ifname[256];
		struct status st;

		if (len <= 6 || strcmp(de->d_name + len - 6, ".state"))
			continue;
		snprintf(ifname, sizeof(ifname), "%.*s", (int)(len - 6), de->d_name);
		if ((only && strcmp(only, ifname)) || load(ifname, &st) < 0)
			continue;
		int rc = !strcmp(st.health, "ok") ? STATUS_OK :
			 !strcmp(st.failure, "local") || !strcmp(st.provision_class, "local") ?
			 STATUS_LOCAL :
			 !strcmp(st.failure, "refused") || !strcmp(st.provision_class, "refused") ?
			 STATUS_REFUSED : STATUS_DOWN;

		if (rc > worst)
			worst = rc;
		if (json) {
			bool first_field = true;

			printf("%s\n  {", first ? "" : ",");
			state_each(&st, json_field, &first_field);
			printf("\n  }");
		} else {
			print_text(&st);
		}
		first = false;
	}
	if (dir)
		closedir(dir);
	if (json)
		printf("%s]\n", first ? "" : "\n");
	if (first && only) {
		if (!json)
			fprintf(stderr, "transix-status: %s: not managed (no supervisor state)\n",
				only);
		return STATUS_DOWN;
	}
	if (first && !json)
		printf("no interface is managed by ifupdown-transix\n");
	return worst;
}
