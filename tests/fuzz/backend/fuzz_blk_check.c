// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: twr_blk_req_check() (backend/twr_blk_check.c), what
 * twinblk-back applies to each request a hostile frontend puts on ring A.
 * The input is the disk and what the peer controls:
 *
 *   +0  u64  sectors      disk size in 512-byte units (the backend's)
 *   +8  u8   sector size  bit 0: 512 or 4096 (the backend's)
 *   +9  u8   reserved
 *   +10 u16  type         ring record type
 *   +12 u16  flags        ring record flags
 *   +14 u16  reserved
 *   +16 u32  rec_len      ring record length
 *   +20 24 bytes          struct twr_blk_req, as the frontend wrote it
 *
 * The request is passed as an exact-size heap copy (ASan catches any read
 * past it). The verdict must equal an independent model of the rules in
 * include/twinring/blk.h, computed in 128 bits, and an accepted request
 * must lie inside the disk with its write data inside the record.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_area.h"
#include "twr_blk_check.h"

/* The rules of include/twinring/blk.h, restated without the check's code. */
static int model_ok(const struct twr_blk_geom *g, uint32_t rec_len,
		    uint16_t type, uint16_t flags, const struct twr_blk_req *r)
{
	unsigned __int128 end = (unsigned __int128)r->sector + r->nr_sectors;
	uint64_t blk = g->sector_size / TWR_BLK_SECTOR_SIZE;
	uint64_t want_len = TWR_BLK_HDR_LEN;

	if (type != TWR_BLK_REC_REQ || flags || r->id >= TWR_BLK_MAX_IDS ||
	    r->reserved)
		return 0;
	if (r->flags & ~TWR_BLK_REQ_F_ALL)
		return 0;
	if (r->flags && r->op != TWR_BLK_OP_WRITE)
		return 0;
	switch (r->op) {
	case TWR_BLK_OP_FLUSH:
		return r->sector == 0 && r->nr_sectors == 0 &&
		       rec_len == TWR_BLK_HDR_LEN;
	case TWR_BLK_OP_WRITE:
		want_len += (uint64_t)r->nr_sectors * TWR_BLK_SECTOR_SIZE;
		/* fall through */
	case TWR_BLK_OP_READ:
		if (r->nr_sectors < 1 || r->nr_sectors > TWR_BLK_MAX_SECTORS)
			return 0;
		break;
	case TWR_BLK_OP_DISCARD:
		if (r->nr_sectors < 1 ||
		    r->nr_sectors > TWR_BLK_MAX_DISCARD_SECTORS)
			return 0;
		break;
	default:
		return 0;
	}
	return r->sector % blk == 0 && r->nr_sectors % blk == 0 &&
	       end <= g->sectors && rec_len == want_len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct twr_fuzz_in in = { data, size };
	struct twr_blk_geom g;
	struct twr_blk_req *req;
	uint16_t type, flags;
	uint32_t rec_len, lo;
	const char *why;
	int ok;

	lo = twr_fuzz_u32(&in);
	g.sectors = (uint64_t)twr_fuzz_u32(&in) << 32 | lo;
	g.sector_size = twr_fuzz_u8(&in) & 1 ? 4096 : 512;
	twr_fuzz_u8(&in);
	type = twr_fuzz_u16(&in);
	flags = twr_fuzz_u16(&in);
	twr_fuzz_u16(&in);
	rec_len = twr_fuzz_u32(&in);

	req = calloc(1, sizeof(*req));
	if (!req)
		return 0;
	memcpy(req, in.p, in.left < sizeof(*req) ? in.left : sizeof(*req));

	why = twr_blk_req_check(&g, rec_len, type, flags, req);
	ok = model_ok(&g, rec_len, type, flags, req);
	FUZZ_CHECK(ok == !why);
	if (!why) {
		/* Inside the disk, and the data the backend copies to or
		 * from the record is exactly what the record holds. */
		FUZZ_CHECK(req->op == TWR_BLK_OP_FLUSH ||
			   req->sector + req->nr_sectors <= g.sectors);
		FUZZ_CHECK(req->sector + req->nr_sectors >= req->sector);
		FUZZ_CHECK(rec_len <= TWR_BLK_REQ_MAX_LEN);
		FUZZ_CHECK(rec_len - TWR_BLK_HDR_LEN ==
			   (req->op == TWR_BLK_OP_WRITE ?
			    req->nr_sectors * TWR_BLK_SECTOR_SIZE : 0));
		FUZZ_CHECK((req->op == TWR_BLK_OP_READ ?
			    (uint64_t)req->nr_sectors * TWR_BLK_SECTOR_SIZE : 0) <=
			   TWR_BLK_MAX_DATA);
	} else {
		FUZZ_CHECK(why[0] != '\0');
	}
	free(req);
	return 0;
}
