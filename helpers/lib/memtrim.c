// SPDX-License-Identifier: GPL-2.0-or-later
/* Issue 13: the idle supervisor's resident set.  Most of its VmRSS is the
 * C library: the kernel maps file pages around each fault (64 KiB,
 * fault_around_bytes), so start-up alone leaves about 1.4 MiB of libc
 * mapped that the idle loop never runs.  Those pages are shared page cache
 * and cost nothing private, but VmRSS counts them.  Before a long sleep we
 * drop our mappings of them: MADV_DONTNEED on a private file mapping that
 * holds no private copy of a page only removes page-table entries -- the
 * pages stay in the page cache and fault back in when used.  Mappings we
 * can write, and read-only ones with a private copy (RELRO: relocated,
 * then write-protected, which would revert to the file's bytes), are never
 * touched. */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SMAPS_MAX	(256 * 1024)	/* a few hundred mappings at most */
#define TRIM_MAX	64		/* mappings trimmed (a few per library) */

struct ranges {
	int n;
	uintptr_t start[TRIM_MAX], stop[TRIM_MAX];
};

static void add(struct ranges *r, uintptr_t start, uintptr_t stop, bool ok)
{
	if (ok && stop > start && r->n < TRIM_MAX) {
		r->start[r->n] = start;
		r->stop[r->n++] = stop;
	}
}

int mem_trim_code(void)
{
	uintptr_t start = 0, stop = 0;
	struct ranges r = { .n = 0 };
	bool candidate = false;
	size_t len = 0;
	int fd, count = 0;
	char *buf;
	ssize_t n;

	/* Not on the heap or a static buffer: those pages would stay. */
	buf = mmap(NULL, SMAPS_MAX, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return -errno;
	fd = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		count = -errno;
		munmap(buf, SMAPS_MAX);
		return count;
	}
	while (len < SMAPS_MAX - 1 && (n = read(fd, buf + len, SMAPS_MAX - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	/* A mapping's header "start-end perms offset dev inode path", then its
	 * "Key: value" lines; a last line cut short has no newline: skipped,
	 * and so is the mapping it belongs to. */
	for (char *line = buf, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
		char *p;
		uintptr_t a;

		*nl = '\0';
		a = (uintptr_t)strtoull(line, &p, 16);
		if (*p == '-' && p != line) {
			add(&r, start, stop, candidate);	/* the previous one */
			start = a;
			stop = (uintptr_t)strtoull(p + 1, &p, 16);
			/* Private, not writable, from a file. */
			candidate = p[0] == ' ' && p[1] == 'r' && p[2] == '-' && p[4] == 'p' &&
				    strchr(p, '/');
		} else if (!strncmp(line, "Anonymous:", 10) && strtoul(line + 10, NULL, 10)) {
			candidate = false;	/* holds a private copy (RELRO) */
		}
	}
	/* The last mapping's lines all ended in a newline only if the read
	 * was complete. */
	if (len < SMAPS_MAX - 1)
		add(&r, start, stop, candidate);
	/* Last, so that little runs (and maps its pages again) after it. */
	munmap(buf, SMAPS_MAX);
	for (int i = 0; i < r.n; i++)
		if (madvise((void *)r.start[i], r.stop[i] - r.start[i], MADV_DONTNEED) == 0)
			count++;
	return count;
}

long mem_resident_kb(void)
{
	char buf[128];
	long size, resident;
	ssize_t n;
	int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	if (sscanf(buf, "%ld %ld", &size, &resident) != 2)
		return -EIO;
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}
