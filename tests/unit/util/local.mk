# SPDX-License-Identifier: MIT
# CUnit tests of the user-space utility library (util/).
check_PROGRAMS += tests/unit/util/test_json tests/unit/util/test_stats
TESTS += tests/unit/util/test_json tests/unit/util/test_stats

tests_unit_util_test_json_SOURCES = tests/unit/util/test_json.c
tests_unit_util_test_json_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_util_test_json_LDADD = util/libtwrutil.a $(CUNIT_LIBS) -lm

tests_unit_util_test_stats_SOURCES = tests/unit/util/test_stats.c
tests_unit_util_test_stats_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_util_test_stats_LDADD = util/libtwrutil.a $(CUNIT_LIBS) -lm
