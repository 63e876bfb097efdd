// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * transix-nft: installs or removes our nftables table (MSS clamp, NAT;
 * issue 10) for one WAN interface, then exits.  A short-lived program run
 * by the supervisor, like transix-register, so that the daemon that keeps
 * running never loads libnftables and its libraries (issue 13: they made
 * most of its resident memory) and the registration does not wait for it.
 *
 *   transix-nft apply IFNAME    the ruleset (nft_ruleset_text, built by the
 *                               supervisor from validated options) on stdin
 *   transix-nft remove IFNAME
 *
 * Exit 0: done; 3: remove found no table; 100: usage; 1: nftables said no,
 * its first line on standard output (the supervisor logs it, once).  The
 * text is handed to libnftables, never to a shell.
 */
#include "config.h"
#include "nft.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	struct nft_table t;
	char text[NFT_RULESET_MAX + 1], err[200] = "";
	size_t len = 0;
	int ret;

	if (argc != 3 || !config_valid_ifname(argv[2]) ||
	    (strcmp(argv[1], "apply") && strcmp(argv[1], "remove"))) {
		fprintf(stderr, "usage: transix-nft apply|remove IFNAME\n");
		return 100;
	}
	if (!strcmp(argv[1], "apply")) {
		for (;;) {
			ssize_t n = read(0, text + len, sizeof(text) - 1 - len);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				printf("cannot read the ruleset: %s\n", strerror(errno));
				return 1;
			}
			if (n == 0)
				break;
			len += (size_t)n;
			if (len == sizeof(text) - 1) {
				printf("nftables ruleset too long\n");
				return 1;
			}
		}
		text[len] = '\0';
	}
	if ((ret = nft_table_open(&t, argv[2], false)) < 0) {
		printf("cannot open nftables: %s\n", strerror(-ret));
		return 1;
	}
	if (!strcmp(argv[1], "apply"))
		ret = nft_table_apply_text(&t, text, err, sizeof(err));
	else if (!nft_table_exists(&t))
		ret = 3;
	else
		ret = nft_table_remove(&t, err, sizeof(err));
	nft_table_close(&t);
	if (ret < 0)
		printf("%s\n", err);
	return ret < 0 ? 1 : ret;
}
