// SPDX-License-Identifier: MIT
/*
 * CUnit tests of the host-side checks and reads (toolstack/twr_host.c,
 * twr_dev_stats.c) against a fake sysfs tree in a temporary directory: bridge
 * detection, target checks, MAC generation, "already bridged" detection and
 * statistics collection. No Xen, no real network device is touched.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../twr_cunit.h"
#include "fake_tree.h"

#include "../../../toolstack/twr_dev_stats.h"
#include "../../../toolstack/twr_devlist.h"
#include "../../../toolstack/twr_host.h"
#include "../../../toolstack/twr_spec.h"
#include "../../../toolstack/twr_tool.h"

static char g_root[64];
static struct twr_tool g_tool;

/* @rel under the fake root: a directory, or a file with @text. */
static void mk(const char *rel, const char *text)
{
	fake_tree_mk(g_root, rel, text);
}

static void test_bridge_check(void)
{
	mk("class/net/xenbr0/bridge", NULL);
	mk("class/net/eth0/address", "00:11:22:33:44:55\n");

	CU_ASSERT_EQUAL(twr_host_check_bridge(&g_tool, "xenbr0"), 0);
	CU_ASSERT_EQUAL(twr_host_check_bridge(&g_tool, "eth0"), -ENOTDIR);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_tool.err, "not a Linux bridge"));
	CU_ASSERT_EQUAL(twr_host_check_bridge(&g_tool, "br9"), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_tool.err, "bridge 'br9' does not exist"));
}

static void test_target_check(void)
{
	char file[256], dir[256], fifo[256];

	snprintf(file, sizeof(file), "%s/disk.img", g_root);
	snprintf(dir, sizeof(dir), "%s/class", g_root);
	snprintf(fifo, sizeof(fifo), "%s/fifo", g_root);
	mk("disk.img", "data");
	CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0600), 0);

	CU_ASSERT_EQUAL(twr_host_check_target(&g_tool, file, true), 0);
	CU_ASSERT_EQUAL(twr_host_check_target(&g_tool, file, false), 0);
	CU_ASSERT_EQUAL(twr_host_check_target(&g_tool, dir, false), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_tool.err, "neither a regular file nor a block device"));
	CU_ASSERT_EQUAL(twr_host_check_target(&g_tool, fifo, false), -EINVAL);
	CU_ASSERT_EQUAL(twr_host_check_target(&g_tool, "/nonexistent/x.img", false), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_tool.err, "/nonexistent/x.img"));
	/* A block device opens read-only: /dev/null is a char device, refused. */
	CU_ASSERT_EQUAL(twr_host_check_target(&g_tool, "/dev/null", false), -EINVAL);
}

static void test_mac_generate_uses_xen_oui(void)
{
	uint8_t a[6], b[6];
	int i, differ = 0;

	for (i = 0; i < 8; i++) {
		CU_ASSERT_EQUAL_FATAL(twr_mac_generate(a), 0);
		CU_ASSERT_EQUAL(a[0], 0x00);
		CU_ASSERT_EQUAL(a[1], 0x16);
		CU_ASSERT_EQUAL(a[2], 0x3e);
		CU_ASSERT_EQUAL(a[3] & 0x80, 0);
		CU_ASSERT_EQUAL_FATAL(twr_mac_generate(b), 0);
		differ += memcmp(a, b, 6) != 0;
	}
	/* 8 pairs of 23 random bits all equal: 2^-184. */
	CU_ASSERT(differ > 0);
}

static void test_bridge_skips_an_enslaved_netdev(void)
{
	char link[512], target[512];

	/* twr5.0 exists, is up (IFF_UP) and its master is xenbr0. */
	mk("class/net/twr5.0/flags", "0x1003\n");
	snprintf(link, sizeof(link), "%s/class/net/twr5.0/master", g_root);
	snprintf(target, sizeof(target), "%s/class/net/xenbr0", g_root);
	CU_ASSERT_EQUAL_FATAL(symlink(target, link), 0);
	CU_ASSERT_EQUAL(twr_net_bridge(&g_tool, 5, 0, "xenbr0", 0), 0);

	/* No netdev and no time to wait: says what to check. */
	CU_ASSERT_EQUAL(twr_net_bridge(&g_tool, 5, 1, "xenbr0", 0), -ETIMEDOUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_tool.err, "twr5.1 did not appear"));
	CU_ASSERT_PTR_NOT_NULL(strstr(g_tool.err, "ip link set dev twr5.1 master xenbr0 up"));
}

static void test_net_ifindex(void)
{
	mk("class/net/twr7.0/ifindex", "42\n");
	CU_ASSERT_EQUAL(twr_net_ifindex(&g_tool, 7, 0), 42);
	CU_ASSERT_EQUAL(twr_net_ifindex(&g_tool, 7, 1), -ENOENT);
	mk("class/net/twr7.2/ifindex", "junk\n");
	CU_ASSERT_EQUAL(twr_net_ifindex(&g_tool, 7, 2), -ENOENT);
}

static void test_stats_from_sysfs(void)
{
	struct twr_dev_info d = { .kind = TWR_DEV_NET, .domid = 7, .devid = 0 };
	struct twr_stat *st = NULL;
	uint64_t rx = 0, ring_full = 0;
	int n, i;

	mk("class/net/twr7.0/statistics/rx_bytes", "123456789012\n");
	mk("class/net/twr7.0/statistics/tx_packets", "42\n");
	mk("class/net/twr7.0/statistics/garbage", "not a number\n");
	mk("bus/xen-backend/devices/twinnet-7-0/statistics/ring_full", "3\n");

	n = twr_dev_stats(&g_tool, &d, &st);
	CU_ASSERT_EQUAL(n, 3);
	for (i = 0; i < n; i++) {
		if (!strcmp(st[i].name, "rx_bytes"))
			rx = st[i].value;
		if (!strcmp(st[i].name, "ring_full")) {
			ring_full = st[i].value;
			CU_ASSERT_STRING_EQUAL(st[i].source, "sysfs");
		}
		CU_ASSERT_STRING_NOT_EQUAL(st[i].name, "garbage");
	}
	CU_ASSERT_EQUAL(rx, 123456789012ull);
	CU_ASSERT_EQUAL(ring_full, 3);
	free(st);
}

static void test_stats_unavailable_says_so(void)
{
	struct twr_dev_info d = { .kind = TWR_DEV_BLK, .domid = 9, .devid = 2 };
	struct twr_stat *st = NULL;

	CU_ASSERT_EQUAL(twr_dev_stats(&g_tool, &d, &st), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_tool.err, "no statistics available"));
	CU_ASSERT_PTR_NOT_NULL(strstr(g_tool.err, "twinblk-9-2"));
	free(st);
}

static int suite_init(void)
{
	snprintf(g_root, sizeof(g_root), "/tmp/twr-host-XXXXXX");
	if (!mkdtemp(g_root))
		return -1;
	memset(&g_tool, 0, sizeof(g_tool));
	g_tool.sysfs = g_root;
	return 0;
}

static int suite_cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_root);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_target_allow_list(void)
{
	char vm[256], other[256], link[256], esc[256], targets[600], why[512];

	snprintf(vm, sizeof(vm), "%s/vm", g_root);
	snprintf(other, sizeof(other), "%s/vm2", g_root);
	CU_ASSERT_EQUAL_FATAL(mkdir(vm, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(other, 0755), 0);
	mk("vm/a.img", "data");
	mk("vm2/b.img", "data");
	snprintf(targets, sizeof(targets), "/nonexistent:%s", vm);
	snprintf(link, sizeof(link), "%s/vm/a.img", g_root);
	CU_ASSERT_TRUE(twr_target_allowed(targets, link, why, sizeof(why)));
	/* A sibling whose name starts with the allowed one is outside. */
	snprintf(link, sizeof(link), "%s/vm2/b.img", g_root);
	CU_ASSERT_FALSE(twr_target_allowed(targets, link, why, sizeof(why)));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "is outside the targets allowed"));
	/* Resolved first: a symlink or .. inside the directory leading out. */
	snprintf(link, sizeof(link), "%s/vm/escape.img", g_root);
	snprintf(esc, sizeof(esc), "%s/vm2/b.img", g_root);
	CU_ASSERT_EQUAL_FATAL(symlink(esc, link), 0);
	CU_ASSERT_FALSE(twr_target_allowed(targets, link, why, sizeof(why)));
	snprintf(link, sizeof(link), "%s/vm/../vm2/b.img", g_root);
	CU_ASSERT_FALSE(twr_target_allowed(targets, link, why, sizeof(why)));
	/* Missing: left to twr_host_check_target(), which names it. */
	CU_ASSERT_TRUE(twr_target_allowed(targets, "/nonexistent/x.img", why, sizeof(why)));
	CU_ASSERT_TRUE(twr_target_allowed("/", "/dev/null", why, sizeof(why)));
}

#define T(fn) { #fn, fn }
static const struct twr_cunit_test tests[] = {
	T(test_bridge_check),
	T(test_target_check),
	T(test_target_allow_list),
	T(test_mac_generate_uses_xen_oui),
	T(test_bridge_skips_an_enslaved_netdev),
	T(test_net_ifindex),
	T(test_stats_from_sysfs),
	T(test_stats_unavailable_says_so),
};

int main(void)
{
	return twr_cunit_run("toolstack_host", suite_init, suite_cleanup, tests,
			     sizeof(tests) / sizeof(tests[0]));
}
