// SPDX-License-Identifier: GPL-2.0-only
/*
 * The lab's self-check module: proves that an out-of-tree module built against
 * linux-headers-$TWR_KVER (lab/versions.sh) loads in the kernel the lab boots,
 * and that the overlay's stage reaches lib/modules/$(uname -r)/extra.
 */
#include <linux/init.h>
#include <linux/module.h>

static int __init twr_hello_init(void)
{
	pr_info("twr_hello: loaded\n");
	return 0;
}

static void __exit twr_hello_exit(void)
{
	pr_info("twr_hello: unloaded\n");
}

module_init(twr_hello_init);
module_exit(twr_hello_exit);
MODULE_DESCRIPTION("twinring lab self-check");
MODULE_LICENSE("GPL");
