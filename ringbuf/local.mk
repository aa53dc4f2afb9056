# SPDX-License-Identifier: MIT
# The ring library for user space: the very source the kernel modules build.
noinst_LIBRARIES += libtwinring.a
libtwinring_a_SOURCES = \
	include/twinring/ring.h \
	ringbuf/twr_barrier.h \
	ringbuf/twr_ring.c \
	ringbuf/twr_ring.h \
	ringbuf/twr_shm.c ringbuf/twr_shm.h
