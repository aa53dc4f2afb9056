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
 */
#include <linux/blkdev.h>
#include <linux/falloc.h>
#include <linux/fs.h>
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

s32 twr_blk_target_read(struct twr_blk_target *t, void *buf, u64 sector,
			u32 len)
{
	loff_t pos = sector << TWR_BLK_SECTOR_SHIFT;
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct iov_iter iter;
	ssize_t ret;

	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, len);
	while (iov_iter_count(&iter)) {
		ret = vfs_iter_read(t->file, &iter, &pos, 0);
		if (ret < 0)
			return twr_blk_status(ret);
		if (ret == 0) {
			/* The file shrank under us: what is not there reads
			 * as zeroes, as a sparse hole would. */
			iov_iter_zero(iov_iter_count(&iter), &iter);
			break;
		}
	}
	return TWR_BLK_RSP_OK;
}

s32 twr_blk_target_write(struct twr_blk_target *t, const void *buf,
			 u64 sector, u32 len, bool fua)
{
	loff_t pos = sector << TWR_BLK_SECTOR_SHIFT;
	struct kvec kv = { .iov_base = (void *)buf, .iov_len = len };
	struct iov_iter iter;
	ssize_t ret = 0;

	if (t->info & TWR_BLK_INFO_RO)
		return TWR_BLK_RSP_EROFS;
	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, len);
	file_start_write(t->file);
	while (iov_iter_count(&iter)) {
		ret = vfs_iter_write(t->file, &iter, &pos, fua ? RWF_DSYNC : 0);
		if (ret <= 0) {
			ret = ret ? ret : -EIO;
			break;
		}
		ret = 0;
	}
	file_end_write(t->file);
	return twr_blk_status(ret);
}

s32 twr_blk_target_flush(struct twr_blk_target *t)
{
	if (t->info & TWR_BLK_INFO_RO)
		return TWR_BLK_RSP_OK;	/* nothing was ever written */
	return twr_blk_status(vfs_fsync(t->file, 0));
}

s32 twr_blk_target_discard(struct twr_blk_target *t, u64 sector, u32 nr)
{
	int ret;

	if (t->info & TWR_BLK_INFO_RO)
		return TWR_BLK_RSP_EROFS;
	if (!(t->info & TWR_BLK_INFO_DISCARD))
		return TWR_BLK_RSP_ENOTSUPP;
	if (t->bdev)
		ret = blkdev_issue_discard(t->bdev, sector, nr, GFP_KERNEL);
	else
		ret = vfs_fallocate(t->file,
				    FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				    sector << TWR_BLK_SECTOR_SHIFT,
				    (loff_t)nr << TWR_BLK_SECTOR_SHIFT);
	return twr_blk_status(ret);
}
