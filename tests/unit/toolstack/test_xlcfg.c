// SPDX-License-Identifier: MIT
/*
 * CUnit tests of twinringd's config handling (toolstack/twr_xlcfg.c): the
 * lookup on the search path, the twinring key read through libxlutil from
 * real xl syntax, restart reconciliation, and a file held against the
 * domain it would configure (toolstack/twr_ident.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../twr_cunit.h"

#include "../../../toolstack/twr_xlcfg.h"

static char g_dir[64];
static struct twr_xlcfg g_cfg;
static char g_err[512];

static void put_file(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", g_dir, rel);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static int read_text(const char *text)
{
	twr_xlcfg_free(&g_cfg);
	return twr_xlcfg_read_data("vm1.cfg", text, strlen(text), &g_cfg, g_err,
				   sizeof(g_err));
}

static void test_find_prefers_cfg_then_bare_then_next_dir(void)
{
	char search[256], path[512], want[256];

	snprintf(search, sizeof(search), "%s/a:%s/b", g_dir, g_dir);
	CU_ASSERT_EQUAL(twr_xlcfg_find(search, "vm1", path, sizeof(path)), -ENOENT);
	CU_ASSERT_STRING_EQUAL(path, "");

	put_file("b/vm1", "name = 'vm1'\n");
	CU_ASSERT_EQUAL(twr_xlcfg_find(search, "vm1", path, sizeof(path)), 0);
	snprintf(want, sizeof(want), "%s/b/vm1", g_dir);
	CU_ASSERT_STRING_EQUAL(path, want);

	put_file("a/vm1", "name = 'vm1'\n");
	CU_ASSERT_EQUAL(twr_xlcfg_find(search, "vm1", path, sizeof(path)), 0);
	snprintf(want, sizeof(want), "%s/a/vm1", g_dir);
	CU_ASSERT_STRING_EQUAL(path, want);

	put_file("a/vm1.cfg", "name = 'vm1'\n");
	CU_ASSERT_EQUAL(twr_xlcfg_find(search, "vm1", path, sizeof(path)), 0);
	snprintf(want, sizeof(want), "%s/a/vm1.cfg", g_dir);
	CU_ASSERT_STRING_EQUAL(path, want);
}

static void test_find_skips_directories_and_empty_entries(void)
{
	char search[256], path[512], dir[256], want[256];

	snprintf(dir, sizeof(dir), "%s/a/vm2.cfg", g_dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755), 0);
	put_file("b/vm2.cfg", "name = 'vm2'\n");
	snprintf(search, sizeof(search), "::%s/a::%s/b:", g_dir, g_dir);
	CU_ASSERT_EQUAL(twr_xlcfg_find(search, "vm2", path, sizeof(path)), 0);
	snprintf(want, sizeof(want), "%s/b/vm2.cfg", g_dir);
	CU_ASSERT_STRING_EQUAL(path, want);
}

static void test_find_rejects_path_names(void)
{
	char path[256];

	CU_ASSERT_EQUAL(twr_xlcfg_find("/etc", "../etc/passwd", path, sizeof(path)), -EINVAL);
	CU_ASSERT_EQUAL(twr_xlcfg_find("/etc", "a/b", path, sizeof(path)), -EINVAL);
	CU_ASSERT_EQUAL(twr_xlcfg_find("/etc", ".hidden", path, sizeof(path)), -EINVAL);
	CU_ASSERT_EQUAL(twr_xlcfg_find("/etc", "", path, sizeof(path)), -EINVAL);
	CU_ASSERT_EQUAL(twr_xlcfg_find("/etc", "vm 1", path, sizeof(path)), -EINVAL);
	CU_ASSERT_TRUE(twr_xlcfg_name_ok("vm1-web_2.example"));
}

static void test_read_design_example(void)
{
	CU_ASSERT_EQUAL_FATAL(read_text(
		"name = 'vm1'\n"
		"memory = 512\n"
		"vif = [ 'bridge=xenbr0' ]\n"
		"twinring = [ 'net, bridge=xenbr0, queues=2',\n"
		"             \"blk, target=/srv/vm1-data.img, vdev=twa\" ]\n"), 0);
	CU_ASSERT_TRUE(g_cfg.has_key);
	CU_ASSERT_EQUAL_FATAL(g_cfg.n, 2);
	CU_ASSERT_STRING_EQUAL(g_cfg.items[0], "net, bridge=xenbr0, queues=2");
	CU_ASSERT_STRING_EQUAL(g_cfg.items[1], "blk, target=/srv/vm1-data.img, vdev=twa");
}

static void test_read_without_key_is_empty(void)
{
	CU_ASSERT_EQUAL(read_text("name = 'vm1'\nmemory = 256\n"), 0);
	CU_ASSERT_FALSE(g_cfg.has_key);
	CU_ASSERT_EQUAL(g_cfg.n, 0);
	CU_ASSERT_EQUAL(read_text("twinring = [ ]\n"), 0);
	CU_ASSERT_TRUE(g_cfg.has_key);
	CU_ASSERT_EQUAL(g_cfg.n, 0);
}

static void test_read_key_twice_is_refused(void)
{
	/* xl keeps the last list: the first entries would vanish unseen. */
	CU_ASSERT_EQUAL(read_text("twinring = [ 'net, bridge=xenbr0' ]\nname = 'vm1'\n"
				  "twinring = [ 'blk, target=/srv/d.img, vdev=twa' ]\n"), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_err, "vm1.cfg:3: 'twinring' is set again (first on line 1)"));
	CU_ASSERT_EQUAL(g_cfg.n, 0);
}

static void test_read_near_miss_is_noted(void)
{
	static const char *const misses[] = { "twinrings", "twnring", "twin_ring", "twinrng" };
	char text[128];
	unsigned int i;

	for (i = 0; i < sizeof(misses) / sizeof(misses[0]); i++) {
		snprintf(text, sizeof(text), "name = 'vm1'\n%s = [ 'net' ]\n", misses[i]);
		CU_ASSERT_EQUAL(read_text(text), 0);
		CU_ASSERT_FALSE(g_cfg.has_key);
		CU_ASSERT_STRING_EQUAL(g_cfg.near_key, misses[i]);
		CU_ASSERT_EQUAL(g_cfg.near_line, 2);
	}
	/* xl's own keys are not near it. */
	CU_ASSERT_EQUAL(read_text("name = 'vm1'\nmemory = 256\nvif = [ '' ]\nextra = 'x'\n"
				  "kernel = 'k'\nramdisk = 'r'\non_crash = 'preserve'\n"), 0);
	CU_ASSERT_EQUAL(g_cfg.near_line, 0);
}

static void test_next_key_lists_settings(void)
{
	static const char text[] = "# c = 1\nname = 'vm1'\n  disk = [ 'a',\n  'b' ]\nx=1; y = 2\n";
	unsigned int line = 0;
	size_t pos = 0, n;
	const char *k;

	n = twr_cfg_next_key(text, sizeof(text) - 1, &pos, &line, &k);
	CU_ASSERT(n == 4 && !strncmp(k, "name", 4) && line == 2);
	n = twr_cfg_next_key(text, sizeof(text) - 1, &pos, &line, &k);
	CU_ASSERT(n == 4 && !strncmp(k, "disk", 4) && line == 3);
	/* One key per line: "y" after a ';' is libxlutil's to read. */
	n = twr_cfg_next_key(text, sizeof(text) - 1, &pos, &line, &k);
	CU_ASSERT(n == 1 && k[0] == 'x' && line == 5);
	CU_ASSERT_EQUAL(twr_cfg_next_key(text, sizeof(text) - 1, &pos, &line, &k), 0);
}

static void test_read_key_not_a_list(void)
{
	CU_ASSERT_EQUAL(read_text("twinring = 'net, bridge=xenbr0'\n"), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_err, "must be a list of strings"));
	CU_ASSERT_PTR_NOT_NULL(strstr(g_err, "vm1.cfg"));
}

static void test_read_syntax_error_names_the_line(void)
{
	CU_ASSERT_EQUAL(read_text("name = 'vm1'\ntwinring = [ 'net, bridge=x' \n"), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_err, "vm1.cfg"));
	CU_ASSERT_PTR_NULL(strchr(g_err, '\n'));
	fprintf(stderr, "\n  libxlutil said: %s\n", g_err);
}

static void test_read_nested_list_entry_is_null(void)
{
	CU_ASSERT_EQUAL_FATAL(read_text("twinring = [ 'net, bridge=b', [ 'x' ], 'blk, target=/a, vdev=twa' ]\n"), 0);
	CU_ASSERT_EQUAL_FATAL(g_cfg.n, 3);
	CU_ASSERT_PTR_NOT_NULL(g_cfg.items[0]);
	CU_ASSERT_PTR_NULL(g_cfg.items[1]);
	CU_ASSERT_PTR_NOT_NULL(g_cfg.items[2]);
}

/* libxlutil aborts on a NUL inside a quoted string (found by fuzz_xlcfg):
 * such a file must be refused before it gets there. */
static void test_read_refuses_nul_bytes(void)
{
	static const char text[] = "twinring = 'net\0\0, x'\n";
	char path[256];
	FILE *f;

	twr_xlcfg_free(&g_cfg);
	CU_ASSERT_EQUAL(twr_xlcfg_read_data("vm1.cfg", text, sizeof(text) - 1, &g_cfg,
					    g_err, sizeof(g_err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_err, "NUL byte at offset 15"));

	snprintf(path, sizeof(path), "%s/nul.cfg", g_dir);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fwrite(text, 1, sizeof(text) - 1, f);
	fclose(f);
	CU_ASSERT_EQUAL(twr_xlcfg_read(path, &g_cfg, g_err, sizeof(g_err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_err, "nul.cfg"));
}

static void test_read_file_missing(void)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/none.cfg", g_dir);
	twr_xlcfg_free(&g_cfg);
	CU_ASSERT_EQUAL(twr_xlcfg_read(path, &g_cfg, g_err, sizeof(g_err)), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_err, "none.cfg"));
}

static void test_read_file(void)
{
	char path[256];

	put_file("vm3.cfg", "twinring = [ 'net, bridge=xenbr0' ]\n");
	snprintf(path, sizeof(path), "%s/vm3.cfg", g_dir);
	twr_xlcfg_free(&g_cfg);
	CU_ASSERT_EQUAL_FATAL(twr_xlcfg_read(path, &g_cfg, g_err, sizeof(g_err)), 0);
	CU_ASSERT_EQUAL_FATAL(g_cfg.n, 1);
	CU_ASSERT_STRING_EQUAL(g_cfg.items[0], "net, bridge=xenbr0");
}

static void test_reconcile_creates_only_missing(void)
{
	const char *items[] = { "net, bridge=a", "blk, target=/x, vdev=twa", "net, bridge=a" };
	const char *none[] = { NULL };
	const char *one[] = { "net, bridge=a" };
	const char *all[] = { "blk, target=/x, vdev=twa", "net, bridge=a", "net, bridge=a" };
	const char *other[] = { "net, bridge=zzz" };
	bool create[3];

	CU_ASSERT_EQUAL(twr_reconcile(items, 3, none, 0, create), 3);
	CU_ASSERT_TRUE(create[0] && create[1] && create[2]);

	/* One of the two identical entries exists: the other is created. */
	CU_ASSERT_EQUAL(twr_reconcile(items, 3, one, 1, create), 2);
	CU_ASSERT_FALSE(create[0]);
	CU_ASSERT_TRUE(create[1]);
	CU_ASSERT_TRUE(create[2]);

	/* Everything exists, in another order: nothing is created twice. */
	CU_ASSERT_EQUAL(twr_reconcile(items, 3, all, 3, create), 0);
	CU_ASSERT_FALSE(create[0] || create[1] || create[2]);

	/* A record matching no entry does not stop anything. */
	CU_ASSERT_EQUAL(twr_reconcile(items, 3, other, 1, create), 3);
}

static void test_reconcile_skips_non_strings(void)
{
	const char *items[] = { "net, bridge=a", NULL };
	bool create[2];

	CU_ASSERT_EQUAL(twr_reconcile(items, 2, NULL, 0, create), 1);
	CU_ASSERT_TRUE(create[0]);
	CU_ASSERT_FALSE(create[1]);
}

static int suite_init(void)
{
	char sub[128];

	snprintf(g_dir, sizeof(g_dir), "/tmp/twr-xlcfg-XXXXXX");
	if (!mkdtemp(g_dir))
		return -1;
	snprintf(sub, sizeof(sub), "%s/a", g_dir);
	mkdir(sub, 0755);
	snprintf(sub, sizeof(sub), "%s/b", g_dir);
	mkdir(sub, 0755);
	return 0;
}

static int suite_cleanup(void)
{
	char cmd[128];

	twr_xlcfg_free(&g_cfg);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* --- whose config is it (toolstack/twr_ident.c) --- */

static const char g_web[] =
	"name = 'web'\n"
	"uuid = '6F9A1C2E-0B3D-4E5F-8A7B-1C2D3E4F5A6B'\n"
	"disk = [ '/srv/vm/web.img,raw,xvda,rw', 'format=raw, vdev=xvdb, access=ro, target=/srv/vm/data.img' ]\n"
	"vif = [ 'mac=00:16:3E:AA:BB:CC, bridge=xenbr0', 'bridge=xenbr1' ]\n"
	"twinring = [ 'net, bridge=xenbr0' ]\n";

/* The domain @g_web describes, as libxl would report it. */
static void web_domain(struct twr_ident *d)
{
	memset(d, 0, sizeof(*d));
	strcpy(d->name, "web");
	strcpy(d->uuid, "6f9a1c2e-0b3d-4e5f-8a7b-1c2d3e4f5a6b");
	d->devs_known = true;
	CU_ASSERT_EQUAL(twr_ident_add_disk(d, "/srv/vm/web.img"), 0);
	CU_ASSERT_EQUAL(twr_ident_add_disk(d, "/srv/vm/data.img"), 0);
	CU_ASSERT_EQUAL(twr_ident_add_nic(d, "00:16:3e:aa:bb:cc"), 0);
	CU_ASSERT_EQUAL(twr_ident_add_nic(d, "00:16:3e:01:02:03"), 0);
}

static void test_ident_read_from_xl_syntax(void)
{
	const struct twr_ident *id = &g_cfg.ident;

	CU_ASSERT_EQUAL_FATAL(read_text(g_web), 0);
	CU_ASSERT_STRING_EQUAL(id->name, "web");
	CU_ASSERT_STRING_EQUAL(id->uuid, "6f9a1c2e-0b3d-4e5f-8a7b-1c2d3e4f5a6b");
	CU_ASSERT_EQUAL_FATAL(id->ndisks, 2);
	/* Positional and key=value disk specs, as xl parses them. */
	CU_ASSERT_STRING_EQUAL(id->disks[0], "/srv/vm/web.img");
	CU_ASSERT_STRING_EQUAL(id->disks[1], "/srv/vm/data.img");
	CU_ASSERT_EQUAL_FATAL(id->nnics, 2);
	CU_ASSERT_STRING_EQUAL(id->macs[0], "00:16:3e:aa:bb:cc");
	CU_ASSERT_STRING_EQUAL(id->macs[1], "");
}

static void test_ident_forms(void)
{
	char mac[TWR_IDENT_MAC_LEN + 1], uuid[TWR_IDENT_UUID_LEN + 1];

	CU_ASSERT_TRUE(twr_ident_mac("00-16-3E-aa-Bb-cC", mac));
	CU_ASSERT_STRING_EQUAL(mac, "00:16:3e:aa:bb:cc");
	CU_ASSERT_FALSE(twr_ident_mac("00:16:3e:aa:bb", mac));
	CU_ASSERT_FALSE(twr_ident_mac("00:16:3e:aa:bb:cg", mac));
	CU_ASSERT_FALSE(twr_ident_mac("00.16:3e:aa:bb:cc", mac));
	CU_ASSERT_TRUE(twr_ident_uuid("6F9A1C2E-0B3D-4E5F-8A7B-1C2D3E4F5A6B", uuid));
	CU_ASSERT_STRING_EQUAL(uuid, "6f9a1c2e-0b3d-4e5f-8a7b-1c2d3e4f5a6b");
	CU_ASSERT_FALSE(twr_ident_uuid("6f9a1c2e0b3d-4e5f-8a7b-1c2d3e4f5a6b-", uuid));
	CU_ASSERT_FALSE(twr_ident_uuid("6f9a1c2e-0b3d-4e5f-8a7b-1c2d3e4f5a6", uuid));
}

static void test_ident_refuses_what_xl_would(void)
{
	CU_ASSERT_EQUAL(read_text("name = 'web'\nuuid = 'not-a-uuid'\n"), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_err, "not a UUID"));
	CU_ASSERT_EQUAL(read_text("name = 'web'\ndisk = [ 'target=/a.img, vdev=xvda, colour=red' ]\n"),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_err, "disk entry 1"));
	CU_ASSERT_EQUAL(read_text("name = 'web'\nvif = [ 'mac=00:16:3e:zz:00:00' ]\n"), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_err, "vif entry 1"));
}

static void test_ident_match_own_domain(void)
{
	struct twr_ident d;
	char why[256] = "";

	CU_ASSERT_EQUAL_FATAL(read_text(g_web), 0);
	web_domain(&d);
	CU_ASSERT_TRUE(twr_ident_match(&g_cfg.ident, &d, why, sizeof(why)));
	/* A disk and a NIC hot-added later: still its own file. */
	CU_ASSERT_EQUAL(twr_ident_add_disk(&d, "/srv/vm/scratch.img"), 0);
	CU_ASSERT_EQUAL(twr_ident_add_nic(&d, "00:16:3e:09:09:09"), 0);
	CU_ASSERT_TRUE(twr_ident_match(&g_cfg.ident, &d, why, sizeof(why)));
	twr_ident_free(&d);
	/* libxl unreadable: name and uuid decide. */
	memset(&d, 0, sizeof(d));
	strcpy(d.name, "web");
	strcpy(d.uuid, "6f9a1c2e-0b3d-4e5f-8a7b-1c2d3e4f5a6b");
	CU_ASSERT_TRUE(twr_ident_match(&g_cfg.ident, &d, why, sizeof(why)));
}

static void test_ident_refuses_another_guests_file(void)
{
	struct twr_ident d;
	char why[256];

	CU_ASSERT_EQUAL_FATAL(read_text(g_web), 0);
	web_domain(&d);
	free(d.disks[1]);
	d.disks[1] = strdup("/srv/other/data.img");
	CU_ASSERT_FALSE(twr_ident_match(&g_cfg.ident, &d, why, sizeof(why)));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "its disk 2 (/srv/vm/data.img) is not one of the domain's 2 disks"));
	twr_ident_free(&d);

	web_domain(&d);
	strcpy(d.macs[0], "00:16:3e:aa:bb:cd");
	CU_ASSERT_FALSE(twr_ident_match(&g_cfg.ident, &d, why, sizeof(why)));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "mac 00:16:3e:aa:bb:cc"));
	d.nnics = 1;
	CU_ASSERT_FALSE(twr_ident_match(&g_cfg.ident, &d, why, sizeof(why)));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "it has 2 vifs, the domain 1"));
	twr_ident_free(&d);

	web_domain(&d);
	strcpy(d.uuid, "6f9a1c2e-0b3d-4e5f-8a7b-1c2d3e4f5a6c");
	CU_ASSERT_FALSE(twr_ident_match(&g_cfg.ident, &d, why, sizeof(why)));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "its uuid is"));
	strcpy(d.uuid, "6f9a1c2e-0b3d-4e5f-8a7b-1c2d3e4f5a6b");
	strcpy(d.name, "web2");
	CU_ASSERT_FALSE(twr_ident_match(&g_cfg.ident, &d, why, sizeof(why)));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "its name is 'web', the domain's is 'web2'"));
	twr_ident_free(&d);

	/* No name in the file (given on xl's command line): not seen, refused. */
	CU_ASSERT_EQUAL_FATAL(read_text("twinring = [ 'net' ]\n"), 0);
	web_domain(&d);
	CU_ASSERT_FALSE(twr_ident_match(&g_cfg.ident, &d, why, sizeof(why)));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "sets no 'name'"));
	twr_ident_free(&d);
}

static void test_read_entry_lines(void)
{
	static const char text[] =
		"name = 'vm1'\n"
		"# a comment with a 'quote' and [brackets]\n"
		"twinring = [ 'net, bridge=xenbr0',  # first\n"
		"             \"blk, target=/srv/a\\\"b.img, vdev=twa\",\n"
		"\n"
		"             [ 'nested' ], 'net, bridge=xenbr1' ]\n"
		"memory = 128\n";

	CU_ASSERT_EQUAL_FATAL(read_text(text), 0);
	CU_ASSERT_EQUAL_FATAL(g_cfg.n, 4);
	CU_ASSERT_EQUAL(g_cfg.key_line, 3);
	CU_ASSERT_EQUAL(g_cfg.lines[0], 3);
	CU_ASSERT_EQUAL(g_cfg.lines[1], 4);
	CU_ASSERT_EQUAL(g_cfg.lines[2], 6);
	CU_ASSERT_EQUAL(g_cfg.lines[3], 6);
	CU_ASSERT_PTR_NULL(g_cfg.items[2]);
}

#define T(fn) { #fn, fn }
static const struct twr_cunit_test tests[] = {
	T(test_find_prefers_cfg_then_bare_then_next_dir),
	T(test_find_skips_directories_and_empty_entries),
	T(test_find_rejects_path_names),
	T(test_read_design_example),
	T(test_read_without_key_is_empty),
	T(test_read_key_not_a_list),
	T(test_read_key_twice_is_refused),
	T(test_read_near_miss_is_noted),
	T(test_next_key_lists_settings),
	T(test_read_syntax_error_names_the_line),
	T(test_read_nested_list_entry_is_null),
	T(test_read_refuses_nul_bytes),
	T(test_read_file_missing),
	T(test_read_file),
	T(test_reconcile_creates_only_missing),
	T(test_reconcile_skips_non_strings),
	T(test_read_entry_lines),
	T(test_ident_read_from_xl_syntax),
	T(test_ident_forms),
	T(test_ident_refuses_what_xl_would),
	T(test_ident_match_own_domain),
	T(test_ident_refuses_another_guests_file),
};

int main(void)
{
	return twr_cunit_run("toolstack_xlcfg", suite_init, suite_cleanup, tests,
			     sizeof(tests) / sizeof(tests[0]));
}
