// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * twinblk backend: the xenbus driver. Opens the target named by the
 * toolstack, publishes its geometry, connects one channel per queue the
 * frontend asks for and runs a worker on each (twr_blk_back_ring.c).
 *
 * States (ours, driven by the frontend's):
 *   probe: target opened, sectors/sector-size/info written -> InitWait
 *   frontend Initialised|Connected, once the toolstack's go-ahead
 *     (iotask-ready) exists: channels mapped, workers run -> Connected
 *   frontend Closing: workers stopped, channels unmapped -> Closing
 *   frontend Closed|Unknown: -> Closed; unregistered once offline
 *   peer caught breaking the protocol: TWR_F_BROKEN, -> Closing
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <xen/events.h>
#include <xen/xenbus.h>

#include "twinring/xenbus.h"
#include "twr_blk_back.h"
#include "twr_chan_back.h"
#include "twinring/version.h"

#define TWR_BLK_BACK_MAX_QUEUES	16u

unsigned int twr_blk_back_fault;
module_param_named(inject_fault, twr_blk_back_fault, uint, 0600);
MODULE_PARM_DESC(inject_fault, "test only: 1 answers the next request with a wrong id");

struct twr_blk_back_dq {
	struct twr_chan_back chan;
	struct twr_blk_back_queue q;
};

struct twr_blk_back {
	struct xenbus_device *dev;
	struct twr_blk_target target;
	struct mutex lock;		/* connect/disconnect */
	/* Our xenbus state changes: the xenwatch thread (frontend_changed)
	 * and close_work both switch it; without this, a Closing decided
	 * before the frontend's Closed could land after our Closed. */
	struct mutex state_lock;
	struct twr_blk_back_dq *queues;
	unsigned int nr_queues;
	struct twr_chan_back_goahead goahead;
	struct work_struct close_work;
	struct delayed_work resize_work;	/* looks at the target's size */
	bool shrink_logged;
};

static struct twr_blk_back_dq *twr_blk_back_dq(struct twr_blk_back_queue *q)
{
	return container_of(q, struct twr_blk_back_dq, q);
}

static void twr_blk_back_op_notify(struct twr_blk_back_queue *q)
{
	twr_chan_back_notify(&twr_blk_back_dq(q)->chan);
}

static void twr_blk_back_op_broken(struct twr_blk_back_queue *q,
				   const char *why)
{
	struct twr_blk_back *be = dev_get_drvdata(&twr_blk_back_dq(q)->chan.dev->dev);

	/* One rate-limited line naming the reason, TWR_F_BROKEN set. */
	twr_chan_back_set_broken(&twr_blk_back_dq(q)->chan, q->req);
	schedule_work(&be->close_work);
}

static bool twr_blk_back_op_peer_gone(struct twr_blk_back_queue *q)
{
	return twr_chan_back_front_flags(&twr_blk_back_dq(q)->chan) &
	       (TWR_F_CLOSING | TWR_F_BROKEN);
}

static void twr_blk_back_op_eoi(struct twr_blk_back_queue *q, bool spurious)
{
	xen_irq_lateeoi(twr_blk_back_dq(q)->chan.irq,
			spurious ? XEN_EOI_FLAG_SPURIOUS : 0);
}

static const struct twr_blk_back_chan_ops twr_blk_back_ops = {
	.notify = twr_blk_back_op_notify,
	.broken = twr_blk_back_op_broken,
	.peer_gone = twr_blk_back_op_peer_gone,
	.eoi = twr_blk_back_op_eoi,
};

/* Sum one counter over the connected queues. */
#define TWR_BLK_BACK_STAT(field)					\
static ssize_t field##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	struct twr_blk_back *be = dev_get_drvdata(dev);			\
	u64 sum = 0;							\
	unsigned int i;							\
									\
	mutex_lock(&be->lock);						\
	for (i = 0; i < be->nr_queues; i++)				\
		sum += READ_ONCE(be->queues[i].q.stats.field);		\
	mutex_unlock(&be->lock);					\
	return sysfs_emit(buf, "%llu\n", sum);				\
}									\
static DEVICE_ATTR_RO(field)

TWR_BLK_BACK_STAT(reqs);
TWR_BLK_BACK_STAT(rd_bytes);
TWR_BLK_BACK_STAT(wr_bytes);
TWR_BLK_BACK_STAT(flushes);
TWR_BLK_BACK_STAT(fua);
TWR_BLK_BACK_STAT(discards);
TWR_BLK_BACK_STAT(errors);
TWR_BLK_BACK_STAT(notify_sent);
TWR_BLK_BACK_STAT(notify_rcvd);
TWR_BLK_BACK_STAT(rsp_full);
TWR_BLK_BACK_STAT(punted);
TWR_BLK_BACK_STAT(inflight_max);	/* the channels' maxima, summed */
TWR_BLK_BACK_STAT(throttled);
TWR_BLK_BACK_STAT(direct);
TWR_BLK_BACK_STAT(direct_fallback);

/* Diagnostics: each channel's shared indices and this side's view, one line
 * per ring (the peer writes the shared ones: only ever printed here). */
static ssize_t rings_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct twr_blk_back *be = dev_get_drvdata(dev);
	ssize_t n = 0;
	unsigned int i;

	mutex_lock(&be->lock);
	for (i = 0; i < be->nr_queues; i++) {
		struct twr_chan_back *ch = &be->queues[i].chan;
		struct twr_ring *a = &ch->ring_a, *b = &ch->ring_b;

		if (!ch->ctl)
			continue;
		n += sysfs_emit_at(buf, n, "q%u A ", i);
		n += twr_ring_format(a, buf + n, PAGE_SIZE - n);
		n += sysfs_emit_at(buf, n, "\nq%u B ", i);
		n += twr_ring_format(b, buf + n, PAGE_SIZE - n);
		n += sysfs_emit_at(buf, n, " kicked %d eoi %d\n",
				   atomic_read(&be->queues[i].q.kicked),
				   atomic_read(&be->queues[i].q.eoi_pending));
	}
	mutex_unlock(&be->lock);
	return n;
}
static DEVICE_ATTR_RO(rings);

static struct attribute *twr_blk_back_stat_attrs[] = {
	&dev_attr_rings.attr,
	&dev_attr_reqs.attr,
	&dev_attr_rd_bytes.attr,
	&dev_attr_wr_bytes.attr,
	&dev_attr_flushes.attr,
	&dev_attr_fua.attr,
	&dev_attr_discards.attr,
	&dev_attr_errors.attr,
	&dev_attr_notify_sent.attr,
	&dev_attr_notify_rcvd.attr,
	&dev_attr_rsp_full.attr,
	&dev_attr_punted.attr,
	&dev_attr_inflight_max.attr,
	&dev_attr_throttled.attr,
	&dev_attr_direct.attr,
	&dev_attr_direct_fallback.attr,
	NULL
};

/* /sys/bus/xen-backend/devices/twinblk-<domid>-<devid>/twinblk/ */
static const struct attribute_group twr_blk_back_stat_group = {
	.name = "twinblk",
	.attrs = twr_blk_back_stat_attrs,
};

static irqreturn_t twr_blk_back_interrupt(int irq, void *dev_id)
{
	twr_blk_back_queue_kick(dev_id);
	return IRQ_HANDLED;
}

static void twr_blk_back_disconnect(struct twr_blk_back *be);

/* A queue caught the frontend breaking the protocol: stop every queue,
 * unmap the channels and say Closing. The device connects again only
 * after the frontend went through Closed and Initialising (InitWait). */
static void twr_blk_back_close_work(struct work_struct *work)
{
	struct twr_blk_back *be = container_of(work, struct twr_blk_back,
					       close_work);

	twr_blk_back_disconnect(be);
	mutex_lock(&be->state_lock);
	/* The frontend may have closed meanwhile: never go back from
	 * Closed to Closing. From InitWait too (a queue that broke before
	 * we said Connected): the channels are gone, the frontend must
	 * start over. */
	if (be->dev->state < XenbusStateClosing)
		xenbus_switch_state(be->dev, XenbusStateClosing);
	mutex_unlock(&be->state_lock);
}

/* Switch our state as the frontend's demands, serialised with close_work.
 * Connected only while the queues are still there: a queue that broke
 * right after the connect has its close_work pending or done. */
static void twr_blk_back_switch(struct twr_blk_back *be,
				enum xenbus_state state)
{
	mutex_lock(&be->state_lock);
	if (state != XenbusStateConnected || READ_ONCE(be->queues))
		xenbus_switch_state(be->dev, state);
	mutex_unlock(&be->state_lock);
}

static void twr_blk_back_disconnect(struct twr_blk_back *be)
{
	unsigned int i;

	mutex_lock(&be->lock);
	for (i = 0; i < be->nr_queues; i++) {
		twr_chan_back_set_closing(&be->queues[i].chan);
		twr_blk_back_queue_stop(&be->queues[i].q);
	}
	/* Threads and requests are gone: no ring memory is touched now,
	 * unmap it all. */
	for (i = 0; i < be->nr_queues; i++) {
		twr_chan_back_disconnect(&be->queues[i].chan);
		twr_blk_back_queue_free(&be->queues[i].q);
	}
	kfree(be->queues);
	be->queues = NULL;
	be->nr_queues = 0;
	mutex_unlock(&be->lock);
}

/* The largest record payloads a ring of the order the frontend wrote can
 * carry under the protocol; the channel core validates the order itself. */
static void twr_blk_back_limits(struct xenbus_device *dev, unsigned int i,
				struct twr_chan_back_limits *lim)
{
	unsigned int a_order, b_order;
	char node[32];

	snprintf(node, sizeof(node), TWR_XS_QUEUE_FMT "/" TWR_XS_RING_A_ORDER, i);
	a_order = xenbus_read_unsigned(dev->otherend, node, 0);
	snprintf(node, sizeof(node), TWR_XS_QUEUE_FMT "/" TWR_XS_RING_B_ORDER, i);
	b_order = xenbus_read_unsigned(dev->otherend, node, 0);
	a_order = clamp(a_order, TWR_BLK_RING_ORDER_MIN, TWR_RING_ORDER_MAX);
	b_order = clamp(b_order, TWR_BLK_RING_ORDER_MIN, TWR_RING_ORDER_MAX);

	lim->min_order = TWR_BLK_RING_ORDER_MIN;
	lim->max_order = TWR_RING_ORDER_MAX;
	lim->a_max = TWR_BLK_HDR_LEN +
		     TWR_BLK_MAX_DATA_FOR_RING(TWR_PAGE_SIZE << a_order);
	lim->b_max = TWR_BLK_HDR_LEN +
		     TWR_BLK_MAX_DATA_FOR_RING(TWR_PAGE_SIZE << b_order);
}

/* The toolstack's I/O limits (absent: none), read at each connect. */
static void twr_blk_back_read_limits(struct twr_blk_back *be)
{
	struct xenbus_device *dev = be->dev;
	unsigned long long iops = 0, bps = 0;

	if (xenbus_scanf(XBT_NIL, dev->nodename, TWR_XS_BLK_LIMIT_IOPS, "%llu",
			 &iops) != 1)
		iops = 0;
	if (xenbus_scanf(XBT_NIL, dev->nodename, TWR_XS_BLK_LIMIT_BW, "%llu",
			 &bps) != 1)
		bps = 0;
	twr_blk_limit_init(&be->target.limit, iops, bps);
	if (iops || bps)
		dev_info(&dev->dev, "I/O limits: %llu requests/s, %llu bytes/s (0: none)\n",
			 iops, bps);
}

static int twr_blk_back_connect(struct twr_blk_back *be)
{
	struct xenbus_device *dev = be->dev;
	struct twr_chan_back_limits lim;
	unsigned int n, max, i, version;
	char name[TASK_COMM_LEN], io_name[TASK_COMM_LEN];
	int ret;

	version = xenbus_read_unsigned(dev->otherend, TWR_XS_BLK_VERSION, 0);
	if (version != TWR_BLK_VERSION) {
		xenbus_dev_fatal(dev, -EPROTO,
				 "frontend speaks twinblk protocol %u, this backend %u: load matching twinring modules in both domains",
				 version, TWR_BLK_VERSION);
		return -EPROTO;
	}
	max = xenbus_read_unsigned(dev->nodename, TWR_XS_MAX_QUEUES, 1);
	max = clamp(max, 1u, TWR_BLK_BACK_MAX_QUEUES);
	twr_blk_back_read_limits(be);
	n = xenbus_read_unsigned(dev->otherend, TWR_XS_NUM_QUEUES, 0);
	if (n < 1 || n > max) {
		xenbus_dev_fatal(dev, -EINVAL,
				 "frontend asks for %u queues, max-queues is %u",
				 n, max);
		return -EINVAL;
	}

	mutex_lock(&be->lock);
	if (be->queues) {
		/* twr_chan_back_may_connect() keeps this from happening. */
		mutex_unlock(&be->lock);
		xenbus_dev_fatal(dev, -EBUSY, "connect with channels mapped");
		return -EBUSY;
	}
	be->queues = kcalloc(n, sizeof(*be->queues), GFP_KERNEL);
	if (!be->queues) {
		mutex_unlock(&be->lock);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		be->queues[i].chan.irq = -1;
	be->nr_queues = n;
	for (i = 0; i < n; i++) {
		struct twr_blk_back_dq *dq = &be->queues[i];

		ret = twr_blk_back_queue_init(&dq->q, &be->target,
					      &twr_blk_back_ops, &dq->chan, i);
		if (ret)
			goto out_disconnect;
	}
	for (i = 0; i < n; i++) {
		struct twr_blk_back_dq *dq = &be->queues[i];

		twr_blk_back_limits(dev, i, &lim);
		lim.io_pages = be->target.dfile;
		ret = twr_chan_back_connect(&dq->chan, dev, i, &lim,
					    twr_blk_back_interrupt, &dq->q);
		if (ret)
			goto out_disconnect;
		dq->q.req = &dq->chan.ring_a;
		dq->q.rsp = &dq->chan.ring_b;
		dq->q.req_mem.base = dq->chan.a_map.addr;
		dq->q.req_mem.size = PAGE_SIZE << dq->chan.a_order;
		dq->q.req_mem.pages = dq->chan.a_map.pages;
		dq->q.rsp_mem.base = dq->chan.b_map.addr;
		dq->q.rsp_mem.size = PAGE_SIZE << dq->chan.b_order;
		dq->q.rsp_mem.pages = dq->chan.b_map.pages;
		snprintf(name, sizeof(name), "twrblk%d.%u", dev->otherend_id, i);
		snprintf(io_name, sizeof(io_name), "twrio%d.%u", dev->otherend_id, i);
		ret = twr_blk_back_queue_start(&dq->q, name, io_name);
		if (ret) {
			xenbus_dev_fatal(dev, ret, "starting worker %s", name);
			goto out_disconnect;
		}
	}
	mutex_unlock(&be->lock);
	return 0;

out_disconnect:
	mutex_unlock(&be->lock);
	twr_blk_back_disconnect(be);
	return ret;
}

/* Publish the geometry the frontend sizes its disk from. */
static int twr_blk_back_write_geometry(struct twr_blk_back *be)
{
	struct xenbus_device *dev = be->dev;
	struct xenbus_transaction xbt;
	int ret;

again:
	ret = xenbus_transaction_start(&xbt);
	if (ret)
		return ret;
	ret = xenbus_printf(xbt, dev->nodename, TWR_XS_BLK_SECTORS, "%llu",
			    be->target.sectors);
	if (!ret)
		ret = xenbus_printf(xbt, dev->nodename, TWR_XS_BLK_SECTOR_SIZE,
				    "%u", be->target.sector_size);
	if (!ret)
		ret = xenbus_printf(xbt, dev->nodename, TWR_XS_BLK_INFO, "%u",
				    be->target.info);
	if (!ret)
		ret = xenbus_printf(xbt, dev->nodename, TWR_XS_MAX_RING_ORDER,
				    "%u", TWR_RING_ORDER_MAX);
	if (!ret)
		ret = xenbus_printf(xbt, dev->nodename, TWR_XS_BLK_VERSION,
				    "%u", TWR_BLK_VERSION);
	if (!ret)
		ret = xenbus_printf(xbt, dev->nodename, TWR_XS_BLK_MAX_REQUESTS,
				    "%u", twr_blk_back_max_requests());
	if (ret) {
		xenbus_transaction_end(xbt, 1);
		return ret;
	}
	ret = xenbus_transaction_end(xbt, 0);
	if (ret == -EAGAIN)
		goto again;
	return ret;
}

static void twr_blk_back_goahead(struct twr_chan_back_goahead *ga);

/* How often a device looks at its target's size. */
#define TWR_BLK_BACK_RESIZE_POLL	HZ

/*
 * Online resize, as blkback does it: a target that grew (a file extended,
 * an LV or loop device resized) gets its new size into the sectors node
 * and, while Connected, the state node written again in the same
 * transaction, which tells the frontend to read it. Only growth is passed
 * on: a shrunk target keeps its old size for the guest (reads past its end
 * return zeroes, writes there fail), and the log says so once.
 */
static void twr_blk_back_resize_work(struct work_struct *work)
{
	struct twr_blk_back *be = container_of(to_delayed_work(work),
					       struct twr_blk_back, resize_work);
	struct xenbus_device *dev = be->dev;
	struct xenbus_transaction xbt;
	u64 now = twr_blk_target_cur_sectors(&be->target);
	u64 old = be->target.sectors;
	int ret;

	if (now < old && !be->shrink_logged) {
		dev_warn(&dev->dev, "target shrank to %llu sectors: the domU keeps %llu\n",
			 now, old);
		be->shrink_logged = true;
	}
	if (now <= old)
		goto again_later;
	be->shrink_logged = false;
	WRITE_ONCE(be->target.sectors, now);
	mutex_lock(&be->state_lock);
	do {
		ret = xenbus_transaction_start(&xbt);
		if (ret)
			break;
		ret = xenbus_printf(xbt, dev->nodename, TWR_XS_BLK_SECTORS,
				    "%llu", now);
		if (!ret && dev->state == XenbusStateConnected)
			ret = xenbus_printf(xbt, dev->nodename, "state", "%d",
					    dev->state);
		if (ret) {
			xenbus_transaction_end(xbt, 1);
			break;
		}
		ret = xenbus_transaction_end(xbt, 0);
	} while (ret == -EAGAIN);
	mutex_unlock(&be->state_lock);
	if (ret)
		dev_warn(&dev->dev, "target grew to %llu sectors, telling the frontend failed: %d\n",
			 now, ret);
	else
		dev_info(&dev->dev, "target grew from %llu to %llu sectors\n",
			 old, now);
again_later:
	schedule_delayed_work(&be->resize_work, TWR_BLK_BACK_RESIZE_POLL);
}

static int twr_blk_back_probe(struct xenbus_device *dev,
			      const struct xenbus_device_id *id)
{
	struct twr_blk_back *be;
	char *target, *mode, *cache;
	bool ro, direct;
	int ret;

	be = kzalloc(sizeof(*be), GFP_KERNEL);
	if (!be) {
		xenbus_dev_fatal(dev, -ENOMEM, "allocating backend state");
		return -ENOMEM;
	}
	be->dev = dev;
	mutex_init(&be->lock);
	mutex_init(&be->state_lock);
	INIT_WORK(&be->close_work, twr_blk_back_close_work);
	INIT_DELAYED_WORK(&be->resize_work, twr_blk_back_resize_work);
	dev_set_drvdata(&dev->dev, be);

	mode = xenbus_read(XBT_NIL, dev->nodename, TWR_XS_BLK_MODE, NULL);
	ro = !IS_ERR(mode) && !strcmp(mode, "r");
	if (!IS_ERR(mode) && strcmp(mode, "r") && strcmp(mode, "w")) {
		ret = -EINVAL;
		xenbus_dev_fatal(dev, ret, "mode is \"%s\", not r or w", mode);
		kfree(mode);
		goto out_free;
	}
	if (!IS_ERR(mode))
		kfree(mode);

	target = xenbus_read(XBT_NIL, dev->nodename, TWR_XS_BLK_TARGET, NULL);
	if (IS_ERR(target)) {
		ret = PTR_ERR(target);
		xenbus_dev_fatal(dev, ret, "reading %s/%s", dev->nodename,
				 TWR_XS_BLK_TARGET);
		goto out_free;
	}
	/* cache=writeback in the disk's spec: dom0's page cache. */
	cache = xenbus_read(XBT_NIL, dev->nodename, TWR_XS_BLK_CACHE, NULL);
	direct = IS_ERR(cache) || strcmp(cache, "writeback");
	if (!IS_ERR(cache))
		kfree(cache);
	ret = twr_blk_target_open(&be->target, target, ro, direct);
	if (ret) {
		xenbus_dev_fatal(dev, ret,
				 "opening target %s %s (a file or block device, non-empty)",
				 target, ro ? "read-only" : "read-write");
		kfree(target);
		goto out_free;
	}
	if (be->target.dfile)
		dev_info(&dev->dev, "target %s: direct I/O on the ring pages (alignment %u)\n",
			 target, be->target.dio_align);
	else if (be->target.direct_err == -EPERM)
		dev_info(&dev->dev, "target %s: buffered I/O through dom0's page cache (%s)\n",
			 target, direct ? "module parameter direct_io=0" :
			 "cache=writeback in the disk's spec");
	else
		dev_info(&dev->dev, "target %s: buffered I/O through dom0's page cache (opening it O_DIRECT failed: %d; tmpfs and some filesystems have no direct I/O)\n",
			 target, be->target.direct_err);
	kfree(target);

	ret = twr_blk_back_write_geometry(be);
	if (ret) {
		xenbus_dev_fatal(dev, ret, "writing the disk geometry");
		goto out_close;
	}
	ret = sysfs_create_group(&dev->dev.kobj, &twr_blk_back_stat_group);
	if (ret)
		goto out_close;
	ret = xenbus_switch_state(dev, XenbusStateInitWait);
	if (ret)
		goto out_sysfs;
	ret = twr_chan_back_goahead_watch(&be->goahead, dev,
					  twr_blk_back_goahead);
	if (ret)
		goto out_sysfs;
	schedule_delayed_work(&be->resize_work, TWR_BLK_BACK_RESIZE_POLL);
	return 0;

out_sysfs:
	sysfs_remove_group(&dev->dev.kobj, &twr_blk_back_stat_group);
out_close:
	twr_blk_target_close(&be->target);
out_free:
	dev_set_drvdata(&dev->dev, NULL);
	kfree(be);
	return ret;
}

static void twr_blk_back_frontend_changed(struct xenbus_device *dev,
					  enum xenbus_state fstate)
{
	struct twr_blk_back *be = dev_get_drvdata(&dev->dev);

	switch (fstate) {
	case XenbusStateInitialising:
		if (dev->state == XenbusStateClosed)
			twr_blk_back_switch(be, XenbusStateInitWait);
		break;
	case XenbusStateInitialised:
	case XenbusStateConnected:
		if (!twr_chan_back_may_connect(dev, &be->goahead))
			break;
		if (twr_blk_back_connect(be))
			break;	/* xenbus_dev_fatal() said why */
		twr_blk_back_switch(be, XenbusStateConnected);
		break;
	case XenbusStateClosing:
		twr_blk_back_disconnect(be);
		twr_blk_back_switch(be, XenbusStateClosing);
		break;
	case XenbusStateClosed:
		twr_blk_back_disconnect(be);
		twr_blk_back_switch(be, XenbusStateClosed);
		if (xenbus_dev_is_online(dev))
			break;
		fallthrough;
	case XenbusStateUnknown:
		twr_blk_back_disconnect(be);
		device_unregister(&dev->dev);
		break;
	default:
		break;
	}
}

/* iotask-ready appeared (or changed): connect if the frontend waits. */
static void twr_blk_back_goahead(struct twr_chan_back_goahead *ga)
{
	struct twr_blk_back *be = container_of(ga, struct twr_blk_back, goahead);
	enum xenbus_state fstate = xenbus_read_driver_state(be->dev->otherend);

	if (fstate == XenbusStateInitialised || fstate == XenbusStateConnected)
		twr_blk_back_frontend_changed(be->dev, fstate);
}

static void twr_blk_back_remove(struct xenbus_device *dev)
{
	struct twr_blk_back *be = dev_get_drvdata(&dev->dev);

	if (!be)
		return;
	twr_chan_back_goahead_unwatch(&be->goahead);
	cancel_delayed_work_sync(&be->resize_work);
	sysfs_remove_group(&dev->dev.kobj, &twr_blk_back_stat_group);
	twr_blk_back_disconnect(be);
	cancel_work_sync(&be->close_work);
	twr_blk_target_close(&be->target);
	dev_set_drvdata(&dev->dev, NULL);
	kfree(be);
}

static const struct xenbus_device_id twr_blk_back_ids[] = {
	{ TWR_XS_KIND_BLK },
	{ "" }
};

static struct xenbus_driver twr_blk_back_driver = {
	.ids = twr_blk_back_ids,
	.probe = twr_blk_back_probe,
	.remove = twr_blk_back_remove,
	.otherend_changed = twr_blk_back_frontend_changed,
};

static int __init twr_blk_back_init(void)
{
	if (!xen_domain())
		return -ENODEV;
	return xenbus_register_backend(&twr_blk_back_driver);
}

static void __exit twr_blk_back_exit(void)
{
	xenbus_unregister_driver(&twr_blk_back_driver);
}

module_init(twr_blk_back_init);
module_exit(twr_blk_back_exit);
MODULE_DESCRIPTION("twinring block backend");
MODULE_LICENSE("Dual MIT/GPL");
MODULE_VERSION(TWR_RELEASE);
MODULE_ALIAS("xen-backend:" TWR_XS_KIND_BLK);
