// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * twinblk frontend, the data path. queue_rq() copies a request (and a
 * write's data, straight from the bio pages) into one record of ring A; the
 * event handler takes responses from ring B, copies read data straight into
 * the bio pages and completes the request. No grant operation happens here.
 *
 * The backend is not trusted: a response must name an id we have in flight,
 * repeat its op, and carry exactly the data a successful read needs. On any
 * violation the channel is latched broken, TWR_F_BROKEN set, the device
 * closed and every request in flight failed.
 */
#include <linux/bio.h>
#include <linux/blk-mq.h>
#include <linux/interrupt.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <xen/events.h>

#include "twr_barrier.h"
#include "twr_blk_front.h"

/* Give ring B space back to the backend at least this often while
 * collecting a burst of responses (it may wait for room). */
#define TWR_BLK_FRONT_RELEASE_BATCH	16u

/* Event coalescing: with many requests in flight, ask the backend for an
 * event only once about half of them can have been answered. */
static bool coalesce = true;
module_param(coalesce, bool, 0644);
MODULE_PARM_DESC(coalesce, "one event for about half the requests in flight, not each (default on)");

/*
 * How far ring B must move before the next event: half the requests in
 * flight times the smallest response among them (records can come in any
 * order, so this many bytes arrive no later than that many responses; all
 * of them come, so the event does). Fewer than four in flight: at once.
 */
static u32 twr_blk_front_event_bytes(struct twr_blk_front_queue *q)
{
	unsigned int id, n = 0, depth = q->info->tag_set.queue_depth;
	struct twr_blk_front_pdu *pdu;
	u32 space, least = U32_MAX;
	struct request *rq;

	if (!READ_ONCE(coalesce))
		return 1;
	spin_lock(&q->lock);
	for (id = 0; id < depth && id < TWR_BLK_MAX_IDS; id++) {
		rq = q->inflight[id];
		if (!rq)
			continue;
		pdu = blk_mq_rq_to_pdu(rq);
		space = TWR_REC_SPACE(TWR_BLK_HDR_LEN +
				      (pdu->op == TWR_BLK_OP_READ ? blk_rq_bytes(rq) : 0));
		least = min(least, space);
		n++;
	}
	spin_unlock(&q->lock);
	if (n < 4)
		return 1;
	q->stats.coalesced++;
	return (n / 2) * least;
}

static void twr_blk_front_notify(struct twr_blk_front_queue *q)
{
	q->stats.notify_sent++;
	twr_chan_front_notify(&q->chan);
}

/* Called with q->lock held: publish ring A, kick the backend if it asked. */
static void twr_blk_front_publish(struct twr_blk_front_queue *q)
{
	if (twr_ring_publish(&q->chan.ring_a))
		twr_blk_front_notify(q);
}

static blk_status_t twr_blk_front_status(s32 status)
{
	switch (status) {
	case TWR_BLK_RSP_OK:
		return BLK_STS_OK;
	case TWR_BLK_RSP_ENOSPC:
		return BLK_STS_NOSPC;
	case TWR_BLK_RSP_ENOTSUPP:
		return BLK_STS_NOTSUPP;
	case TWR_BLK_RSP_EROFS:
		/* EIO, as blkfront, virtio-blk and sd fail a write to a
		 * write-protected disk; PROTECTION is a T10 PI error. */
	default:
		return BLK_STS_IOERR;
	}
}

/* The lab's hostile frontend: break the request @req, once. */
static void twr_blk_front_inject(struct twr_blk_req *req)
{
	switch (xchg(&twr_blk_front_fault, TWR_BLK_FAULT_NONE)) {
	case TWR_BLK_FAULT_RANGE:
		req->sector = ~0ull - 7;
		break;
	case TWR_BLK_FAULT_OP:
		req->op = 0x7f;
		break;
	default:
		break;
	}
}

static blk_status_t twr_blk_front_queue_rq(struct blk_mq_hw_ctx *hctx,
					   const struct blk_mq_queue_data *bd)
{
	struct twr_blk_front_queue *q = hctx->driver_data;
	struct request *rq = bd->rq;
	struct twr_blk_front_pdu *pdu = blk_mq_rq_to_pdu(rq);
	struct twr_blk_req *req;
	struct req_iterator iter;
	unsigned long flags;
	struct bio_vec bv;
	u32 data_len = 0;
	u8 op, rflags = 0;
	void *p;
	int ret;

	switch (req_op(rq)) {
	case REQ_OP_READ:
		op = TWR_BLK_OP_READ;
		break;
	case REQ_OP_WRITE:
		op = TWR_BLK_OP_WRITE;
		data_len = blk_rq_bytes(rq);
		if (rq->cmd_flags & REQ_FUA)
			rflags |= TWR_BLK_REQ_F_FUA;
		break;
	case REQ_OP_FLUSH:
		op = TWR_BLK_OP_FLUSH;
		break;
	case REQ_OP_DISCARD:
		op = TWR_BLK_OP_DISCARD;
		break;
	default:
		return BLK_STS_NOTSUPP;
	}
	if (rq->tag < 0 || rq->tag >= TWR_BLK_MAX_IDS)
		return BLK_STS_IOERR;	/* the tag set is sized below this */
	pdu->op = op;
	pdu->status = BLK_STS_OK;

	blk_mq_start_request(rq);
	spin_lock_irqsave(&q->lock, flags);
	if (q->dead) {
		spin_unlock_irqrestore(&q->lock, flags);
		return BLK_STS_IOERR;
	}
	for (;;) {
		ret = twr_ring_reserve(&q->chan.ring_a,
				       TWR_BLK_HDR_LEN + data_len, &p);
		if (ret != -EAGAIN)
			break;
		/* Show the backend what is queued (padding included), then
		 * ask to be woken once this record fits. */
		twr_blk_front_publish(q);
		if (!twr_ring_space_wait_prepare(&q->chan.ring_a,
						 TWR_BLK_HDR_LEN + data_len)) {
			q->stats.ring_full++;
			q->stopped = true;
			blk_mq_stop_hw_queue(hctx);
			spin_unlock_irqrestore(&q->lock, flags);
			return BLK_STS_DEV_RESOURCE;
		}
	}
	if (ret) {
		spin_unlock_irqrestore(&q->lock, flags);
		return BLK_STS_IOERR;	/* -EMSGSIZE: limits are set below it */
	}

	req = p;
	memset(req, 0, sizeof(*req));
	req->id = rq->tag;
	req->op = op;
	req->flags = rflags;
	if (op != TWR_BLK_OP_FLUSH) {
		req->sector = blk_rq_pos(rq);
		req->nr_sectors = blk_rq_sectors(rq);
	}
	if (unlikely(READ_ONCE(twr_blk_front_fault)))
		twr_blk_front_inject(req);
	if (data_len) {
		p += TWR_BLK_HDR_LEN;
		rq_for_each_segment(bv, rq, iter) {
			memcpy_from_bvec(p, &bv);
			p += bv.bv_len;
		}
		q->stats.wr_bytes += data_len;
	} else if (op == TWR_BLK_OP_READ) {
		q->stats.rd_bytes += blk_rq_bytes(rq);
	}
	twr_ring_commit(&q->chan.ring_a, TWR_BLK_HDR_LEN + data_len,
			TWR_BLK_REC_REQ, 0);
	q->inflight[rq->tag] = rq;
	q->stats.reqs++;
	if (bd->last)
		twr_blk_front_publish(q);
	spin_unlock_irqrestore(&q->lock, flags);
	return BLK_STS_OK;
}

static void twr_blk_front_commit_rqs(struct blk_mq_hw_ctx *hctx)
{
	struct twr_blk_front_queue *q = hctx->driver_data;
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	if (!q->dead)
		twr_blk_front_publish(q);
	spin_unlock_irqrestore(&q->lock, flags);
}

static void twr_blk_front_complete(struct request *rq)
{
	struct twr_blk_front_pdu *pdu = blk_mq_rq_to_pdu(rq);

	blk_mq_end_request(rq, pdu->status);
}

static int twr_blk_front_init_hctx(struct blk_mq_hw_ctx *hctx, void *data,
				   unsigned int index)
{
	struct twr_blk_front *info = data;

	if (index >= info->nr_queues)
		return -EINVAL;
	hctx->driver_data = &info->queues[index];
	info->queues[index].hctx = hctx;
	return 0;
}

const struct blk_mq_ops twr_blk_front_mq_ops = {
	.queue_rq = twr_blk_front_queue_rq,
	.commit_rqs = twr_blk_front_commit_rqs,
	.complete = twr_blk_front_complete,
	.init_hctx = twr_blk_front_init_hctx,
};

/* The backend broke the protocol on @q: latch, log once, close (from
 * process context). Called in the event handler. */
static void twr_blk_front_fail(struct twr_blk_front_queue *q, const char *why)
{
	unsigned long flags;

	if (why)
		twr_ring_mark_broken(&q->chan.ring_b, why);
	spin_lock_irqsave(&q->lock, flags);
	q->dead = true;
	spin_unlock_irqrestore(&q->lock, flags);
	twr_chan_front_set_broken(&q->chan, &q->chan.ring_b);
	schedule_work(&q->info->close_work);
}

/*
 * Validate a response against what we sent and take its request out of
 * flight. @rec is the ring library's private copy of the record header.
 * Returns NULL and the request in *@rqp, or why the response is bad.
 */
static const char *twr_blk_front_take(struct twr_blk_front_queue *q,
				      const struct twr_rec *rec,
				      struct twr_blk_rsp *rsp,
				      struct request **rqp)
{
	struct twr_blk_front_pdu *pdu;
	struct request *rq;
	u32 want;

	if (rec->type != TWR_BLK_REC_RSP || rec->flags)
		return "unknown record type on ring B";
	if (rec->len < TWR_BLK_HDR_LEN)
		return "response record too short";
	/* The backend can rewrite the header under us: validate a copy. */
	twr_copy_shared(rsp, rec->data, sizeof(*rsp));
	if (rsp->reserved0 || rsp->reserved1)
		return "reserved response field set";
	if (rsp->id >= TWR_BLK_MAX_IDS)
		return "response id out of range";

	spin_lock(&q->lock);
	rq = q->inflight[rsp->id];
	if (!rq) {
		spin_unlock(&q->lock);
		return "response for an id not in flight";
	}
	pdu = blk_mq_rq_to_pdu(rq);
	/* Since protocol 2: a read's response holds its data bytes whatever the
	 * status (the backend reserved them at submission). */
	want = pdu->op == TWR_BLK_OP_READ ? blk_rq_bytes(rq) : 0;
	if (rsp->op != pdu->op) {
		spin_unlock(&q->lock);
		return "response op differs from the request's";
	}
	if (rsp->data_len != want || rec->len != TWR_BLK_HDR_LEN + want) {
		spin_unlock(&q->lock);
		return "response length does not match the request";
	}
	q->inflight[rsp->id] = NULL;
	spin_unlock(&q->lock);
	*rqp = rq;
	return NULL;
}

irqreturn_t twr_blk_front_interrupt(int irq, void *dev_id)
{
	struct twr_blk_front_queue *q = dev_id;
	struct twr_ring *rb = &q->chan.ring_b;
	struct twr_blk_front_pdu *pdu;
	struct req_iterator iter;
	struct twr_blk_rsp rsp;
	struct request *rq;
	struct twr_rec rec;
	unsigned int n = 0;
	struct bio_vec bv;
	const char *why;
	const void *src;
	int ret;

	q->stats.notify_rcvd++;
	/* Not bound: a restored domain's replayed event, before .resume. */
	if (READ_ONCE(q->dead) || !twr_chan_front_bound(&q->chan))
		goto out_eoi;
	for (;;) {
		ret = twr_ring_peek(rb, &rec);
		if (ret == -EAGAIN) {
			if (twr_ring_release_publish(rb))
				twr_blk_front_notify(q);
			if (twr_ring_final_check_after(rb,
					twr_blk_front_event_bytes(q)))
				continue;
			break;
		}
		if (ret) {
			twr_blk_front_fail(q, NULL);
			goto out_eoi;
		}
		why = twr_blk_front_take(q, &rec, &rsp, &rq);
		if (why) {
			twr_blk_front_fail(q, why);
			goto out_eoi;
		}
		pdu = blk_mq_rq_to_pdu(rq);
		if (rsp.data_len && rsp.status == TWR_BLK_RSP_OK) {
			src = rec.data + TWR_BLK_HDR_LEN;
			rq_for_each_segment(bv, rq, iter) {
				memcpy_to_bvec(&bv, src);
				src += bv.bv_len;
			}
		}
		twr_ring_release(rb);
		pdu->status = twr_blk_front_status(rsp.status);
		if (rsp.status)
			q->stats.errors++;
		if (rsp.status == TWR_BLK_RSP_EROFS)
			pr_warn_ratelimited("twinblk-front: %s: write refused: the disk is read-only\n",
					    q->info->vdev);
		blk_mq_complete_request(rq);
		if (++n % TWR_BLK_FRONT_RELEASE_BATCH == 0 &&
		    twr_ring_release_publish(rb))
			twr_blk_front_notify(q);
	}

	/* Ring A may have room again: let blk-mq retry what it held back. */
	spin_lock(&q->lock);
	if (q->stopped && !q->dead) {
		q->stopped = false;
		blk_mq_start_stopped_hw_queue(q->hctx, true);
		n++;	/* the event was the room we waited for */
	}
	spin_unlock(&q->lock);
out_eoi:
	/* Late EOI (XSA-332): an event that brought nothing is spurious, and
	 * a backend storming them gets its events delayed. */
	xen_irq_lateeoi(irq, n ? 0 : XEN_EOI_FLAG_SPURIOUS);
	return IRQ_HANDLED;
}

void twr_blk_front_kill_queues(struct twr_blk_front *info)
{
	struct twr_blk_front_pdu *pdu;
	struct request *rq;
	unsigned long flags;
	unsigned int i, id;

	for (i = 0; i < info->nr_queues; i++) {
		struct twr_blk_front_queue *q = &info->queues[i];

		spin_lock_irqsave(&q->lock, flags);
		q->dead = true;
		if (q->stopped && q->hctx) {
			q->stopped = false;
			blk_mq_start_stopped_hw_queue(q->hctx, true);
		}
		spin_unlock_irqrestore(&q->lock, flags);
		for (id = 0; id < TWR_BLK_MAX_IDS; id++) {
			spin_lock_irqsave(&q->lock, flags);
			rq = q->inflight[id];
			q->inflight[id] = NULL;
			spin_unlock_irqrestore(&q->lock, flags);
			if (!rq)
				continue;
			pdu = blk_mq_rq_to_pdu(rq);
			pdu->status = BLK_STS_IOERR;
			blk_mq_complete_request(rq);
		}
	}
}
