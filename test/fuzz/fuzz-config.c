// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The stanza parser and its validators (config.c) on arbitrary options.
 * Input: the first line is the interface name (IFACE), every further line
 * "name=value" one option (ifupdown's IF_* environment, as the hook gets
 * it; a value may hold anything but a NUL).  Invariants: a parse either
 * succeeds with a consistent config or fails with one printable line that
 * begins "iface "; the inline password never appears in a message.
 */
#include "config.h"
#include "fuzz.h"

#include <errno.h>
#include <stdbool.h>

#define MAX_OPTS 32

struct opts {
	const char *name[MAX_OPTS + 1];
	const char *value[MAX_OPTS];
	int n;
};

static const char *lookup(const char *option, void *ctx)
{
	const struct opts *o = ctx;

	for (int i = 0; i < o->n; i++)
		if (!strcmp(o->name[i], option))
			return o->value[i];
	return NULL;
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

/* Whether the password also appears in some other part of the input (then
 * a message may rightly quote that part). */
static int elsewhere(const struct opts *o, const char *ifname, const char *pw)
{
	if (strstr(ifname, pw))
		return 1;
	for (int i = 0; i < o->n; i++)
		if (strstr(o->name[i], pw) || (strcmp(o->name[i], "transix-password") &&
					       strstr(o->value[i], pw)))
			return 1;
	return 0;
}

/*
 * The message holds the password's text: did it quote the password, or is
 * that text a fixed part of the message ("like ::feed" when the password
 * is "::feed")?  Parse again with the password's first byte changed: a
 * message that quoted it no longer holds the old text.
 */
static bool quotes_password(struct opts *o, const char *ifname, const char *pw)
{
	struct transix_config cfg2;
	char other[256], err2[256];
	int i, ret;

	for (i = 0; i < o->n && strcmp(o->name[i], "transix-password"); i++)
		;
	if (i == o->n || strlen(pw) >= sizeof(other))
		return true;
	snprintf(other, sizeof(other), "%s", pw);
	other[0] = other[0] == 'x' ? 'y' : 'x';
	o->value[i] = other;
	ret = config_parse(&cfg2, ifname, lookup, o, o->name, err2, sizeof(err2));
	o->value[i] = pw;
	return ret != -EINVAL || !strstr(err2, pw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size), *line, *save = NULL;
	char *env[MAX_OPTS + 2], envbuf[MAX_OPTS][96];
	const char *ifname;
	struct transix_config cfg;
	struct opts o = { .n = 0 };
	char err[256], name[IF_NAMESIZE];
	char **names;
	int ret, nenv = 0;

	ifname = strtok_r(text, "\n", &save);
	if (!ifname)
		ifname = "";
	while ((line = strtok_r(NULL, "\n", &save)) && o.n < MAX_OPTS) {
		char *eq = strchr(line, '=');

		if (!eq)
			continue;
		*eq = '\0';
		o.name[o.n] = line;
		o.value[o.n++] = eq + 1;
		snprintf(envbuf[nenv], sizeof(envbuf[nenv]), "IF_%s=x", line);
		env[nenv] = envbuf[nenv];
		nenv++;
	}
	o.name[o.n] = NULL;
	env[nenv] = NULL;

	ret = config_parse(&cfg, ifname, lookup, &o, o.name, err, sizeof(err));
	FUZZ_ASSERT(ret == 1 || ret == 0 || ret == -EINVAL);
	if (ret == -EINVAL) {
		const char *pw = lookup("transix-password", &o);

		FUZZ_ASSERT(!strncmp(err, "iface ", 6));
		FUZZ_ASSERT(printable(err));
		if (pw && strlen(pw) >= 4 && elsewhere(&o, ifname, pw) == 0 && strstr(err, pw))
			FUZZ_ASSERT(!quotes_password(&o, ifname, pw));
	} else if (ret == 1) {
		FUZZ_ASSERT(config_valid_ifname(cfg.ifname));
		FUZZ_ASSERT(config_valid_ifname(cfg.tunnel_name));
		FUZZ_ASSERT(cfg.mtu >= 576 && cfg.mtu <= 65495);
		FUZZ_ASSERT(cfg.encaplimit >= -1 && cfg.encaplimit <= 255);
		FUZZ_ASSERT(!cfg.has_address || (cfg.address_plen >= 1 && cfg.address_plen <= 32));
		FUZZ_ASSERT(!cfg.has_tunnel || cfg.has_address);
		FUZZ_ASSERT(!cfg.remote_is_name || config_valid_hostname(cfg.remote_name));
		FUZZ_ASSERT(strlen(cfg.user) <= MAX_USER);
		FUZZ_ASSERT(cfg.password_file[0] == '\0' || cfg.password_file[0] == '/');
	}

	/* The validators and the environment's option names on their own. */
	config_valid_ifname(ifname);
	config_valid_hostname(ifname);
	config_default_tunnel_name(name, ifname);
	FUZZ_ASSERT(strlen(name) < IF_NAMESIZE && !strncmp(name, "tx-", 3));
	if (config_valid_ifname(ifname))
		FUZZ_ASSERT(config_valid_ifname(name));
	names = config_env_option_names(env);
	FUZZ_ASSERT(names != NULL);
	for (int i = 0; names[i]; i++)
		FUZZ_ASSERT(i < nenv);
	config_free_names(names);
	free(text);
	return 0;
}
