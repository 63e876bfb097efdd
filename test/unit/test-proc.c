// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * spawn_clean() and the pid-file lock, with real processes (no kernel
 * object of ours involved, so no UML needed): audit findings 2 (blocked
 * signals inherited), 4 (dup2(3,3) kept O_CLOEXEC), 9 (liveness by comm,
 * signals by pid) and 10 (cwd, inherited fds).
 */
#include "proc.h"
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs argv through spawn_clean with stdout (fd 1) and fd 3 on one pipe
 * whose write end sits at fd 3 with O_CLOEXEC; returns what it printed. */
static char *run(const char *const argv[])
{
	static char out[8192];
	int p[2], fds[4], status, r;
	size_t used = 0;
	ssize_t n;
	pid_t pid;

	/* Read end far from 3, write end exactly at 3. */
	if (pipe2(p, O_CLOEXEC) < 0 || (r = fcntl(p[0], F_DUPFD_CLOEXEC, 10)) < 0 ||
	    dup3(p[1], 3, O_CLOEXEC) < 0)
		return NULL;
	if (p[0] != 3)
		close(p[0]);
	if (p[1] != 3)
		close(p[1]);
	p[0] = r;
	fds[0] = -1;
	fds[1] = 3;
	fds[2] = -1;
	fds[3] = 3;
	pid = spawn_clean(argv[0], (char *const *)(uintptr_t)argv, (char *[]){ NULL }, fds, 4,
			  SPAWN_SETSID);
	close(3);
	if (pid < 0)
		return NULL;
	while ((n = read(p[0], out + used, sizeof(out) - 1 - used)) > 0)
		used += (size_t)n;
	out[used] = '\0';
	close(p[0]);
	waitpid(pid, &status, 0);
	return out;
}

static void test_spawn(void)
{
	sigset_t block;
	char *out;
	int leak;

	/* What the supervisor does before it spawns transix-register. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
	leak = fcntl(open("/dev/null", O_RDONLY | O_CLOEXEC), F_DUPFD, 20); /* no CLOEXEC */
	if (chdir("/tmp") < 0)
		return;

	out = run((const char *const[]){ "/bin/cat", "/proc/self/status", NULL });
	CHECK(out && strstr(out, "\nSigBlk:\t0000000000000000\n"));
	/* Signals 32 and 33 are glibc's own (it refuses to touch them, and
	 * sets them up itself in every program): the standard ones count. */
	char *ign = out ? strstr(out, "\nSigIgn:\t") : NULL;
	CHECK(ign && (strtoull(ign + 9, NULL, 16) & 0x7fffffffULL) == 0);

	out = run((const char *const[]){ "/bin/sh", "-c",
			      "echo fd3 >&3; pwd; "
			      "for f in /proc/self/fd/*; do echo \"${f##*/}\"; done | tr '\\n' ' '",
			      NULL });
	CHECK(out && !strncmp(out, "fd3\n/\n", 6));
	/* 0-3 as placed; the glob's own directory fd may show up above them. */
	char want[64];
	snprintf(want, sizeof(want), " %d ", leak);
	CHECK(out && !strncmp(out + 6, "0 1 2 3 ", 8));
	CHECK(out && leak > 4 && !strstr(out + 6, want));

	sigprocmask(SIG_UNBLOCK, &block, NULL);
	close(leak);
}

/* A child that takes the lock and waits for a byte (or its death). */
static pid_t holder(const char *path, int *ctl)
{
	int p[2], q[2];
	char c;
	pid_t pid;

	if (pipe(p) < 0 || pipe(q) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		close(q[0]);
		c = pidlock_take(path) >= 0 ? 'y' : 'n';
		if (write(q[1], &c, 1) != 1 || read(p[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(p[0]);
	close(q[1]);
	if (read(q[0], &c, 1) != 1 || c != 'y')
		pid = -1;
	close(q[0]);
	*ctl = p[1];
	return pid;
}

static void test_pidlock(void)
{
	char path[] = "/tmp/test-proc-XXXXXX";
	int fd = mkstemp(path), ctl = -1, pidfd = -1, status;
	pid_t pid = 0, got = 0, child;

	CHECK(fd >= 0);
	/* A stale pid file naming a live process (ourselves): nobody holds
	 * it, so nobody is signalled -- the comm check trusted the name. */
	dprintf(fd, "%ld\n", (long)getpid());
	close(fd);
	CHECK_INT(pidlock_holder(path, &got), 0);
	CHECK_INT(pidlock_signal(path, SIGTERM, &got, &pidfd), 0);
	CHECK_INT(pidlock_holder("/tmp/test-proc-does-not-exist", &got), 0);

	child = holder(path, &ctl);
	CHECK(child > 0);
	CHECK_INT(pidlock_holder(path, &got), 1);
	CHECK_INT(got, child);
	/* The same lock twice: refused while the first holder lives. */
	fd = pidlock_take(path);
	CHECK_INT(fd, -EEXIST);
	CHECK_INT(pidlock_signal(path, SIGTERM, &pid, &pidfd), 1);
	CHECK_INT(pid, child);
	if (pid != child)	/* not found: do not wait for ever */
		kill(child, SIGTERM);
	waitpid(child, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	close(pidfd);
	close(ctl);
	/* Dead: the lock went with it, though the file still names it. */
	CHECK_INT(pidlock_holder(path, &got), 0);
	fd = pidlock_take(path);
	CHECK(fd >= 0);
	close(fd);
	unlink(path);
}

int main(void)
{
	CHECK(clock_ms() > 0);
	test_spawn();
	test_pidlock();
	return unit_done("test-proc");
}
