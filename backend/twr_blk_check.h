/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * twinblk request validation, one source for the backend module and the
 * user-space unit tests (tests/unit/backend/).
 */
#ifndef TWR_BLK_CHECK_H
#define TWR_BLK_CHECK_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

#include "twinring/blk.h"

/* What the backend knows about its disk. */
struct twr_blk_geom {
	uint64_t sectors;	/* 512-byte units */
	uint32_t sector_size;	/* 512 or 4096 */
};

/*
 * Check one request against the protocol (include/twinring/blk.h) and the
 * disk. @rec_len, @type and @flags come from the ring library's private copy
 * of the record header, @req is the caller's private copy of the request
 * header. Returns NULL if the request is valid, else a static string saying
 * why not.
 */
const char *twr_blk_req_check(const struct twr_blk_geom *g, uint32_t rec_len,
			      uint16_t type, uint16_t flags,
			      const struct twr_blk_req *req);

#endif /* TWR_BLK_CHECK_H */
