/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * twinblk backend, internal interfaces.
 *
 *   twr_blk_back_io.c      the backing file or block device
 *   twr_blk_back_ring.c    one channel: validate requests, do the I/O, answer
 *   twr_blk_back_xenbus.c  the xenbus driver: nodes, channels, lifecycle
 */
#ifndef TWR_BLK_BACK_H
#define TWR_BLK_BACK_H

#include <linux/kthread.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "twinring/blk.h"
#include "twr_ring.h"

struct twr_blk_target {
	struct file *file;
	struct block_device *bdev;	/* NULL for a regular file */
	u64 sectors;			/* 512-byte units, whole blocks */
	u32 sector_size;		/* 512 or 4096 */
	u32 info;			/* TWR_BLK_INFO_* */
};

/* Open @path read-only or read-write and fill in size, block size and
 * capabilities. Returns 0 or a negative errno (the filp_open() one, or
 * -EINVAL for something that is neither a file nor a block device, or is
 * empty). */
int twr_blk_target_open(struct twr_blk_target *t, const char *path, bool ro);
void twr_blk_target_close(struct twr_blk_target *t);

/* The I/O itself; each returns a TWR_BLK_RSP_* status, never blocks
 * forever on its own account (errors, ENOSPC included, come back). */
s32 twr_blk_target_read(struct twr_blk_target *t, void *buf, u64 sector,
			u32 len);
s32 twr_blk_target_write(struct twr_blk_target *t, const void *buf,
			 u64 sector, u32 len, bool fua);
s32 twr_blk_target_flush(struct twr_blk_target *t);
s32 twr_blk_target_discard(struct twr_blk_target *t, u64 sector, u32 nr);

/* Per-channel counters, read by the xenbus part for sysfs. */
struct twr_blk_back_stats {
	u64 reqs;
	u64 rd_bytes;
	u64 wr_bytes;
	u64 flushes;
	u64 discards;
	u64 errors;		/* responses with a non-zero status */
	u64 notify_sent;
	u64 notify_rcvd;
	u64 rsp_full;		/* waits for room in ring B */
};

struct twr_blk_back_queue;

/* What a channel worker needs from the channel underneath. */
struct twr_blk_back_chan_ops {
	/* Send one event to the frontend. */
	void (*notify)(struct twr_blk_back_queue *q);
	/* The peer broke the protocol: set TWR_F_BROKEN, start closing. */
	void (*broken)(struct twr_blk_back_queue *q, const char *why);
	/* The frontend's flags word says closing or broken. */
	bool (*peer_gone)(struct twr_blk_back_queue *q);
	/* Late EOI of the event that woke us (XSA-332); @spurious if it
	 * brought no work. */
	void (*eoi)(struct twr_blk_back_queue *q, bool spurious);
};

struct twr_blk_back_queue {
	struct twr_blk_target *target;	/* shared by the device's channels */
	struct twr_ring *req;		/* ring A, we consume */
	struct twr_ring *rsp;		/* ring B, we produce */
	const struct twr_blk_back_chan_ops *ops;
	void *chan;			/* the channel core's object */
	unsigned int index;

	struct task_struct *task;
	wait_queue_head_t wq;
	atomic_t kicked;
	atomic_t eoi_pending;		/* an event awaits its late EOI */
	bool did_work;			/* since the last EOI */
	bool broken;
	struct twr_blk_back_stats stats;
};

/* Prepare a queue before its channel binds the event (the handler may
 * kick it at once). */
void twr_blk_back_queue_init(struct twr_blk_back_queue *q,
			     struct twr_blk_target *target,
			     const struct twr_blk_back_chan_ops *ops,
			     void *chan, unsigned int index);
/* Test hook (module parameter inject_fault): 1 answers the next request
 * with an id the frontend never sent, once; the lab's hostile-peer test. */
extern unsigned int twr_blk_back_fault;

/* Start the worker of a queue whose rings are attached; 0 or -errno. */
int twr_blk_back_queue_start(struct twr_blk_back_queue *q, const char *name);
/* Stop it; waits for the request in progress to be answered. */
void twr_blk_back_queue_stop(struct twr_blk_back_queue *q);
/* From the event handler (hard irq): there is work, wake the worker, which
 * owes the late EOI. */
void twr_blk_back_queue_kick(struct twr_blk_back_queue *q);

#endif /* TWR_BLK_BACK_H */
