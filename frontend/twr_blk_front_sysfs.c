// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * twinblk frontend: the disk's statistics in sysfs
 * (/sys/block/<vdev>/twinblk/): the queues' counters summed, the ring size
 * and each ring's indices.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/device.h>
#include <linux/sysfs.h>

#include "twr_blk_front.h"

/* Sum one counter over the queues. */
#define TWR_BLK_FRONT_STAT(field)					\
static ssize_t field##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	struct twr_blk_front *info = dev_to_disk(dev)->private_data;	\
	u64 sum = 0;							\
	unsigned int i;							\
									\
	for (i = 0; i < info->nr_queues; i++)				\
		sum += READ_ONCE(info->queues[i].stats.field);		\
	return sysfs_emit(buf, "%llu\n", sum);				\
}									\
static DEVICE_ATTR_RO(field)

TWR_BLK_FRONT_STAT(reqs);
TWR_BLK_FRONT_STAT(rd_bytes);
TWR_BLK_FRONT_STAT(wr_bytes);
TWR_BLK_FRONT_STAT(errors);
TWR_BLK_FRONT_STAT(notify_sent);
TWR_BLK_FRONT_STAT(notify_rcvd);
TWR_BLK_FRONT_STAT(ring_full);
TWR_BLK_FRONT_STAT(coalesced);

static ssize_t queues_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct twr_blk_front *info = dev_to_disk(dev)->private_data;

	return sysfs_emit(buf, "%u\n", info->nr_queues);
}
static DEVICE_ATTR_RO(queues);

static ssize_t ring_bytes_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct twr_blk_front *info = dev_to_disk(dev)->private_data;

	return sysfs_emit(buf, "%lu\n", PAGE_SIZE << info->ring_order);
}
static DEVICE_ATTR_RO(ring_bytes);

/* Diagnostics: each channel's shared indices, this side's view, the number
 * of requests in flight and whether the queue waits for room. */
static ssize_t rings_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct twr_blk_front *info = dev_to_disk(dev)->private_data;
	unsigned int i;
	ssize_t n = 0;

	for (i = 0; i < info->nr_queues; i++) {
		struct twr_blk_front_queue *q = &info->queues[i];
		struct twr_ring *a = &q->chan.ring_a, *b = &q->chan.ring_b;

		n += sysfs_emit_at(buf, n, "q%u A ", i);
		n += twr_ring_format(a, buf + n, PAGE_SIZE - n);
		n += sysfs_emit_at(buf, n, "\nq%u B ", i);
		n += twr_ring_format(b, buf + n, PAGE_SIZE - n);
		n += sysfs_emit_at(buf, n, " inflight %u stopped %d dead %d\n",
				   twr_blk_front_queue_inflight(q),
				   READ_ONCE(q->stopped),
				   READ_ONCE(q->dead));
	}
	return n;
}
static DEVICE_ATTR_RO(rings);

/* What the suspends and resumes did: requests answered while suspending,
 * bios sent again, requests requeued, and the bios still kept for the next
 * backend (0 once it is Connected). */
static ssize_t resume_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct twr_blk_front *info = dev_to_disk(dev)->private_data;
	ssize_t n;

	mutex_lock(&info->lock);
	n = sysfs_emit(buf, "suspends %u drained %u resumes %u bios_again %u requeued %u kept %u\n",
		       info->suspends, info->drained, info->resumes,
		       info->bios_again, info->rqs_requeued,
		       bio_list_size(&info->resubmit));
	mutex_unlock(&info->lock);
	return n;
}
static DEVICE_ATTR_RO(resume);

static struct attribute *twr_blk_front_stat_attrs[] = {
	&dev_attr_rings.attr,
	&dev_attr_resume.attr,
	&dev_attr_reqs.attr,
	&dev_attr_rd_bytes.attr,
	&dev_attr_wr_bytes.attr,
	&dev_attr_errors.attr,
	&dev_attr_notify_sent.attr,
	&dev_attr_notify_rcvd.attr,
	&dev_attr_ring_full.attr,
	&dev_attr_coalesced.attr,
	&dev_attr_queues.attr,
	&dev_attr_ring_bytes.attr,
	NULL
};

/* /sys/block/<vdev>/twinblk/ */
static const struct attribute_group twr_blk_front_stat_group = {
	.name = "twinblk",
	.attrs = twr_blk_front_stat_attrs,
};

const struct attribute_group *twr_blk_front_groups[] = {
	&twr_blk_front_stat_group,
	NULL
};
