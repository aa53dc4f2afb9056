# SPDX-License-Identifier: MIT
# CUnit tests of the block backend's request validation (the kernel's source).
check_PROGRAMS += tests/unit/backend/test_blk_check
TESTS += tests/unit/backend/test_blk_check

tests_unit_backend_test_blk_check_SOURCES = tests/unit/backend/test_blk_check.c \
	backend/twr_blk_check.c backend/twr_blk_check.h
tests_unit_backend_test_blk_check_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/backend
tests_unit_backend_test_blk_check_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_backend_test_blk_check_LDADD = $(CUNIT_LIBS)
