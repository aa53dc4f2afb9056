// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * twinblk frontend: the xenbus driver and the gendisk.
 *
 * States (ours, driven by the backend's):
 *   backend InitWait: one channel per queue allocated and granted,
 *                     queue-<n>/ and num-queues written -> Initialised
 *   backend Connected: geometry read (sectors, sector-size, info, vdev),
 *                      disk /dev/<vdev> added -> Connected
 *   backend Closing/Closed: I/O failed, disk removed, channels freed ->
 *                           Closed
 *   backend caught breaking the protocol: the same, from a work item.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/ctype.h>
#include <linux/idr.h>
#include <linux/major.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <xen/xen.h>
#include <xen/xenbus.h>

#include "twinring/xenbus.h"
#include "twr_blk_front.h"
#include "twinring/version.h"

#define TWR_BLK_FRONT_MINORS	16

static unsigned int max_queues = 4;
module_param(max_queues, uint, 0444);
MODULE_PARM_DESC(max_queues, "most hardware queues (channels) per disk");

static unsigned int ring_order = TWR_BLK_RING_ORDER_DEFAULT;
module_param(ring_order, uint, 0444);
MODULE_PARM_DESC(ring_order, "ring size as a page order (10 = 4 MiB: 1 MiB requests)");

static unsigned int queue_depth = 64;
module_param(queue_depth, uint, 0444);
MODULE_PARM_DESC(queue_depth, "requests in flight per queue");

unsigned int twr_blk_front_fault;
module_param_named(inject_fault, twr_blk_front_fault, uint, 0600);
MODULE_PARM_DESC(inject_fault, "test only: corrupt the next request (1 range, 2 op)");

static int twr_blk_front_major;
static DEFINE_IDA(twr_blk_front_minors);

/*
 * No new user while a close waits for the last one (twr_blk_front_defer_close()).
 * ->open runs under the disk's open_mutex with the disk live, and the disk
 * is deleted before @info is freed: @info is valid here.
 */
static int twr_blk_front_open(struct block_device *bdev, fmode_t mode)
{
	struct twr_blk_front *info = bdev->bd_disk->private_data;

	return READ_ONCE(info->close_deferred) ? -ENXIO : 0;
}

static const struct block_device_operations twr_blk_front_fops = {
	.owner = THIS_MODULE,
	.open = twr_blk_front_open,
};

/* Free the channels; the caller has stopped all I/O on them. The queue
 * array stays: the disk's hardware contexts point into it. */
static void twr_blk_front_uninit_chans(struct twr_blk_front *info)
{
	unsigned int i;

	for (i = 0; i < info->nr_queues; i++)
		twr_chan_front_uninit(&info->queues[i].chan);
}

/* Free the channels and the queue array. */
void twr_blk_front_free_queues(struct twr_blk_front *info)
{
	twr_blk_front_uninit_chans(info);
	kfree(info->queues);
	info->queues = NULL;
	info->nr_queues = 0;
}

/* Backend InitWait: allocate and grant the channels, tell the backend. */
static int twr_blk_front_talk(struct twr_blk_front *info)
{
	struct xenbus_device *dev = info->xbdev;
	struct xenbus_transaction xbt;
	unsigned int n, order, i;
	u32 a_max, b_max;
	int ret;

	n = xenbus_read_unsigned(dev->otherend, TWR_XS_BLK_VERSION, 0);
	if (n != TWR_BLK_VERSION) {
		xenbus_dev_fatal(dev, -EPROTO,
				 "backend speaks twinblk protocol %u, this frontend %u: load matching twinring modules in both domains",
				 n, TWR_BLK_VERSION);
		return -EPROTO;
	}
	info->max_requests = xenbus_read_unsigned(dev->otherend,
						  TWR_XS_BLK_MAX_REQUESTS, 1);
	info->max_requests = clamp(info->max_requests, 1u, TWR_BLK_MAX_IDS);
	n = xenbus_read_unsigned(dev->otherend, TWR_XS_MAX_QUEUES, 1);
	n = min3(n, max_queues, num_online_cpus());
	n = max(n, 1u);
	order = xenbus_read_unsigned(dev->otherend, TWR_XS_MAX_RING_ORDER, 0);
	order = min(order, ring_order);
	order = min(order, TWR_RING_ORDER_MAX);
	if (order < TWR_BLK_RING_ORDER_MIN) {
		xenbus_dev_fatal(dev, -EINVAL,
				 "backend max-ring-order %u below the minimum %u",
				 order, TWR_BLK_RING_ORDER_MIN);
		return -EINVAL;
	}
	if (info->resuming) {
		/* The disk keeps its hardware queues, request sizes and
		 * depth: the new backend must take as much. */
		if (n < info->nr_queues || order < info->ring_order ||
		    info->max_requests < info->tag_set.queue_depth) {
			xenbus_dev_fatal(dev, -EINVAL,
					 "cannot resume %s: the new backend offers %u queue(s), ring order %u, %u requests; the disk was set up for %u, %u, %u",
					 info->vdev, n, order, info->max_requests,
					 info->nr_queues, info->ring_order,
					 info->tag_set.queue_depth);
			return -EINVAL;
		}
		n = info->nr_queues;
		order = info->ring_order;
	} else {
		info->ring_order = order;
		info->max_data = TWR_BLK_MAX_DATA_FOR_RING(TWR_PAGE_SIZE << order);
		info->queues = kcalloc(n, sizeof(*info->queues), GFP_KERNEL);
		if (!info->queues)
			return -ENOMEM;
		for (i = 0; i < n; i++) {
			struct twr_blk_front_queue *q = &info->queues[i];

			q->info = info;
			spin_lock_init(&q->lock);
			q->chan.irq = -1;
		}
		info->nr_queues = n;
	}
	a_max = TWR_BLK_HDR_LEN + info->max_data;
	b_max = TWR_BLK_HDR_LEN + info->max_data;
	for (i = 0; i < n; i++) {
		ret = twr_chan_front_init(&info->queues[i].chan, dev, i, order,
					  order, a_max, b_max,
					  twr_blk_front_interrupt,
					  &info->queues[i]);
		if (ret)
			goto out_free;	/* xenbus_dev_fatal() said why */
	}

again:
	ret = xenbus_transaction_start(&xbt);
	if (ret) {
		xenbus_dev_fatal(dev, ret, "starting transaction");
		goto out_free;
	}
	for (i = 0; i < n && !ret; i++)
		ret = twr_chan_front_write_xs(&info->queues[i].chan, xbt);
	if (!ret)
		ret = xenbus_printf(xbt, dev->nodename, TWR_XS_NUM_QUEUES, "%u",
				    n);
	if (!ret)
		ret = xenbus_printf(xbt, dev->nodename, TWR_XS_BLK_VERSION, "%u",
				    TWR_BLK_VERSION);
	if (ret) {
		xenbus_transaction_end(xbt, 1);
		xenbus_dev_fatal(dev, ret, "writing queue nodes");
		goto out_free;
	}
	ret = xenbus_transaction_end(xbt, 0);
	if (ret == -EAGAIN)
		goto again;
	if (ret) {
		xenbus_dev_fatal(dev, ret, "completing transaction");
		goto out_free;
	}
	return xenbus_switch_state(dev, XenbusStateInitialised);

out_free:
	if (info->resuming)
		twr_blk_front_uninit_chans(info);
	else
		twr_blk_front_free_queues(info);
	return ret;
}

/* A disk name the backend gave us: "tw", a letter, then letters and
 * digits. The prefix is twinblk's own: a backend must not make us register
 * a name of another disk driver (xvda, vda, sda) and squat it. */
static bool twr_blk_front_vdev_ok(const char *s)
{
	size_t i, len = strlen(s);

	if (len < 3 || len > DISK_NAME_LEN - 4 || strncmp(s, "tw", 2) ||
	    !islower(s[2]))
		return false;
	for (i = 0; i < len; i++)
		if (!islower(s[i]) && !isdigit(s[i]))
			return false;
	return true;
}

/* A size the block layer can take: its byte size, sectors << 9, fits a
 * loff_t, and it is whole logical blocks. */
static bool twr_blk_front_sectors_ok(u64 sectors, unsigned int sector_size)
{
	return sectors && sectors <= (u64)LLONG_MAX >> SECTOR_SHIFT &&
	       !(sectors & ((sector_size >> SECTOR_SHIFT) - 1));
}

static int twr_blk_front_read_geometry(struct twr_blk_front *info)
{
	struct xenbus_device *dev = info->xbdev;
	char *vdev;
	int ret;

	ret = xenbus_scanf(XBT_NIL, dev->otherend, TWR_XS_BLK_SECTORS, "%llu",
			   &info->sectors);
	if (ret != 1)
		goto bad;
	info->sector_size = xenbus_read_unsigned(dev->otherend,
						 TWR_XS_BLK_SECTOR_SIZE, 0);
	info->binfo = xenbus_read_unsigned(dev->otherend, TWR_XS_BLK_INFO, 0);
	if (info->sector_size != 512 && info->sector_size != 4096)
		goto bad;
	if (!twr_blk_front_sectors_ok(info->sectors, info->sector_size))
		goto bad;
	vdev = xenbus_read(XBT_NIL, dev->otherend, TWR_XS_BLK_VDEV, NULL);
	if (IS_ERR(vdev)) {
		snprintf(info->vdev, sizeof(info->vdev), "twinblk%d",
			 info->index);
	} else {
		if (!twr_blk_front_vdev_ok(vdev)) {
			xenbus_dev_fatal(dev, -EINVAL,
					 "vdev \"%s\" is not a disk name", vdev);
			kfree(vdev);
			return -EINVAL;
		}
		strscpy(info->vdev, vdev, sizeof(info->vdev));
		kfree(vdev);
	}
	return 0;
bad:
	xenbus_dev_fatal(dev, -EINVAL,
			 "backend geometry unusable: sectors %llu sector-size %u",
			 info->sectors, info->sector_size);
	return -EINVAL;
}

/* Backend Connected: create /dev/<vdev>. */
static int twr_blk_front_add_disk(struct twr_blk_front *info)
{
	struct xenbus_device *dev = info->xbdev;
	struct blk_mq_tag_set *set = &info->tag_set;
	struct gendisk *disk;
	struct request_queue *rq;
	int ret;

	ret = twr_blk_front_read_geometry(info);
	if (ret)
		return ret;

	memset(set, 0, sizeof(*set));
	set->ops = &twr_blk_front_mq_ops;
	set->nr_hw_queues = info->nr_queues;
	/* More than the backend keeps in flight would only wait in ring A. */
	set->queue_depth = clamp(queue_depth, 1u, info->max_requests);
	set->numa_node = NUMA_NO_NODE;
	set->flags = BLK_MQ_F_SHOULD_MERGE;
	set->cmd_size = sizeof(struct twr_blk_front_pdu);
	set->driver_data = info;
	ret = blk_mq_alloc_tag_set(set);
	if (ret)
		goto fail;
	info->tag_set_ready = true;

	disk = blk_mq_alloc_disk(set, info);
	if (IS_ERR(disk)) {
		ret = PTR_ERR(disk);
		goto fail;
	}
	rq = disk->queue;
	disk->major = twr_blk_front_major;
	disk->first_minor = info->index * TWR_BLK_FRONT_MINORS;
	disk->minors = TWR_BLK_FRONT_MINORS;
	disk->fops = &twr_blk_front_fops;
	disk->private_data = info;
	strscpy(disk->disk_name, info->vdev, sizeof(disk->disk_name));

	blk_queue_logical_block_size(rq, info->sector_size);
	blk_queue_physical_block_size(rq, info->sector_size);
	/* Data is copied, so any segmentation will do; only the total per
	 * request is bounded, by the ring. */
	blk_queue_max_hw_sectors(rq, info->max_data >> SECTOR_SHIFT);
	blk_queue_max_segments(rq, info->max_data >> PAGE_SHIFT);
	blk_queue_max_segment_size(rq, info->max_data);
	if (info->binfo & TWR_BLK_INFO_FLUSH)
		blk_queue_write_cache(rq, true, true);
	if (info->binfo & TWR_BLK_INFO_DISCARD) {
		blk_queue_max_discard_sectors(rq, TWR_BLK_MAX_DISCARD_SECTORS);
		rq->limits.discard_granularity = info->sector_size;
	}
	set_capacity(disk, info->sectors);
	if (info->binfo & TWR_BLK_INFO_RO)
		set_disk_ro(disk, true);

	ret = device_add_disk(&dev->dev, disk, twr_blk_front_groups);
	if (ret) {
		put_disk(disk);
		goto fail;
	}
	info->disk = disk;
	dev_info(&dev->dev, "%s: %llu sectors of 512, block %u, %u queue(s), %u KiB rings%s\n",
		 info->vdev, info->sectors, info->sector_size, info->nr_queues,
		 (unsigned int)((PAGE_SIZE << info->ring_order) >> 10),
		 info->binfo & TWR_BLK_INFO_RO ? ", read-only" : "");
	return 0;

fail:
	if (info->tag_set_ready)
		blk_mq_free_tag_set(set);
	info->tag_set_ready = false;
	xenbus_dev_fatal(dev, ret, "adding disk %s", info->vdev);
	return ret;
}

/* Fail all I/O, remove the disk, free the channels. */
/*
 * Stop I/O and remove the disk. The channels are freed only with
 * @free_chans: ending a grant the backend still maps defers the page to
 * Linux's deferred list, which frees 10 grants a second, so a disk's rings
 * (thousands of grants) are kept until the backend is Closed (it unmaps
 * everything before) or the device goes.
 */
static void twr_blk_front_teardown(struct twr_blk_front *info, bool free_chans)
{
	struct bio *bio;
	unsigned int i;

	mutex_lock(&info->lock);
	for (i = 0; i < info->nr_queues; i++)
		twr_chan_front_set_closing(&info->queues[i].chan);
	twr_blk_front_kill_queues(info);
	while ((bio = bio_list_pop(&info->resubmit)))
		bio_io_error(bio);	/* sent again only to a new backend */
	if (info->resuming) {
		/* Requests requeued at resume wait on the quiesced queue:
		 * dispatched now, the dead queues fail them, and the disk
		 * can go. */
		info->resuming = false;
		blk_mq_unquiesce_queue(info->disk->queue);
		blk_mq_kick_requeue_list(info->disk->queue);
	}
	info->close_deferred = false;
	if (info->disk) {
		del_gendisk(info->disk);
		put_disk(info->disk);
		info->disk = NULL;
	}
	if (info->tag_set_ready)
		blk_mq_free_tag_set(&info->tag_set);
	info->tag_set_ready = false;
	if (free_chans)
		twr_blk_front_free_queues(info);
	mutex_unlock(&info->lock);
}

static void twr_blk_front_close_work(struct work_struct *work)
{
	struct twr_blk_front *info = container_of(work, struct twr_blk_front,
						  close_work);

	/* The broken queue already refuses I/O; fail the rest, then tell
	 * the backend. The disk goes when the backend answers Closing. */
	mutex_lock(&info->lock);
	twr_blk_front_kill_queues(info);
	mutex_unlock(&info->lock);
	xenbus_switch_state(info->xbdev, XenbusStateClosing);
}

/*
 * The backend asks to close (a detach) while the disk is open in this
 * guest: a mounted filesystem, a process holding /dev/<vdev>. The disk
 * stays and keeps working (6.1's blkfront instead marks such a disk dead
 * and closes at once: the lab's ts_io_detach_busy logs it), says why in
 * xenstore (error/device/twinblk/<id>/error, which twinctl quotes); new
 * opens are refused, and the close happens once the last user has let go
 * (twr_blk_front_defer_work()): the toolstack removes the device then, or
 * at once when told to force it. Only a detach waits (the toolstack wrote
 * the backend's online 0 with its Closing): a backend that closes by itself
 * (it caught us breaking the protocol, or failed) answers nothing more, and
 * a disk kept for its users would hang them. @asked: the backend asked
 * (again), which is answered each time. Called with info->lock held;
 * returns true if the close is deferred.
 */
static bool twr_blk_front_defer_close(struct twr_blk_front *info, bool asked)
{
	struct xenbus_device *dev = info->xbdev;
	unsigned int users;

	if (dev->state != XenbusStateConnected || !info->disk || info->resuming)
		return false;
	if (!info->close_deferred &&
	    xenbus_read_unsigned(dev->otherend, TWR_XS_ONLINE, 1) != 0)
		return false;
	if (!info->close_deferred) {
		WRITE_ONCE(info->close_deferred, true);
		/* An open that passed twr_blk_front_open() before the flag
		 * counts in bd_openers once it returns; one that comes after
		 * is refused. The count read below misses at most an open in
		 * progress, which del_gendisk() then fails. */
		smp_mb();
	}
	users = disk_openers(info->disk);
	if (!users)
		return false;
	if (asked) {
		xenbus_dev_error(dev, -EBUSY,
				 "%s is in use in the guest (%u user(s)): it closes when the last one lets go",
				 info->vdev, users);
		dev_info(&dev->dev, "%s: in use, closing when the last user lets go\n",
			 info->vdev);
	}
	schedule_delayed_work(&info->defer_work, HZ);
	return true;
}

/* Once a second while a close is deferred: close when nobody holds the
 * disk any more and the backend still asks for it. */
static void twr_blk_front_defer_work(struct work_struct *work)
{
	struct twr_blk_front *info = container_of(to_delayed_work(work),
						  struct twr_blk_front,
						  defer_work);
	struct xenbus_device *dev = info->xbdev;
	enum xenbus_state bstate;
	bool closing, deferred;

	bstate = xenbus_read_driver_state(dev->otherend);
	if (bstate != XenbusStateClosing && bstate != XenbusStateClosed)
		return;
	mutex_lock(&info->lock);
	closing = info->close_deferred;
	deferred = closing && twr_blk_front_defer_close(info, false);
	mutex_unlock(&info->lock);
	if (!closing || deferred)
		return;
	dev_info(&dev->dev, "%s: last user gone, closing\n", info->vdev);
	twr_blk_front_teardown(info, false);
	xenbus_frontend_closed(dev);
}

/*
 * The backend wrote its state again while we are Connected: the target
 * grew (blkback's resize signal, which blkfront follows the same way). A
 * larger, well-formed size is taken; anything else changes nothing: a disk
 * never shrinks under a running guest.
 */
static void twr_blk_front_resize(struct twr_blk_front *info)
{
	struct xenbus_device *dev = info->xbdev;
	unsigned long long sectors;

	if (xenbus_scanf(XBT_NIL, dev->otherend, TWR_XS_BLK_SECTORS, "%llu",
			 &sectors) != 1 || sectors == info->sectors)
		return;
	if (sectors < info->sectors ||
	    !twr_blk_front_sectors_ok(sectors, info->sector_size)) {
		dev_warn(&dev->dev, "%s: backend size %llu sectors ignored (now %llu: it may only grow, in whole blocks)\n",
			 info->vdev, sectors, info->sectors);
		return;
	}
	dev_info(&dev->dev, "%s: grew from %llu to %llu sectors\n", info->vdev,
		 info->sectors, sectors);
	info->sectors = sectors;
	set_capacity_and_notify(info->disk, sectors);
}

/*
 * The new backend is Connected after a resume: the requests requeued at
 * resume go out on the new channels, and the bios taken from the others
 * move to @resubmit, which the caller submits once it dropped info->lock.
 * A grown target is taken as at any time (twr_blk_front_resize()).
 */
static void twr_blk_front_resumed(struct twr_blk_front *info,
				  struct bio_list *resubmit)
{
	struct request_queue *rq = info->disk->queue;
	unsigned long flags;
	unsigned int i, n;

	for (i = 0; i < info->nr_queues; i++) {
		struct twr_blk_front_queue *q = &info->queues[i];

		spin_lock_irqsave(&q->lock, flags);
		q->dead = false;
		spin_unlock_irqrestore(&q->lock, flags);
	}
	info->resuming = false;
	twr_blk_front_resize(info);
	blk_mq_unquiesce_queue(rq);
	blk_mq_kick_requeue_list(rq);
	n = bio_list_size(&info->resubmit);
	info->bios_again += n;
	bio_list_merge(resubmit, &info->resubmit);
	bio_list_init(&info->resubmit);
	dev_info(&info->xbdev->dev, "%s: reconnected after resume: %u bio(s) sent again\n",
		 info->vdev, n);
}

static void twr_blk_front_backend_changed(struct xenbus_device *dev,
					  enum xenbus_state bstate)
{
	struct twr_blk_front *info = dev_get_drvdata(&dev->dev);
	struct bio_list resubmit = BIO_EMPTY_LIST;
	struct bio *bio;

	switch (bstate) {
	case XenbusStateInitWait:
		if (dev->state != XenbusStateInitialising)
			break;
		mutex_lock(&info->lock);
		twr_blk_front_talk(info);
		mutex_unlock(&info->lock);
		break;
	case XenbusStateConnected:
		if (dev->state == XenbusStateConnected) {
			mutex_lock(&info->lock);
			if (info->disk)
				twr_blk_front_resize(info);
			mutex_unlock(&info->lock);
			break;
		}
		if (dev->state != XenbusStateInitialised)
			break;
		mutex_lock(&info->lock);
		if (info->disk && info->resuming) {
			twr_blk_front_resumed(info, &resubmit);
			xenbus_switch_state(dev, XenbusStateConnected);
		} else if (!info->disk && twr_blk_front_add_disk(info) == 0) {
			xenbus_switch_state(dev, XenbusStateConnected);
		}
		mutex_unlock(&info->lock);
		/* Outside the lock: a bio may wait for a tag, which only
		 * completions give back. */
		while ((bio = bio_list_pop(&resubmit)))
			submit_bio(bio);
		break;
	case XenbusStateClosing:
	case XenbusStateClosed:
		if (dev->state == XenbusStateClosed) {
			/* The backend unmapped everything before its Closed:
			 * the grants end now, with no deferral. */
			if (bstate == XenbusStateClosed) {
				mutex_lock(&info->lock);
				twr_blk_front_free_queues(info);
				mutex_unlock(&info->lock);
			}
			break;
		}
		/* Only a Closing can wait: a Closed backend has let go of
		 * the rings already. */
		if (bstate == XenbusStateClosing) {
			bool deferred;

			mutex_lock(&info->lock);
			deferred = twr_blk_front_defer_close(info, true);
			mutex_unlock(&info->lock);
			if (deferred)
				break;
		}
		twr_blk_front_teardown(info, bstate == XenbusStateClosed);
		xenbus_frontend_closed(dev);
		break;
	default:
		break;
	}
}

static int twr_blk_front_probe(struct xenbus_device *dev,
			       const struct xenbus_device_id *id)
{
	struct twr_blk_front *info;
	int ret;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info) {
		xenbus_dev_fatal(dev, -ENOMEM, "allocating device state");
		return -ENOMEM;
	}
	info->xbdev = dev;
	mutex_init(&info->lock);
	INIT_WORK(&info->close_work, twr_blk_front_close_work);
	INIT_DELAYED_WORK(&info->defer_work, twr_blk_front_defer_work);
	ret = ida_alloc_max(&twr_blk_front_minors,
			    (MINORMASK + 1) / TWR_BLK_FRONT_MINORS - 1,
			    GFP_KERNEL);
	if (ret < 0) {
		xenbus_dev_fatal(dev, ret, "allocating a minor number");
		kfree(info);
		return ret;
	}
	info->index = ret;
	dev_set_drvdata(&dev->dev, info);
	return 0;
}

static void twr_blk_front_remove(struct xenbus_device *dev)
{
	struct twr_blk_front *info = dev_get_drvdata(&dev->dev);

	/* Teardown unbinds the events last (freeing the queues): a close_work
	 * an event queued before that is cancelled or waited for below, and
	 * finds no queues left to kill if it runs. */
	twr_blk_front_teardown(info, true);
	cancel_work_sync(&info->close_work);
	/* After the teardown a deferred close finds nothing to close and
	 * does not arm itself again. */
	cancel_delayed_work_sync(&info->defer_work);
	ida_free(&twr_blk_front_minors, info->index);
	dev_set_drvdata(&dev->dev, NULL);
	kfree(info);
}

static const struct xenbus_device_id twr_blk_front_ids[] = {
	{ TWR_XS_KIND_BLK },
	{ "" }
};

static struct xenbus_driver twr_blk_front_driver = {
	.ids = twr_blk_front_ids,
	.probe = twr_blk_front_probe,
	.remove = twr_blk_front_remove,
	.suspend = twr_blk_front_suspend,
	.resume = twr_blk_front_resume,
	.otherend_changed = twr_blk_front_backend_changed,
};

static struct twr_front_rewatch twr_blk_front_rewatch;

static int __init twr_blk_front_init(void)
{
	int ret;

	if (!xen_domain())
		return -ENODEV;
	ret = register_blkdev(0, "twinblk");
	if (ret < 0)
		return ret;
	twr_blk_front_major = ret;
	ret = xenbus_register_frontend(&twr_blk_front_driver);
	if (ret) {
		unregister_blkdev(twr_blk_front_major, "twinblk");
		return ret;
	}
	/* Without it only a late toolstack after a restore goes unnoticed. */
	if (twr_front_rewatch_register(&twr_blk_front_rewatch,
				       &twr_blk_front_driver, TWR_XS_KIND_BLK))
		pr_warn("twinblk-front: no watch for devices that appear after a resume\n");
	return 0;
}

static void __exit twr_blk_front_exit(void)
{
	twr_front_rewatch_unregister(&twr_blk_front_rewatch);
	xenbus_unregister_driver(&twr_blk_front_driver);
	unregister_blkdev(twr_blk_front_major, "twinblk");
}

module_init(twr_blk_front_init);
module_exit(twr_blk_front_exit);
MODULE_DESCRIPTION("twinring block frontend");
MODULE_LICENSE("Dual MIT/GPL");
MODULE_VERSION(TWR_RELEASE);
MODULE_ALIAS("xen:" TWR_XS_KIND_BLK);
