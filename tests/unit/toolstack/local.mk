# SPDX-License-Identifier: MIT
# CUnit tests of the toolstack's pure parts: the device spec parser and the
# xenstore layout/permission plan. Nothing here needs Xen.
check_PROGRAMS += tests/unit/toolstack/test_spec tests/unit/toolstack/test_xsplan
TESTS += tests/unit/toolstack/test_spec tests/unit/toolstack/test_xsplan

tests_unit_toolstack_test_spec_SOURCES = tests/unit/toolstack/test_spec.c
tests_unit_toolstack_test_spec_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/toolstack
tests_unit_toolstack_test_spec_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_toolstack_test_spec_LDADD = $(CUNIT_LIBS)

tests_unit_toolstack_test_xsplan_SOURCES = tests/unit/toolstack/test_xsplan.c
tests_unit_toolstack_test_xsplan_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/toolstack
tests_unit_toolstack_test_xsplan_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_toolstack_test_xsplan_LDADD = $(CUNIT_LIBS)
