// SPDX-License-Identifier: GPL-2.0-or-later
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

msec_t clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (msec_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* In the child, between fork and exec: async-signal-safe calls only. */
static void child_setup(const int *fds, int nfds, unsigned int flags)
{
	int high[16];
	sigset_t none;

	if (nfds > 16)
		_exit(111);
	/* A blocked or ignored signal survives exec: the supervisor blocks
	 * TERM/INT/HUP/USR1 for its signalfd, and a child that inherited that
	 * mask would never see stop_registration()'s SIGTERM. */
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction sa = { .sa_handler = SIG_DFL };

		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &sa, NULL);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if ((flags & SPAWN_SETSID) && setsid() < 0)
		_exit(111);
	if (chdir("/") < 0)
		_exit(111);
	/* Move every source out of the way first (a source may sit at another
	 * one's target), then place them; dup2() leaves the copy without
	 * FD_CLOEXEC, which dup2(3, 3) would not have cleared. */
	for (int i = 0; i < nfds; i++) {
		int src = fds[i] >= 0 ? fds[i] : open("/dev/null", O_RDWR | O_CLOEXEC);

		if (src < 0 || (high[i] = fcntl(src, F_DUPFD_CLOEXEC, 64)) < 0)
			_exit(111);
	}
	for (int i = 0; i < nfds; i++)
		if (dup2(high[i], i) < 0)
			_exit(111);
	/* Nothing else crosses the exec, CLOEXEC or not. */
	if (syscall(SYS_close_range, (unsigned int)nfds, ~0u, 0) < 0)
		for (int fd = nfds; fd < 1024; fd++)
			close(fd);
}

pid_t spawn_clean(const char *path, char *const argv[], char *const envp[], const int *fds,
		  int nfds, unsigned int flags)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid > 0)
		return pid;
	child_setup(fds, nfds, flags);
	execve(path, argv, envp);
	_exit(111);
}

int pidlock_take(const char *path)
{
	struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char buf[32];
	int fd, len, ret;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	if (fcntl(fd, F_SETLK, &lk) < 0) {
		ret = errno == EACCES || errno == EAGAIN ? -EEXIST : -errno;
		close(fd);
		return ret;
	}
	/* For people; the lock, not this text, is what the tools believe. */
	len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)len, 0) != len) {
		ret = -errno;
		close(fd);
		return ret ? ret : -EIO;
	}
	return fd;
}

/* The pid of the process holding a write lock on fd's file, or 0. */
static int lock_holder(int fd, pid_t *pid)
{
	struct flock lk = { .l_type = F_RDLCK, .l_whence = SEEK_SET };

	if (fcntl(fd, F_GETLK, &lk) < 0)
		return -errno;
	if (lk.l_type == F_UNLCK || lk.l_pid <= 0)
		return 0;
	*pid = lk.l_pid;
	return 1;
}

int pidlock_holder(const char *path, pid_t *pid)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), ret;

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	ret = lock_holder(fd, pid);
	close(fd);
	return ret;
}

int pidfd_signal(int pidfd, int sig)
{
	return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 ? -errno : 0;
}

int pidlock_signal(const char *path, int sig, pid_t *pid, int *pidfd_out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), pidfd, ret;
	pid_t again = 0;

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	ret = lock_holder(fd, pid);
	if (ret <= 0)
		goto out;
	pidfd = (int)syscall(SYS_pidfd_open, *pid, 0);
	if (pidfd < 0) {
		ret = errno == ESRCH ? 0 : -errno;
		goto out;
	}
	/* The holder may have died between the two calls and its pid gone to
	 * someone else: only a pidfd of the process that still holds the lock
	 * is the supervisor's. */
	ret = lock_holder(fd, &again);
	if (ret <= 0 || again != *pid) {
		close(pidfd);
		ret = ret < 0 ? ret : 0;
		goto out;
	}
	ret = pidfd_signal(pidfd, sig);
	if (ret < 0) {
		close(pidfd);
		if (ret == -ESRCH)
			ret = 0;
		goto out;
	}
	*pidfd_out = pidfd;
	ret = 1;
out:
	close(fd);
	return ret;
}
