/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The registration password: from a root-only file, or (discouraged) inline
 * in the stanza, where ifupdown hands it over in $IF_TRANSIX_PASSWORD. */
#ifndef TRANSIX_SECRET_H
#define TRANSIX_SECRET_H

#include <stddef.h>

#define MAX_PASSWORD 255

/* 0 if path is a regular file owned by root and not accessible to group
 * or others; else -errno with the reason in why (no content, ever):
 * -ENOENT/-EACCES/... from open(2), -ELOOP for a symbolic link, -EINVAL not
 * a regular file, -EPERM wrong owner or mode. */
int secret_check_file(const char *path, char *why, size_t whylen);
/*
 * Checks the file as secret_check_file() does, then reads its first line
 * (ended by LF, CRLF or EOF; the line end stripped) into buf.  On error buf
 * holds "" and why the reason, never content:
 *   -EMSGSIZE  the line is longer than MAX_PASSWORD bytes (or than len - 1)
 *   -EINVAL    the line is empty, or holds a NUL byte
 * These, like the checks', are errors of the file: trying again will not
 * help until the file changes.
 */
int secret_read_file(const char *path, char *buf, size_t len, char *why, size_t whylen);
/* Copies $IF_TRANSIX_PASSWORD into buf and overwrites it in place in our
 * environment, so that /proc/PID/environ no longer shows it. */
int secret_take_from_env(char *buf, size_t len);
void secret_wipe(void *buf, size_t len);

#endif
