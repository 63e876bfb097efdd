// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The state-file reader (state.c) on arbitrary file contents, as
 * transix-status and a restarted supervisor read them.  Invariants: every
 * string field is NUL-terminated printable ASCII, the pid a pid_t, no
 * number negative; what was read, written again and read back, is the
 * same (the format is a fixed point after one read).
 */
#include "fuzz.h"
#include "state.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#define IFN "fuzz0"

static void check_field(const char *key, const char *value, bool is_number, void *ctx)
{
	(void)ctx;
	(void)key;
	if (is_number) {
		FUZZ_ASSERT(value[0] >= '0' && value[0] <= '9');
		return;
	}
	for (const char *c = value; *c; c++)
		FUZZ_ASSERT((unsigned char)*c >= 0x20 && (unsigned char)*c < 0x7f);
}

/* The state as state_each() sees it: bytes after a string's NUL (left by a
 * longer earlier value of a repeated key) are not part of it. */
static void collect(const char *key, const char *value, bool is_number, void *ctx)
{
	char *out = ctx;
	size_t n = strlen(out);

	snprintf(out + n, 4096 - n, "%s%s=%s\n", is_number ? "#" : "", key, value);
}

static void put(const uint8_t *data, size_t size)
{
	char path[256];
	int fd;

	FUZZ_ASSERT(state_path(path, sizeof(path), IFN, "state") == 0);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FUZZ_ASSERT(fd >= 0);
	FUZZ_ASSERT(write(fd, data, size) == (ssize_t)size);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct status a, b;
	char ta[4096] = "", tb[4096] = "";

	if (!ready) {
		mkdir(RUNSTATEDIR, 0755);
		mkdir(STATE_DIR, 0755);
		ready = true;
	}
	put(data, size);
	FUZZ_ASSERT(state_read(IFN, &a) == 0);
	state_each(&a, check_field, NULL);
	FUZZ_ASSERT(a.pid >= 0 && a.pid <= INT_MAX);

	/* Round trip: what was read is what state_write() writes. */
	memset(a.interface, 0, sizeof(a.interface));
	snprintf(a.interface, sizeof(a.interface), IFN);
	FUZZ_ASSERT(state_write(&a) == 0);
	FUZZ_ASSERT(state_read(IFN, &b) == 0);
	state_each(&a, collect, ta);
	state_each(&b, collect, tb);
	FUZZ_ASSERT(strcmp(ta, tb) == 0);
	return 0;
}
