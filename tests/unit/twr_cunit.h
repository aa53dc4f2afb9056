/* SPDX-License-Identifier: MIT */
/*
 * One CUnit runner for the unit-test programs that are a single suite of
 * named tests: registers them, runs them verbosely (the "Run Summary" that
 * tests/run.sh counts) and turns any failure into exit status 1.
 */
#ifndef TWR_TESTS_CUNIT_H
#define TWR_TESTS_CUNIT_H

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

struct twr_cunit_test {
	const char *name;
	CU_TestFunc fn;
};

/* Run @n @tests as suite @suite. Returns the process exit status: 0 if every
 * test passed, 1 if one failed or the suite could not be registered. */
static inline int twr_cunit_run(const char *suite, CU_InitializeFunc init,
				CU_CleanupFunc cleanup,
				const struct twr_cunit_test *tests, unsigned int n)
{
	unsigned int i, failed;
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite(suite, init, cleanup);
	for (i = 0; s && i < n; i++)
		if (!CU_add_test(s, tests[i].name, tests[i].fn))
			s = NULL;
	if (!s) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}

#endif /* TWR_TESTS_CUNIT_H */
