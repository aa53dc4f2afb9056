# SPDX-License-Identifier: MIT
# libtwrutil: what every user-space tool needs once (twinctl and twinringd,
# the exit-cost tools, ringbench): the JSON writer and sample statistics.
# Nothing here knows about Xen or the ring; each tool links it after its own
# library.
noinst_LIBRARIES += util/libtwrutil.a
util_libtwrutil_a_SOURCES = \
	util/twr_json.c util/twr_json.h \
	util/twr_stats.c util/twr_stats.h
