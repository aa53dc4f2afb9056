// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * twinnet: sk_buff <-> net record (include/twinring/net.h), for both ends:
 * part of twinnet-core.ko (see twinnet.h).
 *
 * The offload metadata has virtio_net_hdr semantics on purpose: on receive
 * the kernel's virtio_net_hdr_to_skb(), the hardened path tun and packet
 * sockets use for untrusted user space, validates checksum offsets and GSO
 * fields against the packet and marks GSO packets SKB_GSO_DODGY so the
 * stack re-checks their headers. Before that, everything the ring library
 * cannot know is checked: the record type here, lengths, flags and reserved
 * fields by twr_net_hdr_check() (twr_net_check.c).
 */
#include <linux/etherdevice.h>
#include <linux/skbuff.h>
#include <linux/virtio_net.h>

#include "twinnet.h"
#include "twr_barrier.h"
#include "twr_net_check.h"

/* Frames up to this size become one linear skb: one allocation, one copy. */
#define TWINNET_COPYBREAK	2048u
/* Larger ones: this much linear (headers), the rest in page fragments. */
#define TWINNET_HEAD		256u
/* Fragment allocation: try this order first (fewer frags, fewer allocs). */
#define TWINNET_FRAG_ORDER	3u

static_assert(TWR_NET_F_CSUM_PARTIAL == VIRTIO_NET_HDR_F_NEEDS_CSUM);
static_assert(TWR_NET_F_DATA_VALID == VIRTIO_NET_HDR_F_DATA_VALID);
static_assert(TWR_NET_GSO_TCPV4 == VIRTIO_NET_HDR_GSO_TCPV4);
static_assert(TWR_NET_GSO_TCPV6 == VIRTIO_NET_HDR_GSO_TCPV6);
static_assert(TWR_NET_GSO_ECN == VIRTIO_NET_HDR_GSO_ECN);
static_assert(TWINNET_HEAD + (TWR_NET_PKT_MAX - TWINNET_HEAD + PAGE_SIZE - 1) /
	      PAGE_SIZE <= TWINNET_HEAD + MAX_SKB_FRAGS);

int twinnet_rec_put(struct twr_ring *r, const struct sk_buff *skb,
		    bool has_data_valid, bool corrupt)
{
	struct virtio_net_hdr vh;
	struct twr_net_hdr h;
	u8 *p;
	int ret;

	if (skb->len < TWR_NET_PKT_MIN || skb->len > TWR_NET_PKT_MAX)
		return -EMSGSIZE;
	/* GSO types other than TCP are never enabled on our netdevs. */
	if (virtio_net_hdr_from_skb(skb, &vh, true, has_data_valid, 0))
		return -EOPNOTSUPP;
	if (vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM &&
	    (__virtio16_to_cpu(true, vh.csum_start) > skb->len))
		return -EINVAL;

	ret = twr_ring_reserve(r, TWR_NET_HDR_SIZE + skb->len, (void **)&p);
	if (ret)
		return ret;
	memset(&h, 0, sizeof(h));
	h.flags = vh.flags;
	h.gso_type = vh.gso_type;
	h.hdr_len = __virtio16_to_cpu(true, vh.hdr_len);
	h.gso_size = __virtio16_to_cpu(true, vh.gso_size);
	h.csum_start = __virtio16_to_cpu(true, vh.csum_start);
	h.csum_offset = __virtio16_to_cpu(true, vh.csum_offset);
	if (corrupt)
		h.reserved1 = 0xbad;
	memcpy(p, &h, sizeof(h));
	/* Linear part and fragments alike; cannot fail within skb->len. */
	if (skb_copy_bits(skb, 0, p + TWR_NET_HDR_SIZE, skb->len))
		memset(p + TWR_NET_HDR_SIZE, 0, skb->len);
	twr_ring_commit(r, TWR_NET_HDR_SIZE + skb->len, TWR_NET_REC_PKT, 0);
	return 0;
}

/* Copy @len bytes at @src into fragments of @skb. */
static int twinnet_skb_fill_frags(struct sk_buff *skb, const u8 *src, u32 len)
{
	unsigned int order = TWINNET_FRAG_ORDER, i = 0;
	struct page *page;
	u32 chunk;

	while (len) {
		page = NULL;
		if (order && len > PAGE_SIZE)
			page = alloc_pages(GFP_ATOMIC | __GFP_NOWARN |
					   __GFP_NORETRY | __GFP_COMP, order);
		if (!page) {
			order = 0;
			page = alloc_page(GFP_ATOMIC | __GFP_NOWARN);
		}
		if (!page || i >= MAX_SKB_FRAGS) {
			if (page)
				__free_pages(page, order);
			return -ENOMEM;
		}
		chunk = min_t(u32, len, PAGE_SIZE << order);
		memcpy(page_address(page), src, chunk);
		skb_add_rx_frag(skb, i++, page, 0, chunk, PAGE_SIZE << order);
		src += chunk;
		len -= chunk;
	}
	return 0;
}

struct sk_buff *twinnet_rec_to_skb(struct napi_struct *napi,
				   const struct twr_rec *rec, const char **why)
{
	struct virtio_net_hdr vh;
	struct twr_net_hdr h;
	struct sk_buff *skb;
	const u8 *pkt;
	u32 len, head;

	if (rec->type != TWR_NET_REC_PKT || rec->flags) {
		*why = "unknown record type";
		return ERR_PTR(-EPROTO);
	}
	if (rec->len < TWR_NET_HDR_SIZE) {
		*why = "packet length out of range";
		return ERR_PTR(-EPROTO);
	}
	/* Private copy first: the peer can rewrite the ring under us. */
	twr_copy_shared(&h, rec->data, sizeof(h));
	len = rec->len - TWR_NET_HDR_SIZE;
	*why = twr_net_hdr_check(&h, len);
	if (*why)
		return ERR_PTR(-EPROTO);

	pkt = (const u8 *)rec->data + TWR_NET_HDR_SIZE;
	head = len <= TWINNET_COPYBREAK ? len : TWINNET_HEAD;
	skb = napi_alloc_skb(napi, head);
	if (!skb)
		return ERR_PTR(-ENOMEM);
	skb_put_data(skb, pkt, head);
	if (len > head && twinnet_skb_fill_frags(skb, pkt + head, len - head)) {
		kfree_skb(skb);
		return ERR_PTR(-ENOMEM);
	}

	memset(&vh, 0, sizeof(vh));
	vh.flags = h.flags & TWR_NET_F_CSUM_PARTIAL;
	vh.gso_type = h.gso_type;
	vh.hdr_len = __cpu_to_virtio16(true, h.hdr_len);
	vh.gso_size = __cpu_to_virtio16(true, h.gso_size);
	vh.csum_start = __cpu_to_virtio16(true, h.csum_start);
	vh.csum_offset = __cpu_to_virtio16(true, h.csum_offset);
	if (virtio_net_hdr_to_skb(skb, &vh, true)) {
		kfree_skb(skb);
		*why = "offload metadata does not match the packet";
		return ERR_PTR(-EPROTO);
	}
	if (h.flags == TWR_NET_F_DATA_VALID)
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	return skb;
}
