/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * twinblk frontend, internal interfaces.
 *
 *   twr_blk_front_mq.c      blk-mq: requests into ring A, responses out of B
 *   twr_blk_front_xenbus.c  xenbus handshake, the gendisk, sysfs statistics
 */
#ifndef TWR_BLK_FRONT_H
#define TWR_BLK_FRONT_H

#include <linux/bio.h>
#include <linux/blk-mq.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "twinring/blk.h"
#include "twr_chan_front.h"

struct twr_blk_front;

struct twr_blk_front_stats {
	u64 reqs;		/* requests sent */
	u64 rd_bytes;
	u64 wr_bytes;
	u64 errors;		/* responses with a non-zero status */
	u64 notify_sent;	/* events to the backend */
	u64 notify_rcvd;	/* events from the backend */
	u64 ring_full;		/* queue stopped for room in ring A */
	u64 coalesced;		/* waits armed for several responses */
};

/* One hardware queue = one channel. */
struct twr_blk_front_queue {
	struct twr_blk_front *info;
	struct twr_chan_front chan;
	struct blk_mq_hw_ctx *hctx;
	spinlock_t lock;		/* ring A, inflight[], stopped, dead */
	struct request *inflight[TWR_BLK_MAX_IDS];
	bool stopped;			/* waiting for room in ring A */
	bool dead;			/* broken or closing: no more I/O */
	struct twr_blk_front_stats stats;
};

/* Per-request driver data (blk-mq pdu). */
struct twr_blk_front_pdu {
	u8 op;				/* TWR_BLK_OP_* sent */
	blk_status_t status;		/* from the response */
};

struct twr_blk_front {
	struct xenbus_device *xbdev;
	struct mutex lock;		/* connect/teardown */
	struct gendisk *disk;
	struct blk_mq_tag_set tag_set;
	bool tag_set_ready;
	int index;			/* minor block, -1 if none */
	unsigned int nr_queues;
	struct twr_blk_front_queue *queues;
	unsigned int ring_order;
	u32 max_data;			/* bytes per READ/WRITE */
	unsigned int max_requests;	/* the backend's, per channel */
	u64 sectors;			/* 512-byte units */
	u32 sector_size;
	u32 binfo;			/* TWR_BLK_INFO_* */
	char vdev[DISK_NAME_LEN];
	bool resuming;			/* queue quiesced, requests requeued */
	struct bio_list resubmit;	/* bios to send again after a resume */
	unsigned int suspends;		/* the statistics of the suspends */
	unsigned int drained;		/* requests answered while suspending */
	unsigned int resumes;		/* ... and of the resumes */
	unsigned int bios_again;	/* bios submitted anew */
	unsigned int rqs_requeued;	/* flushes and discards requeued */
	struct work_struct close_work;
	bool close_deferred;		/* detach asked while in use */
	struct delayed_work defer_work;	/* closes once nobody uses it */
};

extern const struct blk_mq_ops twr_blk_front_mq_ops;

/* The disk's sysfs groups (twr_blk_front_sysfs.c). */
extern const struct attribute_group *twr_blk_front_groups[];

/* Test hook (module parameter inject_fault): TWR_BLK_FAULT_* to corrupt
 * the next request sent, once; the lab's hostile-peer test. */
extern unsigned int twr_blk_front_fault;
#define TWR_BLK_FAULT_NONE	0u
#define TWR_BLK_FAULT_RANGE	1u	/* sector beyond the end of the disk */
#define TWR_BLK_FAULT_OP	2u	/* unknown op */

/* Event handler of a queue's channel (hard irq): collect responses. */
irqreturn_t twr_blk_front_interrupt(int irq, void *dev_id);

/* Requests of @q the backend holds now (a snapshot: no lock taken). */
static inline unsigned int
twr_blk_front_queue_inflight(struct twr_blk_front_queue *q)
{
	unsigned int id, n = 0;

	for (id = 0; id < TWR_BLK_MAX_IDS; id++)
		n += READ_ONCE(q->inflight[id]) != NULL;
	return n;
}

/* Free the channels and the queue array (twr_blk_front_xenbus.c). */
void twr_blk_front_free_queues(struct twr_blk_front *info);

/* xl save, restore, migration (twr_blk_front_resume.c): the xenbus
 * driver's suspend and resume. */
int twr_blk_front_suspend(struct xenbus_device *dev);
int twr_blk_front_resume(struct xenbus_device *dev);

/* Stop all I/O on every queue and fail what is in flight with an error;
 * the backend's answers, if any still come, are ignored. Process context. */
void twr_blk_front_kill_queues(struct twr_blk_front *info);

#endif /* TWR_BLK_FRONT_H */
