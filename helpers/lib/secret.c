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

/* O_NOFOLLOW: a symlink could point root's reader at any file. */
static int open_secret(const char *path, char *why, size_t whylen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);

	if (fd < 0) {
		int err = errno;

		if (err == ELOOP)
			snprintf(why, whylen, "a symbolic link (not followed)");
		else
			snprintf(why, whylen, "%s", strerror(err));
		return -err;
	}
	return fd;
}

int secret_check_file(const char *path, char *why, size_t whylen)
{
	int fd = open_secret(path, why, whylen);
	int ret;

	if (fd < 0)
		return fd;
	ret = check_fd(fd, why, whylen);
	close(fd);
	return ret;
}

int secret_read_file(const char *path, char *buf, size_t len, char *why, size_t whylen)
{
	/* The longest line plus one byte: enough to tell "too long" apart. */
	char tmp[MAX_PASSWORD + 1];
	size_t used = 0, line, max = len - 1 < MAX_PASSWORD ? len - 1 : MAX_PASSWORD;
	int fd, ret = 0;

	if (len == 0)
		return -EINVAL;
	buf[0] = '\0';
	if ((fd = open_secret(path, why, whylen)) < 0)
		return fd;
	if ((ret = check_fd(fd, why, whylen)) < 0) {
		close(fd);
		return ret;
	}
	while (used < sizeof(tmp)) {
		ssize_t n = read(fd, tmp + used, sizeof(tmp) - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			snprintf(why, whylen, "%s", strerror(errno));
			break;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		/* The first line is all we want: stop reading once it ended. */
		if (memchr(tmp, '\n', used))
			break;
	}
	close(fd);
	/* The line ends at LF, at CR (CRLF, or an old Mac file) or at EOF. */
	line = used;
	for (size_t i = 0; i < used; i++) {
		if (tmp[i] == '\n' || tmp[i] == '\r') {
			line = i;
			break;
		}
	}
	if (ret == 0 && line > max) {
		/* A file error (the administrator's to fix), never a password
		 * silently cut short, and not worth retrying until it changes. */
		snprintf(why, whylen, "first line longer than %zu bytes", max);
		ret = -EMSGSIZE;
	} else if (ret == 0 && memchr(tmp, '\0', line)) {
		/* The server would get the bytes before it: refuse instead. */
		snprintf(why, whylen, "first line contains a NUL byte");
		ret = -EINVAL;
	} else if (ret == 0 && line == 0) {
		snprintf(why, whylen, "empty");
		ret = -EINVAL;
	} else if (ret == 0) {
		memcpy(buf, tmp, line);
		buf[line] = '\0';
	}
	explicit_bzero(tmp, sizeof(tmp));
	return ret;
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
