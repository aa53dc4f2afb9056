# SPDX-License-Identifier: MIT
# CUnit tests of the I/O task table: grant/iotask.c, the file the hypervisor
# patch carries, compiled in user space through stub/harness.h.
check_PROGRAMS += tests/unit/grant/test_iotask
TESTS += tests/unit/grant/test_iotask

tests_unit_grant_test_iotask_SOURCES = tests/unit/grant/test_iotask.c grant/iotask.c
tests_unit_grant_test_iotask_CPPFLAGS = -I$(top_srcdir)/tests/unit/grant/stub
tests_unit_grant_test_iotask_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_grant_test_iotask_LDADD = $(CUNIT_LIBS)

EXTRA_DIST += \
	tests/unit/grant/stub/harness.h \
	tests/unit/grant/stub/public/xen.h \
	tests/unit/grant/stub/xen/errno.h \
	tests/unit/grant/stub/xen/iotask.h \
	tests/unit/grant/stub/xen/types.h \
	tests/unit/grant/stub/xen/xmalloc.h

# The toolstack library against a fake xc_domctl(): no libxenctrl linked.
check_PROGRAMS += tests/unit/grant/test_iotask_ctl
TESTS += tests/unit/grant/test_iotask_ctl
tests_unit_grant_test_iotask_ctl_SOURCES = tests/unit/grant/test_iotask_ctl.c \
	grant/twr_iotask_ctl.c grant/twr_iotask_ctl.h
tests_unit_grant_test_iotask_ctl_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/grant
tests_unit_grant_test_iotask_ctl_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(XENCTRL_CFLAGS)
tests_unit_grant_test_iotask_ctl_LDADD = $(CUNIT_LIBS)

# The series' copies of grant/iotask.[ch] must equal them.
TESTS += tests/unit/grant/patch-sync.sh
EXTRA_DIST += tests/unit/grant/patch-sync.sh

# A channel's refs from a fake domU's grant table and directory pages.
check_PROGRAMS += tests/unit/grant/test_iotask_chan
TESTS += tests/unit/grant/test_iotask_chan
tests_unit_grant_test_iotask_chan_SOURCES = tests/unit/grant/test_iotask_chan.c \
	grant/twr_iotask_chan.c grant/twr_iotask_chan.h
tests_unit_grant_test_iotask_chan_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/grant
tests_unit_grant_test_iotask_chan_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(XENCTRL_CFLAGS)
tests_unit_grant_test_iotask_chan_LDADD = $(CUNIT_LIBS)

# The table against a reference model, over long random operation sequences.
check_PROGRAMS += tests/unit/grant/test_iotask_model
TESTS += tests/unit/grant/test_iotask_model
tests_unit_grant_test_iotask_model_SOURCES = tests/unit/grant/test_iotask_model.c grant/iotask.c
tests_unit_grant_test_iotask_model_CPPFLAGS = -I$(top_srcdir)/tests/unit/grant/stub
tests_unit_grant_test_iotask_model_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_grant_test_iotask_model_LDADD = $(CUNIT_LIBS)
