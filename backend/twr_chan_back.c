// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * twinring channel core, backend side: map once, validate, unmap. See
 * twr_chan_back.h for the contract.
 *
 * Why not xenbus_map_ring_valloc(): it maps at most XENBUS_MAX_RING_GRANTS
 * (16) pages and always read-write, while a ring is up to 1024 pages and
 * ring A and the directories must be mapped read-only. So:
 *  - PV (the lab's dom0): vmap() one placeholder page nr times to get a
 *    contiguous area whose PTEs exist, then one batched
 *    GNTTABOP_map_grant_ref with GNTMAP_contains_pte replaces each PTE with
 *    the foreign frame (Xen drops the placeholder's reference). Unmapping
 *    by PTE clears them again; vunmap() then frees the area.
 *  - auto-translated (PVH/HVM): ballooned frames from gnttab_alloc_pages(),
 *    gnttab_map_refs() into them, vmap() of those frames.
 * A protocol that does I/O on the ring pages (twinblk's direct I/O: bvecs
 * need struct pages, which PV's PTE mapping has none of) asks for io_pages:
 * on PV the data rings' grants are then mapped a second time, into
 * ballooned frames as blkback maps its segments (Xen counts both mappings;
 * both go at disconnect). Auto-translated mappings have the frames anyway.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/page.h>
#include <xen/events.h>
#include <xen/page.h>
#include <xen/xen.h>

#include "twinring/xenbus.h"
#include "twr_chan_back.h"
#include "twinring/version.h"

#define TWR_UNMAP_BATCH	16

static bool require_go_ahead = true;
module_param(require_go_ahead, bool, 0644);
MODULE_PARM_DESC(require_go_ahead,
		 "map a channel only once the toolstack wrote iotask-ready (docs/iotask.md)");

/* Unmap grants mapped into ballooned frames @pages (their @handles), in
 * batches from the stack. Returns how many could not be unmapped. */
static unsigned int twr_chan_back_unmap_pages(struct page **pages,
					      grant_handle_t *handles,
					      unsigned int nr)
{
	struct gnttab_unmap_grant_ref ops[TWR_UNMAP_BATCH];
	struct page *batch[TWR_UNMAP_BATCH];
	unsigned int i, n, left = 0;
	int ret;

	for (i = 0; i < nr; ) {
		for (n = 0; i < nr && n < TWR_UNMAP_BATCH; i++) {
			if (handles[i] == INVALID_GRANT_HANDLE)
				continue;
			gnttab_set_unmap_op(&ops[n],
				(unsigned long)pfn_to_kaddr(page_to_xen_pfn(pages[i])),
				GNTMAP_host_map, handles[i]);
			batch[n++] = pages[i];
		}
		if (!n)
			continue;
		ret = gnttab_unmap_refs(ops, NULL, batch, n);
		while (n--)
			if (ret || ops[n].status != GNTST_okay)
				left++;
	}
	return left;
}

/* Unmap in batches from the stack: teardown must not need memory. */
static void twr_chan_back_unmap(struct twr_chan_back_map *m)
{
	struct gnttab_unmap_grant_ref ops[TWR_UNMAP_BATCH];
	unsigned int i, n, left = 0;
	bool leak = false;
	int ret;

	if (!m->handles)
		goto out_free;
	if (!xen_pv_domain()) {
		if (m->addr)
			vunmap(m->addr);
		m->addr = NULL;
		left = twr_chan_back_unmap_pages(m->pages, m->handles, m->nr);
		goto out_check;
	}
	if (m->page_handles)
		left = twr_chan_back_unmap_pages(m->pages, m->page_handles,
						 m->nr);
	for (i = 0; i < m->nr; ) {
		for (n = 0; i < m->nr && n < TWR_UNMAP_BATCH; i++) {
			if (m->handles[i] == INVALID_GRANT_HANDLE)
				continue;
			gnttab_set_unmap_op(&ops[n++], m->ptes[i],
					    GNTMAP_host_map | GNTMAP_contains_pte,
					    m->handles[i]);
		}
		if (!n)
			continue;
		ret = HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref,
						ops, n);
		while (n--)
			if (ret || ops[n].status != GNTST_okay)
				left++;
	}
out_check:
	if (left) {
		/* Never seen in practice; keep the area rather than let a
		 * later reuse of it touch the peer's pages. */
		pr_err("%u grant mappings could not be unmapped (leaking them)\n",
		       left);
		leak = true;
	}
	if (m->addr && !leak)
		vunmap(m->addr);
	m->addr = NULL;
	if (m->pages && !leak)
		gnttab_free_pages(m->nr, m->pages);
out_free:
	if (m->addr)
		vunmap(m->addr);
	if (m->filler && !leak)
		__free_page(m->filler);
	kvfree(m->pages);
	kvfree(m->page_handles);
	kvfree(m->handles);
	kvfree(m->ptes);
	memset(m, 0, sizeof(*m));
}

static int twr_chan_back_map_pv(struct twr_chan_back_map *m,
				struct gnttab_map_grant_ref *ops,
				const grant_ref_t *refs, domid_t domid,
				u32 flags)
{
	struct page **fill;
	unsigned int i, level;
	pte_t *pte;

	m->ptes = kvcalloc(m->nr, sizeof(*m->ptes), GFP_KERNEL);
	m->filler = alloc_page(GFP_KERNEL | __GFP_ZERO);
	fill = kvcalloc(m->nr, sizeof(*fill), GFP_KERNEL);
	if (!m->ptes || !m->filler || !fill) {
		kvfree(fill);
		return -ENOMEM;
	}
	for (i = 0; i < m->nr; i++)
		fill[i] = m->filler;
	m->addr = vmap(fill, m->nr, VM_MAP, PAGE_KERNEL);
	kvfree(fill);
	if (!m->addr)
		return -ENOMEM;
	for (i = 0; i < m->nr; i++) {
		pte = lookup_address((unsigned long)m->addr + i * PAGE_SIZE,
				     &level);
		if (!pte || level != PG_LEVEL_4K)
			return -EFAULT;
		m->ptes[i] = arbitrary_virt_to_machine(pte).maddr;
		gnttab_set_map_op(&ops[i], m->ptes[i],
				  flags | GNTMAP_contains_pte, refs[i], domid);
	}
	gnttab_batch_map(ops, m->nr);
	return 0;
}

/* Ballooned frames for @m's pages, and @refs mapped into them (each
 * one's status in @ops). Auto-translated: the mapping itself; PV: the
 * second one (io_pages). */
static int twr_chan_back_map_pages(struct twr_chan_back_map *m,
				   struct gnttab_map_grant_ref *ops,
				   const grant_ref_t *refs, domid_t domid,
				   u32 flags)
{
	unsigned int i;
	int ret;

	m->pages = kvcalloc(m->nr, sizeof(*m->pages), GFP_KERNEL);
	if (!m->pages)
		return -ENOMEM;
	ret = gnttab_alloc_pages(m->nr, m->pages);
	if (ret) {
		kvfree(m->pages);
		m->pages = NULL;
		return ret;
	}
	for (i = 0; i < m->nr; i++)
		gnttab_set_map_op(&ops[i],
			(unsigned long)pfn_to_kaddr(page_to_xen_pfn(m->pages[i])),
			flags, refs[i], domid);
	return gnttab_map_refs(ops, NULL, m->pages, m->nr);
}

/* PV, io_pages: map the grants a second time, into ballooned frames. */
static int twr_chan_back_map_pages_pv(struct twr_chan_back_map *m,
				      struct gnttab_map_grant_ref *ops,
				      const grant_ref_t *refs, domid_t domid,
				      u32 flags)
{
	unsigned int i;
	int ret;

	m->page_handles = kvcalloc(m->nr, sizeof(*m->page_handles),
				   GFP_KERNEL);
	if (!m->page_handles)
		return -ENOMEM;
	for (i = 0; i < m->nr; i++)
		m->page_handles[i] = INVALID_GRANT_HANDLE;
	ret = twr_chan_back_map_pages(m, ops, refs, domid, flags);
	if (!m->pages)
		return ret;	/* no frames: nothing was mapped */
	for (i = 0; i < m->nr; i++) {
		if (ops[i].status == GNTST_okay)
			m->page_handles[i] = ops[i].handle;
		else if (!ret)
			ret = -ENOENT;
	}
	return ret;
}

/* Map @nr foreign pages @refs of @domid contiguously at m->addr; with
 * @io_pages, m->pages holds them as struct pages too (PV: mapped twice). */
static int twr_chan_back_map(struct twr_chan_back_map *m, domid_t domid,
			     const grant_ref_t *refs, unsigned int nr,
			     bool readonly, bool io_pages)
{
	u32 flags = GNTMAP_host_map | (readonly ? GNTMAP_readonly : 0);
	struct gnttab_map_grant_ref *ops;
	unsigned int i;
	int ret;

	memset(m, 0, sizeof(*m));
	m->nr = nr;
	m->readonly = readonly;
	m->handles = kvcalloc(nr, sizeof(*m->handles), GFP_KERNEL);
	ops = kvcalloc(nr, sizeof(*ops), GFP_KERNEL);
	ret = -ENOMEM;
	if (!m->handles || !ops)
		goto out;
	for (i = 0; i < nr; i++)
		m->handles[i] = INVALID_GRANT_HANDLE;

	if (xen_pv_domain())
		ret = twr_chan_back_map_pv(m, ops, refs, domid, flags);
	else
		ret = twr_chan_back_map_pages(m, ops, refs, domid, flags);
	if (ret)
		goto out;
	for (i = 0; i < nr; i++) {
		if (ops[i].status == GNTST_okay)
			m->handles[i] = ops[i].handle;
		else if (!ret)
			ret = -ENOENT;	/* bad ref or access: the peer's doing */
	}
	if (!ret && !xen_pv_domain()) {
		m->addr = vmap(m->pages, nr, VM_MAP, PAGE_KERNEL);
		if (!m->addr)
			ret = -ENOMEM;
	}
	if (!ret && xen_pv_domain() && io_pages) {
		memset(ops, 0, nr * sizeof(*ops));
		ret = twr_chan_back_map_pages_pv(m, ops, refs, domid, flags);
	}
out:
	kvfree(ops);
	if (ret)
		twr_chan_back_unmap(m);
	return ret;
}

/* Read one unsigned node of the frontend's queue directory. */
static int twr_chan_back_read(const char *dir, const char *node,
			      unsigned int *val)
{
	int ret = xenbus_scanf(XBT_NIL, dir, node, "%u", val);

	return ret == 1 ? 0 : (ret < 0 ? ret : -EINVAL);
}

/* Map the two directory pages read-only and copy the data-page refs out. */
static int twr_chan_back_read_dirs(struct twr_chan_back *ch, domid_t domid,
				   const grant_ref_t dir_refs[2],
				   grant_ref_t *a_refs, grant_ref_t *b_refs)
{
	struct twr_chan_back_map dirs;
	const __le32 *dir;
	unsigned int i;
	int ret;

	ret = twr_chan_back_map(&dirs, domid, dir_refs, 2, true, false);
	if (ret)
		return ret;
	dir = dirs.addr;
	for (i = 0; i < (1u << ch->a_order); i++)
		a_refs[i] = le32_to_cpu(READ_ONCE(dir[i]));
	dir = dirs.addr + PAGE_SIZE;
	for (i = 0; i < (1u << ch->b_order); i++)
		b_refs[i] = le32_to_cpu(READ_ONCE(dir[i]));
	twr_chan_back_unmap(&dirs);
	return 0;
}

int twr_chan_back_connect(struct twr_chan_back *ch, struct xenbus_device *dev,
			  unsigned int index,
			  const struct twr_chan_back_limits *lim,
			  irq_handler_t handler, void *dev_id)
{
	unsigned int ctrl_ref, dir_a, dir_b, port, max_order;
	grant_ref_t dir_refs[2], ctl_ref, *a_refs = NULL, *b_refs = NULL;
	domid_t domid = dev->otherend_id;
	const char *what;
	char *dir;
	int ret;

	/* Never over a live channel: its mappings, vmap area and irq would be
	 * forgotten, not released (dom0's maptrack is shared by every
	 * guest). The callers connect only from InitWait (may_connect) and
	 * disconnect first; this keeps a slip from becoming a leak. */
	if (ch->ctl || ch->ctl_map.addr || ch->a_map.addr || ch->b_map.addr) {
		xenbus_dev_fatal(dev, -EBUSY, "queue %u: connect over a mapped channel",
				 index);
		return -EBUSY;
	}
	memset(ch, 0, sizeof(*ch));
	ch->dev = dev;
	ch->index = index;
	ch->irq = -1;

	dir = kasprintf(GFP_KERNEL, "%s/" TWR_XS_QUEUE_FMT, dev->otherend,
			index);
	if (!dir)
		return -ENOMEM;
	what = "reading the queue nodes";
	ret = twr_chan_back_read(dir, TWR_XS_CTRL_REF, &ctrl_ref);
	if (!ret)
		ret = twr_chan_back_read(dir, TWR_XS_RING_A_DIR_REF, &dir_a);
	if (!ret)
		ret = twr_chan_back_read(dir, TWR_XS_RING_B_DIR_REF, &dir_b);
	if (!ret)
		ret = twr_chan_back_read(dir, TWR_XS_RING_A_ORDER, &ch->a_order);
	if (!ret)
		ret = twr_chan_back_read(dir, TWR_XS_RING_B_ORDER, &ch->b_order);
	if (!ret)
		ret = twr_chan_back_read(dir, TWR_XS_EVENT_CHANNEL, &port);
	if (ret)
		goto fail;

	what = "checking the ring orders";
	ret = -EINVAL;
	max_order = min_t(unsigned int, lim->max_order, TWR_RING_ORDER_MAX);
	if (ch->a_order < lim->min_order || ch->a_order > max_order ||
	    ch->b_order < lim->min_order || ch->b_order > max_order ||
	    PAGE_SIZE != TWR_PAGE_SIZE)
		goto fail;

	what = "reading the ring directories";
	ret = -ENOMEM;
	a_refs = kvcalloc(1u << ch->a_order, sizeof(*a_refs), GFP_KERNEL);
	b_refs = kvcalloc(1u << ch->b_order, sizeof(*b_refs), GFP_KERNEL);
	if (!a_refs || !b_refs)
		goto fail;
	dir_refs[0] = dir_a;
	dir_refs[1] = dir_b;
	ret = twr_chan_back_read_dirs(ch, domid, dir_refs, a_refs, b_refs);
	if (ret)
		goto fail;

	what = "mapping the control page";
	ctl_ref = ctrl_ref;
	ret = twr_chan_back_map(&ch->ctl_map, domid, &ctl_ref, 1, false,
				false);
	if (ret)
		goto fail;
	ch->ctl = ch->ctl_map.addr;
	what = "mapping ring A";
	ret = twr_chan_back_map(&ch->a_map, domid, a_refs, 1u << ch->a_order,
				true, lim->io_pages);
	if (ret)
		goto fail;
	what = "mapping ring B";
	ret = twr_chan_back_map(&ch->b_map, domid, b_refs, 1u << ch->b_order,
				false, lim->io_pages);
	if (ret)
		goto fail;

	what = "checking the control page (magic, version, orders)";
	ret = -EPROTO;
	if (READ_ONCE(ch->ctl->magic) != TWR_MAGIC ||
	    READ_ONCE(ch->ctl->version) != TWR_VERSION ||
	    READ_ONCE(ch->ctl->a_order) != ch->a_order ||
	    READ_ONCE(ch->ctl->b_order) != ch->b_order)
		goto fail;

	what = "attaching the rings (indices inconsistent?)";
	ret = twr_ring_attach(&ch->ring_a, TWR_RING_CONSUMER, &ch->ctl->ring_a,
			      ch->a_map.addr, PAGE_SIZE << ch->a_order,
			      lim->a_max);
	if (!ret)
		ret = twr_ring_attach(&ch->ring_b, TWR_RING_PRODUCER,
				      &ch->ctl->ring_b, ch->b_map.addr,
				      PAGE_SIZE << ch->b_order, lim->b_max);
	if (ret)
		goto fail;

	what = "binding the event channel";
	snprintf(ch->irq_name, sizeof(ch->irq_name), "twr-%u-%s-q%u",
		 domid, dev->devicetype, index);
	ret = bind_interdomain_evtchn_to_irqhandler_lateeoi(dev, port, handler,
							    0, ch->irq_name,
							    dev_id);
	if (ret < 0)
		goto fail;
	ch->irq = ret;
	ch->dev_id = dev_id;
	ret = 0;
	goto out;

fail:
	xenbus_dev_fatal(dev, ret, "queue %u: %s", index, what);
	twr_chan_back_disconnect(ch);
out:
	kvfree(a_refs);
	kvfree(b_refs);
	kfree(dir);
	return ret;
}
EXPORT_SYMBOL_GPL(twr_chan_back_connect);

void twr_chan_back_disconnect(struct twr_chan_back *ch)
{
	if (ch->irq >= 0)
		unbind_from_irqhandler(ch->irq, ch->dev_id);
	ch->irq = -1;
	ch->ctl = NULL;
	twr_chan_back_unmap(&ch->a_map);
	twr_chan_back_unmap(&ch->b_map);
	twr_chan_back_unmap(&ch->ctl_map);
}
EXPORT_SYMBOL_GPL(twr_chan_back_disconnect);

void twr_chan_back_set_broken(struct twr_chan_back *ch, struct twr_ring *r)
{
	if (ch->ctl)
		WRITE_ONCE(ch->ctl->back_flags,
			   READ_ONCE(ch->ctl->back_flags) | TWR_F_BROKEN);
	if (ch->broken_logged)
		return;
	ch->broken_logged = true;
	dev_err_ratelimited(&ch->dev->dev,
			    "%s queue %u: frontend (domain %u) broke the protocol: %s; disconnecting\n",
			    ch->dev->nodename, ch->index, ch->dev->otherend_id,
			    twr_ring_reason(r));
}
EXPORT_SYMBOL_GPL(twr_chan_back_set_broken);

void twr_chan_back_set_closing(struct twr_chan_back *ch)
{
	if (ch->ctl)
		WRITE_ONCE(ch->ctl->back_flags,
			   READ_ONCE(ch->ctl->back_flags) | TWR_F_CLOSING);
}
EXPORT_SYMBOL_GPL(twr_chan_back_set_closing);

void twr_chan_back_notify(struct twr_chan_back *ch)
{
	notify_remote_via_irq(ch->irq);
}
EXPORT_SYMBOL_GPL(twr_chan_back_notify);

static void twr_chan_back_goahead_changed(struct xenbus_watch *watch,
					  const char *path, const char *token)
{
	struct twr_chan_back_goahead *ga =
		container_of(watch, struct twr_chan_back_goahead, watch);

	ga->ready(ga);
}

int twr_chan_back_goahead_watch(struct twr_chan_back_goahead *ga,
				struct xenbus_device *dev,
				void (*ready)(struct twr_chan_back_goahead *ga))
{
	ga->dev = dev;
	ga->ready = ready;
	ga->waiting_logged = false;
	/* xenbus_dev_fatal() on failure; the watch fires once at once. */
	return xenbus_watch_pathfmt(dev, &ga->watch, NULL,
				    twr_chan_back_goahead_changed, "%s/%s",
				    dev->nodename, TWR_XS_IOTASK_READY);
}
EXPORT_SYMBOL_GPL(twr_chan_back_goahead_watch);

void twr_chan_back_goahead_unwatch(struct twr_chan_back_goahead *ga)
{
	if (!ga->watch.node)
		return;
	unregister_xenbus_watch(&ga->watch);
	kfree(ga->watch.node);
	ga->watch.node = NULL;
}
EXPORT_SYMBOL_GPL(twr_chan_back_goahead_unwatch);

bool twr_chan_back_goahead_given(struct twr_chan_back_goahead *ga)
{
	/* Only the node's existence counts: its value is the toolstack's. */
	if (!require_go_ahead ||
	    xenbus_exists(XBT_NIL, ga->dev->nodename, TWR_XS_IOTASK_READY)) {
		ga->waiting_logged = false;
		return true;
	}
	if (!ga->waiting_logged)
		dev_info(&ga->dev->dev,
			 "%s: waiting for the toolstack's go-ahead (%s; twinringd, or twinctl attach --go-ahead)\n",
			 ga->dev->nodename, TWR_XS_IOTASK_READY);
	ga->waiting_logged = true;
	return false;
}
EXPORT_SYMBOL_GPL(twr_chan_back_goahead_given);

bool twr_chan_back_may_connect(struct xenbus_device *dev,
			       struct twr_chan_back_goahead *ga)
{
	/*
	 * Only from InitWait: the frontend's state is its own to write, and
	 * one that flips back to Initialised after a Closing (ours, on a
	 * protocol violation) must not get a second set of mappings over
	 * the live ones, again and again until dom0's maptrack runs out.
	 */
	if (dev->state != XenbusStateInitWait)
		return false;
	/* No I/O task yet: a map now would be refused. */
	return twr_chan_back_goahead_given(ga);
}
EXPORT_SYMBOL_GPL(twr_chan_back_may_connect);

MODULE_DESCRIPTION("twinring channel core, backend side");
MODULE_LICENSE("Dual MIT/GPL");
MODULE_VERSION(TWR_RELEASE);
