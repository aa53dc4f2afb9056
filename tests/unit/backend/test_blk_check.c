// SPDX-License-Identifier: MIT
/*
 * CUnit tests of twr_blk_req_check(): the backend's validation of requests
 * written by a (possibly hostile) frontend. Compiles backend/twr_blk_check.c,
 * the very source twinblk-back.ko builds.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "twr_blk_check.h"

/* A 1 GiB disk of 512-byte blocks and one of 4096-byte blocks. */
static const struct twr_blk_geom g512 = { .sectors = 2097152, .sector_size = 512 };
static const struct twr_blk_geom g4k = { .sectors = 2097152, .sector_size = 4096 };

static struct twr_blk_req mkreq(uint8_t op, uint64_t sector, uint32_t nr)
{
	struct twr_blk_req r;

	memset(&r, 0, sizeof(r));
	r.id = 7;
	r.op = op;
	r.sector = sector;
	r.nr_sectors = nr;
	return r;
}

/* Record length a well-formed request of this shape has. */
static uint32_t reclen(const struct twr_blk_req *r)
{
	return TWR_BLK_HDR_LEN +
	       (r->op == TWR_BLK_OP_WRITE ? r->nr_sectors * 512u : 0);
}

static const char *check(const struct twr_blk_geom *g, struct twr_blk_req r)
{
	return twr_blk_req_check(g, reclen(&r), TWR_BLK_REC_REQ, 0, &r);
}

static void test_valid_requests_pass(void)
{
	struct twr_blk_req r;

	CU_ASSERT_PTR_NULL(check(&g512, mkreq(TWR_BLK_OP_READ, 0, 8)));
	CU_ASSERT_PTR_NULL(check(&g512, mkreq(TWR_BLK_OP_WRITE, 2097152 - 2048, 2048)));
	CU_ASSERT_PTR_NULL(check(&g512, mkreq(TWR_BLK_OP_FLUSH, 0, 0)));
	CU_ASSERT_PTR_NULL(check(&g512, mkreq(TWR_BLK_OP_DISCARD, 0, 1u << 21)));
	r = mkreq(TWR_BLK_OP_WRITE, 16, 8);
	r.flags = TWR_BLK_REQ_F_FUA;
	CU_ASSERT_PTR_NULL(check(&g512, r));
	r.id = TWR_BLK_MAX_IDS - 1;
	CU_ASSERT_PTR_NULL(check(&g512, r));
}

static void test_range_without_overflow(void)
{
	/* One sector past the end, and sector + nr wrapping 2^64 to 0. */
	CU_ASSERT_PTR_NOT_NULL(check(&g512, mkreq(TWR_BLK_OP_READ, 2097152 - 7, 8)));
	CU_ASSERT_PTR_NOT_NULL(check(&g512, mkreq(TWR_BLK_OP_READ, 2097152, 8)));
	CU_ASSERT_PTR_NOT_NULL(check(&g512, mkreq(TWR_BLK_OP_READ, ~0ull - 7, 8)));
	CU_ASSERT_PTR_NOT_NULL(check(&g512, mkreq(TWR_BLK_OP_DISCARD, ~0ull, 1)));
	CU_ASSERT_PTR_NOT_NULL(check(&g512, mkreq(TWR_BLK_OP_WRITE, 1ull << 63, 2048)));
}

static void test_lengths_bounded(void)
{
	CU_ASSERT_PTR_NOT_NULL(check(&g512, mkreq(TWR_BLK_OP_READ, 0, 0)));
	CU_ASSERT_PTR_NOT_NULL(check(&g512, mkreq(TWR_BLK_OP_READ, 0, 2056)));
	CU_ASSERT_PTR_NOT_NULL(check(&g512, mkreq(TWR_BLK_OP_DISCARD, 0, 0)));
	CU_ASSERT_PTR_NOT_NULL(check(&g512, mkreq(TWR_BLK_OP_DISCARD, 0, (1u << 21) + 8)));
	/* nr_sectors << 9 would wrap 32 bits: rejected before it is used. */
	CU_ASSERT_PTR_NOT_NULL(check(&g512, mkreq(TWR_BLK_OP_WRITE, 0, 1u << 23)));
}

static void test_record_length_must_match(void)
{
	struct twr_blk_req r = mkreq(TWR_BLK_OP_WRITE, 0, 8);

	CU_ASSERT_PTR_NOT_NULL(twr_blk_req_check(&g512, reclen(&r) - 8, TWR_BLK_REC_REQ, 0, &r));
	CU_ASSERT_PTR_NOT_NULL(twr_blk_req_check(&g512, reclen(&r) + 8, TWR_BLK_REC_REQ, 0, &r));
	CU_ASSERT_PTR_NOT_NULL(twr_blk_req_check(&g512, TWR_BLK_REQ_SIZE - 8, TWR_BLK_REC_REQ, 0, &r));
	/* Protocol 2's layout (data right after the 24-byte header) is
	 * refused: data starts 512 bytes into the record. */
	CU_ASSERT_PTR_NOT_NULL(twr_blk_req_check(&g512, TWR_BLK_REQ_SIZE + 4096, TWR_BLK_REC_REQ, 0, &r));
	r = mkreq(TWR_BLK_OP_FLUSH, 0, 0);
	CU_ASSERT_PTR_NOT_NULL(twr_blk_req_check(&g512, TWR_BLK_REQ_SIZE, TWR_BLK_REC_REQ, 0, &r));
	CU_ASSERT_PTR_NULL(twr_blk_req_check(&g512, TWR_BLK_HDR_LEN, TWR_BLK_REC_REQ, 0, &r));
	r = mkreq(TWR_BLK_OP_READ, 0, 8);	/* a read carries no data */
	CU_ASSERT_PTR_NOT_NULL(twr_blk_req_check(&g512, TWR_BLK_HDR_LEN + 4096, TWR_BLK_REC_REQ, 0, &r));
}

static void test_header_fields(void)
{
	struct twr_blk_req r = mkreq(TWR_BLK_OP_READ, 0, 8);

	CU_ASSERT_PTR_NOT_NULL(twr_blk_req_check(&g512, reclen(&r), TWR_BLK_REC_RSP, 0, &r));
	CU_ASSERT_PTR_NOT_NULL(twr_blk_req_check(&g512, reclen(&r), TWR_BLK_REC_REQ, 1, &r));
	r.id = TWR_BLK_MAX_IDS;
	CU_ASSERT_PTR_NOT_NULL(check(&g512, r));
	r = mkreq(TWR_BLK_OP_MAX + 1, 0, 8);
	CU_ASSERT_PTR_NOT_NULL(check(&g512, r));
	r = mkreq(TWR_BLK_OP_READ, 0, 8);
	r.flags = TWR_BLK_REQ_F_FUA;		/* FUA only on writes */
	CU_ASSERT_PTR_NOT_NULL(check(&g512, r));
	r = mkreq(TWR_BLK_OP_WRITE, 0, 8);
	r.flags = 0x80;
	CU_ASSERT_PTR_NOT_NULL(check(&g512, r));
	r = mkreq(TWR_BLK_OP_READ, 0, 8);
	r.reserved = 1;
	CU_ASSERT_PTR_NOT_NULL(check(&g512, r));
	CU_ASSERT_PTR_NOT_NULL(check(&g512, mkreq(TWR_BLK_OP_FLUSH, 8, 0)));
	CU_ASSERT_PTR_NOT_NULL(check(&g512, mkreq(TWR_BLK_OP_FLUSH, 0, 8)));
}

static void test_alignment_to_block_size(void)
{
	CU_ASSERT_PTR_NULL(check(&g4k, mkreq(TWR_BLK_OP_READ, 8, 8)));
	CU_ASSERT_PTR_NOT_NULL(check(&g4k, mkreq(TWR_BLK_OP_READ, 4, 8)));
	CU_ASSERT_PTR_NOT_NULL(check(&g4k, mkreq(TWR_BLK_OP_WRITE, 8, 4)));
	CU_ASSERT_PTR_NOT_NULL(check(&g4k, mkreq(TWR_BLK_OP_DISCARD, 1, 8)));
	CU_ASSERT_PTR_NULL(check(&g512, mkreq(TWR_BLK_OP_READ, 1, 3)));
}

int main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("blk_req_check", NULL, NULL);
	if (!s ||
	    !CU_add_test(s, "test_valid_requests_pass", test_valid_requests_pass) ||
	    !CU_add_test(s, "test_range_without_overflow", test_range_without_overflow) ||
	    !CU_add_test(s, "test_lengths_bounded", test_lengths_bounded) ||
	    !CU_add_test(s, "test_record_length_must_match", test_record_length_must_match) ||
	    !CU_add_test(s, "test_header_fields", test_header_fields) ||
	    !CU_add_test(s, "test_alignment_to_block_size", test_alignment_to_block_size)) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_NORMAL);
	CU_basic_run_tests();
	if (CU_get_number_of_tests_failed() || CU_get_number_of_failures()) {
		CU_cleanup_registry();
		return 1;
	}
	CU_cleanup_registry();
	return 0;
}
