// SPDX-License-Identifier: MIT
/*
 * Ring tests of the notify decisions: the event indices (prod_event,
 * cons_event), batching, wrap safety at 2^32, and the final re-checks in
 * twr_ring_final_check() and twr_ring_space_wait_prepare() that close the
 * lost wake-up races.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "ring_pair.h"
#include "ring_suites.h"

/* ---- notifications and event indices --------------------------------- */

static void test_first_publish_notifies(void)
{
	pair_setup(SZ, MAXP, 0x100);
	CU_ASSERT_EQUAL(pair_produce(10, 1, 1), 0);
	CU_ASSERT_TRUE(twr_ring_publish(&g_prod));
}

static void test_batch_publish_notifies_once(void)
{
	uint32_t i;

	pair_setup(SZ, MAXP, 0);
	for (i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(pair_produce(50, 1, i), 0);
	CU_ASSERT_EQUAL(g_area.sh->prod, 0);
	CU_ASSERT_TRUE(twr_ring_publish(&g_prod));
	CU_ASSERT_EQUAL(g_area.sh->prod, 5 * REC(50));
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));
	for (i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(pair_consume(50, 1, i), 0);
}

/* Until the consumer re-arms prod_event, more records are not notified:
 * it is still busy and will find them without an event. */
static void test_no_notify_while_consumer_busy(void)
{
	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(pair_produce(50, 1, 1), 0);
	CU_ASSERT_TRUE(twr_ring_publish(&g_prod));
	CU_ASSERT_EQUAL(pair_produce(50, 1, 2), 0);
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));
	CU_ASSERT_EQUAL(pair_consume(50, 1, 1), 0);
	CU_ASSERT_EQUAL(pair_produce(50, 1, 3), 0);
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));
}

static void test_final_check_rearms_notify(void)
{
	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(pair_produce(50, 1, 1), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(pair_produce(50, 1, 2), 0);
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));
	CU_ASSERT_EQUAL(pair_consume(50, 1, 1), 0);
	CU_ASSERT_EQUAL(pair_consume(50, 1, 2), 0);
	CU_ASSERT_FALSE(twr_ring_final_check(&g_cons));	/* may sleep */
	CU_ASSERT_EQUAL(g_area.sh->prod_event, 2 * REC(50) + 1);
	CU_ASSERT_EQUAL(pair_produce(50, 1, 3), 0);
	CU_ASSERT_TRUE(twr_ring_publish(&g_prod));
	CU_ASSERT_TRUE(twr_ring_final_check(&g_cons));
}

/* The lost wake-up race: the producer publishes after the consumer found
 * the ring empty but before it armed prod_event, so the producer does not
 * notify; the final check must then see the record. */
static void test_final_check_catches_racing_publish(void)
{
	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(pair_produce(50, 1, 1), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(pair_consume(50, 1, 1), 0);
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &(struct twr_rec){ 0 }), -EAGAIN);
	CU_ASSERT_EQUAL(pair_produce(50, 1, 2), 0);
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));	/* no event sent */
	CU_ASSERT_TRUE(twr_ring_final_check(&g_cons));	/* so do not sleep */
	CU_ASSERT_EQUAL(pair_consume(50, 1, 2), 0);
}

static void test_final_check_true_with_records_seen(void)
{
	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(pair_produce(50, 1, 1), 0);
	CU_ASSERT_EQUAL(pair_produce(50, 1, 2), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(pair_consume(50, 1, 1), 0);
	g_area.sh->prod_event = 0x12345678;
	CU_ASSERT_TRUE(twr_ring_final_check(&g_cons));
	/* It did not touch prod_event: it is not going to sleep. */
	CU_ASSERT_EQUAL(g_area.sh->prod_event, 0x12345678);
}

static void test_notify_only_when_event_index_passed(void)
{
	pair_setup(SZ, MAXP, 0);
	g_area.sh->prod_event = 3 * 64 + 1;	/* wake me after 3 records */
	CU_ASSERT_EQUAL(pair_produce(56, 1, 1), 0);
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));
	CU_ASSERT_EQUAL(pair_produce(56, 1, 2), 0);
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));
	CU_ASSERT_EQUAL(pair_produce(56, 1, 3), 0);
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));	/* prod == 192: not past */
	CU_ASSERT_EQUAL(pair_produce(56, 1, 4), 0);
	CU_ASSERT_TRUE(twr_ring_publish(&g_prod));	/* 192 -> 256 passes 193 */
	CU_ASSERT_EQUAL(pair_produce(56, 1, 5), 0);
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));	/* event in the past */
}

/* 24-byte records take 32 ring bytes: from 0xffffffe0 two of them end at
 * 0x20, moving prod through 2^32 (a record never straddles it: the data
 * area size divides 2^32, so 2^32 is always the end of the data area). */
static void test_notify_is_wrap_safe_at_2_32(void)
{
	pair_setup(SZ, MAXP, 0xffffffe0u);
	CU_ASSERT_FALSE(twr_ring_final_check(&g_cons));
	CU_ASSERT_EQUAL(g_area.sh->prod_event, 0xffffffe1u);
	CU_ASSERT_EQUAL(pair_produce(24, 1, 1), 0);
	CU_ASSERT_EQUAL(pair_produce(24, 1, 2), 0);
	CU_ASSERT_TRUE(twr_ring_publish(&g_prod));
	CU_ASSERT_EQUAL(g_area.sh->prod, 0x20u);

	pair_setup(SZ, MAXP, 0xffffffe0u);
	g_area.sh->prod_event = 0;		/* exactly at 2^32 */
	CU_ASSERT_EQUAL(pair_produce(24, 1, 1), 0);
	CU_ASSERT_EQUAL(pair_produce(24, 1, 2), 0);
	CU_ASSERT_TRUE(twr_ring_publish(&g_prod));	/* 0 in (-0x20, 0x20] */
	g_area.sh->prod_event = 0x41;
	CU_ASSERT_EQUAL(pair_produce(24, 1, 3), 0);
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));	/* 0x41 not in (0x20, 0x40] */
	g_area.sh->prod_event = 0xfffffff0u;		/* far behind */
	CU_ASSERT_EQUAL(pair_produce(24, 1, 4), 0);
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));
	g_area.sh->prod_event = 0x61;
	CU_ASSERT_EQUAL(pair_produce(24, 1, 5), 0);
	CU_ASSERT_EQUAL(pair_produce(24, 1, 6), 0);
	CU_ASSERT_TRUE(twr_ring_publish(&g_prod));	/* 0x61 in (0x60, 0xa0] */
}

static void test_release_publish_quiet_without_waiter(void)
{
	pair_setup(SZ, MAXP, 0);
	pair_fill_64();
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(pair_consume(56, 1, 0), 0);
	CU_ASSERT_FALSE(twr_ring_release_publish(&g_cons));
	CU_ASSERT_EQUAL(g_area.sh->cons_event, 0);
}

static void test_space_wait_prepare_true_when_it_fits(void)
{
	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_TRUE(twr_ring_space_wait_prepare(&g_prod, MAXP));
	CU_ASSERT_EQUAL(g_area.sh->cons_event, 0);	/* not armed */
}

static void test_space_wait_prepare_arms_cons_event(void)
{
	pair_setup(SZ, MAXP, 0);
	pair_fill_64();
	twr_ring_publish(&g_prod);
	/* 120 bytes need 128 ring bytes: two 64-byte records must go. */
	CU_ASSERT_FALSE(twr_ring_space_wait_prepare(&g_prod, 120));
	CU_ASSERT_EQUAL(g_area.sh->cons_event, 128);
	CU_ASSERT_EQUAL(pair_consume(56, 1, 0), 0);
	CU_ASSERT_FALSE(twr_ring_release_publish(&g_cons));
	CU_ASSERT_EQUAL(pair_consume(56, 1, 1), 0);
	CU_ASSERT_TRUE(twr_ring_release_publish(&g_cons));
	CU_ASSERT_EQUAL(pair_consume(56, 1, 2), 0);
	CU_ASSERT_FALSE(twr_ring_release_publish(&g_cons));	/* once */
	CU_ASSERT_EQUAL(pair_produce(120, 1, 100), 0);
}

/* The space direction's lost wake-up race: the consumer frees space after
 * the producer saw the ring full but before it armed cons_event. */
static void test_space_wait_prepare_rechecks_cons(void)
{
	void *payload;

	pair_setup(SZ, MAXP, 0);
	pair_fill_64();
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, 56, &payload), -EAGAIN);
	CU_ASSERT_EQUAL(pair_consume(56, 1, 0), 0);
	CU_ASSERT_FALSE(twr_ring_release_publish(&g_cons));	/* no event */
	CU_ASSERT_TRUE(twr_ring_space_wait_prepare(&g_prod, 56));	/* don't sleep */
	CU_ASSERT_EQUAL(pair_produce(56, 1, 64), 0);
}

static void test_space_wait_prepare_never_fits_returns_true(void)
{
	pair_setup(SZ, MAXP, 0);
	pair_fill_64();
	CU_ASSERT_TRUE(twr_ring_space_wait_prepare(&g_prod, MAXP + 1));
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, MAXP + 1, &(void *){ NULL }), -EMSGSIZE);
}

/* Padding plus record bigger than the ring: the producer waits for room
 * for the padding only, then for the record at offset 0. */
static void test_space_wait_prepare_big_record_waits_for_pad(void)
{
	struct twr_rec rec;

	pair_setup(SZ, SZ - 8, 0);
	CU_ASSERT_EQUAL(pair_produce(SZ - 64 - 8, 1, 1), 0);	/* 0 .. SZ-64 */
	CU_ASSERT_EQUAL(pair_produce(0, 1, 2), 0);		/* .. SZ-56 */
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(pair_consume(SZ - 64 - 8, 1, 1), 0);
	twr_ring_release_publish(&g_cons);
	/* At SZ-56 a max record needs 56 padding + SZ: more than the ring.
	 * SZ - 8 bytes are free: the padding fits and is written alone. */
	CU_ASSERT_EQUAL(pair_produce(SZ - 8, 1, 3), -EAGAIN);
	CU_ASSERT_EQUAL(pair_hdr_at(SZ - 56)->type, TWR_REC_PAD);
	CU_ASSERT_FALSE(twr_ring_space_wait_prepare(&g_prod, SZ - 8));
	CU_ASSERT_EQUAL(g_area.sh->cons_event, SZ);	/* all of it free */
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(pair_consume(0, 1, 2), 0);
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &rec), -EAGAIN);
	CU_ASSERT_TRUE(twr_ring_release_publish(&g_cons));
	CU_ASSERT_TRUE(twr_ring_space_wait_prepare(&g_prod, SZ - 8));
	CU_ASSERT_EQUAL(pair_produce(SZ - 8, 1, 3), 0);
}

/* A broken ring: the caller must not sleep, and reserve says why. */
static void test_space_wait_prepare_broken_returns_true(void)
{
	pair_setup(SZ, MAXP, 0);
	pair_fill_64();
	twr_ring_mark_broken(&g_prod, "test");
	CU_ASSERT_TRUE(twr_ring_space_wait_prepare(&g_prod, 56));
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, 56, &(void *){ NULL }), -EPROTO);
}

/* The polling hint: moves with an unseen publish, settles after a peek. */
static void test_peer_moved_follows_publish(void)
{
	struct twr_rec rec;

	pair_setup(SZ, MAXP, 0xfffff000u);
	CU_ASSERT_FALSE(twr_ring_peer_moved(&g_cons));
	CU_ASSERT_EQUAL(pair_produce(40, 1, 1), 0);
	CU_ASSERT_FALSE(twr_ring_peer_moved(&g_cons));	/* committed only */
	twr_ring_publish(&g_prod);
	CU_ASSERT_TRUE(twr_ring_peer_moved(&g_cons));
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &rec), 0);
	CU_ASSERT_FALSE(twr_ring_peer_moved(&g_cons));
	CU_ASSERT_EQUAL(twr_ring_size(&g_cons), SZ);
}

/* The diagnostics line: each side's own view, the peer's words as left. */
static void test_format_shows_each_side(void)
{
	char buf[160], tiny[8];

	pair_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(pair_produce(56, 1, 1), 0);	/* one 64-byte record */
	twr_ring_publish(&g_prod);
	twr_ring_format(&g_prod, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf,
		"prod 64 cons 0 prod_event 1 cons_event 0 seen 0 pvt 64 err 0");
	twr_ring_format(&g_cons, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf,
		"prod 64 cons 0 prod_event 1 cons_event 0 seen 0 pvt 0 err 0");
	CU_ASSERT_EQUAL(twr_ring_format(&g_cons, tiny, sizeof(tiny)), 7);
	CU_ASSERT_STRING_EQUAL(tiny, "prod 64");
	CU_ASSERT_EQUAL(twr_ring_format(&g_cons, tiny, 0), 0);
	twr_ring_mark_broken(&g_cons, "test");
	twr_ring_format(&g_cons, buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "err -"));
}

/* ---------------------------------------------------------------------- */

static const struct twr_test_entry notify_tests[] = {
	TWR_TEST(test_first_publish_notifies),
	TWR_TEST(test_batch_publish_notifies_once),
	TWR_TEST(test_no_notify_while_consumer_busy),
	TWR_TEST(test_final_check_rearms_notify),
	TWR_TEST(test_final_check_catches_racing_publish),
	TWR_TEST(test_final_check_true_with_records_seen),
	TWR_TEST(test_notify_only_when_event_index_passed),
	TWR_TEST(test_notify_is_wrap_safe_at_2_32),
	TWR_TEST(test_release_publish_quiet_without_waiter),
	TWR_TEST(test_space_wait_prepare_true_when_it_fits),
	TWR_TEST(test_space_wait_prepare_arms_cons_event),
	TWR_TEST(test_space_wait_prepare_rechecks_cons),
	TWR_TEST(test_space_wait_prepare_never_fits_returns_true),
	TWR_TEST(test_space_wait_prepare_big_record_waits_for_pad),
	TWR_TEST(test_space_wait_prepare_broken_returns_true),
	TWR_TEST(test_peer_moved_follows_publish),
	TWR_TEST(test_format_shows_each_side),
	{ NULL, NULL }
};

void twr_test_add_notify_suites(void)
{
	twr_test_add_suite("ring_notify", notify_tests, pair_cleanup);
}
