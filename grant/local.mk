# SPDX-License-Identifier: MIT
# The I/O task table. iotask.c/.h are hypervisor code (Xen style): the patch
# series in hypervisor-patch/ carries identical copies, the unit tests in
# tests/unit/grant/ compile them through a stub header.
EXTRA_DIST += grant/iotask.c grant/iotask.h

# The toolstack's library: XEN_DOMCTL_iotask_op (link with $(XENCTRL_LIBS))
# and a channel's refs read from the frontend's directories (twr_iotask_chan:
# also link -lxenforeignmemory).
noinst_LIBRARIES += libtwriotask.a
libtwriotask_a_SOURCES = grant/twr_iotask_ctl.c grant/twr_iotask_ctl.h \
	grant/twr_iotask_chan.c grant/twr_iotask_chan.h
libtwriotask_a_CFLAGS = $(AM_CFLAGS) $(XENCTRL_CFLAGS)

# twr-iotask: the table by hand (installed: an administrator's view of the
# tasks twinringd registered).
sbin_PROGRAMS += grant/twr-iotask
dist_man_MANS += docs/man/twr-iotask.8
grant_twr_iotask_SOURCES = grant/twr_iotask_tool.c
grant_twr_iotask_CFLAGS = $(AM_CFLAGS) $(XENCTRL_CFLAGS)
grant_twr_iotask_LDADD = libtwriotask.a $(XENCTRL_LIBS)
