// SPDX-License-Identifier: MIT
/*
 * Ring tests with several records in use at once: a consumer that reads
 * ahead of what it releases (twr_ring_advance(), twr_ring_release_to()) and
 * a producer that publishes only a prefix of what it committed
 * (twr_ring_commit_end(), twr_ring_publish_to()), as the asynchronous
 * block backend does.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "ring_pair.h"
#include "ring_suites.h"

/* ---- consumer: read ahead, release in order -------------------------- */

static void test_advance_reads_ahead_without_releasing(void)
{
	uint32_t e1, e2, e3;

	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(pair_produce(56, 1, 1), 0);
	CU_ASSERT_EQUAL(pair_produce(120, 1, 2), 0);
	CU_ASSERT_EQUAL(pair_produce(8, 1, 3), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL_FATAL(pair_read(56, 1, 1, &e1), 0);
	CU_ASSERT_EQUAL_FATAL(pair_read(120, 1, 2, &e2), 0);
	CU_ASSERT_EQUAL_FATAL(pair_read(8, 1, 3, &e3), 0);
	CU_ASSERT_EQUAL(e1, REC(56));
	CU_ASSERT_EQUAL(e2, REC(56) + REC(120));
	CU_ASSERT_EQUAL(e3, REC(56) + REC(120) + REC(8));
	/* Everything read, nothing released: no space goes back. */
	CU_ASSERT_FALSE(twr_ring_release_publish(&g_cons));
	CU_ASSERT_EQUAL(g_area.sh->cons, 0);
	CU_ASSERT_EQUAL(twr_ring_pending(&g_cons), e3);
	twr_ring_release_to(&g_cons, e1);
	twr_ring_release_publish(&g_cons);
	CU_ASSERT_EQUAL(g_area.sh->cons, e1);
	twr_ring_release_to(&g_cons, e3);
	twr_ring_release_publish(&g_cons);
	CU_ASSERT_EQUAL(g_area.sh->cons, e3);
	CU_ASSERT_EQUAL(twr_ring_pending(&g_cons), 0);
}

static void test_release_to_outside_read_is_ignored(void)
{
	uint32_t e1, e2;

	pair_setup(SZ, MAXP, 0x10);
	CU_ASSERT_EQUAL(pair_produce(56, 1, 1), 0);
	CU_ASSERT_EQUAL(pair_produce(56, 1, 2), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL_FATAL(pair_read(56, 1, 1, &e1), 0);
	/* Published but not read: not releasable. */
	twr_ring_release_to(&g_cons, e1 + REC(56));
	twr_ring_release_publish(&g_cons);
	CU_ASSERT_EQUAL(g_area.sh->cons, 0x10);
	twr_ring_release_to(&g_cons, e1);
	/* Backwards: ignored, nothing is taken back. */
	twr_ring_release_to(&g_cons, 0x10);
	twr_ring_release_publish(&g_cons);
	CU_ASSERT_EQUAL(g_area.sh->cons, e1);
	CU_ASSERT_EQUAL_FATAL(pair_read(56, 1, 2, &e2), 0);
	twr_ring_release_to(&g_cons, e2);
	twr_ring_release_publish(&g_cons);
	CU_ASSERT_EQUAL(g_area.sh->cons, e2);
}

static void test_unreleased_records_are_not_overwritten(void)
{
	struct twr_rec rec;
	uint32_t end, i;
	void *p;

	pair_setup(SZ, MAXP, 0);
	pair_fill_64();
	twr_ring_publish(&g_prod);
	for (i = 0; i < 64; i++)
		CU_ASSERT_EQUAL_FATAL(pair_read(56, 1, i, &end), 0);
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &rec), -EAGAIN);
	twr_ring_release_publish(&g_cons);
	/* All read, none released: the producer still finds the ring full. */
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, 56, &p), -EAGAIN);
	twr_ring_release_to(&g_cons, REC(56));
	twr_ring_release_publish(&g_cons);
	CU_ASSERT_EQUAL(pair_produce(56, 1, 64), 0);
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, 56, &p), -EAGAIN);
	twr_ring_release_to(&g_cons, end);
	twr_ring_release_publish(&g_cons);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(pair_consume(56, 1, 64), 0);
}

static void test_read_ahead_across_padding(void)
{
	uint32_t e1, e2;

	/* 62 records of 64 bytes: 3968 in, a 200-byte record pads to the
	 * wrap. */
	pair_setup(SZ, MAXP, 0);
	for (e1 = 0; e1 < 62; e1++) {
		CU_ASSERT_EQUAL(pair_produce(56, 1, e1), 0);
		twr_ring_publish(&g_prod);
		CU_ASSERT_EQUAL(pair_consume(56, 1, e1), 0);
	}
	twr_ring_release_publish(&g_cons);
	CU_ASSERT_EQUAL(pair_produce(200, 1, 2), 0);
	CU_ASSERT_EQUAL(pair_produce(16, 1, 3), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL_FATAL(pair_read(200, 1, 2, &e1), 0);
	CU_ASSERT_EQUAL_FATAL(pair_read(16, 1, 3, &e2), 0);
	CU_ASSERT_EQUAL(e1, SZ + REC(200));
	CU_ASSERT_EQUAL(e2, e1 + REC(16));
	/* Releasing the first record releases the padding before it. */
	twr_ring_release_to(&g_cons, e1);
	twr_ring_release_publish(&g_cons);
	CU_ASSERT_EQUAL(g_area.sh->cons, e1);
}

static void test_release_to_takes_trailing_padding(void)
{
	struct twr_rec rec;
	uint32_t end, i;
	void *p;

	/* 63 records of 64 bytes, the last one held; a 200-byte record
	 * writes its padding to the wrap and waits for room. */
	pair_setup(SZ, MAXP, 0);
	for (i = 0; i < 63; i++) {
		CU_ASSERT_EQUAL(pair_produce(56, 1, i), 0);
		twr_ring_publish(&g_prod);
		if (i < 62)
			CU_ASSERT_EQUAL(pair_consume(56, 1, i), 0);
	}
	CU_ASSERT_EQUAL_FATAL(pair_read(56, 1, 62, &end), 0);
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, 200, &p), -EAGAIN);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &rec), -EAGAIN);
	/* The padding is read but held with the record before it... */
	twr_ring_release_publish(&g_cons);
	CU_ASSERT_EQUAL(g_area.sh->cons, end - REC(56));
	/* ...and released with it, or the producer would wait forever. */
	twr_ring_release_to(&g_cons, end);
	twr_ring_release_publish(&g_cons);
	CU_ASSERT_EQUAL(g_area.sh->cons, SZ);
	CU_ASSERT_EQUAL(pair_produce(200, 1, 63), 0);
}

static void test_final_check_counts_read_not_released(void)
{
	uint32_t end;

	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(pair_produce(40, 1, 1), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_TRUE(twr_ring_final_check(&g_cons));
	CU_ASSERT_EQUAL_FATAL(pair_read(40, 1, 1, &end), 0);
	/* Read but held: no work left, and the next record will notify. */
	CU_ASSERT_FALSE(twr_ring_final_check(&g_cons));
	CU_ASSERT_EQUAL(g_area.sh->prod_event, end + 1);
	CU_ASSERT_EQUAL(pair_produce(40, 1, 2), 0);
	CU_ASSERT_TRUE(twr_ring_publish(&g_prod));
	CU_ASSERT_TRUE(twr_ring_final_check(&g_cons));
}

static void test_release_after_advance_releases_all_read(void)
{
	uint32_t e1, e2;

	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(pair_produce(40, 1, 1), 0);
	CU_ASSERT_EQUAL(pair_produce(40, 1, 2), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL_FATAL(pair_read(40, 1, 1, &e1), 0);
	CU_ASSERT_EQUAL_FATAL(pair_consume(40, 1, 2), 0);
	twr_ring_release_publish(&g_cons);
	e2 = e1 + REC(40);
	CU_ASSERT_EQUAL(g_area.sh->cons, e2);
}

/* ---- producer: publish a prefix of what is committed ----------------- */

static void test_publish_to_publishes_a_prefix(void)
{
	uint32_t e1, e2, e3;

	/* Two records before 2^32 (and the end of the data area), one after. */
	pair_setup(SZ, MAXP, 0u - 2 * REC(30));
	CU_ASSERT_EQUAL(pair_produce(30, 1, 1), 0);
	e1 = twr_ring_commit_end(&g_prod);
	CU_ASSERT_EQUAL(pair_produce(30, 1, 2), 0);
	e2 = twr_ring_commit_end(&g_prod);
	CU_ASSERT_EQUAL(pair_produce(30, 1, 3), 0);
	e3 = twr_ring_commit_end(&g_prod);
	CU_ASSERT_EQUAL(e1, 0u - REC(30));
	CU_ASSERT_EQUAL(e3, REC(30));
	CU_ASSERT_TRUE(twr_ring_publish_to(&g_prod, e1));
	CU_ASSERT_EQUAL(g_area.sh->prod, e1);
	CU_ASSERT_EQUAL(pair_consume(30, 1, 1), 0);
	CU_ASSERT_EQUAL(pair_consume(30, 1, 2), -EAGAIN);
	/* Beyond what is committed, or backwards: nothing happens. */
	CU_ASSERT_FALSE(twr_ring_publish_to(&g_prod, e3 + REC(30)));
	CU_ASSERT_FALSE(twr_ring_publish_to(&g_prod, 0u - 2 * REC(30)));
	CU_ASSERT_FALSE(twr_ring_publish_to(&g_prod, e1));
	CU_ASSERT_EQUAL(g_area.sh->prod, e1);
	twr_ring_publish_to(&g_prod, e2);
	CU_ASSERT_EQUAL(pair_consume(30, 1, 2), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(g_area.sh->prod, e3);
	CU_ASSERT_EQUAL(pair_consume(30, 1, 3), 0);
}

static void test_publish_to_notifies_when_passing_event(void)
{
	uint32_t e1, e2;

	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_FALSE(twr_ring_final_check(&g_cons));	/* prod_event = 1 */
	CU_ASSERT_EQUAL(pair_produce(30, 1, 1), 0);
	e1 = twr_ring_commit_end(&g_prod);
	CU_ASSERT_EQUAL(pair_produce(30, 1, 2), 0);
	e2 = twr_ring_commit_end(&g_prod);
	CU_ASSERT_TRUE(twr_ring_publish_to(&g_prod, e1));
	CU_ASSERT_FALSE(twr_ring_publish_to(&g_prod, e2));
}

static void test_final_check_after_coalesces(void)
{
	uint32_t end;

	pair_setup(SZ, MAXP, 0);
	/* Wait for three 56-byte records' worth. */
	CU_ASSERT_FALSE(twr_ring_final_check_after(&g_cons, 3 * REC(56)));
	CU_ASSERT_EQUAL(g_area.sh->prod_event, 3 * REC(56));
	CU_ASSERT_EQUAL(pair_produce(56, 1, 1), 0);
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));
	CU_ASSERT_EQUAL(pair_produce(56, 1, 2), 0);
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));
	CU_ASSERT_EQUAL(pair_produce(56, 1, 3), 0);
	CU_ASSERT_TRUE(twr_ring_publish(&g_prod));
	/* Work is there: no wait. */
	CU_ASSERT_TRUE(twr_ring_final_check_after(&g_cons, 5 * REC(56)));
	CU_ASSERT_EQUAL_FATAL(pair_read(56, 1, 1, &end), 0);
	CU_ASSERT_EQUAL_FATAL(pair_read(56, 1, 2, &end), 0);
	CU_ASSERT_EQUAL_FATAL(pair_read(56, 1, 3, &end), 0);
	/* 0 or more than the ring: the next record, as final_check. */
	CU_ASSERT_FALSE(twr_ring_final_check_after(&g_cons, 0));
	CU_ASSERT_EQUAL(g_area.sh->prod_event, end + 1);
	CU_ASSERT_FALSE(twr_ring_final_check_after(&g_cons, SZ + 8));
	CU_ASSERT_EQUAL(g_area.sh->prod_event, end + 1);
}

static const struct twr_test_entry async_tests[] = {
	TWR_TEST(test_final_check_after_coalesces),
	TWR_TEST(test_advance_reads_ahead_without_releasing),
	TWR_TEST(test_release_to_outside_read_is_ignored),
	TWR_TEST(test_unreleased_records_are_not_overwritten),
	TWR_TEST(test_read_ahead_across_padding),
	TWR_TEST(test_release_to_takes_trailing_padding),
	TWR_TEST(test_final_check_counts_read_not_released),
	TWR_TEST(test_release_after_advance_releases_all_read),
	TWR_TEST(test_publish_to_publishes_a_prefix),
	TWR_TEST(test_publish_to_notifies_when_passing_event),
	{ NULL, NULL }
};

void twr_test_add_async_suites(void)
{
	twr_test_add_suite("ring_async", async_tests, pair_cleanup);
}
