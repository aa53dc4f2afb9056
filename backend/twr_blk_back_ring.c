// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * twinblk backend: one channel. Its thread takes requests from ring A in
 * order, validates each, reserves and commits its response record in ring
 * B at once (a read's data goes straight there) and starts it: in the thread
 * if it cannot wait for a device (twr_blk_target_exec() with nowait), in
 * the channel's workqueue otherwise, up to max_requests at a time. Requests
 * complete in the device's order; their responses are filled in and
 * published in submission order, so ring B's layout is fixed at submit and
 * no data moves after the I/O: a request that completes early waits, at
 * most, for the ones submitted before it (docs/blk.md says what that costs).
 *
 * The frontend's records stay unreleased in ring A until answered (a
 * write's data is read from there by the I/O). Ids in flight are tracked:
 * one reused before its answer is a protocol violation.
 */
#include <linux/kthread.h>
#include <linux/moduleparam.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "twr_barrier.h"
#include "twr_blk_back.h"
#include "twr_blk_check.h"

/* Take a few requests between looks at what completed: the responses of
 * requests run in the thread go out in batches this size (or sooner, when
 * ring A runs dry); the ring library's event indices suppress the
 * notifications the frontend does not need. */
#define TWR_BLK_BACK_BATCH_RECS		16u

static unsigned int max_requests = 64;
module_param(max_requests, uint, 0444);
MODULE_PARM_DESC(max_requests, "requests in flight per channel (1-256; the frontend's queue depth at most)");

unsigned int twr_blk_back_max_requests(void)
{
	return clamp(max_requests, 1u, TWR_BLK_MAX_IDS);
}

/* Before sleeping: acknowledge the event that woke us, so the next one
 * can be delivered (lateeoi: the channel stays masked until then). */
static void twr_blk_back_eoi(struct twr_blk_back_queue *q)
{
	if (atomic_xchg(&q->eoi_pending, 0)) {
		q->ops->eoi(q, !q->did_work);
		q->did_work = false;
	}
}

/* Busy-poll window before sleeping (0: sleep at once). A request that comes
 * within it costs the frontend no event; the price is a spinning CPU here. */
static unsigned int poll_us;
module_param(poll_us, uint, 0644);
MODULE_PARM_DESC(poll_us, "poll ring A this long before sleeping (microseconds)");

/* Ring A idle: watch its producer index for up to poll_us. Returns true if
 * the frontend published something meanwhile. Reads the shared index only
 * to compare it; twr_ring_peek() validates it as always. */
static bool twr_blk_back_poll(struct twr_blk_back_queue *q)
{
	unsigned int us = READ_ONCE(poll_us);
	u64 end;

	if (!us)
		return false;
	end = local_clock() + (u64)us * NSEC_PER_USEC;
	do {
		if (twr_ring_peer_moved(q->req))
			return true;
		if (kthread_should_stop() || need_resched())
			return false;
		cpu_relax();
	} while (local_clock() < end);
	return false;
}

static int twr_blk_back_fail(struct twr_blk_back_queue *q, const char *why)
{
	twr_ring_mark_broken(q->req, why);
	if (!q->broken) {
		q->broken = true;
		q->ops->broken(q, why);
	}
	return -EPROTO;
}


/* Fill in the response of a completed request, in its reserved record. */
static void twr_blk_back_answer(struct twr_blk_back_queue *q,
				struct twr_blk_back_io *io)
{
	u32 len = io->req.nr_sectors << TWR_BLK_SECTOR_SHIFT;
	struct twr_blk_rsp rsp = {
		.id = io->req.id,
		.op = io->req.op,
		.status = io->status,
		/* Since protocol 2: a read's record always holds its data bytes
		 * (meaningless when the status says it failed). */
		.data_len = io->req.op == TWR_BLK_OP_READ ? len : 0,
	};

	/* The lab's hostile backend: an id with no request behind it. */
	if (unlikely(READ_ONCE(twr_blk_back_fault)) &&
	    xchg(&twr_blk_back_fault, 0))
		rsp.id = (io->req.id + TWR_BLK_MAX_IDS / 2) % TWR_BLK_MAX_IDS;
	memcpy(io->rsp, &rsp, sizeof(rsp));
	__clear_bit(io->req.id, q->ids);

	q->stats.reqs++;
	if (io->status) {
		q->stats.errors++;
	} else if (io->req.op == TWR_BLK_OP_READ) {
		q->stats.rd_bytes += len;
	} else if (io->req.op == TWR_BLK_OP_WRITE) {
		q->stats.wr_bytes += len;
	}
	if (io->req.op == TWR_BLK_OP_WRITE && io->req.flags & TWR_BLK_REQ_F_FUA)
		q->stats.fua++;
	if (io->direct)
		q->stats.direct++;
	if (io->fallback)
		q->stats.direct_fallback++;
	if (io->req.op == TWR_BLK_OP_FLUSH)
		q->stats.flushes++;
	else if (io->req.op == TWR_BLK_OP_DISCARD)
		q->stats.discards++;
}

/* Answer the completed requests at the head of the in-flight list, give
 * their ring A records back and publish their responses; notify the
 * frontend if it asked. Returns true if any was answered. */
static bool twr_blk_back_retire(struct twr_blk_back_queue *q)
{
	struct twr_blk_back_io *io;
	u32 a_end = 0, b_end = 0;
	unsigned int n = 0;
	bool notify = false;

	/* Fully ordered: a completion flagged after this is seen again by
	 * the thread's wait, and (with (H)) every done flag set before it is
	 * visible to the loads below. */
	atomic_xchg(&q->completed, 0);
	while (q->head != q->tail) {
		io = &q->ios[q->head % q->nr_ios];
		/* (G) pairs with the release (F) in twr_blk_back_io_done():
		 * the status and the data read are there once done is. */
		if (!smp_load_acquire(&io->done))
			break;
		twr_blk_back_answer(q, io);
		a_end = io->a_end;
		b_end = io->b_end;
		q->head++;
		n++;
	}
	if (n) {
		twr_ring_release_to(q->req, a_end);
		notify = twr_ring_publish_to(q->rsp, b_end);
	}
	/* Nothing in flight: publish all, padding a reservation that did not
	 * fit wrote to the end of ring B included (the frontend must skip it
	 * before that space comes back). */
	if (q->head == q->tail)
		notify |= twr_ring_publish(q->rsp);
	notify |= twr_ring_release_publish(q->req);
	if (notify) {
		q->stats.notify_sent++;
		q->ops->notify(q);
	}
	return n;
}

/* A request finished (in the thread or in a worker). */
static void twr_blk_back_io_done(struct twr_blk_back_io *io)
{
	struct twr_blk_back_queue *q = io->q;

	/* (F) pairs with the acquire (G) in twr_blk_back_retire(): the slot
	 * may be reused as soon as this is seen, so io is not touched after. */
	smp_store_release(&io->done, true);
	/* (H) done before completed; pairs with the atomic_xchg() in
	 * twr_blk_back_retire(). */
	atomic_set_release(&q->completed, 1);
	wake_up(&q->wq);
}

void twr_blk_back_aio_complete(struct kiocb *iocb, long ret)
{
	struct twr_blk_back_io *io = container_of(iocb, struct twr_blk_back_io,
						  iocb);
	u32 len = io->req.nr_sectors << TWR_BLK_SECTOR_SHIFT;
	struct twr_blk_back_queue *q = io->q;
	unsigned long flags;

	if (ret == -EINVAL || (ret >= 0 && ret != len)) {
		/* Refused (an alignment the target needs that the request
		 * lacks), or short (a file shorter than the disk): the
		 * buffered path knows what to do. */
		twr_blk_io_to_buffered(io);
		queue_work(q->io_wq, &io->work);
	} else {
		io->status = ret < 0 ? twr_blk_errno_status(ret) :
				       TWR_BLK_RSP_OK;
		twr_blk_back_io_done(io);
	}
	/* Under the wait queue's lock, so that twr_blk_back_queue_stop(),
	 * which takes it after seeing zero, knows we are gone from q. */
	spin_lock_irqsave(&q->wq.lock, flags);
	if (atomic_dec_and_test(&q->aio))
		wake_up_locked(&q->wq);
	spin_unlock_irqrestore(&q->wq.lock, flags);
}

static void twr_blk_back_io_work(struct work_struct *work)
{
	struct twr_blk_back_io *io = container_of(work, struct twr_blk_back_io,
						  work);

	twr_blk_target_exec(io->q->target, io, false);
	twr_blk_back_io_done(io);
}

/* Take one request from ring A and start it. Returns 1, -EAGAIN if ring A
 * is empty, -EBUSY if max_requests are in flight, -ENOSPC if its response
 * does not fit ring B now (q->rsp_want says how much it needs), -ETIME if
 * the device's I/O limits hold it back (for q->limit_wait_ns), -EPROTO if
 * the frontend broke the protocol. */
static int twr_blk_back_submit(struct twr_blk_back_queue *q)
{
	struct twr_blk_target *t = q->target;
	struct twr_blk_back_io *io;
	struct twr_blk_geom geom;
	struct twr_blk_req req;
	struct twr_rec rec;
	u32 len, data_len;
	const char *why;
	void *p;
	int ret;

	if (q->tail - q->head >= q->nr_ios)
		return -EBUSY;
	ret = twr_ring_peek(q->req, &rec);
	if (ret == -EAGAIN)
		return ret;
	if (ret)
		return twr_blk_back_fail(q, twr_ring_reason(q->req));
	if (rec.len < TWR_BLK_HDR_LEN)
		return twr_blk_back_fail(q, "request record too short");
	/* The peer can rewrite the header under us: validate a copy. */
	twr_copy_shared(&req, rec.data, sizeof(req));
	geom.sectors = READ_ONCE(t->sectors);	/* grows on a resize */
	geom.sector_size = t->sector_size;
	why = twr_blk_req_check(&geom, rec.len, rec.type, rec.flags, &req);
	if (why)
		return twr_blk_back_fail(q, why);
	if (test_bit(req.id, q->ids))
		return twr_blk_back_fail(q, "request id already in flight");

	len = req.nr_sectors << TWR_BLK_SECTOR_SHIFT;
	data_len = req.op == TWR_BLK_OP_READ ? len : 0;
	ret = twr_ring_reserve(q->rsp, TWR_BLK_HDR_LEN + data_len, &p);
	if (ret == -EAGAIN) {
		q->rsp_want = TWR_BLK_HDR_LEN + data_len;
		q->stats.rsp_full++;
		return -ENOSPC;
	}
	if (ret == -EMSGSIZE)
		return twr_blk_back_fail(q, "read larger than ring B");
	if (ret)
		return twr_blk_back_fail(q, twr_ring_reason(q->rsp));
	/* The device's I/O limits, last: a request charged is submitted.
	 * Not admitted, it stays in ring A (the reservation is only
	 * committed below). */
	q->limit_wait_ns = twr_blk_limit_take(&t->limit,
					      req.op == TWR_BLK_OP_READ ||
					      req.op == TWR_BLK_OP_WRITE ? len : 0);
	if (q->limit_wait_ns) {
		q->stats.throttled++;
		return -ETIME;
	}
	/* Committed now, filled in and published once the I/O is done. */
	twr_ring_commit(q->rsp, TWR_BLK_HDR_LEN + data_len, TWR_BLK_REC_RSP, 0);

	io = &q->ios[q->tail % q->nr_ios];
	io->req = req;
	io->rsp = p;
	io->b_end = twr_ring_commit_end(q->rsp);
	io->status = TWR_BLK_RSP_EIO;
	io->done = false;
	io->direct = false;
	io->fallback = false;
	if (req.op == TWR_BLK_OP_READ)
		twr_blk_io_prepare(t, io, p + TWR_BLK_HDR_LEN, &q->rsp_mem);
	else if (req.op == TWR_BLK_OP_WRITE)
		twr_blk_io_prepare(t, io, (void *)rec.data + TWR_BLK_HDR_LEN,
				   &q->req_mem);
	io->a_end = twr_ring_advance(q->req);
	__set_bit(req.id, q->ids);
	q->tail++;
	if (q->tail - q->head > q->stats.inflight_max)
		q->stats.inflight_max = q->tail - q->head;

	ret = twr_blk_target_exec(t, io, true);
	if (!ret) {
		io->done = true;	/* this thread reads it next */
	} else if (ret != -EIOCBQUEUED) {
		q->stats.punted++;
		queue_work(q->io_wq, &io->work);
	}	/* else direct I/O: twr_blk_back_aio_complete() finishes it */
	return 1;
}

/* Nothing can be taken now (@why: the twr_blk_back_submit() result): set
 * up the wake-up that ends it. Returns true if the thread may sleep. */
static bool twr_blk_back_may_sleep(struct twr_blk_back_queue *q, int why)
{
	switch (why) {
	case -EAGAIN:
		/* Nothing in flight: the next request may be close. */
		if (q->head == q->tail && twr_blk_back_poll(q))
			return false;
		/* The peer moved prod: a scheduling point before we look,
		 * whatever it published (the ring refuses padding laps, so
		 * this is once per real record). */
		if (twr_ring_final_check(q->req)) {
			cond_resched();
			return false;
		}
		return true;
	case -ENOSPC:
		/* The frontend frees ring B as it takes responses. */
		return !twr_ring_space_wait_prepare(q->rsp, q->rsp_want);
	default:	/* -EBUSY: a completion frees a slot */
		return true;
	}
}

static int twr_blk_back_thread(void *arg)
{
	struct twr_blk_back_queue *q = arg;
	unsigned int recs = 0;
	int ret;

	while (!kthread_should_stop()) {
		if (q->broken || q->ops->peer_gone(q)) {
			/* Nothing more is read from this channel; what is in
			 * flight finishes in the workqueue, drained at stop. */
			twr_blk_back_eoi(q);
			wait_event_idle(q->wq, kthread_should_stop());
			break;
		}
		ret = twr_blk_back_submit(q);
		if (ret > 0) {
			q->did_work = true;
			if (++recs >= TWR_BLK_BACK_BATCH_RECS ||
			    atomic_read(&q->completed)) {
				twr_blk_back_retire(q);
				recs = 0;
			}
			cond_resched();
			continue;
		}
		if (ret == -EPROTO)
			continue;	/* broken: handled above */
		recs = 0;
		if (twr_blk_back_retire(q))
			continue;	/* slots or ring B space may be free */
		if (ret == -ETIME) {
			/* Over the I/O limits: sleep the debt off (an event
			 * or a completion only makes us look again). */
			twr_blk_back_eoi(q);
			wait_event_idle_timeout(q->wq,
				atomic_xchg(&q->kicked, 0) ||
				atomic_read(&q->completed) ||
				kthread_should_stop() || q->ops->peer_gone(q),
				nsecs_to_jiffies(q->limit_wait_ns));
			continue;
		}
		if (!twr_blk_back_may_sleep(q, ret))
			continue;
		twr_blk_back_eoi(q);
		wait_event_idle(q->wq, atomic_xchg(&q->kicked, 0) ||
					atomic_read(&q->completed) ||
					kthread_should_stop() ||
					q->ops->peer_gone(q));
	}
	return 0;
}

void twr_blk_back_queue_kick(struct twr_blk_back_queue *q)
{
	q->stats.notify_rcvd++;
	atomic_set(&q->eoi_pending, 1);
	atomic_set(&q->kicked, 1);
	wake_up(&q->wq);
}

int twr_blk_back_queue_init(struct twr_blk_back_queue *q,
			    struct twr_blk_target *target,
			    const struct twr_blk_back_chan_ops *ops,
			    void *chan, unsigned int index)
{
	unsigned int i;

	memset(q, 0, sizeof(*q));
	q->target = target;
	q->ops = ops;
	q->chan = chan;
	q->index = index;
	init_waitqueue_head(&q->wq);
	/* Look at the rings once at start: requests may already wait. */
	atomic_set(&q->kicked, 1);
	q->nr_ios = twr_blk_back_max_requests();
	q->ios = kcalloc(q->nr_ios, sizeof(*q->ios), GFP_KERNEL);
	if (!q->ios)
		return -ENOMEM;
	if (target->dfile) {
		q->bvecs = kvcalloc(q->nr_ios * TWR_BLK_IO_BVECS,
				    sizeof(*q->bvecs), GFP_KERNEL);
		if (!q->bvecs) {
			kfree(q->ios);
			q->ios = NULL;
			return -ENOMEM;
		}
	}
	for (i = 0; i < q->nr_ios; i++) {
		q->ios[i].q = q;
		if (q->bvecs)
			q->ios[i].bvec = q->bvecs + i * TWR_BLK_IO_BVECS;
		INIT_WORK(&q->ios[i].work, twr_blk_back_io_work);
	}
	return 0;
}

void twr_blk_back_queue_free(struct twr_blk_back_queue *q)
{
	kvfree(q->bvecs);
	q->bvecs = NULL;
	kfree(q->ios);
	q->ios = NULL;
}

int twr_blk_back_queue_start(struct twr_blk_back_queue *q, const char *name,
			     const char *io_name)
{
	struct task_struct *task;

	/* Workers for requests that may wait for the device, as many as
	 * may be in flight. */
	q->io_wq = alloc_workqueue("%s", WQ_UNBOUND | WQ_MEM_RECLAIM,
				   q->nr_ios, io_name);
	if (!q->io_wq)
		return -ENOMEM;
	task = kthread_run(twr_blk_back_thread, q, "%s", name);
	if (IS_ERR(task)) {
		destroy_workqueue(q->io_wq);
		q->io_wq = NULL;
		return PTR_ERR(task);
	}
	q->task = task;
	return 0;
}

void twr_blk_back_queue_stop(struct twr_blk_back_queue *q)
{
	if (q->task)
		kthread_stop(q->task);
	q->task = NULL;
	/* Waits for every request still running: they point into the rings
	 * the caller unmaps next. Direct I/O first (a completion may hand its
	 * request to the workqueue; the lock makes sure the last one is out
	 * of twr_blk_back_aio_complete()), then the workers. */
	wait_event(q->wq, !atomic_read(&q->aio));
	spin_lock_irq(&q->wq.lock);
	spin_unlock_irq(&q->wq.lock);
	if (q->io_wq)
		destroy_workqueue(q->io_wq);
	q->io_wq = NULL;
}
