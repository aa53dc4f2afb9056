/* SPDX-License-Identifier: MIT */
/*
 * Hotplug scripts for twinnet devices (script= in a device spec), with xl's
 * conventions so that the scripts in /etc/xen/scripts work unmodified:
 *
 *   argv  SCRIPT online type_if=vif    when the backend netdev appears
 *         SCRIPT offline type_if=vif   at detach or teardown, before the
 *                                      backend directory is removed
 *   env   script, XENBUS_TYPE (twinnet), XENBUS_PATH (backend/twinnet/
 *         <domid>/<devid>, relative to dom0's home as libxl gives it),
 *         XENBUS_BASE_PATH (backend), vif (twr<domid>.<devid>), bridge
 *
 * That is what libxl (libxl_linux.c) gives a PV vif's script; xl's
 * vif-common.sh does nothing on add/remove for a vif (those are for the
 * tap of an emulated NIC). A script runs with a timeout, its process group
 * killed when it is exceeded; its exit status and the tail of its stderr
 * make the message.
 */
#ifndef TWINRING_TOOLSTACK_HOTPLUG_H
#define TWINRING_TOOLSTACK_HOTPLUG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "twr_tool.h"

#define TWR_SCRIPTS_DIR		"/etc/xen/scripts"	/* xl's */
#define TWR_SCRIPT_TIMEOUT_MS	30000u
#define TWR_SCRIPT_TAIL		512u

/* How one run ended. */
struct twr_script_result {
	int status;		/* exit status, -1 if killed or signalled */
	int signal;		/* the signal that ended it, 0 if none */
	bool timed_out;		/* killed after the timeout */
	unsigned int ms;	/* how long it ran */
	char tail[TWR_SCRIPT_TAIL];	/* the end of its stderr */
};

/* The environment of a hotplug script: @env (ours) with each "NAME=value"
 * of @add replacing a variable of that name, and a PATH where @env has none
 * (a daemon started with no PATH still finds ip and ovs-vsctl). Both are
 * NULL terminated; @env may be NULL. Returns a malloc'd NULL-terminated
 * array of their strings (free() the array only), or NULL if out of memory. */
char **twr_script_env(char *const env[], char *const add[]);

/* Run @path with @argv (argv[0] included) and the environment @envp (NULL
 * terminated "NAME=VALUE"), stdin and stdout on /dev/null, stderr kept in
 * @res->tail. After @timeout_ms its process group is killed (SIGKILL).
 * Returns 0 if it exited 0, -EIO if it exited non-zero or by a signal,
 * -ETIMEDOUT if it was killed, or another negative errno if it could not
 * be started (-ENOEXEC, -ENOENT, -EACCES: exec failed). */
int twr_script_run(const char *path, char *const argv[], char *const envp[],
		   unsigned int timeout_ms, struct twr_script_result *res);

/* The script @script (a bare name in @dir, NULL for TWR_SCRIPTS_DIR, or an
 * absolute path) as an absolute path in @out. Returns 0, or a negative
 * errno with the message saying what is wrong: it does not exist, is not a
 * regular file, or is not executable. */
int twr_script_resolve(struct twr_tool *t, const char *dir, const char *script,
		       char *out, size_t len);

/* Run the script of twinnet device @devid of @domid (backend domain 0),
 * named by its backend directory's script node: @online true for
 * "online" (once per netdev: the script-ifindex node claims the run, so
 * twinctl and twinringd never both run it; "<ifindex> ok" once it went
 * well), false for "offline" (only if an online run was claimed, and no
 * other live process runs it: the node then reads "offline <pid>"). The
 * netdev must exist for online. Returns 0 (also when there is no script,
 * or the run was claimed already: *ran false), or a negative errno with the
 * message naming the device, the script, how it ended and its stderr's
 * tail (or its hotplug-error node). With TWR_HOTPLUG_WAIT, a run claimed
 * by another process is waited for and its outcome returned. */
int twr_net_hotplug(struct twr_tool *t, uint32_t domid, uint32_t devid, bool online,
		    unsigned int timeout_ms, unsigned int flags, bool *ran);

#define TWR_HOTPLUG_WAIT	(1u << 0)	/* twinctl attach: the outcome, whoever runs it */

/* Is another live process (a twinctl detach) running the "offline" of
 * twinnet device @devid of @domid, and so about to remove it itself? */
bool twr_net_hotplug_busy(struct twr_tool *t, uint32_t domid, uint32_t devid);

/* Does twinnet device @devid of @domid (backend domain 0) have a script?
 * true with its path in @out (if not NULL). */
bool twr_net_has_script(struct twr_tool *t, uint32_t domid, uint32_t devid,
			char *out, size_t len);

#endif /* TWINRING_TOOLSTACK_HOTPLUG_H */
