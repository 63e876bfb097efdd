/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A minimal unit-test harness: each test/unit/test-*.c is one program built
 * with ASan+UBSan that runs its TEST() functions and prints one line per
 * check failure and a summary line; the exit status is non-zero on failure.
 */
#ifndef TRANSIX_UNIT_H
#define TRANSIX_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failures, unit_checks;

#define CHECK(cond) do { \
	unit_checks++; \
	if (!(cond)) { \
		unit_failures++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
	} \
} while (0)

#define CHECK_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	unit_checks++; \
	if (!g_ || strcmp(g_, w_)) { \
		unit_failures++; \
		fprintf(stderr, "%s:%d: %s is \"%s\", want \"%s\"\n", __FILE__, __LINE__, \
			#got, g_ ? g_ : "(null)", w_); \
	} \
} while (0)

#define CHECK_INT(got, want) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	unit_checks++; \
	if (g_ != w_) { \
		unit_failures++; \
		fprintf(stderr, "%s:%d: %s is %lld, want %lld\n", __FILE__, __LINE__, #got, g_, w_); \
	} \
} while (0)

/* Call at the end of main(): prints the summary, returns the exit status. */
static inline int unit_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, unit_checks, unit_failures);
	return unit_failures ? 1 : 0;
}

#endif
