// SPDX-License-Identifier: GPL-2.0-or-later
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum field_type { STR, NUM };

static const struct field {
	const char *key;
	enum field_type type;
	size_t offset, size;
} fields[] = {
#define S(name) { #name, STR, offsetof(struct status, name), sizeof(((struct status *)0)->name) }
#define N(name) { #name, NUM, offsetof(struct status, name), sizeof(long) }
	S(interface), N(pid), S(health), S(message), S(token), S(local), S(tunnel),
	S(remote), S(remote_address), S(remote_answers), N(remote_ttl),
	N(remote_lookup), S(address), N(mtu), S(encaplimit), S(tunnel_state),
	S(registration), S(failure), S(registered_address), S(default_before), N(last_attempt), S(last_result),
	N(last_success), N(next_retry), N(failures), N(updated),
	S(provision), S(provision_class), S(method), S(enabler_name), S(service_name),
	S(provision_server), N(provision_ttl), N(provision_expires), N(ttl_left), N(last_fetch),
	S(fetch_result), N(next_fetch), N(fetch_failures),
#undef S
#undef N
};

int state_path(char *buf, size_t len, const char *ifname, const char *suffix)
{
	int n = snprintf(buf, len, "%s/%s.%s", STATE_DIR, ifname, suffix);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

void state_each(const struct status *st,
		void (*fn)(const char *key, const char *value, bool is_number, void *ctx),
		void *ctx)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *p = (const char *)st + fields[i].offset;
		char num[32];

		if (fields[i].type == NUM) {
			snprintf(num, sizeof(num), "%ld", *(const long *)(const void *)p);
			fn(fields[i].key, num, true, ctx);
		} else {
			fn(fields[i].key, p, false, ctx);
		}
	}
}

static void write_line(const char *key, const char *value, bool is_number, void *ctx)
{
	(void)is_number;
	/* Values are single-line by construction; make sure of it. */
	fprintf(ctx, "%s=", key);
	for (const char *c = value; *c; c++)
		fputc(*c == '\n' || *c == '\r' ? ' ' : *c, ctx);
	fputc('\n', ctx);
}

/* Replaces path with data as a whole: readers see the old or the new file,
 * never half of one. */
static int write_atomic(const char *path, const char *data, size_t len)
{
	char tmp[280];
	int fd, ret = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	mkdir(STATE_DIR, 0755);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	errno = 0;
	if (write(fd, data, len) != (ssize_t)len)
		ret = errno ? -errno : -EIO;
	if (close(fd) < 0 && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path) < 0)
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

/* Reads a small file whole into buf, NUL-terminated: its length or -1. */
static ssize_t read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

int state_write(const struct status *st)
{
	char path[256], *text = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	if (state_path(path, sizeof(path), st->interface, "state") < 0)
		return -ENAMETOOLONG;
	f = open_memstream(&text, &len);
	if (!f)
		return -errno;
	state_each(st, write_line, f);
	ret = fclose(f) ? -ENOMEM : write_atomic(path, text, len);
	free(text);
	return ret;
}

/* A number as state_write() writes it: plain decimal, 0..max; else 0. */
static long parse_num(const char *s, long max)
{
	char *end;
	long n;

	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	n = strtol(s, &end, 10);
	return errno || *end || n > max ? 0 : n;
}

/* A string value, every byte that is not printable ASCII as '?': the
 * writer only writes ASCII, transix-status prints to a terminal (no ESC,
 * BEL, CR, DEL, C1) and as JSON (which must be valid UTF-8). */
static void copy_str(char *dst, size_t size, const char *src)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < size; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	dst[i] = '\0';
}

int state_read(const char *ifname, struct status *st)
{
	char path[256], line[512];
	struct stat sb;
	bool overlong = false;
	FILE *f;
	int fd;

	memset(st, 0, sizeof(*st));
	if (state_path(path, sizeof(path), ifname, "state") < 0)
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	f = fdopen(fd, "r");
	if (!f) {
		int err = -errno;

		close(fd);
		return err;
	}
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '='), *nl = strchr(line, '\n');
		bool skip = overlong;

		/* No field is near 511 bytes: a longer line is not ours, and the
		 * rest of it must not be read as a line of its own. */
		overlong = !nl && !feof(f);
		if (skip || overlong)
			continue;
		if (nl)
			*nl = '\0';
		if (!eq)
			continue;
		*eq = '\0';
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			char *p = (char *)st + fields[i].offset;

			if (strcmp(line, fields[i].key))
				continue;
			/* A pid read back must be a pid_t: (pid_t)4294967296 is 0. */
			if (fields[i].type == NUM)
				*(long *)(void *)p = parse_num(eq + 1, strcmp(line, "pid") ?
							       LONG_MAX : INT_MAX);
			else
				copy_str(p, fields[i].size, eq + 1);
		}
	}
	fclose(f);
	return 0;
}

void state_remove(const char *ifname)
{
	char path[256];

	if (state_path(path, sizeof(path), ifname, "state") == 0)
		unlink(path);
	if (state_path(path, sizeof(path), ifname, "pid") == 0)
		unlink(path);
}

int pidfile_write(const char *ifname)
{
	char path[256], buf[32];
	int len;

	if (state_path(path, sizeof(path), ifname, "pid") < 0)
		return -ENAMETOOLONG;
	len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	return write_atomic(path, buf, (size_t)len);
}

pid_t pidfile_read_live(const char *ifname)
{
	char path[256], buf[32], comm[64];
	long pid;

	if (state_path(path, sizeof(path), ifname, "pid") < 0 ||
	    read_small(path, buf, sizeof(buf)) <= 0)
		return 0;
	pid = strtol(buf, NULL, 10);
	/* EPERM: alive, and not ours to signal (transix-status as a user). */
	if (pid <= 1 || pid > INT_MAX || (kill((pid_t)pid, 0) < 0 && errno != EPERM))
		return 0;
	/* A stale pidfile after a crash may name an unrelated process now;
	 * comm holds the first 15 bytes of the program's name. */
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	if (read_small(path, comm, sizeof(comm)) <= 0)
		return 0;
	return strncmp(comm, "transix-supervi", 15) ? 0 : (pid_t)pid;
}
