/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * twinring channel core, backend side (the driver domain maps the memory).
 *
 * twr_chan_back_connect() reads queue-<n>/ of the frontend directory
 * (hostile input: every value is validated), maps the two directory pages
 * read-only, copies the data-page refs once and unmaps them, maps the
 * control page and ring B read-write and ring A read-only, each once, as one
 * virtually contiguous area, checks the control page and attaches the rings,
 * and binds the interdomain event channel with lateeoi semantics (XSA-332:
 * the handler's owner must call xen_irq_lateeoi(ch->irq, ...) once it has
 * handled the event, which also bounds how fast a peer can make us run).
 * twr_chan_back_disconnect() undoes all of it; after it returns no grant of
 * the frontend is mapped by this channel any more.
 *
 * Used by twinnet-back and twinblk-back; exported by twinring-chan-back.ko.
 *
 * Ring roles on this side: ring_a is the consumer (front -> back),
 * ring_b the producer (back -> front).
 */
#ifndef TWR_CHAN_BACK_H
#define TWR_CHAN_BACK_H

#include <linux/interrupt.h>
#include <xen/grant_table.h>
#include <xen/xenbus.h>

#include "twr_ring.h"

/* A set of foreign pages mapped once, contiguously. */
struct twr_chan_back_map {
	unsigned int nr;
	bool readonly;
	void *addr;			/* contiguous kernel mapping */
	grant_handle_t *handles;	/* INVALID_GRANT_HANDLE if not mapped */
	u64 *ptes;			/* PV: machine addresses of the PTEs */
	struct page *filler;		/* PV: placeholder vmap()ed before mapping */
	/* Ballooned frames holding the pages, for I/O on them (bvecs need
	 * struct pages): auto-translated, the mapping itself; PV, a second
	 * mapping of the same grants, made only if the protocol asks
	 * (twr_chan_back_limits.io_pages), else NULL. */
	struct page **pages;
	grant_handle_t *page_handles;	/* PV: that second mapping's handles */
};

struct twr_chan_back {
	struct xenbus_device *dev;
	unsigned int index;
	unsigned int a_order, b_order;
	struct twr_chan_back_map ctl_map, a_map, b_map;
	struct twr_chan_ctl *ctl;	/* ctl_map.addr */
	int irq;			/* < 0 until bound */
	struct twr_ring ring_a;		/* consumer */
	struct twr_ring ring_b;		/* producer */
	bool broken_logged;
	char irq_name[40];
	void *dev_id;			/* the handler's cookie: free_irq() needs it */
};

/* Limits the caller (the protocol) puts on a channel. */
struct twr_chan_back_limits {
	unsigned int min_order;		/* smallest ring order it can use */
	unsigned int max_order;		/* what the backend advertised */
	u32 a_max;			/* max record payload, ring A */
	u32 b_max;			/* max record payload, ring B */
	bool io_pages;			/* rings A and B need a_map/b_map.pages */
};

/*
 * Connect queue @index of @dev: read and validate the frontend's nodes,
 * map, check, attach, bind @handler(irq, @dev_id) (lateeoi). Returns 0, or
 * a negative errno after xenbus_dev_fatal() with what was wrong and with
 * everything undone.
 */
int twr_chan_back_connect(struct twr_chan_back *ch, struct xenbus_device *dev,
			  unsigned int index,
			  const struct twr_chan_back_limits *lim,
			  irq_handler_t handler, void *dev_id);

/*
 * Unbind the event channel and unmap every page. The caller must have
 * stopped every user of the rings and the irq. Safe on a zeroed or
 * half-connected channel.
 */
void twr_chan_back_disconnect(struct twr_chan_back *ch);

/* Latch broken because of @r: TWR_F_BROKEN in back_flags, one log line. */
void twr_chan_back_set_broken(struct twr_chan_back *ch, struct twr_ring *r);

/* Set TWR_F_CLOSING in back_flags. */
void twr_chan_back_set_closing(struct twr_chan_back *ch);

/* Kick the frontend (one EVTCHNOP_send). */
void twr_chan_back_notify(struct twr_chan_back *ch);

/*
 * The toolstack's go-ahead (docs/iotask.md, "Ordering with the channels"):
 * a backend maps no page of its frontend until the toolstack wrote
 * <backend dir>/iotask-ready, so the device's I/O tasks are in Xen's table
 * before the first map and a correct backend never sees a spurious denial.
 * The node is the toolstack's (the backend only reads it); its absence
 * keeps the device in InitWait, never fails it. Module parameter
 * require_go_ahead=0 of twinring-chan-back turns the wait off (a host
 * whose toolstack predates the node).
 *
 * twr_chan_back_goahead_watch() watches the node; @ready runs in the
 * xenwatch thread (like otherend_changed, so the two never race) once at
 * registration and whenever the node changes. twr_chan_back_goahead_given()
 * reads it; while it is absent it says once in the log what it waits for.
 */
struct twr_chan_back_goahead {
	struct xenbus_watch watch;
	struct xenbus_device *dev;
	void (*ready)(struct twr_chan_back_goahead *ga);
	bool waiting_logged;
};

int twr_chan_back_goahead_watch(struct twr_chan_back_goahead *ga,
				struct xenbus_device *dev,
				void (*ready)(struct twr_chan_back_goahead *ga));
/* Safe on a never-watched (zeroed) @ga; waits for a running @ready. */
void twr_chan_back_goahead_unwatch(struct twr_chan_back_goahead *ga);
bool twr_chan_back_goahead_given(struct twr_chan_back_goahead *ga);

/*
 * The one rule of both backends for mapping a frontend's channels: the
 * device is in InitWait (fresh, or restarted by the frontend after Closed)
 * and the go-ahead is given. Call from otherend_changed (Initialised or
 * Connected) and from the go-ahead's @ready.
 */
bool twr_chan_back_may_connect(struct xenbus_device *dev,
			       struct twr_chan_back_goahead *ga);

/* The flags word the frontend writes, read once. */
static inline u32 twr_chan_back_front_flags(const struct twr_chan_back *ch)
{
	return ch->ctl ? READ_ONCE(ch->ctl->front_flags) : 0;
}

#endif /* TWR_CHAN_BACK_H */
