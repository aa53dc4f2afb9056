// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * twinring-core.ko: exports the ring library (twr_ring.c, the same source the
 * user-space tests and fuzzers build) to the frontend and backend modules.
 *
 * With selftest=1 it runs a short produce/consume pass over a private ring at
 * load time, so the lab proves the kernel build of the ring, barriers and
 * all, before any driver uses it.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "twr_ring.h"
#include "twinring/version.h"

EXPORT_SYMBOL_GPL(twr_ring_shared_init);
EXPORT_SYMBOL_GPL(twr_ring_attach);
EXPORT_SYMBOL_GPL(twr_ring_reserve);
EXPORT_SYMBOL_GPL(twr_ring_commit);
EXPORT_SYMBOL_GPL(twr_ring_publish);
EXPORT_SYMBOL_GPL(twr_ring_commit_end);
EXPORT_SYMBOL_GPL(twr_ring_publish_to);
EXPORT_SYMBOL_GPL(twr_ring_space);
EXPORT_SYMBOL_GPL(twr_ring_space_wait_prepare);
EXPORT_SYMBOL_GPL(twr_ring_peek);
EXPORT_SYMBOL_GPL(twr_ring_release);
EXPORT_SYMBOL_GPL(twr_ring_advance);
EXPORT_SYMBOL_GPL(twr_ring_release_to);
EXPORT_SYMBOL_GPL(twr_ring_release_publish);
EXPORT_SYMBOL_GPL(twr_ring_final_check);
EXPORT_SYMBOL_GPL(twr_ring_final_check_after);
EXPORT_SYMBOL_GPL(twr_ring_pending);
EXPORT_SYMBOL_GPL(twr_ring_mark_broken);
EXPORT_SYMBOL_GPL(twr_ring_size);
EXPORT_SYMBOL_GPL(twr_ring_peer_moved);
EXPORT_SYMBOL_GPL(twr_ring_format);

static bool selftest;
module_param(selftest, bool, 0444);
MODULE_PARM_DESC(selftest, "run the ring self-test at load time");

#define TWR_SELFTEST_RECORDS	100000u
#define TWR_SELFTEST_SIZE	(16u * TWR_PAGE_SIZE)

/* Producer and consumer alternate on one CPU over a ring whose indices start
 * just below 2^32; every record carries its sequence number and length. */
static int twr_selftest_run(void)
{
	struct twr_ring_shared *sh;
	struct twr_ring prod, cons;
	uint32_t sent = 0, got = 0;
	struct twr_rec rec;
	void *data, *p;
	int ret;

	sh = kzalloc(sizeof(*sh), GFP_KERNEL);
	data = vzalloc(TWR_SELFTEST_SIZE);
	ret = -ENOMEM;
	if (!sh || !data)
		goto out_free;

	twr_ring_shared_init(sh, 0u - 4096u);
	ret = twr_ring_attach(&prod, TWR_RING_PRODUCER, sh, data,
			      TWR_SELFTEST_SIZE, 4096);
	if (!ret)
		ret = twr_ring_attach(&cons, TWR_RING_CONSUMER, sh, data,
				      TWR_SELFTEST_SIZE, 4096);
	if (ret)
		goto out_free;

	while (got < TWR_SELFTEST_RECORDS) {
		while (sent < TWR_SELFTEST_RECORDS) {
			uint32_t len = 4 + (sent * 2654435761u) % 3000;

			if (twr_ring_reserve(&prod, len, &p))
				break;
			memset(p, sent & 0xff, len);
			*(u32 *)p = sent;
			twr_ring_commit(&prod, len, TWR_REC_TYPE_FIRST, 0);
			sent++;
		}
		twr_ring_publish(&prod);
		while (!(ret = twr_ring_peek(&cons, &rec))) {
			if (rec.len != 4 + (got * 2654435761u) % 3000 ||
			    *(const u32 *)rec.data != got) {
				pr_err("selftest: record %u corrupt\n", got);
				ret = -EIO;
				goto out_free;
			}
			twr_ring_release(&cons);
			got++;
		}
		if (ret != -EAGAIN)
			goto out_free;
		twr_ring_release_publish(&cons);
		ret = 0;
	}
	pr_info("selftest: %u records passed through the ring, indices wrapped\n",
		got);
out_free:
	vfree(data);
	kfree(sh);
	return ret;
}

static int __init twr_core_init(void)
{
	int ret;

	if (!selftest)
		return 0;
	ret = twr_selftest_run();
	if (ret)
		pr_err("selftest failed: %d\n", ret);
	return ret;
}

static void __exit twr_core_exit(void)
{
}

module_init(twr_core_init);
module_exit(twr_core_exit);
MODULE_DESCRIPTION("twinring double ring buffer library");
MODULE_LICENSE("Dual MIT/GPL");
MODULE_VERSION(TWR_RELEASE);
