// SPDX-License-Identifier: MIT
/*
 * CUnit tests of the migration names (toolstack/twr_domain.c): the receiving
 * end of xl migrate is <name>--incoming until it is renamed; twinringd
 * attaches its devices from <name>'s config, and a twinnet MAC held by
 * the source (<name>, then <name>--migratedaway) is not a conflict then.
 */
#include <string.h>

#include "../twr_cunit.h"

#include "../../../toolstack/twr_domain.h"

static void test_strip(void)
{
	char a[] = "web--incoming", b[] = "web", c[] = "--incoming";
	char d[] = "web--incoming--incoming", e[] = "web--incomingx";

	CU_ASSERT_TRUE(twr_domain_strip_incoming(a));
	CU_ASSERT_STRING_EQUAL(a, "web");
	CU_ASSERT_FALSE(twr_domain_strip_incoming(b));
	CU_ASSERT_STRING_EQUAL(b, "web");
	/* No name before the suffix: not a migration of anything. */
	CU_ASSERT_FALSE(twr_domain_strip_incoming(c));
	CU_ASSERT_STRING_EQUAL(c, "--incoming");
	/* One suffix at a time, from the end only. */
	CU_ASSERT_TRUE(twr_domain_strip_incoming(d));
	CU_ASSERT_STRING_EQUAL(d, "web--incoming");
	CU_ASSERT_FALSE(twr_domain_strip_incoming(e));
}

static void test_migration_pair(void)
{
	/* Every point of xl migrate: before the source renames itself, after,
	 * and after the receiving end is renamed too. */
	CU_ASSERT_TRUE(twr_domain_migration_pair("web--incoming", "web"));
	CU_ASSERT_TRUE(twr_domain_migration_pair("web--incoming", "web--migratedaway"));
	CU_ASSERT_TRUE(twr_domain_migration_pair("web", "web--migratedaway"));
	/* Not a migration: the same name, or other guests. */
	CU_ASSERT_FALSE(twr_domain_migration_pair("web", "web"));
	CU_ASSERT_FALSE(twr_domain_migration_pair("web--incoming", "we"));
	CU_ASSERT_FALSE(twr_domain_migration_pair("web--incoming", "web2"));
	CU_ASSERT_FALSE(twr_domain_migration_pair("web2--incoming", "web"));
	CU_ASSERT_FALSE(twr_domain_migration_pair("web2", "web--migratedaway"));
	CU_ASSERT_FALSE(twr_domain_migration_pair("--incoming", ""));
	CU_ASSERT_FALSE(twr_domain_migration_pair("web--incoming", "web--incoming"));
	/* The source, seen from the other side, is not a receiving end. */
	CU_ASSERT_FALSE(twr_domain_migration_pair("web--migratedaway", "web"));
	CU_ASSERT_FALSE(twr_domain_migration_pair("web", "web--incoming"));
}

int main(void)
{
	static const struct twr_cunit_test tests[] = {
		{ "strip_incoming", test_strip },
		{ "migration_pair", test_migration_pair },
	};

	return twr_cunit_run("toolstack_domain", NULL, NULL, tests,
			     sizeof(tests) / sizeof(tests[0]));
}
