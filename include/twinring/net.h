/* SPDX-License-Identifier: MIT */
/*
 * twinring net record protocol (device kind "twinnet"), on top of the
 * channel and record format of include/twinring/ring.h.
 *
 * One channel per queue. Both rings carry the same record type:
 *
 *   ring A (front -> back): packets the domU transmits
 *   ring B (back -> front): packets the domU receives
 *
 * A packet record (type TWR_NET_REC_PKT, flags 0) has the payload
 *
 *   +0x00 struct twr_net_hdr (16 bytes)
 *   +0x10 the Ethernet frame, from the destination MAC on, complete: a GSO
 *         packet travels as one record (up to TWR_NET_PKT_MAX bytes)
 *
 * so the frame length is rec.len - TWR_NET_HDR_SIZE. There is no completion
 * record: the producer copied the packet into the ring and is done with it;
 * the consumer copies it out and releases the record.
 *
 * struct twr_net_hdr:
 *
 *   +0x0 flags        TWR_NET_F_*
 *   +0x1 gso_type     TWR_NET_GSO_* (| TWR_NET_GSO_ECN)
 *   +0x2 hdr_len      bytes of headers before the GSO payload (a hint;
 *                     0 if unknown)
 *   +0x4 gso_size     payload bytes per segment (GSO packets only)
 *   +0x6 csum_start   offset from the frame start where checksumming starts
 *   +0x8 csum_offset  where to store the checksum, from csum_start
 *   +0xa reserved     zero
 *   +0xc reserved     zero
 *
 * Semantics are those of the Linux virtio_net_hdr (the kernel's own, hardened
 * validation of untrusted offload metadata is reused on receive):
 *   - TWR_NET_F_CSUM_PARTIAL: the checksum over [csum_start, end) has not
 *     been computed; the receiver (or its hardware) must store it at
 *     csum_start + csum_offset. Required for GSO packets.
 *   - TWR_NET_F_DATA_VALID: the checksums have been verified already.
 *
 * A receiver drops the connection (broken latch, TWR_F_BROKEN) on a record of
 * another type, a frame shorter than TWR_NET_PKT_MIN or longer than
 * TWR_NET_PKT_MAX, non-zero reserved fields, an unknown gso_type, a GSO
 * packet without CSUM_PARTIAL or with gso_size 0, or checksum offsets
 * outside the frame.
 *
 * Rings for net must hold at least one maximum record: orders >=
 * TWR_NET_RING_ORDER_MIN. Xenstore: include/twinring/xenbus.h.
 */
#ifndef TWINRING_NET_H
#define TWINRING_NET_H

#include "twinring/ring.h"

#define TWR_NET_REC_PKT		(TWR_REC_TYPE_FIRST + 0)	/* 1 */

#define TWR_NET_HDR_SIZE	16u
#define TWR_NET_PKT_MIN		14u		/* an Ethernet header */
/* 64 KiB of GSO packet or a 65535-byte MTU frame, plus Ethernet and VLAN. */
#define TWR_NET_PKT_MAX		(65536u + 32u)
#define TWR_NET_REC_MAX		(TWR_NET_HDR_SIZE + TWR_NET_PKT_MAX)
#define TWR_NET_RING_ORDER_MIN	5u		/* 128 KiB >= TWR_REC_SPACE(max) */
#define TWR_NET_RING_ORDER_DEFAULT 8u		/* 1 MiB */
#define TWR_NET_MTU_MAX		65535u

#define TWR_NET_F_CSUM_PARTIAL	0x01u
#define TWR_NET_F_DATA_VALID	0x02u
#define TWR_NET_F_KNOWN		(TWR_NET_F_CSUM_PARTIAL | TWR_NET_F_DATA_VALID)

#define TWR_NET_GSO_NONE	0u
#define TWR_NET_GSO_TCPV4	1u
#define TWR_NET_GSO_TCPV6	4u
#define TWR_NET_GSO_ECN		0x80u		/* TCP with the ECN CWR bit */

struct twr_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t reserved0;
	uint32_t reserved1;
};

TWR_STATIC_ASSERT(sizeof(struct twr_net_hdr) == TWR_NET_HDR_SIZE, "net header size");
TWR_STATIC_ASSERT(offsetof(struct twr_net_hdr, flags) == 0x0, "net flags");
TWR_STATIC_ASSERT(offsetof(struct twr_net_hdr, gso_type) == 0x1, "net gso_type");
TWR_STATIC_ASSERT(offsetof(struct twr_net_hdr, hdr_len) == 0x2, "net hdr_len");
TWR_STATIC_ASSERT(offsetof(struct twr_net_hdr, gso_size) == 0x4, "net gso_size");
TWR_STATIC_ASSERT(offsetof(struct twr_net_hdr, csum_start) == 0x6, "net csum_start");
TWR_STATIC_ASSERT(offsetof(struct twr_net_hdr, csum_offset) == 0x8, "net csum_offset");
TWR_STATIC_ASSERT(offsetof(struct twr_net_hdr, reserved0) == 0xa, "net reserved0");
TWR_STATIC_ASSERT(offsetof(struct twr_net_hdr, reserved1) == 0xc, "net reserved1");
TWR_STATIC_ASSERT(TWR_REC_SPACE(TWR_NET_REC_MAX) <= (TWR_PAGE_SIZE << TWR_NET_RING_ORDER_MIN),
		  "a maximum net record fits the smallest net ring");

#endif /* TWINRING_NET_H */
