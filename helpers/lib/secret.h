/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The registration password: from a root-only file, or (discouraged) inline
 * in the stanza, where ifupdown hands it over in $IF_TRANSIX_PASSWORD. */
#ifndef TRANSIX_SECRET_H
#define TRANSIX_SECRET_H

#include <stddef.h>

#define MAX_PASSWORD 255

/* 0 if path is a regular file owned by root and not accessible to group
 * or others; else -errno with the reason in why (no content, ever). */
int secret_check_file(const char *path, char *why, size_t whylen);
/* Reads the first line (newline stripped) into buf; -errno, -EINVAL if empty. */
int secret_read_file(const char *path, char *buf, size_t len, char *why, size_t whylen);
/* Copies $IF_TRANSIX_PASSWORD into buf and overwrites it in place in our
 * environment, so that /proc/PID/environ no longer shows it. */
int secret_take_from_env(char *buf, size_t len);
void secret_wipe(void *buf, size_t len);

#endif
