// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The password file: root-owned, mode 0600, a regular file, not a symlink;
 * its first line is the password (LF or CRLF), at most MAX_PASSWORD bytes,
 * no NUL byte.  No message ever carries a byte of the file.  Needs root
 * (chown); as another user the ownership checks are skipped and said so.
 */
#include "secret.h"
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define SECRET "S3cr3t-Tx"	/* every test file holds it: no message may */

static char dir[] = "/tmp/test-secret.XXXXXX";
static char path[PATH_MAX];

/* Writes len bytes of data to dir/name with mode (and owner uid if >= 0). */
static const char *put(const char *name, const void *data, size_t len, mode_t mode, int uid)
{
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
		perror(path);
		exit(111);
	}
	close(fd);
	if (chmod(path, mode) < 0 || (uid >= 0 && chown(path, (uid_t)uid, (gid_t)-1) < 0)) {
		perror(path);
		exit(111);
	}
	return path;
}

/* secret_read_file() into a buffer as big as the supervisor's; checks that
 * neither the reason nor, on failure, the buffer holds the secret. */
static int read_secret(const char *p, char *buf, size_t len, char *why, size_t whylen)
{
	int ret;

	memset(buf, 'Z', len);
	why[0] = '\0';
	ret = secret_read_file(p, buf, len, why, whylen);
	CHECK(!strstr(why, SECRET) && !strstr(why, "S3cr"));
	if (ret < 0)
		CHECK(!memmem(buf, len, "S3cr", 4));
	return ret;
}

static void test_good(void)
{
	char buf[MAX_PASSWORD + 2], why[160];

	CHECK_INT(read_secret(put("lf", SECRET "\nsecond line\n", 22, 0600, 0), buf, sizeof(buf),
			      why, sizeof(why)), 0);
	CHECK_STR(buf, SECRET);
	CHECK_INT(read_secret(put("crlf", SECRET "\r\n", 11, 0600, 0), buf, sizeof(buf), why,
			      sizeof(why)), 0);
	CHECK_STR(buf, SECRET);
	CHECK_INT(read_secret(put("noeol", SECRET, 9, 0400, 0), buf, sizeof(buf), why,
			      sizeof(why)), 0);
	CHECK_STR(buf, SECRET);
	/* Spaces and punctuation are part of a password. */
	CHECK_INT(read_secret(put("spaces", " a b+%&=? \n", 11, 0600, 0), buf, sizeof(buf), why,
			      sizeof(why)), 0);
	CHECK_STR(buf, " a b+%&=? ");
	CHECK_INT(secret_check_file(put("check", SECRET "\n", 10, 0600, 0), why, sizeof(why)), 0);
}

static void test_length(void)
{
	char line[MAX_PASSWORD + 8], buf[MAX_PASSWORD + 2], why[160];

	memset(line, 'p', sizeof(line));
	/* 255 bytes: the longest password, with LF, CRLF or nothing after it. */
	memcpy(line + MAX_PASSWORD, "\n", 1);
	CHECK_INT(read_secret(put("255lf", line, MAX_PASSWORD + 1, 0600, 0), buf, sizeof(buf), why,
			      sizeof(why)), 0);
	CHECK_INT(strlen(buf), MAX_PASSWORD);
	memcpy(line + MAX_PASSWORD, "\r\n", 2);
	CHECK_INT(read_secret(put("255crlf", line, MAX_PASSWORD + 2, 0600, 0), buf, sizeof(buf),
			      why, sizeof(why)), 0);
	CHECK_INT(strlen(buf), MAX_PASSWORD);
	CHECK_INT(read_secret(put("255", line, MAX_PASSWORD, 0600, 0), buf, sizeof(buf), why,
			      sizeof(why)), 0);
	CHECK_INT(strlen(buf), MAX_PASSWORD);

	/* 256: an error of the file, never a silently shortened password,
	 * and not one the caller could mistake for a temporary failure. */
	memset(line, 'p', sizeof(line));
	memcpy(line + MAX_PASSWORD + 1, "\n", 1);
	CHECK_INT(read_secret(put("256lf", line, MAX_PASSWORD + 2, 0600, 0), buf, sizeof(buf), why,
			      sizeof(why)), -EMSGSIZE);
	CHECK(strstr(why, "longer than 255 bytes") != NULL);
	CHECK_INT(read_secret(put("256", line, MAX_PASSWORD + 1, 0600, 0), buf, sizeof(buf), why,
			      sizeof(why)), -EMSGSIZE);
	memcpy(line + MAX_PASSWORD + 1, "\r\n", 2);
	CHECK_INT(read_secret(put("256crlf", line, MAX_PASSWORD + 3, 0600, 0), buf, sizeof(buf),
			      why, sizeof(why)), -EMSGSIZE);
	memset(line, 'p', sizeof(line));
	CHECK_INT(read_secret(put("263", line, sizeof(line), 0600, 0), buf, sizeof(buf), why,
			      sizeof(why)), -EMSGSIZE);
	/* A caller's buffer too small for the line: the same, never cut. */
	CHECK_INT(read_secret(put("small", SECRET "\n", 10, 0600, 0), buf, 5, why, sizeof(why)),
		  -EMSGSIZE);
}

static void test_bad_content(void)
{
	char buf[MAX_PASSWORD + 2], why[160];

	/* The server once got "abc" for "abc\0def". */
	CHECK_INT(read_secret(put("nul", "abc\0" SECRET "\n", 14, 0600, 0), buf, sizeof(buf), why,
			      sizeof(why)), -EINVAL);
	CHECK(strstr(why, "NUL") != NULL);
	CHECK_INT(read_secret(put("nul2", SECRET "\0\n", 11, 0600, 0), buf, sizeof(buf), why,
			      sizeof(why)), -EINVAL);
	/* A NUL after the first line is not the password's business. */
	CHECK_INT(read_secret(put("nul3", SECRET "\n\0x", 12, 0600, 0), buf, sizeof(buf), why,
			      sizeof(why)), 0);
	CHECK_STR(buf, SECRET);

	CHECK_INT(read_secret(put("empty", "", 0, 0600, 0), buf, sizeof(buf), why, sizeof(why)),
		  -EINVAL);
	CHECK_STR(why, "empty");
	CHECK_INT(read_secret(put("emptyline", "\n" SECRET "\n", 11, 0600, 0), buf, sizeof(buf),
			      why, sizeof(why)), -EINVAL);
	CHECK_STR(why, "empty");
	CHECK_INT(read_secret(put("crlfonly", "\r\n" SECRET, 11, 0600, 0), buf, sizeof(buf), why,
			      sizeof(why)), -EINVAL);
}

static void test_file_checks(void)
{
	char buf[MAX_PASSWORD + 2], why[160], target[PATH_MAX];

	if (geteuid() == 0) {
		/* Mode: group or others may read it. */
		CHECK_INT(read_secret(put("mode", SECRET "\n", 10, 0640, 0), buf, sizeof(buf), why,
				      sizeof(why)), -EPERM);
		CHECK_STR(why, "mode 0640 lets others read it: chmod 600 it");
		CHECK_INT(secret_check_file(put("mode2", SECRET "\n", 10, 0604, 0), why,
					    sizeof(why)), -EPERM);
		CHECK(strstr(why, "mode 0604") != NULL);

		/* Owner. */
		CHECK_INT(read_secret(put("owner", SECRET "\n", 10, 0600, 65534), buf, sizeof(buf),
				      why, sizeof(why)), -EPERM);
		CHECK_STR(why, "not owned by root (uid 65534)");
		CHECK_INT(secret_check_file(path, why, sizeof(why)), -EPERM);
	} else {
		printf("test-secret: not root: ownership checks skipped\n");
	}

	/* A symlink, even to a good file, is not followed. */
	snprintf(target, sizeof(target), "%s", put("target", SECRET "\n", 10, 0600, -1));
	snprintf(path, sizeof(path), "%s/link", dir);
	CHECK(symlink(target, path) == 0);
	CHECK_INT(read_secret(path, buf, sizeof(buf), why, sizeof(why)), -ELOOP);
	CHECK_STR(why, "a symbolic link (not followed)");
	CHECK_INT(secret_check_file(path, why, sizeof(why)), -ELOOP);

	/* Not a regular file: a directory, a FIFO (never blocks on it). */
	snprintf(path, sizeof(path), "%s/dir", dir);
	CHECK(mkdir(path, 0700) == 0);
	CHECK_INT(read_secret(path, buf, sizeof(buf), why, sizeof(why)), -EINVAL);
	CHECK_STR(why, "not a regular file");
	snprintf(path, sizeof(path), "%s/fifo", dir);
	CHECK(mkfifo(path, 0600) == 0);
	CHECK_INT(read_secret(path, buf, sizeof(buf), why, sizeof(why)), -EINVAL);
	CHECK_STR(why, "not a regular file");
	CHECK_INT(secret_check_file(path, why, sizeof(why)), -EINVAL);

	/* Missing. */
	snprintf(path, sizeof(path), "%s/missing", dir);
	CHECK_INT(read_secret(path, buf, sizeof(buf), why, sizeof(why)), -ENOENT);
	CHECK_STR(why, "No such file or directory");
	CHECK_INT(secret_check_file(path, why, sizeof(why)), -ENOENT);
}

static void test_env(void)
{
	char buf[MAX_PASSWORD + 1], big[MAX_PASSWORD + 2];

	unsetenv("IF_TRANSIX_PASSWORD");
	CHECK_INT(secret_take_from_env(buf, sizeof(buf)), -ENOENT);
	setenv("IF_TRANSIX_PASSWORD", SECRET, 1);
	CHECK_INT(secret_take_from_env(buf, sizeof(buf)), 0);
	CHECK_STR(buf, SECRET);
	CHECK(getenv("IF_TRANSIX_PASSWORD") == NULL);
	setenv("IF_TRANSIX_PASSWORD", "", 1);
	CHECK_INT(secret_take_from_env(buf, sizeof(buf)), -EINVAL);
	memset(big, 'p', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	setenv("IF_TRANSIX_PASSWORD", big, 1);
	CHECK_INT(secret_take_from_env(buf, sizeof(buf)), -E2BIG);
	unsetenv("IF_TRANSIX_PASSWORD");

	memcpy(buf, SECRET, sizeof(SECRET));
	secret_wipe(buf, sizeof(SECRET));
	CHECK(!memmem(buf, sizeof(SECRET), "S3cr", 4));
}

int main(void)
{
	char cmd[PATH_MAX + 16];

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 111;
	}
	if (geteuid() == 0) {
		test_good();
		test_length();
		test_bad_content();
	} else {
		/* Every readable password file must be root's. */
		printf("test-secret: not root: content checks skipped\n");
	}
	test_file_checks();
	test_env();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "test-secret: cannot remove %s\n", dir);
	return unit_done("test-secret");
}
