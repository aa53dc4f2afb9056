/* SPDX-License-Identifier: MIT */
/*
 * libtwrtool: the toolstack operations twinctl and twinringd share.
 *
 * Every function returns 0 (or a count) or a negative errno; on failure
 * twr_tool_error() holds one message a user can act on: what failed, on
 * which domain and device, and what to check. The library writes nothing
 * to stdout or stderr itself.
 *
 * The toolstack runs in dom0 (domain 0): the checks on host resources (the
 * bridge, the target file) are made only for devices whose backend is
 * domain 0; for a driver domain they are that domain's business.
 */
#ifndef TWINRING_TOOLSTACK_TOOL_H
#define TWINRING_TOOLSTACK_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "twr_spec.h"
#include "twr_xsplan.h"

struct xs_handle;

/*
 * twinringd's own state, readable by dom0 only (it inherits
 * /local/domain/0's permissions), read back by twinctl show:
 *
 *   /local/domain/0/twinringd/<domid>/
 *     config                     the xl config file used, "" if none found
 *     errors/<n>                 one message per rejected config entry
 *     devices/<kind>-<devid>     the spec string that created the device
 */
#define TWR_XS_DAEMON_ROOT	"/local/domain/0/twinringd"
#define TWR_DAEMON_ERRORS_MAX	16u

#define TWR_TOOL_ERR_MAX	512u
#define TWR_DOMNAME_MAX		64u

struct twr_tool {
	struct xs_handle *xsh;
	char err[TWR_TOOL_ERR_MAX];
	const char *sysfs;	/* "/sys", or a fake tree for tests */
	const char *kill_at;	/* test hook: twr_killpoint(), NULL when off */
};

/*
 * twinringd's single-instance lock, TWR_DAEMON_LOCK: a POSIX write lock on
 * the whole file, held for the daemon's life, dropped by the kernel when it
 * exits or is killed.
 *
 * twr_daemon_lock(): take it; 0 and the open descriptor in *@fd_out (keep it
 * open), -EBUSY with the holder's pid in *@holder, or another -errno.
 * twr_daemon_holder(): who holds it, without taking it: 0 and *@holder = pid,
 * or 0 when nobody does; a negative errno if the file cannot be read.
 */
#define TWR_DAEMON_LOCK		"/run/twinringd.lock"
int twr_daemon_lock(const char *path, int *fd_out, long *holder);
int twr_daemon_holder(const char *path, long *holder);

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

/* --- the restart test's hook (twr_killpoint.c, twinringd(8) TESTING) --- */

#define TWR_KILL_ENV		"TWINRINGD_TEST_KILL_AT"
/* Inside a device's transaction: its frontend directory written, the
 * backend's not yet (nothing is committed). */
#define TWR_KILL_DEVICE_HALF	"device-half-written"
/* A domain's device committed, another of its entries still to create. */
#define TWR_KILL_BETWEEN_DEVICES "between-devices"
/* A device's I/O tasks added, its go-ahead (iotask-ready) not written. */
#define TWR_KILL_TASKS_ADDED	"tasks-added"

/* Is @name one of the points above? */
bool twr_killpoint_valid(const char *name);

/* If @t->kill_at is @name: log it to syslog and SIGKILL this process. */
void twr_killpoint(const struct twr_tool *t, const char *name);

/* --- domains (twr_domain.c) --- */

/* Domain by id ("5") or name ("vm1"); a string of digits is an id, as in
 * xl. Returns 0 or -ENOENT (message names what was looked for). */
int twr_domain_resolve(struct twr_tool *t, const char *name_or_id,
		       uint32_t *domid);

/* The domain's name into @buf ("" if it has none). Returns 0 or -ENOENT. */
int twr_domain_name(struct twr_tool *t, uint32_t domid, char *buf, size_t len);

/* The ids of all domains xenstore knows, sorted, into a malloc'd array.
 * Returns the count or a negative errno. */
int twr_domain_list(struct twr_tool *t, uint32_t **ids);

/* --- devices (twr_dev.c) --- */

/* Lay out a device for @domid from @spec: check everything first (domain
 * alive, backend domain, bridge or target, vdev not in use), allocate the
 * devid, generate a MAC if none was given, and write both directories in
 * one transaction. If @record is not NULL, the same transaction writes it
 * as TWR_XS_DAEMON_ROOT/<domid>/devices/<kind>-<devid> (twinringd's record
 * of which config entry made the device, so a restart creates nothing
 * twice). @d receives the resolved description. Returns 0, or a negative
 * errno with nothing written. */
int twr_dev_create(struct twr_tool *t, uint32_t domid,
		   const struct twr_spec *spec, const char *record,
		   unsigned int flags, struct twr_dev_desc *d);

/* twr_dev_create() flags */
#define TWR_DEV_F_GO_AHEAD	(1u << 0)	/* iotask-ready at once: no I/O tasks */

/* Ask the backend to close (online 0, state Closing), wait up to
 * @timeout_ms for Closed, then remove both directories. Returns 0, 1 if the
 * backend did not close in time (the directories are removed anyway and
 * the message says so), or a negative errno (-ENOENT: no such device). */
int twr_dev_destroy(struct twr_tool *t, uint32_t domid, enum twr_dev_kind kind,
		    uint32_t devid, unsigned int timeout_ms);

/* Bridge the backend netdev of a net device: wait up to @timeout_ms for
 * twr<domid>.<devid> to exist, then, unless it is already up on @bridge,
 * "ip link set dev .. master .. up". Returns 0, -ETIMEDOUT if the netdev
 * did not appear, or another negative errno. */
int twr_net_bridge(struct twr_tool *t, uint32_t domid, uint32_t devid,
		   const char *bridge, unsigned int timeout_ms);

/* --- device state (twr_devlist.c) --- */

struct twr_dev_info {
	enum twr_dev_kind kind;
	uint32_t domid, backend, devid;
	bool has_frontend, has_backend;
	int fe_state, be_state;		/* XenbusState, -1 if absent */
	bool online;
	bool go_ahead;				/* iotask-ready present */
	unsigned int max_queues, num_queues;	/* 0 if absent */
	char mac[18];
	char bridge[TWR_SPEC_BRIDGE_MAX + 1];
	char target[TWR_SPEC_TARGET_MAX + 1];
	char vdev[TWR_SPEC_VDEV_MAX + 1];
	char mode[2];
	char fe_dir[TWR_XS_PATH_MAX];
	char be_dir[TWR_XS_PATH_MAX];
};

/* The twinring devices of @domid, from both the frontend and the backend
 * side (a device whose other half is missing is listed too), sorted by
 * kind then devid, into a malloc'd array. Returns the count or a negative
 * errno. */
int twr_dev_list(struct twr_tool *t, uint32_t domid, struct twr_dev_info **out);

/* Find the backend domain of an existing device. Returns 0 or -ENOENT. */
int twr_dev_find_backend(struct twr_tool *t, uint32_t domid,
			 enum twr_dev_kind kind, uint32_t devid,
			 uint32_t *backend);

/* What twinringd recorded about a domain (see TWR_XS_DAEMON_ROOT). */
struct twr_daemon_status {
	bool present;			/* twinringd has handled the domain */
	char config[256];
	unsigned int n_errors;
	char errors[TWR_DAEMON_ERRORS_MAX][TWR_TOOL_ERR_MAX];
};

/* Read twinringd's record of @domid into a malloc'd *@st (present false
 * if there is none). Returns 0 or -ENOMEM. */
int twr_daemon_status_read(struct twr_tool *t, uint32_t domid,
			   struct twr_daemon_status **st);

/* "Initialising", "Connected", ... for a XenbusState, "-" for -1. */
const char *twr_xenbus_state_name(int state);

/* --- statistics (twr_dev_stats.c) --- */

struct twr_stat {
	char source[16];	/* "netdev", "ethtool", "sysfs" */
	char name[48];
	uint64_t value;
};

/* The backend's counters for @d, from what the backend domain exposes
 * here: the netdev's /sys/class/net/<if>/statistics and its ethtool -S
 * counters for net, the xen-backend device's statistics/ directory in
 * sysfs for both. Returns the count in a malloc'd *@out (0: nothing is
 * exposed, the message says where it looked) or a negative errno. */
int twr_dev_stats(struct twr_tool *t, const struct twr_dev_info *d,
		  struct twr_stat **out);

/* --- host checks (twr_host.c) --- */

/* Does the bridge exist in this domain? Returns 0 or -ENOENT (message). */
int twr_host_check_bridge(struct twr_tool *t, const char *bridge);

/* Is @target a regular file or block device this process can open for
 * reading (and writing if @writable)? Returns 0 or a negative errno. */
int twr_host_check_target(struct twr_tool *t, const char *target,
			  bool writable);

/* Fill 3 random bytes of a MAC under Xen's OUI 00:16:3e, as xl does. */
int twr_mac_generate(uint8_t mac[6]);

#endif /* TWINRING_TOOLSTACK_TOOL_H */
