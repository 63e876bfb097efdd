// SPDX-License-Identifier: GPL-2.0-or-later
#include "secret.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

void secret_wipe(void *buf, size_t len)
{
	explicit_bzero(buf, len);
}

static int check_fd(int fd, char *why, size_t whylen)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		return -errno;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "not a regular file");
		return -EINVAL;
	}
	if (st.st_uid != 0) {
		snprintf(why, whylen, "not owned by root (uid %u)", (unsigned int)st.st_uid);
		return -EPERM;
	}
	if (st.st_mode & 077) {
		snprintf(why, whylen, "mode %04o lets others read it: chmod 600 it",
			 (unsigned int)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

int secret_check_file(const char *path, char *why, size_t whylen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	int ret;

	if (fd < 0) {
		ret = -errno;
		snprintf(why, whylen, "%s", strerror(errno));
		return ret;
	}
	ret = check_fd(fd, why, whylen);
	close(fd);
	return ret;
}

int secret_read_file(const char *path, char *buf, size_t len, char *why, size_t whylen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	size_t used = 0;
	int ret;

	if (fd < 0) {
		ret = -errno;
		snprintf(why, whylen, "%s", strerror(errno));
		return ret;
	}
	if ((ret = check_fd(fd, why, whylen)) < 0) {
		close(fd);
		return ret;
	}
	while (used + 1 < len) {
		ssize_t n = read(fd, buf + used, len - 1 - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	buf[used] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (!buf[0]) {
		snprintf(why, whylen, "empty");
		return -EINVAL;
	}
	return 0;
}

int secret_take_from_env(char *buf, size_t len)
{
	static const char name[] = "IF_TRANSIX_PASSWORD=";

	for (char **e = environ; *e; e++) {
		char *value;
		size_t vlen;

		if (strncmp(*e, name, sizeof(name) - 1))
			continue;
		value = *e + sizeof(name) - 1;
		vlen = strlen(value);
		if (vlen >= len)
			return -E2BIG;
		memcpy(buf, value, vlen + 1);
		/* The strings of the initial environment are the memory that
		 * /proc/PID/environ shows: overwrite, then drop the variable. */
		explicit_bzero(value, vlen);
		unsetenv("IF_TRANSIX_PASSWORD");
		return buf[0] ? 0 : -EINVAL;
	}
	return -ENOENT;
}
