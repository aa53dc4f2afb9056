// SPDX-License-Identifier: MIT
/*
 * twr-rogue xs-storm: the one mode without a channel. A flood of xenstore
 * writes from the guest under a device's frontend directory, which
 * twinringd watches, to measure what the storm costs the toolstack (the
 * lab's toolstack-io scenario, ts_io_xs_storm).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "twr_rogue.h"
#include "twr_xsdev.h"

/*
 * xs-storm: keep the toolstack busy from the guest -- write a node of our
 * own under the device's frontend directory (which a domU owns and
 * twinringd watches) as fast as xenstored answers, for @secs. No channel:
 * the device may be the kernel frontend's.
 */
int twr_rogue_xs_storm(struct twr_rogue *r, unsigned long secs)
{
	uint64_t start = twr_rogue_now_ms(), end = start + secs * 1000u;
	char path[sizeof(r->fdir) + 16], val[24];
	unsigned long writes = 0, failed = 0;

	r->xs_fd = twr_xsdev_open();
	if (r->xs_fd < 0) {
		fprintf(stderr, "twr-rogue: xenstore: cannot open /dev/xen/xenbus: %s\n",
			strerror(-r->xs_fd));
		return TWR_ROGUE_EXIT_SETUP;
	}
	snprintf(path, sizeof(path), "%s/twr-storm", r->fdir);
	while (!twr_rogue_stop && twr_rogue_now_ms() < end) {
		snprintf(val, sizeof(val), "%lu", writes);
		if (twr_xsdev_write(r->xs_fd, path, val))
			failed++;
		else
			writes++;
	}
	twr_xsdev_rm(r->xs_fd, path);
	printf("twr-rogue: xs-storm kind=%s devid=%u writes=%lu failed=%lu ms=%llu\n", r->kind,
	       r->devid, writes, failed, (unsigned long long)(twr_rogue_now_ms() - start));
	return TWR_ROGUE_EXIT_OK;
}
