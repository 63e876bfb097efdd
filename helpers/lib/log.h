/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One logging helper for every executable: to syslog (daemon facility, tagged
 * with the program name) when run by ifupdown or as a daemon, to stderr on a
 * terminal.  Secrets must never be passed to it.
 */
#ifndef TRANSIX_LOG_H
#define TRANSIX_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <syslog.h>

enum log_target {
	LOG_TO_STDERR = 1,
	LOG_TO_SYSLOG = 2,
	LOG_TO_BOTH = 3,
};

/* prog is kept by reference; ident is e.g. the interface name, may be NULL. */
void log_open(const char *prog, const char *ident, enum log_target target);
void log_set_ident(const char *ident);
void log_set_verbose(bool verbose);

/* Messages carry "prog: ident: " on stderr, "ident: " in syslog. */
void logmsg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vlogmsg(int prio, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#define log_err(...)	logmsg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	logmsg(LOG_WARNING, __VA_ARGS__)
#define log_info(...)	logmsg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	logmsg(LOG_DEBUG, __VA_ARGS__)

#endif
