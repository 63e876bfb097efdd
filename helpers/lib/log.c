// SPDX-License-Identifier: GPL-2.0-or-later
#include "log.h"

#include <stdio.h>
#include <string.h>

static const char *log_prog = "ifupdown-transix";
static const char *log_ident;
static enum log_target log_target = LOG_TO_STDERR;
static bool log_verbose;

void log_open(const char *prog, const char *ident, enum log_target target)
{
	const char *slash = strrchr(prog, '/');

	log_prog = slash ? slash + 1 : prog;
	log_ident = ident;
	log_target = target;
	if (target & LOG_TO_SYSLOG)
		openlog(log_prog, LOG_PID, LOG_DAEMON);
}

void log_set_ident(const char *ident)
{
	log_ident = ident;
}

void log_set_verbose(bool verbose)
{
	log_verbose = verbose;
}

void vlogmsg(int prio, const char *fmt, va_list ap)
{
	char msg[1024];

	if (prio == LOG_DEBUG && !log_verbose)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_target & LOG_TO_SYSLOG) {
		if (log_ident)
			syslog(prio, "%s: %s", log_ident, msg);
		else
			syslog(prio, "%s", msg);
	}
	if (log_target & LOG_TO_STDERR) {
		if (log_ident)
			fprintf(stderr, "%s: %s: %s\n", log_prog, log_ident, msg);
		else
			fprintf(stderr, "%s: %s\n", log_prog, msg);
	}
}

void logmsg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlogmsg(prio, fmt, ap);
	va_end(ap);
}
