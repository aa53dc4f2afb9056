/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * twinnet: what the net frontend and the net backend share.
 *
 * Both sides run the same data path over a channel: a netdev whose TX goes
 * into the producer ring and whose RX (NAPI) comes from the consumer ring.
 * In the frontend TX is ring A and RX ring B; in the backend the reverse.
 * twinnet_rec.c converts between sk_buffs and net records
 * (include/twinring/net.h), twinnet_netdev.c is the netdev and its data
 * path. Both are twinnet-core.ko (netcore/), which exports what
 * twinnet-front.ko and twinnet-back.ko call: one implementation, loaded
 * once, that modprobe pulls in through the drivers' symbol dependencies.
 *
 * Locking: a queue's producer ring is touched only under its netdev TX queue
 * lock (ndo_start_xmit, and twinnet_tx_wake() from NAPI), its consumer ring
 * only from its NAPI poll. Connect and disconnect run under rtnl_lock with
 * NAPI disabled and TX stopped before the channel goes away.
 */
#ifndef TWINNET_H
#define TWINNET_H

#include <linux/netdevice.h>
#include <linux/workqueue.h>

#include "twinring/net.h"
#include "twr_ring.h"

/* Counters, one writer each: xmit (tx_*), NAPI (rx_*), the irq handler. */
struct twinnet_stats {
	u64 tx_records;
	u64 tx_bytes;
	u64 tx_gso;
	u64 tx_dropped;
	u64 tx_ring_full;
	u64 tx_notify;		/* events sent: new records */
	u64 rx_records;
	u64 rx_bytes;
	u64 rx_gso;
	u64 rx_dropped;		/* no memory for an skb */
	u64 rx_errors;		/* protocol violations by the peer */
	u64 rx_notify;		/* events sent: space released */
	u64 irqs;		/* events received */
	u64 tx_stalls;		/* carrier off: the peer took nothing for
				 * stall_ms (the stall timer, under the TX
				 * queue lock) */
};

#define TWINNET_NSTATS	(sizeof(struct twinnet_stats) / sizeof(u64))

struct twinnet_port;

struct twinnet_queue {
	struct twinnet_port *port;
	unsigned int id;
	struct napi_struct napi;
	struct twr_ring *tx;		/* producer ring, NULL if down */
	struct twr_ring *rx;		/* consumer ring, NULL if down */
	int irq;
	bool connected;
	bool napi_on;
	bool eoi_work;			/* work done since the last EOI */
	atomic_t eoi_pending;		/* an event awaits xen_irq_lateeoi() */
	unsigned int rx_unpublished;	/* released bytes not yet given back */
	/* TX stopped for the peer's sake since the timer was armed; it turns
	 * the carrier off when it fires with the queue still stopped. */
	struct timer_list stall_timer;
	bool stalled;			/* under the TX queue lock */
	struct twinnet_stats stats;
};

/* What differs between the two sides. */
struct twinnet_ops {
	const char *driver;
	/* Kick the peer through @q's channel. */
	void (*notify)(struct twinnet_queue *q);
	/* @q's channel is broken because of @r: latch and log (any context). */
	void (*set_broken)(struct twinnet_queue *q, struct twr_ring *r);
	/* From process context: take the device down (XenbusStateClosing). */
	void (*broken_work)(struct twinnet_port *port);
	/* Optional: false when @q's rings must not be read (a frontend's
	 * domain restored, its .resume not run yet: twr_chan_front_bound()). */
	bool (*bound)(struct twinnet_queue *q);
	/* The driver's inject_fault module parameter (test mode): while set,
	 * the next packet sent goes out corrupt and it is cleared. */
	bool *inject_fault;
};

/* Must be the first member of the netdev private area of either side. */
struct twinnet_port {
	struct net_device *netdev;
	struct xenbus_device *xdev;
	const struct twinnet_ops *ops;
	unsigned int max_queues;
	unsigned int nr_queues;		/* connected queues, under rtnl */
	struct twinnet_queue **queues;	/* max_queues entries, fixed */
	bool has_data_valid;		/* may send TWR_NET_F_DATA_VALID */
	/* A TX queue stopped this long because the peer consumes nothing
	 * turns the carrier off, which drops what waits in the qdisc and
	 * takes the port out of its bridge until the peer reads again
	 * (netback's rx_stall_timeout). 0: never (the frontend: a backend
	 * that stops reading stalls only its own guest). */
	unsigned int stall_ms;
	atomic_t stalled_queues;	/* queues with ->stalled set */
	struct work_struct broken_work;
	struct twinnet_stats dead;	/* stats of queues no longer connected */
};

/* twinnet_rec.c */
/* Copy @skb into one record of @r (with a reserved field set if @corrupt: a
 * test mode). Returns 0, -EAGAIN (ring full), -EPROTO (ring broken), or
 * another negative errno if the packet cannot be sent. */
int twinnet_rec_put(struct twr_ring *r, const struct sk_buff *skb,
		    bool has_data_valid, bool corrupt);
/* Build an skb from @rec, validating everything. Returns the skb,
 * ERR_PTR(-EPROTO) with *@why set if the peer broke the protocol, or
 * ERR_PTR(-ENOMEM). */
struct sk_buff *twinnet_rec_to_skb(struct napi_struct *napi,
				   const struct twr_rec *rec, const char **why);

/* twinnet_netdev.c */
/* Allocate @max_queues queues of @qsize bytes each (struct twinnet_queue
 * first) and their NAPI contexts, and set up @netdev as both sides have it:
 * netdev and ethtool ops, /sys/class/net/<dev>/twinnet/stats, offloads, MTU
 * range, parent @xdev, carrier off. The caller names it, gives it a MAC and
 * registers it. Returns 0 or -ENOMEM. */
int twinnet_port_init(struct twinnet_port *port, struct net_device *netdev,
		      struct xenbus_device *xdev, const struct twinnet_ops *ops,
		      unsigned int max_queues, size_t qsize);
void twinnet_port_uninit(struct twinnet_port *port);
/* Under rtnl: the first @nr queues have their rings and irqs set; start
 * them, set the real queue counts, carrier on. */
int twinnet_port_up(struct twinnet_port *port, unsigned int nr);
/* Under rtnl: stop NAPI and TX of every connected queue, carrier off. The
 * channels may be torn down afterwards. Returns how many were connected. */
unsigned int twinnet_port_down(struct twinnet_port *port);

/* The event channel handler of each queue's channel, @dev_id the queue. */
irqreturn_t twinnet_interrupt(int irq, void *dev_id);

/* Offloads both sides offer: SG, any-protocol checksum, TSO. */
#define TWINNET_FEATURES (NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM | \
			  NETIF_F_TSO | NETIF_F_TSO6 | NETIF_F_TSO_ECN | \
			  NETIF_F_HIGHDMA)

#endif /* TWINNET_H */
