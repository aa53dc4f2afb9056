// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: twr_net_hdr_check() (netcore/twr_net_check.c), what a
 * twinnet receiver, frontend or backend, applies to the header of each
 * packet record its peer writes. The input:
 *
 *   +0  u32  record length  (rec.len, the ring library's private copy)
 *   +4  16 bytes            struct twr_net_hdr, as the peer wrote it
 *
 * As the drivers do (netcore/twinnet_rec.c), records shorter than the
 * header are refused before it is copied and the frame is rec.len - 16.
 * The header is passed as an exact-size heap copy (ASan catches any read
 * past it). The verdict must equal an independent model of the rules in
 * net.h, and an accepted header's checksum field must lie inside the frame.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_area.h"
#include "twr_net_check.h"

/* The receiver rules of include/twinring/net.h, restated. */
static int model_ok(const struct twr_net_hdr *h, uint32_t len)
{
	unsigned int gso = h->gso_type & 0x7fu;

	if (len < TWR_NET_PKT_MIN || len > TWR_NET_PKT_MAX)
		return 0;
	if (h->flags & ~(TWR_NET_F_CSUM_PARTIAL | TWR_NET_F_DATA_VALID))
		return 0;
	if (h->reserved0 || h->reserved1)
		return 0;
	if (h->gso_type) {
		if (gso != TWR_NET_GSO_TCPV4 && gso != TWR_NET_GSO_TCPV6)
			return 0;
		if (!(h->flags & TWR_NET_F_CSUM_PARTIAL))
			return 0;
		if (h->gso_size == 0 || h->gso_size > len)
			return 0;
	}
	if (h->flags & TWR_NET_F_CSUM_PARTIAL &&
	    (uint64_t)h->csum_start + h->csum_offset + 2 > len)
		return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct twr_fuzz_in in = { data, size };
	struct twr_net_hdr *h;
	uint32_t rec_len, len;
	const char *why;

	rec_len = twr_fuzz_u32(&in);
	if (rec_len < TWR_NET_HDR_SIZE)
		return 0;
	len = rec_len - TWR_NET_HDR_SIZE;
	h = calloc(1, sizeof(*h));
	if (!h)
		return 0;
	memcpy(h, in.p, in.left < sizeof(*h) ? in.left : sizeof(*h));

	why = twr_net_hdr_check(h, len);
	FUZZ_CHECK(model_ok(h, len) == !why);
	if (!why) {
		FUZZ_CHECK(rec_len <= TWR_NET_REC_MAX);
		/* The stack will write 2 checksum bytes there. */
		FUZZ_CHECK(!(h->flags & TWR_NET_F_CSUM_PARTIAL) ||
			   (uint32_t)h->csum_start + h->csum_offset + 2 <= len);
		FUZZ_CHECK(!h->gso_type || (h->gso_size && h->gso_size <= len));
	} else {
		FUZZ_CHECK(why[0] != '\0');
	}
	free(h);
	return 0;
}
