// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * twinring channel core, frontend side: allocate, grant once, tear down.
 * See twr_chan_front.h for the contract, include/twinring/ring.h for the
 * layout the backend expects.
 *
 * The data pages are single order-0 pages mapped contiguously with vmap():
 * gnttab_end_foreign_access() takes over one page reference per grant and
 * frees the page only when the backend has unmapped it, which works for
 * order-0 pages but not for pieces of a higher-order allocation.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <xen/events.h>
#include <xen/page.h>

#include "twinring/xenbus.h"
#include "twr_chan_front.h"
#include "twinring/version.h"

static void twr_chan_front_mem_free(struct twr_chan_front_mem *m)
{
	unsigned int i;

	if (m->data)
		vunmap(m->data);
	m->data = NULL;
	for (i = 0; m->pages && i < m->nr_pages; i++) {
		if (!m->pages[i])
			continue;
		if (m->refs[i] != INVALID_GRANT_REF)
			/* Frees the page now, or once the backend unmaps it. */
			gnttab_end_foreign_access(m->refs[i], m->pages[i]);
		else
			__free_page(m->pages[i]);
	}
	if (m->dir_page) {
		if (m->dir_ref != INVALID_GRANT_REF)
			gnttab_end_foreign_access(m->dir_ref, m->dir_page);
		else
			__free_page(m->dir_page);
	}
	kvfree(m->pages);
	kvfree(m->refs);
	memset(m, 0, sizeof(*m));
}

/* Allocate and grant the data pages and directory page of one ring. */
static int twr_chan_front_mem_alloc(struct twr_chan_front_mem *m,
				    domid_t domid, unsigned int order,
				    bool readonly)
{
	__le32 *dir;
	unsigned int i;
	int ref;

	m->order = order;
	m->nr_pages = 1u << order;
	m->dir_ref = INVALID_GRANT_REF;
	m->pages = kvcalloc(m->nr_pages, sizeof(*m->pages), GFP_KERNEL);
	m->refs = kvcalloc(m->nr_pages, sizeof(*m->refs), GFP_KERNEL);
	m->dir_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!m->pages || !m->refs || !m->dir_page)
		return -ENOMEM;
	for (i = 0; i < m->nr_pages; i++)
		m->refs[i] = INVALID_GRANT_REF;

	dir = page_address(m->dir_page);
	for (i = 0; i < m->nr_pages; i++) {
		m->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!m->pages[i])
			return -ENOMEM;
		ref = gnttab_grant_foreign_access(domid,
						  xen_page_to_gfn(m->pages[i]),
						  readonly);
		if (ref < 0)
			return ref;
		m->refs[i] = ref;
		dir[i] = cpu_to_le32(ref);
	}
	m->data = vmap(m->pages, m->nr_pages, VM_MAP, PAGE_KERNEL);
	if (!m->data)
		return -ENOMEM;
	/* The directory is only read by the backend, once, at connect. */
	ref = gnttab_grant_foreign_access(domid, xen_page_to_gfn(m->dir_page),
					  1);
	if (ref < 0)
		return ref;
	m->dir_ref = ref;
	return 0;
}

int twr_chan_front_init(struct twr_chan_front *ch, struct xenbus_device *dev,
			unsigned int index, unsigned int a_order,
			unsigned int b_order, u32 a_max, u32 b_max,
			irq_handler_t handler, void *dev_id)
{
	domid_t domid = dev->otherend_id;
	const char *what;
	int ret;

	memset(ch, 0, sizeof(*ch));
	ch->dev = dev;
	ch->index = index;
	ch->irq = -1;
	ch->ctl_ref = INVALID_GRANT_REF;
	ch->a.dir_ref = INVALID_GRANT_REF;
	ch->b.dir_ref = INVALID_GRANT_REF;

	what = "checking ring orders";
	ret = -EINVAL;
	if (a_order > TWR_RING_ORDER_MAX || b_order > TWR_RING_ORDER_MAX ||
	    PAGE_SIZE != TWR_PAGE_SIZE)
		goto fail;

	what = "allocating the control page";
	ret = -ENOMEM;
	ch->ctl_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!ch->ctl_page)
		goto fail;
	ch->ctl = page_address(ch->ctl_page);
	ch->ctl->magic = TWR_MAGIC;
	ch->ctl->version = TWR_VERSION;
	ch->ctl->a_order = a_order;
	ch->ctl->b_order = b_order;
	twr_ring_shared_init(&ch->ctl->ring_a, 0);
	twr_ring_shared_init(&ch->ctl->ring_b, 0);

	what = "allocating and granting ring A";
	ret = twr_chan_front_mem_alloc(&ch->a, domid, a_order, true);
	if (ret)
		goto fail;
	what = "allocating and granting ring B";
	ret = twr_chan_front_mem_alloc(&ch->b, domid, b_order, false);
	if (ret)
		goto fail;

	what = "attaching the rings";
	ret = twr_ring_attach(&ch->ring_a, TWR_RING_PRODUCER, &ch->ctl->ring_a,
			      ch->a.data, PAGE_SIZE << a_order, a_max);
	if (!ret)
		ret = twr_ring_attach(&ch->ring_b, TWR_RING_CONSUMER,
				      &ch->ctl->ring_b, ch->b.data,
				      PAGE_SIZE << b_order, b_max);
	if (ret)
		goto fail;

	/* Granted last: the backend cannot look before it is consistent.
	 * (It cannot anyway before it reads the refs from xenstore.) */
	what = "granting the control page";
	ret = gnttab_grant_foreign_access(domid, xen_page_to_gfn(ch->ctl_page),
					  0);
	if (ret < 0)
		goto fail;
	ch->ctl_ref = ret;

	what = "allocating an event channel";
	ret = xenbus_alloc_evtchn(dev, &ch->evtchn);
	if (ret)
		goto fail;
	snprintf(ch->irq_name, sizeof(ch->irq_name), "%s-q%u",
		 dev->nodename, index);
	/* The name becomes a /proc/irq/<n>/ entry: no '/' in it. */
	strreplace(ch->irq_name, '/', '-');
	what = "binding the event channel";
	ret = bind_evtchn_to_irqhandler_lateeoi(ch->evtchn, handler, 0,
					       ch->irq_name, dev_id);
	if (ret < 0) {
		xenbus_free_evtchn(dev, ch->evtchn);
		ch->evtchn = 0;
		goto fail;
	}
	ch->irq = ret;
	ch->dev_id = dev_id;
	return 0;

fail:
	xenbus_dev_fatal(dev, ret, "queue %u: %s", index, what);
	twr_chan_front_uninit(ch);
	return ret;
}
EXPORT_SYMBOL_GPL(twr_chan_front_init);

int twr_chan_front_write_xs(struct twr_chan_front *ch,
			    struct xenbus_transaction xbt)
{
	char *dir;
	int ret;

	dir = kasprintf(GFP_KERNEL, "%s/" TWR_XS_QUEUE_FMT, ch->dev->nodename,
			ch->index);
	if (!dir)
		return -ENOMEM;
	ret = xenbus_printf(xbt, dir, TWR_XS_CTRL_REF, "%u", ch->ctl_ref);
	if (!ret)
		ret = xenbus_printf(xbt, dir, TWR_XS_RING_A_DIR_REF, "%u",
				    ch->a.dir_ref);
	if (!ret)
		ret = xenbus_printf(xbt, dir, TWR_XS_RING_B_DIR_REF, "%u",
				    ch->b.dir_ref);
	if (!ret)
		ret = xenbus_printf(xbt, dir, TWR_XS_RING_A_ORDER, "%u",
				    ch->a.order);
	if (!ret)
		ret = xenbus_printf(xbt, dir, TWR_XS_RING_B_ORDER, "%u",
				    ch->b.order);
	if (!ret)
		ret = xenbus_printf(xbt, dir, TWR_XS_EVENT_CHANNEL, "%u",
				    ch->evtchn);
	kfree(dir);
	return ret;
}
EXPORT_SYMBOL_GPL(twr_chan_front_write_xs);

void twr_chan_front_uninit(struct twr_chan_front *ch)
{
	if (ch->irq >= 0)	/* also closes the event channel */
		unbind_from_irqhandler(ch->irq, ch->dev_id);
	ch->irq = -1;
	twr_chan_front_mem_free(&ch->a);
	twr_chan_front_mem_free(&ch->b);
	if (ch->ctl_page) {
		if (ch->ctl_ref != INVALID_GRANT_REF)
			gnttab_end_foreign_access(ch->ctl_ref, ch->ctl_page);
		else
			__free_page(ch->ctl_page);
	}
	ch->ctl_page = NULL;
	ch->ctl = NULL;
	ch->ctl_ref = INVALID_GRANT_REF;
}
EXPORT_SYMBOL_GPL(twr_chan_front_uninit);

void twr_chan_front_set_broken(struct twr_chan_front *ch, struct twr_ring *r)
{
	if (ch->ctl)
		WRITE_ONCE(ch->ctl->front_flags,
			   READ_ONCE(ch->ctl->front_flags) | TWR_F_BROKEN);
	if (ch->broken_logged)
		return;
	ch->broken_logged = true;
	dev_err_ratelimited(&ch->dev->dev,
			    "%s queue %u: backend broke the protocol: %s; disconnecting\n",
			    ch->dev->nodename, ch->index, twr_ring_reason(r));
}
EXPORT_SYMBOL_GPL(twr_chan_front_set_broken);

void twr_chan_front_set_closing(struct twr_chan_front *ch)
{
	if (ch->ctl)
		WRITE_ONCE(ch->ctl->front_flags,
			   READ_ONCE(ch->ctl->front_flags) | TWR_F_CLOSING);
}
EXPORT_SYMBOL_GPL(twr_chan_front_set_closing);

void twr_chan_front_notify(struct twr_chan_front *ch)
{
	notify_remote_via_irq(ch->irq);
}
EXPORT_SYMBOL_GPL(twr_chan_front_notify);

/* The xenbus core's own resume, exported but declared in its private
 * header (drivers/xen/xenbus/xenbus.h). */
int xenbus_dev_resume(struct device *dev);

/* Walks that found a device busy are tried again, once a second, this
 * many times. */
#define TWR_FRONT_REWATCH_RETRIES	30

static int twr_front_rewatch_one(struct device *dev, void *data)
{
	struct xenbus_device *xdev = to_xenbus_device(dev);
	bool *busy = data;
	int err;

	/* Taken by a probe, a remove or unbind, or the PM core's resume:
	 * never waited for (see twr_chan_front.h), looked at again later. */
	if (!device_trylock(dev)) {
		*busy = true;
		return 0;
	}
	if (!dev->power.is_suspended && dev->driver && !xdev->otherend &&
	    xenbus_exists(XBT_NIL, xdev->nodename, "backend")) {
		dev_info(dev, "%s: its backend appeared after the resume: resuming now\n",
			 xdev->nodename);
		err = xenbus_dev_resume(dev);
		if (err)
			dev_warn(dev, "%s: late resume failed: %d\n",
				 xdev->nodename, err);
	}
	device_unlock(dev);
	return 0;
}

static void twr_front_rewatch_work(struct work_struct *work)
{
	struct twr_front_rewatch *rw = container_of(to_delayed_work(work),
						    struct twr_front_rewatch, work);
	bool busy = false;

	if (driver_for_each_device(&rw->drv->driver, NULL, &busy,
				   twr_front_rewatch_one))
		pr_warn("%s: cannot walk the driver's devices\n", rw->drv->name);
	if (!busy)
		rw->retries = 0;
	else if (rw->retries++ < TWR_FRONT_REWATCH_RETRIES)
		schedule_delayed_work(&rw->work, HZ);
}

/* In the watch thread: only queue the walk. */
static void twr_front_rewatch_cb(struct xenbus_watch *watch, const char *path,
				 const char *token)
{
	struct twr_front_rewatch *rw = container_of(watch, struct twr_front_rewatch,
						    watch);

	rw->retries = 0;
	mod_delayed_work(system_wq, &rw->work, 0);
}

int twr_front_rewatch_register(struct twr_front_rewatch *rw,
			       struct xenbus_driver *drv, const char *kind)
{
	int err;

	rw->drv = drv;
	rw->retries = 0;
	INIT_DELAYED_WORK(&rw->work, twr_front_rewatch_work);
	rw->watch.node = kasprintf(GFP_KERNEL, "device/%s", kind);
	if (!rw->watch.node)
		return -ENOMEM;
	rw->watch.callback = twr_front_rewatch_cb;
	err = register_xenbus_watch(&rw->watch);
	if (err) {
		kfree(rw->watch.node);
		rw->watch.node = NULL;
	}
	return err;
}
EXPORT_SYMBOL_GPL(twr_front_rewatch_register);

void twr_front_rewatch_unregister(struct twr_front_rewatch *rw)
{
	if (!rw->watch.node)
		return;
	unregister_xenbus_watch(&rw->watch);
	/* No callback runs now: none can queue the walk again. */
	cancel_delayed_work_sync(&rw->work);
	kfree(rw->watch.node);
	rw->watch.node = NULL;
}
EXPORT_SYMBOL_GPL(twr_front_rewatch_unregister);

MODULE_DESCRIPTION("twinring channel core, frontend side");
MODULE_LICENSE("Dual MIT/GPL");
MODULE_VERSION(TWR_RELEASE);
