/* SPDX-License-Identifier: MIT */
/*
 * A device's backend counters, read where the backend domain exposes them.
 */
#ifndef TWINRING_TOOLSTACK_DEV_STATS_H
#define TWINRING_TOOLSTACK_DEV_STATS_H

#include <stdint.h>

#include "twr_devlist.h"
#include "twr_tool.h"

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

#endif /* TWINRING_TOOLSTACK_DEV_STATS_H */
