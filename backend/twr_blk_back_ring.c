// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * twinblk backend: one channel's worker. Requests are taken from ring A in
 * order, validated, executed synchronously against the backing store
 * straight from/into ring memory, and answered in ring B. One kernel thread
 * per channel; the frontend spreads its hardware queues over channels, so
 * a multi-queue disk gets as many threads doing I/O.
 *
 * Because each request is answered before the next is read, at most one id
 * is ever outstanding here: id uniqueness cannot be violated in a way this
 * side could observe, only the id range is checked.
 */
#include <linux/kthread.h>
#include <linux/moduleparam.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/string.h>

#include "twr_barrier.h"
#include "twr_blk_back.h"
#include "twr_blk_check.h"

/* Publish responses (and give ring A space back) at least this often; the
 * ring library's event indices suppress the notifications the frontend
 * does not need. */
#define TWR_BLK_BACK_BATCH_RECS		16u
#define TWR_BLK_BACK_BATCH_BYTES	(512u * 1024u)

/* Make everything answered so far visible; notify if the peer asked. */
static void twr_blk_back_push(struct twr_blk_back_queue *q)
{
	bool notify;

	notify = twr_ring_publish(q->rsp);
	notify |= twr_ring_release_publish(q->req);
	if (notify) {
		q->stats.notify_sent++;
		q->ops->notify(q);
	}
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

/* Response coalescing (0: publish as soon as ring A runs dry). The
 * frontend gets one event for the responses of every request that arrives
 * within this window after the first unpublished response: fewer
 * interrupts in the domU, at up to this much added latency. */
static unsigned int hold_us;
module_param(hold_us, uint, 0644);
MODULE_PARM_DESC(hold_us, "hold responses this long for more requests (microseconds)");

/* Ring A idle with responses unpublished since *@start (0: not yet): keep
 * watching ring A until the window closes. Returns true if a request came. */
static bool twr_blk_back_hold(struct twr_blk_back_queue *q, u64 *start)
{
	unsigned int us = READ_ONCE(hold_us);
	u64 end;

	if (!us)
		return false;
	if (!*start)
		*start = local_clock();
	end = *start + (u64)us * NSEC_PER_USEC;
	while (local_clock() < end) {
		if (twr_ring_peer_moved(q->req))
			return true;
		if (kthread_should_stop() || need_resched())
			return false;
		cpu_relax();
	}
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

/* Reserve @len payload bytes in ring B, waiting for the frontend to make
 * room. Returns 0, -EPROTO, -EMSGSIZE or -ESHUTDOWN (stop requested). */
static int twr_blk_back_reserve(struct twr_blk_back_queue *q, u32 len,
				void **p)
{
	int ret;

	for (;;) {
		ret = twr_ring_reserve(q->rsp, len, p);
		if (ret != -EAGAIN)
			return ret;
		q->stats.rsp_full++;
		/* The frontend can only free what it was shown. */
		twr_blk_back_push(q);
		if (twr_ring_space_wait_prepare(q->rsp, len))
			continue;
		twr_blk_back_eoi(q);
		wait_event_idle(q->wq, atomic_xchg(&q->kicked, 0) ||
					kthread_should_stop() ||
					q->ops->peer_gone(q));
		if (kthread_should_stop() || q->ops->peer_gone(q))
			return -ESHUTDOWN;
	}
}

/* Take one request, execute it, queue its response. Returns the response
 * bytes queued, -EAGAIN if ring A is empty, or another negative errno if
 * the channel must stop. */
static int twr_blk_back_one(struct twr_blk_back_queue *q)
{
	struct twr_blk_target *t = q->target;
	struct twr_blk_geom geom;
	struct twr_blk_rsp *rsp;
	struct twr_blk_req req;
	struct twr_rec rec;
	u32 len, data_len;
	const char *why;
	s32 status;
	void *p;
	int ret;

	ret = twr_ring_peek(q->req, &rec);
	if (ret == -EAGAIN)
		return ret;
	if (ret)
		return twr_blk_back_fail(q, twr_ring_reason(q->req));
	if (rec.len < TWR_BLK_REQ_SIZE)
		return twr_blk_back_fail(q, "request record too short");
	/* The peer can rewrite the header under us: validate a copy. */
	twr_copy_shared(&req, rec.data, sizeof(req));
	geom.sectors = t->sectors;
	geom.sector_size = t->sector_size;
	why = twr_blk_req_check(&geom, rec.len, rec.type, rec.flags, &req);
	if (why)
		return twr_blk_back_fail(q, why);

	len = req.nr_sectors << TWR_BLK_SECTOR_SHIFT;
	data_len = req.op == TWR_BLK_OP_READ ? len : 0;
	ret = twr_blk_back_reserve(q, TWR_BLK_RSP_SIZE + data_len, &p);
	if (ret == -EMSGSIZE)
		return twr_blk_back_fail(q, "read larger than ring B");
	if (ret == -EPROTO)
		return twr_blk_back_fail(q, twr_ring_reason(q->rsp));
	if (ret)
		return ret;

	switch (req.op) {
	case TWR_BLK_OP_READ:
		status = twr_blk_target_read(t, p + TWR_BLK_RSP_SIZE,
					     req.sector, len);
		if (status)
			data_len = 0;
		else
			q->stats.rd_bytes += len;
		break;
	case TWR_BLK_OP_WRITE:
		status = twr_blk_target_write(t, rec.data + TWR_BLK_REQ_SIZE,
					      req.sector, len,
					      req.flags & TWR_BLK_REQ_F_FUA);
		if (!status)
			q->stats.wr_bytes += len;
		break;
	case TWR_BLK_OP_FLUSH:
		status = twr_blk_target_flush(t);
		q->stats.flushes++;
		break;
	default:	/* TWR_BLK_OP_DISCARD, checked above */
		status = twr_blk_target_discard(t, req.sector, req.nr_sectors);
		q->stats.discards++;
		break;
	}

	rsp = p;
	memset(rsp, 0, sizeof(*rsp));
	rsp->id = req.id;
	rsp->op = req.op;
	rsp->status = status;
	rsp->data_len = data_len;
	/* The lab's hostile backend: an id with no request behind it. */
	if (unlikely(READ_ONCE(twr_blk_back_fault)) &&
	    xchg(&twr_blk_back_fault, 0))
		rsp->id = (req.id + TWR_BLK_MAX_IDS / 2) % TWR_BLK_MAX_IDS;
	twr_ring_commit(q->rsp, TWR_BLK_RSP_SIZE + data_len, TWR_BLK_REC_RSP, 0);
	/* Only now: a write's data was read from the record until here. */
	twr_ring_release(q->req);
	q->stats.reqs++;
	if (status)
		q->stats.errors++;
	return TWR_BLK_RSP_SIZE + data_len;
}

static int twr_blk_back_thread(void *arg)
{
	struct twr_blk_back_queue *q = arg;
	u32 recs = 0, bytes = 0;
	u64 hold_start = 0;
	int ret;

	while (!kthread_should_stop()) {
		if (q->broken || q->ops->peer_gone(q)) {
			/* Nothing more is read from this channel. */
			twr_blk_back_eoi(q);
			wait_event_idle(q->wq, kthread_should_stop());
			break;
		}
		ret = twr_blk_back_one(q);
		if (ret == -EAGAIN) {
			if (recs && twr_blk_back_hold(q, &hold_start))
				continue;
			twr_blk_back_push(q);
			recs = bytes = 0;
			hold_start = 0;
			if (twr_blk_back_poll(q))
				continue;
			/* Sleep only if the final check finds ring A empty.
			 * The peer moved prod: a scheduling point before we
			 * look, whatever it published (the ring refuses
			 * padding laps, so this is once per real record). */
			if (twr_ring_final_check(q->req)) {
				cond_resched();
				continue;
			}
			twr_blk_back_eoi(q);
			wait_event_idle(q->wq, atomic_xchg(&q->kicked, 0) ||
						kthread_should_stop());
			continue;
		}
		if (ret < 0)
			continue;	/* broken or stopping: handled above */
		q->did_work = true;
		bytes += ret;
		if (++recs >= TWR_BLK_BACK_BATCH_RECS ||
		    bytes >= TWR_BLK_BACK_BATCH_BYTES) {
			twr_blk_back_push(q);
			recs = bytes = 0;
			hold_start = 0;
		}
		cond_resched();
	}
	if (!q->broken)
		twr_blk_back_push(q);
	return 0;
}

void twr_blk_back_queue_kick(struct twr_blk_back_queue *q)
{
	q->stats.notify_rcvd++;
	atomic_set(&q->eoi_pending, 1);
	atomic_set(&q->kicked, 1);
	wake_up(&q->wq);
}

void twr_blk_back_queue_init(struct twr_blk_back_queue *q,
			     struct twr_blk_target *target,
			     const struct twr_blk_back_chan_ops *ops,
			     void *chan, unsigned int index)
{
	memset(q, 0, sizeof(*q));
	q->target = target;
	q->ops = ops;
	q->chan = chan;
	q->index = index;
	init_waitqueue_head(&q->wq);
	/* Look at the rings once at start: requests may already wait. */
	atomic_set(&q->kicked, 1);
}

int twr_blk_back_queue_start(struct twr_blk_back_queue *q, const char *name)
{
	struct task_struct *task;

	task = kthread_run(twr_blk_back_thread, q, "%s", name);
	if (IS_ERR(task))
		return PTR_ERR(task);
	q->task = task;
	return 0;
}

void twr_blk_back_queue_stop(struct twr_blk_back_queue *q)
{
	if (q->task)
		kthread_stop(q->task);
	q->task = NULL;
}
