/* SPDX-License-Identifier: MIT */
/*
 * Creating and destroying a twinring device: both xenstore directories in
 * one transaction.
 *
 * The toolstack runs in dom0 (domain 0): the checks on host resources (the
 * bridge, the target file) are made only for devices whose backend is
 * domain 0; for a driver domain they are that domain's business.
 */
#ifndef TWINRING_TOOLSTACK_DEV_H
#define TWINRING_TOOLSTACK_DEV_H

#include <stdint.h>

#include "twr_spec.h"
#include "twr_tool.h"
#include "twr_xsplan.h"

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
 * the message says so), or a negative errno (-ENOENT: no such device;
 * -EBUSY: see TWR_DESTROY_IDLE). */
int twr_dev_destroy(struct twr_tool *t, uint32_t domid, enum twr_dev_kind kind,
		    uint32_t devid, unsigned int timeout_ms, unsigned int flags);

/* twr_dev_destroy() flags */
/* A frontend still Connected after @timeout_ms that wrote its xenbus error
 * node meanwhile refused to close, the device being in use in the guest (a
 * mounted filesystem: twinblk-front defers its close, where 6.1's blkfront
 * marks the disk dead at once):
 * leave the device closing, for the guest to close and twinringd to remove
 * then, and fail with -EBUSY. */
#define TWR_DESTROY_IDLE	(1u << 0)
/* Remove the directories at once, with no wait: the guest's device goes
 * whatever holds it (its I/O fails), as xl's forced detach. */
#define TWR_DESTROY_FORCE	(1u << 1)

/* Finish a detach whose caller died after it closed the device: remove
 * both directories and the record in one transaction, but only if the
 * backend (in dom0) is still Closed with online 0 when it commits, so a
 * device re-created under the same id meanwhile is never touched. Returns
 * 1 if removed, 0 if the device is not (or no longer) such a one, or a
 * negative errno. */
int twr_dev_remove_closed(struct twr_tool *t, uint32_t domid, enum twr_dev_kind kind,
			  uint32_t devid);

#endif /* TWINRING_TOOLSTACK_DEV_H */
