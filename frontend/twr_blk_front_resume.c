// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * twinblk frontend: xl save, restore and migration. Before the suspend the
 * requests in flight are answered (drained); after the resume what is
 * still in flight is taken back, to go again to the new backend once it is
 * Connected (twr_blk_front_xenbus.c: twr_blk_front_resumed()).
 */
#include <linux/bio.h>
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/module.h>
#include <xen/xenbus.h>

#include "twr_blk_front.h"

static unsigned int suspend_drain_ms = 10000;
module_param(suspend_drain_ms, uint, 0644);
MODULE_PARM_DESC(suspend_drain_ms, "at xl save or migrate, wait this long for the requests in flight (0: not at all; those left go again after the resume)");

/* Requests the backend holds now, over the queues. */
static unsigned int twr_blk_front_inflight(struct twr_blk_front *info)
{
	unsigned int i, n = 0;

	for (i = 0; i < info->nr_queues; i++)
		n += twr_blk_front_queue_inflight(&info->queues[i]);
	return n;
}

/*
 * Before xl save or a migration suspends the domain (its processes are
 * frozen by now): wait, suspend_drain_ms at most, until the backend has
 * answered every request in flight, as virtio-blk's freeze does. The old
 * backend then holds no request it could still write to the disk once the
 * restored domain runs (its I/O limits hold requests back for a while),
 * and the resume has nothing to send again. What a slow or hostile
 * backend leaves is sent again after the resume (twr_blk_front_resume()).
 * The queue is frozen only while waiting: a suspend that is cancelled
 * finds it working.
 */
int twr_blk_front_suspend(struct xenbus_device *dev)
{
	struct twr_blk_front *info = dev_get_drvdata(&dev->dev);
	unsigned int ms = READ_ONCE(suspend_drain_ms), before, left;
	struct request_queue *rq;

	mutex_lock(&info->lock);
	if (!info->disk || info->resuming) {
		mutex_unlock(&info->lock);
		return 0;
	}
	rq = info->disk->queue;
	before = twr_blk_front_inflight(info);
	left = before;
	if (ms) {
		blk_freeze_queue_start(rq);
		blk_mq_freeze_queue_wait_timeout(rq, msecs_to_jiffies(ms));
		left = twr_blk_front_inflight(info);
		blk_mq_unfreeze_queue(rq);
	}
	info->suspends++;
	info->drained += before > left ? before - left : 0;
	mutex_unlock(&info->lock);
	dev_info(&dev->dev, "%s: suspending: %u request(s) in flight, %u after waiting up to %u ms\n",
		 info->vdev, before, left, ms);
	return 0;
}

/*
 * After xl restore or a migration: the backend that mapped our rings is
 * gone (a new one waits in InitWait for the new domain) and the grant
 * table is a new one. The disk stays (a filesystem may be mounted on it):
 * its queue is quiesced, the channels are ended and freed now, with no
 * deferral, and every request in flight goes out again once the new
 * backend is Connected (twr_blk_front_resumed()): as blkfront does, a
 * read's or a write's bios are taken from it and submitted anew, the
 * request ending empty, and a flush or a discard is requeued. One the old
 * backend had already done is done again: a read, a write of the same
 * bytes, a flush or a discard can be repeated.
 */
int twr_blk_front_resume(struct xenbus_device *dev)
{
	struct twr_blk_front *info = dev_get_drvdata(&dev->dev);
	unsigned int i, id, n = 0;
	unsigned long flags;
	struct request *rq;

	mutex_lock(&info->lock);
	if (!info->disk) {
		/* Not connected yet: start again with the new backend. */
		twr_blk_front_free_queues(info);
		mutex_unlock(&info->lock);
		return 0;
	}
	if (!info->resuming)
		blk_mq_quiesce_queue(info->disk->queue);
	info->resuming = true;
	for (i = 0; i < info->nr_queues; i++) {
		struct twr_blk_front_queue *q = &info->queues[i];
		bool stopped;

		spin_lock_irqsave(&q->lock, flags);
		q->dead = true;
		stopped = q->stopped;
		q->stopped = false;
		spin_unlock_irqrestore(&q->lock, flags);
		/* Quiesced: clearing the stop dispatches nothing yet. */
		if (stopped && q->hctx)
			blk_mq_start_stopped_hw_queue(q->hctx, false);
		/* Unbinds the event first: no handler runs after this. */
		twr_chan_front_uninit(&q->chan);
		for (id = 0; id < TWR_BLK_MAX_IDS; id++) {
			rq = q->inflight[id];
			if (!rq)
				continue;
			q->inflight[id] = NULL;
			n++;
			/* As blkfront does: a read's or a write's bios go
			 * again as new requests once the new backend is
			 * Connected (twr_blk_front_resumed()) and the request
			 * ends empty; a flush or a discard is requeued. */
			if (rq->bio && (req_op(rq) == REQ_OP_READ ||
					req_op(rq) == REQ_OP_WRITE)) {
				struct bio_list bl = {
					.head = rq->bio, .tail = rq->biotail,
				};
				struct bio *bio;

				for (bio = rq->bio; bio; bio = bio->bi_next)
					dev_dbg(&dev->dev, "%s: tag %d: %s bio %p at %llu, %u bytes, flags %#x, to send again\n",
						info->vdev, rq->tag,
						op_is_write(bio_op(bio)) ? "write" : "read",
						bio, (u64)bio->bi_iter.bi_sector,
						bio->bi_iter.bi_size, bio->bi_flags);
				bio_list_merge(&info->resubmit, &bl);
				rq->bio = NULL;
				rq->biotail = NULL;
				blk_mq_end_request(rq, BLK_STS_OK);
				continue;
			}
			blk_mq_requeue_request(rq, false);
			info->rqs_requeued++;
		}
	}
	info->resumes++;
	mutex_unlock(&info->lock);
	dev_info(&dev->dev, "%s: resumed: %u request(s) requeued until the new backend connects\n",
		 info->vdev, n);
	return 0;
}
