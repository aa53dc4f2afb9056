/* SPDX-License-Identifier: MIT */
/*
 * The kernel modules' release against the tools'. Every twinring module
 * carries MODULE_VERSION(TWR_RELEASE) (include/twinring/version.h.in:
 * configure.ac's version, as the tools' PACKAGE_VERSION), which the kernel
 * shows in /sys/module/<name>/version. Modules of another release may
 * write other xenstore nodes or ring layouts than these tools expect, so
 * twinctl and twinringd warn when a loaded one differs; a module that is
 * not loaded is not a mismatch (it may live in another domain).
 */
#ifndef TWINRING_TOOLSTACK_MODVER_H
#define TWINRING_TOOLSTACK_MODVER_H

#include <stdbool.h>
#include <stddef.h>

/* Every twinring kernel module, as /sys/module names it ('_' for '-'). */
#define TWR_MODVER_NR_MODULES	9u
extern const char *const twr_modver_modules[TWR_MODVER_NR_MODULES];

/* Is @mod_version (a module's, as sysfs has it: trailing whitespace is not
 * part of it; NULL for a module without one) the tools' @tools_version?
 * Exact string equality: a release is a release. */
bool twr_modver_same(const char *mod_version, const char *tools_version);

/* One loaded module whose version differs: @name as /sys/module has it,
 * @mod_version NULL when the module has none (built before modules had
 * one). */
typedef void twr_modver_report_fn(void *arg, const char *name, const char *mod_version);

/* Read <@sysfs>/module/<name>/version of every twinring module and call
 * @report for each loaded one whose version is not @tools_version.
 * Returns the number of mismatches (0: all loaded ones match, or none is
 * loaded). */
unsigned int twr_modver_check(const char *sysfs, const char *tools_version,
			      twr_modver_report_fn *report, void *arg);

/* The warning for one mismatch, naming both versions and what to do,
 * into @buf; @tool is "twinctl" or "twinringd". */
void twr_modver_message(char *buf, size_t len, const char *tool, const char *tools_version,
			const char *name, const char *mod_version);

#endif /* TWINRING_TOOLSTACK_MODVER_H */
