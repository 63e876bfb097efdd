// SPDX-License-Identifier: GPL-2.0-or-later
/* Per-interface IPv6 sysctls through /proc (the kernel has no rtnetlink
 * setter for accept_ra and friends). */
#include "rtnl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A VLAN's dot becomes a slash in sysctl paths: ens224.1000 is
 * net/ipv6/conf/ens224.1000 in /proc (the dot form is sysctl(8)'s).  Names
 * were validated (no '/'), so the path cannot escape the directory. */
static int path_of(char *path, size_t len, const char *ifname, const char *key)
{
	int n = snprintf(path, len, "/proc/sys/net/ipv6/conf/%s/%s", ifname, key);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int sysctl_ipv6_get(const char *ifname, const char *key, int *value)
{
	char path[128], buf[32];
	ssize_t n;
	int fd, ret;

	if ((ret = path_of(path, sizeof(path), ifname, key)) < 0)
		return ret;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	ret = n < 0 ? -errno : 0;
	close(fd);
	if (ret < 0)
		return ret;
	buf[n] = '\0';
	*value = atoi(buf);
	return 0;
}

int sysctl_ipv6_set(const char *ifname, const char *key, int value)
{
	char path[128], buf[32];
	ssize_t n;
	int fd, ret, len;

	if ((ret = path_of(path, sizeof(path), ifname, key)) < 0)
		return ret;
	len = snprintf(buf, sizeof(buf), "%d\n", value);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, buf, (size_t)len);
	ret = n < 0 ? -errno : n != len ? -EIO : 0;
	close(fd);
	return ret;
}

int slaac_enable(const char *ifname)
{
	int forwarding = 0, accept_ra = 1, autoconf = 1, solicit = 3, ret = 0, changed = 0;

	/* A device that does not exist has nothing to enable: say so. */
	if ((ret = sysctl_ipv6_get(ifname, "forwarding", &forwarding)) < 0)
		return ret == -ENOENT ? -ENODEV : ret;
	sysctl_ipv6_get(ifname, "accept_ra", &accept_ra);
	sysctl_ipv6_get(ifname, "autoconf", &autoconf);
	sysctl_ipv6_get(ifname, "router_solicitations", &solicit);
	if (forwarding && accept_ra != 2) {
		ret = sysctl_ipv6_set(ifname, "accept_ra", 2);
		changed = 1;
	} else if (!forwarding && accept_ra == 0) {
		ret = sysctl_ipv6_set(ifname, "accept_ra", 1);
		changed = 1;
	}
	if (!ret && !autoconf) {
		ret = sysctl_ipv6_set(ifname, "autoconf", 1);
		changed = 1;
	}
	/* The kernel refuses a token on a device that never solicits. */
	if (!ret && solicit == 0) {
		ret = sysctl_ipv6_set(ifname, "router_solicitations", 3);
		changed = 1;
	}
	return ret < 0 ? ret : changed;
}

/* Issue 13: RFC 4429 optimistic DAD for <prefix>::iid.  optimistic_dad makes
 * the kernel create SLAAC addresses "optimistic" (usable while DAD runs,
 * DAD started without the random delay); use_optimistic lets it notify and
 * pick them as sources.  The ip6tnl accepts an optimistic local address
 * (ipv6_chk_addr_and_flags() decouples it from tentative).  The kernel
 * ignores both while net.ipv6.conf.all.forwarding is 1 (addrconf.c). */
static const char *const optdad_keys[] = { "optimistic_dad", "use_optimistic" };

int optimistic_dad_enable(const char *ifname, const char *savefile)
{
	int old[2] = { 0, 0 }, ret, fd, changed = 0;
	char buf[32];

	for (int i = 0; i < 2; i++)
		if ((ret = sysctl_ipv6_get(ifname, optdad_keys[i], &old[i])) < 0)
			return ret;
	if (old[0] && old[1])
		return 0;
	/* The values before our first change, kept for optimistic_dad_restore:
	 * a repeated ifup finds the file and leaves it alone. */
	fd = open(savefile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd >= 0) {
		int len = snprintf(buf, sizeof(buf), "%d %d\n", old[0], old[1]);

		ret = write(fd, buf, (size_t)len) == len ? 0 : -EIO;
		close(fd);
		if (ret < 0) {
			unlink(savefile);
			return ret;
		}
	} else if (errno != EEXIST) {
		return -errno;
	}
	for (int i = 0; i < 2; i++) {
		if (old[i])
			continue;
		if ((ret = sysctl_ipv6_set(ifname, optdad_keys[i], 1)) < 0)
			return ret;
		changed = 1;
	}
	return changed;
}

int optimistic_dad_restore(const char *ifname, const char *savefile)
{
	int old[2], fd, ret = 0;
	char buf[32];
	ssize_t n;

	fd = open(savefile, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	unlink(savefile);
	if (n <= 0)
		return n < 0 ? -errno : -EINVAL;
	buf[n] = '\0';
	if (sscanf(buf, "%d %d", &old[0], &old[1]) != 2)
		return -EINVAL;
	for (int i = 0; i < 2; i++) {
		int r = sysctl_ipv6_set(ifname, optdad_keys[i], old[i]);

		if (r < 0 && r != -ENOENT && !ret)
			ret = r;	/* a deleted VLAN took its sysctls along */
	}
	return ret < 0 ? ret : 1;
}
