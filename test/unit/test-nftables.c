// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nftables.c, the libnftables half of our table (what transix-nft and the
 * hook run), against the host kernel's nftables -- in a network namespace
 * of the test's own, so nothing of the host's ruleset is touched.  Needs
 * root (unshare(CLONE_NEWNET)); as another user it says so and checks
 * nothing.  The guest side (the table on a tunnel, put back after a flush)
 * is test/scenarios/6x-*.
 */
#include "config.h"
#include "nft.h"
#include "options.h"
#include "unit.h"

#include <errno.h>
#include <sched.h>
#include <stdint.h>

/* A stanza with the clamp and NAT on: what nft_table_apply() installs. */
static void test_apply_from_config(void)
{
	const struct opt opts[] = {
		{ "tunnel-remote", "2001:db8:ffff::140" }, { "tunnel-address", "203.0.113.5" },
		{ "tunnel-nat", "yes" }, { NULL, NULL },
	};
	const char *names[] = { "tunnel-remote", "tunnel-address", "tunnel-nat", NULL };
	struct transix_config c;
	struct nft_table t;
	char err[256] = "";

	CHECK_INT(config_parse(&c, "wan0", lookup, (void *)(uintptr_t)opts, names, err,
			       sizeof(err)), 1);
	CHECK_INT(nft_table_open(&t, "wan0", false), 0);
	CHECK_STR(t.name, "transix-wan0");
	CHECK(!nft_table_exists(&t));
	CHECK_INT(nft_table_apply(&t, &c, err, sizeof(err)), 0);
	CHECK(t.applied);
	CHECK(nft_table_exists(&t));
	CHECK_INT(nft_table_intact(&t), 1);
	/* Applied again (a put-back): still one table, still as made. */
	CHECK_INT(nft_table_apply(&t, &c, err, sizeof(err)), 0);
	CHECK_INT(nft_table_intact(&t), 1);
	CHECK_INT(nft_table_remove(&t, err, sizeof(err)), 0);
	CHECK(!t.applied);
	CHECK(!nft_table_exists(&t));
	CHECK_INT(nft_table_intact(&t), 0);
	nft_table_close(&t);
}

static void test_changed_bad_and_absent(void)
{
	struct nft_table t, other;
	char err[256] = "";

	/* The monitor half lives in nft.c (libmnl), not here. */
	CHECK_INT(nft_table_open(&t, "wan1", true), -EINVAL);
	CHECK_INT(nft_table_open(&t, "wan1", false), 0);

	/* Removing a table that is not there is not an error. */
	CHECK_INT(nft_table_remove(&t, err, sizeof(err)), 0);

	CHECK_INT(nft_table_apply_text(&t, "table ip transix-wan1 {\n"
					   "\tchain forward {\n"
					   "\t\ttype filter hook forward priority mangle;\n"
					   "\t}\n}\n", err, sizeof(err)), 0);
	CHECK_INT(nft_table_intact(&t), 1);

	/* Someone else adds a chain to our table: no longer what we made. */
	CHECK_INT(nft_table_open(&other, "wan1", false), 0);
	CHECK_INT(nft_table_apply_text(&other, "add chain ip transix-wan1 theirs\n", err,
				       sizeof(err)), 0);
	CHECK_INT(nft_table_intact(&t), 0);
	nft_table_close(&other);

	/* nft's own first line, without the caret lines under the input. */
	err[0] = '\0';
	CHECK_INT(nft_table_apply_text(&t, "add chain ip transix-wan1 c { type bogus; }\n", err,
				       sizeof(err)), -EINVAL);
	CHECK(err[0] != '\0');
	CHECK(!strchr(err, '\n'));
	CHECK(!strstr(err, "^^^"));

	CHECK_INT(nft_table_remove(&t, err, sizeof(err)), 0);
	CHECK(!nft_table_exists(&t));
	nft_table_close(&t);
	nft_table_close(&t);	/* twice: harmless */
}

int main(void)
{
	if (unshare(CLONE_NEWNET) < 0) {
		printf("test-nftables: no network namespace of our own (%s): nothing checked "
		       "(run as root)\n", strerror(errno));
		return unit_done("test-nftables");
	}
	test_apply_from_config();
	test_changed_bad_and_absent();
	return unit_done("test-nftables");
}
