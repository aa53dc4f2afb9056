# SPDX-License-Identifier: MIT
# The I/O task table. iotask.c/.h are hypervisor code (Xen style): the patch
# series in hypervisor-patch/ carries identical copies, the unit tests in
# tests/unit/grant/ compile them through a stub header.
EXTRA_DIST += grant/iotask.c grant/iotask.h
