/* SPDX-License-Identifier: MIT */
/*
 * twr-grantprobe: the grant probes of the lab's iotask scenario (dom0 side;
 * twr-gntshare is the domU side). Lab only: it is never installed.
 */
#ifndef TWINRING_TWR_GRANTPROBE_H
#define TWINRING_TWR_GRANTPROBE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The probes print one line each and return the exit status: 0 when the
 * hypervisor allowed the access, 1 when it refused it with
 * GNTST_permission_denied (or, for gntdev-map, refused it at all), 2 on
 * any other failure.
 */
/* In a PV dom0: GNTTABOP_map_grant_ref (device map) then unmap. */
int twr_probe_map(uint16_t domid, uint32_t ref, bool writable);
/*
 * In a PV dom0: @count read-only device maps and unmaps of @ref, one after
 * the other; prints the mean time of one map+unmap (what a check adds is
 * the difference with the granter's enforcement on and off).
 */
int twr_probe_mapbench(uint16_t domid, uint32_t ref, uint32_t count);
/*
 * In dom0: map through /dev/xen/gntdev, as a user-space backend does; with
 * @hold, keep the mapping until SIGTERM.
 */
int twr_probe_gntdev_map(uint16_t domid, uint32_t ref, bool writable, bool hold);
/* In dom0: GNTTABOP_copy of a few bytes from or to the grant. */
int twr_probe_copy(uint16_t domid, uint32_t ref, bool to_grant);

/* "GNTST_permission_denied" for -8, and so on. */
const char *twr_gntst_name(int status);

#endif /* TWINRING_TWR_GRANTPROBE_H */
