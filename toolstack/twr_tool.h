/* SPDX-License-Identifier: MIT */
/*
 * libtwrtool: the toolstack operations twinctl and twinringd share, one
 * header per module (twr_domain.h, twr_dev.h, twr_devlist.h, twr_dev_stats.h,
 * twr_host.h, twr_lock.h, twr_killpoint.h; twr_spec.h and twr_xsplan.h are
 * pure). This one holds the context they all take.
 *
 * Every function returns 0 (or a count) or a negative errno; on failure
 * twr_tool_error() holds one message a user can act on: what failed, on
 * which domain and device, and what to check. The library writes nothing
 * to stdout or stderr itself.
 */
#ifndef TWINRING_TOOLSTACK_TOOL_H
#include <signal.h>

#define TWINRING_TOOLSTACK_TOOL_H

struct xs_handle;

#define TWR_TOOL_ERR_MAX	512u
/* Tries of a xenstore transaction that ends in EAGAIN (someone else
 * committed meanwhile) before giving up. */
#define TWR_TX_RETRIES		32

struct twr_tool {
	struct xs_handle *xsh;
	char err[TWR_TOOL_ERR_MAX];
	const char *sysfs;	/* "/sys", or a fake tree for tests */
	const char *kill_at;	/* test hook: twr_killpoint(), NULL when off */
	/* Where script= names are looked up: NULL for xl's /etc/xen/scripts
	 * (twr_hotplug.h), else twinringd.conf's scripts_dir. */
	const char *scripts_dir;
	/* When set and nonzero (a daemon's SIGTERM), waits end early. */
	const volatile sig_atomic_t *stop;
};

/* Connect to xenstore. Returns 0 or a negative errno (message set). */
int twr_tool_open(struct twr_tool *t);
void twr_tool_close(struct twr_tool *t);

/* The message of the last failure. */
static inline const char *twr_tool_error(const struct twr_tool *t)
{
	return t->err;
}

/* Record a failure message; returns @err for "return twr_tool_fail(...)". */
int twr_tool_fail(struct twr_tool *t, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* TWINRING_TOOLSTACK_TOOL_H */
