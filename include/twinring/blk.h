/* SPDX-License-Identifier: MIT */
/*
 * twinring block protocol: the records a twinblk channel carries.
 *
 * This header is the specification; include/twinring/ring.h defines the
 * channel and the record framing (8-byte record header: len, type, flags),
 * include/twinring/xenbus.h the xenstore nodes. Fields are fixed width and
 * little-endian; the static asserts at the bottom pin every offset.
 *
 * Ring A (frontend -> backend) carries requests, ring B (backend ->
 * frontend) responses. Data travels inline: a write request is followed in
 * the same record by its data, a read response by the data read. There are
 * no grant references in the data path at all.
 *
 * Request record, ring record type TWR_BLK_REC_REQ, record flags 0:
 *
 *   +0x00 id          u16  frontend's tag, < TWR_BLK_MAX_IDS, unique among
 *                          the channel's requests not yet answered
 *   +0x02 op          u8   TWR_BLK_OP_*
 *   +0x03 flags       u8   TWR_BLK_REQ_F_* (FUA on writes only)
 *   +0x04 nr_sectors  u32  length in 512-byte units (0 for FLUSH)
 *   +0x08 sector      u64  start in 512-byte units (0 for FLUSH)
 *   +0x10 reserved    u64  zero
 *   +0x18 (ignored)   up to +0x1f8: not read, need not be cleared (it
 *                          holds what this ring carried before)
 *   +0x1f8 data       WRITE: nr_sectors * 512 bytes; otherwise nothing
 *
 *   record len = 504 + (op == WRITE ? nr_sectors * 512 : 0), exactly.
 *
 * Response record, ring record type TWR_BLK_REC_RSP, record flags 0:
 *
 *   +0x00 id          u16  id of the request answered
 *   +0x02 op          u8   op of the request answered
 *   +0x03 reserved0   u8   zero
 *   +0x04 status      s32  TWR_BLK_RSP_* (0 = success)
 *   +0x08 data_len    u32  READ: nr_sectors * 512, whatever the status;
 *                          else 0
 *   +0x0c reserved1   u32  zero
 *   +0x10 (ignored)   up to +0x1f8, as in a request
 *   +0x1f8 data       data_len bytes read (meaningless, and ignored, when
 *                          status is not 0)
 *
 *   record len = 504 + data_len, exactly.
 *
 * Data alignment (protocol 3): with the 8-byte record header in front, a
 * record takes TWR_BLK_DATA_ALIGN (512) bytes plus its data, a multiple of
 * 512, and the ring's padding record only ever fills a ring's tail; so
 * records start, and their data lies, at 512-byte offsets of the
 * page-aligned data area, as direct I/O on the mapped ring pages needs
 * (docs/blk.md). A side that finds data misaligned anyway (a peer that
 * started its indices off 0) must still work, through a copy.
 *
 * Rules (each side checks the other's records and, on a violation, latches
 * the channel broken, sets TWR_F_BROKEN in its flags word and closes):
 *  - sector and nr_sectors are multiples of sector-size / 512; nr_sectors is
 *    1 .. TWR_BLK_MAX_SECTORS for READ, WRITE and DISCARD and
 *    sector + nr_sectors <= sectors (checked without overflow).
 *  - READ and WRITE are at most TWR_BLK_MAX_SECTORS (1 MiB); DISCARD at
 *    most TWR_BLK_MAX_DISCARD_SECTORS.
 *  - Every request gets exactly one response; responses may come in any
 *    order. The frontend drops nothing: an id it has no request for, a
 *    response whose op or data_len does not match the request, is a
 *    violation.
 *  - FLUSH: every write completed (answered) before the flush was sent is
 *    durable when the flush is answered. FUA on a WRITE: that write is
 *    durable when answered. Requests in flight together are unordered.
 *
 * Ring sizes. A 1 MiB request or response is a single record of
 * TWR_REC_SPACE(504 + 1 MiB) bytes. So that the backend can work on one
 * maximal request while the next is being filled, the largest request uses
 * at most half a ring: a 1 MiB maximum needs 4 MiB rings (order 10), the blk
 * default. A frontend given smaller rings lowers its maximum request size to
 * TWR_BLK_MAX_DATA_FOR_RING(ring bytes) rather than splitting records:
 * blk-mq splits bios for it.
 *
 * Backend nodes (xenbus.h), written before the backend goes Connected:
 *   sectors          device size in 512-byte units, decimal
 *   sector-size      logical block size: 512 or 4096
 *   info             TWR_BLK_INFO_* bits, decimal
 *   twinblk-version  TWR_BLK_VERSION
 *   max-requests     requests the backend keeps in flight per channel
 *                    (1 .. TWR_BLK_MAX_IDS): the frontend's queue depth
 *                    at most (more would wait in ring A)
 * Frontend node: twinblk-version, TWR_BLK_VERSION. Each side refuses a peer
 * of another version (xenbus error node) and does not connect.
 *
 * Versions: 1 answered a failed READ with data_len 0; 2 kept a READ's
 * response record the same size whatever its status, so that the backend
 * can reserve it at submission and read straight into it; 3 (this one)
 * puts the data 512 bytes after a record's start (it was 32 in requests,
 * 24 in responses), so that the backend can do direct I/O on the ring.
 */
#ifndef TWINRING_BLK_H
#define TWINRING_BLK_H

#include "twinring/ring.h"

/* The protocol this header describes (the twinblk-version nodes). */
#define TWR_BLK_VERSION		3u

/* Ring record types (ring.h: protocol types start at TWR_REC_TYPE_FIRST). */
#define TWR_BLK_REC_REQ		0x0b01u
#define TWR_BLK_REC_RSP		0x0b02u

/* Request ops. */
#define TWR_BLK_OP_READ		0u
#define TWR_BLK_OP_WRITE	1u
#define TWR_BLK_OP_FLUSH	2u
#define TWR_BLK_OP_DISCARD	3u
#define TWR_BLK_OP_MAX		TWR_BLK_OP_DISCARD

/* Request flags. */
#define TWR_BLK_REQ_F_FUA	(1u << 0)	/* WRITE: durable when answered */
#define TWR_BLK_REQ_F_ALL	TWR_BLK_REQ_F_FUA

/* Response status. */
#define TWR_BLK_RSP_OK		0
#define TWR_BLK_RSP_EIO		(-1)	/* I/O error */
#define TWR_BLK_RSP_ENOSPC	(-2)	/* backing store full */
#define TWR_BLK_RSP_ENOTSUPP	(-3)	/* op not supported by this backend */
#define TWR_BLK_RSP_EROFS	(-4)	/* write or discard on a read-only disk */

/* info node bits. */
#define TWR_BLK_INFO_RO		(1u << 0)	/* read-only: WRITE/DISCARD fail */
#define TWR_BLK_INFO_FLUSH	(1u << 1)	/* FLUSH and FUA are meaningful */
#define TWR_BLK_INFO_DISCARD	(1u << 2)	/* DISCARD supported */

#define TWR_BLK_SECTOR_SHIFT	9u
#define TWR_BLK_SECTOR_SIZE	512u

/* Largest READ/WRITE: 1 MiB. */
#define TWR_BLK_MAX_DATA	(1024u * 1024u)
#define TWR_BLK_MAX_SECTORS	(TWR_BLK_MAX_DATA >> TWR_BLK_SECTOR_SHIFT)
/* Largest DISCARD (it carries no data): 1 GiB. */
#define TWR_BLK_MAX_DISCARD_SECTORS	(1u << 21)

/* Ids per channel: the blk-mq tag space of one hardware queue. */
#define TWR_BLK_MAX_IDS		256u

/* Default and smallest ring order for a twinblk channel (ring.h units). */
#define TWR_BLK_RING_ORDER_DEFAULT	10u	/* 4 MiB: 1 MiB requests */
#define TWR_BLK_RING_ORDER_MIN		2u	/* 16 KiB: 4 KiB requests */

struct twr_blk_req {
	uint16_t id;
	uint8_t op;
	uint8_t flags;
	uint32_t nr_sectors;
	uint64_t sector;
	uint64_t reserved;
};

struct twr_blk_rsp {
	uint16_t id;
	uint8_t op;
	uint8_t reserved0;
	int32_t status;
	uint32_t data_len;
	uint32_t reserved1;
};

#define TWR_BLK_REQ_SIZE	24u
#define TWR_BLK_RSP_SIZE	16u

/* A record's data starts this far past the record's start (record header
 * included), in requests and responses: see "Data alignment" above. */
#define TWR_BLK_DATA_ALIGN	512u
/* Record payload bytes before the data: the record len of a FLUSH. */
#define TWR_BLK_HDR_LEN		(TWR_BLK_DATA_ALIGN - TWR_REC_HDR_SIZE)

/* Largest record payloads on each ring. */
#define TWR_BLK_REQ_MAX_LEN	(TWR_BLK_HDR_LEN + TWR_BLK_MAX_DATA)
#define TWR_BLK_RSP_MAX_LEN	(TWR_BLK_HDR_LEN + TWR_BLK_MAX_DATA)

/*
 * Largest data bytes per request for a ring of @ring_bytes: two maximal
 * records fit (see above); rounded down to 4 KiB, capped at TWR_BLK_MAX_DATA.
 */
#define TWR_BLK_MAX_DATA_FOR_RING(ring_bytes)				\
	((((ring_bytes) / 2u - TWR_BLK_DATA_ALIGN)	\
	  & ~(TWR_PAGE_SIZE - 1u)) > TWR_BLK_MAX_DATA ? TWR_BLK_MAX_DATA : \
	 (((ring_bytes) / 2u - TWR_BLK_DATA_ALIGN)	\
	  & ~(TWR_PAGE_SIZE - 1u)))

TWR_STATIC_ASSERT(sizeof(struct twr_blk_req) == TWR_BLK_REQ_SIZE, "blk req size");
TWR_STATIC_ASSERT(offsetof(struct twr_blk_req, id) == 0x00, "req id");
TWR_STATIC_ASSERT(offsetof(struct twr_blk_req, op) == 0x02, "req op");
TWR_STATIC_ASSERT(offsetof(struct twr_blk_req, flags) == 0x03, "req flags");
TWR_STATIC_ASSERT(offsetof(struct twr_blk_req, nr_sectors) == 0x04, "req nr_sectors");
TWR_STATIC_ASSERT(offsetof(struct twr_blk_req, sector) == 0x08, "req sector");
TWR_STATIC_ASSERT(offsetof(struct twr_blk_req, reserved) == 0x10, "req reserved");

TWR_STATIC_ASSERT(sizeof(struct twr_blk_rsp) == TWR_BLK_RSP_SIZE, "blk rsp size");
TWR_STATIC_ASSERT(offsetof(struct twr_blk_rsp, id) == 0x00, "rsp id");
TWR_STATIC_ASSERT(offsetof(struct twr_blk_rsp, op) == 0x02, "rsp op");
TWR_STATIC_ASSERT(offsetof(struct twr_blk_rsp, reserved0) == 0x03, "rsp reserved0");
TWR_STATIC_ASSERT(offsetof(struct twr_blk_rsp, status) == 0x04, "rsp status");
TWR_STATIC_ASSERT(offsetof(struct twr_blk_rsp, data_len) == 0x08, "rsp data_len");
TWR_STATIC_ASSERT(offsetof(struct twr_blk_rsp, reserved1) == 0x0c, "rsp reserved1");

/* A 1 MiB request fits twice into the default ring, and ids fit in u16. */
TWR_STATIC_ASSERT(TWR_BLK_MAX_DATA_FOR_RING(TWR_PAGE_SIZE << TWR_BLK_RING_ORDER_DEFAULT)
		  == TWR_BLK_MAX_DATA, "default blk ring carries 1 MiB requests");
TWR_STATIC_ASSERT(TWR_BLK_RING_ORDER_DEFAULT <= TWR_RING_ORDER_MAX, "blk ring order");
TWR_STATIC_ASSERT(TWR_BLK_MAX_IDS <= 65536u, "ids fit the id field");
TWR_STATIC_ASSERT(TWR_BLK_MAX_DATA % TWR_PAGE_SIZE == 0, "max data in pages");
TWR_STATIC_ASSERT(TWR_REC_SPACE(TWR_BLK_HDR_LEN) == TWR_BLK_DATA_ALIGN &&
		  TWR_BLK_HDR_LEN >= TWR_BLK_REQ_SIZE &&
		  TWR_BLK_HDR_LEN >= TWR_BLK_RSP_SIZE,
		  "a record's header block is 512 bytes, data follows aligned");

#endif /* TWINRING_BLK_H */
