# SPDX-License-Identifier: MIT
# CUnit tests of the net record header checks both twinnet drivers run on
# what the peer writes (netcore/twr_net_check.c).
check_PROGRAMS += tests/unit/netcore/test_net_hdr
TESTS += tests/unit/netcore/test_net_hdr

tests_unit_netcore_test_net_hdr_SOURCES = tests/unit/netcore/test_net_hdr.c \
	netcore/twr_net_check.c netcore/twr_net_check.h
tests_unit_netcore_test_net_hdr_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/netcore
tests_unit_netcore_test_net_hdr_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_netcore_test_net_hdr_LDADD = $(CUNIT_LIBS)
