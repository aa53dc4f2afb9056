# SPDX-License-Identifier: MIT
# CUnit tests of the exit-cost helpers' pure parts (exitcost/).
check_PROGRAMS += tests/unit/exitcost/test_exitcost
TESTS += tests/unit/exitcost/test_exitcost

tests_unit_exitcost_test_exitcost_SOURCES = tests/unit/exitcost/test_exitcost.c
tests_unit_exitcost_test_exitcost_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/exitcost
tests_unit_exitcost_test_exitcost_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_exitcost_test_exitcost_LDADD = libtwrexitcost.a util/libtwrutil.a $(CUNIT_LIBS) -lm

# twr-costreport (Python) on fixed inputs.
TESTS += tests/unit/exitcost/test_costreport.sh
EXTRA_DIST += tests/unit/exitcost/test_costreport.sh \
	tests/unit/exitcost/data/results.json tests/unit/exitcost/data/exitcost.json
