// SPDX-License-Identifier: MIT
/*
 * CUnit tests of twinringd's configuration file (toolstack/twr_dconf.c): it
 * fails closed. Every way a file can be wrong is an error that names the
 * file and, where there is one, the line; a good file sets what it says and
 * nothing else; a missing file is the defaults.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../twr_cunit.h"

#include "../../../toolstack/twr_dconf.h"

static struct twr_dconf g_conf;
static char g_err[256];

static int parse(const char *text)
{
	return twr_dconf_parse("t.conf", text, strlen(text), &g_conf, g_err, sizeof(g_err));
}

static void test_good_file(void)
{
	CU_ASSERT_EQUAL(parse("# twinringd\nsearch_path = \"/etc/xen:/srv/vm\"\n"
			      "close_timeout = 3\niotask = \"enforce\"\n"), 0);
	CU_ASSERT(g_conf.has_search && g_conf.has_close_timeout && g_conf.has_iotask);
	CU_ASSERT_STRING_EQUAL(g_conf.search, "/etc/xen:/srv/vm");
	CU_ASSERT_EQUAL(g_conf.close_timeout_s, 3);
	CU_ASSERT_STRING_EQUAL(g_conf.iotask, "enforce");
	CU_ASSERT(!g_conf.has_targets);
	CU_ASSERT_EQUAL(parse("targets = \"/srv/vm:/dev/vg0\"\n"), 0);
	CU_ASSERT(g_conf.has_targets);
	CU_ASSERT_STRING_EQUAL(g_conf.targets, "/srv/vm:/dev/vg0");
}

static void test_scripts_dir(void)
{
	CU_ASSERT_EQUAL(parse("scripts_dir = \"/usr/local/lib/twinring/scripts\"\n"), 0);
	CU_ASSERT(g_conf.has_scripts_dir);
	CU_ASSERT_STRING_EQUAL(g_conf.scripts_dir, "/usr/local/lib/twinring/scripts");
	CU_ASSERT_EQUAL(parse("close_timeout = 3\n"), 0);
	CU_ASSERT(!g_conf.has_scripts_dir);
	/* Fails closed: one absolute directory, a string. */
	CU_ASSERT_EQUAL(parse("scripts_dir = \"scripts\"\n"), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_err, "t.conf: scripts_dir = \"scripts\": expected one absolute directory"));
	CU_ASSERT(!g_conf.has_scripts_dir);
	CU_ASSERT_EQUAL(parse("scripts_dir = \"/etc/xen/scripts:/srv\"\n"), -EINVAL);
	CU_ASSERT_EQUAL(parse("scripts_dir = \"\"\n"), -EINVAL);
	CU_ASSERT_EQUAL(parse("scripts_dir = [ \"/a\" ]\n"), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_err, "scripts_dir must be a string"));
	CU_ASSERT_EQUAL(parse("scripts_dir = \"/a\"\nscripts_dir = \"/b\"\n"), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_err, "t.conf:2: 'scripts_dir' is set again"));
}

static void test_only_what_is_set(void)
{
	CU_ASSERT_EQUAL(parse("close_timeout = 0\n"), 0);
	CU_ASSERT(!g_conf.has_search && g_conf.has_close_timeout && !g_conf.has_iotask);
	CU_ASSERT_EQUAL(parse(""), 0);
	CU_ASSERT(!g_conf.has_search && !g_conf.has_close_timeout && !g_conf.has_iotask);
}

static void test_missing_file_is_defaults(void)
{
	CU_ASSERT_EQUAL(twr_dconf_read("/nonexistent/twinringd.conf", &g_conf, g_err,
				       sizeof(g_err)), 0);
	CU_ASSERT(!g_conf.has_search && !g_conf.has_close_timeout && !g_conf.has_iotask);
}

static void test_typo_in_value_fails(void)
{
	/* The example: enforcement must not go off unseen. */
	CU_ASSERT_EQUAL(parse("iotask = \"enforced\"\n"), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_err, "t.conf: iotask = \"enforced\": expected off, register or enforce"));
	CU_ASSERT(!g_conf.has_iotask);
	CU_ASSERT_EQUAL(parse("iotask = 1\n"), -EINVAL);
	CU_ASSERT_EQUAL(parse("close_timeout = 601\n"), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_err, "close_timeout must be seconds, 0 to 600"));
	CU_ASSERT_EQUAL(parse("close_timeout = \"soon\"\n"), -EINVAL);
	CU_ASSERT_EQUAL(parse("search_path = 7\n"), -EINVAL);
	CU_ASSERT_EQUAL(parse("search_path = \"\"\n"), -EINVAL);
	CU_ASSERT_EQUAL(parse("search_path = \"/etc/xen::/srv\"\n"), -EINVAL);
	CU_ASSERT_EQUAL(parse("search_path = \"/etc/xen:vm\"\n"), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_err, "expected absolute directories"));
	CU_ASSERT_EQUAL(parse("targets = \"srv/vm\"\n"), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_err, "targets = \"srv/vm\": expected absolute directories"));
	CU_ASSERT_EQUAL(parse("targets = [ \"/srv\" ]\n"), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_err, "targets must be a string"));
}

static void test_unknown_key_named_with_line(void)
{
	CU_ASSERT_EQUAL(parse("close_timeout = 3\n\n  iotask_mode = \"enforce\"\n"), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_err, "t.conf:3: unknown key 'iotask_mode'"));
	/* Nothing is half-applied. */
	CU_ASSERT(!g_conf.has_close_timeout);
}

static void test_repeated_key(void)
{
	CU_ASSERT_EQUAL(parse("iotask = \"off\"\nclose_timeout = 1\niotask = \"enforce\"\n"), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_err, "t.conf:3: 'iotask' is set again (first on line 1)"));
}

static void test_syntax_error(void)
{
	CU_ASSERT_EQUAL(parse("close_timeout = 3\nsearch_path = \"/etc/xen\n"), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_err, "t.conf"));
	CU_ASSERT_EQUAL(parse("close_timeout = = 3\n"), -EINVAL);
	CU_ASSERT(g_err[0] != '\0');
}

static void test_not_text(void)
{
	static const char nul[] = "iotask = \"off\0\"\n";

	CU_ASSERT_EQUAL(twr_dconf_parse("t.conf", nul, sizeof(nul) - 1, &g_conf, g_err,
					sizeof(g_err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_err, "NUL"));
}

/* The file the Debian package installs as /etc/twinring/twinringd.conf
 * parses, and sets nothing: the daemon starts with its defaults. */
static void test_shipped_file_is_defaults(void)
{
	CU_ASSERT_EQUAL(twr_dconf_read(TWR_SHIPPED_CONF, &g_conf, g_err, sizeof(g_err)), 0);
	CU_ASSERT_STRING_EQUAL(g_err, "");
	CU_ASSERT(!g_conf.has_search && !g_conf.has_close_timeout && !g_conf.has_iotask &&
		  !g_conf.has_targets && !g_conf.has_scripts_dir);
}

int main(void)
{
	static const struct twr_cunit_test tests[] = {
		{ "good_file", test_good_file },
		{ "scripts_dir", test_scripts_dir },
		{ "only_what_is_set", test_only_what_is_set },
		{ "missing_file_is_defaults", test_missing_file_is_defaults },
		{ "typo_in_value_fails", test_typo_in_value_fails },
		{ "unknown_key_named_with_line", test_unknown_key_named_with_line },
		{ "repeated_key", test_repeated_key },
		{ "syntax_error", test_syntax_error },
		{ "not_text", test_not_text },
		{ "shipped_file_is_defaults", test_shipped_file_is_defaults },
	};

	return twr_cunit_run("toolstack_dconf", NULL, NULL, tests,
			     sizeof(tests) / sizeof(tests[0]));
}
