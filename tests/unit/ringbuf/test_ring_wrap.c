// SPDX-License-Identifier: MIT
/*
 * Ring tests at the edges: full rings, -EMSGSIZE, records as large as the
 * ring at any offset, records ending at the wrap, PAD records, and the
 * wrap of the free-running indices at 2^32.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "ring_pair.h"
#include "ring_suites.h"

/* ---- full ring and size limits ---------------------------------------- */

static void test_fill_ring_exactly_full(void)
{
	void *payload;

	pair_setup(SZ, MAXP, 0);
	pair_fill_64();
	CU_ASSERT_EQUAL(twr_ring_space(&g_prod), 0);
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, 0, &payload), -EAGAIN);
	CU_ASSERT_FALSE(twr_ring_broken(&g_prod));
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(g_area.sh->prod - g_area.sh->cons, SZ);
	CU_ASSERT_EQUAL(pair_consume(56, 1, 0), 0);
	CU_ASSERT_EQUAL(twr_ring_pending(&g_cons), SZ - 64);
}

static void test_full_ring_frees_only_after_release_publish(void)
{
	void *payload;
	uint32_t i;

	pair_setup(SZ, MAXP, 0);
	pair_fill_64();
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(pair_consume(56, 1, 0), 0);
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, 56, &payload), -EAGAIN);
	twr_ring_release_publish(&g_cons);
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, 57, &payload), -EAGAIN);
	CU_ASSERT_EQUAL(pair_produce(56, 1, 64), 0);
	CU_ASSERT_EQUAL(twr_ring_space(&g_prod), 0);
	twr_ring_publish(&g_prod);
	for (i = 1; i <= 64; i++)
		CU_ASSERT_EQUAL(pair_consume(56, 1, i), 0);
}

static void test_reserve_too_big_is_emsgsize(void)
{
	void *payload = NULL;

	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, MAXP + 1, &payload), -EMSGSIZE);
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, 0xffffffffu, &payload), -EMSGSIZE);
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, 0xfffffff9u, &payload), -EMSGSIZE);
	CU_ASSERT_PTR_NULL(payload);
	CU_ASSERT_FALSE(twr_ring_broken(&g_prod));
	CU_ASSERT_EQUAL(pair_produce(MAXP, 1, 1), 0);
	/* -EMSGSIZE even when the ring is full: it can never fit. */
	while (pair_produce(56, 1, 2) == 0)
		;
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, 56, &payload), -EAGAIN);
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, MAXP + 1, &payload), -EMSGSIZE);
}

static void test_max_size_record_fills_ring(void)
{
	void *payload;

	pair_setup(SZ, SZ - 8, 0);
	CU_ASSERT_EQUAL(pair_produce(SZ - 8, 2, 1), 0);
	CU_ASSERT_EQUAL(twr_ring_space(&g_prod), 0);
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, 0, &payload), -EAGAIN);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(pair_consume(SZ - 8, 2, 1), 0);
	twr_ring_release_publish(&g_cons);
	CU_ASSERT_EQUAL(pair_produce(SZ - 8, 2, 2), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(pair_consume(SZ - 8, 2, 2), 0);
}

/* A record bigger than half the ring at an offset where padding plus
 * record exceed the ring: it must still go through once the ring drains. */
static void test_max_size_record_at_unaligned_offset(void)
{
	struct twr_rec rec;

	pair_setup(SZ, SZ - 8, 0);
	CU_ASSERT_EQUAL(pair_produce(0, 2, 1), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(pair_consume(0, 2, 1), 0);
	twr_ring_release_publish(&g_cons);

	/* The padding to the wrap fits and is written; the record waits. */
	CU_ASSERT_EQUAL(pair_produce(SZ - 8, 2, 2), -EAGAIN);
	CU_ASSERT_EQUAL(pair_hdr_at(8)->type, TWR_REC_PAD);
	CU_ASSERT_EQUAL(pair_hdr_at(8)->len, SZ - 16);
	CU_ASSERT_FALSE(twr_ring_space_wait_prepare(&g_prod, SZ - 8));
	CU_ASSERT_EQUAL(g_area.sh->cons_event, SZ);
	twr_ring_publish(&g_prod);
	/* The consumer skips the padding, finds nothing else, frees it. */
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &rec), -EAGAIN);
	CU_ASSERT_TRUE(twr_ring_release_publish(&g_cons));
	CU_ASSERT_EQUAL(pair_produce(SZ - 8, 2, 2), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(pair_consume(SZ - 8, 2, 2), 0);
	CU_ASSERT_FALSE(twr_ring_broken(&g_cons));
}

/* Records between half and the whole ring, one at a time: every one gets
 * through and none livelocks, whatever the offset. */
static void test_large_records_always_progress(void)
{
	uint64_t seed = 42;
	uint32_t seq, len, tries;
	int ret;

	pair_setup(SZ, 3000, 0);
	for (seq = 0; seq < 300; seq++) {
		len = 2049 + (uint32_t)(twr_test_rand(&seed) % (3000 - 2049 + 1));
		if (seq % 7 == 0)
			len = (uint32_t)(twr_test_rand(&seed) % 64);
		for (tries = 0; tries < 3; tries++) {
			ret = pair_produce(len, 3, seq);
			if (ret != -EAGAIN)
				break;
			twr_ring_publish(&g_prod);
			CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &(struct twr_rec){ 0 }), -EAGAIN);
			twr_ring_release_publish(&g_cons);
		}
		CU_ASSERT_EQUAL_FATAL(ret, 0);
		twr_ring_publish(&g_prod);
		CU_ASSERT_EQUAL_FATAL(pair_consume(len, 3, seq), 0);
		twr_ring_release_publish(&g_cons);
	}
}

/* ---- the wrap of the data area and of the indices ------------------- */

static void test_record_ending_exactly_at_wrap(void)
{
	struct twr_rec rec;

	pair_setup(SZ, MAXP, SZ - 64);
	CU_ASSERT_EQUAL(pair_produce(56, 1, 1), 0);	/* 64 bytes: ends at the wrap */
	CU_ASSERT_EQUAL(pair_produce(56, 1, 2), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(g_area.sh->prod, SZ - 64 + 128);
	CU_ASSERT_EQUAL(pair_hdr_at(SZ - 64)->type, 1);	/* no padding */
	CU_ASSERT_EQUAL_FATAL(twr_ring_peek(&g_cons, &rec), 0);
	CU_ASSERT_PTR_EQUAL(rec.data, g_area.data + SZ - 56);
	twr_ring_release(&g_cons);
	CU_ASSERT_EQUAL_FATAL(twr_ring_peek(&g_cons, &rec), 0);
	CU_ASSERT_PTR_EQUAL(rec.data, g_area.data + 8);
	CU_ASSERT_EQUAL(pair_consume(56, 1, 2), 0);
}

static void test_pad_record_fills_to_wrap(void)
{
	struct twr_rec rec;
	void *payload;

	pair_setup(SZ, MAXP, SZ - 32);
	memset(g_area.data, 0xff, SZ);
	CU_ASSERT_EQUAL_FATAL(twr_ring_reserve(&g_prod, 100, &payload), 0);
	CU_ASSERT_PTR_EQUAL(payload, g_area.data + 8);
	CU_ASSERT_EQUAL(pair_hdr_at(SZ - 32)->type, TWR_REC_PAD);
	CU_ASSERT_EQUAL(pair_hdr_at(SZ - 32)->len, 32 - 8);
	twr_ring_commit(&g_prod, 100, 1, 0);
	CU_ASSERT_EQUAL(twr_ring_space(&g_prod), SZ - 32 - REC(100));
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(g_area.sh->prod, SZ + REC(100));
	/* The consumer never returns the padding, and releases it too. */
	CU_ASSERT_EQUAL_FATAL(twr_ring_peek(&g_cons, &rec), 0);
	CU_ASSERT_PTR_EQUAL(rec.data, g_area.data + 8);
	CU_ASSERT_EQUAL(rec.type, 1);
	twr_ring_release(&g_cons);
	twr_ring_release_publish(&g_cons);
	CU_ASSERT_EQUAL(g_area.sh->cons, SZ + REC(100));
}

static void test_pad_record_of_header_only(void)
{
	pair_setup(SZ, MAXP, SZ - 8);
	CU_ASSERT_EQUAL(pair_produce(1, 1, 1), 0);
	CU_ASSERT_EQUAL(pair_hdr_at(SZ - 8)->type, TWR_REC_PAD);
	CU_ASSERT_EQUAL(pair_hdr_at(SZ - 8)->len, 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(pair_consume(1, 1, 1), 0);
	CU_ASSERT_FALSE(twr_ring_broken(&g_cons));
}

static void test_index_wrap_at_2_32(void)
{
	uint64_t seed = 7;
	uint32_t seq, len[64], n, i;
	const uint32_t start = 0xffffffc0u;

	pair_setup(SZ, MAXP, start);
	for (seq = 0; seq < 2000;) {
		for (n = 0; n < 64; n++, seq++) {
			len[n] = (uint32_t)(twr_test_rand(&seed) % 200);
			if (pair_produce(len[n], 1, seq))
				break;
		}
		twr_ring_publish(&g_prod);
		for (i = 0; i < n; i++)
			CU_ASSERT_EQUAL_FATAL(pair_consume(len[i], 1, seq - n + i), 0);
		twr_ring_release_publish(&g_cons);
	}
	/* The indices went through 2^32 and still agree. */
	CU_ASSERT_TRUE(g_area.sh->prod < start);
	CU_ASSERT_EQUAL(g_area.sh->prod, g_area.sh->cons);
	CU_ASSERT_FALSE(twr_ring_broken(&g_prod));
	CU_ASSERT_FALSE(twr_ring_broken(&g_cons));
}

static void test_full_ring_across_2_32(void)
{
	struct twr_ring late;
	uint32_t i;

	pair_setup(SZ, MAXP, 0xfffff800u);
	pair_fill_64();
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(g_area.sh->prod, 0x800u);
	CU_ASSERT_EQUAL(g_area.sh->cons, 0xfffff800u);
	/* prod < cons numerically, yet prod - cons == size: valid and full. */
	CU_ASSERT_EQUAL(twr_ring_attach(&late, TWR_RING_CONSUMER, g_area.sh, g_area.data, SZ, MAXP), 0);
	CU_ASSERT_EQUAL(twr_ring_pending(&late), SZ);
	for (i = 0; i < 64; i++)
		CU_ASSERT_EQUAL(pair_consume(56, 1, i), 0);
	twr_ring_release_publish(&g_cons);
	CU_ASSERT_EQUAL(g_area.sh->cons, 0x800u);
	CU_ASSERT_EQUAL(pair_produce(56, 1, 99), 0);
}

/* Seeded random traffic: random sizes, batch lengths and release points. */
static void test_random_traffic_in_order_and_intact(void)
{
	uint64_t seed = 0x5eed;
	uint32_t len[512], head = 0, tail = 0, produced = 0, consumed = 0;
	uint32_t n, l;
	int ret;

	pair_setup(2 * SZ, MAXP, (uint32_t)twr_test_rand(&seed) & ~7u);
	while (consumed < 20000) {
		n = (uint32_t)(twr_test_rand(&seed) % 16);
		while (n-- && produced - consumed < 512) {
			l = (uint32_t)(twr_test_rand(&seed) % (MAXP + 1));
			ret = pair_produce(l, 6, produced);
			if (ret == -EAGAIN)
				break;
			CU_ASSERT_EQUAL_FATAL(ret, 0);
			len[head++ % 512] = l;
			produced++;
		}
		twr_ring_publish(&g_prod);
		n = (uint32_t)(twr_test_rand(&seed) % 16);
		while (n-- && consumed < produced && consumed < 20000) {
			CU_ASSERT_EQUAL_FATAL(pair_consume(len[tail++ % 512], 6, consumed), 0);
			consumed++;
		}
		if (twr_test_rand(&seed) & 1)
			twr_ring_release_publish(&g_cons);
		if (produced == consumed)
			CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &(struct twr_rec){ 0 }), -EAGAIN);
	}
	CU_ASSERT_EQUAL(consumed, 20000);
}

/* ---------------------------------------------------------------------- */

static const struct twr_test_entry limit_tests[] = {
	TWR_TEST(test_fill_ring_exactly_full),
	TWR_TEST(test_full_ring_frees_only_after_release_publish),
	TWR_TEST(test_reserve_too_big_is_emsgsize),
	TWR_TEST(test_max_size_record_fills_ring),
	TWR_TEST(test_max_size_record_at_unaligned_offset),
	TWR_TEST(test_large_records_always_progress),
	{ NULL, NULL }
};

static const struct twr_test_entry wrap_tests[] = {
	TWR_TEST(test_record_ending_exactly_at_wrap),
	TWR_TEST(test_pad_record_fills_to_wrap),
	TWR_TEST(test_pad_record_of_header_only),
	TWR_TEST(test_index_wrap_at_2_32),
	TWR_TEST(test_full_ring_across_2_32),
	TWR_TEST(test_random_traffic_in_order_and_intact),
	{ NULL, NULL }
};

void twr_test_add_wrap_suites(void)
{
	twr_test_add_suite("ring_limits", limit_tests, pair_cleanup);
	twr_test_add_suite("ring_wrap", wrap_tests, pair_cleanup);
}
