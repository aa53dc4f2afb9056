/* SPDX-License-Identifier: MIT */
/*
 * twinringd's side of the I/O task table (docs/iotask.md, "Ordering with
 * the channels"): when a frontend is Initialised, read its channels' grant
 * refs, register one task per queue, then write the go-ahead node
 * iotask-ready; when the backend is Closed, delete the node first, then
 * remove the tasks.
 *
 * Task ids: twr_dev_task_id() (twr_xsplan.h), unique per domU across both
 * device kinds, never 0.
 */
#ifndef TWINRING_TOOLSTACK_TWRD_IOTASK_H
#define TWINRING_TOOLSTACK_TWRD_IOTASK_H

#include <stdbool.h>
#include <stdint.h>

#include "twr_iotask_ctl.h"	/* first: xenctrl.h sets up Xen's headers */
#include <xenforeignmemory.h>

#include "twr_spec.h"
#include "twr_tool.h"

enum twrd_iotask_mode {
	TWRD_IOTASK_OFF,	/* no tasks; the go-ahead is given at once */
	TWRD_IOTASK_REGISTER,	/* tasks if the hypervisor has the table */
	TWRD_IOTASK_ENFORCE,	/* tasks, enforcement on; no table: no go-ahead */
};

struct twrd_iotask {
	enum twrd_iotask_mode mode;
	xc_interface *xch;		/* borrowed from the daemon */
	xenforeignmemory_handle *fmem;
	int probe;			/* 0: table present, else negative errno */
	uint32_t *refs;			/* scratch: one channel's refs */
};

/* "off", "register", "enforce". Returns 0 or -EINVAL. */
int twrd_iotask_mode_parse(const char *str, enum twrd_iotask_mode *mode);
const char *twrd_iotask_mode_name(enum twrd_iotask_mode mode);

/* Probe the hypervisor. Returns 0, or a negative errno with @t's message
 * set when the mode cannot be honoured at all. */
int twrd_iotask_init(struct twrd_iotask *io, struct twr_tool *t, xc_interface *xch,
		     enum twrd_iotask_mode mode);
void twrd_iotask_uninit(struct twrd_iotask *io);

/* ENFORCE mode: switch enforcement on for (domid, backend), before the
 * frontend grants anything. Returns 0 or a negative errno (message). */
int twrd_iotask_enforce(struct twrd_iotask *io, struct twr_tool *t,
			uint32_t domid, uint32_t backend);

/* The frontend of the device is Initialised: register its tasks (any left
 * from an earlier connection are replaced) and write iotask-ready. *@ntasks
 * is the number registered (0 without the table). Returns 0, or a negative
 * errno with the message naming the queue and what is wrong; nothing is
 * left registered then and the go-ahead is not given. */
int twrd_iotask_connect(struct twrd_iotask *io, struct twr_tool *t, uint32_t domid,
			uint32_t backend, enum twr_dev_kind kind, uint32_t devid,
			unsigned int *ntasks);

/* The backend is Closed (or the device is gone): delete iotask-ready if
 * the directory still exists, then remove the device's tasks. Returns 0,
 * -EBUSY with the message saying how many refs the backend still maps
 * (retry on the device's next state change), or another negative errno. */
int twrd_iotask_disconnect(struct twrd_iotask *io, struct twr_tool *t, uint32_t domid,
			   uint32_t backend, enum twr_dev_kind kind, uint32_t devid);

#endif /* TWINRING_TOOLSTACK_TWRD_IOTASK_H */
