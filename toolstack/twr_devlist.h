/* SPDX-License-Identifier: MIT */
/*
 * Devices read back from xenstore, both halves, and twinringd's record of
 * what it did.
 */
#ifndef TWINRING_TOOLSTACK_DEVLIST_H
#define TWINRING_TOOLSTACK_DEVLIST_H

#include <stdbool.h>
#include <stdint.h>

#include "twr_spec.h"
#include "twr_tool.h"
#include "twr_xsplan.h"

/*
 * twinringd's own state, readable by dom0 only (it inherits
 * /local/domain/0's permissions), read back by twinctl show:
 *
 *   /local/domain/0/twinringd/<domid>/
 *     config                     the xl config file used, "" if none found
 *     errors/<n>                 one message per rejected config entry
 *     devices/<kind>-<devid>     the spec string that created the device
 *     entries = <n>              the file's twinring list as applied when
 *     entries/<i>                the domain was first seen (entry i, when a
 *                                string): restarts and reloads reconcile
 *                                against it, never against a file edited
 *                                since; twinctl sync applies the file
 */
#define TWR_XS_DAEMON_ROOT	"/local/domain/0/twinringd"
#define TWR_DAEMON_ERRORS_MAX	16u

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

struct twr_xlcfg;

/* The entries twinringd applied to @domid (TWR_XS_DAEMON_ROOT above) into
 * @cfg (items and n; NULL where an entry was not a string). Returns 0,
 * -ENOENT when none were ever recorded, or a negative errno. */
int twr_entries_read(struct twr_tool *t, uint32_t domid, struct twr_xlcfg *cfg);

/* Record @cfg's entries as applied to @domid, in one transaction. Returns 0
 * or a negative errno. */
int twr_entries_write(struct twr_tool *t, uint32_t domid, const struct twr_xlcfg *cfg);

/* "Initialising", "Connected", ... for a XenbusState, "-" for -1. */
const char *twr_xenbus_state_name(int state);

#endif /* TWINRING_TOOLSTACK_DEVLIST_H */
