// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * twinblk backend: per-device I/O limits (limit-iops, limit-bw), a token
 * bucket per limit shared by the device's channels, as QEMU's throttling
 * does. Tokens accrue at the limit's rate up to one burst (a tenth of a
 * second's worth, at least one request); a request is admitted while the
 * bucket is not in debt and takes its cost, possibly into debt (a 1 MiB
 * read under a 100 KiB/s cap passes, then nothing for ten seconds). A
 * channel whose next request is not admitted leaves it in ring A and
 * sleeps until the debt is paid: the frontend sees the cap as latency,
 * never as an error, and a flood of flushes or discards costs one request
 * each against the IOPS limit like any other.
 */
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/sched/clock.h>

#include "twr_blk_back.h"

void twr_blk_limit_init(struct twr_blk_limit *l, u64 iops, u64 bps)
{
	spin_lock_init(&l->lock);
	l->iops = iops;
	l->bps = bps;
	/* A tenth of a second, but one request at least. */
	l->io_burst = max_t(s64, div_u64(iops, 10), 1);
	l->byte_burst = max_t(s64, div_u64(bps, 10), TWR_BLK_MAX_DATA);
	l->io_tokens = l->io_burst;
	l->byte_tokens = l->byte_burst;
	l->stamp = local_clock();
}

/* Tokens earned by @rate per second over @ns, capped at @cap. */
static s64 twr_blk_limit_fill(s64 tokens, u64 rate, u64 ns, s64 cap)
{
	u64 earned;

	if (!rate)
		return tokens;
	/* Past ten seconds any bucket is full again. */
	ns = min_t(u64, ns, 10ull * NSEC_PER_SEC);
	earned = mul_u64_u64_div_u64(rate, ns, NSEC_PER_SEC);
	return min_t(s64, tokens + (s64)min_t(u64, earned, S64_MAX / 2), cap);
}

/* Nanoseconds until @tokens (negative) are paid back at @rate. */
static u64 twr_blk_limit_debt_ns(s64 tokens, u64 rate)
{
	return div64_u64((u64)-tokens * NSEC_PER_SEC + rate - 1, rate);
}

u64 twr_blk_limit_take(struct twr_blk_limit *l, u32 bytes)
{
	u64 now, wait = 0;

	if (!l->iops && !l->bps)
		return 0;
	spin_lock(&l->lock);
	now = local_clock();
	l->io_tokens = twr_blk_limit_fill(l->io_tokens, l->iops,
					  now - l->stamp, l->io_burst);
	l->byte_tokens = twr_blk_limit_fill(l->byte_tokens, l->bps,
					    now - l->stamp, l->byte_burst);
	l->stamp = now;
	if (l->iops && l->io_tokens < 0)
		wait = twr_blk_limit_debt_ns(l->io_tokens, l->iops);
	if (l->bps && l->byte_tokens < 0)
		wait = max(wait, twr_blk_limit_debt_ns(l->byte_tokens, l->bps));
	if (!wait) {
		l->io_tokens -= 1;
		l->byte_tokens -= bytes;
	}
	spin_unlock(&l->lock);
	/* At least a jiffy: the caller sleeps with a timeout. */
	return wait ? max_t(u64, wait, jiffies_to_nsecs(1)) : 0;
}
