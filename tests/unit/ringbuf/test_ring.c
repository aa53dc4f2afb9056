// SPDX-License-Identifier: MIT
/*
 * CUnit tests of the ring library with a well-behaved peer: both sides are
 * attached in this process to one shared area (see ring_harness.h), so every
 * step of the protocol can be interleaved by hand, deterministically.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "ring_harness.h"

#define SZ	4096u
#define MAXP	1024u
#define REC(len)	((uint32_t)TWR_REC_SPACE(len))

static struct twr_test_area g_area;
static struct twr_ring g_prod, g_cons;

/* A fresh @size-byte ring at index @start with both sides attached. */
static void ring_setup(uint32_t size, uint32_t max_payload, uint32_t start)
{
	twr_test_area_uninit(&g_area);
	CU_ASSERT_FATAL(twr_test_area_init(&g_area, size, start) == 0);
	CU_ASSERT_FATAL(twr_ring_attach(&g_prod, TWR_RING_PRODUCER, g_area.sh,
					g_area.data, size, max_payload) == 0);
	CU_ASSERT_FATAL(twr_ring_attach(&g_cons, TWR_RING_CONSUMER, g_area.sh,
					g_area.data, size, max_payload) == 0);
}

static uint8_t pattern(uint32_t seq, uint32_t i)
{
	return (uint8_t)(seq * 31u + i * 7u + 1u);
}

/* Producer: one record of @len bytes filled with pattern(@seq, i). */
static int produce(uint32_t len, uint16_t type, uint32_t seq)
{
	uint8_t *p;
	void *payload;
	uint32_t i;
	int ret;

	ret = twr_ring_reserve(&g_prod, len, &payload);
	if (ret)
		return ret;
	p = payload;
	if (!twr_test_in_data(&g_area, p, len))
		return -EFAULT;
	for (i = 0; i < len; i++)
		p[i] = pattern(seq, i);
	twr_ring_commit(&g_prod, len, type, (uint16_t)seq);
	return 0;
}

/* Consumer: peek one record, check it is (@len, @type, @seq), release it.
 * Returns the peek result; a mismatch is a -EBADMSG. */
static int consume(uint32_t len, uint16_t type, uint32_t seq)
{
	struct twr_rec rec;
	const uint8_t *p;
	uint32_t i;
	int ret;

	ret = twr_ring_peek(&g_cons, &rec);
	if (ret)
		return ret;
	if (rec.len != len || rec.type != type || rec.flags != (uint16_t)seq ||
	    !twr_test_in_data(&g_area, rec.data, rec.len))
		return -EBADMSG;
	p = rec.data;
	for (i = 0; i < len; i++)
		if (p[i] != pattern(seq, i))
			return -EBADMSG;
	twr_ring_release(&g_cons);
	return 0;
}

static const struct twr_rec_hdr *hdr_at(uint32_t idx)
{
	return (const struct twr_rec_hdr *)(g_area.data + (idx & (g_area.size - 1)));
}

/* ---- attach ---------------------------------------------------------- */

static void test_attach_rejects_null_pointers(void)
{
	struct twr_ring r;

	ring_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_CONSUMER, NULL, g_area.data, SZ, MAXP), -EINVAL);
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_PRODUCER, g_area.sh, NULL, SZ, MAXP), -EINVAL);
	CU_ASSERT_FALSE(twr_ring_broken(&r));
}

static void test_attach_rejects_bad_size(void)
{
	struct twr_ring r;

	ring_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_CONSUMER, g_area.sh, g_area.data, 0, MAXP), -EINVAL);
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_CONSUMER, g_area.sh, g_area.data, 3 * 4096, MAXP), -EINVAL);
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_CONSUMER, g_area.sh, g_area.data, 2048, MAXP), -EINVAL);
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_CONSUMER, g_area.sh, g_area.data, 8u << 20, MAXP), -EINVAL);
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_CONSUMER, g_area.sh, g_area.data, 0x80000000u, MAXP), -EINVAL);
}

static void test_attach_rejects_oversized_max_payload(void)
{
	struct twr_ring r;

	ring_setup(SZ, MAXP, 0);
	/* A record must fit the ring: header + payload <= size. */
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_PRODUCER, g_area.sh, g_area.data, SZ, SZ - 7), -EINVAL);
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_PRODUCER, g_area.sh, g_area.data, SZ, 0xffffffffu), -EINVAL);
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_PRODUCER, g_area.sh, g_area.data, SZ, SZ - 8), 0);
}

static void test_attach_rejects_unknown_role(void)
{
	struct twr_ring r;

	ring_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(twr_ring_attach(&r, (enum twr_ring_role)2, g_area.sh, g_area.data, SZ, MAXP), -EINVAL);
	CU_ASSERT_EQUAL(twr_ring_attach(&r, (enum twr_ring_role)-1, g_area.sh, g_area.data, SZ, MAXP), -EINVAL);
}

static void test_attach_accepts_size_limits(void)
{
	struct twr_ring r;
	const uint32_t max = TWR_PAGE_SIZE << TWR_RING_ORDER_MAX;

	ring_setup(max, max - 8, 0);
	CU_ASSERT_EQUAL(g_prod.size, max);
	CU_ASSERT_EQUAL(g_prod.mask, max - 1);
	CU_ASSERT_EQUAL(produce(max - 8, 9, 1), 0);
	CU_ASSERT_TRUE(twr_ring_publish(&g_prod));
	CU_ASSERT_EQUAL(consume(max - 8, 9, 1), 0);
	ring_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(twr_ring_attach(&r, TWR_RING_CONSUMER, g_area.sh, g_area.data, TWR_PAGE_SIZE, 0), 0);
}

static void test_attach_inconsistent_indices_is_broken(void)
{
	struct twr_ring r;

	ring_setup(SZ, MAXP, 0x100);
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

	ring_setup(SZ, MAXP, 0x1000);
	CU_ASSERT_EQUAL(produce(100, 3, 5), 0);
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

	ring_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &rec), -EAGAIN);
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &rec), -EAGAIN);
	CU_ASSERT_FALSE(twr_ring_broken(&g_cons));
	CU_ASSERT_EQUAL(twr_ring_pending(&g_cons), 0);
	CU_ASSERT_FALSE(twr_ring_release_publish(&g_cons));
}

static void test_commit_invisible_until_publish(void)
{
	struct twr_rec rec;

	ring_setup(SZ, MAXP, 0x40);
	CU_ASSERT_EQUAL(produce(10, 4, 1), 0);
	CU_ASSERT_EQUAL(produce(20, 4, 2), 0);
	CU_ASSERT_EQUAL(g_area.sh->prod, 0x40);
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &rec), -EAGAIN);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(g_area.sh->prod, 0x40 + REC(10) + REC(20));
	CU_ASSERT_EQUAL(consume(10, 4, 1), 0);
	CU_ASSERT_EQUAL(consume(20, 4, 2), 0);
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &rec), -EAGAIN);
}

static void test_record_roundtrip_keeps_fields(void)
{
	struct twr_rec rec;
	void *payload;

	ring_setup(SZ, MAXP, 0x88);
	CU_ASSERT_EQUAL_FATAL(twr_ring_reserve(&g_prod, 100, &payload), 0);
	CU_ASSERT_PTR_EQUAL(payload, g_area.data + 0x88 + TWR_REC_HDR_SIZE);
	memset(payload, 0x5c, 100);
	twr_ring_commit(&g_prod, 100, 0x1234, 0xbeef);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(hdr_at(0x88)->len, 100);
	CU_ASSERT_EQUAL(hdr_at(0x88)->type, 0x1234);
	CU_ASSERT_EQUAL(hdr_at(0x88)->flags, 0xbeef);
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

	ring_setup(SZ, MAXP, 0);
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, 64, &payload), 0);
	/* An open reservation is not a record. */
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));
	CU_ASSERT_EQUAL(g_area.sh->prod, 0);
}

static void test_release_publish_gives_space_back(void)
{
	ring_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(produce(56, 1, 1), 0);
	CU_ASSERT_EQUAL(produce(56, 1, 2), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(consume(56, 1, 1), 0);
	CU_ASSERT_EQUAL(consume(56, 1, 2), 0);
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

	ring_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(produce(30, 2, 1), 0);
	CU_ASSERT_EQUAL(produce(40, 2, 2), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &a), 0);
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &b), 0);
	CU_ASSERT_PTR_EQUAL(a.data, b.data);
	CU_ASSERT_EQUAL(b.len, 30);
	twr_ring_release(&g_cons);
	CU_ASSERT_EQUAL(consume(40, 2, 2), 0);
}

static void test_release_without_peek_is_noop(void)
{
	ring_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(produce(30, 2, 1), 0);
	twr_ring_publish(&g_prod);
	twr_ring_release(&g_cons);
	CU_ASSERT_EQUAL(consume(30, 2, 1), 0);
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

	ring_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL_FATAL(twr_ring_reserve(&g_prod, 500, &payload), 0);
	memcpy(payload, "0123456789", 10);
	twr_ring_commit(&g_prod, 10, 5, 0);
	CU_ASSERT_EQUAL(twr_ring_space(&g_prod), SZ - REC(10));
	CU_ASSERT_EQUAL(produce(1, 5, 7), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(g_area.sh->prod, REC(10) + REC(1));
	CU_ASSERT_EQUAL_FATAL(twr_ring_peek(&g_cons, &rec), 0);
	CU_ASSERT_EQUAL(rec.len, 10);
	CU_ASSERT_EQUAL(memcmp(rec.data, "0123456789", 10), 0);
	twr_ring_release(&g_cons);
	CU_ASSERT_EQUAL(consume(1, 5, 7), 0);
}

static void test_commit_longer_than_reserved_is_clamped(void)
{
	void *payload;
	struct twr_rec rec;

	ring_setup(SZ, MAXP, 0);
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

	ring_setup(SZ, MAXP, 0);
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
	ring_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(produce(0, 8, 3), 0);
	CU_ASSERT_EQUAL(produce(0, 8, 4), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(g_area.sh->prod, 2 * TWR_REC_HDR_SIZE);
	CU_ASSERT_EQUAL(consume(0, 8, 3), 0);
	CU_ASSERT_EQUAL(consume(0, 8, 4), 0);
}

static void test_pending_tracks_published_bytes(void)
{
	struct twr_rec rec;

	ring_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(produce(100, 1, 1), 0);
	CU_ASSERT_EQUAL(produce(0, 1, 2), 0);
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

	ring_setup(SZ, MAXP, 0);
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

	ring_setup(SZ, MAXP, 0);
	for (i = 0; i < 20; i++)
		CU_ASSERT_EQUAL(produce(i * 9, 1, i), 0);
	twr_ring_publish(&g_prod);
	for (i = 0; i < 20; i++)
		CU_ASSERT_EQUAL(consume(i * 9, 1, i), 0);
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &(struct twr_rec){ 0 }), -EAGAIN);
}

/* ---- full ring and size limits ---------------------------------------- */

/* 64 records of 64 ring bytes fill a 4 KiB ring exactly. */
static void fill_ring_64(void)
{
	uint32_t i;

	for (i = 0; i < SZ / 64; i++)
		CU_ASSERT_EQUAL(produce(56, 1, i), 0);
}

static void test_fill_ring_exactly_full(void)
{
	void *payload;

	ring_setup(SZ, MAXP, 0);
	fill_ring_64();
	CU_ASSERT_EQUAL(twr_ring_space(&g_prod), 0);
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, 0, &payload), -EAGAIN);
	CU_ASSERT_FALSE(twr_ring_broken(&g_prod));
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(g_area.sh->prod - g_area.sh->cons, SZ);
	CU_ASSERT_EQUAL(consume(56, 1, 0), 0);
	CU_ASSERT_EQUAL(twr_ring_pending(&g_cons), SZ - 64);
}

static void test_full_ring_frees_only_after_release_publish(void)
{
	void *payload;
	uint32_t i;

	ring_setup(SZ, MAXP, 0);
	fill_ring_64();
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(consume(56, 1, 0), 0);
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, 56, &payload), -EAGAIN);
	twr_ring_release_publish(&g_cons);
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, 57, &payload), -EAGAIN);
	CU_ASSERT_EQUAL(produce(56, 1, 64), 0);
	CU_ASSERT_EQUAL(twr_ring_space(&g_prod), 0);
	twr_ring_publish(&g_prod);
	for (i = 1; i <= 64; i++)
		CU_ASSERT_EQUAL(consume(56, 1, i), 0);
}

static void test_reserve_too_big_is_emsgsize(void)
{
	void *payload = NULL;

	ring_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, MAXP + 1, &payload), -EMSGSIZE);
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, 0xffffffffu, &payload), -EMSGSIZE);
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, 0xfffffff9u, &payload), -EMSGSIZE);
	CU_ASSERT_PTR_NULL(payload);
	CU_ASSERT_FALSE(twr_ring_broken(&g_prod));
	CU_ASSERT_EQUAL(produce(MAXP, 1, 1), 0);
	/* -EMSGSIZE even when the ring is full: it can never fit. */
	while (produce(56, 1, 2) == 0)
		;
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, 56, &payload), -EAGAIN);
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, MAXP + 1, &payload), -EMSGSIZE);
}

static void test_max_size_record_fills_ring(void)
{
	void *payload;

	ring_setup(SZ, SZ - 8, 0);
	CU_ASSERT_EQUAL(produce(SZ - 8, 2, 1), 0);
	CU_ASSERT_EQUAL(twr_ring_space(&g_prod), 0);
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, 0, &payload), -EAGAIN);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(consume(SZ - 8, 2, 1), 0);
	twr_ring_release_publish(&g_cons);
	CU_ASSERT_EQUAL(produce(SZ - 8, 2, 2), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(consume(SZ - 8, 2, 2), 0);
}

/* A record bigger than half the ring at an offset where padding plus
 * record exceed the ring: it must still go through once the ring drains. */
static void test_max_size_record_at_unaligned_offset(void)
{
	struct twr_rec rec;

	ring_setup(SZ, SZ - 8, 0);
	CU_ASSERT_EQUAL(produce(0, 2, 1), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(consume(0, 2, 1), 0);
	twr_ring_release_publish(&g_cons);

	/* The padding to the wrap fits and is written; the record waits. */
	CU_ASSERT_EQUAL(produce(SZ - 8, 2, 2), -EAGAIN);
	CU_ASSERT_EQUAL(hdr_at(8)->type, TWR_REC_PAD);
	CU_ASSERT_EQUAL(hdr_at(8)->len, SZ - 16);
	CU_ASSERT_FALSE(twr_ring_space_wait_prepare(&g_prod, SZ - 8));
	CU_ASSERT_EQUAL(g_area.sh->cons_event, SZ);
	twr_ring_publish(&g_prod);
	/* The consumer skips the padding, finds nothing else, frees it. */
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &rec), -EAGAIN);
	CU_ASSERT_TRUE(twr_ring_release_publish(&g_cons));
	CU_ASSERT_EQUAL(produce(SZ - 8, 2, 2), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(consume(SZ - 8, 2, 2), 0);
	CU_ASSERT_FALSE(twr_ring_broken(&g_cons));
}

/* Records between half and the whole ring, one at a time: every one gets
 * through and none livelocks, whatever the offset. */
static void test_large_records_always_progress(void)
{
	uint64_t seed = 42;
	uint32_t seq, len, tries;
	int ret;

	ring_setup(SZ, 3000, 0);
	for (seq = 0; seq < 300; seq++) {
		len = 2049 + (uint32_t)(twr_test_rand(&seed) % (3000 - 2049 + 1));
		if (seq % 7 == 0)
			len = (uint32_t)(twr_test_rand(&seed) % 64);
		for (tries = 0; tries < 3; tries++) {
			ret = produce(len, 3, seq);
			if (ret != -EAGAIN)
				break;
			twr_ring_publish(&g_prod);
			CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &(struct twr_rec){ 0 }), -EAGAIN);
			twr_ring_release_publish(&g_cons);
		}
		CU_ASSERT_EQUAL_FATAL(ret, 0);
		twr_ring_publish(&g_prod);
		CU_ASSERT_EQUAL_FATAL(consume(len, 3, seq), 0);
		twr_ring_release_publish(&g_cons);
	}
}

/* ---- the wrap of the data area and of the indices ------------------- */

static void test_record_ending_exactly_at_wrap(void)
{
	struct twr_rec rec;

	ring_setup(SZ, MAXP, SZ - 64);
	CU_ASSERT_EQUAL(produce(56, 1, 1), 0);	/* 64 bytes: ends at the wrap */
	CU_ASSERT_EQUAL(produce(56, 1, 2), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(g_area.sh->prod, SZ - 64 + 128);
	CU_ASSERT_EQUAL(hdr_at(SZ - 64)->type, 1);	/* no padding */
	CU_ASSERT_EQUAL_FATAL(twr_ring_peek(&g_cons, &rec), 0);
	CU_ASSERT_PTR_EQUAL(rec.data, g_area.data + SZ - 56);
	twr_ring_release(&g_cons);
	CU_ASSERT_EQUAL_FATAL(twr_ring_peek(&g_cons, &rec), 0);
	CU_ASSERT_PTR_EQUAL(rec.data, g_area.data + 8);
	CU_ASSERT_EQUAL(consume(56, 1, 2), 0);
}

static void test_pad_record_fills_to_wrap(void)
{
	struct twr_rec rec;
	void *payload;

	ring_setup(SZ, MAXP, SZ - 32);
	memset(g_area.data, 0xff, SZ);
	CU_ASSERT_EQUAL_FATAL(twr_ring_reserve(&g_prod, 100, &payload), 0);
	CU_ASSERT_PTR_EQUAL(payload, g_area.data + 8);
	CU_ASSERT_EQUAL(hdr_at(SZ - 32)->type, TWR_REC_PAD);
	CU_ASSERT_EQUAL(hdr_at(SZ - 32)->len, 32 - 8);
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
	ring_setup(SZ, MAXP, SZ - 8);
	CU_ASSERT_EQUAL(produce(1, 1, 1), 0);
	CU_ASSERT_EQUAL(hdr_at(SZ - 8)->type, TWR_REC_PAD);
	CU_ASSERT_EQUAL(hdr_at(SZ - 8)->len, 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(consume(1, 1, 1), 0);
	CU_ASSERT_FALSE(twr_ring_broken(&g_cons));
}

static void test_index_wrap_at_2_32(void)
{
	uint64_t seed = 7;
	uint32_t seq, len[64], n, i;
	const uint32_t start = 0xffffffc0u;

	ring_setup(SZ, MAXP, start);
	for (seq = 0; seq < 2000;) {
		for (n = 0; n < 64; n++, seq++) {
			len[n] = (uint32_t)(twr_test_rand(&seed) % 200);
			if (produce(len[n], 1, seq))
				break;
		}
		twr_ring_publish(&g_prod);
		for (i = 0; i < n; i++)
			CU_ASSERT_EQUAL_FATAL(consume(len[i], 1, seq - n + i), 0);
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

	ring_setup(SZ, MAXP, 0xfffff800u);
	fill_ring_64();
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(g_area.sh->prod, 0x800u);
	CU_ASSERT_EQUAL(g_area.sh->cons, 0xfffff800u);
	/* prod < cons numerically, yet prod - cons == size: valid and full. */
	CU_ASSERT_EQUAL(twr_ring_attach(&late, TWR_RING_CONSUMER, g_area.sh, g_area.data, SZ, MAXP), 0);
	CU_ASSERT_EQUAL(twr_ring_pending(&late), SZ);
	for (i = 0; i < 64; i++)
		CU_ASSERT_EQUAL(consume(56, 1, i), 0);
	twr_ring_release_publish(&g_cons);
	CU_ASSERT_EQUAL(g_area.sh->cons, 0x800u);
	CU_ASSERT_EQUAL(produce(56, 1, 99), 0);
}

/* Seeded random traffic: random sizes, batch lengths and release points. */
static void test_random_traffic_in_order_and_intact(void)
{
	uint64_t seed = 0x5eed;
	uint32_t len[512], head = 0, tail = 0, produced = 0, consumed = 0;
	uint32_t n, l;
	int ret;

	ring_setup(2 * SZ, MAXP, (uint32_t)twr_test_rand(&seed) & ~7u);
	while (consumed < 20000) {
		n = (uint32_t)(twr_test_rand(&seed) % 16);
		while (n-- && produced - consumed < 512) {
			l = (uint32_t)(twr_test_rand(&seed) % (MAXP + 1));
			ret = produce(l, 6, produced);
			if (ret == -EAGAIN)
				break;
			CU_ASSERT_EQUAL_FATAL(ret, 0);
			len[head++ % 512] = l;
			produced++;
		}
		twr_ring_publish(&g_prod);
		n = (uint32_t)(twr_test_rand(&seed) % 16);
		while (n-- && consumed < produced && consumed < 20000) {
			CU_ASSERT_EQUAL_FATAL(consume(len[tail++ % 512], 6, consumed), 0);
			consumed++;
		}
		if (twr_test_rand(&seed) & 1)
			twr_ring_release_publish(&g_cons);
		if (produced == consumed)
			CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &(struct twr_rec){ 0 }), -EAGAIN);
	}
	CU_ASSERT_EQUAL(consumed, 20000);
}

/* ---- notifications and event indices --------------------------------- */

static void test_first_publish_notifies(void)
{
	ring_setup(SZ, MAXP, 0x100);
	CU_ASSERT_EQUAL(produce(10, 1, 1), 0);
	CU_ASSERT_TRUE(twr_ring_publish(&g_prod));
}

static void test_batch_publish_notifies_once(void)
{
	uint32_t i;

	ring_setup(SZ, MAXP, 0);
	for (i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(produce(50, 1, i), 0);
	CU_ASSERT_EQUAL(g_area.sh->prod, 0);
	CU_ASSERT_TRUE(twr_ring_publish(&g_prod));
	CU_ASSERT_EQUAL(g_area.sh->prod, 5 * REC(50));
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));
	for (i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(consume(50, 1, i), 0);
}

/* Until the consumer re-arms prod_event, more records are not notified:
 * it is still busy and will find them without an event. */
static void test_no_notify_while_consumer_busy(void)
{
	ring_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(produce(50, 1, 1), 0);
	CU_ASSERT_TRUE(twr_ring_publish(&g_prod));
	CU_ASSERT_EQUAL(produce(50, 1, 2), 0);
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));
	CU_ASSERT_EQUAL(consume(50, 1, 1), 0);
	CU_ASSERT_EQUAL(produce(50, 1, 3), 0);
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));
}

static void test_final_check_rearms_notify(void)
{
	ring_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(produce(50, 1, 1), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(produce(50, 1, 2), 0);
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));
	CU_ASSERT_EQUAL(consume(50, 1, 1), 0);
	CU_ASSERT_EQUAL(consume(50, 1, 2), 0);
	CU_ASSERT_FALSE(twr_ring_final_check(&g_cons));	/* may sleep */
	CU_ASSERT_EQUAL(g_area.sh->prod_event, 2 * REC(50) + 1);
	CU_ASSERT_EQUAL(produce(50, 1, 3), 0);
	CU_ASSERT_TRUE(twr_ring_publish(&g_prod));
	CU_ASSERT_TRUE(twr_ring_final_check(&g_cons));
}

/* The lost wake-up race: the producer publishes after the consumer found
 * the ring empty but before it armed prod_event, so the producer does not
 * notify; the final check must then see the record. */
static void test_final_check_catches_racing_publish(void)
{
	ring_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(produce(50, 1, 1), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(consume(50, 1, 1), 0);
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &(struct twr_rec){ 0 }), -EAGAIN);
	CU_ASSERT_EQUAL(produce(50, 1, 2), 0);
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));	/* no event sent */
	CU_ASSERT_TRUE(twr_ring_final_check(&g_cons));	/* so do not sleep */
	CU_ASSERT_EQUAL(consume(50, 1, 2), 0);
}

static void test_final_check_true_with_records_seen(void)
{
	ring_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(produce(50, 1, 1), 0);
	CU_ASSERT_EQUAL(produce(50, 1, 2), 0);
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(consume(50, 1, 1), 0);
	g_area.sh->prod_event = 0x12345678;
	CU_ASSERT_TRUE(twr_ring_final_check(&g_cons));
	/* It did not touch prod_event: it is not going to sleep. */
	CU_ASSERT_EQUAL(g_area.sh->prod_event, 0x12345678);
}

static void test_notify_only_when_event_index_passed(void)
{
	ring_setup(SZ, MAXP, 0);
	g_area.sh->prod_event = 3 * 64 + 1;	/* wake me after 3 records */
	CU_ASSERT_EQUAL(produce(56, 1, 1), 0);
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));
	CU_ASSERT_EQUAL(produce(56, 1, 2), 0);
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));
	CU_ASSERT_EQUAL(produce(56, 1, 3), 0);
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));	/* prod == 192: not past */
	CU_ASSERT_EQUAL(produce(56, 1, 4), 0);
	CU_ASSERT_TRUE(twr_ring_publish(&g_prod));	/* 192 -> 256 passes 193 */
	CU_ASSERT_EQUAL(produce(56, 1, 5), 0);
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));	/* event in the past */
}

/* 24-byte records take 32 ring bytes: from 0xffffffe0 two of them end at
 * 0x20, moving prod through 2^32 (a record never straddles it: the data
 * area size divides 2^32, so 2^32 is always the end of the data area). */
static void test_notify_is_wrap_safe_at_2_32(void)
{
	ring_setup(SZ, MAXP, 0xffffffe0u);
	CU_ASSERT_FALSE(twr_ring_final_check(&g_cons));
	CU_ASSERT_EQUAL(g_area.sh->prod_event, 0xffffffe1u);
	CU_ASSERT_EQUAL(produce(24, 1, 1), 0);
	CU_ASSERT_EQUAL(produce(24, 1, 2), 0);
	CU_ASSERT_TRUE(twr_ring_publish(&g_prod));
	CU_ASSERT_EQUAL(g_area.sh->prod, 0x20u);

	ring_setup(SZ, MAXP, 0xffffffe0u);
	g_area.sh->prod_event = 0;		/* exactly at 2^32 */
	CU_ASSERT_EQUAL(produce(24, 1, 1), 0);
	CU_ASSERT_EQUAL(produce(24, 1, 2), 0);
	CU_ASSERT_TRUE(twr_ring_publish(&g_prod));	/* 0 in (-0x20, 0x20] */
	g_area.sh->prod_event = 0x41;
	CU_ASSERT_EQUAL(produce(24, 1, 3), 0);
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));	/* 0x41 not in (0x20, 0x40] */
	g_area.sh->prod_event = 0xfffffff0u;		/* far behind */
	CU_ASSERT_EQUAL(produce(24, 1, 4), 0);
	CU_ASSERT_FALSE(twr_ring_publish(&g_prod));
	g_area.sh->prod_event = 0x61;
	CU_ASSERT_EQUAL(produce(24, 1, 5), 0);
	CU_ASSERT_EQUAL(produce(24, 1, 6), 0);
	CU_ASSERT_TRUE(twr_ring_publish(&g_prod));	/* 0x61 in (0x60, 0xa0] */
}

static void test_release_publish_quiet_without_waiter(void)
{
	ring_setup(SZ, MAXP, 0);
	fill_ring_64();
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(consume(56, 1, 0), 0);
	CU_ASSERT_FALSE(twr_ring_release_publish(&g_cons));
	CU_ASSERT_EQUAL(g_area.sh->cons_event, 0);
}

static void test_space_wait_prepare_true_when_it_fits(void)
{
	ring_setup(SZ, MAXP, 0);
	CU_ASSERT_TRUE(twr_ring_space_wait_prepare(&g_prod, MAXP));
	CU_ASSERT_EQUAL(g_area.sh->cons_event, 0);	/* not armed */
}

static void test_space_wait_prepare_arms_cons_event(void)
{
	ring_setup(SZ, MAXP, 0);
	fill_ring_64();
	twr_ring_publish(&g_prod);
	/* 120 bytes need 128 ring bytes: two 64-byte records must go. */
	CU_ASSERT_FALSE(twr_ring_space_wait_prepare(&g_prod, 120));
	CU_ASSERT_EQUAL(g_area.sh->cons_event, 128);
	CU_ASSERT_EQUAL(consume(56, 1, 0), 0);
	CU_ASSERT_FALSE(twr_ring_release_publish(&g_cons));
	CU_ASSERT_EQUAL(consume(56, 1, 1), 0);
	CU_ASSERT_TRUE(twr_ring_release_publish(&g_cons));
	CU_ASSERT_EQUAL(consume(56, 1, 2), 0);
	CU_ASSERT_FALSE(twr_ring_release_publish(&g_cons));	/* once */
	CU_ASSERT_EQUAL(produce(120, 1, 100), 0);
}

/* The space direction's lost wake-up race: the consumer frees space after
 * the producer saw the ring full but before it armed cons_event. */
static void test_space_wait_prepare_rechecks_cons(void)
{
	void *payload;

	ring_setup(SZ, MAXP, 0);
	fill_ring_64();
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, 56, &payload), -EAGAIN);
	CU_ASSERT_EQUAL(consume(56, 1, 0), 0);
	CU_ASSERT_FALSE(twr_ring_release_publish(&g_cons));	/* no event */
	CU_ASSERT_TRUE(twr_ring_space_wait_prepare(&g_prod, 56));	/* don't sleep */
	CU_ASSERT_EQUAL(produce(56, 1, 64), 0);
}

static void test_space_wait_prepare_never_fits_returns_true(void)
{
	ring_setup(SZ, MAXP, 0);
	fill_ring_64();
	CU_ASSERT_TRUE(twr_ring_space_wait_prepare(&g_prod, MAXP + 1));
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_prod, MAXP + 1, &(void *){ NULL }), -EMSGSIZE);
}

/* Padding plus record bigger than the ring: the producer waits for room
 * for the padding only, then for the record at offset 0. */
static void test_space_wait_prepare_big_record_waits_for_pad(void)
{
	struct twr_rec rec;

	ring_setup(SZ, SZ - 8, 0);
	CU_ASSERT_EQUAL(produce(SZ - 64 - 8, 1, 1), 0);	/* 0 .. SZ-64 */
	CU_ASSERT_EQUAL(produce(0, 1, 2), 0);		/* .. SZ-56 */
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(consume(SZ - 64 - 8, 1, 1), 0);
	twr_ring_release_publish(&g_cons);
	/* At SZ-56 a max record needs 56 padding + SZ: more than the ring.
	 * SZ - 8 bytes are free: the padding fits and is written alone. */
	CU_ASSERT_EQUAL(produce(SZ - 8, 1, 3), -EAGAIN);
	CU_ASSERT_EQUAL(hdr_at(SZ - 56)->type, TWR_REC_PAD);
	CU_ASSERT_FALSE(twr_ring_space_wait_prepare(&g_prod, SZ - 8));
	CU_ASSERT_EQUAL(g_area.sh->cons_event, SZ);	/* all of it free */
	twr_ring_publish(&g_prod);
	CU_ASSERT_EQUAL(consume(0, 1, 2), 0);
	CU_ASSERT_EQUAL(twr_ring_peek(&g_cons, &rec), -EAGAIN);
	CU_ASSERT_TRUE(twr_ring_release_publish(&g_cons));
	CU_ASSERT_TRUE(twr_ring_space_wait_prepare(&g_prod, SZ - 8));
	CU_ASSERT_EQUAL(produce(SZ - 8, 1, 3), 0);
}

/* ---- the broken latch ------------------------------------------------- */

static void test_mark_broken_latches_first_reason(void)
{
	static const char first[] = "first reason";

	ring_setup(SZ, MAXP, 0);
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

	ring_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(produce(50, 1, 1), 0);
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

	ring_setup(SZ, MAXP, 0);
	CU_ASSERT_EQUAL(produce(50, 1, 1), 0);
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

struct test_entry {
	const char *name;
	CU_TestFunc fn;
};

#define T(fn) { #fn, fn }

static const struct test_entry attach_tests[] = {
	T(test_attach_rejects_null_pointers),
	T(test_attach_rejects_bad_size),
	T(test_attach_rejects_oversized_max_payload),
	T(test_attach_rejects_unknown_role),
	T(test_attach_accepts_size_limits),
	T(test_attach_inconsistent_indices_is_broken),
	T(test_shared_init_sets_indices),
	T(test_attach_adopts_current_indices),
	{ NULL, NULL }
};

static const struct test_entry rw_tests[] = {
	T(test_peek_empty_ring_is_eagain),
	T(test_commit_invisible_until_publish),
	T(test_record_roundtrip_keeps_fields),
	T(test_publish_without_commit_is_noop),
	T(test_release_publish_gives_space_back),
	T(test_peek_twice_returns_same_record),
	T(test_release_without_peek_is_noop),
	T(test_commit_shorter_than_reserved),
	T(test_commit_longer_than_reserved_is_clamped),
	T(test_commit_zeroes_padding),
	T(test_zero_length_record),
	T(test_pending_tracks_published_bytes),
	T(test_space_counts_committed_bytes),
	T(test_records_keep_order),
	{ NULL, NULL }
};

static const struct test_entry limit_tests[] = {
	T(test_fill_ring_exactly_full),
	T(test_full_ring_frees_only_after_release_publish),
	T(test_reserve_too_big_is_emsgsize),
	T(test_max_size_record_fills_ring),
	T(test_max_size_record_at_unaligned_offset),
	T(test_large_records_always_progress),
	{ NULL, NULL }
};

static const struct test_entry wrap_tests[] = {
	T(test_record_ending_exactly_at_wrap),
	T(test_pad_record_fills_to_wrap),
	T(test_pad_record_of_header_only),
	T(test_index_wrap_at_2_32),
	T(test_full_ring_across_2_32),
	T(test_random_traffic_in_order_and_intact),
	{ NULL, NULL }
};

static const struct test_entry notify_tests[] = {
	T(test_first_publish_notifies),
	T(test_batch_publish_notifies_once),
	T(test_no_notify_while_consumer_busy),
	T(test_final_check_rearms_notify),
	T(test_final_check_catches_racing_publish),
	T(test_final_check_true_with_records_seen),
	T(test_notify_only_when_event_index_passed),
	T(test_notify_is_wrap_safe_at_2_32),
	T(test_release_publish_quiet_without_waiter),
	T(test_space_wait_prepare_true_when_it_fits),
	T(test_space_wait_prepare_arms_cons_event),
	T(test_space_wait_prepare_rechecks_cons),
	T(test_space_wait_prepare_never_fits_returns_true),
	T(test_space_wait_prepare_big_record_waits_for_pad),
	{ NULL, NULL }
};

static const struct test_entry broken_tests[] = {
	T(test_mark_broken_latches_first_reason),
	T(test_broken_producer_refuses_everything),
	T(test_broken_consumer_refuses_everything),
	{ NULL, NULL }
};

static int suite_cleanup(void)
{
	twr_test_area_uninit(&g_area);
	return 0;
}

static void add_suite(const char *name, const struct test_entry *t)
{
	CU_pSuite s = CU_add_suite(name, NULL, suite_cleanup);

	for (; s && t->name; t++)
		CU_add_test(s, t->name, t->fn);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	add_suite("ring_attach", attach_tests);
	add_suite("ring_produce_consume", rw_tests);
	add_suite("ring_limits", limit_tests);
	add_suite("ring_wrap", wrap_tests);
	add_suite("ring_notify", notify_tests);
	add_suite("ring_broken", broken_tests);
	return twr_test_run();
}
