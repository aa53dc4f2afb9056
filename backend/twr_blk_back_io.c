// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * twinblk backend I/O engine: the backing file or block device.
 *
 * Every transfer goes straight between the backing store and the mapped
 * ring memory: a write's kvec points at its data inside ring A (mapped
 * read-only; the peer may still scribble on it while we write it out, which
 * only changes what the domU stored on its own disk), a read's kvec at the
 * space reserved for the response in ring B. There is no bounce buffer; the
 * one copy left is the page cache's (buffered I/O, because O_DIRECT would
 * need 512-byte aligned buffers and page-backed iterators, and a record's
 * data in the ring is neither; see docs/blk.md).
 *
 * A request runs in the channel thread when it cannot wait for a device (an
 * in-memory target, or a read the page cache answers: RWF_NOWAIT), and in a
 * worker otherwise, so that many can wait at once.
 */
#include <linux/blkdev.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/uio.h>

#include "twr_blk_back.h"

int twr_blk_target_open(struct twr_blk_target *t, const char *path, bool ro)
{
	struct inode *inode;
	struct file *file;
	loff_t bytes;
	int ret;

	memset(t, 0, sizeof(*t));
	file = filp_open(path, (ro ? O_RDONLY : O_RDWR) | O_LARGEFILE, 0);
	if (IS_ERR(file))
		return PTR_ERR(file);

	inode = file->f_mapping->host;
	t->sector_size = TWR_BLK_SECTOR_SIZE;
	if (S_ISBLK(inode->i_mode)) {
		t->bdev = I_BDEV(inode);
		bytes = bdev_nr_bytes(t->bdev);
		t->sector_size = bdev_logical_block_size(t->bdev);
		if (bdev_max_discard_sectors(t->bdev))
			t->info |= TWR_BLK_INFO_DISCARD;
		if (bdev_read_only(t->bdev))
			ro = true;
	} else if (S_ISREG(inode->i_mode)) {
		bytes = i_size_read(inode);
		if (file->f_op->fallocate)
			t->info |= TWR_BLK_INFO_DISCARD;
	} else {
		ret = -EINVAL;	/* not a file or a block device */
		goto out_close;
	}
	if (t->sector_size != 512 && t->sector_size != 4096) {
		ret = -EINVAL;
		goto out_close;
	}
	/* Whole logical blocks only: a partial tail is not addressable. */
	t->sectors = (bytes & ~(loff_t)(t->sector_size - 1)) >>
		     TWR_BLK_SECTOR_SHIFT;
	if (!t->sectors) {
		ret = -EINVAL;
		goto out_close;
	}
	t->info |= TWR_BLK_INFO_FLUSH;
	t->in_memory = !t->bdev && (inode->i_sb->s_magic == TMPFS_MAGIC ||
				    inode->i_sb->s_magic == RAMFS_MAGIC);
	t->nowait = file->f_mode & FMODE_NOWAIT;
	if (ro) {
		t->info |= TWR_BLK_INFO_RO;
		t->info &= ~TWR_BLK_INFO_DISCARD;
	}
	t->file = file;
	return 0;

out_close:
	filp_close(file, NULL);
	return ret;
}

void twr_blk_target_close(struct twr_blk_target *t)
{
	if (t->file)
		filp_close(t->file, NULL);
	t->file = NULL;
	t->bdev = NULL;
}

/* One errno from the backing store to the wire status. */
static s32 twr_blk_status(long err)
{
	switch (err) {
	case 0:
		return TWR_BLK_RSP_OK;
	case -ENOSPC:
	case -EDQUOT:
		return TWR_BLK_RSP_ENOSPC;
	case -EOPNOTSUPP:
		return TWR_BLK_RSP_ENOTSUPP;
	case -EROFS:
	case -EPERM:
	case -EBADF:
		return TWR_BLK_RSP_EROFS;
	default:
		return TWR_BLK_RSP_EIO;
	}
}

void twr_blk_io_prepare(struct twr_blk_back_io *io, void *buf)
{
	u32 len = io->req.nr_sectors << TWR_BLK_SECTOR_SHIFT;

	io->pos = (loff_t)io->req.sector << TWR_BLK_SECTOR_SHIFT;
	io->kv.iov_base = buf;
	io->kv.iov_len = len;
	iov_iter_kvec(&io->iter, io->req.op == TWR_BLK_OP_READ ? ITER_DEST :
			ITER_SOURCE, &io->kv, 1, len);
}

static int twr_blk_target_read(struct twr_blk_target *t,
			       struct twr_blk_back_io *io, bool nowait)
{
	ssize_t ret;

	while (iov_iter_count(&io->iter)) {
		ret = vfs_iter_read(t->file, &io->iter, &io->pos,
				    nowait ? RWF_NOWAIT : 0);
		if (nowait && (ret == -EAGAIN || ret == -EOPNOTSUPP))
			return -EAGAIN;
		if (ret < 0) {
			io->status = twr_blk_status(ret);
			return 0;
		}
		if (ret == 0) {
			/* The file shrank under us: what is not there reads
			 * as zeroes, as a sparse hole would. */
			iov_iter_zero(iov_iter_count(&io->iter), &io->iter);
			break;
		}
	}
	io->status = TWR_BLK_RSP_OK;
	return 0;
}

static s32 twr_blk_target_write(struct twr_blk_target *t,
				struct twr_blk_back_io *io)
{
	bool fua = io->req.flags & TWR_BLK_REQ_F_FUA;
	ssize_t ret = 0;

	if (t->info & TWR_BLK_INFO_RO)
		return TWR_BLK_RSP_EROFS;
	file_start_write(t->file);
	while (iov_iter_count(&io->iter)) {
		ret = vfs_iter_write(t->file, &io->iter, &io->pos,
				     fua ? RWF_DSYNC : 0);
		if (ret <= 0) {
			ret = ret ? ret : -EIO;
			break;
		}
		ret = 0;
	}
	file_end_write(t->file);
	return twr_blk_status(ret);
}

static s32 twr_blk_target_flush(struct twr_blk_target *t)
{
	if (t->info & TWR_BLK_INFO_RO)
		return TWR_BLK_RSP_OK;	/* nothing was ever written */
	return twr_blk_status(vfs_fsync(t->file, 0));
}

static s32 twr_blk_target_discard(struct twr_blk_target *t, u64 sector,
				  u32 nr)
{
	int ret;

	if (t->info & TWR_BLK_INFO_RO)
		return TWR_BLK_RSP_EROFS;
	if (!(t->info & TWR_BLK_INFO_DISCARD))
		return TWR_BLK_RSP_ENOTSUPP;
	if (t->bdev) {
		/* Our reads and writes go through the device's page cache:
		 * drop the range there too, or a read after the discard
		 * would still find the old data (as the block layer's own
		 * BLKDISCARD does). */
		truncate_inode_pages_range(t->file->f_mapping,
					   (loff_t)sector << TWR_BLK_SECTOR_SHIFT,
					   (((loff_t)sector + nr) <<
					    TWR_BLK_SECTOR_SHIFT) - 1);
		ret = blkdev_issue_discard(t->bdev, sector, nr, GFP_KERNEL);
	} else
		ret = vfs_fallocate(t->file,
				    FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				    sector << TWR_BLK_SECTOR_SHIFT,
				    (loff_t)nr << TWR_BLK_SECTOR_SHIFT);
	return twr_blk_status(ret);
}

int twr_blk_target_exec(struct twr_blk_target *t, struct twr_blk_back_io *io,
			bool nowait)
{
	/* Only reads have a non-blocking form worth trying (buffered writes
	 * refuse RWF_NOWAIT on block devices and most filesystems). */
	if (nowait && !t->in_memory &&
	    (io->req.op != TWR_BLK_OP_READ || !t->nowait))
		return -EAGAIN;
	switch (io->req.op) {
	case TWR_BLK_OP_READ:
		return twr_blk_target_read(t, io, nowait && !t->in_memory);
	case TWR_BLK_OP_WRITE:
		io->status = twr_blk_target_write(t, io);
		break;
	case TWR_BLK_OP_FLUSH:
		io->status = twr_blk_target_flush(t);
		break;
	default:	/* TWR_BLK_OP_DISCARD, checked at submission */
		io->status = twr_blk_target_discard(t, io->req.sector,
						    io->req.nr_sectors);
		break;
	}
	return 0;
}
