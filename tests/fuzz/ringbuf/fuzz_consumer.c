// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the ring consumer facing whatever the producer's domain
 * writes. The input is the peer's side of the shared memory:
 *
 *   +0  u8   order      bit 0: data area of 4 KiB or 8 KiB
 *   +1  u8   nsteps     peer steps that follow (at most 64)
 *   +2  u16  max_payload (taken modulo size - 7)
 *   +4  u32  cons       the shared cons at attach (the owner's start)
 *   +8  u32  prod       the shared prod at attach
 *   +12 u32  reserved
 *   +16 nsteps x 8 bytes, one peer step each:
 *        u32 value; u16 poke offset; u8 poke byte; u8 op
 *        op bits 0-1: prod unchanged / = value / = cons at attach + value /
 *                     += value & 0x1fff
 *        op bit 2:    data[poke offset] = poke byte (the peer scribbles)
 *        op bit 3:    give space back after every record, not per step
 *        op bit 4:    call the final check when the ring looks empty
 *   then the data area image, laid out from the ring offset of cons on
 *   (wrapping), zero where the input ends.
 *
 * After each step the consumer peeks and releases until -EAGAIN or an error
 * and checks: every record lies fully inside the data area, len <=
 * max_payload, no PAD record is returned, nothing is consumed beyond a
 * validated prod, and a broken ring stays broken (-EPROTO, a reason, no
 * more index updates).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "fuzz_area.h"

#define MAX_STEPS	64u

struct fuzz_step {
	uint32_t value;
	uint16_t poke_off;
	uint8_t poke_val;
	uint8_t op;
};

/* A broken ring must answer -EPROTO forever and touch nothing shared. */
static void check_broken_sticky(struct twr_ring *r, struct twr_ring_shared *sh)
{
	uint32_t cons = sh->cons, prod_event = sh->prod_event;
	struct twr_rec rec;

	FUZZ_CHECK(twr_ring_broken(r));
	FUZZ_CHECK(strcmp(twr_ring_reason(r), "ok") != 0);
	FUZZ_CHECK(twr_ring_peek(r, &rec) == -EPROTO);
	twr_ring_release(r);
	FUZZ_CHECK(!twr_ring_release_publish(r));
	FUZZ_CHECK(twr_ring_final_check(r));
	FUZZ_CHECK(sh->cons == cons && sh->prod_event == prod_event);
}

/* Consume until empty or broken; returns the last peek result. */
static int drain(struct twr_ring *r, const uint8_t *data, uint32_t size,
		 uint32_t max_payload, bool publish_each)
{
	struct twr_rec rec;
	volatile uint8_t sink = 0;
	uint32_t i;
	int ret;

	while ((ret = twr_ring_peek(r, &rec)) == 0) {
		FUZZ_CHECK(twr_fuzz_in_data(data, size, rec.data, rec.len));
		FUZZ_CHECK(((const uint8_t *)rec.data - data) % TWR_REC_ALIGN ==
			   TWR_REC_HDR_SIZE % TWR_REC_ALIGN);
		FUZZ_CHECK(rec.len <= max_payload);
		FUZZ_CHECK(rec.type != TWR_REC_PAD);
		/* Use the payload the way a backend would: all of it. */
		for (i = 0; i < rec.len; i++)
			sink ^= ((const uint8_t *)rec.data)[i];
		twr_ring_release(r);
		FUZZ_CHECK(r->cons_pvt - r->cons_pub <= r->prod_seen - r->cons_pub);
		FUZZ_CHECK(r->prod_seen - r->cons_pub <= size);
		if (publish_each)
			twr_ring_release_publish(r);
	}
	(void)sink;
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *in_data, size_t in_size)
{
	struct twr_fuzz_in in = { in_data, in_size };
	struct fuzz_step steps[MAX_STEPS];
	struct twr_ring_shared *sh;
	struct twr_ring r;
	uint32_t size, max_payload, cons, prod, nsteps, i, off;
	uint8_t *data;
	int ret;

	size = twr_fuzz_u8(&in) & 1 ? 2 * TWR_PAGE_SIZE : TWR_PAGE_SIZE;
	nsteps = twr_fuzz_u8(&in) % (MAX_STEPS + 1);
	max_payload = twr_fuzz_u16(&in) % (size - 7);
	cons = twr_fuzz_u32(&in);
	prod = twr_fuzz_u32(&in);
	(void)twr_fuzz_u32(&in);
	for (i = 0; i < nsteps; i++) {
		steps[i].value = twr_fuzz_u32(&in);
		steps[i].poke_off = twr_fuzz_u16(&in);
		steps[i].poke_val = twr_fuzz_u8(&in);
		steps[i].op = twr_fuzz_u8(&in);
	}

	sh = twr_fuzz_shared();
	data = twr_fuzz_data(size);
	for (off = cons; in.left && off - cons < size; off++)
		data[off & (size - 1)] = twr_fuzz_u8(&in);
	twr_ring_shared_init(sh, 0);
	sh->cons = cons;
	sh->prod = prod;

	ret = twr_ring_attach(&r, TWR_RING_CONSUMER, sh, data, size, max_payload);
	if (ret) {
		FUZZ_CHECK(ret == -EPROTO);
		check_broken_sticky(&r, sh);
		return 0;
	}
	for (i = 0; i <= nsteps; i++) {
		const struct fuzz_step *s = i ? &steps[i - 1] : NULL;
		uint8_t op = s ? s->op : 0;

		if (s) {
			switch (op & 3) {
			case 1: sh->prod = s->value; break;
			case 2: sh->prod = cons + s->value; break;
			case 3: sh->prod += s->value & 0x1fff; break;
			}
			if (op & 4)
				data[s->poke_off & (size - 1)] = s->poke_val;
		}
		ret = drain(&r, data, size, max_payload, op & 8);
		if (ret == -EAGAIN) {
			twr_ring_release_publish(&r);
			FUZZ_CHECK(sh->cons == r.cons_pvt);
			if (op & 16 && twr_ring_final_check(&r))
				ret = drain(&r, data, size, max_payload, false);
		}
		if (ret == -EPROTO) {
			check_broken_sticky(&r, sh);
			return 0;
		}
		FUZZ_CHECK(ret == -EAGAIN);
		FUZZ_CHECK(!twr_ring_broken(&r));
	}
	return 0;
}
