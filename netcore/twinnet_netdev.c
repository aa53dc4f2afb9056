// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * twinnet netdev, the same on both sides (see twinnet.h): TX copies each
 * packet into the producer ring and frees it at once (no completions), RX
 * is a NAPI poll over the consumer ring.
 *
 * Notifications: a batch of TX records is published when the stack has no
 * more packets for us (!netdev_xmit_more()) and the peer gets an event only
 * if it asked for one (twr_ring_publish()); released RX space likewise
 * (twr_ring_release_publish()). NAPI re-arms with twr_ring_final_check()
 * after napi_complete_done(), and the lateeoi EOI is sent only then, so a
 * peer cannot make us take more than one interrupt per poll cycle.
 */
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <xen/events.h>
#include <xen/xenbus.h>

#include "twinnet.h"

static void twinnet_netdev_setup(struct twinnet_port *port);

/* Give released RX space back early once this share of the ring is free. */
#define TWINNET_RX_RELEASE_SHIFT	2	/* a quarter */

static void twinnet_broken(struct twinnet_queue *q, struct twr_ring *r)
{
	struct twinnet_port *port = q->port;

	q->stats.rx_errors++;
	port->ops->set_broken(q, r);
	schedule_work(&port->broken_work);
}

static void twinnet_broken_workfn(struct work_struct *work)
{
	struct twinnet_port *port = container_of(work, struct twinnet_port,
						 broken_work);

	port->ops->broken_work(port);
}

/* Under the TX queue lock: publish committed records, kick if asked. */
static void twinnet_tx_flush(struct twinnet_queue *q)
{
	if (twr_ring_publish(q->tx)) {
		q->port->ops->notify(q);
		q->stats.tx_notify++;
	}
}

/* Under the TX queue lock, the queue just stopped for want of space: start
 * the stall clock (a no-op unless the port has one). */
static void twinnet_stall_arm(struct twinnet_queue *q)
{
	unsigned int ms = q->port->stall_ms;

	if (ms)
		mod_timer(&q->stall_timer, jiffies + msecs_to_jiffies(ms));
}

/* Under the TX queue lock, the queue is woken: stop the clock, and turn the
 * carrier back on if this was the last stalled queue. */
static void twinnet_stall_clear(struct twinnet_queue *q)
{
	struct twinnet_port *port = q->port;

	del_timer(&q->stall_timer);
	if (!q->stalled)
		return;
	q->stalled = false;
	if (atomic_dec_and_test(&port->stalled_queues)) {
		netdev_info(port->netdev, "queue %u: the peer reads again, carrier on\n",
			    q->id);
		netif_carrier_on(port->netdev);
	}
}

/*
 * The stall timer: the queue has been stopped for stall_ms and the peer
 * still frees no space. Carrier off: the link watch then swaps the qdisc
 * out and drops what it holds, and a bridge stops forwarding to us, so
 * nothing the host sends piles up for a guest that reads nothing. The
 * queue stays stopped; the peer's space event (NAPI, twinnet_tx_wake())
 * brings the carrier back. Under the TX queue lock, so a wake cannot slip
 * between the test and the carrier change.
 */
static void twinnet_stall_timer(struct timer_list *t)
{
	struct twinnet_queue *q = from_timer(q, t, stall_timer);
	struct twinnet_port *port = q->port;
	struct netdev_queue *txq = netdev_get_tx_queue(port->netdev, q->id);

	__netif_tx_lock(txq, smp_processor_id());
	if (q->connected && !q->stalled && netif_tx_queue_stopped(txq)) {
		q->stalled = true;
		q->stats.tx_stalls++;
		netdev_warn(port->netdev,
			    "queue %u: the peer took nothing for %u ms, carrier off (queued packets dropped)\n",
			    q->id, port->stall_ms);
		if (atomic_inc_return(&port->stalled_queues) == 1)
			netif_carrier_off(port->netdev);
	}
	__netif_tx_unlock(txq);
}

/* NAPI: a stopped TX queue restarts once a maximum record fits again. */
static void twinnet_tx_wake(struct twinnet_queue *q)
{
	struct netdev_queue *txq = netdev_get_tx_queue(q->port->netdev, q->id);

	if (!netif_tx_queue_stopped(txq))
		return;
	__netif_tx_lock(txq, smp_processor_id());
	if (q->connected && netif_tx_queue_stopped(txq) &&
	    !twr_ring_broken(q->tx) &&
	    twr_ring_space_wait_prepare(q->tx, TWR_NET_REC_MAX)) {
		twinnet_stall_clear(q);
		netif_tx_wake_queue(txq);
		q->eoi_work = true;
	}
	__netif_tx_unlock(txq);
}

static netdev_tx_t twinnet_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct twinnet_port *port = netdev_priv(dev);
	u16 qid = skb_get_queue_mapping(skb);
	struct netdev_queue *txq = netdev_get_tx_queue(dev, qid);
	struct twinnet_queue *q;
	unsigned int len = skb->len;
	int ret;

	if (unlikely(qid >= port->max_queues || !port->queues[qid]->connected)) {
		dev_core_stats_tx_dropped_inc(dev);
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	q = port->queues[qid];
	ret = twinnet_rec_put(q->tx, skb, port->has_data_valid,
			      unlikely(*port->ops->inject_fault) &&
			      xchg(port->ops->inject_fault, false));
	if (unlikely(ret == -EAGAIN)) {
		/* Only if the peer moved cons backwards... or we raced; the
		 * queue normally stops below before the ring can fill. */
		q->stats.tx_ring_full++;
		twinnet_tx_flush(q);
		netif_tx_stop_queue(txq);
		if (twr_ring_space_wait_prepare(q->tx, TWR_NET_REC_MAX) &&
		    !twr_ring_broken(q->tx))
			netif_tx_start_queue(txq);
		else
			twinnet_stall_arm(q);
		return NETDEV_TX_BUSY;
	}
	if (unlikely(ret == -EPROTO)) {
		netif_tx_stop_queue(txq);
		twinnet_broken(q, q->tx);
	}
	if (unlikely(ret)) {
		q->stats.tx_dropped++;
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	q->stats.tx_records++;
	q->stats.tx_bytes += len;
	if (skb_is_gso(skb))
		q->stats.tx_gso++;
	dev_consume_skb_any(skb);

	/* Stop before a maximum record may no longer fit; the peer's
	 * space event (cons_event) restarts us from NAPI. The cheap test
	 * uses the last seen cons; prepare re-reads it. */
	if (twr_ring_space(q->tx) < 2 * TWR_REC_SPACE(TWR_NET_REC_MAX)) {
		twinnet_tx_flush(q);
		if (!twr_ring_space_wait_prepare(q->tx, TWR_NET_REC_MAX)) {
			netif_tx_stop_queue(txq);
			q->stats.tx_ring_full++;
			twinnet_stall_arm(q);
		}
		return NETDEV_TX_OK;
	}
	if (!netdev_xmit_more() || netif_xmit_stopped(txq))
		twinnet_tx_flush(q);
	return NETDEV_TX_OK;
}

/* NAPI: give released RX bytes back to the producer, kick if asked. */
static void twinnet_rx_release(struct twinnet_queue *q)
{
	q->rx_unpublished = 0;
	if (twr_ring_release_publish(q->rx)) {
		q->port->ops->notify(q);
		q->stats.rx_notify++;
	}
}

static void twinnet_eoi(struct twinnet_queue *q)
{
	if (atomic_xchg(&q->eoi_pending, 0)) {
		xen_irq_lateeoi(q->irq, q->eoi_work ? 0 : XEN_EOI_FLAG_SPURIOUS);
		q->eoi_work = false;
	}
}

static int twinnet_poll(struct napi_struct *napi, int budget)
{
	struct twinnet_queue *q = container_of(napi, struct twinnet_queue,
					       napi);
	struct net_device *dev = q->port->netdev;
	u32 release_at = twr_ring_size(q->rx) >> TWINNET_RX_RELEASE_SHIFT;
	struct sk_buff *skb;
	struct twr_rec rec;
	const char *why;
	int done = 0, ret;

	if (q->port->ops->bound && !q->port->ops->bound(q)) {
		/* The rings are a restored image: left to .resume. */
		napi_complete(napi);
		return 0;
	}
	twinnet_tx_wake(q);
	while (done < budget) {
		ret = twr_ring_peek(q->rx, &rec);
		if (ret == -EAGAIN)
			break;
		if (ret) {
			twinnet_broken(q, q->rx);
			break;
		}
		skb = twinnet_rec_to_skb(napi, &rec, &why);
		if (IS_ERR(skb) && PTR_ERR(skb) == -EPROTO) {
			twr_ring_mark_broken(q->rx, why);
			twinnet_broken(q, q->rx);
			break;
		}
		q->rx_unpublished += TWR_REC_SPACE(rec.len);
		twr_ring_release(q->rx);
		done++;
		if (IS_ERR(skb)) {
			q->stats.rx_dropped++;
		} else {
			q->stats.rx_records++;
			q->stats.rx_bytes += skb->len;
			if (skb_is_gso(skb))
				q->stats.rx_gso++;
			skb->protocol = eth_type_trans(skb, dev);
			skb_record_rx_queue(skb, q->id);
			napi_gro_receive(napi, skb);
		}
		if (q->rx_unpublished >= release_at)
			twinnet_rx_release(q);
	}
	twinnet_rx_release(q);
	if (done)
		q->eoi_work = true;

	if (twr_ring_broken(q->rx) || twr_ring_broken(q->tx)) {
		/* Stay quiet until disconnect; the EOI keeps the event
		 * channel usable for a reconnect. */
		napi_complete(napi);
		twinnet_eoi(q);
		return 0;
	}
	if (done < budget && napi_complete_done(napi, done)) {
		if (twr_ring_final_check(q->rx))
			napi_schedule(napi);
		else
			twinnet_eoi(q);
	}
	return done;
}

irqreturn_t twinnet_interrupt(int irq, void *dev_id)
{
	struct twinnet_queue *q = dev_id;

	q->stats.irqs++;
	/* Set before scheduling: the poll that completes after this
	 * sends the EOI (pairs with the xchg in twinnet_eoi()). */
	atomic_set(&q->eoi_pending, 1);
	smp_mb__after_atomic();
	napi_schedule(&q->napi);
	return IRQ_HANDLED;
}
EXPORT_SYMBOL_GPL(twinnet_interrupt);

static void twinnet_queue_napi_on(struct twinnet_queue *q)
{
	if (q->napi_on)
		return;
	napi_enable(&q->napi);
	q->napi_on = true;
	/* Catch events that came while NAPI was off (their EOI is due). */
	napi_schedule(&q->napi);
}

static void twinnet_queue_napi_off(struct twinnet_queue *q)
{
	if (!q->napi_on)
		return;
	napi_disable(&q->napi);
	q->napi_on = false;
}

/* Process context, TX stopped: no stall clock runs and none is counted
 * any more. Returns true if a queue was stalled (the carrier is off). */
static bool twinnet_stall_reset(struct twinnet_port *port)
{
	unsigned int i;

	for (i = 0; i < port->max_queues; i++) {
		/* The timer takes the TX lock; none is held here. */
		del_timer_sync(&port->queues[i]->stall_timer);
		port->queues[i]->stalled = false;
	}
	return atomic_xchg(&port->stalled_queues, 0) != 0;
}

static int twinnet_open(struct net_device *dev)
{
	struct twinnet_port *port = netdev_priv(dev);
	unsigned int i;

	for (i = 0; i < port->nr_queues; i++)
		if (port->queues[i]->connected)
			twinnet_queue_napi_on(port->queues[i]);
	netif_tx_start_all_queues(dev);
	return 0;
}

static int twinnet_close(struct net_device *dev)
{
	struct twinnet_port *port = netdev_priv(dev);
	unsigned int i;

	for (i = 0; i < port->max_queues; i++)
		twinnet_queue_napi_off(port->queues[i]);
	netif_tx_disable(dev);
	/* Opened again, the queues start afresh: no stall survives. */
	if (twinnet_stall_reset(port) && port->nr_queues)
		netif_carrier_on(dev);
	return 0;
}

int twinnet_port_up(struct twinnet_port *port, unsigned int nr)
{
	struct net_device *dev = port->netdev;
	unsigned int i;
	int ret;

	ASSERT_RTNL();
	ret = netif_set_real_num_tx_queues(dev, nr);
	if (!ret)
		ret = netif_set_real_num_rx_queues(dev, nr);
	if (ret)
		return ret;
	for (i = 0; i < nr; i++) {
		struct twinnet_queue *q = port->queues[i];

		q->rx_unpublished = 0;
		q->eoi_work = false;
		q->connected = true;
		if (netif_running(dev))
			twinnet_queue_napi_on(q);
	}
	port->nr_queues = nr;
	atomic_set(&port->stalled_queues, 0);
	netif_carrier_on(dev);
	if (netif_running(dev))
		netif_tx_wake_all_queues(dev);
	return 0;
}
EXPORT_SYMBOL_GPL(twinnet_port_up);

static void twinnet_stats_add(struct twinnet_stats *to,
			      const struct twinnet_stats *from)
{
	u64 *t = (u64 *)to;
	const u64 *f = (const u64 *)from;
	unsigned int i;

	for (i = 0; i < TWINNET_NSTATS; i++)
		t[i] += READ_ONCE(f[i]);
}

unsigned int twinnet_port_down(struct twinnet_port *port)
{
	unsigned int i, nr = port->nr_queues;

	ASSERT_RTNL();
	netif_carrier_off(port->netdev);
	/* NAPI first: it is the only place a stopped queue is woken. */
	for (i = 0; i < port->max_queues; i++)
		twinnet_queue_napi_off(port->queues[i]);
	netif_tx_disable(port->netdev);
	twinnet_stall_reset(port);
	for (i = 0; i < nr; i++) {
		struct twinnet_queue *q = port->queues[i];

		q->connected = false;
		atomic_set(&q->eoi_pending, 0);
		twinnet_stats_add(&port->dead, &q->stats);
		memset(&q->stats, 0, sizeof(q->stats));
	}
	port->nr_queues = 0;
	return nr;
}
EXPORT_SYMBOL_GPL(twinnet_port_down);

int twinnet_port_init(struct twinnet_port *port, struct net_device *netdev,
		      struct xenbus_device *xdev, const struct twinnet_ops *ops,
		      unsigned int max_queues, size_t qsize)
{
	unsigned int i;

	port->netdev = netdev;
	port->xdev = xdev;
	port->ops = ops;
	port->max_queues = max_queues;
	INIT_WORK(&port->broken_work, twinnet_broken_workfn);
	twinnet_netdev_setup(port);
	port->queues = kcalloc(max_queues, sizeof(*port->queues), GFP_KERNEL);
	if (!port->queues)
		return -ENOMEM;
	for (i = 0; i < max_queues; i++) {
		struct twinnet_queue *q = kzalloc(qsize, GFP_KERNEL);

		if (!q)
			goto fail;
		q->port = port;
		q->id = i;
		q->irq = -1;
		timer_setup(&q->stall_timer, twinnet_stall_timer, 0);
		netif_napi_add(netdev, &q->napi, twinnet_poll);
		port->queues[i] = q;
	}
	return 0;
fail:
	twinnet_port_uninit(port);
	return -ENOMEM;
}
EXPORT_SYMBOL_GPL(twinnet_port_init);

void twinnet_port_uninit(struct twinnet_port *port)
{
	unsigned int i;

	cancel_work_sync(&port->broken_work);
	for (i = 0; port->queues && i < port->max_queues; i++) {
		if (!port->queues[i])
			continue;
		del_timer_sync(&port->queues[i]->stall_timer);
		netif_napi_del(&port->queues[i]->napi);
		kfree(port->queues[i]);
	}
	kfree(port->queues);
	port->queues = NULL;
}
EXPORT_SYMBOL_GPL(twinnet_port_uninit);

static void twinnet_stats_sum(struct twinnet_port *port,
			      struct twinnet_stats *sum)
{
	unsigned int i;

	*sum = port->dead;
	for (i = 0; i < port->max_queues; i++)
		twinnet_stats_add(sum, &port->queues[i]->stats);
}

static void twinnet_get_stats64(struct net_device *dev,
				struct rtnl_link_stats64 *stats)
{
	struct twinnet_port *port = netdev_priv(dev);
	struct twinnet_stats s;

	twinnet_stats_sum(port, &s);
	stats->tx_packets = s.tx_records;
	stats->tx_bytes = s.tx_bytes;
	stats->tx_dropped = s.tx_dropped;
	stats->rx_packets = s.rx_records;
	stats->rx_bytes = s.rx_bytes;
	stats->rx_dropped = s.rx_dropped;
	stats->rx_errors = s.rx_errors;
}

static const char twinnet_stat_names[][ETH_GSTRING_LEN] = {
	"tx_records", "tx_bytes", "tx_gso", "tx_dropped", "tx_ring_full",
	"tx_notify", "rx_records", "rx_bytes", "rx_gso", "rx_dropped",
	"rx_errors", "rx_notify", "irqs", "tx_stalls",
};
static_assert(ARRAY_SIZE(twinnet_stat_names) == TWINNET_NSTATS);

static int twinnet_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? TWINNET_NSTATS : -EOPNOTSUPP;
}

static void twinnet_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	if (sset == ETH_SS_STATS)
		memcpy(data, twinnet_stat_names, sizeof(twinnet_stat_names));
}

static void twinnet_get_ethtool_stats(struct net_device *dev,
				      struct ethtool_stats *es, u64 *data)
{
	struct twinnet_stats s;

	twinnet_stats_sum(netdev_priv(dev), &s);
	memcpy(data, &s, sizeof(s));
}

static void twinnet_get_drvinfo(struct net_device *dev,
				struct ethtool_drvinfo *info)
{
	struct twinnet_port *port = netdev_priv(dev);

	strscpy(info->driver, port->ops->driver, sizeof(info->driver));
	strscpy(info->bus_info, dev_name(&port->xdev->dev),
		sizeof(info->bus_info));
}

/* The same counters as ethtool -S, in /sys/class/net/<dev>/twinnet/stats
 * for hosts without ethtool (the lab's roots). */
static ssize_t stats_show(struct device *d, struct device_attribute *attr,
			  char *buf)
{
	struct net_device *dev = to_net_dev(d);
	struct twinnet_stats s;
	const u64 *v = (const u64 *)&s;
	unsigned int i;
	int len = 0;

	/* No rtnl: unregister_netdev() holds it while it waits for us. The
	 * queues live until after unregistering; a racing reconnect can
	 * only make one read slightly off. */
	twinnet_stats_sum(netdev_priv(dev), &s);
	for (i = 0; i < TWINNET_NSTATS; i++)
		len += sysfs_emit_at(buf, len, "%s %llu\n", twinnet_stat_names[i],
				     v[i]);
	return len;
}
static DEVICE_ATTR_RO(stats);

static struct attribute *twinnet_attrs[] = {
	&dev_attr_stats.attr,
	NULL
};

static const struct attribute_group twinnet_attr_group = {
	.name = "twinnet",
	.attrs = twinnet_attrs,
};

static const struct ethtool_ops twinnet_ethtool_ops = {
	.get_drvinfo = twinnet_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_sset_count = twinnet_get_sset_count,
	.get_strings = twinnet_get_strings,
	.get_ethtool_stats = twinnet_get_ethtool_stats,
};

static const struct net_device_ops twinnet_netdev_ops = {
	.ndo_open = twinnet_open,
	.ndo_stop = twinnet_close,
	.ndo_start_xmit = twinnet_start_xmit,
	.ndo_get_stats64 = twinnet_get_stats64,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

/* What both sides' netdevs have in common; the name, the MAC address and
 * the xenbus driver data stay with each driver. */
static void twinnet_netdev_setup(struct twinnet_port *port)
{
	struct net_device *netdev = port->netdev;

	netdev->netdev_ops = &twinnet_netdev_ops;
	netdev->ethtool_ops = &twinnet_ethtool_ops;
	/* /sys/class/net/<dev>/twinnet/stats */
	netdev->sysfs_groups[0] = &twinnet_attr_group;
	netdev->features = TWINNET_FEATURES;
	netdev->hw_features = TWINNET_FEATURES;
	netdev->min_mtu = ETH_MIN_MTU;
	netdev->max_mtu = TWR_NET_MTU_MAX;
	netif_set_tso_max_size(netdev, TWR_NET_PKT_MAX - 32);
	SET_NETDEV_DEV(netdev, &port->xdev->dev);
	netif_carrier_off(netdev);
}
