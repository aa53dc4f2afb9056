// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * twinnet-front.ko: the domU netdev of a "twinnet" device.
 *
 * Xenbus handshake (include/twinring/xenbus.h):
 *   backend InitWait   -> allocate and grant one channel per queue, write
 *                         num-queues and queue-<n>/, go Initialised
 *   backend Connected  -> carrier on, go Connected
 *   backend Closing/Closed -> stop, end foreign access, go Closed; a later
 *                         backend InitWait (e.g. its module reloaded)
 *                         connects again.
 * The netdev and its data path are twinnet-core.ko (netcore/), shared with
 * the backend.
 */
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <xen/events.h>
#include <xen/xen.h>
#include <xen/xenbus.h>

#include "twinring/xenbus.h"
#include "twinnet.h"
#include "twr_chan_front.h"
#include "twinring/version.h"

static unsigned int max_queues = 8;
module_param(max_queues, uint, 0644);
MODULE_PARM_DESC(max_queues, "most queues (channels) per device; also capped by the vCPUs and the backend's max-queues");

static unsigned int ring_order = TWR_NET_RING_ORDER_DEFAULT;
module_param(ring_order, uint, 0644);
MODULE_PARM_DESC(ring_order, "ring size as a page order (5..10: 128 KiB..4 MiB; default 8, 1 MiB), capped by the backend's max-ring-order");

/* Test mode for the lab's hostile-peer checks: the next packet sent goes
 * out with a non-zero reserved header field, which the backend must refuse. */
static bool inject_fault;
module_param(inject_fault, bool, 0644);
MODULE_PARM_DESC(inject_fault, "test only: corrupt the next packet record sent (one shot)");

struct twinnet_front_queue {
	struct twinnet_queue q;		/* first: twinnet_port_init() */
	struct twr_chan_front ch;
};

struct twinnet_front {
	struct twinnet_port port;	/* first: netdev_priv() */
	struct mutex lock;		/* connect / disconnect */
	unsigned int nr_chans;		/* channels initialised */
};

static struct twr_chan_front *twinnet_front_chan(struct twinnet_queue *q)
{
	return &container_of(q, struct twinnet_front_queue, q)->ch;
}

static bool twinnet_front_bound(struct twinnet_queue *q)
{
	return twr_chan_front_bound(twinnet_front_chan(q));
}

static void twinnet_front_notify(struct twinnet_queue *q)
{
	twr_chan_front_notify(twinnet_front_chan(q));
}

static void twinnet_front_set_broken(struct twinnet_queue *q,
				     struct twr_ring *r)
{
	twr_chan_front_set_broken(twinnet_front_chan(q), r);
}

static void twinnet_front_broken_work(struct twinnet_port *port)
{
	xenbus_switch_state(port->xdev, XenbusStateClosing);
}

static const struct twinnet_ops twinnet_front_ops = {
	.driver = "twinnet-front",
	.notify = twinnet_front_notify,
	.set_broken = twinnet_front_set_broken,
	.broken_work = twinnet_front_broken_work,
	.bound = twinnet_front_bound,
	.inject_fault = &inject_fault,
};

/* Stop the data path and give every channel back. */
/* Free the channels (fe->lock held); the backend must have unmapped them,
 * or the pages wait on Linux's deferred list (10 grants a second). */
static void twinnet_front_free_chans(struct twinnet_front *fe)
{
	unsigned int i;

	for (i = 0; i < fe->nr_chans; i++) {
		struct twinnet_front_queue *fq = container_of(fe->port.queues[i],
						struct twinnet_front_queue, q);

		twr_chan_front_uninit(&fq->ch);
		fq->q.tx = NULL;
		fq->q.rx = NULL;
		fq->q.irq = -1;
	}
	fe->nr_chans = 0;
}

/* Stop the port; free the channels too with @free_chans, i.e. once the
 * backend is Closed (it unmaps everything first) or the device goes. */
static void twinnet_front_disconnect(struct twinnet_front *fe, bool free_chans)
{
	unsigned int i;

	mutex_lock(&fe->lock);
	rtnl_lock();
	twinnet_port_down(&fe->port);
	rtnl_unlock();
	for (i = 0; i < fe->nr_chans; i++) {
		struct twinnet_front_queue *fq = container_of(fe->port.queues[i],
						struct twinnet_front_queue, q);

		twr_chan_front_set_closing(&fq->ch);
	}
	if (free_chans)
		twinnet_front_free_chans(fe);
	mutex_unlock(&fe->lock);
}

static int twinnet_front_write_xs(struct twinnet_front *fe, unsigned int nr)
{
	struct xenbus_device *xdev = fe->port.xdev;
	struct xenbus_transaction xbt;
	unsigned int i;
	int ret;

again:
	ret = xenbus_transaction_start(&xbt);
	if (ret)
		return ret;
	ret = xenbus_printf(xbt, xdev->nodename, TWR_XS_NUM_QUEUES, "%u", nr);
	for (i = 0; !ret && i < nr; i++) {
		struct twinnet_front_queue *fq = container_of(fe->port.queues[i],
						struct twinnet_front_queue, q);

		ret = twr_chan_front_write_xs(&fq->ch, xbt);
	}
	if (ret) {
		xenbus_transaction_end(xbt, 1);
		return ret;
	}
	ret = xenbus_transaction_end(xbt, 0);
	if (ret == -EAGAIN)
		goto again;
	return ret;
}

static int twinnet_front_connect(struct twinnet_front *fe)
{
	struct xenbus_device *xdev = fe->port.xdev;
	unsigned int nr, order, back_queues, back_order, i;
	int ret;

	back_queues = xenbus_read_unsigned(xdev->otherend, TWR_XS_MAX_QUEUES, 1);
	back_order = xenbus_read_unsigned(xdev->otherend, TWR_XS_MAX_RING_ORDER,
					  TWR_NET_RING_ORDER_MIN);
	nr = clamp(back_queues, 1u, fe->port.max_queues);
	order = min3(ring_order, back_order, TWR_RING_ORDER_MAX);
	if (order < TWR_NET_RING_ORDER_MIN) {
		xenbus_dev_fatal(xdev, -EINVAL,
				 "ring order %u below the %u a 64 KiB packet needs (backend max-ring-order %u)",
				 order, TWR_NET_RING_ORDER_MIN, back_order);
		return -EINVAL;
	}

	mutex_lock(&fe->lock);
	/* Left from before the backend's last Closed: unmapped by now. */
	twinnet_front_free_chans(fe);
	for (i = 0; i < nr; i++) {
		struct twinnet_front_queue *fq = container_of(fe->port.queues[i],
						struct twinnet_front_queue, q);

		ret = twr_chan_front_init(&fq->ch, xdev, i, order, order,
					  TWR_NET_REC_MAX, TWR_NET_REC_MAX,
					  twinnet_interrupt, &fq->q);
		if (ret)
			goto fail;
		fe->nr_chans = i + 1;
		fq->q.tx = &fq->ch.ring_a;
		fq->q.rx = &fq->ch.ring_b;
		fq->q.irq = fq->ch.irq;
	}
	ret = twinnet_front_write_xs(fe, nr);
	if (ret) {
		xenbus_dev_fatal(xdev, ret, "writing the queue nodes");
		goto fail;
	}
	rtnl_lock();
	ret = twinnet_port_up(&fe->port, nr);
	/* Carrier waits for the backend to be Connected. */
	netif_carrier_off(fe->port.netdev);
	rtnl_unlock();
	mutex_unlock(&fe->lock);
	if (ret) {
		twinnet_front_disconnect(fe, true);
		return ret;
	}
	dev_info(&xdev->dev, "%s: %u queue(s), %u KiB rings\n",
		 fe->port.netdev->name, nr, (unsigned int)(PAGE_SIZE << order) >> 10);
	return xenbus_switch_state(xdev, XenbusStateInitialised);

fail:
	mutex_unlock(&fe->lock);
	twinnet_front_disconnect(fe, true);
	return ret;
}

static void twinnet_front_backend_changed(struct xenbus_device *xdev,
					  enum xenbus_state state)
{
	struct twinnet_front *fe = dev_get_drvdata(&xdev->dev);

	dev_dbg(&xdev->dev, "backend %s\n", xenbus_strstate(state));
	switch (state) {
	case XenbusStateInitWait:
		if (xdev->state != XenbusStateInitialising &&
		    xdev->state != XenbusStateClosed)
			break;
		if (xdev->state == XenbusStateClosed)
			xenbus_switch_state(xdev, XenbusStateInitialising);
		twinnet_front_connect(fe);
		break;
	case XenbusStateConnected:
		if (xdev->state != XenbusStateInitialised)
			break;
		rtnl_lock();
		if (fe->port.nr_queues) {
			netif_carrier_on(fe->port.netdev);
			if (netif_running(fe->port.netdev))
				netif_tx_wake_all_queues(fe->port.netdev);
		}
		rtnl_unlock();
		xenbus_switch_state(xdev, XenbusStateConnected);
		break;
	case XenbusStateClosed:
		/* Closed is also what a backend left behind when we were
		 * unloaded: nothing to tear down before we connected; its
		 * InitWait will follow our Initialising. After our own
		 * Closed, the backend has unmapped everything: the grants
		 * end now, with no deferral. */
		if (xdev->state == XenbusStateClosed ||
		    xdev->state == XenbusStateInitialising) {
			mutex_lock(&fe->lock);
			twinnet_front_free_chans(fe);
			mutex_unlock(&fe->lock);
			break;
		}
		fallthrough;
	case XenbusStateClosing:
		twinnet_front_disconnect(fe, state == XenbusStateClosed);
		xenbus_frontend_closed(xdev);
		break;
	default:
		break;
	}
}

/* The toolstack writes "mac" in our directory; a random one otherwise. */
static void twinnet_front_read_mac(struct xenbus_device *xdev,
				   struct net_device *netdev)
{
	u8 mac[ETH_ALEN];
	char *s;

	s = xenbus_read(XBT_NIL, xdev->nodename, TWR_XS_NET_MAC, NULL);
	if (!IS_ERR(s) && mac_pton(s, mac) && is_valid_ether_addr(mac)) {
		eth_hw_addr_set(netdev, mac);
	} else {
		eth_hw_addr_random(netdev);
		dev_warn(&xdev->dev, "no valid %s/%s, using a random MAC\n",
			 xdev->nodename, TWR_XS_NET_MAC);
	}
	if (!IS_ERR(s))
		kfree(s);
}

static int twinnet_front_probe(struct xenbus_device *xdev,
			       const struct xenbus_device_id *id)
{
	unsigned int nq = clamp(min(max_queues, num_online_cpus()), 1u, 64u);
	struct net_device *netdev;
	struct twinnet_front *fe;
	int ret;

	netdev = alloc_etherdev_mq(sizeof(*fe), nq);
	if (!netdev)
		return -ENOMEM;
	fe = netdev_priv(netdev);
	mutex_init(&fe->lock);
	ret = twinnet_port_init(&fe->port, netdev, xdev, &twinnet_front_ops,
				nq, sizeof(struct twinnet_front_queue));
	if (ret)
		goto out_free;
	fe->port.has_data_valid = true;

	twinnet_front_read_mac(xdev, netdev);
	dev_set_drvdata(&xdev->dev, fe);

	ret = register_netdev(netdev);
	if (ret) {
		xenbus_dev_fatal(xdev, ret, "registering the netdev");
		goto out_port;
	}
	xenbus_switch_state(xdev, XenbusStateInitialising);
	return 0;

out_port:
	dev_set_drvdata(&xdev->dev, NULL);
	twinnet_port_uninit(&fe->port);
out_free:
	free_netdev(netdev);
	return ret;
}

static void twinnet_front_remove(struct xenbus_device *xdev)
{
	struct twinnet_front *fe = dev_get_drvdata(&xdev->dev);
	struct net_device *netdev = fe->port.netdev;

	/* Disconnect first: carrier changes on an unregistered netdev would
	 * queue link events on a device about to be freed. */
	twinnet_front_disconnect(fe, true);
	unregister_netdev(netdev);
	twinnet_port_uninit(&fe->port);
	dev_set_drvdata(&xdev->dev, NULL);
	free_netdev(netdev);
	/* The xenbus core now writes state Closed; the backend unmaps and
	 * the grant table code frees the pages it still held. */
}

/*
 * After xl restore or a migration: the backend that mapped our rings is
 * gone (a new one waits in InitWait for the new domain) and the grant
 * table is a new one, so the channels are ended and freed now, with no
 * deferral. Packets still in ring A are dropped, as netfront drops what
 * its rings held; TCP sends them again. The xenbus core then watches the
 * new backend and its InitWait connects fresh channels.
 */
static int twinnet_front_resume(struct xenbus_device *xdev)
{
	struct twinnet_front *fe = dev_get_drvdata(&xdev->dev);

	dev_info(&xdev->dev, "%s: resumed: reconnecting with new rings\n",
		 fe->port.netdev->name);
	twinnet_front_disconnect(fe, true);
	return 0;
}

static const struct xenbus_device_id twinnet_front_ids[] = {
	{ TWR_XS_KIND_NET },
	{ "" }
};

static struct xenbus_driver twinnet_front_driver = {
	.ids = twinnet_front_ids,
	.probe = twinnet_front_probe,
	.remove = twinnet_front_remove,
	.resume = twinnet_front_resume,
	.otherend_changed = twinnet_front_backend_changed,
	.not_essential = true,
};

static struct twr_front_rewatch twinnet_front_rewatch;

static int __init twinnet_front_init(void)
{
	int ret;

	if (!xen_domain())
		return -ENODEV;
	ret = xenbus_register_frontend(&twinnet_front_driver);
	if (ret)
		return ret;
	/* Without it only a late toolstack after a restore goes unnoticed. */
	if (twr_front_rewatch_register(&twinnet_front_rewatch,
				       &twinnet_front_driver, TWR_XS_KIND_NET))
		pr_warn("twinnet-front: no watch for devices that appear after a resume\n");
	return 0;
}

static void __exit twinnet_front_exit(void)
{
	twr_front_rewatch_unregister(&twinnet_front_rewatch);
	xenbus_unregister_driver(&twinnet_front_driver);
}

module_init(twinnet_front_init);
module_exit(twinnet_front_exit);
MODULE_DESCRIPTION("twinring network frontend (domU netdev over twin rings)");
MODULE_LICENSE("Dual MIT/GPL");
MODULE_VERSION(TWR_RELEASE);
MODULE_ALIAS("xen:" TWR_XS_KIND_NET);
