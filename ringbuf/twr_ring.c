// SPDX-License-Identifier: MIT
/*
 * twinring ring library. One implementation for the kernel modules and user
 * space; see twr_ring.h for the contract and include/twinring/ring.h for the
 * wire format.
 *
 * The peer is hostile. Its indices are read once per refresh into a local
 * and validated before use; record headers are copied to the stack before
 * they are validated; nothing the peer writes can move this side's private
 * indices outside [what it published, what it published + size].
 *
 * Barrier pairs (A-D as in Linux tools/include/linux/ring_buffer.h):
 *   (A) producer: data and headers written, then store-release of prod
 *       in twr_ring_publish()  <->  (B) consumer: load-acquire of prod in
 *       twr_ring_refresh_prod(), then reads of headers and data.
 *   (C) consumer: reads of records done, then store-release of cons in
 *       twr_ring_release_publish()  <->  (D) producer: load-acquire of cons
 *       in twr_ring_refresh_cons(), then overwrites of the freed space.
 *   (E) full barriers between "publish my index" and "read the peer's event
 *       index" (twr_ring_publish(), twr_ring_release_publish()) pair with the
 *       full barriers between "write my event index" and "re-read the peer's
 *       index" (twr_ring_final_check(), twr_ring_space_wait_prepare()): at
 *       least one side sees the other's store, so no wake-up is lost.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <stdio.h>
#include <string.h>
#endif

#include "twr_barrier.h"
#include "twr_ring.h"

void twr_ring_shared_init(struct twr_ring_shared *sh, uint32_t start)
{
	memset(sh, 0, sizeof(*sh));
	sh->prod = start;
	sh->cons = start;
	/* cons_event == cons: the producer is not waiting for space. */
	sh->cons_event = start;
	/* The consumer wants to hear about the first record. */
	sh->prod_event = start + 1;
}

int twr_ring_mark_broken(struct twr_ring *r, const char *reason)
{
	if (!r->error) {
		r->error = -EPROTO;
		r->reason = reason;
	}
	return r->error;
}

static bool twr_is_pow2(uint32_t x)
{
	return x && !(x & (x - 1));
}

int twr_ring_attach(struct twr_ring *r, enum twr_ring_role role,
		    struct twr_ring_shared *sh, void *data, uint32_t size,
		    uint32_t max_payload)
{
	uint32_t prod, cons;

	memset(r, 0, sizeof(*r));
	if ((role != TWR_RING_PRODUCER && role != TWR_RING_CONSUMER) ||
	    !sh || !data || !twr_is_pow2(size) ||
	    size < (TWR_PAGE_SIZE << TWR_RING_ORDER_MIN) ||
	    size > (TWR_PAGE_SIZE << TWR_RING_ORDER_MAX) ||
	    TWR_REC_SPACE(max_payload) > size)
		return -EINVAL;

	r->sh = sh;
	r->data = data;
	r->size = size;
	r->mask = size - 1;
	r->max_payload = max_payload;
	r->role = role;

	/* One read of each shared index; the private copies rule from now on. */
	prod = twr_load_acquire(&sh->prod);
	cons = twr_load_acquire(&sh->cons);
	if ((prod | cons) & (TWR_REC_ALIGN - 1) || prod - cons > size)
		return twr_ring_mark_broken(r, "inconsistent indices at attach");

	if (role == TWR_RING_PRODUCER) {
		r->prod_pvt = prod;
		r->prod_pub = prod;
		r->cons_seen = cons;
	} else {
		r->cons_pvt = cons;
		r->cons_rd = cons;
		r->cons_rec = cons;
		r->cons_pub = cons;
		r->prod_seen = prod;
	}
	return 0;
}

/* Producer: read the consumer's index once and accept it only if it moved
 * forward within what we published. */
static int twr_ring_refresh_cons(struct twr_ring *r)
{
	/* (D) pairs with the release (C) in twr_ring_release_publish(). */
	uint32_t cons = twr_load_acquire(&r->sh->cons);

	if (cons & (TWR_REC_ALIGN - 1) ||
	    cons - r->cons_seen > r->prod_pub - r->cons_seen)
		return twr_ring_mark_broken(r, "consumer index out of range");
	r->cons_seen = cons;
	return 0;
}

/* Producer: total ring bytes (padding included) a record of @len needs at
 * the current position, or 0 if it can never fit. */
static uint32_t twr_ring_need(const struct twr_ring *r, uint32_t len,
			      uint32_t *pad)
{
	uint64_t space = TWR_REC_SPACE(len);
	uint32_t contig = r->size - (r->prod_pvt & r->mask);

	if (len > r->max_payload || space > r->size)
		return 0;
	*pad = space > contig ? contig : 0;
	return (uint32_t)space + *pad;
}

uint32_t twr_ring_size(const struct twr_ring *r)
{
	return r->size;
}

bool twr_ring_peer_moved(const struct twr_ring *r)
{
	/* No ordering: twr_ring_peek() re-reads prod with (B) before use. */
	return twr_read_once(&r->sh->prod) != r->prod_seen;
}

int twr_ring_format(const struct twr_ring *r, char *buf, size_t len)
{
	bool prod = r->role == TWR_RING_PRODUCER;
	int n;

	if (!len)
		return 0;
	if (!r->sh) {
		n = snprintf(buf, len, "detached");
	} else {
		/* Peer-writable words, read once each for display only. */
		n = snprintf(buf, len,
			     "prod %u cons %u prod_event %u cons_event %u seen %u pvt %u err %d",
			     (unsigned int)twr_read_once(&r->sh->prod),
			     (unsigned int)twr_read_once(&r->sh->cons),
			     (unsigned int)twr_read_once(&r->sh->prod_event),
			     (unsigned int)twr_read_once(&r->sh->cons_event),
			     (unsigned int)(prod ? r->cons_seen : r->prod_seen),
			     (unsigned int)(prod ? r->prod_pvt : r->cons_pvt),
			     r->error);
	}
	if (n < 0)
		return 0;
	return (size_t)n < len ? n : (int)(len - 1);
}

uint32_t twr_ring_space(const struct twr_ring *r)
{
	return r->size - (r->prod_pvt - r->cons_seen);
}

int twr_ring_reserve(struct twr_ring *r, uint32_t len, void **payload)
{
	struct twr_rec_hdr pad_hdr = { .type = TWR_REC_PAD };
	uint32_t need, pad;
	int ret;

	if (r->error)
		return r->error;
	need = twr_ring_need(r, len, &pad);
	if (!need)
		return -EMSGSIZE;
	if (need > twr_ring_space(r)) {
		ret = twr_ring_refresh_cons(r);
		if (ret)
			return ret;
	}
	/*
	 * Write the padding to the wrap as soon as it fits, even if the record
	 * does not fit yet: padding plus record can exceed the whole ring (a
	 * record over half the ring at an unlucky offset), and waiting for
	 * room for both would wait forever.
	 */
	if (pad && pad <= twr_ring_space(r)) {
		pad_hdr.len = pad - TWR_REC_HDR_SIZE;
		memcpy(r->data + (r->prod_pvt & r->mask), &pad_hdr,
		       sizeof(pad_hdr));
		r->prod_pvt += pad;
		need -= pad;
	}
	if (need > twr_ring_space(r))
		return -EAGAIN;
	r->resv_len = len;
	*payload = r->data + (r->prod_pvt & r->mask) + TWR_REC_HDR_SIZE;
	return 0;
}

void twr_ring_commit(struct twr_ring *r, uint32_t len, uint16_t type,
		     uint16_t flags)
{
	struct twr_rec_hdr hdr = { .len = len, .type = type, .flags = flags };
	uint8_t *rec = r->data + (r->prod_pvt & r->mask);
	uint32_t space, tail;

	if (len > r->resv_len)	/* caller bug: never write past the reservation */
		len = hdr.len = r->resv_len;
	space = (uint32_t)TWR_REC_SPACE(len);
	memcpy(rec, &hdr, sizeof(hdr));
	/*
	 * Zero the tail padding: nothing but I/O data in shared pages. Most
	 * records have none (64 B, 4 KiB, 64 KiB payloads); skipping the
	 * out-of-line memset() call for them is worth ~10-20% of the
	 * small-record rate (bench/ringbench, docs/ringbench.md).
	 */
	tail = space - TWR_REC_HDR_SIZE - len;
	if (tail)
		memset(rec + TWR_REC_HDR_SIZE + len, 0, tail);
	r->prod_pvt += space;
	r->resv_len = 0;
}

/* Did moving an index from @old to @new pass the peer's event index @ev?
 * Wrap-safe: true iff ev is in (old, new]. */
static bool twr_need_notify(uint32_t old, uint32_t new, uint32_t ev)
{
	return (uint32_t)(new - ev) < (uint32_t)(new - old);
}

uint32_t twr_ring_commit_end(const struct twr_ring *r)
{
	return r->prod_pvt;
}

bool twr_ring_publish_to(struct twr_ring *r, uint32_t end)
{
	uint32_t old = r->prod_pub;

	if (r->error || end == old ||
	    (uint32_t)(end - old) > (uint32_t)(r->prod_pvt - old))
		return false;
	/* (A) pairs with the acquire (B) in twr_ring_refresh_prod(). */
	twr_store_release(&r->sh->prod, end);
	r->prod_pub = end;
	/* (E) prod store before prod_event load; pairs with the twr_mb() in
	 * twr_ring_final_check(). */
	twr_mb();
	return twr_need_notify(old, end, twr_read_once(&r->sh->prod_event));
}

bool twr_ring_publish(struct twr_ring *r)
{
	return twr_ring_publish_to(r, r->prod_pvt);
}

bool twr_ring_space_wait_prepare(struct twr_ring *r, uint32_t len)
{
	uint32_t need, pad;

	if (r->error)
		return true;
	need = twr_ring_need(r, len, &pad);
	if (!need)
		return true;	/* can never fit: let the caller see -EMSGSIZE */
	/* Padding plus record larger than the ring: wait for room for the
	 * padding alone; twr_ring_reserve() writes it, then the caller
	 * publishes it and waits again for the record. */
	if (need > r->size)
		need = pad;
	if (need <= twr_ring_space(r))
		return true;
	/* Wake me once cons reaches the point where @need bytes are free. */
	twr_write_once(&r->sh->cons_event, r->prod_pvt + need - r->size);
	/* (E) cons_event store before cons load; pairs with the twr_mb() in
	 * twr_ring_release_publish(). */
	twr_mb();
	if (twr_ring_refresh_cons(r))
		return true;
	return need <= twr_ring_space(r);
}

/* Consumer: read the producer's index once and accept it only if it did not
 * go backwards and leaves no more than size bytes unreleased. */
static int twr_ring_refresh_prod(struct twr_ring *r)
{
	/* (B) pairs with the release (A) in twr_ring_publish(). */
	uint32_t prod = twr_load_acquire(&r->sh->prod);

	if (prod & (TWR_REC_ALIGN - 1) || prod - r->cons_pub > r->size ||
	    prod - r->cons_pub < r->prod_seen - r->cons_pub)
		return twr_ring_mark_broken(r, "producer index out of range");
	r->prod_seen = prod;
	return 0;
}

uint32_t twr_ring_pending(const struct twr_ring *r)
{
	return r->prod_seen - r->cons_pvt;
}

int twr_ring_peek(struct twr_ring *r, struct twr_rec *rec)
{
	struct twr_rec_hdr hdr;
	uint32_t avail, off, contig;
	uint64_t space;
	int ret;

	if (r->error)
		return r->error;
	for (;;) {
		avail = r->prod_seen - r->cons_rd;
		if (!avail) {
			ret = twr_ring_refresh_prod(r);
			if (ret)
				return ret;
			avail = r->prod_seen - r->cons_rd;
			if (!avail)
				return -EAGAIN;
		}
		off = r->cons_rd & r->mask;
		contig = r->size - off;
		/* avail and off are multiples of 8: a header always fits. */
		twr_copy_shared(&hdr, r->data + off, sizeof(hdr));
		if (hdr.type != TWR_REC_PAD)
			break;
		if (hdr.len != contig - TWR_REC_HDR_SIZE)
			return twr_ring_mark_broken(r, "padding record does not end at the wrap");
		if (contig > avail)
			return twr_ring_mark_broken(r, "padding record beyond producer index");
		/*
		 * A producer pads only when the record it reserves does not
		 * fit before the wrap, so an honest padding is shorter than
		 * the largest record and never follows another one. Without
		 * this, padding laps (a whole ring of padding each time the
		 * consumer frees one) keep a consumer looping without ever
		 * seeing a record.
		 */
		if (contig >= TWR_REC_SPACE(r->max_payload))
			return twr_ring_mark_broken(r, "padding where a record would fit");
		/* Padding carries nothing: it goes with the record before
		 * it, released now if that one is. */
		r->cons_rd += contig;
		if (r->cons_pvt == r->cons_rec)
			r->cons_pvt = r->cons_rd;
	}

	if (hdr.len > r->max_payload)
		return twr_ring_mark_broken(r, "record longer than the protocol maximum");
	space = TWR_REC_SPACE(hdr.len);
	if (space > contig)
		return twr_ring_mark_broken(r, "record straddles the end of the ring");
	if (space > avail)
		return twr_ring_mark_broken(r, "record beyond producer index");

	r->peek_space = (uint32_t)space;
	rec->data = r->data + off + TWR_REC_HDR_SIZE;
	rec->len = hdr.len;
	rec->type = hdr.type;
	rec->flags = hdr.flags;
	return 0;
}

uint32_t twr_ring_advance(struct twr_ring *r)
{
	r->cons_rd += r->peek_space;
	r->cons_rec = r->cons_rd;
	r->peek_space = 0;
	return r->cons_rd;
}

void twr_ring_release_to(struct twr_ring *r, uint32_t end)
{
	if ((uint32_t)(end - r->cons_pvt) > (uint32_t)(r->cons_rd - r->cons_pvt))
		return;
	/* The last record read takes the padding skipped after it along. */
	r->cons_pvt = end == r->cons_rec ? r->cons_rd : end;
}

void twr_ring_release(struct twr_ring *r)
{
	twr_ring_release_to(r, twr_ring_advance(r));
}

bool twr_ring_release_publish(struct twr_ring *r)
{
	uint32_t old = r->cons_pub, new = r->cons_pvt;

	if (r->error || old == new)
		return false;
	/* (C) pairs with the acquire (D) in twr_ring_refresh_cons(). */
	twr_store_release(&r->sh->cons, new);
	r->cons_pub = new;
	/* (E) cons store before cons_event load; pairs with the twr_mb() in
	 * twr_ring_space_wait_prepare(). */
	twr_mb();
	return twr_need_notify(old, new, twr_read_once(&r->sh->cons_event));
}

bool twr_ring_final_check_after(struct twr_ring *r, uint32_t bytes)
{
	if (r->error)
		return true;
	if (r->prod_seen != r->cons_rd)
		return true;
	if (!bytes || bytes > r->size)
		bytes = 1;
	twr_write_once(&r->sh->prod_event, r->cons_rd + bytes);
	/* (E) prod_event store before prod load; pairs with the twr_mb() in
	 * twr_ring_publish_to(). */
	twr_mb();
	if (twr_ring_refresh_prod(r))
		return true;
	return r->prod_seen != r->cons_rd;
}

bool twr_ring_final_check(struct twr_ring *r)
{
	return twr_ring_final_check_after(r, 1);
}
