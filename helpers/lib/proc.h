/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the hook and the supervisor both do with processes and time: one
 * clock, a clean child, and the supervisor's pid file held under a lock.
 */
#ifndef TRANSIX_PROC_H
#define TRANSIX_PROC_H

#include <stdbool.h>
#include <sys/types.h>

typedef long long msec_t;
#define SEC 1000LL

/* Milliseconds on CLOCK_BOOTTIME: counts suspend, never jumps.  The one
 * clock for every timer of ours. */
msec_t clock_ms(void);

#define SPAWN_SETSID	1u	/* a daemon: its own session, no terminal */

/*
 * Starts path with a clean slate, as libuv's uv_spawn does: every signal
 * back to its default action and none blocked, cwd "/", and no file
 * descriptor but fds[0..nfds-1] placed at 0..nfds-1 (-1: /dev/null there),
 * each without FD_CLOEXEC whatever it had.  Returns the child's pid or
 * -errno; if the exec fails the child exits 111.
 */
pid_t spawn_clean(const char *path, char *const argv[], char *const envp[], const int *fds,
		  int nfds, unsigned int flags);

/*
 * The pid file as a liveness proof: the supervisor holds a POSIX write lock
 * on it for as long as it lives, and the kernel names the holder, so a stale
 * file after a crash -- whose pid may belong to anybody by now -- names
 * nobody, and no process name is trusted.
 *
 * pidlock_take: creates/locks path and writes our pid into it; returns the
 * fd to keep open (closing any fd of that file drops the lock), -EEXIST if
 * another process holds it, or -errno.
 */
int pidlock_take(const char *path);
/* 1 and *pid when a live process holds the lock, 0 when none does, -errno. */
int pidlock_holder(const char *path, pid_t *pid);
/*
 * Sends sig to the holder through a pidfd, so that a pid reused between
 * looking and signalling is never hit.  Returns 1 with *pidfd (to poll for
 * the holder's exit; close it) and *pid, 0 when nobody holds the lock, or
 * -errno.
 */
int pidlock_signal(const char *path, int sig, pid_t *pid, int *pidfd);

/* Sends sig through pidfd: 0 or -errno. */
int pidfd_signal(int pidfd, int sig);

/* Issue 13 (memtrim.c): drops this process's page-table entries of its
 * mapped program and library code (r-x file mappings), which stay in the
 * page cache and fault back in when run.  Before a long idle sleep: VmRSS
 * then shows what the process really holds.  The number of mappings
 * trimmed, or -errno. */
int mem_trim_code(void);
/* VmRSS in kB (/proc/self/statm), or -errno. */
long mem_resident_kb(void);

#endif
