/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-interface run-time state under /run/ifupdown-transix/:
 *   IFACE.pid    the supervisor's pid
 *   IFACE.state  what it last saw and did, "key=value" lines, written
 *                atomically; read by transix-status and by the next
 *                supervisor (so that ifup twice does not register twice).
 * Never a secret in either.
 */
#ifndef TRANSIX_STATE_H
#define TRANSIX_STATE_H

#include <arpa/inet.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#define STATE_DIR RUNSTATEDIR "/ifupdown-transix"

struct status {
	char interface[IF_NAMESIZE];
	long pid;
	char token[INET6_ADDRSTRLEN];
	char local[INET6_ADDRSTRLEN];		/* the tunnel's local address */
	char tunnel[IF_NAMESIZE];
	char remote[256];			/* as configured (address or name) */
	char remote_address[INET6_ADDRSTRLEN];	/* the one in use */
	char remote_answers[256];		/* a named remote's AAAA, comma-separated */
	long remote_ttl;			/* seconds, as answered; 0 = none told */
	long remote_lookup;			/* unix time of the next lookup, 0 = none */
	char address[INET_ADDRSTRLEN + 3];	/* A.B.C.D/len */
	long mtu;
	char encaplimit[8];
	char tunnel_state[24];			/* up, waiting, error, disabled */
	char registration[16];			/* disabled, pending, ok, failed */
	char failure[16];			/* failed: temporary, refused, local */
	char default_before[64];		/* the IPv4 default route we took over */
	char registered_address[INET6_ADDRSTRLEN];
	long last_attempt;			/* unix time, 0 = never */
	char last_result[128];			/* the server's answer or the failure */
	long last_success;
	long next_retry;
	long failures;				/* consecutive */
	char health[16];			/* ok, degraded, down */
	char message[256];			/* one line for humans */
	long updated;

	/* Issue 14: provisioning (HB46PP); provision "disabled" without it. */
	char provision[16];			/* disabled, waiting, running, ok, failed */
	char provision_class[16];		/* failed: refused, no-txt, dns, temporary, local */
	char method[8];				/* the answer in use: ipip, dslite, "" */
	char enabler_name[256], service_name[256];	/* the provider's, as answered */
	char provision_server[256];		/* the host that answered */
	long provision_ttl;			/* seconds, as answered; 0 = none given */
	long provision_expires;			/* unix time the answer's TTL runs out */
	long ttl_left;				/* seconds to provision_expires (at reading) */
	long last_fetch;			/* unix time of the last fetch, 0 = none */
	char fetch_result[160];			/* its outcome, one line */
	long next_fetch;			/* unix time of the next, 0 = none planned */
	long fetch_failures;			/* consecutive */
};

int state_path(char *buf, size_t len, const char *ifname, const char *suffix);
int state_write(const struct status *st);
/* -ENOENT when there is none. */
int state_read(const char *ifname, struct status *st);
void state_remove(const char *ifname);

/* Calls fn(field, value-as-text, is_number) for each field, in file order:
 * one description of the format serves the writer, the reader and JSON. */
void state_each(const struct status *st,
		void (*fn)(const char *key, const char *value, bool is_number, void *ctx),
		void *ctx);

int pidfile_write(const char *ifname);
/* The pid of a live supervisor for ifname, or 0. */
pid_t pidfile_read_live(const char *ifname);

#endif
