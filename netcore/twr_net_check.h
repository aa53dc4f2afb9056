/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * twinnet packet header validation, one source for twinnet-core.ko (both
 * receivers: the frontend's RX and the backend's TX) and the user-space
 * unit tests and fuzzer (tests/unit/netcore/, tests/fuzz/netcore/).
 */
#ifndef TWR_NET_CHECK_H
#define TWR_NET_CHECK_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

#include "twinring/net.h"

/*
 * The receiver's checks of a private copy @h of a packet header whose frame
 * has @len bytes (everything the header alone can be checked for; the
 * kernel then checks offsets against the headers in the frame). Returns
 * NULL if acceptable, else a static string saying what is wrong.
 */
const char *twr_net_hdr_check(const struct twr_net_hdr *h, uint32_t len);

#endif /* TWR_NET_CHECK_H */
