// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * twinblk backend I/O engine: the backing file or block device.
 *
 * Every transfer goes straight between the backing store and the mapped
 * ring memory: a write's data is read from inside ring A (mapped read-only;
 * the peer may still scribble on it while we write it out, which only
 * changes what the domU stored on its own disk), a read's data lands in the
 * space reserved for the response in ring B. There is no bounce buffer.
 *
 * Direct I/O by default (module parameter direct_io): the target is opened
 * O_DIRECT as well, and a READ or WRITE whose data, position and length are
 * aligned for it (protocol 3 puts the data at 512-byte offsets of the ring)
 * is an asynchronous kiocb over bio_vecs on the ring's pages, as the loop
 * driver does it: zero copies in dom0, nothing in dom0's page cache, many in
 * flight without a thread each. A target that cannot do direct I/O (tmpfs,
 * a filesystem without O_DIRECT) is used buffered, through dom0's page
 * cache (one copy), and the device says so in the log at connect.
 *
 * Buffered, a request runs in the channel thread when it cannot wait for a
 * device (an in-memory target, or a read the page cache answers:
 * RWF_NOWAIT), and in a worker otherwise, so that many can wait at once.
 */
#include <linux/blkdev.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <linux/ioprio.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/uio.h>

#include "twr_blk_back.h"

static bool direct_io = true;
module_param(direct_io, bool, 0444);
MODULE_PARM_DESC(direct_io, "do READ/WRITE by direct I/O on the ring pages where the target can (0: always through dom0's page cache)");

/* The O_DIRECT twin of @t->file, and what it needs aligned. */
static void twr_blk_target_open_direct(struct twr_blk_target *t,
				       const char *path, bool ro, bool direct)
{
	struct inode *inode = t->file->f_mapping->host;
	struct block_device *sb_bdev = inode->i_sb->s_bdev;
	struct file *file;

	if (!direct || !direct_io) {
		t->direct_err = -EPERM;
		return;
	}
	file = filp_open(path, (ro ? O_RDONLY : O_RDWR) | O_LARGEFILE |
			 O_DIRECT, 0);
	if (IS_ERR(file)) {
		t->direct_err = PTR_ERR(file);	/* -EINVAL: no O_DIRECT */
		return;
	}
	if (file->f_mapping->host != inode) {
		/* The path changed between the two opens. */
		filp_close(file, NULL);
		t->direct_err = -ESTALE;
		return;
	}
	if (t->bdev)
		t->dio_align = bdev_logical_block_size(t->bdev);
	else if (sb_bdev)
		t->dio_align = bdev_logical_block_size(sb_bdev);
	else
		t->dio_align = 512;	/* a request refused is redone buffered */
	t->dfile = file;
}

/* Whole logical blocks only, in 512-byte units: a partial tail is not
 * addressable. */
static u64 twr_blk_bytes_to_sectors(loff_t bytes, unsigned int sector_size)
{
	return (bytes & ~(loff_t)(sector_size - 1)) >> TWR_BLK_SECTOR_SHIFT;
}

int twr_blk_target_open(struct twr_blk_target *t, const char *path, bool ro,
			bool direct)
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
	t->sectors = twr_blk_bytes_to_sectors(bytes, t->sector_size);
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
	twr_blk_target_open_direct(t, path, ro, direct);
	return 0;

out_close:
	filp_close(file, NULL);
	return ret;
}

u64 twr_blk_target_cur_sectors(struct twr_blk_target *t)
{
	loff_t bytes = t->bdev ? bdev_nr_bytes(t->bdev) :
				 i_size_read(file_inode(t->file));

	return twr_blk_bytes_to_sectors(bytes, t->sector_size);
}

void twr_blk_target_close(struct twr_blk_target *t)
{
	if (t->dfile)
		filp_close(t->dfile, NULL);
	t->dfile = NULL;
	if (t->file)
		filp_close(t->file, NULL);
	t->file = NULL;
	t->bdev = NULL;
}

s32 twr_blk_errno_status(long err)
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

/* Describe @len bytes at @off of @mem as bio_vecs; false if they do not
 * lie inside it. */
static bool twr_blk_io_bvecs(struct twr_blk_back_io *io,
			     const struct twr_blk_ring_mem *mem, size_t off,
			     u32 len)
{
	unsigned int n = 0;
	u32 total = len, chunk;
	size_t po;

	if (off > mem->size || len > mem->size - off)
		return false;
	while (len) {
		if (n == TWR_BLK_IO_BVECS)
			return false;
		po = offset_in_page(off);
		chunk = min_t(size_t, len, PAGE_SIZE - po);
		io->bvec[n].bv_page = mem->pages[off >> PAGE_SHIFT];
		io->bvec[n].bv_offset = po;
		io->bvec[n].bv_len = chunk;
		off += chunk;
		len -= chunk;
		n++;
	}
	iov_iter_bvec(&io->iter, io->req.op == TWR_BLK_OP_READ ? ITER_DEST :
		      ITER_SOURCE, io->bvec, n, total);
	return true;
}

/* The buffered form: a kvec on the vmapped ring. */
static void twr_blk_io_kvec(struct twr_blk_back_io *io)
{
	io->pos = (loff_t)io->req.sector << TWR_BLK_SECTOR_SHIFT;
	io->direct = false;
	iov_iter_kvec(&io->iter, io->req.op == TWR_BLK_OP_READ ? ITER_DEST :
		      ITER_SOURCE, &io->kv, 1, io->kv.iov_len);
}

void twr_blk_io_prepare(struct twr_blk_target *t, struct twr_blk_back_io *io,
			void *buf, const struct twr_blk_ring_mem *mem)
{
	u32 len = io->req.nr_sectors << TWR_BLK_SECTOR_SHIFT;
	size_t off = (u8 *)buf - (u8 *)mem->base;

	io->kv.iov_base = buf;
	io->kv.iov_len = len;
	twr_blk_io_kvec(io);
	/* The peer chose the ring indices: misaligned data (protocol 3 never
	 * makes it) is legal, and goes the buffered way. */
	if (t->dfile && mem->pages && io->bvec &&
	    !(((u64)io->pos | len | off) & (t->dio_align - 1)))
		io->direct = twr_blk_io_bvecs(io, mem, off, len);
}

void twr_blk_io_to_buffered(struct twr_blk_back_io *io)
{
	io->fallback = true;
	twr_blk_io_kvec(io);
}

/* Submit a direct READ/WRITE; its completion, however soon, is
 * twr_blk_back_aio_complete(). */
static void twr_blk_target_submit(struct twr_blk_target *t,
				  struct twr_blk_back_io *io)
{
	struct kiocb *iocb = &io->iocb;
	ssize_t ret;

	memset(iocb, 0, sizeof(*iocb));
	iocb->ki_filp = t->dfile;
	iocb->ki_pos = io->pos;
	iocb->ki_flags = IOCB_DIRECT;
	if (io->req.flags & TWR_BLK_REQ_F_FUA)
		iocb->ki_flags |= IOCB_DSYNC;	/* REQ_FUA on a device */
	iocb->ki_ioprio = IOPRIO_PRIO_VALUE(IOPRIO_CLASS_NONE, 0);
	iocb->ki_complete = twr_blk_back_aio_complete;
	atomic_inc(&io->q->aio);
	if (io->req.op == TWR_BLK_OP_READ)
		ret = call_read_iter(t->dfile, iocb, &io->iter);
	else
		ret = call_write_iter(t->dfile, iocb, &io->iter);
	if (ret != -EIOCBQUEUED)
		twr_blk_back_aio_complete(iocb, ret);
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
			io->status = twr_blk_errno_status(ret);
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
	return twr_blk_errno_status(ret);
}

static s32 twr_blk_target_flush(struct twr_blk_target *t)
{
	if (t->info & TWR_BLK_INFO_RO)
		return TWR_BLK_RSP_OK;	/* nothing was ever written */
	return twr_blk_errno_status(vfs_fsync(t->file, 0));
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
	return twr_blk_errno_status(ret);
}

int twr_blk_target_exec(struct twr_blk_target *t, struct twr_blk_back_io *io,
			bool nowait)
{
	if (io->direct) {
		if (io->req.op == TWR_BLK_OP_WRITE &&
		    (t->info & TWR_BLK_INFO_RO)) {
			io->status = TWR_BLK_RSP_EROFS;
			return 0;
		}
		twr_blk_target_submit(t, io);
		return -EIOCBQUEUED;
	}
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
