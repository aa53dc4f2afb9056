// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * twinblk request validation: everything a request header can get wrong,
 * checked without overflow. Shared by twinblk-back.ko and the unit tests.
 */
#ifdef __KERNEL__
#include <linux/stddef.h>
#else
#include <stddef.h>
#endif

#include "twr_blk_check.h"

const char *twr_blk_req_check(const struct twr_blk_geom *g, uint32_t rec_len,
			      uint16_t type, uint16_t flags,
			      const struct twr_blk_req *req)
{
	uint32_t blk_mask = (g->sector_size >> TWR_BLK_SECTOR_SHIFT) - 1;
	uint32_t data_len = 0;

	if (type != TWR_BLK_REC_REQ || flags)
		return "unknown record type on ring A";
	if (rec_len < TWR_BLK_HDR_LEN)
		return "request record too short";
	if (req->id >= TWR_BLK_MAX_IDS)
		return "request id out of range";
	if (req->reserved)
		return "reserved request field set";
	if (req->flags & ~TWR_BLK_REQ_F_ALL ||
	    (req->flags && req->op != TWR_BLK_OP_WRITE))
		return "bad request flags";

	switch (req->op) {
	case TWR_BLK_OP_FLUSH:
		if (req->sector || req->nr_sectors)
			return "flush with a sector range";
		break;
	case TWR_BLK_OP_READ:
	case TWR_BLK_OP_WRITE:
		if (!req->nr_sectors || req->nr_sectors > TWR_BLK_MAX_SECTORS)
			return "read/write length out of range";
		if (req->op == TWR_BLK_OP_WRITE)
			data_len = req->nr_sectors << TWR_BLK_SECTOR_SHIFT;
		break;
	case TWR_BLK_OP_DISCARD:
		if (!req->nr_sectors ||
		    req->nr_sectors > TWR_BLK_MAX_DISCARD_SECTORS)
			return "discard length out of range";
		break;
	default:
		return "unknown request op";
	}
	if (req->op != TWR_BLK_OP_FLUSH) {
		if ((req->sector | req->nr_sectors) & blk_mask)
			return "request not aligned to the logical block size";
		/* Written so that neither side can overflow. */
		if (req->sector > g->sectors ||
		    req->nr_sectors > g->sectors - req->sector)
			return "request beyond the end of the disk";
	}
	if (rec_len != TWR_BLK_HDR_LEN + data_len)
		return "request record length does not match its op";
	return NULL;
}
