// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the ring producer facing whatever the consumer's
 * domain writes into the shared cons and cons_event. The input is:
 *
 *   +0  u8   order      bit 0: data area of 4 KiB or 8 KiB
 *   +1  u8   reserved
 *   +2  u16  max_payload (taken modulo size - 7)
 *   +4  u32  start      the owner's initial index (aligned down to 8)
 *   +8  then operations of 8 bytes until the input ends (at most 256):
 *        u8 op; u8 arg; u16 len; u32 value
 *        op % 6: 0 reserve len, commit len - arg (write the whole payload)
 *                1 publish
 *                2 peer: cons = value
 *                3 peer: cons = last cons + (value & 0x3ff8)  (plausible)
 *                4 space_wait_prepare(len)
 *                5 peer: cons_event = value, prod_event = value >> 3
 *
 * Checks: every reservation lies inside the data area and inside the space
 * the last validated cons frees, the producer never has more than a ring in
 * flight, publishing never exceeds that either, and once broken (only on an
 * invalid cons) every call fails and nothing more is published.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "fuzz_area.h"

#define MAX_OPS	256u

static void check_broken_sticky(struct twr_ring *r, struct twr_ring_shared *sh)
{
	uint32_t prod = sh->prod;
	void *payload;

	FUZZ_CHECK(twr_ring_broken(r));
	FUZZ_CHECK(strcmp(twr_ring_reason(r), "ok") != 0);
	FUZZ_CHECK(twr_ring_reserve(r, 0, &payload) == -EPROTO);
	FUZZ_CHECK(!twr_ring_publish(r));
	FUZZ_CHECK(twr_ring_space_wait_prepare(r, 0));
	FUZZ_CHECK(sh->prod == prod);
}

int LLVMFuzzerTestOneInput(const uint8_t *in_data, size_t in_size)
{
	struct twr_fuzz_in in = { in_data, in_size };
	struct twr_ring_shared *sh;
	struct twr_ring r;
	uint32_t size, max_payload, start, i, len, value, before;
	uint8_t op, arg, *data, *p;
	void *payload;
	bool valid;
	int ret;

	size = twr_fuzz_u8(&in) & 1 ? 2 * TWR_PAGE_SIZE : TWR_PAGE_SIZE;
	(void)twr_fuzz_u8(&in);
	max_payload = twr_fuzz_u16(&in) % (size - 7);
	start = twr_fuzz_u32(&in) & ~(TWR_REC_ALIGN - 1);

	sh = twr_fuzz_shared();
	data = twr_fuzz_data(size);
	twr_ring_shared_init(sh, start);
	ret = twr_ring_attach(&r, TWR_RING_PRODUCER, sh, data, size, max_payload);
	FUZZ_CHECK(ret == 0);

	for (i = 0; i < MAX_OPS && in.left; i++) {
		op = twr_fuzz_u8(&in);
		arg = twr_fuzz_u8(&in);
		len = twr_fuzz_u16(&in);
		value = twr_fuzz_u32(&in);

		switch (op % 6) {
		case 0:
			before = r.cons_seen;
			/* Would the peer's current cons pass validation? */
			valid = !(sh->cons & 7) &&
				sh->cons - r.cons_seen <= r.prod_pub - r.cons_seen;
			ret = twr_ring_reserve(&r, len, &payload);
			if (ret == -EMSGSIZE) {
				FUZZ_CHECK(len > max_payload);
				break;
			}
			FUZZ_CHECK(len <= max_payload || ret == -EPROTO);
			if (ret == -EAGAIN) {
				FUZZ_CHECK(r.prod_pvt - r.cons_seen <= size);
				break;
			}
			if (ret == -EPROTO) {
				FUZZ_CHECK(!valid && r.cons_seen == before);
				check_broken_sticky(&r, sh);
				return 0;
			}
			FUZZ_CHECK(ret == 0);
			p = payload;
			FUZZ_CHECK(twr_fuzz_in_data(data, size, p - TWR_REC_HDR_SIZE,
						    TWR_REC_SPACE(len)));
			FUZZ_CHECK((uint32_t)(p - TWR_REC_HDR_SIZE - data) ==
				   (r.prod_pvt & (size - 1)));
			FUZZ_CHECK((uint32_t)(r.prod_pvt + (uint32_t)TWR_REC_SPACE(len) -
					      r.cons_seen) <= size);
			memset(p, arg, len);
			twr_ring_commit(&r, len > arg ? len - arg : 0, 1, arg);
			FUZZ_CHECK(r.prod_pvt - r.cons_seen <= size);
			break;
		case 1:
			twr_ring_publish(&r);
			FUZZ_CHECK(sh->prod == r.prod_pvt);
			FUZZ_CHECK(sh->prod - r.cons_seen <= size);
			break;
		case 2:
			sh->cons = value;
			break;
		case 3:
			sh->cons = sh->cons + (value & 0x3ff8);
			break;
		case 4:
			twr_ring_space_wait_prepare(&r, len);
			if (twr_ring_broken(&r)) {
				check_broken_sticky(&r, sh);
				return 0;
			}
			FUZZ_CHECK(r.prod_pvt - r.cons_seen <= size);
			break;
		case 5:
			sh->cons_event = value;
			sh->prod_event = value >> 3;
			break;
		}
	}
	return 0;
}
