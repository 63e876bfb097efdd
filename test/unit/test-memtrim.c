// SPDX-License-Identifier: GPL-2.0-or-later
/* mem_trim_code() (issue 13): code pages let go, and never a private copy
 * of a read-only page (RELRO) -- that would revert it to the file's bytes. */
#include "proc.h"
#include "unit.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static long rss_file_kb(void)
{
	char buf[4096], *p;
	ssize_t n;
	int fd = open("/proc/self/status", O_RDONLY);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "RssFile:");
	return p ? strtol(p + 8, NULL, 10) : -1;
}

static int cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int main(void)
{
	char path[] = "/tmp/test-memtrim.XXXXXX", page[4096];
	int fd = mkstemp(path), v[] = { 3, 1, 2 };
	unsigned char *relro, *clean;
	long before, after;
	char out[32];

	CHECK(fd >= 0);
	memset(page, 'f', sizeof(page));
	CHECK(write(fd, page, sizeof(page)) == (ssize_t)sizeof(page));
	/* Like RELRO: a private file page written (a private copy), then made
	 * read-only.  And a clean read-only one, read so that it is mapped. */
	relro = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	clean = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(relro != MAP_FAILED && clean != MAP_FAILED);
	relro[0] = 'R';
	CHECK(mprotect(relro, 4096, PROT_READ) == 0);
	CHECK_INT(clean[0], 'f');

	long rss = mem_resident_kb();

	before = rss_file_kb();
	CHECK(mem_trim_code() > 0);
	after = rss_file_kb();
	CHECK(rss > 0 && mem_resident_kb() > 0 && mem_resident_kb() < rss);
	fprintf(stderr, "test-memtrim: RssFile %ld kB -> %ld kB\n", before, after);
	CHECK(after < before);
	CHECK_INT(relro[0], 'R');	/* the private copy kept */
	CHECK_INT(clean[0], 'f');	/* faulted back in */
	/* Library code through the PLT/GOT still runs. */
	snprintf(out, sizeof(out), "%d-%s", 42, "x");
	CHECK_STR(out, "42-x");
	qsort(v, 3, sizeof(v[0]), cmp);
	CHECK(v[0] == 1 && v[1] == 2 && v[2] == 3);
	CHECK(getpid() > 0);
	CHECK(mem_trim_code() > 0);	/* again: nothing broken by the first */

	munmap(relro, 4096);
	munmap(clean, 4096);
	close(fd);
	unlink(path);
	return unit_done("test-memtrim");
}
