// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The state file: written and read back whole; truncated, corrupted,
 * oversized and hostile files read without harm (no key smuggled in by an
 * overlong line, no terminal control bytes, no out-of-range pid); the pid
 * file's liveness check.  STATE_DIR is under test/unit/build (Makefile).
 */
#include "state.h"
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define IFN "ens9.1000"

static void prepare_dirs(void)
{
	char cmd[PATH_MAX + 32];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s'", RUNSTATEDIR, RUNSTATEDIR);
	if (system(cmd) != 0) {
		fprintf(stderr, "test-state: cannot prepare %s\n", RUNSTATEDIR);
		exit(111);
	}
}

/* Writes text as IFN's state file, as a hostile or broken writer would. */
static void put_state(const void *text, size_t len)
{
	char path[256];
	int fd;

	CHECK_INT(state_path(path, sizeof(path), IFN, "state"), 0);
	mkdir(STATE_DIR, 0755);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
		perror(path);
		exit(111);
	}
	close(fd);
}

static void put_str(const char *text)
{
	put_state(text, strlen(text));
}

static void full(struct status *st)
{
	memset(st, 0, sizeof(*st));
	snprintf(st->interface, sizeof(st->interface), IFN);
	st->pid = 4242;
	snprintf(st->token, sizeof(st->token), "::feed");
	snprintf(st->local, sizeof(st->local), "2001:db8:1:2::feed");
	snprintf(st->tunnel, sizeof(st->tunnel), "tx-ens9.1000");
	snprintf(st->remote, sizeof(st->remote), "gw.transix.example");
	snprintf(st->remote_address, sizeof(st->remote_address), "2001:db8:ffff::140");
	snprintf(st->address, sizeof(st->address), "203.0.113.5/32");
	st->mtu = 1460;
	snprintf(st->encaplimit, sizeof(st->encaplimit), "none");
	snprintf(st->tunnel_state, sizeof(st->tunnel_state), "up");
	snprintf(st->registration, sizeof(st->registration), "ok");
	snprintf(st->registered_address, sizeof(st->registered_address), "2001:db8:1:2::feed");
	st->last_attempt = 1700000000;
	snprintf(st->last_result, sizeof(st->last_result), "OK");
	st->last_success = 1700000001;
	st->next_retry = 1700000600;
	st->failures = 3;
	snprintf(st->health, sizeof(st->health), "ok");
	snprintf(st->message, sizeof(st->message), "all fine = really; 100%%");
	st->updated = LONG_MAX;
}

/* state_each() as one text, to compare two states field by field. */
static void collect(const char *key, const char *value, bool is_number, void *ctx)
{
	char *out = ctx;
	size_t n = strlen(out);

	snprintf(out + n, 4096 - n, "%s%s=%s\n", is_number ? "#" : "", key, value);
}

static void test_round_trip(void)
{
	struct status a, b;
	char ta[4096] = "", tb[4096] = "";

	full(&a);
	CHECK_INT(state_write(&a), 0);
	CHECK_INT(state_read(IFN, &b), 0);
	state_each(&a, collect, ta);
	state_each(&b, collect, tb);
	CHECK_STR(tb, ta);
	CHECK(strstr(ta, "#pid=4242\n") && strstr(ta, "message=all fine = really; 100%\n"));
	CHECK_INT(b.updated, LONG_MAX);

	/* A value with a line break cannot add a line (a key) to the file. */
	snprintf(a.message, sizeof(a.message), "x\nhealth=ok\rregistration=ok");
	snprintf(a.health, sizeof(a.health), "down");
	snprintf(a.registration, sizeof(a.registration), "failed");
	CHECK_INT(state_write(&a), 0);
	CHECK_INT(state_read(IFN, &b), 0);
	CHECK_STR(b.health, "down");
	CHECK_STR(b.registration, "failed");
	CHECK_STR(b.message, "x health=ok registration=ok");

	/* Overlong values are cut to their field, NUL-terminated. */
	memset(a.message, 'm', sizeof(a.message) - 1);
	a.message[sizeof(a.message) - 1] = '\0';
	CHECK_INT(state_write(&a), 0);
	CHECK_INT(state_read(IFN, &b), 0);
	CHECK_INT(strlen(b.message), sizeof(b.message) - 1);

	state_remove(IFN);
	CHECK_INT(state_read(IFN, &b), -ENOENT);
	CHECK_STR(b.health, "");
}

static void test_paths(void)
{
	char path[256], longname[300];
	struct status st;

	memset(longname, 'i', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	CHECK_INT(state_path(path, sizeof(path), longname, "state"), -ENAMETOOLONG);
	CHECK_INT(state_read(longname, &st), -ENAMETOOLONG);
	CHECK_INT(state_path(path, sizeof(path), IFN, "pid"), 0);
	CHECK_STR(path, STATE_DIR "/" IFN ".pid");
}

static void test_truncated_and_corrupted(void)
{
	struct status st;
	static const char bin[] = "health=ok\n\x00\xff\xfe=\x01\n\n===\nno equals sign\n"
				  "unknown=1\nmtu\n=1400\nregistration=pending";

	/* Cut in the middle of a key, then of a value. */
	put_str("interface=" IFN "\nhealth=ok\nmtu=1460\nmess");
	CHECK_INT(state_read(IFN, &st), 0);
	CHECK_STR(st.interface, IFN);
	CHECK_INT(st.mtu, 1460);
	CHECK_STR(st.message, "");
	put_str("health=ok\nmessage=half a li");
	CHECK_INT(state_read(IFN, &st), 0);
	CHECK_STR(st.message, "half a li");

	/* Binary junk, empty keys, lines without '=', unknown keys. */
	put_state(bin, sizeof(bin) - 1);
	CHECK_INT(state_read(IFN, &st), 0);
	CHECK_STR(st.health, "ok");
	CHECK_INT(st.mtu, 0);
	CHECK_STR(st.registration, "pending");

	/* Empty file. */
	put_str("");
	CHECK_INT(state_read(IFN, &st), 0);
	CHECK_STR(st.interface, "");
	CHECK_INT(st.pid, 0);
}

static void test_hostile(void)
{
	char big[2048];
	struct status st;

	/* A line longer than the reader's 512-byte buffer: its tail is not a
	 * line of its own, so the "health=ok" at byte 523 (where a second
	 * fgets() would start) is no key. */
	memset(big, 'A', sizeof(big));
	memcpy(big, "health=down\nmessage=", 20);
	snprintf(big + 12 + 511, sizeof(big) - 12 - 511, "health=ok\ntunnel=tx-wan0\n");
	put_str(big);
	CHECK_INT(state_read(IFN, &st), 0);
	CHECK_STR(st.health, "down");
	CHECK_STR(st.tunnel, "tx-wan0");
	CHECK_STR(st.message, "");

	/* Terminal control bytes (a status display is a terminal). */
	put_str("message=a\x1b[2Jb\x07\x7f\x9b" "c\ttab\nlast_result=\x1b]0;x\x07\n");
	CHECK_INT(state_read(IFN, &st), 0);
	CHECK_STR(st.message, "a?[2Jb???c?tab");
	CHECK_STR(st.last_result, "?]0;x?");

	/* Numbers: only plain decimal in range; a pid must be a pid_t. */
	put_str("pid=4294967296\nmtu=99999999999999999999999\nfailures=-3\nlast_attempt=12abc\n"
		"next_retry= 5\nupdated=1700000000\n");
	CHECK_INT(state_read(IFN, &st), 0);
	CHECK_INT(st.pid, 0);
	CHECK_INT(st.mtu, 0);
	CHECK_INT(st.failures, 0);
	CHECK_INT(st.last_attempt, 0);
	CHECK_INT(st.next_retry, 0);
	CHECK_INT(st.updated, 1700000000);
	put_str("pid=2147483647\n");
	CHECK_INT(state_read(IFN, &st), 0);
	CHECK_INT(st.pid, 2147483647);
	put_str("pid=2147483648\n");
	CHECK_INT(state_read(IFN, &st), 0);
	CHECK_INT(st.pid, 0);

	/* Large: 4 MiB of lines is read (and ignored) to the end. */
	{
		char path[256];
		FILE *f;

		state_path(path, sizeof(path), IFN, "state");
		f = fopen(path, "we");
		CHECK(f != NULL);
		if (f) {
			for (int i = 0; i < 65536; i++)
				fprintf(f, "junk%d=%060d\n", i, i);
			fputs("health=ok\n", f);
			fclose(f);
		}
		CHECK_INT(state_read(IFN, &st), 0);
		CHECK_STR(st.health, "ok");
	}

	/* Not a file: a directory in its place. */
	{
		char path[256];

		state_path(path, sizeof(path), IFN, "state");
		unlink(path);
		CHECK(mkdir(path, 0700) == 0);
		CHECK(state_read(IFN, &st) < 0);
		rmdir(path);
	}
	state_remove(IFN);
}

/* A child whose comm is "transix-supervi": a copy of sleep(1) so named. */
static pid_t fake_supervisor(void)
{
	char prog[PATH_MAX];
	pid_t pid;

	snprintf(prog, sizeof(prog), "%s/transix-supervisor", RUNSTATEDIR);
	if (access(prog, X_OK) != 0) {
		char cmd[PATH_MAX * 2];

		snprintf(cmd, sizeof(cmd), "cp \"$(command -v sleep)\" '%s'", prog);
		if (system(cmd) != 0)
			return -1;
	}
	pid = fork();
	if (pid == 0) {
		execl(prog, "transix-supervisor", "600", (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void put_pid(const char *text)
{
	char path[256];
	FILE *f;

	state_path(path, sizeof(path), IFN, "pid");
	f = fopen(path, "we");
	if (!f) {
		perror(path);
		exit(111);
	}
	fputs(text, f);
	fclose(f);
}

static void test_pidfile(void)
{
	char text[32], path[256];
	pid_t sup;

	state_remove(IFN);
	CHECK_INT(pidfile_read_live(IFN), 0);		/* none */
	CHECK_INT(pidfile_write(IFN), 0);
	state_path(path, sizeof(path), IFN, "pid");
	CHECK(access(path, R_OK) == 0);
	CHECK_INT(pidfile_read_live(IFN), 0);		/* alive, but not a supervisor */

	sup = fake_supervisor();
	CHECK(sup > 0);
	if (sup > 0) {
		/* exec may not have happened yet: comm changes at exec. */
		for (int i = 0; i < 1000; i++) {
			char comm[64] = "";
			FILE *f;

			snprintf(path, sizeof(path), "/proc/%d/comm", (int)sup);
			f = fopen(path, "re");
			if (f && fgets(comm, sizeof(comm), f) && !strncmp(comm, "transix-supervi", 15)) {
				fclose(f);
				break;
			}
			if (f)
				fclose(f);
			usleep(10000);
		}
		snprintf(text, sizeof(text), "%d\n", (int)sup);
		put_pid(text);
		CHECK_INT(pidfile_read_live(IFN), sup);
		kill(sup, SIGKILL);
		waitpid(sup, NULL, 0);
		CHECK_INT(pidfile_read_live(IFN), 0);	/* dead */
	}
	put_pid("1\n");
	CHECK_INT(pidfile_read_live(IFN), 0);
	put_pid("0\n");
	CHECK_INT(pidfile_read_live(IFN), 0);
	put_pid("-1\n");
	CHECK_INT(pidfile_read_live(IFN), 0);
	put_pid("4294967297\n");			/* (pid_t) would be 1 */
	CHECK_INT(pidfile_read_live(IFN), 0);
	put_pid("garbage");
	CHECK_INT(pidfile_read_live(IFN), 0);
	put_pid("");
	CHECK_INT(pidfile_read_live(IFN), 0);
	state_remove(IFN);
	CHECK(access(path, F_OK) != 0);
}

int main(void)
{
	prepare_dirs();
	test_round_trip();
	test_paths();
	test_truncated_and_corrupted();
	test_hostile();
	test_pidfile();
	return unit_done("test-state");
}
