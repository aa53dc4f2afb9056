# SPDX-License-Identifier: MIT
# CUnit tests of the net record header checks both twinnet drivers run on
# what the peer writes (include/twinring/net.h).
check_PROGRAMS += tests/unit/net/test_net_hdr
TESTS += tests/unit/net/test_net_hdr

tests_unit_net_test_net_hdr_SOURCES = tests/unit/net/test_net_hdr.c
tests_unit_net_test_net_hdr_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_net_test_net_hdr_LDADD = $(CUNIT_LIBS)
