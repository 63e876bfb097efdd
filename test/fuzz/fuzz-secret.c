// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The password file reader (secret.c) on arbitrary contents of a file that
 * passes the ownership and mode checks (run as root; otherwise the file is
 * refused and only that path is fuzzed).  Invariants: on success the
 * password is the file's first line exactly, 1 to MAX_PASSWORD bytes, no
 * NUL/CR/LF; on failure the buffer is empty and the reason never holds a
 * byte sequence of the content.
 */
#include "fuzz.h"
#include "secret.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

static char path[PATH_MAX];

static void remove_file(void)
{
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[MAX_PASSWORD + 2], why[160];
	size_t line;
	int fd, ret;

	if (!path[0]) {
		snprintf(path, sizeof(path), "/tmp/fuzz-secret.%ld", (long)getpid());
		atexit(remove_file);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	FUZZ_ASSERT(fd >= 0);
	FUZZ_ASSERT(write(fd, data, size) == (ssize_t)size);
	close(fd);

	why[0] = '\0';
	ret = secret_read_file(path, buf, sizeof(buf), why, sizeof(why));
	for (line = 0; line < size && data[line] != '\n' && data[line] != '\r'; line++)
		;
	if (ret == 0) {
		FUZZ_ASSERT(strlen(buf) == line && line >= 1 && line <= MAX_PASSWORD);
		FUZZ_ASSERT(!memcmp(buf, data, line));
	} else {
		FUZZ_ASSERT(buf[0] == '\0');
		FUZZ_ASSERT(ret == -EMSGSIZE || ret == -EINVAL || ret == -EPERM);
		if (ret == -EMSGSIZE)
			FUZZ_ASSERT(line > MAX_PASSWORD);
		if (ret == -EINVAL && geteuid() == 0)
			FUZZ_ASSERT(line == 0 || memchr(data, '\0', line));
		/* A reason is one of ours, not file content. */
		FUZZ_ASSERT(!strncmp(why, "first line", 10) || !strcmp(why, "empty") ||
			    !strncmp(why, "not owned", 9) || !strncmp(why, "mode", 4));
	}
	return 0;
}
