// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * twinnet packet header validation: what a peer-written header can get
 * wrong, checked on the receiver's private copy without overflow.
 */
#ifdef __KERNEL__
#include <linux/stddef.h>
#else
#include <stddef.h>
#endif

#include "twr_net_check.h"

const char *twr_net_hdr_check(const struct twr_net_hdr *h, uint32_t len)
{
	uint8_t gso = (uint8_t)(h->gso_type & ~TWR_NET_GSO_ECN);

	if (len < TWR_NET_PKT_MIN || len > TWR_NET_PKT_MAX)
		return "packet length out of range";
	if (h->flags & ~TWR_NET_F_KNOWN)
		return "unknown packet flags";
	if (h->reserved0 || h->reserved1)
		return "reserved header fields not zero";
	if (h->gso_type != TWR_NET_GSO_NONE) {
		if (gso != TWR_NET_GSO_TCPV4 && gso != TWR_NET_GSO_TCPV6)
			return "unknown GSO type";
		if (!(h->flags & TWR_NET_F_CSUM_PARTIAL))
			return "GSO packet without partial checksum";
		if (!h->gso_size || h->gso_size > len)
			return "GSO segment size out of range";
	}
	if (h->flags & TWR_NET_F_CSUM_PARTIAL &&
	    (uint32_t)h->csum_start + h->csum_offset + 2u > len)
		return "checksum offsets beyond the packet";
	return NULL;
}
