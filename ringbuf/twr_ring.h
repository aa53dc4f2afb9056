/* SPDX-License-Identifier: MIT */
/*
 * twinring ring library: one direction of a channel, seen from one side.
 *
 * The same source is compiled into the kernel modules and into user space
 * (tests, fuzzers, benchmarks). A struct twr_ring lives in private memory and
 * holds this side's own indices; the shared indices are only ever read once
 * per refresh, validated, and then used from the private copy.
 *
 * Producer:  twr_ring_reserve() -> fill payload -> twr_ring_commit(), any
 *            number of times, then twr_ring_publish() makes the batch visible
 *            and says whether the peer must be notified.
 * Consumer:  twr_ring_peek() -> use payload -> twr_ring_release(), any number
 *            of times, then twr_ring_release_publish() gives the space back
 *            and says whether the peer must be notified. Before sleeping:
 *            twr_ring_final_check().
 *
 * Several records in use at once (an asynchronous consumer, a producer whose
 * records complete out of order): twr_ring_advance() moves past a peeked
 * record without releasing it and twr_ring_release_to() releases in order up
 * to the end of a record read; twr_ring_commit_end() says where a committed
 * record ends and twr_ring_publish_to() publishes only up to there.
 *
 * Every function returns 0 or a negative errno; once the peer has been caught
 * violating the protocol the ring is latched broken and every call returns
 * -EPROTO, with twr_ring_reason() saying why.
 */
#ifndef TWINRING_RINGBUF_H
#define TWINRING_RINGBUF_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

#include "twinring/ring.h"

/*
 * One side's view of one ring. Embed it, but treat its fields as private to
 * twr_ring.c: drivers and tools use the functions below (the
 * ring-opaque test of make check fails on a field access outside ringbuf/
 * and the ring's own tests).
 */
struct twr_ring {
	struct twr_ring_shared *sh;	/* shared indices: peer-writable */
	uint8_t *data;			/* shared data area */
	uint32_t size;			/* data bytes, a power of two */
	uint32_t mask;
	uint32_t max_payload;		/* protocol maximum per record */
	uint8_t role;			/* enum twr_ring_role */
	int error;			/* 0, or the latched -EPROTO */
	const char *reason;		/* why the ring is broken */

	/* producer state */
	uint32_t prod_pvt;		/* end of committed records */
	uint32_t prod_pub;		/* last value stored in sh->prod */
	uint32_t cons_seen;		/* last validated sh->cons */
	uint32_t resv_len;		/* payload bytes of the open reservation */

	/* consumer state */
	uint32_t cons_pvt;		/* end of released records */
	uint32_t cons_rd;		/* end of what was read (>= cons_pvt) */
	uint32_t cons_rec;		/* end of the last record read: cons_rd
					 * less padding skipped after it */
	uint32_t cons_pub;		/* last value stored in sh->cons */
	uint32_t prod_seen;		/* last validated sh->prod */
	uint32_t peek_space;		/* ring bytes of the peeked record, 0 if none */
};

/* One record as seen by the consumer. @data points into shared memory: the
 * peer can still change it, so copy any metadata before validating it. */
struct twr_rec {
	const void *data;
	uint32_t len;
	uint16_t type;
	uint16_t flags;
};

enum twr_ring_role {
	TWR_RING_PRODUCER,
	TWR_RING_CONSUMER,
};

/* Owner side: set a fresh ring's shared indices to @start (tests use
 * starting points near 2^32 to exercise the wrap of the indices). */
void twr_ring_shared_init(struct twr_ring_shared *sh, uint32_t start);

/* Attach to a ring whose shared indices are @sh and whose data area is
 * @data of @size bytes (a power of two, 4 KiB .. 4 MiB). Reads the shared
 * indices once. Returns 0, -EINVAL for bad arguments, -EPROTO if the shared
 * indices are inconsistent (the ring is then broken). */
int twr_ring_attach(struct twr_ring *r, enum twr_ring_role role,
		    struct twr_ring_shared *sh, void *data, uint32_t size,
		    uint32_t max_payload);

/* Producer: make room for a record of up to @len payload bytes and return a
 * pointer to its payload in *@payload. Returns 0, -EAGAIN if the ring is too
 * full now (the padding up to the wrap may already be committed then),
 * -EMSGSIZE if @len can never fit, -EPROTO if broken. */
int twr_ring_reserve(struct twr_ring *r, uint32_t len, void **payload);

/* Producer: close the open reservation as a record of @len (<= reserved)
 * payload bytes. Not visible to the peer until twr_ring_publish(). */
void twr_ring_commit(struct twr_ring *r, uint32_t len, uint16_t type,
		     uint16_t flags);

/* Producer: publish every committed record. Returns true if the peer asked
 * to be notified of the new records (send one event). */
bool twr_ring_publish(struct twr_ring *r);

/* Producer: the index just past the last committed record (pass it to
 * twr_ring_publish_to() once that record's payload is final). */
uint32_t twr_ring_commit_end(const struct twr_ring *r);

/* Producer: publish the committed records that end at or before @end, an
 * index twr_ring_commit_end() returned (records are published in order;
 * an @end outside what is committed and unpublished does nothing). Returns
 * what twr_ring_publish() does. */
bool twr_ring_publish_to(struct twr_ring *r, uint32_t end);

/* Producer: free bytes as last seen (may grow after a refresh). */
uint32_t twr_ring_space(const struct twr_ring *r);

/* Producer, before sleeping for space (after twr_ring_publish(): the
 * consumer can only free what it was shown): ask the consumer to notify once
 * a record of @len payload bytes fits, then re-check. Returns true if the
 * caller must not sleep: the record fits now, can never fit (the next
 * twr_ring_reserve() says -EMSGSIZE) or the ring is broken (it says
 * -EPROTO); false if the caller may sleep until notified. */
bool twr_ring_space_wait_prepare(struct twr_ring *r, uint32_t len);

/* Consumer: the next record, with PAD records skipped. Returns 0, -EAGAIN if
 * none is published, -EPROTO if the peer broke the protocol. */
int twr_ring_peek(struct twr_ring *r, struct twr_rec *rec);

/* Consumer: done with the peeked record and every record read before it
 * (locally; the space is given back by twr_ring_release_publish()). */
void twr_ring_release(struct twr_ring *r);

/* Consumer: move past the peeked record but keep it (its payload stays
 * valid and unreused) until twr_ring_release_to() passes its end, which
 * this returns. The next twr_ring_peek() looks at the record after it. */
uint32_t twr_ring_advance(struct twr_ring *r);

/* Consumer: release, in order, every record read that ends at or before
 * @end, an index twr_ring_advance() returned (an @end outside what is read
 * and unreleased does nothing). */
void twr_ring_release_to(struct twr_ring *r, uint32_t end);

/* Consumer: give every released byte back to the producer. Returns true if
 * the producer asked to be notified (it waits for space). */
bool twr_ring_release_publish(struct twr_ring *r);

/* Consumer, before sleeping: ask for a notification on the next record and
 * re-check. Returns true if there is work (do not sleep). */
bool twr_ring_final_check(struct twr_ring *r);

/* The same, but notified only once the producer's index has moved @bytes
 * (1 .. the ring size; else 1) past what was read: event coalescing for a
 * consumer that knows at least that much is coming (the caller's promise:
 * otherwise it waits for records that never come). */
bool twr_ring_final_check_after(struct twr_ring *r, uint32_t bytes);

/* Consumer: published bytes not yet released (read or not), as last seen. */
uint32_t twr_ring_pending(const struct twr_ring *r);

/* Data bytes of the ring (a power of two). */
uint32_t twr_ring_size(const struct twr_ring *r);

/* Consumer, polling: true if the producer's shared index differs from the
 * one last validated, i.e. twr_ring_peek() may find a record. A hint only:
 * one untorn read, nothing validated, nothing ordered (twr_ring_peek() does
 * both), so a busy-wait loop can call it as often as it likes. */
bool twr_ring_peer_moved(const struct twr_ring *r);

/* Diagnostics: one line (no newline) with the shared indices as the peer
 * left them and this side's private view, at most @len bytes with the NUL:
 *   "prod P cons C prod_event PE cons_event CE seen S pvt V err E"
 * where seen/pvt are this side's copy of the peer's index and its own.
 * Returns the length written (truncated to fit), like scnprintf(). */
int twr_ring_format(const struct twr_ring *r, char *buf, size_t len);

/* Latch the ring broken because an upper layer found a record invalid.
 * @reason must be a static string. Returns -EPROTO. */
int twr_ring_mark_broken(struct twr_ring *r, const char *reason);

static inline bool twr_ring_broken(const struct twr_ring *r)
{
	return r->error != 0;
}

static inline const char *twr_ring_reason(const struct twr_ring *r)
{
	return r->reason ? r->reason : "ok";
}

#endif /* TWINRING_RINGBUF_H */
