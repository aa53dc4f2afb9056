/* SPDX-License-Identifier: MIT */
/*
 * twinring wire ABI: the channel control page and the record format.
 *
 * This header is the specification. Both domains include it; every field is
 * fixed width and little-endian (twinring only builds for little-endian
 * hosts), every offset is pinned by the static asserts at the bottom.
 *
 * A *channel* is one control page plus two data rings, all allocated and
 * granted by the frontend (the user domain):
 *
 *   ring A: frontend -> backend (requests, TX data); the backend maps it
 *           read-only.
 *   ring B: backend -> frontend (responses, RX data); mapped read-write.
 *
 * Control page (4096 bytes):
 *
 *   0x000 +--------------------------------------------------------------+
 *         | magic "TWR1" | version | a_order | b_order |                 |
 *   0x008 | front_flags (front writes) | back_flags (back writes)        |
 *   0x010 | reserved, zero                                               |
 *   0x040 +--------------------------------------------------------------+
 *         | ring A indices: struct twr_ring_shared (128 bytes)           |
 *   0x0c0 +--------------------------------------------------------------+
 *         | ring B indices: struct twr_ring_shared (128 bytes)           |
 *   0x140 +--------------------------------------------------------------+
 *         | reserved, zero                                               |
 *   0x1000+--------------------------------------------------------------+
 *
 * struct twr_ring_shared: the producer's cache line, then the consumer's.
 *
 *   +0x00 prod        producer: free-running byte index of the end of the
 *                     published records
 *   +0x04 cons_event  producer: "notify me when cons passes this value"
 *                     (set while waiting for space)
 *   +0x08 reserved
 *   +0x40 cons        consumer: free-running byte index of the first byte
 *                     not yet released
 *   +0x44 prod_event  consumer: "notify me when prod passes this value"
 *                     (set before sleeping)
 *   +0x48 reserved
 *
 * Indices are free-running unsigned 32-bit byte counters; the ring data size
 * is a power of two (PAGE_SIZE << order, order <= TWR_RING_ORDER_MAX) and a
 * byte index i lives at data[i & (size - 1)]. prod - cons is the number of
 * published, unreleased bytes and is never more than the size.
 *
 * Records. Every record starts on an 8-byte boundary with an 8-byte header
 * and occupies TWR_REC_SPACE(len) bytes:
 *
 *   +0 len    payload bytes following the header (not counting padding)
 *   +4 type   TWR_REC_PAD, or a protocol type (>= TWR_REC_TYPE_FIRST)
 *   +6 flags  protocol defined
 *   +8 payload, then zero padding to the next 8-byte boundary
 *
 * A record never straddles the end of the data area: when the contiguous
 * space left before the wrap is too small, the producer fills it with one
 * TWR_REC_PAD record whose len is exactly (bytes to the end - 8) and starts
 * the record at offset 0. A consumer therefore always sees each record as a
 * single contiguous span (the block backend does I/O straight from it).
 *
 * Notifications follow Xen's ring.h event-index scheme, wrap-safe: after
 * moving prod from old to new, the producer notifies iff
 * (new - prod_event) < (new - old). The consumer sets prod_event = cons + 1
 * before it sleeps and re-checks prod afterwards (the final check), so no
 * wake-up is lost; the space direction is the mirror image with cons_event.
 *
 * Xenstore (per channel, in the frontend directory; the backend reads):
 *   ctrl-ref          grant ref of the control page (read-write)
 *   ring-a-dir-ref    grant ref of ring A's directory page (read-only)
 *   ring-b-dir-ref    grant ref of ring B's directory page (read-only)
 *   ring-a-order, ring-b-order   data size orders (also in the control page)
 *   event-channel     the channel's event channel port
 * A directory page holds the grant refs of a ring's data pages in order,
 * little-endian uint32_t, 1024 per page (so at most order 10: 4 MiB).
 */
#ifndef TWINRING_RING_H
#define TWINRING_RING_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/build_bug.h>
#include <linux/stddef.h>
#define TWR_STATIC_ASSERT(expr, msg) static_assert(expr, msg)
#else
#include <stddef.h>
#include <stdint.h>
#define TWR_STATIC_ASSERT(expr, msg) _Static_assert(expr, msg)
#endif

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "twinring's shared structures are little-endian; big-endian hosts are not supported"
#endif

#define TWR_MAGIC		0x31525754u	/* "TWR1" in memory order */
#define TWR_VERSION		1u

#define TWR_PAGE_SIZE		4096u
#define TWR_RING_ORDER_MIN	0u	/* 4 KiB */
#define TWR_RING_ORDER_MAX	10u	/* 4 MiB: one directory page */
#define TWR_DIR_REFS_PER_PAGE	(TWR_PAGE_SIZE / 4u)

/* front_flags / back_flags: each side writes only its own word. */
#define TWR_F_CLOSING		(1u << 0)	/* orderly shutdown started */
#define TWR_F_BROKEN		(1u << 1)	/* the writer saw a protocol violation */

#define TWR_REC_ALIGN		8u
#define TWR_REC_HDR_SIZE	8u
#define TWR_REC_PAD		0u	/* filler up to the end of the data area */
#define TWR_REC_TYPE_FIRST	1u	/* first type a protocol may use */

/* Bytes a record with @len payload bytes occupies in the ring. */
#define TWR_REC_SPACE(len) \
	((((uint64_t)(len)) + TWR_REC_HDR_SIZE + TWR_REC_ALIGN - 1) & \
	 ~(uint64_t)(TWR_REC_ALIGN - 1))

struct twr_rec_hdr {
	uint32_t len;
	uint16_t type;
	uint16_t flags;
};

struct twr_ring_shared {
	/* producer's cache line */
	uint32_t prod;
	uint32_t cons_event;
	uint8_t reserved0[56];
	/* consumer's cache line */
	uint32_t cons;
	uint32_t prod_event;
	uint8_t reserved1[56];
};

struct twr_chan_ctl {
	uint32_t magic;
	uint16_t version;
	uint8_t a_order;
	uint8_t b_order;
	uint32_t front_flags;
	uint32_t back_flags;
	uint8_t reserved0[48];
	struct twr_ring_shared ring_a;
	struct twr_ring_shared ring_b;
	uint8_t reserved1[TWR_PAGE_SIZE - 0x140];
};

TWR_STATIC_ASSERT(sizeof(struct twr_rec_hdr) == TWR_REC_HDR_SIZE, "record header size");
TWR_STATIC_ASSERT(offsetof(struct twr_rec_hdr, len) == 0, "rec len");
TWR_STATIC_ASSERT(offsetof(struct twr_rec_hdr, type) == 4, "rec type");
TWR_STATIC_ASSERT(offsetof(struct twr_rec_hdr, flags) == 6, "rec flags");

TWR_STATIC_ASSERT(sizeof(struct twr_ring_shared) == 128, "ring indices size");
TWR_STATIC_ASSERT(offsetof(struct twr_ring_shared, prod) == 0x00, "prod");
TWR_STATIC_ASSERT(offsetof(struct twr_ring_shared, cons_event) == 0x04, "cons_event");
TWR_STATIC_ASSERT(offsetof(struct twr_ring_shared, reserved0) == 0x08, "reserved0");
TWR_STATIC_ASSERT(offsetof(struct twr_ring_shared, cons) == 0x40, "cons");
TWR_STATIC_ASSERT(offsetof(struct twr_ring_shared, prod_event) == 0x44, "prod_event");
TWR_STATIC_ASSERT(offsetof(struct twr_ring_shared, reserved1) == 0x48, "reserved1");

TWR_STATIC_ASSERT(sizeof(struct twr_chan_ctl) == TWR_PAGE_SIZE, "control page size");
TWR_STATIC_ASSERT(offsetof(struct twr_chan_ctl, magic) == 0x000, "magic");
TWR_STATIC_ASSERT(offsetof(struct twr_chan_ctl, version) == 0x004, "version");
TWR_STATIC_ASSERT(offsetof(struct twr_chan_ctl, a_order) == 0x006, "a_order");
TWR_STATIC_ASSERT(offsetof(struct twr_chan_ctl, b_order) == 0x007, "b_order");
TWR_STATIC_ASSERT(offsetof(struct twr_chan_ctl, front_flags) == 0x008, "front_flags");
TWR_STATIC_ASSERT(offsetof(struct twr_chan_ctl, back_flags) == 0x00c, "back_flags");
TWR_STATIC_ASSERT(offsetof(struct twr_chan_ctl, reserved0) == 0x010, "reserved0");
TWR_STATIC_ASSERT(offsetof(struct twr_chan_ctl, ring_a) == 0x040, "ring_a");
TWR_STATIC_ASSERT(offsetof(struct twr_chan_ctl, ring_b) == 0x0c0, "ring_b");
TWR_STATIC_ASSERT(offsetof(struct twr_chan_ctl, reserved1) == 0x140, "reserved1");

#endif /* TWINRING_RING_H */
