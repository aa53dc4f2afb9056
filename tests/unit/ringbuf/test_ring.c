// SPDX-License-Identifier: MIT
/*
 * CUnit tests of the ring library with a well-behaved peer (ring_pair.h):
 * attach, reserve/commit/publish, peek/release/release_publish and the
 * broken latch. The wrap and limit suites are in test_ring_wrap.c, the
 * notification suite in test_ring_notify.c, several records in use at once
 * in test_ring_async.c; main() here runs them all.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "ring_pair.h"
#include "ring_suites.h"

/* ---- attach ---------------------------------------------------------- */

static void test_attach_rejects_null_pointers(void)
{
	struct twr_ring r;

	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_CONSUMER, NULL, g_area.data, SZ, MAXP), -EINVAL);
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_PRODUCER, g_area.sh, NULL, SZ, MAXP), -EINVAL);
	CU_ASSERT_FALSE(twr_ring_broken(&r));
}

static void test_attach_rejects_bad_size(void)
{
	struct twr_ring r;

	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_CONSUMER, g_area.sh, g_area.data, 0, MAXP), -EINVAL);
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_CONSUMER, g_area.sh, g_area.data, 3 * 4096, MAXP), -EINVAL);
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_CONSUMER, g_area.sh, g_area.data, 2048, MAXP), -EINVAL);
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_CONSUMER, g_area.sh, g_area.data, 8u << 20, MAXP), -EINVAL);
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_CONSUMER, g_area.sh, g_area.data, 0x80000000u, MAXP), -EINVAL);
}

static void test_attach_rejects_oversized_max_payload(void)
{
	struct twr_ring r;

	pair_setup(SZ, MAXP, 0);
	/* A record must fit the ring: header + payload <= size. */
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_PRODUCER, g_area.sh, g_area.data, SZ, SZ - 7), -EINVAL);
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_PRODUCER, g_area.sh, g_area.data, SZ, 0xffffffffu), -EINVAL);
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_PRODUCER, g_area.sh, g_area.data, SZ, SZ - 8), 0);
}

static void test_attach_rejects_unknown_role(void)
{
	struct twr_ring r;

	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(twr_ring_attach(&r, (enum twr_ring_role)2, g_area.sh, g_area.data, SZ, MAXP), -EINVAL);
	CU_ASSERT_EQUAL(twr_ring_attach(&r, (enum twr_ring_role)-1, g_area.sh, g_area.data, SZ, MAXP), -EINVAL);
}

static void test_attach_accepts_size_limits(void)
{
	struct twr_ring r;
	const uint32_t max = TWR_PAGE_SIZE << TWR_RING_ORDER_MAX;

	pair_setup(max, max - 8, 0);
	CU_ASSERT_EQUAL(g_prod.size, max);
	CU_ASSERT_EQUAL(g_prod.mask, max - 1);
	CU_ASSERT_EQUAL(pair_produce(max - 8, 9, 1), 0);
	CU_ASSERT_TRUE(twr_ring_publish(&g_prod));
	CU_ASSERT_EQUAL(pair_consume(max - 8, 9, 1), 0);
	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_CONSUMER, g_area.sh, g_area.data, TWR_PAGE_SIZE, 0), 0);
}

static void test_attach_inconsistent_indices_is_broken(void)
{
	struct twr_ring r;

	pair_setup(SZ, MAXP, 0x100);
	g_area.sh->prod = 0x104;	/* misaligned */
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_CONSUMER, g_area.sh, g_area.data, SZ, MAXP), -EPROTO);
	CU_ASSERT_TRUE(twr_ring_broken(&r));
	CU_ASSERT_STRING_NOT_EQUAL(twr_ring_reason(&r), "ok");
	CU_ASSERT_EQUAL(twr_ring_peek(&r, &(struct twr_rec){ 0 }), -EPROTO);

	g_area.sh->prod = 0x100 + SZ + 8;	/* more than a ring of data */
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_PRODUCER, g_area.sh, g_area.data, SZ, MAXP), -EPROTO);
	g_area.sh->prod = 0xf8;		/* behind cons */
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_CONSUMER, g_area.sh, g_area.data, SZ, MAXP), -EPROTO);
	g_area.sh->prod = 0x100 + SZ;	/* exactly full is fine */
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_CONSUMER, g_area.sh, g_area.data, SZ, MAXP), 0);
	CU_ASSERT_FALSE(twr_ring_broken(&r));
	CU_ASSERT_STRING_EQUAL(twr_ring_reason(&r), "ok");
}

static void test_shared_init_sets_indices(void)
{
	struct twr_ring_shared sh;
	const uint8_t zero[56] = { 0 };

	memset(&sh, 0xa5, sizeof(sh));
	twr_ring_shared_init(&sh, 0xfffffff8u);
	CU_ASSERT_EQUAL(sh.prod, 0xfffffff8u);
	CU_ASSERT_EQUAL(sh.cons, 0xfffffff8u);
	CU_ASSERT_EQUAL(sh.cons_event, 0xfffffff8u);
	CU_ASSERT_EQUAL(sh.prod_event, 0xfffffff9u);
	CU_ASSERT_EQUAL(memcmp(sh.reserved0, zero, sizeof(zero)), 0);
	CU_ASSERT_EQUAL(memcmp(sh.reserved1, zero, sizeof(zero)), 0);
}

static void test_attach_adopts_current_indices(void)
{
	struct twr_ring r;
	struct twr_rec rec;

	pair_setup(SZ, MAXP, 0x1000);
	CU_ASSERT_EQUAL(pair_produce(100, 3, 5), 0);
	twr_ring_publish(&g_prod);
	/* A late consumer starts where the shared cons is and sees the record. */
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_CONSUMER, g_area.sh, g_area.data, SZ, MAXP), 0);
	CU_ASSERT_EQUAL(twr_ring_pending(&r), REC(100));
	CU_ASSERT_EQUAL(twr_ring_peek(&r, &rec), 0);
	CU_ASSERT_EQUAL(rec.len, 100);
	/* A re-attached producer continues after what was published. */
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_PRODUCER, g_area.sh, g_area.data, SZ, MAXP), 0);
	CU_ASSERT_EQUAL(twr_ring_space(&r), SZ - REC(100));
}

/* ---- produce / consume ----------------------------------------------- */

static void test_peek_empty_ring_is_eagain(void)
{
	struct twr_rec rec;

	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &rec), -EAGAIN);
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &rec), -EAGAIN);
	CU_ASSERT_FALSE(twr_ring_broken(&g_cons));
	CU_ASSERT_EQUAL(twr_ring_pending(&g_cons), 0);
	CU_ASSERT_FALSE(twr_ring_release_publish(&g_cons));
}

static void test_commit_invisible_until_publish(void)
{
	struct twr_rec rec;

	pair_setup(SZ, MAXP, 0x40);
	CU_ASSERT_EQUAL(pair_produce(10, 4, 1), 0);
	CU_ASSERT_EQUAL(pair_produce(20, 4, 2), 0);
	CU_ASSERT_EQUAL(g_area.sh->prod, 0x40);
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &rec), -EAGAIN);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(g_area.sh->prod, 0x40 + REC(10) + REC(20));
	CU_ASSERT_EQUAL(pair_consume(10, 4, 1), 0);
	CU_ASSERT_EQUAL(pair_consume(20, 4, 2), 0);
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &rec), -EAGAIN);
}

static void test_record_roundtrip_keeps_fields(void)
{
	struct twr_rec rec;
	void *payload;

	pair_setup(SZ, MAXP, 0x88);
	CU_ASSERT_EQUAL_FATAL(twr_ring_reserve(&g_prod, 100, &payload), 0);
	CU_ASSERT_PTR_EQUAL(payload, g_area.data + 0x88 + TWR_REC_HDR_SIZE);
	memset(payload, 0x5c, 100);
	twr_ring_commit(&g_prod, 100, 0x1234, 0xbeef);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(pair_hdr_at(0x88)->len, 100);
	CU_ASSERT_EQUAL(pair_hdr_at(0x88)->type, 0x1234);
	CU_ASSERT_EQUAL(pair_hdr_at(0x88)->flags, 0xbeef);
	CU_ASSERT_EQUAL_FATAL(twr_ring_peek(&g_cons, &rec), 0);
	CU_ASSERT_PTR_EQUAL(rec.data, payload);
	CU_ASSERT_EQUAL(rec.len, 100);
	CU_ASSERT_EQUAL(rec.type, 0x1234);
	CU_ASSERT_EQUAL(rec.flags, 0xbeef);
	CU_ASSERT_EQUAL(((const uint8_t *)rec.data)[99], 0x5c);
}

static void test_publish_without_commit_is_noop(void)
{
	void *payload;

	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, 64, &payload), 0);
	/* An open reservation is not a record. */
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));
	CU_ASSERT_EQUAL(g_area.sh->prod, 0);
}

static void test_release_publish_gives_space_back(void)
{
	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(pair_produce(56, 1, 1), 0);
	CU_ASSERT_EQUAL(pair_produce(56, 1, 2), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(pair_consume(56, 1, 1), 0);
	CU_ASSERT_EQUAL(pair_consume(56, 1, 2), 0);
	/* Released locally only: the producer cannot see it yet. */
	CU_ASSERT_EQUAL(g_area.sh->cons, 0);
	twr_ring_release_publish(&g_cons);
	CU_ASSERT_EQUAL(g_area.sh->cons, 128);
	CU_ASSERT_FALSE(twr_ring_release_publish(&g_cons));
	CU_ASSERT_EQUAL(g_area.sh->cons, 128);
}

static void test_peek_twice_returns_same_record(void)
{
	struct twr_rec a, b;

	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(pair_produce(30, 2, 1), 0);
	CU_ASSERT_EQUAL(pair_produce(40, 2, 2), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &a), 0);
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &b), 0);
	CU_ASSERT_PTR_EQUAL(a.data, b.data);
	CU_ASSERT_EQUAL(b.len, 30);
	twr_ring_release(&g_cons);
	CU_ASSERT_EQUAL(pair_consume(40, 2, 2), 0);
}

static void test_release_without_peek_is_noop(void)
{
	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(pair_produce(30, 2, 1), 0);
	twr_ring_publish(&g_prod);
	twr_ring_release(&g_cons);
	CU_ASSERT_EQUAL(pair_consume(30, 2, 1), 0);
	/* A second release of the same peek must not skip anything. */
	twr_ring_release(&g_cons);
	CU_ASSERT_EQUAL(twr_ring_pending(&g_cons), 0);
	twr_ring_release_publish(&g_cons);
	CU_ASSERT_EQUAL(g_area.sh->cons, REC(30));
}

static void test_commit_shorter_than_reserved(void)
{
	void *payload;
	struct twr_rec rec;

	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL_FATAL(twr_ring_reserve(&g_prod, 500, &payload), 0);
	memcpy(payload, "0123456789", 10);
	twr_ring_commit(&g_prod, 10, 5, 0);
	CU_ASSERT_EQUAL(twr_ring_space(&g_prod), SZ - REC(10));
	CU_ASSERT_EQUAL(pair_produce(1, 5, 7), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(g_area.sh->prod, REC(10) + REC(1));
	CU_ASSERT_EQUAL_FATAL(twr_ring_peek(&g_cons, &rec), 0);
	CU_ASSERT_EQUAL(rec.len, 10);
	CU_ASSERT_EQUAL(memcmp(rec.data, "0123456789", 10), 0);
	twr_ring_release(&g_cons);
	CU_ASSERT_EQUAL(pair_consume(1, 5, 7), 0);
}

static void test_commit_longer_than_reserved_is_clamped(void)
{
	void *payload;
	struct twr_rec rec;

	pair_setup(SZ, MAXP, 0);
	memset(g_area.data, 0xee, SZ);
	CU_ASSERT_EQUAL_FATAL(twr_ring_reserve(&g_prod, 16, &payload), 0);
	twr_ring_commit(&g_prod, 100, 5, 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(g_area.sh->prod, REC(16));
	CU_ASSERT_EQUAL(g_area.data[REC(16)], 0xee);	/* nothing written past */
	CU_ASSERT_EQUAL_FATAL(twr_ring_peek(&g_cons, &rec), 0);
	CU_ASSERT_EQUAL(rec.len, 16);
}

static void test_commit_zeroes_padding(void)
{
	void *payload;
	uint32_t i;

	pair_setup(SZ, MAXP, 0);
	memset(g_area.data, 0xaa, SZ);
	CU_ASSERT_EQUAL_FATAL(twr_ring_reserve(&g_prod, 13, &payload), 0);
	memset(payload, 0x11, 13);
	twr_ring_commit(&g_prod, 13, 5, 0);
	for (i = 8 + 13; i < REC(13); i++)
		CU_ASSERT_EQUAL(g_area.data[i], 0);
	CU_ASSERT_EQUAL(g_area.data[8 + 12], 0x11);
	CU_ASSERT_EQUAL(g_area.data[REC(13)], 0xaa);
	/* The same when a longer reservation is committed short. */
	CU_ASSERT_EQUAL_FATAL(twr_ring_reserve(&g_prod, 200, &payload), 0);
	memset(payload, 0x22, 200);
	twr_ring_commit(&g_prod, 1, 5, 0);
	for (i = REC(13) + 9; i < REC(13) + REC(1); i++)
		CU_ASSERT_EQUAL(g_area.data[i], 0);
}

static void test_zero_length_record(void)
{
	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(pair_produce(0, 8, 3), 0);
	CU_ASSERT_EQUAL(pair_produce(0, 8, 4), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(g_area.sh->prod, 2 * TWR_REC_HDR_SIZE);
	CU_ASSERT_EQUAL(pair_consume(0, 8, 3), 0);
	CU_ASSERT_EQUAL(pair_consume(0, 8, 4), 0);
}

static void test_pending_tracks_published_bytes(void)
{
	struct twr_rec rec;

	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(pair_produce(100, 1, 1), 0);
	CU_ASSERT_EQUAL(pair_produce(0, 1, 2), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(twr_ring_pending(&g_cons), 0);	/* not looked yet */
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &rec), 0);
	CU_ASSERT_EQUAL(twr_ring_pending(&g_cons), REC(100) + REC(0));
	twr_ring_release(&g_cons);
	CU_ASSERT_EQUAL(twr_ring_pending(&g_cons), REC(0));
}

static void test_space_counts_committed_bytes(void)
{
	void *payload;

	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(twr_ring_space(&g_prod), SZ);
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, 100, &payload), 0);
	CU_ASSERT_EQUAL(twr_ring_space(&g_prod), SZ);	/* reservation is not use */
	twr_ring_commit(&g_prod, 100, 1, 0);
	CU_ASSERT_EQUAL(twr_ring_space(&g_prod), SZ - REC(100));
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(twr_ring_space(&g_prod), SZ - REC(100));
}

static void test_records_keep_order(void)
{
	uint32_t i;

	pair_setup(SZ, MAXP, 0);
	for (i = 0; i < 20; i++)
		CU_ASSERT_EQUAL(pair_produce(i * 9, 1, i), 0);
	twr_ring_publish(&g_prod);
	for (i = 0; i < 20; i++)
		CU_ASSERT_EQUAL(pair_consume(i * 9, 1, i), 0);
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &(struct twr_rec){ 0 }), -EAGAIN);
}

/* ---- the broken latch ------------------------------------------------- */

static void test_mark_broken_latches_first_reason(void)
{
	static const char first[] = "first reason";

	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_FALSE(twr_ring_broken(&g_cons));
	CU_ASSERT_STRING_EQUAL(twr_ring_reason(&g_cons), "ok");
	CU_ASSERT_EQUAL(twr_ring_mark_broken(&g_cons, first), -EPROTO);
	CU_ASSERT_TRUE(twr_ring_broken(&g_cons));
	CU_ASSERT_EQUAL(twr_ring_mark_broken(&g_cons, "second"), -EPROTO);
	CU_ASSERT_PTR_EQUAL(twr_ring_reason(&g_cons), first);
	CU_ASSERT_FALSE(twr_ring_broken(&g_prod));	/* per side */
}

static void test_broken_producer_refuses_everything(void)
{
	void *payload;

	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(pair_produce(50, 1, 1), 0);
	twr_ring_mark_broken(&g_prod, "test");
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, 8, &payload), -EPROTO);
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, MAXP + 1, &payload), -EPROTO);
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));
	CU_ASSERT_EQUAL(g_area.sh->prod, 0);	/* nothing more goes out */
	CU_ASSERT_TRUE(twr_ring_space_wait_prepare(&g_prod, 8));
}

static void test_broken_consumer_refuses_everything(void)
{
	struct twr_rec rec;

	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(pair_produce(50, 1, 1), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &rec), 0);
	twr_ring_release(&g_cons);
	twr_ring_mark_broken(&g_cons, "test");
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &rec), -EPROTO);
	CU_ASSERT_FALSE(twr_ring_release_publish(&g_cons));
	CU_ASSERT_EQUAL(g_area.sh->cons, 0);
	CU_ASSERT_TRUE(twr_ring_final_check(&g_cons));
}

/* ---------------------------------------------------------------------- */

static const struct twr_test_entry attach_tests[] = {
	TWR_TEST(test_attach_rejects_null_pointers),
	TWR_TEST(test_attach_rejects_bad_size),
	TWR_TEST(test_attach_rejects_oversized_max_payload),
	TWR_TEST(test_attach_rejects_unknown_role),
	TWR_TEST(test_attach_accepts_size_limits),
	TWR_TEST(test_attach_inconsistent_indices_is_broken),
	TWR_TEST(test_shared_init_sets_indices),
	TWR_TEST(test_attach_adopts_current_indices),
	{ NULL, NULL }
};

static const struct twr_test_entry rw_tests[] = {
	TWR_TEST(test_peek_empty_ring_is_eagain),
	TWR_TEST(test_commit_invisible_until_publish),
	TWR_TEST(test_record_roundtrip_keeps_fields),
	TWR_TEST(test_publish_without_commit_is_noop),
	TWR_TEST(test_release_publish_gives_space_back),
	TWR_TEST(test_peek_twice_returns_same_record),
	TWR_TEST(test_release_without_peek_is_noop),
	TWR_TEST(test_commit_shorter_than_reserved),
	TWR_TEST(test_commit_longer_than_reserved_is_clamped),
	TWR_TEST(test_commit_zeroes_padding),
	TWR_TEST(test_zero_length_record),
	TWR_TEST(test_pending_tracks_published_bytes),
	TWR_TEST(test_space_counts_committed_bytes),
	TWR_TEST(test_records_keep_order),
	{ NULL, NULL }
};

static const struct twr_test_entry broken_tests[] = {
	TWR_TEST(test_mark_broken_latches_first_reason),
	TWR_TEST(test_broken_producer_refuses_everything),
	TWR_TEST(test_broken_consumer_refuses_everything),
	{ NULL, NULL }
};

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	twr_test_add_suite("ring_attach", attach_tests, pair_cleanup);
	twr_test_add_suite("ring_produce_consume", rw_tests, pair_cleanup);
	twr_test_add_wrap_suites();
	twr_test_add_notify_suites();
	twr_test_add_async_suites();
	twr_test_add_suite("ring_broken", broken_tests, pair_cleanup);
	return twr_test_run();
}
