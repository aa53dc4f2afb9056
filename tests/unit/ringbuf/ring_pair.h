/* SPDX-License-Identifier: MIT */
/*
 * The fixture of the ring tests with an honest peer: one shared area (see
 * ring_harness.h) with a producer and a consumer attached to it in this
 * process, so every step of the protocol can be interleaved by hand.
 * Records carry a pattern derived from a sequence number, so a consumer can
 * tell a misplaced, reordered or corrupted record from the right one.
 */
#ifndef TWR_TEST_RING_PAIR_H
#define TWR_TEST_RING_PAIR_H

#include "ring_harness.h"

#define SZ	4096u		/* the usual data area */
#define MAXP	1024u		/* the usual max_payload */
#define REC(len)	((uint32_t)TWR_REC_SPACE(len))

extern struct twr_test_area g_area;
extern struct twr_ring g_prod, g_cons;

/* A fresh @size-byte ring at index @start with both sides attached. */
void pair_setup(uint32_t size, uint32_t max_payload, uint32_t start);

/* Producer: one record of @len bytes, type @type, flags and pattern from
 * @seq. Returns the reserve result (or -EFAULT for a payload outside the
 * data area). */
int pair_produce(uint32_t len, uint16_t type, uint32_t seq);

/* Consumer: peek one record, check it is (@len, @type, @seq), release it.
 * Returns the peek result, or -EBADMSG on a mismatch. */
int pair_consume(uint32_t len, uint16_t type, uint32_t seq);

/* Consumer: as pair_consume(), but move past the record without releasing
 * it (twr_ring_advance()); *@end is where it ends. */
int pair_read(uint32_t len, uint16_t type, uint32_t seq, uint32_t *end);

/* The record header at ring index @idx. */
const struct twr_rec_hdr *pair_hdr_at(uint32_t idx);

/* 64 records of 64 ring bytes: fills an empty 4 KiB ring exactly. */
void pair_fill_64(void);

/* Unmaps the area: the cleanup of every suite using the pair. */
int pair_cleanup(void);

#endif /* TWR_TEST_RING_PAIR_H */
