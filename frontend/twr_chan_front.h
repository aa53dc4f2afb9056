/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * twinring channel core, frontend side (the user domain owns the memory).
 *
 * A channel is one control page and two data rings (include/twinring/ring.h).
 * twr_chan_front_init() allocates them, grants them once to the backend
 * domain (control page and ring B read-write, ring A and the two directory
 * pages read-only), allocates an event channel and binds it to @handler with
 * lateeoi semantics (XSA-332: the backend must not be able to keep us in the
 * handler; the owner calls xen_irq_lateeoi(ch->irq, ...) once it has handled
 * the event).
 * twr_chan_front_write_xs() then writes the queue-<n>/ nodes of
 * include/twinring/xenbus.h inside the caller's transaction. Teardown with
 * twr_chan_front_uninit(), after the caller has quiesced its users of the
 * rings and irq; pages the backend still maps are handed to the grant table
 * code and freed once the backend lets go (gnttab_end_foreign_access()).
 *
 * Used by twinnet-front and twinblk-front; exported by twinring-chan-front.ko.
 *
 * Ring roles on this side: ring_a is the producer (front -> back),
 * ring_b the consumer (back -> front).
 */
#ifndef TWR_CHAN_FRONT_H
#define TWR_CHAN_FRONT_H

#include <linux/interrupt.h>
#include <linux/workqueue.h>
#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/xenbus.h>

#include "twr_ring.h"

/* One ring's memory as owned by the frontend. */
struct twr_chan_front_mem {
	unsigned int order;		/* data size = PAGE_SIZE << order */
	unsigned int nr_pages;
	struct page **pages;		/* data pages, one reference each */
	grant_ref_t *refs;		/* their grants, read-only for ring A */
	void *data;			/* vmap() of pages: the data area */
	struct page *dir_page;		/* the refs, little-endian u32 */
	grant_ref_t dir_ref;		/* read-only grant of dir_page */
};

struct twr_chan_front {
	struct xenbus_device *dev;
	unsigned int index;		/* queue number: node queue-<index> */
	struct page *ctl_page;
	struct twr_chan_ctl *ctl;	/* page_address(ctl_page) */
	grant_ref_t ctl_ref;
	struct twr_chan_front_mem a, b;
	evtchn_port_t evtchn;
	int irq;			/* < 0 until bound */
	struct twr_ring ring_a;		/* producer */
	struct twr_ring ring_b;		/* consumer */
	bool broken_logged;
	char irq_name[40];
	void *dev_id;			/* the handler's cookie: free_irq() needs it */
};

/*
 * Allocate, initialise and grant a channel for queue @index of @dev, with
 * data rings of order @a_order and @b_order (each within TWR_RING_ORDER_MIN..
 * TWR_RING_ORDER_MAX) carrying records of at most @a_max / @b_max payload
 * bytes; allocate its event channel and bind it to @handler(irq, @dev_id),
 * lateeoi (the handler may run as soon as the backend connects). Returns 0 or a
 * negative errno, with everything undone and xenbus_dev_fatal() called.
 */
int twr_chan_front_init(struct twr_chan_front *ch, struct xenbus_device *dev,
			unsigned int index, unsigned int a_order,
			unsigned int b_order, u32 a_max, u32 b_max,
			irq_handler_t handler, void *dev_id);

/*
 * Write this channel's queue-<index>/ nodes under dev->nodename in @xbt.
 * Returns 0 or a negative errno (the caller aborts the transaction).
 */
int twr_chan_front_write_xs(struct twr_chan_front *ch,
			    struct xenbus_transaction xbt);

/*
 * Undo twr_chan_front_init(): unbind the irq (closing the event channel),
 * end foreign access to every page and free it, now or when the backend
 * unmaps it. The caller must have stopped every user of the rings. Safe on a
 * zeroed or half-initialised channel.
 */
void twr_chan_front_uninit(struct twr_chan_front *ch);

/*
 * Latch the channel broken because @r (one of its rings) is: set
 * TWR_F_BROKEN in front_flags and log once, rate-limited, with the reason.
 * The caller then moves the device to XenbusStateClosing (from process
 * context).
 */
void twr_chan_front_set_broken(struct twr_chan_front *ch, struct twr_ring *r);

/* Set TWR_F_CLOSING in front_flags: the orderly shutdown has begun. */
void twr_chan_front_set_closing(struct twr_chan_front *ch);

/*
 * Whether @ch's irq is still bound to its event channel. xl restore and a
 * migration drop every binding (xen_irq_resume()), and the irq core then
 * replays an event that was pending at the suspend: the handler runs before
 * the driver's .resume, on rings that are the saved image, which the old
 * backend went on writing while the image was copied (a record's header and
 * its data or the producer index can come from different moments). Any
 * path that reads ring B from an event returns at once when this is false;
 * .resume ends the channel.
 */
static inline bool twr_chan_front_bound(const struct twr_chan_front *ch)
{
	return ch->irq >= 0 && irq_from_evtchn(ch->evtchn) == ch->irq;
}

/* Kick the backend (one EVTCHNOP_send). */
void twr_chan_front_notify(struct twr_chan_front *ch);

/*
 * A guest resumed by xl restore or a migration before the toolstack wrote its
 * devices' directories fails their resume in the xenbus core ("resume
 * (talk_to_otherend) failed: -2") and never looks again: the devices stay
 * without a backend. This watch on device/<kind> fires when the directories
 * appear, and resumes then each device of the driver that was left with no
 * other end (twinringd holds a new domain paused while it writes them, so
 * this is for a toolstack that was late: restarting, or killed). The walk
 * runs from a work item and only try-locks each device: the xenbus core
 * unregisters watches (waiting for the watch thread) with a device's lock
 * held, and an unbind waits for a walk's reference with it held too.
 */
struct twr_front_rewatch {
	struct xenbus_watch watch;
	struct xenbus_driver *drv;
	struct delayed_work work;	/* the walk: never in the watch itself */
	unsigned int retries;		/* of walks that found a device busy */
};

int twr_front_rewatch_register(struct twr_front_rewatch *rw,
			       struct xenbus_driver *drv, const char *kind);
void twr_front_rewatch_unregister(struct twr_front_rewatch *rw);

#endif /* TWR_CHAN_FRONT_H */
