// SPDX-License-Identifier: MIT
/*
 * CUnit tests of the xenstore plan (toolstack/twr_xsplan.c): the paths of
 * include/twinring/xenbus.h, the value of every node the toolstack writes,
 * libxl's permission pattern, and devid allocation.
 */
#include <errno.h>
#include <string.h>

#include "../twr_cunit.h"

#include "twinring/xenbus.h"
#include "../../../toolstack/twr_spec.h"
#include "../../../toolstack/twr_xsplan.h"

static struct twr_xs_plan g_plan;
static struct twr_dev_desc g_desc;

/* A device of domain @domid on backend @backend from spec @s. */
static void desc_make(const char *s, uint32_t domid, uint32_t backend, uint32_t devid)
{
	static const uint8_t mac[6] = { 0x00, 0x16, 0x3e, 0x01, 0x02, 0x03 };

	memset(&g_desc, 0, sizeof(g_desc));
	CU_ASSERT_EQUAL_FATAL(twr_spec_parse(s, &g_desc.spec, NULL), 0);
	if (g_desc.spec.kind == TWR_DEV_NET && !g_desc.spec.net.has_mac)
		memcpy(g_desc.spec.net.mac, mac, 6);
	g_desc.domid = domid;
	g_desc.backend = backend;
	g_desc.devid = devid;
}

/* The value of node @path in the plan, or NULL if the plan lacks it. */
static const char *value_of(const char *path)
{
	const struct twr_xs_node *n = twr_xs_plan_find(&g_plan, path);

	return n ? n->value : NULL;
}

#define CHECK_VALUE(path, want) do {					\
	const char *v_ = value_of(path);				\
	CU_ASSERT_PTR_NOT_NULL(v_);					\
	if (v_)								\
		CU_ASSERT_STRING_EQUAL(v_, want);			\
} while (0)

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

static void test_paths_follow_xenbus_h(void)
{
	char buf[TWR_XS_PATH_MAX];

	CU_ASSERT_EQUAL(twr_xs_frontend_dir(buf, sizeof(buf), 5, TWR_DEV_NET, 0), 0);
	CU_ASSERT_STRING_EQUAL(buf, "/local/domain/5/device/twinnet/0");
	CU_ASSERT_EQUAL(twr_xs_backend_dir(buf, sizeof(buf), 0, TWR_DEV_BLK, 5, 3), 0);
	CU_ASSERT_STRING_EQUAL(buf, "/local/domain/0/backend/twinblk/5/3");
	CU_ASSERT_EQUAL(twr_xs_frontend_kind_dir(buf, sizeof(buf), 7, TWR_DEV_BLK), 0);
	CU_ASSERT_STRING_EQUAL(buf, "/local/domain/7/device/twinblk");
	CU_ASSERT_EQUAL(twr_xs_backend_domain_dir(buf, sizeof(buf), 2, TWR_DEV_NET, 7), 0);
	CU_ASSERT_STRING_EQUAL(buf, "/local/domain/2/backend/twinnet/7");
	CU_ASSERT_EQUAL(twr_xs_frontend_dir(buf, 20, 5, TWR_DEV_NET, 0), -ENAMETOOLONG);
}

static void test_net_plan_values(void)
{
	desc_make("net, bridge=xenbr0, queues=2", 5, 0, 1);
	CU_ASSERT_EQUAL_FATAL(twr_xs_plan_build(&g_desc, &g_plan), 0);
	CU_ASSERT_STRING_EQUAL(g_plan.fe_dir, "/local/domain/5/device/twinnet/1");
	CU_ASSERT_STRING_EQUAL(g_plan.be_dir, "/local/domain/0/backend/twinnet/5/1");

	CHECK_VALUE("/local/domain/5/device/twinnet/1/backend", "/local/domain/0/backend/twinnet/5/1");
	CHECK_VALUE("/local/domain/5/device/twinnet/1/backend-id", "0");
	CHECK_VALUE("/local/domain/5/device/twinnet/1/state", "1");
	CHECK_VALUE("/local/domain/5/device/twinnet/1/mac", "00:16:3e:01:02:03");

	CHECK_VALUE("/local/domain/0/backend/twinnet/5/1/frontend", "/local/domain/5/device/twinnet/1");
	CHECK_VALUE("/local/domain/0/backend/twinnet/5/1/frontend-id", "5");
	CHECK_VALUE("/local/domain/0/backend/twinnet/5/1/online", "1");
	CHECK_VALUE("/local/domain/0/backend/twinnet/5/1/state", "1");
	CHECK_VALUE("/local/domain/0/backend/twinnet/5/1/max-queues", "2");
	CHECK_VALUE("/local/domain/0/backend/twinnet/5/1/bridge", "xenbr0");
	CHECK_VALUE("/local/domain/0/backend/twinnet/5/1/mac", "00:16:3e:01:02:03");

	/* Nodes the frontend writes itself are not pre-created. */
	CU_ASSERT_PTR_NULL(value_of("/local/domain/5/device/twinnet/1/num-queues"));
	CU_ASSERT_PTR_NULL(value_of("/local/domain/0/backend/twinnet/5/1/target"));
	CU_ASSERT_PTR_NULL(value_of("/local/domain/0/backend/twinnet/5/1/script"));
}

/* script= goes where libxl puts a vif's: the backend directory, dom0's,
 * which the domU can read but not rewrite; with go-ahead the plan is full. */
static void test_net_script_in_backend_dir(void)
{
	const struct twr_xs_node *n;

	desc_make("net, bridge=ovsbr0, script=/etc/xen/scripts/vif-openvswitch, queues=2", 5, 0, 1);
	g_desc.go_ahead = true;
	CU_ASSERT_EQUAL_FATAL(twr_xs_plan_build(&g_desc, &g_plan), 0);
	CHECK_VALUE("/local/domain/0/backend/twinnet/5/1/script", "/etc/xen/scripts/vif-openvswitch");
	n = twr_xs_plan_find(&g_plan, "/local/domain/0/backend/twinnet/5/1/script");
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_EQUAL(n->perms[0].domid, 0);
	CU_ASSERT_EQUAL(n->perms[1].domid, 5);
	CU_ASSERT_EQUAL(n->perms[1].mode, 'r');
	CU_ASSERT_PTR_NULL(value_of("/local/domain/5/device/twinnet/1/script"));
}

static void test_blk_plan_values(void)
{
	desc_make("blk, target=/srv/vm1-data.img, vdev=twa, mode=r", 9, 0, 0);
	CU_ASSERT_EQUAL_FATAL(twr_xs_plan_build(&g_desc, &g_plan), 0);
	CHECK_VALUE("/local/domain/0/backend/twinblk/9/0/target", "/srv/vm1-data.img");
	CHECK_VALUE("/local/domain/0/backend/twinblk/9/0/mode", "r");
	CHECK_VALUE("/local/domain/0/backend/twinblk/9/0/vdev", "twa");
	CHECK_VALUE("/local/domain/0/backend/twinblk/9/0/max-queues", "4");
	CU_ASSERT_PTR_NULL(value_of("/local/domain/9/device/twinblk/0/mac"));
	CU_ASSERT_PTR_NULL(value_of("/local/domain/0/backend/twinblk/9/0/bridge"));

	CU_ASSERT_PTR_NULL(value_of("/local/domain/0/backend/twinblk/9/0/limit-iops"));
	CU_ASSERT_PTR_NULL(value_of("/local/domain/0/backend/twinblk/9/0/limit-bw"));
	CU_ASSERT_PTR_NULL(value_of("/local/domain/0/backend/twinblk/9/0/cache"));

	desc_make("blk, target=/dev/sdb, vdev=twb", 9, 0, 1);
	CU_ASSERT_EQUAL_FATAL(twr_xs_plan_build(&g_desc, &g_plan), 0);
	CHECK_VALUE("/local/domain/0/backend/twinblk/9/1/mode", "w");

	desc_make("blk, target=/dev/sdb, vdev=twb, iops=300, bw=2M", 9, 0, 2);
	CU_ASSERT_EQUAL_FATAL(twr_xs_plan_build(&g_desc, &g_plan), 0);
	CHECK_VALUE("/local/domain/0/backend/twinblk/9/2/limit-iops", "300");
	CHECK_VALUE("/local/domain/0/backend/twinblk/9/2/limit-bw", "2097152");

	desc_make("blk, target=/dev/sdb, vdev=twb, cache=writeback", 9, 0, 3);
	CU_ASSERT_EQUAL_FATAL(twr_xs_plan_build(&g_desc, &g_plan), 0);
	CHECK_VALUE("/local/domain/0/backend/twinblk/9/3/cache", "writeback");
}

/* libxl's pattern: the frontend directory is owned by the domU and readable
 * by the backend; the backend directory the other way round. */
static void check_perms(uint32_t domid, uint32_t backend)
{
	const struct twr_xs_node *n;
	unsigned int i, nfe = 0, nbe = 0;

	for (i = 0; i < g_plan.n; i++) {
		n = &g_plan.nodes[i];
		if (under(n->path, g_plan.fe_dir)) {
			nfe++;
			CU_ASSERT_EQUAL(n->perms[0].domid, domid);
			CU_ASSERT_EQUAL(n->perms[0].mode, 'n');
			CU_ASSERT_EQUAL(n->perms[1].domid, backend);
			CU_ASSERT_EQUAL(n->perms[1].mode, 'r');
		} else if (under(n->path, g_plan.be_dir)) {
			nbe++;
			CU_ASSERT_EQUAL(n->perms[0].domid, backend);
			CU_ASSERT_EQUAL(n->perms[0].mode, 'n');
			CU_ASSERT_EQUAL(n->perms[1].domid, domid);
			CU_ASSERT_EQUAL(n->perms[1].mode, 'r');
		} else {
			CU_FAIL("a node outside both device directories");
		}
	}
	CU_ASSERT(nfe >= 4);
	CU_ASSERT(nbe >= 6);
}

static void test_perms_follow_libxl_pattern(void)
{
	desc_make("net, bridge=xenbr0", 5, 0, 0);
	CU_ASSERT_EQUAL_FATAL(twr_xs_plan_build(&g_desc, &g_plan), 0);
	check_perms(5, 0);
	desc_make("blk, target=/a, vdev=twa", 12, 0, 4);
	CU_ASSERT_EQUAL_FATAL(twr_xs_plan_build(&g_desc, &g_plan), 0);
	check_perms(12, 0);
}

static void test_driver_domain_backend(void)
{
	desc_make("net, bridge=xenbr0, backend=netdom", 5, 3, 0);
	CU_ASSERT_EQUAL_FATAL(twr_xs_plan_build(&g_desc, &g_plan), 0);
	CU_ASSERT_STRING_EQUAL(g_plan.be_dir, "/local/domain/3/backend/twinnet/5/0");
	CHECK_VALUE("/local/domain/5/device/twinnet/0/backend-id", "3");
	check_perms(5, 3);
}

/* Each directory is created (with its permissions) before anything below
 * it is written, so no node ever inherits the wrong owner. */
static void test_directories_come_first(void)
{
	unsigned int i;

	desc_make("blk, target=/a, vdev=twa", 5, 0, 0);
	CU_ASSERT_EQUAL_FATAL(twr_xs_plan_build(&g_desc, &g_plan), 0);
	CU_ASSERT_TRUE(g_plan.nodes[0].is_dir);
	CU_ASSERT_STRING_EQUAL(g_plan.nodes[0].path, g_plan.fe_dir);
	for (i = 1; i < g_plan.n; i++) {
		const struct twr_xs_node *n = &g_plan.nodes[i];

		if (n->is_dir) {
			CU_ASSERT_STRING_EQUAL(n->path, g_plan.be_dir);
			CU_ASSERT_FALSE(under(g_plan.nodes[i - 1].path, g_plan.be_dir));
		} else {
			CU_ASSERT_TRUE(under(n->path, g_plan.fe_dir) ||
				       twr_xs_plan_find(&g_plan, g_plan.be_dir) < n);
		}
	}
}

/* Every node name the toolstack writes is one xenbus.h defines. */
static void test_node_names_are_the_abi(void)
{
	static const char *const abi[] = {
		TWR_XS_BACKEND, TWR_XS_BACKEND_ID, TWR_XS_FRONTEND, TWR_XS_FRONTEND_ID,
		TWR_XS_ONLINE, TWR_XS_STATE, TWR_XS_MAX_QUEUES, TWR_XS_NET_BRIDGE,
		TWR_XS_NET_MAC, TWR_XS_BLK_TARGET, TWR_XS_BLK_MODE, TWR_XS_BLK_VDEV,
		TWR_XS_IOTASK_READY,
	};
	const char *specs[] = { "net, bridge=b", "blk, target=/a, vdev=twa" };
	unsigned int s, i, k;

	for (s = 0; s < 2; s++) {
		desc_make(specs[s], 5, 0, 0);
		g_desc.go_ahead = true;
		CU_ASSERT_EQUAL_FATAL(twr_xs_plan_build(&g_desc, &g_plan), 0);
		for (i = 0; i < g_plan.n; i++) {
			const char *name = strrchr(g_plan.nodes[i].path, '/') + 1;

			if (g_plan.nodes[i].is_dir)
				continue;
			for (k = 0; k < sizeof(abi) / sizeof(abi[0]); k++)
				if (!strcmp(name, abi[k]))
					break;
			CU_ASSERT(k < sizeof(abi) / sizeof(abi[0]));
		}
	}
}

/* The go-ahead is the backend's to read and the toolstack's alone to
 * write: only when asked, only in the backend directory. */
static void test_go_ahead_only_when_asked(void)
{
	const struct twr_xs_node *n;

	desc_make("net, bridge=b", 5, 0, 0);
	CU_ASSERT_EQUAL_FATAL(twr_xs_plan_build(&g_desc, &g_plan), 0);
	CU_ASSERT_PTR_NULL(value_of("/local/domain/0/backend/twinnet/5/0/iotask-ready"));
	g_desc.go_ahead = true;
	CU_ASSERT_EQUAL_FATAL(twr_xs_plan_build(&g_desc, &g_plan), 0);
	CHECK_VALUE("/local/domain/0/backend/twinnet/5/0/iotask-ready", "1");
	n = twr_xs_plan_find(&g_plan, "/local/domain/0/backend/twinnet/5/0/iotask-ready");
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_EQUAL(n->perms[0].domid, 0);
	CU_ASSERT_EQUAL(n->perms[0].mode, 'n');
	CU_ASSERT_PTR_NULL(value_of("/local/domain/5/device/twinnet/0/iotask-ready"));
}

static void test_same_domain_rejected(void)
{
	desc_make("net, bridge=b", 4, 4, 0);
	CU_ASSERT_EQUAL(twr_xs_plan_build(&g_desc, &g_plan), -EINVAL);
	desc_make("net, bridge=b", 0x80000000u, 0, 0);
	CU_ASSERT_EQUAL(twr_xs_plan_build(&g_desc, &g_plan), -EINVAL);
}

static void test_longest_target_fits(void)
{
	char s[TWR_SPEC_MAX_LEN + 1];

	memset(s, 'x', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	memcpy(s, "blk, vdev=twa, target=/", 23);
	desc_make(s, 5, 0, 0);
	CU_ASSERT_EQUAL_FATAL(twr_xs_plan_build(&g_desc, &g_plan), 0);
	CU_ASSERT_EQUAL(strlen(value_of("/local/domain/0/backend/twinblk/5/0/target")),
			TWR_SPEC_MAX_LEN - 22);
}

static void test_devid_next_is_above_highest(void)
{
	const char *none[] = { NULL };
	const char *some[] = { "0", "1", "3" };
	const char *mixed[] = { "2", "abc", "07", "-1", "", "5x", "2" };
	const char *top[] = { "2147483646" };
	const char *full[] = { "2147483647" };

	CU_ASSERT_EQUAL(twr_devid_next(none, 0), 0);
	CU_ASSERT_EQUAL(twr_devid_next(some, 3), 4);
	CU_ASSERT_EQUAL(twr_devid_next(mixed, 7), 3);
	CU_ASSERT_EQUAL(twr_devid_next(top, 1), 2147483647);
	CU_ASSERT_EQUAL(twr_devid_next(full, 1), -ENOSPC);
}

static void test_id_parse_is_strict(void)
{
	uint32_t v = 99;

	CU_ASSERT_EQUAL(twr_id_parse("0", &v), 0);
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_EQUAL(twr_id_parse("2147483647", &v), 0);
	CU_ASSERT_EQUAL(v, 2147483647u);
	CU_ASSERT_EQUAL(twr_id_parse("2147483648", &v), -EINVAL);
	CU_ASSERT_EQUAL(twr_id_parse("007", &v), -EINVAL);
	CU_ASSERT_EQUAL(twr_id_parse("", &v), -EINVAL);
	CU_ASSERT_EQUAL(twr_id_parse("+1", &v), -EINVAL);
	CU_ASSERT_EQUAL(twr_id_parse("1 ", &v), -EINVAL);
	CU_ASSERT_EQUAL(twr_id_parse("99999999999999999999", &v), -EINVAL);
}

static void test_xs_u32_parse_digits_only(void)
{
	uint32_t v = 99;

	CU_ASSERT_EQUAL(twr_xs_u32_parse("10", 2, 10, &v), 0);
	CU_ASSERT_EQUAL(v, 10);
	CU_ASSERT_EQUAL(twr_xs_u32_parse("4294967295", 10, 0xffffffffu, &v), 0);
	CU_ASSERT_EQUAL(v, 0xffffffffu);
	CU_ASSERT_EQUAL(twr_xs_u32_parse("007", 3, 10, &v), 0);
	CU_ASSERT_EQUAL(v, 7);
	CU_ASSERT_EQUAL(twr_xs_u32_parse("11", 2, 10, &v), -EINVAL);
	CU_ASSERT_EQUAL(twr_xs_u32_parse("4294967296", 10, 0xffffffffu, &v), -EINVAL);
	CU_ASSERT_EQUAL(twr_xs_u32_parse("00000000001", 11, 10, &v), -EINVAL);
	CU_ASSERT_EQUAL(twr_xs_u32_parse("", 0, 10, &v), -EINVAL);
	CU_ASSERT_EQUAL(twr_xs_u32_parse("-1", 2, 10, &v), -EINVAL);
	CU_ASSERT_EQUAL(twr_xs_u32_parse("5 ", 2, 10, &v), -EINVAL);
	/* What strtoul() let through (tests/fuzz/toolstack/fuzz_xs_value.c). */
	CU_ASSERT_EQUAL(twr_xs_u32_parse(" 5", 2, 10, &v), -EINVAL);
	CU_ASSERT_EQUAL(twr_xs_u32_parse("5\0x", 3, 10, &v), -EINVAL);
	CU_ASSERT_EQUAL(twr_xs_u32_parse("", 1, 10, &v), -EINVAL);
	CU_ASSERT_EQUAL(v, 7);
}

static void test_task_ids_unique_and_nonzero(void)
{
	CU_ASSERT_EQUAL(twr_dev_task_id(TWR_DEV_NET, 0, 0), 0x01000000u);
	CU_ASSERT_EQUAL(twr_dev_task_id(TWR_DEV_BLK, 0, 0), 0x02000000u);
	CU_ASSERT_NOT_EQUAL(twr_dev_task_id(TWR_DEV_NET, 3, 1), twr_dev_task_id(TWR_DEV_BLK, 3, 1));
	CU_ASSERT_EQUAL(twr_dev_task_id(TWR_DEV_NET, 0xffff, 0xff), 0x01ffffffu);
	CU_ASSERT_EQUAL(twr_dev_task_id(TWR_DEV_NET, 0x10000, 0), 0);
	CU_ASSERT_EQUAL(twr_dev_task_id(TWR_DEV_BLK, 1, 0x100), 0);
	/* One device's queues share the upper 24 bits, and only they do. */
	CU_ASSERT_EQUAL(twr_dev_task_id(TWR_DEV_BLK, 7, 0) >> 8, twr_dev_task_id(TWR_DEV_BLK, 7, 63) >> 8);
	CU_ASSERT_NOT_EQUAL(twr_dev_task_id(TWR_DEV_BLK, 7, 0) >> 8, twr_dev_task_id(TWR_DEV_BLK, 8, 0) >> 8);
}

#define T(fn) { #fn, fn }
static const struct twr_cunit_test tests[] = {
	T(test_paths_follow_xenbus_h),
	T(test_net_plan_values),
	T(test_net_script_in_backend_dir),
	T(test_blk_plan_values),
	T(test_perms_follow_libxl_pattern),
	T(test_driver_domain_backend),
	T(test_directories_come_first),
	T(test_node_names_are_the_abi),
	T(test_go_ahead_only_when_asked),
	T(test_same_domain_rejected),
	T(test_longest_target_fits),
	T(test_devid_next_is_above_highest),
	T(test_id_parse_is_strict),
	T(test_xs_u32_parse_digits_only),
	T(test_task_ids_unique_and_nonzero),
};

int main(void)
{
	return twr_cunit_run("toolstack_xsplan", NULL, NULL, tests,
			     sizeof(tests) / sizeof(tests[0]));
}
