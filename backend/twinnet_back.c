// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * twinnet-back.ko: the driver-domain side of a "twinnet" device, a netdev
 * named twr<domid>.<devid> that the toolstack puts on a bridge (as vif).
 *
 * Xenbus handshake (include/twinring/xenbus.h), by frontend state:
 *   probe                   -> write max-ring-order, go InitWait
 *   Initialised / Connected -> once the toolstack's go-ahead (iotask-ready)
 *                              exists: validate num-queues, map one
 *                              channel per queue, carrier on, go Connected
 *   Closing                 -> unmap everything, go Closing
 *   Closed                  -> unmap, go Closed; device gone if offline
 *   Initialising (after Closed, frontend reloaded) -> InitWait again
 *   Unknown (domain gone)   -> unmap, unregister
 * Module unload with live devices: remove() unmaps each device's channels
 * before the module text goes away; the frontend then sees Closed.
 */
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <xen/events.h>
#include <xen/xen.h>
#include <xen/xenbus.h>

#include "twinring/xenbus.h"
#include "twinnet.h"
#include "twr_chan_back.h"
#include "twinring/version.h"

static unsigned int max_ring_order = TWR_RING_ORDER_MAX;
module_param(max_ring_order, uint, 0644);
MODULE_PARM_DESC(max_ring_order, "largest ring order accepted (5..10), advertised as max-ring-order");

static unsigned int max_queues_cap = 16;
module_param_named(max_queues, max_queues_cap, uint, 0644);
MODULE_PARM_DESC(max_queues, "cap on the max-queues the toolstack writes");

/* A guest that takes nothing from ring B for this long loses the carrier of
 * its port: the qdisc's packets are dropped and the bridge stops sending it
 * more, until it reads again (netback's rx_drain/rx_stall timeouts). */
static unsigned int stall_timeout_ms = 10000;
module_param(stall_timeout_ms, uint, 0644);
MODULE_PARM_DESC(stall_timeout_ms, "carrier off after the guest read nothing this long with data waiting (ms, 0 never)");

/* Test mode for the lab's hostile-peer checks: the next packet sent goes
 * out with a non-zero reserved header field, which the frontend must refuse. */
static bool inject_fault;
module_param(inject_fault, bool, 0644);
MODULE_PARM_DESC(inject_fault, "test only: corrupt the next packet record sent (one shot)");

struct twinnet_back_queue {
	struct twinnet_queue q;		/* first: twinnet_port_init() */
	struct twr_chan_back ch;
};

struct twinnet_back {
	struct twinnet_port port;	/* first: netdev_priv() */
	struct mutex lock;		/* connect / disconnect */
	unsigned int nr_chans;		/* channels mapped */
	struct twr_chan_back_goahead goahead;
};

static struct twr_chan_back *twinnet_back_chan(struct twinnet_queue *q)
{
	return &container_of(q, struct twinnet_back_queue, q)->ch;
}

static void twinnet_back_notify(struct twinnet_queue *q)
{
	twr_chan_back_notify(twinnet_back_chan(q));
}

static void twinnet_back_set_broken(struct twinnet_queue *q,
				    struct twr_ring *r)
{
	twr_chan_back_set_broken(twinnet_back_chan(q), r);
}

static void twinnet_back_broken_work(struct twinnet_port *port)
{
	xenbus_switch_state(port->xdev, XenbusStateClosing);
}

static const struct twinnet_ops twinnet_back_ops = {
	.driver = "twinnet-back",
	.notify = twinnet_back_notify,
	.set_broken = twinnet_back_set_broken,
	.broken_work = twinnet_back_broken_work,
	.inject_fault = &inject_fault,
};

static struct twinnet_back_queue *twinnet_back_q(struct twinnet_back *be,
						 unsigned int i)
{
	return container_of(be->port.queues[i], struct twinnet_back_queue, q);
}

/* Stop the data path, unbind and unmap every channel. Idempotent. */
static void twinnet_back_disconnect(struct twinnet_back *be)
{
	unsigned int i;

	mutex_lock(&be->lock);
	rtnl_lock();
	twinnet_port_down(&be->port);
	rtnl_unlock();
	for (i = 0; i < be->nr_chans; i++) {
		struct twinnet_back_queue *bq = twinnet_back_q(be, i);

		twr_chan_back_set_closing(&bq->ch);
		twr_chan_back_disconnect(&bq->ch);
		bq->q.tx = NULL;
		bq->q.rx = NULL;
		bq->q.irq = -1;
	}
	be->nr_chans = 0;
	mutex_unlock(&be->lock);
}

static int twinnet_back_connect(struct twinnet_back *be)
{
	struct xenbus_device *xdev = be->port.xdev;
	struct twr_chan_back_limits lim = {
		.min_order = TWR_NET_RING_ORDER_MIN,
		.max_order = min(max_ring_order, TWR_RING_ORDER_MAX),
		.a_max = TWR_NET_REC_MAX,
		.b_max = TWR_NET_REC_MAX,
	};
	unsigned int nr, i;
	int ret;

	nr = xenbus_read_unsigned(xdev->otherend, TWR_XS_NUM_QUEUES, 1);
	if (nr < 1 || nr > be->port.max_queues) {
		xenbus_dev_fatal(xdev, -EINVAL,
				 "frontend asked for %u queues, max-queues is %u",
				 nr, be->port.max_queues);
		return -EINVAL;
	}
	mutex_lock(&be->lock);
	for (i = 0; i < nr; i++) {
		struct twinnet_back_queue *bq = twinnet_back_q(be, i);

		ret = twr_chan_back_connect(&bq->ch, xdev, i, &lim,
					    twinnet_interrupt, &bq->q);
		if (ret)
			goto fail;
		be->nr_chans = i + 1;
		bq->q.tx = &bq->ch.ring_b;
		bq->q.rx = &bq->ch.ring_a;
		bq->q.irq = bq->ch.irq;
	}
	rtnl_lock();
	be->port.stall_ms = READ_ONCE(stall_timeout_ms);
	ret = twinnet_port_up(&be->port, nr);
	rtnl_unlock();
	mutex_unlock(&be->lock);
	if (ret) {
		twinnet_back_disconnect(be);
		return ret;
	}
	netdev_info(be->port.netdev, "domain %u connected, %u queue(s), %u KiB rings\n",
		    xdev->otherend_id, nr,
		    (unsigned int)(PAGE_SIZE << twinnet_back_q(be, 0)->ch.a_order) >> 10);
	return xenbus_switch_state(xdev, XenbusStateConnected);

fail:
	mutex_unlock(&be->lock);
	twinnet_back_disconnect(be);
	return ret;
}

static int twinnet_back_advertise(struct twinnet_back *be)
{
	struct xenbus_device *xdev = be->port.xdev;
	int ret;

	ret = xenbus_printf(XBT_NIL, xdev->nodename, TWR_XS_MAX_RING_ORDER,
			    "%u", min(max_ring_order, TWR_RING_ORDER_MAX));
	if (ret) {
		xenbus_dev_fatal(xdev, ret, "writing %s", TWR_XS_MAX_RING_ORDER);
		return ret;
	}
	return xenbus_switch_state(xdev, XenbusStateInitWait);
}

static void twinnet_back_frontend_changed(struct xenbus_device *xdev,
					  enum xenbus_state state)
{
	struct twinnet_back *be = dev_get_drvdata(&xdev->dev);

	dev_dbg(&xdev->dev, "frontend %s\n", xenbus_strstate(state));
	switch (state) {
	case XenbusStateInitialising:
		if (xdev->state == XenbusStateClosed)
			twinnet_back_advertise(be);
		break;
	case XenbusStateInitialised:
	case XenbusStateConnected:
		if (twr_chan_back_may_connect(xdev, &be->goahead))
			twinnet_back_connect(be);
		break;
	case XenbusStateClosing:
		twinnet_back_disconnect(be);
		xenbus_switch_state(xdev, XenbusStateClosing);
		break;
	case XenbusStateClosed:
		/* A frontend left Closed by an earlier session (our module was
		 * reloaded): keep waiting in InitWait for it to start over. */
		if (xdev->state == XenbusStateInitWait &&
		    xenbus_dev_is_online(xdev))
			break;
		twinnet_back_disconnect(be);
		xenbus_switch_state(xdev, XenbusStateClosed);
		if (xenbus_dev_is_online(xdev))
			break;
		fallthrough;
	case XenbusStateUnknown:
		twinnet_back_disconnect(be);
		device_unregister(&xdev->dev);
		break;
	default:
		break;
	}
}

/* iotask-ready appeared (or changed): connect if the frontend waits. */
static void twinnet_back_goahead(struct twr_chan_back_goahead *ga)
{
	struct twinnet_back *be = container_of(ga, struct twinnet_back, goahead);
	struct xenbus_device *xdev = be->port.xdev;
	enum xenbus_state fstate = xenbus_read_driver_state(xdev->otherend);

	if (fstate == XenbusStateInitialised || fstate == XenbusStateConnected)
		twinnet_back_frontend_changed(xdev, fstate);
}

/* The devid is the last component of backend/twinnet/<domid>/<devid>. */
static int twinnet_back_devid(struct xenbus_device *xdev, unsigned int *devid)
{
	const char *p = strrchr(xdev->nodename, '/');

	return p ? kstrtouint(p + 1, 10, devid) : -EINVAL;
}

static int twinnet_back_probe(struct xenbus_device *xdev,
			      const struct xenbus_device_id *id)
{
	/* Bridges take the lowest MAC of their ports: stay out of the way,
	 * as vif does. */
	static const u8 mac[ETH_ALEN] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct net_device *netdev;
	struct twinnet_back *be;
	char name[IFNAMSIZ];
	unsigned int nq, devid;
	int ret;

	ret = twinnet_back_devid(xdev, &devid);
	if (ret) {
		xenbus_dev_fatal(xdev, ret, "parsing the device id of %s",
				 xdev->nodename);
		return ret;
	}
	nq = xenbus_read_unsigned(xdev->nodename, TWR_XS_MAX_QUEUES, 1);
	nq = clamp(nq, 1u, max(max_queues_cap, 1u));
	if (snprintf(name, sizeof(name), TWR_NET_IFNAME_FMT, xdev->otherend_id,
		     devid) >= (int)sizeof(name)) {
		xenbus_dev_fatal(xdev, -EINVAL, "interface name too long");
		return -EINVAL;
	}

	netdev = alloc_netdev_mq(sizeof(*be), name, NET_NAME_USER, ether_setup,
				 nq);
	if (!netdev)
		return -ENOMEM;
	be = netdev_priv(netdev);
	mutex_init(&be->lock);
	ret = twinnet_port_init(&be->port, netdev, xdev, &twinnet_back_ops, nq,
				sizeof(struct twinnet_back_queue));
	if (ret)
		goto out_free;
	be->port.has_data_valid = true;

	eth_hw_addr_set(netdev, mac);
	dev_set_drvdata(&xdev->dev, be);

	ret = register_netdev(netdev);
	if (ret) {
		xenbus_dev_fatal(xdev, ret, "registering %s", name);
		goto out_port;
	}
	ret = twinnet_back_advertise(be);
	if (ret)
		goto out_unregister;
	ret = twr_chan_back_goahead_watch(&be->goahead, xdev,
					  twinnet_back_goahead);
	if (ret)
		goto out_unregister;
	return 0;

out_unregister:
	unregister_netdev(netdev);
out_port:
	dev_set_drvdata(&xdev->dev, NULL);
	twinnet_port_uninit(&be->port);
out_free:
	free_netdev(netdev);
	return ret;
}

static void twinnet_back_remove(struct xenbus_device *xdev)
{
	struct twinnet_back *be = dev_get_drvdata(&xdev->dev);
	struct net_device *netdev;

	if (!be)
		return;
	netdev = be->port.netdev;
	twr_chan_back_goahead_unwatch(&be->goahead);
	twinnet_back_disconnect(be);
	unregister_netdev(netdev);
	twinnet_port_uninit(&be->port);
	dev_set_drvdata(&xdev->dev, NULL);
	free_netdev(netdev);
}

static const struct xenbus_device_id twinnet_back_ids[] = {
	{ TWR_XS_KIND_NET },
	{ "" }
};

static struct xenbus_driver twinnet_back_driver = {
	.ids = twinnet_back_ids,
	.probe = twinnet_back_probe,
	.remove = twinnet_back_remove,
	.otherend_changed = twinnet_back_frontend_changed,
};

static int __init twinnet_back_init(void)
{
	if (!xen_domain())
		return -ENODEV;
	return xenbus_register_backend(&twinnet_back_driver);
}

static void __exit twinnet_back_exit(void)
{
	xenbus_unregister_driver(&twinnet_back_driver);
}

module_init(twinnet_back_init);
module_exit(twinnet_back_exit);
MODULE_DESCRIPTION("twinring network backend (driver-domain netdev over twin rings)");
MODULE_LICENSE("Dual MIT/GPL");
MODULE_VERSION(TWR_RELEASE);
MODULE_ALIAS("xen-backend:" TWR_XS_KIND_NET);
