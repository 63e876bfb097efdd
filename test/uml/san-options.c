// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Linked into the four programs by "make SAN=1" or SAN=asan (with the sanitizer
 * runtimes linked statically, so that these are found): where ASan and
 * UBSan write their reports.  ifupdown builds the hooks' environment from
 * scratch, so ASAN_OPTIONS cannot reach a program started by ifup; these
 * defaults do (an ASAN_OPTIONS/UBSAN_OPTIONS in the environment still
 * overrides them, as test/check does on the host).  In the real-kernel
 * guest /var/log is fresh per scenario, and test/uml/guest fails the
 * scenario when a report is there.
 */
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

const char *__asan_default_options(void)
{
	return "log_path=/var/log/transix-asan:detect_leaks=1";
}

const char *__ubsan_default_options(void)
{
	return "log_path=/var/log/transix-ubsan:print_stacktrace=1:halt_on_error=1";
}
