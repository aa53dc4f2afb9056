// SPDX-License-Identifier: MIT
/*
 * CUnit tests of the modules-against-tools release check
 * (toolstack/twr_modver.c): the comparison, a fake /sys/module with
 * matching, differing, version-less and absent modules, the warning's
 * text, and the module list against the Kbuild files' obj-m.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../twr_cunit.h"
#include "fake_tree.h"

#include "../../../toolstack/twr_modver.h"

static char g_root[64];

/* @rel under the fake root: a directory, or a file with @text. */
static void mk(const char *rel, const char *text)
{
	fake_tree_mk(g_root, rel, text);
}

static void test_same_release(void)
{
	CU_ASSERT_TRUE(twr_modver_same("0.1.0", "0.1.0"));
	/* sysfs's newline, and stray trailing blanks, are not the version */
	CU_ASSERT_TRUE(twr_modver_same("0.1.0\n", "0.1.0"));
	CU_ASSERT_TRUE(twr_modver_same("0.1.0 \t\n", "0.1.0"));
}

static void test_other_release_differs(void)
{
	CU_ASSERT_FALSE(twr_modver_same("0.1.1\n", "0.1.0"));
	CU_ASSERT_FALSE(twr_modver_same("0.0.9", "0.1.0"));
	/* a prefix either way is another release */
	CU_ASSERT_FALSE(twr_modver_same("0.1", "0.1.0"));
	CU_ASSERT_FALSE(twr_modver_same("0.1.0.1", "0.1.0"));
	CU_ASSERT_FALSE(twr_modver_same("0.1.0~rc1", "0.1.0"));
	CU_ASSERT_FALSE(twr_modver_same(" 0.1.0", "0.1.0"));
}

static void test_no_version_differs(void)
{
	CU_ASSERT_FALSE(twr_modver_same(NULL, "0.1.0"));
	CU_ASSERT_FALSE(twr_modver_same("", "0.1.0"));
	CU_ASSERT_FALSE(twr_modver_same("\n", "0.1.0"));
	CU_ASSERT_FALSE(twr_modver_same("\n", ""));
	CU_ASSERT_FALSE(twr_modver_same("0.1.0", NULL));
}

struct seen {
	unsigned int n;
	char name[4][32];
	char version[4][32];	/* "(none)" for NULL */
};

static void record(void *arg, const char *name, const char *mod_version)
{
	struct seen *s = arg;

	CU_ASSERT_FATAL(s->n < 4);
	snprintf(s->name[s->n], sizeof(s->name[0]), "%s", name);
	snprintf(s->version[s->n], sizeof(s->version[0]), "%s", mod_version ? mod_version : "(none)");
	s->n++;
}

static void test_check_nothing_loaded(void)
{
	struct seen s = { 0 };

	/* no module directory at all: not even /sys/module */
	CU_ASSERT_EQUAL(twr_modver_check(g_root, "0.1.0", record, &s), 0);
	CU_ASSERT_EQUAL(s.n, 0);
}

static void test_check_reports_each_mismatch(void)
{
	struct seen s = { 0 };

	mk("module/twinring_core/version", "0.1.0\n");		/* matches */
	mk("module/twinblk_front", NULL);			/* loaded, no version */
	mk("module/twinnet_back/version", "0.0.9\n");		/* another release */
	mk("module/xen_netback/version", "9.9\n");		/* not ours */
	/* the others are not loaded: no mismatch */

	CU_ASSERT_EQUAL(twr_modver_check(g_root, "0.1.0", record, &s), 2);
	CU_ASSERT_EQUAL_FATAL(s.n, 2);
	/* in twr_modver_modules' order */
	CU_ASSERT_STRING_EQUAL(s.name[0], "twinblk_front");
	CU_ASSERT_STRING_EQUAL(s.version[0], "(none)");
	CU_ASSERT_STRING_EQUAL(s.name[1], "twinnet_back");
	CU_ASSERT_STRING_EQUAL(s.version[1], "0.0.9");
	/* against 0.0.9: twinring_core and the version-less one; no report */
	CU_ASSERT_EQUAL(twr_modver_check(g_root, "0.0.9", NULL, NULL), 2);
}

static void test_message_names_both_versions(void)
{
	char msg[512];

	twr_modver_message(msg, sizeof(msg), "twinctl", "0.1.0", "twinnet_back", "0.0.9");
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "twinnet_back is version 0.0.9"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "twinctl is 0.1.0"));
	twr_modver_message(msg, sizeof(msg), "twinringd", "0.1.0", "twinblk_front", NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "twinblk_front has no version"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "twinringd is 0.1.0"));
}

/* Every obj-m of the Kbuild files is in the list, and nothing else: a new
 * module must not escape the check. */
static void test_modules_are_the_kbuild_ones(void)
{
	static const char *const dirs[] = { "ringbuf", "netcore", "frontend", "backend", "exitcost" };
	unsigned int found = 0, i, k;
	char path[512], line[256], name[64], *p;
	FILE *f;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s/Kbuild", TWR_TOP_SRCDIR, dirs[i]);
		f = fopen(path, "r");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "obj-m += %63[^.].o", name) != 1)
				continue;
			for (p = name; *p; p++)
				if (*p == '-')
					*p = '_';
			for (k = 0; k < TWR_MODVER_NR_MODULES; k++)
				if (!strcmp(twr_modver_modules[k], name))
					break;
			if (k == TWR_MODVER_NR_MODULES)
				fprintf(stderr, "%s: %s is not in twr_modver_modules\n", path, name);
			CU_ASSERT(k < TWR_MODVER_NR_MODULES);
			found++;
		}
		fclose(f);
	}
	CU_ASSERT_EQUAL(found, TWR_MODVER_NR_MODULES);
}

static int suite_init(void)
{
	snprintf(g_root, sizeof(g_root), "/tmp/twr-modver-XXXXXX");
	return mkdtemp(g_root) ? 0 : -1;
}

static int suite_cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_root);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	static const struct twr_cunit_test tests[] = {
		{ "test_same_release", test_same_release },
		{ "test_other_release_differs", test_other_release_differs },
		{ "test_no_version_differs", test_no_version_differs },
		{ "test_check_nothing_loaded", test_check_nothing_loaded },
		{ "test_check_reports_each_mismatch", test_check_reports_each_mismatch },
		{ "test_message_names_both_versions", test_message_names_both_versions },
		{ "test_modules_are_the_kbuild_ones", test_modules_are_the_kbuild_ones },
	};

	return twr_cunit_run("toolstack_modver", suite_init, suite_cleanup, tests,
			     sizeof(tests) / sizeof(tests[0]));
}
