// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * optimistic_dad_enable/restore (sysctl.c, issue 13) against the host
 * kernel's real sysctls -- of lo in a network namespace of the test's own
 * (/proc/sys/net is the opener's namespace), so nothing of the host's is
 * touched.  Needs root (unshare(CLONE_NEWNET)); as another user it says so
 * and checks nothing.  The guest side (set at ifup, the address optimistic,
 * IPv4 before DAD's end) is test/scenarios/20-late-ra.
 */
#include "rtnl.h"
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

static const char *values(void)
{
	static char buf[16];
	int a = -1, b = -1;

	sysctl_ipv6_get("lo", "optimistic_dad", &a);
	sysctl_ipv6_get("lo", "use_optimistic", &b);
	snprintf(buf, sizeof(buf), "%d %d", a, b);
	return buf;
}

static const char *file(const char *path)
{
	static char buf[32];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return "(none)";
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

int main(void)
{
	char dir[] = "/tmp/test-optdad.XXXXXX", path[64];

	if (unshare(CLONE_NEWNET) < 0) {
		printf("test-optdad: no network namespace of our own (%s): nothing checked "
		       "(run as root)\n", strerror(errno));
		return unit_done("test-optdad");
	}
	if (access("/proc/sys/net/ipv6/conf/lo/optimistic_dad", F_OK) < 0) {
		printf("test-optdad: kernel without CONFIG_IPV6_OPTIMISTIC_DAD: nothing checked\n");
		return unit_done("test-optdad");
	}
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/lo.optdad", dir);
	CHECK_STR(values(), "0 0");

	/* ifup: both on, the values found kept. */
	CHECK_INT(optimistic_dad_enable("lo", path), 1);
	CHECK_STR(values(), "1 1");
	CHECK_STR(file(path), "0 0\n");
	/* ifup again (or --force): nothing to change, the first values stay. */
	CHECK_INT(optimistic_dad_enable("lo", path), 0);
	CHECK_STR(file(path), "0 0\n");
	/* ifdown: put back, file gone; again: nothing to do. */
	CHECK_INT(optimistic_dad_restore("lo", path), 1);
	CHECK_STR(values(), "0 0");
	CHECK_STR(file(path), "(none)");
	CHECK_INT(optimistic_dad_restore("lo", path), 0);

	/* The administrator had one of them on: only the other is changed,
	 * and ifdown leaves theirs on. */
	CHECK_INT(sysctl_ipv6_set("lo", "use_optimistic", 1), 0);
	CHECK_INT(optimistic_dad_enable("lo", path), 1);
	CHECK_STR(file(path), "0 1\n");
	CHECK_INT(optimistic_dad_restore("lo", path), 1);
	CHECK_STR(values(), "0 1");

	/* Both on already: nothing changed, nothing kept. */
	CHECK_INT(sysctl_ipv6_set("lo", "optimistic_dad", 1), 0);
	CHECK_INT(optimistic_dad_enable("lo", path), 0);
	CHECK_STR(file(path), "(none)");

	/* A device that does not exist: an error, nothing kept. */
	CHECK_INT(optimistic_dad_enable("nosuchdev0", path), -ENOENT);
	CHECK_STR(file(path), "(none)");
	rmdir(dir);
	return unit_done("test-optdad");
}
