// SPDX-License-Identifier: MIT
/*
 * CUnit tests of the device spec parser (toolstack/twr_spec.c): the forms a
 * user writes in an xl config, and one test per class of mistake, checking
 * both the error code and that the message names the culprit.
 */
#include <errno.h>
#include <string.h>

#include "../twr_cunit.h"

#include "../../../toolstack/twr_spec.h"

static struct twr_spec g_spec;
static struct twr_spec_error g_err;

static int parse(const char *s)
{
	return twr_spec_parse(s, &g_spec, &g_err);
}

/* Parsing @s fails with @code and a message containing @needle. */
static void expect_error(const char *s, enum twr_spec_errcode code, const char *needle)
{
	CU_ASSERT_EQUAL(parse(s), -EINVAL);
	CU_ASSERT_EQUAL(g_err.code, code);
	if (needle && !strstr(g_err.msg, needle)) {
		fprintf(stderr, "\n  spec '%s': message '%s' lacks '%s'\n", s, g_err.msg, needle);
		CU_FAIL("error message does not name the culprit");
	}
}

static void test_net_minimal_gets_defaults(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("net, bridge=xenbr0"), 0);
	CU_ASSERT_EQUAL(g_spec.kind, TWR_DEV_NET);
	CU_ASSERT_STRING_EQUAL(g_spec.net.bridge, "xenbr0");
	CU_ASSERT_EQUAL(g_spec.queues, 1);
	CU_ASSERT_FALSE(g_spec.net.has_mac);
	CU_ASSERT_STRING_EQUAL(g_spec.backend, "");
	CU_ASSERT_EQUAL(g_err.code, TWR_SPEC_OK);
}

static void test_net_all_keys(void)
{
	static const uint8_t want[6] = { 0x00, 0x16, 0x3e, 0x0a, 0xbc, 0x0d };

	CU_ASSERT_EQUAL_FATAL(parse("net, bridge=br-lan, queues=2, mac=00:16:3e:0a:bc:0d, backend=drv1"), 0);
	CU_ASSERT_STRING_EQUAL(g_spec.net.bridge, "br-lan");
	CU_ASSERT_EQUAL(g_spec.queues, 2);
	CU_ASSERT_TRUE(g_spec.net.has_mac);
	CU_ASSERT_EQUAL(memcmp(g_spec.net.mac, want, 6), 0);
	CU_ASSERT_STRING_EQUAL(g_spec.backend, "drv1");
}

static void test_blk_design_example(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("blk, target=/srv/vm1-data.img, vdev=twa"), 0);
	CU_ASSERT_EQUAL(g_spec.kind, TWR_DEV_BLK);
	CU_ASSERT_STRING_EQUAL(g_spec.blk.target, "/srv/vm1-data.img");
	CU_ASSERT_STRING_EQUAL(g_spec.blk.vdev, "twa");
	CU_ASSERT_TRUE(g_spec.blk.writable);	/* mode defaults to w */
	/* One queue per vCPU, as many as the frontend takes by default. */
	CU_ASSERT_EQUAL(g_spec.queues, TWR_SPEC_BLK_QUEUES_DEFAULT);
}

static void test_blk_all_keys(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("blk, target=/dev/vg0/vm1, vdev=twb2, mode=r, queues=4"), 0);
	CU_ASSERT_STRING_EQUAL(g_spec.blk.target, "/dev/vg0/vm1");
	CU_ASSERT_STRING_EQUAL(g_spec.blk.vdev, "twb2");
	CU_ASSERT_FALSE(g_spec.blk.writable);
	CU_ASSERT_EQUAL(g_spec.queues, 4);
	CU_ASSERT_EQUAL(g_spec.blk.iops, 0);	/* no limits unless asked */
	CU_ASSERT_EQUAL(g_spec.blk.bw, 0);
}

static void test_blk_io_limits(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("blk, target=/a, vdev=twa, iops=500, bw=50M"), 0);
	CU_ASSERT_EQUAL(g_spec.blk.iops, 500);
	CU_ASSERT_EQUAL(g_spec.blk.bw, 50ull << 20);
	CU_ASSERT_EQUAL_FATAL(parse("blk, target=/a, vdev=twa, bw=4096"), 0);
	CU_ASSERT_EQUAL(g_spec.blk.bw, 4096);
	CU_ASSERT_EQUAL_FATAL(parse("blk, target=/a, vdev=twa, bw=1024g, iops=10000000"), 0);
	CU_ASSERT_EQUAL(g_spec.blk.bw, 1ull << 40);
	CU_ASSERT_EQUAL(g_spec.blk.iops, 10000000);
	CU_ASSERT_EQUAL_FATAL(parse("blk, target=/a, vdev=twa, bw=8k"), 0);
	CU_ASSERT_EQUAL(g_spec.blk.bw, 8192);
	expect_error("blk, target=/a, vdev=twa, iops=0", TWR_SPEC_BAD_VALUE, "iops=0");
	expect_error("blk, target=/a, vdev=twa, iops=10000001", TWR_SPEC_BAD_VALUE, "1 to 10000000");
	expect_error("blk, target=/a, vdev=twa, iops=5k", TWR_SPEC_BAD_VALUE, "iops=5k");
	expect_error("blk, target=/a, vdev=twa, bw=4095", TWR_SPEC_BAD_VALUE, "from 4K");
	expect_error("blk, target=/a, vdev=twa, bw=1025G", TWR_SPEC_BAD_VALUE, "bw=1025G");
	expect_error("blk, target=/a, vdev=twa, bw=M", TWR_SPEC_BAD_VALUE, "bw=M");
	expect_error("blk, target=/a, vdev=twa, bw=10MB", TWR_SPEC_BAD_VALUE, "bw=10MB");
	expect_error("blk, target=/a, vdev=twa, bw=-1", TWR_SPEC_BAD_VALUE, "bw=-1");
	expect_error("blk, target=/a, vdev=twa, bw=99999999999999999999999K", TWR_SPEC_BAD_VALUE, "bw=");
	expect_error("net, bridge=b, iops=5", TWR_SPEC_UNKNOWN_KEY, "'iops'");
}

static void test_blk_cache(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("blk, target=/a, vdev=twa"), 0);
	CU_ASSERT_FALSE(g_spec.blk.cache_writeback);	/* direct by default */
	CU_ASSERT_EQUAL_FATAL(parse("blk, target=/a, vdev=twa, cache=writeback"), 0);
	CU_ASSERT_TRUE(g_spec.blk.cache_writeback);
	CU_ASSERT_EQUAL_FATAL(parse("blk, target=/a, vdev=twa, cache=none"), 0);
	CU_ASSERT_FALSE(g_spec.blk.cache_writeback);
	expect_error("blk, target=/a, vdev=twa, cache=directsync", TWR_SPEC_BAD_VALUE,
		     "cache=directsync: expected none");
	expect_error("blk, target=/a, vdev=twa, cache=", TWR_SPEC_MALFORMED, "cache");
	expect_error("blk, target=/a, vdev=twa, cache=none, cache=writeback",
		     TWR_SPEC_DUPLICATE_KEY, "'cache'");
	expect_error("net, bridge=b, cache=none", TWR_SPEC_UNKNOWN_KEY, "'cache'");
}

static void test_blanks_around_items_and_equals(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("  net ,bridge = xenbr0 ,\tqueues= 3  "), 0);
	CU_ASSERT_STRING_EQUAL(g_spec.net.bridge, "xenbr0");
	CU_ASSERT_EQUAL(g_spec.queues, 3);
}

static void test_kind_accepts_xenbus_names(void)
{
	CU_ASSERT_EQUAL(parse("twinnet, bridge=xenbr0"), 0);
	CU_ASSERT_EQUAL(g_spec.kind, TWR_DEV_NET);
	CU_ASSERT_EQUAL(parse("twinblk, target=/a, vdev=twa"), 0);
	CU_ASSERT_EQUAL(g_spec.kind, TWR_DEV_BLK);
}

static void test_unknown_type(void)
{
	expect_error("nic, bridge=xenbr0", TWR_SPEC_UNKNOWN_TYPE, "'nic'");
	expect_error("NET, bridge=xenbr0", TWR_SPEC_UNKNOWN_TYPE, "'NET'");
	/* The type must come first: a key there is not a type. */
	expect_error("bridge=xenbr0, net", TWR_SPEC_UNKNOWN_TYPE, "bridge=xenbr0");
}

static void test_type_missing(void)
{
	expect_error(", bridge=xenbr0", TWR_SPEC_MALFORMED, "device type is missing");
}

static void test_unknown_key(void)
{
	expect_error("net, bridge=xenbr0, colour=blue", TWR_SPEC_UNKNOWN_KEY, "'colour'");
	CU_ASSERT_EQUAL(g_err.column, 21);
}

static void test_key_of_other_kind_is_unknown(void)
{
	expect_error("net, bridge=xenbr0, target=/srv/a", TWR_SPEC_UNKNOWN_KEY, "'target' for a net");
	expect_error("blk, target=/a, vdev=twa, mac=00:16:3e:00:00:01", TWR_SPEC_UNKNOWN_KEY,
		     "'mac' for a blk");
	expect_error("blk, bridge=xenbr0, target=/a, vdev=twa", TWR_SPEC_UNKNOWN_KEY, "'bridge'");
}

static void test_missing_bridge(void)
{
	expect_error("net", TWR_SPEC_MISSING_KEY, "bridge=");
	expect_error("net, queues=2", TWR_SPEC_MISSING_KEY, "bridge=");
}

static void test_missing_target_or_vdev(void)
{
	expect_error("blk, vdev=twa", TWR_SPEC_MISSING_KEY, "target=");
	expect_error("blk, target=/srv/a.img", TWR_SPEC_MISSING_KEY, "vdev=");
}

static void test_bad_number(void)
{
	expect_error("net, bridge=b, queues=0", TWR_SPEC_BAD_VALUE, "queues=0");
	expect_error("net, bridge=b, queues=65", TWR_SPEC_BAD_VALUE, "1 to 64");
	expect_error("net, bridge=b, queues=two", TWR_SPEC_BAD_VALUE, "queues=two");
	expect_error("net, bridge=b, queues=-1", TWR_SPEC_BAD_VALUE, "queues=-1");
	expect_error("net, bridge=b, queues=2x", TWR_SPEC_BAD_VALUE, "queues=2x");
	expect_error("net, bridge=b, queues=99999999999999999999999", TWR_SPEC_BAD_VALUE, "queues=");
	CU_ASSERT_EQUAL(parse("net, bridge=b, queues=64"), 0);
	CU_ASSERT_EQUAL(g_spec.queues, 64);
}

static void test_duplicate_key(void)
{
	expect_error("net, bridge=a, bridge=b", TWR_SPEC_DUPLICATE_KEY, "'bridge' given twice");
	CU_ASSERT_EQUAL(g_err.column, 16);
	expect_error("blk, target=/a, vdev=twa, mode=r, mode=w", TWR_SPEC_DUPLICATE_KEY, "'mode'");
}

static void test_malformed_items(void)
{
	expect_error("net,, bridge=b", TWR_SPEC_MALFORMED, "empty item");
	expect_error("net, bridge=b,", TWR_SPEC_MALFORMED, "empty item");
	expect_error("net, bridge", TWR_SPEC_MALFORMED, "key=value");
	expect_error("net, =b", TWR_SPEC_MALFORMED, "key is missing");
	expect_error("net, bridge=", TWR_SPEC_MALFORMED, "value is missing");
	expect_error("net, bridge=  ", TWR_SPEC_MALFORMED, "value is missing");
}

static void test_empty_spec(void)
{
	expect_error("", TWR_SPEC_EMPTY, "empty spec");
	expect_error(" \t ", TWR_SPEC_EMPTY, "empty spec");
}

static void test_too_long(void)
{
	char s[TWR_SPEC_MAX_LEN + 64];

	memset(s, 'a', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	memcpy(s, "blk, vdev=twa, target=/", 23);
	expect_error(s, TWR_SPEC_TOO_LONG, "longer than 1024");
	/* Exactly at the limit it is parsed (and the path is fine). */
	s[TWR_SPEC_MAX_LEN] = '\0';
	CU_ASSERT_EQUAL(parse(s), 0);
	CU_ASSERT_EQUAL(strlen(g_spec.blk.target), TWR_SPEC_MAX_LEN - 22);
}

static void test_control_characters_rejected(void)
{
	expect_error("net, bridge=xenbr0\n", TWR_SPEC_MALFORMED, "column 19");
	expect_error("net, bridge=xen\x1b[0m", TWR_SPEC_MALFORMED, "control");
	expect_error("net, bridge=x\xc3\xa9", TWR_SPEC_MALFORMED, "non-ASCII");
}

static void test_bad_mac(void)
{
	expect_error("net, bridge=b, mac=01:16:3e:00:00:01", TWR_SPEC_BAD_VALUE, "multicast");
	expect_error("net, bridge=b, mac=00:00:00:00:00:00", TWR_SPEC_BAD_VALUE, "all-zero");
	expect_error("net, bridge=b, mac=00:16:3e:1:2:3", TWR_SPEC_BAD_VALUE, "six hex bytes");
	expect_error("net, bridge=b, mac=00:16:3e:00:00:01:02", TWR_SPEC_BAD_VALUE, "mac=");
	expect_error("net, bridge=b, mac=00:16:3e:00:00", TWR_SPEC_BAD_VALUE, "mac=");
	expect_error("net, bridge=b, mac=00:16:3g:00:00:01", TWR_SPEC_BAD_VALUE, "mac=");
	expect_error("net, bridge=b, mac=00:16:3e00:00:01", TWR_SPEC_BAD_VALUE, "mac=");
}

static void test_mac_accepts_dashes_and_upper_case(void)
{
	static const uint8_t want[6] = { 0x00, 0x16, 0x3e, 0xab, 0xcd, 0xef };
	char buf[18];

	CU_ASSERT_EQUAL_FATAL(parse("net, bridge=b, mac=00-16-3E-AB-cd-EF"), 0);
	CU_ASSERT_EQUAL(memcmp(g_spec.net.mac, want, 6), 0);
	twr_mac_format(g_spec.net.mac, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "00:16:3e:ab:cd:ef");
}

static void test_bad_bridge_name(void)
{
	expect_error("net, bridge=a/b", TWR_SPEC_BAD_VALUE, "bridge=a/b");
	expect_error("net, bridge=br:0", TWR_SPEC_BAD_VALUE, "interface name");
	expect_error("net, bridge=..", TWR_SPEC_BAD_VALUE, "interface name");
	expect_error("net, bridge=abcdefghijklmnop", TWR_SPEC_BAD_VALUE, "1 to 15");
	expect_error("net, bridge=br 0", TWR_SPEC_BAD_VALUE, "blanks");
	CU_ASSERT_EQUAL(parse("net, bridge=abcdefghijklmno"), 0);	/* 15 */
}

static void test_bad_vdev(void)
{
	expect_error("blk, target=/a, vdev=TWA", TWR_SPEC_BAD_VALUE, "vdev=TWA");
	expect_error("blk, target=/a, vdev=1a", TWR_SPEC_BAD_VALUE, "vdev=1a");
	expect_error("blk, target=/a, vdev=twa1b", TWR_SPEC_BAD_VALUE, "vdev=twa1b");
	expect_error("blk, target=/a, vdev=../sda", TWR_SPEC_BAD_VALUE, "vdev=");
	expect_error("blk, target=/a, vdev=abcdefghijklmnop", TWR_SPEC_BAD_VALUE, "at most 15");
	CU_ASSERT_TRUE(twr_vdev_valid("twa"));
	CU_ASSERT_TRUE(twr_vdev_valid("twa12"));
	CU_ASSERT_FALSE(twr_vdev_valid(""));
	/* Another driver's names: the frontend would refuse them too. */
	expect_error("blk, target=/a, vdev=xvda", TWR_SPEC_BAD_VALUE, "other disk drivers");
	CU_ASSERT_FALSE(twr_vdev_valid("vda"));
	CU_ASSERT_FALSE(twr_vdev_valid("sda"));
	CU_ASSERT_FALSE(twr_vdev_valid("tw"));
	CU_ASSERT_FALSE(twr_vdev_valid("tw1"));
}

static void test_target_must_be_absolute(void)
{
	expect_error("blk, target=srv/a.img, vdev=twa", TWR_SPEC_BAD_VALUE, "absolute path");
}

static void test_mode_values(void)
{
	CU_ASSERT_EQUAL(parse("blk, target=/a, vdev=twa, mode=r"), 0);
	CU_ASSERT_FALSE(g_spec.blk.writable);
	CU_ASSERT_EQUAL(parse("blk, target=/a, vdev=twa, mode=ro"), 0);
	CU_ASSERT_FALSE(g_spec.blk.writable);
	CU_ASSERT_EQUAL(parse("blk, target=/a, vdev=twa, mode=rw"), 0);
	CU_ASSERT_TRUE(g_spec.blk.writable);
	expect_error("blk, target=/a, vdev=twa, mode=x", TWR_SPEC_BAD_VALUE, "r (read-only) or w");
}

static void test_bad_backend(void)
{
	expect_error("net, bridge=b, backend=dom;0", TWR_SPEC_BAD_VALUE, "backend=dom;0");
	CU_ASSERT_EQUAL(parse("net, bridge=b, backend=3"), 0);
	CU_ASSERT_STRING_EQUAL(g_spec.backend, "3");
}

static void test_null_error_is_allowed(void)
{
	CU_ASSERT_EQUAL(twr_spec_parse("nic", &g_spec, NULL), -EINVAL);
	CU_ASSERT_EQUAL(twr_spec_parse("net, bridge=b", &g_spec, NULL), 0);
}

static void test_kind_names(void)
{
	enum twr_dev_kind k;

	CU_ASSERT_STRING_EQUAL(twr_dev_kind_name(TWR_DEV_NET), "net");
	CU_ASSERT_STRING_EQUAL(twr_dev_kind_xs(TWR_DEV_BLK), "twinblk");
	CU_ASSERT_EQUAL(twr_dev_kind_parse("blk", &k), 0);
	CU_ASSERT_EQUAL(k, TWR_DEV_BLK);
	CU_ASSERT_EQUAL(twr_dev_kind_parse("vif", &k), -EINVAL);
}

#define T(fn) { #fn, fn }
static void test_printable_escapes_control_bytes(void)
{
	char out[32];

	twr_printable(out, sizeof(out), "net, \033[2Jbridge=\x7fx\n");
	CU_ASSERT_STRING_EQUAL(out, "net, \\x1b[2Jbridge=\\x7fx\\x0a");
	twr_printable(out, 8, "abcdefghij");
	CU_ASSERT_STRING_EQUAL(out, "abc");
	twr_printable(out, sizeof(out), "caf\xc3\xa9");
	CU_ASSERT_STRING_EQUAL(out, "caf\xc3\xa9");
}

static void test_net_script(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("net, bridge=ovsbr0, script=vif-openvswitch"), 0);
	CU_ASSERT_STRING_EQUAL(g_spec.net.script, "vif-openvswitch");
	CU_ASSERT_EQUAL_FATAL(parse("net, script=/usr/local/lib/xen/my-vif, bridge=br0.10"), 0);
	CU_ASSERT_STRING_EQUAL(g_spec.net.script, "/usr/local/lib/xen/my-vif");
	CU_ASSERT_EQUAL_FATAL(parse("net, bridge=xenbr0"), 0);
	CU_ASSERT_STRING_EQUAL(g_spec.net.script, "");
}

static void test_bad_script(void)
{
	/* A name from a domU's config never leaves the scripts directory. */
	expect_error("net, bridge=xenbr0, script=../../bin/sh", TWR_SPEC_BAD_VALUE, "script=../../bin/sh");
	expect_error("net, bridge=xenbr0, script=a/b", TWR_SPEC_BAD_VALUE, "an absolute path");
	expect_error("net, bridge=xenbr0, script=.hidden", TWR_SPEC_BAD_VALUE, "script=.hidden");
	expect_error("net, bridge=xenbr0, script=vif bridge", TWR_SPEC_BAD_VALUE, "script=vif bridge");
	expect_error("net, bridge=xenbr0, script=/etc/xen/../../bin/sh", TWR_SPEC_BAD_VALUE,
		     "script=");
	expect_error("net, bridge=xenbr0, script=vif-bridge, script=vif-route",
		     TWR_SPEC_DUPLICATE_KEY, "'script'");
	expect_error("blk, target=/a, vdev=twa, script=block", TWR_SPEC_UNKNOWN_KEY,
		     "'script' for a blk");
	/* The message lists it among a net device's keys. */
	expect_error("net, bridge=xenbr0, scirpt=x", TWR_SPEC_UNKNOWN_KEY, "script");
	/* Still needs its bridge: the scripts read it from xenstore. */
	expect_error("net, script=vif-openvswitch", TWR_SPEC_MISSING_KEY, "bridge=");
}

static const struct twr_cunit_test tests[] = {
	T(test_net_script),
	T(test_bad_script),
	T(test_printable_escapes_control_bytes),
	T(test_net_minimal_gets_defaults),
	T(test_net_all_keys),
	T(test_blk_design_example),
	T(test_blk_all_keys),
	T(test_blk_io_limits),
	T(test_blk_cache),
	T(test_blanks_around_items_and_equals),
	T(test_kind_accepts_xenbus_names),
	T(test_unknown_type),
	T(test_type_missing),
	T(test_unknown_key),
	T(test_key_of_other_kind_is_unknown),
	T(test_missing_bridge),
	T(test_missing_target_or_vdev),
	T(test_bad_number),
	T(test_duplicate_key),
	T(test_malformed_items),
	T(test_empty_spec),
	T(test_too_long),
	T(test_control_characters_rejected),
	T(test_bad_mac),
	T(test_mac_accepts_dashes_and_upper_case),
	T(test_bad_bridge_name),
	T(test_bad_vdev),
	T(test_target_must_be_absolute),
	T(test_mode_values),
	T(test_bad_backend),
	T(test_null_error_is_allowed),
	T(test_kind_names),
};

int main(void)
{
	return twr_cunit_run("toolstack_spec", NULL, NULL, tests,
			     sizeof(tests) / sizeof(tests[0]));
}
