/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The words and numbers the programs say to each other, in one place:
 *
 * Readiness (transix-supervisor -> transix-hook): the hook hands the
 * supervisor the write end of a pipe as fd $TRANSIX_NOTIFY_FD (3); the
 * supervisor writes lines "waiting <why>" (any number), then one
 * "ready <summary>" or "error <message>" and closes it.  EOF without either
 * means the supervisor died.
 *
 * Exit statuses, s6 style: 0 success, 1 an expected failure, 100 usage or
 * configuration, 111 a temporary or system failure.
 */
#ifndef TRANSIX_PROTO_H
#define TRANSIX_PROTO_H

#define NOTIFY_FD_ENV	"TRANSIX_NOTIFY_FD"
#define NOTIFY_FD	3
#define NOTIFY_WAITING	"waiting"
#define NOTIFY_READY	"ready"
#define NOTIFY_ERROR	"error"

/* transix-register: the class of the outcome is the exit status. */
enum register_exit {
	REGISTER_OK = 0,
	REGISTER_REFUSED = 1,	/* NG, HTTP 4xx/3xx: the provider said no */
	REGISTER_LOCAL = 100,	/* usage, configuration: ours to fix */
	REGISTER_TEMPFAIL = 111,	/* timeout, connection, DNS, 5xx: retry */
};

/* transix-provision (HB46PP, issue 14): the class of the outcome, and so
 * when to try again (spec 3.6). */
enum provision_exit {
	PROVISION_OK = 0,	/* answer parsed, a method we support chosen, state written */
	PROVISION_REFUSED = 1,	/* auth bad, 403/404, order with nothing for us */
	PROVISION_NO_TXT = 2,	/* 4over6.info has no TXT record for us (NXDOMAIN/NODATA):
				 * the spec says disable, retry after 1-3 h */
	PROVISION_DNS = 3,	/* another DNS failure: retry after 1-10 min */
	PROVISION_LOCAL = 100,	/* usage, configuration, permissions */
	PROVISION_TEMPFAIL = 111,	/* no answer or a bad one: retry after 10-30 min; the
				 * kept answer stays in use */
};

/* transix-supervisor */
enum supervisor_exit {
	SUPERVISOR_OK = 0,	/* stopped by a signal, after teardown (TERM/INT) or not (USR1) */
	SUPERVISOR_FAILED = 1,	/* could not bring the stanza up before the hook gave up waiting */
	SUPERVISOR_SYSTEM = 111,	/* could not start (configuration, rtnetlink, pid file) */
};

/* transix-status: the worst of the interfaces shown */
enum status_exit {
	STATUS_OK = 0,		/* everything healthy */
	STATUS_DOWN = 1,	/* unhealthy: waiting, a temporary failure, no supervisor */
	STATUS_REFUSED = 2,	/* the provider refuses the registration */
	STATUS_LOCAL = 3,	/* a local problem (password file, configuration) */
	STATUS_USAGE = 100,
	STATUS_SYSTEM = 111,	/* cannot read the state */
};

/* transix-hook */
enum hook_exit {
	HOOK_OK = 0,
	HOOK_FAIL = 1,		/* ifup must fail */
	HOOK_USAGE = 100,
};

#endif
