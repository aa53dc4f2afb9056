/* SPDX-License-Identifier: MIT */
/*
 * twr_iotask_chan: the grant refs of one twinring channel, as an I/O task
 * wants them (docs/iotask.md, "Ordering with the channels").
 *
 * The frontend publishes in xenstore only the control page's and the two
 * directory pages' refs; the data page refs are inside the directories,
 * in the user domain's memory.  The control domain reads them without a
 * grant map (which enforcement might refuse, and which would need the
 * grant to name the control domain): it reads the user domain's grant
 * table to find each directory's frame and maps that frame read-only by
 * privileged foreign mapping.  Grant table v1 only (what Linux guests use
 * unless told otherwise).
 *
 * A frontend may change a directory after it was read: the task then lacks
 * the new refs and the hypervisor refuses the backend's maps of them, which
 * only harms that frontend.
 */
#ifndef TWINRING_TWR_IOTASK_CHAN_H
#define TWINRING_TWR_IOTASK_CHAN_H

#include <stdint.h>

/* First: xenctrl.h sets up the Xen public headers for tools. */
#include "twr_iotask_ctl.h"
#include <xenforeignmemory.h>

/* What the frontend's queue-<n>/ directory says (include/twinring/xenbus.h). */
struct twr_iotask_chan {
	uint32_t ctrl_ref;
	uint32_t a_dir_ref;
	uint32_t b_dir_ref;
	unsigned int a_order;
	unsigned int b_order;
};

/* Refs of a channel: control, two directories, then the data pages. */
#define TWR_IOTASK_CHAN_REFS(a_order, b_order) (3u + (1u << (a_order)) + (1u << (b_order)))

/*
 * Fill @refs (room for @max entries) with @chan's refs as @domu granted
 * them to @backend, each with its access: control page read-write,
 * directories and ring A data read-only, ring B data read-write; *@nr is
 * the count.  Returns 0, or -EINVAL (order above TWR_RING_ORDER_MAX, or a
 * ref 0/1 in a directory), -ENOSPC (@max too small), -EACCES (a directory
 * ref is not a page granted to @backend: a broken or hostile frontend),
 * or the errno of a failed mapping.
 */
int twr_iotask_chan_refs(xenforeignmemory_handle *fmem, uint16_t domu, uint16_t backend,
			 const struct twr_iotask_chan *chan, uint32_t *refs,
			 unsigned int max, unsigned int *nr);

#endif /* TWINRING_TWR_IOTASK_CHAN_H */
