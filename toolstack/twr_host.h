/* SPDX-License-Identifier: MIT */
/*
 * Checks and actions on the backend domain's own resources: bridges,
 * target files, MAC addresses, a backend netdev on its bridge.
 */
#ifndef TWINRING_TOOLSTACK_HOST_H
#define TWINRING_TOOLSTACK_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "twr_tool.h"

/* Does the bridge exist in this domain? Returns 0, -ENOENT, or -ENOTDIR
 * if the interface is not a bridge (message). */
int twr_host_check_bridge(struct twr_tool *t, const char *bridge);

/* Is @target a regular file or block device this process can open for
 * reading (and writing if @writable)? Returns 0 or a negative errno. */
int twr_host_check_target(struct twr_tool *t, const char *target,
			  bool writable);

/* Fill 3 random bytes of a MAC under Xen's OUI 00:16:3e, as xl does. */
int twr_mac_generate(uint8_t mac[6]);

/* The ifindex of domain @domid's twinnet @devid backend netdev
 * (TWR_NET_IFNAME_FMT), or -ENOENT when it does not exist. A netdev
 * re-created (a backend module reload) has a new one. */
int twr_net_ifindex(struct twr_tool *t, uint32_t domid, uint32_t devid);

/* Is @target, symlinks resolved, inside one of the colon-separated
 * absolute directories @targets (twinringd.conf's allow-list for the
 * targets of xl configs)? true, or false with @why saying so. A target
 * that does not exist is true: the attach's own check refuses it, saying
 * what is wrong. */
bool twr_target_allowed(const char *targets, const char *target, char *why, size_t len);

/* Bridge the backend netdev of a net device: wait up to @timeout_ms for
 * twr<domid>.<devid> to exist, then, unless it is already up on @bridge,
 * "ip link set dev .. master .. up". Returns 0, -ETIMEDOUT if the netdev
 * did not appear, or another negative errno. */
int twr_net_bridge(struct twr_tool *t, uint32_t domid, uint32_t devid,
		   const char *bridge, unsigned int timeout_ms);

#endif /* TWINRING_TOOLSTACK_HOST_H */
