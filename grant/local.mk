# SPDX-License-Identifier: MIT
# The I/O task table. iotask.c/.h are hypervisor code (Xen style): the patch
# series in hypervisor-patch/ carries identical copies, the unit tests in
# tests/unit/grant/ compile them through a stub header.
EXTRA_DIST += grant/iotask.c grant/iotask.h

# The toolstack's library for XEN_DOMCTL_iotask_op (link with $(XENCTRL_LIBS)).
noinst_LIBRARIES += libtwriotask.a
libtwriotask_a_SOURCES = grant/twr_iotask_ctl.c grant/twr_iotask_ctl.h
libtwriotask_a_CFLAGS = $(AM_CFLAGS) $(XENCTRL_CFLAGS)
