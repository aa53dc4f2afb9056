// SPDX-License-Identifier: MIT
/*
 * twr_net_hdr_check(): what a twinnet receiver accepts from its peer before
 * the kernel's own offload checks run. Every field a hostile peer controls
 * is pushed past its bound, one at a time, from a header that passes.
 */
#include <string.h>

#include <CUnit/Basic.h>

#include "twr_net_check.h"

#define FRAME	1514u

/* A valid TCPv4 TSO header for a 64 KiB frame: csum at 34 + 16. */
static struct twr_net_hdr tso(void)
{
	struct twr_net_hdr h;

	memset(&h, 0, sizeof(h));
	h.flags = TWR_NET_F_CSUM_PARTIAL;
	h.gso_type = TWR_NET_GSO_TCPV4;
	h.gso_size = 1448;
	h.hdr_len = 66;
	h.csum_start = 34;
	h.csum_offset = 16;
	return h;
}

static void test_valid_headers_pass(void)
{
	struct twr_net_hdr h;

	memset(&h, 0, sizeof(h));
	CU_ASSERT_PTR_NULL(twr_net_hdr_check(&h, FRAME));
	CU_ASSERT_PTR_NULL(twr_net_hdr_check(&h, TWR_NET_PKT_MIN));
	CU_ASSERT_PTR_NULL(twr_net_hdr_check(&h, TWR_NET_PKT_MAX));
	h.flags = TWR_NET_F_DATA_VALID;
	CU_ASSERT_PTR_NULL(twr_net_hdr_check(&h, FRAME));
	h = tso();
	CU_ASSERT_PTR_NULL(twr_net_hdr_check(&h, 65536));
	h.gso_type = TWR_NET_GSO_TCPV6 | TWR_NET_GSO_ECN;
	CU_ASSERT_PTR_NULL(twr_net_hdr_check(&h, 65536));
}

static void test_frame_length_bounded(void)
{
	struct twr_net_hdr h;

	memset(&h, 0, sizeof(h));
	CU_ASSERT_PTR_NOT_NULL(twr_net_hdr_check(&h, 0));
	CU_ASSERT_PTR_NOT_NULL(twr_net_hdr_check(&h, TWR_NET_PKT_MIN - 1));
	CU_ASSERT_PTR_NOT_NULL(twr_net_hdr_check(&h, TWR_NET_PKT_MAX + 1));
	CU_ASSERT_PTR_NOT_NULL(twr_net_hdr_check(&h, 0xffffffffu));
}

static void test_unknown_flags_and_reserved_refused(void)
{
	struct twr_net_hdr h;
	unsigned int bit;

	for (bit = 2; bit < 8; bit++) {
		memset(&h, 0, sizeof(h));
		h.flags = (uint8_t)(1u << bit);
		CU_ASSERT_PTR_NOT_NULL(twr_net_hdr_check(&h, FRAME));
	}
	memset(&h, 0, sizeof(h));
	h.reserved0 = 1;
	CU_ASSERT_STRING_EQUAL(twr_net_hdr_check(&h, FRAME),
			       "reserved header fields not zero");
	memset(&h, 0, sizeof(h));
	h.reserved1 = 0x80000000u;
	CU_ASSERT_PTR_NOT_NULL(twr_net_hdr_check(&h, FRAME));
}

static void test_gso_fields_checked(void)
{
	struct twr_net_hdr h;
	unsigned int t;

	for (t = 0; t < 256; t++) {
		h = tso();
		h.gso_type = (uint8_t)t;
		if ((t & 0x7f) == TWR_NET_GSO_TCPV4 || (t & 0x7f) == TWR_NET_GSO_TCPV6 ||
		    t == TWR_NET_GSO_NONE) {
			CU_ASSERT_PTR_NULL(twr_net_hdr_check(&h, 65536));
		} else {
			CU_ASSERT_PTR_NOT_NULL(twr_net_hdr_check(&h, 65536));
		}
	}
	h = tso();
	h.flags = 0;		/* GSO needs the partial checksum */
	CU_ASSERT_PTR_NOT_NULL(twr_net_hdr_check(&h, 65536));
	h = tso();
	h.gso_size = 0;
	CU_ASSERT_PTR_NOT_NULL(twr_net_hdr_check(&h, 65536));
	h = tso();
	h.gso_size = 2000;
	CU_ASSERT_PTR_NOT_NULL(twr_net_hdr_check(&h, 1999));
	CU_ASSERT_PTR_NULL(twr_net_hdr_check(&h, 2000));
}

static void test_csum_offsets_inside_frame(void)
{
	struct twr_net_hdr h;

	memset(&h, 0, sizeof(h));
	h.flags = TWR_NET_F_CSUM_PARTIAL;
	h.csum_start = 34;
	h.csum_offset = 16;
	CU_ASSERT_PTR_NULL(twr_net_hdr_check(&h, 52));	/* ends exactly */
	CU_ASSERT_PTR_NOT_NULL(twr_net_hdr_check(&h, 51));
	h.csum_start = 0xffff;	/* no 16-bit wrap of start + offset */
	h.csum_offset = 0xffff;
	CU_ASSERT_PTR_NOT_NULL(twr_net_hdr_check(&h, TWR_NET_PKT_MAX));
	/* Offsets are ignored without CSUM_PARTIAL. */
	h.flags = TWR_NET_F_DATA_VALID;
	CU_ASSERT_PTR_NULL(twr_net_hdr_check(&h, FRAME));
}

int main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("net_hdr_check", NULL, NULL);
	if (!s ||
	    !CU_add_test(s, "test_valid_headers_pass", test_valid_headers_pass) ||
	    !CU_add_test(s, "test_frame_length_bounded", test_frame_length_bounded) ||
	    !CU_add_test(s, "test_unknown_flags_and_reserved_refused",
			 test_unknown_flags_and_reserved_refused) ||
	    !CU_add_test(s, "test_gso_fields_checked", test_gso_fields_checked) ||
	    !CU_add_test(s, "test_csum_offsets_inside_frame",
			 test_csum_offsets_inside_frame)) {
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
