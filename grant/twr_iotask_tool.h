/* SPDX-License-Identifier: MIT */
/*
 * twr-iotask: a command line over libtwriotask and the grant probes, for
 * the lab's iotask scenario and for looking at a live table by hand.
 */
#ifndef TWINRING_TWR_IOTASK_TOOL_H
#define TWINRING_TWR_IOTASK_TOOL_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The probes print one line each and return the exit status: 0 when the
 * hypervisor allowed the access, 1 when it refused it with
 * GNTST_permission_denied (or, for gntdev-map, refused it at all), 2 on
 * any other failure.
 */
/* In a domU: grant one page to @domid, print its ref, hold it until SIGTERM. */
int twr_probe_share(uint16_t domid, bool writable);
/* In a PV dom0: GNTTABOP_map_grant_ref (device map) then unmap. */
int twr_probe_map(uint16_t domid, uint32_t ref, bool writable);
/*
 * In dom0: map through /dev/xen/gntdev, as a user-space backend does; with
 * @hold, keep the mapping until SIGTERM.
 */
int twr_probe_gntdev_map(uint16_t domid, uint32_t ref, bool writable, bool hold);
/* In dom0: GNTTABOP_copy of a few bytes from or to the grant. */
int twr_probe_copy(uint16_t domid, uint32_t ref, bool to_grant);

/* "GNTST_permission_denied" for -8, and so on. */
const char *twr_gntst_name(int status);

#endif /* TWINRING_TWR_IOTASK_TOOL_H */
