// SPDX-License-Identifier: GPL-2.0-or-later
/* The one log helper: "prog: ident: message" on stderr, debug only when
 * verbose, long messages cut rather than overflowing. */
#include "log.h"
#include "unit.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static char path[] = "/tmp/test-log.XXXXXX";
static int saved_stderr;

/* What the calls since the last call wrote to stderr. */
static const char *captured(void)
{
	static char buf[4096];
	ssize_t n;
	int fd;

	fflush(stderr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	if (ftruncate(STDERR_FILENO, 0) < 0 || lseek(STDERR_FILENO, 0, SEEK_SET) < 0)
		abort();
	return buf;
}

int main(void)
{
	char big[3000];
	const char *out;
	int fd = mkstemp(path);

	if (fd < 0)
		return 111;
	saved_stderr = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);

	log_open("/usr/libexec/ifupdown-transix/transix-hook", "wan0", LOG_TO_STDERR);
	log_info("tunnel %s up, mtu %d", "tx-wan0", 1460);
	out = captured();
	log_err("second");
	log_set_ident(NULL);
	log_warn("no ident");
	log_debug("hidden");
	log_set_verbose(true);
	log_debug("shown");
	{
		char first[128];

		snprintf(first, sizeof(first), "%s", out);
		out = captured();
		dup2(saved_stderr, STDERR_FILENO);
		CHECK_STR(first, "transix-hook: wan0: tunnel tx-wan0 up, mtu 1460\n");
		CHECK_STR(out, "transix-hook: wan0: second\ntransix-hook: no ident\n"
			       "transix-hook: shown\n");
		dup2(fd = open(path, O_WRONLY | O_CLOEXEC), STDERR_FILENO);
		close(fd);
	}
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_info("%s", big);
	out = captured();
	dup2(saved_stderr, STDERR_FILENO);
	CHECK_INT(strlen(out), strlen("transix-hook: ") + 1023 + 1);
	CHECK(out[strlen(out) - 1] == '\n');

	unlink(path);
	return unit_done("test-log");
}
