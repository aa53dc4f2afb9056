/* SPDX-License-Identifier: MIT */
/*
 * twinring user-space transport: one channel shared by two processes.
 *
 * The channel memory (control page, ring A data, ring B data, laid out as in
 * include/twinring/ring.h) lives in a memfd mapped MAP_SHARED; each side has
 * an eventfd that plays the part of its end of the Xen event channel. Tests
 * and benchmarks run the very ring library the kernel modules build on top
 * of it: twr_shm_create() in the parent, fork(), then each side attaches
 * its producer and consumer with twr_shm_attach() and notifies/sleeps with
 * twr_shm_notify()/twr_shm_wait() following the ring's event indices.
 *
 * The front side produces on ring A and consumes ring B; the back side the
 * reverse, as in the drivers.
 */
#ifndef TWINRING_SHM_H
#define TWINRING_SHM_H

#include <stddef.h>
#include <stdint.h>

#include "twr_ring.h"

enum twr_shm_side {
	TWR_SHM_FRONT = 0,
	TWR_SHM_BACK = 1,
};

/* Counters of this process's view (private memory, never shared). */
struct twr_shm_stats {
	uint64_t notify_sent;	/* eventfd writes to the peer */
	uint64_t wakeups;	/* returns from twr_shm_wait() with an event */
	uint64_t events_recv;	/* eventfd counts consumed (>= wakeups) */
	uint64_t timeouts;	/* twr_shm_wait() calls that timed out */
};

struct twr_shm {
	int memfd;
	int efd[2];			/* efd[side] wakes that side */
	struct twr_chan_ctl *ctl;	/* start of the mapping */
	uint8_t *ring_a;		/* ring A data, a_size bytes */
	uint8_t *ring_b;		/* ring B data, b_size bytes */
	uint32_t a_size;
	uint32_t b_size;
	size_t map_len;
	struct twr_shm_stats stats;
};

/* Create a channel with ring A of PAGE_SIZE << @a_order bytes and ring B of
 * PAGE_SIZE << @b_order, indices starting at @start (tests pick values near
 * 2^32 to cross the index wrap). The mapping and both eventfds survive
 * fork(). Returns 0 or a negative errno (-EINVAL for a bad order). */
int twr_shm_create(struct twr_shm *shm, unsigned int a_order,
		   unsigned int b_order, uint32_t start);

/* Unmap and close everything this process holds; safe on a zeroed or
 * half-created struct. */
void twr_shm_destroy(struct twr_shm *shm);

/* Attach @side's producer (@tx) and consumer (@rx) rings: front produces on
 * A and consumes B, back the reverse. @max_payload bounds a record's
 * payload on both rings. Returns 0 or the twr_ring_attach() error. */
int twr_shm_attach(struct twr_shm *shm, enum twr_shm_side side,
		   struct twr_ring *tx, struct twr_ring *rx,
		   uint32_t max_payload);

/* Wake the process on @side (the peer of the caller). Only call it when the
 * ring asked for it (twr_ring_publish() or twr_ring_release_publish()
 * returned true). Returns 0 or a negative errno. */
int twr_shm_notify(struct twr_shm *shm, enum twr_shm_side side);

/* Sleep as @side until the peer notifies or @timeout_ms passes (-1: no
 * limit), after the caller armed the event indices (twr_ring_final_check()
 * and/or twr_ring_space_wait_prepare() said "sleep"). Consumes the pending
 * events. Returns 1 if woken by an event, 0 on timeout, or a negative
 * errno. */
int twr_shm_wait(struct twr_shm *shm, enum twr_shm_side side, int timeout_ms);

/* The eventfd @side sleeps on, for callers that multiplex it in poll(). */
static inline int twr_shm_event_fd(const struct twr_shm *shm,
				   enum twr_shm_side side)
{
	return shm->efd[side];
}

#endif /* TWINRING_SHM_H */
