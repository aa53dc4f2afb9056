/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * twinblk backend, internal interfaces.
 *
 *   twr_blk_back_io.c      the backing file or block device
 *   twr_blk_back_limit.c   per-device I/O limits (token buckets)
 *   twr_blk_back_ring.c    one channel: validate requests, submit them, answer
 *                          each in ring B as it completes (in order)
 *   twr_blk_back_xenbus.c  the xenbus driver: nodes, channels, lifecycle
 */
#ifndef TWR_BLK_BACK_H
#define TWR_BLK_BACK_H

#include <linux/bvec.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uio.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "twinring/blk.h"
#include "twr_ring.h"

/* A device's I/O limits, shared by its channels (0: no limit). */
struct twr_blk_limit {
	spinlock_t lock;
	u64 iops;			/* requests per second */
	u64 bps;			/* READ/WRITE bytes per second */
	s64 io_tokens, byte_tokens;	/* negative: in debt */
	s64 io_burst, byte_burst;	/* most that can be saved up */
	u64 stamp;			/* local_clock() of the last refill */
};

/* Set @l's rates (0: unlimited) and fill its buckets. */
void twr_blk_limit_init(struct twr_blk_limit *l, u64 iops, u64 bps);
/* A request of @bytes data: 0 if admitted (its cost is taken), else the
 * nanoseconds until it may be (nothing taken; ask again then). */
u64 twr_blk_limit_take(struct twr_blk_limit *l, u32 bytes);

struct twr_blk_target {
	struct file *file;		/* buffered: flush, discard, fallback */
	struct file *dfile;		/* O_DIRECT; NULL: buffered I/O only */
	int direct_err;			/* why not (0, or the open's errno) */
	u32 dio_align;			/* offsets and lengths direct I/O takes */
	struct block_device *bdev;	/* NULL for a regular file */
	u64 sectors;			/* 512-byte units, whole blocks; only
					 * grows (resize), READ_ONCE it */
	u32 sector_size;		/* 512 or 4096 */
	u32 info;			/* TWR_BLK_INFO_* */
	bool in_memory;			/* tmpfs/ramfs: I/O never waits */
	bool nowait;			/* reads can be tried without blocking */
	struct twr_blk_limit limit;	/* the toolstack's limit-iops/-bw */
};

/* Open @path read-only or read-write and fill in size, block size and
 * capabilities; also opened O_DIRECT if @direct and the module parameter
 * direct_io allow (t->dfile; else t->direct_err says why not, -EPERM for
 * either of those: the caller logs it).
 * Returns 0 or a negative errno (the filp_open() one, or -EINVAL for
 * something that is neither a file nor a block device, or is empty). */
int twr_blk_target_open(struct twr_blk_target *t, const char *path, bool ro,
			bool direct);
void twr_blk_target_close(struct twr_blk_target *t);
/* The target's size now, in 512-byte units, whole logical blocks. */
u64 twr_blk_target_cur_sectors(struct twr_blk_target *t);

/* One request between submission and its response: its validated header,
 * where its data is in the mapped rings, and where its records end. */
struct twr_blk_back_io {
	struct work_struct work;	/* runs it when it may block */
	struct twr_blk_back_queue *q;
	struct twr_blk_req req;		/* private copy, validated */
	void *rsp;			/* its response's payload in ring B */
	u32 a_end;			/* ring A index past its request */
	u32 b_end;			/* ring B index past its response */
	loff_t pos;			/* READ/WRITE progress */
	struct kvec kv;			/* the data in the vmapped ring */
	struct iov_iter iter;
	struct bio_vec *bvec;		/* the data as ring pages (direct I/O) */
	struct kiocb iocb;		/* direct I/O in flight */
	s32 status;			/* TWR_BLK_RSP_* once done */
	bool direct;			/* by direct I/O (bvec iterator) */
	bool fallback;			/* direct refused it: redone buffered */
	bool done;			/* see twr_blk_back_io_done() */
};

/* Where a ring is mapped: its kernel address, size and (NULL if none) the
 * struct pages of its frames, for direct I/O. */
struct twr_blk_ring_mem {
	void *base;
	size_t size;
	struct page **pages;
};

/* bio_vecs one request needs at most (1 MiB over 4 KiB pages, unaligned). */
#define TWR_BLK_IO_BVECS	(TWR_BLK_MAX_DATA / PAGE_SIZE + 1)

/* Point @io's iterator at its data: @buf is the write data in ring A or the
 * space for the read data in ring B, which is mapped as @mem. Direct I/O
 * (bvecs on @mem's pages) if @t has it and the data, position and length
 * are aligned for it; else a kvec for buffered I/O. The caller has cleared
 * io->fallback. */
void twr_blk_io_prepare(struct twr_blk_target *t, struct twr_blk_back_io *io,
			void *buf, const struct twr_blk_ring_mem *mem);
/* Direct I/O refused @io: prepare it again for buffered I/O. */
void twr_blk_io_to_buffered(struct twr_blk_back_io *io);
/* Execute @io against @t and set io->status (a TWR_BLK_RSP_*): returns 0,
 * or -EAGAIN if @nowait and it would have to wait for the device; what is
 * done stays done (io->iter and io->pos say what is left), call again
 * without @nowait from a context that may sleep. Errors of the backing
 * store, ENOSPC included, come back as statuses; nothing waits for space. */
int twr_blk_target_exec(struct twr_blk_target *t, struct twr_blk_back_io *io,
			bool nowait);
/* One errno from the backing store to the wire status (TWR_BLK_RSP_*). */
s32 twr_blk_errno_status(long err);
/* twr_blk_target_exec() of a direct READ or WRITE submits it and returns
 * -EIOCBQUEUED; this (twr_blk_back_ring.c) runs when it is done, in
 * whatever context the device completes in: it answers, or redoes the
 * request buffered in a worker (direct I/O refused the alignment, or came
 * up short). */
void twr_blk_back_aio_complete(struct kiocb *iocb, long ret);

/* Per-channel counters, read by the xenbus part for sysfs. */
struct twr_blk_back_stats {
	u64 reqs;
	u64 rd_bytes;
	u64 wr_bytes;
	u64 flushes;
	u64 fua;		/* writes with FUA */
	u64 discards;
	u64 errors;		/* responses with a non-zero status */
	u64 notify_sent;
	u64 notify_rcvd;
	u64 rsp_full;		/* waits for room in ring B */
	u64 punted;		/* requests run by a worker (may block) */
	u64 inflight_max;	/* most requests in flight at once */
	u64 throttled;		/* waits for the device's I/O limits */
	u64 direct;		/* READ/WRITE done by direct I/O */
	u64 direct_fallback;	/* of those tried direct, redone buffered */
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
	struct twr_blk_ring_mem req_mem, rsp_mem;	/* where they are mapped */
	const struct twr_blk_back_chan_ops *ops;
	void *chan;			/* the channel core's object */
	unsigned int index;

	struct task_struct *task;
	wait_queue_head_t wq;
	atomic_t kicked;		/* an event came from the frontend */
	atomic_t completed;		/* a worker finished a request */
	/* Requests in flight, oldest first: ios[head % nr_ios] up to tail.
	 * Only the channel thread moves head and tail. */
	struct twr_blk_back_io *ios;
	struct bio_vec *bvecs;		/* TWR_BLK_IO_BVECS per ios[] slot */
	unsigned int nr_ios;
	unsigned int head, tail;
	DECLARE_BITMAP(ids, TWR_BLK_MAX_IDS);	/* ids in flight */
	struct workqueue_struct *io_wq;	/* runs requests that may block */
	u32 rsp_want;			/* ring B bytes the next one needs */
	u64 limit_wait_ns;		/* until the limits admit the next */
	atomic_t eoi_pending;		/* an event awaits its late EOI */
	atomic_t aio;			/* direct I/O submitted, not completed */
	bool did_work;			/* since the last EOI */
	bool broken;
	struct twr_blk_back_stats stats;
};

/* Requests a channel keeps in flight (module parameter max_requests): the
 * backend's max-requests node, the frontend's queue depth at most. */
unsigned int twr_blk_back_max_requests(void);

/* Prepare a queue before its channel binds the event (the handler may
 * kick it at once). 0 or -ENOMEM. */
int twr_blk_back_queue_init(struct twr_blk_back_queue *q,
			    struct twr_blk_target *target,
			    const struct twr_blk_back_chan_ops *ops,
			    void *chan, unsigned int index);
/* Free what twr_blk_back_queue_init() allocated (after the stop). */
void twr_blk_back_queue_free(struct twr_blk_back_queue *q);
/* Test hook (module parameter inject_fault): 1 answers the next request
 * with an id the frontend never sent, once; the lab's hostile-peer test. */
extern unsigned int twr_blk_back_fault;

/* Start the thread (@name) and the workqueue (@io_name: the kernel's
 * workers show the name of the last workqueue they served, so it must not
 * look like a thread's) of a queue whose rings are attached; 0 or -errno. */
int twr_blk_back_queue_start(struct twr_blk_back_queue *q, const char *name,
			     const char *io_name);
/* Stop it; waits for every request in flight to finish (they point into
 * the rings), so the rings may be unmapped after. */
void twr_blk_back_queue_stop(struct twr_blk_back_queue *q);
/* From the event handler (hard irq): there is work, wake the worker, which
 * owes the late EOI. */
void twr_blk_back_queue_kick(struct twr_blk_back_queue *q);

#endif /* TWR_BLK_BACK_H */
