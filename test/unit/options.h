/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A stanza as a table of options, for the unit tests of config_parse() and
 * of what is built from a parsed config: { "name", "value" } pairs ending
 * with { NULL, NULL }, looked up the way the programs look up IF_* vars.
 */
#ifndef TRANSIX_UNIT_OPTIONS_H
#define TRANSIX_UNIT_OPTIONS_H

#include "config.h"

#include <stdint.h>
#include <string.h>

struct opt {
	const char *name, *value;
};

static inline const char *lookup(const char *option, void *ctx)
{
	for (const struct opt *o = ctx; o->name; o++)
		if (!strcmp(o->name, option))
			return o->value;
	return NULL;
}

/* The stanza of interface ens224.1000 with these options. */
static inline int parse(struct transix_config *c, const struct opt *opts, char *err, size_t len)
{
	const char *names[32];
	int n = 0;

	for (const struct opt *o = opts; o->name && n < 31; o++)
		names[n++] = o->name;
	names[n] = NULL;
	return config_parse(c, "ens224.1000", lookup, (void *)(uintptr_t)opts, names, err, len);
}

#endif
